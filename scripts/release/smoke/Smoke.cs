// A first program of a user of the MessengerConnect NuGet package, compiled with Mono's mcs
// against the restored lib/netstandard2.0/MessengerConnect.dll and run on Mono with the
// package's runtimes/linux-x64/native/ library: starts the embedded mock server, signs a
// client in (tokens minted by the mock), reads the profile, syncs contacts, posts a feed
// item. Exits non-zero (with the reason) if anything is off. Run by scripts/release.sh.
using System;
using System.Threading.Tasks;
using MessengerConnect;
using MessengerConnect.Testing;

public static class Smoke
{
    public static int Main()
    {
        int code;
        try
        {
            code = RunAsync().GetAwaiter().GetResult();
        }
        catch (Exception e)
        {
            Console.Error.WriteLine("Smoke.cs failed: " + e);
            code = 1;
        }
        return code;
    }

    private static async Task<int> RunAsync()
    {
        string where = typeof(Client).Assembly.Location;
        using (MockServer server = MockServer.Start(users: 2, contactsPerUser: 30))
        using (Client client = await server.CreateClientAsync())
        {
            Me me = await client.MeAsync();
            DeltaSync all = await client.SyncContactsAsync(null, null);
            if (all.Upserts.Count != 30)
            {
                Console.Error.WriteLine("sync gave " + all.Upserts.Count + " contacts, not 30");
                return 1;
            }
            Activity posted = await client.CreateActivityAsync(
                new NewActivity(ActivityType.Note, "installed from the nupkg", null, null, null));
            Console.WriteLine(".NET (Mono): signed in as " + me.DisplayName + "; " + all.Upserts.Count
                + " contacts; posted " + posted.Id + "; MessengerConnect.dll from " + where);
        }
        return 0;
    }
}

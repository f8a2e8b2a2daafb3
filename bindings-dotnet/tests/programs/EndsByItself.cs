// A program that makes async calls over HTTP (the Rust runtime completes them) and returns
// from Main: run by ProcessExitTests, which checks that the process ends by itself on Mono.
using System;
using MessengerConnect;
using MessengerConnect.Testing;

public static class EndsByItself
{
    public static int Main()
    {
        using (MockServer server = MockServer.Start(users: 1, contactsPerUser: 3, friendsPerUser: 0, activitiesPerUser: 0, seed: 5))
        using (Client client = server.CreateClientAsync(server.Users[0], null).GetAwaiter().GetResult())
        {
            Me me = client.MeAsync().GetAwaiter().GetResult();
            int contacts = client.SyncContactsAsync(null, null).GetAwaiter().GetResult().Upserts.Count;
            Console.WriteLine("signed in as " + me.DisplayName + "; " + contacts + " contacts");
        }
        return 7;
    }
}

// The .NET binding's benchmark (driven by bench.sh; prints Markdown tables, not a test):
//  (a) a full delta sync of one user's contacts (pages of 1,000) through C#, against the
//      mock server process bench.sh started, compared with the Rust core's time measured
//      in the same run (--core-seconds);
//  (b) the per-call cost of trivial calls across the FFI, against a bare P/Invoke of the
//      library's trivial contract-version function.
//
//   mono Bench.exe --url URL [--contacts 100000] [--runs 3] [--core-seconds S]
using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using MessengerConnect;

public static class Bench
{
    private const uint Page = 1000;

    /// <summary>A trivial function of the same library (no status, no handle): the floor.</summary>
    [DllImport("messenger_connect_dotnet", EntryPoint = "ffi_messenger_connect_dotnet_uniffi_contract_version")]
    private static extern uint ContractVersion();

    public static int Main(string[] args)
    {
        int code = 0;
        try { Run(args).GetAwaiter().GetResult(); }
        catch (Exception e) { Console.Error.WriteLine("bench failed: " + e); code = 1; }
        return code;
    }

    private static string Arg(string[] args, string name, string fallback)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
    }

    private static async Task Run(string[] args)
    {
        string url = Arg(args, "--url", null) ?? throw new ArgumentException("--url is required");
        int contacts = int.Parse(Arg(args, "--contacts", "100000"));
        int runs = int.Parse(Arg(args, "--runs", "3"));
        double core = double.Parse(Arg(args, "--core-seconds", "0"), System.Globalization.CultureInfo.InvariantCulture);

        string token = Setup(url, contacts);
        ClientOptions options = MessengerConnectFunctions.DefaultClientOptions(url);
        options.Tokens = new TokenSet { AccessToken = token, TokenType = "Bearer", Scopes = new List<string> { "contacts.read" } };
        using (var client = new Client(options))
        {
            // Warm-up (JIT, connections), then interleaved runs.
            await SyncRound(client);
            var round = new List<double>();
            var pages = new List<double>();
            for (int r = 0; r < runs; r++)
            {
                round.Add(await Time(async () => Check(await SyncRound(client), contacts)));
                pages.Add(await Time(async () => Check(await PagerRound(client), contacts)));
            }
            Console.WriteLine("| variant | median seconds | contacts/s | vs Rust core |");
            Console.WriteLine("|---|---:|---:|---:|");
            Row("C#: `SyncContactsAsync` (one call, whole round)", Median(round), contacts, core);
            Row("C#: `ContactChanges` pager (a call per page of 1,000)", Median(pages), contacts, core);
            if (core > 0) Row("Rust core: client delta stream (same run)", core, contacts, core);
            Console.WriteLine();

            PerCall(client);
        }
    }

    private static void Check(int seen, int expected)
    {
        if (seen != expected) throw new InvalidOperationException("synced " + seen + " contacts, expected " + expected);
    }

    private static async Task<int> SyncRound(Client client)
    {
        DeltaSync sync = await client.SyncContactsAsync(null, Page);
        if (sync.DeltaLink == null) throw new InvalidOperationException("no delta link");
        return sync.Upserts.Count(c => c.Id.Length > 0);
    }

    private static async Task<int> PagerRound(Client client)
    {
        int n = 0;
        var pager = client.ContactChanges(null, Page);
        DeltaPage page, last = null;
        while ((page = await pager.NextPageAsync()) != null)
        {
            foreach (DeltaChange change in page.Changes)
            {
                var upsert = change as DeltaChange.Upsert;
                if (upsert != null && upsert.Contact.Id.Length > 0) n++;
            }
            last = page;
        }
        if (last == null || last.DeltaLink == null) throw new InvalidOperationException("no delta link");
        return n;
    }

    private static void PerCall(Client client)
    {
        const int N = 200000;
        var rows = new List<Tuple<string, double>>();
        rows.Add(Tuple.Create("bare P/Invoke of a trivial Rust function (floor)", NsPerCall(N, () => ContractVersion())));
        rows.Add(Tuple.Create("`Client.IsClosed()`: handle clone + call + bool", NsPerCall(N, () => client.IsClosed())));
        rows.Add(Tuple.Create("`Client.BaseUrl()`: handle clone + call + string", NsPerCall(N, () => client.BaseUrl())));
        rows.Add(Tuple.Create("`MessengerConnectFunctions.Version()`: function + string", NsPerCall(N, () => MessengerConnectFunctions.Version())));
        double floor = rows[0].Item2;
        Console.WriteLine("| trivial call (" + N.ToString("N0") + " calls) | ns per call | vs floor |");
        Console.WriteLine("|---|---:|---:|");
        foreach (var row in rows)
        {
            Console.WriteLine("| " + row.Item1 + " | " + row.Item2.ToString("F0") + " | " + (row.Item2 / floor).ToString("F1") + "× |");
        }
    }

    private static double NsPerCall(int n, Action call)
    {
        for (int i = 0; i < 1000; i++) call();
        var best = double.MaxValue;
        for (int r = 0; r < 3; r++)
        {
            var sw = Stopwatch.StartNew();
            for (int i = 0; i < n; i++) call();
            best = Math.Min(best, sw.Elapsed.TotalMilliseconds * 1e6 / n);
        }
        return best;
    }

    private static async Task<double> Time(Func<Task> body)
    {
        var sw = Stopwatch.StartNew();
        await body();
        return sw.Elapsed.TotalSeconds;
    }

    private static double Median(List<double> xs)
    {
        var s = xs.OrderBy(x => x).ToList();
        return s[s.Count / 2];
    }

    private static void Row(string name, double seconds, int contacts, double core)
    {
        string vs = core > 0 ? (seconds / core).ToString("F2") + "×" : "n/a";
        Console.WriteLine("| " + name + " | " + seconds.ToString("F2") + " | " + (contacts / seconds).ToString("N0") + " | " + vs + " |");
    }

    /// <summary>Test setup through the mock's control plane (as core's bench_sync does): 1 user, a token.</summary>
    private static string Setup(string url, int contacts)
    {
        string reset = Post(url + "/_mock/reset",
            "{\"seed\":1,\"users\":1,\"contactsPerUser\":" + contacts + ",\"rateLimit\":{\"limit\":1000000000,\"windowSeconds\":60}}");
        string user = Field(reset, "id");
        string app = Post(url + "/_mock/clients", "{\"name\":\"bench\",\"public\":false,\"scopes\":[\"contacts.read\"]}");
        string clientId = Field(app, "clientId");
        string minted = Post(url + "/_mock/tokens",
            "{\"userId\":\"" + user + "\",\"clientId\":\"" + clientId + "\",\"scopes\":[\"contacts.read\"],\"expiresIn\":86400}");
        return Field(minted, "access_token");
    }

    private static string Field(string json, string name)
    {
        Match m = Regex.Match(json, "\"" + name + "\"\\s*:\\s*\"([^\"]+)\"");
        if (!m.Success) throw new InvalidOperationException("no " + name + " in the mock's answer");
        return m.Groups[1].Value;
    }

    private static string Post(string url, string body)
    {
        var request = (HttpWebRequest)WebRequest.Create(url);
        request.Method = "POST";
        request.ContentType = "application/json";
        request.Timeout = 300000;
        byte[] bytes = Encoding.UTF8.GetBytes(body);
        using (Stream s = request.GetRequestStream()) s.Write(bytes, 0, bytes.Length);
        using (var response = (HttpWebResponse)request.GetResponse())
        using (var reader = new StreamReader(response.GetResponseStream())) return reader.ReadToEnd();
    }
}

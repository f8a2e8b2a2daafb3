using System;
using System.Collections;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using MessengerConnect;
using MessengerConnect.Testing;
using NUnit.Framework;

namespace MessengerConnect.Tests
{
    /// <summary>
    /// The shared fault scenarios (<c>spec/scenarios/*.json</c>; format in its README) run by
    /// this binding: each scenario is a test case of its own, named after it. A case passes,
    /// fails with every unmet expectation of the first step that went wrong, or is ignored
    /// with the reason its file gives for the <c>dotnet</c> runner. Mirrors core's runner
    /// (<c>core/tests/scenarios.rs</c>) and Python's (<c>bindings-python/tests/test_scenarios.py</c>).
    /// Every scenario gets a fresh in-process mock server; setup and faults go through the
    /// mock's control plane (<see cref="MockServer.CallAsync"/>); expectations are checked
    /// against the scenario file, the control plane and the request journal, never against
    /// the client itself. Each client call is bounded (<see cref="StepDeadline"/>) and each
    /// scenario too (<see cref="ScenarioDeadline"/>), so a hung wait fails with the scenario's name.
    /// </summary>
    [TestFixture]
    public class ScenarioTests
    {
        /// <summary>This runner's key in a scenario's <c>skip</c>.</summary>
        public const string Runner = "dotnet";

        /// <summary>The longest a client call of a step may take.</summary>
        public static readonly TimeSpan StepDeadline = TimeSpan.FromSeconds(20);

        /// <summary>The longest a whole scenario may take (under the assembly's 120 s timeout).</summary>
        public static readonly TimeSpan ScenarioDeadline = TimeSpan.FromSeconds(90);

        /// <summary>
        /// The folder of the scenario files: <c>MC_SPEC_DIR</c> when set, else the first
        /// <c>spec/scenarios</c> found walking up from the test assembly (in <c>target/dotnet/</c>)
        /// or from the current directory.
        /// </summary>
        public static string SpecDir()
        {
            string fromEnv = Environment.GetEnvironmentVariable("MC_SPEC_DIR");
            if (!string.IsNullOrEmpty(fromEnv)) return fromEnv;
            var starts = new[] { Path.GetDirectoryName(typeof(ScenarioTests).Assembly.Location), Directory.GetCurrentDirectory() };
            foreach (string start in starts)
            {
                for (var dir = new DirectoryInfo(start); dir != null; dir = dir.Parent)
                {
                    string candidate = Path.Combine(dir.FullName, "spec", "scenarios");
                    if (Directory.Exists(candidate)) return candidate;
                }
            }
            throw new DirectoryNotFoundException("no spec/scenarios above " + string.Join(" or ", starts) + " (set MC_SPEC_DIR)");
        }

        /// <summary>A JSON file of the spec folder, parsed.</summary>
        public static Dictionary<string, object> Load(string file)
        {
            return (Dictionary<string, object>)Json.Parse(File.ReadAllText(Path.Combine(SpecDir(), file)));
        }

        /// <summary>The scenario files: the <c>*.json</c> files with a <c>scenarios</c> list (not the schema, not fixtures).</summary>
        public static List<string> ScenarioFiles()
        {
            return Directory.GetFiles(SpecDir(), "*.json")
                .Select(Path.GetFileName)
                .Where(f => Json.Has(Load(f), "scenarios"))
                .OrderBy(f => f, StringComparer.Ordinal)
                .ToList();
        }

        /// <summary>The scenarios of a file.</summary>
        public static IEnumerable<Dictionary<string, object>> ScenariosOf(string file)
        {
            return ((List<object>)Load(file)["scenarios"]).Cast<Dictionary<string, object>>();
        }

        /// <summary>One test case per scenario (file and name), named after the scenario.</summary>
        public static IEnumerable<TestCaseData> Cases()
        {
            foreach (string file in ScenarioFiles())
            {
                foreach (var scenario in ScenariosOf(file))
                {
                    string name = (string)scenario["name"];
                    yield return new TestCaseData(file, name).SetName(name);
                }
            }
        }

        /// <summary>Every scenario file fits <c>scenario.schema.json</c> and no scenario name is used twice.</summary>
        [Test]
        public void EveryFileFitsTheSchemaAndNamesAreUnique()
        {
            var schema = Load("scenario.schema.json");
            var files = ScenarioFiles();
            Assert.IsNotEmpty(files, "no scenario file in " + SpecDir());
            var names = new List<string>();
            foreach (string file in files)
            {
                var errors = SchemaCheck.Validate(schema, schema, Load(file), "$", 0);
                Assert.IsEmpty(errors, file + " does not fit the schema:\n" + string.Join("\n", errors));
                names.AddRange(ScenariosOf(file).Select(s => (string)s["name"]));
            }
            var twice = names.GroupBy(n => n).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
            Assert.IsEmpty(twice, "scenario names used twice: " + string.Join(", ", twice));
        }

        /// <summary>The schema check is not a no-op: a bad name, an unknown call and a skip for an unknown runner are refused.</summary>
        [Test]
        public void TheSchemaCheckRefusesWhatTheSchemaForbids()
        {
            var schema = Load("scenario.schema.json");
            object bad = Json.Parse("{\"area\": \"x\", \"scenarios\": [{\"name\": \"Bad Name\", \"description\": \"d\", "
                + "\"steps\": [{\"call\": \"me.fly\"}], \"skip\": {\"cobol\": \"no\"}}]}");
            var errors = SchemaCheck.Validate(schema, schema, bad, "$", 0);
            string all = string.Join("\n", errors);
            StringAssert.Contains("Bad Name", all);
            StringAssert.Contains("me.fly", all);
            StringAssert.Contains("cobol", all);
        }

        /// <summary>Runs one scenario (ignored when its file skips it for this runner), under <see cref="ScenarioDeadline"/>.</summary>
        [Test, TestCaseSource("Cases")]
        public void Scenario(string file, string name)
        {
            var scenario = ScenariosOf(file).First(s => (string)s["name"] == name);
            string reason = Json.Get(Json.Get(scenario, "skip"), Runner) as string;
            if (reason != null) Assert.Ignore(reason);
            Task<string> run = Task.Run(() => ScenarioWorld.RunAsync(scenario));
            bool ended;
            try
            {
                ended = run.Wait(ScenarioDeadline);
            }
            catch (AggregateException e)
            {
                Assert.Fail("scenario " + name + ": the runner failed: " + e.InnerException);
                return;
            }
            if (!ended) Assert.Fail("scenario " + name + ": no end within " + ScenarioDeadline.TotalSeconds + " s");
            if (run.Result != null) Assert.Fail("scenario " + name + ": FAILED\n    " + run.Result.Replace("\n", "\n    "));
        }
    }

    /// <summary>A scenario this runner cannot map onto the binding (an unknown call, a body field without a property): always a failure.</summary>
    public sealed class ScenarioException : Exception
    {
        /// <summary>Creates the exception.</summary>
        public ScenarioException(string message) : base(message) { }
    }

    /// <summary>A client call of a step took longer than <see cref="ScenarioTests.StepDeadline"/>.</summary>
    public sealed class StepTimeoutException : Exception
    {
        /// <summary>Creates the exception.</summary>
        public StepTimeoutException() : base("no answer within the step deadline") { }
    }

    /// <summary>A scenario's world: its mock server, the client under test, the saved values.</summary>
    public sealed class ScenarioWorld : IDisposable
    {
        private const string RedirectUri = "http://127.0.0.1:9/callback";
        private readonly MockServer _server;
        private readonly Dictionary<string, object> _vars = new Dictionary<string, object>();
        private Client _client;
        private DeviceAuthorization _device;

        private ScenarioWorld(MockServer server) { _server = server; }

        /// <summary>Runs the scenario's steps in order: null when every expectation held, else why not (the first failing step, with every unmet expectation of it).</summary>
        public static async Task<string> RunAsync(Dictionary<string, object> scenario)
        {
            // The default configuration (3 users with 50 contacts, seed 1), as `reset {}` keeps it.
            using (var world = new ScenarioWorld(MockServer.Start(MessengerConnectFunctions.DefaultMockOptions())))
            {
                try
                {
                    await world.SetUpAsync(scenario).ConfigureAwait(false);
                }
                catch (ScenarioException e)
                {
                    return "setup: " + e.Message;
                }
                var steps = (List<object>)scenario["steps"];
                for (int i = 0; i < steps.Count; i++)
                {
                    var step = (Dictionary<string, object>)steps[i];
                    List<string> problems = await world.StepAsync(step).ConfigureAwait(false);
                    if (problems.Count > 0)
                    {
                        string what = (Json.Get(step, "call") ?? Json.Get(step, "control") ?? "?").ToString();
                        return "step " + (i + 1) + " (" + what + "): " + string.Join("\n", problems);
                    }
                }
                return null;
            }
        }

        /// <summary>Stops the client and the server.</summary>
        public void Dispose()
        {
            if (_client != null) _client.Dispose();
            _client = null;
            _server.Dispose();
        }

        private async Task<object> ControlAsync(string op, object args)
        {
            string answer = await _server.CallAsync(op, Json.Write(args ?? new Dictionary<string, object>())).ConfigureAwait(false);
            return string.IsNullOrWhiteSpace(answer) ? null : Json.Parse(answer);
        }

        private async Task SetUpAsync(Dictionary<string, object> scenario)
        {
            var spec = Json.Get(scenario, "client") as Dictionary<string, object> ?? new Dictionary<string, object>();
            object reset = await ControlAsync("reset", Json.Get(scenario, "mock") ?? new Dictionary<string, object>()).ConfigureAwait(false);
            var scopes = MessengerConnectFunctions.AllScopes();
            var appArgs = new Dictionary<string, object>
            {
                { "name", "Scenario App" },
                { "redirectUris", new List<object> { RedirectUri } },
                { "scopes", scopes.Cast<object>().ToList() },
            };
            object app = await ControlAsync("createApp", appArgs).ConfigureAwait(false);
            string clientId = (string)Json.Get(app, "clientId");
            string clientSecret = Json.Get(app, "clientSecret") as string;
            var users = (List<object>)Json.Get(reset, "users");
            _vars["users"] = users;
            _vars["app"] = new Dictionary<string, object> { { "clientId", clientId } };

            ClientOptions options = MessengerConnectFunctions.DefaultClientOptions(_server.Url);
            var retry = Json.Get(spec, "retry");
            options.Retry = new RetryOptions
            {
                MaxAttempts = (uint)Number(retry, "maxAttempts", 4),
                InitialBackoffMs = (ulong)Number(retry, "initialBackoffMs", 10),
                MaxBackoffMs = (ulong)Number(retry, "maxBackoffMs", 100),
                MaxRetryAfterMs = (ulong)Number(retry, "maxRetryAfterMs", 60000),
            };
            // `contacts.list` is one page: no request for the next page in the background,
            // which the step's journal would see.
            options.PagePrefetch = false;
            if (!false.Equals(Json.Get(spec, "clientId")))
            {
                options.ClientId = clientId;
                options.ClientSecret = clientSecret;
            }
            if (Json.Has(spec, "requestTimeoutMs")) options.RequestTimeoutMs = (ulong)Number(spec, "requestTimeoutMs", 0);
            if (Json.Has(spec, "totalTimeoutMs")) options.TotalTimeoutMs = (ulong)Number(spec, "totalTimeoutMs", 0);
            if (!false.Equals(Json.Get(spec, "signedIn")))
            {
                int user = (int)Number(spec, "user", 0);
                if (user >= users.Count) throw new ScenarioException("no seeded user " + user);
                string userId = (string)Json.Get(users[user], "id");
                List<string> tokenScopes = Json.Has(spec, "scopes")
                    ? ((List<object>)spec["scopes"]).Cast<string>().ToList()
                    : scopes;
                TimeSpan? expiresIn = Json.Has(spec, "expiresIn") ? TimeSpan.FromSeconds(Number(spec, "expiresIn", 0)) : (TimeSpan?)null;
                options.Tokens = await _server.MintTokenAsync(userId, clientId, tokenScopes, expiresIn).ConfigureAwait(false);
            }
            string store = Json.Get(spec, "tokenStore") as string ?? "none";
            if (store != "none" && store != "failing") throw new ScenarioException("unknown tokenStore " + store);
            _client = new Client(options);
            // A store that cannot save (a full disk): the call that obtained new tokens must
            // fail with a TokenStoreException.
            if (store == "failing") _client.TokensChanged += FailingStore;
        }

        private static void FailingStore(object sender, TokensChangedEventArgs e)
        {
            throw new IOException("disk full");
        }

        private static double Number(object obj, string key, double fallback)
        {
            object v = Json.Get(obj, key);
            if (v == null) return fallback;
            if (!Json.IsNumber(v)) throw new ScenarioException("`" + key + "` is not a number");
            return Json.ToDouble(v);
        }

        /// <summary>Runs one step; its unmet expectations (empty when it went as expected).</summary>
        private async Task<List<string>> StepAsync(Dictionary<string, object> step)
        {
            var problems = new List<string>();
            Dictionary<string, object> args;
            try
            {
                args = (Dictionary<string, object>)References.Interpolate(Json.Get(step, "args") ?? new Dictionary<string, object>(), _vars);
            }
            catch (ScenarioException e)
            {
                return new List<string> { e.Message };
            }
            var expect = Json.Get(step, "expect") as Dictionary<string, object> ?? new Dictionary<string, object>();
            object result = null;
            Exception error = null;
            var clock = new Stopwatch();
            if (Json.Has(step, "control"))
            {
                try
                {
                    clock.Start();
                    result = await ControlAsync((string)step["control"], args).ConfigureAwait(false);
                }
                catch (Exception e)
                {
                    problems.Add("control call failed: " + Describe(e));
                }
            }
            else
            {
                await ControlAsync("clearRequests", null).ConfigureAwait(false);
                try
                {
                    clock.Start();
                    result = await BoundedAsync((string)step["call"], args).ConfigureAwait(false);
                }
                catch (StepTimeoutException)
                {
                    problems.Add("no answer within " + ScenarioTests.StepDeadline.TotalSeconds + " s");
                }
                catch (ScenarioException e)
                {
                    problems.Add("cannot run: " + e.Message);
                }
                catch (Exception e)
                {
                    error = e; // checked against `expect.error` below
                }
            }
            clock.Stop();
            await CheckOutcomeAsync(expect, result, error, clock.Elapsed.TotalMilliseconds, problems).ConfigureAwait(false);
            if (problems.Count == 0 && error == null && Json.Has(step, "save")) _vars[(string)step["save"]] = result;
            return problems;
        }

        private async Task CheckOutcomeAsync(Dictionary<string, object> expect, object result, Exception error, double elapsedMs, List<string> problems)
        {
            object wantError = Json.Get(expect, "error");
            if (problems.Count > 0)
            {
                // the call could not run: nothing to match
            }
            else if (error == null && wantError == null)
            {
                if (Json.Has(expect, "result")) MatchInterpolated(expect["result"], result, "result", problems);
            }
            else if (error == null)
            {
                problems.Add("succeeded, expected an error: " + Json.Write(result));
            }
            else if (wantError == null)
            {
                problems.Add("failed: " + Describe(error));
            }
            else
            {
                ErrorCheck.Check((Dictionary<string, object>)wantError, error, problems);
            }
            if (Json.Has(expect, "journal"))
            {
                object journal;
                try
                {
                    journal = References.Interpolate(expect["journal"], _vars);
                }
                catch (ScenarioException e)
                {
                    problems.Add(e.Message);
                    return;
                }
                object entries = Json.Get(await ControlAsync("requests", null).ConfigureAwait(false), "requests");
                Matching.CheckJournal((List<object>)journal, (List<object>)entries, problems);
            }
            object bounds = Json.Get(expect, "elapsedMs");
            if (Json.Has(bounds, "min") && elapsedMs < Json.ToDouble(Json.Get(bounds, "min")))
                problems.Add("took " + Math.Round(elapsedMs) + " ms, less than " + Json.Get(bounds, "min") + " ms");
            if (Json.Has(bounds, "max") && elapsedMs > Json.ToDouble(Json.Get(bounds, "max")))
                problems.Add("took " + Math.Round(elapsedMs) + " ms, more than " + Json.Get(bounds, "max") + " ms");
        }

        private void MatchInterpolated(object expected, object actual, string path, List<string> problems)
        {
            try
            {
                Matching.Match(References.Interpolate(expected, _vars), actual, path, problems);
            }
            catch (ScenarioException e)
            {
                problems.Add(e.Message);
            }
        }

        /// <summary>A description of an exception for a report: its class and message (inner exceptions unwrapped).</summary>
        public static string Describe(Exception e)
        {
            e = Unwrap(e);
            return e.GetType().FullName + ": " + e.Message;
        }

        /// <summary>The exception an awaited task would throw (an <see cref="AggregateException"/> unwrapped).</summary>
        public static Exception Unwrap(Exception e)
        {
            while (e is AggregateException && e.InnerException != null) e = e.InnerException;
            return e;
        }

        /// <summary>Runs a client call under <see cref="ScenarioTests.StepDeadline"/>: cancelled, and a <see cref="StepTimeoutException"/>, when it takes longer.</summary>
        private async Task<object> BoundedAsync(string op, Dictionary<string, object> args)
        {
            using (var cts = new CancellationTokenSource())
            {
                Task<object> call = CallAsync(op, args, cts.Token);
                Task first = await Task.WhenAny(call, Task.Delay(ScenarioTests.StepDeadline)).ConfigureAwait(false);
                if (first != call)
                {
                    cts.Cancel();
                    ObserveLater(call);
                    throw new StepTimeoutException();
                }
                return await call.ConfigureAwait(false);
            }
        }

        /// <summary>Observes the exception of a call given up on, so it is never reported as unobserved.</summary>
        private static void ObserveLater(Task call)
        {
            call.ContinueWith(t => t.Exception, TaskContinuationOptions.OnlyOnFaulted);
        }

        /// <summary>Runs a client operation of the scenario vocabulary (README's table) with the binding's public API; its result as wire JSON.</summary>
        private async Task<object> CallAsync(string op, Dictionary<string, object> a, CancellationToken ct)
        {
            Client c = _client;
            switch (op)
            {
                case "me.get":
                    Args.Known(op, a);
                    return Wire.Of(await c.MeAsync(ct).ConfigureAwait(false));
                case "users.get":
                    Args.Known(op, a, "id");
                    return Wire.Of(await c.UserAsync(Args.Text(a, "id"), ct).ConfigureAwait(false));
                case "status.set":
                    Args.Known(op, a, "message", "presence");
                    var update = new StatusUpdate { Message = Args.Text(a, "message"), Presence = Bodies.PresenceOf(Args.Text(a, "presence")) };
                    return Wire.Of(await c.SetStatusAsync(update, ct).ConfigureAwait(false));
                case "contacts.list":
                    return await ListContactsAsync(a, ct).ConfigureAwait(false);
                case "contacts.get":
                    Args.Known(op, a, "id");
                    return Wire.Of(await c.GetContactAsync(Args.Text(a, "id"), ct).ConfigureAwait(false));
                case "contacts.create":
                    Args.Known(op, a, "body");
                    return Wire.Of(await c.CreateContactAsync(Bodies.ToNewContact(Args.Body(a)), ct).ConfigureAwait(false));
                case "contacts.update":
                    Args.Known(op, a, "id", "body", "ifMatch");
                    var change = Bodies.ToContactUpdate(Args.Body(a));
                    return Wire.Of(await c.UpdateContactAsync(Args.Text(a, "id"), change, Args.Text(a, "ifMatch"), ct).ConfigureAwait(false));
                case "contacts.delete":
                    Args.Known(op, a, "id", "ifMatch");
                    await c.DeleteContactAsync(Args.Text(a, "id"), Args.Text(a, "ifMatch"), ct).ConfigureAwait(false);
                    return null;
                case "contacts.sync":
                    return await SyncContactsAsync(a, ct).ConfigureAwait(false);
                case "activities.create":
                    return await CreateActivityAsync(a, ct).ConfigureAwait(false);
                case "invitations.create":
                    Args.Known(op, a, "email", "contactId", "message");
                    var invitation = new NewInvitation { Email = Args.Text(a, "email"), ContactId = Args.Text(a, "contactId"), Message = Args.Text(a, "message") };
                    return Wire.Of(await c.InviteAsync(invitation, ct).ConfigureAwait(false));
                case "events.collect":
                    return await CollectEventsAsync(a, ct).ConfigureAwait(false);
                case "auth.device.start":
                    return await StartDeviceAsync(a, ct).ConfigureAwait(false);
                case "auth.device.poll":
                    return await PollDeviceAsync(a, ct).ConfigureAwait(false);
                case "auth.refresh":
                    Args.Known(op, a);
                    TokenSet tokens = await c.RefreshTokensAsync(ct).ConfigureAwait(false);
                    return new Dictionary<string, object> { { "scopes", Wire.Of(tokens.Scopes) } };
                default:
                    throw new ScenarioException("unknown call `" + op + "`");
            }
        }

        /// <summary><c>contacts.list</c>: the first page, <c>{items, nextLink}</c>.</summary>
        private async Task<object> ListContactsAsync(Dictionary<string, object> a, CancellationToken ct)
        {
            Args.Known("contacts.list", a, "top");
            var query = new Query { Top = Args.UInt(a, "top") };
            ContactPage page = await _client.ListContactsAsync(query, ct).ConfigureAwait(false);
            return new Dictionary<string, object> { { "items", Wire.Of(page.Items) }, { "nextLink", page.NextLink } };
        }

        /// <summary><c>contacts.sync</c>: a whole delta round, <c>{upserted: [ids], removed: [ids], deltaLink}</c>.</summary>
        private async Task<object> SyncContactsAsync(Dictionary<string, object> a, CancellationToken ct)
        {
            Args.Known("contacts.sync", a, "deltaLink");
            DeltaSync round = await _client.SyncContactsAsync(Args.Text(a, "deltaLink"), null, ct).ConfigureAwait(false);
            return new Dictionary<string, object>
            {
                { "upserted", round.Upserts.Select(u => (object)u.Id).ToList() },
                { "removed", round.Removed.Cast<object>().ToList() },
                { "deltaLink", round.DeltaLink },
            };
        }

        /// <summary><c>activities.create</c>: with the caller's key when the step gives one.</summary>
        private async Task<object> CreateActivityAsync(Dictionary<string, object> a, CancellationToken ct)
        {
            Args.Known("activities.create", a, "body", "idempotencyKey");
            NewActivity activity = Bodies.ToNewActivity(Args.Body(a));
            string key = Args.Text(a, "idempotencyKey");
            Activity made = key != null
                ? await _client.CreateActivityAsync(activity, key, ct).ConfigureAwait(false)
                : await _client.CreateActivityAsync(activity, ct).ConfigureAwait(false);
            return Wire.Of(made);
        }

        /// <summary><c>events.collect</c>: opens the live events (from <c>since</c>), takes <c>count</c> events (each with the stream's last seq after it), closes.</summary>
        private async Task<object> CollectEventsAsync(Dictionary<string, object> a, CancellationToken ct)
        {
            Args.Known("events.collect", a, "since", "count");
            uint? since = Args.UInt(a, "since");
            uint count = Args.UInt(a, "count") ?? 1;
            var events = new List<object>();
            using (EventSubscription stream = await _client.EventsAsync(new EventsOptions { Since = since }, ct).ConfigureAwait(false))
            {
                for (int i = 0; i < count; i++)
                {
                    Event e = await stream.NextAsync(ct).ConfigureAwait(false);
                    if (e == null) break;
                    events.Add(new Dictionary<string, object> { { "seq", Wire.Of(e.Seq) }, { "type", Wire.EventType(e) } });
                }
                return new Dictionary<string, object>
                {
                    { "events", events },
                    { "lastSeq", Wire.Of(stream.LastSeq()) },
                    { "reconnects", Wire.Of(stream.Reconnects()) },
                };
            }
        }

        /// <summary><c>auth.device.start</c>: keeps the authorization for <c>auth.device.poll</c>.</summary>
        private async Task<object> StartDeviceAsync(Dictionary<string, object> a, CancellationToken ct)
        {
            Args.Known("auth.device.start", a, "scopes");
            List<string> scopes = Args.Strings(a, "scopes") ?? new List<string>();
            _device = await _client.StartDeviceAuthorizationAsync(scopes, ct).ConfigureAwait(false);
            return new Dictionary<string, object>
            {
                { "userCode", _device.UserCode },
                { "verificationUri", _device.VerificationUri },
                { "expiresIn", Wire.Of(_device.ExpiresIn) },
                { "interval", Wire.Of(_device.Interval) },
            };
        }

        /// <summary><c>auth.device.poll</c>: one poll, <c>{state}</c> (and <c>interval</c> for slowDown).</summary>
        private async Task<object> PollDeviceAsync(Dictionary<string, object> a, CancellationToken ct)
        {
            Args.Known("auth.device.poll", a);
            if (_device == null) throw new ScenarioException("auth.device.poll before auth.device.start");
            DevicePoll poll = await _client.PollDeviceTokenOnceAsync(_device, ct).ConfigureAwait(false);
            if (poll is DevicePoll.Pending) return new Dictionary<string, object> { { "state", "pending" } };
            var slow = poll as DevicePoll.SlowDown;
            if (slow != null) return new Dictionary<string, object> { { "state", "slowDown" }, { "interval", Wire.Of(slow.Interval) } };
            if (poll is DevicePoll.Complete) return new Dictionary<string, object> { { "state", "complete" } };
            throw new ScenarioException("a device poll of unknown kind " + (poll == null ? "null" : poll.GetType().Name));
        }
    }

    /// <summary>The arguments of a client call (wire JSON) as .NET values.</summary>
    public static class Args
    {
        /// <summary>Throws a <see cref="ScenarioException"/> when the call has arguments this runner does not map.</summary>
        public static void Known(string op, Dictionary<string, object> args, params string[] names)
        {
            var unknown = args.Keys.Where(k => !names.Contains(k)).ToList();
            if (unknown.Count > 0) throw new ScenarioException(op + ": arguments this runner does not map: " + string.Join(", ", unknown));
        }

        /// <summary>A string argument (null when absent).</summary>
        public static string Text(Dictionary<string, object> args, string key)
        {
            object v = Json.Get(args, key);
            if (v != null && !(v is string)) throw new ScenarioException("`" + key + "` is not a string");
            return (string)v;
        }

        /// <summary>A non-negative integer argument (null when absent).</summary>
        public static uint? UInt(Dictionary<string, object> args, string key)
        {
            object v = Json.Get(args, key);
            if (v == null) return null;
            if (!(v is long) || (long)v < 0 || (long)v > uint.MaxValue) throw new ScenarioException("`" + key + "` is not a count");
            return (uint)(long)v;
        }

        /// <summary>A list of strings argument (null when absent).</summary>
        public static List<string> Strings(Dictionary<string, object> args, string key)
        {
            var list = Json.Get(args, key) as List<object>;
            if (list == null) return null;
            if (list.Any(x => !(x is string))) throw new ScenarioException("`" + key + "` is not a list of strings");
            return list.Cast<string>().ToList();
        }

        /// <summary>The <c>body</c> argument (an empty object when absent).</summary>
        public static Dictionary<string, object> Body(Dictionary<string, object> args)
        {
            object v = Json.Get(args, "body");
            if (v == null) return new Dictionary<string, object>();
            var body = v as Dictionary<string, object>;
            if (body == null) throw new ScenarioException("`body` is not an object");
            return body;
        }
    }

    /// <summary>Request bodies in the spec's wire form as the binding's records.</summary>
    public static class Bodies
    {
        /// <summary>A <c>ContactCreate</c> body as a <see cref="NewContact"/>.</summary>
        public static NewContact ToNewContact(Dictionary<string, object> body)
        {
            var contact = new NewContact();
            foreach (var field in body)
            {
                switch (field.Key)
                {
                    case "displayName": contact.DisplayName = (string)field.Value; break;
                    case "nickname": contact.Nickname = (string)field.Value; break;
                    case "note": contact.Note = (string)field.Value; break;
                    case "birthday": contact.Birthday = (string)field.Value; break;
                    case "tags": contact.Tags = Strings(field.Value); break;
                    case "emails": contact.Emails = Emails(field.Value); break;
                    case "phoneNumbers": contact.PhoneNumbers = Phones(field.Value); break;
                    case "name":
                        var name = NameParts(field.Value);
                        contact.Name = new ContactName { GivenName = name[0], FamilyName = name[1], MiddleName = name[2] };
                        break;
                    default: throw new ScenarioException("contacts.create: no property for the body field `" + field.Key + "`");
                }
            }
            return contact;
        }

        /// <summary>A <c>ContactUpdate</c> body as a <see cref="ContactUpdate"/>.</summary>
        public static ContactUpdate ToContactUpdate(Dictionary<string, object> body)
        {
            var update = new ContactUpdate();
            foreach (var field in body)
            {
                switch (field.Key)
                {
                    case "displayName": update.DisplayName = (string)field.Value; break;
                    case "nickname": update.Nickname = (string)field.Value; break;
                    case "note": update.Note = (string)field.Value; break;
                    case "birthday": update.Birthday = (string)field.Value; break;
                    case "tags": update.Tags = Strings(field.Value); break;
                    case "emails": update.Emails = Emails(field.Value); break;
                    case "phoneNumbers": update.PhoneNumbers = Phones(field.Value); break;
                    case "name":
                        var name = NameParts(field.Value);
                        update.Name = new ContactNameUpdate { GivenName = name[0], FamilyName = name[1], MiddleName = name[2] };
                        break;
                    default: throw new ScenarioException("contacts.update: no property for the body field `" + field.Key + "`");
                }
            }
            return update;
        }

        /// <summary>An <c>ActivityCreate</c> body as a <see cref="NewActivity"/> (<c>type</c> is <c>Kind</c>).</summary>
        public static NewActivity ToNewActivity(Dictionary<string, object> body)
        {
            var activity = new NewActivity();
            foreach (var field in body)
            {
                switch (field.Key)
                {
                    case "type": activity.Kind = ActivityTypeOf((string)field.Value); break;
                    case "content": activity.Content = (string)field.Value; break;
                    case "name": activity.Name = (string)field.Value; break;
                    case "url": activity.Url = (string)field.Value; break;
                    case "image":
                        var image = (Dictionary<string, object>)field.Value;
                        if (image.Keys.Any(k => k != "url")) throw new ScenarioException("activities.create: only image.url is mapped");
                        activity.Image = new ActivityImage { Url = (string)Json.Get(image, "url") };
                        break;
                    default: throw new ScenarioException("activities.create: no property for the body field `" + field.Key + "`");
                }
            }
            return activity;
        }

        /// <summary>A wire presence (<c>online</c>...) as <see cref="Presence"/> (null when absent).</summary>
        public static Presence? PresenceOf(string wire)
        {
            if (wire == null) return null;
            foreach (Presence p in Enum.GetValues(typeof(Presence)))
            {
                if (Wire.EnumName(p) == wire) return p;
            }
            throw new ScenarioException("no Presence `" + wire + "`");
        }

        /// <summary>A wire activity type (<c>Note</c>...) as <see cref="ActivityType"/>.</summary>
        public static ActivityType ActivityTypeOf(string wire)
        {
            foreach (ActivityType t in Enum.GetValues(typeof(ActivityType)))
            {
                if (Wire.EnumName(t) == wire) return t;
            }
            throw new ScenarioException("no ActivityType `" + wire + "`");
        }

        private static List<string> Strings(object value)
        {
            return ((List<object>)value).Cast<string>().ToList();
        }

        private static string[] NameParts(object value)
        {
            var name = (Dictionary<string, object>)value;
            var known = new[] { "givenName", "familyName", "middleName" };
            foreach (string k in name.Keys)
            {
                if (!known.Contains(k)) throw new ScenarioException("no property for `name." + k + "`");
            }
            return known.Select(k => Json.Get(name, k) as string).ToArray();
        }

        private static List<ContactEmail> Emails(object value)
        {
            return ((List<object>)value).Cast<Dictionary<string, object>>().Select(e =>
            {
                Only(e, "emails", "value", "type", "primary");
                return new ContactEmail { Value = (string)Json.Get(e, "value"), Kind = Json.Get(e, "type") as string, Primary = Json.Get(e, "primary") as bool? };
            }).ToList();
        }

        private static List<ContactPhoneNumber> Phones(object value)
        {
            return ((List<object>)value).Cast<Dictionary<string, object>>().Select(p =>
            {
                Only(p, "phoneNumbers", "value", "type");
                return new ContactPhoneNumber { Value = (string)Json.Get(p, "value"), Kind = Json.Get(p, "type") as string };
            }).ToList();
        }

        private static void Only(Dictionary<string, object> item, string where, params string[] names)
        {
            foreach (string k in item.Keys)
            {
                if (!names.Contains(k)) throw new ScenarioException("no property for `" + where + "[]." + k + "`");
            }
        }
    }

    /// <summary>
    /// The binding's results as the spec's wire JSON: public properties in camelCase (<c>Kind</c>
    /// is the wire's <c>type</c>), null properties omitted, enums as their wire strings
    /// (<see cref="ActivityType"/> as is, e.g. <c>Note</c>; others camelCase, e.g. <c>online</c>),
    /// timestamps in ISO-8601, lists as lists, numbers as <c>long</c>/<c>double</c>.
    /// </summary>
    public static class Wire
    {
        /// <summary>A value of the binding as wire JSON.</summary>
        public static object Of(object value)
        {
            if (value == null || value is string || value is bool) return value;
            if (value is double || value is float) return Json.ToDouble(value);
            if (value is ulong) return (long)(ulong)value;
            if (Json.IsNumber(value)) return Convert.ToInt64(value, CultureInfo.InvariantCulture);
            if (value is DateTimeOffset) return ((DateTimeOffset)value).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture);
            if (value is Enum) return EnumName((Enum)value);
            var list = value as IEnumerable;
            if (list != null) return list.Cast<object>().Select(Of).ToList();
            var map = new Dictionary<string, object>();
            foreach (var p in value.GetType().GetProperties(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Instance))
            {
                if (p.GetIndexParameters().Length > 0) continue;
                object v = p.GetValue(value, null);
                if (v != null) map[PropertyName(p.Name)] = Of(v);
            }
            return map;
        }

        /// <summary>The wire name of a property: camelCase; <c>Kind</c> is <c>type</c> (a C# keyword-free rename in the binding).</summary>
        public static string PropertyName(string name)
        {
            if (name == "Kind") return "type";
            return char.ToLowerInvariant(name[0]) + name.Substring(1);
        }

        /// <summary>The wire string of an enum value: <see cref="ActivityType"/> as is (<c>Note</c>), others camelCase (<c>online</c>).</summary>
        public static string EnumName(Enum value)
        {
            string name = value.ToString();
            if (value is ActivityType) return name;
            return char.ToLowerInvariant(name[0]) + name.Substring(1);
        }

        /// <summary>The wire <c>type</c> of a live event (<c>resync</c>, <c>message.created</c>..., or an unknown type as sent).</summary>
        public static string EventType(Event e)
        {
            var other = e as Event.Other;
            if (other != null) return other.Kind;
            if (e is Event.Resync) return "resync";
            if (e is Event.MessageCreated) return "message.created";
            if (e is Event.PresenceChanged) return "presence.changed";
            if (e is Event.StatusChanged) return "status.changed";
            if (e is Event.ActivityCreated) return "activity.created";
            if (e is Event.ContactChanged) return "contact.changed";
            if (e is Event.Typing) return "typing";
            return e.GetType().Name;
        }
    }

    /// <summary>The error of a step against <c>expect.error</c>, through the binding's own exception classes.</summary>
    public static class ErrorCheck
    {
        /// <summary>The vocabulary's class name of an exception: its own class name with <c>Exception</c> replaced by <c>Error</c>.</summary>
        public static string ClassName(Exception e)
        {
            return ClassName(e.GetType());
        }

        /// <summary>The vocabulary's class name of an exception class: its name with <c>Exception</c> replaced by <c>Error</c>.</summary>
        public static string ClassName(Type type)
        {
            string name = type.Name;
            return name.EndsWith("Exception", StringComparison.Ordinal) ? name.Substring(0, name.Length - "Exception".Length) + "Error" : name;
        }

        /// <summary>The HTTP status of an API exception (null for the others).</summary>
        public static int? StatusOf(Exception e)
        {
            var api = e as ApiException;
            if (api == null) return null;
            int? status = api.Status;
            return status;
        }

        /// <summary>The code of an API exception (null for the others).</summary>
        public static string CodeOf(Exception e)
        {
            var api = e as ApiException;
            return api == null ? null : api.Code;
        }

        /// <summary>The field at fault: an API exception's <c>Target</c>, an <see cref="InvalidArgumentException"/>'s <c>Name</c>.</summary>
        public static string TargetOf(Exception e)
        {
            var api = e as ApiException;
            if (api != null) return api.Target;
            var arg = e as InvalidArgumentException;
            return arg == null ? null : arg.Name;
        }

        /// <summary>The request id of an API exception (null for the others).</summary>
        public static string RequestIdOf(Exception e)
        {
            var api = e as ApiException;
            return api == null ? null : api.RequestId;
        }

        /// <summary>The Retry-After of an API exception in milliseconds (null for the others or without one).</summary>
        public static ulong? RetryAfterMsOf(Exception e)
        {
            var api = e as ApiException;
            return api == null ? null : api.RetryAfterMs;
        }

        /// <summary>Checks the class, status, code, target and Retry-After the scenario names.</summary>
        public static void Check(Dictionary<string, object> want, Exception raised, List<string> problems)
        {
            Exception e = ScenarioWorld.Unwrap(raised);
            string wantClass = (string)want["class"];
            if (!(e is MessengerConnectException))
            {
                problems.Add("raised " + ScenarioWorld.Describe(e) + ", not a MessengerConnectException (expected " + wantClass + ")");
                return;
            }
            string cls = ClassName(e);
            if (cls != wantClass) problems.Add("error class " + cls + ", expected " + wantClass + ": " + e.Message);
            if (Json.Has(want, "status"))
            {
                int? status = StatusOf(e);
                object expected = want["status"];
                if (expected == null ? status != null : status == null || status.Value != Json.ToDouble(expected))
                    problems.Add("status " + (status.HasValue ? status.Value.ToString() : "null") + ", expected " + Json.Write(expected) + ": " + e.Message);
            }
            if (Json.Has(want, "code") && CodeOf(e) != want["code"] as string)
                problems.Add("code " + Json.Write(CodeOf(e)) + ", expected " + Json.Write(want["code"]) + ": " + e.Message);
            if (Json.Has(want, "target") && TargetOf(e) != want["target"] as string)
                problems.Add("target " + Json.Write(TargetOf(e)) + ", expected " + Json.Write(want["target"]));
            if (Json.Has(want, "retryAfterSeconds"))
            {
                ulong? ms = RetryAfterMsOf(e);
                double seconds = Json.ToDouble(want["retryAfterSeconds"]);
                if (!ms.HasValue || ms.Value != (ulong)(seconds * 1000))
                    problems.Add("RetryAfterMs " + (ms.HasValue ? ms.Value.ToString() : "null") + ", expected " + seconds + " s");
            }
        }
    }

    /// <summary>The matchers of the spec (<c>result</c>, journal entries) and the journal expectations.</summary>
    public static class Matching
    {
        /// <summary>Whether a journal path pattern (exact, or a prefix ending with <c>*</c>) selects a path.</summary>
        public static bool PathMatches(string pattern, string path)
        {
            return pattern.EndsWith("*", StringComparison.Ordinal) ? path.StartsWith(pattern.Substring(0, pattern.Length - 1), StringComparison.Ordinal) : pattern == path;
        }

        /// <summary>Each journal matcher against the entries with its path and method.</summary>
        public static void CheckJournal(List<object> want, List<object> entries, List<string> problems)
        {
            foreach (object w in want)
            {
                string pattern = Json.Get(w, "path") as string ?? "*";
                string method = Json.Get(w, "method") as string;
                string label = "journal " + (method ?? "*") + " " + pattern;
                var seen = entries.Where(e => PathMatches(pattern, (string)Json.Get(e, "path"))
                    && (method == null || string.Equals((string)Json.Get(e, "method"), method, StringComparison.OrdinalIgnoreCase))).ToList();
                var statuses = seen.Select(e => Json.Get(e, "status")).ToList();
                if (Json.Has(w, "count") && seen.Count != (long)Json.Get(w, "count"))
                    problems.Add(label + ": " + seen.Count + " requests " + Json.Write(statuses) + ", expected " + Json.Get(w, "count"));
                if (Json.Has(w, "statuses")) Match(Json.Get(w, "statuses"), statuses, label + " statuses", problems);
                if (true.Equals(Json.Get(w, "sameIdempotencyKey")))
                {
                    var keys = seen.Select(e => Json.Get(e, "idempotencyKey") as string).ToList();
                    if (keys.Count == 0 || string.IsNullOrEmpty(keys[0]) || keys.Any(k => k != keys[0]))
                        problems.Add(label + ": idempotency keys " + Json.Write(keys) + " are not one key");
                }
                if (Json.Has(w, "entries")) Match(Json.Get(w, "entries"), seen, label + " entries", problems);
            }
        }

        /// <summary>
        /// <paramref name="expected"/> against <paramref name="actual"/>: objects as subsets, arrays item by
        /// item (same length), other values equal; <c>{"$len": n}</c>, <c>{"$exists": bool}</c>,
        /// <c>{"$gte": n}</c>, <c>{"$lte": n}</c>.
        /// </summary>
        public static void Match(object expected, object actual, string path, List<string> problems)
        {
            var want = expected as Dictionary<string, object>;
            if (want != null && want.Count > 0 && want.Keys.First().StartsWith("$", StringComparison.Ordinal))
            {
                MatchOperator(want.First(), actual, path, problems);
                return;
            }
            var wantList = expected as List<object>;
            var have = actual as Dictionary<string, object>;
            var haveList = actual as List<object>;
            if (want != null && have != null)
            {
                foreach (var kv in want) Match(kv.Value, Json.Get(have, kv.Key), path + "." + kv.Key, problems);
            }
            else if (wantList != null && haveList != null)
            {
                if (wantList.Count != haveList.Count)
                {
                    problems.Add(path + ": " + haveList.Count + " items, expected " + wantList.Count + ": " + Json.Write(actual));
                    return;
                }
                for (int i = 0; i < wantList.Count; i++) Match(wantList[i], haveList[i], path + "." + i, problems);
            }
            else if (Json.IsNumber(expected) && Json.IsNumber(actual))
            {
                if (Json.ToDouble(expected) != Json.ToDouble(actual)) problems.Add(path + ": " + Json.Write(actual) + ", expected " + Json.Write(expected));
            }
            else if (!Equals(expected, actual))
            {
                problems.Add(path + ": " + Json.Write(actual) + ", expected " + Json.Write(expected));
            }
        }

        private static void MatchOperator(KeyValuePair<string, object> op, object actual, string path, List<string> problems)
        {
            bool ok;
            switch (op.Key)
            {
                case "$len":
                    int? length = actual is string ? ((string)actual).Length : actual is List<object> ? ((List<object>)actual).Count : (int?)null;
                    ok = length.HasValue && Json.IsNumber(op.Value) && length.Value == Json.ToDouble(op.Value);
                    break;
                case "$exists":
                    ok = op.Value is bool && (bool)op.Value == (actual != null);
                    break;
                case "$gte":
                case "$lte":
                    ok = Json.IsNumber(actual) && Json.IsNumber(op.Value)
                        && (op.Key == "$gte" ? Json.ToDouble(actual) >= Json.ToDouble(op.Value) : Json.ToDouble(actual) <= Json.ToDouble(op.Value));
                    break;
                default:
                    problems.Add(path + ": unknown matcher " + op.Key);
                    return;
            }
            if (!ok) problems.Add(path + ": " + Json.Write(actual) + " does not satisfy " + op.Key + " " + Json.Write(op.Value));
        }
    }

    /// <summary>References <c>${path}</c> in a step's arguments and expectations.</summary>
    public static class References
    {
        private static readonly Regex Ref = new Regex(@"\$\{([^}]*)\}");

        /// <summary><c>"${a.b.0.c}"</c> replaced by the value it names; a reference inside a longer string substituted as text.</summary>
        public static object Interpolate(object value, Dictionary<string, object> vars)
        {
            var s = value as string;
            if (s != null)
            {
                Match whole = Ref.Match(s);
                if (whole.Success && whole.Index == 0 && whole.Length == s.Length) return Lookup(whole.Groups[1].Value, vars);
                int opened = Regex.Matches(s, Regex.Escape("${")).Count;
                if (opened != Ref.Matches(s).Count) throw new ScenarioException("unclosed reference in " + s);
                return Ref.Replace(s, m =>
                {
                    object v = Lookup(m.Groups[1].Value, vars);
                    return v as string ?? Json.Write(v);
                });
            }
            var list = value as List<object>;
            if (list != null) return list.Select(v => Interpolate(v, vars)).ToList();
            var map = value as Dictionary<string, object>;
            if (map != null)
            {
                var copy = new Dictionary<string, object>();
                foreach (var kv in map) copy[kv.Key] = Interpolate(kv.Value, vars);
                return copy;
            }
            return value;
        }

        /// <summary>The value at a dotted path of the saved values.</summary>
        public static object Lookup(string path, Dictionary<string, object> vars)
        {
            string[] parts = path.Split('.');
            object at;
            if (!vars.TryGetValue(parts[0], out at)) throw new ScenarioException("no saved value `" + parts[0] + "`");
            foreach (string part in parts.Skip(1))
            {
                var list = at as List<object>;
                int index;
                if (list != null && int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out index) && index < list.Count) at = list[index];
                else if (Json.Has(at, part)) at = Json.Get(at, part);
                else throw new ScenarioException("`" + path + "` names nothing");
            }
            return at;
        }
    }

    /// <summary>The subset of JSON Schema the scenario schema uses (as core's and Python's runners check it), each error with its JSON path.</summary>
    public static class SchemaCheck
    {
        private static bool TypeOk(string type, object v)
        {
            switch (type)
            {
                case "object": return v is Dictionary<string, object>;
                case "array": return v is List<object>;
                case "string": return v is string;
                case "integer": return v is long;
                case "number": return Json.IsNumber(v);
                case "boolean": return v is bool;
                case "null": return v == null;
                default: return true;
            }
        }

        /// <summary>The errors of <paramref name="value"/> against <paramref name="schema"/> (<paramref name="root"/> resolves <c>$ref</c>).</summary>
        public static List<string> Validate(object root, object schema, object value, string path, int depth)
        {
            var errors = new List<string>();
            if (depth > 64) return new List<string> { path + ": schema nested too deeply" };
            if (false.Equals(schema)) return new List<string> { path + ": not allowed" };
            var s = schema as Dictionary<string, object>;
            if (s == null) return errors;
            var reference = Json.Get(s, "$ref") as string;
            if (reference != null)
            {
                object target = root;
                if (reference != "#")
                {
                    foreach (string part in reference.TrimStart('#').Trim('/').Split('/')) target = Json.Get(target, part);
                }
                if (target == null) errors.Add(path + ": unresolved $ref " + reference);
                else errors.AddRange(Validate(root, target, value, path, depth + 1));
            }
            object t = Json.Get(s, "type");
            if (t != null)
            {
                var types = t is string ? new List<string> { (string)t } : ((List<object>)t).Cast<string>().ToList();
                if (!types.Any(x => TypeOk(x, value)))
                {
                    errors.Add(path + ": " + Json.Write(value) + " is not of type " + Json.Write(t));
                    return errors;
                }
            }
            var allowed = Json.Get(s, "enum") as List<object>;
            if (allowed != null && !allowed.Any(e => Equals(e, value)))
                errors.Add(path + ": " + Json.Write(value) + " is not one of " + Json.Write(allowed));
            CheckCombinators(root, s, value, path, depth, errors);
            var map = value as Dictionary<string, object>;
            var list = value as List<object>;
            var text = value as string;
            if (map != null) CheckObject(root, s, map, path, depth, errors);
            else if (list != null) CheckArray(root, s, list, path, depth, errors);
            else if (text != null) CheckString(s, text, path, errors);
            else if (Json.IsNumber(value))
            {
                if (Json.Has(s, "minimum") && Json.ToDouble(value) < Json.ToDouble(s["minimum"])) errors.Add(path + ": below minimum");
                if (Json.Has(s, "maximum") && Json.ToDouble(value) > Json.ToDouble(s["maximum"])) errors.Add(path + ": above maximum");
            }
            return errors;
        }

        private static void CheckCombinators(object root, Dictionary<string, object> s, object value, string path, int depth, List<string> errors)
        {
            foreach (string key in new[] { "allOf", "anyOf", "oneOf" })
            {
                var subs = Json.Get(s, key) as List<object>;
                if (subs == null) continue;
                var results = subs.Select(sub => Validate(root, sub, value, path, depth + 1)).ToList();
                int passing = results.Count(r => r.Count == 0);
                if (key == "allOf") errors.AddRange(results.SelectMany(r => r));
                else if (key == "anyOf" && passing == 0) errors.Add(path + ": matches none of anyOf: " + string.Join("; ", results.SelectMany(r => r)));
                else if (key == "oneOf" && passing != 1) errors.Add(path + ": matches " + passing + " of oneOf: " + string.Join("; ", results.SelectMany(r => r)));
            }
        }

        private static void CheckObject(object root, Dictionary<string, object> s, Dictionary<string, object> value, string path, int depth, List<string> errors)
        {
            var required = Json.Get(s, "required") as List<object>;
            if (required != null)
            {
                foreach (string name in required.Cast<string>())
                {
                    if (!value.ContainsKey(name)) errors.Add(path + ": missing required `" + name + "`");
                }
            }
            var props = Json.Get(s, "properties") as Dictionary<string, object> ?? new Dictionary<string, object>();
            foreach (var kv in value)
            {
                if (Json.Has(s, "propertyNames")) errors.AddRange(Validate(root, s["propertyNames"], kv.Key, path + "." + kv.Key + " (name)", depth + 1));
                if (props.ContainsKey(kv.Key)) errors.AddRange(Validate(root, props[kv.Key], kv.Value, path + "." + kv.Key, depth + 1));
                else if (Json.Has(s, "additionalProperties")) errors.AddRange(Validate(root, s["additionalProperties"], kv.Value, path + "." + kv.Key, depth + 1));
            }
        }

        private static void CheckArray(object root, Dictionary<string, object> s, List<object> value, string path, int depth, List<string> errors)
        {
            if (Json.Has(s, "items"))
            {
                for (int i = 0; i < value.Count; i++) errors.AddRange(Validate(root, s["items"], value[i], path + "[" + i + "]", depth + 1));
            }
            if (Json.Has(s, "minItems") && value.Count < Json.ToDouble(s["minItems"])) errors.Add(path + ": fewer than minItems");
            if (Json.Has(s, "maxItems") && value.Count > Json.ToDouble(s["maxItems"])) errors.Add(path + ": more than maxItems");
        }

        private static void CheckString(Dictionary<string, object> s, string value, string path, List<string> errors)
        {
            if (Json.Has(s, "minLength") && value.Length < Json.ToDouble(s["minLength"])) errors.Add(path + ": shorter than minLength");
            if (Json.Has(s, "maxLength") && value.Length > Json.ToDouble(s["maxLength"])) errors.Add(path + ": longer than maxLength");
            var pattern = Json.Get(s, "pattern") as string;
            if (pattern != null && !Regex.IsMatch(value, pattern)) errors.Add(path + ": `" + value + "` does not match " + pattern);
        }
    }
}

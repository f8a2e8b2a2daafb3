using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using MessengerConnect;
using MessengerConnect.Testing;
using NUnit.Framework;

namespace MessengerConnect.Tests
{
    /// <summary>
    /// Every case of <c>spec/scenarios/error-kinds.json</c> (the cross-binding fixture of core's
    /// error table) through this binding, against one real in-process mock server for the
    /// fixture (as the Node and Python runners do; faults cleared around each case): the class
    /// raised (its own name with <c>Exception</c> for <c>Error</c>) and each of its ancestors,
    /// status, code, target, Retry-After, request id, and "sent: false" read from the mock's
    /// journal. Plus the hierarchy itself, from the fixture's <c>classes</c>.
    /// </summary>
    [TestFixture]
    public class ErrorKindTests
    {
        /// <summary>The longest one operation of a case may take.</summary>
        private static readonly TimeSpan CallDeadline = TimeSpan.FromSeconds(30);

        private MockServer _server;
        private MockApp _app;

        /// <summary>The fixture file, parsed.</summary>
        public static Dictionary<string, object> Fixture()
        {
            return ScenarioTests.Load("error-kinds.json");
        }

        /// <summary>The fixture's cases.</summary>
        public static IEnumerable<Dictionary<string, object>> FixtureCases()
        {
            return ((List<object>)Fixture()["cases"]).Cast<Dictionary<string, object>>();
        }

        /// <summary>The fixture's classes (<c>class</c>, <c>kind</c>, <c>parent</c>).</summary>
        public static IEnumerable<Dictionary<string, object>> FixtureClasses()
        {
            return ((List<object>)Fixture()["classes"]).Cast<Dictionary<string, object>>();
        }

        /// <summary>One test case per fixture case, named after it.</summary>
        public static IEnumerable<TestCaseData> Cases()
        {
            return FixtureCases().Select(c => new TestCaseData((string)c["name"]).SetName("error kind: " + (string)c["name"]));
        }

        /// <summary>One test case per class of the vocabulary.</summary>
        public static IEnumerable<TestCaseData> Classes()
        {
            return FixtureClasses().Select(c => new TestCaseData((string)c["class"]).SetName("error class: " + (string)c["class"]));
        }

        /// <summary>The parent class name of a vocabulary class (the root <c>MessengerConnectError</c> when the fixture says null).</summary>
        public static string ParentOf(string className)
        {
            var entry = FixtureClasses().FirstOrDefault(c => (string)c["class"] == className);
            if (entry == null) return null;
            return Json.Get(entry, "parent") as string ?? "MessengerConnectError";
        }

        /// <summary>The binding's exception class of a vocabulary name (<c>NotFoundError</c> → <see cref="NotFoundException"/>), or null when it has none.</summary>
        public static Type ExceptionType(string className)
        {
            string name = Regex.Replace(className, "Error$", "Exception");
            return typeof(MessengerConnectException).Assembly.GetType("MessengerConnect." + name, false);
        }

        /// <summary>Starts the fixture's server (2 users, 3 contacts each) and registers its app.</summary>
        [TestFixtureSetUp]
        public void StartServer()
        {
            _server = MockServer.Start(users: 2, contactsPerUser: 3, friendsPerUser: 1, activitiesPerUser: 1, seed: 11);
            _app = _server.RegisterAppAsync("error kinds").GetAwaiter().GetResult();
        }

        /// <summary>Stops the fixture's server.</summary>
        [TestFixtureTearDown]
        public void StopServer()
        {
            if (_server != null) _server.Dispose();
        }

        /// <summary>Each class of the vocabulary is an exception class of the binding, deriving from its parent's.</summary>
        [Test, TestCaseSource("Classes")]
        public void ClassIsCoresHierarchy(string className)
        {
            Type type = ExceptionType(className);
            Assert.IsNotNull(type, "no exception class for " + className);
            Assert.AreEqual(className, ErrorCheck.ClassName(type), "the class name maps back");
            Type parent = ExceptionType(ParentOf(className));
            Assert.IsNotNull(parent, "no exception class for " + ParentOf(className));
            Assert.AreEqual(parent, type.BaseType, className + " derives from " + ParentOf(className));
        }

        /// <summary>
        /// The other direction of "one to one": every public exception class of the binding that
        /// derives from <see cref="MessengerConnectException"/> is a class of the vocabulary (or the root).
        /// The one exception is <see cref="RustPanicException"/>, a panic caught at the FFI boundary,
        /// which is an <see cref="InternalException"/> (the vocabulary's class for a defect of the library).
        /// </summary>
        [Test]
        public void EveryExceptionClassIsInTheVocabulary()
        {
            Assert.AreEqual(typeof(InternalException), typeof(RustPanicException).BaseType);
            var names = new HashSet<string>(FixtureClasses().Select(c => (string)c["class"])) { "MessengerConnectError" };
            var extra = typeof(MessengerConnectException).Assembly.GetExportedTypes()
                .Where(t => typeof(MessengerConnectException).IsAssignableFrom(t) && t != typeof(RustPanicException))
                .Select(t => t.FullName)
                .Where(n => !names.Contains(ErrorCheck.ClassName(typeof(MessengerConnectException).Assembly.GetType(n))))
                .OrderBy(n => n, StringComparer.Ordinal)
                .ToList();
            Assert.IsEmpty(extra, "exception classes outside core's error-kind vocabulary");
        }

        /// <summary>Every case of the fixture is here, and the fixture skips none for this runner.</summary>
        [Test]
        public void EveryCaseRuns()
        {
            Assert.GreaterOrEqual(FixtureCases().Count(), 37);
            Assert.IsNull(Json.Get(Json.Get(Fixture(), "skip"), ScenarioTests.Runner), "this runner skips no case");
        }

        /// <summary>Runs one case: its setup and steps, then the call that must raise the expected error.</summary>
        [Test, TestCaseSource("Cases")]
        public void ErrorKind(string name)
        {
            var c = FixtureCases().First(x => (string)x["name"] == name);
            Env.Run(() => RunCaseAsync(c));
        }

        private async Task RunCaseAsync(Dictionary<string, object> c)
        {
            var setup = Json.Get(c, "setup") as Dictionary<string, object> ?? new Dictionary<string, object>();
            var call = (Dictionary<string, object>)c["call"];
            string op = (string)call["op"];
            await ControlAsync("clearFaults").ConfigureAwait(false);
            ClientOptions options = await ClientOptionsAsync(setup).ConfigureAwait(false);
            var saved = new Dictionary<string, object>();
            Client client = null;
            try
            {
                if (op != "build") client = new Client(options);
                await RunStepsAsync(client, Json.Get(c, "steps") as List<object>, saved).ConfigureAwait(false);
                foreach (object fault in Json.Get(setup, "faults") as List<object> ?? new List<object>())
                {
                    await ControlAsync("addFault", fault).ConfigureAwait(false);
                }
                await ControlAsync("clearRequests").ConfigureAwait(false);
                var args = (Dictionary<string, object>)References.Interpolate(Json.Get(call, "args") ?? new Dictionary<string, object>(), saved);
                Exception error = await RaisedByAsync(() =>
                {
                    if (op != "build") return OperationAsync(client, op, args);
                    client = new Client(options);
                    return Task.FromResult<object>(null);
                }).ConfigureAwait(false);
                await CheckAsync((Dictionary<string, object>)c["expect"], error).ConfigureAwait(false);
            }
            finally
            {
                if (client != null) client.Dispose();
                await ControlAsync("clearFaults").ConfigureAwait(false);
            }
        }

        private async Task<object> ControlAsync(string op, object args = null)
        {
            string answer = await _server.CallAsync(op, Json.Write(args ?? new Dictionary<string, object>())).ConfigureAwait(false);
            return string.IsNullOrWhiteSpace(answer) ? null : Json.Parse(answer);
        }

        /// <summary>The client of a case's <c>setup</c> (the <c>build</c> operation builds it itself).</summary>
        private async Task<ClientOptions> ClientOptionsAsync(Dictionary<string, object> setup)
        {
            var scopes = Json.Get(setup, "scopes") as List<object>;
            object lifetime = Json.Get(setup, "tokenLifetimeSeconds");
            TokenSet minted = await _server.MintTokenAsync(
                _server.Users[0].Id, _app.ClientId,
                scopes == null ? null : scopes.Cast<string>(),
                lifetime == null ? (TimeSpan?)null : TimeSpan.FromSeconds(Json.ToDouble(lifetime))).ConfigureAwait(false);
            string baseUrl = _server.Url;
            if ("closed".Equals(Json.Get(setup, "server"))) baseUrl = "http://127.0.0.1:" + ClosedPort();
            if (Json.Get(setup, "baseUrl") is string) baseUrl = (string)setup["baseUrl"];
            ClientOptions options = MessengerConnectFunctions.DefaultClientOptions(baseUrl);
            options.ClientId = _app.ClientId;
            options.ClientSecret = "wrong".Equals(Json.Get(setup, "clientSecret")) ? "not-the-secret" : _app.ClientSecret;
            options.Tokens = TokensOf(Json.Get(setup, "tokens") as string ?? "valid", minted);
            if (false.Equals(Json.Get(setup, "retries"))) options.Retry = new RetryOptions { MaxAttempts = 1 };
            if (Json.Has(setup, "requestTimeoutMs")) options.RequestTimeoutMs = (ulong)Json.ToDouble(setup["requestTimeoutMs"]);
            return options;
        }

        /// <summary>The tokens a case's <c>setup.tokens</c> names, from a freshly minted set.</summary>
        private static TokenSet TokensOf(string which, TokenSet minted)
        {
            switch (which)
            {
                case "valid":
                    return minted;
                case "unknownAccessToken":
                    return MessengerConnectFunctions.BearerTokenSet("never-issued-access-token");
                case "unknownRefreshToken":
                    minted.RefreshToken = "never-issued-refresh-token";
                    minted.ExpiresAt = DateTimeOffset.UtcNow.AddHours(-1);
                    return minted;
                case "accessOnly":
                    return MessengerConnectFunctions.BearerTokenSet(minted.AccessToken);
                case "none":
                    return null;
                default:
                    Assert.Fail("unknown setup.tokens " + which);
                    return null;
            }
        }

        /// <summary>A loopback port nothing listens on.</summary>
        private static int ClosedPort()
        {
            var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            int port = ((IPEndPoint)listener.LocalEndpoint).Port;
            listener.Stop();
            return port;
        }

        private async Task RunStepsAsync(Client client, List<object> steps, Dictionary<string, object> saved)
        {
            foreach (Dictionary<string, object> step in (steps ?? new List<object>()).Cast<Dictionary<string, object>>())
            {
                if (Json.Has(step, "advanceClockSeconds"))
                {
                    await ControlAsync("advanceClock", new Dictionary<string, object> { { "advanceSeconds", step["advanceClockSeconds"] } }).ConfigureAwait(false);
                    continue;
                }
                var args = (Dictionary<string, object>)References.Interpolate(Json.Get(step, "args") ?? new Dictionary<string, object>(), saved);
                object result = Wire.Of(await Bounded(OperationAsync(client, (string)step["op"], args)).ConfigureAwait(false));
                var save = Json.Get(step, "save") as Dictionary<string, object> ?? new Dictionary<string, object>();
                foreach (var kv in save) saved[kv.Key] = Json.Get(result, (string)kv.Value);
            }
        }

        /// <summary>Awaits a task under <see cref="CallDeadline"/>; fails the case when it takes longer.</summary>
        private static async Task<object> Bounded(Task<object> task)
        {
            if (await Task.WhenAny(task, Task.Delay(CallDeadline)).ConfigureAwait(false) != task)
                Assert.Fail("no answer within " + CallDeadline.TotalSeconds + " s");
            return await task.ConfigureAwait(false);
        }

        /// <summary>The exception the operation raised (synchronously or by its task); fails the case when it succeeded.</summary>
        private static async Task<Exception> RaisedByAsync(Func<Task<object>> operation)
        {
            try
            {
                await Bounded(operation()).ConfigureAwait(false);
            }
            catch (AssertionException)
            {
                throw;
            }
            catch (IgnoreException)
            {
                throw;
            }
            catch (Exception e)
            {
                return ScenarioWorld.Unwrap(e);
            }
            Assert.Fail("the call succeeded, expected an error");
            return null;
        }

        /// <summary>The fixture's client operations (wire-form arguments) through the binding's API; the result as the binding returns it.</summary>
        private static async Task<object> OperationAsync(Client c, string op, Dictionary<string, object> a)
        {
            switch (op)
            {
                case "me":
                    return await c.MeAsync().ConfigureAwait(false);
                case "getContact":
                    return await c.GetContactAsync(Args.Text(a, "id")).ConfigureAwait(false);
                case "listContacts":
                    return await c.ListContactsAsync(QueryOf(Json.Get(a, "query") as Dictionary<string, object> ?? new Dictionary<string, object>())).ConfigureAwait(false);
                case "createContact":
                    return await c.CreateContactAsync(Bodies.ToNewContact((Dictionary<string, object>)a["contact"])).ConfigureAwait(false);
                case "updateContact":
                    var update = Bodies.ToContactUpdate((Dictionary<string, object>)a["update"]);
                    return await c.UpdateContactAsync(Args.Text(a, "id"), update, Args.Text(a, "ifMatch")).ConfigureAwait(false);
                case "createActivity":
                    NewActivity activity = Bodies.ToNewActivity((Dictionary<string, object>)a["activity"]);
                    string key = Args.Text(a, "idempotencyKey");
                    return key == null
                        ? await c.CreateActivityAsync(activity).ConfigureAwait(false)
                        : await c.CreateActivityAsync(activity, key).ConfigureAwait(false);
                case "syncContacts":
                    return await c.SyncContactsAsync(Args.Text(a, "deltaLink"), null).ConfigureAwait(false);
                case "refreshTokens":
                    return await c.RefreshTokensAsync().ConfigureAwait(false);
                case "clientCredentials":
                    return await c.ClientCredentialsAsync(Args.Strings(a, "scopes")).ConfigureAwait(false);
                default:
                    Assert.Fail("unknown operation " + op);
                    return null;
            }
        }

        /// <summary>A query in the JSON form of <c>spec/query.schema.json</c> as a <see cref="Query"/> (the filter read by <see cref="Filter.FromJson"/> and rendered).</summary>
        private static Query QueryOf(Dictionary<string, object> json)
        {
            var unknown = json.Keys.Where(k => k != "filter" && k != "top" && k != "select").ToList();
            if (unknown.Count > 0) Assert.Fail("query keys this runner does not map: " + string.Join(", ", unknown));
            var query = new Query { Top = Args.UInt(json, "top"), Select = Args.Strings(json, "select") ?? new List<string>() };
            if (Json.Get(json, "filter") != null)
            {
                // The JSON form, read by core (Filter.FromJson), as in every binding.
                using (Filter filter = Filter.FromJson(Json.Write(json["filter"])))
                {
                    query.Filter = filter.Render();
                }
            }
            return query;
        }

        /// <summary>The raised error against the case's <c>expect</c>.</summary>
        private async Task CheckAsync(Dictionary<string, object> x, Exception e)
        {
            string want = (string)x["class"];
            Assert.IsInstanceOf<MessengerConnectException>(e, "not an exception of the binding: " + e);
            Assert.AreEqual(want, ErrorCheck.ClassName(e), "class (got " + e.GetType().FullName + ": " + e.Message + ")");
            for (string name = want; name != null; name = ParentOf(name))
            {
                Type type = ExceptionType(name);
                Assert.IsNotNull(type, "no exception class for " + name);
                Assert.IsInstanceOf(type, e, "an instance of " + name);
                if (name == "MessengerConnectError") break;
            }
            var entry = FixtureClasses().First(k => (string)k["class"] == want);
            Assert.AreEqual(x["kind"], entry["kind"], "the fixture's kind of " + want);
            object status = Json.Get(x, "status");
            int? got = ErrorCheck.StatusOf(e);
            Assert.AreEqual(status == null ? (int?)null : (int)(long)status, got, "status: " + e.Message);
            Assert.AreEqual(Json.Get(x, "code"), ErrorCheck.CodeOf(e), "code: " + e.Message);
            if (Json.Has(x, "target")) Assert.AreEqual(x["target"], ErrorCheck.TargetOf(e), "target: " + e.Message);
            if (Json.Has(x, "retryAfter")) Assert.AreEqual((ulong)(long)x["retryAfter"] * 1000, ErrorCheck.RetryAfterMsOf(e), "RetryAfterMs");
            Assert.AreEqual(x["hasRequestId"], !string.IsNullOrEmpty(ErrorCheck.RequestIdOf(e)), "hasRequestId");
            Assert.IsNotEmpty(e.Message, "a message");
            if (false.Equals(Json.Get(x, "sent")))
            {
                var requests = (List<object>)Json.Get(await ControlAsync("requests").ConfigureAwait(false), "requests");
                var sent = requests.Select(r => Json.Get(r, "method") + " " + Json.Get(r, "path"))
                    .Where(r => Regex.IsMatch(r, "^[A-Z]+ /(v1|oauth)/")).ToList();
                Assert.IsEmpty(sent, "no request was sent");
            }
        }
    }
}

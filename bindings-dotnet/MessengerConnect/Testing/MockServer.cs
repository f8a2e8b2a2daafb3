using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Native = global::MessengerConnect.NativeMockServer;

namespace MessengerConnect.Testing
{
    /// <summary>
    /// The Messenger Connect mock server, in-process on a free 127.0.0.1 port, for tests of
    /// code that uses <see cref="Client"/>: seeded users, apps, tokens and injected faults.
    /// Dispose stops it.
    /// </summary>
    public sealed class MockServer : IDisposable
    {
        private readonly Native _server;
        private readonly object _lock = new object();
        private MockApp _app;

        private MockServer(Native server) { _server = server; }

        /// <summary>Starts a server seeded with <paramref name="users"/> users (seed fixed: same data every run).</summary>
        public static MockServer Start(uint users = 3, uint contactsPerUser = 10, uint friendsPerUser = 2, uint activitiesPerUser = 3, ulong seed = 1)
        {
            MockOptions options = MessengerConnectFunctions.DefaultMockOptions();
            options.Users = users;
            options.ContactsPerUser = contactsPerUser;
            options.FriendsPerUser = friendsPerUser;
            options.ActivitiesPerUser = activitiesPerUser;
            options.Seed = seed;
            return Start(options);
        }

        /// <summary>Starts a server with every option.</summary>
        public static MockServer Start(MockOptions options)
        {
            if (options == null) throw new ArgumentNullException("options");
            return new MockServer(Native.Start(options));
        }

        /// <summary>Base URL, e.g. <c>http://127.0.0.1:41234</c>.</summary>
        public string Url { get { return _server.Url(); } }

        /// <summary>The seeded users (with their passwords).</summary>
        public List<MockUser> Users { get { return _server.Users(); } }

        /// <summary>The full control plane (faults, clock, journal, act-as, ...).</summary>
        public Native Control { get { return _server; } }

        /// <summary>Registers an app allowed every scope (confidential unless <paramref name="isPublic"/>).</summary>
        public Task<MockApp> RegisterAppAsync(string name = "test app", bool isPublic = false, IEnumerable<string> redirectUris = null)
        {
            var redirects = redirectUris != null ? redirectUris.ToList() : new List<string> { "http://127.0.0.1/callback" };
            return _server.CreateAppAsync(new MockAppOptions(name, redirects, isPublic, MessengerConnectFunctions.AllScopes()));
        }

        /// <summary>Mints tokens for a user and an app (every scope unless given).</summary>
        public Task<TokenSet> MintTokenAsync(string userId, string clientId, IEnumerable<string> scopes = null, TimeSpan? expiresIn = null)
        {
            var list = scopes != null ? scopes.ToList() : MessengerConnectFunctions.AllScopes();
            ulong? seconds = expiresIn.HasValue ? (ulong?)(ulong)expiresIn.Value.TotalSeconds : null;
            return _server.MintTokenAsync(userId, clientId, list, seconds);
        }

        /// <summary>The app <see cref="CreateClientAsync"/> uses (registered on first use).</summary>
        public async Task<MockApp> DefaultAppAsync()
        {
            lock (_lock) { if (_app != null) return _app; }
            MockApp app = await RegisterAppAsync().ConfigureAwait(false);
            lock (_lock) { if (_app == null) _app = app; return _app; }
        }

        /// <summary>Options for a client of this server (no tokens).</summary>
        public ClientOptions ClientOptions()
        {
            return MessengerConnectFunctions.DefaultClientOptions(Url);
        }

        /// <summary>A client signed in as <paramref name="user"/> (default: the first user) with the given scopes (default: all).</summary>
        public async Task<Client> CreateClientAsync(MockUser user = null, IEnumerable<string> scopes = null)
        {
            MockApp app = await DefaultAppAsync().ConfigureAwait(false);
            MockUser who = user ?? Users[0];
            TokenSet tokens = await MintTokenAsync(who.Id, app.ClientId, scopes).ConfigureAwait(false);
            ClientOptions options = ClientOptions();
            options.ClientId = app.ClientId;
            options.ClientSecret = app.ClientSecret;
            options.Tokens = tokens;
            return new Client(options);
        }

        /// <summary>
        /// One operation of the mock's typed control plane by name, in process (no HTTP):
        /// <c>reset</c>, <c>createApp</c>, <c>mintToken</c>, <c>addFault</c>, <c>advanceClock</c>,
        /// <c>requests</c>, <c>actAs</c>, <c>approveDevice</c>... (the operations and argument
        /// JSON of mock-server/README.md, the same in every binding). Returns the answer as
        /// JSON text; a refusal throws the <see cref="ApiException"/> of its status.
        /// </summary>
        public Task<string> CallAsync(string op, string argsJson = null)
        {
            if (op == null) throw new ArgumentNullException("op");
            return _server.CallAsync(op, argsJson);
        }

        /// <summary>Injects a fault; returns its id.</summary>
        public Task<string> AddFaultAsync(MockFault fault) { return _server.AddFaultAsync(fault); }

        /// <summary>Resets the data to a new seed; returns the new users. Apps registered before are gone.</summary>
        public Task<List<MockUser>> ResetAsync(uint users = 3, uint contactsPerUser = 10, uint friendsPerUser = 2, uint activitiesPerUser = 3, ulong seed = 1)
        {
            lock (_lock) { _app = null; }
            return _server.ResetAsync(new MockResetOptions(seed, users, contactsPerUser, friendsPerUser, activitiesPerUser));
        }

        /// <summary>Stops the server.</summary>
        public void Dispose()
        {
            try { _server.Stop(); } catch (ObjectDisposedException) { }
            _server.Dispose();
        }
    }
}

// Chat through Messenger Connect, against the in-process mock server:
//  1. Ada signs in with the authorization-code flow (PKCE; the mock's consent is recorded
//     first, so `prompt=none` redirects straight back with a code, as a browser would);
//  2. her friend Bob (tokens minted by the mock) opens a conversation with her;
//  3. Ada listens to live events while Bob types and sends messages, and answers each one.
//
//   bash bindings-dotnet/run-example.sh
using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using MessengerConnect;
using MessengerConnect.Testing;

public static class Chat
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
            Console.Error.WriteLine("chat failed: " + e);
            code = 1;
        }
        return code;
    }

    private static async Task<int> RunAsync()
    {
        using (MockServer server = MockServer.Start(users: 2, contactsPerUser: 5, friendsPerUser: 1))
        {
            MockUser ada = server.Users[0];
            Console.WriteLine("mock server at " + server.Url);

            // 1. Ada signs in (authorization code + PKCE).
            MockApp app = await server.RegisterAppAsync("chat example", false, new[] { "http://127.0.0.1/callback" });
            var scopes = new List<string> { "openid", "profile", "friends.read", "chat", "offline_access" };
            await server.Control.GrantConsentAsync(ada.Id, app.ClientId, scopes);
            ClientOptions options = server.ClientOptions();
            options.ClientId = app.ClientId;
            options.ClientSecret = app.ClientSecret;
            options.RedirectUri = "http://127.0.0.1/callback";
            using (var adaClient = new Client(options))
            {
                adaClient.TokensChanged += (s, e) => Console.WriteLine("  (tokens changed: expire " + e.Tokens.ExpiresAt + ")");
                AuthorizationRequest request = adaClient.AuthorizationUrl(new AuthorizationParams(scopes, "none", ada.Email));
                string redirect = FollowRedirect(request.Url);
                await adaClient.ExchangeCodeAsync(request, redirect);
                Me me = await adaClient.MeAsync();
                Console.WriteLine("signed in as " + me.DisplayName);

                // 2. Her friend Bob.
                Friend friend = (await adaClient.Friends().ToListAsync()).First();
                MockUser bob = server.Users.First(u => u.Id == friend.Id);
                using (Client bobClient = await server.CreateClientAsync(bob))
                using (EventSubscription adaEvents = await adaClient.EventsAsync(new EventsOptions()))
                using (EventSubscription bobEvents = await bobClient.EventsAsync(new EventsOptions()))
                {
                    Conversation conv = await bobClient.ConversationWithAsync(ada.Id);
                    Console.WriteLine("conversation " + conv.Id + " between " + string.Join(" and ", conv.Members.Select(m => m.DisplayName)));

                    // 3. Ada answers every message live; Bob reads the answers live.
                    using (var done = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
                    {
                        string[] lines = { "Hi Ada!", "Are you coming to the demo?", "See you there." };
                        foreach (string line in lines)
                        {
                            bobEvents.Typing(conv.Id);
                            await bobClient.SendTextAsync(conv.Id, line);
                            Message got = await NextMessageAsync(adaEvents, bob.Id, done.Token);
                            Console.WriteLine(bob.DisplayName + " > " + got.Text);
                            await adaClient.SendTextAsync(conv.Id, "re: " + got.Text);
                            Message answer = await NextMessageAsync(bobEvents, ada.Id, done.Token);
                            Console.WriteLine(ada.DisplayName + " > " + answer.Text);
                        }
                    }
                    int total = (await adaClient.Messages(conv.Id).ToListAsync()).Count;
                    Console.WriteLine("the conversation has " + total + " messages");
                }
            }
        }
        return 0;
    }

    /// <summary>The next message from <paramref name="senderId"/> on the live stream.</summary>
    private static async Task<Message> NextMessageAsync(EventSubscription events, string senderId, CancellationToken ct)
    {
        while (true)
        {
            Event e = await events.NextAsync(ct);
            if (e == null) throw new InvalidOperationException("the event stream ended");
            var created = e as Event.MessageCreated;
            if (created != null && created.Message.Sender.Id == senderId) return created.Message;
        }
    }

    /// <summary>What a browser does with the authorize URL: here, the redirect back with the code.</summary>
    private static string FollowRedirect(string url)
    {
        var request = (HttpWebRequest)WebRequest.Create(url);
        request.AllowAutoRedirect = false;
        try
        {
            using (var response = (HttpWebResponse)request.GetResponse()) return response.Headers["Location"];
        }
        catch (WebException e) when (e.Response != null)
        {
            using (var response = (HttpWebResponse)e.Response) return response.Headers["Location"];
        }
    }
}

using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using MessengerConnect;
using NUnit.Framework;

namespace MessengerConnect.Tests
{
    [TestFixture]
    public class ChatTests
    {
        [Test]
        public void MessagesAreSentListedAndIdempotent()
        {
            Env.Run(async () =>
            {
                using (Client me = await Env.ClientFor(0))
                {
                    Friend friend = (await me.Friends().ToListAsync()).First();
                    Conversation conv = await me.ConversationWithAsync(friend.Id);
                    Assert.IsTrue(conv.Members.Any(m => m.Id == friend.Id));
                    Message a = await me.SendMessageAsync(conv.Id, new NewMessage("hi", "client-1"));
                    Message again = await me.SendMessageAsync(conv.Id, new NewMessage("hi", "client-1"));
                    Assert.AreEqual(a.Id, again.Id, "clientMessageId makes a send idempotent");
                    Message b = await me.SendTextAsync(conv.Id, "second");
                    List<Message> all = await me.Messages(conv.Id).ToListAsync();
                    CollectionAssert.IsSubsetOf(new[] { a.Id, b.Id }, all.Select(m => m.Id));
                    Assert.IsTrue((await me.Conversations().ToListAsync()).Any(c => c.Id == conv.Id));
                }
            });
        }

        [Test]
        public void LiveEventsDeliverAFriendsMessage()
        {
            Env.Run(async () =>
            {
                using (Client me = await Env.ClientFor(0))
                {
                    Friend friend = (await me.Friends().ToListAsync()).First();
                    var user = Env.Server.Users.First(u => u.Id == friend.Id);
                    using (Client other = await Env.Server.CreateClientAsync(user))
                    using (EventSubscription events = await me.EventsAsync(new EventsOptions()))
                    {
                        Conversation conv = await other.ConversationWithAsync(Env.Server.Users[0].Id);
                        events.Typing(conv.Id);
                        Message sent = await other.SendTextAsync(conv.Id, "live " + Guid.NewGuid());
                        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20)))
                        {
                            Event.MessageCreated got = null;
                            while (got == null)
                            {
                                Event e = await events.NextAsync(timeout.Token);
                                Assert.IsNotNull(e, "the stream ended early");
                                got = e as Event.MessageCreated;
                            }
                            Assert.AreEqual(sent.Id, got.Message.Id);
                            Assert.AreEqual(sent.Text, got.Message.Text);
                            Assert.AreEqual(friend.Id, got.Message.Sender.Id);
                            Assert.IsNotNull(got.Seq, "a logged event has its seq");
                            Assert.AreEqual(events.LastSeq(), got.Seq, "the last one handed out");

                            // Resuming just before it replays it, with the same seq.
                            Event replayed;
                            using (EventSubscription again = await me.EventsAsync(new EventsOptions { Since = got.Seq - 1 }))
                            {
                                replayed = await again.NextAsync(timeout.Token);
                            }
                            Assert.IsInstanceOf<Event.MessageCreated>(replayed);
                            Assert.AreEqual(got.Seq, replayed.Seq);
                        }
                        Assert.IsNotNull(events.LastSeq());
                    }
                }
            });
        }

        [Test]
        public void ClosingASubscriptionEndsAPendingNext()
        {
            Env.Run(async () =>
            {
                using (Client me = await Env.ClientFor(1))
                {
                    EventSubscription events = await me.EventsAsync(new EventsOptions());
                    Task<Event> pending = events.NextAsync();
                    events.Dispose();
                    Assert.IsNull(await pending, "a closed subscription ends with null");
                    Assert.Throws<ObjectDisposedException>(() => events.Typing("x"));
                }
            });
        }

        [Test]
        public void ListenWithoutAHandlerThrowsAtTheCall()
        {
            Env.Run(async () =>
            {
                using (Client me = await Env.ClientFor(2))
                using (EventSubscription events = await me.EventsAsync(new EventsOptions()))
                {
                    Task listening = null;
                    var e = Assert.Throws<ArgumentNullException>(() => listening = events.ListenAsync(null));
                    Assert.AreEqual("onEvent", e.ParamName);
                    Assert.IsNull(listening, "no task was started");
                }
            });
        }
    }
}

using System.Collections.Generic;
using System.Linq;
using MessengerConnect;
using NUnit.Framework;

namespace MessengerConnect.Tests
{
    [TestFixture]
    public class SocialFeedTests
    {
        [Test]
        public void FriendsAreListed()
        {
            Env.Run(async () =>
            {
                using (Client client = await Env.ClientFor(0))
                {
                    List<Friend> friends = await client.Friends().ToListAsync();
                    Assert.IsNotEmpty(friends);
                    Assert.IsTrue(friends.All(f => !string.IsNullOrEmpty(f.Id) && f.DisplayName != null));
                    Assert.IsFalse(friends.Any(f => f.Id == Env.Server.Users[0].Id), "not one's own friend");
                }
            });
        }

        [Test]
        public void InvitationsCanBeSentListedAndCancelled()
        {
            Env.Run(async () =>
            {
                using (Client client = await Env.ClientFor(0))
                {
                    Invitation sent = await client.InviteEmailAsync("newcomer@example.com", "join me");
                    Assert.AreEqual("newcomer@example.com", sent.Email);
                    Assert.AreEqual(InvitationStatus.Pending, sent.Status);
                    List<Invitation> all = await client.Invitations().ToListAsync();
                    Assert.IsTrue(all.Any(i => i.Id == sent.Id));
                    await client.CancelInvitationAsync(sent.Id);
                    List<Invitation> after = await client.Invitations().ToListAsync();
                    Assert.IsFalse(after.Any(i => i.Id == sent.Id && i.Status == InvitationStatus.Pending));

                    List<Contact> contacts = await client.Contacts().ToListAsync();
                    Contact contact = contacts.FirstOrDefault(c => c.Emails.Count > 0 && !c.IsFriend);
                    Assert.IsNotNull(contact, "the seeded data has a contact with an email who is not a friend");
                    Invitation byContact = await client.InviteContactAsync(contact.Id, null);
                    Assert.AreEqual(contact.Id, byContact.ContactId);
                    await client.CancelInvitationAsync(byContact.Id);
                }
            });
        }

        [Test]
        public void ActivitiesCanBePostedReadAndDeleted()
        {
            Env.Run(async () =>
            {
                using (Client client = await Env.ClientFor(0))
                {
                    Activity posted = await client.CreateActivityAsync(new NewActivity { Kind = ActivityType.Note, Content = "hello from C#" });
                    Assert.AreEqual("hello from C#", posted.Content);
                    Assert.AreEqual(ActivityType.Note, posted.Kind);
                    Assert.AreEqual(Env.Server.Users[0].Id, posted.Actor.Id);
                    Activity got = await client.GetActivityAsync(posted.Id);
                    Assert.AreEqual(posted.Id, got.Id);
                    Assert.IsTrue((await client.Activities().ToListAsync()).Any(a => a.Id == posted.Id));
                    Assert.IsTrue((await client.Feed(new Query { Top = 5 }).NextPageAsync()).Items.Any(a => a.Id == posted.Id), "newest first in the feed");
                    await client.DeleteActivityAsync(posted.Id);
                    await Env.Throws<NotFoundException>(() => client.GetActivityAsync(posted.Id));
                }
            });
        }

        [Test]
        public void FriendsSeeEachOthersActivitiesInTheFeed()
        {
            Env.Run(async () =>
            {
                using (Client me = await Env.ClientFor(0))
                {
                    Friend friend = (await me.Friends().ToListAsync()).First();
                    var user = Env.Server.Users.First(u => u.Id == friend.Id);
                    using (Client other = await Env.Server.CreateClientAsync(user))
                    {
                        Activity posted = await other.CreateActivityAsync(new NewActivity { Kind = ActivityType.Note, Content = "feed check" });
                        List<Activity> feed = await me.Feed().ToListAsync();
                        Assert.IsTrue(feed.Any(a => a.Id == posted.Id));
                        await other.DeleteActivityAsync(posted.Id);
                    }
                }
            });
        }
    }
}

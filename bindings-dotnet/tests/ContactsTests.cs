using System.Collections.Generic;
using System.Linq;
using MessengerConnect;
using NUnit.Framework;

namespace MessengerConnect.Tests
{
    [TestFixture]
    public class ContactsTests
    {
        [Test]
        public void PagerFollowsNextLinksThroughEveryPage()
        {
            Env.Run(async () =>
            {
                using (Client client = await Env.ClientFor(0))
                {
                    var pager = client.Contacts(new Query { Top = 10 });
                    int pages = 0;
                    var ids = new HashSet<string>();
                    ContactPage page;
                    while ((page = await pager.NextPageAsync()) != null)
                    {
                        pages++;
                        Assert.LessOrEqual(page.Items.Count, 10);
                        foreach (Contact c in page.Items) Assert.IsTrue(ids.Add(c.Id), "no contact twice");
                    }
                    Assert.IsTrue(pager.IsDone);
                    Assert.GreaterOrEqual(ids.Count, 25);
                    Assert.GreaterOrEqual(pages, 3);
                    List<Contact> all = await client.Contacts(new Query { Top = 7 }).ToListAsync();
                    CollectionAssert.AreEquivalent(ids, all.Select(c => c.Id));
                    Assert.AreEqual(ids.Count, client.Contacts().AsEnumerable().Count());
                }
            });
        }

        [Test]
        public void FilterOrderAndCount()
        {
            Env.Run(async () =>
            {
                using (Client client = await Env.ClientFor(0))
                {
                    Contact first = (await client.ListContactsAsync(new Query { Top = 1 })).Items[0];
                    using (Filter f = Filter.Eq("id", new Literal.Text(first.Id)))
                    {
                        ContactPage page = await client.ListContactsAsync(new Query { Filter = f.Render(), Count = true });
                        Assert.AreEqual(1, page.Items.Count);
                        Assert.AreEqual(first.Id, page.Items[0].Id);
                        Assert.AreEqual(1UL, page.Count);
                    }
                    var ordered = await client.ListContactsAsync(new Query
                    {
                        OrderBy = new List<OrderBy> { new OrderBy("displayName", SortOrder.Desc) },
                        Top = 50,
                    });
                    var names = ordered.Items.Select(c => c.DisplayName).ToList();
                    CollectionAssert.AreEqual(names.OrderByDescending(n => n, System.StringComparer.OrdinalIgnoreCase).ToList(), names);
                }
            });
        }

        [Test]
        public void FilterObjectsCombineAndQuery()
        {
            Env.Run(async () =>
            {
                using (Client client = await Env.ClientFor(0))
                using (Filter a = Filter.Startswith("displayName", "A"))
                using (Filter b = Filter.Startswith("displayName", "B"))
                using (Filter either = a.Or(b))
                using (Filter neither = either.Not())
                {
                    StringAssert.Contains("startswith", either.Render());
                    StringAssert.StartsWith("not", neither.Render());
                    List<Contact> all = await client.Contacts().ToListAsync();
                    List<Contact> ab = await client.Contacts(new Query { Filter = either.Render() }).ToListAsync();
                    List<Contact> rest = await client.Contacts(new Query { Filter = neither.Render() }).ToListAsync();
                    Assert.IsTrue(ab.All(c => c.DisplayName.StartsWith("A", System.StringComparison.OrdinalIgnoreCase)
                        || c.DisplayName.StartsWith("B", System.StringComparison.OrdinalIgnoreCase)));
                    Assert.AreEqual(all.Count, ab.Count + rest.Count);
                    a.Dispose();
                    Assert.Throws<System.ObjectDisposedException>(() => b.And(a));
                    Assert.IsNotNull(either.Render(), "a filter built from a disposed one keeps working");
                }
            });
        }

        [Test]
        public void CreateGetUpdateDeleteWithETags()
        {
            Env.Run(async () =>
            {
                using (Client client = await Env.ClientFor(1))
                {
                    Contact created = await client.CreateContactAsync(new NewContact
                    {
                        DisplayName = "Grace Hopper",
                        Emails = new List<ContactEmail> { new ContactEmail("grace@example.com", "work", true) },
                        Tags = new List<string> { "navy" },
                    });
                    Assert.AreEqual("Grace Hopper", created.DisplayName);
                    Assert.IsNotNull(created.Etag);
                    Contact got = await client.GetContactAsync(created.Id);
                    Assert.AreEqual("grace@example.com", got.Emails[0].Value);
                    CollectionAssert.AreEqual(new[] { "navy" }, got.Tags);

                    Contact updated = await client.UpdateContactAsync(created.Id, new ContactUpdate { Note = "COBOL" }, created.Etag);
                    Assert.AreEqual("COBOL", updated.Note);
                    Assert.AreNotEqual(created.Etag, updated.Etag);

                    PreconditionFailedException stale = await Env.Throws<PreconditionFailedException>(
                        () => client.UpdateContactAsync(created.Id, new ContactUpdate { Note = "x" }, created.Etag));
                    Assert.AreEqual(412, stale.Status);
                    Assert.AreEqual("preconditionFailed", stale.Code);

                    await client.DeleteContactAsync(created.Id, updated.Etag);
                    NotFoundException gone = await Env.Throws<NotFoundException>(() => client.GetContactAsync(created.Id));
                    Assert.AreEqual(404, gone.Status);
                }
            });
        }

        [Test]
        public void DeltaSyncReportsChangesAfterTheFirstRound()
        {
            Env.Run(async () =>
            {
                using (Client client = await Env.ClientFor(2))
                {
                    DeltaSync first = await client.SyncContactsAsync(null, 10);
                    Assert.GreaterOrEqual(first.Upserts.Count, 25);
                    Assert.IsNotNull(first.DeltaLink);

                    Contact added = await client.CreateContactAsync(new NewContact { DisplayName = "Delta Person" });
                    DeltaSync second = await client.SyncContactsAsync(first.DeltaLink, null);
                    Assert.AreEqual(new[] { added.Id }, second.Upserts.Select(c => c.Id).ToArray());

                    await client.DeleteContactAsync(added.Id, null);
                    DeltaSync third = await client.SyncContactsAsync(second.DeltaLink, null);
                    CollectionAssert.AreEqual(new[] { added.Id }, third.Removed);
                }
            });
        }

        [Test]
        public void DeltaPagesEndWithADeltaLink()
        {
            Env.Run(async () =>
            {
                using (Client client = await Env.ClientFor(0))
                {
                    var pager = client.ContactChanges(null, 10);
                    int changes = 0;
                    DeltaPage page, last = null;
                    while ((page = await pager.NextPageAsync()) != null)
                    {
                        changes += page.Changes.Count;
                        last = page;
                    }
                    Assert.GreaterOrEqual(changes, 25);
                    Assert.IsNotNull(last.DeltaLink);
                    Assert.IsNull(last.NextLink);
                    Assert.IsTrue(last.Changes.All(c => c is DeltaChange.Upsert || c is DeltaChange.Removed));
                }
            });
        }

        [Test]
        public void PortableContactsQuery()
        {
            Env.Run(async () =>
            {
                using (Client client = await Env.ClientFor(0))
                {
                    PocoPage page = await client.PocoContactsAsync(new PocoQuery { Count = 5, SortBy = "displayName" });
                    Assert.AreEqual(5, page.Entry.Count);
                    Assert.GreaterOrEqual(page.TotalResults, 25UL);
                    Contact one = await client.PocoContactAsync(page.Entry[0].Id);
                    Assert.AreEqual(page.Entry[0].Id, one.Id);
                }
            });
        }
    }
}

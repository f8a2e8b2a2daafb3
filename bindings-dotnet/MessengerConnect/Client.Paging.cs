using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace MessengerConnect
{
    /// <summary>Paging helpers: every collection as a <see cref="Pager{TPage, TItem}"/>.</summary>
    public sealed partial class Client
    {
        /// <summary>The user's contacts (OData query optional), page by page.</summary>
        public Pager<ContactPage, Contact> Contacts(Query query = null)
        {
            return new Pager<ContactPage, Contact>(
                ct => ListContactsAsync(query, ct), ContactsPageAtAsync, p => p.Items, p => p.NextLink);
        }

        /// <summary>The user's friends, page by page.</summary>
        public Pager<FriendPage, Friend> Friends(Query query = null)
        {
            return new Pager<FriendPage, Friend>(
                ct => ListFriendsAsync(query, ct), FriendsPageAtAsync, p => p.Items, p => p.NextLink);
        }

        /// <summary>The invitations the user sent, page by page.</summary>
        public Pager<InvitationPage, Invitation> Invitations(Query query = null)
        {
            return new Pager<InvitationPage, Invitation>(
                ct => ListInvitationsAsync(query, ct), InvitationsPageAtAsync, p => p.Items, p => p.NextLink);
        }

        /// <summary>The friends' and own feed, newest first, page by page.</summary>
        public Pager<ActivityPage, Activity> Feed(Query query = null)
        {
            return new Pager<ActivityPage, Activity>(
                ct => ListFeedAsync(query, ct), ActivitiesPageAtAsync, p => p.Items, p => p.NextLink);
        }

        /// <summary>The user's own activities, page by page.</summary>
        public Pager<ActivityPage, Activity> Activities(Query query = null)
        {
            return new Pager<ActivityPage, Activity>(
                ct => ListActivitiesAsync(query, ct), ActivitiesPageAtAsync, p => p.Items, p => p.NextLink);
        }

        /// <summary>The user's conversations, page by page.</summary>
        public Pager<ConversationPage, Conversation> Conversations(Query query = null)
        {
            return new Pager<ConversationPage, Conversation>(
                ct => ListConversationsAsync(query, ct), ConversationsPageAtAsync, p => p.Items, p => p.NextLink);
        }

        /// <summary>The messages of a conversation, page by page.</summary>
        public Pager<MessagePage, Message> Messages(string conversationId, Query query = null)
        {
            if (conversationId == null) throw new ArgumentNullException("conversationId");
            return new Pager<MessagePage, Message>(
                ct => ListMessagesAsync(conversationId, query, ct), MessagesPageAtAsync, p => p.Items, p => p.NextLink);
        }

        /// <summary>
        /// Delta sync page by page: from <paramref name="deltaLink"/> (null: a full first
        /// round). The last page's <c>DeltaLink</c> starts the next round.
        /// </summary>
        public Pager<DeltaPage, DeltaChange> ContactChanges(string deltaLink = null, uint? pageSize = null)
        {
            return new Pager<DeltaPage, DeltaChange>(
                ct => ContactsDeltaPageAsync(deltaLink, pageSize, ct),
                (link, ct) => ContactsDeltaPageAsync(link, null, ct),
                p => p.Changes,
                p => p.NextLink);
        }
    }
}

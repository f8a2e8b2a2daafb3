//! One page of each collection: its items, the link to the next page, and the count.

use messenger_connect::Page;
use messenger_connect::models as m;

use super::{Activity, Contact, Conversation, Friend, Invitation, Message};

macro_rules! page {
    ($(#[$doc:meta])* $name:ident, $item:ty, $core:ty) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, uniffi::Record)]
        pub struct $name {
            /// The items of this page.
            pub items: Vec<$item>,
            /// Link to the next page (store it to resume later); `None` on the last page.
            pub next_link: Option<String>,
            /// Number of matching items (with `count` in the query).
            pub count: Option<u64>,
        }

        impl From<Page<$core>> for $name {
            fn from(p: Page<$core>) -> Self {
                $name {
                    items: p.items.into_iter().map(<$item>::from).collect(),
                    next_link: p.next_link,
                    count: p.count,
                }
            }
        }
    };
}

page!(
    /// A page of contacts.
    ContactPage, Contact, m::Contact
);
page!(
    /// A page of friends.
    FriendPage, Friend, m::Friend
);
page!(
    /// A page of activities (feed or my own).
    ActivityPage, Activity, m::Activity
);
page!(
    /// A page of conversations.
    ConversationPage, Conversation, m::Conversation
);
page!(
    /// A page of messages.
    MessagePage, Message, m::Message
);
page!(
    /// A page of invitations.
    InvitationPage, Invitation, m::Invitation
);

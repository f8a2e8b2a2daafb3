//! Page streams: core's `PageStream`s as objects whose `next` hands out one page at a
//! time while the next one is already being fetched (core's prefetch). `next_link` is
//! the link of the page the stream fetches next, to store and resume from later with a
//! `*_pages_from` method. Dropping (disposing) a stream cancels its pending fetch.

use std::sync::Arc;

use futures_util::StreamExt;
use messenger_connect as mc;
use messenger_connect::models as m;

use crate::client::Client;
use crate::errors::Result;
use crate::models::{
    ActivityPage, ContactPage, ConversationPage, DeltaPage, FriendPage, InvitationPage, MessagePage,
};
use crate::query::{Query, core_query};

macro_rules! page_stream {
    ($(#[$doc:meta])* $name:ident, $page:ty, $core:ty) => {
        $(#[$doc])*
        #[derive(uniffi::Object)]
        pub struct $name {
            stream: tokio::sync::Mutex<mc::PageStream<$core>>,
            next_link: std::sync::Mutex<Option<String>>,
            delta_link: std::sync::Mutex<Option<String>>,
        }

        impl std::fmt::Debug for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.debug_struct(stringify!($name)).finish_non_exhaustive()
            }
        }

        impl $name {
            pub(crate) fn wrap(stream: mc::PageStream<$core>) -> Arc<$name> {
                Arc::new($name {
                    next_link: std::sync::Mutex::new(stream.next_link().map(str::to_string)),
                    delta_link: std::sync::Mutex::new(None),
                    stream: tokio::sync::Mutex::new(stream),
                })
            }
        }

        #[uniffi::export(async_runtime = "tokio")]
        impl $name {
            /// The next page, `None` after the last one. After an error the stream can
            /// be resumed from `next_link`.
            pub async fn next(&self) -> Result<Option<$page>> {
                let mut stream = self.stream.lock().await;
                let item = stream.next().await;
                *self.next_link.lock().unwrap_or_else(|p| p.into_inner()) =
                    stream.next_link().map(str::to_string);
                *self.delta_link.lock().unwrap_or_else(|p| p.into_inner()) =
                    stream.delta_link().map(str::to_string);
                match item {
                    None => Ok(None),
                    Some(Ok(page)) => Ok(Some(page.into())),
                    Some(Err(e)) => Err(e.into()),
                }
            }

            /// The link of the page this stream fetches next (`None` at the end).
            pub fn next_link(&self) -> Option<String> {
                self.next_link
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .clone()
            }

            /// The delta link of the last page, once the stream reached it (delta sync
            /// only; `None` otherwise).
            pub fn delta_link(&self) -> Option<String> {
                self.delta_link
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .clone()
            }
        }
    };
}

page_stream!(
    /// The pages of a contacts query.
    ContactPages, ContactPage, m::Contact
);
page_stream!(
    /// The pages of a friends query.
    FriendPages, FriendPage, m::Friend
);
page_stream!(
    /// The pages of the feed or of my own activities.
    ActivityPages, ActivityPage, m::Activity
);
page_stream!(
    /// The pages of a conversations query.
    ConversationPages, ConversationPage, m::Conversation
);
page_stream!(
    /// The pages of a conversation's messages.
    MessagePages, MessagePage, m::Message
);
page_stream!(
    /// The pages of an invitations query.
    InvitationPages, InvitationPage, m::Invitation
);
page_stream!(
    /// The pages of a delta round; after the last one, `delta_link` is the link to store
    /// for the next round.
    DeltaPages, DeltaPage, mc::DeltaChange<m::Contact>
);

#[uniffi::export]
impl Client {
    /// The pages of contacts matching the query, the next one prefetched.
    pub fn contact_pages(&self, query: Option<Query>) -> Result<Arc<ContactPages>> {
        let q = core_query(query)?;
        Ok(ContactPages::wrap(self.core()?.contact_pages(&q)?))
    }

    /// The pages of contacts from a stored `next_link` on.
    pub fn contact_pages_from(&self, link: String) -> Result<Arc<ContactPages>> {
        Ok(ContactPages::wrap(self.core()?.pages_from(&link)?))
    }

    /// The pages of friends matching the query, the next one prefetched.
    pub fn friend_pages(&self, query: Option<Query>) -> Result<Arc<FriendPages>> {
        let q = core_query(query)?;
        Ok(FriendPages::wrap(self.core()?.friend_pages(&q)?))
    }

    /// The pages of friends from a stored `next_link` on.
    pub fn friend_pages_from(&self, link: String) -> Result<Arc<FriendPages>> {
        Ok(FriendPages::wrap(self.core()?.pages_from(&link)?))
    }

    /// The pages of my feed, the next one prefetched.
    pub fn feed_pages(&self, query: Option<Query>) -> Result<Arc<ActivityPages>> {
        let q = core_query(query)?;
        Ok(ActivityPages::wrap(self.core()?.feed_pages(&q)?))
    }

    /// The pages of my own activities, the next one prefetched.
    pub fn activity_pages(&self, query: Option<Query>) -> Result<Arc<ActivityPages>> {
        let q = core_query(query)?;
        Ok(ActivityPages::wrap(self.core()?.activity_pages(&q)?))
    }

    /// The pages of activities (feed or mine) from a stored `next_link` on.
    pub fn activity_pages_from(&self, link: String) -> Result<Arc<ActivityPages>> {
        Ok(ActivityPages::wrap(self.core()?.pages_from(&link)?))
    }

    /// The pages of my conversations, the next one prefetched.
    pub fn conversation_pages(&self, query: Option<Query>) -> Result<Arc<ConversationPages>> {
        let q = core_query(query)?;
        Ok(ConversationPages::wrap(
            self.core()?.conversation_pages(&q)?,
        ))
    }

    /// The pages of conversations from a stored `next_link` on.
    pub fn conversation_pages_from(&self, link: String) -> Result<Arc<ConversationPages>> {
        Ok(ConversationPages::wrap(self.core()?.pages_from(&link)?))
    }

    /// The pages of a conversation's messages, oldest first, the next one prefetched.
    pub fn message_pages(
        &self,
        conversation_id: String,
        query: Option<Query>,
    ) -> Result<Arc<MessagePages>> {
        let q = core_query(query)?;
        Ok(MessagePages::wrap(
            self.core()?.message_pages(&conversation_id, &q)?,
        ))
    }

    /// The pages of messages from a stored `next_link` on.
    pub fn message_pages_from(&self, link: String) -> Result<Arc<MessagePages>> {
        Ok(MessagePages::wrap(self.core()?.pages_from(&link)?))
    }

    /// The pages of my invitations, the next one prefetched.
    pub fn invitation_pages(&self, query: Option<Query>) -> Result<Arc<InvitationPages>> {
        let q = core_query(query)?;
        Ok(InvitationPages::wrap(self.core()?.invitation_pages(&q)?))
    }

    /// The pages of invitations from a stored `next_link` on.
    pub fn invitation_pages_from(&self, link: String) -> Result<Arc<InvitationPages>> {
        Ok(InvitationPages::wrap(self.core()?.pages_from(&link)?))
    }

    /// The pages of a delta round, the next one prefetched: from a stored `next_link` or
    /// `delta_link`, or with `None` a first round (`page_size` 1..1000).
    pub fn contacts_delta_pages(
        &self,
        link: Option<String>,
        page_size: Option<u32>,
    ) -> Result<Arc<DeltaPages>> {
        Ok(DeltaPages::wrap(
            self.core()?
                .contacts_delta_pages(link.as_deref(), page_size)?,
        ))
    }
}

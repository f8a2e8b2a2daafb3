//! Records and enums of the API's resources (core's `messenger_connect::models` in uniffi
//! form) and their conversions. Timestamps are `SystemTime`, dates `YYYY-MM-DD` strings,
//! JSON bodies JSON text. Fields core keeps as "unknown" (`extra`) are not exported.

mod batch;
mod chat;
mod contacts;
mod pages;
mod profile;
mod social;
mod time;

pub use batch::{BatchItem, BatchResponse};
pub use chat::{Conversation, Message, NewMessage};
pub use contacts::{
    Contact, ContactAddress, ContactEmail, ContactName, ContactNameUpdate, ContactOrganization,
    ContactPhoneNumber, ContactUpdate, DeltaChange, DeltaPage, DeltaSync, NewContact, PocoPage,
};
pub use pages::{
    ActivityPage, ContactPage, ConversationPage, FriendPage, InvitationPage, MessagePage,
};
pub use profile::{Me, MeEmail, MeUpdate, NameUpdate, PersonName, Presence, PublicProfile, Status};
pub use social::{
    Activity, ActivityImage, ActivityType, Friend, FriendStatus, Generator, Invitation,
    InvitationStatus, NewActivity, NewInvitation, Permissions, Person, StatusUpdate,
};
pub(crate) use time::{from_system_time, to_system_time};

//! Plain data models of the API's resources (serde, camelCase JSON as the spec has it).
//! Unknown fields never break decoding: they are kept in each model's `extra`.

/// A string enum that keeps values it does not know (`Other`), serialized as its wire value.
macro_rules! string_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $wire:literal,)+ }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
        pub enum $name {
            $($(#[$vmeta])* $variant,)+
            /// A value this version of the client does not know.
            Other(String),
        }

        impl $name {
            /// The wire value.
            pub fn as_str(&self) -> &str {
                match self {
                    $($name::$variant => $wire,)+
                    $name::Other(s) => s,
                }
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> $name {
                match s {
                    $($wire => $name::$variant,)+
                    other => $name::Other(other.to_string()),
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<$name, D::Error> {
                let s = String::deserialize(d)?;
                Ok($name::from(s.as_str()))
            }
        }
    };
}

mod batch;
mod chat;
mod contacts;
mod events;
mod oauth;
mod permissions;
mod profile;
mod social;

pub use batch::{BatchItem, BatchResponse};
pub use chat::{Conversation, Message, NewMessage};
pub use contacts::{
    Contact, ContactAddress, ContactEmail, ContactName, ContactNameUpdate, ContactOrganization,
    ContactPhoneNumber, ContactUpdate, NewContact, PocoPage,
};
pub use events::{Event, PresenceChange, StatusChange};
pub use oauth::{DeviceAuthorization, IdTokenClaims, Introspection, UserInfo};
pub use permissions::Permissions;
pub use profile::{Me, MeEmail, MeUpdate, NameUpdate, PersonName, Presence, PublicProfile, Status};
pub use social::{
    Activity, ActivityImage, ActivityType, Friend, FriendStatus, Generator, Invitation,
    InvitationStatus, NewActivity, NewInvitation, Person, StatusUpdate,
};

/// Fields a model does not know (kept, so nothing is lost when it is sent back).
pub type Extra = serde_json::Map<String, serde_json::Value>;

/// Serde helper for merge-patch fields: absent (`None`), `null` (`Some(None)`) or a value.
pub(crate) mod double_option {
    use serde::{Deserialize, Deserializer};

    pub(crate) fn deserialize<'de, T, D>(d: D) -> Result<Option<Option<T>>, D::Error>
    where
        T: Deserialize<'de>,
        D: Deserializer<'de>,
    {
        Option::<T>::deserialize(d).map(Some)
    }
}

//! Plain data models of the API's resources (serde, camelCase JSON as the spec has it).
//! Unknown fields never break decoding: they are kept in each model's `extra`.

/// The next map value: as the field's type, or `via` a wrapper type converted `into` it.
macro_rules! field_value {
    ($map:ident) => {
        $map.next_value()?
    };
    ($map:ident, $via:ty) => {
        $map.next_value::<$via>()?.into()
    };
}

/// `Deserialize` for a struct with an `extra: Extra` of unknown fields, without
/// `#[serde(flatten)]` (which buffers every field and is several times slower): known
/// keys go straight into their typed fields, the others into `extra`. The struct must
/// implement `Default`; `required` fields fail with `missing_field` when absent; an
/// optional field written `"wire" => field via T` is decoded as `T` and converted.
macro_rules! deserialize_with_extra {
    ($ty:ident, $expecting:literal,
     required { $($rwire:literal => $rfield:ident),* $(,)? },
     optional { $($wire:literal => $field:ident $(via $via:ty)?),* $(,)? }) => {
        impl<'de> serde::Deserialize<'de> for $ty {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<$ty, D::Error> {
                struct V;
                impl<'de> serde::de::Visitor<'de> for V {
                    type Value = $ty;
                    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        f.write_str($expecting)
                    }
                    fn visit_map<A: serde::de::MapAccess<'de>>(
                        self,
                        mut map: A,
                    ) -> Result<$ty, A::Error> {
                        let mut out = <$ty>::default();
                        $(let mut $rfield = None;)*
                        while let Some(key) = map.next_key::<$crate::models::Key<'de>>()? {
                            match key.as_str() {
                                $($rwire => $rfield = Some(map.next_value()?),)*
                                $($wire => out.$field = field_value!(map $(, $via)?),)*
                                _ => {
                                    let value = map.next_value()?;
                                    out.extra.insert(key.into_string(), value);
                                }
                            }
                        }
                        $(out.$rfield = $rfield
                            .ok_or_else(|| serde::de::Error::missing_field($rwire))?;)*
                        Ok(out)
                    }
                }
                d.deserialize_map(V)
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
pub(crate) mod time;

pub use batch::{BatchItem, BatchResponse};
pub use chat::{Conversation, Message, NewMessage};
pub use contacts::{
    AddressType, Contact, ContactAddress, ContactEmail, ContactName, ContactNameUpdate,
    ContactOrganization, ContactPhoneNumber, ContactUpdate, EmailType, NewContact, PhoneType,
    PocoPage,
};
pub use events::{Event, EventType, PresenceChange, StatusChange};
pub use oauth::{DeviceAuthorization, IdTokenClaims, Introspection, Scope, UserInfo};
pub use permissions::Permissions;
pub use profile::{Me, MeEmail, MeUpdate, NameUpdate, PersonName, Presence, PublicProfile, Status};
pub use social::{
    Activity, ActivityImage, ActivityType, Friend, FriendStatus, Generator, Invitation,
    InvitationStatus, NewActivity, NewInvitation, Person, StatusUpdate,
};

/// Fields a model does not know (kept, so nothing is lost when it is sent back).
pub type Extra = serde_json::Map<String, serde_json::Value>;

/// A map key, borrowed from the input when it has no escapes (see
/// `deserialize_with_extra!`).
pub(crate) struct Key<'de>(std::borrow::Cow<'de, str>);

impl Key<'_> {
    pub(crate) fn as_str(&self) -> &str {
        &self.0
    }

    pub(crate) fn into_string(self) -> String {
        self.0.into_owned()
    }
}

impl<'de> serde::Deserialize<'de> for Key<'de> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Key<'de>, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a field name")
            }
            fn visit_borrowed_str<E>(self, s: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(std::borrow::Cow::Borrowed(s)))
            }
            fn visit_str<E>(self, s: &str) -> Result<Key<'de>, E> {
                Ok(Key(std::borrow::Cow::Owned(s.to_string())))
            }
            fn visit_string<E>(self, s: String) -> Result<Key<'de>, E> {
                Ok(Key(std::borrow::Cow::Owned(s)))
            }
        }
        d.deserialize_str(V)
    }
}

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

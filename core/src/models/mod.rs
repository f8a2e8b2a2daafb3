//! Plain data models of the API's resources (serde, camelCase JSON as the spec has it).
//! Unknown fields never break decoding: they are kept in each model's `extra`.

mod contacts;
mod oauth;
mod permissions;
mod profile;

pub use contacts::{
    Contact, ContactAddress, ContactEmail, ContactName, ContactNameUpdate, ContactOrganization,
    ContactPhoneNumber, ContactUpdate, NewContact, PocoPage,
};
pub use oauth::{DeviceAuthorization, IdTokenClaims, Introspection, UserInfo};
pub use permissions::Permissions;
pub use profile::{Me, MeEmail, MeUpdate, NameUpdate, PersonName, Presence, PublicProfile, Status};

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

//! Contacts (Portable Contacts fields): the resource, its create and merge-patch bodies,
//! and the Portable Contacts envelope.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::Extra;

string_enum! {
    /// Type of a contact's (or the user's) email address (`ContactEmail::kind`).
    EmailType {
        /// Home.
        Home = "home",
        /// Work.
        Work = "work",
        /// Other (the server's default).
        #[default]
        Other = "other",
    }
}

string_enum! {
    /// Type of a contact's phone number (`ContactPhoneNumber::kind`).
    PhoneType {
        /// Mobile (the server's default).
        #[default]
        Mobile = "mobile",
        /// Home.
        Home = "home",
        /// Work.
        Work = "work",
        /// Other.
        Other = "other",
    }
}

string_enum! {
    /// Type of a contact's postal address (`ContactAddress::kind`).
    AddressType {
        /// Home.
        Home = "home",
        /// Work.
        Work = "work",
        /// Other.
        #[default]
        Other = "other",
    }
}

/// Name parts of a contact.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(rename_all = "camelCase")]
pub struct ContactName {
    /// Given name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub given_name: Option<String>,
    /// Family name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub family_name: Option<String>,
    /// Middle name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub middle_name: Option<String>,
    /// The whole name, formatted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub formatted: Option<String>,
    /// Unknown fields.
    #[serde(flatten)]
    pub extra: Extra,
}

/// An email address of a contact.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(rename_all = "camelCase")]
pub struct ContactEmail {
    /// The address.
    pub value: String,
    /// `home`, `work` or `other` (the server's default: `other`).
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// The primary address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub primary: Option<bool>,
    /// Unknown fields.
    #[serde(flatten)]
    pub extra: Extra,
}

impl ContactEmail {
    /// An address of this type.
    pub fn new(value: impl Into<String>, kind: impl Into<String>) -> ContactEmail {
        ContactEmail {
            value: value.into(),
            kind: Some(kind.into()),
            ..ContactEmail::default()
        }
    }
}

/// A phone number of a contact.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(rename_all = "camelCase")]
pub struct ContactPhoneNumber {
    /// The number.
    pub value: String,
    /// `mobile`, `home`, `work` or `other` (the server's default: `mobile`).
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// Unknown fields.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A postal address of a contact.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(rename_all = "camelCase")]
pub struct ContactAddress {
    /// `home`, `work` or `other`.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// The whole address, formatted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub formatted: Option<String>,
    /// Street.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub street_address: Option<String>,
    /// City.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locality: Option<String>,
    /// Region or state.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// Postal code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub postal_code: Option<String>,
    /// Country.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    /// Unknown fields.
    #[serde(flatten)]
    pub extra: Extra,
}

/// An organization a contact belongs to.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(rename_all = "camelCase")]
pub struct ContactOrganization {
    /// Organization name.
    pub name: String,
    /// Job title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Unknown fields.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A contact of the user's address book. With `$select`, only the selected fields (and
/// `id`, `etag`) are filled; the others keep their defaults.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(rename_all = "camelCase")]
pub struct Contact {
    /// Version, for `If-Match` (same as the `ETag` header).
    #[serde(
        rename = "@odata.etag",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub etag: Option<String>,
    /// Contact id.
    pub id: String,
    /// Display name.
    #[serde(default)]
    pub display_name: String,
    /// Name parts.
    #[serde(default)]
    pub name: ContactName,
    /// Nickname.
    #[serde(default)]
    pub nickname: Option<String>,
    /// Email addresses.
    #[serde(default)]
    pub emails: Vec<ContactEmail>,
    /// Phone numbers.
    #[serde(default)]
    pub phone_numbers: Vec<ContactPhoneNumber>,
    /// Postal addresses.
    #[serde(default)]
    pub addresses: Vec<ContactAddress>,
    /// Organizations.
    #[serde(default)]
    pub organizations: Vec<ContactOrganization>,
    /// Birthday.
    #[serde(default)]
    pub birthday: Option<NaiveDate>,
    /// Free-form note.
    #[serde(default)]
    pub note: Option<String>,
    /// Tags.
    #[serde(default)]
    pub tags: Vec<String>,
    /// The contact is also a friend.
    #[serde(default)]
    pub is_friend: bool,
    /// The friend's user id, when `is_friend`.
    #[serde(default)]
    pub friend_id: Option<String>,
    /// Creation time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published: Option<DateTime<Utc>>,
    /// Last change.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated: Option<DateTime<Utc>>,
    /// Unknown fields.
    #[serde(flatten)]
    pub extra: Extra,
}

deserialize_with_extra!(ContactName, "a contact name",
required {},
optional {
    "givenName" => given_name,
    "familyName" => family_name,
    "middleName" => middle_name,
    "formatted" => formatted,
});

deserialize_with_extra!(ContactEmail, "a contact email",
    required { "value" => value },
    optional { "type" => kind, "primary" => primary });

deserialize_with_extra!(ContactPhoneNumber, "a contact phone number",
    required { "value" => value },
    optional { "type" => kind });

deserialize_with_extra!(ContactAddress, "a contact address",
required {},
optional {
    "type" => kind,
    "formatted" => formatted,
    "streetAddress" => street_address,
    "locality" => locality,
    "region" => region,
    "postalCode" => postal_code,
    "country" => country,
});

deserialize_with_extra!(ContactOrganization, "a contact organization",
    required { "name" => name },
    optional { "title" => title });

deserialize_with_extra!(Contact, "a contact",
required { "id" => id },
optional {
    "@odata.etag" => etag,
    "displayName" => display_name,
    "name" => name,
    "nickname" => nickname,
    "emails" => emails,
    "phoneNumbers" => phone_numbers,
    "addresses" => addresses,
    "organizations" => organizations,
    "birthday" => birthday via super::time::OptDate,
    "note" => note,
    "tags" => tags,
    "isFriend" => is_friend,
    "friendId" => friend_id,
    "published" => published via super::time::OptUtc,
    "updated" => updated via super::time::OptUtc,
});

/// A new contact (`POST /v1/me/contacts`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(rename_all = "camelCase")]
pub struct NewContact {
    /// Display name (required, 1..256 characters).
    pub display_name: String,
    /// Name parts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<ContactName>,
    /// Nickname.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nickname: Option<String>,
    /// Email addresses (≤ 20).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub emails: Vec<ContactEmail>,
    /// Phone numbers (≤ 20).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub phone_numbers: Vec<ContactPhoneNumber>,
    /// Postal addresses (≤ 10).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub addresses: Vec<ContactAddress>,
    /// Organizations (≤ 10).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub organizations: Vec<ContactOrganization>,
    /// Birthday.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "super::time::opt_date"
    )]
    pub birthday: Option<NaiveDate>,
    /// Note (≤ 5000 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Tags (≤ 50).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
}

impl NewContact {
    /// A contact with just a display name.
    pub fn new(display_name: impl Into<String>) -> NewContact {
        NewContact {
            display_name: display_name.into(),
            ..NewContact::default()
        }
    }
}

/// Merge-patch of a contact's name: `Some(None)` removes a part.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(rename_all = "camelCase")]
pub struct ContactNameUpdate {
    /// Given name.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "super::double_option::deserialize"
    )]
    pub given_name: Option<Option<String>>,
    /// Family name.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "super::double_option::deserialize"
    )]
    pub family_name: Option<Option<String>>,
    /// Middle name.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "super::double_option::deserialize"
    )]
    pub middle_name: Option<Option<String>>,
    /// Formatted name.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "super::double_option::deserialize"
    )]
    pub formatted: Option<Option<String>>,
}

/// Merge-patch of a contact (`PATCH /v1/me/contacts/{id}`): `None` leaves a field as it
/// is, `Some(None)` clears a nullable field, lists replace the stored list whole.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(rename_all = "camelCase")]
pub struct ContactUpdate {
    /// Display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// Name parts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<ContactNameUpdate>,
    /// Nickname.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "super::double_option::deserialize"
    )]
    pub nickname: Option<Option<String>>,
    /// Email addresses.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub emails: Option<Vec<ContactEmail>>,
    /// Phone numbers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone_numbers: Option<Vec<ContactPhoneNumber>>,
    /// Postal addresses.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub addresses: Option<Vec<ContactAddress>>,
    /// Organizations.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organizations: Option<Vec<ContactOrganization>>,
    /// Birthday.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "super::double_option::deserialize"
    )]
    pub birthday: Option<Option<NaiveDate>>,
    /// Note.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "super::double_option::deserialize"
    )]
    pub note: Option<Option<String>>,
    /// Tags.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<String>>,
}

/// A Portable Contacts 1.0 response (`/portablecontacts/@me/@all`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(rename_all = "camelCase")]
pub struct PocoPage {
    /// 1-based index of the first entry.
    pub start_index: u64,
    /// Entries in this response.
    pub items_per_page: u64,
    /// Matching entries in all.
    pub total_results: u64,
    /// The contacts.
    #[serde(default)]
    pub entry: Vec<Contact>,
    /// Unknown fields.
    #[serde(flatten)]
    pub extra: Extra,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contacts_decode_known_fields_and_keep_unknown_ones() {
        let c: Contact = serde_json::from_str(
            r#"{"@odata.etag":"W/\"3\"","id":"c1","displayName":"Ann \"A\"","nickname":null,
                "name":{"givenName":"Ann","x-name":1},
                "emails":[{"value":"a@example.com","type":"home","primary":true,"x":[1]}],
                "phoneNumbers":[{"value":"+1"}],"organizations":[{"name":"Acme","title":"CTO"}],
                "birthday":"1990-02-03","tags":["t"],"isFriend":true,"friendId":"u1",
                "updated":"2026-01-01T00:00:00Z","x-custom":{"a":true}}"#,
        )
        .unwrap();
        assert_eq!(c.id, "c1");
        assert_eq!(c.etag.as_deref(), Some("W/\"3\""));
        assert_eq!(c.display_name, "Ann \"A\"");
        assert_eq!(c.nickname, None);
        assert_eq!(c.name.given_name.as_deref(), Some("Ann"));
        assert_eq!(c.name.extra["x-name"], 1);
        assert_eq!(c.emails[0].kind.as_deref(), Some("home"));
        assert_eq!(c.emails[0].extra["x"], serde_json::json!([1]));
        assert_eq!(c.organizations[0].title.as_deref(), Some("CTO"));
        assert_eq!(c.birthday, NaiveDate::from_ymd_opt(1990, 2, 3));
        assert!(c.is_friend);
        assert_eq!(c.extra["x-custom"], serde_json::json!({"a": true}));
        // Round trip: the wire form keeps the unknown fields.
        let back: Contact = serde_json::from_value(serde_json::to_value(&c).unwrap()).unwrap();
        assert_eq!(back, c);
    }

    #[test]
    fn contacts_need_an_id_and_well_typed_fields() {
        let missing = serde_json::from_str::<Contact>(r#"{"displayName":"A"}"#).unwrap_err();
        assert!(
            missing.to_string().contains("missing field `id`"),
            "{missing}"
        );
        assert!(serde_json::from_str::<Contact>(r#"{"id":"c","isFriend":"yes"}"#).is_err());
        assert!(serde_json::from_str::<ContactEmail>(r#"{"type":"home"}"#).is_err());
        assert!(serde_json::from_str::<Contact>(r#"["c"]"#).is_err());
    }
}

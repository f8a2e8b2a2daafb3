//! Contacts (Portable Contacts fields): the resource, create and merge-patch bodies, the
//! Portable Contacts envelope, and delta sync pages.

use std::time::SystemTime;

use chrono::NaiveDate;
use messenger_connect::models as m;

use super::time::opt;
use crate::errors::{MessengerConnectError, Result};

/// A date as `YYYY-MM-DD`.
fn date_text(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// `YYYY-MM-DD` as a date (`name` is the field, for the error).
fn parse_date(name: &str, text: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map_err(|_| MessengerConnectError::invalid(name, "must be a date as YYYY-MM-DD"))
}

/// An empty string as "clear the field" (`Some(None)`), any other as the new value.
fn clearable(value: Option<String>) -> Option<Option<String>> {
    value.map(|v| (!v.is_empty()).then_some(v))
}

/// Name parts of a contact.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct ContactName {
    /// Given name.
    pub given_name: Option<String>,
    /// Family name.
    pub family_name: Option<String>,
    /// Middle name.
    pub middle_name: Option<String>,
    /// The whole name, formatted.
    pub formatted: Option<String>,
}

impl From<m::ContactName> for ContactName {
    fn from(n: m::ContactName) -> Self {
        ContactName {
            given_name: n.given_name,
            family_name: n.family_name,
            middle_name: n.middle_name,
            formatted: n.formatted,
        }
    }
}

impl From<ContactName> for m::ContactName {
    fn from(n: ContactName) -> Self {
        m::ContactName {
            given_name: n.given_name,
            family_name: n.family_name,
            middle_name: n.middle_name,
            formatted: n.formatted,
            ..Default::default()
        }
    }
}

/// An email address of a contact.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct ContactEmail {
    /// The address.
    pub value: String,
    /// `home`, `work` or `other` (the server's default: `other`).
    pub kind: Option<String>,
    /// The primary address.
    pub primary: Option<bool>,
}

impl From<m::ContactEmail> for ContactEmail {
    fn from(e: m::ContactEmail) -> Self {
        ContactEmail {
            value: e.value,
            kind: e.kind,
            primary: e.primary,
        }
    }
}

impl From<ContactEmail> for m::ContactEmail {
    fn from(e: ContactEmail) -> Self {
        m::ContactEmail {
            value: e.value,
            kind: e.kind,
            primary: e.primary,
            ..Default::default()
        }
    }
}

/// A phone number of a contact.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct ContactPhoneNumber {
    /// The number.
    pub value: String,
    /// `mobile`, `home`, `work` or `other` (the server's default: `mobile`).
    pub kind: Option<String>,
}

impl From<m::ContactPhoneNumber> for ContactPhoneNumber {
    fn from(p: m::ContactPhoneNumber) -> Self {
        ContactPhoneNumber {
            value: p.value,
            kind: p.kind,
        }
    }
}

impl From<ContactPhoneNumber> for m::ContactPhoneNumber {
    fn from(p: ContactPhoneNumber) -> Self {
        m::ContactPhoneNumber {
            value: p.value,
            kind: p.kind,
            ..Default::default()
        }
    }
}

/// A postal address of a contact.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct ContactAddress {
    /// `home`, `work` or `other`.
    pub kind: Option<String>,
    /// The whole address, formatted.
    pub formatted: Option<String>,
    /// Street.
    pub street_address: Option<String>,
    /// City.
    pub locality: Option<String>,
    /// Region or state.
    pub region: Option<String>,
    /// Postal code.
    pub postal_code: Option<String>,
    /// Country.
    pub country: Option<String>,
}

impl From<m::ContactAddress> for ContactAddress {
    fn from(a: m::ContactAddress) -> Self {
        ContactAddress {
            kind: a.kind,
            formatted: a.formatted,
            street_address: a.street_address,
            locality: a.locality,
            region: a.region,
            postal_code: a.postal_code,
            country: a.country,
        }
    }
}

impl From<ContactAddress> for m::ContactAddress {
    fn from(a: ContactAddress) -> Self {
        m::ContactAddress {
            kind: a.kind,
            formatted: a.formatted,
            street_address: a.street_address,
            locality: a.locality,
            region: a.region,
            postal_code: a.postal_code,
            country: a.country,
            ..Default::default()
        }
    }
}

/// An organization a contact belongs to.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct ContactOrganization {
    /// Organization name.
    pub name: String,
    /// Job title.
    pub title: Option<String>,
}

impl From<m::ContactOrganization> for ContactOrganization {
    fn from(o: m::ContactOrganization) -> Self {
        ContactOrganization {
            name: o.name,
            title: o.title,
        }
    }
}

impl From<ContactOrganization> for m::ContactOrganization {
    fn from(o: ContactOrganization) -> Self {
        m::ContactOrganization {
            name: o.name,
            title: o.title,
            ..Default::default()
        }
    }
}

fn conv<A, B: From<A>>(items: Vec<A>) -> Vec<B> {
    items.into_iter().map(B::from).collect()
}

/// A contact of the user's address book. With `$select`, only the selected fields (and
/// `id`, `etag`) are filled.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct Contact {
    /// Version, for `if_match`.
    pub etag: Option<String>,
    /// Contact id.
    pub id: String,
    /// Display name.
    pub display_name: String,
    /// Name parts.
    pub name: ContactName,
    /// Nickname.
    pub nickname: Option<String>,
    /// Email addresses.
    pub emails: Vec<ContactEmail>,
    /// Phone numbers.
    pub phone_numbers: Vec<ContactPhoneNumber>,
    /// Postal addresses.
    pub addresses: Vec<ContactAddress>,
    /// Organizations.
    pub organizations: Vec<ContactOrganization>,
    /// Birthday, `YYYY-MM-DD`.
    pub birthday: Option<String>,
    /// Free-form note.
    pub note: Option<String>,
    /// Tags.
    pub tags: Vec<String>,
    /// The contact is also a friend.
    pub is_friend: bool,
    /// The friend's user id, when `is_friend`.
    pub friend_id: Option<String>,
    /// Creation time.
    pub published: Option<SystemTime>,
    /// Last change.
    pub updated: Option<SystemTime>,
}

impl From<m::Contact> for Contact {
    fn from(c: m::Contact) -> Self {
        Contact {
            etag: c.etag,
            id: c.id,
            display_name: c.display_name,
            name: c.name.into(),
            nickname: c.nickname,
            emails: conv(c.emails),
            phone_numbers: conv(c.phone_numbers),
            addresses: conv(c.addresses),
            organizations: conv(c.organizations),
            birthday: c.birthday.map(date_text),
            note: c.note,
            tags: c.tags,
            is_friend: c.is_friend,
            friend_id: c.friend_id,
            published: opt(c.published),
            updated: opt(c.updated),
        }
    }
}

/// A new contact (`POST /v1/me/contacts`); empty lists are not sent.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct NewContact {
    /// Display name (required, 1..256 characters).
    pub display_name: String,
    /// Name parts.
    pub name: Option<ContactName>,
    /// Nickname.
    pub nickname: Option<String>,
    /// Email addresses (≤ 20).
    pub emails: Vec<ContactEmail>,
    /// Phone numbers (≤ 20).
    pub phone_numbers: Vec<ContactPhoneNumber>,
    /// Postal addresses (≤ 10).
    pub addresses: Vec<ContactAddress>,
    /// Organizations (≤ 10).
    pub organizations: Vec<ContactOrganization>,
    /// Birthday, `YYYY-MM-DD`.
    pub birthday: Option<String>,
    /// Note (≤ 5000 characters).
    pub note: Option<String>,
    /// Tags (≤ 50).
    pub tags: Vec<String>,
}

impl TryFrom<NewContact> for m::NewContact {
    type Error = MessengerConnectError;

    fn try_from(c: NewContact) -> Result<Self> {
        Ok(m::NewContact {
            display_name: c.display_name,
            name: c.name.map(Into::into),
            nickname: c.nickname,
            emails: conv(c.emails),
            phone_numbers: conv(c.phone_numbers),
            addresses: conv(c.addresses),
            organizations: conv(c.organizations),
            birthday: c.birthday.map(|b| parse_date("birthday", &b)).transpose()?,
            note: c.note,
            tags: c.tags,
        })
    }
}

/// Merge-patch of a contact's name: `None` leaves a part as it is, an empty string
/// removes it.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct ContactNameUpdate {
    /// Given name.
    pub given_name: Option<String>,
    /// Family name.
    pub family_name: Option<String>,
    /// Middle name.
    pub middle_name: Option<String>,
    /// Formatted name.
    pub formatted: Option<String>,
}

/// Merge-patch of a contact (`PATCH /v1/me/contacts/{id}`): `None` leaves a field as it
/// is; for `nickname`, `birthday` and `note` an empty string clears the field; lists
/// replace the stored list whole.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct ContactUpdate {
    /// Display name.
    pub display_name: Option<String>,
    /// Name parts.
    pub name: Option<ContactNameUpdate>,
    /// Nickname (empty: clear).
    pub nickname: Option<String>,
    /// Email addresses.
    pub emails: Option<Vec<ContactEmail>>,
    /// Phone numbers.
    pub phone_numbers: Option<Vec<ContactPhoneNumber>>,
    /// Postal addresses.
    pub addresses: Option<Vec<ContactAddress>>,
    /// Organizations.
    pub organizations: Option<Vec<ContactOrganization>>,
    /// Birthday, `YYYY-MM-DD` (empty: clear).
    pub birthday: Option<String>,
    /// Note (empty: clear).
    pub note: Option<String>,
    /// Tags.
    pub tags: Option<Vec<String>>,
}

impl TryFrom<ContactUpdate> for m::ContactUpdate {
    type Error = MessengerConnectError;

    fn try_from(u: ContactUpdate) -> Result<Self> {
        let birthday = match clearable(u.birthday) {
            None => None,
            Some(None) => Some(None),
            Some(Some(b)) => Some(Some(parse_date("birthday", &b)?)),
        };
        Ok(m::ContactUpdate {
            display_name: u.display_name,
            name: u.name.map(|n| m::ContactNameUpdate {
                given_name: clearable(n.given_name),
                family_name: clearable(n.family_name),
                middle_name: clearable(n.middle_name),
                formatted: clearable(n.formatted),
            }),
            nickname: clearable(u.nickname),
            emails: u.emails.map(conv),
            phone_numbers: u.phone_numbers.map(conv),
            addresses: u.addresses.map(conv),
            organizations: u.organizations.map(conv),
            birthday,
            note: clearable(u.note),
            tags: u.tags,
        })
    }
}

/// A Portable Contacts 1.0 response (`/portablecontacts/@me/@all`).
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct PocoPage {
    /// 1-based index of the first entry.
    pub start_index: u64,
    /// Entries in this response.
    pub items_per_page: u64,
    /// Matching entries in all.
    pub total_results: u64,
    /// The contacts.
    pub entry: Vec<Contact>,
}

impl From<m::PocoPage> for PocoPage {
    fn from(p: m::PocoPage) -> Self {
        PocoPage {
            start_index: p.start_index,
            items_per_page: p.items_per_page,
            total_results: p.total_results,
            entry: conv(p.entry),
        }
    }
}

/// One change of a delta round.
#[derive(Debug, Clone, PartialEq, uniffi::Enum)]
pub enum DeltaChange {
    /// The contact was created or changed: here it is as it is now.
    Upsert {
        /// The contact.
        contact: Contact,
    },
    /// The contact was removed.
    Removed {
        /// Its id.
        id: String,
        /// Why (`deleted`).
        reason: String,
    },
}

impl From<messenger_connect::DeltaChange<m::Contact>> for DeltaChange {
    fn from(c: messenger_connect::DeltaChange<m::Contact>) -> Self {
        match c {
            messenger_connect::DeltaChange::Upsert(contact) => DeltaChange::Upsert {
                contact: contact.into(),
            },
            messenger_connect::DeltaChange::Removed { id, reason } => {
                DeltaChange::Removed { id, reason }
            }
        }
    }
}

/// One page of a delta round: follow `next_link` while there is one; the last page has
/// `delta_link`, the link to store for the next round.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct DeltaPage {
    /// The changes of this page.
    pub changes: Vec<DeltaChange>,
    /// The next page of this round.
    pub next_link: Option<String>,
    /// The link for the next round (last page only).
    pub delta_link: Option<String>,
}

impl From<messenger_connect::Page<messenger_connect::DeltaChange<m::Contact>>> for DeltaPage {
    fn from(p: messenger_connect::Page<messenger_connect::DeltaChange<m::Contact>>) -> Self {
        DeltaPage {
            changes: conv(p.items),
            next_link: p.next_link,
            delta_link: p.delta_link,
        }
    }
}

/// The changes of a whole delta round, and the link to call next time.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct DeltaSync {
    /// Created or changed contacts, as they are now.
    pub upserts: Vec<Contact>,
    /// Ids of removed contacts.
    pub removed: Vec<String>,
    /// The link for the next round.
    pub delta_link: String,
}

impl From<messenger_connect::DeltaSync<m::Contact>> for DeltaSync {
    fn from(d: messenger_connect::DeltaSync<m::Contact>) -> Self {
        DeltaSync {
            upserts: conv(d.upserts),
            removed: d.removed,
            delta_link: d.delta_link,
        }
    }
}

//! `validate()` of every request body the client sends: the checks the client makes
//! before any request (limits from [`crate::limits`], known enum values, the rules
//! DESIGN §2.8 states), public so that a binding can check its arguments synchronously.
//! Each failure is [`Error::InvalidArgument`] naming the field (Rust names, snake_case).

use crate::error::{Error, Result, check_id};
use crate::limits::{self, check_http_url, check_not_blank};
use crate::models::{
    ActivityType, AddressType, ContactAddress, ContactEmail, ContactOrganization,
    ContactPhoneNumber, ContactUpdate, EmailType, NewActivity, NewContact, NewInvitation,
    NewMessage, PhoneType, StatusUpdate,
};

impl StatusUpdate {
    /// At least one of message and presence; a message of at most 280 characters; a
    /// known presence.
    pub fn validate(&self) -> Result<()> {
        if self.message.is_none() && self.presence.is_none() {
            return Err(Error::invalid(
                "update",
                "give a message, a presence, or both",
            ));
        }
        if let Some(m) = &self.message {
            limits::STATUS_MESSAGE.check_chars("message", m)?;
        }
        if let Some(p) = &self.presence {
            p.check("presence")?;
        }
        Ok(())
    }
}

impl NewInvitation {
    /// Exactly one of email (an address) and contact id; a message of at most 500
    /// characters.
    pub fn validate(&self) -> Result<()> {
        match (&self.email, &self.contact_id) {
            (Some(_), Some(_)) => {
                return Err(Error::invalid(
                    "invitation",
                    "give either an email or a contact id, not both",
                ));
            }
            (None, None) => {
                return Err(Error::invalid(
                    "invitation",
                    "an email or a contact id is required",
                ));
            }
            (Some(email), None) => check_email("email", email)?,
            (None, Some(id)) => check_id("contact_id", id)?,
        }
        if let Some(m) = &self.message {
            limits::INVITATION_MESSAGE.check_chars("message", m)?;
        }
        Ok(())
    }
}

impl NewActivity {
    /// A known type; content ≤ 5000 and name ≤ 280 characters; `http`/`https` URLs; a
    /// `Note` with content, a `Share` with a URL.
    pub fn validate(&self) -> Result<()> {
        self.kind.check("kind")?;
        if let Some(c) = &self.content {
            limits::ACTIVITY_CONTENT.check_chars("content", c)?;
        }
        if let Some(n) = &self.name {
            limits::ACTIVITY_NAME.check_chars("name", n)?;
        }
        if let Some(u) = &self.url {
            check_http_url("url", u)?;
        }
        if let Some(i) = &self.image {
            check_http_url("image", &i.url)?;
        }
        match self.kind {
            ActivityType::Note if self.content.as_deref().is_none_or(|c| c.trim().is_empty()) => {
                Err(Error::invalid("content", "a Note needs content"))
            }
            ActivityType::Share if self.url.is_none() => {
                Err(Error::invalid("url", "a Share needs a url"))
            }
            _ => Ok(()),
        }
    }
}

impl NewMessage {
    /// A text of 1 to 4000 characters, not only white space; a client message id, if
    /// given, of 1 to 100 characters.
    pub fn validate(&self) -> Result<()> {
        check_text(limits::MESSAGE_TEXT, "text", &self.text)?;
        if let Some(id) = &self.client_message_id {
            limits::CLIENT_MESSAGE_ID.check_chars("client_message_id", id)?;
        }
        Ok(())
    }
}

impl NewContact {
    /// A display name of 1 to 256 characters, not only white space; a note of at most
    /// 5000 characters; at most 20 emails and phone numbers, 10 addresses and
    /// organizations, 50 tags of at most 64 characters; known email, phone and address
    /// types. (The server checks the rest, e.g. that an email is an address.)
    pub fn validate(&self) -> Result<()> {
        check_contact(
            Some(&self.display_name),
            self.note.as_deref(),
            Some(&self.emails),
            Some(&self.phone_numbers),
            Some(&self.addresses),
            Some(&self.organizations),
            Some(&self.tags),
        )
    }
}

impl ContactUpdate {
    /// The rules of [`NewContact::validate`], for the fields present.
    pub fn validate(&self) -> Result<()> {
        check_contact(
            self.display_name.as_ref(),
            self.note.as_ref().and_then(Option::as_deref),
            self.emails.as_ref(),
            self.phone_numbers.as_ref(),
            self.addresses.as_ref(),
            self.organizations.as_ref(),
            self.tags.as_ref(),
        )
    }
}

/// The fields of a contact (new, or a merge-patch's fields present).
fn check_contact(
    display_name: Option<&String>,
    note: Option<&str>,
    emails: Option<&Vec<ContactEmail>>,
    phones: Option<&Vec<ContactPhoneNumber>>,
    addresses: Option<&Vec<ContactAddress>>,
    organizations: Option<&Vec<ContactOrganization>>,
    tags: Option<&Vec<String>>,
) -> Result<()> {
    if let Some(name) = display_name {
        check_text(limits::CONTACT_DISPLAY_NAME, "display_name", name)?;
    }
    if let Some(note) = note {
        limits::CONTACT_NOTE.check_chars("note", note)?;
    }
    check_list("emails", emails, limits::CONTACT_EMAILS, |e| {
        e.kind
            .as_deref()
            .map_or(Ok(()), |k| EmailType::from(k).check("emails.type"))
    })?;
    check_list(
        "phone_numbers",
        phones,
        limits::CONTACT_PHONE_NUMBERS,
        |p| {
            p.kind
                .as_deref()
                .map_or(Ok(()), |k| PhoneType::from(k).check("phone_numbers.type"))
        },
    )?;
    check_list("addresses", addresses, limits::CONTACT_ADDRESSES, |a| {
        a.kind
            .as_deref()
            .map_or(Ok(()), |k| AddressType::from(k).check("addresses.type"))
    })?;
    check_list(
        "organizations",
        organizations,
        limits::CONTACT_ORGANIZATIONS,
        |_| Ok(()),
    )?;
    check_list("tags", tags, limits::CONTACT_TAGS, |t| {
        limits::CONTACT_TAG.check_chars("tags", t)
    })
}

/// A text within `length` that is not only white space.
fn check_text(length: limits::Length, name: &str, text: &str) -> Result<()> {
    length.check_chars(name, text)?;
    check_not_blank(name, text)
}

/// A list, if given: at most `limit` items, each passing `item`.
fn check_list<T>(
    name: &str,
    list: Option<&Vec<T>>,
    limit: limits::Length,
    item: impl Fn(&T) -> Result<()>,
) -> Result<()> {
    let Some(list) = list else {
        return Ok(());
    };
    limit.check_items(name, list.len())?;
    list.iter().try_for_each(item)
}

/// Something that looks like an email address: `local@domain`, no white space.
fn check_email(name: &str, email: &str) -> Result<()> {
    let valid = email
        .split_once('@')
        .is_some_and(|(a, b)| !a.is_empty() && !b.is_empty())
        && !email.chars().any(|c| c.is_whitespace() || c.is_control());
    if valid {
        Ok(())
    } else {
        Err(Error::invalid(name, "not an email address"))
    }
}

/// The other members of a new conversation: 1 to 50 user ids.
pub(crate) fn check_members(members: &[&str]) -> Result<()> {
    if members.is_empty() {
        return Err(Error::invalid("members", "name at least one other user"));
    }
    limits::CONVERSATION_MEMBERS.check_items("members", members.len())?;
    for m in members {
        check_id("members", m)?;
    }
    Ok(())
}

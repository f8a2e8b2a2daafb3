//! The API's limits, in one place: lengths of texts and sizes of lists the client checks
//! before sending (so bad input fails with [`Error::InvalidArgument`] naming the argument,
//! before any request). Each one is the spec's `minLength`/`maxLength`/`maxItems` (or
//! DESIGN's limit) of the field named in its doc; `tests/vocabulary.rs` compares them with
//! `spec/openapi.yaml`, so they are never written twice by hand.

use crate::error::{Error, Result};

/// An inclusive range of lengths (characters of a text, or items of a list).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Length {
    /// The least length.
    pub min: usize,
    /// The greatest length.
    pub max: usize,
}

impl Length {
    /// `0..=max`.
    pub const fn max(max: usize) -> Length {
        Length { min: 0, max }
    }

    /// `min..=max`.
    pub const fn between(min: usize, max: usize) -> Length {
        Length { min, max }
    }

    /// Refuses a text of fewer than `min` or more than `max` characters (Unicode scalar
    /// values, as JSON Schema counts them).
    pub fn check_chars(&self, name: &str, text: &str) -> Result<()> {
        let n = text.chars().count();
        self.check(name, n, "characters")
    }

    /// Refuses a list of fewer than `min` or more than `max` items.
    pub fn check_items(&self, name: &str, n: usize) -> Result<()> {
        self.check(name, n, "items")
    }

    fn check(&self, name: &str, n: usize, unit: &str) -> Result<()> {
        if (self.min..=self.max).contains(&n) {
            return Ok(());
        }
        let message = match (self.min, n < self.min) {
            (1, true) => "must not be empty".to_string(),
            (0, _) => format!("must be at most {} {unit}", self.max),
            _ => format!("must be {} to {} {unit}", self.min, self.max),
        };
        Err(Error::invalid(name, message))
    }
}

/// A status message (`StatusUpdate.message`).
pub const STATUS_MESSAGE: Length = Length::max(280);
/// A contact's display name (`ContactCreate.displayName`, `ContactUpdate.displayName`).
pub const CONTACT_DISPLAY_NAME: Length = Length::between(1, 256);
/// A contact's note (`ContactCreate.note`).
pub const CONTACT_NOTE: Length = Length::max(5000);
/// A contact's email addresses (`ContactCreate.emails`).
pub const CONTACT_EMAILS: Length = Length::max(20);
/// A contact's phone numbers (`ContactCreate.phoneNumbers`).
pub const CONTACT_PHONE_NUMBERS: Length = Length::max(20);
/// A contact's postal addresses (`ContactCreate.addresses`).
pub const CONTACT_ADDRESSES: Length = Length::max(10);
/// A contact's organizations (`ContactCreate.organizations`).
pub const CONTACT_ORGANIZATIONS: Length = Length::max(10);
/// A contact's tags (`ContactCreate.tags`).
pub const CONTACT_TAGS: Length = Length::max(50);
/// One tag of a contact (`ContactCreate.tags[]`).
pub const CONTACT_TAG: Length = Length::max(64);
/// The message of an invitation (`InvitationCreate.message`).
pub const INVITATION_MESSAGE: Length = Length::max(500);
/// An activity's text (`ActivityCreate.content`).
pub const ACTIVITY_CONTENT: Length = Length::max(5000);
/// An activity's title (`ActivityCreate.name`).
pub const ACTIVITY_NAME: Length = Length::max(280);
/// A link of an activity (`ActivityCreate.url`, `ActivityCreate.image.url`).
pub const ACTIVITY_URL: Length = Length::max(2048);
/// The other members of a new conversation (`ConversationCreate.members`).
pub const CONVERSATION_MEMBERS: Length = Length::between(1, 50);
/// A chat message's text (`MessageCreate.text`).
pub const MESSAGE_TEXT: Length = Length::between(1, 4000);
/// The caller's id of a chat message (`MessageCreate.clientMessageId`).
pub const CLIENT_MESSAGE_ID: Length = Length::between(1, 100);
/// The id of a batch item (`BatchRequestItem.id`).
pub const BATCH_ITEM_ID: Length = Length::between(1, 64);
/// Longest `url` of a batch item, in characters (`BatchRequestItem.url`).
pub const BATCH_URL_CHARS: usize = 8192;
/// An `Idempotency-Key` header (the `IdempotencyKey` parameter).
pub const IDEMPOTENCY_KEY: Length = Length::between(1, 255);

/// Largest request body the server accepts (DESIGN §2.6: larger bodies are 413).
pub const MAX_BODY_BYTES: usize = 1024 * 1024;
/// Longest `$filter` the server accepts, in characters (the mock's `MAX_FILTER_LEN`);
/// a longer one is refused before any request.
pub const MAX_FILTER_CHARS: usize = 2000;
/// Deepest nesting of a filter (`and`/`or`/`not`/`any`) the client builds or accepts
/// from JSON (the server's parser allows 50 levels of parentheses and functions).
pub const MAX_FILTER_DEPTH: usize = 32;
/// Longest `$search` text, in characters.
pub const MAX_SEARCH_CHARS: usize = 1000;
/// Most `$orderby` keys or `$select` properties of a query.
pub const MAX_QUERY_FIELDS: usize = 64;

/// Refuses a text that is not an absolute `http` or `https` URL with a host, or longer
/// than [`ACTIVITY_URL`].
pub(crate) fn check_http_url(name: &str, value: &str) -> Result<()> {
    ACTIVITY_URL.check_chars(name, value)?;
    match url::Url::parse(value) {
        Ok(u) if matches!(u.scheme(), "http" | "https") && u.host().is_some() => Ok(()),
        _ => Err(Error::invalid(name, "must be an http or https URL")),
    }
}

/// Refuses an `Idempotency-Key` of the caller's that is not 1 to 255 visible ASCII
/// characters.
pub(crate) fn check_idempotency_key(key: &str) -> Result<()> {
    if IDEMPOTENCY_KEY.check_chars("idempotency_key", key).is_err()
        || !key.bytes().all(|b| b.is_ascii_graphic())
    {
        return Err(Error::invalid(
            "idempotency_key",
            "must be 1 to 255 visible ASCII characters",
        ));
    }
    Ok(())
}

/// Refuses a text that is empty or only white space.
pub(crate) fn check_not_blank(name: &str, value: &str) -> Result<()> {
    if value.trim().is_empty() {
        return Err(Error::invalid(name, "must not be empty"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths_count_characters_and_say_the_range() {
        assert!(MESSAGE_TEXT.check_chars("text", &"é".repeat(4000)).is_ok());
        let err = MESSAGE_TEXT
            .check_chars("text", &"é".repeat(4001))
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid argument `text`: must be 1 to 4000 characters"
        );
        let err = MESSAGE_TEXT.check_chars("text", "").unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid argument `text`: must not be empty"
        );
        let err = CONTACT_TAGS.check_items("tags", 51).unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid argument `tags`: must be at most 50 items"
        );
        assert!(check_http_url("url", &format!("https://a.example/{}", "x".repeat(2048))).is_err());
        assert!(check_idempotency_key("k 1").is_err());
        assert!(check_idempotency_key("k-1").is_ok());
    }
}

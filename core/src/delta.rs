//! Delta sync: what changed since a delta link, as upserts and removals.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::paging::ItemStream;

/// One change of a delta round.
#[derive(Debug, Clone, PartialEq)]
pub enum DeltaChange<T> {
    /// The item was created or changed: here it is as it is now.
    Upsert(T),
    /// The item was removed.
    Removed {
        /// Its id.
        id: String,
        /// Why (`deleted`).
        reason: String,
    },
}

/// Serialized as the server sends it: the item, or `{"id", "@removed": {"reason"}}`.
impl<T: Serialize> Serialize for DeltaChange<T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        match self {
            DeltaChange::Upsert(item) => item.serialize(s),
            DeltaChange::Removed { id, reason } => serde_json::json!({
                "id": id,
                "@removed": { "reason": reason },
            })
            .serialize(s),
        }
    }
}

/// An item a delta round carries. A removal stub `{"id", "@removed": {"reason"}}` must
/// decode as the item itself (only `id` required, unknown fields kept), so that each
/// change is decoded once, straight into `T`, and told apart afterwards by its
/// `@removed` field (no buffering of the item's text, no intermediate JSON value).
pub trait DeltaItem: DeserializeOwned {
    /// Takes the `@removed` annotation out of a decoded item: `Some(reason)` for a
    /// removal stub (`deleted` when the stub gives none), `None` for an upsert.
    fn take_removed(&mut self) -> Option<String>;
    /// The item's id (what a removal reports).
    fn into_id(self) -> String;
}

impl DeltaItem for crate::models::Contact {
    fn take_removed(&mut self) -> Option<String> {
        if self
            .extra
            .get("@removed")
            .is_none_or(serde_json::Value::is_null)
        {
            return None;
        }
        let removed = self.extra.remove("@removed")?;
        let reason = removed.get("reason").and_then(serde_json::Value::as_str);
        Some(reason.unwrap_or("deleted").to_string())
    }

    fn into_id(self) -> String {
        self.id
    }
}

/// Decodes an item straight into `T`; a removal stub becomes [`DeltaChange::Removed`].
impl<'de, T: DeltaItem> Deserialize<'de> for DeltaChange<T> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let mut item = T::deserialize(d)?;
        Ok(match item.take_removed() {
            Some(reason) => DeltaChange::Removed {
                id: item.into_id(),
                reason,
            },
            None => DeltaChange::Upsert(item),
        })
    }
}

/// The changes of a whole delta round, and the link to call next time.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DeltaSync<T> {
    /// Created or changed items, as they are now.
    pub upserts: Vec<T>,
    /// Ids of removed items.
    pub removed: Vec<String>,
    /// Call this link (with [`crate::Client::sync_contacts`]) for the next changes.
    pub delta_link: String,
}

/// A stream of the changes of a delta round; after its end, [`ItemStream::delta_link`]
/// is the link for the next round. A link too old is [`crate::Error::ResyncRequired`].
pub type DeltaStream<T> = ItemStream<DeltaChange<T>>;

/// Drains a delta stream.
pub(crate) async fn collect<T>(mut stream: DeltaStream<T>) -> Result<DeltaSync<T>>
where
    T: DeltaItem + Send + Unpin + 'static,
{
    use futures_util::StreamExt;
    let mut upserts = Vec::new();
    let mut removed = Vec::new();
    while let Some(change) = stream.next().await {
        match change? {
            DeltaChange::Upsert(item) => upserts.push(item),
            DeltaChange::Removed { id, .. } => removed.push(id),
        }
    }
    let delta_link =
        stream
            .delta_link()
            .map(str::to_string)
            .ok_or_else(|| crate::Error::Decode {
                status: 200,
                message: "the last delta page has no @odata.deltaLink".into(),
                request_id: None,
            })?;
    Ok(DeltaSync {
        upserts,
        removed,
        delta_link,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::Contact;

    fn decode(text: &str) -> DeltaChange<Contact> {
        serde_json::from_str(text).expect("decodes")
    }

    #[test]
    fn items_and_removal_stubs() {
        match decode(r#"{"id":"c1","displayName":"Ann","updated":"2026-01-01T00:00:00Z"}"#) {
            DeltaChange::Upsert(c) => {
                assert_eq!((c.id.as_str(), c.display_name.as_str()), ("c1", "Ann"))
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(
            decode(r#"{"id":"c2","@removed":{"reason":"deleted"}}"#),
            DeltaChange::Removed {
                id: "c2".into(),
                reason: "deleted".into()
            }
        );
        assert_eq!(
            decode(r#"{"@removed":{},"id":"c3"}"#),
            DeltaChange::Removed {
                id: "c3".into(),
                reason: "deleted".into()
            }
        );
        assert_eq!(
            decode(r#"{"id":"c6","@removed":{"reason":"changed"},"displayName":"x"}"#),
            DeltaChange::Removed {
                id: "c6".into(),
                reason: "changed".into()
            }
        );
        // `"@removed": null` is no removal (the field stays among the unknown ones).
        match decode(r#"{"id":"c7","@removed":null}"#) {
            DeltaChange::Upsert(c) => assert!(c.extra.contains_key("@removed")),
            other => panic!("{other:?}"),
        }
        // The text "@removed" as a value, quoted or inside a string, is not a removal.
        for text in [
            r#"{"id":"c4","displayName":"@removed","updated":"2026-01-01T00:00:00Z"}"#,
            r#"{"id":"c5","displayName":"say \"@removed\"","updated":"2026-01-01T00:00:00Z"}"#,
        ] {
            assert!(matches!(decode(text), DeltaChange::Upsert(_)), "{text}");
        }
        let err = serde_json::from_str::<DeltaChange<Contact>>(r#"{"@removed":{}}"#).unwrap_err();
        assert!(err.to_string().contains("id"), "{err}");
    }
}

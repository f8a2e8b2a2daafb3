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

/// Decodes an item straight into `T`, or a removal stub `{"id", "@removed": {"reason"}}`
/// (told apart by its `"@removed"` key; the text is looked at once before decoding, no
/// intermediate JSON value is built).
impl<'de, T: DeserializeOwned> Deserialize<'de> for DeltaChange<T> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        #[derive(Deserialize)]
        struct Removed {
            reason: Option<String>,
        }
        #[derive(Deserialize)]
        struct Stub {
            id: Option<String>,
            #[serde(rename = "@removed")]
            removed: Option<Removed>,
        }
        let raw = Box::<serde_json::value::RawValue>::deserialize(d)?;
        let text = raw.get();
        // A key is written `"@removed"`; inside a string value the quotes would be escaped.
        if text.contains("\"@removed\"") {
            let stub: Stub = serde_json::from_str(text).map_err(serde::de::Error::custom)?;
            if let Some(removed) = stub.removed {
                let id = stub
                    .id
                    .ok_or_else(|| serde::de::Error::missing_field("id"))?;
                return Ok(DeltaChange::Removed {
                    id,
                    reason: removed.reason.unwrap_or_else(|| "deleted".to_string()),
                });
            }
        }
        serde_json::from_str(text)
            .map(DeltaChange::Upsert)
            .map_err(serde::de::Error::custom)
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
    T: DeserializeOwned + Send + Unpin + 'static,
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

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

impl<'de, T: DeserializeOwned> Deserialize<'de> for DeltaChange<T> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let value = serde_json::Value::deserialize(d)?;
        if let Some(removed) = value.get("@removed") {
            let id = value
                .get("id")
                .and_then(|v| v.as_str())
                .ok_or_else(|| serde::de::Error::missing_field("id"))?;
            let reason = removed
                .get("reason")
                .and_then(|v| v.as_str())
                .unwrap_or("deleted");
            return Ok(DeltaChange::Removed {
                id: id.to_string(),
                reason: reason.to_string(),
            });
        }
        T::deserialize(value)
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

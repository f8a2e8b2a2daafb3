//! The OpenAPI document, embedded at build time and served at `/openapi.json`.
//!
//! It is also a source of truth at run time: the queryable properties of each
//! collection come from its component schema, so the spec and the `$filter` checks
//! cannot disagree.

use axum::body::Bytes;
use serde_json::Value;

use crate::odata::Schema;

/// The parsed document and what the server derives from it.
pub struct Spec {
    /// The document as JSON bytes, served as is.
    pub json: Bytes,
    /// Queryable properties of a contact.
    pub contact: Schema,
    /// Queryable properties of a friend.
    pub friend: Schema,
    /// Queryable properties of an invitation.
    pub invitation: Schema,
    /// Queryable properties of an activity.
    pub activity: Schema,
    /// Queryable properties of a conversation.
    pub conversation: Schema,
    /// Queryable properties of a message.
    pub message: Schema,
}

impl Spec {
    /// Parses the embedded YAML.
    pub fn load() -> Result<Spec, String> {
        let doc: Value =
            serde_norway::from_str(crate::OPENAPI_YAML).map_err(|e| format!("spec: {e}"))?;
        let contact = Schema::from_openapi(&doc, "Contact")?;
        let friend = Schema::from_openapi(&doc, "Friend")?;
        let invitation = Schema::from_openapi(&doc, "Invitation")?;
        let activity = Schema::from_openapi(&doc, "Activity")?;
        let conversation = Schema::from_openapi(&doc, "Conversation")?;
        let message = Schema::from_openapi(&doc, "Message")?;
        let json = serde_json::to_vec(&doc).map_err(|e| e.to_string())?;
        Ok(Spec {
            json: Bytes::from(json),
            contact,
            friend,
            invitation,
            activity,
            conversation,
            message,
        })
    }
}

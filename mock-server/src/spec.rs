//! The OpenAPI document, embedded at build time and served at `/openapi.json`.
//!
//! It is also a source of truth at run time: the queryable properties of each
//! collection come from its component schema, so the spec and the `$filter` checks
//! cannot disagree.

use axum::body::Bytes;
use serde_json::Value;

use crate::odata::Schema;

const YAML: &str = include_str!("../../spec/openapi.yaml");

/// The parsed document and what the server derives from it.
pub struct Spec {
    /// The document as JSON bytes, served as is.
    pub json: Bytes,
    /// Queryable properties of a contact.
    pub contact: Schema,
}

impl Spec {
    /// Parses the embedded YAML.
    pub fn load() -> Result<Spec, String> {
        let doc: Value = serde_norway::from_str(YAML).map_err(|e| format!("spec: {e}"))?;
        let contact = Schema::from_openapi(&doc, "Contact")?;
        let json = serde_json::to_vec(&doc).map_err(|e| e.to_string())?;
        Ok(Spec {
            json: Bytes::from(json),
            contact,
        })
    }
}

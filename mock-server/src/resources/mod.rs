//! The resource API under `/v1` and `/portablecontacts` (DESIGN §2.2).

pub mod contacts;
pub mod delta;
pub mod me;
pub mod permissions;
pub mod poco;

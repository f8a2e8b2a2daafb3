//! The resource API under `/v1` and `/portablecontacts` (DESIGN §2.2).

pub mod activities;
pub mod batch;
pub mod chat;
pub mod collection;
pub mod contacts;
pub mod delta;
pub mod events_ws;
pub mod friends;
pub mod invitations;
pub mod me;
pub mod permissions;
pub mod poco;
pub mod social;

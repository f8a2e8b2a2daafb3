//! A typed method for each endpoint of the contract (as `impl Client` blocks).

mod batch;
mod chat;
mod contacts;
mod events;
mod feed;
mod permissions;
mod poco;
mod profile;
mod social;

pub use batch::MAX_BATCH_ITEMS;
pub use events::{EventStream, EventsOptions, Typer};

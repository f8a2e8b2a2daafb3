//! A typed method for each endpoint of the contract (as `impl Client` blocks).

mod contacts;
mod permissions;
mod poco;
mod profile;

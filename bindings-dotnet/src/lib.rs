//! uniffi exports of the Messenger Connect client for the .NET binding.

uniffi::setup_scaffolding!("messenger_connect");

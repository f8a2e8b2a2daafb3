//! `uniffi-bindgen-dotnet`: writes the C# of a uniffi cdylib (placeholder).

fn main() {}

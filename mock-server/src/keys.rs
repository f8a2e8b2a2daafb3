//! The id_token signing key (RS256) and its public JWK.
//!
//! The mock signs with a fixed 2048-bit test key shipped in `keys/`, so start-up costs no
//! key generation and tokens verify across restarts. It protects nothing: never reuse it.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::EncodingKey;
use rsa::pkcs1::DecodeRsaPrivateKey;
use rsa::traits::PublicKeyParts;
use serde_json::{Value, json};

const PEM: &str = include_str!("../keys/mock-signing-key.pem");

/// The signing key and what `/oauth/jwks` publishes.
pub struct Keys {
    /// Key id, in the JWT header and the JWK.
    pub kid: String,
    /// Private key for `jsonwebtoken::encode`.
    pub encoding: EncodingKey,
    /// The JWK set document.
    pub jwks: Value,
}

impl Keys {
    /// Loads the shipped test key.
    pub fn load() -> Result<Keys, String> {
        let private = rsa::RsaPrivateKey::from_pkcs1_pem(PEM).map_err(|e| e.to_string())?;
        let n = URL_SAFE_NO_PAD.encode(private.n().to_bytes_be());
        let e = URL_SAFE_NO_PAD.encode(private.e().to_bytes_be());
        let kid = "mock-rs256-1".to_string();
        let encoding = EncodingKey::from_rsa_pem(PEM.as_bytes()).map_err(|e| e.to_string())?;
        let jwks = json!({ "keys": [{ "kty": "RSA", "use": "sig", "alg": "RS256", "kid": kid, "n": n, "e": e }] });
        Ok(Keys {
            kid,
            encoding,
            jwks,
        })
    }
}

//! Tamper-proof opaque tokens: base64url(JSON) "." base64url(HMAC-SHA256).

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::digest::Key;
use hmac::{Hmac, Mac};
use serde::Serialize;
use serde::de::DeserializeOwned;
use sha2::{Digest, Sha256};

type HmacSha256 = Hmac<Sha256>;

/// Why a token was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    /// Not two base64url parts separated by one `.`.
    #[error("malformed token")]
    Malformed,
    /// The signature does not match the payload (tampered, or signed with another key).
    #[error("invalid token signature")]
    BadSignature,
    /// Signed by us, but the payload is not the expected shape.
    #[error("invalid token payload: {0}")]
    Payload(String),
}

/// Signs and verifies tokens with one secret key.
#[derive(Clone)]
pub struct TokenSigner {
    mac: HmacSha256,
}

impl std::fmt::Debug for TokenSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TokenSigner { .. }")
    }
}

impl TokenSigner {
    /// A signer for `key` (any length; HMAC's own key processing applies).
    pub fn new(key: &[u8]) -> TokenSigner {
        // HMAC pads keys up to the block size and hashes longer ones: do it here so that
        // construction is infallible.
        let mut block = [0u8; 64];
        if key.len() > block.len() {
            block[..32].copy_from_slice(&Sha256::digest(key));
        } else {
            block[..key.len()].copy_from_slice(key);
        }
        let key = Key::<HmacSha256>::from(block);
        TokenSigner {
            mac: <HmacSha256 as hmac::digest::KeyInit>::new(&key),
        }
    }

    /// Signs `payload` as compact JSON. (A payload that cannot be serialised, such as a
    /// map with non-string keys, signs as `null`.)
    pub fn sign<T: Serialize>(&self, payload: &T) -> String {
        let json = serde_json::to_vec(payload).unwrap_or_else(|_| b"null".to_vec());
        let body = URL_SAFE_NO_PAD.encode(json);
        let mut mac = self.mac.clone();
        mac.update(body.as_bytes());
        let sig = URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes());
        format!("{body}.{sig}")
    }

    /// Checks the signature (in constant time) and decodes the payload.
    pub fn verify<T: DeserializeOwned>(&self, token: &str) -> Result<T, TokenError> {
        let (body, sig) = token.split_once('.').ok_or(TokenError::Malformed)?;
        if sig.contains('.') {
            return Err(TokenError::Malformed);
        }
        let sig = URL_SAFE_NO_PAD
            .decode(sig)
            .map_err(|_| TokenError::Malformed)?;
        let mut mac = self.mac.clone();
        mac.update(body.as_bytes());
        mac.verify_slice(&sig)
            .map_err(|_| TokenError::BadSignature)?;
        let json = URL_SAFE_NO_PAD
            .decode(body)
            .map_err(|_| TokenError::Malformed)?;
        serde_json::from_slice(&json).map_err(|e| TokenError::Payload(e.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Serialize, Deserialize, PartialEq)]
    struct P {
        id: String,
        n: u64,
    }

    fn flip(c: char) -> char {
        if c == 'A' { 'B' } else { 'A' }
    }

    #[test]
    fn round_trip() {
        let s = TokenSigner::new(b"secret");
        let p = P {
            id: "x".into(),
            n: 7,
        };
        let t = s.sign(&p);
        assert!(!t.contains('='));
        assert_eq!(s.verify::<P>(&t).unwrap(), p);
        let long = TokenSigner::new(&[7u8; 100]);
        assert_eq!(long.verify::<P>(&long.sign(&p)).unwrap(), p);
    }

    #[test]
    fn matches_standard_hmac() {
        // Same MAC as HMAC's own key handling, for short and long keys.
        for key in [b"k".to_vec(), vec![9u8; 64], vec![3u8; 65], vec![5u8; 200]] {
            let t = TokenSigner::new(&key).sign(&1u8);
            let (body, sig) = t.split_once('.').unwrap();
            let mut m = HmacSha256::new_from_slice(&key).unwrap();
            m.update(body.as_bytes());
            assert_eq!(URL_SAFE_NO_PAD.encode(m.finalize().into_bytes()), sig);
        }
    }

    #[test]
    fn any_tampering_fails() {
        let s = TokenSigner::new(b"secret");
        let t = s.sign(&P {
            id: "abc".into(),
            n: 1,
        });
        let chars: Vec<char> = t.chars().collect();
        for i in 0..chars.len() {
            if chars[i] == '.' {
                continue;
            }
            let mut c = chars.clone();
            c[i] = flip(c[i]);
            let bad: String = c.into_iter().collect();
            assert!(s.verify::<P>(&bad).is_err(), "flip at {i} accepted");
        }
        assert_eq!(
            TokenSigner::new(b"other").verify::<P>(&t),
            Err(TokenError::BadSignature)
        );
        assert_eq!(s.verify::<P>("nodot"), Err(TokenError::Malformed));
        assert_eq!(s.verify::<P>("a.b.c"), Err(TokenError::Malformed));
        assert!(s.verify::<P>(&format!("{t}x")).is_err());
        assert!(matches!(s.verify::<u64>(&t), Err(TokenError::Payload(_))));
    }
}

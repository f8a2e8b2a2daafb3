//! OAuth 2.0 and OpenID Connect: authorization-code flow with PKCE, device flow, client
//! credentials, id-token validation, revocation and introspection.

mod authorize;
mod device;
mod grants;
mod id_token;

pub use authorize::{AuthorizationParams, AuthorizationRequest};
pub use device::DevicePoll;
pub use grants::TokenTypeHint;

use base64::Engine;

/// `n` random bytes, base64url without padding.
pub(crate) fn random_b64(n: usize) -> String {
    let mut bytes = vec![0u8; n];
    rand::Rng::fill(&mut rand::thread_rng(), bytes.as_mut_slice());
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

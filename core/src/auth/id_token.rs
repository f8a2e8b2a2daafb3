//! OpenID Connect id-token validation: RS256 signature by the server's JWKS, issuer,
//! audience, expiry and nonce.

use std::sync::Arc;

use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use reqwest::Method;

use crate::client::Client;
use crate::error::{Error, Result};
use crate::models::IdTokenClaims;
use crate::transport::{Auth, Call};

fn invalid(description: impl Into<String>) -> Error {
    Error::oauth("invalid_id_token", description)
}

impl Client {
    /// The server's signing keys, cached; fetched again when `refetch`.
    async fn jwks(&self, refetch: bool) -> Result<Arc<JwkSet>> {
        let mut cached = self.shared.jwks.lock().await;
        if let Some(set) = cached.as_ref().filter(|_| !refetch) {
            return Ok(set.clone());
        }
        let mut call = Call::api(Method::GET, self.endpoint(&["oauth", "jwks"]));
        call.auth = Auth::None;
        let set: Arc<JwkSet> = Arc::new(self.send_json(call).await?);
        *cached = Some(set.clone());
        Ok(set)
    }

    /// Validates an id token: RS256 signature by a key of the server's JWKS, `iss` (the
    /// configured issuer), `aud` (the client id), `exp` (60 s leeway) and, when given,
    /// `nonce`. Returns its claims.
    pub async fn validate_id_token(
        &self,
        id_token: &str,
        nonce: Option<&str>,
    ) -> Result<IdTokenClaims> {
        let client_id = self.client_id()?.to_string();
        let header = jsonwebtoken::decode_header(id_token)
            .map_err(|e| invalid(format!("malformed: {e}")))?;
        if header.alg != Algorithm::RS256 {
            return Err(invalid(format!("unexpected algorithm {:?}", header.alg)));
        }
        let kid = header
            .kid
            .ok_or_else(|| invalid("no key id (kid) in the header"))?;
        let mut set = self.jwks(false).await?;
        if set.find(&kid).is_none() {
            // Keys may have rotated since they were cached.
            set = self.jwks(true).await?;
        }
        let jwk = set
            .find(&kid)
            .ok_or_else(|| invalid("signed by an unknown key"))?;
        let key = DecodingKey::from_jwk(jwk).map_err(|e| invalid(format!("unusable key: {e}")))?;
        let mut validation = Validation::new(Algorithm::RS256);
        validation.set_issuer(&[self.shared.issuer.as_str()]);
        validation.set_audience(&[client_id.as_str()]);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        validation.leeway = 60;
        let data = jsonwebtoken::decode::<IdTokenClaims>(id_token, &key, &validation)
            .map_err(|e| invalid(e.to_string()))?;
        if let Some(expected) = nonce
            && data.claims.nonce.as_deref() != Some(expected)
        {
            return Err(invalid(
                "the nonce does not match the authorization request",
            ));
        }
        Ok(data.claims)
    }
}

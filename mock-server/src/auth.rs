//! Bearer-token authentication of resource requests (RFC 6750) and scope checks.

use std::collections::BTreeSet;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;

use crate::error::{ApiError, ApiResult};
use crate::pipeline::bearer_token;
use crate::state::{AppState, World};

/// The user and app behind a valid access token, with the scopes it carries now.
#[derive(Debug, Clone)]
pub struct Caller {
    /// The user (`None` for an app-only client-credentials token).
    pub user_id: Option<String>,
    /// The app.
    pub client_id: String,
    /// Scopes in force: the token's, narrowed by later changes to its grant.
    pub scopes: BTreeSet<String>,
}

/// Set on a request by `/_mock/act-as/{userId}/...`: act as that user with every scope.
#[derive(Debug, Clone)]
pub struct ActAs(pub String);

impl Caller {
    /// Fails with 403 `insufficient_scope` unless the token carries `scope`.
    pub fn require(&self, scope: &str) -> ApiResult<()> {
        if self.scopes.contains(scope) {
            Ok(())
        } else {
            Err(ApiError::insufficient_scope(scope))
        }
    }

    /// True when the token carries `scope`.
    pub fn has(&self, scope: &str) -> bool {
        self.scopes.contains(scope)
    }

    /// The user, or 403 for an app-only token (which has no `/me`).
    pub fn user(&self) -> ApiResult<&str> {
        self.user_id.as_deref().ok_or_else(|| {
            ApiError::new(
                axum::http::StatusCode::FORBIDDEN,
                "userRequired",
                "an app-only token cannot act on behalf of a user",
            )
        })
    }

    /// Resolves a token against the world: it must exist, be unexpired and unrevoked,
    /// and its grant must still stand.
    pub fn from_token(world: &World, token: &str) -> ApiResult<Caller> {
        let t = world
            .access_tokens
            .get(token)
            .ok_or_else(|| ApiError::invalid_token("the access token is not recognised"))?;
        if t.revoked {
            return Err(ApiError::invalid_token("the access token was revoked"));
        }
        if t.expires <= world.now() {
            return Err(ApiError::invalid_token("the access token expired"));
        }
        let family = world
            .families
            .get(&t.family)
            .filter(|f| !f.revoked)
            .ok_or_else(|| ApiError::invalid_token("the grant behind this token was revoked"))?;
        Ok(Caller {
            user_id: family.user_id.clone(),
            client_id: family.client_id.clone(),
            scopes: t.scopes.intersection(&family.scopes).cloned().collect(),
        })
    }

    /// A caller acting as `user_id` with every scope (the `/_mock/act-as` control).
    pub fn acting_as(user_id: String) -> Caller {
        Caller {
            user_id: Some(user_id),
            client_id: crate::control::ACT_AS_CLIENT.to_string(),
            scopes: crate::oauth::SCOPES.iter().map(|s| s.to_string()).collect(),
        }
    }
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, app: &AppState) -> ApiResult<Caller> {
        if let Some(ActAs(user)) = parts.extensions.get::<ActAs>() {
            return Ok(Caller::acting_as(user.clone()));
        }
        let token = bearer_token(&parts.headers).ok_or_else(ApiError::missing_token)?;
        Caller::from_token(&app.world.lock(), &token)
    }
}

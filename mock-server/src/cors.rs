//! CORS and WebSocket origin checks, so web pages on other origins can use the API
//! (`bindings-web`, issue 18).
//!
//! An origin is *registered* when an app lists it in `webOrigins` or has a redirect URI
//! on it (the origin of a single-page app is where its redirect URI lives). Paths fall in
//! three classes:
//!
//! - **public** (discovery, JWKS, `/openapi.json`, `/health`): readable from any origin,
//!   `Access-Control-Allow-Origin: *`, never with credentials;
//! - **api** (`/oauth/token`, `/oauth/revoke`, `/oauth/userinfo`, `/v1/...`,
//!   `/portablecontacts/...`): registered origins only, echoed with `Vary: Origin`; the
//!   response headers a client needs are exposed. Credentials (cookies) are never allowed:
//!   the API authenticates with bearer tokens, so a credentialed request is refused by the
//!   browser;
//! - everything else (the HTML pages, which browsers navigate to, and `/_mock`, which a
//!   web page must never drive): no CORS at all, and a preflight is refused.
//!
//! A preflight (`OPTIONS` with `Access-Control-Request-Method`) that may not proceed is
//! answered 403 `originNotAllowed` without CORS headers. The live-events socket is not
//! covered by CORS in browsers, so its handshake is refused with 403 `originNotAllowed`
//! when it carries an `Origin` that is neither registered nor the mock's own.

use axum::body::Body;
use axum::http::header::{self, HeaderMap, HeaderValue};
use axum::http::{Method, Response, StatusCode};
use axum::response::IntoResponse;

use crate::error::ApiError;
use crate::state::{App, OAuthClient, World};

/// Methods an `api` path may be called with from another origin.
const API_METHODS: &str = "GET, POST, PUT, PATCH, DELETE";
/// Request headers a page may send.
const ALLOWED_HEADERS: &str =
    "Accept, Authorization, Content-Type, Idempotency-Key, If-Match, If-None-Match";
/// Response headers a page may read (besides the CORS-safelisted ones).
const EXPOSED_HEADERS: &str = "request-id, ETag, Location, Retry-After, RateLimit-Limit, \
RateLimit-Remaining, RateLimit-Reset, Idempotent-Replayed, WWW-Authenticate";
/// How long a browser may cache a preflight answer (seconds).
const MAX_AGE: &str = "600";

/// What CORS a path gets.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Class {
    Public,
    Api,
    None,
}

fn class(path: &str) -> Class {
    match path {
        "/.well-known/openid-configuration" | "/oauth/jwks" | "/openapi.json" | "/health" => {
            Class::Public
        }
        "/oauth/token" | "/oauth/revoke" | "/oauth/userinfo" => Class::Api,
        p if p.starts_with("/v1/") || p.starts_with("/portablecontacts/") => Class::Api,
        _ => Class::None,
    }
}

/// The ASCII serialisation of a URL's origin (`http://host:port`), if it has one.
pub fn origin_of(url: &str) -> Option<String> {
    let origin = url::Url::parse(url).ok()?.origin();
    origin.is_tuple().then(|| origin.ascii_serialization())
}

/// The origins an app's pages may call the API from: its `webOrigins` and the origins
/// of its redirect URIs.
pub fn client_origins(client: &OAuthClient) -> impl Iterator<Item = String> + '_ {
    client
        .web_origins
        .iter()
        .cloned()
        .chain(client.redirect_uris.iter().filter_map(|u| origin_of(u)))
}

/// True when some registered app may call the API from `origin`.
pub fn registered(world: &World, origin: &str) -> bool {
    world
        .clients
        .values()
        .any(|c| client_origins(c).any(|o| o == origin))
}

fn request_origin(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::ORIGIN)
        .and_then(|v| v.to_str().ok())
        .filter(|o| !o.is_empty() && *o != "null")
}

/// The CORS decision for one request, taken before it runs and applied to its response.
#[derive(Debug)]
pub struct Cors {
    class: Class,
    /// The request's origin when it may read the response (`api` paths).
    allowed: Option<HeaderValue>,
    /// The request carried an `Origin` header.
    cross: bool,
}

impl Cors {
    /// Decides for a request (reads the registered origins only when it has an `Origin`).
    pub fn of(app: &App, path: &str, headers: &HeaderMap) -> Cors {
        let class = class(path);
        let origin = request_origin(headers);
        let allowed = match (class, origin) {
            (Class::Api, Some(o)) if registered(&app.world.lock(), o) => {
                HeaderValue::from_str(o).ok()
            }
            _ => None,
        };
        Cors {
            class,
            allowed,
            cross: origin.is_some(),
        }
    }

    /// Adds the CORS headers this request gets to its response.
    pub fn apply(&self, mut response: Response<Body>) -> Response<Body> {
        let h = response.headers_mut();
        match self.class {
            Class::Public if self.cross => {
                h.insert(
                    header::ACCESS_CONTROL_ALLOW_ORIGIN,
                    HeaderValue::from_static("*"),
                );
            }
            Class::Api => {
                h.append(header::VARY, HeaderValue::from_static("Origin"));
                if let Some(origin) = &self.allowed {
                    h.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin.clone());
                    h.insert(
                        header::ACCESS_CONTROL_EXPOSE_HEADERS,
                        HeaderValue::from_static(EXPOSED_HEADERS),
                    );
                }
            }
            _ => {}
        }
        response
    }

    /// The answer to a CORS preflight, or `None` when this is not one.
    pub fn preflight(&self, method: &Method, headers: &HeaderMap) -> Option<Response<Body>> {
        if method != Method::OPTIONS
            || !self.cross
            || !headers.contains_key(header::ACCESS_CONTROL_REQUEST_METHOD)
        {
            return None;
        }
        let (methods, origin) = match (self.class, &self.allowed) {
            (Class::Public, _) => ("GET", HeaderValue::from_static("*")),
            (Class::Api, Some(origin)) => (API_METHODS, origin.clone()),
            (Class::Api, None) => {
                return Some(self.apply(refused(
                    "this origin is not registered for any app (webOrigins or a redirect URI)",
                )));
            }
            (Class::None, _) => {
                return Some(refused(
                    "this path is not available to scripts on other origins",
                ));
            }
        };
        let mut response = Response::new(Body::empty());
        *response.status_mut() = StatusCode::NO_CONTENT;
        let h = response.headers_mut();
        h.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
        h.insert(
            header::ACCESS_CONTROL_ALLOW_METHODS,
            HeaderValue::from_static(methods),
        );
        h.insert(
            header::ACCESS_CONTROL_ALLOW_HEADERS,
            HeaderValue::from_static(ALLOWED_HEADERS),
        );
        h.insert(
            header::ACCESS_CONTROL_MAX_AGE,
            HeaderValue::from_static(MAX_AGE),
        );
        if self.class == Class::Api {
            h.insert(header::VARY, HeaderValue::from_static("Origin"));
        }
        Some(response)
    }
}

fn refused(message: &str) -> Response<Body> {
    ApiError::new(StatusCode::FORBIDDEN, "originNotAllowed", message).into_response()
}

/// Refuses a WebSocket handshake from a page on an origin that is neither the mock's own
/// nor registered (browsers apply no CORS to WebSockets: this check is the only one).
pub fn check_socket_origin(app: &App, headers: &HeaderMap) -> Result<(), ApiError> {
    let Some(origin) = request_origin(headers) else {
        return Ok(());
    };
    if origin_of(&app.base_url()).as_deref() == Some(origin)
        || registered(&app.world.lock(), origin)
    {
        return Ok(());
    }
    Err(ApiError::new(
        StatusCode::FORBIDDEN,
        "originNotAllowed",
        "this origin is not registered for any app (webOrigins or a redirect URI)",
    )
    .target("Origin"))
}

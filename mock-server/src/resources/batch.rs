//! `POST /v1/$batch`: up to 20 requests in one (DESIGN §2.2, §2.8).
//!
//! Each item runs as a full request through the server's pipeline (faults, per-token
//! rate limit, `Idempotency-Key`, journal), one after the other in request order. An item
//! is authorized by its own `Authorization` header, or else by the batch's. The batch
//! request itself counts once against the caller's rate limit, and each item once more.

use std::collections::{HashMap, HashSet};

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Extension, State};
use axum::http::{
    HeaderMap, HeaderName, HeaderValue, Method, Request, Response, StatusCode, header,
};
use axum::routing::post;
use http_body_util::BodyExt;
use serde_json::{Map, Value, json};

use crate::auth::Caller;
use crate::clock::rfc3339;
use crate::error::{ApiError, ApiResult};
use crate::pipeline::{Dispatcher, new_request_id, sub_request};
use crate::state::AppState;
use crate::validate;

/// Most requests in one batch.
pub const MAX_REQUESTS: usize = 20;

const METHODS: &[&str] = &["GET", "POST", "PUT", "PATCH", "DELETE"];

/// Response headers that describe the transport, not the item.
const HOP_HEADERS: &[&str] = &["content-length", "transfer-encoding", "connection", "date"];

/// Routes of the batch endpoint.
pub fn routes() -> Router<AppState> {
    Router::new().route("/v1/$batch", post(batch))
}

/// One validated item.
struct Item {
    id: String,
    method: Method,
    uri: String,
    headers: Vec<(HeaderName, HeaderValue)>,
    body: Option<Value>,
    depends_on: Vec<String>,
}

async fn batch(
    State(app): State<AppState>,
    _caller: Caller,
    Extension(Dispatcher(router)): Extension<Dispatcher>,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<axum::Json<Value>> {
    let items = parse(&body)?;
    let authorization = headers.get(header::AUTHORIZATION).cloned();
    let mut statuses: HashMap<String, u16> = HashMap::new();
    let mut responses = Vec::with_capacity(items.len());
    for item in items {
        let failed = item
            .depends_on
            .iter()
            .find(|d| !statuses.get(*d).is_some_and(|s| (200..300).contains(s)));
        let out = match failed {
            Some(dep) => failed_dependency(&app, &item.id, dep),
            None => run(&app, &router, &item, authorization.as_ref()).await,
        };
        statuses.insert(item.id.clone(), out["status"].as_u64().unwrap_or(0) as u16);
        responses.push(out);
    }
    Ok(axum::Json(json!({ "responses": responses })))
}

/// Validates the whole batch before anything runs.
fn parse(body: &[u8]) -> ApiResult<Vec<Item>> {
    let map = validate::object(body)?;
    let requests = map
        .get("requests")
        .ok_or_else(|| ApiError::validation("requests", "'requests' is required"))?;
    let requests = validate::array(requests, "requests", MAX_REQUESTS)?;
    if requests.is_empty() {
        return Err(ApiError::validation(
            "requests",
            "'requests' needs at least one request",
        ));
    }
    // Every id first, so an unknown dependency and a forward one are told apart.
    let mut ids = Vec::with_capacity(requests.len());
    for (i, r) in requests.iter().enumerate() {
        let r = validate::obj(r, &format!("requests/{i}"))?;
        let target = format!("requests/{i}/id");
        let id = validate::string(r.get("id").unwrap_or(&Value::Null), &target, 1, 64)?;
        if ids.contains(&id) {
            return Err(ApiError::validation(
                target,
                format!("the id '{id}' is used by more than one request"),
            ));
        }
        ids.push(id);
    }
    let mut items = Vec::with_capacity(requests.len());
    let mut earlier: HashSet<&str> = HashSet::new();
    for (i, r) in requests.iter().enumerate() {
        let r = validate::obj(r, &format!("requests/{i}"))?;
        let id = ids[i].clone();
        let method = validate::string(
            r.get("method").unwrap_or(&Value::Null),
            &format!("requests/{i}/method"),
            1,
            16,
        )?;
        if !METHODS.contains(&method.as_str()) {
            return Err(ApiError::validation(
                format!("requests/{i}/method"),
                format!(
                    "'requests/{i}/method' must be one of {}",
                    METHODS.join(", ")
                ),
            ));
        }
        let method = Method::from_bytes(method.as_bytes())
            .map_err(|_| ApiError::validation(format!("requests/{i}/method"), "bad method"))?;
        let url_target = format!("requests/{i}/url");
        let url = validate::string(r.get("url").unwrap_or(&Value::Null), &url_target, 1, 8192)?;
        if !url.starts_with('/') || url.starts_with("//") {
            return Err(ApiError::validation(
                url_target,
                "'url' must be a path relative to /v1 starting with '/' (e.g. /me/contacts?$top=5)",
            ));
        }
        let uri = format!("/v1{}", encode_loose(&url));
        let parsed: axum::http::Uri = uri
            .parse()
            .map_err(|_| ApiError::validation(&url_target, "'url' is not a valid URL path"))?;
        let path = parsed.path().replace("%24", "$");
        if path.trim_end_matches('/') == "/v1/$batch" {
            return Err(ApiError::validation(
                url_target,
                "a batch cannot contain another $batch",
            ));
        }
        let mut headers = Vec::new();
        if let Some(h) = r.get("headers").filter(|h| !h.is_null()) {
            let h = validate::obj(h, &format!("requests/{i}/headers"))?;
            for (name, value) in h {
                let target = format!("requests/{i}/headers/{name}");
                let value = value.as_str().ok_or_else(|| {
                    ApiError::validation(&target, "a header value must be a string")
                })?;
                let name = HeaderName::from_bytes(name.as_bytes())
                    .map_err(|_| ApiError::validation(&target, "not a valid header name"))?;
                let value = HeaderValue::from_str(value)
                    .map_err(|_| ApiError::validation(&target, "not a valid header value"))?;
                headers.push((name, value));
            }
        }
        let mut depends_on = Vec::new();
        if let Some(d) = r.get("dependsOn").filter(|d| !d.is_null()) {
            let d = validate::array(d, &format!("requests/{i}/dependsOn"), MAX_REQUESTS)?;
            for (j, dep) in d.iter().enumerate() {
                let target = format!("requests/{i}/dependsOn/{j}");
                let dep = dep.as_str().ok_or_else(|| {
                    ApiError::validation(&target, "a dependency must be a request id")
                })?;
                if !ids.iter().any(|id| id == dep) {
                    return Err(ApiError::validation(
                        target,
                        format!("no request in this batch has the id '{dep}'"),
                    ));
                }
                if !earlier.contains(dep) {
                    return Err(ApiError::validation(
                        target,
                        format!(
                            "'{dep}' does not come before this request: a dependency must be \
                             an earlier request (no cycles, no forward references)"
                        ),
                    ));
                }
                depends_on.push(dep.to_string());
            }
        }
        earlier.insert(&ids[i]);
        items.push(Item {
            id,
            method,
            uri,
            headers,
            body: r.get("body").filter(|b| !b.is_null()).cloned(),
            depends_on,
        });
    }
    Ok(items)
}

/// Runs one item through the pipeline and describes its response.
async fn run(
    app: &AppState,
    router: &Router,
    item: &Item,
    authorization: Option<&HeaderValue>,
) -> Value {
    let mut builder = Request::builder()
        .method(item.method.clone())
        .uri(item.uri.as_str());
    let has = |name: &HeaderName| item.headers.iter().any(|(n, _)| n == name);
    if let Some(auth) = authorization.filter(|_| !has(&header::AUTHORIZATION)) {
        builder = builder.header(header::AUTHORIZATION, auth.clone());
    }
    if item.body.is_some() && !has(&header::CONTENT_TYPE) {
        builder = builder.header(header::CONTENT_TYPE, "application/json");
    }
    for (name, value) in &item.headers {
        builder = builder.header(name.clone(), value.clone());
    }
    let body = item
        .body
        .as_ref()
        .map(|b| Bytes::from(serde_json::to_vec(b).unwrap_or_default()))
        .unwrap_or_default();
    let parts = match builder.body(()) {
        Ok(req) => req.into_parts().0,
        Err(e) => {
            return json!({
                "id": item.id,
                "status": 400,
                "headers": {},
                "body": { "error": { "code": "validationFailed", "message": e.to_string(), "target": "url" } },
            });
        }
    };
    let response = sub_request(app.clone(), router.clone(), parts, body).await;
    describe(&item.id, response).await
}

/// `{id, status, headers, body?}` of an item's response; a body that is not JSON is
/// given as a string, an empty one is left out.
async fn describe(id: &str, response: Response<Body>) -> Value {
    let (parts, body) = response.into_parts();
    let bytes = body
        .collect()
        .await
        .map(|c| c.to_bytes())
        .unwrap_or_default();
    let mut headers = Map::new();
    for (name, value) in &parts.headers {
        if HOP_HEADERS.contains(&name.as_str()) {
            continue;
        }
        let value = String::from_utf8_lossy(value.as_bytes()).into_owned();
        match headers.get_mut(name.as_str()) {
            Some(Value::String(existing)) => {
                existing.push_str(", ");
                existing.push_str(&value);
            }
            _ => {
                headers.insert(name.as_str().to_string(), Value::String(value));
            }
        }
    }
    let mut out = json!({ "id": id, "status": parts.status.as_u16(), "headers": headers });
    if !bytes.is_empty() {
        out["body"] = serde_json::from_slice(&bytes)
            .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned()));
    }
    out
}

/// 424 for an item whose dependency did not succeed (it does not run).
fn failed_dependency(app: &AppState, id: &str, dependency: &str) -> Value {
    let request_id = new_request_id();
    let date = rfc3339(app.world.lock().now());
    json!({
        "id": id,
        "status": StatusCode::FAILED_DEPENDENCY.as_u16(),
        "headers": { "content-type": "application/json", "request-id": request_id },
        "body": { "error": {
            "code": "failedDependency",
            "message": format!("request '{dependency}', which this one depends on, did not succeed"),
            "target": "dependsOn",
            "innerError": { "requestId": request_id, "date": date },
        } },
    })
}

/// Percent-encodes what may not appear in a URL as is (spaces, quotes, non-ASCII...), so
/// an item's url can be written plainly: `/me/contacts?$filter=displayName eq 'Ann'`.
fn encode_loose(url: &str) -> String {
    let mut out = String::with_capacity(url.len());
    for c in url.chars() {
        let keep = c.is_ascii_graphic()
            && !matches!(c, '"' | '<' | '>' | '\\' | '^' | '`' | '{' | '|' | '}');
        if keep {
            out.push(c);
        } else {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("%{b:02X}"));
            }
        }
    }
    out
}

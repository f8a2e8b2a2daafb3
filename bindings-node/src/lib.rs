//! `messenger-connect-node`: the napi-rs binding of the `messenger-connect` client (the
//! npm package `messenger-connect`).
//!
//! Thin by design (DESIGN §1): arguments arrive as JS values converted to `serde_json`
//! values and decoded into core's models; results go back the same way; every core
//! [`messenger_connect::Error`] becomes a JS error whose message carries a JSON record
//! (`kind`, `status`, `code`, `requestId`, `target`, `retryAfter`...) that `errors.js`
//! turns into the `MessengerConnectError` classes. All logic stays in core.
//!
//! Async methods run on napi's tokio runtime and return Promises; a panic inside one
//! rejects its Promise (napi contains it with `catch_unwind`), it never aborts Node.

#![deny(clippy::all)]

use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use futures_util::{Stream, StreamExt};
use messenger_connect::models::{
    ContactUpdate, Event, MeUpdate, NewActivity, NewContact, NewMessage, StatusUpdate,
};
use messenger_connect::{
    Client, CompareOp, EventStream, EventsOptions, Filter, Literal, Order, Query, RetryPolicy,
    TokenSet,
};
use napi::bindgen_prelude::*;
use napi::threadsafe_function::{ThreadsafeFunction, ThreadsafeFunctionCallMode};
use napi_derive::napi;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use tokio::sync::Mutex;

/// Prefix of the message of every error this binding raises: the rest is JSON.
const ERROR_PREFIX: &str = "MCERR:";

fn raise(record: Value) -> napi::Error {
    napi::Error::new(Status::GenericFailure, format!("{ERROR_PREFIX}{record}"))
}

/// A core error as a JS error carrying its fields (mapped to classes by `errors.js`).
fn to_js(e: messenger_connect::Error) -> napi::Error {
    use messenger_connect::Error as E;
    let message = e.to_string();
    let mut record = json!({
        "status": e.status(),
        "code": e.code(),
        "requestId": e.request_id(),
        "message": message,
    });
    let kind = match &e {
        E::Api(api) => {
            record["message"] = json!(api.message);
            record["target"] = json!(api.target);
            record["retryAfter"] = json!(api.retry_after.map(|d| d.as_secs_f64()));
            record["details"] = api
                .details
                .iter()
                .map(|d| json!({"code": d.code, "message": d.message, "target": d.target}))
                .collect();
            "api"
        }
        E::OAuth { .. } => "oauth",
        E::ResyncRequired { .. } => "resyncRequired",
        E::Network { timeout, .. } => {
            record["timeout"] = json!(timeout);
            "network"
        }
        E::Decode { .. } => "decode",
        E::InvalidArgument { name, .. } => {
            record["target"] = json!(name);
            "invalidArgument"
        }
        E::Config(_) => "config",
        _ => "other",
    };
    record["kind"] = json!(kind);
    raise(record)
}

/// An argument that cannot be decoded: a `TypeError` on the JS side.
fn invalid(name: &str, message: impl std::fmt::Display) -> napi::Error {
    raise(json!({
        "kind": "invalidArgument",
        "target": name,
        "message": format!("invalid argument `{name}`: {message}"),
    }))
}

/// Decodes a JS value (as JSON) into a core model.
fn arg<T: DeserializeOwned>(name: &str, value: Value) -> napi::Result<T> {
    serde_json::from_value(value).map_err(|e| invalid(name, e))
}

/// Encodes a core result for JS.
fn out<T: Serialize>(value: &T) -> napi::Result<Value> {
    serde_json::to_value(value).map_err(|e| {
        raise(json!({"kind": "decode", "message": format!("cannot encode the result: {e}")}))
    })
}

fn id(name: &str, value: &str) -> napi::Result<String> {
    if value.is_empty() {
        return Err(invalid(name, "must not be empty"));
    }
    Ok(value.to_string())
}

// ---------------------------------------------------------------------------------------
// Queries and filters

fn literal(value: &Value) -> napi::Result<Literal> {
    Ok(match value {
        Value::Null => Literal::Null,
        Value::Bool(b) => Literal::Bool(*b),
        Value::String(s) => Literal::String(s.clone()),
        Value::Number(n) => match n.as_i64() {
            Some(i) => Literal::Int(i),
            None => Literal::Float(n.as_f64().unwrap_or(f64::NAN)),
        },
        Value::Object(o) if o.contains_key("$date") => {
            let text = o["$date"].as_str().unwrap_or_default();
            let t = text
                .parse::<chrono::DateTime<chrono::Utc>>()
                .map_err(|_| invalid("filter", format!("`{text}` is not an RFC 3339 date")))?;
            Literal::DateTime(t)
        }
        other => return Err(invalid("filter", format!("`{other}` is not a literal"))),
    })
}

/// A filter given as a plain object, as `Filter` in `index.js` builds it:
/// `{op: "eq"|"ne"|"gt"|"ge"|"lt"|"le", field, value}`,
/// `{op: "startswith"|"endswith"|"contains", field, value}`, `{op: "in", field, values}`,
/// `{op: "and"|"or", filters: [...]}`, `{op: "not", filter}`, `{op: "any", field, filter}`.
fn filter(value: &Value) -> napi::Result<Filter> {
    let bad = |m: &str| invalid("filter", m);
    let obj = value
        .as_object()
        .ok_or_else(|| bad("must be a filter object (use Filter.eq(...) and friends)"))?;
    let op = obj.get("op").and_then(Value::as_str).unwrap_or_default();
    let field = || {
        obj.get("field")
            .and_then(Value::as_str)
            .map(str::to_string)
            .ok_or_else(|| bad("needs a `field` string"))
    };
    let text = || {
        obj.get("value")
            .and_then(Value::as_str)
            .map(str::to_string)
            .ok_or_else(|| bad("needs a `value` string"))
    };
    let compare = |op: CompareOp| -> napi::Result<Filter> {
        Ok(Filter::Compare(
            field()?,
            op,
            literal(obj.get("value").unwrap_or(&Value::Null))?,
        ))
    };
    let sub = |key: &str| -> napi::Result<Filter> {
        filter(obj.get(key).ok_or_else(|| bad("needs a nested `filter`"))?)
    };
    Ok(match op {
        "eq" => compare(CompareOp::Eq)?,
        "ne" => compare(CompareOp::Ne)?,
        "gt" => compare(CompareOp::Gt)?,
        "ge" => compare(CompareOp::Ge)?,
        "lt" => compare(CompareOp::Lt)?,
        "le" => compare(CompareOp::Le)?,
        "startswith" => Filter::startswith(field()?, text()?),
        "endswith" => Filter::endswith(field()?, text()?),
        "contains" => Filter::contains(field()?, text()?),
        "in" => {
            let values = obj
                .get("values")
                .and_then(Value::as_array)
                .ok_or_else(|| bad("`in` needs a `values` array"))?;
            Filter::In(
                field()?,
                values.iter().map(literal).collect::<napi::Result<_>>()?,
            )
        }
        "and" | "or" => {
            let parts = obj
                .get("filters")
                .and_then(Value::as_array)
                .filter(|a| !a.is_empty())
                .ok_or_else(|| bad("`and`/`or` need a non-empty `filters` array"))?;
            let mut it = parts.iter();
            let mut acc = filter(it.next().unwrap_or(&Value::Null))?;
            for p in it {
                let f = filter(p)?;
                acc = if op == "and" { acc.and(f) } else { acc.or(f) };
            }
            acc
        }
        "not" => sub("filter")?.not(),
        "any" => Filter::any(field()?, sub("filter")?),
        other => return Err(bad(&format!("unknown operator `{other}`"))),
    })
}

/// `{filter, orderby, select, top, skip, count, search}` → [`Query`].
/// `orderby`: `"displayName desc"`, or an array of such strings.
fn query(value: Option<Value>) -> napi::Result<Query> {
    let value = match value {
        None | Some(Value::Null) => return Ok(Query::new()),
        Some(v) => v,
    };
    let obj = value
        .as_object()
        .ok_or_else(|| invalid("query", "must be an object"))?;
    let mut q = Query::new();
    for (key, v) in obj {
        if v.is_null() {
            continue;
        }
        match key.as_str() {
            "filter" => q = q.filter(filter(v)?),
            "orderby" | "orderBy" => {
                let keys: Vec<String> = match v {
                    Value::String(s) => s.split(',').map(|k| k.trim().to_string()).collect(),
                    Value::Array(a) => a
                        .iter()
                        .map(|k| k.as_str().map(str::to_string))
                        .collect::<Option<_>>()
                        .ok_or_else(|| invalid("orderby", "must be strings"))?,
                    _ => return Err(invalid("orderby", "must be a string or an array")),
                };
                for k in keys {
                    let mut parts = k.split_whitespace();
                    let field = parts.next().unwrap_or_default().to_string();
                    let order = match parts.next() {
                        None | Some("asc") => Order::Asc,
                        Some("desc") => Order::Desc,
                        Some(o) => {
                            return Err(invalid("orderby", format!("`{o}` is not asc/desc")));
                        }
                    };
                    q = q.order_by(field, order);
                }
            }
            "select" => {
                let fields: Vec<String> = arg("select", v.clone())?;
                q = q.select(fields);
            }
            "top" => q = q.top(arg("top", v.clone())?),
            "skip" => q = q.skip(arg("skip", v.clone())?),
            "count" => q = q.count(arg("count", v.clone())?),
            "search" => q = q.search(arg::<String>("search", v.clone())?),
            other => return Err(invalid("query", format!("unknown option `{other}`"))),
        }
    }
    Ok(q)
}

// ---------------------------------------------------------------------------------------
// Cursors: pages and items for `for await`

type BoxStream = Pin<Box<dyn Stream<Item = messenger_connect::Result<Value>> + Send>>;

/// A pull cursor over a core stream: `next()` resolves to the next value, or `null` at the
/// end. Pages come as `{items, nextLink, deltaLink, count}`.
#[napi]
pub struct Cursor {
    stream: Arc<Mutex<Option<BoxStream>>>,
}

fn page_value<T: Serialize>(page: messenger_connect::Page<T>) -> messenger_connect::Result<Value> {
    Ok(json!({
        "items": serde_json::to_value(&page.items).map_err(|e| messenger_connect::Error::Decode {
            status: 200,
            message: e.to_string(),
            request_id: None,
        })?,
        "nextLink": page.next_link,
        "deltaLink": page.delta_link,
        "count": page.count,
    }))
}

fn page_cursor<T>(stream: messenger_connect::PageStream<T>) -> Cursor
where
    T: Serialize + DeserializeOwned + Send + 'static,
{
    let mapped = stream.map(|r| r.and_then(page_value));
    Cursor {
        stream: Arc::new(Mutex::new(Some(Box::pin(mapped)))),
    }
}

fn item_cursor<T>(stream: messenger_connect::ItemStream<T>) -> Cursor
where
    T: Serialize + DeserializeOwned + Send + Unpin + 'static,
{
    let mapped = stream.map(|r| {
        r.and_then(|item| {
            serde_json::to_value(item).map_err(|e| messenger_connect::Error::Decode {
                status: 200,
                message: e.to_string(),
                request_id: None,
            })
        })
    });
    Cursor {
        stream: Arc::new(Mutex::new(Some(Box::pin(mapped)))),
    }
}

#[napi]
impl Cursor {
    /// The next page or item, or `null` at the end.
    #[napi(ts_return_type = "Promise<any | null>")]
    pub async fn next(&self) -> napi::Result<Option<Value>> {
        let stream = self.stream.clone();
        let mut guard = stream.lock().await;
        let Some(s) = guard.as_mut() else {
            return Ok(None);
        };
        match s.next().await {
            Some(Ok(v)) => Ok(Some(v)),
            Some(Err(e)) => Err(to_js(e)),
            None => {
                *guard = None;
                Ok(None)
            }
        }
    }

    /// Stops the cursor (cancels a pending prefetch).
    #[napi]
    pub fn close(&self) {
        if let Ok(mut guard) = self.stream.try_lock() {
            *guard = None;
        }
    }
}

// ---------------------------------------------------------------------------------------
// Live events

/// The live events of the signed-in user (core's `EventStream`: reconnects and resumes
/// by itself). `next()` resolves to `{type, seq, data}`, or `null` once closed.
#[napi]
pub struct Events {
    stream: Arc<Mutex<Option<EventStream>>>,
    closed: tokio::sync::watch::Sender<bool>,
}

fn event_value(event: Event, seq: Option<u64>) -> Value {
    let kind = event.kind().to_string();
    let (seq, data) = match event {
        Event::MessageCreated(m) => (seq, serde_json::to_value(m).unwrap_or_default()),
        Event::PresenceChanged(p) => (seq, serde_json::to_value(p).unwrap_or_default()),
        Event::StatusChanged(s) => (seq, serde_json::to_value(s).unwrap_or_default()),
        Event::ActivityCreated(a) => (seq, serde_json::to_value(a).unwrap_or_default()),
        Event::ContactChanged(c) => (seq, serde_json::to_value(c).unwrap_or_default()),
        Event::Typing {
            conversation_id,
            user_id,
        } => (
            None,
            json!({"conversationId": conversation_id, "userId": user_id}),
        ),
        Event::Resync { seq } => (Some(seq), Value::Null),
        Event::Other { data, .. } => (seq, data),
        _ => (seq, Value::Null),
    };
    json!({"type": kind, "seq": seq, "data": data})
}

#[napi]
impl Events {
    /// The next event, or `null` once the stream is closed.
    #[napi(ts_return_type = "Promise<any | null>")]
    pub async fn next(&self) -> napi::Result<Option<Value>> {
        let stream = self.stream.clone();
        let mut closed = self.closed.subscribe();
        let mut guard = stream.lock().await;
        if *closed.borrow_and_update() {
            *guard = None;
        }
        let Some(s) = guard.as_mut() else {
            return Ok(None);
        };
        let next = tokio::select! {
            n = s.next() => n,
            _ = closed.changed() => None,
        };
        match next {
            Some(Ok(event)) => {
                let logged = !matches!(event, Event::Typing { .. } | Event::Resync { .. });
                let seq = if logged { s.last_seq() } else { None };
                Ok(Some(event_value(event, seq)))
            }
            Some(Err(e)) => {
                *guard = None;
                Err(to_js(e))
            }
            None => {
                *guard = None;
                Ok(None)
            }
        }
    }

    /// The sequence number of the last logged event handed out (store it to resume).
    #[napi]
    pub async fn last_seq(&self) -> Option<i64> {
        let guard = self.stream.lock().await;
        guard
            .as_ref()
            .and_then(EventStream::last_seq)
            .map(|s| s as i64)
    }

    /// How many times the stream reconnected.
    #[napi]
    pub async fn reconnects(&self) -> i64 {
        let guard = self.stream.lock().await;
        guard.as_ref().map_or(0, |s| s.reconnects() as i64)
    }

    /// Tells the other members of a conversation that the user is typing.
    #[napi]
    pub async fn typing(&self, conversation_id: String) -> napi::Result<()> {
        let guard = self.stream.lock().await;
        match guard.as_ref() {
            Some(s) => s.typing(&conversation_id).map_err(to_js),
            None => Err(to_js(messenger_connect::Error::Network {
                message: "the event stream is closed".into(),
                timeout: false,
            })),
        }
    }

    /// Closes the socket. A pending `next()` resolves to `null`.
    #[napi]
    pub fn close(&self) {
        self.closed.send_replace(true);
        if let Ok(mut guard) = self.stream.try_lock() {
            guard.take();
        }
    }
}

// ---------------------------------------------------------------------------------------
// Client

/// Options of the client (see `ClientOptions` in `index.d.ts`).
#[napi(object)]
pub struct NativeOptions {
    pub base_url: String,
    pub client_id: Option<String>,
    pub client_secret: Option<String>,
    pub access_token: Option<String>,
    /// A stored token set (`{accessToken, refreshToken?, expiresAt?, scopes?, ...}`).
    pub tokens: Option<Value>,
    pub user_agent: Option<String>,
    pub page_prefetch: Option<bool>,
    pub allow_insecure_http: Option<bool>,
    pub request_timeout_ms: Option<u32>,
    pub total_timeout_ms: Option<u32>,
    pub max_attempts: Option<u32>,
}

type TokenCallback = ThreadsafeFunction<Value, Unknown<'static>, Value, Status, false, true>;

/// The client (wrapped by `Client` in `index.js`).
#[napi]
pub struct NativeClient {
    inner: Arc<std::sync::Mutex<Option<Client>>>,
}

fn tokens_from(value: Value) -> napi::Result<TokenSet> {
    let mut value = value;
    if let Some(o) = value.as_object_mut() {
        o.entry("tokenType").or_insert_with(|| json!("Bearer"));
    }
    arg("tokens", value)
}

#[napi]
impl NativeClient {
    #[napi(constructor)]
    pub fn new(options: NativeOptions, on_tokens: Option<TokenCallback>) -> napi::Result<Self> {
        let mut b = Client::builder(options.base_url);
        if let Some(v) = options.client_id {
            b = b.client_id(v);
        }
        if let Some(v) = options.client_secret {
            b = b.client_secret(v);
        }
        match (options.access_token, options.tokens) {
            (Some(_), Some(_)) => {
                return Err(invalid("tokens", "give accessToken or tokens, not both"));
            }
            (Some(t), None) => b = b.tokens(TokenSet::bearer(t)),
            (None, Some(t)) => b = b.tokens(tokens_from(t)?),
            (None, None) => {}
        }
        if let Some(v) = options.user_agent {
            b = b.user_agent(v);
        }
        if let Some(v) = options.page_prefetch {
            b = b.page_prefetch(v);
        }
        if let Some(v) = options.allow_insecure_http {
            b = b.allow_insecure_http(v);
        }
        if let Some(ms) = options.request_timeout_ms {
            b = b.request_timeout(Some(Duration::from_millis(ms.into())));
        }
        if let Some(ms) = options.total_timeout_ms {
            b = b.total_timeout(Some(Duration::from_millis(ms.into())));
        }
        if let Some(n) = options.max_attempts {
            b = b.retry_policy(RetryPolicy {
                max_attempts: n,
                ..RetryPolicy::default()
            });
        }
        if let Some(cb) = on_tokens {
            let cb = Arc::new(cb);
            b = b.on_tokens(move |t: &TokenSet| {
                if let Ok(v) = serde_json::to_value(t) {
                    cb.call(v, ThreadsafeFunctionCallMode::NonBlocking);
                }
            });
        }
        let client = b.build().map_err(to_js)?;
        Ok(NativeClient {
            inner: Arc::new(std::sync::Mutex::new(Some(client))),
        })
    }

    fn client(&self) -> napi::Result<Client> {
        self.inner
            .lock()
            .ok()
            .and_then(|g| g.clone())
            .ok_or_else(|| raise(json!({"kind": "closed", "message": "the client is closed"})))
    }

    /// Forgets the client; later calls fail. Pending calls finish.
    #[napi]
    pub fn close(&self) {
        if let Ok(mut g) = self.inner.lock() {
            g.take();
        }
    }

    /// The current token set (secrets in clear, to persist), or `null`.
    #[napi(ts_return_type = "any | null")]
    pub fn tokens(&self) -> napi::Result<Option<Value>> {
        self.client()?.tokens().map(|t| out(&t)).transpose()
    }

    #[napi]
    pub fn set_tokens(&self, tokens: Value) -> napi::Result<()> {
        self.client()?.set_tokens(tokens_from(tokens)?);
        Ok(())
    }

    #[napi]
    pub async fn me(&self) -> napi::Result<Value> {
        let c = self.client()?;
        out(&c.me().await.map_err(to_js)?)
    }

    #[napi]
    pub async fn update_me(&self, update: Value) -> napi::Result<Value> {
        let c = self.client()?;
        let update: MeUpdate = arg("update", update)?;
        out(&c.update_me(&update).await.map_err(to_js)?)
    }

    #[napi]
    pub async fn user(&self, user_id: String) -> napi::Result<Value> {
        let c = self.client()?;
        out(&c.user(&user_id).await.map_err(to_js)?)
    }

    #[napi]
    pub async fn status(&self) -> napi::Result<Value> {
        let c = self.client()?;
        out(&c.status().await.map_err(to_js)?)
    }

    #[napi]
    pub async fn set_status(&self, update: Value) -> napi::Result<Value> {
        let c = self.client()?;
        let update: StatusUpdate = arg("update", update)?;
        out(&c.set_status(&update).await.map_err(to_js)?)
    }

    // -- contacts

    #[napi]
    pub async fn list_contacts(&self, query_options: Option<Value>) -> napi::Result<Value> {
        let c = self.client()?;
        let q = query(query_options)?;
        page_value(c.list_contacts(&q).await.map_err(to_js)?).map_err(to_js)
    }

    #[napi]
    pub fn contact_pages(&self, query_options: Option<Value>) -> napi::Result<Cursor> {
        let c = self.client()?;
        Ok(page_cursor(
            c.contact_pages(&query(query_options)?).map_err(to_js)?,
        ))
    }

    /// Pages starting at a stored `nextLink` or `deltaLink`.
    #[napi]
    pub fn pages_from(&self, link: String) -> napi::Result<Cursor> {
        let c = self.client()?;
        Ok(page_cursor(c.pages_from::<Value>(&link).map_err(to_js)?))
    }

    #[napi]
    pub async fn get_contact(&self, contact_id: String) -> napi::Result<Value> {
        let c = self.client()?;
        out(&c.get_contact(&contact_id).await.map_err(to_js)?)
    }

    #[napi]
    pub async fn create_contact(&self, contact: Value) -> napi::Result<Value> {
        let c = self.client()?;
        let contact: NewContact = arg("contact", contact)?;
        out(&c.create_contact(&contact).await.map_err(to_js)?)
    }

    #[napi]
    pub async fn update_contact(
        &self,
        contact_id: String,
        update: Value,
        if_match: Option<String>,
    ) -> napi::Result<Value> {
        let c = self.client()?;
        let update: ContactUpdate = arg("update", update)?;
        out(&c
            .update_contact(&contact_id, &update, if_match.as_deref())
            .await
            .map_err(to_js)?)
    }

    #[napi]
    pub async fn delete_contact(
        &self,
        contact_id: String,
        if_match: Option<String>,
    ) -> napi::Result<()> {
        let c = self.client()?;
        c.delete_contact(&contact_id, if_match.as_deref())
            .await
            .map_err(to_js)
    }

    /// One delta round: `{upserts, removed, deltaLink}`.
    #[napi]
    pub async fn sync_contacts(&self, delta_link: Option<String>) -> napi::Result<Value> {
        let c = self.client()?;
        let round = c
            .sync_contacts(delta_link.as_deref())
            .await
            .map_err(to_js)?;
        Ok(json!({
            "upserts": out(&round.upserts)?,
            "removed": round.removed,
            "deltaLink": round.delta_link,
        }))
    }

    /// The changes of a delta round as pages of `{items, nextLink, deltaLink}`; items are
    /// contacts or `{id, "@removed": {reason}}`.
    #[napi]
    pub fn delta_pages(
        &self,
        delta_link: Option<String>,
        page_size: Option<u32>,
    ) -> napi::Result<Cursor> {
        let c = self.client()?;
        // Validate like core's contacts_delta, then page raw JSON values.
        let link = match delta_link {
            Some(l) => l,
            None => {
                c.contacts_delta(None, page_size).map_err(to_js)?;
                match page_size {
                    Some(n) => format!("v1/me/contacts/delta?$top={n}"),
                    None => "v1/me/contacts/delta".to_string(),
                }
            }
        };
        Ok(page_cursor(c.pages_from::<Value>(&link).map_err(to_js)?))
    }

    // -- social

    #[napi]
    pub fn friend_pages(&self, query_options: Option<Value>) -> napi::Result<Cursor> {
        let c = self.client()?;
        Ok(page_cursor(
            c.friend_pages(&query(query_options)?).map_err(to_js)?,
        ))
    }

    #[napi]
    pub fn invitation_items(&self, query_options: Option<Value>) -> napi::Result<Cursor> {
        let c = self.client()?;
        Ok(item_cursor(
            c.invitations(&query(query_options)?).map_err(to_js)?,
        ))
    }

    #[napi]
    pub async fn invite(&self, invitation: Value) -> napi::Result<Value> {
        let c = self.client()?;
        let invitation = arg("invitation", invitation)?;
        out(&c.invite(&invitation).await.map_err(to_js)?)
    }

    #[napi]
    pub async fn cancel_invitation(&self, invitation_id: String) -> napi::Result<()> {
        let c = self.client()?;
        c.cancel_invitation(&invitation_id).await.map_err(to_js)
    }

    // -- feed and activities

    #[napi]
    pub fn feed_pages(&self, query_options: Option<Value>) -> napi::Result<Cursor> {
        let c = self.client()?;
        Ok(page_cursor(
            c.feed_pages(&query(query_options)?).map_err(to_js)?,
        ))
    }

    #[napi]
    pub fn activity_items(&self, query_options: Option<Value>) -> napi::Result<Cursor> {
        let c = self.client()?;
        Ok(item_cursor(
            c.activities(&query(query_options)?).map_err(to_js)?,
        ))
    }

    #[napi]
    pub async fn get_activity(&self, activity_id: String) -> napi::Result<Value> {
        let c = self.client()?;
        out(&c.get_activity(&activity_id).await.map_err(to_js)?)
    }

    /// Posts an activity; core adds an `Idempotency-Key` reused by its retries.
    #[napi]
    pub async fn create_activity(&self, activity: Value) -> napi::Result<Value> {
        let c = self.client()?;
        let activity: NewActivity = arg("activity", activity)?;
        out(&c.create_activity(&activity).await.map_err(to_js)?)
    }

    #[napi]
    pub async fn delete_activity(&self, activity_id: String) -> napi::Result<()> {
        let c = self.client()?;
        c.delete_activity(&activity_id).await.map_err(to_js)
    }

    // -- chat

    #[napi]
    pub fn conversation_items(&self, query_options: Option<Value>) -> napi::Result<Cursor> {
        let c = self.client()?;
        Ok(item_cursor(
            c.conversations(&query(query_options)?).map_err(to_js)?,
        ))
    }

    #[napi]
    pub async fn create_conversation(&self, members: Vec<String>) -> napi::Result<Value> {
        let c = self.client()?;
        let members: Vec<&str> = members.iter().map(String::as_str).collect();
        out(&c.create_conversation(&members).await.map_err(to_js)?)
    }

    #[napi]
    pub fn message_items(
        &self,
        conversation_id: String,
        query_options: Option<Value>,
    ) -> napi::Result<Cursor> {
        let c = self.client()?;
        let conversation_id = id("conversationId", &conversation_id)?;
        Ok(item_cursor(
            c.messages(&conversation_id, &query(query_options)?)
                .map_err(to_js)?,
        ))
    }

    /// Sends a message; core makes a `clientMessageId` when none is given (idempotent).
    #[napi]
    pub async fn send_message(
        &self,
        conversation_id: String,
        message: Value,
    ) -> napi::Result<Value> {
        let c = self.client()?;
        let message: NewMessage = arg("message", message)?;
        out(&c
            .send_message(&conversation_id, &message)
            .await
            .map_err(to_js)?)
    }

    // -- permissions

    #[napi]
    pub async fn permissions(&self) -> napi::Result<Value> {
        let c = self.client()?;
        out(&c.permissions().await.map_err(to_js)?)
    }

    // -- events

    #[napi]
    pub async fn events(&self, since: Option<i64>) -> napi::Result<Events> {
        let c = self.client()?;
        let mut options = EventsOptions::default();
        if let Some(s) = since {
            if s < 0 {
                return Err(invalid("since", "must not be negative"));
            }
            options.since = Some(s as u64);
        }
        let stream = c.events(options).await.map_err(to_js)?;
        Ok(Events {
            stream: Arc::new(Mutex::new(Some(stream))),
            closed: tokio::sync::watch::channel(false).0,
        })
    }

    /// Panics inside Rust (tests that a panic rejects the Promise, Node survives).
    #[napi(js_name = "_debugPanic")]
    pub async fn debug_panic(&self) -> napi::Result<()> {
        if self.inner.lock().is_ok() {
            panic!("debug panic requested");
        }
        Ok(())
    }

    /// Like `_debugPanic`, in a synchronous call (an exception is thrown).
    #[napi(js_name = "_debugPanicSync", catch_unwind)]
    pub fn debug_panic_sync(&self) -> napi::Result<()> {
        if self.inner.lock().is_ok() {
            panic!("debug panic requested");
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------
// Mock server (`messenger-connect/testing`)

/// Options of `MockServer.start`.
#[napi(object)]
pub struct NativeMockOptions {
    pub seed: Option<i64>,
    pub users: Option<u32>,
    pub contacts_per_user: Option<u32>,
    pub friends_per_user: Option<u32>,
    pub activities_per_user: Option<u32>,
    pub rate_limit: Option<u32>,
    pub rate_limit_window_seconds: Option<u32>,
}

/// The in-process mock server (on its own runtime thread, a free loopback port).
#[napi]
pub struct NativeMockServer {
    url: String,
    server: std::sync::Mutex<Option<messenger_connect_mock::MockServer>>,
}

#[napi]
impl NativeMockServer {
    #[napi(factory)]
    pub fn start(options: Option<NativeMockOptions>) -> napi::Result<Self> {
        let mut config = messenger_connect_mock::MockConfig::default();
        if let Some(o) = options {
            if let Some(v) = o.seed {
                config.seed = v as u64;
            }
            if let Some(v) = o.users {
                config.users = v as usize;
            }
            if let Some(v) = o.contacts_per_user {
                config.contacts_per_user = v as usize;
            }
            if let Some(v) = o.friends_per_user {
                config.friends_per_user = v as usize;
            }
            if let Some(v) = o.activities_per_user {
                config.activities_per_user = v as usize;
            }
            if let Some(v) = o.rate_limit {
                config.rate_limit.limit = v.into();
            }
            if let Some(v) = o.rate_limit_window_seconds {
                config.rate_limit.window_seconds = v.into();
            }
        }
        let server = messenger_connect_mock::MockServer::start(config)
            .map_err(|e| napi::Error::from_reason(format!("cannot start the mock server: {e}")))?;
        Ok(NativeMockServer {
            url: server.url().to_string(),
            server: std::sync::Mutex::new(Some(server)),
        })
    }

    #[napi(getter)]
    pub fn url(&self) -> String {
        self.url.clone()
    }

    /// The seeded users `{id, email, displayName, password}`.
    #[napi(ts_return_type = "any[]")]
    pub fn users(&self) -> napi::Result<Value> {
        let guard = self
            .server
            .lock()
            .map_err(|_| napi::Error::from_reason("mock server lock poisoned"))?;
        let server = guard
            .as_ref()
            .ok_or_else(|| napi::Error::from_reason("the mock server is closed"))?;
        serde_json::to_value(server.users()).map_err(|e| napi::Error::from_reason(e.to_string()))
    }

    /// Stops the server (off the JS thread) and waits for it.
    #[napi]
    pub async fn close(&self) -> napi::Result<()> {
        let server = self.server.lock().ok().and_then(|mut g| g.take());
        if let Some(server) = server {
            tokio::task::spawn_blocking(move || server.shutdown())
                .await
                .map_err(|e| napi::Error::from_reason(e.to_string()))?;
        }
        Ok(())
    }
}

//! `NativeClient`: core's `Client` with Python arguments. Every call takes `aio`: false
//! blocks with the GIL released and returns the result, true returns an awaitable of it.
//! Results are wire-form JSON (the Python layer wraps them in model classes).

use std::sync::Arc;
use std::time::Duration;

use messenger_connect::models::{
    BatchItem, Contact, ContactUpdate, DeviceAuthorization, MeUpdate, NewActivity, NewContact,
    NewInvitation, NewMessage, StatusUpdate,
};
use messenger_connect::{
    AuthorizationParams, AuthorizationRequest, CallOptions, Client, DeltaChange, DevicePoll,
    EventsOptions, PocoQuery, Query, RetryChanges, RetryPolicy, TokenSet, TokenStore,
    TokenTypeHint,
};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::bridge::{run, runtime};
use crate::convert::{Out, from_py, json, model, to_py, to_value};
use crate::errors::to_py_err;
use crate::stream::{Delta, DeltaPages, Item, Items, NativeStream, Pages};

fn hint(value: Option<&str>) -> PyResult<Option<TokenTypeHint>> {
    match value {
        None => Ok(None),
        Some("access_token") => Ok(Some(TokenTypeHint::AccessToken)),
        Some("refresh_token") => Ok(Some(TokenTypeHint::RefreshToken)),
        Some(other) => Err(PyValueError::new_err(format!(
            "`hint` must be access_token or refresh_token, not `{other}`"
        ))),
    }
}

fn seconds(name: &str, value: Option<f64>) -> PyResult<Option<Duration>> {
    value
        .map(|s| {
            Duration::try_from_secs_f64(s)
                .map_err(|_| PyValueError::new_err(format!("`{name}` must be ≥ 0 seconds")))
        })
        .transpose()
}

/// The retry options given, as changes to a policy (core checks them).
fn retry_changes(
    max_attempts: Option<u32>,
    initial_backoff: Option<f64>,
    max_backoff: Option<f64>,
    max_retry_after: Option<f64>,
) -> PyResult<RetryChanges> {
    Ok(RetryChanges {
        max_attempts,
        initial_backoff: seconds("initial_backoff", initial_backoff)?,
        max_backoff: seconds("max_backoff", max_backoff)?,
        max_retry_after: seconds("max_retry_after", max_retry_after)?,
        max_elapsed: None,
    })
}

/// The error with the argument it names in Python's spelling (`filterOp` → `filter_op`).
fn snake_case_target(e: messenger_connect::Error) -> messenger_connect::Error {
    match e {
        messenger_connect::Error::InvalidArgument { name, message } => {
            let mut snake = String::with_capacity(name.len() + 2);
            for c in name.chars() {
                if c.is_ascii_uppercase() {
                    snake.push('_');
                }
                snake.push(c.to_ascii_lowercase());
            }
            messenger_connect::Error::InvalidArgument {
                name: snake,
                message,
            }
        }
        other => other,
    }
}

/// A query from core's JSON form (`spec/query.schema.json`; `messenger_connect.query`
/// builds it), checked at once: a fault is `InvalidArgumentError` naming its path.
fn py_query(py: Python<'_>, q: Option<&Bound<'_, PyDict>>) -> PyResult<Query> {
    let Some(q) = q else {
        return Ok(Query::new());
    };
    let built = Query::from_value(&from_py(q.as_any(), "query")?).map_err(|e| to_py_err(py, e))?;
    built.to_pairs().map_err(|e| to_py_err(py, e))?;
    Ok(built)
}

/// A token store that hands rotated tokens (wire form) to a Python callable. Called on a
/// runtime thread, with the GIL taken for the call. An exception in it fails the call
/// that obtained the tokens with `TokenStoreError` (the exception is its `__cause__`);
/// the client keeps the new tokens.
fn token_store(callback: Py<PyAny>) -> Arc<dyn TokenStore> {
    Arc::new(move |t: &TokenSet| -> Result<(), PyErr> {
        Python::attach(|py| {
            let arg = to_value(t)
                .map_err(|e| to_py_err(py, e))
                .and_then(|v| to_py(py, &v))?;
            callback.call1(py, (arg,))?;
            Ok(())
        })
    })
}

#[pyclass(module = "messenger_connect._native", frozen)]
pub struct NativeClient {
    client: Client,
}

impl NativeClient {
    fn stream<S: crate::stream::Source + 'static>(
        &self,
        py: Python<'_>,
        made: messenger_connect::Result<S>,
    ) -> PyResult<NativeStream> {
        made.map(NativeStream::new).map_err(|e| to_py_err(py, e))
    }
}

#[pymethods]
impl NativeClient {
    #[new]
    #[pyo3(signature = (base_url, *, client_id=None, client_secret=None, redirect_uri=None,
        tokens=None, on_tokens=None, user_agent=None, connect_timeout=None,
        request_timeout=None, total_timeout=None, max_attempts=None, initial_backoff=None,
        max_backoff=None, max_retry_after=None, page_prefetch=true, allow_insecure_http=false))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        base_url: String,
        client_id: Option<String>,
        client_secret: Option<String>,
        redirect_uri: Option<String>,
        tokens: Option<&Bound<'_, PyAny>>,
        on_tokens: Option<Py<PyAny>>,
        user_agent: Option<String>,
        connect_timeout: Option<f64>,
        request_timeout: Option<f64>,
        total_timeout: Option<f64>,
        max_attempts: Option<u32>,
        initial_backoff: Option<f64>,
        max_backoff: Option<f64>,
        max_retry_after: Option<f64>,
        page_prefetch: bool,
        allow_insecure_http: bool,
    ) -> PyResult<NativeClient> {
        let mut b = Client::builder(base_url)
            .page_prefetch(page_prefetch)
            .allow_insecure_http(allow_insecure_http);
        if let Some(v) = client_id {
            b = b.client_id(v);
        }
        if let Some(v) = client_secret {
            b = b.client_secret(v);
        }
        if let Some(v) = redirect_uri {
            b = b.redirect_uri(v);
        }
        if let Some(t) = tokens.filter(|t| !t.is_none()) {
            b = b.tokens(model::<TokenSet>(t, "tokens")?);
        }
        if let Some(v) = user_agent {
            b = b.user_agent(v);
        }
        if connect_timeout.is_some() {
            b = b.connect_timeout(seconds("connect_timeout", connect_timeout)?);
        }
        if request_timeout.is_some() {
            b = b.request_timeout(seconds("request_timeout", request_timeout)?);
        }
        if total_timeout.is_some() {
            b = b.total_timeout(seconds("total_timeout", total_timeout)?);
        }
        if let Some(policy) =
            retry_changes(max_attempts, initial_backoff, max_backoff, max_retry_after)?
                .over(&RetryPolicy::default())
                .map_err(|e| to_py_err(py, snake_case_target(e)))?
        {
            b = b.retry_policy(policy);
        }
        if let Some(callback) = on_tokens {
            b = b.token_store(token_store(callback));
        }
        // The client's pool is made on the runtime (reqwest needs no context to build,
        // but its background work runs there).
        let _guard = runtime().enter();
        let client = b.build().map_err(|e| to_py_err(py, e))?;
        Ok(NativeClient { client })
    }

    /// A client for another user on this client's connection pool and options: its own
    /// tokens, its rotated tokens handed to its own `on_tokens` only (none if absent).
    #[pyo3(signature = (tokens, on_tokens = None))]
    fn with_tokens(
        &self,
        py: Python<'_>,
        tokens: &Bound<'_, PyAny>,
        on_tokens: Option<Py<PyAny>>,
    ) -> PyResult<NativeClient> {
        let tokens = model::<TokenSet>(tokens, "tokens")?;
        let client = self
            .client
            .with_tokens_and_store(tokens, on_tokens.map(token_store))
            .map_err(|e| to_py_err(py, e))?;
        Ok(NativeClient { client })
    }

    /// A view of this client (same user, tokens and pool) whose calls use these options
    /// over the client's (core's `Client::with_options`).
    #[pyo3(signature = (request_timeout = None, total_timeout = None, max_attempts = None,
        initial_backoff = None, max_backoff = None, max_retry_after = None))]
    #[allow(clippy::too_many_arguments)]
    fn with_options(
        &self,
        py: Python<'_>,
        request_timeout: Option<f64>,
        total_timeout: Option<f64>,
        max_attempts: Option<u32>,
        initial_backoff: Option<f64>,
        max_backoff: Option<f64>,
        max_retry_after: Option<f64>,
    ) -> PyResult<NativeClient> {
        let retry = retry_changes(max_attempts, initial_backoff, max_backoff, max_retry_after)?
            .over(self.client.retry_policy())
            .map_err(|e| to_py_err(py, snake_case_target(e)))?;
        let options = CallOptions {
            request_timeout: seconds("request_timeout", request_timeout)?,
            total_timeout: seconds("total_timeout", total_timeout)?,
            retry,
            cancel: None,
        };
        let client = self
            .client
            .with_options(options)
            .map_err(|e| to_py_err(py, snake_case_target(e)))?;
        Ok(NativeClient { client })
    }

    #[getter]
    fn base_url(&self) -> String {
        self.client.base_url().to_string()
    }

    /// The current tokens, wire form with secrets in clear (to persist them), or `None`.
    fn tokens(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        let v = match self.client.tokens() {
            Some(t) => to_value(&t).map_err(|e| to_py_err(py, e))?,
            None => serde_json::Value::Null,
        };
        Ok(to_py(py, &v)?.unbind())
    }

    fn set_tokens(&self, py: Python<'_>, tokens: &Bound<'_, PyAny>) -> PyResult<()> {
        self.client
            .set_tokens(model::<TokenSet>(tokens, "tokens")?)
            .map_err(|e| to_py_err(py, e))
    }

    // ------------------------------------------------------------------ auth flows

    /// Starts the authorization-code flow (PKCE, state, nonce): the request's wire form
    /// (`url`, `state`, `nonce`, `codeVerifier`, `redirectUri`, `scopes`), to keep until
    /// the redirect comes back. No request is sent.
    #[pyo3(signature = (scopes, prompt = None, login_hint = None))]
    fn authorization_url(
        &self,
        py: Python<'_>,
        scopes: Vec<String>,
        prompt: Option<String>,
        login_hint: Option<String>,
    ) -> PyResult<Py<PyAny>> {
        let mut params = AuthorizationParams::new(scopes);
        params.prompt = prompt;
        params.login_hint = login_hint;
        let request = self
            .client
            .authorization_url(&params)
            .map_err(|e| to_py_err(py, e))?;
        let v = to_value(&request).map_err(|e| to_py_err(py, e))?;
        Ok(to_py(py, &v)?.unbind())
    }

    /// Completes the code flow from the redirect URL; installs and returns the tokens.
    #[pyo3(signature = (request, redirect_url, aio = false))]
    fn exchange_code(
        &self,
        py: Python<'_>,
        request: &Bound<'_, PyAny>,
        redirect_url: String,
        aio: bool,
    ) -> PyResult<Py<PyAny>> {
        let request: AuthorizationRequest = model(request, "request")?;
        let c = self.client.clone();
        run(py, aio, async move {
            json(&c.exchange_code(&request, &redirect_url).await?)
        })
    }

    #[pyo3(signature = (scopes, aio = false))]
    fn client_credentials(
        &self,
        py: Python<'_>,
        scopes: Vec<String>,
        aio: bool,
    ) -> PyResult<Py<PyAny>> {
        let c = self.client.clone();
        run(py, aio, async move {
            json(&c.client_credentials(&scopes).await?)
        })
    }

    #[pyo3(signature = (scopes, aio = false))]
    fn start_device_authorization(
        &self,
        py: Python<'_>,
        scopes: Vec<String>,
        aio: bool,
    ) -> PyResult<Py<PyAny>> {
        let c = self.client.clone();
        run(py, aio, async move {
            json(&c.start_device_authorization(&scopes).await?)
        })
    }

    /// One poll: `{"status": "pending" | "slow_down" | "complete", "interval"?, "tokens"?}`.
    #[pyo3(signature = (device, aio = false))]
    fn poll_device_token_once(
        &self,
        py: Python<'_>,
        device: &Bound<'_, PyAny>,
        aio: bool,
    ) -> PyResult<Py<PyAny>> {
        let device: DeviceAuthorization = model(device, "device")?;
        let c = self.client.clone();
        run(py, aio, async move {
            let v = match c.poll_device_token_once(&device).await? {
                DevicePoll::Pending => serde_json::json!({ "status": "pending" }),
                DevicePoll::SlowDown(interval) => {
                    serde_json::json!({ "status": "slow_down", "interval": interval })
                }
                DevicePoll::Complete(tokens) => {
                    serde_json::json!({ "status": "complete", "tokens": to_value(&tokens)? })
                }
            };
            Ok(Out::Json(v))
        })
    }

    /// Polls (honouring `interval` and `slow_down`) until the user answers.
    #[pyo3(signature = (device, aio = false))]
    fn poll_device_token(
        &self,
        py: Python<'_>,
        device: &Bound<'_, PyAny>,
        aio: bool,
    ) -> PyResult<Py<PyAny>> {
        let device: DeviceAuthorization = model(device, "device")?;
        let c = self.client.clone();
        run(py, aio, async move {
            json(&c.poll_device_token(&device).await?)
        })
    }

    #[pyo3(signature = (token, hint = None, aio = false))]
    fn revoke_token(
        &self,
        py: Python<'_>,
        token: String,
        hint: Option<String>,
        aio: bool,
    ) -> PyResult<Py<PyAny>> {
        let hint = self::hint(hint.as_deref())?;
        let c = self.client.clone();
        run(py, aio, async move {
            c.revoke_token(&token, hint).await?;
            Ok(Out::Json(serde_json::Value::Null))
        })
    }

    #[pyo3(signature = (token, hint = None, aio = false))]
    fn introspect_token(
        &self,
        py: Python<'_>,
        token: String,
        hint: Option<String>,
        aio: bool,
    ) -> PyResult<Py<PyAny>> {
        let hint = self::hint(hint.as_deref())?;
        let c = self.client.clone();
        run(py, aio, async move {
            json(&c.introspect_token(&token, hint).await?)
        })
    }

    /// Renews the tokens now (single-flight with automatic renewals); the new token set.
    #[pyo3(signature = (aio = false))]
    fn refresh_tokens(&self, py: Python<'_>, aio: bool) -> PyResult<Py<PyAny>> {
        let c = self.client.clone();
        run(py, aio, async move { json(&c.refresh_tokens().await?) })
    }

    #[pyo3(signature = (aio = false))]
    fn userinfo(&self, py: Python<'_>, aio: bool) -> PyResult<Py<PyAny>> {
        let c = self.client.clone();
        run(py, aio, async move { json(&c.userinfo().await?) })
    }

    // --------------------------------------------------------- permissions, batch

    #[pyo3(signature = (aio = false))]
    fn permissions(&self, py: Python<'_>, aio: bool) -> PyResult<Py<PyAny>> {
        let c = self.client.clone();
        run(py, aio, async move { json(&c.permissions().await?) })
    }

    #[pyo3(signature = (aio = false))]
    fn revoke_permissions(&self, py: Python<'_>, aio: bool) -> PyResult<Py<PyAny>> {
        let c = self.client.clone();
        run(py, aio, async move {
            c.revoke_permissions().await?;
            Ok(Out::Json(serde_json::Value::Null))
        })
    }

    #[pyo3(signature = (scope, aio = false))]
    fn drop_scope(&self, py: Python<'_>, scope: String, aio: bool) -> PyResult<Py<PyAny>> {
        let c = self.client.clone();
        run(py, aio, async move {
            c.drop_scope(&scope).await?;
            Ok(Out::Json(serde_json::Value::Null))
        })
    }

    /// A JSON batch (≤ 20 items, checked before sending): the responses in order.
    #[pyo3(signature = (items, aio = false))]
    fn batch(&self, py: Python<'_>, items: &Bound<'_, PyAny>, aio: bool) -> PyResult<Py<PyAny>> {
        let items: Vec<BatchItem> = model(items, "items")?;
        let c = self.client.clone();
        run(py, aio, async move { json(&c.batch(items).await?) })
    }

    // ----------------------------------------------------------------- profile, status

    #[pyo3(signature = (aio = false))]
    fn me(&self, py: Python<'_>, aio: bool) -> PyResult<Py<PyAny>> {
        let c = self.client.clone();
        run(py, aio, async move { json(&c.me().await?) })
    }

    #[pyo3(signature = (update, aio = false))]
    fn update_me(
        &self,
        py: Python<'_>,
        update: &Bound<'_, PyAny>,
        aio: bool,
    ) -> PyResult<Py<PyAny>> {
        let update: MeUpdate = model(update, "update")?;
        let c = self.client.clone();
        run(py, aio, async move { json(&c.update_me(&update).await?) })
    }

    #[pyo3(signature = (aio = false))]
    fn status(&self, py: Python<'_>, aio: bool) -> PyResult<Py<PyAny>> {
        let c = self.client.clone();
        run(py, aio, async move { json(&c.status().await?) })
    }

    #[pyo3(signature = (update, aio = false))]
    fn set_status(
        &self,
        py: Python<'_>,
        update: &Bound<'_, PyAny>,
        aio: bool,
    ) -> PyResult<Py<PyAny>> {
        let update: StatusUpdate = model(update, "update")?;
        let c = self.client.clone();
        run(py, aio, async move { json(&c.set_status(&update).await?) })
    }

    #[pyo3(signature = (id, aio = false))]
    fn user(&self, py: Python<'_>, id: String, aio: bool) -> PyResult<Py<PyAny>> {
        let c = self.client.clone();
        run(py, aio, async move { json(&c.user(&id).await?) })
    }

    // ----------------------------------------------------------------------- contacts

    #[pyo3(signature = (query = None))]
    fn contacts(
        &self,
        py: Python<'_>,
        query: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<NativeStream> {
        let q = py_query(py, query)?;
        self.stream(py, self.client.contacts(&q).map(Items))
    }

    #[pyo3(signature = (query = None))]
    fn contact_pages(
        &self,
        py: Python<'_>,
        query: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<NativeStream> {
        let q = py_query(py, query)?;
        self.stream(py, self.client.contact_pages(&q).map(Pages))
    }

    fn contacts_from(&self, py: Python<'_>, link: &str) -> PyResult<NativeStream> {
        self.stream(py, self.client.contacts_from(link).map(Items))
    }

    fn contact_pages_from(&self, py: Python<'_>, link: &str) -> PyResult<NativeStream> {
        self.stream(
            py,
            self.client
                .pages_from::<messenger_connect::models::Contact>(link)
                .map(Pages),
        )
    }

    #[pyo3(signature = (id, aio = false))]
    fn get_contact(&self, py: Python<'_>, id: String, aio: bool) -> PyResult<Py<PyAny>> {
        let c = self.client.clone();
        run(py, aio, async move {
            Ok(Out::Item(Box::new(Item::Contact(
                c.get_contact(&id).await?,
            ))))
        })
    }

    #[pyo3(signature = (contact, aio = false))]
    fn create_contact(
        &self,
        py: Python<'_>,
        contact: &Bound<'_, PyAny>,
        aio: bool,
    ) -> PyResult<Py<PyAny>> {
        let contact: NewContact = model(contact, "contact")?;
        if contact.display_name.trim().is_empty() {
            return Err(PyValueError::new_err("`display_name` must not be empty"));
        }
        let c = self.client.clone();
        run(py, aio, async move {
            Ok(Out::Item(Box::new(Item::Contact(
                c.create_contact(&contact).await?,
            ))))
        })
    }

    #[pyo3(signature = (id, update, if_match = None, aio = false))]
    fn update_contact(
        &self,
        py: Python<'_>,
        id: String,
        update: &Bound<'_, PyAny>,
        if_match: Option<String>,
        aio: bool,
    ) -> PyResult<Py<PyAny>> {
        let update: ContactUpdate = model(update, "update")?;
        let c = self.client.clone();
        run(py, aio, async move {
            let updated = c.update_contact(&id, &update, if_match.as_deref()).await?;
            Ok(Out::Item(Box::new(Item::Contact(updated))))
        })
    }

    #[pyo3(signature = (id, if_match = None, aio = false))]
    fn delete_contact(
        &self,
        py: Python<'_>,
        id: String,
        if_match: Option<String>,
        aio: bool,
    ) -> PyResult<Py<PyAny>> {
        let c = self.client.clone();
        run(py, aio, async move {
            c.delete_contact(&id, if_match.as_deref()).await?;
            Ok(Out::Json(serde_json::Value::Null))
        })
    }

    /// The changes of a delta round, item by item (`DeltaChange` objects).
    #[pyo3(signature = (delta_link = None, page_size = None))]
    fn contacts_delta(
        &self,
        py: Python<'_>,
        delta_link: Option<String>,
        page_size: Option<u32>,
    ) -> PyResult<NativeStream> {
        let changes = self
            .client
            .contacts_delta(delta_link.as_deref(), page_size)
            .map_err(|e| to_py_err(py, e))?;
        self.stream(py, Ok(Delta(changes)))
    }

    /// The pages of a delta round (`{"value": [DeltaChange...], "@odata.nextLink" |
    /// "@odata.deltaLink"}`), to commit page by page.
    #[pyo3(signature = (delta_link = None, page_size = None))]
    fn contacts_delta_pages(
        &self,
        py: Python<'_>,
        delta_link: Option<String>,
        page_size: Option<u32>,
    ) -> PyResult<NativeStream> {
        let first = self
            .client
            .contacts_delta(delta_link.as_deref(), page_size)
            .map_err(|e| to_py_err(py, e))?
            .next_link()
            .map(str::to_string)
            .unwrap_or_default();
        self.stream(
            py,
            self.client
                .pages_from::<DeltaChange<Contact>>(&first)
                .map(DeltaPages),
        )
    }

    /// A whole delta round: `{"upserts", "removed", "delta_link"}`.
    #[pyo3(signature = (delta_link = None, page_size = None, aio = false))]
    fn sync_contacts(
        &self,
        py: Python<'_>,
        delta_link: Option<String>,
        page_size: Option<u32>,
        aio: bool,
    ) -> PyResult<Py<PyAny>> {
        // Checks the arguments before any request.
        self.client
            .contacts_delta(delta_link.as_deref(), page_size)
            .map_err(|e| to_py_err(py, e))?;
        let c = self.client.clone();
        run(py, aio, async move {
            let sync = c
                .sync_contacts_with(delta_link.as_deref(), page_size)
                .await?;
            Ok(Out::Item(Box::new(Item::Sync(sync))))
        })
    }

    /// Portable Contacts query form: `{"startIndex", "itemsPerPage", "totalResults",
    /// "entry": [Contact...]}`. `query` is core's JSON form of the query
    /// (`PocoQuery::from_value`), checked before any request; errors name the Python
    /// argument (`filter_op`).
    #[pyo3(signature = (query = None, aio = false))]
    fn poco_contacts(
        &self,
        py: Python<'_>,
        query: Option<&Bound<'_, PyDict>>,
        aio: bool,
    ) -> PyResult<Py<PyAny>> {
        let value = match query {
            Some(q) => from_py(q.as_any(), "query")?,
            None => serde_json::Value::Null,
        };
        let q = PocoQuery::from_value(&value).map_err(|e| to_py_err(py, snake_case_target(e)))?;
        let c = self.client.clone();
        run(py, aio, async move {
            Ok(Out::Item(Box::new(Item::Poco(c.poco_contacts(&q).await?))))
        })
    }

    /// One contact in the Portable Contacts form.
    #[pyo3(signature = (id, aio = false))]
    fn poco_contact(&self, py: Python<'_>, id: String, aio: bool) -> PyResult<Py<PyAny>> {
        let c = self.client.clone();
        run(py, aio, async move {
            Ok(Out::Item(Box::new(Item::Contact(
                c.poco_contact(&id).await?,
            ))))
        })
    }

    /// Validates an id_token (RS256 signature against the issuer's JWKS, issuer,
    /// audience, expiry, and `nonce` when given): its claims.
    #[pyo3(signature = (id_token, nonce = None, aio = false))]
    fn validate_id_token(
        &self,
        py: Python<'_>,
        id_token: String,
        nonce: Option<String>,
        aio: bool,
    ) -> PyResult<Py<PyAny>> {
        let c = self.client.clone();
        run(py, aio, async move {
            json(&c.validate_id_token(&id_token, nonce.as_deref()).await?)
        })
    }

    // ------------------------------------------------------------ friends, invitations

    #[pyo3(signature = (query = None))]
    fn friends(&self, py: Python<'_>, query: Option<&Bound<'_, PyDict>>) -> PyResult<NativeStream> {
        let q = py_query(py, query)?;
        self.stream(py, self.client.friends(&q).map(Items))
    }

    #[pyo3(signature = (query = None))]
    fn friend_pages(
        &self,
        py: Python<'_>,
        query: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<NativeStream> {
        let q = py_query(py, query)?;
        self.stream(py, self.client.friend_pages(&q).map(Pages))
    }

    #[pyo3(signature = (query = None))]
    fn invitations(
        &self,
        py: Python<'_>,
        query: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<NativeStream> {
        let q = py_query(py, query)?;
        self.stream(py, self.client.invitations(&q).map(Items))
    }

    #[pyo3(signature = (invitation, aio = false))]
    fn invite(
        &self,
        py: Python<'_>,
        invitation: &Bound<'_, PyAny>,
        aio: bool,
    ) -> PyResult<Py<PyAny>> {
        let invitation: NewInvitation = model(invitation, "invitation")?;
        let c = self.client.clone();
        run(py, aio, async move { json(&c.invite(&invitation).await?) })
    }

    #[pyo3(signature = (id, aio = false))]
    fn cancel_invitation(&self, py: Python<'_>, id: String, aio: bool) -> PyResult<Py<PyAny>> {
        let c = self.client.clone();
        run(py, aio, async move {
            c.cancel_invitation(&id).await?;
            Ok(Out::Json(serde_json::Value::Null))
        })
    }

    // -------------------------------------------------------------- feed, activities

    #[pyo3(signature = (query = None))]
    fn feed(&self, py: Python<'_>, query: Option<&Bound<'_, PyDict>>) -> PyResult<NativeStream> {
        let q = py_query(py, query)?;
        self.stream(py, self.client.feed(&q).map(Items))
    }

    #[pyo3(signature = (query = None))]
    fn feed_pages(
        &self,
        py: Python<'_>,
        query: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<NativeStream> {
        let q = py_query(py, query)?;
        self.stream(py, self.client.feed_pages(&q).map(Pages))
    }

    #[pyo3(signature = (query = None))]
    fn activities(
        &self,
        py: Python<'_>,
        query: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<NativeStream> {
        let q = py_query(py, query)?;
        self.stream(py, self.client.activities(&q).map(Items))
    }

    #[pyo3(signature = (id, aio = false))]
    fn get_activity(&self, py: Python<'_>, id: String, aio: bool) -> PyResult<Py<PyAny>> {
        let c = self.client.clone();
        run(py, aio, async move { json(&c.get_activity(&id).await?) })
    }

    /// Posts an activity; with `idempotency_key`, under the caller's own key (a job run
    /// again with the same key never posts twice), else under a key made per call.
    #[pyo3(signature = (activity, idempotency_key = None, aio = false))]
    fn create_activity(
        &self,
        py: Python<'_>,
        activity: &Bound<'_, PyAny>,
        idempotency_key: Option<String>,
        aio: bool,
    ) -> PyResult<Py<PyAny>> {
        let activity: NewActivity = model(activity, "activity")?;
        let c = self.client.clone();
        run(py, aio, async move {
            match idempotency_key {
                Some(key) => json(&c.create_activity_with_key(&activity, &key).await?),
                None => json(&c.create_activity(&activity).await?),
            }
        })
    }

    #[pyo3(signature = (id, aio = false))]
    fn delete_activity(&self, py: Python<'_>, id: String, aio: bool) -> PyResult<Py<PyAny>> {
        let c = self.client.clone();
        run(py, aio, async move {
            c.delete_activity(&id).await?;
            Ok(Out::Json(serde_json::Value::Null))
        })
    }

    // ----------------------------------------------------------------------- chat

    #[pyo3(signature = (query = None))]
    fn conversations(
        &self,
        py: Python<'_>,
        query: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<NativeStream> {
        let q = py_query(py, query)?;
        self.stream(py, self.client.conversations(&q).map(Items))
    }

    #[pyo3(signature = (members, aio = false))]
    fn create_conversation(
        &self,
        py: Python<'_>,
        members: Vec<String>,
        aio: bool,
    ) -> PyResult<Py<PyAny>> {
        let c = self.client.clone();
        run(py, aio, async move {
            let refs: Vec<&str> = members.iter().map(String::as_str).collect();
            json(&c.create_conversation(&refs).await?)
        })
    }

    #[pyo3(signature = (conversation_id, query = None))]
    fn messages(
        &self,
        py: Python<'_>,
        conversation_id: String,
        query: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<NativeStream> {
        let q = py_query(py, query)?;
        self.stream(py, self.client.messages(&conversation_id, &q).map(Items))
    }

    #[pyo3(signature = (conversation_id, text, client_message_id = None, aio = false))]
    fn send_message(
        &self,
        py: Python<'_>,
        conversation_id: String,
        text: String,
        client_message_id: Option<String>,
        aio: bool,
    ) -> PyResult<Py<PyAny>> {
        let mut message = NewMessage::new(text);
        message.client_message_id = client_message_id;
        let c = self.client.clone();
        run(py, aio, async move {
            json(&c.send_message(&conversation_id, &message).await?)
        })
    }

    // ---------------------------------------------------------------------- events

    /// Opens the live events stream (connects before returning).
    #[pyo3(signature = (since = None, ping_interval = Some(30.0), aio = false))]
    fn events(
        &self,
        py: Python<'_>,
        since: Option<u64>,
        ping_interval: Option<f64>,
        aio: bool,
    ) -> PyResult<Py<PyAny>> {
        let options = EventsOptions {
            since,
            ping_interval: seconds("ping_interval", ping_interval)?,
        };
        let c = self.client.clone();
        run(py, aio, async move {
            let stream = c.events(options).await?;
            Ok(Out::Stream(NativeStream::events(stream)))
        })
    }
}

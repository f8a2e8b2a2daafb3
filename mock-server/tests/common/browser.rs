//! A tiny browser for the HTML pages (cookies carried by hand, hidden form fields read
//! from the HTML), and shortcuts to the authorization-code flow.

use std::collections::BTreeMap;

use reqwest::{Method, StatusCode, header};
use serde_json::json;

use super::{App, Env, Reply, query_value, read};

/// A browser: remembers the cookies the server sets and sends them back.
pub struct Browser<'a> {
    env: &'a Env,
    cookies: BTreeMap<String, String>,
}

impl<'a> Browser<'a> {
    pub fn new(env: &'a Env) -> Browser<'a> {
        Browser {
            env,
            cookies: BTreeMap::new(),
        }
    }

    /// A cookie the server set.
    pub fn cookie(&self, name: &str) -> Option<&str> {
        self.cookies.get(name).map(String::as_str)
    }

    fn url(&self, path: &str) -> String {
        if path.starts_with("http") {
            path.to_string()
        } else {
            self.env.url(path)
        }
    }

    fn cookie_header(&self) -> Option<String> {
        (!self.cookies.is_empty()).then(|| {
            self.cookies
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join("; ")
        })
    }

    async fn send(&mut self, req: reqwest::RequestBuilder) -> Reply {
        let req = match self.cookie_header() {
            Some(c) => req.header(header::COOKIE, c),
            None => req,
        };
        let reply = read(req.send().await.expect("browser request")).await;
        for value in reply.headers.get_all(header::SET_COOKIE) {
            let Ok(text) = value.to_str() else { continue };
            let pair = text.split(';').next().unwrap_or("");
            if let Some((k, v)) = pair.trim().split_once('=') {
                self.cookies.insert(k.to_string(), v.to_string());
            }
        }
        reply
    }

    /// GET a page.
    pub async fn get(&mut self, path: &str) -> Reply {
        let req = self.env.http.request(Method::GET, self.url(path));
        self.send(req).await
    }

    /// POST a form.
    pub async fn post(&mut self, path: &str, fields: &[(String, String)]) -> Reply {
        let req = self
            .env
            .http
            .request(Method::POST, self.url(path))
            .form(fields);
        self.send(req).await
    }

    /// Submits the (first) form of `page` with its hidden fields plus `extra`.
    pub async fn submit(&mut self, page: &Reply, extra: &[(&str, &str)]) -> Reply {
        let action = form_action(&page.text).expect("the page has a form");
        let mut fields = hidden_inputs(&page.text);
        fields.extend(extra.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        self.post(&action, &fields).await
    }
}

/// Decodes the entities `pages::escape` writes.
pub fn unescape(s: &str) -> String {
    s.replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// The value of attribute `name` inside one tag's text.
fn attr(tag: &str, name: &str) -> Option<String> {
    let needle = format!(" {name}=\"");
    let start = tag.find(&needle)? + needle.len();
    let end = tag[start..].find('"')? + start;
    Some(unescape(&tag[start..end]))
}

/// Every `<input type="hidden">` of the first form of the page (name, value).
pub fn hidden_inputs(html: &str) -> Vec<(String, String)> {
    let form = html.find("<form").map(|i| &html[i..]).unwrap_or(html);
    let form = form.find("</form>").map(|i| &form[..i]).unwrap_or(form);
    let mut out = Vec::new();
    let mut rest = form;
    while let Some(i) = rest.find("<input") {
        let tail = &rest[i..];
        let end = tail.find('>').unwrap_or(tail.len());
        let tag = &tail[..end];
        if attr(tag, "type").as_deref() == Some("hidden")
            && let Some(name) = attr(tag, "name")
        {
            out.push((name, attr(tag, "value").unwrap_or_default()));
        }
        rest = &tail[end..];
    }
    out
}

/// One hidden field of the first form.
pub fn hidden(html: &str, name: &str) -> Option<String> {
    hidden_inputs(html)
        .into_iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v)
}

/// The `action` of the first form.
pub fn form_action(html: &str) -> Option<String> {
    let i = html.find("<form")?;
    let tag = &html[i..i + html[i..].find('>')?];
    attr(tag, "action")
}

/// The `data-scope` items of the first scope list on a page, in order.
pub fn listed_scopes(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find("data-scope=\"") {
        let tail = &rest[i + "data-scope=\"".len()..];
        let end = tail.find('"').unwrap_or(0);
        out.push(tail[..end].to_string());
        rest = &tail[end..];
    }
    out
}

/// `Location` of a redirect.
pub fn location(reply: &Reply) -> String {
    reply
        .header("location")
        .unwrap_or_else(|| panic!("no Location ({}): {}", reply.status, reply.text))
        .to_string()
}

/// Parameters of an authorization request.
#[derive(Debug, Clone, Default)]
pub struct AuthorizeParams<'p> {
    pub scope: &'p str,
    pub state: Option<&'p str>,
    pub code_challenge: Option<&'p str>,
    pub nonce: Option<&'p str>,
    pub prompt: Option<&'p str>,
    pub login_hint: Option<&'p str>,
    pub redirect_uri: Option<&'p str>,
}

/// `/oauth/authorize?...` for `app`.
pub fn authorize_path(app: &App, p: &AuthorizeParams<'_>) -> String {
    let mut url = url::Url::parse("http://x/oauth/authorize").expect("url");
    {
        let mut q = url.query_pairs_mut();
        q.append_pair("response_type", "code");
        q.append_pair("client_id", &app.id);
        q.append_pair("redirect_uri", p.redirect_uri.unwrap_or(&app.redirect_uri));
        q.append_pair("scope", p.scope);
        let optional = [
            ("state", p.state),
            ("nonce", p.nonce),
            ("prompt", p.prompt),
            ("login_hint", p.login_hint),
        ];
        for (k, v) in optional {
            if let Some(v) = v {
                q.append_pair(k, v);
            }
        }
        if let Some(c) = p.code_challenge {
            q.append_pair("code_challenge", c);
            q.append_pair("code_challenge_method", "S256");
        }
    }
    format!("/oauth/authorize?{}", url.query().unwrap_or(""))
}

/// A code for user `user` without the pages: records consent through the control plane,
/// then `prompt=none` + `login_hint` redirects at once.
pub async fn quick_code(env: &Env, app: &App, user: usize, p: &AuthorizeParams<'_>) -> String {
    let scopes: Vec<&str> = p.scope.split(' ').collect();
    let r = env
        .control(
            Method::POST,
            "/_mock/consents",
            Some(json!({
                "userId": env.users[user].id, "clientId": app.id, "scopes": scopes,
            })),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
    let params = AuthorizeParams {
        prompt: Some("none"),
        login_hint: Some(&env.users[user].id),
        ..p.clone()
    };
    let r = env
        .control(Method::GET, &authorize_path(app, &params), None)
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let loc = location(&r);
    query_value(&loc, "code").unwrap_or_else(|| panic!("no code in {loc}"))
}

/// Exchanges a code (client_secret_basic for a confidential app, client_id for a public one).
pub async fn exchange(env: &Env, app: &App, code: &str, verifier: Option<&str>) -> Reply {
    let mut form = vec![
        ("grant_type", "authorization_code"),
        ("code", code),
        ("redirect_uri", app.redirect_uri.as_str()),
    ];
    if let Some(v) = verifier {
        form.push(("code_verifier", v));
    }
    env.token_request(app, &form).await
}

/// A token response through the code flow (consent via the control plane), asserting 200.
pub async fn code_tokens(env: &Env, app: &App, user: usize, scope: &str) -> serde_json::Value {
    let (verifier, challenge) = super::pkce();
    let params = AuthorizeParams {
        scope,
        state: Some("st"),
        code_challenge: Some(&challenge),
        ..Default::default()
    };
    let code = quick_code(env, app, user, &params).await;
    let r = exchange(env, app, &code, Some(&verifier)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    r.body
}

/// `POST /oauth/token` with `client_secret_post` (secret in the form).
pub async fn token_post(env: &Env, app: &App, form: &[(&str, &str)]) -> Reply {
    let mut fields: Vec<(&str, &str)> = form.to_vec();
    fields.push(("client_id", &app.id));
    if let Some(s) = &app.secret {
        fields.push(("client_secret", s));
    }
    let req = env.http.post(env.url("/oauth/token")).form(&fields);
    read(req.send().await.expect("token request")).await
}

/// POSTs a form to an OAuth endpoint (`/oauth/revoke`, `/oauth/introspect`,
/// `/oauth/device_authorization`) authenticated as `app` (Basic, or client_id if public).
pub async fn client_post(env: &Env, app: &App, path: &str, form: &[(&str, &str)]) -> Reply {
    let mut req = env.http.post(env.url(path));
    let mut fields: Vec<(&str, &str)> = form.to_vec();
    match &app.secret {
        Some(s) => req = req.basic_auth(&app.id, Some(s)),
        None => fields.push(("client_id", &app.id)),
    }
    read(req.form(&fields).send().await.expect("request")).await
}

/// Refreshes with `refresh_token` (and `scope` when given).
pub async fn refresh(env: &Env, app: &App, refresh_token: &str, scope: Option<&str>) -> Reply {
    let mut form = vec![
        ("grant_type", "refresh_token"),
        ("refresh_token", refresh_token),
    ];
    if let Some(s) = scope {
        form.push(("scope", s));
    }
    env.token_request(app, &form).await
}

/// The string at `key` of a JSON value.
pub fn s(v: &serde_json::Value, key: &str) -> String {
    v[key]
        .as_str()
        .unwrap_or_else(|| panic!("no '{key}' in {v}"))
        .to_string()
}

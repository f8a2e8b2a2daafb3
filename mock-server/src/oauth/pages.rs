//! Server-rendered HTML: a small layout, escaping, and the pieces the forms share.
//! No JavaScript is needed anywhere.

use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

const STYLE: &str = "body{font-family:system-ui,sans-serif;background:#f3f5f8;margin:0;color:#1b1f24}\
main{max-width:28rem;margin:3rem auto;background:#fff;border-radius:10px;padding:2rem;box-shadow:0 2px 12px #0002}\
h1{font-size:1.4rem;margin-top:0}h2{font-size:1.1rem}button,input{font:inherit}label{display:block;margin:.8rem 0 .2rem;font-weight:600}\
input[type=email],input[type=password],input[type=text]{width:100%;padding:.55rem;border:1px solid #aab;border-radius:6px;box-sizing:border-box;font-size:1rem}\
button{margin-top:1.2rem;padding:.6rem 1.2rem;border:0;border-radius:6px;font-size:1rem;cursor:pointer}\
.allow,.primary{background:#0a64d8;color:#fff}.deny{background:#e4e7ec;color:#1b1f24;margin-right:.5rem}\
.error{background:#fdecea;color:#8a1c13;padding:.6rem;border-radius:6px}ul.scopes li{margin:.35rem 0}\
.app{font-weight:700}.muted{color:#5b6470;font-size:.9rem}table{width:100%;border-collapse:collapse}\
td{padding:.5rem 0;border-bottom:1px solid #e4e7ec;vertical-align:top}";

/// Escapes text for HTML element content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// A whole page.
pub fn page(status: StatusCode, title: &str, body: &str) -> Response {
    let html = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
<title>{t} · Messenger Connect</title><style>{STYLE}</style></head>\
<body><main>{body}</main></body></html>",
        t = escape(title)
    );
    let mut response = (status, Html(html)).into_response();
    response.headers_mut().insert(
        axum::http::header::CACHE_CONTROL,
        axum::http::HeaderValue::from_static("no-store"),
    );
    response
}

/// An error page (never redirects: used when the redirect URI itself cannot be trusted).
pub fn error_page(status: StatusCode, message: &str) -> Response {
    page(
        status,
        "Something went wrong",
        &format!(
            "<h1>Something went wrong</h1><p class=\"error\">{}</p>",
            escape(message)
        ),
    )
}

/// `<input type=hidden>` for each pair.
pub fn hidden(pairs: &[(String, String)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| {
            format!(
                "<input type=\"hidden\" name=\"{}\" value=\"{}\">",
                escape(k),
                escape(v)
            )
        })
        .collect()
}

/// The sign-in fields.
pub fn sign_in_fields(email: &str) -> String {
    format!(
        "<label for=\"email\">Email</label><input id=\"email\" type=\"email\" name=\"email\" value=\"{}\" autocomplete=\"username\" required>\
<label for=\"password\">Password</label><input id=\"password\" type=\"password\" name=\"password\" autocomplete=\"current-password\" required>",
        escape(email)
    )
}

/// The list of requested permissions in plain words.
pub fn scope_list(scopes: &std::collections::BTreeSet<String>) -> String {
    let items: String = super::SCOPES
        .iter()
        .filter(|s| scopes.contains(**s))
        .map(|s| {
            format!(
                "<li data-scope=\"{s}\">{}</li>",
                escape(super::describe_scope(s))
            )
        })
        .collect();
    format!("<ul class=\"scopes\">{items}</ul>")
}

/// Allow and deny buttons.
pub fn decision_buttons() -> &'static str {
    "<div><button class=\"deny\" type=\"submit\" name=\"decision\" value=\"deny\">Deny</button>\
<button class=\"allow\" type=\"submit\" name=\"decision\" value=\"allow\">Allow</button></div>"
}

/// An error line, if any.
pub fn error_line(error: Option<&str>) -> String {
    error
        .map(|e| format!("<p class=\"error\" role=\"alert\">{}</p>", escape(e)))
        .unwrap_or_default()
}

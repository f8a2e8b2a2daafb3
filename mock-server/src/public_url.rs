//! The base URL clients reach the server by: the OIDC issuer and the base of every link
//! (discovery, `iss`, introspection, `Location`, `@odata.nextLink`/`deltaLink`, the device
//! page's address).
//!
//! With `--public-url` that URL is used for every request. Without it, each request's
//! `Host` header decides (`http://<Host>`): OIDC Discovery 1.0 §4.3 requires the issuer
//! to equal the URL the client discovered from, so a client that reached the server as
//! `http://localhost:PORT`, `http://127.0.0.1:PORT` or `http://mock:PORT` sees its own
//! name everywhere, and tokens it gets validate against the discovery it read. A `Host`
//! that is not a plain `name[:port]` is ignored (the bound address is used instead).
//!
//! The base is carried in a task-local for the duration of one request (and of the
//! `$batch` items it runs), so handlers read it with [`crate::state::App::base_url`].

use axum::http::{HeaderMap, header};

tokio::task_local! {
    static REQUEST_BASE: String;
}

/// The base URL for a request with these headers: `configured` when set, else
/// `http://<Host>` when the `Host` header is a plain host name or address with an
/// optional port, else `fallback`.
pub fn for_request(configured: Option<&str>, fallback: &str, headers: &HeaderMap) -> String {
    if let Some(url) = configured {
        return url.to_string();
    }
    headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .filter(|h| is_plain_authority(h))
        .map(|h| format!("http://{}", h.to_ascii_lowercase()))
        .unwrap_or_else(|| fallback.to_string())
}

/// Runs `f` with `base` as the current request's base URL.
pub async fn scope<F: std::future::Future>(base: String, f: F) -> F::Output {
    REQUEST_BASE.scope(base, f).await
}

/// The current request's base URL, if a request is being served on this task.
pub fn current() -> Option<String> {
    REQUEST_BASE.try_with(Clone::clone).ok()
}

/// `name[:port]` or `[v6]:port` with nothing else: letters, digits, `.`, `-`, `_`.
fn is_plain_authority(host: &str) -> bool {
    if host.is_empty() || host.len() > 255 {
        return false;
    }
    let (name, port) = if let Some(rest) = host.strip_prefix('[') {
        let Some((v6, after)) = rest.split_once(']') else {
            return false;
        };
        if v6.is_empty()
            || !v6
                .chars()
                .all(|c| c.is_ascii_hexdigit() || c == ':' || c == '.')
        {
            return false;
        }
        match after {
            "" => return true,
            p => match p.strip_prefix(':') {
                Some(p) => ("v6", p),
                None => return false,
            },
        }
    } else {
        match host.split_once(':') {
            Some((n, p)) => (n, p),
            None => (host, "1"),
        }
    };
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
        && !port.is_empty()
        && port.len() <= 5
        && port.chars().all(|c| c.is_ascii_digit())
        && port.parse::<u32>().is_ok_and(|p| p <= 65_535)
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn with_host(h: &str) -> HeaderMap {
        let mut m = HeaderMap::new();
        m.insert(header::HOST, HeaderValue::from_str(h).unwrap());
        m
    }

    #[test]
    fn the_host_header_decides_unless_configured() {
        let fb = "http://127.0.0.1:1";
        assert_eq!(
            for_request(None, fb, &with_host("localhost:8080")),
            "http://localhost:8080"
        );
        assert_eq!(
            for_request(None, fb, &with_host("Mock:80")),
            "http://mock:80"
        );
        assert_eq!(
            for_request(None, fb, &with_host("[::1]:9")),
            "http://[::1]:9"
        );
        assert_eq!(for_request(None, fb, &HeaderMap::new()), fb);
        for bad in [
            "a b", "x\"y", "h:port", "h:99999", "[zz]:1", "a/b", "a@b", "",
        ] {
            assert_eq!(for_request(None, fb, &with_host(bad)), fb, "{bad}");
        }
        assert_eq!(
            for_request(Some("https://p.test"), fb, &with_host("localhost:1")),
            "https://p.test"
        );
    }
}

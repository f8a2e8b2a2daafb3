//! A tiny browser for the mock's HTML pages: carries cookies by hand and reads the CSRF
//! token from the form, so a test can act as the user (e.g. approve a device code).

use std::collections::BTreeMap;

use super::Env;

/// Remembers the cookies the server sets and sends them back.
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

    async fn send(&mut self, mut req: reqwest::RequestBuilder) -> (u16, String) {
        if !self.cookies.is_empty() {
            let header = self
                .cookies
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join("; ");
            req = req.header(reqwest::header::COOKIE, header);
        }
        let resp = req.send().await.expect("browser request");
        for value in resp.headers().get_all(reqwest::header::SET_COOKIE) {
            let pair = value.to_str().unwrap_or("").split(';').next().unwrap_or("");
            if let Some((k, v)) = pair.trim().split_once('=') {
                self.cookies.insert(k.to_string(), v.to_string());
            }
        }
        let status = resp.status().as_u16();
        (status, resp.text().await.unwrap_or_default())
    }

    /// GETs a page (path under the server).
    pub async fn get(&mut self, path: &str) -> (u16, String) {
        let req = self.env.http.get(format!("{}{path}", self.env.base));
        self.send(req).await
    }

    /// POSTs a form (path under the server).
    pub async fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> (u16, String) {
        let req = self
            .env
            .http
            .post(format!("{}{path}", self.env.base))
            .form(fields);
        self.send(req).await
    }
}

/// The value of the hidden `csrf_token` input of a page.
pub fn csrf(html: &str) -> String {
    let marker = "name=\"csrf_token\" value=\"";
    let start = html.find(marker).expect("a csrf_token field") + marker.len();
    let end = html[start..].find('"').expect("end of value") + start;
    html[start..end].to_string()
}

/// Signs in as seed user `user` on the device page and answers the consent for `code`.
pub async fn answer_device_code(env: &Env, user: usize, code: &str, decision: &str) {
    let mut browser = Browser::new(env);
    let (status, page) = browser.get(&format!("/device?user_code={code}")).await;
    assert_eq!(status, 200);
    let token = csrf(&page);
    let u = &env.users[user];
    let (status, consent) = browser
        .post(
            "/device",
            &[
                ("csrf_token", &token),
                ("user_code", code),
                ("email", &u.email),
                ("password", &u.password),
            ],
        )
        .await;
    assert_eq!(status, 200, "{consent}");
    let token = csrf(&consent);
    let (status, done) = browser
        .post(
            "/device",
            &[
                ("csrf_token", &token),
                ("user_code", code),
                ("decision", decision),
            ],
        )
        .await;
    assert_eq!(status, 200, "{done}");
}

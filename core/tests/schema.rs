//! The models cannot drift from the spec: a JSON sample of each, as returned by the server
//! and as serialized by the client, validates against `components.schemas` of the spec the
//! mock serves (`GET /openapi.json`), and decoding then encoding loses nothing.

mod common;

use common::{CONTACT_SCOPES, Env};
use messenger_connect::models::{
    Activity, ActivityImage, BatchItem, BatchResponse, Conversation, Friend, Invitation, Message,
    NewActivity, NewInvitation, NewMessage, Presence, StatusUpdate,
};
use messenger_connect::models::{
    Contact, ContactAddress, ContactEmail, ContactName, ContactNameUpdate, ContactOrganization,
    ContactPhoneNumber, ContactUpdate, DeviceAuthorization, Introspection, Me, MeUpdate,
    NameUpdate, NewContact, Permissions, PocoPage, PublicProfile, Status, UserInfo,
};
use messenger_connect::{DeltaChange, Page, TokenResponse};
use messenger_connect_mock::control::{ActAs, TokenRequest};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use common::schema::{component, validate};

struct Check {
    env: Env,
    spec: Value,
    token: String,
}

impl Check {
    async fn new() -> Check {
        let env = Env::with(messenger_connect_mock::MockConfig {
            friends_per_user: 2,
            activities_per_user: 2,
            ..messenger_connect_mock::MockConfig::default()
        });
        let app = env.app(false).await;
        let mut scopes = CONTACT_SCOPES.to_vec();
        scopes.extend(["openid", "email", "profile.write"]);
        scopes.extend([
            "status.write",
            "friends.read",
            "friends.invite",
            "feed.read",
            "feed.write",
            "chat",
        ]);
        let tokens = env.mint(0, &app, &scopes, None).await;
        let spec: Value = env
            .http
            .get(format!("{}/openapi.json", env.base))
            .send()
            .await
            .expect("the spec is served")
            .json()
            .await
            .expect("the spec is JSON");
        Check {
            env,
            spec,
            token: tokens.access_token.expose().to_string(),
        }
    }

    /// A raw GET with the bearer token.
    async fn get(&self, path: &str) -> Value {
        let resp = self
            .env
            .http
            .get(format!("{}{path}", self.env.base))
            .bearer_auth(&self.token)
            .send()
            .await
            .expect("request");
        resp.json().await.expect("json")
    }

    fn valid(&self, schema: &str, value: &Value, what: &str) {
        let errors = validate(&self.spec, component(&self.spec, schema), value);
        assert!(
            errors.is_empty(),
            "{what} is not a valid {schema}: {errors:#?}\n{value:#}"
        );
    }

    /// The server's JSON and the client's re-encoding both validate, and are equal.
    fn both<T: Serialize + DeserializeOwned>(&self, schema: &str, server: &Value) -> T {
        self.valid(schema, server, "the server's JSON");
        let model: T = serde_json::from_value(server.clone())
            .unwrap_or_else(|e| panic!("{schema} decodes: {e}"));
        let ours = serde_json::to_value(&model).expect("encode");
        self.valid(schema, &ours, "the client's JSON");
        assert_eq!(
            &ours, server,
            "{schema}: decoding then encoding lost or changed something"
        );
        model
    }

    /// Like `both`, for partial objects: both validate, no equality.
    fn partial<T: Serialize + DeserializeOwned>(&self, schema: &str, server: &Value) {
        self.valid(schema, server, "the server's JSON");
        let model: T = serde_json::from_value(server.clone())
            .unwrap_or_else(|e| panic!("{schema} decodes: {e}"));
        self.valid(
            schema,
            &serde_json::to_value(&model).expect("encode"),
            "the client's JSON",
        );
    }

    /// A value only the client sends validates.
    fn sent<T: Serialize>(&self, schema: &str, model: &T) {
        let ours = serde_json::to_value(model).expect("encode");
        self.valid(schema, &ours, "the client's JSON");
    }
}

fn full_contact() -> NewContact {
    NewContact {
        display_name: "Ada Lovelace".into(),
        name: Some(ContactName {
            given_name: Some("Ada".into()),
            family_name: Some("Lovelace".into()),
            middle_name: Some("King".into()),
            formatted: Some("Ada King Lovelace".into()),
            ..ContactName::default()
        }),
        nickname: Some("Ada".into()),
        emails: vec![ContactEmail {
            primary: Some(true),
            ..ContactEmail::new("ada@example.com", "work")
        }],
        phone_numbers: vec![ContactPhoneNumber {
            value: "+44 20 1234 5678".into(),
            kind: Some("mobile".into()),
            ..ContactPhoneNumber::default()
        }],
        addresses: vec![ContactAddress {
            kind: Some("home".into()),
            locality: Some("London".into()),
            country: Some("UK".into()),
            ..ContactAddress::default()
        }],
        organizations: vec![ContactOrganization {
            name: "Analytical Engines".into(),
            title: Some("Programmer".into()),
            ..ContactOrganization::default()
        }],
        birthday: chrono::NaiveDate::from_ymd_opt(1815, 12, 10),
        note: Some("first programmer".into()),
        tags: vec!["math".into()],
    }
}

#[tokio::test]
async fn profile_models_match_the_spec() {
    let c = Check::new().await;
    let me: Me = c.both("Me", &c.get("/v1/me").await);
    c.both::<Status>("Status", &c.get("/v1/me/status").await);
    c.both::<PublicProfile>(
        "PublicProfile",
        &c.get(&format!("/v1/users/{}", me.id)).await,
    );
    c.both::<Permissions>("Permissions", &c.get("/v1/me/permissions").await);
    c.both::<UserInfo>("UserInfo", &c.get("/oauth/userinfo").await);
    c.sent(
        "MeUpdate",
        &MeUpdate {
            display_name: Some("New Name".into()),
            name: Some(NameUpdate {
                given_name: Some("New".into()),
                family_name: Some("Name".into()),
            }),
            photo: Some(None),
            locale: Some("en-GB".into()),
        },
    );
    c.valid("Error", &c.get("/v1/users/nobody").await, "an error");
}

#[tokio::test]
async fn contact_models_match_the_spec() {
    let c = Check::new().await;
    let client = c
        .env
        .builder(&common::App {
            id: "unused".into(),
            secret: None,
        })
        .tokens(messenger_connect::TokenSet::bearer(&c.token))
        .build()
        .expect("client");
    c.sent("ContactCreate", &full_contact());
    let created = client
        .create_contact(&full_contact())
        .await
        .expect("create");
    let server = c.get(&format!("/v1/me/contacts/{}", created.id)).await;
    let contact: Contact = c.both("Contact", &server);
    assert_eq!(contact, created);
    assert!(
        contact.extra.is_empty(),
        "every field known: {:?}",
        contact.extra
    );

    c.sent(
        "ContactUpdate",
        &ContactUpdate {
            display_name: Some("Ada K.".into()),
            name: Some(ContactNameUpdate {
                middle_name: Some(None),
                given_name: Some(Some("Augusta".into())),
                ..ContactNameUpdate::default()
            }),
            nickname: Some(None),
            emails: Some(vec![ContactEmail::new("a@b.co", "home")]),
            birthday: Some(None),
            note: Some(Some("n".into())),
            tags: Some(vec![]),
            ..ContactUpdate::default()
        },
    );
    c.both::<Page<Contact>>(
        "ContactCollection",
        &c.get("/v1/me/contacts?$top=3&$count=true").await,
    );
    c.both::<PocoPage>(
        "PocoCollection",
        &c.get("/portablecontacts/@me/@all?count=2").await,
    );
    // Partial contacts ($select, PoCo `fields`) decode; re-encoded, the fields not
    // selected carry their defaults, which the schema accepts too.
    c.partial::<Page<Contact>>(
        "ContactCollection",
        &c.get("/v1/me/contacts?$top=2&$select=displayName,emails")
            .await,
    );
    c.partial::<PocoPage>(
        "PocoCollection",
        &c.get("/portablecontacts/@me/@all?count=2&fields=displayName")
            .await,
    );

    let first = c.get("/v1/me/contacts/delta?$top=100").await;
    c.both::<Page<DeltaChange<Contact>>>("ContactDeltaPage", &first);
    client
        .delete_contact(&created.id, None)
        .await
        .expect("delete");
    let link = first["@odata.deltaLink"]
        .as_str()
        .expect("delta link")
        .to_string();
    let path = link
        .strip_prefix(&c.env.base)
        .expect("same origin")
        .to_string();
    let changes = c.get(&path).await;
    let page: Page<DeltaChange<Contact>> = c.both("ContactDeltaPage", &changes);
    assert!(matches!(&page.items[..], [DeltaChange::Removed { id, .. }] if id == &created.id));
}

impl Check {
    fn client(&self) -> messenger_connect::Client {
        self.env
            .builder(&common::App {
                id: "unused".into(),
                secret: None,
            })
            .tokens(messenger_connect::TokenSet::bearer(&self.token))
            .build()
            .expect("client")
    }
}

#[tokio::test]
async fn social_models_match_the_spec() {
    let c = Check::new().await;
    let client = c.client();
    let friend = c.env.users[1].id.clone();
    c.env
        .control
        .act_as(
            &ActAs::new(&friend, "PUT", "status")
                .body(json!({"message": "out", "presence": "away"})),
        )
        .await
        .expect("status set");
    let friends: Page<Friend> = c.both(
        "FriendCollection",
        &c.get("/v1/me/friends?$count=true").await,
    );
    assert!(friends.items.iter().any(|f| f.status.is_some()));
    c.sent(
        "StatusUpdate",
        &StatusUpdate {
            message: Some("hi".into()),
            presence: Some(Presence::Busy),
        },
    );
    c.sent(
        "InvitationCreate",
        &NewInvitation::email("x@example.com").with_message("hello"),
    );
    c.sent("InvitationCreate", &NewInvitation::contact("c1"));
    let inv = client
        .invite_email("someone@example.com", Some("join"))
        .await
        .expect("invite");
    let invitations: Page<Invitation> =
        c.both("InvitationCollection", &c.get("/v1/me/invitations").await);
    assert_eq!(invitations.items, vec![inv]);

    let mut share = NewActivity::share("https://example.com/x");
    share.name = Some("X".into());
    share.content = Some("look".into());
    share.image = Some(ActivityImage::new("https://example.com/x.png"));
    c.sent("ActivityCreate", &share);
    let created = client.create_activity(&share).await.expect("activity");
    c.both::<Activity>(
        "Activity",
        &c.get(&format!("/v1/me/activities/{}", created.id)).await,
    );
    c.both::<Page<Activity>>("ActivityCollection", &c.get("/v1/me/feed?$top=50").await);
    c.both::<Page<Activity>>("ActivityCollection", &c.get("/v1/me/activities").await);

    let conv = client
        .conversation_with(&friend)
        .await
        .expect("conversation");
    let message = NewMessage::new("hello").with_client_message_id("cm-1");
    c.sent("MessageCreate", &message);
    c.sent("MessageCreate", &NewMessage::new("no id"));
    client.send_message(&conv.id, &message).await.expect("send");
    c.both::<Page<Conversation>>(
        "ConversationCollection",
        &c.get("/v1/me/conversations").await,
    );
    c.both::<Page<Message>>(
        "MessageCollection",
        &c.get(&format!("/v1/me/conversations/{}/messages", conv.id))
            .await,
    );

    let items = vec![
        BatchItem::new("a", "GET", "/me"),
        BatchItem::new("b", "POST", "/me/activities")
            .with_body(json!({"type": "Like"}))
            .with_header("Idempotency-Key", "k-1")
            .depends_on(["a"]),
        BatchItem::new("c", "GET", "/me/nothing-here"),
    ];
    let request = json!({ "requests": items });
    c.valid("BatchRequest", &request, "the client's JSON");
    let server: Value = c
        .env
        .http
        .post(format!("{}/v1/$batch", c.env.base))
        .bearer_auth(&c.token)
        .json(&request)
        .send()
        .await
        .expect("batch")
        .json()
        .await
        .expect("json");
    c.valid("BatchResponse", &server, "the server's JSON");
    for item in server["responses"].as_array().expect("responses") {
        c.both::<BatchResponse>("BatchResponseItem", item);
    }

    // Logged events as the socket sends them.
    let log = c.env.control.events(&c.env.users[0].id, 0).expect("log");
    assert!(!log.events.is_empty());
    for frame in &log.events {
        c.valid("EventFrame", frame, "the server's frame");
    }
}

#[tokio::test]
async fn oauth_models_match_the_spec() {
    let c = Check::new().await;
    let app = c.env.app(false).await;
    let minted = c.env.control.mint_token(&TokenRequest {
        user_id: c.env.users[0].id.clone(),
        client_id: app.id.clone(),
        scopes: vec!["openid".into(), "offline_access".into(), "profile".into()],
        expires_in: None,
    });
    let minted = serde_json::to_value(minted.expect("minted")).expect("JSON");
    c.both::<TokenResponse>("TokenResponse", &minted);
    let form = |token: &str| vec![("token".to_string(), token.to_string())];
    let basic = (app.id.clone(), app.secret.clone());
    let post = |path: &'static str, f: Vec<(String, String)>| {
        let req = c
            .env
            .http
            .post(format!("{}{path}", c.env.base))
            .basic_auth(&basic.0, basic.1.as_ref())
            .form(&f);
        async move {
            req.send()
                .await
                .expect("post")
                .json::<Value>()
                .await
                .expect("json")
        }
    };
    let active = post(
        "/oauth/introspect",
        form(minted["access_token"].as_str().unwrap()),
    )
    .await;
    c.both::<Introspection>("IntrospectionResponse", &active);
    let inactive = post("/oauth/introspect", form("nope")).await;
    c.both::<Introspection>("IntrospectionResponse", &inactive);
    let device = post(
        "/oauth/device_authorization",
        vec![("scope".into(), "profile".into())],
    )
    .await;
    c.both::<DeviceAuthorization>("DeviceAuthorizationResponse", &device);
}

#[test]
fn unknown_fields_are_kept() {
    let json = json!({"id": "c1", "displayName": "X", "futureField": {"a": 1}, "name": {"honorific": "Dr"}});
    let contact: Contact = serde_json::from_value(json.clone()).expect("decodes");
    assert_eq!(contact.extra["futureField"], json!({"a": 1}));
    assert_eq!(contact.name.extra["honorific"], "Dr");
    let back = serde_json::to_value(&contact).expect("encodes");
    assert_eq!(back["futureField"], json["futureField"]);
    assert_eq!(back["name"]["honorific"], "Dr");
    let me: Me = serde_json::from_value(json!({"id": "u1", "presence": "dancing"}))
        .expect("unknown presence");
    assert_eq!(me.presence.as_str(), "dancing");
}

#[tokio::test]
async fn the_validator_catches_mismatches() {
    let c = Check::new().await;
    let contact = component(&c.spec, "Contact");
    let good = serde_json::to_value(Contact {
        etag: Some("\"1\"".into()),
        id: "c1".into(),
        display_name: "X".into(),
        published: Some(chrono::Utc::now()),
        updated: Some(chrono::Utc::now()),
        ..Contact::default()
    })
    .expect("encode");
    assert!(validate(&c.spec, contact, &good).is_empty());
    for (field, bad) in [
        ("id", Value::Null),
        ("isFriend", json!("yes")),
        (
            "emails",
            json!([{"value": "a@b.co", "type": "carrier-pigeon"}]),
        ),
        ("updated", json!("yesterday")),
        ("birthday", json!("1815-13-45")),
    ] {
        let mut v = good.clone();
        v[field] = bad;
        assert!(
            !validate(&c.spec, contact, &v).is_empty(),
            "{field} should be refused"
        );
    }
    let mut missing = good.clone();
    missing.as_object_mut().unwrap().remove("displayName");
    assert!(!validate(&c.spec, contact, &missing).is_empty());
    let removed = json!({"id": "c1", "@removed": {"reason": "eaten"}});
    let page = json!({"value": [removed]});
    assert!(!validate(&c.spec, component(&c.spec, "ContactDeltaPage"), &page).is_empty());
}

//! Core's vocabulary against the spec the mock serves (`GET /openapi.json`): every limit
//! of `messenger_connect::limits` is the spec's `minLength`/`maxLength`/`maxItems` of the
//! field it names, every enum's `ALL` is the spec's `enum`, so neither is written twice;
//! and the limits the spec does not state are the mock's own.

mod common;

use common::Env;
use messenger_connect::limits::{self, Length};
use messenger_connect::models::{
    ActivityType, AddressType, EmailType, EventType, InvitationStatus, PhoneType, Presence, Scope,
};
use messenger_connect::{MAX_BATCH_ITEMS, MAX_PAGE_SIZE, PocoFilterOp, TokenTypeHint};
use serde_json::Value;

async fn spec() -> Value {
    let env = Env::start();
    let response = env
        .http
        .get(format!("{}/openapi.json", env.base))
        .send()
        .await
        .expect("GET /openapi.json");
    assert_eq!(response.status().as_u16(), 200);
    response.json().await.expect("the spec is JSON")
}

/// The value at a JSON pointer of the spec (resolving the `$ref`s on the way).
fn at<'a>(spec: &'a Value, pointer: &str) -> &'a Value {
    let mut here = spec;
    for token in pointer.trim_start_matches('/').split('/') {
        while let Some(r) = here.get("$ref").and_then(Value::as_str) {
            here = spec
                .pointer(r.trim_start_matches('#'))
                .expect("$ref resolves");
        }
        let token = token.replace("~1", "/").replace("~0", "~");
        here = match here {
            Value::Array(a) => &a[token.parse::<usize>().expect("index")],
            _ => &here[token.as_str()],
        };
        assert!(!here.is_null(), "the spec has nothing at {pointer}");
    }
    here
}

fn number(spec: &Value, pointer: &str) -> usize {
    at(spec, pointer)
        .as_u64()
        .unwrap_or_else(|| panic!("{pointer} is not a number")) as usize
}

#[tokio::test]
async fn limits_are_the_specs() {
    let spec = spec().await;
    let s = "/components/schemas";
    let p = "/components/parameters";
    let texts: &[(Length, &str)] = &[
        (limits::STATUS_MESSAGE, "StatusUpdate/properties/message"),
        (
            limits::CONTACT_DISPLAY_NAME,
            "ContactCreate/properties/displayName",
        ),
        (
            limits::CONTACT_DISPLAY_NAME,
            "ContactUpdate/properties/displayName",
        ),
        (limits::CONTACT_NOTE, "ContactCreate/properties/note"),
        (limits::CONTACT_NOTE, "ContactUpdate/properties/note"),
        (limits::CONTACT_TAG, "ContactCreate/properties/tags/items"),
        (
            limits::INVITATION_MESSAGE,
            "InvitationCreate/properties/message",
        ),
        (
            limits::ACTIVITY_CONTENT,
            "ActivityCreate/properties/content",
        ),
        (limits::ACTIVITY_NAME, "ActivityCreate/properties/name"),
        (limits::ACTIVITY_URL, "ActivityCreate/properties/url"),
        (
            limits::ACTIVITY_URL,
            "ActivityCreate/properties/image/properties/url",
        ),
        (limits::MESSAGE_TEXT, "MessageCreate/properties/text"),
        (
            limits::CLIENT_MESSAGE_ID,
            "MessageCreate/properties/clientMessageId",
        ),
        (limits::BATCH_ITEM_ID, "BatchRequestItem/properties/id"),
    ];
    for (limit, path) in texts {
        let schema = at(&spec, &format!("{s}/{path}"));
        let min = schema.get("minLength").and_then(Value::as_u64).unwrap_or(0) as usize;
        assert_eq!(
            (limit.min, limit.max),
            (min, number(schema, "/maxLength")),
            "{path}"
        );
    }
    let lists: &[(Length, &str)] = &[
        (limits::CONTACT_EMAILS, "ContactCreate/properties/emails"),
        (
            limits::CONTACT_PHONE_NUMBERS,
            "ContactCreate/properties/phoneNumbers",
        ),
        (
            limits::CONTACT_ADDRESSES,
            "ContactCreate/properties/addresses",
        ),
        (
            limits::CONTACT_ORGANIZATIONS,
            "ContactCreate/properties/organizations",
        ),
        (limits::CONTACT_TAGS, "ContactCreate/properties/tags"),
        (
            limits::CONVERSATION_MEMBERS,
            "ConversationCreate/properties/members",
        ),
    ];
    for (limit, path) in lists {
        let schema = at(&spec, &format!("{s}/{path}"));
        let min = schema.get("minItems").and_then(Value::as_u64).unwrap_or(0) as usize;
        assert_eq!(
            (limit.min, limit.max),
            (min, number(schema, "/maxItems")),
            "{path}"
        );
    }
    let key = at(&spec, &format!("{p}/IdempotencyKey/schema"));
    assert_eq!(
        (limits::IDEMPOTENCY_KEY.min, limits::IDEMPOTENCY_KEY.max),
        (number(key, "/minLength"), number(key, "/maxLength"))
    );
    let batch = format!("{s}/BatchRequestItem/properties/url/maxLength");
    assert_eq!(limits::BATCH_URL_CHARS, number(&spec, &batch));
    let batch = format!("{s}/BatchRequest/properties/requests/maxItems");
    assert_eq!(MAX_BATCH_ITEMS, number(&spec, &batch));
    assert_eq!(
        MAX_PAGE_SIZE as usize,
        number(&spec, &format!("{p}/Top/schema/maximum"))
    );
    assert_eq!(
        MAX_PAGE_SIZE as usize,
        number(&spec, &format!("{p}/DeltaTop/schema/maximum"))
    );
}

#[test]
fn limits_the_spec_does_not_state_are_the_mocks() {
    use messenger_connect_mock::odata::filter::{MAX_DEPTH, MAX_FILTER_LEN};
    assert_eq!(limits::MAX_FILTER_CHARS, MAX_FILTER_LEN);
    // Each level of a filter adds at most one level of parentheses or a function call.
    const { assert!(limits::MAX_FILTER_DEPTH < MAX_DEPTH) };
}

/// The wire values of an enum's `ALL`.
fn wire<T: std::fmt::Display>(all: &[T]) -> Vec<String> {
    all.iter().map(ToString::to_string).collect()
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .expect("an array")
        .iter()
        .map(|x| x.as_str().expect("a string").to_string())
        .collect()
}

#[tokio::test]
async fn enums_are_the_specs() {
    let spec = spec().await;
    let s = |path: &str| strings(at(&spec, &format!("/components/schemas/{path}")));
    let p = |path: &str| strings(at(&spec, &format!("/components/parameters/{path}")));
    assert_eq!(wire(Presence::ALL), s("Presence/enum"));
    assert_eq!(wire(ActivityType::ALL), s("ActivityType/enum"));
    assert_eq!(
        wire(InvitationStatus::ALL),
        s("Invitation/properties/status/enum")
    );
    assert_eq!(wire(Scope::ALL), s("Scope/enum"));
    assert_eq!(wire(EmailType::ALL), s("ContactEmail/properties/type/enum"));
    assert_eq!(wire(EmailType::ALL), s("MeEmail/properties/type/enum"));
    assert_eq!(
        wire(PhoneType::ALL),
        s("ContactPhoneNumber/properties/type/enum")
    );
    assert_eq!(
        wire(AddressType::ALL),
        s("ContactAddress/properties/type/enum")
    );
    assert_eq!(
        wire(TokenTypeHint::ALL),
        s("RevokeRequest/properties/token_type_hint/enum")
    );
    assert_eq!(wire(PocoFilterOp::ALL), p("PocoFilterOp/schema/enum"));
    let mut events = s("EventFrame/properties/type/examples");
    events.push(
        at(
            &spec,
            "/components/schemas/TypingFrame/properties/type/const",
        )
        .as_str()
        .expect("const")
        .into(),
    );
    events.push(
        at(
            &spec,
            "/components/schemas/ResyncFrame/properties/type/const",
        )
        .as_str()
        .expect("const")
        .into(),
    );
    assert_eq!(wire(EventType::ALL), events);
    // The mock's own list of scopes is the same set.
    assert_eq!(wire(Scope::ALL), messenger_connect_mock::SCOPES);
}

#[test]
fn enums_keep_what_they_do_not_know() {
    let p: Presence = "dnd".parse().expect("infallible");
    assert_eq!(p, Presence::Unknown("dnd".into()));
    assert_eq!(p.to_string(), "dnd");
    assert!(!p.is_known() && Presence::Busy.is_known());
    assert_eq!(serde_json::to_value(&p).expect("serializes"), "dnd");
    let err = p.check("presence").expect_err("unknown");
    assert_eq!(err.kind(), messenger_connect::ErrorKind::InvalidArgument);
    assert!(
        err.to_string()
            .contains("online, away, busy, invisible, offline"),
        "{err}"
    );
    fn round_trips<T>(all: &[T])
    where
        T: std::fmt::Display + std::str::FromStr + PartialEq + std::fmt::Debug,
        T::Err: std::fmt::Debug,
    {
        for value in all {
            assert_eq!(&value.to_string().parse::<T>().expect("parses"), value);
        }
    }
    round_trips(Presence::ALL);
    round_trips(ActivityType::ALL);
    round_trips(EventType::ALL);
    round_trips(Scope::ALL);
    round_trips(PocoFilterOp::ALL);
    round_trips(messenger_connect::ErrorKind::ALL);
    let order: messenger_connect::Order = "desc".parse().expect("desc");
    assert_eq!(order, messenger_connect::Order::Desc);
    let err = "down"
        .parse::<messenger_connect::Order>()
        .expect_err("closed");
    assert!(
        matches!(err, messenger_connect::Error::InvalidArgument { ref name, .. } if name == "order")
    );
}

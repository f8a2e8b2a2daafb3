//! `--fixtures file.json`: users, apps, contacts, friendships and activities loaded after
//! the generated data, at start and after every `POST /_mock/reset`.
//!
//! ```json
//! {
//!   "users": [{"id": "u-alice", "email": "alice@example.test", "password": "pw",
//!              "displayName": "Alice Example"}],
//!   "apps": [{"clientId": "ci-app", "clientSecret": "ci-secret", "name": "CI",
//!             "redirectUris": ["http://127.0.0.1:9/cb"], "public": false}],
//!   "contacts": {"u-alice": [{"id": "c-bob", "displayName": "Bob"}]},
//!   "friends": [["u-alice", "u-bob"]],
//!   "activities": {"u-alice": [{"type": "Note", "content": "Hello"}]}
//! }
//! ```
//!
//! Every part is optional. Each item is checked by the same rules as the API request
//! that would create it (`POST /_mock/users`, `POST /_mock/clients`,
//! `POST /v1/me/contacts`, `POST /v1/me/activities`; the `MockFixtures` schema of the
//! spec): an error names the item by its path, e.g. `contacts/u-alice/0/emails/0/value`.
//! Users in `contacts`, `friends` and `activities` are named by id or email, and may be
//! generated ones. Unknown top-level keys are refused (a typo must not be ignored).

use serde_json::{Map, Value, json};

use crate::clock::rfc3339;
use crate::control::{self, NewApp, NewUser, ops};
use crate::error::ApiError;
use crate::resources::contacts::{Meta, representation};
use crate::spec::Spec;
use crate::state::{StoredContact, World};
use crate::validate;

const PARTS: &[&str] = &["users", "apps", "contacts", "friends", "activities"];
/// Longest accepted id of a fixture user, app or contact.
const MAX_ID: usize = 100;

/// An app of the fixtures: its fixed client id and secret (if given) and its fields.
#[derive(Clone)]
struct FixtureApp {
    id: Option<String>,
    secret: Option<String>,
    app: NewApp,
}

impl std::fmt::Debug for FixtureApp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FixtureApp")
            .field("id", &self.id)
            .field("app", &self.app)
            .finish_non_exhaustive()
    }
}

/// A user's fixture contacts: (fixed id, fields).
type FixtureContacts = (String, Vec<(Option<String>, Value)>);

/// A checked fixture document.
#[derive(Debug, Clone)]
pub struct Fixtures {
    users: Vec<(Option<String>, NewUser)>,
    apps: Vec<FixtureApp>,
    contacts: Vec<FixtureContacts>,
    friends: Vec<(String, String)>,
    activities: Vec<(String, Vec<Map<String, Value>>)>,
}

/// `err` with its target prefixed by where the item sits in the document.
fn at(prefix: &str, err: ApiError) -> String {
    match err.target {
        Some(t) if t != "body" => format!("{prefix}/{t}: {}", err.message),
        _ => format!("{prefix}: {}", err.message),
    }
}

fn id_field(map: &Map<String, Value>, key: &str, prefix: &str) -> Result<Option<String>, String> {
    match map.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => {
            let id = validate::string(v, key, 1, MAX_ID).map_err(|e| at(prefix, e))?;
            if !id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
            {
                return Err(format!(
                    "{prefix}/{key}: an id may only hold letters, digits, '-', '_' and '.'"
                ));
            }
            Ok(Some(id))
        }
    }
}

fn per_user<'a>(
    doc: &'a Map<String, Value>,
    part: &str,
) -> Result<Vec<(&'a String, &'a Vec<Value>)>, String> {
    match doc.get(part) {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Object(m)) => m
            .iter()
            .map(|(user, items)| match items {
                Value::Array(a) => Ok((user, a)),
                _ => Err(format!("{part}/{user}: must be an array")),
            })
            .collect(),
        Some(_) => Err(format!(
            "{part}: must be an object of arrays by user id or email"
        )),
    }
}

fn list<'a>(doc: &'a Map<String, Value>, part: &str) -> Result<&'a [Value], String> {
    match doc.get(part) {
        None | Some(Value::Null) => Ok(&[]),
        Some(Value::Array(a)) => Ok(a),
        Some(_) => Err(format!("{part}: must be an array")),
    }
}

fn object<'a>(v: &'a Value, prefix: &str) -> Result<&'a Map<String, Value>, String> {
    v.as_object()
        .ok_or_else(|| format!("{prefix}: must be an object"))
}

impl Fixtures {
    /// Checks a fixture document; the error names the first item at fault.
    pub fn parse(doc: &Value, _spec: &Spec) -> Result<Fixtures, String> {
        let fail = |e: String| format!("fixtures: {e}");
        Self::parse_inner(doc).map_err(fail)
    }

    fn parse_inner(doc: &Value) -> Result<Fixtures, String> {
        let doc = object(doc, "the document")?;
        if let Some(k) = doc.keys().find(|k| !PARTS.contains(&k.as_str())) {
            return Err(format!(
                "unknown part '{k}' (expected {})",
                PARTS.join(", ")
            ));
        }
        let mut users = Vec::new();
        for (i, u) in list(doc, "users")?.iter().enumerate() {
            let prefix = format!("users/{i}");
            let map = object(u, &prefix)?;
            let id = id_field(map, "id", &prefix)?;
            let user: NewUser = control::parse_map(map).map_err(|e| at(&prefix, e))?;
            ops::user_fields(&user).map_err(|e| at(&prefix, e))?;
            users.push((id, user));
        }
        let mut apps = Vec::new();
        for (i, a) in list(doc, "apps")?.iter().enumerate() {
            let prefix = format!("apps/{i}");
            let map = object(a, &prefix)?;
            let id = id_field(map, "clientId", &prefix)?;
            let secret = match map.get("clientSecret") {
                None | Some(Value::Null) => None,
                Some(v) => {
                    Some(validate::string(v, "clientSecret", 8, 256).map_err(|e| at(&prefix, e))?)
                }
            };
            let app: NewApp = control::parse_map(map).map_err(|e| at(&prefix, e))?;
            ops::app_fields(&app).map_err(|e| at(&prefix, e))?;
            apps.push(FixtureApp { id, secret, app });
        }
        let mut contacts = Vec::new();
        for (user, items) in per_user(doc, "contacts")? {
            let mut out = Vec::new();
            for (i, c) in items.iter().enumerate() {
                let prefix = format!("contacts/{user}/{i}");
                let map = object(c, &prefix)?;
                let id = id_field(map, "id", &prefix)?;
                let fields = Value::Object(map.clone());
                representation(
                    &fields,
                    &meta(id.clone().unwrap_or_default(), 0, Default::default()),
                )
                .map_err(|e| at(&prefix, e))?;
                out.push((id, fields));
            }
            contacts.push((user.clone(), out));
        }
        let mut friends = Vec::new();
        for (i, pair) in list(doc, "friends")?.iter().enumerate() {
            match pair.as_array().map(Vec::as_slice) {
                Some([Value::String(a), Value::String(b)]) if a != b => {
                    friends.push((a.clone(), b.clone()))
                }
                _ => {
                    return Err(format!(
                        "friends/{i}: must be a pair of two different users [\"id or email\", \"id or email\"]"
                    ));
                }
            }
        }
        let mut activities = Vec::new();
        for (user, items) in per_user(doc, "activities")? {
            let mut out = Vec::new();
            for (i, a) in items.iter().enumerate() {
                let prefix = format!("activities/{user}/{i}");
                let map = object(a, &prefix)?;
                out.push(crate::resources::activities::fields(map).map_err(|e| at(&prefix, e))?);
            }
            activities.push((user.clone(), out));
        }
        Ok(Fixtures {
            users,
            apps,
            contacts,
            friends,
            activities,
        })
    }

    /// Adds everything to the world (after the generated data). Fails when an item
    /// clashes with existing data or names a user that does not exist.
    pub fn apply(&self, world: &mut World) -> Result<(), String> {
        let fail = |e: String| format!("fixtures: {e}");
        for (i, (id, user)) in self.users.iter().enumerate() {
            let prefix = format!("users/{i}");
            let fields = ops::user_fields(user).map_err(|e| fail(at(&prefix, e)))?;
            ops::add_user(world, id.clone(), fields).map_err(|e| fail(at(&prefix, e)))?;
        }
        for (i, a) in self.apps.iter().enumerate() {
            let prefix = format!("apps/{i}");
            let fields = ops::app_fields(&a.app).map_err(|e| fail(at(&prefix, e)))?;
            ops::add_app(world, fields, a.id.clone(), a.secret.clone())
                .map_err(|e| fail(at(&prefix, e)))?;
        }
        let now = world.now();
        for (user, items) in &self.contacts {
            let owner = resolve(world, user).map_err(|e| fail(format!("contacts/{user}: {e}")))?;
            for (i, (id, fields)) in items.iter().enumerate() {
                let id = match id {
                    Some(id) => id.clone(),
                    None => world.new_id("c"),
                };
                let exists = world
                    .contacts
                    .get(&owner)
                    .is_some_and(|b| b.items.contains_key(&id));
                if exists {
                    return Err(fail(format!(
                        "contacts/{user}/{i}/id: the user already has a contact '{id}'"
                    )));
                }
                let version = world.next_version();
                let value = representation(fields, &meta(id.clone(), version, now))
                    .map_err(|e| fail(at(&format!("contacts/{user}/{i}"), e)))?;
                let book = world.contacts.entry(owner.clone()).or_default();
                book.sorted.clear();
                book.items.insert(id, StoredContact::new(value));
            }
        }
        for (i, (a, b)) in self.friends.iter().enumerate() {
            let a = resolve(world, a).map_err(|e| fail(format!("friends/{i}: {e}")))?;
            let b = resolve(world, b).map_err(|e| fail(format!("friends/{i}: {e}")))?;
            world.social.befriend(&a, &b, now);
        }
        for (user, items) in &self.activities {
            let author =
                resolve(world, user).map_err(|e| fail(format!("activities/{user}: {e}")))?;
            for fields in items {
                let id = world.new_id("a");
                let mut value = json!({
                    "id": id,
                    "published": rfc3339(now),
                    "generator": { "id": "mock-fixtures", "name": "Mock fixtures" },
                });
                for (k, v) in fields {
                    value[k.as_str()] = v.clone();
                }
                crate::resources::social::post_activity(world, &author, value);
            }
        }
        Ok(())
    }
}

fn meta(id: String, version: u64, at: chrono::DateTime<chrono::Utc>) -> Meta {
    Meta {
        id,
        version,
        published: at,
        updated: at,
        is_friend: false,
        friend_id: None,
    }
}

/// A user named by id or email.
fn resolve(world: &World, user: &str) -> Result<String, String> {
    world
        .user_by_hint(user)
        .map(|u| u.id.clone())
        .ok_or_else(|| format!("no user with the id or email '{user}'"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(v: Value) -> Result<Fixtures, String> {
        Fixtures::parse_inner(&v)
    }

    #[test]
    fn errors_name_the_item_at_fault() {
        let e = parse(json!({"users": [{"email": "a@x.test", "password": "p", "displayName": "A"}, {"email": "nope", "password": "p", "displayName": "B"}]})).unwrap_err();
        assert!(e.starts_with("users/1/email: "), "{e}");
        let e = parse(
            json!({"contacts": {"u1": [{"displayName": "C", "emails": [{"value": "bad"}]}]}}),
        )
        .unwrap_err();
        assert!(e.starts_with("contacts/u1/0/emails/0/value: "), "{e}");
        let e = parse(json!({"activities": {"u1": [{"type": "Poke"}]}})).unwrap_err();
        assert!(e.starts_with("activities/u1/0/type: "), "{e}");
        let e = parse(json!({"apps": [{"name": "A", "scopes": ["root"]}]})).unwrap_err();
        assert!(e.starts_with("apps/0/scopes/0: "), "{e}");
        let e = parse(json!({"friend": []})).unwrap_err();
        assert!(e.contains("unknown part 'friend'"), "{e}");
        let e = parse(json!({"friends": [["a", "a"]]})).unwrap_err();
        assert!(e.starts_with("friends/0: "), "{e}");
        let e = parse(json!({"users": [{"id": "a b", "email": "a@x.test", "password": "p", "displayName": "A"}]})).unwrap_err();
        assert!(e.starts_with("users/0/id: "), "{e}");
        assert!(parse(json!({})).is_ok());
    }
}

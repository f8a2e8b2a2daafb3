//! State and shared helpers of the social part of the contract (DESIGN §2.8): friendships,
//! invitations, activities and conversations, the OData listing they all use, and their
//! seed data.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::{Value, json};

use crate::clock::rfc3339;
use crate::state::{User, World};

/// A pending, accepted or cancelled invitation.
#[derive(Debug, Clone)]
pub struct Invitation {
    /// The inviting user.
    pub owner: String,
    /// Its JSON representation.
    pub value: Value,
}

/// A posted activity.
#[derive(Debug, Clone)]
pub struct Activity {
    /// The author's user id.
    pub author: String,
    /// Position in the world's activity sequence (grows with every post).
    pub seq: u64,
    /// Its JSON representation.
    pub value: Arc<Value>,
}

/// A conversation and its messages.
#[derive(Debug, Clone)]
pub struct Conversation {
    /// Member user ids (the creator first).
    pub members: Vec<String>,
    /// Creation time.
    pub created: DateTime<Utc>,
    /// Sequence number of the last event (creation or message), for "most recent first".
    pub last_seq: u64,
    /// The last message, if any.
    pub last_message: Option<Arc<Value>>,
    /// Messages by sequence number (oldest first).
    pub messages: BTreeMap<u64, Arc<Value>>,
    /// (sender, clientMessageId) → message sequence number, for idempotent sends.
    pub client_ids: HashMap<(String, String), u64>,
}

/// The social graph, feed and chat.
#[derive(Debug, Default)]
pub struct Social {
    /// Friendships, symmetric: user id → friend id → since.
    pub friends: HashMap<String, BTreeMap<String, DateTime<Utc>>>,
    /// Invitations by id.
    pub invitations: BTreeMap<String, Invitation>,
    /// Activities by id.
    pub activities: HashMap<String, Activity>,
    /// Activity ids per author, by sequence number.
    pub by_author: HashMap<String, BTreeMap<u64, String>>,
    /// Conversations by id.
    pub conversations: BTreeMap<String, Conversation>,
    /// The last sequence number handed out (activities, conversations, messages).
    pub seq: u64,
}

impl Social {
    /// The next sequence number.
    pub fn next_seq(&mut self) -> u64 {
        self.seq += 1;
        self.seq
    }

    /// True when `a` and `b` are friends.
    pub fn are_friends(&self, a: &str, b: &str) -> bool {
        self.friends.get(a).is_some_and(|f| f.contains_key(b))
    }

    /// The friend ids of a user.
    pub fn friend_ids(&self, user: &str) -> Vec<String> {
        self.friends
            .get(user)
            .map(|f| f.keys().cloned().collect())
            .unwrap_or_default()
    }

    /// Makes `a` and `b` friends (both ways); returns false when they already were.
    pub fn befriend(&mut self, a: &str, b: &str, since: DateTime<Utc>) -> bool {
        if a == b || self.are_friends(a, b) {
            return false;
        }
        self.friends
            .entry(a.to_string())
            .or_default()
            .insert(b.to_string(), since);
        self.friends
            .entry(b.to_string())
            .or_default()
            .insert(a.to_string(), since);
        true
    }
}

/// The presence others see: `invisible` shows as `offline`.
pub fn visible_presence(presence: &str) -> &str {
    if presence == "invisible" {
        "offline"
    } else {
        presence
    }
}

/// `{id, displayName}` of a user (an unknown id shows its id as the name).
pub fn person(world: &World, id: &str) -> Value {
    let name = world
        .users
        .get(id)
        .map(|u| u.display_name.clone())
        .unwrap_or_else(|| id.to_string());
    json!({ "id": id, "displayName": name })
}

/// A friend as `/v1/me/friends` shows it.
pub fn friend_json(user: &User, since: DateTime<Utc>) -> Value {
    let mut v = json!({
        "id": user.id,
        "displayName": user.display_name,
        "presence": visible_presence(&user.presence),
        "since": rfc3339(since),
    });
    if let Some(photo) = &user.photo {
        v["photo"] = json!(photo);
    }
    if !user.status_message.is_empty() || user.status_updated.is_some() {
        v["status"] = json!({
            "message": user.status_message,
            "updated": user.status_updated.map(rfc3339),
        });
    }
    v
}

pub use super::collection::{Items, Window, list, list_window};

/// Default-order key for "oldest first" by sequence number.
pub fn ascending(seq: u64) -> String {
    format!("{seq:020}")
}

/// Default-order key for "newest first" by sequence number.
pub fn descending(seq: u64) -> String {
    format!("{:020}", u64::MAX - seq)
}

/// Records a new activity (already validated) and sends `activity.created` to the author
/// and the author's friends.
pub fn post_activity(world: &mut World, author: &str, mut value: Value) -> Arc<Value> {
    let seq = world.social.next_seq();
    let id = value["id"].as_str().unwrap_or_default().to_string();
    value["actor"] = person(world, author);
    let value = Arc::new(value);
    world.social.activities.insert(
        id.clone(),
        Activity {
            author: author.to_string(),
            seq,
            value: value.clone(),
        },
    );
    world
        .social
        .by_author
        .entry(author.to_string())
        .or_default()
        .insert(seq, id);
    let mut audience = world.social.friend_ids(author);
    audience.push(author.to_string());
    for user in audience {
        crate::events::publish(world, &user, "activity.created", (*value).clone());
    }
    value
}

/// The `generator` of an activity posted by `client_id`.
pub fn generator(world: &World, client_id: &str) -> Value {
    if client_id == crate::control::ACT_AS_CLIENT {
        return json!({ "id": client_id, "name": "Mock control plane" });
    }
    let name = world
        .clients
        .get(client_id)
        .map(|c| c.name.clone())
        .unwrap_or_else(|| client_id.to_string());
    json!({ "id": client_id, "name": name })
}

const NOTES: &[&str] = &[
    "Good morning!",
    "Shipping the new release today.",
    "Anyone up for lunch?",
    "Reading about keyset pagination.",
    "What a match last night.",
    "Back from holidays — 2 000 unread mails 😅",
    "Trying out a new café.",
    "Coffee first, then code.",
];

/// Seeds friendships (ring-style: user *i*, in id order, befriends the next
/// `friends_per_user` users, capped by users − 1) and `activities_per_user` notes per user.
pub fn seed(world: &mut World, seed: u64, friends_per_user: usize, activities_per_user: usize) {
    let now = crate::seed::seed_time();
    let ids: Vec<String> = world.users.keys().cloned().collect();
    let n = ids.len();
    let k = friends_per_user.min(n.saturating_sub(1));
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x5eed_f00d);
    for (i, a) in ids.iter().enumerate() {
        for step in 1..=k {
            let b = &ids[(i + step) % n];
            let since = now - Duration::days(rng.gen_range(1..=365));
            world.social.befriend(a, b, since);
        }
    }
    let generator = json!({ "id": "mock-seed", "name": "Mock seed data" });
    let total = activities_per_user.saturating_mul(n) as i64;
    let mut t = 0i64;
    for j in 0..activities_per_user {
        for author in &ids {
            t += 1;
            // Chronological in posting order, one minute apart, the last a minute ago.
            let published = now - Duration::minutes(total - t + 1);
            let id = world.new_id("a");
            let note = NOTES[rng.gen_range(0..NOTES.len())];
            let value = json!({
                "id": id,
                "type": "Note",
                "content": format!("{note} (#{})", j + 1),
                "published": rfc3339(published),
                "generator": generator,
            });
            let seq = world.social.next_seq();
            let mut value = value;
            value["actor"] = person(world, author);
            world.social.activities.insert(
                id.clone(),
                Activity {
                    author: author.clone(),
                    seq,
                    value: Arc::new(value),
                },
            );
            world
                .social
                .by_author
                .entry(author.clone())
                .or_default()
                .insert(seq, id);
        }
    }
}

/// The distinct user ids of a list, in order.
pub fn distinct(ids: impl IntoIterator<Item = String>) -> Vec<String> {
    let mut seen = BTreeSet::new();
    ids.into_iter()
        .filter(|id| seen.insert(id.clone()))
        .collect()
}

//! Deterministic seed data: the same seed gives the same users, contacts and secrets.

use chrono::Duration;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::json;

use crate::config::RateLimit;
use crate::resources::contacts::{Meta, representation};
use crate::state::{ContactBook, StoredContact, User, World};

/// What `POST /_mock/reset` (and start-up) builds.
#[derive(Debug, Clone)]
pub struct SeedParams {
    /// Seed of everything generated.
    pub seed: u64,
    /// Number of users.
    pub users: usize,
    /// Contacts per user.
    pub contacts_per_user: usize,
    /// Friends per user (ring-style, see `resources::social::seed`).
    pub friends_per_user: usize,
    /// Activities per user.
    pub activities_per_user: usize,
    /// Rate limit in force after the reset.
    pub rate_limit: RateLimit,
}

const GIVEN: &[&str] = &[
    "Ada",
    "Alan",
    "Grace",
    "Linus",
    "Margaret",
    "Dennis",
    "Barbara",
    "Ken",
    "Frances",
    "Tim",
    "Radia",
    "Vint",
    "Hedy",
    "John",
    "Katherine",
    "Edsger",
    "Sophie",
    "Guido",
    "Anita",
    "Bjarne",
    "Joan",
    "Niklaus",
    "Adele",
    "Donald",
    "Shafi",
    "Leslie",
    "Mary",
    "Whitfield",
    "Karen",
    "Brian",
    "Zoë",
    "José",
    "Åsa",
    "Chloé",
    "Søren",
    "Noël",
    "Renée",
    "Jürgen",
    "Mei",
    "Aiko",
];
const FAMILY: &[&str] = &[
    "Lovelace",
    "Turing",
    "Hopper",
    "Torvalds",
    "Hamilton",
    "Ritchie",
    "Liskov",
    "Thompson",
    "Allen",
    "Berners-Lee",
    "Perlman",
    "Cerf",
    "Lamarr",
    "McCarthy",
    "Johnson",
    "Dijkstra",
    "Wilson",
    "van Rossum",
    "Borg",
    "Stroustrup",
    "Clarke",
    "Wirth",
    "Goldberg",
    "Knuth",
    "Goldwasser",
    "Lamport",
    "Keller",
    "Diffie",
    "Spärck Jones",
    "Kernighan",
    "O'Brien",
    "García",
    "Öberg",
    "Dubois",
    "Kierkegaard",
    "Müller",
    "Nakamura",
    "Chen",
    "Okafor",
    "Novak",
];
const DOMAINS: &[&str] = &["example.com", "example.org", "example.net", "mail.example"];
const TAGS: &[&str] = &["family", "work", "school", "club", "neighbour", "vip"];
const COMPANIES: &[&str] = &[
    "Contoso",
    "Fabrikam",
    "Northwind",
    "Tailspin",
    "Litware",
    "Adatum",
];

/// The instant seeded data is dated from (not the wall clock), so the same seed gives
/// byte-identical data on every run.
pub fn seed_time() -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::from_timestamp(1_767_225_600, 0).unwrap_or_default() // 2026-01-01T00:00:00Z
}

/// Replaces the world's data (and the clock's offset) with freshly generated data.
pub fn reset(world: &mut World, params: &SeedParams) {
    *world = World::new(params.seed, params.rate_limit, world.journal.max_bytes());
    let now = seed_time();
    for i in 0..params.users {
        let given = GIVEN[i % GIVEN.len()];
        let family = FAMILY[(i * 7 + 3) % FAMILY.len()];
        let id = world.new_id("u");
        let password = world.new_secret("pw-")[..15].to_string();
        let email = format!(
            "{}.{}{}@example.com",
            ascii_lower(given),
            ascii_lower(family),
            i + 1
        );
        world.users.insert(
            id.clone(),
            User {
                id: id.clone(),
                email,
                password,
                display_name: format!("{given} {family}"),
                given_name: given.to_string(),
                family_name: family.to_string(),
                photo: Some(format!("https://photos.example.com/{id}.jpg")),
                locale: "en-US".into(),
                presence: "offline".into(),
                status_message: String::new(),
                status_updated: None,
                updated: now,
            },
        );
    }
    let ids: Vec<String> = world.users.keys().cloned().collect();
    for (n, user_id) in ids.iter().enumerate() {
        let mut rng = ChaCha8Rng::seed_from_u64(params.seed ^ ((n as u64 + 1) << 32));
        let mut book = ContactBook::default();
        for k in 0..params.contacts_per_user {
            let id = format!("c{:016x}", rng.r#gen::<u64>());
            let given = GIVEN[rng.gen_range(0..GIVEN.len())];
            let family = FAMILY[rng.gen_range(0..FAMILY.len())];
            let domain = DOMAINS[rng.gen_range(0..DOMAINS.len())];
            let published = now - Duration::seconds(rng.gen_range(0..365 * 24 * 3600));
            let mut fields = json!({
                "displayName": format!("{given} {family}"),
                "name": { "givenName": given, "familyName": family },
                "emails": [{ "value": format!("{}.{}{k}@{domain}", ascii_lower(given), ascii_lower(family)), "type": "home", "primary": true }],
                "phoneNumbers": [{ "value": format!("+1-555-{:04}", rng.gen_range(0..10_000)), "type": "mobile" }],
                "tags": [TAGS[rng.gen_range(0..TAGS.len())]],
            });
            if rng.gen_bool(0.4) {
                fields["organizations"] = json!([{ "name": COMPANIES[rng.gen_range(0..COMPANIES.len())], "title": "Engineer" }]);
            }
            if rng.gen_bool(0.3) {
                fields["birthday"] = json!(format!(
                    "19{:02}-{:02}-{:02}",
                    rng.gen_range(50..99),
                    rng.gen_range(1..13),
                    rng.gen_range(1..29)
                ));
            }
            let version = world.next_version();
            let meta = Meta {
                id: id.clone(),
                version,
                published,
                updated: published,
                is_friend: false,
                friend_id: None,
            };
            if let Ok(value) = representation(&fields, &meta) {
                book.items.insert(id, StoredContact::new(value));
            }
        }
        world.contacts.insert(user_id.clone(), book);
    }
    crate::resources::social::seed(
        world,
        params.seed,
        params.friends_per_user,
        params.activities_per_user,
    );
}

/// ASCII-only lowercase for email local parts (`Zoë` → `zo`), never empty.
fn ascii_lower(s: &str) -> String {
    let out: String = s
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect();
    if out.is_empty() { "x".into() } else { out }
}

//! Friends, status changes, invitations and the act-as control, over real HTTP.
mod common;

use common::Env;
use messenger_connect_mock::MockConfig;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// Four users in a ring of friendships: 0-1, 1-2, 2-3, 3-0.
fn ring() -> Env {
    Env::with(MockConfig {
        users: 4,
        contacts_per_user: 3,
        friends_per_user: 1,
        ..Default::default()
    })
}

fn ids(items: &[Value]) -> Vec<String> {
    items
        .iter()
        .map(|v| v["id"].as_str().unwrap_or_default().to_string())
        .collect()
}

#[tokio::test]
async fn friends_are_seeded_as_a_ring_and_queryable() {
    let env = ring();
    let t = env.token(0, &["friends.read"]).await;
    let r = env.get("/v1/me/friends", &t).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let mut got = ids(r.body["value"].as_array().unwrap());
    got.sort();
    let mut want = vec![env.users[1].id.clone(), env.users[3].id.clone()];
    want.sort();
    assert_eq!(got, want);
    let f = &r.body["value"][0];
    assert_eq!(f["presence"], "offline");
    assert!(f["displayName"].is_string());
    assert!(f["since"].as_str().unwrap().ends_with('Z'));
    assert!(f.get("status").is_none(), "no status message yet: {f}");

    // Paging, $count, $select and $filter.
    let page = env.get("/v1/me/friends?$top=1&$count=true", &t).await;
    assert_eq!(page.body["@odata.count"], 2);
    assert_eq!(page.body["value"].as_array().unwrap().len(), 1);
    let all = env.collect("/v1/me/friends?$top=1", &t).await;
    assert_eq!(ids(&all), want);
    let name = env.users[1].display_name.replace('\'', "''");
    let r = env
        .get(
            &format!("/v1/me/friends?$filter=displayName eq '{name}'&$select=displayName"),
            &t,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(
        r.body["value"],
        json!([{ "id": env.users[1].id, "displayName": env.users[1].display_name }])
    );
    let r = env.get("/v1/me/friends?$filter=colour eq 'red'", &t).await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::BAD_REQUEST, "invalidFilter")
    );
    let r = env.get("/v1/me/friends?$skiptoken=forged.token", &t).await;
    assert_eq!(r.code(), "invalidSkipToken");

    // A skiptoken of another collection is refused.
    let link = page.body["@odata.nextLink"].as_str().unwrap();
    let token = common::query_value(link, "$skiptoken").unwrap();
    let ti = env.token(0, &["friends.invite"]).await;
    let r = env
        .get(
            &format!("/v1/me/invitations?$top=1&$skiptoken={token}"),
            &ti,
        )
        .await;
    assert_eq!(r.code(), "invalidSkipToken");

    // Scope.
    let other = env.token(0, &["profile"]).await;
    let r = env.get("/v1/me/friends", &other).await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::FORBIDDEN, "insufficientScope")
    );
    let r = env
        .send(Method::GET, "/v1/me/friends", Some("nope"), None)
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn reset_caps_friends_per_user() {
    let env = Env::start();
    let r = env
        .control(
            Method::POST,
            "/_mock/reset",
            Some(json!({ "users": 3, "friendsPerUser": 5, "contactsPerUser": 0 })),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let users = r.body["users"].as_array().unwrap().clone();
    let first = users[0]["id"].as_str().unwrap();
    let r = env
        .send(
            Method::GET,
            &format!("/_mock/act-as/{first}/friends"),
            None,
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let mut got = ids(r.body["value"].as_array().unwrap());
    got.sort();
    let mut want: Vec<String> = users[1..]
        .iter()
        .map(|u| u["id"].as_str().unwrap().to_string())
        .collect();
    want.sort();
    assert_eq!(got, want);
    let r = env
        .control(
            Method::POST,
            "/_mock/reset",
            Some(json!({ "friendsPerUser": 1001 })),
        )
        .await;
    assert_eq!(r.body["error"]["target"], "friendsPerUser");
}

#[tokio::test]
async fn status_change_is_seen_by_friends_and_posted_as_activity() {
    let env = ring();
    let t1 = env
        .token(1, &["status.write", "profile", "feed.read"])
        .await;
    let t0 = env.token(0, &["friends.read", "feed.read"]).await;

    let r = env
        .put(
            "/v1/me/status",
            &t1,
            json!({ "message": "On holiday", "presence": "away" }),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["message"], "On holiday");
    assert_eq!(r.body["presence"], "away");
    assert!(r.body["updated"].is_string());
    let updated = r.body["updated"].clone();
    let own = env.get("/v1/me/status", &t1).await;
    assert_eq!(own.body, r.body);

    let friends = env.get("/v1/me/friends", &t0).await;
    let me1 = friends.body["value"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"] == env.users[1].id.as_str())
        .cloned()
        .expect("user 1 is a friend");
    assert_eq!(me1["presence"], "away");
    assert_eq!(
        me1["status"],
        json!({ "message": "On holiday", "updated": updated })
    );

    // A Status activity, in the author's activities and the friend's feed.
    let acts = env.get("/v1/me/activities", &t1).await;
    let first = &acts.body["value"][0];
    assert_eq!(first["type"], "Status");
    assert_eq!(first["content"], "On holiday");
    assert_eq!(first["actor"]["id"], env.users[1].id.as_str());
    assert_eq!(first["generator"]["name"], "Test App");
    let feed = env.get("/v1/me/feed", &t0).await;
    assert_eq!(feed.body["value"][0]["id"], first["id"]);

    // Invisible shows as offline to friends, but not to the user.
    let r = env
        .put("/v1/me/status", &t1, json!({ "presence": "invisible" }))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["presence"], "invisible");
    assert_eq!(r.body["message"], "On holiday", "message kept");
    let friends = env
        .get(
            &format!("/v1/me/friends?$filter=id eq '{}'", env.users[1].id),
            &t0,
        )
        .await;
    assert_eq!(friends.body["value"][0]["presence"], "offline");
    let r = env
        .get("/v1/me/friends?$filter=presence eq 'invisible'", &t0)
        .await;
    assert_eq!(r.body["value"], json!([]));

    // Act-as changes the status too.
    let r = env
        .act_as(Method::PUT, 3, "status", Some(json!({ "message": "hi" })))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let friends = env
        .get(
            &format!("/v1/me/friends?$filter=id eq '{}'", env.users[3].id),
            &t0,
        )
        .await;
    assert_eq!(friends.body["value"][0]["status"]["message"], "hi");
    let acts = env.act_as(Method::GET, 3, "activities", None).await;
    assert_eq!(acts.body["value"][0]["generator"]["id"], "mock-act-as");
}

#[tokio::test]
async fn status_validation_names_the_field() {
    let env = ring();
    let t = env.token(0, &["status.write", "profile"]).await;
    let cases = [
        (json!({}), "body"),
        (json!({ "message": "x".repeat(281) }), "message"),
        (json!({ "message": 5 }), "message"),
        (json!({ "presence": "sleepy" }), "presence"),
        (json!({ "message": "ok", "presence": null }), "presence"),
    ];
    for (body, target) in cases {
        let r = env.put("/v1/me/status", &t, body.clone()).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{body}: {}", r.text);
        assert_eq!(r.code(), "validationFailed");
        assert_eq!(r.body["error"]["target"], target, "{body}");
    }
    let r = env
        .put("/v1/me/status", &t, json!({ "message": "é".repeat(280) }))
        .await;
    assert_eq!(
        r.status,
        StatusCode::OK,
        "280 characters are fine: {}",
        r.text
    );
    let r = env.put("/v1/me/status", &t, json!({ "message": "" })).await;
    assert_eq!(r.body["message"], "");
    let profile_only = env.token(0, &["profile"]).await;
    let r = env
        .put("/v1/me/status", &profile_only, json!({ "message": "x" }))
        .await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::FORBIDDEN, "insufficientScope")
    );
    let r = env.get("/v1/me/status", &t).await;
    assert_eq!(r.body["message"], "", "a refused change changes nothing");
}

#[tokio::test]
async fn invitations_create_list_cancel_and_refusals() {
    let env = ring();
    let t = env
        .token(0, &["friends.invite", "contacts.write", "contacts.read"])
        .await;

    // By email.
    let r = env
        .post(
            "/v1/me/invitations",
            &t,
            json!({ "email": "newcomer@example.org", "message": "Join me!" }),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    assert_eq!(r.body["email"], "newcomer@example.org");
    assert_eq!(r.body["status"], "pending");
    assert_eq!(r.body["message"], "Join me!");
    assert!(r.body.get("contactId").is_none());
    assert!(r.body.get("friendId").is_none());
    let id = r.body["id"].as_str().unwrap().to_string();
    assert!(
        r.header("location")
            .unwrap()
            .ends_with(&format!("/v1/me/invitations/{id}"))
    );

    // By contact: the primary email is used.
    let c = env
        .post(
            "/v1/me/contacts",
            &t,
            json!({ "displayName": "Pat", "emails": [
                { "value": "pat.work@example.com", "type": "work" },
                { "value": "pat@example.com", "type": "home", "primary": true }
            ] }),
        )
        .await;
    let contact_id = c.body["id"].as_str().unwrap().to_string();
    let r = env
        .post("/v1/me/invitations", &t, json!({ "contactId": contact_id }))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    assert_eq!(r.body["email"], "pat@example.com");
    assert_eq!(r.body["contactId"], contact_id.as_str());

    // Refusals.
    let no_email = env
        .post("/v1/me/contacts", &t, json!({ "displayName": "No Mail" }))
        .await;
    let no_email_id = no_email.body["id"].as_str().unwrap();
    let friend_email = env.users[1].email.clone();
    let own_email = env.users[0].email.clone();
    let cases = [
        (
            json!({ "contactId": no_email_id }),
            StatusCode::BAD_REQUEST,
            "validationFailed",
            "contactId",
        ),
        (
            json!({ "contactId": "c-nope" }),
            StatusCode::NOT_FOUND,
            "notFound",
            "contactId",
        ),
        (
            json!({ "email": own_email }),
            StatusCode::BAD_REQUEST,
            "validationFailed",
            "email",
        ),
        (
            json!({ "email": friend_email.to_uppercase() }),
            StatusCode::CONFLICT,
            "alreadyFriends",
            "email",
        ),
        (
            json!({ "email": "not-an-email" }),
            StatusCode::BAD_REQUEST,
            "validationFailed",
            "email",
        ),
        (
            json!({}),
            StatusCode::BAD_REQUEST,
            "validationFailed",
            "email",
        ),
        (
            json!({ "email": "a@example.com", "contactId": contact_id }),
            StatusCode::BAD_REQUEST,
            "validationFailed",
            "contactId",
        ),
        (
            json!({ "email": "a@example.com", "message": "m".repeat(501) }),
            StatusCode::BAD_REQUEST,
            "validationFailed",
            "message",
        ),
    ];
    for (body, status, code, target) in cases {
        let r = env.post("/v1/me/invitations", &t, body.clone()).await;
        assert_eq!((r.status, r.code()), (status, code), "{body}: {}", r.text);
        assert_eq!(r.body["error"]["target"], target, "{body}");
    }

    // Listing: only mine, as an OData collection.
    let list = env.collect("/v1/me/invitations?$top=1", &t).await;
    assert_eq!(list.len(), 2);
    let t2 = env.token(2, &["friends.invite"]).await;
    let theirs = env.get("/v1/me/invitations", &t2).await;
    assert_eq!(theirs.body["value"], json!([]));
    let r = env
        .get(
            "/v1/me/invitations?$filter=status eq 'pending'&$count=true",
            &t,
        )
        .await;
    assert_eq!(r.body["@odata.count"], 2);

    // Cancel: another user's is 404; mine is 204 and shows cancelled.
    let r = env.delete(&format!("/v1/me/invitations/{id}"), &t2).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = env.delete(&format!("/v1/me/invitations/{id}"), &t).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    let r = env
        .get(&format!("/v1/me/invitations?$filter=id eq '{id}'"), &t)
        .await;
    assert_eq!(r.body["value"][0]["status"], "cancelled");
    let r = env.delete("/v1/me/invitations/inv-nope", &t).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    // A cancelled invitation cannot be accepted.
    let r = env
        .control(
            Method::POST,
            &format!("/_mock/invitations/{id}/accept"),
            None,
        )
        .await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::CONFLICT, "invitationNotPending")
    );

    // Scope.
    let read_only = env.token(0, &["friends.read"]).await;
    let r = env
        .post(
            "/v1/me/invitations",
            &read_only,
            json!({ "email": "x@example.com" }),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn accepting_an_invitation_makes_friends_and_marks_the_contact() {
    let env = ring();
    let t = env
        .token(
            0,
            &[
                "friends.invite",
                "friends.read",
                "contacts.write",
                "contacts.read",
            ],
        )
        .await;
    let c = env
        .post(
            "/v1/me/contacts",
            &t,
            json!({ "displayName": "Robin", "emails": [{ "value": "robin@example.net" }] }),
        )
        .await;
    let contact_id = c.body["id"].as_str().unwrap().to_string();

    // Start delta sync, to see the change later.
    let mut delta = env.get("/v1/me/contacts/delta", &t).await;
    while let Some(next) = delta.body["@odata.nextLink"].as_str().map(str::to_string) {
        delta = env.get(&next, &t).await;
    }
    let delta_link = delta.body["@odata.deltaLink"].as_str().unwrap().to_string();

    let inv = env
        .post("/v1/me/invitations", &t, json!({ "contactId": contact_id }))
        .await;
    let inv_id = inv.body["id"].as_str().unwrap().to_string();
    let r = env
        .control(
            Method::POST,
            &format!("/_mock/invitations/{inv_id}/accept"),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["status"], "accepted");
    let friend_id = r.body["friendId"].as_str().unwrap().to_string();

    // A new user was made for that email.
    let users = env.control(Method::GET, "/_mock/users", None).await;
    let new_user = users.body["users"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["id"] == friend_id.as_str())
        .cloned()
        .expect("new user listed");
    assert_eq!(new_user["email"], "robin@example.net");
    assert!(new_user["password"].as_str().is_some_and(|p| !p.is_empty()));

    // Friends both ways.
    let friends = env.get("/v1/me/friends", &t).await;
    assert!(ids(friends.body["value"].as_array().unwrap()).contains(&friend_id));
    let theirs = env.act_as(Method::GET, 0, "friends", None).await;
    assert!(ids(theirs.body["value"].as_array().unwrap()).contains(&friend_id));
    let r = env
        .send(
            Method::GET,
            &format!("/_mock/act-as/{friend_id}/friends"),
            None,
            None,
        )
        .await;
    assert_eq!(
        ids(r.body["value"].as_array().unwrap()),
        vec![env.users[0].id.clone()]
    );

    // The contact is marked, and delta sync reports it.
    let contact = env.get(&format!("/v1/me/contacts/{contact_id}"), &t).await;
    assert_eq!(contact.body["isFriend"], true);
    assert_eq!(contact.body["friendId"], friend_id.as_str());
    assert_ne!(contact.body["@odata.etag"], c.body["@odata.etag"]);
    let changes = env.get(&delta_link, &t).await;
    assert_eq!(changes.status, StatusCode::OK, "{}", changes.text);
    let changed = changes.body["value"].as_array().unwrap();
    let seen = changed
        .iter()
        .find(|v| v["id"] == contact_id.as_str())
        .expect("contact in delta");
    assert_eq!(seen["isFriend"], true);
    assert_eq!(seen["friendId"], friend_id.as_str());

    // The invitation lists as accepted; accepting again or cancelling is refused.
    let listed = env
        .get(&format!("/v1/me/invitations?$filter=id eq '{inv_id}'"), &t)
        .await;
    assert_eq!(listed.body["value"][0]["status"], "accepted");
    assert_eq!(listed.body["value"][0]["friendId"], friend_id.as_str());
    let again = env
        .control(
            Method::POST,
            &format!("/_mock/invitations/{inv_id}/accept"),
            None,
        )
        .await;
    assert_eq!(
        (again.status, again.code()),
        (StatusCode::CONFLICT, "invitationNotPending")
    );
    let r = env
        .delete(&format!("/v1/me/invitations/{inv_id}"), &t)
        .await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::CONFLICT, "invitationNotPending")
    );
    let r = env
        .control(Method::POST, "/_mock/invitations/inv-nope/accept", None)
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);

    // Now inviting that email again is 409 alreadyFriends.
    let r = env
        .post(
            "/v1/me/invitations",
            &t,
            json!({ "email": "ROBIN@example.net" }),
        )
        .await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::CONFLICT, "alreadyFriends")
    );
}

#[tokio::test]
async fn accepting_by_an_existing_user() {
    let env = ring();
    // Users 0 and 2 are not friends in the ring.
    let t = env.token(0, &["friends.invite", "friends.read"]).await;
    let r = env
        .post(
            "/v1/me/invitations",
            &t,
            json!({ "email": env.users[2].email }),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let id = r.body["id"].as_str().unwrap();
    let before = env.control(Method::GET, "/_mock/users", None).await;
    let r = env
        .control(
            Method::POST,
            &format!("/_mock/invitations/{id}/accept"),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["friendId"], env.users[2].id.as_str());
    let after = env.control(Method::GET, "/_mock/users", None).await;
    assert_eq!(before.body, after.body, "no user was created");
    let friends = env.get("/v1/me/friends?$count=true", &t).await;
    assert_eq!(friends.body["@odata.count"], 3);
}

#[tokio::test]
async fn act_as_rewrites_to_v1_me() {
    let env = ring();
    let r = env.act_as(Method::GET, 2, "", None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["id"], env.users[2].id.as_str());
    let r = env
        .send(
            Method::GET,
            &format!("/_mock/act-as/{}", env.users[2].id),
            None,
            None,
        )
        .await;
    assert_eq!(r.body["id"], env.users[2].id.as_str());
    let r = env
        .send(Method::GET, "/_mock/act-as/u-nobody/friends", None, None)
        .await;
    assert_eq!((r.status, r.code()), (StatusCode::NOT_FOUND, "notFound"));
    let r = env.act_as(Method::GET, 2, "no-such-thing", None).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);

    // Query kept; next links stay under act-as and keep working.
    let r = env.act_as(Method::GET, 2, "contacts?$top=2", None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["value"].as_array().unwrap().len(), 2);
    let next = r.body["@odata.nextLink"].as_str().unwrap();
    assert!(
        next.starts_with(&env.url(&format!("/_mock/act-as/{}/contacts?", env.users[2].id))),
        "{next}"
    );
    let all = env
        .collect(
            &format!("/_mock/act-as/{}/contacts?$top=2", env.users[2].id),
            "",
        )
        .await;
    assert_eq!(all.len(), 3);

    // Writes, with every scope, and Idempotency-Key honoured.
    let url = env.url(&format!("/_mock/act-as/{}/contacts", env.users[2].id));
    let send = || {
        env.http
            .post(&url)
            .header("Idempotency-Key", "k1")
            .json(&json!({ "displayName": "Via act-as" }))
            .send()
    };
    let first = common::read(send().await.unwrap()).await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.text);
    let second = common::read(send().await.unwrap()).await;
    assert_eq!(second.status, StatusCode::CREATED);
    assert_eq!(second.header("idempotent-replayed"), Some("true"));
    assert_eq!(first.body["id"], second.body["id"]);
}

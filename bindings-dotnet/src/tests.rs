//! Smoke tests of the exports: a panic through the real FFI entry points (sync and async),
//! and the Rust side of the exported methods against the in-process mock server. The
//! real suite is the C# one (`bindings-dotnet/tests`).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex};

use uniffi::{RustBuffer, RustCallStatus, RustCallStatusCode, RustFuturePoll};

use crate::*;

unsafe extern "C" {
    fn uniffi_messenger_connect_dotnet_fn_func_debug_panic(
        message: RustBuffer,
        status: &mut RustCallStatus,
    );
    fn uniffi_messenger_connect_dotnet_fn_func_debug_panic_async(message: RustBuffer) -> u64;
    fn ffi_messenger_connect_dotnet_rust_future_poll_void(
        handle: u64,
        callback: extern "C" fn(u64, RustFuturePoll),
        data: u64,
    );
    fn ffi_messenger_connect_dotnet_rust_future_complete_void(
        handle: u64,
        status: &mut RustCallStatus,
    );
    fn ffi_messenger_connect_dotnet_rust_future_free_void(handle: u64);
    fn uniffi_messenger_connect_dotnet_fn_method_client_refresh_tokens(
        client: <Arc<Client> as uniffi::Lower<crate::UniFfiTag>>::FfiType,
    ) -> u64;
    fn ffi_messenger_connect_dotnet_rust_future_poll_rust_buffer(
        handle: u64,
        callback: extern "C" fn(u64, RustFuturePoll),
        data: u64,
    );
    fn ffi_messenger_connect_dotnet_rust_future_complete_rust_buffer(
        handle: u64,
        status: &mut RustCallStatus,
    ) -> RustBuffer;
    fn ffi_messenger_connect_dotnet_rust_future_free_rust_buffer(handle: u64);
}

fn lower(s: &str) -> RustBuffer {
    <String as uniffi::Lower<crate::UniFfiTag>>::lower(s.to_string())
}

fn panic_message(status: RustCallStatus) -> String {
    let buf = std::mem::ManuallyDrop::into_inner(status.error_buf);
    <String as uniffi::Lift<crate::UniFfiTag>>::try_lift(buf).expect("a panic message")
}

#[test]
fn a_panic_is_an_unexpected_error() {
    let mut status = RustCallStatus::default();
    unsafe { uniffi_messenger_connect_dotnet_fn_func_debug_panic(lower("sync"), &mut status) };
    assert!(matches!(status.code, RustCallStatusCode::UnexpectedError));
    assert!(panic_message(status).contains("debug panic: sync"));
}

static POLLED: (Mutex<Vec<(u64, i8)>>, Condvar) = (Mutex::new(Vec::new()), Condvar::new());
static NEXT_ID: AtomicU64 = AtomicU64::new(1);

extern "C" fn on_poll(data: u64, result: RustFuturePoll) {
    POLLED.0.lock().unwrap().push((data, result as i8));
    POLLED.1.notify_all();
}

type PollFn = unsafe extern "C" fn(u64, extern "C" fn(u64, RustFuturePoll), u64);

/// Polls a future handle until it is ready, as a foreign executor does (waiting on the
/// continuation callback, from a thread with no runtime).
fn drive(handle: u64, poll: PollFn) {
    loop {
        let id = NEXT_ID.fetch_add(1, Ordering::Relaxed);
        unsafe { poll(handle, on_poll, id) };
        let mut seen = POLLED.0.lock().unwrap();
        let result = loop {
            if let Some(i) = seen.iter().position(|(d, _)| *d == id) {
                break seen.remove(i).1;
            }
            seen = POLLED.1.wait(seen).unwrap();
        };
        if result == RustFuturePoll::Ready as i8 {
            return;
        }
    }
}

#[test]
fn a_panic_in_an_async_call_is_an_unexpected_error() {
    let handle = unsafe { uniffi_messenger_connect_dotnet_fn_func_debug_panic_async(lower("a")) };
    drive(handle, ffi_messenger_connect_dotnet_rust_future_poll_void);
    let mut status = RustCallStatus::default();
    unsafe { ffi_messenger_connect_dotnet_rust_future_complete_void(handle, &mut status) };
    unsafe { ffi_messenger_connect_dotnet_rust_future_free_void(handle) };
    assert!(matches!(status.code, RustCallStatusCode::UnexpectedError));
    assert!(panic_message(status).contains("debug panic (async): a"));
}

/// An async method through the FFI, from a thread without a runtime (as C# calls it):
/// the refresh spawns a task on the binding's tokio runtime.
#[test]
fn async_methods_run_on_the_binding_runtime() {
    // The server and the client are made outside any runtime, as C# makes them.
    let mock = start_mock(1);
    let rt = runtime();
    let s = rt.block_on(with_mock(mock));
    let client = Client::new(rt.block_on(s.options(0, None))).unwrap();
    drop(rt);
    let before = client.tokens().unwrap().access_token;
    let receiver = <Arc<Client> as uniffi::Lower<crate::UniFfiTag>>::lower(client.clone());
    let handle =
        unsafe { uniffi_messenger_connect_dotnet_fn_method_client_refresh_tokens(receiver) };
    drive(
        handle,
        ffi_messenger_connect_dotnet_rust_future_poll_rust_buffer,
    );
    let mut status = RustCallStatus::default();
    let buf = unsafe {
        ffi_messenger_connect_dotnet_rust_future_complete_rust_buffer(handle, &mut status)
    };
    unsafe { ffi_messenger_connect_dotnet_rust_future_free_rust_buffer(handle) };
    assert!(matches!(status.code, RustCallStatusCode::Success));
    let tokens = <TokenSet as uniffi::Lift<crate::UniFfiTag>>::try_lift(buf).unwrap();
    assert_ne!(tokens.access_token, before);
    assert_eq!(client.tokens().unwrap().access_token, tokens.access_token);
    s.mock.stop();
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

struct Setup {
    mock: Arc<MockServer>,
    app: MockApp,
    users: Vec<MockUser>,
}

fn start_mock(contacts: u32) -> Arc<MockServer> {
    let mut options = default_mock_options();
    options.contacts_per_user = contacts;
    options.friends_per_user = 1;
    options.activities_per_user = 2;
    MockServer::start(options).unwrap()
}

async fn setup(contacts: u32) -> Setup {
    with_mock(start_mock(contacts)).await
}

async fn with_mock(mock: Arc<MockServer>) -> Setup {
    let app = mock
        .create_app(MockAppOptions {
            name: "dotnet smoke".into(),
            redirect_uris: vec!["http://127.0.0.1:9/callback".into()],
            public: false,
            scopes: all_scopes(),
        })
        .await
        .unwrap();
    let users = mock.users().unwrap();
    Setup { mock, app, users }
}

impl Setup {
    async fn client(&self, user: usize, retry: Option<RetryOptions>) -> Arc<Client> {
        Client::new(self.options(user, retry).await).unwrap()
    }

    async fn options(&self, user: usize, retry: Option<RetryOptions>) -> ClientOptions {
        let tokens = self
            .mock
            .mint_token(
                self.users[user].id.clone(),
                self.app.client_id.clone(),
                all_scopes(),
                None,
            )
            .await
            .unwrap();
        let mut options = default_client_options(self.mock.url());
        options.client_id = Some(self.app.client_id.clone());
        options.client_secret = self.app.client_secret.clone();
        options.tokens = Some(tokens);
        options.retry = retry;
        options
    }
}

/// A query with every option at the server's default.
fn query_all() -> Query {
    Query {
        filter: None,
        order_by: vec![],
        select: vec![],
        top: None,
        skip: None,
        count: false,
        search: None,
    }
}

#[test]
fn contacts_paging_delta_and_errors() {
    runtime().block_on(async {
        let s = setup(5).await;
        let client = s.client(0, None).await;
        let me = client.me().await.unwrap();
        assert_eq!(me.id, s.users[0].id);

        let query = Query {
            filter: None,
            order_by: vec![OrderBy {
                field: "displayName".into(),
                order: SortOrder::Asc,
            }],
            select: vec![],
            top: Some(2),
            skip: None,
            count: true,
            search: None,
        };
        let first = client.list_contacts(Some(query)).await.unwrap();
        assert_eq!(first.items.len(), 2);
        assert_eq!(first.count, Some(5));
        let second = client
            .contacts_page_at(first.next_link.clone().unwrap())
            .await
            .unwrap();
        assert_eq!(second.items.len(), 2);
        assert_ne!(first.items[0].id, second.items[0].id);

        let pages = client
            .contact_pages(Some(Query {
                top: Some(2),
                ..query_all()
            }))
            .unwrap();
        let mut sizes = Vec::new();
        while let Some(page) = pages.next().await.unwrap() {
            sizes.push(page.items.len());
        }
        assert_eq!(sizes, [2, 2, 1]);
        assert_eq!(pages.next_link(), None);
        let delta = client.contacts_delta_pages(None, Some(3)).unwrap();
        let mut changes = 0;
        while let Some(page) = delta.next().await.unwrap() {
            changes += page.changes.len();
        }
        assert_eq!(changes, 5);
        assert!(delta.delta_link().is_some());

        let round = client.sync_contacts(None, Some(2)).await.unwrap();
        assert_eq!(round.upserts.len(), 5);
        let mut new = NewContact {
            display_name: "O'Brien".into(),
            name: None,
            nickname: None,
            emails: vec![],
            phone_numbers: vec![],
            addresses: vec![],
            organizations: vec![],
            birthday: Some("1990-02-03".into()),
            note: None,
            tags: vec![],
        };
        let created = client.create_contact(new.clone()).await.unwrap();
        assert_eq!(created.birthday.as_deref(), Some("1990-02-03"));
        let page = client
            .contacts_delta_page(Some(round.delta_link.clone()), None)
            .await
            .unwrap();
        assert!(page.delta_link.is_some());
        assert!(matches!(&page.changes[..], [DeltaChange::Upsert { contact }] if contact.id == created.id));

        let filter = Filter::startswith("displayName".into(), "O'B".into())
            .render()
            .unwrap();
        let found = client
            .list_contacts(Some(Query {
                filter: Some(filter),
                order_by: vec![],
                select: vec![],
                top: None,
                skip: None,
                count: false,
                search: None,
            }))
            .await
            .unwrap();
        assert!(found.items.iter().any(|c| c.id == created.id));

        let err = client.get_contact("nope".into()).await.unwrap_err();
        assert!(matches!(err, MessengerConnectError::NotFound { status: Some(404), .. }), "{err:?}");
        new.display_name = " ".into();
        let err = client.create_contact(new).await.unwrap_err();
        assert!(matches!(&err, MessengerConnectError::InvalidArgument { name, .. } if name == "display_name"));

        client.close();
        assert!(matches!(
            client.me().await.unwrap_err(),
            MessengerConnectError::Config { .. }
        ));
        s.mock.stop();
    });
}

#[test]
fn faults_token_changes_and_events() {
    runtime().block_on(async {
        let s = setup(1).await;
        let no_retry = RetryOptions {
            max_attempts: Some(1),
            initial_backoff_ms: None,
            max_backoff_ms: None,
            max_elapsed_ms: None,
            max_retry_after_ms: None,
        };
        let client = s.client(0, Some(no_retry)).await;
        s.mock
            .add_fault(MockFault {
                kind: MockFaultKind::Status,
                method: Some("GET".into()),
                path: Some("/v1/me".into()),
                status: Some(503),
                retry_after: None,
                delay_ms: None,
                count: Some(1),
                probability: None,
                seed: None,
                after_frames: None,
            })
            .await
            .unwrap();
        let err = client.me().await.unwrap_err();
        assert!(
            matches!(
                err,
                MessengerConnectError::Server {
                    status: Some(503),
                    ..
                }
            ),
            "{err:?}"
        );
        client.me().await.unwrap();

        let refreshed = client.refresh_tokens().await.unwrap();
        let change = client.next_token_change().await.unwrap();
        assert_eq!(change.access_token, refreshed.access_token);
        assert!(!format!("{change:?}").contains(&change.access_token));

        let options = || EventsOptions {
            since: None,
            ping_interval_ms: None,
        };
        let events = client.events(options()).await.unwrap();
        client
            .set_status(StatusUpdate {
                message: Some("hello".into()),
                presence: Some(Presence::Busy),
            })
            .await
            .unwrap();
        let mut seen_status = false;
        while !seen_status {
            match events.next().await.unwrap().unwrap() {
                Event::StatusChanged { change, seq } => {
                    assert_eq!(change.message, "hello");
                    assert!(seq.is_some(), "a logged event has its seq");
                    assert_eq!(seq, events.last_seq(), "the last one handed out");
                    seen_status = true;
                }
                Event::PresenceChanged { .. } | Event::ActivityCreated { .. } => {}
                other => panic!("unexpected event {other:?}"),
            }
        }
        assert!(events.last_seq().is_some());
        // Typing reaches the friend while our own `next` is pending; `close` ends it.
        let friend_id = client.list_friends(None).await.unwrap().items[0].id.clone();
        let friend_index = s.users.iter().position(|u| u.id == friend_id).unwrap();
        let friend = s.client(friend_index, None).await;
        let friend_events = friend.events(options()).await.unwrap();
        let conversation = client.conversation_with(friend_id).await.unwrap();
        let quiet = client.events(options()).await.unwrap();
        let pending = {
            let quiet = quiet.clone();
            tokio::spawn(async move { quiet.next().await })
        };
        quiet.typing(conversation.id.clone()).unwrap();
        loop {
            if let Event::Typing {
                conversation_id,
                user_id,
                seq,
            } = friend_events.next().await.unwrap().unwrap()
            {
                assert_eq!(seq, None, "typing is not logged");
                assert_eq!(conversation_id, conversation.id);
                assert_eq!(user_id, s.users[0].id);
                break;
            }
        }
        quiet.close();
        assert!(pending.await.unwrap().unwrap().is_none());
        assert!(matches!(
            quiet.typing(conversation.id).unwrap_err(),
            MessengerConnectError::Config { .. }
        ));
        events.close();
        friend_events.close();
        client.close();
        assert!(client.next_token_change().await.is_none());
        s.mock.stop();
    });
}

#[test]
fn token_sets_round_trip_as_json_without_leaking_in_errors() {
    let mut tokens = bearer_token_set("at_secret".into());
    tokens.refresh_token = Some("rt_secret".into());
    let json = token_set_to_json(tokens.clone()).unwrap();
    assert!(json.contains("\"refreshToken\":\"rt_secret\""));
    assert_eq!(token_set_from_json(json).unwrap(), tokens);
    let err =
        token_set_from_json(r#"{"accessToken": 5, "tokenType": "rt_secret"}"#.into()).unwrap_err();
    assert!(matches!(err, MessengerConnectError::InvalidArgument { .. }));
    assert!(!err.to_string().contains("secret"), "{err}");
}

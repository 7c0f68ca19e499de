//! The replay-guard suite, run against every store: tests/replay.rs (memory) and
//! tests/replay_redis.rs (a real redis-server).
#![allow(dead_code, unreachable_pub)]

use std::sync::Arc;
use std::sync::atomic::{AtomicU16, AtomicUsize, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use http::{HeaderMap, Request, Response, StatusCode};
use http_body_util::{BodyExt, Full};
use tokio::sync::Semaphore;
use tower::ServiceExt;
use webhook_guard::replay::ReplayGuard;
use webhook_guard::{
    Keyring, MockClock, Rejection, RejectionKind, Scheme, Secret, Signer, VerifiedBody,
    WebhookLayer, providers,
};

pub const SW_SECRET: &str = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD";
pub const STRIPE_SECRET: &str = "whsec_replay_suite_stripe";
pub const GITHUB_SECRET: &str = "replay suite github";
pub const NOW: u64 = 1_800_000_000;

pub fn at(secs: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(secs)
}

/// What the inner service does and saw.
#[derive(Clone)]
pub struct Spy {
    pub calls: Arc<AtomicUsize>,
    /// Status the handler answers with.
    pub status: Arc<AtomicU16>,
    /// When set, the handler waits for a permit before answering.
    pub gate: Option<Arc<Semaphore>>,
}

impl Spy {
    pub fn new() -> Self {
        Self {
            calls: Arc::default(),
            status: Arc::new(AtomicU16::new(200)),
            gate: None,
        }
    }

    pub fn calls(&self) -> usize {
        self.calls.load(Ordering::SeqCst)
    }
}

pub type Svc = tower::util::BoxCloneSyncService<
    Request<Full<Bytes>>,
    Response<webhook_guard::ResponseBody<Full<Bytes>>>,
    std::convert::Infallible,
>;

pub fn service(
    scheme: Scheme,
    secret: &str,
    guard: ReplayGuard,
    clock: &MockClock,
    spy: &Spy,
) -> Svc {
    let layer = WebhookLayer::new(scheme, Keyring::from(Secret::new(secret).unwrap()))
        .unwrap()
        .clock(clock.clone())
        .replay_guard(guard);
    let spy = spy.clone();
    let inner = tower::service_fn(move |_req: Request<VerifiedBody>| {
        let spy = spy.clone();
        async move {
            spy.calls.fetch_add(1, Ordering::SeqCst);
            if let Some(gate) = &spy.gate {
                let _permit = gate.acquire().await.unwrap();
            }
            let status = StatusCode::from_u16(spy.status.load(Ordering::SeqCst)).unwrap();
            Ok::<_, std::convert::Infallible>(
                Response::builder()
                    .status(status)
                    .body(Full::new(Bytes::from_static(b"handled")))
                    .unwrap(),
            )
        }
    });
    tower::util::BoxCloneSyncService::new(tower::Layer::layer(&layer, inner))
}

pub fn signed(
    scheme: Scheme,
    secret: &str,
    body: &'static [u8],
    ts: u64,
    id: &str,
) -> Request<Full<Bytes>> {
    let headers = Signer::new(scheme, Secret::new(secret).unwrap())
        .unwrap()
        .sign(body, at(ts), Some(id))
        .unwrap();
    with_headers(headers, body)
}

pub fn with_headers(headers: HeaderMap, body: &'static [u8]) -> Request<Full<Bytes>> {
    let mut req = Request::post("/hook")
        .body(Full::new(Bytes::from_static(body)))
        .unwrap();
    *req.headers_mut() = headers;
    req
}

pub async fn send(
    svc: &Svc,
    req: Request<Full<Bytes>>,
) -> (StatusCode, Option<RejectionKind>, Bytes) {
    let res = svc.clone().oneshot(req).await.unwrap();
    let kind = res.extensions().get::<Rejection>().map(Rejection::kind);
    let status = res.status();
    let body = res.into_body().collect().await.unwrap().to_bytes();
    (status, kind, body)
}

fn sw(body: &'static [u8], id: &str) -> Request<Full<Bytes>> {
    signed(providers::standard_webhooks(), SW_SECRET, body, NOW, id)
}

/// Lets background work (the release of a dropped claim) run.
pub async fn settle() {
    for _ in 0..50 {
        tokio::task::yield_now().await;
    }
    tokio::time::sleep(Duration::from_millis(20)).await;
}

// ---------------------------------------------------------------------------------------------
// The suite. Each function takes a fresh guard over the store under test.

pub async fn same_delivery_twice_reaches_the_handler_once(guard: ReplayGuard) {
    let (clock, spy) = (MockClock::at_unix(NOW), Spy::new());
    let svc = service(
        providers::standard_webhooks(),
        SW_SECRET,
        guard,
        &clock,
        &spy,
    );
    assert_eq!(send(&svc, sw(b"{\"n\":1}", "msg_twice")).await.0, 200);
    let (status, kind, body) = send(&svc, sw(b"{\"n\":1}", "msg_twice")).await;
    assert_eq!(
        (status, kind),
        (StatusCode::OK, Some(RejectionKind::AlreadyProcessed))
    );
    assert!(body.is_empty(), "a duplicate's 200 has an empty body");
    assert_eq!(spy.calls(), 1);
    // A different delivery is not a duplicate.
    assert_eq!(send(&svc, sw(b"{\"n\":1}", "msg_other")).await.0, 200);
    assert_eq!(spy.calls(), 2);
}

pub async fn failed_handler_releases_the_claim_for_the_retry(guard: ReplayGuard) {
    let (clock, spy) = (MockClock::at_unix(NOW), Spy::new());
    let svc = service(
        providers::standard_webhooks(),
        SW_SECRET,
        guard,
        &clock,
        &spy,
    );
    spy.status.store(500, Ordering::SeqCst);
    assert_eq!(send(&svc, sw(b"{}", "msg_retry")).await.0, 500);
    spy.status.store(200, Ordering::SeqCst);
    assert_eq!(send(&svc, sw(b"{}", "msg_retry")).await.0, 200);
    assert_eq!(
        send(&svc, sw(b"{}", "msg_retry")).await.1,
        Some(RejectionKind::AlreadyProcessed)
    );
    assert_eq!(spy.calls(), 2);
}

pub async fn dropped_handler_future_releases_the_claim(guard: ReplayGuard) {
    let (clock, mut spy) = (MockClock::at_unix(NOW), Spy::new());
    let gate = Arc::new(Semaphore::new(0));
    spy.gate = Some(gate.clone());
    let svc = service(
        providers::standard_webhooks(),
        SW_SECRET,
        guard,
        &clock,
        &spy,
    );
    let mut first = Box::pin(svc.clone().oneshot(sw(b"{}", "msg_dropped")));
    // Drive the first request until it is inside the handler, then abandon it.
    while spy.calls() == 0 {
        let _ = tokio::time::timeout(Duration::from_millis(5), &mut first).await;
    }
    // Meanwhile a copy is refused as in progress.
    assert_eq!(
        send(&svc, sw(b"{}", "msg_dropped")).await.1,
        Some(RejectionKind::InProgress)
    );
    drop(first);
    settle().await;
    gate.add_permits(100);
    assert_eq!(send(&svc, sw(b"{}", "msg_dropped")).await.0, 200);
    assert_eq!(spy.calls(), 2);
}

pub async fn concurrent_identical_deliveries_run_the_handler_exactly_once(guard: ReplayGuard) {
    let (clock, mut spy) = (MockClock::at_unix(NOW), Spy::new());
    let gate = Arc::new(Semaphore::new(0));
    spy.gate = Some(gate.clone());
    let svc = service(
        providers::standard_webhooks(),
        SW_SECRET,
        guard,
        &clock,
        &spy,
    );
    let tasks: Vec<_> = (0..64)
        .map(|_| {
            let svc = svc.clone();
            tokio::spawn(async move { send(&svc, sw(b"{\"n\":64}", "msg_concurrent")).await })
        })
        .collect();
    // Let every copy reach the guard while the first one is held in the handler.
    while spy.calls() == 0 {
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    settle().await;
    gate.add_permits(64);
    let mut statuses = Vec::new();
    for t in tasks {
        statuses.push(t.await.unwrap().0.as_u16());
    }
    assert_eq!(spy.calls(), 1, "{statuses:?}");
    assert_eq!(
        statuses.iter().filter(|s| **s == 200).count()
            + statuses.iter().filter(|s| **s == 409).count(),
        64
    );
    assert!(statuses.contains(&409), "{statuses:?}");
}

pub async fn forged_requests_never_claim(guard: ReplayGuard) {
    let (clock, spy) = (MockClock::at_unix(NOW), Spy::new());
    let svc = service(
        providers::standard_webhooks(),
        SW_SECRET,
        guard,
        &clock,
        &spy,
    );
    // Same id, wrong key: 401, and it must not burn the id.
    let forged = signed(
        providers::standard_webhooks(),
        "whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        b"{}",
        NOW,
        "msg_target",
    );
    assert_eq!(send(&svc, forged).await.0, 401);
    let mut unsigned = HeaderMap::new();
    unsigned.insert("webhook-id", "msg_target".parse().unwrap());
    assert_eq!(send(&svc, with_headers(unsigned, b"{}")).await.0, 401);
    assert_eq!(send(&svc, sw(b"{}", "msg_target")).await.0, 200);
    assert_eq!(spy.calls(), 1);
}

pub async fn deliveries_without_a_signed_id_are_keyed_on_the_signed_message(guard: ReplayGuard) {
    let (clock, spy) = (MockClock::at_unix(NOW), Spy::new());
    let svc = service(providers::github(), GITHUB_SECRET, guard, &clock, &spy);
    let gh = || {
        signed(
            providers::github(),
            GITHUB_SECRET,
            b"{\"action\":\"opened\"}",
            NOW,
            "x",
        )
    };
    assert_eq!(send(&svc, gh()).await.0, 200);
    assert_eq!(
        send(&svc, gh()).await.1,
        Some(RejectionKind::AlreadyProcessed)
    );
    // X-GitHub-Delivery is unsigned: changing it does not make a replay new.
    let mut replay = gh();
    replay
        .headers_mut()
        .insert("x-github-delivery", "renamed".parse().unwrap());
    assert_eq!(
        send(&svc, replay).await.1,
        Some(RejectionKind::AlreadyProcessed)
    );
    assert_eq!(spy.calls(), 1);
}

pub async fn stripe_replay_with_a_subset_of_signatures_is_still_caught(
    guard_for: impl Fn() -> ReplayGuard,
) {
    // Mid-rotation Stripe sends one v1 per secret. Dropping one must not make a replay look new.
    let old = "whsec_replay_old";
    let (clock, spy) = (MockClock::at_unix(NOW), Spy::new());
    let layer = WebhookLayer::new(
        providers::stripe(),
        Keyring::new()
            .key("new", Secret::new(STRIPE_SECRET).unwrap())
            .key("old", Secret::new(old).unwrap()),
    )
    .unwrap()
    .clock(clock.clone())
    .replay_guard(guard_for());
    let s = spy.clone();
    let inner = tower::service_fn(move |_req: Request<VerifiedBody>| {
        s.calls.fetch_add(1, Ordering::SeqCst);
        async { Ok::<_, std::convert::Infallible>(Response::new(Full::new(Bytes::new()))) }
    });
    let svc: Svc = tower::util::BoxCloneSyncService::new(tower::Layer::layer(&layer, inner));
    let body = b"{\"id\":\"evt_1\"}";
    let sig = |secret: &str| {
        let h = Signer::new(providers::stripe(), Secret::new(secret).unwrap())
            .unwrap()
            .sign(body, at(NOW), None)
            .unwrap();
        h["stripe-signature"]
            .to_str()
            .unwrap()
            .split_once(",v1=")
            .unwrap()
            .1
            .to_owned()
    };
    let header = |v: String| {
        let mut h = HeaderMap::new();
        h.insert("stripe-signature", v.parse().unwrap());
        with_headers(h, body)
    };
    let (new_sig, old_sig) = (sig(STRIPE_SECRET), sig(old));
    assert_eq!(
        send(&svc, header(format!("t={NOW},v1={new_sig},v1={old_sig}")))
            .await
            .0,
        200
    );
    for replay in [
        format!("t={NOW},v1={old_sig}"),
        format!("t={NOW},v1={new_sig}"),
        format!("t={NOW},v1={old_sig},v1={new_sig}"),
    ] {
        assert_eq!(
            send(&svc, header(replay)).await.1,
            Some(RejectionKind::AlreadyProcessed)
        );
    }
    assert_eq!(spy.calls.load(Ordering::SeqCst), 1);
}

pub async fn body_derived_keys_catch_retries_with_new_signatures(guard: ReplayGuard) {
    let (clock, spy) = (MockClock::at_unix(NOW), Spy::new());
    let guard = guard.dedupe_key(webhook_guard::replay::DedupeKey::from_body(|_, body| {
        let v: serde_json::Value = serde_json::from_slice(body).ok()?;
        Some(v.get("id")?.as_str()?.to_owned())
    }));
    let svc = service(providers::stripe(), STRIPE_SECRET, guard, &clock, &spy);
    let stripe = |ts| {
        signed(
            providers::stripe(),
            STRIPE_SECRET,
            b"{\"id\":\"evt_42\"}",
            ts,
            "x",
        )
    };
    assert_eq!(send(&svc, stripe(NOW - 100)).await.0, 200);
    // Stripe's retry: same event, new timestamp, new signature.
    assert_eq!(
        send(&svc, stripe(NOW)).await.1,
        Some(RejectionKind::AlreadyProcessed)
    );
    assert_eq!(spy.calls(), 1);
}

pub async fn unsigned_header_keys_are_opt_in_and_required(guard: ReplayGuard) {
    let (clock, spy) = (MockClock::at_unix(NOW), Spy::new());
    let guard = guard.dedupe_key(webhook_guard::replay::DedupeKey::unsigned_header(
        http::HeaderName::from_static("x-github-delivery"),
    ));
    let svc = service(providers::github(), GITHUB_SECRET, guard, &clock, &spy);
    let gh = |delivery: Option<&str>, body: &'static [u8]| {
        let mut r = signed(providers::github(), GITHUB_SECRET, body, NOW, "x");
        if let Some(d) = delivery {
            r.headers_mut()
                .insert("x-github-delivery", d.parse().unwrap());
        }
        r
    };
    assert_eq!(
        send(&svc, gh(None, b"{}")).await.1,
        Some(RejectionKind::MissingDedupeKey)
    );
    assert_eq!(send(&svc, gh(Some("guid-1"), b"{\"a\":1}")).await.0, 200);
    // A redelivery of the same GUID with another body is recognised by the GUID.
    assert_eq!(
        send(&svc, gh(Some("guid-1"), b"{\"a\":2}")).await.1,
        Some(RejectionKind::AlreadyProcessed)
    );
    assert_eq!(spy.calls(), 1);
}

pub async fn namespaces_keep_endpoints_apart(guard_a: ReplayGuard, guard_b: ReplayGuard) {
    let (clock, spy) = (MockClock::at_unix(NOW), Spy::new());
    let a = service(
        providers::standard_webhooks(),
        SW_SECRET,
        guard_a.namespace("endpoint-a"),
        &clock,
        &spy,
    );
    let b = service(
        providers::standard_webhooks(),
        SW_SECRET,
        guard_b.namespace("endpoint-b"),
        &clock,
        &spy,
    );
    assert_eq!(send(&a, sw(b"{}", "msg_ns")).await.0, 200);
    assert_eq!(send(&b, sw(b"{}", "msg_ns")).await.0, 200);
    assert_eq!(
        send(&a, sw(b"{}", "msg_ns")).await.1,
        Some(RejectionKind::AlreadyProcessed)
    );
    assert_eq!(spy.calls(), 2);
}

pub async fn store_failure_fails_closed_with_retry_after(guard: ReplayGuard) {
    let (clock, spy) = (MockClock::at_unix(NOW), Spy::new());
    let svc = service(
        providers::standard_webhooks(),
        SW_SECRET,
        guard.retry_after(7),
        &clock,
        &spy,
    );
    let res = svc.clone().oneshot(sw(b"{}", "msg_down")).await.unwrap();
    assert_eq!(res.status(), 503);
    assert_eq!(res.headers()["retry-after"], "7");
    assert_eq!(
        res.extensions().get::<Rejection>().map(Rejection::kind),
        Some(RejectionKind::ReplayStoreUnavailable)
    );
    assert_eq!(spy.calls(), 0);
}

pub async fn fail_open_lets_deliveries_through_when_the_store_fails(guard: ReplayGuard) {
    let (clock, spy) = (MockClock::at_unix(NOW), Spy::new());
    let svc = service(
        providers::standard_webhooks(),
        SW_SECRET,
        guard.fail_open(),
        &clock,
        &spy,
    );
    assert_eq!(send(&svc, sw(b"{}", "msg_open")).await.0, 200);
    assert_eq!(send(&svc, sw(b"{}", "msg_open")).await.0, 200);
    assert_eq!(spy.calls(), 2);
    // Signatures are still enforced.
    assert_eq!(
        send(
            &svc,
            signed(
                providers::standard_webhooks(),
                "whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
                b"{}",
                NOW,
                "m"
            )
        )
        .await
        .0,
        401
    );
}

/// A completed key outlives the replay window even with a retention far below it. `ttl_of`
/// reads a key's remaining lifetime from the store under test (keys as [`sw_key`] gives them).
/// Returns the service, its clock and its spy for store-specific follow-ups.
pub async fn key_ttl_is_never_shorter_than_the_replay_window<F>(
    guard: ReplayGuard,
    clock: &MockClock,
    ttl_of: F,
) -> (Svc, Spy)
where
    F: AsyncFn(&str) -> Option<Duration>,
{
    let spy = Spy::new();
    // Retention far below the window: the window wins.
    let guard = guard.retention(Duration::from_secs(1));
    let svc = service(
        providers::standard_webhooks(),
        SW_SECRET,
        guard,
        clock,
        &spy,
    );
    // Signed 200 s in the future (inside the ±300 s window).
    let req = signed(
        providers::standard_webhooks(),
        SW_SECRET,
        b"{}",
        NOW + 200,
        "msg_ttl",
    );
    assert_eq!(send(&svc, req).await.0, 200);
    let ttl = ttl_of(&sw_key("msg_ttl")).await.expect("key stored");
    // Replays stay timestamp-valid until ts + 300 = now + 500; the key must outlive that plus the
    // 60 s margin (one second of slack for stores that count real time).
    assert!(ttl >= Duration::from_secs(500 + 60 - 1), "{ttl:?}");
    (svc, spy)
}

/// The stored key for a Standard Webhooks delivery id, as documented:
/// `<namespace>:id:<hex sha256(id)>`.
pub fn sw_key(id: &str) -> String {
    use sha2::Digest;
    format!(
        "standard-webhooks:id:{}",
        hex::encode(sha2::Sha256::digest(id.as_bytes()))
    )
}

//! The replay-guard suite, run against every store: tests/replay.rs (memory),
//! tests/replay_redis.rs (a real redis-server) and the cluster tests.
//!
//! Each function takes a fresh guard over the store under test and states one promise of the
//! guard, where it meets the other features: hang-ups, key rotation, canonical payloads,
//! resolvers, unsigned set-up requests, store failures.
#![allow(dead_code, unreachable_pub)]

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http::{HeaderMap, StatusCode};
use http_body_util::Full;
use tokio::sync::Semaphore;
use tower::ServiceExt;
use webhook_guard::keys::{KeyringHandle, ResolveError, TenantKeys, TenantSelector};
use webhook_guard::replay::ReplayGuard;
use webhook_guard::{Clock, Keyring, Outcome, PublicUrl, Scheme, Secret, WebhookLayer, providers};

use crate::common::{Delivery, Spy, Svc, at, post, send};

pub const SW_SECRET: &str = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD";
pub const STRIPE_SECRET: &str = "whsec_replay_suite_stripe";
pub const GITHUB_SECRET: &str = "replay suite github";
pub const NOW: u64 = 1_800_000_000;

/// `guard` in front of `spy`, verifying `scheme` with `secret`, on `clock`.
pub fn service(scheme: Scheme, secret: &str, guard: ReplayGuard, clock: &Clock, spy: &Spy) -> Svc {
    let layer = WebhookLayer::new(scheme, Keyring::from(Secret::new(secret).unwrap()))
        .unwrap()
        .clock(clock.clone())
        .replay_guard(guard);
    spy.behind(&layer)
}

/// A Standard Webhooks delivery of `body` with id `id`, signed at [`NOW`].
fn sw(body: &'static [u8], id: &str) -> http::Request<Full<Bytes>> {
    Delivery::new(providers::standard_webhooks(), SW_SECRET)
        .body(body)
        .id(id)
        .at(NOW)
        .full()
}

fn sw_service(guard: ReplayGuard, spy: &Spy) -> Svc {
    service(
        providers::standard_webhooks(),
        SW_SECRET,
        guard,
        &Clock::manual_at_unix(NOW),
        spy,
    )
}

/// Lets background work run.
pub async fn settle() {
    for _ in 0..50 {
        tokio::task::yield_now().await;
    }
    tokio::time::sleep(Duration::from_millis(20)).await;
}

/// Waits, with a deadline, until `spy` has been called `n` times.
async fn called(spy: &Spy, n: usize) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    while spy.calls() < n {
        assert!(
            tokio::time::Instant::now() < deadline,
            "handler not reached"
        );
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
}

// ---------------------------------------------------------------------------------------------
// Once per delivery

pub async fn same_delivery_twice_reaches_the_handler_once(guard: ReplayGuard) {
    let spy = Spy::new();
    let svc = sw_service(guard, &spy);
    assert_eq!(send(&svc, sw(b"{\"n\":1}", "msg_twice")).await.status, 200);
    let again = send(&svc, sw(b"{\"n\":1}", "msg_twice")).await;
    assert_eq!(
        (again.status, again.outcome),
        (StatusCode::OK, Some(Outcome::AlreadyProcessed))
    );
    assert!(again.body.is_empty(), "a duplicate's 200 has an empty body");
    assert_eq!(spy.calls(), 1);
    // A different delivery is not a duplicate.
    assert_eq!(send(&svc, sw(b"{\"n\":1}", "msg_other")).await.status, 200);
    assert_eq!(spy.calls(), 2);
}

pub async fn failed_handler_releases_the_claim_for_the_retry(guard: ReplayGuard) {
    let spy = Spy::new();
    let svc = sw_service(guard, &spy);
    spy.answer_with(500);
    assert_eq!(send(&svc, sw(b"{}", "msg_retry")).await.status, 500);
    spy.answer_with(200);
    assert_eq!(send(&svc, sw(b"{}", "msg_retry")).await.status, 200);
    assert_eq!(
        send(&svc, sw(b"{}", "msg_retry")).await.outcome,
        Some(Outcome::AlreadyProcessed)
    );
    assert_eq!(spy.calls(), 2);
}

/// A sender (or attacker) that hangs up while the handler runs does not get the delivery run
/// again: the handler of an admitted delivery runs to completion on its own task, and its
/// outcome settles the claim. Three copies each abandoned mid-flight, then a patient copy:
/// the side effect runs exactly once.
pub async fn hang_ups_never_run_a_delivery_twice(guard: ReplayGuard) {
    let gate = Arc::new(Semaphore::new(0));
    let spy = Spy::gated(gate.clone());
    let svc = sw_service(guard, &spy);
    for copy in 0..3 {
        let mut abandoned = Box::pin(svc.clone().oneshot(sw(b"{}", "msg_hangup")));
        // Drive the copy until the handler is running (the first) or it was answered.
        let answered = tokio::time::timeout(Duration::from_millis(50), &mut abandoned).await;
        if copy == 0 {
            assert!(answered.is_err(), "the first copy waits in the handler");
            called(&spy, 1).await;
        } else {
            let response = answered.expect("a copy is answered at once").unwrap();
            assert_eq!(
                response.status(),
                409,
                "copy {copy} is refused while in progress"
            );
        }
        // The sender hangs up.
        drop(abandoned);
        settle().await;
    }
    // The handler that was admitted goes on and finishes.
    gate.add_permits(100);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    loop {
        let patient = send(&svc, sw(b"{}", "msg_hangup")).await;
        if patient.outcome == Some(Outcome::AlreadyProcessed) {
            break;
        }
        assert_eq!(patient.status, 409, "{patient:?}");
        assert!(tokio::time::Instant::now() < deadline, "never completed");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    assert_eq!(spy.calls(), 1, "the side effect ran once");
    assert_eq!(spy.seen().len(), 1, "and to completion");
}

pub async fn concurrent_identical_deliveries_run_the_handler_exactly_once(guard: ReplayGuard) {
    let gate = Arc::new(Semaphore::new(0));
    let spy = Spy::gated(gate.clone());
    let svc = sw_service(guard, &spy);
    let tasks: Vec<_> = (0..64)
        .map(|_| {
            let svc = svc.clone();
            tokio::spawn(async move { send(&svc, sw(b"{\"n\":64}", "msg_concurrent")).await })
        })
        .collect();
    // Let every copy reach the guard while the first one is held in the handler.
    called(&spy, 1).await;
    settle().await;
    gate.add_permits(64);
    let mut statuses = Vec::new();
    for t in tasks {
        statuses.push(t.await.unwrap().status.as_u16());
    }
    assert_eq!(spy.calls(), 1, "{statuses:?}");
    assert_eq!(
        statuses.iter().filter(|s| **s == 200 || **s == 409).count(),
        64
    );
    assert!(statuses.contains(&409), "{statuses:?}");
}

// ---------------------------------------------------------------------------------------------
// Only genuine traffic claims

pub async fn forged_requests_never_claim(guard: ReplayGuard) {
    let spy = Spy::new();
    let svc = sw_service(guard, &spy);
    // Same id, wrong key: 401, and it must not burn the id.
    let forged = Delivery::new(
        providers::standard_webhooks(),
        "whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
    )
    .body(&b"{}"[..])
    .id("msg_target")
    .at(NOW)
    .full();
    assert_eq!(send(&svc, forged).await.status, 401);
    let mut unsigned = HeaderMap::new();
    unsigned.insert("webhook-id", "msg_target".parse().unwrap());
    let unsigned = post("/hook", unsigned, Full::new(Bytes::from_static(b"{}")));
    assert_eq!(send(&svc, unsigned).await.status, 401);
    assert_eq!(send(&svc, sw(b"{}", "msg_target")).await.status, 200);
    assert_eq!(spy.calls(), 1);
}

/// WooCommerce's opt-in unsigned creation ping reaches the handler as often as it is sent, and
/// never claims a replay entry (it is not a delivery: nothing about it was verified).
pub async fn unsigned_pings_claim_nothing(guard: ReplayGuard) {
    let spy = Spy::new();
    let svc = service(
        providers::woocommerce().answer_handshakes(),
        "woo secret",
        guard,
        &Clock::manual_at_unix(NOW),
        &spy,
    );
    for _ in 0..3 {
        let ping = post(
            "/hook",
            HeaderMap::new(),
            Full::new(Bytes::from_static(b"webhook_id=42")),
        );
        assert_eq!(send(&svc, ping).await.status, 200);
    }
    assert_eq!(spy.calls(), 3, "never a duplicate: never claimed");
    assert!(
        spy.seen()
            .iter()
            .all(|s| s.verified.as_ref().unwrap().is_unsigned())
    );
}

// ---------------------------------------------------------------------------------------------
// Identity: what was signed, not keys, encodings or spellings

pub async fn deliveries_without_a_signed_id_are_keyed_on_the_signed_message(guard: ReplayGuard) {
    let spy = Spy::new();
    let svc = service(
        providers::github(),
        GITHUB_SECRET,
        guard,
        &Clock::manual_at_unix(NOW),
        &spy,
    );
    let gh =
        Delivery::new(providers::github(), GITHUB_SECRET).body(&b"{\"action\":\"opened\"}"[..]);
    assert_eq!(send(&svc, gh.full()).await.status, 200);
    assert_eq!(
        send(&svc, gh.full()).await.outcome,
        Some(Outcome::AlreadyProcessed)
    );
    // X-GitHub-Delivery is unsigned: changing it does not make a replay new.
    let renamed = gh.clone().header("x-github-delivery", "renamed").full();
    assert_eq!(
        send(&svc, renamed).await.outcome,
        Some(Outcome::AlreadyProcessed)
    );
    // Two different deliveries are two (the identity is not a constant).
    let other = gh.clone().body(&b"{\"action\":\"closed\"}"[..]);
    assert_eq!(send(&svc, other.full()).await.status, 200);
    assert_eq!(spy.calls(), 2);
}

/// Rotating keys, or the first key expiring, does not let a processed delivery in again: the
/// identity never depends on a key.
pub async fn rotation_does_not_change_a_deliverys_identity(guard: ReplayGuard) {
    let spy = Spy::new();
    let clock = Clock::manual_at_unix(NOW);
    let handle = KeyringHandle::new(
        providers::github(),
        Keyring::new().key("a", Secret::new("key a").unwrap()),
    )
    .unwrap();
    let layer = WebhookLayer::from_handle(handle.clone())
        .clock(clock.clone())
        .replay_guard(guard);
    let svc = spy.behind(&layer);
    let body = &b"{\"action\":\"opened\",\"n\":7}"[..];
    let under = |key: &str| Delivery::new(providers::github(), key).body(body).full();
    assert_eq!(send(&svc, under("key a")).await.status, 200);
    // The new key goes in front; the old one keeps matching for an hour.
    handle
        .rotate("b", Secret::new("key b").unwrap(), at(NOW + 3600))
        .unwrap();
    for replay in [under("key a"), under("key b")] {
        assert_eq!(
            send(&svc, replay).await.outcome,
            Some(Outcome::AlreadyProcessed)
        );
    }
    // The old key expires: the sender's copy under the new key is still the same delivery.
    clock.advance(Duration::from_secs(3601));
    assert_eq!(
        send(&svc, under("key b")).await.outcome,
        Some(Outcome::AlreadyProcessed)
    );
    assert_eq!(send(&svc, under("key a")).await.status, 401);
    assert_eq!(spy.calls(), 1);
}

/// Twilio signs the URL and the sorted, decoded form parameters: bodies re-encoded, reordered,
/// `&`-padded, or with the name/value boundary moved all verify under the same signature, and
/// all are the same delivery.
pub async fn re_encoded_form_bodies_are_one_delivery(guard: ReplayGuard) {
    let spy = Spy::new();
    let twilio = || providers::twilio(PublicUrl::parse("https://hooks.example.com").unwrap());
    let svc = service(
        twilio(),
        "auth token",
        guard,
        &Clock::manual_at_unix(NOW),
        &spy,
    );
    let genuine = Delivery::new(twilio(), "auth token")
        .uri("/sms")
        .body(&b"From=%2B1555&Body=hi+there&To=%2B1666"[..]);
    assert_eq!(send(&svc, genuine.full()).await.status, 200);
    for variant in [
        &b"To=%2B1666&From=%2B1555&Body=hi+there"[..],
        b"From=%2B1555&Body=hi%20there&To=%2B1666",
        b"&&From=%2B1555&&Body=hi+there&To=%2B1666&",
        b"From=%2B1555&Body=hi+there&To=%2B1666&From=%2B1555",
        b"From=%2B1555&Bod=yhi+there&To=%2B1666",
    ] {
        let replay = genuine.tampered(Bytes::from_static(variant));
        let sent = send(&svc, replay).await;
        assert_eq!(
            sent.outcome,
            Some(Outcome::AlreadyProcessed),
            "{}",
            String::from_utf8_lossy(variant)
        );
    }
    assert_eq!(spy.calls(), 1);
}

/// Mailgun signs only the timestamp and token in the body: a copy with the event data changed
/// or reordered verifies under the same signature, and is the same delivery.
pub async fn mailgun_copies_with_the_same_signed_fields_are_one_delivery(guard: ReplayGuard) {
    let spy = Spy::new();
    let svc = service(
        providers::mailgun(),
        "mailgun key",
        guard,
        &Clock::manual_at_unix(NOW),
        &spy,
    );
    let signer =
        webhook_guard::Signer::new(providers::mailgun(), Secret::new("mailgun key").unwrap())
            .unwrap();
    let body = signer
        .sign_body(br#"{"event-data":{"event":"delivered","id":"a"}}"#, at(NOW))
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&body).unwrap();
    let mut changed = json.clone();
    changed["event-data"]["id"] = "b".into();
    let send_json = |value: &serde_json::Value| {
        post(
            "/hook",
            HeaderMap::new(),
            Full::new(Bytes::from(serde_json::to_vec_pretty(value).unwrap())),
        )
    };
    assert_eq!(send(&svc, send_json(&json)).await.status, 200);
    assert_eq!(
        send(&svc, send_json(&changed)).await.outcome,
        Some(Outcome::AlreadyProcessed)
    );
    assert_eq!(spy.calls(), 1);
}

/// With a resolver, a delivery is kept under the tenant the resolver resolved to: `/ACME` and
/// `/acme` under a case-insensitive lookup are one tenant, so one delivery.
pub async fn resolved_tenants_keep_replay_state_under_their_canonical_id(guard: ReplayGuard) {
    let spy = Spy::new();
    let layer =
        WebhookLayer::with_resolver(
            providers::standard_webhooks(),
            TenantSelector::path_segment(1),
            |tenant: String| async move {
                Ok::<_, ResolveError>(tenant.eq_ignore_ascii_case("acme").then(|| {
                    TenantKeys::new("acme", Keyring::from(Secret::new(SW_SECRET).unwrap()))
                }))
            },
        )
        .unwrap()
        .clock(Clock::manual_at_unix(NOW))
        .replay_guard(guard);
    let svc = spy.behind(&layer);
    let to = |path: &str| {
        Delivery::new(providers::standard_webhooks(), SW_SECRET)
            .uri(path)
            .id("msg_tenant")
            .at(NOW)
            .full()
    };
    assert_eq!(send(&svc, to("/webhooks/ACME")).await.status, 200);
    assert_eq!(
        send(&svc, to("/webhooks/acme")).await.outcome,
        Some(Outcome::AlreadyProcessed)
    );
    assert_eq!(
        spy.seen()[0].verified.as_ref().unwrap().tenant(),
        Some("acme")
    );
    assert_eq!(spy.calls(), 1);
}

pub async fn stripe_replay_with_a_subset_of_signatures_is_still_caught(
    guard_for: impl Fn() -> ReplayGuard,
) {
    // Mid-rotation Stripe sends one v1 per secret. Dropping one must not make a replay look new.
    let old = "whsec_replay_old";
    let spy = Spy::new();
    let layer = WebhookLayer::new(
        providers::stripe(),
        Keyring::new()
            .key("new", Secret::new(STRIPE_SECRET).unwrap())
            .key("old", Secret::new(old).unwrap()),
    )
    .unwrap()
    .clock(Clock::manual_at_unix(NOW))
    .replay_guard(guard_for());
    let svc = spy.behind(&layer);
    let body = &b"{\"id\":\"evt_1\"}"[..];
    let sig = |secret: &str| {
        let h = Delivery::new(providers::stripe(), secret)
            .body(body)
            .at(NOW)
            .headers();
        let value = h["stripe-signature"].to_str().unwrap().to_owned();
        value.split_once(",v1=").unwrap().1.to_owned()
    };
    let header = |v: String| {
        let mut h = HeaderMap::new();
        h.insert("stripe-signature", v.parse().unwrap());
        post("/hook", h, Full::new(Bytes::from_static(body)))
    };
    let (new_sig, old_sig) = (sig(STRIPE_SECRET), sig(old));
    assert_eq!(
        send(&svc, header(format!("t={NOW},v1={new_sig},v1={old_sig}")))
            .await
            .status,
        200
    );
    for replay in [
        format!("t={NOW},v1={old_sig}"),
        format!("t={NOW},v1={new_sig}"),
        format!("t={NOW},v1={old_sig},v1={new_sig}"),
    ] {
        assert_eq!(
            send(&svc, header(replay)).await.outcome,
            Some(Outcome::AlreadyProcessed)
        );
    }
    assert_eq!(spy.calls(), 1);
}

pub async fn body_derived_keys_catch_retries_with_new_signatures(guard: ReplayGuard) {
    let spy = Spy::new();
    let guard = guard.dedupe_key(webhook_guard::replay::DedupeKey::from_body(|_, body| {
        let v: serde_json::Value = serde_json::from_slice(body).ok()?;
        Some(v.get("id")?.as_str()?.to_owned())
    }));
    let svc = service(
        providers::stripe(),
        STRIPE_SECRET,
        guard,
        &Clock::manual_at_unix(NOW),
        &spy,
    );
    let stripe = |ts| {
        Delivery::new(providers::stripe(), STRIPE_SECRET)
            .body(&b"{\"id\":\"evt_42\"}"[..])
            .at(ts)
            .full()
    };
    assert_eq!(send(&svc, stripe(NOW - 100)).await.status, 200);
    // Stripe's retry: same event, new timestamp, new signature.
    assert_eq!(
        send(&svc, stripe(NOW)).await.outcome,
        Some(Outcome::AlreadyProcessed)
    );
    assert_eq!(spy.calls(), 1);
    // Another event is another delivery.
    let other = Delivery::new(providers::stripe(), STRIPE_SECRET)
        .body(&b"{\"id\":\"evt_43\"}"[..])
        .at(NOW)
        .full();
    assert_eq!(send(&svc, other).await.status, 200);
    assert_eq!(spy.calls(), 2);
}

pub async fn unsigned_header_keys_are_opt_in_and_required(guard: ReplayGuard) {
    let spy = Spy::new();
    let guard = guard.dedupe_key(webhook_guard::replay::DedupeKey::unsigned_header(
        http::HeaderName::from_static("x-github-delivery"),
    ));
    let svc = service(
        providers::github(),
        GITHUB_SECRET,
        guard,
        &Clock::manual_at_unix(NOW),
        &spy,
    );
    let gh = |delivery: Option<&str>, body: &'static [u8]| {
        let d = Delivery::new(providers::github(), GITHUB_SECRET).body(body);
        match delivery {
            Some(id) => d.header("x-github-delivery", id).full(),
            None => d.full(),
        }
    };
    assert_eq!(
        send(&svc, gh(None, b"{}")).await.outcome,
        Some(Outcome::MissingDedupeKey)
    );
    assert_eq!(
        send(&svc, gh(Some("guid-1"), b"{\"a\":1}")).await.status,
        200
    );
    // A redelivery of the same GUID with another body is recognised by the GUID…
    assert_eq!(
        send(&svc, gh(Some("guid-1"), b"{\"a\":2}")).await.outcome,
        Some(Outcome::AlreadyProcessed)
    );
    assert_eq!(spy.calls(), 1);
    // …and another GUID is another delivery, whatever its body.
    assert_eq!(
        send(&svc, gh(Some("guid-2"), b"{\"a\":1}")).await.status,
        200
    );
    assert_eq!(spy.calls(), 2);
}

pub async fn namespaces_keep_endpoints_apart(guard_a: ReplayGuard, guard_b: ReplayGuard) {
    let spy = Spy::new();
    let a = sw_service(guard_a.namespace("endpoint-a"), &spy);
    let b = sw_service(guard_b.namespace("endpoint-b"), &spy);
    assert_eq!(send(&a, sw(b"{}", "msg_ns")).await.status, 200);
    assert_eq!(send(&b, sw(b"{}", "msg_ns")).await.status, 200);
    assert_eq!(
        send(&a, sw(b"{}", "msg_ns")).await.outcome,
        Some(Outcome::AlreadyProcessed)
    );
    assert_eq!(spy.calls(), 2);
}

// ---------------------------------------------------------------------------------------------
// The store fails

pub async fn store_failure_fails_closed_with_retry_after(guard: ReplayGuard) {
    let spy = Spy::new();
    let svc = sw_service(guard.retry_after(7), &spy);
    let sent = send(&svc, sw(b"{}", "msg_down")).await;
    assert_eq!(sent.status, 503);
    assert_eq!(sent.headers["retry-after"], "7");
    assert_eq!(sent.outcome, Some(Outcome::ReplayStoreUnavailable));
    assert_eq!(spy.calls(), 0);
}

pub async fn fail_open_lets_deliveries_through_when_the_store_fails(guard: ReplayGuard) {
    let spy = Spy::new();
    let svc = sw_service(guard.fail_open(), &spy);
    assert_eq!(send(&svc, sw(b"{}", "msg_open")).await.status, 200);
    assert_eq!(send(&svc, sw(b"{}", "msg_open")).await.status, 200);
    assert_eq!(spy.calls(), 2);
    // Signatures are still enforced.
    let forged = Delivery::new(
        providers::standard_webhooks(),
        "whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
    )
    .at(NOW)
    .full();
    assert_eq!(send(&svc, forged).await.status, 401);
}

/// A completed key outlives the replay window even with a retention far below it. `ttl_of`
/// reads a key's remaining lifetime from the store under test (keys as [`sw_key`] gives them).
/// Returns the service and its spy for store-specific follow-ups.
pub async fn key_ttl_is_never_shorter_than_the_replay_window<F>(
    guard: ReplayGuard,
    clock: &Clock,
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
    let req = Delivery::new(providers::standard_webhooks(), SW_SECRET)
        .id("msg_ttl")
        .at(NOW + 200)
        .full();
    assert_eq!(send(&svc, req).await.status, 200);
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

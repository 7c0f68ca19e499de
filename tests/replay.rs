//! The replay guard over the in-memory store, plus what only a local store can show (bounds,
//! deterministic expiry).

mod common;
mod replay_suite;

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use common::{Delivery, Spy, at, send};
use replay_suite::*;
use webhook_guard::replay::{
    Claim, MemoryStore, ReplayGuard, ReplayStore, StoreError, StoreFuture,
};
use webhook_guard::{Clock, Outcome, RejectionKind, providers};

fn guard() -> ReplayGuard {
    ReplayGuard::new(MemoryStore::new())
}

#[tokio::test]
async fn same_delivery_twice_reaches_the_handler_once() {
    replay_suite::same_delivery_twice_reaches_the_handler_once(guard()).await;
}

#[tokio::test]
async fn failed_handler_releases_the_claim_for_the_retry() {
    replay_suite::failed_handler_releases_the_claim_for_the_retry(guard()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hang_ups_never_run_a_delivery_twice() {
    replay_suite::hang_ups_never_run_a_delivery_twice(guard()).await;
}

#[tokio::test]
async fn unsigned_pings_claim_nothing() {
    let store = MemoryStore::new();
    replay_suite::unsigned_pings_claim_nothing(ReplayGuard::new(store.clone())).await;
    assert_eq!(store.len(), 0, "no entry for an unsigned request");
}

#[tokio::test]
async fn rotation_does_not_change_a_deliverys_identity() {
    replay_suite::rotation_does_not_change_a_deliverys_identity(guard()).await;
}

#[tokio::test]
async fn re_encoded_form_bodies_are_one_delivery() {
    replay_suite::re_encoded_form_bodies_are_one_delivery(guard()).await;
}

#[tokio::test]
async fn mailgun_copies_with_the_same_signed_fields_are_one_delivery() {
    replay_suite::mailgun_copies_with_the_same_signed_fields_are_one_delivery(guard()).await;
}

#[tokio::test]
async fn resolved_tenants_keep_replay_state_under_their_canonical_id() {
    replay_suite::resolved_tenants_keep_replay_state_under_their_canonical_id(guard()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_identical_deliveries_run_the_handler_exactly_once() {
    replay_suite::concurrent_identical_deliveries_run_the_handler_exactly_once(guard()).await;
}

#[tokio::test]
async fn forged_requests_never_claim() {
    let store = MemoryStore::new();
    replay_suite::forged_requests_never_claim(ReplayGuard::new(store.clone())).await;
    assert_eq!(store.len(), 1, "only the genuine delivery claimed a key");
}

#[tokio::test]
async fn deliveries_without_a_signed_id_are_keyed_on_the_signed_message() {
    replay_suite::deliveries_without_a_signed_id_are_keyed_on_the_signed_message(guard()).await;
}

#[tokio::test]
async fn stripe_replay_with_a_subset_of_signatures_is_still_caught() {
    replay_suite::stripe_replay_with_a_subset_of_signatures_is_still_caught(guard).await;
}

#[tokio::test]
async fn body_derived_keys_catch_retries_with_new_signatures() {
    replay_suite::body_derived_keys_catch_retries_with_new_signatures(guard()).await;
}

#[tokio::test]
async fn unsigned_header_keys_are_opt_in_and_required() {
    replay_suite::unsigned_header_keys_are_opt_in_and_required(guard()).await;
}

#[tokio::test]
async fn namespaces_keep_endpoints_apart() {
    let shared: Arc<dyn ReplayStore> = Arc::new(MemoryStore::new());
    replay_suite::namespaces_keep_endpoints_apart(
        ReplayGuard::from_arc(shared.clone()),
        ReplayGuard::from_arc(shared),
    )
    .await;
}

/// A store that always fails, or never answers.
struct Broken {
    hang: bool,
}

impl ReplayStore for Broken {
    fn claim<'a>(
        &'a self,
        _: &'a str,
        _: &'a str,
        _: Duration,
        _: SystemTime,
    ) -> StoreFuture<'a, Claim> {
        let hang = self.hang;
        Box::pin(async move {
            if hang {
                std::future::pending::<()>().await;
            }
            Err(StoreError::new("connection refused"))
        })
    }
    fn complete<'a>(
        &'a self,
        _: &'a str,
        _: &'a str,
        _: Duration,
        _: SystemTime,
    ) -> StoreFuture<'a, ()> {
        Box::pin(async { Err(StoreError::new("connection refused")) })
    }
    fn release<'a>(&'a self, _: &'a str, _: &'a str, _: SystemTime) -> StoreFuture<'a, ()> {
        Box::pin(async { Err(StoreError::new("connection refused")) })
    }
}

#[tokio::test]
async fn store_error_fails_closed_with_retry_after() {
    replay_suite::store_failure_fails_closed_with_retry_after(ReplayGuard::new(Broken {
        hang: false,
    }))
    .await;
}

#[tokio::test(start_paused = true)]
async fn slow_store_times_out_and_fails_closed() {
    replay_suite::store_failure_fails_closed_with_retry_after(
        ReplayGuard::new(Broken { hang: true }).store_timeout(Duration::from_millis(50)),
    )
    .await;
}

#[tokio::test]
async fn fail_open_lets_deliveries_through_when_the_store_fails() {
    replay_suite::fail_open_lets_deliveries_through_when_the_store_fails(ReplayGuard::new(
        Broken { hang: false },
    ))
    .await;
}

#[tokio::test]
async fn key_ttl_is_never_shorter_than_the_replay_window() {
    let clock = Clock::manual_at_unix(NOW);
    let store = MemoryStore::new();
    let (svc, spy) = replay_suite::key_ttl_is_never_shorter_than_the_replay_window(
        ReplayGuard::new(store.clone()),
        &clock,
        async |key: &str| store.ttl(key, clock.now()),
    )
    .await;

    // Just before the window closes the replay is still caught…
    clock.advance(Duration::from_secs(499));
    let replay = || {
        Delivery::new(providers::standard_webhooks(), SW_SECRET)
            .id("msg_ttl")
            .at(NOW + 200)
            .full()
    };
    assert_eq!(
        send(&svc, replay()).await.outcome,
        Some(Outcome::AlreadyProcessed)
    );
    // …and after it the timestamp check refuses it on its own.
    clock.advance(Duration::from_secs(2));
    assert_eq!(
        send(&svc, replay()).await.kind(),
        Some(RejectionKind::TimestampTooOld)
    );
    assert_eq!(spy.calls(), 1);
}

#[tokio::test]
async fn retention_keeps_completed_keys_for_retries_then_expires_them() {
    let clock = Clock::manual_at_unix(NOW);
    let store = MemoryStore::new();
    // The default retention: 72 hours, Stripe's retry horizon.
    let guard = ReplayGuard::new(store.clone());
    let spy = Spy::new();
    let svc = service(
        providers::standard_webhooks(),
        SW_SECRET,
        guard,
        &clock,
        &spy,
    );
    let delivery = |ts| {
        Delivery::new(providers::standard_webhooks(), SW_SECRET)
            .id("msg_ret")
            .at(ts)
            .full()
    };
    assert_eq!(send(&svc, delivery(NOW)).await.status, 200);
    let ttl = store.ttl(&sw_key("msg_ret"), clock.now()).unwrap();
    assert_eq!(ttl, Duration::from_secs(72 * 3600));
    // A provider retry two days later (new timestamp, same id) is still recognised.
    clock.advance(Duration::from_secs(48 * 3600));
    assert_eq!(
        send(&svc, delivery(NOW + 48 * 3600)).await.outcome,
        Some(Outcome::AlreadyProcessed)
    );
    // After the retention it is gone.
    clock.advance(Duration::from_secs(25 * 3600));
    assert_eq!(store.ttl(&sw_key("msg_ret"), clock.now()), None);
    assert_eq!(spy.calls(), 1);
}

#[tokio::test]
async fn memory_store_is_bounded_and_fails_closed_when_full() {
    let clock = Clock::manual_at_unix(NOW);
    let store = MemoryStore::new().max_entries(3);
    let guard = ReplayGuard::new(store.clone()).retention(Duration::from_secs(600));
    let spy = Spy::new();
    let svc = service(
        providers::standard_webhooks(),
        SW_SECRET,
        guard,
        &clock,
        &spy,
    );
    let delivery = |id: &str, ts| {
        Delivery::new(providers::standard_webhooks(), SW_SECRET)
            .id(id)
            .at(ts)
            .full()
    };
    for i in 0..3 {
        assert_eq!(
            send(&svc, delivery(&format!("msg_{i}"), NOW)).await.status,
            200
        );
    }
    assert_eq!(
        send(&svc, delivery("msg_3", NOW)).await.outcome,
        Some(Outcome::ReplayStoreUnavailable)
    );
    assert_eq!(store.len(), 3);
    // Once earlier keys expire, there is room again.
    clock.advance(Duration::from_secs(661));
    assert_eq!(send(&svc, delivery("msg_3", NOW + 661)).await.status, 200);
    assert_eq!(store.len(), 1);
}

#[tokio::test]
async fn memory_store_byte_bound_holds_under_a_flood_of_unique_keys() {
    let store = MemoryStore::new().max_bytes(64 * 1024);
    let mut claimed = 0usize;
    for i in 0..10_000 {
        let key = format!("ns:id:{i:064}");
        match store
            .claim(&key, "token", Duration::from_secs(60), at(NOW))
            .await
        {
            Ok(Claim::Claimed) => claimed += 1,
            Ok(other) => panic!("{other:?}"),
            Err(_) => break,
        }
    }
    assert!(claimed > 100 && claimed < 10_000, "{claimed}");
    assert_eq!(store.len(), claimed);
}

#[tokio::test]
async fn release_and_complete_only_touch_their_own_claim() {
    let store = MemoryStore::new();
    let ttl = Duration::from_secs(60);
    let now = at(NOW);
    assert_eq!(
        store.claim("k", "mine", ttl, now).await.unwrap(),
        Claim::Claimed
    );
    store.release("k", "someone-else", now).await.unwrap();
    store.complete("k", "someone-else", ttl, now).await.unwrap();
    assert_eq!(
        store.claim("k", "other", ttl, now).await.unwrap(),
        Claim::InProgress
    );
    store.complete("k", "mine", ttl, now).await.unwrap();
    assert_eq!(
        store.claim("k", "other", ttl, now).await.unwrap(),
        Claim::Completed
    );
    store.release("k", "mine", now).await.unwrap();
    assert_eq!(
        store.claim("k", "other", ttl, now).await.unwrap(),
        Claim::Completed
    );
}

#[test]
fn replay_types_say_what_they_are_and_nothing_more() {
    use webhook_guard::replay::DedupeKey;
    let header = DedupeKey::unsigned_header(http::HeaderName::from_static("x-github-delivery"));
    assert_eq!(
        format!("{header:?}"),
        "DedupeKey::UnsignedHeader(x-github-delivery)"
    );
    assert_eq!(format!("{:?}", DedupeKey::signed()), "DedupeKey::Signed");
    let guard = format!("{:?}", guard());
    assert!(guard.starts_with("ReplayGuard {"), "{guard}");
    assert_eq!(
        StoreError::new("connection refused").to_string(),
        "replay store error: connection refused"
    );
}

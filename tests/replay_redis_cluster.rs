//! The replay-guard suite against a real three-primary Redis Cluster (one replica each) that
//! each test starts on free loopback ports (tests/cluster_support), plus what only a cluster
//! shows: hash-tagged keys spread over the primaries, a client that only knows a replica,
//! claims that wait for replicas (`min_replicas_acked`).
//!
//! Without `redis-server` and `redis-cli` on the PATH these tests print a loud SKIPPED line and
//! pass, unless `WEBHOOK_GUARD_REQUIRE_REDIS=1` (set by `.ci/run`), which makes them fail.
//! Failover is in tests/replay_cluster_failover.rs.
#![cfg(feature = "redis-cluster")]

mod cluster_support;
mod common;
mod replay_suite;

use std::time::{Duration, Instant, SystemTime};

use bytes::Bytes;
use http_body_util::Full;

use cluster_support::{RedisCluster, slot_of};
use common::{Delivery, Spy, Svc, send};
use replay_suite::*;
use webhook_guard::replay::{RedisClusterStore, RedisStore, ReplayGuard, ReplayStore};
use webhook_guard::{Clock, Outcome, providers};

/// Suite tests tolerate a busy machine: a node is declared failed only after 5 s.
const NODE_TIMEOUT: Duration = Duration::from_secs(5);

fn start(test: &str) -> Option<RedisCluster> {
    RedisCluster::start(test, NODE_TIMEOUT)
}

fn guard(cluster: &RedisCluster) -> ReplayGuard {
    // Generous store timeout: the machine running the tests may be busy; the timeout is
    // configuration, not what is being measured.
    ReplayGuard::new(cluster.store("test:")).store_timeout(Duration::from_secs(3))
}

/// A Standard Webhooks delivery with id `id`, signed at the suite's [`NOW`].
fn sw(id: &str) -> http::Request<Full<Bytes>> {
    Delivery::new(providers::standard_webhooks(), SW_SECRET)
        .body(&b"{}"[..])
        .id(id)
        .at(NOW)
        .full()
}

/// Keys on every primary.
async fn total_keys(cluster: &RedisCluster) -> i64 {
    let mut total = 0;
    for port in cluster.live_ports() {
        let info: String = cluster.cmd(port, &["INFO", "replication"]);
        if info.contains("role:master") {
            total += cluster.cmd::<i64>(port, &["DBSIZE"]);
        }
    }
    total
}

macro_rules! suite {
    ($($name:ident),* $(,)?) => {$(
        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn $name() {
            let Some(cluster) = start(stringify!($name)) else { return };
            replay_suite::$name(guard(&cluster)).await;
        }
    )*};
}

suite!(
    same_delivery_twice_reaches_the_handler_once,
    failed_handler_releases_the_claim_for_the_retry,
    hang_ups_never_run_a_delivery_twice,
    concurrent_identical_deliveries_run_the_handler_exactly_once,
    rotation_does_not_change_a_deliverys_identity,
    re_encoded_form_bodies_are_one_delivery,
    mailgun_copies_with_the_same_signed_fields_are_one_delivery,
    resolved_tenants_keep_replay_state_under_their_canonical_id,
    deliveries_without_a_signed_id_are_keyed_on_the_signed_message,
    body_derived_keys_catch_retries_with_new_signatures,
    unsigned_header_keys_are_opt_in_and_required,
);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forged_requests_never_claim() {
    let Some(cluster) = start("forged_requests_never_claim") else {
        return;
    };
    replay_suite::forged_requests_never_claim(guard(&cluster)).await;
    assert_eq!(
        total_keys(&cluster).await,
        1,
        "only the genuine delivery claimed a key"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unsigned_pings_claim_nothing() {
    let Some(cluster) = start("unsigned_pings_claim_nothing") else {
        return;
    };
    replay_suite::unsigned_pings_claim_nothing(guard(&cluster)).await;
    assert_eq!(
        total_keys(&cluster).await,
        0,
        "no key for an unsigned request"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stripe_replay_with_a_subset_of_signatures_is_still_caught() {
    let Some(cluster) = start("stripe_replay_with_a_subset") else {
        return;
    };
    replay_suite::stripe_replay_with_a_subset_of_signatures_is_still_caught(|| guard(&cluster))
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn namespaces_keep_endpoints_apart() {
    let Some(cluster) = start("namespaces_keep_endpoints_apart") else {
        return;
    };
    replay_suite::namespaces_keep_endpoints_apart(guard(&cluster), guard(&cluster)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unreachable_cluster_fails_closed_with_retry_after() {
    let Some(mut cluster) = start("unreachable_cluster_fails_closed") else {
        return;
    };
    let urls = cluster.urls();
    for port in cluster.live_ports() {
        cluster.kill(port);
    }
    let guard = ReplayGuard::new(RedisClusterStore::open(&urls).unwrap())
        .store_timeout(Duration::from_secs(3));
    replay_suite::store_failure_fails_closed_with_retry_after(guard).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unreachable_cluster_with_fail_open_lets_deliveries_through() {
    let Some(mut cluster) = start("unreachable_cluster_fail_open") else {
        return;
    };
    let urls = cluster.urls();
    for port in cluster.live_ports() {
        cluster.kill(port);
    }
    let guard = ReplayGuard::new(RedisClusterStore::open(&urls).unwrap())
        .store_timeout(Duration::from_secs(3));
    replay_suite::fail_open_lets_deliveries_through_when_the_store_fails(guard).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cluster_key_ttl_is_never_shorter_than_the_replay_window() {
    let Some(cluster) = start("cluster_key_ttl") else {
        return;
    };
    let mut conn = cluster.client().await;
    let clock = Clock::manual_at_unix(NOW);
    replay_suite::key_ttl_is_never_shorter_than_the_replay_window(
        guard(&cluster),
        &clock,
        async |key: &str| {
            let pttl: i64 = redis::cmd("PTTL")
                .arg(format!("test:{{{key}}}"))
                .query_async(&mut conn.clone())
                .await
                .unwrap();
            u64::try_from(pttl).ok().map(Duration::from_millis)
        },
    )
    .await;
    let key = format!("test:{{{}}}", sw_key("msg_ttl"));
    let value: String = redis::cmd("GET")
        .arg(&key)
        .query_async(&mut conn)
        .await
        .unwrap();
    assert_eq!(value, "done");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_sharing_a_cluster_catch_a_replay_sent_to_the_other() {
    let Some(cluster) = start("two_instances_cluster") else {
        return;
    };
    let clock = Clock::manual_at_unix(NOW);
    let (spy_a, spy_b) = (Spy::new(), Spy::new());
    let scheme = providers::standard_webhooks;
    let a = service(scheme(), SW_SECRET, guard(&cluster), &clock, &spy_a);
    let b = service(scheme(), SW_SECRET, guard(&cluster), &clock, &spy_b);
    assert_eq!(send(&a, sw("msg_shared")).await.status, 200);
    assert_eq!(
        send(&b, sw("msg_shared")).await.outcome,
        Some(Outcome::AlreadyProcessed)
    );
    assert_eq!((spy_a.calls(), spy_b.calls()), (1, 0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keys_are_hash_tagged_and_spread_over_every_primary() {
    let Some(cluster) = start("keys_are_hash_tagged") else {
        return;
    };
    let store = cluster.store("app:");
    assert_eq!(store.redis_key("ns:id:00ff"), "app:{ns:id:00ff}");
    let (clock, spy) = (Clock::manual_at_unix(NOW), Spy::new());
    let svc = service(
        providers::standard_webhooks(),
        SW_SECRET,
        ReplayGuard::new(store).store_timeout(Duration::from_secs(3)),
        &clock,
        &spy,
    );
    for i in 0..48 {
        let id = format!("msg_spread_{i}");
        assert_eq!(send(&svc, sw(&id)).await.status, 200);
    }
    assert_eq!(spy.calls(), 48);
    // Each key lives on the primary that owns its hash tag's slot, and all three hold some.
    let mut per_primary = std::collections::BTreeMap::new();
    for i in 0..48 {
        let key = format!("app:{{{}}}", sw_key(&format!("msg_spread_{i}")));
        let primary = cluster.primary_of_slot(cluster.slot(&key));
        let value: Option<String> = cluster.cmd(primary, &["GET", &key]);
        assert_eq!(
            value.as_deref(),
            Some("done"),
            "{key} on its slot's primary"
        );
        *per_primary.entry(primary).or_insert(0) += 1;
    }
    assert_eq!(per_primary.len(), 3, "{per_primary:?}");
    // The slot is the hash tag's: the same with any prefix.
    let tag = format!("{{{}}}", sw_key("msg_spread_0"));
    assert_eq!(
        cluster.slot(&format!("app:{tag}")),
        cluster.slot(&format!("other-app:{tag}"))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_only_knows_one_replica_finds_every_primary() {
    let Some(cluster) = start("only_one_replica") else {
        return;
    };
    let primary = cluster.primary_of_slot(0);
    let replica = cluster.replica_of(primary);
    let store = RedisClusterStore::open([format!("redis://127.0.0.1:{replica}/")])
        .unwrap()
        .prefix("test:");
    let (clock, spy) = (Clock::manual_at_unix(NOW), Spy::new());
    let svc = service(
        providers::standard_webhooks(),
        SW_SECRET,
        ReplayGuard::new(store).store_timeout(Duration::from_secs(3)),
        &clock,
        &spy,
    );
    for i in 0..12 {
        let id = format!("msg_via_replica_{i}");
        assert_eq!(send(&svc, sw(&id)).await.status, 200);
        assert_eq!(
            send(&svc, sw(&id)).await.outcome,
            Some(Outcome::AlreadyProcessed)
        );
    }
    assert_eq!(spy.calls(), 12);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn claims_acknowledged_by_a_replica_behave_like_plain_claims() {
    let Some(cluster) = start("claims_acknowledged_by_a_replica") else {
        return;
    };
    let acked = || {
        ReplayGuard::new(
            cluster
                .store("test:")
                .min_replicas_acked(1, Duration::from_millis(500)),
        )
        .store_timeout(Duration::from_secs(3))
    };
    replay_suite::same_delivery_twice_reaches_the_handler_once(acked()).await;
    replay_suite::failed_handler_releases_the_claim_for_the_retry(acked()).await;
    replay_suite::concurrent_identical_deliveries_run_the_handler_exactly_once(acked()).await;
    // The done marking reached the replica too.
    let key = format!("test:{{{}}}", sw_key("msg_twice"));
    let replica = cluster.replica_of(cluster.primary_of_slot(cluster.slot(&key)));
    let mut conn = redis::Client::open(format!("redis://127.0.0.1:{replica}/"))
        .unwrap()
        .get_multiplexed_async_connection()
        .await
        .unwrap();
    let _: () = redis::cmd("READONLY").query_async(&mut conn).await.unwrap();
    let on_replica: Option<String> = redis::cmd("GET")
        .arg(&key)
        .query_async(&mut conn)
        .await
        .unwrap();
    assert_eq!(on_replica.as_deref(), Some("done"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_claim_no_replica_acknowledged_in_time_is_released_and_fails_closed() {
    let Some(cluster) = start("claim_not_acknowledged") else {
        return;
    };
    let (clock, spy) = (Clock::manual_at_unix(NOW), Spy::new());
    // Two replicas asked for, one per primary exists: no claim can be acknowledged.
    let store = cluster
        .store("test:")
        .min_replicas_acked(2, Duration::from_millis(50));
    let svc = service(
        providers::standard_webhooks(),
        SW_SECRET,
        ReplayGuard::new(store).store_timeout(Duration::from_secs(3)),
        &clock,
        &spy,
    );
    let req = || sw("msg_unacked");
    let sent = send(&svc, req()).await;
    assert_eq!(
        (sent.status.as_u16(), sent.outcome),
        (503, Some(Outcome::ReplayStoreUnavailable))
    );
    assert_eq!(
        spy.calls(),
        0,
        "the handler never ran on an unacknowledged claim"
    );
    assert_eq!(total_keys(&cluster).await, 0, "the claim was released");

    // The same with one replica asked for while that replica is frozen.
    let key = format!("test:{{{}}}", sw_key("msg_unacked"));
    let primary = cluster.primary_of_slot(cluster.slot(&key));
    let replica = cluster.replica_of(primary);
    let store = cluster
        .store("test:")
        .min_replicas_acked(1, Duration::from_millis(50));
    let svc = service(
        providers::standard_webhooks(),
        SW_SECRET,
        ReplayGuard::new(store).store_timeout(Duration::from_secs(3)),
        &clock,
        &spy,
    );
    // Make sure the store is connected before the replica freezes (retrying: a busy machine
    // may miss the 50 ms).
    until_delivered(&svc, || sw("msg_warm")).await;
    cluster.pause(replica);
    let sent = send(&svc, req()).await;
    cluster.resume(replica);
    assert_eq!(
        (sent.status.as_u16(), sent.outcome),
        (503, Some(Outcome::ReplayStoreUnavailable))
    );
    let left: Option<String> = cluster.cmd(primary, &["GET", &key]);
    assert_eq!(left, None, "the unacknowledged claim was released");
    // Once the replica answers again, the sender's retry goes through (a busy machine may
    // need a few: the wait is 50 ms).
    cluster.wait_until_healthy(Duration::from_secs(20));
    until_delivered(&svc, req).await;
    assert_eq!(spy.calls(), 2);
}

/// Sends copies until one is answered 200 (503 is retried), bounded in time.
async fn until_delivered(svc: &Svc, req: impl Fn() -> http::Request<Full<Bytes>>) {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let status = send(svc, req()).await.status.as_u16();
        if status == 200 {
            return;
        }
        assert_eq!(status, 503);
        assert!(Instant::now() < deadline, "no claim acknowledged in time");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The store's own operations, without a guard: the contract of `ReplayStore`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn store_operations_act_only_on_their_own_claim() {
    let Some(cluster) = start("store_operations") else {
        return;
    };
    let store = cluster.store("test:");
    let ttl = Duration::from_secs(30);
    // Redis keeps time itself: the store ignores `now`.
    let now = SystemTime::now();
    use webhook_guard::replay::Claim;
    assert_eq!(store.claim("k", "t1", ttl, now).await, Ok(Claim::Claimed));
    assert_eq!(
        store.claim("k", "t2", ttl, now).await,
        Ok(Claim::InProgress)
    );
    // Someone else's token neither completes nor releases the claim.
    store.complete("k", "t2", ttl, now).await.unwrap();
    store.release("k", "t2", now).await.unwrap();
    assert_eq!(
        store.claim("k", "t3", ttl, now).await,
        Ok(Claim::InProgress)
    );
    store.complete("k", "t1", ttl, now).await.unwrap();
    assert_eq!(store.claim("k", "t4", ttl, now).await, Ok(Claim::Completed));
    assert_eq!(store.claim("j", "t5", ttl, now).await, Ok(Claim::Claimed));
    store.release("j", "t5", now).await.unwrap();
    assert_eq!(store.claim("j", "t6", ttl, now).await, Ok(Claim::Claimed));
}

#[test]
fn opening_a_store_outside_a_tokio_runtime_is_an_error_not_a_panic() {
    let cluster = RedisClusterStore::open(["redis://127.0.0.1:7000/"]).unwrap_err();
    assert!(cluster.to_string().contains("Tokio runtime"), "{cluster}");
    let single = RedisStore::open("redis://127.0.0.1:6379/").unwrap_err();
    assert!(single.to_string().contains("Tokio runtime"), "{single}");
    // Inside one, both open without connecting.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        assert!(RedisClusterStore::open(["redis://127.0.0.1:7000/"]).is_ok());
        assert!(RedisStore::open("redis://127.0.0.1:6379/").is_ok());
        assert!(RedisClusterStore::open(Vec::<String>::new()).is_err());
        assert!(RedisClusterStore::open(["not a url"]).is_err());
    });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn claims_follow_a_slot_while_it_migrates_and_after_it_moved() {
    let Some(cluster) = start("claims_follow_a_migrating_slot") else {
        return;
    };
    let (clock, spy) = (Clock::manual_at_unix(NOW), Spy::new());
    let svc = service(
        providers::standard_webhooks(),
        SW_SECRET,
        guard(&cluster),
        &clock,
        &spy,
    );
    let key = |id: &str| format!("test:{{{}}}", sw_key(id));
    let slot = cluster.slot(&key("msg_moving"));
    assert_eq!(slot_of(&key("msg_moving")), slot);
    // Two more deliveries whose keys hash to the same slot.
    let mut same_slot = (0..)
        .map(|n| format!("msg_same_slot_{n}"))
        .filter(|id| slot_of(&key(id)) == slot);
    let (asked, moved) = (same_slot.next().unwrap(), same_slot.next().unwrap());
    assert_eq!(cluster.slot(&key(&asked)), slot);
    let from = cluster.primary_of_slot(slot);
    let to = cluster.primary_of_slot((slot + 8192) % 16384);
    assert_ne!(from, to);

    assert_eq!(send(&svc, sw("msg_moving")).await.status, 200);

    cluster.begin_slot_migration(slot, from, to);
    // A key still on the old owner is answered there; a new key is redirected with ASK.
    assert_eq!(
        send(&svc, sw("msg_moving")).await.outcome,
        Some(Outcome::AlreadyProcessed)
    );
    assert_eq!(send(&svc, sw(&asked)).await.status, 200);
    assert_eq!(
        send(&svc, sw(&asked)).await.outcome,
        Some(Outcome::AlreadyProcessed)
    );
    // The old owner redirects a GET of it too, and the new owner has it (read with ASKING).
    let on_old_owner = cluster.try_cmd::<Option<String>>(from, &["GET", &key(&asked)]);
    assert!(
        on_old_owner
            .as_ref()
            .is_err_and(|e| e.kind() == redis::ErrorKind::Server(redis::ServerErrorKind::Ask)),
        "{on_old_owner:?}"
    );
    let mut conn = redis::Client::open(format!("redis://127.0.0.1:{to}/"))
        .unwrap()
        .get_connection()
        .unwrap();
    let (_, on_new_owner): ((), Option<String>) = redis::pipe()
        .cmd("ASKING")
        .cmd("GET")
        .arg(key(&asked))
        .query(&mut conn)
        .unwrap();
    assert_eq!(on_new_owner.as_deref(), Some("done"));

    cluster.finish_slot_migration(slot, from, to);
    // Every key is on the new owner now; the client follows MOVED there.
    assert_eq!(
        send(&svc, sw("msg_moving")).await.outcome,
        Some(Outcome::AlreadyProcessed)
    );
    assert_eq!(
        send(&svc, sw(&asked)).await.outcome,
        Some(Outcome::AlreadyProcessed)
    );
    assert_eq!(send(&svc, sw(&moved)).await.status, 200);
    assert_eq!(
        send(&svc, sw(&moved)).await.outcome,
        Some(Outcome::AlreadyProcessed)
    );
    assert_eq!(spy.calls(), 3);
    for id in ["msg_moving", asked.as_str(), moved.as_str()] {
        let value: Option<String> = cluster.cmd(to, &["GET", &key(id)]);
        assert_eq!(value.as_deref(), Some("done"), "{id} on the new owner");
    }
}

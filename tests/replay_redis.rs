//! The replay-guard suite against a real `redis-server` that each test starts on a free loopback
//! port, plus what only a shared store shows: two instances, Redis restarts, server-side TTLs.
//!
//! Without `redis-server` on the PATH these tests print a loud SKIPPED line and pass, unless
//! `WEBHOOK_GUARD_REQUIRE_REDIS=1` (set by `.ci/run`), which makes a missing server a failure.
#![cfg(feature = "redis")]

mod common;
mod replay_suite;

use std::io::Write as _;
use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::{Delivery, Spy, send};
use replay_suite::*;
use webhook_guard::replay::{RedisStore, ReplayGuard};
use webhook_guard::{Clock, Outcome, providers};

/// A redis-server child process on its own port, killed on drop.
struct RedisServer {
    child: Option<Child>,
    port: u16,
}

impl RedisServer {
    /// Starts one, or returns `None` (after saying so loudly) when redis-server is missing.
    fn start(test: &str) -> Option<Self> {
        if Command::new("redis-server")
            .arg("--version")
            .output()
            .is_err()
        {
            assert!(
                std::env::var("WEBHOOK_GUARD_REQUIRE_REDIS").as_deref() != Ok("1"),
                "redis-server is required (WEBHOOK_GUARD_REQUIRE_REDIS=1) but not on the PATH"
            );
            let _ = writeln!(
                std::io::stderr(),
                "\n*** SKIPPED {test}: redis-server not found. Install it (Debian: \
                 apt-get install redis-server) to run the Redis replay tests. ***\n"
            );
            return None;
        }
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let mut server = Self { child: None, port };
        server.spawn();
        Some(server)
    }

    fn spawn(&mut self) {
        self.spawn_with(&[]);
    }

    fn spawn_with(&mut self, extra: &[&str]) {
        let child = Command::new("redis-server")
            .args(["--port", &self.port.to_string(), "--bind", "127.0.0.1"])
            .args(["--repl-diskless-sync-delay", "0"])
            .args(extra)
            .args(["--save", "", "--appendonly", "no", "--protected-mode", "no"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        self.child = Some(child);
        let deadline = Instant::now() + Duration::from_secs(10);
        while std::net::TcpStream::connect(("127.0.0.1", self.port)).is_err() {
            assert!(Instant::now() < deadline, "redis-server did not start");
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    fn url(&self) -> String {
        format!("redis://127.0.0.1:{}/", self.port)
    }

    fn guard(&self) -> ReplayGuard {
        // Generous store timeout: the machine running the tests may be busy; the timeout is
        // configuration, not what is being measured.
        ReplayGuard::new(RedisStore::open(&self.url()).unwrap().prefix("test:"))
            .store_timeout(Duration::from_secs(3))
    }

    async fn query<T: redis::FromRedisValue>(&self, cmd: &mut impl QueryAsync) -> T {
        let client = redis::Client::open(self.url()).unwrap();
        let mut conn = client.get_multiplexed_async_connection().await.unwrap();
        cmd.run(&mut conn).await
    }
}

/// A command or a pipeline, run on one connection.
trait QueryAsync {
    async fn run<T: redis::FromRedisValue>(
        &mut self,
        conn: &mut redis::aio::MultiplexedConnection,
    ) -> T;
}

impl QueryAsync for redis::Cmd {
    async fn run<T: redis::FromRedisValue>(
        &mut self,
        conn: &mut redis::aio::MultiplexedConnection,
    ) -> T {
        self.query_async(conn).await.unwrap()
    }
}

impl QueryAsync for redis::Pipeline {
    async fn run<T: redis::FromRedisValue>(
        &mut self,
        conn: &mut redis::aio::MultiplexedConnection,
    ) -> T {
        self.query_async(conn).await.unwrap()
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        self.stop();
    }
}

macro_rules! suite {
    ($($name:ident),* $(,)?) => {$(
        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn $name() {
            let Some(redis) = RedisServer::start(stringify!($name)) else { return };
            replay_suite::$name(redis.guard()).await;
        }
    )*};
}

suite!(
    same_delivery_twice_reaches_the_handler_once,
    failed_handler_releases_the_claim_for_the_retry,
    hang_ups_never_run_a_delivery_twice,
    concurrent_identical_deliveries_run_the_handler_exactly_once,
    unsigned_pings_claim_nothing,
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
    let Some(redis) = RedisServer::start("forged_requests_never_claim") else {
        return;
    };
    replay_suite::forged_requests_never_claim(redis.guard()).await;
    let keys: i64 = redis.query(&mut redis::cmd("DBSIZE")).await;
    assert_eq!(keys, 1, "only the genuine delivery claimed a key");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stripe_replay_with_a_subset_of_signatures_is_still_caught() {
    let Some(redis) = RedisServer::start("stripe_replay_with_a_subset") else {
        return;
    };
    replay_suite::stripe_replay_with_a_subset_of_signatures_is_still_caught(|| redis.guard()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn namespaces_keep_endpoints_apart() {
    let Some(redis) = RedisServer::start("namespaces_keep_endpoints_apart") else {
        return;
    };
    replay_suite::namespaces_keep_endpoints_apart(redis.guard(), redis.guard()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unreachable_redis_fails_closed_with_retry_after() {
    let Some(mut redis) = RedisServer::start("unreachable_redis_fails_closed") else {
        return;
    };
    redis.stop();
    replay_suite::store_failure_fails_closed_with_retry_after(redis.guard()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unreachable_redis_with_fail_open_lets_deliveries_through() {
    let Some(mut redis) = RedisServer::start("unreachable_redis_fail_open") else {
        return;
    };
    redis.stop();
    replay_suite::fail_open_lets_deliveries_through_when_the_store_fails(redis.guard()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redis_key_ttl_is_never_shorter_than_the_replay_window() {
    let Some(redis) = RedisServer::start("redis_key_ttl") else {
        return;
    };
    let clock = Clock::manual_at_unix(NOW);
    replay_suite::key_ttl_is_never_shorter_than_the_replay_window(
        redis.guard(),
        &clock,
        async |key: &str| {
            let pttl: i64 = redis
                .query(redis::cmd("PTTL").arg(format!("test:{key}")))
                .await;
            u64::try_from(pttl).ok().map(Duration::from_millis)
        },
    )
    .await;
    let key = format!("test:{}", sw_key("msg_ttl"));
    let value: String = redis.query(redis::cmd("GET").arg(&key)).await;
    assert_eq!(value, "done");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_sharing_redis_catch_a_replay_sent_to_the_other() {
    let Some(redis) = RedisServer::start("two_instances") else {
        return;
    };
    let clock = Clock::manual_at_unix(NOW);
    let (spy_a, spy_b) = (Spy::new(), Spy::new());
    // Two instances: separate layers, separate connections, one Redis.
    let a = service(
        providers::standard_webhooks(),
        SW_SECRET,
        redis.guard(),
        &clock,
        &spy_a,
    );
    let b = service(
        providers::standard_webhooks(),
        SW_SECRET,
        redis.guard(),
        &clock,
        &spy_b,
    );
    let delivery = || {
        Delivery::new(providers::standard_webhooks(), SW_SECRET)
            .id("msg_shared")
            .at(NOW)
            .full()
    };
    assert_eq!(send(&a, delivery()).await.status, 200);
    assert_eq!(
        send(&b, delivery()).await.outcome,
        Some(Outcome::AlreadyProcessed)
    );
    assert_eq!((spy_a.calls(), spy_b.calls()), (1, 0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redis_restart_mid_test_gives_503_while_down_and_recovers() {
    let Some(mut redis) = RedisServer::start("redis_restart") else {
        return;
    };
    let clock = Clock::manual_at_unix(NOW);
    let spy = Spy::new();
    let svc = service(
        providers::standard_webhooks(),
        SW_SECRET,
        redis.guard(),
        &clock,
        &spy,
    );
    let delivery = |id: &str| {
        Delivery::new(providers::standard_webhooks(), SW_SECRET)
            .id(id)
            .at(NOW)
            .full()
    };
    assert_eq!(send(&svc, delivery("msg_before")).await.status, 200);

    redis.stop();
    let down = send(&svc, delivery("msg_while_down")).await;
    assert_eq!(
        (down.status.as_u16(), down.outcome),
        (503, Some(Outcome::ReplayStoreUnavailable))
    );

    redis.spawn();
    // The connection manager reconnects by itself; allow it a bounded number of attempts.
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let status = send(&svc, delivery("msg_while_down")).await.status;
        if status == 200 {
            break;
        }
        assert_eq!(status, 503);
        assert!(
            Instant::now() < deadline,
            "no recovery after Redis came back"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // State from before the restart is gone (no persistence configured), state after it works.
    assert_eq!(
        send(&svc, delivery("msg_while_down")).await.outcome,
        Some(Outcome::AlreadyProcessed)
    );
    assert_eq!(spy.calls(), 2);
}

/// Completing and releasing run their scripts by hash (`EVALSHA`); a Redis that does not know
/// them (just restarted, or its script cache flushed) answers `NOSCRIPT` without running
/// anything, and the store sends the script itself instead: the done marking and the release
/// still happen.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn settling_works_after_the_script_cache_is_flushed() {
    let Some(redis) = RedisServer::start("script_cache_flushed") else {
        return;
    };
    let clock = Clock::manual_at_unix(NOW);
    let spy = Spy::new();
    let svc = service(
        providers::standard_webhooks(),
        SW_SECRET,
        redis.guard(),
        &clock,
        &spy,
    );
    let delivery = |id: &str| {
        Delivery::new(providers::standard_webhooks(), SW_SECRET)
            .id(id)
            .at(NOW)
            .full()
    };
    let flush = async || {
        let flushed: String = redis.query(redis::cmd("SCRIPT").arg("FLUSH")).await;
        assert_eq!(flushed, "OK");
    };
    for id in ["msg_first", "msg_after_flush"] {
        flush().await;
        assert_eq!(send(&svc, delivery(id)).await.status, 200);
        let value: Option<String> = redis
            .query(redis::cmd("GET").arg(format!("test:{}", sw_key(id))))
            .await;
        assert_eq!(value.as_deref(), Some("done"), "{id}");
        assert_eq!(
            send(&svc, delivery(id)).await.outcome,
            Some(Outcome::AlreadyProcessed)
        );
    }
    // A failed handler's claim is released for the retry, script cache flushed or not.
    spy.answer_with(500);
    flush().await;
    assert_eq!(send(&svc, delivery("msg_failed")).await.status, 500);
    let exists: i64 = redis
        .query(redis::cmd("EXISTS").arg(format!("test:{}", sw_key("msg_failed"))))
        .await;
    assert_eq!(exists, 0, "released");
    assert_eq!(spy.calls(), 3);
}

#[test]
fn opening_a_store_outside_a_tokio_runtime_is_an_error_not_a_panic() {
    let err = RedisStore::open("redis://127.0.0.1:6379/").unwrap_err();
    assert!(err.to_string().contains("Tokio runtime"), "{err}");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    // Inside one it opens without connecting.
    runtime.block_on(async { assert!(RedisStore::open("redis://127.0.0.1:6379/").is_ok()) });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_claim_no_replica_acknowledged_is_released_and_fails_closed() {
    let Some(redis) = RedisServer::start("claim_not_acknowledged") else {
        return;
    };
    // No replica at all: nothing can acknowledge.
    let store = RedisStore::open(&redis.url())
        .unwrap()
        .prefix("test:")
        .min_replicas_acked(1, Duration::from_millis(20));
    let clock = Clock::manual_at_unix(NOW);
    let spy = Spy::new();
    let svc = service(
        providers::standard_webhooks(),
        SW_SECRET,
        ReplayGuard::new(store).store_timeout(Duration::from_secs(3)),
        &clock,
        &spy,
    );
    let delivery = || {
        Delivery::new(providers::standard_webhooks(), SW_SECRET)
            .body(&b"{}"[..])
            .id("msg_unacked")
            .at(NOW)
            .full()
    };
    let sent = send(&svc, delivery()).await;
    assert_eq!(
        (sent.status.as_u16(), sent.outcome),
        (503, Some(Outcome::ReplayStoreUnavailable))
    );
    assert_eq!(spy.calls(), 0);
    let keys: i64 = redis.query(&mut redis::cmd("DBSIZE")).await;
    assert_eq!(keys, 0, "the unacknowledged claim was released");

    // With a replica attached, the same delivery goes through once, and its done marking is
    // on the replica when the handler's response is sent.
    let replica_port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut replica = RedisServer {
        child: None,
        port: replica_port,
    };
    // Loads the primary's snapshot straight from the socket: no dump.rdb in the work tree.
    replica.spawn_with(&[
        "--replicaof",
        "127.0.0.1",
        &redis.port.to_string(),
        "--repl-diskless-load",
        "swapdb",
    ]);
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let info: String = replica.query(redis::cmd("INFO").arg("replication")).await;
        if info.contains("master_link_status:up") {
            break;
        }
        assert!(Instant::now() < deadline, "the replica did not sync");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // A replica that just finished its initial sync may not acknowledge for up to a second.
    loop {
        let (_, acked): ((), u32) = redis
            .query(
                redis::pipe()
                    .cmd("SET")
                    .arg("probe")
                    .arg(1)
                    .cmd("WAIT")
                    .arg(1)
                    .arg(100),
            )
            .await;
        if acked == 1 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the replica does not acknowledge"
        );
    }
    let _: () = redis.query(redis::cmd("DEL").arg("probe")).await;
    let store = RedisStore::open(&redis.url())
        .unwrap()
        .prefix("test:")
        .min_replicas_acked(1, Duration::from_secs(1));
    replay_suite::same_delivery_twice_reaches_the_handler_once(
        ReplayGuard::new(store).store_timeout(Duration::from_secs(3)),
    )
    .await;
    let on_replica: Option<String> = replica
        .query(redis::cmd("GET").arg(format!("test:{}", sw_key("msg_twice"))))
        .await;
    assert_eq!(on_replica.as_deref(), Some("done"));
}

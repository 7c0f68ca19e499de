//! What `min_replicas_acked` costs, measured on loopback (ignored by default; a measurement,
//! not a check):
//!
//! ```text
//! cargo test --release --all-features --test replay_wait_cost -- --ignored --nocapture
//! ```
//!
//! For a single server with one replica (`RedisStore`) and a three-primary cluster with one
//! replica each (`RedisClusterStore`), with and without `WAIT 1`: the latency of one claim and of
//! one delivery's store work (claim, then complete) one at a time, the two modes alternating
//! claim by claim, and deliveries per second with 16 in flight, two 2 s runs per mode,
//! alternating. Each measurement is bounded in count and in time.
#![cfg(feature = "redis-cluster")]

mod cluster_support;

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant, SystemTime};

use cluster_support::RedisCluster;
use webhook_guard::replay::{Claim, RedisStore, ReplayStore};

/// Sequential operations per latency measurement (and at most this long).
const SEQUENTIAL: usize = 2_000;
const SEQUENTIAL_LIMIT: Duration = Duration::from_secs(5);
/// Deliveries in flight at once for the throughput measurement, for this long (and at most
/// `THROUGHPUT_MAX` deliveries).
const IN_FLIGHT: usize = 16;
const THROUGHPUT_FOR: Duration = Duration::from_secs(2);
const THROUGHPUT_MAX: usize = 200_000;
const TTL: Duration = Duration::from_secs(60);

struct Killed(Vec<Child>);

impl Drop for Killed {
    fn drop(&mut self) {
        for child in &mut self.0 {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

fn port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn redis_server(port: u16, extra: &[&str]) -> Child {
    let child = Command::new("redis-server")
        .args(["--port", &port.to_string(), "--bind", "127.0.0.1"])
        .args(["--save", "", "--appendonly", "no", "--protected-mode", "no"])
        .args([
            "--repl-diskless-sync-delay",
            "0",
            "--repl-diskless-load",
            "swapdb",
        ])
        .args(extra)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "redis-server did not start");
        std::thread::sleep(Duration::from_millis(10));
    }
    child
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

fn micros(d: Duration) -> String {
    format!("{:.0} µs", d.as_secs_f64() * 1e6)
}

/// One claim and its complete; returns (claim, claim + complete). (Redis stores keep time
/// themselves and ignore `now`.)
async fn one(store: &dyn ReplayStore, key: &str) -> (Duration, Duration) {
    let now = SystemTime::now();
    let t0 = Instant::now();
    assert_eq!(store.claim(key, "t", TTL, now).await, Ok(Claim::Claimed));
    let claimed = t0.elapsed();
    store.complete(key, "t", TTL, now).await.unwrap();
    (claimed, t0.elapsed())
}

/// Deliveries per second with [`IN_FLIGHT`] at once, for [`THROUGHPUT_FOR`].
async fn throughput(store: Arc<dyn ReplayStore>, run: &str) -> f64 {
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let tasks: Vec<_> = (0..IN_FLIGHT)
        .map(|_| {
            let (store, next, run) = (store.clone(), next.clone(), run.to_owned());
            tokio::spawn(async move {
                while started.elapsed() < THROUGHPUT_FOR {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= THROUGHPUT_MAX {
                        break;
                    }
                    one(&*store, &format!("{run}:par:{i}")).await;
                }
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap();
    }
    let done = next.load(Ordering::Relaxed).min(THROUGHPUT_MAX);
    done as f64 / started.elapsed().as_secs_f64()
}

/// Measures a store without and with WAIT, interleaved so that both see the same machine:
/// latencies alternate claim by claim, throughput runs alternate (plain, WAIT, plain, WAIT).
async fn measure(name: &str, plain: Arc<dyn ReplayStore>, waited: Arc<dyn ReplayStore>) {
    let stores = [plain, waited];
    for (m, store) in stores.iter().enumerate() {
        // Warm up: connections, scripts loaded, the replica acknowledging (right after its
        // initial sync a replica may not acknowledge at once).
        let deadline = Instant::now() + Duration::from_secs(10);
        let mut warm = 0;
        while warm < 200 {
            let key = format!("{name}:{m}:warm:{warm}");
            let now = SystemTime::now();
            if store.claim(&key, "t", TTL, now).await.is_ok() {
                store.complete(&key, "t", TTL, now).await.unwrap();
                warm += 1;
            }
            assert!(
                Instant::now() < deadline,
                "{name}: the store did not warm up"
            );
        }
    }
    let mut claims = [Vec::new(), Vec::new()];
    let mut deliveries = [Vec::new(), Vec::new()];
    let started = Instant::now();
    for i in 0..SEQUENTIAL {
        if started.elapsed() > SEQUENTIAL_LIMIT {
            break;
        }
        for (m, store) in stores.iter().enumerate() {
            let (claim, delivery) = one(&**store, &format!("{name}:{m}:seq:{i}")).await;
            claims[m].push(claim);
            deliveries[m].push(delivery);
        }
    }
    let mut rates = [Vec::new(), Vec::new()];
    for round in 0..2 {
        for (m, store) in stores.iter().enumerate() {
            rates[m].push(throughput(store.clone(), &format!("{name}:{m}:{round}")).await);
        }
    }
    for m in 0..2 {
        claims[m].sort();
        deliveries[m].sort();
        println!(
            "| {name}{} | {} | {} | {} | {} | {:.0} / {:.0} |",
            if m == 0 { "" } else { " + WAIT 1" },
            micros(percentile(&claims[m], 0.5)),
            micros(percentile(&claims[m], 0.99)),
            micros(percentile(&deliveries[m], 0.5)),
            micros(percentile(&deliveries[m], 0.99)),
            rates[m][0],
            rates[m][1],
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a measurement: cargo test --release --all-features --test replay_wait_cost -- --ignored --nocapture"]
async fn wait_cost_on_loopback() {
    let wait = Duration::from_millis(100);
    println!(
        "\n{SEQUENTIAL} sequential claims (+ completes) per mode, alternating, then \
         {IN_FLIGHT} in flight for {THROUGHPUT_FOR:?}, twice per mode; WAIT timeout {wait:?}\n"
    );
    println!(
        "| store | claim p50 | claim p99 | claim+complete p50 | claim+complete p99 | deliveries/s, {IN_FLIGHT} in flight (two runs) |"
    );
    println!("|---|---|---|---|---|---|");

    let (primary, replica) = (port(), port());
    let _servers = Killed(vec![
        redis_server(primary, &[]),
        redis_server(replica, &["--replicaof", "127.0.0.1", &primary.to_string()]),
    ]);
    let url = format!("redis://127.0.0.1:{primary}/");
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let client = redis::Client::open(format!("redis://127.0.0.1:{replica}/")).unwrap();
        let mut conn = client.get_multiplexed_async_connection().await.unwrap();
        let info: String = redis::cmd("INFO")
            .arg("replication")
            .query_async(&mut conn)
            .await
            .unwrap();
        if info.contains("master_link_status:up") {
            break;
        }
        assert!(Instant::now() < deadline, "the replica did not sync");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let single = RedisStore::open(&url).unwrap();
    measure(
        "RedisStore",
        Arc::new(single.clone()),
        Arc::new(single.min_replicas_acked(1, wait)),
    )
    .await;

    let Some(cluster) = RedisCluster::start("wait_cost_on_loopback", Duration::from_secs(5)) else {
        return;
    };
    let store = cluster.store("bench:");
    measure(
        "RedisClusterStore",
        Arc::new(store.clone()),
        Arc::new(store.min_replicas_acked(1, wait)),
    )
    .await;
}

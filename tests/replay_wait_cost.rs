//! What `min_replicas_acked` costs, measured on loopback (ignored by default; a measurement,
//! not a check):
//!
//! ```text
//! cargo test --release --all-features --test replay_wait_cost -- --ignored --nocapture
//! ```
//!
//! For a single server with one replica (`RedisStore`) and a three-primary cluster with one
//! replica each (`RedisClusterStore`), with and without `WAIT 1`: the latency of one claim and of
//! one delivery's store work (claim, then complete) one at a time, and deliveries per second
//! with 16 in flight. Each measurement is bounded in count and in time.
#![cfg(feature = "redis-cluster")]

mod cluster_support;

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use cluster_support::RedisCluster;
use webhook_guard::replay::{Claim, RedisStore, ReplayStore};

/// Sequential operations per latency measurement (and at most this long).
const SEQUENTIAL: usize = 2_000;
const SEQUENTIAL_LIMIT: Duration = Duration::from_secs(5);
/// Deliveries in flight at once for the throughput measurement, for this long (and at most
/// `THROUGHPUT_MAX` deliveries).
const IN_FLIGHT: usize = 16;
const THROUGHPUT_FOR: Duration = Duration::from_secs(3);
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

/// Measures one store; `name` labels the row.
async fn measure(name: &str, store: Arc<dyn ReplayStore>, run: &str) {
    // Warm up: connections, scripts loaded.
    for i in 0..200 {
        let key = format!("{run}:warm:{i}");
        assert_eq!(store.claim(&key, "t", TTL).await, Ok(Claim::Claimed));
        store.complete(&key, "t", TTL).await.unwrap();
    }
    let mut claims = Vec::with_capacity(SEQUENTIAL);
    let mut deliveries = Vec::with_capacity(SEQUENTIAL);
    let started = Instant::now();
    for i in 0..SEQUENTIAL {
        if started.elapsed() > SEQUENTIAL_LIMIT {
            break;
        }
        let key = format!("{run}:seq:{i}");
        let t0 = Instant::now();
        assert_eq!(store.claim(&key, "t", TTL).await, Ok(Claim::Claimed));
        let t1 = Instant::now();
        store.complete(&key, "t", TTL).await.unwrap();
        claims.push(t1 - t0);
        deliveries.push(t1.elapsed() + (t1 - t0));
    }
    claims.sort();
    deliveries.sort();

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
                    let key = format!("{run}:par:{i}");
                    assert_eq!(store.claim(&key, "t", TTL).await, Ok(Claim::Claimed));
                    store.complete(&key, "t", TTL).await.unwrap();
                }
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap();
    }
    let elapsed = started.elapsed();
    let done = next.load(Ordering::Relaxed).min(THROUGHPUT_MAX);
    println!(
        "| {name} | {} | {} | {} | {} | {:.0} |",
        micros(percentile(&claims, 0.5)),
        micros(percentile(&claims, 0.99)),
        micros(percentile(&deliveries, 0.5)),
        micros(percentile(&deliveries, 0.99)),
        done as f64 / elapsed.as_secs_f64()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a measurement: cargo test --release --all-features --test replay_wait_cost -- --ignored --nocapture"]
async fn wait_cost_on_loopback() {
    let wait = Duration::from_millis(100);
    println!(
        "\n{SEQUENTIAL} sequential claims (+ completes), then {IN_FLIGHT} in flight for \
         {THROUGHPUT_FOR:?}; WAIT timeout {wait:?}\n"
    );
    println!(
        "| store | claim p50 | claim p99 | claim+complete p50 | claim+complete p99 | deliveries/s ({IN_FLIGHT} in flight) |"
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
    measure("RedisStore, no WAIT", Arc::new(single.clone()), "s0").await;
    measure(
        "RedisStore, WAIT 1",
        Arc::new(single.min_replicas_acked(1, wait)),
        "s1",
    )
    .await;

    let Some(cluster) = RedisCluster::start("wait_cost_on_loopback", Duration::from_secs(5)) else {
        return;
    };
    let store = cluster.store("bench:");
    measure("RedisClusterStore, no WAIT", Arc::new(store.clone()), "c0").await;
    measure(
        "RedisClusterStore, WAIT 1",
        Arc::new(store.min_replicas_acked(1, wait)),
        "c1",
    )
    .await;
}

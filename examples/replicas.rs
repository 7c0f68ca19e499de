//! Two instances of one webhook service on two ports, sharing replay state through Redis: the
//! same delivery sent to both (as a load balancer retrying on another node would) is processed
//! once.
//!
//! ```text
//! cargo run --example replicas --features redis
//! REDIS_URL=redis://10.0.0.5:6379/ cargo run --example replicas --features redis
//! REDIS_CLUSTER_NODES=redis://10.0.0.5:7000/,redis://10.0.0.6:7000/ \
//!     cargo run --example replicas --features redis-cluster
//! cargo run --example replicas --features redis-cluster -- --cluster
//! ```
//!
//! Without `REDIS_URL` or `REDIS_CLUSTER_NODES` it starts a throwaway `redis-server` on a free
//! loopback port. `REDIS_CLUSTER_NODES` (comma-separated node URLs, feature `redis-cluster`)
//! shares the state through a Redis Cluster instead; `--cluster` starts a throwaway one (three
//! primaries with a replica each, on free loopback ports, stopped by PID at the end: the
//! harness of the cluster tests) and points the instances at it.
#![allow(clippy::print_stdout)]

use std::process::{Child, Command, ExitCode, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, SystemTime};

use axum::Router;
use axum::extract::State;
use axum::routing::post;
use webhook_guard::replay::{RedisStore, ReplayGuard, ReplayStore};
use webhook_guard::{Keyring, Secret, Signer, Verified, WebhookLayer, providers};

const SECRET: &str = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD";

#[derive(Clone)]
struct Instance {
    name: &'static str,
    processed: Arc<AtomicUsize>,
}

async fn handle(State(me): State<Instance>, verified: Verified) -> String {
    me.processed.fetch_add(1, Ordering::SeqCst);
    format!(
        "{} processed {}",
        me.name,
        verified.delivery_id().unwrap_or("-")
    )
}

/// Where the instances keep their replay state.
enum Shared {
    Redis(String),
    /// Node URLs of a Redis Cluster.
    #[cfg(feature = "redis-cluster")]
    Cluster(Vec<String>),
}

impl Shared {
    /// A store for one instance (each instance opens its own, as separate processes would).
    fn store(&self) -> Result<Arc<dyn ReplayStore>, Box<dyn std::error::Error>> {
        Ok(match self {
            Self::Redis(url) => Arc::new(RedisStore::open(url)?.prefix("replicas-example:")),
            #[cfg(feature = "redis-cluster")]
            Self::Cluster(nodes) => Arc::new(
                webhook_guard::replay::RedisClusterStore::open(nodes)?.prefix("replicas-example:"),
            ),
        })
    }
}

impl std::fmt::Display for Shared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Redis(url) => write!(f, "Redis at {url}"),
            #[cfg(feature = "redis-cluster")]
            Self::Cluster(nodes) => write!(f, "the Redis Cluster of {}", nodes.join(", ")),
        }
    }
}

async fn start_instance(
    name: &'static str,
    shared: &Shared,
) -> Result<(String, Arc<AtomicUsize>), Box<dyn std::error::Error>> {
    let processed = Arc::new(AtomicUsize::new(0));
    let guard = ReplayGuard::from_arc(shared.store()?).store_timeout(Duration::from_secs(1));
    let layer = WebhookLayer::new(
        providers::standard_webhooks(),
        Keyring::from(Secret::new(SECRET)?),
    )?
    .replay_guard(guard);
    let app = Router::new()
        .route("/webhooks", post(handle))
        .route_layer(layer)
        .with_state(Instance {
            name,
            processed: processed.clone(),
        });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}/webhooks", listener.local_addr()?);
    tokio::spawn(async move { axum::serve(listener, app).await });
    Ok((url, processed))
}

/// A local redis-server for the example, stopped when dropped.
struct LocalRedis(Child);

impl Drop for LocalRedis {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn local_redis() -> Result<(String, LocalRedis), Box<dyn std::error::Error>> {
    let port = std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port();
    let child = Command::new("redis-server")
        .args([
            "--port",
            &port.to_string(),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
        ])
        .stdout(Stdio::null())
        .spawn()
        .map_err(|e| format!("could not start redis-server ({e}); install it or set REDIS_URL"))?;
    let guard = LocalRedis(child);
    for _ in 0..500 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return Ok((format!("redis://127.0.0.1:{port}/"), guard));
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    Err("redis-server did not start".into())
}

/// A throwaway Redis Cluster (the cluster tests' harness), stopped when dropped.
#[cfg(feature = "redis-cluster")]
#[path = "../tests/cluster_support/mod.rs"]
mod cluster_support;

/// What the example started and stops at the end.
enum Local {
    Redis(#[allow(dead_code)] LocalRedis),
    #[cfg(feature = "redis-cluster")]
    Cluster(#[allow(dead_code)] cluster_support::RedisCluster),
}

/// `--cluster`: a throwaway cluster and its node URLs.
#[cfg(feature = "redis-cluster")]
fn local_cluster() -> Result<(Shared, Option<Local>), Box<dyn std::error::Error>> {
    println!("starting a Redis Cluster (3 primaries, 1 replica each) on loopback ports…");
    let cluster = cluster_support::RedisCluster::start("replicas example", Duration::from_secs(5))
        .ok_or("--cluster needs redis-server and redis-cli on the PATH")?;
    Ok((
        Shared::Cluster(cluster.urls()),
        Some(Local::Cluster(cluster)),
    ))
}

#[cfg(not(feature = "redis-cluster"))]
fn local_cluster() -> Result<(Shared, Option<Local>), Box<dyn std::error::Error>> {
    Err("--cluster needs the redis-cluster feature: \
         cargo run --example replicas --features redis-cluster -- --cluster"
        .into())
}

async fn run() -> Result<bool, Box<dyn std::error::Error>> {
    let cluster_flag = std::env::args().skip(1).any(|a| a == "--cluster");
    let (shared, _local) = match (
        std::env::var("REDIS_CLUSTER_NODES"),
        std::env::var("REDIS_URL"),
    ) {
        _ if cluster_flag => local_cluster()?,
        #[cfg(feature = "redis-cluster")]
        (Ok(nodes), _) => (
            Shared::Cluster(
                nodes
                    .split(',')
                    .map(str::trim)
                    .filter(|n| !n.is_empty())
                    .map(str::to_owned)
                    .collect(),
            ),
            None,
        ),
        #[cfg(not(feature = "redis-cluster"))]
        (Ok(_), _) => {
            return Err("REDIS_CLUSTER_NODES needs the redis-cluster feature: \
                        cargo run --example replicas --features redis-cluster"
                .into());
        }
        (Err(_), Ok(url)) => (Shared::Redis(url), None),
        (Err(_), Err(_)) => {
            let (url, child) = local_redis()?;
            (Shared::Redis(url), Some(Local::Redis(child)))
        }
    };
    println!("sharing replay state through {shared}");
    let (url_a, processed_a) = start_instance("instance-a", &shared).await?;
    let (url_b, processed_b) = start_instance("instance-b", &shared).await?;
    println!("instance-a: {url_a}\ninstance-b: {url_b}\n");

    let body = br#"{"type":"invoice.paid","amount":4200}"#;
    let id = format!(
        "msg_replicas_{}",
        SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)?
            .as_nanos()
    );
    let mut signed = http::Request::post("/webhooks")
        .header("webhook-id", &id)
        .body(&body[..])?;
    Signer::new(providers::standard_webhooks(), Secret::new(SECRET)?)?
        .sign(&mut signed, SystemTime::now())?;
    let headers = signed.headers().clone();

    let client = reqwest::Client::new();
    let mut statuses = Vec::new();
    for (name, url) in [
        ("instance-a", &url_a),
        ("instance-b", &url_b),
        ("instance-a", &url_a),
    ] {
        let res = client
            .post(url.as_str())
            .headers(headers.clone())
            .body(body.to_vec())
            .send()
            .await?;
        let status = res.status().as_u16();
        let text = res.text().await?;
        println!("delivery {id} -> {name}: {status} {text}");
        statuses.push(status);
    }
    let (a, b) = (
        processed_a.load(Ordering::SeqCst),
        processed_b.load(Ordering::SeqCst),
    );
    println!(
        "\nprocessed: instance-a {a}, instance-b {b} (total {})",
        a + b
    );
    let ok = a + b == 1 && statuses == [200, 200, 200];
    println!(
        "{}",
        if ok {
            "[ok] one delivery, three attempts on two instances, processed exactly once"
        } else {
            "[FAIL] the delivery was not processed exactly once"
        }
    );
    Ok(ok)
}

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            println!("replicas example failed: {e}");
            ExitCode::FAILURE
        }
    }
}

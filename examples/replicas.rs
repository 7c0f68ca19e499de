//! Two instances of one webhook service on two ports, sharing replay state through Redis: the
//! same delivery sent to both (as a load balancer retrying on another node would) is processed
//! once.
//!
//! ```text
//! cargo run --example replicas --features redis
//! REDIS_URL=redis://10.0.0.5:6379/ cargo run --example replicas --features redis
//! ```
//!
//! Without `REDIS_URL` it starts a throwaway `redis-server` on a free loopback port.
#![allow(clippy::print_stdout)]

use std::process::{Child, Command, ExitCode, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, SystemTime};

use axum::Router;
use axum::extract::State;
use axum::routing::post;
use webhook_guard::replay::{RedisStore, ReplayGuard};
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

async fn start_instance(
    name: &'static str,
    redis_url: &str,
) -> Result<(String, Arc<AtomicUsize>), Box<dyn std::error::Error>> {
    let processed = Arc::new(AtomicUsize::new(0));
    let guard = ReplayGuard::new(RedisStore::open(redis_url)?.prefix("replicas-example:"))
        .store_timeout(Duration::from_secs(1));
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

async fn run() -> Result<bool, Box<dyn std::error::Error>> {
    let (redis_url, _local) = match std::env::var("REDIS_URL") {
        Ok(url) => (url, None),
        Err(_) => {
            let (url, child) = local_redis()?;
            (url, Some(child))
        }
    };
    println!("sharing replay state through {redis_url}");
    let (url_a, processed_a) = start_instance("instance-a", &redis_url).await?;
    let (url_b, processed_b) = start_instance("instance-b", &redis_url).await?;
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

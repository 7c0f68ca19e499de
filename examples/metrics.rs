//! Prometheus metrics next to a webhook route: an axum app serving `POST /webhooks` behind
//! `WebhookLayer` (with a replay guard) and `GET /metrics` in the Prometheus text format, from
//! `metrics-exporter-prometheus`. The example sends itself a genuine delivery, the same delivery
//! again and a forged one, scrapes `/metrics`, prints the `webhook_guard_` lines and exits 0
//! only when every counter moved as expected.
//!
//! ```text
//! cargo run --example metrics --features metrics
//! ```
//!
//! `tests/metrics_prometheus.rs` runs the same code in-process and checks the scrape.
#![allow(clippy::print_stdout)]

use std::error::Error;
use std::process::ExitCode;
use std::time::SystemTime;

use axum::Router;
use axum::routing::{get, post};
use metrics_exporter_prometheus::{
    BuildError, Matcher, PrometheusBuilder, PrometheusHandle, PrometheusRecorder,
};
use webhook_guard::replay::{MemoryStore, ReplayGuard};
use webhook_guard::{Secret, Signer, Verified, WebhookLayer, metrics as wg, providers};

const SECRET: &str = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD";

/// The lines the scrape must contain after [`run`]: one verified delivery, one duplicate, one
/// forged (a signature mismatch), three bodies read.
pub const EXPECTED: [&str; 8] = [
    r#"webhook_guard_deliveries_total{provider="standard-webhooks",endpoint="orders",outcome="verified"} 1"#,
    r#"webhook_guard_deliveries_total{provider="standard-webhooks",endpoint="orders",outcome="duplicate"} 1"#,
    r#"webhook_guard_deliveries_total{provider="standard-webhooks",endpoint="orders",outcome="rejected"} 1"#,
    r#"webhook_guard_rejections_total{provider="standard-webhooks",endpoint="orders",reason="signature_mismatch"} 1"#,
    r#"webhook_guard_replay_claims_total{provider="standard-webhooks",endpoint="orders",result="new"} 1"#,
    r#"webhook_guard_replay_claims_total{provider="standard-webhooks",endpoint="orders",result="duplicate"} 1"#,
    r#"webhook_guard_replay_store_duration_seconds_count{provider="standard-webhooks",endpoint="orders",operation="claim",result="ok"} 2"#,
    r#"webhook_guard_body_size_bytes_count{provider="standard-webhooks",endpoint="orders"} 3"#,
];

/// A Prometheus recorder with buckets that fit webhook-guard's histograms.
/// `recommended_naming` is the exporter's `with_recommended_naming`: the names come out the
/// same either way.
///
/// # Errors
///
/// The exporter refuses the buckets (it does not: they are not empty).
pub fn recorder(recommended_naming: bool) -> Result<PrometheusRecorder, BuildError> {
    Ok(PrometheusBuilder::new()
        .with_recommended_naming(recommended_naming)
        .set_buckets_for_metric(
            Matcher::Prefix("webhook_guard_".into()),
            wg::DURATION_BUCKETS,
        )?
        .set_buckets_for_metric(Matcher::Full(wg::BODY_SIZE.into()), wg::BODY_SIZE_BUCKETS)?
        .build_recorder())
}

/// The application: the webhook route and the scrape endpoint.
///
/// # Errors
///
/// A bad secret.
pub fn app(prometheus: PrometheusHandle) -> Result<Router, webhook_guard::ConfigError> {
    let layer = WebhookLayer::new(
        providers::standard_webhooks(),
        webhook_guard::Keyring::from(Secret::new(SECRET)?),
    )?
    .replay_guard(ReplayGuard::new(MemoryStore::new()))
    .metrics_endpoint("orders");
    Ok(Router::new()
        .route(
            "/webhooks",
            post(|verified: Verified| async move {
                format!("processed {}", verified.delivery_id().unwrap_or("-"))
            }),
        )
        .route_layer(layer)
        .route("/metrics", get(move || async move { prometheus.render() })))
}

/// What the run saw: the status of each delivery (genuine, replayed, forged) and the scrape.
#[derive(Debug)]
pub struct Scrape {
    /// Statuses of the genuine delivery, its copy and the forged one.
    pub statuses: [u16; 3],
    /// The Prometheus text `/metrics` served afterwards.
    pub text: String,
}

/// Describes the metrics to the recorder in use, serves [`app`] on a loopback port, sends it a
/// genuine delivery, the same again and a forged one, then scrapes `/metrics`.
///
/// # Errors
///
/// The server could not be started or reached.
pub async fn run(prometheus: PrometheusHandle) -> Result<Scrape, Box<dyn Error>> {
    wg::describe();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    let app = app(prometheus)?;
    let server = tokio::spawn(async move { axum::serve(listener, app).await });

    let body = r#"{"type":"order.paid","amount":4200}"#;
    let mut signed = http::Request::post("/webhooks")
        .header("webhook-id", "msg_metrics_example")
        .body(body)?;
    Signer::new(providers::standard_webhooks(), Secret::new(SECRET)?)?
        .sign(&mut signed, SystemTime::now())?;
    let headers = signed.headers().clone();

    let client = reqwest::Client::new();
    let mut statuses = [0; 3];
    let sends = [body, body, r#"{"type":"order.paid","amount":1}"#];
    for (status, body) in statuses.iter_mut().zip(sends) {
        let res = client
            .post(format!("{base}/webhooks"))
            .headers(headers.clone())
            .body(body)
            .send()
            .await?;
        *status = res.status().as_u16();
    }
    let text = client
        .get(format!("{base}/metrics"))
        .send()
        .await?
        .text()
        .await?;
    server.abort();
    Ok(Scrape { statuses, text })
}

/// The lines of [`EXPECTED`] missing from the scrape, and whether the statuses are 200, 200
/// (the copy, answered by the replay guard) and 401.
pub fn missing(scrape: &Scrape) -> Vec<&'static str> {
    let mut missing: Vec<&'static str> = EXPECTED
        .into_iter()
        .filter(|line| !scrape.text.lines().any(|l| l == *line))
        .collect();
    if scrape.statuses != [200, 200, 401] {
        missing.push("statuses 200, 200, 401");
    }
    missing
}

#[tokio::main]
async fn main() -> ExitCode {
    let recorder = match recorder(true) {
        Ok(recorder) => recorder,
        Err(e) => {
            println!("metrics example failed: {e}");
            return ExitCode::FAILURE;
        }
    };
    let prometheus = recorder.handle();
    if let Err(e) = metrics::set_global_recorder(recorder) {
        println!("metrics example failed: {e}");
        return ExitCode::FAILURE;
    }
    let scrape = match run(prometheus).await {
        Ok(scrape) => scrape,
        Err(e) => {
            println!("metrics example failed: {e}");
            return ExitCode::FAILURE;
        }
    };
    println!(
        "genuine: {}, the same again: {}, forged: {}\n\nGET /metrics (webhook_guard_ lines):",
        scrape.statuses[0], scrape.statuses[1], scrape.statuses[2]
    );
    for line in scrape.text.lines() {
        if line.contains("webhook_guard_") && !line.contains("_bucket{") {
            println!("  {line}");
        }
    }
    let missing = missing(&scrape);
    if missing.is_empty() {
        println!("\n[ok] every delivery counted once, with its outcome and reason");
        ExitCode::SUCCESS
    } else {
        println!("\n[FAIL] missing from the scrape: {missing:#?}");
        ExitCode::FAILURE
    }
}

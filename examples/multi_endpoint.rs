//! Several providers in one router, each route with its own secret, described in one
//! configuration and composed with tower-http's `TraceLayer`, `TimeoutLayer` and
//! `CompressionLayer`.
//!
//! ```text
//! cargo run --example multi_endpoint
//! ```
//!
//! Layer order, outermost first: trace → timeout → compression → (per route) webhook-guard →
//! handler. Compression only touches *responses*; nothing between the client and webhook-guard
//! changes the request body, which is what the signature covers.
#![allow(clippy::print_stdout)]

use std::process::ExitCode;
use std::time::{Duration, SystemTime};

use axum::routing::post;
use http::StatusCode;
use tower_http::compression::CompressionLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;
use webhook_guard::config::Endpoints;
use webhook_guard::{Scheme, Secret, Signer, Verified, providers};

const STRIPE_SECRET: &str = "whsec_multi_endpoint_stripe";
const GITHUB_SECRET: &str = "multi endpoint github secret";
const SHOPIFY_SECRET: &str = "shpss_multi_endpoint_shopify";

async fn handle(verified: Verified, body: axum::body::Bytes) -> String {
    // A long answer, so the compression layer has something to compress.
    format!(
        "{} delivery of {} bytes verified. {}",
        verified.provider(),
        body.len(),
        "ok ".repeat(200)
    )
}

async fn run() -> Result<bool, Box<dyn std::error::Error>> {
    // Secrets live in files (as Docker/Kubernetes secrets do), never in the configuration.
    let dir = std::env::temp_dir().join(format!(
        "webhook-guard-multi-endpoint-{}",
        std::process::id()
    ));
    std::fs::create_dir_all(&dir)?;
    for (file, secret) in [
        ("stripe", STRIPE_SECRET),
        ("github", GITHUB_SECRET),
        ("shopify", SHOPIFY_SECRET),
    ] {
        std::fs::write(dir.join(file), format!("{secret}\n"))?;
    }
    let config = format!(
        r#"
        [[endpoint]]
        path = "/webhooks/stripe"
        provider = "stripe"
        secrets = [{{ file = "{0}/stripe" }}]

        [[endpoint]]
        path = "/webhooks/github"
        provider = "github"
        secrets = [{{ file = "{0}/github" }}]

        [[endpoint]]
        path = "/webhooks/shopify"
        provider = "shopify"
        secrets = [{{ file = "{0}/shopify" }}]
        "#,
        dir.display()
    );
    let endpoints = Endpoints::from_toml_str(&config)?;
    let app = endpoints
        .router(|_endpoint| post(handle))?
        .layer(CompressionLayer::new())
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            Duration::from_secs(10),
        ))
        .layer(TraceLayer::new_for_http());
    std::fs::remove_dir_all(&dir)?; // the layers hold the keys now

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    tokio::spawn(async move { axum::serve(listener, app).await });
    println!("three providers, three secrets, one router on {base}\n");

    let client = reqwest::Client::new();
    let body = br#"{"id":"evt_1","type":"test"}"#;
    let sign =
        |scheme: Scheme, secret: &str| -> Result<http::HeaderMap, Box<dyn std::error::Error>> {
            let mut request = http::Request::post("/").body(&body[..])?;
            Signer::new(scheme, Secret::new(secret)?)?.sign(&mut request, SystemTime::now())?;
            Ok(request.headers().clone())
        };
    let plays = [
        (
            "Stripe delivery on the Stripe route",
            "/webhooks/stripe",
            sign(providers::stripe(), STRIPE_SECRET)?,
            200,
        ),
        (
            "GitHub delivery on the GitHub route",
            "/webhooks/github",
            sign(providers::github(), GITHUB_SECRET)?,
            200,
        ),
        (
            "Shopify delivery on the Shopify route",
            "/webhooks/shopify",
            sign(providers::shopify(), SHOPIFY_SECRET)?,
            200,
        ),
        (
            "GitHub-style signature made with the Stripe secret",
            "/webhooks/github",
            sign(providers::github(), STRIPE_SECRET)?,
            401,
        ),
        (
            "Shopify delivery sent to the GitHub route",
            "/webhooks/github",
            sign(providers::shopify(), SHOPIFY_SECRET)?,
            401,
        ),
        (
            "Stripe delivery signed with the Shopify secret",
            "/webhooks/stripe",
            sign(providers::stripe(), SHOPIFY_SECRET)?,
            401,
        ),
    ];
    let mut ok = true;
    for (what, path, headers, expected) in plays {
        let res = client
            .post(format!("{base}{path}"))
            .headers(headers)
            .header("accept-encoding", "gzip")
            .body(body.to_vec())
            .send()
            .await?;
        let status = res.status().as_u16();
        let encoding = res
            .headers()
            .get("content-encoding")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("identity")
            .to_owned();
        // Successful answers pass through the compression layer.
        let good = status == expected && (status != 200 || encoding == "gzip");
        ok &= good;
        println!(
            "{} {what:<52} -> {status} (expected {expected}), response {encoding}",
            if good { "[ok]  " } else { "[FAIL]" }
        );
    }
    Ok(ok)
}

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            println!("multi_endpoint example failed: {e}");
            ExitCode::FAILURE
        }
    }
}

//! The webhook-guard demo: an axum app with Stripe, GitHub, Standard Webhooks, Shopify, Slack
//! and Twilio routes, each behind its own `WebhookLayer` and secret, and a client that plays the
//! providers. The Twilio route pretends to sit behind a TLS-terminating proxy: Twilio signs the
//! public URL `https://hooks.example.com/…`, which is configured, while the app listens on
//! plain HTTP on loopback.
//!
//! ```text
//! cargo run --example demo            # play every delivery, exit 0 only if all outcomes are right
//! cargo run --example demo -- --serve # keep serving on 127.0.0.1:3000 and print curl commands
//! ```
#![allow(clippy::print_stdout)]

use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::{Duration, SystemTime};

use axum::routing::post;
use axum::{Json, Router};
use http::HeaderMap;
use tokio::net::TcpListener;
use webhook_guard::{
    Keyring, PublicUrl, Scheme, Secret, Signer, Verified, WebhookLayer, providers,
};

// Demo secrets, in the form each provider's dashboard shows them.
const STRIPE_SECRET: &str = "whsec_demo_stripe_2026_11";
const STRIPE_OLD_SECRET: &str = "whsec_demo_stripe_2026_05";
const STRIPE_RETIRED_SECRET: &str = "whsec_demo_stripe_2025_11";
const GITHUB_SECRET: &str = "demo github secret";
const STANDARD_SECRET: &str = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD";
const SHOPIFY_SECRET: &str = "shpss_demo_client_secret";
const SLACK_SECRET: &str = "8f742231b10e8888abcd99yyyzzz85a5";
const TWILIO_AUTH_TOKEN: &str = "demo_twilio_auth_token_0123456789";
/// The URL Twilio calls; the proxy in front of the app forwards it to the loopback port.
const TWILIO_PUBLIC_ORIGIN: &str = "https://hooks.example.com";

fn twilio() -> Result<Scheme, webhook_guard::ConfigError> {
    Ok(providers::twilio(PublicUrl::parse(TWILIO_PUBLIC_ORIGIN)?))
}

/// For form bodies (Slack slash commands, Twilio): the verified bytes, untouched.
async fn handle_form(verified: Verified, body: axum::body::Bytes) -> String {
    format!(
        "accepted {} delivery (key {}), {} form bytes",
        verified.provider(),
        verified.key_label(),
        body.len()
    )
}

async fn handle(verified: Verified, Json(event): Json<serde_json::Value>) -> String {
    format!(
        "accepted {} delivery {} (key {}), event {}",
        verified.provider(),
        verified.delivery_id().unwrap_or("-"),
        verified.key_label(),
        event.get("type").and_then(|t| t.as_str()).unwrap_or("?")
    )
}

fn app() -> Result<Router, webhook_guard::ConfigError> {
    let now = SystemTime::now();
    // Stripe is mid-rotation: the new secret, the previous one for a 48-hour grace period, and
    // one whose grace period is over.
    let stripe_keys = Keyring::new()
        .key("2026-11", Secret::new(STRIPE_SECRET)?)
        .key_until(
            "2026-05",
            Secret::new(STRIPE_OLD_SECRET)?,
            now + Duration::from_secs(48 * 3600),
        )
        .key_until(
            "2025-11",
            Secret::new(STRIPE_RETIRED_SECRET)?,
            now - Duration::from_secs(3600),
        );
    Ok(Router::new()
        .route(
            "/webhooks/stripe",
            post(handle).route_layer(WebhookLayer::new(providers::stripe(), stripe_keys)?),
        )
        .route(
            "/webhooks/github",
            post(handle).route_layer(WebhookLayer::new(
                providers::github(),
                Keyring::from(Secret::new(GITHUB_SECRET)?),
            )?),
        )
        .route(
            "/webhooks/standard",
            post(handle).route_layer(WebhookLayer::new(
                providers::standard_webhooks(),
                Keyring::from(Secret::new(STANDARD_SECRET)?),
            )?),
        )
        .route(
            "/webhooks/shopify",
            post(handle).route_layer(WebhookLayer::new(
                providers::shopify(),
                Keyring::from(Secret::new(SHOPIFY_SECRET)?),
            )?),
        )
        .route(
            "/webhooks/slack",
            post(handle_form).route_layer(WebhookLayer::new(
                providers::slack(),
                Keyring::from(Secret::new(SLACK_SECRET)?),
            )?),
        )
        .route(
            "/webhooks/twilio",
            post(handle_form).route_layer(WebhookLayer::new(
                twilio()?,
                Keyring::from(Secret::new(TWILIO_AUTH_TOKEN)?),
            )?),
        ))
}

/// One delivery the demo plays.
struct Delivery {
    what: &'static str,
    path: &'static str,
    headers: HeaderMap,
    body: Vec<u8>,
    expected: u16,
    form: bool,
}

impl Default for Delivery {
    fn default() -> Self {
        Self {
            what: "",
            path: "",
            headers: HeaderMap::new(),
            body: Vec::new(),
            expected: 0,
            form: false,
        }
    }
}

fn sign(
    scheme: Scheme,
    secret: &str,
    body: &[u8],
    at: SystemTime,
) -> Result<HeaderMap, Box<dyn std::error::Error>> {
    let id = format!(
        "msg_demo_{}",
        at.duration_since(SystemTime::UNIX_EPOCH)?.as_nanos() % 1_000_000_007
    );
    let signer = Signer::new(scheme, Secret::new(secret)?)?;
    let mut request = http::Request::post("/webhooks").body(body)?;
    if let Some(name) = signer.scheme().id_header() {
        request.headers_mut().insert(name.clone(), id.parse()?);
    }
    signer.sign(&mut request, at)?;
    Ok(request.headers().clone())
}

fn deliveries() -> Result<Vec<Delivery>, Box<dyn std::error::Error>> {
    let now = SystemTime::now();
    let event = |kind: &str| format!(r#"{{"id":"evt_demo","type":"{kind}"}}"#).into_bytes();
    let stripe = |secret: &str, body: &[u8], at| sign(providers::stripe(), secret, body, at);
    let github = |secret: &str, body: &[u8]| sign(providers::github(), secret, body, now);
    let standard =
        |body: &[u8], at| sign(providers::standard_webhooks(), STANDARD_SECRET, body, at);

    let paid = event("invoice.paid");
    let push = event("push");
    let created = event("customer.created");
    let big = {
        let mut b = br#"{"type":"bulk","pad":""#.to_vec();
        b.resize(2 * 1024 * 1024, b'x');
        b.extend_from_slice(br#""}"#);
        b
    };
    let shopify = |secret: &str, body: &[u8]| sign(providers::shopify(), secret, body, now);
    let slack = |body: &[u8], at| sign(providers::slack(), SLACK_SECRET, body, at);
    let twilio_sign =
        |scheme: Scheme, body: &[u8]| -> Result<HeaderMap, Box<dyn std::error::Error>> {
            let mut request = http::Request::post("/webhooks/twilio").body(body)?;
            Signer::new(scheme, Secret::new(TWILIO_AUTH_TOKEN)?)?.sign(&mut request, now)?;
            Ok(request.headers().clone())
        };
    let order =
        br#"{"id":820982911946154508,"email":"jon@example.com","total_price":"403.00"}"#.to_vec();
    let command = b"token=gIkuvaNzQIHg97ATvDxqgjtO&team_id=T0001&command=%2Fweather&text=94070&user_name=Steve".to_vec();
    let sms = b"MessageSid=SM1234567890abcdef&From=%2B14155551234&To=%2B15005550006&Body=Hello+from+Twilio".to_vec();
    // What Twilio would sign if the app wrongly believed its own URL was the public one.
    let internal = providers::twilio(PublicUrl::parse("http://127.0.0.1:3000")?);
    Ok(vec![
        Delivery {
            what: "Shopify: genuine delivery",
            path: "/webhooks/shopify",
            headers: shopify(SHOPIFY_SECRET, &order)?,
            body: order.clone(),
            expected: 200,
            ..Delivery::default()
        },
        Delivery {
            what: "Shopify: tampered body",
            path: "/webhooks/shopify",
            headers: shopify(SHOPIFY_SECRET, &order)?,
            body: String::from_utf8(order.clone())?
                .replace("403.00", "0.01")
                .into_bytes(),
            expected: 401,
            ..Delivery::default()
        },
        Delivery {
            what: "Slack: genuine slash command (form body)",
            path: "/webhooks/slack",
            headers: slack(&command, now)?,
            body: command.clone(),
            expected: 200,
            form: true,
        },
        Delivery {
            what: "Slack: replayed slash command (6 minutes old)",
            path: "/webhooks/slack",
            headers: slack(&command, now - Duration::from_secs(360))?,
            body: command.clone(),
            expected: 401,
            form: true,
        },
        Delivery {
            what: "Twilio: genuine SMS, signed for the public URL",
            path: "/webhooks/twilio",
            headers: twilio_sign(twilio()?, &sms)?,
            body: sms.clone(),
            expected: 200,
            form: true,
        },
        Delivery {
            what: "Twilio: same SMS with a tampered parameter",
            path: "/webhooks/twilio",
            headers: twilio_sign(twilio()?, &sms)?,
            body: String::from_utf8(sms.clone())?
                .replace("Hello", "Bye")
                .into_bytes(),
            expected: 401,
            form: true,
        },
        Delivery {
            what: "Twilio: signed for the app's internal URL, not the public one",
            path: "/webhooks/twilio",
            headers: twilio_sign(internal, &sms)?,
            body: sms,
            expected: 401,
            form: true,
        },
        Delivery {
            what: "Stripe: genuine delivery",
            path: "/webhooks/stripe",
            headers: stripe(STRIPE_SECRET, &paid, now)?,
            body: paid.clone(),
            expected: 200,
            ..Delivery::default()
        },
        Delivery {
            what: "GitHub: genuine delivery",
            path: "/webhooks/github",
            headers: github(GITHUB_SECRET, &push)?,
            body: push.clone(),
            expected: 200,
            ..Delivery::default()
        },
        Delivery {
            what: "Standard Webhooks: genuine delivery",
            path: "/webhooks/standard",
            headers: standard(&created, now)?,
            body: created.clone(),
            expected: 200,
            ..Delivery::default()
        },
        Delivery {
            what: "Stripe: signed with the previous secret, in its grace period",
            path: "/webhooks/stripe",
            headers: stripe(STRIPE_OLD_SECRET, &paid, now)?,
            body: paid.clone(),
            expected: 200,
            ..Delivery::default()
        },
        Delivery {
            what: "Stripe: forged signature (attacker's secret)",
            path: "/webhooks/stripe",
            headers: stripe("whsec_attacker_guess", &paid, now)?,
            body: paid.clone(),
            expected: 401,
            ..Delivery::default()
        },
        Delivery {
            what: "GitHub: tampered body",
            path: "/webhooks/github",
            headers: github(GITHUB_SECRET, &push)?,
            body: event("delete"),
            expected: 401,
            ..Delivery::default()
        },
        Delivery {
            what: "Standard Webhooks: stale timestamp (10 minutes old)",
            path: "/webhooks/standard",
            headers: standard(&created, now - Duration::from_secs(600))?,
            body: created.clone(),
            expected: 401,
            ..Delivery::default()
        },
        Delivery {
            what: "Stripe: signed with a rotated-out secret",
            path: "/webhooks/stripe",
            headers: stripe(STRIPE_RETIRED_SECRET, &paid, now)?,
            body: paid.clone(),
            expected: 401,
            ..Delivery::default()
        },
        Delivery {
            what: "Standard Webhooks: oversized body (2 MiB > 1 MiB limit)",
            path: "/webhooks/standard",
            headers: standard(&big, now)?,
            body: big,
            expected: 413,
            ..Delivery::default()
        },
        Delivery {
            what: "GitHub: unsigned request",
            path: "/webhooks/github",
            headers: HeaderMap::new(),
            body: push,
            expected: 401,
            ..Delivery::default()
        },
    ])
}

/// Sends a large delivery the way curl does: `Expect: 100-continue`, and the body only once the
/// server asks for it. A server that refuses by `Content-Length` answers at once and the body is
/// never uploaded (sending it regardless races the server closing the connection).
async fn send_expect_continue(
    addr: SocketAddr,
    d: &Delivery,
) -> Result<u16, Box<dyn std::error::Error>> {
    use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
    let mut stream = BufReader::new(tokio::net::TcpStream::connect(addr).await?);
    let mut head = format!(
        "POST {} HTTP/1.1\r\nhost: {addr}\r\ncontent-type: application/json\r\n\
         content-length: {}\r\nexpect: 100-continue\r\nconnection: close\r\n",
        d.path,
        d.body.len()
    );
    for (name, value) in &d.headers {
        head.push_str(&format!("{name}: {}\r\n", value.to_str()?));
    }
    head.push_str("\r\n");
    stream.get_mut().write_all(head.as_bytes()).await?;
    let mut status_line = String::new();
    stream.read_line(&mut status_line).await?;
    if status_line.starts_with("HTTP/1.1 100") {
        stream.get_mut().write_all(&d.body).await?;
        let mut rest = String::new();
        stream.read_line(&mut rest).await?; // blank line after 100 Continue
        status_line.clear();
        stream.read_line(&mut status_line).await?;
    }
    let mut drain = Vec::new();
    stream.read_to_end(&mut drain).await?;
    let code = status_line
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .ok_or("no status line")?;
    Ok(code)
}

async fn play(addr: SocketAddr) -> Result<bool, Box<dyn std::error::Error>> {
    let client = reqwest::Client::new();
    let mut all_ok = true;
    for d in deliveries()? {
        let (status, text) = if d.body.len() > 1024 * 1024 {
            (send_expect_continue(addr, &d).await?, String::new())
        } else {
            let response = client
                .post(format!("http://{addr}{}", d.path))
                .headers(d.headers.clone())
                .header(
                    "content-type",
                    if d.form {
                        "application/x-www-form-urlencoded"
                    } else {
                        "application/json"
                    },
                )
                .body(d.body.clone())
                .send()
                .await?;
            let status = response.status().as_u16();
            (status, response.text().await.unwrap_or_default())
        };
        let ok = status == d.expected;
        all_ok &= ok;
        println!(
            "{} {:<62} -> {status} (expected {}){}",
            if ok { "[ok]  " } else { "[FAIL]" },
            d.what,
            d.expected,
            if status == 200 {
                format!("  {text}")
            } else {
                String::new()
            }
        );
    }
    Ok(all_ok)
}

fn print_curl(addr: SocketAddr) -> Result<(), Box<dyn std::error::Error>> {
    let now = SystemTime::now();
    let body = br#"{"id":"evt_demo","type":"invoice.paid"}"#;
    println!("Ready-to-paste deliveries (timestamps valid for 5 minutes):\n");
    for (path, scheme, secret) in [
        ("/webhooks/stripe", providers::stripe(), STRIPE_SECRET),
        ("/webhooks/github", providers::github(), GITHUB_SECRET),
        (
            "/webhooks/standard",
            providers::standard_webhooks(),
            STANDARD_SECRET,
        ),
        ("/webhooks/shopify", providers::shopify(), SHOPIFY_SECRET),
        ("/webhooks/slack", providers::slack(), SLACK_SECRET),
    ] {
        let headers = sign(scheme, secret, body, now)?;
        let mut cmd = format!("curl -i http://{addr}{path} -H 'content-type: application/json'");
        for (name, value) in &headers {
            cmd.push_str(&format!(" -H '{name}: {}'", value.to_str()?));
        }
        cmd.push_str(&format!(" -d '{}'", String::from_utf8_lossy(body)));
        println!("{cmd}\n");
    }
    let sms = "From=%2B14155551234&Body=Hello+from+Twilio";
    let mut request = http::Request::post("/webhooks/twilio").body(sms)?;
    Signer::new(twilio()?, Secret::new(TWILIO_AUTH_TOKEN)?)?.sign(&mut request, now)?;
    let headers = request.headers().clone();
    let mut cmd = format!(
        "curl -i http://{addr}/webhooks/twilio -H 'content-type: application/x-www-form-urlencoded'"
    );
    for (name, value) in &headers {
        cmd.push_str(&format!(" -H '{name}: {}'", value.to_str()?));
    }
    println!("{cmd} -d '{sms}'\n");
    println!("Change one character of a body and the answer is 401.");
    Ok(())
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "off".into()),
        )
        .init();
    match run().await {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => {
            println!("\nSome deliveries did not get the expected status.");
            ExitCode::FAILURE
        }
        Err(e) => {
            println!("demo failed: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<bool, Box<dyn std::error::Error>> {
    let serve_mode = std::env::args().any(|a| a == "--serve");
    let bind = if serve_mode {
        "127.0.0.1:3000"
    } else {
        "127.0.0.1:0"
    };
    let listener = TcpListener::bind(bind).await?;
    let addr = listener.local_addr()?;
    let app = app()?;
    let server = tokio::spawn(async move { axum::serve(listener, app).await });
    println!("webhook-guard demo listening on http://{addr}\n");
    if serve_mode {
        print_curl(addr)?;
        println!("\nServing until Ctrl-C (RUST_LOG=webhook_guard=info shows rejections).");
        server.await??;
        return Ok(true);
    }
    let ok = play(addr).await?;
    server.abort();
    Ok(ok)
}

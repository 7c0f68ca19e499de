//! Tier 3: a real axum server on 127.0.0.1:0, hit by a real HTTP client (and by raw TCP for
//! the client-disconnect case).

mod common;
use common::SignExt as _;

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, SystemTime};

use axum::extract::State;
use axum::routing::post;
use axum::{Json, Router};
use http::{HeaderMap, StatusCode};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use webhook_guard::{Keyring, Secret, Signer, Verified, WebhookLayer, providers};

const STRIPE: &str = "whsec_stripe_endpoint_secret";
const GITHUB: &str = "github endpoint secret";
const SW: &str = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD";

#[derive(Clone, Default)]
struct Calls(Arc<AtomicUsize>);

async fn json_handler(
    State(calls): State<Calls>,
    verified: Verified,
    Json(value): Json<serde_json::Value>,
) -> String {
    calls.0.fetch_add(1, Ordering::SeqCst);
    format!(
        "{}:{}:{}",
        verified.provider(),
        verified.key_label(),
        value["n"]
    )
}

async fn bytes_handler(State(calls): State<Calls>, body: axum::body::Bytes) -> Vec<u8> {
    calls.0.fetch_add(1, Ordering::SeqCst);
    body.to_vec()
}

fn layer(scheme: webhook_guard::Scheme, secret: &str) -> WebhookLayer {
    WebhookLayer::new(scheme, Keyring::from(Secret::new(secret).unwrap())).unwrap()
}

async fn serve() -> (SocketAddr, Calls) {
    let calls = Calls::default();
    let app = Router::new()
        .route(
            "/stripe",
            post(json_handler).layer(layer(providers::stripe(), STRIPE)),
        )
        .route(
            "/github",
            post(bytes_handler).layer(layer(providers::github(), GITHUB).body_limit(64 * 1024)),
        )
        .route(
            "/standard",
            post(json_handler).layer(layer(providers::standard_webhooks(), SW)),
        )
        .with_state(calls.clone());
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (addr, calls)
}

fn signed(scheme: webhook_guard::Scheme, secret: &str, body: &[u8], id: &str) -> HeaderMap {
    Signer::new(scheme, Secret::new(secret).unwrap())
        .unwrap()
        .sign_headers(body, SystemTime::now(), Some(id))
        .unwrap()
}

async fn post_to(
    client: &reqwest::Client,
    addr: SocketAddr,
    path: &str,
    headers: HeaderMap,
    body: Vec<u8>,
) -> (StatusCode, Vec<u8>) {
    let res = client
        .post(format!("http://{addr}{path}"))
        .headers(headers)
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .unwrap();
    let status = res.status();
    (status, res.bytes().await.unwrap().to_vec())
}

#[tokio::test]
async fn genuine_deliveries_reach_handlers_through_a_real_server() {
    let (addr, calls) = serve().await;
    let client = reqwest::Client::new();

    let body = br#"{"n":1}"#.to_vec();
    let h = signed(providers::stripe(), STRIPE, &body, "x");
    let (status, text) = post_to(&client, addr, "/stripe", h, body).await;
    assert_eq!(status, 200);
    assert_eq!(text, b"stripe:default:1");

    let body = br#"{"n":2}"#.to_vec();
    let h = signed(providers::standard_webhooks(), SW, &body, "msg_2");
    let (status, text) = post_to(&client, addr, "/standard", h, body).await;
    assert_eq!(status, 200);
    assert_eq!(text, b"standard-webhooks:default:2");

    // Non-UTF-8 bytes come back byte for byte.
    let body = vec![0xff, 0x00, 0xfe, 0x80, b'\n'];
    let h = signed(providers::github(), GITHUB, &body, "x");
    let (status, echoed) = post_to(&client, addr, "/github", h, body.clone()).await;
    assert_eq!(status, 200);
    assert_eq!(echoed, body);
    assert_eq!(calls.0.load(Ordering::SeqCst), 3);
}

#[tokio::test]
async fn forged_and_misrouted_deliveries_are_refused_before_the_handler() {
    let (addr, calls) = serve().await;
    let client = reqwest::Client::new();
    let body = br#"{"n":1}"#.to_vec();

    // Tampered body.
    let h = signed(providers::stripe(), STRIPE, &body, "x");
    let (status, text) = post_to(&client, addr, "/stripe", h, br#"{"n":9}"#.to_vec()).await;
    assert_eq!(
        (status, text.as_slice()),
        (StatusCode::UNAUTHORIZED, &b"Unauthorized"[..])
    );

    // Per-endpoint secrets: a GitHub-style signature made with the Stripe endpoint's secret.
    let h = signed(providers::github(), STRIPE, &body, "x");
    let (status, _) = post_to(&client, addr, "/github", h, body.clone()).await;
    assert_eq!(status, 401);

    // A Standard Webhooks delivery sent to the Stripe route: the header it needs is missing.
    let h = signed(providers::standard_webhooks(), SW, &body, "msg_1");
    let (status, _) = post_to(&client, addr, "/stripe", h, body.clone()).await;
    assert_eq!(status, 401);

    // Unsigned.
    let (status, _) = post_to(&client, addr, "/standard", HeaderMap::new(), body.clone()).await;
    assert_eq!(status, 401);

    // Over the route's 64 KiB limit, by Content-Length, signed or not.
    let big = vec![b' '; 64 * 1024 + 1];
    let h = signed(providers::github(), GITHUB, &big, "x");
    let (status, _) = post_to(&client, addr, "/github", h, big).await;
    assert_eq!(status, 413);

    assert_eq!(calls.0.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn client_disconnect_mid_body_never_reaches_the_handler() {
    let (addr, calls) = serve().await;
    let body = vec![b'a'; 1000];
    let h = signed(providers::github(), GITHUB, &body, "x");
    let sig = h["x-hub-signature-256"].to_str().unwrap().to_owned();

    let mut stream = TcpStream::connect(addr).await.unwrap();
    let head = format!(
        "POST /github HTTP/1.1\r\nhost: {addr}\r\ncontent-length: 1000\r\nx-hub-signature-256: {sig}\r\n\r\n"
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    stream.write_all(&body[..500]).await.unwrap();
    stream.shutdown().await.unwrap();
    // The server answers 400 (or just closes); either way it never calls the handler.
    let mut reply = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut reply)).await;
    let reply = String::from_utf8_lossy(&reply);
    assert!(
        reply.is_empty() || reply.starts_with("HTTP/1.1 400"),
        "{reply}"
    );
    drop(stream);

    // The server is still healthy.
    let client = reqwest::Client::new();
    let (status, _) = post_to(&client, addr, "/github", h, body).await;
    assert_eq!(status, 200);
    assert_eq!(calls.0.load(Ordering::SeqCst), 1);
}

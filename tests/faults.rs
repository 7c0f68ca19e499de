//! Faults an attacker (or a broken network) produces, each answered with a clear rejection in
//! bounded work: huge and repeated headers, signature lists with thousands of entries, bodies in
//! a hundred thousand pieces. (Body errors, trickling, endless bodies and disconnects are in
//! tests/middleware.rs and tests/server.rs; store faults in tests/replay*.rs.)

mod common;
use common::SignExt as _;

use std::convert::Infallible;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll};
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use http::{HeaderValue, Request, Response};
use http_body::{Body, Frame};
use http_body_util::Full;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tower::ServiceExt;
use webhook_guard::{
    Keyring, Rejection, RejectionKind, Secret, Signer, VerifiedBody, WebhookLayer, providers,
};

const SECRET: &str = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD";

fn layer() -> WebhookLayer {
    WebhookLayer::new(
        providers::standard_webhooks(),
        Keyring::from(Secret::new(SECRET).unwrap()),
    )
    .unwrap()
}

async fn run<B>(req: Request<B>) -> (u16, Option<RejectionKind>, usize)
where
    B: Body + Send + 'static,
    B::Data: Send,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    let calls = Arc::new(AtomicUsize::new(0));
    let c = calls.clone();
    let inner = tower::service_fn(move |_req: Request<VerifiedBody>| {
        c.fetch_add(1, Ordering::SeqCst);
        async { Ok::<_, Infallible>(Response::new(Full::new(Bytes::new()))) }
    });
    let svc = tower::Layer::layer(&layer(), inner);
    let res = tokio::time::timeout(Duration::from_secs(5), svc.oneshot(req))
        .await
        .expect("bounded time")
        .unwrap();
    let kind = res
        .extensions()
        .get::<webhook_guard::Outcome>()
        .and_then(webhook_guard::Outcome::rejection)
        .map(Rejection::kind);
    (res.status().as_u16(), kind, calls.load(Ordering::SeqCst))
}

fn signed(body: &'static [u8]) -> Request<Full<Bytes>> {
    let headers = Signer::new(providers::standard_webhooks(), Secret::new(SECRET).unwrap())
        .unwrap()
        .sign_headers(body, SystemTime::now(), Some("msg_fault"))
        .unwrap();
    let mut req = Request::post("/")
        .body(Full::new(Bytes::from_static(body)))
        .unwrap();
    *req.headers_mut() = headers;
    req
}

#[tokio::test]
async fn a_one_mebibyte_signature_header_is_refused_in_bounded_work() {
    let mut req = signed(b"{}");
    let valid = req.headers()["webhook-signature"]
        .to_str()
        .unwrap()
        .to_owned();
    let huge = format!("{} {valid}", "v1,AAAA".repeat(1024 * 1024 / 7));
    req.headers_mut()
        .insert("webhook-signature", HeaderValue::from_str(&huge).unwrap());
    assert_eq!(
        run(req).await,
        (401, Some(RejectionKind::MalformedHeader), 0)
    );
}

#[tokio::test]
async fn a_signature_header_with_ten_thousand_entries_is_refused() {
    let mut req = signed(b"{}");
    let valid = req.headers()["webhook-signature"]
        .to_str()
        .unwrap()
        .to_owned();
    let many = vec![valid.as_str(); 10_000].join(" ");
    req.headers_mut()
        .insert("webhook-signature", HeaderValue::from_str(&many).unwrap());
    assert_eq!(
        run(req).await,
        (401, Some(RejectionKind::MalformedHeader), 0)
    );
}

#[tokio::test]
async fn a_hundred_repeated_signature_headers_are_refused() {
    let mut req = signed(b"{}");
    let valid = req.headers()["webhook-signature"].clone();
    for _ in 0..99 {
        req.headers_mut().append("webhook-signature", valid.clone());
    }
    assert_eq!(
        run(req).await,
        (401, Some(RejectionKind::DuplicateHeader), 0)
    );
}

#[tokio::test]
async fn a_one_mebibyte_id_or_timestamp_is_refused() {
    for name in ["webhook-id", "webhook-timestamp"] {
        let mut req = signed(b"{}");
        req.headers_mut().insert(
            name,
            HeaderValue::from_str(&"1".repeat(1024 * 1024)).unwrap(),
        );
        let (status, kind, calls) = run(req).await;
        assert_eq!((status, calls), (401, 0), "{name}");
        assert!(
            matches!(
                kind,
                Some(RejectionKind::InvalidId | RejectionKind::InvalidTimestamp)
            ),
            "{name}: {kind:?}"
        );
    }
}

/// A body delivered one byte per frame.
struct Dribble {
    data: Bytes,
    pos: usize,
}

impl Body for Dribble {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        if self.pos >= self.data.len() {
            return Poll::Ready(None);
        }
        let byte = self.data.slice(self.pos..self.pos + 1);
        self.pos += 1;
        Poll::Ready(Some(Ok(Frame::data(byte))))
    }
}

#[tokio::test]
async fn a_hundred_thousand_one_byte_chunks_verify() {
    static BODY: std::sync::LazyLock<Vec<u8>> =
        std::sync::LazyLock::new(|| (0..100_000u32).map(|i| (i % 251) as u8).collect());
    let headers = Signer::new(providers::standard_webhooks(), Secret::new(SECRET).unwrap())
        .unwrap()
        .sign_headers(&BODY, SystemTime::now(), Some("msg_chunks"))
        .unwrap();
    let mut req = Request::post("/")
        .body(Dribble {
            data: Bytes::from_static(&BODY),
            pos: 0,
        })
        .unwrap();
    *req.headers_mut() = headers.clone();
    assert_eq!(run(req).await, (200, None, 1));
    // And one byte off, still in pieces, is refused.
    let mut tampered = BODY.clone();
    tampered[50_000] ^= 1;
    let mut req = Request::post("/")
        .body(Dribble {
            data: Bytes::from(tampered),
            pos: 0,
        })
        .unwrap();
    *req.headers_mut() = headers;
    assert_eq!(
        run(req).await,
        (401, Some(RejectionKind::SignatureMismatch), 0)
    );
}

#[tokio::test]
async fn an_oversized_request_head_is_refused_by_hyper_before_the_layer() {
    let app = axum::Router::new()
        .route("/", axum::routing::post(|| async { "handled" }))
        .route_layer(layer());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let huge = "A".repeat(1024 * 1024);
    let head = format!(
        "POST / HTTP/1.1\r\nhost: x\r\nwebhook-signature: {huge}\r\ncontent-length: 0\r\n\r\n"
    );
    // hyper may close the connection before reading everything; either way it must not hang.
    let _ = stream.write_all(head.as_bytes()).await;
    let mut reply = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut reply)).await;
    let reply = String::from_utf8_lossy(&reply);
    assert!(
        reply.is_empty() || reply.starts_with("HTTP/1.1 431"),
        "{}",
        reply.lines().next().unwrap_or_default()
    );
}

//! Report-only (rollout) mode: verification failures are recorded and let through, loudly;
//! resource protections stay enforced; enforcement stays the default.

mod common;
use common::SignExt as _;

use std::io::Write;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::SystemTime;

use bytes::Bytes;
use http::Request;
use http_body_util::Full;
use tower::ServiceExt;
use webhook_guard::keys::{StaticResolver, TenantSelector};
use webhook_guard::{
    Keyring, Rejection, RejectionKind, Secret, Signer, UnverifiedRequestsReachTheHandler, Verified,
    WebhookLayer, providers,
};

const SECRET: &str = "rollout github secret";

/// Everything logged by this test binary.
fn logs() -> &'static Arc<Mutex<Vec<u8>>> {
    static LOGS: OnceLock<Arc<Mutex<Vec<u8>>>> = OnceLock::new();
    LOGS.get_or_init(|| {
        let buf = Arc::new(Mutex::new(Vec::new()));
        let writer = Capture(buf.clone());
        tracing_subscriber::fmt()
            .with_writer(move || writer.clone())
            .with_ansi(false)
            .init();
        buf
    })
}

#[derive(Clone)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl Write for Capture {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// What the handler (`common::Spy`) saw: the body, and the Verified or Rejection extension.
#[derive(Debug, Default, Clone)]
struct Seen {
    calls: usize,
    body: Vec<u8>,
    verified: Option<Verified>,
    rejection: Option<RejectionKind>,
    outcome: Option<webhook_guard::Outcome>,
}

async fn run(layer: WebhookLayer, req: Request<Full<Bytes>>) -> (u16, Seen) {
    let spy = common::Spy::new();
    let res = spy.behind(&layer).oneshot(req).await.unwrap();
    let mut out = Seen {
        calls: spy.calls(),
        ..Seen::default()
    };
    if let Some(seen) = spy.seen().pop() {
        out.rejection = seen
            .outcome
            .as_ref()
            .and_then(webhook_guard::Outcome::rejection)
            .map(Rejection::kind);
        out.body = seen.body.to_vec();
        out.verified = seen.verified;
        out.outcome = seen.outcome;
    }
    (res.status().as_u16(), out)
}

fn layer(report_only: bool) -> WebhookLayer {
    logs();
    let layer = WebhookLayer::new(
        providers::github(),
        Keyring::from(Secret::new(SECRET).unwrap()),
    )
    .unwrap();
    if report_only {
        layer.report_only(UnverifiedRequestsReachTheHandler::i_understand())
    } else {
        layer
    }
}

fn request(secret: Option<&str>, body: &'static [u8]) -> Request<Full<Bytes>> {
    let mut req = Request::post("/")
        .body(Full::new(Bytes::from_static(body)))
        .unwrap();
    if let Some(secret) = secret {
        *req.headers_mut() = Signer::new(providers::github(), Secret::new(secret).unwrap())
            .unwrap()
            .sign_headers(body, SystemTime::now(), None)
            .unwrap();
    }
    req
}

#[tokio::test]
async fn enforcement_is_the_default() {
    let (status, seen) = run(layer(false), request(Some("forger"), b"{}")).await;
    assert_eq!((status, seen.calls), (401, 0));
}

#[tokio::test]
async fn report_only_passes_a_forgery_with_its_rejection_and_the_exact_body() {
    let body: &'static [u8] = b"{\"action\":\"opened\"}\xff";
    let (status, seen) = run(layer(true), request(Some("forger"), body)).await;
    assert_eq!((status, seen.calls), (200, 1));
    assert_eq!(seen.rejection, Some(RejectionKind::SignatureMismatch));
    assert!(seen.verified.is_none());
    assert_eq!(seen.body, body);
    let log = String::from_utf8(logs().lock().unwrap().clone()).unwrap();
    assert!(
        log.contains("REPORT-ONLY mode"),
        "construction warning missing: {log}"
    );
    assert!(
        log.contains("would have been rejected") && log.contains("signature_mismatch"),
        "{log}"
    );
    assert!(!log.contains(SECRET));
}

#[tokio::test]
async fn report_only_reads_the_body_even_when_the_headers_fail() {
    let (status, seen) = run(layer(true), request(None, b"unsigned body")).await;
    assert_eq!((status, seen.calls), (200, 1));
    assert_eq!(seen.rejection, Some(RejectionKind::MissingHeader));
    assert_eq!(seen.body, b"unsigned body");
}

#[tokio::test]
async fn report_only_still_marks_genuine_deliveries_verified() {
    let (status, seen) = run(layer(true), request(Some(SECRET), b"{}")).await;
    assert_eq!((status, seen.calls, seen.rejection), (200, 1, None));
    assert_eq!(seen.verified.unwrap().provider(), "github");
}

#[tokio::test]
async fn report_only_keeps_resource_protections() {
    // Oversized: refused before reading, handler not called.
    let mut big = request(Some("forger"), b"{}");
    big.headers_mut()
        .insert("content-length", "10000000000".parse().unwrap());
    let (status, seen) = run(layer(true), big).await;
    assert_eq!((status, seen.calls), (413, 0));
    // Compressed bodies cannot be verified as sent: still refused.
    let mut gz = request(Some(SECRET), b"{}");
    gz.headers_mut()
        .insert("content-encoding", "gzip".parse().unwrap());
    let (status, seen) = run(layer(true), gz).await;
    assert_eq!((status, seen.calls), (415, 0));
    // A smaller limit applies in report-only mode too.
    let (status, seen) = run(layer(true).body_limit(1), request(None, b"too long")).await;
    assert_eq!((status, seen.calls), (413, 0));
}

#[tokio::test]
async fn report_only_passes_an_unknown_tenant_too() {
    logs();
    let layer = WebhookLayer::with_resolver(
        providers::github(),
        TenantSelector::last_path_segment(),
        StaticResolver::new().tenant("acme", Keyring::from(Secret::new(SECRET).unwrap())),
    )
    .unwrap()
    .report_only(UnverifiedRequestsReachTheHandler::i_understand());
    let mut req = request(Some(SECRET), b"{}");
    *req.uri_mut() = "/hooks/initech".parse().unwrap();
    let (status, seen) = run(layer, req).await;
    assert_eq!((status, seen.calls), (200, 1));
    assert_eq!(seen.rejection, None);
    assert_eq!(seen.outcome, Some(webhook_guard::Outcome::UnknownTenant));
}

//! A key being rotated out that still matches is reported, so operators can see when the
//! sender has switched. (Its own test binary: it installs the global tracing subscriber.)

mod common;
use common::SignExt as _;

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use http::{Request, Response};
use http_body_util::Full;
use tower::ServiceExt;
use webhook_guard::keys::KeyringHandle;
use webhook_guard::{Clock, Keyring, Secret, Signer, VerifiedBody, WebhookLayer, providers};

#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn a_matching_key_in_its_grace_period_is_logged_and_a_current_one_is_not() {
    let capture = Capture::default();
    let writer = capture.clone();
    tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .with_max_level(tracing::Level::INFO)
        .init();

    const T: u64 = 1_800_000_000;
    let clock = Clock::manual_at_unix(T);
    let handle = KeyringHandle::new(
        providers::github(),
        Keyring::new().key("2026-05", Secret::new("old github secret").unwrap()),
    )
    .unwrap();
    let layer = WebhookLayer::from_handle(handle.clone()).clock(clock);
    handle
        .rotate(
            "2026-11",
            Secret::new("new github secret").unwrap(),
            UNIX_EPOCH + Duration::from_secs(T + 7200),
        )
        .unwrap();
    let inner = tower::service_fn(|_req: Request<VerifiedBody>| async {
        Ok::<_, std::convert::Infallible>(Response::new(Full::new(Bytes::new())))
    });
    let svc = tower::Layer::layer(&layer, inner);
    let send = |secret: &str| {
        let headers = Signer::new(providers::github(), Secret::new(secret).unwrap())
            .unwrap()
            .sign_headers(b"{}", SystemTime::now(), None)
            .unwrap();
        let mut req = Request::post("/")
            .body(Full::new(Bytes::from_static(b"{}")))
            .unwrap();
        *req.headers_mut() = headers;
        svc.clone().oneshot(req)
    };

    assert_eq!(send("new github secret").await.unwrap().status(), 200);
    let after_new = String::from_utf8(capture.0.lock().unwrap().clone()).unwrap();
    assert!(!after_new.contains("rotated out"), "{after_new}");

    assert_eq!(send("old github secret").await.unwrap().status(), 200);
    let log = String::from_utf8(capture.0.lock().unwrap().clone()).unwrap();
    let line = log
        .lines()
        .find(|l| l.contains("being rotated out"))
        .unwrap_or_else(|| panic!("no rotation event in {log}"));
    assert!(line.contains("key=\"2026-05\""), "{line}");
    assert!(line.contains("expires_in_secs=7200"), "{line}");
    assert!(line.contains("webhook_guard"), "{line}");
    assert!(!log.contains("old github secret") && !log.contains("new github secret"));
}

//! Keys that come from the provider at run time, through the layer with an injected fetcher:
//! genuine deliveries verify, each key is fetched once and cached, failures (error, deadline,
//! size, unparsable, too many in flight) are 503 with `Retry-After`, references off the
//! allow-list are 401 and never fetched, and the handler never runs for any of them.
#![cfg(feature = "rsa")]

mod common;

use std::convert::Infallible;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use http::{HeaderMap, Request, Response, StatusCode, header};
use http_body_util::{BodyExt as _, Full};
use tower::ServiceExt as _;
use webhook_guard::keys::{FetchError, KeyFetcher, KeyLocation};
use webhook_guard::{
    Clock, ConfigError, Keyring, Outcome, RejectionKind, Scheme, Secret, Verified, VerifiedBody,
    WebhookLayer, providers,
};

mod vectors_support;
use vectors_support::{Case, case, request_parts, verifying_key};

type Svc = tower::util::BoxCloneSyncService<
    Request<Full<Bytes>>,
    Response<webhook_guard::ResponseBody<Full<Bytes>>>,
    Infallible,
>;

/// What one delivery got: the status, the layer's outcome, `Retry-After`, the body.
#[derive(Debug)]
struct Answer {
    status: StatusCode,
    outcome: Option<Outcome>,
    retry_after: Option<String>,
    body: Bytes,
}

/// A layer around a handler that counts its calls and answers with the key label.
fn service(layer: &WebhookLayer, calls: &Arc<AtomicUsize>) -> Svc {
    let calls = calls.clone();
    let inner = tower::service_fn(move |req: Request<VerifiedBody>| {
        calls.fetch_add(1, Ordering::SeqCst);
        let label = req
            .extensions()
            .get::<Verified>()
            .map(|v| v.key_label().to_owned())
            .unwrap_or_default();
        async move { Ok::<_, Infallible>(Response::new(Full::new(Bytes::from(label)))) }
    });
    tower::util::BoxCloneSyncService::new(tower::Layer::layer(layer, inner))
}

fn request(headers: &HeaderMap, body: &str) -> Request<Full<Bytes>> {
    let mut req = Request::post("/webhooks")
        .body(Full::new(Bytes::from(body.to_owned())))
        .unwrap();
    *req.headers_mut() = headers.clone();
    req
}

async fn send(svc: &Svc, req: Request<Full<Bytes>>) -> Answer {
    let res = svc.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let outcome = res.extensions().get::<Outcome>().cloned();
    let retry_after = res
        .headers()
        .get(header::RETRY_AFTER)
        .map(|v| v.to_str().unwrap().to_owned());
    let body = res.into_body().collect().await.unwrap().to_bytes();
    Answer {
        status,
        outcome,
        retry_after,
        body,
    }
}

async fn deliver(svc: &Svc, c: &Case) -> Answer {
    let (headers, _) = request_parts(c);
    send(svc, request(&headers, &c.body)).await
}

/// What a [`Store`] serves: (location, bytes).
type Served = Vec<(String, Vec<u8>)>;

/// A fetcher answering from a map of locations, counting its calls.
#[derive(Clone, Default)]
struct Store {
    served: Arc<Mutex<Served>>,
    calls: Arc<AtomicUsize>,
    asked: Arc<Mutex<Vec<KeyLocation>>>,
}

impl Store {
    fn serving(location: &str, bytes: impl Into<Vec<u8>>) -> Self {
        let store = Self::default();
        store.serve(location, bytes);
        store
    }

    fn serve(&self, location: &str, bytes: impl Into<Vec<u8>>) {
        self.served
            .lock()
            .unwrap()
            .push((location.to_owned(), bytes.into()));
    }

    fn calls(&self) -> usize {
        self.calls.load(Ordering::SeqCst)
    }
}

impl KeyFetcher for Store {
    fn fetch<'a>(
        &'a self,
        location: &'a KeyLocation,
        _max_bytes: usize,
    ) -> webhook_guard::keys::FetchFuture<'a> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        self.asked.lock().unwrap().push(location.clone());
        let found = self
            .served
            .lock()
            .unwrap()
            .iter()
            .find(|(l, _)| l == location.as_str())
            .map(|(_, b)| Bytes::from(b.clone()));
        Box::pin(async move { found.ok_or_else(|| FetchError::new("not served")) })
    }
}

fn sns_case(name: &str) -> Case {
    case("aws-sns", name)
}

fn certificate(c: &Case) -> String {
    c.certificate.clone().unwrap()
}

fn certificate_url(c: &Case) -> String {
    c.certificate_url.clone().unwrap()
}

fn sns_layer(fetcher: impl KeyFetcher, c: &Case) -> WebhookLayer {
    WebhookLayer::with_key_fetcher(providers::aws_sns(), fetcher)
        .unwrap()
        .clock(Clock::manual_at_unix(c.now))
}

fn assert_fetch_failed(answer: &Answer) {
    assert_eq!(answer.status, StatusCode::SERVICE_UNAVAILABLE, "{answer:?}");
    assert_eq!(answer.outcome, Some(Outcome::KeyFetchFailed), "{answer:?}");
    assert!(answer.retry_after.is_some(), "{answer:?}");
    assert!(answer.body.is_empty() || !answer.body.starts_with(b"-----"));
}

fn rejected(answer: &Answer) -> Option<RejectionKind> {
    answer
        .outcome
        .as_ref()
        .and_then(Outcome::rejection)
        .map(|r| r.kind())
}

#[tokio::test]
async fn a_genuine_delivery_verifies_with_the_fetched_certificate_fetched_once() {
    let first = sns_case("notification_sigv1_sha1");
    let second = sns_case("notification_sigv2_sha256_no_subject");
    assert_eq!(certificate_url(&first), certificate_url(&second));
    let store = Store::serving(&certificate_url(&first), certificate(&first));
    let calls = Arc::new(AtomicUsize::new(0));
    let svc = service(&sns_layer(store.clone(), &first), &calls);

    let answer = deliver(&svc, &first).await;
    assert_eq!(answer.status, StatusCode::OK, "{answer:?}");
    // The key is labelled with where it came from.
    assert_eq!(answer.body, certificate_url(&first).as_bytes());
    let answer = deliver(&svc, &second).await;
    assert_eq!(answer.status, StatusCode::OK, "{answer:?}");
    assert_eq!(calls.load(Ordering::SeqCst), 2);
    assert_eq!(store.calls(), 1, "fetched once, then cached");
    assert_eq!(
        store.asked.lock().unwrap().as_slice(),
        [KeyLocation::Url(certificate_url(&first))]
    );

    // A forged delivery naming the same certificate: 401, no new fetch.
    let answer = deliver(&svc, &sns_case("tampered_message")).await;
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
    assert_eq!(rejected(&answer), Some(RejectionKind::SignatureMismatch));
    assert_eq!(store.calls(), 1);
    assert_eq!(calls.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn the_cache_expires_and_the_key_is_fetched_again() {
    let c = sns_case("notification_sigv1_sha1");
    let store = Store::serving(&certificate_url(&c), certificate(&c));
    let clock = Clock::manual_at_unix(c.now);
    let layer = WebhookLayer::with_key_fetcher(providers::aws_sns(), store.clone())
        .unwrap()
        .key_cache_ttl(Duration::from_secs(10))
        .clock(clock.clone());
    let svc = service(&layer, &Arc::default());
    assert_eq!(deliver(&svc, &c).await.status, StatusCode::OK);
    clock.advance(Duration::from_secs(9));
    assert_eq!(deliver(&svc, &c).await.status, StatusCode::OK);
    assert_eq!(store.calls(), 1);
    clock.advance(Duration::from_secs(1));
    assert_eq!(deliver(&svc, &c).await.status, StatusCode::OK);
    assert_eq!(store.calls(), 2);
}

#[tokio::test]
async fn an_unreachable_certificate_is_503_and_not_cached() {
    let c = sns_case("notification_sigv1_sha1");
    let store = Store::default();
    let calls = Arc::new(AtomicUsize::new(0));
    let svc = service(&sns_layer(store.clone(), &c), &calls);
    assert_fetch_failed(&deliver(&svc, &c).await);
    assert_fetch_failed(&deliver(&svc, &c).await);
    assert_eq!(store.calls(), 2, "failures are not cached");
    assert_eq!(calls.load(Ordering::SeqCst), 0);
    // Once it can be fetched, deliveries pass.
    store.serve(&certificate_url(&c), certificate(&c));
    assert_eq!(deliver(&svc, &c).await.status, StatusCode::OK);
    assert_eq!(calls.load(Ordering::SeqCst), 1);
}

#[tokio::test(start_paused = true)]
async fn a_slow_fetch_misses_its_deadline() {
    let c = sns_case("notification_sigv1_sha1");
    let pem = certificate(&c);
    let started = Arc::new(AtomicUsize::new(0));
    let counter = started.clone();
    let slow = move |_: KeyLocation| {
        counter.fetch_add(1, Ordering::SeqCst);
        let pem = pem.clone();
        async move {
            tokio::time::sleep(Duration::from_secs(60)).await;
            Ok::<_, FetchError>(pem.into_bytes())
        }
    };
    let layer = sns_layer(slow, &c).key_fetch_timeout(Duration::from_secs(2));
    let calls = Arc::new(AtomicUsize::new(0));
    let svc = service(&layer, &calls);
    let before = tokio::time::Instant::now();
    let answer = deliver(&svc, &c).await;
    assert_fetch_failed(&answer);
    let waited = before.elapsed();
    assert!(
        waited >= Duration::from_secs(2) && waited < Duration::from_secs(60),
        "{waited:?}"
    );
    assert_eq!(started.load(Ordering::SeqCst), 1);
    assert_eq!(calls.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn an_oversized_or_unparsable_answer_is_503() {
    let c = sns_case("notification_sigv1_sha1");
    let url = certificate_url(&c);
    let calls = Arc::new(AtomicUsize::new(0));

    // Past the default 64 KiB limit.
    let padded = format!("{}{}", certificate(&c), "\n".repeat(64 * 1024));
    let svc = service(&sns_layer(Store::serving(&url, padded), &c), &calls);
    assert_fetch_failed(&deliver(&svc, &c).await);

    // Past a limit set lower than the certificate.
    let layer = sns_layer(Store::serving(&url, certificate(&c)), &c).key_fetch_max_bytes(512);
    assert_fetch_failed(&deliver(&service(&layer, &calls), &c).await);

    // Not a certificate, or a broken one.
    for junk in [
        b"<html>not found</html>".to_vec(),
        b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n".to_vec(),
        vec![0xff, 0xfe, 0x00],
    ] {
        let svc = service(&sns_layer(Store::serving(&url, junk), &c), &calls);
        assert_fetch_failed(&deliver(&svc, &c).await);
    }
    assert_eq!(calls.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn a_panicking_fetcher_is_503() {
    let c = sns_case("notification_sigv1_sha1");
    let panics = |_: KeyLocation| async move {
        if true {
            panic!("fetcher bug");
        }
        Ok::<Vec<u8>, FetchError>(Vec::new())
    };
    let calls = Arc::new(AtomicUsize::new(0));
    let svc = service(&sns_layer(panics, &c), &calls);
    assert_fetch_failed(&deliver(&svc, &c).await);
    // The location left the in-flight set: the next delivery tries again.
    assert_fetch_failed(&deliver(&svc, &c).await);
    assert_eq!(calls.load(Ordering::SeqCst), 0);
}

/// `body` with its `SigningCertURL` replaced by `url` (JSON-escaped).
fn with_cert_url(c: &Case, url: &str) -> String {
    let escaped = serde_json::Value::from(url).to_string();
    let old = serde_json::Value::from(certificate_url(c)).to_string();
    assert!(c.body.contains(&old));
    c.body.replace(&old, &escaped)
}

#[tokio::test]
async fn certificate_urls_off_the_allow_list_are_401_and_never_fetched() {
    let c = sns_case("notification_sigv1_sha1");
    let store = Store::serving(&certificate_url(&c), certificate(&c));
    let calls = Arc::new(AtomicUsize::new(0));
    let svc = service(&sns_layer(store.clone(), &c), &calls);
    let (headers, _) = request_parts(&c);
    let good = certificate_url(&c);
    let path = good
        .strip_prefix("https://sns.us-west-2.amazonaws.com")
        .unwrap();
    let lookalikes = [
        format!("https://sns.us-west-2.amazonaws.com.evil.com{path}"),
        format!("https://sns.us-west-2.amazonaws.com.cn.evil.com{path}"),
        format!("https://evil.com/sns.us-west-2.amazonaws.com{path}"),
        good.replace("https://", "http://"),
        format!("{good}?x"),
        format!("{good}#x"),
        "https://sns.us-west-2.amazonaws.com/?file=cert.pem".to_owned(),
        format!("https://user@sns.us-west-2.amazonaws.com{path}"),
        format!("https://sns.us-west-2.amazonaws.com@evil.com{path}"),
        format!("https://evil.com\\@sns.us-west-2.amazonaws.com{path}"),
        format!("https://sns.us-west-2.amazonaws.com:443{path}"),
        format!("https://sns.us-west-2.amazonaws.com:8443{path}"),
        format!("https://sns.us-west-2.amazonaws.com/%2e%2e{path}"),
        "https://sns.us-west-2.amazonaws.com/SimpleNotificationService.crt".to_owned(),
        "https://sqs.us-west-2.amazonaws.com/x.pem".to_owned(),
        String::new(),
    ];
    for url in &lookalikes {
        let answer = send(&svc, request(&headers, &with_cert_url(&c, url))).await;
        assert_eq!(answer.status, StatusCode::UNAUTHORIZED, "{url}: {answer:?}");
        assert_eq!(
            rejected(&answer),
            Some(RejectionKind::UntrustedKeyLocation),
            "{url}"
        );
    }
    // The research fixtures' own lookalikes.
    for name in [
        "attacker_cert_on_foreign_host",
        "attacker_cert_host_suffix_trick",
        "cert_url_http_not_https",
        "cert_url_not_pem",
        "cert_url_pem_only_in_query",
        "cert_url_with_port",
    ] {
        let answer = deliver(&svc, &sns_case(name)).await;
        assert_eq!(
            rejected(&answer),
            Some(RejectionKind::UntrustedKeyLocation),
            "{name}"
        );
    }
    assert_eq!(store.calls(), 0, "nothing off the allow-list is fetched");
    assert_eq!(calls.load(Ordering::SeqCst), 0);
    // Case and the China partition are fine.
    let upper = with_cert_url(
        &c,
        &good.replace("sns.us-west-2.amazonaws.com", "SNS.US-WEST-2.AMAZONAWS.COM"),
    );
    assert_eq!(
        send(&svc, request(&headers, &upper)).await.status,
        StatusCode::OK
    );
    assert_eq!(store.calls(), 1, "the same (lowercased) location");
}

#[tokio::test]
async fn deliveries_waiting_for_one_certificate_share_its_fetch() {
    let c = sns_case("notification_sigv1_sha1");
    let pem = certificate(&c);
    let gate = Arc::new(tokio::sync::Notify::new());
    let fetches = Arc::new(AtomicUsize::new(0));
    let (g, f) = (gate.clone(), fetches.clone());
    let fetcher = move |_: KeyLocation| {
        f.fetch_add(1, Ordering::SeqCst);
        let (gate, pem) = (g.clone(), pem.clone());
        async move {
            gate.notified().await;
            Ok::<_, FetchError>(pem.into_bytes())
        }
    };
    let calls = Arc::new(AtomicUsize::new(0));
    let svc = service(&sns_layer(fetcher, &c), &calls);
    let waiting: Vec<_> = (0..5)
        .map(|_| {
            let svc = svc.clone();
            let c = c.clone();
            tokio::spawn(async move { deliver(&svc, &c).await.status })
        })
        .collect();
    while fetches.load(Ordering::SeqCst) == 0 {
        tokio::task::yield_now().await;
    }
    for _ in 0..10 {
        tokio::task::yield_now().await;
    }
    gate.notify_waiters();
    for handle in waiting {
        assert_eq!(handle.await.unwrap(), StatusCode::OK);
    }
    assert_eq!(fetches.load(Ordering::SeqCst), 1);
    assert_eq!(calls.load(Ordering::SeqCst), 5);
}

#[tokio::test]
async fn fetches_in_flight_are_bounded() {
    let c = sns_case("notification_sigv1_sha1");
    let pem = certificate(&c);
    let gate = Arc::new(tokio::sync::Semaphore::new(0));
    let (started_tx, mut started) = tokio::sync::mpsc::unbounded_channel();
    let in_flight = Arc::new(AtomicUsize::new(0));
    let most = Arc::new(AtomicUsize::new(0));
    let (g, n, m) = (gate.clone(), in_flight.clone(), most.clone());
    let fetcher = move |location: KeyLocation| {
        let now = n.fetch_add(1, Ordering::SeqCst) + 1;
        m.fetch_max(now, Ordering::SeqCst);
        let _ = started_tx.send(location);
        let (gate, n, pem) = (g.clone(), n.clone(), pem.clone());
        async move {
            let _permit = gate.acquire().await.unwrap();
            n.fetch_sub(1, Ordering::SeqCst);
            Ok::<_, FetchError>(pem.into_bytes())
        }
    };
    let layer = sns_layer(fetcher, &c).max_key_fetches_in_flight(2);
    let calls = Arc::new(AtomicUsize::new(0));
    let svc = service(&layer, &calls);
    let (headers, _) = request_parts(&c);
    let naming = |i: usize| {
        request(
            &headers,
            &with_cert_url(
                &c,
                &format!("https://sns.us-west-2.amazonaws.com/SimpleNotificationService-{i}.pem"),
            ),
        )
    };
    let mut waiting = Vec::new();
    for i in 0..2 {
        let (svc, req) = (svc.clone(), naming(i));
        waiting.push(tokio::spawn(async move { send(&svc, req).await.status }));
        started.recv().await.unwrap();
    }
    // Two fetches are in flight: a delivery naming a third certificate is turned away at once.
    assert_fetch_failed(&send(&svc, naming(2)).await);
    // One naming a certificate being fetched waits for that fetch.
    let (svc2, req) = (svc.clone(), naming(0));
    waiting.push(tokio::spawn(async move { send(&svc2, req).await.status }));
    gate.add_permits(2);
    for handle in waiting {
        assert_eq!(handle.await.unwrap(), StatusCode::OK);
    }
    assert_eq!(most.load(Ordering::SeqCst), 2);
    assert_eq!(calls.load(Ordering::SeqCst), 3);
    // Once they are done, another certificate can be fetched.
    gate.add_permits(1);
    assert_eq!(send(&svc, naming(2)).await.status, StatusCode::OK);
}

#[tokio::test]
async fn a_pinned_certificate_needs_no_fetch() {
    let c = sns_case("notification_sigv1_sha1");
    let layer = WebhookLayer::new(
        providers::aws_sns(),
        Keyring::from(Secret::new(certificate(&c)).unwrap()),
    )
    .unwrap()
    .clock(Clock::manual_at_unix(c.now));
    let calls = Arc::new(AtomicUsize::new(0));
    let svc = service(&layer, &calls);
    let answer = deliver(&svc, &c).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.body, "default");
    // The allow-list applies to pinned keys too.
    let answer = deliver(&svc, &sns_case("cert_url_pem_only_in_query")).await;
    assert_eq!(rejected(&answer), Some(RejectionKind::UntrustedKeyLocation));
    assert_eq!(calls.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_subscription_confirmation_reaches_the_handler_verified_and_is_not_followed() {
    let c = sns_case("subscription_confirmation");
    let store = Store::serving(&certificate_url(&c), certificate(&c));
    let seen = Arc::new(Mutex::new(None));
    let s = seen.clone();
    let inner = tower::service_fn(move |req: Request<VerifiedBody>| {
        let verified = req.extensions().get::<Verified>().cloned();
        *s.lock().unwrap() = Some((verified, req.into_body().into_bytes()));
        async { Ok::<_, Infallible>(Response::new(Full::new(Bytes::new()))) }
    });
    let svc = tower::Layer::layer(&sns_layer(store.clone(), &c), inner);
    let (headers, _) = request_parts(&c);
    let res = svc.oneshot(request(&headers, &c.body)).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let (verified, body) = seen.lock().unwrap().take().unwrap();
    let verified = verified.expect("verified");
    assert_eq!(verified.provider(), "aws-sns");
    assert!(!verified.is_unsigned());
    assert_eq!(body, c.body.as_bytes());
    // Only the certificate was fetched: SubscribeURL is the handler's to follow.
    assert_eq!(
        store.asked.lock().unwrap().as_slice(),
        [KeyLocation::Url(certificate_url(&c))]
    );
}

#[tokio::test]
async fn paypal_certificates_are_fetched_from_paypal_only() {
    let c = case("paypal", "sdk_signed_basic");
    let store = Store::serving(c.certificate_url.as_deref().unwrap(), verifying_key(&c));
    let layer =
        WebhookLayer::with_key_fetcher(providers::paypal("9XL90610J3647323C"), store.clone())
            .unwrap()
            .clock(Clock::manual_at_unix(c.now));
    let calls = Arc::new(AtomicUsize::new(0));
    let svc = service(&layer, &calls);
    assert_eq!(deliver(&svc, &c).await.status, StatusCode::OK);
    let (mut headers, _) = request_parts(&c);
    for url in [
        "https://api.paypal.com.evil.com/v1/notifications/certs/CERT-1",
        "https://evil.example/v1/notifications/certs/CERT-1",
        "https://api.paypal.com/v1/oauth2/token",
        "http://api.paypal.com/v1/notifications/certs/CERT-1",
    ] {
        headers.insert("paypal-cert-url", url.parse().unwrap());
        let answer = send(&svc, request(&headers, &c.body)).await;
        assert_eq!(
            rejected(&answer),
            Some(RejectionKind::UntrustedKeyLocation),
            "{url}"
        );
    }
    assert_eq!(store.calls(), 1);
    assert_eq!(calls.load(Ordering::SeqCst), 1);
    // Without its webhook id the preset cannot be used.
    assert!(matches!(
        WebhookLayer::with_key_fetcher(providers::by_name("paypal").unwrap(), store),
        Err(ConfigError::MissingSetting { .. })
    ));
}

#[tokio::test]
async fn an_expired_certificate_is_cached_and_verifies_nothing() {
    let c = case("paypal", "expired_cert");
    let store = Store::serving(c.certificate_url.as_deref().unwrap(), verifying_key(&c));
    let layer =
        WebhookLayer::with_key_fetcher(providers::paypal("9XL90610J3647323C"), store.clone())
            .unwrap()
            .clock(Clock::manual_at_unix(c.now));
    let calls = Arc::new(AtomicUsize::new(0));
    let svc = service(&layer, &calls);
    for _ in 0..3 {
        let answer = deliver(&svc, &c).await;
        assert_eq!(
            rejected(&answer),
            Some(RejectionKind::NoActiveKey),
            "{answer:?}"
        );
    }
    assert_eq!(store.calls(), 1);
    assert_eq!(calls.load(Ordering::SeqCst), 0);
}

#[cfg(feature = "ecdsa")]
#[tokio::test]
async fn plaid_keys_are_fetched_by_kid_and_unknown_kids_remembered() {
    let genuine = case("plaid", "sdk_signed_basic");
    let rotated = case("plaid", "key_rotation_two_keys_known");
    let unknown = case("plaid", "unknown_kid");
    let kid = |c: &Case| {
        let jwk: serde_json::Value = serde_json::from_str(&c.secret).unwrap();
        jwk["kid"].as_str().unwrap().to_owned()
    };
    // What /webhook_verification_key/get answers.
    let answer = |c: &Case| format!(r#"{{"key":{},"request_id":"HvfCtrDLG1ihcp7"}}"#, c.secret);
    let keys = Arc::new(vec![
        (kid(&genuine), answer(&genuine)),
        (kid(&rotated), answer(&rotated)),
    ]);
    let asked = Arc::new(Mutex::new(Vec::new()));
    let log = asked.clone();
    let fetcher = move |location: KeyLocation| {
        log.lock().unwrap().push(location.clone());
        let keys = keys.clone();
        async move {
            assert!(!location.is_url());
            keys.iter()
                .find(|(k, _)| k == location.as_str())
                .map(|(_, body)| body.clone().into_bytes())
                .ok_or_else(|| FetchError::not_found("no such key_id"))
        }
    };
    let layer = WebhookLayer::with_key_fetcher(providers::plaid(), fetcher)
        .unwrap()
        .clock(Clock::manual_at_unix(genuine.now));
    let calls = Arc::new(AtomicUsize::new(0));
    let svc = service(&layer, &calls);
    assert_eq!(deliver(&svc, &genuine).await.status, StatusCode::OK);
    assert_eq!(deliver(&svc, &rotated).await.status, StatusCode::OK);
    assert_eq!(deliver(&svc, &genuine).await.status, StatusCode::OK);
    for _ in 0..2 {
        let answer = deliver(&svc, &unknown).await;
        assert_eq!(answer.status, StatusCode::UNAUTHORIZED, "{answer:?}");
    }
    assert_eq!(
        asked.lock().unwrap().as_slice(),
        [
            KeyLocation::KeyId(kid(&genuine)),
            KeyLocation::KeyId(kid(&rotated)),
            KeyLocation::KeyId("00000000-0000-0000-0000-000000000000".into()),
        ],
        "each kid fetched once; the unknown one remembered"
    );
    // `alg: none` and HS256 tokens are refused before any key is looked up.
    for name in ["alg_none", "alg_hs256_confusion"] {
        let answer = deliver(&svc, &case("plaid", name)).await;
        assert_eq!(
            rejected(&answer),
            Some(RejectionKind::MalformedHeader),
            "{name}"
        );
    }
    assert_eq!(asked.lock().unwrap().len(), 3);
    assert_eq!(calls.load(Ordering::SeqCst), 3);
}

#[test]
fn only_schemes_that_name_their_keys_take_a_fetcher() {
    let fetcher = |_: KeyLocation| async { Err::<Vec<u8>, _>(FetchError::new("offline")) };
    assert!(matches!(
        WebhookLayer::with_key_fetcher(providers::github(), fetcher),
        Err(ConfigError::UnsupportedOption { .. })
    ));
    let scheme: Scheme = providers::aws_sns();
    assert!(scheme.fetches_keys());
    assert!(WebhookLayer::with_key_fetcher(scheme, fetcher).is_ok());
}

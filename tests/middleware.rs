//! Tier 2: the middleware driven with `tower::ServiceExt::oneshot` (and `ready`/`call`) against a
//! spy inner service that counts its calls and echoes the body it was given.
//!
//! Genuine deliveries are signed with [`Signer`] and checked against a [`Clock`]; nothing here
//! sleeps in real time. Every rejection asserts that the inner service was never called, and the
//! header and size rejections also assert that the request body was never polled.

mod common;
use common::SignExt as _;
use common::Spy;

use std::cell::RefCell;
use std::collections::{BTreeSet, VecDeque};
use std::convert::Infallible;
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Once};
use std::task::{Context, Poll, ready};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::response::IntoResponse;
use axum::routing::{Route, post};
use base64::Engine as _;
use bytes::Bytes;
use http::{HeaderMap, HeaderName, HeaderValue, Request, Response, StatusCode, header};
use http_body::{Body, Frame, SizeHint};
use http_body_util::{BodyExt, Full};
use tower::{Layer, Service, ServiceExt};
use webhook_guard::{
    Clock, Keyring, Outcome, Rejection, RejectionKind, ResponseBody, ResponseFuture, Scheme,
    Secret, Signer, Verified, VerifiedBody, Webhook, WebhookLayer, providers,
};

// ---------------------------------------------------------------------------------------------
// Fixtures
// ---------------------------------------------------------------------------------------------

/// "Now" for every test, in seconds since the Unix epoch.
const NOW: u64 = 1_700_000_000;
/// Valid for every preset: Stripe and GitHub key with the text, Standard Webhooks with the 24
/// bytes the base64 after `whsec_` decodes to.
const SECRET: &str = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD";
/// A second secret, also valid for every preset.
const OTHER_SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const DELIVERY_ID: &str = "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W";
/// Label of [`SECRET`] in the keyrings built by [`layer`].
const LABEL: &str = "primary";

#[derive(Clone, Copy, Debug)]
struct Preset {
    name: &'static str,
    scheme: fn() -> Scheme,
    signature_header: &'static str,
    timestamped: bool,
    has_id: bool,
}

const STRIPE: Preset = Preset {
    name: "stripe",
    scheme: providers::stripe,
    signature_header: "stripe-signature",
    timestamped: true,
    has_id: false,
};
const GITHUB: Preset = Preset {
    name: "github",
    scheme: providers::github,
    signature_header: "x-hub-signature-256",
    timestamped: false,
    has_id: false,
};
const STANDARD_WEBHOOKS: Preset = Preset {
    name: "standard-webhooks",
    scheme: providers::standard_webhooks,
    signature_header: "webhook-signature",
    timestamped: true,
    has_id: true,
};
const PRESETS: [Preset; 3] = [STRIPE, GITHUB, STANDARD_WEBHOOKS];

fn unix(secs: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(secs)
}

fn secret(text: &str) -> Secret {
    Secret::new(text).unwrap()
}

/// A layer for `preset` with [`SECRET`] labelled [`LABEL`], on a clock stopped at [`NOW`].
fn layer(preset: Preset) -> WebhookLayer {
    WebhookLayer::new((preset.scheme)(), Keyring::new().key(LABEL, secret(SECRET)))
        .unwrap()
        .clock(Clock::manual_at_unix(NOW))
}

/// The headers `preset`'s sender would attach to `body`, signed with `secret_text` at `at`.
fn sign_at(preset: Preset, secret_text: &str, body: &[u8], at: SystemTime) -> HeaderMap {
    Signer::new((preset.scheme)(), secret(secret_text))
        .unwrap()
        .sign_headers(body, at, Some(DELIVERY_ID))
        .unwrap()
}

/// Genuine headers for `body`: [`SECRET`], signed at [`NOW`].
fn sign(preset: Preset, body: &[u8]) -> HeaderMap {
    sign_at(preset, SECRET, body, unix(NOW))
}

/// The signature value alone (what follows `v1=`, `sha256=` or `v1,`).
fn signature_value(preset: Preset, headers: &HeaderMap) -> String {
    let value = headers[preset.signature_header].to_str().unwrap();
    let sig = match preset.name {
        "stripe" => value.split_once("v1=").unwrap().1,
        "github" => value.strip_prefix("sha256=").unwrap(),
        _ => value.strip_prefix("v1,").unwrap(),
    };
    sig.to_owned()
}

fn request<B>(headers: HeaderMap, body: B) -> Request<B> {
    let mut req = Request::post("/webhook").body(body).unwrap();
    req.headers_mut().extend(headers);
    req
}

/// `len` bytes that are not valid UTF-8 and not all alike.
fn pattern(len: usize) -> Bytes {
    (0..len)
        .map(|i| u8::try_from(i * 31 % 251).unwrap())
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Responses read back (the spy is `common::Spy`)
// ---------------------------------------------------------------------------------------------

/// A response, read to the end.
#[derive(Debug)]
struct Reply {
    status: StatusCode,
    headers: HeaderMap,
    verified: Option<Verified>,
    outcome: Option<Outcome>,
    body: Bytes,
}

impl Reply {
    async fn read<B>(res: Response<B>) -> Self
    where
        B: Body<Data = Bytes>,
        B::Error: std::fmt::Debug,
    {
        let (parts, body) = res.into_parts();
        Self {
            status: parts.status,
            verified: parts.extensions.get::<Verified>().cloned(),
            outcome: parts.extensions.get::<Outcome>().cloned(),
            headers: parts.headers,
            body: body.collect().await.unwrap().to_bytes(),
        }
    }

    fn rejection(&self) -> Option<&Rejection> {
        self.outcome.as_ref().and_then(Outcome::rejection)
    }

    fn kind(&self) -> Option<RejectionKind> {
        self.rejection().map(Rejection::kind)
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).map(|v| v.to_str().unwrap())
    }
}

/// One request through `layer` around `spy`, with `oneshot`.
async fn run<B>(layer: &WebhookLayer, spy: &Spy, req: Request<B>) -> Reply
where
    B: Body + Send + 'static,
    B::Data: Send,
    B::Error: Into<axum::BoxError>,
{
    let res = layer.layer(spy.handler()).oneshot(req).await.unwrap();
    Reply::read(res).await
}

// ---------------------------------------------------------------------------------------------
// A scriptable request body
// ---------------------------------------------------------------------------------------------

enum Step {
    Data(Bytes),
    Wait(Duration),
    Fail,
}

/// A request body that plays a script of data frames, (virtual-time) pauses and errors, then
/// either ends or repeats one chunk forever. It records whether it was ever polled.
struct TestBody {
    steps: VecDeque<Step>,
    forever: Option<Bytes>,
    hint: SizeHint,
    polled: Arc<AtomicBool>,
    sleep: Option<Pin<Box<tokio::time::Sleep>>>,
}

impl TestBody {
    fn script(steps: impl IntoIterator<Item = Step>) -> Self {
        Self {
            steps: steps.into_iter().collect(),
            forever: None,
            hint: SizeHint::default(),
            polled: Arc::default(),
            sleep: None,
        }
    }

    /// The whole body in one frame (none when empty), with an exact size hint.
    fn once(bytes: Bytes) -> Self {
        let hint = SizeHint::with_exact(bytes.len() as u64);
        let steps = (!bytes.is_empty()).then_some(Step::Data(bytes));
        Self::script(steps).hint(hint)
    }

    /// `bytes` in frames of `size` bytes, with no size hint, as a chunked upload.
    fn chunked(bytes: Bytes, size: usize) -> Self {
        Self::script(
            bytes
                .chunks(size)
                .map(|c| Step::Data(Bytes::copy_from_slice(c)))
                .collect::<Vec<_>>(),
        )
    }

    /// One byte at a time, each after `every` of (Tokio) time.
    fn trickle(bytes: &[u8], every: Duration) -> Self {
        Self::script(
            bytes
                .iter()
                .flat_map(|&b| [Step::Wait(every), Step::Data(Bytes::from(vec![b]))])
                .collect::<Vec<_>>(),
        )
    }

    /// `chunk`, again and again, never ending.
    fn endless(chunk: Bytes) -> Self {
        let mut body = Self::script([]);
        body.forever = Some(chunk);
        body
    }

    fn hint(mut self, hint: SizeHint) -> Self {
        self.hint = hint;
        self
    }

    /// A flag that turns true on the first `poll_frame`.
    fn polled(&self) -> Arc<AtomicBool> {
        self.polled.clone()
    }
}

impl Body for TestBody {
    type Data = Bytes;
    type Error = io::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, io::Error>>> {
        let this = &mut *self;
        this.polled.store(true, Ordering::SeqCst);
        loop {
            if let Some(sleep) = this.sleep.as_mut() {
                ready!(sleep.as_mut().poll(cx));
                this.sleep = None;
            }
            match this.steps.pop_front() {
                Some(Step::Wait(d)) => this.sleep = Some(Box::pin(tokio::time::sleep(d))),
                Some(Step::Data(b)) => return Poll::Ready(Some(Ok(Frame::data(b)))),
                Some(Step::Fail) => {
                    return Poll::Ready(Some(Err(io::Error::new(
                        io::ErrorKind::ConnectionReset,
                        "client went away",
                    ))));
                }
                None => return Poll::Ready(this.forever.clone().map(|b| Ok(Frame::data(b)))),
            }
        }
    }

    fn size_hint(&self) -> SizeHint {
        self.hint
    }
}

/// Header-level failures, which must be refused before the body is read.
#[derive(Clone, Copy, Debug)]
enum HeaderFault {
    MissingSignature,
    MalformedSignature,
    DuplicateSignature,
    StaleTimestamp,
    FutureTimestamp,
}

impl HeaderFault {
    const ALL: [Self; 5] = [
        Self::MissingSignature,
        Self::MalformedSignature,
        Self::DuplicateSignature,
        Self::StaleTimestamp,
        Self::FutureTimestamp,
    ];

    /// Headers for `body` with this fault, or `None` when it does not apply to `preset`.
    fn headers(self, preset: Preset, body: &[u8]) -> Option<HeaderMap> {
        let name = HeaderName::from_static(preset.signature_header);
        let mut headers = sign(preset, body);
        match self {
            Self::MissingSignature => {
                headers.remove(&name);
            }
            Self::MalformedSignature => {
                headers.insert(&name, HeaderValue::from_static("garbage"));
            }
            Self::DuplicateSignature => {
                let value = headers[&name].clone();
                headers.append(&name, value);
            }
            Self::StaleTimestamp if preset.timestamped => {
                headers = sign_at(preset, SECRET, body, unix(NOW - 301));
            }
            Self::FutureTimestamp if preset.timestamped => {
                headers = sign_at(preset, SECRET, body, unix(NOW + 301));
            }
            Self::StaleTimestamp | Self::FutureTimestamp => return None,
        }
        Some(headers)
    }
}

/// A named body and how to send it.
type BodyCase = (&'static str, Bytes, fn(Bytes) -> TestBody);

/// A named rejection: headers, body sent, expected kind and, where it applies, header.
type RejectionCase<'a> = (
    &'static str,
    HeaderMap,
    &'a [u8],
    RejectionKind,
    Option<&'a HeaderName>,
);

// ---------------------------------------------------------------------------------------------
// 1. Genuine deliveries
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn genuine_delivery_is_forwarded_byte_for_byte_with_verified_metadata() {
    let cases: [BodyCase; 5] = [
        (
            "json",
            Bytes::from_static(br#"{"id":"evt_1","type":"invoice.paid","amount":4200}"#),
            TestBody::once,
        ),
        (
            "json_with_odd_whitespace",
            Bytes::from_static(b"{ \"a\" :\t1 ,\"b\":\"\\u00e9\xc3\xa9\" }\r\n"),
            TestBody::once,
        ),
        ("empty", Bytes::new(), TestBody::once),
        (
            "non_utf8",
            Bytes::from_static(&[0xff, 0xfe, 0x00, 0x80]),
            TestBody::once,
        ),
        ("1000_chunks_of_7_bytes", pattern(7000), |b| {
            TestBody::chunked(b, 7)
        }),
    ];
    for preset in PRESETS {
        for (name, sent, make_body) in &cases {
            let spy = Spy::default();
            let req = request(sign(preset, sent), make_body(sent.clone()));
            let out = run(&layer(preset), &spy, req).await;
            let ctx = format!("{} / {name}", preset.name);

            assert_eq!(out.status, StatusCode::OK, "{ctx}: {:?}", out.outcome);
            assert_eq!(spy.calls(), 1, "{ctx}");
            assert_eq!(out.body, *sent, "{ctx}: forwarded body differs");
            assert!(out.outcome.is_none(), "{ctx}");
            let [seen] = &spy.seen()[..] else {
                panic!("{ctx}: one request at the handler")
            };
            assert_eq!(seen.body, *sent, "{ctx}: body at the handler");
            assert_eq!(
                seen.size_hint,
                Some(sent.len() as u64),
                "{ctx}: VerifiedBody size hint"
            );

            let verified = seen.verified.clone().expect("Verified extension");
            assert_eq!(verified.provider(), preset.name, "{ctx}");
            assert_eq!(verified.key_label(), LABEL, "{ctx}");
            let id = preset.has_id.then_some(DELIVERY_ID);
            assert_eq!(verified.delivery_id(), id, "{ctx}");
            let ts = preset.timestamped.then_some(NOW);
            assert_eq!(verified.timestamp_unix(), ts, "{ctx}");
            assert_eq!(verified.timestamp(), ts.map(unix), "{ctx}");
        }
    }
}

#[tokio::test]
async fn inner_service_polled_ready_is_the_one_called() {
    /// Readiness belongs to one instance, as with a permit-holding service: a clone starts
    /// unready, and `call` on an instance that was not polled ready answers 500.
    #[derive(Default)]
    struct Permit {
        ready: bool,
        calls: Arc<AtomicUsize>,
    }
    impl Clone for Permit {
        fn clone(&self) -> Self {
            Self {
                ready: false,
                calls: self.calls.clone(),
            }
        }
    }
    impl Service<Request<VerifiedBody>> for Permit {
        type Response = Response<Full<Bytes>>;
        type Error = Infallible;
        type Future = std::future::Ready<Result<Self::Response, Infallible>>;

        fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
            self.ready = true;
            Poll::Ready(Ok(()))
        }

        fn call(&mut self, _: Request<VerifiedBody>) -> Self::Future {
            self.calls.fetch_add(1, Ordering::SeqCst);
            let status = if std::mem::take(&mut self.ready) {
                StatusCode::OK
            } else {
                StatusCode::INTERNAL_SERVER_ERROR
            };
            let mut res = Response::new(Full::default());
            *res.status_mut() = status;
            std::future::ready(Ok(res))
        }
    }

    let inner = Permit::default();
    let calls = inner.calls.clone();
    let mut svc = layer(STRIPE).layer(inner);
    for round in 0..3 {
        let body = format!("{{\"round\":{round}}}");
        let req = request(sign(STRIPE, body.as_bytes()), Full::new(Bytes::from(body)));
        let res = ServiceExt::<Request<Full<Bytes>>>::ready(&mut svc)
            .await
            .unwrap()
            .call(req)
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK, "round {round}");
    }
    // A rejection in between consumes the readiness without calling the inner service.
    let forged = request(sign(STRIPE, b"{}"), Full::new(Bytes::from_static(b"{ }")));
    let res = ServiceExt::<Request<Full<Bytes>>>::ready(&mut svc)
        .await
        .unwrap()
        .call(forged)
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    let req = request(sign(STRIPE, b"{}"), Full::new(Bytes::from_static(b"{}")));
    let res = ServiceExt::<Request<Full<Bytes>>>::ready(&mut svc)
        .await
        .unwrap()
        .call(req)
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(calls.load(Ordering::SeqCst), 4);
}

// ---------------------------------------------------------------------------------------------
// 2. Rejections: 401, inner never called, one uniform body
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn rejected_requests_get_uniform_401_and_never_reach_inner_service() {
    let body: &[u8] = br#"{"type":"invoice.paid","amount":4200}"#;
    let tampered: &[u8] = br#"{"type":"invoice.paid","amount":9999}"#;
    let mut bodies = BTreeSet::new();
    let mut content_types = BTreeSet::new();
    let mut checked = 0;
    for preset in PRESETS {
        let sig_name = HeaderName::from_static(preset.signature_header);
        let genuine = sign(preset, body);
        let mut cases: Vec<RejectionCase<'_>> = vec![
            (
                "forged_signature",
                sign_at(preset, OTHER_SECRET, body, unix(NOW)),
                body,
                RejectionKind::SignatureMismatch,
                None,
            ),
            (
                "tampered_body",
                sign(preset, body),
                tampered,
                RejectionKind::SignatureMismatch,
                None,
            ),
            (
                "duplicated_signature_header",
                HeaderFault::DuplicateSignature
                    .headers(preset, body)
                    .unwrap(),
                body,
                RejectionKind::DuplicateHeader,
                Some(&sig_name),
            ),
        ];
        // Every header the sender signs with, removed in turn (signature, id, timestamp).
        for name in genuine.keys() {
            let mut headers = genuine.clone();
            headers.remove(name);
            cases.push((
                "missing_header",
                headers,
                body,
                RejectionKind::MissingHeader,
                Some(name),
            ));
        }
        if preset.timestamped {
            cases.push((
                "stale_timestamp",
                HeaderFault::StaleTimestamp.headers(preset, body).unwrap(),
                body,
                RejectionKind::TimestampTooOld,
                None,
            ));
            cases.push((
                "future_timestamp",
                HeaderFault::FutureTimestamp.headers(preset, body).unwrap(),
                body,
                RejectionKind::TimestampInFuture,
                None,
            ));
        }

        for (case, headers, sent, kind, header) in cases {
            let ctx = format!("{} / {case} {header:?}", preset.name);
            let spy = Spy::default();
            let req = request(headers, TestBody::once(Bytes::copy_from_slice(sent)));
            let out = run(&layer(preset), &spy, req).await;

            assert_eq!(out.status, StatusCode::UNAUTHORIZED, "{ctx}");
            assert_eq!(spy.calls(), 0, "{ctx}: inner service called");
            assert!(out.verified.is_none(), "{ctx}");
            let rejection = out.rejection().expect("Rejection extension");
            assert_eq!(rejection.kind(), kind, "{ctx}");
            assert_eq!(rejection.status(), StatusCode::UNAUTHORIZED, "{ctx}");
            if let Some(header) = header {
                assert_eq!(rejection.header(), Some(header), "{ctx}");
            }
            bodies.insert(out.body.clone());
            content_types.insert(out.header("content-type").map(str::to_owned));
            checked += 1;
        }
    }
    assert_eq!(
        checked,
        6 + 4 + 8,
        "stripe, github, standard-webhooks cases"
    );
    assert_eq!(
        bodies,
        BTreeSet::from([Bytes::from_static(b"Unauthorized")]),
        "the 401 body must not depend on the reason"
    );
    assert_eq!(content_types.len(), 1, "{content_types:?}");
}

// ---------------------------------------------------------------------------------------------
// 3, 4. Rejections decided on the head never poll the body
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn oversized_content_length_is_413_without_polling_body() {
    const LIMIT: usize = 1024;
    let signed_over = pattern(LIMIT + 1);
    // (case, content-length header, body size hint, bytes the headers are signed for)
    let cases: [(&str, Option<&str>, SizeHint, Bytes); 4] = [
        (
            "content_length_10^12",
            Some("1000000000000"),
            SizeHint::default(),
            Bytes::from_static(b"{}"),
        ),
        (
            "content_length_u64_max",
            Some("18446744073709551615"),
            SizeHint::default(),
            Bytes::from_static(b"{}"),
        ),
        (
            "content_length_limit_plus_one",
            Some("1025"),
            SizeHint::default(),
            signed_over.clone(),
        ),
        (
            "size_hint_only_limit_plus_one",
            None,
            SizeHint::with_exact(LIMIT as u64 + 1),
            signed_over,
        ),
    ];
    for preset in PRESETS {
        for (case, content_length, hint, signed) in &cases {
            let ctx = format!("{} / {case}", preset.name);
            let spy = Spy::default();
            let body = TestBody::endless(Bytes::from_static(&[b'x'; 512])).hint(*hint);
            let polled = body.polled();
            let mut req = request(sign(preset, signed), body);
            if let Some(len) = content_length {
                req.headers_mut()
                    .insert(header::CONTENT_LENGTH, len.parse().unwrap());
            }
            let out = run(&layer(preset).body_limit(LIMIT), &spy, req).await;

            assert_eq!(out.status, StatusCode::PAYLOAD_TOO_LARGE, "{ctx}");
            assert_eq!(out.outcome, Some(Outcome::BodyTooLarge), "{ctx}");
            assert!(!polled.load(Ordering::SeqCst), "{ctx}: body was polled");
            assert_eq!(spy.calls(), 0, "{ctx}");
        }
    }
}

#[tokio::test]
async fn header_failures_never_poll_body() {
    let body = Bytes::from_static(br#"{"type":"invoice.paid"}"#);
    for preset in PRESETS {
        for fault in HeaderFault::ALL {
            let Some(headers) = fault.headers(preset, &body) else {
                continue;
            };
            let ctx = format!("{} / {fault:?}", preset.name);
            let spy = Spy::default();
            let test_body = TestBody::once(body.clone());
            let polled = test_body.polled();
            let out = run(&layer(preset), &spy, request(headers, test_body)).await;

            assert_eq!(out.status, StatusCode::UNAUTHORIZED, "{ctx}");
            assert!(out.outcome.is_some(), "{ctx}");
            assert!(!polled.load(Ordering::SeqCst), "{ctx}: body was polled");
            assert_eq!(spy.calls(), 0, "{ctx}");
        }
    }
}

// ---------------------------------------------------------------------------------------------
// 5, 6, 7. Streaming bodies: limit, endless, errors
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn streaming_body_of_exactly_the_limit_passes_and_one_more_byte_is_413() {
    const LIMIT: usize = 1024;
    for preset in PRESETS {
        let layer = layer(preset).body_limit(LIMIT);

        let exact = pattern(LIMIT);
        let spy = Spy::default();
        let req = request(sign(preset, &exact), TestBody::chunked(exact.clone(), 100));
        let out = run(&layer, &spy, req).await;
        assert_eq!(
            out.status,
            StatusCode::OK,
            "{}: {:?}",
            preset.name,
            out.outcome
        );
        assert_eq!(out.body, exact, "{}", preset.name);
        assert_eq!(spy.calls(), 1, "{}", preset.name);

        // Over the limit: in small chunks, in one chunk, and under a Content-Length that lies.
        let over = pattern(LIMIT + 1);
        let lying_length = |body: TestBody| {
            let mut req = request(sign(preset, &over), body);
            req.headers_mut()
                .insert(header::CONTENT_LENGTH, HeaderValue::from_static("10"));
            req
        };
        let cases = [
            (
                "chunks_of_100",
                request(sign(preset, &over), TestBody::chunked(over.clone(), 100)),
            ),
            (
                "one_chunk",
                request(
                    sign(preset, &over),
                    TestBody::chunked(over.clone(), LIMIT + 1),
                ),
            ),
            (
                "content_length_says_10",
                lying_length(TestBody::chunked(over.clone(), 100)),
            ),
        ];
        for (case, req) in cases {
            let spy = Spy::default();
            let out = run(&layer, &spy, req).await;
            let ctx = format!("{} / {case}", preset.name);
            assert_eq!(out.status, StatusCode::PAYLOAD_TOO_LARGE, "{ctx}");
            assert_eq!(out.outcome, Some(Outcome::BodyTooLarge), "{ctx}");
            assert_eq!(out.body, Bytes::from_static(b"Payload Too Large"), "{ctx}");
            assert_eq!(spy.calls(), 0, "{ctx}");
        }
    }
}

#[tokio::test]
async fn a_body_declared_at_exactly_the_limit_is_read_and_verified() {
    // The declared length and the body's size hint are checked before any byte is read: at the
    // limit they must let the request on (one more byte is 413, see above).
    const LIMIT: usize = 1024;
    for preset in PRESETS {
        let exact = pattern(LIMIT);
        let mut declared = request(sign(preset, &exact), TestBody::chunked(exact.clone(), 100));
        declared
            .headers_mut()
            .insert(header::CONTENT_LENGTH, HeaderValue::from(LIMIT));
        let hinted = request(sign(preset, &exact), TestBody::once(exact.clone()));
        for (case, req) in [("content_length", declared), ("size_hint", hinted)] {
            let spy = Spy::default();
            let out = run(&layer(preset).body_limit(LIMIT), &spy, req).await;
            let ctx = format!("{} / {case}", preset.name);
            assert_eq!(out.status, StatusCode::OK, "{ctx}: {:?}", out.outcome);
            assert_eq!(out.body, exact, "{ctx}");
            assert_eq!(spy.calls(), 1, "{ctx}");
        }
    }
}

#[tokio::test]
async fn endless_body_is_cut_off_at_the_limit_with_413() {
    for preset in PRESETS {
        let spy = Spy::default();
        let layer = layer(preset).body_limit(256 * 1024);
        let req = request(
            sign(preset, b"{}"),
            TestBody::endless(Bytes::from_static(&[b'a'; 8192])),
        );
        let out = tokio::time::timeout(Duration::from_secs(3), run(&layer, &spy, req))
            .await
            .unwrap_or_else(|_| panic!("{}: endless body not stopped within 3 s", preset.name));
        assert_eq!(out.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", preset.name);
        assert_eq!(out.outcome, Some(Outcome::BodyTooLarge), "{}", preset.name);
        assert_eq!(spy.calls(), 0, "{}", preset.name);
    }
}

#[tokio::test]
async fn body_error_mid_stream_is_400_without_calling_inner() {
    let body = Bytes::from_static(br#"{"type":"invoice.paid"}"#);
    for preset in PRESETS {
        let cases = [
            (
                "error_after_first_chunk",
                TestBody::script([Step::Data(body.slice(..10)), Step::Fail]),
            ),
            ("error_on_first_poll", TestBody::script([Step::Fail])),
        ];
        for (case, test_body) in cases {
            let ctx = format!("{} / {case}", preset.name);
            let spy = Spy::default();
            let out = run(
                &layer(preset),
                &spy,
                request(sign(preset, &body), test_body),
            )
            .await;
            assert_eq!(out.status, StatusCode::BAD_REQUEST, "{ctx}");
            assert_eq!(out.outcome, Some(Outcome::BodyReadFailed), "{ctx}");
            assert_eq!(spy.calls(), 0, "{ctx}");
        }
    }
}

// ---------------------------------------------------------------------------------------------
// 8. Total body deadline, in virtual time
// ---------------------------------------------------------------------------------------------

#[tokio::test(start_paused = true)]
async fn body_trickling_one_byte_every_9s_gets_408_at_the_deadline() {
    let body = b"{\"slow\":true}";
    for preset in PRESETS {
        let spy = Spy::default();
        let layer = layer(preset).body_timeout(Duration::from_secs(10));
        let req = request(
            sign(preset, body),
            TestBody::trickle(body, Duration::from_secs(9)),
        );
        let started = tokio::time::Instant::now();
        let out = run(&layer, &spy, req).await;
        let elapsed = started.elapsed();

        assert_eq!(out.status, StatusCode::REQUEST_TIMEOUT, "{}", preset.name);
        assert_eq!(out.outcome, Some(Outcome::BodyTimeout), "{}", preset.name);
        assert_eq!(spy.calls(), 0, "{}", preset.name);
        // The deadline is total: the second byte (due at 18 s) is never waited for.
        assert!(
            elapsed >= Duration::from_secs(10) && elapsed < Duration::from_secs(18),
            "{}: answered after {elapsed:?}",
            preset.name
        );
    }
}

#[tokio::test(start_paused = true)]
async fn body_completing_just_inside_the_deadline_is_accepted() {
    let body = b"ok";
    for preset in PRESETS {
        let spy = Spy::default();
        let layer = layer(preset).body_timeout(Duration::from_secs(10));
        // Two bytes, 4.99 s apart: complete at 9.98 s.
        let req = request(
            sign(preset, body),
            TestBody::trickle(body, Duration::from_millis(4990)),
        );
        let out = run(&layer, &spy, req).await;
        assert_eq!(
            out.status,
            StatusCode::OK,
            "{}: {:?}",
            preset.name,
            out.outcome
        );
        assert_eq!(out.body, Bytes::from_static(body), "{}", preset.name);
        assert_eq!(spy.calls(), 1, "{}", preset.name);
    }
}

/// The part of a body that arrived with the head is taken when the service is called; the rest
/// is waited for. Both parts count: a change in either is refused.
#[tokio::test(start_paused = true)]
async fn body_split_between_arrived_and_awaited_is_verified_whole() {
    let body = pattern(4096);
    let split = |bytes: Bytes| {
        TestBody::script([
            Step::Data(bytes.slice(..1000)),
            Step::Data(bytes.slice(1000..1500)),
            Step::Wait(Duration::from_millis(300)),
            Step::Data(bytes.slice(1500..)),
        ])
    };
    for preset in PRESETS {
        let spy = Spy::default();
        let layer = layer(preset).body_timeout(Duration::from_secs(10));
        let headers = sign(preset, &body);
        let out = run(&layer, &spy, request(headers.clone(), split(body.clone()))).await;
        assert_eq!(
            out.status,
            StatusCode::OK,
            "{}: {:?}",
            preset.name,
            out.kind()
        );
        assert_eq!(out.body, body, "{}", preset.name);
        for flip in [0, 1200, 4095] {
            let mut tampered = body.to_vec();
            tampered[flip] ^= 1;
            let req = request(headers.clone(), split(Bytes::from(tampered)));
            let out = run(&layer, &spy, req).await;
            assert_eq!(
                out.kind(),
                Some(RejectionKind::SignatureMismatch),
                "{}: byte {flip}",
                preset.name
            );
        }
        assert_eq!(spy.calls(), 1, "{}", preset.name);
    }
}

// ---------------------------------------------------------------------------------------------
// 9. Content-Encoding
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn compressed_body_is_415_and_identity_is_accepted() {
    let body = Bytes::from_static(br#"{"type":"invoice.paid"}"#);
    for preset in PRESETS {
        for encoding in ["gzip", "br", "deflate", "zstd", "identity, gzip", ""] {
            let ctx = format!("{} / {encoding:?}", preset.name);
            let spy = Spy::default();
            let test_body = TestBody::once(body.clone());
            let polled = test_body.polled();
            let mut req = request(sign(preset, &body), test_body);
            req.headers_mut()
                .insert(header::CONTENT_ENCODING, encoding.parse().unwrap());
            let out = run(&layer(preset), &spy, req).await;
            assert_eq!(out.status, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{ctx}");
            assert_eq!(
                out.outcome,
                Some(Outcome::UnsupportedContentEncoding),
                "{ctx}"
            );
            assert!(!polled.load(Ordering::SeqCst), "{ctx}: body was polled");
            assert_eq!(spy.calls(), 0, "{ctx}");
        }
        for encoding in ["identity", "Identity"] {
            let ctx = format!("{} / {encoding:?}", preset.name);
            let spy = Spy::default();
            let mut req = request(sign(preset, &body), TestBody::once(body.clone()));
            req.headers_mut()
                .insert(header::CONTENT_ENCODING, encoding.parse().unwrap());
            let out = run(&layer(preset), &spy, req).await;
            assert_eq!(out.status, StatusCode::OK, "{ctx}: {:?}", out.outcome);
            assert_eq!(out.body, body, "{ctx}");
            assert_eq!(spy.calls(), 1, "{ctx}");
        }
    }
}

#[tokio::test]
async fn second_content_encoding_header_line_is_also_checked() {
    let body = Bytes::from_static(br#"{"type":"invoice.paid"}"#);
    for preset in PRESETS {
        let spy = Spy::default();
        let mut req = request(sign(preset, &body), TestBody::once(body.clone()));
        let headers = req.headers_mut();
        headers.append(
            header::CONTENT_ENCODING,
            HeaderValue::from_static("identity"),
        );
        headers.append(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
        let out = run(&layer(preset), &spy, req).await;
        assert_eq!(
            out.status,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "{}",
            preset.name
        );
        assert_eq!(spy.calls(), 0, "{}", preset.name);
    }
}

// ---------------------------------------------------------------------------------------------
// 10. Custom rejection response
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn custom_rejection_response_is_used_and_keeps_rejection_extension() {
    let custom = layer(STRIPE).body_limit(64).responder(|outcome: &Outcome| {
        Response::builder()
            .status(if outcome.status() == StatusCode::UNAUTHORIZED {
                StatusCode::FORBIDDEN
            } else {
                outcome.status()
            })
            .header(header::CONTENT_TYPE, "application/json")
            .header("x-custom", "1")
            .body(Bytes::from_static(br#"{"error":"invalid webhook"}"#))
            .unwrap()
    });
    let body = Bytes::from_static(br#"{"type":"invoice.paid"}"#);
    let big = pattern(65);
    let cases = [
        (
            "tampered",
            request(
                sign(STRIPE, &body),
                TestBody::once(Bytes::from_static(b"{}")),
            ),
            StatusCode::FORBIDDEN,
            "signature_mismatch",
        ),
        (
            "missing_signature",
            request(HeaderMap::new(), TestBody::once(body.clone())),
            StatusCode::FORBIDDEN,
            "missing_header",
        ),
        (
            "too_large",
            request(sign(STRIPE, &big), TestBody::chunked(big.clone(), 10)),
            StatusCode::PAYLOAD_TOO_LARGE,
            "body_too_large",
        ),
    ];
    for (case, req, status, kind) in cases {
        let spy = Spy::default();
        let out = run(&custom, &spy, req).await;
        assert_eq!(out.status, status, "{case}");
        assert_eq!(out.header("x-custom"), Some("1"), "{case}");
        assert_eq!(
            out.header("content-type"),
            Some("application/json"),
            "{case}"
        );
        assert_eq!(&out.body[..], br#"{"error":"invalid webhook"}"#, "{case}");
        assert_eq!(
            out.outcome.as_ref().map(Outcome::as_str),
            Some(kind),
            "{case}"
        );
        assert_eq!(spy.calls(), 0, "{case}");
    }

    // Genuine deliveries are untouched by the custom response.
    let spy = Spy::default();
    let out = run(
        &custom,
        &spy,
        request(sign(STRIPE, &body), TestBody::once(body.clone())),
    )
    .await;
    assert_eq!(out.status, StatusCode::OK);
    assert_eq!(out.body, body);
}

// ---------------------------------------------------------------------------------------------
// 11. Rotation
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn rotated_out_key_verifies_until_its_expiry_instant_and_not_at_it() {
    const EXPIRY: u64 = NOW + 3600;
    let body = Bytes::from_static(br#"{"type":"invoice.paid"}"#);
    for preset in PRESETS {
        let clock = Clock::manual_at_unix(NOW);
        let keyring = Keyring::new().key("new", secret(OTHER_SECRET)).key_until(
            "old",
            secret(SECRET),
            unix(EXPIRY),
        );
        let layer = WebhookLayer::new((preset.scheme)(), keyring)
            .unwrap()
            .clock(clock.clone());
        // Each delivery is signed at the clock's current time, so only the key can differ.
        let deliver = |secret_text: &str| {
            let at = clock.now();
            request(
                sign_at(preset, secret_text, &body, at),
                TestBody::once(body.clone()),
            )
        };

        for (at, secret_text, label) in [
            (NOW, SECRET, "old"),
            (EXPIRY - 1, SECRET, "old"),
            (NOW, OTHER_SECRET, "new"),
            (EXPIRY, OTHER_SECRET, "new"),
        ] {
            clock.set(unix(at));
            let spy = Spy::default();
            let out = run(&layer, &spy, deliver(secret_text)).await;
            let ctx = format!("{} / {label} at {at}", preset.name);
            assert_eq!(out.status, StatusCode::OK, "{ctx}: {:?}", out.outcome);
            let verified = spy.seen().pop().and_then(|seen| seen.verified);
            assert_eq!(verified.unwrap().key_label(), label, "{ctx}");
            assert_eq!(spy.calls(), 1, "{ctx}");
        }

        // At the expiry instant exactly, the old key no longer matches.
        clock.set(unix(EXPIRY));
        let spy = Spy::default();
        let out = run(&layer, &spy, deliver(SECRET)).await;
        assert_eq!(out.status, StatusCode::UNAUTHORIZED, "{}", preset.name);
        assert_eq!(
            out.kind(),
            Some(RejectionKind::SignatureMismatch),
            "{}",
            preset.name
        );
        assert_eq!(spy.calls(), 0, "{}", preset.name);
    }
}

// ---------------------------------------------------------------------------------------------
// 12. Per-endpoint isolation
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn delivery_signed_for_one_endpoint_never_verifies_on_another() {
    let body = Bytes::from_static(br#"{"type":"invoice.paid"}"#);
    let stripe_a = WebhookLayer::new(providers::stripe(), Keyring::from(secret(SECRET)))
        .unwrap()
        .clock(Clock::manual_at_unix(NOW));
    let github_b = WebhookLayer::new(providers::github(), Keyring::from(secret(OTHER_SECRET)))
        .unwrap()
        .clock(Clock::manual_at_unix(NOW));
    let github_a = WebhookLayer::new(providers::github(), Keyring::from(secret(SECRET)))
        .unwrap()
        .clock(Clock::manual_at_unix(NOW));
    let standard_a = WebhookLayer::new(
        providers::standard_webhooks(),
        Keyring::from(secret(SECRET)),
    )
    .unwrap()
    .clock(Clock::manual_at_unix(NOW));

    // Sanity: each endpoint accepts its own deliveries.
    for (layer, headers) in [
        (&stripe_a, sign_at(STRIPE, SECRET, &body, unix(NOW))),
        (&github_b, sign_at(GITHUB, OTHER_SECRET, &body, unix(NOW))),
        (&github_a, sign_at(GITHUB, SECRET, &body, unix(NOW))),
        (
            &standard_a,
            sign_at(STANDARD_WEBHOOKS, SECRET, &body, unix(NOW)),
        ),
    ] {
        let spy = Spy::default();
        let out = run(layer, &spy, request(headers, TestBody::once(body.clone()))).await;
        assert_eq!(out.status, StatusCode::OK, "{:?}", out.outcome);
    }

    // Key confusion: the same `whsec_` text keyed the other scheme's way. Stripe keys with the
    // whole text, Standard Webhooks with the base64 after the prefix.
    let text_as_key = Secret::from_bytes(SECRET.as_bytes().to_vec()).unwrap();
    let sw_headers_keyed_like_stripe = Signer::new(providers::standard_webhooks(), text_as_key)
        .unwrap()
        .sign_headers(&body, unix(NOW), Some(DELIVERY_ID))
        .unwrap();
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(SECRET.strip_prefix("whsec_").unwrap())
        .unwrap();
    let stripe_headers_keyed_like_sw =
        Signer::new(providers::stripe(), Secret::from_bytes(decoded).unwrap())
            .unwrap()
            .sign_headers(&body, unix(NOW), None)
            .unwrap();

    let cases = [
        (
            "stripe(A) delivery on github(B)",
            &github_b,
            sign_at(STRIPE, SECRET, &body, unix(NOW)),
            RejectionKind::MissingHeader,
        ),
        (
            "github(B) delivery on stripe(A)",
            &stripe_a,
            sign_at(GITHUB, OTHER_SECRET, &body, unix(NOW)),
            RejectionKind::MissingHeader,
        ),
        (
            "github(A) delivery on stripe(A), same secret",
            &stripe_a,
            sign_at(GITHUB, SECRET, &body, unix(NOW)),
            RejectionKind::MissingHeader,
        ),
        (
            "stripe(A) delivery on github(A), same secret",
            &github_a,
            sign_at(STRIPE, SECRET, &body, unix(NOW)),
            RejectionKind::MissingHeader,
        ),
        (
            "stripe(A) delivery on standard_webhooks(A), same secret",
            &standard_a,
            sign_at(STRIPE, SECRET, &body, unix(NOW)),
            RejectionKind::MissingHeader,
        ),
        (
            "github(B) signature moved into a stripe(A) header",
            &stripe_a,
            {
                let gh = sign_at(GITHUB, OTHER_SECRET, &body, unix(NOW));
                let sig = signature_value(GITHUB, &gh);
                let mut h = HeaderMap::new();
                h.insert(
                    "stripe-signature",
                    format!("t={NOW},v1={sig}").parse().unwrap(),
                );
                h
            },
            RejectionKind::SignatureMismatch,
        ),
        (
            "standard_webhooks headers keyed with the whole whsec_ text",
            &standard_a,
            sw_headers_keyed_like_stripe,
            RejectionKind::SignatureMismatch,
        ),
        (
            "stripe headers keyed with the base64-decoded whsec_ key",
            &stripe_a,
            stripe_headers_keyed_like_sw,
            RejectionKind::SignatureMismatch,
        ),
    ];
    for (case, layer, headers, kind) in cases {
        let spy = Spy::default();
        let out = run(layer, &spy, request(headers, TestBody::once(body.clone()))).await;
        assert_eq!(out.status, StatusCode::UNAUTHORIZED, "{case}");
        assert_eq!(out.kind(), Some(kind), "{case}");
        assert_eq!(spy.calls(), 0, "{case}");
    }
}

// ---------------------------------------------------------------------------------------------
// 13. Type-level requirements and axum integration
// ---------------------------------------------------------------------------------------------

fn assert_send<T: Send>() {}
fn assert_sync<T: Sync>() {}
fn assert_clone<T: Clone>() {}

/// What `Router::layer` / `Router::route_layer` demand of the layered service.
fn assert_axum_service<S>()
where
    S: Service<Request<axum::body::Body>, Error = Infallible> + Clone + Send + Sync + 'static,
    S::Response: IntoResponse,
    S::Future: Send + 'static,
{
}

fn assert_send_sync_clone_service<S, R>(_: &S)
where
    S: Service<R> + Clone + Send + Sync + 'static,
    S::Future: Send + 'static,
{
}

#[test]
fn layer_service_and_future_are_send_sync_clone() {
    assert_send::<WebhookLayer>();
    assert_sync::<WebhookLayer>();
    assert_clone::<WebhookLayer>();

    assert_send::<Webhook<Route>>();
    assert_sync::<Webhook<Route>>();
    assert_clone::<Webhook<Route>>();
    assert_axum_service::<Webhook<Route>>();

    assert_send::<ResponseFuture<Route, axum::body::Body>>();
    assert_send::<ResponseBody<axum::body::Body>>();
    assert_send::<VerifiedBody>();
    assert_sync::<VerifiedBody>();

    // Extensions need `Clone + Send + Sync + 'static`.
    assert_send::<Verified>();
    assert_sync::<Verified>();
    assert_clone::<Verified>();
    assert_send::<Rejection>();
    assert_sync::<Rejection>();
    assert_clone::<Rejection>();

    // Around a plain `service_fn` (not boxed), over several request body types.
    let echo = tower::service_fn(|req: Request<VerifiedBody>| async move {
        Ok::<_, Infallible>(Response::new(Full::new(req.into_body().into_bytes())))
    });
    let svc = layer(STRIPE).layer(echo);
    assert_send_sync_clone_service::<_, Request<TestBody>>(&svc);
    assert_send_sync_clone_service::<_, Request<Full<Bytes>>>(&svc);
    assert_send_sync_clone_service::<_, Request<axum::body::Body>>(&svc);
}

async fn json_handler(
    verified: Verified,
    axum::Json(value): axum::Json<serde_json::Value>,
) -> axum::Json<serde_json::Value> {
    axum::Json(serde_json::json!({
        "provider": verified.provider(),
        "key": verified.key_label(),
        "echo": value,
    }))
}

async fn bytes_handler(verified: Verified, body: axum::body::Bytes) -> impl IntoResponse {
    ([("x-key-label", verified.key_label().to_owned())], body)
}

fn axum_request(path: &str, headers: HeaderMap, body: Bytes) -> Request<axum::body::Body> {
    let mut req = Request::post(path)
        .header(header::CONTENT_TYPE, "application/json")
        .body(axum::body::Body::from(body))
        .unwrap();
    req.headers_mut().extend(headers);
    req
}

#[tokio::test]
async fn axum_router_layer_and_route_layer_serve_extractors_after_verification() {
    let json = Bytes::from_static(br#"{"type":"invoice.paid","data":{"amount":4200}}"#);
    let raw = Bytes::from_static(&[0xff, 0xfe, 0x00, 0x80]);
    let routes = || {
        Router::new()
            .route("/json", post(json_handler))
            .route("/bytes", post(bytes_handler))
    };
    let apps = [
        ("layer", routes().layer(layer(STRIPE))),
        ("route_layer", routes().route_layer(layer(STRIPE))),
    ];
    for (how, app) in apps {
        let res = app
            .clone()
            .oneshot(axum_request("/json", sign(STRIPE, &json), json.clone()))
            .await
            .unwrap();
        let out = Reply::read(res).await;
        assert_eq!(out.status, StatusCode::OK, "{how}: {:?}", out.outcome);
        let value: serde_json::Value = serde_json::from_slice(&out.body).unwrap();
        assert_eq!(
            value,
            serde_json::json!({
                "provider": "stripe",
                "key": LABEL,
                "echo": {"type": "invoice.paid", "data": {"amount": 4200}},
            }),
            "{how}"
        );

        let res = app
            .clone()
            .oneshot(axum_request("/bytes", sign(STRIPE, &raw), raw.clone()))
            .await
            .unwrap();
        let out = Reply::read(res).await;
        assert_eq!(out.status, StatusCode::OK, "{how}: {:?}", out.outcome);
        assert_eq!(out.body, raw, "{how}");
        assert_eq!(out.header("x-key-label"), Some(LABEL), "{how}");

        let res = app
            .clone()
            .oneshot(axum_request("/json", sign(STRIPE, b"{}"), json.clone()))
            .await
            .unwrap();
        let out = Reply::read(res).await;
        assert_eq!(out.status, StatusCode::UNAUTHORIZED, "{how}");
        assert_eq!(out.kind(), Some(RejectionKind::SignatureMismatch), "{how}");

        // `route_layer` leaves unknown paths to the fallback; `layer` covers the fallback too.
        let res = app
            .oneshot(axum_request("/nowhere", HeaderMap::new(), json.clone()))
            .await
            .unwrap();
        let expected = match how {
            "route_layer" => StatusCode::NOT_FOUND,
            _ => StatusCode::UNAUTHORIZED,
        };
        assert_eq!(res.status(), expected, "{how}");
    }
}

// ---------------------------------------------------------------------------------------------
// 14. Tracing: one event per rejection, no secrets
// ---------------------------------------------------------------------------------------------

thread_local! {
    /// Where this thread's log lines go while [`capture_logs`] runs; nowhere otherwise.
    static CAPTURE: RefCell<Option<Vec<u8>>> = const { RefCell::new(None) };
}

/// Writes into the calling thread's [`CAPTURE`] buffer, if one is open.
struct ThreadCapture;

impl io::Write for ThreadCapture {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        CAPTURE.with_borrow_mut(|capture| {
            if let Some(capture) = capture {
                capture.extend_from_slice(buf);
            }
        });
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Installs, once per test binary, a global `fmt` subscriber writing into [`ThreadCapture`].
///
/// Not a thread-scoped `set_default`: while only one dispatcher is registered, tracing-core
/// computes a callsite's cached interest from the *registering thread's* default, so another
/// test's thread hitting the rejection callsite first can cache "never" and silence the scoped
/// subscriber (seen as an intermittent empty capture). A global subscriber has the same interest
/// on every thread; the per-thread buffer keeps parallel tests out of each other's logs.
fn install_capturing_subscriber() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let subscriber = tracing_subscriber::fmt()
            .with_writer(|| ThreadCapture)
            .with_max_level(tracing::Level::TRACE)
            .with_ansi(false)
            .without_time()
            .with_target(true)
            .finish();
        tracing::subscriber::set_global_default(subscriber).unwrap();
        // A callsite registered between the dispatcher's creation and its installation as the
        // global default cached the interest of "no subscriber"; recompute it.
        tracing::callsite::rebuild_interest_cache();
    });
}

/// Runs `fut` and returns the log lines it produced on this thread (the `#[tokio::test]`
/// runtime is current-thread, so every poll, and every event, happens here).
async fn capture_logs<F: Future>(fut: F) -> (F::Output, String) {
    install_capturing_subscriber();
    CAPTURE.set(Some(Vec::new()));
    let output = fut.await;
    let bytes = CAPTURE.take().unwrap_or_default();
    (output, String::from_utf8(bytes).unwrap())
}

#[tokio::test]
async fn rejection_emits_one_event_with_reason_and_no_secret_material() {
    const MARKER: &str = "4242-4242-SENSITIVE-BODY-MARKER";
    let sent = format!(r#"{{"card":"{MARKER}","amount":4200}}"#);
    let tampered = format!(r#"{{"card":"{MARKER}","amount":9999}}"#);
    let key = base64::engine::general_purpose::STANDARD
        .decode(SECRET.strip_prefix("whsec_").unwrap())
        .unwrap();

    for preset in PRESETS {
        let genuine_headers = sign(preset, sent.as_bytes());
        // What the layer computes for the bytes it received, and what the request carried.
        let expected = signature_value(preset, &sign(preset, tampered.as_bytes()));
        let carried = signature_value(preset, &genuine_headers);
        let forbidden = [
            SECRET.to_owned(),
            SECRET.trim_start_matches("whsec_").to_owned(),
            hex::encode(SECRET),
            base64::engine::general_purpose::STANDARD.encode(SECRET),
            hex::encode(&key),
            expected.clone(),
            carried.clone(),
            hex::encode(
                base64::engine::general_purpose::STANDARD
                    .decode(&expected)
                    .unwrap_or_default(),
            ),
            MARKER.to_owned(),
            sent.clone(),
            tampered.clone(),
        ];

        let mut missing = genuine_headers.clone();
        missing.remove(preset.signature_header);
        let cases = [
            ("signature_mismatch", genuine_headers.clone(), &tampered),
            ("missing_header", missing, &sent),
        ];
        for (reason, headers, body) in cases {
            let ctx = format!("{} / {reason}", preset.name);
            let spy = Spy::default();
            let req = request(headers, TestBody::once(Bytes::from(body.clone())));
            let (out, logs) = capture_logs(run(&layer(preset), &spy, req)).await;
            assert_eq!(out.status, StatusCode::UNAUTHORIZED, "{ctx}");

            let events: Vec<&str> = logs
                .lines()
                .filter(|l| l.contains(" webhook_guard: "))
                .collect();
            assert_eq!(events.len(), 1, "{ctx}: {logs}");
            let provider_field = format!("provider=\"{}\"", preset.name);
            let reason_field = format!("reason=\"{reason}\"");
            assert!(events[0].contains(&provider_field), "{ctx}: {logs}");
            assert!(events[0].contains(&reason_field), "{ctx}: {logs}");
            for needle in &forbidden {
                assert!(
                    !logs.contains(needle.as_str()),
                    "{ctx}: {needle:?} in {logs}"
                );
            }
        }

        // A genuine delivery leaves no secret material in the logs either.
        let spy = Spy::default();
        let req = request(genuine_headers, TestBody::once(Bytes::from(sent.clone())));
        let (out, logs) = capture_logs(run(&layer(preset), &spy, req)).await;
        assert_eq!(out.status, StatusCode::OK, "{}", preset.name);
        for needle in &forbidden {
            assert!(
                !logs.contains(needle.as_str()),
                "{}: {needle:?}",
                preset.name
            );
        }
    }
}

#[tokio::test]
async fn a_future_says_where_it_is_and_a_poll_after_its_response_is_500() {
    let spy = Spy::default();
    let body = pattern(64);
    let mut service = layer(GITHUB).layer(spy.handler());
    let call = ServiceExt::<Request<Full<Bytes>>>::ready(&mut service)
        .await
        .unwrap()
        .call(request(sign(GITHUB, &body), Full::new(body.clone())));
    let mut call = std::pin::pin!(call);
    assert_eq!(format!("{call:?}"), r#"ResponseFuture("Start")"#);

    let first = call.as_mut().await.unwrap();
    assert_eq!(first.status(), StatusCode::OK);
    assert_eq!(format!("{call:?}"), r#"ResponseFuture("Done")"#);

    // Polling a finished future breaks `Future`'s contract; the guard answers 500 instead of
    // panicking, and never calls the handler again.
    let again = std::future::poll_fn(|cx| call.as_mut().poll(cx))
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(spy.calls(), 1);
}

#[test]
fn debug_of_layer_and_service_shows_no_secret_material() {
    for preset in PRESETS {
        let layer = layer(preset);
        let text = format!(
            "{layer:?} {:?}",
            layer.layer(tower::service_fn(|()| async { Ok::<_, Infallible>(()) }))
        );
        for needle in [
            SECRET,
            SECRET.trim_start_matches("whsec_"),
            &hex::encode(SECRET),
        ] {
            assert!(!text.contains(needle), "{}: {text}", preset.name);
        }
        assert!(text.contains(LABEL), "{}: {text}", preset.name);
    }
}

//! What every test binary shares: the clock, one delivery builder, one spy service (as a tower
//! service or an axum app), and the one way a response is read back.
#![allow(dead_code, unreachable_pub)]

use std::convert::Infallible;
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU16, AtomicUsize, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use http::{HeaderMap, HeaderName, HeaderValue, Request, Response, StatusCode, Uri};
use http_body_util::{BodyExt, Full};
use tokio::sync::Semaphore;
use tower::{Layer, Service, ServiceExt};
use webhook_guard::{
    Outcome, Rejection, RejectionKind, ResponseBody, Scheme, Secret, Signer, Verified,
    VerifiedBody, Verifier, WebhookLayer,
};

/// "Now" for the tests that do not say otherwise, in seconds since the Unix epoch.
pub const NOW: u64 = 1_700_000_000;

/// `secs` seconds after the Unix epoch.
pub fn at(secs: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(secs)
}

pub fn secret(text: &str) -> Secret {
    Secret::new(text).unwrap()
}

/// Headers from `(name, value)` pairs (values may repeat a name).
pub fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
    let mut map = HeaderMap::new();
    for (name, value) in pairs {
        map.append(
            HeaderName::from_bytes(name.as_bytes()).unwrap(),
            HeaderValue::from_bytes(value.as_bytes()).unwrap(),
        );
    }
    map
}

/// A POST to `uri` with `headers` and `body`: what the core verifies.
pub fn post<B>(uri: &str, headers: HeaderMap, body: B) -> Request<B> {
    let mut request = Request::post(uri).body(body).unwrap();
    *request.headers_mut() = headers;
    request
}

/// [`Verifier::verify`] of a POST to `uri`.
pub fn verify(
    verifier: &Verifier,
    headers: &HeaderMap,
    uri: &Uri,
    body: &[u8],
    now: SystemTime,
) -> Result<Verified, Rejection> {
    verifier.verify(&post(&uri.to_string(), headers.clone(), body), now)
}

/// The kind of rejection [`verify`] gives, or `None` when it verifies.
pub fn kind_of(
    verifier: &Verifier,
    headers: &HeaderMap,
    body: &[u8],
    now: SystemTime,
) -> Option<RejectionKind> {
    verify(verifier, headers, &Uri::from_static("/"), body, now)
        .err()
        .map(|r| r.kind())
}

// ---------------------------------------------------------------------------------------------
// The delivery builder

/// A delivery as a provider would send it: built from the scheme and the signing secret (or
/// private key), signed at a time, optionally with a delivery id, a request target and extra
/// headers.
#[derive(Clone)]
pub struct Delivery {
    pub scheme: Scheme,
    pub secret: String,
    pub body: Bytes,
    pub at: u64,
    pub id: Option<String>,
    pub uri: String,
    pub method: http::Method,
    pub extra: Vec<(String, String)>,
}

impl Delivery {
    pub fn new(scheme: Scheme, secret: &str) -> Self {
        Self {
            scheme,
            secret: secret.to_owned(),
            body: Bytes::from_static(br#"{"id":1,"note":"hello"}"#),
            at: NOW,
            id: Some("msg_2KWPBgLlAfxdpx2AI54pPJ85f4W".to_owned()),
            uri: "/webhooks".to_owned(),
            method: http::Method::POST,
            extra: Vec::new(),
        }
    }

    pub fn body(mut self, body: impl Into<Bytes>) -> Self {
        self.body = body.into();
        self
    }

    pub fn at(mut self, secs: u64) -> Self {
        self.at = secs;
        self
    }

    pub fn id(mut self, id: &str) -> Self {
        self.id = Some(id.to_owned());
        self
    }

    pub fn uri(mut self, uri: &str) -> Self {
        self.uri = uri.to_owned();
        self
    }

    pub fn method(mut self, method: http::Method) -> Self {
        self.method = method;
        self
    }

    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.extra.push((name.to_owned(), value.to_owned()));
        self
    }

    /// The signed request.
    pub fn request(&self) -> Request<Bytes> {
        let mut request = Request::builder()
            .method(self.method.clone())
            .uri(&self.uri)
            .body(self.body.clone())
            .unwrap();
        if let (Some(name), Some(id)) = (self.scheme.id_header(), &self.id) {
            request
                .headers_mut()
                .insert(name.clone(), HeaderValue::from_str(id).unwrap());
        }
        Signer::new(self.scheme.clone(), secret(&self.secret))
            .unwrap()
            .sign(&mut request, at(self.at))
            .unwrap();
        for (name, value) in &self.extra {
            request.headers_mut().append(
                HeaderName::from_bytes(name.as_bytes()).unwrap(),
                HeaderValue::from_str(value).unwrap(),
            );
        }
        request
    }

    /// The signed headers alone.
    pub fn headers(&self) -> HeaderMap {
        self.request().headers().clone()
    }

    /// The signed request with its body as a [`Full`] body, for services.
    pub fn full(&self) -> Request<Full<Bytes>> {
        self.request().map(Full::new)
    }

    /// The signed headers with another body.
    pub fn tampered(&self, body: impl Into<Bytes>) -> Request<Full<Bytes>> {
        self.request().map(|_| Full::new(body.into()))
    }
}

/// The headers `scheme`'s sender attaches to `body` at `ts` (with delivery id `id` where the
/// scheme signs one).
pub fn sign(scheme: Scheme, secret_text: &str, body: &[u8], ts: u64, id: &str) -> HeaderMap {
    Delivery::new(scheme, secret_text)
        .body(Bytes::copy_from_slice(body))
        .at(ts)
        .id(id)
        .headers()
}

// ---------------------------------------------------------------------------------------------
// The spy inner service

/// Counts calls, answers with a settable status after an optional gate, echoes the body it
/// was given, and keeps the [`Verified`] (and report-only [`Outcome`]) it saw.
#[derive(Clone)]
pub struct Spy {
    pub calls: Arc<AtomicUsize>,
    pub status: Arc<AtomicU16>,
    pub gate: Option<Arc<Semaphore>>,
    pub seen: Arc<Mutex<Vec<Seen>>>,
}

/// What the spy saw of one request.
#[derive(Clone, Debug)]
pub struct Seen {
    /// When the handler was called (before the gate).
    pub called: Instant,
    pub body: Bytes,
    /// The exact size hint of the body the handler got (`None`: not exact).
    pub size_hint: Option<u64>,
    /// The request headers as the handler got them.
    pub headers: HeaderMap,
    pub verified: Option<Verified>,
    pub outcome: Option<Outcome>,
}

/// The spy's inner service.
pub type Inner =
    tower::util::BoxCloneSyncService<Request<VerifiedBody>, Response<Full<Bytes>>, Infallible>;

pub type Svc = tower::util::BoxCloneSyncService<
    Request<Full<Bytes>>,
    Response<ResponseBody<Full<Bytes>>>,
    Infallible,
>;

impl Default for Spy {
    fn default() -> Self {
        Self::new()
    }
}

impl Spy {
    pub fn new() -> Self {
        Self {
            calls: Arc::default(),
            status: Arc::new(AtomicU16::new(200)),
            gate: None,
            seen: Arc::default(),
        }
    }

    /// A spy whose handler waits for a permit of `gate` before answering.
    pub fn gated(gate: Arc<Semaphore>) -> Self {
        Self {
            gate: Some(gate),
            ..Self::new()
        }
    }

    pub fn calls(&self) -> usize {
        self.calls.load(Ordering::SeqCst)
    }

    pub fn answer_with(&self, status: u16) {
        self.status.store(status, Ordering::SeqCst);
    }

    pub fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }

    /// The inner service: counts, waits at the gate, records, echoes.
    pub fn handler(&self) -> Inner {
        let spy = self.clone();
        let handler = tower::service_fn(move |req: Request<VerifiedBody>| {
            let spy = spy.clone();
            async move {
                let (parts, body) = req.into_parts();
                let hint = http_body::Body::size_hint(&body).exact();
                Ok::<_, Infallible>(spy.answer(&parts, body.into_bytes(), hint).await)
            }
        });
        tower::util::BoxCloneSyncService::new(handler)
    }

    /// The spy as an axum handler for POST: it reads the body with axum's `Bytes` extractor —
    /// under axum's body limit, as a real handler does — then does what [`Spy::handler`] does.
    /// Another method is 405.
    pub fn post(&self) -> axum::routing::MethodRouter {
        let spy = self.clone();
        axum::routing::post(move |parts: http::request::Parts, body: Bytes| async move {
            let hint = Some(body.len() as u64);
            spy.answer(&parts, body, hint).await
        })
    }

    /// [`Spy::post`] at `/webhooks` (where [`Delivery`] sends); another path is 404.
    pub fn router(&self) -> axum::Router {
        axum::Router::new().route("/webhooks", self.post())
    }

    /// Counts, waits at the gate, records, echoes.
    async fn answer(
        &self,
        parts: &http::request::Parts,
        body: Bytes,
        size_hint: Option<u64>,
    ) -> Response<Full<Bytes>> {
        let called = Instant::now();
        self.calls.fetch_add(1, Ordering::SeqCst);
        let verified = parts.extensions.get::<Verified>().cloned();
        let outcome = parts.extensions.get::<Outcome>().cloned();
        if let Some(gate) = &self.gate {
            let _permit = gate.acquire().await.unwrap();
        }
        self.seen.lock().unwrap().push(Seen {
            called,
            body: body.clone(),
            size_hint,
            headers: parts.headers.clone(),
            verified,
            outcome,
        });
        let status = StatusCode::from_u16(self.status.load(Ordering::SeqCst)).unwrap();
        Response::builder()
            .status(status)
            .body(Full::new(body))
            .unwrap()
    }

    /// `layer` around this spy.
    pub fn behind(&self, layer: &WebhookLayer) -> Svc {
        tower::util::BoxCloneSyncService::new(layer.layer(self.handler()))
    }
}

/// What came back.
#[derive(Debug)]
pub struct Sent {
    pub status: StatusCode,
    pub outcome: Option<Outcome>,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Sent {
    /// The verification failure's kind, for [`Outcome::Rejected`].
    pub fn kind(&self) -> Option<RejectionKind> {
        self.outcome
            .as_ref()
            .and_then(Outcome::rejection)
            .map(Rejection::kind)
    }
}

/// Sends `request` through `service` and reads the whole response.
pub async fn send(service: &Svc, request: Request<Full<Bytes>>) -> Sent {
    send_to(service, request).await
}

/// [`send`] through any service: a stack of layers, an axum router.
pub async fn send_to<S, ReqBody, ResBody>(service: &S, request: Request<ReqBody>) -> Sent
where
    S: Service<Request<ReqBody>, Response = Response<ResBody>> + Clone,
    S::Error: std::fmt::Debug,
    ResBody: http_body::Body,
    ResBody::Error: std::fmt::Debug,
{
    let response = service.clone().oneshot(request).await.unwrap();
    let outcome = response.extensions().get::<Outcome>().cloned();
    let status = response.status();
    let headers = response.headers().clone();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    Sent {
        status,
        outcome,
        headers,
        body,
    }
}

/// A request for the core from the parts tests hold.
pub fn req(headers: &HeaderMap, uri: &Uri, body: &[u8]) -> Request<Vec<u8>> {
    post(&uri.to_string(), headers.clone(), body.to_vec())
}

/// Signing as the tests say it: the headers for a body, at a time, with an id.
pub trait SignExt {
    /// The headers for `body` sent to `/` at `at`, with delivery id `id` where the scheme signs
    /// one.
    fn sign_headers(
        &self,
        body: &[u8],
        at: SystemTime,
        id: Option<&str>,
    ) -> Result<HeaderMap, webhook_guard::ConfigError>;

    /// [`SignExt::sign_headers`] for a request to `uri`.
    fn sign_request_headers(
        &self,
        uri: &Uri,
        body: &[u8],
        at: SystemTime,
        id: Option<&str>,
    ) -> Result<HeaderMap, webhook_guard::ConfigError>;
}

impl SignExt for Signer {
    fn sign_headers(
        &self,
        body: &[u8],
        at: SystemTime,
        id: Option<&str>,
    ) -> Result<HeaderMap, webhook_guard::ConfigError> {
        self.sign_request_headers(&Uri::from_static("/"), body, at, id)
    }

    fn sign_request_headers(
        &self,
        uri: &Uri,
        body: &[u8],
        at: SystemTime,
        id: Option<&str>,
    ) -> Result<HeaderMap, webhook_guard::ConfigError> {
        let mut request = Request::post(uri.clone()).body(body.to_vec()).unwrap();
        if let (Some(name), Some(id)) = (self.scheme().id_header(), id) {
            match HeaderValue::from_str(id) {
                Ok(value) => {
                    request.headers_mut().insert(name.clone(), value);
                }
                Err(_) => return Err(webhook_guard::ConfigError::InvalidDeliveryId),
            }
        }
        self.sign(&mut request, at)?;
        Ok(request.headers().clone())
    }
}

//! `WebhookLayer::max_buffered_bytes`: the bytes buffered at once across requests are bounded;
//! bytes are reserved as they arrive (a declared length reserves nothing, so connections that
//! send headers and then nothing hold nothing); a request the budget cannot cover gets 503 +
//! `Retry-After` without reaching the handler; bytes are given back when a request completes
//! or is cancelled; clones share one budget.
//!
//! Deterministic: the handler blocks on a semaphore the test controls; nothing sleeps.

mod common;
use common::SignExt as _;

use std::convert::Infallible;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::task::{Context, Poll};
use std::time::SystemTime;

use bytes::Bytes;
use http::{Request, Response, StatusCode, header};
use http_body::{Body, Frame, SizeHint};
use http_body_util::{BodyExt, Full};
use tokio::sync::{Notify, Semaphore};
use tower::{Layer, ServiceExt, service_fn};
use webhook_guard::{Keyring, Outcome, Secret, Signer, VerifiedBody, WebhookLayer, providers};

const SECRET: &str = "It's a Secret to Everybody";

/// A body that records whether it was polled, delivered in `chunks`, with or without an exact
/// size hint.
struct SpyBody {
    chunks: Vec<Bytes>,
    exact: bool,
    polled: Arc<AtomicBool>,
}

impl Body for SpyBody {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        self.polled.store(true, Ordering::SeqCst);
        if self.chunks.is_empty() {
            return Poll::Ready(None);
        }
        Poll::Ready(Some(Ok(Frame::data(self.chunks.remove(0)))))
    }

    fn size_hint(&self) -> SizeHint {
        if self.exact {
            SizeHint::with_exact(self.chunks.iter().map(|c| c.len() as u64).sum())
        } else {
            SizeHint::default()
        }
    }
}

/// A signed GitHub delivery of `len` bytes in `chunks` pieces; with `Content-Length` when
/// `declared`.
fn delivery(len: usize, chunks: usize, declared: bool) -> (Request<SpyBody>, Arc<AtomicBool>) {
    let body: Vec<u8> = (0..len).map(|i| b'a' + (i % 26) as u8).collect();
    let headers = Signer::new(providers::github(), Secret::new(SECRET).unwrap())
        .unwrap()
        .sign_headers(&body, SystemTime::now(), None)
        .unwrap();
    let step = len.div_ceil(chunks);
    let polled = Arc::new(AtomicBool::new(false));
    let mut request = Request::post("/hook")
        .body(SpyBody {
            chunks: body.chunks(step).map(Bytes::copy_from_slice).collect(),
            exact: declared,
            polled: polled.clone(),
        })
        .unwrap();
    request.headers_mut().extend(headers);
    if declared {
        request
            .headers_mut()
            .insert(header::CONTENT_LENGTH, len.into());
    }
    (request, polled)
}

/// The handler: counts calls, says it entered, then waits for a permit.
#[derive(Clone)]
struct Gate {
    calls: Arc<AtomicUsize>,
    entered: Arc<Notify>,
    permits: Arc<Semaphore>,
}

impl Gate {
    fn new() -> Self {
        Self {
            calls: Arc::new(AtomicUsize::new(0)),
            entered: Arc::new(Notify::new()),
            permits: Arc::new(Semaphore::new(0)),
        }
    }

    fn layer_with(
        &self,
        layer: &WebhookLayer,
    ) -> impl tower::Service<
        Request<SpyBody>,
        Response = Response<webhook_guard::ResponseBody<Full<Bytes>>>,
        Error = Infallible,
        Future: Send,
    > + Clone
    + Send
    + 'static {
        let gate = self.clone();
        layer.layer(service_fn(move |req: Request<VerifiedBody>| {
            let gate = gate.clone();
            async move {
                gate.calls.fetch_add(1, Ordering::SeqCst);
                gate.entered.notify_one();
                gate.permits.acquire().await.unwrap().forget();
                let len = req.into_body().into_bytes().len();
                Ok::<_, Infallible>(Response::new(Full::new(Bytes::from(len.to_string()))))
            }
        }))
    }
}

fn layer(budget: usize) -> WebhookLayer {
    WebhookLayer::new(
        providers::github(),
        Keyring::from(Secret::new(SECRET).unwrap()),
    )
    .unwrap()
    .body_limit(2048)
    .max_buffered_bytes(budget)
}

fn assert_budget_rejection<B>(response: &Response<B>) {
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(response.headers().contains_key(header::RETRY_AFTER));
    assert_eq!(
        response.extensions().get::<Outcome>(),
        Some(&Outcome::BufferFull)
    );
}

#[tokio::test]
async fn a_body_over_what_is_left_is_refused_as_it_arrives() {
    let gate = Gate::new();
    let service = gate.layer_with(&layer(1500));

    // A holds 1000 of the 1500 bytes while its handler runs.
    let (a, _) = delivery(1000, 1, true);
    let entered = gate.entered.notified();
    let first = tokio::spawn(service.clone().oneshot(a));
    entered.await;

    let (b, b_polled) = delivery(1000, 1, true);
    let response = service.clone().oneshot(b).await.unwrap();
    assert_budget_rejection(&response);
    assert!(
        b_polled.load(Ordering::SeqCst),
        "reserved as the bytes arrived, not by the declared length"
    );
    assert_eq!(gate.calls.load(Ordering::SeqCst), 1);

    // A completes and gives its bytes back: C fits.
    gate.permits.add_permits(1);
    let response = first.await.unwrap().unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let (c, _) = delivery(1000, 1, true);
    gate.permits.add_permits(1);
    let response = service.oneshot(c).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let body = response.into_body().collect().await.unwrap().to_bytes();
    assert_eq!(body, "1000");
}

#[tokio::test]
async fn undeclared_body_is_counted_as_it_arrives() {
    let gate = Gate::new();
    let service = gate.layer_with(&layer(1500));
    // 1800 bytes in three chunks, no length: refused at the third chunk, handler not called.
    let (request, polled) = delivery(1800, 3, false);
    let response = service.clone().oneshot(request).await.unwrap();
    assert_budget_rejection(&response);
    assert!(polled.load(Ordering::SeqCst));
    assert_eq!(gate.calls.load(Ordering::SeqCst), 0);
    // Nothing stays held: 1500 bytes in three chunks fit.
    let (request, _) = delivery(1500, 3, false);
    gate.permits.add_permits(1);
    assert_eq!(
        service.oneshot(request).await.unwrap().status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn cancelled_request_gives_its_bytes_back() {
    let gate = Gate::new();
    let service = gate.layer_with(&layer(1500));
    let (a, _) = delivery(1000, 1, true);
    let entered = gate.entered.notified();
    let first = tokio::spawn(service.clone().oneshot(a));
    entered.await;
    first.abort();
    assert!(first.await.unwrap_err().is_cancelled());

    let (b, _) = delivery(1000, 1, true);
    gate.permits.add_permits(1);
    assert_eq!(service.oneshot(b).await.unwrap().status(), StatusCode::OK);
}

#[tokio::test]
async fn clones_of_the_layer_share_one_budget() {
    let gate = Gate::new();
    let layer = layer(1500);
    let one = gate.layer_with(&layer);
    let other = gate.layer_with(&layer.clone());
    let (a, _) = delivery(1000, 1, true);
    let entered = gate.entered.notified();
    let first = tokio::spawn(one.oneshot(a));
    entered.await;
    let (b, _) = delivery(1000, 1, true);
    assert_budget_rejection(&other.oneshot(b).await.unwrap());
    gate.permits.add_permits(1);
    assert_eq!(first.await.unwrap().unwrap().status(), StatusCode::OK);
}

#[tokio::test]
async fn without_a_budget_nothing_is_refused() {
    let gate = Gate::new();
    let layer = WebhookLayer::new(
        providers::github(),
        Keyring::from(Secret::new(SECRET).unwrap()),
    )
    .unwrap();
    let service = gate.layer_with(&layer);
    let (a, _) = delivery(1000, 1, true);
    let entered = gate.entered.notified();
    let first = tokio::spawn(service.clone().oneshot(a));
    entered.await;
    let (b, _) = delivery(2000, 4, false);
    gate.permits.add_permits(2);
    assert_eq!(service.oneshot(b).await.unwrap().status(), StatusCode::OK);
    assert_eq!(first.await.unwrap().unwrap().status(), StatusCode::OK);
}

/// A body that never sends a byte.
struct Silent;

impl Body for Silent {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        Poll::Pending
    }
}

/// Connections that send their headers (declaring a length) and then nothing hold no part of
/// the budget: a genuine delivery still gets all of it.
#[tokio::test]
async fn connections_that_send_headers_and_nothing_hold_nothing() {
    let layer = layer(1500);
    let inner = service_fn(|req: Request<VerifiedBody>| async move {
        Ok::<_, Infallible>(Response::new(Full::new(req.into_body().into_bytes())))
    });
    let idle: Vec<_> = (0..10)
        .map(|_| {
            let (signed, _) = delivery(1500, 1, true);
            let (parts, _) = signed.into_parts();
            let service = layer.layer(inner);
            tokio::spawn(service.oneshot(Request::from_parts(parts, Silent)))
        })
        .collect();
    tokio::task::yield_now().await;
    let genuine = gate_free(&layer, delivery(1500, 1, true).0).await;
    assert_eq!(genuine, StatusCode::OK);
    for task in idle {
        task.abort();
    }
}

async fn gate_free(layer: &WebhookLayer, request: Request<SpyBody>) -> StatusCode {
    let inner = service_fn(|req: Request<VerifiedBody>| async move {
        Ok::<_, Infallible>(Response::new(Full::new(req.into_body().into_bytes())))
    });
    layer.layer(inner).oneshot(request).await.unwrap().status()
}

//! The layer among the layers users stack around it (docs/composing.md).
//!
//! 1. A matrix: each common tower-http layer directly outside and directly inside the guard, in
//!    plain tower (`ServiceBuilder`), around the spy's axum app (a real `Bytes` extractor). Every
//!    case: a genuine delivery is 200 and the handler gets the very bytes that were signed, a
//!    tampered one is 401, an oversized one 413 (with and without `Content-Length`), and the
//!    handler never runs for a refused request; then what that layer changes, in each order.
//! 2. axum wiring: one route, one guard, next to the handler (405 for another method, no
//!    stacked guards), preflights, one body limit from the guard to the extractors, a limit
//!    outside the guard, `ServiceBuilder` in `route_layer`.
//! 3. axum 0.7 (`Extension<Verified>`) and plain hyper 1 over loopback.
//!
//! Time is tokio's paused clock where a timeout matters; the guard's clock is a manual one.

mod common;
use common::{Delivery, NOW, Sent, Spy, secret, send_to};

use std::convert::Infallible;
use std::io::{Read as _, Write as _};
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::DefaultBodyLimit;
use axum::routing::post;
use bytes::Bytes;
use http::{HeaderName, HeaderValue, Request, Response, StatusCode, header};
use http_body_util::{BodyExt, StreamBody};
use tokio::sync::Semaphore;
use tower::util::BoxCloneService;
use tower::{Service, ServiceBuilder, ServiceExt};
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::cors::CorsLayer;
use tower_http::decompression::RequestDecompressionLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::sensitive_headers::SetSensitiveRequestHeadersLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;
use webhook_guard::{Clock, Keyring, Outcome, Verified, WebhookLayer, providers};

const SECRET: &str = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD";
const GITHUB_SECRET: &str = "It's a Secret to Everybody";
/// The guard's body limit in the matrix.
const LIMIT: usize = 16 * 1024;

/// The guard of the matrix: Stripe, [`SECRET`], a clock stopped at [`NOW`], [`LIMIT`].
fn guard() -> WebhookLayer {
    WebhookLayer::new(providers::stripe(), Keyring::from(secret(SECRET)))
        .unwrap()
        .clock(Clock::manual_at_unix(NOW))
        .body_limit(LIMIT)
}

fn github_guard() -> WebhookLayer {
    WebhookLayer::new(providers::github(), Keyring::from(secret(GITHUB_SECRET)))
        .unwrap()
        .clock(Clock::manual_at_unix(NOW))
}

/// A body that is not what a re-serializer would write: spaces, a newline, non-ASCII, 2 KiB.
fn body() -> Bytes {
    let mut body = br#"{ "type" : "invoice.paid",  "note": "d\u00e9j\u00e0 vu caf"#.to_vec();
    body.extend_from_slice("é ".as_bytes());
    body.extend(std::iter::repeat_n(b'.', 2000));
    body.extend_from_slice(b"\" }\n");
    Bytes::from(body)
}

fn stripe(body: impl Into<Bytes>) -> Delivery {
    Delivery::new(providers::stripe(), SECRET).body(body)
}

/// `request` with its body as an axum [`Body`] (what every stack here takes).
fn boxed_body<B>(request: Request<B>) -> Request<Body>
where
    B: http_body::Body<Data = Bytes> + Send + 'static,
    B::Error: Into<axum::BoxError>,
{
    request.map(Body::new)
}

/// The signed request with a `Content-Length`, as a server hands it on.
fn with_length(delivery: &Delivery) -> Request<Body> {
    let mut request = delivery.full();
    let len = HeaderValue::from(delivery.body.len());
    request.headers_mut().insert(header::CONTENT_LENGTH, len);
    boxed_body(request)
}

/// The signed request with its body in 1 KiB chunks and no length at all (chunked HTTP/1.1,
/// HTTP/2 without `content-length`).
fn chunked(delivery: &Delivery) -> Request<Body> {
    let chunks: Vec<Result<Bytes, Infallible>> = delivery
        .body
        .chunks(1024)
        .map(|c| Ok(Bytes::copy_from_slice(c)))
        .collect();
    delivery
        .request()
        .map(|_| Body::from_stream(futures_util::stream::iter(chunks)))
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(data).unwrap();
    encoder.finish().unwrap()
}

fn gunzip(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(data)
        .read_to_end(&mut out)
        .unwrap();
    out
}

// ---------------------------------------------------------------------------------------------
// 1. The matrix
// ---------------------------------------------------------------------------------------------

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Order {
    /// `ServiceBuilder::new().layer(x).layer(guard)`: the layer sees the request first.
    Outside,
    /// `ServiceBuilder::new().layer(guard).layer(x)`: the guard sees the request first.
    Inside,
}

const ORDERS: [Order; 2] = [Order::Outside, Order::Inside];

type Stack = BoxCloneService<Request<Body>, Response<Body>, Infallible>;

/// A stack of any shape, with its response body boxed so every case has one type.
fn boxed<S, B>(service: S) -> Stack
where
    S: Service<Request<Body>, Response = Response<B>, Error = Infallible> + Clone + Send + 'static,
    S::Future: Send + 'static,
    B: http_body::Body<Data = Bytes> + Send + 'static,
    B::Error: Into<axum::BoxError>,
{
    BoxCloneService::new(service.map_response(|response: Response<B>| response.map(Body::new)))
}

/// `$layer` and the guard around `$app`, in `$order`. A macro, as each layer is its own type.
macro_rules! stack {
    ($layer:expr, $order:expr, $app:expr) => {
        match $order {
            Order::Outside => boxed(
                ServiceBuilder::new()
                    .layer($layer)
                    .layer(guard())
                    .service($app),
            ),
            Order::Inside => boxed(
                ServiceBuilder::new()
                    .layer(guard())
                    .layer($layer)
                    .service($app),
            ),
        }
    };
}

async fn send(app: &Stack, request: Request<Body>) -> Sent {
    send_to(app, request).await
}

/// What every case must do in either order: genuine → 200 with the signed bytes reaching the
/// handler (and echoed), tampered → 401, oversized → 413 with or without `Content-Length`; the
/// handler runs for the genuine delivery only.
async fn genuine_tampered_oversized(app: &Stack, spy: &Spy, case: &str) {
    let delivery = stripe(body());
    let sent = send(app, with_length(&delivery)).await;
    assert_eq!(sent.status, StatusCode::OK, "{case}: {:?}", sent.outcome);
    assert_eq!(sent.body, delivery.body, "{case}: echo");
    let seen = spy.seen();
    assert_eq!(seen.len(), 1, "{case}");
    assert_eq!(
        seen[0].body, delivery.body,
        "{case}: the handler got other bytes"
    );
    let verified = seen[0].verified.as_ref().expect("Verified");
    assert_eq!(verified.provider(), "stripe", "{case}");

    let chunked_genuine = send(app, chunked(&delivery)).await;
    assert_eq!(chunked_genuine.status, StatusCode::OK, "{case}: chunked");
    assert_eq!(spy.seen()[1].body, delivery.body, "{case}: chunked");

    let mut tampered = body().to_vec();
    tampered[3] ^= 0x01;
    let sent = send(app, boxed_body(delivery.tampered(tampered))).await;
    assert_eq!(sent.status, StatusCode::UNAUTHORIZED, "{case}: tampered");

    let oversized = stripe(vec![b'x'; LIMIT + 1]);
    let sent = send(app, with_length(&oversized)).await;
    assert_eq!(
        sent.status,
        StatusCode::PAYLOAD_TOO_LARGE,
        "{case}: oversized"
    );
    let sent = send(app, chunked(&oversized)).await;
    assert_eq!(
        sent.status,
        StatusCode::PAYLOAD_TOO_LARGE,
        "{case}: chunked oversized"
    );

    assert_eq!(
        spy.calls(),
        2,
        "{case}: the handler ran for a refused request"
    );
}

#[tokio::test]
async fn trace_either_order() {
    for order in ORDERS {
        let spy = Spy::new();
        let app = stack!(TraceLayer::new_for_http(), order, spy.router());
        genuine_tampered_oversized(&app, &spy, &format!("trace {order:?}")).await;
    }
}

#[tokio::test(start_paused = true)]
async fn timeout_either_order_answers_its_status_for_a_slow_handler() {
    let timeout =
        || TimeoutLayer::with_status_code(StatusCode::GATEWAY_TIMEOUT, Duration::from_secs(5));
    for order in ORDERS {
        let case = format!("timeout {order:?}");
        let spy = Spy::new();
        let app = stack!(timeout(), order, spy.router());
        genuine_tampered_oversized(&app, &spy, &case).await;

        // A handler that never finishes: the timeout's own answer, in either order.
        let stuck = Spy::gated(Arc::new(Semaphore::new(0)));
        let app = stack!(timeout(), order, stuck.router());
        let sent = send(&app, with_length(&stripe(body()))).await;
        assert_eq!(sent.status, StatusCode::GATEWAY_TIMEOUT, "{case}");
        assert_eq!(stuck.calls(), 1, "{case}");
    }
}

#[tokio::test]
async fn cors_outside_answers_preflights_inside_they_are_401() {
    for order in ORDERS {
        let case = format!("cors {order:?}");
        let spy = Spy::new();
        let app = stack!(CorsLayer::permissive(), order, spy.router());
        genuine_tampered_oversized(&app, &spy, &case).await;

        let mut request = with_length(&stripe(body()));
        let origin = HeaderValue::from_static("https://app.example");
        request.headers_mut().insert(header::ORIGIN, origin.clone());
        let sent = send(&app, request).await;
        assert_eq!(sent.status, StatusCode::OK, "{case}");
        assert!(
            sent.headers
                .contains_key(header::ACCESS_CONTROL_ALLOW_ORIGIN),
            "{case}"
        );

        let preflight = Request::options("/webhooks")
            .header(header::ORIGIN, origin)
            .header(header::ACCESS_CONTROL_REQUEST_METHOD, "POST")
            .body(Body::empty())
            .unwrap();
        let sent = send(&app, preflight).await;
        let expected = match order {
            Order::Outside => StatusCode::OK,
            Order::Inside => StatusCode::UNAUTHORIZED,
        };
        assert_eq!(sent.status, expected, "{case}: preflight");
        assert_eq!(spy.calls(), 3, "{case}: a preflight reached the handler");
    }
}

#[tokio::test]
async fn compression_either_order_compresses_the_echo_of_the_verified_bytes() {
    for order in ORDERS {
        let case = format!("compression {order:?}");
        let spy = Spy::new();
        let app = stack!(CompressionLayer::new(), order, spy.router());
        genuine_tampered_oversized(&app, &spy, &case).await;

        let delivery = stripe(body());
        let mut request = with_length(&delivery);
        let gzip_only = HeaderValue::from_static("gzip");
        request
            .headers_mut()
            .insert(header::ACCEPT_ENCODING, gzip_only);
        let sent = send(&app, request).await;
        assert_eq!(sent.status, StatusCode::OK, "{case}");
        assert_eq!(sent.headers[header::CONTENT_ENCODING], "gzip", "{case}");
        assert_eq!(gunzip(&sent.body), delivery.body, "{case}");
    }
}

#[tokio::test]
async fn request_body_limit_either_order_is_413_with_or_without_content_length() {
    // Smaller than the guard's own limit, so it is this layer that refuses.
    let outer = LIMIT / 4;
    let over = stripe(vec![b'y'; outer * 2]);
    for order in ORDERS {
        let case = format!("request body limit {order:?}");
        let spy = Spy::new();
        let app = stack!(RequestBodyLimitLayer::new(outer), order, spy.router());
        genuine_tampered_oversized(&app, &spy, &case).await;

        for (how, request) in [("length", with_length(&over)), ("chunked", chunked(&over))] {
            let sent = send(&app, request).await;
            assert_eq!(sent.status, StatusCode::PAYLOAD_TOO_LARGE, "{case}, {how}");
        }
        assert_eq!(spy.calls(), 2, "{case}");
    }
}

#[tokio::test]
async fn request_decompression_outside_verifies_decompressed_bytes_inside_gzip_is_415() {
    let json = body();
    // A sender that signs its JSON and compresses it in transit…
    let signed_plain = stripe(json.clone());
    // …and one that signs the bytes it sends, as webhook providers do.
    let signed_as_sent = stripe(gzip(&json));
    for order in ORDERS {
        let case = format!("request decompression {order:?}");
        let spy = Spy::new();
        let app = stack!(RequestDecompressionLayer::new(), order, spy.router());
        genuine_tampered_oversized(&app, &spy, &case).await;

        let mut plain = signed_plain.tampered(gzip(&json));
        let mut as_sent = signed_as_sent.full();
        for request in [&mut plain, &mut as_sent] {
            let gzip = HeaderValue::from_static("gzip");
            request.headers_mut().insert(header::CONTENT_ENCODING, gzip);
        }
        let plain = send(&app, boxed_body(plain)).await;
        let as_sent = send(&app, boxed_body(as_sent)).await;
        match order {
            Order::Outside => {
                assert_eq!(plain.status, StatusCode::OK, "{case}");
                assert_eq!(spy.seen()[2].body, json, "{case}: decompressed bytes");
                assert_eq!(as_sent.status, StatusCode::UNAUTHORIZED, "{case}");
            }
            Order::Inside => {
                for sent in [plain, as_sent] {
                    assert_eq!(sent.status, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{case}");
                    assert_eq!(sent.outcome, Some(Outcome::UnsupportedContentEncoding));
                }
            }
        }
    }
}

async fn panics() -> &'static str {
    panic!("a handler panicked (on purpose, tests/compose.rs)")
}

#[tokio::test]
async fn catch_panic_either_order_turns_a_handler_panic_into_500() {
    for order in ORDERS {
        let case = format!("catch panic {order:?}");
        let spy = Spy::new();
        let app = spy.router().route("/panics", post(panics));
        let app = stack!(CatchPanicLayer::new(), order, app);
        genuine_tampered_oversized(&app, &spy, &case).await;

        let sent = send(&app, with_length(&stripe(body()).uri("/panics"))).await;
        assert_eq!(sent.status, StatusCode::INTERNAL_SERVER_ERROR, "{case}");
        // A forged request never reaches the panicking handler.
        let forged = stripe(body()).uri("/panics").tampered(&b"{}"[..]);
        let sent = send(&app, boxed_body(forged)).await;
        assert_eq!(sent.status, StatusCode::UNAUTHORIZED, "{case}");
    }
}

#[tokio::test]
async fn request_id_outside_also_tags_rejections_inside_only_handled_requests() {
    let x_request_id = HeaderName::from_static("x-request-id");
    for order in ORDERS {
        let case = format!("request id {order:?}");
        let spy = Spy::new();
        let ids = ServiceBuilder::new()
            .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
            .layer(PropagateRequestIdLayer::x_request_id());
        let app = stack!(ids, order, spy.router());
        genuine_tampered_oversized(&app, &spy, &case).await;

        let sent = send(&app, with_length(&stripe(body()))).await;
        assert_eq!(sent.status, StatusCode::OK, "{case}");
        let id = &sent.headers[&x_request_id];
        assert_eq!(spy.seen()[2].headers.get(&x_request_id), Some(id), "{case}");

        let forged = send(&app, boxed_body(stripe(body()).tampered(&b"{}"[..]))).await;
        assert_eq!(forged.status, StatusCode::UNAUTHORIZED, "{case}");
        assert_eq!(
            forged.headers.contains_key(&x_request_id),
            order == Order::Outside,
            "{case}: request id on a rejection"
        );
    }
}

#[tokio::test]
async fn sensitive_request_headers_either_order_leave_the_signature_verifiable() {
    let signature = HeaderName::from_static("stripe-signature");
    for order in ORDERS {
        let case = format!("sensitive headers {order:?}");
        let spy = Spy::new();
        let sensitive = SetSensitiveRequestHeadersLayer::new([signature.clone()]);
        let app = stack!(sensitive, order, spy.router());
        genuine_tampered_oversized(&app, &spy, &case).await;
        // Marked before or after the guard, the mark reaches the handler (and any TraceLayer
        // inside it): the guard forwards the headers as they are.
        assert!(spy.seen()[0].headers[&signature].is_sensitive(), "{case}");
    }
}

// ---------------------------------------------------------------------------------------------
// 2. axum wiring
// ---------------------------------------------------------------------------------------------

async fn send_app(app: &Router, request: Request<Body>) -> Sent {
    send_to(app, request).await
}

fn get(path: &str) -> Request<Body> {
    Request::get(path).body(Body::empty()).unwrap()
}

#[tokio::test]
async fn guard_next_to_the_handler_is_405_for_another_method_router_route_layer_is_401() {
    let spy = Spy::new();
    // Recommended: `post(handler).route_layer(guard)`.
    let next_to_handler = Router::new().route("/webhooks", spy.post().route_layer(guard()));
    let genuine = send_app(&next_to_handler, with_length(&stripe(body()))).await;
    assert_eq!(genuine.status, StatusCode::OK);
    let wrong_method = send_app(&next_to_handler, get("/webhooks")).await;
    assert_eq!(wrong_method.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(wrong_method.outcome, None, "the guard answered it");
    let elsewhere = send_app(
        &next_to_handler,
        boxed_body(stripe(body()).uri("/other").full()),
    );
    assert_eq!(elsewhere.await.status, StatusCode::NOT_FOUND);

    // `Router::route_layer` and `MethodRouter::layer` put the guard around the 405 fallback too.
    let router_route_layer = spy.router().route_layer(guard());
    let method_router_layer = Router::new().route("/webhooks", spy.post().layer(guard()));
    for app in [router_route_layer, method_router_layer] {
        let genuine = send_app(&app, with_length(&stripe(body()))).await;
        assert_eq!(genuine.status, StatusCode::OK);
        let wrong_method = send_app(&app, get("/webhooks")).await;
        assert_eq!(wrong_method.status, StatusCode::UNAUTHORIZED);
    }
    assert_eq!(spy.calls(), 3);
}

#[tokio::test]
async fn one_guard_per_route_never_stacks_route_layer_after_each_route_does() {
    let (stripe_spy, github_spy) = (Spy::new(), Spy::new());
    let stripe_delivery = || stripe(body()).uri("/webhooks/stripe");
    let github_delivery = || {
        Delivery::new(providers::github(), GITHUB_SECRET)
            .body(body())
            .uri("/webhooks/github")
    };

    let per_route = Router::new()
        .route("/webhooks/stripe", stripe_spy.post().route_layer(guard()))
        .route(
            "/webhooks/github",
            github_spy.post().route_layer(github_guard()),
        );
    let sent = send_app(&per_route, with_length(&stripe_delivery())).await;
    assert_eq!(sent.status, StatusCode::OK);
    let sent = send_app(&per_route, with_length(&github_delivery())).await;
    assert_eq!(sent.status, StatusCode::OK);
    // Each route verifies its own provider only.
    let crossed = send_app(
        &per_route,
        with_length(&stripe_delivery().uri("/webhooks/github")),
    );
    assert_eq!(crossed.await.status, StatusCode::UNAUTHORIZED);
    assert_eq!((stripe_spy.calls(), github_spy.calls()), (1, 1));

    // The trap: `Router::route_layer` wraps every route added so far, so the Stripe route is
    // behind the GitHub guard as well, and every genuine Stripe delivery is 401.
    let stacked = Router::new()
        .route("/webhooks/stripe", stripe_spy.post())
        .route_layer(guard())
        .route("/webhooks/github", github_spy.post())
        .route_layer(github_guard());
    let sent = send_app(&stacked, with_length(&stripe_delivery())).await;
    assert_eq!(sent.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        sent.outcome.and_then(|o| o.rejection().map(|r| r.kind())),
        Some(webhook_guard::RejectionKind::MissingHeader),
        "refused by the GitHub guard"
    );
    let sent = send_app(&stacked, with_length(&github_delivery())).await;
    assert_eq!(sent.status, StatusCode::OK);
    assert_eq!((stripe_spy.calls(), github_spy.calls()), (1, 2));
}

#[tokio::test]
async fn cors_on_the_router_answers_preflights_before_the_guard() {
    let spy = Spy::new();
    let preflight = || {
        Request::options("/webhooks")
            .header(header::ORIGIN, "https://app.example")
            .header(header::ACCESS_CONTROL_REQUEST_METHOD, "POST")
            .body(Body::empty())
            .unwrap()
    };
    // The application's CORS for its browser routes, on the whole router: outside the guard.
    let app = Router::new()
        .route("/webhooks", spy.post().route_layer(guard()))
        .layer(CorsLayer::permissive());
    assert_eq!(send_app(&app, preflight()).await.status, StatusCode::OK);
    assert_eq!(
        send_app(&app, with_length(&stripe(body()))).await.status,
        StatusCode::OK
    );
    // CORS inside the guard: the preflight carries no signature.
    let app = spy
        .router()
        .route_layer(CorsLayer::permissive())
        .route_layer(guard());
    let sent = send_app(&app, preflight()).await;
    assert_eq!(sent.status, StatusCode::UNAUTHORIZED);
    assert_eq!(spy.calls(), 1);
}

/// A genuine GitHub delivery of 3 MiB (the preset admits 25 MiB).
fn big_github_delivery() -> Delivery {
    let mut json = br#"{"action":"completed","blob":""#.to_vec();
    json.extend(std::iter::repeat_n(b'a', 3 << 20));
    json.extend_from_slice(br#""}"#);
    Delivery::new(providers::github(), GITHUB_SECRET)
        .body(json)
        .uri("/webhooks/github")
        .header("content-type", "application/json")
}

#[tokio::test]
async fn a_3_mib_github_delivery_reaches_bytes_and_json_extractors() {
    let delivery = big_github_delivery();
    let bytes = |verified: Verified, body: Bytes| async move {
        format!("{} {}", verified.provider(), body.len())
    };
    let json = |axum::Json(value): axum::Json<serde_json::Value>| async move {
        value["blob"].as_str().map_or(0, str::len).to_string()
    };
    let app = Router::new()
        .route("/webhooks/github", post(bytes).route_layer(github_guard()))
        .route("/webhooks/json", post(json).route_layer(github_guard()));
    let sent = send_app(&app, with_length(&delivery)).await;
    assert_eq!(sent.status, StatusCode::OK, "{:?}", sent.body);
    assert_eq!(sent.body, format!("github {}", delivery.body.len()));
    let sent = send_app(&app, chunked(&delivery)).await;
    assert_eq!(sent.status, StatusCode::OK, "{:?}", sent.body);
    let sent = send_app(&app, with_length(&delivery.clone().uri("/webhooks/json"))).await;
    assert_eq!(sent.status, StatusCode::OK, "{:?}", sent.body);
    assert_eq!(sent.body, (3 << 20).to_string());

    // The guard's limit is the route's limit: a router-wide `DefaultBodyLimit` outside it does
    // not re-limit what it admitted…
    let spy = Spy::new();
    let app = Router::new()
        .route("/webhooks/github", spy.post().route_layer(github_guard()))
        .layer(DefaultBodyLimit::max(1 << 20));
    assert_eq!(
        send_app(&app, with_length(&delivery)).await.status,
        StatusCode::OK
    );
    // …one between the guard and the handler is closer to the handler, and wins.
    let app = Router::new().route(
        "/webhooks/github",
        spy.post()
            .layer(DefaultBodyLimit::max(1 << 20))
            .route_layer(github_guard()),
    );
    assert_eq!(
        send_app(&app, with_length(&delivery)).await.status,
        StatusCode::PAYLOAD_TOO_LARGE
    );
    assert_eq!(spy.seen()[0].body, delivery.body);
    assert_eq!(spy.calls(), 1);
}

#[tokio::test]
async fn a_body_limit_on_the_router_is_413_not_400_for_a_body_without_length() {
    let spy = Spy::new();
    let app = Router::new()
        .route("/webhooks", spy.post().route_layer(guard()))
        .layer(RequestBodyLimitLayer::new(4096));
    let over = stripe(vec![b'z'; 8192]);
    for (how, request) in [("length", with_length(&over)), ("chunked", chunked(&over))] {
        let sent = send_app(&app, request).await;
        assert_eq!(sent.status, StatusCode::PAYLOAD_TOO_LARGE, "{how}");
    }
    let sent = send_app(&app, chunked(&stripe(body()))).await;
    assert_eq!(sent.status, StatusCode::OK);
    assert_eq!(spy.calls(), 1);
}

#[tokio::test]
async fn service_builder_stacks_go_in_route_layer() {
    let spy = Spy::new();
    let stack = ServiceBuilder::new()
        .layer(CatchPanicLayer::new())
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            Duration::from_secs(30),
        ))
        .layer(CompressionLayer::new())
        .layer(CorsLayer::permissive())
        .layer(guard());
    let app = Router::new().route("/webhooks", spy.post().route_layer(stack));
    let delivery = stripe(body());
    let sent = send_app(&app, with_length(&delivery)).await;
    assert_eq!(sent.status, StatusCode::OK);
    assert_eq!(sent.body, delivery.body);
    let sent = send_app(&app, boxed_body(delivery.tampered(&b"{}"[..]))).await;
    assert_eq!(sent.status, StatusCode::UNAUTHORIZED);
    assert_eq!(send_app(&app, get("/webhooks")).await.status, 405);
    assert_eq!(spy.calls(), 1);
}

// ---------------------------------------------------------------------------------------------
// 3. axum 0.7 and plain hyper 1
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn axum_0_7_router_with_extension_verified() {
    use axum07::Extension;
    use axum07::extract::DefaultBodyLimit as DefaultBodyLimit07;

    async fn handler(Extension(verified): Extension<Verified>, body: Bytes) -> String {
        format!("{} {}", verified.provider(), body.len())
    }
    let app = axum07::Router::new()
        .route(
            "/webhooks",
            axum07::routing::post(handler).route_layer(guard()),
        )
        .route(
            "/webhooks/github",
            axum07::routing::post(handler)
                .layer(DefaultBodyLimit07::max(25 << 20))
                .route_layer(github_guard()),
        )
        .route(
            "/webhooks/github-2mb",
            axum07::routing::post(handler).route_layer(github_guard()),
        );
    let delivery = stripe(body());
    let sent = send_to(&app, with_length(&delivery)).await;
    assert_eq!(sent.status, StatusCode::OK);
    assert_eq!(sent.body, format!("stripe {}", delivery.body.len()));
    let sent = send_to(&app, boxed_body(delivery.tampered(&b"{}"[..]))).await;
    assert_eq!(sent.status, StatusCode::UNAUTHORIZED);
    assert_eq!(send_to(&app, get("/webhooks")).await.status, 405);

    // axum 0.7's extractors do not see the guard's limit (it is axum 0.8's type): its own
    // `DefaultBodyLimit` next to the handler carries it, without it the 2 MB default refuses.
    let big = big_github_delivery();
    let sent = send_to(&app, with_length(&big)).await;
    assert_eq!(sent.status, StatusCode::OK);
    let sent = send_to(&app, with_length(&big.uri("/webhooks/github-2mb"))).await;
    assert_eq!(sent.status, StatusCode::PAYLOAD_TOO_LARGE);
}

/// Serves `service` with hyper 1 alone on a loopback port, one task per connection.
async fn serve_hyper<S, B>(service: S) -> std::net::SocketAddr
where
    S: Service<Request<hyper1::body::Incoming>, Response = Response<B>, Error = Infallible>
        + Clone
        + Send
        + 'static,
    S::Future: Send + 'static,
    B: http_body::Body<Data = Bytes> + Send + 'static,
    B::Error: Into<axum::BoxError>,
{
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                return;
            };
            let service = hyper_util::service::TowerToHyperService::new(service.clone());
            tokio::spawn(async move {
                let io = hyper_util::rt::TokioIo::new(stream);
                let _ = hyper1::server::conn::http1::Builder::new()
                    .serve_connection(io, service)
                    .await;
            });
        }
    });
    addr
}

/// One request over a new HTTP/1.1 connection with hyper's client: a body with an exact size
/// goes with `Content-Length`, one without (a stream) chunked.
async fn hyper_send<B>(addr: std::net::SocketAddr, request: Request<B>) -> (StatusCode, Bytes)
where
    B: http_body::Body<Data = Bytes> + Send + 'static,
    B::Error: Into<axum::BoxError>,
{
    let stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let io = hyper_util::rt::TokioIo::new(stream);
    let (mut sender, connection) = hyper1::client::conn::http1::handshake(io).await.unwrap();
    tokio::spawn(connection);
    let response = sender.send_request(request).await.unwrap();
    let status = response.status();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    (status, body)
}

#[tokio::test]
async fn plain_hyper_1_server_verifies_and_limits_chunked_bodies() {
    let spy = Spy::new();
    let service = ServiceBuilder::new()
        .layer(RequestBodyLimitLayer::new(4096))
        .layer(guard())
        .service(spy.handler());
    let addr = serve_hyper(service).await;

    fn host<B>(mut request: Request<B>, addr: std::net::SocketAddr) -> Request<B> {
        let host = HeaderValue::from_str(&addr.to_string()).unwrap();
        request.headers_mut().insert(header::HOST, host);
        request
    }
    let stream = |delivery: &Delivery| {
        let frames: Vec<Result<http_body::Frame<Bytes>, Infallible>> = delivery
            .body
            .chunks(1000)
            .map(|c| Ok(http_body::Frame::data(Bytes::copy_from_slice(c))))
            .collect();
        let body = StreamBody::new(futures_util::stream::iter(frames));
        host(delivery.request().map(|_| body), addr)
    };

    let delivery = stripe(body());
    let (status, echoed) = hyper_send(addr, host(delivery.full(), addr)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(echoed, delivery.body);
    let (status, _) = hyper_send(addr, stream(&delivery)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(spy.seen()[1].body, delivery.body);

    let (status, _) = hyper_send(addr, host(delivery.tampered(&b"{}"[..]), addr)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let over = stripe(vec![b'w'; 8192]);
    let (status, _) = hyper_send(addr, host(over.full(), addr)).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    let (status, _) = hyper_send(addr, stream(&over)).await;
    assert_eq!(
        status,
        StatusCode::PAYLOAD_TOO_LARGE,
        "chunked, over the outer limit"
    );
    assert_eq!(spy.calls(), 2);
}

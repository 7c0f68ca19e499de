//! The axum applications compared by `benches/layer.rs` and `examples/loadgen.rs`: the same
//! route (`POST /hook`, answering the body's length) served bare, with the HMAC computed by
//! hand, behind webhook-guard, and behind each peer.
//!
//! Shared through `#[path]` so the benchmark and the load test measure the very same code.
#![allow(dead_code, unreachable_pub)]

use std::sync::Arc;
use std::time::SystemTime;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::error_handling::HandleErrorLayer;
use axum::extract::{FromRef, Request, State};
use axum::handler::Handler as _;
use axum::http::{HeaderMap, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum_standardwebhooks::{SharedWebhook, StandardWebhook};
use base64::Engine as _;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use tower::ServiceBuilder;
use webhook_guard::{Keyring, Secret, Signer, WebhookLayer, providers};

/// The GitHub secret (its documentation's example).
pub const SECRET: &str = "It's a Secret to Everybody";
/// The Standard Webhooks secret (the specification's example).
pub const WHSEC: &str = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD";
/// Body limit of every application: 1 MiB.
pub const LIMIT: usize = 1 << 20;
/// The buffering budget of [`App::WebhookGuardBudget`]: 64 MiB.
pub const BUDGET: usize = 64 << 20;
/// The route every application serves.
pub const PATH: &str = "/hook";

/// One way to receive the same webhook.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum App {
    /// `Bytes` handler, no verification: the ceiling.
    Bare,
    /// GitHub scheme, `HeaderMap` + `Bytes` handler computing the HMAC itself with a key
    /// schedule done once (the fastest hand-written receiver).
    HmacHandler,
    /// [`App::HmacHandler`] behind a middleware that does nothing (`from_fn` calling `next`):
    /// what any middleware costs in axum, the floor for a layer.
    HmacHandlerNoopLayer,
    /// GitHub scheme behind `WebhookLayer`, applied with `Router::route_layer`.
    WebhookGuard,
    /// The same, applied to the handler with `Handler::layer` (axum's per-handler middleware:
    /// one route instead of two).
    WebhookGuardHandlerLayer,
    /// GitHub scheme, the usual hand-written middleware: `from_fn` + `to_bytes` + `hmac`
    /// keyed per request.
    FromFn,
    /// GitHub scheme behind `webhook_verify::tower::VerifyLayer`.
    WebhookVerify,
    /// Standard Webhooks, handler computing the HMAC itself (key schedule done once).
    SwHmacHandler,
    /// Standard Webhooks behind `WebhookLayer`.
    SwWebhookGuard,
    /// Standard Webhooks through the `axum-standardwebhooks` extractor.
    SwAxumStandardWebhooks,
    /// Standard Webhooks behind `webhook_verify::tower::VerifyLayer`.
    SwWebhookVerify,
    /// Standard Webhooks, the usual hand-written middleware: `from_fn` + `to_bytes` + `hmac`
    /// keyed per request.
    SwFromFn,
    /// GitHub scheme behind `WebhookLayer` with `max_buffered_bytes(64 MiB)` (memory test).
    WebhookGuardBudget,
}

impl App {
    /// Every application, GitHub scheme first.
    pub const ALL: [App; 12] = [
        App::Bare,
        App::HmacHandler,
        App::HmacHandlerNoopLayer,
        App::WebhookGuard,
        App::WebhookGuardHandlerLayer,
        App::FromFn,
        App::WebhookVerify,
        App::SwHmacHandler,
        App::SwWebhookGuard,
        App::SwAxumStandardWebhooks,
        App::SwWebhookVerify,
        App::SwFromFn,
    ];

    /// A stable name for command lines and tables.
    pub fn name(self) -> &'static str {
        match self {
            App::Bare => "bare",
            App::HmacHandler => "hmac-handler",
            App::HmacHandlerNoopLayer => "hmac-handler+noop-layer",
            App::WebhookGuard => "webhook-guard",
            App::WebhookGuardHandlerLayer => "webhook-guard-handler-layer",
            App::FromFn => "from-fn-hmac",
            App::WebhookVerify => "webhook-verify",
            App::SwHmacHandler => "sw-hmac-handler",
            App::SwWebhookGuard => "sw-webhook-guard",
            App::SwAxumStandardWebhooks => "sw-axum-standardwebhooks",
            App::SwWebhookVerify => "sw-webhook-verify",
            App::SwFromFn => "sw-from-fn-hmac",
            App::WebhookGuardBudget => "webhook-guard-budget",
        }
    }

    /// The applications of the memory test: every GitHub one, webhook-guard with a buffering
    /// budget, and the extractor peer.
    pub const MEMORY: [App; 7] = [
        App::Bare,
        App::HmacHandler,
        App::WebhookGuard,
        App::WebhookGuardBudget,
        App::FromFn,
        App::WebhookVerify,
        App::SwAxumStandardWebhooks,
    ];

    /// The application named `name`.
    pub fn parse(name: &str) -> Option<App> {
        App::ALL
            .into_iter()
            .chain([App::WebhookGuardBudget])
            .find(|a| a.name() == name)
    }

    /// Whether the application verifies Standard Webhooks signatures (otherwise GitHub's).
    pub fn standard_webhooks(self) -> bool {
        matches!(
            self,
            App::SwHmacHandler
                | App::SwWebhookGuard
                | App::SwAxumStandardWebhooks
                | App::SwWebhookVerify
                | App::SwFromFn
        )
    }

    /// The router.
    pub fn router(self) -> Router {
        match self {
            App::Bare => Router::new().route(PATH, post(len)),
            App::HmacHandler => {
                let key = Arc::new(Hmac::<Sha256>::new_from_slice(SECRET.as_bytes()).unwrap());
                Router::new()
                    .route(PATH, post(github_handler))
                    .with_state(key)
            }
            App::HmacHandlerNoopLayer => {
                let key = Arc::new(Hmac::<Sha256>::new_from_slice(SECRET.as_bytes()).unwrap());
                Router::new()
                    .route(PATH, post(github_handler))
                    .route_layer(middleware::from_fn(noop))
                    .with_state(key)
            }
            App::WebhookGuard => Router::new().route(PATH, post(len)).route_layer(
                WebhookLayer::new(
                    providers::github(),
                    Keyring::from(Secret::new(SECRET).unwrap()),
                )
                .unwrap()
                .body_limit(LIMIT),
            ),
            App::WebhookGuardHandlerLayer => Router::new().route(
                PATH,
                post(
                    len.layer(
                        WebhookLayer::new(
                            providers::github(),
                            Keyring::from(Secret::new(SECRET).unwrap()),
                        )
                        .unwrap()
                        .body_limit(LIMIT),
                    ),
                ),
            ),
            App::WebhookGuardBudget => Router::new().route(PATH, post(len)).route_layer(
                WebhookLayer::new(
                    providers::github(),
                    Keyring::from(Secret::new(SECRET).unwrap()),
                )
                .unwrap()
                .body_limit(LIMIT)
                .max_buffered_bytes(BUDGET),
            ),
            App::FromFn => Router::new()
                .route(PATH, post(len))
                .route_layer(middleware::from_fn(github_middleware)),
            App::WebhookVerify => Router::new().route(PATH, post(len)).route_layer(
                ServiceBuilder::new()
                    .layer(HandleErrorLayer::new(|_| async { StatusCode::BAD_REQUEST }))
                    .layer(webhook_verify::tower::VerifyLayer::<Bytes>::new(
                        webhook_verify::Provider::GitHub,
                        webhook_verify::Secret::new(SECRET),
                    ))
                    .map_request(|r: Request<Bytes>| r.map(Body::from)),
            ),
            App::SwHmacHandler => {
                let key = Arc::new(Hmac::<Sha256>::new_from_slice(&whsec_key()).unwrap());
                Router::new().route(PATH, post(sw_handler)).with_state(key)
            }
            App::SwWebhookGuard => Router::new().route(PATH, post(len)).route_layer(
                WebhookLayer::new(
                    providers::standard_webhooks(),
                    Keyring::from(Secret::new(WHSEC).unwrap()),
                )
                .unwrap()
                .body_limit(LIMIT),
            ),
            App::SwAxumStandardWebhooks => Router::new()
                .route(PATH, post(sw_extractor))
                .with_state(SwState {
                    webhook: SharedWebhook::new(
                        axum_standardwebhooks::Webhook::new(WHSEC).unwrap(),
                    ),
                }),
            App::SwWebhookVerify => Router::new().route(PATH, post(len)).route_layer(
                ServiceBuilder::new()
                    .layer(HandleErrorLayer::new(|_| async { StatusCode::BAD_REQUEST }))
                    .layer(webhook_verify::tower::VerifyLayer::<Bytes>::new(
                        webhook_verify::Provider::StandardWebhooks,
                        webhook_verify::Secret::new(WHSEC),
                    ))
                    .map_request(|r: Request<Bytes>| r.map(Body::from)),
            ),
            App::SwFromFn => Router::new()
                .route(PATH, post(len))
                .route_layer(middleware::from_fn(sw_middleware)),
        }
        .layer(axum::extract::DefaultBodyLimit::max(LIMIT))
    }

    /// Headers signing `body` for this application's scheme, as of now.
    pub fn headers(self, body: &[u8]) -> HeaderMap {
        let now = SystemTime::now();
        if self.standard_webhooks() {
            signed(
                &Signer::new(providers::standard_webhooks(), Secret::new(WHSEC).unwrap()).unwrap(),
                body,
                now,
                Some("msg_2KWPBgLlAfxdpx2AI54pPJ85f4W"),
            )
        } else {
            signed(
                &Signer::new(providers::github(), Secret::new(SECRET).unwrap()).unwrap(),
                body,
                now,
                None,
            )
        }
    }
}

/// A JSON-like body of `len` bytes (valid UTF-8: `standardwebhooks` refuses anything else).
pub fn body(len: usize) -> Bytes {
    let pattern = br#"{"action":"opened","number":1347} "#;
    Bytes::from(
        (0..len)
            .map(|i| pattern[i % pattern.len()])
            .collect::<Vec<u8>>(),
    )
}

async fn len(body: Bytes) -> String {
    body.len().to_string()
}

fn whsec_key() -> Vec<u8> {
    base64::engine::general_purpose::STANDARD
        .decode(WHSEC.trim_start_matches("whsec_"))
        .unwrap()
}

/// GitHub's check done by hand: `X-Hub-Signature-256: sha256=<hex>`.
fn github_ok(mac: Hmac<Sha256>, headers: &HeaderMap) -> bool {
    let Some(hex) = headers
        .get("x-hub-signature-256")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("sha256="))
    else {
        return false;
    };
    let mut tag = [0u8; 32];
    hex::decode_to_slice(hex, &mut tag).is_ok() && mac.verify_slice(&tag).is_ok()
}

async fn github_handler(
    State(key): State<Arc<Hmac<Sha256>>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let mut mac = (*key).clone();
    mac.update(&body);
    if github_ok(mac, &headers) {
        body.len().to_string().into_response()
    } else {
        StatusCode::UNAUTHORIZED.into_response()
    }
}

async fn noop(request: Request, next: Next) -> Response {
    next.run(request).await
}

async fn github_middleware(request: Request, next: Next) -> Response {
    let (parts, body) = request.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, LIMIT).await else {
        return StatusCode::PAYLOAD_TOO_LARGE.into_response();
    };
    let mut mac = Hmac::<Sha256>::new_from_slice(SECRET.as_bytes()).unwrap();
    mac.update(&bytes);
    if !github_ok(mac, &parts.headers) {
        return StatusCode::UNAUTHORIZED.into_response();
    }
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

/// Standard Webhooks by hand: HMAC over `id.timestamp.body`, any `v1,<base64>` entry, the
/// timestamp within five minutes.
fn sw_ok(mut mac: Hmac<Sha256>, headers: &HeaderMap, body: &[u8]) -> bool {
    let get = |name| headers.get(name).and_then(|v| v.to_str().ok());
    let (Some(id), Some(ts), Some(sigs)) = (
        get("webhook-id"),
        get("webhook-timestamp"),
        get("webhook-signature"),
    ) else {
        return false;
    };
    let fresh = ts.parse::<u64>().is_ok_and(|t| {
        let now = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        t.abs_diff(now) <= 300
    });
    mac.update(id.as_bytes());
    mac.update(b".");
    mac.update(ts.as_bytes());
    mac.update(b".");
    mac.update(body);
    let expected = mac.finalize().into_bytes();
    let matched = sigs.split(' ').any(|entry| {
        let mut tag = [0u8; 33];
        entry
            .strip_prefix("v1,")
            .and_then(|b64| {
                base64::engine::general_purpose::STANDARD
                    .decode_slice(b64, &mut tag)
                    .ok()
            })
            .is_some_and(|n| {
                use subtle::ConstantTimeEq as _;
                n == 32 && bool::from(tag[..32].ct_eq(&expected))
            })
    });
    fresh && matched
}

async fn sw_handler(
    State(key): State<Arc<Hmac<Sha256>>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if sw_ok((*key).clone(), &headers, &body) {
        body.len().to_string().into_response()
    } else {
        StatusCode::UNAUTHORIZED.into_response()
    }
}

async fn sw_middleware(request: Request, next: Next) -> Response {
    let (parts, body) = request.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, LIMIT).await else {
        return StatusCode::PAYLOAD_TOO_LARGE.into_response();
    };
    // The secret decoded once; the HMAC keyed per request, as the usual middleware does.
    static KEY: std::sync::LazyLock<Vec<u8>> = std::sync::LazyLock::new(whsec_key);
    let mac = Hmac::<Sha256>::new_from_slice(&KEY).unwrap();
    if !sw_ok(mac, &parts.headers, &bytes) {
        return StatusCode::UNAUTHORIZED.into_response();
    }
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

#[derive(Clone)]
struct SwState {
    webhook: SharedWebhook,
}

impl FromRef<SwState> for SharedWebhook {
    fn from_ref(state: &SwState) -> Self {
        state.webhook.clone()
    }
}

async fn sw_extractor(StandardWebhook(body): StandardWebhook<Bytes>) -> String {
    body.len().to_string()
}

/// Makes sure every application accepts a genuine delivery and refuses a forged one.
pub async fn self_check() -> Result<(), String> {
    use tower::ServiceExt as _;
    for app in App::ALL.into_iter().chain([App::WebhookGuardBudget]) {
        let payload = body(1024);
        let headers = app.headers(&payload);
        let mut ok = Request::post(PATH)
            .body(Body::from(payload.clone()))
            .unwrap();
        ok.headers_mut().extend(headers.clone());
        let Ok(response) = app.router().oneshot(ok).await;
        if response.status() != StatusCode::OK {
            return Err(format!(
                "{}: genuine delivery got {}",
                app.name(),
                response.status()
            ));
        }
        if app == App::Bare {
            continue;
        }
        let mut forged = Request::post(PATH).body(Body::from(body(1025))).unwrap();
        forged.headers_mut().extend(headers);
        let Ok(response) = app.router().oneshot(forged).await;
        if response.status().is_success() {
            return Err(format!(
                "{}: forged delivery got {}",
                app.name(),
                response.status()
            ));
        }
    }
    Ok(())
}

/// The headers `signer` gives `body` at `at`, with delivery id `id` where the scheme signs one.
pub fn signed(signer: &Signer, body: &[u8], at: SystemTime, id: Option<&str>) -> http::HeaderMap {
    let mut request = http::Request::post("/webhooks")
        .body(body)
        .expect("request");
    if let (Some(name), Some(id)) = (signer.scheme().id_header(), id) {
        request
            .headers_mut()
            .insert(name.clone(), http::HeaderValue::from_str(id).expect("id"));
    }
    signer.sign(&mut request, at).expect("sign");
    request.headers().clone()
}

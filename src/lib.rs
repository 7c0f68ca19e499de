//! Verify webhook signatures in a Tower layer, over the exact raw bytes, before any extractor
//! touches the body.
//!
//! [`WebhookLayer`] reads the request body under a size limit and a deadline, recomputes the
//! provider's signature over the bytes exactly as received, compares it in constant time with
//! every signature in the request and every active secret, checks the timestamp window, and
//! only then calls your handler — with the **same bytes** as the body and a [`Verified`]
//! extension saying which provider, delivery and key it was. Anything else is answered 401
//! (413 for an oversized body) and your handler never runs.
//!
//! ```
//! use axum::{body::Body, routing::post, Router};
//! use http::{Request, StatusCode};
//! use std::time::SystemTime;
//! use tower::ServiceExt;
//! use webhook_guard::{providers, Keyring, Secret, Signer, Verified, WebhookLayer};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let secret = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD";
//! let guard = WebhookLayer::new(
//!     providers::standard_webhooks(),
//!     Keyring::from(Secret::new(secret)?),
//! )?;
//! let app = Router::new().route(
//!     "/webhooks",
//!     post(|v: Verified, body: String| async move {
//!         format!("{} {}", v.delivery_id().unwrap_or("-"), body)
//!     })
//!     .route_layer(guard),
//! );
//!
//! // A genuine delivery, signed as the sender would.
//! let signer = Signer::new(providers::standard_webhooks(), Secret::new(secret)?)?;
//! let body = r#"{"type":"invoice.paid"}"#;
//! let mut signed = Request::post("/webhooks").header("webhook-id", "msg_1").body(body)?;
//! signer.sign(&mut signed, SystemTime::now())?;
//! let (parts, _) = signed.into_parts();
//!
//! let genuine = Request::from_parts(parts.clone(), Body::from(body));
//! let response = app.clone().oneshot(genuine).await?;
//! assert_eq!(response.status(), StatusCode::OK);
//!
//! // The same headers with a tampered body.
//! let forged = Request::from_parts(parts, Body::from(r#"{"type":"invoice.void"}"#));
//! let response = app.oneshot(forged).await?;
//! assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
//! # Ok(())
//! # }
//! ```
//!
//! # Parts
//!
//! * [`Secret`] and [`Keyring`]: key material, redacted in `Debug`, zeroed on drop, several keys
//!   with expiry instants for rotation.
//! * [`Scheme`] and [`providers`]: how each provider signs, as data; [`Scheme::builder`] for any
//!   other sender.
//! * [`Verifier`]: the pure core, `verify(&request, now)`, usable without Tower.
//! * [`Signer`]: the headers a provider would send, for tests and senders.
//! * [`WebhookLayer`] / [`Webhook`]: the middleware; [`Outcome`] says why it answered a request
//!   itself.
//! * `metrics` (feature `metrics`): counters and histograms of what the layer decided, through
//!   the `metrics` facade.
//!
//! # Security considerations
//!
//! Put the layer before any layer that decompresses, parses or otherwise transforms the body,
//! next to the handler it protects (`post(handler).route_layer(layer)`; `docs/composing.md` in
//! the repository places every common tower-http layer), and keep the timestamp check on. A valid delivery can be replayed within the timestamp
//! window — and forever for schemes without a timestamp, such as GitHub's — so make handlers
//! idempotent. Behind a proxy that rewrites the URL, schemes that sign the URL need the public
//! URL configured. Rejections are logged at the `webhook_guard` tracing target with the reason
//! and never with secrets, signatures or bodies; response bodies never say why.
//! See `docs/security.md` in the repository for the threat model.
// Project-wide lints live in Cargo.toml's `[lints]`. These apply to the library alone (Cargo
// cannot scope lints to one target): no panicking shortcuts and no printing in code that reads
// attacker-controlled input.
#![warn(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::print_stdout,
    clippy::print_stderr
)]
#![cfg_attr(docsrs, feature(doc_cfg))]

mod body;
mod budget;
mod clock;
mod collect;
#[cfg(feature = "config")]
pub mod config;
mod crypto;
mod error;
#[cfg(feature = "axum")]
mod extract;
mod future;
pub mod keys;
mod layer;
#[cfg(feature = "metrics")]
pub mod metrics;
mod observe;
mod outcome;
pub mod providers;
mod rejection;
pub mod replay;
mod response;
mod scheme;
mod secret;
mod service;
mod settings;
mod sign;
mod trace;
mod unique;
mod verify;

pub use body::{ResponseBody, VerifiedBody};
pub use clock::Clock;
pub use error::ConfigError;
#[cfg(feature = "axum")]
pub use extract::MissingVerified;
pub use future::ResponseFuture;
pub use layer::{UnverifiedRequestsReachTheHandler, WebhookLayer};
pub use outcome::Outcome;
pub use rejection::{Rejection, RejectionKind};
pub use response::{DefaultResponder, Responder};
pub use scheme::{
    Algorithm, Answer, Encoding, KeyFormat, PublicUrl, Scheme, SchemeBuilder, SignatureFormat,
};
pub use secret::{Keyring, Secret};
pub use service::Webhook;
pub use sign::Signer;
pub use trace::TRACING_TARGET;
pub use verify::{Verified, Verifier};

/// The README's examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

/// docs/composing.md's recipes, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../docs/composing.md")]
struct ComposingDoctests;

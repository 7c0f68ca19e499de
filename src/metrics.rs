//! Metrics through the [`metrics`](https://docs.rs/metrics) facade (feature `metrics`): what
//! the layer decided for each delivery, why it refused one, what the replay guard found, and
//! how long stores, resolvers and key fetches took.
//!
//! The layer records to whatever recorder the application installed
//! (`metrics-exporter-prometheus`, StatsD, OpenTelemetry…); with none, recording does nothing.
//! Every series is labelled `provider` — the preset's name (`stripe`, `github`, …), or `custom`
//! for a scheme built with [`Scheme::builder`](crate::Scheme::builder), whose name is yours and
//! is never used as a label — and, only when you name it with
//! [`WebhookLayer::metrics_endpoint`](crate::WebhookLayer::metrics_endpoint), `endpoint`. No
//! label ever carries a secret, a signature, a delivery id, a tenant name or anything else taken
//! from a request: every label value is one of the fixed names below, so the number of series
//! is bounded by the number of layers.
//!
//! | name | type | labels (besides `provider`, `endpoint`) | moves when |
//! |---|---|---|---|
//! | [`DELIVERIES`] `webhook_guard_deliveries_total` | counter | `outcome` | a delivery leaves the layer: `verified`, `rejected` (4xx), `unavailable` (503), `duplicate`, `handshake`, `let_through` |
//! | [`REJECTIONS`] `webhook_guard_rejections_total` | counter | `reason` | a delivery is refused (or, in report-only mode, would have been): the [`Outcome::as_str`](crate::Outcome::as_str) name |
//! | [`REPLAY_CLAIMS`] `webhook_guard_replay_claims_total` | counter | `result` | the replay guard claimed a verified delivery: `new`, `duplicate`, `in_progress`, `store_error` |
//! | [`REPLAY_STORE_DURATION`] `webhook_guard_replay_store_duration_seconds` | histogram | `operation`, `result` | a store operation (`claim`, `complete`, `release`) ended: `ok`, `error`, `timeout` |
//! | [`KEY_RESOLVER_DURATION`] `webhook_guard_key_resolver_duration_seconds` | histogram | `result` | a tenant resolver was asked (not for cache hits): `found`, `not_found`, `error`, `timeout` |
//! | [`KEY_FETCH_DURATION`] `webhook_guard_key_fetch_duration_seconds` | histogram | `result` | a key fetch ended (not for cache hits): `ok`, `not_found`, `error`, `timeout` |
//! | [`BODY_SIZE`] `webhook_guard_body_size_bytes` | histogram | — | a body was read in full under the limits (before its signature is checked) |
//!
//! `docs/metrics.md` in the repository says exactly when each one moves, and what it does not
//! count.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use axum::{routing::{get, post}, Router};
//! use metrics_exporter_prometheus::{Matcher, PrometheusBuilder};
//! use webhook_guard::{metrics as wg, providers, Keyring, Secret, WebhookLayer};
//!
//! let recorder = PrometheusBuilder::new()
//!     .set_buckets_for_metric(Matcher::Prefix("webhook_guard_".into()), wg::DURATION_BUCKETS)?
//!     .set_buckets_for_metric(Matcher::Full(wg::BODY_SIZE.into()), wg::BODY_SIZE_BUCKETS)?
//!     .build_recorder();
//! let prometheus = recorder.handle();
//! metrics::set_global_recorder(recorder)?;
//! wg::describe();
//!
//! let app: Router = Router::new()
//!     .route("/webhooks/stripe", post(|| async { "ok" }))
//!     .route_layer(
//!         WebhookLayer::new(providers::stripe(), Keyring::from(Secret::new("whsec_x")?))?
//!             .metrics_endpoint("billing"),
//!     )
//!     .route("/metrics", get(move || async move { prometheus.render() }));
//! # Ok(())
//! # }
//! ```

use ::metrics::Unit;

/// Counter: deliveries by `provider` and `outcome` (`verified`, `rejected`, `unavailable`,
/// `duplicate`, `handshake`, `let_through`).
pub const DELIVERIES: &str = "webhook_guard_deliveries_total";
/// Counter: refused deliveries by `provider` and `reason` (an [`Outcome::as_str`] name such as
/// `signature_mismatch`, `timestamp_too_old`, `body_too_large`, `replay_store_unavailable`).
///
/// [`Outcome::as_str`]: crate::Outcome::as_str
pub const REJECTIONS: &str = "webhook_guard_rejections_total";
/// Counter: replay claims by `provider` and `result` (`new`, `duplicate`, `in_progress`,
/// `store_error`).
pub const REPLAY_CLAIMS: &str = "webhook_guard_replay_claims_total";
/// Histogram, seconds: replay-store operations by `provider`, `operation` (`claim`, `complete`,
/// `release`) and `result` (`ok`, `error`, `timeout`).
pub const REPLAY_STORE_DURATION: &str = "webhook_guard_replay_store_duration_seconds";
/// Histogram, seconds: tenant resolver lookups by `provider` and `result` (`found`,
/// `not_found`, `error`, `timeout`).
pub const KEY_RESOLVER_DURATION: &str = "webhook_guard_key_resolver_duration_seconds";
/// Histogram, seconds: key fetches by `provider` and `result` (`ok`, `not_found`, `error`,
/// `timeout`).
pub const KEY_FETCH_DURATION: &str = "webhook_guard_key_fetch_duration_seconds";
/// Histogram, bytes: sizes of the bodies read in full under the limits, by `provider`.
pub const BODY_SIZE: &str = "webhook_guard_body_size_bytes";

/// Every metric name, in the order of the table above.
pub const NAMES: [&str; 7] = [
    DELIVERIES,
    REJECTIONS,
    REPLAY_CLAIMS,
    REPLAY_STORE_DURATION,
    KEY_RESOLVER_DURATION,
    KEY_FETCH_DURATION,
    BODY_SIZE,
];

/// Histogram buckets (seconds) that fit the durations: from 100 µs (a Redis claim on the same
/// host) to 5 s (the default key-fetch deadline). Exporters' defaults start at 5 ms, where a
/// store answering in 80 µs and one answering in 4 ms look the same.
pub const DURATION_BUCKETS: &[f64] = &[
    0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
];

/// Histogram buckets (bytes) for [`BODY_SIZE`]: powers of four from 256 B to 64 MiB (the default
/// limit is 1 MiB, GitHub's 25 MiB).
pub const BODY_SIZE_BUCKETS: &[f64] = &[
    256.0,
    1024.0,
    4096.0,
    16384.0,
    65536.0,
    262_144.0,
    1_048_576.0,
    4_194_304.0,
    16_777_216.0,
    67_108_864.0,
];

/// Describes every metric (help text and unit) to the installed recorder. Call it once after
/// installing the recorder; recording works without it, exporters just have no help text.
pub fn describe() {
    ::metrics::describe_counter!(
        DELIVERIES,
        Unit::Count,
        "Webhook deliveries by provider and outcome: verified (passed to the handler), \
         rejected (4xx), unavailable (503), duplicate, handshake, let_through (report-only)."
    );
    ::metrics::describe_counter!(
        REJECTIONS,
        Unit::Count,
        "Refused webhook deliveries by provider and reason (counted also when report-only \
         mode lets them through)."
    );
    ::metrics::describe_counter!(
        REPLAY_CLAIMS,
        Unit::Count,
        "Replay-guard claims of verified deliveries by result: new, duplicate, in_progress, \
         store_error."
    );
    ::metrics::describe_histogram!(
        REPLAY_STORE_DURATION,
        Unit::Seconds,
        "Replay-store operations (claim, complete, release) by result: ok, error, timeout."
    );
    ::metrics::describe_histogram!(
        KEY_RESOLVER_DURATION,
        Unit::Seconds,
        "Tenant key-resolver lookups (cache misses) by result: found, not_found, error, timeout."
    );
    ::metrics::describe_histogram!(
        KEY_FETCH_DURATION,
        Unit::Seconds,
        "Fetches of provider keys (cache misses) by result: ok, not_found, error, timeout."
    );
    ::metrics::describe_histogram!(
        BODY_SIZE,
        Unit::Bytes,
        "Sizes of the webhook bodies read in full under the limits, before verification."
    );
}

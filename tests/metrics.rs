//! The metrics (feature `metrics`) move exactly when they should, and nothing else moves: each
//! test runs on a current-thread runtime under its own `DebuggingRecorder`, installed for that
//! thread only, and compares what was recorded between two snapshots (a snapshot drains the
//! counters and histograms) with the series it expects, label for label.
#![cfg(feature = "metrics")]

mod common;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use common::{Delivery, NOW, Spy, send};
use http::{Request, StatusCode, header};
use http_body_util::Full;
use metrics_util::debugging::{DebugValue, DebuggingRecorder, Snapshotter};
use tokio::sync::Semaphore;
use webhook_guard::keys::{ResolveError, StaticResolver, TenantKeys, TenantSelector};
use webhook_guard::replay::{
    Claim, MemoryStore, ReplayGuard, ReplayStore, StoreError, StoreFuture,
};
use webhook_guard::{
    Clock, Keyring, Outcome, Scheme, SignatureFormat, UnverifiedRequestsReachTheHandler,
    WebhookLayer, metrics as names, providers,
};

const SW_SECRET: &str = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD";

// ---------------------------------------------------------------------------------------------
// Harness

/// Runs `test` under a recorder of its own (on this thread: the runtime is current-thread, so
/// every task the layer spawns records there too).
fn with_metrics(paused: bool, test: impl AsyncFnOnce(Recorded)) {
    let recorder = DebuggingRecorder::new();
    let recorded = Recorded(recorder.snapshotter());
    let mut builder = tokio::runtime::Builder::new_current_thread();
    builder.enable_all();
    if paused {
        builder.start_paused(true);
    }
    let rt = builder.build().unwrap();
    metrics::with_local_recorder(&recorder, || rt.block_on(test(recorded)));
}

/// What moved since the last call: counters by how much, histograms by their observations.
struct Recorded(Snapshotter);

#[derive(Debug, Default, PartialEq)]
struct Moved {
    /// `name{label=value,…}` (labels as recorded) → increment.
    counters: BTreeMap<String, u64>,
    /// `name{label=value,…}` → observed values.
    histograms: BTreeMap<String, Vec<f64>>,
}

impl Moved {
    /// The series that moved, each with its count of increments or observations.
    fn counts(&self) -> BTreeMap<String, u64> {
        let mut all = self.counters.clone();
        for (series, values) in &self.histograms {
            all.insert(format!("{series} (histogram)"), values.len() as u64);
        }
        all
    }

    fn histogram(&self, series: &str) -> &[f64] {
        self.histograms
            .get(series)
            .unwrap_or_else(|| panic!("{series} did not move: {self:#?}"))
    }
}

impl Recorded {
    fn moved(&self) -> Moved {
        let mut moved = Moved::default();
        for (key, _, _, value) in self.0.snapshot().into_vec() {
            let (_, key) = key.into_parts();
            let labels: Vec<String> = key
                .labels()
                .map(|l| format!("{}={}", l.key(), l.value()))
                .collect();
            let series = format!("{}{{{}}}", key.name(), labels.join(","));
            match value {
                DebugValue::Counter(0) => {}
                DebugValue::Counter(n) => {
                    moved.counters.insert(series, n);
                }
                DebugValue::Histogram(values) if values.is_empty() => {}
                DebugValue::Histogram(values) => {
                    moved
                        .histograms
                        .insert(series, values.into_iter().map(|v| v.into_inner()).collect());
                }
                DebugValue::Gauge(_) => panic!("the crate records no gauge: {series}"),
            }
        }
        moved
    }
}

/// The expected series and counts, as `(series, count)` pairs.
fn expect(pairs: &[(&str, u64)]) -> BTreeMap<String, u64> {
    pairs.iter().map(|(s, n)| ((*s).to_owned(), *n)).collect()
}

fn sw_layer() -> WebhookLayer {
    WebhookLayer::new(
        providers::standard_webhooks(),
        Keyring::from(common::secret(SW_SECRET)),
    )
    .unwrap()
    .clock(Clock::manual_at_unix(NOW))
}

fn sw(id: &str) -> Delivery {
    Delivery::new(providers::standard_webhooks(), SW_SECRET).id(id)
}

// ---------------------------------------------------------------------------------------------
// Deliveries, rejections, body sizes

#[test]
fn a_genuine_delivery_counts_as_verified_with_its_body_size() {
    with_metrics(false, async |m| {
        let spy = Spy::new();
        let svc = spy.behind(&sw_layer());
        let delivery = sw("msg_genuine").body(vec![b'x'; 1000]);
        assert_eq!(send(&svc, delivery.full()).await.status, StatusCode::OK);
        let moved = m.moved();
        assert_eq!(
            moved.counts(),
            expect(&[
                (
                    "webhook_guard_deliveries_total{provider=standard-webhooks,outcome=verified}",
                    1
                ),
                (
                    "webhook_guard_body_size_bytes{provider=standard-webhooks} (histogram)",
                    1
                ),
            ])
        );
        assert_eq!(
            moved.histogram("webhook_guard_body_size_bytes{provider=standard-webhooks}"),
            [1000.0]
        );
        assert_eq!(spy.calls(), 1);
    });
}

#[test]
fn a_forged_delivery_counts_a_signature_mismatch_and_its_buffered_body() {
    with_metrics(false, async |m| {
        let spy = Spy::new();
        let svc = spy.behind(&sw_layer());
        let forged = sw("msg_forged").tampered(&b"{\"amount\":1000000}"[..]);
        assert_eq!(send(&svc, forged).await.status, StatusCode::UNAUTHORIZED);
        let moved = m.moved();
        assert_eq!(
            moved.counts(),
            expect(&[
                (
                    "webhook_guard_deliveries_total{provider=standard-webhooks,outcome=rejected}",
                    1
                ),
                (
                    "webhook_guard_rejections_total{provider=standard-webhooks,reason=signature_mismatch}",
                    1
                ),
                // Read in full before its signature could be checked.
                (
                    "webhook_guard_body_size_bytes{provider=standard-webhooks} (histogram)",
                    1
                ),
            ])
        );

        // No signature header at all: refused from the head, the body never read.
        let unsigned = Request::post("/webhooks")
            .body(Full::new(Bytes::from_static(b"{}")))
            .unwrap();
        assert_eq!(send(&svc, unsigned).await.status, StatusCode::UNAUTHORIZED);
        assert_eq!(
            m.moved().counts(),
            expect(&[
                (
                    "webhook_guard_deliveries_total{provider=standard-webhooks,outcome=rejected}",
                    1
                ),
                (
                    "webhook_guard_rejections_total{provider=standard-webhooks,reason=missing_header}",
                    1
                ),
            ])
        );

        // A stale one.
        let stale = sw("msg_stale").at(NOW - 3600);
        assert_eq!(
            send(&svc, stale.full()).await.status,
            StatusCode::UNAUTHORIZED
        );
        assert_eq!(
            m.moved().counters.keys().cloned().collect::<Vec<_>>(),
            [
                "webhook_guard_deliveries_total{provider=standard-webhooks,outcome=rejected}",
                "webhook_guard_rejections_total{provider=standard-webhooks,reason=timestamp_too_old}",
            ]
        );
        assert_eq!(spy.calls(), 0);
    });
}

#[test]
fn an_oversized_body_counts_body_too_large_and_no_body_size() {
    with_metrics(false, async |m| {
        let spy = Spy::new();
        let svc = spy.behind(&sw_layer().body_limit(1024));
        let big = sw("msg_big").body(vec![b'x'; 4096]);
        // Declared: refused after the head.
        let mut declared = big.full();
        declared
            .headers_mut()
            .insert(header::CONTENT_LENGTH, 4096.into());
        assert_eq!(
            send(&svc, declared).await.status,
            StatusCode::PAYLOAD_TOO_LARGE
        );
        // Not declared: refused while streaming, once past the limit.
        assert_eq!(
            send(&svc, big.full()).await.status,
            StatusCode::PAYLOAD_TOO_LARGE
        );
        assert_eq!(
            m.moved().counts(),
            expect(&[
                (
                    "webhook_guard_deliveries_total{provider=standard-webhooks,outcome=rejected}",
                    2
                ),
                (
                    "webhook_guard_rejections_total{provider=standard-webhooks,reason=body_too_large}",
                    2
                ),
            ])
        );
        assert_eq!(spy.calls(), 0);
    });
}

#[test]
fn report_only_counts_let_through_with_the_reason() {
    with_metrics(false, async |m| {
        let spy = Spy::new();
        let layer = sw_layer().report_only(UnverifiedRequestsReachTheHandler::i_understand());
        let svc = spy.behind(&layer);
        let forged = sw("msg_report").tampered(&b"{}"[..]);
        assert_eq!(send(&svc, forged).await.status, StatusCode::OK);
        assert_eq!(spy.calls(), 1);
        assert_eq!(
            m.moved().counts(),
            expect(&[
                (
                    "webhook_guard_deliveries_total{provider=standard-webhooks,outcome=let_through}",
                    1
                ),
                (
                    "webhook_guard_rejections_total{provider=standard-webhooks,reason=signature_mismatch}",
                    1
                ),
                (
                    "webhook_guard_body_size_bytes{provider=standard-webhooks} (histogram)",
                    1
                ),
            ])
        );
    });
}

#[test]
fn the_endpoint_label_is_added_only_when_named() {
    with_metrics(false, async |m| {
        let named = Spy::new().behind(&sw_layer().metrics_endpoint("billing"));
        let plain = Spy::new().behind(&sw_layer());
        assert_eq!(
            send(&named, sw("msg_1").full()).await.status,
            StatusCode::OK
        );
        assert_eq!(
            send(&plain, sw("msg_1").full()).await.status,
            StatusCode::OK
        );
        assert_eq!(
            m.moved().counters,
            expect(&[
                (
                    "webhook_guard_deliveries_total{provider=standard-webhooks,endpoint=billing,outcome=verified}",
                    1
                ),
                (
                    "webhook_guard_deliveries_total{provider=standard-webhooks,outcome=verified}",
                    1
                ),
            ])
        );
    });
}

#[test]
fn a_custom_scheme_is_labelled_custom_and_its_name_is_never_a_label() {
    let scheme = Scheme::builder("acme-corp-private")
        .signature_header("x-acme-signature", SignatureFormat::prefixed("sha256="))
        .signed_payload("{body}")
        .build()
        .unwrap();
    with_metrics(false, async |m| {
        let layer =
            WebhookLayer::new(scheme.clone(), Keyring::from(common::secret("s3cret"))).unwrap();
        let svc = Spy::new().behind(&layer);
        let genuine = Delivery::new(scheme.clone(), "s3cret");
        assert_eq!(send(&svc, genuine.full()).await.status, StatusCode::OK);
        assert_eq!(
            send(&svc, genuine.tampered(&b"forged"[..])).await.status,
            StatusCode::UNAUTHORIZED
        );
        let counts = m.moved().counts();
        assert_eq!(
            counts,
            expect(&[
                (
                    "webhook_guard_deliveries_total{provider=custom,outcome=verified}",
                    1
                ),
                (
                    "webhook_guard_deliveries_total{provider=custom,outcome=rejected}",
                    1
                ),
                (
                    "webhook_guard_rejections_total{provider=custom,reason=signature_mismatch}",
                    1
                ),
                (
                    "webhook_guard_body_size_bytes{provider=custom} (histogram)",
                    2
                ),
            ])
        );
        for series in counts.keys() {
            assert!(
                !series.contains("acme") && !series.contains("s3cret"),
                "{series}"
            );
        }
    });
}

#[test]
fn a_handshake_counts_as_handshake() {
    with_metrics(false, async |m| {
        let spy = Spy::new();
        let layer = WebhookLayer::new(
            providers::zoom().answer_handshakes(),
            Keyring::from(common::secret("zoom-secret-token")),
        )
        .unwrap()
        .clock(Clock::manual_at_unix(NOW));
        let body = r#"{"event":"endpoint.url_validation","payload":{"plainToken":"qgg8vlvZRS6UYooatFL8Aw"},"event_ts":1654503849680}"#;
        let challenge = Delivery::new(providers::zoom(), "zoom-secret-token").body(body);
        let svc = spy.behind(&layer);
        let sent = send(&svc, challenge.full()).await;
        assert_eq!(sent.status, StatusCode::OK);
        assert_eq!(sent.outcome, Some(Outcome::Answered));
        assert_eq!(spy.calls(), 0);
        assert_eq!(
            m.moved().counts(),
            expect(&[
                (
                    "webhook_guard_deliveries_total{provider=zoom,outcome=handshake}",
                    1
                ),
                (
                    "webhook_guard_body_size_bytes{provider=zoom} (histogram)",
                    1
                ),
            ])
        );
    });
}

// ---------------------------------------------------------------------------------------------
// The replay guard

fn sw_guarded(guard: ReplayGuard) -> WebhookLayer {
    sw_layer().replay_guard(guard)
}

#[test]
fn a_replayed_delivery_counts_a_duplicate_claim_and_the_store_calls() {
    with_metrics(false, async |m| {
        let spy = Spy::new();
        let svc = spy.behind(&sw_guarded(ReplayGuard::new(MemoryStore::new())));
        let delivery = sw("msg_replayed");
        assert_eq!(send(&svc, delivery.full()).await.status, StatusCode::OK);
        let first = m.moved();
        assert_eq!(
            first.counts(),
            expect(&[
                (
                    "webhook_guard_deliveries_total{provider=standard-webhooks,outcome=verified}",
                    1
                ),
                (
                    "webhook_guard_replay_claims_total{provider=standard-webhooks,result=new}",
                    1
                ),
                (
                    "webhook_guard_replay_store_duration_seconds{provider=standard-webhooks,operation=claim,result=ok} (histogram)",
                    1
                ),
                (
                    "webhook_guard_replay_store_duration_seconds{provider=standard-webhooks,operation=complete,result=ok} (histogram)",
                    1
                ),
                (
                    "webhook_guard_body_size_bytes{provider=standard-webhooks} (histogram)",
                    1
                ),
            ])
        );
        let claim = first.histogram(
            "webhook_guard_replay_store_duration_seconds{provider=standard-webhooks,operation=claim,result=ok}",
        )[0];
        assert!((0.0..1.0).contains(&claim), "{claim}");

        // The same delivery again: the guard answers, the handler does not run.
        assert_eq!(send(&svc, delivery.full()).await.status, StatusCode::OK);
        assert_eq!(
            m.moved().counts(),
            expect(&[
                (
                    "webhook_guard_deliveries_total{provider=standard-webhooks,outcome=duplicate}",
                    1
                ),
                (
                    "webhook_guard_replay_claims_total{provider=standard-webhooks,result=duplicate}",
                    1
                ),
                (
                    "webhook_guard_replay_store_duration_seconds{provider=standard-webhooks,operation=claim,result=ok} (histogram)",
                    1
                ),
                (
                    "webhook_guard_body_size_bytes{provider=standard-webhooks} (histogram)",
                    1
                ),
            ])
        );
        assert_eq!(spy.calls(), 1);

        // A forged copy never claims.
        assert_eq!(
            send(&svc, delivery.tampered(&b"{}"[..])).await.status,
            StatusCode::UNAUTHORIZED
        );
        assert!(
            !m.moved().counts().keys().any(|s| s.contains("replay")),
            "a forged request claims nothing"
        );
    });
}

#[test]
fn a_copy_in_progress_counts_in_progress_and_a_failed_handler_a_release() {
    with_metrics(false, async |m| {
        let gate = Arc::new(Semaphore::new(0));
        let spy = Spy::gated(gate.clone());
        spy.answer_with(500);
        let svc = spy.behind(&sw_guarded(ReplayGuard::new(MemoryStore::new())));
        let delivery = sw("msg_in_progress");
        let first = tokio::spawn({
            let (svc, request) = (svc.clone(), delivery.full());
            async move { send(&svc, request).await.status }
        });
        while spy.calls() == 0 {
            tokio::task::yield_now().await;
        }
        assert_eq!(
            send(&svc, delivery.full()).await.status,
            StatusCode::CONFLICT
        );
        gate.add_permits(1);
        assert_eq!(first.await.unwrap(), StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(
            m.moved().counts(),
            expect(&[
                (
                    "webhook_guard_deliveries_total{provider=standard-webhooks,outcome=verified}",
                    1
                ),
                (
                    "webhook_guard_deliveries_total{provider=standard-webhooks,outcome=duplicate}",
                    1
                ),
                (
                    "webhook_guard_replay_claims_total{provider=standard-webhooks,result=new}",
                    1
                ),
                (
                    "webhook_guard_replay_claims_total{provider=standard-webhooks,result=in_progress}",
                    1
                ),
                (
                    "webhook_guard_replay_store_duration_seconds{provider=standard-webhooks,operation=claim,result=ok} (histogram)",
                    2
                ),
                // The handler answered 500: the claim is released for the provider's retry.
                (
                    "webhook_guard_replay_store_duration_seconds{provider=standard-webhooks,operation=release,result=ok} (histogram)",
                    1
                ),
                (
                    "webhook_guard_body_size_bytes{provider=standard-webhooks} (histogram)",
                    2
                ),
            ])
        );
    });
}

/// A store that always fails, or never answers.
struct Down {
    hang: bool,
}

impl ReplayStore for Down {
    fn claim<'a>(
        &'a self,
        _: &'a str,
        _: &'a str,
        _: Duration,
        _: SystemTime,
    ) -> StoreFuture<'a, Claim> {
        let hang = self.hang;
        Box::pin(async move {
            if hang {
                std::future::pending::<()>().await;
            }
            Err(StoreError::new("connection refused"))
        })
    }

    fn complete<'a>(
        &'a self,
        _: &'a str,
        _: &'a str,
        _: Duration,
        _: SystemTime,
    ) -> StoreFuture<'a, ()> {
        Box::pin(async { Err(StoreError::new("connection refused")) })
    }

    fn release<'a>(&'a self, _: &'a str, _: &'a str, _: SystemTime) -> StoreFuture<'a, ()> {
        Box::pin(async { Err(StoreError::new("connection refused")) })
    }
}

#[test]
fn a_store_that_is_down_counts_store_errors_and_unavailable() {
    with_metrics(false, async |m| {
        let spy = Spy::new();
        let svc = spy.behind(&sw_guarded(ReplayGuard::new(Down { hang: false })));
        let sent = send(&svc, sw("msg_down").full()).await;
        assert_eq!(sent.status, StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(
            m.moved().counts(),
            expect(&[
                (
                    "webhook_guard_deliveries_total{provider=standard-webhooks,outcome=unavailable}",
                    1
                ),
                (
                    "webhook_guard_rejections_total{provider=standard-webhooks,reason=replay_store_unavailable}",
                    1
                ),
                (
                    "webhook_guard_replay_claims_total{provider=standard-webhooks,result=store_error}",
                    1
                ),
                (
                    "webhook_guard_replay_store_duration_seconds{provider=standard-webhooks,operation=claim,result=error} (histogram)",
                    1
                ),
                (
                    "webhook_guard_body_size_bytes{provider=standard-webhooks} (histogram)",
                    1
                ),
            ])
        );
        assert_eq!(spy.calls(), 0);
    });
}

#[test]
fn a_store_that_never_answers_counts_a_timeout() {
    with_metrics(true, async |m| {
        let guard = ReplayGuard::new(Down { hang: true }).store_timeout(Duration::from_millis(50));
        let svc = Spy::new().behind(&sw_guarded(guard));
        let sent = send(&svc, sw("msg_slow").full()).await;
        assert_eq!(sent.status, StatusCode::SERVICE_UNAVAILABLE);
        let moved = m.moved();
        let series = "webhook_guard_replay_store_duration_seconds{provider=standard-webhooks,operation=claim,result=timeout}";
        let waited = moved.histogram(series)[0];
        assert!((0.05..0.06).contains(&waited), "{waited}");
        assert_eq!(
            moved.counters["webhook_guard_replay_claims_total{provider=standard-webhooks,result=store_error}"],
            1
        );
        assert_eq!(
            moved.counters["webhook_guard_deliveries_total{provider=standard-webhooks,outcome=unavailable}"],
            1
        );
    });
}

#[test]
fn failing_open_counts_the_store_error_and_a_verified_delivery() {
    with_metrics(false, async |m| {
        let spy = Spy::new();
        let svc = spy.behind(&sw_guarded(
            ReplayGuard::new(Down { hang: false }).fail_open(),
        ));
        assert_eq!(
            send(&svc, sw("msg_open").full()).await.status,
            StatusCode::OK
        );
        assert_eq!(spy.calls(), 1);
        let counters = m.moved().counters;
        assert_eq!(
            counters,
            expect(&[
                (
                    "webhook_guard_deliveries_total{provider=standard-webhooks,outcome=verified}",
                    1
                ),
                (
                    "webhook_guard_replay_claims_total{provider=standard-webhooks,result=store_error}",
                    1
                ),
            ])
        );
    });
}

/// A real `RedisStore` pointed at a port nothing listens on.
#[cfg(feature = "redis")]
#[test]
fn a_redis_store_that_is_down_counts_store_errors() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    with_metrics(false, async move |m| {
        let store =
            webhook_guard::replay::RedisStore::open(&format!("redis://127.0.0.1:{port}/")).unwrap();
        // Long enough for the connection attempts to fail rather than time out.
        let guard = ReplayGuard::new(store).store_timeout(Duration::from_secs(10));
        let spy = Spy::new();
        let svc = spy.behind(&sw_guarded(guard));
        let sent = send(&svc, sw("msg_redis_down").full()).await;
        assert_eq!(sent.status, StatusCode::SERVICE_UNAVAILABLE);
        let counts = m.moved().counts();
        assert_eq!(
            counts.get("webhook_guard_replay_store_duration_seconds{provider=standard-webhooks,operation=claim,result=error} (histogram)"),
            Some(&1),
            "{counts:#?}"
        );
        assert_eq!(
            counts.get(
                "webhook_guard_replay_claims_total{provider=standard-webhooks,result=store_error}"
            ),
            Some(&1)
        );
        assert_eq!(spy.calls(), 0);
    });
}

// ---------------------------------------------------------------------------------------------
// Tenant resolvers

fn tenant_layer(resolver: impl webhook_guard::keys::KeyResolver) -> WebhookLayer {
    WebhookLayer::with_resolver(
        providers::standard_webhooks(),
        TenantSelector::path_segment(1),
        resolver,
    )
    .unwrap()
    .clock(Clock::manual_at_unix(NOW))
}

#[test]
fn a_resolver_that_times_out_counts_a_timeout_and_unavailable() {
    with_metrics(true, async |m| {
        let hangs = |_tenant: String| async move {
            std::future::pending::<Result<Option<TenantKeys>, ResolveError>>().await
        };
        let spy = Spy::new();
        let layer = tenant_layer(hangs).resolver_timeout(Duration::from_millis(200));
        let svc = spy.behind(&layer);
        let sent = send(&svc, sw("msg_slow").uri("/webhooks/acme").full()).await;
        assert_eq!(sent.status, StatusCode::SERVICE_UNAVAILABLE);
        let moved = m.moved();
        assert_eq!(
            moved.counts(),
            expect(&[
                (
                    "webhook_guard_deliveries_total{provider=standard-webhooks,outcome=unavailable}",
                    1
                ),
                (
                    "webhook_guard_rejections_total{provider=standard-webhooks,reason=key_lookup_failed}",
                    1
                ),
                (
                    "webhook_guard_key_resolver_duration_seconds{provider=standard-webhooks,result=timeout} (histogram)",
                    1
                ),
            ])
        );
        let waited = moved.histogram(
            "webhook_guard_key_resolver_duration_seconds{provider=standard-webhooks,result=timeout}",
        )[0];
        assert!((0.2..0.21).contains(&waited), "{waited}");
        assert_eq!(spy.calls(), 0);
    });
}

#[test]
fn resolver_lookups_are_timed_by_result_and_cache_hits_are_not() {
    with_metrics(false, async |m| {
        let tenants =
            StaticResolver::new().tenant("acme", Keyring::from(common::secret(SW_SECRET)));
        let svc = Spy::new().behind(&tenant_layer(tenants));
        let to = |tenant: &str, id: &str| sw(id).uri(&format!("/webhooks/{tenant}")).full();
        assert_eq!(send(&svc, to("acme", "msg_a")).await.status, StatusCode::OK);
        assert_eq!(send(&svc, to("acme", "msg_b")).await.status, StatusCode::OK);
        assert_eq!(
            send(&svc, to("nobody", "msg_c")).await.status,
            StatusCode::UNAUTHORIZED
        );
        assert_eq!(
            m.moved().counts(),
            expect(&[
                (
                    "webhook_guard_deliveries_total{provider=standard-webhooks,outcome=verified}",
                    2
                ),
                (
                    "webhook_guard_deliveries_total{provider=standard-webhooks,outcome=rejected}",
                    1
                ),
                (
                    "webhook_guard_rejections_total{provider=standard-webhooks,reason=unknown_tenant}",
                    1
                ),
                // Asked once for acme (the second delivery was a cache hit), once for nobody.
                (
                    "webhook_guard_key_resolver_duration_seconds{provider=standard-webhooks,result=found} (histogram)",
                    1
                ),
                (
                    "webhook_guard_key_resolver_duration_seconds{provider=standard-webhooks,result=not_found} (histogram)",
                    1
                ),
                (
                    "webhook_guard_body_size_bytes{provider=standard-webhooks} (histogram)",
                    2
                ),
            ])
        );

        let failing = |_tenant: String| async move {
            Err::<Option<TenantKeys>, _>(ResolveError::new("db down"))
        };
        let svc = Spy::new().behind(&tenant_layer(failing));
        assert_eq!(
            send(&svc, to("acme", "msg_d")).await.status,
            StatusCode::SERVICE_UNAVAILABLE
        );
        let counts = m.moved().counts();
        assert_eq!(
            counts.get("webhook_guard_key_resolver_duration_seconds{provider=standard-webhooks,result=error} (histogram)"),
            Some(&1),
            "{counts:#?}"
        );
        assert_eq!(
            counts.get("webhook_guard_rejections_total{provider=standard-webhooks,reason=key_lookup_failed}"),
            Some(&1)
        );
    });
}

// ---------------------------------------------------------------------------------------------
// Key fetches

#[cfg(feature = "rsa")]
mod vectors_support;

#[cfg(feature = "rsa")]
#[test]
fn key_fetches_are_timed_once_per_location_by_result() {
    use webhook_guard::keys::{FetchError, KeyLocation};

    let c = vectors_support::case("aws-sns", "notification_sigv1_sha1");
    let (headers, _) = vectors_support::request_parts(&c);
    let request = || {
        let mut r = Request::post("/webhooks")
            .body(Full::new(Bytes::from(c.body.clone())))
            .unwrap();
        *r.headers_mut() = headers.clone();
        r
    };
    let pem = c.certificate.clone().unwrap();
    with_metrics(false, async |m| {
        let serving = move |_: KeyLocation| {
            let pem = pem.clone();
            async move { Ok::<_, FetchError>(pem.into_bytes()) }
        };
        let layer = WebhookLayer::with_key_fetcher(providers::aws_sns(), serving)
            .unwrap()
            .clock(Clock::manual_at_unix(c.now));
        let svc = Spy::new().behind(&layer);
        assert_eq!(send(&svc, request()).await.status, StatusCode::OK);
        assert_eq!(send(&svc, request()).await.status, StatusCode::OK);
        assert_eq!(
            m.moved().counts(),
            expect(&[
                (
                    "webhook_guard_deliveries_total{provider=aws-sns,outcome=verified}",
                    2
                ),
                // Fetched for the first delivery, cached for the second.
                (
                    "webhook_guard_key_fetch_duration_seconds{provider=aws-sns,result=ok} (histogram)",
                    1
                ),
                (
                    "webhook_guard_body_size_bytes{provider=aws-sns} (histogram)",
                    2
                ),
            ])
        );

        let failing = |_: KeyLocation| async { Err::<Vec<u8>, _>(FetchError::new("unreachable")) };
        let layer = WebhookLayer::with_key_fetcher(providers::aws_sns(), failing)
            .unwrap()
            .clock(Clock::manual_at_unix(c.now));
        let svc = Spy::new().behind(&layer);
        assert_eq!(
            send(&svc, request()).await.status,
            StatusCode::SERVICE_UNAVAILABLE
        );
        let counts = m.moved().counts();
        assert_eq!(
            counts,
            expect(&[
                (
                    "webhook_guard_deliveries_total{provider=aws-sns,outcome=unavailable}",
                    1
                ),
                (
                    "webhook_guard_rejections_total{provider=aws-sns,reason=key_fetch_failed}",
                    1
                ),
                (
                    "webhook_guard_key_fetch_duration_seconds{provider=aws-sns,result=error} (histogram)",
                    1
                ),
                (
                    "webhook_guard_body_size_bytes{provider=aws-sns} (histogram)",
                    1
                ),
            ])
        );
    });
}

// ---------------------------------------------------------------------------------------------
// Names

#[test]
fn every_name_has_the_prefix_and_its_unit_or_total() {
    for name in names::NAMES {
        assert!(name.starts_with("webhook_guard_"), "{name}");
        assert!(
            name.ends_with("_total") || name.ends_with("_seconds") || name.ends_with("_bytes"),
            "{name}"
        );
    }
    let doc =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/metrics.md")).unwrap();
    for name in names::NAMES {
        assert!(
            doc.contains(&format!("`{name}`")),
            "{name} is not in docs/metrics.md"
        );
    }
}

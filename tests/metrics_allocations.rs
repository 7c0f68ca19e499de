//! Recording metrics allocates nothing per request (feature `metrics`; this file is its own
//! test binary, with a counting global allocator): a request through the layer allocates
//! exactly as many times, and as many bytes, with a recorder installed as with none — on the
//! path decided without waiting and on the replay-guard path (claim, spawned handler,
//! completion, three store timings). The recorder used here allocates nothing itself, and
//! counts what it is given, so the test also sees that the metrics were recorded.
//!
//! As in `tests/allocations.rs`, each region is measured three times and the fewest count is
//! kept: the counter is process-wide, and the test harness's own thread allocates now and then.
#![cfg(feature = "metrics")]

mod common;

use std::alloc::System;
use std::convert::Infallible;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use http::{Request, Response, StatusCode};
use http_body_util::Full;
use metrics::{
    Counter, CounterFn, Gauge, Histogram, HistogramFn, Key, KeyName, Metadata, Recorder,
    SharedString, Unit,
};
use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};
use tower::{Layer, ServiceExt, service_fn};
use webhook_guard::replay::{Claim, ReplayGuard, ReplayStore, StoreFuture};
use webhook_guard::{Clock, Keyring, VerifiedBody, WebhookLayer, providers};

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

const SECRET: &str = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD";

/// Hands out one shared counter and one shared histogram for every key: no allocation.
#[derive(Default)]
struct Tally {
    increments: Arc<Total>,
    observations: Arc<Total>,
}

#[derive(Default)]
struct Total(AtomicU64);

impl CounterFn for Total {
    fn increment(&self, value: u64) {
        self.0.fetch_add(value, Ordering::SeqCst);
    }
    fn absolute(&self, _: u64) {}
}

impl HistogramFn for Total {
    fn record(&self, _: f64) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

impl Tally {
    fn seen(&self) -> (u64, u64) {
        (
            self.increments.0.load(Ordering::SeqCst),
            self.observations.0.load(Ordering::SeqCst),
        )
    }
}

impl Recorder for Tally {
    fn describe_counter(&self, _: KeyName, _: Option<Unit>, _: SharedString) {}
    fn describe_gauge(&self, _: KeyName, _: Option<Unit>, _: SharedString) {}
    fn describe_histogram(&self, _: KeyName, _: Option<Unit>, _: SharedString) {}
    fn register_counter(&self, key: &Key, _: &Metadata<'_>) -> Counter {
        assert!(key.name().starts_with("webhook_guard_"), "{}", key.name());
        Counter::from_arc(self.increments.clone())
    }
    fn register_gauge(&self, _: &Key, _: &Metadata<'_>) -> Gauge {
        Gauge::noop()
    }
    fn register_histogram(&self, key: &Key, _: &Metadata<'_>) -> Histogram {
        assert!(key.name().starts_with("webhook_guard_"), "{}", key.name());
        Histogram::from_arc(self.observations.clone())
    }
}

/// A store that claims every key and settles every claim, allocating nothing of its own
/// beyond its boxed futures (the same with and without a recorder).
struct AlwaysNew;

impl ReplayStore for AlwaysNew {
    fn claim<'a>(
        &'a self,
        _: &'a str,
        _: &'a str,
        _: Duration,
        _: SystemTime,
    ) -> StoreFuture<'a, Claim> {
        Box::pin(async { Ok(Claim::Claimed) })
    }
    fn complete<'a>(
        &'a self,
        _: &'a str,
        _: &'a str,
        _: Duration,
        _: SystemTime,
    ) -> StoreFuture<'a, ()> {
        Box::pin(async { Ok(()) })
    }
    fn release<'a>(&'a self, _: &'a str, _: &'a str, _: SystemTime) -> StoreFuture<'a, ()> {
        Box::pin(async { Ok(()) })
    }
}

/// Allocations (and reallocations) `f` makes, and the bytes they asked for.
fn count<R>(f: impl FnOnce() -> R) -> ((usize, usize), R) {
    let region = Region::new(GLOBAL);
    let out = f();
    let change = region.change();
    (
        (
            change.allocations + change.reallocations,
            change.bytes_allocated + change.bytes_reallocated.max(0).unsigned_abs(),
        ),
        out,
    )
}

fn fewest(mut measure: impl FnMut() -> (usize, usize)) -> (usize, usize) {
    (0..3)
        .map(|_| measure())
        .min()
        .unwrap_or((usize::MAX, usize::MAX))
}

#[test]
fn recording_metrics_allocates_nothing_per_request() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let plain = WebhookLayer::new(
        providers::standard_webhooks(),
        Keyring::from(common::secret(SECRET)),
    )
    .unwrap()
    .clock(Clock::manual_at_unix(common::NOW));
    let guarded = plain.clone().replay_guard(ReplayGuard::new(AlwaysNew));
    let named = plain.clone().metrics_endpoint(String::from("billing"));
    let echo = service_fn(|req: Request<VerifiedBody>| async move {
        let len = req.into_body().into_bytes().len();
        Ok::<_, Infallible>(Response::new(Full::new(Bytes::from(len.to_string()))))
    });
    let mut ids = 0u32;
    let mut request = || {
        ids += 1;
        common::Delivery::new(providers::standard_webhooks(), SECRET)
            .id(&format!("msg_{ids}"))
            .body(vec![b'x'; 1024])
            .full()
    };

    let tally = Tally::default();
    // (name, layer, (counter increments, histogram observations) per request, most
    // allocations per request). A Standard Webhooks delivery through the layer makes 5 without
    // the feature (`tests/allocations.rs`: the boxed request body, the extensions map's box,
    // table and `Verified` entry, the delivery id): recording adds none of its own, so one more
    // allocation per emission would show here whatever the recorder does.
    for (name, layer, per_request, most) in [
        // deliveries + body size
        ("plain", &plain, (1, 1), Some(5)),
        ("endpoint label", &named, (1, 1), Some(5)),
        // + the claim; store timings of the claim and the completion
        ("replay guard", &guarded, (2, 3), None),
    ] {
        let svc = layer.layer(echo);
        let mut one = |recorded: bool| {
            let (req, svc) = (request(), svc.clone());
            // The handler's task completes the claim before the response is ready.
            let send = || {
                let response = rt.block_on(svc.oneshot(req)).unwrap();
                let status = response.status();
                drop(response);
                status
            };
            let (counted, status) = if recorded {
                metrics::with_local_recorder(&tally, || count(send))
            } else {
                count(send)
            };
            assert_eq!(status, StatusCode::OK, "{name}");
            counted
        };
        // Warm up both ways: each series' key is built on its first use.
        one(false);
        one(true);
        let without = fewest(|| one(false));
        let before = tally.seen();
        let with = fewest(|| one(true));
        let after = tally.seen();
        eprintln!("{name}: {with:?} with a recorder, {without:?} without");
        assert_eq!(
            with, without,
            "{name}: allocations (count, bytes) of a request with a recorder vs without"
        );
        if let Some(most) = most {
            assert!(
                with.0 <= most,
                "{name}: {} allocations per request, more than the {most} a request makes \
                 without the metrics feature (tests/allocations.rs)",
                with.0
            );
        }
        assert_eq!(
            (after.0 - before.0, after.1 - before.1),
            (3 * per_request.0, 3 * per_request.1),
            "{name}: what the recorder was given in three requests"
        );
    }
}

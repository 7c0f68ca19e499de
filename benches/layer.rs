//! The middleware through `tower::ServiceExt::oneshot` on an axum `Router`: bare `Bytes`
//! handler, HMAC computed in the handler, webhook-guard, the usual `from_fn` middleware and the
//! peers, for 1 KiB, 64 KiB and 1 MiB bodies arriving in one chunk.
//!
//! `cargo bench --bench layer`. No network: this isolates the per-request cost of each stack;
//! `examples/loadgen.rs` measures the same applications through a real server.

use std::time::Duration;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use tower::ServiceExt as _;

#[path = "apps/mod.rs"]
mod apps;

use apps::{App, PATH};

fn layer(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(apps::self_check())
        .expect("every application verifies");
    for len in [1usize << 10, 64 << 10, 1 << 20] {
        let mut group = c.benchmark_group(format!("layer/{}KiB", len >> 10));
        group.warm_up_time(Duration::from_millis(300));
        group.measurement_time(Duration::from_secs(1));
        group.sample_size(20);
        group.throughput(Throughput::Bytes(len as u64));
        let payload = apps::body(len);
        for app in App::ALL {
            let router = app.router();
            let headers = app.headers(&payload);
            group.bench_function(BenchmarkId::from_parameter(app.name()), |b| {
                b.iter(|| {
                    let mut request = Request::post(PATH)
                        .body(Body::from(payload.clone()))
                        .expect("request");
                    *request.headers_mut() = headers.clone();
                    let response = rt
                        .block_on(router.clone().oneshot(request))
                        .expect("infallible");
                    assert_eq!(response.status(), StatusCode::OK);
                });
            });
        }
        group.finish();
    }
}

criterion_group!(benches, layer);
criterion_main!(benches);

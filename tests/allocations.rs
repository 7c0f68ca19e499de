//! Allocation counts on the verify path, with a counting global allocator (this file is its own
//! test binary). Counts, unlike times, are exact and stable, so this test asserts them:
//!
//! * `Verifier::verify` allocates the same number of times for a 1 KiB and a 1 MiB body, and at
//!   most [`CORE_MAX`] times (GitHub: none; Standard Webhooks: the delivery id kept in
//!   `Verified`);
//! * the layer, driven with `oneshot` over a body that arrives in one chunk (forwarded without a
//!   copy), allocates the same number of times for both sizes, at most [`LAYER_MAX`];
//! * a body in two chunks costs exactly one allocation more: the buffer they are gathered in.
//!
//! Everything runs in one `#[test]` on a current-thread runtime. The counter is process-wide,
//! and the test harness's own thread allocates now and then, so each region is measured three
//! times and the fewest count is kept.

mod common;
use common::SignExt as _;

use std::alloc::System;
use std::convert::Infallible;
use std::time::SystemTime;

use bytes::Bytes;
use http::{HeaderMap, Request, Response, StatusCode, Uri};
use http_body_util::{Full, StreamBody};
use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};
use tower::{Layer, ServiceExt, service_fn};
use webhook_guard::{
    Keyring, Scheme, Secret, Signer, VerifiedBody, Verifier, WebhookLayer, providers,
};

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

/// Most allocations `Verifier::verify` may make, whatever the body size.
const CORE_MAX: usize = 1;
/// Most allocations one request through the layer may make (single-chunk body), whatever the
/// body size: the request body, boxed so that the frames already there can be taken when the
/// service is called (1); `http::Extensions` for the `Verified` entry (3: the map's box, its
/// table and the entry — behind axum's router the map already exists and only the entry is
/// new); the delivery id, for schemes that have one (1). The response future is not boxed: a
/// delivery whose body has arrived is decided in `call`. (A body limit above axum's 2 MB
/// default adds the entry that hands it to axum's extractors; these presets' limits do not.)
const LAYER_MAX: usize = 5;
/// Most bytes those allocations may take together. A boxed future for the whole exchange
/// (about 1.7 KiB) would exceed it.
const LAYER_MAX_BYTES: usize = 512;

const GITHUB_SECRET: &str = "It's a Secret to Everybody";
const WHSEC: &str = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD";

struct Case {
    name: &'static str,
    scheme: Scheme,
    secret: &'static str,
    id: Option<&'static str>,
}

fn cases() -> [Case; 3] {
    [
        Case {
            name: "github",
            scheme: providers::github(),
            secret: GITHUB_SECRET,
            id: None,
        },
        Case {
            name: "stripe",
            scheme: providers::stripe(),
            secret: WHSEC,
            id: None,
        },
        Case {
            name: "standard-webhooks",
            scheme: providers::standard_webhooks(),
            secret: WHSEC,
            id: Some("msg_2KWPBgLlAfxdpx2AI54pPJ85f4W"),
        },
    ]
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

/// The fewest allocations (and their bytes) of three runs of `measure`. The counter is global to
/// the process, so an allocation by another thread of the test binary (the test harness's own)
/// can land in a counted region now and then; it does not land in all three.
fn fewest(mut measure: impl FnMut() -> (usize, usize)) -> (usize, usize) {
    (0..3)
        .map(|_| measure())
        .min()
        .unwrap_or((usize::MAX, usize::MAX))
}

fn body(len: usize) -> Bytes {
    Bytes::from(vec![b'x'; len])
}

fn signed(case: &Case, body: &[u8]) -> HeaderMap {
    Signer::new(case.scheme.clone(), Secret::new(case.secret).unwrap())
        .unwrap()
        .sign_headers(body, SystemTime::now(), case.id)
        .unwrap()
}

#[test]
fn verify_path_allocations_are_few_and_independent_of_body_size() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let uri = Uri::from_static("/hook");
    for case in cases() {
        let verifier = Verifier::new(
            case.scheme.clone(),
            Keyring::from(Secret::new(case.secret).unwrap()),
        )
        .unwrap();
        let layer = WebhookLayer::new(
            case.scheme.clone(),
            Keyring::from(Secret::new(case.secret).unwrap()),
        )
        .unwrap()
        .body_limit(2 << 20);
        let service = layer.layer(service_fn(|req: Request<VerifiedBody>| async move {
            let len = req.into_body().into_bytes().len();
            Ok::<_, Infallible>(Response::new(Full::new(Bytes::from_static(if len > 0 {
                b"ok"
            } else {
                b""
            }))))
        }));

        let mut core = Vec::new();
        let mut one_chunk = Vec::new();
        let mut one_chunk_bytes = Vec::new();
        let mut two_chunks = Vec::new();
        for len in [1 << 10, 1 << 20] {
            let payload = body(len);
            let headers = signed(&case, &payload);
            let now = SystemTime::now();

            // The core, warmed up once.
            let core_request = common::req(&headers, &uri, &payload);
            assert!(verifier.verify(&core_request, now).is_ok());
            let (n, _) = fewest(|| {
                let (counted, verified) = count(|| verifier.verify(&core_request, now));
                assert!(verified.is_ok());
                counted
            });
            core.push(n);

            // The layer, one chunk: the request (built outside the counted region) carries the
            // body's `Bytes`, which is forwarded as is.
            let request = || {
                let mut r = Request::post("/hook")
                    .body(Full::new(payload.clone()))
                    .unwrap();
                *r.headers_mut() = headers.clone();
                r.headers_mut()
                    .insert(http::header::CONTENT_LENGTH, payload.len().into());
                r
            };
            let warm = rt.block_on(service.clone().oneshot(request())).unwrap();
            assert_eq!(warm.status(), StatusCode::OK, "{}", case.name);
            drop(warm);
            let (n, bytes) = fewest(|| {
                let (req, svc) = (request(), service.clone());
                let (counted, status) = count(|| {
                    let response = rt.block_on(svc.oneshot(req)).unwrap();
                    let status = response.status();
                    drop(response);
                    status
                });
                assert_eq!(status, StatusCode::OK);
                counted
            });
            one_chunk.push(n);
            one_chunk_bytes.push(bytes);

            // Two chunks: gathered into one buffer.
            let (n, _) = fewest(|| {
                let (first, second) = (payload.slice(..len / 2), payload.slice(len / 2..));
                let mut req = Request::post("/hook")
                    .body(StreamBody::new(futures_util::stream::iter([
                        Ok::<_, Infallible>(http_body::Frame::data(first)),
                        Ok(http_body::Frame::data(second)),
                    ])))
                    .unwrap();
                *req.headers_mut() = headers.clone();
                req.headers_mut()
                    .insert(http::header::CONTENT_LENGTH, payload.len().into());
                let svc = service.clone();
                let (counted, status) = count(|| rt.block_on(svc.oneshot(req)).unwrap().status());
                assert_eq!(status, StatusCode::OK);
                counted
            });
            two_chunks.push(n);
        }
        println!(
            "{}: core {:?}, layer one chunk {:?} ({:?} bytes), layer two chunks {:?} (1 KiB, 1 MiB)",
            case.name, core, one_chunk, one_chunk_bytes, two_chunks
        );
        assert!(
            one_chunk_bytes.iter().all(|&b| b <= LAYER_MAX_BYTES),
            "{}: layer allocates {one_chunk_bytes:?} bytes",
            case.name
        );
        assert_eq!(core[0], core[1], "{}: core depends on body size", case.name);
        assert!(
            core[0] <= CORE_MAX,
            "{}: core allocates {}",
            case.name,
            core[0]
        );
        assert_eq!(
            one_chunk[0], one_chunk[1],
            "{}: layer depends on body size",
            case.name
        );
        assert!(
            one_chunk[0] <= LAYER_MAX,
            "{}: layer allocates {}",
            case.name,
            one_chunk[0]
        );
        assert_eq!(
            two_chunks,
            vec![one_chunk[0] + 1; 2],
            "{}: two chunks should cost one buffer",
            case.name
        );
    }
}

//! Keys at runtime: rotation through a handle, per-tenant resolvers and their cache.

mod common;
use common::SignExt as _;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use http::{Request, Response, StatusCode};
use http_body_util::{BodyExt, Full};
use tower::ServiceExt;
use webhook_guard::keys::{
    KeyringHandle, ResolveError, StaticResolver, TenantKeys, TenantSelector,
};
use webhook_guard::replay::{MemoryStore, ReplayGuard};
use webhook_guard::{
    Clock, Keyring, Outcome, Secret, Signer, Verified, VerifiedBody, WebhookLayer, providers,
};

const T: u64 = 1_800_000_000;

fn at(secs: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(secs)
}

type Svc = tower::util::BoxCloneSyncService<
    Request<Full<Bytes>>,
    Response<webhook_guard::ResponseBody<Full<Bytes>>>,
    std::convert::Infallible,
>;

/// The layer around an inner service that answers `<key label>|<tenant>`.
fn service(layer: WebhookLayer, calls: Arc<AtomicUsize>) -> Svc {
    let inner = tower::service_fn(move |req: Request<VerifiedBody>| {
        calls.fetch_add(1, Ordering::SeqCst);
        let v = req.extensions().get::<Verified>().cloned().unwrap();
        async move {
            let text = format!("{}|{}", v.key_label(), v.tenant().unwrap_or("-"));
            Ok::<_, std::convert::Infallible>(Response::new(Full::new(Bytes::from(text))))
        }
    });
    tower::util::BoxCloneSyncService::new(tower::Layer::layer(&layer, inner))
}

fn stripe_request(secret: &str, path: &str, ts: u64) -> Request<Full<Bytes>> {
    let body = b"{\"id\":\"evt_1\"}";
    let headers = Signer::new(providers::stripe(), Secret::new(secret).unwrap())
        .unwrap()
        .sign_headers(body, at(ts), None)
        .unwrap();
    let mut req = Request::post(path)
        .body(Full::new(Bytes::from_static(body)))
        .unwrap();
    *req.headers_mut() = headers;
    req
}

/// The status, the name of the layer's outcome (when it answered itself) and the body.
async fn send(svc: &Svc, req: Request<Full<Bytes>>) -> (StatusCode, Option<&'static str>, String) {
    let res = svc.clone().oneshot(req).await.unwrap();
    let kind = res.extensions().get::<Outcome>().map(Outcome::as_str);
    let status = res.status();
    let body = res.into_body().collect().await.unwrap().to_bytes();
    (status, kind, String::from_utf8_lossy(&body).into_owned())
}

// ---------------------------------------------------------------------------------------------
// Rotation through a handle

#[tokio::test]
async fn rotation_through_the_handle_stops_the_old_key_at_exactly_its_instant() {
    let clock = Clock::manual_at_unix(T);
    let handle = KeyringHandle::new(
        providers::stripe(),
        Keyring::new().key("old", Secret::new("whsec_old").unwrap()),
    )
    .unwrap();
    // The handle follows the layer's clock.
    let svc = service(
        WebhookLayer::from_handle(handle.clone()).clock(clock.clone()),
        Arc::default(),
    );
    // Before the rotation the new secret is unknown.
    assert_eq!(send(&svc, stripe_request("whsec_new", "/", T)).await.0, 401);

    let cutoff = at(T + 48 * 3600);
    handle
        .rotate("new", Secret::new("whsec_new").unwrap(), cutoff)
        .unwrap();
    assert_eq!(handle.labels(), ["new", "old"]);
    assert_eq!(
        send(&svc, stripe_request("whsec_new", "/", T)).await.2,
        "new|-"
    );
    assert_eq!(
        send(&svc, stripe_request("whsec_old", "/", T)).await.2,
        "old|-"
    );

    let ts = T + 48 * 3600;
    clock.set(cutoff - Duration::from_nanos(1));
    assert_eq!(
        send(&svc, stripe_request("whsec_old", "/", ts)).await.2,
        "old|-"
    );
    clock.set(cutoff);
    let (status, kind, _) = send(&svc, stripe_request("whsec_old", "/", ts)).await;
    assert_eq!((status.as_u16(), kind), (401, Some("signature_mismatch")));
    assert_eq!(
        send(&svc, stripe_request("whsec_new", "/", ts)).await.2,
        "new|-"
    );

    // The next rotation drops the expired key instead of carrying it forever.
    handle
        .rotate(
            "newer",
            Secret::new("whsec_newer").unwrap(),
            cutoff + Duration::from_secs(3600),
        )
        .unwrap();
    assert_eq!(handle.labels(), ["newer", "new"]);
    handle.remove("new").unwrap();
    assert_eq!(handle.labels(), ["newer"]);
    assert!(
        handle.remove("newer").is_err(),
        "the last key cannot be removed"
    );
    assert_eq!(handle.labels(), ["newer"]);
}

#[tokio::test]
async fn a_bad_replacement_keeps_the_running_keys() {
    let handle = KeyringHandle::new(
        providers::standard_webhooks(),
        Keyring::from(Secret::new("whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD").unwrap()),
    )
    .unwrap();
    // Too short for Standard Webhooks: refused, nothing changes.
    assert!(
        handle
            .replace(Keyring::from(Secret::new("whsec_AAAA").unwrap()))
            .is_err()
    );
    assert!(
        handle
            .rotate("x", Secret::new("whsec_AAAA").unwrap(), SystemTime::now())
            .is_err()
    );
    assert_eq!(handle.labels(), ["default"]);
    let dbg = format!("{handle:?}");
    assert!(!dbg.contains("C2FVsBQIhrscChlQIMV"), "{dbg}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn swapping_keys_under_concurrent_load_loses_no_request() {
    let handle = KeyringHandle::new(
        providers::stripe(),
        Keyring::new().key("stable", Secret::new("whsec_stable").unwrap()),
    )
    .unwrap();
    let calls = Arc::new(AtomicUsize::new(0));
    let svc = service(WebhookLayer::from_handle(handle.clone()), calls.clone());
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let senders: Vec<_> = (0..4)
        .map(|_| {
            let svc = svc.clone();
            tokio::spawn(async move {
                let mut statuses = Vec::new();
                for _ in 0..250 {
                    statuses.push(send(&svc, stripe_request("whsec_stable", "/", now)).await.0);
                }
                statuses
            })
        })
        .collect();
    // Meanwhile: 200 swaps, every one of which keeps "stable" valid.
    let rotator = tokio::spawn(async move {
        for i in 0..200 {
            let keys = Keyring::new()
                .key(
                    format!("k{i}"),
                    Secret::new(format!("whsec_rotating_{i}")).unwrap(),
                )
                .key("stable", Secret::new("whsec_stable").unwrap());
            handle.replace(keys).unwrap();
            tokio::task::yield_now().await;
        }
    });
    rotator.await.unwrap();
    let mut total = 0;
    for s in senders {
        let statuses = s.await.unwrap();
        assert!(statuses.iter().all(|s| *s == 200), "{statuses:?}");
        total += statuses.len();
    }
    assert_eq!(calls.load(Ordering::SeqCst), total);
}

// ---------------------------------------------------------------------------------------------
// Per-tenant resolvers

fn tenants() -> StaticResolver {
    StaticResolver::new()
        .tenant(
            "acme",
            Keyring::new().key("acme-2026", Secret::new("whsec_acme").unwrap()),
        )
        .tenant(
            "globex",
            Keyring::new().key("globex-2026", Secret::new("whsec_globex").unwrap()),
        )
}

#[tokio::test]
async fn tenants_are_selected_by_path_and_isolated() {
    let clock = Clock::manual_at_unix(T);
    let layer = WebhookLayer::with_resolver(
        providers::stripe(),
        TenantSelector::path_segment(1),
        tenants(),
    )
    .unwrap()
    .clock(clock);
    let calls = Arc::new(AtomicUsize::new(0));
    let svc = service(layer, calls.clone());
    assert_eq!(
        send(&svc, stripe_request("whsec_acme", "/webhooks/acme", T))
            .await
            .2,
        "acme-2026|acme"
    );
    assert_eq!(
        send(&svc, stripe_request("whsec_globex", "/webhooks/globex", T))
            .await
            .2,
        "globex-2026|globex"
    );
    // One tenant's signature on another tenant's endpoint.
    let (status, kind, body_a) =
        send(&svc, stripe_request("whsec_acme", "/webhooks/globex", T)).await;
    assert_eq!((status.as_u16(), kind), (401, Some("signature_mismatch")));
    // Unknown tenant: the same answer as a bad signature.
    let (status, kind, body_b) =
        send(&svc, stripe_request("whsec_acme", "/webhooks/initech", T)).await;
    assert_eq!((status.as_u16(), kind), (401, Some("unknown_tenant")));
    assert_eq!(body_a, body_b);
    // No tenant in the path, or one with characters outside the allowed set.
    for path in ["/webhooks", "/webhooks/%2e%2e", "/webhooks/a%00b", "/"] {
        let (status, kind, _) = send(&svc, stripe_request("whsec_acme", path, T)).await;
        assert_eq!(
            (status.as_u16(), kind),
            (401, Some("unknown_tenant")),
            "{path}"
        );
    }
    assert_eq!(calls.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn tenants_can_be_selected_by_header() {
    let layer = WebhookLayer::with_resolver(
        providers::stripe(),
        TenantSelector::header(http::HeaderName::from_static("x-shop-domain")),
        StaticResolver::new().tenant(
            "shop.example.com",
            Keyring::from(Secret::new("whsec_shop").unwrap()),
        ),
    )
    .unwrap()
    .clock(Clock::manual_at_unix(T));
    let svc = service(layer, Arc::default());
    let mut req = stripe_request("whsec_shop", "/webhooks", T);
    req.headers_mut()
        .insert("x-shop-domain", "shop.example.com".parse().unwrap());
    assert_eq!(send(&svc, req).await.2, "default|shop.example.com");
    assert_eq!(
        send(&svc, stripe_request("whsec_shop", "/webhooks", T))
            .await
            .1,
        Some("unknown_tenant")
    );
}

#[tokio::test]
async fn resolver_errors_and_panics_fail_closed_with_503() {
    let resolver = |tenant: String| async move {
        match tenant.as_str() {
            "down" => Err(ResolveError::new("database unavailable")),
            "boom" => panic!("resolver bug"),
            _ => Ok(None),
        }
    };
    let layer = WebhookLayer::with_resolver(
        providers::stripe(),
        TenantSelector::last_path_segment(),
        resolver,
    )
    .unwrap()
    .clock(Clock::manual_at_unix(T));
    let calls = Arc::new(AtomicUsize::new(0));
    let svc = service(layer, calls.clone());
    for path in ["/webhooks/down", "/webhooks/boom"] {
        let res = svc
            .clone()
            .oneshot(stripe_request("whsec_x", path, T))
            .await
            .unwrap();
        assert_eq!(res.status(), 503, "{path}");
        assert_eq!(
            res.extensions().get::<Outcome>(),
            Some(&Outcome::KeyLookupFailed)
        );
        assert!(res.headers().contains_key("retry-after"));
    }
    // The service survived the panic.
    assert_eq!(
        send(&svc, stripe_request("whsec_x", "/webhooks/other", T))
            .await
            .1,
        Some("unknown_tenant")
    );
    assert_eq!(calls.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn resolver_lookups_are_cached_until_the_ttl_and_misses_too() {
    let clock = Clock::manual_at_unix(T);
    let lookups = Arc::new(AtomicUsize::new(0));
    let counted = lookups.clone();
    let resolver = move |tenant: String| {
        counted.fetch_add(1, Ordering::SeqCst);
        async move {
            Ok((tenant == "acme").then(|| {
                TenantKeys::new("acme", Keyring::from(Secret::new("whsec_acme").unwrap()))
            }))
        }
    };
    let layer = WebhookLayer::with_resolver(
        providers::stripe(),
        TenantSelector::last_path_segment(),
        resolver,
    )
    .unwrap()
    .clock(clock.clone())
    .resolver_cache_ttl(Duration::from_secs(30));
    let svc = service(layer, Arc::default());
    for _ in 0..3 {
        assert_eq!(
            send(&svc, stripe_request("whsec_acme", "/h/acme", T))
                .await
                .0,
            200
        );
        assert_eq!(
            send(&svc, stripe_request("whsec_acme", "/h/nobody", T))
                .await
                .0,
            401
        );
    }
    assert_eq!(
        lookups.load(Ordering::SeqCst),
        2,
        "one lookup per tenant within the TTL"
    );
    clock.advance(Duration::from_secs(30));
    assert_eq!(
        send(&svc, stripe_request("whsec_acme", "/h/acme", T))
            .await
            .0,
        200
    );
    assert_eq!(
        lookups.load(Ordering::SeqCst),
        3,
        "looked up again once the TTL passed"
    );
}

#[tokio::test]
async fn resolver_cache_is_bounded() {
    let lookups = Arc::new(AtomicUsize::new(0));
    let counted = lookups.clone();
    let resolver = move |_tenant: String| {
        counted.fetch_add(1, Ordering::SeqCst);
        async { Ok(None) }
    };
    let layer = WebhookLayer::with_resolver(
        providers::stripe(),
        TenantSelector::last_path_segment(),
        resolver,
    )
    .unwrap()
    .clock(Clock::manual_at_unix(T))
    .resolver_cache_entries(2);
    let svc = service(layer, Arc::default());
    for name in ["a", "b", "c", "a"] {
        send(&svc, stripe_request("whsec_x", &format!("/h/{name}"), T)).await;
    }
    // "a" was pushed out by "c" (capacity 2) and looked up again.
    assert_eq!(lookups.load(Ordering::SeqCst), 4);
}

#[tokio::test]
async fn replay_keys_are_per_tenant() {
    let layer = WebhookLayer::with_resolver(
        providers::standard_webhooks(),
        TenantSelector::last_path_segment(),
        StaticResolver::new()
            .tenant(
                "a",
                Keyring::from(Secret::new("whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD").unwrap()),
            )
            .tenant(
                "b",
                Keyring::from(Secret::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap()),
            ),
    )
    .unwrap()
    .clock(Clock::manual_at_unix(T))
    .replay_guard(ReplayGuard::new(MemoryStore::new()));
    let calls = Arc::new(AtomicUsize::new(0));
    let svc = service(layer, calls.clone());
    let sw = |secret: &str, path: &str| {
        let headers = Signer::new(providers::standard_webhooks(), Secret::new(secret).unwrap())
            .unwrap()
            .sign_headers(b"{}", at(T), Some("msg_1"))
            .unwrap();
        let mut req = Request::post(path)
            .body(Full::new(Bytes::from_static(b"{}")))
            .unwrap();
        *req.headers_mut() = headers;
        req
    };
    assert_eq!(
        send(&svc, sw("whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD", "/h/a"))
            .await
            .0,
        200
    );
    // The same id from another tenant is another delivery.
    assert_eq!(
        send(&svc, sw("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "/h/b"))
            .await
            .0,
        200
    );
    assert_eq!(
        send(&svc, sw("whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD", "/h/a"))
            .await
            .1,
        Some("already_processed")
    );
    assert_eq!(calls.load(Ordering::SeqCst), 2);
}

// ---------------------------------------------------------------------------------------------
// Unauthenticated traffic and the resolver

/// A resolver over `acme` that counts its lookups.
fn counting_resolver(
    lookups: Arc<AtomicUsize>,
) -> impl Fn(String) -> std::future::Ready<Result<Option<TenantKeys>, ResolveError>>
+ Send
+ Sync
+ 'static {
    move |tenant: String| {
        lookups.fetch_add(1, Ordering::SeqCst);
        std::future::ready(Ok((tenant == "acme").then(|| {
            TenantKeys::new("acme", Keyring::from(Secret::new("whsec_acme").unwrap()))
        })))
    }
}

/// Every check that needs no key runs before the resolver, and answers the same for a known and
/// an unknown tenant: no lookup, and no status that tells them apart.
#[tokio::test]
async fn the_resolver_runs_only_after_every_key_free_check() {
    let lookups = Arc::new(AtomicUsize::new(0));
    let layer = WebhookLayer::with_resolver(
        providers::stripe(),
        TenantSelector::last_path_segment(),
        counting_resolver(lookups.clone()),
    )
    .unwrap()
    .clock(Clock::manual_at_unix(T))
    .body_limit(64);
    let svc = service(layer, Arc::default());
    type Case = (&'static str, fn(&str) -> Request<Full<Bytes>>, u16);
    let cases: [Case; 5] = [
        (
            "no signature",
            |path| {
                let mut r = stripe_request("whsec_acme", path, T);
                r.headers_mut().remove("stripe-signature");
                r
            },
            401,
        ),
        (
            "malformed signature",
            |path| {
                let mut r = stripe_request("whsec_acme", path, T);
                r.headers_mut()
                    .insert("stripe-signature", "t=1,v2=zz".parse().unwrap());
                r
            },
            401,
        ),
        (
            "stale timestamp",
            |path| stripe_request("whsec_acme", path, T - 3600),
            401,
        ),
        (
            "compressed",
            |path| {
                let mut r = stripe_request("whsec_acme", path, T);
                r.headers_mut()
                    .insert("content-encoding", "gzip".parse().unwrap());
                r
            },
            415,
        ),
        (
            "declared too large",
            |path| {
                let mut r = stripe_request("whsec_acme", path, T);
                r.headers_mut()
                    .insert("content-length", "65".parse().unwrap());
                r
            },
            413,
        ),
    ];
    for (case, request, status) in cases {
        let known = send(&svc, request("/webhooks/acme")).await;
        let unknown = send(&svc, request("/webhooks/nobody")).await;
        assert_eq!(known.0.as_u16(), status, "{case}");
        assert_eq!(
            known, unknown,
            "{case}: known and unknown tenants answered alike"
        );
    }
    assert_eq!(
        lookups.load(Ordering::SeqCst),
        0,
        "no lookup for any of them"
    );
    // A request that passes them is looked up.
    assert_eq!(
        send(&svc, stripe_request("whsec_acme", "/webhooks/acme", T))
            .await
            .0,
        200
    );
    assert_eq!(lookups.load(Ordering::SeqCst), 1);
}

/// Names the resolver does not know go to a cache of their own: a flood of them never evicts
/// a known tenant's keys.
#[tokio::test]
async fn unknown_names_never_evict_known_tenants() {
    let lookups = Arc::new(AtomicUsize::new(0));
    let layer = WebhookLayer::with_resolver(
        providers::stripe(),
        TenantSelector::last_path_segment(),
        counting_resolver(lookups.clone()),
    )
    .unwrap()
    .clock(Clock::manual_at_unix(T))
    .resolver_cache_entries(4);
    let svc = service(layer, Arc::default());
    assert_eq!(
        send(&svc, stripe_request("whsec_acme", "/h/acme", T))
            .await
            .0,
        200
    );
    for i in 0..200 {
        let junk = format!("/h/junk{i}");
        assert_eq!(
            send(&svc, stripe_request("whsec_acme", &junk, T)).await.0,
            401
        );
    }
    let before = lookups.load(Ordering::SeqCst);
    assert_eq!(
        send(&svc, stripe_request("whsec_acme", "/h/acme", T))
            .await
            .0,
        200
    );
    assert_eq!(
        lookups.load(Ordering::SeqCst),
        before,
        "acme was still cached"
    );
}

/// A lookup that does not answer in time is a 503 with `Retry-After` (failing closed).
#[tokio::test(start_paused = true)]
async fn a_slow_lookup_times_out_with_503() {
    let layer = WebhookLayer::with_resolver(
        providers::stripe(),
        TenantSelector::last_path_segment(),
        |_tenant: String| async move {
            std::future::pending::<()>().await;
            Ok::<_, ResolveError>(None)
        },
    )
    .unwrap()
    .clock(Clock::manual_at_unix(T))
    .resolver_timeout(Duration::from_millis(300));
    let calls = Arc::new(AtomicUsize::new(0));
    let svc = service(layer, calls.clone());
    let started = tokio::time::Instant::now();
    let res = svc
        .clone()
        .oneshot(stripe_request("whsec_acme", "/h/acme", T))
        .await
        .unwrap();
    assert_eq!(res.status(), 503);
    assert!(res.headers().contains_key("retry-after"));
    assert_eq!(
        res.extensions().get::<Outcome>(),
        Some(&Outcome::KeyLookupFailed)
    );
    assert_eq!(started.elapsed(), Duration::from_millis(300));
    assert_eq!(calls.load(Ordering::SeqCst), 0);
}

//! Replay protection and exactly-once delivery: a [`ReplayGuard`] in front of the handler.
//!
//! A valid signature can be replayed by anyone who captured it, for as long as the timestamp
//! window allows (forever for schemes without a timestamp), and providers retry deliveries. The
//! guard claims a key for each **verified** delivery before the handler runs:
//!
//! * first copy: the handler runs — **to completion, even if the sender hangs up** (polled by
//!   the request, moved to a task of its own only if the request is dropped) — and its outcome
//!   settles the claim: a 2xx marks the key done, anything else (an error
//!   status, an error, a panic) releases it so the provider's retry gets through;
//! * a copy of a delivery already done: **200** with an empty body, handler not called, so the
//!   provider stops retrying;
//! * a copy of a delivery still in progress: **409**, so the provider retries later;
//! * the store unreachable or slower than the store timeout: **503** with `Retry-After`
//!   (fail closed), unless [`ReplayGuard::fail_open`] was chosen.
//!
//! The key comes from signed material only ([`DedupeKey`]): the delivery id where the scheme
//! signs one (Standard Webhooks' `webhook-id`), otherwise the SHA-256 of the signed message —
//! for schemes that sign a canonical form of the body (Twilio's sorted parameters, Mailgun's
//! fields) of that form, so re-encoded copies are the same delivery. It never depends on a key,
//! so rotating keys does not let a processed delivery in again, and with a key resolver it is
//! kept under the tenant's canonical id. A forged or unsigned request never claims anything:
//! the guard runs only after the signature verified. See `docs/replay.md` for the exact
//! semantics.
//!
//! ```
//! use std::time::Duration;
//! use webhook_guard::replay::{MemoryStore, ReplayGuard};
//! use webhook_guard::{providers, Keyring, Secret, WebhookLayer};
//!
//! let layer = WebhookLayer::new(providers::standard_webhooks(), Keyring::from(Secret::new(
//!     "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD",
//! )?))?
//! .replay_guard(ReplayGuard::new(MemoryStore::new()).retention(Duration::from_secs(72 * 3600)));
//! # Ok::<(), webhook_guard::ConfigError>(())
//! ```
//!
//! Several instances behind a load balancer share state through Redis: see `RedisStore` (feature
//! `redis`), or `RedisClusterStore` for Redis Cluster (feature `redis-cluster`).

mod memory;
#[cfg(feature = "redis")]
mod redis;
#[cfg(feature = "redis-cluster")]
mod redis_cluster;

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use http::{HeaderMap, HeaderName};
use sha2::{Digest, Sha256};

use crate::observe::{ClaimResult, Ended, Observer, Stopwatch, StoreOp};
use crate::outcome::Outcome;
use crate::trace::TRACING_TARGET;
use crate::verify::Verified;

pub use memory::MemoryStore;
#[cfg(feature = "redis")]
pub use redis::RedisStore;
#[cfg(feature = "redis-cluster")]
pub use redis_cluster::RedisClusterStore;

/// The boxed future a [`ReplayStore`] returns.
pub type StoreFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, StoreError>> + Send + 'a>>;

/// What a claim found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Claim {
    /// The key was free and is now claimed by this token.
    Claimed,
    /// Another claim holds the key: that delivery is still being processed.
    InProgress,
    /// The key is marked done: the delivery was processed successfully.
    Completed,
}

/// Where claims live. Implement it to keep them in your own database; the crate ships
/// [`MemoryStore`] and, with the `redis` feature, `RedisStore`.
///
/// Every operation must be atomic with respect to the others on the same key. `now` is the
/// layer's clock (see [`WebhookLayer::clock`](crate::WebhookLayer::clock)); stores that keep
/// time themselves (Redis expires keys server-side) may ignore it.
pub trait ReplayStore: Send + Sync + 'static {
    /// Claims `key` for `token` for `ttl` if nobody holds it; otherwise reports what holds it.
    fn claim<'a>(
        &'a self,
        key: &'a str,
        token: &'a str,
        ttl: Duration,
        now: SystemTime,
    ) -> StoreFuture<'a, Claim>;

    /// Marks `key` done and keeps it for `ttl` — only if it is still claimed by `token`.
    fn complete<'a>(
        &'a self,
        key: &'a str,
        token: &'a str,
        ttl: Duration,
        now: SystemTime,
    ) -> StoreFuture<'a, ()>;

    /// Deletes `key` — only if it is still claimed by `token` (never someone else's claim).
    fn release<'a>(&'a self, key: &'a str, token: &'a str, now: SystemTime) -> StoreFuture<'a, ()>;
}

/// A replay store failed. The message says what, never a key's source material.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreError {
    message: String,
}

impl StoreError {
    /// An error with a description.
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
        }
    }
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "replay store error: {}", self.message)
    }
}

impl std::error::Error for StoreError {}

type BodyKeyFn = dyn Fn(&Verified, &[u8]) -> Option<String> + Send + Sync;

/// What identifies "the same delivery".
#[derive(Clone)]
pub struct DedupeKey(KeyKind);

#[derive(Clone)]
enum KeyKind {
    Signed,
    UnsignedHeader(HeaderName),
    Body(Arc<BodyKeyFn>),
}

impl DedupeKey {
    /// The default: the delivery id when the scheme signs one (Standard Webhooks), otherwise the
    /// SHA-256 of the signed message (never of a key or signature). Catches every replay;
    /// catches retries only where the provider re-sends the same signed message or signs the id.
    #[must_use]
    pub fn signed() -> Self {
        Self(KeyKind::Signed)
    }

    /// Keys on an **unsigned** id header, e.g. `X-GitHub-Delivery`, for retry de-duplication with
    /// providers that sign no id. Anyone can change an unsigned header, so this does not stop a
    /// deliberate replay with a new id value: keep the timestamp window, or combine with
    /// idempotent handlers. A request without the header is refused (401).
    #[must_use]
    pub fn unsigned_header(name: HeaderName) -> Self {
        Self(KeyKind::UnsignedHeader(name))
    }

    /// Derives the key from the **verified** body, e.g. Stripe's event id, so that retries
    /// (which carry a new timestamp and signature) are recognised. When the closure returns
    /// `None`, the signed key is used.
    ///
    /// ```
    /// use webhook_guard::replay::DedupeKey;
    ///
    /// let stripe_event_id = DedupeKey::from_body(|_verified, body| {
    ///     let event: serde_json::Value = serde_json::from_slice(body).ok()?;
    ///     Some(event.get("id")?.as_str()?.to_owned())
    /// });
    /// ```
    #[must_use]
    pub fn from_body(
        f: impl Fn(&Verified, &[u8]) -> Option<String> + Send + Sync + 'static,
    ) -> Self {
        Self(KeyKind::Body(Arc::new(f)))
    }
}

impl fmt::Debug for DedupeKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            KeyKind::Signed => f.write_str("DedupeKey::Signed"),
            KeyKind::UnsignedHeader(h) => write!(f, "DedupeKey::UnsignedHeader({h})"),
            KeyKind::Body(_) => f.write_str("DedupeKey::FromBody(..)"),
        }
    }
}

/// Default time a completed delivery is remembered: 72 hours, Stripe's retry horizon.
pub const DEFAULT_RETENTION: Duration = Duration::from_secs(72 * 3600);
/// Default lifetime of an in-progress claim: if the process dies mid-delivery, the provider's
/// retry gets through after this long.
pub const DEFAULT_IN_FLIGHT_TTL: Duration = Duration::from_secs(60);
/// Default time allowed for one store operation before failing closed.
pub const DEFAULT_STORE_TIMEOUT: Duration = Duration::from_millis(50);
/// Extra time a key outlives the timestamp window.
pub const REPLAY_MARGIN: Duration = Duration::from_secs(60);

/// Claims each verified delivery in a [`ReplayStore`] before the handler runs.
///
/// Attach it with [`WebhookLayer::replay_guard`](crate::WebhookLayer::replay_guard). See the
/// [module docs](self) for the semantics.
#[derive(Clone)]
pub struct ReplayGuard {
    store: Arc<dyn ReplayStore>,
    key: DedupeKey,
    namespace: Option<Arc<str>>,
    retention: Duration,
    in_flight_ttl: Duration,
    store_timeout: Duration,
    fail_open: bool,
    retry_after: u32,
}

impl ReplayGuard {
    /// A guard over `store` with the defaults: signed keys, 72 h retention, 60 s in-flight
    /// claims, 50 ms store timeout, failing closed with `Retry-After: 5`.
    #[must_use]
    pub fn new(store: impl ReplayStore) -> Self {
        Self::from_arc(Arc::new(store))
    }

    /// A guard over a shared store (several layers may share one store; their keys are
    /// namespaced by scheme name, or by [`namespace`](Self::namespace)).
    #[must_use]
    pub fn from_arc(store: Arc<dyn ReplayStore>) -> Self {
        Self {
            store,
            key: DedupeKey::signed(),
            namespace: None,
            retention: DEFAULT_RETENTION,
            in_flight_ttl: DEFAULT_IN_FLIGHT_TTL,
            store_timeout: DEFAULT_STORE_TIMEOUT,
            fail_open: false,
            retry_after: 5,
        }
    }

    /// What identifies a delivery (default [`DedupeKey::signed`]).
    #[must_use]
    pub fn dedupe_key(mut self, key: DedupeKey) -> Self {
        self.key = key;
        self
    }

    /// Separates this endpoint's keys from others' in a shared store (default: the scheme's
    /// name). Use one namespace per endpoint or tenant.
    #[must_use]
    pub fn namespace(mut self, namespace: impl Into<Arc<str>>) -> Self {
        self.namespace = Some(namespace.into());
        self
    }

    /// How long a completed delivery is remembered (default 72 h). Never shorter than the
    /// timestamp window plus a margin: a key that expired inside the window would let a replay
    /// in, so the guard always keeps it at least until `timestamp + past tolerance + 60 s`.
    #[must_use]
    pub fn retention(mut self, retention: Duration) -> Self {
        self.retention = retention;
        self
    }

    /// How long an in-progress claim lives (default 60 s). Make it longer than your slowest
    /// handler: after it, a retry may run concurrently with a still-running first copy.
    #[must_use]
    pub fn in_flight_ttl(mut self, ttl: Duration) -> Self {
        self.in_flight_ttl = ttl.max(Duration::from_millis(1));
        self
    }

    /// How long one store operation may take before it counts as a failure (default 50 ms).
    #[must_use]
    pub fn store_timeout(mut self, timeout: Duration) -> Self {
        self.store_timeout = timeout;
        self
    }

    /// The `Retry-After` seconds sent with a 503 (default 5).
    #[must_use]
    pub fn retry_after(mut self, seconds: u32) -> Self {
        self.retry_after = seconds;
        self
    }

    /// When the store fails, let deliveries through **unprotected** instead of answering 503.
    /// Signatures and the timestamp window are still enforced; replays inside the window and
    /// duplicate retries are not caught while the store is down. Every such delivery logs a
    /// warning. The default (fail closed) loses nothing: providers retry for hours or days.
    #[must_use]
    pub fn fail_open(mut self) -> Self {
        tracing::warn!(
            target: TRACING_TARGET,
            "replay guard configured to FAIL OPEN: deliveries pass unprotected while the store is down"
        );
        self.fail_open = true;
        self
    }

    pub(crate) fn retry_after_secs(&self) -> u32 {
        self.retry_after
    }

    /// The store key for a verified delivery, `None` for an unsigned one (which claims
    /// nothing), or the outcome when the key cannot be made (an opted-in unsigned header is
    /// missing).
    pub(crate) fn key_for(
        &self,
        verified: &Verified,
        headers: &HeaderMap,
        body: &[u8],
    ) -> Result<Option<String>, Outcome> {
        if verified.is_unsigned() {
            return Ok(None);
        }
        // Computed whenever a replay guard is configured; a signed delivery without one is
        // refused rather than let through unclaimed.
        let Some(identity) = verified.identity() else {
            return Err(Outcome::MissingDedupeKey);
        };
        let signed = || {
            let kind = if identity.of_id { "id" } else { "msg" };
            (kind, hex::encode(identity.digest))
        };
        let (kind, hash) = match &self.key.0 {
            KeyKind::Signed => signed(),
            KeyKind::UnsignedHeader(name) => {
                let value = headers
                    .get(name)
                    .filter(|v| !v.is_empty())
                    .ok_or(Outcome::MissingDedupeKey)?;
                ("hdr", digest(value.as_bytes()))
            }
            KeyKind::Body(f) => match f(verified, body) {
                Some(k) => ("body", digest(k.as_bytes())),
                None => signed(),
            },
        };
        let namespace = self.namespace.as_deref().unwrap_or(verified.provider());
        // Tenants never share keys: the same delivery id from two tenants is two deliveries.
        Ok(Some(match verified.tenant() {
            Some(tenant) => format!("{namespace}/{tenant}:{kind}:{hash}"),
            None => format!("{namespace}:{kind}:{hash}"),
        }))
    }

    /// How long a completed key is kept: the retention, and never less than the rest of the
    /// replay window (`timestamp + past tolerance + margin - now`).
    pub(crate) fn done_ttl(
        &self,
        verified: &Verified,
        past_tolerance: Option<Duration>,
        now: SystemTime,
    ) -> Duration {
        let window_end = match (verified.timestamp(), past_tolerance) {
            (Some(ts), Some(past)) => ts
                .checked_add(past)
                .and_then(|t| t.checked_add(REPLAY_MARGIN)),
            _ => None,
        };
        let rest_of_window = window_end
            .and_then(|end| end.duration_since(now).ok())
            .unwrap_or_default();
        self.retention
            .max(rest_of_window)
            .max(Duration::from_secs(1))
    }

    /// Claims `key`, as of `now`. `Ok(Some(handle))`: go ahead and settle the handle
    /// afterwards. `Ok(None)`: failing open, go ahead unprotected. `Err`: answer with the
    /// outcome. The future owns what it needs, so it can live in the request's future.
    pub(crate) fn claim(
        &self,
        key: String,
        done_ttl: Duration,
        now: SystemTime,
        observe: &Observer,
    ) -> Pin<Box<dyn Future<Output = Result<Option<ClaimHandle>, Outcome>> + Send>> {
        let guard = self.clone();
        let observe = observe.clone();
        Box::pin(async move {
            let token = crate::unique::token();
            let started = Stopwatch::start();
            let outcome = tokio::time::timeout(
                guard.store_timeout,
                guard.store.claim(&key, &token, guard.in_flight_ttl, now),
            )
            .await;
            observe.store(StoreOp::Claim, ended(&outcome), started);
            let (result, claimed) = match outcome {
                Ok(Ok(Claim::Claimed)) => (ClaimResult::New, Ok(true)),
                Ok(Ok(Claim::Completed)) => {
                    (ClaimResult::Duplicate, Err(Outcome::AlreadyProcessed))
                }
                Ok(Ok(Claim::InProgress)) => (ClaimResult::InProgress, Err(Outcome::InProgress)),
                Ok(Err(e)) => (ClaimResult::StoreError, guard.store_failed(&e.to_string())),
                Err(_) => (ClaimResult::StoreError, guard.store_failed("timed out")),
            };
            observe.claim(result);
            Ok(claimed?.then(|| ClaimHandle {
                store: guard.store.clone(),
                key,
                token,
                done_ttl,
                timeout: guard.store_timeout,
                observe,
            }))
        })
    }

    /// `Ok(false)`: failing open, go ahead unprotected.
    fn store_failed(&self, what: &str) -> Result<bool, Outcome> {
        if self.fail_open {
            tracing::warn!(
                target: TRACING_TARGET,
                error = what,
                "replay store unavailable: failing open, delivery passes unprotected"
            );
            Ok(false)
        } else {
            tracing::warn!(
                target: TRACING_TARGET,
                error = what,
                "replay store unavailable: failing closed"
            );
            Err(Outcome::ReplayStoreUnavailable)
        }
    }
}

impl fmt::Debug for ReplayGuard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ReplayGuard")
            .field("key", &self.key)
            .field("namespace", &self.namespace)
            .field("retention", &self.retention)
            .field("in_flight_ttl", &self.in_flight_ttl)
            .field("store_timeout", &self.store_timeout)
            .field("fail_open", &self.fail_open)
            .finish_non_exhaustive()
    }
}

/// A held claim, settled by the outcome of the handler it admitted: [`complete`](Self::complete)
/// or [`release`](Self::release). A claim dropped unsettled (the process is shutting down, or
/// no runtime could run the handler to completion) is left in flight: it expires after the
/// guard's in-flight TTL and never lets a copy in while its handler may still be running.
pub(crate) struct ClaimHandle {
    store: Arc<dyn ReplayStore>,
    key: String,
    token: String,
    done_ttl: Duration,
    timeout: Duration,
    observe: Observer,
}

impl ClaimHandle {
    /// The handler succeeded: remember the delivery.
    pub(crate) async fn complete(self, now: SystemTime) {
        let started = Stopwatch::start();
        let r = tokio::time::timeout(
            self.timeout,
            self.store
                .complete(&self.key, &self.token, self.done_ttl, now),
        )
        .await;
        self.observe.store(StoreOp::Complete, ended(&r), started);
        if !matches!(r, Ok(Ok(()))) {
            // The in-flight claim still expires on its own; a retry after that is processed again.
            tracing::warn!(target: TRACING_TARGET, "replay store: could not mark a delivery done");
        }
    }

    /// The handler failed: free the key for the provider's retry.
    pub(crate) async fn release(self, now: SystemTime) {
        let started = Stopwatch::start();
        let r = tokio::time::timeout(
            self.timeout,
            self.store.release(&self.key, &self.token, now),
        )
        .await;
        self.observe.store(StoreOp::Release, ended(&r), started);
        if !matches!(r, Ok(Ok(()))) {
            tracing::warn!(target: TRACING_TARGET, "replay store: could not release a claim");
        }
    }
}

/// How a store operation under its timeout ended.
fn ended<T>(r: &Result<Result<T, StoreError>, tokio::time::error::Elapsed>) -> Ended {
    match r {
        Ok(Ok(_)) => Ended::Ok,
        Ok(Err(_)) => Ended::Error,
        Err(_) => Ended::Timeout,
    }
}

fn digest(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn delivery(unsigned: bool, identity: Option<crate::verify::Identity>) -> Verified {
        Verified {
            provider: "github".into(),
            id: None,
            timestamp: None,
            key_label: "default".into(),
            unsigned,
            tenant: None,
            identity,
        }
    }

    #[test]
    fn a_signed_delivery_without_an_identity_is_refused_and_an_unsigned_one_claims_nothing() {
        let guard = ReplayGuard::new(MemoryStore::new());
        let headers = HeaderMap::new();
        // Every signed delivery gets an identity when a replay guard is configured; were one
        // ever missing, it must not pass unclaimed.
        assert_eq!(
            guard.key_for(&delivery(false, None), &headers, b"{}"),
            Err(Outcome::MissingDedupeKey)
        );
        assert_eq!(
            guard.key_for(&delivery(true, None), &headers, b"{}"),
            Ok(None)
        );
    }
}

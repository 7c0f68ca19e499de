//! Per-tenant keys: a [`KeyResolver`] looks up the keyring for the tenant a delivery claims.

use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::{Duration, SystemTime};

use http::HeaderName;
use http::request::Parts;

use crate::clock::Clock;
use crate::error::ConfigError;
use crate::rejection::{Rejection, RejectionKind};
use crate::scheme::Scheme;
use crate::secret::Keyring;
use crate::service::TRACING_TARGET;
use crate::verify::Verifier;

/// The future a [`KeyResolver`] returns: the tenant's keyring, `Ok(None)` for an unknown tenant.
pub type ResolveFuture<'a> =
    Pin<Box<dyn Future<Output = Result<Option<Keyring>, ResolveError>> + Send + 'a>>;

/// Looks up the keyring of a tenant, e.g. in a database.
///
/// The tenant name comes from the request (a [`TenantSelector`]) and is **not** authenticated:
/// it only selects which keys to try. An unknown tenant is answered exactly like a bad
/// signature (401); a lookup error fails closed (503). Results are cached by the layer for
/// [`WebhookLayer::resolver_cache_ttl`](crate::WebhookLayer::resolver_cache_ttl).
pub trait KeyResolver: Send + Sync + 'static {
    /// The keyring for `tenant`, or `Ok(None)` when there is no such tenant.
    fn keyring<'a>(&'a self, tenant: &'a str) -> ResolveFuture<'a>;
}

/// A key lookup failed (database down, …). The message is logged, never sent to the client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolveError(String);

impl ResolveError {
    /// An error with a description (do not put secrets in it).
    pub fn new(message: impl Into<String>) -> Self {
        Self(message.into())
    }
}

impl fmt::Display for ResolveError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "key lookup failed: {}", self.0)
    }
}

impl std::error::Error for ResolveError {}

/// A fixed map from tenant to keyring.
///
/// ```
/// use webhook_guard::keys::StaticResolver;
/// use webhook_guard::{Keyring, Secret};
///
/// let tenants = StaticResolver::new()
///     .tenant("acme", Keyring::from(Secret::new("whsec_acme")?))
///     .tenant("globex", Keyring::from(Secret::new("whsec_globex")?));
/// # Ok::<(), webhook_guard::ConfigError>(())
/// ```
#[derive(Default, Clone)]
pub struct StaticResolver {
    tenants: HashMap<String, Keyring>,
}

impl StaticResolver {
    /// An empty map.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a tenant.
    #[must_use]
    pub fn tenant(mut self, name: impl Into<String>, keyring: Keyring) -> Self {
        self.tenants.insert(name.into(), keyring);
        self
    }
}

impl KeyResolver for StaticResolver {
    fn keyring<'a>(&'a self, tenant: &'a str) -> ResolveFuture<'a> {
        let found = self.tenants.get(tenant).cloned();
        Box::pin(async move { Ok(found) })
    }
}

impl fmt::Debug for StaticResolver {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StaticResolver")
            .field("tenants", &self.tenants.keys().collect::<Vec<_>>())
            .finish()
    }
}

/// A resolver from an async closure, e.g. a database query.
///
/// ```
/// use webhook_guard::keys::{resolver_fn, ResolveError};
/// use webhook_guard::{Keyring, Secret};
///
/// let resolver = resolver_fn(|tenant: String| async move {
///     // SELECT secret FROM tenants WHERE name = ?
///     match tenant.as_str() {
///         "acme" => Ok(Some(Keyring::from(
///             Secret::new("whsec_acme").map_err(|e| ResolveError::new(e.to_string()))?,
///         ))),
///         _ => Ok(None),
///     }
/// });
/// ```
pub fn resolver_fn<F, Fut>(f: F) -> FnResolver<F>
where
    F: Fn(String) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<Option<Keyring>, ResolveError>> + Send + 'static,
{
    FnResolver(f)
}

/// See [`resolver_fn`].
#[derive(Clone, Copy)]
pub struct FnResolver<F>(F);

impl<F, Fut> KeyResolver for FnResolver<F>
where
    F: Fn(String) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<Option<Keyring>, ResolveError>> + Send + 'static,
{
    fn keyring<'a>(&'a self, tenant: &'a str) -> ResolveFuture<'a> {
        Box::pin((self.0)(tenant.to_owned()))
    }
}

impl<F> fmt::Debug for FnResolver<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("FnResolver")
    }
}

/// Where the tenant name is read from. Names are 1–128 bytes of `[A-Za-z0-9._:-]`; anything
/// else counts as no tenant (401).
#[derive(Clone, Debug)]
pub struct TenantSelector(Selector);

#[derive(Clone, Debug)]
enum Selector {
    PathSegment(usize),
    LastPathSegment,
    Header(HeaderName),
}

impl TenantSelector {
    /// The `index`-th segment of the path (0-based): for `/webhooks/{tenant}`, index 1.
    #[must_use]
    pub fn path_segment(index: usize) -> Self {
        Self(Selector::PathSegment(index))
    }

    /// The last path segment: `/webhooks/acme` → `acme`.
    #[must_use]
    pub fn last_path_segment() -> Self {
        Self(Selector::LastPathSegment)
    }

    /// A header, e.g. Shopify's `x-shopify-shop-domain`.
    #[must_use]
    pub fn header(name: HeaderName) -> Self {
        Self(Selector::Header(name))
    }

    fn select<'p>(&self, parts: &'p Parts) -> Option<&'p str> {
        let path = parts.uri.path();
        let mut segments = path.split('/').filter(|s| !s.is_empty());
        let raw = match &self.0 {
            Selector::PathSegment(i) => segments.nth(*i),
            Selector::LastPathSegment => segments.next_back(),
            Selector::Header(name) => parts.headers.get(name).and_then(|v| v.to_str().ok()),
        }?;
        let valid = !raw.is_empty()
            && raw.len() <= 128
            && raw
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b':' | b'-'));
        valid.then_some(raw)
    }
}

/// Default lifetime of a cached lookup.
pub(crate) const DEFAULT_CACHE_TTL: Duration = Duration::from_secs(60);
/// Most tenants cached at once.
pub(crate) const DEFAULT_CACHE_ENTRIES: usize = 10_000;

#[derive(Default)]
struct Cache {
    entries: HashMap<String, Cached>,
    seq: u64,
}

/// A resolver with its selector and cache, owned by a layer.
pub(crate) struct ResolverState {
    scheme: Scheme,
    selector: TenantSelector,
    resolver: Arc<dyn KeyResolver>,
    cache: Mutex<Cache>,
    pub(crate) cache_ttl: Duration,
    pub(crate) cache_entries: usize,
}

#[derive(Clone)]
struct Cached {
    verifier: Option<Arc<Verifier>>,
    until: SystemTime,
    /// Insertion order: the oldest entry is evicted first.
    seq: u64,
}

impl ResolverState {
    pub(crate) fn new(
        scheme: Scheme,
        selector: TenantSelector,
        resolver: impl KeyResolver,
    ) -> Result<Self, ConfigError> {
        scheme.validate()?;
        Ok(Self {
            scheme,
            selector,
            resolver: Arc::new(resolver),
            cache: Mutex::default(),
            cache_ttl: DEFAULT_CACHE_TTL,
            cache_entries: DEFAULT_CACHE_ENTRIES,
        })
    }

    /// The same resolver with another cache configuration (and an empty cache).
    pub(crate) fn with_cache(&self, ttl: Duration, entries: usize) -> Self {
        Self {
            scheme: self.scheme.clone(),
            selector: self.selector.clone(),
            resolver: self.resolver.clone(),
            cache: Mutex::default(),
            cache_ttl: ttl,
            cache_entries: entries.max(1),
        }
    }

    pub(crate) fn scheme(&self) -> &Scheme {
        &self.scheme
    }

    /// The tenant and its verifier, from the cache or the resolver.
    pub(crate) async fn verifier_for(
        &self,
        parts: &Parts,
        clock: &dyn Clock,
    ) -> Result<(Arc<str>, Arc<Verifier>), Rejection> {
        let tenant = self
            .selector
            .select(parts)
            .ok_or(Rejection::new(RejectionKind::UnknownTenant))?;
        let now = clock.now();
        let cached = self
            .lock()
            .entries
            .get(tenant)
            .filter(|c| c.until > now)
            .cloned();
        let verifier = match cached {
            Some(c) => c.verifier,
            None => {
                let looked_up = CatchUnwind(self.resolver.keyring(tenant)).await;
                let verifier = match looked_up {
                    Ok(Ok(Some(keyring))) => match Verifier::new(self.scheme.clone(), keyring) {
                        Ok(v) => Some(Arc::new(v)),
                        Err(e) => {
                            tracing::warn!(target: TRACING_TARGET, tenant, error = %e, "tenant keyring is invalid");
                            return Err(Rejection::new(RejectionKind::KeyLookupFailed));
                        }
                    },
                    Ok(Ok(None)) => None,
                    Ok(Err(e)) => {
                        tracing::warn!(target: TRACING_TARGET, tenant, error = %e, "key lookup failed");
                        return Err(Rejection::new(RejectionKind::KeyLookupFailed));
                    }
                    Err(()) => {
                        tracing::error!(target: TRACING_TARGET, tenant, "key resolver panicked");
                        return Err(Rejection::new(RejectionKind::KeyLookupFailed));
                    }
                };
                self.remember(tenant, verifier.clone(), now);
                verifier
            }
        };
        let verifier = verifier.ok_or(Rejection::new(RejectionKind::UnknownTenant))?;
        Ok((Arc::from(tenant), verifier))
    }

    fn remember(&self, tenant: &str, verifier: Option<Arc<Verifier>>, now: SystemTime) {
        let until = now.checked_add(self.cache_ttl).unwrap_or(now);
        let mut cache = self.lock();
        if cache.entries.len() >= self.cache_entries {
            cache.entries.retain(|_, c| c.until > now);
        }
        if cache.entries.len() >= self.cache_entries {
            // Still full of live entries: drop the oldest.
            let oldest = cache
                .entries
                .iter()
                .min_by_key(|(_, c)| c.seq)
                .map(|(k, _)| k.clone());
            if let Some(oldest) = oldest {
                cache.entries.remove(&oldest);
            }
        }
        cache.seq = cache.seq.wrapping_add(1);
        let seq = cache.seq;
        cache.entries.insert(
            tenant.to_owned(),
            Cached {
                verifier,
                until,
                seq,
            },
        );
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Cache> {
        self.cache.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl fmt::Debug for ResolverState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KeyResolver")
            .field("scheme", &self.scheme.name())
            .field("selector", &self.selector)
            .field("cache_ttl", &self.cache_ttl)
            .finish_non_exhaustive()
    }
}

/// Turns a panic inside the user's resolver future into an error, so the request gets a 503
/// instead of taking the connection down.
struct CatchUnwind<F>(F);

impl<F: Future + Unpin> Future for CatchUnwind<F> {
    type Output = Result<F::Output, ()>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let inner = &mut self.0;
        match std::panic::catch_unwind(AssertUnwindSafe(|| Pin::new(inner).poll(cx))) {
            Ok(Poll::Ready(v)) => Poll::Ready(Ok(v)),
            Ok(Poll::Pending) => Poll::Pending,
            Err(_) => Poll::Ready(Err(())),
        }
    }
}

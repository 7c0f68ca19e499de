//! Per-tenant keys: a [`KeyResolver`] looks up the keyring for the tenant a delivery claims.

use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::{Duration, SystemTime};

use http::request::Parts;
use http::{HeaderMap, HeaderName, Uri};

use crate::error::ConfigError;
use crate::outcome::Outcome;
use crate::scheme::Scheme;
use crate::secret::Keyring;
use crate::trace::TRACING_TARGET;
use crate::verify::Verifier;

/// The future a [`KeyResolver`] returns: the tenant's keys, `Ok(None)` for an unknown tenant.
pub type ResolveFuture<'a> =
    Pin<Box<dyn Future<Output = Result<Option<TenantKeys>, ResolveError>> + Send + 'a>>;

/// A tenant's keys as a [`KeyResolver`] found them: the tenant's **canonical** id (the one
/// reported in [`Verified::tenant`](crate::Verified::tenant) and that replay state is kept
/// under, whatever spelling the request used) and its keyring.
///
/// ```
/// use webhook_guard::keys::TenantKeys;
/// use webhook_guard::{Keyring, Secret};
///
/// // A case-insensitive lookup of "ACME" or "acme" finds the tenant "acme".
/// let found = TenantKeys::new("acme", Keyring::from(Secret::new("whsec_acme")?));
/// assert_eq!(found.id(), "acme");
/// # Ok::<(), webhook_guard::ConfigError>(())
/// ```
#[derive(Debug, Clone)]
pub struct TenantKeys {
    id: String,
    keyring: Keyring,
}

impl TenantKeys {
    /// The keys of the tenant whose canonical id is `id`.
    #[must_use]
    pub fn new(id: impl Into<String>, keyring: Keyring) -> Self {
        Self {
            id: id.into(),
            keyring,
        }
    }

    /// The tenant's canonical id.
    #[must_use]
    pub fn id(&self) -> &str {
        &self.id
    }
}

/// Looks up the keys of a tenant, e.g. in a database.
///
/// The tenant name comes from the request (a [`TenantSelector`]) and is **not** authenticated:
/// it only selects which keys to try, and the resolver runs only for requests that passed every
/// check that needs no key. An unknown tenant is answered exactly like a bad signature (401); a
/// lookup error, panic or missed deadline fails closed (503). Results are cached by the layer
/// (see [`WebhookLayer::resolver_cache_ttl`](crate::WebhookLayer::resolver_cache_ttl)).
///
/// Closures returning a future implement it:
///
/// ```
/// use webhook_guard::keys::{ResolveError, TenantKeys};
/// use webhook_guard::{providers, Keyring, Secret, WebhookLayer};
/// use webhook_guard::keys::TenantSelector;
///
/// let layer = WebhookLayer::with_resolver(
///     providers::stripe(),
///     TenantSelector::path_segment(1),
///     |tenant: String| async move {
///         // SELECT id, secret FROM tenants WHERE lower(name) = lower($1)
///         match tenant.to_ascii_lowercase().as_str() {
///             "acme" => Ok(Some(TenantKeys::new(
///                 "acme",
///                 Keyring::from(Secret::new("whsec_acme").map_err(|e| ResolveError::new(e.to_string()))?),
///             ))),
///             _ => Ok(None),
///         }
///     },
/// )?;
/// # Ok::<(), webhook_guard::ConfigError>(())
/// ```
pub trait KeyResolver: Send + Sync + 'static {
    /// The keys for `tenant`, or `Ok(None)` when there is no such tenant.
    fn keyring<'a>(&'a self, tenant: &'a str) -> ResolveFuture<'a>;
}

impl<F, Fut> KeyResolver for F
where
    F: Fn(String) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<Option<TenantKeys>, ResolveError>> + Send + 'static,
{
    fn keyring<'a>(&'a self, tenant: &'a str) -> ResolveFuture<'a> {
        Box::pin(self(tenant.to_owned()))
    }
}

/// A key lookup failed (database down, …). The message is logged, never sent to the client.
///
/// ```
/// let e = webhook_guard::keys::ResolveError::new("database unreachable");
/// assert_eq!(e.to_string(), "key lookup failed: database unreachable");
/// ```
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

/// A fixed map from tenant to keyring; names match exactly.
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
        let found = self
            .tenants
            .get(tenant)
            .map(|k| TenantKeys::new(tenant, k.clone()));
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

/// Where the tenant name is read from. Names are 1–128 bytes of `[A-Za-z0-9._:-]`; anything
/// else counts as no tenant (401).
///
/// ```
/// use webhook_guard::keys::TenantSelector;
///
/// let by_path = TenantSelector::path_segment(1); // /webhooks/{tenant}
/// let by_header = TenantSelector::header(http::HeaderName::from_static("x-shopify-shop-domain"));
/// # let _ = (by_path, by_header);
/// ```
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

    fn select<'p>(&self, uri: &'p Uri, headers: &'p HeaderMap) -> Option<&'p str> {
        let mut segments = uri.path().split('/').filter(|s| !s.is_empty());
        let raw = match &self.0 {
            Selector::PathSegment(i) => segments.nth(*i),
            Selector::LastPathSegment => segments.next_back(),
            Selector::Header(name) => headers.get(name).and_then(|v| v.to_str().ok()),
        }?;
        let valid = !raw.is_empty()
            && raw.len() <= 128
            && raw
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b':' | b'-'));
        valid.then_some(raw)
    }
}

/// How a layer caches and bounds its resolver's lookups (see
/// [`WebhookLayer::resolver_cache_ttl`](crate::WebhookLayer::resolver_cache_ttl)).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ResolverSettings {
    pub(crate) ttl: Duration,
    pub(crate) known: usize,
    pub(crate) unknown: usize,
    pub(crate) timeout: Duration,
}

impl Default for ResolverSettings {
    fn default() -> Self {
        Self {
            ttl: Duration::from_secs(60),
            known: 10_000,
            unknown: 10_000,
            timeout: Duration::from_secs(2),
        }
    }
}

/// What the caches say about a request's tenant.
pub(crate) enum Cached {
    /// Known: its canonical id and verifier.
    Known(Arc<str>, Arc<Verifier>),
    /// Known not to exist, or no valid tenant name: 401.
    Unknown,
    /// Not cached: ask the resolver for this name.
    Ask(String),
}

/// A resolver with its selector and caches, owned by a layer.
///
/// Two bounded caches, each evicting its oldest entry in O(1): tenants found (filled only by
/// names the resolver knows) and names not found. Junk names fill only the second, so they can
/// never evict a real tenant's keys.
pub(crate) struct ResolverState {
    scheme: Scheme,
    selector: TenantSelector,
    resolver: Arc<dyn KeyResolver>,
    pub(crate) settings: ResolverSettings,
    known: Mutex<Bounded<(Arc<str>, Arc<Verifier>)>>,
    unknown: Mutex<Bounded<()>>,
}

impl ResolverState {
    pub(crate) fn new(
        scheme: Scheme,
        selector: TenantSelector,
        resolver: Arc<dyn KeyResolver>,
        settings: ResolverSettings,
    ) -> Result<Self, ConfigError> {
        scheme.validate()?;
        Ok(Self {
            scheme,
            selector,
            resolver,
            known: Mutex::new(Bounded::new(settings.known)),
            unknown: Mutex::new(Bounded::new(settings.unknown)),
            settings,
        })
    }

    /// The same resolver with other settings (and empty caches).
    pub(crate) fn with_settings(&self, settings: ResolverSettings) -> Self {
        Self {
            scheme: self.scheme.clone(),
            selector: self.selector.clone(),
            resolver: self.resolver.clone(),
            known: Mutex::new(Bounded::new(settings.known)),
            unknown: Mutex::new(Bounded::new(settings.unknown)),
            settings,
        }
    }

    pub(crate) fn scheme(&self) -> &Scheme {
        &self.scheme
    }

    /// What the caches know of the tenant `parts` names, as of `now`.
    pub(crate) fn cached(&self, parts: &Parts, now: SystemTime) -> Cached {
        let Some(name) = self.selector.select(&parts.uri, &parts.headers) else {
            return Cached::Unknown;
        };
        if let Some((tenant, verifier)) = lock(&self.known).get(name, now) {
            return Cached::Known(tenant.clone(), verifier.clone());
        }
        if lock(&self.unknown).get(name, now).is_some() {
            return Cached::Unknown;
        }
        Cached::Ask(name.to_owned())
    }

    /// Asks the resolver about `name` and caches the answer. The caller bounds it in time.
    pub(crate) async fn ask(
        self: Arc<Self>,
        name: String,
        now: SystemTime,
    ) -> Result<(Arc<str>, Arc<Verifier>), Outcome> {
        let until = now.checked_add(self.settings.ttl).unwrap_or(now);
        let looked_up = CatchUnwind(self.resolver.keyring(&name)).await;
        let found = match looked_up {
            Ok(Ok(found)) => found,
            Ok(Err(e)) => {
                tracing::warn!(target: TRACING_TARGET, error = %e, "key lookup failed");
                return Err(Outcome::KeyLookupFailed);
            }
            Err(_) => {
                tracing::error!(target: TRACING_TARGET, "key resolver panicked");
                return Err(Outcome::KeyLookupFailed);
            }
        };
        let Some(found) = found else {
            lock(&self.unknown).insert(name, (), until);
            return Err(Outcome::UnknownTenant);
        };
        let verifier = match Verifier::new(self.scheme.clone(), found.keyring) {
            Ok(v) => Arc::new(v),
            Err(e) => {
                tracing::warn!(target: TRACING_TARGET, tenant = found.id, error = %e, "tenant keyring is invalid");
                return Err(Outcome::KeyLookupFailed);
            }
        };
        let tenant: Arc<str> = Arc::from(found.id);
        lock(&self.known).insert(name, (tenant.clone(), verifier.clone()), until);
        Ok((tenant, verifier))
    }
}

pub(crate) fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl fmt::Debug for ResolverState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KeyResolver")
            .field("scheme", &self.scheme.name())
            .field("selector", &self.selector)
            .field("settings", &self.settings)
            .finish_non_exhaustive()
    }
}

/// A map of at most `cap` entries with an expiry each, evicting the oldest insertion first:
/// O(1) per operation (amortised), whatever is inserted.
pub(crate) struct Bounded<V> {
    cap: usize,
    entries: HashMap<String, (V, SystemTime, u64)>,
    order: VecDeque<(String, u64)>,
    seq: u64,
}

impl<V> Bounded<V> {
    pub(crate) fn new(cap: usize) -> Self {
        Self {
            cap: cap.max(1),
            entries: HashMap::new(),
            order: VecDeque::new(),
            seq: 0,
        }
    }

    pub(crate) fn get(&self, key: &str, now: SystemTime) -> Option<&V> {
        self.entries
            .get(key)
            .filter(|(_, until, _)| *until > now)
            .map(|(v, _, _)| v)
    }

    pub(crate) fn insert(&mut self, key: String, value: V, until: SystemTime) {
        self.seq = self.seq.wrapping_add(1);
        let seq = self.seq;
        self.order.push_back((key.clone(), seq));
        self.entries.insert(key, (value, until, seq));
        while self.entries.len() > self.cap {
            self.evict_oldest();
        }
        // Re-inserted keys leave stale positions behind; compact when they dominate.
        if self.order.len() > self.cap.saturating_mul(2) {
            let entries = &self.entries;
            self.order
                .retain(|(k, s)| entries.get(k).is_some_and(|(_, _, live)| live == s));
        }
    }

    fn evict_oldest(&mut self) {
        while let Some((key, seq)) = self.order.pop_front() {
            if self
                .entries
                .get(&key)
                .is_some_and(|(_, _, live)| *live == seq)
            {
                self.entries.remove(&key);
                return;
            }
        }
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.entries.len()
    }
}

/// Catches a panic inside a user's future (a resolver, a handler run on its own task): the
/// panic's payload comes back as an error instead of unwinding through the caller.
pub(crate) struct CatchUnwind<F>(pub(crate) F);

impl<F: Future + Unpin> Future for CatchUnwind<F> {
    type Output = Result<F::Output, Box<dyn std::any::Any + Send>>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let inner = &mut self.0;
        match std::panic::catch_unwind(AssertUnwindSafe(|| Pin::new(inner).poll(cx))) {
            Ok(Poll::Ready(v)) => Poll::Ready(Ok(v)),
            Ok(Poll::Pending) => Poll::Pending,
            Err(panic) => Poll::Ready(Err(panic)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounded_evicts_the_oldest_and_stays_bounded() {
        let far = SystemTime::UNIX_EPOCH + Duration::from_secs(10);
        let now = SystemTime::UNIX_EPOCH;
        let mut b = Bounded::new(3);
        for i in 0..3 {
            b.insert(i.to_string(), i, far);
        }
        b.insert("3".into(), 3, far);
        assert!(b.get("0", now).is_none());
        assert_eq!(b.get("3", now), Some(&3));
        for _ in 0..100 {
            b.insert("1".into(), 1, far);
        }
        assert_eq!(b.len(), 3);
        assert!(b.order.len() <= 6);
        assert!(b.get("1", far).is_none(), "expired at `until`");
    }
}

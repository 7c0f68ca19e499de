//! [`WebhookLayer`]: configuration only, cheap to clone.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use smol_str::SmolStr;
use tower_layer::Layer;

use crate::budget::BufferBudget;
use crate::clock::Clock;
use crate::error::ConfigError;
use crate::keys::fetch::FetchSettings;
use crate::keys::resolver::ResolverSettings;
use crate::keys::{
    FetchedKeys, KeyFetcher, KeyResolver, KeySource, KeyringHandle, ResolverState, TenantSelector,
};
use crate::observe::Observer;
use crate::replay::ReplayGuard;
use crate::response::{DefaultResponder, Responder};
use crate::scheme::Scheme;
use crate::secret::Keyring;
use crate::service::Webhook;
use crate::settings::Shared;
use crate::trace::TRACING_TARGET;
use crate::verify::Verifier;

/// A Tower layer that verifies webhook signatures before the inner service sees the request.
///
/// For each request it checks the signature headers and timestamp (401 without reading the body
/// when they are missing, malformed or stale), refuses a `Content-Length` over the limit (413
/// without reading), reads the body under the limit and the deadline, verifies the MAC over the
/// exact bytes, and forwards the request with the **same bytes** as its body and a
/// [`Verified`](crate::Verified) extension. The inner service is never called for a rejected
/// request.
///
/// ```
/// use axum::{routing::post, Router};
/// use webhook_guard::{providers, Keyring, Secret, WebhookLayer};
///
/// let layer = WebhookLayer::new(
///     providers::stripe(),
///     Keyring::from(Secret::new("whsec_from_the_dashboard")?),
/// )?;
/// let app: Router = Router::new().route(
///     "/webhooks/stripe",
///     post(|body: String| async move { body.len().to_string() }).route_layer(layer),
/// );
/// # Ok::<(), webhook_guard::ConfigError>(())
/// ```
///
/// # Security considerations
///
/// * Put this layer **outside** (before) anything that transforms the body: decompression, JSON
///   parsing. It must see the bytes as they arrived. A body with a `Content-Encoding` other than
///   `identity` is refused with 415. A body limit outside it is fine: when that limit cuts off a
///   body without `Content-Length`, this layer answers 413.
/// * The layer enforces its own body limit (default: the scheme's, 1 MiB for most) and a total
///   body deadline (default 10 s, answered 408), which a slow client cannot defeat by trickling
///   bytes. To bound memory across requests, set [`max_buffered_bytes`](Self::max_buffered_bytes).
/// * Put it next to the handler, with
///   [`MethodRouter::route_layer`](https://docs.rs/axum/latest/axum/routing/method_routing/struct.MethodRouter.html#method.route_layer)
///   (`post(handler).route_layer(layer)`): unknown paths stay 404 and other methods 405 rather
///   than 401, and no route ends up behind another route's layer, as it does with
///   `Router::route_layer` after each `.route`. `docs/composing.md` in the repository places
///   every common tower-http layer around this one.
/// * A valid signature can be replayed inside the timestamp window (forever for schemes without
///   a timestamp, like GitHub's); handlers must be idempotent or use a replay guard.
#[derive(Clone)]
pub struct WebhookLayer {
    pub(crate) shared: Arc<Shared>,
}

/// The acknowledgement [`WebhookLayer::report_only`] requires: its only constructor says what it
/// means, so report-only mode cannot be switched on by accident or slip through review.
#[derive(Debug, Clone, Copy)]
pub struct UnverifiedRequestsReachTheHandler(());

impl UnverifiedRequestsReachTheHandler {
    /// "I understand that in report-only mode forged requests reach my handler."
    #[must_use]
    pub fn i_understand() -> Self {
        Self(())
    }
}

impl WebhookLayer {
    /// The default deadline for receiving the whole body: 10 s.
    pub const DEFAULT_BODY_TIMEOUT: Duration = Duration::from_secs(10);

    /// A layer verifying `scheme` with the secrets of `keyring`.
    ///
    /// # Errors
    ///
    /// Any [`ConfigError`] from [`Verifier::new`]: no secret, a secret that does not decode for
    /// this scheme, too many secrets, an invalid tolerance.
    pub fn new(scheme: Scheme, keyring: impl Into<Keyring>) -> Result<Self, ConfigError> {
        Ok(Self::from_verifier(Verifier::new(scheme, keyring)?))
    }

    /// A layer around an existing [`Verifier`].
    #[must_use]
    pub fn from_verifier(verifier: Verifier) -> Self {
        Self::from_source(KeySource::Static(Arc::new(verifier)))
    }

    /// A layer whose keys can be replaced while it runs, through `handle` (see
    /// [`KeyringHandle`]).
    #[must_use]
    pub fn from_handle(handle: KeyringHandle) -> Self {
        Self::from_source(KeySource::Handle(handle))
    }

    /// A layer for many tenants: `selector` reads the tenant a delivery claims (a path segment or
    /// a header — unsigned, it only selects keys) and `resolver` looks up that tenant's keys,
    /// e.g. in a database (closures returning a future are resolvers too, see
    /// [`KeyResolver`]).
    ///
    /// The resolver runs only for requests that passed every check that needs no key (signature
    /// header present and well formed, timestamp window, encoding, declared length), so every
    /// answer before a key is known is the same for known and unknown tenants. Lookups are
    /// cached (see [`resolver_cache_ttl`](Self::resolver_cache_ttl)) and bounded in time (see
    /// [`resolver_timeout`](Self::resolver_timeout)). An unknown tenant gets the same 401 as a
    /// bad signature; a lookup error, panic or timeout gets 503 with `Retry-After`.
    ///
    /// ```
    /// use webhook_guard::keys::{StaticResolver, TenantSelector};
    /// use webhook_guard::{providers, Keyring, Secret, WebhookLayer};
    ///
    /// let tenants = StaticResolver::new()
    ///     .tenant("acme", Keyring::from(Secret::new("whsec_acme")?));
    /// // POST /webhooks/{tenant}
    /// let layer = WebhookLayer::with_resolver(
    ///     providers::stripe(),
    ///     TenantSelector::path_segment(1),
    ///     tenants,
    /// )?;
    /// # Ok::<(), webhook_guard::ConfigError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// An invalid scheme (tolerance).
    pub fn with_resolver(
        scheme: Scheme,
        selector: TenantSelector,
        resolver: impl KeyResolver,
    ) -> Result<Self, ConfigError> {
        Ok(Self::from_source(KeySource::Resolver(Arc::new(
            ResolverState::new(
                scheme,
                selector,
                Arc::new(resolver),
                ResolverSettings::default(),
            )?,
        ))))
    }

    /// How long a resolver lookup (found or not) is cached (default 60 s). Rotations made in
    /// your database take effect within this time. No effect without a resolver.
    ///
    /// ```
    /// use std::time::Duration;
    /// # use webhook_guard::keys::{StaticResolver, TenantSelector};
    /// # use webhook_guard::{providers, WebhookLayer};
    /// let layer = WebhookLayer::with_resolver(providers::stripe(), TenantSelector::path_segment(1), StaticResolver::new())?
    ///     .resolver_cache_ttl(Duration::from_secs(10));
    /// # Ok::<(), webhook_guard::ConfigError>(())
    /// ```
    #[must_use]
    pub fn resolver_cache_ttl(self, ttl: Duration) -> Self {
        self.resolver_settings(|s| s.ttl = ttl)
    }

    /// How many tenants found, and separately how many names not found, are cached at most
    /// (default 10 000 each). Each cache evicts its oldest entry first; names not found never
    /// evict tenants found. No effect without a resolver.
    ///
    /// ```
    /// # use webhook_guard::keys::{StaticResolver, TenantSelector};
    /// # use webhook_guard::{providers, WebhookLayer};
    /// let layer = WebhookLayer::with_resolver(providers::stripe(), TenantSelector::path_segment(1), StaticResolver::new())?
    ///     .resolver_cache_entries(1_000);
    /// # Ok::<(), webhook_guard::ConfigError>(())
    /// ```
    #[must_use]
    pub fn resolver_cache_entries(self, entries: usize) -> Self {
        self.resolver_settings(|s| {
            s.known = entries;
            s.unknown = entries;
        })
    }

    /// How long one resolver lookup may take (default 2 s); a slower one is answered 503 with
    /// `Retry-After` (failing closed). No effect without a resolver.
    ///
    /// ```
    /// use std::time::Duration;
    /// # use webhook_guard::keys::{StaticResolver, TenantSelector};
    /// # use webhook_guard::{providers, WebhookLayer};
    /// let layer = WebhookLayer::with_resolver(providers::stripe(), TenantSelector::path_segment(1), StaticResolver::new())?
    ///     .resolver_timeout(Duration::from_millis(500));
    /// # Ok::<(), webhook_guard::ConfigError>(())
    /// ```
    #[must_use]
    pub fn resolver_timeout(self, timeout: Duration) -> Self {
        self.resolver_settings(|s| s.timeout = timeout)
    }

    /// A layer for a scheme whose deliveries name the key that verifies them
    /// ([`Scheme::fetches_keys`]: AWS SNS's `SigningCertURL`, PayPal's `PAYPAL-CERT-URL`,
    /// Plaid's JWT `kid`): `fetcher` fetches each key the first time a delivery names it.
    ///
    /// Once the body has arrived (SNS names its key in the body) and before anything is
    /// verified, the layer reads the reference and checks it against the scheme's allow-list:
    /// a reference outside it (another host, `http://`, a port, userinfo, a query…) is a
    /// verification failure, 401 `untrusted_key_location`, and is **never** fetched. An
    /// allowed one is looked up in a bounded cache of parsed keys (see
    /// [`key_cache_ttl`](Self::key_cache_ttl), [`key_cache_entries`](Self::key_cache_entries));
    /// on a miss the fetcher is called on its own task, once per location however many
    /// deliveries wait for it, under a deadline ([`key_fetch_timeout`](Self::key_fetch_timeout)),
    /// a size limit ([`key_fetch_max_bytes`](Self::key_fetch_max_bytes)) and a bound on the
    /// fetches in flight ([`max_key_fetches_in_flight`](Self::max_key_fetches_in_flight)).
    /// A fetch that fails, panics, misses its deadline, returns too much or nothing the scheme
    /// can parse is answered 503 with `Retry-After`
    /// ([`Outcome::KeyFetchFailed`](crate::Outcome::KeyFetchFailed), failing closed: the
    /// provider retries), and the handler is not called. A key the provider says does not exist
    /// ([`FetchError::not_found`](crate::keys::FetchError::not_found)) is answered 401.
    ///
    /// To verify without fetching, pin the key: [`WebhookLayer::new`] with the certificate (or
    /// JWK) as the secret.
    ///
    /// ```
    /// # #[cfg(feature = "rsa")] {
    /// use std::time::Duration;
    /// use webhook_guard::keys::{FetchError, KeyLocation};
    /// use webhook_guard::{providers, WebhookLayer};
    ///
    /// // Offline: a fetcher answering from a certificate store of your own.
    /// let layer = WebhookLayer::with_key_fetcher(
    ///     providers::aws_sns(),
    ///     |location: KeyLocation| async move {
    ///         Err::<Vec<u8>, _>(FetchError::new(format!("{location} is not in the store")))
    ///     },
    /// )?
    /// .key_fetch_timeout(Duration::from_secs(2));
    /// # }
    /// # Ok::<(), webhook_guard::ConfigError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`ConfigError::UnsupportedOption`] for a scheme whose deliveries name no key, and what
    /// [`Verifier::new`] checks of a scheme (a missing feature, a missing setting).
    pub fn with_key_fetcher(scheme: Scheme, fetcher: impl KeyFetcher) -> Result<Self, ConfigError> {
        Ok(Self::from_source(KeySource::Fetched(Arc::new(
            FetchedKeys::new(scheme, Arc::new(fetcher), FetchSettings::default())?,
        ))))
    }

    /// How long a fetched key is kept (default 1 h). A key past its certificate's `notAfter` (or
    /// its `expired_at`) stays cached but verifies nothing (401 `no_active_key`). No effect
    /// without a key fetcher.
    ///
    /// ```
    /// # #[cfg(feature = "rsa")] {
    /// use std::time::Duration;
    /// # use webhook_guard::keys::{FetchError, KeyLocation};
    /// # use webhook_guard::{providers, WebhookLayer};
    /// # let fetcher = |_: KeyLocation| async { Err::<Vec<u8>, _>(FetchError::new("offline")) };
    /// let layer = WebhookLayer::with_key_fetcher(providers::aws_sns(), fetcher)?
    ///     .key_cache_ttl(Duration::from_secs(24 * 3600));
    /// # }
    /// # Ok::<(), webhook_guard::ConfigError>(())
    /// ```
    #[must_use]
    pub fn key_cache_ttl(self, ttl: Duration) -> Self {
        self.fetch_settings(|s| s.ttl = ttl)
    }

    /// How many fetched keys, and separately how many key ids the provider said do not exist,
    /// are cached at most (default 64 each); each cache evicts its oldest entry first. No
    /// effect without a key fetcher.
    #[must_use]
    pub fn key_cache_entries(self, entries: usize) -> Self {
        self.fetch_settings(|s| s.entries = entries)
    }

    /// How long one key fetch may take (default 5 s); a slower one is answered 503 with
    /// `Retry-After`. No effect without a key fetcher.
    #[must_use]
    pub fn key_fetch_timeout(self, timeout: Duration) -> Self {
        self.fetch_settings(|s| s.timeout = timeout)
    }

    /// The most bytes one key fetch may return (default 64 KiB; a certificate is 1 to 2 KiB);
    /// more is answered 503. No effect without a key fetcher.
    #[must_use]
    pub fn key_fetch_max_bytes(self, bytes: usize) -> Self {
        self.fetch_settings(|s| s.max_bytes = bytes)
    }

    /// The most key fetches in flight at once, each for another location (default 4);
    /// deliveries naming yet another uncached location meanwhile are answered 503 with
    /// `Retry-After`. Deliveries naming a location being fetched wait for that fetch. No
    /// effect without a key fetcher.
    #[must_use]
    pub fn max_key_fetches_in_flight(self, fetches: usize) -> Self {
        self.fetch_settings(|s| s.in_flight = fetches.max(1))
    }

    /// Rebuilds the key fetcher (with empty caches) under changed settings.
    fn fetch_settings(mut self, change: impl FnOnce(&mut FetchSettings)) -> Self {
        let shared = Arc::make_mut(&mut self.shared);
        if let KeySource::Fetched(f) = &shared.keys {
            let mut settings = f.settings;
            change(&mut settings);
            shared.keys = KeySource::Fetched(Arc::new(f.with_settings(settings)));
        }
        self
    }

    /// Rebuilds the resolver (with empty caches) under changed settings.
    fn resolver_settings(mut self, change: impl FnOnce(&mut ResolverSettings)) -> Self {
        let shared = Arc::make_mut(&mut self.shared);
        if let KeySource::Resolver(r) = &shared.keys {
            let mut settings = r.settings;
            change(&mut settings);
            shared.keys = KeySource::Resolver(Arc::new(r.with_settings(settings)));
        }
        self
    }

    fn from_source(keys: KeySource) -> Self {
        Self {
            shared: Arc::new(Shared {
                body_limit: keys.scheme().default_body_limit(),
                provider: SmolStr::new(keys.scheme().name()),
                observe: Observer::new(keys.scheme()),
                keys,
                body_timeout: Some(Self::DEFAULT_BODY_TIMEOUT),
                clock: Clock::system(),
                responder: Arc::new(DefaultResponder),
                replay: None,
                report_only: false,
                budget: None,
            }),
        }
    }

    /// The largest body accepted, in bytes; larger ones get 413. Defaults to the scheme's
    /// (1 MiB, or the provider's own, e.g. 25 MiB for GitHub). With the `axum` feature it is
    /// also the limit of the handler's body extractors (`Bytes`, `String`, `Json`…): the layer
    /// hands it on as axum's `DefaultBodyLimit`, so a body it admitted is never refused there by
    /// axum's 2 MB default.
    #[must_use]
    pub fn body_limit(mut self, limit: usize) -> Self {
        Arc::make_mut(&mut self.shared).body_limit = limit;
        self
    }

    /// The deadline for receiving the whole body, from the moment the layer starts reading it
    /// (default 10 s); a body still incomplete then gets 408. This deadline is total, not per
    /// chunk, so trickling bytes does not extend it. It needs Tokio's timer.
    #[must_use]
    pub fn body_timeout(mut self, timeout: Duration) -> Self {
        Arc::make_mut(&mut self.shared).body_timeout = Some(timeout);
        self
    }

    /// Removes the body deadline, for runtimes without Tokio's timer. Slow clients are then
    /// bounded only by the server's own timeouts.
    #[must_use]
    pub fn without_body_timeout(mut self) -> Self {
        Arc::make_mut(&mut self.shared).body_timeout = None;
        self
    }

    /// Bounds the body bytes buffered at once by all requests through this layer and its clones
    /// (default: unbounded), so that a flood of large deliveries cannot exhaust memory.
    ///
    /// A request reserves its bytes **as they arrive** — a connection that sends headers and then
    /// nothing holds nothing — and gives them back when its response future completes or is
    /// dropped (the handler's use of the body included). When the budget cannot cover the next
    /// chunk the request is answered 503 with `Retry-After` (providers retry those) and the
    /// inner service is not called. Give at least [`body_limit`](Self::body_limit), or the
    /// largest deliveries can never pass.
    ///
    /// ```
    /// use webhook_guard::{providers, Keyring, Secret, WebhookLayer};
    ///
    /// // At most 64 deliveries of the 1 MiB limit in memory at once.
    /// let layer = WebhookLayer::new(providers::stripe(), Keyring::from(Secret::new("whsec_x")?))?
    ///     .max_buffered_bytes(64 << 20);
    /// # Ok::<(), webhook_guard::ConfigError>(())
    /// ```
    #[must_use]
    pub fn max_buffered_bytes(mut self, bytes: usize) -> Self {
        Arc::make_mut(&mut self.shared).budget = Some(BufferBudget::new(bytes));
        self
    }

    /// The clock timestamps and key expiries are checked against (default: the system clock).
    /// It is the one clock of the layer: the replay store and a [`KeyringHandle`] the layer was
    /// built from take their "now" from it.
    ///
    /// ```
    /// use webhook_guard::{providers, Clock, Keyring, Secret, WebhookLayer};
    ///
    /// let clock = Clock::manual_at_unix(1_700_000_000);
    /// let layer = WebhookLayer::new(providers::stripe(), Keyring::from(Secret::new("whsec_x")?))?
    ///     .clock(clock.clone());
    /// # Ok::<(), webhook_guard::ConfigError>(())
    /// ```
    #[must_use]
    pub fn clock(mut self, clock: Clock) -> Self {
        let shared = Arc::make_mut(&mut self.shared);
        if let KeySource::Handle(handle) = &shared.keys {
            handle.set_clock(clock.clone());
        }
        shared.clock = clock;
        self
    }

    /// How the layer answers when it does not call the inner service (default:
    /// [`DefaultResponder`]).
    #[must_use]
    pub fn responder(mut self, responder: impl Responder) -> Self {
        Arc::make_mut(&mut self.shared).responder = Arc::new(responder);
        self
    }

    /// Claims every verified delivery in a replay store before the handler runs: duplicates of
    /// completed deliveries get 200 without calling the handler, duplicates in progress 409, and
    /// a store failure 503 (fail closed). A claimed delivery's handler runs to completion even if
    /// the client hangs up (moved to a task of its own when the request is dropped), and its
    /// outcome settles the claim. See
    /// [`replay`](crate::replay).
    #[must_use]
    pub fn replay_guard(mut self, guard: ReplayGuard) -> Self {
        Arc::make_mut(&mut self.shared).replay = Some(guard);
        self
    }

    /// **Report-only (rollout) mode**: verify every delivery and record the outcome, but let
    /// deliveries that fail verification through to the handler, with the
    /// [`Outcome`](crate::Outcome) in the request's extensions (and no
    /// [`Verified`](crate::Verified)). For switching verification on
    /// for a live endpoint without an outage: deploy in report-only mode, watch the
    /// `REPORT-ONLY` warnings (target `webhook_guard`) until genuine traffic stops producing
    /// them, then remove this call to enforce.
    ///
    /// Only verification failures (401) are let through; oversized, slow or unreadable bodies,
    /// compressed bodies and replay-store outages are still refused. Never the default; the
    /// mode is announced with a warning when the layer is built and on every delivery it lets
    /// through.
    ///
    /// ```
    /// use webhook_guard::{providers, Keyring, Secret, UnverifiedRequestsReachTheHandler, WebhookLayer};
    ///
    /// let layer = WebhookLayer::new(providers::github(), Keyring::from(Secret::new("s")?))?
    ///     .report_only(UnverifiedRequestsReachTheHandler::i_understand());
    ///
    /// // In the handler:
    /// async fn handle(request: axum::extract::Request) {
    ///     if let Some(outcome) = request.extensions().get::<webhook_guard::Outcome>() {
    ///         // would have been refused: log it, and do not act on it
    ///     }
    /// }
    /// # Ok::<(), webhook_guard::ConfigError>(())
    /// ```
    #[must_use]
    pub fn report_only(mut self, _acknowledged: UnverifiedRequestsReachTheHandler) -> Self {
        tracing::warn!(
            target: TRACING_TARGET,
            provider = self.scheme().name(),
            "webhook verification is in REPORT-ONLY mode: unverified deliveries reach the handler"
        );
        Arc::make_mut(&mut self.shared).report_only = true;
        self
    }

    /// Adds the label `endpoint` = `name` to every metric this layer records (feature `metrics`;
    /// see [`metrics`](crate::metrics)), to tell apart several layers of one provider — one per
    /// route, or per team.
    ///
    /// Without it, a layer's metrics are labelled with the provider alone (the preset's name,
    /// or `custom`). The name is yours and goes into your metrics as it is: use a route or
    /// service name, never a secret, and never a tenant name unless you mean to publish it. It
    /// is set once per layer, so it adds one series per layer, not per request, and recording
    /// with it allocates nothing per request.
    ///
    /// ```
    /// use webhook_guard::{providers, Keyring, Secret, WebhookLayer};
    ///
    /// let layer = WebhookLayer::new(providers::stripe(), Keyring::from(Secret::new("whsec_x")?))?
    ///     .metrics_endpoint("billing");
    /// # Ok::<(), webhook_guard::ConfigError>(())
    /// ```
    #[cfg(feature = "metrics")]
    #[must_use]
    pub fn metrics_endpoint(mut self, name: impl Into<std::borrow::Cow<'static, str>>) -> Self {
        let name: ::metrics::SharedString = match name.into() {
            std::borrow::Cow::Borrowed(name) => name.into(),
            std::borrow::Cow::Owned(name) => name.into(),
        };
        let shared = Arc::make_mut(&mut self.shared);
        shared.observe = shared.observe.with_endpoint(name);
        self
    }

    /// The scheme this layer verifies.
    #[must_use]
    pub fn scheme(&self) -> &Scheme {
        self.shared.keys.scheme()
    }
}

impl<S> Layer<S> for WebhookLayer {
    type Service = Webhook<S>;

    fn layer(&self, inner: S) -> Self::Service {
        Webhook::new(inner, self.shared.clone())
    }
}

impl fmt::Debug for WebhookLayer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.shared.fmt(f)
    }
}

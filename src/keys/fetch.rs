//! Keys that come from the provider at run time: a [`KeyFetcher`] fetches what a delivery
//! names (a certificate URL, a key id), once it passed the scheme's allow-list; the layer caches
//! the parsed keys, bounds each fetch in time and size, and bounds the fetches in flight.

use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use tokio::sync::watch;

use super::resolver::{Bounded, CatchUnwind, lock};
use crate::error::ConfigError;
use crate::observe::{Ended, Observer, Stopwatch};
use crate::outcome::Outcome;
use crate::scheme::{KeyLocation, Scheme};
use crate::trace::TRACING_TARGET;
use crate::verify::{PreparedKey, Rejection, RejectionKind, Verifier};

/// The future a [`KeyFetcher`] returns: the bytes published at the location.
pub type FetchFuture<'a> = Pin<Box<dyn Future<Output = Result<Bytes, FetchError>> + Send + 'a>>;

/// Fetches the verification key a delivery names, for schemes whose keys come from the provider
/// at run time ([`Scheme::fetches_keys`]): AWS SNS and PayPal certificates by URL, Plaid keys by
/// id. Given to [`WebhookLayer::with_key_fetcher`](crate::WebhookLayer::with_key_fetcher).
///
/// The layer calls it only with a [`KeyLocation`] that passed the scheme's allow-list, at most
/// once per location at a time, under a deadline, and caches what it parsed; it refuses more
/// than `max_bytes`. With the `fetch` feature, [`HttpsFetcher`](crate::keys::HttpsFetcher)
/// GETs URLs over HTTPS; tests and offline set-ups can answer from memory. Closures returning a
/// future are fetchers:
///
/// ```
/// use webhook_guard::keys::{FetchError, KeyLocation};
/// use webhook_guard::{providers, WebhookLayer};
///
/// # #[cfg(feature = "rsa")] {
/// let layer = WebhookLayer::with_key_fetcher(providers::aws_sns(), |location: KeyLocation| async move {
///     match location.as_str() {
///         "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-abc.pem" => {
///             Ok(b"-----BEGIN CERTIFICATE-----\n...".to_vec())
///         }
///         _ => Err(FetchError::new("not in this test's certificate store")),
///     }
/// })?;
/// # }
/// # Ok::<(), webhook_guard::ConfigError>(())
/// ```
pub trait KeyFetcher: Send + Sync + 'static {
    /// The bytes published at `location`. More than `max_bytes` is refused by the layer, so a
    /// fetcher should stop reading past it.
    fn fetch<'a>(&'a self, location: &'a KeyLocation, max_bytes: usize) -> FetchFuture<'a>;
}

impl<F, Fut, B> KeyFetcher for F
where
    F: Fn(KeyLocation) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<B, FetchError>> + Send + 'static,
    B: Into<Bytes>,
{
    fn fetch<'a>(&'a self, location: &'a KeyLocation, _max_bytes: usize) -> FetchFuture<'a> {
        let fetched = self(location.clone());
        Box::pin(async move { fetched.await.map(Into::into) })
    }
}

/// A key fetch failed. The message is logged, never sent to the client.
///
/// A plain error (network, TLS, HTTP status) makes the layer answer 503 with `Retry-After`, so
/// that the provider retries; [`FetchError::not_found`] says the provider has **no** such key,
/// which is answered 401 like a bad signature and remembered for a minute.
///
/// ```
/// use webhook_guard::keys::FetchError;
///
/// let e = FetchError::new("connection refused");
/// assert_eq!(e.to_string(), "key fetch failed: connection refused");
/// assert!(!e.is_not_found());
/// assert!(FetchError::not_found("no such kid").is_not_found());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetchError {
    message: String,
    not_found: bool,
}

impl FetchError {
    /// A failure to fetch (do not put secrets in the message).
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            not_found: false,
        }
    }

    /// The provider answered that the key does not exist (an unknown key id).
    pub fn not_found(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            not_found: true,
        }
    }

    /// Whether the provider said the key does not exist.
    #[must_use]
    pub fn is_not_found(&self) -> bool {
        self.not_found
    }
}

impl fmt::Display for FetchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "key fetch failed: {}", self.message)
    }
}

impl std::error::Error for FetchError {}

/// How a layer caches and bounds its key fetches (see
/// [`WebhookLayer::with_key_fetcher`](crate::WebhookLayer::with_key_fetcher)).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct FetchSettings {
    /// How long a fetched key is kept.
    pub(crate) ttl: Duration,
    /// How many fetched keys are kept at most.
    pub(crate) entries: usize,
    /// The deadline of one fetch.
    pub(crate) timeout: Duration,
    /// The most bytes one fetch may return.
    pub(crate) max_bytes: usize,
    /// The most fetches in flight at once (of different locations).
    pub(crate) in_flight: usize,
    /// How long a key the provider says does not exist is remembered.
    pub(crate) not_found_ttl: Duration,
}

impl Default for FetchSettings {
    fn default() -> Self {
        Self {
            ttl: Duration::from_secs(3600),
            entries: 64,
            timeout: Duration::from_secs(5),
            max_bytes: 64 * 1024,
            in_flight: 4,
            not_found_ttl: Duration::from_secs(60),
        }
    }
}

/// What a fetch ended with, shared by every request waiting for it.
type Fetched = Result<Arc<PreparedKey>, Outcome>;

/// A request's wait for a fetch.
pub(crate) type FetchWait = Pin<Box<dyn Future<Output = Fetched> + Send>>;

/// What the caches know of a location.
pub(crate) enum Known {
    /// Fetched and parsed.
    Key(Arc<PreparedKey>),
    /// The provider said there is no such key: 401.
    Missing,
    /// Not cached: fetch it.
    Fetch,
}

/// A fetcher with its caches and limits, owned by a layer.
///
/// Two bounded caches, each evicting its oldest entry in O(1): keys fetched and parsed, and
/// locations the provider said do not exist (so junk key ids never evict real keys). Fetches in
/// flight are shared: every request naming a location being fetched waits for the same fetch,
/// which runs on its own task (a client hanging up does not cancel it).
pub(crate) struct FetchedKeys {
    /// The scheme's verifier, without keys of its own.
    pub(crate) verifier: Arc<Verifier>,
    fetcher: Arc<dyn KeyFetcher>,
    pub(crate) settings: FetchSettings,
    known: Mutex<Bounded<Arc<PreparedKey>>>,
    missing: Mutex<Bounded<()>>,
    in_flight: Mutex<HashMap<String, watch::Receiver<Option<Fetched>>>>,
}

impl FetchedKeys {
    pub(crate) fn new(
        scheme: Scheme,
        fetcher: Arc<dyn KeyFetcher>,
        settings: FetchSettings,
    ) -> Result<Self, ConfigError> {
        Ok(Self {
            verifier: Arc::new(Verifier::fetching(scheme)?),
            fetcher,
            known: Mutex::new(Bounded::new(settings.entries)),
            missing: Mutex::new(Bounded::new(settings.entries)),
            in_flight: Mutex::new(HashMap::new()),
            settings,
        })
    }

    /// The same fetcher with other settings (and empty caches).
    pub(crate) fn with_settings(&self, settings: FetchSettings) -> Self {
        Self {
            verifier: self.verifier.clone(),
            fetcher: self.fetcher.clone(),
            known: Mutex::new(Bounded::new(settings.entries)),
            missing: Mutex::new(Bounded::new(settings.entries)),
            in_flight: Mutex::new(HashMap::new()),
            settings,
        }
    }

    pub(crate) fn scheme(&self) -> &Scheme {
        self.verifier.scheme()
    }

    /// What the caches know of `location` as of `now`.
    pub(crate) fn cached(&self, location: &KeyLocation, now: SystemTime) -> Known {
        let key = location.cache_key();
        if let Some(found) = lock(&self.known).get(&key, now) {
            return Known::Key(found.clone());
        }
        if lock(&self.missing).get(&key, now).is_some() {
            return Known::Missing;
        }
        Known::Fetch
    }

    /// Waits for `location`'s key: joins the fetch in flight for it, or starts one on its own
    /// task. Refused (503) when as many other fetches are in flight as allowed, or without a
    /// Tokio runtime. The caller bounds the wait in time.
    pub(crate) fn fetch(
        self: &Arc<Self>,
        location: KeyLocation,
        now: SystemTime,
        observe: &Observer,
    ) -> Result<FetchWait, Outcome> {
        let key = location.cache_key();
        let mut in_flight = lock(&self.in_flight);
        // Fetched meanwhile (the cache is filled before the fetch leaves the map).
        if let Some(found) = lock(&self.known).get(&key, now) {
            let found = found.clone();
            return Ok(Box::pin(async move { Ok(found) }));
        }
        let receiver = match in_flight.get(&key) {
            Some(receiver) => receiver.clone(),
            None => {
                if in_flight.len() >= self.settings.in_flight {
                    tracing::warn!(
                        target: TRACING_TARGET,
                        limit = self.settings.in_flight,
                        "key fetch refused: too many fetches in flight"
                    );
                    return Err(Outcome::KeyFetchFailed);
                }
                let Ok(runtime) = tokio::runtime::Handle::try_current() else {
                    return Err(Outcome::KeyFetchFailed);
                };
                let (sender, receiver) = watch::channel(None);
                in_flight.insert(key.clone(), receiver.clone());
                let state = self.clone();
                let observe = observe.clone();
                runtime.spawn(async move {
                    let guard = InFlight {
                        state: state.clone(),
                        key,
                    };
                    let (started, mut timed_out) = (Stopwatch::start(), false);
                    let fetched = state.run(&location, now, &mut timed_out).await;
                    observe.fetch(fetch_ended(&fetched, timed_out), started);
                    drop(guard);
                    sender.send_replace(Some(fetched));
                });
                receiver
            }
        };
        drop(in_flight);
        let mut receiver = receiver;
        Ok(Box::pin(async move {
            match receiver.wait_for(Option::is_some).await {
                Ok(fetched) => fetched.clone().unwrap_or(Err(Outcome::KeyFetchFailed)),
                // The fetch's task is gone (runtime shutting down).
                Err(_) => Err(Outcome::KeyFetchFailed),
            }
        }))
    }

    /// One fetch: under the deadline (`timed_out` says it was missed), the size limit, parsed
    /// by the scheme, cached.
    async fn run(&self, location: &KeyLocation, now: SystemTime, timed_out: &mut bool) -> Fetched {
        let failed = |why: &str| {
            tracing::warn!(target: TRACING_TARGET, location = %location, reason = why, "key fetch failed");
            Err(Outcome::KeyFetchFailed)
        };
        let max = self.settings.max_bytes;
        let fetched = tokio::time::timeout(
            self.settings.timeout,
            CatchUnwind(self.fetcher.fetch(location, max)),
        )
        .await;
        let bytes = match fetched {
            Err(_) => {
                *timed_out = true;
                return failed("deadline");
            }
            Ok(Err(_)) => {
                tracing::error!(target: TRACING_TARGET, location = %location, "key fetcher panicked");
                return Err(Outcome::KeyFetchFailed);
            }
            Ok(Ok(Err(e))) if e.is_not_found() => {
                tracing::warn!(target: TRACING_TARGET, location = %location, error = %e, "no such key");
                let until = now.checked_add(self.settings.not_found_ttl).unwrap_or(now);
                lock(&self.missing).insert(location.cache_key(), (), until);
                return Err(Outcome::Rejected(Rejection::new(
                    RejectionKind::SignatureMismatch,
                )));
            }
            Ok(Ok(Err(e))) => {
                tracing::warn!(target: TRACING_TARGET, location = %location, error = %e, "key fetch failed");
                return Err(Outcome::KeyFetchFailed);
            }
            Ok(Ok(Ok(bytes))) => bytes,
        };
        if bytes.len() > max {
            return failed("larger than the limit");
        }
        let scheme = self.scheme();
        let Some(text) = scheme
            .remote
            .as_ref()
            .and_then(|remote| remote.parse(location, &bytes))
        else {
            return failed("no key in what was fetched");
        };
        let key = match PreparedKey::fetched(scheme, location, text) {
            Ok(key) => Arc::new(key),
            Err(e) => {
                tracing::warn!(target: TRACING_TARGET, location = %location, error = %e, "fetched key is invalid");
                return Err(Outcome::KeyFetchFailed);
            }
        };
        // An expired key is kept too (it verifies nothing): deliveries naming it must not
        // fetch it again and again.
        let until = now.checked_add(self.settings.ttl).unwrap_or(now);
        lock(&self.known).insert(location.cache_key(), key.clone(), until);
        Ok(key)
    }
}

/// How a fetch ended, for metrics: `run` answers 401 (a rejection) only for a key the provider
/// says does not exist.
fn fetch_ended(fetched: &Fetched, timed_out: bool) -> Ended {
    match fetched {
        Ok(_) => Ended::Ok,
        Err(Outcome::Rejected(_)) => Ended::NotFound,
        Err(_) if timed_out => Ended::Timeout,
        Err(_) => Ended::Error,
    }
}

/// Removes a location from the fetches in flight when its fetch ends, however it ends.
struct InFlight {
    state: Arc<FetchedKeys>,
    key: String,
}

impl Drop for InFlight {
    fn drop(&mut self) {
        lock(&self.state.in_flight).remove(&self.key);
    }
}

impl fmt::Debug for FetchedKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KeyFetcher")
            .field("scheme", &self.scheme().name())
            .field("settings", &self.settings)
            .finish_non_exhaustive()
    }
}

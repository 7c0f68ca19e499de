//! Where a layer's keys come from: fixed at construction, replaceable at runtime through a
//! [`KeyringHandle`], looked up per tenant by a [`KeyResolver`], or fetched from the provider
//! by a [`KeyFetcher`] for schemes whose deliveries name their key (AWS SNS, PayPal, Plaid).
//!
//! ```
//! use std::time::{Duration, SystemTime};
//! use webhook_guard::keys::KeyringHandle;
//! use webhook_guard::{providers, Keyring, Secret, WebhookLayer};
//!
//! let handle = KeyringHandle::new(
//!     providers::stripe(),
//!     Keyring::new().key("2026-05", Secret::new("whsec_old")?),
//! )?;
//! let layer = WebhookLayer::from_handle(handle.clone());
//!
//! // Later, while the server runs: the new secret matches from now on, the old one for 48 more
//! // hours and never after.
//! handle.rotate(
//!     "2026-11",
//!     Secret::new("whsec_new")?,
//!     SystemTime::now() + Duration::from_secs(48 * 3600),
//! )?;
//! assert_eq!(handle.labels(), ["2026-11", "2026-05"]);
//! # Ok::<(), webhook_guard::ConfigError>(())
//! ```

pub(crate) mod fetch;
#[cfg(feature = "fetch")]
pub(crate) mod https;
pub(crate) mod resolver;

use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use arc_swap::ArcSwap;

pub use crate::scheme::KeyLocation;
pub(crate) use fetch::FetchedKeys;
pub use fetch::{FetchError, FetchFuture, KeyFetcher};
#[cfg(feature = "fetch")]
pub use https::HttpsFetcher;
pub(crate) use resolver::ResolverState;
pub use resolver::{
    KeyResolver, ResolveError, ResolveFuture, StaticResolver, TenantKeys, TenantSelector,
};

use crate::clock::Clock;
use crate::error::ConfigError;
use crate::scheme::Scheme;
use crate::secret::{Keyring, Secret};
use crate::verify::Verifier;

/// A cheap, cloneable handle to the keys a running layer uses.
///
/// Requests read the current keys without taking a lock (one atomic load); replacing them
/// builds and checks the new keys first, so a bad secret is an error here and the running keys
/// stay in place. Clones share the same keys: keep one in your admin endpoint or secret-manager
/// watcher and give another to [`WebhookLayer::from_handle`](crate::WebhookLayer::from_handle).
/// The handle follows the clock of the layer it serves (see
/// [`WebhookLayer::clock`](crate::WebhookLayer::clock)) when it drops expired keys.
#[derive(Clone)]
pub struct KeyringHandle {
    inner: Arc<HandleInner>,
}

struct HandleInner {
    scheme: Scheme,
    clock: Mutex<Clock>,
    current: ArcSwap<Active>,
    /// Serialises writers so that two concurrent rotations cannot lose one another's key.
    write: Mutex<()>,
}

pub(crate) struct Active {
    verifier: Arc<Verifier>,
    keyring: Keyring,
}

impl KeyringHandle {
    /// A handle starting with `keyring`.
    ///
    /// # Errors
    ///
    /// As [`Verifier::new`].
    pub fn new(scheme: Scheme, keyring: impl Into<Keyring>) -> Result<Self, ConfigError> {
        let keyring = keyring.into();
        let verifier = Arc::new(Verifier::new(scheme.clone(), keyring.clone())?);
        Ok(Self {
            inner: Arc::new(HandleInner {
                scheme,
                clock: Mutex::new(Clock::system()),
                current: ArcSwap::from_pointee(Active { verifier, keyring }),
                write: Mutex::new(()),
            }),
        })
    }

    /// Replaces every key at once.
    ///
    /// # Errors
    ///
    /// As [`Verifier::new`]; the current keys stay in place.
    pub fn replace(&self, keyring: impl Into<Keyring>) -> Result<(), ConfigError> {
        let _writer = self.inner.write.lock().unwrap_or_else(|e| e.into_inner());
        self.store(keyring.into())
    }

    /// Rotates: `secret` (labelled `label`) is added in front and matches from now on; every key
    /// currently valid keeps matching until `old_valid_until` (or its own earlier expiry) and
    /// never from that instant on. Keys already expired are dropped.
    ///
    /// # Errors
    ///
    /// As [`Verifier::new`] — e.g. a duplicate label or more than
    /// [`Keyring::MAX_KEYS`] keys still valid; the current keys stay in place.
    pub fn rotate(
        &self,
        label: impl Into<Arc<str>>,
        secret: Secret,
        old_valid_until: SystemTime,
    ) -> Result<(), ConfigError> {
        let _writer = self.inner.write.lock().unwrap_or_else(|e| e.into_inner());
        let now = self.clock().now();
        let current = self.inner.current.load();
        let mut next = Keyring::new().key(label, secret);
        for entry in &current.keyring.entries {
            let until = entry
                .expires_at
                .map_or(old_valid_until, |at| at.min(old_valid_until));
            if until > now {
                next = next.key_until(entry.label.clone(), entry.secret.duplicate(), until);
            }
        }
        self.store(next)
    }

    /// Removes the key labelled `label`.
    ///
    /// # Errors
    ///
    /// [`ConfigError::NoKeys`] if it was the last one; the current keys stay in place.
    pub fn remove(&self, label: &str) -> Result<(), ConfigError> {
        let _writer = self.inner.write.lock().unwrap_or_else(|e| e.into_inner());
        let current = self.inner.current.load();
        let mut next = Keyring::new();
        for entry in current
            .keyring
            .entries
            .iter()
            .filter(|e| &*e.label != label)
        {
            next.entries.push(crate::secret::KeyEntry {
                label: entry.label.clone(),
                secret: entry.secret.duplicate(),
                expires_at: entry.expires_at,
            });
        }
        self.store(next)
    }

    /// The labels of the current keys, in the order they are tried.
    #[must_use]
    pub fn labels(&self) -> Vec<String> {
        self.inner
            .current
            .load()
            .keyring
            .labels()
            .map(str::to_owned)
            .collect()
    }

    /// The scheme the keys are for.
    #[must_use]
    pub fn scheme(&self) -> &Scheme {
        &self.inner.scheme
    }

    /// The clock of the layer this handle serves.
    pub(crate) fn set_clock(&self, clock: Clock) {
        *self.inner.clock.lock().unwrap_or_else(|e| e.into_inner()) = clock;
    }

    fn clock(&self) -> Clock {
        self.inner
            .clock
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// The verifier of the current keys.
    pub(crate) fn current(&self) -> Arc<Verifier> {
        self.inner.current.load().verifier.clone()
    }

    fn store(&self, keyring: Keyring) -> Result<(), ConfigError> {
        let verifier = Arc::new(Verifier::new(self.inner.scheme.clone(), keyring.clone())?);
        self.inner
            .current
            .store(Arc::new(Active { verifier, keyring }));
        Ok(())
    }
}

impl fmt::Debug for KeyringHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KeyringHandle")
            .field("scheme", &self.inner.scheme.name())
            .field("keys", &self.labels())
            .finish()
    }
}

/// Where a layer gets its verifier for a request.
#[derive(Clone)]
pub(crate) enum KeySource {
    Static(Arc<Verifier>),
    Handle(KeyringHandle),
    Resolver(Arc<ResolverState>),
    Fetched(Arc<FetchedKeys>),
}

impl KeySource {
    pub(crate) fn scheme(&self) -> &Scheme {
        match self {
            Self::Static(v) => v.scheme(),
            Self::Handle(h) => h.scheme(),
            Self::Resolver(r) => r.scheme(),
            Self::Fetched(f) => f.scheme(),
        }
    }
}

impl fmt::Debug for KeySource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Static(v) => v.fmt(f),
            Self::Handle(h) => h.fmt(f),
            Self::Resolver(r) => r.fmt(f),
            Self::Fetched(k) => k.fmt(f),
        }
    }
}

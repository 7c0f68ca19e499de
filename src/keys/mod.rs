//! Where a layer's keys come from: fixed at construction, replaceable at runtime through a
//! [`KeyringHandle`], or looked up per tenant by a [`KeyResolver`].
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

mod resolver;

use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use arc_swap::ArcSwap;

pub(crate) use resolver::ResolverState;
pub use resolver::{
    KeyResolver, ResolveError, ResolveFuture, StaticResolver, TenantSelector, resolver_fn,
};

use crate::clock::{Clock, SystemClock};
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
#[derive(Clone)]
pub struct KeyringHandle {
    inner: Arc<HandleInner>,
}

struct HandleInner {
    scheme: Scheme,
    clock: Arc<dyn Clock>,
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
                clock: Arc::new(SystemClock),
                current: ArcSwap::from_pointee(Active { verifier, keyring }),
                write: Mutex::new(()),
            }),
        })
    }

    /// The clock [`rotate`](Self::rotate) uses to drop keys that have already expired (default:
    /// the system clock). Give it the layer's clock when the layer has a test clock.
    #[must_use]
    pub fn with_clock(self, clock: impl Clock) -> Self {
        let inner = HandleInner {
            scheme: self.inner.scheme.clone(),
            clock: Arc::new(clock),
            current: ArcSwap::new(self.inner.current.load_full()),
            write: Mutex::new(()),
        };
        Self {
            inner: Arc::new(inner),
        }
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
        let now = self.inner.clock.now();
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
}

impl KeySource {
    pub(crate) fn scheme(&self) -> &Scheme {
        match self {
            Self::Static(v) => v.scheme(),
            Self::Handle(h) => h.scheme(),
            Self::Resolver(r) => r.scheme(),
        }
    }

    /// The verifier for this request, and the tenant it is for (resolver only).
    pub(crate) async fn verifier_for(
        &self,
        parts: &http::request::Parts,
        clock: &dyn crate::clock::Clock,
    ) -> Result<(Arc<Verifier>, Option<Arc<str>>), crate::rejection::Rejection> {
        match self.fixed() {
            Ok(verifier) => Ok((verifier.to_arc(), None)),
            Err(resolver) => {
                let (tenant, verifier) = resolver.verifier_for(parts, clock).await?;
                Ok((verifier, Some(tenant)))
            }
        }
    }

    /// The verifier when it needs no lookup (static keys or a handle: the same for every
    /// request), or else the resolver to ask. Touches no reference count: requests on every
    /// core read it without contending for one cache line.
    pub(crate) fn fixed(&self) -> Result<FixedVerifier<'_>, &ResolverState> {
        match self {
            Self::Static(v) => Ok(FixedVerifier::Static(v)),
            Self::Handle(h) => Ok(FixedVerifier::Current(h.inner.current.load())),
            Self::Resolver(r) => Err(r),
        }
    }
}

/// A borrowed verifier: the static one, or the one a [`KeyringHandle`] holds right now.
pub(crate) enum FixedVerifier<'a> {
    Static(&'a Arc<Verifier>),
    Current(arc_swap::Guard<Arc<Active>>),
}

impl FixedVerifier<'_> {
    pub(crate) fn to_arc(&self) -> Arc<Verifier> {
        match self {
            Self::Static(v) => Arc::clone(v),
            Self::Current(active) => active.verifier.clone(),
        }
    }
}

impl std::ops::Deref for FixedVerifier<'_> {
    type Target = Verifier;

    fn deref(&self) -> &Verifier {
        match self {
            Self::Static(v) => v,
            Self::Current(active) => &active.verifier,
        }
    }
}

impl fmt::Debug for KeySource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Static(v) => v.fmt(f),
            Self::Handle(h) => h.fmt(f),
            Self::Resolver(r) => r.fmt(f),
        }
    }
}

//! [`Verified`]: what the core proved about a delivery, and the identity the replay guard
//! claims it by.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use http::HeaderValue;
use sha2::{Digest, Sha256};
use smol_str::SmolStr;

/// What the layer proved about a delivery. Handlers find it in the request extensions (and, with
/// the `axum` feature, extract it directly).
///
/// ```
/// # #[cfg(feature = "axum")] {
/// use webhook_guard::Verified;
///
/// async fn handler(verified: Verified, body: axum::body::Bytes) -> String {
///     format!("{} delivery signed with key {}", verified.provider(), verified.key_label())
/// }
/// # let _: axum::routing::MethodRouter = axum::routing::post(handler);
/// # }
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct Verified {
    pub(crate) provider: SmolStr,
    pub(crate) id: Option<HeaderValue>,
    pub(crate) timestamp: Option<u64>,
    pub(crate) key_label: SmolStr,
    pub(crate) unsigned: bool,
    pub(crate) tenant: Option<Arc<str>>,
    pub(crate) identity: Option<Identity>,
}

impl Verified {
    /// The scheme's name (`stripe`, `github`, `standard-webhooks`, …).
    #[must_use]
    pub fn provider(&self) -> &str {
        &self.provider
    }

    /// The delivery id, for schemes that sign one (Standard Webhooks' `webhook-id`).
    #[must_use]
    pub fn delivery_id(&self) -> Option<&str> {
        // Checked to be `[A-Za-z0-9_:-]` when the delivery was verified.
        self.id.as_ref().and_then(|v| v.to_str().ok())
    }

    /// The signed timestamp, for schemes that have one.
    #[must_use]
    pub fn timestamp(&self) -> Option<SystemTime> {
        self.timestamp
            .and_then(|t| UNIX_EPOCH.checked_add(Duration::from_secs(t)))
    }

    /// The signed timestamp in seconds since the Unix epoch.
    #[must_use]
    pub fn timestamp_unix(&self) -> Option<u64> {
        self.timestamp
    }

    /// The label of the key that matched (see [`Keyring::key`](crate::Keyring::key)); empty
    /// for an [unsigned](Self::is_unsigned) set-up request.
    #[must_use]
    pub fn key_label(&self) -> &str {
        &self.key_label
    }

    /// The tenant whose keys verified the delivery, as the key resolver named it (see
    /// [`WebhookLayer::with_resolver`](crate::WebhookLayer::with_resolver)).
    #[must_use]
    pub fn tenant(&self) -> Option<&str> {
        self.tenant.as_deref()
    }

    /// `true` for an **unsigned** set-up request a scheme lets through when it
    /// [answers handshakes](crate::Scheme::answer_handshakes) (WooCommerce's creation ping).
    /// Nothing about such a request was verified: answer it and do nothing else. It never
    /// claims a replay entry.
    ///
    /// ```
    /// # #[cfg(feature = "axum")] {
    /// use webhook_guard::Verified;
    ///
    /// async fn woocommerce(verified: Verified, body: axum::body::Bytes) -> &'static str {
    ///     if verified.is_unsigned() {
    ///         return "pong"; // unauthenticated: never act on it
    ///     }
    ///     // … a genuine, signed delivery …
    ///     "ok"
    /// }
    /// # let _: axum::routing::MethodRouter = axum::routing::post(woocommerce);
    /// # }
    /// ```
    #[must_use]
    pub fn is_unsigned(&self) -> bool {
        self.unsigned
    }

    pub(crate) fn identity(&self) -> Option<&Identity> {
        self.identity.as_ref()
    }
}

impl fmt::Debug for Verified {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Verified")
            .field("provider", &self.provider)
            .field("delivery_id", &self.delivery_id())
            .field("timestamp", &self.timestamp)
            .field("key_label", &self.key_label)
            .field("tenant", &self.tenant)
            .field("unsigned", &self.unsigned)
            .finish_non_exhaustive()
    }
}

/// What identifies a delivery whatever key signed it and however it was spelled: the SHA-256
/// of the signed delivery id where the scheme signs one, otherwise of the signed message (for
/// schemes that sign a canonical form of the body, of that form). Never derived from a key or
/// a signature, so it survives key rotation and re-encodings.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) struct Identity {
    pub(crate) of_id: bool,
    pub(crate) digest: [u8; 32],
}

impl Identity {
    pub(crate) fn of_id(id: &[u8]) -> Self {
        Self {
            of_id: true,
            digest: Sha256::digest(id).into(),
        }
    }

    pub(crate) fn of_message(hasher: Sha256) -> Self {
        Self {
            of_id: false,
            digest: hasher.finalize().into(),
        }
    }
}

impl fmt::Debug for Identity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Identity(..)")
    }
}

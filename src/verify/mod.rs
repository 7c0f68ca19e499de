//! The verification core: `(scheme, keys, request, body, now) -> Verified | Rejection`.
//!
//! Pure and synchronous: no tower, no axum, no async, no I/O, and no provider names — what a
//! provider does differently is data of its [`Scheme`]. Its only HTTP types are those of the
//! `http` crate. The middleware is a shell around it: [`Head::check`] (no key needed), then
//! [`Verifier::start`] (keys), [`Pending::update`] per body chunk and [`Pending::finish`].
#![warn(clippy::arithmetic_side_effects)]

mod head;
mod pending;
mod verified;

pub(crate) use crate::rejection::{Rejection, RejectionKind};
pub(crate) use head::{Head, valid_id};
pub(crate) use pending::{Checked, Pending};
pub(crate) use verified::Identity;
pub use verified::Verified;

use std::fmt;
use std::sync::Arc;
use std::time::SystemTime;

use smol_str::SmolStr;

use crate::crypto::KeyState;
use crate::error::ConfigError;
use crate::scheme::message::RequestView;
use crate::scheme::{Answer, Scheme};
use crate::secret::{Keyring, Secret};

/// Checks deliveries for one scheme against one keyring.
///
/// Build it once; it is cheap to clone and safe to share. Keys are decoded and keyed when it is
/// built, so a bad secret is an error here and never at request time.
///
/// ```
/// use std::time::SystemTime;
/// use webhook_guard::{providers, Keyring, RejectionKind, Secret, Verifier};
///
/// let verifier = Verifier::new(
///     providers::github(),
///     Keyring::from(Secret::new("It's a Secret to Everybody")?),
/// )?;
/// let signature = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";
/// let now = SystemTime::now();
///
/// let genuine = http::Request::post("/webhooks/github")
///     .header("x-hub-signature-256", signature)
///     .body("Hello, World!")?;
/// let verified = verifier.verify(&genuine, now)?;
/// assert_eq!(verified.provider(), "github");
/// assert_eq!(verified.key_label(), "default");
///
/// let forged = http::Request::post("/webhooks/github")
///     .header("x-hub-signature-256", signature)
///     .body("Hello, World?")?;
/// assert_eq!(verifier.verify(&forged, now).unwrap_err().kind(), RejectionKind::SignatureMismatch);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct Verifier {
    scheme: Scheme,
    /// The scheme's name as every `Verified` carries it: short names are copied, not shared, so
    /// requests on different cores do not contend for one reference count.
    name: SmolStr,
    keys: Arc<[PreparedKey]>,
    /// Every key is a shared-secret MAC key, so a template message can be hashed as it arrives.
    all_mac: bool,
    /// No keys of its own: each delivery's key is fetched by the layer (see
    /// [`Pending::finish_with`]).
    fetching: bool,
}

/// A key ready to check signatures: a configured one, or one fetched at run time.
pub(crate) struct PreparedKey {
    label: SmolStr,
    /// The id deliveries name the key by (a JWK's `kid`), when the key says.
    id: Option<SmolStr>,
    expires_at: Option<SystemTime>,
    state: KeyState,
}

impl PreparedKey {
    fn new(
        scheme: &Scheme,
        label: &str,
        secret: &Secret,
        expires_at: Option<SystemTime>,
    ) -> Result<Self, ConfigError> {
        let (state, meta) = KeyState::new(scheme, secret)?;
        let expires_at = match (expires_at, meta.expires_at) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        Ok(Self {
            label: SmolStr::new(label),
            id: meta.id.as_deref().map(SmolStr::new),
            expires_at,
            state,
        })
    }

    /// The key a fetcher returned for `location`, as text in `scheme`'s key format; labelled
    /// with the location.
    pub(crate) fn fetched(
        scheme: &Scheme,
        location: &crate::scheme::KeyLocation,
        text: String,
    ) -> Result<Self, ConfigError> {
        Self::new(scheme, location.as_str(), &Secret::new(text)?, None)
    }
}

impl Verifier {
    /// Prepares `keyring` for `scheme`.
    ///
    /// # Errors
    ///
    /// [`ConfigError::NoKeys`], [`ConfigError::TooManyKeys`], [`ConfigError::DuplicateKeyLabel`],
    /// a key that does not decode for this scheme ([`ConfigError::SecretNotBase64`],
    /// [`ConfigError::KeyLength`], [`ConfigError::EmptySecret`], [`ConfigError::InvalidKey`]),
    /// an invalid tolerance, a missing public URL, a setting the preset needs
    /// ([`ConfigError::MissingSetting`], PayPal's webhook id), an option the scheme does not
    /// support, or a cargo feature the scheme needs ([`ConfigError::FeatureDisabled`]).
    pub fn new(scheme: Scheme, keyring: impl Into<Keyring>) -> Result<Self, ConfigError> {
        scheme.validate()?;
        let keyring = keyring.into();
        if keyring.is_empty() {
            return Err(ConfigError::NoKeys);
        }
        if keyring.len() > Keyring::MAX_KEYS {
            return Err(ConfigError::TooManyKeys {
                count: keyring.len(),
            });
        }
        let mut keys: Vec<PreparedKey> = Vec::with_capacity(keyring.len());
        for entry in &keyring.entries {
            if keys.iter().any(|k| *k.label == *entry.label) {
                return Err(ConfigError::DuplicateKeyLabel(entry.label.to_string()));
            }
            keys.push(PreparedKey::new(
                &scheme,
                &entry.label,
                &entry.secret,
                entry.expires_at,
            )?);
        }
        let all_mac = keys.iter().all(|k| k.state.mac().is_some());
        Ok(Self {
            name: SmolStr::new(&*scheme.name),
            scheme,
            keys: keys.into(),
            all_mac,
            fetching: false,
        })
    }

    /// A verifier without keys of its own for a scheme whose deliveries name their key: the
    /// layer fetches each one (see [`Pending::finish_with`]).
    pub(crate) fn fetching(scheme: Scheme) -> Result<Self, ConfigError> {
        scheme.validate()?;
        if scheme.remote.is_none() {
            return Err(ConfigError::UnsupportedOption {
                scheme: scheme.name.to_string(),
                option: "with_key_fetcher",
            });
        }
        Ok(Self {
            name: SmolStr::new(&*scheme.name),
            scheme,
            keys: Arc::from(Vec::new()),
            all_mac: false,
            fetching: true,
        })
    }

    /// The scheme this verifier checks.
    #[must_use]
    pub fn scheme(&self) -> &Scheme {
        &self.scheme
    }

    /// Verifies one delivery as of `now`.
    ///
    /// The request's body must be the raw bytes exactly as received; its method, URI and
    /// headers are read as the scheme says (schemes that sign the public URL combine the URI
    /// with their configured [`PublicUrl`](crate::PublicUrl)).
    ///
    /// # Errors
    ///
    /// A [`Rejection`] saying why; see [`RejectionKind`].
    pub fn verify<B: AsRef<[u8]>>(
        &self,
        request: &http::Request<B>,
        now: SystemTime,
    ) -> Result<Verified, Rejection> {
        match self.check(request, now)? {
            Checked::Verified(verified)
            | Checked::Answered {
                verified: Some(verified),
                ..
            } => Ok(verified),
            Checked::Answered { verified: None, .. } => {
                // An unsigned set-up request: answered by the layer, never verified.
                Err(Rejection::new(RejectionKind::MissingHeader))
            }
        }
    }

    /// The answer the layer sends **instead of** calling the handler for a provider's set-up
    /// exchange, when the scheme [answers handshakes](Scheme::answer_handshakes): a verified
    /// challenge (Zoom's `endpoint.url_validation`, Discord's PING) or a recognised unsigned
    /// set-up request (a GET challenge). `None` for everything else, valid or not.
    ///
    /// ```
    /// use std::time::SystemTime;
    /// use webhook_guard::{providers, Keyring, Secret, Signer, Verifier};
    ///
    /// let zoom = providers::zoom().answer_handshakes();
    /// let verifier = Verifier::new(zoom.clone(), Keyring::from(Secret::new("zoom-secret")?))?;
    /// let body = r#"{"event":"endpoint.url_validation","payload":{"plainToken":"abc"}}"#;
    /// let now = SystemTime::now();
    /// let mut request = http::Request::post("/zoom").body(body)?;
    /// Signer::new(zoom, Secret::new("zoom-secret")?)?.sign(&mut request, now)?;
    ///
    /// let answer = verifier.handshake(&request, now).expect("a challenge");
    /// let json: serde_json::Value = serde_json::from_slice(answer.body())?;
    /// assert_eq!(json["plainToken"], "abc");
    /// assert_eq!(json["encryptedToken"].as_str().map(str::len), Some(64));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn handshake<B: AsRef<[u8]>>(
        &self,
        request: &http::Request<B>,
        now: SystemTime,
    ) -> Option<Answer> {
        match self.check(request, now) {
            Ok(Checked::Answered { answer, .. }) => Some(answer),
            _ => None,
        }
    }

    fn check<B: AsRef<[u8]>>(
        &self,
        request: &http::Request<B>,
        now: SystemTime,
    ) -> Result<Checked, Rejection> {
        let body = request.body().as_ref();
        let view = RequestView {
            method: request.method(),
            uri: request.uri(),
            headers: request.headers(),
            url: None,
        };
        let head = Head::check(&self.scheme, &view, now)?;
        if head
            .unsigned_limit()
            .is_some_and(|limit| body.len() > limit)
        {
            return Err(Rejection::new(RejectionKind::MissingHeader));
        }
        let mut pending = self.start(head, &view, now, false)?;
        pending.update(body);
        pending.finish(self, &view, body, now)
    }

    /// When the configured key labelled `label` stops matching, if it has an expiry.
    pub(crate) fn key_expires_at(&self, label: &str) -> Option<SystemTime> {
        self.keys
            .iter()
            .find(|k| &*k.label == label)
            .and_then(|k| k.expires_at)
    }
}

impl fmt::Debug for Verifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Verifier")
            .field("scheme", &self.scheme)
            .field(
                "keys",
                &self.keys.iter().map(|k| &*k.label).collect::<Vec<_>>(),
            )
            .finish_non_exhaustive()
    }
}

//! Secrets and keyrings: the key material a [`Verifier`](crate::Verifier) checks signatures with.
//!
//! A [`Secret`] is what a provider's dashboard shows you, kept exactly as given (minus surrounding
//! whitespace, see [`Secret::new`]). How it turns into key bytes is the *scheme's* business, not
//! the secret's: Stripe uses the whole `whsec_…` text as the HMAC key, while Standard Webhooks
//! base64-decodes what follows `whsec_`. The same `Secret` therefore works with any preset, and
//! the scheme decides at construction time, where a bad secret fails loudly.
//!
//! A [`Keyring`] holds up to [`Keyring::MAX_KEYS`] secrets, each with a label (reported in
//! [`Verified::key_label`](crate::Verified::key_label)) and optionally an instant after which it
//! no longer matches — rotation with a grace period.

use std::fmt;
use std::sync::Arc;
use std::time::SystemTime;

use zeroize::{Zeroize, Zeroizing};

use crate::error::ConfigError;

/// A webhook signing secret (or, for asymmetric schemes, a public key) as the provider shows it.
///
/// `Secret` never prints its contents: its `Debug` output is `Secret([REDACTED])`, it has no
/// `Display`, no `PartialEq` and no serde support, and its bytes are zeroed when it is dropped.
///
/// # Whitespace
///
/// [`Secret::new`] **trims** ASCII whitespace around the text. Secrets copied from dashboards or
/// read from files and environment variables very often carry a trailing newline, which would
/// otherwise produce a key that never matches, with nothing to tell you why. No provider
/// generates secrets with leading or trailing whitespace. If you really chose such a secret
/// yourself (GitHub and Easytools let you), use [`Secret::from_bytes`], which keeps every byte.
///
/// # Example
///
/// ```
/// use webhook_guard::Secret;
///
/// let secret = Secret::new("whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD\n")?;
/// assert_eq!(format!("{secret:?}"), "Secret([REDACTED])");
///
/// assert!(Secret::new("").is_err());
/// assert!(Secret::new(" \n").is_err());
/// assert!(Secret::new("whsec_").is_err());
/// # Ok::<(), webhook_guard::ConfigError>(())
/// ```
pub struct Secret {
    bytes: Zeroizing<Vec<u8>>,
    form: SecretForm,
}

/// How a [`Secret`] was given, which decides how prefixed forms are decoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum SecretForm {
    /// Text from a dashboard, an env var or a file: `whsec_…` is decoded where the scheme says so.
    Text,
    /// Exact key bytes: used as they are by every scheme.
    Bytes,
}

impl Secret {
    /// A secret from its text form, with surrounding ASCII whitespace removed.
    ///
    /// The input `String` is wiped before this returns.
    ///
    /// # Errors
    ///
    /// [`ConfigError::EmptySecret`] when nothing is left after trimming, or when the text is a bare
    /// `whsec_` prefix with nothing after it.
    pub fn new(text: impl Into<String>) -> Result<Self, ConfigError> {
        let mut text = text.into();
        let trimmed = text.trim_matches(|c: char| c.is_ascii_whitespace());
        let result = if trimmed.is_empty() || trimmed == "whsec_" {
            Err(ConfigError::EmptySecret)
        } else {
            Ok(Self {
                bytes: Zeroizing::new(trimmed.as_bytes().to_vec()),
                form: SecretForm::Text,
            })
        };
        text.zeroize();
        result
    }

    /// A secret from its exact key bytes, used as they are (no trimming, no `whsec_` decoding).
    ///
    /// The input `Vec` is wiped before this returns.
    ///
    /// # Errors
    ///
    /// [`ConfigError::EmptySecret`] when `bytes` is empty.
    ///
    /// ```
    /// use webhook_guard::Secret;
    ///
    /// let secret = Secret::from_bytes(vec![0x0b; 24])?;
    /// assert!(Secret::from_bytes(Vec::new()).is_err());
    /// # Ok::<(), webhook_guard::ConfigError>(())
    /// ```
    pub fn from_bytes(bytes: impl Into<Vec<u8>>) -> Result<Self, ConfigError> {
        let bytes = Zeroizing::new(bytes.into());
        if bytes.is_empty() {
            return Err(ConfigError::EmptySecret);
        }
        Ok(Self {
            bytes,
            form: SecretForm::Bytes,
        })
    }

    /// The bytes as given (after trimming, for text secrets).
    pub(crate) fn expose(&self) -> &[u8] {
        &self.bytes
    }

    pub(crate) fn form(&self) -> SecretForm {
        self.form
    }

    /// A copy for internal use: keyrings are cloned when a layer is cloned.
    pub(crate) fn duplicate(&self) -> Self {
        Self {
            bytes: Zeroizing::new(self.bytes.to_vec()),
            form: self.form,
        }
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret([REDACTED])")
    }
}

/// One secret in a [`Keyring`], with its label and optional expiry.
pub(crate) struct KeyEntry {
    pub(crate) label: Arc<str>,
    pub(crate) secret: Secret,
    pub(crate) expires_at: Option<SystemTime>,
}

impl fmt::Debug for KeyEntry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KeyEntry")
            .field("label", &self.label)
            .field("secret", &self.secret)
            .field("expires_at", &self.expires_at)
            .finish()
    }
}

/// The secrets one endpoint accepts: usually one, two while a secret is being rotated.
///
/// Every active secret is tried against every signature the request carries, so a rotation
/// never needs downtime: add the new secret, keep the old one until the sender has switched
/// (with [`Keyring::key_until`] it stops matching by itself), then drop it.
///
/// A secret with an expiry matches while `now < expires_at` and never from that instant on.
///
/// ```
/// use std::time::{Duration, SystemTime};
/// use webhook_guard::{Keyring, Secret};
///
/// let grace = SystemTime::now() + Duration::from_secs(48 * 3600);
/// let keyring = Keyring::new()
///     .key("2026-11", Secret::new("new secret")?)
///     .key_until("2026-05", Secret::new("old secret")?, grace);
/// assert_eq!(keyring.len(), 2);
/// # Ok::<(), webhook_guard::ConfigError>(())
/// ```
#[derive(Default)]
pub struct Keyring {
    pub(crate) entries: Vec<KeyEntry>,
}

impl Keyring {
    /// The most secrets one keyring may hold. Each one costs a MAC over every request body, so
    /// the number is capped to bound the work an unauthenticated request can cause.
    pub const MAX_KEYS: usize = 4;

    /// An empty keyring. A layer or verifier refuses to be built from it.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a secret that never expires. `label` names it in [`Verified`](crate::Verified) and in
    /// logs; it is not secret.
    #[must_use]
    pub fn key(mut self, label: impl Into<Arc<str>>, secret: Secret) -> Self {
        self.entries.push(KeyEntry {
            label: label.into(),
            secret,
            expires_at: None,
        });
        self
    }

    /// Adds a secret that matches until `expires_at` (exclusive), for rotation grace periods.
    #[must_use]
    pub fn key_until(
        mut self,
        label: impl Into<Arc<str>>,
        secret: Secret,
        expires_at: SystemTime,
    ) -> Self {
        self.entries.push(KeyEntry {
            label: label.into(),
            secret,
            expires_at: Some(expires_at),
        });
        self
    }

    /// How many secrets the keyring holds, expired ones included.
    #[must_use]
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the keyring holds no secret at all.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The labels, in the order the secrets were added.
    pub fn labels(&self) -> impl Iterator<Item = &str> {
        self.entries.iter().map(|e| &*e.label)
    }
}

impl Clone for Keyring {
    fn clone(&self) -> Self {
        Self {
            entries: self
                .entries
                .iter()
                .map(|e| KeyEntry {
                    label: e.label.clone(),
                    secret: e.secret.duplicate(),
                    expires_at: e.expires_at,
                })
                .collect(),
        }
    }
}

/// A single secret, labelled `"default"`.
impl From<Secret> for Keyring {
    fn from(secret: Secret) -> Self {
        Keyring::new().key("default", secret)
    }
}

impl fmt::Debug for Keyring {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(&self.entries).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trailing_newline_is_trimmed() {
        let s = Secret::new("abc\n").unwrap();
        assert_eq!(s.expose(), b"abc");
        let s = Secret::new("\t abc \r\n").unwrap();
        assert_eq!(s.expose(), b"abc");
    }

    #[test]
    fn empty_forms_are_refused() {
        for text in ["", " ", "\n", "\r\n\t ", "whsec_", " whsec_\n"] {
            assert!(
                matches!(Secret::new(text), Err(ConfigError::EmptySecret)),
                "{text:?}"
            );
        }
        assert!(matches!(
            Secret::from_bytes(Vec::new()),
            Err(ConfigError::EmptySecret)
        ));
    }

    #[test]
    fn from_bytes_keeps_every_byte() {
        let s = Secret::from_bytes(b" a\n".to_vec()).unwrap();
        assert_eq!(s.expose(), b" a\n");
        assert_eq!(s.form(), SecretForm::Bytes);
    }

    #[test]
    fn debug_never_shows_material() {
        let s = Secret::new("super-secret-value").unwrap();
        let k = Keyring::new().key("main", s);
        let dbg = format!("{k:?} {:?}", k.clone());
        assert!(!dbg.contains("super-secret-value"), "{dbg}");
        assert!(dbg.contains("REDACTED"));
        assert!(dbg.contains("main"));
    }
}

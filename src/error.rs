//! Configuration errors: everything that can be wrong in a set-up fails here, at construction,
//! never at request time.

use std::fmt;

/// A configuration mistake found while building a [`Scheme`](crate::Scheme),
/// [`Verifier`](crate::Verifier) or [`WebhookLayer`](crate::WebhookLayer).
///
/// Messages name the problem but never contain secret material.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ConfigError {
    /// A secret was empty (or only whitespace, or a bare `whsec_` prefix).
    EmptySecret,
    /// A `whsec_…` secret did not base64-decode (standard alphabet, padding optional).
    SecretNotBase64,
    /// A secret decoded to a key of the wrong length for its scheme.
    KeyLength {
        /// The scheme's name.
        scheme: String,
        /// Smallest accepted length in bytes.
        min: usize,
        /// Largest accepted length in bytes.
        max: usize,
        /// The length that was given.
        actual: usize,
    },
    /// The keyring held no secret.
    NoKeys,
    /// The keyring held more than [`Keyring::MAX_KEYS`](crate::Keyring::MAX_KEYS) secrets.
    TooManyKeys {
        /// How many were given.
        count: usize,
    },
    /// Two secrets in one keyring share a label.
    DuplicateKeyLabel(String),
    /// A timestamp tolerance was zero or above one hour.
    InvalidTolerance,
    /// A header name given to a scheme builder is not a valid HTTP header name.
    InvalidHeaderName(String),
    /// A signed-payload template could not be parsed, or refers to something the scheme lacks.
    InvalidTemplate(String),
    /// A scheme builder was finished without a required part.
    IncompleteScheme(&'static str),
    /// A delivery id to sign with was missing or not `[A-Za-z0-9_:-]{1,256}`.
    InvalidDeliveryId,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::EmptySecret => f.write_str("webhook secret is empty"),
            Self::SecretNotBase64 => f.write_str(
                "webhook secret starts with `whsec_` but the rest is not valid base64",
            ),
            Self::KeyLength {
                scheme,
                min,
                max,
                actual,
            } => write!(
                f,
                "{scheme} keys must be {min} to {max} bytes after decoding, this one is {actual}"
            ),
            Self::NoKeys => f.write_str("no webhook secret configured"),
            Self::TooManyKeys { count } => write!(
                f,
                "{count} secrets configured, at most {} are allowed",
                crate::Keyring::MAX_KEYS
            ),
            Self::DuplicateKeyLabel(label) => write!(f, "two secrets are labelled `{label}`"),
            Self::InvalidTolerance => {
                f.write_str("timestamp tolerance must be between 1 second and 1 hour")
            }
            Self::InvalidHeaderName(name) => write!(f, "`{name}` is not a valid header name"),
            Self::InvalidTemplate(why) => write!(f, "invalid signed-payload template: {why}"),
            Self::IncompleteScheme(what) => write!(f, "scheme is missing {what}"),
            Self::InvalidDeliveryId => f.write_str(
                "this scheme signs a delivery id: give one of 1 to 256 characters from [A-Za-z0-9_:-]",
            ),
        }
    }
}

impl std::error::Error for ConfigError {}

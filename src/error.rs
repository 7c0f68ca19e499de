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
    /// A timestamp tolerance was zero or above [`Scheme::MAX_TOLERANCE`](crate::Scheme::MAX_TOLERANCE).
    InvalidTolerance,
    /// A header name given to a scheme builder is not a valid HTTP header name.
    InvalidHeaderName(String),
    /// A signed-payload template could not be parsed, or refers to something the scheme lacks.
    InvalidTemplate(String),
    /// A scheme builder was finished without a required part.
    IncompleteScheme(&'static str),
    /// A delivery id to sign with was missing or not `[A-Za-z0-9_:-]{1,256}`.
    InvalidDeliveryId,
    /// An endpoint configuration is invalid (feature `config`): the message names the endpoint
    /// and the variable or file concerned, never a secret.
    InvalidEndpoint(String),
    /// A key did not parse in the form its scheme expects (public keys, private keys for
    /// signing). The message says which form was expected, never what was given.
    InvalidKey(&'static str),
    /// The scheme signs the public URL (Twilio, Square) but none was configured with
    /// [`Scheme::public_url`](crate::Scheme::public_url).
    MissingPublicUrl(String),
    /// A [`PublicUrl`](crate::PublicUrl) did not parse: it must be an absolute `http` or
    /// `https` URL without user information or fragment.
    InvalidPublicUrl(String),
    /// An option was switched on for a scheme that does not support it (e.g.
    /// `answer_handshakes` on a scheme without a set-up exchange).
    UnsupportedOption {
        /// The scheme's name.
        scheme: String,
        /// The option.
        option: &'static str,
    },
    /// The scheme needs a cargo feature of this crate that is not enabled (`ed25519`, `ecdsa`,
    /// `rsa`).
    FeatureDisabled(&'static str),
    /// A preset needs a setting it was built without (PayPal's webhook id).
    MissingSetting {
        /// The scheme's name.
        scheme: String,
        /// What is missing and where to give it.
        setting: &'static str,
    },
    /// The scheme's algorithm, signature encoding and key format do not go together (after
    /// [`Scheme::with_algorithm`](crate::Scheme::with_algorithm) or
    /// [`Scheme::with_encoding`](crate::Scheme::with_encoding)).
    IncompatibleScheme {
        /// The scheme's name.
        scheme: String,
        /// The algorithm, as [`Algorithm::as_str`](crate::Algorithm::as_str) names it.
        algorithm: &'static str,
        /// The encoding, as [`Encoding::as_str`](crate::Encoding::as_str) names it.
        encoding: &'static str,
    },
    /// This scheme cannot produce signatures with the given key or for this request (for
    /// example, the key is a public key, or the body is not what the scheme signs).
    CannotSign(&'static str),
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
                f.write_str("timestamp tolerance must be between 1 second and 25 hours")
            }
            Self::InvalidHeaderName(name) => write!(f, "`{name}` is not a valid header name"),
            Self::InvalidTemplate(why) => write!(f, "invalid signed-payload template: {why}"),
            Self::IncompleteScheme(what) => write!(f, "scheme is missing {what}"),
            Self::InvalidEndpoint(why) => write!(f, "invalid endpoint configuration: {why}"),
            Self::InvalidDeliveryId => f.write_str(
                "this scheme signs a delivery id: give one of 1 to 256 characters from [A-Za-z0-9_:-]",
            ),
            Self::InvalidKey(expected) => write!(f, "invalid key: expected {expected}"),
            Self::MissingPublicUrl(scheme) => write!(
                f,
                "{scheme} signs the public URL of the request: configure it with Scheme::public_url"
            ),
            Self::InvalidPublicUrl(why) => write!(f, "invalid public URL: {why}"),
            Self::UnsupportedOption { scheme, option } => {
                write!(f, "the {scheme} scheme does not support `{option}`")
            }
            Self::MissingSetting { scheme, setting } => {
                write!(f, "the {scheme} scheme needs {setting}")
            }
            Self::FeatureDisabled(feature) => write!(
                f,
                "this scheme needs the `{feature}` cargo feature of webhook-guard"
            ),
            Self::IncompatibleScheme {
                scheme,
                algorithm,
                encoding,
            } => write!(
                f,
                "the {scheme} scheme cannot use {algorithm} signatures in {encoding} with its key format"
            ),
            Self::CannotSign(why) => write!(f, "cannot sign: {why}"),
        }
    }
}

impl std::error::Error for ConfigError {}

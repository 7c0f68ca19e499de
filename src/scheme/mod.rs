//! How a provider signs: which headers, which header format, algorithm, encoding, key form and
//! signed bytes — as data.
//!
//! Presets for the supported providers live in [`providers`](crate::providers). A scheme for any
//! other sender is a few lines with [`Scheme::builder`]; for example the common relay format
//! `X-Webhook-Signature: t=<unix>,v1=<hex HMAC-SHA256 of "{t}.{body}">`:
//!
//! ```
//! use webhook_guard::{Scheme, SignatureFormat};
//!
//! let relay = Scheme::builder("relay")
//!     .signature_header("x-webhook-signature", SignatureFormat::key_value(',', "v1"))
//!     .timestamp_param("t")
//!     .signed_payload("{t}.{body}")
//!     .build()?;
//! assert_eq!(relay.name(), "relay");
//! # Ok::<(), webhook_guard::ConfigError>(())
//! ```
//!
//! Every scheme is made of the same parts, and each part has one implementation shared by every
//! provider that uses it: four header [formats](SignatureFormat), the [algorithms](Algorithm),
//! the [encodings](Encoding), the [key forms](KeyFormat) and a template for the signed bytes.
//! Schemes that sign the public URL (Twilio, Square) also carry a [`PublicUrl`].

pub(crate) mod format;
pub(crate) mod payload;
pub(crate) mod url;

pub use url::PublicUrl;

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use http::HeaderName;

use crate::error::ConfigError;

/// The signature algorithm a scheme uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Algorithm {
    /// HMAC-SHA256, used by almost every provider.
    HmacSha256,
    /// HMAC-SHA1: legacy schemes only (GitHub's `X-Hub-Signature`, Twilio, Intercom).
    HmacSha1,
    /// HMAC-SHA512.
    HmacSha512,
    /// Ed25519 signatures checked with a public key (Discord, Standard Webhooks `v1a`). Needs the
    /// `ed25519` cargo feature.
    Ed25519,
    /// ECDSA over P-256 with SHA-256, DER-encoded signatures checked with a public key
    /// (SendGrid). High-S signatures are accepted, as SendGrid's own SDKs accept them. Needs the
    /// `ecdsa` cargo feature.
    EcdsaP256Sha256,
    /// No signature: the header carries the shared secret itself (GitLab's `X-Gitlab-Token`).
    /// Both sides are hashed with SHA-256 and the digests compared in constant time, so neither
    /// the content nor the length of the secret leaks through timing. The body is **not**
    /// authenticated.
    Token,
}

impl Algorithm {
    /// Length of the signature in bytes: the MAC length for HMACs, 64 for Ed25519, the largest
    /// DER encoding (72) for ECDSA P-256, and 32 (a SHA-256 digest of the token) for
    /// [`Algorithm::Token`].
    #[must_use]
    pub fn output_len(self) -> usize {
        match self {
            Self::HmacSha256 | Self::Token => 32,
            Self::HmacSha1 => 20,
            Self::HmacSha512 | Self::Ed25519 => 64,
            Self::EcdsaP256Sha256 => 72,
        }
    }

    /// A short display name (`hmac-sha256`, …).
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::HmacSha256 => "hmac-sha256",
            Self::HmacSha1 => "hmac-sha1",
            Self::HmacSha512 => "hmac-sha512",
            Self::Ed25519 => "ed25519",
            Self::EcdsaP256Sha256 => "ecdsa-p256-sha256",
            Self::Token => "token",
        }
    }

    /// Whether this is an HMAC (a shared secret signs and verifies).
    #[must_use]
    pub fn is_hmac(self) -> bool {
        matches!(self, Self::HmacSha256 | Self::HmacSha1 | Self::HmacSha512)
    }

    /// How candidates of this algorithm are decoded.
    pub(crate) fn tag_len(self) -> format::TagLen {
        match self {
            Self::EcdsaP256Sha256 => format::TagLen::UpTo(72),
            other => format::TagLen::Exact(other.output_len()),
        }
    }
}

/// How the signature bytes are written in the header. Decoding is strict: exact length, no
/// whitespace, canonical form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Encoding {
    /// Lowercase hex. Uppercase is rejected, as the providers' own SDKs compare hex as text.
    Hex,
    /// Hex in either case (for senders that decode before comparing).
    HexAnyCase,
    /// Standard base64 (`+/`), padded, canonical.
    Base64,
    /// The header value is used as it is (GitLab's token); see [`Algorithm::Token`].
    Verbatim,
}

impl Encoding {
    /// A short display name.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Hex => "hex",
            Self::HexAnyCase => "hex (any case)",
            Self::Base64 => "base64",
            Self::Verbatim => "verbatim",
        }
    }
}

/// How a [`Secret`](crate::Secret) becomes key bytes for this scheme.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum KeyFormat {
    /// The secret's bytes as given — for text, its UTF-8, prefix and all. Stripe uses the whole
    /// `whsec_…` string this way.
    Raw,
    /// Standard Webhooks: a text secret is `whsec_` (optional) + base64, and the key is the
    /// decoded bytes, 24 to 64 of them. A [`Secret::from_bytes`](crate::Secret::from_bytes) secret
    /// is already the key.
    StandardWebhooks,
    /// WooCommerce: the stored secret goes through WordPress's
    /// `wp_specialchars_decode($secret, ENT_QUOTES)` first, so `a&amp;b` keys the HMAC as `a&b`.
    /// Give the secret exactly as WooCommerce stores and shows it.
    WooCommerce,
    /// An Ed25519 public key as 64 hex characters, either case (Discord's application public
    /// key).
    Ed25519Hex,
    /// A Standard Webhooks public key: `whpk_` (optional) + base64 of the 32-byte Ed25519 key.
    StandardWebhooksPublic,
    /// A P-256 public key as base64 DER `SubjectPublicKeyInfo`, without PEM armour (SendGrid's
    /// verification key).
    SpkiDerBase64,
}

/// The layout of the signature header. One parser per layout, shared by every provider.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignatureFormat(pub(crate) FormatKind);

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum FormatKind {
    /// The whole value is the signature (Shopify, Linear, …).
    Bare,
    /// A fixed prefix then the signature: `sha256=<hex>` (GitHub), `v0=<hex>` (Slack).
    Prefixed(Cow<'static, str>),
    /// `key=value` items split on one separator; every item whose key is `signature_key` is a
    /// candidate (Stripe `t=…,v1=…,v1=…`, Paddle `ts=…;h1=…`). Other keys are ignored.
    KeyValue {
        separator: char,
        signature_key: Cow<'static, str>,
    },
    /// Space-separated `version,signature` entries; entries of other versions are skipped
    /// (Standard Webhooks `v1,<b64> v1,<b64>`).
    VersionedList { version: Cow<'static, str> },
}

impl SignatureFormat {
    /// The whole header value is the signature.
    #[must_use]
    pub fn bare() -> Self {
        Self(FormatKind::Bare)
    }

    /// A fixed, case-sensitive prefix followed by the signature, e.g. `"sha256="`.
    #[must_use]
    pub fn prefixed(prefix: impl Into<Cow<'static, str>>) -> Self {
        Self(FormatKind::Prefixed(prefix.into()))
    }

    /// `key=value` items separated by `separator`; values of `signature_key` are signatures.
    /// A timestamp can be read from the same header with
    /// [`SchemeBuilder::timestamp_param`].
    #[must_use]
    pub fn key_value(separator: char, signature_key: impl Into<Cow<'static, str>>) -> Self {
        Self(FormatKind::KeyValue {
            separator,
            signature_key: signature_key.into(),
        })
    }

    /// Space-separated `version,signature` entries; only entries of `version` are checked.
    #[must_use]
    pub fn versioned_list(version: impl Into<Cow<'static, str>>) -> Self {
        Self(FormatKind::VersionedList {
            version: version.into(),
        })
    }

    /// A human-readable description, e.g. `t=<ts>,v1=<sig>`.
    pub(crate) fn describe(&self, ts_param: Option<&str>) -> String {
        match &self.0 {
            FormatKind::Bare => "<sig>".to_owned(),
            FormatKind::Prefixed(p) => format!("{p}<sig>"),
            FormatKind::KeyValue {
                separator,
                signature_key,
            } => match ts_param {
                Some(t) => format!("{t}=<ts>{separator}{signature_key}=<sig>"),
                None => format!("{signature_key}=<sig>"),
            },
            FormatKind::VersionedList { version } => format!("{version},<sig> …"),
        }
    }
}

/// Where the signature comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum SignatureSource {
    /// A header of the given layout.
    Header {
        names: HeaderNames,
        format: SignatureFormat,
    },
    /// Mailgun: `signature.{timestamp,token,signature}` in a JSON body, or the `timestamp`,
    /// `token` and `signature` fields of a form body. The timestamp and token are signed; the
    /// rest of the body is not.
    MailgunBody,
}

/// Where the timestamp comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum TimestampSource {
    None,
    /// Its own header (Standard Webhooks `webhook-timestamp`, Slack).
    Header(HeaderNames),
    /// An item of a key-value signature header (Stripe `t`, Paddle `ts`).
    SignatureParam(Cow<'static, str>),
    /// A JSON number of milliseconds at the top level of the (signed) JSON body (Linear's
    /// `webhookTimestamp`); checked once the signature matched.
    BodyJsonMillis(Cow<'static, str>),
    /// Mailgun's `timestamp` body field (see [`SignatureSource::MailgunBody`]).
    MailgunBody,
}

/// A header in which the sender declares the algorithm; it must declare the configured one.
/// It never selects the algorithm (Twilio's SharedKey `X-Twilio-Webhooks-Signature-Settings:
/// key=…,algorithm=HMAC_SHA256`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DeclaredAlgorithm {
    pub(crate) header: HeaderName,
    pub(crate) separator: char,
    pub(crate) key: &'static str,
    pub(crate) value: &'static str,
}

/// Behaviours beyond verification that a preset supports, each switched on by a named option.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Extra {
    /// Zoom: answer verified `endpoint.url_validation` events.
    ZoomUrlValidation,
    /// Discord: answer verified PING interactions with `{"type":1}`.
    DiscordPing,
    /// WooCommerce: let the unsigned `webhook_id=<n>` creation ping through, flagged.
    WooCommercePing,
}

/// How far a timestamp may be from now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TimestampCheck {
    Enforce { past: Duration, future: Duration },
    Disabled,
}

/// One or more spellings of a header, in order of preference: never empty.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct HeaderNames {
    pub(crate) primary: HeaderName,
    pub(crate) alternates: Vec<HeaderName>,
}

impl HeaderNames {
    pub(crate) fn one(primary: HeaderName) -> Self {
        Self {
            primary,
            alternates: Vec::new(),
        }
    }

    pub(crate) fn with(primary: HeaderName, alternates: Vec<HeaderName>) -> Self {
        Self {
            primary,
            alternates,
        }
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = &HeaderName> {
        std::iter::once(&self.primary).chain(self.alternates.iter())
    }
}

/// One piece of the signed bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Part {
    Literal(Cow<'static, [u8]>),
    Timestamp,
    Id,
    Body,
    /// The public URL of the request, exactly (Square's notification URL).
    PublicUrl,
    /// The public URL, tried both with and without the scheme's default port (Twilio).
    PublicUrlAnyDefaultPort,
    /// Twilio: for a form body, every decoded parameter name followed by each of its distinct
    /// values, names and values sorted; when the URL carries `bodySHA256`, nothing — the body
    /// must instead hash to that value.
    TwilioParams,
    /// Mailgun's `token` body field.
    MailgunToken,
}

/// A provider's signing scheme. Cheap to clone.
///
/// Get one from [`providers`](crate::providers) or build one with [`Scheme::builder`]. The
/// timestamp tolerance (default ±300 s, or the provider's own) is adjusted here:
///
/// ```
/// use std::time::Duration;
/// use webhook_guard::providers;
///
/// let stripe = providers::stripe()
///     .tolerance_past(Duration::from_secs(600))
///     .tolerance_future(Duration::from_secs(30));
/// let github = providers::github(); // no timestamp: nothing to configure
/// # let _ = (stripe, github);
/// ```
#[derive(Clone)]
pub struct Scheme {
    pub(crate) name: Arc<str>,
    pub(crate) signature: SignatureSource,
    pub(crate) timestamp: TimestampSource,
    pub(crate) id_headers: Option<HeaderNames>,
    pub(crate) algorithm: Algorithm,
    pub(crate) encoding: Encoding,
    pub(crate) key_format: KeyFormat,
    pub(crate) template: Arc<[Part]>,
    pub(crate) timestamp_check: TimestampCheck,
    pub(crate) body_limit: usize,
    pub(crate) public_url: Option<PublicUrl>,
    pub(crate) declared_algorithm: Option<DeclaredAlgorithm>,
    /// What this scheme supports beyond verification, and what the user switched on.
    pub(crate) extra: Option<Extra>,
    pub(crate) extra_enabled: Option<Extra>,
}

/// The tolerance used when a scheme does not say otherwise: 300 s either way.
pub const DEFAULT_TOLERANCE: Duration = Duration::from_secs(300);
/// The body limit used when a scheme does not say otherwise: 1 MiB.
pub const DEFAULT_BODY_LIMIT: usize = 1024 * 1024;
/// The largest timestamp tolerance a scheme accepts.
pub const MAX_TOLERANCE: Duration = Duration::from_secs(3600);

impl Scheme {
    /// Starts a custom scheme. `name` appears in [`Verified`](crate::Verified) and in logs.
    pub fn builder(name: impl Into<Arc<str>>) -> SchemeBuilder {
        SchemeBuilder {
            name: name.into(),
            signature: None,
            timestamp_header: None,
            timestamp_param: None,
            id_header: None,
            algorithm: Algorithm::HmacSha256,
            encoding: Encoding::Hex,
            key_format: KeyFormat::Raw,
            template: None,
            tolerance_past: DEFAULT_TOLERANCE,
            tolerance_future: DEFAULT_TOLERANCE,
            body_limit: DEFAULT_BODY_LIMIT,
        }
    }

    /// The scheme's name (`stripe`, `github`, …).
    #[must_use]
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The header the signature is read from (the preferred spelling, when there are several),
    /// or `None` when the signature is in the body (Mailgun).
    #[must_use]
    pub fn signature_header(&self) -> Option<&HeaderName> {
        match &self.signature {
            SignatureSource::Header { names, .. } => Some(&names.primary),
            SignatureSource::MailgunBody => None,
        }
    }

    /// Every header spelling the signature is accepted under, in order of preference.
    pub fn signature_headers(&self) -> impl Iterator<Item = &HeaderName> {
        let names = match &self.signature {
            SignatureSource::Header { names, .. } => Some(names),
            SignatureSource::MailgunBody => None,
        };
        names.into_iter().flat_map(HeaderNames::iter)
    }

    /// The public URL configured for schemes that sign it (Twilio, Square).
    #[must_use]
    pub fn configured_public_url(&self) -> Option<&PublicUrl> {
        self.public_url.as_ref()
    }

    /// Whether the signed bytes include the request's public URL (Twilio, Square), which must
    /// then be configured with [`Scheme::public_url`].
    #[must_use]
    pub fn signs_url(&self) -> bool {
        self.template
            .iter()
            .any(|p| matches!(p, Part::PublicUrl | Part::PublicUrlAnyDefaultPort))
    }

    /// The algorithm.
    #[must_use]
    pub fn algorithm(&self) -> Algorithm {
        self.algorithm
    }

    /// The signature encoding.
    #[must_use]
    pub fn encoding(&self) -> Encoding {
        self.encoding
    }

    /// The key format secrets are read in.
    #[must_use]
    pub fn key_format(&self) -> KeyFormat {
        self.key_format
    }

    /// Whether requests carry a timestamp that is checked against the clock.
    #[must_use]
    pub fn checks_timestamp(&self) -> bool {
        self.timestamp != TimestampSource::None
            && matches!(self.timestamp_check, TimestampCheck::Enforce { .. })
    }

    /// The tolerance as `(past, future)`, or `None` when the scheme has no timestamp or the check
    /// was disabled.
    #[must_use]
    pub fn tolerance(&self) -> Option<(Duration, Duration)> {
        match self.timestamp_check {
            TimestampCheck::Enforce { past, future } if self.timestamp != TimestampSource::None => {
                Some((past, future))
            }
            _ => None,
        }
    }

    /// The body limit the layer uses unless told otherwise.
    #[must_use]
    pub fn default_body_limit(&self) -> usize {
        self.body_limit
    }

    /// A one-line description of the header(s) a delivery must carry.
    #[must_use]
    pub fn describe_headers(&self) -> String {
        let ts_param = match &self.timestamp {
            TimestampSource::SignatureParam(k) => Some(&**k),
            _ => None,
        };
        let mut out = match &self.signature {
            SignatureSource::Header { names, format } => {
                format!("{}: {}", names.primary, format.describe(ts_param))
            }
            SignatureSource::MailgunBody => {
                "body: signature.{timestamp,token,signature} (JSON) or timestamp, token, signature (form)"
                    .to_owned()
            }
        };
        match &self.timestamp {
            TimestampSource::Header(names) => {
                out.push_str(&format!(", {}: <unix seconds>", names.primary));
            }
            TimestampSource::BodyJsonMillis(field) => {
                out.push_str(&format!(", body: {field} <unix milliseconds>"));
            }
            _ => {}
        }
        if let Some(d) = &self.declared_algorithm {
            out.push_str(&format!(", {}: {}={}", d.header, d.key, d.value));
        }
        if let Some(names) = &self.id_headers {
            out.push_str(&format!(", {}: <id>", names.primary));
        }
        out
    }

    /// Sets the same tolerance for the past and the future (1 s to 1 h; checked when the
    /// verifier or layer is built).
    #[must_use]
    pub fn tolerance_both(self, tolerance: Duration) -> Self {
        self.tolerance_past(tolerance).tolerance_future(tolerance)
    }

    /// How old a timestamp may be.
    #[must_use]
    pub fn tolerance_past(mut self, tolerance: Duration) -> Self {
        let future = match self.timestamp_check {
            TimestampCheck::Enforce { future, .. } => future,
            TimestampCheck::Disabled => DEFAULT_TOLERANCE,
        };
        self.timestamp_check = TimestampCheck::Enforce {
            past: tolerance,
            future,
        };
        self
    }

    /// How far in the future a timestamp may be (clock skew between sender and receiver).
    #[must_use]
    pub fn tolerance_future(mut self, tolerance: Duration) -> Self {
        let past = match self.timestamp_check {
            TimestampCheck::Enforce { past, .. } => past,
            TimestampCheck::Disabled => DEFAULT_TOLERANCE,
        };
        self.timestamp_check = TimestampCheck::Enforce {
            past,
            future: tolerance,
        };
        self
    }

    /// Turns the timestamp window off. The timestamp is still parsed and signed, but a captured
    /// delivery can then be replayed forever unless a replay guard is in place: use this only
    /// for re-processing archived deliveries.
    #[must_use]
    pub fn disable_timestamp_check(mut self) -> Self {
        self.timestamp_check = TimestampCheck::Disabled;
        self
    }

    /// Sets the public URL for schemes that sign it (Twilio, Square). See [`PublicUrl`] for the
    /// forms it takes, including behind a proxy.
    #[must_use]
    pub fn public_url(mut self, url: PublicUrl) -> Self {
        self.public_url = Some(url);
        self
    }

    /// Sets the default body limit for layers using this scheme.
    #[must_use]
    pub fn body_limit(mut self, limit: usize) -> Self {
        self.body_limit = limit;
        self
    }

    /// Replaces the signature algorithm, keeping everything else about the scheme: for a sender
    /// that follows a preset's layout with another hash (HMAC-SHA512 instead of HMAC-SHA256),
    /// and for diagnosing deliveries signed with the wrong one (`webhook-guard explain`).
    ///
    /// HMAC schemes switch between [`Algorithm::HmacSha256`], [`Algorithm::HmacSha1`] and
    /// [`Algorithm::HmacSha512`]; an algorithm that does not fit the scheme's key format or
    /// encoding (an HMAC preset made Ed25519, a token made an HMAC) makes building a verifier or
    /// signer fail with [`ConfigError::IncompatibleScheme`].
    ///
    /// ```
    /// use webhook_guard::{providers, Algorithm, Keyring, Secret, Verifier};
    ///
    /// let sha512 = providers::github().with_algorithm(Algorithm::HmacSha512);
    /// assert_eq!(sha512.algorithm(), Algorithm::HmacSha512);
    /// assert!(Verifier::new(sha512, Keyring::from(Secret::new("s3cret")?)).is_ok());
    ///
    /// let odd = providers::gitlab().with_algorithm(Algorithm::HmacSha256);
    /// assert!(Verifier::new(odd, Keyring::from(Secret::new("token")?)).is_err());
    /// # Ok::<(), webhook_guard::ConfigError>(())
    /// ```
    #[must_use]
    pub fn with_algorithm(mut self, algorithm: Algorithm) -> Self {
        self.algorithm = algorithm;
        self
    }

    /// Replaces the signature encoding, keeping everything else about the scheme: for a sender
    /// that writes a preset's signature in base64 instead of hex (or the reverse), and for
    /// diagnosing such deliveries (`webhook-guard explain`). Signatures must be hex or base64;
    /// [`Encoding::Verbatim`] goes with [`Algorithm::Token`] only, and a mismatch makes building
    /// a verifier or signer fail with [`ConfigError::IncompatibleScheme`].
    ///
    /// ```
    /// use webhook_guard::{providers, Encoding, Keyring, Secret, Verifier};
    ///
    /// let base64 = providers::github().with_encoding(Encoding::Base64);
    /// assert!(Verifier::new(base64, Keyring::from(Secret::new("s3cret")?)).is_ok());
    /// # Ok::<(), webhook_guard::ConfigError>(())
    /// ```
    #[must_use]
    pub fn with_encoding(mut self, encoding: Encoding) -> Self {
        self.encoding = encoding;
        self
    }

    /// Zoom only: answer verified `endpoint.url_validation` events in the layer with
    /// `{"plainToken": p, "encryptedToken": hex HMAC-SHA256(secret, p)}`, without calling the
    /// handler. Off by default. The event must be signed and fresh like any other.
    ///
    /// Building a verifier or layer from any other scheme with this option fails with
    /// [`ConfigError::UnsupportedOption`].
    #[must_use]
    pub fn answer_url_validation(mut self) -> Self {
        self.extra_enabled = Some(Extra::ZoomUrlValidation);
        self
    }

    /// Discord only: answer verified PING interactions (`"type": 1`) in the layer with
    /// `{"type":1}`, without calling the handler. Off by default.
    ///
    /// Building a verifier or layer from any other scheme with this option fails with
    /// [`ConfigError::UnsupportedOption`].
    #[must_use]
    pub fn answer_pings(mut self) -> Self {
        self.extra_enabled = Some(Extra::DiscordPing);
        self
    }

    /// WooCommerce only: let the **unsigned** ping WooCommerce sends when a webhook is created
    /// or activated (a form body of exactly `webhook_id=<digits>` without a signature header)
    /// through to the handler, flagged by [`Verified::is_unsigned_ping`](crate::Verified::is_unsigned_ping).
    /// Nothing about such a request is authenticated: handlers must answer it (200) and do
    /// nothing else. Off by default.
    ///
    /// Building a verifier or layer from any other scheme with this option fails with
    /// [`ConfigError::UnsupportedOption`].
    #[must_use]
    pub fn allow_unsigned_ping(mut self) -> Self {
        self.extra_enabled = Some(Extra::WooCommercePing);
        self
    }

    /// Validates what setters cannot: called by every constructor that takes a `Scheme`.
    pub(crate) fn validate(&self) -> Result<(), ConfigError> {
        if let TimestampCheck::Enforce { past, future } = self.timestamp_check {
            let ok = |d: Duration| d >= Duration::from_secs(1) && d <= MAX_TOLERANCE;
            if !ok(past) || !ok(future) {
                return Err(ConfigError::InvalidTolerance);
            }
        }
        if let Some(enabled) = self.extra_enabled
            && self.extra != Some(enabled)
        {
            return Err(ConfigError::UnsupportedOption {
                scheme: self.name.to_string(),
                option: match enabled {
                    Extra::ZoomUrlValidation => "answer_url_validation",
                    Extra::DiscordPing => "answer_pings",
                    Extra::WooCommercePing => "allow_unsigned_ping",
                },
            });
        }
        if self.signs_url() && self.public_url.is_none() {
            return Err(ConfigError::MissingPublicUrl(self.name.to_string()));
        }
        if self.body_limit == 0 {
            return Err(ConfigError::IncompleteScheme("a body limit above zero"));
        }
        if !self.parts_fit() {
            return Err(ConfigError::IncompatibleScheme {
                scheme: self.name.to_string(),
                algorithm: self.algorithm.as_str(),
                encoding: self.encoding.as_str(),
            });
        }
        match self.algorithm {
            #[cfg(not(feature = "ed25519"))]
            Algorithm::Ed25519 => Err(ConfigError::FeatureDisabled("ed25519")),
            #[cfg(not(feature = "ecdsa"))]
            Algorithm::EcdsaP256Sha256 => Err(ConfigError::FeatureDisabled("ecdsa")),
            _ => Ok(()),
        }
    }

    /// Whether the algorithm, the signature encoding and the key format go together (they
    /// always do in presets and built schemes; [`Scheme::with_algorithm`] and
    /// [`Scheme::with_encoding`] can break that).
    fn parts_fit(&self) -> bool {
        let signature = matches!(
            self.encoding,
            Encoding::Hex | Encoding::HexAnyCase | Encoding::Base64
        );
        match self.algorithm {
            Algorithm::HmacSha256 | Algorithm::HmacSha1 | Algorithm::HmacSha512 => {
                signature
                    && matches!(
                        self.key_format,
                        KeyFormat::Raw | KeyFormat::StandardWebhooks | KeyFormat::WooCommerce
                    )
            }
            Algorithm::Ed25519 => {
                signature
                    && matches!(
                        self.key_format,
                        KeyFormat::Ed25519Hex | KeyFormat::StandardWebhooksPublic
                    )
            }
            Algorithm::EcdsaP256Sha256 => signature && self.key_format == KeyFormat::SpkiDerBase64,
            Algorithm::Token => {
                self.encoding == Encoding::Verbatim && self.key_format == KeyFormat::Raw
            }
        }
    }

    /// The behaviour switched on by `answer_url_validation`, `answer_pings` or
    /// `allow_unsigned_ping`.
    pub(crate) fn extra_enabled(&self) -> Option<Extra> {
        self.extra_enabled
    }
}

impl fmt::Debug for Scheme {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Scheme")
            .field("name", &self.name)
            .field("headers", &self.describe_headers())
            .field("algorithm", &self.algorithm)
            .field("encoding", &self.encoding)
            .field("key_format", &self.key_format)
            .field("tolerance", &self.tolerance())
            .field("body_limit", &self.body_limit)
            .field("public_url", &self.public_url)
            .field("options", &self.extra_enabled)
            .finish()
    }
}

/// Builds a custom [`Scheme`]. Defaults: HMAC-SHA256, lowercase hex, raw key, ±300 s, 1 MiB.
///
/// Required: [`signature_header`](Self::signature_header) and
/// [`signed_payload`](Self::signed_payload).
#[derive(Debug)]
#[must_use]
pub struct SchemeBuilder {
    name: Arc<str>,
    signature: Option<(String, SignatureFormat)>,
    timestamp_header: Option<String>,
    timestamp_param: Option<Cow<'static, str>>,
    id_header: Option<String>,
    algorithm: Algorithm,
    encoding: Encoding,
    key_format: KeyFormat,
    template: Option<String>,
    tolerance_past: Duration,
    tolerance_future: Duration,
    body_limit: usize,
}

impl SchemeBuilder {
    /// The header carrying the signature(s), and its layout.
    pub fn signature_header(mut self, name: &str, format: SignatureFormat) -> Self {
        self.signature = Some((name.to_owned(), format));
        self
    }

    /// The timestamp is in its own header (unix seconds).
    pub fn timestamp_header(mut self, name: &str) -> Self {
        self.timestamp_header = Some(name.to_owned());
        self
    }

    /// The timestamp is the item `key` of a [`SignatureFormat::key_value`] signature header.
    pub fn timestamp_param(mut self, key: impl Into<Cow<'static, str>>) -> Self {
        self.timestamp_param = Some(key.into());
        self
    }

    /// A delivery id header, reported in [`Verified`](crate::Verified) and usable as `{id}` in the
    /// signed payload.
    pub fn id_header(mut self, name: &str) -> Self {
        self.id_header = Some(name.to_owned());
        self
    }

    /// The MAC algorithm (default HMAC-SHA256). Custom schemes support the HMAC algorithms.
    pub fn algorithm(mut self, algorithm: Algorithm) -> Self {
        self.algorithm = algorithm;
        self
    }

    /// The signature encoding (default lowercase hex).
    pub fn encoding(mut self, encoding: Encoding) -> Self {
        self.encoding = encoding;
        self
    }

    /// How secrets become keys (default [`KeyFormat::Raw`]).
    pub fn key_format(mut self, key_format: KeyFormat) -> Self {
        self.key_format = key_format;
        self
    }

    /// What is signed, as a template: `{body}` (the raw body, exactly once), `{t}` (the
    /// timestamp text as received), `{id}` (the delivery id), and literal text. Examples:
    /// `"{body}"`, `"{t}.{body}"`, `"{id}.{t}.{body}"`, `"v0:{t}:{body}"`.
    pub fn signed_payload(mut self, template: &str) -> Self {
        self.template = Some(template.to_owned());
        self
    }

    /// Timestamp tolerance, both directions (default 300 s).
    pub fn tolerance(mut self, tolerance: Duration) -> Self {
        self.tolerance_past = tolerance;
        self.tolerance_future = tolerance;
        self
    }

    /// Default body limit for layers using this scheme (default 1 MiB).
    pub fn body_limit(mut self, limit: usize) -> Self {
        self.body_limit = limit;
        self
    }

    /// Checks the parts fit together and builds the scheme.
    ///
    /// # Errors
    ///
    /// [`ConfigError::IncompleteScheme`] without a signature header or payload template, or with
    /// an algorithm, encoding or key format that only presets use (custom schemes are HMACs
    /// over hex or base64 with raw or Standard Webhooks keys);
    /// [`ConfigError::InvalidHeaderName`]; [`ConfigError::InvalidTemplate`] for a template that
    /// does not parse, lacks `{body}`, or uses `{t}`/`{id}` without a timestamp/id source;
    /// [`ConfigError::InvalidTolerance`].
    pub fn build(self) -> Result<Scheme, ConfigError> {
        let (sig_name, format) = self
            .signature
            .ok_or(ConfigError::IncompleteScheme("a signature header"))?;
        let template_text = self
            .template
            .ok_or(ConfigError::IncompleteScheme("a signed-payload template"))?;
        check_format(&format)?;
        if !self.algorithm.is_hmac()
            || !matches!(
                self.encoding,
                Encoding::Hex | Encoding::HexAnyCase | Encoding::Base64
            )
            || !matches!(
                self.key_format,
                KeyFormat::Raw | KeyFormat::StandardWebhooks | KeyFormat::WooCommerce
            )
        {
            return Err(ConfigError::IncompleteScheme(
                "an HMAC algorithm, a hex or base64 encoding and a raw, Standard Webhooks or WooCommerce key format (the others are for presets)",
            ));
        }
        let timestamp = match (self.timestamp_header, self.timestamp_param) {
            (Some(_), Some(_)) => {
                return Err(ConfigError::IncompleteScheme(
                    "a single timestamp source (header or signature parameter, not both)",
                ));
            }
            (Some(h), None) => TimestampSource::Header(HeaderNames::one(header_name(&h)?)),
            (None, Some(p)) => {
                if !matches!(format.0, FormatKind::KeyValue { .. }) || p.is_empty() {
                    return Err(ConfigError::IncompleteScheme(
                        "a key-value signature header to read the timestamp parameter from",
                    ));
                }
                TimestampSource::SignatureParam(p)
            }
            (None, None) => TimestampSource::None,
        };
        let id_headers = match self.id_header {
            Some(h) => Some(HeaderNames::one(header_name(&h)?)),
            None => None,
        };
        let template = parse_template(&template_text)?;
        if template.contains(&Part::Timestamp) && timestamp == TimestampSource::None {
            return Err(ConfigError::InvalidTemplate(
                "`{t}` is used but the scheme has no timestamp source".into(),
            ));
        }
        if template.contains(&Part::Id) && id_headers.is_none() {
            return Err(ConfigError::InvalidTemplate(
                "`{id}` is used but the scheme has no id header".into(),
            ));
        }
        let scheme = Scheme {
            name: self.name,
            signature: SignatureSource::Header {
                names: HeaderNames::one(header_name(&sig_name)?),
                format,
            },
            timestamp,
            id_headers,
            algorithm: self.algorithm,
            encoding: self.encoding,
            key_format: self.key_format,
            template: template.into(),
            timestamp_check: TimestampCheck::Enforce {
                past: self.tolerance_past,
                future: self.tolerance_future,
            },
            body_limit: self.body_limit,
            public_url: None,
            declared_algorithm: None,
            extra: None,
            extra_enabled: None,
        };
        scheme.validate()?;
        Ok(scheme)
    }
}

fn header_name(name: &str) -> Result<HeaderName, ConfigError> {
    HeaderName::from_bytes(name.as_bytes())
        .map_err(|_| ConfigError::InvalidHeaderName(name.to_owned()))
}

fn check_format(format: &SignatureFormat) -> Result<(), ConfigError> {
    let bad = |what: &str| {
        Err(ConfigError::InvalidTemplate(format!(
            "signature format: {what}"
        )))
    };
    match &format.0 {
        FormatKind::Bare => Ok(()),
        FormatKind::Prefixed(p) if p.is_empty() => bad("empty prefix"),
        FormatKind::KeyValue {
            separator,
            signature_key,
        } if signature_key.is_empty()
            || signature_key.contains(*separator)
            || signature_key.contains('=')
            || *separator == '='
            || !separator.is_ascii() =>
        {
            bad("key-value format needs an ASCII separator other than `=` and a plain key")
        }
        FormatKind::VersionedList { version }
            if version.is_empty() || version.contains([',', ' ']) =>
        {
            bad("version must be non-empty without commas or spaces")
        }
        _ => Ok(()),
    }
}

/// Parses `{t}.{body}`-style templates.
fn parse_template(text: &str) -> Result<Vec<Part>, ConfigError> {
    let mut parts = Vec::new();
    let mut literal = String::new();
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        literal.push_str(rest.get(..open).unwrap_or_default());
        let after = rest.get(open + 1..).unwrap_or_default();
        let close = after
            .find('}')
            .ok_or_else(|| ConfigError::InvalidTemplate(format!("unclosed `{{` in `{text}`")))?;
        let name = after.get(..close).unwrap_or_default();
        let part = match name {
            "body" => Part::Body,
            "t" | "timestamp" => Part::Timestamp,
            "id" => Part::Id,
            other => {
                return Err(ConfigError::InvalidTemplate(format!(
                    "unknown placeholder `{{{other}}}` (known: {{body}}, {{t}}, {{id}})"
                )));
            }
        };
        if !literal.is_empty() {
            parts.push(Part::Literal(Cow::Owned(
                std::mem::take(&mut literal).into_bytes(),
            )));
        }
        parts.push(part);
        rest = after.get(close + 1..).unwrap_or_default();
    }
    literal.push_str(rest);
    if !literal.is_empty() {
        parts.push(Part::Literal(Cow::Owned(literal.into_bytes())));
    }
    if parts.iter().filter(|p| **p == Part::Body).count() != 1 {
        return Err(ConfigError::InvalidTemplate(
            "`{body}` must appear exactly once".into(),
        ));
    }
    Ok(parts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_parse() {
        let lit = |s: &'static str| Part::Literal(Cow::Borrowed(s.as_bytes()));
        assert_eq!(parse_template("{body}").unwrap(), vec![Part::Body]);
        assert_eq!(
            parse_template("{id}.{t}.{body}").unwrap(),
            vec![Part::Id, lit("."), Part::Timestamp, lit("."), Part::Body]
        );
        assert_eq!(
            parse_template("v0:{timestamp}:{body}").unwrap(),
            vec![lit("v0:"), Part::Timestamp, lit(":"), Part::Body]
        );
        assert!(parse_template("{t}.").is_err());
        assert!(parse_template("{body}{body}").is_err());
        assert!(parse_template("{bdy}").is_err());
        assert!(parse_template("{body").is_err());
    }

    #[test]
    fn algorithm_and_encoding_must_fit_the_key_format() {
        use crate::providers;
        let ok = |s: Scheme| s.validate().is_ok();
        assert!(ok(providers::github().with_algorithm(Algorithm::HmacSha512)));
        assert!(ok(providers::stripe().with_encoding(Encoding::Base64)));
        #[cfg(feature = "ed25519")]
        assert!(ok(providers::discord().with_encoding(Encoding::Base64)));
        assert!(!ok(providers::github().with_algorithm(Algorithm::Ed25519)));
        assert!(!ok(providers::github().with_encoding(Encoding::Verbatim)));
        assert!(!ok(
            providers::gitlab().with_algorithm(Algorithm::HmacSha256)
        ));
        assert!(!ok(providers::gitlab().with_encoding(Encoding::Hex)));
        assert!(!ok(
            providers::sendgrid().with_algorithm(Algorithm::HmacSha256)
        ));
        assert!(!ok(
            providers::discord().with_algorithm(Algorithm::EcdsaP256Sha256)
        ));
        for name in providers::ALL {
            let scheme = providers::by_name(name).unwrap();
            // Without the `ed25519` or `ecdsa` feature, their presets cannot be used.
            let missing = (matches!(scheme.algorithm, Algorithm::Ed25519)
                && !cfg!(feature = "ed25519"))
                || (matches!(scheme.algorithm, Algorithm::EcdsaP256Sha256)
                    && !cfg!(feature = "ecdsa"));
            let compiled = !missing;
            let scheme = scheme.public_url(PublicUrl::parse("https://x").unwrap());
            assert_eq!(ok(scheme), compiled, "{name}");
        }
    }

    #[test]
    fn builder_checks_consistency() {
        let b = || Scheme::builder("x").signature_header("x-sig", SignatureFormat::bare());
        assert!(b().signed_payload("{body}").build().is_ok());
        assert!(matches!(
            b().signed_payload("{t}.{body}").build(),
            Err(ConfigError::InvalidTemplate(_))
        ));
        assert!(matches!(
            b().signed_payload("{id}.{body}").build(),
            Err(ConfigError::InvalidTemplate(_))
        ));
        assert!(matches!(
            b().timestamp_param("t")
                .signed_payload("{t}.{body}")
                .build(),
            Err(ConfigError::IncompleteScheme(_))
        ));
        assert!(matches!(
            Scheme::builder("x").signed_payload("{body}").build(),
            Err(ConfigError::IncompleteScheme(_))
        ));
        assert!(matches!(
            Scheme::builder("x")
                .signature_header("bad header", SignatureFormat::bare())
                .signed_payload("{body}")
                .build(),
            Err(ConfigError::InvalidHeaderName(_))
        ));
        assert!(matches!(
            b().signed_payload("{body}")
                .tolerance(Duration::ZERO)
                .build(),
            Err(ConfigError::InvalidTolerance)
        ));
        assert!(matches!(
            b().signed_payload("{body}")
                .tolerance(Duration::from_secs(3601))
                .build(),
            Err(ConfigError::InvalidTolerance)
        ));
    }
}

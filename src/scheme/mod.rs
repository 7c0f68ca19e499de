//! How a provider signs — which headers, which header layout, algorithm, encoding, key form and
//! signed bytes — as data.
//!
//! Presets for the supported providers live in [`providers`](crate::providers). A scheme for any
//! other sender is a few lines with [`Scheme::builder`]. Every scheme is made of the same parts,
//! each with one implementation shared by every provider that uses it: the header
//! [layouts](SignatureFormat), [algorithms](Algorithm), [encodings](Encoding),
//! [key forms](KeyFormat), timestamp formats and a template of the signed bytes (or, for the few
//! providers that sign a canonical form of the body, a reader of that form). The verification
//! core works on these parts and names no provider.

mod builder;
pub(crate) mod format;
pub(crate) mod headers;
pub(crate) mod hooks;
pub(crate) mod key;
pub(crate) mod message;
pub(crate) mod remote;
pub(crate) mod time;
pub(crate) mod url;

pub use builder::SchemeBuilder;
pub use format::SignatureFormat;
pub use hooks::Answer;
pub use key::KeyFormat;
pub use remote::KeyLocation;
pub use url::PublicUrl;

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use http::HeaderName;

use self::format::TagLen;
use self::headers::HeaderNames;
use self::hooks::Handshake;
use self::message::{Message, Part, Payload};
use self::remote::RemoteKey;
use self::time::{TimeFormat, Window};
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
    /// SHA-256 of the secret followed by the message — not an HMAC (HubSpot's v2 signature).
    /// Verified in constant time like a MAC.
    Sha256SecretPrefix,
    /// Ed25519 signatures checked with a public key (Discord, Standard Webhooks `v1a`). Needs the
    /// `ed25519` cargo feature.
    Ed25519,
    /// ECDSA over P-256 with SHA-256, DER-encoded signatures checked with a public key
    /// (SendGrid). High-S signatures are accepted, as SendGrid's own SDKs accept them. Needs the
    /// `ecdsa` cargo feature.
    EcdsaP256Sha256,
    /// RSASSA-PKCS1-v1_5 with SHA-1, checked with an RSA public key of 2048 to 4096 bits, usually
    /// taken from an X.509 certificate (AWS SNS `SignatureVersion` 1). Needs the `rsa` cargo
    /// feature.
    RsaPkcs1Sha1,
    /// RSASSA-PKCS1-v1_5 with SHA-256, checked with an RSA public key of 2048 to 4096 bits,
    /// usually taken from an X.509 certificate (AWS SNS `SignatureVersion` 2, PayPal). Needs the
    /// `rsa` cargo feature.
    RsaPkcs1Sha256,
    /// No signature: the header carries the shared secret itself (GitLab's `X-Gitlab-Token`).
    /// Both sides are hashed with SHA-256 and the digests compared in constant time, so neither
    /// the content nor the length of the secret leaks through timing. The body is **not**
    /// authenticated.
    Token,
}

impl Algorithm {
    /// Length of the signature in bytes: the MAC length for HMACs, 64 for Ed25519, the largest
    /// DER encoding (72) for ECDSA P-256, the largest accepted RSA signature (512, a 4096-bit
    /// key; a signature is as long as its key's modulus) for RSA, and 32 (a SHA-256 digest) for
    /// the others.
    ///
    /// ```
    /// use webhook_guard::Algorithm;
    ///
    /// assert_eq!(Algorithm::HmacSha1.output_len(), 20);
    /// ```
    #[must_use]
    pub fn output_len(self) -> usize {
        match self {
            Self::HmacSha256 | Self::Sha256SecretPrefix | Self::Token => 32,
            Self::HmacSha1 => 20,
            Self::HmacSha512 | Self::Ed25519 => 64,
            Self::EcdsaP256Sha256 => 72,
            Self::RsaPkcs1Sha1 | Self::RsaPkcs1Sha256 => 512,
        }
    }

    /// A short display name (`hmac-sha256`, …).
    ///
    /// ```
    /// assert_eq!(webhook_guard::Algorithm::Ed25519.as_str(), "ed25519");
    /// ```
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::HmacSha256 => "hmac-sha256",
            Self::HmacSha1 => "hmac-sha1",
            Self::HmacSha512 => "hmac-sha512",
            Self::Sha256SecretPrefix => "sha256(secret+message)",
            Self::Ed25519 => "ed25519",
            Self::EcdsaP256Sha256 => "ecdsa-p256-sha256",
            Self::RsaPkcs1Sha1 => "rsa-pkcs1-sha1",
            Self::RsaPkcs1Sha256 => "rsa-pkcs1-sha256",
            Self::Token => "token",
        }
    }

    /// Whether this is one of the RSA algorithms.
    pub(crate) fn is_rsa(self) -> bool {
        matches!(self, Self::RsaPkcs1Sha1 | Self::RsaPkcs1Sha256)
    }

    /// Whether a shared secret computes the signature (HMACs and the secret-prefixed hash): the
    /// message can then be hashed as the body arrives.
    ///
    /// ```
    /// use webhook_guard::Algorithm;
    ///
    /// assert!(Algorithm::HmacSha256.is_mac());
    /// assert!(!Algorithm::Ed25519.is_mac());
    /// ```
    #[must_use]
    pub fn is_mac(self) -> bool {
        matches!(
            self,
            Self::HmacSha256 | Self::HmacSha1 | Self::HmacSha512 | Self::Sha256SecretPrefix
        )
    }

    /// How candidates of this algorithm are decoded.
    pub(crate) fn tag_len(self) -> TagLen {
        match self {
            Self::EcdsaP256Sha256 => TagLen::UpTo(72),
            // Read by the scheme's payload reader only (longer than any header tag).
            Self::RsaPkcs1Sha1 | Self::RsaPkcs1Sha256 => TagLen::UpTo(512),
            other => TagLen::Exact(other.output_len()),
        }
    }
}

/// How the signature bytes are written in the header. Decoding is strict: exact length, no
/// whitespace, canonical form.
///
/// ```
/// use webhook_guard::{providers, Encoding};
///
/// assert_eq!(providers::github().encoding(), Encoding::Hex);
/// assert_eq!(providers::shopify().encoding(), Encoding::Base64);
/// ```
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
    ///
    /// ```
    /// assert_eq!(webhook_guard::Encoding::Base64.as_str(), "base64");
    /// ```
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

/// Where the signature candidates come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Signature {
    /// The first present spelling of one header, in a layout.
    Header {
        names: HeaderNames,
        format: SignatureFormat,
    },
    /// Every present header of a list, each in the layout (a primary and a secondary signature,
    /// numbered signature headers): candidates from all of them, at least one header present.
    Headers {
        names: Cow<'static, [HeaderName]>,
        format: SignatureFormat,
    },
    /// Read by the scheme's [`Payload`]: from the body, or from `header` in a layout of its own.
    Payload { header: Option<HeaderNames> },
}

/// Where the timestamp comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum TimestampSource {
    None,
    /// Its own header (Standard Webhooks `webhook-timestamp`, Slack).
    Header(HeaderNames, TimeFormat),
    /// An item of a key-value signature header (Stripe `t`, Paddle `ts`).
    Param(Cow<'static, str>, TimeFormat),
    /// A top-level JSON number or string field of the signed body (Linear's `webhookTimestamp`),
    /// checked once the signature matched.
    JsonField(Cow<'static, str>, TimeFormat),
    /// Read from the body by the scheme's [`Payload`].
    Body(TimeFormat),
}

impl TimestampSource {
    pub(crate) fn format(&self) -> Option<TimeFormat> {
        match self {
            Self::None => None,
            Self::Header(_, f) | Self::Param(_, f) | Self::JsonField(_, f) | Self::Body(f) => {
                Some(*f)
            }
        }
    }
}

/// A header in which the sender declares a parameter (the algorithm); it must declare the
/// configured value and never selects anything.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Declared {
    pub(crate) header: HeaderNames,
    pub(crate) value: DeclaredValue,
}

/// How the declared value is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum DeclaredValue {
    /// Exactly one `key=value` item among items split on `separator` (Twilio's SharedKey
    /// `X-Twilio-Webhooks-Signature-Settings: key=…,algorithm=HMAC_SHA256`).
    Item {
        separator: char,
        key: &'static str,
        value: &'static str,
    },
    /// The whole header value (an algorithm name in a header of its own).
    Exact(&'static str),
}

impl Declared {
    /// The header value a sender writes.
    pub(crate) fn write(&self) -> String {
        match &self.value {
            DeclaredValue::Item { key, value, .. } => format!("{key}={value}"),
            DeclaredValue::Exact(value) => (*value).to_owned(),
        }
    }
}

/// A provider's signing scheme. Cheap to clone.
///
/// Get one from [`providers`](crate::providers) or build one with [`Scheme::builder`]. The
/// timestamp window (default ±300 s, or the provider's own) is adjusted here:
///
/// ```
/// use std::time::Duration;
/// use webhook_guard::providers;
///
/// let stripe = providers::stripe()
///     .tolerance_past(Duration::from_secs(600))
///     .tolerance_future(Duration::from_secs(30));
/// assert_eq!(stripe.timestamp_window(), Some((Duration::from_secs(600), Duration::from_secs(30))));
/// assert_eq!(providers::github().timestamp_window(), None); // GitHub signs no timestamp
/// ```
#[derive(Clone)]
pub struct Scheme {
    pub(crate) name: Cow<'static, str>,
    pub(crate) signature: Signature,
    pub(crate) timestamp: TimestampSource,
    pub(crate) window: Window,
    pub(crate) id: Option<HeaderNames>,
    pub(crate) algorithm: Algorithm,
    pub(crate) encoding: Encoding,
    pub(crate) key_format: KeyFormat,
    pub(crate) message: Message,
    pub(crate) body_limit: usize,
    pub(crate) public_url: Option<PublicUrl>,
    pub(crate) declared: Option<Declared>,
    /// The set-up exchange the provider requires, if any, and whether the user switched on
    /// answering it.
    pub(crate) handshake: Option<Arc<dyn Handshake>>,
    pub(crate) handshake_enabled: bool,
    /// Where a delivery names the key that verifies it, for providers whose keys are fetched at
    /// run time (a certificate URL, a key id).
    pub(crate) remote: Option<Arc<dyn RemoteKey>>,
}

impl Scheme {
    /// The tolerance used when a scheme does not say otherwise: 300 s either way.
    pub const DEFAULT_TOLERANCE: Duration = Duration::from_secs(300);
    /// The body limit used when a scheme does not say otherwise: 1 MiB.
    pub const DEFAULT_BODY_LIMIT: usize = 1024 * 1024;
    /// The largest timestamp tolerance a scheme accepts: 25 hours, for providers that retry a
    /// delivery with its original signature for up to a day (SendGrid).
    pub const MAX_TOLERANCE: Duration = Duration::from_secs(25 * 3600);

    /// Starts a custom scheme. `name` appears in [`Verified`](crate::Verified) and in logs.
    ///
    /// ```
    /// use webhook_guard::{Scheme, SignatureFormat};
    ///
    /// let relay = Scheme::builder("relay")
    ///     .signature_header("x-webhook-signature", SignatureFormat::key_value(',', "v1"))
    ///     .timestamp_param("t")
    ///     .signed_payload("{t}.{body}")
    ///     .build()?;
    /// assert_eq!(relay.name(), "relay");
    /// # Ok::<(), webhook_guard::ConfigError>(())
    /// ```
    pub fn builder(name: impl Into<String>) -> SchemeBuilder {
        SchemeBuilder::new(name.into())
    }

    /// A preset's starting point: HMAC-SHA256 over the body, lowercase hex, raw key, no
    /// timestamp, ±300 s, 1 MiB.
    pub(crate) fn preset(name: &'static str, names: HeaderNames, format: SignatureFormat) -> Self {
        Self {
            name: Cow::Borrowed(name),
            signature: Signature::Header { names, format },
            timestamp: TimestampSource::None,
            window: Window::both(Self::DEFAULT_TOLERANCE.as_secs()),
            id: None,
            algorithm: Algorithm::HmacSha256,
            encoding: Encoding::Hex,
            key_format: KeyFormat::Raw,
            message: Message::Template(Cow::Borrowed(&[Part::Body])),
            body_limit: Self::DEFAULT_BODY_LIMIT,
            public_url: None,
            declared: None,
            handshake: None,
            handshake_enabled: false,
            remote: None,
        }
    }

    /// The scheme's name (`stripe`, `github`, …).
    ///
    /// ```
    /// assert_eq!(webhook_guard::providers::slack().name(), "slack");
    /// ```
    #[must_use]
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The header the signature is read from (the preferred spelling, when there are several),
    /// or `None` when it is in the body (Mailgun's fields).
    ///
    /// ```
    /// use webhook_guard::providers;
    ///
    /// assert_eq!(providers::github().signature_header().unwrap(), "x-hub-signature-256");
    /// assert!(providers::mailgun().signature_header().is_none());
    /// ```
    #[must_use]
    pub fn signature_header(&self) -> Option<&HeaderName> {
        self.signature_headers().next()
    }

    /// Every header the signature is read from, in order of preference.
    ///
    /// ```
    /// let svix = webhook_guard::providers::svix();
    /// let names: Vec<_> = svix.signature_headers().collect();
    /// assert_eq!(names, ["svix-signature", "webhook-signature"]);
    /// ```
    pub fn signature_headers(&self) -> impl Iterator<Item = &HeaderName> {
        let (names, list): (Option<&HeaderNames>, &[HeaderName]) = match &self.signature {
            Signature::Header { names, .. } => (Some(names), &[]),
            Signature::Headers { names, .. } => (None, names),
            Signature::Payload { header } => (header.as_ref(), &[]),
        };
        names.into_iter().flat_map(HeaderNames::iter).chain(list)
    }

    /// The header carrying the delivery id, for schemes that sign one.
    ///
    /// ```
    /// use webhook_guard::providers;
    ///
    /// assert_eq!(providers::standard_webhooks().id_header().unwrap(), "webhook-id");
    /// assert!(providers::github().id_header().is_none());
    /// ```
    #[must_use]
    pub fn id_header(&self) -> Option<&HeaderName> {
        self.id.as_ref().map(|names| &names.primary)
    }

    /// The public URL configured for schemes that sign it (Twilio, Square).
    ///
    /// ```
    /// use webhook_guard::{providers, PublicUrl};
    ///
    /// let square = providers::square(PublicUrl::exact("https://example.com/hook")?);
    /// assert!(square.configured_public_url().is_some());
    /// # Ok::<(), webhook_guard::ConfigError>(())
    /// ```
    #[must_use]
    pub fn configured_public_url(&self) -> Option<&PublicUrl> {
        self.public_url.as_ref()
    }

    /// Whether the signed bytes include the request's public URL (Twilio, Square), which must
    /// then be configured with [`Scheme::public_url`].
    ///
    /// ```
    /// assert!(!webhook_guard::providers::github().signs_url());
    /// ```
    #[must_use]
    pub fn signs_url(&self) -> bool {
        match &self.message {
            Message::Template(parts) => parts.contains(&Part::Url),
            Message::Payload(payload) => payload.signs_url(),
        }
    }

    /// The algorithm.
    ///
    /// ```
    /// use webhook_guard::{providers, Algorithm};
    ///
    /// assert_eq!(providers::intercom().algorithm(), Algorithm::HmacSha1);
    /// ```
    #[must_use]
    pub fn algorithm(&self) -> Algorithm {
        self.algorithm
    }

    /// The signature encoding.
    ///
    /// ```
    /// use webhook_guard::{providers, Encoding};
    ///
    /// assert_eq!(providers::stripe().encoding(), Encoding::Hex);
    /// ```
    #[must_use]
    pub fn encoding(&self) -> Encoding {
        self.encoding
    }

    /// The form secrets are read in.
    ///
    /// ```
    /// use webhook_guard::{providers, KeyFormat};
    ///
    /// assert_eq!(providers::github().key_format(), KeyFormat::Raw);
    /// ```
    #[must_use]
    pub fn key_format(&self) -> KeyFormat {
        self.key_format
    }

    /// Whether requests carry a timestamp that is checked against the clock.
    ///
    /// ```
    /// use webhook_guard::providers;
    ///
    /// assert!(providers::stripe().checks_timestamp());
    /// assert!(!providers::github().checks_timestamp());
    /// ```
    #[must_use]
    pub fn checks_timestamp(&self) -> bool {
        self.timestamp_window().is_some()
    }

    /// The window as `(past, future)`, or `None` when the scheme has no timestamp or the check
    /// was disabled.
    ///
    /// ```
    /// use std::time::Duration;
    /// use webhook_guard::providers;
    ///
    /// let five = Duration::from_secs(300);
    /// assert_eq!(providers::slack().timestamp_window(), Some((five, five)));
    /// ```
    #[must_use]
    pub fn timestamp_window(&self) -> Option<(Duration, Duration)> {
        match self.window {
            Window::Enforce { past, future } if self.timestamp != TimestampSource::None => {
                Some((past, future))
            }
            _ => None,
        }
    }

    /// The body limit a layer uses for this scheme unless told otherwise: the provider's own
    /// maximum, or 1 MiB. Set the limit with
    /// [`WebhookLayer::body_limit`](crate::WebhookLayer::body_limit).
    ///
    /// ```
    /// assert_eq!(webhook_guard::providers::github().default_body_limit(), 25 << 20);
    /// ```
    #[must_use]
    pub fn default_body_limit(&self) -> usize {
        self.body_limit
    }

    /// A one-line description of the header(s) a delivery must carry.
    ///
    /// ```
    /// assert_eq!(
    ///     webhook_guard::providers::github().describe_headers(),
    ///     "x-hub-signature-256: sha256=<sig>"
    /// );
    /// ```
    #[must_use]
    pub fn describe_headers(&self) -> String {
        let ts_param = match &self.timestamp {
            TimestampSource::Param(k, _) => Some(&**k),
            _ => None,
        };
        let mut out = match &self.signature {
            Signature::Header { names, format } => {
                format!("{}: {}", names.primary, format.describe(ts_param))
            }
            Signature::Headers { names, format } => names
                .iter()
                .map(|n| format!("{n}: {}", format.describe(ts_param)))
                .collect::<Vec<_>>()
                .join(" and/or "),
            Signature::Payload {
                header: Some(names),
            } => {
                format!("{}: {}", names.primary, self.message.describe())
            }
            Signature::Payload { header: None } => format!("body: {}", self.message.describe()),
        };
        match &self.timestamp {
            TimestampSource::Header(names, f) => {
                out.push_str(&format!(", {}: {}", names.primary, f.describe()));
            }
            TimestampSource::JsonField(field, f) => {
                out.push_str(&format!(", body: {field} {}", f.describe()));
            }
            _ => {}
        }
        if let Some(d) = &self.declared {
            out.push_str(&format!(", {}: {}", d.header.primary, d.write()));
        }
        if let Some(names) = &self.id {
            out.push_str(&format!(", {}: <id>", names.primary));
        }
        out
    }

    /// What is signed, e.g. `{t}.{body}`.
    ///
    /// ```
    /// assert_eq!(webhook_guard::providers::stripe().describe_signed_bytes(), "{t}.{body}");
    /// ```
    #[must_use]
    pub fn describe_signed_bytes(&self) -> String {
        self.message.describe()
    }

    /// Sets the same tolerance for the past and the future (1 s to
    /// [`MAX_TOLERANCE`](Self::MAX_TOLERANCE); checked when the verifier or layer is built).
    ///
    /// ```
    /// use std::time::Duration;
    /// use webhook_guard::providers;
    ///
    /// let paddle = providers::paddle().tolerance(Duration::from_secs(30));
    /// assert_eq!(paddle.timestamp_window().map(|w| w.0.as_secs()), Some(30));
    /// ```
    #[must_use]
    pub fn tolerance(self, tolerance: Duration) -> Self {
        self.tolerance_past(tolerance).tolerance_future(tolerance)
    }

    /// How old a timestamp may be.
    ///
    /// ```
    /// use std::time::Duration;
    /// let stripe = webhook_guard::providers::stripe().tolerance_past(Duration::from_secs(600));
    /// assert_eq!(stripe.timestamp_window().map(|w| w.0.as_secs()), Some(600));
    /// ```
    #[must_use]
    pub fn tolerance_past(mut self, tolerance: Duration) -> Self {
        let future = match self.window {
            Window::Enforce { future, .. } => future,
            Window::Disabled => Self::DEFAULT_TOLERANCE,
        };
        self.window = Window::Enforce {
            past: tolerance,
            future,
        };
        self
    }

    /// How far in the future a timestamp may be (clock skew between sender and receiver).
    ///
    /// ```
    /// use std::time::Duration;
    /// let stripe = webhook_guard::providers::stripe().tolerance_future(Duration::from_secs(5));
    /// assert_eq!(stripe.timestamp_window().map(|w| w.1.as_secs()), Some(5));
    /// ```
    #[must_use]
    pub fn tolerance_future(mut self, tolerance: Duration) -> Self {
        let past = match self.window {
            Window::Enforce { past, .. } => past,
            Window::Disabled => Self::DEFAULT_TOLERANCE,
        };
        self.window = Window::Enforce {
            past,
            future: tolerance,
        };
        self
    }

    /// Turns the timestamp window off. The timestamp is still parsed and signed, but a captured
    /// delivery can then be replayed forever unless a replay guard is in place: use this only
    /// for re-processing archived deliveries.
    ///
    /// ```
    /// let archive = webhook_guard::providers::stripe().disable_timestamp_check();
    /// assert!(!archive.checks_timestamp());
    /// ```
    #[must_use]
    pub fn disable_timestamp_check(mut self) -> Self {
        self.window = Window::Disabled;
        self
    }

    /// Sets the public URL for schemes that sign it (Twilio, Square). See [`PublicUrl`] for the
    /// forms it takes, including behind a proxy.
    ///
    /// ```
    /// use webhook_guard::{providers, PublicUrl};
    ///
    /// let twilio = providers::by_name("twilio").unwrap().public_url(PublicUrl::parse("https://example.com")?);
    /// assert!(twilio.configured_public_url().is_some());
    /// # Ok::<(), webhook_guard::ConfigError>(())
    /// ```
    #[must_use]
    pub fn public_url(mut self, url: PublicUrl) -> Self {
        self.public_url = Some(url);
        self
    }

    /// Replaces the signature algorithm, keeping everything else about the scheme: for a sender
    /// that follows a preset's layout with another hash (HMAC-SHA512 instead of HMAC-SHA256),
    /// and for diagnosing deliveries signed with the wrong one (`webhook-guard explain`).
    ///
    /// An algorithm that does not fit the scheme's key format or encoding (an HMAC preset made
    /// Ed25519, a token made an HMAC) makes building a verifier or signer fail with
    /// [`ConfigError::IncompatibleScheme`].
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
    /// diagnosing such deliveries (`webhook-guard explain`). [`Encoding::Verbatim`] goes with
    /// [`Algorithm::Token`] only; a mismatch makes building a verifier or signer fail with
    /// [`ConfigError::IncompatibleScheme`].
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

    /// Answers the provider's set-up exchange in the layer (off by default): Zoom's
    /// `endpoint.url_validation`, Discord's PING, and the others listed in
    /// [`providers`](crate::providers). Signed challenges are answered only once verified;
    /// unsigned set-up requests (GET challenges, WooCommerce's creation ping) are recognised by
    /// their exact shape and never claim a replay entry. See each preset for what it answers.
    ///
    /// Building a verifier or layer from a scheme without a handshake with this option fails
    /// with [`ConfigError::UnsupportedOption`].
    ///
    /// ```
    /// use webhook_guard::{providers, Keyring, Secret, Verifier};
    ///
    /// let zoom = providers::zoom().answer_handshakes();
    /// assert!(zoom.answers_handshakes());
    /// assert!(Verifier::new(providers::github().answer_handshakes(), Keyring::from(Secret::new("s")?)).is_err());
    /// # Ok::<(), webhook_guard::ConfigError>(())
    /// ```
    #[must_use]
    pub fn answer_handshakes(mut self) -> Self {
        self.handshake_enabled = true;
        self
    }

    /// Whether [`answer_handshakes`](Self::answer_handshakes) is on.
    ///
    /// ```
    /// assert!(!webhook_guard::providers::zoom().answers_handshakes());
    /// ```
    #[must_use]
    pub fn answers_handshakes(&self) -> bool {
        self.handshake_enabled
    }

    /// Whether the provider has a set-up exchange [`answer_handshakes`](Self::answer_handshakes)
    /// can answer.
    ///
    /// ```
    /// use webhook_guard::providers;
    ///
    /// assert!(providers::zoom().has_handshake());
    /// assert!(!providers::github().has_handshake());
    /// ```
    #[must_use]
    pub fn has_handshake(&self) -> bool {
        self.handshake.is_some()
    }

    /// Whether each delivery names the key that verifies it, which the provider publishes and
    /// a layer can fetch at run time (AWS SNS's `SigningCertURL`, PayPal's `PAYPAL-CERT-URL`,
    /// Plaid's JWT `kid`): see
    /// [`WebhookLayer::with_key_fetcher`](crate::WebhookLayer::with_key_fetcher). A key can be
    /// pinned instead, given to [`Verifier::new`](crate::Verifier::new) like any key.
    ///
    /// ```
    /// use webhook_guard::providers;
    ///
    /// assert!(providers::aws_sns().fetches_keys());
    /// assert!(!providers::github().fetches_keys());
    /// ```
    #[must_use]
    pub fn fetches_keys(&self) -> bool {
        self.remote.is_some()
    }

    /// Where a delivery names its key and which references are allowed, in a few words, for
    /// schemes that [fetch their keys](Self::fetches_keys).
    ///
    /// ```
    /// let sns = webhook_guard::providers::aws_sns();
    /// assert!(sns.describe_key_location().unwrap().contains("SigningCertURL"));
    /// ```
    #[must_use]
    pub fn describe_key_location(&self) -> Option<&'static str> {
        self.remote.as_ref().map(|r| r.describe())
    }

    /// The handshake, when it is switched on.
    pub(crate) fn active_handshake(&self) -> Option<&dyn Handshake> {
        self.handshake.as_deref().filter(|_| self.handshake_enabled)
    }

    /// Validates what setters cannot: called by every constructor that takes a `Scheme`.
    pub(crate) fn validate(&self) -> Result<(), ConfigError> {
        if let Window::Enforce { past, future } = self.window {
            let ok = |d: Duration| d >= Duration::from_secs(1) && d <= Self::MAX_TOLERANCE;
            if !ok(past) || !ok(future) {
                return Err(ConfigError::InvalidTolerance);
            }
        }
        if self.handshake_enabled && self.handshake.is_none() {
            return Err(ConfigError::UnsupportedOption {
                scheme: self.name.to_string(),
                option: "answer_handshakes",
            });
        }
        if self.signs_url() && self.public_url.is_none() {
            return Err(ConfigError::MissingPublicUrl(self.name.to_string()));
        }
        if let Message::Payload(payload) = &self.message {
            payload.validate(&self.name)?;
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
            #[cfg(not(feature = "rsa"))]
            Algorithm::RsaPkcs1Sha1 | Algorithm::RsaPkcs1Sha256 => {
                Err(ConfigError::FeatureDisabled("rsa"))
            }
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
            a if a.is_mac() => signature && !self.key_format.is_public_key(),
            Algorithm::Ed25519 => {
                signature
                    && matches!(
                        self.key_format,
                        KeyFormat::Ed25519Hex
                            | KeyFormat::Ed25519Base64
                            | KeyFormat::StandardWebhooksPublic
                    )
            }
            Algorithm::EcdsaP256Sha256 => {
                signature
                    && matches!(
                        self.key_format,
                        KeyFormat::SpkiDerBase64 | KeyFormat::JwkP256
                    )
            }
            // RSA signatures are longer than any header tag: a payload reader reads them.
            Algorithm::RsaPkcs1Sha1 | Algorithm::RsaPkcs1Sha256 => {
                signature
                    && self.key_format == KeyFormat::CertificatePem
                    && matches!(self.message, Message::Payload(_))
            }
            _ => self.encoding == Encoding::Verbatim && !self.key_format.is_public_key(),
        }
    }
}

// Building presets: `pub(crate)` setters, used by `providers` only.
impl Scheme {
    pub(crate) fn signing(mut self, template: &'static [Part]) -> Self {
        self.message = Message::Template(Cow::Borrowed(template));
        self
    }

    pub(crate) fn reading(mut self, payload: impl Payload) -> Self {
        self.message = Message::Payload(Arc::new(payload));
        self
    }

    pub(crate) fn algo(mut self, algorithm: Algorithm) -> Self {
        self.algorithm = algorithm;
        self
    }

    pub(crate) fn enc(mut self, encoding: Encoding) -> Self {
        self.encoding = encoding;
        self
    }

    pub(crate) fn key(mut self, format: KeyFormat) -> Self {
        self.key_format = format;
        self
    }

    pub(crate) fn stamp(mut self, source: TimestampSource) -> Self {
        self.timestamp = source;
        self
    }

    pub(crate) fn window(mut self, window: Window) -> Self {
        self.window = window;
        self
    }

    pub(crate) fn with_id(mut self, names: HeaderNames) -> Self {
        self.id = Some(names);
        self
    }

    pub(crate) fn limit(mut self, bytes: usize) -> Self {
        self.body_limit = bytes;
        self
    }

    pub(crate) fn signature(mut self, signature: Signature) -> Self {
        self.signature = signature;
        self
    }

    pub(crate) fn declares(mut self, declared: Declared) -> Self {
        self.declared = Some(declared);
        self
    }

    pub(crate) fn handshake(mut self, handshake: Arc<dyn Handshake>) -> Self {
        self.handshake = Some(handshake);
        self
    }

    pub(crate) fn fetches(mut self, remote: impl RemoteKey) -> Self {
        self.remote = Some(Arc::new(remote));
        self
    }
}

impl fmt::Debug for Scheme {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Scheme")
            .field("name", &self.name)
            .field("headers", &self.describe_headers())
            .field("signed", &self.message)
            .field("algorithm", &self.algorithm)
            .field("encoding", &self.encoding)
            .field("key_format", &self.key_format)
            .field("window", &self.timestamp_window())
            .field("body_limit", &self.body_limit)
            .field("public_url", &self.public_url)
            .field("answers_handshakes", &self.handshake_enabled)
            .field("key_location", &self.describe_key_location())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        for name in providers::names() {
            // PayPal's registry entry has no webhook id, which building refuses.
            let scheme = match name {
                "paypal" => providers::paypal("9XL90610J3647323C"),
                _ => providers::by_name(name).unwrap(),
            };
            // Without the `ed25519` or `ecdsa` feature, their presets cannot be used.
            let missing = (matches!(scheme.algorithm, Algorithm::Ed25519)
                && !cfg!(feature = "ed25519"))
                || (matches!(scheme.algorithm, Algorithm::EcdsaP256Sha256)
                    && !cfg!(feature = "ecdsa"))
                || (scheme.algorithm.is_rsa() && !cfg!(feature = "rsa"));
            let scheme = scheme.public_url(PublicUrl::parse("https://x").unwrap());
            assert_eq!(ok(scheme), !missing, "{name}");
        }
    }
}

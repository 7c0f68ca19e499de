//! The verification core: `(scheme, keys, headers, uri, body, now) -> Verified | Rejection`.
//!
//! Pure and synchronous: no tower, no axum, no async, no I/O. Its only HTTP types are
//! [`HeaderMap`] and [`Uri`]. The middleware is a thin shell around it.
#![warn(clippy::arithmetic_side_effects)]

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use http::{HeaderMap, HeaderName, Uri};

use crate::clock::unix_secs;
use crate::crypto::MacState;
use crate::error::ConfigError;
use crate::rejection::{Rejection, RejectionKind};
use crate::scheme::format::{self, Tags};
use crate::scheme::{HeaderNames, Part, Scheme, TimestampCheck, TimestampSource};
use crate::secret::Keyring;

/// Longest accepted delivery id, in bytes.
pub(crate) const MAX_ID_LEN: usize = 256;

/// Checks deliveries for one scheme against one keyring.
///
/// Build it once; it is cheap to clone and safe to share. Keys are decoded and keyed when it is
/// built, so a bad secret is an error here and never at request time.
///
/// ```
/// use std::time::{Duration, SystemTime};
/// use webhook_guard::{providers, Keyring, RejectionKind, Secret, Verifier};
///
/// let verifier = Verifier::new(
///     providers::github(),
///     Keyring::from(Secret::new("It's a Secret to Everybody")?),
/// )?;
/// let mut headers = http::HeaderMap::new();
/// headers.insert(
///     "x-hub-signature-256",
///     "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17".parse()?,
/// );
/// let uri = http::Uri::from_static("/webhooks/github");
/// let now = SystemTime::now();
///
/// let verified = verifier.verify(&headers, &uri, b"Hello, World!", now)?;
/// assert_eq!(verified.provider(), "github");
/// assert_eq!(verified.key_label(), "default");
///
/// let forged = verifier.verify(&headers, &uri, b"Hello, World?", now).unwrap_err();
/// assert_eq!(forged.kind(), RejectionKind::SignatureMismatch);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct Verifier {
    scheme: Scheme,
    keys: Arc<[PreparedKey]>,
}

pub(crate) struct PreparedKey {
    label: Arc<str>,
    expires_at: Option<SystemTime>,
    state: MacState,
}

impl Verifier {
    /// Prepares `keyring` for `scheme`.
    ///
    /// # Errors
    ///
    /// [`ConfigError::NoKeys`], [`ConfigError::TooManyKeys`], [`ConfigError::DuplicateKeyLabel`],
    /// a key that does not decode for this scheme ([`ConfigError::SecretNotBase64`],
    /// [`ConfigError::KeyLength`], [`ConfigError::EmptySecret`]), or an invalid tolerance.
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
            if keys.iter().any(|k| k.label == entry.label) {
                return Err(ConfigError::DuplicateKeyLabel(entry.label.to_string()));
            }
            keys.push(PreparedKey {
                label: entry.label.clone(),
                expires_at: entry.expires_at,
                state: MacState::new(
                    scheme.algorithm,
                    scheme.key_format,
                    &scheme.name,
                    &entry.secret,
                )?,
            });
        }
        Ok(Self {
            scheme,
            keys: keys.into(),
        })
    }

    /// The scheme this verifier checks.
    #[must_use]
    pub fn scheme(&self) -> &Scheme {
        &self.scheme
    }

    /// Verifies one delivery as of `now`.
    ///
    /// `body` must be the raw bytes exactly as received. `uri` is the request target; schemes
    /// that sign the public URL use it together with their configured base URL.
    ///
    /// # Errors
    ///
    /// A [`Rejection`] saying why; see [`RejectionKind`].
    pub fn verify(
        &self,
        headers: &HeaderMap,
        uri: &Uri,
        body: &[u8],
        now: SystemTime,
    ) -> Result<Verified, Rejection> {
        let mut pending = self.begin(headers, uri, now)?;
        pending.update(body);
        pending.finish()
    }

    /// Everything that can be checked before the body: header presence and format, timestamp
    /// window, id, active keys. Returns the MAC states primed with the bytes signed before the
    /// body, ready for [`Pending::update`] as chunks arrive.
    pub(crate) fn begin(
        &self,
        headers: &HeaderMap,
        _uri: &Uri,
        now: SystemTime,
    ) -> Result<Pending, Rejection> {
        let scheme = &self.scheme;
        let (sig_name, sig_value) = single_header(headers, &scheme.signature_headers)?;
        let ts_param = match &scheme.timestamp {
            TimestampSource::SignatureParam(key) => Some(&**key),
            _ => None,
        };
        let parsed = format::parse(
            &scheme.format,
            sig_value,
            ts_param,
            scheme.encoding,
            scheme.algorithm.output_len(),
        )
        .map_err(|kind| Rejection::header_error(kind, sig_name))?;

        let timestamp_text = match &scheme.timestamp {
            TimestampSource::None => None,
            TimestampSource::Header(names) => Some(single_header(headers, names)?.1),
            TimestampSource::SignatureParam(_) => Some(parsed.timestamp.ok_or_else(|| {
                Rejection::header_error(RejectionKind::MalformedHeader, sig_name)
            })?),
        };
        let timestamp = match timestamp_text {
            Some(text) => {
                let ts =
                    parse_timestamp(text).ok_or(Rejection::new(RejectionKind::InvalidTimestamp))?;
                if let TimestampCheck::Enforce { past, future } = scheme.timestamp_check {
                    check_window(ts, unix_secs(now), past, future)?;
                }
                Some(ts)
            }
            None => None,
        };

        let id = match &scheme.id_headers {
            Some(names) => {
                let (_, id) = single_header(headers, names)?;
                if !valid_id(id) {
                    return Err(Rejection::new(RejectionKind::InvalidId));
                }
                Some(id)
            }
            None => None,
        };

        if parsed.seen == 0 {
            return Err(Rejection::header_error(
                RejectionKind::NoSignature,
                sig_name,
            ));
        }
        if parsed.tags.iter().next().is_none() {
            // Entries of the right version, none of which decodes to a MAC of the right length
            // (`v1,`, truncated, wrong encoding, uppercase hex…): nothing can match.
            return Err(Rejection::new(RejectionKind::SignatureMismatch));
        }

        let mut states = Vec::with_capacity(self.keys.len());
        for (index, key) in self.keys.iter().enumerate() {
            if key.expires_at.is_none_or(|at| now < at) {
                states.push((index, key.state.clone()));
            }
        }
        if states.is_empty() {
            return Err(Rejection::new(RejectionKind::NoActiveKey));
        }

        fn piece<'p>(part: &'p Part, ts: Option<&'p str>, id: Option<&'p str>) -> &'p [u8] {
            match part {
                Part::Literal(bytes) => bytes,
                Part::Timestamp => ts.unwrap_or_default().as_bytes(),
                Part::Id => id.unwrap_or_default().as_bytes(),
                Part::Body => &[],
            }
        }
        let mut parts = scheme.template.iter();
        for part in parts.by_ref() {
            if *part == Part::Body {
                break;
            }
            for (_, state) in &mut states {
                state.update(piece(part, timestamp_text, id));
            }
        }
        let mut suffix = Vec::new();
        for part in parts {
            suffix.extend_from_slice(piece(part, timestamp_text, id));
        }

        Ok(Pending {
            states,
            tags: parsed.tags,
            suffix,
            keys: self.keys.clone(),
            provider: scheme.name.clone(),
            id: id.map(Into::into),
            timestamp,
        })
    }
}

impl Verifier {
    /// When the key labelled `label` stops matching, if it has an expiry.
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

/// A verification in progress: the head was accepted, the body is being hashed.
pub(crate) struct Pending {
    states: Vec<(usize, MacState)>,
    tags: Tags,
    suffix: Vec<u8>,
    keys: Arc<[PreparedKey]>,
    provider: Arc<str>,
    id: Option<Box<str>>,
    timestamp: Option<u64>,
}

impl Pending {
    /// Feeds the next chunk of the raw body.
    pub(crate) fn update(&mut self, chunk: &[u8]) {
        for (_, state) in &mut self.states {
            state.update(chunk);
        }
    }

    /// Finishes every MAC and compares each, in constant time, against every candidate.
    pub(crate) fn finish(self) -> Result<Verified, Rejection> {
        let mut matched = None;
        let mut fingerprint = None;
        for (index, mut state) in self.states {
            state.update(&self.suffix);
            let (mac, ok) = state.finish_and_compare(&self.tags);
            // The MAC under the first active key identifies the signed message whatever
            // signatures the header carries: the replay guard keys on it.
            fingerprint.get_or_insert_with(|| Fingerprint::of(mac.as_slice()));
            if ok && matched.is_none() {
                matched = Some(index);
            }
        }
        let key = matched
            .and_then(|i| self.keys.get(i))
            .ok_or(Rejection::new(RejectionKind::SignatureMismatch))?;
        Ok(Verified {
            provider: self.provider,
            id: self.id,
            timestamp: self.timestamp,
            key_label: key.label.clone(),
            tenant: None,
            fingerprint: fingerprint.unwrap_or_default(),
        })
    }
}

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
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    provider: Arc<str>,
    id: Option<Box<str>>,
    timestamp: Option<u64>,
    key_label: Arc<str>,
    tenant: Option<Arc<str>>,
    fingerprint: Fingerprint,
}

/// SHA-256 of a value that identifies the signed message (never the key). Used as the replay
/// key for schemes that sign no delivery id.
#[derive(Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Fingerprint(pub(crate) [u8; 32]);

impl Fingerprint {
    pub(crate) fn of(bytes: &[u8]) -> Self {
        use sha2::Digest as _;
        let digest = sha2::Sha256::digest(bytes);
        let mut out = [0u8; 32];
        out.copy_from_slice(&digest);
        Self(out)
    }
}

impl fmt::Debug for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Fingerprint(..)")
    }
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
        self.id.as_deref()
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

    /// The label of the key that matched (see [`Keyring::key`]).
    #[must_use]
    pub fn key_label(&self) -> &str {
        &self.key_label
    }

    /// The tenant whose keys verified the delivery, with a per-tenant key resolver (see
    /// [`WebhookLayer::with_resolver`](crate::WebhookLayer::with_resolver)).
    #[must_use]
    pub fn tenant(&self) -> Option<&str> {
        self.tenant.as_deref()
    }

    pub(crate) fn set_tenant(&mut self, tenant: Arc<str>) {
        self.tenant = Some(tenant);
    }

    pub(crate) fn fingerprint(&self) -> &Fingerprint {
        &self.fingerprint
    }
}

/// The value of the first present spelling of a header, which must appear exactly once and be
/// visible ASCII. An empty value counts as missing.
fn single_header<'h>(
    headers: &'h HeaderMap,
    names: &'h HeaderNames,
) -> Result<(&'h HeaderName, &'h str), Rejection> {
    for name in names.iter() {
        let mut values = headers.get_all(name).iter();
        if let Some(value) = values.next() {
            if values.next().is_some() {
                return Err(Rejection::header_error(
                    RejectionKind::DuplicateHeader,
                    name,
                ));
            }
            let text = value
                .to_str()
                .map_err(|_| Rejection::header_error(RejectionKind::MalformedHeader, name))?;
            if text.is_empty() {
                return Err(Rejection::header_error(RejectionKind::MissingHeader, name));
            }
            return Ok((name, text));
        }
    }
    Err(Rejection::header_error(
        RejectionKind::MissingHeader,
        &names.primary,
    ))
}

/// A timestamp must be 1 to 12 ASCII digits without a leading zero: no sign, no decimals, no
/// exponent, no whitespace. The signed bytes are the text itself, so this also makes the
/// representation unique.
pub(crate) fn parse_timestamp(text: &str) -> Option<u64> {
    let bytes = text.as_bytes();
    if bytes.is_empty()
        || bytes.len() > 12
        || bytes.first() == Some(&b'0')
        || !bytes.iter().all(u8::is_ascii_digit)
    {
        return None;
    }
    text.parse().ok()
}

fn check_window(ts: u64, now: u64, past: Duration, future: Duration) -> Result<(), Rejection> {
    let distance = Duration::from_secs(ts.abs_diff(now));
    if ts <= now && distance > past {
        return Err(Rejection::new(RejectionKind::TimestampTooOld));
    }
    if ts > now && distance > future {
        return Err(Rejection::new(RejectionKind::TimestampInFuture));
    }
    Ok(())
}

/// Delivery ids: 1 to 256 bytes of `[A-Za-z0-9_:-]`. In particular no `.`, which would make the
/// `{id}.{t}.{body}` concatenation ambiguous.
pub(crate) fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= MAX_ID_LEN
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b':' | b'-'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_are_strict() {
        assert_eq!(parse_timestamp("1649367553"), Some(1_649_367_553));
        assert_eq!(parse_timestamp("999999999999"), Some(999_999_999_999));
        for bad in [
            "",
            "0",
            "01649367553",
            "+1649367553",
            "-1",
            "1649367553.0",
            "1e9",
            " 1649367553",
            "1649367553 ",
            "9999999999999",
            "18446744073709551616",
            "-9223372036854775808",
            "9223372036854775807",
            "abc",
            "１２３",
        ] {
            assert_eq!(parse_timestamp(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn window_edges_are_inclusive() {
        let t = Duration::from_secs(300);
        assert!(check_window(1000, 1300, t, t).is_ok());
        assert_eq!(
            check_window(999, 1300, t, t).unwrap_err().kind(),
            RejectionKind::TimestampTooOld
        );
        assert!(check_window(1600, 1300, t, t).is_ok());
        assert_eq!(
            check_window(1601, 1300, t, t).unwrap_err().kind(),
            RejectionKind::TimestampInFuture
        );
        // Extreme values never overflow.
        assert!(check_window(999_999_999_999, 0, t, t).is_err());
        assert!(check_window(1, u64::MAX, t, t).is_err());
    }

    #[test]
    fn ids_are_restricted() {
        assert!(valid_id("msg_27UH4WbU6Z5A5EzD8u03UvzRbpk"));
        assert!(valid_id("a:b-c_d"));
        for bad in ["", "msg.1", "msg 1", "msg/1", "é"] {
            assert!(!valid_id(bad), "{bad:?}");
        }
        assert!(valid_id(&"a".repeat(256)));
        assert!(!valid_id(&"a".repeat(257)));
    }
}

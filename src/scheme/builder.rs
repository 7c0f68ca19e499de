//! [`SchemeBuilder`]: a custom scheme from its parts.

use std::borrow::Cow;

use http::HeaderName;

use super::headers::HeaderNames;
use super::message::{Message, Part, parse_template};
use super::time::TimeFormat;
use super::{Algorithm, Encoding, KeyFormat, Scheme, SignatureFormat, TimestampSource};
use crate::error::ConfigError;

/// Builds a custom [`Scheme`]. Defaults: HMAC-SHA256, lowercase hex, raw key; the built scheme
/// has a ±300 s window (adjust it on the [`Scheme`]) and a 1 MiB default body limit (set the
/// limit on the layer).
///
/// Required: [`signature_header`](Self::signature_header) and
/// [`signed_payload`](Self::signed_payload).
///
/// ```
/// use webhook_guard::{Algorithm, Encoding, Scheme, SignatureFormat};
///
/// let partner = Scheme::builder("partner")
///     .signature_header("x-partner-signature", SignatureFormat::prefixed("sha512="))
///     .timestamp_header("x-partner-timestamp")
///     .id_header("x-partner-delivery")
///     .algorithm(Algorithm::HmacSha512)
///     .encoding(Encoding::Base64)
///     .signed_payload("{id}:{t}:{body}")
///     .build()?;
/// assert_eq!(partner.describe_signed_bytes(), "{id}:{t}:{body}");
/// # Ok::<(), webhook_guard::ConfigError>(())
/// ```
#[derive(Debug)]
#[must_use]
pub struct SchemeBuilder {
    name: String,
    signature: Option<(String, SignatureFormat)>,
    timestamp_header: Option<String>,
    timestamp_param: Option<Cow<'static, str>>,
    id_header: Option<String>,
    algorithm: Algorithm,
    encoding: Encoding,
    key_format: KeyFormat,
    template: Option<String>,
}

impl SchemeBuilder {
    pub(super) fn new(name: String) -> Self {
        Self {
            name,
            signature: None,
            timestamp_header: None,
            timestamp_param: None,
            id_header: None,
            algorithm: Algorithm::HmacSha256,
            encoding: Encoding::Hex,
            key_format: KeyFormat::Raw,
            template: None,
        }
    }

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

    /// The MAC algorithm (default HMAC-SHA256). Custom schemes support the shared-secret
    /// algorithms ([`Algorithm::is_mac`]).
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
    /// timestamp text as received), `{id}` (the delivery id), `{method}`, `{url}` (the public
    /// URL, see [`Scheme::public_url`]), `{header:<name>}` (another header's value), and
    /// literal text. Examples: `"{body}"`, `"{t}.{body}"`, `"{id}.{t}.{body}"`,
    /// `"v0:{t}:{body}"`.
    pub fn signed_payload(mut self, template: &str) -> Self {
        self.template = Some(template.to_owned());
        self
    }

    /// Checks the parts fit together and builds the scheme.
    ///
    /// # Errors
    ///
    /// [`ConfigError::IncompleteScheme`] without a signature header or payload template, or with
    /// an algorithm, encoding or key format that only presets use (custom schemes are MACs over
    /// hex or base64 with a shared-secret key form); [`ConfigError::InvalidHeaderName`];
    /// [`ConfigError::InvalidTemplate`] for a template that does not parse, lacks `{body}`, or
    /// uses `{t}`/`{id}` without a timestamp/id source.
    pub fn build(self) -> Result<Scheme, ConfigError> {
        let (sig_name, format) = self
            .signature
            .ok_or(ConfigError::IncompleteScheme("a signature header"))?;
        let template_text = self
            .template
            .ok_or(ConfigError::IncompleteScheme("a signed-payload template"))?;
        format
            .check()
            .map_err(|what| ConfigError::InvalidTemplate(format!("signature format: {what}")))?;
        if !self.algorithm.is_mac()
            || !matches!(
                self.encoding,
                Encoding::Hex | Encoding::HexAnyCase | Encoding::Base64
            )
            || self.key_format.is_public_key()
        {
            return Err(ConfigError::IncompleteScheme(
                "a MAC algorithm, a hex or base64 encoding and a shared-secret key format (the others are for presets)",
            ));
        }
        let timestamp = match (self.timestamp_header, self.timestamp_param) {
            (Some(_), Some(_)) => {
                return Err(ConfigError::IncompleteScheme(
                    "a single timestamp source (header or signature parameter, not both)",
                ));
            }
            (Some(h), None) => {
                TimestampSource::Header(HeaderNames::one(header_name(&h)?), TimeFormat::Seconds)
            }
            (None, Some(p)) => {
                if !matches!(format.0, super::format::FormatKind::KeyValue { .. }) || p.is_empty() {
                    return Err(ConfigError::IncompleteScheme(
                        "a key-value signature header to read the timestamp parameter from",
                    ));
                }
                TimestampSource::Param(p, TimeFormat::Seconds)
            }
            (None, None) => TimestampSource::None,
        };
        let id = match self.id_header {
            Some(h) => Some(HeaderNames::one(header_name(&h)?)),
            None => None,
        };
        let template = parse_template(&template_text)?;
        if template.contains(&Part::Timestamp) && timestamp == TimestampSource::None {
            return Err(ConfigError::InvalidTemplate(
                "`{t}` is used but the scheme has no timestamp source".into(),
            ));
        }
        if template.contains(&Part::Id) && id.is_none() {
            return Err(ConfigError::InvalidTemplate(
                "`{id}` is used but the scheme has no id header".into(),
            ));
        }
        let mut scheme = Scheme::preset("", HeaderNames::one(header_name(&sig_name)?), format);
        scheme.name = Cow::Owned(self.name);
        scheme.timestamp = timestamp;
        scheme.id = id;
        scheme.algorithm = self.algorithm;
        scheme.encoding = self.encoding;
        scheme.key_format = self.key_format;
        scheme.message = Message::Template(Cow::Owned(template));
        scheme.validate()?;
        Ok(scheme)
    }
}

fn header_name(name: &str) -> Result<HeaderName, ConfigError> {
    HeaderName::from_bytes(name.as_bytes())
        .map_err(|_| ConfigError::InvalidHeaderName(name.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

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
            b().algorithm(Algorithm::Ed25519)
                .signed_payload("{body}")
                .build(),
            Err(ConfigError::IncompleteScheme(_))
        ));
        let built = b()
            .signed_payload("{body}")
            .build()
            .unwrap()
            .tolerance(std::time::Duration::ZERO);
        assert_eq!(built.validate(), Err(ConfigError::InvalidTolerance));
    }
}

//! The mirror image of verification: the headers a provider would send.
//!
//! For senders, and for your own tests: sign a body with [`Signer`], send it through the layer,
//! and you exercise exactly the path a real delivery takes. It is driven by the same
//! [`Scheme`] data as verification, so whatever a scheme verifies, it can sign.

use std::fmt;
use std::time::SystemTime;

use http::{HeaderMap, HeaderValue};

use crate::clock::unix_secs;
use crate::crypto::MacState;
use crate::error::ConfigError;
use crate::scheme::format::encode;
use crate::scheme::{FormatKind, Part, Scheme, TimestampSource};
use crate::secret::Secret;

/// Produces signature headers for one scheme and one secret.
///
/// ```
/// use std::time::SystemTime;
/// use webhook_guard::{providers, Keyring, Secret, Signer, Verifier};
///
/// let secret = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD";
/// let signer = Signer::new(providers::standard_webhooks(), Secret::new(secret)?)?;
/// let now = SystemTime::now();
/// let headers = signer.sign(b"{\"ok\":true}", now, Some("msg_1"))?;
/// assert!(headers["webhook-signature"].to_str()?.starts_with("v1,"));
///
/// let verifier = Verifier::new(providers::standard_webhooks(), Keyring::from(Secret::new(secret)?))?;
/// let uri = http::Uri::from_static("/");
/// assert!(verifier.verify(&headers, &uri, b"{\"ok\":true}", now).is_ok());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct Signer {
    scheme: Scheme,
    state: MacState,
}

impl Signer {
    /// A signer for `scheme` with `secret`, given in the same form the verifier takes.
    ///
    /// # Errors
    ///
    /// The secret does not decode for this scheme, or the scheme is invalid.
    pub fn new(scheme: Scheme, secret: Secret) -> Result<Self, ConfigError> {
        scheme.validate()?;
        let state = MacState::new(scheme.algorithm, scheme.key_format, &scheme.name, &secret)?;
        Ok(Self { scheme, state })
    }

    /// The headers for `body` signed at `timestamp` with delivery id `id`.
    ///
    /// `id` is required by schemes that sign one (Standard Webhooks) and ignored by others.
    ///
    /// # Errors
    ///
    /// [`ConfigError::InvalidDeliveryId`] when the scheme needs an id and `id` is `None` or not
    /// `[A-Za-z0-9_:-]{1,256}`.
    pub fn sign(
        &self,
        body: &[u8],
        timestamp: SystemTime,
        id: Option<&str>,
    ) -> Result<HeaderMap, ConfigError> {
        let scheme = &self.scheme;
        let ts = unix_secs(timestamp).to_string();
        let id = match (&scheme.id_headers, id) {
            (None, _) => None,
            (Some(_), Some(id)) if crate::verify::valid_id(id) => Some(id),
            (Some(_), _) => return Err(ConfigError::InvalidDeliveryId),
        };
        let mut state = self.state.clone();
        for part in scheme.template.iter() {
            match part {
                Part::Literal(bytes) => state.update(bytes),
                Part::Timestamp => state.update(ts.as_bytes()),
                Part::Id => state.update(id.unwrap_or_default().as_bytes()),
                Part::Body => state.update(body),
            }
        }
        let tag = state.finalize();
        let sig = encode(tag.as_slice(), scheme.encoding);

        let mut value = match &scheme.format.0 {
            FormatKind::Bare => sig,
            FormatKind::Prefixed(prefix) => format!("{prefix}{sig}"),
            FormatKind::KeyValue {
                separator,
                signature_key,
            } => match &scheme.timestamp {
                TimestampSource::SignatureParam(t) => {
                    format!("{t}={ts}{separator}{signature_key}={sig}")
                }
                _ => format!("{signature_key}={sig}"),
            },
            FormatKind::VersionedList { version } => format!("{version},{sig}"),
        };
        let mut headers = HeaderMap::new();
        let mut sig_value = header_value(&value)?;
        sig_value.set_sensitive(true);
        value.clear();
        headers.insert(scheme.signature_headers.primary.clone(), sig_value);
        if let TimestampSource::Header(names) = &scheme.timestamp {
            headers.insert(names.primary.clone(), header_value(&ts)?);
        }
        if let (Some(names), Some(id)) = (&scheme.id_headers, id) {
            headers.insert(names.primary.clone(), header_value(id)?);
        }
        Ok(headers)
    }
}

fn header_value(text: &str) -> Result<HeaderValue, ConfigError> {
    HeaderValue::from_str(text).map_err(|_| ConfigError::InvalidDeliveryId)
}

impl fmt::Debug for Signer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Signer")
            .field("scheme", &self.scheme.name)
            .field("secret", &"[REDACTED]")
            .finish()
    }
}

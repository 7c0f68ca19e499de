//! The mirror image of verification: the headers a provider would send.
//!
//! For senders, and for your own tests: sign a body with [`Signer`], send it through the layer,
//! and you exercise exactly the path a real delivery takes. It is driven by the same
//! [`Scheme`] data as verification, so whatever a scheme verifies, it can sign.

use std::fmt;
use std::time::SystemTime;

use http::{HeaderMap, HeaderValue, Uri};
use zeroize::Zeroizing;

use crate::clock::unix_secs;
use crate::crypto::{MacState, derive_key};
use crate::error::ConfigError;
use crate::scheme::format::encode;
use crate::scheme::{
    Algorithm, FormatKind, Part, Scheme, SignatureSource, TimestampSource, payload,
};
use crate::secret::Secret;

/// Produces signature headers for one scheme and one secret.
///
/// Every HMAC preset can be signed, with the same secret the verifier takes. For the
/// public-key schemes the signer takes the **private** key instead:
///
/// | scheme key form | private key for the signer |
/// |---|---|
/// | [`KeyFormat::Ed25519Hex`](crate::KeyFormat::Ed25519Hex) (Discord) | the 32-byte seed as 64 hex characters |
/// | [`KeyFormat::StandardWebhooksPublic`](crate::KeyFormat::StandardWebhooksPublic) (`v1a`) | `whsk_` + base64 of the 32-byte seed |
/// | [`KeyFormat::SpkiDerBase64`](crate::KeyFormat::SpkiDerBase64) (SendGrid) | a PKCS#8 P-256 private key, base64 DER or PEM |
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
    key: SigningKey,
}

// Built once per signer and cloned rarely: the HMAC state's size does not matter here.
#[allow(clippy::large_enum_variant)]
#[derive(Clone)]
enum SigningKey {
    Mac(MacState),
    Token(Zeroizing<Vec<u8>>),
    #[cfg(feature = "ed25519")]
    Ed25519(Box<ed25519_dalek::SigningKey>),
    #[cfg(feature = "ecdsa")]
    P256(Box<p256::ecdsa::SigningKey>),
}

impl Signer {
    /// A signer for `scheme` with `secret`: the shared secret in the same form the verifier
    /// takes, or the private key for public-key schemes (see the table above).
    ///
    /// # Errors
    ///
    /// The secret does not decode for this scheme ([`ConfigError::InvalidKey`] for private
    /// keys), the scheme is invalid, or it needs a cargo feature that is off.
    pub fn new(scheme: Scheme, secret: Secret) -> Result<Self, ConfigError> {
        scheme.validate()?;
        let key = match scheme.algorithm {
            Algorithm::HmacSha256 | Algorithm::HmacSha1 | Algorithm::HmacSha512 => SigningKey::Mac(
                MacState::new(scheme.algorithm, scheme.key_format, &scheme.name, &secret)?,
            ),
            Algorithm::Token => {
                SigningKey::Token(derive_key(scheme.key_format, &scheme.name, &secret)?)
            }
            #[cfg(feature = "ed25519")]
            Algorithm::Ed25519 => {
                SigningKey::Ed25519(Box::new(ed25519_private_key(scheme.key_format, &secret)?))
            }
            #[cfg(feature = "ecdsa")]
            Algorithm::EcdsaP256Sha256 => SigningKey::P256(Box::new(p256_private_key(&secret)?)),
            #[allow(unreachable_patterns)]
            _ => return Err(ConfigError::FeatureDisabled("ed25519 or ecdsa")),
        };
        Ok(Self { scheme, key })
    }

    /// The public key matching a private signing key, in the form the scheme's verifier takes
    /// (hex for Discord, `whpk_…` for Standard Webhooks `v1a`, base64 DER SPKI for SendGrid);
    /// `None` for shared-secret schemes.
    #[must_use]
    pub fn public_key(&self) -> Option<String> {
        match &self.key {
            SigningKey::Mac(_) | SigningKey::Token(_) => None,
            #[cfg(feature = "ed25519")]
            SigningKey::Ed25519(key) => {
                let bytes = key.verifying_key().to_bytes();
                Some(match self.scheme.key_format {
                    crate::KeyFormat::StandardWebhooksPublic => {
                        format!("whpk_{}", encode(&bytes, crate::Encoding::Base64))
                    }
                    _ => hex::encode(bytes),
                })
            }
            #[cfg(feature = "ecdsa")]
            SigningKey::P256(key) => {
                use p256::pkcs8::EncodePublicKey as _;
                let der = key.verifying_key().to_public_key_der().ok()?;
                Some(encode(der.as_bytes(), crate::Encoding::Base64))
            }
        }
    }

    /// The headers for `body` signed at `timestamp` with delivery id `id`, for a request to
    /// `/`. Schemes that sign the URL use [`Signer::sign_request`].
    ///
    /// `id` is required by schemes that sign one (Standard Webhooks) and ignored by others.
    ///
    /// # Errors
    ///
    /// [`ConfigError::InvalidDeliveryId`] when the scheme needs an id and `id` is `None` or not
    /// `[A-Za-z0-9_:-]{1,256}`; [`ConfigError::CannotSign`] for Mailgun (see
    /// [`Signer::sign_mailgun`]).
    pub fn sign(
        &self,
        body: &[u8],
        timestamp: SystemTime,
        id: Option<&str>,
    ) -> Result<HeaderMap, ConfigError> {
        self.sign_request(&Uri::from_static("/"), body, timestamp, id)
    }

    /// Like [`Signer::sign`], for a request to `uri` (path and query): Twilio and Square sign
    /// the public URL, which is the configured [`PublicUrl`](crate::PublicUrl) combined with
    /// it. For a Twilio JSON body, put `bodySHA256=<hex SHA-256 of the body>` in the query, as
    /// Twilio does.
    ///
    /// ```
    /// use std::time::SystemTime;
    /// use webhook_guard::{providers, Keyring, PublicUrl, Secret, Signer, Verifier};
    ///
    /// let twilio = providers::twilio(PublicUrl::parse("https://example.com")?);
    /// let uri = http::Uri::from_static("/twilio/sms");
    /// let body = b"Body=Hello+World&From=%2B14155551234";
    /// let now = SystemTime::now();
    /// let headers = Signer::new(twilio.clone(), Secret::new("auth-token")?)?
    ///     .sign_request(&uri, body, now, None)?;
    /// let verifier = Verifier::new(twilio, Keyring::from(Secret::new("auth-token")?))?;
    /// assert!(verifier.verify(&headers, &uri, body, now).is_ok());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// As [`Signer::sign`]; also [`ConfigError::CannotSign`] when the public URL comes from
    /// request headers, or a Twilio `bodySHA256` does not match the body.
    pub fn sign_request(
        &self,
        uri: &Uri,
        body: &[u8],
        timestamp: SystemTime,
        id: Option<&str>,
    ) -> Result<HeaderMap, ConfigError> {
        let scheme = &self.scheme;
        let SignatureSource::Header { names, format } = &scheme.signature else {
            return Err(ConfigError::CannotSign(
                "Mailgun signatures live in the body: use Signer::sign_mailgun",
            ));
        };
        let ts = unix_secs(timestamp).to_string();
        let id = match (&scheme.id_headers, id) {
            (None, _) => None,
            (Some(_), Some(id)) if crate::verify::valid_id(id) => Some(id),
            (Some(_), _) => return Err(ConfigError::InvalidDeliveryId),
        };
        let url = match &scheme.public_url {
            Some(public) if scheme.signs_url() => {
                Some(public.resolve(&HeaderMap::new(), uri).map_err(|_| {
                    ConfigError::CannotSign("the public URL comes from request headers")
                })?)
            }
            _ => None,
        };
        let url = url.as_deref().unwrap_or_default();
        let mut message = Zeroizing::new(Vec::with_capacity(body.len().saturating_add(128)));
        for part in scheme.template.iter() {
            match part {
                Part::Literal(bytes) => message.extend_from_slice(bytes),
                Part::Timestamp => message.extend_from_slice(ts.as_bytes()),
                Part::Id => message.extend_from_slice(id.unwrap_or_default().as_bytes()),
                Part::Body => message.extend_from_slice(body),
                Part::PublicUrl | Part::PublicUrlAnyDefaultPort => {
                    message.extend_from_slice(url.as_bytes());
                }
                Part::TwilioParams => {
                    message.extend_from_slice(&payload::twilio_params(url, body).map_err(|_| {
                        ConfigError::CannotSign("bodySHA256 does not match the body")
                    })?)
                }
                Part::MailgunToken => {}
            }
        }
        let mut sig = match &self.key {
            SigningKey::Mac(state) => {
                let mut state = state.clone();
                state.update(&message);
                encode(state.finalize().as_slice(), scheme.encoding)
            }
            SigningKey::Token(token) => String::from_utf8(token.to_vec())
                .map_err(|_| ConfigError::CannotSign("the token is not text"))?,
            #[cfg(feature = "ed25519")]
            SigningKey::Ed25519(key) => {
                use ed25519_dalek::Signer as _;
                encode(&key.sign(&message).to_bytes(), scheme.encoding)
            }
            #[cfg(feature = "ecdsa")]
            SigningKey::P256(key) => {
                use p256::ecdsa::signature::Signer as _;
                let signature: p256::ecdsa::Signature = key.sign(&message);
                encode(signature.to_der().as_bytes(), scheme.encoding)
            }
        };

        let mut value = Zeroizing::new(match &format.0 {
            FormatKind::Bare => std::mem::take(&mut sig),
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
        });
        let _ = Zeroizing::new(sig);
        let mut headers = HeaderMap::new();
        let mut sig_value = HeaderValue::from_str(&value)
            .map_err(|_| ConfigError::CannotSign("the signature is not a valid header value"))?;
        sig_value.set_sensitive(true);
        value.clear();
        headers.insert(names.primary.clone(), sig_value);
        if let TimestampSource::Header(names) = &scheme.timestamp {
            headers.insert(names.primary.clone(), header_value(&ts)?);
        }
        if let (Some(names), Some(id)) = (&scheme.id_headers, id) {
            headers.insert(names.primary.clone(), header_value(id)?);
        }
        if let Some(declared) = &scheme.declared_algorithm {
            headers.insert(
                declared.header.clone(),
                header_value(&format!("{}={}", declared.key, declared.value))?,
            );
        }
        Ok(headers)
    }

    /// Mailgun only: the hex signature of `timestamp` and `token`, for the `signature` body
    /// field (Mailgun signs those two values, not the event data).
    ///
    /// ```
    /// use std::time::{Duration, SystemTime};
    /// use webhook_guard::{providers, Secret, Signer};
    ///
    /// let signer = Signer::new(providers::mailgun(), Secret::new("key-1")?)?;
    /// let at = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
    /// let signature = signer.sign_mailgun(at, "a-random-token")?;
    /// assert_eq!(signature.len(), 64);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`ConfigError::CannotSign`] for any other scheme.
    pub fn sign_mailgun(&self, timestamp: SystemTime, token: &str) -> Result<String, ConfigError> {
        match (&self.scheme.signature, &self.key) {
            (SignatureSource::MailgunBody, SigningKey::Mac(state)) => {
                let mut state = state.clone();
                state.update(unix_secs(timestamp).to_string().as_bytes());
                state.update(token.as_bytes());
                Ok(encode(state.finalize().as_slice(), self.scheme.encoding))
            }
            _ => Err(ConfigError::CannotSign(
                "sign_mailgun is for the Mailgun scheme",
            )),
        }
    }
}

fn header_value(text: &str) -> Result<HeaderValue, ConfigError> {
    HeaderValue::from_str(text).map_err(|_| ConfigError::InvalidDeliveryId)
}

/// An Ed25519 private key: the 32-byte seed as hex, or `whsk_` + base64 of it.
#[cfg(feature = "ed25519")]
fn ed25519_private_key(
    format: crate::KeyFormat,
    secret: &Secret,
) -> Result<ed25519_dalek::SigningKey, ConfigError> {
    use base64::Engine as _;
    const WHAT: &str =
        "an Ed25519 private key: the 32-byte seed as 64 hex characters, or whsk_ + base64";
    let text = secret.expose();
    let seed = Zeroizing::new(match (format, secret.form()) {
        (_, crate::secret::SecretForm::Bytes) => text.to_vec(),
        (crate::KeyFormat::StandardWebhooksPublic, _) => base64::engine::general_purpose::STANDARD
            .decode(text.strip_prefix(b"whsk_").unwrap_or(text))
            .map_err(|_| ConfigError::InvalidKey(WHAT))?,
        _ => hex::decode(text).map_err(|_| ConfigError::InvalidKey(WHAT))?,
    });
    let seed: &[u8; 32] = seed
        .as_slice()
        .try_into()
        .map_err(|_| ConfigError::InvalidKey(WHAT))?;
    Ok(ed25519_dalek::SigningKey::from_bytes(seed))
}

/// A P-256 private key: PKCS#8, as base64 DER or PEM.
#[cfg(feature = "ecdsa")]
fn p256_private_key(secret: &Secret) -> Result<p256::ecdsa::SigningKey, ConfigError> {
    use base64::Engine as _;
    use p256::pkcs8::DecodePrivateKey as _;
    const WHAT: &str = "a PKCS#8 P-256 private key (base64 DER or PEM)";
    let text = secret.expose();
    let der = Zeroizing::new(match secret.form() {
        crate::secret::SecretForm::Bytes => text.to_vec(),
        crate::secret::SecretForm::Text => {
            let body: Zeroizing<Vec<u8>> = Zeroizing::new(
                text.split(|&b| b == b'\n')
                    .filter(|line| !line.starts_with(b"-----"))
                    .flatten()
                    .copied()
                    .filter(|b| !b.is_ascii_whitespace())
                    .collect(),
            );
            base64::engine::general_purpose::STANDARD
                .decode(&*body)
                .map_err(|_| ConfigError::InvalidKey(WHAT))?
        }
    });
    p256::ecdsa::SigningKey::from_pkcs8_der(&der).map_err(|_| ConfigError::InvalidKey(WHAT))
}

impl fmt::Debug for Signer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Signer")
            .field("scheme", &self.scheme.name)
            .field("secret", &"[REDACTED]")
            .finish()
    }
}

//! The mirror image of verification: what a provider would send.
//!
//! For senders, and for your own tests: sign a request with [`Signer`], send it through the
//! layer, and you exercise exactly the path a real delivery takes. It is driven by the same
//! [`Scheme`] data as verification, so whatever a scheme verifies, it can sign.

use std::fmt;
use std::time::SystemTime;

use http::{HeaderMap, HeaderName, HeaderValue, Request};
use zeroize::Zeroizing;

use crate::crypto::MacState;
use crate::error::ConfigError;
#[cfg(feature = "ed25519")]
use crate::scheme::KeyFormat;
use crate::scheme::format::encode;
use crate::scheme::key::shared_key;
use crate::scheme::message::{Message, Part, RequestView};
use crate::scheme::time::TimeFormat;
use crate::scheme::{Algorithm, Scheme, Signature, TimestampSource};
use crate::secret::Secret;
use crate::verify::valid_id;

/// Signs requests for one scheme with one secret.
///
/// Every shared-secret preset can be signed, with the same secret the verifier takes. For the
/// public-key schemes the signer takes the **private** key instead:
///
/// | scheme key form | private key for the signer |
/// |---|---|
/// | [`KeyFormat::Ed25519Hex`] (Discord) | the 32-byte seed as 64 hex characters |
/// | [`KeyFormat::Ed25519Base64`] | base64 of the 32-byte seed |
/// | [`KeyFormat::StandardWebhooksPublic`] (`v1a`) | `whsk_` + base64 of the 32-byte seed |
/// | [`KeyFormat::SpkiDerBase64`] (SendGrid) | a PKCS#8 P-256 private key, base64 DER or PEM |
///
/// ```
/// use std::time::SystemTime;
/// use webhook_guard::{providers, Keyring, Secret, Signer, Verifier};
///
/// let secret = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD";
/// let signer = Signer::new(providers::standard_webhooks(), Secret::new(secret)?)?;
/// let now = SystemTime::now();
/// let mut request = http::Request::post("/webhooks")
///     .header("webhook-id", "msg_1")
///     .body(r#"{"ok":true}"#)?;
/// signer.sign(&mut request, now)?;
/// assert!(request.headers()["webhook-signature"].to_str()?.starts_with("v1,"));
///
/// let verifier = Verifier::new(providers::standard_webhooks(), Keyring::from(Secret::new(secret)?))?;
/// assert_eq!(verifier.verify(&request, now)?.delivery_id(), Some("msg_1"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct Signer {
    scheme: Scheme,
    key: SigningKey,
}

// Built once per signer and cloned rarely: the state's size does not matter here.
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
            a if a.is_mac() => SigningKey::Mac(MacState::new(
                a,
                &shared_key(scheme.key_format, &scheme.name, &secret)?,
            )?),
            Algorithm::Token => {
                SigningKey::Token(shared_key(scheme.key_format, &scheme.name, &secret)?)
            }
            #[cfg(feature = "ed25519")]
            Algorithm::Ed25519 => {
                SigningKey::Ed25519(Box::new(ed25519_private_key(scheme.key_format, &secret)?))
            }
            #[cfg(feature = "ecdsa")]
            Algorithm::EcdsaP256Sha256 => SigningKey::P256(Box::new(p256_private_key(&secret)?)),
            a if a.is_rsa() => {
                return Err(ConfigError::CannotSign(
                    "RSA signatures are verified, not made, by this crate",
                ));
            }
            _ => return Err(ConfigError::FeatureDisabled("ed25519 or ecdsa")),
        };
        Ok(Self { scheme, key })
    }

    /// The scheme this signer signs for.
    #[must_use]
    pub fn scheme(&self) -> &Scheme {
        &self.scheme
    }

    /// The public key matching a private signing key, in the form the scheme's verifier takes
    /// (hex for Discord, `whpk_…` for Standard Webhooks `v1a`, base64 DER SPKI for SendGrid);
    /// `None` for shared-secret schemes.
    ///
    /// ```
    /// use webhook_guard::{providers, Secret, Signer};
    ///
    /// let signer = Signer::new(providers::github(), Secret::new("s")?)?;
    /// assert_eq!(signer.public_key(), None);
    /// # Ok::<(), webhook_guard::ConfigError>(())
    /// ```
    #[must_use]
    pub fn public_key(&self) -> Option<String> {
        match &self.key {
            SigningKey::Mac(_) | SigningKey::Token(_) => None,
            #[cfg(feature = "ed25519")]
            SigningKey::Ed25519(key) => {
                let bytes = key.verifying_key().to_bytes();
                Some(match self.scheme.key_format {
                    KeyFormat::StandardWebhooksPublic => {
                        format!("whpk_{}", encode(&bytes, crate::Encoding::Base64))
                    }
                    KeyFormat::Ed25519Base64 => encode(&bytes, crate::Encoding::Base64),
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

    /// Signs `request` as the provider would at `at`: adds the signature header and the
    /// timestamp and delivery-id headers the scheme reads (replacing any already there). A
    /// delivery id already in the request is kept; otherwise one is made up (`msg_…`).
    /// Schemes that sign the URL sign the configured [`PublicUrl`](crate::PublicUrl) with the
    /// request's path and query; for a Twilio JSON body, put `bodySHA256=<hex SHA-256 of the
    /// body>` in the query, as Twilio does.
    ///
    /// ```
    /// use std::time::SystemTime;
    /// use webhook_guard::{providers, Keyring, PublicUrl, Secret, Signer, Verifier};
    ///
    /// let twilio = providers::twilio(PublicUrl::parse("https://example.com")?);
    /// let mut request = http::Request::post("/twilio/sms").body("Body=Hello+World&From=%2B14155551234")?;
    /// let now = SystemTime::now();
    /// Signer::new(twilio.clone(), Secret::new("auth-token")?)?.sign(&mut request, now)?;
    /// let verifier = Verifier::new(twilio, Keyring::from(Secret::new("auth-token")?))?;
    /// assert!(verifier.verify(&request, now).is_ok());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`ConfigError::InvalidDeliveryId`] when the request carries a delivery id that is not
    /// `[A-Za-z0-9_:-]{1,256}`; [`ConfigError::CannotSign`] when the public URL comes from
    /// request headers, the body is not what the scheme signs, or the scheme carries its
    /// signature in the body (see [`Signer::sign_body`]).
    pub fn sign<B: AsRef<[u8]>>(
        &self,
        request: &mut Request<B>,
        at: SystemTime,
    ) -> Result<(), ConfigError> {
        let scheme = &self.scheme;
        let stamp = scheme
            .timestamp
            .format()
            .unwrap_or(TimeFormat::Seconds)
            .write(at);
        let id = match &scheme.id {
            None => None,
            Some(names) => {
                let given = names
                    .iter()
                    .find_map(|n| request.headers().get(n))
                    .map(|v| v.to_str().map(str::to_owned));
                match given {
                    Some(Ok(id)) if valid_id(&id) => Some(id),
                    Some(_) => return Err(ConfigError::InvalidDeliveryId),
                    None => Some(format!("msg_{}", crate::unique::token().replace('-', "_"))),
                }
            }
        };
        let url = match &scheme.public_url {
            Some(public) if scheme.signs_url() => Some(
                public
                    .resolve(&HeaderMap::new(), request.uri())
                    .map_err(|_| {
                        ConfigError::CannotSign("the public URL comes from request headers")
                    })?,
            ),
            _ => None,
        };
        let body = request.body().as_ref();
        let view = RequestView {
            method: request.method(),
            uri: request.uri(),
            headers: request.headers(),
            url: url.as_deref(),
        };
        let message = Zeroizing::new(match &scheme.message {
            Message::Template(template) => {
                let mut message = Vec::with_capacity(body.len().saturating_add(128));
                for part in template.iter() {
                    match part {
                        Part::Literal(bytes) => message.extend_from_slice(bytes),
                        Part::Timestamp => message.extend_from_slice(stamp.as_bytes()),
                        Part::Id => {
                            message.extend_from_slice(id.as_deref().unwrap_or_default().as_bytes());
                        }
                        Part::Body => message.extend_from_slice(body),
                        Part::Url => {
                            message
                                .extend_from_slice(url.as_deref().unwrap_or_default().as_bytes());
                        }
                        Part::Method => message.extend_from_slice(view.method.as_str().as_bytes()),
                        Part::Header(name) => message.extend_from_slice(
                            view.headers
                                .get(&**name)
                                .map(HeaderValue::as_bytes)
                                .unwrap_or_default(),
                        ),
                    }
                }
                message
            }
            Message::Payload(payload) if matches!(scheme.signature, Signature::Payload { .. }) => {
                let sign = |message: &[u8]| self.signature(message).unwrap_or_default();
                let written = payload
                    .sign(&view, body, &stamp, &sign)
                    .map_err(ConfigError::CannotSign)?;
                if written.body.is_some() {
                    return Err(ConfigError::CannotSign(
                        "this scheme's signature is in the body: use Signer::sign_body",
                    ));
                }
                let headers = request.headers_mut();
                for (name, value) in written.headers {
                    let mut value = header_value(&value)?;
                    value.set_sensitive(true);
                    headers.insert(name, value);
                }
                return Ok(());
            }
            Message::Payload(payload) => payload
                .to_sign(&view, body)
                .map_err(ConfigError::CannotSign)?,
        });
        let signature = Zeroizing::new(self.signature(&message)?);
        let ts_param = match &scheme.timestamp {
            TimestampSource::Param(key, _) => Some((&**key, stamp.as_str())),
            _ => None,
        };
        let headers = request.headers_mut();
        match &scheme.signature {
            Signature::Header { names, format } => {
                let value = Zeroizing::new(format.write(&signature, ts_param));
                let mut value = header_value(&value)?;
                value.set_sensitive(true);
                for name in names.iter() {
                    headers.remove(name);
                }
                headers.insert(names.primary.clone(), value);
            }
            Signature::Headers { names, format } => {
                let value = Zeroizing::new(format.write(&signature, ts_param));
                let mut value = header_value(&value)?;
                value.set_sensitive(true);
                for name in names.iter() {
                    headers.remove(name);
                }
                if let Some(first) = names.first() {
                    headers.insert(first.clone(), value);
                }
            }
            Signature::Payload { .. } => {}
        }
        if let TimestampSource::Header(names, _) = &scheme.timestamp {
            replace(headers, names.iter(), &names.primary, &stamp)?;
        }
        if let (Some(names), Some(id)) = (&scheme.id, &id) {
            replace(headers, names.iter(), &names.primary, id)?;
        }
        if let Some(declared) = &scheme.declared {
            replace(
                headers,
                declared.header.iter(),
                &declared.header.primary,
                &declared.write(),
            )?;
        }
        Ok(())
    }

    /// For schemes that carry their signature in the body (Mailgun): `body` with the signature
    /// fields written for a delivery at `at`.
    ///
    /// ```
    /// use std::time::SystemTime;
    /// use webhook_guard::{providers, Keyring, Secret, Signer, Verifier};
    ///
    /// let signer = Signer::new(providers::mailgun(), Secret::new("key-1")?)?;
    /// let now = SystemTime::now();
    /// let body = signer.sign_body(br#"{"event-data":{"event":"delivered"}}"#, now)?;
    /// let verifier = Verifier::new(providers::mailgun(), Keyring::from(Secret::new("key-1")?))?;
    /// assert!(verifier.verify(&http::Request::post("/").body(body)?, now).is_ok());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`ConfigError::CannotSign`] for schemes that sign headers, or a body the scheme cannot
    /// hold its fields in.
    pub fn sign_body(&self, body: &[u8], at: SystemTime) -> Result<Vec<u8>, ConfigError> {
        let scheme = &self.scheme;
        let (Signature::Payload { .. }, Message::Payload(payload)) =
            (&scheme.signature, &scheme.message)
        else {
            return Err(ConfigError::CannotSign(
                "this scheme's signature is in a header: use Signer::sign",
            ));
        };
        let stamp = scheme
            .timestamp
            .format()
            .unwrap_or(TimeFormat::Seconds)
            .write(at);
        let sign = |message: &[u8]| self.signature(message).unwrap_or_default();
        let request = Request::post("/")
            .body(())
            .map_err(|_| ConfigError::CannotSign("request"))?;
        let view = RequestView {
            method: request.method(),
            uri: request.uri(),
            headers: request.headers(),
            url: None,
        };
        payload
            .sign(&view, body, &stamp, &sign)
            .map_err(ConfigError::CannotSign)?
            .body
            .ok_or(ConfigError::CannotSign(
                "this scheme's signature is in a header: use Signer::sign",
            ))
    }

    /// The encoded signature of `message`.
    fn signature(&self, message: &[u8]) -> Result<String, ConfigError> {
        let encoding = self.scheme.encoding;
        Ok(match &self.key {
            SigningKey::Mac(state) => {
                let mut state = state.clone();
                state.update(message);
                encode(state.finalize().as_slice(), encoding)
            }
            SigningKey::Token(token) => String::from_utf8(token.to_vec())
                .map_err(|_| ConfigError::CannotSign("the token is not text"))?,
            #[cfg(feature = "ed25519")]
            SigningKey::Ed25519(key) => {
                use ed25519_dalek::Signer as _;
                encode(&key.sign(message).to_bytes(), encoding)
            }
            #[cfg(feature = "ecdsa")]
            SigningKey::P256(key) => {
                use p256::ecdsa::signature::Signer as _;
                let signature: p256::ecdsa::Signature = key.sign(message);
                encode(signature.to_der().as_bytes(), encoding)
            }
        })
    }
}

/// Sets `name` to `value`, removing the other spellings first.
fn replace<'n>(
    headers: &mut HeaderMap,
    spellings: impl Iterator<Item = &'n HeaderName>,
    name: &HeaderName,
    value: &str,
) -> Result<(), ConfigError> {
    for other in spellings {
        headers.remove(other);
    }
    headers.insert(name.clone(), header_value(value)?);
    Ok(())
}

fn header_value(text: &str) -> Result<HeaderValue, ConfigError> {
    HeaderValue::from_str(text)
        .map_err(|_| ConfigError::CannotSign("a value is not a valid header value"))
}

/// An Ed25519 private key: the 32-byte seed as hex, base64, or `whsk_` + base64 of it.
#[cfg(feature = "ed25519")]
fn ed25519_private_key(
    format: KeyFormat,
    secret: &Secret,
) -> Result<ed25519_dalek::SigningKey, ConfigError> {
    use base64::Engine as _;
    const WHAT: &str =
        "an Ed25519 private key: the 32-byte seed as 64 hex characters, base64, or whsk_ + base64";
    let text = secret.expose();
    let b64 = |t: &[u8]| base64::engine::general_purpose::STANDARD.decode(t);
    let seed = Zeroizing::new(match (format, secret.form()) {
        (_, crate::secret::SecretForm::Bytes) => text.to_vec(),
        (KeyFormat::StandardWebhooksPublic, _) => b64(text.strip_prefix(b"whsk_").unwrap_or(text))
            .map_err(|_| ConfigError::InvalidKey(WHAT))?,
        (KeyFormat::Ed25519Base64, _) => b64(text).map_err(|_| ConfigError::InvalidKey(WHAT))?,
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

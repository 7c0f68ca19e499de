//! MAC computation and constant-time comparison, over RustCrypto `hmac`/`sha1`/`sha2`.
//!
//! Keys are turned into keyed HMAC state once, when a verifier is built; each request clones
//! that state (no key schedule per request). The state is zeroed on drop (`hmac`'s `zeroize`
//! feature).

use base64::Engine as _;
use base64::engine::DecodePaddingMode;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use hmac::{Hmac, KeyInit, Mac};
use sha1::Sha1;
use sha2::{Sha256, Sha512};
use subtle::{Choice, ConstantTimeEq};
use zeroize::Zeroizing;

use crate::error::ConfigError;
use crate::scheme::format::{MAX_TAG_LEN, Tag, Tags};
use crate::scheme::{Algorithm, KeyFormat};
use crate::secret::{Secret, SecretForm};

/// Keyed MAC state for one key; cloned per request.
#[derive(Clone)]
pub(crate) enum MacState {
    Sha256(Hmac<Sha256>),
    Sha1(Hmac<Sha1>),
    Sha512(Hmac<Sha512>),
}

impl MacState {
    /// Derives the key bytes for `format` from `secret` and keys a MAC with them.
    pub(crate) fn new(
        algorithm: Algorithm,
        format: KeyFormat,
        scheme_name: &str,
        secret: &Secret,
    ) -> Result<Self, ConfigError> {
        let key = derive_key(format, scheme_name, secret)?;
        // HMAC accepts keys of any length, so these never fail; map defensively anyway.
        let state = match algorithm {
            Algorithm::HmacSha256 => Self::Sha256(
                <Hmac<Sha256> as KeyInit>::new_from_slice(&key)
                    .map_err(|_| ConfigError::EmptySecret)?,
            ),
            Algorithm::HmacSha1 => Self::Sha1(
                <Hmac<Sha1> as KeyInit>::new_from_slice(&key)
                    .map_err(|_| ConfigError::EmptySecret)?,
            ),
            Algorithm::HmacSha512 => Self::Sha512(
                <Hmac<Sha512> as KeyInit>::new_from_slice(&key)
                    .map_err(|_| ConfigError::EmptySecret)?,
            ),
        };
        Ok(state)
    }

    pub(crate) fn update(&mut self, data: &[u8]) {
        match self {
            Self::Sha256(m) => m.update(data),
            Self::Sha1(m) => m.update(data),
            Self::Sha512(m) => m.update(data),
        }
    }

    /// The MAC.
    pub(crate) fn finalize(self) -> Tag {
        let mut tag = Tag {
            bytes: [0; MAX_TAG_LEN],
            len: 0,
        };
        let mut put = |out: &[u8]| {
            if let Some(dst) = tag.bytes.get_mut(..out.len()) {
                dst.copy_from_slice(out);
                tag.len = out.len();
            }
        };
        match self {
            Self::Sha256(m) => put(&m.finalize().into_bytes()),
            Self::Sha1(m) => put(&m.finalize().into_bytes()),
            Self::Sha512(m) => put(&m.finalize().into_bytes()),
        }
        tag
    }

    /// Finishes the MAC and compares it, in constant time, with every candidate. Candidates all
    /// have the algorithm's exact length (checked when they were decoded). Returns the MAC and
    /// whether any candidate matched.
    pub(crate) fn finish_and_compare(self, candidates: &Tags) -> (Tag, bool) {
        let expected = self.finalize();
        let mut found = Choice::from(0);
        for candidate in candidates.iter() {
            found |= expected.as_slice().ct_eq(candidate.as_slice());
        }
        (expected, found.into())
    }
}

/// `whsec_` secrets: standard alphabet, canonical, padding optional (dashboards and the
/// reference libraries differ on padding).
const WHSEC_BASE64: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

fn derive_key(
    format: KeyFormat,
    scheme_name: &str,
    secret: &Secret,
) -> Result<Zeroizing<Vec<u8>>, ConfigError> {
    let key = match (format, secret.form()) {
        (KeyFormat::Raw, _) | (KeyFormat::StandardWebhooks, SecretForm::Bytes) => {
            Zeroizing::new(secret.expose().to_vec())
        }
        (KeyFormat::StandardWebhooks, SecretForm::Text) => {
            let text = secret.expose();
            let b64 = text.strip_prefix(b"whsec_").unwrap_or(text);
            Zeroizing::new(
                WHSEC_BASE64
                    .decode(b64)
                    .map_err(|_| ConfigError::SecretNotBase64)?,
            )
        }
    };
    if key.is_empty() {
        return Err(ConfigError::EmptySecret);
    }
    if format == KeyFormat::StandardWebhooks && !(24..=64).contains(&key.len()) {
        return Err(ConfigError::KeyLength {
            scheme: scheme_name.to_owned(),
            min: 24,
            max: 64,
            actual: key.len(),
        });
    }
    Ok(key)
}

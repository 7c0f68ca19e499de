//! MAC computation, public-key verification and constant-time comparison, over RustCrypto
//! `hmac`/`sha1`/`sha2` (and `ed25519-dalek`, `p256` behind the `ed25519` and `ecdsa` features).
//!
//! Keys are turned into keyed HMAC state (or parsed public keys) once, when a verifier is built;
//! each request clones that state (no key schedule per request). The state is zeroed on drop
//! (`hmac`'s `zeroize` feature).

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
use crate::scheme::{Algorithm, KeyFormat, Scheme};
use crate::secret::{Secret, SecretForm};

/// How one configured key checks signatures.
// One per configured key (at most four), built once: the HMAC state's size does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Clone)]
pub(crate) enum KeyState {
    /// A keyed HMAC.
    Mac(MacState),
    /// SHA-256 of a bearer token (GitLab).
    Token([u8; 32]),
    /// An Ed25519 public key.
    #[cfg(feature = "ed25519")]
    Ed25519(ed25519_dalek::VerifyingKey),
    /// A P-256 public key.
    #[cfg(feature = "ecdsa")]
    P256(p256::ecdsa::VerifyingKey),
}

impl KeyState {
    /// Prepares `secret` as a key of `scheme`.
    pub(crate) fn new(scheme: &Scheme, secret: &Secret) -> Result<Self, ConfigError> {
        match scheme.algorithm {
            Algorithm::HmacSha256 | Algorithm::HmacSha1 | Algorithm::HmacSha512 => Ok(Self::Mac(
                MacState::new(scheme.algorithm, scheme.key_format, &scheme.name, secret)?,
            )),
            Algorithm::Token => {
                use sha2::Digest as _;
                let key = derive_key(scheme.key_format, &scheme.name, secret)?;
                Ok(Self::Token(Sha256::digest(&*key).into()))
            }
            #[cfg(feature = "ed25519")]
            Algorithm::Ed25519 => {
                let key = public_key_bytes(scheme.key_format, secret)?;
                let bytes: [u8; 32] = key
                    .as_slice()
                    .try_into()
                    .map_err(|_| ConfigError::InvalidKey(ED25519_KEY))?;
                let key = ed25519_dalek::VerifyingKey::from_bytes(&bytes)
                    .map_err(|_| ConfigError::InvalidKey(ED25519_KEY))?;
                if key.is_weak() {
                    return Err(ConfigError::InvalidKey(ED25519_KEY));
                }
                Ok(Self::Ed25519(key))
            }
            #[cfg(feature = "ecdsa")]
            Algorithm::EcdsaP256Sha256 => {
                use p256::pkcs8::DecodePublicKey as _;
                let der = public_key_bytes(scheme.key_format, secret)?;
                let key = p256::ecdsa::VerifyingKey::from_public_key_der(&der)
                    .map_err(|_| ConfigError::InvalidKey(P256_KEY))?;
                Ok(Self::P256(key))
            }
            #[allow(unreachable_patterns)]
            _ => Err(ConfigError::FeatureDisabled(match scheme.algorithm {
                Algorithm::Ed25519 => "ed25519",
                _ => "ecdsa",
            })),
        }
    }

    /// Checks `message` (given as consecutive parts) against every candidate. HMAC keys compare
    /// in constant time; public keys try each candidate (at most a handful, see `MAX_ENTRIES`).
    pub(crate) fn verify_parts(&self, parts: &[&[u8]], candidates: &Tags) -> bool {
        match self {
            Self::Mac(state) => state.mac_and_compare(parts.iter().copied(), candidates, |_| {}),
            Self::Token(digest) => {
                let mut found = Choice::from(0);
                for candidate in candidates.iter() {
                    found |= ct_eq(digest.as_slice(), candidate.as_slice());
                }
                found.into()
            }
            #[cfg(feature = "ed25519")]
            Self::Ed25519(key) => {
                use ed25519_dalek::ed25519::signature::MultipartVerifier as _;
                candidates.iter().any(|c| {
                    ed25519_dalek::Signature::from_slice(c.as_slice())
                        .is_ok_and(|sig| key.multipart_verify(parts, &sig).is_ok())
                })
            }
            #[cfg(feature = "ecdsa")]
            Self::P256(key) => {
                use p256::ecdsa::signature::MultipartVerifier as _;
                // Strict DER; high-S accepted (P-256's ECDSA in RustCrypto does not normalise
                // S, and SendGrid's own signatures are often high-S).
                candidates.iter().any(|c| {
                    p256::ecdsa::DerSignature::from_bytes(c.as_slice())
                        .ok()
                        .and_then(|der| p256::ecdsa::Signature::try_from(der).ok())
                        .is_some_and(|sig| key.multipart_verify(parts, &sig).is_ok())
                })
            }
        }
    }
}

#[cfg(feature = "ed25519")]
const ED25519_KEY: &str = "a 32-byte Ed25519 public key (64 hex characters, or whpk_ + base64)";
#[cfg(feature = "ecdsa")]
const P256_KEY: &str = "a P-256 public key as base64 DER SubjectPublicKeyInfo";

/// The bytes of a public key given as text in `format`.
#[cfg(any(feature = "ed25519", feature = "ecdsa"))]
fn public_key_bytes(format: KeyFormat, secret: &Secret) -> Result<Vec<u8>, ConfigError> {
    let text = secret.expose();
    let bad = |what| ConfigError::InvalidKey(what);
    match (format, secret.form()) {
        (_, SecretForm::Bytes) => Ok(text.to_vec()),
        (KeyFormat::Ed25519Hex, _) => {
            hex::decode(text).map_err(|_| bad("64 hex characters (an Ed25519 public key)"))
        }
        (KeyFormat::StandardWebhooksPublic, _) => {
            let b64 = text.strip_prefix(b"whpk_").unwrap_or(text);
            base64::engine::general_purpose::STANDARD
                .decode(b64)
                .map_err(|_| bad("whpk_ + base64 (a Standard Webhooks public key)"))
        }
        (KeyFormat::SpkiDerBase64, _) => base64::engine::general_purpose::STANDARD
            .decode(text)
            .map_err(|_| bad("base64 DER SubjectPublicKeyInfo")),
        _ => Err(bad(
            "a public key form (Ed25519Hex, StandardWebhooksPublic, SpkiDerBase64)",
        )),
    }
}

/// Keyed MAC state for one key; cloned per request.
///
/// SHA-512's state (288 bytes, twice SHA-256's) is boxed: the state moves with every request's
/// verification, and no preset uses SHA-512, so custom SHA-512 schemes pay one allocation per
/// request instead of everyone paying the copies.
#[derive(Clone)]
pub(crate) enum MacState {
    Sha256(Hmac<Sha256>),
    Sha1(Hmac<Sha1>),
    Sha512(Box<Hmac<Sha512>>),
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
            Algorithm::HmacSha512 => Self::Sha512(Box::new(
                <Hmac<Sha512> as KeyInit>::new_from_slice(&key)
                    .map_err(|_| ConfigError::EmptySecret)?,
            )),
            Algorithm::Ed25519 | Algorithm::EcdsaP256Sha256 | Algorithm::Token => {
                return Err(ConfigError::IncompleteScheme("an HMAC algorithm"));
            }
        };
        Ok(state)
    }

    #[inline]
    pub(crate) fn update(&mut self, data: &[u8]) {
        match self {
            Self::Sha256(m) => m.update(data),
            Self::Sha1(m) => m.update(data),
            Self::Sha512(m) => m.update(data),
        }
    }

    /// The MAC.
    #[inline]
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
            Self::Sha512(m) => put(&(*m).finalize().into_bytes()),
        }
        tag
    }

    /// Finishes the MAC and compares it, in constant time, with every candidate. Candidates all
    /// have the algorithm's exact length (checked when they were decoded). `observe` sees the
    /// MAC; returns whether any candidate matched.
    #[inline]
    pub(crate) fn finish_and_compare(self, candidates: &Tags, observe: impl FnOnce(&[u8])) -> bool {
        match self {
            Self::Sha256(m) => compare(m, candidates, observe),
            Self::Sha1(m) => compare(m, candidates, observe),
            Self::Sha512(m) => compare(*m, candidates, observe),
        }
    }

    /// Clones the keyed state, feeds it `message` (consecutive parts), and compares the MAC
    /// with every candidate like [`MacState::finish_and_compare`]. One match on the algorithm,
    /// then straight-line code for it: the state is cloned, fed and finished in one place.
    #[inline]
    pub(crate) fn mac_and_compare<'m>(
        &self,
        message: impl IntoIterator<Item = &'m [u8]>,
        candidates: &Tags,
        observe: impl FnOnce(&[u8]),
    ) -> bool {
        #[inline(always)]
        fn run<'m, M: Mac + Clone>(
            keyed: &M,
            message: impl IntoIterator<Item = &'m [u8]>,
            candidates: &Tags,
            observe: impl FnOnce(&[u8]),
        ) -> bool {
            let mut mac = keyed.clone();
            for part in message {
                mac.update(part);
            }
            compare(mac, candidates, observe)
        }
        match self {
            Self::Sha256(m) => run(m, message, candidates, observe),
            Self::Sha1(m) => run(m, message, candidates, observe),
            Self::Sha512(m) => run(&**m, message, candidates, observe),
        }
    }
}

/// Finishes `mac` and compares it with every candidate, without stopping at a match.
#[inline(always)]
fn compare<M: Mac>(mac: M, candidates: &Tags, observe: impl FnOnce(&[u8])) -> bool {
    let expected = mac.finalize().into_bytes();
    let mut found = Choice::from(0);
    for candidate in candidates.iter() {
        found |= ct_eq(&expected, candidate.as_slice());
    }
    observe(&expected);
    found.into()
}

/// Constant-time equality of two MACs or digests, whose lengths are public (a candidate is
/// decoded to the algorithm's exact length before it gets here).
///
/// The differences are OR-ed together eight bytes at a time with no branch on the data, and
/// the result goes through `subtle`'s `u64` comparison once: the same guarantee as `subtle`'s
/// byte-slice `ct_eq`, which pays an optimisation barrier per byte (a third of the non-hash
/// work of verifying a 1 KiB body).
pub(crate) fn ct_eq(a: &[u8], b: &[u8]) -> Choice {
    if a.len() != b.len() {
        return Choice::from(0);
    }
    let mut diff = 0u64;
    let (mut wa, mut wb) = (a.chunks_exact(8), b.chunks_exact(8));
    for (x, y) in (&mut wa).zip(&mut wb) {
        let word = |w: &[u8]| u64::from_ne_bytes(w.try_into().unwrap_or([0; 8]));
        diff |= word(x) ^ word(y);
    }
    for (x, y) in wa.remainder().iter().zip(wb.remainder()) {
        diff |= u64::from(x ^ y);
    }
    diff.ct_eq(&0)
}

/// `whsec_` secrets: standard alphabet, canonical, padding optional (dashboards and the
/// reference libraries differ on padding).
const WHSEC_BASE64: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

pub(crate) fn derive_key(
    format: KeyFormat,
    scheme_name: &str,
    secret: &Secret,
) -> Result<Zeroizing<Vec<u8>>, ConfigError> {
    let key = match (format, secret.form()) {
        (KeyFormat::Raw, _) | (_, SecretForm::Bytes) => Zeroizing::new(secret.expose().to_vec()),
        (KeyFormat::WooCommerce, SecretForm::Text) => wp_specialchars_decode(secret.expose()),
        (
            KeyFormat::Ed25519Hex | KeyFormat::StandardWebhooksPublic | KeyFormat::SpkiDerBase64,
            SecretForm::Text,
        ) => {
            return Err(ConfigError::InvalidKey(
                "a shared secret: public-key formats go with Ed25519 or ECDSA schemes",
            ));
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

/// WordPress's `wp_specialchars_decode($text, ENT_QUOTES)` (wp-includes/formatting.php), as
/// WooCommerce applies it to webhook secrets before keying the HMAC.
///
/// First the zero-padded numeric forms of the recognised entities are normalised
/// (`/&#0*39;/` → `&#039;`, `/&#x0*27;/i` → `&#x27;`, and likewise for 34, 60, 62, 38, `x22`,
/// `x26`), then `strtr` replaces, left to right and without rescanning, the entities
/// `&#039; &#x27; &quot; &#034; &#x22; &lt; &#060; &gt; &#062; &amp; &#038; &#x26;`.
/// Nothing else is decoded (`&nbsp;`, `&#65;` stay as they are).
fn wp_specialchars_decode(text: &[u8]) -> Zeroizing<Vec<u8>> {
    // (decimal code, hex code) → replacement, for the numeric forms the normalisation handles.
    const NUMERIC: [(&[u8], &[u8], u8); 5] = [
        (b"39", b"27", b'\''),
        (b"34", b"22", b'"'),
        (b"60", b"", b'<'),
        (b"62", b"", b'>'),
        (b"38", b"26", b'&'),
    ];
    const NAMED: [(&[u8], u8); 4] = [
        (b"&quot;", b'"'),
        (b"&lt;", b'<'),
        (b"&gt;", b'>'),
        (b"&amp;", b'&'),
    ];
    let mut out = Zeroizing::new(Vec::with_capacity(text.len()));
    let mut rest = text;
    'outer: while let Some((&first, tail)) = rest.split_first() {
        if first == b'&' {
            for (entity, ch) in NAMED {
                if let Some(after) = rest.strip_prefix(entity) {
                    out.push(ch);
                    rest = after;
                    continue 'outer;
                }
            }
            // `&#` then zeros then a recognised decimal code, or `&#x`/`&#X` then zeros then a
            // recognised hex code (hex digits case-insensitive), then `;`.
            if let Some(num) = rest.strip_prefix(b"&#") {
                let (is_hex, digits) = match num.split_first() {
                    Some((b'x' | b'X', d)) => (true, d),
                    _ => (false, num),
                };
                let zeros = digits.iter().take_while(|&&b| b == b'0').count();
                let digits = digits.get(zeros..).unwrap_or_default();
                for (dec, hx, ch) in NUMERIC {
                    let code = if is_hex { hx } else { dec };
                    if code.is_empty() {
                        continue;
                    }
                    if let Some(after) = digits
                        .get(..code.len())
                        .filter(|d| d.eq_ignore_ascii_case(code))
                        .and_then(|_| digits.get(code.len()..))
                        .and_then(|a| a.strip_prefix(b";"))
                    {
                        // Uppercase hex letters only match the hex forms (`/i`); decimal codes
                        // are digits, so the case-insensitive compare changes nothing there.
                        out.push(ch);
                        rest = after;
                        continue 'outer;
                    }
                }
            }
        }
        out.push(first);
        rest = tail;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ct_eq_compares_every_byte() {
        for len in [0usize, 1, 7, 8, 20, 32, 64, 72] {
            let a: Vec<u8> = (0..len).map(|i| i as u8).collect();
            assert!(bool::from(ct_eq(&a, &a)), "{len}");
            for i in 0..len {
                for bit in 0..8 {
                    let mut b = a.clone();
                    b[i] ^= 1 << bit;
                    assert!(!bool::from(ct_eq(&a, &b)), "{len} {i} {bit}");
                }
            }
            assert!(!bool::from(ct_eq(&a, &[a.as_slice(), &[0]].concat())));
        }
    }

    fn decode(s: &str) -> String {
        String::from_utf8(wp_specialchars_decode(s.as_bytes()).to_vec()).unwrap()
    }

    #[test]
    fn wp_specialchars_decode_matches_wordpress() {
        assert_eq!(decode("ck_Wq9&amp;vT4#zL2!pR8"), "ck_Wq9&vT4#zL2!pR8");
        assert_eq!(
            decode("a&#039;b&quot;c&#x27;d&#0039;e&lt;f"),
            "a'b\"c'd'e<f"
        );
        assert_eq!(
            decode("&#X27;&#x0022;&#00060;&#62;&#038;&#x26;&gt;"),
            "'\"<>&&>"
        );
        // No rescanning: `&amp;lt;` is `&lt;`, not `<`.
        assert_eq!(decode("&amp;lt;"), "&lt;");
        // Only the special characters are decoded.
        for kept in [
            "&nbsp;", "&#65;", "&#x41;", "&AMP;", "&amp", "&#39", "&#390;", "&", "&#;",
        ] {
            assert_eq!(decode(kept), kept, "{kept}");
        }
        assert_eq!(decode("no entities"), "no entities");
    }
}

//! MAC computation, public-key verification and constant-time comparison, over RustCrypto
//! `hmac`/`sha1`/`sha2` and `subtle` (and `ed25519-dalek`, `p256`, `rsa` behind the `ed25519`,
//! `ecdsa` and `rsa` features).
//!
//! Keys are turned into keyed state (or parsed public keys) once, when a verifier is built;
//! each request clones that state (no key schedule per request). The state is zeroed on drop
//! (`hmac`'s `zeroize` feature).

use hmac::{Hmac, KeyInit, Mac};
use sha1::Sha1;
use sha2::{Digest, Sha256, Sha512};
use subtle::{Choice, ConstantTimeEq};

use crate::error::ConfigError;
use crate::scheme::format::{MAX_TAG_LEN, Tag, Tags};
use crate::scheme::key::{KeyMeta, shared_key};
use crate::scheme::{Algorithm, Scheme};
use crate::secret::Secret;

/// Most (candidate, key) pairs one request may cost with a public-key algorithm, where each
/// pair hashes the whole message again (Ed25519) or costs a public-key operation (ECDSA, RSA):
/// a forged request costs at most this many genuine verifications, whatever it holds.
pub(crate) const MAX_PUBLIC_KEY_PAIRS: usize = 8;

/// Smallest and largest RSA modulus accepted, in bytes (2048 to 4096 bits).
#[cfg(feature = "rsa")]
const RSA_BYTES: std::ops::RangeInclusive<usize> = 256..=512;

/// The digest of one message, computed once per request for the public-key algorithms that
/// sign a digest (ECDSA, RSA) whatever the number of keys and candidates.
#[derive(Clone, Copy, Default)]
pub(crate) struct Prehash {
    sha256: Option<[u8; 32]>,
    sha1: Option<[u8; 20]>,
}

impl Prehash {
    #[cfg_attr(not(any(feature = "ecdsa", feature = "rsa")), allow(dead_code))]
    fn sha256(&mut self, parts: &[&[u8]]) -> [u8; 32] {
        *self.sha256.get_or_insert_with(|| {
            let mut hasher = Sha256::new();
            for part in parts {
                hasher.update(part);
            }
            hasher.finalize().into()
        })
    }

    #[cfg_attr(not(feature = "rsa"), allow(dead_code))]
    fn sha1(&mut self, parts: &[&[u8]]) -> [u8; 20] {
        *self.sha1.get_or_insert_with(|| {
            let mut hasher = Sha1::new();
            for part in parts {
                hasher.update(part);
            }
            hasher.finalize().into()
        })
    }
}

/// How one configured key checks signatures.
// One per configured key (at most four), built once: the state's size does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Clone)]
pub(crate) enum KeyState {
    /// A keyed MAC (or secret-prefixed hash).
    Mac(MacState),
    /// SHA-256 of a bearer token (GitLab).
    Token([u8; 32]),
    /// An Ed25519 public key.
    #[cfg(feature = "ed25519")]
    Ed25519(ed25519_dalek::VerifyingKey),
    /// A P-256 public key.
    #[cfg(feature = "ecdsa")]
    P256(p256::ecdsa::VerifyingKey),
    /// An RSA public key (PKCS#1 v1.5 signatures).
    #[cfg(feature = "rsa")]
    Rsa(Box<rsa::PublicKey>),
}

impl KeyState {
    /// Prepares `secret` as a key of `scheme`, with what the key's text says about it (its id,
    /// its expiry).
    pub(crate) fn new(scheme: &Scheme, secret: &Secret) -> Result<(Self, KeyMeta), ConfigError> {
        let plain = |state| Ok((state, KeyMeta::default()));
        match scheme.algorithm {
            a if a.is_mac() => plain(Self::Mac(MacState::new(
                a,
                &shared_key(scheme.key_format, &scheme.name, secret)?,
            )?)),
            Algorithm::Token => {
                let key = shared_key(scheme.key_format, &scheme.name, secret)?;
                plain(Self::Token(Sha256::digest(&*key).into()))
            }
            #[cfg(feature = "ed25519")]
            Algorithm::Ed25519 => {
                const WHAT: &str =
                    "a 32-byte Ed25519 public key (64 hex characters, base64, or whpk_ + base64)";
                let key = crate::scheme::key::public_key(scheme.key_format, secret)?;
                let bytes: [u8; 32] = key
                    .as_slice()
                    .try_into()
                    .map_err(|_| ConfigError::InvalidKey(WHAT))?;
                let key = ed25519_dalek::VerifyingKey::from_bytes(&bytes)
                    .map_err(|_| ConfigError::InvalidKey(WHAT))?;
                if key.is_weak() {
                    return Err(ConfigError::InvalidKey(WHAT));
                }
                plain(Self::Ed25519(key))
            }
            #[cfg(feature = "ecdsa")]
            Algorithm::EcdsaP256Sha256 if scheme.key_format == crate::KeyFormat::JwkP256 => {
                let (point, meta) = crate::scheme::key::jwk_p256(secret)?;
                let key = p256::ecdsa::VerifyingKey::from_sec1_bytes(&point)
                    .map_err(|_| ConfigError::InvalidKey("a P-256 JSON Web Key"))?;
                Ok((Self::P256(key), meta))
            }
            #[cfg(feature = "ecdsa")]
            Algorithm::EcdsaP256Sha256 => {
                use p256::pkcs8::DecodePublicKey as _;
                let der = crate::scheme::key::public_key(scheme.key_format, secret)?;
                let key = p256::ecdsa::VerifyingKey::from_public_key_der(&der).map_err(|_| {
                    ConfigError::InvalidKey("a P-256 public key as base64 DER SubjectPublicKeyInfo")
                })?;
                plain(Self::P256(key))
            }
            #[cfg(feature = "rsa")]
            Algorithm::RsaPkcs1Sha1 | Algorithm::RsaPkcs1Sha256 => {
                use rsa::pkcs8::DecodePublicKey as _;
                use rsa::traits::PublicKeyParts as _;
                const WHAT: &str =
                    "an RSA public key of 2048 to 4096 bits (PEM certificate or PEM public key)";
                let (der, meta) = crate::scheme::key::certificate_spki(secret)?;
                let key = rsa::PublicKey::from_public_key_der(&der)
                    .map_err(|_| ConfigError::InvalidKey(WHAT))?;
                if !RSA_BYTES.contains(&key.size()) {
                    return Err(ConfigError::InvalidKey(WHAT));
                }
                Ok((Self::Rsa(Box::new(key)), meta))
            }
            _ => Err(ConfigError::FeatureDisabled(match scheme.algorithm {
                Algorithm::Ed25519 => "ed25519",
                Algorithm::RsaPkcs1Sha1 | Algorithm::RsaPkcs1Sha256 => "rsa",
                _ => "ecdsa",
            })),
        }
    }

    /// The keyed MAC state, for shared-secret keys.
    pub(crate) fn mac(&self) -> Option<&MacState> {
        match self {
            Self::Mac(state) => Some(state),
            _ => None,
        }
    }

    /// Checks `message` (given as consecutive parts) against every candidate. MACs and tokens
    /// compare in constant time; public keys try candidates while `budget` (pairs left for this
    /// request, see [`MAX_PUBLIC_KEY_PAIRS`]) lasts. `digest` holds the message's digests,
    /// computed once per message for ECDSA and RSA. `algorithm` is the one the message is signed
    /// with: the scheme's, or another hash of the same RSA key (see
    /// [`Alternative::algorithm`](crate::scheme::message::Alternative)); a key never verifies
    /// under an algorithm of another kind.
    pub(crate) fn verify_parts(
        &self,
        algorithm: Algorithm,
        parts: &[&[u8]],
        candidates: &[&[u8]],
        budget: &mut usize,
        digest: &mut Prehash,
    ) -> bool {
        let _ = (&budget, &digest, algorithm);
        match self {
            Self::Mac(state) => {
                let mut state = state.clone();
                for part in parts {
                    state.update(part);
                }
                compare_all(state.finalize().as_slice(), candidates)
            }
            Self::Token(token) => compare_all(token, candidates),
            #[cfg(feature = "ed25519")]
            Self::Ed25519(key) => {
                use ed25519_dalek::ed25519::signature::MultipartVerifier as _;
                let mut found = false;
                for candidate in candidates {
                    let Ok(signature) = ed25519_dalek::Signature::from_slice(candidate) else {
                        continue;
                    };
                    let Some(left) = budget.checked_sub(1) else {
                        break;
                    };
                    *budget = left;
                    found |= key.multipart_verify(parts, &signature).is_ok();
                }
                found
            }
            #[cfg(feature = "ecdsa")]
            Self::P256(key) => {
                use p256::ecdsa::signature::hazmat::PrehashVerifier as _;
                if algorithm != Algorithm::EcdsaP256Sha256 {
                    return false;
                }
                let digest = digest.sha256(parts);
                let mut found = false;
                // Strict DER; high-S accepted (P-256's ECDSA in RustCrypto does not normalise
                // S, and SendGrid's own signatures are often high-S).
                for candidate in candidates.iter() {
                    let Some(signature) = p256::ecdsa::DerSignature::from_bytes(candidate)
                        .ok()
                        .and_then(|der| p256::ecdsa::Signature::try_from(der).ok())
                    else {
                        continue;
                    };
                    let Some(left) = budget.checked_sub(1) else {
                        break;
                    };
                    *budget = left;
                    found |= key.verify_prehash(&digest, &signature).is_ok();
                }
                found
            }
            #[cfg(feature = "rsa")]
            Self::Rsa(key) => {
                use rsa::traits::PublicKeyParts as _;
                let (sha256, sha1);
                let (scheme, hashed): (rsa::Pkcs1v15Sign, &[u8]) = match algorithm {
                    Algorithm::RsaPkcs1Sha256 => {
                        sha256 = digest.sha256(parts);
                        (rsa::Pkcs1v15Sign::new::<Sha256>(), &sha256)
                    }
                    Algorithm::RsaPkcs1Sha1 => {
                        sha1 = digest.sha1(parts);
                        (rsa::Pkcs1v15Sign::new::<Sha1>(), &sha1)
                    }
                    _ => return false,
                };
                let mut found = false;
                for candidate in candidates {
                    // A signature is exactly as long as the modulus.
                    if candidate.len() != key.size() {
                        continue;
                    }
                    let Some(left) = budget.checked_sub(1) else {
                        break;
                    };
                    *budget = left;
                    found |= key.verify(scheme.clone(), hashed, candidate).is_ok();
                }
                found
            }
        }
    }
}

/// Keyed MAC state for one key; cloned per request.
///
/// SHA-512's state (288 bytes, twice SHA-256's) is boxed: the state moves with every request's
/// verification, and few schemes use SHA-512, so they pay one allocation per request instead of
/// everyone paying the copies.
#[derive(Clone)]
pub(crate) enum MacState {
    Sha256(Hmac<Sha256>),
    Sha1(Hmac<Sha1>),
    Sha512(Box<Hmac<Sha512>>),
    /// SHA-256 already fed the secret.
    Sha256Prefixed(Sha256),
}

impl MacState {
    /// Keys a MAC of `algorithm` with `key`.
    pub(crate) fn new(algorithm: Algorithm, key: &[u8]) -> Result<Self, ConfigError> {
        // HMAC accepts keys of any length, so these never fail; map defensively anyway.
        let bad = |_| ConfigError::EmptySecret;
        Ok(match algorithm {
            Algorithm::HmacSha256 => {
                Self::Sha256(<Hmac<Sha256> as KeyInit>::new_from_slice(key).map_err(bad)?)
            }
            Algorithm::HmacSha1 => {
                Self::Sha1(<Hmac<Sha1> as KeyInit>::new_from_slice(key).map_err(bad)?)
            }
            Algorithm::HmacSha512 => Self::Sha512(Box::new(
                <Hmac<Sha512> as KeyInit>::new_from_slice(key).map_err(bad)?,
            )),
            Algorithm::Sha256SecretPrefix => {
                let mut hasher = Sha256::new();
                hasher.update(key);
                Self::Sha256Prefixed(hasher)
            }
            _ => return Err(ConfigError::IncompleteScheme("a MAC algorithm")),
        })
    }

    #[inline]
    pub(crate) fn update(&mut self, data: &[u8]) {
        match self {
            Self::Sha256(m) => m.update(data),
            Self::Sha1(m) => m.update(data),
            Self::Sha512(m) => m.update(data),
            Self::Sha256Prefixed(h) => h.update(data),
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
            Self::Sha256Prefixed(h) => put(&h.finalize()),
        }
        tag
    }

    /// Finishes the MAC and compares it, in constant time, with every candidate (all of the
    /// algorithm's exact length, checked when they were decoded), without stopping at a match.
    #[inline]
    pub(crate) fn finish_and_compare(self, candidates: &Tags) -> bool {
        let tag = self.finalize();
        compare(tag.as_slice(), candidates)
    }
}

/// Compares `expected` with every candidate in constant time, without stopping at a match.
#[inline]
fn compare(expected: &[u8], candidates: &Tags) -> bool {
    let mut found = Choice::from(0);
    for candidate in candidates.iter() {
        found |= ct_eq(expected, candidate.as_slice());
    }
    found.into()
}

/// [`compare`] for candidates given as slices.
fn compare_all(expected: &[u8], candidates: &[&[u8]]) -> bool {
    let mut found = Choice::from(0);
    for candidate in candidates {
        found |= ct_eq(expected, candidate);
    }
    found.into()
}

/// Constant-time equality of two MACs or digests whose lengths are public (a candidate is
/// decoded to the algorithm's exact length before it gets here), by `subtle`.
///
/// Both sides are packed into 64-bit words first, and `subtle` compares the words: the same
/// guarantee as its byte-slice comparison (every word is compared, the result is a `Choice`
/// behind an optimisation barrier), with one barrier per eight bytes instead of one per byte.
pub(crate) fn ct_eq(a: &[u8], b: &[u8]) -> Choice {
    if a.len() != b.len() || a.len() > MAX_TAG_LEN {
        return Choice::from(0);
    }
    // Eight bytes at a time, then the rest zero-padded into one word; every word is compared.
    let word = |chunk: &[u8]| {
        let mut buf = [0u8; 8];
        for (to, from) in buf.iter_mut().zip(chunk) {
            *to = *from;
        }
        u64::from_ne_bytes(buf)
    };
    let (whole_a, rest_a) = a.split_at(a.len() - a.len() % 8);
    let (whole_b, rest_b) = b.split_at(whole_a.len());
    let mut equal = word(rest_a).ct_eq(&word(rest_b));
    for (x, y) in whole_a.chunks_exact(8).zip(whole_b.chunks_exact(8)) {
        let x = u64::from_ne_bytes(x.try_into().unwrap_or_default());
        let y = u64::from_ne_bytes(y.try_into().unwrap_or_default());
        equal &= x.ct_eq(&y);
    }
    equal
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
        assert!(
            !bool::from(ct_eq(&[0; 80], &[0; 80])),
            "longer than any tag"
        );
    }

    #[test]
    fn secret_prefixed_sha256_is_sha256_of_secret_and_message() {
        let state = MacState::new(Algorithm::Sha256SecretPrefix, b"secret").unwrap();
        let mut s = state.clone();
        s.update(b"message");
        assert_eq!(
            s.finalize().as_slice(),
            Sha256::digest(b"secretmessage").as_slice()
        );
    }
}

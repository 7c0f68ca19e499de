//! How the value a provider's dashboard shows becomes key bytes: [`KeyFormat`].

use std::time::SystemTime;

use base64::Engine as _;
use base64::engine::DecodePaddingMode;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig, STANDARD};
use zeroize::Zeroizing;

use crate::error::ConfigError;
use crate::secret::{Secret, SecretForm};

/// How a [`Secret`] becomes key bytes for a scheme.
///
/// A [`Secret::from_bytes`] secret is always the key itself; the forms below say how a *text*
/// secret (as dashboards show them) is read.
///
/// ```
/// use webhook_guard::{providers, KeyFormat};
///
/// assert_eq!(providers::stripe().key_format(), KeyFormat::Raw);
/// assert_eq!(providers::standard_webhooks().key_format(), KeyFormat::StandardWebhooks);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum KeyFormat {
    /// The secret's bytes as given — for text, its UTF-8, prefix and all. Stripe uses the whole
    /// `whsec_…` string this way.
    Raw,
    /// Standard base64 (padding optional) of the key bytes.
    Base64,
    /// Hex (either case) of the key bytes.
    Hex,
    /// Standard Webhooks: `whsec_` (optional) + base64 of 24 to 64 key bytes. A leading `v1,`
    /// version tag (how Supabase's dashboard shows its secrets) is read past: a comma is never
    /// base64.
    StandardWebhooks,
    /// HTML special characters escaped the WordPress way: the key is the text after
    /// `wp_specialchars_decode($secret, ENT_QUOTES)`, so `a&amp;b` keys the HMAC as `a&b`
    /// (WooCommerce stores and shows its secrets like this).
    WordPressEscaped,
    /// An Ed25519 public key as 64 hex characters, either case (Discord).
    Ed25519Hex,
    /// An Ed25519 public key as standard base64 of its 32 bytes.
    Ed25519Base64,
    /// A Standard Webhooks public key: `whpk_` (optional) + base64 of the 32-byte Ed25519 key.
    StandardWebhooksPublic,
    /// A P-256 public key as base64 DER `SubjectPublicKeyInfo`, without PEM armour (SendGrid).
    SpkiDerBase64,
    /// A PEM X.509 certificate (`-----BEGIN CERTIFICATE-----`; the first of a chain) whose RSA
    /// public key verifies, or that key alone as a PEM `PUBLIC KEY` (AWS SNS, PayPal). A key
    /// taken from a certificate stops matching after the certificate's `notAfter`. The
    /// certificate is not otherwise validated: it is trusted because you pinned it, or because
    /// it was fetched over HTTPS from an allow-listed provider URL (see
    /// [`WebhookLayer::with_key_fetcher`](crate::WebhookLayer::with_key_fetcher)).
    CertificatePem,
    /// A P-256 public key as a JSON Web Key (`{"kty":"EC","crv":"P-256","x":…,"y":…}`, `alg`
    /// `ES256` and `use` `sig` when present), as Plaid's `/webhook_verification_key/get`
    /// returns it. Its `kid` names it (a delivery naming another `kid` does not try it), and a
    /// numeric `expired_at` (unix seconds) is when it stops matching.
    JwkP256,
}

impl KeyFormat {
    /// Whether this form holds a public key (asymmetric schemes) rather than a shared secret.
    #[must_use]
    pub fn is_public_key(self) -> bool {
        matches!(
            self,
            Self::Ed25519Hex
                | Self::Ed25519Base64
                | Self::StandardWebhooksPublic
                | Self::SpkiDerBase64
                | Self::CertificatePem
                | Self::JwkP256
        )
    }

    /// A short description, e.g. for error messages.
    #[must_use]
    pub fn describe(self) -> &'static str {
        match self {
            Self::Raw => "the secret text as given",
            Self::Base64 => "base64 of the key bytes",
            Self::Hex => "hex of the key bytes",
            Self::StandardWebhooks => "whsec_ + base64 of 24 to 64 bytes",
            Self::WordPressEscaped => "the secret as WordPress stores it (HTML entities decoded)",
            Self::Ed25519Hex => "an Ed25519 public key, 64 hex characters",
            Self::Ed25519Base64 => "an Ed25519 public key, base64 of 32 bytes",
            Self::StandardWebhooksPublic => "whpk_ + base64 of a 32-byte Ed25519 public key",
            Self::SpkiDerBase64 => "a P-256 public key, base64 DER SubjectPublicKeyInfo",
            Self::CertificatePem => "a PEM X.509 certificate (or PEM public key) with an RSA key",
            Self::JwkP256 => "a P-256 public key as a JSON Web Key",
        }
    }
}

/// `whsec_` secrets and plain base64 keys: standard alphabet, canonical, padding optional
/// (dashboards and the reference libraries differ on padding).
const LENIENT_PADDING: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// The shared-secret key bytes of `secret` read in `format`.
///
/// # Errors
///
/// [`ConfigError::InvalidKey`] for a public-key form, [`ConfigError::SecretNotBase64`] /
/// [`ConfigError::InvalidKey`] for text that does not decode, [`ConfigError::EmptySecret`],
/// and [`ConfigError::KeyLength`] for a Standard Webhooks key outside 24 to 64 bytes.
pub(crate) fn shared_key(
    format: KeyFormat,
    scheme_name: &str,
    secret: &Secret,
) -> Result<Zeroizing<Vec<u8>>, ConfigError> {
    let text = secret.expose();
    let key = match (format, secret.form()) {
        (KeyFormat::Raw, _) | (_, SecretForm::Bytes) => Zeroizing::new(text.to_vec()),
        (KeyFormat::WordPressEscaped, SecretForm::Text) => wp_specialchars_decode(text),
        (KeyFormat::Base64, SecretForm::Text) => Zeroizing::new(
            LENIENT_PADDING
                .decode(text)
                .map_err(|_| ConfigError::InvalidKey("a base64 secret"))?,
        ),
        (KeyFormat::Hex, SecretForm::Text) => {
            Zeroizing::new(hex::decode(text).map_err(|_| ConfigError::InvalidKey("a hex secret"))?)
        }
        (KeyFormat::StandardWebhooks, SecretForm::Text) => {
            let text = text.strip_prefix(b"v1,").unwrap_or(text);
            let b64 = text.strip_prefix(b"whsec_").unwrap_or(text);
            Zeroizing::new(
                LENIENT_PADDING
                    .decode(b64)
                    .map_err(|_| ConfigError::SecretNotBase64)?,
            )
        }
        (
            KeyFormat::Ed25519Hex
            | KeyFormat::Ed25519Base64
            | KeyFormat::StandardWebhooksPublic
            | KeyFormat::SpkiDerBase64
            | KeyFormat::CertificatePem
            | KeyFormat::JwkP256,
            SecretForm::Text,
        ) => {
            return Err(ConfigError::InvalidKey(
                "a shared secret: public-key formats go with Ed25519, ECDSA or RSA schemes",
            ));
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

/// The bytes of a public key given as text in `format` (a [`Secret::from_bytes`] secret is the
/// key itself).
#[cfg_attr(not(any(feature = "ed25519", feature = "ecdsa")), allow(dead_code))]
pub(crate) fn public_key(format: KeyFormat, secret: &Secret) -> Result<Vec<u8>, ConfigError> {
    let text = secret.expose();
    let bad = |what| ConfigError::InvalidKey(what);
    match (format, secret.form()) {
        (_, SecretForm::Bytes) => Ok(text.to_vec()),
        (KeyFormat::Ed25519Hex, _) => {
            hex::decode(text).map_err(|_| bad("64 hex characters (an Ed25519 public key)"))
        }
        (KeyFormat::Ed25519Base64, _) => STANDARD
            .decode(text)
            .map_err(|_| bad("base64 of a 32-byte Ed25519 public key")),
        (KeyFormat::StandardWebhooksPublic, _) => STANDARD
            .decode(text.strip_prefix(b"whpk_").unwrap_or(text))
            .map_err(|_| bad("whpk_ + base64 (a Standard Webhooks public key)")),
        (KeyFormat::SpkiDerBase64, _) => STANDARD
            .decode(text)
            .map_err(|_| bad("base64 DER SubjectPublicKeyInfo")),
        _ => Err(bad(
            "a public key form (Ed25519Hex, Ed25519Base64, StandardWebhooksPublic, SpkiDerBase64)",
        )),
    }
}

/// What a public key's text says about the key besides the key itself.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct KeyMeta {
    /// The id deliveries name it by (a JWK's `kid`).
    pub(crate) id: Option<String>,
    /// When it stops matching (a certificate's `notAfter`, a JWK's `expired_at`).
    pub(crate) expires_at: Option<SystemTime>,
}

/// A P-256 public key given as a JSON Web Key: the uncompressed SEC1 point and what the JWK
/// says about it.
#[cfg(feature = "ecdsa")]
pub(crate) fn jwk_p256(secret: &Secret) -> Result<([u8; 65], KeyMeta), ConfigError> {
    use std::time::{Duration, UNIX_EPOCH};

    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    const WHAT: &str = "a P-256 JSON Web Key ({\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":…,\"y\":…})";
    #[derive(serde::Deserialize)]
    struct Jwk<'a> {
        kty: &'a str,
        crv: &'a str,
        x: &'a str,
        y: &'a str,
        #[serde(default)]
        alg: Option<&'a str>,
        #[serde(default, rename = "use")]
        usage: Option<&'a str>,
        #[serde(default)]
        kid: Option<String>,
        #[serde(default)]
        expired_at: Option<u64>,
    }
    let bad = || ConfigError::InvalidKey(WHAT);
    let jwk: Jwk<'_> = serde_json::from_slice(secret.expose()).map_err(|_| bad())?;
    if jwk.kty != "EC"
        || jwk.crv != "P-256"
        || jwk.alg.is_some_and(|a| a != "ES256")
        || jwk.usage.is_some_and(|u| u != "sig")
    {
        return Err(bad());
    }
    // 0x04 (uncompressed), then x and y.
    let mut point = [4u8; 65];
    for (text, range) in [(jwk.x, 1..33), (jwk.y, 33..65)] {
        let coordinate = URL_SAFE_NO_PAD.decode(text).map_err(|_| bad())?;
        point
            .get_mut(range)
            .filter(|dst| dst.len() == coordinate.len())
            .ok_or_else(bad)?
            .copy_from_slice(&coordinate);
    }
    let expires_at = jwk
        .expired_at
        .map(|secs| UNIX_EPOCH + Duration::from_secs(secs));
    Ok((
        point,
        KeyMeta {
            id: jwk.kid,
            expires_at,
        },
    ))
}

/// The DER `SubjectPublicKeyInfo` of a PEM certificate (the first of a chain), a PEM public
/// key, or (for a [`Secret::from_bytes`] secret) a DER certificate, with the certificate's
/// validity end.
#[cfg(feature = "rsa")]
pub(crate) fn certificate_spki(secret: &Secret) -> Result<(Vec<u8>, KeyMeta), ConfigError> {
    use x509_cert::Certificate;
    use x509_cert::der::{Decode as _, Encode as _};
    const WHAT: &str = "a PEM X.509 certificate or PEM public key";
    fn bad<E>(_: E) -> ConfigError {
        ConfigError::InvalidKey(WHAT)
    }
    let text = secret.expose();
    let start = text.trim_ascii_start();
    let certificate = if start.starts_with(b"-----BEGIN PUBLIC KEY-----") {
        let (label, der) = x509_cert::der::pem::decode_vec(start).map_err(bad)?;
        if label != "PUBLIC KEY" {
            return Err(ConfigError::InvalidKey(WHAT));
        }
        return Ok((der, KeyMeta::default()));
    } else if start.starts_with(b"-----BEGIN CERTIFICATE-----") {
        Certificate::load_pem_chain(start)
            .map_err(bad)?
            .into_iter()
            .next()
            .ok_or(ConfigError::InvalidKey(WHAT))?
    } else if secret.form() == SecretForm::Bytes {
        Certificate::from_der(text).map_err(bad)?
    } else {
        return Err(ConfigError::InvalidKey(WHAT));
    };
    let tbs = certificate.tbs_certificate();
    let spki = tbs.subject_public_key_info().to_der().map_err(bad)?;
    let expires_at = Some(tbs.validity().not_after.to_system_time());
    Ok((
        spki,
        KeyMeta {
            id: None,
            expires_at,
        },
    ))
}

/// WordPress's `wp_specialchars_decode($text, ENT_QUOTES)` (wp-includes/formatting.php).
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

    #[test]
    fn shared_keys_decode_per_format() {
        let s = |t: &str| Secret::new(t).unwrap();
        assert_eq!(
            &*shared_key(KeyFormat::Base64, "x", &s("aGVsbG8")).unwrap(),
            b"hello"
        );
        assert_eq!(
            &*shared_key(KeyFormat::Hex, "x", &s("68656C6c6f")).unwrap(),
            b"hello"
        );
        assert!(shared_key(KeyFormat::Hex, "x", &s("6g")).is_err());
        assert!(shared_key(KeyFormat::Base64, "x", &s("a$b")).is_err());
        assert!(matches!(
            shared_key(KeyFormat::StandardWebhooks, "x", &s("whsec_aGVsbG8=")),
            Err(ConfigError::KeyLength { actual: 5, .. })
        ));
        // The version tag is read past, once and only before the rest.
        let key = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD";
        assert_eq!(
            shared_key(KeyFormat::StandardWebhooks, "x", &s(&format!("v1,{key}"))).unwrap(),
            shared_key(KeyFormat::StandardWebhooks, "x", &s(key)).unwrap()
        );
        for bad in [
            "v1,v1,whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD",
            "v2,whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD",
            "whsec_v1,C2FVsBQIhrscChlQIMV+b5sSYspob7oD",
        ] {
            assert!(
                shared_key(KeyFormat::StandardWebhooks, "x", &s(bad)).is_err(),
                "{bad}"
            );
        }
        assert!(shared_key(KeyFormat::Ed25519Hex, "x", &s("00")).is_err());
        // Exact bytes are the key whatever the format says (lengths still apply).
        let bytes = Secret::from_bytes(b"\x00raw".to_vec()).unwrap();
        assert_eq!(
            &*shared_key(KeyFormat::Hex, "x", &bytes).unwrap(),
            b"\x00raw"
        );
        assert!(shared_key(KeyFormat::StandardWebhooks, "x", &bytes).is_err());
    }
}

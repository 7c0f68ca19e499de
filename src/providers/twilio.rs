use std::ops::Range;

use http::HeaderName;
use sha2::{Digest as _, Sha256};
use subtle::ConstantTimeEq as _;

use super::one;
use crate::rejection::RejectionKind;
use crate::scheme::headers::HeaderNames;
use crate::scheme::message::{Alternative, Payload, RequestView, Signed, Tail};
use crate::scheme::url::default_port_variants;
use crate::scheme::{
    Algorithm, Declared, DeclaredValue, Encoding, PublicUrl, Scheme, SignatureFormat,
};

/// Twilio: `X-Twilio-Signature: <base64 HMAC-SHA1(Auth Token, url + params)>`
/// ([docs](https://www.twilio.com/docs/usage/security)).
///
/// The signed string is the **public URL** Twilio requested (scheme, host, path and query),
/// followed, for form POSTs, by every decoded parameter name and value, sorted by name and then
/// value, each distinct pair once. A JSON body is not in the string: Twilio puts
/// `bodySHA256=<hex SHA-256 of the body>` in the URL, and the body must hash to it. Like
/// Twilio's SDKs, the URL is accepted with and without the default port (`:443`, `:80`).
///
/// A form body may hold at most 1 000 parameters (Twilio sends a few dozen); more are refused
/// before anything is sorted, so a forged request costs about what a genuine one does.
///
/// Behind a proxy the application sees another host and scheme, so the public URL is
/// configuration: give the origin Twilio calls, and the request's path and query are appended
/// (see [`PublicUrl`] for the other forms). `X-Forwarded-*` headers are ignored unless named in
/// [`PublicUrl::trusted_headers`]. No timestamp: pair with a replay guard
/// (`I-Twilio-Idempotency-Token` is not signed).
///
/// ```
/// use webhook_guard::{providers, Keyring, PublicUrl, Secret, WebhookLayer};
///
/// let twilio = providers::twilio(PublicUrl::parse("https://hooks.example.com")?);
/// let layer = WebhookLayer::new(twilio, Keyring::from(Secret::new("twilio auth token")?))?;
/// # Ok::<(), webhook_guard::ConfigError>(())
/// ```
#[must_use]
pub fn twilio(public_url: PublicUrl) -> Scheme {
    unconfigured().public_url(public_url)
}

/// Twilio with a SharedKey: the [`twilio`] construction with HMAC-SHA256 and the SharedKey
/// secret, for requests carrying
/// `X-Twilio-Webhooks-Signature-Settings: key=<id>,algorithm=HMAC_SHA256`. That header must
/// declare `HMAC_SHA256`; it never selects the algorithm (a request declaring anything else is
/// refused, and the Auth Token preset never switches to SHA-256).
///
/// ```
/// use webhook_guard::{providers, Keyring, PublicUrl, Secret, Verifier};
///
/// let twilio = providers::twilio_shared_key(PublicUrl::parse("https://hooks.example.com")?);
/// let verifier = Verifier::new(twilio, Keyring::from(Secret::new("shared key secret")?))?;
/// # Ok::<(), webhook_guard::ConfigError>(())
/// ```
#[must_use]
pub fn twilio_shared_key(public_url: PublicUrl) -> Scheme {
    unconfigured()
        .algo(Algorithm::HmacSha256)
        .declares(Declared {
            header: HeaderNames::one(HeaderName::from_static(
                "x-twilio-webhooks-signature-settings",
            )),
            value: DeclaredValue::Item {
                separator: ',',
                key: "algorithm",
                value: "HMAC_SHA256",
            },
        })
        .public_url(public_url)
}

/// The Auth Token preset without its public URL (for [`by_name`](super::by_name)).
pub(super) fn unconfigured() -> Scheme {
    Scheme::preset("twilio", one("x-twilio-signature"), SignatureFormat::bare())
        .reading(UrlAndParams)
        .algo(Algorithm::HmacSha1)
        .enc(Encoding::Base64)
}

/// Most parameters a form body may hold.
const MAX_PARAMS: usize = 1000;

/// The public URL followed by the canonical parameter string.
struct UrlAndParams;

impl Payload for UrlAndParams {
    fn describe(&self) -> &'static str {
        "{url} + sorted form parameters (or {url} alone when it carries bodySHA256)"
    }

    fn signs_url(&self) -> bool {
        true
    }

    fn read(&self, request: &RequestView<'_>, body: &[u8]) -> Result<Signed, RejectionKind> {
        let url = request.url.unwrap_or_default();
        Ok(Signed {
            alternatives: default_port_variants(url)
                .into_iter()
                .map(Alternative::head)
                .collect(),
            tail: params(url, body)?,
            identity: None,
        })
    }
}

/// Twilio's parameter string for `url` and `body`: for a form body, each decoded parameter name
/// followed by its value, sorted by name and then value, each distinct pair once (the
/// `sorted(set(…))` per sorted name of twilio-python's `compute_signature`). When the URL's
/// query carries `bodySHA256` (JSON bodies), the body must hash to it (lowercase hex SHA-256)
/// and the parameter string is empty: the URL alone is signed.
///
/// No tree is built: the decoded names and values go into one buffer, and the pairs, at most
/// [`MAX_PARAMS`], are sorted as ranges of it.
pub(super) fn params(url: &str, body: &[u8]) -> Result<Tail, RejectionKind> {
    let query = url.split_once('?').map_or("", |(_, q)| q);
    let declared = form_urlencoded::parse(query.as_bytes())
        .find(|(k, _)| k == "bodySHA256")
        .map(|(_, v)| v);
    if let Some(declared) = declared {
        let actual = hex::encode(Sha256::digest(body));
        return if bool::from(actual.as_bytes().ct_eq(declared.as_bytes())) {
            Ok(Tail::Empty)
        } else {
            Err(RejectionKind::SignatureMismatch)
        };
    }
    let mut decoded = Vec::with_capacity(body.len());
    let mut pairs: Vec<(Range<usize>, Range<usize>)> = Vec::new();
    let pieces = memchr::memchr_iter(b'&', body)
        .chain([body.len()])
        .scan(0, |start, end| {
            let piece = body.get(*start..end).unwrap_or_default();
            *start = end + 1;
            Some(piece)
        });
    for piece in pieces.filter(|p| !p.is_empty()) {
        if pairs.len() == MAX_PARAMS {
            return Err(RejectionKind::MalformedBody);
        }
        let (name, value) = match memchr::memchr(b'=', piece) {
            Some(at) => (
                piece.get(..at).unwrap_or_default(),
                piece.get(at + 1..).unwrap_or_default(),
            ),
            None => (piece, &b""[..]),
        };
        let name = decode_into(&mut decoded, name);
        let value = decode_into(&mut decoded, value);
        pairs.push((name, value));
    }
    let text = |r: &Range<usize>| decoded.get(r.clone()).unwrap_or_default();
    pairs.sort_unstable_by(|a, b| (text(&a.0), text(&a.1)).cmp(&(text(&b.0), text(&b.1))));
    pairs.dedup_by(|a, b| text(&a.0) == text(&b.0) && text(&a.1) == text(&b.1));
    let pieces = pairs
        .into_iter()
        .flat_map(|(name, value)| [name, value])
        .collect();
    Ok(Tail::Pieces {
        bytes: decoded,
        pieces,
    })
}

/// Appends the `application/x-www-form-urlencoded` decoding of `raw` to `out` (`+` is a space,
/// `%XX` an escaped byte, a `%` not followed by two hex digits itself; invalid UTF-8 becomes
/// U+FFFD, as `form_urlencoded::parse` and Python's `parse_qs` do) and returns where it went.
/// Runs without escapes are copied whole.
fn decode_into(out: &mut Vec<u8>, raw: &[u8]) -> Range<usize> {
    let start = out.len();
    out.reserve(raw.len());
    let mut i = 0;
    while let Some(rest) = raw.get(i..).filter(|rest| !rest.is_empty()) {
        match rest {
            [b'+', ..] => {
                out.push(b' ');
                i += 1;
            }
            [b'%', hi, lo, ..] if hex(*hi) | hex(*lo) < 16 => {
                out.push(hex(*hi) << 4 | hex(*lo));
                i += 3;
            }
            // One or two plain bytes between escapes.
            [first, b'%' | b'+', ..] | [first] => {
                out.push(*first);
                i += 1;
            }
            [first, second, b'%' | b'+', ..] | [first, second] => {
                out.extend_from_slice(&[*first, *second]);
                i += 2;
            }
            // A run of plain bytes: within the next 16 bytes (found word by word, copied as one
            // block and cut), or longer (searched and copied whole).
            _ => {
                let run = match rest.first_chunk::<16>() {
                    Some(window) => match first_special(window) {
                        Some(run) => {
                            let len = out.len();
                            out.extend_from_slice(window);
                            out.truncate(len + run);
                            run
                        }
                        None => {
                            let run = 16
                                + memchr::memchr2(b'%', b'+', rest.get(16..).unwrap_or_default())
                                    .unwrap_or(rest.len() - 16);
                            out.extend_from_slice(rest.get(..run).unwrap_or_default());
                            run
                        }
                    },
                    None => {
                        let run = rest
                            .iter()
                            .position(|&b| b == b'%' || b == b'+')
                            .unwrap_or(rest.len());
                        out.extend_from_slice(rest.get(..run).unwrap_or_default());
                        run
                    }
                };
                // A `%` not followed by two hex digits is itself.
                if run == 0 {
                    out.push(b'%');
                }
                i += run.max(1);
            }
        }
    }
    if let Some(added) = out.get(start..)
        && std::str::from_utf8(added).is_err()
    {
        let lossy = String::from_utf8_lossy(added).into_owned();
        out.truncate(start);
        out.extend_from_slice(lossy.as_bytes());
    }
    start..out.len()
}

/// Where the first `%` or `+` of `window` is, eight bytes at a time.
fn first_special(window: &[u8; 16]) -> Option<usize> {
    const ONES: u64 = u64::from_le_bytes([1; 8]);
    const HIGHS: u64 = u64::from_le_bytes([0x80; 8]);
    // The high bit of each byte equal to `byte` (exact up to the first one, which is all that
    // is read).
    let matches = |word: u64, byte: u8| {
        let x = word ^ (ONES * u64::from(byte));
        x.wrapping_sub(ONES) & !x & HIGHS
    };
    let (low, high) = window.split_at(8);
    [low, high].iter().enumerate().find_map(|(n, half)| {
        let word = u64::from_le_bytes((*half).try_into().unwrap_or_default());
        let found = matches(word, b'%') | matches(word, b'+');
        (found != 0).then(|| 8 * n + found.trailing_zeros() as usize / 8)
    })
}

/// The value of a hex digit, 0xFF for other bytes.
fn hex(byte: u8) -> u8 {
    HEX.get(usize::from(byte)).copied().unwrap_or(0xFF)
}

/// The value of each hex digit, 0xFF for other bytes.
#[allow(
    clippy::indexing_slicing,
    reason = "const evaluation: an index out of range fails the build"
)]
const HEX: [u8; 256] = {
    let mut table = [0xFF; 256];
    let mut digit = 0;
    while digit < 10 {
        table[b'0' as usize + digit] = digit as u8;
        digit += 1;
    }
    let mut letter = 0;
    while letter < 6 {
        table[b'a' as usize + letter] = 10 + letter as u8;
        table[b'A' as usize + letter] = 10 + letter as u8;
        letter += 1;
    }
    table
};

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::strategy::Strategy as _;

    /// The parameter string as one message.
    fn joined(url: &str, body: &[u8]) -> Result<Vec<u8>, RejectionKind> {
        params(url, body).map(|tail| tail.parts(body).concat())
    }

    #[test]
    fn params_sort_and_deduplicate_decoded_values() {
        let p = joined("https://x/y", b"b=2&a=1&b=1&b=2&c=&d=%2B1+2").unwrap();
        assert_eq!(p, b"a1b1b2cd+1 2");
        assert_eq!(joined("https://x/y", b"").unwrap(), b"");
        assert_eq!(joined("https://x/y", b"&&a&=b").unwrap(), b"ba");
        assert_eq!(
            joined("https://x/y", b"a=%FF").unwrap(),
            "a\u{fffd}".as_bytes()
        );
    }

    #[test]
    fn params_are_bounded() {
        let many = "a=1&".repeat(MAX_PARAMS);
        assert!(joined("https://x/y", many.as_bytes()).is_ok());
        let too_many = "a=1&".repeat(MAX_PARAMS + 1);
        assert_eq!(
            joined("https://x/y", too_many.as_bytes()),
            Err(RejectionKind::MalformedBody)
        );
    }

    proptest::proptest! {
        /// The decoder agrees with `form_urlencoded` (the `url` crate's) on any input.
        #[test]
        fn decoding_agrees_with_form_urlencoded(segments in proptest::collection::vec(
            proptest::prop_oneof![
                "[a-z]{0,40}",
                proptest::sample::select(vec![
                    "%41", "%4", "%", "+", "&", "=", "%zz", "%C3%A9", "%FF", "%e9", "\u{e9}",
                ]).prop_map(str::to_owned),
            ], 0..24)) {
            let raw = segments.concat().into_bytes();
            let expected: Vec<(String, String)> = form_urlencoded::parse(&raw)
                .map(|(n, v)| (n.into_owned(), v.into_owned()))
                .collect();
            let mut decoded = Vec::new();
            let mut ours = Vec::new();
            for piece in raw.split(|&b| b == b'&').filter(|p| !p.is_empty()) {
                let (name, value) = match piece.iter().position(|&b| b == b'=') {
                    Some(at) => (&piece[..at], &piece[at + 1..]),
                    None => (piece, &b""[..]),
                };
                let name = decode_into(&mut decoded, name);
                let value = decode_into(&mut decoded, value);
                ours.push((
                    String::from_utf8(decoded[name].to_vec()).unwrap(),
                    String::from_utf8(decoded[value].to_vec()).unwrap(),
                ));
            }
            proptest::prop_assert_eq!(ours, expected);
        }
    }

    #[test]
    fn body_hash_replaces_params() {
        let body = b"{}";
        let hash = hex::encode(Sha256::digest(body));
        let url = format!("https://x/y?bodySHA256={hash}");
        assert_eq!(joined(&url, body).unwrap(), b"");
        assert_eq!(joined(&url, b"{ }"), Err(RejectionKind::SignatureMismatch));
        let upper = format!("https://x/y?bodySHA256={}", hash.to_uppercase());
        assert!(joined(&upper, body).is_err());
    }
}

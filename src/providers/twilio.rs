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
    let mut decoded = Decoder::for_body(body.len());
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
        let name = decoded.decode(name)?;
        let value = decoded.decode(value)?;
        pairs.push((name, value));
    }
    let decoded = decoded.into_bytes();
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

/// Bytes the decoder reads at once.
const WORD: usize = 8;
/// Room the decoder needs past the end of a decoding: what it decodes from a word (never
/// longer than the word) is written within two words.
const SLACK: usize = 2 * WORD;

/// The `application/x-www-form-urlencoded` decoder: names and values decoded one after the
/// other into one buffer (`+` is a space, `%XX` an escaped byte), as `form_urlencoded::parse`
/// and Python's `parse_qs` do for what Twilio sends.
///
/// What Twilio never sends is refused before anything is hashed: a byte outside ASCII (Twilio
/// percent-encodes them), a `%` not followed by two hex digits (Twilio writes `%25`), and escapes
/// that decode to invalid UTF-8 (its parameters are UTF-8 text). The SDKs' decoders would pass
/// the first two through and turn the last into U+FFFD, which makes the signed message up to
/// three times the body: a forged request of that shape would cost several genuine ones.
///
/// The input is read a word (eight bytes) at a time, at a fixed stride: where the next word
/// starts never waits on what this one held, so runs and escapes of any length keep the
/// processor busy. A word's bytes up to its first `%` (all eight when it has none) are
/// stored at once, every `+` turned into a space on the way; from its first `%` to its end the
/// word is decoded byte by byte, an escape at its end taking its digits from the next word.
/// A decoding is never longer than its input, so the buffer is sized once, with slack for a word
/// stored past the decoding's end (overwritten by what follows).
struct Decoder {
    /// Decoded bytes up to `len`, then slack.
    out: Vec<u8>,
    len: usize,
}

impl Decoder {
    /// A decoder for the pieces of a body of `len` bytes.
    fn for_body(len: usize) -> Self {
        Self {
            out: vec![0; len.saturating_add(SLACK)],
            len: 0,
        }
    }

    /// Appends the decoding of `raw` and returns where it went; `MalformedBody` for what
    /// Twilio never sends (see [`Decoder`]).
    fn decode(&mut self, raw: &[u8]) -> Result<Range<usize>, RejectionKind> {
        if !raw.is_ascii() {
            return Err(RejectionKind::MalformedBody);
        }
        let start = self.len;
        // Room for the decoding and the slack (there already when the buffer was sized for the
        // whole body: checked all the same).
        let room = start.saturating_add(raw.len()).saturating_add(SLACK);
        if self.out.len() < room {
            self.out.resize(room, 0);
        }
        let out = self.out.as_mut_slice();
        // Where the next decoded byte goes: never further from `start` than the bytes read,
        // so every store below is in bounds (checked all the same).
        let mut o = start;
        // The high bits of every byte decoded: none set, and the decoding is ASCII.
        let mut high = 0u64;
        // Where the word starts in `raw`, and how many of its first bytes are the hex digits
        // of an escape begun in the word before.
        let (mut p, mut taken) = (0, 0);
        // Each word with the two bytes after it (an escape at its end reads them).
        while let Some(window) = raw.get(p..).and_then(<[u8]>::first_chunk::<{ WORD + 2 }>) {
            let word = u64::from_le_bytes(*window.first_chunk().unwrap_or(&[0; WORD]));
            // The digits taken are never `%`: the first `%` is past them.
            let percent = first_equal(word, b'%');
            // A `+` and a space differ in the bits of `b'+' ^ b' '`: flipped in every `+`.
            let plain = word ^ ((bytes_equal(word, b'+') >> 7) * u64::from(b'+' ^ b' '));
            // What a word decodes to is never longer than the word: it is written to the
            // next two words of `out`, each store starting in the first.
            let Some(dst) = out
                .get_mut(o..)
                .and_then(<[u8]>::first_chunk_mut::<{ 2 * WORD }>)
            else {
                break;
            };
            if let Some(slot) = dst.first_chunk_mut::<WORD>() {
                // `taken` is at most two: the shift is in range (masked to show it).
                *slot = (plain >> ((8 * taken) & 63)).to_le_bytes();
            }
            if percent == 0 {
                o += WORD - taken;
                (p, taken) = (p + WORD, 0);
                continue;
            }
            let mut at = percent.trailing_zeros() as usize / 8;
            let mut written = at - taken;
            while at < WORD {
                let Some((byte, read)) = decode_one(window.get(at..).unwrap_or_default()) else {
                    break;
                };
                // At most `at - taken` bytes, less than a word, were written before it.
                if let Some(slot) = dst.get_mut(written & (WORD - 1)) {
                    *slot = byte;
                }
                // A byte that is never UTF-8 (a `%` that is not an escape, or `%FF`): refused
                // at once, not after a body of `%` decoded byte by byte.
                if byte == NOT_AN_ESCAPE {
                    return Err(RejectionKind::MalformedBody);
                }
                high |= u64::from(byte);
                written += 1;
                at += read;
            }
            o += written;
            (p, taken) = (p + WORD, at - WORD);
        }
        // The last bytes, fewer than a word and two, one by one.
        let mut at = p + taken;
        while let Some((byte, read)) = decode_one(raw.get(at..).unwrap_or_default()) {
            if let Some(slot) = out.get_mut(o) {
                *slot = byte;
            }
            high |= u64::from(byte);
            o += 1;
            at += read;
        }
        self.len = o;
        let decoded = self.out.get(start..o).unwrap_or_default();
        if high & HIGHS != 0 && std::str::from_utf8(decoded).is_err() {
            return Err(RejectionKind::MalformedBody);
        }
        Ok(start..o)
    }

    /// The decoded bytes.
    fn into_bytes(mut self) -> Vec<u8> {
        self.out.truncate(self.len);
        self.out
    }
}

/// The first decoded byte of `raw` and how many bytes of `raw` it takes: an escaped byte and
/// three for a `%` followed by two hex digits, [`NOT_AN_ESCAPE`] and one for any other `%`, a
/// space and one for a `+`, else the byte itself and one. `None` for no bytes.
fn decode_one(raw: &[u8]) -> Option<(u8, usize)> {
    match raw {
        [b'%', hi, lo, ..] if hex(*hi) | hex(*lo) < 16 => Some((hex(*hi) << 4 | hex(*lo), 3)),
        // Never UTF-8, so the decoding is refused (Twilio escapes `%` as `%25`).
        [b'%', ..] => Some((NOT_AN_ESCAPE, 1)),
        [b'+', ..] => Some((b' ', 1)),
        [byte, ..] => Some((*byte, 1)),
        [] => None,
    }
}

/// What a `%` that is not an escape decodes to: a byte that never appears in UTF-8.
const NOT_AN_ESCAPE: u8 = 0xFF;

/// `0x01` in every byte.
const ONES: u64 = u64::from_le_bytes([1; WORD]);
/// `0x80` in every byte.
const HIGHS: u64 = u64::from_le_bytes([0x80; WORD]);

/// The high bit of every byte of `word` equal to `byte`, exactly (no carry between bytes: the
/// low seven bits plus `0x7F` fit in a byte).
fn bytes_equal(word: u64, byte: u8) -> u64 {
    let x = word ^ (ONES * u64::from(byte));
    !(((x & !HIGHS) + !HIGHS) | x) & HIGHS
}

/// The high bit of the first byte of `word` (in memory order) equal to `byte`, and possibly of
/// later ones (a borrow may mark the byte after a match): exact up to the first, which is all
/// that is read. Zero when none is.
fn first_equal(word: u64, byte: u8) -> u64 {
    let x = word ^ (ONES * u64::from(byte));
    x.wrapping_sub(ONES) & !x & HIGHS
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
            joined("https://x/y", "a=%C3%A9&b=%E2%82%AC".as_bytes()).unwrap(),
            "a\u{e9}b\u{20ac}".as_bytes()
        );
    }

    #[test]
    fn what_twilio_never_sends_is_refused_before_hashing() {
        for body in [
            &b"a=%FF"[..],
            b"a=%C3",
            b"a=%",
            b"a=%4",
            b"a=%zz",
            b"a%=1",
            b"a=1&b=%%41",
            "a=\u{e9}".as_bytes(),
            b"a=\xff",
        ] {
            assert_eq!(
                joined("https://x/y", body),
                Err(RejectionKind::MalformedBody),
                "{}",
                String::from_utf8_lossy(body)
            );
        }
        // The same bytes escaped as Twilio escapes them are read.
        assert_eq!(joined("https://x/y", b"a=%25&b=%2525").unwrap(), b"a%b%25");
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
        /// The decoder agrees with `form_urlencoded` (the `url` crate's) on everything Twilio
        /// sends, and refuses the rest: bytes outside ASCII, a `%` that is not an escape,
        /// escapes that decode to invalid UTF-8.
        #[test]
        fn decoding_agrees_with_form_urlencoded(segments in proptest::collection::vec(
            proptest::prop_oneof![
                "[a-z]{0,40}",
                proptest::sample::select(vec![
                    "%41", "%4", "%", "+", "&", "=", "%zz", "%C3%A9", "%FF", "%e9", "\u{e9}",
                    "%25", "%2B",
                ]).prop_map(str::to_owned),
            ], 0..24)) {
            let raw = segments.concat().into_bytes();
            let mut decoder = Decoder::for_body(raw.len());
            let mut ranges = Vec::new();
            let mut well_formed = true;
            for piece in raw.split(|&b| b == b'&').filter(|p| !p.is_empty()) {
                let (name, value) = match piece.iter().position(|&b| b == b'=') {
                    Some(at) => (&piece[..at], &piece[at + 1..]),
                    None => (piece, &b""[..]),
                };
                well_formed &= reference(name).is_some() && reference(value).is_some();
                match (decoder.decode(name), decoder.decode(value)) {
                    (Ok(name), Ok(value)) => ranges.push((name, value)),
                    _ => {
                        proptest::prop_assert!(!well_formed, "refused a well-formed piece");
                        break;
                    }
                }
            }
            if well_formed {
                let expected: Vec<(String, String)> = form_urlencoded::parse(&raw)
                    .map(|(n, v)| (n.into_owned(), v.into_owned()))
                    .collect();
                let decoded = decoder.into_bytes();
                let ours: Vec<(String, String)> = ranges
                    .into_iter()
                    .map(|(name, value)| (
                        String::from_utf8(decoded[name].to_vec()).unwrap(),
                        String::from_utf8(decoded[value].to_vec()).unwrap(),
                    ))
                    .collect();
                proptest::prop_assert_eq!(ours, expected);
            }
        }
    }

    /// Form decoding, one byte at a time: the reference for [`Decoder`]. `None` for what
    /// Twilio never sends.
    fn reference(raw: &[u8]) -> Option<String> {
        let mut out = Vec::new();
        let mut i = 0;
        while i < raw.len() {
            let digit = |at: usize| raw.get(at).and_then(|&b| (b as char).to_digit(16));
            match (raw[i], digit(i + 1), digit(i + 2)) {
                (b'+', _, _) => out.push(b' '),
                (b'%', Some(hi), Some(lo)) => {
                    out.push((hi * 16 + lo) as u8);
                    i += 2;
                }
                (b'%', _, _) => return None,
                (byte, _, _) if !byte.is_ascii() => return None,
                (byte, _, _) => out.push(byte),
            }
            i += 1;
        }
        String::from_utf8(out).ok()
    }

    #[test]
    fn words_find_every_byte_exactly() {
        for byte in [b'+', b'%', 0, 0x7F, 0x80, 0xFF] {
            for other in 0..=255u8 {
                for at in 0..WORD {
                    let mut bytes = [other; WORD];
                    bytes[at] = byte;
                    let word = u64::from_le_bytes(bytes);
                    let expected = bytes
                        .iter()
                        .enumerate()
                        .filter(|(_, b)| **b == byte)
                        .fold(0, |mask, (n, _)| mask | 0x80 << (8 * n));
                    assert_eq!(bytes_equal(word, byte), expected);
                    assert_eq!(
                        first_equal(word, byte).trailing_zeros(),
                        expected.trailing_zeros()
                    );
                }
            }
        }
    }

    proptest::proptest! {
        /// The word-at-a-time decoder agrees with a byte-at-a-time one on any bytes, many
        /// pieces into one buffer (long runs, escapes at every offset of a word, malformed
        /// escapes anywhere, bytes outside ASCII, invalid UTF-8): the same text, or both refuse.
        #[test]
        fn decoder_agrees_with_reference(pieces in proptest::collection::vec(
            proptest::collection::vec(proptest::prop_oneof![
                8 => proptest::sample::select(b"abAB09".to_vec()),
                2 => proptest::sample::select(b"%+41fFgG".to_vec()),
                1 => proptest::num::u8::ANY,
            ], 0..80), 0..8)) {
            let mut decoder = Decoder::for_body(pieces.iter().map(Vec::len).sum());
            let mut ranges = Vec::new();
            for piece in &pieces {
                match (decoder.decode(piece), reference(piece)) {
                    (Ok(range), Some(text)) => ranges.push((range, text)),
                    // A refused body is refused whole: nothing after it is decoded.
                    (Err(_), None) => break,
                    (ours, theirs) => proptest::prop_assert!(
                        false,
                        "{piece:?}: decoder {ours:?}, reference {theirs:?}"
                    ),
                }
            }
            let decoded = decoder.into_bytes();
            let mut end = 0;
            for (range, text) in ranges {
                proptest::prop_assert_eq!(range.start, end);
                end = range.end;
                proptest::prop_assert_eq!(std::str::from_utf8(&decoded[range]).unwrap(), text);
            }
            proptest::prop_assert!(decoded.len() >= end);
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

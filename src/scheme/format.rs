//! One parser per signature-header layout, and strict signature decoding.
//!
//! Everything here reads attacker-controlled text: no indexing, no unchecked arithmetic, bounded
//! work (a header longer than [`MAX_HEADER_LEN`] or with more than [`MAX_ENTRIES`] items is
//! refused before anything is decoded).
#![warn(clippy::arithmetic_side_effects)]

use std::borrow::Cow;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use super::Encoding;
use super::headers::key_values;
use crate::rejection::RejectionKind;

/// Longest signature header value accepted, in bytes.
pub(crate) const MAX_HEADER_LEN: usize = 4096;
/// Most items (signatures, timestamps, anything else) one signature header may hold, and most
/// candidate signatures one request may carry.
pub(crate) const MAX_ENTRIES: usize = 10;
/// Largest signature this crate decodes from a header (a DER-encoded ECDSA P-256 signature).
pub(crate) const MAX_TAG_LEN: usize = 72;

/// The layout of the signature header. One parser per layout, shared by every provider.
///
/// ```
/// use webhook_guard::SignatureFormat;
///
/// let github = SignatureFormat::prefixed("sha256=");            // sha256=<hex>
/// let stripe = SignatureFormat::key_value(',', "v1");           // t=…,v1=…,v1=…
/// let standard = SignatureFormat::versioned_list("v1");         // v1,<b64> v1,<b64>
/// let shopify = SignatureFormat::bare();                        // <b64>
/// # let _ = (github, stripe, standard, shopify);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignatureFormat(pub(crate) FormatKind);

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum FormatKind {
    /// The whole value is the signature (Shopify, Linear, …).
    Bare,
    /// A fixed prefix then the signature: `sha256=<hex>` (GitHub), `v0=<hex>` (Slack).
    Prefixed(Cow<'static, str>),
    /// `key=value` items split on one separator; every item whose key is `signature_key` is a
    /// candidate (Stripe `t=…,v1=…,v1=…`, Paddle `ts=…;h1=…`). Other keys are ignored.
    KeyValue {
        separator: char,
        signature_key: Cow<'static, str>,
    },
    /// Space-separated `version,signature` entries; entries of other versions are skipped
    /// (Standard Webhooks `v1,<b64> v1,<b64>`).
    VersionedList { version: Cow<'static, str> },
}

impl SignatureFormat {
    /// The whole header value is the signature.
    #[must_use]
    pub const fn bare() -> Self {
        Self(FormatKind::Bare)
    }

    /// A fixed, case-sensitive prefix followed by the signature, e.g. `"sha256="`.
    #[must_use]
    pub fn prefixed(prefix: impl Into<Cow<'static, str>>) -> Self {
        Self(FormatKind::Prefixed(prefix.into()))
    }

    /// `key=value` items separated by `separator`; values of `signature_key` are signatures.
    /// A timestamp can be read from the same header with
    /// [`SchemeBuilder::timestamp_param`](crate::SchemeBuilder::timestamp_param).
    #[must_use]
    pub fn key_value(separator: char, signature_key: impl Into<Cow<'static, str>>) -> Self {
        Self(FormatKind::KeyValue {
            separator,
            signature_key: signature_key.into(),
        })
    }

    /// Space-separated `version,signature` entries; only entries of `version` are checked.
    #[must_use]
    pub fn versioned_list(version: impl Into<Cow<'static, str>>) -> Self {
        Self(FormatKind::VersionedList {
            version: version.into(),
        })
    }

    /// A human-readable description, e.g. `t=<ts>,v1=<sig>`.
    pub(crate) fn describe(&self, ts_param: Option<&str>) -> String {
        match &self.0 {
            FormatKind::Bare => "<sig>".to_owned(),
            FormatKind::Prefixed(p) => format!("{p}<sig>"),
            FormatKind::KeyValue {
                separator,
                signature_key,
            } => match ts_param {
                Some(t) => format!("{t}=<ts>{separator}{signature_key}=<sig>"),
                None => format!("{signature_key}=<sig>"),
            },
            FormatKind::VersionedList { version } => format!("{version},<sig> …"),
        }
    }

    /// The header value carrying `signature` (and `timestamp`, for a key-value layout with a
    /// timestamp parameter `ts_param`), as a sender writes it.
    pub(crate) fn write(&self, signature: &str, ts_param: Option<(&str, &str)>) -> String {
        match &self.0 {
            FormatKind::Bare => signature.to_owned(),
            FormatKind::Prefixed(prefix) => format!("{prefix}{signature}"),
            FormatKind::KeyValue {
                separator,
                signature_key,
            } => match ts_param {
                Some((key, ts)) => format!("{key}={ts}{separator}{signature_key}={signature}"),
                None => format!("{signature_key}={signature}"),
            },
            FormatKind::VersionedList { version } => format!("{version},{signature}"),
        }
    }

    /// Checks the layout's own parameters (for custom schemes).
    pub(crate) fn check(&self) -> Result<(), &'static str> {
        match &self.0 {
            FormatKind::Bare => Ok(()),
            FormatKind::Prefixed(p) if p.is_empty() => Err("empty prefix"),
            FormatKind::KeyValue {
                separator,
                signature_key,
            } if signature_key.is_empty()
                || signature_key.contains(*separator)
                || signature_key.contains('=')
                || *separator == '='
                || !separator.is_ascii() =>
            {
                Err("key-value format needs an ASCII separator other than `=` and a plain key")
            }
            FormatKind::VersionedList { version }
                if version.is_empty() || version.contains([',', ' ']) =>
            {
                Err("version must be non-empty without commas or spaces")
            }
            _ => Ok(()),
        }
    }
}

/// How long a decoded signature must be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TagLen {
    /// Exactly this many bytes (MACs, Ed25519).
    Exact(usize),
    /// Between 8 and this many bytes (DER-encoded ECDSA signatures, parsed strictly later).
    UpTo(usize),
}

/// A decoded signature candidate.
#[derive(Clone, Copy)]
pub(crate) struct Tag {
    pub(crate) bytes: [u8; MAX_TAG_LEN],
    pub(crate) len: usize,
}

impl Tag {
    pub(crate) fn as_slice(&self) -> &[u8] {
        self.bytes.get(..self.len).unwrap_or_default()
    }
}

/// Up to [`MAX_ENTRIES`] decoded candidates: the first inline (the usual case: one signature),
/// the others in a vector. Small, because it moves with the verification state of a request.
#[derive(Clone, Default)]
pub(crate) struct Tags {
    first: Option<Tag>,
    more: Vec<Tag>,
}

impl Tags {
    /// Adds a candidate; beyond [`MAX_ENTRIES`] candidates are ignored (the parsers refuse
    /// longer headers anyway).
    pub(crate) fn push(&mut self, tag: Tag) {
        if self.first.is_none() {
            self.first = Some(tag);
        } else if self.more.len().saturating_add(1) < MAX_ENTRIES {
            self.more.push(tag);
        }
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = &Tag> {
        self.first.iter().chain(self.more.iter())
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.first.is_none()
    }
}

/// What one signature header holds, added to what earlier headers held.
#[derive(Default)]
pub(crate) struct Parsed<'a> {
    /// Candidates of the right version that decoded to a signature of the right length.
    pub(crate) tags: Tags,
    /// Entries of the right version, decodable or not.
    pub(crate) seen: usize,
    /// The timestamp item, for key-value formats with a timestamp parameter.
    pub(crate) timestamp: Option<&'a str>,
}

/// Parses a signature header value of `format` into `out`, decoding candidates with
/// `encoding` to a length `tag_len` allows. `ts_key` names the timestamp item of a key-value
/// header.
pub(crate) fn parse<'a>(
    format: &SignatureFormat,
    value: &'a str,
    ts_key: Option<&str>,
    encoding: Encoding,
    tag_len: TagLen,
    out: &mut Parsed<'a>,
) -> Result<(), RejectionKind> {
    if value.len() > MAX_HEADER_LEN {
        return Err(RejectionKind::MalformedHeader);
    }
    let add = |out: &mut Parsed<'a>, text: &str| {
        out.seen = out.seen.saturating_add(1);
        if let Some(tag) = decode(text, encoding, tag_len) {
            out.tags.push(tag);
        }
    };
    match &format.0 {
        FormatKind::Bare => add(out, value),
        FormatKind::Prefixed(prefix) => {
            let sig = value
                .strip_prefix(&**prefix)
                .ok_or(RejectionKind::MalformedHeader)?;
            add(out, sig);
        }
        FormatKind::KeyValue {
            separator,
            signature_key,
        } => {
            for (key, val) in
                key_values(value, *separator, MAX_ENTRIES).ok_or(RejectionKind::MalformedHeader)?
            {
                if Some(key) == ts_key {
                    if out.timestamp.is_some() {
                        return Err(RejectionKind::MalformedHeader);
                    }
                    out.timestamp = Some(val);
                } else if key == signature_key {
                    add(out, val);
                }
            }
        }
        FormatKind::VersionedList { version } => {
            // One pass over the bytes (the header is visible ASCII, so every split falls on a
            // character boundary); more than `MAX_ENTRIES` entries refuse the whole header.
            let mut rest = value;
            for count in 0.. {
                let (entry, next) = match rest.bytes().position(|b| b == b' ') {
                    Some(space) => (
                        rest.get(..space).unwrap_or_default(),
                        rest.get(space.saturating_add(1)..),
                    ),
                    None => (rest, None),
                };
                if count >= MAX_ENTRIES {
                    return Err(RejectionKind::MalformedHeader);
                }
                // Entries without a comma, and other versions (`v1a`, `v2`), are skipped, as the
                // spec's "try each signature until one matches" implies.
                if let Some(comma) = entry.bytes().position(|b| b == b',')
                    && entry.get(..comma) == Some(&**version)
                    && let Some(sig) = entry.get(comma.saturating_add(1)..)
                {
                    add(out, sig);
                }
                match next {
                    Some(next) => rest = next,
                    None => break,
                }
            }
        }
    }
    Ok(())
}

/// Strictly decodes one signature to a length `tag_len` allows, or `None`.
///
/// [`Encoding::Verbatim`] (a token) decodes to the SHA-256 digest of the text, so that the
/// comparison that follows takes the same time whatever the token's length.
pub(crate) fn decode(text: &str, encoding: Encoding, tag_len: TagLen) -> Option<Tag> {
    let (min, max) = match tag_len {
        TagLen::Exact(n) => (n, n),
        TagLen::UpTo(n) => (8, n),
    };
    let mut tag = Tag {
        bytes: [0; MAX_TAG_LEN],
        len: 0,
    };
    match encoding {
        Encoding::Hex | Encoding::HexAnyCase => {
            let n = text.len() / 2;
            if !text.len().is_multiple_of(2) || n < min || n > max {
                return None;
            }
            decode_hex(
                text.as_bytes(),
                encoding == Encoding::HexAnyCase,
                tag.bytes.get_mut(..n)?,
            )?;
            tag.len = n;
        }
        Encoding::Base64 => {
            if text.len() > base64_len(max)? || text.len() < base64_len(min)? {
                return None;
            }
            // At most `base64_len(MAX_TAG_LEN)` characters, so the decoded bytes fit in the tag.
            let n = STANDARD.decode_slice(text, &mut tag.bytes).ok()?;
            if n < min || n > max {
                return None;
            }
            tag.len = n;
        }
        Encoding::Verbatim => {
            use sha2::Digest as _;
            if text.is_empty() || max != 32 {
                return None;
            }
            let digest = sha2::Sha256::digest(text.as_bytes());
            tag.bytes.get_mut(..32)?.copy_from_slice(&digest);
            tag.len = 32;
        }
    }
    Some(tag)
}

/// Decodes `text` (exactly twice `out.len()` digits) into `out`, rejecting any other byte
/// (and uppercase unless `any_case`). Eight digits at a time in a `u64` (SWAR): every digit
/// is range-checked and converted with the same few word operations, no table and no branch
/// on the data, one check at the end.
fn decode_hex(text: &[u8], any_case: bool, out: &mut [u8]) -> Option<()> {
    if text.len() != out.len().checked_mul(2)? {
        return None;
    }
    let mut bad = 0u64;
    let (words, rest) = text.as_chunks::<8>();
    let (outs, out_rest) = out.as_chunks_mut::<4>();
    for (word, bytes) in words.iter().zip(outs) {
        let (value, invalid) = hex8(u64::from_le_bytes(*word), any_case);
        bad |= invalid;
        *bytes = value.to_le_bytes();
    }
    if !rest.is_empty() {
        // Fewer than eight digits left (an even number): padded with `0`s, which decode to
        // bytes that are not kept.
        let mut word = *b"00000000";
        word.get_mut(..rest.len())?.copy_from_slice(rest);
        let (value, invalid) = hex8(u64::from_le_bytes(word), any_case);
        bad |= invalid;
        out_rest.copy_from_slice(value.to_le_bytes().get(..out_rest.len())?);
    }
    (bad == 0).then_some(())
}

/// Eight hex digits (the first in the lowest byte) to four bytes, and a word that is not zero
/// when any digit is invalid.
#[inline(always)]
fn hex8(x: u64, any_case: bool) -> (u32, u64) {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    // The high bit of each byte of `ge(lo)` says whether that byte is `>= lo`; exact for bytes
    // below 0x80 (no carry crosses a byte), and a byte at or above 0x80 is invalid anyway.
    let ge = |lo: u8| x.wrapping_add(ONES.wrapping_mul(u64::from(0x80u8.wrapping_sub(lo)))) & HIGH;
    let in_range = |lo: u8, hi: u8| ge(lo) & !ge(hi.wrapping_add(1));
    let digit = in_range(b'0', b'9');
    let mut letter = in_range(b'a', b'f');
    if any_case {
        letter |= in_range(b'A', b'F');
    }
    let invalid = ((digit | letter) ^ HIGH) | (x & HIGH);
    // '0'..='9' are 0x30..=0x39 and the letters 0x?1..=0x?6: the low nibble, plus 9 for a
    // letter. No byte exceeds 15, so nothing carries.
    let nibbles = (x & ONES.wrapping_mul(0x0F)).wrapping_add((letter >> 7).wrapping_mul(9));
    // Pairs of nibbles into bytes, in 16-bit lanes, then the lanes packed together.
    let mut t = ((nibbles & 0x00FF_00FF_00FF_00FF) << 4) | ((nibbles >> 8) & 0x00FF_00FF_00FF_00FF);
    t = (t | (t >> 8)) & 0x0000_FFFF_0000_FFFF;
    t = (t | (t >> 16)) & 0x0000_0000_FFFF_FFFF;
    (t as u32, invalid)
}

/// Length of the padded base64 encoding of `n` bytes.
fn base64_len(n: usize) -> Option<usize> {
    n.div_ceil(3).checked_mul(4)
}

/// Encodes a signature the way `encoding` writes it (for signing). Verbatim tokens are not
/// encoded here: the signer writes the secret itself.
pub(crate) fn encode(bytes: &[u8], encoding: Encoding) -> String {
    match encoding {
        Encoding::Hex | Encoding::HexAnyCase => hex::encode(bytes),
        Encoding::Base64 | Encoding::Verbatim => STANDARD.encode(bytes),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse<'a>(
        f: &SignatureFormat,
        v: &'a str,
        t: Option<&str>,
        e: Encoding,
        l: TagLen,
    ) -> Result<Parsed<'a>, RejectionKind> {
        let mut out = Parsed::default();
        super::parse(f, v, t, e, l, &mut out).map(|()| out)
    }

    const E32: TagLen = TagLen::Exact(32);

    #[test]
    fn candidates_decode_to_exactly_the_tag_length() {
        let hex = |n: usize| "ab".repeat(n);
        assert_eq!(decode(&hex(32), Encoding::Hex, E32).unwrap().len, 32);
        assert!(decode(&hex(31), Encoding::Hex, E32).is_none());
        assert!(decode(&hex(33), Encoding::Hex, E32).is_none());
        assert!(decode(&format!("{}a", hex(32)), Encoding::Hex, E32).is_none());
        // 44 base64 characters hold 31 to 33 bytes: only 32 is a tag.
        let b64 = |n: usize| STANDARD.encode(vec![7u8; n]);
        assert_eq!(decode(&b64(32), Encoding::Base64, E32).unwrap().len, 32);
        assert!(decode(&b64(31), Encoding::Base64, E32).is_none());
        assert!(decode(&b64(33), Encoding::Base64, E32).is_none());
        assert!(decode(&b64(30), Encoding::Base64, E32).is_none());
        assert!(decode(&b64(34), Encoding::Base64, E32).is_none());
    }

    #[test]
    fn a_header_of_the_cap_is_read_and_one_byte_more_is_refused() {
        let prefixed = SignatureFormat::prefixed("sha256=");
        let at_cap = format!("sha256={}", "a".repeat(MAX_HEADER_LEN - 7));
        assert_eq!(at_cap.len(), MAX_HEADER_LEN);
        let read = parse(&prefixed, &at_cap, None, Encoding::Hex, E32).unwrap();
        assert_eq!((read.seen, read.tags.is_empty()), (1, true));
        let over = format!("{at_cap}a");
        assert!(matches!(
            parse(&prefixed, &over, None, Encoding::Hex, E32),
            Err(RejectionKind::MalformedHeader)
        ));
    }

    #[test]
    fn der_and_verbatim_lengths() {
        let der = STANDARD.encode([0x30u8; 71]);
        assert_eq!(
            decode(&der, Encoding::Base64, TagLen::UpTo(72))
                .unwrap()
                .len,
            71
        );
        let long = STANDARD.encode([0x30u8; 73]);
        assert!(decode(&long, Encoding::Base64, TagLen::UpTo(72)).is_none());
        assert!(decode("AAAA", Encoding::Base64, TagLen::UpTo(72)).is_none());
        let a = decode("token", Encoding::Verbatim, E32).unwrap();
        let b = decode("a much longer token value", Encoding::Verbatim, E32).unwrap();
        assert_eq!((a.len, b.len), (32, 32));
        assert!(decode("", Encoding::Verbatim, E32).is_none());
    }

    fn kv() -> SignatureFormat {
        SignatureFormat::key_value(',', "v1")
    }

    const H: &str = "757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";

    #[test]
    fn hex_is_strict() {
        assert!(decode(H, Encoding::Hex, E32).is_some());
        assert!(decode(&H.to_uppercase(), Encoding::Hex, E32).is_none());
        assert!(decode(&H.to_uppercase(), Encoding::HexAnyCase, E32).is_some());
        assert!(decode(&H[..63], Encoding::Hex, E32).is_none());
        assert!(decode(&format!("{H}0"), Encoding::Hex, E32).is_none());
        assert!(decode(&format!("{}g", &H[..63]), Encoding::Hex, E32).is_none());
        assert!(decode("", Encoding::Hex, E32).is_none());
    }

    /// Every byte value at every position of a 40-digit (SHA-1) and a 6-digit text (which
    /// takes the padded tail), in both case modes, against the `hex` crate.
    #[test]
    fn hex_agrees_with_the_hex_crate_on_every_byte() {
        for len in [40usize, 6] {
            let valid: Vec<u8> = b"0123456789abcdefABCDEF"
                .iter()
                .copied()
                .cycle()
                .take(len)
                .collect();
            for pos in 0..len {
                for byte in 0..=255u8 {
                    let mut text = valid.clone();
                    text[pos] = byte;
                    let reference = hex::decode(&text).ok();
                    let lower_only = text.iter().all(|b| !b.is_ascii_uppercase());
                    for any_case in [false, true] {
                        let mut out = vec![0u8; len / 2];
                        let ours = decode_hex(&text, any_case, &mut out).map(|()| out);
                        let expected = reference.clone().filter(|_| any_case || lower_only);
                        assert_eq!(ours, expected, "{text:?} any_case={any_case}");
                    }
                }
            }
        }
    }

    #[test]
    fn base64_is_strict() {
        let good = "tZ1I4/hDygAJgO5TYxiSd6Sd0kDW6hPenDe+bTa3Kkw=";
        assert!(decode(good, Encoding::Base64, E32).is_some());
        assert!(decode(&good[..43], Encoding::Base64, E32).is_none()); // unpadded
        assert!(decode(&format!("{good}="), Encoding::Base64, E32).is_none());
        assert!(
            decode(
                "tZ1I4/hDygAJgO5TYxiSd6Sd0kDW6hPenDe+bTa3Kkx=",
                Encoding::Base64,
                E32
            )
            .is_none()
        ); // non-canonical
        assert!(
            decode(
                "tZ1I4/hDygAJgO5TYxiSd6Sd0kDW6hPen e+bTa3Kkw=",
                Encoding::Base64,
                E32
            )
            .is_none()
        );
        assert!(
            decode(
                "tZ1I4_hDygAJgO5TYxiSd6Sd0kDW6hPenDe-bTa3Kkw=",
                Encoding::Base64,
                E32
            )
            .is_none()
        );
        assert!(decode("", Encoding::Base64, E32).is_none());
    }

    #[test]
    fn key_value_collects_every_signature_and_the_timestamp() {
        let v = format!("t=123,v1={H},v0={H},v1={H}");
        let p = parse(&kv(), &v, Some("t"), Encoding::Hex, E32).unwrap();
        assert_eq!(p.timestamp, Some("123"));
        assert_eq!(p.seen, 2);
        assert_eq!(p.tags.iter().count(), 2);
        // Whitespace is not trimmed, as in Stripe's SDKs: ` v1` is an unknown key.
        let v = format!("t=123, v1={H}");
        let p = parse(&kv(), &v, Some("t"), Encoding::Hex, E32).unwrap();
        assert_eq!(p.seen, 0);
        // Two timestamps are ambiguous.
        let v = format!("t=1,t=2,v1={H}");
        assert!(parse(&kv(), &v, Some("t"), Encoding::Hex, E32).is_err());
    }

    #[test]
    fn entry_and_length_caps() {
        let many = ["v1,x"; MAX_ENTRIES + 1].join(" ");
        let f = SignatureFormat::versioned_list("v1");
        assert!(parse(&f, &many, None, Encoding::Base64, E32).is_err());
        let ten = ["v1,x"; MAX_ENTRIES].join(" ");
        assert!(parse(&f, &ten, None, Encoding::Base64, E32).is_ok());
        let long = "a".repeat(MAX_HEADER_LEN + 1);
        assert!(parse(&SignatureFormat::bare(), &long, None, Encoding::Hex, E32).is_err());
        let many_kv = ["x=1"; MAX_ENTRIES + 1].join(",");
        assert!(parse(&kv(), &many_kv, Some("t"), Encoding::Hex, E32).is_err());
    }

    #[test]
    fn versioned_list_skips_other_versions_and_junk() {
        let f = SignatureFormat::versioned_list("v1");
        let good = "tZ1I4/hDygAJgO5TYxiSd6Sd0kDW6hPenDe+bTa3Kkw=";
        let v = format!("garbage v2,{good} v1a,{good} v1,{good}");
        let p = parse(&f, &v, None, Encoding::Base64, E32).unwrap();
        assert_eq!((p.seen, p.tags.iter().count()), (1, 1));
        let p = parse(&f, "v1, v1 v1,a,b", None, Encoding::Base64, E32).unwrap();
        assert_eq!((p.seen, p.tags.iter().count()), (2, 0));
    }

    #[test]
    fn prefixed_requires_exact_prefix() {
        let f = SignatureFormat::prefixed("sha256=");
        assert!(parse(&f, &format!("sha256={H}"), None, Encoding::Hex, E32).is_ok());
        assert!(parse(&f, &format!("SHA256={H}"), None, Encoding::Hex, E32).is_err());
        assert!(parse(&f, H, None, Encoding::Hex, E32).is_err());
        let p = parse(&f, "sha256=", None, Encoding::Hex, E32).unwrap();
        assert_eq!((p.seen, p.tags.iter().count()), (1, 0));
    }
}

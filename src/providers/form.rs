//! The `application/x-www-form-urlencoded` bodies Twilio and Plivo sign: decoded into one
//! buffer, strictly, and as fast as the body can be read.

use std::ops::Range;

use crate::rejection::RejectionKind;

/// A parameter: where its decoded name and value are in the buffer.
pub(super) type Pair = (Range<usize>, Range<usize>);

/// The parameters of `body`, in order: non-empty pieces between `&`, split at their first `=`
/// (a piece without one has an empty value), decoded into one buffer. More than `max` pieces,
/// and what the providers never send (see [`Decoder`]), are a malformed body.
pub(super) fn pairs(body: &[u8], max: usize) -> Result<(Vec<u8>, Vec<Pair>), RejectionKind> {
    let mut decoded = Decoder::for_body(body.len());
    let mut pairs: Vec<Pair> = Vec::new();
    let pieces = memchr::memchr_iter(b'&', body)
        .chain([body.len()])
        .scan(0, |start, end| {
            let piece = body.get(*start..end).unwrap_or_default();
            *start = end.saturating_add(1);
            Some(piece)
        });
    for piece in pieces.filter(|p| !p.is_empty()) {
        if pairs.len() == max {
            return Err(RejectionKind::MalformedBody);
        }
        let (name, value) = match memchr::memchr(b'=', piece) {
            Some(at) => (
                piece.get(..at).unwrap_or_default(),
                piece.get(at.saturating_add(1)..).unwrap_or_default(),
            ),
            None => (piece, &b""[..]),
        };
        let name = decoded.decode(name)?;
        let value = decoded.decode(value)?;
        pairs.push((name, value));
    }
    Ok((decoded.into_bytes(), pairs))
}

/// Bytes the decoder reads at once.
const WORD: usize = 8;
/// Room the decoder needs past the end of a decoding: what it decodes from a word (never
/// longer than the word) is written within two words.
const SLACK: usize = 2 * WORD;

/// The `application/x-www-form-urlencoded` decoder: names and values decoded one after the
/// other into one buffer (`+` is a space, `%XX` an escaped byte), as `form_urlencoded::parse`
/// and Python's `parse_qs` do for what Twilio and Plivo send.
///
/// What they never send is refused before anything is hashed: a byte outside ASCII (they
/// percent-encode them), a `%` not followed by two hex digits (they write `%25`), and escapes
/// that decode to invalid UTF-8 (their parameters are UTF-8 text). The SDKs' decoders would pass
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
}

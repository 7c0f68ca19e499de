//! Finding one top-level member of a JSON object without parsing the others: for presets whose
//! signed fields sit in a JSON body next to unsigned data of any size (Mailgun's event data).
//!
//! A forged request must cost about what a genuine one does. A full parse (even one that builds
//! nothing, like serde's `IgnoredAny`) validates every number and string of the unsigned data,
//! which on a dense body costs several times an HMAC over the same bytes. Here the other members'
//! values are skipped by their structure alone: strings by their quotes and escapes, arrays and
//! objects by their brackets (matched, at most [`MAX_DEPTH`] deep), anything else up to the next
//! delimiter. The member itself is then parsed by serde_json. A body that is not JSON can get
//! past the skipping; only the member is trusted, and its value is fully parsed.

use memchr::memchr2;

/// Deepest nesting skipped (serde_json's own recursion limit is 128).
pub(super) const MAX_DEPTH: u32 = 128;

/// Why a document was refused.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct NotAnObject;

/// The raw value of the top-level member `name` of the JSON object `doc` (leading and trailing
/// whitespace allowed), `None` when the object has no such member. Refused: anything but one
/// object, a member named twice, an unterminated string, unbalanced or mismatched brackets,
/// nesting deeper than [`MAX_DEPTH`].
pub(super) fn member<'a>(doc: &'a [u8], name: &str) -> Result<Option<&'a [u8]>, NotAnObject> {
    members(doc, [name]).map(|[found]| found)
}

/// [`member`] for several names at once, in one pass over the object.
pub(super) fn members<'a, const N: usize>(
    doc: &'a [u8],
    names: [&str; N],
) -> Result<[Option<&'a [u8]>; N], NotAnObject> {
    let mut at = skip_ws(doc, 0);
    if doc.get(at) != Some(&b'{') {
        return Err(NotAnObject);
    }
    at = skip_ws(doc, at + 1);
    let mut found = [None; N];
    if doc.get(at) == Some(&b'}') {
        return end(doc, at + 1, found);
    }
    loop {
        if doc.get(at) != Some(&b'"') {
            return Err(NotAnObject);
        }
        let key_end = skip_string(doc, at)?;
        let key = doc.get(at..key_end).ok_or(NotAnObject)?;
        at = skip_ws(doc, key_end);
        if doc.get(at) != Some(&b':') {
            return Err(NotAnObject);
        }
        let start = skip_ws(doc, at + 1);
        let value_end = skip_value(doc, start)?;
        for (name, found) in names.iter().zip(found.iter_mut()) {
            if is_named(key, name) {
                if found.is_some() {
                    return Err(NotAnObject);
                }
                *found = doc.get(start..value_end);
            }
        }
        at = skip_ws(doc, value_end);
        match doc.get(at) {
            Some(b',') => at = skip_ws(doc, at + 1),
            Some(b'}') => return end(doc, at + 1, found),
            _ => return Err(NotAnObject),
        }
    }
}

/// A member's raw value (as [`member`] or [`members`] found it) parsed by serde into `T`;
/// `None` when the member is absent. A value that is not a `T` is refused.
pub(super) fn parse<'a, T: serde::Deserialize<'a>>(
    raw: Option<&'a [u8]>,
) -> Result<Option<T>, NotAnObject> {
    raw.map(|raw| serde_json::from_slice(raw).map_err(|_| NotAnObject))
        .transpose()
}

/// What is between the brackets of the array `doc`, a value [`member`] returned (so its
/// brackets are balanced), without reading it again. An array of exactly one object is what
/// [`member`] or [`members`] then accepts of it: they refuse an empty array, a value that is not
/// an object, and anything after the object (a second element).
pub(super) fn array_contents(doc: &[u8]) -> Result<&[u8], NotAnObject> {
    doc.trim_ascii()
        .strip_prefix(b"[")
        .and_then(|rest| rest.strip_suffix(b"]"))
        .ok_or(NotAnObject)
}

/// Only whitespace may follow the object.
fn end<T>(doc: &[u8], at: usize, found: T) -> Result<T, NotAnObject> {
    if skip_ws(doc, at) == doc.len() {
        Ok(found)
    } else {
        Err(NotAnObject)
    }
}

/// Whether the quoted key `raw` spells `name`, escapes decoded (by serde_json, only for keys
/// short enough to be `name` escaped).
fn is_named(raw: &[u8], name: &str) -> bool {
    let inner = raw.get(1..raw.len().saturating_sub(1)).unwrap_or_default();
    if !inner.contains(&b'\\') {
        return inner == name.as_bytes();
    }
    // `\uXXXX` is six bytes per character.
    raw.len() <= 6 * name.len() + 2
        && serde_json::from_slice::<std::borrow::Cow<'_, str>>(raw).is_ok_and(|k| k == name)
}

fn skip_ws(doc: &[u8], mut at: usize) -> usize {
    while let Some(b' ' | b'\t' | b'\n' | b'\r') = doc.get(at) {
        at += 1;
    }
    at
}

/// The end (one past the closing quote) of the string starting at `at` (its opening quote).
fn skip_string(doc: &[u8], at: usize) -> Result<usize, NotAnObject> {
    let mut at = at + 1;
    loop {
        let rest = doc.get(at..).ok_or(NotAnObject)?;
        // Most strings are short: look at a few bytes before searching the rest.
        let head = rest.get(..16).unwrap_or(rest);
        let found = match head.iter().position(|&b| b == b'"' || b == b'\\') {
            Some(found) => found,
            None => {
                head.len()
                    + memchr2(b'"', b'\\', rest.get(head.len()..).unwrap_or_default())
                        .ok_or(NotAnObject)?
            }
        };
        at += found;
        match doc.get(at) {
            // An escape: the next byte is taken as it is (`\"`, `\\`, `\u…`).
            Some(b'\\') => at += 2,
            _ => return Ok(at + 1),
        }
    }
}

/// The end of the value starting at `at`.
fn skip_value(doc: &[u8], at: usize) -> Result<usize, NotAnObject> {
    match doc.get(at) {
        Some(b'"') => skip_string(doc, at),
        Some(b'{' | b'[') => skip_nested(doc, at),
        Some(_) => {
            // A number or a literal: up to the next delimiter.
            let len = doc
                .get(at..)
                .unwrap_or_default()
                .iter()
                .position(|b| matches!(b, b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r'))
                .unwrap_or(doc.len() - at);
            if len == 0 {
                Err(NotAnObject)
            } else {
                Ok(at + len)
            }
        }
        None => Err(NotAnObject),
    }
}

/// The end of the array or object starting at `at`: brackets matched by kind on a stack of
/// bits (1 for an object), strings skipped whole.
fn skip_nested(doc: &[u8], at: usize) -> Result<usize, NotAnObject> {
    let mut kinds: u128 = 0;
    let mut depth = 0u32;
    let mut i = at;
    loop {
        // The next byte that matters: a quote or a bracket.
        let rest = doc.get(i..).ok_or(NotAnObject)?;
        let found = rest
            .iter()
            .position(|&b| STRUCTURAL.get(usize::from(b)).copied().unwrap_or(false))
            .ok_or(NotAnObject)?;
        i += found;
        match doc.get(i) {
            Some(b'"') => {
                i = skip_string(doc, i)?;
                continue;
            }
            Some(&open @ (b'{' | b'[')) => {
                if depth == MAX_DEPTH {
                    return Err(NotAnObject);
                }
                kinds = (kinds << 1) | u128::from(open == b'{');
                depth += 1;
            }
            Some(&close) => {
                if depth == 0 || (kinds & 1 == 1) != (close == b'}') {
                    return Err(NotAnObject);
                }
                kinds >>= 1;
                depth -= 1;
                if depth == 0 {
                    return Ok(i + 1);
                }
            }
            None => return Err(NotAnObject),
        }
        i += 1;
    }
}

/// Quotes and brackets.
#[allow(
    clippy::indexing_slicing,
    reason = "const evaluation: an index out of range fails the build"
)]
const STRUCTURAL: [bool; 256] = {
    let mut table = [false; 256];
    table[b'"' as usize] = true;
    table[b'{' as usize] = true;
    table[b'}' as usize] = true;
    table[b'[' as usize] = true;
    table[b']' as usize] = true;
    table
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn members_are_found_in_one_pass_and_an_array_of_one_object_is_read() {
        let doc = br#"{"a":1,"b":{"x":[2]},"c":"3"}"#;
        assert_eq!(
            members(doc, ["c", "a", "z"]),
            Ok([Some(&br#""3""#[..]), Some(&b"1"[..]), None])
        );
        assert_eq!(members(br#"{"a":1,"a":2}"#, ["a", "b"]), Err(NotAnObject));
        fn one(doc: &[u8]) -> Result<Option<&[u8]>, NotAnObject> {
            array_contents(doc).and_then(|inner| member(inner, "a"))
        }
        assert_eq!(one(br#" [ {"a":1} ] "#), Ok(Some(&b"1"[..])));
        for bad in [
            &b"[]"[..],
            b"[1]",
            br#"[{"a":1},{"a":2}]"#,
            b"{}",
            br#"[{"a":1}"#,
        ] {
            assert_eq!(one(bad), Err(NotAnObject), "{bad:?}");
        }
    }
    use proptest::prelude::*;
    use serde_json::Value;

    #[test]
    fn members_are_found_and_others_skipped() {
        let doc = br#" {"a":[1,{"b":"}]"},[]], "sig\u006eature" : {"t":"1"} , "c":"x\"y"}
"#;
        assert_eq!(
            member(doc, "signature").unwrap(),
            Some(&br#"{"t":"1"}"#[..])
        );
        assert_eq!(member(doc, "missing").unwrap(), None);
        assert_eq!(member(b"{}", "a").unwrap(), None);
        for bad in [
            &br#"{"a":1,"a":2}"#[..],
            br#"{"a":[1}"#,
            br#"{"a":{1]}"#,
            br#"{"a":"open}"#,
            br#"{"a":1} x"#,
            br#"[{"a":1}]"#,
            br#"{"a":}"#,
            br#"{"a" 1}"#,
            br#"{"a":1,}"#,
            b"",
            b"{",
        ] {
            assert_eq!(
                member(bad, "a"),
                Err(NotAnObject),
                "{}",
                String::from_utf8_lossy(bad)
            );
        }
        let deep = format!("{{\"a\":{}{}}}", "[".repeat(128), "]".repeat(128));
        assert!(member(deep.as_bytes(), "a").is_ok());
        let deeper = format!("{{\"a\":{}{}}}", "[".repeat(129), "]".repeat(129));
        assert_eq!(member(deeper.as_bytes(), "a"), Err(NotAnObject));
    }

    fn json() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::from),
            any::<i64>().prop_map(Value::from),
            any::<f64>()
                .prop_filter("finite", |f| f.is_finite())
                .prop_map(Value::from),
            "[\"\\\\{}\\[\\] a-z\u{e9}\u{1f600}]{0,8}".prop_map(Value::from),
        ];
        leaf.prop_recursive(4, 32, 4, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(Value::from),
                prop::collection::btree_map("[a-z\"\\\\]{0,3}|signature", inner, 0..4)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    proptest! {
        /// On any JSON object, compact or pretty, the member found is the one serde_json reads.
        #[test]
        fn agrees_with_serde_json(
            members in prop::collection::btree_map("[a-z\"\\\\]{0,3}|signature", json(), 0..5),
            pretty in any::<bool>(),
        ) {
            let object = Value::Object(members.into_iter().collect());
            let text = if pretty {
                serde_json::to_vec_pretty(&object).unwrap()
            } else {
                serde_json::to_vec(&object).unwrap()
            };
            let found = member(&text, "signature").unwrap();
            // Read back by serde_json itself, so both sides parse numbers alike.
            let parsed: Value = serde_json::from_slice(&text).unwrap();
            let expected = parsed.get("signature");
            prop_assert_eq!(
                found.map(|raw| serde_json::from_slice::<Value>(raw).unwrap()),
                expected.cloned()
            );
        }

        /// Any bytes: an answer, never a panic.
        #[test]
        fn any_bytes_are_answered(doc in prop::collection::vec(
            prop::sample::select(b"{}[]\",:\\ a1\n".to_vec()), 0..64)) {
            let _ = member(&doc, "a");
        }
    }
}

//! Header spellings and the one way a header the scheme reads is taken from a request: exactly
//! once, visible ASCII, not empty. Also the `key=value` item splitter every key-value layout
//! shares.
#![warn(clippy::arithmetic_side_effects)]

use std::borrow::Cow;

use http::{HeaderMap, HeaderName, HeaderValue};

use crate::rejection::{Rejection, RejectionKind};

/// One or more spellings of a header, in order of preference: never empty.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct HeaderNames {
    pub(crate) primary: HeaderName,
    pub(crate) alternates: Cow<'static, [HeaderName]>,
}

impl HeaderNames {
    pub(crate) const fn one(primary: HeaderName) -> Self {
        Self {
            primary,
            alternates: Cow::Borrowed(&[]),
        }
    }

    pub(crate) fn with(primary: HeaderName, alternates: Vec<HeaderName>) -> Self {
        Self {
            primary,
            alternates: Cow::Owned(alternates),
        }
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = &HeaderName> {
        std::iter::once(&self.primary).chain(self.alternates.iter())
    }
}

/// The value of the first present spelling of a header, which must appear exactly once and be
/// visible ASCII. An empty value counts as missing.
pub(crate) fn single<'h, 'n>(
    headers: &'h HeaderMap,
    names: &'n HeaderNames,
) -> Result<(&'n HeaderName, &'h HeaderValue, &'h str), Rejection> {
    for name in names.iter() {
        if let Some((value, text)) = once(headers, name)? {
            return Ok((name, value, text));
        }
    }
    Err(Rejection::header_error(
        RejectionKind::MissingHeader,
        &names.primary,
    ))
}

/// `name`'s value when it is present exactly once, visible ASCII and not empty; `None` when it
/// is absent; a rejection when it is duplicated, empty or not visible ASCII.
pub(crate) fn once<'h>(
    headers: &'h HeaderMap,
    name: &HeaderName,
) -> Result<Option<(&'h HeaderValue, &'h str)>, Rejection> {
    // When no name in the map has a second value (as many values as names, both counts kept
    // by `HeaderMap`), a plain look-up finds the value and there is no duplicate to look for.
    let value = if headers.len() == headers.keys_len() {
        headers.get(name)
    } else {
        let mut values = headers.get_all(name).iter();
        let first = values.next();
        if first.is_some() && values.next().is_some() {
            return Err(Rejection::header_error(
                RejectionKind::DuplicateHeader,
                name,
            ));
        }
        first
    };
    let Some(value) = value else {
        return Ok(None);
    };
    let text = value
        .to_str()
        .map_err(|_| Rejection::header_error(RejectionKind::MalformedHeader, name))?;
    if text.is_empty() {
        return Err(Rejection::header_error(RejectionKind::MissingHeader, name));
    }
    Ok(Some((value, text)))
}

/// The `key=value` items of `value` split on `separator`, as the providers' SDKs split them:
/// no whitespace trimming, the key ends at the first `=`, items without `=` are skipped. At
/// most `max` items are looked at; `None` when there are more.
pub(crate) fn key_values(
    value: &str,
    separator: char,
    max: usize,
) -> Option<impl Iterator<Item = (&str, &str)>> {
    if value.split(separator).nth(max).is_some() {
        return None;
    }
    Some(
        value
            .split(separator)
            .filter_map(|item| item.split_once('=')),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_values_are_split_like_the_sdks() {
        let items: Vec<_> = key_values("t=1,v1=a=b, v1=c,x", ',', 10).unwrap().collect();
        assert_eq!(items, [("t", "1"), ("v1", "a=b"), (" v1", "c")]);
        assert!(key_values("a=1,b=2,c=3", ',', 2).is_none());
        assert!(key_values("a=1,b=2", ',', 2).is_some());
    }

    #[test]
    fn single_refuses_duplicates_and_empty_values() {
        let name = HeaderName::from_static("x-sig");
        let names = HeaderNames::one(name.clone());
        let mut h = HeaderMap::new();
        assert_eq!(
            single(&h, &names).unwrap_err().kind(),
            RejectionKind::MissingHeader
        );
        h.insert(name.clone(), HeaderValue::from_static(""));
        assert_eq!(
            single(&h, &names).unwrap_err().kind(),
            RejectionKind::MissingHeader
        );
        h.insert(name.clone(), HeaderValue::from_static("a"));
        assert_eq!(single(&h, &names).unwrap().2, "a");
        h.append(name, HeaderValue::from_static("b"));
        assert_eq!(
            single(&h, &names).unwrap_err().kind(),
            RejectionKind::DuplicateHeader
        );
    }
}

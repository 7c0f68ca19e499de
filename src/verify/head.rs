//! The checks that need no key: everything the head of a request decides before its body is
//! read or a key is looked up.
#![warn(clippy::arithmetic_side_effects)]

use std::time::SystemTime;

use http::HeaderValue;

use super::{Rejection, RejectionKind};
use crate::scheme::format::{self, Parsed, Tags};
use crate::scheme::headers::{self, HeaderNames};
use crate::scheme::message::{Message, Part, RequestView};
use crate::scheme::time::{self, Stamp};
use crate::scheme::{Declared, DeclaredValue, Scheme, Signature, TimestampSource};

/// Longest accepted delivery id, in bytes.
pub(crate) const MAX_ID_LEN: usize = 256;

/// What the head of a request established, owned (it moves into the request's future with the
/// request itself): decoded candidates, the checked timestamp, the delivery id, the public URL.
pub(crate) struct Head {
    pub(super) tags: Tags,
    pub(super) stamp: Option<Stamp>,
    pub(super) id: Option<HeaderValue>,
    pub(super) url: Option<String>,
    /// A request without a signature that the scheme's set-up exchange recognised: how many
    /// body bytes it may read, and the rejection it gets if the exchange refuses it.
    pub(super) unsigned: Option<(usize, Rejection)>,
}

impl Head {
    /// Checks the head of a request against `scheme`, as of `now`.
    ///
    /// In order: the signature header(s) (present exactly once, visible ASCII, in the layout,
    /// ≤ 4 KiB and ≤ 10 items), a declared parameter, the timestamp (strict, inside the
    /// window), the delivery id, that some candidate decodes, the public URL, and other signed
    /// headers. A request without any signature that the scheme's (switched-on) set-up exchange
    /// recognises is let on, marked unsigned.
    pub(crate) fn check(
        scheme: &Scheme,
        request: &RequestView<'_>,
        now: SystemTime,
    ) -> Result<Self, Rejection> {
        let headers = request.headers;
        let ts_param = match &scheme.timestamp {
            TimestampSource::Param(key, _) => Some(&**key),
            _ => None,
        };
        let tag_len = scheme.algorithm.tag_len();
        let mut parsed = Parsed::default();
        // The header named in a rejection about the signature.
        let sig_name = match &scheme.signature {
            Signature::Header { names, format } => {
                let found = headers::single(headers, names);
                let (name, _, value) = match found {
                    Err(rejection) if unsigned(scheme, request, names.iter()) => {
                        return Ok(Self::unsigned(scheme, request, rejection));
                    }
                    other => other?,
                };
                format::parse(
                    format,
                    value,
                    ts_param,
                    scheme.encoding,
                    tag_len,
                    &mut parsed,
                )
                .map_err(|kind| Rejection::header_error(kind, name))?;
                Some(name)
            }
            Signature::Headers { names, format } => {
                let mut first = None;
                for name in names.iter() {
                    if let Some((_, value)) = headers::once(headers, name)? {
                        first = first.or(Some(name));
                        format::parse(
                            format,
                            value,
                            ts_param,
                            scheme.encoding,
                            tag_len,
                            &mut parsed,
                        )
                        .map_err(|kind| Rejection::header_error(kind, name))?;
                    }
                }
                let Some(first) = first else {
                    let primary = names.first().unwrap_or(&http::header::AUTHORIZATION);
                    let rejection = Rejection::header_error(RejectionKind::MissingHeader, primary);
                    if unsigned(scheme, request, names.iter()) {
                        return Ok(Self::unsigned(scheme, request, rejection));
                    }
                    return Err(rejection);
                };
                Some(first)
            }
            Signature::Payload { .. } => {
                if let Message::Payload(payload) = &scheme.message {
                    payload.check_head(request)?;
                }
                None
            }
        };
        if let Some(declared) = &scheme.declared {
            check_declared(headers, declared)?;
        }

        let stamp = match &scheme.timestamp {
            TimestampSource::Header(names, format) => {
                let (_, _, text) = headers::single(headers, names)?;
                Some(time::checked(text, *format, scheme.window, now)?)
            }
            TimestampSource::Param(_, format) => {
                let text = parsed.timestamp.ok_or_else(|| match sig_name {
                    Some(name) => Rejection::header_error(RejectionKind::MalformedHeader, name),
                    None => Rejection::new(RejectionKind::MalformedHeader),
                })?;
                Some(time::checked(text, *format, scheme.window, now)?)
            }
            TimestampSource::None | TimestampSource::JsonField(..) | TimestampSource::Body(_) => {
                None
            }
        };

        let id = match &scheme.id {
            Some(names) => {
                let (_, value, text) = headers::single(headers, names)?;
                if !valid_id(text) {
                    return Err(Rejection::new(RejectionKind::InvalidId));
                }
                Some(value.clone())
            }
            None => None,
        };

        if let Some(name) = sig_name {
            if parsed.seen == 0 {
                return Err(Rejection::header_error(RejectionKind::NoSignature, name));
            }
            if parsed.tags.is_empty() {
                // Entries of the right version, none of which decodes to a signature of the
                // right length (`v1,`, truncated, wrong encoding, uppercase hex…): nothing can
                // match.
                return Err(Rejection::new(RejectionKind::SignatureMismatch));
            }
        }

        let url = match &scheme.public_url {
            Some(public) if scheme.signs_url() => Some(public.resolve(headers, request.uri)?),
            _ => None,
        };
        if let Message::Template(parts) = &scheme.message {
            for part in parts.iter() {
                if let Part::Header(name) = part {
                    let name = http::HeaderName::from_bytes(name.as_bytes())
                        .map_err(|_| Rejection::new(RejectionKind::MissingHeader))?;
                    headers::single(headers, &HeaderNames::one(name))?;
                }
            }
        }
        Ok(Self {
            tags: parsed.tags,
            stamp,
            id,
            url,
            unsigned: None,
        })
    }

    fn unsigned(scheme: &Scheme, request: &RequestView<'_>, rejection: Rejection) -> Self {
        let limit = scheme
            .active_handshake()
            .and_then(|h| h.recognise(request))
            .unwrap_or(0);
        Self {
            tags: Tags::default(),
            stamp: None,
            id: None,
            url: None,
            unsigned: Some((limit, rejection)),
        }
    }

    /// Whether this is a recognised unsigned set-up request.
    pub(crate) fn is_unsigned(&self) -> bool {
        self.unsigned.is_some()
    }

    /// The most body bytes an unsigned set-up request may have.
    pub(crate) fn unsigned_limit(&self) -> Option<usize> {
        self.unsigned.as_ref().map(|(limit, _)| *limit)
    }
}

/// Whether a request that carries none of the signature headers `names` is a set-up request the
/// scheme's switched-on handshake recognises.
fn unsigned<'n>(
    scheme: &Scheme,
    request: &RequestView<'_>,
    mut names: impl Iterator<Item = &'n http::HeaderName>,
) -> bool {
    scheme
        .active_handshake()
        .is_some_and(|h| h.recognise(request).is_some())
        && names.all(|n| !request.headers.contains_key(n))
}

/// The header that declares a parameter must declare the configured value: exactly, or as the
/// one `key=value` item of its key (split like the key-value signature layout).
fn check_declared(headers: &http::HeaderMap, declared: &Declared) -> Result<(), Rejection> {
    let (name, _, value) = headers::single(headers, &declared.header)?;
    let malformed = || Rejection::header_error(RejectionKind::MalformedHeader, name);
    if value.len() > format::MAX_HEADER_LEN {
        return Err(malformed());
    }
    let (separator, wanted_key, wanted) = match &declared.value {
        DeclaredValue::Exact(wanted) => {
            return if value == *wanted {
                Ok(())
            } else {
                Err(malformed())
            };
        }
        DeclaredValue::Item {
            separator,
            key,
            value,
        } => (*separator, *key, *value),
    };
    let mut found = None;
    for (key, val) in
        headers::key_values(value, separator, format::MAX_ENTRIES).ok_or_else(malformed)?
    {
        if key == wanted_key && found.replace(val).is_some() {
            return Err(malformed());
        }
    }
    if found == Some(wanted) {
        Ok(())
    } else {
        Err(malformed())
    }
}

/// Delivery ids: 1 to 256 bytes of `[A-Za-z0-9_:-]`. In particular no `.`, which would make the
/// `{id}.{t}.{body}` concatenation ambiguous.
pub(crate) fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= MAX_ID_LEN
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b':' | b'-'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_restricted() {
        assert!(valid_id("msg_27UH4WbU6Z5A5EzD8u03UvzRbpk"));
        assert!(valid_id("a:b-c_d"));
        for bad in ["", "msg.1", "msg 1", "msg/1", "é"] {
            assert!(!valid_id(bad), "{bad:?}");
        }
        assert!(valid_id(&"a".repeat(256)));
        assert!(!valid_id(&"a".repeat(257)));
    }
}

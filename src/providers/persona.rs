use http::HeaderName;

use super::one;
use crate::rejection::{Rejection, RejectionKind};
use crate::scheme::format::{self, TagLen};
use crate::scheme::headers;
use crate::scheme::message::{Alternative, Payload, RequestView, Signed, Tail, Written};
use crate::scheme::time::TimeFormat;
use crate::scheme::{Encoding, Scheme, Signature, SignatureFormat, TimestampSource};

/// The signature header.
const HEADER: HeaderName = HeaderName::from_static("persona-signature");

/// Persona: `Persona-Signature: t=<unix>,v1=<hex HMAC-SHA256(secret, "{t}.{body}")>`
/// ([docs](https://docs.withpersona.com/docs/webhooks-best-practices)).
///
/// While a secret rotates, the header holds **two space-separated sets**, one per secret, each
/// with its own `t`: `t=…,v1=… t=…,v1=…`. A set verifies when its `v1` is the MAC of its own
/// `t` and the body, and its `t` is inside the window; any set may. The key is the `wbhsec_…`
/// secret as text. Persona's documented check has no window; this preset uses ±300 s. A
/// delivery is identified by its body (each set has its own timestamp), so copies carrying
/// either set are one delivery.
///
/// ```
/// use webhook_guard::{providers, Keyring, Secret, WebhookLayer};
///
/// let layer = WebhookLayer::new(providers::persona(), Keyring::from(Secret::new("wbhsec_x")?))?;
/// # Ok::<(), webhook_guard::ConfigError>(())
/// ```
#[must_use]
pub fn persona() -> Scheme {
    Scheme::preset("persona", one("persona-signature"), SignatureFormat::bare())
        .signature(Signature::Payload {
            header: Some(one("persona-signature")),
        })
        .reading(Sets)
        .stamp(TimestampSource::Body(TimeFormat::Seconds))
}

/// The `t=…,v1=…` sets of the header, each its own message start `{t}.` before the body.
struct Sets;

impl Payload for Sets {
    fn describe(&self) -> &'static str {
        "{t}.{body} for each `t=…,v1=…` set of Persona-Signature"
    }

    fn check_head(&self, request: &RequestView<'_>) -> Result<(), Rejection> {
        sets(request).map(|_| ())
    }

    fn read(&self, request: &RequestView<'_>, _body: &[u8]) -> Result<Signed, RejectionKind> {
        Ok(Signed {
            alternatives: sets(request).map_err(|r| r.kind())?,
            tail: Tail::Body,
            identity: Some(Tail::Body),
        })
    }

    fn sign(
        &self,
        _: &RequestView<'_>,
        body: &[u8],
        stamp: &str,
        sign: &dyn Fn(&[u8]) -> String,
    ) -> Result<Written, &'static str> {
        let mut message = format!("{stamp}.").into_bytes();
        message.extend_from_slice(body);
        Ok(Written {
            headers: vec![(HEADER, format!("t={stamp},v1={}", sign(&message)))],
            body: None,
        })
    }
}

/// The header's sets: present once, at most ten, each with exactly one `t` and at least one
/// `v1`; signatures strictly decoded (lowercase hex of 32 bytes).
fn sets(request: &RequestView<'_>) -> Result<Vec<Alternative>, Rejection> {
    let malformed = || Rejection::header_error(RejectionKind::MalformedHeader, &HEADER);
    let Some((_, value)) = headers::once(request.headers, &HEADER)? else {
        return Err(Rejection::header_error(
            RejectionKind::MissingHeader,
            &HEADER,
        ));
    };
    if value.len() > format::MAX_HEADER_LEN || value.split(' ').nth(format::MAX_ENTRIES).is_some() {
        return Err(malformed());
    }
    let mut out = Vec::new();
    for set in value.split(' ') {
        let mut alternative = Alternative::default();
        for (key, val) in
            headers::key_values(set, ',', format::MAX_ENTRIES).ok_or_else(malformed)?
        {
            match key {
                "t" if alternative.timestamp.is_none() => {
                    alternative.head = format!("{val}.").into_bytes();
                    alternative.timestamp = Some(val.to_owned());
                }
                "t" => return Err(malformed()),
                "v1" => {
                    if let Some(tag) = format::decode(val, Encoding::Hex, TagLen::Exact(32)) {
                        alternative.candidates.push(tag.as_slice().to_vec());
                    }
                }
                _ => {}
            }
        }
        if alternative.timestamp.is_none() {
            return Err(malformed());
        }
        if !alternative.candidates.is_empty() {
            out.push(alternative);
        }
    }
    if out.is_empty() {
        return Err(Rejection::new(RejectionKind::SignatureMismatch));
    }
    Ok(out)
}

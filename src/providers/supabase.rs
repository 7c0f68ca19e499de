use http::HeaderName;

use super::one;
use crate::scheme::format::{self, TagLen};
use crate::scheme::headers;
use crate::scheme::message::{Alternative, Payload, RequestView, Signed, Tail, Written};
use crate::scheme::time::TimeFormat;
use crate::scheme::{Encoding, KeyFormat, Scheme, Signature, SignatureFormat, TimestampSource};
use crate::verify::{Rejection, RejectionKind, valid_id};

/// The signature header.
const SIGNATURE: HeaderName = HeaderName::from_static("webhook-signature");
/// The timestamp header.
const TIMESTAMP: HeaderName = HeaderName::from_static("webhook-timestamp");
/// The delivery id header.
const ID: HeaderName = HeaderName::from_static("webhook-id");

/// Supabase Auth Hooks (HTTP hooks): Standard Webhooks headers, `webhook-id`,
/// `webhook-timestamp` and `webhook-signature`, with Supabase's own way of listing several
/// signatures ([docs](https://supabase.com/docs/guides/auth/auth-hooks)).
///
/// - Signed bytes: `{id}.{t}.{body}` (header texts as sent, the raw body).
/// - Algorithm and encoding: HMAC-SHA256, standard padded base64, in `v1,<base64>` entries.
/// - Several signatures: Supabase Auth signs with every configured hook secret and joins the
///   entries with `", "` (comma and space), where the Standard Webhooks specification uses a
///   single space. This preset reads entries separated by spaces, where an entry may end in
///   **one** `,` when another entry follows it — exactly Supabase's join, and the
///   specification's. So a receiver holding any one of the secrets verifies; with the
///   reference libraries (split on spaces only) every entry but the last keeps its `,` and
///   never matches, so a receiver holding the first of two secrets refuses genuine hooks
///   during a rotation. Entries of other versions are skipped; signatures are strictly decoded.
/// - Key: the hook secret as the dashboard shows it, `v1,whsec_<base64>` (`v1,` is its version
///   tag), or without the tag as Supabase's docs tell receivers to strip it
///   (`secret.replace('v1,whsec_', '')`): the key is the base64-decoded part (24 to 64 bytes).
/// - Window: ±300 s (Supabase signs each attempt afresh with the current time). The delivery id
///   is a fresh UUID per attempt, so the replay guard tells attempts apart; a retried hook is a
///   new delivery.
/// - Body limit: 1 MiB (undocumented; hook inputs are small). No handshake: the hook answers
///   with JSON within 5 s.
///
/// Differences from the documented receiver (`standardwebhooks` with the stripped secret), all
/// deliberate: the `, ` join above; the timestamp must be plain digits and is signed as sent
/// (the library takes `1699999995.0` and re-signs the integer). Database Webhooks are not signed
/// and have no preset.
///
/// ```
/// use webhook_guard::{providers, Keyring, Secret, WebhookLayer};
///
/// // As the dashboard shows it.
/// let secret = Secret::new("v1,whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD")?;
/// let layer = WebhookLayer::new(providers::supabase(), Keyring::from(secret))?;
/// # Ok::<(), webhook_guard::ConfigError>(())
/// ```
#[must_use]
pub fn supabase() -> Scheme {
    Scheme::preset(
        "supabase",
        one("webhook-signature"),
        SignatureFormat::versioned_list("v1"),
    )
    .signature(Signature::Payload {
        header: Some(one("webhook-signature")),
    })
    .reading(Joined)
    .enc(Encoding::Base64)
    .key(KeyFormat::StandardWebhooks)
    .stamp(TimestampSource::Header(
        one("webhook-timestamp"),
        TimeFormat::Seconds,
    ))
    .with_id(one("webhook-id"))
}

/// `{id}.{t}.{body}`, with the candidates of a `v1,<sig>` list joined by `", "` or `" "`.
struct Joined;

impl Payload for Joined {
    fn describe(&self) -> &'static str {
        "{id}.{t}.{body} with v1,<sig> entries joined by \", \" or \" \""
    }

    fn check_head(&self, request: &RequestView<'_>) -> Result<(), Rejection> {
        candidates(request).map(|_| ())
    }

    fn read(&self, request: &RequestView<'_>, _body: &[u8]) -> Result<Signed, RejectionKind> {
        let candidates = candidates(request).map_err(|r| r.kind())?;
        // Both were checked with the head (the timestamp strictly, and inside the window).
        let text = |name: &HeaderName| -> Result<&str, RejectionKind> {
            match headers::once(request.headers, name) {
                Ok(Some((_, text))) => Ok(text),
                _ => Err(RejectionKind::MissingHeader),
            }
        };
        let head = format!("{}.{}.", text(&ID)?, text(&TIMESTAMP)?).into_bytes();
        Ok(Signed {
            alternatives: vec![Alternative {
                head,
                timestamp: None,
                candidates,
                ..Alternative::default()
            }],
            tail: Tail::Body,
            identity: None,
        })
    }

    /// Writes the three headers as Supabase Auth does for one secret: the request's delivery
    /// id if it has a valid one (else a new one), the timestamp, and `v1,<signature>`.
    fn sign(
        &self,
        request: &RequestView<'_>,
        body: &[u8],
        stamp: &str,
        sign: &dyn Fn(&[u8]) -> String,
    ) -> Result<Written, &'static str> {
        let id = match request.headers.get(&ID) {
            Some(value) => value
                .to_str()
                .ok()
                .filter(|id| valid_id(id))
                .ok_or("the delivery id is not [A-Za-z0-9_:-]{1,256}")?
                .to_owned(),
            None => format!("msg_{}", crate::unique::token().replace('-', "_")),
        };
        let mut message = format!("{id}.{stamp}.").into_bytes();
        message.extend_from_slice(body);
        Ok(Written {
            headers: vec![
                (SIGNATURE, format!("v1,{}", sign(&message))),
                (TIMESTAMP, stamp.to_owned()),
                (ID, id),
            ],
            body: None,
        })
    }
}

/// The decoded `v1` signatures of the header: present once, at most [`format::MAX_HEADER_LEN`]
/// bytes and [`format::MAX_ENTRIES`] space-separated pieces; an entry followed by another may
/// end in one `,`. At least one `v1` entry, and at least one that decodes (padded base64 of 32
/// bytes).
fn candidates(request: &RequestView<'_>) -> Result<Vec<Vec<u8>>, Rejection> {
    let Some((_, value)) = headers::once(request.headers, &SIGNATURE)? else {
        return Err(Rejection::header_error(
            RejectionKind::MissingHeader,
            &SIGNATURE,
        ));
    };
    let (seen, out) = parse(value)
        .ok_or_else(|| Rejection::header_error(RejectionKind::MalformedHeader, &SIGNATURE))?;
    if seen == 0 {
        return Err(Rejection::header_error(
            RejectionKind::NoSignature,
            &SIGNATURE,
        ));
    }
    if out.is_empty() {
        return Err(Rejection::new(RejectionKind::SignatureMismatch));
    }
    Ok(out)
}

/// How many `v1` entries `value` has, and those that decode; `None` when it is too long or has
/// too many pieces.
fn parse(value: &str) -> Option<(usize, Vec<Vec<u8>>)> {
    if value.len() > format::MAX_HEADER_LEN || value.split(' ').nth(format::MAX_ENTRIES).is_some() {
        return None;
    }
    let mut seen = 0usize;
    let mut out = Vec::new();
    let mut pieces = value.split(' ').peekable();
    while let Some(piece) = pieces.next() {
        // Supabase's `", "` join: the `,` belongs to the separator, not to the signature.
        let entry = match pieces.peek() {
            Some(_) => piece.strip_suffix(',').unwrap_or(piece),
            None => piece,
        };
        if let Some(("v1", sig)) = entry.split_once(',') {
            seen = seen.saturating_add(1);
            if let Some(tag) = format::decode(sig, Encoding::Base64, TagLen::Exact(32)) {
                out.push(tag.as_slice().to_vec());
            }
        }
    }
    Some((seen, out))
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: &str = "tZ1I4/hDygAJgO5TYxiSd6Sd0kDW6hPenDe+bTa3Kkw=";
    const B: &str = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

    fn count(value: &str) -> Option<(usize, usize)> {
        parse(value).map(|(seen, out)| (seen, out.len()))
    }

    #[test]
    fn supabase_and_spec_joins_are_read() {
        assert_eq!(count(&format!("v1,{A}")), Some((1, 1)));
        assert_eq!(count(&format!("v1,{A}, v1,{B}")), Some((2, 2)));
        assert_eq!(count(&format!("v1,{A} v1,{B}")), Some((2, 2)));
        assert_eq!(count(&format!("v1,{A},  v1,{B}")), Some((2, 2)));
    }

    #[test]
    fn commas_are_not_stripped_anywhere_else() {
        // The last entry keeps its comma, and only one comma is the separator's.
        assert_eq!(count(&format!("v1,{A},")), Some((1, 0)));
        assert_eq!(count(&format!("v1,{A},, v1,{B}")), Some((2, 1)));
        // No space: one entry, whose signature does not decode.
        assert_eq!(count(&format!("v1,{A},v1,{B}")), Some((1, 0)));
        // Other versions and junk are skipped.
        assert_eq!(count(&format!("v1a,{A}, v2,{B}, junk")), Some((0, 0)));
        assert_eq!(count(&format!("v1,{}", &A[..43])), Some((1, 0)));
    }

    #[test]
    fn pieces_and_length_are_bounded() {
        let ten = vec![format!("v1,{A}"); format::MAX_ENTRIES].join(", ");
        assert_eq!(count(&ten), Some((10, 10)));
        let eleven = vec![format!("v1,{A}"); format::MAX_ENTRIES + 1].join(", ");
        assert_eq!(count(&eleven), None);
        assert_eq!(count(&"v".repeat(format::MAX_HEADER_LEN + 1)), None);
    }
}

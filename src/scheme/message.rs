//! What a scheme signs: a template of parts around the raw body (streamed as the body arrives),
//! or a message its [`Payload`] reads out of the whole body (form parameters, selected fields).

use std::borrow::Cow;
use std::fmt;
use std::ops::Range;
use std::sync::Arc;

use http::{HeaderMap, HeaderName, Method, Uri};

use crate::error::ConfigError;
use crate::rejection::RejectionKind;

/// One piece of the signed bytes of a template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Part {
    /// Fixed bytes.
    Literal(Cow<'static, [u8]>),
    /// The raw body, exactly once per template.
    Body,
    /// The timestamp text as received.
    Timestamp,
    /// The delivery id as received.
    Id,
    /// The request method (`POST`).
    Method,
    /// The public URL of the request (see [`PublicUrl`](crate::PublicUrl)).
    Url,
    /// The value of another header (its lowercase name), which must be present once.
    Header(Cow<'static, str>),
}

impl Part {
    /// `{body}`-style name, for descriptions.
    pub(crate) fn describe(&self) -> Cow<'static, str> {
        match self {
            Self::Literal(bytes) => String::from_utf8_lossy(bytes).into_owned().into(),
            Self::Body => "{body}".into(),
            Self::Timestamp => "{t}".into(),
            Self::Id => "{id}".into(),
            Self::Method => "{method}".into(),
            Self::Url => "{url}".into(),
            Self::Header(name) => format!("{{header:{name}}}").into(),
        }
    }
}

/// `lit("…")`: a literal part of a preset's template.
pub(crate) const fn lit(s: &'static str) -> Part {
    Part::Literal(Cow::Borrowed(s.as_bytes()))
}

/// How the signed message is built.
#[derive(Clone)]
pub(crate) enum Message {
    /// Template parts around the raw body, fed to the MACs as the body arrives.
    Template(Cow<'static, [Part]>),
    /// Read from the whole body by the scheme's own reader.
    Payload(Arc<dyn Payload>),
}

impl Message {
    /// A short description of what is signed.
    pub(crate) fn describe(&self) -> String {
        match self {
            Self::Template(parts) => parts.iter().map(Part::describe).collect(),
            Self::Payload(payload) => payload.describe().to_owned(),
        }
    }
}

impl fmt::Debug for Message {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.describe())
    }
}

/// What a scheme sees of a request besides its body.
#[derive(Clone, Copy)]
pub(crate) struct RequestView<'a> {
    pub(crate) method: &'a Method,
    pub(crate) uri: &'a Uri,
    pub(crate) headers: &'a HeaderMap,
    /// The public URL, for schemes that sign it.
    pub(crate) url: Option<&'a str>,
}

/// What a [`Payload`] read out of a request: the signed message, in one or more spellings.
///
/// The signed message is an [`Alternative`]'s `head` followed by the `tail`. Alternatives are the
/// forms the sender may have signed (Twilio's URL with and without its default port), or the
/// independent signatures a header carries (Persona's `t=…,v1=…` sets, one per secret, each with
/// its own timestamp). A delivery verifies when one alternative's candidate matches under one
/// active key and its timestamp (if it has one) is inside the window.
#[derive(Debug, Default)]
pub(crate) struct Signed {
    pub(crate) alternatives: Vec<Alternative>,
    pub(crate) tail: Tail,
    /// What identifies the delivery for the replay guard when it is not the first alternative's
    /// message (e.g. the body alone, when each alternative carries its own timestamp).
    pub(crate) identity: Option<Tail>,
}

/// One spelling of the signed message's start.
#[derive(Debug, Default)]
pub(crate) struct Alternative {
    pub(crate) head: Vec<u8>,
    /// Its timestamp text, in the scheme's timestamp format, checked against the window.
    pub(crate) timestamp: Option<String>,
    /// Its candidate signatures, decoded; when empty, the candidates read from the header.
    pub(crate) candidates: Vec<Vec<u8>>,
    /// The algorithm it is signed with, for schemes whose deliveries say which of the
    /// algorithms one key verifies they use (AWS SNS's `SignatureVersion`: RSA with SHA-1 or
    /// SHA-256); `None` for the scheme's own. Only another RSA hash is honoured for an RSA
    /// scheme; anything else matches nothing.
    pub(crate) algorithm: Option<crate::scheme::Algorithm>,
}

impl Alternative {
    /// A head with no timestamp or candidates of its own.
    pub(crate) fn head(head: impl Into<Vec<u8>>) -> Self {
        Self {
            head: head.into(),
            ..Self::default()
        }
    }
}

/// The rest of the signed message, shared by every alternative.
#[derive(Debug, Default)]
pub(crate) enum Tail {
    /// Nothing.
    #[default]
    Empty,
    /// The raw body, exactly as received.
    Body,
    /// A canonical form built from the body: the `pieces` of `bytes`, in order (assembled
    /// without a second copy of the body).
    Pieces {
        bytes: Vec<u8>,
        pieces: Vec<Range<usize>>,
    },
}

impl Tail {
    /// The message's parts, in order.
    pub(crate) fn parts<'a>(&'a self, body: &'a [u8]) -> Vec<&'a [u8]> {
        match self {
            Self::Empty => Vec::new(),
            Self::Body => vec![body],
            Self::Pieces { bytes, pieces } => pieces
                .iter()
                .map(|piece| bytes.get(piece.clone()).unwrap_or_default())
                .collect(),
        }
    }
}

/// Reads the signed message out of a whole body: for schemes that sign a canonical form of the
/// body (sorted form parameters, selected fields) or carry their signature in it.
///
/// Everything here reads attacker-controlled bytes: no panics, no tree built from the body,
/// work and memory linear in the body (which the layer has already bounded).
pub(crate) trait Payload: Send + Sync + 'static {
    /// What is signed, in a few words (for documentation and `explain`).
    fn describe(&self) -> &'static str;

    /// Whether the message includes the request's public URL.
    fn signs_url(&self) -> bool {
        false
    }

    /// Checks the reader's own configuration (a preset's required setting), when a verifier is
    /// built.
    fn validate(&self, _scheme: &str) -> Result<(), ConfigError> {
        Ok(())
    }

    /// The checks on the request head this scheme makes before the body is read or a key is
    /// looked up (for signatures it reads from headers of its own layout): missing or
    /// malformed headers are refused here, as they are for every other scheme.
    fn check_head(&self, _request: &RequestView<'_>) -> Result<(), crate::rejection::Rejection> {
        Ok(())
    }

    /// The signed message (and whatever else the body carries) of this request.
    fn read(&self, request: &RequestView<'_>, body: &[u8]) -> Result<Signed, RejectionKind>;

    /// The message a sender signs for this request: the signer's side. By default the message
    /// [`read`](Self::read) finds.
    fn to_sign(&self, request: &RequestView<'_>, body: &[u8]) -> Result<Vec<u8>, &'static str> {
        let signed = self
            .read(request, body)
            .map_err(|_| "the body is not what this scheme signs")?;
        let mut message = signed
            .alternatives
            .into_iter()
            .next()
            .map(|a| a.head)
            .unwrap_or_default();
        message.extend(signed.tail.parts(body).concat());
        Ok(message)
    }

    /// The signer's side for schemes that read their signature themselves
    /// ([`Signature::Payload`](super::Signature::Payload)): what a sender of `body` at timestamp
    /// text `stamp` adds to the request, `sign` giving the encoded signature of a message.
    fn sign(
        &self,
        _request: &RequestView<'_>,
        _body: &[u8],
        _stamp: &str,
        _sign: &dyn Fn(&[u8]) -> String,
    ) -> Result<Written, &'static str> {
        Err("this scheme cannot be signed")
    }
}

/// What a signer adds to a request.
#[derive(Debug, Default)]
pub(crate) struct Written {
    /// Headers to set.
    pub(crate) headers: Vec<(HeaderName, String)>,
    /// The body to send instead, for schemes that carry their signature in it.
    pub(crate) body: Option<Vec<u8>>,
}

/// Parses `{t}.{body}`-style templates (custom schemes).
pub(crate) fn parse_template(text: &str) -> Result<Vec<Part>, ConfigError> {
    let mut parts = Vec::new();
    let mut literal = String::new();
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        literal.push_str(rest.get(..open).unwrap_or_default());
        let after = rest.get(open.saturating_add(1)..).unwrap_or_default();
        let close = after
            .find('}')
            .ok_or_else(|| ConfigError::InvalidTemplate(format!("unclosed `{{` in `{text}`")))?;
        let name = after.get(..close).unwrap_or_default();
        let part = match name {
            "body" => Part::Body,
            "t" | "timestamp" => Part::Timestamp,
            "id" => Part::Id,
            "method" => Part::Method,
            "url" => Part::Url,
            other => match other.strip_prefix("header:") {
                Some(header) => Part::Header(Cow::Owned(
                    HeaderName::from_bytes(header.as_bytes())
                        .map_err(|_| ConfigError::InvalidHeaderName(header.to_owned()))?
                        .as_str()
                        .to_owned(),
                )),
                None => {
                    return Err(ConfigError::InvalidTemplate(format!(
                        "unknown placeholder `{{{other}}}` (known: {{body}}, {{t}}, {{id}}, {{method}}, {{url}}, {{header:<name>}})"
                    )));
                }
            },
        };
        if !literal.is_empty() {
            parts.push(Part::Literal(Cow::Owned(
                std::mem::take(&mut literal).into_bytes(),
            )));
        }
        parts.push(part);
        rest = after.get(close.saturating_add(1)..).unwrap_or_default();
    }
    literal.push_str(rest);
    if !literal.is_empty() {
        parts.push(Part::Literal(Cow::Owned(literal.into_bytes())));
    }
    if parts.iter().filter(|p| **p == Part::Body).count() != 1 {
        return Err(ConfigError::InvalidTemplate(
            "`{body}` must appear exactly once".into(),
        ));
    }
    Ok(parts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_parse() {
        let l = |s: &'static str| lit(s);
        assert_eq!(parse_template("{body}").unwrap(), vec![Part::Body]);
        assert_eq!(
            parse_template("{id}.{t}.{body}").unwrap(),
            vec![Part::Id, l("."), Part::Timestamp, l("."), Part::Body]
        );
        assert_eq!(
            parse_template("v0:{timestamp}:{body}").unwrap(),
            vec![l("v0:"), Part::Timestamp, l(":"), Part::Body]
        );
        assert_eq!(
            parse_template("{method}{url}{body}{header:x-nonce}!").unwrap(),
            vec![
                Part::Method,
                Part::Url,
                Part::Body,
                Part::Header(Cow::Borrowed("x-nonce")),
                l("!")
            ]
        );
        assert!(parse_template("{t}.").is_err());
        assert!(parse_template("{body}{body}").is_err());
        assert!(parse_template("{bdy}").is_err());
        assert!(parse_template("{body").is_err());
        assert!(parse_template("{header:bad name}{body}").is_err());
    }
}

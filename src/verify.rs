//! The verification core: `(scheme, keys, headers, uri, body, now) -> Verified | Rejection`.
//!
//! Pure and synchronous: no tower, no axum, no async, no I/O. Its only HTTP types are
//! [`HeaderMap`] and [`Uri`]. The middleware is a thin shell around it.
#![warn(clippy::arithmetic_side_effects)]

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use http::{HeaderMap, HeaderName, Uri};
use smol_str::SmolStr;

use crate::clock::unix_secs;
use crate::crypto::{KeyState, MacState};
use crate::error::ConfigError;
use crate::rejection::{Rejection, RejectionKind};
use crate::scheme::format::{self, TagLen, Tags};
use crate::scheme::url::default_port_variants;
use crate::scheme::{
    DeclaredAlgorithm, Encoding, Extra, HeaderNames, Part, Scheme, SignatureSource, TimestampCheck,
    TimestampSource, payload,
};
use crate::secret::Keyring;

/// Longest accepted delivery id, in bytes.
pub(crate) const MAX_ID_LEN: usize = 256;

/// Checks deliveries for one scheme against one keyring.
///
/// Build it once; it is cheap to clone and safe to share. Keys are decoded and keyed when it is
/// built, so a bad secret is an error here and never at request time.
///
/// ```
/// use std::time::{Duration, SystemTime};
/// use webhook_guard::{providers, Keyring, RejectionKind, Secret, Verifier};
///
/// let verifier = Verifier::new(
///     providers::github(),
///     Keyring::from(Secret::new("It's a Secret to Everybody")?),
/// )?;
/// let mut headers = http::HeaderMap::new();
/// headers.insert(
///     "x-hub-signature-256",
///     "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17".parse()?,
/// );
/// let uri = http::Uri::from_static("/webhooks/github");
/// let now = SystemTime::now();
///
/// let verified = verifier.verify(&headers, &uri, b"Hello, World!", now)?;
/// assert_eq!(verified.provider(), "github");
/// assert_eq!(verified.key_label(), "default");
///
/// let forged = verifier.verify(&headers, &uri, b"Hello, World?", now).unwrap_err();
/// assert_eq!(forged.kind(), RejectionKind::SignatureMismatch);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct Verifier {
    scheme: Scheme,
    /// The scheme's name as every `Verified` carries it: short names are copied, not shared, so
    /// requests on different cores do not contend for one reference count.
    name: SmolStr,
    keys: Arc<[PreparedKey]>,
    /// Every key is an HMAC key, so any set of active keys can be fed as a stream.
    all_mac: bool,
    /// The template signs Twilio's URL variants or form parameters: a plan of its own.
    twilio: bool,
}

pub(crate) struct PreparedKey {
    label: SmolStr,
    expires_at: Option<SystemTime>,
    state: KeyState,
}

impl Verifier {
    /// Prepares `keyring` for `scheme`.
    ///
    /// # Errors
    ///
    /// [`ConfigError::NoKeys`], [`ConfigError::TooManyKeys`], [`ConfigError::DuplicateKeyLabel`],
    /// a key that does not decode for this scheme ([`ConfigError::SecretNotBase64`],
    /// [`ConfigError::KeyLength`], [`ConfigError::EmptySecret`], [`ConfigError::InvalidKey`]),
    /// an invalid tolerance, a missing public URL, an option the scheme does not support, or
    /// a cargo feature the scheme needs ([`ConfigError::FeatureDisabled`]).
    pub fn new(scheme: Scheme, keyring: impl Into<Keyring>) -> Result<Self, ConfigError> {
        scheme.validate()?;
        let keyring = keyring.into();
        if keyring.is_empty() {
            return Err(ConfigError::NoKeys);
        }
        if keyring.len() > Keyring::MAX_KEYS {
            return Err(ConfigError::TooManyKeys {
                count: keyring.len(),
            });
        }
        let mut keys: Vec<PreparedKey> = Vec::with_capacity(keyring.len());
        for entry in &keyring.entries {
            if keys.iter().any(|k| *k.label == *entry.label) {
                return Err(ConfigError::DuplicateKeyLabel(entry.label.to_string()));
            }
            keys.push(PreparedKey {
                label: SmolStr::new(&*entry.label),
                expires_at: entry.expires_at,
                state: KeyState::new(&scheme, &entry.secret)?,
            });
        }
        let all_mac = keys.iter().all(|k| matches!(k.state, KeyState::Mac(_)));
        let twilio = scheme
            .template
            .iter()
            .any(|p| matches!(p, Part::PublicUrlAnyDefaultPort | Part::TwilioParams));
        Ok(Self {
            name: SmolStr::new(&*scheme.name),
            scheme,
            keys: keys.into(),
            all_mac,
            twilio,
        })
    }

    /// The scheme this verifier checks.
    #[must_use]
    pub fn scheme(&self) -> &Scheme {
        &self.scheme
    }

    /// Verifies one delivery as of `now`.
    ///
    /// `body` must be the raw bytes exactly as received. `uri` is the request target; schemes
    /// that sign the public URL combine it with their configured [`PublicUrl`](crate::PublicUrl).
    ///
    /// # Errors
    ///
    /// A [`Rejection`] saying why; see [`RejectionKind`].
    pub fn verify(
        &self,
        headers: &HeaderMap,
        uri: &Uri,
        body: &[u8],
        now: SystemTime,
    ) -> Result<Verified, Rejection> {
        self.head(headers, uri, now)?.finish(self, body, now)
    }

    /// The response the layer sends **instead of** calling the handler, for the behaviours a
    /// scheme was told to handle itself: Zoom's `endpoint.url_validation` challenge
    /// ([`Scheme::answer_url_validation`]) and Discord's PING ([`Scheme::answer_pings`]).
    /// Returns the JSON body of a 200 response, or `None` when the delivery is for the handler.
    ///
    /// Only call it with a delivery this verifier accepted, and its exact body.
    ///
    /// ```
    /// use std::time::SystemTime;
    /// use webhook_guard::{providers, Keyring, Secret, Signer, Verifier};
    ///
    /// let zoom = providers::zoom().answer_url_validation();
    /// let verifier = Verifier::new(zoom.clone(), Keyring::from(Secret::new("zoom-secret")?))?;
    /// let body = br#"{"event":"endpoint.url_validation","payload":{"plainToken":"abc"}}"#;
    /// let now = SystemTime::now();
    /// let headers = Signer::new(zoom, Secret::new("zoom-secret")?)?.sign(body, now, None)?;
    /// let verified = verifier.verify(&headers, &http::Uri::from_static("/"), body, now)?;
    /// let answer = verifier.auto_answer(&verified, body).expect("a challenge");
    /// let answer: serde_json::Value = serde_json::from_slice(&answer)?;
    /// assert_eq!(answer["plainToken"], "abc");
    /// assert_eq!(answer["encryptedToken"].as_str().map(str::len), Some(64));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn auto_answer(&self, verified: &Verified, body: &[u8]) -> Option<Vec<u8>> {
        if verified.unsigned_ping || verified.provider != self.name {
            return None;
        }
        match self.scheme.extra_enabled()? {
            Extra::ZoomUrlValidation => payload::zoom_url_validation(body, |plain| {
                let key = self.keys.iter().find(|k| k.label == verified.key_label)?;
                let KeyState::Mac(state) = &key.state else {
                    return None;
                };
                let mut state = state.clone();
                state.update(plain);
                Some(hex::encode(state.finalize().as_slice()))
            }),
            Extra::DiscordPing => payload::is_discord_ping(body).then(|| br#"{"type":1}"#.to_vec()),
            Extra::WooCommercePing => None,
        }
    }

    /// [`Verifier::verify`] for HMAC schemes fed as a stream, with the whole body at hand: each
    /// active key's state is cloned, fed and finished in place, with nothing kept in between.
    #[inline]
    fn verify_streamed(
        &self,
        head: &Head<'_>,
        body: &[u8],
        now: SystemTime,
    ) -> Result<Verified, Rejection> {
        let template = &*self.scheme.template;
        let inputs = head.inputs();
        let mut matched = None;
        let mut fingerprint = None;
        for index in head.active.iter() {
            let Some(KeyState::Mac(keyed)) = self.keys.get(index).map(|k| &k.state) else {
                continue;
            };
            // `{body}` appears exactly once in a template.
            let message = template.iter().map(|part| match part {
                Part::Body => body,
                other => inputs.piece(other),
            });
            let ok = keyed.mac_and_compare(message, &head.tags, |mac| {
                // The MAC under the first active key identifies the message (see
                // `Fingerprint`).
                if fingerprint.is_none() {
                    fingerprint = Some(Fingerprint::of_mac(mac));
                }
            });
            if ok && matched.is_none() {
                matched = Some(index);
            }
        }
        self.verified(
            matched,
            head.id.map(Into::into),
            head.timestamp,
            fingerprint.unwrap_or_default(),
            body,
            now,
        )
    }

    /// The end of every verification: the key that matched (if any), the body timestamp for
    /// schemes that sign one there, and what the handler learns.
    #[inline]
    fn verified(
        &self,
        matched: Option<usize>,
        id: Option<Box<str>>,
        mut timestamp: Option<u64>,
        fingerprint: Fingerprint,
        body: &[u8],
        now: SystemTime,
    ) -> Result<Verified, Rejection> {
        let scheme = &self.scheme;
        let key = matched
            .and_then(|i| self.keys.get(i))
            .ok_or(Rejection::new(RejectionKind::SignatureMismatch))?;
        if let TimestampSource::BodyJsonMillis(field) = &scheme.timestamp {
            let millis = payload::json_millis(body, field).map_err(Rejection::new)?;
            if let TimestampCheck::Enforce { past, future } = scheme.timestamp_check {
                check_window_millis(millis, unix_millis(now), past, future)?;
            }
            timestamp = Some(millis / 1000);
        }
        Ok(Verified {
            provider: self.name.clone(),
            id,
            timestamp,
            key_label: key.label.clone(),
            tenant: None,
            fingerprint,
            unsigned_ping: false,
        })
    }

    /// Everything that can be checked before the body: header presence and format, timestamp
    /// window, id, active keys. No MAC state yet: [`Head::finish`] verifies a body that is all
    /// there, [`Head::into_pending`] starts one that is still arriving.
    #[inline]
    pub(crate) fn head<'h>(
        &self,
        headers: &'h HeaderMap,
        uri: &Uri,
        now: SystemTime,
    ) -> Result<Head<'h>, Rejection> {
        let scheme = &self.scheme;
        let active = ActiveKeys::at(&self.keys, now);
        let ready = |mode| Head {
            plan: Plan::Ready(Box::new(mode)),
            active,
            tags: Tags::default(),
            id: None,
            timestamp: None,
            timestamp_text: None,
            url: None,
        };

        let (sig_names, sig_format) = match &scheme.signature {
            SignatureSource::Header { names, format } => (names, format),
            SignatureSource::MailgunBody => {
                if active.is_empty() {
                    return Err(Rejection::new(RejectionKind::NoActiveKey));
                }
                return Ok(ready(Mode::Mailgun {
                    active,
                    encoding: scheme.encoding,
                    tag_len: scheme.algorithm.tag_len(),
                }));
            }
        };
        let (sig_name, sig_value) = match single_header(headers, sig_names) {
            Err(rejection)
                if rejection.kind() == RejectionKind::MissingHeader
                    && scheme.extra_enabled() == Some(Extra::WooCommercePing)
                    && sig_names.iter().all(|n| !headers.contains_key(n)) =>
            {
                // Possibly WooCommerce's unsigned creation ping: decided on the body.
                return Ok(ready(Mode::UnsignedPing { rejection }));
            }
            other => other?,
        };
        if let Some(declared) = &scheme.declared_algorithm {
            check_declared_algorithm(headers, declared)?;
        }
        let ts_param = match &scheme.timestamp {
            TimestampSource::SignatureParam(key) => Some(&**key),
            _ => None,
        };
        let parsed = format::parse(
            sig_format,
            sig_value,
            ts_param,
            scheme.encoding,
            scheme.algorithm.tag_len(),
        )
        .map_err(|kind| Rejection::header_error(kind, sig_name))?;

        let timestamp_text = match &scheme.timestamp {
            TimestampSource::None
            | TimestampSource::BodyJsonMillis(_)
            | TimestampSource::MailgunBody => None,
            TimestampSource::Header(names) => Some(single_header(headers, names)?.1),
            TimestampSource::SignatureParam(_) => Some(parsed.timestamp.ok_or_else(|| {
                Rejection::header_error(RejectionKind::MalformedHeader, sig_name)
            })?),
        };
        let timestamp = match timestamp_text {
            Some(text) => Some(checked_timestamp(text, scheme.timestamp_check, now)?),
            None => None,
        };

        let id = match &scheme.id_headers {
            Some(names) => {
                let (_, id) = single_header(headers, names)?;
                if !valid_id(id) {
                    return Err(Rejection::new(RejectionKind::InvalidId));
                }
                Some(id)
            }
            None => None,
        };

        if parsed.seen == 0 {
            return Err(Rejection::header_error(
                RejectionKind::NoSignature,
                sig_name,
            ));
        }
        if parsed.tags.iter().next().is_none() {
            // Entries of the right version, none of which decodes to a signature of the right
            // length (`v1,`, truncated, wrong encoding, uppercase hex…): nothing can match.
            return Err(Rejection::new(RejectionKind::SignatureMismatch));
        }
        if active.is_empty() {
            return Err(Rejection::new(RejectionKind::NoActiveKey));
        }

        let url = match &scheme.public_url {
            Some(public) if scheme.signs_url() => Some(public.resolve(headers, uri)?),
            _ => None,
        };
        let mut head = Head {
            plan: Plan::Stream,
            active,
            tags: parsed.tags,
            id,
            timestamp,
            timestamp_text,
            url,
        };

        if self.twilio {
            let urls = default_port_variants(head.url.as_deref().unwrap_or_default());
            head.plan = Plan::Ready(Box::new(Mode::Twilio { active, urls }));
            return Ok(head);
        }

        let all_mac = self.all_mac
            || active
                .iter()
                .all(|i| matches!(self.keys.get(i).map(|k| &k.state), Some(KeyState::Mac(_))));
        if !all_mac {
            let inputs = head.inputs();
            let mode = Mode::Whole {
                active,
                prefix: inputs.concat(inputs.before_body(&scheme.template)),
                suffix: inputs.concat(inputs.after_body_parts(&scheme.template)),
            };
            head.plan = Plan::Ready(Box::new(mode));
        }
        Ok(head)
    }
}

/// What [`Verifier::head`] learned from the head of a request, before any MAC state exists.
pub(crate) struct Head<'h> {
    plan: Plan,
    active: ActiveKeys,
    tags: Tags,
    id: Option<&'h str>,
    timestamp: Option<u64>,
    timestamp_text: Option<&'h str>,
    url: Option<String>,
}

/// How the rest of a verification goes.
enum Plan {
    /// HMACs over the template, fed as the body arrives (every active key is an HMAC key).
    Stream,
    /// Any other way, already decided. Boxed: the head of an HMAC delivery (the common case)
    /// then stays small as it moves from parsing to finishing, and these schemes allocate
    /// for their message parts anyway.
    Ready(Box<Mode>),
}

impl<'h> Head<'h> {
    fn inputs(&self) -> Inputs<'_> {
        Inputs {
            timestamp: self.timestamp_text,
            id: self.id,
            url: self.url.as_deref(),
        }
    }

    /// Verifies `body`, all of it at hand: HMAC states are cloned, fed and finished in one
    /// place.
    #[inline]
    pub(crate) fn finish(
        self,
        verifier: &Verifier,
        body: &[u8],
        now: SystemTime,
    ) -> Result<Verified, Rejection> {
        if let Plan::Stream = self.plan {
            return verifier.verify_streamed(&self, body, now);
        }
        let mut pending = self.into_pending(verifier, now);
        pending.update(body);
        pending.finish(body)
    }

    /// The verification of a body still arriving, with the keyed states primed with the bytes
    /// signed before the body, ready for [`Pending::update`] as chunks arrive.
    #[inline]
    pub(crate) fn into_pending(self, verifier: &Verifier, now: SystemTime) -> Pending<'_> {
        let mode = match self.plan {
            Plan::Ready(mode) => *mode,
            Plan::Stream => {
                let template = &*verifier.scheme.template;
                let inputs = self.inputs();
                let mut streams = Streams::default();
                // Keyed states are cloned in place, and the bytes before `{body}` go straight
                // into them: no buffer, no copies of the state.
                for index in self.active.iter() {
                    if let Some(KeyState::Mac(keyed)) = verifier.keys.get(index).map(|k| &k.state) {
                        let state = streams.push(index, keyed);
                        for part in inputs.before_body(template) {
                            state.update(inputs.piece(part));
                        }
                    }
                }
                Mode::Stream {
                    streams,
                    suffix: inputs.concat(inputs.after_body_parts(template)),
                }
            }
        };
        Pending {
            verifier,
            mode,
            tags: self.tags,
            id: self.id.map(Into::into),
            timestamp: self.timestamp,
            now,
        }
    }
}

/// The values template parts other than the body stand for, in one request.
struct Inputs<'a> {
    timestamp: Option<&'a str>,
    id: Option<&'a str>,
    url: Option<&'a str>,
}

impl Inputs<'_> {
    fn piece<'s>(&'s self, part: &'s Part) -> &'s [u8] {
        match part {
            Part::Literal(bytes) => bytes,
            Part::Timestamp => self.timestamp.unwrap_or_default().as_bytes(),
            Part::Id => self.id.unwrap_or_default().as_bytes(),
            Part::PublicUrl | Part::PublicUrlAnyDefaultPort => {
                self.url.unwrap_or_default().as_bytes()
            }
            Part::Body | Part::TwilioParams | Part::MailgunToken => &[],
        }
    }

    /// The template parts before `{body}`.
    fn before_body<'t>(&self, template: &'t [Part]) -> impl Iterator<Item = &'t Part> + use<'t> {
        template.iter().take_while(|p| **p != Part::Body)
    }

    /// The template parts after `{body}` (none for most schemes).
    fn after_body_parts<'t>(
        &self,
        template: &'t [Part],
    ) -> impl Iterator<Item = &'t Part> + use<'t> {
        template.iter().skip_while(|p| **p != Part::Body).skip(1)
    }

    fn concat<'t>(&self, parts: impl Iterator<Item = &'t Part>) -> Vec<u8> {
        let mut out = Vec::new();
        for part in parts {
            out.extend_from_slice(self.piece(part));
        }
        out
    }
}

/// Parses a timestamp strictly and checks it against the window.
fn checked_timestamp(text: &str, check: TimestampCheck, now: SystemTime) -> Result<u64, Rejection> {
    let ts = parse_timestamp(text).ok_or(Rejection::new(RejectionKind::InvalidTimestamp))?;
    if let TimestampCheck::Enforce { past, future } = check {
        check_window(ts, unix_secs(now), past, future)?;
    }
    Ok(ts)
}

/// The header that declares the algorithm must hold `key=value` items (split like the
/// key-value signature format) with exactly one `key`, equal to the configured value.
fn check_declared_algorithm(
    headers: &HeaderMap,
    declared: &DeclaredAlgorithm,
) -> Result<(), Rejection> {
    let names = HeaderNames::one(declared.header.clone());
    let (name, value) = single_header(headers, &names)?;
    let malformed = || Rejection::header_error(RejectionKind::MalformedHeader, name);
    if value.len() > format::MAX_HEADER_LEN {
        return Err(malformed());
    }
    let mut found = None;
    for (n, item) in value.split(declared.separator).enumerate() {
        if n >= format::MAX_ENTRIES {
            return Err(malformed());
        }
        if let Some((key, val)) = item.split_once('=')
            && key == declared.key
            && found.replace(val).is_some()
        {
            return Err(malformed());
        }
    }
    if found == Some(declared.value) {
        Ok(())
    } else {
        Err(malformed())
    }
}

impl Verifier {
    /// When the key labelled `label` stops matching, if it has an expiry.
    pub(crate) fn key_expires_at(&self, label: &str) -> Option<SystemTime> {
        self.keys
            .iter()
            .find(|k| &*k.label == label)
            .and_then(|k| k.expires_at)
    }
}

impl fmt::Debug for Verifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Verifier")
            .field("scheme", &self.scheme)
            .field(
                "keys",
                &self.keys.iter().map(|k| &*k.label).collect::<Vec<_>>(),
            )
            .finish_non_exhaustive()
    }
}

/// The indexes of the keys active at one instant, as a bit set (a keyring holds at most
/// [`Keyring::MAX_KEYS`] keys): no allocation per request.
#[derive(Clone, Copy)]
struct ActiveKeys(u8);

const _: () = assert!(Keyring::MAX_KEYS <= 8);

impl ActiveKeys {
    fn at(keys: &[PreparedKey], now: SystemTime) -> Self {
        let mut set = 0u8;
        for (index, key) in keys.iter().enumerate() {
            if key.expires_at.is_none_or(|at| now < at) {
                set |= Self::bit(index);
            }
        }
        Self(set)
    }

    fn bit(index: usize) -> u8 {
        u32::try_from(index)
            .ok()
            .and_then(|i| 1u8.checked_shl(i))
            .unwrap_or(0)
    }

    fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The indexes in the set, in increasing order.
    fn iter(self) -> impl Iterator<Item = usize> {
        let mut rest = self.0;
        std::iter::from_fn(move || {
            let index = rest.trailing_zeros();
            // Clears the lowest set bit.
            rest &= rest.wrapping_sub(1);
            (index < 8).then_some(index as usize)
        })
    }
}

/// The keyed MAC states of one request: the first inline, others (during a rotation) in a
/// vector, so the common single-key case allocates nothing.
#[derive(Default)]
struct Streams {
    first: Option<(usize, MacState)>,
    more: Vec<(usize, MacState)>,
}

impl Streams {
    /// Adds a clone of `keyed` and returns it.
    #[inline]
    fn push(&mut self, index: usize, keyed: &MacState) -> &mut MacState {
        if self.first.is_none() {
            &mut self.first.insert((index, keyed.clone())).1
        } else {
            self.more.push((index, keyed.clone()));
            let last = self.more.len().saturating_sub(1);
            // Just pushed, so never `None`; `first` is only there to satisfy the types.
            match self.more.get_mut(last) {
                Some((_, state)) => state,
                None => &mut self.first.get_or_insert((index, keyed.clone())).1,
            }
        }
    }

    fn states_mut(&mut self) -> impl Iterator<Item = &mut MacState> {
        self.first
            .iter_mut()
            .chain(self.more.iter_mut())
            .map(|(_, state)| state)
    }
}

/// How the signed bytes are assembled and checked once the body is known.
// One per request, living in the request's future: boxing the large variant (the common one,
// a keyed MAC state) would cost an allocation per request to save stack space.
#[allow(clippy::large_enum_variant)]
enum Mode {
    /// HMACs over a template, fed chunk by chunk: the states already hold the prefix.
    Stream { streams: Streams, suffix: Vec<u8> },
    /// Public-key signatures and tokens: `prefix + body + suffix`, checked at the end.
    Whole {
        active: ActiveKeys,
        prefix: Vec<u8>,
        suffix: Vec<u8>,
    },
    /// Twilio: `url + params(body)` for each accepted spelling of the URL.
    Twilio {
        active: ActiveKeys,
        urls: Vec<String>,
    },
    /// Mailgun: signature, timestamp and token in the body; the signature is decoded as the
    /// scheme says (hex HMAC-SHA256 for the preset).
    Mailgun {
        active: ActiveKeys,
        encoding: Encoding,
        tag_len: TagLen,
    },
    /// No signature header, and WooCommerce's unsigned ping is allowed: the body decides. Any
    /// other body gets `rejection` (the missing header).
    UnsignedPing { rejection: Rejection },
}

/// A verification in progress: the head was accepted, the body is being read.
pub(crate) struct Pending<'v> {
    verifier: &'v Verifier,
    mode: Mode,
    tags: Tags,
    id: Option<Box<str>>,
    timestamp: Option<u64>,
    now: SystemTime,
}

impl Pending<'_> {
    /// Feeds the next chunk of the raw body to streaming MACs (a no-op for schemes that need
    /// the whole body).
    pub(crate) fn update(&mut self, chunk: &[u8]) {
        if let Mode::Stream { streams, .. } = &mut self.mode {
            for state in streams.states_mut() {
                state.update(chunk);
            }
        }
    }

    /// Finishes the verification. `body` is the whole raw body (the same bytes that were fed
    /// to [`Pending::update`]). Every active key is checked against every candidate, without
    /// stopping at the first match.
    #[inline]
    pub(crate) fn finish(self, body: &[u8]) -> Result<Verified, Rejection> {
        let Self {
            verifier,
            mode,
            mut tags,
            id,
            mut timestamp,
            now,
        } = self;
        let scheme = &verifier.scheme;
        let check = scheme.timestamp_check;
        let key = |i: usize| verifier.keys.get(i);
        let mut matched: Option<usize> = None;
        // What identifies the signed message, whatever signatures the request carries: the
        // replay guard keys on it when the scheme signs no delivery id.
        let fingerprint;
        let mut consider = |index: usize, ok: bool| {
            if ok && matched.is_none() {
                matched = Some(index);
            }
        };
        match mode {
            Mode::Stream { streams, suffix } => {
                // For HMAC schemes hashed while reading: the MAC under the first active key
                // (kept as is; the replay guard hashes it if it needs it).
                let mut first = None;
                let Streams { first: head, more } = streams;
                let mut check = |index: usize, mut state: MacState| {
                    if !suffix.is_empty() {
                        state.update(&suffix);
                    }
                    let ok = state.finish_and_compare(&tags, |mac| {
                        if first.is_none() {
                            first = Some(Fingerprint::of_mac(mac));
                        }
                    });
                    consider(index, ok);
                };
                if let Some((index, state)) = head {
                    check(index, state);
                }
                for (index, state) in more {
                    check(index, state);
                }
                fingerprint = first.unwrap_or_default();
            }
            Mode::Whole {
                active,
                prefix,
                suffix,
            } => {
                // The message itself, never the signature: ECDSA signatures are malleable.
                fingerprint = Fingerprint::of_parts(&[&prefix, body, &suffix]);
                for index in active.iter() {
                    let ok = key(index)
                        .is_some_and(|k| k.state.verify_parts(&[&prefix, body, &suffix], &tags));
                    consider(index, ok);
                }
            }
            Mode::Twilio { active, urls } => {
                let first = urls.first().map_or("", String::as_str);
                let params = payload::twilio_params(first, body).map_err(Rejection::new)?;
                fingerprint = Fingerprint::of_parts(&[first.as_bytes(), &params, body]);
                for index in active.iter() {
                    let mut ok = false;
                    for url in &urls {
                        ok |= key(index).is_some_and(|k| {
                            k.state.verify_parts(&[url.as_bytes(), &params], &tags)
                        });
                    }
                    consider(index, ok);
                }
            }
            Mode::Mailgun {
                active,
                encoding,
                tag_len,
            } => {
                let fields = payload::mailgun_fields(body).map_err(Rejection::new)?;
                fingerprint =
                    Fingerprint::of_parts(&[fields.timestamp.as_bytes(), fields.token.as_bytes()]);
                let ts = checked_timestamp(&fields.timestamp, check, now)?;
                timestamp = Some(ts);
                let tag = format::decode(&fields.signature, encoding, tag_len)
                    .ok_or(Rejection::new(RejectionKind::SignatureMismatch))?;
                tags = Tags::default();
                tags.push(tag);
                for index in active.iter() {
                    let ok = key(index).is_some_and(|k| {
                        k.state.verify_parts(
                            &[fields.timestamp.as_bytes(), fields.token.as_bytes()],
                            &tags,
                        )
                    });
                    consider(index, ok);
                }
            }
            Mode::UnsignedPing { rejection } => {
                return if payload::is_woocommerce_ping(body) {
                    Ok(Verified {
                        provider: verifier.name.clone(),
                        id: None,
                        timestamp: None,
                        key_label: SmolStr::default(),
                        unsigned_ping: true,
                        tenant: None,
                        fingerprint: Fingerprint::of_parts(&[body]),
                    })
                } else {
                    Err(rejection)
                };
            }
        }
        verifier.verified(matched, id, timestamp, fingerprint, body, now)
    }
}

/// What the layer proved about a delivery. Handlers find it in the request extensions (and, with
/// the `axum` feature, extract it directly).
///
/// ```
/// # #[cfg(feature = "axum")] {
/// use webhook_guard::Verified;
///
/// async fn handler(verified: Verified, body: axum::body::Bytes) -> String {
///     format!("{} delivery signed with key {}", verified.provider(), verified.key_label())
/// }
/// # let _: axum::routing::MethodRouter = axum::routing::post(handler);
/// # }
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    provider: SmolStr,
    id: Option<Box<str>>,
    timestamp: Option<u64>,
    key_label: SmolStr,
    unsigned_ping: bool,
    tenant: Option<Arc<str>>,
    fingerprint: Fingerprint,
}

/// A value that identifies the signed message (never the key): the MAC under the first active
/// key for HMAC schemes (its first 32 bytes: all of an HMAC-SHA256 or HMAC-SHA1, half of an
/// HMAC-SHA512, still 256 bits), otherwise the SHA-256 of the signed bytes. The replay guard
/// hashes it into its key for schemes that sign no delivery id. 33 bytes, because it is copied
/// into every [`Verified`].
#[derive(Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Fingerprint {
    bytes: [u8; 32],
    len: u8,
}

impl Fingerprint {
    /// SHA-256 over the concatenation of `parts`.
    pub(crate) fn of_parts(parts: &[&[u8]]) -> Self {
        use sha2::Digest as _;
        let mut hasher = sha2::Sha256::new();
        for part in parts {
            hasher.update(part);
        }
        Self::of_mac(&hasher.finalize())
    }

    /// A MAC kept as is (up to 32 bytes): computed anyway, it needs no hashing.
    pub(crate) fn of_mac(mac: &[u8]) -> Self {
        let mut out = Self::default();
        let len = mac.len().min(out.bytes.len());
        if let (Some(dst), Some(src)) = (out.bytes.get_mut(..len), mac.get(..len)) {
            dst.copy_from_slice(src);
            out.len = u8::try_from(len).unwrap_or(0);
        }
        out
    }

    pub(crate) fn as_slice(&self) -> &[u8] {
        self.bytes.get(..usize::from(self.len)).unwrap_or_default()
    }
}

impl fmt::Debug for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Fingerprint(..)")
    }
}

impl Verified {
    /// The scheme's name (`stripe`, `github`, `standard-webhooks`, …).
    #[must_use]
    pub fn provider(&self) -> &str {
        &self.provider
    }

    /// The delivery id, for schemes that sign one (Standard Webhooks' `webhook-id`).
    #[must_use]
    pub fn delivery_id(&self) -> Option<&str> {
        self.id.as_deref()
    }

    /// The signed timestamp, for schemes that have one.
    #[must_use]
    pub fn timestamp(&self) -> Option<SystemTime> {
        self.timestamp
            .and_then(|t| UNIX_EPOCH.checked_add(Duration::from_secs(t)))
    }

    /// The signed timestamp in seconds since the Unix epoch.
    #[must_use]
    pub fn timestamp_unix(&self) -> Option<u64> {
        self.timestamp
    }

    /// The label of the key that matched (see [`Keyring::key`]); empty for an
    /// [unsigned ping](Self::is_unsigned_ping).
    #[must_use]
    pub fn key_label(&self) -> &str {
        &self.key_label
    }

    /// The tenant whose keys verified the delivery, with a per-tenant key resolver (see
    /// [`WebhookLayer::with_resolver`](crate::WebhookLayer::with_resolver)).
    #[must_use]
    pub fn tenant(&self) -> Option<&str> {
        self.tenant.as_deref()
    }

    pub(crate) fn set_tenant(&mut self, tenant: Arc<str>) {
        self.tenant = Some(tenant);
    }

    pub(crate) fn fingerprint(&self) -> &Fingerprint {
        &self.fingerprint
    }

    /// `true` for WooCommerce's **unsigned** creation ping (`webhook_id=<n>`), let through only
    /// because the scheme was built with
    /// [`allow_unsigned_ping`](crate::Scheme::allow_unsigned_ping). Nothing about such a request
    /// was verified: answer it with 200 and do nothing else.
    ///
    /// ```
    /// # #[cfg(feature = "axum")] {
    /// use webhook_guard::Verified;
    ///
    /// async fn woocommerce(verified: Verified, body: axum::body::Bytes) -> &'static str {
    ///     if verified.is_unsigned_ping() {
    ///         return "pong"; // unauthenticated: never act on it
    ///     }
    ///     // … a genuine, signed delivery …
    ///     "ok"
    /// }
    /// # let _: axum::routing::MethodRouter = axum::routing::post(woocommerce);
    /// # }
    /// ```
    #[must_use]
    pub fn is_unsigned_ping(&self) -> bool {
        self.unsigned_ping
    }
}

/// The value of the first present spelling of a header, which must appear exactly once and be
/// visible ASCII. An empty value counts as missing.
pub(crate) fn single_header<'h, 'n>(
    headers: &'h HeaderMap,
    names: &'n HeaderNames,
) -> Result<(&'n HeaderName, &'h str), Rejection> {
    // When no name in the map has a second value (as many values as names, both counts kept
    // by `HeaderMap`), a plain look-up finds the value and there is no duplicate to look for.
    let all_single = headers.len() == headers.keys_len();
    for name in names.iter() {
        let value = if all_single {
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
        if let Some(value) = value {
            let text = value
                .to_str()
                .map_err(|_| Rejection::header_error(RejectionKind::MalformedHeader, name))?;
            if text.is_empty() {
                return Err(Rejection::header_error(RejectionKind::MissingHeader, name));
            }
            return Ok((name, text));
        }
    }
    Err(Rejection::header_error(
        RejectionKind::MissingHeader,
        &names.primary,
    ))
}

/// A timestamp must be 1 to 12 ASCII digits without a leading zero: no sign, no decimals, no
/// exponent, no whitespace. The signed bytes are the text itself, so this also makes the
/// representation unique.
pub(crate) fn parse_timestamp(text: &str) -> Option<u64> {
    let bytes = text.as_bytes();
    if bytes.is_empty() || bytes.len() > 12 || bytes.first() == Some(&b'0') {
        return None;
    }
    // At most 12 digits: below 10^12, no overflow.
    bytes.iter().try_fold(0u64, |value, &b| {
        b.is_ascii_digit().then(|| {
            value
                .wrapping_mul(10)
                .wrapping_add(u64::from(b.wrapping_sub(b'0')))
        })
    })
}

fn check_window(ts: u64, now: u64, past: Duration, future: Duration) -> Result<(), Rejection> {
    let distance = Duration::from_secs(ts.abs_diff(now));
    if ts <= now && distance > past {
        return Err(Rejection::new(RejectionKind::TimestampTooOld));
    }
    if ts > now && distance > future {
        return Err(Rejection::new(RejectionKind::TimestampInFuture));
    }
    Ok(())
}

/// Milliseconds since the epoch; times before it count as 0.
fn unix_millis(t: SystemTime) -> u64 {
    t.duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

/// [`check_window`] in milliseconds (Linear's body timestamp).
fn check_window_millis(
    ts: u64,
    now: u64,
    past: Duration,
    future: Duration,
) -> Result<(), Rejection> {
    let distance = ts.abs_diff(now);
    let limit = |d: Duration| u64::try_from(d.as_millis()).unwrap_or(u64::MAX);
    if ts <= now && distance > limit(past) {
        return Err(Rejection::new(RejectionKind::TimestampTooOld));
    }
    if ts > now && distance > limit(future) {
        return Err(Rejection::new(RejectionKind::TimestampInFuture));
    }
    Ok(())
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
    fn timestamps_are_strict() {
        assert_eq!(parse_timestamp("1649367553"), Some(1_649_367_553));
        assert_eq!(parse_timestamp("999999999999"), Some(999_999_999_999));
        for bad in [
            "",
            "0",
            "01649367553",
            "+1649367553",
            "-1",
            "1649367553.0",
            "1e9",
            " 1649367553",
            "1649367553 ",
            "9999999999999",
            "18446744073709551616",
            "-9223372036854775808",
            "9223372036854775807",
            "abc",
            "１２３",
        ] {
            assert_eq!(parse_timestamp(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn window_edges_are_inclusive() {
        let t = Duration::from_secs(300);
        assert!(check_window(1000, 1300, t, t).is_ok());
        assert_eq!(
            check_window(999, 1300, t, t).unwrap_err().kind(),
            RejectionKind::TimestampTooOld
        );
        assert!(check_window(1600, 1300, t, t).is_ok());
        assert_eq!(
            check_window(1601, 1300, t, t).unwrap_err().kind(),
            RejectionKind::TimestampInFuture
        );
        // Extreme values never overflow.
        assert!(check_window(999_999_999_999, 0, t, t).is_err());
        assert!(check_window(1, u64::MAX, t, t).is_err());
    }

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

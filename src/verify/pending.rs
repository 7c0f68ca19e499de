//! A verification in progress: keys chosen, the body arriving chunk by chunk, the verdict at
//! the end.
#![warn(clippy::arithmetic_side_effects)]

use std::time::SystemTime;

use http::HeaderValue;
use sha2::{Digest, Sha256};
use smol_str::SmolStr;

use super::head::Head;
use super::{Identity, PreparedKey, Rejection, RejectionKind, Verified, Verifier};
use crate::crypto::{MAX_PUBLIC_KEY_PAIRS, MacState, Prehash};
use crate::scheme::format::{self, Tags};
use crate::scheme::hooks::Reply;
use crate::scheme::message::{Message, Part, RequestView};
use crate::scheme::time::{self, Stamp};
use crate::scheme::{Answer, KeyLocation, TimestampSource};
use crate::secret::Keyring;

/// The end of a verification.
pub(crate) enum Checked {
    /// A verified delivery, for the handler.
    Verified(Verified),
    /// A set-up exchange the scheme answers itself: a verified challenge (`verified` is set)
    /// or a recognised unsigned request.
    Answered {
        answer: Answer,
        verified: Option<Verified>,
    },
}

/// A verification whose keys are chosen: [`update`](Self::update) with each body chunk, then
/// [`finish`](Self::finish). Owns everything it needs, so it lives in the request's future.
pub(crate) struct Pending {
    mode: Mode,
    active: ActiveKeys,
    tags: Tags,
    stamp: Option<Stamp>,
    id: Option<HeaderValue>,
    url: Option<String>,
    /// The replay guard needs the delivery's [`Identity`]; nothing else does, so it is not
    /// computed otherwise.
    identity: bool,
}

// One per request, living in the request's future: boxing the large variant (the common one,
// keyed MAC states) would cost an allocation per request to save stack space.
#[allow(clippy::large_enum_variant)]
enum Mode {
    /// MACs over a template, fed as the body arrives: the states already hold the bytes before
    /// `{body}`; `identity` hashes the same message when the replay guard needs it.
    Stream {
        streams: Streams,
        suffix: Vec<u8>,
        identity: Option<Sha256>,
    },
    /// Everything else (public keys, tokens, messages read from the body): checked at the end.
    Whole { identity: bool },
    /// A recognised unsigned set-up request, decided by the scheme's handshake on its body.
    Unsigned { rejection: Rejection },
}

impl Verifier {
    /// Chooses the keys active at `now` and prepares the verification of `head`'s request. With
    /// `identity`, the delivery's [`Identity`] is computed along the way.
    pub(crate) fn start(
        &self,
        head: Head,
        request: &RequestView<'_>,
        now: SystemTime,
        identity: bool,
    ) -> Result<Pending, Rejection> {
        let Head {
            tags,
            stamp,
            id,
            url,
            unsigned,
        } = head;
        let active = ActiveKeys::at(&self.keys, now);
        let mut pending = Pending {
            mode: Mode::Whole { identity },
            active,
            tags,
            stamp,
            id,
            url,
            identity,
        };
        if let Some((_, rejection)) = unsigned {
            pending.mode = Mode::Unsigned { rejection };
            return Ok(pending);
        }
        if active.is_empty() && !self.fetching {
            return Err(Rejection::new(RejectionKind::NoActiveKey));
        }
        if let (Message::Template(template), true) = (&self.scheme.message, self.all_mac) {
            // Borrowed field by field, so the mode can be written while they are read.
            let inputs = Inputs {
                stamp: pending.stamp.as_ref(),
                id: pending.id.as_ref(),
                url: pending.url.as_deref(),
                request,
            };
            let identity = (identity && inputs.id.is_none()).then(|| {
                let mut hasher = Sha256::new();
                for part in before_body(template) {
                    hasher.update(inputs.piece(part));
                }
                hasher
            });
            let suffix = inputs.concat(after_body(template));
            pending.mode = Mode::Stream {
                streams: Streams::default(),
                suffix,
                identity,
            };
            // Keyed states are cloned in place, and the bytes before `{body}` go straight into
            // them: no buffer, no copies of the state.
            if let Mode::Stream { streams, .. } = &mut pending.mode {
                for index in active.iter() {
                    if let Some(keyed) = self.keys.get(index).and_then(|k| k.state.mac()) {
                        let state = streams.push(index, keyed);
                        for part in before_body(template) {
                            state.update(inputs.piece(part));
                        }
                    }
                }
            }
        }
        Ok(pending)
    }
}

impl Pending {
    /// Feeds the next chunk of the raw body to streaming MACs (a no-op for the other modes,
    /// which need the whole body).
    #[inline]
    pub(crate) fn update(&mut self, chunk: &[u8]) {
        if let Mode::Stream {
            streams, identity, ..
        } = &mut self.mode
        {
            for state in streams.states_mut() {
                state.update(chunk);
            }
            if let Some(hasher) = identity {
                hasher.update(chunk);
            }
        }
    }

    /// Whether this is a recognised unsigned set-up request.
    pub(crate) fn is_unsigned(&self) -> bool {
        matches!(self.mode, Mode::Unsigned { .. })
    }

    /// The key this delivery names, for schemes whose deliveries do (checked against the
    /// scheme's allow-list: a reference outside it is refused and never fetched); `None` for
    /// the others and for unsigned set-up requests.
    pub(crate) fn locate(
        &self,
        verifier: &Verifier,
        request: &RequestView<'_>,
        body: &[u8],
    ) -> Result<Option<KeyLocation>, Rejection> {
        match &verifier.scheme.remote {
            Some(remote) if !self.is_unsigned() => {
                let request = &RequestView {
                    url: self.url.as_deref(),
                    ..*request
                };
                remote
                    .locate(request, body)
                    .map(Some)
                    .map_err(Rejection::new)
            }
            _ => Ok(None),
        }
    }

    /// Finishes the verification with the verifier's own keys. `body` is the whole raw body
    /// (the bytes fed to [`update`](Self::update)). Every active key is checked against every
    /// candidate, without stopping at the first match (public keys within
    /// [`MAX_PUBLIC_KEY_PAIRS`]). For a scheme whose deliveries name their key, the reference
    /// must pass the allow-list, and only the pinned keys it can name are tried (a key with an
    /// id only when the delivery names that id).
    pub(crate) fn finish(
        &mut self,
        verifier: &Verifier,
        request: &RequestView<'_>,
        body: &[u8],
        now: SystemTime,
    ) -> Result<Checked, Rejection> {
        let mut active = self.active;
        if let Some(location) = self.locate(verifier, request, body)? {
            active = active.named(&verifier.keys, &location);
            if active.is_empty() {
                return Err(Rejection::new(RejectionKind::SignatureMismatch));
            }
        }
        self.conclude(verifier, &verifier.keys, active, request, body, now)
    }

    /// Finishes the verification with a key fetched for the location [`locate`](Self::locate)
    /// returned.
    pub(crate) fn finish_with(
        &mut self,
        verifier: &Verifier,
        key: &PreparedKey,
        request: &RequestView<'_>,
        body: &[u8],
        now: SystemTime,
    ) -> Result<Checked, Rejection> {
        let keys = std::slice::from_ref(key);
        let active = ActiveKeys::at(keys, now);
        if active.is_empty() {
            return Err(Rejection::new(RejectionKind::NoActiveKey));
        }
        self.conclude(verifier, keys, active, request, body, now)
    }

    fn conclude(
        &mut self,
        verifier: &Verifier,
        keys: &[PreparedKey],
        active: ActiveKeys,
        request: &RequestView<'_>,
        body: &[u8],
        now: SystemTime,
    ) -> Result<Checked, Rejection> {
        let scheme = &verifier.scheme;
        let request = &RequestView {
            url: self.url.as_deref(),
            ..*request
        };
        let mut matched = None;
        let mut consider = |index: usize, ok: bool| {
            if ok && matched.is_none() {
                matched = Some(index);
            }
        };
        let mut stamp = self.stamp;
        let identity;
        match &mut self.mode {
            Mode::Unsigned { rejection } => {
                let rejection = rejection.clone();
                let handshake = scheme.active_handshake().ok_or_else(|| rejection.clone())?;
                let first = active.iter().next().and_then(|i| keys.get(i));
                let mac = |data: &[u8]| mac_with(first, data);
                return match handshake.unsigned(request, body, &mac) {
                    Some(Reply::Forward) => Ok(Checked::Verified(Verified {
                        provider: verifier.name.clone(),
                        id: None,
                        timestamp: None,
                        key_label: SmolStr::default(),
                        unsigned: true,
                        tenant: None,
                        identity: None,
                    })),
                    Some(Reply::Answer(answer)) => Ok(Checked::Answered {
                        answer,
                        verified: None,
                    }),
                    None => Err(rejection),
                };
            }
            Mode::Stream {
                streams,
                suffix,
                identity: hasher,
            } => {
                // Each state is moved out once, to be finished.
                if let Some((index, mut state)) = streams.first.take() {
                    state.update(suffix);
                    consider(index, state.finish_and_compare(&self.tags));
                }
                if !streams.more.is_empty() {
                    for (index, mut state) in std::mem::take(&mut streams.more) {
                        state.update(suffix);
                        consider(index, state.finish_and_compare(&self.tags));
                    }
                }
                identity = hasher.take().map(|mut h| {
                    h.update(suffix);
                    Identity::of_message(h)
                });
            }
            Mode::Whole { identity: wanted } => {
                let wanted = *wanted;
                let inputs = self.inputs(request);
                let mut budget = MAX_PUBLIC_KEY_PAIRS;
                let header_tags: Vec<&[u8]> = self.tags.iter().map(|t| t.as_slice()).collect();
                match &scheme.message {
                    Message::Template(template) => {
                        let prefix = inputs.concat(before_body(template));
                        let suffix = inputs.concat(after_body(template));
                        let parts: [&[u8]; 3] = [&prefix, body, &suffix];
                        let mut digest = Prehash::default();
                        for index in active.iter() {
                            let ok = keys.get(index).is_some_and(|k| {
                                k.state.verify_parts(
                                    scheme.algorithm,
                                    &parts,
                                    &header_tags,
                                    &mut budget,
                                    &mut digest,
                                )
                            });
                            consider(index, ok);
                        }
                        identity = wanted.then(|| {
                            let mut hasher = Sha256::new();
                            for part in parts {
                                hasher.update(part);
                            }
                            Identity::of_message(hasher)
                        });
                    }
                    Message::Payload(payload) => {
                        let signed = payload.read(request, body).map_err(Rejection::new)?;
                        let tail = signed.tail.parts(body);
                        // Why the alternatives whose signature could match were refused, when
                        // it was their timestamp.
                        let mut stale = None;
                        for alternative in signed.alternatives.iter().take(format::MAX_ENTRIES) {
                            if let (Some(text), Some(format)) =
                                (&alternative.timestamp, scheme.timestamp.format())
                            {
                                match time::checked(text, format, scheme.window, now) {
                                    Ok(checked) => stamp = stamp.or(Some(checked)),
                                    Err(rejection) => {
                                        stale = stale.or(Some(rejection));
                                        continue;
                                    }
                                }
                            }
                            let own: Vec<&[u8]> =
                                alternative.candidates.iter().map(Vec::as_slice).collect();
                            let candidates = if own.is_empty() { &header_tags } else { &own };
                            // Another hash of the same RSA key (SNS's `SignatureVersion`), and
                            // nothing else, may stand in for the scheme's algorithm.
                            let algorithm = match alternative.algorithm {
                                None => scheme.algorithm,
                                Some(a) if a.is_rsa() && scheme.algorithm.is_rsa() => a,
                                Some(_) => continue,
                            };
                            let message: Vec<&[u8]> = std::iter::once(alternative.head.as_slice())
                                .chain(tail.iter().copied())
                                .collect();
                            // Each spelling is its own message: no digest is shared.
                            let mut digest = Prehash::default();
                            for index in active.iter() {
                                let ok = keys.get(index).is_some_and(|k| {
                                    k.state.verify_parts(
                                        algorithm,
                                        &message,
                                        candidates,
                                        &mut budget,
                                        &mut digest,
                                    )
                                });
                                consider(index, ok);
                            }
                        }
                        if matched.is_none()
                            && let Some(rejection) = stale
                        {
                            return Err(rejection);
                        }
                        identity = wanted.then(|| {
                            let mut hasher = Sha256::new();
                            match &signed.identity {
                                Some(identity) => {
                                    for part in identity.parts(body) {
                                        hasher.update(part);
                                    }
                                }
                                None => {
                                    if let Some(first) = signed.alternatives.first() {
                                        hasher.update(&first.head);
                                    }
                                    for part in &tail {
                                        hasher.update(part);
                                    }
                                }
                            }
                            Identity::of_message(hasher)
                        });
                    }
                }
            }
        }
        let key = matched
            .and_then(|i| keys.get(i))
            .ok_or(Rejection::new(RejectionKind::SignatureMismatch))?;
        if let TimestampSource::JsonField(field, format) = &scheme.timestamp {
            let text = json_field(body, field, *format)
                .ok_or(Rejection::new(RejectionKind::InvalidTimestamp))?;
            stamp = Some(time::checked(&text, *format, scheme.window, now)?);
        }
        let identity = match &self.id {
            Some(id) if self.identity => Some(Identity::of_id(id.as_bytes())),
            Some(_) => None,
            None => identity,
        };
        let verified = Verified {
            provider: verifier.name.clone(),
            id: self.id.take(),
            timestamp: stamp.map(|s| s.secs()),
            key_label: key.label.clone(),
            unsigned: false,
            tenant: None,
            identity,
        };
        if let Some(handshake) = scheme.active_handshake() {
            let mac = |data: &[u8]| mac_with(Some(key), data);
            if let Some(answer) = handshake.verified(request, body, &mac) {
                return Ok(Checked::Answered {
                    answer,
                    verified: Some(verified),
                });
            }
        }
        Ok(Checked::Verified(verified))
    }

    fn inputs<'a>(&'a self, request: &'a RequestView<'a>) -> Inputs<'a> {
        Inputs {
            stamp: self.stamp.as_ref(),
            id: self.id.as_ref(),
            url: self.url.as_deref(),
            request,
        }
    }
}

/// The MAC of `data` under `key`, for handshakes that answer with one.
fn mac_with(key: Option<&PreparedKey>, data: &[u8]) -> Option<Vec<u8>> {
    let mut state: MacState = key?.state.mac()?.clone();
    state.update(data);
    Some(state.finalize().as_slice().to_vec())
}

/// A top-level field of a (verified) JSON body as text: a number as written, for the numeric
/// formats the presets that read one use (Linear, Pusher). Anything else is `None`.
fn json_field(body: &[u8], field: &str, format: time::TimeFormat) -> Option<String> {
    let value: serde_json::Value = serde_json::from_slice(body).ok()?;
    match (value.get(field)?, format) {
        (serde_json::Value::Number(n), time::TimeFormat::Seconds | time::TimeFormat::Millis) => {
            Some(n.to_string())
        }
        _ => None,
    }
}

/// The values the template parts other than the body stand for, in one request.
struct Inputs<'a> {
    stamp: Option<&'a Stamp>,
    id: Option<&'a HeaderValue>,
    url: Option<&'a str>,
    request: &'a RequestView<'a>,
}

impl Inputs<'_> {
    fn piece<'s>(&'s self, part: &'s Part) -> &'s [u8] {
        match part {
            Part::Literal(bytes) => bytes,
            Part::Timestamp => self.stamp.map(Stamp::text).unwrap_or_default(),
            Part::Id => self.id.map(HeaderValue::as_bytes).unwrap_or_default(),
            Part::Url => self.url.unwrap_or_default().as_bytes(),
            Part::Method => self.request.method.as_str().as_bytes(),
            // Checked present exactly once by `Head::check`.
            Part::Header(name) => self
                .request
                .headers
                .get(&**name)
                .map(HeaderValue::as_bytes)
                .unwrap_or_default(),
            Part::Body => &[],
        }
    }

    fn concat<'t>(&self, parts: impl Iterator<Item = &'t Part>) -> Vec<u8> {
        let mut parts = parts.peekable();
        if parts.peek().is_none() {
            return Vec::new();
        }
        let mut out = Vec::new();
        for part in parts {
            out.extend_from_slice(self.piece(part));
        }
        out
    }
}

/// The template parts before `{body}`.
fn before_body(template: &[Part]) -> impl Iterator<Item = &Part> {
    template.iter().take_while(|p| **p != Part::Body)
}

/// The template parts after `{body}` (none for most schemes).
fn after_body(template: &[Part]) -> impl Iterator<Item = &Part> {
    template.iter().skip_while(|p| **p != Part::Body).skip(1)
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

    /// The keys of the set a delivery naming `location` may use: those without an id, and
    /// those whose id a key-id location names.
    fn named(self, keys: &[PreparedKey], location: &KeyLocation) -> Self {
        let mut set = 0u8;
        for index in self.iter() {
            let usable = keys.get(index).is_some_and(|k| match (&k.id, location) {
                (None, _) => true,
                (Some(id), KeyLocation::KeyId(named)) => **id == **named,
                (Some(_), _) => false,
            });
            if usable {
                set |= Self::bit(index);
            }
        }
        Self(set)
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

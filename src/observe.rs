//! What the middleware reports to the `metrics` facade (feature `metrics`; the names, labels and
//! units are documented in [`crate::metrics`] and `docs/metrics.md`). Without the feature every
//! type here is empty and every hook compiles to nothing.
//!
//! Recording allocates nothing per request: each series' [`Key`](::metrics::Key) (name and
//! labels, every label value a `&'static str` or the layer's own endpoint name) is built the
//! first time it is used and kept in the layer, and the recorder is handed a reference to it,
//! as the facade's macros do with literal labels.

// Without the feature, the label names below are only read by the unit tests.
#![cfg_attr(not(feature = "metrics"), allow(dead_code))]

use crate::outcome::Outcome;
#[cfg(feature = "metrics")]
use crate::rejection::RejectionKind;
use crate::scheme::Scheme;

/// How a delivery left the layer (label `outcome` of `webhook_guard_deliveries_total`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Delivery {
    /// Verified and passed to the inner service.
    Verified,
    /// Answered by the layer with a 4xx: failed verification or a limit.
    Rejected,
    /// Answered 503: a store, resolver, fetch or the buffering budget failed (failing closed).
    Unavailable,
    /// A copy the replay guard answered (200 for a done delivery, 409 for one in progress).
    Duplicate,
    /// A set-up exchange the layer answered itself.
    Handshake,
    /// Would have been rejected; passed to the inner service in report-only mode.
    LetThrough,
}

impl Delivery {
    #[cfg(any(feature = "metrics", test))]
    const ALL: [Self; 6] = [
        Self::Verified,
        Self::Rejected,
        Self::Unavailable,
        Self::Duplicate,
        Self::Handshake,
        Self::LetThrough,
    ];

    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::Verified => "verified",
            Self::Rejected => "rejected",
            Self::Unavailable => "unavailable",
            Self::Duplicate => "duplicate",
            Self::Handshake => "handshake",
            Self::LetThrough => "let_through",
        }
    }

    /// The class of an answer the layer made itself.
    pub(crate) fn of(outcome: &Outcome) -> Self {
        match outcome {
            Outcome::AlreadyProcessed | Outcome::InProgress => Self::Duplicate,
            Outcome::Answered => Self::Handshake,
            Outcome::BufferFull
            | Outcome::KeyLookupFailed
            | Outcome::KeyFetchFailed
            | Outcome::ReplayStoreUnavailable => Self::Unavailable,
            Outcome::Rejected(_)
            | Outcome::UnknownTenant
            | Outcome::BodyTooLarge
            | Outcome::BodyReadFailed
            | Outcome::BodyTimeout
            | Outcome::UnsupportedContentEncoding
            | Outcome::MissingDedupeKey => Self::Rejected,
        }
    }
}

/// What a replay claim found (label `result` of `webhook_guard_replay_claims_total`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ClaimResult {
    New,
    Duplicate,
    InProgress,
    StoreError,
}

impl ClaimResult {
    #[cfg(any(feature = "metrics", test))]
    const ALL: [Self; 4] = [
        Self::New,
        Self::Duplicate,
        Self::InProgress,
        Self::StoreError,
    ];

    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::New => "new",
            Self::Duplicate => "duplicate",
            Self::InProgress => "in_progress",
            Self::StoreError => "store_error",
        }
    }
}

/// A replay-store operation (label `operation`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum StoreOp {
    Claim,
    Complete,
    Release,
}

impl StoreOp {
    #[cfg(any(feature = "metrics", test))]
    const ALL: [Self; 3] = [Self::Claim, Self::Complete, Self::Release];

    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::Claim => "claim",
            Self::Complete => "complete",
            Self::Release => "release",
        }
    }
}

/// How a store operation, a resolver lookup or a key fetch ended (label `result`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ended {
    /// Succeeded: for a resolver, the tenant was found.
    Ok,
    /// The resolver or the provider said there is no such tenant or key.
    NotFound,
    /// Failed (an error, a panic, an unusable answer).
    Error,
    /// Missed its deadline.
    Timeout,
}

impl Ended {
    #[cfg(any(feature = "metrics", test))]
    const ALL: [Self; 4] = [Self::Ok, Self::NotFound, Self::Error, Self::Timeout];

    /// The label value; a resolver's success is `found`.
    pub(crate) fn as_str(self, found: bool) -> &'static str {
        match self {
            Self::Ok if found => "found",
            Self::Ok => "ok",
            Self::NotFound => "not_found",
            Self::Error => "error",
            Self::Timeout => "timeout",
        }
    }
}

/// When something started, for a duration metric (nothing without the feature).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Stopwatch {
    #[cfg(feature = "metrics")]
    started: tokio::time::Instant,
}

impl Stopwatch {
    #[inline]
    pub(crate) fn start() -> Self {
        Self {
            #[cfg(feature = "metrics")]
            started: tokio::time::Instant::now(),
        }
    }

    #[cfg(feature = "metrics")]
    fn seconds(self) -> f64 {
        self.started.elapsed().as_secs_f64()
    }
}

/// A layer's metrics: its labels, and the keys of its series once used. Cloning it shares them.
#[derive(Clone)]
pub(crate) struct Observer {
    #[cfg(feature = "metrics")]
    series: std::sync::Arc<enabled::Series>,
}

impl Observer {
    /// The metrics of a layer verifying `scheme`: labelled with the preset's name, or `custom`.
    #[cfg_attr(not(feature = "metrics"), allow(unused_variables))]
    pub(crate) fn new(scheme: &Scheme) -> Self {
        Self {
            #[cfg(feature = "metrics")]
            series: std::sync::Arc::new(enabled::Series::new(provider_label(scheme), None)),
        }
    }

    /// The same metrics with the label `endpoint` = `name` on every series.
    #[cfg(feature = "metrics")]
    pub(crate) fn with_endpoint(&self, name: ::metrics::SharedString) -> Self {
        Self {
            series: std::sync::Arc::new(enabled::Series::new(self.series.provider, Some(name))),
        }
    }

    /// The layer answered `outcome` itself.
    #[inline]
    #[cfg_attr(not(feature = "metrics"), allow(unused_variables))]
    pub(crate) fn answered(&self, outcome: &Outcome) {
        #[cfg(feature = "metrics")]
        self.series.answered(outcome);
    }

    /// Report-only mode let a delivery that failed with `outcome` through.
    #[inline]
    #[cfg_attr(not(feature = "metrics"), allow(unused_variables))]
    pub(crate) fn let_through(&self, outcome: &Outcome) {
        #[cfg(feature = "metrics")]
        self.series.let_through(outcome);
    }

    /// A verified delivery goes to the inner service.
    #[inline]
    pub(crate) fn verified(&self) {
        #[cfg(feature = "metrics")]
        self.series.delivery(Delivery::Verified);
    }

    /// A body of `len` bytes was read in full under the limits.
    #[inline]
    #[cfg_attr(not(feature = "metrics"), allow(unused_variables))]
    pub(crate) fn body(&self, len: usize) {
        #[cfg(feature = "metrics")]
        self.series.body(len);
    }

    /// A replay claim found `result`.
    #[inline]
    #[cfg_attr(not(feature = "metrics"), allow(unused_variables))]
    pub(crate) fn claim(&self, result: ClaimResult) {
        #[cfg(feature = "metrics")]
        self.series.claim(result);
    }

    /// A store operation ended.
    #[inline]
    #[cfg_attr(not(feature = "metrics"), allow(unused_variables))]
    pub(crate) fn store(&self, op: StoreOp, ended: Ended, started: Stopwatch) {
        #[cfg(feature = "metrics")]
        self.series.store(op, ended, started.seconds());
    }

    /// A resolver lookup ended.
    #[inline]
    #[cfg_attr(not(feature = "metrics"), allow(unused_variables))]
    pub(crate) fn resolver(&self, ended: Ended, started: Stopwatch) {
        #[cfg(feature = "metrics")]
        self.series.resolver(ended, started.seconds());
    }

    /// A key fetch ended.
    #[inline]
    #[cfg_attr(not(feature = "metrics"), allow(unused_variables))]
    pub(crate) fn fetch(&self, ended: Ended, started: Stopwatch) {
        #[cfg(feature = "metrics")]
        self.series.fetch(ended, started.seconds());
    }
}

impl std::fmt::Debug for Observer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut d = f.debug_struct("Metrics");
        #[cfg(feature = "metrics")]
        d.field("provider", &self.series.provider)
            .field("endpoint", &self.series.endpoint.as_deref());
        d.finish()
    }
}

/// The `provider` label: a preset's name (static, known in advance), or `custom` for a scheme
/// built with [`Scheme::builder`], whose name is the user's and may say anything.
pub(crate) fn provider_label(scheme: &Scheme) -> &'static str {
    match &scheme.name {
        std::borrow::Cow::Borrowed(preset) => preset,
        std::borrow::Cow::Owned(_) => "custom",
    }
}

/// Where a rejection's reason sits among the rejection series, `None` for the answers that are
/// not rejections (duplicates, handshakes). Every `Outcome` and `RejectionKind` is listed, so a
/// new one cannot be forgotten here.
#[cfg(feature = "metrics")]
fn reason_slot(outcome: &Outcome) -> Option<usize> {
    Some(match outcome {
        Outcome::Rejected(rejection) => match rejection.kind() {
            RejectionKind::MissingHeader => 0,
            RejectionKind::DuplicateHeader => 1,
            RejectionKind::MalformedHeader => 2,
            RejectionKind::InvalidTimestamp => 3,
            RejectionKind::TimestampTooOld => 4,
            RejectionKind::TimestampInFuture => 5,
            RejectionKind::InvalidId => 6,
            RejectionKind::NoSignature => 7,
            RejectionKind::SignatureMismatch => 8,
            RejectionKind::NoActiveKey => 9,
            RejectionKind::MalformedBody => 10,
            RejectionKind::UntrustedKeyLocation => 11,
        },
        Outcome::UnknownTenant => 12,
        Outcome::BodyTooLarge => 13,
        Outcome::BodyReadFailed => 14,
        Outcome::BodyTimeout => 15,
        Outcome::UnsupportedContentEncoding => 16,
        Outcome::BufferFull => 17,
        Outcome::KeyLookupFailed => 18,
        Outcome::KeyFetchFailed => 19,
        Outcome::ReplayStoreUnavailable => 20,
        Outcome::MissingDedupeKey => 21,
        Outcome::AlreadyProcessed | Outcome::InProgress | Outcome::Answered => return None,
    })
}

#[cfg(feature = "metrics")]
const REASONS: usize = 22;

#[cfg(feature = "metrics")]
mod enabled {
    use std::sync::OnceLock;

    use ::metrics::{Key, Label, Level, Metadata, SharedString};

    use super::{ClaimResult, Delivery, Ended, REASONS, StoreOp, reason_slot};
    use crate::metrics as names;
    use crate::outcome::Outcome;

    static METADATA: Metadata<'static> = Metadata::new(
        crate::trace::TRACING_TARGET,
        Level::INFO,
        Some(module_path!()),
    );

    const STORE_SERIES: usize = StoreOp::ALL.len() * Ended::ALL.len();

    /// One layer's labels and the keys of its series, each built on first use.
    pub(super) struct Series {
        pub(super) provider: &'static str,
        pub(super) endpoint: Option<SharedString>,
        deliveries: [OnceLock<Key>; Delivery::ALL.len()],
        rejections: [OnceLock<Key>; REASONS],
        claims: [OnceLock<Key>; ClaimResult::ALL.len()],
        store: [OnceLock<Key>; STORE_SERIES],
        resolver: [OnceLock<Key>; Ended::ALL.len()],
        fetch: [OnceLock<Key>; Ended::ALL.len()],
        body: [OnceLock<Key>; 1],
    }

    impl Series {
        pub(super) fn new(provider: &'static str, endpoint: Option<SharedString>) -> Self {
            Self {
                provider,
                endpoint,
                deliveries: Default::default(),
                rejections: Default::default(),
                claims: Default::default(),
                store: Default::default(),
                resolver: Default::default(),
                fetch: Default::default(),
                body: Default::default(),
            }
        }

        /// The key of series `i` of `slots`: `provider`, `endpoint` when set, then `labels`.
        /// Every index is in range (each array is sized by the enum that indexes it).
        fn key<'a>(
            &self,
            slots: &'a [OnceLock<Key>],
            i: usize,
            name: &'static str,
            labels: &[(&'static str, &'static str)],
        ) -> Option<&'a Key> {
            let slot = slots.get(i)?;
            Some(slot.get_or_init(|| {
                let mut all = Vec::with_capacity(labels.len() + 2);
                all.push(Label::from_static_parts("provider", self.provider));
                if let Some(endpoint) = &self.endpoint {
                    all.push(Label::new("endpoint", endpoint.clone()));
                }
                all.extend(
                    labels
                        .iter()
                        .map(|&(key, value)| Label::from_static_parts(key, value)),
                );
                Key::from_parts(name, all)
            }))
        }

        pub(super) fn delivery(&self, delivery: Delivery) {
            let labels = [("outcome", delivery.as_str())];
            let i = delivery as usize;
            count(self.key(&self.deliveries, i, names::DELIVERIES, &labels));
        }

        fn rejection(&self, outcome: &Outcome) {
            let Some(i) = reason_slot(outcome) else {
                return;
            };
            let labels = [("reason", outcome.as_str())];
            count(self.key(&self.rejections, i, names::REJECTIONS, &labels));
        }

        pub(super) fn answered(&self, outcome: &Outcome) {
            self.delivery(Delivery::of(outcome));
            self.rejection(outcome);
        }

        pub(super) fn let_through(&self, outcome: &Outcome) {
            self.delivery(Delivery::LetThrough);
            self.rejection(outcome);
        }

        pub(super) fn body(&self, len: usize) {
            // Exact up to 2^53 bytes.
            #[allow(clippy::cast_precision_loss)]
            let len = len as f64;
            record(self.key(&self.body, 0, names::BODY_SIZE, &[]), len);
        }

        pub(super) fn claim(&self, result: ClaimResult) {
            let labels = [("result", result.as_str())];
            let i = result as usize;
            count(self.key(&self.claims, i, names::REPLAY_CLAIMS, &labels));
        }

        pub(super) fn store(&self, op: StoreOp, ended: Ended, seconds: f64) {
            let labels = [("operation", op.as_str()), ("result", ended.as_str(false))];
            let i = op as usize * Ended::ALL.len() + ended as usize;
            let key = self.key(&self.store, i, names::REPLAY_STORE_DURATION, &labels);
            record(key, seconds);
        }

        pub(super) fn resolver(&self, ended: Ended, seconds: f64) {
            let labels = [("result", ended.as_str(true))];
            let i = ended as usize;
            let key = self.key(&self.resolver, i, names::KEY_RESOLVER_DURATION, &labels);
            record(key, seconds);
        }

        pub(super) fn fetch(&self, ended: Ended, seconds: f64) {
            let labels = [("result", ended.as_str(false))];
            let i = ended as usize;
            let key = self.key(&self.fetch, i, names::KEY_FETCH_DURATION, &labels);
            record(key, seconds);
        }
    }

    fn count(key: Option<&Key>) {
        if let Some(key) = key {
            ::metrics::with_recorder(|r| r.register_counter(key, &METADATA).increment(1));
        }
    }

    fn record(key: Option<&Key>, value: f64) {
        if let Some(key) = key {
            ::metrics::with_recorder(|r| r.register_histogram(key, &METADATA).record(value));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every label value the crate can emit is in docs/metrics.md, so the document cannot fall
    /// behind the code.
    #[test]
    fn every_label_value_is_documented() {
        let doc = include_str!("../docs/metrics.md");
        let mut values: Vec<&str> = Vec::new();
        values.extend(Delivery::ALL.iter().map(|d| d.as_str()));
        values.extend(ClaimResult::ALL.iter().map(|c| c.as_str()));
        values.extend(StoreOp::ALL.iter().map(|o| o.as_str()));
        values.extend(Ended::ALL.iter().map(|e| e.as_str(false)));
        values.push(Ended::Ok.as_str(true));
        for value in values {
            assert!(
                doc.contains(&format!("`{value}`")),
                "{value} is not in docs/metrics.md"
            );
        }
    }

    #[test]
    fn presets_are_labelled_by_name_and_built_schemes_as_custom() {
        assert_eq!(provider_label(&crate::providers::stripe()), "stripe");
        let built = Scheme::builder("acme-secret-tenant")
            .signature_header("x-sig", crate::SignatureFormat::bare())
            .signed_payload("{body}")
            .build()
            .unwrap();
        assert_eq!(built.name(), "acme-secret-tenant");
        assert_eq!(provider_label(&built), "custom");
    }
}

//! What a layer was configured with, shared by every clone of it, its services and their
//! request futures.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use smol_str::SmolStr;

use crate::budget::BufferBudget;
use crate::clock::Clock;
use crate::keys::KeySource;
use crate::observe::Observer;
use crate::replay::ReplayGuard;
use crate::response::{DebugResponder, Responder};

/// Everything the service needs, shared by every clone of a layer and its services.
#[derive(Clone)]
pub(crate) struct Shared {
    pub(crate) keys: KeySource,
    /// The scheme's name, for logs.
    pub(crate) provider: SmolStr,
    pub(crate) body_limit: usize,
    pub(crate) body_timeout: Option<Duration>,
    pub(crate) clock: Clock,
    pub(crate) responder: Arc<dyn Responder>,
    pub(crate) replay: Option<ReplayGuard>,
    pub(crate) budget: Option<Arc<BufferBudget>>,
    pub(crate) report_only: bool,
    /// Metrics (nothing without the `metrics` feature).
    pub(crate) observe: Observer,
}

impl fmt::Debug for Shared {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WebhookLayer")
            .field("keys", &self.keys)
            .field("body_limit", &self.body_limit)
            .field("body_timeout", &self.body_timeout)
            .field("clock", &self.clock)
            .field("responder", &DebugResponder(&*self.responder))
            .field("replay", &self.replay)
            .field("report_only", &self.report_only)
            .field("budget", &self.budget)
            .field("metrics", &self.observe)
            .finish_non_exhaustive()
    }
}

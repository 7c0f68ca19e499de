//! Where "now" comes from: [`Clock`].

use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The clock a layer checks timestamps and expiries against: the system clock (the default), or
/// a manual clock that only moves when told to, for tests — no test needs to sleep to make a
/// timestamp stale. Set it once, on the layer ([`WebhookLayer::clock`](crate::WebhookLayer::clock)):
/// the replay guard's stores get their "now" from the layer.
///
/// Clones of a manual clock share its time.
///
/// ```
/// use std::time::Duration;
/// use webhook_guard::Clock;
///
/// let clock = Clock::manual_at_unix(1_700_000_000);
/// let handle = clock.clone();
/// handle.advance(Duration::from_secs(301));
/// assert_eq!(clock.unix(), 1_700_000_301);
///
/// assert!(Clock::system().unix() > 1_700_000_000);
/// ```
#[derive(Clone, Default)]
pub struct Clock(Kind);

#[derive(Clone, Default)]
enum Kind {
    #[default]
    System,
    Manual(Arc<Mutex<SystemTime>>),
}

impl Clock {
    /// The system clock ([`SystemTime::now`]).
    #[must_use]
    pub fn system() -> Self {
        Self(Kind::System)
    }

    /// A manual clock stopped at `time`.
    #[must_use]
    pub fn manual(time: SystemTime) -> Self {
        Self(Kind::Manual(Arc::new(Mutex::new(time))))
    }

    /// A manual clock stopped at `secs` seconds after the Unix epoch.
    #[must_use]
    pub fn manual_at_unix(secs: u64) -> Self {
        Self::manual(UNIX_EPOCH + Duration::from_secs(secs))
    }

    /// The current time.
    #[must_use]
    pub fn now(&self) -> SystemTime {
        match &self.0 {
            Kind::System => SystemTime::now(),
            Kind::Manual(time) => *time.lock().unwrap_or_else(|e| e.into_inner()),
        }
    }

    /// The current time in whole seconds since the Unix epoch.
    #[must_use]
    pub fn unix(&self) -> u64 {
        self.now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs())
    }

    /// Moves a manual clock to `time`; no effect on the system clock.
    pub fn set(&self, time: SystemTime) {
        if let Kind::Manual(t) = &self.0 {
            *t.lock().unwrap_or_else(|e| e.into_inner()) = time;
        }
    }

    /// Moves a manual clock forward by `by`; no effect on the system clock.
    pub fn advance(&self, by: Duration) {
        if let Kind::Manual(t) = &self.0 {
            let mut t = t.lock().unwrap_or_else(|e| e.into_inner());
            *t = t.checked_add(by).unwrap_or(*t);
        }
    }
}

impl fmt::Debug for Clock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Kind::System => f.write_str("Clock::System"),
            Kind::Manual(_) => f.debug_tuple("Clock::Manual").field(&self.now()).finish(),
        }
    }
}

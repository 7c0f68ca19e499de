//! The tracing target every event of this crate is logged at, and the events the middleware
//! and its helpers emit. Nothing here logs a secret, a signature or a body.

/// The tracing target of every event this crate emits (`webhook_guard`).
///
/// ```
/// assert_eq!(webhook_guard::TRACING_TARGET, "webhook_guard");
/// ```
pub const TRACING_TARGET: &str = "webhook_guard";

use crate::outcome::Outcome;

/// The layer answered `outcome` itself.
pub(crate) fn answered(provider: &str, outcome: &Outcome) {
    match outcome {
        Outcome::Answered => tracing::debug!(
            target: TRACING_TARGET,
            provider,
            "webhook handshake answered"
        ),
        Outcome::AlreadyProcessed | Outcome::InProgress => tracing::info!(
            target: TRACING_TARGET,
            provider,
            outcome = outcome.as_str(),
            "webhook duplicate answered"
        ),
        _ => tracing::info!(
            target: TRACING_TARGET,
            provider,
            reason = outcome.as_str(),
            header = outcome.rejection().and_then(|r| r.header()).map(http::HeaderName::as_str),
            status = outcome.status().as_u16(),
            "webhook rejected"
        ),
    }
}

/// Report-only mode: the delivery would have been rejected; it goes through, loudly.
pub(crate) fn let_through(provider: &str, outcome: &Outcome) {
    tracing::warn!(
        target: TRACING_TARGET,
        provider,
        reason = outcome.as_str(),
        header = outcome.rejection().and_then(|r| r.header()).map(http::HeaderName::as_str),
        "REPORT-ONLY: webhook would have been rejected, passing it to the handler unverified"
    );
}

/// A delivery matched a key in its grace period (one with an expiry), so operators can see when
/// the sender has switched to the new key.
pub(crate) fn grace_key(provider: &str, key: &str, tenant: Option<&str>, expires_in_secs: u64) {
    tracing::info!(
        target: TRACING_TARGET,
        provider,
        key,
        tenant,
        expires_in_secs,
        "delivery matched a key that is being rotated out"
    );
}

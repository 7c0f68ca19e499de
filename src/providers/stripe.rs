use std::borrow::Cow;

use super::one;
use crate::scheme::message::{Part, lit};
use crate::scheme::time::TimeFormat;
use crate::scheme::{Scheme, SignatureFormat, TimestampSource};

/// What is signed.
const SIGNED: &[Part] = &[Part::Timestamp, lit("."), Part::Body];

/// Stripe: `Stripe-Signature: t=<unix>,v1=<hex>[,v1=<hex>…][,v0=…]`.
///
/// HMAC-SHA256 over `{t}.{body}`, keyed with the endpoint secret's **whole text** including the
/// `whsec_` prefix (Stripe does not base64-decode it). Any `v1` may match — Stripe sends one per
/// active secret while you roll a secret — and `v0` (test mode's decoy) is ignored. Items are
/// split exactly as Stripe's SDKs do, without trimming spaces.
///
/// Window: 300 s. Stripe's SDKs check only the past; this preset also refuses timestamps more
/// than 300 s in the future, which closes a replay window and costs nothing with synchronised
/// clocks (widen it with [`Scheme::tolerance_future`]). The timestamp text must be plain digits:
/// Stripe's SDKs also accept `t=0<digits>`, which Stripe never sends.
///
/// ```
/// use webhook_guard::{providers, Keyring, Secret, Verifier};
///
/// let verifier = Verifier::new(providers::stripe(), Keyring::from(Secret::new("whsec_test")?))?;
/// # Ok::<(), webhook_guard::ConfigError>(())
/// ```
#[must_use]
pub fn stripe() -> Scheme {
    Scheme::preset(
        "stripe",
        one("stripe-signature"),
        SignatureFormat::key_value(',', "v1"),
    )
    .signing(SIGNED)
    .stamp(TimestampSource::Param(
        Cow::Borrowed("t"),
        TimeFormat::Seconds,
    ))
}

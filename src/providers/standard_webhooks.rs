use super::either;
use crate::scheme::headers::HeaderNames;
use crate::scheme::message::{Part, lit};
use crate::scheme::time::TimeFormat;
use crate::scheme::{Algorithm, Encoding, KeyFormat, Scheme, SignatureFormat, TimestampSource};

/// What every Standard Webhooks sender signs: `{id}.{t}.{body}`.
pub(super) const SIGNED: &[Part] = &[Part::Id, lit("."), Part::Timestamp, lit("."), Part::Body];

/// [Standard Webhooks](https://www.standardwebhooks.com/): `webhook-id`, `webhook-timestamp` and
/// `webhook-signature: v1,<base64> [v1,<base64> …]` (the `svix-*` spellings are accepted too).
///
/// HMAC-SHA256 over `{id}.{t}.{body}`, keyed with the base64-decoded part of the `whsec_…` secret
/// (24 to 64 bytes, as the spec requires). Any `v1` entry may match; entries of other versions
/// (`v1a`, `v2`) and malformed entries are skipped. The id must be `[A-Za-z0-9_:-]{1,256}` — a
/// `.` would make the signed concatenation ambiguous. Window ±300 s, as every reference
/// library. For asymmetric `v1a` signatures use [`standard_webhooks_ed25519`].
///
/// ```
/// use webhook_guard::{providers, Keyring, Secret, Verifier};
///
/// let secret = Secret::new("whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD")?;
/// let verifier = Verifier::new(providers::standard_webhooks(), Keyring::from(secret))?;
/// # Ok::<(), webhook_guard::ConfigError>(())
/// ```
#[must_use]
pub fn standard_webhooks() -> Scheme {
    branded("standard-webhooks", Brand::Webhook, false)
}

/// Svix: the Standard Webhooks scheme, reading the `svix-*` headers first and falling back to
/// `webhook-*`, as Svix's own libraries do.
///
/// ```
/// use webhook_guard::{providers, Keyring, Secret, Verifier};
///
/// let secret = Secret::new("whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD")?;
/// let verifier = Verifier::new(providers::svix(), Keyring::from(secret))?;
/// # Ok::<(), webhook_guard::ConfigError>(())
/// ```
#[must_use]
pub fn svix() -> Scheme {
    branded("svix", Brand::Svix, false)
}

/// Standard Webhooks with asymmetric signatures: `webhook-signature: v1a,<base64 Ed25519
/// signature>` over `{id}.{t}.{body}`, checked with the sender's `whpk_…` public key (`whpk_` +
/// base64 of the 32-byte key). Only `v1a` entries are checked: a `v1` (HMAC) entry never
/// matches a public key. Needs the `ed25519` feature. Name: `standard-webhooks`.
///
/// ```
/// # #[cfg(feature = "ed25519")] {
/// use webhook_guard::{providers, Keyring, Secret, Verifier};
///
/// let key = Secret::new("whpk_/UbiBBm9TojNMJC6OVLccNtUu19ynws80F45y++06jE=")?;
/// let verifier = Verifier::new(providers::standard_webhooks_ed25519(), Keyring::from(key))?;
/// # }
/// # Ok::<(), webhook_guard::ConfigError>(())
/// ```
#[must_use]
pub fn standard_webhooks_ed25519() -> Scheme {
    branded("standard-webhooks", Brand::Webhook, true)
}

/// Svix with asymmetric `v1a` signatures: [`standard_webhooks_ed25519`] reading `svix-*`
/// first. Needs the `ed25519` feature. Name: `svix`.
///
/// ```
/// # #[cfg(feature = "ed25519")] {
/// use webhook_guard::{providers, Keyring, Secret, Verifier};
///
/// let key = Secret::new("whpk_/UbiBBm9TojNMJC6OVLccNtUu19ynws80F45y++06jE=")?;
/// let verifier = Verifier::new(providers::svix_ed25519(), Keyring::from(key))?;
/// # }
/// # Ok::<(), webhook_guard::ConfigError>(())
/// ```
#[must_use]
pub fn svix_ed25519() -> Scheme {
    branded("svix", Brand::Svix, true)
}

/// Which header spellings a sender reads first.
#[derive(Clone, Copy)]
pub(super) enum Brand {
    /// `webhook-*`, then `svix-*`.
    Webhook,
    /// `svix-*`, then `webhook-*`.
    Svix,
}

impl Brand {
    fn names(self, field: &str) -> HeaderNames {
        let name = |svix: bool| -> &'static str {
            match (svix, field) {
                (true, "id") => "svix-id",
                (true, "timestamp") => "svix-timestamp",
                (true, _) => "svix-signature",
                (false, "id") => "webhook-id",
                (false, "timestamp") => "webhook-timestamp",
                (false, _) => "webhook-signature",
            }
        };
        let svix_first = matches!(self, Self::Svix);
        either(name(svix_first), &[name(!svix_first)])
    }
}

/// The Standard Webhooks scheme under `name`, with the header spellings of `brand`: for every
/// provider that sends Standard Webhooks (HMAC `v1`, or Ed25519 `v1a`).
pub(super) fn branded(name: &'static str, brand: Brand, ed25519: bool) -> Scheme {
    let scheme = Scheme::preset(
        name,
        brand.names("signature"),
        SignatureFormat::versioned_list(if ed25519 { "v1a" } else { "v1" }),
    )
    .signing(SIGNED)
    .enc(Encoding::Base64)
    .stamp(TimestampSource::Header(
        brand.names("timestamp"),
        TimeFormat::Seconds,
    ))
    .with_id(brand.names("id"));
    if ed25519 {
        scheme
            .algo(Algorithm::Ed25519)
            .key(KeyFormat::StandardWebhooksPublic)
    } else {
        scheme.key(KeyFormat::StandardWebhooks)
    }
}

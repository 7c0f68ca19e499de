use std::sync::Arc;

use http::Method;

use super::one;
use crate::scheme::hooks::{Handshake, KeyedMac, Reply};
use crate::scheme::message::RequestView;
use crate::scheme::{Encoding, KeyFormat, Scheme, SignatureFormat};

/// WooCommerce: `X-WC-Webhook-Signature: <base64 HMAC-SHA256(key, body)>`.
///
/// The key is the webhook secret after WordPress's `wp_specialchars_decode($secret,
/// ENT_QUOTES)`, as WooCommerce computes it (`class-wc-webhook.php`): give the secret exactly
/// as WooCommerce shows it, and `&amp;`, `&quot;`, `&#039;`, `&lt;`, `&gt;` (and their numeric
/// forms) are decoded for you ([`KeyFormat::WordPressEscaped`]).
///
/// When a webhook is created or activated WooCommerce posts an **unsigned** `webhook_id=<n>`
/// ping and expects 200; it is rejected unless you opt in with [`Scheme::answer_handshakes`],
/// which lets exactly that body (no signature header, a POST of `webhook_id=<1 to 20 digits>`)
/// through with [`Verified::is_unsigned`](crate::Verified::is_unsigned) set. It never claims a
/// replay entry.
///
/// ```
/// use webhook_guard::{providers, Keyring, Secret, WebhookLayer};
///
/// let woo = providers::woocommerce().answer_handshakes();
/// let layer = WebhookLayer::new(woo, Keyring::from(Secret::new("woo secret")?))?;
/// # Ok::<(), webhook_guard::ConfigError>(())
/// ```
#[must_use]
pub fn woocommerce() -> Scheme {
    Scheme::preset(
        "woocommerce",
        one("x-wc-webhook-signature"),
        SignatureFormat::bare(),
    )
    .enc(Encoding::Base64)
    .key(KeyFormat::WordPressEscaped)
    .handshake(Arc::new(CreationPing))
}

/// The longest creation ping: `webhook_id=` and 20 digits.
const PING_LEN: usize = 31;

/// Lets the unsigned creation ping through.
struct CreationPing;

impl Handshake for CreationPing {
    fn recognise(&self, request: &RequestView<'_>) -> Option<usize> {
        (request.method == Method::POST).then_some(PING_LEN)
    }

    fn unsigned(&self, _: &RequestView<'_>, body: &[u8], _: KeyedMac<'_>) -> Option<Reply> {
        is_ping(body).then_some(Reply::Forward)
    }
}

/// Whether `body` is exactly WooCommerce's creation ping, `webhook_id=<1 to 20 digits>`.
fn is_ping(body: &[u8]) -> bool {
    body.strip_prefix(b"webhook_id=")
        .is_some_and(|id| (1..=20).contains(&id.len()) && id.iter().all(u8::is_ascii_digit))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ping_shape() {
        assert!(is_ping(b"webhook_id=12"));
        assert!(is_ping(b"webhook_id=12345678901234567890"));
        for bad in [
            &b"webhook_id="[..],
            b"webhook_id=123456789012345678901",
            b"webhook_id=12&x=1",
            b"webhook_id=a",
            b" webhook_id=1",
        ] {
            assert!(!is_ping(bad));
        }
    }
}

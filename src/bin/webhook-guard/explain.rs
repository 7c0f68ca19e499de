//! `explain`: when a delivery is refused, find the usual mistake that explains it.
//!
//! Nothing here computes a MAC or parses a signature header. Each hypothesis is a *variant* of
//! the configuration or of the delivery — another form of the secret, other body bytes, another
//! algorithm or encoding, another preset, another public URL — and the real [`Verifier`] decides
//! whether the signature matches it. The first hypothesis that matches (they are tried from the
//! likeliest) is the diagnosis. All variants are checked with the timestamp window off, so a
//! stale timestamp never hides the signature problem; the timestamp is judged on its own.
//!
//! Findings name secrets by their label (`--secret #1`) and describe them in words; they never
//! contain a secret, a key or a signature.

use std::time::{Duration, UNIX_EPOCH};

use base64::Engine as _;
use http::Uri;
use webhook_guard::{
    Algorithm, Encoding, KeyFormat, Keyring, PublicUrl, RejectionKind, Scheme, Secret, Verified,
    Verifier, providers,
};

use crate::json;
use crate::setup::{self, GivenSecret, Purpose, unix, utc};
use crate::verdict::{Delivery, Refusal, compressed, reason};

/// One cause, with its fix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Finding {
    /// A stable identifier from the catalogue (`body-reserialized`, `timestamp-skew`, …).
    pub(crate) cause: &'static str,
    pub(crate) diagnosis: String,
    pub(crate) fix: String,
}

/// What `explain` was given.
#[derive(Debug)]
pub(crate) struct Setup<'a> {
    pub(crate) provider: &'a str,
    /// The scheme `verify` used (public URL and tolerance applied).
    pub(crate) scheme: Scheme,
    pub(crate) secrets: &'a [GivenSecret],
    pub(crate) url: Option<&'a str>,
    /// Whether `--now` was given (a captured delivery).
    pub(crate) now_given: bool,
}

/// The causes of `refusal`, the main one first. Never empty.
pub(crate) fn explain(setup: &Setup<'_>, delivery: &Delivery, refusal: &Refusal) -> Vec<Finding> {
    let mut findings = Vec::new();
    let mut delivery = delivery.clone();
    if compressed(&delivery.headers) {
        findings.push(Finding {
            cause: "content-encoding",
            diagnosis: "the request has a Content-Encoding other than identity: the layer refuses compressed bodies, because signatures cover the bytes as sent".into(),
            fix: "have the sender (or the proxy in front of you) send the body uncompressed, and keep decompression layers behind WebhookLayer".into(),
        });
        delivery.headers.remove(http::header::CONTENT_ENCODING);
    }
    if delivery.body.len() > setup.scheme.default_body_limit() {
        findings.push(Finding {
            cause: "body-too-large",
            diagnosis: format!(
                "the body is {} bytes, over {}'s limit of {} bytes",
                delivery.body.len(),
                setup.provider,
                setup.scheme.default_body_limit()
            ),
            fix: "raise the limit with WebhookLayer::body_limit (or Scheme::body_limit) if the provider really sends bodies this large".into(),
        });
    }

    let search = Search {
        setup,
        delivery: &delivery,
        relaxed: setup.scheme.clone().disable_timestamp_check(),
    };
    let matched = match search.check(&search.relaxed, search.keys(), &delivery.body) {
        Some(verified) => Some(verified),
        None => {
            let found = search.signature();
            found.map(|(finding, verified)| {
                findings.push(finding);
                verified
            })
        }
    };

    let timestamp = match &matched {
        Some(verified) => verified.timestamp_unix(),
        None => refusal
            .kind()
            .and_then(|kind| search.timestamp_by_bisection(kind)),
    };
    if let Some(finding) = timestamp.and_then(|ts| search.skew(ts)) {
        findings.push(finding);
    }
    if matched.is_none() {
        findings.push(search.unexplained(refusal));
    }
    findings
}

struct Search<'a> {
    setup: &'a Setup<'a>,
    delivery: &'a Delivery,
    /// The configured scheme without its timestamp window.
    relaxed: Scheme,
}

/// A secret variant: how it is built, and what it means if it matches.
struct SecretVariant {
    secret: Result<Secret, webhook_guard::ConfigError>,
    cause: &'static str,
    diagnosis: String,
    fix: String,
}

impl Search<'_> {
    fn provider(&self) -> &str {
        self.setup.provider
    }

    /// The keyring `verify` used.
    fn keys(&self) -> Option<Keyring> {
        setup::keyring(self.setup.secrets).ok()
    }

    fn verifier(scheme: &Scheme, keys: Option<Keyring>) -> Option<Verifier> {
        Verifier::new(scheme.clone(), keys?).ok()
    }

    /// Whether the real verifier accepts the delivery with this scheme, these keys and `body`.
    fn check(&self, scheme: &Scheme, keys: Option<Keyring>, body: &[u8]) -> Option<Verified> {
        Self::verifier(scheme, keys)?
            .verify(&self.delivery.request(body), self.delivery.now)
            .ok()
    }

    /// Every signature hypothesis, likeliest first; the first that matches.
    fn signature(&self) -> Option<(Finding, Verified)> {
        self.secret_forms()
            .or_else(|| self.body_bytes())
            .or_else(|| self.body_json())
            .or_else(|| self.public_url())
            // Before the algorithm: Twilio's SharedKey form *is* the Auth Token form with
            // HMAC-SHA256, and the right advice is its preset.
            .or_else(|| self.other_provider())
            .or_else(|| self.signature_format())
    }

    // --- secrets ---------------------------------------------------------------------------

    fn secret_forms(&self) -> Option<(Finding, Verified)> {
        let algorithm = self.relaxed.algorithm();
        if !algorithm.is_mac() && algorithm != Algorithm::Token {
            return None; // public keys: nothing to get wrong in the same way
        }
        for given in self.setup.secrets {
            for variant in self.secret_variants(given) {
                let Ok(secret) = variant.secret else { continue };
                let keys = Keyring::new().key(given.label.clone(), secret);
                if let Some(verified) = self.check(&self.relaxed, Some(keys), &self.delivery.body) {
                    return Some((
                        Finding {
                            cause: variant.cause,
                            diagnosis: variant.diagnosis,
                            fix: variant.fix,
                        },
                        verified,
                    ));
                }
            }
        }
        None
    }

    fn secret_variants(&self, given: &GivenSecret) -> Vec<SecretVariant> {
        let provider = self.provider();
        let label = &given.label;
        let trimmed = given.trimmed();
        let mut out = Vec::new();
        let exact = |bytes: Vec<u8>| Secret::from_bytes(bytes);

        // Whitespace the sender keeps and `Secret::new` trims.
        let keep_fix = "set the secret at the provider again without the whitespace; to accept it as it is, build the key with Secret::from_bytes and those exact bytes (--secret trims, as Secret::new does)";
        if given.text.as_str() != trimmed {
            out.push(SecretVariant {
                secret: exact(given.text.as_bytes().to_vec()),
                cause: "secret-whitespace",
                diagnosis: format!(
                    "{label} has whitespace around it, and the sender signs with that whitespace included; webhook-guard trims it, like Secret::new"
                ),
                fix: keep_fix.into(),
            });
        }
        for (what, before, after) in [
            ("followed by a newline (\\n)", "", "\n"),
            ("followed by CRLF (\\r\\n)", "", "\r\n"),
            ("followed by a space", "", " "),
            ("followed by a tab", "", "\t"),
            ("preceded by a space", " ", ""),
        ] {
            out.push(SecretVariant {
                secret: exact(format!("{before}{trimmed}{after}").into_bytes()),
                cause: "secret-whitespace",
                diagnosis: format!(
                    "the sender signs with {label} {what}: the secret was configured at the provider with that whitespace (a pasted line break, `echo` into a file)"
                ),
                fix: keep_fix.into(),
            });
        }

        if !self.relaxed.algorithm().is_mac() {
            return out;
        }
        // `whsec_` secrets: the whole text (Stripe) or the base64 after the prefix (Standard
        // Webhooks).
        let rest = trimmed.strip_prefix("whsec_");
        match (self.relaxed.key_format(), rest) {
            (KeyFormat::StandardWebhooks, Some(rest)) => {
                let fix = format!(
                    "if you wrote the sender, key the HMAC with base64-decode(the secret after `whsec_`), as {provider} specifies; a sender that keys it with text is not {provider}: build a custom scheme with KeyFormat::Raw"
                );
                out.push(SecretVariant {
                    secret: exact(trimmed.as_bytes().to_vec()),
                    cause: "secret-whsec",
                    diagnosis: format!(
                        "the sender keys the HMAC with the whole `whsec_…` text of {label} (as Stripe does), not with the base64-decoded bytes after `whsec_` that {provider} uses"
                    ),
                    fix: fix.clone(),
                });
                out.push(SecretVariant {
                    secret: exact(rest.as_bytes().to_vec()),
                    cause: "secret-whsec",
                    diagnosis: format!(
                        "the sender keys the HMAC with the base64 text after `whsec_` of {label}, without decoding it; {provider} decodes it"
                    ),
                    fix,
                });
            }
            (KeyFormat::StandardWebhooks, None) => out.push(SecretVariant {
                secret: exact(trimmed.as_bytes().to_vec()),
                cause: "secret-whsec",
                diagnosis: format!(
                    "the sender keys the HMAC with the text of {label} as it is; {provider} base64-decodes it (`whsec_` + base64)"
                ),
                fix: format!(
                    "a sender that keys the HMAC with text is not {provider}: pick its preset (`webhook-guard providers`) or build a custom scheme with KeyFormat::Raw"
                ),
            }),
            (KeyFormat::Raw | KeyFormat::WordPressEscaped, Some(rest)) => {
                out.push(SecretVariant {
                    secret: base64_any(rest).map_or(Err(webhook_guard::ConfigError::SecretNotBase64), exact),
                    cause: "secret-whsec",
                    diagnosis: format!(
                        "the sender base64-decodes the part of {label} after `whsec_` (the Standard Webhooks way); {provider} keys the HMAC with the whole text, prefix included"
                    ),
                    fix: "if the sender follows Standard Webhooks (webhook-id/-timestamp/-signature), use --provider standard-webhooks; if you wrote the sender, key the HMAC with the whole `whsec_…` string".into(),
                });
                out.push(SecretVariant {
                    secret: Secret::new(rest.to_owned()),
                    cause: "secret-whsec",
                    diagnosis: format!(
                        "the sender keys the HMAC with {label} without its `whsec_` prefix; {provider} keys it with the whole text"
                    ),
                    fix: "if you wrote the sender, key the HMAC with the whole secret, `whsec_` included".into(),
                });
            }
            (KeyFormat::Raw | KeyFormat::WordPressEscaped, None) => out.push(SecretVariant {
                secret: Secret::new(format!("whsec_{trimmed}")),
                cause: "secret-whsec",
                diagnosis: format!(
                    "{label} lacks the `whsec_` prefix the sender keys the HMAC with: {provider} uses the secret's whole text, as the dashboard shows it"
                ),
                fix: "give the whole secret, `whsec_` prefix included".into(),
            }),
            _ => {}
        }

        // A secret that looks like hex or base64, decoded by the sender.
        if matches!(
            self.relaxed.key_format(),
            KeyFormat::Raw | KeyFormat::WordPressEscaped
        ) {
            let fix = format!(
                "if you wrote the sender, key the HMAC with the secret's text (its UTF-8 bytes), as {provider} does"
            );
            if trimmed.len() >= 2
                && let Ok(bytes) = hex::decode(trimmed)
            {
                out.push(SecretVariant {
                    secret: exact(bytes),
                    cause: "secret-decoded",
                    diagnosis: format!(
                        "the sender keys the HMAC with the hex-decoded bytes of {label}; {provider} keys it with the secret's text"
                    ),
                    fix: fix.clone(),
                });
            } else if rest.is_none()
                && let Some(bytes) = base64_any(trimmed)
            {
                out.push(SecretVariant {
                    secret: exact(bytes),
                    cause: "secret-decoded",
                    diagnosis: format!(
                        "the sender keys the HMAC with the base64-decoded bytes of {label}; {provider} keys it with the secret's text"
                    ),
                    fix,
                });
            }
        }
        out
    }

    // --- body ------------------------------------------------------------------------------

    fn body_bytes(&self) -> Option<(Finding, Verified)> {
        const BOM: &[u8] = b"\xEF\xBB\xBF";
        let body = &self.delivery.body;
        let fix = "verify the bytes exactly as received: capture bodies with `curl --data-binary @file` (never `-d`, which strips newlines) or a raw request log, and keep editors and git (autocrlf) away from captured bodies; if a proxy rewrites bodies, switch that off for the webhook route";
        let mut variants: Vec<(Vec<u8>, &'static str, &'static str)> = Vec::new();
        match body.strip_prefix(BOM) {
            Some(rest) => variants.push((
                rest.to_vec(),
                "body-bom",
                "your copy of the body starts with a UTF-8 byte-order mark (EF BB BF) that the sender did not sign (an editor or a Windows tool added it)",
            )),
            None => variants.push((
                [BOM, body].concat(),
                "body-bom",
                "the signed body starts with a UTF-8 byte-order mark (EF BB BF) that your copy lost",
            )),
        }
        if let Some(rest) = body.strip_suffix(b"\r\n") {
            variants.push((
                rest.to_vec(),
                "body-newline",
                "your copy of the body ends with CRLF (\\r\\n) that the sender did not sign",
            ));
        } else if let Some(rest) = body.strip_suffix(b"\n") {
            variants.push((
                rest.to_vec(),
                "body-newline",
                "your copy of the body ends with a newline (\\n) that the sender did not sign (an editor or `echo` added it)",
            ));
        }
        variants.push((
            [body.as_slice(), b"\n"].concat(),
            "body-newline",
            "the signed body ends with a newline (\\n) that your copy lacks (`$(…)`, `curl -d` or an editor removed it)",
        ));
        variants.push((
            [body.as_slice(), b"\r\n"].concat(),
            "body-newline",
            "the signed body ends with CRLF (\\r\\n) that your copy lacks",
        ));
        let lf_to_crlf =
            body.windows(2).any(|w| w[1] == b'\n' && w[0] != b'\r') || body.first() == Some(&b'\n');
        if lf_to_crlf {
            let mut crlf = Vec::with_capacity(body.len() + 16);
            let mut previous = 0u8;
            for &b in body {
                if b == b'\n' && previous != b'\r' {
                    crlf.push(b'\r');
                }
                crlf.push(b);
                previous = b;
            }
            variants.push((
                crlf,
                "body-newline",
                "the signed body has CRLF (\\r\\n) line endings where your copy has LF (\\n)",
            ));
        }
        if body.windows(2).any(|w| w == b"\r\n") {
            let mut lf = Vec::with_capacity(body.len());
            let mut iter = body.iter().peekable();
            while let Some(&b) = iter.next() {
                if b == b'\r' && iter.peek() == Some(&&b'\n') {
                    continue;
                }
                lf.push(b);
            }
            variants.push((
                lf,
                "body-newline",
                "your copy has CRLF (\\r\\n) line endings where the signed body has LF (\\n): a Windows tool or git's autocrlf converted it",
            ));
        }
        let verifier = Self::verifier(&self.relaxed, self.keys())?;
        variants
            .into_iter()
            .find_map(|(candidate, cause, diagnosis)| {
                let verified = self.verify_body(&verifier, &candidate)?;
                Some((
                    Finding {
                        cause,
                        diagnosis: diagnosis.into(),
                        fix: fix.into(),
                    },
                    verified,
                ))
            })
    }

    fn verify_body(&self, verifier: &Verifier, body: &[u8]) -> Option<Verified> {
        verifier
            .verify(&self.delivery.request(body), self.delivery.now)
            .ok()
    }

    fn body_json(&self) -> Option<(Finding, Verified)> {
        let verifier = Self::verifier(&self.relaxed, self.keys())?;
        json::variants(&self.delivery.body)
            .into_iter()
            .find_map(|(style, candidate)| {
                let verified = self.verify_body(&verifier, &candidate)?;
                Some((
                    Finding {
                        cause: "body-reserialized",
                        diagnosis: format!(
                            "the signature matches the same JSON written {}: the body you gave is not the bytes the provider signed, it was parsed and re-serialized on the way (a JSON extractor, a logging middleware, a client that re-encodes)",
                            style.describe()
                        ),
                        fix: "verify the raw request bytes: keep WebhookLayer in front of anything that reads the body (no Json<…> or serde round trip before it), capture bodies raw for this tool, and have test senders send exactly the bytes they signed".into(),
                    },
                    verified,
                ))
            })
    }

    // --- public URL ------------------------------------------------------------------------

    fn public_url(&self) -> Option<(Finding, Verified)> {
        let url = self.setup.url?;
        if !self.relaxed.signs_url() {
            return None;
        }
        let provider = self.provider();
        url_variants(url).into_iter().find_map(|(candidate, changes)| {
            let scheme = setup::scheme(provider, self.setup.secrets, Some(&candidate), Purpose::Verify)
                .ok()?
                .disable_timestamp_check();
            let verified = self.check(&scheme, self.keys(), &self.delivery.body)?;
            let fix = if provider == "square" {
                format!(
                    "configure the notification URL exactly as the Square subscription has it: PublicUrl::exact(\"{candidate}\") (here: --url {candidate})"
                )
            } else {
                format!(
                    "configure the URL {provider} calls, as set in its console, with PublicUrl::parse(\"{}\") (here: --url {candidate}); behind a proxy never derive it from the request",
                    origin(&candidate)
                )
            };
            Some((
                Finding {
                    cause: "public-url",
                    diagnosis: format!(
                        "{provider} signed the URL `{candidate}` ({}), not `{url}`: behind a proxy or load balancer the URL the app sees is not the one the provider called",
                        changes.join(", ")
                    ),
                    fix,
                },
                verified,
            ))
        })
    }

    // --- algorithm and encoding ------------------------------------------------------------

    fn signature_format(&self) -> Option<(Finding, Verified)> {
        let provider = self.provider();
        let algorithm = self.relaxed.algorithm();
        let encoding = self.relaxed.encoding();
        let algorithms: &[Algorithm] = match algorithm {
            Algorithm::HmacSha256 | Algorithm::HmacSha1 | Algorithm::HmacSha512 => &[
                Algorithm::HmacSha256,
                Algorithm::HmacSha1,
                Algorithm::HmacSha512,
            ],
            Algorithm::Ed25519 | Algorithm::EcdsaP256Sha256 => &[algorithm],
            _ => return None,
        };
        let encodings = [Encoding::Hex, Encoding::HexAnyCase, Encoding::Base64];
        let mut candidates = Vec::new();
        // The same algorithm in another encoding first, then other algorithms.
        for &alg in algorithms {
            for enc in encodings {
                let same = alg == algorithm
                    && (enc == encoding
                        || (enc == Encoding::Hex && encoding == Encoding::HexAnyCase));
                if !same {
                    candidates.push((alg, enc));
                }
            }
        }
        candidates.sort_by_key(|&(alg, enc)| (alg != algorithm, enc != encoding));
        candidates.into_iter().find_map(|(alg, enc)| {
            let scheme = self.relaxed.clone().with_algorithm(alg).with_encoding(enc);
            let verified = self.check(&scheme, self.keys(), &self.delivery.body)?;
            let finding = if alg != algorithm {
                let hint = if provider == "github" && alg == Algorithm::HmacSha1 {
                    " (GitHub's legacy `X-Hub-Signature: sha1=…` header is --provider github-sha1)"
                } else {
                    ""
                };
                Finding {
                    cause: "signature-algorithm",
                    diagnosis: format!(
                        "the signature is {} ({}) where {provider} uses {}: the sender hashes with another algorithm",
                        alg_name(alg),
                        enc.as_str(),
                        alg_name(algorithm)
                    ),
                    fix: format!(
                        "the sender must sign with {} (test deliveries: `webhook-guard sign`); if this sender really uses {}, build the scheme with Scheme::with_algorithm(Algorithm::{:?}){hint}",
                        alg_name(algorithm),
                        alg_name(alg),
                        alg
                    ),
                }
            } else if enc == Encoding::HexAnyCase {
                Finding {
                    cause: "signature-encoding",
                    diagnosis: format!(
                        "the signature is written in uppercase hex; {provider} sends lowercase hex, and its SDKs compare the text"
                    ),
                    fix: "the sender must write lowercase hex (test deliveries: `webhook-guard sign`); to accept this sender as it is, build the scheme with Scheme::with_encoding(Encoding::HexAnyCase)".into(),
                }
            } else {
                Finding {
                    cause: "signature-encoding",
                    diagnosis: format!(
                        "the signature is {} where {provider} sends {}: the sender encoded the same {} signature differently",
                        enc.as_str(),
                        encoding.as_str(),
                        alg_name(algorithm)
                    ),
                    fix: format!(
                        "the sender must write the signature in {} (test deliveries: `webhook-guard sign`); to accept this sender as it is, build the scheme with Scheme::with_encoding(Encoding::{:?})",
                        encoding.as_str(),
                        enc
                    ),
                }
            };
            Some((finding, verified))
        })
    }

    // --- other presets ---------------------------------------------------------------------

    fn other_provider(&self) -> Option<(Finding, Verified)> {
        let mut matches: Vec<(String, String, Verified)> = Vec::new();
        for name in providers::names() {
            if name == self.provider() {
                continue;
            }
            let Ok(scheme) =
                setup::scheme(name, self.setup.secrets, self.setup.url, Purpose::Verify)
            else {
                continue;
            };
            let scheme = scheme.disable_timestamp_check();
            if let Some(verified) = self.check(&scheme, self.keys(), &self.delivery.body) {
                let fix = format!(
                    "use --provider {name} (providers::{}), which reads {}",
                    name.replace('-', "_"),
                    scheme.describe_headers()
                );
                matches.push((name.to_owned(), fix, verified));
            }
        }
        if let Some(url) = self.setup.url
            && let Ok(public) = PublicUrl::exact(url)
        {
            let scheme = providers::twilio_shared_key(public).disable_timestamp_check();
            if let Some(verified) = self.check(&scheme, self.keys(), &self.delivery.body) {
                matches.push((
                    "twilio with a SharedKey (HMAC-SHA256)".to_owned(),
                    "configure providers::twilio_shared_key(public_url) with the SharedKey secret (the CLI's `twilio` is the Auth Token form)".to_owned(),
                    verified,
                ));
            }
        }
        let mut iter = matches.into_iter();
        let (name, fix, verified) = iter.next()?;
        let others: Vec<String> = iter.map(|(n, _, _)| n).collect();
        let also = if others.is_empty() {
            String::new()
        } else {
            format!(" (as do {}, which sign the same way)", others.join(", "))
        };
        Some((
            Finding {
                cause: "other-provider",
                diagnosis: format!(
                    "the delivery carries the headers of another provider's scheme: it verifies as {name}{also}, not as {}",
                    self.provider()
                ),
                fix,
            },
            verified,
        ))
    }

    // --- timestamp -------------------------------------------------------------------------

    /// The delivery's timestamp when the signature matches nothing but the window refused it:
    /// found by moving `now` (the window's edges are where the verdict changes).
    fn timestamp_by_bisection(&self, kind: RejectionKind) -> Option<u64> {
        let (past, future) = self.setup.scheme.timestamp_window()?;
        let verifier = Self::verifier(&self.setup.scheme, self.keys())?;
        let kind_at = |secs: u64| {
            verifier
                .verify(
                    &self.delivery.request(&self.delivery.body),
                    UNIX_EPOCH + Duration::from_secs(secs),
                )
                .err()
                .map(|r| r.kind())
        };
        let now = unix(self.delivery.now);
        match kind {
            RejectionKind::TimestampTooOld => {
                // Too old exactly when now > ts + past: find the last instant that is not.
                let (mut lo, mut hi) = (0u64, now);
                if kind_at(lo) == Some(RejectionKind::TimestampTooOld) {
                    return None;
                }
                while hi - lo > 1 {
                    let mid = lo + (hi - lo) / 2;
                    if kind_at(mid) == Some(RejectionKind::TimestampTooOld) {
                        hi = mid;
                    } else {
                        lo = mid;
                    }
                }
                lo.checked_sub(past.as_secs())
            }
            RejectionKind::TimestampInFuture => {
                // In the future exactly when now < ts - future: find the first instant that is not.
                let (mut lo, mut hi) = (now, 10_000_000_000_000u64);
                if kind_at(hi) == Some(RejectionKind::TimestampInFuture) {
                    return None;
                }
                while hi - lo > 1 {
                    let mid = lo + (hi - lo) / 2;
                    if kind_at(mid) == Some(RejectionKind::TimestampInFuture) {
                        lo = mid;
                    } else {
                        hi = mid;
                    }
                }
                Some(hi + future.as_secs())
            }
            _ => None,
        }
    }

    /// A finding when `ts` is outside the configured window.
    fn skew(&self, ts: u64) -> Option<Finding> {
        let (past, future) = self.setup.scheme.timestamp_window()?;
        let now = unix(self.delivery.now);
        let provider = self.provider();
        let when = utc(ts);
        if ts <= now {
            let age = now - ts;
            if age <= past.as_secs() {
                return None;
            }
            let fix = if self.setup.now_given {
                format!(
                    "--now is {age} s after the delivery's timestamp: give the instant it arrived, e.g. --now {ts}"
                )
            } else {
                format!(
                    "if this is a captured delivery, verify it as of its arrival: --now {ts}; if live deliveries arrive this late, the server's clock is ahead of the sender's: sync it with NTP (chrony, systemd-timesyncd); if a queue delays them, widen the window with --tolerance (Scheme::tolerance_past)"
                )
            };
            Some(Finding {
                cause: "timestamp-skew",
                diagnosis: format!(
                    "the delivery's timestamp {ts} ({when}) is {age} seconds in the past; {provider}'s tolerance is {} s",
                    past.as_secs()
                ),
                fix,
            })
        } else {
            let ahead = ts - now;
            if ahead <= future.as_secs() {
                return None;
            }
            let fix = if self.setup.now_given {
                format!(
                    "--now is {ahead} s before the delivery's timestamp: give the instant it arrived, e.g. --now {ts}"
                )
            } else {
                "the server's clock is behind the sender's: sync it with NTP (chrony, systemd-timesyncd); --tolerance (Scheme::tolerance_future) widens the window meanwhile".into()
            };
            Some(Finding {
                cause: "timestamp-skew",
                diagnosis: format!(
                    "the delivery's timestamp {ts} ({when}) is {ahead} seconds in the future; {provider}'s tolerance is {} s",
                    future.as_secs()
                ),
                fix,
            })
        }
    }

    // --- nothing found ---------------------------------------------------------------------

    fn unexplained(&self, refusal: &Refusal) -> Finding {
        let provider = self.provider();
        let names: Vec<&str> = self
            .delivery
            .headers
            .keys()
            .map(http::HeaderName::as_str)
            .collect();
        let given = if names.is_empty() {
            "no headers were given".to_owned()
        } else {
            format!("headers given: {}", names.join(", "))
        };
        match refusal.kind() {
            Some(
                RejectionKind::SignatureMismatch
                | RejectionKind::TimestampTooOld
                | RejectionKind::TimestampInFuture
                | RejectionKind::MalformedBody,
            ) => Finding {
                cause: "unknown",
                diagnosis: "none of the usual mistakes makes the signature match: most likely the secret is not the one this delivery was signed with".into(),
                fix: format!(
                    "copy the signing secret again from {provider}'s dashboard for this very endpoint (each endpoint, app and test/live mode has its own, and a rolled secret replaces the old one), and check the body is byte-for-byte what arrived"
                ),
            },
            _ => Finding {
                cause: "unknown",
                diagnosis: format!(
                    "{}; no other preset matches either ({given})",
                    reason(refusal, &self.setup.scheme)
                ),
                fix: format!(
                    "pass every header of the delivery with -H, exactly as received ({provider} sends {}); if the sender is not {provider}, pick its preset (`webhook-guard providers`)",
                    self.setup.scheme.describe_headers()
                ),
            },
        }
    }
}

/// Standard base64 (padding optional), or URL-safe base64.
fn base64_any(text: &str) -> Option<Vec<u8>> {
    use base64::alphabet::{STANDARD, URL_SAFE};
    use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
    if text.trim_end_matches('=').is_empty() {
        return None;
    }
    let config =
        GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent);
    [STANDARD, URL_SAFE]
        .iter()
        .find_map(|alphabet| GeneralPurpose::new(alphabet, config).decode(text).ok())
}

fn alg_name(algorithm: Algorithm) -> String {
    algorithm.as_str().to_uppercase()
}

/// `scheme://authority` of a URL.
fn origin(url: &str) -> String {
    let after = url.find("://").map_or(0, |i| i + 3);
    let end = url
        .get(after..)
        .and_then(|rest| rest.find(['/', '?']))
        .map_or(url.len(), |i| after + i);
    url.get(..end).unwrap_or(url).to_owned()
}

/// The same URL with the usual differences between what a provider calls and what the app
/// sees: the other scheme, the port written out or left out, a trailing slash added or removed,
/// no query string. Fewest changes first; each with a description of its changes.
fn url_variants(url: &str) -> Vec<(String, Vec<String>)> {
    let Ok(uri) = url.parse::<Uri>() else {
        return Vec::new();
    };
    let (Some(scheme), Some(authority)) = (uri.scheme_str(), uri.authority()) else {
        return Vec::new();
    };
    let host = authority.host();
    let host = if host.contains(':') && !host.starts_with('[') {
        format!("[{host}]")
    } else {
        host.to_owned()
    };
    let port = authority.port_u16();
    // The text after the authority, as written (`Uri` would turn an empty path into `/`).
    let rest = url
        .find("://")
        .and_then(|i| url.get(i + 3..))
        .and_then(|after| after.get(authority.as_str().len()..))
        .unwrap_or("");
    let (path, query) = match rest.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (rest, None),
    };
    let default = |s: &str| if s == "https" { 443 } else { 80 };
    let other = if scheme == "https" { "http" } else { "https" };
    let mut out: Vec<(String, Vec<String>)> = Vec::new();
    for s in [scheme, other] {
        for p in [port, None, Some(default(s))] {
            for toggle_slash in [false, true] {
                for drop_query in [false, true] {
                    if drop_query && query.is_none() {
                        continue;
                    }
                    let mut changes = Vec::new();
                    if s != scheme {
                        changes.push(format!("`{s}` instead of `{scheme}`"));
                    }
                    match (port, p) {
                        (a, b) if a == b => {}
                        (Some(_), None) => changes.push("without the port".to_owned()),
                        (None, Some(b)) => changes.push(format!("with the port :{b} written out")),
                        (Some(a), Some(b)) => changes.push(format!("port {b} instead of {a}")),
                        _ => {}
                    }
                    let new_path = if toggle_slash {
                        match path.strip_suffix('/') {
                            Some(p) => {
                                changes.push("without the trailing slash".to_owned());
                                p.to_owned()
                            }
                            None => {
                                changes.push("with a trailing slash".to_owned());
                                format!("{path}/")
                            }
                        }
                    } else {
                        path.to_owned()
                    };
                    if drop_query {
                        changes.push("without the query string".to_owned());
                    }
                    let port_text = p.map(|p| format!(":{p}")).unwrap_or_default();
                    let query_text = match (query, drop_query) {
                        (Some(q), false) => format!("?{q}"),
                        _ => String::new(),
                    };
                    let candidate = format!("{s}://{host}{port_text}{new_path}{query_text}");
                    if candidate != url && !out.iter().any(|(c, _)| *c == candidate) {
                        out.push((candidate, changes));
                    }
                }
            }
        }
    }
    out.sort_by_key(|(_, changes)| changes.len());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_variants_cover_scheme_port_and_slash() {
        let v = url_variants("https://example.com/hook");
        let urls: Vec<&str> = v.iter().map(|(u, _)| u.as_str()).collect();
        for expected in [
            "http://example.com/hook",
            "https://example.com:443/hook",
            "https://example.com/hook/",
            "http://example.com:80/hook/",
        ] {
            assert!(urls.contains(&expected), "{expected} in {urls:?}");
        }
        assert!(!urls.contains(&"https://example.com/hook"));
        assert_eq!(v.first().map(|(_, c)| c.len()), Some(1));
        let v = url_variants("http://localhost:8080/a/?x=1");
        let urls: Vec<&str> = v.iter().map(|(u, _)| u.as_str()).collect();
        assert!(urls.contains(&"http://localhost/a/?x=1"));
        assert!(urls.contains(&"http://localhost:8080/a?x=1"));
        assert!(urls.contains(&"http://localhost:8080/a/"));
    }

    #[test]
    fn origins() {
        assert_eq!(origin("https://x.com:8443/a?b"), "https://x.com:8443");
        assert_eq!(origin("https://x.com"), "https://x.com");
    }
}

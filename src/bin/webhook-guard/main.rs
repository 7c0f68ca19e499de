//! `webhook-guard`: verify, sign and explain webhook deliveries from a terminal, with the same
//! presets and the same verifier as the `webhook_guard` layer.
//!
//! Build it with the `cli` feature: `cargo install webhook-guard --features cli`. The interface
//! (commands, options, output lines, exit codes) is documented in `docs/cli.md` and is stable.

mod explain;
mod json;
mod setup;
mod verdict;

use std::io::{IsTerminal as _, Write as _};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use clap::builder::PossibleValuesParser;
use clap::{Args, Parser, Subcommand};
use webhook_guard::{Scheme, Secret, Signer, Verifier, providers};

use crate::setup::{Purpose, UsageError, unix};
use crate::verdict::{Delivery, verdict};

const EXIT_REJECTED: u8 = 1;
const EXIT_USAGE: u8 = 2;

/// Verify, sign and explain webhook deliveries, exactly as the webhook-guard layer does.
#[derive(Debug, Parser)]
#[command(
    name = "webhook-guard",
    version,
    after_help = "Exit status: 0 verified (or done), 1 rejected, 2 usage or configuration error.\n\
                  Secrets are never printed; prefer --secret-env to keep them out of the process list.\n\
                  Documentation: docs/cli.md"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// One line per preset: name, headers, algorithm, encoding, default tolerance.
    Providers,
    /// Verify a delivery exactly as the layer does with the preset's defaults.
    ///
    /// Prints `verified` and `provider:`, `delivery-id:`, `timestamp:`, `secret:` lines (exit
    /// 0), or `rejected: <kind>` and a `reason:` line (exit 1).
    Verify(DeliveryArgs),
    /// Print the headers the provider would send, one `Name: value` per line, ready for curl -H.
    ///
    /// For asymmetric schemes the secret is the private key: Discord, the 32-byte Ed25519 seed
    /// as 64 hex characters; Standard Webhooks and Svix, `whsk_` + base64 of the seed; SendGrid,
    /// a PKCS#8 P-256 private key as PEM or base64 DER. The matching public key is printed on
    /// standard error. Mailgun signs no header: `sign` prints the body with its `signature`
    /// fields filled in instead.
    Sign(SignArgs),
    /// Like verify; when it fails, find the usual mistake that makes the signature match.
    ///
    /// Tries, with the real verifier: the body re-serialized (compact or pretty JSON, key
    /// order, escaped slashes or unicode), a trailing newline, CRLF or a BOM, whitespace around
    /// the secret, `whsec_` secrets used raw or decoded, hex or base64 and SHA-1/SHA-256/SHA-512
    /// signatures, another provider's scheme, timestamp skew and another public URL. Prints
    /// `cause:`, `diagnosis:` and `fix:` lines; never a secret or an expected signature.
    Explain(DeliveryArgs),
}

fn provider_parser() -> PossibleValuesParser {
    PossibleValuesParser::new(providers::names().collect::<Vec<_>>())
}

/// Arguments of `verify` and `explain`.
#[derive(Debug, Args)]
struct DeliveryArgs {
    /// The preset to verify with.
    #[arg(long, value_name = "NAME", value_parser = provider_parser())]
    provider: String,
    #[command(flatten)]
    secrets: Secrets,
    /// A header of the delivery, as `Name: value` (repeat for each header).
    #[arg(short = 'H', long = "header", value_name = "Name: value")]
    header: Vec<String>,
    /// The raw body, from a file or `-` for standard input (default: an empty body).
    #[arg(long, value_name = "PATH|-")]
    body_file: Option<PathBuf>,
    /// The public URL the provider called, exactly (Twilio, Square).
    #[arg(long, value_name = "URL")]
    url: Option<String>,
    /// PayPal: the id of the receiving webhook, from PayPal's developer dashboard (it is signed,
    /// never sent).
    #[arg(long, value_name = "ID")]
    webhook_id: Option<String>,
    /// Verify as of this instant, e.g. when the delivery was captured (default: now).
    #[arg(long, value_name = "UNIX_SECONDS")]
    now: Option<u64>,
    /// Timestamp tolerance in both directions, 1 to 90000 (default: the preset's).
    #[arg(long, value_name = "SECONDS")]
    tolerance: Option<u64>,
    /// The request's method, for schemes that sign it (HubSpot v3) or answer a GET or HEAD
    /// set-up request.
    #[arg(long, value_name = "METHOD", default_value = "POST", value_parser = method_parser)]
    method: http::Method,
}

fn method_parser(text: &str) -> Result<http::Method, String> {
    http::Method::from_bytes(text.to_ascii_uppercase().as_bytes())
        .map_err(|_| "not an HTTP method".to_owned())
}

/// One or more secrets: several mean a rotation.
#[derive(Debug, Args)]
#[group(id = "secrets-given", required = true, multiple = true)]
struct Secrets {
    /// A secret as the provider's dashboard shows it (SendGrid: the base64 verification key;
    /// Discord: the hex public key; Standard Webhooks/Svix: whsec_… or whpk_…). Repeat for a
    /// rotation.
    #[arg(long = "secret", value_name = "SECRET", allow_hyphen_values = true)]
    secret: Vec<String>,
    /// The name of an environment variable holding a secret. Repeat for a rotation.
    #[arg(long = "secret-env", value_name = "VAR")]
    secret_env: Vec<String>,
    /// A file holding the key instead of fetching it, for providers whose deliveries name their
    /// key (AWS SNS, PayPal: the PEM certificate at the delivery's certificate URL; Plaid: the
    /// JWK that /webhook_verification_key/get returns). No --secret is needed then. Repeat for
    /// several keys.
    #[arg(long = "cert-file", value_name = "PATH")]
    cert_file: Vec<PathBuf>,
}

/// Arguments of `sign`.
#[derive(Debug, Args)]
struct SignArgs {
    /// The preset to sign with.
    #[arg(long, value_name = "NAME", value_parser = provider_parser())]
    provider: String,
    #[command(flatten)]
    secret: SignSecret,
    /// The raw body, from a file or `-` for standard input (default: an empty body).
    #[arg(long, value_name = "PATH|-")]
    body_file: Option<PathBuf>,
    /// The signature's timestamp (default: now).
    #[arg(long, value_name = "UNIX_SECONDS")]
    timestamp: Option<u64>,
    /// The delivery id (Standard Webhooks, Svix) or Mailgun token (default: a random one).
    #[arg(long, value_name = "ID")]
    id: Option<String>,
    /// The public URL the delivery is sent to (Twilio, Square).
    #[arg(long, value_name = "URL")]
    url: Option<String>,
    /// The request's method, for schemes that sign it (HubSpot v3).
    #[arg(long, value_name = "METHOD", default_value = "POST", value_parser = method_parser)]
    method: http::Method,
}

/// Exactly one secret (for asymmetric schemes, the private key).
#[derive(Debug, Args)]
#[group(id = "signing-secret", required = true, multiple = false)]
struct SignSecret {
    /// The signing secret, or the private key for asymmetric schemes.
    #[arg(long = "secret", value_name = "SECRET", allow_hyphen_values = true)]
    secret: Option<String>,
    /// The name of an environment variable holding it.
    #[arg(long = "secret-env", value_name = "VAR")]
    secret_env: Option<String>,
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let cli = match Cli::try_parse_from(&args) {
        Ok(cli) => cli,
        Err(e) => return clap_error(&e, &args),
    };
    let result = match cli.command {
        Command::Providers => Ok(list_providers()),
        Command::Verify(args) => verify(args, false),
        Command::Explain(args) => verify(args, true),
        Command::Sign(args) => sign(args),
    };
    match result {
        Ok(code) => code,
        Err(UsageError(message)) => {
            eprintln!("error: {message}");
            ExitCode::from(EXIT_USAGE)
        }
    }
}

/// Prints clap's message (help, version, or a usage error) with any `--secret` value that it
/// might quote blanked out.
fn clap_error(e: &clap::Error, args: &[String]) -> ExitCode {
    let mut text = e.render().to_string();
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        let value = match arg.strip_prefix("--secret=") {
            Some(v) => Some(v.to_owned()),
            None if arg == "--secret" => iter.next().cloned(),
            None => None,
        };
        // clap quotes the values it shows (`'value'`, `'-- value'`); a short secret is blanked
        // only there, so that it does not mangle the rest of the message.
        if let Some(v) = value.filter(|v| !v.is_empty()) {
            if v.len() >= 8 {
                text = text.replace(&v, "[REDACTED]");
            } else {
                text = text
                    .replace(&format!("'{v}'"), "'[REDACTED]'")
                    .replace(&format!("'-- {v}'"), "'-- [REDACTED]'");
            }
        }
    }
    if e.use_stderr() {
        eprint!("{text}");
    } else {
        print!("{text}");
    }
    ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(EXIT_USAGE))
}

/// Writes lines to standard output (a closed pipe is not an error worth reporting).
fn say(lines: &[String]) {
    let mut out = std::io::stdout().lock();
    for line in lines {
        let _ = writeln!(out, "{line}");
    }
}

fn list_providers() -> ExitCode {
    let rows: Vec<[String; 5]> = providers::names()
        .filter_map(providers::by_name)
        .map(|s| {
            [
                s.name().to_owned(),
                shortened(&s.describe_headers(), 64),
                s.algorithm().as_str().to_owned(),
                s.encoding().as_str().to_owned(),
                tolerance_text(&s),
            ]
        })
        .collect();
    let mut widths = [0usize; 5];
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let lines: Vec<String> = rows
        .iter()
        .map(|row| {
            let mut line = String::new();
            for (i, (cell, w)) in row.iter().zip(widths).enumerate() {
                if i + 1 == row.len() {
                    line.push_str(cell);
                } else {
                    line.push_str(cell);
                    line.push_str(&" ".repeat(w - cell.chars().count() + 2));
                }
            }
            line
        })
        .collect();
    say(&lines);
    ExitCode::SUCCESS
}

/// `text`, or its first `max - 1` characters and `…` when longer (one line per preset stays
/// readable; `explain` and docs/providers.md give the whole description).
fn shortened(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_owned()
    } else {
        text.chars().take(max - 1).chain(['…']).collect()
    }
}

/// `±300 s`, `300 s past, 60 s future`, `off (signed, not checked)` or `none (no timestamp)`.
fn tolerance_text(scheme: &Scheme) -> String {
    match scheme.timestamp_window() {
        Some((past, future)) if past == future => format!("±{} s", past.as_secs()),
        Some((past, future)) => {
            format!("{} s past, {} s future", past.as_secs(), future.as_secs())
        }
        // A scheme with a timestamp reports a window once one is set.
        None if scheme
            .clone()
            .tolerance(Duration::from_secs(1))
            .timestamp_window()
            .is_some() =>
        {
            "off (signed, not checked)".to_owned()
        }
        None => "none (no timestamp)".to_owned(),
    }
}

fn verify(args: DeliveryArgs, explain: bool) -> Result<ExitCode, UsageError> {
    let secrets = setup::secrets(
        &args.secrets.secret,
        &args.secrets.secret_env,
        &args.secrets.cert_file,
    )?;
    let mut scheme = setup::scheme(
        &args.provider,
        &secrets,
        args.url.as_deref(),
        Purpose::Verify,
    )?;
    match (args.provider.as_str(), args.webhook_id.as_deref()) {
        ("paypal", Some(id)) => scheme = providers::paypal(id),
        ("paypal", None) => {
            return Err(UsageError::new(
                "paypal signs the id of the receiving webhook: give it with --webhook-id (from PayPal's developer dashboard)",
            ));
        }
        (_, Some(_)) => {
            return Err(UsageError::new(
                "--webhook-id: only paypal signs a webhook id",
            ));
        }
        (_, None) => {}
    }
    if let Some(seconds) = args.tolerance {
        scheme = scheme.tolerance(Duration::from_secs(seconds));
    }
    let verifier = Verifier::new(scheme.clone(), setup::keyring(&secrets)?)?;
    let delivery = Delivery {
        method: args.method,
        headers: setup::headers(&args.header)?,
        uri: setup::uri(args.url.as_deref())?,
        body: setup::body(args.body_file.as_deref())?,
        now: setup::instant(args.now),
    };
    match verdict(&verifier, &delivery) {
        Ok(verified) => {
            let mut lines = vec!["verified".to_owned()];
            lines.extend(verdict::verified_lines(&verified, delivery.now));
            say(&lines);
            Ok(ExitCode::SUCCESS)
        }
        Err(refusal) => {
            let mut lines = vec![
                format!("rejected: {}", refusal.as_str()),
                format!("reason: {}", verdict::reason(&refusal, &scheme)),
            ];
            if explain {
                let setup = explain::Setup {
                    provider: &args.provider,
                    scheme,
                    secrets: &secrets,
                    url: args.url.as_deref(),
                    now_given: args.now.is_some(),
                };
                for finding in explain::explain(&setup, &delivery, &refusal) {
                    lines.push(format!("cause: {}", finding.cause));
                    lines.push(format!("diagnosis: {}", finding.diagnosis));
                    lines.push(format!("fix: {}", finding.fix));
                }
            } else {
                lines.push(
                    "hint: `webhook-guard explain` with the same arguments looks for the cause"
                        .to_owned(),
                );
            }
            say(&lines);
            Ok(ExitCode::from(EXIT_REJECTED))
        }
    }
}

fn sign(args: SignArgs) -> Result<ExitCode, UsageError> {
    let inline: Vec<String> = args.secret.secret.into_iter().collect();
    let env: Vec<String> = args.secret.secret_env.into_iter().collect();
    let secrets = setup::secrets(&inline, &env, &[])?;
    let given = secrets
        .first()
        .ok_or_else(|| UsageError::new("give --secret or --secret-env"))?;
    let scheme = setup::scheme(&args.provider, &secrets, args.url.as_deref(), Purpose::Sign)?;
    let signer = Signer::new(scheme.clone(), Secret::new(given.text.to_string())?)?;
    let body = setup::body(args.body_file.as_deref())?;
    let at = setup::instant(args.timestamp);
    let random = random_hex();

    if signer.sign_body(b"", at).is_ok() {
        // Mailgun: the signature lives in the body.
        let token = args.id.unwrap_or_else(|| random.chars().take(50).collect());
        // The token goes into the body first; the signer keeps it and signs it.
        let with_token = mailgun_body(&body, unix(at), &token, "")?;
        let signed = signer.sign_body(&with_token, at)?;
        let mut out = std::io::stdout().lock();
        let _ = out.write_all(&signed);
        if out.is_terminal() {
            let _ = writeln!(out);
        }
        eprintln!(
            "note: Mailgun sends no signature header; this is the body with its signature fields (send it with curl --data-binary @-)"
        );
        return Ok(ExitCode::SUCCESS);
    }

    if scheme.signature_header().is_none() {
        // Adyen: the signature is written into the body the sender sends.
        let signed = signer.sign_body(&body, at)?;
        let mut out = std::io::stdout().lock();
        let _ = out.write_all(&signed);
        if out.is_terminal() {
            let _ = writeln!(out);
        }
        eprintln!(
            "note: {} sends no signature header; this is the body with its signature (send it with curl --data-binary @-)",
            args.provider
        );
        return Ok(ExitCode::SUCCESS);
    }

    let id = args
        .id
        .unwrap_or_else(|| format!("msg_{}", random.chars().take(24).collect::<String>()));
    let uri = setup::uri(args.url.as_deref())?;
    let mut request = http::Request::new(body);
    *request.uri_mut() = uri;
    // POST unless --method says otherwise, as `verify` takes it (some schemes sign the method).
    *request.method_mut() = args.method;
    if let Some(name) = scheme.id_header() {
        let value = http::HeaderValue::from_str(&id)
            .map_err(|_| UsageError::new("--id: not a valid header value"))?;
        request.headers_mut().insert(name.clone(), value);
    }
    signer.sign(&mut request, at)?;
    let lines: Vec<String> = request
        .headers()
        .iter()
        .map(|(name, value)| format!("{name}: {}", value.to_str().unwrap_or_default()))
        .collect();
    say(&lines);
    if let Some(public) = signer.public_key() {
        eprintln!("public key (for verify --secret): {public}");
    }
    Ok(ExitCode::SUCCESS)
}

/// 64 hex characters that differ on every call (delivery ids and Mailgun tokens, not keys).
fn random_hex() -> String {
    use sha2::Digest as _;
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    hex::encode(sha2::Sha256::digest(format!(
        "{nanos}:{}",
        std::process::id()
    )))
}

/// The body with Mailgun's `signature` fields: a JSON object gets (or has replaced) its
/// `signature` member; a form body its `timestamp`, `token` and `signature` fields.
fn mailgun_body(
    body: &[u8],
    timestamp: u64,
    token: &str,
    signature: &str,
) -> Result<Vec<u8>, UsageError> {
    let timestamp = timestamp.to_string();
    if body.is_empty() || body.first() == Some(&b'{') {
        let text = if body.is_empty() {
            "{}"
        } else {
            std::str::from_utf8(body).map_err(|_| UsageError::new("--body-file: not UTF-8 JSON"))?
        };
        let Some(json::Node::Object(mut members)) = json::parse(text) else {
            return Err(UsageError::new(
                "--body-file: a Mailgun body must be a JSON object or a form",
            ));
        };
        let string = |s: &str| json::Node::Str(serde_json::Value::from(s).to_string());
        let fields = json::Node::Object(vec![
            ("\"timestamp\"".to_owned(), string(&timestamp)),
            ("\"token\"".to_owned(), string(token)),
            ("\"signature\"".to_owned(), string(signature)),
        ]);
        match members.iter_mut().find(|(key, _)| key == "\"signature\"") {
            Some((_, value)) => *value = fields,
            None => members.insert(0, ("\"signature\"".to_owned(), fields)),
        }
        return Ok(json::compact(&json::Node::Object(members)).into_bytes());
    }
    let mut parts: Vec<Vec<u8>> = body
        .split(|&b| b == b'&')
        .filter(|part| {
            let name = form_urlencoded::parse(part).next().map(|(n, _)| n);
            !matches!(name.as_deref(), Some("timestamp" | "token" | "signature"))
        })
        .map(<[u8]>::to_vec)
        .collect();
    for (name, value) in [
        ("timestamp", timestamp.as_str()),
        ("token", token),
        ("signature", signature),
    ] {
        let value: String = form_urlencoded::byte_serialize(value.as_bytes()).collect();
        parts.push(format!("{name}={value}").into_bytes());
    }
    Ok(parts.join(&b'&'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_interface_is_consistent() {
        use clap::CommandFactory as _;
        Cli::command().debug_assert();
    }

    #[test]
    fn mailgun_json_body_gets_its_signature_member_first() {
        let body = mailgun_body(br#"{"event-data":{"id":"e"}}"#, 1, "tok", "ab").unwrap();
        assert_eq!(
            String::from_utf8(body).unwrap(),
            r#"{"signature":{"timestamp":"1","token":"tok","signature":"ab"},"event-data":{"id":"e"}}"#
        );
        let body = mailgun_body(br#"{"signature":{},"x":1}"#, 1, "t", "s").unwrap();
        assert!(
            String::from_utf8(body)
                .unwrap()
                .ends_with(r#""signature":"s"},"x":1}"#)
        );
        assert!(mailgun_body(b"{\"a\"", 1, "t", "s").is_err());
    }
}

//! From command-line arguments to what the library takes: a [`Scheme`], secrets, and a delivery
//! (headers, URI, body, instant).
//!
//! Nothing here ever puts secret material in an error message: errors name the option, the
//! environment variable or the file, never a value.

use std::fmt;
use std::io::Read as _;
use std::path::Path;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use http::{HeaderMap, HeaderName, HeaderValue, Uri};
use webhook_guard::{ConfigError, Keyring, PublicUrl, Scheme, Secret, providers};
use zeroize::Zeroizing;

/// A usage or configuration error: the command exits with status 2.
pub(crate) struct UsageError(pub(crate) String);

impl UsageError {
    pub(crate) fn new(message: impl Into<String>) -> Self {
        Self(message.into())
    }
}

impl From<ConfigError> for UsageError {
    fn from(e: ConfigError) -> Self {
        // `ConfigError` messages never contain secret material.
        Self(e.to_string())
    }
}

impl fmt::Debug for UsageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("UsageError").field(&self.0).finish()
    }
}

/// One secret as given on the command line, **untrimmed** (`explain` looks at its whitespace).
pub(crate) struct GivenSecret {
    /// How the output names it: `--secret #1`, `--secret-env NAME`. Never the value.
    pub(crate) label: String,
    pub(crate) text: Zeroizing<String>,
}

impl fmt::Debug for GivenSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GivenSecret")
            .field("label", &self.label)
            .field("text", &"[REDACTED]")
            .finish()
    }
}

impl GivenSecret {
    /// The text as [`Secret::new`] keeps it (surrounding ASCII whitespace removed).
    pub(crate) fn trimmed(&self) -> &str {
        self.text.trim_matches(|c: char| c.is_ascii_whitespace())
    }
}

/// The secrets of `--secret` (in order), of `--secret-env` (in order), then the keys of
/// `--cert-file` (in order).
pub(crate) fn secrets(
    inline: &[String],
    env: &[String],
    files: &[std::path::PathBuf],
) -> Result<Vec<GivenSecret>, UsageError> {
    let mut out = Vec::with_capacity(inline.len() + env.len() + files.len());
    for (i, text) in inline.iter().enumerate() {
        out.push(GivenSecret {
            label: format!("--secret #{}", i + 1),
            text: Zeroizing::new(text.clone()),
        });
    }
    for var in env {
        let text = match std::env::var(var) {
            Ok(text) => text,
            Err(std::env::VarError::NotPresent) => {
                return Err(UsageError::new(format!(
                    "--secret-env {var}: the environment variable is not set"
                )));
            }
            Err(std::env::VarError::NotUnicode(_)) => {
                return Err(UsageError::new(format!(
                    "--secret-env {var}: the environment variable is not valid UTF-8"
                )));
            }
        };
        out.push(GivenSecret {
            label: format!("--secret-env {var}"),
            text: Zeroizing::new(text),
        });
    }
    for path in files {
        // A certificate or public key: not secret, but read the same way.
        let text = std::fs::read_to_string(path).map_err(|e| {
            UsageError::new(format!(
                "--cert-file {}: cannot read it as text: {e}",
                path.display()
            ))
        })?;
        out.push(GivenSecret {
            label: format!("--cert-file {}", path.display()),
            text: Zeroizing::new(text),
        });
    }
    if out.len() > Keyring::MAX_KEYS {
        return Err(UsageError::new(format!(
            "{} secrets given, at most {} are allowed (a rotation needs two)",
            out.len(),
            Keyring::MAX_KEYS
        )));
    }
    for s in &out {
        if Secret::new(s.text.to_string()).is_err() {
            return Err(UsageError::new(format!("{}: the secret is empty", s.label)));
        }
    }
    Ok(out)
}

/// A keyring of every given secret, each built by `make`, labelled as given.
pub(crate) fn keyring_with(
    secrets: &[GivenSecret],
    make: impl Fn(&GivenSecret) -> Result<Secret, ConfigError>,
) -> Result<Keyring, ConfigError> {
    let mut keyring = Keyring::new();
    for s in secrets {
        keyring = keyring.key(s.label.clone(), make(s)?);
    }
    Ok(keyring)
}

/// The keyring the layer would be given: [`Secret::new`] of each secret.
pub(crate) fn keyring(secrets: &[GivenSecret]) -> Result<Keyring, ConfigError> {
    keyring_with(secrets, |s| Secret::new(s.text.to_string()))
}

/// What the key is used for: which key prefix selects an asymmetric Standard Webhooks form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Purpose {
    /// Public keys: `whpk_…`.
    Verify,
    /// Private keys: `whsk_…`.
    Sign,
}

/// The preset `provider` as configured for these secrets and this public URL.
///
/// `standard-webhooks` and `svix` are the HMAC (`v1`) forms, or the Ed25519 (`v1a`) ones when
/// every secret is a `whpk_` public key (verify) or a `whsk_` private key (sign). Twilio and
/// Square take `url` as the exact public URL.
pub(crate) fn scheme(
    provider: &str,
    secrets: &[GivenSecret],
    url: Option<&str>,
    purpose: Purpose,
) -> Result<Scheme, UsageError> {
    let base = providers::by_name(provider).ok_or_else(|| {
        UsageError::new(format!(
            "unknown provider `{provider}` (known: {})",
            providers::names().collect::<Vec<_>>().join(", ")
        ))
    })?;
    let prefix = match purpose {
        Purpose::Verify => "whpk_",
        Purpose::Sign => "whsk_",
    };
    let asymmetric = secrets
        .iter()
        .filter(|s| s.trimmed().starts_with(prefix))
        .count();
    let scheme = match provider {
        "standard-webhooks" | "svix" if asymmetric > 0 => {
            if asymmetric != secrets.len() {
                return Err(UsageError::new(format!(
                    "{provider}: give either {prefix}… keys (Ed25519, `v1a`) or whsec_… secrets (HMAC, `v1`), not both"
                )));
            }
            if provider == "svix" {
                providers::svix_ed25519()
            } else {
                providers::standard_webhooks_ed25519()
            }
        }
        _ => base,
    };
    if !scheme.signs_url() {
        return Ok(scheme);
    }
    let url = url.ok_or_else(|| {
        UsageError::new(format!(
            "{provider} signs the public URL it called: give it with --url (as configured at {provider})"
        ))
    })?;
    Ok(scheme.public_url(PublicUrl::exact(url)?))
}

/// Parses `-H 'Name: value'` lines into a header map, keeping repeated headers.
pub(crate) fn headers(lines: &[String]) -> Result<HeaderMap, UsageError> {
    let mut map = HeaderMap::new();
    for (i, line) in lines.iter().enumerate() {
        // Never echo the line: a header value may be a token or a signature.
        let Some((name, value)) = line.split_once(':') else {
            return Err(UsageError::new(format!(
                "-H #{}: expected `Name: value`, found no `:`",
                i + 1
            )));
        };
        let name = HeaderName::from_bytes(name.trim().as_bytes()).map_err(|_| {
            UsageError::new(format!(
                "-H #{}: `{}` is not a valid header name",
                i + 1,
                name.trim()
            ))
        })?;
        let value = HeaderValue::from_bytes(
            value
                .trim_matches(|c: char| c == ' ' || c == '\t')
                .as_bytes(),
        )
        .map_err(|_| {
            UsageError::new(format!(
                "-H {name}: the value is not a valid header value (control characters?)"
            ))
        })?;
        map.append(name, value);
    }
    Ok(map)
}

/// The body: the file's bytes, standard input for `-`, nothing without `--body-file`.
pub(crate) fn body(path: Option<&Path>) -> Result<Vec<u8>, UsageError> {
    let Some(path) = path else {
        return Ok(Vec::new());
    };
    let mut body = Vec::new();
    let result = if path == Path::new("-") {
        std::io::stdin().lock().read_to_end(&mut body).map(|_| ())
    } else {
        std::fs::File::open(path).and_then(|mut f| f.read_to_end(&mut body).map(|_| ()))
    };
    result.map_err(|e| {
        UsageError::new(format!(
            "--body-file {}: cannot read it: {e}",
            path.display()
        ))
    })?;
    Ok(body)
}

/// The request target the server saw: the path and query of `url`, or `/`.
pub(crate) fn uri(url: Option<&str>) -> Result<Uri, UsageError> {
    let Some(url) = url else {
        return Ok(Uri::from_static("/"));
    };
    let parsed: Uri = url
        .parse()
        .map_err(|_| UsageError::new(format!("--url {url}: not a URL")))?;
    let target = parsed.path_and_query().map_or("/", |pq| pq.as_str());
    target
        .parse()
        .map_err(|_| UsageError::new(format!("--url {url}: not a URL")))
}

/// `UNIX_EPOCH + secs`, or now.
pub(crate) fn instant(secs: Option<u64>) -> SystemTime {
    secs.map_or_else(SystemTime::now, |s| UNIX_EPOCH + Duration::from_secs(s))
}

/// Seconds since the epoch (0 before it).
pub(crate) fn unix(t: SystemTime) -> u64 {
    t.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

/// `2023-11-14T22:13:20Z`.
pub(crate) fn utc(secs: u64) -> String {
    let days = i64::try_from(secs / 86_400).unwrap_or(i64::MAX / 2);
    let rem = secs % 86_400;
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utc_dates() {
        assert_eq!(utc(0), "1970-01-01T00:00:00Z");
        assert_eq!(utc(1_700_000_000), "2023-11-14T22:13:20Z");
        assert_eq!(utc(1_709_210_096), "2024-02-29T12:34:56Z");
    }

    #[test]
    fn header_lines() {
        let h = headers(&["A: 1".into(), "a:2 ".into(), "B:\tx y".into()]).unwrap();
        assert_eq!(h.get_all("a").iter().count(), 2);
        assert_eq!(h["b"], "x y");
        assert!(headers(&["no colon".into()]).is_err());
        assert!(headers(&["bad name: 1".into()]).is_err());
    }
}

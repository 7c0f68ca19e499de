//! Several endpoints described in one place — path, provider preset, where the secrets come
//! from — loaded from a TOML file or from environment variables (feature `config`).
//!
//! Secrets are never written in the configuration: each one names an environment variable or a
//! file to read it from (Docker/Kubernetes secrets, systemd credentials). A `secret = "…"` entry
//! is refused.
//!
//! ```toml
//! [[endpoint]]
//! path = "/webhooks/stripe"
//! provider = "stripe"
//! secrets = [
//!     { label = "2026-11", env = "STRIPE_WEBHOOK_SECRET" },
//!     # The previous secret, valid until its grace period ends (unix seconds).
//!     { label = "2026-05", env = "STRIPE_WEBHOOK_SECRET_OLD", expires_at = 1795000000 },
//! ]
//!
//! [[endpoint]]
//! path = "/webhooks/github"
//! provider = "github"
//! secrets = [{ file = "/run/secrets/github_webhook_secret" }]
//! body_limit = 26214400
//!
//! [[endpoint]]
//! path = "/webhooks/twilio"
//! provider = "twilio"
//! public_url = "https://api.example.com"
//! secrets = [{ env = "TWILIO_AUTH_TOKEN" }]
//! ```
//!
//! ```
//! use webhook_guard::config::Endpoints;
//!
//! let endpoints = Endpoints::from_toml_str(r#"
//!     [[endpoint]]
//!     path = "/webhooks/github"
//!     provider = "github"
//!     secrets = [{ env = "GITHUB_WEBHOOK_SECRET" }]
//! "#)?;
//! assert_eq!(endpoints.iter().next().map(|e| e.path.as_str()), Some("/webhooks/github"));
//! // `endpoint.layer()` reads the secrets and builds the layer; see `Endpoints::router`.
//! # Ok::<(), webhook_guard::ConfigError>(())
//! ```
//!
//! The same from environment variables, with a prefix of your choice:
//!
//! ```text
//! WEBHOOKS_ENDPOINTS=stripe,github
//! WEBHOOKS_STRIPE_PATH=/webhooks/stripe      WEBHOOKS_STRIPE_PROVIDER=stripe
//! WEBHOOKS_STRIPE_SECRET_ENV=STRIPE_WEBHOOK_SECRET
//! WEBHOOKS_GITHUB_PATH=/webhooks/github      WEBHOOKS_GITHUB_SECRET_FILE=/run/secrets/github
//! ```
//!
//! (`_PROVIDER` defaults to the endpoint's name; optional `_TOLERANCE_SECS`, `_BODY_LIMIT`,
//! `_PUBLIC_URL`.)
//!
//! # Errors never show values
//!
//! A secret pasted into the wrong place must not end up in a log through an error message.
//! Every [`ConfigError`] from this module names the field or variable (and the endpoint, the
//! line and column, the file) and says what was expected, but never quotes what was written:
//! not a value, not a key that is not one of the known field names, not a source line. The one
//! exception is an endpoint's `path`, shown to identify the endpoint once it is a valid route
//! path.
//!
//! ```
//! use webhook_guard::config::Endpoints;
//!
//! let err = Endpoints::from_toml_str(r#"
//!     [[endpoint]]
//!     path = "/webhooks/stripe"
//!     provider = "stripe"
//!     secrets = [{ env = "STRIPE_WEBHOOK_SECRET", expires_at = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw" }]
//! "#).unwrap_err();
//! assert_eq!(
//!     err.to_string(),
//!     "invalid endpoint configuration: endpoint #1 (/webhooks/stripe), secrets[0], \
//!      `expires_at` (line 5, column 62): expected a non-negative integer (unix seconds), \
//!      found a string",
//! );
//! ```
//!
//! Environment variable names in `env` (and `_SECRET_ENV`) must be upper-case letters, digits and
//! `_`, which refuses almost every real secret pasted there. Errors about the variable it names
//! do not repeat the name either.

use std::borrow::Cow;
use std::fmt;
use std::path::PathBuf;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use toml::de::{DeTable, DeValue};
use zeroize::Zeroizing;

use crate::error::ConfigError;
use crate::layer::WebhookLayer;
use crate::providers;
use crate::scheme::PublicUrl;
use crate::secret::{Keyring, Secret};
use crate::verify::Verifier;

/// A list of endpoints.
///
/// Besides [`from_toml_str`](Self::from_toml_str) and [`from_env`](Self::from_env), it can be
/// deserialized with serde as part of a larger configuration; the checks and the messages are
/// the same, but the format's own error display may add to them (the `toml` crate prints the
/// offending source line, which is why `from_toml_str` does not use it).
#[derive(Debug, Clone)]
pub struct Endpoints {
    /// The endpoints, in order (`[[endpoint]]` in TOML).
    pub endpoints: Vec<EndpointConfig>,
}

/// One endpoint: where it is served, which provider signs it, where its secrets are.
#[derive(Debug, Clone)]
pub struct EndpointConfig {
    /// The route path, e.g. `/webhooks/stripe`.
    pub path: String,
    /// A preset name from [`providers::names`].
    pub provider: String,
    /// One or more secrets, newest first (rotation: give the old one an `expires_at`).
    pub secrets: Vec<SecretSource>,
    /// Timestamp tolerance in seconds, both directions (default: the preset's).
    pub tolerance_secs: Option<u64>,
    /// Body limit in bytes (default: the preset's).
    pub body_limit: Option<usize>,
    /// The public base URL, for presets that sign the URL (Twilio, Square).
    pub public_url: Option<String>,
}

/// Where one secret is read from: exactly one of `env` and `file`.
#[derive(Clone)]
pub struct SecretSource {
    /// A label for logs and [`Verified::key_label`](crate::Verified::key_label) (default: the
    /// env var or file name).
    pub label: Option<String>,
    /// Read the secret from this environment variable (upper-case letters, digits and `_`).
    pub env: Option<String>,
    /// Read the secret from this file (surrounding whitespace trimmed).
    pub file: Option<PathBuf>,
    /// The instant (unix seconds) from which this secret stops matching.
    pub expires_at: Option<u64>,
}

impl fmt::Debug for SecretSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Names where the secret lives, never the secret.
        f.debug_struct("SecretSource")
            .field("label", &self.label)
            .field("env", &self.env)
            .field("file", &self.file)
            .field("expires_at", &self.expires_at)
            .finish()
    }
}

// ---------------------------------------------------------------------------------------------
// Field names, and where a problem is.
// ---------------------------------------------------------------------------------------------

const TOP_FIELDS: &[&str] = &["endpoint"];
const ENDPOINT_FIELDS: &[&str] = &[
    "path",
    "provider",
    "secrets",
    "tolerance_secs",
    "body_limit",
    "public_url",
];
const SECRET_FIELDS: &[&str] = &["label", "env", "file", "expires_at"];
/// Keys under which someone would write a secret inline: refused with a pointer to `env` and
/// `file`, wherever they appear.
const INLINE_SECRET_KEYS: &[&str] = &[
    "secret",
    "value",
    "key",
    "token",
    "password",
    "webhook_secret",
    "signing_secret",
    "secret_key",
];
const INLINE_REFUSAL: &str =
    "secrets are not accepted inline: use `env = \"VAR\"` or `file = \"/path\"`";

/// Every name this module may print as a field: the known fields and the refused inline keys.
fn known_name(name: &str) -> Option<&'static str> {
    [
        TOP_FIELDS,
        ENDPOINT_FIELDS,
        SECRET_FIELDS,
        INLINE_SECRET_KEYS,
    ]
    .into_iter()
    .flatten()
    .find(|known| **known == name)
    .copied()
}

/// A line and column, both from 1, columns in characters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Pos {
    line: usize,
    column: usize,
}

/// Where a problem is, for an error message. Built only from indices, positions, field names
/// (known ones, or an unknown key that reads like one, see [`is_plain_key`]) and — once it is a
/// valid route path — the endpoint's path: never from another value.
#[derive(Clone, Default)]
struct Place {
    endpoint: Option<usize>,
    path: Option<String>,
    secret: Option<usize>,
    field: Option<Cow<'static, str>>,
    at: Option<Pos>,
}

impl Place {
    fn endpoint(index: usize, at: Option<Pos>) -> Self {
        Self {
            endpoint: Some(index),
            at,
            ..Self::default()
        }
    }

    /// The endpoint `path`, if it is a valid route path (otherwise it is not shown).
    fn with_path(&self, path: &str) -> Self {
        Self {
            path: check_path(path).ok().map(|()| path.to_owned()),
            ..self.clone()
        }
    }

    fn secret(&self, index: usize, at: Option<Pos>) -> Self {
        Self {
            secret: Some(index),
            field: None,
            at: at.or(self.at),
            ..self.clone()
        }
    }

    fn field(&self, name: &'static str, at: Option<Pos>) -> Self {
        Self {
            field: Some(Cow::Borrowed(name)),
            at: at.or(self.at),
            ..self.clone()
        }
    }

    fn at(&self, at: Option<Pos>) -> Self {
        Self {
            at: at.or(self.at),
            ..self.clone()
        }
    }
}

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut parts = Vec::new();
        match (self.endpoint, &self.path) {
            (Some(i), Some(path)) => parts.push(format!("endpoint #{} ({path})", i + 1)),
            (Some(i), None) => parts.push(format!("endpoint #{}", i + 1)),
            (None, Some(path)) => parts.push(format!("endpoint {path}")),
            (None, None) => {}
        }
        if let Some(i) = self.secret {
            parts.push(format!("secrets[{i}]"));
        }
        if let Some(name) = &self.field {
            parts.push(format!("`{name}`"));
        }
        let parts = parts.join(", ");
        match (parts.is_empty(), self.at) {
            (true, None) => f.write_str("configuration"),
            (true, Some(at)) => write!(f, "line {}, column {}", at.line, at.column),
            (false, None) => f.write_str(&parts),
            (false, Some(at)) => write!(f, "{parts} (line {}, column {})", at.line, at.column),
        }
    }
}

/// The error for a problem at `place`. `why` says what is wrong and what was expected; like
/// `place`, it never contains a value from the configuration.
fn refuse(place: &Place, why: impl fmt::Display) -> ConfigError {
    ConfigError::InvalidEndpoint(format!("{place}: {why}"))
}

/// The error for a problem with the environment variable `var`.
fn refuse_var(var: &str, why: impl fmt::Display) -> ConfigError {
    ConfigError::InvalidEndpoint(format!("{var}: {why}"))
}

// ---------------------------------------------------------------------------------------------
// Checks on values, shared by TOML, environment variables and `EndpointConfig::layer`. Their
// messages never contain the value checked.
// ---------------------------------------------------------------------------------------------

fn check_path(path: &str) -> Result<(), &'static str> {
    if !path.starts_with('/') {
        Err("the path must start with `/`")
    } else if path.chars().any(|c| c.is_whitespace() || c.is_control()) {
        Err("the path must not contain whitespace or control characters")
    } else if path.len() > 2048 {
        Err("the path is longer than 2048 bytes")
    } else {
        Ok(())
    }
}

fn check_provider(name: &str) -> Result<(), String> {
    if providers::by_name(name).is_some() {
        return Ok(());
    }
    let hint = suggest_provider(name)
        .map(|known| format!("; did you mean `{known}`?"))
        .unwrap_or_default();
    Err(format!(
        "unknown provider{hint} (known: {})",
        providers::names().collect::<Vec<_>>().join(", ")
    ))
}

/// The preset `name` is probably a misspelling of: only a known name is ever shown.
fn suggest_provider(name: &str) -> Option<&'static str> {
    if name.len() > 32 {
        return None;
    }
    let name = name.to_ascii_lowercase().replace('_', "-");
    providers::names()
        .chain(providers::aliases().map(|(alias, _)| alias))
        .map(|known| (edit_distance(&name, known), known))
        .filter(|(distance, _)| *distance <= 2)
        .min()
        .map(|(_, known)| known)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = Vec::with_capacity(b.len() + 1);
        current.push(i + 1);
        for (cb, pair) in b.iter().zip(previous.windows(2)) {
            let &[diagonal, up] = pair else { continue };
            let left = current.last().copied().unwrap_or(0);
            current.push(
                (diagonal + usize::from(ca != *cb))
                    .min(up + 1)
                    .min(left + 1),
            );
        }
        previous = current;
    }
    previous.last().copied().unwrap_or(0)
}

/// An environment variable name: upper-case letters, digits and `_`, not starting with a digit.
/// Almost no real secret has that shape, so a secret pasted into `env` is refused here instead
/// of travelling on as a "name" into labels and logs.
fn check_env_name(name: &str) -> Result<(), &'static str> {
    let mut chars = name.chars();
    let first_ok = chars
        .next()
        .is_some_and(|c| c.is_ascii_uppercase() || c == '_');
    if first_ok
        && name.len() <= 256
        && chars.all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
    {
        Ok(())
    } else {
        Err(
            "expected the name of an environment variable: upper-case letters, digits and `_`, \
             not starting with a digit (the value is not shown: it may be the secret itself)",
        )
    }
}

fn check_file(file: &str) -> Result<(), &'static str> {
    if file.is_empty() {
        Err("the file name is empty")
    } else if file.chars().any(char::is_control) {
        Err("the file name contains control characters")
    } else {
        Ok(())
    }
}

fn check_label(label: &str) -> Result<(), &'static str> {
    if label.is_empty() {
        Err("the label is empty")
    } else if label.chars().any(char::is_control) {
        Err("the label contains control characters")
    } else {
        Ok(())
    }
}

fn check_public_url(url: &str) -> Result<(), String> {
    match PublicUrl::parse(url) {
        Ok(_) => Ok(()),
        Err(e) => Err(describe(&e)),
    }
}

fn check_expiry(secs: u64) -> Result<SystemTime, &'static str> {
    UNIX_EPOCH
        .checked_add(Duration::from_secs(secs))
        .ok_or("the instant is too far in the future")
}

/// What a secret read from a variable or file must look like once trimmed: no line breaks or
/// other control characters inside (a second line is garbage, never part of a provider secret).
fn check_secret_text(text: &str) -> Result<(), &'static str> {
    let trimmed = text.trim_matches(|c: char| c.is_ascii_whitespace());
    if trimmed.chars().any(char::is_control) {
        Err("holds more than a secret: it spans several lines or contains control characters")
    } else {
        Ok(())
    }
}

/// A [`ConfigError`] from building a scheme, keyring or layer, as text for an endpoint's error.
/// The variants that carry a configured value (a label, a URL) are described without it.
fn describe(e: &ConfigError) -> String {
    match e {
        ConfigError::DuplicateKeyLabel(_) => "two secrets have the same label (without `label`, \
                                              a secret is labelled by its variable or file name)"
            .into(),
        ConfigError::InvalidPublicUrl(_) => {
            "expected an absolute `http` or `https` URL without user information, query string \
             or fragment (the value is not shown)"
                .into()
        }
        ConfigError::InvalidEndpoint(why) => why.clone(),
        other => other.to_string(),
    }
}

/// Errors about a secret's key material (as opposed to the scheme or the layer).
fn is_key_error(e: &ConfigError) -> bool {
    matches!(
        e,
        ConfigError::EmptySecret
            | ConfigError::SecretNotBase64
            | ConfigError::KeyLength { .. }
            | ConfigError::InvalidKey(_)
    )
}

/// An I/O error's reason: the operating system's message, or the error kind.
fn io_reason(e: &std::io::Error) -> String {
    if e.raw_os_error().is_some() {
        e.to_string()
    } else {
        e.kind().to_string()
    }
}

// ---------------------------------------------------------------------------------------------
// Parsed values. A `Raw` holds what was written, so it is never formatted: errors describe its
// kind and position only.
// ---------------------------------------------------------------------------------------------

struct Raw {
    at: Option<Pos>,
    value: RawValue,
}

enum RawValue {
    String(String),
    Integer(i128),
    Float,
    Boolean,
    Datetime,
    Bytes,
    Null,
    Array(Vec<Raw>),
    Table(Vec<(RawKey, Raw)>),
}

struct RawKey {
    name: String,
    at: Option<Pos>,
}

impl RawValue {
    fn kind(&self) -> &'static str {
        match self {
            Self::String(_) => "a string",
            Self::Integer(_) => "an integer",
            Self::Float => "a float",
            Self::Boolean => "a boolean",
            Self::Datetime => "a date-time",
            Self::Bytes => "bytes",
            Self::Null => "nothing (null)",
            Self::Array(_) => "an array",
            Self::Table(_) => "a table",
        }
    }
}

/// Line starts of a TOML text, to turn byte offsets into lines and columns.
struct Lines<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> Lines<'a> {
    fn new(text: &'a str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Self { text, starts }
    }

    /// The line (from 0) holding `offset`, and where it starts.
    fn line(&self, offset: usize) -> (usize, usize) {
        let line = self
            .starts
            .partition_point(|start| *start <= offset)
            .saturating_sub(1);
        (line, self.starts.get(line).copied().unwrap_or(0))
    }

    fn pos(&self, offset: usize) -> Pos {
        let (line, start) = self.line(offset);
        let column = self
            .text
            .get(start..offset.min(self.text.len()))
            .map_or(offset.saturating_sub(start), |s| s.chars().count());
        Pos {
            line: line + 1,
            column: column + 1,
        }
    }

    /// The known field a syntax error at `span` is about: the key at the span itself (a
    /// duplicate key), else the nearest `name =` before it on its line. Only names from the
    /// module's own lists are returned, never text from the source.
    fn field_near(&self, span: &std::ops::Range<usize>) -> Option<&'static str> {
        let at_span = self
            .text
            .get(span.clone())
            .map(|s| s.trim().trim_matches(|c| c == '"' || c == '\''));
        if let Some(name) = at_span.and_then(known_name) {
            return Some(name);
        }
        let (_, start) = self.line(span.start);
        let before = self.text.get(start..span.start.min(self.text.len()))?;
        before.rmatch_indices('=').find_map(|(eq, _)| {
            let key = before.get(..eq)?.trim_end();
            let name_start = key
                .rfind(|c: char| !(c.is_ascii_alphanumeric() || "_-\"'".contains(c)))
                .map_or(0, |i| i + 1);
            known_name(
                key.get(name_start..)?
                    .trim_matches(|c| c == '"' || c == '\''),
            )
        })
    }
}

fn raw_from_toml(value: &toml::Spanned<DeValue<'_>>, lines: &Lines<'_>) -> Raw {
    let value_of = match value.get_ref() {
        DeValue::String(s) => RawValue::String(s.to_string()),
        DeValue::Integer(i) => {
            RawValue::Integer(i128::from_str_radix(i.as_str(), i.radix()).unwrap_or(i128::MAX))
        }
        DeValue::Float(_) => RawValue::Float,
        DeValue::Boolean(_) => RawValue::Boolean,
        DeValue::Datetime(_) => RawValue::Datetime,
        DeValue::Array(items) => {
            RawValue::Array(items.iter().map(|v| raw_from_toml(v, lines)).collect())
        }
        DeValue::Table(table) => raw_table_from_toml(table, lines),
    };
    Raw {
        at: Some(lines.pos(value.span().start)),
        value: value_of,
    }
}

fn raw_table_from_toml(table: &DeTable<'_>, lines: &Lines<'_>) -> RawValue {
    let mut entries: Vec<(RawKey, Raw)> = table
        .iter()
        .map(|(key, value)| {
            let key = RawKey {
                name: key.get_ref().to_string(),
                at: Some(lines.pos(key.span().start)),
            };
            (key, raw_from_toml(value, lines))
        })
        .collect();
    // In the order written, so that the first problem reported is the first in the file.
    entries.sort_by_key(|(key, _)| key.at);
    RawValue::Table(entries)
}

/// The message of a TOML syntax error, kept only if it looks like the parser's own wording:
/// lower-case prose and grammar tokens of at most five characters in backticks (`=`, `"`, …).
/// Today's messages are all fixed phrases; should a later parser quote the source, anything
/// with capitals, digits, quotes or a longer token — every secret format providers issue — is
/// dropped instead of shown.
fn parser_words(message: &str) -> Option<&str> {
    let mut quoted = false;
    let mut token = 0;
    for c in message.chars() {
        if c == '`' {
            quoted = !quoted;
            token = 0;
        } else if quoted {
            token += 1;
            if token > 5 {
                return None;
            }
        } else if !(c.is_ascii_lowercase() || " -,".contains(c)) {
            return None;
        }
    }
    (!quoted && message.len() <= 160).then_some(message)
}

fn syntax_error(lines: &Lines<'_>, err: &toml::de::Error) -> ConfigError {
    let span = err.span();
    let place = Place {
        field: span
            .as_ref()
            .and_then(|span| lines.field_near(span))
            .map(Cow::Borrowed),
        at: span.map(|span| lines.pos(span.start)),
        ..Place::default()
    };
    let message = err.message();
    let (description, expected) = message
        .split_once(", expected ")
        .map_or((message, None), |(d, e)| (d, Some(e)));
    let description = parser_words(description).unwrap_or("syntax error");
    match expected.and_then(parser_words) {
        Some(expected) => refuse(
            &place,
            format_args!("not valid TOML: {description}, expected {expected}"),
        ),
        None => refuse(&place, format_args!("not valid TOML: {description}")),
    }
}

impl<'de> Deserialize<'de> for Raw {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(RawVisitor)
    }
}

/// Takes any value a serde format offers and never fails on content, so the format has no
/// reason to quote it.
struct RawVisitor;

/// The key under which the `toml` crate hands a date-time to serde.
const TOML_DATETIME_KEY: &str = "$__toml_private_datetime";

fn raw(value: RawValue) -> Raw {
    Raw { at: None, value }
}

impl<'de> Visitor<'de> for RawVisitor {
    type Value = Raw;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a configuration value")
    }

    fn visit_bool<E>(self, _: bool) -> Result<Raw, E> {
        Ok(raw(RawValue::Boolean))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Raw, E> {
        Ok(raw(RawValue::Integer(v.into())))
    }
    fn visit_i128<E>(self, v: i128) -> Result<Raw, E> {
        Ok(raw(RawValue::Integer(v)))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Raw, E> {
        Ok(raw(RawValue::Integer(v.into())))
    }
    fn visit_u128<E>(self, v: u128) -> Result<Raw, E> {
        Ok(raw(RawValue::Integer(
            i128::try_from(v).unwrap_or(i128::MAX),
        )))
    }
    fn visit_f64<E>(self, _: f64) -> Result<Raw, E> {
        Ok(raw(RawValue::Float))
    }
    fn visit_char<E>(self, v: char) -> Result<Raw, E> {
        Ok(raw(RawValue::String(v.into())))
    }
    fn visit_str<E>(self, v: &str) -> Result<Raw, E> {
        Ok(raw(RawValue::String(v.to_owned())))
    }
    fn visit_string<E>(self, v: String) -> Result<Raw, E> {
        Ok(raw(RawValue::String(v)))
    }
    fn visit_bytes<E>(self, _: &[u8]) -> Result<Raw, E> {
        Ok(raw(RawValue::Bytes))
    }
    fn visit_none<E>(self) -> Result<Raw, E> {
        Ok(raw(RawValue::Null))
    }
    fn visit_unit<E>(self) -> Result<Raw, E> {
        Ok(raw(RawValue::Null))
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Raw, D::Error> {
        Raw::deserialize(d)
    }
    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<Raw, D::Error> {
        Raw::deserialize(d)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Raw, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<Raw>()? {
            items.push(item);
        }
        Ok(raw(RawValue::Array(items)))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Raw, A::Error> {
        let mut entries = Vec::new();
        while let Some(key) = map.next_key::<Raw>()? {
            let RawValue::String(name) = key.value else {
                return Err(de::Error::custom(format_args!(
                    "a table key is {}, expected a string",
                    key.value.kind()
                )));
            };
            let value = map.next_value::<Raw>()?;
            entries.push((RawKey { name, at: None }, value));
        }
        if let [(key, _)] = entries.as_slice()
            && key.name == TOML_DATETIME_KEY
        {
            return Ok(raw(RawValue::Datetime));
        }
        Ok(raw(RawValue::Table(entries)))
    }
}

/// A table's entries, once its keys are known to be allowed.
struct Fields<'r> {
    entries: &'r [(RawKey, Raw)],
    at: Option<Pos>,
}

impl<'r> Fields<'r> {
    /// The entries of `raw`, which must be a table with only `allowed` keys, each once.
    fn of(
        raw: &'r Raw,
        place: &Place,
        expected: &str,
        allowed: &[&str],
    ) -> Result<Self, ConfigError> {
        let RawValue::Table(entries) = &raw.value else {
            return Err(refuse(
                &place.at(raw.at),
                format_args!("expected {expected}, found {}", raw.value.kind()),
            ));
        };
        for (i, (key, _)) in entries.iter().enumerate() {
            let here = place.at(key.at);
            if entries
                .iter()
                .take(i)
                .any(|(earlier, _)| earlier.name == key.name)
            {
                let here = match known_name(&key.name) {
                    Some(name) => here.field(name, None),
                    None => here,
                };
                return Err(refuse(&here, "duplicate key"));
            }
            if allowed.contains(&key.name.as_str()) {
                continue;
            }
            let expected = allowed
                .iter()
                .map(|name| format!("`{name}`"))
                .collect::<Vec<_>>()
                .join(", ");
            return Err(match known_name(&key.name) {
                Some(name) if INLINE_SECRET_KEYS.contains(&name) => {
                    refuse(&here.field(name, None), INLINE_REFUSAL)
                }
                Some(name) => refuse(
                    &here.field(name, None),
                    format_args!("unknown field here (expected one of {expected})"),
                ),
                // A lower-case word is a mistyped field name; anything else may be a secret
                // written where a key belongs, and is only located.
                None if is_plain_key(&key.name) => refuse(
                    &Place {
                        field: Some(Cow::Owned(key.name.clone())),
                        ..here
                    },
                    format_args!("unknown field (expected one of {expected})"),
                ),
                None => refuse(
                    &here,
                    format_args!(
                        "unknown field, not shown in case it is a secret (expected one of \
                         {expected})"
                    ),
                ),
            });
        }
        Ok(Self {
            entries,
            at: raw.at,
        })
    }

    fn get(&self, name: &str) -> Option<&'r Raw> {
        self.entries
            .iter()
            .find(|(key, _)| key.name == name)
            .map(|(_, value)| value)
    }

    fn required(&self, place: &Place, name: &'static str) -> Result<&'r Raw, ConfigError> {
        self.get(name)
            .ok_or_else(|| refuse(&place.field(name, self.at), "missing"))
    }
}

/// A key that reads like a field name: a short lower-case word with `_` or `-`.
fn is_plain_key(key: &str) -> bool {
    !key.is_empty()
        && key.len() <= 32
        && key
            .chars()
            .all(|c| c.is_ascii_lowercase() || c == '_' || c == '-')
}

fn string_in<'r>(raw: &'r Raw, place: &Place, expected: &str) -> Result<&'r str, ConfigError> {
    match &raw.value {
        RawValue::String(s) => Ok(s),
        other => Err(refuse(
            place,
            format_args!("expected {expected}, found {}", other.kind()),
        )),
    }
}

fn count_in(raw: &Raw, place: &Place, expected: &str) -> Result<u64, ConfigError> {
    match &raw.value {
        RawValue::Integer(n) => u64::try_from(*n).map_err(|_| {
            let found = if *n < 0 {
                "a negative integer"
            } else {
                "an integer that is too large"
            };
            refuse(place, format_args!("expected {expected}, found {found}"))
        }),
        other => Err(refuse(
            place,
            format_args!("expected {expected}, found {}", other.kind()),
        )),
    }
}

impl Endpoints {
    fn from_raw(root: &Raw) -> Result<Self, ConfigError> {
        let top = Place::default();
        let fields = Fields::of(
            root,
            &top,
            "a table with `[[endpoint]]` entries",
            TOP_FIELDS,
        )?;
        let mut endpoints = Vec::new();
        if let Some(list) = fields.get("endpoint") {
            let RawValue::Array(items) = &list.value else {
                return Err(refuse(
                    &top.field("endpoint", list.at),
                    format_args!(
                        "expected an array of tables, written `[[endpoint]]`, found {}",
                        list.value.kind()
                    ),
                ));
            };
            for (i, item) in items.iter().enumerate() {
                endpoints.push(EndpointConfig::from_raw(
                    item,
                    &Place::endpoint(i, item.at),
                )?);
            }
        }
        let endpoints = Self { endpoints };
        endpoints.check()?;
        Ok(endpoints)
    }
}

impl EndpointConfig {
    fn from_raw(raw: &Raw, place: &Place) -> Result<Self, ConfigError> {
        // The path names the endpoint in every message, even about fields checked before it.
        let named = match &raw.value {
            RawValue::Table(entries) => entries
                .iter()
                .find_map(|(key, value)| match &value.value {
                    RawValue::String(path) if key.name == "path" => Some(place.with_path(path)),
                    _ => None,
                })
                .unwrap_or_else(|| place.clone()),
            _ => place.clone(),
        };
        let place = &named;
        let fields = Fields::of(raw, place, "a table", ENDPOINT_FIELDS)?;

        let value = fields.required(place, "path")?;
        let here = place.field("path", value.at);
        let path = string_in(value, &here, "a string (the route path)")?;
        check_path(path).map_err(|why| refuse(&here, why))?;

        let value = fields.required(place, "provider")?;
        let here = place.field("provider", value.at);
        let provider = string_in(value, &here, "a string (a preset name)")?;
        check_provider(provider).map_err(|why| refuse(&here, why))?;

        let value = fields.required(place, "secrets")?;
        let here = place.field("secrets", value.at);
        let RawValue::Array(items) = &value.value else {
            return Err(refuse(
                &here,
                format_args!(
                    "expected an array of tables such as [{{ env = \"VAR\" }}], found {}{}",
                    value.value.kind(),
                    if matches!(value.value, RawValue::String(_)) {
                        format!("; {INLINE_REFUSAL}")
                    } else {
                        String::new()
                    }
                ),
            ));
        };
        if items.is_empty() {
            return Err(refuse(&here, "no secret configured"));
        }
        if items.len() > Keyring::MAX_KEYS {
            return Err(refuse(
                &here,
                format_args!("at most {} secrets per endpoint", Keyring::MAX_KEYS),
            ));
        }
        let mut secrets: Vec<SecretSource> = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            let here = place.secret(i, item.at);
            let secret = SecretSource::from_raw(item, &here)?;
            let label = secret.effective_label(i);
            if let Some(j) = secrets
                .iter()
                .enumerate()
                .position(|(j, earlier)| earlier.effective_label(j) == label)
            {
                return Err(refuse(
                    &here.field(secret.label_field(), None),
                    format_args!(
                        "has the same label as secrets[{j}] (without `label`, a secret is labelled \
                         by its variable or file name)"
                    ),
                ));
            }
            secrets.push(secret);
        }

        let tolerance_secs = fields
            .get("tolerance_secs")
            .map(|value| {
                let here = place.field("tolerance_secs", value.at);
                count_in(value, &here, "a non-negative integer (seconds)")
            })
            .transpose()?;
        let body_limit = fields
            .get("body_limit")
            .map(|value| {
                let here = place.field("body_limit", value.at);
                let n = count_in(value, &here, "a non-negative integer (bytes)")?;
                usize::try_from(n).map_err(|_| refuse(&here, "too large for this platform"))
            })
            .transpose()?;
        let public_url = fields
            .get("public_url")
            .map(|value| {
                let here = place.field("public_url", value.at);
                let url = string_in(value, &here, "a string (an absolute URL)")?;
                check_public_url(url).map_err(|why| refuse(&here, why))?;
                Ok::<_, ConfigError>(url.to_owned())
            })
            .transpose()?;

        Ok(Self {
            path: path.to_owned(),
            provider: provider.to_owned(),
            secrets,
            tolerance_secs,
            body_limit,
            public_url,
        })
    }
}

impl SecretSource {
    fn from_raw(raw: &Raw, place: &Place) -> Result<Self, ConfigError> {
        if matches!(raw.value, RawValue::String(_)) {
            return Err(refuse(
                place,
                format_args!(
                    "each entry of `secrets` must be a table such as {{ env = \"VAR\" }} or \
                     {{ file = \"/path\" }}, found a string; {INLINE_REFUSAL}"
                ),
            ));
        }
        let fields = Fields::of(
            raw,
            place,
            "a table such as { env = \"VAR\" } or { file = \"/path\" }",
            SECRET_FIELDS,
        )?;
        let text =
            |name: &'static str, expected: &str, check: fn(&str) -> Result<(), &'static str>| {
                fields
                    .get(name)
                    .map(|value| {
                        let here = place.field(name, value.at);
                        let text = string_in(value, &here, expected)?;
                        check(text).map_err(|why| refuse(&here, why))?;
                        Ok::<_, ConfigError>(text.to_owned())
                    })
                    .transpose()
            };
        let label = text("label", "a string", check_label)?;
        let env = text(
            "env",
            "a string (an environment variable name)",
            check_env_name,
        )?;
        let file = text("file", "a string (a file name)", check_file)?;
        let expires_at = fields
            .get("expires_at")
            .map(|value| {
                let here = place.field("expires_at", value.at);
                let secs = count_in(value, &here, "a non-negative integer (unix seconds)")?;
                check_expiry(secs).map_err(|why| refuse(&here, why))?;
                Ok::<_, ConfigError>(secs)
            })
            .transpose()?;
        if env.is_some() == file.is_some() {
            return Err(refuse(
                place,
                "each secret needs exactly one of `env` and `file`",
            ));
        }
        Ok(Self {
            label,
            env,
            file: file.map(PathBuf::from),
            expires_at,
        })
    }

    /// The label the secret gets: `label`, else the variable or file name.
    fn effective_label(&self, index: usize) -> String {
        if let Some(label) = &self.label {
            return label.clone();
        }
        match (&self.env, &self.file) {
            (Some(var), _) => var.clone(),
            (None, Some(path)) => path.file_name().map_or_else(
                || format!("secret-{index}"),
                |n| n.to_string_lossy().into_owned(),
            ),
            (None, None) => format!("secret-{index}"),
        }
    }

    /// The field that gives the secret its label.
    fn label_field(&self) -> &'static str {
        match (&self.label, &self.env) {
            (Some(_), _) => "label",
            (None, Some(_)) => "env",
            (None, None) => "file",
        }
    }
}

fn de_error<E: de::Error>(e: ConfigError) -> E {
    match e {
        ConfigError::InvalidEndpoint(why) => E::custom(why),
        other => E::custom(other),
    }
}

impl<'de> Deserialize<'de> for Endpoints {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Self::from_raw(&Raw::deserialize(deserializer)?).map_err(de_error)
    }
}

impl<'de> Deserialize<'de> for EndpointConfig {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Self::from_raw(&Raw::deserialize(deserializer)?, &Place::default()).map_err(de_error)
    }
}

impl<'de> Deserialize<'de> for SecretSource {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Self::from_raw(&Raw::deserialize(deserializer)?, &Place::default()).map_err(de_error)
    }
}

// ---------------------------------------------------------------------------------------------
// Loading.
// ---------------------------------------------------------------------------------------------

impl Endpoints {
    /// Parses TOML (`[[endpoint]]` tables).
    ///
    /// # Errors
    ///
    /// [`ConfigError::InvalidEndpoint`] for malformed TOML, unknown fields — including an inline
    /// `secret` — a value of the wrong type or form, or a provider name that is not a preset.
    /// The message gives the endpoint, the field and the line and column, never a value or a
    /// source line.
    pub fn from_toml_str(text: &str) -> Result<Self, ConfigError> {
        let lines = Lines::new(text);
        // The `toml` crate's own messages quote values and its `Display` shows the source line:
        // only the error's position and the parser's fixed wording are used.
        let document = DeTable::parse(text).map_err(|e| syntax_error(&lines, &e))?;
        let root = Raw {
            at: Some(lines.pos(document.span().start)),
            value: raw_table_from_toml(document.get_ref(), &lines),
        };
        Self::from_raw(&root)
    }

    /// Reads and parses a TOML file.
    ///
    /// # Errors
    ///
    /// The file cannot be read, or as [`from_toml_str`](Self::from_toml_str), with the file's
    /// path in front.
    pub fn from_toml_file(path: impl AsRef<std::path::Path>) -> Result<Self, ConfigError> {
        let path = path.as_ref();
        let text = Zeroizing::new(
            std::fs::read_to_string(path)
                .map_err(|e| refuse_var(&path.display().to_string(), io_reason(&e)))?,
        );
        Self::from_toml_str(&text)
            .map_err(|e| refuse_var(&path.display().to_string(), describe(&e)))
    }

    /// Reads `{prefix}_ENDPOINTS` (comma-separated names) and, for each name `N`,
    /// `{prefix}_{N}_PATH`, `{prefix}_{N}_PROVIDER` (default: the name),
    /// `{prefix}_{N}_SECRET_ENV` or `{prefix}_{N}_SECRET_FILE`, and the optional
    /// `_TOLERANCE_SECS`, `_BODY_LIMIT`, `_PUBLIC_URL`. Names are upper-cased, `-` becomes `_`.
    ///
    /// # Errors
    ///
    /// [`ConfigError::InvalidEndpoint`] naming the missing or malformed variable, never its
    /// value. A `{prefix}_{N}_SECRET` variable (a secret given inline) is refused.
    pub fn from_env(prefix: &str) -> Result<Self, ConfigError> {
        Self::from_vars(prefix, |name| std::env::var(name).ok())
    }

    /// As [`from_env`](Self::from_env), with variables from `get` (for tests and other sources).
    ///
    /// # Errors
    ///
    /// As [`from_env`](Self::from_env).
    pub fn from_vars(
        prefix: &str,
        get: impl Fn(&str) -> Option<String>,
    ) -> Result<Self, ConfigError> {
        let list_var = format!("{prefix}_ENDPOINTS");
        let list = get(&list_var).ok_or_else(|| refuse_var(&list_var, "not set"))?;
        let mut endpoints = Vec::new();
        for (i, name) in list
            .split(',')
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .enumerate()
        {
            let entry = format!("{list_var} (entry #{})", i + 1);
            if name.len() > 64
                || !name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
            {
                return Err(refuse_var(
                    &entry,
                    "not an endpoint name: use letters, digits, `-` and `_` (not shown in case \
                     it is a secret)",
                ));
            }
            let key = format!("{prefix}_{}", name.to_ascii_uppercase().replace('-', "_"));
            let name_of = |suffix: &str| format!("{key}_{suffix}");
            let var = |suffix: &str| get(&name_of(suffix)).map(Zeroizing::new);
            let path = var("PATH");
            let provider = var("PROVIDER");
            let secret_env = var("SECRET_ENV");
            let secret_file = var("SECRET_FILE");
            let inline = var("SECRET");
            let tolerance = var("TOLERANCE_SECS");
            let body_limit = var("BODY_LIMIT");
            let public_url = var("PUBLIC_URL");
            let set = [
                &path,
                &provider,
                &secret_env,
                &secret_file,
                &inline,
                &tolerance,
                &body_limit,
                &public_url,
            ];
            if set.iter().all(|v| v.is_none()) {
                // Nothing confirms that this is an endpoint's name rather than something pasted
                // into the list, so the variable names built from it are not shown either.
                return Err(refuse_var(
                    &entry,
                    format_args!(
                        "none of this endpoint's variables is set ({prefix}_<NAME>_PATH, \
                         {prefix}_<NAME>_SECRET_ENV, …); the name is not shown in case it is a \
                         secret"
                    ),
                ));
            }
            if inline.is_some() {
                return Err(refuse_var(
                    &name_of("SECRET"),
                    format_args!(
                        "secrets are not accepted inline: set {key}_SECRET_ENV to the name of a \
                         variable that holds it, or {key}_SECRET_FILE to a file"
                    ),
                ));
            }
            let path = path.ok_or_else(|| refuse_var(&name_of("PATH"), "not set"))?;
            check_path(&path).map_err(|why| refuse_var(&name_of("PATH"), why))?;
            let provider = match provider {
                Some(provider) => {
                    check_provider(&provider)
                        .map_err(|why| refuse_var(&name_of("PROVIDER"), why))?;
                    provider.to_string()
                }
                None => {
                    check_provider(name).map_err(|why| {
                        refuse_var(
                            &name_of("PROVIDER"),
                            format_args!("not set, and the endpoint's name is not a preset: {why}"),
                        )
                    })?;
                    name.to_owned()
                }
            };
            let secret = match (secret_env, secret_file) {
                (Some(env), None) => {
                    check_env_name(&env).map_err(|why| refuse_var(&name_of("SECRET_ENV"), why))?;
                    SecretSource {
                        label: None,
                        env: Some(env.to_string()),
                        file: None,
                        expires_at: None,
                    }
                }
                (None, Some(file)) => {
                    check_file(&file).map_err(|why| refuse_var(&name_of("SECRET_FILE"), why))?;
                    SecretSource {
                        label: None,
                        env: None,
                        file: Some(PathBuf::from(file.as_str())),
                        expires_at: None,
                    }
                }
                _ => {
                    return Err(refuse_var(
                        &key,
                        "set exactly one of _SECRET_ENV and _SECRET_FILE",
                    ));
                }
            };
            let number = |value: Option<Zeroizing<String>>, suffix: &str, unit: &str| {
                value
                    .map(|v| {
                        v.trim().parse::<u64>().map_err(|_| {
                            refuse_var(
                                &name_of(suffix),
                                format_args!("expected a non-negative integer ({unit})"),
                            )
                        })
                    })
                    .transpose()
            };
            let tolerance_secs = number(tolerance, "TOLERANCE_SECS", "seconds")?;
            let body_limit = number(body_limit, "BODY_LIMIT", "bytes")?
                .map(|n| {
                    usize::try_from(n).map_err(|_| {
                        refuse_var(&name_of("BODY_LIMIT"), "too large for this platform")
                    })
                })
                .transpose()?;
            let public_url = public_url
                .map(|url| {
                    check_public_url(&url)
                        .map_err(|why| refuse_var(&name_of("PUBLIC_URL"), why))?;
                    Ok::<_, ConfigError>(url.to_string())
                })
                .transpose()?;
            endpoints.push(EndpointConfig {
                path: path.to_string(),
                provider,
                secrets: vec![secret],
                tolerance_secs,
                body_limit,
                public_url,
            });
        }
        let endpoints = Self { endpoints };
        endpoints.check()?;
        Ok(endpoints)
    }

    /// The endpoints.
    pub fn iter(&self) -> impl Iterator<Item = &EndpointConfig> {
        self.endpoints.iter()
    }

    /// What the loaders check across endpoints: each path is a route path, used once.
    fn check(&self) -> Result<(), ConfigError> {
        for (i, e) in self.endpoints.iter().enumerate() {
            let place = Place::endpoint(i, None);
            check_path(&e.path).map_err(|why| refuse(&place.field("path", None), why))?;
            if let Some(j) = self
                .endpoints
                .iter()
                .take(i)
                .position(|earlier| earlier.path == e.path)
            {
                return Err(refuse(
                    &place.with_path(&e.path).field("path", None),
                    format_args!("two endpoints share this path (endpoint #{})", j + 1),
                ));
            }
        }
        Ok(())
    }

    /// An axum router with one route per endpoint, each behind its own layer:
    /// `handler(endpoint)` gives the method router (e.g. `post(handle_stripe)`).
    ///
    /// Each layer is added with [`MethodRouter::route_layer`](axum::routing::MethodRouter::route_layer),
    /// next to the handler: no endpoint is ever behind another endpoint's layer, and a method
    /// the method router does not route (a `GET` on a `post(..)` endpoint) is 405, not 401.
    /// See docs/composing.md.
    ///
    /// ```
    /// use axum::routing::post;
    /// use webhook_guard::config::Endpoints;
    ///
    /// # let dir = std::env::temp_dir().join(format!("wg-config-doc-{}", std::process::id()));
    /// # std::fs::create_dir_all(&dir)?;
    /// # std::fs::write(dir.join("gh"), "github secret\n")?;
    /// let endpoints = Endpoints::from_toml_str(&format!(r#"
    ///     [[endpoint]]
    ///     path = "/webhooks/github"
    ///     provider = "github"
    ///     secrets = [{{ file = "{}" }}]
    /// "#, dir.join("gh").display()))?;
    /// let app: axum::Router = endpoints.router(|_endpoint| post(|| async { "ok" }))?;
    /// # std::fs::remove_dir_all(&dir)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// The first endpoint whose layer cannot be built (see [`EndpointConfig::layer`]).
    ///
    /// # Panics
    ///
    /// When `handler` returns a method router that routes no method at all (axum's
    /// `route_layer` refuses one: such a route would answer every request 405).
    #[cfg(feature = "axum")]
    pub fn router<S>(
        &self,
        mut handler: impl FnMut(&EndpointConfig) -> axum::routing::MethodRouter<S>,
    ) -> Result<axum::Router<S>, ConfigError>
    where
        S: Clone + Send + Sync + 'static,
    {
        let mut router = axum::Router::new();
        for endpoint in &self.endpoints {
            let layer = endpoint.layer()?;
            router = router.route(&endpoint.path, handler(endpoint).route_layer(layer));
        }
        Ok(router)
    }
}

impl EndpointConfig {
    /// Reads this endpoint's secrets and builds its layer.
    ///
    /// # Errors
    ///
    /// [`ConfigError::InvalidEndpoint`] naming the endpoint, the secret and the field (`env` or
    /// `file`) whose variable or file is missing, unreadable, empty or holds more than one line,
    /// or whose secret does not suit the scheme; or the scheme or layer cannot be built
    /// (invalid tolerance, missing public URL, …). Neither the secret nor the variable or file
    /// name is repeated.
    pub fn layer(&self) -> Result<WebhookLayer, ConfigError> {
        let place = Place::default();
        check_path(&self.path).map_err(|why| refuse(&place.field("path", None), why))?;
        let place = place.with_path(&self.path);
        let mut scheme = providers::by_name(&self.provider).ok_or_else(|| {
            let why = check_provider(&self.provider).err().unwrap_or_default();
            refuse(&place.field("provider", None), why)
        })?;
        if let Some(secs) = self.tolerance_secs {
            scheme = scheme.tolerance(Duration::from_secs(secs));
        }
        if let Some(url) = &self.public_url {
            let url = PublicUrl::parse(url)
                .map_err(|e| refuse(&place.field("public_url", None), describe(&e)))?;
            scheme = scheme.public_url(url);
        }
        let mut keyring = Keyring::new();
        for (i, source) in self.secrets.iter().enumerate() {
            let here = place.secret(i, None);
            let (field, label, text) = source.read(&here, i)?;
            let here = here.field(field, None);
            // This secret alone, so that a key the scheme cannot use is reported against it.
            let alone = Secret::new(text.as_str()).map_err(|e| refuse(&here, describe(&e)))?;
            if let Err(e) = Verifier::new(scheme.clone(), Keyring::new().key("probe", alone))
                && is_key_error(&e)
            {
                return Err(refuse(&here, describe(&e)));
            }
            let secret = Secret::new(text.as_str()).map_err(|e| refuse(&here, describe(&e)))?;
            keyring = match source.expires_at {
                Some(secs) => {
                    let at = check_expiry(secs).map_err(|why| {
                        refuse(&place.secret(i, None).field("expires_at", None), why)
                    })?;
                    keyring.key_until(label, secret, at)
                }
                None => keyring.key(label, secret),
            };
        }
        let mut layer = WebhookLayer::new(scheme, keyring).map_err(|e| {
            let field = match e {
                ConfigError::InvalidTolerance if self.tolerance_secs.is_some() => {
                    Some("tolerance_secs")
                }
                ConfigError::MissingPublicUrl(_) => Some("public_url"),
                _ => None,
            };
            match field {
                Some(field) => refuse(&place.field(field, None), describe(&e)),
                None => refuse(&place, describe(&e)),
            }
        })?;
        if let Some(limit) = self.body_limit {
            layer = layer.body_limit(limit);
        }
        Ok(layer)
    }
}

impl SecretSource {
    /// The secret's text, with the field it came from and its label.
    fn read(
        &self,
        place: &Place,
        index: usize,
    ) -> Result<(&'static str, String, Zeroizing<String>), ConfigError> {
        let label = self.effective_label(index);
        match (&self.env, &self.file) {
            (Some(var), None) => {
                let here = place.field("env", None);
                check_env_name(var).map_err(|why| refuse(&here, why))?;
                let text = Zeroizing::new(std::env::var(var).map_err(|e| {
                    refuse(
                        &here,
                        match e {
                            std::env::VarError::NotPresent => {
                                "the environment variable it names (`_SECRET_ENV` when configured \
                                 from environment variables) is not set"
                            }
                            std::env::VarError::NotUnicode(_) => {
                                "the environment variable it names is not valid UTF-8"
                            }
                        },
                    )
                })?);
                check_secret_text(&text).map_err(|why| {
                    refuse(
                        &here,
                        format_args!("the environment variable it names {why}"),
                    )
                })?;
                Ok(("env", label, text))
            }
            (None, Some(path)) => {
                let here = place.field("file", None);
                let bytes = Zeroizing::new(std::fs::read(path).map_err(|e| {
                    refuse(
                        &here,
                        format_args!("cannot read the file: {}", io_reason(&e)),
                    )
                })?);
                let text = std::str::from_utf8(&bytes)
                    .map_err(|_| refuse(&here, "the file is not valid UTF-8"))?;
                let text = Zeroizing::new(text.to_owned());
                check_secret_text(&text)
                    .map_err(|why| refuse(&here, format_args!("the file {why}")))?;
                Ok(("file", label, text))
            }
            _ => Err(refuse(
                place,
                "each secret needs exactly one of `env` and `file`",
            )),
        }
    }
}

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

use std::path::PathBuf;
use std::time::{Duration, UNIX_EPOCH};

use serde::Deserialize;

use crate::error::ConfigError;
use crate::layer::WebhookLayer;
use crate::providers;
use crate::scheme::PublicUrl;
use crate::secret::{Keyring, Secret};

/// A list of endpoints.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Endpoints {
    /// The endpoints, in order (`[[endpoint]]` in TOML).
    #[serde(rename = "endpoint", default)]
    pub endpoints: Vec<EndpointConfig>,
}

/// One endpoint: where it is served, which provider signs it, where its secrets are.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EndpointConfig {
    /// The route path, e.g. `/webhooks/stripe`.
    pub path: String,
    /// A preset name from [`providers::ALL`].
    pub provider: String,
    /// One or more secrets, newest first (rotation: give the old one an `expires_at`).
    pub secrets: Vec<SecretSource>,
    /// Timestamp tolerance in seconds, both directions (default: the preset's).
    #[serde(default)]
    pub tolerance_secs: Option<u64>,
    /// Body limit in bytes (default: the preset's).
    #[serde(default)]
    pub body_limit: Option<usize>,
    /// The public base URL, for presets that sign the URL (Twilio, Square).
    #[serde(default)]
    pub public_url: Option<String>,
}

/// Where one secret is read from: exactly one of `env` and `file`.
#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SecretSource {
    /// A label for logs and [`Verified::key_label`](crate::Verified::key_label) (default: the
    /// env var or file name).
    #[serde(default)]
    pub label: Option<String>,
    /// Read the secret from this environment variable.
    #[serde(default)]
    pub env: Option<String>,
    /// Read the secret from this file (surrounding whitespace trimmed).
    #[serde(default)]
    pub file: Option<PathBuf>,
    /// The instant (unix seconds) from which this secret stops matching.
    #[serde(default)]
    pub expires_at: Option<u64>,
}

impl std::fmt::Debug for SecretSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Names where the secret lives, never the secret.
        f.debug_struct("SecretSource")
            .field("label", &self.label)
            .field("env", &self.env)
            .field("file", &self.file)
            .field("expires_at", &self.expires_at)
            .finish()
    }
}

fn invalid(endpoint: &str, why: impl std::fmt::Display) -> ConfigError {
    ConfigError::InvalidEndpoint(format!("{endpoint}: {why}"))
}

impl Endpoints {
    /// Parses TOML (`[[endpoint]]` tables).
    ///
    /// # Errors
    ///
    /// [`ConfigError::InvalidEndpoint`] for malformed TOML, unknown fields — including an inline
    /// `secret` — or a provider name that is not a preset.
    pub fn from_toml_str(text: &str) -> Result<Self, ConfigError> {
        let parsed: Self = toml::from_str(text).map_err(|e| {
            let msg = e.message().to_owned();
            if msg.contains("unknown field `secret`") || msg.contains("unknown field `value`") {
                ConfigError::InvalidEndpoint(
                    "secrets are not accepted inline: use `env = \"VAR\"` or `file = \"/path\"`"
                        .into(),
                )
            } else {
                ConfigError::InvalidEndpoint(format!("configuration: {msg}"))
            }
        })?;
        parsed.check()?;
        Ok(parsed)
    }

    /// Reads and parses a TOML file.
    ///
    /// # Errors
    ///
    /// The file cannot be read, or as [`from_toml_str`](Self::from_toml_str).
    pub fn from_toml_file(path: impl AsRef<std::path::Path>) -> Result<Self, ConfigError> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path)
            .map_err(|e| ConfigError::InvalidEndpoint(format!("{}: {e}", path.display())))?;
        Self::from_toml_str(&text)
    }

    /// Reads `{prefix}_ENDPOINTS` (comma-separated names) and, for each name `N`,
    /// `{prefix}_{N}_PATH`, `{prefix}_{N}_PROVIDER` (default: the name),
    /// `{prefix}_{N}_SECRET_ENV` or `{prefix}_{N}_SECRET_FILE`, and the optional
    /// `_TOLERANCE_SECS`, `_BODY_LIMIT`, `_PUBLIC_URL`. Names are upper-cased, `-` becomes `_`.
    ///
    /// # Errors
    ///
    /// [`ConfigError::InvalidEndpoint`] naming the missing or malformed variable.
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
        let list = get(&list_var).ok_or_else(|| invalid(&list_var, "not set"))?;
        let mut endpoints = Vec::new();
        for name in list.split(',').map(str::trim).filter(|n| !n.is_empty()) {
            let key = format!("{prefix}_{}", name.to_ascii_uppercase().replace('-', "_"));
            let var = |suffix: &str| get(&format!("{key}_{suffix}"));
            let number = |suffix: &str| -> Result<Option<u64>, ConfigError> {
                var(suffix)
                    .map(|v| {
                        v.trim()
                            .parse()
                            .map_err(|_| invalid(&format!("{key}_{suffix}"), "not a number"))
                    })
                    .transpose()
            };
            let secret = match (var("SECRET_ENV"), var("SECRET_FILE")) {
                (Some(env), None) => SecretSource {
                    label: None,
                    env: Some(env),
                    file: None,
                    expires_at: None,
                },
                (None, Some(file)) => SecretSource {
                    label: None,
                    env: None,
                    file: Some(file.into()),
                    expires_at: None,
                },
                _ => {
                    return Err(invalid(
                        &key,
                        "set exactly one of _SECRET_ENV and _SECRET_FILE",
                    ));
                }
            };
            endpoints.push(EndpointConfig {
                path: var("PATH").ok_or_else(|| invalid(&format!("{key}_PATH"), "not set"))?,
                provider: var("PROVIDER").unwrap_or_else(|| name.to_owned()),
                secrets: vec![secret],
                tolerance_secs: number("TOLERANCE_SECS")?,
                body_limit: number("BODY_LIMIT")?
                    .map(|n| usize::try_from(n).map_err(|_| invalid(&key, "body limit too large")))
                    .transpose()?,
                public_url: var("PUBLIC_URL"),
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

    fn check(&self) -> Result<(), ConfigError> {
        let mut paths = std::collections::HashSet::new();
        for e in &self.endpoints {
            if providers::by_name(&e.provider).is_none() {
                return Err(invalid(
                    &e.path,
                    format_args!(
                        "unknown provider `{}` (known: {})",
                        e.provider,
                        providers::ALL.join(", ")
                    ),
                ));
            }
            if !e.path.starts_with('/') {
                return Err(invalid(&e.path, "the path must start with `/`"));
            }
            if !paths.insert(e.path.as_str()) {
                return Err(invalid(&e.path, "two endpoints share this path"));
            }
            if e.secrets.is_empty() {
                return Err(invalid(&e.path, "no secret configured"));
            }
            for s in &e.secrets {
                if s.env.is_some() == s.file.is_some() {
                    return Err(invalid(
                        &e.path,
                        "each secret needs exactly one of `env` and `file`",
                    ));
                }
            }
        }
        Ok(())
    }

    /// An axum router with one route per endpoint, each behind its own layer:
    /// `handler(endpoint)` gives the method router (e.g. `post(handle_stripe)`).
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
            router = router.route(&endpoint.path, handler(endpoint).layer(endpoint.layer()?));
        }
        Ok(router)
    }
}

impl EndpointConfig {
    /// Reads this endpoint's secrets and builds its layer.
    ///
    /// # Errors
    ///
    /// [`ConfigError::InvalidEndpoint`] naming the variable or file that is missing or
    /// unreadable, or any error building the scheme or the layer.
    pub fn layer(&self) -> Result<WebhookLayer, ConfigError> {
        let mut scheme = providers::by_name(&self.provider).ok_or_else(|| {
            invalid(
                &self.path,
                format_args!("unknown provider `{}`", self.provider),
            )
        })?;
        if let Some(secs) = self.tolerance_secs {
            scheme = scheme.tolerance_both(Duration::from_secs(secs));
        }
        if let Some(url) = &self.public_url {
            scheme = scheme.public_url(PublicUrl::parse(url)?);
        }
        let mut keyring = Keyring::new();
        for (i, source) in self.secrets.iter().enumerate() {
            let (label, secret) = source.read(&self.path, i)?;
            keyring = match source.expires_at {
                Some(at) => keyring.key_until(label, secret, UNIX_EPOCH + Duration::from_secs(at)),
                None => keyring.key(label, secret),
            };
        }
        let mut layer = WebhookLayer::new(scheme, keyring)?;
        if let Some(limit) = self.body_limit {
            layer = layer.body_limit(limit);
        }
        Ok(layer)
    }
}

impl SecretSource {
    fn read(&self, endpoint: &str, index: usize) -> Result<(String, Secret), ConfigError> {
        let (origin, text) = match (&self.env, &self.file) {
            (Some(var), None) => (
                var.clone(),
                std::env::var(var).map_err(|_| {
                    invalid(
                        endpoint,
                        format_args!("environment variable {var} is not set"),
                    )
                })?,
            ),
            (None, Some(path)) => (
                path.file_name().map_or_else(
                    || format!("secret-{index}"),
                    |n| n.to_string_lossy().into_owned(),
                ),
                std::fs::read_to_string(path).map_err(|e| {
                    invalid(
                        endpoint,
                        format_args!("secret file {}: {e}", path.display()),
                    )
                })?,
            ),
            _ => {
                return Err(invalid(
                    endpoint,
                    "each secret needs exactly one of `env` and `file`",
                ));
            }
        };
        let secret =
            Secret::new(text).map_err(|e| invalid(endpoint, format_args!("{origin}: {e}")))?;
        Ok((self.label.clone().unwrap_or(origin), secret))
    }
}

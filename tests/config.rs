//! Endpoints described in TOML or environment variables (feature `config`).
#![cfg(all(feature = "config", feature = "axum"))]

mod common;
use common::SignExt as _;

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::SystemTime;

use axum::body::Body;
use axum::routing::post;
use http::{Request, StatusCode};
use tower::ServiceExt;
use webhook_guard::config::Endpoints;
use webhook_guard::{ConfigError, Secret, Signer, providers};

/// A private directory with secret files, removed at the end.
struct SecretDir(PathBuf);

impl SecretDir {
    fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("wg-config-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        Self(dir)
    }
    fn write(&self, file: &str, secret: &str) -> String {
        let path = self.0.join(file);
        std::fs::write(&path, secret).unwrap();
        path.display().to_string()
    }
}

impl Drop for SecretDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn config_error(text: &str) -> String {
    match Endpoints::from_toml_str(text) {
        Err(ConfigError::InvalidEndpoint(why)) => why,
        other => panic!("expected InvalidEndpoint, got {other:?}"),
    }
}

#[test]
fn inline_secrets_are_refused() {
    let why = config_error(
        r#"
        [[endpoint]]
        path = "/hook"
        provider = "github"
        secrets = [{ secret = "hunter2" }]
    "#,
    );
    assert!(why.contains("not accepted inline"), "{why}");
    assert!(!why.contains("hunter2"), "{why}");
}

#[test]
fn configuration_mistakes_are_named() {
    let cases = [
        (
            r#"[[endpoint]]
            path = "/a"
            provider = "stipe"
            secrets = [{ env = "X" }]"#,
            "unknown provider; did you mean `stripe`?",
        ),
        (
            r#"[[endpoint]]
            path = "/a"
            provider = "stripe"
            secrets = [{ env = "X" }]
            [[endpoint]]
            path = "/a"
            provider = "github"
            secrets = [{ env = "Y" }]"#,
            "share this path",
        ),
        (
            r#"[[endpoint]]
            path = "/a"
            provider = "stripe"
            secrets = []"#,
            "no secret",
        ),
        (
            r#"[[endpoint]]
            path = "/a"
            provider = "stripe"
            secrets = [{ env = "X", file = "/f" }]"#,
            "exactly one of",
        ),
        (
            r#"[[endpoint]]
            path = "a"
            provider = "stripe"
            secrets = [{ env = "X" }]"#,
            "must start with",
        ),
        (
            r#"[[endpoint]]
            path = "/a"
            provider = "stripe"
            secrets = [{ env = "X" }]
            tolerance = 5"#,
            "unknown field",
        ),
    ];
    for (text, expected) in cases {
        let why = config_error(text);
        assert!(why.contains(expected), "{expected:?} not in {why:?}");
        // The misspelt provider is not repeated: only a known name is suggested.
        assert!(!why.contains("stipe"), "{why}");
    }
}

#[test]
fn missing_or_empty_secrets_fail_when_the_layer_is_built() {
    let dir = SecretDir::new("missing");
    let empty = dir.write("empty", "\n");
    let endpoints = Endpoints::from_toml_str(&format!(
        r#"
        [[endpoint]]
        path = "/env"
        provider = "github"
        secrets = [{{ env = "WEBHOOK_GUARD_TEST_SURELY_UNSET_VARIABLE" }}]
        [[endpoint]]
        path = "/nofile"
        provider = "github"
        secrets = [{{ file = "/nonexistent/secret" }}]
        [[endpoint]]
        path = "/empty"
        provider = "github"
        secrets = [{{ file = "{empty}" }}]
    "#
    ))
    .unwrap();
    let errors: Vec<String> = endpoints
        .iter()
        .map(|e| e.layer().unwrap_err().to_string())
        .collect();
    // Each error names the endpoint and the field, but not the variable or file it names,
    // which could be a secret pasted into the wrong place.
    assert!(
        errors[0].contains("endpoint /env, secrets[0], `env`") && errors[0].contains("not set"),
        "{}",
        errors[0]
    );
    assert!(
        !errors[0].contains("WEBHOOK_GUARD_TEST_SURELY_UNSET_VARIABLE"),
        "{}",
        errors[0]
    );
    assert!(
        errors[1].contains("endpoint /nofile, secrets[0], `file`: cannot read the file"),
        "{}",
        errors[1]
    );
    assert!(!errors[1].contains("/nonexistent/secret"), "{}", errors[1]);
    assert!(
        errors[2].contains("endpoint /empty, secrets[0], `file`") && errors[2].contains("empty"),
        "{}",
        errors[2]
    );
}

#[test]
fn endpoints_from_environment_variables() {
    let vars: HashMap<&str, &str> = [
        ("HOOKS_ENDPOINTS", "stripe, github-legacy"),
        ("HOOKS_STRIPE_PATH", "/webhooks/stripe"),
        ("HOOKS_STRIPE_SECRET_ENV", "STRIPE_WEBHOOK_SECRET"),
        ("HOOKS_STRIPE_TOLERANCE_SECS", "600"),
        ("HOOKS_GITHUB_LEGACY_PATH", "/webhooks/github"),
        ("HOOKS_GITHUB_LEGACY_PROVIDER", "github-sha1"),
        ("HOOKS_GITHUB_LEGACY_SECRET_FILE", "/run/secrets/github"),
        ("HOOKS_GITHUB_LEGACY_BODY_LIMIT", "26214400"),
    ]
    .into();
    let endpoints =
        Endpoints::from_vars("HOOKS", |k| vars.get(k).map(|v| (*v).to_owned())).unwrap();
    let all: Vec<_> = endpoints.iter().collect();
    assert_eq!(all.len(), 2);
    assert_eq!(
        (all[0].provider.as_str(), all[0].tolerance_secs),
        ("stripe", Some(600))
    );
    assert_eq!(
        all[0].secrets[0].env.as_deref(),
        Some("STRIPE_WEBHOOK_SECRET")
    );
    assert_eq!(
        (all[1].provider.as_str(), all[1].body_limit),
        ("github-sha1", Some(26_214_400))
    );
    assert_eq!(
        all[1].secrets[0].file.as_deref(),
        Some(std::path::Path::new("/run/secrets/github"))
    );

    let missing: HashMap<&str, &str> =
        [("HOOKS_ENDPOINTS", "stripe"), ("HOOKS_STRIPE_PATH", "/s")].into();
    let err =
        Endpoints::from_vars("HOOKS", |k| missing.get(k).map(|v| (*v).to_owned())).unwrap_err();
    assert!(err.to_string().contains("_SECRET_ENV"), "{err}");
    assert!(Endpoints::from_vars("HOOKS", |_| None).is_err());
}

fn signed(scheme: webhook_guard::Scheme, secret: &str, path: &str) -> Request<Body> {
    let body = br#"{"id":"evt_1"}"#;
    let headers = Signer::new(scheme, Secret::new(secret).unwrap())
        .unwrap()
        .sign_headers(body, SystemTime::now(), Some("msg_1"))
        .unwrap();
    let mut req = Request::post(path).body(Body::from(&body[..])).unwrap();
    *req.headers_mut() = headers;
    req
}

#[tokio::test]
async fn a_router_from_configuration_keeps_each_endpoint_to_its_own_secret() {
    let dir = SecretDir::new("router");
    let stripe = dir.write("stripe", "whsec_config_stripe\n");
    let stripe_old = dir.write("stripe_old", "whsec_config_stripe_old");
    let github = dir.write("github", "config github secret");
    let expired = 1_000_000_000; // long past
    let endpoints = Endpoints::from_toml_str(&format!(
        r#"
        [[endpoint]]
        path = "/webhooks/stripe"
        provider = "stripe"
        secrets = [
            {{ label = "current", file = "{stripe}" }},
            {{ label = "retired", file = "{stripe_old}", expires_at = {expired} }},
        ]
        [[endpoint]]
        path = "/webhooks/github"
        provider = "github"
        secrets = [{{ file = "{github}" }}]
    "#
    ))
    .unwrap();
    let app: axum::Router = endpoints
        .router(|e| {
            let provider = e.provider.clone();
            post(move |v: webhook_guard::Verified| async move {
                format!("{provider}:{}", v.key_label())
            })
        })
        .unwrap();
    let status = |req: Request<Body>| {
        let app = app.clone();
        async move { app.oneshot(req).await.unwrap().status() }
    };
    assert_eq!(
        status(signed(
            providers::stripe(),
            "whsec_config_stripe",
            "/webhooks/stripe"
        ))
        .await,
        StatusCode::OK
    );
    assert_eq!(
        status(signed(
            providers::github(),
            "config github secret",
            "/webhooks/github"
        ))
        .await,
        StatusCode::OK
    );
    // The retired secret no longer matches.
    assert_eq!(
        status(signed(
            providers::stripe(),
            "whsec_config_stripe_old",
            "/webhooks/stripe"
        ))
        .await,
        401
    );
    // A Stripe secret never verifies the GitHub route, in either scheme.
    assert_eq!(
        status(signed(
            providers::github(),
            "whsec_config_stripe",
            "/webhooks/github"
        ))
        .await,
        401
    );
    assert_eq!(
        status(signed(
            providers::stripe(),
            "whsec_config_stripe",
            "/webhooks/github"
        ))
        .await,
        401
    );
    // Each endpoint's layer sits next to its handler: another method is 405, not 401.
    let get = Request::get("/webhooks/stripe")
        .body(Body::empty())
        .unwrap();
    assert_eq!(status(get).await, StatusCode::METHOD_NOT_ALLOWED);
    // The configuration's Debug shows where secrets are, never what they are.
    let dbg = format!("{endpoints:?}");
    assert!(
        dbg.contains("stripe_old") && !dbg.contains("whsec_config"),
        "{dbg}"
    );
}

// ---------------------------------------------------------------------------------------------
// Configuration errors never echo secret material.
//
// Each case below puts a secret-like marker in a different wrong place. Whatever refuses the
// configuration — parsing or building the layer — must say which field, variable or position is
// wrong, and neither its `Display` nor its `Debug` may contain any part of the marker.
// ---------------------------------------------------------------------------------------------

/// The secret-like value planted in every case.
const CANARY: &str = "whsec_LEAKCANARY123";

/// What the messages are searched for, case-insensitively (an upper-cased or partly quoted
/// marker is still a leak).
const CANARY_CORE: &str = "leakcanary";

/// The first error the configuration produces: from parsing, else from building a layer.
fn refusal(parsed: Result<Endpoints, ConfigError>) -> Option<ConfigError> {
    match parsed {
        Err(e) => Some(e),
        Ok(endpoints) => endpoints.iter().find_map(|e| e.layer().err()),
    }
}

/// Why `err` is not an acceptable refusal, if it is not: it leaks the marker, or does not
/// name every one of `names`.
fn leak_or_unnamed(err: Option<ConfigError>, names: &[&str]) -> Option<String> {
    let Some(err) = err else {
        return Some("accepted".into());
    };
    let display = err.to_string();
    let debug = format!("{err:?}");
    if display.to_ascii_lowercase().contains(CANARY_CORE) {
        return Some(format!("Display leaks the marker: {display}"));
    }
    if debug.to_ascii_lowercase().contains(CANARY_CORE) {
        return Some(format!("Debug leaks the marker: {debug}"));
    }
    names
        .iter()
        .find(|n| !display.contains(*n))
        .map(|missing| format!("does not name {missing:?}: {display}"))
}

/// An endpoint table around `secrets` and extra lines; `{CANARY}` is replaced by the marker.
fn endpoint(extra: &str, secrets: &str) -> String {
    format!("[[endpoint]]\npath = \"/hook\"\nprovider = \"github\"\nsecrets = {secrets}\n{extra}\n")
        .replace("{CANARY}", CANARY)
}

#[test]
fn malformed_toml_never_echoes_a_secret_and_names_the_field() {
    let ok_secrets = r#"[{ env = "WG_TEST_SURELY_UNSET_SECRET" }]"#;
    let cases: Vec<(&str, String, &[&str])> = vec![
        (
            "secret in an integer field",
            endpoint(r#"body_limit = "{CANARY}""#, ok_secrets),
            &["`body_limit`", "line 5"],
        ),
        (
            "secret in tolerance_secs",
            endpoint(r#"tolerance_secs = "{CANARY}""#, ok_secrets),
            &["`tolerance_secs`"],
        ),
        (
            "secret as expires_at",
            endpoint("", r#"[{ env = "A", expires_at = "{CANARY}" }]"#),
            &["`expires_at`", "secrets[0]"],
        ),
        (
            "secret as the provider",
            endpoint("", ok_secrets).replace(r#""github""#, &format!("\"{CANARY}\"")),
            &["`provider`"],
        ),
        (
            "secret as the path",
            endpoint("", ok_secrets).replace(r#""/hook""#, &format!("\"{CANARY}\"")),
            &["`path`"],
        ),
        (
            "secret as the public URL",
            endpoint(r#"public_url = "{CANARY}""#, ok_secrets),
            &["`public_url`"],
        ),
        (
            "secret as user information in the public URL",
            endpoint(r#"public_url = "https://{CANARY}@example.com""#, ok_secrets),
            &["`public_url`"],
        ),
        (
            "secret as the env name",
            endpoint("", r#"[{ env = "{CANARY}" }]"#),
            &["`env`", "secrets[0]"],
        ),
        (
            "secret with base64 characters as the env name",
            endpoint("", r#"[{ env = "{CANARY}+/x==" }]"#),
            &["`env`"],
        ),
        (
            "secret as the file name",
            endpoint("", r#"[{ file = "{CANARY}" }]"#),
            &["`file`", "secrets[0]"],
        ),
        (
            "inline secret in a secret table",
            endpoint("", r#"[{ secret = "{CANARY}" }]"#),
            &["not accepted inline"],
        ),
        (
            "inline secret next to an env",
            endpoint("", r#"[{ env = "A", value = "{CANARY}" }]"#),
            &["not accepted inline"],
        ),
        (
            "inline secret on the endpoint",
            endpoint(r#"secret = "{CANARY}""#, ok_secrets),
            &["not accepted inline"],
        ),
        (
            "inline secret at the top level",
            format!(
                "webhook_secret = \"{CANARY}\"\n{}",
                endpoint("", ok_secrets)
            ),
            &["`webhook_secret`"],
        ),
        (
            "inline array of secrets",
            endpoint("", r#"["{CANARY}"]"#),
            &["`secrets`", "not accepted inline"],
        ),
        (
            "secrets as a string",
            endpoint("", r#""{CANARY}""#),
            &["`secrets`"],
        ),
        (
            "secret in an array where a string belongs",
            endpoint("", ok_secrets).replace(r#""/hook""#, &format!("[\"{CANARY}\"]")),
            &["`path`"],
        ),
        (
            "mistyped key holding a secret",
            endpoint(r#"tolerance = "{CANARY}""#, ok_secrets),
            &["`tolerance`", "unknown field"],
        ),
        (
            "secret used as a key",
            endpoint(r#"{CANARY} = 1"#, ok_secrets),
            &["unknown field", "line 5"],
        ),
        (
            "secret used as a key in a secret table",
            endpoint("", r#"[{ {CANARY} = "x" }]"#),
            &["unknown field", "secrets[0]"],
        ),
        (
            "secret as a table header",
            format!("{}[{CANARY}]\nx = 1\n", endpoint("", ok_secrets)),
            &["unknown field", "line 6"],
        ),
        (
            "duplicate key, the second holding a secret",
            endpoint(r#"path = "{CANARY}""#, ok_secrets),
            &["`path`", "duplicate", "line 5"],
        ),
        (
            "duplicate key in an inline table",
            endpoint("", r#"[{ env = "A", env = "{CANARY}" }]"#),
            &["`env`", "duplicate"],
        ),
        (
            "unquoted secret (bad TOML syntax on the secret's line)",
            endpoint("", r#"[{ env = {CANARY} }]"#),
            &["`env`", "line 4"],
        ),
        (
            "unterminated string holding a secret",
            endpoint(r#"public_url = "{CANARY}"#, ok_secrets),
            &["`public_url`", "line 5"],
        ),
        (
            "secret pasted alone on a line",
            endpoint(CANARY, ok_secrets),
            &["line 5"],
        ),
        (
            "secret as a label, twice",
            endpoint(
                "",
                r#"[{ env = "A", label = "{CANARY}" }, { env = "B", label = "{CANARY}" }]"#,
            ),
            &["`label`", "secrets[1]"],
        ),
    ];
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|(name, text, names)| {
            leak_or_unnamed(refusal(Endpoints::from_toml_str(text)), names)
                .map(|why| format!("{name}: {why}"))
        })
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn malformed_environment_variables_never_echo_a_secret_and_name_the_variable() {
    let base = [
        ("WEBHOOKS_ENDPOINTS", "x"),
        ("WEBHOOKS_X_PATH", "/x"),
        ("WEBHOOKS_X_PROVIDER", "github"),
        ("WEBHOOKS_X_SECRET_ENV", "WG_TEST_SURELY_UNSET_SECRET"),
    ];
    let canary_b64 = format!("{CANARY}+/x==");
    // (case, variables set on top of `base`, what the message must name)
    type Case<'a> = (&'a str, Vec<(&'a str, &'a str)>, &'a [&'a str]);
    let cases: Vec<Case<'_>> = vec![
        (
            "secret as the body limit",
            vec![("WEBHOOKS_X_BODY_LIMIT", CANARY)],
            &["WEBHOOKS_X_BODY_LIMIT"],
        ),
        (
            "secret as the tolerance",
            vec![("WEBHOOKS_X_TOLERANCE_SECS", CANARY)],
            &["WEBHOOKS_X_TOLERANCE_SECS"],
        ),
        (
            "secret as the provider",
            vec![("WEBHOOKS_X_PROVIDER", CANARY)],
            &["WEBHOOKS_X_PROVIDER"],
        ),
        (
            "secret as the path",
            vec![("WEBHOOKS_X_PATH", CANARY)],
            &["WEBHOOKS_X_PATH"],
        ),
        (
            "secret as the public URL",
            vec![("WEBHOOKS_X_PUBLIC_URL", CANARY)],
            &["WEBHOOKS_X_PUBLIC_URL"],
        ),
        (
            "secret as the env name",
            vec![("WEBHOOKS_X_SECRET_ENV", &canary_b64)],
            &["WEBHOOKS_X_SECRET_ENV"],
        ),
        (
            "env name pointing at an unset variable",
            vec![("WEBHOOKS_X_SECRET_ENV", "WG_TEST_LEAKCANARY_UNSET_123")],
            &["_SECRET_ENV", "not set"],
        ),
        (
            "secret given inline",
            vec![("WEBHOOKS_X_SECRET", CANARY)],
            &["WEBHOOKS_X_SECRET", "not accepted inline"],
        ),
        (
            "secret as the endpoint list",
            vec![("WEBHOOKS_ENDPOINTS", &canary_b64)],
            &["WEBHOOKS_ENDPOINTS"],
        ),
        (
            "name-shaped secret as the endpoint list",
            vec![("WEBHOOKS_ENDPOINTS", CANARY)],
            &["WEBHOOKS_ENDPOINTS", "entry #1"],
        ),
        (
            "name-shaped secret as the env name",
            vec![("WEBHOOKS_X_SECRET_ENV", CANARY)],
            &["WEBHOOKS_X_SECRET_ENV"],
        ),
    ];
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|(name, overrides, names)| {
            let mut vars: HashMap<&str, &str> = base.into();
            vars.extend(overrides.iter().copied());
            let parsed = Endpoints::from_vars("WEBHOOKS", |k| vars.get(k).map(|v| (*v).to_owned()));
            leak_or_unnamed(refusal(parsed), names).map(|why| format!("{name}: {why}"))
        })
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn secrets_read_from_files_are_never_echoed_in_errors() {
    let dir = SecretDir::new("leaks");
    // Trailing garbage after the secret: another line, as in an env file pasted whole.
    let garbage = dir.write("garbage", &format!("{CANARY}\nOTHER=whsec_LEAKCANARY456\n"));
    // A `whsec_` secret whose rest is not base64, for a scheme that decodes it.
    let not_b64 = dir.write("not_b64", &format!("{CANARY}!!\n"));
    let cases: Vec<(&str, String, &[&str])> = vec![
        (
            "secret file with trailing garbage",
            endpoint("", &format!(r#"[{{ file = "{garbage}" }}]"#)),
            &["/hook", "secrets[0]", "`file`"],
        ),
        (
            "secret that does not decode for its scheme",
            endpoint("", &format!(r#"[{{ file = "{not_b64}" }}]"#))
                .replace(r#""github""#, r#""standard-webhooks""#),
            &["/hook", "secrets[0]", "base64"],
        ),
    ];
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|(name, text, names)| {
            leak_or_unnamed(refusal(Endpoints::from_toml_str(text)), names)
                .map(|why| format!("{name}: {why}"))
        })
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn endpoints_deserialized_by_another_format_never_echo_a_secret() {
    let cases = [
        format!(
            r#"{{"endpoint": [{{"path": "/a", "provider": "github",
                "secrets": [{{"env": "A"}}], "body_limit": "{CANARY}"}}]}}"#
        ),
        format!(
            r#"{{"endpoint": [{{"path": "/a", "provider": "github",
                "secrets": ["{CANARY}"]}}]}}"#
        ),
        format!(
            r#"{{"endpoint": [{{"path": "/a", "provider": "{CANARY}",
                "secrets": [{{"env": "A"}}]}}]}}"#
        ),
    ];
    for text in cases {
        let err = serde_json::from_str::<Endpoints>(&text).unwrap_err();
        for shown in [err.to_string(), format!("{err:?}")] {
            assert!(!shown.to_ascii_lowercase().contains(CANARY_CORE), "{shown}");
        }
    }
    // The same checks as from TOML, including an expiry no clock can represent.
    let err = serde_json::from_str::<Endpoints>(
        r#"{"endpoint": [{"path": "/a", "provider": "github",
            "secrets": [{"env": "A", "expires_at": 18446744073709551615}]}]}"#,
    )
    .unwrap_err();
    assert!(
        err.to_string().contains("secrets[0], `expires_at`"),
        "{err}"
    );
}

#[test]
fn a_configuration_file_is_named_in_its_errors_but_not_quoted() {
    let dir = SecretDir::new("file");
    let config = dir.write(
        "webhooks.toml",
        &endpoint("", r#"[{ env = "A", expires_at = "{CANARY}" }]"#),
    );
    let err = Endpoints::from_toml_file(&config).unwrap_err();
    let shown = err.to_string();
    assert!(
        shown.contains(&config) && shown.contains("`expires_at` (line 4,"),
        "{shown}"
    );
    assert!(!shown.to_ascii_lowercase().contains(CANARY_CORE), "{shown}");
    let missing = Endpoints::from_toml_file(dir.0.join("missing.toml")).unwrap_err();
    assert!(missing.to_string().contains("missing.toml"), "{missing}");
}

#[test]
fn syntax_errors_give_a_position_and_the_parsers_words_only() {
    let why = config_error(&endpoint("", r#"[{ env = {CANARY} }]"#));
    assert_eq!(
        why,
        "`env` (line 4, column 20): not valid TOML: string values must be quoted, expected \
         literal string"
    );
}

#[test]
fn layer_errors_name_the_endpoint_and_the_field() {
    let dir = SecretDir::new("layer");
    let secret = dir.write("secret", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw\n");
    let endpoints = Endpoints::from_toml_str(&format!(
        r#"
        [[endpoint]]
        path = "/too-tolerant"
        provider = "stripe"
        tolerance_secs = 172800
        secrets = [{{ file = "{secret}" }}]
        [[endpoint]]
        path = "/no-url"
        provider = "twilio"
        secrets = [{{ file = "{secret}" }}]
    "#
    ))
    .unwrap();
    let errors: Vec<String> = endpoints
        .iter()
        .map(|e| e.layer().unwrap_err().to_string())
        .collect();
    assert!(
        errors[0].contains("endpoint /too-tolerant, `tolerance_secs`: timestamp tolerance"),
        "{}",
        errors[0]
    );
    assert!(
        errors[1].contains("endpoint /no-url, `public_url`"),
        "{}",
        errors[1]
    );
}

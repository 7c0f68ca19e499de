//! Endpoints described in TOML or environment variables (feature `config`).
#![cfg(all(feature = "config", feature = "axum"))]

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
            "unknown provider `stipe`",
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
    assert!(
        errors[0].contains("WEBHOOK_GUARD_TEST_SURELY_UNSET_VARIABLE is not set"),
        "{}",
        errors[0]
    );
    assert!(errors[1].contains("/nonexistent/secret"), "{}", errors[1]);
    assert!(errors[2].contains("empty"), "{}", errors[2]);
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
        .sign(body, SystemTime::now(), Some("msg_1"))
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
    // The configuration's Debug shows where secrets are, never what they are.
    let dbg = format!("{endpoints:?}");
    assert!(
        dbg.contains("stripe_old") && !dbg.contains("whsec_config"),
        "{dbg}"
    );
}

//! Many tenants, one route: `POST /webhooks/{tenant}`. Each tenant's Stripe secrets live in a
//! real SQLite database, looked up through a `KeyResolver` and cached for one second. While the
//! server runs, one tenant rotates its secret in the database: the new one works as soon as the
//! cache expires, the old one keeps working through its grace period and stops at its instant.
//!
//! ```text
//! cargo run --example multi_tenant
//! ```
#![allow(clippy::print_stdout)]

use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::routing::post;
use rusqlite::Connection;
use webhook_guard::keys::{ResolveError, TenantKeys, TenantSelector};
use webhook_guard::{Keyring, Secret, Signer, Verified, WebhookLayer, providers};

type Db = Arc<Mutex<Connection>>;

fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

fn open_db() -> rusqlite::Result<Db> {
    let conn = Connection::open_in_memory()?;
    conn.execute_batch(
        "CREATE TABLE webhook_keys (
            tenant     TEXT NOT NULL,
            label      TEXT NOT NULL,
            secret     TEXT NOT NULL,
            expires_at INTEGER,             -- unix seconds; NULL = no expiry
            PRIMARY KEY (tenant, label)
        );
        INSERT INTO webhook_keys VALUES ('acme',   'acme-2026-05',   'whsec_acme_may',   NULL);
        INSERT INTO webhook_keys VALUES ('globex', 'globex-2026-01', 'whsec_globex_jan', NULL);",
    )?;
    Ok(Arc::new(Mutex::new(conn)))
}

/// `SELECT` the tenant's keys (newest first) into a keyring. Runs on the blocking pool.
fn load_keyring(db: &Db, tenant: &str) -> Result<Option<Keyring>, ResolveError> {
    let conn = db
        .lock()
        .map_err(|_| ResolveError::new("database mutex poisoned"))?;
    let mut stmt = conn
        .prepare(
            "SELECT label, secret, expires_at FROM webhook_keys
             WHERE tenant = ?1 AND (expires_at IS NULL OR expires_at > ?2)
             ORDER BY expires_at IS NOT NULL, label DESC",
        )
        .map_err(|e| ResolveError::new(e.to_string()))?;
    let rows = stmt
        .query_map((tenant, unix_now()), |row| {
            Ok((
                row.get::<_, String>(0)?,
                row.get::<_, String>(1)?,
                row.get::<_, Option<i64>>(2)?,
            ))
        })
        .map_err(|e| ResolveError::new(e.to_string()))?;
    let mut keyring = Keyring::new();
    for row in rows {
        let (label, secret, expires_at) = row.map_err(|e| ResolveError::new(e.to_string()))?;
        let secret = Secret::new(secret).map_err(|e| ResolveError::new(e.to_string()))?;
        keyring = match expires_at {
            Some(at) => {
                let at = UNIX_EPOCH + Duration::from_secs(u64::try_from(at).unwrap_or(0));
                keyring.key_until(label, secret, at)
            }
            None => keyring.key(label, secret),
        };
    }
    Ok((!keyring.is_empty()).then_some(keyring))
}

async fn handle(verified: Verified) -> String {
    format!(
        "tenant {} verified with {}",
        verified.tenant().unwrap_or("-"),
        verified.key_label()
    )
}

/// Deliveries to play: (what, tenant, secret it is signed with, expected status).
type Plays<'a> = [(&'a str, &'a str, &'a str, u16)];

async fn play(
    client: &reqwest::Client,
    base: &str,
    plays: &Plays<'_>,
) -> Result<bool, Box<dyn std::error::Error>> {
    let body = br#"{"id":"evt_1","type":"invoice.paid"}"#;
    let mut all_ok = true;
    for &(what, tenant, secret, expected) in plays {
        let mut signed = http::Request::post("/").body(&body[..])?;
        Signer::new(providers::stripe(), Secret::new(secret)?)?
            .sign(&mut signed, SystemTime::now())?;
        let headers = signed.headers().clone();
        let res = client
            .post(format!("{base}/webhooks/{tenant}"))
            .headers(headers)
            .body(body.to_vec())
            .send()
            .await?;
        let status = res.status().as_u16();
        let text = res.text().await?;
        let ok = status == expected;
        all_ok &= ok;
        println!(
            "{} {what:<58} -> {status} (expected {expected}){}",
            if ok { "[ok]  " } else { "[FAIL]" },
            if status == 200 {
                format!("  {text}")
            } else {
                String::new()
            }
        );
    }
    Ok(all_ok)
}

async fn run() -> Result<bool, Box<dyn std::error::Error>> {
    let db = open_db()?;
    let lookup_db = db.clone();
    let resolver = move |tenant: String| {
        let db = lookup_db.clone();
        async move {
            let keyring = tokio::task::spawn_blocking(move || {
                load_keyring(&db, &tenant).map(|k| (tenant, k))
            })
            .await
            .map_err(|e| ResolveError::new(e.to_string()))??;
            // Tenant names are stored as given; the canonical id is the name itself.
            Ok(keyring.1.map(|keys| TenantKeys::new(keyring.0, keys)))
        }
    };
    let layer = WebhookLayer::with_resolver(
        providers::stripe(),
        TenantSelector::path_segment(1),
        resolver,
    )?
    .resolver_cache_ttl(Duration::from_secs(1));
    let app = Router::new()
        .route("/webhooks/{tenant}", post(handle))
        .route_layer(layer);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    tokio::spawn(async move { axum::serve(listener, app).await });
    println!("multi-tenant webhooks on {base}/webhooks/{{tenant}}, keys in SQLite\n");

    let client = reqwest::Client::new();
    let mut ok = true;
    ok &= play(
        &client,
        &base,
        &[
            ("acme, its current secret", "acme", "whsec_acme_may", 200),
            (
                "globex, its current secret",
                "globex",
                "whsec_globex_jan",
                200,
            ),
            (
                "globex's secret sent to acme's endpoint",
                "acme",
                "whsec_globex_jan",
                401,
            ),
            ("unknown tenant", "initech", "whsec_acme_may", 401),
        ],
    )
    .await?;

    // Rotation, done in the database while the server runs: a new secret for acme, and the
    // old one valid for a 3-second grace period (48 hours in real life).
    let grace_until = unix_now() + 3;
    {
        let conn = db.lock().map_err(|_| "database mutex poisoned")?;
        conn.execute(
            "INSERT INTO webhook_keys VALUES ('acme', 'acme-2026-11', 'whsec_acme_nov', NULL)",
            (),
        )?;
        conn.execute(
            "UPDATE webhook_keys SET expires_at = ?1 WHERE tenant = 'acme' AND label = 'acme-2026-05'",
            (grace_until,),
        )?;
    }
    println!(
        "\n-- acme rotated in the database: new secret added, old one valid for 3 more seconds --\n"
    );
    tokio::time::sleep(Duration::from_millis(1100)).await; // the resolver cache TTL
    ok &= play(
        &client,
        &base,
        &[
            (
                "acme, the new secret (after the cache TTL)",
                "acme",
                "whsec_acme_nov",
                200,
            ),
            (
                "acme, the old secret during its grace period",
                "acme",
                "whsec_acme_may",
                200,
            ),
        ],
    )
    .await?;

    // Wait until the grace period is over (plus the cache TTL).
    while unix_now() <= grace_until {
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    tokio::time::sleep(Duration::from_millis(1100)).await;
    ok &= play(
        &client,
        &base,
        &[
            (
                "acme, the old secret after its grace period",
                "acme",
                "whsec_acme_may",
                401,
            ),
            ("acme, the new secret", "acme", "whsec_acme_nov", 200),
        ],
    )
    .await?;
    Ok(ok)
}

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            println!("multi_tenant example failed: {e}");
            ExitCode::FAILURE
        }
    }
}

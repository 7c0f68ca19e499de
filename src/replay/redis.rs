//! A [`ReplayStore`] in Redis, shared by every instance of a service.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use redis::{AsyncCommands, Script};

use super::{Claim, ReplayStore, StoreError, StoreFuture};

/// Marks a completed delivery.
const DONE: &str = "done";
/// Prefix of an in-progress claim's value, followed by the claim's token.
const IN_FLIGHT: &str = "inflight:";

/// `complete`: turn our own in-flight claim into `done` with a new expiry.
const COMPLETE: &str = r"
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('SET', KEYS[1], 'done', 'PX', ARGV[2])
  return 1
end
return 0";

/// `release`: delete the key only while it is still our own claim.
const RELEASE: &str = r"
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0";

/// Replay state in Redis (6 or newer), for several instances behind a load balancer.
///
/// Claims are `SET key inflight:<token> NX PX <ttl>`; completing and releasing are small Lua
/// scripts that act only on the caller's own claim (compare-and-set, compare-and-delete), so a
/// slow instance whose claim expired can never mark or delete another instance's claim. Keys are
/// `<prefix><namespace>:<kind>:<sha256>`: fixed length, whatever the delivery id.
///
/// The connection is a [`ConnectionManager`]: created without connecting, it connects on first
/// use and reconnects after Redis restarts. While Redis is down the guard answers 503 (or fails
/// open if configured so).
///
/// ```no_run
/// use webhook_guard::replay::{RedisStore, ReplayGuard};
///
/// let store = RedisStore::open("redis://127.0.0.1:6379/")?.prefix("billing-service:");
/// let guard = ReplayGuard::new(store);
/// # Ok::<(), webhook_guard::replay::StoreError>(())
/// ```
#[derive(Clone)]
pub struct RedisStore {
    conn: ConnectionManager,
    prefix: Arc<str>,
    complete: Arc<Script>,
    release: Arc<Script>,
}

impl RedisStore {
    /// A store for the Redis at `url` (`redis://host:port/db`, `rediss://…` needs the `redis`
    /// crate's TLS features). Does not connect yet; the first claim does.
    ///
    /// # Errors
    ///
    /// The URL is not a valid Redis URL.
    pub fn open(url: &str) -> Result<Self, StoreError> {
        let client = redis::Client::open(url).map_err(|e| StoreError::new(e.to_string()))?;
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(Duration::from_secs(1)))
            .set_response_timeout(Some(Duration::from_secs(1)))
            .set_number_of_retries(2)
            .set_max_delay(Duration::from_millis(500));
        let conn = ConnectionManager::new_lazy_with_config(client, config)
            .map_err(|e| StoreError::new(e.to_string()))?;
        Ok(Self::from_connection_manager(conn))
    }

    /// A store over a connection manager you configured yourself.
    #[must_use]
    pub fn from_connection_manager(conn: ConnectionManager) -> Self {
        Self {
            conn,
            prefix: Arc::from("webhook-guard:"),
            complete: Arc::new(Script::new(COMPLETE)),
            release: Arc::new(Script::new(RELEASE)),
        }
    }

    /// The prefix of every key (default `webhook-guard:`): one per application sharing a Redis.
    #[must_use]
    pub fn prefix(mut self, prefix: impl Into<Arc<str>>) -> Self {
        self.prefix = prefix.into();
        self
    }

    fn key(&self, key: &str) -> String {
        format!("{}{key}", self.prefix)
    }
}

fn millis(ttl: Duration) -> u64 {
    u64::try_from(ttl.as_millis()).unwrap_or(u64::MAX).max(1)
}

fn store_error(e: redis::RedisError) -> StoreError {
    StoreError::new(format!("redis: {}", e.kind_description()))
}

trait KindDescription {
    fn kind_description(&self) -> String;
}

impl KindDescription for redis::RedisError {
    fn kind_description(&self) -> String {
        // The category only: error details may echo arguments.
        format!("{:?}", self.kind())
    }
}

impl ReplayStore for RedisStore {
    fn claim<'a>(
        &'a self,
        key: &'a str,
        token: &'a str,
        ttl: Duration,
        _now: SystemTime,
    ) -> StoreFuture<'a, Claim> {
        Box::pin(async move {
            let mut conn = self.conn.clone();
            let key = self.key(key);
            let value = format!("{IN_FLIGHT}{token}");
            // Twice at most: the key can expire between a failed SET and the GET.
            for _ in 0..2 {
                let set: Option<String> = redis::cmd("SET")
                    .arg(&key)
                    .arg(&value)
                    .arg("NX")
                    .arg("PX")
                    .arg(millis(ttl))
                    .query_async(&mut conn)
                    .await
                    .map_err(store_error)?;
                if set.is_some() {
                    return Ok(Claim::Claimed);
                }
                let current: Option<String> = conn.get(&key).await.map_err(store_error)?;
                match current.as_deref() {
                    Some(DONE) => return Ok(Claim::Completed),
                    Some(_) => return Ok(Claim::InProgress),
                    None => continue,
                }
            }
            Ok(Claim::InProgress)
        })
    }

    fn complete<'a>(
        &'a self,
        key: &'a str,
        token: &'a str,
        ttl: Duration,
        _now: SystemTime,
    ) -> StoreFuture<'a, ()> {
        Box::pin(self.on_own_claim(&self.complete, key, token, Some(ttl)))
    }

    fn release<'a>(
        &'a self,
        key: &'a str,
        token: &'a str,
        _now: SystemTime,
    ) -> StoreFuture<'a, ()> {
        Box::pin(self.on_own_claim(&self.release, key, token, None))
    }
}

impl RedisStore {
    /// Runs a compare-and-act script on `key`, which acts only if `token` still holds it.
    async fn on_own_claim(
        &self,
        script: &Script,
        key: &str,
        token: &str,
        ttl: Option<Duration>,
    ) -> Result<(), StoreError> {
        let mut conn = self.conn.clone();
        let mut invocation = script.key(self.key(key));
        invocation.arg(format!("{IN_FLIGHT}{token}"));
        if let Some(ttl) = ttl {
            invocation.arg(millis(ttl));
        }
        let _: i64 = invocation
            .invoke_async(&mut conn)
            .await
            .map_err(store_error)?;
        Ok(())
    }
}

impl fmt::Debug for RedisStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisStore")
            .field("prefix", &self.prefix)
            .finish_non_exhaustive()
    }
}

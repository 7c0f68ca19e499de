//! A [`ReplayStore`] in Redis, shared by every instance of a service, and the claim logic it
//! shares with `RedisClusterStore`.

use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use redis::aio::{ConnectionLike, ConnectionManager, ConnectionManagerConfig};
use redis::{Cmd, ErrorKind, RedisResult, Script, ServerErrorKind, Value};

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

/// Commands that may wait for the connection task at once, before callers wait for room
/// (the `redis` crate's default is 50: fewer than the deliveries one server claims concurrently).
const PIPELINE_BUFFER: usize = 1024;

/// How long a release started in the background (a claim future dropped mid-way) may take.
const BACKGROUND_RELEASE_TIMEOUT: Duration = Duration::from_secs(5);

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
/// Redis replicates asynchronously: a claim acknowledged by a primary that fails before
/// replicating it is lost, and a copy of that delivery runs again on the promoted replica.
/// [`min_replicas_acked`](Self::min_replicas_acked) makes the claim wait for replicas first
/// (see `docs/replay-cluster.md` for what that guarantees and what it does not).
///
/// ```no_run
/// use webhook_guard::replay::{RedisStore, ReplayGuard};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), webhook_guard::replay::StoreError> {
/// let store = RedisStore::open("redis://127.0.0.1:6379/")?.prefix("billing-service:");
/// let guard = ReplayGuard::new(store);
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct RedisStore {
    core: Core<ConnectionManager>,
}

impl RedisStore {
    /// A store for the Redis at `url` (`redis://host:port/db`, `rediss://…` needs the `redis`
    /// crate's TLS features). Does not connect yet; the first claim does. Call it inside a Tokio
    /// runtime: the connection manager starts a task on it.
    ///
    /// # Errors
    ///
    /// The URL is not a valid Redis URL, or there is no Tokio runtime to run the connection on.
    ///
    /// ```
    /// use webhook_guard::replay::RedisStore;
    ///
    /// // Outside a Tokio runtime: an error, not a panic.
    /// assert!(RedisStore::open("redis://127.0.0.1:6379/").is_err());
    /// ```
    pub fn open(url: &str) -> Result<Self, StoreError> {
        require_runtime("RedisStore::open")?;
        let client = redis::Client::open(url).map_err(store_error)?;
        // No response timeout of the client's own: the guard bounds every store operation with
        // its `store_timeout` (and a background release with a timeout of its own), so a second
        // timer per command would only cost a timer-wheel entry each time. A timed-out reply
        // does not make the connection manager reconnect either way. The command queue holds
        // every concurrent delivery's command, so that a burst waits for the connection, not
        // for room in the queue.
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(Duration::from_secs(1)))
            .set_response_timeout(None)
            .set_pipeline_buffer_size(PIPELINE_BUFFER)
            .set_number_of_retries(2)
            .set_max_delay(Duration::from_millis(500));
        let conn = ConnectionManager::new_lazy_with_config(client, config).map_err(store_error)?;
        Ok(Self::from_connection_manager(conn))
    }

    /// A store over a connection manager you configured yourself.
    ///
    /// ```no_run
    /// use redis::aio::ConnectionManager;
    /// use webhook_guard::replay::RedisStore;
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let client = redis::Client::open("redis://127.0.0.1:6379/")?;
    /// let store = RedisStore::from_connection_manager(ConnectionManager::new(client).await?);
    /// # Ok(())
    /// # }
    /// ```
    #[must_use]
    pub fn from_connection_manager(conn: ConnectionManager) -> Self {
        Self {
            core: Core::new(conn, false),
        }
    }

    /// The prefix of every key (default `webhook-guard:`): one per application sharing a Redis.
    ///
    /// ```no_run
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), webhook_guard::replay::StoreError> {
    /// let store = webhook_guard::replay::RedisStore::open("redis://127.0.0.1:6379/")?
    ///     .prefix("billing-service:");
    /// # Ok(())
    /// # }
    /// ```
    #[must_use]
    pub fn prefix(mut self, prefix: impl Into<Arc<str>>) -> Self {
        self.core.prefix = prefix.into();
        self
    }

    /// Before the handler runs, wait until `replicas` replicas acknowledged the claim
    /// (`WAIT replicas timeout`, sent on the same connection right after the claim), and wait
    /// the same way after marking a delivery done. A claim not acknowledged within `timeout` is
    /// released and reported as a store failure: the guard answers 503 (fail closed) and the
    /// sender retries later. `replicas == 0` turns the wait off (the default).
    ///
    /// This narrows, but does not close, the window in which a failover loses a claim: see
    /// `docs/replay-cluster.md`. Keep `timeout` well below the guard's
    /// [`store_timeout`](super::ReplayGuard::store_timeout), which bounds the whole claim.
    ///
    /// ```no_run
    /// use std::time::Duration;
    /// use webhook_guard::replay::{RedisStore, ReplayGuard};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), webhook_guard::replay::StoreError> {
    /// let store = RedisStore::open("redis://127.0.0.1:6379/")?
    ///     .min_replicas_acked(1, Duration::from_millis(20));
    /// let guard = ReplayGuard::new(store).store_timeout(Duration::from_millis(100));
    /// # Ok(())
    /// # }
    /// ```
    #[must_use]
    pub fn min_replicas_acked(mut self, replicas: u32, timeout: Duration) -> Self {
        self.core.acks = ReplicaAcks::new(replicas, timeout);
        self
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
        Box::pin(self.core.claim(key, token, ttl))
    }

    fn complete<'a>(
        &'a self,
        key: &'a str,
        token: &'a str,
        ttl: Duration,
        _now: SystemTime,
    ) -> StoreFuture<'a, ()> {
        Box::pin(self.core.complete(key, token, ttl))
    }

    fn release<'a>(
        &'a self,
        key: &'a str,
        token: &'a str,
        _now: SystemTime,
    ) -> StoreFuture<'a, ()> {
        Box::pin(self.core.release(key, token))
    }
}

impl fmt::Debug for RedisStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisStore")
            .field("prefix", &self.core.prefix)
            .field("min_replicas_acked", &self.core.acks)
            .finish_non_exhaustive()
    }
}

/// An error unless the caller runs inside a Tokio runtime (the `redis` crate's connections
/// spawn their driver task on it, and would panic without one).
pub(super) fn require_runtime(what: &str) -> Result<(), StoreError> {
    match tokio::runtime::Handle::try_current() {
        Ok(_) => Ok(()),
        Err(_) => Err(StoreError::new(format!(
            "{what} must be called inside a Tokio runtime"
        ))),
    }
}

/// `WAIT` settings: how many replicas must acknowledge, and for how long to wait.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct ReplicaAcks {
    replicas: u32,
    timeout: Duration,
}

impl ReplicaAcks {
    pub(super) fn new(replicas: u32, timeout: Duration) -> Option<Self> {
        (replicas > 0).then_some(Self { replicas, timeout })
    }
}

/// The store's logic over any async Redis connection: a single server's [`ConnectionManager`]
/// or a cluster connection, which routes each command (and each pipeline, as one unit) to the
/// primary that owns its key's slot.
#[derive(Clone)]
pub(super) struct Core<C> {
    conn: C,
    pub(super) prefix: Arc<str>,
    /// Wrap the caller's key in a hash tag (`{…}`), for Redis Cluster.
    hash_tag: bool,
    pub(super) acks: Option<ReplicaAcks>,
    complete: Lua,
    release: Lua,
}

/// How the store sends one command that acts on one key: [`ConnectionLike`] for pipelines (the
/// `WAIT` mode), and a direct path for the single commands every delivery makes. A cluster
/// connection is told the key's slot up front, instead of working it out again from the
/// command's arguments for every command (a copy of the command, its name upper-cased, a
/// look-up of whether it reads or writes).
pub(super) trait Connection: ConnectionLike + Clone + Send + Sync + 'static {
    /// Sends `cmd`, whose only key is `key`, and returns its reply (a server error as `Err`).
    fn send(&mut self, cmd: Cmd, key: &str) -> impl Future<Output = RedisResult<Value>> + Send;
}

impl Connection for ConnectionManager {
    async fn send(&mut self, cmd: Cmd, _key: &str) -> RedisResult<Value> {
        // `send_packed_command` itself, rather than the boxed `ConnectionLike` future around it.
        self.send_packed_command(&cmd).await?.extract_error()
    }
}

impl<C> Core<C>
where
    C: Connection,
{
    pub(super) fn new(conn: C, hash_tag: bool) -> Self {
        Self {
            conn,
            prefix: Arc::from("webhook-guard:"),
            hash_tag,
            acks: None,
            complete: Lua::new(COMPLETE),
            release: Lua::new(RELEASE),
        }
    }

    /// The Redis key: `<prefix><key>`, or `<prefix>{<key>}` for a cluster, so that every key of
    /// one delivery hashes to one slot whatever the prefix.
    pub(super) fn key(&self, key: &str) -> String {
        if self.hash_tag {
            format!("{}{{{key}}}", self.prefix)
        } else {
            format!("{}{key}", self.prefix)
        }
    }

    pub(super) async fn claim(
        &self,
        key: &str,
        token: &str,
        ttl: Duration,
    ) -> Result<Claim, StoreError> {
        let mut conn = self.conn.clone();
        // Until a claim is known to be ours and acknowledged, or known not to be ours, a failure
        // or a drop of this future (the guard's store timeout) releases whatever may have been
        // written: compare-and-delete on our own token never touches anyone else's claim. It
        // owns the key and value this claim writes.
        let mut pending = PendingClaim {
            conn: Some(self.conn.clone()),
            release: self.release.clone(),
            key: self.key(key),
            value: format!("{IN_FLIGHT}{token}"),
        };
        // Twice at most: the key can expire between a failed SET and the GET.
        for _ in 0..2 {
            let (key, value) = (&pending.key, &pending.value);
            // Sized up front: no reallocation while the arguments are written.
            let mut set = Cmd::with_capacity(6, 64 + key.len() + value.len());
            set.arg("SET")
                .arg(key)
                .arg(value)
                .arg("NX")
                .arg("PX")
                .arg(millis(ttl));
            // `OK` when written, nil when the key exists (read as a `Value`: no string made).
            let (written, acked) = match self.acks {
                None => {
                    let set = conn.send(set, key).await.map_err(store_error)?;
                    (set != Value::Nil, None)
                }
                Some(acks) => {
                    // One pipeline, so that WAIT runs on the connection (and the node) that
                    // wrote the claim: WAIT counts acknowledgements of that connection's writes.
                    let (set, replicas): (Value, u32) = redis::pipe()
                        .add_command(set)
                        .cmd("WAIT")
                        .arg(acks.replicas)
                        .arg(millis(acks.timeout))
                        .query_async(&mut conn)
                        .await
                        .map_err(store_error)?;
                    (set != Value::Nil, Some((acks, replicas)))
                }
            };
            if written {
                if let Some((acks, replicas)) = acked
                    && replicas < acks.replicas
                {
                    pending.release_now().await;
                    return Err(not_acknowledged("claim", replicas, acks));
                }
                pending.disarm();
                return Ok(Claim::Claimed);
            }
            let mut get = Cmd::with_capacity(2, 3 + pending.key.len());
            get.arg("GET").arg(&pending.key);
            let current: Option<String> =
                redis::from_redis_value(conn.send(get, &pending.key).await.map_err(store_error)?)
                    .map_err(|e| store_error(e.into()))?;
            match current.as_deref() {
                Some(DONE) => {
                    pending.disarm();
                    return Ok(Claim::Completed);
                }
                Some(v) if v == pending.value => {
                    // Our own claim, written by an attempt whose reply was lost and that the
                    // client retried. Without WAIT it is simply ours; with WAIT no
                    // acknowledgement on this connection can cover a write made on another one.
                    if self.acks.is_some() {
                        pending.release_now().await;
                        return Err(StoreError::new(
                            "redis: a claim written by a retried request cannot be confirmed \
                             by WAIT",
                        ));
                    }
                    pending.disarm();
                    return Ok(Claim::Claimed);
                }
                Some(_) => {
                    pending.disarm();
                    return Ok(Claim::InProgress);
                }
                None => {}
            }
        }
        pending.disarm();
        Ok(Claim::InProgress)
    }

    pub(super) async fn complete(
        &self,
        key: &str,
        token: &str,
        ttl: Duration,
    ) -> Result<(), StoreError> {
        let Some(acks) = self.acks else {
            return self
                .on_own_claim(&self.complete, key, token, Some(ttl))
                .await;
        };
        let mut conn = self.conn.clone();
        let (done, replicas): (i64, u32) = redis::pipe()
            .cmd("EVAL")
            .arg(COMPLETE)
            .arg(1)
            .arg(self.key(key))
            .arg(format!("{IN_FLIGHT}{token}"))
            .arg(millis(ttl))
            .cmd("WAIT")
            .arg(acks.replicas)
            .arg(millis(acks.timeout))
            .query_async(&mut conn)
            .await
            .map_err(store_error)?;
        if done == 1 && replicas < acks.replicas {
            return Err(not_acknowledged("done marking", replicas, acks));
        }
        Ok(())
    }

    pub(super) async fn release(&self, key: &str, token: &str) -> Result<(), StoreError> {
        self.on_own_claim(&self.release, key, token, None).await
    }

    /// Runs a compare-and-act script on `key`, which acts only if `token` still holds it.
    async fn on_own_claim(
        &self,
        script: &Lua,
        key: &str,
        token: &str,
        ttl: Option<Duration>,
    ) -> Result<(), StoreError> {
        let mut conn = self.conn.clone();
        let value = format!("{IN_FLIGHT}{token}");
        script
            .run(&mut conn, &self.key(key), &value, ttl.map(millis))
            .await
            .map_err(store_error)?;
        Ok(())
    }
}

/// A compare-and-act Lua script: its text, and its SHA-1, which `EVALSHA` names.
#[derive(Clone)]
struct Lua {
    text: &'static str,
    sha: Arc<str>,
}

impl Lua {
    fn new(text: &'static str) -> Self {
        Self {
            text,
            sha: Arc::from(Script::new(text).get_hash()),
        }
    }

    /// Runs the script on `key` with `value` (and `ttl` in milliseconds, when given): one
    /// `EVALSHA`, built in one buffer sized up front; when Redis does not know the script
    /// (`NOSCRIPT`: it has just started, or its script cache was flushed) nothing ran, and the
    /// same call goes again as `EVAL` with the text, which also caches it. The same commands as
    /// `redis::Script::invoke_async`, without its intermediate copies of every argument.
    async fn run<C: Connection>(
        &self,
        conn: &mut C,
        key: &str,
        value: &str,
        ttl: Option<u64>,
    ) -> RedisResult<i64> {
        let call = |command: &str, script: &str| {
            let mut cmd = Cmd::with_capacity(6, 96 + script.len() + key.len() + value.len());
            cmd.arg(command).arg(script).arg(1).arg(key).arg(value);
            if let Some(ttl) = ttl {
                cmd.arg(ttl);
            }
            cmd
        };
        let reply = match conn.send(call("EVALSHA", &self.sha), key).await {
            Err(e) if e.kind() == ErrorKind::Server(ServerErrorKind::NoScript) => {
                conn.send(call("EVAL", self.text), key).await
            }
            done => done,
        }?;
        Ok(redis::from_redis_value(reply)?)
    }
}

/// A claim that may have been written and is not (yet) known to be kept: released on drop.
struct PendingClaim<C: Connection> {
    /// `None` once disarmed.
    conn: Option<C>,
    release: Lua,
    key: String,
    value: String,
}

impl<C: Connection> PendingClaim<C> {
    fn disarm(&mut self) {
        self.conn = None;
    }

    /// Releases the claim and waits for it; should this future be dropped meanwhile, the drop
    /// releases it in the background instead. A failed release leaves the claim to expire.
    async fn release_now(&mut self) {
        if let Some(conn) = self.conn.clone() {
            let _ = release_own(conn, &self.release, &self.key, &self.value).await;
            self.disarm();
        }
    }
}

impl<C: Connection> Drop for PendingClaim<C> {
    fn drop(&mut self) {
        let Some(conn) = self.conn.take() else {
            return;
        };
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return;
        };
        let (release, key, value) = (
            self.release.clone(),
            std::mem::take(&mut self.key),
            std::mem::take(&mut self.value),
        );
        runtime.spawn(async move {
            let _ = tokio::time::timeout(
                BACKGROUND_RELEASE_TIMEOUT,
                release_own(conn, &release, &key, &value),
            )
            .await;
        });
    }
}

async fn release_own<C: Connection>(
    mut conn: C,
    release: &Lua,
    key: &str,
    value: &str,
) -> Result<(), StoreError> {
    release
        .run(&mut conn, key, value, None)
        .await
        .map_err(store_error)?;
    Ok(())
}

fn not_acknowledged(what: &str, replicas: u32, acks: ReplicaAcks) -> StoreError {
    StoreError::new(format!(
        "redis: {what} acknowledged by {replicas} of {} replicas within {} ms",
        acks.replicas,
        millis(acks.timeout)
    ))
}

pub(super) fn millis(ttl: Duration) -> u64 {
    u64::try_from(ttl.as_millis()).unwrap_or(u64::MAX).max(1)
}

/// The error's category only: a `RedisError`'s details may echo command arguments.
pub(super) fn store_error(e: redis::RedisError) -> StoreError {
    StoreError::new(format!("redis: {:?}", e.kind()))
}

//! A [`ReplayStore`] in Redis Cluster.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use redis::cluster::ClusterClientBuilder;
use redis::cluster::ClusterConfig;
use redis::cluster_async::ClusterConnection;
use redis::cluster_routing::{Route, RoutingInfo, SingleNodeRoutingInfo, SlotAddr};
use redis::{Cmd, RedisResult, Value};

use super::redis::{Connection, Core, ReplicaAcks, require_runtime, store_error};
use super::{Claim, ReplayStore, StoreError, StoreFuture};

/// Replay state in Redis Cluster (Redis 6 or newer), for several instances behind a load
/// balancer: the same claims and compare-and-set/delete scripts as
/// [`RedisStore`](super::RedisStore), over the `redis` crate's cluster client.
///
/// * **One slot per delivery.** Keys are `<prefix>{<namespace>:<kind>:<sha256>}`: the braces are
///   a hash tag, so every key of one delivery hashes to one slot and each script runs on the
///   primary that owns it. Keep `{` and `}` out of the prefix: a hash tag there would put every
///   key in one slot (still correct, no longer spread over the primaries).
/// * **Topology.** The client learns which primary owns which slot from the nodes you give it
///   (any subset of the cluster, primaries or replicas), follows `MOVED` and `ASK` redirections
///   while slots migrate, reconnects to nodes that restarted and re-reads the slot map after a
///   failover. Until the cluster promoted a replica, claims on the failed primary's slots fail
///   and the guard answers 503 (fail closed).
/// * **Failover.** Replication is asynchronous: a claim (or a done marking) acknowledged by a
///   primary that fails before replicating it is lost, and a copy of that delivery runs again
///   on the promoted replica. [`min_replicas_acked`](Self::min_replicas_acked) makes every claim
///   wait for replicas before the handler runs. What each mode guarantees is in
///   `docs/replay-cluster.md`.
///
/// ```no_run
/// use webhook_guard::replay::{RedisClusterStore, ReplayGuard};
/// use webhook_guard::{providers, Keyring, Secret, WebhookLayer};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let store = RedisClusterStore::open([
///     "redis://10.0.0.1:6379/",
///     "redis://10.0.0.2:6379/",
///     "redis://10.0.0.3:6379/",
/// ])?
/// .prefix("billing-service:");
/// let layer = WebhookLayer::new(
///     providers::standard_webhooks(),
///     Keyring::from(Secret::new("whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD")?),
/// )?
/// .replay_guard(ReplayGuard::new(store));
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct RedisClusterStore {
    core: Core<ClusterConnection>,
}

impl RedisClusterStore {
    /// A store for the cluster that `nodes` belong to (`redis://host:port/` URLs; one reachable
    /// node is enough, several survive one being down at start). Does not wait for a
    /// connection: the client connects in the background and the first claim waits for it.
    /// Call it inside a Tokio runtime: the cluster client starts a task on it.
    ///
    /// Each node connection times out after 1 s, each attempt of a request after 1 s; a request
    /// is retried at most 3 times (redirections and reconnections included), 10–100 ms apart.
    /// The guard's [`store_timeout`](super::ReplayGuard::store_timeout) bounds the whole.
    ///
    /// # Errors
    ///
    /// No node, a URL that is not a valid Redis URL, nodes with different credentials, or no
    /// Tokio runtime to run the client on.
    ///
    /// ```
    /// use webhook_guard::replay::RedisClusterStore;
    ///
    /// // Outside a Tokio runtime: an error, not a panic.
    /// assert!(RedisClusterStore::open(["redis://127.0.0.1:7000/"]).is_err());
    /// ```
    pub fn open<I>(nodes: I) -> Result<Self, StoreError>
    where
        I: IntoIterator,
        I::Item: AsRef<str>,
    {
        require_runtime("RedisClusterStore::open")?;
        let nodes: Vec<String> = nodes
            .into_iter()
            .map(|node| node.as_ref().to_owned())
            .collect();
        if nodes.is_empty() {
            return Err(StoreError::new("redis cluster: no node given"));
        }
        let client = ClusterClientBuilder::new(nodes)
            .connection_timeout(Duration::from_secs(1))
            .response_timeout(Duration::from_secs(1))
            // Each attempt still times out after 1 s (which is how the client notices a node
            // that stopped answering); the guard's `store_timeout` bounds the whole request, so
            // a second, overall timer per command would only cost a timer-wheel entry.
            .overall_response_timeout(None)
            .retries(3)
            .min_retry_wait(10)
            .max_retry_wait(100)
            .build()
            .map_err(store_error)?;
        let config = ClusterConfig::new()
            .set_connection_timeout(Duration::from_secs(1))
            .set_response_timeout(Duration::from_secs(1));
        Ok(Self::from_cluster_connection(
            client.get_pending_async_connection_with_config(config),
        ))
    }

    /// A store over a cluster connection you configured yourself (TLS, credentials, timeouts).
    ///
    /// ```no_run
    /// use webhook_guard::replay::RedisClusterStore;
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let client = redis::cluster::ClusterClient::builder(["redis://10.0.0.1:6379/"])
    ///     .password("from-your-secret-store")
    ///     .build()?;
    /// let store = RedisClusterStore::from_cluster_connection(client.get_async_connection().await?);
    /// # Ok(())
    /// # }
    /// ```
    #[must_use]
    pub fn from_cluster_connection(conn: ClusterConnection) -> Self {
        Self {
            core: Core::new(conn, true),
        }
    }

    /// The prefix of every key (default `webhook-guard:`): one per application sharing a
    /// cluster. It comes before the hash tag; keep `{` and `}` out of it.
    ///
    /// ```no_run
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), webhook_guard::replay::StoreError> {
    /// let store = webhook_guard::replay::RedisClusterStore::open(["redis://10.0.0.1:6379/"])?
    ///     .prefix("billing-service:");
    /// # Ok(())
    /// # }
    /// ```
    #[must_use]
    pub fn prefix(mut self, prefix: impl Into<Arc<str>>) -> Self {
        self.core.prefix = prefix.into();
        self
    }

    /// Before the handler runs, wait until `replicas` replicas of the primary that owns the
    /// key's slot acknowledged the claim (`WAIT replicas timeout`, pipelined with the claim so
    /// that it reaches the same node on the same connection), and wait the same way after
    /// marking a delivery done. A claim not acknowledged within `timeout` is released and
    /// reported as a store failure: the guard answers 503 (fail closed) and the sender retries
    /// later. `replicas == 0` turns the wait off (the default).
    ///
    /// With `replicas` equal to the number of replicas of each primary, a failover that promotes
    /// one of them keeps every claim a handler ran under. It does not make Redis strongly
    /// consistent, and a failover during the wait or before a done marking was acknowledged can
    /// still run a delivery again after its in-flight claim expires: see
    /// `docs/replay-cluster.md`. Keep `timeout` well below the guard's
    /// [`store_timeout`](super::ReplayGuard::store_timeout), which bounds the whole claim.
    ///
    /// ```no_run
    /// use std::time::Duration;
    /// use webhook_guard::replay::{RedisClusterStore, ReplayGuard};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), webhook_guard::replay::StoreError> {
    /// let store = RedisClusterStore::open(["redis://10.0.0.1:6379/"])?
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

    /// The Redis key a guard key is stored under: `<prefix>{<key>}`.
    ///
    /// ```no_run
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), webhook_guard::replay::StoreError> {
    /// let store = webhook_guard::replay::RedisClusterStore::open(["redis://10.0.0.1:6379/"])?
    ///     .prefix("app:");
    /// assert_eq!(store.redis_key("ns:id:00ff"), "app:{ns:id:00ff}");
    /// # Ok(())
    /// # }
    /// ```
    #[must_use]
    pub fn redis_key(&self, key: &str) -> String {
        self.core.key(key)
    }
}

impl ReplayStore for RedisClusterStore {
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

impl Connection for ClusterConnection {
    /// Straight to the primary that owns `key`'s slot (its hash tag's), as the client would
    /// route it from the arguments; it still follows `MOVED` and `ASK`, retries and reconnects.
    async fn send(&mut self, cmd: Cmd, key: &str) -> RedisResult<Value> {
        let route = RoutingInfo::SingleNode(SingleNodeRoutingInfo::SpecificNode(Route::with_key(
            key,
            SlotAddr::Master,
        )));
        self.route_command(cmd, route).await?.extract_error()
    }
}

impl fmt::Debug for RedisClusterStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisClusterStore")
            .field("prefix", &self.core.prefix)
            .field("min_replicas_acked", &self.core.acks)
            .finish_non_exhaustive()
    }
}

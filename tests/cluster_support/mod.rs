//! A throwaway Redis Cluster for tests: six `redis-server --cluster-enabled yes` processes on
//! free loopback ports, joined by `redis-cli --cluster create … --cluster-replicas 1` into three
//! primaries with one replica each, every process killed (by its PID) on drop.
//!
//! Without `redis-server` or `redis-cli` on the PATH, [`RedisCluster::start`] prints a loud
//! SKIPPED line and returns `None`, unless `WEBHOOK_GUARD_REQUIRE_REDIS=1` (set by `.ci/run`),
//! which makes a missing tool a failure.
#![allow(dead_code, unreachable_pub)]

use std::io::Write as _;
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use webhook_guard::replay::RedisClusterStore;

/// One `redis-server` of the cluster.
struct Node {
    port: u16,
    bus_port: u16,
    child: Option<Child>,
}

/// What `CLUSTER NODES` says about one node.
#[derive(Debug, Clone)]
pub struct NodeInfo {
    pub id: String,
    pub port: u16,
    pub primary: bool,
    pub failed: bool,
    /// The primary's id, for a replica.
    pub replicates: Option<String>,
    /// Slot ranges, for a primary.
    pub slots: Vec<(u16, u16)>,
}

/// Six nodes: three primaries, one replica each.
pub struct RedisCluster {
    node_timeout: Duration,
    nodes: Vec<Node>,
    dir: PathBuf,
}

/// Both tools the harness needs, or `None` after a loud SKIPPED line.
fn tools_present(test: &str) -> bool {
    let present = |tool: &str| Command::new(tool).arg("--version").output().is_ok();
    if present("redis-server") && present("redis-cli") {
        return true;
    }
    assert!(
        std::env::var("WEBHOOK_GUARD_REQUIRE_REDIS").as_deref() != Ok("1"),
        "redis-server and redis-cli are required (WEBHOOK_GUARD_REQUIRE_REDIS=1) but not both \
         on the PATH"
    );
    let _ = writeln!(
        std::io::stderr(),
        "\n*** SKIPPED {test}: redis-server or redis-cli not found. Install them (Debian: \
         apt-get install redis-server redis-tools) to run the Redis Cluster replay tests. ***\n"
    );
    false
}

/// `n` distinct free loopback ports (all bound at once, then released).
fn free_ports(n: usize) -> Vec<u16> {
    let listeners: Vec<TcpListener> = (0..n)
        .map(|_| TcpListener::bind("127.0.0.1:0").unwrap())
        .collect();
    listeners
        .iter()
        .map(|l| l.local_addr().unwrap().port())
        .collect()
}

fn wait_for_port(port: u16, what: &str) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "{what} did not start");
        std::thread::sleep(Duration::from_millis(10));
    }
}

impl RedisCluster {
    /// Starts a cluster whose nodes declare a peer failed after `node_timeout` (the failover
    /// tests use 1 s; replicas may always be promoted: `cluster-replica-validity-factor 0`).
    pub fn start(test: &str, node_timeout: Duration) -> Option<Self> {
        if !tools_present(test) {
            return None;
        }
        static CLUSTERS: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "webhook-guard-cluster-{}-{}",
            std::process::id(),
            CLUSTERS.fetch_add(1, Ordering::SeqCst)
        ));
        std::fs::create_dir_all(&dir).unwrap();
        let ports = free_ports(12);
        let mut cluster = Self {
            node_timeout,
            nodes: ports
                .chunks(2)
                .map(|p| Node {
                    port: p[0],
                    bus_port: p[1],
                    child: None,
                })
                .collect(),
            dir,
        };
        for i in 0..cluster.nodes.len() {
            let child = cluster.spawn(i);
            cluster.nodes[i].child = Some(child);
        }
        for node in &cluster.nodes {
            wait_for_port(node.port, "redis-server (cluster node)");
        }
        let addresses: Vec<String> = cluster
            .nodes
            .iter()
            .map(|n| format!("127.0.0.1:{}", n.port))
            .collect();
        let created = Command::new("redis-cli")
            .args(["--cluster", "create"])
            .args(&addresses)
            .args(["--cluster-replicas", "1", "--cluster-yes"])
            .stdin(Stdio::null())
            .output()
            .unwrap();
        assert!(
            created.status.success(),
            "redis-cli --cluster create failed: {}",
            String::from_utf8_lossy(&created.stdout)
        );
        cluster.wait_until_healthy(Duration::from_secs(20));
        cluster.wait_until_replicas_acknowledge(Duration::from_secs(20));
        Some(cluster)
    }

    /// Starts the process of node `i` (its cluster state persists in its nodes.conf).
    fn spawn(&self, i: usize) -> Child {
        let node = &self.nodes[i];
        let config = self.dir.join(format!("nodes-{}.conf", node.port));
        Command::new("redis-server")
            .args(["--port", &node.port.to_string(), "--bind", "127.0.0.1"])
            .args(["--cluster-enabled", "yes"])
            .args(["--cluster-port", &node.bus_port.to_string()])
            .arg("--cluster-config-file")
            .arg(&config)
            .args([
                "--cluster-node-timeout",
                &self.node_timeout.as_millis().to_string(),
            ])
            .args(["--cluster-replica-validity-factor", "0"])
            .args(["--cluster-allow-replica-migration", "no"])
            .args(["--repl-diskless-sync-delay", "0"])
            .args(["--save", "", "--appendonly", "no", "--protected-mode", "no"])
            .arg("--dir")
            .arg(&self.dir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap()
    }

    /// Starts a killed node again, as a restarted host would: it rejoins the cluster (as a
    /// replica, if it was failed over) with no data (no persistence).
    pub fn restart(&mut self, port: u16) {
        let i = self.nodes.iter().position(|n| n.port == port).unwrap();
        assert!(self.nodes[i].child.is_none(), "node {port} is running");
        let child = self.spawn(i);
        self.nodes[i].child = Some(child);
        wait_for_port(port, "redis-server (restarted cluster node)");
    }

    /// Waits until every live node says `cluster_state:ok`, three primaries own all slots and
    /// every replica's link to its primary is up.
    pub fn wait_until_healthy(&self, within: Duration) {
        let deadline = Instant::now() + within;
        loop {
            if self.healthy() {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "the cluster did not become healthy"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn healthy(&self) -> bool {
        let live: Vec<u16> = self.live_ports();
        let Ok(nodes) = self.try_nodes(live[0]) else {
            return false;
        };
        let primaries: Vec<u16> = nodes
            .iter()
            .filter(|n| n.primary && !n.failed && !n.slots.is_empty())
            .map(|n| n.port)
            .collect();
        if primaries.len() != 3 || nodes.iter().any(|n| n.failed && live.contains(&n.port)) {
            return false;
        }
        live.iter().all(|&port| {
            let ok = self
                .try_text(port, &["CLUSTER", "INFO"])
                .is_ok_and(|info| info.contains("cluster_state:ok"));
            // Every primary counts its replica online (it acknowledged since its initial
            // sync: until then WAIT cannot count it), every other live node is a replica whose
            // link to its primary is up.
            ok && (primaries.contains(&port)
                && self
                    .try_text(port, &["INFO", "replication"])
                    .is_ok_and(|info| {
                        info.contains("connected_slaves:1") && info.contains("state=online")
                    })
                || !primaries.contains(&port)
                    && self
                        .try_text(port, &["INFO", "replication"])
                        .is_ok_and(|info| {
                            info.contains("role:slave") && info.contains("master_link_status:up")
                        }))
        })
    }

    /// Blocks until every primary's replica acknowledges a write (`WAIT 1`): a replica that
    /// just finished its initial sync may not acknowledge for up to a second.
    pub fn wait_until_replicas_acknowledge(&self, within: Duration) {
        let deadline = Instant::now() + within;
        let nodes = self.nodes(self.live_ports()[0]);
        for primary in nodes.iter().filter(|n| n.primary && !n.slots.is_empty()) {
            let (first, _) = primary.slots[0];
            let key = (0..)
                .map(|n| format!("probe:{n}"))
                .find(|k| slot_of(k) == first)
                .unwrap();
            let mut conn = self.connection(primary.port).unwrap();
            loop {
                let (_, acked): ((), u32) = redis::pipe()
                    .cmd("SET")
                    .arg(&key)
                    .arg(1)
                    .cmd("WAIT")
                    .arg(1)
                    .arg(100)
                    .query(&mut conn)
                    .unwrap();
                if acked >= 1 {
                    break;
                }
                assert!(
                    Instant::now() < deadline,
                    "the replica of node {} does not acknowledge",
                    primary.port
                );
            }
            let _: () = redis::cmd("DEL").arg(&key).query(&mut conn).unwrap();
        }
    }

    /// URLs of the nodes still running.
    pub fn urls(&self) -> Vec<String> {
        self.live_ports()
            .into_iter()
            .map(|p| format!("redis://127.0.0.1:{p}/"))
            .collect()
    }

    pub fn live_ports(&self) -> Vec<u16> {
        self.nodes
            .iter()
            .filter(|n| n.child.is_some())
            .map(|n| n.port)
            .collect()
    }

    /// A store over this cluster (call it inside a Tokio runtime).
    pub fn store(&self, prefix: &str) -> RedisClusterStore {
        RedisClusterStore::open(self.urls()).unwrap().prefix(prefix)
    }

    /// A cluster-aware connection for the test's own queries (routes each key to its primary).
    pub async fn client(&self) -> redis::cluster_async::ClusterConnection {
        redis::cluster::ClusterClient::new(self.urls())
            .unwrap()
            .get_async_connection()
            .await
            .unwrap()
    }

    fn connection(&self, port: u16) -> redis::RedisResult<redis::Connection> {
        let client = redis::Client::open(format!("redis://127.0.0.1:{port}/"))?;
        let conn = client.get_connection_with_timeout(Duration::from_secs(2))?;
        conn.set_read_timeout(Some(Duration::from_secs(5)))?;
        Ok(conn)
    }

    /// Runs a command on one node (blocking; for setup and fault injection).
    pub fn cmd<T: redis::FromRedisValue>(&self, port: u16, args: &[&str]) -> T {
        self.try_cmd(port, args)
            .unwrap_or_else(|e| panic!("{args:?} on node {port}: {e}"))
    }

    pub fn try_cmd<T: redis::FromRedisValue>(
        &self,
        port: u16,
        args: &[&str],
    ) -> redis::RedisResult<T> {
        let mut conn = self.connection(port)?;
        let mut cmd = redis::cmd(args[0]);
        for arg in &args[1..] {
            cmd.arg(*arg);
        }
        cmd.query(&mut conn)
    }

    fn try_text(&self, port: u16, args: &[&str]) -> redis::RedisResult<String> {
        self.try_cmd(port, args)
    }

    /// The cluster as `port` sees it.
    pub fn nodes(&self, port: u16) -> Vec<NodeInfo> {
        self.try_nodes(port).unwrap()
    }

    fn try_nodes(&self, port: u16) -> redis::RedisResult<Vec<NodeInfo>> {
        let text = self.try_text(port, &["CLUSTER", "NODES"])?;
        Ok(text.lines().filter_map(parse_node).collect())
    }

    /// The slot of a Redis key.
    pub fn slot(&self, redis_key: &str) -> u16 {
        self.cmd(self.live_ports()[0], &["CLUSTER", "KEYSLOT", redis_key])
    }

    /// The slots of many Redis keys, in one round trip.
    pub fn slots(&self, redis_keys: &[String]) -> Vec<u16> {
        let mut conn = self.connection(self.live_ports()[0]).unwrap();
        let mut pipe = redis::pipe();
        for key in redis_keys {
            pipe.cmd("CLUSTER").arg("KEYSLOT").arg(key);
        }
        pipe.query(&mut conn).unwrap()
    }

    /// The slot ranges the primary on `port` owns, as it says itself.
    pub fn slots_of(&self, port: u16) -> Vec<(u16, u16)> {
        self.nodes(port)
            .into_iter()
            .find(|n| n.port == port)
            .map(|n| n.slots)
            .unwrap_or_default()
    }

    /// The port of the primary that owns `slot`, as the first live node sees it.
    pub fn primary_of_slot(&self, slot: u16) -> u16 {
        self.nodes(self.live_ports()[0])
            .into_iter()
            .find(|n| {
                n.primary && !n.failed && n.slots.iter().any(|&(a, b)| (a..=b).contains(&slot))
            })
            .map(|n| n.port)
            .expect("a primary owns the slot")
    }

    /// The port of `primary`'s replica (as the replica itself says).
    pub fn replica_of(&self, primary: u16) -> u16 {
        self.live_ports()
            .into_iter()
            .find(|&port| {
                self.try_text(port, &["INFO", "replication"])
                    .is_ok_and(|info| {
                        info.contains("role:slave")
                            && field(&info, "master_port") == Some(u64::from(primary))
                    })
            })
            .expect("the primary has a replica")
    }

    /// The node id of the node on `port`.
    pub fn id(&self, port: u16) -> String {
        self.cmd(port, &["CLUSTER", "MYID"])
    }

    /// Starts moving `slot` from the primary on `from` to the primary on `to`: `to` imports it,
    /// `from` migrates it (keys still on `from` are served there, others are redirected with
    /// `ASK`).
    pub fn begin_slot_migration(&self, slot: u16, from: u16, to: u16) {
        let slot = slot.to_string();
        let _: () = self.cmd(
            to,
            &["CLUSTER", "SETSLOT", &slot, "IMPORTING", &self.id(from)],
        );
        let _: () = self.cmd(
            from,
            &["CLUSTER", "SETSLOT", &slot, "MIGRATING", &self.id(to)],
        );
    }

    /// Moves every key of `slot` from `from` to `to` (`MIGRATE`), then gives `to` the slot on
    /// every primary: from then on `from` answers `MOVED`.
    pub fn finish_slot_migration(&self, slot: u16, from: u16, to: u16) {
        let slot_arg = slot.to_string();
        loop {
            let keys: Vec<String> = self.cmd(from, &["CLUSTER", "GETKEYSINSLOT", &slot_arg, "100"]);
            if keys.is_empty() {
                break;
            }
            let to_port = to.to_string();
            let mut args = vec!["MIGRATE", "127.0.0.1", &to_port, "", "0", "5000", "KEYS"];
            args.extend(keys.iter().map(String::as_str));
            let _: String = self.cmd(from, &args);
        }
        let to_id = self.id(to);
        let mut primaries: Vec<u16> = self
            .nodes(to)
            .into_iter()
            .filter(|n| n.primary && !n.failed && !n.slots.is_empty())
            .map(|n| n.port)
            .collect();
        // The new owner first, then the old one, then the rest.
        primaries.sort_by_key(|&p| (p != to, p != from));
        for port in primaries {
            let _: () = self.cmd(port, &["CLUSTER", "SETSLOT", &slot_arg, "NODE", &to_id]);
        }
    }

    /// The process id of the node on `port`.
    pub fn pid(&self, port: u16) -> u32 {
        self.node(port).child.as_ref().unwrap().id()
    }

    fn node(&self, port: u16) -> &Node {
        self.nodes.iter().find(|n| n.port == port).unwrap()
    }

    /// SIGKILL: the node dies without a word, as a crashed host would.
    pub fn kill(&mut self, port: u16) {
        let node = self.nodes.iter_mut().find(|n| n.port == port).unwrap();
        if let Some(mut child) = node.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// SIGSTOP: the node freezes (its sockets stay open).
    pub fn pause(&self, port: u16) {
        signal(self.pid(port), "-STOP");
    }

    /// SIGCONT.
    pub fn resume(&self, port: u16) {
        signal(self.pid(port), "-CONT");
    }

    /// Blocks until `port` is a primary that the rest of the cluster agrees owns slots, and the
    /// cluster is `ok` again on every live node.
    pub fn wait_until_primary(&self, port: u16, within: Duration) {
        let deadline = Instant::now() + within;
        loop {
            let promoted = self
                .try_text(port, &["INFO", "replication"])
                .is_ok_and(|info| info.contains("role:master"));
            let agreed = promoted
                && self.live_ports().iter().all(|&p| {
                    self.try_nodes(p).is_ok_and(|nodes| {
                        nodes
                            .iter()
                            .any(|n| n.port == port && n.primary && !n.slots.is_empty())
                    }) && self
                        .try_text(p, &["CLUSTER", "INFO"])
                        .is_ok_and(|i| i.contains("cluster_state:ok"))
                });
            if agreed {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "node {port} was not promoted within {within:?}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Blocks until `primary`'s replicas acknowledged everything `primary` wrote so far
    /// (`master_repl_offset` against each replica's acknowledged `offset=`).
    pub fn wait_until_replicated(&self, primary: u16, within: Duration) {
        let deadline = Instant::now() + within;
        let info: String = self.cmd(primary, &["INFO", "replication"]);
        let target = field(&info, "master_repl_offset").unwrap_or(0);
        loop {
            let info: String = self.cmd(primary, &["INFO", "replication"]);
            let acked = info
                .lines()
                .filter(|l| l.starts_with("slave"))
                .filter_map(|l| {
                    l.split(',')
                        .find_map(|kv| kv.strip_prefix("offset="))
                        .and_then(|v| v.parse::<u64>().ok())
                })
                .min();
            if acked.is_some_and(|a| a >= target) {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "node {primary}'s replica did not catch up"
            );
            std::thread::sleep(Duration::from_millis(5));
        }
    }
}

/// Redis Cluster's slot of a key: CRC16 (XMODEM) of its hash tag, or of the whole key.
pub fn slot_of(key: &str) -> u16 {
    let bytes = key.as_bytes();
    let tagged = key
        .find('{')
        .and_then(|open| {
            let close = key[open + 1..].find('}')?;
            (close > 0).then(|| &bytes[open + 1..open + 1 + close])
        })
        .unwrap_or(bytes);
    let mut crc: u16 = 0;
    for &b in tagged {
        crc ^= u16::from(b) << 8;
        for _ in 0..8 {
            crc = if crc & 0x8000 != 0 {
                (crc << 1) ^ 0x1021
            } else {
                crc << 1
            };
        }
    }
    crc % 16384
}

fn field(info: &str, name: &str) -> Option<u64> {
    info.lines()
        .find_map(|l| l.strip_prefix(name)?.strip_prefix(':'))
        .and_then(|v| v.trim().parse().ok())
}

fn signal(pid: u32, signal: &str) {
    let status = Command::new("kill")
        .args([signal, &pid.to_string()])
        .status()
        .unwrap();
    assert!(status.success(), "kill {signal} {pid}");
}

/// One line of `CLUSTER NODES`:
/// `<id> <ip:port@bus> <flags> <primary id|-> <ping> <pong> <epoch> <link> <slot> …`.
fn parse_node(line: &str) -> Option<NodeInfo> {
    let fields: Vec<&str> = line.split_whitespace().collect();
    if fields.len() < 8 {
        return None;
    }
    let port = fields[1]
        .split('@')
        .next()?
        .rsplit(':')
        .next()?
        .parse()
        .ok()?;
    let flags = fields[2];
    let slots = fields[8..]
        .iter()
        .filter(|s| !s.starts_with('['))
        .filter_map(|s| match s.split_once('-') {
            Some((a, b)) => Some((a.parse().ok()?, b.parse().ok()?)),
            None => s.parse().ok().map(|x| (x, x)),
        })
        .collect();
    Some(NodeInfo {
        id: fields[0].to_owned(),
        port,
        primary: flags.contains("master"),
        failed: flags.contains("fail"),
        replicates: (fields[3] != "-").then(|| fields[3].to_owned()),
        slots,
    })
}

impl Drop for RedisCluster {
    fn drop(&mut self) {
        for node in &mut self.nodes {
            if let Some(mut child) = node.child.take() {
                // A paused node still dies of SIGKILL.
                let _ = child.kill();
                let _ = child.wait();
            }
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

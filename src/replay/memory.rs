//! An in-process [`ReplayStore`]: bounded, expiring, safe under concurrency.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use super::{Claim, ReplayStore, StoreError, StoreFuture};

/// Replay state in this process's memory — for a single instance. Several instances need a
/// shared store such as `RedisStore`.
///
/// Bounded: at most [`max_entries`](Self::max_entries) keys (default 100 000) and about
/// [`max_bytes`](Self::max_bytes) of memory (default 64 MiB, room for the 100 000 keys). Expired keys are dropped as new
/// ones arrive. When it is full of unexpired keys it **refuses** new claims (the guard answers
/// 503) rather than forgetting keys early, which would re-open their replay window; claims are
/// only made for verified deliveries, so only genuine traffic can fill it — size it for your
/// volume × retention, or use Redis.
///
/// ```
/// use webhook_guard::replay::MemoryStore;
///
/// let store = MemoryStore::new().max_entries(10_000);
/// assert_eq!(store.len(), 0);
/// ```
#[derive(Clone)]
pub struct MemoryStore {
    state: Arc<Mutex<State>>,
    max_entries: usize,
    max_bytes: usize,
}

#[derive(Default)]
struct State {
    entries: HashMap<String, Entry>,
    by_expiry: BTreeMap<(SystemTime, u64), String>,
    bytes: usize,
    seq: u64,
}

struct Entry {
    value: Value,
    expiry: (SystemTime, u64),
}

enum Value {
    InFlight(String),
    Done,
}

/// Memory an entry takes beyond its two copies of the key and its token: the hash-map slot,
/// the expiry-index slot and allocator headers. Measured on x86-64 at 240 bytes on average and
/// about 310 right after the map has doubled (a completed 89-byte key takes 415 to 485 bytes of
/// RSS); rounded up so that the bound holds.
const ENTRY_OVERHEAD: usize = 384;

/// What an entry counts against [`MemoryStore::max_bytes`]: the key twice (the map and the
/// expiry index each hold a copy), the token, and [`ENTRY_OVERHEAD`].
fn entry_size(key: &str, token_len: usize) -> usize {
    key.len()
        .saturating_mul(2)
        .saturating_add(token_len)
        .saturating_add(ENTRY_OVERHEAD)
}

impl MemoryStore {
    /// An empty store with the default bounds.
    #[must_use]
    pub fn new() -> Self {
        Self {
            state: Arc::default(),
            max_entries: 100_000,
            max_bytes: 64 * 1024 * 1024,
        }
    }

    /// The most keys held at once.
    #[must_use]
    pub fn max_entries(mut self, n: usize) -> Self {
        self.max_entries = n;
        self
    }

    /// The most memory the entries take at once, in bytes: keys (held twice), tokens and a
    /// per-entry overhead measured to cover the map and index slots.
    #[must_use]
    pub fn max_bytes(mut self, n: usize) -> Self {
        self.max_bytes = n;
        self
    }

    /// Keys currently held, expired ones not yet dropped included.
    #[must_use]
    pub fn len(&self) -> usize {
        self.lock().entries.len()
    }

    /// Whether no key is held.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The remaining lifetime of `key` as of `now`, if it is held and not expired (for tests
    /// and metrics).
    #[must_use]
    pub fn ttl(&self, key: &str, now: SystemTime) -> Option<Duration> {
        let state = self.lock();
        state
            .entries
            .get(key)
            .and_then(|e| e.expiry.0.duration_since(now).ok())
            .filter(|d| !d.is_zero())
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn claim_now(
        &self,
        key: &str,
        token: &str,
        ttl: Duration,
        now: SystemTime,
    ) -> Result<Claim, StoreError> {
        let mut state = self.lock();
        state.purge_expired(now);
        if let Some(entry) = state.entries.get(key) {
            return Ok(match entry.value {
                Value::Done => Claim::Completed,
                Value::InFlight(_) => Claim::InProgress,
            });
        }
        if state.entries.len() >= self.max_entries
            || state.bytes.saturating_add(entry_size(key, token.len())) > self.max_bytes
        {
            return Err(StoreError::new("memory replay store is full"));
        }
        state.insert(key.to_owned(), Value::InFlight(token.to_owned()), now, ttl);
        Ok(Claim::Claimed)
    }

    fn complete_now(&self, key: &str, token: &str, ttl: Duration, now: SystemTime) {
        let mut state = self.lock();
        if state.claimed_by(key, token, now) {
            state.remove(key);
            state.insert(key.to_owned(), Value::Done, now, ttl);
        }
    }

    fn release_now(&self, key: &str, token: &str, now: SystemTime) {
        let mut state = self.lock();
        if state.claimed_by(key, token, now) {
            state.remove(key);
        }
    }
}

impl Entry {
    /// What the entry counts against the byte bound.
    fn size(&self, key: &str) -> usize {
        let token = match &self.value {
            Value::InFlight(t) => t.len(),
            Value::Done => 0,
        };
        entry_size(key, token)
    }
}

impl State {
    /// Whether `key` is an unexpired in-flight claim of `token`.
    fn claimed_by(&self, key: &str, token: &str, now: SystemTime) -> bool {
        matches!(self.entries.get(key), Some(e) if e.expiry.0 > now && matches!(&e.value, Value::InFlight(t) if t == token))
    }

    fn insert(&mut self, key: String, value: Value, now: SystemTime, ttl: Duration) {
        self.seq = self.seq.wrapping_add(1);
        let expires = now.checked_add(ttl).unwrap_or(now);
        let entry = Entry {
            value,
            expiry: (expires, self.seq),
        };
        self.bytes = self.bytes.saturating_add(entry.size(&key));
        self.by_expiry.insert(entry.expiry, key.clone());
        self.entries.insert(key, entry);
    }

    fn remove(&mut self, key: &str) {
        if let Some(entry) = self.entries.remove(key) {
            self.by_expiry.remove(&entry.expiry);
            self.bytes = self.bytes.saturating_sub(entry.size(key));
        }
    }

    fn purge_expired(&mut self, now: SystemTime) {
        while let Some((&(at, _), key)) = self.by_expiry.first_key_value() {
            if at > now {
                break;
            }
            let key = key.clone();
            self.remove(&key);
        }
    }
}

impl Default for MemoryStore {
    fn default() -> Self {
        Self::new()
    }
}

impl ReplayStore for MemoryStore {
    fn claim<'a>(
        &'a self,
        key: &'a str,
        token: &'a str,
        ttl: Duration,
        now: SystemTime,
    ) -> StoreFuture<'a, Claim> {
        let result = self.claim_now(key, token, ttl, now);
        Box::pin(async move { result })
    }

    fn complete<'a>(
        &'a self,
        key: &'a str,
        token: &'a str,
        ttl: Duration,
        now: SystemTime,
    ) -> StoreFuture<'a, ()> {
        self.complete_now(key, token, ttl, now);
        Box::pin(async { Ok(()) })
    }

    fn release<'a>(&'a self, key: &'a str, token: &'a str, now: SystemTime) -> StoreFuture<'a, ()> {
        self.release_now(key, token, now);
        Box::pin(async { Ok(()) })
    }
}

impl fmt::Debug for MemoryStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MemoryStore")
            .field("len", &self.len())
            .field("max_entries", &self.max_entries)
            .field("max_bytes", &self.max_bytes)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_store_holds_up_to_its_byte_bound_exactly() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let ttl = Duration::from_secs(60);
        let store = MemoryStore::new().max_bytes(entry_size("k", "token".len()));
        assert!(store.is_empty());
        assert!(matches!(
            store.claim_now("k", "token", ttl, now),
            Ok(Claim::Claimed)
        ));
        assert!(!store.is_empty());
        assert_eq!(store.len(), 1);
        assert!(store.claim_now("l", "token", ttl, now).is_err());
        assert!(format!("{store:?}").starts_with("MemoryStore { len: 1,"));
    }

    #[test]
    fn a_claim_is_gone_at_its_expiry_instant() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let ttl = Duration::from_secs(60);
        let store = MemoryStore::new();
        assert!(matches!(
            store.claim_now("k", "a", ttl, now),
            Ok(Claim::Claimed)
        ));
        let almost = now + ttl - Duration::from_millis(1);
        assert!(matches!(
            store.claim_now("k", "b", ttl, almost),
            Ok(Claim::InProgress)
        ));
        assert!(matches!(
            store.claim_now("k", "c", ttl, now + ttl),
            Ok(Claim::Claimed)
        ));
    }
}

//! Values unique across processes, for claim tokens and generated delivery ids.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::SystemTime;

/// A text unique to this call across processes: a per-process random value (from the standard
/// library's randomly seeded hasher), the process id and a counter. Only `[0-9a-f-]`.
pub(crate) fn token() -> String {
    use std::hash::{BuildHasher, Hasher};
    static PROCESS: OnceLock<u64> = OnceLock::new();
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let process = *PROCESS.get_or_init(|| {
        let mut h = std::collections::hash_map::RandomState::new().build_hasher();
        h.write_u32(std::process::id());
        h.write_u128(
            SystemTime::now()
                .duration_since(SystemTime::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos()),
        );
        h.finish()
    });
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    format!("{process:016x}-{:x}-{n:x}", std::process::id())
}

#[cfg(test)]
mod tests {
    #[test]
    fn tokens_differ() {
        assert_ne!(super::token(), super::token());
    }
}

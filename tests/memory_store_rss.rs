//! `MemoryStore::max_bytes` bounds the memory the store really takes, measured as the growth of
//! this process's resident set (Linux). Alone in its test binary so that nothing else allocates
//! while it measures.
//!
//! Found by the load-and-abuse run (examples/abuse.rs): the store counted each key once plus
//! 128 bytes, about half of what an entry takes (the expiry index holds a second copy of the
//! key), so a store configured for 32 MiB grew to about 61 MiB.

use std::time::{Duration, SystemTime};

use webhook_guard::replay::{Claim, MemoryStore, ReplayStore};

fn rss() -> usize {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = status.lines().find(|l| l.starts_with("VmRSS:")).unwrap();
    line.split_whitespace()
        .nth(1)
        .unwrap()
        .parse::<usize>()
        .unwrap()
        * 1024
}

#[cfg(target_os = "linux")]
#[tokio::test(flavor = "current_thread")]
async fn a_full_memory_store_takes_no_more_memory_than_max_bytes() {
    let max = 16 * 1024 * 1024;
    let store = MemoryStore::new().max_entries(usize::MAX).max_bytes(max);
    let before = rss();
    let mut n = 0u64;
    loop {
        // The shape of the replay guard's keys and tokens.
        let key = format!("whk:standard-webhooks:id:{n:064x}");
        let token = format!("{:016x}-{:x}-{n:x}", 0x5eed_u64, 4242);
        match store
            .claim(
                &key,
                &token,
                Duration::from_secs(60),
                SystemTime::UNIX_EPOCH,
            )
            .await
        {
            Ok(Claim::Claimed) => {}
            Err(_) => break,
            Ok(other) => panic!("{other:?}"),
        }
        store
            .complete(
                &key,
                &token,
                Duration::from_secs(3600),
                SystemTime::UNIX_EPOCH,
            )
            .await
            .unwrap();
        n += 1;
    }
    let grown = rss().saturating_sub(before);
    println!(
        "{n} entries: RSS grew {:.1} MiB for max_bytes 16 MiB ({:.0} B/entry)",
        grown as f64 / 1048576.0,
        grown as f64 / n as f64
    );
    assert!(n > 10_000, "only {n} entries");
    assert!(
        grown <= max,
        "{n} entries grew RSS by {grown} bytes, over max_bytes {max}"
    );
}

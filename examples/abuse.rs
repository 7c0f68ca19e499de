//! A bounded loopback load-and-abuse run (not part of `cargo test`).
//!
//! One process: an axum server on 127.0.0.1 with a Standard Webhooks route behind
//! `ConcurrencyLimitLayer` → `WebhookLayer` (64 KiB body limit, 2 s body deadline, replay guard
//! on a `MemoryStore`), and N client tasks speaking raw HTTP/1.1 to it for a fixed time, each
//! sending a weighted mix of
//!
//! * genuine deliveries with unique ids → 200 from the handler;
//! * forgeries: a wrong key, a tampered body, a stale timestamp → 401;
//! * replays of a delivery already accepted → 200 with an empty body, handler not run again;
//! * oversized bodies, by `Content-Length` and chunked without one → 413;
//! * disconnects mid-body → never reach the handler;
//! * and, from every eighth client, bodies trickled one byte every 500 ms → 408.
//!
//! It prints a table and exits non-zero if a forgery or replay was accepted, a genuine delivery
//! was refused, the handler ran twice for one id or at all for a disconnected one, a class got
//! an answer it should not, the p99 latency of genuine deliveries exceeded its budget, the peak
//! RSS exceeded `baseline + concurrency × body limit + replay store bound + slack`, or anything
//! panicked.
//!
//! ```text
//! cargo run --release --example abuse -- [--duration 20] [--clients 64] [--concurrency 32] [--p99-budget-ms 1000]
//! ```
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use axum::Router;
use axum::routing::post;
use http::HeaderMap;
use tokio::io::{AsyncBufRead, AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use tokio::net::tcp::OwnedReadHalf;
use tower::limit::ConcurrencyLimitLayer;
use webhook_guard::replay::{MemoryStore, ReplayGuard};
use webhook_guard::{Keyring, Secret, Signer, Verified, WebhookLayer, providers};

const SECRET: &str = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD";
const WRONG_SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const BODY_LIMIT: usize = 64 * 1024;
const BODY_TIMEOUT: Duration = Duration::from_secs(2);
/// The replay store's bound: every genuine delivery keeps a key (about 560 bytes) for the whole
/// run, so the store is sized for the run, 3 MiB per second and at least 64 MiB. A run faster
/// than about 5,000 genuine deliveries per second fills it, and the guard then answers 503.
fn store_max_bytes(run: Duration) -> usize {
    (3 * 1024 * 1024 * run.as_secs() as usize).max(64 * 1024 * 1024)
}
/// Allocator, runtime and connection buffers beyond the configured bounds.
const RSS_SLACK: u64 = 32 * 1024 * 1024;
/// How much an oversized chunked client tries to push before giving up.
const CHUNKED_ATTEMPT: usize = 64 * 1024 * 1024;
/// A request that takes longer than this is a failure.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Class {
    Genuine,
    ForgedKey,
    ForgedBody,
    ForgedStale,
    Replay,
    OversizeLength,
    OversizeChunked,
    Disconnect,
    Trickle,
}

impl Class {
    const ALL: [Self; 9] = [
        Self::Genuine,
        Self::ForgedKey,
        Self::ForgedBody,
        Self::ForgedStale,
        Self::Replay,
        Self::OversizeLength,
        Self::OversizeChunked,
        Self::Disconnect,
        Self::Trickle,
    ];

    fn name(self) -> &'static str {
        match self {
            Self::Genuine => "genuine",
            Self::ForgedKey => "forged: wrong key",
            Self::ForgedBody => "forged: tampered body",
            Self::ForgedStale => "forged: stale timestamp",
            Self::Replay => "replay of an accepted one",
            Self::OversizeLength => "oversized: Content-Length",
            Self::OversizeChunked => "oversized: chunked",
            Self::Disconnect => "disconnect mid-body",
            Self::Trickle => "trickle 1 B / 500 ms",
        }
    }

    fn expected(self) -> &'static str {
        match self {
            Self::Genuine => "200 handler",
            Self::ForgedKey | Self::ForgedBody | Self::ForgedStale => "401",
            Self::Replay => "200 empty",
            Self::OversizeLength | Self::OversizeChunked => "413",
            Self::Disconnect => "no handler",
            Self::Trickle => "408",
        }
    }

    /// The weighted mix of the fast clients (trickles come from the slow ones).
    fn pick(roll: u64) -> Self {
        match roll % 100 {
            0..=49 => Self::Genuine,
            50..=57 => Self::ForgedKey,
            58..=65 => Self::ForgedBody,
            66..=71 => Self::ForgedStale,
            72..=83 => Self::Replay,
            84..=89 => Self::OversizeLength,
            90..=94 => Self::OversizeChunked,
            _ => Self::Disconnect,
        }
    }
}

/// What a request got back.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Outcome {
    /// A status and whether the body was empty.
    Status(u16, bool),
    /// The connection failed before an answer.
    Error(String),
    /// No answer in [`REQUEST_TIMEOUT`].
    Timeout,
    /// The client hung up on purpose.
    HungUp,
}

impl Outcome {
    fn label(&self) -> String {
        match self {
            Self::Status(200, true) => "200 empty".into(),
            Self::Status(200, false) => "200 handler".into(),
            Self::Status(s, _) => s.to_string(),
            Self::Error(e) => format!("error: {e}"),
            Self::Timeout => "timeout".into(),
            Self::HungUp => "no handler".into(),
        }
    }
}

struct Config {
    duration: Duration,
    clients: usize,
    concurrency: usize,
    p99_budget: Duration,
}

fn parse_args() -> Result<Config, String> {
    let mut config = Config {
        duration: Duration::from_secs(20),
        clients: 64,
        concurrency: 32,
        p99_budget: Duration::from_millis(1000),
    };
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let mut value = || -> Result<u64, String> {
            args.next()
                .and_then(|v| v.parse().ok())
                .ok_or_else(|| format!("{flag} needs a number"))
        };
        match flag.as_str() {
            "--duration" => config.duration = Duration::from_secs(value()?),
            "--clients" => config.clients = usize::try_from(value()?).map_err(|e| e.to_string())?,
            "--concurrency" => {
                config.concurrency = usize::try_from(value()?).map_err(|e| e.to_string())?;
            }
            "--p99-budget-ms" => config.p99_budget = Duration::from_millis(value()?),
            other => return Err(format!("unknown argument {other}")),
        }
    }
    if config.clients == 0 || config.concurrency == 0 {
        return Err("--clients and --concurrency must be at least 1".into());
    }
    Ok(config)
}

/// Everything the clients and the handler record.
#[derive(Default)]
struct Record {
    /// Per class: outcome label → count, and how many matched the expectation.
    outcomes: BTreeMap<Class, BTreeMap<String, u64>>,
    passed: BTreeMap<Class, u64>,
    genuine_latency_us: Vec<u64>,
    disconnected_ids: HashSet<String>,
}

struct Shared {
    addr: SocketAddr,
    deadline: Instant,
    record: Mutex<Record>,
    handler_runs: Mutex<HashMap<String, u32>>,
    signer: Signer,
    wrong: Signer,
}

static PANICS: AtomicUsize = AtomicUsize::new(0);

fn main() -> ExitCode {
    let config = match parse_args() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("abuse: {e}");
            return ExitCode::from(2);
        }
    };
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        PANICS.fetch_add(1, Ordering::SeqCst);
        previous(info);
    }));
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("abuse: runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(config)) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("abuse: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run(config: Config) -> Result<bool, Box<dyn std::error::Error>> {
    let handler_runs: Mutex<HashMap<String, u32>> = Mutex::default();
    let layer = WebhookLayer::new(
        providers::standard_webhooks(),
        Keyring::from(Secret::new(SECRET)?),
    )?
    .body_limit(BODY_LIMIT)
    .body_timeout(BODY_TIMEOUT)
    .replay_guard(ReplayGuard::new(
        MemoryStore::new()
            .max_bytes(store_max_bytes(config.duration))
            .max_entries(usize::MAX),
    ));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let shared = Arc::new(Shared {
        addr,
        deadline: Instant::now() + config.duration,
        record: Mutex::default(),
        handler_runs,
        signer: Signer::new(providers::standard_webhooks(), Secret::new(SECRET)?)?,
        wrong: Signer::new(providers::standard_webhooks(), Secret::new(WRONG_SECRET)?)?,
    });
    let state = shared.clone();
    let app = Router::new()
        .route(
            "/webhooks",
            post(move |verified: Verified| {
                let state = state.clone();
                async move {
                    let id = verified.delivery_id().unwrap_or_default().to_owned();
                    *state
                        .handler_runs
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .entry(id)
                        .or_default() += 1;
                    "ok"
                }
            }),
        )
        .route_layer(layer)
        .layer(ConcurrencyLimitLayer::new(config.concurrency));
    let server = tokio::spawn(async move { axum::serve(listener, app).await });

    let baseline = memory("VmRSS").unwrap_or(0);
    println!(
        "abuse: {} clients ({} trickling), concurrency limit {}, body limit {} KiB, body deadline {} s, {} s on http://{addr}",
        config.clients,
        config.clients / 8,
        config.concurrency,
        BODY_LIMIT / 1024,
        BODY_TIMEOUT.as_secs(),
        config.duration.as_secs(),
    );
    let started = Instant::now();
    let clients: Vec<_> = (0..config.clients)
        .map(|i| tokio::spawn(client(i, shared.clone())))
        .collect();
    for c in clients {
        c.await?;
    }
    let elapsed = started.elapsed();
    // Let the server finish what the hung-up connections left behind.
    tokio::time::sleep(BODY_TIMEOUT + Duration::from_millis(500)).await;
    let peak = memory("VmHWM").unwrap_or(0);
    server.abort();

    let budget = baseline
        + (config.concurrency * BODY_LIMIT) as u64
        + store_max_bytes(config.duration) as u64
        + RSS_SLACK;
    Ok(report(&config, &shared, elapsed, peak, baseline, budget))
}

/// `VmRSS`/`VmHWM` of this process, in bytes.
fn memory(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

fn report(
    config: &Config,
    shared: &Shared,
    elapsed: Duration,
    peak: u64,
    baseline: u64,
    budget: u64,
) -> bool {
    let mut record = shared.record.lock().unwrap_or_else(|e| e.into_inner());
    let runs = shared
        .handler_runs
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    let mut failures: Vec<String> = Vec::new();

    println!(
        "\n{:<27} {:>7} {:>8} {:>12}  outcomes",
        "class", "sent", "as exp.", "expected"
    );
    let mut total = 0;
    for class in Class::ALL {
        let outcomes = record.outcomes.entry(class).or_default().clone();
        let sent: u64 = outcomes.values().sum();
        let passed = record.passed.get(&class).copied().unwrap_or(0);
        total += sent;
        let detail = outcomes
            .iter()
            .map(|(k, v)| format!("{k}: {v}"))
            .collect::<Vec<_>>()
            .join(", ");
        println!(
            "{:<27} {sent:>7} {passed:>8} {:>12}  {detail}",
            class.name(),
            class.expected()
        );
        if passed != sent {
            failures.push(format!(
                "{}: {} of {sent} not answered {}",
                class.name(),
                sent - passed,
                class.expected()
            ));
        }
    }
    let forged_accepted: u64 = [Class::ForgedKey, Class::ForgedBody, Class::ForgedStale]
        .iter()
        .flat_map(|c| record.outcomes.get(c))
        .flat_map(|o| o.iter())
        .filter(|(k, _)| k.starts_with("200"))
        .map(|(_, v)| v)
        .sum();
    let replays_run = record
        .outcomes
        .get(&Class::Replay)
        .and_then(|o| o.get("200 handler"))
        .copied()
        .unwrap_or(0);
    let twice = runs.values().filter(|&&n| n > 1).count();
    let disconnected_ran = record
        .disconnected_ids
        .iter()
        .filter(|id| runs.contains_key(*id))
        .count();
    let genuine_ok = record.passed.get(&Class::Genuine).copied().unwrap_or(0);
    let latencies = &mut record.genuine_latency_us;
    latencies.sort_unstable();
    let pct = |p: usize| {
        latencies
            .get((latencies.len() * p / 100).min(latencies.len().saturating_sub(1)))
            .copied()
            .unwrap_or(0)
    };
    let (p50, p99) = (pct(50), pct(99));
    let panics = PANICS.load(Ordering::SeqCst);
    let mib = |b: u64| b as f64 / (1024.0 * 1024.0);

    println!(
        "\n{total} requests in {:.1} s: {:.0} req/s; genuine accepted {genuine_ok} ({:.0}/s), p50 {:.1} ms, p99 {:.1} ms (budget {} ms)",
        elapsed.as_secs_f64(),
        total as f64 / elapsed.as_secs_f64(),
        genuine_ok as f64 / elapsed.as_secs_f64(),
        p50 as f64 / 1000.0,
        p99 as f64 / 1000.0,
        config.p99_budget.as_millis(),
    );
    println!(
        "handler runs: {} ids, {} twice, {} for disconnected deliveries; forgeries accepted {forged_accepted}, replays reaching the handler {replays_run}; panics {panics}",
        runs.len(),
        twice,
        disconnected_ran
    );
    println!(
        "peak RSS (VmHWM) {:.1} MiB; budget {:.1} MiB = baseline {:.1} + concurrency {} × {} KiB + replay store {} MiB + slack {} MiB",
        mib(peak),
        mib(budget),
        mib(baseline),
        config.concurrency,
        BODY_LIMIT / 1024,
        store_max_bytes(config.duration) / (1024 * 1024),
        RSS_SLACK / (1024 * 1024),
    );

    if forged_accepted > 0 {
        failures.push(format!("{forged_accepted} forgeries accepted"));
    }
    if replays_run > 0 {
        failures.push(format!("{replays_run} replays reached the handler"));
    }
    if twice > 0 {
        failures.push(format!("the handler ran more than once for {twice} ids"));
    }
    if disconnected_ran > 0 {
        failures.push(format!(
            "the handler ran for {disconnected_ran} disconnected deliveries"
        ));
    }
    if genuine_ok == 0 {
        failures.push("no genuine delivery was accepted".into());
    }
    if Duration::from_micros(p99) > config.p99_budget {
        failures.push(format!("p99 {:.1} ms over budget", p99 as f64 / 1000.0));
    }
    if peak > budget {
        failures.push(format!(
            "peak RSS {:.1} MiB over budget {:.1} MiB",
            mib(peak),
            mib(budget)
        ));
    }
    if panics > 0 {
        failures.push(format!("{panics} panics"));
    }
    if failures.is_empty() {
        println!("\nabuse: PASS");
        true
    } else {
        for f in &failures {
            println!("FAIL: {f}");
        }
        false
    }
}

/// A small deterministic generator (xorshift64*), so runs are comparable.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
}

/// A keep-alive HTTP/1.1 connection.
struct Conn {
    reader: BufReader<OwnedReadHalf>,
    writer: tokio::net::tcp::OwnedWriteHalf,
}

impl Conn {
    async fn open(addr: SocketAddr) -> io::Result<Self> {
        let stream = TcpStream::connect(addr).await?;
        stream.set_nodelay(true)?;
        let (r, w) = stream.into_split();
        Ok(Self {
            reader: BufReader::new(r),
            writer: w,
        })
    }
}

/// A parsed response: status, body, and whether the server closes the connection.
struct Answer {
    status: u16,
    body: Vec<u8>,
    close: bool,
}

async fn read_answer<R: AsyncBufRead + Unpin>(r: &mut R) -> io::Result<Answer> {
    let bad = |what: &str| io::Error::new(io::ErrorKind::InvalidData, what.to_owned());
    let mut line = String::new();
    if r.read_line(&mut line).await? == 0 {
        return Err(io::Error::new(
            io::ErrorKind::UnexpectedEof,
            "closed before the status line",
        ));
    }
    let status: u16 = line
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| bad("status line"))?;
    let (mut length, mut chunked, mut close) = (None, false, false);
    loop {
        line.clear();
        r.read_line(&mut line).await?;
        let l = line.trim_end();
        if l.is_empty() {
            break;
        }
        let (name, value) = l.split_once(':').ok_or_else(|| bad("header"))?;
        let value = value.trim();
        match name.to_ascii_lowercase().as_str() {
            "content-length" => length = value.parse::<usize>().ok(),
            "transfer-encoding" => chunked = value.eq_ignore_ascii_case("chunked"),
            "connection" => close = value.eq_ignore_ascii_case("close"),
            _ => {}
        }
    }
    let mut body = Vec::new();
    if let Some(n) = length {
        body.resize(n, 0);
        r.read_exact(&mut body).await?;
    } else if chunked {
        loop {
            line.clear();
            r.read_line(&mut line).await?;
            let size = usize::from_str_radix(line.trim(), 16).map_err(|_| bad("chunk size"))?;
            let mut chunk = vec![0; size + 2];
            r.read_exact(&mut chunk).await?;
            if size == 0 {
                break;
            }
            body.extend_from_slice(&chunk[..size]);
        }
    } else {
        close = true;
        r.read_to_end(&mut body).await?;
    }
    Ok(Answer {
        status,
        body,
        close,
    })
}

/// The request head for `headers`, with `framing` (`content-length: n` or
/// `transfer-encoding: chunked`).
fn head(headers: &HeaderMap, framing: &str) -> Vec<u8> {
    let mut out = String::from(
        "POST /webhooks HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\n",
    );
    for (name, value) in headers {
        out.push_str(name.as_str());
        out.push_str(": ");
        out.push_str(value.to_str().unwrap_or_default());
        out.push_str("\r\n");
    }
    out.push_str(framing);
    out.push_str("\r\n\r\n");
    out.into_bytes()
}

fn json_body(rng: &mut Rng, id: &str) -> Vec<u8> {
    let pad = 64 + (rng.next() % (16 * 1024)) as usize;
    format!(
        r#"{{"type":"invoice.paid","id":"{id}","pad":"{}"}}"#,
        "x".repeat(pad)
    )
    .into_bytes()
}

async fn client(index: usize, shared: Arc<Shared>) {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ (index as u64 + 1).wrapping_mul(0x1234_5678_9ABC));
    let slow = index % 8 == 7;
    let mut conn: Option<Conn> = None;
    let mut accepted: Vec<Arc<Vec<u8>>> = Vec::new();
    let mut seq = 0u64;
    while Instant::now() < shared.deadline {
        seq += 1;
        let class = if slow {
            Class::Trickle
        } else {
            Class::pick(rng.next())
        };
        let id = format!("msg_{index}_{seq}");
        let now = SystemTime::now();
        let body = json_body(&mut rng, &id);
        let sign = |signer: &Signer, body: &[u8], at: SystemTime| {
            let mut request = http::Request::post("/webhooks")
                .header("webhook-id", &id)
                .body(body)
                .expect("request");
            signer.sign(&mut request, at).expect("signing a valid id");
            request.headers().clone()
        };
        let started = Instant::now();
        let outcome = match class {
            Class::Genuine | Class::ForgedKey | Class::ForgedBody | Class::ForgedStale => {
                let (headers, sent_body) = match class {
                    Class::Genuine => (sign(&shared.signer, &body, now), body.clone()),
                    Class::ForgedKey => (sign(&shared.wrong, &body, now), body.clone()),
                    Class::ForgedBody => {
                        let mut tampered = body.clone();
                        let i = (rng.next() as usize) % tampered.len();
                        tampered[i] ^= 0x01;
                        (sign(&shared.signer, &body, now), tampered)
                    }
                    _ => (
                        sign(&shared.signer, &body, now - Duration::from_secs(301)),
                        body.clone(),
                    ),
                };
                let mut request = head(&headers, &format!("content-length: {}", sent_body.len()));
                request.extend_from_slice(&sent_body);
                let request = Arc::new(request);
                let outcome = keep_alive(&mut conn, shared.addr, &request).await;
                if class == Class::Genuine && outcome == Outcome::Status(200, false) {
                    if accepted.len() >= 16 {
                        accepted.remove(0);
                    }
                    accepted.push(request);
                }
                outcome
            }
            Class::Replay => match accepted.get((rng.next() as usize) % accepted.len().max(1)) {
                Some(request) => keep_alive(&mut conn, shared.addr, &request.clone()).await,
                // Nothing accepted yet on this client: what the replay would be of.
                None => {
                    seq -= 1;
                    continue;
                }
            },
            Class::OversizeLength => {
                let headers = sign(&shared.signer, &body, now);
                one_shot(shared.addr, |stream| async move {
                    let mut stream = stream;
                    stream
                        .write_all(&head(&headers, "content-length: 1000000000"))
                        .await?;
                    read_answer(&mut BufReader::new(stream)).await
                })
                .await
            }
            Class::OversizeChunked => {
                let headers = sign(&shared.signer, &body, now);
                push_while_reading(
                    shared.addr,
                    head(&headers, "transfer-encoding: chunked"),
                    CHUNKED_ATTEMPT / (16 * 1024),
                    Duration::ZERO,
                    {
                        let mut chunk = b"4000\r\n".to_vec();
                        chunk.extend_from_slice(&[b'x'; 16 * 1024]);
                        chunk.extend_from_slice(b"\r\n");
                        chunk
                    },
                )
                .await
            }
            Class::Trickle => {
                let headers = sign(&shared.signer, &body, now);
                push_while_reading(
                    shared.addr,
                    head(&headers, "content-length: 64"),
                    64,
                    Duration::from_millis(500),
                    b"x".to_vec(),
                )
                .await
            }
            Class::Disconnect => {
                let headers = sign(&shared.signer, &body, now);
                let mut request = head(&headers, &format!("content-length: {}", body.len()));
                request.extend_from_slice(&body[..body.len() / 2]);
                let result = async {
                    let mut stream = TcpStream::connect(shared.addr).await?;
                    stream.write_all(&request).await?;
                    stream.flush().await?;
                    tokio::time::sleep(Duration::from_millis(20)).await;
                    io::Result::Ok(())
                }
                .await;
                shared
                    .record
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .disconnected_ids
                    .insert(id.clone());
                match result {
                    Ok(()) => Outcome::HungUp,
                    Err(e) => Outcome::Error(e.kind().to_string()),
                }
            }
        };
        let elapsed = started.elapsed();
        let passed = outcome.label() == class.expected();
        let mut record = shared.record.lock().unwrap_or_else(|e| e.into_inner());
        *record
            .outcomes
            .entry(class)
            .or_default()
            .entry(outcome.label())
            .or_default() += 1;
        if passed {
            *record.passed.entry(class).or_default() += 1;
        }
        if class == Class::Genuine && passed {
            record
                .genuine_latency_us
                .push(u64::try_from(elapsed.as_micros()).unwrap_or(u64::MAX));
        }
    }
}

/// Sends `request` on the client's keep-alive connection (opening one when needed).
async fn keep_alive(conn: &mut Option<Conn>, addr: SocketAddr, request: &[u8]) -> Outcome {
    let attempt = async {
        if conn.is_none() {
            *conn = Some(Conn::open(addr).await?);
        }
        let c = conn.as_mut().expect("just opened");
        c.writer.write_all(request).await?;
        read_answer(&mut c.reader).await
    };
    let result = tokio::time::timeout(REQUEST_TIMEOUT, attempt).await;
    match result {
        Ok(Ok(answer)) => {
            if answer.close {
                *conn = None;
            }
            Outcome::Status(answer.status, answer.body.is_empty())
        }
        Ok(Err(e)) => {
            *conn = None;
            Outcome::Error(e.kind().to_string())
        }
        Err(_) => {
            *conn = None;
            Outcome::Timeout
        }
    }
}

/// One request on a fresh connection, closed afterwards.
async fn one_shot<F, Fut>(addr: SocketAddr, f: F) -> Outcome
where
    F: FnOnce(TcpStream) -> Fut,
    Fut: Future<Output = io::Result<Answer>>,
{
    let attempt = async {
        let stream = TcpStream::connect(addr).await?;
        f(stream).await
    };
    match tokio::time::timeout(REQUEST_TIMEOUT, attempt).await {
        Ok(Ok(answer)) => Outcome::Status(answer.status, answer.body.is_empty()),
        Ok(Err(e)) => Outcome::Error(e.kind().to_string()),
        Err(_) => Outcome::Timeout,
    }
}

/// Sends `head`, then up to `pieces` copies of `piece` with `pause` between them, while
/// reading the answer; stops writing as soon as the answer (or an error) arrives.
async fn push_while_reading(
    addr: SocketAddr,
    head: Vec<u8>,
    pieces: usize,
    pause: Duration,
    piece: Vec<u8>,
) -> Outcome {
    one_shot(addr, |stream| async move {
        stream.set_nodelay(true)?;
        let (r, mut w) = stream.into_split();
        let mut reader = BufReader::new(r);
        let answer = read_answer(&mut reader);
        tokio::pin!(answer);
        let writing = async {
            w.write_all(&head).await?;
            for _ in 0..pieces {
                if !pause.is_zero() {
                    tokio::time::sleep(pause).await;
                }
                w.write_all(&piece).await?;
            }
            io::Result::Ok(())
        };
        tokio::select! {
            answer = &mut answer => answer,
            // Written everything, or the server stopped reading: the answer decides.
            _ = writing => answer.await,
        }
    })
    .await
}

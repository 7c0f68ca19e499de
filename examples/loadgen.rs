//! A loopback load test: the same webhook route served bare, with the HMAC computed in the
//! handler, behind webhook-guard and behind the peers, each in its own server process on one
//! Tokio worker thread, hammered by keep-alive connections from this process.
//!
//! ```sh
//! cargo run --release --example loadgen                     # 1 KiB and 64 KiB, 5 s per app
//! cargo run --release --example loadgen -- --duration 10 --sizes 1024 --apps bare,webhook-guard
//! cargo run --release --example loadgen -- --memory         # 256 concurrent 1 MiB uploads
//! cargo run --release --example loadgen --features redis-cluster -- --replay --connections 64 --sizes 1024
//! ```
//!
//! `--replay` measures the replay guard through the whole stack: Standard Webhooks deliveries,
//! each one new (its own `webhook-id`, signed by the client as it sends it), to the same layer
//! without a replay guard and with a `MemoryStore`, a `RedisStore` over one `redis-server` and a
//! `RedisClusterStore` over a three-primary cluster with one replica each (`--stores
//! none,memory,redis,cluster`). It starts those Redis servers itself on free loopback ports
//! (`redis-server` and `redis-cli` on the `PATH`, as for the tests) and stops them by PID.
//! `--stores none,null,…` adds a store that answers at once and keeps nothing: what the guard
//! itself costs, the ceiling of every store. Besides the server's CPU per request, the table
//! shows the Redis servers' (`redisµs/req`: every node of the cluster, replicas included) and
//! this client's (`clientµs/req`), from the same scheduler accounting.
//!
//! Everything is bounded: each application gets `--warmup` plus `--duration` seconds per body
//! size and at most `--max-requests` requests, every server exits when this process closes its
//! stdin (or after 15 minutes), and only 127.0.0.1 is ever contacted. When `taskset` is
//! installed every server is pinned to CPU 0 (`--pin-client` puts this client on CPU 1).
//!
//! On a shared machine the load changes from second to second, so the applications are
//! interleaved finely: all servers run at once, and the measurement visits them in turn in
//! slices of `--slice` seconds (rotating the order every cycle), so that a change in load hits
//! every application alike. Besides requests per second, the server's own CPU time per request
//! is measured from the scheduler's accounting (`/proc/<pid>/schedstat`): the requests per
//! second one core sustains, unaffected by time the server spends waiting for the CPU. Ratios
//! are computed per cycle and reported as median and interquartile range.

use std::io::{BufRead as _, BufReader, Write as _};
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpStream;

#[path = "../benches/apps/mod.rs"]
mod apps;

use apps::App;

/// What one run measured.
#[derive(Debug, Clone, Default)]
struct Run {
    requests: u64,
    errors: u64,
    rps: f64,
    p50_us: f64,
    p99_us: f64,
    server_cpu: f64,
    /// Server CPU time per request, in microseconds.
    cpu_us_per_req: f64,
    /// Of that, the share spent in the kernel (system time over user + system time).
    sys_share: f64,
    peak_rss_kib: u64,
    /// CPU time of the Redis servers behind the target (every node of a cluster, replicas
    /// included) per request, in microseconds; 0 without any.
    store_us_per_req: f64,
    /// CPU time of this load generator (the client) per request, in microseconds.
    client_us_per_req: f64,
}

#[derive(Debug, Clone)]
struct Options {
    apps: Vec<App>,
    sizes: Vec<usize>,
    slice: Duration,
    duration: Duration,
    warmup: Duration,
    connections: usize,
    max_requests: u64,
    memory: bool,
    pin_server: bool,
    pin_client: bool,
    /// `--replay`: the replay-guard stores, side by side.
    replay: bool,
    stores: Vec<Store>,
}

const DEFAULT_APPS: [App; 12] = App::ALL;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("serve-replay") {
        serve_replay(args.get(1..).unwrap_or_default());
        return;
    }
    if args.first().map(String::as_str) == Some("headers") {
        // `headers <app> <body file>`: the signed headers, one `Name: value` per line (for
        // benches/wrk.sh).
        let app = app_arg(&args);
        let body = std::fs::read(args.get(2).expect("a body file")).expect("the body");
        for (name, value) in &app.headers(&body) {
            println!("{name}: {}", value.to_str().expect("ASCII"));
        }
        return;
    }
    if args.first().map(String::as_str) == Some("serve") {
        serve(app_arg(&args));
        return;
    }
    let mut options = parse_options(&args);
    // Optionally pin this client to CPU 1 by running again under taskset (the server gets CPU 0).
    if options.pin_client && std::env::var_os("LOADGEN_PINNED").is_none() && has_taskset() {
        let status = Command::new("taskset")
            .args(["-c", "1"])
            .arg(std::env::current_exe().expect("current exe"))
            .args(&args)
            .env("LOADGEN_PINNED", "1")
            .status()
            .expect("taskset");
        std::process::exit(status.code().unwrap_or(1));
    }
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(apps::self_check())
        .expect("every application verifies");
    println!("machine: {} cores; {}", cores(), cpu_model());
    println!(
        "pinning: server {} (one Tokio worker thread), client {}",
        if options.pin_server && has_taskset() {
            "on CPU 0"
        } else {
            "unpinned"
        },
        if std::env::var_os("LOADGEN_PINNED").is_some() {
            "on CPU 1"
        } else {
            "unpinned"
        },
    );
    if options.memory {
        if !args.iter().any(|a| a == "--apps") {
            options.apps = App::MEMORY.to_vec();
        }
        rt.block_on(memory(&options));
    } else if options.replay {
        rt.block_on(replay_throughput(&options));
    } else {
        rt.block_on(throughput(&options));
    }
}

fn parse_options(args: &[String]) -> Options {
    let mut o = Options {
        apps: DEFAULT_APPS.to_vec(),
        sizes: vec![1024, 64 * 1024],
        slice: Duration::from_millis(500),
        duration: Duration::from_secs(5),
        warmup: Duration::from_millis(500),
        connections: 32,
        max_requests: 5_000_000,
        memory: false,
        pin_server: true,
        pin_client: false,
        replay: false,
        stores: Store::ALL.to_vec(),
    };
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let mut value = || it.next().cloned().unwrap_or_default();
        match arg.as_str() {
            "--apps" => {
                o.apps = value()
                    .split(',')
                    .map(|a| App::parse(a).unwrap_or_else(|| panic!("unknown app {a}")))
                    .collect();
            }
            "--sizes" => {
                o.sizes = value()
                    .split(',')
                    .map(|s| s.parse().expect("size"))
                    .collect();
            }
            "--slice" => o.slice = Duration::from_secs_f64(value().parse().expect("s")),
            "--duration" => o.duration = Duration::from_secs_f64(value().parse().expect("s")),
            "--warmup" => o.warmup = Duration::from_secs_f64(value().parse().expect("s")),
            "--connections" => o.connections = value().parse().expect("connections"),
            "--max-requests" => o.max_requests = value().parse().expect("requests"),
            "--memory" => o.memory = true,
            "--no-pin" => o.pin_server = false,
            "--pin-client" => o.pin_client = true,
            "--replay" => o.replay = true,
            "--stores" => {
                o.stores = value()
                    .split(',')
                    .map(|a| Store::parse(a).unwrap_or_else(|| panic!("unknown store {a}")))
                    .collect();
            }
            other => panic!("unknown option {other}"),
        }
    }
    // Hard bounds, whatever was asked.
    o.duration = o.duration.min(Duration::from_secs(60));
    o.warmup = o.warmup.min(Duration::from_secs(10));
    o.slice = o.slice.clamp(
        Duration::from_millis(50),
        o.duration.max(Duration::from_millis(50)),
    );
    o.connections = o.connections.clamp(1, 1024);
    o
}

// ---------------------------------------------------------------------------------------------
// Server side

/// The application named after a subcommand (`serve <app>`, `headers <app> …`).
fn app_arg(args: &[String]) -> App {
    args.get(1)
        .and_then(|a| App::parse(a))
        .expect("an application name")
}

fn serve(app: App) {
    serve_router(move || app.router());
}

/// Serves the router `make` builds on 127.0.0.1 (one Tokio worker thread: this one) and prints
/// `listening <port>`.
fn serve_router(make: impl FnOnce() -> axum::Router) {
    // Exit when the parent closes our stdin, and in any case after 15 minutes.
    std::thread::spawn(|| {
        let mut line = String::new();
        let _ = std::io::stdin().read_line(&mut line);
        std::process::exit(0);
    });
    std::thread::spawn(|| {
        std::thread::sleep(Duration::from_secs(15 * 60));
        std::process::exit(0);
    });
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async move {
        // Inside the runtime: the Redis stores start their connection task on it.
        let router = make();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let port = listener.local_addr().expect("addr").port();
        println!("listening {port}");
        std::io::stdout().flush().expect("stdout");
        axum::serve(listener, router).await.expect("serve");
    });
}

struct Server {
    child: Child,
    addr: SocketAddr,
}

impl Server {
    fn start(app: App, pin: bool) -> Server {
        Self::spawn(&["serve", app.name()], pin)
    }

    /// This executable with `args` (a `serve…` subcommand), pinned to CPU 0 when asked.
    fn spawn(args: &[&str], pin: bool) -> Server {
        let exe = std::env::current_exe().expect("current exe");
        let mut command = if pin && has_taskset() {
            let mut c = Command::new("taskset");
            c.args(["-c", "0"]).arg(exe);
            c
        } else {
            Command::new(exe)
        };
        let mut child = command
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("server process");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut line)
            .expect("port line");
        let port: u16 = line
            .trim()
            .strip_prefix("listening ")
            .and_then(|p| p.parse().ok())
            .expect("listening <port>");
        Server {
            child,
            addr: SocketAddr::from(([127, 0, 0, 1], port)),
        }
    }

    fn pid(&self) -> u32 {
        self.child.id()
    }

    /// CPU time of the server's main thread (the one Tokio worker: `block_on` runs there), in
    /// seconds, from the scheduler's nanosecond accounting.
    /// User and system CPU time of the server process so far, in clock ticks (`/proc/<pid>/stat`).
    fn user_sys_ticks(&self) -> (u64, u64) {
        let stat =
            std::fs::read_to_string(format!("/proc/{}/stat", self.pid())).unwrap_or_default();
        // After the command name in parentheses: state is field 3, utime 14, stime 15.
        let fields: Vec<&str> = stat
            .rsplit_once(')')
            .map_or("", |(_, rest)| rest)
            .split_whitespace()
            .collect();
        let field = |i: usize| fields.get(i - 3).and_then(|f| f.parse().ok()).unwrap_or(0);
        (field(14), field(15))
    }

    fn cpu_secs(&self) -> f64 {
        std::fs::read_to_string(format!("/proc/{}/schedstat", self.pid()))
            .ok()
            .and_then(|s| s.split_whitespace().next()?.parse::<f64>().ok())
            .map_or(0.0, |ns| ns / 1e9)
    }

    /// Peak resident set size (VmHWM), in KiB.
    fn peak_rss_kib(&self) -> u64 {
        std::fs::read_to_string(format!("/proc/{}/status", self.pid()))
            .unwrap_or_default()
            .lines()
            .find_map(|l| l.strip_prefix("VmHWM:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap_or(0)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        drop(self.child.stdin.take()); // the server exits on EOF
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

// ---------------------------------------------------------------------------------------------
// Client side

/// The bytes of one request: head and body.
fn request_bytes(app: App, len: usize) -> Vec<u8> {
    let body = apps::body(len);
    let mut out = format!(
        "POST {} HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\ncontent-length: {}\r\n",
        apps::PATH,
        body.len()
    )
    .into_bytes();
    for (name, value) in &app.headers(&body) {
        out.extend_from_slice(name.as_str().as_bytes());
        out.extend_from_slice(b": ");
        out.extend_from_slice(value.as_bytes());
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(b"\r\n");
    out.extend_from_slice(&body);
    out
}

/// Reads one response; returns its status.
async fn read_response(stream: &mut TcpStream, buf: &mut Vec<u8>) -> std::io::Result<u16> {
    Ok(read_response_len(stream, buf).await?.0)
}

/// Reads one response; returns its status and body length.
async fn read_response_len(
    stream: &mut TcpStream,
    buf: &mut Vec<u8>,
) -> std::io::Result<(u16, usize)> {
    loop {
        let mut headers = [httparse::EMPTY_HEADER; 16];
        let mut response = httparse::Response::new(&mut headers);
        if let Ok(httparse::Status::Complete(head)) = response.parse(buf) {
            let status = response.code.unwrap_or(0);
            let len: usize = response
                .headers
                .iter()
                .find(|h| h.name.eq_ignore_ascii_case("content-length"))
                .and_then(|h| std::str::from_utf8(h.value).ok()?.parse().ok())
                .unwrap_or(0);
            while buf.len() < head + len {
                read_more(stream, buf).await?;
            }
            buf.drain(..head + len);
            return Ok((status, len));
        }
        read_more(stream, buf).await?;
    }
}

async fn read_more(stream: &mut TcpStream, buf: &mut Vec<u8>) -> std::io::Result<()> {
    buf.reserve(16 * 1024);
    if stream.read_buf(buf).await? == 0 {
        return Err(std::io::ErrorKind::UnexpectedEof.into());
    }
    Ok(())
}

/// Runs every connection against one server until `until`; returns the connections (those
/// still open), the latencies in microseconds and the number of failed requests.
async fn slice(
    addr: SocketAddr,
    conns: Vec<TcpStream>,
    source: Source,
    until: Instant,
    max_requests: u64,
) -> (Vec<TcpStream>, Vec<u32>, u64) {
    let tasks: Vec<_> = conns
        .into_iter()
        .map(|mut stream| {
            let source = source.clone();
            tokio::spawn(async move {
                let mut latencies = Vec::new();
                let mut errors = 0u64;
                let mut buf = Vec::with_capacity(16 * 1024);
                let mut signed = Vec::new();
                loop {
                    let start = Instant::now();
                    if start >= until || latencies.len() as u64 >= max_requests {
                        return (Some(stream), latencies, errors);
                    }
                    let request: &[u8] = match &source {
                        Source::Fixed(request) => request,
                        Source::Unique(signer) => {
                            signer.next(&mut signed);
                            &signed
                        }
                    };
                    let status = match stream.write_all(request).await {
                        Ok(()) => read_response_len(&mut stream, &mut buf).await,
                        Err(e) => Err(e),
                    };
                    match status {
                        // A replay guard answers a duplicate with an empty 200: not a success.
                        Ok((200, len)) if len > 0 => latencies
                            .push(u32::try_from(start.elapsed().as_micros()).unwrap_or(u32::MAX)),
                        Ok(_) => errors += 1,
                        Err(_) => return (None, latencies, errors + 1),
                    }
                }
            })
        })
        .collect();
    let (mut open, mut latencies, mut errors) = (Vec::new(), Vec::new(), 0);
    for task in tasks {
        let (stream, l, e) = task.await.expect("connection task");
        latencies.extend(l);
        errors += e;
        match stream {
            Some(stream) => open.push(stream),
            // Replace a broken connection for the next slice.
            None => open.extend(connect(addr, 1).await),
        }
    }
    (open, latencies, errors)
}

async fn connect(addr: SocketAddr, n: usize) -> Vec<TcpStream> {
    let mut conns = Vec::with_capacity(n);
    for _ in 0..n {
        let stream = TcpStream::connect(addr).await.expect("connect");
        stream.set_nodelay(true).expect("nodelay");
        conns.push(stream);
    }
    conns
}

/// One server and its keep-alive connections.
struct Target {
    server: Server,
    source: Source,
    conns: Vec<TcpStream>,
    /// The `redis-server` processes this target's store talks to (none for the others).
    store_pids: Vec<u32>,
}

/// Main-thread CPU time of the processes `pids` (where `redis-server` executes commands), in
/// seconds, from the scheduler's nanosecond accounting.
fn pids_cpu_secs(pids: &[u32]) -> f64 {
    pids.iter()
        .filter_map(|pid| {
            std::fs::read_to_string(format!("/proc/{pid}/schedstat"))
                .ok()?
                .split_whitespace()
                .next()?
                .parse::<f64>()
                .ok()
        })
        .sum::<f64>()
        / 1e9
}

/// What the clients send: the same request again and again, or a new signed delivery each time.
#[derive(Clone)]
enum Source {
    Fixed(Arc<Vec<u8>>),
    Unique(Arc<UniqueDeliveries>),
}

fn cycles(o: &Options) -> usize {
    ((o.duration.as_secs_f64() / o.slice.as_secs_f64()).round() as usize).max(1)
}

fn announce(o: &Options, targets: usize) {
    let cycles = cycles(o);
    println!(
        "{} app(s) x {} size(s); {} keep-alive connections per server; per size: warm-up {:?} per app, \
         then {} cycles of {:?} slices visiting every app in turn (rotated order): {:?} measured per app",
        targets,
        o.sizes.len(),
        o.connections,
        o.warmup,
        cycles,
        o.slice,
        o.slice * cycles as u32,
    );
}

async fn throughput(o: &Options) {
    announce(o, o.apps.len());
    for &len in &o.sizes {
        println!(
            "\n== body {} ({} B), load average at start: {}",
            size_label(len),
            len,
            load_average()
        );
        let mut targets = Vec::new();
        for &app in &o.apps {
            let server = Server::start(app, o.pin_server);
            let conns = connect(server.addr, o.connections).await;
            targets.push(Target {
                server,
                source: Source::Fixed(Arc::new(request_bytes(app, len))),
                conns,
                store_pids: Vec::new(),
            });
        }
        let results = measure(o, &mut targets).await;
        report(o, &results);
        println!("load average at end: {}", load_average());
    }
}

/// Warms every target up, then visits them in turn, slice by slice, rotating the order each
/// cycle. `results[target][cycle]`.
async fn measure(o: &Options, targets: &mut [Target]) -> Vec<Vec<Run>> {
    let cycles = cycles(o);
    for t in targets.iter_mut() {
        let conns = std::mem::take(&mut t.conns);
        let until = Instant::now() + o.warmup;
        t.conns = slice(t.server.addr, conns, t.source.clone(), until, u64::MAX)
            .await
            .0;
    }
    let mut results: Vec<Vec<Run>> = vec![Vec::new(); targets.len()];
    let per_slice_cap = o.max_requests / (cycles * o.connections) as u64;
    for cycle in 0..cycles {
        for k in 0..targets.len() {
            let i = (k + cycle) % targets.len();
            let t = &mut targets[i];
            let cpu_before = t.server.cpu_secs();
            let store_before = pids_cpu_secs(&t.store_pids);
            let client_before = pids_cpu_secs(&[std::process::id()]);
            let ticks_before = t.server.user_sys_ticks();
            let start = Instant::now();
            let conns = std::mem::take(&mut t.conns);
            let (conns, mut latencies, errors) = slice(
                t.server.addr,
                conns,
                t.source.clone(),
                start + o.slice,
                per_slice_cap.max(1),
            )
            .await;
            t.conns = conns;
            let wall = start.elapsed().as_secs_f64();
            let cpu = t.server.cpu_secs() - cpu_before;
            let store_cpu = pids_cpu_secs(&t.store_pids) - store_before;
            let client_cpu = pids_cpu_secs(&[std::process::id()]) - client_before;
            let ticks = t.server.user_sys_ticks();
            let (user, sys) = (ticks.0 - ticks_before.0, ticks.1 - ticks_before.1);
            latencies.sort_unstable();
            let pct = |p: f64| {
                let k =
                    ((latencies.len() as f64 * p) as usize).min(latencies.len().saturating_sub(1));
                latencies.get(k).map_or(0.0, |&v| f64::from(v))
            };
            results[i].push(Run {
                requests: latencies.len() as u64,
                errors,
                rps: latencies.len() as f64 / wall,
                p50_us: pct(0.50),
                p99_us: pct(0.99),
                server_cpu: cpu / wall,
                cpu_us_per_req: cpu * 1e6 / latencies.len().max(1) as f64,
                sys_share: sys as f64 / (user + sys).max(1) as f64,
                peak_rss_kib: t.server.peak_rss_kib(),
                store_us_per_req: store_cpu * 1e6 / latencies.len().max(1) as f64,
                client_us_per_req: client_cpu * 1e6 / latencies.len().max(1) as f64,
            });
        }
        eprintln!(
            "  cycle {}/{} done, load average {}",
            cycle + 1,
            cycles,
            load_average()
        );
    }
    results
}

/// The table of one body size, and the ratios against the targets.
fn report(o: &Options, results: &[Vec<Run>]) {
    let names: Vec<&str> = o.apps.iter().map(|a| a.name()).collect();
    table(&names, results);
    println!(
        "ratios A / B, median of per-cycle ratios (interquartile range); capacity: B's server CPU \
         per request over A's (the req/s one core sustains); measured: req/s of A over B's"
    );
    for (a, b) in [
        (App::WebhookGuard, App::HmacHandler),
        (App::HmacHandlerNoopLayer, App::HmacHandler),
        (App::WebhookGuard, App::HmacHandlerNoopLayer),
        (App::WebhookGuard, App::Bare),
        (App::WebhookGuard, App::FromFn),
        (App::WebhookGuard, App::WebhookVerify),
        (App::WebhookGuardHandlerLayer, App::HmacHandler),
        (App::WebhookGuardHandlerLayer, App::Bare),
        (App::WebhookGuardHandlerLayer, App::WebhookGuard),
        (App::SwWebhookGuard, App::SwHmacHandler),
        (App::SwWebhookGuard, App::SwAxumStandardWebhooks),
        (App::SwWebhookGuard, App::SwWebhookVerify),
    ] {
        let (Some(ia), Some(ib)) = (
            o.apps.iter().position(|&x| x == a),
            o.apps.iter().position(|&x| x == b),
        ) else {
            continue;
        };
        print_ratio(a.name(), b.name(), &results[ia], &results[ib]);
    }
}

/// One row per target: medians over the cycles.
fn table(names: &[&str], results: &[Vec<Run>]) {
    println!(
        "{:<26} {:>8} {:>8} {:>15} {:>6} {:>6} {:>5} {:>10} {:>5} {:>10} {:>9} {:>6} {:>10} {:>11}",
        "app",
        "requests",
        "req/s",
        "min–max",
        "p50µs",
        "p99µs",
        "cpu%",
        "cpuµs/req",
        "sys%",
        "req/s/core",
        "peak RSS",
        "errors",
        "redisµs/req",
        "clientµs/req"
    );
    for (name, runs) in names.iter().zip(results) {
        let col = |f: fn(&Run) -> f64| {
            let mut v: Vec<f64> = runs.iter().map(f).collect();
            median(&mut v)
        };
        let rps: Vec<f64> = runs.iter().map(|r| r.rps).collect();
        let per_req = col(|r| r.cpu_us_per_req);
        println!(
            "{:<26} {:>8} {:>8.0} {:>7.0}–{:<7.0} {:>6.0} {:>6.0} {:>5.0} {:>10.2} {:>5.0} {:>10.0} {:>5.1} MiB {:>6} {:>10.2} {:>11.2}",
            name,
            runs.iter().map(|r| r.requests).sum::<u64>(),
            col(|r| r.rps),
            rps.iter().copied().fold(f64::INFINITY, f64::min),
            rps.iter().copied().fold(0.0, f64::max),
            col(|r| r.p50_us),
            col(|r| r.p99_us),
            col(|r| r.server_cpu) * 100.0,
            per_req,
            col(|r| r.sys_share) * 100.0,
            1e6 / per_req,
            runs.iter().map(|r| r.peak_rss_kib).max().unwrap_or(0) as f64 / 1024.0,
            runs.iter().map(|r| r.errors).sum::<u64>(),
            col(|r| r.store_us_per_req),
            col(|r| r.client_us_per_req),
        );
    }
}

/// Median and interquartile range of the per-cycle ratios of `a` to `b`, by capacity (server
/// CPU per request) and by measured requests per second.
fn print_ratio(a: &str, b: &str, ra: &[Run], rb: &[Run]) {
    let ratio = |f: fn(&Run, &Run) -> f64| {
        let mut per_cycle: Vec<f64> = ra.iter().zip(rb).map(|(x, y)| f(x, y)).collect();
        let m = median(&mut per_cycle);
        let q = |p: f64| per_cycle[((per_cycle.len() - 1) as f64 * p).round() as usize];
        (m, q(0.25), q(0.75))
    };
    let (c, clo, chi) = ratio(|x, y| y.cpu_us_per_req / x.cpu_us_per_req);
    let (m, mlo, mhi) = ratio(|x, y| x.rps / y.rps);
    println!(
        "  {a:<16} / {b:<24} capacity {c:.3} ({clo:.3}–{chi:.3})  measured {m:.3} ({mlo:.3}–{mhi:.3})"
    );
}

// ---------------------------------------------------------------------------------------------
// Replay guard stores, side by side (`--replay`)

/// Where the replay guard keeps its claims, in a `serve-replay` server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Store {
    /// No replay guard: the baseline.
    None,
    /// A store that answers at once and keeps nothing (`--stores null`, not in the default
    /// set): what the replay guard costs whatever the store, the ceiling of any store.
    Null,
    Memory,
    Redis,
    Cluster,
}

impl Store {
    const ALL: [Store; 4] = [Store::None, Store::Memory, Store::Redis, Store::Cluster];

    fn name(self) -> &'static str {
        match self {
            Store::None => "none",
            Store::Null => "null",
            Store::Memory => "memory",
            Store::Redis => "redis",
            Store::Cluster => "cluster",
        }
    }

    fn label(self) -> &'static str {
        match self {
            Store::None => "sw-guard, no replay guard",
            Store::Null => "sw-guard + null store",
            Store::Memory => "sw-guard + MemoryStore",
            Store::Redis => "sw-guard + RedisStore",
            Store::Cluster => "sw-guard + RedisClusterStore",
        }
    }

    fn parse(name: &str) -> Option<Store> {
        Store::ALL
            .into_iter()
            .chain([Store::Null])
            .find(|s| s.name() == name)
    }
}

/// Standard Webhooks deliveries, each with a new `webhook-id`, signed as they are sent (the
/// HMAC key schedule done once): every one is new to a replay guard.
struct UniqueDeliveries {
    mac: hmac::Hmac<sha2::Sha256>,
    body: Vec<u8>,
    /// Distinguishes the ids of this run from any earlier one in the same store.
    run: u64,
    next: std::sync::atomic::AtomicU64,
}

impl UniqueDeliveries {
    fn new(len: usize) -> Self {
        use base64::Engine as _;
        use hmac::KeyInit as _;
        let key = base64::engine::general_purpose::STANDARD
            .decode(apps::WHSEC.trim_start_matches("whsec_"))
            .expect("the secret decodes");
        let run = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as u64);
        Self {
            mac: hmac::Hmac::new_from_slice(&key).expect("any key length"),
            body: apps::body(len).to_vec(),
            run,
            next: std::sync::atomic::AtomicU64::new(0),
        }
    }

    /// Writes the next delivery (head and body) into `out`.
    fn next(&self, out: &mut Vec<u8>) {
        use base64::Engine as _;
        use hmac::Mac as _;
        let n = self.next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let id = format!("msg_{:x}_{n}", self.run);
        let ts = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs())
            .to_string();
        let mut mac = self.mac.clone();
        mac.update(id.as_bytes());
        mac.update(b".");
        mac.update(ts.as_bytes());
        mac.update(b".");
        mac.update(&self.body);
        let signature =
            base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes());
        out.clear();
        write!(
            out,
            "POST {} HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\n\
             content-length: {}\r\nwebhook-id: {id}\r\nwebhook-timestamp: {ts}\r\n\
             webhook-signature: v1,{signature}\r\n\r\n",
            apps::PATH,
            self.body.len()
        )
        .expect("write to a Vec");
        out.extend_from_slice(&self.body);
    }
}

/// The Redis servers a run needs, stopped (by PID) when dropped.
struct Services {
    redis: Option<LocalRedis>,
    #[cfg(feature = "redis-cluster")]
    cluster: Option<cluster_support::RedisCluster>,
}

impl Services {
    fn start(stores: &[Store]) -> Services {
        Services {
            redis: stores.contains(&Store::Redis).then(LocalRedis::start),
            #[cfg(feature = "redis-cluster")]
            cluster: stores.contains(&Store::Cluster).then(|| {
                cluster_support::RedisCluster::start("loadgen", Duration::from_secs(5))
                    .expect("redis-server and redis-cli on the PATH")
            }),
        }
    }

    /// The argument of `serve-replay <store> <arg>` for `store`.
    fn address(&self, store: Store) -> String {
        match store {
            Store::None | Store::Null | Store::Memory => "-".into(),
            Store::Redis => self.redis.as_ref().map(|r| r.url()).unwrap_or_default(),
            #[cfg(feature = "redis-cluster")]
            Store::Cluster => self
                .cluster
                .as_ref()
                .map(|c| c.urls().join(","))
                .unwrap_or_default(),
            #[cfg(not(feature = "redis-cluster"))]
            Store::Cluster => String::new(),
        }
    }

    /// The `redis-server` processes behind `store`.
    fn pids(&self, store: Store) -> Vec<u32> {
        match store {
            Store::None | Store::Null | Store::Memory => Vec::new(),
            Store::Redis => self.redis.iter().map(|r| r.child.id()).collect(),
            #[cfg(feature = "redis-cluster")]
            Store::Cluster => self
                .cluster
                .iter()
                .flat_map(|c| c.live_ports().into_iter().map(|port| c.pid(port)))
                .collect(),
            #[cfg(not(feature = "redis-cluster"))]
            Store::Cluster => Vec::new(),
        }
    }

    /// Connections each Redis server accepted so far, and those open now (`INFO clients`,
    /// `INFO stats`): a store that connected per request would show one per delivery.
    fn connections(&self) -> Vec<(String, u64, u64)> {
        let mut ports = Vec::new();
        if let Some(redis) = &self.redis {
            ports.push(("redis".to_owned(), redis.port));
        }
        #[cfg(feature = "redis-cluster")]
        if let Some(cluster) = &self.cluster {
            for port in cluster.live_ports() {
                ports.push((format!("cluster node {port}"), port));
            }
        }
        ports
            .into_iter()
            .map(|(name, port)| {
                let info = |section: &str, field: &str| {
                    let out = Command::new("redis-cli")
                        .args(["-p", &port.to_string(), "INFO", section])
                        .output()
                        .ok()?;
                    String::from_utf8_lossy(&out.stdout).lines().find_map(|l| {
                        l.strip_prefix(field)?
                            .strip_prefix(':')?
                            .trim()
                            .parse()
                            .ok()
                    })
                };
                (
                    name,
                    info("stats", "total_connections_received").unwrap_or(0),
                    info("clients", "connected_clients").unwrap_or(0),
                )
            })
            .collect()
    }
}

#[cfg(feature = "redis-cluster")]
#[path = "../tests/cluster_support/mod.rs"]
mod cluster_support;

/// A throwaway `redis-server` on a free loopback port, killed by PID when dropped.
struct LocalRedis {
    child: Child,
    port: u16,
}

impl LocalRedis {
    fn start() -> LocalRedis {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let child = Command::new("redis-server")
            .args(["--port", &port.to_string(), "--bind", "127.0.0.1"])
            .args(["--save", "", "--appendonly", "no", "--protected-mode", "no"])
            .stdout(Stdio::null())
            .spawn()
            .expect("redis-server on the PATH");
        let deadline = Instant::now() + Duration::from_secs(10);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "redis-server did not start");
            std::thread::sleep(Duration::from_millis(10));
        }
        LocalRedis { child, port }
    }

    fn url(&self) -> String {
        format!("redis://127.0.0.1:{}/", self.port)
    }
}

impl Drop for LocalRedis {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `serve-replay <store> <address>`: the Standard Webhooks route behind `WebhookLayer`, with
/// the replay guard over `store` (defaults otherwise: 50 ms store timeout, fail closed).
fn serve_replay(args: &[String]) {
    let store = args
        .first()
        .and_then(|s| Store::parse(s))
        .expect("a store name");
    let address = args.get(1).cloned().unwrap_or_default();
    serve_router(move || {
        use webhook_guard::replay::{MemoryStore, ReplayGuard};
        let layer = webhook_guard::WebhookLayer::new(
            webhook_guard::providers::standard_webhooks(),
            webhook_guard::Keyring::from(webhook_guard::Secret::new(apps::WHSEC).expect("secret")),
        )
        .expect("layer")
        .body_limit(apps::LIMIT);
        let prefix = format!("loadgen-{}:", std::process::id());
        let _ = (&address, &prefix);
        let layer = match store {
            Store::None => layer,
            Store::Null => layer.replay_guard(ReplayGuard::new(NullStore)),
            // Room for every delivery of a run (each is kept for the 72 h retention).
            Store::Memory => layer.replay_guard(ReplayGuard::new(
                MemoryStore::new().max_entries(4_000_000).max_bytes(2 << 30),
            )),
            #[cfg(feature = "redis")]
            Store::Redis => layer.replay_guard(ReplayGuard::new(
                webhook_guard::replay::RedisStore::open(&address)
                    .expect("redis url")
                    .prefix(prefix.clone()),
            )),
            #[cfg(feature = "redis-cluster")]
            Store::Cluster => layer.replay_guard(ReplayGuard::new(
                webhook_guard::replay::RedisClusterStore::open(address.split(','))
                    .expect("cluster nodes")
                    .prefix(prefix.clone()),
            )),
            #[allow(unreachable_patterns)]
            other => panic!("store {} needs --features redis-cluster", other.name()),
        };
        axum::Router::new()
            .route(apps::PATH, axum::routing::post(len_handler))
            .route_layer(layer)
    });
}

/// Claims every key at once and keeps nothing: the replay guard's own cost, with no store work.
struct NullStore;

impl webhook_guard::replay::ReplayStore for NullStore {
    fn claim<'a>(
        &'a self,
        _key: &'a str,
        _token: &'a str,
        _ttl: Duration,
        _now: std::time::SystemTime,
    ) -> webhook_guard::replay::StoreFuture<'a, webhook_guard::replay::Claim> {
        Box::pin(std::future::ready(Ok(
            webhook_guard::replay::Claim::Claimed,
        )))
    }

    fn complete<'a>(
        &'a self,
        _key: &'a str,
        _token: &'a str,
        _ttl: Duration,
        _now: std::time::SystemTime,
    ) -> webhook_guard::replay::StoreFuture<'a, ()> {
        Box::pin(std::future::ready(Ok(())))
    }

    fn release<'a>(
        &'a self,
        _key: &'a str,
        _token: &'a str,
        _now: std::time::SystemTime,
    ) -> webhook_guard::replay::StoreFuture<'a, ()> {
        Box::pin(std::future::ready(Ok(())))
    }
}

async fn len_handler(body: axum::body::Bytes) -> String {
    body.len().to_string()
}

async fn replay_throughput(o: &Options) {
    if cfg!(not(feature = "redis-cluster"))
        && o.stores
            .iter()
            .any(|s| matches!(s, Store::Redis | Store::Cluster))
    {
        println!(
            "the redis and cluster stores need the store code: \
             cargo run --release --example loadgen --features redis-cluster -- --replay"
        );
        return;
    }
    let services = Services::start(&o.stores);
    let connections_before = services.connections();
    announce(o, o.stores.len());
    println!(
        "replay guard: Standard Webhooks, every delivery new (client-signed, unique webhook-id); \
         stores: {}",
        o.stores
            .iter()
            .map(|s| s.name())
            .collect::<Vec<_>>()
            .join(", ")
    );
    for &len in &o.sizes {
        println!(
            "\n== body {} ({} B), load average at start: {}",
            size_label(len),
            len,
            load_average()
        );
        let deliveries = Arc::new(UniqueDeliveries::new(len));
        let mut targets = Vec::new();
        for &store in &o.stores {
            let address = services.address(store);
            let server = Server::spawn(&["serve-replay", store.name(), &address], o.pin_server);
            let conns = connect(server.addr, o.connections).await;
            targets.push(Target {
                server,
                source: Source::Unique(deliveries.clone()),
                conns,
                store_pids: services.pids(store),
            });
        }
        let results = measure(o, &mut targets).await;
        let labels: Vec<&str> = o.stores.iter().map(|s| s.label()).collect();
        table(&labels, &results);
        println!(
            "ratios to no replay guard, median of per-cycle ratios (interquartile range); \
             capacity: server CPU per request of the baseline over the store's; measured: req/s"
        );
        if let Some(base) = o.stores.iter().position(|&s| s == Store::None) {
            for (i, store) in o.stores.iter().enumerate().filter(|&(i, _)| i != base) {
                print_ratio(store.name(), "none", &results[i], &results[base]);
            }
        }
        println!("load average at end: {}", load_average());
    }
    // A store that connected per request would show one connection per delivery here.
    for ((name, before, _), (_, after, _)) in connections_before.iter().zip(services.connections())
    {
        println!(
            "{name}: {} connections accepted while the servers ran (the servers' clients; this \
             count's own redis-cli calls excluded)",
            after.saturating_sub(*before).saturating_sub(2)
        );
    }
}
// ---------------------------------------------------------------------------------------------
// Memory: 256 concurrent uploads at the 1 MiB limit

async fn memory(o: &Options) {
    const UPLOADS: usize = 256;
    let len = apps::LIMIT;
    println!(
        "\n== {UPLOADS} concurrent uploads of {} each (the limit); bound: {UPLOADS} x limit + 32 MiB = {} MiB; load average {}",
        size_label(len),
        UPLOADS + 32,
        load_average()
    );
    println!(
        "{:<26} {:>10} {:>10} {:>8} {:>12} {:>22}",
        "app", "idle RSS", "peak RSS", "200s", "other", "oversized (2 MiB)"
    );
    for &app in &o.apps {
        let server = Server::start(app, o.pin_server);
        tokio::time::sleep(Duration::from_millis(100)).await;
        let idle = server.peak_rss_kib();
        let request = Arc::new(request_bytes(app, len));
        let head_len = request.len() - len;
        // Every upload sends its head and half its body, waits until all have, then the rest:
        // the server holds 256 half-received bodies at once.
        let barrier = Arc::new(tokio::sync::Barrier::new(UPLOADS));
        let deadline = Instant::now() + Duration::from_secs(60);
        let tasks: Vec<_> = (0..UPLOADS)
            .map(|_| {
                let (request, barrier, addr) = (request.clone(), barrier.clone(), server.addr);
                tokio::spawn(async move {
                    let mut stream = TcpStream::connect(addr).await.ok()?;
                    let half = head_len + len / 2;
                    stream.write_all(&request[..half]).await.ok()?;
                    barrier.wait().await;
                    stream.write_all(&request[half..]).await.ok()?;
                    let mut buf = Vec::new();
                    tokio::time::timeout_at(deadline.into(), read_response(&mut stream, &mut buf))
                        .await
                        .ok()?
                        .ok()
                })
            })
            .collect();
        let (mut ok, mut other) = (0, 0);
        for task in tasks {
            match task.await.ok().flatten() {
                Some(200) => ok += 1,
                _ => other += 1,
            }
        }
        let peak = server.peak_rss_kib();
        let oversized = oversized(app, server.addr).await;
        println!(
            "{:<26} {:>6.1} MiB {:>6.1} MiB {:>8} {:>12} {:>22}",
            app.name(),
            idle as f64 / 1024.0,
            peak as f64 / 1024.0,
            ok,
            other,
            oversized
        );
    }
    println!("load average at end: {}", load_average());
}

/// Sends only the head of a 2 MiB upload and reports what came back before any body byte.
async fn oversized(app: App, addr: SocketAddr) -> String {
    let len = 2 * apps::LIMIT;
    let request = request_bytes(app, len);
    let head = &request[..request.len() - len];
    let Ok(mut stream) = TcpStream::connect(addr).await else {
        return "connect failed".into();
    };
    if stream.write_all(head).await.is_err() {
        return "write failed".into();
    }
    let mut buf = Vec::new();
    match tokio::time::timeout(Duration::from_secs(2), read_response(&mut stream, &mut buf)).await {
        Ok(Ok(status)) => format!("{status} before body"),
        Ok(Err(_)) => "closed".into(),
        Err(_) => "waits for the body".into(),
    }
}

// ---------------------------------------------------------------------------------------------

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    values.get(values.len() / 2).copied().unwrap_or(f64::NAN)
}

fn size_label(len: usize) -> String {
    match len {
        l if l >= 1 << 20 => format!("{} MiB", l >> 20),
        l if l >= 1 << 10 => format!("{} KiB", l >> 10),
        l => format!("{l} B"),
    }
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".into())
}

fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, usize::from)
}

fn cpu_model() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("model name").and_then(|r| r.split_once(':')))
        .map_or_else(|| "unknown CPU".into(), |(_, m)| m.trim().to_owned())
}

fn has_taskset() -> bool {
    Command::new("taskset")
        .arg("-V")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

//! A loopback load test: the same webhook route served bare, with the HMAC computed in the
//! handler, behind webhook-guard and behind the peers, each in its own server process on one
//! Tokio worker thread, hammered by keep-alive connections from this process.
//!
//! ```sh
//! cargo run --release --example loadgen                     # 1 KiB and 64 KiB, 5 s per app
//! cargo run --release --example loadgen -- --duration 10 --sizes 1024 --apps bare,webhook-guard
//! cargo run --release --example loadgen -- --memory         # 256 concurrent 1 MiB uploads
//! ```
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
    peak_rss_kib: u64,
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
}

const DEFAULT_APPS: [App; 11] = App::ALL;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("serve") {
        let app = args
            .get(1)
            .and_then(|a| App::parse(a))
            .expect("an application name");
        serve(app);
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

fn serve(app: App) {
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
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let port = listener.local_addr().expect("addr").port();
        println!("listening {port}");
        std::io::stdout().flush().expect("stdout");
        axum::serve(listener, app.router()).await.expect("serve");
    });
}

struct Server {
    child: Child,
    addr: SocketAddr,
}

impl Server {
    fn start(app: App, pin: bool) -> Server {
        let exe = std::env::current_exe().expect("current exe");
        let mut command = if pin && has_taskset() {
            let mut c = Command::new("taskset");
            c.args(["-c", "0"]).arg(exe);
            c
        } else {
            Command::new(exe)
        };
        let mut child = command
            .args(["serve", app.name()])
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
            return Ok(status);
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
    request: Arc<Vec<u8>>,
    until: Instant,
    max_requests: u64,
) -> (Vec<TcpStream>, Vec<u32>, u64) {
    let tasks: Vec<_> = conns
        .into_iter()
        .map(|mut stream| {
            let request = request.clone();
            tokio::spawn(async move {
                let mut latencies = Vec::new();
                let mut errors = 0u64;
                let mut buf = Vec::with_capacity(16 * 1024);
                loop {
                    let start = Instant::now();
                    if start >= until || latencies.len() as u64 >= max_requests {
                        return (Some(stream), latencies, errors);
                    }
                    let status = match stream.write_all(&request).await {
                        Ok(()) => read_response(&mut stream, &mut buf).await,
                        Err(e) => Err(e),
                    };
                    match status {
                        Ok(200) => latencies
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
    request: Arc<Vec<u8>>,
    conns: Vec<TcpStream>,
}

async fn throughput(o: &Options) {
    let cycles = ((o.duration.as_secs_f64() / o.slice.as_secs_f64()).round() as usize).max(1);
    println!(
        "{} app(s) x {} size(s); {} keep-alive connections per server; per size: warm-up {:?} per app, \
         then {} cycles of {:?} slices visiting every app in turn (rotated order): {:?} measured per app",
        o.apps.len(),
        o.sizes.len(),
        o.connections,
        o.warmup,
        cycles,
        o.slice,
        o.slice * cycles as u32,
    );
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
                request: Arc::new(request_bytes(app, len)),
                conns,
            });
        }
        for t in &mut targets {
            let conns = std::mem::take(&mut t.conns);
            let until = Instant::now() + o.warmup;
            t.conns = slice(t.server.addr, conns, t.request.clone(), until, u64::MAX)
                .await
                .0;
        }
        // results[app][cycle]
        let mut results: Vec<Vec<Run>> = vec![Vec::new(); o.apps.len()];
        let per_slice_cap = o.max_requests / (cycles * o.connections) as u64;
        for cycle in 0..cycles {
            for k in 0..targets.len() {
                let i = (k + cycle) % targets.len();
                let t = &mut targets[i];
                let cpu_before = t.server.cpu_secs();
                let start = Instant::now();
                let conns = std::mem::take(&mut t.conns);
                let (conns, mut latencies, errors) = slice(
                    t.server.addr,
                    conns,
                    t.request.clone(),
                    start + o.slice,
                    per_slice_cap.max(1),
                )
                .await;
                t.conns = conns;
                let wall = start.elapsed().as_secs_f64();
                let cpu = t.server.cpu_secs() - cpu_before;
                latencies.sort_unstable();
                let pct = |p: f64| {
                    let k = ((latencies.len() as f64 * p) as usize)
                        .min(latencies.len().saturating_sub(1));
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
                    peak_rss_kib: t.server.peak_rss_kib(),
                });
            }
            eprintln!(
                "  cycle {}/{} done, load average {}",
                cycle + 1,
                cycles,
                load_average()
            );
        }
        report(o, &results);
        println!("load average at end: {}", load_average());
    }
}

/// The table of one body size, and the ratios against the targets.
fn report(o: &Options, results: &[Vec<Run>]) {
    println!(
        "{:<26} {:>8} {:>8} {:>15} {:>6} {:>6} {:>5} {:>10} {:>10} {:>9} {:>6}",
        "app",
        "requests",
        "req/s",
        "min–max",
        "p50µs",
        "p99µs",
        "cpu%",
        "cpuµs/req",
        "req/s/core",
        "peak RSS",
        "errors"
    );
    for (i, app) in o.apps.iter().enumerate() {
        let runs = &results[i];
        let col = |f: fn(&Run) -> f64| {
            let mut v: Vec<f64> = runs.iter().map(f).collect();
            median(&mut v)
        };
        let rps: Vec<f64> = runs.iter().map(|r| r.rps).collect();
        let per_req = col(|r| r.cpu_us_per_req);
        println!(
            "{:<26} {:>8} {:>8.0} {:>7.0}–{:<7.0} {:>6.0} {:>6.0} {:>5.0} {:>10.2} {:>10.0} {:>5.1} MiB {:>6}",
            app.name(),
            runs.iter().map(|r| r.requests).sum::<u64>(),
            col(|r| r.rps),
            rps.iter().copied().fold(f64::INFINITY, f64::min),
            rps.iter().copied().fold(0.0, f64::max),
            col(|r| r.p50_us),
            col(|r| r.p99_us),
            col(|r| r.server_cpu) * 100.0,
            per_req,
            1e6 / per_req,
            runs.iter().map(|r| r.peak_rss_kib).max().unwrap_or(0) as f64 / 1024.0,
            runs.iter().map(|r| r.errors).sum::<u64>(),
        );
    }
    let ratio = |a: App, b: App, f: fn(&Run, &Run) -> f64| {
        let ia = o.apps.iter().position(|&x| x == a)?;
        let ib = o.apps.iter().position(|&x| x == b)?;
        let mut per_cycle: Vec<f64> = results[ia]
            .iter()
            .zip(&results[ib])
            .map(|(x, y)| f(x, y))
            .collect();
        let m = median(&mut per_cycle);
        let q = |p: f64| per_cycle[((per_cycle.len() - 1) as f64 * p).round() as usize];
        Some((m, q(0.25), q(0.75)))
    };
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
        let capacity = ratio(a, b, |x, y| y.cpu_us_per_req / x.cpu_us_per_req);
        let measured = ratio(a, b, |x, y| x.rps / y.rps);
        if let (Some((c, clo, chi)), Some((m, mlo, mhi))) = (capacity, measured) {
            println!(
                "  {:<16} / {:<24} capacity {:.3} ({:.3}–{:.3})  measured {:.3} ({:.3}–{:.3})",
                a.name(),
                b.name(),
                c,
                clo,
                chi,
                m,
                mlo,
                mhi
            );
        }
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

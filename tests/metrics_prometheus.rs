//! The `metrics` example, run in-process: its server serves Prometheus text on `/metrics` next
//! to the webhook route, and the scrape after a genuine, a replayed and a forged delivery shows
//! each counted once, under the documented names — with the exporter's default naming and with
//! its recommended naming, which must give the same names.
#![cfg(feature = "metrics")]

#[path = "../examples/metrics.rs"]
#[allow(dead_code, unreachable_pub)]
mod example;

fn scrape(recommended_naming: bool) -> example::Scrape {
    let recorder = example::recorder(recommended_naming).unwrap();
    let prometheus = recorder.handle();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    // This thread's recorder only: the runtime is current-thread, so the server records here.
    metrics::with_local_recorder(&recorder, || rt.block_on(example::run(prometheus))).unwrap()
}

#[test]
fn the_example_scrape_counts_each_delivery_under_the_documented_names() {
    for recommended_naming in [false, true] {
        let scrape = scrape(recommended_naming);
        assert_eq!(
            example::missing(&scrape),
            Vec::<&str>::new(),
            "recommended naming {recommended_naming}:\n{}",
            scrape.text
        );
        // Every series is one of the documented names (plus the histogram suffixes), with its
        // help text and type.
        for line in scrape.text.lines().filter(|l| l.contains("webhook_guard_")) {
            let name = line
                .trim_start_matches("# HELP ")
                .trim_start_matches("# TYPE ")
                .split(['{', ' '])
                .next()
                .unwrap();
            let base = ["_bucket", "_sum", "_count"]
                .iter()
                .find_map(|s| name.strip_suffix(s))
                .filter(|b| webhook_guard::metrics::NAMES.contains(b))
                .unwrap_or(name);
            assert!(
                webhook_guard::metrics::NAMES.contains(&base),
                "undocumented name {name} in {line}"
            );
        }
        for name in [
            "webhook_guard_deliveries_total",
            "webhook_guard_rejections_total",
        ] {
            assert!(
                scrape.text.contains(&format!("# TYPE {name} counter")),
                "{name}: {}",
                scrape.text
            );
            assert!(scrape.text.contains(&format!("# HELP {name} ")));
        }
        assert!(
            scrape
                .text
                .contains("# TYPE webhook_guard_body_size_bytes histogram")
        );
        // The body-size buckets are the crate's, not the exporter's defaults (in seconds).
        assert!(
            scrape.text.contains(
                r#"webhook_guard_body_size_bytes_bucket{provider="standard-webhooks",endpoint="orders",le="256"} 3"#
            ),
            "{}",
            scrape.text
        );
        // Nothing from the requests is a label: not the delivery id, not the secret.
        assert!(!scrape.text.contains("msg_metrics_example"));
        assert!(!scrape.text.contains("whsec_"));
    }
}

//! What the IT office's dashboard reads: `GET /metrics` in Prometheus' text
//! format, served to loopback clients only (a local agent scrapes it; the
//! figures are the server's own, never a document's or a person's).
//! Requests and their latency by route, event sockets connected, pokes and
//! live events sent, group commits, ops accepted and refused by code, chunk
//! bytes served, change notifications heard.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Duration;

/// Upper bounds of the latency histogram's buckets, in seconds.
const BUCKETS: [f64; 10] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0, 5.0];

#[derive(Default, Debug)]
struct RouteStats {
    count: u64,
    sum_seconds: f64,
    /// Requests at or under each bucket's bound.
    buckets: [u64; BUCKETS.len()],
}

/// The server's counters, shared by every request of this instance.
#[derive(Default, Debug)]
pub struct Metrics {
    /// (method, route template, status class) → latency.
    requests: Mutex<BTreeMap<(String, String, &'static str), RouteStats>>,
    /// (code) → ops refused with it.
    refused: Mutex<BTreeMap<String, u64>>,
    pub ops_accepted: AtomicU64,
    pub sockets_open: AtomicU64,
    pub pokes_sent: AtomicU64,
    pub live_events_sent: AtomicU64,
    pub chunk_bytes_served: AtomicU64,
}

fn status_class(status: u16) -> &'static str {
    match status {
        100..=199 => "1xx",
        200..=299 => "2xx",
        300..=399 => "3xx",
        400..=499 => "4xx",
        _ => "5xx",
    }
}

impl Metrics {
    pub fn request(&self, method: &str, route: &str, status: u16, took: Duration) {
        let Ok(mut requests) = self.requests.lock() else {
            return;
        };
        let stats = requests
            .entry((method.to_owned(), route.to_owned(), status_class(status)))
            .or_default();
        let seconds = took.as_secs_f64();
        stats.count += 1;
        stats.sum_seconds += seconds;
        for (bound, count) in BUCKETS.iter().zip(stats.buckets.iter_mut()) {
            if seconds <= *bound {
                *count += 1;
            }
        }
    }

    pub fn op_refused(&self, code: &str) {
        if let Ok(mut refused) = self.refused.lock() {
            *refused.entry(code.to_owned()).or_default() += 1;
        }
    }

    /// The text a Prometheus scrape reads; `commits` and `notifications`
    /// are kept elsewhere and passed in.
    pub fn render(&self, commits: u64, notifications: u64) -> String {
        let mut out = String::new();
        let counter = |out: &mut String, name: &str, help: &str, value: u64| {
            let _ = writeln!(
                out,
                "# HELP {name} {help}\n# TYPE {name} counter\n{name} {value}"
            );
        };
        let _ = writeln!(
            out,
            "# HELP ecabinet_http_request_duration_seconds Requests by route, method and status class.\n\
             # TYPE ecabinet_http_request_duration_seconds histogram"
        );
        if let Ok(requests) = self.requests.lock() {
            for ((method, route, class), stats) in requests.iter() {
                let labels = format!("method=\"{method}\",route=\"{route}\",status=\"{class}\"");
                for (bound, count) in BUCKETS.iter().zip(stats.buckets.iter()) {
                    let _ = writeln!(
                        out,
                        "ecabinet_http_request_duration_seconds_bucket{{{labels},le=\"{bound}\"}} {count}"
                    );
                }
                let _ = writeln!(
                    out,
                    "ecabinet_http_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} {}\n\
                     ecabinet_http_request_duration_seconds_sum{{{labels}}} {}\n\
                     ecabinet_http_request_duration_seconds_count{{{labels}}} {}",
                    stats.count, stats.sum_seconds, stats.count
                );
            }
        }
        let _ = writeln!(
            out,
            "# HELP ecabinet_ops_refused_total Ops refused, by code.\n# TYPE ecabinet_ops_refused_total counter"
        );
        if let Ok(refused) = self.refused.lock() {
            for (code, count) in refused.iter() {
                let _ = writeln!(out, "ecabinet_ops_refused_total{{code=\"{code}\"}} {count}");
            }
        }
        counter(
            &mut out,
            "ecabinet_ops_accepted_total",
            "Ops accepted and stored.",
            self.ops_accepted.load(Ordering::Relaxed),
        );
        counter(
            &mut out,
            "ecabinet_group_commits_total",
            "Transactions of the op writer (group commit).",
            commits,
        );
        counter(
            &mut out,
            "ecabinet_pokes_sent_total",
            "Cursor pokes sent on event sockets.",
            self.pokes_sent.load(Ordering::Relaxed),
        );
        counter(
            &mut out,
            "ecabinet_live_events_sent_total",
            "Live session events sent on event sockets.",
            self.live_events_sent.load(Ordering::Relaxed),
        );
        counter(
            &mut out,
            "ecabinet_chunk_bytes_served_total",
            "Sealed document bytes served.",
            self.chunk_bytes_served.load(Ordering::Relaxed),
        );
        counter(
            &mut out,
            "ecabinet_change_notifications_total",
            "Change notifications heard from PostgreSQL.",
            notifications,
        );
        let _ = writeln!(
            out,
            "# HELP ecabinet_event_sockets Event sockets open now.\n# TYPE ecabinet_event_sockets gauge\necabinet_event_sockets {}",
            self.sockets_open.load(Ordering::Relaxed)
        );
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_requests_as_a_histogram_and_counters() {
        let metrics = Metrics::default();
        metrics.request("GET", "/v1/changes", 200, Duration::from_millis(3));
        metrics.request("GET", "/v1/changes", 200, Duration::from_millis(30));
        metrics.request("POST", "/v1/ops", 403, Duration::from_micros(500));
        metrics.op_refused("not_yours");
        metrics.ops_accepted.fetch_add(7, Ordering::Relaxed);
        let text = metrics.render(2, 0);
        assert!(text.contains(
            "ecabinet_http_request_duration_seconds_bucket{method=\"GET\",route=\"/v1/changes\",status=\"2xx\",le=\"0.005\"} 1"
        ), "{text}");
        assert!(text.contains(
            "ecabinet_http_request_duration_seconds_count{method=\"GET\",route=\"/v1/changes\",status=\"2xx\"} 2"
        ), "{text}");
        assert!(text.contains("status=\"4xx\""), "{text}");
        assert!(
            text.contains("ecabinet_ops_refused_total{code=\"not_yours\"} 1"),
            "{text}"
        );
        assert!(text.contains("ecabinet_ops_accepted_total 7"), "{text}");
        assert!(text.contains("ecabinet_group_commits_total 2"), "{text}");
    }
}

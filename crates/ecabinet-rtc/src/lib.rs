//! The room over WebRTC. A meeting's room has one hub (the chair's or the
//! secretariat's device: `ecab room host`, or the desktop app) and every
//! other device of the session connects to it (`ecab room join`), signalled
//! through the server's event socket. The signed live events of the
//! session's log travel both ways, through the server and through the hub;
//! devices keep each event once, checked link by link. When the server
//! cannot be reached, the hub orders the log itself (see `ecabinet-room`)
//! and hands its segment back when the server returns.
//!
//! All WebRTC lives here, in Rust: the desktop's webview only shows what
//! this crate reports.

pub mod hub;
mod local;
pub mod member;
pub mod note;
pub mod peer;
pub mod voice;

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use ecabinet_client::ClientError;
pub use note::RoomNote;
use thiserror::Error;

#[derive(Debug, Error)]
pub enum RtcError {
    #[error("WebRTC could not {what}: {detail}")]
    WebRtc { what: &'static str, detail: String },
    #[error("timed out {0}")]
    Timeout(&'static str),
    #[error("the peer connection closed")]
    Closed,
    #[error("signalling: {0}")]
    Signal(String),
    #[error("{0}")]
    Room(String),
    #[error(transparent)]
    Client(#[from] ClientError),
    #[error("the room's local link at {path}: {detail}")]
    Local { path: String, detail: String },
}

impl RtcError {
    fn webrtc(what: &'static str) -> impl FnOnce(webrtc::error::Error) -> RtcError {
        move |error| RtcError::WebRtc {
            what,
            detail: error.to_string(),
        }
    }
}

/// Where a device's room connections bind: loopback when the server is on
/// this machine (tests, a single-machine demo), else every LAN address.
pub fn default_bind(server_url: &str) -> SocketAddr {
    let loopback = url_host_is_loopback(server_url);
    let ip = if loopback {
        IpAddr::V4(Ipv4Addr::LOCALHOST)
    } else {
        IpAddr::V4(Ipv4Addr::UNSPECIFIED)
    };
    SocketAddr::new(ip, 0)
}

fn url_host_is_loopback(url: &str) -> bool {
    let Ok(url) = ecabinet_client::parse_server_url(url) else {
        return false;
    };
    match url.host_str() {
        Some("localhost") => true,
        Some(host) => host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<IpAddr>()
            .is_ok_and(|ip| ip.is_loopback()),
        None => false,
    }
}

/// Reads the server's event socket on a task of its own, passing each
/// message on as `wrap(message)`, then `down(why)` once the socket closes or
/// fails (the caller opens it again when it wants).
fn follow_event_socket<I: Send + 'static>(
    client: std::sync::Arc<ecabinet_client::Client>,
    inputs: tokio::sync::mpsc::UnboundedSender<I>,
    wrap: fn(ecabinet_client::SocketMessage) -> I,
    down: fn(String) -> I,
) {
    tokio::spawn(async move {
        let failure = match client.session_token().await {
            Ok(token) => {
                let mut socket = client.event_socket(&token);
                loop {
                    match socket.next().await {
                        Ok(Some(message)) => {
                            if inputs.send(wrap(message)).is_err() {
                                return;
                            }
                        }
                        Ok(None) => break "the server closed the event socket".to_owned(),
                        Err(error) => break error.to_string(),
                    }
                }
            }
            Err(error) => error.to_string(),
        };
        let _ = inputs.send(down(failure));
    });
}

/// A fresh identifier for one connection attempt.
fn new_link() -> u64 {
    uuid::Uuid::now_v7().as_u64_pair().1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rooms_bind_loopback_only_for_a_server_on_this_machine() {
        assert!(default_bind("http://127.0.0.1:8080/").ip().is_loopback());
        assert!(default_bind("http://localhost:8080").ip().is_loopback());
        assert!(default_bind("https://[::1]:8443").ip().is_loopback());
        assert!(default_bind("https://cabinet.gov.vn").ip().is_unspecified());
    }
}

//! A TCP relay in front of a server for one client: cutting it is that
//! client going offline (its open connections drop too).

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use anyhow::Result;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

/// A relay on a free loopback port forwarding to `upstream` (which may change, e.g. after a server restart).
pub struct Link {
    pub online: watch::Sender<bool>,
    pub port: u16,
}

pub async fn relay(upstream: Arc<Mutex<SocketAddr>>) -> Result<Link> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let port = listener.local_addr()?.port();
    let (online, watch) = watch::channel(true);
    tokio::spawn(async move {
        while let Ok((mut inbound, _)) = listener.accept().await {
            let mut watch = watch.clone();
            if !*watch.borrow_and_update() {
                continue; // offline: the connection is dropped at once
            }
            let Ok(target) = upstream.lock().map(|a| *a) else {
                continue;
            };
            tokio::spawn(async move {
                let Ok(mut outbound) = TcpStream::connect(target).await else {
                    return;
                };
                tokio::select! {
                    _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound) => {}
                    _ = async { while watch.changed().await.is_ok() { if !*watch.borrow() { break; } } } => {}
                }
            });
        }
    });
    Ok(Link { online, port })
}

impl Link {
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    pub fn set_online(&self, online: bool) {
        self.online.send_replace(online);
    }
}

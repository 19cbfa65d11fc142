//! The peer of the event-socket figures: a plain `tokio::sync::broadcast`
//! fan-out over axum WebSockets, with no orderer, no database and no
//! authentication, so what eCabinet adds is what the comparison shows.

use std::sync::Arc;

use anyhow::Result;
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::State;
use tokio::sync::broadcast;

/// Sends every message of `live` down `socket` until either end closes.
pub async fn forward(mut socket: WebSocket, mut live: broadcast::Receiver<Arc<str>>) {
    use broadcast::error::RecvError;
    loop {
        tokio::select! {
            event = live.recv() => match event {
                Ok(event) => {
                    if socket.send(Message::Text((*event).into())).await.is_err() {
                        break;
                    }
                }
                Err(RecvError::Lagged(_)) => {}
                Err(RecvError::Closed) => break,
            },
            incoming = socket.recv() => match incoming {
                None | Some(Err(_)) | Some(Ok(Message::Close(_))) => break,
                Some(Ok(_)) => {}
            },
        }
    }
}

/// `GET /events` on a loopback port; what [`BroadcastPeer::send`] sends
/// reaches every socket.
pub struct BroadcastPeer {
    pub addr: std::net::SocketAddr,
    live: broadcast::Sender<Arc<str>>,
    server: tokio::task::JoinHandle<()>,
}

async fn events(
    State(live): State<broadcast::Sender<Arc<str>>>,
    upgrade: WebSocketUpgrade,
) -> axum::response::Response {
    let receiver = live.subscribe();
    upgrade.on_upgrade(move |socket| forward(socket, receiver))
}

impl BroadcastPeer {
    pub async fn start() -> Result<Self> {
        let live = broadcast::channel(1_024).0;
        let app = axum::Router::new()
            .route("/events", axum::routing::get(events))
            .with_state(live.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let server = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Ok(Self { addr, live, server })
    }

    pub fn events_url(&self) -> String {
        format!("ws://{}/events", self.addr)
    }

    pub fn send(&self, text: &str) {
        let _ = self.live.send(Arc::from(text));
    }
}

impl Drop for BroadcastPeer {
    fn drop(&mut self) {
        self.server.abort();
    }
}

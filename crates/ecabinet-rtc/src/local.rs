//! The room process's local link: `ecab` commands of the same profile hand
//! it their signed events (when the server cannot order them) and ask how
//! the room stands. One JSON line each way per connection; the socket file
//! sits in the profile folder, which only its owner can open.

use std::path::{Path, PathBuf};

use ecabinet_client::room::{room_socket_path, LocalAnswer, LocalRequest};
use tokio::sync::{mpsc, oneshot};

use crate::RtcError;

/// A request from a command, and where its answer goes.
pub struct LocalCall {
    pub request: LocalRequest,
    pub reply: oneshot::Sender<LocalAnswer>,
}

/// Listens while it lives; removes its socket file when dropped.
pub struct LocalLink {
    path: PathBuf,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for LocalLink {
    fn drop(&mut self) {
        self.task.abort();
        let _ = std::fs::remove_file(&self.path);
    }
}

#[cfg(unix)]
pub async fn listen(
    profile_dir: &Path,
    calls: mpsc::Sender<LocalCall>,
) -> Result<LocalLink, RtcError> {
    use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
    let path = room_socket_path(profile_dir);
    let local = |detail: String| RtcError::Local {
        path: path.display().to_string(),
        detail,
    };
    if tokio::net::UnixStream::connect(&path).await.is_ok() {
        return Err(local(
            "a room process already runs for this profile; stop it first".into(),
        ));
    }
    // Left by a room process that crashed.
    let _ = std::fs::remove_file(&path);
    let listener = tokio::net::UnixListener::bind(&path).map_err(|e| local(e.to_string()))?;
    let task = tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                continue;
            };
            let calls = calls.clone();
            tokio::spawn(async move {
                let (reader, mut writer) = stream.into_split();
                let mut line = String::new();
                if BufReader::new(reader).read_line(&mut line).await.is_err() {
                    return;
                }
                let answer = match serde_json::from_str::<LocalRequest>(&line) {
                    Ok(request) => {
                        let (reply, answer) = oneshot::channel();
                        if calls.send(LocalCall { request, reply }).await.is_err() {
                            return;
                        }
                        match answer.await {
                            Ok(answer) => answer,
                            Err(_) => return,
                        }
                    }
                    Err(error) => LocalAnswer::Refused {
                        code: "bad_request".into(),
                        message: format!(
                            "the room process did not understand the request: {error}"
                        ),
                    },
                };
                if let Ok(mut text) = serde_json::to_string(&answer) {
                    text.push('\n');
                    let _ = writer.write_all(text.as_bytes()).await;
                }
            });
        }
    });
    Ok(LocalLink { path, task })
}

/// Off Unix the desktop app runs the room in its own process: no link.
#[cfg(not(unix))]
pub async fn listen(
    profile_dir: &Path,
    _calls: mpsc::Sender<LocalCall>,
) -> Result<LocalLink, RtcError> {
    Ok(LocalLink {
        path: room_socket_path(profile_dir),
        task: tokio::spawn(async {}),
    })
}

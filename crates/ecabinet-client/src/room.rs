//! The room on this device, without its transport: what the server says of
//! a meeting's room, a hub's check-ins, signalling, events that reach this
//! device through the room (checked link by link against the key that must
//! have ordered them), and the local link through which `ecab` commands
//! hand their signed events to this device's running room process when the
//! server cannot order them.

use std::path::{Path, PathBuf};

use ecabinet_crypto::{b64_decode, SigningKey};
use ecabinet_domain::session::room::{
    HubCheckIn, HubCheckInAnswer, HubReceipt, HubStatus, RoomInfo, RoomSignal, RoomSignalRequest,
};
use ecabinet_domain::session::rules::Orderer;
use ecabinet_domain::session::{OrderedLiveEvent, SignedLiveEvent, GENESIS_HASH};
use ecabinet_domain::voting::Ballot;
use ecabinet_domain::{DeviceId, MeetingId};
use serde::{Deserialize, Serialize};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

use crate::api::{ServerApi, SocketMessages};
use crate::error::{ClientError, ClientResult};
use crate::Client;

/// The local socket of this profile's running room process.
pub const ROOM_SOCKET_FILE: &str = "room.sock";

/// A request to this device's room process, one JSON line.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum LocalRequest {
    /// Order this event through the room (the hub, or this device if it is it).
    Submit { signed: SignedLiveEvent },
    /// Give this ballot to the room's hub (it takes ballots while it runs
    /// the session without the server).
    Ballot { ballot: Ballot },
    /// How the room stands.
    Status,
}

/// The room process's answer, one JSON line.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum LocalAnswer {
    Ordered {
        event: OrderedLiveEvent,
    },
    /// The hub took the ballot; its receipt, checked against the hub's key.
    BallotTaken {
        receipt: HubReceipt,
    },
    Refused {
        code: String,
        message: String,
    },
    Status(RoomStatus),
}

/// How this device's room stands (`ecab room status`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct RoomStatus {
    pub meeting: Option<MeetingId>,
    /// "hub" or "member".
    pub role: String,
    pub hub_device: Option<DeviceId>,
    /// This device's link to the hub is open (always for the hub itself).
    pub hub_connected: bool,
    pub server_reachable: bool,
    /// The epoch the hub orders under, while it does.
    pub epoch: Option<u32>,
    pub head: u32,
    /// Devices connected to the hub (for the hub: its peers).
    pub peers: Vec<RoomPeerStatus>,
    /// Milliseconds since the hub was last heard (members).
    pub hub_silent_millis: Option<u64>,
    /// What is wrong, if something is (a refused segment, a diverged log).
    pub problem: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct RoomPeerStatus {
    pub device: DeviceId,
    /// The last event of the log the peer said it holds.
    pub head: u32,
    /// Events it is behind the hub.
    pub lag: u32,
    pub silent_millis: u64,
    /// The device can reach the server too (both paths).
    pub server_reachable: bool,
}

impl From<&HubStatus> for RoomStatus {
    fn from(status: &HubStatus) -> Self {
        Self {
            epoch: status.epoch,
            server_reachable: status.server_reachable,
            head: status.head,
            ..Self::default()
        }
    }
}

impl Client {
    /// The facts and keys of a meeting's room, from the server.
    pub async fn room_info(&self, meeting: MeetingId) -> ClientResult<RoomInfo> {
        let token = self.token().await?;
        self.api.room_info(&token, meeting).await
    }

    /// Checks in as the meeting's hub, handing back `segment` (and the
    /// ballots its events name) if any.
    pub async fn hub_check_in(
        &self,
        meeting: MeetingId,
        segment: &[OrderedLiveEvent],
        ballots: &[Ballot],
    ) -> ClientResult<HubCheckInAnswer> {
        let token = self.token().await?;
        self.api
            .hub_check_in(
                &token,
                meeting,
                &HubCheckIn {
                    segment: segment.to_vec(),
                    ballots: ballots.to_vec(),
                },
            )
            .await
    }

    /// Offers this device's voice connection to the server's forwarding.
    pub async fn voice_join(
        &self,
        meeting: MeetingId,
        description: String,
    ) -> ClientResult<ecabinet_domain::session::room::VoiceJoined> {
        let token = self.token().await?;
        self.api
            .voice_join(
                &token,
                meeting,
                &ecabinet_domain::session::room::VoiceJoin { description },
            )
            .await
    }

    /// The meeting's room has no hub any more: the server orders alone.
    pub async fn release_hub(&self, meeting: MeetingId) -> ClientResult<()> {
        let token = self.token().await?;
        self.api.release_hub(&token, meeting).await
    }

    /// Sends an offer or an answer to another device of the room.
    pub async fn send_room_signal(
        &self,
        meeting: MeetingId,
        to: DeviceId,
        signal: RoomSignal,
    ) -> ClientResult<()> {
        let token = self.token().await?;
        self.api
            .room_signal(&token, meeting, &RoomSignalRequest { to, signal })
            .await
    }

    /// The server's event socket, message by message.
    pub fn event_socket<'a>(&'a self, token: &'a str) -> SocketMessages<'a> {
        self.api.socket_messages(token)
    }

    pub fn server_api(&self) -> &ServerApi {
        &self.api
    }

    /// This device's signing key: a hub countersigns the links it orders.
    pub fn device_signing_key(&self) -> &SigningKey {
        &self.keys.signing
    }

    /// Takes an event that came through the room: kept if it continues the
    /// log held here and is countersigned by the key that must have ordered
    /// it (the server's pinned key, or the hub's device key from `info`).
    /// Returns false if it was already held; an event further ahead makes
    /// the caller fetch what lies between (from the hub or the server).
    pub async fn take_room_event(
        &self,
        info: &RoomInfo,
        event: &OrderedLiveEvent,
    ) -> ClientResult<bool> {
        let meeting = event.event().meeting_id;
        let _turn = self.room_turn.lock().await;
        let state = self.folded_session(meeting).await?;
        if event.seq <= state.seq {
            return Ok(false);
        }
        let head_hash = match self
            .replica
            .session_events_since(meeting, state.seq.saturating_sub(1))
            .await?
            .last()
        {
            Some(last) => last.hash.0.clone(),
            None => GENESIS_HASH.to_vec(),
        };
        let key = match state.orderer_of(event.event()) {
            Orderer::Server => b64_decode(&self.profile.server_signing_key)
                .map_err(|e| ClientError::Protocol(format!("the pinned server key: {e}")))?,
            Orderer::Hub { device, .. } => {
                let found = info
                    .devices
                    .iter()
                    .find(|d| d.device == device)
                    .ok_or_else(|| {
                        ClientError::Protocol(format!(
                            "event {} is ordered by device {}, which is not in the room",
                            event.seq, device.0
                        ))
                    })?;
                b64_decode(&found.signing_key)
                    .map_err(|e| ClientError::Protocol(format!("a room device's key: {e}")))?
            }
        };
        ecabinet_room::chain::check_link(event, state.seq, &head_hash, Some(&key))
            .map_err(|e| ClientError::Protocol(format!("an event from the room: {e}")))?;
        self.replica
            .put_session_events(std::slice::from_ref(event))
            .await?;
        let mut folded = state;
        folded.apply(event);
        if let Ok(mut cache) = self.folded.lock() {
            cache.insert(meeting, folded);
        }
        Ok(true)
    }
}

/// Where this profile's room process listens.
pub fn room_socket_path(profile_dir: &Path) -> PathBuf {
    profile_dir.join(ROOM_SOCKET_FILE)
}

/// Asks this profile's running room process; `Ok(None)` if none runs.
#[cfg(unix)]
pub async fn ask_room_process(
    profile_dir: &Path,
    request: &LocalRequest,
) -> ClientResult<Option<LocalAnswer>> {
    let path = room_socket_path(profile_dir);
    let stream = match tokio::net::UnixStream::connect(&path).await {
        Ok(stream) => stream,
        Err(error)
            if matches!(
                error.kind(),
                std::io::ErrorKind::NotFound | std::io::ErrorKind::ConnectionRefused
            ) =>
        {
            return Ok(None)
        }
        Err(error) => return Err(ClientError::io(&path, error)),
    };
    let (reader, mut writer) = stream.into_split();
    let mut line =
        serde_json::to_string(request).map_err(|e| ClientError::Protocol(e.to_string()))?;
    line.push('\n');
    writer
        .write_all(line.as_bytes())
        .await
        .map_err(|e| ClientError::io(&path, e))?;
    let mut answer = String::new();
    let read = tokio::time::timeout(
        std::time::Duration::from_secs(10),
        BufReader::new(reader).read_line(&mut answer),
    )
    .await
    .map_err(|_| ClientError::Protocol("the room process did not answer within 10 s".into()))?
    .map_err(|e| ClientError::io(&path, e))?;
    if read == 0 {
        return Err(ClientError::Protocol(
            "the room process closed the link without answering".into(),
        ));
    }
    serde_json::from_str(&answer)
        .map(Some)
        .map_err(|e| ClientError::Protocol(format!("the room process's answer: {e}")))
}

/// No local room process off Unix (the desktop app runs the room in process).
#[cfg(not(unix))]
pub async fn ask_room_process(
    _profile_dir: &Path,
    _request: &LocalRequest,
) -> ClientResult<Option<LocalAnswer>> {
    Ok(None)
}

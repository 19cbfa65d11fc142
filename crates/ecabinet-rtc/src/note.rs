//! What a room process tells the person running it, as it happens.

use ecabinet_domain::DeviceId;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "note", rename_all = "snake_case")]
pub enum RoomNote {
    /// The hub runs (the log held up to `head`).
    Hosting {
        head: u32,
    },
    /// The member's link to the hub is open.
    HubConnected {
        hub: DeviceId,
        millis: u64,
    },
    /// The hub has not been heard for `silent_millis`.
    HubLost {
        silent_millis: u64,
    },
    PeerJoined {
        device: DeviceId,
    },
    PeerLost {
        device: DeviceId,
    },
    ServerLost {
        detail: String,
    },
    ServerBack,
    /// The hub orders the log now.
    TookOver {
        epoch: u32,
        after_seq: u32,
    },
    /// The hub handed its segment back and the server took it.
    HandedBack {
        epoch: u32,
        events: u32,
    },
    /// An event of the log reached this device (through the hub or the server).
    Event {
        seq: u32,
        kind: String,
        through_hub: bool,
    },
    Problem {
        detail: String,
    },
    /// This device's voice connection is up, through the server's
    /// forwarding or (the server gone) the room hub's.
    VoiceJoined {
        path: String,
        talking: bool,
        slots: u32,
        millis: u64,
    },
    /// The voice connection through `path` failed (it is made again).
    VoiceLost {
        path: String,
    },
    /// The voice connection closed: 20 ms frames sent and heard.
    VoiceLeft {
        sent: u64,
        heard: u64,
    },
}

impl std::fmt::Display for RoomNote {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RoomNote::Hosting { head } => {
                write!(f, "hosting the room (log held up to event {head})")
            }
            RoomNote::HubConnected { hub, millis } => {
                write!(f, "connected to the room's hub {} in {millis} ms", hub.0)
            }
            RoomNote::HubLost { silent_millis } => write!(
                f,
                "the room's hub has not been heard for {silent_millis} ms: reconnecting"
            ),
            RoomNote::PeerJoined { device } => write!(f, "device {} joined the room", device.0),
            RoomNote::PeerLost { device } => write!(f, "device {} left the room", device.0),
            RoomNote::ServerLost { detail } => {
                write!(f, "the server cannot be reached ({detail})")
            }
            RoomNote::ServerBack => f.write_str("the server answers again"),
            RoomNote::TookOver { epoch, after_seq } => write!(
                f,
                "the room runs without the server: this hub orders the session from event {} (epoch {epoch})",
                after_seq + 1
            ),
            RoomNote::HandedBack { epoch, events } => write!(
                f,
                "handed the room's {events} events (epoch {epoch}) back to the server, which orders again"
            ),
            RoomNote::Event {
                seq,
                kind,
                through_hub,
            } => write!(
                f,
                "event {seq} ({kind}) through the {}",
                if *through_hub { "hub" } else { "server" }
            ),
            RoomNote::Problem { detail } => write!(f, "problem: {detail}"),
            RoomNote::VoiceJoined {
                path,
                talking,
                slots,
                millis,
            } => write!(
                f,
                "voice connected through the {path} in {millis} ms ({}; up to {slots} voices at once)",
                if *talking { "talking and listening" } else { "listening" }
            ),
            RoomNote::VoiceLost { path } => {
                write!(f, "the voice through the {path} failed: connecting again")
            }
            RoomNote::VoiceLeft { sent, heard } => write!(
                f,
                "voice closed: {sent} frames sent, {heard} heard"
            ),
        }
    }
}

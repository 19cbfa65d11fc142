//! A member's voice in the room: the offer goes to the server over HTTP,
//! the media to its forwarding unit over WebRTC (see `ecabinet-voice`).

use std::net::SocketAddr;
use std::sync::Arc;

use ecabinet_client::Client;
use ecabinet_domain::MeetingId;
use ecabinet_voice::audio::{AudioSink, AudioSource};
use ecabinet_voice::link::{VoiceLink, VoiceOptions};
use ecabinet_voice::VoiceError;

/// What this device does with the room's voices.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AudioMode {
    None,
    Listen,
    Talk,
}

impl std::str::FromStr for AudioMode {
    type Err = String;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text {
            "none" => Ok(AudioMode::None),
            "listen" => Ok(AudioMode::Listen),
            "talk" => Ok(AudioMode::Talk),
            other => Err(format!("{other:?}: use none, listen or talk")),
        }
    }
}

/// Where this member's voice comes from: the microphone, or (tests,
/// recordings) a tone, a synthetic voice or a 16-bit mono 48 kHz WAV file.
pub fn open_source(spec: Option<&str>) -> Result<Box<dyn AudioSource>, VoiceError> {
    use ecabinet_voice::audio::{SyntheticVoice, Tone, WavSource};
    Ok(match spec {
        None | Some("microphone") => Box::new(ecabinet_voice::device::Microphone::open()?),
        Some("tone") => Box::new(Tone::new(440.0, 0.3)),
        Some("voice") => Box::new(SyntheticVoice::new(160.0)),
        Some(path) => Box::new(WavSource::open(std::path::Path::new(path), false)?),
    })
}

/// Where the room's voices go: the speakers, nowhere (`none`), or a WAV file.
pub fn open_sink(spec: Option<&str>) -> Result<Box<dyn AudioSink>, VoiceError> {
    use ecabinet_voice::audio::{Silence, WavSink};
    Ok(match spec {
        None | Some("speakers") => Box::new(ecabinet_voice::device::Speakers::open()?),
        Some("none") => Box::new(Silence),
        Some(path) => Box::new(WavSink::create(std::path::Path::new(path))?),
    })
}

/// Joins `meeting`'s voice through the server: `source` is what this
/// member says (None: listen only), `sink` where the voices go.
pub async fn join_voice(
    client: Arc<Client>,
    meeting: MeetingId,
    bind: SocketAddr,
    source: Option<Box<dyn AudioSource>>,
    sink: Box<dyn AudioSink>,
    trace: bool,
) -> Result<VoiceLink, VoiceError> {
    let info = client
        .room_info(meeting)
        .await
        .map_err(|e| VoiceError::Signal(e.to_string()))?;
    let slots = (info.voice_slots as usize).max(1);
    VoiceLink::connect(
        VoiceOptions {
            bind,
            source,
            sink,
            slots,
            trace,
            decode: true,
        },
        |offer| async move {
            client
                .voice_join(meeting, offer)
                .await
                .map(|joined| joined.description)
                .map_err(|e| VoiceError::Signal(e.to_string()))
        },
    )
    .await
}

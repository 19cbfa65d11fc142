//! Voice in the room. Members publish one Opus track each to the server's
//! selective forwarding unit ([`sfu::Sfu`]) and receive the voices the
//! session allows through a fixed number of audio slots ([`forward`]), so
//! nothing is renegotiated when the floor passes. [`link::VoiceLink`] is a
//! member's side: it encodes what its [`audio::AudioSource`] gives (a
//! microphone, a file, a tone) and decodes what it hears into an
//! [`audio::AudioSink`]. All media stays in Rust (WebKitGTK's WebRTC cannot
//! be relied on); the webview only shows the level and the microphone.

pub mod audio;
pub mod codec;
mod connection;
pub mod device;
pub mod forward;
pub mod link;
pub mod measure;
pub mod sfu;

pub use connection::lan_settings;

/// Opus at 48 kHz, mono, 20 ms frames.
pub const SAMPLE_RATE: u32 = 48_000;
pub const FRAME_SAMPLES: usize = 960;
pub const FRAME: std::time::Duration = std::time::Duration::from_millis(20);
/// Voices a listener can hear at once unless the server is told otherwise:
/// the member with the floor, the chair, and two the chair opened.
pub const DEFAULT_SLOTS: usize = 4;

#[derive(Debug, thiserror::Error)]
pub enum VoiceError {
    #[error("WebRTC could not {what}: {detail}")]
    WebRtc { what: &'static str, detail: String },
    #[error("the Opus codec: {0}")]
    Codec(String),
    #[error("sound device: {0}")]
    Device(String),
    #[error("{path}: {detail}")]
    File { path: String, detail: String },
    #[error("voice signalling: {0}")]
    Signal(String),
    #[error("timed out {0}")]
    Timeout(&'static str),
    #[error("the voice connection closed")]
    Closed,
}

impl VoiceError {
    pub(crate) fn webrtc<E: std::fmt::Display>(what: &'static str) -> impl FnOnce(E) -> Self {
        move |error| VoiceError::WebRtc {
            what,
            detail: error.to_string(),
        }
    }
}

//! A member's voice in the room. While the server answers, the offer goes
//! to it over HTTP and the media to its forwarding unit; when it cannot be
//! reached, to the room hub's own forwarding (the offer over the room's
//! control channel), for those in the room; back to the server when it
//! answers again. All media is Rust (`ecabinet-voice`).

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use ecabinet_client::Client;
use ecabinet_domain::MeetingId;
use ecabinet_voice::audio::{AudioSink, AudioSource, Silence};
use ecabinet_voice::link::{VoiceLink, VoiceOptions};
use ecabinet_voice::sfu::Sfu;
use ecabinet_voice::VoiceError;
use tokio::sync::{mpsc, oneshot, watch};

use crate::RoomNote;

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
    use ecabinet_voice::audio::WavSink;
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

/// A voice offer for the room hub, and where its answer goes.
pub struct VoiceRequest {
    pub offer: String,
    pub reply: oneshot::Sender<Result<String, String>>,
}

/// How this device reaches the room's own forwarding when the server's
/// cannot be reached.
#[derive(Clone)]
pub enum RoomVoice {
    /// A member: through its room process's link to the hub.
    Hub(mpsc::UnboundedSender<VoiceRequest>),
    /// The hub itself: its own forwarding.
    Local(Arc<Sfu>),
    /// No room runs on this device: the server's forwarding only.
    None,
}

/// The voice link in use now, for a status display.
#[derive(Clone)]
pub struct CurrentVoice {
    /// "server" or "hub".
    pub path: &'static str,
    pub slots: usize,
    pub stats: Arc<ecabinet_voice::link::LinkStats>,
}

/// Where [`run_voice`] tells which link it uses (None while it reconnects).
pub type VoiceNow = Arc<std::sync::Mutex<Option<CurrentVoice>>>;

/// What this device's voice should do, and how it reaches the room.
#[derive(Clone)]
pub struct VoicePlan {
    pub talk: bool,
    /// See [`open_source`] and [`open_sink`].
    pub source: Option<String>,
    pub sink: Option<String>,
    /// The room's own forwarding, for when the server is away.
    pub room: RoomVoice,
    /// Where the link in use is told.
    pub now: VoiceNow,
}

/// What a member says (if it talks) and where what it hears goes.
type Ends = (Option<Box<dyn AudioSource>>, Box<dyn AudioSink>);

/// How often a voice connection is looked at (failed? the server back?).
const WATCH_EVERY: Duration = Duration::from_millis(500);
/// Through the hub, how often the server is asked whether it is back.
const SERVER_BACK_EVERY: Duration = Duration::from_secs(5);
/// After neither path worked, the next try.
const RETRY_AFTER: Duration = Duration::from_secs(2);

/// Keeps this device in the meeting's voice until `stop` turns true:
/// through the server, else the room hub; reconnecting when a path fails,
/// and back to the server when it answers again.
pub async fn run_voice(
    client: Arc<Client>,
    meeting: MeetingId,
    bind: SocketAddr,
    plan: VoicePlan,
    notes: mpsc::UnboundedSender<RoomNote>,
    mut stop: watch::Receiver<bool>,
) {
    let (room, now) = (plan.room.clone(), plan.now.clone());
    let (mut sent, mut heard) = (0u64, 0u64);
    let mut told_deaf = false;
    'voice: while !*stop.borrow() {
        let open = |told_deaf: &mut bool| -> Result<Ends, VoiceError> {
            let source = if plan.talk {
                Some(open_source(plan.source.as_deref())?)
            } else {
                None
            };
            let sink = match open_sink(plan.sink.as_deref()) {
                Ok(sink) => sink,
                // Talking without speakers still makes sense (a room microphone).
                Err(error) if plan.talk && plan.sink.is_none() => {
                    if !*told_deaf {
                        *told_deaf = true;
                        let _ = notes.send(RoomNote::Problem {
                            detail: format!("this device will not hear the room: {error}"),
                        });
                    }
                    Box::new(Silence)
                }
                Err(error) => return Err(error),
            };
            Ok((source, sink))
        };
        let started = Instant::now();
        let (source, sink) = match open(&mut told_deaf) {
            Ok(opened) => opened,
            Err(error) => {
                let _ = notes.send(RoomNote::Problem {
                    detail: format!("no voice on this device: {error}"),
                });
                return;
            }
        };
        let mut joined = join_voice(client.clone(), meeting, bind, source, sink, false)
            .await
            .map(|link| (link, "server"));
        if joined.is_err() {
            let (source, sink) = match open(&mut told_deaf) {
                Ok(opened) => opened,
                Err(_) => continue,
            };
            joined = join_through_room(&client, meeting, bind, source, sink, &room)
                .await
                .map(|link| (link, "hub"));
        }
        let (link, path) = match joined {
            Ok(joined) => joined,
            Err(error) => {
                tracing::debug!(%error, "no voice path yet");
                tokio::select! {
                    _ = stop.changed() => break 'voice,
                    _ = tokio::time::sleep(RETRY_AFTER) => continue 'voice,
                }
            }
        };
        if let Ok(mut current) = now.lock() {
            *current = Some(CurrentVoice {
                path,
                slots: link.slots(),
                stats: link.stats().clone(),
            });
        }
        let _ = notes.send(RoomNote::VoiceJoined {
            path: path.to_owned(),
            talking: plan.talk,
            slots: link.slots() as u32,
            millis: started.elapsed().as_millis() as u64,
        });
        let mut asked_server = Instant::now();
        let stopping = loop {
            tokio::select! {
                _ = stop.changed() => break true,
                _ = tokio::time::sleep(WATCH_EVERY) => {}
            }
            if !link.connected() {
                let _ = notes.send(RoomNote::VoiceLost {
                    path: path.to_owned(),
                });
                break false;
            }
            // Through the hub only while the server is away: remote members
            // are on the server's forwarding.
            if path == "hub" && asked_server.elapsed() > SERVER_BACK_EVERY {
                asked_server = Instant::now();
                if client.room_info(meeting).await.is_ok() {
                    break false;
                }
            }
        };
        if let Ok(mut current) = now.lock() {
            *current = None;
        }
        let stats = link.stats().clone();
        link.close().await;
        sent += stats.sent.load(std::sync::atomic::Ordering::Relaxed);
        heard += stats.received.load(std::sync::atomic::Ordering::Relaxed);
        if stopping {
            break;
        }
    }
    let _ = notes.send(RoomNote::VoiceLeft { sent, heard });
}

/// Joins the room hub's forwarding (the server cannot be reached).
async fn join_through_room(
    client: &Arc<Client>,
    meeting: MeetingId,
    bind: SocketAddr,
    source: Option<Box<dyn AudioSource>>,
    sink: Box<dyn AudioSink>,
    room: &RoomVoice,
) -> Result<VoiceLink, VoiceError> {
    let (device, person) = (client.profile().device_id, client.profile().person.id);
    let room = room.clone();
    VoiceLink::connect(
        VoiceOptions {
            bind,
            source,
            sink,
            slots: ecabinet_voice::DEFAULT_SLOTS,
            trace: false,
            decode: true,
        },
        |offer| async move {
            match room {
                RoomVoice::Local(sfu) => sfu
                    .join(meeting.0, device.0, person.0, &offer)
                    .await
                    .map_err(|e| VoiceError::Signal(e.to_string())),
                RoomVoice::None => Err(VoiceError::Signal(
                    "no room runs on this device to carry the voice without the server".into(),
                )),
                RoomVoice::Hub(requests) => {
                    let (reply, answer) = oneshot::channel();
                    requests
                        .send(VoiceRequest { offer, reply })
                        .map_err(|_| VoiceError::Signal("the room process stopped".into()))?;
                    tokio::time::timeout(Duration::from_secs(10), answer)
                        .await
                        .map_err(|_| VoiceError::Timeout("waiting for the hub's voice answer"))?
                        .map_err(|_| VoiceError::Signal("the room process stopped".into()))?
                        .map_err(VoiceError::Signal)
                }
            }
        },
    )
    .await
}

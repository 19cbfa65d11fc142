//! The meeting's room in the desktop app: the same room process as
//! `ecab room host|join`, run inside the app (all WebRTC in Rust; the
//! webview only shows its status). One room at a time.

use std::sync::Arc;

use ecabinet_client::room::{ask_room_process, LocalAnswer, LocalRequest, RoomStatus};
use ecabinet_client::{Engine, UiError};
use ecabinet_domain::MeetingId;
use ecabinet_rtc::hub::HubOptions;
use ecabinet_rtc::member::MemberOptions;
use tauri::State;
use tauri_specta::Event;

/// The room this app runs, if any, and how to stop it.
#[derive(Default)]
pub struct RoomRunner {
    running: tokio::sync::Mutex<Option<Running>>,
}

struct Running {
    meeting: MeetingId,
    stop: tokio::sync::oneshot::Sender<()>,
    task: tauri::async_runtime::JoinHandle<()>,
    /// How this app's voice reaches the room's own forwarding.
    voice: ecabinet_rtc::voice::RoomVoice,
}

impl RoomRunner {
    async fn stop(&self) {
        if let Some(running) = self.running.lock().await.take() {
            let _ = running.stop.send(());
            let _ = running.task.await;
        }
    }
}

/// Takes part in the meeting's room (as its hub: the chair or the
/// secretariat), in place of any room this app already ran.
#[tauri::command]
#[specta::specta]
pub async fn join_room(
    engine: State<'_, Arc<Engine>>,
    runner: State<'_, Arc<RoomRunner>>,
    app: tauri::AppHandle,
    meeting_id: MeetingId,
    host: bool,
) -> Result<(), UiError> {
    let client = engine.client().await?;
    runner.stop().await;
    let bind = ecabinet_rtc::default_bind(&client.profile().server_url);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    // The room's own voice forwarding: the hub's, or the way to it.
    let sfu = Arc::new(ecabinet_voice::sfu::Sfu::new(
        bind.ip(),
        ecabinet_voice::DEFAULT_SLOTS,
    ));
    let (requests, offers) = tokio::sync::mpsc::unbounded_channel();
    let voice = if host {
        ecabinet_rtc::voice::RoomVoice::Local(sfu.clone())
    } else {
        ecabinet_rtc::voice::RoomVoice::Hub(requests)
    };
    let (notes, mut heard) = tokio::sync::mpsc::unbounded_channel();
    let task = tauri::async_runtime::spawn(async move {
        let stopped = async move {
            let _ = stopped.await;
        };
        // An event through the room moves the session view as one from the
        // server's socket does (which, without the server, nothing else would).
        let viewer = client.clone();
        tokio::spawn(async move {
            while let Some(note) = heard.recv().await {
                tracing::info!(%note, "room");
                if let ecabinet_rtc::RoomNote::Event { .. } = note {
                    match viewer.session_view(meeting_id).await {
                        Ok(view) => {
                            let _ = crate::session::SessionChanged(view).emit(&app);
                        }
                        Err(error) => tracing::warn!(%error, "the session view after a room event"),
                    }
                }
            }
        });
        let result = if host {
            let options = HubOptions { bind, voice: sfu };
            ecabinet_rtc::hub::host(client, meeting_id, options, notes, stopped).await
        } else {
            let options = MemberOptions {
                bind,
                voice: Some(offers),
            };
            ecabinet_rtc::member::join(client, meeting_id, options, notes, stopped).await
        };
        if let Err(error) = result {
            tracing::warn!(%error, "the room stopped");
        }
    });
    *runner.running.lock().await = Some(Running {
        meeting: meeting_id,
        stop,
        task,
        voice,
    });
    Ok(())
}

/// Leaves the room this app runs.
#[tauri::command]
#[specta::specta]
pub async fn leave_room(runner: State<'_, Arc<RoomRunner>>) -> Result<(), UiError> {
    runner.stop().await;
    Ok(())
}

/// How the room of `meeting_id` stands here (null: this app runs none).
#[tauri::command]
#[specta::specta]
pub async fn room_status(
    engine: State<'_, Arc<Engine>>,
    runner: State<'_, Arc<RoomRunner>>,
    meeting_id: MeetingId,
) -> Result<Option<RoomStatus>, UiError> {
    let running = runner
        .running
        .lock()
        .await
        .as_ref()
        .is_some_and(|r| r.meeting == meeting_id && !r.task.inner().is_finished());
    if !running {
        return Ok(None);
    }
    let client = engine.client().await?;
    match ask_room_process(client.profile_dir(), &LocalRequest::Status).await? {
        Some(LocalAnswer::Status(status)) if status.meeting == Some(meeting_id) => Ok(Some(status)),
        _ => Ok(None),
    }
}

/// The room's voice on this device, if joined.
#[derive(Default)]
pub struct VoiceRunner {
    running: tokio::sync::Mutex<Option<Voice>>,
}

struct Voice {
    meeting: MeetingId,
    talking: bool,
    /// The speakers could not be opened: this device hears nothing.
    deaf: Option<String>,
    now: ecabinet_rtc::voice::VoiceNow,
    stop: tokio::sync::watch::Sender<bool>,
    task: tauri::async_runtime::JoinHandle<()>,
}

impl Voice {
    async fn stop(self) {
        let _ = self.stop.send(true);
        let _ = self.task.await;
    }
}

/// How this device's voice stands.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize, specta::Type)]
pub struct VoiceState {
    pub meeting_id: MeetingId,
    /// This device sends its microphone (heard when the session lets it).
    pub talking: bool,
    /// Through "server" or (the server away) "hub"; null while it connects.
    pub path: Option<String>,
    /// Voices this device can hear at once.
    pub slots: u32,
    /// The loudness of each voice heard, in dB below full scale (−96: silence).
    pub levels: Vec<f64>,
    /// 20 ms frames sent and heard on the current connection.
    pub sent: f64,
    pub heard: f64,
    /// Why this device hears nothing, if it cannot (no speakers).
    pub speakers_problem: Option<String>,
}

fn voice_error(error: ecabinet_voice::VoiceError) -> UiError {
    let code = match &error {
        ecabinet_voice::VoiceError::Device(_) => "no_sound_device",
        _ => "voice_failed",
    };
    UiError {
        code: code.into(),
        message: error.to_string(),
    }
}

fn voice_state(voice: &Voice) -> VoiceState {
    let current = voice.now.lock().ok().and_then(|c| c.clone());
    let count =
        |n: &std::sync::atomic::AtomicU64| n.load(std::sync::atomic::Ordering::Relaxed) as f64;
    VoiceState {
        meeting_id: voice.meeting,
        talking: voice.talking,
        path: current.as_ref().map(|c| c.path.to_owned()),
        slots: current.as_ref().map_or(0, |c| c.slots as u32),
        levels: current
            .as_ref()
            .and_then(|c| c.stats.levels.lock().ok().map(|l| l.clone()))
            .unwrap_or_default(),
        sent: current.as_ref().map_or(0.0, |c| count(&c.stats.sent)),
        heard: current.as_ref().map_or(0.0, |c| count(&c.stats.received)),
        speakers_problem: voice.deaf.clone(),
    }
}

/// Joins the meeting's voice: listening, and talking (the microphone) when
/// `talk`; through the server, or the room's hub when the server is away
/// and this app runs the room; in place of any voice this app had.
#[tauri::command]
#[specta::specta]
pub async fn start_voice(
    engine: State<'_, Arc<Engine>>,
    rooms: State<'_, Arc<RoomRunner>>,
    voices: State<'_, Arc<VoiceRunner>>,
    meeting_id: MeetingId,
    talk: bool,
) -> Result<VoiceState, UiError> {
    let client = engine.client().await?;
    let mut running = voices.running.lock().await;
    if let Some(old) = running.take() {
        old.stop().await;
    }
    // The devices are tried here so that a missing microphone is said at once.
    if talk {
        drop(ecabinet_rtc::voice::open_source(None).map_err(voice_error)?);
    }
    let deaf = match ecabinet_rtc::voice::open_sink(None) {
        Ok(_) => None,
        // Talking without speakers still makes sense (a room microphone).
        Err(error) if talk => Some(error.to_string()),
        Err(error) => return Err(voice_error(error)),
    };
    let room = rooms
        .running
        .lock()
        .await
        .as_ref()
        .filter(|r| r.meeting == meeting_id)
        .map_or(ecabinet_rtc::voice::RoomVoice::None, |r| r.voice.clone());
    let now = ecabinet_rtc::voice::VoiceNow::default();
    let plan = ecabinet_rtc::voice::VoicePlan {
        talk,
        source: None,
        sink: deaf.as_ref().map(|_| "none".to_owned()),
        room,
        now: now.clone(),
    };
    let bind = ecabinet_rtc::default_bind(&client.profile().server_url);
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let (notes, mut heard) = tokio::sync::mpsc::unbounded_channel();
    tauri::async_runtime::spawn(async move {
        while let Some(note) = heard.recv().await {
            tracing::info!(%note, "voice");
        }
    });
    let task = tauri::async_runtime::spawn(ecabinet_rtc::voice::run_voice(
        client, meeting_id, bind, plan, notes, stopped,
    ));
    let voice = Voice {
        meeting: meeting_id,
        talking: talk,
        deaf,
        now,
        stop,
        task,
    };
    let state = voice_state(&voice);
    *running = Some(voice);
    Ok(state)
}

/// Leaves the meeting's voice.
#[tauri::command]
#[specta::specta]
pub async fn stop_voice(voices: State<'_, Arc<VoiceRunner>>) -> Result<(), UiError> {
    if let Some(voice) = voices.running.lock().await.take() {
        voice.stop().await;
    }
    Ok(())
}

/// How this device's voice stands for `meeting_id` (null: not joined).
#[tauri::command]
#[specta::specta]
pub async fn voice_status(
    voices: State<'_, Arc<VoiceRunner>>,
    meeting_id: MeetingId,
) -> Result<Option<VoiceState>, UiError> {
    Ok(voices
        .running
        .lock()
        .await
        .as_ref()
        .filter(|v| v.meeting == meeting_id)
        .map(voice_state))
}

/// Opens or closes a member's microphone (the chair, the secretariat).
#[tauri::command]
#[specta::specta]
pub async fn set_microphone(
    engine: State<'_, Arc<Engine>>,
    meeting_id: MeetingId,
    person_id: ecabinet_domain::PersonId,
    open: bool,
) -> Result<(), UiError> {
    engine
        .client()
        .await?
        .set_microphone(meeting_id, person_id, open)
        .await?;
    Ok(())
}

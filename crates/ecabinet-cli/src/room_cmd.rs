//! `ecab room …`: the meeting's room over WebRTC, headless.

use std::net::SocketAddr;
use std::sync::Arc;

use chrono::Utc;
use clap::Subcommand;
use ecabinet_client::room::{ask_room_process, LocalAnswer, LocalRequest, RoomStatus};
use ecabinet_client::{Client, ClientError};
use ecabinet_rtc::hub::HubOptions;
use ecabinet_rtc::member::MemberOptions;
use ecabinet_rtc::voice::{self, AudioMode};
use ecabinet_rtc::{default_bind, RoomNote, RtcError};
use serde_json::json;

use crate::output::Printer;

#[derive(Subcommand)]
pub enum RoomCommand {
    /// Run the meeting's room hub on this device (the chair or the
    /// secretariat) until stopped: the room goes on if the server drops.
    Host {
        meeting: String,
        /// The address the room's connections use (default: every LAN
        /// address, or loopback when the server is on this machine).
        #[arg(long)]
        bind: Option<SocketAddr>,
        #[command(flatten)]
        audio: AudioArgs,
    },
    /// Take part in the meeting's room until stopped: events reach this
    /// device through the hub as well as the server, and `ecab` commands
    /// go through the hub when the server cannot be reached.
    Join {
        meeting: String,
        #[arg(long)]
        bind: Option<SocketAddr>,
        #[command(flatten)]
        audio: AudioArgs,
    },
    /// How the room stands: from this device's room process if one runs,
    /// else what the server knows.
    Status { meeting: String },
    /// The room has no hub any more and the server orders alone (to name
    /// another hub after one failed; run `room host` on the new one).
    Release { meeting: String },
}

/// The room's voices on this device.
#[derive(clap::Args, Clone, Debug)]
pub struct AudioArgs {
    /// none, listen (hear the room) or talk (also be heard when the
    /// session gives this member the floor or the chair opens the microphone).
    #[arg(long, default_value = "none", value_parser = parse_audio)]
    audio: AudioMode,
    /// What this member says: the microphone (default), `tone`, `voice`
    /// (a synthetic voice) or a 16-bit mono 48 kHz WAV file.
    #[arg(long)]
    audio_source: Option<String>,
    /// Where the room's voices go: the speakers (default), `none`, or a WAV file.
    #[arg(long)]
    audio_sink: Option<String>,
}

fn parse_audio(text: &str) -> Result<AudioMode, String> {
    text.parse()
}

/// Runs this device's voice alongside its room process, if asked; it
/// stops when `stop` turns true.
fn spawn_voice(
    client: Arc<Client>,
    meeting: ecabinet_domain::MeetingId,
    audio: &AudioArgs,
    bind: SocketAddr,
    room: voice::RoomVoice,
    notes: &tokio::sync::mpsc::UnboundedSender<RoomNote>,
) -> Option<(
    tokio::sync::watch::Sender<bool>,
    tokio::task::JoinHandle<()>,
)> {
    if audio.audio == AudioMode::None {
        return None;
    }
    let plan = voice::VoicePlan {
        talk: audio.audio == AudioMode::Talk,
        source: audio.audio_source.clone(),
        sink: audio.audio_sink.clone(),
        room,
        now: Default::default(),
    };
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let task = tokio::spawn(voice::run_voice(
        client,
        meeting,
        bind,
        plan,
        notes.clone(),
        stopped,
    ));
    Some((stop, task))
}

async fn stop_voice(
    voice: Option<(
        tokio::sync::watch::Sender<bool>,
        tokio::task::JoinHandle<()>,
    )>,
) {
    if let Some((stop, task)) = voice {
        let _ = stop.send(true);
        let _ = task.await;
    }
}

pub async fn room(client: Client, out: &Printer, command: RoomCommand) -> Result<(), ClientError> {
    match command {
        RoomCommand::Host {
            meeting,
            bind,
            audio,
        } => {
            let meeting = client.resolve_meeting(&meeting).await?;
            let bind = bind.unwrap_or_else(|| default_bind(&client.profile().server_url));
            run(client, out, |client, notes, stop| async move {
                let sfu = Arc::new(ecabinet_voice::sfu::Sfu::new(
                    bind.ip(),
                    ecabinet_voice::DEFAULT_SLOTS,
                ));
                let room = voice::RoomVoice::Local(sfu.clone());
                let voice = spawn_voice(client.clone(), meeting, &audio, bind, room, &notes);
                let options = HubOptions { bind, voice: sfu };
                let result =
                    ecabinet_rtc::hub::host(client, meeting, options, notes.clone(), stop).await;
                stop_voice(voice).await;
                result
            })
            .await
        }
        RoomCommand::Join {
            meeting,
            bind,
            audio,
        } => {
            let meeting = client.resolve_meeting(&meeting).await?;
            let bind = bind.unwrap_or_else(|| default_bind(&client.profile().server_url));
            run(client, out, |client, notes, stop| async move {
                let (requests, offers) = tokio::sync::mpsc::unbounded_channel();
                let room = voice::RoomVoice::Hub(requests);
                let voice = spawn_voice(client.clone(), meeting, &audio, bind, room, &notes);
                let options = MemberOptions {
                    bind,
                    voice: voice.is_some().then_some(offers),
                };
                let result =
                    ecabinet_rtc::member::join(client, meeting, options, notes.clone(), stop).await;
                stop_voice(voice).await;
                result
            })
            .await
        }
        RoomCommand::Status { meeting } => {
            let meeting = client.resolve_meeting(&meeting).await?;
            match ask_room_process(client.profile_dir(), &LocalRequest::Status).await? {
                Some(LocalAnswer::Status(status)) if status.meeting == Some(meeting) => {
                    print_status(out, &status);
                }
                _ => {
                    let info = client.room_info(meeting).await?;
                    if out.json_enabled() {
                        out.print_json(
                            &json!({ "meeting": meeting, "hub": info.hub, "room_process": false }),
                        );
                    } else {
                        match info.hub {
                            Some(hub) if hub.lease_left_millis > 0 => println!(
                                "hub: device {} (checked in {} ms ago); no room process runs on this device",
                                hub.device.0,
                                ecabinet_domain::session::room::HUB_LEASE_MILLIS - hub.lease_left_millis
                            ),
                            Some(hub) => println!(
                                "hub: device {}, silent: it may be running the session without the server; no room process runs on this device",
                                hub.device.0
                            ),
                            None => println!("no hub: the server runs the session alone"),
                        }
                    }
                }
            }
            Ok(())
        }
        RoomCommand::Release { meeting } => {
            let meeting = client.resolve_meeting(&meeting).await?;
            client.release_hub(meeting).await?;
            out.note("the room has no hub now: the server runs the session alone");
            Ok(())
        }
    }
}

fn print_status(out: &Printer, status: &RoomStatus) {
    if out.json_enabled() {
        out.print_json(status);
        return;
    }
    let paths = match (status.hub_connected, status.server_reachable) {
        (true, true) => "server and hub",
        (true, false) => "room only: server unreachable",
        (false, true) => "server only: the hub is not connected",
        (false, false) => "none: neither the server nor the hub",
    };
    println!("role: {}", status.role);
    if let Some(hub) = status.hub_device {
        println!("hub: device {}", hub.0);
    }
    println!("paths: {paths}");
    match status.epoch {
        Some(epoch) => println!("orderer: the hub (epoch {epoch})"),
        None => println!("orderer: the server"),
    }
    println!("log: {} events", status.head);
    if let Some(silent) = status.hub_silent_millis {
        println!("hub last heard: {silent} ms ago");
    }
    for peer in &status.peers {
        println!(
            "peer {}: {} behind, heard {} ms ago, path {}",
            peer.device.0,
            peer.lag,
            peer.silent_millis,
            if peer.server_reachable {
                "server and hub"
            } else {
                "hub only"
            }
        );
    }
    if let Some(problem) = &status.problem {
        println!("problem: {problem}");
    }
}

/// Runs a room process until Ctrl-C or SIGTERM, printing what happens.
async fn run<F, Fut>(client: Client, out: &Printer, start: F) -> Result<(), ClientError>
where
    F: FnOnce(
        Arc<Client>,
        tokio::sync::mpsc::UnboundedSender<RoomNote>,
        std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>>,
    ) -> Fut,
    Fut: std::future::Future<Output = Result<(), RtcError>>,
{
    let (notes, mut received) = tokio::sync::mpsc::unbounded_channel();
    let json = out.json_enabled();
    let printer = tokio::spawn(async move {
        while let Some(note) = received.recv().await {
            let at = Utc::now();
            if json {
                let mut line = serde_json::to_value(&note).unwrap_or_default();
                line["at"] = json!(at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true));
                println!("{line}");
            } else {
                println!("{} {note}", at.format("%H:%M:%S%.3f"));
            }
        }
    });
    let result = start(Arc::new(client), notes, Box::pin(stopped())).await;
    let _ = printer.await;
    result.map_err(|error| match error {
        RtcError::Client(error) => error,
        other => ClientError::Room(other.to_string()),
    })
}

/// Ctrl-C, or SIGTERM from a service manager or a test.
async fn stopped() {
    #[cfg(unix)]
    {
        let mut terminate =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(signal) => signal,
                Err(_) => {
                    let _ = tokio::signal::ctrl_c().await;
                    return;
                }
            };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = terminate.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

//! A member's voice connection to the server's SFU: it publishes what its
//! source gives (encoded every 20 ms) if it talks, and decodes each slot it
//! receives into its sink, keeping the level of each.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use rtc::media::Sample;
use rtc::rtp_transceiver::rtp_sender::RtpCodecKind;
use tokio::sync::watch;
use webrtc::media_stream::track_local::static_sample::TrackLocalStaticSample;
use webrtc::media_stream::track_local::TrackLocal;
use webrtc::media_stream::track_remote::{TrackRemote, TrackRemoteEvent};
use webrtc::peer_connection::{
    PeerConnection, PeerConnectionEventHandler, RTCIceGatheringState, RTCPeerConnectionState,
};

use crate::audio::{level_dbfs, AudioSink, AudioSource, Frame};
use crate::codec::{VoiceDecoder, VoiceEncoder};
use crate::connection::{described, description_from_json, open, opus_track};
use crate::{VoiceError, FRAME, FRAME_SAMPLES};

/// How a link stands: packets each way and each slot's last level.
#[derive(Default)]
pub struct LinkStats {
    pub sent: AtomicU64,
    pub received: AtomicU64,
    /// dBFS of the last frame heard on each slot.
    pub levels: Mutex<Vec<f64>>,
    /// With tracing on: when each payload left (its hash), and when each
    /// payload heard was decoded, for mouth-to-ear measurements.
    pub trace: Option<Mutex<Trace>>,
}

#[derive(Default)]
pub struct Trace {
    /// Payload key → (the frame's number from the source's start, when it was captured).
    pub sent: HashMap<u64, (u64, Instant)>,
    /// Payload key, when it was decoded, the samples.
    pub heard: Vec<(u64, Instant, Vec<i16>)>,
}

/// What identifies a payload across the SFU (which forwards it unchanged).
pub fn payload_key(payload: &[u8]) -> u64 {
    // FNV-1a: enough to tell 20 ms Opus frames apart in a measurement.
    payload.iter().fold(0xcbf2_9ce4_8422_2325u64, |hash, byte| {
        (hash ^ u64::from(*byte)).wrapping_mul(0x0100_0000_01b3)
    })
}

pub struct VoiceOptions {
    pub bind: SocketAddr,
    /// What this member says; none to listen only.
    pub source: Option<Box<dyn AudioSource>>,
    pub sink: Box<dyn AudioSink>,
    /// The slots the server gives (it tells with its answer).
    pub slots: usize,
    /// Keep payload times for a mouth-to-ear measurement.
    pub trace: bool,
    /// Decode what is heard (false: count packets only; load generators).
    pub decode: bool,
}

struct LinkHandler {
    gathered: watch::Sender<bool>,
    state: watch::Sender<RTCPeerConnectionState>,
    sink: Arc<Mutex<Box<dyn AudioSink>>>,
    stats: Arc<LinkStats>,
    next_slot: AtomicUsize,
    decode: bool,
}

#[async_trait::async_trait]
impl PeerConnectionEventHandler for LinkHandler {
    async fn on_ice_gathering_state_change(&self, state: RTCIceGatheringState) {
        if state == RTCIceGatheringState::Complete {
            let _ = self.gathered.send(true);
        }
    }

    async fn on_connection_state_change(&self, state: RTCPeerConnectionState) {
        let _ = self.state.send(state);
    }

    async fn on_track(&self, track: Arc<dyn TrackRemote>) {
        let slot = self.next_slot.fetch_add(1, Ordering::Relaxed);
        let (sink, stats, decode) = (self.sink.clone(), self.stats.clone(), self.decode);
        tokio::spawn(async move {
            let mut decoder = match VoiceDecoder::new() {
                Ok(decoder) => decoder,
                Err(error) => {
                    tracing::warn!(%error, "no decoder for a voice slot");
                    return;
                }
            };
            while let Some(event) = track.poll().await {
                let TrackRemoteEvent::OnRtpPacket(packet) = event else {
                    continue;
                };
                if packet.payload.is_empty() {
                    continue;
                }
                if !decode {
                    stats.received.fetch_add(1, Ordering::Relaxed);
                    if let Some(trace) = &stats.trace {
                        if let Ok(mut trace) = trace.lock() {
                            let key = payload_key(&packet.payload);
                            trace.heard.push((key, Instant::now(), Vec::new()));
                        }
                    }
                    continue;
                }
                let Ok(samples) = decoder.decode(&packet.payload) else {
                    continue;
                };
                let heard = Instant::now();
                stats.received.fetch_add(1, Ordering::Relaxed);
                if let Some(trace) = &stats.trace {
                    if let Ok(mut trace) = trace.lock() {
                        trace
                            .heard
                            .push((payload_key(&packet.payload), heard, samples.clone()));
                    }
                }
                if let Ok(mut levels) = stats.levels.lock() {
                    if levels.len() <= slot {
                        levels.resize(slot + 1, -96.0);
                    }
                    levels[slot] = level_dbfs(&samples);
                }
                if let Ok(mut sink) = sink.lock() {
                    sink.frame(slot, &samples);
                }
            }
        });
    }
}

/// A member's live voice connection; closed when dropped or closed.
pub struct VoiceLink {
    connection: Arc<dyn PeerConnection>,
    state: watch::Receiver<RTCPeerConnectionState>,
    slots: usize,
    stats: Arc<LinkStats>,
    sender: Option<tokio::task::JoinHandle<()>>,
    pub sink: Arc<Mutex<Box<dyn AudioSink>>>,
}

/// How long connecting may take (loopback: a fraction of a second).
const CONNECT_LIMIT: Duration = Duration::from_secs(10);

impl VoiceLink {
    /// Offers a connection, has `signal` carry the offer to the server and
    /// bring its answer, and waits until media flows.
    pub async fn connect<F, Fut>(options: VoiceOptions, signal: F) -> Result<Self, VoiceError>
    where
        F: FnOnce(String) -> Fut,
        Fut: std::future::Future<Output = Result<String, VoiceError>>,
    {
        let (gathered_tx, mut gathered) = watch::channel(false);
        let (state_tx, mut state) = watch::channel(RTCPeerConnectionState::New);
        let stats = Arc::new(LinkStats {
            trace: options.trace.then(|| Mutex::new(Trace::default())),
            ..LinkStats::default()
        });
        let sink = Arc::new(Mutex::new(options.sink));
        let handler = Arc::new(LinkHandler {
            gathered: gathered_tx,
            state: state_tx,
            sink: sink.clone(),
            stats: stats.clone(),
            next_slot: AtomicUsize::new(0),
            decode: options.decode,
        });
        let connection = open(options.bind, handler).await?;
        let mut published = None;
        if options.source.is_some() {
            let ssrc = (uuid::Uuid::now_v7().as_u128() as u32) | 1;
            let track = Arc::new(
                TrackLocalStaticSample::new(Instant::now(), opus_track("voice", ssrc))
                    .map_err(VoiceError::webrtc("make the voice track"))?,
            );
            let sender = connection
                .add_track(track.clone() as Arc<dyn TrackLocal>)
                .await
                .map_err(VoiceError::webrtc("add the voice track"))?;
            published = Some((track, ssrc, sender));
        }
        for _ in 0..options.slots {
            connection
                .add_transceiver_from_kind(RtpCodecKind::Audio, None)
                .await
                .map_err(VoiceError::webrtc("add a voice slot"))?;
        }
        let offer = connection
            .create_offer(None)
            .await
            .map_err(VoiceError::webrtc("make the voice offer"))?;
        let offer = described(&connection, offer, &mut gathered).await?;
        let answer = description_from_json(&signal(offer).await?)?;
        connection
            .set_remote_description(answer)
            .await
            .map_err(VoiceError::webrtc("take the voice answer"))?;
        // Copied out at once: the watch's guard must not live across an await.
        let connected: RTCPeerConnectionState = *tokio::time::timeout(
            CONNECT_LIMIT,
            state.wait_for(|s| {
                matches!(
                    s,
                    RTCPeerConnectionState::Connected | RTCPeerConnectionState::Failed
                )
            }),
        )
        .await
        .map_err(|_| VoiceError::Timeout("connecting the voice"))?
        .map_err(|_| VoiceError::Closed)?;
        if connected != RTCPeerConnectionState::Connected {
            let _ = connection.close().await;
            return Err(VoiceError::Closed);
        }
        let mut link = Self {
            connection,
            state,
            slots: options.slots,
            stats: stats.clone(),
            sender: None,
            sink,
        };
        if let (Some(mut source), Some((track, ssrc, sender))) = (options.source, published) {
            let payload_type = sender
                .get_parameters()
                .await
                .ok()
                .and_then(|p| p.rtp_parameters.codecs.first().map(|c| c.payload_type))
                .unwrap_or(111);
            let mut encoder = VoiceEncoder::new()?;
            link.sender = Some(tokio::spawn(async move {
                let mut tick = tokio::time::interval(FRAME);
                tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Burst);
                let mut frame: Frame = [0; FRAME_SAMPLES];
                let mut number = 0u64;
                loop {
                    tick.tick().await;
                    if !source.next_frame(&mut frame) {
                        break;
                    }
                    let captured = Instant::now();
                    let Ok(packet) = encoder.encode(&frame) else {
                        continue;
                    };
                    let data = bytes::Bytes::copy_from_slice(packet);
                    if let Some(trace) = &stats.trace {
                        if let Ok(mut trace) = trace.lock() {
                            trace.sent.insert(payload_key(&data), (number, captured));
                        }
                    }
                    number += 1;
                    let sample = Sample {
                        data,
                        duration: FRAME,
                        ..Sample::new(captured)
                    };
                    if track
                        .sample_writer(ssrc, payload_type)
                        .write_sample(&sample)
                        .await
                        .is_err()
                    {
                        break;
                    }
                    stats.sent.fetch_add(1, Ordering::Relaxed);
                }
            }));
        }
        Ok(link)
    }

    /// Whether media still flows (false once the connection failed or closed).
    pub fn connected(&self) -> bool {
        matches!(
            *self.state.borrow(),
            RTCPeerConnectionState::Connected | RTCPeerConnectionState::Connecting
        )
    }

    /// The voices this member can hear at once.
    pub fn slots(&self) -> usize {
        self.slots
    }

    pub fn stats(&self) -> &Arc<LinkStats> {
        &self.stats
    }

    /// Whether the source has run out (or the link failed while sending).
    pub fn done_talking(&self) -> bool {
        self.sender.as_ref().is_none_or(|s| s.is_finished())
    }

    pub async fn close(mut self) {
        if let Some(sender) = self.sender.take() {
            sender.abort();
        }
        let _ = self.connection.close().await;
    }
}

impl Drop for VoiceLink {
    fn drop(&mut self) {
        if let Some(sender) = self.sender.take() {
            sender.abort();
        }
    }
}

//! A voice peer connection: Opus registered, host candidates only (the
//! room is a LAN or loopback), every candidate inside the description so
//! one offer and one answer connect, ICE consent as tight as the room's.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use rtc::ice::mdns::MulticastDnsMode;
use rtc::media_stream::MediaStreamTrack;
use rtc::peer_connection::configuration::media_engine::MIME_TYPE_OPUS;
use rtc::rtp_transceiver::rtp_sender::{
    RTCRtpCodec, RTCRtpCodingParameters, RTCRtpEncodingParameters, RtpCodecKind,
};
use tokio::sync::watch;
use webrtc::peer_connection::{
    MediaEngine, PeerConnection, PeerConnectionBuilder, PeerConnectionEventHandler,
    RTCConfigurationBuilder, RTCSessionDescription, SettingEngine, SettingEngineBuilder,
};

use crate::VoiceError;

const ICE_DISCONNECTED: Duration = Duration::from_secs(2);
const ICE_FAILED: Duration = Duration::from_secs(1);
const ICE_KEEPALIVE: Duration = Duration::from_millis(500);
const ICE_CHECK_INTERVAL: Duration = Duration::from_millis(50);
const ICE_CHECKS_PER_PAIR: u16 = 40;
const GATHERING_LIMIT: Duration = Duration::from_secs(5);

/// ICE as the room wants it on a LAN: no multicast DNS, consent lost after
/// 2 s, failed after 3 s, checks every 50 ms (a LAN answers in a
/// millisecond; the default 200 ms made a join wait two or three rounds).
/// The room's data channels use the same.
pub fn lan_settings() -> SettingEngine {
    SettingEngineBuilder::new()
        .with_multicast_dns_mode(MulticastDnsMode::Disabled)
        .with_ice_timeouts(
            Some(ICE_DISCONNECTED),
            Some(ICE_FAILED),
            Some(ICE_KEEPALIVE),
        )
        .with_ice_connection_attempts(Some(ICE_CHECK_INTERVAL), Some(ICE_CHECKS_PER_PAIR))
        .build()
}

pub(crate) async fn open(
    bind: SocketAddr,
    handler: Arc<dyn PeerConnectionEventHandler>,
) -> Result<Arc<dyn PeerConnection>, VoiceError> {
    let mut media = MediaEngine::default();
    media
        .register_default_codecs()
        .map_err(VoiceError::webrtc("register the Opus codec"))?;
    let settings = lan_settings();
    let connection = PeerConnectionBuilder::new()
        .with_configuration(RTCConfigurationBuilder::new().build())
        .with_setting_engine(settings)
        .with_media_engine(media)
        .with_handler(handler)
        .with_udp_addrs(vec![bind])
        .build()
        .await
        .map_err(VoiceError::webrtc("open a voice connection"))?;
    Ok(Arc::new(connection))
}

/// An Opus track description with its SSRC.
pub(crate) fn opus_track(name: &str, ssrc: u32) -> MediaStreamTrack {
    MediaStreamTrack::new(
        format!("ecabinet-{name}"),
        name.to_owned(),
        name.to_owned(),
        RtpCodecKind::Audio,
        vec![RTCRtpEncodingParameters {
            rtp_coding_parameters: RTCRtpCodingParameters {
                ssrc: Some(ssrc),
                ..Default::default()
            },
            codec: RTCRtpCodec {
                mime_type: MIME_TYPE_OPUS.to_owned(),
                clock_rate: crate::SAMPLE_RATE,
                channels: 2,
                sdp_fmtp_line: "minptime=10;useinbandfec=1".to_owned(),
                rtcp_feedback: vec![],
            },
            ..Default::default()
        }],
    )
}

/// Sets the local description, waits for gathering, returns the full one.
pub(crate) async fn described(
    connection: &Arc<dyn PeerConnection>,
    description: RTCSessionDescription,
    gathered: &mut watch::Receiver<bool>,
) -> Result<String, VoiceError> {
    connection
        .set_local_description(description)
        .await
        .map_err(VoiceError::webrtc("set the local description"))?;
    tokio::time::timeout(GATHERING_LIMIT, gathered.wait_for(|done| *done))
        .await
        .map_err(|_| VoiceError::Timeout("gathering this machine's addresses"))?
        .map_err(|_| VoiceError::Closed)?;
    let full = connection
        .local_description()
        .await
        .ok_or(VoiceError::Closed)?;
    description_to_json(&full)
}

pub(crate) fn description_to_json(
    description: &RTCSessionDescription,
) -> Result<String, VoiceError> {
    serde_json::to_string(description).map_err(|e| VoiceError::Signal(e.to_string()))
}

pub(crate) fn description_from_json(text: &str) -> Result<RTCSessionDescription, VoiceError> {
    serde_json::from_str(text)
        .map_err(|e| VoiceError::Signal(format!("not a session description: {e}")))
}

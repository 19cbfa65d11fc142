//! The server's selective forwarding unit. Each member's device connects
//! once per meeting (its offer over HTTP, the answer back, host candidates
//! only); the SFU gives it `slots` outgoing Opus tracks and takes its own
//! track, if it talks. Every packet a device publishes is routed by the
//! [`Forwarder`] to the listeners that may hear it now, its header
//! rewritten for the slot: the payload is never decoded here.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock, Weak};

use tokio::sync::watch;
use uuid::Uuid;
use webrtc::media_stream::track_local::static_rtp::TrackLocalStaticRTP;
use webrtc::media_stream::track_local::TrackLocal;
use webrtc::media_stream::track_remote::{TrackRemote, TrackRemoteEvent};
use webrtc::peer_connection::{
    PeerConnection, PeerConnectionEventHandler, RTCIceGatheringState, RTCPeerConnectionState,
};

use crate::connection::{described, description_from_json, open, opus_track};
use crate::forward::{Forwarder, RtpHead};
use crate::VoiceError;

/// One outgoing track of a listener.
#[derive(Clone)]
struct SlotTrack {
    track: Arc<TrackLocalStaticRTP>,
    ssrc: u32,
    payload_type: u8,
}

struct Member {
    person: Uuid,
    connection: Arc<dyn PeerConnection>,
}

/// The voices of one meeting.
struct Room {
    forward: Mutex<Forwarder>,
    /// Each listening device's slots (read on every packet: no await under it).
    slots: RwLock<HashMap<Uuid, Vec<SlotTrack>>>,
    members: Mutex<HashMap<Uuid, Member>>,
    /// Who the session lets speak, most important first.
    allowed: Mutex<Vec<Uuid>>,
    /// Who may listen (None: every participant): a restricted item's audience.
    audience: Mutex<Option<Vec<Uuid>>>,
    forwarded: Arc<AtomicU64>,
}

impl Room {
    /// The allowed persons' devices in the room, in the persons' order.
    fn retalk(&self) {
        let allowed = self.allowed.lock().map(|a| a.clone()).unwrap_or_default();
        let audience = self.audience.lock().ok().and_then(|a| a.clone());
        let listening: Option<Vec<Uuid>> = audience.map(|persons| match self.members.lock() {
            Ok(members) => members
                .iter()
                .filter(|(_, m)| persons.contains(&m.person))
                .map(|(device, _)| *device)
                .collect(),
            Err(_) => Vec::new(),
        });
        let devices: Vec<Uuid> = match self.members.lock() {
            Ok(members) => {
                let mut devices: Vec<(usize, Uuid)> = members
                    .iter()
                    .filter_map(|(device, m)| {
                        allowed
                            .iter()
                            .position(|p| *p == m.person)
                            .map(|rank| (rank, *device))
                    })
                    .collect();
                devices.sort();
                devices.into_iter().map(|(_, d)| d).collect()
            }
            Err(_) => Vec::new(),
        };
        if let Ok(mut forward) = self.forward.lock() {
            forward.set_talkers(devices);
            forward.set_audience(listening);
        }
    }

    /// A member's connection is up: it hears the allowed voices.
    fn listen(&self, device: Uuid) {
        let joined = self
            .members
            .lock()
            .map(|m| m.contains_key(&device))
            .unwrap_or(false);
        if !joined {
            return;
        }
        if let Ok(mut forward) = self.forward.lock() {
            forward.add_listener(device);
        }
        self.retalk();
    }

    fn remove(&self, device: Uuid) -> Option<Arc<dyn PeerConnection>> {
        let gone = self.members.lock().ok()?.remove(&device);
        if let Ok(mut slots) = self.slots.write() {
            slots.remove(&device);
        }
        if let Ok(mut forward) = self.forward.lock() {
            forward.remove_listener(device);
        }
        self.retalk();
        gone.map(|m| m.connection)
    }

    /// Passes a publisher's packets on until its track ends.
    async fn forward_from(self: Arc<Self>, device: Uuid, track: Arc<dyn TrackRemote>) {
        while let Some(event) = track.poll().await {
            let TrackRemoteEvent::OnRtpPacket(packet) = event else {
                continue;
            };
            let head = RtpHead {
                sequence: packet.header.sequence_number,
                timestamp: packet.header.timestamp,
            };
            let routes = match self.forward.lock() {
                Ok(mut forward) => forward.route(device, head),
                Err(_) => return,
            };
            if routes.is_empty() {
                continue;
            }
            let targets: Vec<(SlotTrack, RtpHead)> = match self.slots.read() {
                Ok(slots) => routes
                    .iter()
                    .filter_map(|route| {
                        slots
                            .get(&route.listener)
                            .and_then(|s| s.get(route.slot))
                            .map(|slot| (slot.clone(), route.head))
                    })
                    .collect(),
                Err(_) => return,
            };
            for (slot, head) in targets {
                let mut out = packet.clone();
                out.header.ssrc = slot.ssrc;
                out.header.payload_type = slot.payload_type;
                out.header.sequence_number = head.sequence;
                out.header.timestamp = head.timestamp;
                if slot.track.write_rtp(out).await.is_ok() {
                    self.forwarded.fetch_add(1, Ordering::Relaxed);
                }
            }
        }
    }
}

/// Hears the connection of one device.
struct MemberHandler {
    device: Uuid,
    room: Weak<Room>,
    gathered: watch::Sender<bool>,
}

#[async_trait::async_trait]
impl PeerConnectionEventHandler for MemberHandler {
    async fn on_ice_gathering_state_change(&self, state: RTCIceGatheringState) {
        if state == RTCIceGatheringState::Complete {
            let _ = self.gathered.send(true);
        }
    }

    async fn on_connection_state_change(&self, state: RTCPeerConnectionState) {
        if state == RTCPeerConnectionState::Connected {
            // Its slots carry media from now on: not before its keys are agreed.
            if let Some(room) = self.room.upgrade() {
                room.listen(self.device);
            }
            return;
        }
        if matches!(
            state,
            RTCPeerConnectionState::Failed | RTCPeerConnectionState::Closed
        ) {
            if let Some(room) = self.room.upgrade() {
                if let Some(connection) = room.remove(self.device) {
                    tokio::spawn(async move {
                        let _ = connection.close().await;
                    });
                }
            }
        }
    }

    async fn on_track(&self, track: Arc<dyn TrackRemote>) {
        if let Some(room) = self.room.upgrade() {
            tokio::spawn(room.forward_from(self.device, track));
        }
    }
}

/// Every meeting's voices on this server.
pub struct Sfu {
    bind: IpAddr,
    slots: usize,
    rooms: Mutex<HashMap<Uuid, Arc<Room>>>,
    forwarded: Arc<AtomicU64>,
}

impl Sfu {
    /// Media on `bind` (an address the members reach; a port per connection).
    pub fn new(bind: IpAddr, slots: usize) -> Self {
        Self {
            bind,
            slots: slots.max(1),
            rooms: Mutex::new(HashMap::new()),
            forwarded: Arc::new(AtomicU64::new(0)),
        }
    }

    pub fn slots(&self) -> usize {
        self.slots
    }

    /// Packets forwarded so far, every room together.
    pub fn packets_forwarded(&self) -> u64 {
        self.forwarded.load(Ordering::Relaxed)
    }

    fn room(&self, meeting: Uuid) -> Arc<Room> {
        let mut rooms = match self.rooms.lock() {
            Ok(rooms) => rooms,
            Err(poisoned) => poisoned.into_inner(),
        };
        rooms
            .entry(meeting)
            .or_insert_with(|| {
                Arc::new(Room {
                    forward: Mutex::new(Forwarder::new(self.slots)),
                    slots: RwLock::new(HashMap::new()),
                    members: Mutex::new(HashMap::new()),
                    allowed: Mutex::new(Vec::new()),
                    audience: Mutex::new(None),
                    forwarded: self.forwarded.clone(),
                })
            })
            .clone()
    }

    /// The persons the session lets speak in `meeting`, most important first.
    pub fn set_talkers(&self, meeting: Uuid, persons: Vec<Uuid>) {
        let room = self.room(meeting);
        if let Ok(mut allowed) = room.allowed.lock() {
            *allowed = persons;
        }
        room.retalk();
    }

    /// Only these persons hear the meeting now (None: every participant):
    /// while a restricted item is discussed, its audience.
    pub fn set_audience(&self, meeting: Uuid, persons: Option<Vec<Uuid>>) {
        let room = self.room(meeting);
        if let Ok(mut audience) = room.audience.lock() {
            *audience = persons;
        }
        room.retalk();
    }

    /// Devices connected to a meeting's voice.
    pub fn members(&self, meeting: Uuid) -> usize {
        self.room(meeting)
            .members
            .lock()
            .map(|m| m.len())
            .unwrap_or(0)
    }

    /// A device joins the voice of `meeting` with its offer; the answer
    /// comes back with every candidate. A device joining again replaces
    /// its earlier connection.
    pub async fn join(
        &self,
        meeting: Uuid,
        device: Uuid,
        person: Uuid,
        offer: &str,
    ) -> Result<String, VoiceError> {
        let offer = description_from_json(offer)?;
        let room = self.room(meeting);
        if let Some(old) = room.remove(device) {
            let _ = old.close().await;
        }
        let (gathered_tx, mut gathered) = watch::channel(false);
        let handler = Arc::new(MemberHandler {
            device,
            room: Arc::downgrade(&room),
            gathered: gathered_tx,
        });
        let connection = open(SocketAddr::new(self.bind, 0), handler).await?;
        let result = async {
            connection
                .set_remote_description(offer)
                .await
                .map_err(VoiceError::webrtc("take the voice offer"))?;
            let mut tracks = Vec::new();
            for n in 0..self.slots {
                let ssrc = (Uuid::now_v7().as_u128() as u32) | 1;
                let track = Arc::new(TrackLocalStaticRTP::new(opus_track(
                    &format!("slot-{n}"),
                    ssrc,
                )));
                let sender = connection
                    .add_track(track.clone() as Arc<dyn TrackLocal>)
                    .await
                    .map_err(VoiceError::webrtc("add a voice slot"))?;
                tracks.push((track, ssrc, sender));
            }
            let answer = connection
                .create_answer(None)
                .await
                .map_err(VoiceError::webrtc("answer the voice offer"))?;
            let answer = described(&connection, answer, &mut gathered).await?;
            let mut slots = Vec::new();
            for (track, ssrc, sender) in tracks {
                let payload_type = sender
                    .get_parameters()
                    .await
                    .ok()
                    .and_then(|p| p.rtp_parameters.codecs.first().map(|c| c.payload_type))
                    .unwrap_or(111);
                slots.push(SlotTrack {
                    track,
                    ssrc,
                    payload_type,
                });
            }
            Ok::<_, VoiceError>((answer, slots))
        }
        .await;
        let (answer, slots) = match result {
            Ok(done) => done,
            Err(error) => {
                let _ = connection.close().await;
                return Err(error);
            }
        };
        if let Ok(mut all) = room.slots.write() {
            all.insert(device, slots);
        }
        // It hears once connected (the member has the answer only now, so
        // its connection cannot be up before it is listed here).
        if let Ok(mut members) = room.members.lock() {
            members.insert(device, Member { person, connection });
        }
        Ok(answer)
    }

    /// A device leaves (or its connection is closed).
    pub async fn leave(&self, meeting: Uuid, device: Uuid) {
        if let Some(connection) = self.room(meeting).remove(device) {
            let _ = connection.close().await;
        }
    }
}

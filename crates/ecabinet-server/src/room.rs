//! The room's side of the server: it describes a meeting's room to its hub
//! (the facts and device keys the hub needs to order the log alone), keeps
//! the hub's lease, takes back the segment a hub ordered while the server
//! was away, and relays WebRTC signalling between the room's devices.
//!
//! One orderer at a time: the server orders a meeting's log only while no
//! hub is named or the named hub's last check-in still holds; the hub takes
//! over only after its lease has run out by its own clock and a margin
//! (`HUB_TAKEOVER_AFTER_MILLIS`), so the two never order together.

use std::sync::Arc;

use chrono::Utc;
use ecabinet_crypto::b64_encode;
use ecabinet_domain::session::room::{
    HubCheckIn, HubCheckInAnswer, ItemAudience, RoomDevice, RoomHubView, RoomInfo,
    RoomSignalMessage, RoomSignalRequest, RoomVoting, HUB_LEASE_MILLIS,
};
use ecabinet_domain::session::rules::{DocumentFacts, ItemFacts, SessionFacts};
use ecabinet_domain::session::LiveEventBody;
use ecabinet_domain::{DeviceId, DocumentManifest, Meeting, MeetingId, Role};
use ecabinet_room::segment::{verify_segment, LogHead, Room};
use ecabinet_room::Directory;

use crate::services::{Caller, ServiceError, ServiceResult, Services};
use crate::session::{takes_part, OrderedHead};
use crate::store::RoomHubLease;

/// A signalling message on its way to one device's event sockets.
#[derive(Clone, Debug)]
pub struct SignalBroadcast {
    pub to: DeviceId,
    /// `{"signal": …}`.
    pub message: Arc<str>,
}

impl Services {
    /// `GET /v1/meetings/{meeting}/room`.
    pub async fn room_info(&self, caller: &Caller, meeting: MeetingId) -> ServiceResult<RoomInfo> {
        let meeting = self.meeting_of_caller(caller, meeting).await?;
        self.require_participant(caller, &meeting)?;
        let facts = self.room_facts(&meeting).await?;
        let devices = self.room_devices(&meeting).await?;
        let voting = self.room_voting(&meeting).await?;
        let now = Utc::now();
        let lease = self.store.room_hub(meeting.id).await?;
        // Each restricted item's audience, so that the hub keeps the item's
        // voices to it: for the secretariat (who may read access lists), and
        // for a chair only from the device that hosts the room.
        let hosts = lease
            .as_ref()
            .is_some_and(|lease| lease.device == caller.device);
        let audiences = if caller.person.role == Role::Secretary
            || (hosts && Self::require_runs_meeting(caller, &meeting).is_ok())
        {
            self.item_audiences(&meeting).await?
        } else {
            Vec::new()
        };
        let hub = lease.map(|lease| RoomHubView {
            device: lease.device,
            person: lease.person,
            lease_left_millis: (lease.lease_until - now).num_milliseconds().max(0),
        });
        Ok(RoomInfo {
            meeting: meeting.id,
            facts,
            devices,
            hub,
            server_key: b64_encode(&self.server_public_key()),
            voting,
            voice_slots: self.voice.slots() as u32,
            audiences,
        })
    }

    /// The votes a hub may take ballots for, and whom it counts: the open
    /// motions not on restricted items (the room is every participant),
    /// the organisation's members, and the meeting's attendance.
    async fn room_voting(&self, meeting: &Meeting) -> ServiceResult<RoomVoting> {
        let mut motions = Vec::new();
        for motion in self.store.open_motions(meeting.id).await? {
            let restricted = self
                .store
                .agenda_item(motion.agenda_item_id)
                .await?
                .is_none_or(|(item, _)| item.restricted);
            if !restricted {
                motions.push(motion);
            }
        }
        let members = self
            .store
            .persons(meeting.organisation_id)
            .await?
            .into_iter()
            .filter(|p| p.role == Role::Member)
            .map(|p| p.id)
            .collect();
        Ok(RoomVoting {
            motions,
            members,
            attendance: self.store.attendance(meeting.id).await?,
        })
    }

    /// Everything the rules need, for every item: a hub checks presenter
    /// pages without asking. Restricted items' documents are left out (the
    /// room is every participant), so their pages are shown only through
    /// the server.
    async fn room_facts(&self, meeting: &Meeting) -> ServiceResult<SessionFacts> {
        let mut items = Vec::new();
        for item in self.store.agenda(meeting.id).await? {
            let mut documents = Vec::new();
            if !item.restricted {
                for document in self.store.agenda_documents(item.id).await? {
                    let mut version = 1;
                    while let Some((found, _)) = self.store.document(document, version).await? {
                        let pages = serde_json::from_str::<DocumentManifest>(&found.manifest)
                            .ok()
                            .and_then(|m| m.page_count);
                        documents.push(DocumentFacts {
                            id: document,
                            version,
                            pages,
                        });
                        version += 1;
                    }
                }
            }
            items.push(ItemFacts {
                id: item.id,
                presenter: item.details.presenter,
                documents,
            });
        }
        Ok(SessionFacts {
            meeting: meeting.id,
            chair: meeting.details.chair,
            items,
        })
    }

    /// The active devices of everyone who takes part: the invited members
    /// (every member when none are named), the chair, substitutes and the
    /// secretariat.
    async fn room_devices(&self, meeting: &Meeting) -> ServiceResult<Vec<RoomDevice>> {
        let mut devices = Vec::new();
        for person in self.store.persons(meeting.organisation_id).await? {
            if !takes_part(meeting, &person) {
                continue;
            }
            let secretary = person.role == Role::Secretary;
            for device in self.store.devices_of(person.id).await? {
                if device.revoked_at.is_none() {
                    devices.push(RoomDevice {
                        device: device.id,
                        person: person.id,
                        secretary,
                        signing_key: b64_encode(&device.signing_public_key),
                    });
                }
            }
        }
        Ok(devices)
    }

    /// The server orders a meeting's log only while its named hub (if any)
    /// holds a lease: after that, the hub may be ordering it in the room.
    pub(crate) async fn require_server_orders(&self, meeting: MeetingId) -> ServiceResult<()> {
        match self.store.room_hub(meeting).await? {
            Some(lease) if lease.lease_until <= Utc::now() => {
                Err(ServiceError::RoomHubOrders(format!(
                    "the room's hub (device {}) has not checked in for {} s, so it may be running the session without the server; \
                     send the event through the room, wait for the hub to hand the log back, or let the secretariat name another hub",
                    lease.device.0,
                    (Utc::now() - lease.lease_until).num_seconds() + HUB_LEASE_MILLIS / 1_000
                )))
            }
            _ => Ok(()),
        }
    }

    /// `POST /v1/meetings/{meeting}/room/hub`: the hub checks in, with the
    /// segment it ordered while the server was away.
    pub async fn hub_check_in(
        &self,
        caller: &Caller,
        meeting_id: MeetingId,
        check_in: HubCheckIn,
    ) -> ServiceResult<HubCheckInAnswer> {
        let meeting = self.meeting_of_caller(caller, meeting_id).await?;
        Self::require_runs_meeting(caller, &meeting)?;
        let now = Utc::now();
        let named = self.store.room_hub(meeting_id).await?;
        if let Some(other) = named.as_ref().filter(|n| n.device != caller.device) {
            if other.lease_until > now {
                return Err(ServiceError::RoomHubTaken(format!(
                    "device {} is this room's hub and checked in {} ms ago; stop it first (ecab room release)",
                    other.device.0,
                    HUB_LEASE_MILLIS - (other.lease_until - now).num_milliseconds()
                )));
            }
        }
        let mut heads = self.sessions.heads.lock().await;
        let head = self.head_of(&mut heads, meeting_id).await?;
        let mut appended = 0;
        let mut recounted = Vec::new();
        if let Some(first) = check_in.segment.first() {
            let already = self.store.session_log(meeting_id, first.seq - 1).await?;
            let replayed = already.len() >= check_in.segment.len()
                && already
                    .iter()
                    .zip(&check_in.segment)
                    .all(|(held, sent)| held.hash == sent.hash);
            if !replayed {
                // A segment from a hub the secretariat has replaced since is
                // refused as not by the named hub.
                let hub = named.as_ref().map_or(caller.device, |n| n.device);
                if first.event().device_id != caller.device {
                    return Err(ServiceError::Forbidden(
                        "a hub hands back only the segment it ordered itself",
                    ));
                }
                let facts = self.room_facts(&meeting).await?;
                let directory = Directory::new(&self.room_devices(&meeting).await?);
                let voting = self.room_voting(&meeting).await?;
                let verified = verify_segment(
                    LogHead {
                        state: &head.state,
                        hash: &head.hash,
                        at: head.at,
                    },
                    Room {
                        facts: &facts,
                        directory: &directory,
                        voting: &voting,
                    },
                    hub,
                    &check_in.segment,
                    &check_in.ballots,
                    now,
                )
                .map_err(ServiceError::Segment)?;
                let state = verified.state;
                for event in &check_in.segment {
                    if let LiveEventBody::ItemOutcome { .. } | LiveEventBody::Attendance { .. } =
                        &event.event().body
                    {
                        // Checked as the server checks them when it orders.
                        self.check_segment_event(&meeting, event).await?;
                    }
                }
                // The ballots first, while their votes are still open here:
                // each accepted at its event's time, with the server's receipt.
                let key = self.server_key.clone();
                let receipts = move |message: &[u8]| key.sign(message);
                for taken in &verified.ballots {
                    self.store
                        .take_room_ballot(
                            meeting.organisation_id,
                            &taken.ballot,
                            taken.at,
                            &receipts,
                        )
                        .await?;
                }
                let Some(changes) = self
                    .store
                    .append_session_events(meeting.organisation_id, &check_in.segment)
                    .await?
                else {
                    heads.remove(&meeting_id);
                    return Err(ServiceError::Unavailable(
                        "the session's log moved while the segment was checked".into(),
                    ));
                };
                let last = check_in.segment.last().map(|e| (e.hash.0.clone(), e.at));
                self.voices_follow(&meeting, &state);
                heads.insert(
                    meeting_id,
                    OrderedHead {
                        state,
                        hash: last.as_ref().map_or(head.hash.clone(), |l| l.0.clone()),
                        at: last.map(|l| l.1).or(head.at),
                    },
                );
                appended = check_in.segment.len() as u32;
                tracing::info!(
                    meeting = %meeting_id.0,
                    events = appended,
                    "took back the room hub's segment"
                );
                for (event, change) in check_in.segment.iter().zip(changes) {
                    self.after_ordering(&meeting, event, change).await;
                }
                recounted = self.close_room_votes(&check_in.segment).await?;
            }
        }
        let head = heads
            .get(&meeting_id)
            .map_or(head.state.seq, |h| h.state.seq);
        // Every hub checks in every second: its lease is written without
        // holding up the orderer of every other meeting.
        drop(heads);
        let lease_until = now + chrono::Duration::milliseconds(HUB_LEASE_MILLIS);
        self.store
            .set_room_hub(
                meeting_id,
                &RoomHubLease {
                    device: caller.device,
                    person: caller.person.id,
                    lease_until,
                },
            )
            .await?;
        Ok(HubCheckInAnswer {
            lease_millis: HUB_LEASE_MILLIS,
            head,
            appended,
            recounted,
        })
    }

    /// Closes each vote the chair closed in the room, at the time the room
    /// closed it, counting every signed ballot the server holds (the room's
    /// included). Returns the votes whose count differs from the hub's: a
    /// ballot reached the server before it stopped but never the hub; the
    /// server's count, from every signed ballot, stands.
    async fn close_room_votes(
        &self,
        segment: &[ecabinet_domain::session::OrderedLiveEvent],
    ) -> ServiceResult<Vec<ecabinet_domain::MotionId>> {
        let mut recounted = Vec::new();
        for event in segment {
            let LiveEventBody::MotionClosed { motion, .. } = event.event().body else {
                continue;
            };
            let Some(closed) = self.store.close_motion(motion, event.at).await? else {
                continue; // closed already (its own closing time came first)
            };
            let room_count = segment.iter().find_map(|e| match &e.event().body {
                LiveEventBody::MotionCounted { motion: m, tally } if *m == motion => Some(tally),
                _ => None,
            });
            if room_count != closed.tally.as_ref() {
                tracing::warn!(
                    motion = %motion.0,
                    room = ?room_count.map(|t| &t.counts),
                    server = ?closed.tally.as_ref().map(|t| &t.counts),
                    "the server's count of a vote closed in the room differs from the hub's: the server's stands"
                );
                recounted.push(motion);
            }
            if let Some((_, organisation)) = self.store.motion(motion).await? {
                self.poke(organisation).await;
            }
        }
        Ok(recounted)
    }

    /// The checks the server makes beyond the rules, for a segment's event
    /// (a note on a restricted item's outcome, who records attendance).
    async fn check_segment_event(
        &self,
        meeting: &Meeting,
        event: &ecabinet_domain::session::OrderedLiveEvent,
    ) -> ServiceResult<()> {
        let inner = event.event();
        let Some(person) = self
            .store
            .person(inner.author)
            .await?
            .filter(|p| p.organisation_id == meeting.organisation_id)
        else {
            return Err(ServiceError::Forbidden(
                "an event of the segment is by someone outside the organisation",
            ));
        };
        let caller = Caller {
            device: inner.device_id,
            person,
        };
        self.check_beyond_rules(&caller, meeting, &inner.body).await
    }

    /// `DELETE /v1/meetings/{meeting}/room/hub`: the room has no hub any
    /// more (the secretariat, the chair or the hub itself); the server
    /// orders alone again. A segment the old hub may still hold is refused.
    pub async fn release_hub(&self, caller: &Caller, meeting_id: MeetingId) -> ServiceResult<()> {
        let meeting = self.meeting_of_caller(caller, meeting_id).await?;
        Self::require_runs_meeting(caller, &meeting)?;
        self.store.clear_room_hub(meeting_id).await?;
        Ok(())
    }

    /// `POST /v1/meetings/{meeting}/room/signal`: passes an offer or an
    /// answer to another device of the room (on its event sockets here).
    pub async fn room_signal(
        &self,
        caller: &Caller,
        meeting_id: MeetingId,
        request: RoomSignalRequest,
    ) -> ServiceResult<()> {
        let meeting = self.meeting_of_caller(caller, meeting_id).await?;
        self.require_participant(caller, &meeting)?;
        // Only the addressee is looked up: signalling is on every join's path.
        let addressee = match self.store.device(request.to).await? {
            Some(device) if device.revoked_at.is_none() => {
                self.store.person(device.person_id).await?
            }
            _ => None,
        };
        let in_room = addressee.is_some_and(|person| {
            person.organisation_id == meeting.organisation_id && takes_part(&meeting, &person)
        });
        if !in_room {
            return Err(ServiceError::NotFound("device in this room"));
        }
        let message = serde_json::json!({
            "signal": RoomSignalMessage {
                from: caller.device,
                meeting: meeting_id,
                signal: request.signal,
            }
        });
        let signal = SignalBroadcast {
            to: request.to,
            message: Arc::from(message.to_string()),
        };
        // Through the database to every instance (the addressee's socket
        // may be on another), when there are others and the signal fits in
        // a notification; else to this instance's sockets.
        let payload =
            serde_json::json!({ "to": signal.to, "message": &*signal.message }).to_string();
        if payload.len() <= MAX_NOTIFY_BYTES && self.store.publish_signal(&payload).await? {
            return Ok(());
        }
        if payload.len() > MAX_NOTIFY_BYTES {
            tracing::warn!(
                bytes = payload.len(),
                "a room signal too large for other instances: delivered here only"
            );
        }
        if self.signals.send(signal).is_err() {
            return Err(ServiceError::Unavailable(
                "the device is not connected to this server".into(),
            ));
        }
        Ok(())
    }
}

impl Services {
    /// `POST /v1/meetings/{meeting}/voice`: a participant's device joins
    /// the meeting's voice on this instance (its offer, the answer back).
    pub async fn voice_join(
        &self,
        caller: &Caller,
        meeting_id: MeetingId,
        join: ecabinet_domain::session::room::VoiceJoin,
    ) -> ServiceResult<ecabinet_domain::session::room::VoiceJoined> {
        let meeting = self.meeting_of_caller(caller, meeting_id).await?;
        self.require_participant(caller, &meeting)?;
        Self::require_published(&meeting)?;
        let current = {
            let mut heads = self.sessions.heads.lock().await;
            let head = self.head_of(&mut heads, meeting_id).await?;
            self.voices_follow(&meeting, &head.state);
            head.state.current_item
        };
        self.voice_audience(&meeting, current).await?;
        let description = self
            .voice
            .join(
                meeting_id.0,
                caller.device.0,
                caller.person.id.0,
                &join.description,
            )
            .await
            .map_err(|e| ServiceError::BadRequest(format!("the voice connection: {e}")))?;
        tracing::info!(meeting = %meeting_id.0, device = %caller.device.0, "joined the meeting's voice");
        Ok(ecabinet_domain::session::room::VoiceJoined {
            description,
            slots: self.voice.slots() as u32,
        })
    }

    /// Who hears the meeting's voice while `item` is discussed: everyone,
    /// or for a restricted item its named members and the secretariat.
    pub(crate) async fn voice_audience(
        &self,
        meeting: &Meeting,
        item: Option<ecabinet_domain::AgendaItemId>,
    ) -> ServiceResult<()> {
        let audience = match item {
            Some(item) => self.restricted_audience(meeting, item).await?,
            None => None,
        };
        self.voice.set_audience(meeting.id.0, audience);
        Ok(())
    }

    /// The audience of each restricted item of the meeting.
    async fn item_audiences(&self, meeting: &Meeting) -> ServiceResult<Vec<ItemAudience>> {
        let restricted: Vec<_> = self
            .store
            .agenda(meeting.id)
            .await?
            .into_iter()
            .filter(|item| item.restricted)
            .map(|item| item.id)
            .collect();
        if restricted.is_empty() {
            return Ok(Vec::new());
        }
        // The secretariat is read once, not once per item.
        let secretaries = self.secretaries(meeting).await?;
        let mut audiences = Vec::with_capacity(restricted.len());
        for item in restricted {
            audiences.push(ItemAudience {
                item,
                persons: self
                    .audience_of(item, &secretaries)
                    .await?
                    .into_iter()
                    .map(ecabinet_domain::PersonId)
                    .collect(),
            });
        }
        Ok(audiences)
    }

    /// A restricted item's audience (its named members and the
    /// secretariat); `None` for an item every participant may hear.
    async fn restricted_audience(
        &self,
        meeting: &Meeting,
        item: ecabinet_domain::AgendaItemId,
    ) -> ServiceResult<Option<Vec<uuid::Uuid>>> {
        let restricted = self
            .store
            .agenda_item(item)
            .await?
            .is_some_and(|(found, _)| found.restricted);
        if !restricted {
            return Ok(None);
        }
        let secretaries = self.secretaries(meeting).await?;
        Ok(Some(self.audience_of(item, &secretaries).await?))
    }

    async fn secretaries(&self, meeting: &Meeting) -> ServiceResult<Vec<uuid::Uuid>> {
        Ok(self
            .store
            .persons(meeting.organisation_id)
            .await?
            .into_iter()
            .filter(|p| p.role == Role::Secretary)
            .map(|p| p.id.0)
            .collect())
    }

    /// An item's named members, and the secretariat.
    async fn audience_of(
        &self,
        item: ecabinet_domain::AgendaItemId,
        secretaries: &[uuid::Uuid],
    ) -> ServiceResult<Vec<uuid::Uuid>> {
        let mut persons: Vec<uuid::Uuid> = self
            .store
            .item_access(item)
            .await?
            .into_iter()
            .map(|p| p.0)
            .collect();
        persons.extend_from_slice(secretaries);
        Ok(persons)
    }

    /// Who the voice forwarding lets be heard follows the session's log:
    /// the member with the floor, the chair, the microphones the chair opened.
    pub(crate) fn voices_follow(
        &self,
        meeting: &Meeting,
        state: &ecabinet_domain::session::rules::SessionState,
    ) {
        let voices = state
            .voices(meeting.details.chair)
            .into_iter()
            .map(|p| p.0)
            .collect();
        self.voice.set_talkers(meeting.id.0, voices);
    }
}

/// PostgreSQL refuses notification payloads of 8,000 bytes or more.
const MAX_NOTIFY_BYTES: usize = 7_900;

/// Passes room signals published by any instance to this instance's
/// event sockets, for as long as the services live.
pub(crate) async fn follow_signals(
    store: Arc<dyn crate::store::Store>,
    signals: std::sync::Weak<tokio::sync::broadcast::Sender<SignalBroadcast>>,
) {
    let mut listener = match store.signal_listener().await {
        Ok(Some(listener)) => listener,
        Ok(None) => return, // one instance: signals never leave it
        Err(error) => {
            tracing::warn!(%error, "cannot hear room signals from other instances");
            return;
        }
    };
    loop {
        let payload = match listener.next().await {
            Ok(payload) => payload,
            Err(error) => {
                tracing::warn!(%error, "lost the room signals from other instances");
                return;
            }
        };
        let Some(signals) = signals.upgrade() else {
            return; // the services were dropped
        };
        #[derive(serde::Deserialize)]
        struct Published {
            to: DeviceId,
            message: String,
        }
        match serde_json::from_str::<Published>(&payload) {
            Ok(published) => {
                // Nobody here for it is fine: the addressee is on another instance.
                let _ = signals.send(SignalBroadcast {
                    to: published.to,
                    message: Arc::from(published.message),
                });
            }
            Err(error) => tracing::warn!(%error, "a room signal not understood"),
        }
    }
}

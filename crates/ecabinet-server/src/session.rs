//! The orderer of each meeting's session log. A device sends a signed live
//! event; the server checks the device, the signature, the meeting and the
//! rules (`ecabinet_domain::session::rules`), numbers it, chains it to the
//! event before it, countersigns the link, stores it with its change, and
//! sends it at once to every connected device (the event socket) as well as
//! through the change stream (late joiners, other instances, replicas).

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use ecabinet_crypto::verify_signature;
use ecabinet_domain::session::rules::{
    Actor, DocumentFacts, ItemFacts, Refusal, SessionFacts, SessionState,
};
use ecabinet_domain::session::{
    to_millis, LiveEventBody, LiveMessage, OrderedLiveEvent, SessionLogPage, SignedLiveEvent,
    GENESIS_HASH, MAX_CLOCK_SKEW_SECONDS,
};
use ecabinet_domain::voting::{Attendance, MotionStatus};
use ecabinet_domain::{
    AgendaItemId, DocumentManifest, ItemStatus, Meeting, MeetingId, MotionId, Role,
};
use tokio::sync::Mutex;

use crate::services::{Caller, LiveBroadcast, ServiceError, ServiceResult, Services};

/// How many times an append is retried when another instance ordered first.
const APPEND_ATTEMPTS: usize = 5;

/// One meeting's log as this instance last saw it.
#[derive(Clone)]
pub(crate) struct OrderedHead {
    pub(crate) state: SessionState,
    pub(crate) hash: Vec<u8>,
    pub(crate) at: Option<DateTime<Utc>>,
}

/// Per-instance cache of each meeting's folded log, and the lock that makes
/// this instance order one event at a time (other instances are kept in
/// order by the database: see `Store::append_session_event`).
#[derive(Default)]
pub struct SessionOrderer {
    pub(crate) heads: Mutex<HashMap<MeetingId, OrderedHead>>,
}

impl std::fmt::Debug for SessionOrderer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionOrderer").finish()
    }
}

impl Services {
    /// A meeting of the caller's organisation.
    pub(crate) async fn meeting_of_caller(
        &self,
        caller: &Caller,
        meeting: MeetingId,
    ) -> ServiceResult<Meeting> {
        self.store
            .meeting(meeting)
            .await?
            .filter(|m| m.organisation_id == caller.person.organisation_id)
            .filter(|m| {
                // Members do not know of drafts.
                caller.person.role == Role::Secretary
                    || m.status != ecabinet_domain::MeetingStatus::Draft
            })
            .ok_or(ServiceError::NotFound("meeting"))
    }

    /// `GET /v1/meetings/{meeting}/session?since=N`: the log after N, whole.
    /// `also`: one more device whose registered key the caller wants (the
    /// device that signed a meeting's minutes, to check that signature).
    pub async fn session_log(
        &self,
        caller: &Caller,
        meeting: MeetingId,
        since: u32,
        also: Option<ecabinet_domain::DeviceId>,
    ) -> ServiceResult<SessionLogPage> {
        self.meeting_of_caller(caller, meeting).await?;
        let events = self.store.session_log(meeting, since).await?;
        let mut devices: Vec<ecabinet_domain::api::VoterDevice> = Vec::new();
        for device in events.iter().map(|e| e.event().device_id).chain(also) {
            if devices.iter().any(|d| d.device_id == device) {
                continue;
            }
            let Some(found) = self.store.device(device).await? else {
                continue;
            };
            let of_organisation = self
                .store
                .person(found.person_id)
                .await?
                .is_some_and(|p| p.organisation_id == caller.person.organisation_id);
            if of_organisation {
                devices.push(ecabinet_domain::api::VoterDevice {
                    device_id: found.id,
                    person_id: found.person_id,
                    signing_public_key: ecabinet_crypto::b64_encode(&found.signing_public_key),
                });
            }
        }
        Ok(SessionLogPage {
            events,
            server_now: Utc::now(),
            devices,
        })
    }

    /// Checks, orders, stores and announces one live event.
    pub async fn append_live_event(
        &self,
        caller: &Caller,
        meeting_id: MeetingId,
        signed: SignedLiveEvent,
    ) -> ServiceResult<OrderedLiveEvent> {
        let meeting = self.meeting_of_caller(caller, meeting_id).await?;
        let event = &signed.event;
        if event.meeting_id != meeting_id {
            return Err(ServiceError::BadRequest(
                "the event names another meeting than the one it was sent to".into(),
            ));
        }
        // The room's hub relays the events of devices that reach it but not
        // the server; each is still checked against its own device's key,
        // and judged as its author's.
        let relayed;
        let caller = if event.device_id == caller.device && event.author == caller.person.id {
            caller
        } else {
            relayed = self.relayed_author(caller, meeting_id, &signed).await?;
            &relayed
        };
        let key = self.signing_key(caller.device).await?;
        verify_signature(&key, &event.signing_message(), &signed.signature.0)
            .map_err(|_| ServiceError::BadSignature)?;
        let now = Utc::now();
        if (event.made_at - now).num_seconds().abs() > MAX_CLOCK_SKEW_SECONDS {
            return Err(ServiceError::BadRequest(format!(
                "this device's clock is more than {} minutes from the server's; set the time and try again",
                MAX_CLOCK_SKEW_SECONDS / 60
            )));
        }
        Self::require_published(&meeting)?;
        self.require_participant(caller, &meeting)?;
        self.check_beyond_rules(caller, &meeting, &event.body)
            .await?;
        let facts = self.session_facts(&meeting, &event.body).await?;
        let actor = Actor {
            person: caller.person.id,
            secretary: caller.person.role == Role::Secretary,
        };

        let (ordered, change) = self
            .order(meeting.organisation_id, meeting_id, &facts, actor, signed)
            .await?;
        // The event is stored: what follows from it must happen even if the
        // caller hangs up now (the request's future would be dropped).
        let services = self.clone();
        let (follow_meeting, follow_event) = (meeting.clone(), ordered.clone());
        let follow_up = tokio::spawn(async move {
            services
                .after_ordering(&follow_meeting, &follow_event, change)
                .await;
        });
        if let Err(error) = follow_up.await {
            tracing::warn!(%error, "a session event's follow-up did not finish");
        }
        Ok(ordered)
    }

    async fn order(
        &self,
        organisation: ecabinet_domain::OrganisationId,
        meeting: MeetingId,
        facts: &SessionFacts,
        actor: Actor,
        signed: SignedLiveEvent,
    ) -> ServiceResult<(OrderedLiveEvent, i64)> {
        let mut heads = self.sessions.heads.lock().await;
        // Under the orderer's lock: a hub's segment is taken under it too.
        self.require_server_orders(meeting).await?;
        for _ in 0..APPEND_ATTEMPTS {
            // The cached head is trusted as it stands: if another instance
            // appended since, the store refuses the append (its head is
            // re-checked inside the transaction) and the log is re-read.
            let head = self.head_of(&mut heads, meeting).await?;
            head.state
                .check(facts, actor, signed.event.id, &signed.event.body)
                .map_err(ServiceError::Session)?;
            // The orderer's clock never runs backwards within a log.
            let mut at = to_millis(Utc::now());
            if let Some(previous) = head.at {
                at = at.max(previous);
            }
            let ordered = ecabinet_room::chain::order(
                head.state.seq + 1,
                &head.hash,
                at,
                signed.clone(),
                &self.server_key,
            );
            match self
                .store
                .append_session_event(organisation, &ordered)
                .await?
            {
                Some(change) => {
                    let mut state = head.state;
                    state.apply(&ordered);
                    // Who is heard follows the floor and the microphones.
                    let voices = state.voices(facts.chair).into_iter().map(|p| p.0).collect();
                    self.voice.set_talkers(meeting.0, voices);
                    heads.insert(
                        meeting,
                        OrderedHead {
                            state,
                            hash: ordered.hash.0.clone(),
                            at: Some(at),
                        },
                    );
                    return Ok((ordered, change));
                }
                None => {
                    heads.remove(&meeting);
                }
            }
        }
        Err(ServiceError::Unavailable(
            "the session's log is busy".into(),
        ))
    }

    /// The author of an event the room's hub relays: the caller must be the
    /// meeting's named hub, and the event's device its author's.
    async fn relayed_author(
        &self,
        caller: &Caller,
        meeting: MeetingId,
        signed: &SignedLiveEvent,
    ) -> ServiceResult<Caller> {
        let forbidden = ServiceError::Forbidden(
            "an event must be made and signed by the device that sends it, or relayed by the room's hub",
        );
        let is_hub = self
            .store
            .room_hub(meeting)
            .await?
            .is_some_and(|hub| hub.device == caller.device);
        if !is_hub {
            return Err(forbidden);
        }
        let device = self
            .store
            .device(signed.event.device_id)
            .await?
            .filter(|d| d.revoked_at.is_none() && d.person_id == signed.event.author)
            .ok_or(forbidden)?;
        let person = self
            .store
            .person(device.person_id)
            .await?
            .filter(|p| p.organisation_id == caller.person.organisation_id)
            .ok_or(ServiceError::NotFound("person"))?;
        Ok(Caller {
            device: device.id,
            person,
        })
    }

    /// What the server checks beyond the rules of the log: no note on a
    /// restricted item's outcome, who may record whose attendance, and
    /// that a vote named in the log is the vote as it was opened.
    pub(crate) async fn check_beyond_rules(
        &self,
        caller: &Caller,
        meeting: &Meeting,
        body: &LiveEventBody,
    ) -> ServiceResult<()> {
        if let LiveEventBody::ItemOutcome {
            item,
            note: Some(_),
            ..
        } = body
        {
            let restricted = self
                .store
                .agenda_item(*item)
                .await?
                .is_some_and(|(found, _)| found.restricted);
            if restricted {
                return Err(ServiceError::BadRequest(
                    "a note on a restricted item's outcome would reach every participant: record the outcome without it".into(),
                ));
            }
        }
        if let LiveEventBody::Attendance { person, presence } = body {
            let runs = Self::require_runs_meeting(caller, meeting).is_ok();
            self.check_attendance(caller, meeting, *person, presence, runs)
                .await?;
        }
        self.check_motion(meeting, body).await
    }

    /// The meeting's log as this instance holds it, read from the store the
    /// first time.
    pub(crate) async fn head_of(
        &self,
        heads: &mut HashMap<MeetingId, OrderedHead>,
        meeting: MeetingId,
    ) -> ServiceResult<OrderedHead> {
        if let Some(head) = heads.get(&meeting) {
            return Ok(head.clone());
        }
        let log = self.store.session_log(meeting, 0).await?;
        let head = OrderedHead {
            state: SessionState::from_log(&log),
            hash: log
                .last()
                .map(|e| e.hash.0.clone())
                .unwrap_or_else(|| GENESIS_HASH.to_vec()),
            at: log.last().map(|e| e.at),
        };
        heads.insert(meeting, head.clone());
        Ok(head)
    }

    /// Members take part in meetings they are invited to (all members when
    /// the meeting names none); substitutes for them, the chair and the
    /// secretariat too.
    pub(crate) fn require_participant(
        &self,
        caller: &Caller,
        meeting: &Meeting,
    ) -> ServiceResult<()> {
        if takes_part(meeting, &caller.person) {
            Ok(())
        } else {
            Err(ServiceError::Forbidden(
                "you are not a participant of this meeting",
            ))
        }
    }

    /// What the rules need to know: the chair, the agenda, and for a
    /// presenter page the document shown.
    async fn session_facts(
        &self,
        meeting: &Meeting,
        body: &LiveEventBody,
    ) -> ServiceResult<SessionFacts> {
        let agenda = self.store.agenda(meeting.id).await?;
        let mut items: Vec<ItemFacts> = agenda
            .iter()
            .map(|item| ItemFacts {
                id: item.id,
                presenter: item.details.presenter,
                documents: Vec::new(),
            })
            .collect();
        if let LiveEventBody::PresenterPage {
            item,
            document,
            version,
            ..
        } = body
        {
            if let Some((found, _)) = self.store.document(*document, *version).await? {
                if found.agenda_item_id == *item {
                    let pages = serde_json::from_str::<DocumentManifest>(&found.manifest)
                        .ok()
                        .and_then(|m| m.page_count);
                    if let Some(facts) = items.iter_mut().find(|i| i.id == *item) {
                        facts.documents.push(DocumentFacts {
                            id: *document,
                            version: *version,
                            pages,
                        });
                    }
                }
            }
        }
        Ok(SessionFacts {
            meeting: meeting.id,
            chair: meeting.details.chair,
            items,
        })
    }

    /// A vote named in the log must exist on the item, as the event says.
    async fn check_motion(&self, meeting: &Meeting, body: &LiveEventBody) -> ServiceResult<()> {
        let (motion, item, question, closed): (MotionId, Option<AgendaItemId>, Option<&str>, bool) =
            match body {
                LiveEventBody::MotionOpened {
                    motion,
                    item,
                    question,
                } => (*motion, Some(*item), Some(question), false),
                LiveEventBody::MotionClosed { motion, .. } => (*motion, None, None, true),
                _ => return Ok(()),
            };
        let (found, organisation) = self
            .store
            .motion(motion)
            .await?
            .filter(|(m, _)| m.meeting_id == meeting.id)
            .ok_or(ServiceError::NotFound("motion"))?;
        if organisation != meeting.organisation_id {
            return Err(ServiceError::NotFound("motion"));
        }
        let restricted = self
            .store
            .agenda_item(found.agenda_item_id)
            .await?
            .is_some_and(|(item, _)| item.restricted);
        if restricted {
            return Err(ServiceError::Conflict(
                "a vote on a restricted item stays with the item's audience: it is not written into the session's log, which every participant reads".into(),
            ));
        }
        if item.is_some_and(|item| item != found.agenda_item_id)
            || question.is_some_and(|q| q != found.question)
        {
            return Err(ServiceError::Conflict(
                "the event does not describe this vote as it was opened".into(),
            ));
        }
        if closed {
            if found.status != MotionStatus::Closed {
                return Err(ServiceError::Conflict(
                    "this vote is still open: close it first (ecab motion close)".into(),
                ));
            }
            if let LiveEventBody::MotionClosed { tally, .. } = body {
                if *tally != found.tally {
                    return Err(ServiceError::Conflict(
                        "the event's tally is not the vote's tally".into(),
                    ));
                }
            }
        }
        Ok(())
    }

    /// What an event changes outside the log: attendance (which decides who
    /// may vote) and the item's status; then everyone is told at once.
    pub(crate) async fn after_ordering(
        &self,
        meeting: &Meeting,
        ordered: &OrderedLiveEvent,
        change: i64,
    ) {
        let organisation = meeting.organisation_id;
        // The cursor first, then the room. A socket subscribing to live
        // events after the send then reads a first cursor that counts this
        // change. No socket is woken when this change is the only new one:
        // the organisation's sockets carry it with the event (a device
        // behind it pulls), and a socket that lags behind the broadcast
        // pokes by itself. With changes below it not yet announced (another
        // writer, another instance), every socket is woken as before.
        self.cursor.send_if_modified(|current| {
            if change <= *current {
                return false;
            }
            let unannounced_below = change - *current > 1;
            *current = change;
            unannounced_below
        });
        // The room next: the event goes out before any follow-up write.
        if let Ok(text) = serde_json::to_string(&LiveMessage {
            live: ordered.clone(),
            cursor: Some(change),
        }) {
            // No receivers is fine: nobody is connected.
            let _ = self.live.send(LiveBroadcast {
                organisation,
                change,
                message: text.into(),
            });
        }
        let mut wrote_more = false;
        let result: ServiceResult<()> = async {
            match &ordered.event().body {
                LiveEventBody::Attendance { person, presence } => {
                    wrote_more = true;
                    self.store
                        .set_attendance(
                            organisation,
                            &Attendance {
                                meeting_id: meeting.id,
                                person_id: *person,
                                presence: presence.clone(),
                                recorded_at: ordered.at,
                            },
                        )
                        .await?;
                }
                LiveEventBody::ItemTakenUp { item } => {
                    // A restricted item is heard by its audience only.
                    self.voice_audience(meeting, Some(*item)).await?;
                    // Only a scheduled item goes into discussion: taking up
                    // an adopted or deferred one again keeps its decision.
                    let scheduled = self
                        .store
                        .agenda_item(*item)
                        .await?
                        .is_some_and(|(found, _)| found.details.status == ItemStatus::Scheduled);
                    if scheduled {
                        wrote_more |= self
                            .set_item_status(organisation, *item, ItemStatus::InDiscussion)
                            .await?;
                    }
                }
                LiveEventBody::ItemOutcome { item, outcome, .. } => {
                    use ecabinet_domain::session::ItemOutcome;
                    let status = match outcome {
                        ItemOutcome::Adopted => Some(ItemStatus::Adopted),
                        ItemOutcome::Deferred => Some(ItemStatus::Deferred),
                        ItemOutcome::Withdrawn => Some(ItemStatus::Withdrawn),
                        ItemOutcome::Noted => None,
                    };
                    if let Some(status) = status {
                        wrote_more |= self.set_item_status(organisation, *item, status).await?;
                    }
                }
                _ => {}
            }
            Ok(())
        }
        .await;
        if let Err(error) = result {
            tracing::warn!(%error, event = %ordered.event().id.0, "a session event's follow-up failed");
        }
        if wrote_more {
            self.poke(organisation).await;
        }
    }

    async fn set_item_status(
        &self,
        organisation: ecabinet_domain::OrganisationId,
        item: AgendaItemId,
        status: ItemStatus,
    ) -> ServiceResult<bool> {
        if let Some((mut found, _)) = self.store.agenda_item(item).await? {
            if found.details.status != status {
                found.details.status = status;
                self.store.update_agenda_item(organisation, &found).await?;
                return Ok(true);
            }
        }
        Ok(false)
    }
}

/// Who takes part in a meeting: the invited members (every member when
/// none are named), the chair, substitutes, and the secretariat.
pub(crate) fn takes_part(meeting: &Meeting, person: &ecabinet_domain::Person) -> bool {
    person.role == Role::Secretary || meeting.details.invites(person.id)
}

impl From<Refusal> for ServiceError {
    fn from(refusal: Refusal) -> Self {
        ServiceError::Session(refusal)
    }
}

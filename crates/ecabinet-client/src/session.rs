//! The meeting in session on this device: live events are signed here and
//! sent to the orderer (they need the room's connection: a request for the
//! floor made offline would be meaningless by the time it arrived), the
//! replica keeps each meeting's log in order, and the live view is folded
//! from it with the same rules the orderer uses.

use std::sync::atomic::Ordering;

use chrono::{DateTime, Utc};
use ecabinet_domain::ops::Bytes;
use ecabinet_domain::session::rules::{
    present_count, quorum_needed, SessionAttendance, SessionState, SessionStatus,
};
use ecabinet_domain::session::{
    to_millis, FloorRequestId, ItemOutcome, LiveEvent, LiveEventBody, LiveEventId,
    OrderedLiveEvent, SignedLiveEvent, SpeechKind,
};
use ecabinet_domain::voting::{Motion, MotionStatus, Presence};
use ecabinet_domain::{AgendaItemId, DocumentId, ItemStatus, MeetingId, PersonId, Role};
use serde::{Deserialize, Serialize};

use crate::api::SocketMessage;
use crate::error::{ClientError, ClientResult};
use crate::Client;

impl Client {
    /// The server's clock as this device estimates it: timers count from the
    /// orderer's event times, never from the viewer's clock.
    pub fn server_now(&self) -> DateTime<Utc> {
        Utc::now() + chrono::Duration::milliseconds(self.server_offset_ms.load(Ordering::Relaxed))
    }

    fn note_server_time(&self, server: DateTime<Utc>) {
        self.server_offset_ms
            .store((server - Utc::now()).num_milliseconds(), Ordering::Relaxed);
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct NamedRef {
    pub id: PersonId,
    pub name: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SpeakerNow {
    pub request: FloorRequestId,
    pub person: NamedRef,
    pub kind: SpeechKind,
    pub since: DateTime<Utc>,
    pub limit_seconds: u32,
    /// Counted from the orderer's time of the floor being given.
    pub elapsed_seconds: u32,
    /// Negative once over time.
    pub remaining_seconds: i32,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct WaitingView {
    pub request: FloorRequestId,
    pub person: NamedRef,
    pub kind: SpeechKind,
    /// 1 = next.
    pub place: u32,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SpokenView {
    pub person: NamedRef,
    pub kind: SpeechKind,
    pub duration_seconds: u32,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SpeakerListView {
    pub item: AgendaItemId,
    pub speaking: Option<SpeakerNow>,
    pub waiting: Vec<WaitingView>,
    pub done: Vec<SpokenView>,
    pub speaking_seconds: u32,
    /// This person's place in the queue, if waiting.
    pub my_place: Option<u32>,
    /// This person's waiting request, if any.
    pub my_request: Option<FloorRequestId>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PresenterView {
    pub item: AgendaItemId,
    pub by: NamedRef,
    /// The page shown, when this device may see its document. `None` on a
    /// restricted item this person is not on: the view then carries the
    /// item alone (show its title and "not shared with you"), never which
    /// document or page.
    pub shown: Option<PresentedPage>,
}

/// How long a session view waits for the pull of a presented document
/// this replica lacks.
const PRESENTED_PULL_WAIT: std::time::Duration = std::time::Duration::from_secs(2);

/// What the presenter shows, for those the document is shared with.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PresentedPage {
    pub document: DocumentId,
    pub version: u32,
    pub page: u32,
    pub zoom_percent: u32,
    pub title: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct AttendanceLineView {
    pub person: NamedRef,
    pub presence: Presence,
    /// Who stands in, when substituted.
    pub substitute: Option<NamedRef>,
    /// The substitute the meeting names for this member, if any (the one
    /// the secretariat can record).
    pub designated_substitute: Option<NamedRef>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct AttendanceBoard {
    pub participants: u32,
    pub present: u32,
    pub remote: u32,
    pub absent: u32,
    pub substituted: u32,
    pub quorum_needed: u32,
    pub quorum_met: bool,
    pub lines: Vec<AttendanceLineView>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ItemProgress {
    pub id: AgendaItemId,
    pub position: i32,
    pub title: String,
    pub status: ItemStatus,
    pub taken_up: bool,
    pub current: bool,
    pub outcome: Option<ItemOutcome>,
    pub outcome_note: Option<String>,
}

/// The live state of a meeting's session, as this device derives it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SessionView {
    pub meeting_id: MeetingId,
    pub meeting_title: String,
    pub status: SessionStatus,
    /// Events in the log held here.
    pub seq: u32,
    pub chair: Option<NamedRef>,
    /// Whether this person runs the session (the chair or the secretariat).
    pub i_run_it: bool,
    pub started_at: Option<DateTime<Utc>>,
    pub ended_at: Option<DateTime<Utc>>,
    pub current_item: Option<ItemProgress>,
    pub speakers: Option<SpeakerListView>,
    pub presenter: Option<PresenterView>,
    pub attendance: AttendanceBoard,
    pub open_motions: Vec<Motion>,
    pub items: Vec<ItemProgress>,
    /// Who the room's voice lets be heard now, most important first: the
    /// member with the floor, the chair, microphones the chair opened.
    pub voices: Vec<NamedRef>,
    /// Whether this person's microphone is open now (they are heard).
    pub my_microphone_open: bool,
    /// The server's clock as this device estimates it, when the view was made.
    pub server_now: DateTime<Utc>,
}

impl Client {
    /// Signs a live event with this device's key (the sending is separate,
    /// for tools and tests that speak HTTP themselves).
    pub fn sign_live_event(&self, event: LiveEvent) -> SignedLiveEvent {
        let signature = self.keys.signing.sign(&event.signing_message());
        SignedLiveEvent {
            event,
            signature: Bytes(signature.to_vec()),
        }
    }

    /// Signs `body` as this device and sends it to the orderer; the event as
    /// ordered goes into the replica. Needs the room's connection.
    pub async fn send_live_event(
        &self,
        meeting: MeetingId,
        body: LiveEventBody,
    ) -> ClientResult<OrderedLiveEvent> {
        let action = describe(&body);
        let event = LiveEvent {
            id: LiveEventId::new(),
            meeting_id: meeting,
            device_id: self.profile.device_id,
            author: self.profile.person.id,
            made_at: to_millis(Utc::now()),
            body,
        };
        let signed = self.sign_live_event(event);
        let sent = match self.token().await {
            Ok(token) => self
                .api
                .post_live_event(&token, &signed)
                .await
                .map(|ordered| (ordered, token)),
            Err(error) => Err(error),
        };
        match sent {
            Ok((ordered, token)) => {
                self.note_server_time(ordered.at);
                // Whatever came before it (another device's events) first.
                self.catch_up_session_with(&token, meeting).await?;
                Ok(ordered)
            }
            // The server is away, or the room's hub orders the log now:
            // this device's room process carries the event, if one runs.
            Err(error) if room_may_carry(&error) => {
                match crate::room::ask_room_process(
                    &self.dir,
                    &crate::room::LocalRequest::Submit { signed },
                )
                .await?
                {
                    Some(crate::room::LocalAnswer::Ordered { event }) => Ok(event),
                    Some(crate::room::LocalAnswer::Refused { code, message }) => {
                        Err(ClientError::Server {
                            status: 409,
                            code,
                            message,
                        })
                    }
                    Some(
                        crate::room::LocalAnswer::Status(_)
                        | crate::room::LocalAnswer::BallotTaken { .. },
                    ) => Err(ClientError::Protocol(
                        "the room process answered another request".into(),
                    )),
                    None => Err(needs_room(error, action)),
                }
            }
            Err(error) => Err(needs_room(error, action)),
        }
    }

    /// Opens or closes a member's microphone (the chair, the secretariat).
    pub async fn set_microphone(
        &self,
        meeting: MeetingId,
        person: ecabinet_domain::PersonId,
        open: bool,
    ) -> ClientResult<OrderedLiveEvent> {
        self.send_live_event(meeting, LiveEventBody::MicrophoneSet { person, open })
            .await
    }

    /// Brings this device's copy of the meeting's log up to date.
    pub async fn catch_up_session(&self, meeting: MeetingId) -> ClientResult<u32> {
        let token = self.token().await?;
        self.catch_up_session_with(&token, meeting).await
    }

    async fn catch_up_session_with(&self, token: &str, meeting: MeetingId) -> ClientResult<u32> {
        let held = self.replica.session_head(meeting).await?;
        let page = self.api.session_log(token, meeting, held, None).await?;
        self.note_server_time(page.server_now);
        self.store_session_events(meeting, held, &page.events).await
    }

    /// Keeps events that continue the log held here; returns the new head.
    async fn store_session_events(
        &self,
        meeting: MeetingId,
        held: u32,
        events: &[OrderedLiveEvent],
    ) -> ClientResult<u32> {
        let mut head = held;
        let mut next = Vec::new();
        for event in events {
            if event.event().meeting_id != meeting || event.seq <= head {
                continue;
            }
            if event.seq != head + 1 {
                return Err(ClientError::Protocol(format!(
                    "the session log skipped from {head} to {}",
                    event.seq
                )));
            }
            head = event.seq;
            next.push(event.clone());
        }
        self.replica.put_session_events(&next).await?;
        Ok(head)
    }

    /// Takes a live event from the event socket: kept if it is the next one
    /// held here (returns true), else the log is fetched to fill the gap.
    pub async fn take_live_event(&self, event: &OrderedLiveEvent) -> ClientResult<bool> {
        self.take_live_message(&ecabinet_domain::session::LiveMessage {
            live: event.clone(),
            cursor: None,
        })
        .await
        .map(|(moved, _)| moved)
    }

    /// [`Client::take_live_event`], and the change stream's cursor: moved
    /// past the event when the replica stood just before it, so the poke for
    /// it costs no pull. Returns (the log moved, the replica is still behind
    /// the stream).
    pub async fn take_live_message(
        &self,
        message: &ecabinet_domain::session::LiveMessage,
    ) -> ClientResult<(bool, bool)> {
        let event = &message.live;
        let meeting = event.event().meeting_id;
        let held = self.replica.session_head(meeting).await?;
        let next = event.seq == held + 1;
        let moved = if event.seq <= held {
            false // already here (it came by the other path first)
        } else if !next {
            self.catch_up_session(meeting).await?;
            true
        } else {
            true
        };
        let behind = match message.cursor {
            Some(change) => {
                let stored = next.then_some(event);
                !self.replica.put_live_change(stored, change).await?
            }
            None => {
                if next {
                    self.replica
                        .put_session_events(std::slice::from_ref(event))
                        .await?;
                }
                false
            }
        };
        Ok((moved, behind))
    }

    /// The log held here, folded: kept per meeting and advanced by the
    /// events added since, so a view costs the new events, not the whole log.
    pub async fn folded_session(&self, meeting: MeetingId) -> ClientResult<SessionState> {
        let cached = self
            .folded
            .lock()
            .ok()
            .and_then(|folded| folded.get(&meeting).cloned());
        let head = self.replica.session_head(meeting).await?;
        let mut state = match cached {
            Some(state) if state.seq == head => return Ok(state),
            // Older than the log held here: add what came since.
            Some(state) if state.seq < head => state,
            // The replica was reset (or never folded): start again.
            _ => SessionState::default(),
        };
        for event in self
            .replica
            .session_events_since(meeting, state.seq)
            .await?
        {
            state.apply(&event);
        }
        if let Ok(mut folded) = self.folded.lock() {
            folded.insert(meeting, state.clone());
        }
        Ok(state)
    }

    /// The meeting's log as held here.
    pub async fn session_log(&self, meeting: MeetingId) -> ClientResult<Vec<OrderedLiveEvent>> {
        self.replica.session_events(meeting).await
    }

    /// The live state, folded from the log held here (works offline, showing
    /// what was last heard).
    pub async fn session_view(&self, meeting: MeetingId) -> ClientResult<SessionView> {
        let state = self.folded_session(meeting).await?;
        self.session_view_of(meeting, state).await
    }

    /// The folded log held here plus `event`, if `event` is the next one:
    /// the view a follower shows before the replica has stored the event.
    fn folded_with_next(
        &self,
        meeting: MeetingId,
        event: &ecabinet_domain::session::OrderedLiveEvent,
    ) -> Option<SessionState> {
        let folded = self.folded.lock().ok()?;
        let state = folded.get(&meeting)?;
        if state.seq + 1 != event.seq {
            return None;
        }
        let mut next = state.clone();
        next.apply(event);
        Some(next)
    }

    /// Whether a presented (document, version) missing here has not been
    /// pulled for yet (and marks it pulled for).
    fn first_pull_for(&self, document: DocumentId, version: u32) -> bool {
        self.presented_pulls
            .lock()
            .is_ok_and(|mut pulled| pulled.insert((document, version)))
    }

    /// Whether pulling may bring a presented document this replica lacks:
    /// not while the server is known to be out of reach (the room goes on
    /// without it), and not for a restricted item this person is not on
    /// (it will never come; a room of such devices would all pull at once).
    async fn worth_pulling_for(&self, item: AgendaItemId) -> bool {
        if self.server_known_unreachable() {
            return false;
        }
        let Ok(found) = self.agenda_item(item).await else {
            return false;
        };
        if !found.restricted || self.profile.person.role == Role::Secretary {
            return true;
        }
        let me = self.profile.person.id;
        self.replica
            .meeting_access(found.meeting_id)
            .await
            .is_ok_and(|lists| {
                lists
                    .iter()
                    .any(|list| list.agenda_item_id == item && list.persons.contains(&me))
            })
    }

    async fn session_view_of(
        &self,
        meeting: MeetingId,
        state: SessionState,
    ) -> ClientResult<SessionView> {
        let found = self.meeting_here(meeting).await?;
        let people = self.replica.persons().await?;
        let named = |id: PersonId| NamedRef {
            id,
            name: people
                .iter()
                .find(|p| p.id == id)
                .map(|p| p.name.clone())
                .unwrap_or_else(|| id.to_string()),
        };
        let me = self.profile.person.id;
        let agenda = self.replica.agenda(meeting).await?;
        let progress = |item: &ecabinet_domain::AgendaItem| {
            let session = state.item(item.id);
            ItemProgress {
                id: item.id,
                position: item.position,
                title: item.title.clone(),
                status: item.details.status,
                taken_up: session.is_some(),
                current: state.current_item == Some(item.id),
                outcome: session.and_then(|s| s.outcome),
                outcome_note: session.and_then(|s| s.outcome_note.clone()),
            }
        };
        let items: Vec<ItemProgress> = agenda.iter().map(progress).collect();
        let now = self.server_now();
        let speakers = state.current().map(|current| {
            let list = &current.speakers;
            SpeakerListView {
                item: current.item,
                speaking: list.speaking.as_ref().map(|s| {
                    let elapsed = (now - s.since).num_seconds().max(0) as u32;
                    SpeakerNow {
                        request: s.request,
                        person: named(s.person),
                        kind: s.kind,
                        since: s.since,
                        limit_seconds: current.speaking_seconds,
                        elapsed_seconds: elapsed,
                        remaining_seconds: current.speaking_seconds as i32 - elapsed as i32,
                    }
                }),
                waiting: list
                    .waiting
                    .iter()
                    .enumerate()
                    .map(|(i, w)| WaitingView {
                        request: w.request,
                        person: named(w.person),
                        kind: w.kind,
                        place: i as u32 + 1,
                    })
                    .collect(),
                done: list
                    .done
                    .iter()
                    .map(|d| SpokenView {
                        person: named(d.person),
                        kind: d.kind,
                        duration_seconds: ((d.duration_ms() + 500) / 1000) as u32,
                    })
                    .collect(),
                speaking_seconds: current.speaking_seconds,
                my_place: list.place_of(me).map(|p| p as u32),
                my_request: list
                    .waiting
                    .iter()
                    .find(|w| w.person == me)
                    .map(|w| w.request),
            }
        });
        let presenter = match &state.presenter {
            Some(page) => {
                let mut document = self
                    .replica
                    .document_version(page.document, page.version)
                    .await?;
                if document.is_none()
                    && self.worth_pulling_for(page.item).await
                    && self.first_pull_for(page.document, page.version)
                {
                    // Shown before this replica heard of it (a version
                    // published a moment ago): pulled once, briefly, since
                    // live events wait behind it (the sync loop brings it
                    // later otherwise). Still absent, it is not shared with
                    // this person.
                    match tokio::time::timeout(PRESENTED_PULL_WAIT, self.sync()).await {
                        Ok(Ok(_)) => {}
                        Ok(Err(error)) => {
                            tracing::info!(%error, "could not pull the presented document")
                        }
                        Err(_) => tracing::info!("the presented document is still on its way"),
                    }
                    document = self
                        .replica
                        .document_version(page.document, page.version)
                        .await?;
                }
                Some(PresenterView {
                    item: page.item,
                    by: named(page.by),
                    shown: document.map(|d| PresentedPage {
                        document: page.document,
                        version: page.version,
                        page: page.page,
                        zoom_percent: page.zoom_percent,
                        title: d.title,
                    }),
                })
            }
            None => None,
        };
        let attendance = self.attendance_board(&found, &state, &people).await?;
        let open_motions = self
            .replica
            .motions(meeting)
            .await?
            .into_iter()
            .filter(|m| m.status == MotionStatus::Open)
            .collect();
        let chair = found.details.chair;
        let i_run_it = self.profile.person.role == Role::Secretary || chair == Some(me);
        let voices = state.voices(chair);
        let my_microphone_open = voices.contains(&me);
        Ok(SessionView {
            meeting_id: meeting,
            meeting_title: found.title.clone(),
            status: state.status,
            seq: state.seq,
            chair: chair.map(named),
            i_run_it,
            started_at: state.started_at,
            ended_at: state.ended_at,
            current_item: state
                .current_item
                .and_then(|id| items.iter().find(|i| i.id == id).cloned()),
            speakers,
            presenter,
            attendance,
            open_motions,
            items,
            voices: voices.into_iter().map(named).collect(),
            my_microphone_open,
            server_now: now,
        })
    }

    async fn attendance_board(
        &self,
        meeting: &ecabinet_domain::Meeting,
        state: &SessionState,
        people: &[ecabinet_domain::Person],
    ) -> ClientResult<AttendanceBoard> {
        let participants: Vec<PersonId> = if meeting.details.participants.is_empty() {
            people
                .iter()
                .filter(|p| p.role == Role::Member)
                .map(|p| p.id)
                .collect()
        } else {
            meeting.details.participants.clone()
        };
        // The server's attendance records, with the log's newer ones over them.
        let mut records: Vec<SessionAttendance> = self
            .replica
            .attendance(meeting.id)
            .await?
            .into_iter()
            .map(|a| SessionAttendance {
                person: a.person_id,
                presence: a.presence,
            })
            .collect();
        for record in &state.attendance {
            match records.iter_mut().find(|r| r.person == record.person) {
                Some(existing) => existing.presence = record.presence.clone(),
                None => records.push(record.clone()),
            }
        }
        records.retain(|r| participants.contains(&r.person));
        let name = |id: PersonId| NamedRef {
            id,
            name: people
                .iter()
                .find(|p| p.id == id)
                .map(|p| p.name.clone())
                .unwrap_or_else(|| id.to_string()),
        };
        let lines: Vec<AttendanceLineView> = participants
            .iter()
            .map(|person| {
                let presence = records
                    .iter()
                    .find(|r| r.person == *person)
                    .map(|r| r.presence.clone())
                    .unwrap_or(Presence::Absent { reason: None });
                AttendanceLineView {
                    person: name(*person),
                    substitute: match &presence {
                        Presence::Substituted { by: Some(by) } => Some(name(*by)),
                        _ => None,
                    },
                    designated_substitute: meeting
                        .details
                        .substitutes
                        .iter()
                        .find(|s| s.member == *person)
                        .map(|s| name(s.substitute)),
                    presence,
                }
            })
            .collect();
        let count =
            |f: fn(&Presence) -> bool| lines.iter().filter(|l| f(&l.presence)).count() as u32;
        let present = present_count(&records) as u32;
        let needed = quorum_needed(participants.len()) as u32;
        Ok(AttendanceBoard {
            participants: participants.len() as u32,
            present,
            remote: count(|p| matches!(p, Presence::Remote)),
            absent: count(|p| matches!(p, Presence::Absent { .. })),
            substituted: count(|p| matches!(p, Presence::Substituted { .. })),
            quorum_needed: needed,
            quorum_met: present >= needed,
            lines,
        })
    }

    /// The meeting an agenda item belongs to.
    async fn meeting_of_item(&self, item: AgendaItemId) -> ClientResult<MeetingId> {
        Ok(self.agenda_item(item).await?.meeting_id)
    }

    /// Sends an event about an agenda item to its meeting's log.
    async fn send_on_item(
        &self,
        item: AgendaItemId,
        body: LiveEventBody,
    ) -> ClientResult<OrderedLiveEvent> {
        let meeting = self.meeting_of_item(item).await?;
        self.send_live_event(meeting, body).await
    }

    /// Whether the meeting's session is running, as last heard here.
    pub async fn session_running(&self, meeting: MeetingId) -> ClientResult<bool> {
        Ok(matches!(
            self.folded_session(meeting).await?.status,
            SessionStatus::Running | SessionStatus::Suspended
        ))
    }

    pub async fn start_session(&self, meeting: MeetingId) -> ClientResult<OrderedLiveEvent> {
        self.send_live_event(meeting, LiveEventBody::SessionStarted)
            .await
    }

    pub async fn suspend_session(&self, meeting: MeetingId) -> ClientResult<OrderedLiveEvent> {
        self.send_live_event(meeting, LiveEventBody::SessionSuspended)
            .await
    }

    pub async fn resume_session(&self, meeting: MeetingId) -> ClientResult<OrderedLiveEvent> {
        self.send_live_event(meeting, LiveEventBody::SessionResumed)
            .await
    }

    pub async fn end_session(&self, meeting: MeetingId) -> ClientResult<OrderedLiveEvent> {
        self.send_live_event(meeting, LiveEventBody::SessionEnded)
            .await
    }

    /// Takes up an agenda item (the chair or the secretariat).
    pub async fn take_up_item(&self, item: AgendaItemId) -> ClientResult<OrderedLiveEvent> {
        self.send_on_item(item, LiveEventBody::ItemTakenUp { item })
            .await
    }

    pub async fn record_outcome(
        &self,
        item: AgendaItemId,
        outcome: ItemOutcome,
        note: Option<String>,
    ) -> ClientResult<OrderedLiveEvent> {
        let note = note.map(|n| n.trim().to_owned()).filter(|n| !n.is_empty());
        self.send_on_item(
            item,
            LiveEventBody::ItemOutcome {
                item,
                outcome,
                note,
            },
        )
        .await
    }

    /// Asks for the floor on the current item, for this person.
    pub async fn request_floor(
        &self,
        item: AgendaItemId,
        kind: SpeechKind,
    ) -> ClientResult<FloorRequestId> {
        let request = FloorRequestId::new();
        self.send_on_item(
            item,
            LiveEventBody::FloorRequested {
                request,
                item,
                kind,
            },
        )
        .await?;
        Ok(request)
    }

    /// Withdraws this person's waiting request on the item.
    pub async fn withdraw_floor(&self, item: AgendaItemId) -> ClientResult<FloorRequestId> {
        let meeting = self.meeting_of_item(item).await?;
        let _ = self.catch_up_session(meeting).await;
        let view = self.session_view(meeting).await?;
        let request = view
            .speakers
            .filter(|s| s.item == item)
            .and_then(|s| s.my_request)
            .ok_or_else(|| ClientError::Server {
                status: 409,
                code: "not_waiting".into(),
                message: "you are not waiting for the floor on this item".into(),
            })?;
        self.send_live_event(meeting, LiveEventBody::FloorWithdrawn { request })
            .await?;
        Ok(request)
    }

    /// Gives the floor to the next waiting request (the chair).
    pub async fn floor_next(&self, item: AgendaItemId) -> ClientResult<FloorRequestId> {
        let meeting = self.meeting_of_item(item).await?;
        // Without the server, the room process keeps the log held here current.
        if let Err(error) = self.catch_up_session(meeting).await {
            if !room_may_carry(&error) {
                return Err(needs_room(error, "giving the floor"));
            }
        }
        let state = self.folded_session(meeting).await?;
        let next = state
            .item(item)
            .and_then(|s| s.speakers.next())
            .map(|w| w.request)
            .ok_or_else(|| ClientError::Server {
                status: 409,
                code: "nobody_waiting".into(),
                message: "nobody is waiting for the floor on this item".into(),
            })?;
        self.send_live_event(meeting, LiveEventBody::FloorGiven { request: next })
            .await?;
        Ok(next)
    }

    /// Gives the floor to a waiting request (the chair).
    pub async fn floor_give(&self, request: FloorRequestId) -> ClientResult<OrderedLiveEvent> {
        let meeting = self.meeting_of_request(request).await?;
        self.send_live_event(meeting, LiveEventBody::FloorGiven { request })
            .await
    }

    /// Ends the current speech on the item.
    pub async fn floor_end(&self, item: AgendaItemId) -> ClientResult<OrderedLiveEvent> {
        self.send_on_item(item, LiveEventBody::FloorEnded { item })
            .await
    }

    pub async fn set_speaking_time(
        &self,
        item: AgendaItemId,
        minutes: u32,
    ) -> ClientResult<OrderedLiveEvent> {
        self.send_on_item(
            item,
            LiveEventBody::SpeakingTimeSet {
                item,
                seconds: minutes.saturating_mul(60),
            },
        )
        .await
    }

    /// Shows a page of a document to everyone following.
    pub async fn present(
        &self,
        document: DocumentId,
        version: Option<u32>,
        page: u32,
        zoom_percent: u32,
    ) -> ClientResult<OrderedLiveEvent> {
        let found = match version {
            Some(version) => self.replica.document_version(document, version).await?,
            None => self.replica.latest_document(document).await?,
        }
        .ok_or_else(|| ClientError::NotFound {
            kind: "document",
            reference: document.to_string(),
        })?;
        self.send_live_event(
            found.meeting_id,
            LiveEventBody::PresenterPage {
                item: found.agenda_item_id,
                document,
                version: found.version,
                page,
                zoom_percent,
            },
        )
        .await
    }

    /// Which meeting a floor request was made in (from the logs held here).
    async fn meeting_of_request(&self, request: FloorRequestId) -> ClientResult<MeetingId> {
        for meeting in self.replica.session_meetings().await? {
            if self
                .folded_session(meeting)
                .await?
                .request_item(request)
                .is_some()
            {
                return Ok(meeting);
            }
        }
        Err(ClientError::NotFound {
            kind: "request for the floor",
            reference: request.to_string(),
        })
    }

    /// Resolves a floor request id or a unique prefix of one.
    pub async fn resolve_floor_request(&self, reference: &str) -> ClientResult<FloorRequestId> {
        let wanted = reference.trim().to_ascii_lowercase();
        let mut found = Vec::new();
        for meeting in self.replica.session_meetings().await? {
            for event in self.replica.session_events(meeting).await? {
                if let LiveEventBody::FloorRequested { request, .. } = event.event().body {
                    if request.0.to_string().starts_with(&wanted) && !found.contains(&request) {
                        found.push(request);
                    }
                }
            }
        }
        match found.as_slice() {
            [one] => Ok(*one),
            [] => Err(ClientError::NotFound {
                kind: "request for the floor",
                reference: reference.to_owned(),
            }),
            _ => Err(ClientError::InvalidArgument(format!(
                "{reference:?} matches several requests; give more of the id"
            ))),
        }
    }

    /// Follows a meeting's session: `on_change` gets the view each time the
    /// log moves. Returns when `on_change` returns false, or when the socket
    /// closes or fails (the caller reconnects).
    pub async fn follow_session(
        &self,
        meeting: MeetingId,
        mut on_change: impl FnMut(SessionView) -> bool,
    ) -> ClientResult<()> {
        self.catch_up_session(meeting).await?;
        if !on_change(self.session_view(meeting).await?) {
            return Ok(());
        }
        let token = self.token().await?;
        let mut messages = self.api.socket_messages(&token);
        while let Some(message) = messages.next().await? {
            let moved = match message {
                SocketMessage::Live(live) if live.live.event().meeting_id == meeting => {
                    self.note_server_time(live.live.at);
                    // The next event of the log held here: shown at once
                    // (a presenter's page reaches the reader), then stored.
                    // The server has it already; a crash before the write
                    // only means fetching it again.
                    if let Some(state) = self.folded_with_next(meeting, &live.live) {
                        let view = self.session_view_of(meeting, state.clone()).await?;
                        let keep_following = on_change(view);
                        self.take_live_message(&live).await?;
                        // Stored: the fold held here moves on with it.
                        if self.replica.session_head(meeting).await? == state.seq {
                            if let Ok(mut folded) = self.folded.lock() {
                                folded.insert(meeting, state);
                            }
                        }
                        if !keep_following {
                            return Ok(());
                        }
                        continue;
                    }
                    self.take_live_message(&live).await?.0
                }
                SocketMessage::Live(_) | SocketMessage::Signal(_) => false,
                // Another instance may have ordered events this one has not sent.
                SocketMessage::Poke(_) => {
                    let held = self.replica.session_head(meeting).await?;
                    self.catch_up_session(meeting).await? > held
                }
            };
            if moved && !on_change(self.session_view(meeting).await?) {
                return Ok(());
            }
        }
        Ok(())
    }
}

/// What a live event does, for the "needs the room's connection" sentence.
fn describe(body: &LiveEventBody) -> &'static str {
    match body {
        LiveEventBody::FloorRequested { .. } => "asking for the floor",
        LiveEventBody::FloorWithdrawn { .. } => "withdrawing a request for the floor",
        LiveEventBody::PresenterPage { .. } => "presenting a page",
        LiveEventBody::Attendance { .. } => "checking in to the session",
        _ => "running the session",
    }
}

/// Errors after which the room (the hub) may still order an event.
fn room_may_carry(error: &ClientError) -> bool {
    match error {
        ClientError::ServerUnreachable { .. } => true,
        ClientError::Server { code, .. } => code == "room_hub_orders",
        _ => false,
    }
}

/// A live action cannot wait in the outbox: say it needs the room.
fn needs_room(error: ClientError, action: &'static str) -> ClientError {
    match error {
        ClientError::ServerUnreachable { url, detail } => ClientError::NeedsRoom {
            action,
            url,
            detail,
        },
        other => other,
    }
}

//! Who may do what in which state of a session, and the state every device
//! derives by folding the log. The orderer calls [`SessionState::check`]
//! before it appends an event; everyone calls [`SessionState::apply`] to
//! each ordered event in turn (apply needs no facts, so a member who may not
//! see a restricted item's documents still derives the same state).

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::speakers::{ListError, SpeakerList, WaitingSpeaker};
use super::{
    FloorRequestId, ItemOutcome, LiveEvent, LiveEventBody, LiveEventId, OrderedLiveEvent,
    SpeechKind, DEFAULT_SPEAKING_SECONDS, MAX_NOTE_CHARS, MAX_SPEAKING_SECONDS,
};
use crate::ids::{AgendaItemId, DeviceId, DocumentId, MeetingId, MotionId, PersonId};
use crate::voting::{Presence, Tally};

/// What the orderer knows of the meeting when it checks an event.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionFacts {
    pub meeting: MeetingId,
    /// Runs the session with the secretariat; `None`: the secretariat alone.
    pub chair: Option<PersonId>,
    pub items: Vec<ItemFacts>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ItemFacts {
    pub id: AgendaItemId,
    /// The member presenting the item (may drive presenter follow).
    pub presenter: Option<PersonId>,
    /// Every published version of the item's documents.
    pub documents: Vec<DocumentFacts>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DocumentFacts {
    pub id: DocumentId,
    pub version: u32,
    /// Pages, when the uploader's signed manifest says.
    pub pages: Option<u32>,
}

/// Who sends an event.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Actor {
    pub person: PersonId,
    pub secretary: bool,
}

impl SessionFacts {
    /// The chair and the secretariat run the session.
    pub fn runs_session(&self, actor: Actor) -> bool {
        actor.secretary || self.chair == Some(actor.person)
    }

    fn item(&self, id: AgendaItemId) -> Option<&ItemFacts> {
        self.items.iter().find(|i| i.id == id)
    }
}

/// Why the orderer refuses an event. Each has a stable code and a sentence.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// Only the chair or the secretariat may do this.
    NotRunner(&'static str),
    ForSomeoneElse(&'static str),
    NotPresenter,
    NotStarted,
    AlreadyStarted,
    Ended,
    Suspended,
    NotSuspended,
    UnknownItem,
    NotCurrentItem,
    AlreadyRequested,
    NotWaiting,
    NobodySpeaking,
    NoSpeakerToReplyTo,
    ReplyToSelf,
    DocumentNotOnItem,
    PageOutOfRange(u32),
    BadZoom,
    BadSpeakingTime,
    NoteTooLong,
    NotTakenUp,
    MotionAlreadyOpen,
    MotionNotOpen,
    ReplayedEvent,
    DuplicateRequest,
    /// A hub already orders the log (its epoch has not been handed back).
    HubAlreadyOrders,
    /// A hub's takeover names an epoch that is not the next one.
    StaleEpoch(u32),
    /// A hub's takeover does not follow the last event of the log.
    NotAtHead(u32),
    /// Only the hub that took over may hand the log back, and only its epoch.
    NotTheHub,
    /// Only the hub ordering the log takes ballots and counts votes in the room.
    NotOrderingHub,
    /// A count needs a vote closed in the session and not counted yet.
    NotClosedUncounted,
}

/// How a refusal maps onto HTTP.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RefusalClass {
    Forbidden,
    Conflict,
    Invalid,
    NotFound,
}

impl Refusal {
    pub fn code(&self) -> &'static str {
        match self {
            Refusal::NotRunner(_) => "not_chair",
            Refusal::ForSomeoneElse(_) => "not_yours",
            Refusal::NotPresenter => "not_presenter",
            Refusal::NotStarted => "session_not_started",
            Refusal::AlreadyStarted => "session_already_started",
            Refusal::Ended => "session_ended",
            Refusal::Suspended => "session_suspended",
            Refusal::NotSuspended => "session_not_suspended",
            Refusal::UnknownItem => "unknown_item",
            Refusal::NotCurrentItem => "not_current_item",
            Refusal::AlreadyRequested => "already_requested",
            Refusal::NotWaiting => "not_waiting",
            Refusal::NobodySpeaking => "nobody_speaking",
            Refusal::NoSpeakerToReplyTo => "no_speaker_to_reply_to",
            Refusal::ReplyToSelf => "reply_to_self",
            Refusal::DocumentNotOnItem => "document_not_on_item",
            Refusal::PageOutOfRange(_) => "page_out_of_range",
            Refusal::BadZoom => "invalid_input",
            Refusal::BadSpeakingTime => "invalid_input",
            Refusal::NoteTooLong => "invalid_input",
            Refusal::NotTakenUp => "item_not_taken_up",
            Refusal::MotionAlreadyOpen => "motion_already_open",
            Refusal::MotionNotOpen => "motion_not_open",
            Refusal::ReplayedEvent => "replayed_event",
            Refusal::DuplicateRequest => "replayed_event",
            Refusal::HubAlreadyOrders => "hub_already_orders",
            Refusal::StaleEpoch(_) => "stale_epoch",
            Refusal::NotAtHead(_) => "not_at_head",
            Refusal::NotTheHub => "not_the_hub",
            Refusal::NotOrderingHub => "not_the_hub",
            Refusal::NotClosedUncounted => "motion_not_closed",
        }
    }

    pub fn class(&self) -> RefusalClass {
        match self {
            Refusal::NotRunner(_) | Refusal::ForSomeoneElse(_) | Refusal::NotPresenter => {
                RefusalClass::Forbidden
            }
            Refusal::UnknownItem | Refusal::DocumentNotOnItem => RefusalClass::NotFound,
            Refusal::PageOutOfRange(_)
            | Refusal::BadZoom
            | Refusal::BadSpeakingTime
            | Refusal::NoteTooLong => RefusalClass::Invalid,
            _ => RefusalClass::Conflict,
        }
    }
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refusal::NotRunner(what) => write!(f, "only the chair or the secretariat may {what}"),
            Refusal::ForSomeoneElse(what) => write!(f, "a member may only {what} for themselves"),
            Refusal::NotPresenter => f.write_str(
                "only the chair, the secretariat or the item's presenter may show pages",
            ),
            Refusal::NotStarted => f.write_str("the session has not started"),
            Refusal::AlreadyStarted => f.write_str("the session has already started"),
            Refusal::Ended => f.write_str("the session has ended; nothing more can happen in it"),
            Refusal::Suspended => f.write_str("the session is suspended; resume it first"),
            Refusal::NotSuspended => f.write_str("the session is not suspended"),
            Refusal::UnknownItem => f.write_str("this item is not on the meeting's agenda"),
            Refusal::NotCurrentItem => f.write_str("this is not the item under discussion"),
            Refusal::AlreadyRequested => {
                f.write_str("already on the list of speakers for this item")
            }
            Refusal::NotWaiting => f.write_str("this request is not waiting for the floor"),
            Refusal::NobodySpeaking => f.write_str("nobody has the floor"),
            Refusal::NoSpeakerToReplyTo => {
                f.write_str("nobody is speaking, so there is nothing to reply to")
            }
            Refusal::ReplyToSelf => f.write_str("the current speaker cannot reply to themselves"),
            Refusal::DocumentNotOnItem => {
                f.write_str("this document is not one of the current item's documents")
            }
            Refusal::PageOutOfRange(pages) => {
                write!(f, "the page must be between 1 and {pages}")
            }
            Refusal::BadZoom => f.write_str("the zoom must be between 25% and 400%"),
            Refusal::BadSpeakingTime => write!(
                f,
                "the speaking time must be between 1 and {} minutes",
                MAX_SPEAKING_SECONDS / 60
            ),
            Refusal::NoteTooLong => {
                write!(f, "the note is longer than {MAX_NOTE_CHARS} characters")
            }
            Refusal::NotTakenUp => f.write_str("this item has not been taken up in the session"),
            Refusal::MotionAlreadyOpen => f.write_str("this vote is already open in the session"),
            Refusal::MotionNotOpen => f.write_str("this vote is not open in the session"),
            Refusal::ReplayedEvent => {
                f.write_str("this event is already in the session's log (a replay)")
            }
            Refusal::DuplicateRequest => f.write_str("this request for the floor was already made"),
            Refusal::HubAlreadyOrders => f.write_str(
                "a room hub already runs this session's log; it must hand it back first",
            ),
            Refusal::StaleEpoch(next) => write!(
                f,
                "this hub epoch was already used or skips one: the next epoch is {next}"
            ),
            Refusal::NotAtHead(head) => write!(
                f,
                "the hub's takeover must follow the last event of the log, number {head}"
            ),
            Refusal::NotTheHub => {
                f.write_str("only the hub that took over may hand the log back, for its own epoch")
            }
            Refusal::NotOrderingHub => f.write_str(
                "only the room's hub, while it runs the session without the server, takes ballots and counts votes in the log",
            ),
            Refusal::NotClosedUncounted => {
                f.write_str("this vote is not closed in the session, or it was counted already")
            }
        }
    }
}

impl From<ListError> for Refusal {
    fn from(error: ListError) -> Self {
        match error {
            ListError::AlreadyListed => Refusal::AlreadyRequested,
            ListError::NotWaiting => Refusal::NotWaiting,
            ListError::NobodySpeaking => Refusal::NobodySpeaking,
            ListError::NoSpeakerToReplyTo => Refusal::NoSpeakerToReplyTo,
            ListError::ReplyToSelf => Refusal::ReplyToSelf,
        }
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum SessionStatus {
    #[default]
    NotStarted,
    Running,
    Suspended,
    Ended,
}

impl SessionStatus {
    pub fn as_str(&self) -> &'static str {
        match self {
            SessionStatus::NotStarted => "not_started",
            SessionStatus::Running => "running",
            SessionStatus::Suspended => "suspended",
            SessionStatus::Ended => "ended",
        }
    }
}

/// One item as the session went through it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ItemSession {
    pub item: AgendaItemId,
    pub taken_up_at: DateTime<Utc>,
    pub speakers: SpeakerList,
    pub speaking_seconds: u32,
    pub outcome: Option<ItemOutcome>,
    pub outcome_note: Option<String>,
}

/// The page everyone following sees.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PresenterPage {
    pub item: AgendaItemId,
    pub document: DocumentId,
    pub version: u32,
    pub page: u32,
    pub zoom_percent: u32,
    pub by: PersonId,
    pub at: DateTime<Utc>,
}

/// A vote as the session saw it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SessionMotion {
    pub motion: MotionId,
    pub item: AgendaItemId,
    pub question: String,
    pub opened_at: DateTime<Utc>,
    pub closed_at: Option<DateTime<Utc>>,
    pub tally: Option<Tally>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SessionAttendance {
    pub person: PersonId,
    pub presence: Presence,
}

/// A microphone the chair opened or closed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct MicrophoneSetting {
    pub person: PersonId,
    pub open: bool,
}

/// A hub that took the log over, until it hands it back.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct HubOrderer {
    pub epoch: u32,
    pub device: DeviceId,
    pub person: PersonId,
    /// The position of its takeover event.
    pub since_seq: u32,
    pub since: DateTime<Utc>,
}

/// Who must have ordered (and countersigned) an event.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Orderer {
    Server,
    Hub { device: DeviceId, epoch: u32 },
}

/// Everything the log says, folded.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SessionState {
    pub status: SessionStatus,
    /// How many events have been applied (the seq of the last one).
    pub seq: u32,
    pub started_at: Option<DateTime<Utc>>,
    pub ended_at: Option<DateTime<Utc>>,
    pub current_item: Option<AgendaItemId>,
    /// Items in the order they were first taken up.
    pub items: Vec<ItemSession>,
    pub presenter: Option<PresenterPage>,
    /// Attendance recorded in the session, latest per person, in order of first record.
    pub attendance: Vec<SessionAttendance>,
    pub motions: Vec<SessionMotion>,
    /// The room hub ordering the log while the server is unreachable.
    pub hub: Option<HubOrderer>,
    /// Microphones the chair opened or closed, latest per person, in order.
    #[serde(default)]
    pub microphones: Vec<MicrophoneSetting>,
    /// The last hub epoch used in this log (0: none yet).
    pub hub_epochs: u32,
    #[serde(skip)]
    #[cfg_attr(feature = "specta", specta(skip))]
    event_ids: HashSet<LiveEventId>,
    #[serde(skip)]
    #[cfg_attr(feature = "specta", specta(skip))]
    requests: HashMap<FloorRequestId, AgendaItemId>,
}

/// More than half of the participants must be present.
pub fn quorum_needed(participants: usize) -> usize {
    participants / 2 + 1
}

/// Participants present in the room or remotely (a substitute present
/// counts for the member they replace).
pub fn present_count(attendance: &[SessionAttendance]) -> usize {
    attendance
        .iter()
        .filter(|a| match &a.presence {
            Presence::Present | Presence::Remote => true,
            Presence::Substituted { by } => by.is_some(),
            Presence::Absent { .. } => false,
        })
        .count()
}

impl SessionState {
    pub fn item(&self, id: AgendaItemId) -> Option<&ItemSession> {
        self.items.iter().find(|i| i.item == id)
    }

    fn item_mut(&mut self, id: AgendaItemId) -> Option<&mut ItemSession> {
        self.items.iter_mut().find(|i| i.item == id)
    }

    pub fn current(&self) -> Option<&ItemSession> {
        self.current_item.and_then(|id| self.item(id))
    }

    /// Whether an event with this id is already in the log.
    pub fn has_event(&self, id: LiveEventId) -> bool {
        self.event_ids.contains(&id)
    }

    /// Which item a floor request was made on.
    pub fn request_item(&self, request: FloorRequestId) -> Option<AgendaItemId> {
        self.requests.get(&request).copied()
    }

    fn waiting(&self, request: FloorRequestId) -> Option<(AgendaItemId, &WaitingSpeaker)> {
        let item = self.request_item(request)?;
        let waiting = self.item(item)?.speakers.waiting_request(request)?;
        Some((item, waiting))
    }

    pub fn open_motion(&self, motion: MotionId) -> Option<&SessionMotion> {
        self.motions
            .iter()
            .find(|m| m.motion == motion && m.closed_at.is_none())
    }

    /// Who orders `event` if it comes next: the hub that takes over (its own
    /// takeover included) or hands back, else the server.
    pub fn orderer_of(&self, event: &LiveEvent) -> Orderer {
        if let LiveEventBody::HubTookOver { epoch, .. } = event.body {
            return Orderer::Hub {
                device: event.device_id,
                epoch,
            };
        }
        match &self.hub {
            Some(hub) => Orderer::Hub {
                device: hub.device,
                epoch: hub.epoch,
            },
            None => Orderer::Server,
        }
    }

    /// Who has the floor on the current item.
    pub fn speaker(&self) -> Option<PersonId> {
        self.current()
            .and_then(|item| item.speakers.speaking.as_ref())
            .map(|s| s.person)
    }

    /// Who may be heard now, most important first: the member with the
    /// floor, the chair, then those whose microphone the chair opened;
    /// never one whose microphone the chair closed. Nobody before the
    /// session starts or after it ends; while it is suspended only the chair.
    pub fn voices(&self, chair: Option<PersonId>) -> Vec<PersonId> {
        let closed = |person: PersonId| {
            self.microphones
                .iter()
                .any(|m| m.person == person && !m.open)
        };
        let mut voices = Vec::new();
        let mut add = |person: PersonId| {
            if !closed(person) && !voices.contains(&person) {
                voices.push(person);
            }
        };
        match self.status {
            SessionStatus::Running => {
                if let Some(speaker) = self.speaker() {
                    add(speaker);
                }
                if let Some(chair) = chair {
                    add(chair);
                }
                for opened in self.microphones.iter().filter(|m| m.open) {
                    add(opened.person);
                }
            }
            SessionStatus::Suspended => {
                if let Some(chair) = chair {
                    add(chair);
                }
            }
            SessionStatus::NotStarted | SessionStatus::Ended => {}
        }
        voices
    }

    fn require_ordering_hub(&self, actor: Actor) -> Result<(), Refusal> {
        match &self.hub {
            Some(hub) if hub.person == actor.person => Ok(()),
            _ => Err(Refusal::NotOrderingHub),
        }
    }

    fn require_running(&self) -> Result<(), Refusal> {
        match self.status {
            SessionStatus::NotStarted => Err(Refusal::NotStarted),
            SessionStatus::Running => Ok(()),
            SessionStatus::Suspended => Err(Refusal::Suspended),
            SessionStatus::Ended => Err(Refusal::Ended),
        }
    }

    fn require_current(&self, item: AgendaItemId, facts: &SessionFacts) -> Result<(), Refusal> {
        if facts.item(item).is_none() {
            return Err(Refusal::UnknownItem);
        }
        if self.current_item != Some(item) {
            return Err(Refusal::NotCurrentItem);
        }
        Ok(())
    }

    /// Whether `actor` may add `body` to the log now (the orderer's check).
    pub fn check(
        &self,
        facts: &SessionFacts,
        actor: Actor,
        id: LiveEventId,
        body: &LiveEventBody,
    ) -> Result<(), Refusal> {
        if self.has_event(id) {
            return Err(Refusal::ReplayedEvent);
        }
        // A hub whose segment saw the session end still hands the log back.
        if self.status == SessionStatus::Ended
            && !matches!(body, LiveEventBody::HubHandedBack { .. })
        {
            return Err(Refusal::Ended);
        }
        if self.status == SessionStatus::NotStarted && *body != LiveEventBody::SessionStarted {
            return Err(Refusal::NotStarted);
        }
        let runner = facts.runs_session(actor);
        let need_runner = |what: &'static str| {
            if runner {
                Ok(())
            } else {
                Err(Refusal::NotRunner(what))
            }
        };
        match body {
            LiveEventBody::SessionStarted => {
                need_runner("start the session")?;
                if self.status != SessionStatus::NotStarted {
                    return Err(Refusal::AlreadyStarted);
                }
            }
            LiveEventBody::SessionSuspended => {
                need_runner("suspend the session")?;
                self.require_running()?;
            }
            LiveEventBody::SessionResumed => {
                need_runner("resume the session")?;
                match self.status {
                    SessionStatus::Suspended => {}
                    SessionStatus::NotStarted => return Err(Refusal::NotStarted),
                    _ => return Err(Refusal::NotSuspended),
                }
            }
            LiveEventBody::SessionEnded => {
                need_runner("end the session")?;
                if self.status == SessionStatus::NotStarted {
                    return Err(Refusal::NotStarted);
                }
            }
            LiveEventBody::ItemTakenUp { item } => {
                need_runner("take up an item")?;
                self.require_running()?;
                if facts.item(*item).is_none() {
                    return Err(Refusal::UnknownItem);
                }
            }
            LiveEventBody::FloorRequested {
                request,
                item,
                kind,
            } => {
                self.require_running()?;
                self.require_current(*item, facts)?;
                if self.requests.contains_key(request) {
                    return Err(Refusal::DuplicateRequest);
                }
                let list = &self.current().map(|i| &i.speakers);
                if let Some(list) = list {
                    list.check_request(actor.person, *kind)?;
                } else if *kind == SpeechKind::Reply {
                    return Err(Refusal::NoSpeakerToReplyTo);
                }
            }
            LiveEventBody::FloorWithdrawn { request } => {
                if self.status == SessionStatus::NotStarted {
                    return Err(Refusal::NotStarted);
                }
                let (_, waiting) = self.waiting(*request).ok_or(Refusal::NotWaiting)?;
                if waiting.person != actor.person && !runner {
                    return Err(Refusal::ForSomeoneElse("withdraw a request for the floor"));
                }
            }
            LiveEventBody::FloorGiven { request } => {
                need_runner("give the floor")?;
                self.require_running()?;
                let (item, _) = self.waiting(*request).ok_or(Refusal::NotWaiting)?;
                if self.current_item != Some(item) {
                    return Err(Refusal::NotCurrentItem);
                }
            }
            LiveEventBody::FloorEnded { item } => {
                self.require_running()?;
                self.require_current(*item, facts)?;
                let speaker = self
                    .current()
                    .and_then(|i| i.speakers.speaking.as_ref())
                    .ok_or(Refusal::NobodySpeaking)?;
                if !runner && speaker.person != actor.person {
                    return Err(Refusal::NotRunner("end someone's speech"));
                }
            }
            LiveEventBody::SpeakingTimeSet { item, seconds } => {
                need_runner("set the speaking time")?;
                if facts.item(*item).is_none() {
                    return Err(Refusal::UnknownItem);
                }
                if *seconds == 0 || *seconds > MAX_SPEAKING_SECONDS {
                    return Err(Refusal::BadSpeakingTime);
                }
                // The time is kept with the item's list, which starts when
                // the item is taken up.
                if self.item(*item).is_none() {
                    return Err(Refusal::NotTakenUp);
                }
            }
            LiveEventBody::PresenterPage {
                item,
                document,
                version,
                page,
                zoom_percent,
            } => {
                self.require_running()?;
                let facts_item = facts.item(*item).ok_or(Refusal::UnknownItem)?;
                if !runner && facts_item.presenter != Some(actor.person) {
                    return Err(Refusal::NotPresenter);
                }
                if self.current_item != Some(*item) {
                    return Err(Refusal::NotCurrentItem);
                }
                let doc = facts_item
                    .documents
                    .iter()
                    .find(|d| d.id == *document && d.version == *version)
                    .ok_or(Refusal::DocumentNotOnItem)?;
                let pages = doc.pages.unwrap_or(u32::MAX);
                if *page == 0 || *page > pages {
                    return Err(Refusal::PageOutOfRange(pages));
                }
                if !(25..=400).contains(zoom_percent) {
                    return Err(Refusal::BadZoom);
                }
            }
            LiveEventBody::Attendance { person, presence } => {
                if self.status == SessionStatus::NotStarted {
                    return Err(Refusal::NotStarted);
                }
                if !runner {
                    if *person != actor.person {
                        return Err(Refusal::ForSomeoneElse("record attendance"));
                    }
                    if !matches!(presence, Presence::Present | Presence::Remote) {
                        return Err(Refusal::NotRunner("record an absence or a substitution"));
                    }
                    // Checked here, under the orderer's lock, so a check-in
                    // racing the chair's "absent" cannot undo it.
                    let recorded = self.attendance.iter().find(|a| a.person == *person);
                    if recorded.is_some_and(|a| !a.presence.may_vote()) {
                        return Err(Refusal::NotRunner(
                            "change an absence or a substitution the session recorded",
                        ));
                    }
                }
            }
            LiveEventBody::MotionOpened { item, motion, .. } => {
                need_runner("open a vote")?;
                self.require_running()?;
                self.require_current(*item, facts)?;
                if self.motions.iter().any(|m| m.motion == *motion) {
                    return Err(Refusal::MotionAlreadyOpen);
                }
            }
            LiveEventBody::MotionClosed { motion, .. } => {
                need_runner("close a vote")?;
                if self.open_motion(*motion).is_none() {
                    return Err(Refusal::MotionNotOpen);
                }
            }
            LiveEventBody::HubTookOver { epoch, after_seq } => {
                need_runner("run the room as its hub")?;
                if self.hub.is_some() {
                    return Err(Refusal::HubAlreadyOrders);
                }
                if *epoch != self.hub_epochs + 1 {
                    return Err(Refusal::StaleEpoch(self.hub_epochs + 1));
                }
                if *after_seq != self.seq {
                    return Err(Refusal::NotAtHead(self.seq));
                }
            }
            LiveEventBody::HubHandedBack { epoch } => match &self.hub {
                Some(hub) if hub.epoch == *epoch && hub.person == actor.person => {}
                _ => return Err(Refusal::NotTheHub),
            },
            LiveEventBody::MicrophoneSet { .. } => {
                need_runner("open or close a member's microphone")?;
                self.require_running()?;
            }
            LiveEventBody::BallotTaken { motion, .. } => {
                self.require_ordering_hub(actor)?;
                // A ballot between the chair's open and close, nowhere else.
                if self.open_motion(*motion).is_none() {
                    return Err(Refusal::MotionNotOpen);
                }
            }
            LiveEventBody::MotionCounted { motion, .. } => {
                self.require_ordering_hub(actor)?;
                let closed_uncounted = self
                    .motions
                    .iter()
                    .any(|m| m.motion == *motion && m.closed_at.is_some() && m.tally.is_none());
                if !closed_uncounted {
                    return Err(Refusal::NotClosedUncounted);
                }
            }
            LiveEventBody::ItemOutcome { item, note, .. } => {
                need_runner("record an item's outcome")?;
                if facts.item(*item).is_none() {
                    return Err(Refusal::UnknownItem);
                }
                if self.item(*item).is_none() {
                    return Err(Refusal::NotTakenUp);
                }
                if note
                    .as_ref()
                    .is_some_and(|n| n.chars().count() > MAX_NOTE_CHARS)
                {
                    return Err(Refusal::NoteTooLong);
                }
                if self.status == SessionStatus::NotStarted {
                    return Err(Refusal::NotStarted);
                }
            }
        }
        Ok(())
    }

    /// Folds one ordered event into the state. Events come checked by the
    /// orderer, so nothing is refused here; what no longer applies is skipped.
    pub fn apply(&mut self, ordered: &OrderedLiveEvent) {
        let event = ordered.event();
        let at = ordered.at;
        self.seq = ordered.seq;
        self.event_ids.insert(event.id);
        match &event.body {
            LiveEventBody::SessionStarted => {
                self.status = SessionStatus::Running;
                self.started_at = Some(at);
            }
            LiveEventBody::SessionSuspended => {
                self.end_current_speech(at);
                self.status = SessionStatus::Suspended;
            }
            LiveEventBody::SessionResumed => self.status = SessionStatus::Running,
            LiveEventBody::SessionEnded => {
                self.end_current_speech(at);
                self.status = SessionStatus::Ended;
                self.ended_at = Some(at);
                self.presenter = None;
            }
            LiveEventBody::ItemTakenUp { item } => {
                self.end_current_speech(at);
                self.current_item = Some(*item);
                if self.item(*item).is_none() {
                    self.items.push(ItemSession {
                        item: *item,
                        taken_up_at: at,
                        speakers: SpeakerList::default(),
                        speaking_seconds: DEFAULT_SPEAKING_SECONDS,
                        outcome: None,
                        outcome_note: None,
                    });
                }
                if self.presenter.as_ref().is_some_and(|p| p.item != *item) {
                    self.presenter = None;
                }
            }
            LiveEventBody::FloorRequested {
                request,
                item,
                kind,
            } => {
                self.requests.insert(*request, *item);
                if let Some(session) = self.item_mut(*item) {
                    let _ = session.speakers.request(WaitingSpeaker {
                        request: *request,
                        person: event.author,
                        kind: *kind,
                        requested_at: at,
                    });
                }
            }
            LiveEventBody::FloorWithdrawn { request } => {
                if let Some(item) = self.request_item(*request) {
                    if let Some(session) = self.item_mut(item) {
                        let _ = session.speakers.withdraw(*request);
                    }
                }
            }
            LiveEventBody::FloorGiven { request } => {
                if let Some(item) = self.request_item(*request) {
                    if let Some(session) = self.item_mut(item) {
                        let _ = session.speakers.give(*request, at);
                    }
                }
                // The member given the floor is heard, even if closed before.
                if let Some(speaker) = self.speaker() {
                    self.microphones.retain(|m| m.person != speaker || m.open);
                }
            }
            LiveEventBody::FloorEnded { item } => {
                if let Some(session) = self.item_mut(*item) {
                    session.speakers.end(at);
                }
            }
            LiveEventBody::SpeakingTimeSet { item, seconds } => {
                if let Some(session) = self.item_mut(*item) {
                    session.speaking_seconds = *seconds;
                }
            }
            LiveEventBody::PresenterPage {
                item,
                document,
                version,
                page,
                zoom_percent,
            } => {
                self.presenter = Some(PresenterPage {
                    item: *item,
                    document: *document,
                    version: *version,
                    page: *page,
                    zoom_percent: *zoom_percent,
                    by: event.author,
                    at,
                });
            }
            LiveEventBody::Attendance { person, presence } => {
                match self.attendance.iter_mut().find(|a| a.person == *person) {
                    Some(record) => record.presence = presence.clone(),
                    None => self.attendance.push(SessionAttendance {
                        person: *person,
                        presence: presence.clone(),
                    }),
                }
            }
            LiveEventBody::MotionOpened {
                motion,
                item,
                question,
            } => self.motions.push(SessionMotion {
                motion: *motion,
                item: *item,
                question: question.clone(),
                opened_at: at,
                closed_at: None,
                tally: None,
            }),
            LiveEventBody::MotionClosed { motion, tally } => {
                if let Some(record) = self
                    .motions
                    .iter_mut()
                    .find(|m| m.motion == *motion && m.closed_at.is_none())
                {
                    record.closed_at = Some(at);
                    record.tally = tally.clone();
                }
            }
            LiveEventBody::ItemOutcome {
                item,
                outcome,
                note,
            } => {
                if let Some(session) = self.item_mut(*item) {
                    session.outcome = Some(*outcome);
                    session.outcome_note = note.clone();
                }
            }
            LiveEventBody::HubTookOver { epoch, .. } => {
                self.hub_epochs = self.hub_epochs.max(*epoch);
                self.hub = Some(HubOrderer {
                    epoch: *epoch,
                    device: event.device_id,
                    person: event.author,
                    since_seq: ordered.seq,
                    since: at,
                });
            }
            LiveEventBody::HubHandedBack { .. } => self.hub = None,
            LiveEventBody::MicrophoneSet { person, open } => {
                self.microphones.retain(|m| m.person != *person);
                self.microphones.push(MicrophoneSetting {
                    person: *person,
                    open: *open,
                });
            }
            LiveEventBody::BallotTaken { .. } => {}
            LiveEventBody::MotionCounted { motion, tally } => {
                if let Some(record) = self
                    .motions
                    .iter_mut()
                    .find(|m| m.motion == *motion && m.closed_at.is_some())
                {
                    record.tally = Some(tally.clone());
                }
            }
        }
    }

    fn end_current_speech(&mut self, at: DateTime<Utc>) {
        if let Some(item) = self.current_item {
            if let Some(session) = self.item_mut(item) {
                session.speakers.end(at);
            }
        }
    }

    /// Folds a whole log.
    pub fn from_log<'a>(events: impl IntoIterator<Item = &'a OrderedLiveEvent>) -> Self {
        let mut state = SessionState::default();
        for event in events {
            state.apply(event);
        }
        state
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::DeviceId;
    use crate::ops::Bytes;
    use crate::session::{LiveEvent, SignedLiveEvent};
    use uuid::Uuid;

    fn person(n: u128) -> PersonId {
        PersonId(Uuid::from_u128(n))
    }
    const CHAIR: u128 = 1;
    const SECRETARY: u128 = 2;
    fn item(n: u128) -> AgendaItemId {
        AgendaItemId(Uuid::from_u128(1000 + n))
    }
    fn doc(n: u128) -> DocumentId {
        DocumentId(Uuid::from_u128(2000 + n))
    }

    fn facts() -> SessionFacts {
        SessionFacts {
            meeting: MeetingId(Uuid::from_u128(9)),
            chair: Some(person(CHAIR)),
            items: vec![
                ItemFacts {
                    id: item(1),
                    presenter: Some(person(5)),
                    documents: vec![DocumentFacts {
                        id: doc(1),
                        version: 1,
                        pages: Some(4),
                    }],
                },
                ItemFacts {
                    id: item(2),
                    presenter: None,
                    documents: vec![],
                },
            ],
        }
    }

    fn actor(n: u128) -> Actor {
        Actor {
            person: person(n),
            secretary: n == SECRETARY,
        }
    }

    /// A tiny orderer for the tests: check, then apply at `second`.
    struct Room {
        state: SessionState,
        facts: SessionFacts,
        clock: i64,
    }

    impl Room {
        fn new() -> Self {
            Self {
                state: SessionState::default(),
                facts: facts(),
                clock: 0,
            }
        }

        fn at(&self) -> DateTime<Utc> {
            DateTime::from_timestamp(1_765_000_000 + self.clock, 0).expect("a time")
        }

        fn send(&mut self, who: u128, body: LiveEventBody) -> Result<(), Refusal> {
            let id = LiveEventId(Uuid::from_u128(
                50_000 + u128::from(self.state.seq) + (self.clock as u128) * 100_000,
            ));
            self.state.check(&self.facts, actor(who), id, &body)?;
            let ordered = OrderedLiveEvent {
                seq: self.state.seq + 1,
                prev_hash: Bytes(vec![0; 32]),
                at: self.at(),
                signed: SignedLiveEvent {
                    event: LiveEvent {
                        id,
                        meeting_id: self.facts.meeting,
                        device_id: DeviceId(Uuid::from_u128(who)),
                        author: person(who),
                        made_at: self.at(),
                        body,
                    },
                    signature: Bytes(vec![]),
                },
                hash: Bytes(vec![]),
                orderer_signature: Bytes(vec![]),
            };
            self.state.apply(&ordered);
            Ok(())
        }

        fn tick(&mut self, seconds: i64) {
            self.clock += seconds;
        }
    }

    fn request(n: u128) -> FloorRequestId {
        FloorRequestId(Uuid::from_u128(7000 + n))
    }

    #[test]
    fn who_is_heard_follows_the_floor_and_the_chairs_microphones() {
        let mut room = Room::new();
        let chair = Some(person(CHAIR));
        assert!(
            room.state.voices(chair).is_empty(),
            "nobody before the session"
        );
        room.send(CHAIR, LiveEventBody::SessionStarted)
            .expect("started");
        room.send(CHAIR, LiveEventBody::ItemTakenUp { item: item(1) })
            .expect("taken up");
        assert_eq!(room.state.voices(chair), vec![person(CHAIR)]);
        let mic = |person_n: u128, open| LiveEventBody::MicrophoneSet {
            person: person(person_n),
            open,
        };
        assert_eq!(
            room.send(7, mic(7, true)),
            Err(Refusal::NotRunner("open or close a member's microphone")),
            "a member cannot open their own microphone"
        );
        room.send(
            7,
            LiveEventBody::FloorRequested {
                request: request(1),
                item: item(1),
                kind: SpeechKind::Speech,
            },
        )
        .expect("asks");
        room.send(CHAIR, mic(7, false))
            .expect("the chair closes it");
        room.send(
            CHAIR,
            LiveEventBody::FloorGiven {
                request: request(1),
            },
        )
        .expect("given");
        assert_eq!(
            room.state.voices(chair),
            vec![person(7), person(CHAIR)],
            "the member given the floor is heard first, even if closed before"
        );
        room.send(SECRETARY, mic(8, true))
            .expect("the secretariat opens one");
        room.send(CHAIR, mic(CHAIR, false))
            .expect("the chair closes their own");
        assert_eq!(room.state.voices(chair), vec![person(7), person(8)]);
        room.send(CHAIR, mic(7, false))
            .expect("the chair closes the speaker's");
        assert_eq!(room.state.voices(chair), vec![person(8)]);
        room.send(CHAIR, LiveEventBody::SessionSuspended)
            .expect("suspended");
        assert!(room.state.voices(chair).is_empty(), "the chair's is closed");
        room.send(CHAIR, mic(CHAIR, true))
            .expect_err("not while suspended");
    }

    #[test]
    fn a_hub_takes_over_at_the_head_with_the_next_epoch_and_hands_back() {
        let mut room = Room::new();
        let took_over = |epoch, after_seq| LiveEventBody::HubTookOver { epoch, after_seq };
        assert_eq!(room.send(CHAIR, took_over(1, 0)), Err(Refusal::NotStarted));
        room.send(CHAIR, LiveEventBody::SessionStarted)
            .expect("the chair starts");
        assert_eq!(
            room.send(3, took_over(1, 1)),
            Err(Refusal::NotRunner("run the room as its hub"))
        );
        assert_eq!(
            room.send(CHAIR, took_over(2, 1)),
            Err(Refusal::StaleEpoch(1))
        );
        assert_eq!(
            room.send(CHAIR, took_over(1, 0)),
            Err(Refusal::NotAtHead(1))
        );
        let before = room.state.clone();
        let chair_device = DeviceId(Uuid::from_u128(CHAIR));
        let next = LiveEvent {
            id: LiveEventId(Uuid::from_u128(1)),
            meeting_id: room.facts.meeting,
            device_id: chair_device,
            author: person(CHAIR),
            made_at: room.at(),
            body: took_over(1, 1),
        };
        assert_eq!(
            before.orderer_of(&next),
            Orderer::Hub {
                device: chair_device,
                epoch: 1
            },
            "the takeover is ordered by the hub itself"
        );
        room.send(CHAIR, took_over(1, 1))
            .expect("the chair's device takes over");
        let hub = room.state.hub.clone().expect("a hub orders");
        assert_eq!((hub.epoch, hub.since_seq), (1, 2));
        assert_eq!(
            room.send(SECRETARY, took_over(2, 2)),
            Err(Refusal::HubAlreadyOrders),
            "a second hub cannot claim the log while the first holds it"
        );
        // The room goes on under the hub.
        room.send(CHAIR, LiveEventBody::ItemTakenUp { item: item(1) })
            .expect("an item under the hub");
        let mut member_event = next.clone();
        member_event.body = LiveEventBody::SessionSuspended;
        assert!(matches!(
            room.state.orderer_of(&member_event),
            Orderer::Hub { epoch: 1, .. }
        ));
        assert_eq!(
            room.send(SECRETARY, LiveEventBody::HubHandedBack { epoch: 1 }),
            Err(Refusal::NotTheHub)
        );
        assert_eq!(
            room.send(CHAIR, LiveEventBody::HubHandedBack { epoch: 2 }),
            Err(Refusal::NotTheHub)
        );
        room.send(CHAIR, LiveEventBody::SessionEnded)
            .expect("the session ends in the room");
        room.send(CHAIR, LiveEventBody::HubHandedBack { epoch: 1 })
            .expect("a hub hands back even after the session ended");
        assert_eq!(room.state.hub, None);
        assert_eq!(room.state.orderer_of(&member_event), Orderer::Server);
        assert_eq!(room.state.hub_epochs, 1);
    }

    #[test]
    fn only_the_chair_or_the_secretariat_run_the_session() {
        let mut room = Room::new();
        assert_eq!(
            room.send(3, LiveEventBody::SessionStarted),
            Err(Refusal::NotRunner("start the session"))
        );
        room.send(CHAIR, LiveEventBody::SessionStarted)
            .expect("the chair starts");
        assert_eq!(
            room.send(SECRETARY, LiveEventBody::SessionStarted),
            Err(Refusal::AlreadyStarted)
        );
        assert_eq!(
            room.send(3, LiveEventBody::ItemTakenUp { item: item(1) }),
            Err(Refusal::NotRunner("take up an item"))
        );
        room.send(SECRETARY, LiveEventBody::ItemTakenUp { item: item(1) })
            .expect("the secretariat takes it up");
        assert_eq!(room.state.current_item, Some(item(1)));
    }

    #[test]
    fn events_out_of_state_are_refused() {
        let mut room = Room::new();
        assert_eq!(
            room.send(
                3,
                LiveEventBody::FloorRequested {
                    request: request(1),
                    item: item(1),
                    kind: SpeechKind::Speech
                }
            ),
            Err(Refusal::NotStarted)
        );
        room.send(CHAIR, LiveEventBody::SessionStarted).expect("ok");
        assert_eq!(
            room.send(
                CHAIR,
                LiveEventBody::ItemOutcome {
                    item: item(1),
                    outcome: ItemOutcome::Adopted,
                    note: None
                }
            ),
            Err(Refusal::NotTakenUp)
        );
        room.send(CHAIR, LiveEventBody::ItemTakenUp { item: item(1) })
            .expect("ok");
        assert_eq!(
            room.send(
                3,
                LiveEventBody::FloorRequested {
                    request: request(1),
                    item: item(2),
                    kind: SpeechKind::Speech
                }
            ),
            Err(Refusal::NotCurrentItem)
        );
        room.send(CHAIR, LiveEventBody::SessionEnded).expect("ok");
        assert_eq!(
            room.send(CHAIR, LiveEventBody::SessionResumed),
            Err(Refusal::Ended)
        );
        assert_eq!(
            room.send(
                3,
                LiveEventBody::Attendance {
                    person: person(3),
                    presence: Presence::Present
                }
            ),
            Err(Refusal::Ended)
        );
    }

    #[test]
    fn a_session_with_speakers_times_them_from_the_orderers_clock() {
        let mut room = Room::new();
        room.send(CHAIR, LiveEventBody::SessionStarted).expect("ok");
        room.send(CHAIR, LiveEventBody::ItemTakenUp { item: item(1) })
            .expect("ok");
        room.send(
            CHAIR,
            LiveEventBody::SpeakingTimeSet {
                item: item(1),
                seconds: 180,
            },
        )
        .expect("ok");
        for (n, kind) in [(3, SpeechKind::Speech), (4, SpeechKind::Speech)] {
            room.send(
                n,
                LiveEventBody::FloorRequested {
                    request: request(n),
                    item: item(1),
                    kind,
                },
            )
            .expect("asked");
        }
        assert_eq!(
            room.send(
                3,
                LiveEventBody::FloorRequested {
                    request: request(99),
                    item: item(1),
                    kind: SpeechKind::Speech
                }
            ),
            Err(Refusal::AlreadyRequested)
        );
        assert_eq!(
            room.send(
                3,
                LiveEventBody::FloorGiven {
                    request: request(3)
                }
            ),
            Err(Refusal::NotRunner("give the floor"))
        );
        room.tick(10);
        room.send(
            CHAIR,
            LiveEventBody::FloorGiven {
                request: request(3),
            },
        )
        .expect("given");
        room.send(
            5,
            LiveEventBody::FloorRequested {
                request: request(5),
                item: item(1),
                kind: SpeechKind::Reply,
            },
        )
        .expect("a reply");
        assert_eq!(
            room.send(
                4,
                LiveEventBody::FloorWithdrawn {
                    request: request(5)
                }
            ),
            Err(Refusal::ForSomeoneElse("withdraw a request for the floor"))
        );
        room.tick(70);
        room.send(CHAIR, LiveEventBody::FloorEnded { item: item(1) })
            .expect("ended");
        let current = room.state.current().expect("an item");
        assert_eq!(current.speaking_seconds, 180);
        assert_eq!(current.speakers.done[0].duration_ms(), 70_000);
        assert_eq!(
            current
                .speakers
                .waiting
                .iter()
                .map(|w| w.person)
                .collect::<Vec<_>>(),
            vec![person(5), person(4)],
            "the reply comes first"
        );
        // Taking up the next item ends nothing more and keeps each list per item.
        room.send(CHAIR, LiveEventBody::ItemTakenUp { item: item(2) })
            .expect("ok");
        assert!(room
            .state
            .current()
            .expect("item 2")
            .speakers
            .waiting
            .is_empty());
        assert_eq!(
            room.send(
                CHAIR,
                LiveEventBody::FloorGiven {
                    request: request(4)
                }
            ),
            Err(Refusal::NotCurrentItem)
        );
    }

    #[test]
    fn presenter_pages_are_checked_against_the_item_and_its_pages() {
        let mut room = Room::new();
        room.send(CHAIR, LiveEventBody::SessionStarted).expect("ok");
        room.send(CHAIR, LiveEventBody::ItemTakenUp { item: item(1) })
            .expect("ok");
        let page = |document, page| LiveEventBody::PresenterPage {
            item: item(1),
            document,
            version: 1,
            page,
            zoom_percent: 100,
        };
        room.send(5, page(doc(1), 2))
            .expect("the presenter shows a page");
        assert_eq!(room.send(3, page(doc(1), 3)), Err(Refusal::NotPresenter));
        assert_eq!(
            room.send(CHAIR, page(doc(7), 1)),
            Err(Refusal::DocumentNotOnItem)
        );
        assert_eq!(
            room.send(CHAIR, page(doc(1), 5)),
            Err(Refusal::PageOutOfRange(4))
        );
        assert_eq!(
            room.send(CHAIR, page(doc(1), 0)),
            Err(Refusal::PageOutOfRange(4))
        );
        let shown = room.state.presenter.clone().expect("a page");
        assert_eq!((shown.page, shown.by), (2, person(5)));
    }

    #[test]
    fn members_record_only_their_own_presence() {
        let mut room = Room::new();
        room.send(CHAIR, LiveEventBody::SessionStarted).expect("ok");
        room.send(
            3,
            LiveEventBody::Attendance {
                person: person(3),
                presence: Presence::Remote,
            },
        )
        .expect("checks in remotely");
        assert_eq!(
            room.send(
                3,
                LiveEventBody::Attendance {
                    person: person(4),
                    presence: Presence::Present
                }
            ),
            Err(Refusal::ForSomeoneElse("record attendance"))
        );
        assert_eq!(
            room.send(
                3,
                LiveEventBody::Attendance {
                    person: person(3),
                    presence: Presence::Absent { reason: None }
                }
            ),
            Err(Refusal::NotRunner("record an absence or a substitution"))
        );
        room.send(
            SECRETARY,
            LiveEventBody::Attendance {
                person: person(4),
                presence: Presence::Absent {
                    reason: Some("mission abroad".into()),
                },
            },
        )
        .expect("the secretariat records an absence");
        assert_eq!(present_count(&room.state.attendance), 1);
        // Recorded absent, a member cannot check themselves back in.
        assert_eq!(
            room.send(
                4,
                LiveEventBody::Attendance {
                    person: person(4),
                    presence: Presence::Present
                }
            ),
            Err(Refusal::NotRunner(
                "change an absence or a substitution the session recorded"
            ))
        );
        assert_eq!(quorum_needed(5), 3);
        assert_eq!(quorum_needed(4), 3);
    }

    #[test]
    fn a_replayed_event_is_refused() {
        let mut room = Room::new();
        room.send(CHAIR, LiveEventBody::SessionStarted).expect("ok");
        let first = room.state.event_ids.iter().next().copied().expect("an id");
        assert_eq!(
            room.state.check(
                &room.facts,
                actor(CHAIR),
                first,
                &LiveEventBody::SessionSuspended
            ),
            Err(Refusal::ReplayedEvent)
        );
    }

    #[test]
    fn votes_open_on_the_current_item_and_close_once() {
        let mut room = Room::new();
        room.send(CHAIR, LiveEventBody::SessionStarted).expect("ok");
        room.send(CHAIR, LiveEventBody::ItemTakenUp { item: item(1) })
            .expect("ok");
        let motion = MotionId(Uuid::from_u128(31));
        room.send(
            CHAIR,
            LiveEventBody::MotionOpened {
                motion,
                item: item(1),
                question: "Adopt?".into(),
            },
        )
        .expect("opened");
        assert!(room.state.open_motion(motion).is_some());
        room.send(
            CHAIR,
            LiveEventBody::MotionClosed {
                motion,
                tally: None,
            },
        )
        .expect("closed");
        assert_eq!(
            room.send(
                CHAIR,
                LiveEventBody::MotionClosed {
                    motion,
                    tally: None
                }
            ),
            Err(Refusal::MotionNotOpen)
        );
    }
}

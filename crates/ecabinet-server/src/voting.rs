//! Votes in the meeting: the secretariat opens and closes motions and
//! records attendance; ballots arrive as signed ops (see `push`); anyone who
//! may see a closed motion can export its ballots and recount.

use chrono::{DateTime, Utc};
use ecabinet_crypto::b64_encode;
use ecabinet_domain::api::{MotionExportView, OpenMotionRequest, VoterDevice};
use ecabinet_domain::voting::{Attendance, Motion, MotionStatus, Presence, DEFAULT_OPTIONS};
use ecabinet_domain::{validate, AgendaItemId, MeetingId, MotionId, PersonId, Role};

use crate::services::{Caller, ServiceError, ServiceResult, Services};

/// Most options one motion may offer.
const MAX_OPTIONS: usize = 10;

impl Services {
    /// An agenda item and its meeting, if they belong to the caller's organisation.
    pub(crate) async fn item_of_caller(
        &self,
        caller: &Caller,
        item: AgendaItemId,
    ) -> ServiceResult<(ecabinet_domain::AgendaItem, ecabinet_domain::Meeting)> {
        self.store
            .agenda_item(item)
            .await?
            .filter(|(_, meeting)| meeting.organisation_id == caller.person.organisation_id)
            .ok_or(ServiceError::NotFound("agenda item"))
    }

    /// Tells followers at once that the stream moved (results must reach
    /// every connected client quickly, not at the next poll).
    pub(crate) async fn poke(&self, organisation: ecabinet_domain::OrganisationId) {
        match self.store.last_seq(organisation).await {
            Ok(newest) => {
                self.cursor.send_if_modified(|current| {
                    let newer = newest > *current;
                    if newer {
                        *current = newest;
                    }
                    newer
                });
            }
            Err(error) => tracing::warn!(%error, "could not read the newest change number"),
        }
    }

    /// Opens a vote under the id the caller chose; opening it again (a
    /// replayed command) returns the motion as it now stands.
    pub async fn open_motion(
        &self,
        caller: &Caller,
        id: MotionId,
        item: AgendaItemId,
        request: OpenMotionRequest,
    ) -> ServiceResult<Motion> {
        if let Some((existing, organisation)) = self.store.motion(id).await? {
            return if organisation == caller.person.organisation_id {
                Ok(existing)
            } else {
                Err(ServiceError::Conflict(
                    "this motion id is already taken".into(),
                ))
            };
        }
        let (item, meeting) = self.item_of_caller(caller, item).await?;
        Self::require_runs_meeting(caller, &meeting)?;
        Self::require_published(&meeting)?;
        let question = validate::title(&request.question)?;
        let options: Vec<String> = match request.options {
            Some(options) => options.iter().map(|o| o.trim().to_owned()).collect(),
            None => DEFAULT_OPTIONS.iter().map(|o| (*o).to_owned()).collect(),
        };
        let mut distinct = options.clone();
        distinct.sort();
        distinct.dedup();
        if options.len() < 2
            || options.len() > MAX_OPTIONS
            || distinct.len() != options.len()
            || options
                .iter()
                .any(|o| o.is_empty() || o.chars().count() > 60)
        {
            return Err(ServiceError::BadRequest(format!(
                "a vote needs 2 to {MAX_OPTIONS} different, non-empty options"
            )));
        }
        let now = Utc::now();
        if request.closes_at.is_some_and(|at| at <= now) {
            return Err(ServiceError::BadRequest(
                "the closing time must be in the future".into(),
            ));
        }
        let motion = Motion {
            id,
            meeting_id: meeting.id,
            agenda_item_id: item.id,
            question,
            options,
            rule: request.rule,
            base: request.base,
            quorum: request.quorum,
            status: MotionStatus::Open,
            opened_at: now,
            closes_at: request.closes_at,
            closed_at: None,
            votes_cast: 0,
            tally: None,
        };
        self.store
            .create_motion(caller.person.organisation_id, &motion)
            .await?;
        self.poke(caller.person.organisation_id).await;
        Ok(motion)
    }

    pub async fn close_motion(&self, caller: &Caller, id: MotionId) -> ServiceResult<Motion> {
        let (motion, organisation) = self
            .store
            .motion(id)
            .await?
            .ok_or(ServiceError::NotFound("motion"))?;
        if organisation != caller.person.organisation_id {
            return Err(ServiceError::NotFound("motion"));
        }
        let meeting = self
            .store
            .meeting(motion.meeting_id)
            .await?
            .ok_or(ServiceError::NotFound("meeting"))?;
        Self::require_runs_meeting(caller, &meeting)?;
        if motion.status == MotionStatus::Closed {
            return Err(ServiceError::Conflict("this vote is already closed".into()));
        }
        // The room's hub may hold ballots of it: the chair closes it there.
        self.require_server_orders(meeting.id).await?;
        let closed = self
            .store
            .close_motion(id, Utc::now())
            .await?
            .ok_or_else(|| ServiceError::Conflict("this vote is already closed".into()))?;
        self.poke(organisation).await;
        Ok(closed)
    }

    /// Closes motions whose time has come; run every second by the server.
    pub async fn close_due_motions(&self, now: DateTime<Utc>) -> ServiceResult<u32> {
        let mut closed = 0;
        for id in self.store.due_motions(now).await? {
            if let Some(motion) = self.store.close_motion(id, now).await? {
                closed += 1;
                if let Some((_, organisation)) = self.store.motion(motion.id).await? {
                    self.poke(organisation).await;
                }
            }
        }
        Ok(closed)
    }

    /// The secretariat records anyone's attendance; a member may check
    /// themselves in, in the room or remotely, and nothing else.
    pub async fn record_attendance(
        &self,
        caller: &Caller,
        meeting: MeetingId,
        person: PersonId,
        presence: Presence,
    ) -> ServiceResult<Attendance> {
        let found = self
            .store
            .meeting(meeting)
            .await?
            .filter(|m| m.organisation_id == caller.person.organisation_id)
            .ok_or(ServiceError::NotFound("meeting"))?;
        Self::require_known(caller, &found)?;
        Self::require_published(&found)?;
        let runs = Self::require_runs_meeting(caller, &found).is_ok();
        self.check_attendance(caller, &found, person, &presence, runs)
            .await?;
        let attendance = Attendance {
            meeting_id: found.id,
            person_id: person,
            presence,
            recorded_at: Utc::now(),
        };
        self.store
            .set_attendance(caller.person.organisation_id, &attendance)
            .await?;
        self.poke(caller.person.organisation_id).await;
        Ok(attendance)
    }

    /// The chair of a meeting and the secretariat run it (votes, attendance,
    /// the session).
    pub(crate) fn require_runs_meeting(
        caller: &Caller,
        meeting: &ecabinet_domain::Meeting,
    ) -> ServiceResult<()> {
        if caller.person.role == Role::Secretary || meeting.details.chair == Some(caller.person.id)
        {
            Ok(())
        } else {
            Err(ServiceError::Forbidden(
                "only the secretariat or the meeting's chair may do this",
            ))
        }
    }

    /// Whether `caller` may record `presence` for `person`: whoever runs the
    /// meeting records anyone's; a member checks themselves in (in the room
    /// or remotely) unless recorded absent or substituted.
    pub(crate) async fn check_attendance(
        &self,
        caller: &Caller,
        meeting: &ecabinet_domain::Meeting,
        person: PersonId,
        presence: &Presence,
        runs_meeting: bool,
    ) -> ServiceResult<()> {
        let subject = self
            .store
            .person(person)
            .await?
            .filter(|p| p.organisation_id == caller.person.organisation_id)
            .ok_or(ServiceError::NotFound("person"))?;
        if subject.role != Role::Member {
            return Err(ServiceError::BadRequest(
                "attendance is recorded for cabinet members".into(),
            ));
        }
        let self_check_in = person == caller.person.id && presence.may_vote();
        if !runs_meeting && !self_check_in {
            return Err(ServiceError::Forbidden(
                "only the secretariat records attendance; you may check yourself in",
            ));
        }
        if !runs_meeting && !crate::session::takes_part(meeting, &caller.person) {
            return Err(ServiceError::Forbidden(
                "you are not invited to this meeting",
            ));
        }
        if !runs_meeting {
            // A member cannot undo the secretariat's "absent" or "substituted".
            let recorded = self.store.attendance(meeting.id).await?;
            if recorded
                .iter()
                .any(|(p, presence)| *p == person && !presence.may_vote())
            {
                return Err(ServiceError::Forbidden(
                    "the secretariat recorded you absent or substituted for this meeting; ask it to change that",
                ));
            }
        }
        if let Presence::Absent {
            reason: Some(reason),
        } = presence
        {
            validate::title(reason)?;
        }
        if let Presence::Substituted { by: Some(by) } = presence {
            let substitute = self
                .store
                .person(*by)
                .await?
                .filter(|p| p.organisation_id == caller.person.organisation_id);
            if substitute.is_none() || *by == person {
                return Err(ServiceError::BadRequest(
                    "a substitute is another person of the organisation".into(),
                ));
            }
        }
        Ok(())
    }

    /// Every ballot of a closed motion, with receipts and the voters' device
    /// keys, for anyone who may see the motion. Named votes are public once
    /// closed; while open, nobody sees how anyone voted.
    pub async fn motion_export(
        &self,
        caller: &Caller,
        id: MotionId,
    ) -> ServiceResult<MotionExportView> {
        let (motion, organisation) = self
            .store
            .motion(id)
            .await?
            .ok_or(ServiceError::NotFound("motion"))?;
        if organisation != caller.person.organisation_id {
            return Err(ServiceError::NotFound("motion"));
        }
        if caller.person.role != Role::Secretary {
            let restricted = self
                .store
                .agenda_item(motion.agenda_item_id)
                .await?
                .is_none_or(|(item, _)| item.restricted);
            let access = self.store.item_access(motion.agenda_item_id).await?;
            if restricted && !access.contains(&caller.person.id) {
                return Err(ServiceError::Forbidden("this item is restricted"));
            }
        }
        if motion.status != MotionStatus::Closed {
            return Err(ServiceError::Conflict(
                "the ballots are published when the vote closes".into(),
            ));
        }
        let export = self
            .store
            .motion_export(id)
            .await?
            .ok_or(ServiceError::NotFound("motion"))?;
        Ok(MotionExportView {
            motion: export.motion,
            ballots: export.ballots,
            devices: export
                .devices
                .into_iter()
                .map(|(device_id, person_id, key)| VoterDevice {
                    device_id,
                    person_id,
                    signing_public_key: b64_encode(&key),
                })
                .collect(),
            server_signing_key: b64_encode(&self.server_public_key()),
        })
    }
}

impl Services {
    /// Adopts without discussion the items nobody objected to or asked to
    /// speak on (all such items, or the ones named), recording each.
    pub async fn adopt_without_discussion(
        &self,
        caller: &Caller,
        meeting: MeetingId,
        items: Option<Vec<AgendaItemId>>,
    ) -> ServiceResult<Vec<ecabinet_domain::positions::ItemDecision>> {
        caller.require_secretary()?;
        let found = self
            .store
            .meeting(meeting)
            .await?
            .filter(|m| m.organisation_id == caller.person.organisation_id)
            .ok_or(ServiceError::NotFound("meeting"))?;
        Self::require_published(&found)?;
        let agenda = self.store.agenda(found.id).await?;
        let members: Vec<PersonId> = self
            .store
            .persons(caller.person.organisation_id)
            .await?
            .into_iter()
            .filter(|p| p.role == Role::Member)
            .map(|p| p.id)
            .collect();
        let positions = self.store.positions(found.id).await?;
        let mut decisions = Vec::new();
        for item in &agenda {
            let named = items
                .as_ref()
                .is_none_or(|wanted| wanted.contains(&item.id));
            if !named {
                continue;
            }
            let on_item: Vec<_> = positions
                .iter()
                .filter(|p| p.agenda_item_id == item.id)
                .collect();
            let summary = ecabinet_domain::positions::summarise(&on_item, &members);
            if !summary.proposed_without_discussion {
                if items.is_some() {
                    return Err(ServiceError::Conflict(format!(
                        "item {} ({}) has objections or members who wish to speak: it needs discussion",
                        item.position, item.title
                    )));
                }
                continue;
            }
            decisions.push(ecabinet_domain::positions::ItemDecision {
                agenda_item_id: item.id,
                meeting_id: found.id,
                adopted_without_discussion: true,
                decided_at: Utc::now(),
                decided_by: caller.person.id,
            });
        }
        if let Some(wanted) = &items {
            if let Some(stranger) = wanted
                .iter()
                .find(|id| !agenda.iter().any(|i| i.id == **id))
            {
                return Err(ServiceError::BadRequest(format!(
                    "{stranger} is not an item of this meeting"
                )));
            }
        }
        self.store
            .record_decisions(caller.person.organisation_id, &decisions)
            .await?;
        self.poke(caller.person.organisation_id).await;
        Ok(decisions)
    }
}

impl Services {
    /// Moves an agenda item (secretariat); the others are renumbered.
    pub async fn move_agenda_item(
        &self,
        caller: &Caller,
        item: AgendaItemId,
        position: i32,
    ) -> ServiceResult<Vec<ecabinet_domain::AgendaItem>> {
        caller.require_secretary()?;
        self.item_of_caller(caller, item).await?;
        if position < 1 {
            return Err(ServiceError::BadRequest(
                "positions are numbered from 1".into(),
            ));
        }
        let moved = self
            .store
            .move_agenda_item(caller.person.organisation_id, item, position)
            .await?;
        self.poke(caller.person.organisation_id).await;
        Ok(moved)
    }
}

/// Closes due motions and sends due reminders, every second while the server runs.
pub async fn close_motions_on_time(services: Services) {
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(1));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        if let Err(error) = services.close_due_motions(Utc::now()).await {
            tracing::warn!(%error, "closing due motions failed");
        }
        if let Err(error) = services.send_due_reminders(Utc::now()).await {
            tracing::warn!(%error, "sending due reminders failed");
        }
    }
}

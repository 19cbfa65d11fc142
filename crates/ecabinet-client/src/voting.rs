//! Voting from this device: casting a signed ballot (offline too: it waits
//! in the outbox), and re-verifying a closed motion's tally from its export
//! without trusting the server.

use std::collections::HashMap;

use chrono::Utc;
use ecabinet_crypto::{b64_decode, random_bytes, sha256, verify_signature};
use ecabinet_domain::api::{MotionExportView, OpenMotionRequest};
use ecabinet_domain::ops::{BallotOp, Bytes, Command, Op, OpBody};
use ecabinet_domain::voting::{
    self, ballot_message, receipt_message, Attendance, Motion, MotionStatus, Presence, Tally,
};
use ecabinet_domain::{AgendaItemId, ChangeBody, MeetingId, MotionId, OpId, PersonId};
use serde::{Deserialize, Serialize};

use crate::error::{ClientError, ClientResult};
use crate::Client;

/// What became of a vote just cast.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case", tag = "outcome")]
pub enum VoteOutcome {
    /// The server counted it and signed a receipt.
    Counted { seq: f64 },
    /// The server is away; the room's hub took it (its event is `seq` in
    /// the session's log) and signed a receipt. It goes to the server with
    /// the hub's segment, and from this device's outbox as well.
    TakenByRoom { seq: f64 },
    /// Saved on this device; sent when the network returns.
    Waiting,
    /// The server refused it (e.g. the vote had closed), with its reason.
    Refused { code: String, reason: String },
}

/// The outcome of re-verifying a closed motion.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct TallyVerification {
    pub motion_id: MotionId,
    pub ballots_checked: u32,
    /// The tally recomputed from the ballots whose signatures and receipts hold.
    pub recount: Option<Tally>,
    /// Whether the recount equals the tally the server published.
    pub matches_published: bool,
    /// For a voter: whether their latest ballot is in the export as cast.
    pub own_ballot_included: Option<bool>,
    /// Everything that did not hold; empty when the tally is verified.
    pub problems: Vec<String>,
}

impl TallyVerification {
    pub fn verified(&self) -> bool {
        self.problems.is_empty() && self.matches_published
    }
}

/// Re-checks every ballot signature and receipt of an export, recounts with
/// the motion's rule, and compares with the published tally. `own` is this
/// voter's latest ballot signature for the motion, if they voted.
pub fn verify_export(
    export: &MotionExportView,
    pinned_server_key: &[u8],
    own: Option<&[u8]>,
) -> TallyVerification {
    let mut problems = Vec::new();
    let motion = &export.motion;
    let server_key = b64_decode(&export.server_signing_key).unwrap_or_default();
    if server_key != pinned_server_key {
        problems.push("the export is signed by a server key this device does not trust".into());
    }
    let devices: HashMap<_, _> = export
        .devices
        .iter()
        .map(|d| {
            (
                d.device_id,
                (
                    d.person_id,
                    b64_decode(&d.signing_public_key).unwrap_or_default(),
                ),
            )
        })
        .collect();
    let mut valid = Vec::new();
    for counted in &export.ballots {
        let ballot = &counted.ballot;
        let Some((person, key)) = devices.get(&ballot.device_id) else {
            problems.push(format!(
                "ballot {}: its device is not in the export",
                counted.seq
            ));
            continue;
        };
        if *person != ballot.voter {
            problems.push(format!(
                "ballot {}: cast from another person's device",
                counted.seq
            ));
            continue;
        }
        if ballot.motion_id != motion.id {
            problems.push(format!("ballot {}: belongs to another motion", counted.seq));
            continue;
        }
        if verify_signature(key, &ballot.message(), &ballot.signature.0).is_err() {
            problems.push(format!(
                "ballot {} ({} → {:?}): the voter's signature does not match; it was altered",
                counted.seq, ballot.voter, ballot.choice
            ));
            continue;
        }
        let receipt = receipt_message(
            &sha256(&ballot.signed_bytes()),
            counted.seq,
            counted.accepted_at,
        );
        if verify_signature(&server_key, &receipt, &counted.receipt.0).is_err() {
            problems.push(format!(
                "ballot {}: the server's receipt does not match",
                counted.seq
            ));
            continue;
        }
        valid.push(counted.clone());
    }
    let own_ballot_included = own.map(|signature| {
        export
            .ballots
            .iter()
            .any(|b| b.ballot.signature.0 == signature && valid.iter().any(|v| v.seq == b.seq))
    });
    if own_ballot_included == Some(false) {
        problems.push("your own latest ballot is not in the export as you cast it".into());
    }
    let (recount, matches_published) = match (&motion.tally, motion.closed_at) {
        (Some(published), Some(closed_at)) => {
            let counted = voting::counted(&valid, closed_at);
            let recount = voting::tally(motion, &counted, published.present, published.members);
            let same = recount == *published;
            if !same {
                problems.push(format!(
                    "the recount ({:?}) differs from the published tally ({:?})",
                    recount.counts, published.counts
                ));
            }
            (Some(recount), same)
        }
        _ => {
            problems.push("the motion is not closed: there is no tally to verify yet".into());
            (None, false)
        }
    };
    TallyVerification {
        motion_id: motion.id,
        ballots_checked: export.ballots.len() as u32,
        recount,
        matches_published,
        own_ballot_included,
        problems,
    }
}

impl Client {
    /// Puts a question to the vote (secretariat), offline too: the vote opens
    /// when the server receives this, with the id chosen here.
    pub async fn open_motion(
        &self,
        item: AgendaItemId,
        request: &OpenMotionRequest,
    ) -> ClientResult<Motion> {
        let question = ecabinet_domain::validate::title(&request.question)?;
        let found = self.agenda_item(item).await?;
        let motion = Motion {
            id: MotionId::new(),
            meeting_id: found.meeting_id,
            agenda_item_id: item,
            question,
            options: request.options.clone().unwrap_or_else(|| {
                ecabinet_domain::voting::DEFAULT_OPTIONS
                    .iter()
                    .map(|o| (*o).to_owned())
                    .collect()
            }),
            rule: request.rule,
            base: request.base,
            quorum: request.quorum,
            status: ecabinet_domain::voting::MotionStatus::Open,
            opened_at: Utc::now(),
            closes_at: request.closes_at,
            closed_at: None,
            votes_cast: 0,
            tally: None,
        };
        let command = Command::OpenMotion {
            motion_id: motion.id,
            item_id: item,
            request: request.clone(),
        };
        self.run_command(command, &[ChangeBody::Motion(motion.clone())])
            .await?;
        let opened = self.replica.motion(motion.id).await?.unwrap_or(motion);
        // In session, the vote goes into the session's log (and its minutes),
        // unless its item is restricted: the log is read by every participant.
        let running = self.folded_session(opened.meeting_id).await?.status
            == ecabinet_domain::session::rules::SessionStatus::Running;
        if running && !self.agenda_item(opened.agenda_item_id).await?.restricted {
            self.send_live_event(
                opened.meeting_id,
                ecabinet_domain::session::LiveEventBody::MotionOpened {
                    motion: opened.id,
                    item: opened.agenda_item_id,
                    question: opened.question.clone(),
                },
            )
            .await?;
        }
        Ok(opened)
    }

    /// Closes a vote (secretariat); returns it with its tally once the
    /// server has closed it (offline: as it stands, the close waiting to go).
    pub async fn close_motion(&self, motion: MotionId) -> ClientResult<Motion> {
        let current = self.motion(motion).await?;
        // The room's hub runs the session without the server: the chair
        // closes the vote there, and the hub, which holds its ballots,
        // counts it.
        let state = self.folded_session(current.meeting_id).await?;
        if state.hub.is_some() && state.open_motion(motion).is_some() {
            self.send_live_event(
                current.meeting_id,
                ecabinet_domain::session::LiveEventBody::MotionClosed {
                    motion,
                    tally: None,
                },
            )
            .await?;
            // The hub orders its count right after the close: wait for it
            // to reach this device's log, briefly (it is shown once it does).
            let mut state = self.folded_session(current.meeting_id).await?;
            for _ in 0..20 {
                if state
                    .motions
                    .iter()
                    .any(|m| m.motion == motion && m.tally.is_some())
                {
                    break;
                }
                tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                state = self.folded_session(current.meeting_id).await?;
            }
            let seen = state.motions.iter().find(|m| m.motion == motion);
            let mut closed = current;
            closed.status = MotionStatus::Closed;
            closed.closed_at = seen.and_then(|m| m.closed_at);
            closed.tally = seen.and_then(|m| m.tally.clone());
            if let Some(tally) = &closed.tally {
                closed.votes_cast = tally.named.len() as u32;
            }
            return Ok(closed);
        }
        self.run_command(Command::CloseMotion { motion_id: motion }, &[])
            .await?;
        let closed = self.replica.motion(motion).await?.unwrap_or(current);
        if closed.status == ecabinet_domain::voting::MotionStatus::Closed {
            self.note_motion_closed(&closed).await?;
        }
        Ok(closed)
    }

    /// Records a vote's closing and tally in the session's log, if the log
    /// has it open.
    pub async fn note_motion_closed(&self, closed: &Motion) -> ClientResult<()> {
        let state = self.folded_session(closed.meeting_id).await?;
        if state.open_motion(closed.id).is_some() {
            self.send_live_event(
                closed.meeting_id,
                ecabinet_domain::session::LiveEventBody::MotionClosed {
                    motion: closed.id,
                    tally: closed.tally.clone(),
                },
            )
            .await?;
        }
        Ok(())
    }

    /// Records attendance (secretariat: anyone; a member: their own check-in), offline too.
    pub async fn record_attendance(
        &self,
        meeting: MeetingId,
        person: PersonId,
        presence: Presence,
    ) -> ClientResult<Attendance> {
        let attendance = Attendance {
            meeting_id: meeting,
            person_id: person,
            presence: presence.clone(),
            recorded_at: Utc::now(),
        };
        // In session, attendance is a live event (the server records it for
        // the votes too); offline it waits in the outbox like before.
        if let Err(error) = self.catch_up_session(meeting).await {
            tracing::debug!(%error, "could not hear the session; attendance goes by the outbox");
        }
        if self.session_running(meeting).await? {
            let live = ecabinet_domain::session::LiveEventBody::Attendance {
                person,
                presence: presence.clone(),
            };
            match self.send_live_event(meeting, live).await {
                Ok(_) => {
                    if let Err(error) = self.sync().await {
                        tracing::warn!(%error, "could not sync after recording attendance");
                    }
                    return Ok(self
                        .replica
                        .attendance(meeting)
                        .await?
                        .into_iter()
                        .find(|a| a.person_id == person)
                        .unwrap_or(attendance));
                }
                Err(ClientError::NeedsRoom { .. }) => {}
                Err(error) => return Err(error),
            }
        }
        let command = Command::RecordAttendance {
            meeting_id: meeting,
            person_id: person,
            presence,
        };
        self.run_command(command, &[ChangeBody::Attendance(attendance.clone())])
            .await?;
        Ok(self
            .replica
            .attendance(meeting)
            .await?
            .into_iter()
            .find(|a| a.person_id == person)
            .unwrap_or(attendance))
    }

    /// The motions of a meeting, as last synced (works offline).
    pub async fn motions(&self, meeting: MeetingId) -> ClientResult<Vec<Motion>> {
        self.replica.motions(meeting).await
    }

    /// One motion, as last synced.
    pub async fn motion(&self, id: MotionId) -> ClientResult<Motion> {
        self.replica
            .motion(id)
            .await?
            .ok_or_else(|| ClientError::NotFound {
                kind: "motion",
                reference: id.to_string(),
            })
    }

    /// Accepts a full motion id or an unambiguous prefix.
    pub async fn resolve_motion(&self, reference: &str) -> ClientResult<MotionId> {
        let known: Vec<MotionId> = self
            .replica
            .motion_ids_with_prefix("")
            .await?
            .iter()
            .filter_map(|id| id.parse().ok())
            .collect();
        crate::references::pick("motion", reference, known)
    }

    /// Casts (or changes) this member's vote: signs the ballot, saves it in
    /// the outbox, and sends it at once if the server is reachable.
    pub async fn vote(&self, motion: MotionId, choice: &str) -> ClientResult<VoteOutcome> {
        let known = self.motion(motion).await?;
        let choice = choice.trim().to_lowercase();
        if !known.options.contains(&choice) {
            return Err(ClientError::InvalidArgument(format!(
                "{choice:?} is not a choice of this vote: use {}",
                known.options.join(", ")
            )));
        }
        if known.status == MotionStatus::Closed {
            return Err(ClientError::InvalidArgument(
                "this vote has closed; a ballot would not be counted".into(),
            ));
        }
        let cast_at = Utc::now();
        let nonce = random_bytes::<16>()?.to_vec();
        let voter = self.profile.person.id;
        let device = self.profile.device_id;
        let signature = self.keys.signing.sign(&ballot_message(
            motion, voter, &choice, device, cast_at, &nonce,
        ));
        let ballot = voting::Ballot {
            motion_id: motion,
            voter,
            choice: choice.clone(),
            device_id: device,
            cast_at,
            nonce: Bytes(nonce.clone()),
            signature: Bytes(signature.to_vec()),
        };
        let body = OpBody::Ballot(BallotOp {
            motion_id: motion,
            voter,
            choice,
            cast_at,
            nonce: Bytes(nonce),
            signature: Bytes(signature.to_vec()),
        });
        match self.save_and_send(body).await? {
            // The server is away (or its hub runs the room): the room's hub
            // takes ballots then, if this device is in the room.
            VoteOutcome::Waiting => self.vote_through_room(ballot).await,
            outcome => Ok(outcome),
        }
    }

    /// Gives a ballot (saved in the outbox already) to this device's room
    /// process for the hub.
    async fn vote_through_room(&self, ballot: voting::Ballot) -> ClientResult<VoteOutcome> {
        let request = crate::room::LocalRequest::Ballot { ballot };
        Ok(
            match crate::room::ask_room_process(&self.dir, &request).await? {
                Some(crate::room::LocalAnswer::BallotTaken { receipt }) => {
                    VoteOutcome::TakenByRoom {
                        seq: f64::from(receipt.seq),
                    }
                }
                // The hub refuses what the server would (the vote closed in the
                // room): the server gives the same answer to the outbox's copy.
                Some(crate::room::LocalAnswer::Refused { code, message })
                    if !matches!(
                        code.as_str(),
                        "server_orders" | "room_unreachable" | "room_timeout"
                    ) =>
                {
                    VoteOutcome::Refused {
                        code,
                        reason: message,
                    }
                }
                _ => VoteOutcome::Waiting,
            },
        )
    }

    /// This device's latest ballot on each vote the session's log has open:
    /// what a hub that takes the room over must hold to count the vote.
    pub async fn ballots_for_room(&self, meeting: MeetingId) -> ClientResult<Vec<voting::Ballot>> {
        let state = self.folded_session(meeting).await?;
        let mut ballots = Vec::new();
        for open in state.motions.iter().filter(|m| m.closed_at.is_none()) {
            let ops = self.replica.own_ballot_ops(open.motion).await?;
            let latest = ops.iter().rev().find_map(|op| match &op.body {
                OpBody::Ballot(ballot) if ballot.voter == self.profile.person.id => {
                    Some(voting::Ballot {
                        motion_id: ballot.motion_id,
                        voter: ballot.voter,
                        choice: ballot.choice.clone(),
                        device_id: op.device_id,
                        cast_at: ballot.cast_at,
                        nonce: ballot.nonce.clone(),
                        signature: ballot.signature.clone(),
                    })
                }
                _ => None,
            });
            ballots.extend(latest);
        }
        Ok(ballots)
    }

    /// Saves an op in the outbox (so it survives anything from here on) and
    /// sends it at once if the server is reachable: counted, refused with the
    /// server's reason, or waiting for the network.
    pub(crate) async fn save_and_send(&self, body: OpBody) -> ClientResult<VoteOutcome> {
        let op_id = OpId::new();
        let device = self.profile.device_id;
        self.replica
            .record_local_op(self.profile.person.id, |hlc, device_seq| Op {
                id: op_id,
                device_id: device,
                device_seq,
                hlc,
                body,
            })
            .await?;
        match self.sync().await {
            Ok(_) => {}
            Err(ClientError::ServerUnreachable { .. }) => return Ok(VoteOutcome::Waiting),
            // The room's hub may hold the vote: the ballot waits here.
            Err(ClientError::Server { code, .. }) if code == "room_hub_orders" => {
                return Ok(VoteOutcome::Waiting)
            }
            Err(error) => return Err(error),
        }
        Ok(match self.replica.op_outcome(op_id).await? {
            Some(ecabinet_domain::ops::OpResult::Accepted { seq, .. }) => {
                VoteOutcome::Counted { seq: seq as f64 }
            }
            Some(ecabinet_domain::ops::OpResult::Rejected { code, reason }) => {
                VoteOutcome::Refused { code, reason }
            }
            None => VoteOutcome::Waiting,
        })
    }

    /// Fetches a closed motion's ballots and re-verifies its tally, and that
    /// this member's own latest ballot is included as cast.
    pub async fn verify_tally(&self, motion: MotionId) -> ClientResult<TallyVerification> {
        let token = self.token().await?;
        let export: MotionExportView = self
            .api
            .get_json(&format!("v1/motions/{motion}/export"), &token)
            .await?;
        let pinned = b64_decode(&self.profile.server_signing_key)?;
        let own = self.replica.own_ballots(motion).await?;
        let latest = own.iter().max_by_key(|b| (b.ballot.cast_at, b.seq));
        Ok(verify_export(
            &export,
            &pinned,
            latest.map(|b| b.ballot.signature.0.as_slice()),
        ))
    }
}

//! Motions and attendance: opening, closing with the tally, exporting every
//! ballot for re-verification. Ballots themselves arrive as ops (`ops_sql`).

use chrono::{DateTime, Utc};
use ecabinet_domain::voting::{
    self, Attendance, Ballot, CountedBallot, Motion, MotionStatus, Presence,
};
use ecabinet_domain::{
    AgendaItemId, ChangeBody, DeviceId, MeetingId, MotionId, OrganisationId, PersonId,
};
use uuid::Uuid;

use super::sql::{PostgresStore, SqliteStore};
use super::{MotionExport, StoreError, StoreResult};

fn json(body: &ChangeBody) -> StoreResult<String> {
    serde_json::to_string(body).map_err(|e| StoreError::Corrupt(e.to_string()))
}

fn parse_motion(text: &str) -> StoreResult<Motion> {
    serde_json::from_str(text).map_err(|e| StoreError::Corrupt(format!("motion: {e}")))
}

type BallotRow = (
    i64,
    Uuid,
    Uuid,
    String,
    DateTime<Utc>,
    Vec<u8>,
    Vec<u8>,
    DateTime<Utc>,
    Vec<u8>,
);

macro_rules! voting_store {
    ($store:ident, $db:ty) => {
        impl $store {
            /// Numbers and stores one change for the item's audience.
            async fn announce(
                tx: &mut sqlx::Transaction<'_, $db>,
                organisation: OrganisationId,
                item: AgendaItemId,
                entity: Uuid,
                body: &ChangeBody,
            ) -> StoreResult<i64> {
                let (seq,): (i64,) =
                    sqlx::query_as("UPDATE organisations SET last_seq = last_seq + 1 WHERE id = $1 RETURNING last_seq")
                        .bind(organisation.0)
                        .fetch_one(&mut **tx)
                        .await?;
                let (restricted,): (bool,) = sqlx::query_as("SELECT restricted FROM agenda_items WHERE id = $1")
                    .bind(item.0)
                    .fetch_one(&mut **tx)
                    .await?;
                sqlx::query(
                    "INSERT INTO changes (organisation_id, seq, kind, entity_id, body, audience) VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(organisation.0)
                .bind(seq)
                .bind(body.kind())
                .bind(entity)
                .bind(json(body)?)
                .bind(restricted.then_some(item.0))
                .execute(&mut **tx)
                .await?;
                Ok(seq)
            }

            pub(super) async fn create_motion_impl(&self, organisation: OrganisationId, motion: &Motion) -> StoreResult<()> {
                let mut tx = self.pool.begin().await?;
                let body = ChangeBody::Motion(motion.clone());
                sqlx::query(
                    "INSERT INTO motions (id, organisation_id, meeting_id, agenda_item_id, status, closes_at, body) VALUES ($1, $2, $3, $4, 'open', $5, $6)",
                )
                .bind(motion.id.0)
                .bind(organisation.0)
                .bind(motion.meeting_id.0)
                .bind(motion.agenda_item_id.0)
                .bind(motion.closes_at)
                .bind(serde_json::to_string(motion).map_err(|e| StoreError::Corrupt(e.to_string()))?)
                .execute(&mut *tx)
                .await?;
                Self::announce(&mut tx, organisation, motion.agenda_item_id, motion.id.0, &body).await?;
                tx.commit().await?;
                Ok(())
            }

            pub(super) async fn motion_impl(&self, id: MotionId) -> StoreResult<Option<(Motion, OrganisationId)>> {
                let row: Option<(String, Uuid)> = sqlx::query_as("SELECT body, organisation_id FROM motions WHERE id = $1")
                    .bind(id.0)
                    .fetch_optional(&self.pool)
                    .await?;
                row.map(|(body, org)| Ok((parse_motion(&body)?, OrganisationId(org)))).transpose()
            }

            async fn ballots_of(tx: &mut sqlx::Transaction<'_, $db>, motion: MotionId) -> StoreResult<Vec<CountedBallot>> {
                let rows: Vec<BallotRow> = sqlx::query_as(
                    "SELECT seq, voter, device_id, choice, cast_at, nonce, signature, accepted_at, receipt FROM ballots WHERE motion_id = $1 ORDER BY seq",
                )
                .bind(motion.0)
                .fetch_all(&mut **tx)
                .await?;
                Ok(rows
                    .into_iter()
                    .map(|(seq, voter, device, choice, cast_at, nonce, signature, accepted_at, receipt)| CountedBallot {
                        ballot: Ballot {
                            motion_id: motion,
                            voter: PersonId(voter),
                            choice,
                            device_id: DeviceId(device),
                            cast_at,
                            nonce: nonce.into(),
                            signature: signature.into(),
                        },
                        seq,
                        accepted_at,
                        receipt: receipt.into(),
                    })
                    .collect())
            }

            /// (present, members) for a meeting: members recorded present or remote, and all members.
            async fn presence_counts(tx: &mut sqlx::Transaction<'_, $db>, organisation: OrganisationId, meeting: MeetingId) -> StoreResult<(u32, u32)> {
                let (present,): (i64,) = sqlx::query_as(
                    "SELECT COUNT(*) FROM attendance a JOIN persons p ON p.id = a.person_id WHERE a.meeting_id = $1 AND a.may_vote AND p.role = 'member'",
                )
                .bind(meeting.0)
                .fetch_one(&mut **tx)
                .await?;
                let (members,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM persons WHERE organisation_id = $1 AND role = 'member'")
                    .bind(organisation.0)
                    .fetch_one(&mut **tx)
                    .await?;
                Ok((present as u32, members as u32))
            }

            /// Closes an open motion and records its tally, in one transaction
            /// that first locks the motion's row (ballots lock it too).
            pub(super) async fn close_motion_impl(&self, id: MotionId, now: DateTime<Utc>) -> StoreResult<Option<Motion>> {
                let mut tx = self.pool.begin().await?;
                // The organisation's row first, as group commits do, so the two
                // never wait on each other in opposite orders (PostgreSQL).
                sqlx::query("UPDATE organisations SET last_seq = last_seq WHERE id = (SELECT organisation_id FROM motions WHERE id = $1)")
                    .bind(id.0)
                    .execute(&mut *tx)
                    .await?;
                let row: Option<(String, Uuid)> =
                    sqlx::query_as("UPDATE motions SET status = status WHERE id = $1 AND status = 'open' RETURNING body, organisation_id")
                        .bind(id.0)
                        .fetch_optional(&mut *tx)
                        .await?;
                let Some((body, organisation)) = row else {
                    return Ok(None);
                };
                let organisation = OrganisationId(organisation);
                let mut motion = parse_motion(&body)?;
                // A motion with a closing time closes at that time, even if the
                // server only gets to it a moment later.
                let closed_at = motion.closes_at.map_or(now, |at| at.min(now));
                let ballots = Self::ballots_of(&mut tx, id).await?;
                // A member marked absent or substituted after voting no longer counts.
                let barred: Vec<(Uuid,)> = sqlx::query_as("SELECT person_id FROM attendance WHERE meeting_id = $1 AND NOT may_vote")
                    .bind(motion.meeting_id.0)
                    .fetch_all(&mut *tx)
                    .await?;
                let eligible: Vec<CountedBallot> = ballots
                    .into_iter()
                    .filter(|b| !barred.iter().any(|(p,)| *p == b.ballot.voter.0))
                    .collect();
                let counted = voting::counted(&eligible, closed_at);
                let (present, members) = Self::presence_counts(&mut tx, organisation, motion.meeting_id).await?;
                motion.status = MotionStatus::Closed;
                motion.closed_at = Some(closed_at);
                motion.votes_cast = counted.len() as u32;
                motion.tally = Some(voting::tally(&motion, &counted, present, members));
                sqlx::query("UPDATE motions SET status = 'closed', body = $1 WHERE id = $2")
                    .bind(serde_json::to_string(&motion).map_err(|e| StoreError::Corrupt(e.to_string()))?)
                    .bind(id.0)
                    .execute(&mut *tx)
                    .await?;
                Self::announce(&mut tx, organisation, motion.agenda_item_id, id.0, &ChangeBody::Motion(motion.clone())).await?;
                tx.commit().await?;
                Ok(Some(motion))
            }

            pub(super) async fn open_motions_impl(&self, meeting: MeetingId) -> StoreResult<Vec<Motion>> {
                let rows: Vec<(String,)> = sqlx::query_as("SELECT body FROM motions WHERE meeting_id = $1 AND status = 'open'")
                    .bind(meeting.0)
                    .fetch_all(&self.pool)
                    .await?;
                rows.iter().map(|(body,)| parse_motion(body)).collect()
            }

            pub(super) async fn take_room_ballot_impl(
                &self,
                organisation: OrganisationId,
                ballot: &Ballot,
                accepted_at: DateTime<Utc>,
                receipts: &super::ReceiptSigner,
            ) -> StoreResult<(i64, bool)> {
                let mut tx = self.pool.begin().await?;
                // The organisation's row first, as group commits do.
                sqlx::query("UPDATE organisations SET last_seq = last_seq WHERE id = $1")
                    .bind(organisation.0)
                    .execute(&mut *tx)
                    .await?;
                let held: Option<(i64,)> = sqlx::query_as("SELECT seq FROM ballots WHERE motion_id = $1 AND signature = $2")
                    .bind(ballot.motion_id.0)
                    .bind(ballot.signature.0.clone())
                    .fetch_optional(&mut *tx)
                    .await?;
                if let Some((seq,)) = held {
                    tx.commit().await?;
                    return Ok((seq, false));
                }
                let row: Option<(String,)> = sqlx::query_as("UPDATE motions SET body = body WHERE id = $1 AND organisation_id = $2 RETURNING body")
                    .bind(ballot.motion_id.0)
                    .bind(organisation.0)
                    .fetch_optional(&mut *tx)
                    .await?;
                let Some((body,)) = row else {
                    return Err(StoreError::Corrupt("a room ballot names a vote the server does not hold".into()));
                };
                let mut motion = parse_motion(&body)?;
                const NEXT_SEQ: &str = "UPDATE organisations SET last_seq = last_seq + 1 WHERE id = $1 RETURNING last_seq";
                let (seq,): (i64,) = sqlx::query_as(NEXT_SEQ).bind(organisation.0).fetch_one(&mut *tx).await?;
                let receipt = receipts(&voting::receipt_message(&ecabinet_crypto::sha256(&ballot.signed_bytes()), seq, accepted_at));
                let counted = CountedBallot {
                    ballot: ballot.clone(),
                    seq,
                    accepted_at,
                    receipt: ecabinet_domain::ops::Bytes(receipt.to_vec()),
                };
                sqlx::query(
                    "INSERT INTO ballots (seq, motion_id, voter, device_id, choice, cast_at, nonce, signature, accepted_at, receipt) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                )
                .bind(seq)
                .bind(ballot.motion_id.0)
                .bind(ballot.voter.0)
                .bind(ballot.device_id.0)
                .bind(ballot.choice.clone())
                .bind(ballot.cast_at)
                .bind(ballot.nonce.0.clone())
                .bind(ballot.signature.0.clone())
                .bind(accepted_at)
                .bind(counted.receipt.0.clone())
                .execute(&mut *tx)
                .await?;
                // Only the voter's own devices learn how they voted.
                sqlx::query(
                    "INSERT INTO changes (organisation_id, seq, kind, entity_id, body, audience_person, audience_secretariat) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                )
                .bind(organisation.0)
                .bind(seq)
                .bind("ballot")
                .bind(ballot.motion_id.0)
                .bind(json(&ChangeBody::Ballot(counted))?)
                .bind(ballot.voter.0)
                .bind(false)
                .execute(&mut *tx)
                .await?;
                let recorded: Option<(String,)> = sqlx::query_as("SELECT presence FROM attendance WHERE meeting_id = $1 AND person_id = $2")
                    .bind(motion.meeting_id.0)
                    .bind(ballot.voter.0)
                    .fetch_optional(&mut *tx)
                    .await?;
                if recorded.is_none() {
                    // A member's first vote in a meeting records them present.
                    let attendance = Attendance {
                        meeting_id: motion.meeting_id,
                        person_id: ballot.voter,
                        presence: Presence::Present,
                        recorded_at: accepted_at,
                    };
                    sqlx::query("INSERT INTO attendance (meeting_id, person_id, presence, may_vote) VALUES ($1, $2, $3, $4)")
                        .bind(motion.meeting_id.0)
                        .bind(ballot.voter.0)
                        .bind(serde_json::to_string(&attendance.presence).map_err(|e| StoreError::Corrupt(e.to_string()))?)
                        .bind(true)
                        .execute(&mut *tx)
                        .await?;
                    let (seq,): (i64,) = sqlx::query_as(NEXT_SEQ).bind(organisation.0).fetch_one(&mut *tx).await?;
                    sqlx::query("INSERT INTO changes (organisation_id, seq, kind, entity_id, body) VALUES ($1, $2, $3, $4, $5)")
                        .bind(organisation.0)
                        .bind(seq)
                        .bind("attendance")
                        .bind(ballot.voter.0)
                        .bind(json(&ChangeBody::Attendance(attendance))?)
                        .execute(&mut *tx)
                        .await?;
                }
                // How many have voted so far (never how).
                let (voters,): (i64,) = sqlx::query_as("SELECT COUNT(DISTINCT voter) FROM ballots WHERE motion_id = $1")
                    .bind(ballot.motion_id.0)
                    .fetch_one(&mut *tx)
                    .await?;
                motion.votes_cast = u32::try_from(voters).unwrap_or(u32::MAX);
                sqlx::query("UPDATE motions SET body = $1 WHERE id = $2")
                    .bind(serde_json::to_string(&motion).map_err(|e| StoreError::Corrupt(e.to_string()))?)
                    .bind(motion.id.0)
                    .execute(&mut *tx)
                    .await?;
                Self::announce(&mut tx, organisation, motion.agenda_item_id, motion.id.0, &ChangeBody::Motion(motion.clone())).await?;
                tx.commit().await?;
                Ok((seq, true))
            }

            pub(super) async fn due_motions_impl(&self, now: DateTime<Utc>) -> StoreResult<Vec<MotionId>> {
                let rows: Vec<(Uuid, Option<DateTime<Utc>>)> =
                    sqlx::query_as("SELECT id, closes_at FROM motions WHERE status = 'open' AND closes_at IS NOT NULL")
                        .fetch_all(&self.pool)
                        .await?;
                Ok(rows
                    .into_iter()
                    .filter(|(_, at)| at.is_some_and(|at| at <= now))
                    .map(|(id, _)| MotionId(id))
                    .collect())
            }

            pub(super) async fn set_attendance_impl(
                &self,
                organisation: OrganisationId,
                attendance: &Attendance,
            ) -> StoreResult<()> {
                let mut tx = self.pool.begin().await?;
                sqlx::query("UPDATE organisations SET last_seq = last_seq WHERE id = $1")
                    .bind(organisation.0)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query(
                    "INSERT INTO attendance (meeting_id, person_id, presence, may_vote) VALUES ($1, $2, $3, $4) \
                     ON CONFLICT (meeting_id, person_id) DO UPDATE SET presence = excluded.presence, may_vote = excluded.may_vote",
                )
                .bind(attendance.meeting_id.0)
                .bind(attendance.person_id.0)
                .bind(serde_json::to_string(&attendance.presence).map_err(|e| StoreError::Corrupt(e.to_string()))?)
                .bind(attendance.presence.may_vote())
                .execute(&mut *tx)
                .await?;
                let (seq,): (i64,) =
                    sqlx::query_as("UPDATE organisations SET last_seq = last_seq + 1 WHERE id = $1 RETURNING last_seq")
                        .bind(organisation.0)
                        .fetch_one(&mut *tx)
                        .await?;
                let body = ChangeBody::Attendance(attendance.clone());
                sqlx::query("INSERT INTO changes (organisation_id, seq, kind, entity_id, body) VALUES ($1, $2, $3, $4, $5)")
                    .bind(organisation.0)
                    .bind(seq)
                    .bind(body.kind())
                    .bind(attendance.person_id.0)
                    .bind(json(&body)?)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(())
            }

            pub(super) async fn attendance_impl(&self, meeting: MeetingId) -> StoreResult<Vec<(PersonId, Presence)>> {
                let rows: Vec<(Uuid, String)> = sqlx::query_as("SELECT person_id, presence FROM attendance WHERE meeting_id = $1")
                    .bind(meeting.0)
                    .fetch_all(&self.pool)
                    .await?;
                rows.into_iter()
                    .map(|(person, presence)| {
                        let presence = serde_json::from_str(&presence).map_err(|e| StoreError::Corrupt(format!("attendance: {e}")))?;
                        Ok((PersonId(person), presence))
                    })
                    .collect()
            }

            pub(super) async fn motion_export_impl(&self, id: MotionId) -> StoreResult<Option<MotionExport>> {
                let mut tx = self.pool.begin().await?;
                let row: Option<(String,)> = sqlx::query_as("SELECT body FROM motions WHERE id = $1")
                    .bind(id.0)
                    .fetch_optional(&mut *tx)
                    .await?;
                let Some((body,)) = row else {
                    return Ok(None);
                };
                let motion = parse_motion(&body)?;
                let ballots = Self::ballots_of(&mut tx, id).await?;
                let mut devices = Vec::new();
                for ballot in &ballots {
                    if devices.iter().any(|(d, _, _): &(DeviceId, PersonId, Vec<u8>)| *d == ballot.ballot.device_id) {
                        continue;
                    }
                    let (person, key): (Uuid, Vec<u8>) = sqlx::query_as("SELECT person_id, signing_public_key FROM devices WHERE id = $1")
                        .bind(ballot.ballot.device_id.0)
                        .fetch_one(&mut *tx)
                        .await?;
                    devices.push((ballot.ballot.device_id, PersonId(person), key));
                }
                tx.commit().await?;
                Ok(Some(MotionExport { motion, ballots, devices }))
            }

            pub(super) async fn positions_impl(&self, meeting: MeetingId) -> StoreResult<Vec<ecabinet_domain::positions::Position>> {
                let rows: Vec<(Uuid, Uuid, String, DateTime<Utc>)> = sqlx::query_as(
                    "SELECT p.agenda_item_id, p.person_id, p.stance, p.recorded_at FROM positions p \
                     JOIN agenda_items a ON a.id = p.agenda_item_id WHERE a.meeting_id = $1",
                )
                .bind(meeting.0)
                .fetch_all(&self.pool)
                .await?;
                rows.into_iter()
                    .map(|(item, person, stance, recorded_at)| {
                        Ok(ecabinet_domain::positions::Position {
                            agenda_item_id: AgendaItemId(item),
                            meeting_id: meeting,
                            person_id: PersonId(person),
                            stance: serde_json::from_str(&stance).map_err(|e| StoreError::Corrupt(format!("position: {e}")))?,
                            recorded_at,
                        })
                    })
                    .collect()
            }

            pub(super) async fn record_decisions_impl(
                &self,
                organisation: OrganisationId,
                decisions: &[ecabinet_domain::positions::ItemDecision],
            ) -> StoreResult<()> {
                let mut tx = self.pool.begin().await?;
                sqlx::query("UPDATE organisations SET last_seq = last_seq WHERE id = $1")
                    .bind(organisation.0)
                    .execute(&mut *tx)
                    .await?;
                for decision in decisions {
                    let body = ChangeBody::ItemDecision(decision.clone());
                    sqlx::query(
                        "INSERT INTO item_decisions (agenda_item_id, body) VALUES ($1, $2) ON CONFLICT (agenda_item_id) DO UPDATE SET body = excluded.body",
                    )
                    .bind(decision.agenda_item_id.0)
                    .bind(serde_json::to_string(decision).map_err(|e| StoreError::Corrupt(e.to_string()))?)
                    .execute(&mut *tx)
                    .await?;
                    Self::announce(&mut tx, organisation, decision.agenda_item_id, decision.agenda_item_id.0, &body).await?;
                }
                tx.commit().await?;
                Ok(())
            }

            pub(super) async fn create_opinion_request_impl(
                &self,
                organisation: OrganisationId,
                request: &ecabinet_domain::opinions::OpinionRequest,
            ) -> StoreResult<()> {
                let mut tx = self.pool.begin().await?;
                sqlx::query("INSERT INTO opinion_requests (id, organisation_id, agenda_item_id, deadline, body) VALUES ($1, $2, $3, $4, $5)")
                    .bind(request.id.0)
                    .bind(organisation.0)
                    .bind(request.agenda_item_id.0)
                    .bind(request.deadline)
                    .bind(serde_json::to_string(request).map_err(|e| StoreError::Corrupt(e.to_string()))?)
                    .execute(&mut *tx)
                    .await?;
                Self::announce(&mut tx, organisation, request.agenda_item_id, request.id.0, &ChangeBody::OpinionRequest(request.clone())).await?;
                tx.commit().await?;
                Ok(())
            }

            pub(super) async fn opinion_request_impl(
                &self,
                id: ecabinet_domain::OpinionRequestId,
            ) -> StoreResult<Option<(ecabinet_domain::opinions::OpinionRequest, OrganisationId)>> {
                let row: Option<(String, Uuid)> = sqlx::query_as("SELECT body, organisation_id FROM opinion_requests WHERE id = $1")
                    .bind(id.0)
                    .fetch_optional(&self.pool)
                    .await?;
                row.map(|(body, org)| {
                    Ok((
                        serde_json::from_str(&body).map_err(|e| StoreError::Corrupt(format!("opinion request: {e}")))?,
                        OrganisationId(org),
                    ))
                })
                .transpose()
            }

            pub(super) async fn opinion_responses_impl(
                &self,
                id: ecabinet_domain::OpinionRequestId,
            ) -> StoreResult<Vec<ecabinet_domain::opinions::ReceivedResponse>> {
                let rows: Vec<(String,)> = sqlx::query_as("SELECT body FROM opinion_responses WHERE request_id = $1 ORDER BY seq")
                    .bind(id.0)
                    .fetch_all(&self.pool)
                    .await?;
                rows.iter()
                    .map(|(body,)| serde_json::from_str(body).map_err(|e| StoreError::Corrupt(format!("opinion response: {e}"))))
                    .collect()
            }

            pub(super) async fn due_reminders_impl(
                &self,
                now: DateTime<Utc>,
            ) -> StoreResult<Vec<(ecabinet_domain::opinions::OpinionRequest, OrganisationId, DateTime<Utc>)>> {
                let rows: Vec<(String, Uuid)> = sqlx::query_as("SELECT body, organisation_id FROM opinion_requests")
                    .fetch_all(&self.pool)
                    .await?;
                let sent: Vec<(Uuid, DateTime<Utc>)> = sqlx::query_as("SELECT request_id, reminder_at FROM reminders_sent")
                    .fetch_all(&self.pool)
                    .await?;
                let mut due = Vec::new();
                for (body, org) in rows {
                    let request: ecabinet_domain::opinions::OpinionRequest =
                        serde_json::from_str(&body).map_err(|e| StoreError::Corrupt(format!("opinion request: {e}")))?;
                    for at in &request.reminders {
                        let done = sent.iter().any(|(id, when)| *id == request.id.0 && when == at);
                        if *at <= now && !done && now < request.deadline {
                            due.push((request.clone(), OrganisationId(org), *at));
                        }
                    }
                }
                Ok(due)
            }

            pub(super) async fn record_reminders_impl(
                &self,
                organisation: OrganisationId,
                request: ecabinet_domain::OpinionRequestId,
                reminder_at: DateTime<Utc>,
                reminders: &[ecabinet_domain::opinions::Reminder],
            ) -> StoreResult<bool> {
                let mut tx = self.pool.begin().await?;
                sqlx::query("UPDATE organisations SET last_seq = last_seq WHERE id = $1")
                    .bind(organisation.0)
                    .execute(&mut *tx)
                    .await?;
                let inserted = sqlx::query("INSERT INTO reminders_sent (request_id, reminder_at) VALUES ($1, $2) ON CONFLICT DO NOTHING")
                    .bind(request.0)
                    .bind(reminder_at)
                    .execute(&mut *tx)
                    .await?;
                if inserted.rows_affected() == 0 {
                    return Ok(false); // another instance sent these already
                }
                for reminder in reminders {
                    let (seq,): (i64,) =
                        sqlx::query_as("UPDATE organisations SET last_seq = last_seq + 1 WHERE id = $1 RETURNING last_seq")
                            .bind(organisation.0)
                            .fetch_one(&mut *tx)
                            .await?;
                    let body = ChangeBody::Reminder(reminder.clone());
                    sqlx::query(
                        "INSERT INTO changes (organisation_id, seq, kind, entity_id, body, audience_person, audience_secretariat) VALUES ($1, $2, $3, $4, $5, $6, FALSE)",
                    )
                    .bind(organisation.0)
                    .bind(seq)
                    .bind(body.kind())
                    .bind(request.0)
                    .bind(json(&body)?)
                    .bind(reminder.person_id.0)
                    .execute(&mut *tx)
                    .await?;
                }
                tx.commit().await?;
                Ok(true)
            }
        }
    };
}

voting_store!(SqliteStore, sqlx::Sqlite);
voting_store!(PostgresStore, sqlx::Postgres);

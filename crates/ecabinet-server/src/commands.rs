//! Commands that arrive as ops ([`Command`]): the secretariat's meeting,
//! agenda, vote and opinion work and members' check-ins, made on devices
//! that may have been offline. Each is carried out by the same service as
//! its HTTP twin; its answer is kept, so a re-pushed command gets the same
//! answer and is never carried out twice (and the services treat a replay
//! of a creation, whose id the device chose, as already done).

use chrono::Utc;
use ecabinet_domain::ops::{Command, Op, OpBody, OpResult};

use crate::services::{Caller, ServiceError, ServiceResult, Services};

impl Services {
    /// Carries out one command op and answers it, or fails the whole push
    /// when the server itself is at fault (the device will send it again).
    pub(crate) async fn carry_out(&self, caller: &Caller, op: &Op) -> ServiceResult<OpResult> {
        let OpBody::Command(body) = &op.body else {
            return Err(ServiceError::BadRequest("not a command".into()));
        };
        if let Some((device, answer)) = self.store.command_answer(op.id).await? {
            return Ok(if device == op.device_id {
                answer
            } else {
                OpResult::Rejected {
                    code: "reused_id".into(),
                    reason: "another device already sent a change under this id".into(),
                }
            });
        }
        let outcome = match body.command() {
            Ok(command) => self.run_command(caller, command).await,
            Err(error) => Err(ServiceError::BadRequest(format!(
                "the command is malformed: {error}"
            ))),
        };
        let answer = match outcome {
            Ok(()) => {
                let now = u64::try_from(Utc::now().timestamp_millis()).unwrap_or(0);
                OpResult::Accepted {
                    seq: self.store.last_seq(caller.person.organisation_id).await?,
                    hlc: op.hlc.clamped(now).0,
                }
            }
            Err(error) if error.is_server_fault() => return Err(error),
            Err(error) => OpResult::Rejected {
                code: error.code().into(),
                reason: error.to_string(),
            },
        };
        self.store
            .record_command_answer(op.id, op.device_id, &answer)
            .await?;
        self.poke(caller.person.organisation_id).await;
        Ok(answer)
    }

    async fn run_command(&self, caller: &Caller, command: Command) -> ServiceResult<()> {
        match command {
            Command::CreateMeeting {
                meeting_id,
                request,
            } => {
                self.create_meeting(caller, meeting_id, request).await?;
            }
            Command::UpdateMeeting {
                meeting_id,
                request,
            } => {
                self.update_meeting(caller, meeting_id, request).await?;
            }
            Command::AddAgendaItem {
                item_id,
                meeting_id,
                request,
            } => {
                self.add_agenda_item(
                    caller,
                    item_id,
                    meeting_id,
                    &request.title,
                    request.only,
                    &request.details,
                )
                .await?;
            }
            Command::UpdateAgendaItem { item_id, request } => {
                self.update_agenda_item(caller, item_id, request).await?;
            }
            Command::SetItemAccess { item_id, only } => {
                self.set_item_access(caller, item_id, only).await?;
            }
            Command::MoveAgendaItem { item_id, position } => {
                self.move_agenda_item(caller, item_id, position).await?;
            }
            Command::OpenMotion {
                motion_id,
                item_id,
                request,
            } => {
                self.open_motion(caller, motion_id, item_id, request)
                    .await?;
            }
            Command::CloseMotion { motion_id } => {
                match self.close_motion(caller, motion_id).await {
                    // Closed already (by its time, or by this command before a
                    // crash lost the answer): what was asked holds.
                    Err(ServiceError::Conflict(_)) => {}
                    other => {
                        other?;
                    }
                }
            }
            Command::RequestOpinions {
                request_id,
                item_id,
                request,
            } => {
                self.request_opinions(caller, request_id, item_id, request)
                    .await?;
            }
            Command::RecordAttendance {
                meeting_id,
                person_id,
                presence,
            } => {
                self.record_attendance(caller, meeting_id, person_id, presence)
                    .await?;
            }
            Command::Adopt { meeting_id, items } => {
                self.adopt_without_discussion(caller, meeting_id, items)
                    .await?;
            }
            Command::PublishDocument {
                document_id,
                version,
                request,
            } => {
                let manifest: ecabinet_domain::DocumentManifest =
                    serde_json::from_str(&request.manifest).map_err(|e| {
                        ServiceError::BadRequest(format!("the manifest is not valid: {e}"))
                    })?;
                if (manifest.document_id, manifest.version) != (document_id, version) {
                    return Err(ServiceError::BadRequest(
                        "the command and its manifest name different documents".into(),
                    ));
                }
                self.publish_document(caller, request).await?;
            }
            Command::Invite {
                person_id,
                name,
                role,
                code_sha256,
            } => {
                let hash = ecabinet_crypto::b64_decode(&code_sha256)
                    .ok()
                    .filter(|h| h.len() == 32)
                    .ok_or_else(|| {
                        ServiceError::BadRequest("the code's hash is not 32 bytes".into())
                    })?;
                let linking = name.is_none() && role.is_none();
                let request = ecabinet_domain::api::InviteRequest {
                    name,
                    role,
                    person_id: linking.then_some(person_id),
                };
                self.register_invite(caller, person_id, request, &hash)
                    .await?;
            }
            Command::DocumentOpened {
                document_id,
                version,
                opened_at,
            } => {
                self.document_opened(caller, document_id, version, opened_at)
                    .await?;
            }
            Command::RevokeDevice { device_id } => {
                match self.revoke_device(Some(caller), device_id).await {
                    // Revoked already: what was asked holds.
                    Err(ServiceError::Conflict(_)) => {}
                    other => other?,
                }
            }
        }
        Ok(())
    }
}

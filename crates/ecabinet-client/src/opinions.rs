//! Written opinions from this device: answering (signed; offline too, the
//! response waits in the outbox), the secretariat's status and its report.

use std::path::Path;

use chrono::Utc;
use ecabinet_crypto::{b64_decode, random_bytes, verify_signature};
use ecabinet_domain::api::{OpinionStatusView, RequestOpinionsRequest};
use ecabinet_domain::opinions::{
    response_message, OpinionRequest, OpinionStatus, ReceivedResponse,
};
use ecabinet_domain::ops::{Bytes, Op, OpBody, OpinionOp};
use ecabinet_domain::{AgendaItemId, AnnotationId, ChangeBody, OpId, OpinionRequestId, PersonId};
use serde::{Deserialize, Serialize};

use crate::error::{ClientError, ClientResult};
use crate::voting::VoteOutcome;
use crate::Client;

/// A request as a member sees it: theirs to answer (or to answer for someone).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct OpinionRequestView {
    pub request: OpinionRequest,
    /// The members this person may answer for (themselves, or under a mandate).
    pub answering_for: Vec<PersonId>,
    /// This person's received responses, oldest first.
    pub responses: Vec<ReceivedResponse>,
    /// Reminders received for this request.
    pub reminded: u32,
}

impl Client {
    /// Asks for written opinions on an item (secretariat), offline too: the
    /// request is shown here at once and goes out with the next sync, where
    /// the server checks it (recipients, mandates, a deadline still ahead).
    pub async fn request_opinions(
        &self,
        item: AgendaItemId,
        request: &RequestOpinionsRequest,
    ) -> ClientResult<OpinionRequest> {
        let found = self.agenda_item(item).await?;
        // Most rounds ask the same thing: opinions on the item's draft.
        let question = if request.question.trim().is_empty() {
            format!("Đề nghị cho ý kiến về: {}", found.title)
        } else {
            request.question.clone()
        };
        let question = ecabinet_domain::validate::title(&question)?;
        let recipients = match &request.recipients {
            Some(recipients) => recipients.clone(),
            None => self
                .replica
                .persons()
                .await?
                .into_iter()
                .filter(|p| p.role == ecabinet_domain::Role::Member)
                .map(|p| p.id)
                .collect(),
        };
        let documents = match &request.documents {
            Some(documents) => documents.clone(),
            None => self
                .replica
                .meeting_documents(found.meeting_id)
                .await?
                .into_iter()
                .filter(|d| d.agenda_item_id == item)
                .map(|d| d.id)
                .collect(),
        };
        let shown = OpinionRequest {
            id: ecabinet_domain::OpinionRequestId::new(),
            agenda_item_id: item,
            question,
            documents,
            answers: request.answers.clone().unwrap_or_else(|| {
                ecabinet_domain::opinions::DEFAULT_ANSWERS
                    .iter()
                    .map(|a| (*a).to_owned())
                    .collect()
            }),
            deadline: request.deadline,
            recipients,
            mandates: request.mandates.clone(),
            reminders: request.reminders.clone(),
            created_at: chrono::Utc::now(),
        };
        let command = ecabinet_domain::ops::Command::RequestOpinions {
            request_id: shown.id,
            item_id: item,
            request: RequestOpinionsRequest {
                question: shown.question.clone(),
                ..request.clone()
            },
        };
        self.run_command(command, &[ChangeBody::OpinionRequest(shown.clone())])
            .await?;
        Ok(self
            .replica
            .opinion_requests()
            .await?
            .into_iter()
            .find(|r| r.id == shown.id)
            .unwrap_or(shown))
    }

    /// The requests this person may answer, from the replica (works offline).
    pub async fn opinion_requests(&self) -> ClientResult<Vec<OpinionRequestView>> {
        let me = self.profile.person.id;
        let reminders = self.replica.reminders().await?;
        let mut views = Vec::new();
        for request in self.replica.opinion_requests().await? {
            let answering_for: Vec<PersonId> = request
                .recipients
                .iter()
                .filter(|member| request.answers_for(me, **member))
                .copied()
                .collect();
            if answering_for.is_empty()
                && self.profile.person.role != ecabinet_domain::Role::Secretary
            {
                continue;
            }
            views.push(OpinionRequestView {
                responses: self.replica.opinion_responses(request.id).await?,
                reminded: reminders
                    .iter()
                    .filter(|r| r.request_id == request.id)
                    .count() as u32,
                answering_for,
                request,
            });
        }
        Ok(views)
    }

    /// Accepts a full request id or an unambiguous prefix.
    pub async fn resolve_opinion_request(&self, reference: &str) -> ClientResult<OpinionRequestId> {
        let known: Vec<OpinionRequestId> = self
            .replica
            .opinion_requests()
            .await?
            .into_iter()
            .map(|r| r.id)
            .collect();
        crate::references::pick("opinion request", reference, known)
    }

    /// Submits a signed response (for oneself, or for `on_behalf_of` under a
    /// mandate). A new submission supersedes the earlier one until the deadline.
    pub async fn answer_opinion(
        &self,
        request: OpinionRequestId,
        choice: &str,
        comment: &str,
        on_behalf_of: Option<PersonId>,
        annotations: Vec<AnnotationId>,
    ) -> ClientResult<VoteOutcome> {
        let known = self
            .replica
            .opinion_requests()
            .await?
            .into_iter()
            .find(|r| r.id == request)
            .ok_or_else(|| ClientError::NotFound {
                kind: "opinion request",
                reference: request.to_string(),
            })?;
        let me = self.profile.person.id;
        let respondent = on_behalf_of.unwrap_or(me);
        if !known.answers_for(me, respondent) {
            return Err(ClientError::InvalidArgument(if respondent == me {
                "you were not asked for an opinion on this request".into()
            } else {
                "you have no mandate to answer for this member on this request".into()
            }));
        }
        let choice = choice.trim().to_owned();
        if !known.answers.contains(&choice) {
            return Err(ClientError::InvalidArgument(format!(
                "{choice:?} is not an answer of this request: use {}",
                known.answers.join(", ")
            )));
        }
        let device = self.profile.device_id;
        let mut op = OpinionOp {
            request_id: request,
            respondent,
            choice,
            comment: comment.trim().to_owned(),
            annotations,
            submitted_at: Utc::now(),
            nonce: Bytes(random_bytes::<16>()?.to_vec()),
            signature: Bytes::default(),
        };
        let signature = self
            .keys
            .signing
            .sign(&response_message(&op.response(me, device)));
        op.signature = Bytes(signature.to_vec());
        self.save_and_send(OpBody::Opinion(op)).await
    }

    /// Who answered, who has not, time left (secretariat; online).
    pub async fn opinion_status(
        &self,
        request: OpinionRequestId,
    ) -> ClientResult<OpinionStatusView> {
        let token = self.token().await?;
        self.api
            .get_json(&format!("v1/opinions/{request}/status"), &token)
            .await
    }

    /// Writes the summary of opinions: grouped by answer, every comment, the
    /// signer, whether the signature holds, and when; `.csv` or `.json`.
    pub async fn opinion_report(
        &self,
        request: OpinionRequestId,
        out: &Path,
    ) -> ClientResult<OpinionStatus> {
        let OpinionStatusView { status, devices } = self.opinion_status(request).await?;
        let people = self.replica.persons().await?;
        let name = |id: PersonId| {
            people
                .iter()
                .find(|p| p.id == id)
                .map_or_else(|| id.to_string(), |p| p.name.clone())
        };
        let valid = |r: &ReceivedResponse| {
            devices
                .iter()
                .find(|d| d.device_id == r.response.device_id && d.person_id == r.response.signer)
                .and_then(|d| b64_decode(&d.signing_public_key).ok())
                .is_some_and(|key| {
                    verify_signature(
                        &key,
                        &response_message(&r.response),
                        &r.response.signature.0,
                    )
                    .is_ok()
                })
        };
        let extension = out
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or_default()
            .to_ascii_lowercase();
        let body = match extension.as_str() {
            "json" => {
                let rows: Vec<_> = status
                    .counted
                    .iter()
                    .chain(&status.late)
                    .map(|r| ReportRow::new(r, &name, valid(r)))
                    .collect();
                serde_json::to_vec_pretty(&serde_json::json!({
                    "request": status.request,
                    "per_answer": status.per_answer,
                    "responses": rows,
                    "not_answered": status.not_answered.iter().map(|p| name(*p)).collect::<Vec<_>>(),
                }))
                .map_err(|e| ClientError::Protocol(e.to_string()))?
            }
            "csv" => {
                let mut csv = String::from(
                    "answer,member,signed_by,on_behalf,signature_valid,received_at,late,comment\n",
                );
                let mut rows: Vec<&ReceivedResponse> =
                    status.counted.iter().chain(&status.late).collect();
                rows.sort_by_key(|r| {
                    (
                        r.late,
                        status
                            .request
                            .answers
                            .iter()
                            .position(|a| *a == r.response.choice),
                        r.seq,
                    )
                });
                for r in rows {
                    let row = ReportRow::new(r, &name, valid(r));
                    csv.push_str(
                        &[
                            csv_field(&row.answer),
                            csv_field(&row.member),
                            csv_field(&row.signed_by),
                            row.on_behalf.to_string(),
                            row.signature_valid.to_string(),
                            row.received_at.clone(),
                            row.late.to_string(),
                            csv_field(&row.comment),
                        ]
                        .join(","),
                    );
                    csv.push('\n');
                }
                csv.into_bytes()
            }
            "pdf" => {
                let paragraphs = report_paragraphs(&status, &name, &valid);
                tokio::task::spawn_blocking(move || {
                    ecabinet_pdf::PdfEngine::load()
                        .and_then(|engine| engine.write_report(&paragraphs))
                })
                .await
                .map_err(|e| ClientError::Pdf(e.to_string()))?
                .map_err(|e| ClientError::Pdf(e.to_string()))?
            }
            _ => {
                return Err(ClientError::InvalidArgument(
                    "write the report to a .pdf, .csv or .json file".into(),
                ))
            }
        };
        std::fs::write(out, body).map_err(|e| ClientError::io(out, e))?;
        Ok(status)
    }
}

/// The summary of opinions as a document: per answer, each member's signed
/// response with its comment; then late responses; then who did not answer.
fn report_paragraphs(
    status: &OpinionStatus,
    name: &dyn Fn(PersonId) -> String,
    valid: &dyn Fn(&ReceivedResponse) -> bool,
) -> Vec<ecabinet_pdf::ReportLine> {
    use ecabinet_pdf::ReportLine;
    let local = |t: chrono::DateTime<Utc>| {
        ecabinet_domain::clock::cabinet_time(t)
            .format("%H:%M %d/%m/%Y")
            .to_string()
    };
    let mut lines = vec![
        ReportLine::heading("TỔNG HỢP Ý KIẾN THÀNH VIÊN"),
        ReportLine::strong(status.request.question.clone()),
        ReportLine::body(format!(
            "Hạn trả lời: {} · Số thành viên được hỏi: {} · Đã trả lời đúng hạn: {} · Trễ hạn: {} · Chưa trả lời: {}",
            local(status.request.deadline),
            status.request.recipients.len(),
            status.counted.len(),
            status.late.len(),
            status.not_answered.len()
        )),
    ];
    let entry = |r: &ReceivedResponse| {
        let signer = if r.response.signer == r.response.respondent {
            String::new()
        } else {
            format!(" (ký thay: {})", name(r.response.signer))
        };
        let check = if valid(r) {
            "chữ ký hợp lệ"
        } else {
            "CHỮ KÝ KHÔNG HỢP LỆ"
        };
        let mut text = format!(
            "• {}{signer} — {} — {check}",
            name(r.response.respondent),
            local(r.received_at)
        );
        if !r.response.comment.is_empty() {
            text.push_str(&format!("\n  Ý kiến: {}", r.response.comment));
        }
        ReportLine::body(text)
    };
    for (answer, count) in &status.per_answer {
        lines.push(ReportLine::strong(format!("{answer}: {count}")));
        lines.extend(
            status
                .counted
                .iter()
                .filter(|r| r.response.choice == *answer)
                .map(entry),
        );
    }
    if !status.late.is_empty() {
        lines.push(ReportLine::strong("Trả lời trễ hạn (không tính)"));
        lines.extend(status.late.iter().map(|r| {
            let mut line = entry(r);
            line.text = format!("{} → {}", line.text, r.response.choice);
            line
        }));
    }
    if !status.not_answered.is_empty() {
        lines.push(ReportLine::strong("Chưa trả lời"));
        lines.push(ReportLine::body(
            status
                .not_answered
                .iter()
                .map(|p| name(*p))
                .collect::<Vec<_>>()
                .join(", "),
        ));
    }
    lines
}

#[derive(Serialize, Deserialize)]
struct ReportRow {
    answer: String,
    member: String,
    signed_by: String,
    on_behalf: bool,
    signature_valid: bool,
    received_at: String,
    late: bool,
    comment: String,
}

impl ReportRow {
    fn new(r: &ReceivedResponse, name: &dyn Fn(PersonId) -> String, valid: bool) -> Self {
        Self {
            answer: r.response.choice.clone(),
            member: name(r.response.respondent),
            signed_by: name(r.response.signer),
            on_behalf: r.response.signer != r.response.respondent,
            signature_valid: valid,
            received_at: r.received_at.to_rfc3339(),
            late: r.late,
            comment: r.response.comment.clone(),
        }
    }
}

/// A CSV field, quoted when it holds a comma, a quote or a line break.
fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_owned()
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn csv_fields_are_quoted_only_when_needed() {
        assert_eq!(super::csv_field("Đồng ý"), "Đồng ý");
        assert_eq!(super::csv_field("a, b"), "\"a, b\"");
        assert_eq!(super::csv_field("nói \"không\""), "\"nói \"\"không\"\"\"");
    }
}

/// A draft answer, private to its author's devices.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct OpinionDraft {
    pub choice: String,
    pub comment: String,
    pub saved_at: Option<chrono::DateTime<Utc>>,
}

fn draft_aad(request: OpinionRequestId, op: OpId) -> Vec<u8> {
    let mut aad = b"ecabinet/opinion-draft/v1\0".to_vec();
    aad.extend_from_slice(request.0.as_bytes());
    aad.extend_from_slice(op.0.as_bytes());
    aad
}

impl Client {
    /// Saves a draft answer: sealed for this person's devices only (the
    /// secretariat never sees it), synced to their other devices, offline too.
    pub async fn save_opinion_draft(
        &self,
        request: OpinionRequestId,
        choice: &str,
        comment: &str,
    ) -> ClientResult<()> {
        use ecabinet_crypto::{seal_with_nonce, wrap_secret, ContentKey};
        use ecabinet_domain::ops::{OpinionDraftOp, PersonKeyWrap};
        let draft = OpinionDraft {
            choice: choice.trim().to_owned(),
            comment: comment.to_owned(),
            saved_at: None,
        };
        let op_id = OpId::new();
        let key = ContentKey::generate()?;
        let (person_key_id, person_key) = self.current_person_key().await?;
        let aad = draft_aad(request, op_id);
        let plain = serde_json::to_vec(&draft).map_err(|e| ClientError::Protocol(e.to_string()))?;
        let mut nonce = [0u8; 12];
        nonce.copy_from_slice(&op_id.0.as_bytes()[4..]);
        let body = OpBody::OpinionDraft(OpinionDraftOp {
            request_id: request,
            key: PersonKeyWrap {
                person_key_id,
                sealed: Bytes(wrap_secret(&person_key, &key, &aad)?),
            },
            sealed: Bytes(seal_with_nonce(&key, nonce, &aad, &plain)?),
        });
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
        if let Err(error) = self.sync().await {
            tracing::info!(%error, "the draft is saved here and will sync later");
        }
        Ok(())
    }

    /// The latest draft answer from any of this person's devices, if any.
    pub async fn opinion_draft(
        &self,
        request: OpinionRequestId,
    ) -> ClientResult<Option<OpinionDraft>> {
        use ecabinet_crypto::{open_with_nonce, unwrap_secret};
        let keys = self.person_keys().await?;
        let mut latest = None;
        for op in self.replica.opinion_drafts(request).await? {
            let OpBody::OpinionDraft(body) = &op.body else {
                continue;
            };
            let Some(person_key) = keys.get(&body.key.person_key_id) else {
                continue;
            };
            let aad = draft_aad(request, op.id);
            let Ok(key) = unwrap_secret(person_key, &body.key.sealed.0, &aad) else {
                continue;
            };
            let mut nonce = [0u8; 12];
            nonce.copy_from_slice(&op.id.0.as_bytes()[4..]);
            let Ok(plain) = open_with_nonce(&key, nonce, &aad, &body.sealed.0) else {
                continue;
            };
            if let Ok(mut draft) = serde_json::from_slice::<OpinionDraft>(&plain) {
                draft.saved_at = op.hlc.to_time();
                latest = Some(draft);
            }
        }
        Ok(latest)
    }
}

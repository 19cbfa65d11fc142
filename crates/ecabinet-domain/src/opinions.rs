//! Written opinions between meetings (Vietnam's *phiếu lấy ý kiến thành viên
//! Chính phủ*): the secretariat asks the members a question on a draft with a
//! deadline; each member (or a substitute under a recorded mandate) answers
//! with a signed response; late responses are kept, marked, and not counted.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::ids::{AgendaItemId, AnnotationId, DeviceId, DocumentId, OpinionRequestId, PersonId};
use crate::ops::Bytes;

pub const DEFAULT_ANSWERS: [&str; 3] = ["agree", "disagree", "agree_with_comments"];
/// Longest comment accepted, in characters.
pub const MAX_COMMENT_CHARS: usize = 20_000;

/// A substitute (e.g. a deputy minister) allowed to answer for a member.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Mandate {
    pub member: PersonId,
    pub substitute: PersonId,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OpinionRequest {
    pub id: OpinionRequestId,
    pub agenda_item_id: AgendaItemId,
    pub question: String,
    /// The drafts the opinion is asked on.
    pub documents: Vec<DocumentId>,
    pub answers: Vec<String>,
    pub deadline: DateTime<Utc>,
    pub recipients: Vec<PersonId>,
    pub mandates: Vec<Mandate>,
    /// When reminders go to those who have not answered.
    pub reminders: Vec<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

impl OpinionRequest {
    /// The member `signer` may answer for, if any: themselves if asked, or
    /// the member whose substitute they are for this request.
    pub fn answers_for(&self, signer: PersonId, respondent: PersonId) -> bool {
        self.recipients.contains(&respondent)
            && (signer == respondent
                || self
                    .mandates
                    .iter()
                    .any(|m| m.member == respondent && m.substitute == signer))
    }
}

/// A submitted response, as signed on the device.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OpinionResponse {
    pub request_id: OpinionRequestId,
    /// The member the response is from.
    pub respondent: PersonId,
    /// Who signed it: the member, or their substitute under a mandate.
    pub signer: PersonId,
    pub device_id: DeviceId,
    pub choice: String,
    pub comment: String,
    /// Annotations in the draft the response points to (clauses it concerns).
    pub annotations: Vec<AnnotationId>,
    pub submitted_at: DateTime<Utc>,
    /// Base64url in JSON.
    #[cfg_attr(feature = "specta", specta(type = String))]
    pub nonce: Bytes,
    /// Base64url in JSON.
    #[cfg_attr(feature = "specta", specta(type = String))]
    pub signature: Bytes,
}

/// The canonical, domain-separated bytes a response's signature covers.
pub fn response_message(response: &OpinionResponse) -> Vec<u8> {
    let mut message = b"ecabinet/opinion-response/v1\0".to_vec();
    message.extend_from_slice(response.request_id.0.as_bytes());
    message.extend_from_slice(response.respondent.0.as_bytes());
    message.extend_from_slice(response.signer.0.as_bytes());
    message.extend_from_slice(response.device_id.0.as_bytes());
    for text in [&response.choice, &response.comment] {
        message.extend_from_slice(&(text.len() as u32).to_be_bytes());
        message.extend_from_slice(text.as_bytes());
    }
    message.extend_from_slice(&(response.annotations.len() as u32).to_be_bytes());
    for annotation in &response.annotations {
        message.extend_from_slice(annotation.0.as_bytes());
    }
    message.extend_from_slice(&response.submitted_at.timestamp_millis().to_be_bytes());
    message.extend_from_slice(&(response.nonce.0.len() as u32).to_be_bytes());
    message.extend_from_slice(&response.nonce.0);
    message
}

/// A response the server accepted: when, and whether after the deadline.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReceivedResponse {
    pub response: OpinionResponse,
    pub seq: i64,
    pub received_at: DateTime<Utc>,
    /// Received after the deadline: kept, shown, never counted.
    pub late: bool,
}

/// A reminder sent to a member who has not answered yet.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Reminder {
    pub request_id: OpinionRequestId,
    pub person_id: PersonId,
    pub deadline: DateTime<Utc>,
    pub sent_at: DateTime<Utc>,
}

/// Where a request stands: who answered (their latest counted response), who has not.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OpinionStatus {
    pub request: OpinionRequest,
    /// Each member's latest response received in time.
    pub counted: Vec<ReceivedResponse>,
    /// Responses received after the deadline.
    pub late: Vec<ReceivedResponse>,
    /// Earlier submissions superseded by a later one.
    pub superseded: Vec<ReceivedResponse>,
    pub not_answered: Vec<PersonId>,
    /// Counted responses per answer, in the request's order.
    pub per_answer: Vec<(String, u32)>,
}

/// Sorts the received responses: the latest in-time one per member counts.
pub fn status(request: OpinionRequest, received: Vec<ReceivedResponse>) -> OpinionStatus {
    let mut counted: Vec<ReceivedResponse> = Vec::new();
    let mut late = Vec::new();
    let mut superseded = Vec::new();
    let mut in_time: Vec<ReceivedResponse> = Vec::new();
    for response in received {
        if response.late {
            late.push(response);
        } else {
            in_time.push(response);
        }
    }
    in_time.sort_by_key(|r| r.seq);
    for response in in_time {
        if let Some(index) = counted
            .iter()
            .position(|c| c.response.respondent == response.response.respondent)
        {
            superseded.push(std::mem::replace(&mut counted[index], response));
        } else {
            counted.push(response);
        }
    }
    let not_answered = request
        .recipients
        .iter()
        .filter(|r| !counted.iter().any(|c| c.response.respondent == **r))
        .copied()
        .collect();
    let per_answer = request
        .answers
        .iter()
        .map(|a| {
            let n = counted.iter().filter(|c| c.response.choice == *a).count() as u32;
            (a.clone(), n)
        })
        .collect();
    OpinionStatus {
        request,
        counted,
        late,
        superseded,
        not_answered,
        per_answer,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(recipients: Vec<PersonId>, mandates: Vec<Mandate>) -> OpinionRequest {
        OpinionRequest {
            id: OpinionRequestId::new(),
            agenda_item_id: AgendaItemId::new(),
            question: "Ý kiến về dự thảo Nghị định?".into(),
            documents: vec![],
            answers: DEFAULT_ANSWERS.iter().map(|a| (*a).to_owned()).collect(),
            deadline: Utc::now(),
            recipients,
            mandates,
            reminders: vec![],
            created_at: Utc::now(),
        }
    }

    fn received(
        request: OpinionRequestId,
        who: PersonId,
        choice: &str,
        seq: i64,
        late: bool,
    ) -> ReceivedResponse {
        ReceivedResponse {
            response: OpinionResponse {
                request_id: request,
                respondent: who,
                signer: who,
                device_id: DeviceId::new(),
                choice: choice.into(),
                comment: String::new(),
                annotations: vec![],
                submitted_at: Utc::now(),
                nonce: Bytes(vec![]),
                signature: Bytes(vec![]),
            },
            seq,
            received_at: Utc::now(),
            late,
        }
    }

    #[test]
    fn a_substitute_answers_only_under_a_mandate_for_that_member() {
        let (member, deputy, other) = (PersonId::new(), PersonId::new(), PersonId::new());
        let r = request(
            vec![member, other],
            vec![Mandate {
                member,
                substitute: deputy,
            }],
        );
        assert!(r.answers_for(member, member));
        assert!(r.answers_for(deputy, member));
        assert!(!r.answers_for(deputy, other));
        assert!(
            !r.answers_for(deputy, deputy),
            "a substitute is not asked themselves"
        );
    }

    #[test]
    fn the_latest_in_time_response_counts_and_late_ones_never() {
        let (a, b, c) = (PersonId::new(), PersonId::new(), PersonId::new());
        let r = request(vec![a, b, c], vec![]);
        let id = r.id;
        let s = status(
            r,
            vec![
                received(id, a, "disagree", 1, false),
                received(id, a, "agree", 2, false),
                received(id, b, "agree", 3, true),
            ],
        );
        assert_eq!(s.counted.len(), 1);
        assert_eq!(s.counted[0].response.choice, "agree");
        assert_eq!(s.superseded.len(), 1);
        assert_eq!(s.late.len(), 1);
        assert_eq!(s.not_answered, vec![b, c]);
        assert_eq!(s.per_answer[0], ("agree".to_owned(), 1));
    }
}

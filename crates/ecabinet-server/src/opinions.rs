//! Written opinions: the secretariat asks, members (or substitutes under a
//! mandate) answer with signed responses (ops, see `push`), reminders go
//! out in-app and through a pluggable notifier, and the status shows who
//! answered what and who has not.

use std::sync::Arc;

use chrono::{DateTime, SubsecRound, Utc};
use ecabinet_domain::api::RequestOpinionsRequest;
use ecabinet_domain::opinions::{self, OpinionRequest, Reminder, DEFAULT_ANSWERS};
use ecabinet_domain::{validate, AgendaItemId, OpinionRequestId, Person, Role};

use crate::services::{Caller, ServiceError, ServiceResult, Services};

/// Sends reminders outside the app (e-mail, SMS). The server always reminds
/// in-app; an IT office plugs its gateway in here.
pub trait Notifier: Send + Sync {
    fn remind(&self, person: &Person, request: &OpinionRequest);
}

/// The default notifier: writes the reminder to the server's log.
#[derive(Debug, Default)]
pub struct LogNotifier;

impl Notifier for LogNotifier {
    fn remind(&self, person: &Person, request: &OpinionRequest) {
        tracing::info!(person = %person.name, request = %request.id, deadline = %request.deadline, "reminder: an opinion is awaited");
    }
}

impl Services {
    /// Sets how reminders reach people outside the app.
    pub fn with_notifier(mut self, notifier: Arc<dyn Notifier>) -> Self {
        self.notifier = notifier;
        self
    }

    /// Asks for written opinions under the id the caller chose; asking
    /// again (a replayed command) returns the request already made.
    pub async fn request_opinions(
        &self,
        caller: &Caller,
        id: OpinionRequestId,
        item: AgendaItemId,
        request: RequestOpinionsRequest,
    ) -> ServiceResult<OpinionRequest> {
        caller.require_secretary()?;
        if let Some((existing, organisation)) = self.store.opinion_request(id).await? {
            return if organisation == caller.person.organisation_id {
                Ok(existing)
            } else {
                Err(ServiceError::Conflict(
                    "this request id is already taken".into(),
                ))
            };
        }
        let (item, meeting) = self.item_of_caller(caller, item).await?;
        Self::require_published(&meeting)?;
        let question = validate::title(&request.question)?;
        let now = Utc::now();
        if request.deadline <= now {
            return Err(ServiceError::BadRequest(
                "the deadline must be in the future".into(),
            ));
        }
        let people = self.store.persons(caller.person.organisation_id).await?;
        let members: Vec<_> = people
            .iter()
            .filter(|p| p.role == Role::Member)
            .map(|p| p.id)
            .collect();
        let recipients = request.recipients.unwrap_or_else(|| members.clone());
        if recipients.is_empty() || recipients.iter().any(|r| !members.contains(r)) {
            return Err(ServiceError::BadRequest(
                "opinions are asked of cabinet members (see ecab people)".into(),
            ));
        }
        for mandate in &request.mandates {
            let known = people.iter().any(|p| p.id == mandate.substitute);
            if !recipients.contains(&mandate.member)
                || !known
                || mandate.member == mandate.substitute
            {
                return Err(ServiceError::BadRequest(
                    "a mandate names a member asked for an opinion and another person of the organisation".into(),
                ));
            }
        }
        let answers = request
            .answers
            .unwrap_or_else(|| DEFAULT_ANSWERS.iter().map(|a| (*a).to_owned()).collect());
        if answers.len() < 2 || answers.iter().any(|a| a.trim().is_empty()) {
            return Err(ServiceError::BadRequest("give at least two answers".into()));
        }
        let documents = match request.documents {
            Some(documents) => documents,
            None => self.store.agenda_documents(item.id).await?,
        };
        let opinion = OpinionRequest {
            id,
            agenda_item_id: item.id,
            question,
            documents,
            answers,
            // Milliseconds: what both databases store exactly, so a reminder
            // time read back equals the one recorded as sent.
            deadline: request.deadline.trunc_subsecs(3),
            recipients,
            mandates: request.mandates,
            reminders: request
                .reminders
                .iter()
                .map(|t| t.trunc_subsecs(3))
                .collect(),
            created_at: now,
        };
        self.store
            .create_opinion_request(caller.person.organisation_id, &opinion)
            .await?;
        self.poke(caller.person.organisation_id).await;
        Ok(opinion)
    }

    /// Who answered what (signed, in time), who answered late, who has not.
    pub async fn opinion_status(
        &self,
        caller: &Caller,
        id: OpinionRequestId,
    ) -> ServiceResult<ecabinet_domain::api::OpinionStatusView> {
        caller.require_secretary()?;
        let (request, organisation) = self
            .store
            .opinion_request(id)
            .await?
            .ok_or(ServiceError::NotFound("opinion request"))?;
        if organisation != caller.person.organisation_id {
            return Err(ServiceError::NotFound("opinion request"));
        }
        let received = self.store.opinion_responses(id).await?;
        let mut devices: Vec<ecabinet_domain::api::VoterDevice> = Vec::new();
        for r in &received {
            if devices.iter().any(|d| d.device_id == r.response.device_id) {
                continue;
            }
            if let Some(device) = self.store.device(r.response.device_id).await? {
                devices.push(ecabinet_domain::api::VoterDevice {
                    device_id: device.id,
                    person_id: device.person_id,
                    signing_public_key: ecabinet_crypto::b64_encode(&device.signing_public_key),
                });
            }
        }
        Ok(ecabinet_domain::api::OpinionStatusView {
            status: opinions::status(request, received),
            devices,
        })
    }

    /// Sends the reminders whose time has come to those who have not answered.
    pub async fn send_due_reminders(&self, now: DateTime<Utc>) -> ServiceResult<u32> {
        let mut sent = 0;
        for (request, organisation, at) in self.store.due_reminders(now).await? {
            let received = self.store.opinion_responses(request.id).await?;
            let waiting = opinions::status(request.clone(), received).not_answered;
            let reminders: Vec<Reminder> = waiting
                .iter()
                .map(|person| Reminder {
                    request_id: request.id,
                    person_id: *person,
                    deadline: request.deadline,
                    sent_at: now,
                })
                .collect();
            if self
                .store
                .record_reminders(organisation, request.id, at, &reminders)
                .await?
            {
                for person in &waiting {
                    if let Some(person) = self.store.person(*person).await? {
                        self.notifier.remind(&person, &request);
                    }
                }
                sent += reminders.len() as u32;
                self.poke(organisation).await;
            }
        }
        Ok(sent)
    }
}

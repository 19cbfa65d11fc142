//! The statistics report (secretariat): meetings, outcomes, opinion rounds
//! and votes over a period, from this device's replica. Session logs are
//! caught up first when the server answers; offline, the figures are those
//! of the last sync (the report says when that was).

use chrono::{DateTime, Utc};
use ecabinet_domain::stats::{statistics, MeetingFacts, Statistics};
use ecabinet_domain::{MeetingStatus, Role};

use crate::error::{ClientError, ClientResult};
use crate::Client;

impl Client {
    /// The figures of the meetings that start in `[from, to)`.
    pub async fn statistics(
        &self,
        from: Option<DateTime<Utc>>,
        to: Option<DateTime<Utc>>,
    ) -> ClientResult<Statistics> {
        if self.profile.person.role != Role::Secretary {
            return Err(ClientError::InvalidArgument(
                "only the secretariat produces the statistics report".into(),
            ));
        }
        if let (Some(from), Some(to)) = (from, to) {
            if from >= to {
                return Err(ClientError::InvalidArgument(format!(
                    "the period is empty: it starts on {from} and ends on {to}"
                )));
            }
        }
        let requests = self.replica.opinion_requests().await?;
        let mut facts = Vec::new();
        let mut online = true;
        for meeting in self.replica.meetings().await? {
            let in_period = meeting.status != MeetingStatus::Draft
                && from.is_none_or(|from| meeting.starts_at >= from)
                && to.is_none_or(|to| meeting.starts_at < to);
            if !in_period {
                continue;
            }
            // One unreachable server is enough to know: the rest comes
            // from the replica as it is.
            if online {
                if let Err(error) = self.catch_up_session(meeting.id).await {
                    tracing::info!(%error, "statistics from the local session logs");
                    online = !matches!(error, ClientError::ServerUnreachable { .. });
                }
            }
            let items = self.replica.agenda(meeting.id).await?;
            let mut opinion_rounds = Vec::new();
            for request in requests
                .iter()
                .filter(|r| items.iter().any(|i| i.id == r.agenda_item_id))
            {
                let received = self.replica.opinion_responses(request.id).await?;
                opinion_rounds.push((request.clone(), received));
            }
            facts.push(MeetingFacts {
                log: self.replica.session_events(meeting.id).await?,
                motions: self.replica.motions(meeting.id).await?,
                meeting,
                items,
                opinion_rounds,
            });
        }
        Ok(statistics(&facts, from, to, Utc::now()))
    }
}

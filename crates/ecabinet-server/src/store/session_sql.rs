//! Each meeting's session log: appended one event at a time, in order, with
//! its change in the organisation's stream (so late joiners, other server
//! instances and offline devices get it through the ordinary pull).

use ecabinet_domain::session::OrderedLiveEvent;
use ecabinet_domain::{ChangeBody, MeetingId, OrganisationId};

use super::sql::{PostgresStore, SqliteStore};
use super::{StoreError, StoreResult};

fn parse(text: &str) -> StoreResult<OrderedLiveEvent> {
    serde_json::from_str(text).map_err(|e| StoreError::Corrupt(format!("session event: {e}")))
}

macro_rules! session_store {
    ($store:ident) => {
        impl $store {
            pub(super) async fn session_log_impl(
                &self,
                meeting: MeetingId,
                since: u32,
            ) -> StoreResult<Vec<OrderedLiveEvent>> {
                let rows: Vec<(String,)> = sqlx::query_as(
                    "SELECT body FROM session_events WHERE meeting_id = $1 AND seq > $2 ORDER BY seq",
                )
                .bind(meeting.0)
                .bind(i64::from(since))
                .fetch_all(&self.pool)
                .await?;
                rows.iter().map(|(body,)| parse(body)).collect()
            }

            pub(super) async fn append_session_event_impl(
                &self,
                organisation: OrganisationId,
                event: &OrderedLiveEvent,
            ) -> StoreResult<Option<i64>> {
                let mut tx = self.pool.begin().await?;
                // The organisation's row is the lock: every orderer of this
                // organisation (in any instance) takes it first.
                let (seq,): (i64,) = sqlx::query_as(
                    "UPDATE organisations SET last_seq = last_seq + 1 WHERE id = $1 RETURNING last_seq",
                )
                .bind(organisation.0)
                .fetch_one(&mut *tx)
                .await?;
                let meeting = event.event().meeting_id;
                let (head,): (Option<i64>,) =
                    sqlx::query_as("SELECT MAX(seq) FROM session_events WHERE meeting_id = $1")
                        .bind(meeting.0)
                        .fetch_one(&mut *tx)
                        .await?;
                if head.unwrap_or(0) + 1 != i64::from(event.seq) {
                    // Another orderer appended first: the caller re-reads and retries.
                    tx.rollback().await?;
                    return Ok(None);
                }
                let text = serde_json::to_string(event)
                    .map_err(|e| StoreError::Corrupt(e.to_string()))?;
                sqlx::query(
                    "INSERT INTO session_events (meeting_id, seq, event_id, kind, body) VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(meeting.0)
                .bind(i64::from(event.seq))
                .bind(event.event().id.0)
                .bind(event.event().body.kind())
                .bind(&text)
                .execute(&mut *tx)
                .await?;
                let body = ChangeBody::SessionEvent(event.clone());
                sqlx::query(
                    "INSERT INTO changes (organisation_id, seq, kind, entity_id, body) VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(organisation.0)
                .bind(seq)
                .bind(body.kind())
                .bind(event.event().id.0)
                .bind(serde_json::to_string(&body).map_err(|e| StoreError::Corrupt(e.to_string()))?)
                .execute(&mut *tx)
                .await?;
                tx.commit().await?;
                Ok(Some(seq))
            }
        }
    };
}

session_store!(SqliteStore);
session_store!(PostgresStore);

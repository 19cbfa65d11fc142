//! Each meeting's session log: appended one event at a time, in order, with
//! its change in the organisation's stream (so late joiners, other server
//! instances and offline devices get it through the ordinary pull).

use chrono::DateTime;
use ecabinet_domain::session::OrderedLiveEvent;
use ecabinet_domain::{ChangeBody, DeviceId, MeetingId, OrganisationId, PersonId};
use uuid::Uuid;

use super::sql::{PostgresStore, SqliteStore};
use super::{RoomHubLease, StoreError, StoreResult};

fn parse(text: &str) -> StoreResult<OrderedLiveEvent> {
    serde_json::from_str(text).map_err(|e| StoreError::Corrupt(format!("session event: {e}")))
}

macro_rules! session_store {
    ($store:ident, $db:ty) => {
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
                Ok(self
                    .append_session_events_impl(organisation, std::slice::from_ref(event))
                    .await?
                    .and_then(|changes| changes.first().copied()))
            }

            pub(super) async fn append_session_events_impl(
                &self,
                organisation: OrganisationId,
                events: &[OrderedLiveEvent],
            ) -> StoreResult<Option<Vec<i64>>> {
                let Some(first) = events.first() else {
                    return Ok(Some(Vec::new()));
                };
                let mut tx = self.pool.begin().await?;
                // The organisation's row is the lock: every orderer of this
                // organisation (in any instance) takes it first.
                let (last,): (i64,) = sqlx::query_as(
                    "UPDATE organisations SET last_seq = last_seq + $2 WHERE id = $1 RETURNING last_seq",
                )
                .bind(organisation.0)
                .bind(events.len() as i64)
                .fetch_one(&mut *tx)
                .await?;
                let meeting = first.event().meeting_id;
                let (head,): (Option<i64>,) =
                    sqlx::query_as("SELECT MAX(seq) FROM session_events WHERE meeting_id = $1")
                        .bind(meeting.0)
                        .fetch_one(&mut *tx)
                        .await?;
                if head.unwrap_or(0) + 1 != i64::from(first.seq) {
                    // Another orderer appended first: the caller re-reads and retries.
                    tx.rollback().await?;
                    return Ok(None);
                }
                let mut changes = Vec::with_capacity(events.len());
                for (index, event) in events.iter().enumerate() {
                    let seq = last - (events.len() - 1 - index) as i64;
                    Self::insert_session_event(&mut tx, organisation, event, seq).await?;
                    changes.push(seq);
                }
                tx.commit().await?;
                Ok(Some(changes))
            }

            async fn insert_session_event(
                tx: &mut sqlx::Transaction<'_, $db>,
                organisation: OrganisationId,
                event: &OrderedLiveEvent,
                seq: i64,
            ) -> StoreResult<()> {
                let meeting = event.event().meeting_id;
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
                .execute(&mut **tx)
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
                .execute(&mut **tx)
                .await?;
                Ok(())
            }

            pub(super) async fn room_hub_impl(
                &self,
                meeting: MeetingId,
            ) -> StoreResult<Option<RoomHubLease>> {
                let row: Option<(Uuid, Uuid, i64)> = sqlx::query_as(
                    "SELECT device_id, person_id, lease_until_ms FROM room_hubs WHERE meeting_id = $1",
                )
                .bind(meeting.0)
                .fetch_optional(&self.pool)
                .await?;
                Ok(row.map(|(device, person, until)| RoomHubLease {
                    device: DeviceId(device),
                    person: PersonId(person),
                    lease_until: DateTime::from_timestamp_millis(until).unwrap_or_default(),
                }))
            }

            pub(super) async fn set_room_hub_impl(
                &self,
                meeting: MeetingId,
                hub: &RoomHubLease,
            ) -> StoreResult<()> {
                sqlx::query(
                    "INSERT INTO room_hubs (meeting_id, device_id, person_id, lease_until_ms) VALUES ($1, $2, $3, $4) \
                     ON CONFLICT (meeting_id) DO UPDATE SET device_id = excluded.device_id, \
                     person_id = excluded.person_id, lease_until_ms = excluded.lease_until_ms",
                )
                .bind(meeting.0)
                .bind(hub.device.0)
                .bind(hub.person.0)
                .bind(hub.lease_until.timestamp_millis())
                .execute(&self.pool)
                .await?;
                Ok(())
            }

            pub(super) async fn clear_room_hub_impl(&self, meeting: MeetingId) -> StoreResult<()> {
                sqlx::query("DELETE FROM room_hubs WHERE meeting_id = $1")
                    .bind(meeting.0)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }
        }
    };
}

session_store!(SqliteStore, sqlx::Sqlite);
session_store!(PostgresStore, sqlx::Postgres);

//! The local replica: the entities this device may see, as the server last
//! sent them, plus the sync cursor. Readable with no network at all.

use std::path::Path;
use std::time::Duration;

use chrono::{DateTime, SecondsFormat, Utc};
use ecabinet_domain::{
    AgendaItem, AgendaItemId, ChangeBody, Document, DocumentId, Meeting, MeetingId,
};
use ecabinet_sync::PullState;
use serde::de::DeserializeOwned;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};

use crate::error::{ClientError, ClientResult};

#[derive(Clone, Debug)]
pub struct Replica {
    pub(crate) pool: SqlitePool,
}

fn decode<T: DeserializeOwned>(table: &str, body: &str) -> ClientResult<T> {
    serde_json::from_str(body).map_err(|e| ClientError::CorruptProfile {
        path: "replica".into(),
        detail: format!("a row of {table} is unreadable: {e}"),
    })
}

fn encode<T: serde::Serialize>(value: &T) -> ClientResult<String> {
    serde_json::to_string(value).map_err(|e| ClientError::Protocol(e.to_string()))
}

/// Fixed-width UTC text, so SQLite orders it correctly as a string.
fn sortable(time: DateTime<Utc>) -> String {
    time.to_rfc3339_opts(SecondsFormat::Secs, true)
}

impl Replica {
    pub async fn open(path: &Path) -> ClientResult<Self> {
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .busy_timeout(Duration::from_secs(10));
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(options)
            .await
            .map_err(|e| ClientError::CorruptProfile {
                path: path.display().to_string(),
                detail: format!("the replica database cannot be opened: {e}"),
            })?;
        sqlx::migrate!("../../migrations/client").run(&pool).await?;
        Ok(Self { pool })
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }

    pub async fn pull_state(&self) -> ClientResult<PullState> {
        let (cursor,): (i64,) = sqlx::query_as("SELECT cursor FROM sync_state WHERE singleton = 1")
            .fetch_one(&self.pool)
            .await?;
        Ok(PullState { cursor })
    }

    pub async fn last_sync(&self) -> ClientResult<Option<DateTime<Utc>>> {
        let (text,): (Option<String>,) =
            sqlx::query_as("SELECT last_sync FROM sync_state WHERE singleton = 1")
                .fetch_one(&self.pool)
                .await?;
        Ok(text
            .and_then(|t| DateTime::parse_from_rfc3339(&t).ok())
            .map(|t| t.with_timezone(&Utc)))
    }

    /// Writes one pulled page and moves the cursor, in one transaction: a
    /// crash leaves either the old state or the new one.
    pub async fn apply(
        &self,
        writes: &[ChangeBody],
        state: PullState,
        synced_at: DateTime<Utc>,
        me: ecabinet_domain::PersonId,
    ) -> ClientResult<()> {
        let mut tx = self.pool.begin().await?;
        for body in writes {
            match body {
                ChangeBody::Op(accepted) => {
                    crate::oplog::store_received(&mut tx, &accepted.op, accepted.author).await?
                }
                ChangeBody::AnnotationHidden(hidden) => {
                    crate::oplog::forget_annotation(
                        &mut tx,
                        hidden.annotation_id,
                        hidden.author,
                        me,
                    )
                    .await?
                }
                other => upsert(&mut tx, other).await?,
            }
        }
        sqlx::query("UPDATE sync_state SET cursor = $1, last_sync = $2 WHERE singleton = 1")
            .bind(state.cursor)
            .bind(sortable(synced_at))
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Stores one entity the server just returned (before the next pull brings it too).
    pub async fn put(&self, body: &ChangeBody) -> ClientResult<()> {
        let mut tx = self.pool.begin().await?;
        upsert(&mut tx, body).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Meetings, soonest first.
    pub async fn meetings(&self) -> ClientResult<Vec<Meeting>> {
        let rows: Vec<(String,)> =
            sqlx::query_as("SELECT body FROM meetings ORDER BY starts_at, id")
                .fetch_all(&self.pool)
                .await?;
        rows.iter()
            .map(|(body,)| decode("meetings", body))
            .collect()
    }

    pub async fn meeting(&self, id: MeetingId) -> ClientResult<Option<Meeting>> {
        let row: Option<(String,)> = sqlx::query_as("SELECT body FROM meetings WHERE id = $1")
            .bind(id.to_string())
            .fetch_optional(&self.pool)
            .await?;
        row.map(|(body,)| decode("meetings", &body)).transpose()
    }

    /// Meeting ids starting with `prefix` (to accept a short id typed by a person).
    pub async fn meeting_ids_with_prefix(&self, prefix: &str) -> ClientResult<Vec<MeetingId>> {
        let rows: Vec<(String,)> =
            sqlx::query_as("SELECT id FROM meetings WHERE id LIKE $1 || '%' ORDER BY id LIMIT 10")
                .bind(prefix.to_ascii_lowercase())
                .fetch_all(&self.pool)
                .await?;
        rows.into_iter()
            .map(|(id,)| {
                id.parse().map_err(|_| ClientError::CorruptProfile {
                    path: "replica".into(),
                    detail: format!("meeting id {id:?} is not a UUID"),
                })
            })
            .collect()
    }

    pub async fn agenda(&self, meeting: MeetingId) -> ClientResult<Vec<AgendaItem>> {
        let rows: Vec<(String,)> = sqlx::query_as(
            "SELECT body FROM agenda_items WHERE meeting_id = $1 ORDER BY position, id",
        )
        .bind(meeting.to_string())
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|(body,)| decode("agenda_items", body))
            .collect()
    }

    pub async fn agenda_counts(&self) -> ClientResult<std::collections::HashMap<MeetingId, i64>> {
        let rows: Vec<(String, i64)> =
            sqlx::query_as("SELECT meeting_id, COUNT(*) FROM agenda_items GROUP BY meeting_id")
                .fetch_all(&self.pool)
                .await?;
        Ok(rows
            .into_iter()
            .filter_map(|(id, count)| id.parse().ok().map(|id| (id, count)))
            .collect())
    }
}

impl Replica {
    /// The latest version of each document attached to the meeting's items.
    pub async fn meeting_documents(&self, meeting: MeetingId) -> ClientResult<Vec<Document>> {
        let rows: Vec<(String,)> = sqlx::query_as(
            "SELECT d.body FROM documents d WHERE d.meeting_id = $1 \
             AND d.version = (SELECT MAX(version) FROM documents WHERE id = d.id) ORDER BY d.id",
        )
        .bind(meeting.to_string())
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|(body,)| decode("documents", body))
            .collect()
    }

    /// Everyone in the organisation, by name.
    pub async fn persons(&self) -> ClientResult<Vec<ecabinet_domain::Person>> {
        let rows: Vec<(String,)> = sqlx::query_as("SELECT body FROM persons")
            .fetch_all(&self.pool)
            .await?;
        let mut persons: Vec<ecabinet_domain::Person> = rows
            .iter()
            .map(|(body,)| decode("persons", body))
            .collect::<ClientResult<_>>()?;
        persons.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(persons)
    }

    /// The access lists known for a meeting's items (restricted ones only).
    pub async fn meeting_access(
        &self,
        meeting: MeetingId,
    ) -> ClientResult<Vec<ecabinet_domain::ItemAccess>> {
        let rows: Vec<(String,)> = sqlx::query_as(
            "SELECT a.body FROM item_access a JOIN agenda_items i ON i.id = a.agenda_item_id WHERE i.meeting_id = $1",
        )
        .bind(meeting.to_string())
        .fetch_all(&self.pool)
        .await?;
        let all: Vec<ecabinet_domain::ItemAccess> = rows
            .iter()
            .map(|(body,)| decode("item_access", body))
            .collect::<ClientResult<_>>()?;
        Ok(all.into_iter().filter(|a| !a.persons.is_empty()).collect())
    }

    /// Every known version of a document, oldest first.
    pub async fn document_versions(&self, id: DocumentId) -> ClientResult<Vec<Document>> {
        let rows: Vec<(String,)> =
            sqlx::query_as("SELECT body FROM documents WHERE id = $1 ORDER BY version")
                .bind(id.to_string())
                .fetch_all(&self.pool)
                .await?;
        rows.iter()
            .map(|(body,)| decode("documents", body))
            .collect()
    }

    /// Remembers that this device opened a version (for the "revised"
    /// marker); true the first time.
    pub async fn mark_seen(&self, id: DocumentId, version: u32) -> ClientResult<bool> {
        let inserted = sqlx::query("INSERT INTO seen_versions (document_id, version) VALUES ($1, $2) ON CONFLICT DO NOTHING")
            .bind(id.to_string())
            .bind(i64::from(version))
            .execute(&self.pool)
            .await?
            .rows_affected();
        Ok(inserted > 0)
    }

    /// Documents of a meeting whose latest version is a revision this device has not opened.
    pub async fn unseen_revisions(&self, meeting: MeetingId) -> ClientResult<Vec<DocumentId>> {
        let rows: Vec<(String,)> = sqlx::query_as(
            "SELECT d.id FROM documents d WHERE d.meeting_id = $1 AND d.version > 1 \
             AND d.version = (SELECT MAX(version) FROM documents WHERE id = d.id) \
             AND NOT EXISTS (SELECT 1 FROM seen_versions s WHERE s.document_id = d.id AND s.version = d.version) \
             ORDER BY d.id",
        )
        .bind(meeting.to_string())
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .filter_map(|(id,)| id.parse().ok())
            .collect())
    }

    pub async fn set_policy(
        &self,
        policy: &ecabinet_domain::api::DevicePolicy,
    ) -> ClientResult<()> {
        sqlx::query(
            "INSERT INTO device_policy (singleton, body) VALUES (1, $1) \
             ON CONFLICT (singleton) DO UPDATE SET body = excluded.body",
        )
        .bind(encode(policy)?)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The last policy received, or the defaults before the first sync.
    pub async fn policy(&self) -> ClientResult<ecabinet_domain::api::DevicePolicy> {
        let row: Option<(String,)> =
            sqlx::query_as("SELECT body FROM device_policy WHERE singleton = 1")
                .fetch_optional(&self.pool)
                .await?;
        row.map_or_else(
            || Ok(Default::default()),
            |(body,)| decode("device_policy", &body),
        )
    }

    /// The latest known version of a document.
    pub async fn latest_document(&self, id: DocumentId) -> ClientResult<Option<Document>> {
        let row: Option<(String,)> = sqlx::query_as(
            "SELECT body FROM documents WHERE id = $1 ORDER BY version DESC LIMIT 1",
        )
        .bind(id.to_string())
        .fetch_optional(&self.pool)
        .await?;
        row.map(|(body,)| decode("documents", &body)).transpose()
    }

    /// One version of a document, if this device knows it.
    pub async fn document_version(
        &self,
        id: DocumentId,
        version: u32,
    ) -> ClientResult<Option<Document>> {
        let row: Option<(String,)> =
            sqlx::query_as("SELECT body FROM documents WHERE id = $1 AND version = $2")
                .bind(id.to_string())
                .bind(i64::from(version))
                .fetch_optional(&self.pool)
                .await?;
        row.map(|(body,)| decode("documents", &body)).transpose()
    }

    /// Ids of a kind of entity starting with `prefix`.
    pub async fn ids_with_prefix(&self, table: IdTable, prefix: &str) -> ClientResult<Vec<String>> {
        let sql = match table {
            IdTable::AgendaItems => {
                "SELECT id FROM agenda_items WHERE id LIKE $1 || '%' ORDER BY id LIMIT 10"
            }
            IdTable::Documents => {
                "SELECT DISTINCT id FROM documents WHERE id LIKE $1 || '%' ORDER BY id LIMIT 10"
            }
        };
        let rows: Vec<(String,)> = sqlx::query_as(sql)
            .bind(prefix.to_ascii_lowercase())
            .fetch_all(&self.pool)
            .await?;
        Ok(rows.into_iter().map(|(id,)| id).collect())
    }

    pub async fn agenda_item(&self, id: AgendaItemId) -> ClientResult<Option<AgendaItem>> {
        let row: Option<(String,)> = sqlx::query_as("SELECT body FROM agenda_items WHERE id = $1")
            .bind(id.to_string())
            .fetch_optional(&self.pool)
            .await?;
        row.map(|(body,)| decode("agenda_items", &body)).transpose()
    }
}

/// Tables whose ids a person may abbreviate.
#[derive(Clone, Copy, Debug)]
pub enum IdTable {
    AgendaItems,
    Documents,
}

async fn upsert(
    tx: &mut sqlx::Transaction<'_, sqlx::Sqlite>,
    body: &ChangeBody,
) -> ClientResult<()> {
    match body {
        ChangeBody::Organisation(organisation) => {
            sqlx::query("INSERT INTO organisations (id, body) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET body = excluded.body")
                .bind(organisation.id.to_string())
                .bind(encode(organisation)?)
                .execute(&mut **tx)
                .await?;
        }
        ChangeBody::Person(person) => {
            sqlx::query("INSERT INTO persons (id, body) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET body = excluded.body")
                .bind(person.id.to_string())
                .bind(encode(person)?)
                .execute(&mut **tx)
                .await?;
        }
        ChangeBody::Meeting(meeting) => {
            sqlx::query(
                "INSERT INTO meetings (id, starts_at, body) VALUES ($1, $2, $3) \
                 ON CONFLICT (id) DO UPDATE SET starts_at = excluded.starts_at, body = excluded.body",
            )
            .bind(meeting.id.to_string())
            .bind(sortable(meeting.starts_at))
            .bind(encode(meeting)?)
            .execute(&mut **tx)
            .await?;
        }
        ChangeBody::AgendaItem(item) => {
            sqlx::query(
                "INSERT INTO agenda_items (id, meeting_id, position, body) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (id) DO UPDATE SET meeting_id = excluded.meeting_id, position = excluded.position, body = excluded.body",
            )
            .bind(item.id.to_string())
            .bind(item.meeting_id.to_string())
            .bind(item.position)
            .bind(encode(item)?)
            .execute(&mut **tx)
            .await?;
        }
        // Ops are applied by the op log (see `apply`), never as snapshots.
        ChangeBody::Op(_) | ChangeBody::AnnotationHidden(_) => {
            return Err(ClientError::Protocol(
                "an op cannot be stored as an entity".into(),
            ))
        }
        ChangeBody::Motion(motion) => {
            sqlx::query(
                "INSERT INTO motions (id, meeting_id, agenda_item_id, body) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (id) DO UPDATE SET body = excluded.body",
            )
            .bind(motion.id.to_string())
            .bind(motion.meeting_id.to_string())
            .bind(motion.agenda_item_id.to_string())
            .bind(encode(motion)?)
            .execute(&mut **tx)
            .await?;
        }
        ChangeBody::Attendance(attendance) => {
            sqlx::query(
                "INSERT INTO attendance (meeting_id, person_id, body) VALUES ($1, $2, $3) \
                 ON CONFLICT (meeting_id, person_id) DO UPDATE SET body = excluded.body",
            )
            .bind(attendance.meeting_id.to_string())
            .bind(attendance.person_id.to_string())
            .bind(encode(attendance)?)
            .execute(&mut **tx)
            .await?;
        }
        ChangeBody::OpinionRequest(request) => {
            sqlx::query("INSERT INTO opinion_requests (id, body) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET body = excluded.body")
                .bind(request.id.to_string())
                .bind(encode(request)?)
                .execute(&mut **tx)
                .await?;
        }
        ChangeBody::OpinionResponse(received) => {
            sqlx::query("INSERT INTO opinion_responses (request_id, seq, body) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING")
                .bind(received.response.request_id.to_string())
                .bind(received.seq)
                .bind(encode(received)?)
                .execute(&mut **tx)
                .await?;
        }
        ChangeBody::Reminder(reminder) => {
            sqlx::query("INSERT INTO reminders (request_id, sent_at, body) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING")
                .bind(reminder.request_id.to_string())
                .bind(sortable(reminder.sent_at))
                .bind(encode(reminder)?)
                .execute(&mut **tx)
                .await?;
        }
        ChangeBody::Position(position) => {
            sqlx::query(
                "INSERT INTO positions (agenda_item_id, person_id, meeting_id, body) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (agenda_item_id, person_id) DO UPDATE SET body = excluded.body",
            )
            .bind(position.agenda_item_id.to_string())
            .bind(position.person_id.to_string())
            .bind(position.meeting_id.to_string())
            .bind(encode(position)?)
            .execute(&mut **tx)
            .await?;
        }
        ChangeBody::ItemDecision(decision) => {
            sqlx::query(
                "INSERT INTO item_decisions (agenda_item_id, meeting_id, body) VALUES ($1, $2, $3) \
                 ON CONFLICT (agenda_item_id) DO UPDATE SET body = excluded.body",
            )
            .bind(decision.agenda_item_id.to_string())
            .bind(decision.meeting_id.to_string())
            .bind(encode(decision)?)
            .execute(&mut **tx)
            .await?;
        }
        ChangeBody::Ballot(ballot) => {
            sqlx::query(
                "INSERT INTO own_ballots (motion_id, seq, body) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
            )
            .bind(ballot.ballot.motion_id.to_string())
            .bind(ballot.seq)
            .bind(encode(ballot)?)
            .execute(&mut **tx)
            .await?;
        }
        ChangeBody::ItemAccess(access) => {
            sqlx::query(
                "INSERT INTO item_access (agenda_item_id, body) VALUES ($1, $2) \
                 ON CONFLICT (agenda_item_id) DO UPDATE SET body = excluded.body",
            )
            .bind(access.agenda_item_id.to_string())
            .bind(encode(access)?)
            .execute(&mut **tx)
            .await?;
        }
        ChangeBody::SessionEvent(event) => {
            sqlx::query(
                "INSERT INTO session_events (meeting_id, seq, body) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
            )
            .bind(event.event().meeting_id.to_string())
            .bind(i64::from(event.seq))
            .bind(encode(event)?)
            .execute(&mut **tx)
            .await?;
        }
        ChangeBody::Document(document) => {
            sqlx::query(
                "INSERT INTO documents (id, version, agenda_item_id, meeting_id, body) VALUES ($1, $2, $3, $4, $5) \
                 ON CONFLICT (id, version) DO UPDATE SET body = excluded.body",
            )
            .bind(document.id.to_string())
            .bind(i64::from(document.version))
            .bind(document.agenda_item_id.to_string())
            .bind(document.meeting_id.to_string())
            .bind(encode(document)?)
            .execute(&mut **tx)
            .await?;
        }
    }
    Ok(())
}

impl Replica {
    /// Stores a live event that is change `change` of the stream and, if
    /// the replica stood just before it, moves the cursor past it: one
    /// transaction, and never backwards (a pull may have moved it meanwhile).
    /// Returns whether the cursor now stands at or past `change`.
    pub async fn put_live_change(
        &self,
        event: Option<&ecabinet_domain::session::OrderedLiveEvent>,
        change: i64,
    ) -> ClientResult<bool> {
        let mut tx = self.pool.begin().await?;
        if let Some(event) = event {
            upsert(&mut tx, &ChangeBody::SessionEvent(event.clone())).await?;
        }
        sqlx::query("UPDATE sync_state SET cursor = $1 WHERE singleton = 1 AND cursor = $2")
            .bind(change)
            .bind(change - 1)
            .execute(&mut *tx)
            .await?;
        let (cursor,): (i64,) = sqlx::query_as("SELECT cursor FROM sync_state WHERE singleton = 1")
            .fetch_one(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(cursor >= change)
    }

    /// The seq of the last session event held for a meeting (0: none).
    pub async fn session_head(&self, meeting: MeetingId) -> ClientResult<u32> {
        let (head,): (Option<i64>,) =
            sqlx::query_as("SELECT MAX(seq) FROM session_events WHERE meeting_id = $1")
                .bind(meeting.to_string())
                .fetch_one(&self.pool)
                .await?;
        Ok(head.unwrap_or(0) as u32)
    }

    /// A meeting's session log as held here, in order.
    pub async fn session_events(
        &self,
        meeting: MeetingId,
    ) -> ClientResult<Vec<ecabinet_domain::session::OrderedLiveEvent>> {
        let rows: Vec<(String,)> =
            sqlx::query_as("SELECT body FROM session_events WHERE meeting_id = $1 ORDER BY seq")
                .bind(meeting.to_string())
                .fetch_all(&self.pool)
                .await?;
        rows.iter()
            .map(|(body,)| decode("session_events", body))
            .collect()
    }

    /// A meeting's session events after `since`, in order.
    pub async fn session_events_since(
        &self,
        meeting: MeetingId,
        since: u32,
    ) -> ClientResult<Vec<ecabinet_domain::session::OrderedLiveEvent>> {
        let rows: Vec<(String,)> = sqlx::query_as(
            "SELECT body FROM session_events WHERE meeting_id = $1 AND seq > $2 ORDER BY seq",
        )
        .bind(meeting.to_string())
        .bind(i64::from(since))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|(body,)| decode("session_events", body))
            .collect()
    }

    /// Meetings with a session log held here.
    pub async fn session_meetings(&self) -> ClientResult<Vec<MeetingId>> {
        let rows: Vec<(String,)> = sqlx::query_as("SELECT DISTINCT meeting_id FROM session_events")
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|(id,)| {
                id.parse()
                    .map_err(|_| ClientError::Protocol(format!("a stored meeting id: {id}")))
            })
            .collect()
    }

    /// Stores session events (already checked to continue the log).
    pub async fn put_session_events(
        &self,
        events: &[ecabinet_domain::session::OrderedLiveEvent],
    ) -> ClientResult<()> {
        let mut tx = self.pool.begin().await?;
        for event in events {
            upsert(&mut tx, &ChangeBody::SessionEvent(event.clone())).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// The secretariat's narrative for an item of the minutes.
    pub async fn minutes_narratives(
        &self,
        meeting: MeetingId,
    ) -> ClientResult<Vec<(ecabinet_domain::AgendaItemId, String)>> {
        let rows: Vec<(String, String)> = sqlx::query_as(
            "SELECT agenda_item_id, text FROM minutes_narratives WHERE meeting_id = $1",
        )
        .bind(meeting.to_string())
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|(item, text)| {
                let item = item
                    .parse()
                    .map_err(|_| ClientError::Protocol(format!("a stored item id: {item}")))?;
                Ok((item, text))
            })
            .collect()
    }

    /// Sets (or with empty text, clears) an item's narrative.
    pub async fn set_minutes_narrative(
        &self,
        meeting: MeetingId,
        item: ecabinet_domain::AgendaItemId,
        text: &str,
    ) -> ClientResult<()> {
        if text.trim().is_empty() {
            sqlx::query(
                "DELETE FROM minutes_narratives WHERE meeting_id = $1 AND agenda_item_id = $2",
            )
            .bind(meeting.to_string())
            .bind(item.to_string())
            .execute(&self.pool)
            .await?;
        } else {
            sqlx::query(
                "INSERT INTO minutes_narratives (meeting_id, agenda_item_id, text) VALUES ($1, $2, $3) \
                 ON CONFLICT (meeting_id, agenda_item_id) DO UPDATE SET text = excluded.text",
            )
            .bind(meeting.to_string())
            .bind(item.to_string())
            .bind(text)
            .execute(&self.pool)
            .await?;
        }
        Ok(())
    }

    /// Motions of a meeting, oldest first.
    pub async fn motions(
        &self,
        meeting: MeetingId,
    ) -> ClientResult<Vec<ecabinet_domain::voting::Motion>> {
        let rows: Vec<(String,)> =
            sqlx::query_as("SELECT body FROM motions WHERE meeting_id = $1 ORDER BY id")
                .bind(meeting.to_string())
                .fetch_all(&self.pool)
                .await?;
        rows.iter().map(|(body,)| decode("motions", body)).collect()
    }

    pub async fn motion(
        &self,
        id: ecabinet_domain::MotionId,
    ) -> ClientResult<Option<ecabinet_domain::voting::Motion>> {
        let row: Option<(String,)> = sqlx::query_as("SELECT body FROM motions WHERE id = $1")
            .bind(id.to_string())
            .fetch_optional(&self.pool)
            .await?;
        row.map(|(body,)| decode("motions", &body)).transpose()
    }

    /// Motion ids starting with `prefix`.
    pub async fn motion_ids_with_prefix(&self, prefix: &str) -> ClientResult<Vec<String>> {
        let rows: Vec<(String,)> = sqlx::query_as("SELECT id FROM motions WHERE id LIKE $1 || '%'")
            .bind(prefix.trim().to_ascii_lowercase())
            .fetch_all(&self.pool)
            .await?;
        Ok(rows.into_iter().map(|(id,)| id).collect())
    }

    pub async fn attendance(
        &self,
        meeting: MeetingId,
    ) -> ClientResult<Vec<ecabinet_domain::voting::Attendance>> {
        let rows: Vec<(String,)> =
            sqlx::query_as("SELECT body FROM attendance WHERE meeting_id = $1")
                .bind(meeting.to_string())
                .fetch_all(&self.pool)
                .await?;
        rows.iter()
            .map(|(body,)| decode("attendance", body))
            .collect()
    }

    /// This person's accepted ballots on a motion, with their receipts, oldest first.
    pub async fn own_ballots(
        &self,
        motion: ecabinet_domain::MotionId,
    ) -> ClientResult<Vec<ecabinet_domain::voting::CountedBallot>> {
        let rows: Vec<(String,)> =
            sqlx::query_as("SELECT body FROM own_ballots WHERE motion_id = $1 ORDER BY seq")
                .bind(motion.to_string())
                .fetch_all(&self.pool)
                .await?;
        rows.iter()
            .map(|(body,)| decode("own_ballots", body))
            .collect()
    }
}

impl Replica {
    pub async fn positions(
        &self,
        meeting: MeetingId,
    ) -> ClientResult<Vec<ecabinet_domain::positions::Position>> {
        let rows: Vec<(String,)> =
            sqlx::query_as("SELECT body FROM positions WHERE meeting_id = $1")
                .bind(meeting.to_string())
                .fetch_all(&self.pool)
                .await?;
        rows.iter()
            .map(|(body,)| decode("positions", body))
            .collect()
    }

    pub async fn item_decisions(
        &self,
        meeting: MeetingId,
    ) -> ClientResult<Vec<ecabinet_domain::positions::ItemDecision>> {
        let rows: Vec<(String,)> =
            sqlx::query_as("SELECT body FROM item_decisions WHERE meeting_id = $1")
                .bind(meeting.to_string())
                .fetch_all(&self.pool)
                .await?;
        rows.iter()
            .map(|(body,)| decode("item_decisions", body))
            .collect()
    }
}

impl Replica {
    pub async fn opinion_requests(
        &self,
    ) -> ClientResult<Vec<ecabinet_domain::opinions::OpinionRequest>> {
        let rows: Vec<(String,)> = sqlx::query_as("SELECT body FROM opinion_requests ORDER BY id")
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|(body,)| decode("opinion_requests", body))
            .collect()
    }

    pub async fn opinion_responses(
        &self,
        request: ecabinet_domain::OpinionRequestId,
    ) -> ClientResult<Vec<ecabinet_domain::opinions::ReceivedResponse>> {
        let rows: Vec<(String,)> =
            sqlx::query_as("SELECT body FROM opinion_responses WHERE request_id = $1 ORDER BY seq")
                .bind(request.to_string())
                .fetch_all(&self.pool)
                .await?;
        rows.iter()
            .map(|(body,)| decode("opinion_responses", body))
            .collect()
    }

    pub async fn reminders(&self) -> ClientResult<Vec<ecabinet_domain::opinions::Reminder>> {
        let rows: Vec<(String,)> =
            sqlx::query_as("SELECT body FROM reminders ORDER BY sent_at DESC")
                .fetch_all(&self.pool)
                .await?;
        rows.iter()
            .map(|(body,)| decode("reminders", body))
            .collect()
    }
}

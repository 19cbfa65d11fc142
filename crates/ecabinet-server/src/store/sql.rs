//! The SQL behind [`Store`], written once with `$N` placeholders (which both
//! SQLite and PostgreSQL accept) and expanded for each backend by a macro.
//! Every writing transaction starts with a write, so SQLite takes its write
//! lock up front and never fails a lock upgrade half-way.

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use ecabinet_domain::{
    AgendaItem, AgendaItemId, Change, ChangeBody, DeviceId, Document, DocumentId, ItemAccess,
    ItemDetails, Meeting, MeetingId, MeetingStatus, Organisation, OrganisationId, Person, PersonId,
    Role,
};
use sqlx::postgres::{PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use uuid::Uuid;

use super::{DeviceRecord, Redemption, Store, StoreError, StoreResult, Viewer};

/// The embedded default: one SQLite file in the server's data folder.
#[derive(Clone, Debug)]
pub struct SqliteStore {
    pub(super) pool: SqlitePool,
}

impl SqliteStore {
    /// Opens (creating if needed) the database file and brings its schema up to date.
    /// Several processes may open the same file: the server and `invite` do.
    pub async fn open(path: &Path) -> StoreResult<Self> {
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            // FULL: a commit the server acknowledged survives a power cut.
            .synchronous(SqliteSynchronous::Full)
            .busy_timeout(Duration::from_secs(15))
            // 64 MiB of page cache per connection: the change stream's indexes
            // stay in memory, which keeps large group commits fast.
            .pragma("cache_size", "-65536")
            // Checkpoints run in the background (below), not inside the commit
            // that happens to cross the threshold: a burst's commits stay short.
            .pragma("wal_autocheckpoint", "0")
            .foreign_keys(true);
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .connect_with(options)
            .await?;
        sqlx::migrate!("../../migrations/server-sqlite")
            .run(&pool)
            .await?;
        tokio::spawn(checkpoint_in_background(pool.clone()));
        Ok(Self { pool })
    }
}

/// Copies the write-ahead log into the database file every second, without
/// blocking writers (PASSIVE), until the pool is closed.
async fn checkpoint_in_background(pool: SqlitePool) {
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        if pool.is_closed() {
            return;
        }
        if let Err(error) = sqlx::query("PRAGMA wal_checkpoint(PASSIVE)")
            .execute(&pool)
            .await
        {
            if pool.is_closed() {
                return;
            }
            tracing::warn!(%error, "background WAL checkpoint failed");
        }
    }
}

/// The scale-out backend: several stateless servers on one PostgreSQL.
#[derive(Clone, Debug)]
pub struct PostgresStore {
    pub(super) pool: PgPool,
}

impl PostgresStore {
    pub async fn connect(url: &str) -> StoreResult<Self> {
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(Duration::from_secs(15))
            .connect(url)
            .await?;
        sqlx::migrate!("../../migrations/server-postgres")
            .run(&pool)
            .await?;
        Ok(Self { pool })
    }
}

impl SqliteStore {
    /// One process writes the embedded database: nothing to listen for
    /// (admin commands' writes are found by polling).
    async fn change_listener_impl(
        &self,
    ) -> StoreResult<Option<Box<dyn crate::store::ChangeListener>>> {
        Ok(None)
    }

    /// One server instance: its signals never leave it.
    async fn signal_listener_impl(
        &self,
    ) -> StoreResult<Option<Box<dyn crate::store::SignalListener>>> {
        Ok(None)
    }

    async fn publish_signal_impl(&self, _payload: &str) -> StoreResult<bool> {
        Ok(false)
    }
}

/// `LISTEN ecabinet_room_signals`: offers and answers for devices whose
/// event socket may be on any instance.
struct PgSignals(sqlx::postgres::PgListener);

#[async_trait::async_trait]
impl crate::store::SignalListener for PgSignals {
    async fn next(&mut self) -> StoreResult<String> {
        Ok(self.0.recv().await?.payload().to_owned())
    }
}

/// `LISTEN ecabinet_changes` (see migration 0014).
struct PgChanges(sqlx::postgres::PgListener);

#[async_trait::async_trait]
impl crate::store::ChangeListener for PgChanges {
    async fn changed(&mut self) -> StoreResult<()> {
        self.0.recv().await?;
        Ok(())
    }
}

impl PostgresStore {
    async fn change_listener_impl(
        &self,
    ) -> StoreResult<Option<Box<dyn crate::store::ChangeListener>>> {
        let mut listener = sqlx::postgres::PgListener::connect_with(&self.pool).await?;
        listener.listen("ecabinet_changes").await?;
        Ok(Some(Box::new(PgChanges(listener))))
    }

    async fn signal_listener_impl(
        &self,
    ) -> StoreResult<Option<Box<dyn crate::store::SignalListener>>> {
        let mut listener = sqlx::postgres::PgListener::connect_with(&self.pool).await?;
        listener.listen("ecabinet_room_signals").await?;
        Ok(Some(Box::new(PgSignals(listener))))
    }

    async fn publish_signal_impl(&self, payload: &str) -> StoreResult<bool> {
        sqlx::query("SELECT pg_notify('ecabinet_room_signals', $1)")
            .bind(payload)
            .execute(&self.pool)
            .await?;
        Ok(true)
    }
}

fn parse_role(text: &str) -> StoreResult<Role> {
    Role::parse(text).ok_or_else(|| StoreError::Corrupt(format!("unknown role {text:?}")))
}

fn parse_status(text: &str) -> StoreResult<MeetingStatus> {
    MeetingStatus::parse(text)
        .ok_or_else(|| StoreError::Corrupt(format!("unknown meeting status {text:?}")))
}

fn details_json(details: &ItemDetails) -> StoreResult<String> {
    serde_json::to_string(details).map_err(|e| StoreError::Corrupt(e.to_string()))
}

fn parse_details(text: &str) -> StoreResult<ItemDetails> {
    serde_json::from_str(text).map_err(|e| StoreError::Corrupt(format!("agenda item details: {e}")))
}

fn body_json(body: &ChangeBody) -> StoreResult<String> {
    serde_json::to_string(body).map_err(|e| StoreError::Corrupt(e.to_string()))
}

type PersonRow = (Uuid, Uuid, String, String);
type MeetingRow = (Uuid, Uuid, String, DateTime<Utc>, String, Uuid, String);
type DeviceRow = (
    Uuid,
    Uuid,
    String,
    Vec<u8>,
    Vec<u8>,
    DateTime<Utc>,
    Option<DateTime<Utc>>,
);

fn person_from(row: PersonRow) -> StoreResult<Person> {
    Ok(Person {
        id: PersonId(row.0),
        organisation_id: OrganisationId(row.1),
        name: row.2,
        role: parse_role(&row.3)?,
    })
}

fn meeting_from(row: MeetingRow) -> StoreResult<Meeting> {
    Ok(Meeting {
        id: MeetingId(row.0),
        organisation_id: OrganisationId(row.1),
        title: row.2,
        starts_at: row.3,
        status: parse_status(&row.4)?,
        created_by: PersonId(row.5),
        details: serde_json::from_str(&row.6)
            .map_err(|e| StoreError::Corrupt(format!("meeting details: {e}")))?,
    })
}

fn meeting_details_json(meeting: &Meeting) -> StoreResult<String> {
    serde_json::to_string(&meeting.details).map_err(|e| StoreError::Corrupt(e.to_string()))
}

fn device_from(row: DeviceRow) -> DeviceRecord {
    DeviceRecord {
        id: DeviceId(row.0),
        person_id: PersonId(row.1),
        name: row.2,
        signing_public_key: row.3,
        agreement_public_key: row.4,
        enrolled_at: row.5,
        revoked_at: row.6,
    }
}

/// Writes an item's access list inside the caller's transaction.
macro_rules! write_access_fn {
    ($db:ty, $name:ident, $audience:ident) => {
        pub(super) async fn $name(tx: &mut sqlx::Transaction<'_, $db>, item: AgendaItemId, persons: &[PersonId]) -> StoreResult<()> {
            for person in persons {
                sqlx::query("INSERT INTO item_access (agenda_item_id, person_id) VALUES ($1, $2) ON CONFLICT DO NOTHING")
                    .bind(item.0)
                    .bind(person.0)
                    .execute(&mut **tx)
                    .await?;
            }
            Ok(())
        }

        /// The audience of a change about an item: the item itself when restricted.
        pub(super) async fn $audience(tx: &mut sqlx::Transaction<'_, $db>, item: AgendaItemId) -> StoreResult<Option<AgendaItemId>> {
            let row: Option<(bool,)> = sqlx::query_as("SELECT restricted FROM agenda_items WHERE id = $1")
                .bind(item.0)
                .fetch_optional(&mut **tx)
                .await?;
            Ok(row.and_then(|(restricted,)| restricted.then_some(item)))
        }
    };
}

mod sqlite_helpers {
    use super::*;
    write_access_fn!(sqlx::Sqlite, write_access, restricted_audience);
}

mod postgres_helpers {
    use super::*;
    write_access_fn!(sqlx::Postgres, write_access, restricted_audience);
}

macro_rules! sql_store {
    ($store:ident, $db:ty, $name:literal, $helpers:ident) => {
        use $helpers::{restricted_audience, write_access};

        impl $store {
            /// Numbers a change and records it, inside the caller's transaction.
            /// The `UPDATE ... RETURNING` locks the organisation's row, so two
            /// writers cannot commit sequence numbers out of order.
            async fn append_change(
                tx: &mut sqlx::Transaction<'_, $db>,
                organisation: OrganisationId,
                entity_id: Uuid,
                body: &ChangeBody,
                audience: Option<AgendaItemId>,
            ) -> StoreResult<i64> {
                let (seq,): (i64,) =
                    sqlx::query_as("UPDATE organisations SET last_seq = last_seq + 1 WHERE id = $1 RETURNING last_seq")
                        .bind(organisation.0)
                        .fetch_one(&mut **tx)
                        .await?;
                // A draft meeting's changes go to the secretariat only (a person
                // audience nobody has); publishing announces them all again.
                let secretariat_only = Self::of_draft_meeting(tx, body).await?.then(Uuid::nil);
                sqlx::query(
                    "INSERT INTO changes (organisation_id, seq, kind, entity_id, body, audience, audience_person, audience_secretariat) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, TRUE)",
                )
                .bind(organisation.0)
                .bind(seq)
                .bind(body.kind())
                .bind(entity_id)
                .bind(body_json(body)?)
                .bind(audience.map(|item| item.0))
                .bind(secretariat_only)
                .execute(&mut **tx)
                .await?;
                Ok(seq)
            }

            /// Whether a change belongs to a meeting members have not been told of
            /// (a draft, or a draft cancelled before publication).
            async fn of_draft_meeting(tx: &mut sqlx::Transaction<'_, $db>, body: &ChangeBody) -> StoreResult<bool> {
                let meeting = match body {
                    ChangeBody::Meeting(meeting) => meeting.id,
                    ChangeBody::AgendaItem(item) => item.meeting_id,
                    ChangeBody::Document(document) => document.meeting_id,
                    ChangeBody::ItemAccess(access) => {
                        let row: Option<(Uuid,)> = sqlx::query_as("SELECT meeting_id FROM agenda_items WHERE id = $1")
                            .bind(access.agenda_item_id.0)
                            .fetch_optional(&mut **tx)
                            .await?;
                        match row {
                            Some((meeting,)) => MeetingId(meeting),
                            None => return Ok(false),
                        }
                    }
                    _ => return Ok(false),
                };
                let published: Option<(bool,)> = sqlx::query_as("SELECT ever_published FROM meetings WHERE id = $1")
                    .bind(meeting.0)
                    .fetch_optional(&mut **tx)
                    .await?;
                Ok(published.is_some_and(|(p,)| !p))
            }

            /// Announces a meeting's agenda, access lists and documents again
            /// (on publication: members' cursors have moved past the drafts).
            async fn announce_agenda(tx: &mut sqlx::Transaction<'_, $db>, meeting: &Meeting) -> StoreResult<()> {
                let items: Vec<(Uuid, Uuid, i32, String, bool, String)> = sqlx::query_as(
                    "SELECT id, meeting_id, position, title, restricted, details FROM agenda_items WHERE meeting_id = $1 ORDER BY position",
                )
                .bind(meeting.id.0)
                .fetch_all(&mut **tx)
                .await?;
                for (id, meeting_id, position, title, restricted, details) in items {
                    let item = AgendaItem {
                        id: AgendaItemId(id),
                        meeting_id: MeetingId(meeting_id),
                        position,
                        title,
                        restricted,
                        details: serde_json::from_str(&details).map_err(|e| StoreError::Corrupt(format!("item details: {e}")))?,
                    };
                    Self::append_change(tx, meeting.organisation_id, item.id.0, &ChangeBody::AgendaItem(item.clone()), None).await?;
                    let audience = restricted.then_some(item.id);
                    if restricted {
                        let persons: Vec<(Uuid,)> = sqlx::query_as("SELECT person_id FROM item_access WHERE agenda_item_id = $1 ORDER BY person_id")
                            .bind(item.id.0)
                            .fetch_all(&mut **tx)
                            .await?;
                        let access = ChangeBody::ItemAccess(ItemAccess { agenda_item_id: item.id, persons: persons.into_iter().map(|(p,)| PersonId(p)).collect() });
                        Self::append_change(tx, meeting.organisation_id, item.id.0, &access, audience).await?;
                    }
                    let documents: Vec<(String,)> = sqlx::query_as("SELECT body FROM documents WHERE agenda_item_id = $1 ORDER BY id, version")
                        .bind(item.id.0)
                        .fetch_all(&mut **tx)
                        .await?;
                    for (body,) in documents {
                        let body: ChangeBody = serde_json::from_str(&body).map_err(|e| StoreError::Corrupt(e.to_string()))?;
                        if let ChangeBody::Document(document) = &body {
                            Self::append_change(tx, meeting.organisation_id, document.id.0, &body, audience).await?;
                        }
                    }
                }
                Ok(())
            }
        }

        #[async_trait]
        impl Store for $store {
            fn backend(&self) -> &'static str {
                $name
            }

            async fn organisation(&self) -> StoreResult<Option<Organisation>> {
                let row: Option<(Uuid, String)> =
                    sqlx::query_as("SELECT id, name FROM organisations ORDER BY id LIMIT 1")
                        .fetch_optional(&self.pool)
                        .await?;
                Ok(row.map(|(id, name)| Organisation { id: OrganisationId(id), name }))
            }

            async fn create_organisation(&self, organisation: &Organisation) -> StoreResult<()> {
                let mut tx = self.pool.begin().await?;
                sqlx::query("INSERT INTO organisations (id, name, last_seq) VALUES ($1, $2, 0)")
                    .bind(organisation.id.0)
                    .bind(&organisation.name)
                    .execute(&mut *tx)
                    .await?;
                Self::append_change(
                    &mut tx,
                    organisation.id,
                    organisation.id.0,
                    &ChangeBody::Organisation(organisation.clone()), None)
                .await?;
                tx.commit().await?;
                Ok(())
            }

            async fn server_signing_key(&self, candidate_pkcs8: &[u8]) -> StoreResult<Vec<u8>> {
                sqlx::query("INSERT INTO server_identity (singleton, signing_pkcs8) VALUES (1, $1) ON CONFLICT (singleton) DO NOTHING")
                    .bind(candidate_pkcs8)
                    .execute(&self.pool)
                    .await?;
                let (key,): (Vec<u8>,) = sqlx::query_as("SELECT signing_pkcs8 FROM server_identity WHERE singleton = 1")
                    .fetch_one(&self.pool)
                    .await?;
                Ok(key)
            }

            async fn create_person(&self, person: &Person) -> StoreResult<()> {
                let mut tx = self.pool.begin().await?;
                sqlx::query("INSERT INTO persons (id, organisation_id, name, role) VALUES ($1, $2, $3, $4)")
                    .bind(person.id.0)
                    .bind(person.organisation_id.0)
                    .bind(&person.name)
                    .bind(person.role.as_str())
                    .execute(&mut *tx)
                    .await?;
                Self::append_change(&mut tx, person.organisation_id, person.id.0, &ChangeBody::Person(person.clone()), None).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn person(&self, id: PersonId) -> StoreResult<Option<Person>> {
                let row: Option<PersonRow> =
                    sqlx::query_as("SELECT id, organisation_id, name, role FROM persons WHERE id = $1")
                        .bind(id.0)
                        .fetch_optional(&self.pool)
                        .await?;
                row.map(person_from).transpose()
            }

            async fn persons(&self, organisation: OrganisationId) -> StoreResult<Vec<Person>> {
                let rows: Vec<PersonRow> = sqlx::query_as(
                    "SELECT id, organisation_id, name, role FROM persons WHERE organisation_id = $1 ORDER BY id",
                )
                .bind(organisation.0)
                .fetch_all(&self.pool)
                .await?;
                rows.into_iter().map(person_from).collect()
            }

            async fn create_invite(&self, code_hash: &[u8], person: PersonId, expires_at: DateTime<Utc>) -> StoreResult<()> {
                // A replayed invite command finds its code already there.
                sqlx::query("INSERT INTO invites (code_hash, person_id, created_at, expires_at) VALUES ($1, $2, $3, $4) ON CONFLICT (code_hash) DO NOTHING")
                    .bind(code_hash)
                    .bind(person.0)
                    .bind(Utc::now())
                    .bind(expires_at)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn redeem_invite(&self, code_hash: &[u8], device: &DeviceRecord, now: DateTime<Utc>) -> StoreResult<Redemption> {
                let mut tx = self.pool.begin().await?;
                let claimed: Option<(Uuid, DateTime<Utc>)> = sqlx::query_as(
                    "UPDATE invites SET used_at = $2 WHERE code_hash = $1 AND used_at IS NULL RETURNING person_id, expires_at",
                )
                .bind(code_hash)
                .bind(now)
                .fetch_optional(&mut *tx)
                .await?;
                let Some((person_id, expires_at)) = claimed else {
                    let known: Option<(Uuid,)> = sqlx::query_as("SELECT person_id FROM invites WHERE code_hash = $1")
                        .bind(code_hash)
                        .fetch_optional(&mut *tx)
                        .await?;
                    return Ok(if known.is_some() { Redemption::AlreadyUsed } else { Redemption::UnknownCode });
                };
                if expires_at <= now {
                    // Dropping the transaction rolls the claim back.
                    return Ok(Redemption::Expired);
                }
                let row: PersonRow = sqlx::query_as("SELECT id, organisation_id, name, role FROM persons WHERE id = $1")
                    .bind(person_id)
                    .fetch_one(&mut *tx)
                    .await?;
                let person = person_from(row)?;
                sqlx::query(
                    "INSERT INTO devices (id, person_id, name, signing_public_key, agreement_public_key, enrolled_at) \
                     VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(device.id.0)
                .bind(person.id.0)
                .bind(&device.name)
                .bind(&device.signing_public_key)
                .bind(&device.agreement_public_key)
                .bind(device.enrolled_at)
                .execute(&mut *tx)
                .await?;
                tx.commit().await?;
                Ok(Redemption::Enrolled(person))
            }

            async fn device(&self, id: DeviceId) -> StoreResult<Option<DeviceRecord>> {
                let row: Option<DeviceRow> = sqlx::query_as(
                    "SELECT id, person_id, name, signing_public_key, agreement_public_key, enrolled_at, revoked_at \
                     FROM devices WHERE id = $1",
                )
                .bind(id.0)
                .fetch_optional(&self.pool)
                .await?;
                Ok(row.map(device_from))
            }

            async fn devices_of(&self, person: PersonId) -> StoreResult<Vec<DeviceRecord>> {
                let rows: Vec<DeviceRow> = sqlx::query_as(
                    "SELECT id, person_id, name, signing_public_key, agreement_public_key, enrolled_at, revoked_at \
                     FROM devices WHERE person_id = $1 ORDER BY id",
                )
                .bind(person.0)
                .fetch_all(&self.pool)
                .await?;
                Ok(rows.into_iter().map(device_from).collect())
            }

            async fn revoke_device(&self, id: DeviceId, at: DateTime<Utc>) -> StoreResult<bool> {
                let result = sqlx::query("UPDATE devices SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL")
                    .bind(id.0)
                    .bind(at)
                    .execute(&self.pool)
                    .await?;
                Ok(result.rows_affected() == 1)
            }

            async fn put_challenge(&self, challenge: &[u8], device: DeviceId, expires_at: DateTime<Utc>) -> StoreResult<()> {
                sqlx::query("INSERT INTO auth_challenges (challenge, device_id, expires_at) VALUES ($1, $2, $3)")
                    .bind(challenge)
                    .bind(device.0)
                    .bind(expires_at)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn take_challenge(&self, challenge: &[u8], device: DeviceId) -> StoreResult<Option<DateTime<Utc>>> {
                let row: Option<(DateTime<Utc>,)> = sqlx::query_as(
                    "DELETE FROM auth_challenges WHERE challenge = $1 AND device_id = $2 RETURNING expires_at",
                )
                .bind(challenge)
                .bind(device.0)
                .fetch_optional(&self.pool)
                .await?;
                Ok(row.map(|(expires_at,)| expires_at))
            }

            async fn put_session(&self, token_hash: &[u8], device: DeviceId, expires_at: DateTime<Utc>) -> StoreResult<()> {
                sqlx::query("INSERT INTO sessions (token_hash, device_id, expires_at) VALUES ($1, $2, $3)")
                    .bind(token_hash)
                    .bind(device.0)
                    .bind(expires_at)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn session(&self, token_hash: &[u8]) -> StoreResult<Option<(DeviceId, DateTime<Utc>)>> {
                let row: Option<(Uuid, DateTime<Utc>)> =
                    sqlx::query_as("SELECT device_id, expires_at FROM sessions WHERE token_hash = $1")
                        .bind(token_hash)
                        .fetch_optional(&self.pool)
                        .await?;
                Ok(row.map(|(device, expires_at)| (DeviceId(device), expires_at)))
            }

            async fn create_meeting(&self, meeting: &Meeting) -> StoreResult<()> {
                let mut tx = self.pool.begin().await?;
                sqlx::query(
                    "INSERT INTO meetings (id, organisation_id, title, starts_at, status, created_by, details, ever_published) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                )
                .bind(meeting.id.0)
                .bind(meeting.organisation_id.0)
                .bind(&meeting.title)
                .bind(meeting.starts_at)
                .bind(meeting.status.as_str())
                .bind(meeting.created_by.0)
                .bind(meeting_details_json(meeting)?)
                .bind(meeting.status != MeetingStatus::Draft)
                .execute(&mut *tx)
                .await?;
                Self::append_change(&mut tx, meeting.organisation_id, meeting.id.0, &ChangeBody::Meeting(meeting.clone()), None).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn update_meeting(&self, meeting: &Meeting) -> StoreResult<()> {
                let mut tx = self.pool.begin().await?;
                let (was_published,): (bool,) = sqlx::query_as("SELECT ever_published FROM meetings WHERE id = $1")
                    .bind(meeting.id.0)
                    .fetch_one(&mut *tx)
                    .await?;
                // Only publication tells members of a meeting: a draft
                // cancelled before it stays the secretariat's.
                let publishing = !was_published && meeting.status == MeetingStatus::Published;
                sqlx::query("UPDATE meetings SET title = $2, starts_at = $3, status = $4, details = $5, ever_published = $6 WHERE id = $1")
                    .bind(meeting.id.0)
                    .bind(&meeting.title)
                    .bind(meeting.starts_at)
                    .bind(meeting.status.as_str())
                    .bind(meeting_details_json(meeting)?)
                    .bind(was_published || publishing)
                    .execute(&mut *tx)
                    .await?;
                Self::append_change(&mut tx, meeting.organisation_id, meeting.id.0, &ChangeBody::Meeting(meeting.clone()), None).await?;
                if publishing {
                    Self::announce_agenda(&mut tx, meeting).await?;
                }
                tx.commit().await?;
                Ok(())
            }

            async fn meeting_published(&self, id: MeetingId) -> StoreResult<bool> {
                let row: Option<(bool,)> = sqlx::query_as("SELECT ever_published FROM meetings WHERE id = $1")
                    .bind(id.0)
                    .fetch_optional(&self.pool)
                    .await?;
                Ok(row.is_some_and(|(p,)| p))
            }

            async fn meeting(&self, id: MeetingId) -> StoreResult<Option<Meeting>> {
                let row: Option<MeetingRow> = sqlx::query_as(
                    "SELECT id, organisation_id, title, starts_at, status, created_by, details FROM meetings WHERE id = $1",
                )
                .bind(id.0)
                .fetch_optional(&self.pool)
                .await?;
                row.map(meeting_from).transpose()
            }

            async fn append_agenda_item(
                &self,
                meeting: &Meeting,
                item_id: AgendaItemId,
                title: &str,
                only: Option<&[PersonId]>,
                details: &ItemDetails,
            ) -> StoreResult<AgendaItem> {
                let mut tx = self.pool.begin().await?;
                // Lock the organisation's row first (the change's seq comes from
                // it), so concurrent appends to one agenda take turns.
                sqlx::query("UPDATE organisations SET last_seq = last_seq WHERE id = $1")
                    .bind(meeting.organisation_id.0)
                    .execute(&mut *tx)
                    .await?;
                let (position,): (i32,) = sqlx::query_as(
                    "SELECT CAST(COALESCE(MAX(position), 0) + 1 AS INTEGER) FROM agenda_items WHERE meeting_id = $1",
                )
                .bind(meeting.id.0)
                .fetch_one(&mut *tx)
                .await?;
                let item = AgendaItem {
                    id: item_id,
                    meeting_id: meeting.id,
                    position,
                    title: title.to_owned(),
                    restricted: only.is_some(),
                    details: details.clone(),
                };
                sqlx::query("INSERT INTO agenda_items (id, meeting_id, position, title, restricted, details) VALUES ($1, $2, $3, $4, $5, $6)")
                    .bind(item.id.0)
                    .bind(item.meeting_id.0)
                    .bind(item.position)
                    .bind(&item.title)
                    .bind(item.restricted)
                    .bind(details_json(&item.details)?)
                    .execute(&mut *tx)
                    .await?;
                Self::append_change(&mut tx, meeting.organisation_id, item.id.0, &ChangeBody::AgendaItem(item.clone()), None).await?;
                if let Some(persons) = only {
                    write_access(&mut tx, item.id, persons).await?;
                    let access = ChangeBody::ItemAccess(ItemAccess { agenda_item_id: item.id, persons: persons.to_vec() });
                    Self::append_change(&mut tx, meeting.organisation_id, item.id.0, &access, Some(item.id)).await?;
                }
                tx.commit().await?;
                Ok(item)
            }

            async fn set_item_access(&self, item: &AgendaItem, organisation: OrganisationId, only: Option<&[PersonId]>) -> StoreResult<AgendaItem> {
                let mut tx = self.pool.begin().await?;
                let updated = AgendaItem { restricted: only.is_some(), ..item.clone() };
                sqlx::query("UPDATE agenda_items SET restricted = $2 WHERE id = $1")
                    .bind(item.id.0)
                    .bind(updated.restricted)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query("DELETE FROM item_access WHERE agenda_item_id = $1")
                    .bind(item.id.0)
                    .execute(&mut *tx)
                    .await?;
                write_access(&mut tx, item.id, only.unwrap_or_default()).await?;
                Self::append_change(&mut tx, organisation, item.id.0, &ChangeBody::AgendaItem(updated.clone()), None).await?;
                let audience = only.map(|_| item.id);
                let access = ChangeBody::ItemAccess(ItemAccess { agenda_item_id: item.id, persons: only.unwrap_or_default().to_vec() });
                Self::append_change(&mut tx, organisation, item.id.0, &access, audience).await?;
                // Re-announce the item's documents to its new audience: a person
                // just added must receive what was published before.
                let documents: Vec<(String,)> = sqlx::query_as("SELECT body FROM documents WHERE agenda_item_id = $1 ORDER BY id, version")
                    .bind(item.id.0)
                    .fetch_all(&mut *tx)
                    .await?;
                for (body,) in documents {
                    let body: ChangeBody = serde_json::from_str(&body).map_err(|e| StoreError::Corrupt(e.to_string()))?;
                    if let ChangeBody::Document(document) = &body {
                        Self::append_change(&mut tx, organisation, document.id.0, &body, audience).await?;
                    }
                }
                tx.commit().await?;
                Ok(updated)
            }

            async fn update_agenda_item(&self, organisation: OrganisationId, item: &AgendaItem) -> StoreResult<()> {
                let mut tx = self.pool.begin().await?;
                sqlx::query("UPDATE agenda_items SET title = $2, details = $3 WHERE id = $1")
                    .bind(item.id.0)
                    .bind(&item.title)
                    .bind(details_json(&item.details)?)
                    .execute(&mut *tx)
                    .await?;
                Self::append_change(&mut tx, organisation, item.id.0, &ChangeBody::AgendaItem(item.clone()), None).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn item_access(&self, item: AgendaItemId) -> StoreResult<Vec<PersonId>> {
                let rows: Vec<(Uuid,)> = sqlx::query_as("SELECT person_id FROM item_access WHERE agenda_item_id = $1 ORDER BY person_id")
                    .bind(item.0)
                    .fetch_all(&self.pool)
                    .await?;
                Ok(rows.into_iter().map(|(id,)| PersonId(id)).collect())
            }

            async fn allowed_devices(&self, item: AgendaItemId) -> StoreResult<Vec<DeviceRecord>> {
                let rows: Vec<DeviceRow> = sqlx::query_as(
                    "SELECT d.id, d.person_id, d.name, d.signing_public_key, d.agreement_public_key, d.enrolled_at, d.revoked_at \
                     FROM agenda_items ai \
                     JOIN meetings m ON m.id = ai.meeting_id \
                     JOIN persons p ON p.organisation_id = m.organisation_id \
                     JOIN devices d ON d.person_id = p.id AND d.revoked_at IS NULL \
                     WHERE ai.id = $1 AND (m.ever_published OR p.role = 'secretary') \
                       AND (NOT ai.restricted OR p.role = 'secretary' \
                        OR EXISTS (SELECT 1 FROM item_access ia WHERE ia.agenda_item_id = ai.id AND ia.person_id = p.id)) \
                     ORDER BY d.id",
                )
                .bind(item.0)
                .fetch_all(&self.pool)
                .await?;
                Ok(rows.into_iter().map(device_from).collect())
            }

            async fn agenda(&self, meeting: MeetingId) -> StoreResult<Vec<AgendaItem>> {
                let rows: Vec<(Uuid, Uuid, i32, String, bool, String)> = sqlx::query_as(
                    "SELECT id, meeting_id, position, title, restricted, details FROM agenda_items WHERE meeting_id = $1 ORDER BY position",
                )
                .bind(meeting.0)
                .fetch_all(&self.pool)
                .await?;
                rows.into_iter()
                    .map(|(id, meeting_id, position, title, restricted, details)| {
                        Ok(AgendaItem {
                            id: AgendaItemId(id),
                            meeting_id: MeetingId(meeting_id),
                            position,
                            title,
                            restricted,
                            details: parse_details(&details)?,
                        })
                    })
                    .collect()
            }

            async fn move_agenda_item(&self, organisation: OrganisationId, item: AgendaItemId, position: i32) -> StoreResult<Vec<AgendaItem>> {
                let mut tx = self.pool.begin().await?;
                sqlx::query("UPDATE organisations SET last_seq = last_seq WHERE id = $1")
                    .bind(organisation.0)
                    .execute(&mut *tx)
                    .await?;
                let (meeting,): (Uuid,) = sqlx::query_as("SELECT meeting_id FROM agenda_items WHERE id = $1")
                    .bind(item.0)
                    .fetch_optional(&mut *tx)
                    .await?
                    .ok_or(StoreError::NotFound)?;
                let rows: Vec<(Uuid, Uuid, i32, String, bool, String)> = sqlx::query_as(
                    "SELECT id, meeting_id, position, title, restricted, details FROM agenda_items WHERE meeting_id = $1 ORDER BY position",
                )
                .bind(meeting)
                .fetch_all(&mut *tx)
                .await?;
                let mut items = rows
                    .into_iter()
                    .map(|(id, meeting_id, position, title, restricted, details)| {
                        Ok(AgendaItem { id: AgendaItemId(id), meeting_id: MeetingId(meeting_id), position, title, restricted, details: parse_details(&details)? })
                    })
                    .collect::<StoreResult<Vec<_>>>()?;
                let from = items.iter().position(|i| i.id == item).ok_or(StoreError::NotFound)?;
                let moving = items.remove(from);
                let to = usize::try_from(position - 1).unwrap_or(0).min(items.len());
                items.insert(to, moving);
                // Out of the way first: positions are unique per meeting.
                sqlx::query("UPDATE agenda_items SET position = -position WHERE meeting_id = $1")
                    .bind(meeting)
                    .execute(&mut *tx)
                    .await?;
                let mut moved = Vec::new();
                for (index, entry) in items.iter_mut().enumerate() {
                    let new_position = index as i32 + 1;
                    sqlx::query("UPDATE agenda_items SET position = $1 WHERE id = $2")
                        .bind(new_position)
                        .bind(entry.id.0)
                        .execute(&mut *tx)
                        .await?;
                    if entry.position != new_position {
                        entry.position = new_position;
                        // Titles and positions are visible to everyone, restricted or not.
                        Self::append_change(&mut tx, organisation, entry.id.0, &ChangeBody::AgendaItem(entry.clone()), None).await?;
                        moved.push(entry.clone());
                    }
                }
                tx.commit().await?;
                Ok(moved)
            }

            async fn agenda_item(&self, id: AgendaItemId) -> StoreResult<Option<(AgendaItem, Meeting)>> {
                let row: Option<(Uuid, Uuid, i32, String, bool, String)> =
                    sqlx::query_as("SELECT id, meeting_id, position, title, restricted, details FROM agenda_items WHERE id = $1")
                        .bind(id.0)
                        .fetch_optional(&self.pool)
                        .await?;
                let Some((id, meeting_id, position, title, restricted, details)) = row else {
                    return Ok(None);
                };
                let meeting = self
                    .meeting(MeetingId(meeting_id))
                    .await?
                    .ok_or_else(|| StoreError::Corrupt(format!("agenda item {id} has no meeting")))?;
                let item = AgendaItem {
                    id: AgendaItemId(id),
                    meeting_id: MeetingId(meeting_id),
                    position,
                    title,
                    restricted,
                    details: parse_details(&details)?,
                };
                Ok(Some((item, meeting)))
            }

            async fn active_devices(&self, organisation: OrganisationId) -> StoreResult<Vec<DeviceRecord>> {
                let rows: Vec<DeviceRow> = sqlx::query_as(
                    "SELECT d.id, d.person_id, d.name, d.signing_public_key, d.agreement_public_key, d.enrolled_at, d.revoked_at \
                     FROM devices d JOIN persons p ON p.id = d.person_id \
                     WHERE p.organisation_id = $1 AND d.revoked_at IS NULL ORDER BY d.id",
                )
                .bind(organisation.0)
                .fetch_all(&self.pool)
                .await?;
                Ok(rows.into_iter().map(device_from).collect())
            }

            async fn publish_document(
                &self,
                organisation: OrganisationId,
                document: &Document,
                uploaded_by: DeviceId,
                keys: &[(DeviceId, String)],
            ) -> StoreResult<()> {
                let mut tx = self.pool.begin().await?;
                sqlx::query(
                    "INSERT INTO documents (id, version, organisation_id, agenda_item_id, uploaded_by, body) \
                     VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(document.id.0)
                .bind(i64::from(document.version))
                .bind(organisation.0)
                .bind(document.agenda_item_id.0)
                .bind(uploaded_by.0)
                .bind(body_json(&ChangeBody::Document(document.clone()))?)
                .execute(&mut *tx)
                .await?;
                for (device, envelope) in keys {
                    sqlx::query(
                        "INSERT INTO document_keys (document_id, version, device_id, envelope) VALUES ($1, $2, $3, $4)",
                    )
                    .bind(document.id.0)
                    .bind(i64::from(document.version))
                    .bind(device.0)
                    .bind(envelope)
                    .execute(&mut *tx)
                    .await?;
                }
                let audience = restricted_audience(&mut tx, document.agenda_item_id).await?;
                Self::append_change(&mut tx, organisation, document.id.0, &ChangeBody::Document(document.clone()), audience).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn document(&self, id: DocumentId, version: u32) -> StoreResult<Option<(Document, OrganisationId)>> {
                let row: Option<(String, Uuid)> =
                    sqlx::query_as("SELECT body, organisation_id FROM documents WHERE id = $1 AND version = $2")
                        .bind(id.0)
                        .bind(i64::from(version))
                        .fetch_optional(&self.pool)
                        .await?;
                let Some((body, organisation)) = row else {
                    return Ok(None);
                };
                match serde_json::from_str(&body).map_err(|e| StoreError::Corrupt(format!("document {id}: {e}")))? {
                    ChangeBody::Document(document) => Ok(Some((document, OrganisationId(organisation)))),
                    other => Err(StoreError::Corrupt(format!("document {id} holds a {}", other.kind()))),
                }
            }

            async fn missing_keys(&self, organisation: OrganisationId) -> StoreResult<Vec<(DocumentId, u32, DeviceRecord)>> {
                type Row = (Uuid, i64, Uuid, Uuid, String, Vec<u8>, Vec<u8>, DateTime<Utc>, Option<DateTime<Utc>>);
                let rows: Vec<Row> = sqlx::query_as(
                    "SELECT doc.id, doc.version, d.id, d.person_id, d.name, d.signing_public_key, d.agreement_public_key, \
                            d.enrolled_at, d.revoked_at \
                     FROM documents doc \
                     JOIN agenda_items ai ON ai.id = doc.agenda_item_id \
                     JOIN meetings m ON m.id = ai.meeting_id \
                     JOIN persons p ON p.organisation_id = doc.organisation_id \
                     JOIN devices d ON d.person_id = p.id AND d.revoked_at IS NULL \
                     LEFT JOIN document_keys k ON k.document_id = doc.id AND k.version = doc.version AND k.device_id = d.id \
                     WHERE doc.organisation_id = $1 AND k.device_id IS NULL \
                       AND (m.ever_published OR p.role = 'secretary') \
                       AND (NOT ai.restricted OR p.role = 'secretary' \
                            OR EXISTS (SELECT 1 FROM item_access ia WHERE ia.agenda_item_id = ai.id AND ia.person_id = p.id)) \
                     ORDER BY doc.id, doc.version, d.id LIMIT 5000",
                )
                .bind(organisation.0)
                .fetch_all(&self.pool)
                .await?;
                rows.into_iter()
                    .map(|(doc, version, id, person, name, signing, agreement, enrolled_at, revoked_at)| {
                        let version = u32::try_from(version)
                            .map_err(|_| StoreError::Corrupt(format!("document {doc} has version {version}")))?;
                        let device = device_from((id, person, name, signing, agreement, enrolled_at, revoked_at));
                        Ok((DocumentId(doc), version, device))
                    })
                    .collect()
            }

            async fn add_document_keys(&self, id: DocumentId, version: u32, keys: &[(DeviceId, String)]) -> StoreResult<u32> {
                let mut tx = self.pool.begin().await?;
                let mut added = 0;
                for (device, envelope) in keys {
                    let result = sqlx::query(
                        "INSERT INTO document_keys (document_id, version, device_id, envelope) VALUES ($1, $2, $3, $4) \
                         ON CONFLICT (document_id, version, device_id) DO NOTHING",
                    )
                    .bind(id.0)
                    .bind(i64::from(version))
                    .bind(device.0)
                    .bind(envelope)
                    .execute(&mut *tx)
                    .await?;
                    added += result.rows_affected() as u32;
                }
                tx.commit().await?;
                Ok(added)
            }

            async fn document_key(&self, id: DocumentId, version: u32, device: DeviceId) -> StoreResult<Option<String>> {
                let row: Option<(String,)> = sqlx::query_as(
                    "SELECT envelope FROM document_keys WHERE document_id = $1 AND version = $2 AND device_id = $3",
                )
                .bind(id.0)
                .bind(i64::from(version))
                .bind(device.0)
                .fetch_optional(&self.pool)
                .await?;
                Ok(row.map(|(envelope,)| envelope))
            }

            async fn push_ops(&self, batches: &mut dyn crate::store::BatchSource, now: DateTime<Utc>, receipts: &crate::store::ReceiptSigner) -> StoreResult<Vec<Vec<ecabinet_domain::ops::OpResult>>> {
                self.push_ops_impl(batches, now, receipts).await
            }

            async fn create_motion(&self, organisation: OrganisationId, motion: &ecabinet_domain::voting::Motion) -> StoreResult<()> {
                self.create_motion_impl(organisation, motion).await
            }

            async fn motion(&self, id: ecabinet_domain::MotionId) -> StoreResult<Option<(ecabinet_domain::voting::Motion, OrganisationId)>> {
                self.motion_impl(id).await
            }

            async fn close_motion(&self, id: ecabinet_domain::MotionId, now: DateTime<Utc>) -> StoreResult<Option<ecabinet_domain::voting::Motion>> {
                self.close_motion_impl(id, now).await
            }

            async fn open_motions(&self, meeting: MeetingId) -> StoreResult<Vec<ecabinet_domain::voting::Motion>> {
                self.open_motions_impl(meeting).await
            }

            async fn take_room_ballot(
                &self,
                organisation: OrganisationId,
                ballot: &ecabinet_domain::voting::Ballot,
                accepted_at: DateTime<Utc>,
                receipts: &crate::store::ReceiptSigner,
            ) -> StoreResult<(i64, bool)> {
                self.take_room_ballot_impl(organisation, ballot, accepted_at, receipts).await
            }

            async fn due_motions(&self, now: DateTime<Utc>) -> StoreResult<Vec<ecabinet_domain::MotionId>> {
                self.due_motions_impl(now).await
            }

            async fn set_attendance(&self, organisation: OrganisationId, attendance: &ecabinet_domain::voting::Attendance) -> StoreResult<()> {
                self.set_attendance_impl(organisation, attendance).await
            }

            async fn attendance(&self, meeting: MeetingId) -> StoreResult<Vec<(PersonId, ecabinet_domain::voting::Presence)>> {
                self.attendance_impl(meeting).await
            }

            async fn append_audit(
                &self,
                records: &[crate::audit::AuditRecord],
                server_key: &ecabinet_crypto::SigningKey,
                now: DateTime<Utc>,
            ) -> StoreResult<()> {
                self.append_audit_impl(records, server_key, now).await
            }

            async fn audit_entries(
                &self,
                filter: &crate::store::AuditFilter,
            ) -> StoreResult<Vec<crate::audit::StoredEntry>> {
                self.audit_entries_impl(filter).await
            }

            async fn record_document_open(
                &self,
                document: DocumentId,
                version: u32,
                device: DeviceId,
                person: PersonId,
                opened_at: DateTime<Utc>,
                now: DateTime<Utc>,
            ) -> StoreResult<()> {
                self.record_document_open_impl(document, version, device, person, opened_at, now)
                    .await
            }

            async fn document_readers(
                &self,
                document: DocumentId,
                version: u32,
            ) -> StoreResult<Vec<ecabinet_domain::api::DocumentReader>> {
                self.document_readers_impl(document, version).await
            }

            async fn audit_checkpoints(&self) -> StoreResult<Vec<crate::audit::Checkpoint>> {
                self.audit_checkpoints_impl().await
            }

            async fn session_log(
                &self,
                meeting: MeetingId,
                since: u32,
            ) -> StoreResult<Vec<ecabinet_domain::session::OrderedLiveEvent>> {
                self.session_log_impl(meeting, since).await
            }

            async fn append_session_event(
                &self,
                organisation: OrganisationId,
                event: &ecabinet_domain::session::OrderedLiveEvent,
            ) -> StoreResult<Option<i64>> {
                self.append_session_event_impl(organisation, event).await
            }

            async fn append_session_events(
                &self,
                organisation: OrganisationId,
                events: &[ecabinet_domain::session::OrderedLiveEvent],
            ) -> StoreResult<Option<Vec<i64>>> {
                self.append_session_events_impl(organisation, events).await
            }

            async fn room_hub(&self, meeting: MeetingId) -> StoreResult<Option<crate::store::RoomHubLease>> {
                self.room_hub_impl(meeting).await
            }

            async fn set_room_hub(&self, meeting: MeetingId, hub: &crate::store::RoomHubLease) -> StoreResult<()> {
                self.set_room_hub_impl(meeting, hub).await
            }

            async fn clear_room_hub(&self, meeting: MeetingId) -> StoreResult<()> {
                self.clear_room_hub_impl(meeting).await
            }

            async fn motion_export(&self, id: ecabinet_domain::MotionId) -> StoreResult<Option<crate::store::MotionExport>> {
                self.motion_export_impl(id).await
            }

            async fn agenda_documents(&self, item: AgendaItemId) -> StoreResult<Vec<DocumentId>> {
                let rows: Vec<(Uuid,)> = sqlx::query_as("SELECT DISTINCT id FROM documents WHERE agenda_item_id = $1")
                    .bind(item.0)
                    .fetch_all(&self.pool)
                    .await?;
                Ok(rows.into_iter().map(|(id,)| DocumentId(id)).collect())
            }

            async fn create_opinion_request(&self, organisation: OrganisationId, request: &ecabinet_domain::opinions::OpinionRequest) -> StoreResult<()> {
                self.create_opinion_request_impl(organisation, request).await
            }

            async fn opinion_request(&self, id: ecabinet_domain::OpinionRequestId) -> StoreResult<Option<(ecabinet_domain::opinions::OpinionRequest, OrganisationId)>> {
                self.opinion_request_impl(id).await
            }

            async fn opinion_responses(&self, id: ecabinet_domain::OpinionRequestId) -> StoreResult<Vec<ecabinet_domain::opinions::ReceivedResponse>> {
                self.opinion_responses_impl(id).await
            }

            async fn due_reminders(&self, now: DateTime<Utc>) -> StoreResult<Vec<(ecabinet_domain::opinions::OpinionRequest, OrganisationId, DateTime<Utc>)>> {
                self.due_reminders_impl(now).await
            }

            async fn record_reminders(&self, organisation: OrganisationId, request: ecabinet_domain::OpinionRequestId, reminder_at: DateTime<Utc>, reminders: &[ecabinet_domain::opinions::Reminder]) -> StoreResult<bool> {
                self.record_reminders_impl(organisation, request, reminder_at, reminders).await
            }

            async fn positions(&self, meeting: MeetingId) -> StoreResult<Vec<ecabinet_domain::positions::Position>> {
                self.positions_impl(meeting).await
            }

            async fn record_decisions(&self, organisation: OrganisationId, decisions: &[ecabinet_domain::positions::ItemDecision]) -> StoreResult<()> {
                self.record_decisions_impl(organisation, decisions).await
            }

            async fn signal_listener(&self) -> StoreResult<Option<Box<dyn crate::store::SignalListener>>> {
                self.signal_listener_impl().await
            }

            async fn publish_signal(&self, payload: &str) -> StoreResult<bool> {
                self.publish_signal_impl(payload).await
            }

            async fn change_listener(&self) -> StoreResult<Option<Box<dyn crate::store::ChangeListener>>> {
                self.change_listener_impl().await
            }

            async fn newest_seq(&self) -> StoreResult<i64> {
                let (newest,): (i64,) = sqlx::query_as("SELECT COALESCE(MAX(last_seq), 0) FROM organisations")
                    .fetch_one(&self.pool)
                    .await?;
                Ok(newest)
            }

            async fn last_seq(&self, organisation: OrganisationId) -> StoreResult<i64> {
                let row: Option<(i64,)> = sqlx::query_as("SELECT last_seq FROM organisations WHERE id = $1")
                    .bind(organisation.0)
                    .fetch_optional(&self.pool)
                    .await?;
                Ok(row.map_or(0, |(seq,)| seq))
            }

            async fn person_keys(&self, person: PersonId) -> StoreResult<Vec<(ecabinet_domain::PersonKeyId, DeviceId, String)>> {
                self.person_keys_impl(person).await
            }

            async fn add_person_keys(&self, person: PersonId, entries: &[(ecabinet_domain::PersonKeyId, DeviceId, String)]) -> StoreResult<u32> {
                self.add_person_keys_impl(person, entries).await
            }

            async fn command_answer(&self, op: ecabinet_domain::OpId) -> StoreResult<Option<(DeviceId, ecabinet_domain::ops::OpResult)>> {
                let row: Option<(Uuid, Vec<u8>)> = sqlx::query_as("SELECT device_id, answer FROM command_ops WHERE op_id = $1")
                    .bind(op.0)
                    .fetch_optional(&self.pool)
                    .await?;
                row.map(|(device, answer)| {
                    let answer = ecabinet_domain::wire::decode(&answer)
                        .map_err(|e| StoreError::Corrupt(format!("command answer: {e}")))?;
                    Ok((DeviceId(device), answer))
                })
                .transpose()
            }

            async fn record_command_answer(&self, op: ecabinet_domain::OpId, device: DeviceId, answer: &ecabinet_domain::ops::OpResult) -> StoreResult<()> {
                let encoded = ecabinet_domain::wire::encode(answer).map_err(|e| StoreError::Corrupt(e.to_string()))?;
                sqlx::query("INSERT INTO command_ops (op_id, device_id, answer) VALUES ($1, $2, $3) ON CONFLICT (op_id) DO NOTHING")
                    .bind(op.0)
                    .bind(device.0)
                    .bind(encoded)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn changes_since(&self, organisation: OrganisationId, since: i64, limit: u32, viewer: Viewer) -> StoreResult<Vec<Change>> {
                let (everything, person) = (viewer.secretariat, viewer.person.0);
                // A run of ops holding the cursor started at most MAX_RUN_OPS before it.
                let mut rows = sqlx::query_as::<_, (i64, Option<i64>, String, Option<Vec<u8>>)>(
                    "SELECT c.seq, c.seq_last, c.body, c.payload FROM changes c WHERE c.organisation_id = $1 AND c.seq > $6 \
                     AND COALESCE(c.seq_last, c.seq) > $2 \
                     AND (c.audience_person IS NULL OR c.audience_person = $5 OR ($4 AND c.audience_secretariat)) \
                     AND (c.audience IS NULL OR $4 \
                          OR EXISTS (SELECT 1 FROM item_access ia WHERE ia.agenda_item_id = c.audience AND ia.person_id = $5)) \
                     ORDER BY c.seq LIMIT $3",
                )
                .bind(organisation.0)
                .bind(since)
                .bind(i64::from(limit))
                .bind(everything)
                .bind(person)
                .bind(since - crate::store::MAX_RUN_OPS)
                .fetch(&self.pool);
                // Rows are read one at a time: a run holds up to MAX_RUN_OPS
                // changes, so reading `limit` rows could load far more than a page.
                let mut changes = Vec::new();
                while let Some((seq, last, body, payload)) = futures::TryStreamExt::try_next(&mut rows).await? {
                    let corrupt = |e: &dyn std::fmt::Display| StoreError::Corrupt(format!("change {seq}: {e}"));
                    match (payload, last) {
                        (Some(payload), Some(_)) => {
                            // A run: one change per op, numbered on from its first.
                            let ops: Vec<ecabinet_domain::AcceptedOp> =
                                ecabinet_domain::wire::decode(&payload).map_err(|e| corrupt(&e))?;
                            for (at, op) in (seq..).zip(ops) {
                                if at > since {
                                    changes.push(Change { seq: at, body: ChangeBody::Op(op) });
                                }
                            }
                        }
                        (Some(payload), None) => changes.push(Change {
                            seq,
                            body: ChangeBody::Op(ecabinet_domain::wire::decode(&payload).map_err(|e| corrupt(&e))?),
                        }),
                        (None, _) => changes.push(Change {
                            seq,
                            body: serde_json::from_str(&body).map_err(|e| corrupt(&e))?,
                        }),
                    }
                    if changes.len() >= limit as usize {
                        break;
                    }
                }
                // A page ends on a whole number of changes; the next pull resumes mid-run.
                changes.truncate(limit as usize);
                Ok(changes)
            }
        }
    };
}

mod sqlite_impl {
    use super::*;
    sql_store!(SqliteStore, sqlx::Sqlite, "sqlite", sqlite_helpers);
}

mod postgres_impl {
    use super::*;
    sql_store!(PostgresStore, sqlx::Postgres, "postgres", postgres_helpers);
}

/// Picks the backend from the URL scheme, once, at start-up.
pub async fn open_store(
    database_url: Option<&str>,
    sqlite_path: &Path,
) -> StoreResult<std::sync::Arc<dyn Store>> {
    match database_url {
        Some(url) if url.starts_with("postgres://") || url.starts_with("postgresql://") => {
            Ok(std::sync::Arc::new(PostgresStore::connect(url).await?))
        }
        Some(url) if url.starts_with("sqlite:") => {
            let options = SqliteConnectOptions::from_str(url)?;
            let path = options.get_filename().to_path_buf();
            Ok(std::sync::Arc::new(SqliteStore::open(&path).await?))
        }
        Some(other) => Err(StoreError::Config(format!(
            "unsupported database URL {other:?}: use postgres://… or sqlite:…"
        ))),
        None => Ok(std::sync::Arc::new(SqliteStore::open(sqlite_path).await?)),
    }
}

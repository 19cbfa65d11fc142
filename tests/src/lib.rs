//! Test harness: start a real server (SQLite in a temporary folder, or a
//! PostgreSQL cluster of the test's own), issue invites, enrol client engines.

pub mod ballots;
pub mod fanout;
pub mod garage;
pub mod nginx;
pub mod postgres;
pub mod processes;
pub mod relay;
pub mod router_routes;
pub mod scans;
pub mod stats;

use std::path::PathBuf;

use anyhow::{Context, Result};
use ecabinet_client::Client;
use ecabinet_domain::Role;
use ecabinet_server::{start, RunningServer, ServeConfig};
use tempfile::TempDir;

pub use postgres::PgCluster;

/// The release `ecab` the benchmarks run as a user would (`ECAB_BIN`
/// overrides; `./scripts/bench` builds it), if it is there.
pub fn release_ecab() -> Option<PathBuf> {
    let ecab = match std::env::var_os("ECAB_BIN") {
        Some(path) => PathBuf::from(path),
        None => std::env::var_os("CARGO_TARGET_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target"))
            .join("release/ecab"),
    };
    ecab.exists().then_some(ecab)
}

/// Which database a test server uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A server on a free loopback port with its own data, removed on drop.
pub struct TestServer {
    pub server: RunningServer,
    pub dir: TempDir,
    /// The PostgreSQL database's URL (None: the embedded SQLite file).
    pub database_url: Option<String>,
    // Kept alive for the server's lifetime; stops the cluster on drop.
    _postgres: Option<PgCluster>,
}

impl TestServer {
    pub async fn start(backend: Backend) -> Result<Self> {
        Self::start_with(backend, false).await
    }

    pub async fn start_with(backend: Backend, demo: bool) -> Result<Self> {
        Self::start_full(backend, demo, Default::default()).await
    }

    /// With a device policy of the test's choosing (cache days and cap).
    pub async fn start_full(
        backend: Backend,
        demo: bool,
        policy: ecabinet_domain::api::DevicePolicy,
    ) -> Result<Self> {
        Self::start_blobs(backend, demo, policy, Default::default()).await
    }

    /// With document chunks where the test says (a Garage bucket, say).
    pub async fn start_blobs(
        backend: Backend,
        demo: bool,
        policy: ecabinet_domain::api::DevicePolicy,
        blobs: ecabinet_server::blobs::BlobsLocation,
    ) -> Result<Self> {
        let dir = tempfile::tempdir()?;
        let (database_url, postgres) = match backend {
            Backend::Sqlite => (None, None),
            Backend::Postgres => {
                let cluster =
                    PgCluster::start().context("starting a PostgreSQL cluster for the test")?;
                (Some(cluster.url("ecabinet")?), Some(cluster))
            }
        };
        let server = start(ServeConfig {
            data_dir: dir.path().join("server"),
            listen: "127.0.0.1:0".parse()?,
            database_url: database_url.clone(),
            tls: None,
            demo,
            policy,
            voice: Default::default(),
            metrics_token: None,
            blobs,
        })
        .await?;
        Ok(Self {
            server,
            dir,
            database_url,
            _postgres: postgres,
        })
    }

    /// Runs one statement on the server's database behind its back (a
    /// hand-edit, for the tests that check tampering is caught); returns
    /// the rows it changed.
    pub async fn tamper(&self, sql: &str) -> Result<u64> {
        match &self.database_url {
            Some(url) => {
                let pool = sqlx::PgPool::connect(url).await?;
                let changed = sqlx::query(sql).execute(&pool).await?.rows_affected();
                pool.close().await;
                Ok(changed)
            }
            None => {
                let file = self.dir.path().join("server").join("ecabinet.sqlite3");
                let pool =
                    sqlx::SqlitePool::connect(&format!("sqlite://{}", file.display())).await?;
                let changed = sqlx::query(sql).execute(&pool).await?.rows_affected();
                pool.close().await;
                Ok(changed)
            }
        }
    }

    /// One number from the server's database (a count), read behind its
    /// back: what a refused request must not have changed.
    pub async fn scalar(&self, sql: &str) -> Result<i64> {
        match &self.database_url {
            Some(url) => {
                let pool = sqlx::PgPool::connect(url).await?;
                let (value,): (i64,) = sqlx::query_as(sql).fetch_one(&pool).await?;
                pool.close().await;
                Ok(value)
            }
            None => {
                let file = self.dir.path().join("server").join("ecabinet.sqlite3");
                let pool =
                    sqlx::SqlitePool::connect(&format!("sqlite://{}", file.display())).await?;
                let (value,): (i64,) = sqlx::query_as(sql).fetch_one(&pool).await?;
                pool.close().await;
                Ok(value)
            }
        }
    }

    /// Makes the session behind `token` one that ran out long ago (its row
    /// edited behind the server's back), for the refusal of an expired session.
    pub async fn expire_session(&self, token: &str) -> Result<()> {
        let raw = ecabinet_crypto::b64_decode(token)?;
        let hash: String = ecabinet_crypto::sha256(&raw)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        let sql = match self.database_url {
            None => format!(
                "UPDATE sessions SET expires_at = '2000-01-01T00:00:00+00:00' WHERE token_hash = X'{hash}'"
            ),
            Some(_) => format!(
                "UPDATE sessions SET expires_at = '2000-01-01T00:00:00Z' WHERE token_hash = decode('{hash}', 'hex')"
            ),
        };
        anyhow::ensure!(self.tamper(&sql).await? == 1, "one session expired");
        Ok(())
    }

    pub fn url(&self) -> String {
        self.server.url()
    }

    /// Creates a person (and the organisation on first use) and returns an enrolment code.
    pub async fn invite(&self, name: &str, role: Role) -> Result<String> {
        let services = &self.server.services;
        services.ensure_organisation("Chính phủ (kiểm thử)").await?;
        let person = services.create_person(name, role).await?;
        Ok(services.issue_invite(person).await?.code.to_string())
    }

    /// A fresh profile folder for one client device.
    pub fn profile(&self, name: &str) -> PathBuf {
        self.dir.path().join("profiles").join(name)
    }

    /// Invites a new person and enrols one device for them.
    pub async fn enrol(&self, name: &str, role: Role) -> Result<Client> {
        let code = self.invite(name, role).await?;
        Ok(Client::enroll(
            &self.profile(name),
            &self.url(),
            &code,
            Some(&format!("{name}'s laptop")),
        )
        .await?)
    }

    pub async fn stop(self) -> Result<()> {
        self.server.shutdown().await?;
        Ok(())
    }
}

/// A device whose keys the test holds, enrolled straight through the
/// services: for crafting pushes a real client would never send (forged,
/// replayed, in another's name) and for benchmarks that drive many devices.
pub struct RawDevice {
    pub keys: ecabinet_crypto::DeviceKeys,
    pub caller: ecabinet_server::services::Caller,
    pub token: String,
    seq: u64,
}

impl TestServer {
    pub async fn raw_device(&self, name: &str, role: Role) -> Result<RawDevice> {
        RawDevice::enrol(&self.server.services, name, role).await
    }
}

impl RawDevice {
    /// Enrols a new person's device through `services` (an instance of
    /// this process on the database other instances serve).
    pub async fn enrol(
        services: &ecabinet_server::services::Services,
        name: &str,
        role: Role,
    ) -> Result<Self> {
        services.ensure_organisation("Chính phủ (kiểm thử)").await?;
        let person = services.create_person(name, role).await?;
        Self::enrol_person(services, person).await
    }

    /// Enrols one more device for `person` (who already exists, in any
    /// organisation the store holds) and signs it in.
    pub async fn enrol_person(
        services: &ecabinet_server::services::Services,
        person: ecabinet_domain::Person,
    ) -> Result<Self> {
        use ecabinet_crypto::b64_encode;
        let name = person.name.clone();
        let code = services.issue_invite(person.clone()).await?.code;
        let keys = ecabinet_crypto::DeviceKeys::generate()?;
        let enrolled = services
            .enroll(ecabinet_domain::api::EnrollRequest {
                code: code.to_string(),
                device_name: format!("{name} (raw)"),
                signing_public_key: b64_encode(&keys.signing.public_key()),
                agreement_public_key: b64_encode(&keys.agreement_public_key()),
            })
            .await?;
        let challenge = services.challenge(enrolled.device_id).await?;
        let bytes = ecabinet_crypto::b64_decode(&challenge.challenge)?;
        let signature = keys
            .signing
            .sign(&ecabinet_domain::api::auth_challenge_message(
                enrolled.device_id,
                &bytes,
            ));
        let token = services
            .token(
                enrolled.device_id,
                &challenge.challenge,
                &b64_encode(&signature),
            )
            .await?
            .token;
        Ok(RawDevice {
            keys,
            caller: ecabinet_server::services::Caller {
                device: enrolled.device_id,
                person,
            },
            token,
            seq: 0,
        })
    }
}

impl RawDevice {
    /// Ops from these bodies, numbered and clocked as this device's next ones.
    pub fn ops(
        &mut self,
        bodies: Vec<ecabinet_domain::ops::OpBody>,
    ) -> Vec<ecabinet_domain::ops::Op> {
        let now = u64::try_from(chrono::Utc::now().timestamp_millis()).unwrap_or(0);
        bodies
            .into_iter()
            .enumerate()
            .map(|(index, body)| {
                self.seq += 1;
                ecabinet_domain::ops::Op {
                    id: ecabinet_domain::OpId::new(),
                    device_id: self.caller.device,
                    device_seq: self.seq,
                    hlc: ecabinet_domain::ops::Hlc::new(now, index as u16),
                    body,
                }
            })
            .collect()
    }

    /// A push of `ops`, signed by this device.
    pub fn batch(
        &self,
        ops: &[ecabinet_domain::ops::Op],
    ) -> Result<ecabinet_domain::ops::PushBatch> {
        let encoded = ecabinet_domain::wire::encode_ops(ops)?;
        let signature = self
            .keys
            .signing
            .sign(&ecabinet_domain::ops::push_signing_message(
                self.caller.device,
                &ecabinet_crypto::sha256(&encoded),
            ));
        Ok(ecabinet_domain::ops::PushBatch {
            device_id: self.caller.device,
            ops: encoded.into(),
            signature: signature.to_vec().into(),
        })
    }

    /// A ballot signed by this device, in `voter`'s name.
    pub fn ballot(
        &self,
        motion: ecabinet_domain::MotionId,
        voter: ecabinet_domain::PersonId,
        choice: &str,
    ) -> Result<ecabinet_domain::ops::OpBody> {
        let cast_at = chrono::Utc::now();
        let nonce = ecabinet_crypto::random_bytes::<16>()?.to_vec();
        let signature = self
            .keys
            .signing
            .sign(&ecabinet_domain::voting::ballot_message(
                motion,
                voter,
                choice,
                self.caller.device,
                cast_at,
                &nonce,
            ));
        Ok(ecabinet_domain::ops::OpBody::Ballot(
            ecabinet_domain::ops::BallotOp {
                motion_id: motion,
                voter,
                choice: choice.to_owned(),
                cast_at,
                nonce: nonce.into(),
                signature: signature.to_vec().into(),
            },
        ))
    }

    /// Sends a packed body to `POST /v1/ops` with this device's session.
    pub async fn post(&self, server_url: &str, body: Vec<u8>) -> Result<reqwest::Response> {
        Ok(reqwest::Client::new()
            .post(format!("{server_url}/v1/ops"))
            .bearer_auth(&self.token)
            .header("content-type", ecabinet_domain::wire::PACKED_CONTENT_TYPE)
            .body(body)
            .send()
            .await?)
    }
}

/// (method, path) of every `.route(…)` in the server's router, read from
/// its source, so that a route added without a row in an authorisation
/// table fails that table's test.
pub fn routes_of_the_router() -> Result<std::collections::BTreeSet<(String, String)>> {
    router_routes::routes_in(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../crates/ecabinet-server/src/http/mod.rs"),
    )
}

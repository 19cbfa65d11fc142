//! A real S3-compatible store for the tests: a single-node Garage of the
//! test's own on loopback ports, with one bucket and one key, stopped and
//! removed on drop. `./scripts/test` builds Garage once into the tool cache
//! (`cargo install garage`); `GARAGE_BIN` overrides where it is looked for.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use ecabinet_server::blobs::{BlobsLocation, S3Location};
use tempfile::TempDir;

pub struct Garage {
    child: Child,
    dir: TempDir,
    binary: PathBuf,
    /// `http://127.0.0.1:PORT`, the S3 API.
    pub endpoint: String,
    pub bucket: String,
    pub access_key_id: String,
    pub secret_access_key: String,
}

/// Where Garage was installed by the scripts, or on the PATH.
pub fn garage_binary() -> Result<PathBuf> {
    if let Some(path) = std::env::var_os("GARAGE_BIN") {
        return Ok(PathBuf::from(path));
    }
    let cached = std::env::var_os("HOME")
        .map(PathBuf::from)
        .unwrap_or_default()
        .join(".cache/ecabinet/tools/bin/garage");
    if cached.exists() {
        return Ok(cached);
    }
    let on_path = std::env::var_os("PATH")
        .into_iter()
        .flat_map(|paths| std::env::split_paths(&paths).collect::<Vec<_>>())
        .map(|dir| dir.join("garage"))
        .find(|candidate| candidate.exists());
    on_path.context(
        "Garage (the S3-compatible store these tests run against) is not installed: \
         ./scripts/test builds it into ~/.cache/ecabinet/tools, or set GARAGE_BIN",
    )
}

fn free_port() -> Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}

fn hex(bytes: usize) -> String {
    (0..bytes)
        .map(|_| format!("{:02x}", rand_byte()))
        .collect::<String>()
}

fn rand_byte() -> u8 {
    let mut byte = [0u8];
    ring::rand::SecureRandom::fill(&ring::rand::SystemRandom::new(), &mut byte)
        .expect("the system's random source");
    byte[0]
}

impl Garage {
    /// Starts Garage, lays out its one node, creates the bucket and a key
    /// allowed on it, and waits until the S3 API answers.
    pub async fn start() -> Result<Self> {
        let binary = garage_binary()?;
        let dir = tempfile::tempdir()?;
        let (rpc, s3, admin) = (free_port()?, free_port()?, free_port()?);
        let config = dir.path().join("garage.toml");
        std::fs::write(
            &config,
            format!(
                r#"metadata_dir = "{meta}"
data_dir = "{data}"
db_engine = "sqlite"
replication_factor = 1
rpc_bind_addr = "127.0.0.1:{rpc}"
rpc_public_addr = "127.0.0.1:{rpc}"
rpc_secret = "{secret}"
allow_world_readable_secrets = true

[s3_api]
s3_region = "garage"
api_bind_addr = "127.0.0.1:{s3}"
root_domain = ".s3.garage.localhost"

[admin]
api_bind_addr = "127.0.0.1:{admin}"
admin_token = "{token}"
"#,
                meta = dir.path().join("meta").display(),
                data = dir.path().join("data").display(),
                secret = hex(32),
                token = hex(16),
            ),
        )?;
        let log = std::fs::File::create(dir.path().join("garage.log"))?;
        let child = Command::new(&binary)
            .arg("-c")
            .arg(&config)
            .arg("server")
            .env("RUST_LOG", "garage=warn")
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .with_context(|| format!("starting {}", binary.display()))?;
        let mut garage = Self {
            child,
            dir,
            binary,
            endpoint: format!("http://127.0.0.1:{s3}"),
            bucket: "ecabinet".into(),
            access_key_id: format!("GK{}", hex(12)),
            secret_access_key: hex(32),
        };
        garage.set_up().await?;
        Ok(garage)
    }

    /// Runs `garage -c CONFIG ARGS…` and returns its output.
    fn cli(&self, args: &[&str]) -> Result<String> {
        let output = Command::new(&self.binary)
            .arg("-c")
            .arg(self.dir.path().join("garage.toml"))
            .args(args)
            .env("RUST_LOG", "garage=warn")
            .output()?;
        if !output.status.success() {
            bail!(
                "garage {}: {}",
                args.join(" "),
                String::from_utf8_lossy(&output.stderr).trim()
            );
        }
        Ok(String::from_utf8_lossy(&output.stdout).into_owned())
    }

    async fn set_up(&mut self) -> Result<()> {
        let deadline = Instant::now() + Duration::from_secs(60);
        // Until its RPC answers (the node's id can be read before that).
        loop {
            if let Some(status) = self.child.try_wait()? {
                bail!(
                    "Garage stopped at start ({status}): {}",
                    std::fs::read_to_string(self.dir.path().join("garage.log")).unwrap_or_default()
                );
            }
            match self.cli(&["status"]) {
                Ok(_) => break,
                Err(error) if Instant::now() > deadline => return Err(error),
                Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
            }
        }
        let id = self.cli(&["node", "id", "-q"])?;
        let node = id.trim().split('@').next().unwrap_or_default().to_owned();
        self.cli(&["layout", "assign", "-z", "dc1", "-c", "1G", &node])?;
        self.cli(&["layout", "apply", "--version", "1"])?;
        self.cli(&[
            "key",
            "import",
            "--yes",
            "-n",
            "ecabinet-tests",
            &self.access_key_id,
            &self.secret_access_key,
        ])?;
        self.cli(&["bucket", "create", &self.bucket])?;
        self.cli(&[
            "bucket",
            "allow",
            "--read",
            "--write",
            "--owner",
            &self.bucket,
            "--key",
            "ecabinet-tests",
        ])?;
        // The layout takes a moment to reach the S3 API: until a listing
        // of the bucket works.
        loop {
            match BlobsLocation::S3(self.location(""))
                .open(self.dir.path())
                .await
            {
                Ok(_) => return Ok(()),
                Err(error) if Instant::now() > deadline => {
                    bail!("Garage's S3 API did not answer within 60 s: {error}")
                }
                Err(_) => tokio::time::sleep(Duration::from_millis(200)).await,
            }
        }
    }

    /// The bucket, under `prefix`, as a server's `--blobs` would name it.
    pub fn location(&self, prefix: &str) -> S3Location {
        S3Location {
            bucket: self.bucket.clone(),
            prefix: prefix.trim_matches('/').to_owned(),
            endpoint: Some(self.endpoint.clone()),
            region: "garage".into(),
            access_key_id: self.access_key_id.clone(),
            secret_access_key: self.secret_access_key.clone(),
        }
    }
}

impl Drop for Garage {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

//! A throw-away PostgreSQL cluster per test: `initdb` in a temporary folder,
//! a free loopback port, trust authentication, stopped and removed on drop.
//! As root (CI, the Quick start), the server binaries run as `postgres`,
//! since `initdb` and `pg_ctl` refuse to run as root.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{bail, Context, Result};

pub struct PgCluster {
    bin: PathBuf,
    dir: tempfile::TempDir,
    port: u16,
    as_postgres: bool,
}

/// The newest installed PostgreSQL's binaries (Debian keeps them out of PATH).
fn find_bin() -> Result<PathBuf> {
    if let Ok(dir) = std::env::var("ECABINET_PG_BIN") {
        return Ok(PathBuf::from(dir));
    }
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .context(
            "PostgreSQL is not installed (no /usr/lib/postgresql); the test command installs it",
        )?
        .filter_map(|entry| entry.ok())
        .filter_map(|entry| {
            let version = entry.file_name().to_str()?.parse::<u32>().ok()?;
            let bin = entry.path().join("bin");
            bin.join("initdb").exists().then_some((version, bin))
        })
        .collect();
    versions.sort();
    match versions.pop() {
        Some((_, bin)) => Ok(bin),
        None => bail!("no initdb under /usr/lib/postgresql/*/bin"),
    }
}

fn is_root() -> bool {
    // `id -u` avoids unsafe libc calls (the workspace forbids unsafe code).
    Command::new("id")
        .arg("-u")
        .output()
        .map(|out| String::from_utf8_lossy(&out.stdout).trim() == "0")
        .unwrap_or(false)
}

fn free_port() -> Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

impl PgCluster {
    pub fn start() -> Result<Self> {
        Self::start_with(false, false)
    }

    /// A cluster that syncs its commits to disk (the tests' clusters do
    /// not), for load figures comparable with SQLite's synchronous=FULL.
    pub fn start_durable() -> Result<Self> {
        Self::start_with(false, true)
    }

    /// A cluster that speaks TLS only, with a certificate for 127.0.0.1
    /// signed by a throw-away authority (`ca.crt` in [`PgCluster::path`]).
    pub fn start_tls() -> Result<Self> {
        Self::start_with(true, false)
    }

    /// `postgres://…?sslmode=verify-full` trusting `root` as the authority.
    pub fn tls_url(&self, database: &str, root: &Path) -> String {
        format!(
            "postgres://postgres@127.0.0.1:{}/{database}?sslmode=verify-full&sslrootcert={}",
            self.port,
            root.display()
        )
    }

    fn start_with(tls: bool, fsync: bool) -> Result<Self> {
        let bin = find_bin()?;
        let as_postgres = is_root();
        let dir = tempfile::Builder::new().prefix("ecabinet-pg-").tempdir()?;
        if as_postgres {
            run(Command::new("chown")
                .args(["postgres:postgres"])
                .arg(dir.path()))?;
        }
        let port = free_port()?;
        let cluster = Self {
            bin,
            dir,
            port,
            as_postgres,
        };
        let data = cluster.data_dir();
        run(cluster.pg_command("initdb").arg("-D").arg(&data).args([
            "-U",
            "postgres",
            "--auth=trust",
            "-E",
            "UTF8",
            "--no-sync",
        ]))?;
        let mut options = format!(
            "-p {port} -k {} -c listen_addresses=127.0.0.1 -c fsync={} -c max_connections=200",
            cluster.dir.path().display(),
            if fsync { "on" } else { "off" }
        );
        if tls {
            let dir = cluster.dir.path();
            make_certificates(dir)?;
            if as_postgres {
                run(Command::new("chown")
                    .args(["postgres:postgres"])
                    .arg(dir.join("server.crt"))
                    .arg(dir.join("server.key")))?;
            }
            options.push_str(&format!(
                " -c ssl=on -c ssl_cert_file={} -c ssl_key_file={}",
                dir.join("server.crt").display(),
                dir.join("server.key").display()
            ));
            // TLS only: plain connections over TCP are refused.
            std::fs::write(
                data.join("pg_hba.conf"),
                "local all all trust\nhostssl all all 127.0.0.1/32 trust\n",
            )?;
        }
        run(cluster
            .pg_command("pg_ctl")
            .arg("-D")
            .arg(&data)
            .arg("-l")
            .arg(cluster.dir.path().join("log"))
            .args(["-w", "-o", &options, "start"]))?;
        // Over the cluster's own socket (TCP may be TLS only).
        run(cluster.pg_command("createdb").args([
            "-h",
            &cluster.dir.path().display().to_string(),
            "-p",
            &port.to_string(),
            "-U",
            "postgres",
            "ecabinet",
        ]))?;
        Ok(cluster)
    }

    fn data_dir(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    fn pg_command(&self, tool: &str) -> Command {
        let program = self.bin.join(tool);
        if self.as_postgres {
            let mut command = Command::new("runuser");
            command.args(["-u", "postgres", "--"]).arg(program);
            command
        } else {
            Command::new(program)
        }
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn url(&self, database: &str) -> Result<String> {
        Ok(format!(
            "postgres://postgres@127.0.0.1:{}/{database}",
            self.port
        ))
    }

    /// Creates another database in this cluster (one per scenario).
    pub fn create_database(&self, name: &str) -> Result<String> {
        run(self.pg_command("createdb").args([
            "-h",
            "127.0.0.1",
            "-p",
            &self.port.to_string(),
            "-U",
            "postgres",
            name,
        ]))?;
        self.url(name)
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }
}

impl Drop for PgCluster {
    fn drop(&mut self) {
        let data = self.data_dir();
        let _ = self
            .pg_command("pg_ctl")
            .arg("-D")
            .arg(&data)
            .args(["-m", "immediate", "-w", "stop"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        // The TempDir removes the folder after this.
    }
}

/// A throw-away certificate authority named `name`: `ca.crt` and `ca.key` in `dir`.
pub fn make_authority(dir: &Path, name: &str) -> Result<()> {
    let subject = format!("/CN={name}");
    run(Command::new("openssl").current_dir(dir).args([
        "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.crt",
        "-days", "2", "-subj", &subject,
    ]))
}

/// A throw-away authority (`ca.crt`, `ca.key`) and a server certificate for
/// 127.0.0.1 (`server.crt`, `server.key`, owner-only) in `dir`, by openssl.
fn make_certificates(dir: &Path) -> Result<()> {
    let openssl = |args: &[&str]| {
        let mut command = Command::new("openssl");
        command.current_dir(dir).args(args);
        run(&mut command)
    };
    make_authority(dir, "eCabinet test authority")?;
    openssl(&[
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        "server.key",
        "-out",
        "server.csr",
        "-subj",
        "/CN=127.0.0.1",
    ])?;
    std::fs::write(dir.join("server.ext"), "subjectAltName=IP:127.0.0.1\n")?;
    openssl(&[
        "x509",
        "-req",
        "-in",
        "server.csr",
        "-CA",
        "ca.crt",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-out",
        "server.crt",
        "-days",
        "2",
        "-extfile",
        "server.ext",
    ])?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(
            dir.join("server.key"),
            std::fs::Permissions::from_mode(0o600),
        )?;
    }
    Ok(())
}

fn run(command: &mut Command) -> Result<()> {
    let output = command
        .stdin(Stdio::null())
        .output()
        .with_context(|| format!("running {command:?}"))?;
    if !output.status.success() {
        bail!(
            "{command:?} failed ({}):\n{}{}",
            output.status,
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }
    Ok(())
}

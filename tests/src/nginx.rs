//! nginx (Debian's `nginx-light`) as the benchmarks' peer and the load
//! test's balancer: one foreground process on loopback ports with its
//! configuration, logs and temporary files in a folder of its own, stopped
//! on drop.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use anyhow::{Context, Result};

pub struct Nginx(Child);

/// A free loopback port (bound, then released for the caller to use).
pub fn free_port() -> Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}

impl Nginx {
    /// Serves the files under `root` on `port`.
    pub fn serve_files(dir: &Path, root: &Path, port: u16) -> Result<Self> {
        Self::start(
            dir,
            1,
            &format!(
                "server {{ listen 127.0.0.1:{port}; root {root}; }}",
                root = root.display()
            ),
            port,
        )
    }

    /// Runs nginx with `servers` (the `server`/`upstream` blocks of its
    /// `http` block) and waits until `port` accepts connections.
    pub fn start(dir: &Path, workers: usize, servers: &str, port: u16) -> Result<Self> {
        let conf = dir.join("nginx.conf");
        // Run as root, nginx's workers would otherwise drop to `nobody`,
        // who cannot read the test's private folders.
        let user = if Command::new("id")
            .arg("-u")
            .output()?
            .stdout
            .starts_with(b"0")
        {
            "user root;"
        } else {
            ""
        };
        let master = if workers > 1 { "on" } else { "off" };
        std::fs::write(
            &conf,
            format!(
                "{user}\ndaemon off;\nmaster_process {master};\nworker_processes {workers};\n\
                 worker_rlimit_nofile 16384;\nerror_log {log} warn;\npid {pid};\n\
                 events {{ worker_connections 8192; }}\n\
                 http {{ access_log off; sendfile on; client_body_temp_path {tmp}; proxy_temp_path {tmp}; \
                 fastcgi_temp_path {tmp}; uwsgi_temp_path {tmp}; scgi_temp_path {tmp};\n{servers}\n}}\n",
                log = dir.join("error.log").display(),
                pid = dir.join("nginx.pid").display(),
                tmp = dir.display(),
            ),
        )?;
        let child = Command::new("nginx")
            .arg("-c")
            .arg(&conf)
            .arg("-p")
            .arg(dir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .context("starting nginx (Debian package nginx-light)")?;
        for _ in 0..100 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return Ok(Self(child));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        anyhow::bail!(
            "nginx did not start; see {}",
            dir.join("error.log").display()
        )
    }
}

impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

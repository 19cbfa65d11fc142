//! The convergence simulation: a real server and five headless `ecab`
//! clients (two of them the same member's devices) make random annotation
//! edits while going offline, being killed with SIGKILL in the middle of a
//! sync, and while the server restarts. At the end every device holds
//! exactly what it should: all of its person's notes as last written, the
//! notes shared with it, and nothing else.
//!
//! CI runs a fixed seed; `ECAB_SIM_SEED=… ECAB_SIM_STEPS=…` runs others
//! (`ECAB_SIM_SEED=random` picks one). The seed is printed either way.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::{bail, Context, Result};
use ecabinet_domain::Role;
use ecabinet_e2e::relay::{relay, Link};
use ecabinet_server::{start, RunningServer, ServeConfig};
use serde_json::Value;

mod common;
use common::ecab;

const CI_SEED: u64 = 20_261_124;
const CI_STEPS: usize = 70;

/// xorshift64*: reproducible from the printed seed, no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

struct Device {
    name: &'static str,
    person: usize,
    profile: PathBuf,
    link: Link,
}

async fn ecab_json(profile: &Path, args: &[&str]) -> Result<Value> {
    let mut full = vec!["--json"];
    full.extend_from_slice(args);
    let run = ecab(profile, &full).await?;
    if run.code != 0 {
        bail!("ecab {args:?} failed ({}): {}", run.code, run.stderr);
    }
    serde_json::from_str(&run.stdout)
        .with_context(|| format!("ecab {args:?} printed {}", run.stdout))
}

/// What the test expects of one annotation: the last successful write wins
/// (each `ecab` process starts milliseconds after the previous one, so the
/// hybrid clocks order writes as the test made them).
#[derive(Clone, Debug)]
struct Expected {
    author: usize,
    text: String,
    share: &'static str,
    deleted: bool,
}

async fn serve(dir: &Path) -> Result<RunningServer> {
    Ok(start(ServeConfig {
        ..ServeConfig::loopback(dir.join("server"))
    })
    .await?)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn devices_converge_through_offline_edits_kills_and_restarts() -> Result<()> {
    let seed = match std::env::var("ECAB_SIM_SEED").ok().as_deref() {
        None | Some("") => CI_SEED,
        Some("random") => u64::try_from(chrono::Utc::now().timestamp_nanos_opt().unwrap_or(1))? | 1,
        Some(text) => text
            .parse()
            .context("ECAB_SIM_SEED must be a number or 'random'")?,
    };
    let steps: usize = std::env::var("ECAB_SIM_STEPS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(CI_STEPS);
    println!("convergence simulation: seed {seed}, {steps} steps (rerun with ECAB_SIM_SEED={seed} ECAB_SIM_STEPS={steps})");
    let mut rng = Rng(seed.max(1));

    let dir = tempfile::tempdir()?;
    let mut server = serve(dir.path()).await?;
    let upstream = Arc::new(Mutex::new(server.local_addr));
    let services = server.services.clone();
    services.ensure_organisation("Chính phủ (mô phỏng)").await?;
    let people = [
        services
            .create_person("Nguyễn Văn An", Role::Secretary)
            .await?,
        services
            .create_person("Trần Thị Bình", Role::Member)
            .await?,
        services.create_person("Lê Văn Cường", Role::Member).await?,
        services
            .create_person("Phạm Thị Dung", Role::Member)
            .await?,
    ];
    // Five devices; Bình has two.
    let plan: [(&'static str, usize); 5] = [
        ("an", 0),
        ("binh-laptop", 1),
        ("binh-tablet", 1),
        ("cuong", 2),
        ("dung", 3),
    ];
    let mut devices = Vec::new();
    for (name, person) in plan {
        let link = relay(upstream.clone()).await?;
        let profile = dir.path().join(name);
        let code = services
            .issue_invite(people[person].clone())
            .await?
            .code
            .to_string();
        let url = format!("http://127.0.0.1:{}", link.port);
        let run = ecab(
            &profile,
            &[
                "enroll",
                "--server",
                &url,
                "--code",
                &code,
                "--device-name",
                name,
            ],
        )
        .await?;
        if run.code != 0 {
            bail!("enrolling {name}: {}", run.stderr);
        }
        devices.push(Device {
            name,
            person,
            profile,
            link,
        });
    }

    // The secretariat publishes one document, after every device is enrolled.
    let secretary = &devices[0].profile;
    ecab(secretary, &["sync"]).await?;
    let meeting = ecab_json(
        secretary,
        &[
            "meeting",
            "create",
            "--title",
            "Phiên họp mô phỏng",
            "--starts",
            "2030-01-06T08:00:00+07:00",
        ],
    )
    .await?;
    let meeting_id = meeting["id"].as_str().context("meeting id")?.to_owned();
    let item = ecab_json(
        secretary,
        &["agenda", "add", &meeting_id, "--title", "Dự thảo"],
    )
    .await?;
    let item_id = item["id"].as_str().context("item id")?.to_owned();
    let pdf =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../assets/demo/03-de-an-chuyen-doi-so.pdf");
    let document = ecab_json(
        secretary,
        &[
            "doc",
            "add",
            &item_id,
            "--file",
            pdf.to_str().context("path")?,
        ],
    )
    .await?;
    let document_id = document["id"].as_str().context("document id")?.to_owned();
    for device in &devices {
        // Sync, then download the pack for offline reading (and sharing) as the app does.
        for step in ["sync", "prefetch"] {
            let run = ecab(&device.profile, &[step]).await?;
            if run.code != 0 {
                bail!("{step} of {}: {}", device.name, run.stderr);
            }
        }
    }

    let mut expected: BTreeMap<String, Expected> = BTreeMap::new();
    let (mut kills, mut restarts, mut offline_writes, mut failed_syncs) = (0, 0, 0, 0);
    for step in 0..steps {
        let d = rng.below(devices.len());
        let device = &devices[d];
        match rng.below(100) {
            // A new note, sometimes shared.
            0..=24 => {
                let share = ["private", "private", "participants", "secretariat"][rng.below(4)];
                let text = format!("ghi chú {step} của {}", device.name);
                let view = ecab_json(
                    &device.profile,
                    &[
                        "annotate",
                        &document_id,
                        "--page",
                        "1",
                        "--note",
                        &text,
                        "--share",
                        share,
                    ],
                )
                .await?;
                if view["waiting_to_send"] != Value::Bool(true) {
                    bail!("a new note must wait to be sent: {view}");
                }
                if !*device.link.online.borrow() {
                    offline_writes += 1;
                }
                let id = view["id"].as_str().context("annotation id")?.to_owned();
                expected.insert(
                    id,
                    Expected {
                        author: device.person,
                        text,
                        share,
                        deleted: false,
                    },
                );
            }
            // Edit, share, withdraw or delete one of this person's notes
            // (it may not have reached this device yet: then it is refused, and nothing changes).
            25..=54 => {
                let own: Vec<String> = expected
                    .iter()
                    .filter(|(_, e)| e.author == device.person && !e.deleted)
                    .map(|(id, _)| id.clone())
                    .collect();
                if own.is_empty() {
                    continue;
                }
                let id = own[rng.below(own.len())].clone();
                let choice = rng.below(10);
                let text = format!("sửa {step} trên {}", device.name);
                let share = ["private", "participants", "secretariat"][rng.below(3)];
                let args: Vec<&str> = match choice {
                    0 => vec!["annotation", "delete", &id],
                    1..=3 => vec!["annotation", "edit", &id, "--share", share],
                    _ => vec!["annotation", "edit", &id, "--text", &text],
                };
                let run = ecab(&device.profile, &args).await?;
                if run.code == 0 {
                    let entry = expected.get_mut(&id).context("known annotation")?;
                    match choice {
                        0 => entry.deleted = true,
                        1..=3 => entry.share = share,
                        _ => entry.text = text,
                    }
                    if !*device.link.online.borrow() {
                        offline_writes += 1;
                    }
                } else if !run.stderr.contains("not found")
                    && !run.stderr.contains("key has not reached")
                {
                    bail!(
                        "step {step}: {args:?} on {} failed unexpectedly: {}",
                        device.name,
                        run.stderr
                    );
                }
            }
            // Sync (failing cleanly when offline).
            55..=74 => {
                let run = ecab(&device.profile, &["sync"]).await?;
                if run.code != 0 {
                    failed_syncs += 1;
                    if *device.link.online.borrow() {
                        bail!(
                            "step {step}: sync of {} failed while online: {}",
                            device.name,
                            run.stderr
                        );
                    }
                }
            }
            // SIGKILL in the middle of a sync.
            75..=84 => {
                let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_ecab"))
                    .arg("--profile")
                    .arg(&device.profile)
                    .arg("sync")
                    .stdout(std::process::Stdio::null())
                    .stderr(std::process::Stdio::null())
                    .spawn()?;
                tokio::time::sleep(Duration::from_millis(5 + rng.below(60) as u64)).await;
                child.start_kill()?;
                child.wait().await?;
                kills += 1;
            }
            // Network loss and return.
            85..=94 => {
                let online = *device.link.online.borrow();
                device.link.online.send_replace(!online);
            }
            // The server restarts (graceful: accepted ops are committed first).
            _ => {
                server.shutdown().await?;
                server = serve(dir.path()).await?;
                *upstream.lock().map_err(|_| anyhow::anyhow!("lock"))? = server.local_addr;
                restarts += 1;
            }
        }
    }
    println!("simulation: {steps} steps, {} annotations, {kills} clients killed mid-sync, {restarts} server restarts, {offline_writes} writes made offline, {failed_syncs} syncs failed offline", expected.len());

    // Everyone back online; three rounds of syncs carry keys and ops everywhere.
    for device in &devices {
        device.link.online.send_replace(true);
    }
    for _ in 0..3 {
        for device in &devices {
            let run = ecab(&device.profile, &["sync"]).await?;
            if run.code != 0 {
                bail!("final sync of {}: {}", device.name, run.stderr);
            }
        }
    }
    for device in &devices {
        let list = ecab_json(&device.profile, &["annotations", &document_id]).await?;
        let seen: BTreeMap<String, (String, String)> = list["annotations"]
            .as_array()
            .context("annotations")?
            .iter()
            .map(|a| {
                (
                    a["id"].as_str().unwrap_or_default().to_owned(),
                    (
                        a["text"].as_str().unwrap_or_default().to_owned(),
                        a["share"].as_str().unwrap_or_default().to_owned(),
                    ),
                )
            })
            .collect();
        let secretariat = devices[0].person;
        let wanted: BTreeMap<String, (String, String)> = expected
            .iter()
            .filter(|(_, e)| !e.deleted)
            .filter(|(_, e)| {
                e.author == device.person
                    || e.share == "participants"
                    || (e.share == "secretariat" && device.person == secretariat)
            })
            .map(|(id, e)| (id.clone(), (e.text.clone(), e.share.to_owned())))
            .collect();
        assert_eq!(
            seen, wanted,
            "device {} (seed {seed}) holds the wrong annotations",
            device.name
        );
        assert_eq!(
            list["locked"],
            Value::from(0),
            "device {} cannot open some notes",
            device.name
        );
        let status = ecab_json(&device.profile, &["status"]).await?;
        assert_eq!(
            status["sync"]["waiting_to_send"],
            Value::from(0),
            "{}: outbox not empty",
            device.name
        );
        assert_eq!(
            status["sync"]["rejected"],
            Value::Array(vec![]),
            "{}: refused changes",
            device.name
        );
    }
    server.shutdown().await?;
    Ok(())
}

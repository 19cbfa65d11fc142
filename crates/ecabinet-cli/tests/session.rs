//! The meeting in session through the real `ecab` binary: the secretariat
//! runs it, members ask for the floor and follow the presenter, the minutes
//! are drafted, signed and verified; each refusal exits 1 with its reason,
//! and `--json` objects carry their `id`.

use anyhow::{Context, Result};
use serde_json::Value;

mod common;
use common::ecab;

fn json(text: &str) -> Result<Value> {
    serde_json::from_str(text).with_context(|| format!("not JSON: {text}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_run_from_the_command_line() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let server = common::demo_server(dir.path()).await?;
    let url = server.url();
    let mut profiles = Vec::new();
    for name in [
        ecabinet_server::demo::SECRETARY,
        "Trần Thị Bình",
        "Lê Văn Cường",
    ] {
        let person = server.services.find_person(name).await?;
        let code = server.services.issue_invite(person).await?.code.to_string();
        let profile = dir.path().join(name.replace(' ', "-"));
        let out = ecab(&profile, &["enroll", "--server", &url, "--code", &code]).await?;
        assert_eq!(out.code, 0, "{}", out.stderr);
        profiles.push(profile);
    }
    let (secretary, binh, cuong) = (&profiles[0], &profiles[1], &profiles[2]);

    let meetings = json(&ecab(secretary, &["--json", "meetings"]).await?.stdout)?;
    let meeting = meetings[0]["id"]
        .as_str()
        .context("a meeting id")?
        .to_owned();
    let agenda = json(
        &ecab(secretary, &["--json", "agenda", &meeting])
            .await?
            .stdout,
    )?;
    let item = agenda["items"][1]["id"]
        .as_str()
        .context("an item")?
        .to_owned();
    let pdf = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../assets/demo/02-du-thao-nghi-dinh-giao-dich-dien-tu.pdf");
    let added = ecab(
        secretary,
        &[
            "--json",
            "doc",
            "add",
            &item,
            "--file",
            &pdf.display().to_string(),
        ],
    )
    .await?;
    assert_eq!(added.code, 0, "{}", added.stderr);
    let document = json(&added.stdout)?["id"]
        .as_str()
        .context("a document id")?
        .to_owned();

    // Before the start, members are told why they cannot speak.
    let early = ecab(binh, &["speak", &item]).await?;
    assert_eq!(early.code, 1);
    assert!(early.stderr.contains("has not started"), "{}", early.stderr);

    let started = ecab(secretary, &["--json", "session", "start", &meeting]).await?;
    assert_eq!(started.code, 0, "{}", started.stderr);
    let started = json(&started.stdout)?;
    assert_eq!(started["kind"], "session_started");
    assert!(started["id"].is_string());
    let out = ecab(secretary, &["session", "item", &item]).await?;
    assert_eq!(out.code, 0, "{}", out.stderr);

    let asked = json(&ecab(binh, &["--json", "speak", &item]).await?.stdout)?;
    assert_eq!(asked["place"], 1);
    assert!(asked["id"].is_string());
    let asked = json(
        &ecab(
            cuong,
            &["--json", "speak", &item, "--kind", "point-of-order"],
        )
        .await?
        .stdout,
    )?;
    assert_eq!(asked["place"], 1, "a point of order goes to the top");
    let list = json(&ecab(binh, &["--json", "speakers", &item]).await?.stdout)?;
    let waiting = list["speakers"]["waiting"]
        .as_array()
        .context("a waiting list")?;
    assert_eq!(waiting[0]["person"]["name"], "Lê Văn Cường");
    assert_eq!(waiting[1]["person"]["name"], "Trần Thị Bình");
    assert_eq!(list["speakers"]["my_place"], 2);

    let refused = ecab(binh, &["floor", "next", &item]).await?;
    assert_eq!(refused.code, 1);
    assert!(
        refused.stderr.contains("only the chair or the secretariat"),
        "{}",
        refused.stderr
    );
    let given = json(
        &ecab(secretary, &["--json", "floor", "next", &item])
            .await?
            .stdout,
    )?;
    assert_eq!(given["speaking"]["person"]["name"], "Lê Văn Cường");
    let out = ecab(secretary, &["speaking-time", &item, "--minutes", "3"]).await?;
    assert_eq!(out.code, 0, "{}", out.stderr);
    let live = json(&ecab(binh, &["--json", "session", &meeting]).await?.stdout)?;
    assert_eq!(live["id"], meeting.as_str());
    assert_eq!(live["status"], "running");
    assert_eq!(live["current_item"]["id"], item.as_str());
    assert_eq!(live["speakers"]["speaking"]["limit_seconds"], 180);

    // A member follows the presenter; the page they print is the one shown.
    let follow = {
        let binh = binh.clone();
        let meeting = meeting.clone();
        tokio::spawn(async move { ecab(&binh, &["--json", "follow", &meeting, "--once"]).await })
    };
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    let shown = ecab(secretary, &["present", &document, "--page", "3"]).await?;
    assert_eq!(shown.code, 0, "{}", shown.stderr);
    let followed = tokio::time::timeout(std::time::Duration::from_secs(20), follow)
        .await
        .context("the follower saw the page")???;
    assert_eq!(followed.code, 0, "{}", followed.stderr);
    let page = json(followed.stdout.trim())?;
    assert_eq!(
        (page["id"].as_str(), page["page"].as_u64()),
        (Some(document.as_str()), Some(3))
    );
    let past = ecab(secretary, &["present", &document, "--page", "99"]).await?;
    assert_eq!(past.code, 1);
    assert!(past.stderr.contains("between 1 and 12"), "{}", past.stderr);

    let out = ecab(secretary, &["floor", "end", &item]).await?;
    assert_eq!(out.code, 0, "{}", out.stderr);
    let out = ecab(
        secretary,
        &[
            "session",
            "outcome",
            &item,
            "adopted",
            "--note",
            "Giao Bộ hoàn thiện",
        ],
    )
    .await?;
    assert_eq!(out.code, 0, "{}", out.stderr);
    let out = ecab(secretary, &["session", "end", &meeting]).await?;
    assert_eq!(out.code, 0, "{}", out.stderr);
    let late = ecab(binh, &["speak", &item]).await?;
    assert_eq!(late.code, 1);
    assert!(late.stderr.contains("has ended"), "{}", late.stderr);

    // Minutes: a draft does not verify (unsigned); the signed ones do, for a member.
    let draft = dir.path().join("draft.json");
    let out = ecab(
        secretary,
        &["minutes", &meeting, "--out", &draft.display().to_string()],
    )
    .await?;
    assert_eq!(out.code, 0, "{}", out.stderr);
    let unsigned = ecab(binh, &["minutes", "verify", &draft.display().to_string()]).await?;
    assert_eq!(unsigned.code, 1);
    assert!(
        unsigned.stdout.contains("not signed"),
        "{}",
        unsigned.stdout
    );
    let out = ecab(
        secretary,
        &["minutes", "edit", &item, "--text", "Thống nhất thông qua."],
    )
    .await?;
    assert_eq!(out.code, 0, "{}", out.stderr);
    let signed = dir.path().join("bien-ban.json");
    let out = ecab(
        secretary,
        &[
            "--json",
            "minutes",
            "sign",
            &meeting,
            "--out",
            &signed.display().to_string(),
        ],
    )
    .await?;
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        json(&out.stdout)?["id"].is_string(),
        "the published document"
    );
    let verified = ecab(
        binh,
        &["--json", "minutes", "verify", &signed.display().to_string()],
    )
    .await?;
    assert_eq!(verified.code, 0, "{}{}", verified.stdout, verified.stderr);
    assert_eq!(json(&verified.stdout)?["verified"], true);
    let pdf_out = dir.path().join("bien-ban.pdf");
    let out = ecab(
        secretary,
        &[
            "minutes",
            &meeting,
            "--out",
            &pdf_out.display().to_string(),
            "--lang",
            "en",
        ],
    )
    .await?;
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(std::fs::read(&pdf_out)?.starts_with(b"%PDF-"));
    server.shutdown().await?;
    Ok(())
}

//! The real `ecab` binary against a real server: exit statuses, messages a
//! person can act on, and `--json` output where every object has its `id`.

use anyhow::Result;
use ecabinet_domain::Role;
use serde_json::Value;

mod common;
use common::ecab;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_cli_speaks_clearly_and_exits_honestly() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let server = common::demo_server(dir.path()).await?;
    let url = server.url();
    let member = server.services.find_person("Lê Văn Cường").await?;
    assert_eq!(member.role, Role::Member);
    let code = server.services.issue_invite(member).await?.code.to_string();
    let profile = dir.path().join("profile");

    let out = ecab(&profile, &["meetings"]).await?;
    assert_eq!(out.code, 1);
    assert!(
        out.stderr.contains("not enrolled") && out.stderr.contains("ecab enroll"),
        "{}",
        out.stderr
    );

    // Change the check symbol to a different one (never to itself).
    let replacement = if code.ends_with('Z') { 'Y' } else { 'Z' };
    let typo = format!("{}{replacement}", &code[..code.len() - 1]);
    let out = ecab(&profile, &["enroll", "--server", &url, "--code", &typo]).await?;
    assert_ne!(out.code, 0);
    assert!(
        out.stderr.contains("mistyped") || out.stderr.contains("code"),
        "{}",
        out.stderr
    );
    assert!(
        !profile.join("profile.json").exists(),
        "nothing written after a failed enrolment"
    );

    let out = ecab(
        &profile,
        &[
            "--json",
            "enroll",
            "--server",
            &url,
            "--code",
            &code,
            "--device-name",
            "CLI",
        ],
    )
    .await?;
    assert_eq!(out.code, 0, "{}", out.stderr);
    let enrolled: Value = serde_json::from_str(&out.stdout)?;
    assert!(enrolled["id"].is_string());
    assert_eq!(enrolled["person"]["name"], "Lê Văn Cường");

    let out = ecab(&profile, &["--json", "meetings"]).await?;
    assert_eq!(out.code, 0, "{}", out.stderr);
    let meetings: Vec<Value> = serde_json::from_str(&out.stdout)?;
    assert_eq!(meetings.len(), 1);
    let meeting_id = meetings[0]["id"].as_str().unwrap_or_default().to_owned();

    // Global options are accepted before the subcommand; a prefix of the id works.
    let out = ecab(&profile, &["--json", "agenda", &meeting_id[..18]]).await?;
    assert_eq!(out.code, 0, "{}", out.stderr);
    let agenda: Value = serde_json::from_str(&out.stdout)?;
    assert_eq!(agenda["id"], meeting_id.as_str());
    let items = agenda["items"].as_array().cloned().unwrap_or_default();
    assert_eq!(items.len(), 3);
    assert!(items.iter().all(|item| item["id"].is_string()));

    let out = ecab(&profile, &["--json", "sync"]).await?;
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        serde_json::from_str::<Value>(&out.stdout)?["id"],
        enrolled["id"]
    );

    let out = ecab(&profile, &["enroll", "--server", &url, "--code", &code]).await?;
    assert_ne!(out.code, 0);
    assert!(out.stderr.contains("already enrolled"), "{}", out.stderr);

    let out = ecab(
        &profile,
        &[
            "meeting",
            "create",
            "--title",
            "Họp",
            "--starts",
            "2026-12-10T08:00:00+07:00",
        ],
    )
    .await?;
    assert_ne!(out.code, 0);
    assert!(
        out.stderr.contains("only the secretariat"),
        "{}",
        out.stderr
    );

    let out = ecab(
        &profile,
        &[
            "meeting",
            "create",
            "--title",
            "Họp",
            "--starts",
            "next thursday",
        ],
    )
    .await?;
    assert_eq!(out.code, 2, "a usage error");
    assert!(out.stderr.contains("RFC 3339"), "{}", out.stderr);

    // Offline: the replica still answers; sync says the server is unreachable.
    server.shutdown().await?;
    let out = ecab(&profile, &["meetings"]).await?;
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.contains("Phiên họp Chính phủ thường kỳ"));
    let out = ecab(&profile, &["--json", "sync"]).await?;
    assert_ne!(out.code, 0);
    assert!(
        out.stderr.contains("cannot reach the server"),
        "{}",
        out.stderr
    );
    let error: Value = serde_json::from_str(&out.stdout)?;
    assert_eq!(error["error"]["code"], "server_unreachable");

    // A state-changing command offline: saved, exit 0, and it says it waits
    // (the server decides when it arrives; this member's would be refused).
    let out = ecab(
        &profile,
        &[
            "meeting",
            "create",
            "--title",
            "Họp soạn khi mất mạng",
            "--starts",
            "2026-12-10T08:00:00+07:00",
        ],
    )
    .await?;
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stderr.contains("wait to be sent"), "{}", out.stderr);
    let out = ecab(&profile, &["meetings"]).await?;
    assert!(
        out.stdout.contains("Họp soạn khi mất mạng"),
        "{}",
        out.stdout
    );

    // A damaged profile says what to do.
    std::fs::write(profile.join("profile.json"), "{")?;
    let out = ecab(&profile, &["meetings"]).await?;
    assert_ne!(out.code, 0);
    assert!(
        out.stderr.contains("damaged") && out.stderr.contains("enrol this device again"),
        "{}",
        out.stderr
    );
    Ok(())
}

/// `ecab report stats` as the secretariat scripts it: a file named for its
/// format, the period checked, the figures of the demo meeting written.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_statistics_report_is_written_as_csv_or_json() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let server = common::demo_server(dir.path()).await?;
    let profile = dir.path().join("profile");
    common::enrol_secretary(&server, &profile).await?;

    let text = dir.path().join("stats.txt").display().to_string();
    let out = ecab(&profile, &["report", "stats", "--out", &text]).await?;
    assert_ne!(out.code, 0);
    assert!(out.stderr.contains(".json or .csv"), "{}", out.stderr);
    let csv = dir.path().join("stats.csv");
    let csv_arg = csv.display().to_string();
    let backwards = [
        "report",
        "stats",
        "--from",
        "2026-12-10",
        "--to",
        "2026-12-01",
        "--out",
        &csv_arg,
    ];
    let out = ecab(&profile, &backwards).await?;
    assert_ne!(out.code, 0);
    assert!(out.stderr.contains("the period is empty"), "{}", out.stderr);
    assert!(!csv.exists(), "a refused report wrote a file");

    let out = ecab(&profile, &["report", "stats", "--out", &csv_arg]).await?;
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout
            .contains("1 meetings (0 held, 0 cancelled); 3 items"),
        "{}",
        out.stdout
    );
    let written = std::fs::read_to_string(&csv)?;
    let lines: Vec<&str> = written.lines().collect();
    assert_eq!(
        lines.len(),
        3,
        "header, the demo meeting, totals:\n{written}"
    );
    assert!(
        lines[0].starts_with("meeting_id,meeting,starts_at,held,"),
        "{written}"
    );
    assert!(lines[2].starts_with("TOTAL,,,0,0,3,"), "{written}");

    let json = dir.path().join("stats.json").display().to_string();
    let out = ecab(&profile, &["--json", "report", "stats", "--out", &json]).await?;
    assert_eq!(out.code, 0, "{}", out.stderr);
    let printed: Value = serde_json::from_str(&out.stdout)?;
    let file: Value = serde_json::from_str(&std::fs::read_to_string(&json)?)?;
    assert_eq!(printed["statistics"], file);
    assert_eq!(file["total"]["items"], 3);
    server.shutdown().await?;
    Ok(())
}

//! The device's sealing key in the OS keyring (Secret Service here): with
//! `ECAB_KEYRING=on`, enrolment puts the key in the keyring and writes no
//! `device-key.bin`; a restarted client opens its keys from the keyring; a
//! remote wipe removes the keyring entry, after which a copy of the
//! profile folder opens nothing (`keys_locked`), as on another computer.
//!
//! The test runs itself again inside a private D-Bus session with a
//! throw-away GNOME keyring (Debian's `dbus` and `gnome-keyring`), under a
//! temporary HOME, so it never touches a real keyring.

use std::process::Command;

use anyhow::{ensure, Context, Result};
use ecabinet_client::Client;
use ecabinet_domain::Role;
use ecabinet_e2e::{Backend, TestServer};

const CHILD: &str = "ECAB_KEYRING_TEST_CHILD";
const TEST: &str = "the_device_key_lives_in_the_os_keyring";

/// `secret-tool search --all service eCabinet`: what the keyring holds for eCabinet.
fn keyring_entries() -> Result<String> {
    let out = Command::new("secret-tool")
        .args(["search", "--all", "service", "eCabinet"])
        .output()
        .context("running secret-tool (Debian: libsecret-tools)")?;
    Ok(format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    ))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_device_key_lives_in_the_os_keyring() -> Result<()> {
    if std::env::var_os(CHILD).is_none() {
        return run_in_a_private_keyring();
    }
    std::env::set_var(ecabinet_client::KEYRING_ENV, "on");
    let server = TestServer::start(Backend::Sqlite).await?;
    let secretary = server.raw_device("Nguyễn Văn An", Role::Secretary).await?;
    let binh = server.enrol("Trần Thị Bình", Role::Member).await?;
    let dir = server.profile("Trần Thị Bình");
    ensure!(
        !dir.join("device-key.bin").exists(),
        "the key must not be written beside the sealed keys"
    );
    let sealed = std::fs::read_to_string(dir.join("device-keys.json"))?;
    ensure!(sealed.contains("os_keyring"), "{sealed}");
    let entries = keyring_entries()?;
    ensure!(
        entries.contains("device key"),
        "the keyring holds: {entries}"
    );
    let device = binh.summary().device_id;
    drop(binh);

    // A restarted client opens its keys from the keyring and works.
    let again = Client::open(&dir).await?;
    again.sync().await?;
    drop(again);

    // A copy of the folder, taken now, opens here (this session's keyring
    // has the key)...
    let copy = server.dir.path().join("copied-profile");
    std::fs::create_dir_all(&copy)?;
    for name in ["profile.json", "device-keys.json", "replica.sqlite3"] {
        std::fs::copy(dir.join(name), copy.join(name))?;
    }

    // A remote wipe removes the key from the keyring.
    server
        .server
        .services
        .revoke_device(Some(&secretary.caller), device)
        .await?;
    let wiped = Client::open(&dir).await?;
    let _ = wiped.sync().await;
    let entries = keyring_entries()?;
    ensure!(
        !entries.contains("device key"),
        "the wipe must remove the keyring entry: {entries}"
    );
    // ...but without the keyring entry (another computer, or after the
    // wipe) the copy opens nothing.
    let error = Client::open(&copy).await.expect_err("no key for the copy");
    ensure!(error.code() == "keys_locked", "{error}");
    server.stop().await
}

/// Runs this test again under `dbus-run-session` with an unlocked
/// throw-away GNOME keyring.
fn run_in_a_private_keyring() -> Result<()> {
    let home = tempfile::tempdir()?;
    let data = home.path().join(".local/share");
    std::fs::create_dir_all(&data)?;
    let exe = std::env::current_exe()?;
    // The daemon creates and unlocks the "login" keyring with the password
    // on stdin; its file appearing says it is ready.
    let script = r#"printf 'throw-away' | gnome-keyring-daemon --unlock --components=secrets >/dev/null || exit 90
for _ in $(seq 1 200); do [ -f "$XDG_DATA_HOME/keyrings/login.keyring" ] && break; sleep 0.05; done
exec "$0" --exact "$1" --nocapture"#;
    let status = Command::new("dbus-run-session")
        .args(["--", "sh", "-c", script])
        .arg(&exe)
        .arg(TEST)
        .env(CHILD, "1")
        .env("HOME", home.path())
        .env("XDG_DATA_HOME", &data)
        .env_remove("DBUS_SESSION_BUS_ADDRESS")
        .status()
        .context("running dbus-run-session (Debian: dbus; ./scripts/test installs it)")?;
    ensure!(
        status.success(),
        "the test inside the private keyring failed ({status}); its output is above"
    );
    Ok(())
}

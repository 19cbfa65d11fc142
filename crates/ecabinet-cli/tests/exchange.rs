//! `ecab exchange export|import` as the secretariat runs them, whole
//! processes against a real server: a decree signed on a SoftHSM2 token
//! leaves as a package whose envelope `xmllint` validates against
//! `docs/exchange/goi-tin.xsd`, and comes back in as agenda documents that
//! keep the envelope's record. Packages that do not hold together are
//! refused with their reason, and nothing is stored.

mod common;
#[path = "../../ecabinet-sign/tests/support/mod.rs"]
mod support;

use std::path::{Path, PathBuf};

use anyhow::{ensure, Context, Result};
use common::{ecab, Output};
use ecabinet_exchange::{read_package, write_package, NamedFile};
use serde_json::Value;
use support::{token_for_ecab, SIGNER};

fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(path)
}

fn json(out: &Output) -> Result<Value> {
    ensure!(out.code == 0, "ecab failed: {}", out.stderr);
    serde_json::from_str(&out.stdout).with_context(|| out.stdout.clone())
}

/// `xmllint --schema` on an envelope: Ok(()) when valid, else its complaint.
fn xmllint(schema: &Path, envelope: &Path) -> Result<std::result::Result<(), String>> {
    let output = std::process::Command::new("xmllint")
        .args(["--noout", "--schema"])
        .arg(schema)
        .arg(envelope)
        .output()
        .context("xmllint (Debian's libxml2-utils; ./scripts/test installs it)")?;
    Ok(if output.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&output.stderr).into_owned())
    })
}

/// The documents attached to `item`, as this profile sees them.
async fn documents_of(profile: &Path, meeting: &str, item: &str) -> Result<Vec<Value>> {
    let agenda = json(&ecab(profile, &["--json", "agenda", meeting]).await?)?;
    Ok(agenda["documents"]
        .as_array()
        .context("documents")?
        .iter()
        .filter(|d| d["agenda_item_id"] == item)
        .cloned()
        .collect())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_signed_decree_leaves_and_comes_back_as_an_exchange_package() -> Result<()> {
    let dir = tempfile::tempdir()?;
    // SoftHSM and the PIN, inherited by every ecab below.
    let module = token_for_ecab(dir.path())?;
    let anchors = dir.path().join("ca/anchors");
    let other_anchors = dir.path().join("other/anchors");
    // Every ecab below checks signatures against the trusted CA.
    std::env::set_var("ECAB_TRUST_ANCHORS", &anchors);

    let server = common::demo_server(dir.path()).await?;
    let profile = dir.path().join("profile");
    common::enrol_secretary(&server, &profile).await?;
    let meetings = json(&ecab(&profile, &["--json", "meetings"]).await?)?;
    let meeting = meetings[0]["id"].as_str().context("a meeting")?.to_owned();
    let agenda = json(&ecab(&profile, &["--json", "agenda", &meeting]).await?)?;
    let item = |i: usize| agenda["items"][i]["id"].as_str().map(str::to_owned);
    let (from_item, to_item) = (item(0).context("item 1")?, item(1).context("item 2")?);

    let add = |file: &'static str, title: &'static str| {
        let profile = profile.clone();
        let from_item = from_item.clone();
        async move {
            let file = repo(file).display().to_string();
            let args = [
                "--json", "doc", "add", &from_item, "--file", &file, "--title", title,
            ];
            let added = json(&ecab(&profile, &args).await?)?;
            Ok::<_, anyhow::Error>(added["id"].as_str().context("an id")?.to_owned())
        }
    };
    let decree = add(
        "assets/demo/02-du-thao-nghi-dinh-giao-dich-dien-tu.pdf",
        "Nghị quyết",
    )
    .await?;
    let annex = add("assets/demo/01-bao-cao-kinh-te-xa-hoi.pdf", "Phụ lục").await?;
    let package = dir.path().join("goi-tin.zip");
    let package_arg = package.display().to_string();
    let fields = [
        "--org-code",
        "000.00.00.G01",
        "--org-name",
        "Văn phòng Chính phủ",
        "--number",
        "12",
        "--symbol",
        "NQ-CP",
        "--type",
        "Nghị quyết",
        "--issued",
        "2026-12-07",
        "--place",
        "Hà Nội",
        "--signer-position",
        "Thủ tướng",
    ];

    // Not signed yet: refused, nothing written.
    let mut args = vec!["exchange", "export", &decree, "--out", &package_arg];
    args.extend(fields);
    let unsigned = ecab(&profile, &args).await?;
    ensure!(
        unsigned.code != 0 && unsigned.stderr.contains("no legal signature"),
        "{}",
        unsigned.stderr
    );
    ensure!(!package.exists(), "a refused export wrote a file");

    let module_arg = module.display().to_string();
    let signed = ecab(&profile, &["doc", "sign", &decree, "--module", &module_arg]).await?;
    ensure!(signed.code == 0, "{}", signed.stderr);

    // Signed, but what the package must say is missing: every flag named.
    let bare = ecab(
        &profile,
        &["exchange", "export", &decree, "--out", &package_arg],
    )
    .await?;
    ensure!(bare.code != 0, "{}", bare.stdout);
    for flag in [
        "--org-code",
        "--number",
        "--symbol",
        "--type",
        "--signer-position",
    ] {
        ensure!(bare.stderr.contains(flag), "{flag}: {}", bare.stderr);
    }

    let mut args = vec![
        "--json",
        "exchange",
        "export",
        &decree,
        "--out",
        &package_arg,
        "--annex",
        &annex,
    ];
    args.extend(fields);
    let exported = json(&ecab(&profile, &args).await?)?;
    ensure!(exported["files"] == 2, "{exported}");
    ensure!(
        exported["record"]["signer_name"] == SIGNER,
        "the signer comes from the signature: {exported}"
    );

    // The envelope is what the schema describes, and the schema can say no.
    let bytes = std::fs::read(&package)?;
    let read = read_package(&bytes)?;
    let envelope = dir.path().join("goi-tin.xml");
    let xml = read.envelope.to_xml();
    std::fs::write(&envelope, &xml)?;
    let schema = repo("docs/exchange/goi-tin.xsd");
    if let Err(complaint) = xmllint(&schema, &envelope)? {
        anyhow::bail!("the exported envelope does not validate:\n{complaint}\n{xml}");
    }
    let broken = dir.path().join("broken.xml");
    std::fs::write(&broken, xml.replace("<Sha256>", "<Sha256>zz"))?;
    ensure!(
        xmllint(&schema, &broken)?.is_err(),
        "xmllint accepted a broken hash"
    );
    ensure!(read.annexes.len() == 1 && read.main.bytes.starts_with(b"%PDF-"));

    // A signed PDF attached by hand has its signatures checked as it enters.
    let signed_pdf = dir.path().join("signed.pdf");
    std::fs::write(&signed_pdf, &read.main.bytes)?;
    let signed_arg = signed_pdf.display().to_string();
    let added = ecab(&profile, &["doc", "add", &from_item, "--file", &signed_arg]).await?;
    ensure!(
        added.code == 0
            && added
                .stderr
                .contains(&format!("Signature 1 in it: {SIGNER} — valid, trusted")),
        "{}",
        added.stderr
    );
    let mut forged = read.main.bytes.clone();
    let quarter = forged.len() / 4;
    forged[quarter] ^= 0x20;
    std::fs::write(&signed_pdf, &forged)?;
    let added = ecab(&profile, &["doc", "add", &from_item, "--file", &signed_arg]).await?;
    ensure!(
        added.stderr.contains("INVALID: changed after signing"),
        "{}",
        added.stderr
    );

    // Packages that do not hold together, each refused with its reason.
    let before = documents_of(&profile, &meeting, &to_item).await?.len();
    let mut tampered = read.main.bytes.clone();
    let middle = tampered.len() / 4;
    tampered[middle] ^= 0x20;
    let record = read.envelope.record.clone();
    let unsigned_pdf = std::fs::read(repo("assets/demo/01-bao-cao-kinh-te-xa-hoi.pdf"))?;
    let file = |bytes: &[u8]| NamedFile {
        name: read.main.name.clone(),
        content_type: "application/pdf".into(),
        bytes: bytes.to_vec(),
    };
    let mut swapped_zip = bytes.clone();
    // One byte of the stored PDF changed in transit: the zip's own checksum says so.
    let at = swapped_zip
        .windows(read.main.bytes.len().min(64))
        .position(|w| w == &read.main.bytes[middle..middle + w.len()])
        .context("the stored PDF in the zip")?;
    swapped_zip[at] ^= 0x20;
    let mut other_signer = record.clone();
    other_signer.signer_name = "Trần Thị Bình".into();
    let refusals: Vec<(&str, Vec<u8>, &str)> = vec![
        ("changed in transit", swapped_zip, "could not be unpacked"),
        (
            "changed after signing, envelope rewritten",
            write_package(&record, &file(&tampered), &[])?,
            "does not hold",
        ),
        (
            "unsigned",
            write_package(&record, &file(&unsigned_pdf), &[])?,
            "no legal signature",
        ),
        (
            "another signer in the envelope",
            write_package(&other_signer, &file(&read.main.bytes), &[])?,
            "as the signer",
        ),
        (
            "not a zip",
            b"%PDF-1.7 not a package".to_vec(),
            "not a usable zip",
        ),
    ];
    for (case, bytes, reason) in refusals {
        let path = dir.path().join("refused.zip");
        std::fs::write(&path, bytes)?;
        let path = path.display().to_string();
        let out = ecab(&profile, &["exchange", "import", &path, "--item", &to_item]).await?;
        ensure!(out.code != 0, "{case}: accepted\n{}", out.stdout);
        ensure!(
            out.stderr.contains(reason),
            "{case}: expected {reason:?} in\n{}",
            out.stderr
        );
        eprintln!("{case}: {}", out.stderr.trim());
    }
    // A signer the trust anchors do not vouch for: refused unless accepted knowingly.
    std::env::set_var("ECAB_TRUST_ANCHORS", &other_anchors);
    let untrusted = ecab(
        &profile,
        &["exchange", "import", &package_arg, "--item", &to_item],
    )
    .await?;
    ensure!(
        untrusted.code != 0 && untrusted.stderr.contains("not trusted"),
        "{}",
        untrusted.stderr
    );
    std::env::set_var("ECAB_TRUST_ANCHORS", &anchors);
    ensure!(
        documents_of(&profile, &meeting, &to_item).await?.len() == before,
        "a refused package left documents behind"
    );

    // The package as sent: attached with its record, its signature valid and trusted.
    let imported = json(
        &ecab(
            &profile,
            &[
                "--json",
                "exchange",
                "import",
                &package_arg,
                "--item",
                &to_item,
            ],
        )
        .await?,
    )?;
    ensure!(
        imported["annexes"].as_array().map(Vec::len) == Some(1),
        "{imported}"
    );
    ensure!(
        imported["signatures"][0]["integrity"] == "valid",
        "{imported}"
    );
    ensure!(
        imported["signatures"][0]["trust"] == "trusted",
        "{imported}"
    );
    let main_id = imported["id"].as_str().context("the main document")?;
    let sync = ecab(&profile, &["sync"]).await?;
    ensure!(sync.code == 0, "{}", sync.stderr);
    let attached = documents_of(&profile, &meeting, &to_item).await?;
    ensure!(attached.len() == before + 2, "{attached:?}");
    let main = attached
        .iter()
        .find(|d| d["id"] == main_id)
        .context("the imported document on the agenda")?;
    ensure!(main["title"] == "12/NQ-CP — Nghị quyết", "{main}");
    let manifest: Value = serde_json::from_str(main["manifest"].as_str().context("manifest")?)?;
    let kept = &manifest["exchange"];
    ensure!(kept["organisation_code"] == "000.00.00.G01", "{manifest}");
    ensure!(
        kept["signer_name"] == SIGNER && kept["signer_position"] == "Thủ tướng",
        "{kept}"
    );
    ensure!(
        kept["issued_on"] == "2026-12-07" && kept["annex"] == false,
        "{kept}"
    );
    // Opened again, the imported document is the signed one, byte for byte.
    let report = ecab(&profile, &["doc", "signatures", main_id]).await?;
    ensure!(
        report.code == 0 && report.stdout.contains("integrity:  valid"),
        "{}",
        report.stdout
    );

    // Exported again, the record comes from the document itself.
    let again = dir.path().join("again.zip").display().to_string();
    let re_exported = json(
        &ecab(
            &profile,
            &["--json", "exchange", "export", main_id, "--out", &again],
        )
        .await?,
    )?;
    ensure!(re_exported["record"]["number"] == "12", "{re_exported}");
    server.shutdown().await?;
    Ok(())
}

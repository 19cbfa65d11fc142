#!/usr/bin/env python3
"""Attach the demo PDFs (assets/demo) to the demo meeting's agenda, the way the
secretariat would: through a secretary's enrolled `ecab` profile, so each PDF
is sealed on that device and its key wrapped for every enrolled device. The
server never sees the plaintext, even of the demo.

Idempotent: items that already carry a document are left alone.

usage: seed_demo_documents.py BIN_DIR SERVER_DATA SERVER_URL SECRETARY_PROFILE
"""

import json
import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
DEMO = ROOT / "assets" / "demo"
SECRETARY = "Nguyễn Văn An"
MEETING_TITLE = "Phiên họp Chính phủ thường kỳ"


def run(*args: str) -> str:
    result = subprocess.run(args, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"error: {' '.join(args[:3])} … failed:\n{result.stderr.strip()}")
    return result.stdout


def main() -> None:
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    bin_dir, server_data, url, profile = sys.argv[1:]
    ecab = [f"{bin_dir}/ecab", "--profile", profile, "--json"]

    status = subprocess.run(ecab + ["status"], capture_output=True, text=True)
    if status.returncode != 0:
        invite = json.loads(run(f"{bin_dir}/ecabinet-server", "invite", "--data", server_data,
                                "--person", SECRETARY, "--json"))
        run(*ecab, "enroll", "--server", url, "--code", invite["code"], "--device-name", "Demo secretariat")
    run(*ecab, "sync")

    meetings = [m for m in json.loads(run(*ecab, "meetings")) if m["title"] == MEETING_TITLE]
    if not meetings:
        sys.exit("error: the demo meeting is missing (was the server started with --demo?)")
    agenda = json.loads(run(*ecab, "agenda", meetings[0]["id"]))
    items = {item["position"]: item for item in agenda["items"]}
    with_documents = {d["agenda_item_id"] for d in agenda["documents"]}

    for entry in json.loads((DEMO / "manifest.json").read_text(encoding="utf-8")):
        item = items.get(entry["agenda_position"])
        if item is None or item["id"] in with_documents:
            continue
        run(*ecab, "doc", "add", item["id"], "--file", str(DEMO / entry["file"]), "--title", entry["title"])
        print(f"attached {entry['file']} to item {entry['agenda_position']}")


if __name__ == "__main__":
    main()

// End-to-end check of the secretariat's meeting builder and of the reader's
// "what changed" and "no print" in the built UI (ui/dist), in headless
// Chromium, with the Tauri IPC replaced by an in-page mock (as in
// app.test.mjs) and page images served by the test (as in reader.test.mjs:
// a Windows user agent makes the UI ask for http://ecabpage.localhost/…).
// Run `npm run build` first.
import { tauriBridge } from "./tauri-bridge.mjs";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { mkdir, readFile } from "node:fs/promises";
import path from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { encodePng } from "./png.mjs";

const UI_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const DIST = path.join(UI_DIR, "dist");
const OUT = path.join(UI_DIR, "test-output");
const ORIGIN = "http://ecabinet.test";
const PAGES = "http://ecabpage.localhost";
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const WINDOWS_UA =
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 Edg/120.0.0.0";

const CONTENT_TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
};

const ORG = "0193a4f0-0000-7000-8000-0000000000f1";
const SECRETARY = "0193a4f0-0000-7000-8000-0000000000a0";
const LAN = "0193a4f0-0000-7000-8000-0000000000a1";
const NAM = "0193a4f0-0000-7000-8000-0000000000a2";
const HUNG = "0193a4f0-0000-7000-8000-0000000000a3";
const DEPUTY = "0193a4f0-0000-7000-8000-0000000000a4";
const DOC_ID = "0193a4f0-0000-7000-8000-0000000000d1";
const PAGE_COUNT = 8;

const person = (id, name, role = "member") => ({ id, organisation_id: ORG, name, role });
const PEOPLE = [
  person(SECRETARY, "Lê Văn Thư", "secretary"),
  person(LAN, "Nguyễn Thị Lan"),
  person(NAM, "Trần Văn Nam"),
  person(HUNG, "Phạm Quốc Hùng"),
  person(DEPUTY, "Đỗ Minh Phó"),
];
const PROFILE = (p) => ({
  device_id: "0193a4f0-0000-7000-8000-000000000001",
  device_name: "Máy Văn phòng",
  server_url: "http://127.0.0.1:8443",
  person: p,
  organisation: { id: ORG, name: "Văn phòng Chính phủ" },
});

const FIXTURE = {
  profile: PROFILE(PEOPLE[0]),
  people: PEOPLE,
  sync: { state: "online", last_sync: "2026-11-24T07:05:00Z", cursor: 42, last_error: null, waiting_to_send: 0, rejected: [] },
  meeting: {
    id: "m-1",
    organisation_id: ORG,
    title: "Phiên họp chuyên đề về xây dựng pháp luật tháng 11 năm 2099",
    starts_at: "2099-11-26T02:00:00Z",
    status: "published",
    created_by: SECRETARY,
    details: { kind: "thematic", place: "Phòng họp số 1", participants: [], substitutes: [] },
  },
  item: {
    id: "i-1", meeting_id: "m-1", position: 1, title: "Dự án Luật Dữ liệu (sửa đổi)",
    details: { presenting_ministry: "Bộ Công an", summary: null, recommended_action: null, status: "scheduled" },
  },
  document: {
    id: DOC_ID, version: 2, agenda_item_id: "i-1", meeting_id: "m-1", title: "Dự thảo Luật Dữ liệu (sửa đổi)",
    size: 2621440, chunk_count: 3, manifest: JSON.stringify({ handling: { no_print: true, no_export: true } }),
    manifest_signature: "", uploader_signing_key: "", published_at: "2026-11-20T02:00:00Z",
  },
  pageCount: PAGE_COUNT,
  /** A device of Lan's and two of Nam's wait for the draft law's key. */
  keys: [
    { document_id: DOC_ID, version: 2, device_id: "dev-lan-1", person_id: LAN, agreement_public_key: "" },
    { document_id: DOC_ID, version: 2, device_id: "dev-nam-1", person_id: NAM, agreement_public_key: "" },
    { document_id: DOC_ID, version: 2, device_id: "dev-nam-2", person_id: NAM, agreement_public_key: "" },
  ],
  changes: {
    document_id: DOC_ID,
    from_version: 1,
    to_version: 2,
    old_page_count: 7,
    new_page_count: PAGE_COUNT,
    hunks: [
      {
        old_pages: [3],
        new_pages: [3],
        removed: ["Điều 5. Dữ liệu cá nhân được thu thập khi có sự đồng ý."],
        added: ["Điều 5. Dữ liệu cá nhân chỉ được thu thập khi có sự đồng ý bằng văn bản."],
      },
      { old_pages: [6, 7], new_pages: [5, 6], removed: [], added: ["Điều 12a. Sàn giao dịch dữ liệu.", "Nhà nước quản lý sàn giao dịch dữ liệu."] },
    ],
  },
};

/**
 * Runs in the page: the Tauri IPC bridge (see app.test.mjs), with the
 * engine's replica of meetings, items and documents. While `offline`, each
 * secretariat change is saved here and counted as waiting to be sent.
 */
function installTauriMock(fixture) {
  const calls = [];
  const bridge = window.__installTauriBridge((cmd, args) => invoke(cmd, args));
  let made = 0;
  let profile = fixture.profile;
  let sync = fixture.sync;
  let offline = false;
  let keys = fixture.keys;
  let changes = fixture.changes;
  let meetings = [fixture.meeting];
  const agendas = { "m-1": { items: [fixture.item], documents: [fixture.document], access: [] } };
  const fail = (code, message) => ({ code, message });
  const wait = bridge.wait;
  const id = (prefix) => `0193a4f0-0000-7000-8000-${prefix}${String(++made).padStart(6, "0")}`;
  const saved = () => {
    if (offline) sync = { ...sync, state: "offline", waiting_to_send: sync.waiting_to_send + 1 };
  };
  const agendaOfItem = (itemId) => Object.entries(agendas).find(([, a]) => a.items.some((i) => i.id === itemId));
  function publish(itemId, docId, version, path, title, handling) {
    const [meetingId, agenda] = agendaOfItem(itemId);
    const name = path.split(/[\\/]/).pop().replace(/\.pdf$/i, "");
    const old = agenda.documents.find((d) => d.id === docId);
    const doc = {
      id: docId, version, agenda_item_id: itemId, meeting_id: meetingId, title: title ?? old?.title ?? name,
      size: 183_500, chunk_count: 1, manifest: JSON.stringify({ handling: handling ?? JSON.parse(old.manifest).handling }),
      manifest_signature: "", uploader_signing_key: "", published_at: "2099-11-24T02:00:00Z",
    };
    agenda.documents = [...agenda.documents.filter((d) => d.id !== docId), doc];
    // Every member's devices now wait for this version's key.
    keys = [...keys, { document_id: docId, version, device_id: "dev-hung-1", person_id: fixture.people[3].id, agreement_public_key: "" }];
    saved();
    return doc;
  }

  async function invoke(cmd, args = {}) {
    calls.push({ cmd, args: JSON.parse(JSON.stringify(args)) });
    switch (cmd) {
      case "app_status":
        return { profile, sync, lock: { pin_set: false, locked: false, idle_minutes: 5, retry_in_seconds: null } };
      case "sync_now":
        offline = false;
        sync = { ...sync, state: "online", waiting_to_send: 0 };
        return sync;
      case "list_meetings":
        // A member never sees a draft.
        return meetings.filter((m) => profile.person.role === "secretary" || m.status !== "draft");
      case "meeting_agenda": {
        const meeting = meetings.find((m) => m.id === args.meetingId);
        if (!meeting) throw fail("not_found", "meeting not found");
        const a = agendas[meeting.id];
        return { meeting, items: a.items, documents: a.documents, access: a.access, revised: [] };
      }
      case "list_motions":
      case "list_positions":
      case "list_opinion_requests":
        return [];
      case "list_people":
        return fixture.people;
      case "create_meeting": {
        const r = args.request;
        const meeting = {
          id: id("1"), organisation_id: profile.organisation.id, title: r.title, starts_at: r.starts_at,
          status: r.draft ? "draft" : "published", created_by: profile.person.id, details: r.details,
        };
        meetings = [...meetings, meeting];
        agendas[meeting.id] = { items: [], documents: [], access: [] };
        saved();
        return meeting;
      }
      case "update_meeting": {
        const r = args.request;
        const old = meetings.find((m) => m.id === args.meetingId);
        const meeting = { ...old, title: r.title ?? old.title, starts_at: r.starts_at ?? old.starts_at, status: r.status ?? old.status, details: r.details ?? old.details };
        meetings = meetings.map((m) => (m.id === meeting.id ? meeting : m));
        saved();
        return meeting;
      }
      case "add_agenda_item": {
        const agenda = agendas[args.meetingId];
        const item = { id: id("2"), meeting_id: args.meetingId, position: agenda.items.length + 1, title: args.title, restricted: args.only !== null, details: args.details };
        agenda.items = [...agenda.items, item];
        if (args.only) agenda.access = [...agenda.access, { agenda_item_id: item.id, persons: args.only }];
        saved();
        return item;
      }
      case "update_agenda_item": {
        const [, agenda] = agendaOfItem(args.agendaItemId);
        const old = agenda.items.find((i) => i.id === args.agendaItemId);
        const item = { ...old, title: args.request.title ?? old.title, details: args.request.details ?? old.details };
        agenda.items = agenda.items.map((i) => (i.id === item.id ? item : i));
        saved();
        return item;
      }
      case "move_agenda_item": {
        const [, agenda] = agendaOfItem(args.agendaItemId);
        const ordered = [...agenda.items].sort((a, b) => a.position - b.position);
        const moved = ordered.find((i) => i.id === args.agendaItemId);
        const rest = ordered.filter((i) => i !== moved);
        rest.splice(args.position - 1, 0, moved);
        agenda.items = rest.map((i, n) => ({ ...i, position: n + 1 }));
        saved();
        return agenda.items;
      }
      case "set_item_access": {
        const [, agenda] = agendaOfItem(args.agendaItemId);
        agenda.items = agenda.items.map((i) => (i.id === args.agendaItemId ? { ...i, restricted: args.only !== null } : i));
        agenda.access = [...agenda.access.filter((a) => a.agenda_item_id !== args.agendaItemId), ...(args.only ? [{ agenda_item_id: args.agendaItemId, persons: args.only }] : [])];
        saved();
        return agenda.items.find((i) => i.id === args.agendaItemId);
      }
      case "add_document":
        await wait("add_document");
        if (args.path.includes("missing")) throw fail("io", `file error at ${args.path}: No such file or directory (os error 2)`);
        return publish(args.agendaItemId, id("3"), 1, args.path, args.title, args.handling);
      case "revise_document": {
        const [, agenda] = agendaOfItem(Object.values(agendas).flatMap((a) => a.documents).find((d) => d.id === args.documentId).agenda_item_id);
        const old = agenda.documents.find((d) => d.id === args.documentId);
        return publish(old.agenda_item_id, old.id, old.version + 1, args.path, args.title, args.handling);
      }
      case "sign_document": {
        if (args.request.pin !== "135790") throw fail("signing", "the token refused the PIN (CKR_PIN_INCORRECT)");
        const [, agenda] = agendaOfItem(Object.values(agendas).flatMap((a) => a.documents).find((d) => d.id === args.documentId).agenda_item_id);
        const old = agenda.documents.find((d) => d.id === args.documentId);
        return publish(old.agenda_item_id, old.id, old.version + 1, `${old.title}.pdf`, old.title, null);
      }
      case "pending_keys":
        return keys;
      case "open_document": {
        const doc = Object.values(agendas).flatMap((a) => a.documents).find((d) => d.id === args.documentId);
        if (!doc) throw fail("not_found", "document not found");
        return { document: doc, page_count: fixture.pageCount, handling: JSON.parse(doc.manifest).handling };
      }
      case "list_annotations":
        return { document_id: args.documentId, version: 2, annotations: [], locked: 0 };
      case "search_document":
        return [];
      case "document_signatures":
        // The demo PDFs carry no legal signature.
        return [];
      case "document_changes":
        return changes;
      case "plugin:event|listen":
        return bridge.listen(args);
      case "plugin:event|unlisten":
        return bridge.unlisten(args);
      case "launch_mode":
        // The ordinary app window, not the room display.
        return { room_display: false };
      case "follow_session":
        return null;
      case "session_view":
        // No session has started: the meeting in session is tested in session.test.mjs.
        return {
          meeting_id: args.meetingId, meeting_title: "", status: "not_started", seq: 0, chair: null, i_run_it: false,
          started_at: null, ended_at: null, current_item: null, speakers: null, presenter: null, open_motions: [], items: [],
          attendance: { participants: 0, present: 0, remote: 0, absent: 0, substituted: 0, quorum_needed: 0, quorum_met: false, lines: [] },
          server_now: new Date().toISOString(),
        };
      case "cancel_renders":
        // The reader numbers its page requests; nothing is queued here to drop.
        return null;
      default:
        throw fail("unknown_command", `no mock for ${cmd}`);
    }
  }

  window.__ipc = {
    calls,
    hold: bridge.hold,
    release: bridge.release,
    setOffline(value) {
      offline = value;
    },
    setProfile(next) {
      profile = next;
    },
    setChanges(next) {
      changes = next;
    },
    listening: bridge.listening,
    emit: bridge.emit,
  };
}

// ── page images: a tiny PNG encoder (see reader.test.mjs) ─────────────────

/** A blank A4 page at `dpi` with grey "text" lines, darker the higher the page. */
function pagePng(page, dpi) {
  const width = Math.round(8.27 * dpi);
  const height = Math.round(11.69 * dpi);
  const margin = Math.round(0.9 * dpi);
  const ink = 200 - page * 12;
  return encodePng(width, height, (x, y) => {
    const inLine = y > margin && y < height - margin && Math.floor((y - margin) / 6) % 3 === 0;
    return inLine && x >= margin && x < width - margin ? [ink, ink, ink] : [255, 255, 255];
  });
}

let browser;
let context;
let page;
const pageErrors = [];
const pngCache = new Map();

before(async () => {
  assert.ok(existsSync(path.join(DIST, "index.html")), "ui/dist is missing: run `npm run build` first");
  await mkdir(OUT, { recursive: true });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
      "--disable-sync", "--no-first-run", "--disable-quic"],
  });
  context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: "vi-VN", userAgent: WINDOWS_UA });
  // Nothing leaves the machine: everything not served here is refused.
  await context.route("**/*", (route) => route.abort("blockedbyclient"));
  await context.route(`${ORIGIN}/**`, async (route) => {
    const { pathname } = new URL(route.request().url());
    const rel = decodeURIComponent(pathname === "/" ? "/index.html" : pathname);
    const file = path.resolve(DIST, `.${rel}`);
    if (!file.startsWith(DIST + path.sep) || !existsSync(file)) {
      await route.fulfill({ status: 404, body: "not found" });
      return;
    }
    await route.fulfill({
      status: 200,
      contentType: CONTENT_TYPES[path.extname(file)] ?? "application/octet-stream",
      body: await readFile(file),
    });
  });
  await context.route(`${PAGES}/**`, async (route) => {
    const url = new URL(route.request().url());
    const [, pageText] = url.pathname.split("/").filter(Boolean);
    const dpi = Number(url.searchParams.get("dpi") ?? "110");
    const key = `${pageText}@${dpi}`;
    if (!pngCache.has(key)) pngCache.set(key, pagePng(Number(pageText), dpi));
    await route.fulfill({ status: 200, contentType: "image/png", body: pngCache.get(key) });
  });
  await context.addInitScript(tauriBridge);
  await context.addInitScript(installTauriMock, FIXTURE);
  page = await context.newPage();
  page.setDefaultTimeout(10_000);
  page.on("pageerror", (err) => pageErrors.push(String(err)));
  page.on("console", (msg) => {
    if (msg.type() === "error") pageErrors.push(msg.text());
  });
});

after(async () => {
  await browser?.close();
});

const byId = (id) => page.locator(`[data-testid="${id}"]`);
const ipcCalls = (cmd) => page.evaluate((c) => window.__ipc.calls.filter((x) => x.cmd === c), cmd);
const lastArgs = async (cmd) => (await ipcCalls(cmd)).at(-1)?.args;
const personBox = (testid, id) => page.locator(`[data-testid="${testid}"][data-person-id="${id}"]`);

test("eCabinet: building meetings; what changed; no print", async (t) => {
  await t.test("the secretariat opens the builder and sees the devices waiting for keys", async () => {
    await page.goto(`${ORIGIN}/`);
    await byId("main-screen").waitFor();
    await byId("meeting-item").first().waitFor();
    assert.equal(await byId("person-role").textContent(), "Thư ký");
    assert.equal(await byId("builder-tab").textContent(), "Soạn cuộc họp");
    // The agenda's header tells everyone the meeting's kind and place.
    await byId("agenda-facts").waitFor();
    assert.equal(await byId("agenda-kind").locator("dt").textContent(), "Loại phiên họp");
    assert.equal(await byId("agenda-kind").locator("dd").textContent(), "Phiên họp chuyên đề");
    assert.equal(await byId("agenda-place").locator("dd").textContent(), "Phòng họp số 1");
    assert.equal(await byId("agenda-participants").locator("dd").textContent(), "Tất cả thành viên Chính phủ");

    await byId("builder-tab").click();
    await byId("builder-pane").waitFor();
    assert.equal(await byId("builder-tab").getAttribute("aria-selected"), "true");
    assert.equal(await page.locator("#workspace").isVisible(), false);
    // A new meeting is offered first.
    await byId("builder-meeting-form").waitFor();
    assert.equal(await byId("builder-meeting-form").getAttribute("data-meeting-id"), "new");
    assert.equal(await byId("builder-meeting-draft").isChecked(), true, "new meetings start as drafts");
    // The keys panel names the document and the people waiting, with their devices.
    await byId("pending-key-group").waitFor();
    assert.equal(await byId("pending-key-title").textContent(), FIXTURE.document.title);
    assert.deepEqual(await byId("pending-key-person").allTextContents(), ["Nguyễn Thị Lan · 1 thiết bị", "Trần Văn Nam · 2 thiết bị"]);
    assert.equal((await ipcCalls("pending_keys")).length, 1);
  });

  await t.test("creates a draft meeting offline, with its participants and a substitute", async () => {
    await page.evaluate(() => window.__ipc.setOffline(true));
    await byId("builder-meeting-submit").click();
    assert.equal(await byId("builder-meeting-error").textContent(), "Vui lòng nhập tên cuộc họp.");
    assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), "builder-meeting-title");
    assert.equal((await ipcCalls("create_meeting")).length, 0);

    await byId("builder-meeting-title").fill("Phiên họp Chính phủ thường kỳ tháng 12 năm 2099");
    await byId("builder-meeting-submit").click();
    assert.equal(await byId("builder-meeting-error").textContent(), "Vui lòng chọn ngày giờ bắt đầu.");
    await byId("builder-meeting-starts-at").fill("2099-12-03T08:30");
    await byId("builder-meeting-kind").selectOption("regular");
    await byId("builder-meeting-place").fill("Phòng họp số 1, Trụ sở Chính phủ");
    // Only members are offered as participants.
    assert.deepEqual(await byId("builder-participant").evaluateAll((els) => els.map((e) => e.dataset.personId)), [
      DEPUTY, LAN, HUNG, NAM,
    ]);
    await personBox("builder-participant", LAN).check();
    await personBox("builder-participant", NAM).check();
    await personBox("builder-participant", HUNG).check();
    // A member cannot stand in for themself.
    await byId("builder-substitute-add").click();
    assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), "builder-substitute-member");
    await byId("builder-substitute-member").selectOption(HUNG);
    await byId("builder-substitute-person").selectOption(HUNG);
    await byId("builder-meeting-submit").click();
    assert.equal(await byId("builder-meeting-error").textContent(), "Thành viên không thể tự dự thay cho chính mình.");
    assert.equal(await byId("builder-substitute-member").getAttribute("aria-invalid"), "true");
    await byId("builder-substitute-person").selectOption(DEPUTY);
    await page.screenshot({ path: path.join(OUT, "browser-builder-new.png") });
    await byId("builder-meeting-submit").click();

    await page.waitForSelector('[data-testid="builder-meeting-form"]:not([data-meeting-id="new"])');
    assert.deepEqual(await lastArgs("create_meeting"), {
      request: {
        title: "Phiên họp Chính phủ thường kỳ tháng 12 năm 2099",
        starts_at: "2099-12-03T01:30:00.000Z",
        details: { kind: "regular", place: "Phòng họp số 1, Trụ sở Chính phủ", participants: [LAN, NAM, HUNG], substitutes: [{ member: HUNG, substitute: DEPUTY }] },
        draft: true,
      },
    });
    await page.waitForSelector('[data-testid="builder-meeting-outcome"][data-state="waiting"]');
    assert.equal(await byId("builder-meeting-outcome").textContent(), "Đã lưu trên máy, sẽ gửi khi có mạng");
    assert.equal(await byId("sync-waiting").textContent(), "1 thay đổi chờ gửi");
    // The form now edits the new meeting: its values are the ones saved.
    assert.equal(await byId("builder-meeting-title").inputValue(), "Phiên họp Chính phủ thường kỳ tháng 12 năm 2099");
    assert.equal(await byId("builder-meeting-starts-at").inputValue(), "2099-12-03T08:30");
    assert.equal(await byId("builder-meeting-publish").isVisible(), true);
    const listed = page.locator('[data-testid="builder-meeting"][aria-current="true"]');
    assert.match(await listed.textContent(), /Phiên họp Chính phủ thường kỳ tháng 12 năm 2099/);
    assert.equal(await listed.locator('[data-testid="builder-meeting-status"]').textContent(), "Bản nháp");
    await byId("builder-agenda-empty").waitFor();
  });

  await t.test("adds items, restricts one, reorders them and changes a status", async () => {
    await byId("builder-new-item-title").fill("Báo cáo tình hình kinh tế - xã hội tháng 11");
    await byId("builder-new-item-ministry").fill("Bộ Tài chính");
    await byId("builder-new-item-summary").fill("Tăng trưởng quý IV ước đạt 7,2%.");
    await byId("builder-new-item-action").fill("Chính phủ cho ý kiến");
    await byId("builder-new-item-submit").click();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="builder-item"]').length === 1);
    const meetingId = await byId("builder-meeting-form").getAttribute("data-meeting-id");
    assert.deepEqual(await lastArgs("add_agenda_item"), {
      meetingId,
      title: "Báo cáo tình hình kinh tế - xã hội tháng 11",
      only: null,
      details: { presenting_ministry: "Bộ Tài chính", summary: "Tăng trưởng quý IV ước đạt 7,2%.", recommended_action: "Chính phủ cho ý kiến", status: "scheduled" },
    });
    assert.equal(await byId("builder-new-item-title").inputValue(), "", "the form empties for the next item");
    assert.equal(await byId("builder-new-item-outcome").textContent(), "Đã lưu trên máy, sẽ gửi khi có mạng");

    // A restricted item: only the people chosen read its documents.
    await byId("builder-new-item-title").fill("Đề án nhân sự");
    await byId("builder-new-item-restrict").check();
    await byId("builder-new-item-submit").click();
    assert.equal(await byId("builder-new-item-error").textContent(), "Chọn ít nhất một người được đọc tài liệu.");
    await personBox("builder-new-item-person", LAN).check();
    await byId("builder-new-item-submit").click();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="builder-item"]').length === 2);
    const added = await lastArgs("add_agenda_item");
    assert.deepEqual([added.title, added.only], ["Đề án nhân sự", [LAN]]);
    assert.deepEqual(await byId("builder-item-title").allTextContents(), ["Báo cáo tình hình kinh tế - xã hội tháng 11", "Đề án nhân sự"]);
    assert.equal(await byId("builder-item").nth(1).locator('[data-testid="builder-item-restricted"]').textContent(), "Hạn chế");

    // Move the second item up; the first cannot go higher.
    const second = byId("builder-item").nth(1);
    const secondId = await second.getAttribute("data-item-id");
    assert.equal(await byId("builder-move-up").first().getAttribute("aria-disabled"), "true");
    assert.equal(await second.locator('[data-testid="builder-move-up"]').getAttribute("aria-label"), "Chuyển mục “Đề án nhân sự” lên trên");
    await second.locator('[data-testid="builder-move-up"]').click();
    await page.waitForFunction(() => document.querySelector('[data-testid="builder-item-title"]')?.textContent === "Đề án nhân sự");
    assert.deepEqual(await lastArgs("move_agenda_item"), { agendaItemId: secondId, position: 1 });
    assert.deepEqual(await page.locator('[data-testid="builder-item"] .agenda-num').allTextContents(), ["1.", "2."]);

    // Open the item's access to everyone again, then put the report under discussion.
    const restricted = page.locator(`[data-testid="builder-item"][data-item-id="${secondId}"]`);
    await restricted.locator('[data-testid="builder-access"] summary').click();
    assert.equal(await restricted.locator('[data-testid="builder-access-only"]').isChecked(), true);
    assert.equal(await restricted.locator(`[data-testid="builder-access-person"][data-person-id="${LAN}"]`).isChecked(), true);
    await restricted.locator('[data-testid="builder-access-all"]').check();
    await restricted.locator('[data-testid="builder-access-save"]').click();
    await page.waitForFunction((id) => !document.querySelector(`[data-item-id="${id}"] [data-testid="builder-item-restricted"]`), secondId);
    assert.deepEqual(await lastArgs("set_item_access"), { agendaItemId: secondId, only: null });

    const report = byId("builder-item").nth(1);
    await report.locator('[data-testid="builder-item-edit"] summary').click();
    assert.equal(await report.locator('[data-testid="builder-edit-ministry"]').inputValue(), "Bộ Tài chính");
    await report.locator('[data-testid="builder-edit-status"]').selectOption("in_discussion");
    await report.locator('[data-testid="builder-item-save"]').click();
    await report.locator('[data-testid="builder-item-status"][data-status="in_discussion"]').waitFor();
    const update = await lastArgs("update_agenda_item");
    assert.equal(update.request.title, "Báo cáo tình hình kinh tế - xã hội tháng 11");
    assert.equal(update.request.details.status, "in_discussion");
    assert.equal(await report.locator('[data-testid="builder-item-status"]').textContent(), "Đang thảo luận");
  });

  await t.test("attaches a PDF by its path, with progress, then by dropping files on the item", async () => {
    const report = byId("builder-item").nth(1);
    const itemId = await report.getAttribute("data-item-id");
    const attach = (id) => report.locator(`[data-testid="${id}"]`);
    await attach("builder-doc-path").fill("D:\\Tài liệu\\Báo cáo.docx");
    await attach("builder-doc-submit").click();
    assert.equal(await attach("builder-doc-error").textContent(), "Chỉ đính kèm được tệp PDF (tên tệp kết thúc bằng .pdf).");
    assert.equal((await ipcCalls("add_document")).length, 0);

    // A file that is not there: the engine's own message is shown.
    await attach("builder-doc-path").fill("/home/thu/missing.pdf");
    await attach("builder-doc-submit").click();
    await report.locator('[data-testid="builder-doc-outcome"][data-state="failed"]').waitFor();
    assert.match(await attach("builder-doc-outcome").textContent(), /^Chưa lưu được: file error at \/home\/thu\/missing\.pdf/);

    await attach("builder-doc-path").fill("/home/thu/Bao cao KT-XH thang 11.pdf");
    await attach("builder-doc-title").fill("Báo cáo kinh tế - xã hội tháng 11");
    await attach("builder-doc-no-print").check();
    await page.evaluate(() => window.__ipc.hold("add_document"));
    await attach("builder-doc-submit").click();
    await report.locator('[data-testid="builder-doc-submit"][aria-disabled="true"]').waitFor();
    assert.equal((await attach("builder-doc-submit").textContent()).trim(), "Đang mã hoá và tải lên…");
    assert.equal(await report.locator('[data-testid="builder-doc-form"]').getAttribute("aria-busy"), "true");
    // The button is disabled meanwhile: even a forced second click sends nothing more.
    assert.equal(await attach("builder-doc-submit").isEnabled(), false);
    await attach("builder-doc-submit").click({ force: true });
    assert.equal((await ipcCalls("add_document")).length, 2);
    await page.screenshot({ path: path.join(OUT, "browser-builder-uploading.png") });
    await page.evaluate(() => window.__ipc.release("add_document"));
    await report.locator('[data-testid="builder-document"]').waitFor();
    assert.deepEqual(await lastArgs("add_document"), {
      agendaItemId: itemId,
      path: "/home/thu/Bao cao KT-XH thang 11.pdf",
      title: "Báo cáo kinh tế - xã hội tháng 11",
      handling: { no_print: true, no_export: false },
    });
    assert.equal(await attach("builder-document-title").textContent(), "Báo cáo kinh tế - xã hội tháng 11");
    assert.equal(await attach("builder-document-no-print").textContent(), "Không được in");
    assert.equal(await attach("builder-doc-submit").getAttribute("aria-disabled"), "false");
    assert.equal(await attach("builder-doc-path").inputValue(), "");

    // Drag and drop: the PDF dropped on the item is attached, the other file is named and left.
    assert.ok((await page.evaluate(() => window.__ipc.listening("tauri://drag-drop"))) > 0, "the app listens for dropped files");
    const head = report.locator('[data-testid="builder-item-title"]');
    await head.scrollIntoViewIfNeeded();
    const box = await head.boundingBox();
    const at = { x: Math.round(box.x + box.width / 2), y: Math.round(box.y + box.height / 2) };
    await page.evaluate((position) => window.__ipc.emit("tauri://drag-over", { position }), at);
    assert.equal(await report.evaluate((el) => el.classList.contains("builder-drop-target")), true);
    await page.evaluate(
      (position) => window.__ipc.emit("tauri://drag-drop", { paths: ["/home/thu/Phu luc so lieu.pdf", "/home/thu/ghi chú.txt"], position }),
      at,
    );
    await page.waitForFunction(() => window.__ipc.calls.filter((c) => c.cmd === "add_document").length === 3);
    assert.deepEqual(await lastArgs("add_document"), { agendaItemId: itemId, path: "/home/thu/Phu luc so lieu.pdf", title: null, handling: { no_print: true, no_export: false } });
    assert.equal(await attach("builder-doc-error").textContent(), "Không đính kèm ghi chú.txt: chỉ nhận tệp PDF.");
    await page.waitForFunction((id) => document.querySelectorAll(`[data-item-id="${id}"] [data-testid="builder-document"]`).length === 2, itemId);
    await report.locator('[data-testid="builder-document"]').first().scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(OUT, "browser-builder-items.png") });
    // "Ký số" on the first document: the token's library and PIN, then the signed version.
    const firstDoc = report.locator('[data-testid="builder-document"]').first();
    const signedId = await firstDoc.getAttribute("data-document-id");
    await firstDoc.locator('[data-testid="builder-sign-panel"] summary').click();
    await firstDoc.locator('[data-testid="builder-sign-module"]').fill("/usr/lib/x86_64-linux-gnu/libbkavca.so");
    await firstDoc.locator('[data-testid="builder-sign-pin"]').fill("135790");
    await firstDoc.locator('[data-testid="builder-sign-location"]').fill("Hà Nội");
    await page.screenshot({ path: path.join(OUT, "browser-builder-sign.png") });
    await firstDoc.locator('[data-testid="builder-sign-submit"]').click();
    // The list is drawn again with the new version (and may reorder): find the document by its id.
    const signedDoc = page.locator(`[data-testid="builder-document"][data-document-id="${signedId}"]`);
    const signed = signedDoc.locator('[data-testid="builder-sign-outcome"][data-state="done"]');
    await signed.waitFor();
    assert.match(await signed.textContent(), /^✓ Đã ký số/);
    assert.deepEqual((await lastArgs("sign_document")).request.pin, "135790");
    assert.equal(await report.evaluate((el) => el.classList.contains("builder-drop-target")), false);
    // Dropped beside the agenda: nothing is attached, and the secretariat is told where to drop.
    await page.evaluate(() => window.__ipc.emit("tauri://drag-drop", { paths: ["/home/thu/x.pdf"], position: { x: 5, y: 5 } }));
    await byId("builder-drop-notice").waitFor();
    assert.equal(await byId("builder-drop-notice").textContent(), "Thả tệp PDF lên một mục của chương trình họp để đính kèm.");
    assert.equal((await ipcCalls("add_document")).length, 3);

    // The new documents' keys are awaited: the panel says so.
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="pending-key-group"]').length === 3);
    assert.deepEqual(await byId("pending-key-title").allTextContents(), [
      "Báo cáo kinh tế - xã hội tháng 11",
      "Dự thảo Luật Dữ liệu (sửa đổi)",
      "Phu luc so lieu",
    ]);
    assert.match(await byId("pending-key-group").first().textContent(), /Phạm Quốc Hùng · 1 thiết bị/);
  });

  await t.test("publishes the meeting; a sync sends it and refreshes the keys", async () => {
    await byId("builder-meeting-publish").click();
    await page.waitForSelector('[data-testid="builder-meeting"][aria-current="true"] [data-status="published"]');
    const meetingId = await byId("builder-meeting-form").getAttribute("data-meeting-id");
    assert.deepEqual(await lastArgs("update_meeting"), { meetingId, request: { title: null, starts_at: null, status: "published", details: null } });
    assert.equal(await byId("builder-meeting-publish").count(), 0);
    assert.equal(await byId("builder-status-outcome").textContent(), "Đã lưu trên máy, sẽ gửi khi có mạng");
    assert.equal(await byId("builder-meeting-cancel").isVisible(), true);
    await byId("builder-meeting-form").scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(OUT, "browser-builder.png"), fullPage: true });

    const keysBefore = (await ipcCalls("pending_keys")).length;
    await byId("sync-now").click();
    await page.waitForFunction(() => document.querySelector('[data-testid="sync-status"]')?.dataset.state === "online");
    await page.waitForFunction((n) => window.__ipc.calls.filter((c) => c.cmd === "pending_keys").length > n, keysBefore);
    assert.equal(await byId("sync-waiting").isVisible(), false);

    // Everyone's agenda shows the meeting's details and the items' status.
    await byId("meetings-tab").click();
    await page.locator(`[data-testid="meeting-item"][data-meeting-id="${meetingId}"]`).click();
    await byId("agenda-facts").waitFor();
    assert.equal(await byId("agenda-kind").locator("dd").textContent(), "Phiên họp thường kỳ");
    assert.equal(await byId("agenda-place").locator("dd").textContent(), "Phòng họp số 1, Trụ sở Chính phủ");
    assert.equal(await byId("agenda-participants").locator("dd").textContent(), "Nguyễn Thị Lan, Trần Văn Nam, Phạm Quốc Hùng");
    assert.equal(await byId("agenda-substitutes").locator("dd").textContent(), "Đỗ Minh Phó dự thay Phạm Quốc Hùng");
    assert.deepEqual(await byId("agenda-item-status").allTextContents(), ["Đang thảo luận"]);
    // Both documents were marked "no print" (the dropped one with the item's marks as they stood).
    assert.deepEqual(await byId("document-no-print").allTextContents(), ["Không được in", "Không được in"]);
    await page.screenshot({ path: path.join(OUT, "browser-builder-agenda.png") });
  });

  await t.test("a member does not see the builder", async () => {
    await page.evaluate((member) => {
      window.__ipc.setProfile(member);
      window.__ipc.emit("sync-status-changed", null);
    }, PROFILE(PEOPLE[1]));
    await page.waitForFunction(() => document.querySelector('[data-testid="person-role"]')?.textContent === "Thành viên");
    assert.equal(await byId("builder-tab").isVisible(), false);
    assert.equal(await byId("builder-pane").isVisible(), false);
  });

  await t.test("the reader blocks printing a no-print document", async () => {
    await page.locator('[data-testid="meeting-item"][data-meeting-id="m-1"]').click();
    await page.locator(`[data-testid="open-document"][data-document-id="${DOC_ID}"]`).click();
    await page.waitForSelector('[data-testid="reader-page"][data-state="loaded"]');
    assert.equal(await byId("reader-no-print").textContent(), "Không được in");
    assert.equal(await byId("reader-no-export").textContent(), "Không được xuất");
    // Was the print shortcut's default (the print dialog) prevented? Checked after the app's own handler.
    await page.evaluate(() => {
      window.__printPrevented = [];
      window.addEventListener("keydown", (e) => {
        if (e.key.toLowerCase() === "p") window.__printPrevented.push(e.defaultPrevented);
      });
    });
    assert.equal(await byId("reader-print-blocked").isVisible(), false);
    await byId("reader-canvas").focus();
    await page.keyboard.press("Control+p");
    await byId("reader-print-blocked").waitFor();
    assert.equal(await byId("reader-print-blocked").textContent(), "Tài liệu này không được in. Vui lòng đọc trong ứng dụng.");
    // Even from a text field.
    await byId("reader-search-input").focus();
    await page.keyboard.press("Control+Shift+P");
    assert.deepEqual(await page.evaluate(() => window.__printPrevented), [true, true]);
    // Printed anyway (from a menu), the page shows a notice instead of the document.
    await page.emulateMedia({ media: "print" });
    assert.equal(await byId("reader-body").isVisible(), false);
    assert.equal(await byId("reader-print-only").isVisible(), true);
    await page.emulateMedia({ media: "screen" });
    assert.equal(await byId("reader-body").isVisible(), true);
    assert.equal(await byId("reader-print-only").isVisible(), false);
  });

  await t.test("what changed since the previous version; a page number jumps there", async () => {
    assert.equal(await byId("reader-changes").textContent(), "Xem thay đổi");
    assert.equal(await byId("reader-changes").getAttribute("aria-expanded"), "false");
    await byId("reader-changes").click();
    await byId("reader-change").first().waitFor();
    assert.deepEqual((await ipcCalls("document_changes")).map((c) => c.args), [{ documentId: DOC_ID, from: null }]);
    assert.equal(await byId("reader-changes").getAttribute("aria-expanded"), "true");
    assert.equal(await page.evaluate(() => document.activeElement?.id), "reader-changes-title");
    assert.equal(
      await byId("reader-changes-summary").textContent(),
      "Từ bản 1 (7 trang) sang bản 2 (8 trang)2 chỗ thay đổi: bỏ 1 dòng, thêm 3 dòng",
    );
    assert.equal(await byId("reader-change").count(), 2);
    assert.deepEqual(await byId("reader-change-removed").allTextContents(), ["Điều 5. Dữ liệu cá nhân được thu thập khi có sự đồng ý."]);
    assert.deepEqual(await byId("reader-change-added").allTextContents(), [
      "Điều 5. Dữ liệu cá nhân chỉ được thu thập khi có sự đồng ý bằng văn bản.",
      "Điều 12a. Sàn giao dịch dữ liệu.",
      "Nhà nước quản lý sàn giao dịch dữ liệu.",
    ]);
    const style = await byId("reader-change-removed").evaluate((el) => {
      const s = getComputedStyle(el);
      return [s.textDecorationLine, s.color];
    });
    assert.deepEqual(style, ["line-through", "rgb(180, 35, 24)"]);
    assert.equal(await byId("reader-change-added").first().evaluate((el) => getComputedStyle(el).color), "rgb(29, 122, 70)");
    assert.deepEqual(await byId("reader-change-old-pages").allTextContents(), ["Ở bản 1: trang 3", "Ở bản 1: trang 6–7"]);
    assert.deepEqual(await byId("reader-change-page").allTextContents(), ["3", "5", "6"]);

    // A click on a page goes there.
    await page.locator('[data-testid="reader-change-page"][data-page="5"]').click();
    await page.waitForSelector('[data-testid="reader-page"][data-page="5"][data-state="loaded"]');
    assert.equal(await byId("reader-page-input").inputValue(), "5");
    assert.equal(await page.locator('[data-testid="reader-change-page"][data-page="5"]').getAttribute("aria-current"), "true");
    await page.screenshot({ path: path.join(OUT, "browser-reader-changes.png") });
    // So does the keyboard.
    await page.locator('[data-testid="reader-change-page"][data-page="3"]').focus();
    await page.keyboard.press("Enter");
    await page.waitForSelector('[data-testid="reader-page"][data-page="3"][data-state="loaded"]');
    // Escape closes the panel (not the reader) and returns to its button.
    await page.keyboard.press("Escape");
    assert.equal(await byId("reader-changes-panel").isVisible(), false);
    assert.equal(await byId("reader").count(), 1);
    assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), "reader-changes");

    // A revision with no text changes says so.
    await page.evaluate((changes) => window.__ipc.setChanges({ ...changes, hunks: [] }), FIXTURE.changes);
    await page.keyboard.press("Enter");
    await byId("reader-changes-none").waitFor();
    assert.equal(await byId("reader-changes-none").textContent(), "Không có thay đổi về nội dung chữ.");
    await byId("reader-changes-close").click();
    assert.equal(await byId("reader-changes-panel").isVisible(), false);
  });

  await t.test("in English", async () => {
    await byId("lang-en").click();
    await page.waitForFunction(() => document.documentElement.lang === "en");
    await byId("reader").waitFor();
    assert.equal(await byId("reader-changes").textContent(), "See what changed");
    assert.equal(await byId("reader-no-print").textContent(), "No printing");
    await byId("reader-back").click();
    await byId("agenda").waitFor();
    assert.equal(await byId("agenda-kind").locator("dd").textContent(), "Thematic sitting");
  });

  await t.test("no script errors on the page", () => {
    assert.deepEqual(pageErrors, []);
  });
});

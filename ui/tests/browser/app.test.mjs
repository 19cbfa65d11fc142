// End-to-end check of the built UI (ui/dist) in headless Chromium, with the
// Tauri IPC replaced by an in-page mock. Run `npm run build` first.
import { tauriBridge } from "./tauri-bridge.mjs";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { mkdir, readFile } from "node:fs/promises";
import path from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const UI_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const DIST = path.join(UI_DIR, "dist");
const OUT = path.join(UI_DIR, "test-output");
const ORIGIN = "http://ecabinet.test";
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

const CONTENT_TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".json": "application/json",
  ".woff2": "font/woff2",
};

const GOOD_CODE = "7QK2-M9XD-4TBN-C8WH";
const MEMBER_ID = "0193a4f0-0000-7000-8000-0000000000a1";
const WRONG_CODE = "7QK2-M9XD-4TBN-XXXX";
const DEVICE_NAME = "Máy tính bảng của Bộ trưởng";

/** Data the mocked engine serves (Vietnamese, as in production). */
const FIXTURE = {
  goodCode: GOOD_CODE,
  profile: {
    device_id: "0193a4f0-0000-7000-8000-000000000001",
    device_name: DEVICE_NAME,
    server_url: "http://127.0.0.1:8443",
    person: {
      id: MEMBER_ID,
      organisation_id: "0193a4f0-0000-7000-8000-0000000000f1",
      name: "Nguyễn Thị Lan",
      role: "member",
    },
    organisation: { id: "0193a4f0-0000-7000-8000-0000000000f1", name: "Văn phòng Chính phủ" },
  },
  sync: { state: "online", last_sync: "2026-11-24T07:05:00Z", cursor: 42, last_error: null, waiting_to_send: 0, rejected: [] },
  // Deliberately not in display order: the later meeting comes first.
  meetings: [
    {
      id: "m-2",
      organisation_id: "0193a4f0-0000-7000-8000-0000000000f1",
      title: "Phiên họp Chính phủ thường kỳ tháng 12 năm 2099",
      starts_at: "2099-12-03T01:30:00Z",
      status: "draft",
      created_by: "0193a4f0-0000-7000-8000-0000000000a0",
    },
    {
      id: "m-1",
      organisation_id: "0193a4f0-0000-7000-8000-0000000000f1",
      title: "Phiên họp chuyên đề về xây dựng pháp luật tháng 11 năm 2099",
      starts_at: "2099-11-26T02:00:00Z",
      status: "published",
      created_by: "0193a4f0-0000-7000-8000-0000000000a0",
    },
  ],
  // Positions deliberately out of order.
  agendas: {
    "m-1": [
      { id: "i-3", meeting_id: "m-1", position: 3, title: "Đề nghị xây dựng Luật sửa đổi, bổ sung một số điều của Luật Đầu tư công" },
      { id: "i-1", meeting_id: "m-1", position: 1, title: "Dự án Luật Dữ liệu (sửa đổi)" },
      { id: "i-2", meeting_id: "m-1", position: 2, title: "Báo cáo tình hình kinh tế - xã hội tháng 11" },
    ],
    "m-2": [],
  },
  documents: {
    "m-1": [
      {
        id: "d-1", version: 1, agenda_item_id: "i-1", meeting_id: "m-1", title: "Dự thảo Luật Dữ liệu (sửa đổi)",
        size: 96232, chunk_count: 1, manifest: "{}", manifest_signature: "", uploader_signing_key: "",
        published_at: "2026-11-20T02:00:00Z",
      },
    ],
  },
};

/** A vote on the first item of m-1, as list_motions returns it: open, then closed with its result. */
const OPEN_MOTION = {
  id: "mo-1",
  meeting_id: "m-1",
  agenda_item_id: "i-1",
  question: "Thông qua dự án Luật Dữ liệu (sửa đổi)?",
  options: ["yes", "no", "abstain"],
  rule: "simple",
  base: "present",
  quorum: 10,
  status: "open",
  opened_at: "2099-11-26T02:30:00Z",
  closes_at: "2099-11-26T02:45:00Z",
  closed_at: null,
  votes_cast: 2,
  tally: null,
};
const TALLY = {
  counts: [["yes", 15], ["no", 2], ["abstain", 1]],
  present: 18,
  members: 21,
  base: 18,
  required: 10,
  quorum_met: true,
  adopted: true,
  named: [[MEMBER_ID, "yes"]],
};
const CLOSED_MOTION = { ...OPEN_MOTION, status: "closed", closed_at: "2099-11-26T02:44:00Z", votes_cast: 18, tally: TALLY };

/** Members of the mocked cabinet besides the signed-in one (the app knows people by id only). */
const MANDATOR_ID = "0193a4f0-0000-7000-8000-0000000000a2";
const THIRD_ID = "0193a4f0-0000-7000-8000-0000000000a3";
const FOURTH_ID = "0193a4f0-0000-7000-8000-0000000000a4";
const SECRETARY_PROFILE = {
  ...FIXTURE.profile,
  person: { ...FIXTURE.profile.person, id: "0193a4f0-0000-7000-8000-0000000000a0", name: "Lê Văn Thư", role: "secretary" },
};
const OBJECTION = "Chưa đánh giá tác động đối với doanh nghiệp nhỏ";
const COMMENT = "Đề nghị làm rõ khoản 2 Điều 5";

/**
 * A request for written opinions on the draft law: the member answers for
 * themself and, under a mandate, for another. Its deadline is two days and a
 * bit from now on the real clock (the app counts time left from it).
 */
const DEADLINE = new Date(Date.now() + 50 * 3600_000).toISOString();
const OPINION_REQUEST = {
  request: {
    id: "r-1",
    agenda_item_id: "i-1",
    question: "Xin ý kiến thành viên Chính phủ về dự thảo Luật Dữ liệu (sửa đổi)",
    documents: ["d-1"],
    answers: ["agree", "disagree", "agree_with_comments"],
    deadline: DEADLINE,
    recipients: [MEMBER_ID, MANDATOR_ID, THIRD_ID, FOURTH_ID],
    mandates: [{ member: MANDATOR_ID, substitute: MEMBER_ID }],
    reminders: [],
    created_at: "2099-11-20T02:00:00Z",
  },
  answering_for: [MEMBER_ID, MANDATOR_ID],
  responses: [],
  reminded: 1,
};
const ANSWERED_AT = new Date(Date.now() - 3600_000).toISOString();
const received = (respondent, signer, choice, comment, seq, late = false) => ({
  response: { request_id: "r-1", respondent, signer, device_id: "dev", choice, comment, annotations: [], submitted_at: ANSWERED_AT, nonce: "", signature: "" },
  seq,
  received_at: ANSWERED_AT,
  late,
});
/** What opinion_status tells the secretariat. */
const OPINION_STATUS = {
  request: OPINION_REQUEST.request,
  counted: [received(MANDATOR_ID, MEMBER_ID, "agree_with_comments", COMMENT, 61), received(THIRD_ID, THIRD_ID, "disagree", "Chưa phù hợp với Luật An ninh mạng", 62)],
  late: [received(FOURTH_ID, FOURTH_ID, "agree", "", 63, true)],
  superseded: [],
  not_answered: [MEMBER_ID, FOURTH_ID],
  per_answer: [["agree", 0], ["disagree", 1], ["agree_with_comments", 1]],
};

/**
 * Runs in the page before any of its scripts. It stands in for what the Tauri
 * runtime injects (window.__TAURI_INTERNALS__), the way @tauri-apps/api/mocks'
 * mockIPC does: invoke() answers the app's commands and the event plugin's
 * listen/unlisten; transformCallback() registers callbacks that events run.
 * Rejections carry a plain UiError object, as the real bridge does.
 */
function installTauriMock(fixture) {
  const calls = [];
  const bridge = window.__installTauriBridge((cmd, args) => invoke(cmd, args));
  // The engine keeps its profile on disk; the mock keeps it across reloads.
  let enrolled = sessionStorage.getItem("mock.enrolled") === "1";
  let sync = fixture.sync;
  let profile = fixture.profile;
  let motions = [];
  // Positions: this person's own (set_position), everyone's as the secretariat sees them (set by the test).
  const stances = new Map();
  let summaries = {};
  let opinionRequests = [];
  let opinionStatus = {};
  // Draft answers, private to the member's devices: one already saved on another device.
  const drafts = { "r-1": { choice: "agree_with_comments", comment: "Nháp soạn trên máy tính bảng", saved_at: "2099-11-21T02:00:00Z" } };
  const annotationOn = (id, page, mine, text) => ({
    id, document_id: "d-1", author_id: mine ? profile.person.id : "someone-else", author_name: mine ? profile.person.name : "Trần Văn Nam", mine,
    kind: "note", page, placement: "exact", anchor: { version: 1, page, rects: [], quote: "dữ liệu số", before: "", after: "" },
    colour: "yellow", text, ink: [], share: "private", waiting_to_send: false, updated_at: null,
  });
  const quiet = { no_objection: [], objections: [], speakers: [], silent: [], proposed_without_discussion: true };

  const fail = (code, message) => ({ code, message });
  // The idle lock: a PIN (none at first) and whether the app is locked.
  const pin = { value: null, locked: false, idle: 5 };
  const lockStatus = () => ({ pin_set: pin.value !== null, locked: pin.locked, idle_minutes: pin.idle, retry_in_seconds: null });
  const wait = bridge.wait;

  async function invoke(cmd, args = {}) {
    calls.push({ cmd, args: JSON.parse(JSON.stringify(args)) });
    switch (cmd) {
      case "app_status":
        return enrolled ? { profile, sync, lock: lockStatus() } : { profile: null, sync: null, lock: lockStatus() };
      case "lock_status":
      case "note_activity":
        return lockStatus();
      case "lock_now":
        if (pin.value !== null) pin.locked = true;
        return lockStatus();
      case "unlock":
        if (args.pin !== pin.value) throw fail("wrong_pin", "wrong PIN (2 tries before a wait)");
        pin.locked = false;
        return lockStatus();
      case "set_pin":
        if (pin.value !== null && args.current !== pin.value) throw fail("wrong_pin", "wrong PIN (2 tries before a wait)");
        Object.assign(pin, { value: args.newPin, idle: args.idleMinutes });
        return lockStatus();
      case "enroll":
        await wait("enroll");
        if (enrolled) throw fail("already_enrolled", "device is already enrolled");
        if (args.code !== fixture.goodCode) throw fail("unknown_code", "enrolment code not recognised");
        enrolled = true;
        sessionStorage.setItem("mock.enrolled", "1");
        return { profile: { ...fixture.profile, device_name: args.deviceName ?? "" }, sync };
      case "sync_now":
        return sync;
      case "list_meetings":
        if (!enrolled) throw fail("not_enrolled", "device is not enrolled");
        return fixture.meetings;
      case "meeting_agenda": {
        const meeting = fixture.meetings.find((m) => m.id === args.meetingId);
        if (!meeting) throw fail("not_found", "meeting not found");
        return { meeting, items: fixture.agendas[meeting.id] ?? [], documents: fixture.documents[meeting.id] ?? [], access: [], revised: [] };
      }
      case "list_motions":
        return motions.filter((m) => m.meeting_id === args.meetingId);
      case "cast_vote":
        return { outcome: "counted", seq: 57 };
      case "check_in":
        return {
          meeting_id: args.meetingId,
          person_id: fixture.profile.person.id,
          presence: { status: args.remote ? "remote" : "present" },
          recorded_at: "2099-11-26T02:05:00Z",
        };
      case "list_positions":
        return (fixture.agendas[args.meetingId] ?? []).map((item) => ({
          item,
          summary: summaries[item.id] ?? quiet,
          mine: stances.get(item.id) ?? null,
          decision: null,
        }));
      case "set_position":
        stances.set(args.agendaItemId, args.stance);
        return { outcome: "counted", seq: 60 };
      case "adopt_without_discussion":
        return [];
      case "list_opinion_requests":
        return opinionRequests;
      case "list_people":
        return [];
      case "answer_opinion": {
        const received = {
          response: {
            request_id: args.requestId, respondent: args.onBehalfOf ?? profile.person.id, signer: profile.person.id,
            device_id: profile.device_id, choice: args.choice, comment: args.comment, annotations: args.annotations ?? [],
            submitted_at: new Date().toISOString(), nonce: "", signature: "",
          },
          seq: 61,
          received_at: new Date().toISOString(),
          late: false,
        };
        opinionRequests = opinionRequests.map((v) => (v.request.id === args.requestId ? { ...v, responses: [...v.responses, received] } : v));
        return { outcome: "counted", seq: 61 };
      }
      case "opinion_draft":
        return drafts[args.requestId] ?? null;
      case "save_opinion_draft":
        drafts[args.requestId] = { choice: args.choice, comment: args.comment, saved_at: new Date().toISOString() };
        return null;
      case "list_annotations":
        // The member's own note on the draft law, and a colleague's highlight (not offered as a link).
        return {
          document_id: args.documentId,
          version: 1,
          locked: 0,
          annotations: args.documentId === "d-1" ? [annotationOn("n-1", 2, true, "Khoản 2 Điều 5 chưa rõ"), annotationOn("h-2", 4, false, "")] : [],
        };
      case "opinion_status":
        if (!opinionStatus[args.requestId]) throw fail("server_unreachable", "connection refused");
        return opinionStatus[args.requestId];
      case "verify_tally": {
        const motion = motions.find((m) => m.id === args.motionId);
        if (motion?.status !== "closed") throw fail("conflict", "the ballots are published when the vote closes");
        return { motion_id: motion.id, ballots_checked: 18, recount: motion.tally, matches_published: true, own_ballot_included: true, problems: [] };
      }
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


  // Test-side controls.
  window.__ipc = {
    calls,
    hold: bridge.hold,
    release: bridge.release,
    setSync(next) {
      sync = next;
    },
    setMotions(next) {
      motions = next;
    },
    setProfile(next) {
      profile = next;
    },
    setPositionSummaries(next) {
      summaries = next;
    },
    setOpinions(requests, status = {}) {
      opinionRequests = requests;
      opinionStatus = status;
    },
    emit: bridge.emit,
  };
}

let browser;
let context;
let page;
const pageErrors = [];

before(async () => {
  assert.ok(existsSync(path.join(DIST, "index.html")), "ui/dist is missing: run `npm run build` first");
  await mkdir(OUT, { recursive: true });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
      "--disable-quic",
    ],
  });
  context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: "vi-VN" });
  // Nothing leaves the machine: everything not served from dist is refused.
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

test("eCabinet desktop UI", async (t) => {
  await t.test("starts on the Vietnamese enrolment screen when not enrolled", async () => {
    await page.goto(`${ORIGIN}/`);
    await byId("enroll-screen").waitFor();
    assert.equal(await page.getAttribute("html", "lang"), "vi");
    assert.equal(await page.locator("h1").textContent(), "Đăng ký thiết bị");
    assert.equal(await byId("enroll-server-url").inputValue(), "http://127.0.0.1:8443");
    assert.equal(await byId("enroll-code").getAttribute("placeholder"), GOOD_CODE);
    assert.equal(await byId("enroll-error").isVisible(), false);
    assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), "enroll-code");
    assert.deepEqual((await ipcCalls("app_status")).length, 1);
  });

  await t.test("a wrong code shows progress, then the Vietnamese unknown_code message", async () => {
    await byId("enroll-code").fill(WRONG_CODE);
    await byId("enroll-device-name").fill(DEVICE_NAME);
    await page.evaluate(() => window.__ipc.hold("enroll"));
    await byId("enroll-submit").click();
    await page.waitForSelector('[data-testid="enroll-form"][aria-busy="true"]');
    assert.equal((await byId("enroll-submit").textContent()).trim(), "Đang đăng ký…");
    assert.equal(await byId("enroll-code").evaluate((el) => el.readOnly), true);
    await page.evaluate(() => window.__ipc.release("enroll"));

    await byId("enroll-error").waitFor({ state: "visible" });
    const error = await byId("enroll-error").textContent();
    assert.match(error, /Mã đăng ký không đúng\. Vui lòng kiểm tra lại mã đã được cấp\./);
    assert.doesNotMatch(error, /not recognised/, "the engine's English text is replaced by the catalogue's");
    assert.equal(await byId("enroll-code").inputValue(), WRONG_CODE, "inputs keep their values");
    assert.equal(await byId("enroll-device-name").inputValue(), DEVICE_NAME);
    assert.equal(await byId("enroll-code").getAttribute("aria-invalid"), "true");
    assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), "enroll-code");
    assert.equal((await byId("enroll-submit").textContent()).trim(), "Đăng ký thiết bị");
    await page.screenshot({ path: path.join(OUT, "browser-enroll-error.png") });
  });

  await t.test("the right code opens the main screen with the organisation and meetings", async () => {
    await byId("enroll-code").fill(GOOD_CODE);
    await byId("enroll-submit").click();
    await byId("main-screen").waitFor();
    await byId("meeting-item").first().waitFor();
    assert.equal(await byId("org-name").textContent(), "Văn phòng Chính phủ");
    assert.equal(await byId("person-name").textContent(), "Nguyễn Thị Lan");
    assert.equal(await byId("person-role").textContent(), "Thành viên");
    assert.equal(await byId("sync-state").textContent(), "Trực tuyến");
    assert.equal(await byId("sync-last").textContent(), "Đồng bộ lúc 14:05 24/11/2026");
    assert.deepEqual(await byId("meeting-title").allTextContents(), [
      "Phiên họp chuyên đề về xây dựng pháp luật tháng 11 năm 2099",
      "Phiên họp Chính phủ thường kỳ tháng 12 năm 2099",
    ]);
    assert.deepEqual(await byId("meeting-when").allTextContents(), [
      "Thứ Năm, 26/11/2099 · 09:00",
      "Thứ Năm, 03/12/2099 · 08:30",
    ]);
    assert.deepEqual(await byId("meeting-status").allTextContents(), ["Đã công bố", "Bản nháp"]);
    // The nearest upcoming meeting opens by itself.
    await byId("agenda-item").first().waitFor();
    assert.equal(await byId("agenda-title").textContent(), FIXTURE.meetings[1].title);

    const enrolls = await ipcCalls("enroll");
    assert.deepEqual(
      enrolls.map((c) => c.args),
      [
        { serverUrl: "http://127.0.0.1:8443", code: WRONG_CODE, deviceName: DEVICE_NAME },
        { serverUrl: "http://127.0.0.1:8443", code: GOOD_CODE, deviceName: DEVICE_NAME },
      ],
    );
    assert.equal((await ipcCalls("list_meetings")).length, 1);
  });

  await t.test("selecting a meeting shows its agenda items in order", async () => {
    await byId("meeting-item").first().click();
    await byId("agenda-item").first().waitFor();
    assert.equal(await byId("agenda-title").textContent(), FIXTURE.meetings[1].title);
    assert.deepEqual(await byId("agenda-item-title").allTextContents(), [
      "Dự án Luật Dữ liệu (sửa đổi)",
      "Báo cáo tình hình kinh tế - xã hội tháng 11",
      "Đề nghị xây dựng Luật sửa đổi, bổ sung một số điều của Luật Đầu tư công",
    ]);
    assert.deepEqual(await page.locator('[data-testid="agenda-item"] .agenda-num').allTextContents(), ["1.", "2.", "3."]);
    // The draft law's document is listed under the first item only.
    const firstItemDocs = byId("agenda-item").first().locator('[data-testid="agenda-document-title"]');
    assert.deepEqual(await firstItemDocs.allTextContents(), ["Dự thảo Luật Dữ liệu (sửa đổi)"]);
    assert.equal(await byId("agenda-document").count(), 1);
    assert.equal(await byId("meeting-item").first().getAttribute("aria-current"), "true");
    assert.deepEqual((await ipcCalls("meeting_agenda")).map((c) => c.args), [{ meetingId: "m-1" }]);
    await page.screenshot({ path: path.join(OUT, "browser-agenda-vi.png") });
  });

  await t.test("the meeting list works from the keyboard", async () => {
    await byId("meeting-item").first().focus();
    await page.keyboard.press("ArrowDown");
    await page.keyboard.press("Enter");
    await byId("agenda-no-items").waitFor();
    assert.equal(await byId("agenda-title").textContent(), FIXTURE.meetings[0].title);
    await page.keyboard.press("ArrowUp");
    await page.keyboard.press("Enter");
    await byId("agenda-item").first().waitFor();
    assert.equal(await byId("agenda-item").count(), 3);
    assert.deepEqual(
      (await ipcCalls("meeting_agenda")).map((c) => c.args.meetingId),
      ["m-1", "m-2", "m-1"],
    );
  });

  await t.test("a sync-status-changed event refreshes the status and the list", async () => {
    const before = (await ipcCalls("list_meetings")).length;
    assert.equal(await byId("sync-waiting").isVisible(), false, "nothing waits to be sent yet");
    await page.evaluate(() => {
      const next = {
        state: "offline", last_sync: "2026-11-24T08:30:00Z", cursor: 43,
        last_error: { code: "server_unreachable", message: "connection refused" },
        waiting_to_send: 2,
        rejected: [{ op_id: "op-1", kind: "annotation", entity_id: "a-1", code: "forbidden", reason: "you may not read this document, so you cannot annotate it" }],
      };
      window.__ipc.setSync(next);
      window.__ipc.emit("sync-status-changed", next);
    });
    await page.waitForFunction(() => document.querySelector('[data-testid="sync-status"]')?.dataset.state === "offline");
    assert.equal(await byId("sync-state").textContent(), "Ngoại tuyến");
    assert.equal(await byId("sync-last").textContent(), "Đồng bộ lúc 15:30 24/11/2026");
    // Notes made offline wait on this device; a refused one is explained in Vietnamese.
    assert.equal(await byId("sync-waiting").textContent(), "2 thay đổi chờ gửi");
    assert.match(await byId("sync-rejected").textContent(), /Máy chủ không nhận 1 thay đổi của bạn:/);
    assert.deepEqual(await byId("sync-rejected-item").allTextContents(), [
      "Bạn không có quyền đọc tài liệu này nên không thể ghi chú trên đó.",
    ]);
    assert.ok((await ipcCalls("list_meetings")).length > before);
    // The open agenda stays on screen during a background refresh.
    assert.equal(await byId("agenda-item").count(), 3);

    await page.evaluate(() =>
      window.__ipc.setSync({ state: "online", last_sync: "2026-11-24T08:35:00Z", cursor: 44, last_error: null, waiting_to_send: 0, rejected: [] }),
    );
    await byId("sync-now").click();
    await page.waitForFunction(() => document.querySelector('[data-testid="sync-status"]')?.dataset.state === "online");
    assert.equal(await byId("sync-waiting").isVisible(), false);
    assert.equal(await byId("sync-rejected").count(), 0);
    assert.equal((await ipcCalls("sync_now")).length, 1);
  });

  await t.test("a member votes on an open motion, then sees the result after a sync and verifies it", async () => {
    // The secretariat opens a vote: the server pokes, the app syncs and says so.
    const changeMotions = (next) =>
      page.evaluate((list) => {
        window.__ipc.setMotions(list);
        window.__ipc.emit("sync-status-changed", null);
      }, next);
    await changeMotions([OPEN_MOTION]);
    const card = page.locator('[data-testid="motion-card"][data-motion-id="mo-1"]');
    await card.waitFor();
    assert.equal(await card.getAttribute("data-status"), "open");
    assert.equal(await byId("agenda-item").first().locator('[data-testid="motion-card"]').count(), 1, "under its item");
    assert.equal(await byId("motion-title").textContent(), OPEN_MOTION.question);
    assert.equal(await byId("motion-status").textContent(), "Đang biểu quyết — 2 người đã bỏ phiếu · kết thúc lúc 09:45");
    assert.deepEqual(await byId("vote-option").allTextContents(), ["Tán thành", "Không tán thành", "Không biểu quyết"]);
    assert.equal(await byId("offline-vote-warning").count(), 0, "online: no warning");

    await page.locator('[data-testid="vote-option"][data-choice="yes"]').click();
    await page.waitForSelector('[data-testid="vote-outcome"][data-state="counted"]');
    assert.equal(await byId("vote-outcome").textContent(), "✓ Đã ghi nhận phiếu “Tán thành” của bạn.");
    assert.equal(await page.locator('[data-testid="vote-option"][data-choice="yes"]').getAttribute("aria-pressed"), "true");
    assert.deepEqual((await ipcCalls("cast_vote")).map((c) => c.args), [{ motionId: "mo-1", choice: "yes" }]);

    await byId("check-in-room").click();
    await page.waitForFunction(() => document.querySelector('[data-testid="check-in-room"]')?.getAttribute("aria-pressed") === "true");
    assert.equal(await byId("check-in-status").textContent(), "✓ Đã điểm danh: có mặt tại phòng họp lúc 09:05");
    assert.deepEqual((await ipcCalls("check_in")).map((c) => c.args), [{ meetingId: "m-1", remote: false }]);

    // The vote closes: the next sync brings the result.
    await changeMotions([CLOSED_MOTION]);
    await page.waitForSelector('[data-testid="motion-card"][data-motion-id="mo-1"][data-status="closed"]');
    assert.equal(await byId("vote-option").count(), 0);
    assert.equal(await byId("motion-status").textContent(), "Đã kết thúc lúc 09:44");
    assert.equal(await byId("motion-result").getAttribute("data-adopted"), "true");
    assert.equal(await byId("motion-verdict").textContent(), "Thông qua");
    assert.deepEqual(await byId("motion-count").allTextContents(), ["Tán thành15", "Không tán thành2", "Không biểu quyết1"]);
    assert.deepEqual(await page.locator('[data-testid="motion-result"] .vote-details li').allTextContents(), [
      "Có mặt: 18/21 thành viên",
      "Cần 10/18 phiếu “Tán thành” (quá nửa số thành viên có mặt)",
      "Đủ túc số (10 thành viên)",
    ]);
    assert.equal(await byId("motion-own-vote").textContent(), "Phiếu của bạn: “Tán thành”");

    await byId("motion-verify").click();
    await page.waitForSelector('[data-testid="motion-verification"][data-state="verified"]');
    assert.match(await byId("motion-verification").textContent(), /^✓ Đã kiểm chứng: đếm lại 18 phiếu có chữ ký hợp lệ/);
    assert.deepEqual(await byId("motion-verification-line").allTextContents(), ["Phiếu của bạn được tính đúng như đã bỏ."]);
    assert.deepEqual((await ipcCalls("verify_tally")).map((c) => c.args), [{ motionId: "mo-1" }]);
    await card.scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(OUT, "browser-vote.png") });
  });

  await t.test("a member objects to an item and answers a request for opinions; the secretariat sees the dashboard", async () => {
    await page.evaluate((request) => {
      window.__ipc.setOpinions([request]);
      window.__ipc.emit("sync-status-changed", null);
    }, OPINION_REQUEST);
    // A position on each item, before the meeting.
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="position-control"]').length === 3);
    const control = page.locator('[data-testid="position-control"][data-item-id="i-1"]');
    assert.equal(await control.locator('[data-testid="position-current"]').textContent(), "Bạn chưa cho ý kiến về mục này.");
    await control.locator('[data-testid="position-objection"]').click();
    assert.equal(await control.locator('[data-testid="position-objection"]').getAttribute("aria-pressed"), "true");
    await control.locator('[data-testid="position-reason"]').fill(OBJECTION);
    await control.locator('[data-testid="position-save"]').click();
    await control.locator('[data-testid="position-outcome"][data-state="counted"]').waitFor();
    assert.equal(await control.locator('[data-testid="position-outcome"]').textContent(), "✓ Đã ghi nhận ý kiến “Phản đối” của bạn.");
    assert.equal(await control.locator('[data-testid="position-current"]').textContent(), "Ý kiến hiện tại của bạn: Phản đối");
    assert.deepEqual((await ipcCalls("set_position")).map((c) => c.args), [{ agendaItemId: "i-1", stance: { objection: { reason: OBJECTION } } }]);
    await control.scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(OUT, "browser-positions.png") });

    // Written opinions: the tab counts the request waiting for an answer.
    assert.equal(await byId("opinions-tab").locator(".tab-count").textContent(), "1");
    await byId("opinions-tab").click();
    const request = page.locator('[data-testid="opinion-request"][data-request-id="r-1"]');
    await request.waitFor();
    assert.match(await byId("opinion-deadline").textContent(), /^Hạn trả lời: [^,]+, \d\d\/\d\d\/\d{4} · \d\d:\d\d$/);
    assert.equal(await byId("opinion-time-left").textContent(), "Còn 2 ngày");
    assert.equal(await byId("opinion-state").getAttribute("data-state"), "not_answered");
    assert.equal(await byId("opinion-reminded").textContent(), "Đã nhắc 1 lần");
    assert.deepEqual(await byId("opinion-on-behalf").locator("option").allTextContents(), [
      "Chính tôi (Nguyễn Thị Lan)",
      `Trả lời thay cho ${MANDATOR_ID}`,
    ]);
    // The draft saved on another of the member's devices fills the untouched form.
    await page.waitForFunction(() => document.querySelector('[data-testid="opinion-comment"]')?.value === "Nháp soạn trên máy tính bảng");
    assert.equal(await page.locator('[data-testid="opinion-choice"][data-choice="agree_with_comments"]').isChecked(), true);
    assert.equal(await byId("opinion-draft-saved").textContent(), "Bản nháp đã lưu trên các thiết bị của bạn");
    assert.deepEqual((await ipcCalls("opinion_draft")).map((c) => c.args), [{ requestId: "r-1" }]);
    // Only the member's own annotations on the request's documents are offered as links.
    await byId("opinion-annotation").waitFor();
    assert.deepEqual(await byId("opinion-annotation").evaluateAll((els) => els.map((e) => e.dataset.annotationId)), ["n-1"]);
    assert.equal((await byId("opinion-annotation").locator("xpath=..").textContent()).trim(), "Trang 2: Khoản 2 Điều 5 chưa rõ");
    await byId("opinion-on-behalf").selectOption(MANDATOR_ID);
    await page.locator('[data-testid="opinion-choice"][data-choice="agree_with_comments"]').check();
    await byId("opinion-comment").fill(COMMENT);
    // Leaving the comment saves the draft (private to the member's devices), never an answer.
    await byId("opinion-annotation").check();
    await page.waitForFunction(() => window.__ipc.calls.some((c) => c.cmd === "save_opinion_draft"));
    assert.deepEqual((await ipcCalls("save_opinion_draft")).at(-1).args, { requestId: "r-1", choice: "agree_with_comments", comment: COMMENT });
    await page.waitForSelector('[data-testid="opinion-draft-saved"]:not([hidden])');
    assert.equal((await ipcCalls("answer_opinion")).length, 0);
    await byId("opinion-submit").click();
    await page.waitForSelector('[data-testid="opinion-outcome"][data-state="counted"]');
    assert.equal(await byId("opinion-outcome").textContent(), "✓ Đã ghi nhận ý kiến “Đồng ý, có ý kiến khác”.");
    assert.deepEqual((await ipcCalls("answer_opinion")).map((c) => c.args), [
      { requestId: "r-1", choice: "agree_with_comments", comment: COMMENT, onBehalfOf: MANDATOR_ID, annotations: ["n-1"] },
    ]);
    await byId("opinion-response").waitFor();
    assert.match(await byId("opinion-response").textContent(), new RegExp(`^Đồng ý, có ý kiến khác \\(thay cho ${MANDATOR_ID}\\)`));
    assert.equal(await byId("offline-opinion-warning").count(), 0, "online: no warning");

    // The secretariat's view of the same request.
    await page.evaluate(
      ([secretary, summaries, request, status]) => {
        window.__ipc.setProfile(secretary);
        window.__ipc.setPositionSummaries(summaries);
        window.__ipc.setOpinions([{ ...request, answering_for: [], reminded: 0 }], { "r-1": status });
        window.__ipc.emit("sync-status-changed", null);
      },
      [
        SECRETARY_PROFILE,
        { "i-1": { no_objection: [THIRD_ID], objections: [[MEMBER_ID, OBJECTION]], speakers: [MANDATOR_ID], silent: [FOURTH_ID], proposed_without_discussion: false } },
        OPINION_REQUEST,
        OPINION_STATUS,
      ],
    );
    await page.waitForSelector('[data-testid="opinion-dashboard"][data-state="ready"]');
    assert.equal(await byId("person-role").textContent(), "Thư ký");
    assert.equal(await byId("opinion-form").count(), 0);
    assert.equal(await byId("opinion-outcome").count(), 0, "the secretariat answers nothing here");
    assert.equal(await byId("opinion-progress").textContent(), "Đã trả lời: 2/4 · Còn 2 ngày");
    assert.deepEqual(await byId("opinion-count").allTextContents(), ["Đồng ý0", "Không đồng ý1", "Đồng ý, có ý kiến khác1"]);
    assert.deepEqual(await byId("opinion-row").evaluateAll((rows) => rows.map((r) => [r.dataset.respondent, r.dataset.late])), [
      [THIRD_ID, "false"],
      [MANDATOR_ID, "false"],
      [FOURTH_ID, "true"],
    ]);
    assert.equal(await byId("opinion-signed-by").textContent(), ` · ký thay: ${MEMBER_ID}`);
    assert.match(await page.locator('[data-testid="opinion-row"][data-late="true"]').textContent(), /Nộp trễ, không được tính/);
    assert.equal(await byId("opinion-not-answered").textContent(), `Chưa trả lời (2): ${MEMBER_ID}, ${FOURTH_ID}`);
    assert.deepEqual((await ipcCalls("opinion_status")).map((c) => c.args), [{ requestId: "r-1" }]);
    await page.screenshot({ path: path.join(OUT, "browser-opinions.png") });

    // And the positions summary on the agenda.
    await byId("meetings-tab").click();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="positions-summary"]').length === 3);
    assert.equal(await byId("position-control").count(), 0);
    const summary = page.locator('[data-testid="positions-summary"][data-item-id="i-1"]');
    assert.equal(await summary.locator(".positions-counts").textContent(), "Không phản đối: 1 · Phản đối: 1 · Đăng ký phát biểu: 1 · Chưa cho ý kiến: 1");
    assert.deepEqual(await summary.locator('[data-testid="positions-objection"]').allTextContents(), [`${MEMBER_ID}: ${OBJECTION}`]);
    assert.deepEqual(await byId("position-standing").allTextContents(), ["Đề xuất thông qua không cần thảo luận", "Đề xuất thông qua không cần thảo luận"]);
    assert.equal(await byId("adopt-quiet-items").textContent(), "Thông qua các mục không có ý kiến");

    // Back to the member, for the tests that follow.
    await page.evaluate((member) => {
      window.__ipc.setProfile(member);
      window.__ipc.setOpinions([]);
      window.__ipc.emit("sync-status-changed", null);
    }, FIXTURE.profile);
    await page.waitForFunction(() => document.querySelector('[data-testid="person-role"]')?.textContent === "Thành viên");
  });

  await t.test("switching to English changes the labels and is remembered", async () => {
    await byId("lang-en").click();
    await page.waitForFunction(() => document.documentElement.lang === "en");
    assert.equal((await byId("sync-now").textContent()).trim(), "Sync now");
    assert.equal(await byId("person-role").textContent(), "Member");
    assert.equal(await byId("sync-state").textContent(), "Online");
    assert.equal(await byId("sync-last").textContent(), "Synced at 15:35, 24 Nov 2026");
    assert.equal(await page.locator("#meetings-heading").textContent(), "Meetings");
    assert.deepEqual(await byId("meeting-status").allTextContents(), ["Published", "Draft"]);
    assert.deepEqual(await byId("meeting-when").allTextContents(), [
      "Thursday 26 Nov 2099 · 09:00",
      "Thursday 3 Dec 2099 · 08:30",
    ]);
    assert.equal(await byId("lang-en").getAttribute("aria-pressed"), "true");
    // Still showing the selected meeting's agenda, now with English chrome.
    assert.equal(await byId("agenda-item").count(), 3);
    assert.equal(await page.locator(".agenda .eyebrow").textContent(), "Agenda");
    await page.screenshot({ path: path.join(OUT, "browser-agenda.png") });

    await page.reload();
    await byId("main-screen").waitFor();
    await byId("meeting-item").first().waitFor();
    assert.equal(await page.getAttribute("html", "lang"), "en");
    assert.equal((await byId("sync-now").textContent()).trim(), "Sync now");
  });

  await t.test("a PIN set from the header locks the window until it is given again", async () => {
    await byId("pin-settings").click();
    await byId("pin-settings-dialog").waitFor();
    await byId("pin-new").fill("135790");
    await byId("pin-confirm").fill("135790");
    await byId("pin-idle").selectOption("10");
    await page.screenshot({ path: path.join(OUT, "browser-pin-settings-en.png") });
    await byId("pin-save").click();
    await byId("pin-settings-dialog").waitFor({ state: "detached" });
    assert.deepEqual((await ipcCalls("set_pin")).map((c) => c.args), [{ current: null, newPin: "135790", idleMinutes: 10 }]);
    await byId("lock-now").click();
    await byId("lock-screen").waitFor();
    assert.equal(await page.locator(".shell").isVisible(), false, "nothing of the app shows behind the lock");
    assert.match(await byId("lock-screen").textContent(), /The app is locked/);
    await page.screenshot({ path: path.join(OUT, "browser-lock-en.png") });
    await byId("lock-pin").fill("000000");
    await byId("lock-unlock").click();
    await page.waitForFunction(() => document.querySelector('[data-testid="lock-error"]')?.textContent?.includes("Wrong PIN"));
    await byId("lock-pin").fill("135790");
    await byId("lock-unlock").click();
    await byId("lock-screen").waitFor({ state: "hidden" });
    assert.equal(await byId("meeting-item").first().isVisible(), true);

    // In Vietnamese, after a restart: the app starts locked.
    await byId("lang-vi").click();
    await page.waitForFunction(() => document.documentElement.lang === "vi");
    await byId("lock-now").click();
    await byId("lock-screen").waitFor();
    assert.match(await byId("lock-screen").textContent(), /Ứng dụng đã khoá/);
    await page.screenshot({ path: path.join(OUT, "browser-lock-vi.png") });
    await byId("lock-pin").fill("135790");
    await byId("lock-unlock").click();
    await byId("lock-screen").waitFor({ state: "hidden" });
  });

  await t.test("no script errors on the page", () => {
    assert.deepEqual(pageErrors, []);
  });
});

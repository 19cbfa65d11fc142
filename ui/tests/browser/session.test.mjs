// End-to-end check of the meeting in session in the built UI (ui/dist), in
// headless Chromium, with the Tauri IPC replaced by an in-page mock (as in
// app.test.mjs) that plays the engine: it keeps a live session, answers the
// session commands and sends `session-changed` as the follower does. Page
// images are served as in reader.test.mjs (a Windows user agent, so pages are
// asked for at http://ecabpage.localhost/…). Run `npm run build` first.
//
// The browser's clock is Playwright's (page.clock): the speaker's timer is
// checked as time passes, and the mocked server's clock runs 90 s behind the
// viewer's, so a timer counted on the viewer's clock alone would be wrong.
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
const CONTENT_TYPES = { ".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8", ".png": "image/png" };

const ORG = "0193a4f0-0000-7000-8000-0000000000f1";
const SECRETARY = "0193a4f0-0000-7000-8000-0000000000a0";
const ME = "0193a4f0-0000-7000-8000-0000000000a1";
const NAM = "0193a4f0-0000-7000-8000-0000000000a2";
const HOA = "0193a4f0-0000-7000-8000-0000000000a3";
const BAO = "0193a4f0-0000-7000-8000-0000000000a4";
const CHAIR = "0193a4f0-0000-7000-8000-0000000000a5";
const MAI = "0193a4f0-0000-7000-8000-0000000000a6";
const DOC = "0193a4f0-0000-7000-8000-0000000000d1";
const DOC_2 = "0193a4f0-0000-7000-8000-0000000000d2";
const SECRET_DOC = "0193a4f0-0000-7000-8000-0000000000d3";
/** The mocked server's clock runs this far from the viewer's (ms): behind it. */
const SKEW = -90_000;

const profile = (id, name, role) => ({
  device_id: "0193a4f0-0000-7000-8000-000000000001",
  device_name: "Máy tính bảng",
  server_url: "http://127.0.0.1:8443",
  person: { id, organisation_id: ORG, name, role },
  organisation: { id: ORG, name: "Văn phòng Chính phủ" },
});
const docOf = (id, item, title) => ({
  id, version: 1, agenda_item_id: item, meeting_id: "m-1", title, size: 96232, chunk_count: 1, manifest: "{}",
  manifest_signature: "", uploader_signing_key: "", published_at: "2026-11-20T02:00:00Z",
});

const FIXTURE = {
  skew: SKEW,
  secretary: profile(SECRETARY, "Lê Văn Thư", "secretary"),
  member: profile(ME, "Nguyễn Thị Lan", "member"),
  chair: CHAIR,
  people: [
    { id: SECRETARY, organisation_id: ORG, name: "Lê Văn Thư", role: "secretary" },
    { id: ME, organisation_id: ORG, name: "Nguyễn Thị Lan", role: "member" },
    { id: NAM, organisation_id: ORG, name: "Trần Văn Nam", role: "member" },
    { id: HOA, organisation_id: ORG, name: "Lê Thị Hoa", role: "member" },
    { id: BAO, organisation_id: ORG, name: "Phạm Quốc Bảo", role: "member" },
    { id: CHAIR, organisation_id: ORG, name: "Vũ Minh Anh", role: "member" },
    { id: MAI, organisation_id: ORG, name: "Đỗ Thị Mai", role: "member" },
  ],
  sync: { state: "online", last_sync: "2026-11-24T07:05:00Z", cursor: 42, last_error: null, waiting_to_send: 0, rejected: [] },
  meeting: {
    id: "m-1", organisation_id: ORG, title: "Phiên họp Chính phủ thường kỳ tháng 11 năm 2099", starts_at: "2099-11-26T02:00:00Z",
    status: "published", created_by: SECRETARY, details: { kind: "regular", place: "Phòng họp A, Văn phòng Chính phủ", chair: CHAIR, participants: [ME, NAM, HOA, BAO, CHAIR] },
  },
  items: [
    { id: "i-1", meeting_id: "m-1", position: 1, title: "Dự án Luật Dữ liệu (sửa đổi)" },
    { id: "i-2", meeting_id: "m-1", position: 2, title: "Báo cáo tình hình kinh tế - xã hội tháng 11" },
    { id: "i-3", meeting_id: "m-1", position: 3, title: "Phương án nhân sự (mật)", restricted: true },
  ],
  /** Who may see the restricted item (the member may not). */
  restricted: { "i-3": [CHAIR, NAM] },
  documents: [
    docOf(DOC, "i-1", "Dự thảo Luật Dữ liệu (sửa đổi)"),
    docOf(DOC_2, "i-2", "Báo cáo kinh tế - xã hội"),
    docOf(SECRET_DOC, "i-3", "Tờ trình nhân sự"),
  ],
  pageCount: 12,
};

/** A closed vote on the first item, with its result. */
const CLOSED_MOTION = {
  id: "mo-1", meeting_id: "m-1", agenda_item_id: "i-1", question: "Thông qua dự án Luật Dữ liệu (sửa đổi)?",
  options: ["yes", "no", "abstain"], rule: "simple", base: "present", quorum: 3, status: "closed",
  opened_at: "2099-11-26T02:30:00Z", closes_at: null, closed_at: "2099-11-26T02:44:00Z", votes_cast: 5,
  tally: { counts: [["yes", 4], ["no", 1], ["abstain", 0]], present: 5, members: 5, base: 5, required: 3, quorum_met: true, adopted: true, named: [] },
};
const OPEN_MOTION = { ...CLOSED_MOTION, status: "open", closed_at: null, votes_cast: 2, tally: null };

/** The minutes as minutes_preview drafts them once the session has ended. */
const MINUTES = {
  meeting_id: "m-1", title: FIXTURE.meeting.title, starts_at: "2099-11-26T02:00:00Z", kind: "regular",
  place: "Phòng họp A, Văn phòng Chính phủ", chair: "Vũ Minh Anh", session_started_at: "2099-11-26T02:01:00Z",
  session_ended_at: "2099-11-26T04:30:00Z", log_length: 42, log_head: "q3HnVb0sXk2LwQe9TzR1uA", participants: 5, present: 4, quorum_needed: 3,
  attendance: [
    { person: ME, name: "Nguyễn Thị Lan", presence: { status: "present" }, substitute: null },
    { person: NAM, name: "Trần Văn Nam", presence: { status: "remote" }, substitute: null },
    { person: HOA, name: "Lê Thị Hoa", presence: { status: "absent", reason: "Đi công tác nước ngoài" }, substitute: null },
    { person: BAO, name: "Phạm Quốc Bảo", presence: { status: "substituted", by: MAI }, substitute: "Đỗ Thị Mai" },
  ],
  items: [
    {
      item: "i-1", position: 1, title: "Dự án Luật Dữ liệu (sửa đổi)", presenting_ministry: "Bộ Công an",
      documents: [{ id: DOC, version: 1, title: "Dự thảo Luật Dữ liệu (sửa đổi)" }],
      positions: { no_objection: 2, speak: 2, objections: [[HOA, "Chưa đánh giá tác động"]] }, taken_up: true,
      speakers: [
        { person: NAM, name: "Trần Văn Nam", kind: "speech", started_at: "2099-11-26T02:10:00Z", duration_seconds: 185 },
        { person: ME, name: "Nguyễn Thị Lan", kind: "point_of_order", started_at: "2099-11-26T02:14:00Z", duration_seconds: 42 },
      ],
      votes: [{ motion: "mo-1", question: CLOSED_MOTION.question, rule: "simple", base: "present", quorum: 3, tally: CLOSED_MOTION.tally }],
      outcome: "adopted", outcome_note: "Giao Bộ Công an tiếp thu", narrative: null,
    },
    {
      item: "i-2", position: 2, title: "Báo cáo tình hình kinh tế - xã hội tháng 11", presenting_ministry: null, documents: [],
      positions: null, taken_up: false, speakers: [], votes: [], outcome: null, outcome_note: null, narrative: null,
    },
  ],
};

/**
 * Runs in the page: the Tauri IPC bridge as an enrolled device whose engine
 * holds a live session. Each session command changes the session and sends
 * `session-changed`, as the follower does; `__ipc` lets the test play the
 * other devices in the room (members asking for the floor, the presenter).
 */
function installTauriMock(fixture) {
  const { ME, NAM, HOA, BAO, CHAIR, MAI } = fixture.ids;
  const calls = [];
  const bridge = window.__installTauriBridge((cmd, args) => invoke(cmd, args));
  // The engine keeps its profile, its session log and its motions across reloads.
  const profile = sessionStorage.getItem("mock.profile") === "member" ? fixture.member : fixture.secretary;
  let offline = false;
  // The online room the app runs (its Rust side is mocked: joined or not, which paths reach it).
  const room = { role: null, serverReachable: true, epoch: null };
  const voice = { joined: null };
  let motions = JSON.parse(sessionStorage.getItem("mock.motions") ?? "[]");
  const serverNow = () => Date.now() + fixture.skew;
  const iso = (ms) => new Date(ms).toISOString();
  const fail = (code, message) => ({ code, message });
  const named = (id) => ({ id, name: fixture.people.find((p) => p.id === id)?.name ?? id });
  // The live session, as the engine folds it from the log.
  const live = JSON.parse(sessionStorage.getItem("mock.live") ?? "null") ?? {
    status: "not_started", seq: 0, requests: 0, started_at: null, ended_at: null, current: null, items: {},
    speaking: null, waiting: [], done: [], speakingSeconds: 180, presenter: null,
    attendance: [
      { person: ME, presence: { status: "present" }, substitute: null },
      { person: NAM, presence: { status: "remote" }, substitute: null },
      { person: HOA, presence: { status: "absent", reason: "Đi công tác nước ngoài" }, substitute: null },
      { person: BAO, presence: { status: "substituted", by: MAI }, substitute: MAI },
      { person: CHAIR, presence: { status: "present" }, substitute: null },
    ],
  };
  const mayRead = (item) => profile.person.role === "secretary" || !fixture.restricted[item] || fixture.restricted[item].includes(profile.person.id);

  function view() {
    const me = profile.person.id;
    const now = serverNow();
    const items = fixture.items.map((it) => ({
      id: it.id, position: it.position, title: it.title, status: "scheduled", taken_up: Boolean(live.items[it.id]?.taken_up),
      current: live.current === it.id, outcome: live.items[it.id]?.outcome ?? null, outcome_note: live.items[it.id]?.note ?? null,
    }));
    const s = live.speaking;
    const speakers = live.current === null ? null : {
      item: live.current,
      speaking: s && {
        request: s.request, person: named(s.person), kind: s.kind, since: iso(s.since), limit_seconds: live.speakingSeconds,
        elapsed_seconds: Math.floor((now - s.since) / 1000), remaining_seconds: live.speakingSeconds - Math.floor((now - s.since) / 1000),
      },
      waiting: live.waiting.map((w, i) => ({ request: w.request, person: named(w.person), kind: w.kind, place: i + 1 })),
      done: live.done.map((d) => ({ person: named(d.person), kind: d.kind, duration_seconds: d.duration })),
      speaking_seconds: live.speakingSeconds,
      my_place: live.waiting.findIndex((w) => w.person === me) + 1 || null,
      my_request: live.waiting.find((w) => w.person === me)?.request ?? null,
    };
    const p = live.presenter;
    const shared = p ? mayRead(p.item) : false;
    const lines = live.attendance.map((l) => ({ person: named(l.person), presence: l.presence, substitute: l.substitute ? named(l.substitute) : null }));
    const count = (status) => lines.filter((l) => l.presence.status === status).length;
    const present = count("present");
    const remote = count("remote");
    return {
      meeting_id: "m-1", meeting_title: fixture.meeting.title, status: live.status, seq: live.seq, chair: named(CHAIR),
      i_run_it: profile.person.role === "secretary" || profile.person.id === CHAIR,
      started_at: live.started_at, ended_at: live.ended_at,
      current_item: items.find((i) => i.current) ?? null, speakers,
      // As the engine: the page only for those the document is shared with.
      presenter: p && {
        item: p.item,
        by: named(CHAIR),
        shown: shared
          ? { document: p.document, version: p.version, page: p.page, zoom_percent: p.zoom_percent, title: fixture.documents.find((d) => d.id === p.document)?.title ?? "" }
          : null,
      },
      attendance: {
        participants: lines.length, present, remote, absent: count("absent"), substituted: count("substituted"),
        quorum_needed: 3, quorum_met: present + remote >= 3, lines,
      },
      open_motions: motions.filter((m) => m.status === "open"), items, server_now: iso(now),
      voices: voices().map(named),
      my_microphone_open: voices().includes(me),
    };
  }

  /** Who is heard, as the engine's `SessionState::voices` says: the speaker, the chair, microphones opened; never one closed. */
  function voices() {
    if (live.status !== "running") return [];
    const mics = live.mics ?? [];
    const closed = (p) => mics.some((m) => m.person === p && !m.open);
    const heard = [];
    for (const p of [live.speaking?.person, CHAIR, ...mics.filter((m) => m.open).map((m) => m.person)]) {
      if (p && !closed(p) && !heard.includes(p)) heard.push(p);
    }
    return heard;
  }

  const emit = bridge.emit;

  /** The session moved: the log grows and the follower tells every window. */
  function moved() {
    live.seq += 1;
    sessionStorage.setItem("mock.live", JSON.stringify(live));
    emit("session-changed", view());
  }

  function endSpeech() {
    if (!live.speaking) return;
    live.done.push({ person: live.speaking.person, kind: live.speaking.kind, duration: Math.round((serverNow() - live.speaking.since) / 1000) });
    live.speaking = null;
  }

  function give(request) {
    const w = live.waiting.find((x) => x.request === request);
    if (!w) throw fail("not_waiting", "that request is not waiting");
    endSpeech();
    live.waiting = live.waiting.filter((x) => x !== w);
    live.speaking = { request: w.request, person: w.person, kind: w.kind, since: serverNow() };
  }

  function request(person, kind) {
    if (live.status !== "running") throw fail("session_not_started", "the session has not started");
    if (live.waiting.some((w) => w.person === person)) throw fail("already_requested", "already waiting");
    if (kind === "reply" && !live.speaking) throw fail("no_speaker_to_reply_to", "nobody speaks");
    const entry = { request: `fr-${++live.requests}`, person, kind };
    if (kind === "reply") live.waiting.unshift(entry);
    else if (kind === "point_of_order") live.waiting.splice(live.waiting.filter((w) => w.kind !== "speech").length, 0, entry);
    else live.waiting.push(entry);
    return entry.request;
  }

  /** A live action: offline it needs the room. */
  function liveAction(what) {
    if (offline) throw fail("needs_room", `${what} needs the room's connection`);
  }

  async function invoke(cmd, args = {}) {
    calls.push({ cmd, args: JSON.parse(JSON.stringify(args)) });
    switch (cmd) {
      case "launch_mode":
        return { room_display: sessionStorage.getItem("mock.room") === "1" };
      case "app_status":
        return { profile, sync: fixture.sync, lock: { pin_set: false, locked: false, idle_minutes: 5, retry_in_seconds: null } };
      case "list_meetings":
        return [fixture.meeting];
      case "meeting_agenda":
        return {
          meeting: fixture.meeting, items: fixture.items, access: [], revised: [],
          documents: fixture.documents.filter((d) => mayRead(d.agenda_item_id)),
        };
      case "list_people":
        return fixture.people;
      case "list_motions":
        return motions;
      case "list_positions":
        return fixture.items.map((item) => ({
          item, mine: null, decision: null,
          summary: { no_objection: [ME], objections: [[HOA, "Chưa đánh giá tác động"]], speakers: [NAM], silent: [BAO], proposed_without_discussion: false },
        }));
      case "list_opinion_requests":
        return [];
      case "list_annotations":
        return { document_id: args.documentId, version: 1, locked: 0, annotations: [] };
      case "open_document": {
        const doc = fixture.documents.find((d) => d.id === args.documentId);
        if (!doc || !mayRead(doc.agenda_item_id)) throw fail("not_found", "document not found");
        return { document: doc, page_count: fixture.pageCount, handling: {} };
      }
      case "search_document":
        return [{ page: 3, snippet: "dữ liệu số là dữ liệu về sự vật" }, { page: 7, snippet: "cơ sở dữ liệu quốc gia" }];
      case "session_view":
        return view();
      case "follow_session":
        return null;
      case "control_session":
        liveAction("the session");
        if (args.control === "start") Object.assign(live, { status: "running", started_at: iso(serverNow()) });
        else if (args.control === "suspend") live.status = "suspended";
        else if (args.control === "resume") live.status = "running";
        else Object.assign(live, { status: "ended", ended_at: iso(serverNow()), presenter: null, speaking: null });
        moved();
        return view();
      case "take_up_item":
        liveAction("taking up an item");
        endSpeech();
        live.current = args.agendaItemId;
        live.items[args.agendaItemId] = { ...live.items[args.agendaItemId], taken_up: true };
        live.waiting = [];
        live.done = [];
        // A new item: nothing is presented on it yet.
        live.presenter = null;
        moved();
        return null;
      case "record_outcome":
        liveAction("recording an outcome");
        live.items[args.agendaItemId] = { ...live.items[args.agendaItemId], outcome: args.outcome, note: args.note };
        moved();
        return null;
      case "request_floor": {
        liveAction("asking for the floor");
        const id = request(profile.person.id, args.kind);
        moved();
        return id;
      }
      case "withdraw_floor":
        liveAction("withdrawing");
        live.waiting = live.waiting.filter((w) => w.person !== profile.person.id);
        moved();
        return null;
      case "floor_next":
        liveAction("giving the floor");
        if (live.waiting.length === 0) throw fail("nobody_waiting", "nobody is waiting");
        give(live.waiting[0].request);
        moved();
        return null;
      case "floor_give":
        liveAction("giving the floor");
        give(args.requestId);
        moved();
        return null;
      case "floor_end":
        liveAction("ending the speech");
        if (!live.speaking) throw fail("nobody_speaking", "nobody speaks");
        endSpeech();
        moved();
        return null;
      case "set_speaking_time":
        liveAction("setting the speaking time");
        live.speakingSeconds = args.minutes * 60;
        moved();
        return null;
      case "present_page": {
        liveAction("presenting");
        const doc = fixture.documents.find((d) => d.id === args.documentId);
        if (args.page < 1 || args.page > fixture.pageCount) throw fail("page_out_of_range", "no such page");
        live.presenter = { item: doc.agenda_item_id, document: doc.id, version: args.version ?? 1, page: args.page, zoom_percent: args.zoomPercent };
        moved();
        return null;
      }
      case "record_attendance":
        liveAction("recording attendance");
        live.attendance = live.attendance.map((l) => (l.person === args.personId ? { ...l, presence: args.presence } : l));
        moved();
        return null;
      case "check_in":
        return { meeting_id: args.meetingId, person_id: profile.person.id, presence: { status: args.remote ? "remote" : "present" }, recorded_at: iso(serverNow()) };
      case "open_room_display":
        return null;
      case "join_room":
        room.role = args.host ? "hub" : "member";
        return null;
      case "leave_room":
        room.role = null;
        return null;
      case "start_voice":
        voice.joined = { meeting_id: args.meetingId, talking: args.talk, path: "server", slots: 4, levels: [-18], sent: 0, heard: 50, speakers_problem: null };
        return voice.joined;
      case "stop_voice":
        voice.joined = null;
        return null;
      case "voice_status":
        return voice.joined;
      case "set_microphone":
        liveAction("opening or closing a microphone");
        live.mics = [...(live.mics ?? []).filter((m) => m.person !== args.personId), { person: args.personId, open: args.open }];
        moved();
        return null;
      case "room_status":
        if (room.role === null) return null;
        return {
          meeting: args.meetingId,
          role: room.role,
          hub_device: "dev-hub",
          hub_connected: true,
          server_reachable: room.serverReachable,
          epoch: room.epoch,
          head: 12,
          peers: [],
          hub_silent_millis: 240,
          problem: null,
        };
      case "minutes_preview":
        if (live.status !== "ended") throw fail("invalid_argument", "the session has not ended");
        return JSON.parse(sessionStorage.getItem("mock.minutes") ?? JSON.stringify(fixture.minutes));
      case "edit_minutes": {
        const minutes = JSON.parse(sessionStorage.getItem("mock.minutes") ?? JSON.stringify(fixture.minutes));
        minutes.items = minutes.items.map((i) => (i.item === args.agendaItemId ? { ...i, narrative: args.text } : i));
        sessionStorage.setItem("mock.minutes", JSON.stringify(minutes));
        return null;
      }
      case "sign_minutes":
        return {
          id: "0193a4f0-0000-7000-8000-0000000000d9", version: 1, agenda_item_id: "i-1", meeting_id: "m-1",
          title: "Biên bản phiên họp Chính phủ thường kỳ tháng 11 năm 2099", size: 50000, chunk_count: 1, manifest: "{}",
          manifest_signature: "", uploader_signing_key: "", published_at: iso(serverNow()),
        };
      case "cancel_renders":
        return null;
      case "plugin:event|listen":
        return bridge.listen(args);
      case "plugin:event|unlisten":
        return bridge.unlisten(args);
      default:
        throw fail("unknown_command", `no mock for ${cmd}`);
    }
  }


  // Test-side controls: the other devices in the room.
  window.__ipc = {
    calls,
    setOffline(value) {
      offline = value;
    },
    /** The server drops (or returns) while the room's hub holds on. */
    setRoomServer(reachable, epoch) {
      room.serverReachable = reachable;
      room.epoch = epoch;
    },
    /** Members ask for the floor from their own devices. */
    ask(list) {
      for (const [person, kind] of list) request(person, kind);
      moved();
    },
    /** The presenter (on another device) shows a page. */
    present(documentId, page, zoom = 100) {
      const doc = fixture.documents.find((d) => d.id === documentId);
      live.presenter = { item: doc.agenda_item_id, document: doc.id, version: 1, page, zoom_percent: zoom };
      moved();
    },
    /** A vote opens or closes: it comes by sync. */
    setMotions(next) {
      motions = next;
      sessionStorage.setItem("mock.motions", JSON.stringify(next));
      emit("sync-status-changed", fixture.sync);
    },
    emitSync() {
      emit("sync-status-changed", fixture.sync);
    },
    view,
  };
}

// ── page images: a tiny PNG encoder (see reader.test.mjs) ──────────────────

/** A plain A4-shaped page (its number does not matter here: the reader's data-page says which). */
function pagePng(dpi) {
  const width = Math.round(8.27 * Math.min(dpi, 60));
  const height = Math.round(11.69 * Math.min(dpi, 60));
  return encodePng(width, height, () => [255, 255, 255]);
}

let browser;
let context;
let page;
const pageErrors = [];
const served = [];

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
  await context.route("**/*", (route) => route.abort("blockedbyclient"));
  await context.route(`${ORIGIN}/**`, async (route) => {
    const { pathname } = new URL(route.request().url());
    const rel = decodeURIComponent(pathname === "/" ? "/index.html" : pathname);
    const file = path.resolve(DIST, `.${rel}`);
    if (!file.startsWith(DIST + path.sep) || !existsSync(file)) {
      await route.fulfill({ status: 404, body: "not found" });
      return;
    }
    await route.fulfill({ status: 200, contentType: CONTENT_TYPES[path.extname(file)] ?? "application/octet-stream", body: await readFile(file) });
  });
  await context.route(`${PAGES}/**`, async (route) => {
    const url = new URL(route.request().url());
    const [doc, pageText] = url.pathname.split("/").filter(Boolean);
    served.push({ doc, page: Number(pageText) });
    return route.fulfill({ status: 200, contentType: "image/png", body: pagePng(Number(url.searchParams.get("dpi") ?? "110")) });
  });
  await context.addInitScript(tauriBridge);
  await context.addInitScript(installTauriMock, {
    ...FIXTURE,
    minutes: MINUTES,
    ids: { ME, NAM, HOA, BAO, CHAIR, MAI },
  });
  page = await context.newPage();
  page.setDefaultTimeout(10_000);
  page.on("pageerror", (err) => pageErrors.push(String(err)));
  page.on("console", (msg) => {
    if (msg.type() === "error") pageErrors.push(msg.text());
  });
  // The browser's clock is the test's: the speaker's timer is checked as it runs.
  await page.clock.install();
});

after(async () => {
  await browser?.close();
});

const byId = (id) => page.locator(`[data-testid="${id}"]`);
const ipcCalls = (cmd) => page.evaluate((c) => window.__ipc.calls.filter((x) => x.cmd === c), cmd);
const clearCalls = () => page.evaluate(() => window.__ipc.calls.splice(0));
/** Waits until the reader shows page `n` of `doc`, loaded. */
async function pageShown(doc, n) {
  await page.waitForFunction(
    ([d, want]) => {
      const reader = document.querySelector('[data-testid="reader"]');
      const box = document.querySelector('[data-testid="reader-page"]');
      const img = box?.querySelector('[data-testid="reader-page-image"]');
      return reader?.dataset.documentId === d && box?.dataset.state === "loaded" && img?.dataset.page === String(want) && img.naturalWidth > 0;
    },
    [doc, n],
  );
}
/** The share of the window's width the page area (the reader's canvas) gets. */
const pageShare = () =>
  page.evaluate(() => document.querySelector('[data-testid="reader-canvas"]').getBoundingClientRect().width / window.innerWidth);

/** Signs in as someone else (the engine keeps its profile): the app starts again. */
async function signInAs(who) {
  await page.evaluate((w) => sessionStorage.setItem("mock.profile", w), who);
  await page.reload();
  await byId("main-screen").waitFor();
  await byId("meeting-item").first().waitFor();
  await byId("session-tab").waitFor();
}

test("the meeting in session", async (t) => {
  await t.test("the secretariat opens the console, opens the session and takes up the first item", async () => {
    await page.goto(`${ORIGIN}/`);
    await byId("main-screen").waitFor();
    await byId("agenda-item").first().waitFor();
    // Following the meeting's session starts with the meeting shown.
    assert.deepEqual((await ipcCalls("follow_session")).map((c) => c.args), [{ meetingId: "m-1" }]);
    assert.equal(await byId("session-tab").textContent(), "Phiên họp");
    await byId("session-tab").click();
    await byId("session-console").waitFor();
    assert.equal(await byId("session-tab").getAttribute("aria-selected"), "true");
    assert.equal(await byId("agenda").count(), 0, "the agenda steps aside: one copy of each control");
    assert.equal(await byId("session-status").getAttribute("data-status"), "not_started");
    assert.equal(await byId("session-status").textContent(), "Chưa khai mạc");
    assert.equal(await byId("session-chair").textContent(), "Chủ toạ: Vũ Minh Anh");
    assert.equal(await byId("session-take-up").count(), 0, "nothing is taken up before the session opens");

    await byId("session-start").click();
    await page.waitForSelector('[data-testid="session-status"][data-status="running"]');
    assert.deepEqual((await ipcCalls("control_session")).map((c) => c.args), [{ meetingId: "m-1", control: "start" }]);
    assert.equal(await byId("session-start").count(), 0);
    assert.deepEqual(await page.locator('[data-testid="session-controls"] button').evaluateAll((bs) => bs.map((b) => b.dataset.testid)), [
      "session-suspend",
      "session-end",
      "session-room-display",
    ]);

    await page.locator('[data-testid="session-take-up"][data-item-id="i-1"]').click();
    await page.waitForSelector('[data-testid="session-item"][data-item-id="i-1"][data-current="true"]');
    assert.equal(await byId("session-current-item").textContent(), "1. Dự án Luật Dữ liệu (sửa đổi)");
    assert.deepEqual((await ipcCalls("take_up_item")).map((c) => c.args), [{ agendaItemId: "i-1" }]);
    assert.equal(await byId("session-next-item").getAttribute("data-item-id"), "i-2");
    assert.match(await byId("session-next-item").getAttribute("title"), /Shift\+N/);
    assert.match(await byId("session-floor-next").getAttribute("title"), /\(phím N\)$/);
    assert.equal(await byId("session-shortcuts").textContent(), "Phím tắt: N — mời người tiếp theo · Shift+N — mục tiếp theo");
    // The item's positions and the vote form are on the console (the existing views, reused).
    assert.match(await byId("session-positions").textContent(), /Phản đối: 1/);
    assert.equal(await page.locator('[data-testid="session-votes"] [data-testid="motion-open-form"]').getAttribute("data-item-id"), "i-1");
  });

  await t.test("the chair gives the floor; the timer runs on the server's clock and turns red when over", async () => {
    await page.evaluate(([a, b, c]) => window.__ipc.ask([[a, "speech"], [b, "speech"], [c, "point_of_order"]]), [NAM, HOA, BAO]);
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="session-waiting"]').length === 3);
    // A point of order goes before the speeches.
    assert.deepEqual(await byId("session-waiting").evaluateAll((ls) => ls.map((l) => [l.dataset.place, l.dataset.personId])), [
      ["1", BAO],
      ["2", NAM],
      ["3", HOA],
    ]);
    assert.match(await byId("session-waiting").first().textContent(), /Kiến nghị về thủ tục/);
    // Any waiting request: the chair calls Hoa first.
    const hoa = page.locator(`[data-testid="session-waiting"][data-person-id="${HOA}"] [data-testid="session-floor-give"]`);
    const request = await hoa.getAttribute("data-request-id");
    await hoa.click();
    await page.waitForSelector(`[data-testid="session-speaker"][data-person-id="${HOA}"]`);
    assert.deepEqual((await ipcCalls("floor_give")).map((c) => c.args), [{ requestId: request }]);
    assert.equal(await byId("session-speaker").textContent(), "Lê Thị Hoa");
    // Counted on the server's clock (90 s behind this one): not 01:30.
    assert.match(await byId("session-elapsed").textContent(), /^Đã nói 00:0[0-2]$/);
    assert.match(await byId("session-remaining").textContent(), /^Còn 0(3:00|2:5[89])$/);
    assert.equal(await byId("session-timer").getAttribute("data-over"), "false");
    await page.screenshot({ path: path.join(OUT, "browser-session-console.png") });

    await page.clock.fastForward("03:05");
    await page.waitForSelector('[data-testid="session-timer"][data-over="true"]');
    assert.match(await byId("session-remaining").textContent(), /^Quá giờ 00:0[5-8]$/);
    assert.match(await byId("session-elapsed").textContent(), /^Đã nói 03:0[5-8]$/);
    const red = await byId("session-remaining").evaluate((el) => getComputedStyle(el).color);
    assert.equal(red, "rgb(180, 35, 24)", "over time reads in red");
  });

  await t.test("N gives the floor to the next speaker, Shift+N takes up the next item; an outcome is one click", async () => {
    await byId("session-speaker").click(); // focus off any field
    await page.keyboard.press("n");
    await page.waitForSelector(`[data-testid="session-speaker"][data-person-id="${BAO}"]`);
    assert.deepEqual((await ipcCalls("floor_next")).map((c) => c.args), [{ agendaItemId: "i-1" }]);
    assert.match(await byId("session-spoken").first().textContent(), /^Lê Thị Hoa · Phát biểu · 03:0\d$/);
    // Typing in a field is not a shortcut.
    await byId("session-outcome-note").fill("Giao Bộ Công an tiếp thu, hoàn thiện");
    assert.equal((await ipcCalls("floor_next")).length, 1);

    await page.locator('[data-testid="session-outcome"][data-outcome="adopted"]').click();
    await page.waitForSelector('[data-testid="session-item"][data-item-id="i-1"][data-outcome="adopted"]');
    assert.deepEqual((await ipcCalls("record_outcome")).map((c) => c.args), [
      { agendaItemId: "i-1", outcome: "adopted", note: "Giao Bộ Công an tiếp thu, hoàn thiện" },
    ]);
    assert.equal(await byId("session-outcome-note").inputValue(), "");
    assert.equal(await page.locator('[data-testid="session-item"][data-item-id="i-1"] [data-testid="session-item-outcome"]').textContent(), "Thông qua");

    await byId("session-speaker").click();
    await page.keyboard.press("Shift+N");
    await page.waitForSelector('[data-testid="session-item"][data-item-id="i-2"][data-current="true"]');
    assert.deepEqual((await ipcCalls("take_up_item")).map((c) => c.args.agendaItemId), ["i-1", "i-2"]);
    assert.equal(await byId("session-nobody").textContent(), "Chưa có ai phát biểu.");

    // Speaking time per item, in minutes.
    await byId("session-speaking-time").fill("5");
    await byId("session-speaking-time-set").click();
    await page.waitForFunction(() => window.__ipc.view().speakers?.speaking_seconds === 300);
    assert.deepEqual((await ipcCalls("set_speaking_time")).map((c) => c.args), [{ agendaItemId: "i-2", minutes: 5 }]);
  });

  await t.test("the console presents pages, records attendance and opens the room display", async () => {
    // The current item's document, page by page.
    assert.equal(await byId("session-present-document").inputValue(), DOC_2);
    await byId("session-present-start").click();
    await page.waitForSelector('[data-testid="session-present-page"][data-page="1"]');
    await byId("session-present-next").click();
    await page.waitForSelector('[data-testid="session-present-page"][data-page="2"]');
    assert.deepEqual((await ipcCalls("present_page")).map((c) => c.args), [
      { documentId: DOC_2, version: 1, page: 1, zoomPercent: 100 },
      { documentId: DOC_2, version: 1, page: 2, zoomPercent: 100 },
    ]);
    assert.equal(await byId("session-present-page").textContent(), "Trang 2");

    // Attendance: counts, the quorum line, and the secretariat records an absence.
    assert.equal(await byId("session-attendance-counts").textContent(), "Có mặt: 2 · Trực tuyến: 1 · Vắng: 1 · Cử người dự thay: 1 — trên 5 thành viên");
    assert.equal(await byId("session-quorum").getAttribute("data-met"), "true");
    assert.equal(await byId("session-quorum").textContent(), "Đủ túc số: 3 thành viên dự họp, cần 3");
    const bao = page.locator(`[data-testid="session-attendance-line"][data-person-id="${BAO}"]`);
    assert.match(await bao.textContent(), /Cử Đỗ Thị Mai dự thay/);
    const nam = page.locator(`[data-testid="session-attendance-line"][data-person-id="${NAM}"]`);
    await nam.locator('[data-testid="session-attend-reason"]').fill("Ốm");
    await nam.locator('[data-testid="session-attend-absent"]').click();
    await page.waitForSelector(`[data-testid="session-attendance-line"][data-person-id="${NAM}"][data-status="absent"]`);
    assert.deepEqual((await ipcCalls("record_attendance")).map((c) => c.args), [
      { meetingId: "m-1", personId: NAM, presence: { status: "absent", reason: "Ốm" } },
    ]);
    assert.equal(await byId("session-quorum").getAttribute("data-met"), "false");
    assert.equal(await byId("session-quorum").textContent(), "Chưa đủ túc số: 2 thành viên dự họp, cần 3");
    await nam.locator('[data-testid="session-attend-remote"]').click();
    await page.waitForSelector('[data-testid="session-quorum"][data-met="true"]');

    await byId("session-room-display").click();
    await page.waitForFunction(() => window.__ipc.calls.some((c) => c.cmd === "open_room_display"));
    assert.equal(await page.evaluate(() => localStorage.getItem("ecabinet.roomMeeting")), "m-1");

    // The chair types an outcome note while the session moves on (another
    // device presents): the console redraws, the note keeps focus and caret.
    const note = byId("session-outcome-note");
    await note.fill("Giao Bộ Tư pháp");
    await page.evaluate((doc) => {
      window.__redrawn = false;
      new MutationObserver(() => (window.__redrawn = true)).observe(document.querySelector('[data-testid="session-console"]'), { subtree: true, childList: true, attributes: true });
      window.__ipc.present(doc, 2, 125);
    }, DOC_2);
    await page.waitForFunction(() => window.__redrawn === true);
    assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), "session-outcome-note");
    await page.keyboard.type(" thẩm định");
    assert.equal(await note.inputValue(), "Giao Bộ Tư pháp thẩm định");
    await note.fill("");
  });

  await t.test("offline, a live action says it needs the room's connection", async () => {
    await page.evaluate(() => window.__ipc.setOffline(true));
    await page.locator('[data-testid="session-take-up"][data-item-id="i-1"]').click();
    await byId("session-error").waitFor();
    assert.equal(await byId("session-error").textContent(), "Không thực hiện được: Thao tác này cần kết nối với phòng họp. Vui lòng kiểm tra mạng rồi thử lại.");
    await page.evaluate(() => window.__ipc.setOffline(false));
    // Back on: the chair goes back to the first item (the next tests are on it).
    await page.locator('[data-testid="session-take-up"][data-item-id="i-1"]').click();
    await page.waitForSelector('[data-testid="session-item"][data-item-id="i-1"][data-current="true"]');
    assert.equal(await byId("session-error").count(), 0);
  });

  await t.test("a member asks for the floor and sees their place; a reply needs someone speaking", async () => {
    await signInAs("member");
    await byId("session-tab").click();
    await byId("session-member").waitFor();
    assert.equal(await byId("session-console").count(), 0);
    assert.equal(await byId("session-start").count(), 0, "members do not run the session");
    assert.equal(await page.locator('[data-testid="session-item"][data-current="true"]').getAttribute("data-item-id"), "i-1");
    assert.equal(await byId("session-current-item").textContent(), "1. Dự án Luật Dữ liệu (sửa đổi)");
    // Nobody speaks: no reply.
    assert.equal(await byId("session-request-reply").isDisabled(), true);
    assert.equal(await byId("session-request-speech").isDisabled(), false);

    await page.evaluate(([a, b]) => window.__ipc.ask([[a, "speech"], [b, "speech"]]), [NAM, HOA]);
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="session-waiting"]').length === 2);
    await byId("session-request-speech").click();
    await byId("session-my-place").waitFor();
    assert.deepEqual((await ipcCalls("request_floor")).map((c) => c.args), [{ agendaItemId: "i-1", kind: "speech" }]);
    assert.equal(await byId("session-my-place").textContent(), "Bạn ở vị trí số 3 trong danh sách chờ.");
    assert.equal(await byId("session-my-place").getAttribute("data-place"), "3");
    assert.match(await page.locator(`[data-testid="session-waiting"][data-person-id="${ME}"]`).textContent(), /Nguyễn Thị Lan \(bạn\)/);
    // One request at a time.
    assert.equal(await byId("session-request-point-of-order").isDisabled(), true);
    await page.screenshot({ path: path.join(OUT, "browser-session-member.png") });

    await byId("session-withdraw").click();
    await page.waitForFunction(() => !document.querySelector('[data-testid="session-my-place"]'));
    assert.deepEqual((await ipcCalls("withdraw_floor")).map((c) => c.args), [{ agendaItemId: "i-1" }]);

    // Someone speaks: a reply goes right after them.
    await page.evaluate(() => {
      window.__ipc.calls.splice(0);
    });
    await page.evaluate(() => window.__TAURI_INTERNALS__.invoke("floor_next", { agendaItemId: "i-1" }));
    await page.waitForSelector(`[data-testid="session-speaker"][data-person-id="${NAM}"]`);
    assert.equal(await byId("session-request-reply").isDisabled(), false);
    await byId("session-request-reply").click();
    await page.waitForSelector('[data-testid="session-my-place"][data-place="1"]');

    // Offline: asking needs the room.
    await byId("session-withdraw").click();
    await page.waitForFunction(() => !document.querySelector('[data-testid="session-my-place"]'));
    await page.evaluate(() => window.__ipc.setOffline(true));
    await byId("session-request-point-of-order").click();
    await byId("session-error").waitFor();
    assert.match(await byId("session-error").textContent(), /cần kết nối với phòng họp/);
    await page.evaluate(() => window.__ipc.setOffline(false));
  });

  await t.test("a member joins the online room; when the server drops it says room only, the hub runs the session", async () => {
    await byId("session-tab").click();
    await byId("room-bar").waitFor();
    assert.equal(await byId("room-bar").getAttribute("data-role"), "");
    assert.equal(await byId("room-host").count(), 0, "only the chair or the secretariat hosts");
    await byId("room-join").click();
    await page.waitForSelector('[data-testid="room-bar"][data-paths="both"]');
    assert.deepEqual((await ipcCalls("join_room")).map((c) => c.args), [{ meetingId: "m-1", host: false }]);
    assert.equal(await byId("room-paths").textContent(), "Kết nối: máy chủ và phòng họp");
    await page.evaluate(() => window.__ipc.setRoomServer(false, 1));
    await page.waitForSelector('[data-testid="room-bar"][data-paths="room_only"]', { timeout: 5_000 });
    assert.equal(await byId("room-paths").textContent(), "Chỉ phòng họp: không tới được máy chủ");
    assert.match(await byId("room-hub-orders").textContent(), /Trạm chủ đang điều phối phiên họp \(lượt 1\)/);
    await page.screenshot({ path: path.join(OUT, "browser-session-room-only.png") });
    await page.evaluate(() => window.__ipc.setRoomServer(true, null));
    await page.waitForSelector('[data-testid="room-bar"][data-paths="both"]', { timeout: 5_000 });
    await byId("room-leave").click();
    await page.waitForSelector('[data-testid="room-bar"][data-role=""]');
    assert.equal((await ipcCalls("leave_room")).length, 1);
  });

  await t.test("a member listens and talks: the microphone follows the floor, the level shows", async () => {
    await byId("session-tab").click();
    await byId("voice").waitFor();
    assert.match(await byId("voice-heard").textContent(), /Đang được nghe: /);
    await byId("voice-talk").click();
    await byId("voice-joined").waitFor();
    assert.deepEqual((await ipcCalls("start_voice")).map((c) => c.args), [{ meetingId: "m-1", talk: true }]);
    assert.equal(await byId("voice-joined").textContent(), "Đang nghe và nói qua micro của máy này.");
    assert.equal(await byId("voice-path").textContent(), "Âm thanh qua máy chủ.");
    assert.equal(await byId("voice-mic").getAttribute("data-open"), "false", "not given the floor: the microphone is closed");
    assert.match(await byId("voice-mic").textContent(), /Micro của bạn đang tắt/);
    assert.ok(Number(await byId("voice-level").getAttribute("value")) > 0.5, "the speaker's level shows");
    assert.equal(await byId("voice-switches").count(), 0, "a member has no microphone switches");
    await page.screenshot({ path: path.join(OUT, "browser-session-voice.png") });
    await byId("voice-stop").click();
    await byId("voice-listen").waitFor();
    assert.equal((await ipcCalls("stop_voice")).length, 1);
  });

  await t.test("the reader follows the presenter to page 3, and one click leaves or comes back", async () => {
    await byId("agenda-tab").click();
    await byId("agenda").waitFor();
    // The agenda marks the item under discussion too.
    assert.equal(await page.locator('[data-testid="agenda-item"][data-item-id="i-1"] [data-testid="agenda-item-current"]').textContent(), "Đang thảo luận");
    assert.equal(await byId("agenda-item-current").count(), 1);
    await clearCalls();
    await page.evaluate((doc) => window.__ipc.present(doc, 3, 125), DOC);
    await pageShown(DOC, 3);
    assert.equal(await byId("reader-page-input").inputValue(), "3");
    assert.equal(await byId("reader-zoom-level").textContent(), "125%");
    assert.equal(await byId("reader-follow").getAttribute("aria-pressed"), "true");
    assert.equal(await byId("reader-follow-status").textContent(), "Đang theo dõi: trang 3");
    assert.equal(await byId("reader").getAttribute("data-page"), "3");
    await page.screenshot({ path: path.join(OUT, "browser-session-follow.png") });

    // Leave: the next page does not move the reader.
    await byId("reader-follow").click();
    await page.waitForSelector('[data-testid="reader-follow"][aria-pressed="false"]');
    await page.evaluate((doc) => window.__ipc.present(doc, 4, 125), DOC);
    await page.waitForFunction(() => document.querySelector('[data-testid="reader-follow-status"]')?.textContent === "Người trình bày đang ở trang 4");
    assert.equal(await byId("reader-page-input").inputValue(), "3");
    // Back: straight to the presented page.
    await byId("reader-follow").click();
    await pageShown(DOC, 4);
    assert.equal(await byId("reader-follow-status").textContent(), "Đang theo dõi: trang 4");
    // Following never touches the member's notes.
    assert.equal((await ipcCalls("create_annotation")).length, 0);
    assert.equal((await ipcCalls("edit_annotation")).length, 0);
  });

  await t.test("a page not shared with the member shows its item and “not shared with you”, never the page", async () => {
    const before = served.length;
    await page.evaluate((doc) => window.__ipc.present(doc, 2), SECRET_DOC);
    await byId("presenter-not-shared").waitFor();
    assert.equal(await byId("presenter-not-shared-item").textContent(), "Phương án nhân sự (mật)");
    assert.equal(await byId("presenter-not-shared-text").textContent(), "Không được chia sẻ với bạn");
    assert.equal(await byId("reader-page-image").count(), 0);
    assert.equal(served.slice(before).filter((s) => s.doc === SECRET_DOC).length, 0, "no page of it was asked for");
    assert.equal((await ipcCalls("open_document")).filter((c) => c.args.documentId === SECRET_DOC).length, 0);
    // The session view says so too.
    await byId("presenter-follow-leave").click();
    await byId("session-tab").click();
    await byId("session-presenter").waitFor();
    assert.equal(await byId("session-presenter").getAttribute("data-shared"), "false");
    assert.equal(await byId("session-presenter-not-shared").textContent(), "Không được chia sẻ với bạn");
    await page.screenshot({ path: path.join(OUT, "browser-session-not-shared.png") });
    // The document read before stays open behind the session.
    await byId("agenda-tab").click();
    await pageShown(DOC, 4);
    await byId("reader-back").click();
  });

  await t.test("the reader leaves the page at least 60 % of a laptop's width", async () => {
    for (const [width, height] of [[1280, 800], [1366, 768]]) {
      await page.setViewportSize({ width, height });
      await byId("agenda").waitFor();
      await page.locator(`[data-testid="open-document"][data-document-id="${DOC}"]`).click();
      await page.waitForSelector('[data-testid="reader-page"][data-state="loaded"]');
      assert.ok((await pageShare()) >= 0.6, `${width}: the page alone (${await pageShare()})`);
      assert.equal(await byId("annotation-panel").isVisible(), false, "notes start collapsed on a laptop");
      // A search shows its results…
      await byId("reader-search-input").fill("dữ liệu");
      await byId("reader-search-submit").click();
      await byId("reader-search-result").first().waitFor();
      assert.ok((await pageShare()) >= 0.6, `${width}: with the results (${await pageShare()})`);
      // …the notes take their place (one side panel at a time)…
      await byId("annotation-panel-toggle").click();
      await byId("annotation-panel").waitFor();
      assert.equal(await byId("reader-results").isVisible(), false, "one side panel at a time");
      assert.ok((await pageShare()) >= 0.6, `${width}: with the notes (${await pageShare()})`);
      // …and back: the results collapse and show again with one click.
      await byId("reader-results-toggle").click();
      await byId("reader-results").waitFor();
      assert.equal(await byId("annotation-panel").isVisible(), false);
      assert.ok((await pageShare()) >= 0.6, `${width}: results again (${await pageShare()})`);
      await byId("reader-results-toggle").click();
      assert.equal(await byId("reader-results").isVisible(), false);
      assert.ok((await pageShare()) >= 0.75, `${width}: both collapsed (${await pageShare()})`);
      await page.screenshot({ path: path.join(OUT, `browser-reader-${width}.png`) });
      await byId("reader-back").click();
    }
    await page.setViewportSize({ width: 1440, height: 900 });
  });

  await t.test("the room display shows the item, the speaker and the timer, the next three, and a vote's result", async () => {
    // Three more ask for the floor: four wait behind the speaker.
    await page.evaluate(([a, b, c]) => window.__ipc.ask([[a, "speech"], [b, "speech"], [c, "speech"]]), [BAO, CHAIR, ME]);
    await page.evaluate((motion) => window.__ipc.setMotions([motion]), OPEN_MOTION);
    await page.evaluate(() => sessionStorage.setItem("mock.room", "1"));
    await page.setViewportSize({ width: 1280, height: 720 });
    await page.reload();
    await byId("room-display").waitFor();
    await page.waitForSelector('[data-testid="room-display"][data-status="running"]');
    assert.equal(await page.getAttribute("html", "lang"), "vi");
    assert.equal(await byId("main-screen").count(), 0, "only the room display");
    assert.equal(await byId("room-meeting-title").textContent(), FIXTURE.meeting.title);
    assert.equal(await byId("room-status").textContent(), "Đang họp");
    assert.equal(await byId("room-current-item").textContent(), "1. Dự án Luật Dữ liệu (sửa đổi)");
    assert.equal(await byId("room-speaker").textContent(), "Trần Văn Nam");
    assert.match(await byId("room-elapsed").textContent(), /^Đã nói \d\d:\d\d$/);
    assert.match(await byId("room-remaining").textContent(), /^(Còn|Quá giờ) \d\d:\d\d$/);
    assert.deepEqual(await byId("room-next-speaker").allTextContents(), ["Lê Thị Hoa", "Phạm Quốc Bảo", "Vũ Minh Anh"]);
    assert.equal(await byId("room-vote-progress").textContent(), "2 thành viên đã bỏ phiếu");
    // Legible from the back of the room.
    const sizes = await page.evaluate(() =>
      Object.fromEntries(["room-speaker", "room-timer", "room-current-item"].map((id) => [id, parseFloat(getComputedStyle(document.querySelector(`[data-testid="${id}"]`)).fontSize)])),
    );
    assert.ok(sizes["room-speaker"] >= 64, `speaker ${sizes["room-speaker"]}px`);
    assert.ok(sizes["room-timer"] >= 72, `timer ${sizes["room-timer"]}px`);
    assert.ok(sizes["room-current-item"] >= 48, `item ${sizes["room-current-item"]}px`);

    // The next speaker is called: the room follows.
    await page.evaluate(() => window.__TAURI_INTERNALS__.invoke("floor_next", { agendaItemId: "i-1" }));
    await page.waitForFunction(() => document.querySelector('[data-testid="room-speaker"]')?.textContent === "Lê Thị Hoa");
    assert.match(await byId("room-elapsed").textContent(), /^Đã nói 00:0[0-2]$/);
    assert.deepEqual(await byId("room-next-speaker").allTextContents(), ["Phạm Quốc Bảo", "Vũ Minh Anh", "Nguyễn Thị Lan"]);

    // The vote closes (a sync brings it): its result, large.
    await page.evaluate((motion) => window.__ipc.setMotions([motion]), CLOSED_MOTION);
    await byId("room-vote-result").waitFor();
    assert.equal(await byId("room-vote-result").getAttribute("data-adopted"), "true");
    assert.equal(await byId("room-vote-verdict").textContent(), "Thông qua");
    assert.deepEqual(await byId("room-vote-count").allTextContents(), ["Tán thành4", "Không tán thành1", "Không biểu quyết0"]);
    await page.screenshot({ path: path.join(OUT, "browser-room-display.png") });

    // The console, in another window, opens the display for a meeting: the
    // display looks again at once, though its session is live (its own
    // timer would not for 15 s).
    await clearCalls();
    const consoleWindow = await context.newPage();
    await consoleWindow.goto(page.url());
    await consoleWindow.evaluate(() => localStorage.setItem("ecabinet.roomMeeting", "m-elsewhere"));
    await page.waitForFunction(() => window.__ipc.calls.some((c) => c.cmd === "list_meetings"), null, { timeout: 3_000 });
    await consoleWindow.evaluate(() => localStorage.setItem("ecabinet.roomMeeting", "m-1"));
    await consoleWindow.close();
    assert.equal(await byId("room-meeting-title").textContent(), FIXTURE.meeting.title, "the live session still shows");

    await page.evaluate(() => sessionStorage.removeItem("mock.room"));
    await page.setViewportSize({ width: 1440, height: 900 });
  });

  await t.test("after the session, the secretariat previews the minutes, writes an item's narrative, signs and publishes", async () => {
    await signInAs("secretary");
    await byId("session-tab").click();
    await byId("session-end").click();
    await page.waitForSelector('[data-testid="session-status"][data-status="ended"]');
    await byId("minutes-preview").waitFor();
    const facts = await byId("minutes-facts").locator(".agenda-fact").allTextContents();
    assert.deepEqual(facts.slice(0, 4), [
      "Thời gianThứ Năm, 26/11/2099 · 09:00",
      "Loại phiên họpPhiên họp thường kỳ",
      "Địa điểmPhòng họp A, Văn phòng Chính phủ",
      "Chủ toạVũ Minh Anh",
    ]);
    assert.equal(await byId("minutes-attendance-count").textContent(), "4/5 thành viên dự họp; cần 3 để đủ túc số");
    assert.deepEqual(await byId("minutes-attendance-line").allTextContents(), [
      "Nguyễn Thị Lan: Có mặt tại phòng họp",
      "Trần Văn Nam: Dự họp trực tuyến",
      "Lê Thị Hoa: Vắng mặt: Đi công tác nước ngoài",
      "Phạm Quốc Bảo: Cử Đỗ Thị Mai dự thay",
    ]);
    const first = page.locator('[data-testid="minutes-item"][data-item-id="i-1"]');
    assert.deepEqual(await first.locator('[data-testid="minutes-document"]').allTextContents(), ["Dự thảo Luật Dữ liệu (sửa đổi) (phiên bản 1)"]);
    assert.match(await first.locator('[data-testid="minutes-positions"]').textContent(), /không phản đối 2 · đăng ký phát biểu 2 · phản đối 1.*Lê Thị Hoa phản đối: Chưa đánh giá tác động/);
    assert.deepEqual(await first.locator('[data-testid="minutes-speaker"]').allTextContents(), [
      "Trần Văn Nam — Phát biểu — 03:05",
      "Nguyễn Thị Lan — Kiến nghị về thủ tục — 00:42",
    ]);
    assert.equal(await first.locator('[data-testid="minutes-vote-verdict"]').textContent(), "Thông qua");
    assert.equal(await first.locator('[data-testid="minutes-vote-counts"]').textContent(), "Tán thành: 4 · Không tán thành: 1 · Không biểu quyết: 0");
    assert.equal(await first.locator('[data-testid="minutes-outcome"]').textContent(), "Kết luận: Thông qua — Giao Bộ Công an tiếp thu");
    assert.equal(await page.locator('[data-testid="minutes-item"][data-item-id="i-2"] [data-testid="minutes-not-taken-up"]').textContent(), "Mục này không được đưa ra thảo luận.");

    const narrative = "Các thành viên Chính phủ cơ bản thống nhất với dự thảo.";
    await first.locator('[data-testid="minutes-narrative"]').fill(narrative);
    await first.locator('[data-testid="minutes-narrative-save"]').click();
    await first.locator('[data-testid="minutes-narrative-status"][data-state="done"]').waitFor();
    assert.deepEqual((await ipcCalls("edit_minutes")).map((c) => c.args), [{ agendaItemId: "i-1", text: narrative }]);
    assert.equal(await first.locator('[data-testid="minutes-narrative"]').inputValue(), narrative);

    assert.equal(await byId("minutes-language").inputValue(), "vi");
    await byId("minutes-sign").click();
    await byId("minutes-signed").waitFor();
    assert.deepEqual((await ipcCalls("sign_minutes")).map((c) => c.args), [{ meetingId: "m-1", language: "vi" }]);
    assert.match(await byId("minutes-signed").textContent(), /^✓ Đã ký và phát hành: Biên bản phiên họp Chính phủ thường kỳ tháng 11 năm 2099 \(phiên bản 1\)\./);
    await byId("minutes").scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(OUT, "browser-minutes.png"), fullPage: true });
  });

  await t.test("no script errors on the page", () => {
    assert.deepEqual(pageErrors, []);
  });
});

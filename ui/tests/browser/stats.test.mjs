// End-to-end check of the secretariat's statistics dashboard in the built UI
// (ui/dist), in headless Chromium, with the Tauri IPC replaced by an in-page
// mock (as in app.test.mjs) whose `statistics` command computes the report
// as the engine does. The charts are real Chart.js charts: their canvases are
// read back pixel by pixel. Run `npm run build` first.
// Screenshots: /tmp/stats-vi.png and /tmp/stats-en.png (and ui/test-output/).
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
/** 24 November 2026, 10:00 in Vietnam: "this year" is 2026, "this month" November. */
const NOW = new Date("2026-11-24T03:00:00Z");

const CONTENT_TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
};

const ORG = "0193a4f0-0000-7000-8000-0000000000f1";
const person = (id, name, role) => ({ id, organisation_id: ORG, name, role });
const SECRETARY = person("0193a4f0-0000-7000-8000-0000000000a0", "Lê Văn Thư", "secretary");
const MEMBER = person("0193a4f0-0000-7000-8000-0000000000a1", "Nguyễn Thị Lan", "member");
const PROFILE = (p) => ({
  device_id: "0193a4f0-0000-7000-8000-000000000001",
  device_name: "Máy Văn phòng",
  server_url: "http://127.0.0.1:8443",
  person: p,
  organisation: { id: ORG, name: "Văn phòng Chính phủ" },
});

/** Hours from a request to each answer in time: `n` answers, spread as real ones are. */
const hours = (n, seed) => Array.from({ length: n }, (_, i) => Math.round((2 + ((i * 7 + seed * 5) % 47) + (i % 3) * 0.5) * 10) / 10);

/**
 * What the secretariat's replica holds, meeting by meeting: its items by
 * outcome, its rounds of written opinions (asked, the hours of each answer
 * in time, the late ones) and its closed votes.
 */
const MEETINGS = [
  {
    id: "m-2025-12", title: "Phiên họp Chính phủ thường kỳ tháng 12 năm 2025", starts_at: "2025-12-04T01:30:00Z", held: true,
    outcomes: { adopted: 7, deferred: 0, withdrawn: 0, noted: 1, undecided: 0 }, quiet: 3,
    rounds: 1, requested: 26, answers: hours(24, 1), late: 1, votes: 1, ballots: 25, entitled: 26,
  },
  {
    id: "m-2026-07", title: "Phiên họp Chính phủ thường kỳ tháng 7 năm 2026", starts_at: "2026-07-02T01:30:00Z", held: true,
    outcomes: { adopted: 6, deferred: 1, withdrawn: 0, noted: 2, undecided: 0 }, quiet: 3,
    rounds: 1, requested: 26, answers: hours(22, 2), late: 2, votes: 2, ballots: 48, entitled: 52,
  },
  {
    id: "m-2026-08", title: "Phiên họp chuyên đề về xây dựng pháp luật tháng 8", starts_at: "2026-08-14T02:00:00Z", held: true,
    outcomes: { adopted: 4, deferred: 2, withdrawn: 0, noted: 0, undecided: 0 }, quiet: 1,
    rounds: 2, requested: 52, answers: hours(47, 3), late: 3, votes: 3, ballots: 75, entitled: 78,
  },
  {
    id: "m-2026-09", title: "Phiên họp Chính phủ thường kỳ tháng 9 năm 2026", starts_at: "2026-09-03T01:30:00Z", held: true,
    outcomes: { adopted: 5, deferred: 1, withdrawn: 1, noted: 1, undecided: 0 }, quiet: 2,
    rounds: 0, requested: 0, answers: [], late: 0, votes: 1, ballots: 24, entitled: 26,
  },
  {
    id: "m-2026-10", title: "Phiên họp chuyên đề về xây dựng pháp luật tháng 10", starts_at: "2026-10-16T02:00:00Z", held: true,
    outcomes: { adopted: 5, deferred: 1, withdrawn: 0, noted: 1, undecided: 0 }, quiet: 2,
    rounds: 1, requested: 26, answers: hours(25, 4), late: 0, votes: 0, ballots: 0, entitled: 0,
  },
  {
    id: "m-2026-11", title: "Phiên họp Chính phủ thường kỳ tháng 11 năm 2026", starts_at: "2026-11-05T01:30:00Z", held: true,
    outcomes: { adopted: 6, deferred: 1, withdrawn: 0, noted: 1, undecided: 2 }, quiet: 4,
    rounds: 2, requested: 52, answers: hours(41, 5), late: 6, votes: 2, ballots: 50, entitled: 52,
  },
  {
    id: "m-2026-11b", title: "Phiên họp bất thường về ứng phó cơn bão số 13", starts_at: "2026-11-20T08:00:00Z", held: false, cancelled: true,
    outcomes: { adopted: 0, deferred: 0, withdrawn: 0, noted: 0, undecided: 2 }, quiet: 0,
    rounds: 0, requested: 0, answers: [], late: 0, votes: 0, ballots: 0, entitled: 0,
  },
];

const FIXTURE = {
  profile: PROFILE(SECRETARY),
  member: PROFILE(MEMBER),
  sync: { state: "online", last_sync: "2026-11-24T02:55:00Z", cursor: 42, last_error: null, waiting_to_send: 0, rejected: [] },
  meeting: {
    id: "m-2026-12", organisation_id: ORG, title: "Phiên họp Chính phủ thường kỳ tháng 12 năm 2026", starts_at: "2026-12-03T01:30:00Z",
    status: "published", created_by: SECRETARY.id, details: { kind: "regular", place: "Phòng họp số 1", participants: [], substitutes: [] },
  },
  meetings: MEETINGS,
};

/**
 * Runs in the page: the Tauri IPC bridge (see app.test.mjs). `statistics`
 * does what the engine does with its replica: the meetings that start in
 * [from, to), their sums, the median of every answer's hours, the rates.
 */
function installTauriMock(fixture) {
  const calls = [];
  const bridge = window.__installTauriBridge((cmd, args) => invoke(cmd, args));
  const failures = new Map();
  let profile = fixture.profile;
  const fail = (code, message) => ({ code, message });
  const wait = bridge.wait;
  const median = (values) => {
    if (values.length === 0) return null;
    const v = [...values].sort((a, b) => a - b);
    const mid = Math.floor(v.length / 2);
    return v.length % 2 === 1 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
  };
  const figuresOf = (m) => ({
    meeting: m.id, title: m.title, starts_at: m.starts_at, meetings: 1, held: m.held ? 1 : 0, cancelled: m.cancelled ? 1 : 0,
    items: Object.values(m.outcomes).reduce((a, b) => a + b, 0), outcomes: m.outcomes, adopted_without_discussion: m.quiet,
    opinion_rounds: m.rounds, opinions_requested: m.requested, opinions_answered: m.answers.length, late_answers: m.late,
    median_hours_to_answer: median(m.answers), votes: m.votes, ballots: m.ballots, voters_entitled: m.entitled,
  });
  // The rates the engine puts beside the counts.
  const rated = (m) => ({
    ...m,
    response_rate: m.opinions_requested > 0 ? m.opinions_answered / m.opinions_requested : null,
    turnout: m.voters_entitled > 0 ? m.ballots / m.voters_entitled : null,
  });
  function statistics(from, to) {
    if (profile.person.role !== "secretary") throw fail("invalid_argument", "only the secretariat produces the statistics report");
    if (from !== null && to !== null && Date.parse(from) >= Date.parse(to)) {
      throw fail("invalid_argument", `the period is empty: it starts on ${from} and ends on ${to}`);
    }
    const chosen = fixture.meetings.filter(
      (m) => (from === null || Date.parse(m.starts_at) >= Date.parse(from)) && (to === null || Date.parse(m.starts_at) < Date.parse(to)),
    );
    const meetings = chosen.map(figuresOf);
    const sum = (f) => meetings.reduce((n, m) => n + f(m), 0);
    const outcome = (k) => sum((m) => m.outcomes[k]);
    const total = {
      meeting: null, title: "", starts_at: null, meetings: sum((m) => m.meetings), held: sum((m) => m.held), cancelled: sum((m) => m.cancelled),
      items: sum((m) => m.items),
      outcomes: { adopted: outcome("adopted"), deferred: outcome("deferred"), withdrawn: outcome("withdrawn"), noted: outcome("noted"), undecided: outcome("undecided") },
      adopted_without_discussion: sum((m) => m.adopted_without_discussion), opinion_rounds: sum((m) => m.opinion_rounds),
      opinions_requested: sum((m) => m.opinions_requested), opinions_answered: sum((m) => m.opinions_answered), late_answers: sum((m) => m.late_answers),
      median_hours_to_answer: median(chosen.flatMap((m) => m.answers)),
      votes: sum((m) => m.votes), ballots: sum((m) => m.ballots), voters_entitled: sum((m) => m.voters_entitled),
    };
    return { from, to, generated_at: new Date().toISOString(), total: rated(total), meetings: meetings.map(rated) };
  }

  async function invoke(cmd, args = {}) {
    calls.push({ cmd, args: JSON.parse(JSON.stringify(args)) });
    await wait(cmd);
    if (failures.has(cmd)) {
      const error = failures.get(cmd);
      failures.delete(cmd);
      throw error;
    }
    switch (cmd) {
      case "app_status":
        return { profile, sync: fixture.sync, lock: { pin_set: false, locked: false, idle_minutes: 5, retry_in_seconds: null } };
      case "sync_now":
        return fixture.sync;
      case "list_meetings":
        return [fixture.meeting];
      case "meeting_agenda":
        return { meeting: fixture.meeting, items: [], documents: [], access: [], revised: [] };
      case "list_motions":
      case "list_positions":
      case "list_opinion_requests":
      case "pending_keys":
        return [];
      case "list_people":
        return [fixture.profile.person, fixture.member.person];
      case "statistics":
        return statistics(args.from ?? null, args.to ?? null);
      case "plugin:event|listen":
        return bridge.listen(args);
      case "plugin:event|unlisten":
        return bridge.unlisten(args);
      case "launch_mode":
        return { room_display: false };
      case "follow_session":
      case "room_status":
        return null;
      case "session_view":
        return {
          meeting_id: args.meetingId, meeting_title: "", status: "not_started", seq: 0, chair: null, i_run_it: false,
          started_at: null, ended_at: null, current_item: null, speakers: null, presenter: null, open_motions: [], items: [],
          attendance: { participants: 0, present: 0, remote: 0, absent: 0, substituted: 0, quorum_needed: 0, quorum_met: false, lines: [] },
          server_now: new Date().toISOString(),
        };
      default:
        throw fail("unknown_command", `no mock for ${cmd}`);
    }
  }

  window.__ipc = {
    calls,
    hold: bridge.hold,
    release: bridge.release,
    failNext: (cmd, error) => failures.set(cmd, error),
    setProfile(next) {
      profile = next;
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
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
      "--disable-sync", "--no-first-run", "--disable-quic"],
  });
  context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: "vi-VN", deviceScaleFactor: 1 });
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
    await route.fulfill({ status: 200, contentType: CONTENT_TYPES[path.extname(file)] ?? "application/octet-stream", body: await readFile(file) });
  });
  await context.addInitScript(tauriBridge);
  await context.addInitScript(installTauriMock, FIXTURE);
  page = await context.newPage();
  page.setDefaultTimeout(10_000);
  page.on("pageerror", (err) => pageErrors.push(String(err)));
  page.on("console", (msg) => {
    if (msg.type() === "error") pageErrors.push(msg.text());
  });
  // Today is fixed (the quick choices count from it); timers still run.
  await page.clock.setFixedTime(NOW);
});

after(async () => {
  await browser?.close();
});

const byId = (id) => page.locator(`[data-testid="${id}"]`);
const ipcCalls = (cmd) => page.evaluate((c) => window.__ipc.calls.filter((x) => x.cmd === c), cmd);
const lastArgs = async (cmd) => (await ipcCalls(cmd)).at(-1)?.args;
const cards = () =>
  page.evaluate(() =>
    Object.fromEntries(
      [...document.querySelectorAll('[data-testid="stats-card"]')].map((c) => [
        c.dataset.card,
        [c.querySelector('[data-testid="stats-card-value"]').textContent, c.querySelector('[data-testid="stats-card-detail"]').textContent],
      ]),
    ),
  );
const outcomes = () =>
  page.evaluate(() =>
    [...document.querySelectorAll('[data-testid="stats-outcome"]')].map((li) => [
      li.dataset.outcome,
      li.querySelector('[data-testid="stats-outcome-count"]').textContent,
      li.querySelector('[data-testid="stats-outcome-share"]').textContent,
    ]),
  );
const rowCells = (selector) =>
  page.evaluate((sel) => Object.fromEntries([...document.querySelector(sel).querySelectorAll("td")].map((td) => [td.dataset.col, td.textContent])), selector);
const preset = (name) => page.locator(`[data-testid="stats-preset"][data-preset="${name}"]`);

/** The charts, all drawn, each with enough ink of the colours it should show. */
async function chartsDrawn() {
  await page.waitForFunction(() => {
    const canvases = [...document.querySelectorAll('canvas[data-testid^="stats-chart-"]')];
    return canvases.length === 3 && canvases.every((c) => c.dataset.drawn === "true");
  });
}

/** Reads a canvas back: its size, the share of painted pixels, and how many pixels are close to each colour. */
function ink(testid, colours) {
  return page.evaluate(
    ([id, wanted]) => {
      const canvas = document.querySelector(`[data-testid="${id}"]`);
      const { data } = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height);
      const rgb = wanted.map((hex) => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)));
      const near = rgb.map(() => 0);
      let painted = 0;
      for (let i = 0; i < data.length; i += 4) {
        if (data[i + 3] === 0) continue;
        painted++;
        rgb.forEach(([r, g, b], k) => {
          if (data[i + 3] > 240 && Math.abs(data[i] - r) < 10 && Math.abs(data[i + 1] - g) < 10 && Math.abs(data[i + 2] - b) < 10) near[k]++;
        });
      }
      return { width: canvas.width, height: canvas.height, share: painted / (canvas.width * canvas.height), near };
    },
    [testid, colours],
  );
}

async function assertCharts() {
  await chartsDrawn();
  const adopted = "#1d7a46";
  const deferred = "#d08a16";
  const doughnut = await ink("stats-chart-outcomes", [adopted, deferred]);
  assert.ok(doughnut.width > 100 && doughnut.height > 100, `doughnut size ${doughnut.width}×${doughnut.height}`);
  assert.ok(doughnut.share > 0.1, `the doughnut is drawn (${doughnut.share})`);
  assert.ok(doughnut.near.every((n) => n > 200), `the doughnut shows adopted and deferred items: ${doughnut.near}`);
  const stacked = await ink("stats-chart-by-meeting", [adopted, deferred]);
  assert.ok(stacked.share > 0.03 && stacked.near.every((n) => n > 200), `the stacked bars are drawn: ${JSON.stringify(stacked)}`);
  const rates = await ink("stats-chart-rates", ["#1f4678", "#c9a54c"]);
  assert.ok(rates.share > 0.03 && rates.near.every((n) => n > 200), `the rate bars are drawn in both colours: ${JSON.stringify(rates)}`);
  assert.equal(await byId("statistics-pane").getAttribute("data-live-charts"), "3", "three charts exist, no more");
}

/** Nothing sticks out: the page does not scroll sideways, the cards and the table fit, the cards line up. */
async function assertLayout() {
  const layout = await page.evaluate(() => {
    const pane = document.querySelector('[data-testid="statistics-pane"]');
    const wrap = document.querySelector(".stats-table-wrap");
    const cards = [...document.querySelectorAll('[data-testid="stats-card"]')].map((c) => {
      const r = c.getBoundingClientRect();
      return { top: Math.round(r.top), height: Math.round(r.height), left: Math.round(r.left), overflow: c.scrollWidth > c.clientWidth };
    });
    return {
      page: document.documentElement.scrollWidth <= window.innerWidth,
      pane: pane.scrollWidth <= pane.clientWidth,
      table: wrap.scrollWidth <= wrap.clientWidth,
      cards,
    };
  });
  assert.ok(layout.page && layout.pane, "nothing overflows the window");
  assert.ok(layout.table, "the table fits without scrolling sideways at 1440 px");
  assert.equal(layout.cards.length, 8);
  assert.ok(layout.cards.every((c) => !c.overflow), "no card's text overflows");
  for (const row of [layout.cards.slice(0, 4), layout.cards.slice(4)]) {
    assert.equal(new Set(row.map((c) => c.top)).size, 1, `a row of cards shares its top: ${JSON.stringify(row)}`);
    assert.equal(new Set(row.map((c) => c.height)).size, 1, `a row of cards shares its height: ${JSON.stringify(row)}`);
  }
}

/** The whole dashboard in one picture: the window made as tall as the pane's content. */
async function screenshot(file) {
  const height = await page.evaluate(() => {
    const pane = document.querySelector('[data-testid="statistics-pane"]');
    return Math.ceil(pane.getBoundingClientRect().top + pane.scrollHeight);
  });
  await page.setViewportSize({ width: 1440, height: Math.max(900, height) });
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
  await chartsDrawn();
  await page.screenshot({ path: file });
  await page.screenshot({ path: path.join(OUT, `browser-${path.basename(file)}`) });
  await page.setViewportSize({ width: 1440, height: 900 });
}

test("eCabinet: the secretariat's statistics", async (t) => {
  await t.test("the secretariat opens the dashboard: a loading state, then this year's figures", async () => {
    await page.goto(`${ORIGIN}/`);
    await byId("main-screen").waitFor();
    assert.equal(await byId("statistics-tab").textContent(), "Thống kê");
    assert.equal((await ipcCalls("statistics")).length, 0, "nothing is computed before the dashboard is opened");
    await page.evaluate(() => window.__ipc.hold("statistics"));
    await byId("statistics-tab").click();
    await byId("stats-loading").waitFor();
    assert.equal(await byId("stats-loading").textContent(), "Đang tổng hợp số liệu…");
    await page.evaluate(() => window.__ipc.release("statistics"));
    await byId("stats-report").waitFor();
    // 2026 in Vietnam's time, its last day included: [1 Jan 00:00 +07, 1 Jan 2027 00:00 +07).
    assert.deepEqual(await lastArgs("statistics"), { from: "2025-12-31T17:00:00Z", to: "2026-12-31T17:00:00Z" });
    assert.equal(await preset("year").getAttribute("aria-pressed"), "true");
    assert.equal(await byId("stats-from").inputValue(), "01/01/2026");
    assert.equal(await byId("stats-to").inputValue(), "31/12/2026");
    assert.equal(await byId("stats-period").textContent(), "Từ 01/01/2026 đến 31/12/2026");
    assert.equal(await byId("stats-generated").textContent(), "Số liệu lập lúc 10:00 24/11/2026");
  });

  await t.test("cards, outcomes, charts and the table, in Vietnamese", async () => {
    assert.deepEqual(await cards(), {
      meetings: ["6", "Đã họp 5 · Đã huỷ 1"],
      quiet: ["12", "46,2% trong 26 mục được thông qua"],
      rounds: ["6", "Số đợt đã gửi · 156 lượt hỏi ý kiến thành viên"],
      responseRate: ["86,5%", "135/156 lượt trả lời đúng hạn"],
      late: ["11", "Nhận sau thời hạn, không được tính"],
      median: ["25,5 giờ", "Từ lúc gửi yêu cầu đến khi nhận trả lời đúng hạn"],
      votes: ["8", "Số biểu quyết đã kết thúc · 197 phiếu đã bỏ"],
      turnout: ["94,7%", "197 phiếu / 208 lượt có quyền biểu quyết"],
    });
    assert.deepEqual(await outcomes(), [
      ["adopted", "26", "61,9%"],
      ["deferred", "6", "14,3%"],
      ["withdrawn", "1", "2,4%"],
      ["noted", "5", "11,9%"],
      ["undecided", "4", "9,5%"],
    ]);
    assert.equal(await byId("stats-items-total").textContent(), "Tổng số: 42 mục");
    assert.equal(await page.locator("#stats-rates-heading").textContent(), "Tỷ lệ trả lời và tỷ lệ tham gia biểu quyết theo phiên họp");

    // One line per meeting of 2026, by start; the cancelled one says so; "–" where nothing can be computed.
    assert.deepEqual(await byId("stats-row").evaluateAll((rows) => rows.map((r) => [r.dataset.meetingId, r.dataset.state])), [
      ["m-2026-07", "held"], ["m-2026-08", "held"], ["m-2026-09", "held"], ["m-2026-10", "held"], ["m-2026-11", "held"], ["m-2026-11b", "cancelled"],
    ]);
    assert.deepEqual(await rowCells('[data-meeting-id="m-2026-09"]'), {
      items: "8", adopted: "5", deferred: "1", withdrawn: "1", noted: "1", undecided: "0", quiet: "2",
      rounds: "0", responseRate: "–", late: "0", median: "–", votes: "1", turnout: "92,3%",
    });
    assert.equal(await page.locator('[data-meeting-id="m-2026-11b"] [data-testid="stats-row-state"]').textContent(), "Đã huỷ");
    assert.deepEqual(await rowCells('[data-testid="stats-total"]'), {
      items: "42", adopted: "26", deferred: "6", withdrawn: "1", noted: "5", undecided: "4", quiet: "12",
      rounds: "6", responseRate: "86,5%", late: "11", median: "25,5 giờ", votes: "8", turnout: "94,7%",
    });

    await assertCharts();
    await assertLayout();
    assert.equal(await page.locator("canvas[data-testid='stats-chart-outcomes']").getAttribute("aria-label"), "Các mục theo kết quả");
    await screenshot("/tmp/stats-vi.png");
  });

  await t.test("quick choices and two days ask for the right period; an empty period draws no chart", async () => {
    await preset("month").click();
    await page.waitForFunction(() => document.querySelector('[data-card="meetings"] [data-testid="stats-card-value"]')?.textContent === "2");
    assert.deepEqual(await lastArgs("statistics"), { from: "2026-10-31T17:00:00Z", to: "2026-11-30T17:00:00Z" });
    assert.equal(await preset("month").getAttribute("aria-pressed"), "true");
    assert.equal(await preset("year").getAttribute("aria-pressed"), "false");
    await chartsDrawn();

    await preset("quarter").click();
    await page.waitForFunction(() => document.querySelector('[data-card="meetings"] [data-testid="stats-card-value"]')?.textContent === "3");
    assert.deepEqual(await lastArgs("statistics"), { from: "2026-09-30T17:00:00Z", to: "2026-12-31T17:00:00Z" });

    await preset("all").click();
    await page.waitForFunction(() => document.querySelector('[data-card="meetings"] [data-testid="stats-card-value"]')?.textContent === "7");
    assert.deepEqual(await lastArgs("statistics"), { from: null, to: null });
    assert.equal(await byId("stats-period").textContent(), "Toàn bộ thời gian");

    // Two days typed in: 14 August to 3 September, both included.
    await byId("stats-from").fill("14/08/2026");
    await byId("stats-to").fill("3/9/2026");
    await byId("stats-apply").click();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="stats-row"]').length === 2);
    assert.deepEqual(await lastArgs("statistics"), { from: "2026-08-13T17:00:00Z", to: "2026-09-03T17:00:00Z" });
    assert.deepEqual(await byId("stats-row").evaluateAll((rows) => rows.map((r) => r.dataset.meetingId)), ["m-2026-08", "m-2026-09"]);
    assert.equal(await page.locator('[data-testid="stats-preset"][aria-pressed="true"]').count(), 0);
    await chartsDrawn();
    assert.equal(await byId("statistics-pane").getAttribute("data-live-charts"), "3");

    // The end before the start: said under the fields, not asked.
    const asked = (await ipcCalls("statistics")).length;
    await byId("stats-to").fill("01/08/2026");
    await byId("stats-apply").click();
    assert.equal(await byId("stats-period-error").textContent(), "“Đến ngày” không được trước “Từ ngày”.");
    assert.equal(await byId("stats-to").getAttribute("aria-invalid"), "true");
    assert.equal((await ipcCalls("statistics")).length, asked);

    // A year without meetings: said so, and no chart at all.
    await byId("stats-from").fill("01/01/2020");
    await byId("stats-to").fill("31/12/2020");
    await byId("stats-apply").click();
    await byId("stats-empty").waitFor();
    assert.match(await byId("stats-empty").textContent(), /Không có phiên họp nào trong khoảng thời gian này/);
    assert.match(await byId("stats-empty").textContent(), /Từ 01\/01\/2020 đến 31\/12\/2020/);
    assert.equal(await page.locator("canvas").count(), 0);
    assert.equal(await byId("statistics-pane").getAttribute("data-live-charts"), "0", "the previous charts were destroyed");
  });

  await t.test("the engine's error is shown, with a retry", async () => {
    await page.evaluate(() =>
      window.__ipc.failNext("statistics", { code: "invalid_argument", message: "the period is empty: it starts on 2026-11-30 17:00:00 UTC and ends on 2026-10-31 17:00:00 UTC" }),
    );
    await preset("year").click();
    await byId("stats-error").waitFor();
    assert.match(await byId("stats-error").textContent(), /Không lập được số liệu thống kê/);
    assert.match(await byId("stats-error").textContent(), /Yêu cầu không hợp lệ: the period is empty: it starts on 2026-11-30 17:00:00 UTC/);
    await byId("stats-retry").click();
    await byId("stats-report").waitFor();
    await chartsDrawn();
  });

  await t.test("in English: the same figures, the charts drawn again and labelled in English", async () => {
    await byId("lang-en").click();
    await page.waitForFunction(() => document.querySelector('[data-testid="statistics-tab"]')?.textContent === "Statistics");
    await byId("stats-report").waitFor();
    assert.equal(await byId("stats-period").textContent(), "From 1 Jan 2026 to 31 Dec 2026");
    const en = await cards();
    assert.deepEqual(en.meetings, ["6", "Held 5 · Cancelled 1"]);
    assert.deepEqual(en.responseRate, ["86.5%", "135/156 answered in time"]);
    assert.deepEqual(en.median, ["25.5 h", "From the request to each answer in time"]);
    assert.deepEqual(en.turnout, ["94.7%", "Ballots: 197 of 208 entitled to vote"]);
    assert.deepEqual((await outcomes()).map(([o, n]) => [o, n]), [["adopted", "26"], ["deferred", "6"], ["withdrawn", "1"], ["noted", "5"], ["undecided", "4"]]);
    assert.deepEqual(await page.locator(".stats-legend-label").allTextContents(), ["Adopted", "Deferred", "Withdrawn", "Noted", "Undecided"]);
    assert.equal(await page.locator("#stats-by-meeting-heading").textContent(), "Item outcomes by meeting");
    assert.equal(await page.locator("canvas[data-testid='stats-chart-rates']").getAttribute("aria-label"), "Response rate and voting turnout by meeting");
    // The Vietnamese screen's charts were destroyed with it: three charts in the page, not six.
    await assertCharts();
    await assertLayout();
    await screenshot("/tmp/stats-en.png");
  });

  await t.test("leaving the dashboard destroys its charts; a member never sees it", async () => {
    await byId("meetings-tab").click();
    assert.equal(await byId("statistics-pane").isVisible(), false);
    assert.equal(await byId("statistics-pane").getAttribute("data-live-charts"), "0");
    await byId("statistics-tab").click();
    await assertCharts();

    await page.evaluate((member) => window.__ipc.setProfile(member), FIXTURE.member);
    await page.evaluate(() => window.__ipc.emit("sync-status-changed", null));
    await page.waitForFunction(() => document.querySelector('[data-testid="statistics-tab"]')?.hidden === true);
    assert.equal(await byId("statistics-pane").isVisible(), false);
    assert.equal(await byId("meetings-tab").getAttribute("aria-selected"), "true");
    assert.equal(await byId("statistics-pane").getAttribute("data-live-charts"), "0");
    assert.deepEqual(pageErrors, []);
  });
});

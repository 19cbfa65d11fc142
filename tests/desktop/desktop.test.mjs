// The real desktop app, end to end: a server with the demo organisation, the
// built Tauri app under Xvfb driven through WebDriver (tauri-driver →
// WebKitWebDriver). It enrols through the UI, opens the demo meeting, checks
// its agenda, and saves a screenshot under test-output/desktop/.
//
// Plain WebDriver over fetch: no client library needed.

import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, execFileSync } from "node:child_process";
import { mkdtempSync, mkdirSync, writeFileSync, readFileSync, existsSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import net from "node:net";

const ROOT = resolve(import.meta.dirname, "../..");
const BIN = process.env.ECABINET_BIN_DIR ?? join(process.env.HOME, ".cache/ecabinet/target/debug");
const OUTPUT = join(ROOT, "test-output", "desktop");
const DEMO_MEMBER = "Trần Thị Bình";

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = net.createServer();
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
    server.on("error", reject);
  });
}

async function waitFor(what, check, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value) return value;
    } catch (error) {
      last = error;
    }
    await sleep(200);
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${last.message}` : ""}`);
}

function startProcess(command, args, options = {}) {
  const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"], ...options });
  child.output = "";
  child.stdout.on("data", (d) => (child.output += d));
  child.stderr.on("data", (d) => (child.output += d));
  return child;
}

function stop(child, signal = "SIGTERM") {
  if (child && child.exitCode === null && child.signalCode === null) child.kill(signal);
}

/** Minimal WebDriver client. */
class WebDriver {
  constructor(base) {
    this.base = base;
  }
  async call(method, path, body) {
    const response = await fetch(this.base + path, {
      method,
      headers: { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = await response.json();
    if (!response.ok) throw new Error(`${method} ${path}: ${JSON.stringify(json.value ?? json)}`);
    return json.value;
  }
  async newSession(application, env, args = []) {
    const value = await this.call("POST", "/session", {
      capabilities: {
        alwaysMatch: { browserName: "wry", "tauri:options": { application, env, args } },
      },
    });
    this.session = `/session/${value.sessionId}`;
  }
  async find(css) {
    const value = await this.call("POST", `${this.session}/element`, { using: "css selector", value: css });
    return Object.values(value)[0];
  }
  async findAll(css) {
    const values = await this.call("POST", `${this.session}/elements`, { using: "css selector", value: css });
    return values.map((v) => Object.values(v)[0]);
  }
  async text(element) {
    return this.call("GET", `${this.session}/element/${element}/text`);
  }
  async type(element, text) {
    await this.call("POST", `${this.session}/element/${element}/clear`, {});
    await this.call("POST", `${this.session}/element/${element}/value`, { text });
  }
  async click(element) {
    try {
      await this.call("POST", `${this.session}/element/${element}/click`, {});
    } catch (error) {
      // What was on the screen when a click failed, for whoever reads the failure.
      await this.screenshot(join(OUTPUT, "failed-click.png")).catch(() => {});
      const onTop = await this.script(
        "const r = arguments[0].getBoundingClientRect(); const e = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);" +
          " return `${r.x},${r.y} ${r.width}x${r.height}: ` + (e ? e.outerHTML.slice(0, 200) : 'nothing');",
        [{ "element-6066-11e4-a52e-4f735466cecf": element }],
      ).catch(() => "unknown");
      throw new Error(`${error.message} (on top: ${onTop})`);
    }
  }
  /**
   * Clicks the `nth` element matching `css`, finding it afresh on each try:
   * the app re-renders as syncs land, which makes a found element stale.
   */
  async clickFresh(css, nth = 0) {
    let last;
    for (let attempt = 0; attempt < 20; attempt++) {
      try {
        const found = await this.findAll(css);
        if (found.length > nth) {
          await this.click(found[nth]);
          return;
        }
      } catch (error) {
        last = error;
      }
      await sleep(150);
    }
    throw last ?? new Error(`nothing matches ${css}`);
  }

  /**
   * Clicks `dy` pixels below the visible middle of the element matching
   * `css` (a page taller than the window: its visible middle may sit under
   * the reader's toolbar).
   */
  async clickBelowMiddle(css, dy) {
    const element = await this.find(css);
    await this.call("POST", `${this.session}/actions`, {
      actions: [
        {
          type: "pointer",
          id: "mouse",
          parameters: { pointerType: "mouse" },
          actions: [
            { type: "pointerMove", duration: 0, origin: { "element-6066-11e4-a52e-4f735466cecf": element }, x: 0, y: dy },
            { type: "pointerDown", button: 0 },
            { type: "pointerUp", button: 0 },
          ],
        },
      ],
    });
    await this.call("DELETE", `${this.session}/actions`).catch(() => {});
  }

  /** Scrolls the element matching `css` into the middle of the window, then clicks it. */
  async reveal(css) {
    // The app redraws as syncs and session events land (and the console's
    // timer every second): an element found a moment ago may be gone. Find
    // it again until the click lands on a live one.
    for (let attempt = 0; ; attempt++) {
      try {
        await this.script("document.querySelector(arguments[0]).scrollIntoView({ block: 'center', inline: 'center' });", [css]);
        await this.click(await this.find(css));
        return;
      } catch (error) {
        if (attempt >= 20 || !/stale element/.test(String(error))) throw error;
        await sleep(100);
      }
    }
  }
  async script(source, args = []) {
    return this.call("POST", `${this.session}/execute/sync`, { script: source, args });
  }
  async screenshot(path) {
    // Two animation frames, or WebKit may hand back the previous frame.
    await this.call("POST", `${this.session}/execute/async`, {
      script: "const done = arguments[0]; requestAnimationFrame(() => requestAnimationFrame(() => done(true)));",
      args: [],
    });
    const png = await this.call("GET", `${this.session}/screenshot`);
    writeFileSync(path, Buffer.from(png, "base64"));
  }
  async close() {
    if (this.session) await this.call("DELETE", this.session).catch(() => {});
  }
}

/**
 * (Re)starts tauri-driver and the app on `profile` (one app at a time on the
 * display); returns the WebDriver session and the driver process.
 */
async function openApp({ display, port, nativePort, profile, args = [], children }) {
  const driver = startProcess("tauri-driver", ["--port", String(port), "--native-port", String(nativePort)], {
    env: { ...process.env, DISPLAY: display, ECAB_PROFILE: profile, ECAB_LOG: "warn" },
  });
  children.push(driver);
  const wd = new WebDriver(`http://127.0.0.1:${port}`);
  await waitFor("tauri-driver", async () => (await fetch(`http://127.0.0.1:${port}/status`)).ok);
  await wd.newSession(join(BIN, "ecabinet-desktop"), { ECAB_PROFILE: profile }, args);
  return { wd, driver };
}

async function closeApp({ wd, driver }) {
  await wd.close();
  stop(driver);
  await waitFor("tauri-driver to stop", () => driver.exitCode !== null || driver.signalCode !== null);
}

/** Waits until `css` carries `attribute` equal to `value` (read afresh each time). */
/**
 * Waits until the reader's page image is decoded (the image decodes after it
 * loads; a page served at once, rendered ahead, may still be blank when the
 * screenshot's two frames have passed).
 */
async function pagePainted(wd) {
  await wd.call("POST", `${wd.session}/execute/async`, {
    script:
      "const done = arguments[0]; const i = document.querySelector('[data-testid=reader-page-image]');" +
      " (i ? i.decode() : Promise.resolve()).then(() => done(true), () => done(false));",
    args: [],
  });
}

function waitForAttribute(wd, what, css, attribute, value, timeoutMs = 30_000) {
  return waitFor(
    what,
    async () => (await wd.script("return document.querySelector(arguments[0])?.getAttribute(arguments[1])", [css, attribute])) === value || null,
    timeoutMs,
  );
}

async function setLocale(wd, locale) {
  await wd.reveal(`[data-testid="lang-${locale}"]`);
}

test("the desktop app enrols and shows the demo meeting's agenda", { timeout: 480_000 }, async (t) => {
  for (const bin of ["ecabinet-server", "ecabinet-desktop"]) {
    assert.ok(existsSync(join(BIN, bin)), `${bin} is built in ${BIN}`);
  }
  mkdirSync(OUTPUT, { recursive: true });
  const work = mkdtempSync(join(tmpdir(), "ecabinet-desktop-"));
  // No sound card on a CI machine: ALSA's null device stands in for the
  // microphone (silence) and the speakers, so the app's real voice runs.
  const alsa = join(work, "alsa-null.conf");
  writeFileSync(alsa, "pcm.!default { type null }\nctl.!default { type hw card 0 }\n");
  process.env.ALSA_CONFIG_PATH = alsa;
  const children = [];
  t.after(() => {
    for (const child of children.reverse()) stop(child);
    rmSync(work, { recursive: true, force: true });
  });

  // 1. A server with the demo organisation, and an enrolment code for a member.
  const server = startProcess(join(BIN, "ecabinet-server"), [
    "serve", "--data", join(work, "server"), "--listen", "127.0.0.1:0", "--demo",
  ]);
  children.push(server);
  const url = await waitFor("the server", () => server.output.match(/listening on (http:\/\/\S+)/)?.[1]);
  const invite = JSON.parse(
    execFileSync(join(BIN, "ecabinet-server"), ["invite", "--data", join(work, "server"), "--person", DEMO_MEMBER, "--json"], {
      encoding: "utf8",
    }),
  );

  // The demo PDFs, attached by a secretariat profile as in scripts/run.
  execFileSync("python3", [
    join(ROOT, "scripts/seed_demo_documents.py"), BIN, join(work, "server"), url, join(work, "secretary"),
  ], { encoding: "utf8" });

  // 2. A display: the one we have, or a private Xvfb.
  let display = process.env.DISPLAY;
  if (!display) {
    const number = 90 + Math.floor(Math.random() * 400);
    const xvfb = startProcess("Xvfb", [`:${number}`, "-screen", "0", "1280x800x24", "-nolisten", "tcp"]);
    children.push(xvfb);
    await waitFor("Xvfb", () => existsSync(`/tmp/.X11-unix/X${number}`));
    display = `:${number}`;
  }

  // 3. tauri-driver, which starts WebKitWebDriver, which starts the app.
  const port = await freePort();
  const nativePort = await freePort();
  const profile = join(work, "profile");
  const driver = startProcess("tauri-driver", ["--port", String(port), "--native-port", String(nativePort)], {
    env: { ...process.env, DISPLAY: display, ECAB_PROFILE: profile, ECAB_LOG: "warn" },
  });
  children.push(driver);
  const wd = new WebDriver(`http://127.0.0.1:${port}`);
  await waitFor("tauri-driver", async () => (await fetch(`http://127.0.0.1:${port}/status`)).ok);
  await wd.newSession(join(BIN, "ecabinet-desktop"), { ECAB_PROFILE: profile });
  t.after(() => wd.close());

  // 4. Enrol through the UI: first with a mistyped code, then the real one.
  await waitFor("the enrolment screen", () => wd.find('[data-testid="enroll-screen"]'));
  await wd.type(await wd.find('[data-testid="enroll-server-url"]'), url);
  await wd.type(await wd.find('[data-testid="enroll-code"]'), "AAAA-BBBB-CCCC-DDDD");
  await wd.click(await wd.find('[data-testid="enroll-submit"]'));
  const error = await waitFor("the error message", async () => {
    const text = await wd.text(await wd.find('[data-testid="enroll-error"]'));
    return text.trim() ? text : null;
  });
  assert.match(error, /mã|Mã/, `the error is in Vietnamese: ${error}`);
  await wd.type(await wd.find('[data-testid="enroll-code"]'), invite.code);
  await wd.type(await wd.find('[data-testid="enroll-device-name"]'), "Máy tính xách tay kiểm thử");
  await wd.click(await wd.find('[data-testid="enroll-submit"]'));

  // 5. The main screen: the member, the demo meeting, its agenda.
  await waitFor("the main screen", () => wd.find('[data-testid="main-screen"]'));
  const person = await waitFor("the person's name", async () => (await wd.text(await wd.find('[data-testid="person-name"]'))) || null);
  assert.equal(person, DEMO_MEMBER);
  await waitFor("the demo meeting", () => wd.find('[data-testid="meeting-item"]'));
  await wd.clickFresh('[data-testid="meeting-item"]');
  const items = await waitFor("the agenda", async () => {
    const found = await wd.findAll('[data-testid="agenda-item-title"]');
    return found.length === 3 ? found : null;
  });
  const titles = [];
  for (const item of items) titles.push(await wd.text(item));
  assert.match(titles[0], /Báo cáo tình hình kinh tế/);
  assert.match(titles[1], /Nghị định/);
  assert.match(titles[2], /chuyển đổi số/);
  const documents = await wd.findAll('[data-testid="agenda-document-title"]');
  assert.equal(documents.length, 3, "each demo item carries its PDF");
  assert.match(await wd.text(documents[1]), /Dự thảo Nghị định/);
  const syncState = await wd.text(await wd.find('[data-testid="sync-state"]'));
  assert.ok(syncState.length > 0, "the sync state is shown");

  await wd.screenshot(join(OUTPUT, "desktop-agenda.png"));

  // 6. The reader: the secretariat comes online (and wraps keys for this new
  // device), then the member opens the draft decree, goes to page 3, searches.
  execFileSync(join(BIN, "ecab"), ["--profile", join(work, "secretary"), "sync"], { encoding: "utf8" });
  const openButtons = await wd.findAll('[data-testid="open-document"]');
  assert.equal(openButtons.length, 3);
  await wd.clickFresh('[data-testid="open-document"]', 1);
  await waitFor("page 1", () => wd.find('[data-testid="reader-page"][data-state="loaded"] [data-testid="reader-page-image"][data-page="1"]').catch(() => wd.find('[data-testid="reader-page-image"][data-page="1"]')), 60_000);
  const count = await wd.text(await wd.find('[data-testid="reader-page-count"]'));
  assert.match(count, /12/, `the decree has 12 pages: ${count}`);
  // Two pages on (the page-number box is covered by the browser test).
  await wd.click(await wd.find('[data-testid="reader-next"]'));
  await waitFor("page 2", () => wd.find('[data-testid="reader-page-image"][data-page="2"]'));
  await wd.click(await wd.find('[data-testid="reader-next"]'));
  await waitFor("page 3", async () => {
    // The image must have really loaded from the ecabpage:// protocol.
    return wd.script(
      "const i = document.querySelector('[data-testid=reader-page-image][data-page=\"3\"]');" +
        "return !!i && i.src.startsWith('ecabpage://') && i.complete && i.naturalWidth > 0;",
    );
  }, 60_000);
  await wd.type(await wd.find('[data-testid="reader-search-input"]'), "chữ ký số");
  await wd.click(await wd.find('[data-testid="reader-search-submit"]'));
  const results = await waitFor("search results", async () => {
    const found = await wd.findAll('[data-testid="reader-search-result"]');
    return found.length ? found : null;
  });
  assert.ok(results.length >= 3, `"chữ ký số" occurs several times (${results.length})`);
  await wd.screenshot(join(OUTPUT, "desktop-reader.png"));
  // The enrolment is on disk: the CLI sees the same profile.
  const cli = execFileSync(join(BIN, "ecab"), ["--profile", profile, "--json", "meetings"], { encoding: "utf8" });
  assert.equal(JSON.parse(cli).length, 1);

  // 7. Bình's second device (a headless ecab profile: her "tablet"), then
  // both devices annotate while the server is down, and both reconnect.
  const ecab = (args) => execFileSync(join(BIN, "ecab"), args, { encoding: "utf8" });
  const tabletInvite = JSON.parse(
    execFileSync(join(BIN, "ecabinet-server"), ["invite", "--data", join(work, "server"), "--person", DEMO_MEMBER, "--json"], {
      encoding: "utf8",
    }),
  );
  const tablet = join(work, "tablet");
  ecab(["--profile", tablet, "enroll", "--server", url, "--code", tabletInvite.code, "--device-name", "Máy tính bảng"]);
  ecab(["--profile", join(work, "secretary"), "sync"]); // keys for the new device
  const meetingId = JSON.parse(ecab(["--profile", tablet, "--json", "meetings"]))[0].id;
  const agenda = JSON.parse(ecab(["--profile", tablet, "--json", "agenda", meetingId]));
  const decree = agenda.documents.find((d) => /Nghị định/.test(d.title));
  assert.ok(decree, "the tablet sees the draft decree");
  ecab(["--profile", tablet, "sync"]);
  ecab(["--profile", tablet, "doc", "fetch", decree.id]);

  stop(server);
  await waitFor("the server to stop", () => server.exitCode !== null || server.signalCode !== null);
  // Offline: a note in the app, on page 3 (the search results set aside:
  // at laptop widths one side panel shows at a time, over the page's edge) …
  await wd.reveal('[data-testid="reader-search-close"]');
  await wd.reveal('[data-testid="annotation-tool-note"]');
  await wd.script("document.querySelector('[data-testid=annotation-layer]').scrollIntoView({ block: 'center' });", []);
  await wd.clickBelowMiddle('[data-testid="annotation-layer"]', 150);
  await waitFor("the note editor", () => wd.find('[data-testid="annotation-note-input"]'));
  await wd.script("document.querySelector('[data-testid=annotation-note-input]').scrollIntoView({ block: 'center' });", []);
  const noteInput = await wd.find('[data-testid="annotation-note-input"]');
  await wd.call("POST", `${wd.session}/element/${noteInput}/value`, { text: "Ghi chú trên máy tính xách tay" });
  await wd.reveal('[data-testid="annotation-note-save"]');
  await waitFor("the note waiting to be sent", async () =>
    (await wd.script("return document.querySelector('[data-testid=sync-waiting]')?.dataset.count", [])) === "1");
  // … and one on the tablet, which says it waits to be sent.
  const saved = ecab(["--profile", tablet, "annotate", decree.id, "--page", "3", "--note", "Ghi chú trên máy tính bảng"]);
  assert.match(saved, /waits to be sent/);

  // The server comes back on the same address; both devices sync.
  const serverPort = new URL(url).port;
  const again = startProcess(join(BIN, "ecabinet-server"), [
    "serve", "--data", join(work, "server"), "--listen", `127.0.0.1:${serverPort}`,
  ]);
  children.push(again);
  await waitFor("the server again", () => again.output.includes("listening on"));
  ecab(["--profile", tablet, "sync"]);
  await wd.click(await wd.find('[data-testid="sync-now"]'));
  await sleep(1500);
  ecab(["--profile", tablet, "sync"]);
  await wd.click(await wd.find('[data-testid="sync-now"]'));
  const onTablet = JSON.parse(ecab(["--profile", tablet, "--json", "annotations", decree.id]));
  assert.deepEqual(
    onTablet.annotations.map((a) => a.text).sort(),
    ["Ghi chú trên máy tính bảng", "Ghi chú trên máy tính xách tay"],
    "the tablet shows both notes",
  );
  // The panel lists both notes, each with its text, once the keys and ops have crossed.
  const texts = await waitFor("both notes in the app", async () => {
    const shown = await wd.script(
      "return [...document.querySelectorAll('[data-testid=annotation-item]')].map((e) => e.textContent);",
      [],
    );
    const both = shown.length === 2 && shown.some((t) => t.includes("máy tính bảng")) && shown.some((t) => t.includes("máy tính xách tay"));
    return both ? shown : null;
  }, 30_000);
  assert.equal(texts.length, 2);
  await wd.screenshot(join(OUTPUT, "desktop-annotations.png"));

  // 8. A vote in the meeting: the secretariat opens a motion on the decree;
  // the app shows it (poked by the server), the member votes, the
  // secretariat closes it, and the member verifies the result.
  const secretaryProfile = join(work, "secretary");
  const decreeItem = agenda.items.find((i) => /Nghị định/.test(i.title));
  assert.ok(decreeItem, "the decree's agenda item");
  const motion = JSON.parse(
    ecab(["--profile", secretaryProfile, "--json", "motion", "open", decreeItem.id, "--question", "Thông qua dự thảo Nghị định?"]),
  );
  await wd.reveal('[data-testid="reader-back"]');
  await waitFor("the vote card", () => wd.find(`[data-testid="motion-card"][data-motion-id="${motion.id}"] [data-testid="vote-option"][data-choice="yes"]`), 30_000);
  await wd.script("document.querySelector(arguments[0]).scrollIntoView({ block: 'center' });", [
    `[data-testid="motion-card"][data-motion-id="${motion.id}"]`,
  ]);
  await wd.clickFresh(`[data-testid="motion-card"][data-motion-id="${motion.id}"] [data-testid="vote-option"][data-choice="yes"]`);
  await waitFor("the vote counted", async () =>
    (await wd.script("return document.querySelector('[data-testid=vote-outcome]')?.dataset.state", [])) === "counted");
  await wd.screenshot(join(OUTPUT, "desktop-vote-cast.png"));
  const closed = JSON.parse(ecab(["--profile", secretaryProfile, "--json", "motion", "close", motion.id]));
  assert.equal(closed.tally.counts[0][1], 1, "one yes");
  await waitFor("the result in the app", () => wd.find(`[data-testid="motion-card"][data-motion-id="${motion.id}"] [data-testid="motion-result"]`), 30_000);
  await wd.reveal(`[data-testid="motion-card"][data-motion-id="${motion.id}"] [data-testid="motion-verify"]`);
  await waitFor("the verification", async () =>
    (await wd.script("return document.querySelector('[data-testid=motion-verification]')?.dataset.state", [])) === "verified", 30_000);
  await wd.script("document.querySelector('[data-testid=motion-verification]').scrollIntoView({ block: 'center' });", []);
  await wd.screenshot(join(OUTPUT, "desktop-vote-result.png"));

  // 9. Before the meeting: the member objects to an item, with a reason.
  const positionControl = `[data-testid="position-control"][data-item-id="${decreeItem.id}"]`;
  await wd.reveal(`${positionControl} [data-testid="position-objection"]`);
  const reason = await waitFor("the reason box", () => wd.find(`${positionControl} [data-testid="position-reason"]`));
  await wd.call("POST", `${wd.session}/element/${reason}/value`, { text: "Cần đánh giá thêm tác động đến doanh nghiệp nhỏ" });
  await wd.reveal(`${positionControl} [data-testid="position-save"]`);
  await waitFor("the position recorded", async () =>
    (await wd.script("return document.querySelector(arguments[0])?.dataset.state", [`${positionControl} [data-testid="position-outcome"]`])) === "counted");
  await wd.screenshot(join(OUTPUT, "desktop-position.png"));

  // 10. A written opinion: the secretariat asks, the member answers in the app.
  const deadline = new Date(Date.now() + 3_600_000).toISOString();
  const opinion = JSON.parse(
    ecab(["--profile", secretaryProfile, "--json", "opinion", "request", decreeItem.id, "--question", "Ý kiến về dự thảo Nghị định?", "--deadline", deadline]),
  );
  await wd.reveal('[data-testid="opinions-tab"]');
  const request = `[data-testid="opinion-request"][data-request-id="${opinion.id}"]`;
  await waitFor("the opinion request", () => wd.find(request), 30_000);
  await wd.reveal(`${request} [data-testid="opinion-choice"][data-choice="agree_with_comments"]`);
  const comment = await wd.find(`${request} [data-testid="opinion-comment"]`);
  await wd.call("POST", `${wd.session}/element/${comment}/value`, { text: "Đề nghị bổ sung lộ trình chuyển đổi" });
  await wd.reveal(`${request} [data-testid="opinion-submit"]`);
  await waitFor("the answer received", async () =>
    (await wd.script("return document.querySelector(arguments[0])?.dataset.state", [`${request} [data-testid="opinion-outcome"]`])) === "counted", 30_000);
  await wd.screenshot(join(OUTPUT, "desktop-opinion.png"));
  const status = JSON.parse(ecab(["--profile", secretaryProfile, "--json", "opinion", "status", opinion.id]));
  assert.equal(status.status.counted.length, 1, "the secretariat has the signed answer");

  // 10b. A revision of the decree: the member's reader shows what changed.
  ecab([
    "--profile", secretaryProfile, "doc", "revise", decree.id,
    "--file", join(ROOT, "assets/demo/03-de-an-chuyen-doi-so.pdf"), "--no-print",
  ]);
  await wd.reveal('[data-testid="sync-now"]');
  await wd.reveal('[data-testid="meetings-tab"]');
  await wd.clickFresh('[data-testid="meeting-item"]');
  const revised = `[data-testid="open-document"][data-document-id="${decree.id}"]`;
  await waitFor("the revised decree", () => wd.find(revised), 30_000);
  await wd.reveal(revised);
  await waitFor("the what-changed button", async () =>
    (await wd.script("const b = document.querySelector('[data-testid=reader-changes]'); return b && !b.hidden;", [])) || null, 30_000);
  await wd.reveal('[data-testid="reader-changes"]');
  await waitFor("the changes", () => wd.find('[data-testid="reader-change"]'), 60_000);
  await waitFor("the page drawn", async () =>
    (await wd.script("const i = document.querySelector('[data-testid=reader-page-image]'); return !!(i && i.complete && i.naturalWidth > 0);", [])) || null, 60_000);
  const marks = await wd.text(await wd.find('[data-testid="reader-marks"]'));
  assert.match(marks, /in/i, `the no-print mark is shown: ${marks}`);
  await wd.screenshot(join(OUTPUT, "desktop-changes.png"));

  // 11. The secretariat's own app: positions per item and the opinion round.
  await wd.close();
  stop(driver);
  await waitFor("tauri-driver to stop", () => driver.exitCode !== null || driver.signalCode !== null);
  const secretaryDriver = startProcess("tauri-driver", ["--port", String(port), "--native-port", String(nativePort)], {
    env: { ...process.env, DISPLAY: display, ECAB_PROFILE: secretaryProfile, ECAB_LOG: "warn" },
  });
  children.push(secretaryDriver);
  const sd = new WebDriver(`http://127.0.0.1:${port}`);
  await waitFor("tauri-driver again", async () => (await fetch(`http://127.0.0.1:${port}/status`)).ok);
  await sd.newSession(join(BIN, "ecabinet-desktop"), { ECAB_PROFILE: secretaryProfile });
  t.after(() => sd.close());
  await waitFor("the secretariat's main screen", () => sd.find('[data-testid="main-screen"]'), 30_000);
  // The list re-renders as the first sync lands: retry the click on a fresh element.
  await waitFor("the meeting", () => sd.find('[data-testid="meeting-item"]'), 30_000);
  await sd.clickFresh('[data-testid="meeting-item"]');
  await waitFor("the positions summary", () => sd.find('[data-testid="positions-summary"]'), 30_000);
  await sd.script("document.querySelector('[data-testid=positions-summary]').scrollIntoView({ block: 'center' });", []);
  await sd.screenshot(join(OUTPUT, "desktop-secretariat-positions.png"));
  await sd.reveal('[data-testid="opinions-tab"]');
  await waitFor("the opinion dashboard", () => sd.find('[data-testid="opinion-dashboard"]'), 30_000);
  await sd.screenshot(join(OUTPUT, "desktop-secretariat-opinions.png"));

  // 12. The secretariat builds a meeting in its app: a draft, an item, a PDF
  // attached by its path, then published; the member's device receives it whole.
  // The builder re-renders as syncs land: wait for the field, and set it
  // only if it is there when the script runs (else wait and try again).
  const setValue = async (css, value) => {
    await waitFor(css, async () => {
      const done = await sd.script(
        "const el = document.querySelector(arguments[0]); if (!el) return false; el.value = arguments[1];" +
          " el.dispatchEvent(new Event('input', { bubbles: true })); el.dispatchEvent(new Event('change', { bubbles: true }));" +
          " return true;",
        [css, value],
      );
      return done ? true : null;
    }, 30_000);
  };
  await sd.reveal('[data-testid="builder-tab"]');
  await waitFor("the meeting form", () => sd.find('[data-testid="builder-meeting-form"][data-meeting-id="new"]'), 30_000);
  const builtTitle = "Phiên họp chuyên đề về chuyển đổi số";
  await setValue('[data-testid="builder-meeting-title"]', builtTitle);
  await setValue('[data-testid="builder-meeting-starts-at"]', "2099-12-10T08:30");
  await setValue('[data-testid="builder-meeting-kind"]', "thematic");
  await setValue('[data-testid="builder-meeting-place"]', "Phòng họp số 2, Văn phòng Chính phủ");
  await sd.reveal('[data-testid="builder-meeting-submit"]');
  await waitFor("the draft meeting", () => sd.find('[data-testid="builder-meeting-form"]:not([data-meeting-id="new"])'), 30_000);
  await setValue('[data-testid="builder-new-item-title"]', "Đề án chuyển đổi số quốc gia");
  await sd.reveal('[data-testid="builder-new-item-submit"]');
  await waitFor("the item", () => sd.find('[data-testid="builder-item"]'), 30_000);
  await setValue('[data-testid="builder-item"] [data-testid="builder-doc-path"]', join(ROOT, "assets/demo/03-de-an-chuyen-doi-so.pdf"));
  await sd.reveal('[data-testid="builder-item"] [data-testid="builder-doc-submit"]');
  await waitFor("the attached document", () => sd.find('[data-testid="builder-item"] [data-testid="builder-document"]'), 60_000);
  await sd.reveal('[data-testid="builder-meeting-publish"]');
  await waitFor("published", async () =>
    /công bố|published/i.test(await sd.text(await sd.find('[data-testid="builder-meeting-status"]'))) || null, 30_000);
  await sd.screenshot(join(OUTPUT, "desktop-secretariat-builder.png"));
  await sd.close();
  ecab(["--profile", secretaryProfile, "sync"]); // the members' keys
  ecab(["--profile", profile, "sync"]);
  const built = JSON.parse(ecab(["--profile", profile, "--json", "meetings"])).find((m) => m.title === builtTitle);
  assert.ok(built, "the member's device has the meeting built in the app");
  assert.equal(built.details.kind, "thematic");
  const builtAgenda = JSON.parse(ecab(["--profile", profile, "--json", "agenda", built.id]));
  assert.equal(builtAgenda.items.length, 1);
  assert.equal(builtAgenda.documents.length, 1);
  ecab(["--profile", profile, "doc", "fetch", builtAgenda.documents[0].id]);

  // 13. The meeting in session. The secretariat runs the demo meeting (it
  // names no chair): from its console it starts the session and takes up
  // the decree.
  stop(secretaryDriver);
  await waitFor("tauri-driver to stop", () => secretaryDriver.exitCode !== null || secretaryDriver.signalCode !== null);
  const app = { display, port, nativePort, children };
  const demoMeeting = `[data-testid="meeting-item"][data-meeting-id="${meetingId}"]`;
  let chair = await openApp({ ...app, profile: secretaryProfile });
  await waitFor("the meeting", () => chair.wd.find(demoMeeting), 30_000);
  await chair.wd.clickFresh(demoMeeting);
  await chair.wd.reveal('[data-testid="session-tab"]');
  await waitFor("the chair's console", () => chair.wd.find('[data-testid="session-console"]'), 30_000);
  await chair.wd.reveal('[data-testid="session-start"]');
  await waitForAttribute(chair.wd, "the session running", '[data-testid="session-status"]', "data-status", "running");
  await chair.wd.reveal(`[data-testid="session-take-up"][data-item-id="${decreeItem.id}"]`);
  await waitForAttribute(chair.wd, "the decree under discussion", `[data-testid="session-item"][data-item-id="${decreeItem.id}"]`, "data-current", "true");
  await closeApp(chair);

  // 14. The member's app: she asks for the floor, sees her place, and
  // follows the presenter to page 3 (shown from the secretariat's CLI).
  let member = await openApp({ ...app, profile });
  await waitFor("the meeting", () => member.wd.find(demoMeeting), 30_000);
  await member.wd.clickFresh(demoMeeting);
  await member.wd.reveal('[data-testid="session-tab"]');
  await waitFor("the member's session view", () => member.wd.find('[data-testid="session-member"]'), 30_000);
  await member.wd.reveal('[data-testid="session-request-speech"]');
  await waitForAttribute(member.wd, "her place in the list", '[data-testid="session-my-place"]', "data-place", "1");
  await member.wd.screenshot(join(OUTPUT, "desktop-session-member-vi.png"));
  await setLocale(member.wd, "en");
  await waitFor("the English view", async () => /floor|Floor/.test(await member.wd.text(await member.wd.find('[data-testid="session-member"]'))) || null);
  await member.wd.screenshot(join(OUTPUT, "desktop-session-member-en.png"));
  await setLocale(member.wd, "vi");
  ecab(["--profile", secretaryProfile, "present", decree.id, "--page", "3"]);
  await waitForAttribute(member.wd, "the reader following to page 3", '[data-testid="reader-page-image"]', "data-page", "3", 60_000);
  await waitFor("the page drawn", async () =>
    (await member.wd.script("const i = document.querySelector('[data-testid=reader-page-image]'); return !!(i && i.complete && i.naturalWidth > 0);", [])) || null, 60_000);
  await pagePainted(member.wd);
  await member.wd.screenshot(join(OUTPUT, "desktop-session-follow.png"));

  // 14b. The online room: the secretariat's device hosts it (headless), the
  // member's app joins. The server is killed: the app says "room only", the
  // room's hub takes the session over, and the presenter's next page still
  // reaches the member's reader, through the hub. The server comes back on
  // the same data and the hub hands the room back.
  const hub = startProcess(join(BIN, "ecab"), ["--profile", secretaryProfile, "--json", "room", "host", meetingId]);
  children.push(hub);
  await waitFor("the room's hub", () => hub.output.includes('"hosting"'), 30_000);
  await member.wd.reveal('[data-testid="session-tab"]');
  await waitFor("the room bar", () => member.wd.find('[data-testid="room-join"]'), 30_000);
  await member.wd.reveal('[data-testid="room-join"]');
  await waitForAttribute(member.wd, "both paths", '[data-testid="room-bar"]', "data-paths", "both", 30_000);
  // The room's audio, in the real app: listening and talking through the server's forwarding.
  await member.wd.reveal('[data-testid="voice-talk"]');
  await waitForAttribute(member.wd, "the voice through the server", '[data-testid="voice-path"]', "data-path", "server", 30_000);
  stop(again, "SIGKILL");
  await waitForAttribute(member.wd, "room only", '[data-testid="room-bar"]', "data-paths", "room_only", 30_000);
  // Without the server, the voice goes through the room's hub.
  await waitForAttribute(member.wd, "the voice through the hub", '[data-testid="voice-path"]', "data-path", "hub", 30_000);
  await waitFor("the hub running the session", () => hub.output.includes('"took_over"'), 30_000);
  await waitFor("the hub's epoch in the app", () => member.wd.find('[data-testid="room-hub-orders"]'), 30_000);
  await member.wd.script("document.querySelector('[data-testid=room-bar]').scrollIntoView({ block: 'center' });", []);
  await member.wd.screenshot(join(OUTPUT, "desktop-room-only-vi.png"));
  await setLocale(member.wd, "en");
  await waitFor("the English room bar", async () =>
    /Room only/.test(await member.wd.text(await member.wd.find('[data-testid="room-paths"]'))) || null);
  await member.wd.screenshot(join(OUTPUT, "desktop-room-only-en.png"));
  await setLocale(member.wd, "vi");
  ecab(["--profile", secretaryProfile, "present", decree.id, "--page", "4"]);
  await waitForAttribute(member.wd, "the reader following to page 4 through the room", '[data-testid="reader-page-image"]', "data-page", "4", 60_000);
  await waitFor("page 4 drawn", async () =>
    (await member.wd.script("const i = document.querySelector('[data-testid=reader-page-image]'); return !!(i && i.complete && i.naturalWidth > 0);", [])) || null, 60_000);
  await pagePainted(member.wd);
  await member.wd.screenshot(join(OUTPUT, "desktop-room-only-follow.png"));
  const third = startProcess(join(BIN, "ecabinet-server"), [
    "serve", "--data", join(work, "server"), "--listen", `127.0.0.1:${serverPort}`,
  ]);
  children.push(third);
  await waitFor("the server a third time", () => third.output.includes("listening on"));
  await waitFor("the room handed back to the server", () => hub.output.includes('"handed_back"'), 60_000);
  // Stopped, the hub tells the server, which then runs the session alone.
  stop(hub);
  await waitFor("the hub to stop", () => hub.exitCode !== null || hub.signalCode !== null);
  await closeApp(member);

  // 15. The room display (the app started with --room-display): the
  // speaker and the timer, legible from the back of the room.
  const given = JSON.parse(ecab(["--profile", secretaryProfile, "--json", "floor", "next", decreeItem.id]));
  assert.equal(given.speaking.person.name, DEMO_MEMBER);
  const room = await openApp({ ...app, profile: secretaryProfile, args: ["--room-display"] });
  await waitFor("the room display", () => room.wd.find('[data-testid="room-display"]'), 30_000);
  const speaker = await waitFor("the speaker on the room display", async () => {
    const text = await room.wd.text(await room.wd.find('[data-testid="room-speaker"]'));
    return text.includes(DEMO_MEMBER) ? text : null;
  });
  assert.ok(speaker);
  await waitFor("the timer", () => room.wd.find('[data-testid="room-timer"]'));
  await room.wd.screenshot(join(OUTPUT, "desktop-room-display-vi.png"));
  await room.wd.script("localStorage.setItem('ecabinet.locale', 'en'); location.reload();", []);
  await waitFor("the room display in English", () => room.wd.find('[data-testid="room-speaker"]'), 30_000);
  await room.wd.screenshot(join(OUTPUT, "desktop-room-display-en.png"));
  await room.wd.script("localStorage.setItem('ecabinet.locale', 'vi');", []);
  await closeApp(room);

  // 16. The chair's console with the speaker and the timer; the speech
  // ends, the decree is adopted, the next item is taken up and noted, the
  // session ends, and the minutes are previewed and signed.
  chair = await openApp({ ...app, profile: secretaryProfile });
  await waitFor("the meeting", () => chair.wd.find(demoMeeting), 30_000);
  // Following the presenter may already have opened the meeting and its page
  // (the meetings list then steps aside for the reader).
  const listed = await chair.wd.script(
    "const e = document.querySelector(arguments[0]); return !!e && e.getBoundingClientRect().width > 0;", [demoMeeting]);
  if (listed) await chair.wd.clickFresh(demoMeeting);
  await waitFor("the session switch", () => chair.wd.find('[data-testid="session-tab"]'), 30_000);
  await chair.wd.reveal('[data-testid="session-tab"]');
  await waitFor("the speaker in the console", async () =>
    (await chair.wd.text(await chair.wd.find('[data-testid="session-speaker"]'))).includes(DEMO_MEMBER) || null, 30_000);
  await waitFor("the timer", () => chair.wd.find('[data-testid="session-timer"]'));
  await chair.wd.screenshot(join(OUTPUT, "desktop-session-console-vi.png"));
  await setLocale(chair.wd, "en");
  await chair.wd.screenshot(join(OUTPUT, "desktop-session-console-en.png"));
  await setLocale(chair.wd, "vi");
  // These steps have timed out now and then (twice in six runs at one
  // stop): when one does, say what the console showed and what the app logged.
  try {
    await chair.wd.reveal('[data-testid="session-floor-end"]');
    await waitFor("the speech ended", async () => (await chair.wd.findAll('[data-testid="session-speaker"]')).length === 0 || null);
    await chair.wd.reveal('[data-testid="session-outcome"][data-outcome="adopted"]');
    await waitForAttribute(chair.wd, "the decree adopted", `[data-testid="session-item"][data-item-id="${decreeItem.id}"]`, "data-outcome", "adopted");
    await chair.wd.reveal('[data-testid="session-next-item"]');
    const nextItem = agenda.items.find((i) => i.position === decreeItem.position + 1);
    const current = `[data-testid="session-item"][data-item-id="${nextItem.id}"]`;
    // The console redraws as the outcome's event and the sync it pokes
    // arrive; a redraw between the press and the release swallows the click
    // (seen in CI: the button still offered the same next item, nothing
    // refused). If the item is not taken up within 5 s and the button still
    // offers it, click once more.
    try {
      await waitForAttribute(chair.wd, "the next item under discussion", current, "data-current", "true", 5_000);
    } catch {
      const offered = await chair.wd.script("return document.querySelector('[data-testid=session-next-item]')?.dataset.itemId ?? null", []);
      // Said, so a run shows whether the console still loses a click.
      console.log(`the next-item click did not take within 5 s (the button offers ${offered === nextItem.id ? "the same item" : offered}): clicking once more`);
      if (offered === nextItem.id) await chair.wd.reveal('[data-testid="session-next-item"]');
      await waitForAttribute(chair.wd, "the next item under discussion", current, "data-current", "true");
    }
    await chair.wd.reveal('[data-testid="session-outcome"][data-outcome="noted"]');
    await waitForAttribute(chair.wd, "the next item noted", `[data-testid="session-item"][data-item-id="${nextItem.id}"]`, "data-outcome", "noted");
    await chair.wd.reveal('[data-testid="session-end"]');
    await waitForAttribute(chair.wd, "the session ended", '[data-testid="session-status"]', "data-status", "ended");
  } catch (error) {
    await chair.wd.screenshot(join(OUTPUT, "failed-console-steps.png")).catch(() => {});
    const said = await chair.wd.script("return document.querySelector('[data-testid=session-panel], #session-panel')?.innerText?.slice(0, 1500) ?? ''", []).catch(() => "");
    throw new Error(`${error.message} (the console said: ${said}) (the app's log: ${chair.driver.output.slice(-4000)})`);
  }
  // The preview re-renders as the minutes load: read it afresh until the speaker is in.
  await waitFor("the speaker in the minutes preview", async () =>
    (await chair.wd.script("return document.querySelector('[data-testid=minutes-preview]')?.textContent ?? ''", [])).includes(DEMO_MEMBER) || null, 60_000);
  await chair.wd.script("document.querySelector('[data-testid=minutes-preview]').scrollIntoView({ block: 'start' });", []);
  await chair.wd.screenshot(join(OUTPUT, "desktop-minutes-vi.png"));
  await setLocale(chair.wd, "en");
  await waitFor("the minutes preview in English", () => chair.wd.find('[data-testid="minutes-preview"]'), 60_000);
  await chair.wd.script("document.querySelector('[data-testid=minutes-preview]').scrollIntoView({ block: 'start' });", []);
  await chair.wd.screenshot(join(OUTPUT, "desktop-minutes-en.png"));
  await setLocale(chair.wd, "vi");
  await waitFor("the minutes preview", () => chair.wd.find('[data-testid="minutes-sign"]'), 60_000);
  await chair.wd.reveal('[data-testid="minutes-sign"]');
  try {
    await waitFor("the minutes signed and published", () => chair.wd.find('[data-testid="minutes-signed"]'), 60_000);
  } catch (error) {
    await chair.wd.screenshot(join(OUTPUT, "failed-minutes-sign.png")).catch(() => {});
    const said = await chair.wd.script("return document.querySelector('[data-testid=minutes-preview]')?.closest('section,div')?.textContent?.slice(-600) ?? ''", []).catch(() => "");
    throw new Error(`${error.message} (the screen said: ${said}) (the app's log: ${chair.driver.output.slice(-3000)})`);
  }
  await closeApp(chair);
  // The member's device receives the signed minutes as a document of the meeting.
  ecab(["--profile", secretaryProfile, "sync"]);
  ecab(["--profile", profile, "sync"]);
  const withMinutes = JSON.parse(ecab(["--profile", profile, "--json", "agenda", meetingId]));
  assert.ok(withMinutes.documents.some((d) => /Biên bản/.test(d.title)), "the minutes reach the member");

  // 17. Legal signatures and the statistics on the secretariat's desktop.
  // A throw-away CA and a signer on a SoftHSM token (as a USB token is
  // used); the secretariat signs the decree with `ecab doc sign`, the IT
  // office's CA goes into the profile's trust anchors, and the app's
  // signature panel says who signed, valid and trusted.
  const pki = join(work, "pki");
  mkdirSync(join(pki, "anchors"), { recursive: true });
  mkdirSync(join(pki, "tokens"));
  writeFileSync(join(pki, "softhsm2.conf"), `directories.tokendir = ${join(pki, "tokens")}\nobjectstore.backend = file\nlog.level = ERROR\n`);
  const PIN = "246810";
  const module = ["/usr/lib/softhsm/libsofthsm2.so", "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so"].find((m) => existsSync(m));
  assert.ok(module, "SoftHSM2 is installed (./scripts/test installs it)");
  const tokenEnv = { ...process.env, SOFTHSM2_CONF: join(pki, "softhsm2.conf"), ECAB_TOKEN_PIN: PIN };
  const inPki = (command, args) => execFileSync(command, args, { cwd: pki, env: tokenEnv, encoding: "utf8" });
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"];
  inPki("openssl", ["req", "-x509", "-utf8", "-nodes", "-days", "30", ...ec, "-keyout", "ca.key", "-out", "anchors/ca.pem",
    "-subj", "/CN=Ban Cơ yếu Chính phủ (thử nghiệm)/O=Ban Cơ yếu Chính phủ",
    "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"]);
  inPki("openssl", ["req", "-new", "-utf8", "-nodes", ...ec, "-keyout", "signer.key", "-out", "signer.csr", "-subj", "/CN=Nguyễn Văn An/O=Văn phòng Chính phủ"]);
  inPki("openssl", ["x509", "-req", "-in", "signer.csr", "-CA", "anchors/ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-days", "30", "-sha256", "-outform", "DER", "-out", "signer.der"]);
  inPki("openssl", ["pkcs8", "-topk8", "-nocrypt", "-in", "signer.key", "-out", "signer.p8"]);
  inPki("softhsm2-util", ["--init-token", "--free", "--label", "van-phong", "--pin", PIN, "--so-pin", "13572468"]);
  inPki("softhsm2-util", ["--import", "signer.p8", "--token", "van-phong", "--label", "signer", "--id", "01", "--pin", PIN]);
  inPki("pkcs11-tool", ["--module", module, "--token-label", "van-phong", "--login", "--pin", PIN,
    "--write-object", "signer.der", "--type", "cert", "--id", "01", "--label", "signer"]);
  const decreeDoc = withMinutes.documents.find((d) => d.agenda_item_id === decreeItem.id);
  assert.ok(decreeDoc, "the decree's document");
  execFileSync(join(BIN, "ecab"), ["--profile", secretaryProfile, "doc", "sign", decreeDoc.id, "--module", module,
    "--trust-anchors", join(pki, "anchors"), "--reason", "Ban hành", "--location", "Hà Nội"], { env: tokenEnv, encoding: "utf8" });
  mkdirSync(join(secretaryProfile, "trust-anchors"), { recursive: true });
  writeFileSync(join(secretaryProfile, "trust-anchors", "ca.pem"), readFileSync(join(pki, "anchors", "ca.pem")));

  // The signed decree leaves as an exchange package (as it would for another ministry), to come back in below.
  const packagePath = join(pki, "goi-tin.zip");
  execFileSync(join(BIN, "ecab"), ["--profile", secretaryProfile, "exchange", "export", decreeDoc.id, "--out", packagePath,
    "--org-code", "000.00.00.G01", "--org-name", "Văn phòng Chính phủ", "--number", "12", "--symbol", "NQ-CP",
    "--type", "Nghị quyết", "--issued", "2026-12-07", "--place", "Hà Nội", "--signer-position", "Thủ tướng"],
    { encoding: "utf8" });
  const desk = await openApp({ ...app, profile: secretaryProfile });
  await waitFor("the meeting", () => desk.wd.find(demoMeeting), 30_000);
  await desk.wd.clickFresh(demoMeeting);
  await desk.wd.reveal('[data-testid="agenda-tab"]');
  const openSigned = `[data-testid="open-document"][data-document-id="${decreeDoc.id}"]`;
  await waitFor("the signed decree on the agenda", () => desk.wd.find(openSigned), 30_000);
  await desk.wd.reveal(openSigned);
  await waitFor("the signed decree's first page", () => desk.wd.find('[data-testid="reader-page-image"][data-page="1"]'), 60_000);
  await desk.wd.reveal('[data-testid="reader-signatures"]');
  const signature = '[data-testid="reader-signature"][data-integrity="valid"][data-trust="trusted"]';
  await waitFor("a valid, trusted signature in the panel", () => desk.wd.find(signature), 60_000);
  assert.match(await desk.wd.text(await desk.wd.find('[data-testid="reader-signature-signer"]')), /Nguyễn Văn An/);
  await desk.wd.screenshot(join(OUTPUT, "desktop-signatures-vi.png"));
  await setLocale(desk.wd, "en");
  await waitFor("the panel in English", async () => /Signature 1/.test(await desk.wd.text(await desk.wd.find('[data-testid="reader-signature-signer"]'))) || null, 30_000);
  await desk.wd.screenshot(join(OUTPUT, "desktop-signatures-en.png"));
  await setLocale(desk.wd, "vi");

  // The statistics of every meeting so far: the demo meeting was held, its
  // decree adopted and the next item noted; the meeting built in the app was not held.
  await desk.wd.reveal('[data-testid="statistics-tab"]');
  await desk.wd.reveal('[data-testid="stats-preset"][data-preset="all"]');
  await waitFor("the statistics", () => desk.wd.find('[data-testid="stats-report"]'), 60_000);
  const outcome = async (name) => desk.wd.text(await desk.wd.find(`[data-testid="stats-outcome"][data-outcome="${name}"] [data-testid="stats-outcome-count"]`));
  assert.equal(await outcome("adopted"), "1");
  assert.equal(await outcome("noted"), "1");
  assert.equal((await desk.wd.findAll('[data-testid="stats-row"]')).length, 2, "the demo meeting and the one built in the app");
  await waitFor("the charts drawn", async () => Number(await desk.wd.script("return document.querySelector('[data-testid=statistics-pane]')?.dataset.liveCharts ?? '0'", [])) >= 2 || null, 30_000);
  const toCharts = "document.querySelector('[data-testid=stats-outcomes]').closest('section, figure, div').scrollIntoView({ block: 'start' });";
  await desk.wd.screenshot(join(OUTPUT, "desktop-statistics-vi.png"));
  await desk.wd.script(toCharts, []);
  await desk.wd.screenshot(join(OUTPUT, "desktop-statistics-charts-vi.png"));
  await setLocale(desk.wd, "en");
  await waitFor("the statistics in English", () => desk.wd.find('[data-testid="stats-report"]'), 30_000);
  await waitFor("the charts drawn again", async () => Number(await desk.wd.script("return document.querySelector('[data-testid=statistics-pane]')?.dataset.liveCharts ?? '0'", [])) >= 2 || null, 30_000);
  await desk.wd.screenshot(join(OUTPUT, "desktop-statistics-en.png"));
  await desk.wd.script(toCharts, []);
  await desk.wd.screenshot(join(OUTPUT, "desktop-statistics-charts-en.png"));
  await setLocale(desk.wd, "vi");

  // "Nhận gói tin" in the builder: the package is checked and attached to
  // the plan's item; the reader shows what its envelope said.
  const planItem = agenda.items.find((i) => i.id !== decreeItem.id && !/kinh tế/.test(i.title)) ?? agenda.items[agenda.items.length - 1];
  await desk.wd.reveal('[data-testid="builder-tab"]');
  await desk.wd.reveal(`[data-testid="builder-meeting"][data-meeting-id="${meetingId}"]`);
  const planCard = `[data-testid="builder-item"][data-item-id="${planItem.id}"]`;
  await waitFor("the plan's item in the builder", () => desk.wd.find(planCard), 30_000);
  await desk.wd.reveal(`${planCard} [data-testid="builder-import"] summary`);
  await desk.wd.type(await desk.wd.find(`${planCard} [data-testid="builder-import-path"]`), packagePath);
  await desk.wd.reveal(`${planCard} [data-testid="builder-import-submit"]`);
  await waitFor("the package received", async () =>
    /12\/NQ-CP/.test(await desk.wd.text(await desk.wd.find(`${planCard} [data-testid="builder-import-outcome"]`))) || null, 60_000);
  await desk.wd.script(`document.querySelector('${planCard} [data-testid="builder-import"]').scrollIntoView({ block: 'center' });`, []);
  await desk.wd.screenshot(join(OUTPUT, "desktop-exchange-received-vi.png"));
  const received = JSON.parse(ecab(["--profile", secretaryProfile, "--json", "agenda", meetingId])).documents
    .find((d) => d.agenda_item_id === planItem.id && /^12\/NQ-CP/.test(d.title));
  assert.ok(received, "the received document is on the plan's item");
  await desk.wd.reveal('[data-testid="meetings-tab"]');
  // The signed decree is still open in the reader: back to the agenda.
  await desk.wd.reveal('[data-testid="reader-back"]');
  const openReceived = `[data-testid="open-document"][data-document-id="${received.id}"]`;
  await waitFor("the received document on the agenda", () => desk.wd.find(openReceived), 30_000);
  await desk.wd.reveal(openReceived);
  await waitFor("the exchange badge", () => desk.wd.find('[data-testid="reader-exchange"]'), 60_000);
  await waitFor("the received document's first page drawn", () =>
    desk.wd.script(
      "const i = document.querySelector('[data-testid=reader-page-image][data-page=\"1\"]');" +
        "return !!i && i.complete && i.naturalWidth > 0;",
    ), 60_000);
  await desk.wd.reveal('[data-testid="reader-signatures"]');
  await waitFor("the envelope's details", () => desk.wd.find('[data-testid="reader-exchange-details"]'), 60_000);
  assert.equal(await desk.wd.text(await desk.wd.find('[data-testid="reader-exchange-code"]')), "12/NQ-CP");
  await desk.wd.screenshot(join(OUTPUT, "desktop-exchange-reader-vi.png"));
  await setLocale(desk.wd, "en");
  await waitFor("the details in English", async () => /Issued by/.test(await desk.wd.text(await desk.wd.find('[data-testid="reader-exchange-details"]'))) || null, 30_000);
  await desk.wd.screenshot(join(OUTPUT, "desktop-exchange-reader-en.png"));
  await setLocale(desk.wd, "vi");
  await closeApp(desk);
});

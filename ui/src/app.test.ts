// @vitest-environment jsdom
import { afterEach, beforeEach, describe, expect, it, vi as vitest } from "vitest";
import { startApp, type Api, type App } from "./app";
import type { AgendaView, AppStatus, Meeting, SyncStatus, UiError } from "./bindings";
import { en } from "./messages/en";
import { vi } from "./messages/vi";

type R<T> = { status: "ok"; data: T } | { status: "error"; error: UiError };
const ok = <T>(data: T): R<T> => ({ status: "ok", data });
const fail = (code: string, message = `engine says ${code}`): R<never> => ({ status: "error", error: { code, message } });

const SYNCED: SyncStatus = { state: "online", last_sync: "2026-11-24T07:05:00Z", cursor: 12, last_error: null };
const ENROLLED: AppStatus = {
  profile: {
    device_id: "dev-1",
    device_name: "Máy tính bảng",
    server_url: "http://127.0.0.1:8443",
    person: { id: "p1", organisation_id: "o1", name: "Nguyễn Thị Lan", role: "member" },
    organisation: { id: "o1", name: "Văn phòng Chính phủ" },
  },
  sync: SYNCED,
};
const MEETINGS: Meeting[] = [
  { id: "m-late", organisation_id: "o1", title: "Phiên họp thường kỳ tháng 12", starts_at: "2026-12-03T01:30:00Z", status: "draft", created_by: "p0" },
  { id: "m-soon", organisation_id: "o1", title: "Phiên họp chuyên đề xây dựng pháp luật", starts_at: "2026-11-26T02:00:00Z", status: "published", created_by: "p0" },
];
const AGENDA: AgendaView = {
  meeting: MEETINGS[1]!,
  items: [
    { id: "a2", meeting_id: "m-soon", position: 2, title: "Dự án Luật Dữ liệu" },
    { id: "a1", meeting_id: "m-soon", position: 1, title: "Báo cáo tình hình kinh tế - xã hội" },
  ],
  documents: [
    {
      id: "d1", version: 2, agenda_item_id: "a2", meeting_id: "m-soon", title: "Dự thảo Luật Dữ liệu",
      size: 2_621_440, chunk_count: 3, manifest: "{}", manifest_signature: "", uploader_signing_key: "",
      published_at: "2026-11-20T02:00:00Z",
    },
  ],
};

function fakeApi(initial: AppStatus = { profile: null, sync: null }) {
  let syncHandler: ((e: { payload: unknown }) => void) | null = null;
  const api = {
    commands: {
      appStatus: vitest.fn(async (): Promise<R<AppStatus>> => ok(initial)),
      enroll: vitest.fn(async (_url: string, code: string, _name: string | null): Promise<R<AppStatus>> =>
        code === "GOOD-CODE" ? ok(ENROLLED) : fail("unknown_code"),
      ),
      syncNow: vitest.fn(async (): Promise<R<SyncStatus>> => ok(SYNCED)),
      listMeetings: vitest.fn(async (): Promise<R<Meeting[]>> => ok(MEETINGS)),
      meetingAgenda: vitest.fn(async (id: string): Promise<R<AgendaView>> =>
        id === "m-soon" ? ok(AGENDA) : fail("not_found"),
      ),
    },
    events: {
      syncStatusChanged: {
        listen: vitest.fn(async (cb: (e: { payload: unknown }) => void) => {
          syncHandler = cb;
          return () => {
            syncHandler = null;
          };
        }),
      },
    },
    emitSync(payload: unknown) {
      syncHandler?.({ payload });
    },
  };
  return api satisfies Api;
}

function memoryStorage() {
  const data = new Map<string, string>();
  return { getItem: (k: string) => data.get(k) ?? null, setItem: (k: string, v: string) => void data.set(k, v), data };
}

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.querySelector<T>(`[data-testid="${id}"]`);
const $$ = (id: string) => [...document.querySelectorAll<HTMLElement>(`[data-testid="${id}"]`)];
const text = (id: string) => $(id)?.textContent ?? null;

function type(id: string, value: string) {
  const input = $<HTMLInputElement>(id)!;
  input.value = value;
  input.dispatchEvent(new Event("input", { bubbles: true }));
}

// 2026-11-24 10:00 in Vietnam: both meetings are upcoming.
const NOW = () => new Date("2026-11-24T03:00:00Z");

let root: HTMLElement;
let app: App | null = null;

beforeEach(() => {
  document.body.innerHTML = "";
  root = document.createElement("div");
  document.body.append(root);
});
afterEach(() => app?.destroy());

describe("enrolment", () => {
  it("shows the Vietnamese enrolment form with the default server address", async () => {
    const api = fakeApi();
    app = startApp(root, api, { storage: memoryStorage(), now: NOW });
    await app.ready;
    expect(document.documentElement.lang).toBe("vi");
    expect(root.querySelector("h1")?.textContent).toBe("Đăng ký thiết bị");
    expect($<HTMLInputElement>("enroll-server-url")!.value).toBe("http://127.0.0.1:8443");
    expect($<HTMLInputElement>("enroll-code")!.placeholder).toBe("7QK2-M9XD-4TBN-C8WH");
    expect($("enroll-error")!.hidden).toBe(true);
  });

  it("asks for a code before calling the engine", async () => {
    const api = fakeApi();
    app = startApp(root, api, { storage: memoryStorage(), now: NOW });
    await app.ready;
    $("enroll-submit")!.click();
    expect(api.commands.enroll).not.toHaveBeenCalled();
    expect(text("enroll-error")).toContain(vi["enroll.codeRequired"]);
  });

  it("shows the catalogue message for a wrong code and keeps what was typed", async () => {
    const api = fakeApi();
    app = startApp(root, api, { storage: memoryStorage(), now: NOW });
    await app.ready;
    type("enroll-code", " BAD-CODE ");
    type("enroll-device-name", "Máy của Bộ trưởng");
    $("enroll-submit")!.click();
    expect($("enroll-submit")!.textContent).toBe(vi["enroll.submitting"]);
    await vitest.waitFor(() => expect($("enroll-error")!.hidden).toBe(false));
    expect(text("enroll-error")).toContain(vi["error.unknown_code"]);
    expect(text("enroll-error")).not.toContain("engine says");
    expect(api.commands.enroll).toHaveBeenCalledWith("http://127.0.0.1:8443", "BAD-CODE", "Máy của Bộ trưởng");
    expect($<HTMLInputElement>("enroll-code")!.value).toBe(" BAD-CODE ");
    expect($<HTMLInputElement>("enroll-device-name")!.value).toBe("Máy của Bộ trưởng");
    expect($("enroll-code")!.getAttribute("aria-invalid")).toBe("true");
    expect(document.activeElement).toBe($("enroll-code"));
    expect($("enroll-submit")!.textContent).toBe(vi["enroll.submit"]);
  });

  it("falls back to the engine's message for a code it does not know", async () => {
    const api = fakeApi();
    api.commands.enroll.mockResolvedValueOnce(fail("device_limit", "Device limit reached"));
    app = startApp(root, api, { storage: memoryStorage(), now: NOW });
    await app.ready;
    type("enroll-code", "X");
    $("enroll-submit")!.click();
    await vitest.waitFor(() => expect(text("enroll-error")).toContain("Device limit reached"));
  });

  it("goes to the main screen after a successful enrolment", async () => {
    const api = fakeApi();
    app = startApp(root, api, { storage: memoryStorage(), now: NOW });
    await app.ready;
    type("enroll-code", "GOOD-CODE");
    $("enroll-submit")!.click();
    await vitest.waitFor(() => expect($$("meeting-item")).toHaveLength(2));
    expect(api.commands.enroll).toHaveBeenCalledWith("http://127.0.0.1:8443", "GOOD-CODE", null);
    expect(text("org-name")).toBe("Văn phòng Chính phủ");
  });
});

describe("main screen", () => {
  it("shows identity, sync status and meetings soonest first", async () => {
    const api = fakeApi(ENROLLED);
    app = startApp(root, api, { storage: memoryStorage(), now: NOW });
    await app.ready;
    expect(text("person-name")).toBe("Nguyễn Thị Lan");
    expect(text("person-role")).toBe("Thành viên");
    expect(text("sync-state")).toBe("Trực tuyến");
    expect(text("sync-last")).toBe("Đồng bộ lúc 14:05 24/11/2026");
    expect($$("meeting-item").map((b) => b.dataset["meetingId"])).toEqual(["m-soon", "m-late"]);
    expect($$("meeting-when")[0]!.textContent).toBe("Thứ Năm, 26/11/2026 · 09:00");
    expect($$("meeting-status").map((b) => b.textContent)).toEqual(["Đã công bố", "Bản nháp"]);
    // The nearest upcoming meeting opens by itself.
    await vitest.waitFor(() => expect($$("agenda-item")).toHaveLength(2));
    expect(api.commands.meetingAgenda).toHaveBeenCalledWith("m-soon");
  });

  it("shows an empty state when there are no meetings", async () => {
    const api = fakeApi(ENROLLED);
    api.commands.listMeetings.mockResolvedValue(ok([]));
    app = startApp(root, api, { storage: memoryStorage(), now: NOW });
    await app.ready;
    expect(text("meetings-empty")).toContain("Chưa có cuộc họp nào");
  });

  it("opens the nearest upcoming meeting and lists its agenda in order", async () => {
    const api = fakeApi(ENROLLED);
    app = startApp(root, api, { storage: memoryStorage(), now: NOW });
    await app.ready;
    // No click needed: the nearest upcoming meeting (m-soon) opens by itself.
    await vitest.waitFor(() => expect($$("agenda-item")).toHaveLength(2));
    $$("meeting-item")[0]!.click();
    expect(api.commands.meetingAgenda).toHaveBeenCalledWith("m-soon");
    expect($$("agenda-item-title").map((e) => e.textContent)).toEqual([
      "Báo cáo tình hình kinh tế - xã hội",
      "Dự án Luật Dữ liệu",
    ]);
    expect($$("meeting-item")[0]!.getAttribute("aria-current")).toBe("true");
    // The document sits under its own item (the second), with version and size.
    const items = $$("agenda-item");
    expect(items[0]!.querySelectorAll('[data-testid="agenda-document"]')).toHaveLength(0);
    const doc = items[1]!.querySelector('[data-testid="agenda-document"]');
    expect(doc?.textContent).toContain("Dự thảo Luật Dữ liệu");
    expect(doc?.textContent).toContain("bản 2 · 2.5 MB");
  });

  it("moves through the meeting list with the arrow keys", async () => {
    const api = fakeApi(ENROLLED);
    app = startApp(root, api, { storage: memoryStorage(), now: NOW });
    await app.ready;
    const [first, second] = $$("meeting-item");
    first!.focus();
    first!.dispatchEvent(new KeyboardEvent("keydown", { key: "ArrowDown", bubbles: true }));
    expect(document.activeElement).toBe(second);
  });

  it("switches language, remembers it and updates <html lang>", async () => {
    const storage = memoryStorage();
    const api = fakeApi(ENROLLED);
    app = startApp(root, api, { storage, now: NOW });
    await app.ready;
    $("lang-en")!.focus();
    $("lang-en")!.click();
    expect(document.documentElement.lang).toBe("en");
    expect(storage.data.get("ecabinet.locale")).toBe("en");
    expect(text("sync-now")).toBe(en["sync.now"]);
    expect(text("person-role")).toBe("Member");
    expect($("lang-en")!.getAttribute("aria-pressed")).toBe("true");
    expect(document.activeElement).toBe($("lang-en"));

    app.destroy();
    root.innerHTML = "";
    app = startApp(root, fakeApi(ENROLLED), { storage, now: NOW });
    await app.ready;
    expect(app.locale).toBe("en");
    expect(text("sync-now")).toBe("Sync now");
  });

  it("refreshes status and meetings when the engine reports a sync", async () => {
    const api = fakeApi(ENROLLED);
    app = startApp(root, api, { storage: memoryStorage(), now: NOW });
    await app.ready;
    api.commands.appStatus.mockResolvedValue(
      ok({ ...ENROLLED, sync: { ...SYNCED, state: "offline", last_error: { code: "server_unreachable", message: "x" } } }),
    );
    api.commands.listMeetings.mockResolvedValue(ok([MEETINGS[0]!]));
    api.emitSync({ state: "offline" });
    await vitest.waitFor(() => expect($$("meeting-item")).toHaveLength(1));
    expect(text("sync-state")).toBe("Ngoại tuyến");
  });

  it("reports a failed manual sync by its code", async () => {
    const api = fakeApi(ENROLLED);
    api.commands.syncNow.mockResolvedValue(fail("server_unreachable"));
    app = startApp(root, api, { storage: memoryStorage(), now: NOW });
    await app.ready;
    $("sync-now")!.click();
    await vitest.waitFor(() => expect($("notice")).not.toBeNull());
    expect(text("notice")).toContain(vi["error.server_unreachable"]);
  });
});

describe("start-up", () => {
  it("shows a start-up error with a retry when the status cannot be read", async () => {
    const api = fakeApi();
    api.commands.appStatus.mockResolvedValueOnce(fail("corrupt_profile"));
    app = startApp(root, api, { storage: memoryStorage(), now: NOW });
    await app.ready;
    expect(text("boot-error")).toContain(vi["error.corrupt_profile"]);
    root.querySelector<HTMLButtonElement>("[data-testid=boot-error] button")!.click();
    await vitest.waitFor(() => expect($("enroll-screen")).not.toBeNull());
  });

  it("survives running outside Tauri (invoke throws)", async () => {
    const api = fakeApi();
    api.commands.appStatus.mockRejectedValueOnce(new TypeError("window.__TAURI_INTERNALS__ is undefined"));
    api.events.syncStatusChanged.listen.mockRejectedValueOnce(new TypeError("no IPC"));
    app = startApp(root, api, { storage: memoryStorage(), now: NOW });
    await app.ready;
    expect(text("boot-error")).toContain(vi["common.unexpectedError"]);
  });
});

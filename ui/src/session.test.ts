import { describe, expect, it } from "vitest";
import type { ItemProgress, Motion, PresenterView, SessionView, SpeakerListView } from "./bindings";
import { errorMessage, translator } from "./i18n";
import {
  clockOffset,
  voiceMeter,
  clockText,
  closedSince,
  consoleKeyCommand,
  floorChoice,
  followStep,
  following,
  liveError,
  nextItem,
  nextSpeakers,
  presenceText,
  presenterKey,
  roomMeeting,
  speakerClock,
  speechKindKey,
} from "./session";

const vi = translator("vi");
const en = translator("en");

const item = (id: string, position: number, fields: Partial<ItemProgress> = {}): ItemProgress => ({
  id,
  position,
  title: `Mục ${position}`,
  status: "scheduled",
  taken_up: false,
  current: false,
  outcome: null,
  outcome_note: null,
  ...fields,
});

const person = (id: string) => ({ id, name: `Người ${id}` });

const LIST: SpeakerListView = {
  item: "i-1",
  speaking: {
    request: "r-0",
    person: person("p-speaking"),
    kind: "speech",
    since: "2099-11-26T02:10:00Z",
    limit_seconds: 180,
    elapsed_seconds: 0,
    remaining_seconds: 180,
  },
  waiting: [
    { request: "r-3", person: person("p-3"), kind: "speech", place: 3 },
    { request: "r-1", person: person("p-1"), kind: "point_of_order", place: 1 },
    { request: "r-4", person: person("p-4"), kind: "speech", place: 4 },
    { request: "r-2", person: person("me"), kind: "reply", place: 2 },
  ],
  done: [],
  speaking_seconds: 180,
  my_place: 2,
  my_request: "r-2",
};

const SHOWN = { document: "d-1", version: 2, page: 3, zoom_percent: 125, title: "Dự thảo Luật Dữ liệu" };
const PRESENTER: PresenterView = { item: "i-1", by: person("chair"), shown: SHOWN };

describe("the speaker's clock", () => {
  it("measures how far the server's clock is ahead of this one", () => {
    expect(clockOffset("2099-11-26T02:10:00.000Z", Date.parse("2099-11-26T02:09:00.000Z"))).toBe(60_000);
    expect(clockOffset("2099-11-26T02:10:00.000Z", Date.parse("2099-11-26T02:10:05.000Z"))).toBe(-5_000);
    expect(clockOffset("not a date", 0)).toBe(0);
  });

  it("counts elapsed and remaining on the server's time, not the viewer's clock alone", () => {
    const speaker = LIST.speaking!;
    // This device's clock is a minute behind the server's.
    const offset = 60_000;
    const deviceNow = Date.parse("2099-11-26T02:09:30Z");
    expect(speakerClock(speaker, offset, deviceNow)).toEqual({ elapsed: 30, remaining: 150, over: false });
    // Without the offset the speech would not even have started yet.
    expect(speakerClock(speaker, 0, deviceNow).elapsed).toBe(0);
  });

  it("goes negative and says so once over time", () => {
    const c = speakerClock(LIST.speaking!, 0, Date.parse("2099-11-26T02:13:05Z"));
    expect(c).toEqual({ elapsed: 185, remaining: -5, over: true });
  });

  it("has no remaining time when the item sets no limit, and falls back on the engine's count for a bad date", () => {
    expect(speakerClock({ ...LIST.speaking!, limit_seconds: 0 }, 0, Date.parse("2099-11-26T02:11:00Z"))).toEqual({ elapsed: 60, remaining: null, over: false });
    expect(speakerClock({ ...LIST.speaking!, since: "?", elapsed_seconds: 42 }, 0, 0).elapsed).toBe(42);
  });

  it("reads mm:ss, h:mm:ss from an hour, without a sign", () => {
    expect(clockText(0)).toBe("00:00");
    expect(clockText(65)).toBe("01:05");
    expect(clockText(-5)).toBe("00:05");
    expect(clockText(3_725)).toBe("1:02:05");
  });
});

describe("the agenda and the speaker list", () => {
  it("takes up the next unsettled item after the current one", () => {
    const items = [
      item("c", 3),
      item("a", 1, { taken_up: true, outcome: "adopted" }),
      item("b", 2, { taken_up: true, current: true }),
      item("d", 4, { status: "withdrawn" }),
      item("e", 5),
    ];
    expect(nextItem(items)?.id).toBe("c");
    expect(nextItem(items.map((i) => (i.id === "c" ? { ...i, outcome: "deferred" as const, taken_up: true } : i)))?.id).toBe("e");
  });

  it("goes back to an item never taken up when the last one is current, and starts with the first", () => {
    const items = [item("a", 1), item("b", 2, { current: true, taken_up: true })];
    expect(nextItem(items)?.id).toBe("a");
    expect(nextItem([item("x", 2), item("y", 1)])?.id).toBe("y");
    expect(nextItem([item("only", 1, { current: true })])).toBeNull();
  });

  it("lists the next three speakers in their order", () => {
    expect(nextSpeakers(LIST).map((w) => w.person.id)).toEqual(["p-1", "me", "p-3"]);
    expect(nextSpeakers(null)).toEqual([]);
  });

  it("tells a member what they may ask for", () => {
    const view: Pick<SessionView, "status" | "current_item" | "speakers"> = { status: "running", current_item: item("i-1", 1, { current: true }), speakers: LIST };
    expect(floorChoice(view, "me")).toEqual({ blocked: null, canReply: true, place: 2, speakingNow: false });
    // The speaker cannot reply to themself.
    expect(floorChoice(view, "p-speaking")).toMatchObject({ canReply: false, speakingNow: true });
    expect(floorChoice({ ...view, speakers: { ...LIST, speaking: null } }, "me").canReply).toBe(false);
    expect(floorChoice({ ...view, status: "suspended" }, "me")).toMatchObject({ blocked: "not_running", canReply: false });
    expect(floorChoice({ ...view, current_item: null, speakers: null }, "me")).toMatchObject({ blocked: "no_item", place: null });
  });

  it("labels kinds of speech and presences in both languages", () => {
    expect(vi(speechKindKey("point_of_order"))).toBe("Kiến nghị về thủ tục");
    expect(en(speechKindKey("reply"))).toBe("Reply");
    const absent = presenceText({ status: "absent", reason: " Đi công tác " }, null);
    expect(vi(absent.key, absent.params)).toBe("Vắng mặt: Đi công tác");
    const substituted = presenceText({ status: "substituted", by: "p-9" }, "Trần Văn Nam");
    expect(en(substituted.key, substituted.params)).toBe("Substituted by Trần Văn Nam");
    expect(presenceText({ status: "absent", reason: null }, null).key).toBe("session.presence.absent");
  });
});

describe("live actions", () => {
  it("say that they need the room's connection", () => {
    expect(errorMessage(liveError({ code: "server_unreachable", message: "connection refused" }), "vi")).toBe(
      "Thao tác này cần kết nối với phòng họp. Vui lòng kiểm tra mạng rồi thử lại.",
    );
    expect(errorMessage(liveError({ code: "needs_room", message: "asking for the floor needs the room" }), "en")).toBe(
      "This needs the room's connection. Please check the network and try again.",
    );
    const other = { code: "not_chair", message: "" };
    expect(liveError(other)).toBe(other);
    expect(errorMessage(other, "vi")).toBe("Chỉ chủ toạ hoặc bộ phận thư ký mới thực hiện được thao tác này.");
  });
});

describe("the console's keys", () => {
  const key = (k: string, mods: Partial<{ shiftKey: boolean; ctrlKey: boolean; metaKey: boolean; altKey: boolean }> = {}) => ({
    key: k,
    shiftKey: false,
    ctrlKey: false,
    metaKey: false,
    altKey: false,
    ...mods,
  });

  it("maps N to the next speaker and Shift+N to the next item", () => {
    expect(consoleKeyCommand(key("n"), false)).toBe("nextSpeaker");
    expect(consoleKeyCommand(key("N", { shiftKey: true }), false)).toBe("nextItem");
    // Caps Lock on: still the next speaker.
    expect(consoleKeyCommand(key("N"), false)).toBe("nextSpeaker");
  });

  it("leaves typing, shortcuts of the system and other keys alone", () => {
    expect(consoleKeyCommand(key("n"), true)).toBeNull();
    expect(consoleKeyCommand(key("n", { ctrlKey: true }), false)).toBeNull();
    expect(consoleKeyCommand(key("n", { metaKey: true }), false)).toBeNull();
    expect(consoleKeyCommand(key("n", { altKey: true }), false)).toBeNull();
    expect(consoleKeyCommand(key("m"), false)).toBeNull();
  });
});

describe("presenter follow", () => {
  const running = { status: "running" as const, presenter: PRESENTER };

  it("opens a newly presented page at its zoom", () => {
    expect(followStep(running, true, null)).toEqual({ kind: "show", documentId: "d-1", version: 2, title: "Dự thảo Luật Dữ liệu", page: 3, zoom: 1.25 });
  });

  it("stays on the page already followed, so the member may look elsewhere until the next page", () => {
    expect(followStep(running, true, presenterKey(PRESENTER))).toEqual({ kind: "stay" });
    expect(followStep({ ...running, presenter: { ...PRESENTER, shown: { ...SHOWN, page: 4 } } }, true, presenterKey(PRESENTER))).toMatchObject({ kind: "show", page: 4 });
  });

  it("does nothing when following is off, the session is not running, or nothing is presented", () => {
    expect(followStep(running, false, null)).toEqual({ kind: "stay" });
    expect(followStep({ ...running, status: "suspended" }, true, null)).toEqual({ kind: "stay" });
    expect(followStep({ status: "running", presenter: null }, true, null)).toEqual({ kind: "stay" });
    expect(following({ status: "ended", presenter: PRESENTER }, true)).toBe(false);
    expect(following(null, true)).toBe(false);
  });

  it("never shows a page not shared with this person: only its item", () => {
    const notShared = { ...PRESENTER, shown: null };
    expect(followStep({ ...running, presenter: notShared }, true, null)).toEqual({ kind: "not_shared", item: "i-1" });
    // Nothing to tell pages apart by: the item alone.
    expect(presenterKey(notShared)).toBe("item:i-1");
  });

  it("tells pages apart by document, version, page and zoom", () => {
    expect(presenterKey(PRESENTER)).toBe("d-1:2:3:125");
    expect(presenterKey({ ...PRESENTER, shown: { ...SHOWN, zoom_percent: 100 } })).not.toBe(presenterKey(PRESENTER));
    expect(presenterKey(null)).toBeNull();
  });
});

describe("the room display", () => {
  const candidates = [
    { id: "soonest", status: "not_started" as const },
    { id: "live", status: "running" as const },
    { id: "paused", status: "suspended" as const },
  ];

  it("shows the meeting chosen in the console while its session is live", () => {
    expect(roomMeeting(candidates, "paused")).toBe("paused");
  });

  it("otherwise the soonest live session, then the chosen meeting, then the soonest", () => {
    expect(roomMeeting(candidates, "soonest")).toBe("live");
    expect(roomMeeting(candidates, null)).toBe("live");
    expect(roomMeeting([{ id: "a", status: "not_started" }, { id: "b", status: "ended" }], "b")).toBe("b");
    expect(roomMeeting([{ id: "a", status: "not_started" }], "gone")).toBe("a");
    expect(roomMeeting([], null)).toBeNull();
  });

  it("finds the votes that closed since the last view", () => {
    const motion = (id: string) => ({ id }) as Motion;
    expect(closedSince([motion("m-1"), motion("m-2")], [motion("m-2")])).toEqual(["m-1"]);
    expect(closedSince([], [motion("m-1")])).toEqual([]);
  });
});

describe("the voice meter", () => {
  it("shows the loudest voice on a scale from −60 dB to 0", () => {
    expect(voiceMeter([])).toBe(0);
    expect(voiceMeter([-96])).toBe(0);
    expect(voiceMeter([-30, -6])).toBeCloseTo(0.9);
    expect(voiceMeter([3])).toBe(1);
  });
});

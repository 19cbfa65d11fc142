import { describe, expect, it } from "vitest";
import type { ItemPositionsView } from "./bindings";
import { translator } from "./i18n";
import { vi } from "./messages/vi";
import {
  checkPosition,
  itemStanding,
  meetingStarted,
  objectionLines,
  positionMessage,
  quietItemCount,
  stanceKind,
  stanceLabel,
  stanceReason,
  standingStance,
  summaryLine,
} from "./positions";

const tVi = translator("vi");
const tEn = translator("en");
const reason = (e: unknown) => String((e as { message?: string }).message);

const VIEW: ItemPositionsView = {
  item: { id: "i-1", meeting_id: "m-1", position: 1, title: "Luật Dữ liệu" },
  summary: { no_objection: ["p1", "p2"], objections: [["p3", "Thiếu số liệu"]], speakers: ["p4"], silent: ["p5", "p6"], proposed_without_discussion: false },
  mine: null,
  decision: null,
};

describe("positions", () => {
  it("reads stances in both languages", () => {
    expect(stanceKind("no_objection")).toBe("no_objection");
    expect(stanceKind({ objection: { reason: "x" } })).toBe("objection");
    expect(stanceReason({ objection: { reason: "x" } })).toBe("x");
    expect(stanceReason("speak")).toBe("");
    expect(stanceReason(null)).toBe("");
    expect(["no_objection", "objection", "speak"].map((k) => stanceLabel(k as "speak", tVi))).toEqual(["Không phản đối", "Phản đối", "Đăng ký phát biểu"]);
    expect(stanceLabel("speak", tEn)).toBe("I wish to speak");
  });

  it("asks for a choice, and for the reason of an objection", () => {
    expect(checkPosition(null, "")).toEqual({ ok: false, error: "positions.chooseFirst" });
    expect(checkPosition("objection", "   ")).toEqual({ ok: false, error: "positions.reasonRequired" });
    expect(checkPosition("objection", "x".repeat(2_001))).toEqual({ ok: false, error: "positions.reasonTooLong" });
    expect(checkPosition("objection", " Thiếu số liệu ")).toEqual({ ok: true, stance: { objection: { reason: "Thiếu số liệu" } } });
    // A reason typed before switching to another choice is not sent.
    expect(checkPosition("speak", "left over")).toEqual({ ok: true, stance: "speak" });
  });

  it("closes positions when the meeting starts", () => {
    const meeting = { starts_at: "2026-11-26T02:00:00Z" };
    expect(meetingStarted(meeting, new Date("2026-11-26T01:59:59Z"))).toBe(false);
    expect(meetingStarted(meeting, new Date("2026-11-26T02:00:00Z"))).toBe(true);
    expect(meetingStarted({ starts_at: "not a date" }, new Date())).toBe(false);
  });

  it("shows a change on its way at once, then the replica's position", () => {
    const sending = { stance: "speak" as const, delivery: { kind: "sending" as const } };
    expect(standingStance("no_objection", sending)).toBe("speak");
    expect(standingStance("no_objection", { ...sending, delivery: { kind: "waiting", known: [] } })).toBe("speak");
    expect(standingStance("no_objection", { ...sending, delivery: { kind: "refused", code: "c", reason: "r" } })).toBe("no_objection");
    expect(standingStance(null, { ...sending, delivery: { kind: "counted" } })).toBe("speak");
    expect(standingStance(null, { ...sending, delivery: { kind: "failed", error: null } })).toBeNull();
    expect(standingStance("no_objection", undefined)).toBe("no_objection");
  });

  it("says what became of a position", () => {
    const sent = (delivery: Parameters<typeof positionMessage>[0]["delivery"]) => positionMessage({ stance: "no_objection", delivery }, tVi, reason);
    expect(sent({ kind: "sending" })).toBe("Đang gửi ý kiến “Không phản đối”…");
    expect(sent({ kind: "counted" })).toBe("✓ Đã ghi nhận ý kiến “Không phản đối” của bạn.");
    expect(sent({ kind: "waiting", known: [] })).toContain("sẽ gửi khi có mạng");
    expect(sent({ kind: "refused", code: "meeting_started", reason: "x" })).toBe(`Ý kiến “Không phản đối” không được ghi nhận: ${vi["sync.rejected.meeting_started"]}`);
    expect(sent({ kind: "refused", code: "new_code", reason: "the engine's words" })).toContain("the engine's words");
    expect(sent({ kind: "failed", error: { message: "disk full" } })).toBe("Chưa gửi được ý kiến “Không phản đối”: disk full");
  });

  it("summarises an item for the secretariat", () => {
    expect(summaryLine(VIEW.summary, tVi)).toBe("Không phản đối: 2 · Phản đối: 1 · Đăng ký phát biểu: 1 · Chưa cho ý kiến: 2");
    expect(summaryLine(VIEW.summary, tEn)).toBe("No objection: 2 · Objections: 1 · Wish to speak: 1 · No answer: 2");
    expect(objectionLines(VIEW.summary, { id: "p3", name: "Trần Văn Ba" })).toEqual(["Trần Văn Ba: Thiếu số liệu"]);
    expect(objectionLines(VIEW.summary, { id: "p0", name: "Thư ký" })).toEqual(["p3: Thiếu số liệu"]);
  });

  it("tells proposed items from adopted ones and counts what adopting would take", () => {
    const quiet = { ...VIEW, summary: { ...VIEW.summary, objections: [], speakers: [], proposed_without_discussion: true } };
    const decision = { agenda_item_id: "i-1", meeting_id: "m-1", adopted_without_discussion: true, decided_at: "2026-11-25T01:00:00Z", decided_by: "p0" };
    expect(itemStanding(VIEW)).toBeNull();
    expect(itemStanding(quiet)).toBe("proposed");
    expect(itemStanding({ ...quiet, decision })).toBe("adopted");
    expect(itemStanding({ ...quiet, decision: { ...decision, adopted_without_discussion: false } })).toBeNull();
    expect(quietItemCount([VIEW, quiet, { ...quiet, decision }])).toBe(1);
  });
});

import { describe, expect, it } from "vitest";
import type { Motion, SyncStatus, Tally, TallyVerification } from "./bindings";
import { translator } from "./i18n";
import { en } from "./messages/en";
import { vi } from "./messages/vi";
import {
  ballotFromOutcome,
  ballotMessage,
  checkMotionDraft,
  closingTime,
  motionsOfItem,
  offlineDuringVote,
  optionLabel,
  ownChoice,
  resultSummary,
  ruleText,
  settleBallot,
  settleBallots,
  standingChoice,
  statusLine,
  verificationSummary,
  withMotion,
  type Ballot,
  type MotionDraft,
} from "./voting";

const tVi = translator("vi");
const tEn = translator("en");

const MOTION: Motion = {
  id: "mo-1",
  meeting_id: "m-1",
  agenda_item_id: "i-1",
  question: "Thông qua dự án Luật?",
  options: ["yes", "no", "abstain"],
  rule: "simple",
  base: "present",
  quorum: null,
  status: "open",
  opened_at: "2026-11-26T02:40:00Z",
  closes_at: null,
  closed_at: null,
  votes_cast: 0,
  tally: null,
};
const TALLY: Tally = {
  counts: [["yes", 4], ["no", 3], ["abstain", 2]],
  present: 9,
  members: 12,
  base: 12,
  required: 8,
  quorum_met: false,
  adopted: false,
  named: [["p1", "no"]],
};
const SYNC: SyncStatus = { state: "online", last_sync: null, cursor: 1, last_error: null, waiting_to_send: 0, rejected: [] };
const refusal = (op_id: string, entity_id = "mo-1") => ({ op_id, kind: "ballot", entity_id, code: "motion_closed", reason: "closed" });

describe("labels", () => {
  it("names the default options in each language and shows others as written", () => {
    expect(["yes", "no", "abstain"].map((o) => optionLabel(o, tVi))).toEqual(["Tán thành", "Không tán thành", "Không biểu quyết"]);
    expect(["yes", "no", "abstain"].map((o) => optionLabel(o, tEn))).toEqual(["Yes", "No", "Abstain"]);
    expect(optionLabel("phương án A", tVi)).toBe("phương án A");
    expect(optionLabel("constructor", tVi)).toBe("constructor");
  });

  it("says the majority needed", () => {
    expect(ruleText("simple", "present", tVi)).toBe("quá nửa số thành viên có mặt");
    expect(ruleText("two_thirds", "all_members", tVi)).toBe("hai phần ba tổng số thành viên");
    expect(ruleText("two_thirds", "all_members", tEn)).toBe("two thirds of all members");
  });

  it("says how many have voted, until when, or when it closed", () => {
    expect(statusLine({ ...MOTION, votes_cast: 4 }, tVi)).toBe("Đang biểu quyết — 4 người đã bỏ phiếu");
    expect(statusLine({ ...MOTION, votes_cast: 1, closes_at: "2026-11-26T03:15:00Z" }, tEn)).toBe(
      "Voting open — 1 member has voted · closes at 10:15",
    );
    expect(statusLine({ ...MOTION, status: "closed", closed_at: "2026-11-26T03:01:00Z" }, tVi)).toBe("Đã kết thúc lúc 10:01");
    expect(statusLine({ ...MOTION, status: "closed" }, tEn)).toBe("Closed");
  });
});

describe("motions", () => {
  it("lists an item's open motions first, then the most recent", () => {
    const old = { ...MOTION, id: "old", status: "closed" as const, opened_at: "2026-11-26T01:00:00Z" };
    const recent = { ...MOTION, id: "recent", status: "closed" as const, opened_at: "2026-11-26T02:00:00Z" };
    const open = { ...MOTION, id: "open", opened_at: "2026-11-26T00:00:00Z" };
    const elsewhere = { ...MOTION, id: "elsewhere", agenda_item_id: "i-2" };
    expect(motionsOfItem([old, elsewhere, recent, open], "i-1").map((m) => m.id)).toEqual(["open", "recent", "old"]);
  });

  it("puts a motion in the list, in place of an older copy", () => {
    const closed = { ...MOTION, status: "closed" as const };
    expect(withMotion([MOTION], closed)).toEqual([closed]);
    expect(withMotion([MOTION], { ...MOTION, id: "mo-2" }).map((m) => m.id)).toEqual(["mo-1", "mo-2"]);
  });

  it("warns only when offline while a vote is open", () => {
    const offline = { ...SYNC, state: "offline" as const };
    expect(offlineDuringVote([MOTION], offline)).toBe(true);
    expect(offlineDuringVote([{ ...MOTION, status: "closed" }], offline)).toBe(false);
    expect(offlineDuringVote([MOTION], SYNC)).toBe(false);
    expect(offlineDuringVote([MOTION], null)).toBe(false);
  });
});

describe("results", () => {
  it("sums up a result: counts, verdict, attendance, majority and quorum", () => {
    const motion = { ...MOTION, rule: "two_thirds" as const, base: "all_members" as const, quorum: 10, status: "closed" as const, tally: TALLY };
    expect(resultSummary(motion, TALLY, tVi)).toEqual({
      adopted: false,
      verdict: "Không thông qua",
      counts: [
        { choice: "yes", label: "Tán thành", count: 4 },
        { choice: "no", label: "Không tán thành", count: 3 },
        { choice: "abstain", label: "Không biểu quyết", count: 2 },
      ],
      details: ["Có mặt: 9/12 thành viên", "Cần 8/12 phiếu “Tán thành” (hai phần ba tổng số thành viên)", "Không đủ túc số (10 thành viên)"],
    });
    const adopted = resultSummary({ ...MOTION, status: "closed" }, { ...TALLY, adopted: true, quorum_met: true, base: 9, required: 5 }, tEn);
    expect(adopted.verdict).toBe("Adopted");
    expect(adopted.details).toEqual(["Present: 9 of 12 members", "Needed 5 of 9 votes for “Yes” (more than half of the members present)"]);
  });

  it("finds the person's own named vote", () => {
    expect(ownChoice(TALLY, "p1")).toBe("no");
    expect(ownChoice(TALLY, "p9")).toBeNull();
  });

  it("sums up a verification: verified, with the member's own ballot, or every problem", () => {
    const ok: TallyVerification = { motion_id: "mo-1", ballots_checked: 9, recount: TALLY, matches_published: true, own_ballot_included: true, problems: [] };
    expect(verificationSummary(ok, tVi)).toEqual({
      verified: true,
      title: "✓ Đã kiểm chứng: đếm lại 9 phiếu có chữ ký hợp lệ, khớp với kết quả đã công bố.",
      lines: [vi["vote.verify.ownIncluded"]],
    });
    expect(verificationSummary({ ...ok, ballots_checked: 1, own_ballot_included: null }, tEn)).toEqual({
      verified: true,
      title: "✓ Verified: 1 signed ballot recounted; the result matches the published one.",
      lines: [],
    });
    const problems = ["ballot 2: the server's receipt does not match", "your own latest ballot is not in the export as you cast it"];
    expect(verificationSummary({ ...ok, own_ballot_included: false, problems }, tVi)).toEqual({
      verified: false,
      title: vi["vote.verify.failed"],
      lines: problems,
    });
    expect(verificationSummary({ ...ok, matches_published: false }, tEn).lines).toEqual([en["vote.verify.mismatch"]]);
  });
});

describe("the member's ballot", () => {
  const waiting: Ballot = { kind: "waiting", choice: "yes", earlier: null, known: ["op-1"] };

  it("records what the engine said", () => {
    expect(ballotFromOutcome({ outcome: "counted", seq: 4 }, "yes", null, [])).toEqual({ kind: "counted", choice: "yes", earlier: null });
    expect(ballotFromOutcome({ outcome: "waiting" }, "yes", "no", ["op-1"])).toEqual({ kind: "waiting", choice: "yes", earlier: "no", known: ["op-1"] });
    expect(ballotFromOutcome({ outcome: "refused", code: "not_present", reason: "absent" }, "no", null, [])).toEqual({
      kind: "refused",
      choice: "no",
      earlier: null,
      code: "not_present",
      reason: "absent",
    });
  });

  it("settles a waiting ballot by a new refusal, or once nothing waits to be sent", () => {
    // Still offline, or an older refusal, or another motion's: still waiting.
    expect(settleBallot(waiting, "mo-1", { ...SYNC, state: "offline", waiting_to_send: 1 })).toBe(waiting);
    expect(settleBallot(waiting, "mo-1", { ...SYNC, waiting_to_send: 1, rejected: [refusal("op-1")] })).toBe(waiting);
    expect(settleBallot(waiting, "mo-1", null)).toBe(waiting);
    expect(settleBallot(waiting, "mo-1", { ...SYNC, rejected: [refusal("op-2", "mo-9"), refusal("op-1")] })).toEqual({
      kind: "counted",
      choice: "yes",
      earlier: null,
    });
    expect(settleBallot(waiting, "mo-1", { ...SYNC, rejected: [refusal("op-2"), refusal("op-1")] })).toEqual({
      kind: "refused",
      choice: "yes",
      earlier: null,
      code: "motion_closed",
      reason: "closed",
    });
    const counted: Ballot = { kind: "counted", choice: "no", earlier: null };
    expect(settleBallot(counted, "mo-1", { ...SYNC, rejected: [refusal("op-2")] })).toBe(counted);
  });

  it("keeps a ballot the room's hub took until the server has it, or refuses it", () => {
    const room = ballotFromOutcome({ outcome: "taken_by_room", seq: 12 }, "no", "yes", ["op-1"]);
    expect(room).toEqual({ kind: "room", choice: "no", earlier: "yes", seq: 12, known: ["op-1"] });
    expect(standingChoice(room)).toBe("no");
    expect(settleBallot(room, "mo-1", { ...SYNC, state: "offline", waiting_to_send: 1 })).toBe(room);
    expect(settleBallot(room, "mo-1", SYNC)).toEqual({ kind: "counted", choice: "no", earlier: "yes" });
    expect(settleBallot(room, "mo-1", { ...SYNC, rejected: [refusal("op-2")] })).toMatchObject({ kind: "refused", code: "motion_closed" });
    expect(ballotMessage(room, tVi, () => "")).toBe(
      "Không kết nối được máy chủ: máy điều phối phòng họp đã nhận phiếu “Không tán thành” của bạn và ký biên nhận. Phiếu sẽ được chuyển về máy chủ khi có kết nối lại.",
    );
    expect(ballotMessage(room, tEn, () => "")).toBe(
      "The server is unreachable: the room's hub took your vote “No” and signed a receipt. It reaches the server when the server is back.",
    );
  });

  it("settles a whole record, keeping it when nothing changed", () => {
    const ballots = { "mo-1": waiting };
    expect(settleBallots(ballots, { ...SYNC, state: "offline" })).toBe(ballots);
    expect(settleBallots(ballots, SYNC)).toEqual({ "mo-1": { kind: "counted", choice: "yes", earlier: null } });
  });

  it("knows which vote stands", () => {
    expect(standingChoice(undefined)).toBeNull();
    expect(standingChoice(waiting)).toBe("yes");
    expect(standingChoice({ kind: "failed", choice: "no", earlier: "abstain", error: null })).toBe("abstain");
    expect(standingChoice({ kind: "sending", choice: "no", earlier: null })).toBeNull();
  });

  it("says what became of the vote", () => {
    const reason = () => "no network";
    expect(ballotMessage({ kind: "sending", choice: "no", earlier: null }, tVi, reason)).toBe("Đang gửi phiếu “Không tán thành”…");
    expect(ballotMessage(waiting, tVi, reason)).toBe("Đã lưu trên máy — sẽ gửi khi có mạng. Phiếu của bạn: “Tán thành”.");
    expect(ballotMessage({ kind: "counted", choice: "abstain", earlier: "yes" }, tEn, reason)).toBe("✓ Your vote “Abstain” was counted.");
    expect(ballotMessage({ kind: "refused", choice: "yes", earlier: null, code: "motion_closed", reason: "late" }, tEn, reason)).toBe(
      `Your vote “Yes” was not counted: ${en["sync.rejected.motion_closed"]}`,
    );
    expect(ballotMessage({ kind: "refused", choice: "yes", earlier: null, code: "odd", reason: "server says no" }, tVi, reason)).toBe(
      "Phiếu “Tán thành” không được tính: Máy chủ không nhận thay đổi này (server says no).",
    );
    expect(ballotMessage({ kind: "failed", choice: "no", earlier: "yes", error: null }, tVi, reason)).toBe(
      "Chưa bỏ được phiếu “Không tán thành”: no network Phiếu “Tán thành” bạn bỏ trước đó vẫn giữ nguyên.",
    );
  });
});

describe("the form that opens a vote", () => {
  // 10:00 in Vietnam.
  const NOW = new Date("2026-11-24T03:00:00Z");
  const draft = (fields: Partial<MotionDraft>): MotionDraft => ({ question: "Thông qua?", rule: "simple", base: "present", quorum: "", closesAt: "", ...fields });

  it("reads a closing time as today on Vietnam's clock", () => {
    expect(closingTime("10:30", NOW)?.toISOString()).toBe("2026-11-24T03:30:00.000Z");
    expect(closingTime("23:59:00", NOW)?.toISOString()).toBe("2026-11-24T16:59:00.000Z");
    // Just after midnight in Vietnam, still the previous day in UTC.
    expect(closingTime("08:00", new Date("2026-11-23T17:30:00Z"))?.toISOString()).toBe("2026-11-24T01:00:00.000Z");
    expect(closingTime("24:00", NOW)).toBeNull();
    expect(closingTime("9h30", NOW)).toBeNull();
  });

  it("builds the request with the default options", () => {
    expect(checkMotionDraft(draft({ question: "  Thông qua?  ", rule: "two_thirds", base: "all_members", quorum: " 7 ", closesAt: "10:45" }), NOW)).toEqual({
      ok: true,
      request: { question: "Thông qua?", options: null, rule: "two_thirds", base: "all_members", quorum: 7, closes_at: "2026-11-24T03:45:00.000Z" },
    });
    expect(checkMotionDraft(draft({}), NOW)).toEqual({
      ok: true,
      request: { question: "Thông qua?", options: null, rule: "simple", base: "present", quorum: null, closes_at: null },
    });
  });

  it("names the field to correct", () => {
    expect(checkMotionDraft(draft({ question: "   " }), NOW)).toEqual({ ok: false, field: "question", error: "vote.form.questionRequired" });
    for (const quorum of ["0", "2.5", "-1", "ba"]) {
      expect(checkMotionDraft(draft({ quorum }), NOW)).toEqual({ ok: false, field: "quorum", error: "vote.form.quorumInvalid" });
    }
    expect(checkMotionDraft(draft({ closesAt: "25:00" }), NOW)).toEqual({ ok: false, field: "closesAt", error: "vote.form.closesInvalid" });
    expect(checkMotionDraft(draft({ closesAt: "10:00" }), NOW)).toEqual({ ok: false, field: "closesAt", error: "vote.form.closesPast" });
  });
});

import { describe, expect, it } from "vitest";
import type { AnnotationList, AnnotationView, OpinionRequestView, OpinionStatus, ReceivedResponse, SyncStatus } from "./bindings";
import { translator } from "./i18n";
import { vi } from "./messages/vi";
import {
  annotationLinkLabel,
  answered,
  answerLabel,
  awaitingAnswer,
  checkOpinion,
  dashboardRows,
  isOverdue,
  latestResponse,
  offlineWithOpenRequests,
  opinionMessage,
  orderRequests,
  ownAnnotations,
  timeLeft,
  usableDraft,
} from "./opinions";

const tVi = translator("vi");
const tEn = translator("en");
const NOW = new Date("2026-11-24T03:00:00Z");

function received(respondent: string, choice: string, seq: number, late = false): ReceivedResponse {
  return {
    response: { request_id: "r-1", respondent, signer: respondent, device_id: "d", choice, comment: "", annotations: [], submitted_at: "", nonce: "", signature: "" },
    seq,
    received_at: "2026-11-24T02:00:00Z",
    late,
  };
}

function request(id: string, deadline: string, fields: Partial<OpinionRequestView> = {}): OpinionRequestView {
  return {
    request: { id, agenda_item_id: "i-1", question: id, documents: [], answers: ["agree", "disagree", "agree_with_comments"], deadline, recipients: ["p1", "p2"], mandates: [], reminders: [], created_at: "" },
    answering_for: ["p1"],
    responses: [],
    reminded: 0,
    ...fields,
  };
}

const OFFLINE: SyncStatus = { state: "offline", last_sync: null, cursor: 0, last_error: null, waiting_to_send: 0, rejected: [] };

describe("opinions", () => {
  it("reads the default answers in both languages, others as written", () => {
    expect(["agree", "disagree", "agree_with_comments"].map((a) => answerLabel(a, tVi))).toEqual(["Đồng ý", "Không đồng ý", "Đồng ý, có ý kiến khác"]);
    expect(answerLabel("agree_with_comments", tEn)).toBe("Agree, with comments");
    expect(answerLabel("Hoãn lại", tVi)).toBe("Hoãn lại");
    expect(answerLabel("toString", tVi)).toBe("toString");
  });

  it("says how long is left, rounding down, and when it is overdue", () => {
    const left = (iso: string, t = tVi) => timeLeft(iso, NOW, t);
    expect(left("2026-11-24T03:00:00Z")).toBe("Quá hạn");
    expect(left("2026-11-24T03:00:20Z")).toBe("Còn 1 phút");
    expect(left("2026-11-24T03:59:00Z")).toBe("Còn 59 phút");
    expect(left("2026-11-24T05:59:00Z")).toBe("Còn 2 giờ");
    expect(left("2026-11-25T10:00:00Z")).toBe("Còn 1 ngày");
    expect(left("2026-11-27T03:00:00Z", tEn)).toBe("3 days left");
    expect(left("2026-11-24T02:00:00Z", tEn)).toBe("Overdue");
    expect(left("soon")).toBe("soon");
    expect(isOverdue({ deadline: "2026-11-24T02:59:59Z" }, NOW)).toBe(true);
    expect(isOverdue({ deadline: "2026-11-24T03:00:01Z" }, NOW)).toBe(false);
  });

  it("lists open requests by nearest deadline, then past ones latest first", () => {
    const list = [
      request("past-old", "2026-11-01T00:00:00Z"),
      request("open-late", "2026-12-01T00:00:00Z"),
      request("past-recent", "2026-11-23T00:00:00Z"),
      request("open-soon", "2026-11-25T00:00:00Z"),
    ];
    expect(orderRequests(list, NOW).map((v) => v.request.id)).toEqual(["open-soon", "open-late", "past-recent", "past-old"]);
  });

  it("knows who still has to answer, counting only responses received in time", () => {
    const open = request("r-1", "2026-11-25T00:00:00Z", { answering_for: ["p1", "p2"] });
    expect(answered(open)).toBe(false);
    expect(awaitingAnswer(open, NOW)).toBe(true);
    const half = { ...open, responses: [received("p1", "agree", 1), received("p2", "agree", 2, true)] };
    expect(answered(half)).toBe(false);
    const both = { ...half, responses: [...half.responses, received("p2", "disagree", 3)] };
    expect(answered(both)).toBe(true);
    expect(awaitingAnswer(both, NOW)).toBe(false);
    expect(latestResponse(both, "p2")?.seq).toBe(3);
    expect(latestResponse(both, "p9")).toBeNull();
    // Past the deadline, or not this person's to answer: nothing awaits.
    expect(awaitingAnswer(request("old", "2026-11-01T00:00:00Z"), NOW)).toBe(false);
    expect(awaitingAnswer({ ...open, answering_for: [] }, NOW)).toBe(false);
  });

  it("warns only offline, while a request awaits an answer", () => {
    const open = request("r-1", "2026-11-25T00:00:00Z");
    expect(offlineWithOpenRequests([open], OFFLINE, NOW)).toBe(true);
    expect(offlineWithOpenRequests([open], { ...OFFLINE, state: "online" }, NOW)).toBe(false);
    expect(offlineWithOpenRequests([open], null, NOW)).toBe(false);
    expect(offlineWithOpenRequests([{ ...open, responses: [received("p1", "agree", 1)] }], OFFLINE, NOW)).toBe(false);
  });

  it("checks a response before it is signed", () => {
    const answers = ["agree", "disagree", "agree_with_comments"];
    expect(checkOpinion(answers, null, "")).toEqual({ ok: false, field: "choice", error: "opinions.chooseFirst" });
    expect(checkOpinion(answers, "maybe", "")).toEqual({ ok: false, field: "choice", error: "opinions.chooseFirst" });
    expect(checkOpinion(answers, "agree_with_comments", "  ")).toEqual({ ok: false, field: "comment", error: "opinions.commentRequired" });
    expect(checkOpinion(answers, "agree", "x".repeat(20_001))).toEqual({ ok: false, field: "comment", error: "opinions.commentTooLong" });
    expect(checkOpinion(answers, "disagree", " Chưa phù hợp ")).toEqual({ ok: true, choice: "disagree", comment: "Chưa phù hợp" });
  });

  it("says what became of a response", () => {
    const reason = (e: unknown) => String(e);
    const message = (delivery: Parameters<typeof opinionMessage>[0]["delivery"]) => opinionMessage({ choice: "agree", respondent: "p1", delivery }, tVi, reason);
    expect(message({ kind: "counted" })).toBe("✓ Đã ghi nhận ý kiến “Đồng ý”.");
    expect(message({ kind: "waiting", known: [] })).toBe("Đã ký và lưu trên máy — sẽ gửi khi có mạng. Ý kiến: “Đồng ý”.");
    expect(message({ kind: "refused", code: "no_mandate", reason: "x" })).toBe(`Ý kiến “Đồng ý” không được ghi nhận: ${vi["sync.rejected.no_mandate"]}`);
    expect(message({ kind: "failed", error: "offline" })).toBe("Chưa gửi được ý kiến “Đồng ý”: offline");
    expect(message({ kind: "sending" })).toBe("Đang gửi ý kiến “Đồng ý”…");
  });

  it("orders the dashboard by answer, then the late ones", () => {
    const status: OpinionStatus = {
      request: request("r-1", "2026-11-25T00:00:00Z").request,
      counted: [received("p3", "disagree", 5), received("p1", "agree", 7), received("p2", "agree", 2), received("p4", "other", 1)],
      late: [received("p6", "agree", 9, true), received("p5", "agree", 8, true)],
      superseded: [],
      not_answered: [],
      per_answer: [],
    };
    expect(dashboardRows(status).map((r) => r.response.respondent)).toEqual(["p2", "p1", "p3", "p4", "p5", "p6"]);
  });
});

describe("drafts and annotation links", () => {
  const note = (id: string, page: number, mine: boolean, text = "", quote = "") =>
    ({ id, page, mine, text, anchor: { version: 1, page, rects: [], quote, before: "", after: "" } }) as unknown as AnnotationView;
  const list = (document_id: string, annotations: AnnotationView[]): AnnotationList => ({ document_id, version: 1, annotations, locked: 0 });

  it("keeps only the member's own annotations, by document then page", () => {
    const lists = [list("d1", [note("a", 4, true), note("b", 1, false), note("c", 2, true)]), list("d2", [note("d", 1, true)])];
    expect(ownAnnotations(lists).map((a) => a.id)).toEqual(["c", "a", "d"]);
    expect(ownAnnotations([])).toEqual([]);
  });

  it("labels a link by page and the note's text, else the passage it marks", () => {
    expect(annotationLinkLabel(note("a", 3, true, " Cần làm rõ "), tVi)).toBe("Trang 3: Cần làm rõ");
    expect(annotationLinkLabel(note("a", 2, true, "", "dữ liệu số"), tEn)).toBe("Page 2: dữ liệu số");
    expect(annotationLinkLabel(note("a", 7, true), tVi)).toBe("Trang 7");
    expect(annotationLinkLabel(note("a", 1, true, "x".repeat(200)), tEn)).toHaveLength("Page 1: ".length + 120);
  });

  it("uses a draft only when it holds one of the answers or some comment", () => {
    const answers = ["agree", "disagree"];
    expect(usableDraft(null, answers)).toBeNull();
    expect(usableDraft({ choice: "", comment: "", saved_at: null }, answers)).toBeNull();
    expect(usableDraft({ choice: "agree", comment: "", saved_at: null }, answers)).toEqual({ choice: "agree", comment: "" });
    expect(usableDraft({ choice: "gone", comment: "note", saved_at: null }, answers)).toEqual({ choice: null, comment: "note" });
  });
});

import { describe, expect, it } from "vitest";
import type { VoteLine } from "./bindings";
import { translator } from "./i18n";
import { attendanceText, kindLabel, speakingTotal, speechText, voteText } from "./minutes";

const vi = translator("vi");
const en = translator("en");

const VOTE: VoteLine = {
  motion: "mo-1",
  question: "Thông qua dự án Luật Dữ liệu (sửa đổi)?",
  rule: "simple",
  base: "present",
  quorum: 10,
  tally: {
    counts: [["yes", 15], ["no", 2], ["abstain", 1]],
    present: 18,
    members: 21,
    base: 18,
    required: 10,
    quorum_met: true,
    adopted: true,
    named: [],
  },
};

describe("the minutes", () => {
  it("name the meeting's kind, or keep one this UI does not know", () => {
    expect(kindLabel("thematic", vi)).toBe("Phiên họp chuyên đề");
    expect(kindLabel("regular", en)).not.toBe("regular");
    expect(kindLabel("joint", vi)).toBe("joint");
  });

  it("give each speech its speaker, kind and duration in mm:ss", () => {
    const line = { person: "p-1", name: "Trần Văn Nam", kind: "point_of_order" as const, started_at: "2099-11-26T02:10:00Z", duration_seconds: 185 };
    expect(speechText(line, vi)).toBe("Trần Văn Nam — Kiến nghị về thủ tục — 03:05");
    expect(speechText({ ...line, kind: "speech" }, en)).toBe("Trần Văn Nam — Speech — 03:05");
    expect(speakingTotal({ speakers: [line, { ...line, duration_seconds: 55 }] })).toBe(240);
  });

  it("say where each participant was", () => {
    expect(attendanceText({ person: "p-2", name: "Lê Thị Hoa", presence: { status: "remote" }, substitute: null }, vi)).toBe("Lê Thị Hoa: Dự họp trực tuyến");
    expect(attendanceText({ person: "p-3", name: "Phạm Minh", presence: { status: "substituted", by: "p-9" }, substitute: "Vũ An" }, en)).toBe(
      "Phạm Minh: Substituted by Vũ An",
    );
  });

  it("read a vote's tally: verdict, counts per option, attendance, what was needed and the quorum", () => {
    const v = voteText(VOTE, vi);
    expect(v.verdict).toBe("Thông qua");
    expect(v.adopted).toBe(true);
    expect(v.counts.map((c) => `${c.label}: ${c.count}`)).toEqual(["Tán thành: 15", "Không tán thành: 2", "Không biểu quyết: 1"]);
    expect(v.details).toEqual(["Có mặt: 18/21 thành viên", "Cần 10/18 phiếu “Tán thành” (quá nửa số thành viên có mặt)", "Đủ túc số (10 thành viên)"]);
  });

  it("say when a vote has no result", () => {
    const v = voteText({ ...VOTE, tally: null }, en);
    expect(v).toMatchObject({ verdict: null, adopted: null, counts: [], details: ["No result"] });
  });
});

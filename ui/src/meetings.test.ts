import { describe, expect, it } from "vitest";
import type { AgendaItem, Meeting } from "./bindings";
import { groupMeetings, meetingFacts, orderAgendaItems, orderMeetings } from "./meetings";

function meeting(id: string, starts_at: string, title = id): Meeting {
  return { id, organisation_id: "org", title, starts_at, status: "published", created_by: "p" };
}

// 2026-11-24 10:00 in Vietnam.
const NOW = new Date("2026-11-24T03:00:00Z");

describe("orderMeetings", () => {
  const list = [
    meeting("past-old", "2026-10-01T02:00:00Z"),
    meeting("future-far", "2027-01-05T02:00:00Z"),
    meeting("past-recent", "2026-11-20T02:00:00Z"),
    meeting("today-earlier", "2026-11-24T01:00:00Z"), // 08:00 today, already started
    meeting("future-near", "2026-11-26T02:00:00Z"),
  ];

  it("puts today's and upcoming meetings first, soonest first, then past ones, most recent first", () => {
    expect(orderMeetings(list, NOW).map((m) => m.id)).toEqual([
      "today-earlier",
      "future-near",
      "future-far",
      "past-recent",
      "past-old",
    ]);
  });

  it("uses the Vietnam calendar day, not UTC's, to decide what is past", () => {
    // 2026-11-23T18:00Z is 01:00 on 24/11 in Vietnam: today, so upcoming.
    const early = meeting("early-today", "2026-11-23T18:00:00Z");
    // 2026-11-23T16:30Z is 23:30 on 23/11 in Vietnam: yesterday.
    const lateYesterday = meeting("late-yesterday", "2026-11-23T16:30:00Z");
    const { upcoming, past } = groupMeetings([lateYesterday, early], NOW);
    expect(upcoming.map((m) => m.id)).toEqual(["early-today"]);
    expect(past.map((m) => m.id)).toEqual(["late-yesterday"]);
  });

  it("breaks ties by title and keeps undated meetings last", () => {
    const ordered = orderMeetings(
      [
        meeting("bad", "n/a"),
        meeting("b", "2026-12-01T02:00:00Z", "Phiên họp B"),
        meeting("a", "2026-12-01T02:00:00Z", "Phiên họp A"),
      ],
      NOW,
    );
    expect(ordered.map((m) => m.id)).toEqual(["a", "b", "bad"]);
  });

  it("does not modify its input", () => {
    const copy = [...list];
    orderMeetings(list, NOW);
    expect(list).toEqual(copy);
  });
});

describe("orderAgendaItems", () => {
  it("sorts by position", () => {
    const items: AgendaItem[] = [3, 1, 2].map((p) => ({ id: `i${p}`, meeting_id: "m", position: p, title: `Mục ${p}` }));
    expect(orderAgendaItems(items).map((i) => i.id)).toEqual(["i1", "i2", "i3"]);
  });
});

describe("meetingFacts", () => {
  const names: Record<string, string> = { p1: "Nguyễn Thị Lan", p2: "Trần Văn Nam", p3: "Đỗ Minh Phó" };
  const name = (id: string) => names[id] ?? id;

  it("names the participants and who stands in for whom", () => {
    const m = {
      ...meeting("m", "2026-12-03T01:30:00Z"),
      details: { kind: "extraordinary" as const, place: " Phòng họp số 1 ", participants: ["p1", "p2", "p9"], substitutes: [{ member: "p2", substitute: "p3" }] },
    };
    expect(meetingFacts(m, name)).toEqual({
      kind: "extraordinary",
      place: "Phòng họp số 1",
      participants: ["Nguyễn Thị Lan", "Trần Văn Nam", "p9"],
      substitutes: [{ member: "Trần Văn Nam", substitute: "Đỗ Minh Phó" }],
    });
  });

  it("says every member is invited when none is named, and nothing for a meeting without details", () => {
    expect(meetingFacts({ ...meeting("m", "2026-12-03T01:30:00Z"), details: {} }, name)).toEqual({ kind: "regular", place: null, participants: null, substitutes: [] });
    expect(meetingFacts(meeting("m", "2026-12-03T01:30:00Z"), name)).toBeNull();
  });
});

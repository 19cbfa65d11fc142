import { describe, expect, it } from "vitest";
import type { MeetingFigures, Statistics } from "./bindings";
import { translator } from "./i18n";
import {
  figureCells,
  figuresKey,
  formatHours,
  formatNumber,
  formatPercent,
  hasItems,
  hasRates,
  isEmptyReport,
  dayFromInput,
  dayToInput,
  meetingState,
  nextDay,
  outcomesByMeeting,
  outcomeSlices,
  parseDay,
  periodRange,
  periodText,
  presetOf,
  presetPeriod,
  ratesByMeeting,
  startOfDay,
  statCards,
} from "./stats";

const vi = translator("vi");
const en = translator("en");

function figures(fields: Partial<MeetingFigures> = {}): MeetingFigures {
  return {
    meeting: null,
    title: "",
    starts_at: null,
    meetings: 0,
    held: 0,
    cancelled: 0,
    items: 0,
    outcomes: { adopted: 0, deferred: 0, withdrawn: 0, noted: 0, undecided: 0 },
    adopted_without_discussion: 0,
    opinion_rounds: 0,
    opinions_requested: 0,
    opinions_answered: 0,
    late_answers: 0,
    median_hours_to_answer: null,
    votes: 0,
    ballots: 0,
    voters_entitled: 0,
    response_rate: null,
    turnout: null,
    ...fields,
  };
}

function report(meetings: MeetingFigures[], total: Partial<MeetingFigures>): Statistics {
  return {
    from: null,
    to: null,
    generated_at: "2026-11-24T03:00:00Z",
    total: figures(total),
    meetings,
  };
}

const NOVEMBER = figures({
  meeting: "m-1",
  title: "Phiên họp Chính phủ thường kỳ tháng 11 năm 2026",
  starts_at: "2026-11-30T18:30:00Z", // 1 December, 01:30 in Vietnam
  meetings: 1,
  held: 1,
  items: 7,
  outcomes: { adopted: 4, deferred: 1, withdrawn: 0, noted: 1, undecided: 1 },
  adopted_without_discussion: 3,
  opinion_rounds: 2,
  opinions_requested: 3,
  opinions_answered: 2,
  late_answers: 1,
  median_hours_to_answer: 8,
  votes: 2,
  ballots: 7,
  voters_entitled: 8,
  response_rate: 2 / 3,
  turnout: 7 / 8,
});
const CANCELLED = figures({ meeting: "m-2", title: "Phiên bất thường", starts_at: "2026-12-10T01:00:00Z", meetings: 1, cancelled: 1, items: 2, outcomes: { adopted: 0, deferred: 0, withdrawn: 0, noted: 0, undecided: 2 } });

describe("the period", () => {
  it("reads only days that exist", () => {
    expect(parseDay("2026-11-30")).toEqual({ year: 2026, month: 11, day: 30 });
    expect(parseDay("2028-02-29")).toEqual({ year: 2028, month: 2, day: 29 });
    for (const bad of ["2026-02-29", "2026-11-31", "2026-13-01", "2026-00-10", "26-11-30", "2026-11-3", "", "30/11/2026"]) {
      expect(parseDay(bad), bad).toBeNull();
    }
  });

  it("reads typed days as day/month/year, and shows days so", () => {
    expect(dayFromInput("31/12/2026")).toBe("2026-12-31");
    expect(dayFromInput(" 5/1/2026 ")).toBe("2026-01-05");
    expect(dayFromInput("05.11.2026")).toBe("2026-11-05");
    expect(dayFromInput("05-11-2026")).toBe("2026-11-05");
    expect(dayFromInput("2026-11-05")).toBe("2026-11-05");
    expect(dayFromInput("")).toBe("");
    expect(dayFromInput("   ")).toBe("");
    // Not month first, not a day that does not exist, not half a date.
    expect(dayFromInput("12/31/2026")).toBeNull();
    expect(dayFromInput("29/02/2026")).toBeNull();
    expect(dayFromInput("31/12")).toBeNull();
    expect(dayFromInput("hôm nay")).toBeNull();
    expect(dayToInput("2026-01-05")).toBe("05/01/2026");
    expect(dayToInput("")).toBe("");
  });

  it("goes to the next day across months, years and leap days", () => {
    expect(nextDay("2026-11-30")).toBe("2026-12-01");
    expect(nextDay("2026-12-31")).toBe("2027-01-01");
    expect(nextDay("2028-02-28")).toBe("2028-02-29");
    expect(nextDay("2027-02-28")).toBe("2027-03-01");
    expect(nextDay("2026-02-30")).toBeNull();
  });

  it("starts a day at its midnight in the zone, in UTC", () => {
    // Vietnam is UTC+7 all year.
    expect(startOfDay("2026-12-01")).toBe("2026-11-30T17:00:00Z");
    expect(startOfDay("2026-01-01", "Asia/Ho_Chi_Minh")).toBe("2025-12-31T17:00:00Z");
    // Paris changes its clocks on 29 March and 25 October 2026: before and after each.
    expect(startOfDay("2026-03-29", "Europe/Paris")).toBe("2026-03-28T23:00:00Z");
    expect(startOfDay("2026-03-30", "Europe/Paris")).toBe("2026-03-29T22:00:00Z");
    expect(startOfDay("2026-10-25", "Europe/Paris")).toBe("2026-10-24T22:00:00Z");
    expect(startOfDay("2026-10-26", "Europe/Paris")).toBe("2026-10-25T23:00:00Z");
    expect(startOfDay("2026-03-09", "America/New_York")).toBe("2026-03-09T04:00:00Z");
    expect(startOfDay("2026-11-01", "UTC")).toBe("2026-11-01T00:00:00Z");
    expect(startOfDay("2026-11-31")).toBeNull();
  });

  it("asks the engine for [first midnight, the midnight after the last day)", () => {
    expect(periodRange({ from: "2026-11-01", to: "2026-11-30" })).toEqual({ ok: true, from: "2026-10-31T17:00:00Z", to: "2026-11-30T17:00:00Z" });
    // One day is a whole day; the last day of a year ends at the next year's first midnight.
    expect(periodRange({ from: "2026-11-05", to: "2026-11-05" })).toEqual({ ok: true, from: "2026-11-04T17:00:00Z", to: "2026-11-05T17:00:00Z" });
    expect(periodRange({ from: "", to: "2026-12-31" })).toEqual({ ok: true, from: null, to: "2026-12-31T17:00:00Z" });
    expect(periodRange({ from: "2026-01-01", to: "" })).toEqual({ ok: true, from: "2025-12-31T17:00:00Z", to: null });
    expect(periodRange({ from: "", to: "" })).toEqual({ ok: true, from: null, to: null });
    expect(periodRange({ from: "2026-03-01", to: "2026-03-29" }, "Europe/Paris")).toEqual({ ok: true, from: "2026-02-28T23:00:00Z", to: "2026-03-29T22:00:00Z" });
  });

  it("refuses a period that ends before it starts, or a day that does not exist", () => {
    expect(periodRange({ from: "2026-11-02", to: "2026-11-01" })).toEqual({ ok: false, field: "to", error: "stats.reversed" });
    expect(periodRange({ from: "2026-02-30", to: "" })).toEqual({ ok: false, field: "from", error: "stats.badDate" });
    expect(periodRange({ from: "", to: "31/12/2026" })).toEqual({ ok: false, field: "to", error: "stats.badDate" });
  });

  it("gives whole months, quarters and years around today in Vietnam", () => {
    const now = new Date("2026-11-24T03:00:00Z");
    expect(presetPeriod("month", now)).toEqual({ from: "2026-11-01", to: "2026-11-30" });
    expect(presetPeriod("quarter", now)).toEqual({ from: "2026-10-01", to: "2026-12-31" });
    expect(presetPeriod("year", now)).toEqual({ from: "2026-01-01", to: "2026-12-31" });
    expect(presetPeriod("all", now)).toEqual({ from: "", to: "" });
    expect(presetPeriod("month", new Date("2028-02-10T00:00:00Z"))).toEqual({ from: "2028-02-01", to: "2028-02-29" });
    expect(presetPeriod("quarter", new Date("2026-05-15T00:00:00Z"))).toEqual({ from: "2026-04-01", to: "2026-06-30" });
    // 31 December 18:00 UTC is already New Year's Day in Vietnam.
    const newYear = new Date("2026-12-31T18:00:00Z");
    expect(presetPeriod("year", newYear)).toEqual({ from: "2027-01-01", to: "2027-12-31" });
    expect(presetPeriod("year", newYear, "UTC")).toEqual({ from: "2026-01-01", to: "2026-12-31" });
    expect(presetOf({ from: "2026-10-01", to: "2026-12-31" }, now)).toBe("quarter");
    expect(presetOf({ from: "", to: "" }, now)).toBe("all");
    expect(presetOf({ from: "2026-10-01", to: "2026-12-30" }, now)).toBeNull();
  });

  it("says the period in words", () => {
    expect(periodText({ from: "2026-11-01", to: "2026-11-30" }, vi)).toBe("Từ 01/11/2026 đến 30/11/2026");
    expect(periodText({ from: "2026-11-01", to: "2026-11-30" }, en)).toBe("From 1 Nov 2026 to 30 Nov 2026");
    expect(periodText({ from: "", to: "2026-11-30" }, vi)).toBe("Đến hết 30/11/2026");
    expect(periodText({ from: "2026-11-01", to: "" }, en)).toBe("From 1 Nov 2026");
    expect(periodText({ from: "", to: "" }, vi)).toBe("Toàn bộ thời gian");
  });
});

describe("numbers", () => {
  it("writes numbers the Vietnamese and the English way", () => {
    expect(formatNumber(1234567, "vi")).toBe("1.234.567");
    expect(formatNumber(1234567, "en")).toBe("1,234,567");
    expect(formatNumber(26.54, "vi", 1)).toBe("26,5");
    expect(formatNumber(8, "vi", 1)).toBe("8");
    expect(formatNumber(0, "en")).toBe("0");
    expect(formatNumber(-1500.25, "en", 1)).toBe("-1,500.3");
  });

  it("writes rates as percentages with one decimal, and '–' when there is none", () => {
    expect(formatPercent(2 / 3, "vi")).toBe("66,7%");
    expect(formatPercent(2 / 3, "en")).toBe("66.7%");
    expect(formatPercent(1, "vi")).toBe("100%");
    expect(formatPercent(0, "vi")).toBe("0%");
    expect(formatPercent(0.875, "en")).toBe("87.5%");
    expect(formatPercent(null, "vi")).toBe("–");
  });

  it("writes a median in minutes under an hour, else in hours", () => {
    expect(formatHours(8, "vi", vi)).toBe("8 giờ");
    expect(formatHours(26.54, "vi", vi)).toBe("26,5 giờ");
    expect(formatHours(26.54, "en", en)).toBe("26.5 h");
    expect(formatHours(0.25, "vi", vi)).toBe("15 phút");
    expect(formatHours(0.999, "en", en)).toBe("1 h");
    expect(formatHours(null, "vi", vi)).toBe("–");
  });
});

describe("the report", () => {
  const stats = report([NOVEMBER, CANCELLED], { ...NOVEMBER, meetings: 2, cancelled: 1, items: 9, outcomes: { adopted: 4, deferred: 1, withdrawn: 0, noted: 1, undecided: 3 } });

  it("puts the totals on cards", () => {
    const cards = Object.fromEntries(statCards(stats, "vi", vi).map((c) => [c.key, [c.value, c.detail]]));
    expect(cards).toEqual({
      meetings: ["2", "Đã họp 1 · Đã huỷ 1"],
      quiet: ["3", "75% trong 4 mục được thông qua"],
      rounds: ["2", "Số đợt đã gửi · 3 lượt hỏi ý kiến thành viên"],
      responseRate: ["66,7%", "2/3 lượt trả lời đúng hạn"],
      late: ["1", "Nhận sau thời hạn, không được tính"],
      median: ["8 giờ", "Từ lúc gửi yêu cầu đến khi nhận trả lời đúng hạn"],
      votes: ["2", "Số biểu quyết đã kết thúc · 7 phiếu đã bỏ"],
      turnout: ["87,5%", "7 phiếu / 8 lượt có quyền biểu quyết"],
    });
  });

  it("shows '–' for rates nobody could have (no round, no vote, nothing adopted)", () => {
    const quiet = report([CANCELLED], CANCELLED);
    const cards = Object.fromEntries(statCards(quiet, "en", en).map((c) => [c.key, [c.value, c.detail]]));
    expect(cards["responseRate"]).toEqual(["–", "No member asked yet"]);
    expect(cards["median"]).toEqual(["–", "No answer in time yet"]);
    expect(cards["turnout"]).toEqual(["–", "No vote closed yet"]);
    expect(cards["votes"]).toEqual(["0", "No vote closed yet"]);
    expect(cards["quiet"]).toEqual(["0", "No item adopted yet"]);
    expect(figureCells(CANCELLED, "vi", vi)).toMatchObject({ responseRate: "–", median: "–", turnout: "–", undecided: "2" });
    expect(hasRates(quiet)).toBe(false);
    expect(hasRates(stats)).toBe(true);
  });

  it("splits the items by outcome, with their shares", () => {
    expect(outcomeSlices(stats.total.outcomes, "vi", vi).map((s) => [s.outcome, s.label, s.count, s.share])).toEqual([
      ["adopted", "Thông qua", 4, "44,4%"],
      ["deferred", "Hoãn", 1, "11,1%"],
      ["withdrawn", "Rút", 0, "0%"],
      ["noted", "Ghi nhận", 1, "11,1%"],
      ["undecided", "Chưa quyết định", 3, "33,3%"],
    ]);
    expect(outcomeSlices(figures().outcomes, "en", en).map((s) => s.share)).toEqual(["–", "–", "–", "–", "–"]);
  });

  it("gives each meeting a bar under its day in Vietnam, its title for the tooltip", () => {
    const chart = outcomesByMeeting(stats, vi);
    expect(chart.labels).toEqual(["01/12/2026", "10/12/2026"]);
    expect(outcomesByMeeting(stats, en).labels).toEqual(["1 Dec 2026", "10 Dec 2026"]);
    expect(chart.titles[0]).toBe(NOVEMBER.title);
    expect(chart.series.map((s) => [s.key, s.data])).toEqual([
      ["adopted", [4, 0]],
      ["deferred", [1, 0]],
      ["withdrawn", [0, 0]],
      ["noted", [1, 0]],
      ["undecided", [1, 2]],
    ]);
    expect(outcomesByMeeting(stats, en).series[0]!.label).toBe("Adopted");
  });

  it("gives each meeting its rates in percent, and no bar where there is none", () => {
    const chart = ratesByMeeting(stats, en);
    expect(chart.series.map((s) => [s.label, s.data])).toEqual([
      ["Response rate", [66.7, null]],
      ["Voting turnout", [87.5, null]],
    ]);
  });

  it("knows an empty period, and a change worth redrawing", () => {
    const empty = report([], {});
    expect(isEmptyReport(empty)).toBe(true);
    expect(hasItems(empty)).toBe(false);
    expect(isEmptyReport(stats)).toBe(false);
    expect(hasItems(stats)).toBe(true);
    expect(figuresKey({ ...stats, generated_at: "2026-11-25T00:00:00Z" })).toBe(figuresKey(stats));
    expect(figuresKey({ ...stats, total: { ...stats.total, turnout: 1 } })).not.toBe(figuresKey(stats));
  });

  it("says whether a meeting was held or cancelled", () => {
    expect(meetingState(NOVEMBER)).toBe("held");
    expect(meetingState(CANCELLED)).toBe("cancelled");
    expect(meetingState(figures({ meetings: 1 }))).toBe("not_held");
  });

});

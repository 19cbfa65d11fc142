import { describe, expect, it } from "vitest";
import { formatLastSync, formatMeetingWhen, formatSize, formatTime, zonedDateKey, zonedParts } from "./format";
import { translator } from "./i18n";

const tVi = translator("vi");
const tEn = translator("en");

describe("zonedParts", () => {
  it("converts UTC to Vietnam time (UTC+7)", () => {
    expect(zonedParts("2026-11-24T07:05:00Z")).toEqual({
      year: 2026,
      month: 11,
      day: 24,
      hour: 14,
      minute: 5,
      weekday: 2,
    });
  });

  it("rolls over midnight and the year", () => {
    expect(zonedParts("2026-12-31T18:30:00Z")).toMatchObject({ year: 2027, month: 1, day: 1, hour: 1, weekday: 5 });
    expect(zonedDateKey("2026-12-31T18:30:00Z")).toBe("2027-01-01");
  });

  it("accepts offsets other than Z", () => {
    expect(zonedParts("2026-11-24T09:05:00+02:00")).toMatchObject({ hour: 14, minute: 5 });
  });

  it("reports midnight as 00, not 24", () => {
    expect(zonedParts("2026-11-23T17:00:00Z")).toMatchObject({ day: 24, hour: 0 });
  });

  it("returns null for an invalid date", () => {
    expect(zonedParts("not a date")).toBeNull();
    expect(zonedDateKey("")).toBe("");
  });
});

describe("formatMeetingWhen", () => {
  it("formats in Vietnamese", () => {
    expect(formatMeetingWhen("2026-11-24T07:05:00Z", tVi)).toBe("Thứ Ba, 24/11/2026 · 14:05");
    expect(formatMeetingWhen("2026-12-31T18:30:00Z", tVi)).toBe("Thứ Sáu, 01/01/2027 · 01:30");
  });

  it("formats in English", () => {
    expect(formatMeetingWhen("2026-11-24T07:05:00Z", tEn)).toBe("Tuesday 24 Nov 2026 · 14:05");
    expect(formatMeetingWhen("2026-11-29T02:00:00Z", tEn)).toBe("Sunday 29 Nov 2026 · 09:00");
    expect(formatMeetingWhen("2026-12-01T08:30:00Z", tEn)).toBe("Tuesday 1 Dec 2026 · 15:30");
    expect(formatMeetingWhen("2026-12-01T08:30:00Z", tVi)).toBe("Thứ Ba, 01/12/2026 · 15:30");
  });

  it("shows an unparseable value as it is", () => {
    expect(formatMeetingWhen("soon", tVi)).toBe("soon");
  });
});

describe("formatLastSync", () => {
  it("formats the last sync time in Vietnamese and English", () => {
    expect(formatLastSync("2026-11-24T07:05:00Z", tVi)).toBe("Đồng bộ lúc 14:05 24/11/2026");
    expect(formatLastSync("2026-11-24T07:05:00Z", tEn)).toBe("Synced at 14:05, 24 Nov 2026");
  });

  it("says when it never synced", () => {
    expect(formatLastSync(null, tVi)).toBe("Chưa đồng bộ lần nào");
    expect(formatLastSync(null, tEn)).toBe("Never synchronised");
  });
});

describe("formatTime", () => {
  it("gives the time of day in Vietnam, or the text when it is not a date", () => {
    expect(formatTime("2026-11-24T03:05:00Z", tVi)).toBe("10:05");
    expect(formatTime("2026-11-24T17:00:00Z", tEn)).toBe("00:00");
    expect(formatTime("soon", tVi)).toBe("soon");
  });
});

describe("formatSize", () => {
  it("says KB below a megabyte and MB above", () => {
    expect(formatSize(200)).toBe("1 KB");
    expect(formatSize(96_232)).toBe("94 KB");
    expect(formatSize(2_621_440)).toBe("2.5 MB");
  });
});

import type { Translate } from "./i18n";

/** Meetings are held, and shown, in Vietnam's time (UTC+7, no DST). */
export const TIME_ZONE = "Asia/Ho_Chi_Minh";

export interface ZonedParts {
  year: number;
  month: number; // 1–12
  day: number;
  hour: number; // 0–23
  minute: number;
  weekday: number; // 0 = Sunday … 6 = Saturday
}

const WEEKDAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const partsFormatters = new Map<string, Intl.DateTimeFormat>();

function partsFormatter(timeZone: string): Intl.DateTimeFormat {
  let f = partsFormatters.get(timeZone);
  if (!f) {
    // Only numeric fields and an English weekday abbreviation are read back,
    // so the output does not depend on the runtime's locale data.
    f = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      weekday: "short",
    });
    partsFormatters.set(timeZone, f);
  }
  return f;
}

/** Calendar fields of an instant in `timeZone`, or null if `iso` is not a valid date. */
export function zonedParts(iso: string, timeZone: string = TIME_ZONE): ZonedParts | null {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return null;
  const fields: Record<string, string> = {};
  for (const p of partsFormatter(timeZone).formatToParts(new Date(ms))) fields[p.type] = p.value;
  const num = (k: string) => Number(fields[k]);
  return {
    year: num("year"),
    month: num("month"),
    day: num("day"),
    hour: num("hour") % 24,
    minute: num("minute"),
    weekday: WEEKDAYS.indexOf(fields["weekday"] ?? ""),
  };
}

const pad2 = (n: number) => String(n).padStart(2, "0");

/** "YYYY-MM-DD" of the instant in `timeZone` — sortable; "" if invalid. */
export function zonedDateKey(iso: string, timeZone: string = TIME_ZONE): string {
  const p = zonedParts(iso, timeZone);
  return p ? `${p.year}-${pad2(p.month)}-${pad2(p.day)}` : "";
}

/** A calendar day as a person reads it: vi "24/11/2026", en "24 Nov 2026". */
export function formatCalendarDay(p: Pick<ZonedParts, "year" | "month" | "day">, t: Translate): string {
  return t("format.date", {
    day: pad2(p.day),
    dayNumeric: p.day,
    month: pad2(p.month),
    monthName: t(`month.${p.month}` as Parameters<Translate>[0]),
    year: p.year,
  });
}

function timeText(p: ZonedParts, t: Translate): string {
  return t("format.time", { hour: pad2(p.hour), minute: pad2(p.minute) });
}

/** e.g. vi "Thứ Ba, 24/11/2026 · 14:05", en "Tuesday 24 Nov 2026 · 14:05". */
export function formatMeetingWhen(iso: string, t: Translate, timeZone: string = TIME_ZONE): string {
  const p = zonedParts(iso, timeZone);
  if (!p) return iso;
  return t("format.meetingWhen", {
    weekday: t(`weekday.${p.weekday}` as Parameters<Translate>[0]),
    date: formatCalendarDay(p, t),
    time: timeText(p, t),
  });
}

/** The time of day in Vietnam, e.g. "14:05"; the text itself if it is not a date. */
export function formatTime(iso: string, t: Translate, timeZone: string = TIME_ZONE): string {
  const p = zonedParts(iso, timeZone);
  return p ? timeText(p, t) : iso;
}

/** e.g. vi "Đồng bộ lúc 14:05 24/11/2026", en "Synced at 14:05, 24 Nov 2026". */
export function formatLastSync(
  iso: string | null,
  t: Translate,
  timeZone: string = TIME_ZONE,
): string {
  if (iso === null) return t("sync.neverSynced");
  const p = zonedParts(iso, timeZone);
  if (!p) return iso;
  return t("sync.lastSync", { time: timeText(p, t), date: formatCalendarDay(p, t) });
}

/** A moment as a person reads it: vi "14:05 24/11/2026", en "14:05, 24 Nov 2026". */
export function formatMoment(iso: string, t: Translate, timeZone: string = TIME_ZONE): string {
  const p = zonedParts(iso, timeZone);
  if (!p) return iso;
  return t("format.moment", { time: timeText(p, t), date: formatCalendarDay(p, t) });
}

/** Sizes as a person reads them: KB below a megabyte, MB above. */
export function formatSize(bytes: number): string {
  if (bytes < 1024 * 1024) return `${Math.max(1, Math.round(bytes / 1024))} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

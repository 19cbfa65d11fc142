/**
 * The secretariat's statistics dashboard, its pure part: the period chosen
 * (days in Vietnam's time, both ends inclusive) as the engine's `[from, to)`
 * instants, the figures as the cards, the table and the charts show them.
 * No DOM and no Chart.js here (see views/statistics.ts and charts.ts).
 */
import type { MeetingFigures, OutcomeCounts, Statistics } from "./bindings";
import { formatCalendarDay, TIME_ZONE, zonedParts } from "./format";
import type { Locale, MessageKey, Translate } from "./i18n";

/** What a figure that cannot be computed (nobody asked, no vote) shows. */
export const NO_VALUE = "–";

// ── the period ──────────────────────────────────────────────────────────────

export const PRESETS = ["month", "quarter", "year", "all"] as const;
/** The quick choices: this month, this quarter, this year, everything. */
export type Preset = (typeof PRESETS)[number];

/**
 * A period as the date fields hold it: "YYYY-MM-DD" days in Vietnam's time,
 * both inclusive; "" leaves that end open.
 */
export interface Period {
  readonly from: string;
  readonly to: string;
}

interface Day {
  year: number;
  month: number; // 1–12
  day: number;
}

const pad2 = (n: number) => String(n).padStart(2, "0");
const dayKey = (d: Day) => `${String(d.year).padStart(4, "0")}-${pad2(d.month)}-${pad2(d.day)}`;

/** Milliseconds of a UTC wall time (years below 100 too, which Date.UTC would move to the 1900s). */
function utcMs(year: number, month: number, day: number, hour = 0, minute = 0): number {
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  d.setUTCHours(hour, minute, 0, 0);
  return d.getTime();
}

function daysInMonth(year: number, month: number): number {
  return new Date(utcMs(year, month + 1, 0)).getUTCDate();
}

/** The day a "YYYY-MM-DD" text names, or null if it names none (e.g. "2026-02-30"). */
export function parseDay(text: string): Day | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return null;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  return { year, month, day };
}

/**
 * A day as typed in a date field, "31/12/2026" (day/month/year, as the app
 * writes dates; "31-12-2026", "31.12.2026" and "2026-12-31" too), as
 * "YYYY-MM-DD"; "" for an empty field (an open end), null for no day.
 */
export function dayFromInput(text: string): string | null {
  const typed = text.trim();
  if (typed === "") return "";
  const dmy = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(typed);
  const key = dmy ? `${dmy[3]}-${pad2(Number(dmy[2]))}-${pad2(Number(dmy[1]))}` : typed;
  return parseDay(key) ? key : null;
}

/** A "YYYY-MM-DD" day as the date fields show it: "31/12/2026" ("" stays ""). */
export function dayToInput(key: string): string {
  const d = parseDay(key);
  return d ? `${pad2(d.day)}/${pad2(d.month)}/${String(d.year).padStart(4, "0")}` : key;
}

/** The day after a "YYYY-MM-DD" day, or null if the text names no day. */
export function nextDay(text: string): string | null {
  const d = parseDay(text);
  if (!d) return null;
  const next = new Date(utcMs(d.year, d.month, d.day + 1));
  return dayKey({ year: next.getUTCFullYear(), month: next.getUTCMonth() + 1, day: next.getUTCDate() });
}

/** "2026-11-30T17:00:00Z": an instant as the engine reads it (RFC 3339, UTC). */
function isoUtc(ms: number): string {
  return new Date(ms).toISOString().replace(/\.000Z$/, "Z");
}

/**
 * The instant a day starts in `timeZone` (its local midnight), in UTC ISO
 * form; null if the text names no day. Right across daylight-saving changes:
 * the zone's offset is read at the instant found, and the guess corrected.
 */
export function startOfDay(text: string, timeZone: string = TIME_ZONE): string | null {
  const d = parseDay(text);
  if (!d) return null;
  const wall = utcMs(d.year, d.month, d.day);
  const offset = (ms: number) => {
    const z = zonedParts(new Date(ms).toISOString(), timeZone);
    return z ? utcMs(z.year, z.month, z.day, z.hour, z.minute) - ms : 0;
  };
  let at = wall - offset(wall);
  const corrected = wall - offset(at);
  if (corrected !== at) at = corrected;
  return isoUtc(at);
}

/** The engine's `[from, to)` for a period, or why the period cannot be asked for. */
export type PeriodRange =
  | { ok: true; from: string | null; to: string | null }
  | { ok: false; field: "from" | "to"; error: Extract<MessageKey, "stats.badDate" | "stats.reversed"> };

/**
 * The instants to ask the engine for: the start of the first day, and the
 * start of the day after the last one (the last day is included; the
 * engine's end is exclusive). An open end stays null.
 */
export function periodRange(period: Period, timeZone: string = TIME_ZONE): PeriodRange {
  const from = period.from === "" ? null : startOfDay(period.from, timeZone);
  if (period.from !== "" && from === null) return { ok: false, field: "from", error: "stats.badDate" };
  const after = period.to === "" ? null : nextDay(period.to);
  if (period.to !== "" && after === null) return { ok: false, field: "to", error: "stats.badDate" };
  const to = after === null ? null : startOfDay(after, timeZone);
  if (from !== null && to !== null && Date.parse(from) >= Date.parse(to)) return { ok: false, field: "to", error: "stats.reversed" };
  return { ok: true, from, to };
}

/** The days of a quick choice, around `now` in `timeZone`: whole calendar months, quarters and years. */
export function presetPeriod(preset: Preset, now: Date, timeZone: string = TIME_ZONE): Period {
  if (preset === "all") return { from: "", to: "" };
  const today = zonedParts(now.toISOString(), timeZone);
  if (!today) return { from: "", to: "" };
  const { year, month } = today;
  const first = preset === "year" ? 1 : preset === "quarter" ? month - ((month - 1) % 3) : month;
  const last = preset === "year" ? 12 : preset === "quarter" ? first + 2 : month;
  return { from: dayKey({ year, month: first, day: 1 }), to: dayKey({ year, month: last, day: daysInMonth(year, last) }) };
}

/** The quick choice a period is, if it is one. */
export function presetOf(period: Period, now: Date, timeZone: string = TIME_ZONE): Preset | null {
  return (
    PRESETS.find((preset) => {
      const p = presetPeriod(preset, now, timeZone);
      return p.from === period.from && p.to === period.to;
    }) ?? null
  );
}

/** The period in words: vi "Từ 01/11/2026 đến 30/11/2026", en "From 1 Nov 2026 to 30 Nov 2026". */
export function periodText(period: Period, t: Translate): string {
  const day = (text: string) => {
    const d = parseDay(text);
    return d ? formatCalendarDay(d, t) : text;
  };
  if (period.from !== "" && period.to !== "") return t("stats.periodRange", { from: day(period.from), to: day(period.to) });
  if (period.from !== "") return t("stats.periodFrom", { from: day(period.from) });
  if (period.to !== "") return t("stats.periodTo", { to: day(period.to) });
  return t("stats.periodAll");
}

// ── numbers as a person reads them ──────────────────────────────────────────

/**
 * A number in the language's style, with at most `digits` decimals (none
 * shown when they are all zero): vi "1.234,5", en "1,234.5".
 */
export function formatNumber(value: number, locale: Locale, digits = 0): string {
  const fixed = Math.abs(value).toFixed(digits);
  const [whole = "0", fraction = ""] = fixed.split(".");
  const [group, decimal] = locale === "vi" ? [".", ","] : [",", "."];
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, group);
  const sign = value < 0 && /[1-9]/.test(fixed) ? "-" : "";
  return `${sign}${grouped}${/^0*$/.test(fraction) ? "" : decimal + fraction}`;
}

/** A rate from 0 to 1 as a percentage with one decimal ("66,7%"); "–" when there is none. */
export function formatPercent(rate: number | null, locale: Locale): string {
  return rate === null ? NO_VALUE : `${formatNumber(rate * 100, locale, 1)}%`;
}

/** A duration given in hours: "45 phút" under an hour, else "8 giờ", "26,5 giờ"; "–" when there is none. */
export function formatHours(hours: number | null, locale: Locale, t: Translate): string {
  if (hours === null) return NO_VALUE;
  const minutes = Math.round(hours * 60);
  if (minutes < 60) return t("stats.minutes", { minutes: formatNumber(minutes, locale) });
  return t("stats.hours", { hours: formatNumber(hours, locale, 1) });
}

/** `part` over `whole`, or null when there is nothing to divide by. */
export function ratio(part: number, whole: number): number | null {
  return whole > 0 ? part / whole : null;
}

// ── the report ──────────────────────────────────────────────────────────────

/** No meeting starts in the period: the view says so, and draws no chart. */
export function isEmptyReport(stats: Statistics): boolean {
  return stats.meetings.length === 0;
}

/** Everything the figures are drawn from but the time they were made (a reload with the same figures redraws nothing). */
export function figuresKey(stats: Statistics): string {
  const { generated_at: _generated, ...figures } = stats;
  return JSON.stringify(figures);
}

export type CardKey = "meetings" | "quiet" | "rounds" | "responseRate" | "late" | "median" | "votes" | "turnout";

export interface StatCard {
  key: CardKey;
  label: MessageKey;
  value: string;
  detail: string;
}

/** The period's totals as the dashboard's cards, in order. */
export function statCards(stats: Statistics, locale: Locale, t: Translate): StatCard[] {
  const m = stats.total;
  const n = (value: number) => formatNumber(value, locale);
  const asked = m.opinions_requested > 0;
  return [
    {
      key: "meetings",
      label: "stats.card.meetings",
      value: n(m.meetings),
      detail: t("stats.card.meetingsDetail", { held: n(m.held), cancelled: n(m.cancelled) }),
    },
    {
      key: "quiet",
      label: "stats.card.quiet",
      value: n(m.adopted_without_discussion),
      detail:
        m.outcomes.adopted === 0
          ? t("stats.card.quietNone")
          : t("stats.card.quietDetail", { share: formatPercent(ratio(m.adopted_without_discussion, m.outcomes.adopted), locale), adopted: n(m.outcomes.adopted) }),
    },
    {
      key: "rounds",
      label: "stats.card.rounds",
      value: n(m.opinion_rounds),
      detail: t("stats.card.roundsDetail", { requested: n(m.opinions_requested) }),
    },
    {
      key: "responseRate",
      label: "stats.card.responseRate",
      value: formatPercent(stats.total.response_rate, locale),
      detail: asked ? t("stats.card.responseRateDetail", { answered: n(m.opinions_answered), requested: n(m.opinions_requested) }) : t("stats.card.noRounds"),
    },
    {
      key: "late",
      label: "stats.card.late",
      value: n(m.late_answers),
      detail: t("stats.card.lateDetail"),
    },
    {
      key: "median",
      label: "stats.card.median",
      value: formatHours(m.median_hours_to_answer, locale, t),
      detail: t(m.median_hours_to_answer === null ? "stats.card.medianNone" : "stats.card.medianDetail"),
    },
    {
      key: "votes",
      label: "stats.card.votes",
      value: n(m.votes),
      detail: m.votes === 0 ? t("stats.card.noVotes") : t("stats.card.votesDetail", { ballots: n(m.ballots) }),
    },
    {
      key: "turnout",
      label: "stats.card.turnout",
      value: formatPercent(stats.total.turnout, locale),
      detail: stats.total.turnout === null ? t("stats.card.noVotes") : t("stats.card.turnoutDetail", { ballots: n(m.ballots), entitled: n(m.voters_entitled) }),
    },
  ];
}

export const OUTCOMES = ["adopted", "deferred", "withdrawn", "noted", "undecided"] as const satisfies readonly (keyof OutcomeCounts)[];
export type Outcome = (typeof OUTCOMES)[number];

/** One colour per outcome, the same in every chart (and the legend beside the doughnut). */
export const OUTCOME_COLOURS: Readonly<Record<Outcome, string>> = {
  adopted: "#1d7a46",
  deferred: "#d08a16",
  withdrawn: "#b42318",
  noted: "#2f6db5",
  undecided: "#aab2bf",
};

/** The two rates per meeting: response (brand blue) and turnout (gold). */
export const RATE_COLOURS = { responseRate: "#1f4678", turnout: "#c9a54c" } as const;

export interface OutcomeSlice {
  outcome: Outcome;
  label: string;
  colour: string;
  count: number;
  /** Its share of all the items, e.g. "57,1%"; "–" when there are no items. */
  share: string;
}

/** The items by outcome: the doughnut's slices and its legend. */
export function outcomeSlices(counts: OutcomeCounts, locale: Locale, t: Translate): OutcomeSlice[] {
  const total = OUTCOMES.reduce((sum, o) => sum + counts[o], 0);
  return OUTCOMES.map((outcome) => ({
    outcome,
    label: t(`stats.outcome.${outcome}`),
    colour: OUTCOME_COLOURS[outcome],
    count: counts[outcome],
    share: formatPercent(ratio(counts[outcome], total), locale),
  }));
}

/** The day a meeting starts, in Vietnam's time: vi "26/11/2026", en "26 Nov 2026". */
export function meetingDay(m: MeetingFigures, t: Translate): string {
  const p = m.starts_at === null ? null : zonedParts(m.starts_at);
  return p ? formatCalendarDay(p, t) : "";
}

export interface Series {
  key: string;
  label: string;
  colour: string;
  data: (number | null)[];
}

/** The data of a chart with one bar (or stack) per meeting. */
export interface MeetingChart {
  /** Under each bar: the meeting's day (its title is in the tooltip and the table). */
  labels: string[];
  /** The meetings' full titles, for the tooltips. */
  titles: string[];
  series: Series[];
}

/** The items of each meeting, stacked by outcome. */
export function outcomesByMeeting(stats: Statistics, t: Translate): MeetingChart {
  return {
    labels: stats.meetings.map((m) => meetingDay(m, t)),
    titles: stats.meetings.map((m) => m.title),
    series: OUTCOMES.map((outcome) => ({
      key: outcome,
      label: t(`stats.outcome.${outcome}`),
      colour: OUTCOME_COLOURS[outcome],
      data: stats.meetings.map((m) => m.outcomes[outcome]),
    })),
  };
}

/** Percent with one decimal (the bars' values), or null (no bar). */
const percentValue = (rate: number | null) => (rate === null ? null : Math.round(rate * 1000) / 10);

/** Each meeting's response rate and turnout, in percent; null where nobody was asked or nothing was voted. */
export function ratesByMeeting(stats: Statistics, t: Translate): MeetingChart {
  return {
    labels: stats.meetings.map((m) => meetingDay(m, t)),
    titles: stats.meetings.map((m) => m.title),
    series: [
      { key: "responseRate", label: t("stats.series.responseRate"), colour: RATE_COLOURS.responseRate, data: stats.meetings.map((m) => percentValue(m.response_rate)) },
      { key: "turnout", label: t("stats.series.turnout"), colour: RATE_COLOURS.turnout, data: stats.meetings.map((m) => percentValue(m.turnout)) },
    ],
  };
}

/** Whether any meeting has a rate to draw (an opinion round or a closed vote). */
export function hasRates(stats: Statistics): boolean {
  return stats.meetings.some((m) => m.response_rate !== null || m.turnout !== null);
}

/** Whether any meeting has an item (otherwise the outcome charts have nothing to show). */
export function hasItems(stats: Statistics): boolean {
  return stats.total.items > 0;
}

// ── the table ───────────────────────────────────────────────────────────────

export type Column =
  | "items"
  | Outcome
  | "quiet"
  | "rounds"
  | "responseRate"
  | "late"
  | "median"
  | "votes"
  | "turnout";

/** The table's columns after the meeting's, in groups under a common heading. */
export const TABLE_GROUPS: readonly { label: MessageKey; columns: readonly { key: Column; label: MessageKey }[] }[] = [
  {
    label: "stats.table.items",
    columns: [
      { key: "items", label: "stats.table.itemsTotal" },
      { key: "adopted", label: "stats.outcome.adopted" },
      { key: "deferred", label: "stats.outcome.deferred" },
      { key: "withdrawn", label: "stats.outcome.withdrawn" },
      { key: "noted", label: "stats.outcome.noted" },
      { key: "undecided", label: "stats.outcome.undecided" },
      { key: "quiet", label: "stats.card.quiet" },
    ],
  },
  {
    label: "stats.table.opinions",
    columns: [
      { key: "rounds", label: "stats.table.rounds" },
      { key: "responseRate", label: "stats.card.responseRate" },
      { key: "late", label: "stats.card.late" },
      { key: "median", label: "stats.card.median" },
    ],
  },
  {
    label: "stats.table.votes",
    columns: [
      { key: "votes", label: "stats.table.votesCount" },
      { key: "turnout", label: "stats.table.turnout" },
    ],
  },
];

/** One line of the table (a meeting's, or the totals'), cell by column. */
export function figureCells(m: MeetingFigures, locale: Locale, t: Translate): Record<Column, string> {
  const n = (value: number) => formatNumber(value, locale);
  return {
    items: n(m.items),
    adopted: n(m.outcomes.adopted),
    deferred: n(m.outcomes.deferred),
    withdrawn: n(m.outcomes.withdrawn),
    noted: n(m.outcomes.noted),
    undecided: n(m.outcomes.undecided),
    quiet: n(m.adopted_without_discussion),
    rounds: n(m.opinion_rounds),
    responseRate: formatPercent(m.response_rate, locale),
    late: n(m.late_answers),
    median: formatHours(m.median_hours_to_answer, locale, t),
    votes: n(m.votes),
    turnout: formatPercent(m.turnout, locale),
  };
}

export type MeetingState = "held" | "cancelled" | "not_held";

/** Whether a meeting was held, cancelled, or neither (yet). */
export function meetingState(m: MeetingFigures): MeetingState {
  if (m.cancelled > 0) return "cancelled";
  return m.held > 0 ? "held" : "not_held";
}

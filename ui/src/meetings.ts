import type { AgendaItem, Meeting } from "./bindings";
import { TIME_ZONE, zonedDateKey } from "./format";

export interface MeetingGroups {
  /** Meetings on the current (Vietnam) calendar day or later, soonest first. */
  upcoming: Meeting[];
  /** Meetings on earlier days, most recent first; undated ones last. */
  past: Meeting[];
}

function startsAt(m: Meeting): number {
  const ms = Date.parse(m.starts_at);
  return Number.isNaN(ms) ? Number.NEGATIVE_INFINITY : ms;
}

export function groupMeetings(
  meetings: readonly Meeting[],
  now: Date = new Date(),
  timeZone: string = TIME_ZONE,
): MeetingGroups {
  const today = zonedDateKey(now.toISOString(), timeZone);
  const upcoming: Meeting[] = [];
  const past: Meeting[] = [];
  for (const m of meetings) {
    const day = zonedDateKey(m.starts_at, timeZone);
    (day !== "" && day >= today ? upcoming : past).push(m);
  }
  const byTitle = (a: Meeting, b: Meeting) => a.title.localeCompare(b.title, "vi");
  upcoming.sort((a, b) => startsAt(a) - startsAt(b) || byTitle(a, b));
  past.sort((a, b) => startsAt(b) - startsAt(a) || byTitle(a, b));
  return { upcoming, past };
}

/** The display order: upcoming (soonest first), then past (most recent first). */
export function orderMeetings(
  meetings: readonly Meeting[],
  now: Date = new Date(),
  timeZone: string = TIME_ZONE,
): Meeting[] {
  const { upcoming, past } = groupMeetings(meetings, now, timeZone);
  return [...upcoming, ...past];
}

export function orderAgendaItems(items: readonly AgendaItem[]): AgendaItem[] {
  return [...items].sort((a, b) => a.position - b.position);
}

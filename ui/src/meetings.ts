import type { AgendaItem, Meeting, MeetingKind, PersonId } from "./bindings";
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

/** What the agenda's header says about a meeting besides its title and time. */
export interface MeetingFacts {
  kind: MeetingKind;
  place: string | null;
  /** The names of those invited, in their order; null when every member is. */
  participants: string[] | null;
  /** Who stands in for whom, by name. */
  substitutes: Array<{ member: string; substitute: string }>;
}

/** The meeting's kind, place, participants and substitutes; null for a meeting without details. */
export function meetingFacts(meeting: Meeting, name: (person: PersonId) => string): MeetingFacts | null {
  const d = meeting.details;
  if (!d) return null;
  const participants = d.participants ?? [];
  return {
    kind: d.kind ?? "regular",
    place: d.place?.trim() ? d.place.trim() : null,
    participants: participants.length === 0 ? null : participants.map(name),
    substitutes: (d.substitutes ?? []).map((s) => ({ member: name(s.member), substitute: name(s.substitute) })),
  };
}

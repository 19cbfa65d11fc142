/**
 * Pure helpers of the meeting in session: the speaker's clock counted on the
 * server's time, labels, the speaker list, the console's keys, what presenter
 * follow does with a new page, and which meeting the room display shows. No
 * DOM here, so all of it is unit-tested.
 */
import type {
  AgendaItemId,
  FloorRequestId,
  ItemOutcome,
  ItemProgress,
  MeetingId,
  Motion,
  PersonId,
  Presence,
  PresenterView,
  SessionStatus,
  SessionView,
  SpeakerListView,
  SpeakerNow,
  SpeechKind,
  WaitingView,
} from "./bindings";
import type { MessageKey } from "./i18n";

// ── the clock ─────────────────────────────────────────────────────────────

/**
 * How far the server's clock is ahead of this device's (ms), from a view that
 * arrived at `receivedAt` (this device's ms). Speeches are timed on the
 * server's clock: a viewer whose clock is off still sees the right time.
 */
export function clockOffset(serverNow: string, receivedAt: number): number {
  const server = Date.parse(serverNow);
  return Number.isNaN(server) ? 0 : server - receivedAt;
}

export interface SpeakerClock {
  /** Seconds since the floor was given. */
  elapsed: number;
  /** Seconds left (negative once over time); null when the item sets no limit. */
  remaining: number | null;
  over: boolean;
}

/** The current speech's clock at `nowMs` on this device, moved onto the server's time by `offsetMs`. */
export function speakerClock(
  speaker: Pick<SpeakerNow, "since" | "limit_seconds" | "elapsed_seconds">,
  offsetMs: number,
  nowMs: number,
): SpeakerClock {
  const since = Date.parse(speaker.since);
  const elapsed = Number.isNaN(since) ? speaker.elapsed_seconds : Math.max(0, Math.floor((nowMs + offsetMs - since) / 1000));
  if (speaker.limit_seconds <= 0) return { elapsed, remaining: null, over: false };
  const remaining = speaker.limit_seconds - elapsed;
  return { elapsed, remaining, over: remaining < 0 };
}

/** "mm:ss" ("h:mm:ss" from an hour on); the absolute value: "over" is said in words, not with a sign. */
export function clockText(seconds: number): string {
  const s = Math.abs(Math.trunc(seconds));
  const two = (n: number) => String(n).padStart(2, "0");
  const hours = Math.floor(s / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  return hours > 0 ? `${hours}:${two(minutes)}:${two(s % 60)}` : `${two(minutes)}:${two(s % 60)}`;
}

// ── labels ────────────────────────────────────────────────────────────────

export const SPEECH_KINDS: readonly SpeechKind[] = ["speech", "point_of_order", "reply"];
export const OUTCOMES: readonly ItemOutcome[] = ["adopted", "deferred", "withdrawn", "noted"];

export const speechKindKey = (kind: SpeechKind): MessageKey => `session.kind.${kind}`;
export const outcomeKey = (outcome: ItemOutcome): MessageKey => `session.outcome.${outcome}`;
export const statusKey = (status: SessionStatus): MessageKey => `session.status.${status}`;

/** How a presence reads, with what goes into its template (a reason, a substitute's name). */
export function presenceText(presence: Presence, substitute: string | null): { key: MessageKey; params: Record<string, string> } {
  switch (presence.status) {
    case "present":
      return { key: "session.presence.present", params: {} };
    case "remote":
      return { key: "session.presence.remote", params: {} };
    case "absent":
      return presence.reason?.trim()
        ? { key: "session.presence.absentReason", params: { reason: presence.reason.trim() } }
        : { key: "session.presence.absent", params: {} };
    case "substituted":
      return substitute ? { key: "session.presence.substitutedBy", params: { name: substitute } } : { key: "session.presence.substituted", params: {} };
  }
}

/**
 * An error of a live action: the engine says `needs_room` when the room's
 * connection is missing; a plain "unreachable" from an older engine means the same here.
 */
export function liveError(error: unknown): unknown {
  if (typeof error === "object" && error !== null && (error as { code?: unknown }).code === "server_unreachable") {
    return { code: "needs_room", message: String((error as { message?: unknown }).message ?? "") };
  }
  return error;
}

/** What a live action acts on: a second click on the same thing waits for the first. */
export const busyKey = {
  control: "control",
  takeUp: (item: AgendaItemId) => `take:${item}`,
  outcome: (item: AgendaItemId) => `outcome:${item}`,
  floor: "floor",
  withdraw: "withdraw",
  next: "next",
  give: (request: FloorRequestId) => `give:${request}`,
  end: "end",
  time: "time",
  present: "present",
  attend: (person: PersonId) => `attend:${person}`,
  room: "room",
  joinRoom: "join-room",
  voice: "voice",
  microphone: (person: PersonId) => `mic:${person}`,
} as const;

/** The loudest voice heard (dBFS), as a share of the meter from −60 dB to 0. */
export function voiceMeter(levels: readonly number[]): number {
  const loudest = levels.reduce((a, b) => Math.max(a, b), -96);
  return Math.min(1, Math.max(0, (loudest + 60) / 60));
}

// ── the agenda and the speaker list ───────────────────────────────────────

const DONE_STATUSES = new Set(["adopted", "deferred", "withdrawn"]);

export function orderItems(items: readonly ItemProgress[]): ItemProgress[] {
  return [...items].sort((a, b) => a.position - b.position);
}

/**
 * The item "next item" takes up: the first after the current one that is not
 * settled (no outcome, not adopted or sent back before the session); with
 * none after it, the first unsettled one not taken up yet.
 */
export function nextItem(items: readonly ItemProgress[]): ItemProgress | null {
  const ordered = orderItems(items);
  const open = (i: ItemProgress) => !i.current && i.outcome === null && !DONE_STATUSES.has(i.status);
  const at = ordered.findIndex((i) => i.current);
  return ordered.slice(at + 1).find(open) ?? ordered.find((i) => open(i) && !i.taken_up) ?? null;
}

/** The next `count` waiting, in the order they will speak. */
export function nextSpeakers(list: SpeakerListView | null, count = 3): WaitingView[] {
  return list ? [...list.waiting].sort((a, b) => a.place - b.place).slice(0, count) : [];
}

/** What a member may do about the floor now. */
export interface FloorChoice {
  /** Why no request can be made now; null when one can. */
  blocked: "not_running" | "no_item" | null;
  /** A reply needs someone else speaking. */
  canReply: boolean;
  /** This person's place in the queue (1 = next), if waiting. */
  place: number | null;
  speakingNow: boolean;
}

export function floorChoice(view: Pick<SessionView, "status" | "current_item" | "speakers">, me: PersonId): FloorChoice {
  const list = view.speakers;
  const speakingNow = list?.speaking?.person.id === me;
  const blocked = view.status !== "running" ? "not_running" : view.current_item === null ? "no_item" : null;
  return {
    blocked,
    canReply: blocked === null && list?.speaking != null && !speakingNow,
    place: list?.my_place ?? null,
    speakingNow,
  };
}

// ── the console's keys ────────────────────────────────────────────────────

export type ConsoleCommand = "nextSpeaker" | "nextItem";

export interface ConsoleKey {
  key: string;
  shiftKey: boolean;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
}

/** N gives the floor to the next speaker, Shift+N takes up the next item; never while typing in a field. */
export function consoleKeyCommand(event: ConsoleKey, typing: boolean): ConsoleCommand | null {
  if (typing || event.ctrlKey || event.metaKey || event.altKey) return null;
  if (event.key.toLowerCase() !== "n") return null;
  return event.shiftKey ? "nextItem" : "nextSpeaker";
}

// ── presenter follow ──────────────────────────────────────────────────────

/** What identifies a presented page: a new one is followed, the same one again is not. */
export function presenterKey(p: PresenterView | null): string | null {
  if (p === null) return null;
  const s = p.shown;
  return s === null ? `item:${p.item}` : `${s.document}:${s.version}:${s.page}:${s.zoom_percent}`;
}

export type FollowStep =
  | { kind: "stay" }
  | { kind: "show"; documentId: string; version: number; title: string; page: number; zoom: number }
  | { kind: "not_shared"; item: string };

/** Whether a presentation is followed now (the session runs, something is shown, following is on). */
export function following(view: Pick<SessionView, "status" | "presenter"> | null, on: boolean): boolean {
  return on && view !== null && view.status === "running" && view.presenter !== null;
}

/**
 * What the reader does with a session view: open the presented page when it
 * is new (`shownKey` is the page last followed; null forces it), say "not
 * shared" for a page this person may not see, or stay where it is.
 */
export function followStep(view: Pick<SessionView, "status" | "presenter">, on: boolean, shownKey: string | null): FollowStep {
  const p = view.presenter;
  if (!following(view, on) || p === null) return { kind: "stay" };
  const s = p.shown;
  if (s === null) return { kind: "not_shared", item: p.item };
  if (presenterKey(p) === shownKey) return { kind: "stay" };
  return { kind: "show", documentId: s.document, version: s.version, title: s.title, page: s.page, zoom: s.zoom_percent / 100 };
}

// ── the room display ──────────────────────────────────────────────────────

const live = (status: SessionStatus) => status === "running" || status === "suspended";

/**
 * The meeting the room display shows, of `candidates` (soonest first): the
 * one chosen in the console while its session is live, else the soonest live
 * one, else the chosen one, else the soonest.
 */
export function roomMeeting(candidates: ReadonlyArray<{ id: MeetingId; status: SessionStatus }>, chosen: MeetingId | null): MeetingId | null {
  const picked = candidates.find((c) => c.id === chosen);
  if (picked && live(picked.status)) return picked.id;
  return candidates.find((c) => live(c.status))?.id ?? picked?.id ?? candidates[0]?.id ?? null;
}

/** Motions open in `before` and no longer open now: their results are worth showing. */
export function closedSince(before: readonly Motion[], now: readonly Motion[]): string[] {
  const open = new Set(now.map((m) => m.id));
  return before.filter((m) => !open.has(m.id)).map((m) => m.id);
}

import type { Api } from "./app";
import type { MeetingId, Motion, SessionView } from "./bindings";
import { run } from "./command";
import { DEFAULT_LOCALE, translator, type Locale } from "./i18n";
import { groupMeetings } from "./meetings";
import { clockOffset, closedSince, roomMeeting } from "./session";
import { mountRoom, type RoomState, type RoomView } from "./views/room";

/** Where the console leaves the meeting it opened the room display for (the windows share storage). */
export const ROOM_MEETING_KEY = "ecabinet.roomMeeting";

/** How often, with no live session to show, the display looks again (ms). */
const LOOK_AGAIN_MS = 15_000;
/** At most this many of the soonest meetings are asked about their session. */
const CANDIDATES = 6;

type Store = Pick<Storage, "getItem" | "setItem"> | null | undefined;

/** The given storage, or the window's (shared by the app's windows); null when there is none. */
function store(storage: Store): Pick<Storage, "getItem" | "setItem"> | null {
  try {
    return storage === undefined ? (globalThis.localStorage ?? null) : storage;
  } catch {
    return null;
  }
}

/** Leaves the meeting for the room display to show (see `roomMeeting`). */
export function rememberRoomMeeting(storage: Store, meetingId: MeetingId): void {
  try {
    store(storage)?.setItem(ROOM_MEETING_KEY, meetingId);
  } catch {
    // Without storage the display shows the soonest live session.
  }
}

export interface RoomOptions {
  storage: Store;
  now: () => Date;
}

/**
 * The room display's window: the soonest meeting whose session is live (or
 * the one the console chose), followed as it moves. Vietnamese by default:
 * the room reads Vietnamese whatever language the secretariat's own window uses.
 */
export function startRoom(root: HTMLElement, api: Api, options: RoomOptions): { destroy(): void } {
  const now = () => options.now().getTime();
  let locale: Locale = DEFAULT_LOCALE;
  let state: RoomState = { kind: "loading" };
  let view: RoomView = mount();
  let meetingId: MeetingId | null = null;
  let destroyed = false;
  let seq = 0;
  const stops: Array<() => void> = [];
  const timer = setInterval(() => {
    if (state.kind !== "live" || state.view.status === "not_started" || state.view.status === "ended") void choose();
  }, LOOK_AGAIN_MS);

  function mount(): RoomView {
    root.ownerDocument.documentElement.lang = locale;
    return mountRoom(root, locale, translator(locale), now, (l) => {
      locale = l;
      view = mount();
      view.update(state);
    });
  }

  function set(next: RoomState): void {
    state = next;
    if (!destroyed) view.update(state);
  }

  function chosen(): MeetingId | null {
    try {
      return store(options.storage)?.getItem(ROOM_MEETING_KEY) ?? null;
    } catch {
      return null;
    }
  }

  /** Picks the meeting to show and follows it. */
  async function choose(): Promise<void> {
    const mine = ++seq;
    const meetings = await run(() => api.commands.listMeetings());
    if (mine !== seq) return;
    if (!meetings.ok) {
      if (state.kind !== "live") set({ kind: "error", error: meetings.error });
      return;
    }
    const wanted = chosen();
    const soonest = groupMeetings(meetings.data.filter((m) => m.status !== "cancelled"), options.now()).upcoming.slice(0, CANDIDATES);
    const pool = [...soonest, ...meetings.data.filter((m) => m.id === wanted && !soonest.includes(m))];
    const views = new Map<MeetingId, SessionView>();
    for (const m of pool) {
      const r = await run(() => api.commands.sessionView(m.id));
      if (r.ok) views.set(m.id, r.data);
    }
    if (mine !== seq) return;
    const id = roomMeeting(
      pool.flatMap((m) => {
        const v = views.get(m.id);
        return v ? [{ id: m.id, status: v.status }] : [];
      }),
      wanted,
    );
    const picked = id === null ? undefined : views.get(id);
    if (id === null || !picked) {
      meetingId = null;
      set({ kind: "none" });
      return;
    }
    if (id !== meetingId) {
      meetingId = id;
      void run(() => api.commands.followSession(id));
    }
    await show(picked);
  }

  /** Shows a view of the followed meeting; a vote that closed since the last one brings its result. */
  async function show(next: SessionView): Promise<void> {
    const receivedAt = now();
    const before = state.kind === "live" && state.view.meeting_id === next.meeting_id ? state : null;
    let result = before?.result ?? null;
    // A new vote, or another item, replaces the last result.
    if (next.open_motions.length > 0 || before?.view.current_item?.id !== next.current_item?.id) result = null;
    const closed = before ? closedSince(before.view.open_motions, next.open_motions) : [];
    set({ kind: "live", view: next, offsetMs: clockOffset(next.server_now, receivedAt), result });
    if (closed.length === 0) return;
    const motions = await run(() => api.commands.listMotions(next.meeting_id));
    if (!motions.ok || state.kind !== "live" || state.view.meeting_id !== next.meeting_id) return;
    const found: Motion | undefined = motions.data.find((m) => closed.includes(m.id) && m.tally !== null);
    if (found) set({ ...state, result: found });
  }

  async function reread(): Promise<void> {
    if (meetingId === null) return choose();
    const id = meetingId;
    const r = await run(() => api.commands.sessionView(id));
    if (r.ok && id === meetingId) await show(r.data);
  }

  function listen<T>(source: { listen(handler: (event: { payload: T }) => void): Promise<() => void> } | undefined, handler: (payload: T) => void): void {
    source
      ?.listen((event) => handler(event.payload))
      .then((off) => {
        if (destroyed) off();
        else stops.push(off);
      })
      .catch(() => {
        // No event bridge outside Tauri: the display then looks again every few seconds.
      });
  }

  listen(api.events.sessionChanged, (payload: SessionView) => {
    if (payload.meeting_id === meetingId) void show(payload);
  });
  // Votes close by sync: the session's list of open votes is read again after each.
  listen(api.events.syncStatusChanged, () => void reread());
  // The console opened the display for another meeting (the app's windows
  // share storage, and only the other windows hear of a change): look again
  // at once, even while a session is live here.
  const onStorage = (event: StorageEvent) => {
    if (event.key === ROOM_MEETING_KEY) void choose();
  };
  globalThis.addEventListener?.("storage", onStorage);
  stops.push(() => globalThis.removeEventListener?.("storage", onStorage));
  set({ kind: "loading" });
  void choose();

  return {
    destroy() {
      destroyed = true;
      clearInterval(timer);
      for (const off of stops) off();
    },
  };
}

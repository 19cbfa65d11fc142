import type {
  AgendaItemId,
  Document,
  DocumentId,
  FloorRequestId,
  ItemOutcome,
  ItemProgress,
  MeetingId,
  MinutesLanguage,
  PersonId,
  Presence,
  RoomStatus,
  SessionControl,
  SessionView,
  SpeakerListView,
  SpeechKind,
  VoiceState,
} from "../bindings";
import { h, morphRegion, replaceRegion, type Attrs } from "../dom";
import { formatTime } from "../format";
import { errorMessage, type Locale, type Translate } from "../i18n";
import { busyKey, clockText, consoleKeyCommand, floorChoice, orderItems, outcomeKey, SPEECH_KINDS, speechKindKey, statusKey, voiceMeter } from "../session";
import { spinner, statePanel } from "./common";
import { mountConsole } from "./console";
import type { Loadable, MainState } from "./main";
import { mountMinutes, NO_MINUTES, type MinutesState } from "./minutes";
import { mountPositions, type PositionsActions } from "./positions";
import { mountTimer, type TimerView } from "./timer";
import { mountVoting, type VotingActions } from "./voting";

export interface SessionState {
  /** Whether the right pane shows the session rather than the agenda. */
  open: boolean;
  /** The meeting whose session is read and followed (the selected one). */
  meetingId: MeetingId | null;
  /** Its live state; null until first read. */
  view: Loadable<SessionView> | null;
  /** The server's clock minus this device's when the view arrived (ms): speeches are timed on the server's. */
  offsetMs: number;
  /** Live actions under way, by what they act on (see `busyKey`). */
  busy: Readonly<Record<string, true>>;
  /** The last live action that failed, and why. */
  failure: { action: string; error: unknown } | null;
  /** Presenter follow: on by default, one click to leave it, one to come back. */
  follow: boolean;
  minutes: MinutesState;
  /** The online room this app runs for the meeting: its role here, and how it stands (null until heard). */
  roomRole: "hub" | "member" | null;
  room: RoomStatus | null;
  /** This device's voice in the meeting (null: not joined). */
  voice: VoiceState | null;
}

export const NO_SESSION: SessionState = {
  open: false,
  meetingId: null,
  view: null,
  offsetMs: 0,
  busy: {},
  failure: null,
  follow: true,
  minutes: NO_MINUTES,
  roomRole: null,
  room: null,
  voice: null,
};

/** Which paths reach this device: the server, the room's hub, both or none. */
export function roomPaths(room: Pick<RoomStatus, "hub_connected" | "server_reachable">): "both" | "room_only" | "server_only" | "none" {
  if (room.hub_connected) return room.server_reachable ? "both" : "room_only";
  return room.server_reachable ? "server_only" : "none";
}


export interface SessionActions {
  /** Shows the session (true) or the agenda in the right pane. */
  show(open: boolean): void;
  reload(): void;
  control(control: SessionControl): void;
  takeUp(itemId: AgendaItemId): void;
  /** Resolves to true once recorded (the note field then empties). */
  recordOutcome(itemId: AgendaItemId, outcome: ItemOutcome, note: string | null): Promise<boolean>;
  /** On the current item. */
  requestFloor(kind: SpeechKind): void;
  withdrawFloor(): void;
  floorNext(): void;
  floorGive(requestId: FloorRequestId): void;
  floorEnd(): void;
  setSpeakingTime(minutes: number): void;
  present(documentId: DocumentId, version: number, page: number, zoomPercent: number): void;
  recordAttendance(personId: PersonId, presence: Presence): void;
  openRoomDisplay(): void;
  /** Takes part in the meeting's online room (as its hub: the chair or the secretariat). */
  joinRoom(host: boolean): void;
  leaveRoom(): void;
  /** Hears the room's voices (and is heard when the session lets it, if `talk`). */
  startVoice(talk: boolean): void;
  stopVoice(): void;
  /** Opens or closes a member's microphone (the chair, the secretariat). */
  setMicrophone(personId: PersonId, open: boolean): void;
  setFollow(on: boolean): void;
  /** Goes to the reader, which follows the presenter. */
  showPresented(): void;
  reloadMinutes(): void;
  /** Resolves to true once saved. */
  editMinutes(itemId: AgendaItemId, text: string): Promise<boolean>;
  signMinutes(language: MinutesLanguage): void;
  openDocument(document: Document): void;
  voting: VotingActions;
  positions: PositionsActions;
}

export interface SessionPanel {
  readonly root: HTMLElement;
  update(state: MainState): void;
  /** Empties the panel while it is not shown (no second copy of its controls in the page). */
  hide(): void;
  /** The console's keys (N, Shift+N), while the panel is shown. */
  handleKey(event: KeyboardEvent): void;
}

export interface ButtonOptions {
  busy?: boolean;
  disabled?: boolean;
  title?: string;
  primary?: boolean;
  focusKey?: string;
  /** More attributes (e.g. `data-outcome`). */
  attrs?: Attrs;
}

/** Parts the member's view and the console share. */
export interface SessionParts {
  readonly t: Translate;
  readonly locale: Locale;
  readonly timer: TimerView;
  agenda(view: SessionView, take: ((item: ItemProgress) => HTMLElement | null) | null): HTMLElement;
  speaking(view: SessionView, state: SessionState, extra: HTMLElement | null): HTMLElement;
  waiting(list: SpeakerListView | null, me: PersonId, give: ((request: FloorRequestId) => HTMLElement) | null): HTMLElement;
  spoken(list: SpeakerListView | null): HTMLElement | null;
  button(testid: string, label: string, onClick: () => void, opts?: ButtonOptions): HTMLButtonElement;
}

function isTyping(target: EventTarget | null): boolean {
  return target instanceof HTMLElement && (target.isContentEditable || target.matches("input, textarea, select"));
}

/** What the panel is drawn from, as text (the server's clock and the seconds counted are left out: the timer ticks by itself). */
function inputs(s: MainState): string {
  const v = s.session.view;
  const view =
    v?.kind === "ready"
      ? { ...v.data, server_now: null, speakers: v.data.speakers && { ...v.data.speakers, speaking: v.data.speakers.speaking && { ...v.data.speakers.speaking, elapsed_seconds: 0, remaining_seconds: 0 } } }
      : v;
  const documents = s.agenda?.kind === "ready" ? [s.agenda.data.meeting, s.agenda.data.documents] : null;
  return JSON.stringify([{ ...s.session, view }, documents, s.profile.person, s.voting, s.positions, s.sync?.state, s.people.map((p) => p.id)]);
}

/** The text field focused inside `region`, and how to give it its focus and caret back. */
function keptField(region: HTMLElement): { restore(): void } | null {
  const field = document.activeElement;
  if (!(field instanceof HTMLInputElement || field instanceof HTMLTextAreaElement) || !region.contains(field)) return null;
  let start: number | null = null;
  let end: number | null = null;
  try {
    start = field.selectionStart;
    end = field.selectionEnd;
  } catch {
    // Number fields have no caret to keep.
  }
  return {
    restore() {
      if (!field.isConnected || document.activeElement === field) return;
      field.focus();
      if (start !== null && end !== null) {
        try {
          field.setSelectionRange(start, end);
        } catch {
          // As above.
        }
      }
    },
  };
}

export function mountSession(locale: Locale, t: Translate, actions: SessionActions, now: () => Date): SessionPanel {
  const reason = (error: unknown) => errorMessage(error, locale);
  const region = h("div", { class: "session-region" });
  const root = h(
    "section",
    { class: "pane session-pane", "aria-labelledby": "session-heading", "data-testid": "session-pane" },
    h("div", { class: "session" }, h("h2", { id: "session-heading", class: "visually-hidden" }, t("session.heading")), region),
  );
  let drawn = "";
  let current: MainState | null = null;
  const redraw = () => {
    drawn = "";
    if (current) update(current);
  };
  const voting = mountVoting(locale, t, actions.voting, now, redraw);
  const positions = mountPositions(locale, t, actions.positions, now, redraw);
  const timer = mountTimer(t, "session", () => now().getTime());

  const parts: SessionParts = {
    t,
    locale,
    timer,
    button(testid, label, onClick, opts = {}) {
      const busy = opts.busy === true;
      return h(
        "button",
        {
          type: "button",
          class: `btn ${opts.primary ? "btn-primary" : "btn-secondary"} vote-small-btn`,
          title: opts.title ?? null,
          disabled: opts.disabled === true,
          "aria-disabled": String(busy),
          "data-testid": testid,
          "data-focus-key": opts.focusKey ?? testid,
          ...opts.attrs,
          onclick: () => {
            if (!busy) onClick();
          },
        },
        busy ? spinner() : null,
        label,
      );
    },
    agenda(view, take) {
      return h(
        "ol",
        { class: "session-agenda", "aria-label": t("session.agenda"), "data-testid": "session-agenda" },
        orderItems(view.items).map((item) =>
          h(
            "li",
            {
              class: `session-item${item.current ? " session-item-current" : ""}`,
              "aria-current": item.current ? "step" : null,
              "data-testid": "session-item",
              "data-item-id": item.id,
              "data-current": String(item.current),
              "data-outcome": item.outcome ?? "",
            },
            h("span", { class: "agenda-num" }, `${item.position}.`),
            h(
              "div",
              { class: "session-item-body" },
              h("span", { class: "session-item-title" }, item.title),
              item.current ? h("span", { class: "badge badge-item-in_discussion", "data-testid": "session-item-current" }, t("session.current")) : null,
              item.outcome
                ? h("span", { class: `badge badge-outcome-${item.outcome}`, "data-testid": "session-item-outcome" }, t(outcomeKey(item.outcome)))
                : null,
              item.outcome_note ? h("span", { class: "session-item-note" }, item.outcome_note) : null,
            ),
            take ? take(item) : null,
          ),
        ),
      );
    },
    speaking(view, state, extra) {
      const speaker = view.speakers?.speaking ?? null;
      timer.set(speaker, state.offsetMs);
      return h(
        "div",
        { class: "session-now", "data-testid": "session-now" },
        h("p", { class: "eyebrow" }, t("session.speaking")),
        speaker
          ? h(
              "div",
              { class: "session-speaker-line" },
              h("span", { class: "session-speaker", "data-testid": "session-speaker", "data-person-id": speaker.person.id }, speaker.person.name),
              h("span", { class: "session-kind", "data-testid": "session-speaker-kind" }, t(speechKindKey(speaker.kind))),
            )
          : h("p", { class: "vote-hint", "data-testid": "session-nobody" }, t("session.nobodySpeaking")),
        timer.root,
        extra,
      );
    },
    waiting(list, me, give) {
      const waiting = list ? [...list.waiting].sort((a, b) => a.place - b.place) : [];
      return h(
        "div",
        { class: "session-queue" },
        h("p", { class: "eyebrow" }, t("session.waiting", { count: waiting.length })),
        waiting.length === 0
          ? h("p", { class: "vote-hint", "data-testid": "session-waiting-empty" }, t("session.noneWaiting"))
          : h(
              "ol",
              { class: "session-waiting-list", "data-testid": "session-waiting-list" },
              waiting.map((w) =>
                h(
                  "li",
                  {
                    class: `session-waiting${w.person.id === me ? " session-waiting-mine" : ""}`,
                    "data-testid": "session-waiting",
                    "data-request-id": w.request,
                    "data-person-id": w.person.id,
                    "data-place": w.place,
                  },
                  h("span", { class: "session-place" }, `${w.place}.`),
                  h("span", { class: "session-waiting-name" }, w.person.id === me ? t("session.you", { name: w.person.name }) : w.person.name),
                  h("span", { class: `session-kind session-kind-${w.kind}` }, t(speechKindKey(w.kind))),
                  give ? give(w.request) : null,
                ),
              ),
            ),
      );
    },
    spoken(list) {
      if (!list || list.done.length === 0) return null;
      return h(
        "div",
        { class: "session-queue" },
        h("p", { class: "eyebrow" }, t("session.spoken")),
        h(
          "ol",
          { class: "session-spoken-list" },
          list.done.map((d) =>
            h(
              "li",
              { "data-testid": "session-spoken", "data-person-id": d.person.id },
              t("session.spokenLine", { name: d.person.name, kind: t(speechKindKey(d.kind)), time: clockText(d.duration_seconds) }),
            ),
          ),
        ),
      );
    },
  };
  const chair = mountConsole(parts, actions);
  const minutes = mountMinutes(locale, t, actions);

  function failure(s: MainState): HTMLElement | null {
    const f = s.session.failure;
    if (f === null) return null;
    return h("p", { class: "vote-error session-error", role: "alert", "data-testid": "session-error", "data-action": f.action }, t("session.actionFailed", { reason: reason(f.error) }));
  }

  function header(view: SessionView): HTMLElement {
    return h(
      "header",
      { class: "session-header" },
      h("p", { class: "eyebrow" }, t(view.i_run_it ? "session.console" : "session.heading")),
      h("h3", { class: "agenda-title", "data-testid": "session-title" }, view.meeting_title),
      h(
        "p",
        { class: "agenda-meta" },
        h("span", { class: `badge badge-session-${view.status}`, "data-testid": "session-status", "data-status": view.status }, t(statusKey(view.status))),
        view.chair ? h("span", { "data-testid": "session-chair" }, t("session.chair", { name: view.chair.name })) : null,
        view.started_at ? h("span", null, t("session.startedAt", { time: formatTime(view.started_at, t) })) : null,
        view.ended_at ? h("span", null, t("session.endedAt", { time: formatTime(view.ended_at, t) })) : null,
      ),
    );
  }

  /** The presented page, for anyone following: where it is, or that it is not theirs to see. */
  function presenterCard(view: SessionView, s: MainState): HTMLElement | null {
    const p = view.presenter;
    if (p === null || view.status !== "running") return null;
    const itemTitle = view.items.find((i) => i.id === p.item)?.title ?? "";
    const shown = p.shown;
    if (shown === null) {
      return h(
        "div",
        { class: "session-card session-presenter", "data-testid": "session-presenter", "data-shared": "false" },
        h("p", { class: "eyebrow" }, t("session.presenter")),
        h("p", { class: "session-item-title" }, itemTitle),
        h("p", { class: "session-not-shared", "data-testid": "session-presenter-not-shared" }, t("session.notShared")),
      );
    }
    return h(
      "div",
      { class: "session-card session-presenter", "data-testid": "session-presenter", "data-shared": "true" },
      h("p", { class: "eyebrow" }, t("session.presenter")),
      h("p", { "data-testid": "session-presenter-page" }, t("session.presentingNow", { title: shown.title || itemTitle, page: shown.page, name: p.by.name })),
      h(
        "div",
        { class: "session-row" },
        parts.button("session-presenter-open", t("session.presenterOpen"), () => actions.showPresented(), { primary: true }),
        h(
          "button",
          {
            type: "button",
            class: "btn btn-secondary vote-small-btn",
            "aria-pressed": String(s.session.follow),
            title: t("reader.followHint"),
            "data-testid": "session-follow",
            "data-focus-key": "session-follow",
            onclick: () => actions.setFollow(!s.session.follow),
          },
          t("reader.follow"),
        ),
      ),
    );
  }

  // ── a member ────────────────────────────────────────────────────────────
  function floorCard(view: SessionView, s: MainState): HTMLElement {
    const me = s.profile.person.id;
    const choice = floorChoice(view, me);
    const busy = s.session.busy[busyKey.floor] === true;
    const blocked = choice.blocked !== null;
    const requestButton = (kind: SpeechKind) =>
      parts.button(`session-request-${kind.replace(/_/g, "-")}`, t(`session.request.${kind}`), () => actions.requestFloor(kind), {
        busy,
        // Waiting already: one request at a time, withdrawn first.
        disabled: blocked || choice.place !== null || choice.speakingNow || (kind === "reply" && !choice.canReply),
        title: t(`session.requestHint.${kind}`),
        primary: kind === "speech",
      });
    let place: HTMLElement | null = null;
    if (choice.speakingNow) place = h("p", { class: "session-my-place vote-ok", "data-testid": "session-my-turn" }, t("session.myTurn"));
    else if (choice.place !== null) {
      place = h(
        "div",
        { class: "session-row" },
        h("p", { class: "session-my-place", role: "status", "data-testid": "session-my-place", "data-place": choice.place }, t("session.myPlace", { place: choice.place })),
        parts.button("session-withdraw", t("session.withdraw"), () => actions.withdrawFloor(), { busy: s.session.busy[busyKey.withdraw] === true }),
      );
    }
    return h(
      "div",
      { class: "session-card session-floor", role: "group", "aria-labelledby": "session-floor-title", "data-testid": "session-floor" },
      h("p", { class: "eyebrow", id: "session-floor-title" }, t("session.requestFloor")),
      h("div", { class: "session-row" }, SPEECH_KINDS.map(requestButton)),
      blocked ? h("p", { class: "vote-hint", "data-testid": "session-floor-blocked" }, t(choice.blocked === "no_item" ? "session.noItem" : "session.notRunning")) : null,
      place,
      failure(s),
    );
  }

  function memberView(view: SessionView, s: MainState): HTMLElement[] {
    const meeting = s.agenda?.kind === "ready" ? s.agenda.data.meeting : null;
    const item = view.current_item;
    const votes = meeting && item ? voting.itemVotes(item.id, { meeting, voting: s.voting, profile: s.profile, sync: s.sync }) : null;
    return [
      meeting ? voting.meetingBar({ meeting, voting: s.voting, profile: s.profile, sync: s.sync }) : null,
      h(
        "div",
        { class: "session-card session-current", "data-testid": "session-current" },
        h("p", { class: "eyebrow" }, t("session.current")),
        h("p", { class: "session-current-title", "data-testid": "session-current-item" }, item ? `${item.position}. ${item.title}` : t("session.noCurrent")),
      ),
      floorCard(view, s),
      h("div", { class: "session-card" }, parts.speaking(view, s.session, null), parts.waiting(view.speakers, s.profile.person.id, null)),
      presenterCard(view, s),
      votes ? h("div", { class: "session-card", "data-testid": "session-votes" }, h("p", { class: "eyebrow" }, t("session.votes")), votes) : null,
      h("div", { class: "session-card" }, h("p", { class: "eyebrow" }, t("session.agenda")), parts.agenda(view, null)),
    ].filter((p) => p !== null);
  }

  function roomBar(view: SessionView, s: MainState): HTMLElement {
    const { room, roomRole } = s.session;
    const lines: (HTMLElement | null)[] = [];
    let paths: ReturnType<typeof roomPaths> | "off" = "off";
    if (roomRole === null) {
      lines.push(h("p", { class: "vote-hint" }, t("room.notJoined")));
    } else if (room === null) {
      lines.push(h("p", { class: "vote-hint", "data-testid": "room-starting" }, spinner(), t("room.starting")));
    } else {
      paths = roomPaths(room);
      lines.push(h("p", { class: `room-paths room-paths-${paths}`, "data-testid": "room-paths" }, t(`room.paths.${paths}`)));
      if (room.epoch !== null) lines.push(h("p", { class: "vote-hint", "data-testid": "room-hub-orders" }, t("room.hubOrders", { epoch: String(room.epoch) })));
      lines.push(
        h(
          "p",
          { class: "vote-hint" },
          room.role === "hub"
            ? t("room.roleHub", { count: String(room.peers.length) })
            : t("room.roleMember", { ms: String(room.hub_silent_millis ?? 0) }),
        ),
      );
      if (room.problem) lines.push(h("p", { class: "vote-hint room-problem" }, t("room.problem", { detail: room.problem })));
    }
    const buttons =
      roomRole === null
        ? [
            parts.button("room-join", t("room.join"), () => actions.joinRoom(false)),
            view.i_run_it ? parts.button("room-host", t("room.host"), () => actions.joinRoom(true), { title: t("room.hostHint") }) : null,
          ]
        : [parts.button("room-leave", t("room.leave"), () => actions.leaveRoom())];
    return h(
      "div",
      { class: "session-card room-bar", "data-testid": "room-bar", "data-paths": paths, "data-role": roomRole ?? "" },
      h("p", { class: "eyebrow" }, t("room.title")),
      ...lines,
      h("div", { class: "session-row" }, ...buttons),
      voiceSection(view, s),
    );
  }

  /** The room's voices: join to hear (and talk), the microphone as the session sets it, the level, the chair's switches. */
  function voiceSection(view: SessionView, s: MainState): HTMLElement {
    const voice = s.session.voice;
    const busy = Boolean(s.session.busy[busyKey.voice]);
    const heard = view.voices.map((v) => v.name).join(", ");
    const lines: (HTMLElement | null)[] = [
      h("p", { class: "vote-hint", "data-testid": "voice-heard" }, heard ? t("voice.heard", { names: heard }) : t("voice.nobody")),
    ];
    if (voice === null) {
      lines.push(
        h(
          "div",
          { class: "session-row" },
          parts.button("voice-listen", t("voice.listen"), () => actions.startVoice(false), { busy }),
          parts.button("voice-talk", t("voice.talk"), () => actions.startVoice(true), { busy, title: t("voice.talkHint") }),
        ),
      );
    } else {
      lines.push(h("p", { class: "vote-hint", "data-testid": "voice-joined" }, voice.talking ? t("voice.talking") : t("voice.listening")));
      lines.push(
        h(
          "p",
          { class: "vote-hint", "data-testid": "voice-path", "data-path": voice.path ?? "" },
          voice.path === "hub" ? t("voice.path.hub") : voice.path === "server" ? t("voice.path.server") : t("voice.connecting"),
        ),
      );
      if (voice.talking) {
        lines.push(
          h(
            "p",
            { class: `voice-mic voice-mic-${view.my_microphone_open ? "open" : "closed"}`, "data-testid": "voice-mic", "data-open": String(view.my_microphone_open) },
            view.my_microphone_open ? t("voice.micOpen") : t("voice.micClosed"),
          ),
        );
      }
      const meter = h("meter", { class: "voice-level", "data-testid": "voice-level", min: "0", max: "1", value: String(voiceMeter(voice.levels)) });
      lines.push(h("label", { class: "vote-hint voice-level-label" }, t("voice.level"), meter));
      if (voice.speakers_problem) lines.push(h("p", { class: "vote-hint room-problem", "data-testid": "voice-deaf" }, t("voice.deaf", { detail: voice.speakers_problem })));
      lines.push(h("div", { class: "session-row" }, parts.button("voice-stop", t("voice.stop"), () => actions.stopVoice())));
    }
    if (view.i_run_it) {
      // The chair's console: close a voice heard now, open one of those waiting to speak.
      const waiting = view.speakers ? [...view.speakers.waiting].sort((a, b) => a.place - b.place) : [];
      const heardIds = new Set(view.voices.map((v) => v.id));
      const switches = [
        ...view.voices.map((v) =>
          parts.button(`mic-close-${v.id}`, t("voice.close", { name: v.name }), () => actions.setMicrophone(v.id, false), {
            busy: Boolean(s.session.busy[busyKey.microphone(v.id)]),
          }),
        ),
        ...waiting
          .filter((w) => !heardIds.has(w.person.id))
          .map((w) =>
            parts.button(`mic-open-${w.person.id}`, t("voice.open", { name: w.person.name }), () => actions.setMicrophone(w.person.id, true), {
              busy: Boolean(s.session.busy[busyKey.microphone(w.person.id)]),
            }),
          ),
      ];
      if (switches.length > 0) lines.push(h("div", { class: "session-row", "data-testid": "voice-switches" }, ...switches));
    }
    return h("div", { class: "voice-section", "data-testid": "voice" }, h("p", { class: "eyebrow" }, t("voice.title")), ...lines);
  }

  function update(s: MainState): void {
    current = s;
    const key = inputs(s);
    if (key === drawn) return;
    drawn = key;
    // A field kept across drawings (the outcome note, the speaking time)
    // leaves the page while the new drawing is built: it gets its focus and
    // caret back once it is in place again, so typing goes on through a redraw.
    const typing = keptField(region);
    const v = s.session.view;
    if (s.selectedId === null || v === null) {
      timer.set(null, 0);
      replaceRegion(region, statePanel({ testid: "session-empty", title: t("session.selectPrompt") }));
      return;
    }
    if (v.kind === "loading") {
      replaceRegion(region, statePanel({ testid: "session-loading", title: t("session.loading"), loading: true }));
      return;
    }
    if (v.kind === "error") {
      timer.set(null, 0);
      replaceRegion(
        region,
        statePanel({
          testid: "session-load-error",
          tone: "error",
          title: t("session.loadFailed"),
          hint: reason(v.error),
          action: { label: t("common.retry"), onClick: actions.reload, focusKey: "session-retry" },
        }),
      );
      return;
    }
    const view = v.data;
    const meeting = s.agenda?.kind === "ready" && s.agenda.data.meeting.id === view.meeting_id ? s.agenda.data : null;
    const body = view.i_run_it
      ? chair.render(view, s, meeting, { failure: failure(s), positions, voting })
      : memberView(view, s);
    const ended = view.status === "ended" && s.profile.person.role === "secretary";
    // Redrawn on every session event and sync: kept in place, so a click in
    // progress (pressed, not yet released) lands on the button it began on.
    morphRegion(
      region,
      h(
        "article",
        { class: "session-body", "data-testid": view.i_run_it ? "session-console" : "session-member", "data-meeting-id": view.meeting_id },
        header(view),
        roomBar(view, s),
        body,
        ended ? minutes.render(s.session.minutes, s.profile.person) : null,
      ),
    );
    typing?.restore();
  }

  return {
    root,
    update,
    hide() {
      current = null;
      drawn = "";
      timer.set(null, 0);
      region.replaceChildren();
    },
    handleKey(event) {
      if (event.isComposing || event.defaultPrevented || current === null) return;
      const v = current.session.view;
      if (v?.kind !== "ready" || !v.data.i_run_it || v.data.status !== "running") return;
      const command = consoleKeyCommand(event, isTyping(event.target));
      if (command === null) return;
      event.preventDefault();
      chair.key(command, v.data);
    },
  };
}

import { setPeople } from "./people";
import type { AnnotationDraft, AnnotationSave } from "./annotations";
import type {
  LockStatus,
  AgendaItemId,
  AgendaView,
  AnnotationEdit,
  AnnotationView,
  commands,
  Document,
  Motion,
  MotionId,
  MeetingId,
  OpenMotionRequest,
  OpinionRequestId,
  OpinionStatus,
  PendingKey,
  PersonId,
  PrefetchProgress,
  SessionView,
  Stance,
  SyncStatus,
  TallyVerification,
  UiError,
} from "./bindings";
import { run, whenLocked, withEntry, type CommandResult, type Outcome } from "./command";
import { focusByKey, focusedKey, h } from "./dom";
import type { FileDropSource } from "./filedrop";
import { errorMessage, loadLocale, saveLocale, translator, type Locale, type Translate } from "./i18n";
import { languageSwitch, spinner } from "./views/common";
import { mountEnroll, type EnrollField, type EnrollState, type EnrollView } from "./views/enroll";
import { groupMeetings, orderMeetings } from "./meetings";
import { clampPage, clampZoom, fitWidthZoom, parsePageInput, zoomIn, zoomOut, type PagePlatform } from "./reader";
import { deliveryFromOutcome, refusalsOf, settleSent } from "./outbox";
import { NO_BUILDER, TARGET, type BuilderAction, type BuilderActions, type BuilderState } from "./views/builder";
import { mountMain, type Loadable, type MainState, type MainView, type Tab } from "./views/main";
import { mountLock, type LockView } from "./views/lock";
import { ownAnnotations } from "./opinions";
import { rememberRoomMeeting, startRoom } from "./room";
import { busyKey, clockOffset, followStep, liveError, presenterKey } from "./session";
import type { MinutesState } from "./views/minutes";
import { NO_SESSION, type SessionActions, type SessionState } from "./views/session";
import { NO_STATISTICS, type StatisticsActions, type StatisticsState } from "./views/statistics";
import { periodRange, presetPeriod, type Period } from "./stats";
import { NO_OPINIONS, type OpinionsActions, type OpinionsState } from "./views/opinions";
import { NO_POSITIONS, type Adoption, type PositionsActions, type PositionsState } from "./views/positions";
import type { ReaderActions, ReaderState } from "./views/reader";
import { NO_VOTING, type Pending, type VotingActions, type VotingState } from "./views/voting";
import { ballotFromOutcome, ballotRefusals, settleBallots, standingChoice, withMotion, type Ballot } from "./voting";

export const DEFAULT_SERVER_URL = "http://127.0.0.1:8443";

/** Exactly what the app uses from bindings.ts (so a fake can stand in for tests). */
export interface Api {
  commands: Pick<
    typeof commands,
    | "appStatus"
    | "enroll"
    | "syncNow"
    | "listMeetings"
    | "meetingAgenda"
    | "openDocument"
    | "searchDocument"
    | "listAnnotations"
    | "createAnnotation"
    | "editAnnotation"
    | "listMotions"
    | "castVote"
    | "verifyTally"
    | "checkIn"
    | "openMotion"
    | "closeMotion"
    | "setPosition"
    | "listPositions"
    | "adoptWithoutDiscussion"
    | "listOpinionRequests"
    | "answerOpinion"
    | "saveOpinionDraft"
    | "opinionDraft"
    | "opinionStatus"
    | "listPeople"
    | "createMeeting"
    | "updateMeeting"
    | "addAgendaItem"
    | "updateAgendaItem"
    | "moveAgendaItem"
    | "setItemAccess"
    | "addDocument"
    | "reviseDocument"
    | "pendingKeys"
    | "documentChanges"
    | "documentReaders"
    | "documentSignatures"
    | "signDocument"
    | "importExchange"
    | "statistics"
    | "launchMode"
    | "openRoomDisplay"
    | "joinRoom"
    | "leaveRoom"
    | "roomStatus"
    | "startVoice"
    | "stopVoice"
    | "voiceStatus"
    | "setMicrophone"
    | "sessionView"
    | "followSession"
    | "controlSession"
    | "takeUpItem"
    | "recordOutcome"
    | "requestFloor"
    | "withdrawFloor"
    | "floorNext"
    | "floorGive"
    | "floorEnd"
    | "setSpeakingTime"
    | "presentPage"
    | "recordAttendance"
    | "minutesPreview"
    | "editMinutes"
    | "signMinutes"
    | "lockStatus"
    | "noteActivity"
    | "lockNow"
    | "unlock"
    | "setPin"
    | "setIdleMinutes"
    | "removePin"
  >;
  events: {
    syncStatusChanged: {
      listen(handler: (event: { payload: unknown }) => void): Promise<() => void>;
    };
    /** Optional: older shells and test fakes may not send it. */
    prefetchProgressChanged?: {
      listen(handler: (event: { payload: PrefetchProgress }) => void): Promise<() => void>;
    };
    /** The followed meeting's session moved. Optional: older shells and test fakes may not send it. */
    sessionChanged?: {
      listen(handler: (event: { payload: SessionView }) => void): Promise<() => void>;
    };
  };
  /** Files dropped on the window (Tauri only; absent in a browser). */
  fileDrops?: FileDropSource | null;
  /** Optional: drops queued page renders numbered below a ticket (the reader moved on). */
  cancelRenders?: (ticket: number) => unknown;
}

export interface AppOptions {
  storage?: Pick<Storage, "getItem" | "setItem"> | null;
  now?: () => Date;
  defaultServerUrl?: string;
  /** How page images are addressed; by default from the user agent (tests inject it). */
  pagePlatform?: PagePlatform;
  /** The screen's pixel ratio, for sharp pages (default: window.devicePixelRatio). */
  pixelRatio?: () => number;
}

type Screen =
  | { kind: "booting" }
  /** The room display's window: its own flow (room.ts) draws it. */
  | { kind: "room" }
  | { kind: "boot-error"; error: unknown }
  | EnrollState
  | MainState;

const CODE_ERRORS = new Set(["unknown_code", "code_used", "code_expired", "malformed_code"]);

function fieldForError(error: unknown): EnrollField | null {
  const code = typeof error === "object" && error !== null ? (error as { code?: unknown }).code : null;
  if (typeof code !== "string") return null;
  if (CODE_ERRORS.has(code)) return "code";
  if (code === "server_unreachable") return "serverUrl";
  return null;
}

export interface App {
  /** Settles when the first screen after start-up is shown. */
  readonly ready: Promise<void>;
  readonly locale: Locale;
  destroy(): void;
}

export function startApp(root: HTMLElement, api: Api, options: AppOptions = {}): App {
  const storage = options.storage;
  const now = options.now ?? (() => new Date());
  const defaultServerUrl = options.defaultServerUrl ?? DEFAULT_SERVER_URL;

  let locale: Locale = loadLocale(storage);
  let t: Translate = translator(locale);
  let screen: Screen = { kind: "booting" };
  let mounted: { kind: Screen["kind"]; locale: Locale } | null = null;
  let enrollView: EnrollView | null = null;
  let mainView: MainView | null = null;
  let destroyed = false;
  let agendaSeq = 0;
  let meetingsSeq = 0;
  let readerSeq = 0;
  let searchSeq = 0;
  let annotationsSeq = 0;
  let motionsSeq = 0;
  let positionsSeq = 0;
  let opinionsSeq = 0;
  let changesSeq = 0;
  let signaturesSeq = 0;
  let builderAgendaSeq = 0;
  let keysSeq = 0;
  let statisticsSeq = 0;
  const dashboardSeqs = new Map<OpinionRequestId, number>();
  let sessionSeq = 0;
  let minutesSeq = 0;
  /** The presented page the reader last went to (see followStep). */
  let followedKey: string | null = null;
  let unlisten: (() => void) | null = null;
  let stopDrops: (() => void) | null = null;
  let stopSession: (() => void) | null = null;
  let room: { destroy(): void } | null = null;
  /** The idle lock, once this device is enrolled (remade when the language changes). */
  let lock: { view: LockView; locale: Locale } | null = null;
  let lockStatus: LockStatus | null = null;
  /** Shown once the lock first opens, when the app started locked. */
  let afterUnlock: (() => void) | null = null;

  /** Mounts the idle lock (or remakes it in the new language) and puts its controls in the header. */
  function attachLock(): LockView {
    if (!lock || lock.locale !== locale) {
      lock?.view.destroy();
      const view = mountLock(root, api.commands, locale, t, {
        onUnlocked: () => {
          const next = afterUnlock;
          afterUnlock = null;
          if (next) next();
          else void refresh();
        },
      });
      lock = { view, locale };
      if (lockStatus) view.update(lockStatus);
    }
    root.querySelector(".topbar-actions")?.prepend(lock.view.controls);
    return lock.view;
  }

  function updateLock(status: LockStatus): void {
    lockStatus = status;
    lock?.view.update(status);
  }

  function applyDocumentLocale(): void {
    document.documentElement.lang = locale;
    document.title = t("app.documentTitle");
  }

  function render(): void {
    if (destroyed) return;
    if (!mounted || mounted.kind !== screen.kind || mounted.locale !== locale) {
      const key = focusedKey(root);
      enrollView = null;
      mainView?.destroy();
      mainView = null;
      switch (screen.kind) {
        case "booting":
          root.replaceChildren(
            h("div", { class: "splash", role: "status", "data-testid": "booting" }, spinner(), h("p", null, t("app.starting"))),
          );
          break;
        case "boot-error": {
          const error = screen.error;
          root.replaceChildren(
            h(
              "div",
              { class: "splash" },
              h("div", { class: "splash-lang" }, languageSwitch(locale, t, setLocale)),
              h(
                "div",
                { class: "card splash-card", role: "alert", "data-testid": "boot-error" },
                h("h1", { class: "splash-title" }, t("app.startFailed")),
                h("p", null, errorMessage(error, locale)),
                h("button", { type: "button", class: "btn btn-primary", "data-focus-key": "boot-retry", onclick: boot }, t("common.retry")),
              ),
            ),
          );
          break;
        }
        case "enroll":
          enrollView = mountEnroll(root, screen, locale, t, enrollActions);
          break;
        case "main":
          mainView = mountMain(root, locale, t, mainActions, now, readerEnv);
          attachLock();
          break;
        case "room":
          break;
      }
      mounted = { kind: screen.kind, locale };
      if (screen.kind === "enroll" || screen.kind === "main") update();
      focusByKey(root, key);
      return;
    }
    update();
  }

  function update(): void {
    if (screen.kind === "enroll") enrollView?.update(screen);
    else if (screen.kind === "main") mainView?.update(screen);
  }

  function setScreen(next: Screen): void {
    screen = next;
    render();
  }

  function setLocale(next: Locale): void {
    locale = next;
    t = translator(locale);
    saveLocale(locale, storage);
    applyDocumentLocale();
    render();
  }

  // ── enrolment ────────────────────────────────────────────────────────────
  const enrollActions = {
    setField(field: EnrollField, value: string) {
      if (screen.kind === "enroll") screen[field] = value; // no re-render while typing
    },
    setLocale,
    async submit() {
      if (screen.kind !== "enroll" || screen.submitting) return;
      const s = screen;
      const serverUrl = s.serverUrl.trim();
      const code = s.code.trim();
      const deviceName = s.deviceName.trim();
      if (serverUrl === "" || code === "") {
        const field: EnrollField = serverUrl === "" ? "serverUrl" : "code";
        setScreen({
          ...s,
          error: { local: field === "serverUrl" ? "enroll.serverUrlRequired" : "enroll.codeRequired" },
          errorField: field,
        });
        enrollView?.focusField(field);
        return;
      }
      setScreen({ ...s, submitting: true, error: null, errorField: null });
      const r = await run(() => api.commands.enroll(serverUrl, code, deviceName === "" ? null : deviceName));
      if (screen.kind !== "enroll") return;
      if (r.ok && r.data.profile) {
        showMain(r.data.profile, r.data.sync);
        return;
      }
      const error = r.ok ? { code: "not_enrolled", message: "" } : r.error;
      const field = fieldForError(error);
      setScreen({ ...screen, submitting: false, error: { engine: error }, errorField: field });
      if (field) enrollView?.focusField(field);
    },
  };

  function showEnroll(): void {
    setScreen({
      kind: "enroll",
      serverUrl: defaultServerUrl,
      code: "",
      deviceName: "",
      submitting: false,
      error: null,
      errorField: null,
    });
    enrollView?.focusField("code");
  }

  // ── main screen ──────────────────────────────────────────────────────────
  function patchMain(patch: Partial<Omit<MainState, "kind">>): void {
    if (screen.kind !== "main") return;
    const next = { ...screen, ...patch };
    // A ballot, position or opinion that waited is settled by the sync that sends it, once and for all.
    if (patch.sync !== undefined) {
      const ballots = settleBallots(next.voting.ballots, next.sync);
      if (ballots !== next.voting.ballots) next.voting = { ...next.voting, ballots };
      const stances = settleSent(next.positions.sent, "position", next.sync);
      if (stances !== next.positions.sent) next.positions = { ...next.positions, sent: stances };
      const answers = settleSent(next.opinions.sent, "opinion", next.sync);
      if (answers !== next.opinions.sent) next.opinions = { ...next.opinions, sent: answers };
    }
    setScreen(next);
  }

  async function loadMeetings(quiet: boolean): Promise<void> {
    const seq = ++meetingsSeq;
    if (!quiet) patchMain({ meetings: { kind: "loading" } });
    const r = await run(() => api.commands.listMeetings());
    if (seq !== meetingsSeq || screen.kind !== "main") return;
    if (r.ok) {
      const stillThere = r.data.some((m) => m.id === (screen as MainState).selectedId);
      if (stillThere) {
        patchMain({ meetings: { kind: "ready", data: r.data } });
      } else {
        patchMain({ meetings: { kind: "ready", data: r.data }, selectedId: null, agenda: null });
        // Open the nearest upcoming meeting by itself: it is what a member
        // opens the app for. Past meetings wait to be chosen.
        const nearest = groupMeetings(r.data, now()).upcoming[0];
        if (nearest) void loadAgenda(nearest.id, false);
      }
    } else if (quiet && screen.meetings.kind === "ready") {
      patchMain({ notice: r.error });
    } else {
      patchMain({ meetings: { kind: "error", error: r.error } });
    }
  }

  async function loadAgenda(id: string, quiet: boolean): Promise<void> {
    const seq = ++agendaSeq;
    if (!quiet && screen.kind === "main" && screen.session.meetingId !== id) selectSession(id);
    if (!quiet && screen.kind === "main") {
      patchMain({
        selectedId: id,
        agenda: { kind: "loading" },
        voting: { ...screen.voting, motions: null },
        positions: { ...screen.positions, list: null },
      });
    }
    const r = await run(() => api.commands.meetingAgenda(id));
    if (seq !== agendaSeq || screen.kind !== "main" || screen.selectedId !== id) return;
    if (r.ok) {
      patchMain({ agenda: { kind: "ready", data: r.data } });
      learnTitles(r.data);
      await loadMotions(id, quiet);
      await loadPositions(id, quiet);
    } else if (!(quiet && screen.agenda?.kind === "ready")) {
      patchMain({ agenda: { kind: "error", error: r.error } });
    }
  }

  // ── votes ────────────────────────────────────────────────────────────────
  function patchVoting(patch: Partial<VotingState>): void {
    if (screen.kind === "main") patchMain({ voting: { ...screen.voting, ...patch } });
  }

  /** The voting state, or null off the main screen. */
  function voting(): VotingState | null {
    return screen.kind === "main" ? screen.voting : null;
  }

  /** Reads the meeting's motions as last synced (works offline); a quiet reload keeps what is shown if it fails. */
  async function loadMotions(meetingId: string, quiet: boolean): Promise<void> {
    const seq = ++motionsSeq;
    if (!quiet) patchVoting({ motions: { kind: "loading" } });
    const r = await run(() => api.commands.listMotions(meetingId));
    if (seq !== motionsSeq || screen.kind !== "main" || screen.selectedId !== meetingId) return;
    if (r.ok) patchVoting({ motions: { kind: "ready", data: r.data } });
    else if (!(quiet && screen.voting.motions?.kind === "ready")) patchVoting({ motions: { kind: "error", error: r.error } });
  }

  /** Shows the secretariat's own change at once, before the sync that brings it to everyone. */
  function showMotion(motion: Motion): void {
    const v = voting();
    if (v?.motions?.kind === "ready" && screen.kind === "main" && screen.selectedId === motion.meeting_id) {
      patchVoting({ motions: { kind: "ready", data: withMotion(v.motions.data, motion) } });
    }
  }

  function setPending(part: "opening" | "closing", id: string, value: Pending | null): void {
    const v = voting();
    if (v) patchVoting({ [part]: withEntry(v[part], id, value) });
  }

  const votingActions: VotingActions = {
    reloadMotions() {
      if (screen.kind === "main" && screen.selectedId !== null) void loadMotions(screen.selectedId, false);
    },
    async castVote(motionId: MotionId, choice: string) {
      if (screen.kind !== "main") return;
      const previous = screen.voting.ballots[motionId];
      // A click on the vote that already stands, or during a send, adds nothing.
      if (previous?.kind === "sending" || standingChoice(previous) === choice) return;
      const earlier = standingChoice(previous);
      // Refusals already listed are of earlier ballots; a new one would be about this one.
      const known = ballotRefusals(screen.sync, motionId).map((r) => r.op_id);
      patchVoting({ ballots: withEntry(screen.voting.ballots, motionId, { kind: "sending", choice, earlier }) });
      const r = await run(() => api.commands.castVote(motionId, choice));
      const v = voting();
      if (v) {
        const ballot: Ballot = r.ok ? ballotFromOutcome(r.data, choice, earlier, known) : { kind: "failed", choice, earlier, error: r.error };
        patchVoting({ ballots: withEntry(v.ballots, motionId, ballot) });
      }
      // The count of votes cast, and of changes waiting to be sent, have moved.
      await loadStatus();
      if (screen.kind === "main" && screen.selectedId !== null) await loadMotions(screen.selectedId, true);
    },
    async verifyTally(motionId: MotionId) {
      const v = voting();
      if (!v || v.verifications[motionId]?.kind === "loading") return;
      patchVoting({ verifications: withEntry(v.verifications, motionId, { kind: "loading" }) });
      const r = await run(() => api.commands.verifyTally(motionId));
      const latest = voting();
      if (latest) {
        const result: Loadable<TallyVerification> = r.ok ? { kind: "ready", data: r.data } : { kind: "error", error: r.error };
        patchVoting({ verifications: withEntry(latest.verifications, motionId, result) });
      }
    },
    async checkIn(remote: boolean) {
      if (screen.kind !== "main" || screen.selectedId === null) return;
      const meetingId = screen.selectedId;
      if (screen.voting.checkIns[meetingId]?.kind === "sending") return;
      patchVoting({ checkIns: withEntry(screen.voting.checkIns, meetingId, { kind: "sending", remote }) });
      const r = await run(() => api.commands.checkIn(meetingId, remote));
      const v = voting();
      if (v) {
        const state = r.ok ? { kind: "done" as const, attendance: r.data } : { kind: "failed" as const, remote, error: r.error };
        patchVoting({ checkIns: withEntry(v.checkIns, meetingId, state) });
      }
    },
    async openMotion(itemId: AgendaItemId, request: OpenMotionRequest) {
      if (voting()?.opening[itemId]?.kind === "sending") return false;
      setPending("opening", itemId, { kind: "sending" });
      const r = await run(() => api.commands.openMotion(itemId, request));
      setPending("opening", itemId, r.ok ? null : { kind: "failed", error: r.error });
      if (r.ok) showMotion(r.data);
      return r.ok;
    },
    async closeMotion(motionId: MotionId) {
      if (voting()?.closing[motionId]?.kind === "sending") return;
      setPending("closing", motionId, { kind: "sending" });
      const r = await run(() => api.commands.closeMotion(motionId));
      setPending("closing", motionId, r.ok ? null : { kind: "failed", error: r.error });
      if (r.ok) showMotion(r.data);
    },
  };

  // ── positions before the meeting ─────────────────────────────────────────
  function patchPositions(patch: Partial<PositionsState>): void {
    if (screen.kind === "main") patchMain({ positions: { ...screen.positions, ...patch } });
  }

  /** Reads the items' positions as last synced (works offline); a quiet reload keeps what is shown if it fails. */
  async function loadPositions(meetingId: MeetingId, quiet: boolean): Promise<void> {
    const seq = ++positionsSeq;
    if (!quiet) patchPositions({ list: { kind: "loading" } });
    const r = await run(() => api.commands.listPositions(meetingId));
    if (seq !== positionsSeq || screen.kind !== "main" || screen.selectedId !== meetingId) return;
    if (r.ok) patchPositions({ list: { kind: "ready", data: r.data } });
    else if (!(quiet && screen.positions.list?.kind === "ready")) patchPositions({ list: { kind: "error", error: r.error } });
  }

  function setAdoption(meetingId: MeetingId, adoption: Adoption): void {
    if (screen.kind === "main") patchPositions({ adoptions: withEntry(screen.positions.adoptions, meetingId, adoption) });
  }

  const positionsActions: PositionsActions = {
    reload() {
      if (screen.kind === "main" && screen.selectedId !== null) void loadPositions(screen.selectedId, false);
    },
    async setPosition(itemId, stance: Stance) {
      if (screen.kind !== "main" || screen.positions.sent[itemId]?.delivery.kind === "sending") return false;
      // Refusals already listed are of earlier changes; a new one would be about this one.
      const known = refusalsOf(screen.sync, "position", itemId).map((r) => r.op_id);
      patchPositions({ sent: withEntry(screen.positions.sent, itemId, { stance, delivery: { kind: "sending" } }) });
      const r = await run(() => api.commands.setPosition(itemId, stance));
      const delivery = r.ok ? deliveryFromOutcome(r.data, known) : { kind: "failed" as const, error: r.error };
      if (screen.kind === "main") patchPositions({ sent: withEntry(screen.positions.sent, itemId, { stance, delivery }) });
      // The count of changes waiting to be sent, and the replica's positions, have moved.
      await loadStatus();
      if (screen.kind === "main" && screen.selectedId !== null) await loadPositions(screen.selectedId, true);
      return delivery.kind === "counted" || delivery.kind === "waiting";
    },
    async adopt(meetingId) {
      if (screen.kind !== "main" || screen.positions.adoptions[meetingId]?.kind === "sending") return;
      setAdoption(meetingId, { kind: "sending" });
      const r = await run(() => api.commands.adoptWithoutDiscussion(meetingId));
      setAdoption(meetingId, r.ok ? { kind: "done", count: r.data.length } : { kind: "failed", error: r.error });
      if (r.ok && screen.kind === "main" && screen.selectedId === meetingId) await loadPositions(meetingId, true);
    },
  };

  // ── written opinions ─────────────────────────────────────────────────────
  function patchOpinions(patch: Partial<OpinionsState>): void {
    if (screen.kind === "main") patchMain({ opinions: { ...screen.opinions, ...patch } });
  }

  /** Reads the requests as last synced (works offline), then the secretariat's dashboards if they are shown. */
  async function loadOpinions(quiet: boolean): Promise<void> {
    const seq = ++opinionsSeq;
    if (!quiet) patchOpinions({ requests: { kind: "loading" } });
    const r = await run(() => api.commands.listOpinionRequests());
    if (seq !== opinionsSeq || screen.kind !== "main") return;
    if (r.ok) patchOpinions({ requests: { kind: "ready", data: r.data } });
    else if (!(quiet && screen.opinions.requests?.kind === "ready")) patchOpinions({ requests: { kind: "error", error: r.error } });
    await loadDashboards();
  }

  /** The secretariat's dashboards come from the server: read only while the tab is shown. */
  async function loadDashboards(): Promise<void> {
    if (screen.kind !== "main" || screen.tab !== "opinions" || screen.profile.person.role !== "secretary") return;
    const { requests, dashboards } = screen.opinions;
    if (requests?.kind !== "ready") return;
    await Promise.all(requests.data.map((v) => loadDashboard(v.request.id, dashboards[v.request.id]?.kind === "ready")));
  }

  async function loadDashboard(id: OpinionRequestId, quiet: boolean): Promise<void> {
    const seq = (dashboardSeqs.get(id) ?? 0) + 1;
    dashboardSeqs.set(id, seq);
    const set = (value: Loadable<OpinionStatus>) => {
      if (screen.kind === "main") patchOpinions({ dashboards: withEntry(screen.opinions.dashboards, id, value) });
    };
    if (!quiet) set({ kind: "loading" });
    const r = await run(() => api.commands.opinionStatus(id));
    if (dashboardSeqs.get(id) !== seq || screen.kind !== "main") return;
    if (r.ok) set({ kind: "ready", data: r.data });
    else if (!(quiet && screen.opinions.dashboards[id]?.kind === "ready")) set({ kind: "error", error: r.error });
  }

  const opinionsActions: OpinionsActions = {
    reload() {
      void loadOpinions(false);
    },
    async answer(requestId, choice, comment, onBehalfOf: PersonId | null, annotations) {
      if (screen.kind !== "main" || screen.opinions.sent[requestId]?.delivery.kind === "sending") return false;
      const respondent = onBehalfOf ?? screen.profile.person.id;
      const known = refusalsOf(screen.sync, "opinion", requestId).map((r) => r.op_id);
      patchOpinions({ sent: withEntry(screen.opinions.sent, requestId, { choice, respondent, delivery: { kind: "sending" } }) });
      const r = await run(() => api.commands.answerOpinion(requestId, choice, comment, onBehalfOf, annotations));
      const delivery = r.ok ? deliveryFromOutcome(r.data, known) : { kind: "failed" as const, error: r.error };
      if (screen.kind === "main") patchOpinions({ sent: withEntry(screen.opinions.sent, requestId, { choice, respondent, delivery }) });
      await loadStatus();
      await loadOpinions(true);
      return delivery.kind === "counted" || delivery.kind === "waiting";
    },
    reloadDashboard(requestId) {
      void loadDashboard(requestId, false);
    },
    async loadDraft(requestId) {
      const r = await run(() => api.commands.opinionDraft(requestId));
      return r.ok ? r.data : null;
    },
    async saveDraft(requestId, choice, comment) {
      const r = await run(() => api.commands.saveOpinionDraft(requestId, choice, comment));
      return r.ok;
    },
    async ownAnnotations(documents) {
      const lists = await Promise.all(documents.map((d) => run(() => api.commands.listAnnotations(d))));
      const read = lists.flatMap((r) => (r.ok ? [r.data] : []));
      return read.length < lists.length && read.length === 0 ? null : ownAnnotations(read);
    },
  };

  function showTab(tab: Tab): void {
    if (screen.kind !== "main" || screen.tab === tab) return;
    patchMain({ tab });
    void loadDashboards();
    if (tab === "statistics") void loadStatistics(screen.statistics.report?.kind === "ready");
    if (tab === "builder") {
      void loadKeys(false);
      if (screen.builder.meetingId !== null && screen.builder.agenda?.kind !== "ready") void loadBuilderAgenda(false);
    }
  }

  // ── the secretariat's meeting builder ────────────────────────────────────
  function patchBuilder(patch: Partial<BuilderState>): void {
    if (screen.kind === "main") patchMain({ builder: { ...screen.builder, ...patch } });
  }

  /** Remembers the titles of an agenda's documents: the keys panel names documents by them. */
  function learnTitles(agenda: AgendaView): void {
    if (screen.kind !== "main") return;
    const titles = screen.builder.titles;
    const changed = agenda.documents.filter((d) => titles[d.id] !== d.title);
    if (changed.length > 0) patchBuilder({ titles: { ...titles, ...Object.fromEntries(changed.map((d) => [d.id, d.title])) } });
  }

  /** Reads the agenda of the meeting being built (works offline); a quiet reload keeps what is shown if it fails. */
  async function loadBuilderAgenda(quiet: boolean): Promise<void> {
    if (screen.kind !== "main" || screen.builder.meetingId === null) return;
    const id = screen.builder.meetingId;
    const seq = ++builderAgendaSeq;
    if (!quiet) patchBuilder({ agenda: { kind: "loading" } });
    const r = await run(() => api.commands.meetingAgenda(id));
    if (seq !== builderAgendaSeq || screen.kind !== "main" || screen.builder.meetingId !== id) return;
    if (r.ok) {
      patchBuilder({ agenda: { kind: "ready", data: r.data } });
      learnTitles(r.data);
    } else if (!(quiet && screen.builder.agenda?.kind === "ready")) {
      patchBuilder({ agenda: { kind: "error", error: r.error } });
    }
  }

  /** The devices waiting for keys come from the server: read only while the builder is shown. */
  async function loadKeys(quiet: boolean): Promise<void> {
    if (screen.kind !== "main" || screen.tab !== "builder" || screen.profile.person.role !== "secretary") return;
    const seq = ++keysSeq;
    if (!quiet || screen.builder.keys === null) patchBuilder({ keys: { kind: "loading" } });
    const r = await run(() => api.commands.pendingKeys());
    if (seq !== keysSeq || screen.kind !== "main") return;
    if (r.ok) {
      patchBuilder({ keys: { kind: "ready", data: r.data } });
      await nameKeyDocuments(r.data);
    } else if (!(quiet && screen.builder.keys?.kind === "ready")) {
      patchBuilder({ keys: { kind: "error", error: r.error } });
    }
  }

  /** Reads agendas (on this device) until each document waiting for keys has a title to show. */
  async function nameKeyDocuments(keys: readonly PendingKey[]): Promise<void> {
    if (screen.kind !== "main" || screen.meetings.kind !== "ready") return;
    const titles = () => (screen.kind === "main" ? screen.builder.titles : {});
    const unnamed = () => keys.some((k) => titles()[k.document_id] === undefined);
    for (const meeting of orderMeetings(screen.meetings.data, now())) {
      if (!unnamed() || screen.kind !== "main") return;
      const r = await run(() => api.commands.meetingAgenda(meeting.id));
      if (r.ok) learnTitles(r.data);
    }
  }

  function setBuilderAction(target: string, value: BuilderAction | null): void {
    if (screen.kind === "main") patchBuilder({ actions: withEntry(screen.builder.actions, target, value) });
  }

  /**
   * Runs a secretariat change (saved on this device at once, sent at the
   * next sync), says whether it waits to be sent, and re-reads what it changed.
   */
  async function change<T>(
    target: string,
    call: () => Promise<CommandResult<T>>,
    detail: (data: T) => { title?: string; version?: number; created?: boolean } = () => ({}),
  ): Promise<Outcome<T>> {
    if (screen.kind !== "main" || screen.builder.actions[target]?.kind === "sending") return { ok: false, error: null };
    setBuilderAction(target, { kind: "sending" });
    const r = await run(call);
    if (!r.ok) {
      setBuilderAction(target, { kind: "failed", error: r.error });
      return r;
    }
    // The count of changes waiting to be sent tells whether this one reached the server yet.
    await loadStatus();
    const waiting = screen.kind === "main" && (screen.sync?.waiting_to_send ?? 0) > 0;
    setBuilderAction(target, { kind: "done", waiting, ...detail(r.data) });
    await loadMeetings(true);
    if (screen.kind === "main" && screen.selectedId !== null) await loadAgenda(screen.selectedId, true);
    await loadBuilderAgenda(true);
    return r;
  }

  const builderActions: BuilderActions = {
    selectMeeting(id) {
      if (screen.kind !== "main") return;
      builderAgendaSeq++;
      patchBuilder({ meetingId: id, agenda: null });
      void loadBuilderAgenda(false);
    },
    reloadAgenda() {
      void loadBuilderAgenda(false);
    },
    reloadKeys() {
      void loadKeys(false);
    },
    async createMeeting(request) {
      const r = await change(TARGET.newMeeting, () => api.commands.createMeeting(request), () => ({ created: true }));
      if (!r.ok || screen.kind !== "main") return r.ok;
      // Carry on with the new meeting, its agenda next; its form says it was created.
      const actions = withEntry(screen.builder.actions, TARGET.newMeeting, null);
      const done = screen.builder.actions[TARGET.newMeeting] ?? null;
      builderAgendaSeq++;
      patchBuilder({ meetingId: r.data.id, agenda: null, actions: withEntry(actions, TARGET.meeting(r.data.id), done) });
      await loadBuilderAgenda(false);
      return true;
    },
    async updateMeeting(meetingId, request) {
      const target = request.status === null ? TARGET.meeting(meetingId) : TARGET.status(meetingId);
      return (await change(target, () => api.commands.updateMeeting(meetingId, request))).ok;
    },
    async addItem(meetingId, title, only, details) {
      return (await change(TARGET.newItem(meetingId), () => api.commands.addAgendaItem(meetingId, title, only, details))).ok;
    },
    async updateItem(itemId, request) {
      return (await change(TARGET.item(itemId), () => api.commands.updateAgendaItem(itemId, request))).ok;
    },
    async moveItem(itemId, position) {
      return (await change(TARGET.move(itemId), () => api.commands.moveAgendaItem(itemId, position))).ok;
    },
    async setAccess(itemId, only) {
      return (await change(TARGET.access(itemId), () => api.commands.setItemAccess(itemId, only))).ok;
    },
    async addDocument(itemId, path, title, handling) {
      const r = await change(TARGET.attach(itemId), () => api.commands.addDocument(itemId, path, title, handling), (d) => ({ title: d.title, version: d.version }));
      // Other devices now wait for the new document's key.
      if (r.ok) await loadKeys(true);
      return r.ok;
    },
    documentReaders(documentId) {
      return run(() => api.commands.documentReaders(documentId));
    },
    documentSignatures(documentId) {
      return run(() => api.commands.documentSignatures(documentId));
    },
    async importExchange(itemId, path, acceptUntrusted) {
      const r = await run(() => api.commands.importExchange(itemId, path, acceptUntrusted));
      if (r.ok) {
        await loadBuilderAgenda(true);
        // Other devices now wait for the new documents' keys.
        await loadKeys(true);
      }
      return r;
    },
    async signDocument(documentId, request) {
      const r = await run(() => api.commands.signDocument(documentId, request));
      if (r.ok) await loadBuilderAgenda(true);
      return r;
    },
    async reviseDocument(documentId, path, title, handling) {
      const r = await change(TARGET.revise(documentId), () => api.commands.reviseDocument(documentId, path, title, handling), (d) => ({ title: d.title, version: d.version }));
      if (r.ok) await loadKeys(true);
      return r.ok;
    },
  };

  // ── the secretariat's statistics ─────────────────────────────────────────
  function patchStatistics(patch: Partial<StatisticsState>): void {
    if (screen.kind === "main") patchMain({ statistics: { ...screen.statistics, ...patch } });
  }

  /**
   * Reads the figures of a period (by default the one shown, at first this
   * year), only while the dashboard is shown; a quiet read keeps the figures
   * shown until the new ones come, and keeps them if it fails.
   */
  async function loadStatistics(quiet: boolean, next?: Period): Promise<void> {
    if (screen.kind !== "main" || screen.tab !== "statistics" || screen.profile.person.role !== "secretary") return;
    const period = next ?? screen.statistics.period ?? presetPeriod("year", now());
    const range = periodRange(period);
    if (!range.ok) return; // the dashboard's form says why before asking
    const seq = ++statisticsSeq;
    const showing = screen.statistics.report?.kind === "ready";
    if (!(quiet && showing)) patchStatistics({ period, report: { kind: "loading" } });
    const r = await run(() => api.commands.statistics(range.from, range.to));
    if (seq !== statisticsSeq || screen.kind !== "main") return;
    if (r.ok) patchStatistics({ period, report: { kind: "ready", data: r.data } });
    else if (!(quiet && screen.statistics.report?.kind === "ready")) patchStatistics({ period, report: { kind: "error", error: r.error } });
  }

  const statisticsActions: StatisticsActions = {
    load(period) {
      void loadStatistics(false, period);
    },
    reload() {
      void loadStatistics(false);
    },
  };

  /** Re-reads who this is and the sync state (e.g. how many changes wait to be sent). */
  async function loadStatus(): Promise<void> {
    const status = await run(() => api.commands.appStatus());
    if (status.ok) updateLock(status.data.lock);
    if (screen.kind !== "main" || !status.ok || !status.data.profile) return;
    const profile = status.data.profile;
    // Only the secretariat builds meetings and sees the statistics: anyone else goes back to the meetings.
    const secretariatOnly = screen.tab === "builder" || screen.tab === "statistics";
    const tab = secretariatOnly && profile.person.role !== "secretary" ? "meetings" : screen.tab;
    patchMain({ profile, sync: status.data.sync, tab });
  }

  /**
   * Re-reads status, meetings, the open agenda and the open document's
   * annotations (a sync may bring some from the person's other devices)
   * without flashing loading states.
   */
  async function refresh(): Promise<void> {
    if (screen.kind !== "main") return;
    await loadStatus();
    await loadMeetings(true);
    if (screen.kind === "main" && screen.selectedId !== null) await loadAgenda(screen.selectedId, true);
    // Attendance and votes come by sync; the session's view of them is read again.
    if (screen.kind === "main" && screen.session.meetingId !== null) await loadSession(screen.session.meetingId, true);
    await loadAnnotations(true);
    await loadPeople();
    await loadOpinions(true);
    await loadBuilderAgenda(true);
    await loadKeys(true);
    await loadStatistics(true);
  }

  /** Names for the ids in summaries and dashboards; ids stay shown if this fails. */
  async function loadPeople(): Promise<void> {
    const r = await run(() => api.commands.listPeople());
    if (!r.ok) return;
    setPeople(r.data);
    if (screen.kind === "main" && JSON.stringify(screen.people) !== JSON.stringify(r.data)) patchMain({ people: r.data });
  }

  // ── the meeting in session ───────────────────────────────────────────────
  function patchSession(patch: Partial<SessionState>): void {
    if (screen.kind === "main") patchMain({ session: { ...screen.session, ...patch } });
  }

  function patchMinutes(patch: Partial<MinutesState>): void {
    if (screen.kind === "main") patchSession({ minutes: { ...screen.session.minutes, ...patch } });
  }

  /** The selected meeting's session, while it is shown: followed (changes come as `SessionChanged`) and read. */
  function selectSession(meetingId: MeetingId): void {
    if (screen.kind !== "main") return;
    sessionSeq++;
    minutesSeq++;
    followedKey = null;
    const { open, follow } = screen.session;
    patchMain({ session: { ...NO_SESSION, open, follow, meetingId, view: { kind: "loading" } } });
    void run(() => api.commands.followSession(meetingId));
    void loadSession(meetingId, false);
    void loadRoom(meetingId, true);
  }

  // ── the online room (WebRTC, run by the app's Rust side) ───────────────
  /** How often the room's status is read while this app runs one (ms). */
  const ROOM_POLL_MS = 1_000;
  let roomPoll: ReturnType<typeof setInterval> | null = null;
  /** At most one sync every this many ms on the room's word that the server is gone. */
  const ROOM_SYNC_MS = 10_000;
  let roomSyncAt = 0;

  /** Reads how the meeting's room stands here; `learn`: also whether the app runs one for it. */
  async function loadRoom(meetingId: MeetingId, learn: boolean): Promise<void> {
    const r = await run(() => api.commands.roomStatus(meetingId));
    if (screen.kind !== "main" || screen.session.meetingId !== meetingId) return;
    if (!r.ok) return; // the room's status is a hint; the session itself is read on its own
    const room = r.data;
    if (room === null && !learn && screen.session.roomRole !== null && screen.session.room !== null) {
      // The room stopped (its process ended): say so by showing none.
      patchSession({ room: null, roomRole: null });
      stopRoomPoll();
      return;
    }
    if (room !== null) {
      // The room found the server gone before the header's sync did: a sync now says so there too.
      if (!room.server_reachable && screen.sync?.state === "online" && Date.now() - roomSyncAt > ROOM_SYNC_MS) {
        roomSyncAt = Date.now();
        void mainActions.syncNow();
      }
      const roomRole = room.role === "hub" ? "hub" : "member";
      if (JSON.stringify(room) !== JSON.stringify(screen.session.room) || screen.session.roomRole !== roomRole) patchSession({ room, roomRole });
      startRoomPoll();
    }
  }

  // ── the room's voice (Opus over WebRTC, in the app's Rust side) ───────
  let voicePoll: ReturnType<typeof setInterval> | null = null;

  /** Reads the voice's level and counts while it runs; stops when it has gone. */
  function startVoicePoll(): void {
    if (voicePoll !== null) return;
    voicePoll = setInterval(() => {
      const meetingId = screen.kind === "main" ? screen.session.meetingId : null;
      if (meetingId === null || screen.kind !== "main" || screen.session.voice === null) {
        stopVoicePoll();
        return;
      }
      void run(() => api.commands.voiceStatus(meetingId)).then((r) => {
        if (!r.ok || screen.kind !== "main" || screen.session.meetingId !== meetingId) return;
        patchSession({ voice: r.data });
        if (r.data === null) stopVoicePoll();
      });
    }, ROOM_POLL_MS);
  }

  function stopVoicePoll(): void {
    if (voicePoll !== null) clearInterval(voicePoll);
    voicePoll = null;
  }

  function startRoomPoll(): void {
    if (roomPoll !== null) return;
    roomPoll = setInterval(() => {
      if (screen.kind === "main" && screen.session.meetingId !== null && screen.session.roomRole !== null) void loadRoom(screen.session.meetingId, false);
      else stopRoomPoll();
    }, ROOM_POLL_MS);
  }

  function stopRoomPoll(): void {
    if (roomPoll !== null) clearInterval(roomPoll);
    roomPoll = null;
  }

  /** Reads the session as this device holds it (after catching up with the server when it can); a quiet read keeps what is shown if it fails. */
  async function loadSession(meetingId: MeetingId, quiet: boolean): Promise<void> {
    const seq = ++sessionSeq;
    const r = await run(() => api.commands.sessionView(meetingId));
    if (seq !== sessionSeq || screen.kind !== "main" || screen.session.meetingId !== meetingId) return;
    if (r.ok) showSession(r.data);
    else if (!(quiet && screen.session.view?.kind === "ready")) patchSession({ view: { kind: "error", error: r.error } });
  }

  /** A view of the shown meeting's session, read or sent by the follower. */
  function showSession(view: SessionView): void {
    if (screen.kind !== "main" || screen.session.meetingId !== view.meeting_id) return;
    const before = screen.session.view?.kind === "ready" ? screen.session.view.data : null;
    // Views can cross (a read and the follower's event): an older log does not replace a newer one.
    if (before && view.seq < before.seq) return;
    patchSession({ view: { kind: "ready", data: view }, offsetMs: clockOffset(view.server_now, now().getTime()) });
    follow(view, false);
    // Live progress of votes: ballots counted, a vote opened or closed.
    if (before && JSON.stringify(before.open_motions) !== JSON.stringify(view.open_motions)) void loadMotions(view.meeting_id, true);
    if (view.status === "ended" && screen.profile.person.role === "secretary" && screen.session.minutes.preview === null) void loadMinutes(false);
  }

  /** Presenter follow: the reader goes to a newly presented page (`force`: to the page shown now). */
  function follow(view: SessionView, force: boolean): void {
    if (screen.kind !== "main") return;
    const step = followStep(view, screen.session.follow, force ? null : followedKey);
    if (step.kind !== "show") return;
    followedKey = presenterKey(view.presenter);
    // A member following sees the page itself; the chair and the secretariat
    // keep their console (they present from it).
    if (!view.i_run_it && screen.session.open) patchSession({ open: false });
    const at = { page: step.page, zoom: clampZoom(step.zoom) };
    const reader = screen.reader;
    if (reader?.documentId === step.documentId) {
      const count = pageCount();
      // Only the page and zoom move: the member's notes and search stay as they are.
      patchReader({ page: count === null ? at.page : clampPage(at.page, count), zoom: at.zoom, pageHint: null });
    } else {
      void openReader({ id: step.documentId, title: step.title ?? "", version: step.version }, at);
    }
  }

  /** The session as last read, or null. */
  function sessionView(): SessionView | null {
    return screen.kind === "main" && screen.session.view?.kind === "ready" ? screen.session.view.data : null;
  }

  /**
   * Runs a live action (it needs the room's connection: offline it fails with
   * `needs_room`), then reads the session again (the follower's event may come first).
   */
  async function live<T>(key: string, call: () => Promise<CommandResult<T>>, done?: (data: T) => void): Promise<boolean> {
    if (screen.kind !== "main" || screen.session.busy[key] || screen.session.meetingId === null) return false;
    const meetingId = screen.session.meetingId;
    patchSession({ busy: withEntry(screen.session.busy, key, true) });
    const r = await run(call);
    if (screen.kind !== "main") return r.ok;
    patchSession({ busy: withEntry(screen.session.busy, key, null), failure: r.ok ? null : { action: key, error: liveError(r.error) } });
    if (!r.ok) return false;
    if (done) done(r.data);
    else await loadSession(meetingId, true);
    return true;
  }

  /** Runs a live action on the current item. */
  function onCurrentItem(key: string, call: (item: AgendaItemId) => Promise<CommandResult<unknown>>): void {
    const item = sessionView()?.current_item;
    if (item) void live(key, () => call(item.id));
  }

  async function loadMinutes(quiet: boolean): Promise<void> {
    if (screen.kind !== "main" || screen.session.meetingId === null) return;
    const meetingId = screen.session.meetingId;
    const seq = ++minutesSeq;
    if (!quiet) patchMinutes({ preview: { kind: "loading" } });
    const r = await run(() => api.commands.minutesPreview(meetingId));
    if (seq !== minutesSeq || screen.kind !== "main" || screen.session.meetingId !== meetingId) return;
    if (r.ok) patchMinutes({ preview: { kind: "ready", data: r.data } });
    else if (!(quiet && screen.session.minutes.preview?.kind === "ready")) patchMinutes({ preview: { kind: "error", error: r.error } });
  }

  const sessionActions: SessionActions = {
    show(open) {
      if (screen.kind !== "main" || screen.session.open === open) return;
      patchSession({ open });
      if (open && screen.selectedId !== null && screen.session.meetingId !== screen.selectedId) selectSession(screen.selectedId);
    },
    reload() {
      if (screen.kind === "main" && screen.selectedId !== null) selectSession(screen.selectedId);
    },
    control(control) {
      const meetingId = screen.kind === "main" ? screen.session.meetingId : null;
      if (meetingId !== null) void live(busyKey.control, () => api.commands.controlSession(meetingId, control), showSession);
    },
    takeUp(itemId) {
      void live(busyKey.takeUp(itemId), () => api.commands.takeUpItem(itemId));
    },
    recordOutcome(itemId, outcome, note) {
      return live(busyKey.outcome(itemId), () => api.commands.recordOutcome(itemId, outcome, note));
    },
    requestFloor(kind) {
      onCurrentItem(busyKey.floor, (item) => api.commands.requestFloor(item, kind));
    },
    withdrawFloor() {
      onCurrentItem(busyKey.withdraw, (item) => api.commands.withdrawFloor(item));
    },
    floorNext() {
      onCurrentItem(busyKey.next, (item) => api.commands.floorNext(item));
    },
    floorGive(requestId) {
      void live(busyKey.give(requestId), () => api.commands.floorGive(requestId));
    },
    floorEnd() {
      onCurrentItem(busyKey.end, (item) => api.commands.floorEnd(item));
    },
    setSpeakingTime(minutes) {
      onCurrentItem(busyKey.time, (item) => api.commands.setSpeakingTime(item, minutes));
    },
    present(documentId, version, page, zoomPercent) {
      void live(busyKey.present, () => api.commands.presentPage(documentId, version, page, zoomPercent));
    },
    recordAttendance(personId, presence) {
      const meetingId = screen.kind === "main" ? screen.session.meetingId : null;
      if (meetingId !== null) void live(busyKey.attend(personId), () => api.commands.recordAttendance(meetingId, personId, presence));
    },
    openRoomDisplay() {
      const meetingId = screen.kind === "main" ? screen.session.meetingId : null;
      if (meetingId === null) return;
      // The room's window shows the meeting this console runs.
      rememberRoomMeeting(storage, meetingId);
      void live(busyKey.room, () => api.commands.openRoomDisplay(), () => undefined);
    },
    joinRoom(host) {
      const meetingId = screen.kind === "main" ? screen.session.meetingId : null;
      if (meetingId === null) return;
      patchSession({ roomRole: host ? "hub" : "member", room: null });
      void live(busyKey.joinRoom, () => api.commands.joinRoom(meetingId, host), () => startRoomPoll()).then((joined) => {
        if (!joined) patchSession({ roomRole: null });
      });
    },
    leaveRoom() {
      stopRoomPoll();
      patchSession({ roomRole: null, room: null });
      void run(() => api.commands.leaveRoom());
    },
    startVoice(talk) {
      const meetingId = screen.kind === "main" ? screen.session.meetingId : null;
      if (meetingId === null) return;
      void live(busyKey.voice, () => api.commands.startVoice(meetingId, talk), (voice) => {
        patchSession({ voice });
        startVoicePoll();
      });
    },
    stopVoice() {
      stopVoicePoll();
      patchSession({ voice: null });
      void run(() => api.commands.stopVoice());
    },
    setMicrophone(personId, open) {
      const meetingId = screen.kind === "main" ? screen.session.meetingId : null;
      if (meetingId === null) return;
      void live(busyKey.microphone(personId), () => api.commands.setMicrophone(meetingId, personId, open));
    },
    setFollow(on) {
      if (screen.kind !== "main" || screen.session.follow === on) return;
      patchSession({ follow: on });
      const view = sessionView();
      // Back to following: straight to the page shown now.
      if (on && view) follow(view, true);
    },
    showPresented() {
      const view = sessionView();
      if (screen.kind !== "main" || view === null) return;
      patchSession({ follow: true, open: false });
      follow(view, true);
      showTab("meetings");
    },
    reloadMinutes() {
      void loadMinutes(false);
    },
    async editMinutes(itemId, text) {
      if (screen.kind !== "main" || screen.session.minutes.narratives[itemId]?.kind === "sending") return false;
      patchMinutes({ narratives: withEntry(screen.session.minutes.narratives, itemId, { kind: "sending" }) });
      const r = await run(() => api.commands.editMinutes(itemId, text));
      if (screen.kind !== "main") return r.ok;
      patchMinutes({ narratives: withEntry(screen.session.minutes.narratives, itemId, r.ok ? { kind: "done" } : { kind: "failed", error: r.error }) });
      if (r.ok) await loadMinutes(true);
      return r.ok;
    },
    async signMinutes(language) {
      if (screen.kind !== "main" || screen.session.meetingId === null || screen.session.minutes.signing?.kind === "sending") return;
      const meetingId = screen.session.meetingId;
      patchMinutes({ signing: { kind: "sending" } });
      const r = await run(() => api.commands.signMinutes(meetingId, language));
      patchMinutes({ signing: r.ok ? { kind: "done", document: r.data } : { kind: "failed", error: r.error } });
      // The signed minutes are a document of the meeting now.
      if (r.ok && screen.kind === "main" && screen.selectedId === meetingId) await loadAgenda(meetingId, true);
    },
    openDocument(doc) {
      patchSession({ open: false });
      showTab("meetings");
      void openReader(doc);
    },
    voting: votingActions,
    positions: positionsActions,
  };

  // ── document reader ──────────────────────────────────────────────────────
  const cancelRenders = api.cancelRenders;
  const readerEnv = {
    ...(options.pagePlatform ? { platform: options.pagePlatform } : {}),
    ...(options.pixelRatio ? { pixelRatio: options.pixelRatio } : {}),
    ...(cancelRenders ? { cancelRendersBelow: (ticket: number) => void cancelRenders(ticket) } : {}),
  };

  function patchReader(patch: Partial<ReaderState>): void {
    if (screen.kind === "main" && screen.reader !== null) patchMain({ reader: { ...screen.reader, ...patch } });
  }

  /** The open reader's page count, or null while it is not open. */
  function pageCount(): number | null {
    return screen.kind === "main" && screen.reader?.open.kind === "ready" ? screen.reader.open.data.page_count : null;
  }

  async function openReader(doc: Pick<Document, "id" | "title" | "version">, at: { page: number; zoom: number } = { page: 1, zoom: 1 }): Promise<void> {
    if (screen.kind !== "main") return;
    const seq = ++readerSeq;
    searchSeq++;
    patchMain({
      reader: {
        documentId: doc.id,
        title: doc.title,
        version: doc.version,
        open: { kind: "loading" },
        page: at.page,
        zoom: at.zoom,
        pageHint: null,
        searchText: "",
        search: null,
        annotations: { kind: "loading" },
        annotationSave: null,
        changes: null,
      },
    });
    await loadDocument(seq, doc.id);
  }

  async function loadDocument(seq: number, id: string): Promise<void> {
    const r = await run(() => api.commands.openDocument(id));
    if (seq !== readerSeq || screen.kind !== "main" || screen.reader?.documentId !== id) return;
    if (r.ok) {
      patchReader({ open: { kind: "ready", data: r.data }, page: clampPage(screen.reader.page, r.data.page_count) });
      await loadAnnotations(false);
    } else {
      patchReader({ open: { kind: "error", error: r.error } });
    }
  }

  function closeReader(): void {
    readerSeq++;
    signaturesSeq++;
    searchSeq++;
    annotationsSeq++;
    changesSeq++;
    patchMain({ reader: null });
  }

  /** Reads the open document's annotations (from this device: works offline). Quietly keeps what is shown if that fails. */
  async function loadAnnotations(quiet: boolean): Promise<void> {
    if (screen.kind !== "main" || screen.reader === null || pageCount() === null) return;
    const id = screen.reader.documentId;
    const seq = ++annotationsSeq;
    if (!quiet) patchReader({ annotations: { kind: "loading" } });
    const r = await run(() => api.commands.listAnnotations(id));
    if (seq !== annotationsSeq || screen.kind !== "main" || screen.reader?.documentId !== id) return;
    if (r.ok) patchReader({ annotations: { kind: "ready", data: r.data } });
    else if (!(quiet && screen.reader.annotations.kind === "ready")) patchReader({ annotations: { kind: "error", error: r.error } });
  }

  /**
   * Runs a create or edit (saved on this device at once, sent at the next
   * sync), then re-reads the list and the count of changes waiting to be sent.
   */
  async function saveAnnotation(
    change: Extract<AnnotationSave, { kind: "saved" }>["change"],
    call: () => Promise<CommandResult<AnnotationView>>,
  ): Promise<AnnotationView | null> {
    if (screen.kind !== "main" || screen.reader === null) return null;
    const id = screen.reader.documentId;
    const current = () => screen.kind === "main" && screen.reader?.documentId === id;
    patchReader({ annotationSave: { kind: "saving" } });
    const r = await run(call);
    if (!r.ok) {
      if (current()) patchReader({ annotationSave: { kind: "failed", error: r.error } });
      return null;
    }
    if (current()) patchReader({ annotationSave: { kind: "saved", change, waiting: r.data.waiting_to_send } });
    await loadAnnotations(true);
    await loadStatus();
    return r.data;
  }

  async function searchReader(text: string): Promise<void> {
    if (screen.kind !== "main" || screen.reader === null || pageCount() === null) return;
    const phrase = text.trim();
    const seq = ++searchSeq;
    if (phrase === "") {
      patchReader({ searchText: text, search: null });
      return;
    }
    const id = screen.reader.documentId;
    const search: NonNullable<ReaderState["search"]> = { phrase, result: { kind: "loading" } };
    patchReader({ searchText: text, search });
    const r = await run(() => api.commands.searchDocument(id, phrase));
    if (seq !== searchSeq || screen.kind !== "main" || screen.reader?.documentId !== id) return;
    patchReader({ search: { phrase, result: r.ok ? { kind: "ready", data: r.data } : { kind: "error", error: r.error } } });
  }

  /** What changed in the open document since its previous version (compared on this device). */
  async function loadChanges(): Promise<void> {
    if (screen.kind !== "main" || screen.reader === null || pageCount() === null) return;
    const id = screen.reader.documentId;
    const seq = ++changesSeq;
    patchReader({ changes: { kind: "loading" } });
    const r = await run(() => api.commands.documentChanges(id, null));
    if (seq !== changesSeq || screen.kind !== "main" || screen.reader?.documentId !== id || screen.reader.changes === null) return;
    patchReader({ changes: r.ok ? { kind: "ready", data: r.data } : { kind: "error", error: r.error } });
  }

  /** The open document's digital signatures, checked on this device. */
  async function loadSignatures(): Promise<void> {
    if (screen.kind !== "main" || screen.reader === null || pageCount() === null) return;
    const id = screen.reader.documentId;
    const seq = ++signaturesSeq;
    patchReader({ signatures: { kind: "loading" } });
    const r = await run(() => api.commands.documentSignatures(id));
    if (seq !== signaturesSeq || screen.kind !== "main" || screen.reader?.documentId !== id || !screen.reader.signatures) return;
    patchReader({ signatures: r.ok ? { kind: "ready", data: r.data } : { kind: "error", error: r.error } });
  }

  const readerActions: ReaderActions = {
    showSignatures() {
      void loadSignatures();
    },
    hideSignatures() {
      signaturesSeq++;
      if (screen.kind === "main" && screen.reader?.signatures) patchReader({ signatures: null });
    },
    closeReader,
    setFollow(on: boolean) {
      sessionActions.setFollow(on);
    },
    showChanges() {
      void loadChanges();
    },
    hideChanges() {
      changesSeq++;
      if (screen.kind === "main" && screen.reader?.changes) patchReader({ changes: null });
    },
    retryOpen() {
      if (screen.kind !== "main" || screen.reader === null) return;
      const seq = ++readerSeq;
      const id = screen.reader.documentId;
      patchReader({ open: { kind: "loading" } });
      void loadDocument(seq, id);
    },
    goToPage(page: number) {
      const count = pageCount();
      if (count === null || screen.kind !== "main" || screen.reader === null) return;
      const next = clampPage(page, count);
      if (next !== screen.reader.page || screen.reader.pageHint !== null) patchReader({ page: next, pageHint: null });
    },
    submitPage(text: string) {
      const count = pageCount();
      if (count === null) return;
      const parsed = parsePageInput(text, count);
      if (parsed.kind === "invalid") patchReader({ pageHint: { kind: "invalid" } });
      else patchReader({ page: parsed.page, pageHint: parsed.kind === "clamped" ? { kind: "clamped" } : null });
    },
    clearPageHint() {
      if (screen.kind === "main" && screen.reader?.pageHint) patchReader({ pageHint: null });
    },
    zoomIn() {
      if (screen.kind === "main" && screen.reader && pageCount() !== null) patchReader({ zoom: zoomIn(screen.reader.zoom) });
    },
    zoomOut() {
      if (screen.kind === "main" && screen.reader && pageCount() !== null) patchReader({ zoom: zoomOut(screen.reader.zoom) });
    },
    fitWidth(widthPx: number) {
      const zoom = fitWidthZoom(widthPx);
      if (zoom !== null && pageCount() !== null) patchReader({ zoom: clampZoom(zoom) });
    },
    setSearchText(text: string) {
      if (screen.kind === "main" && screen.reader) screen.reader.searchText = text; // no re-render while typing
    },
    search(text: string) {
      void searchReader(text);
    },
    clearSearch() {
      searchSeq++;
      if (screen.kind === "main" && screen.reader && (screen.reader.search !== null || screen.reader.searchText !== "")) {
        patchReader({ searchText: "", search: null });
      }
    },
    reloadAnnotations() {
      void loadAnnotations(false);
    },
    createAnnotation(draft: AnnotationDraft) {
      if (screen.kind !== "main" || screen.reader === null) return Promise.resolve(null);
      // New annotations start private: sharing is a separate, deliberate step.
      const annotation = { ...draft, document_id: screen.reader.documentId, quote: null, share: null };
      return saveAnnotation("created", () => api.commands.createAnnotation(annotation));
    },
    async editAnnotation(id: string, edit: Partial<AnnotationEdit>) {
      const full: AnnotationEdit = { text: null, colour: null, ink: null, share: null, deleted: null, ...edit };
      return (await saveAnnotation(edit.deleted ? "deleted" : "edited", () => api.commands.editAnnotation(id, full))) !== null;
    },
  };

  function onKeyDown(event: KeyboardEvent): void {
    if (screen.kind !== "main" || screen.tab !== "meetings") return;
    // The session, when shown, has the keys; the reader (kept open behind it) then has none.
    if (screen.session.open) mainView?.handleSessionKey(event);
    else if (screen.reader !== null) mainView?.handleReaderKey(event);
  }

  const mainActions = {
    setLocale,
    async syncNow() {
      if (screen.kind !== "main" || screen.syncing) return;
      patchMain({ syncing: true, notice: null });
      const r = await run(() => api.commands.syncNow());
      if (screen.kind !== "main") return;
      if (r.ok) {
        patchMain({ syncing: false, sync: r.data });
        await loadMeetings(true);
        if (screen.kind === "main" && screen.selectedId !== null) await loadAgenda(screen.selectedId, true);
        await loadAnnotations(true);
        await loadOpinions(true);
        await loadBuilderAgenda(true);
        await loadKeys(true);
        await loadStatistics(true);
      } else {
        patchMain({ syncing: false, notice: r.error });
      }
    },
    selectMeeting(id: string) {
      if (screen.kind !== "main") return;
      if (screen.reader !== null) closeReader();
      if (screen.selectedId === id && screen.agenda?.kind === "ready") return;
      void loadAgenda(id, false);
    },
    reloadMeetings() {
      void loadMeetings(false);
    },
    reloadAgenda() {
      if (screen.kind === "main" && screen.selectedId !== null) void loadAgenda(screen.selectedId, false);
    },
    dismissNotice() {
      patchMain({ notice: null });
    },
    openDocument(doc: Document) {
      void openReader(doc);
    },
    showTab,
    reader: readerActions,
    voting: votingActions,
    positions: positionsActions,
    opinions: opinionsActions,
    builder: builderActions,
    statistics: statisticsActions,
    session: sessionActions,
  };

  function showMain(profile: MainState["profile"], sync: SyncStatus | null): Promise<void> {
    setScreen({
      kind: "main",
      profile,
      sync,
      syncing: false,
      notice: null,
      meetings: { kind: "loading" },
      selectedId: null,
      agenda: null,
      reader: null,
      voting: NO_VOTING,
      positions: NO_POSITIONS,
      opinions: NO_OPINIONS,
      people: [],
      builder: NO_BUILDER,
      statistics: NO_STATISTICS,
      session: NO_SESSION,
      tab: "meetings",
    });
    return Promise.all([loadMeetings(false), loadPeople(), loadOpinions(false)]).then(() => undefined);
  }

  // ── start-up ─────────────────────────────────────────────────────────────
  /** Whether this window is the room display (an older shell, or a browser, has no such mode). */
  async function roomDisplay(): Promise<boolean> {
    try {
      return (await api.commands.launchMode()).room_display === true;
    } catch {
      return false;
    }
  }

  async function boot(): Promise<void> {
    setScreen({ kind: "booting" });
    if (await roomDisplay()) {
      screen = { kind: "room" };
      mounted = { kind: "room", locale };
      room?.destroy();
      room = startRoom(root, api, { storage, now });
      return;
    }
    const r = await run(() => api.commands.appStatus());
    if (r.ok) {
      const profile = r.data.profile;
      const sync = r.data.sync;
      if (profile && r.data.lock.locked) {
        // Nothing is read before the PIN: the lock screen comes first.
        lockStatus = r.data.lock;
        attachLock();
        afterUnlock = () => void showMain(profile, sync);
      } else if (profile) {
        lockStatus = r.data.lock;
        await showMain(profile, sync);
      } else showEnroll();
    } else if ((r.error as Partial<UiError> | null)?.code === "not_enrolled") {
      showEnroll();
    } else {
      setScreen({ kind: "boot-error", error: r.error });
    }
  }

  applyDocumentLocale();
  whenLocked(() => lock?.view.required());
  root.ownerDocument.addEventListener("keydown", onKeyDown);
  api.events.syncStatusChanged
    .listen(() => void refresh())
    .then((off) => {
      if (destroyed) off();
      else unlisten = off;
    })
    .catch(() => {
      // Outside Tauri there is no event bridge; the app still works without it.
    });
  api.events.prefetchProgressChanged
    ?.listen((event) => {
      if (screen.kind === "main") patchMain({ prefetch: event.payload });
    })
    .then((off) => {
      if (destroyed) off();
    })
    .catch(() => {
      // No event bridge outside Tauri.
    });
  api.events.sessionChanged
    ?.listen((event) => {
      if (screen.kind === "main") showSession(event.payload);
    })
    .then((off) => {
      if (destroyed) off();
      else stopSession = off;
    })
    .catch(() => {
      // No event bridge outside Tauri: the session is read again after each sync.
    });
  api.fileDrops
    ?.listen((drop) => mainView?.handleFileDrop(drop))
    .then((off) => {
      if (destroyed) off();
      else stopDrops = off;
    })
    .catch(() => {
      // No drag and drop outside Tauri: the path field still attaches files.
    });
  const ready = boot();

  return {
    ready,
    get locale() {
      return locale;
    },
    destroy() {
      destroyed = true;
      root.ownerDocument.removeEventListener("keydown", onKeyDown);
      unlisten?.();
      stopDrops?.();
      stopSession?.();
      room?.destroy();
      lock?.view.destroy();
      mainView?.destroy();
      whenLocked(null);
    },
  };
}

import type { AgendaItem, AgendaView, Document, PrefetchProgress, Meeting, MeetingStatus, Person, ProfileSummary, SyncState, SyncStatus } from "../bindings";
import { rejectedReason } from "../annotations";
import { documentHandling } from "../builder";
import { h, replaceRegion } from "../dom";
import type { FileDrop } from "../filedrop";
import { formatLastSync, formatMeetingWhen, formatSize } from "../format";
import { errorMessage, type Locale, type Translate } from "../i18n";
import { groupMeetings, meetingFacts, orderAgendaItems } from "../meetings";
import { awaitingAnswer, offlineWithOpenRequests } from "../opinions";
import { personName } from "../people";
import { following } from "../session";
import { mountBuilder, type BuilderActions, type BuilderState } from "./builder";
import { languageSwitch, spinner, statePanel } from "./common";
import { mountReader, type ReaderActions, type ReaderEnv, type ReaderFollow, type ReaderState, type ReaderView } from "./reader";
import { mountSession, type SessionActions, type SessionState } from "./session";
import { mountStatistics, type StatisticsActions, type StatisticsState } from "./statistics";
import { mountOpinions, type OpinionsActions, type OpinionsState } from "./opinions";
import { mountPositions, type PositionsActions, type PositionsContext, type PositionsState } from "./positions";
import { mountVoting, type VotingActions, type VotingContext, type VotingState } from "./voting";

export type Loadable<T> =
  | { kind: "loading" }
  | { kind: "ready"; data: T }
  | { kind: "error"; error: unknown };

/**
 * The parts of the main screen: meetings (with the reader and the selected
 * meeting in session), requests for written opinions and, for the
 * secretariat, the meeting builder and the statistics dashboard.
 */
export type Tab = "meetings" | "opinions" | "builder" | "statistics";

export interface MainState {
  kind: "main";
  profile: ProfileSummary;
  sync: SyncStatus | null;
  syncing: boolean;
  /** An error to show in the banner under the header (e.g. a failed sync). */
  notice: unknown | null;
  meetings: Loadable<Meeting[]>;
  selectedId: string | null;
  /** null until a meeting is selected. */
  agenda: Loadable<AgendaView> | null;
  /** The open document, shown in place of the agenda; null when reading nothing. */
  reader: ReaderState | null;
  /** Background download of upcoming packs; null when none is running. */
  prefetch?: PrefetchProgress | null;
  /** Votes in the selected meeting, and this session's ballots, check-ins and requests. */
  voting: VotingState;
  /** Positions on the selected meeting's items, and this session's changes to them. */
  positions: PositionsState;
  /** Requests for written opinions (not tied to the selected meeting). */
  opinions: OpinionsState;
  /** The organisation's people, as last synced (names, and whom the secretariat can invite). */
  people: readonly Person[];
  /** The secretariat's meeting builder. */
  builder: BuilderState;
  /** The secretariat's statistics dashboard. */
  statistics: StatisticsState;
  /** The selected meeting in session: the chair's console or a member's view, presenter follow, the minutes. */
  session: SessionState;
  tab: Tab;
}

export interface MainActions {
  syncNow(): void;
  selectMeeting(id: string): void;
  reloadMeetings(): void;
  reloadAgenda(): void;
  dismissNotice(): void;
  setLocale(locale: Locale): void;
  openDocument(document: Document): void;
  showTab(tab: Tab): void;
  reader: ReaderActions;
  voting: VotingActions;
  positions: PositionsActions;
  opinions: OpinionsActions;
  builder: BuilderActions;
  statistics: StatisticsActions;
  session: SessionActions;
}

export interface MainView {
  update(state: MainState): void;
  /** Keyboard shortcuts of the open reader (the app listens on the whole document). */
  handleReaderKey(event: KeyboardEvent): void;
  /** The console's keys, while the session is shown. */
  handleSessionKey(event: KeyboardEvent): void;
  /** Files dragged over or dropped on the window: for the builder, while it is shown. */
  handleFileDrop(drop: FileDrop): void;
  /** The screen is replaced (e.g. in another language): what it drew outside the DOM (charts) goes. */
  destroy(): void;
}

function statusBadge(status: MeetingStatus, t: Translate, testid: string): HTMLElement {
  return h(
    "span",
    { class: `badge badge-${status}`, "data-testid": testid, "data-status": status },
    t(`meeting.status.${status}`),
  );
}

/** The documents attached to one agenda item: title, version and size; each opens in the reader. */
function documentList(
  documents: Document[],
  revised: readonly string[],
  t: Translate,
  open: (d: Document) => void,
): HTMLElement | null {
  if (documents.length === 0) return null;
  return h(
    "ul",
    { class: "agenda-docs", "aria-label": t("agenda.documents") },
    ...documents.map((d) =>
      h(
        "li",
        { class: "agenda-doc", "data-testid": "agenda-document", "data-document-id": d.id },
        h(
          "button",
          {
            type: "button",
            class: "doc-open",
            "data-testid": "open-document",
            "data-document-id": d.id,
            "data-focus-key": `open-document:${d.id}`,
            onclick: () => open(d),
          },
          h("span", { class: "doc-icon", "aria-hidden": "true" }, "PDF"),
          h("span", { class: "doc-title", "data-testid": "agenda-document-title" }, d.title),
          h("span", { class: "doc-meta" }, t("agenda.documentMeta", { version: String(d.version), size: formatSize(d.size) })),
          revised.includes(d.id)
            ? h(
                "span",
                { class: "badge badge-revised", "data-testid": "document-revised", title: t("agenda.revisedHint") },
                t("agenda.revised"),
              )
            : null,
          handlingBadges(d, t),
        ),
      ),
    ),
  );
}

/** The secretariat's marks on a document: not to be printed, not to be taken out of the app. */
function handlingBadges(d: Document, t: Translate): HTMLElement[] {
  const handling = documentHandling(d);
  return [
    handling.no_print ? h("span", { class: "badge badge-handling", "data-testid": "document-no-print", title: t("reader.noPrintHint") }, t("handling.noPrint")) : null,
    handling.no_export ? h("span", { class: "badge badge-handling", "data-testid": "document-no-export", title: t("reader.noExportHint") }, t("handling.noExport")) : null,
  ].filter((b) => b !== null);
}

/** Where an item stands, said only once it is no longer simply on the agenda. */
function itemStatusBadge(item: AgendaItem, t: Translate): HTMLElement | null {
  const status = item.details?.status ?? "scheduled";
  if (status === "scheduled") return null;
  return h("span", { class: `badge badge-item-${status}`, "data-testid": "agenda-item-status", "data-status": status }, t(`item.status.${status}`));
}

/** The meeting's kind, place, participants and substitutes, under its title. */
function meetingFactsList(meeting: Meeting, me: ProfileSummary["person"], t: Translate): HTMLElement | null {
  const facts = meetingFacts(meeting, (p) => personName(p, me));
  if (facts === null) return null;
  const row = (testid: string, label: string, value: string) =>
    h("div", { class: "agenda-fact", "data-testid": testid }, h("dt", null, label), h("dd", null, value));
  return h(
    "dl",
    { class: "agenda-facts", "aria-label": t("agenda.facts"), "data-testid": "agenda-facts" },
    row("agenda-kind", t("agenda.kind"), t(`meeting.kind.${facts.kind}`)),
    facts.place === null ? null : row("agenda-place", t("agenda.place"), facts.place),
    row("agenda-participants", t("agenda.participants"), facts.participants === null ? t("agenda.participantsAll") : facts.participants.join(", ")),
    facts.substitutes.length === 0
      ? null
      : row(
          "agenda-substitutes",
          t("agenda.substitutes"),
          facts.substitutes.map((s) => t("agenda.substitution", { member: s.member, substitute: s.substitute })).join("; "),
        ),
  );
}

/**
 * Everything the agenda is drawn from, as text: a background sync that changes
 * none of it leaves the agenda as it is (focus, half-typed forms, alerts).
 */
function agendaInputs(s: MainState): string {
  const sync = s.sync && [s.sync.state, s.sync.waiting_to_send, s.sync.rejected];
  return JSON.stringify([s.agenda, s.voting, s.positions, s.profile.person, sync, s.people.map((p) => [p.id, p.name]), currentItemId(s)]);
}

/** The item the selected meeting's session is on, if it runs. */
function currentItemId(s: MainState): string | null {
  const v = s.session.view;
  return v?.kind === "ready" && v.data.meeting_id === s.selectedId && v.data.status !== "ended" ? (v.data.current_item?.id ?? null) : null;
}

/** The reader's view of presenter follow; null while nothing is presented. */
function readerFollow(s: MainState, documentId: string): ReaderFollow | null {
  const v = s.session.view;
  if (v?.kind !== "ready" || !following(v.data, true) || v.data.presenter === null) return null;
  const p = v.data.presenter.shown;
  if (p === null) return null;
  return { on: s.session.follow, page: p.page, here: p.document === documentId };
}

/** Following a page this person may not see: the item's title, never the page. */
function notShared(s: MainState): { item: string } | null {
  const v = s.session.view;
  if (v?.kind !== "ready" || !following(v.data, s.session.follow) || v.data.presenter === null || v.data.presenter.shown !== null) return null;
  const id = v.data.presenter.item;
  return { item: v.data.items.find((i) => i.id === id)?.title ?? "" };
}

function moveFocus(event: KeyboardEvent, container: HTMLElement): void {
  const target = event.target;
  if (!(target instanceof HTMLElement) || !target.matches("[data-meeting-id]")) return;
  const items = [...container.querySelectorAll<HTMLElement>("button[data-meeting-id]")];
  const index = items.indexOf(target);
  let next: number;
  switch (event.key) {
    case "ArrowDown":
      next = Math.min(index + 1, items.length - 1);
      break;
    case "ArrowUp":
      next = Math.max(index - 1, 0);
      break;
    case "Home":
      next = 0;
      break;
    case "End":
      next = items.length - 1;
      break;
    default:
      return;
  }
  event.preventDefault();
  items[next]?.focus();
}

export function mountMain(
  root: HTMLElement,
  locale: Locale,
  t: Translate,
  actions: MainActions,
  now: () => Date,
  readerEnv: ReaderEnv = {},
): MainView {
  const orgName = h("span", { class: "org-name", "data-testid": "org-name" });
  const personName = h("span", { class: "person-name", "data-testid": "person-name" });
  const personRole = h("span", { class: "role-badge", "data-testid": "person-role" });
  const syncStatus = h("div", {
    class: "sync-status",
    role: "status",
    "aria-label": t("sync.statusLabel"),
    "data-testid": "sync-status",
  });
  const syncButtonLabel = h("span");
  const syncButtonSpinner = spinner();
  const syncButton = h(
    "button",
    {
      type: "button",
      class: "btn btn-sync",
      "data-testid": "sync-now",
      "data-focus-key": "sync-now",
      onclick: () => actions.syncNow(),
    },
    syncButtonSpinner,
    syncButtonLabel,
  );
  const notice = h("div", { class: "notice-region" });
  const rejectedRegion = h("div", { class: "notice-region" });
  /** The refused changes last shown, and those the person has acknowledged (shown again when others come). */
  let shownRejected: string | null = null;
  let dismissedRejected = "";
  const meetingsRegion = h("div", { class: "meetings-region", "data-testid": "meeting-list-region" });
  meetingsRegion.addEventListener("keydown", (e) => moveFocus(e, meetingsRegion));
  const agendaRegion = h("div", { id: "agenda-region", class: "agenda-region", "data-testid": "agenda-region" });
  const agendaPane = h("main", { class: "pane agenda-pane", "aria-label": t("agenda.heading") }, agendaRegion);
  /** The session panel's place in the right pane (agendaRegion holds the agenda or the reader). */
  const sessionSlot = h("div", { class: "session-slot", hidden: true });
  let readerView: ReaderView | null = null;
  /** The document whose reader was last shown: its button gets focus back when the reader closes. */
  let lastDocumentId: string | null = null;
  /** The state the agenda was last drawn from (see agendaInputs); null while the reader is shown. */
  let drawn: { state: MainState; inputs: string } | null = null;
  const redrawAgenda = () => {
    if (drawn) renderAgenda(drawn.state);
  };
  const voting = mountVoting(locale, t, actions.voting, now, redrawAgenda);
  const positions = mountPositions(locale, t, actions.positions, now, redrawAgenda);
  const opinions = mountOpinions(locale, t, actions.opinions, now);
  opinions.root.id = "opinions-panel";
  opinions.root.setAttribute("role", "tabpanel");
  const session = mountSession(locale, t, actions.session, now);
  session.root.id = "session-panel";
  session.root.setAttribute("role", "tabpanel");
  session.root.setAttribute("aria-labelledby", "view-session");
  /** Over the right pane: the selected meeting's agenda, or its session. */
  const viewButton = (testid: string, id: string, label: string, open: boolean) =>
    h(
      "button",
      {
        type: "button",
        role: "tab",
        id,
        class: "tab",
        "data-testid": testid,
        "data-focus-key": testid,
        onclick: () => actions.session.show(open),
      },
      label,
    );
  const views = { agenda: viewButton("agenda-tab", "view-agenda", t("agenda.heading"), false), session: viewButton("session-tab", "view-session", t("tabs.session"), true) };
  const viewSwitch = h("div", { class: "tabs view-switch", role: "tablist", "aria-label": t("session.views"), "data-testid": "view-switch" }, views.agenda, views.session);
  agendaPane.prepend(viewSwitch);
  sessionSlot.append(session.root);
  agendaPane.append(sessionSlot);
  viewSwitch.addEventListener("keydown", (e) => {
    if (e.key !== "ArrowLeft" && e.key !== "ArrowRight") return;
    e.preventDefault();
    const open = e.target !== views.session;
    actions.session.show(open);
    views[open ? "session" : "agenda"].focus();
  });
  const builder = mountBuilder(locale, t, actions.builder, now);
  builder.root.id = "builder-panel";
  builder.root.setAttribute("role", "tabpanel");
  builder.root.hidden = true;
  const statistics = mountStatistics(locale, t, actions.statistics, now);
  statistics.root.id = "statistics-panel";
  statistics.root.setAttribute("role", "tabpanel");
  statistics.root.hidden = true;
  const opinionAlert = h("div", { class: "notice-region" });
  /** Whether the offline warning about unanswered requests was last shown (null: not drawn yet). */
  let shownOpinionAlert: boolean | null = null;
  const waitingCount = h("span", { class: "tab-count", "aria-hidden": "true" });
  const waitingText = h("span", { class: "visually-hidden" });
  const tabs: Record<Tab, HTMLButtonElement> = {
    meetings: tabButton("meetings", "workspace"),
    opinions: tabButton("opinions", "opinions-panel", waitingCount, waitingText),
    builder: tabButton("builder", "builder-panel"),
    statistics: tabButton("statistics", "statistics-panel"),
  };
  const tabBar = h("div", { class: "tabs", role: "tablist", "aria-label": t("tabs.label") }, tabs.meetings, tabs.opinions, tabs.builder, tabs.statistics);
  /** The state last drawn (drops and keys are handled against it). */
  let current: MainState | null = null;
  const isSecretary = (s: MainState | null) => s?.profile.person.role === "secretary";
  /** The tabs this person has, in order. */
  const shownTabs = (): Tab[] => (isSecretary(current) ? ["meetings", "opinions", "builder", "statistics"] : ["meetings", "opinions"]);
  tabBar.addEventListener("keydown", (e) => {
    if (e.key !== "ArrowLeft" && e.key !== "ArrowRight") return;
    e.preventDefault();
    const list = shownTabs();
    const at = list.findIndex((tab) => tabs[tab] === e.target);
    const next = list[(at + (e.key === "ArrowRight" ? 1 : list.length - 1)) % list.length] ?? "meetings";
    actions.showTab(next);
    tabs[next].focus();
  });
  const workspace = h(
    "div",
    { class: "workspace", id: "workspace", role: "tabpanel", "aria-labelledby": "tab-meetings" },
    h(
      "nav",
      { class: "pane meetings-pane", "aria-labelledby": "meetings-heading" },
      h("h2", { id: "meetings-heading", class: "pane-heading" }, t("meetings.heading")),
      meetingsRegion,
    ),
    agendaPane,
  );

  function tabButton(tab: Tab, panel: string, ...extra: HTMLElement[]): HTMLButtonElement {
    return h(
      "button",
      {
        type: "button",
        role: "tab",
        id: `tab-${tab}`,
        class: "tab",
        "aria-controls": panel,
        "data-testid": `${tab}-tab`,
        "data-focus-key": `tab:${tab}`,
        onclick: () => actions.showTab(tab),
      },
      t(`tabs.${tab}`),
      ...extra,
    );
  }

  root.replaceChildren(
    h(
      "div",
      { class: "shell", "data-testid": "main-screen" },
      h(
        "header",
        { class: "topbar" },
        h(
          "div",
          { class: "topbar-identity" },
          h("span", { class: "brand-mark" }, t("app.name")),
          orgName,
          h("span", { class: "person" }, personName, personRole),
        ),
        h(
          "div",
          { class: "topbar-actions" },
          syncStatus,
          syncButton,
          languageSwitch(locale, t, actions.setLocale),
        ),
      ),
      notice,
      rejectedRegion,
      opinionAlert,
      tabBar,
      workspace,
      opinions.root,
      builder.root,
      statistics.root,
    ),
  );

  function renderTabs(s: MainState): void {
    // Only the secretariat builds meetings and sees the statistics.
    const tab: Tab = (s.tab === "builder" || s.tab === "statistics") && !isSecretary(s) ? "meetings" : s.tab;
    workspace.hidden = tab !== "meetings";
    opinions.root.hidden = tab !== "opinions";
    builder.root.hidden = tab !== "builder";
    statistics.root.hidden = tab !== "statistics";
    tabs.builder.hidden = !isSecretary(s);
    tabs.statistics.hidden = !isSecretary(s);
    for (const name of ["meetings", "opinions", "builder", "statistics"] as const) {
      tabs[name].setAttribute("aria-selected", String(tab === name));
      tabs[name].tabIndex = tab === name ? 0 : -1;
    }
    const requests = s.opinions.requests?.kind === "ready" ? s.opinions.requests.data : [];
    const waiting = requests.filter((v) => awaitingAnswer(v, now())).length;
    waitingCount.textContent = waiting === 0 ? "" : String(waiting);
    waitingCount.hidden = waiting === 0;
    waitingText.textContent = waiting === 0 ? "" : t(waiting === 1 ? "tabs.opinionsWaitingOne" : "tabs.opinionsWaiting", { count: waiting });
  }

  /** Offline with a request still waiting for this person's answer: said at the top, whichever tab is shown. */
  function renderOpinionAlert(s: MainState): void {
    const requests = s.opinions.requests?.kind === "ready" ? s.opinions.requests.data : [];
    const show = offlineWithOpenRequests(requests, s.sync, now());
    // Rendered only when it changes: the banner is an alert, read out each time it appears.
    if (show === shownOpinionAlert) return;
    shownOpinionAlert = show;
    replaceRegion(
      opinionAlert,
      show
        ? h(
            "div",
            { class: "notice notice-warning", role: "alert", "data-testid": "offline-opinion-warning" },
            h("p", null, t("opinions.offlineWarning")),
            h("button", { type: "button", class: "btn btn-quiet", "data-focus-key": "offline-opinion-open", onclick: () => actions.showTab("opinions") }, t("tabs.opinions")),
          )
        : null,
    );
  }

  function renderSync(s: MainState): void {
    const state: SyncState = s.sync?.state ?? "never_synced";
    syncStatus.className = `sync-status sync-${state}`;
    syncStatus.dataset["state"] = state;
    const reason = state === "offline" && s.sync?.last_error ? errorMessage(s.sync.last_error, locale) : null;
    syncStatus.title = reason ?? "";
    replaceRegion(
      syncStatus,
      h("span", { class: "sync-dot", "aria-hidden": "true" }),
      h(
        "span",
        { class: "sync-text" },
        h("span", { class: "sync-state", "data-testid": "sync-state" }, t(`sync.state.${state}`)),
        h("span", { class: "sync-time", "data-testid": "sync-last" }, formatLastSync(s.sync?.last_sync ?? null, t)),
        s.prefetch && !s.prefetch.finished
          ? h(
              "span",
              { class: "sync-prefetch", "data-testid": "prefetch-progress" },
              t("sync.prefetching", {
                done: String(s.prefetch.documents_done),
                total: String(s.prefetch.documents_total),
                mb: (s.prefetch.bytes_done / 1e6).toFixed(1),
                totalMb: (s.prefetch.bytes_total / 1e6).toFixed(1),
              }),
            )
          : null,
        waitingToSend(s.sync?.waiting_to_send ?? 0),
      ),
      reason ? h("span", { class: "visually-hidden" }, reason) : null,
    );
    syncButton.setAttribute("aria-disabled", String(s.syncing));
    syncButtonSpinner.hidden = !s.syncing;
    syncButtonLabel.textContent = t(s.syncing ? "sync.running" : "sync.now");
  }

  /** Changes saved here that the server has not accepted yet: present (hidden at 0) so it can be watched. */
  function waitingToSend(count: number): HTMLElement {
    return h(
      "span",
      {
        class: "sync-waiting",
        "data-testid": "sync-waiting",
        "data-count": count,
        title: t("sync.waitingHint"),
        hidden: count === 0,
      },
      t(count === 1 ? "sync.waitingOne" : "sync.waiting", { count }),
    );
  }

  /** Changes the server refused, each with its reason, until the person acknowledges them. */
  function renderRejected(s: MainState): void {
    const rejected = s.sync?.rejected ?? [];
    const key = rejected.map((r) => r.op_id).join(" ");
    const visible = key !== "" && key !== dismissedRejected;
    // Rendered only when it changes: the banner is an alert, read out each time it appears.
    if ((visible ? key : "") === shownRejected) return;
    shownRejected = visible ? key : "";
    replaceRegion(
      rejectedRegion,
      visible
        ? h(
            "div",
            { class: "notice notice-warning", role: "alert", "data-testid": "sync-rejected" },
            h(
              "div",
              null,
              h(
                "p",
                { class: "notice-title" },
                t(rejected.length === 1 ? "sync.rejectedTitleOne" : "sync.rejectedTitle", { count: rejected.length }),
              ),
              h(
                "ul",
                { class: "notice-list" },
                rejected.map((r) =>
                  h("li", { "data-testid": "sync-rejected-item", "data-op-id": r.op_id, "data-code": r.code }, rejectedReason(r, t)),
                ),
              ),
            ),
            h(
              "button",
              {
                type: "button",
                class: "btn btn-quiet",
                "data-testid": "sync-rejected-dismiss",
                "data-focus-key": "sync-rejected-dismiss",
                onclick: () => {
                  dismissedRejected = key;
                  renderRejected(s);
                  // The banner is gone: keep keyboard focus in the header, next to the sync state.
                  syncButton.focus();
                },
              },
              t("sync.rejectedDismiss"),
            ),
          )
        : null,
    );
  }

  function renderNotice(s: MainState): void {
    replaceRegion(
      notice,
      s.notice === null
        ? null
        : h(
            "div",
            { class: "notice", role: "alert", "data-testid": "notice" },
            h("p", null, t("sync.failed", { reason: errorMessage(s.notice, locale) })),
            h(
              "button",
              {
                type: "button",
                class: "btn btn-quiet",
                "data-focus-key": "notice-close",
                onclick: () => actions.dismissNotice(),
              },
              t("common.close"),
            ),
          ),
    );
  }

  function meetingButton(m: Meeting, selected: boolean): HTMLElement {
    return h(
      "li",
      null,
      h(
        "button",
        {
          type: "button",
          class: `meeting${m.status === "cancelled" ? " meeting-cancelled" : ""}`,
          "aria-current": selected ? "true" : null,
          "data-testid": "meeting-item",
          "data-meeting-id": m.id,
          "data-focus-key": `meeting:${m.id}`,
          onclick: () => actions.selectMeeting(m.id),
        },
        h("span", { class: "meeting-title", "data-testid": "meeting-title" }, m.title),
        h(
          "span",
          { class: "meeting-meta" },
          h("span", { class: "meeting-when", "data-testid": "meeting-when" }, formatMeetingWhen(m.starts_at, t)),
          statusBadge(m.status, t, "meeting-status"),
        ),
      ),
    );
  }

  function renderMeetings(s: MainState): void {
    const m = s.meetings;
    if (m.kind === "loading") {
      replaceRegion(meetingsRegion, statePanel({ testid: "meetings-loading", title: t("meetings.loading"), loading: true }));
      return;
    }
    if (m.kind === "error") {
      replaceRegion(
        meetingsRegion,
        statePanel({
          testid: "meetings-error",
          tone: "error",
          title: t("meetings.loadFailed"),
          hint: errorMessage(m.error, locale),
          action: { label: t("common.retry"), onClick: actions.reloadMeetings, focusKey: "meetings-retry" },
        }),
      );
      return;
    }
    if (m.data.length === 0) {
      replaceRegion(
        meetingsRegion,
        statePanel({ testid: "meetings-empty", title: t("meetings.empty"), hint: t("meetings.emptyHint") }),
      );
      return;
    }
    const { upcoming, past } = groupMeetings(m.data, now());
    const group = (id: string, title: string, list: Meeting[]) =>
      list.length === 0
        ? null
        : h(
            "section",
            { class: "meeting-group", "aria-labelledby": id },
            h("h3", { id, class: "group-heading" }, title),
            h("ul", { class: "meeting-list", role: "list" }, list.map((x) => meetingButton(x, x.id === s.selectedId))),
          );
    replaceRegion(
      meetingsRegion,
      group("meetings-upcoming", t("meetings.upcoming"), upcoming),
      group("meetings-past", t("meetings.past"), past),
    );
  }

  function renderAgenda(s: MainState): void {
    const a = s.agenda;
    if (a === null) {
      replaceRegion(agendaRegion, statePanel({ testid: "agenda-empty", title: t("agenda.selectPrompt") }));
      return;
    }
    if (a.kind === "loading") {
      replaceRegion(agendaRegion, statePanel({ testid: "agenda-loading", title: t("agenda.loading"), loading: true }));
      return;
    }
    if (a.kind === "error") {
      replaceRegion(
        agendaRegion,
        statePanel({
          testid: "agenda-error",
          tone: "error",
          title: t("agenda.loadFailed"),
          hint: errorMessage(a.error, locale),
          action: { label: t("common.retry"), onClick: actions.reloadAgenda, focusKey: "agenda-retry" },
        }),
      );
      return;
    }
    const { meeting, items, documents, revised } = a.data;
    const votes: VotingContext = { meeting, voting: s.voting, profile: s.profile, sync: s.sync };
    const stances: PositionsContext = { meeting, positions: s.positions, profile: s.profile };
    replaceRegion(
      agendaRegion,
      h(
        "article",
        { class: "agenda", "data-testid": "agenda", "data-meeting-id": meeting.id, "aria-labelledby": "agenda-title" },
        h(
          "header",
          { class: "agenda-header" },
          h("p", { class: "eyebrow" }, t("agenda.heading")),
          h("h2", { id: "agenda-title", class: "agenda-title", "data-testid": "agenda-title" }, meeting.title),
          h(
            "p",
            { class: "agenda-meta" },
            h("span", { class: "agenda-when" }, formatMeetingWhen(meeting.starts_at, t)),
            statusBadge(meeting.status, t, "agenda-status"),
          ),
          meeting.status === "draft" ? h("p", { class: "vote-hint", "data-testid": "agenda-draft-hint" }, t("agenda.draftHint")) : null,
          meetingFactsList(meeting, s.profile.person, t),
          voting.meetingBar(votes),
          positions.meetingBar(stances),
        ),
        items.length === 0
          ? statePanel({ testid: "agenda-no-items", title: t("agenda.empty") })
          : h(
              "ol",
              { class: "agenda-list", role: "list", "data-testid": "agenda-list" },
              orderAgendaItems(items).map((item, i) =>
                h(
                  "li",
                  { class: "agenda-item", "data-testid": "agenda-item", "data-item-id": item.id },
                  h("span", { class: "agenda-num" }, `${i + 1}.`),
                  h(
                    "div",
                    { class: "agenda-item-body" },
                    h("span", { class: "agenda-item-title", "data-testid": "agenda-item-title" }, item.title),
                    itemStatusBadge(item, t),
                    item.id === currentItemId(s)
                      ? h("span", { class: "badge badge-item-in_discussion", "data-testid": "agenda-item-current" }, t("session.current"))
                      : null,
                    item.details?.presenting_ministry
                      ? h(
                          "span",
                          { class: "agenda-item-ministry", "data-testid": "agenda-item-ministry" },
                          t("agenda.presentedBy", { ministry: item.details.presenting_ministry }),
                        )
                      : null,
                    item.details?.recommended_action
                      ? h(
                          "span",
                          { class: "agenda-item-action", "data-testid": "agenda-item-action" },
                          t("agenda.recommended", { action: item.details.recommended_action }),
                        )
                      : null,
                    item.restricted
                      ? h(
                          "span",
                          {
                            class: "badge badge-restricted",
                            "data-testid": "agenda-item-restricted",
                            title: t("agenda.restrictedHint"),
                          },
                          t("agenda.restricted"),
                        )
                      : null,
                    documentList(
                      documents.filter((d) => d.agenda_item_id === item.id),
                      revised,
                      t,
                      actions.openDocument,
                    ),
                    positions.item(item.id, stances),
                    voting.itemVotes(item.id, votes),
                  ),
                ),
              ),
            ),
      ),
    );
  }

  /** The switch over the right pane: the agenda side (the agenda or the open document) or the session. */
  function paintSwitch(s: MainState, showing: "agenda" | "session"): void {
    viewSwitch.hidden = s.selectedId === null;
    for (const [name, button] of Object.entries(views)) {
      button.setAttribute("aria-selected", String(name === showing));
      button.tabIndex = name === showing ? 0 : -1;
    }
    views.agenda.setAttribute("aria-controls", "agenda-region");
    views.session.setAttribute("aria-controls", "session-panel");
    agendaRegion.hidden = showing === "session";
    sessionSlot.hidden = showing !== "session";
    if (showing !== "session") session.hide();
  }

  function setReading(reading: boolean, inSession = false): void {
    agendaPane.classList.toggle("reading", reading);
    agendaPane.parentElement?.classList.toggle("reading", reading);
    agendaPane.parentElement?.classList.toggle("in-session", inSession);
  }

  function renderRightPane(s: MainState): void {
    if (s.session.open && s.selectedId !== null) {
      // The agenda goes (one copy of each control in the page); an open document stays, hidden, as it was.
      if (drawn !== null || agendaRegion.dataset["shown"] !== undefined) replaceRegion(agendaRegion);
      drawn = null;
      delete agendaRegion.dataset["shown"];
      setReading(false, true);
      agendaPane.setAttribute("aria-label", t("session.heading"));
      paintSwitch(s, "session");
      session.update(s);
      return;
    }
    paintSwitch(s, "agenda");
    const blocked = notShared(s);
    if (blocked !== null) {
      // The presenter shows a page this person may not see: its item, never the page.
      drawn = null;
      setReading(false);
      const key = `not-shared:${blocked.item}`;
      if (agendaRegion.dataset["shown"] === key) return;
      agendaRegion.dataset["shown"] = key;
      readerView = null;
      replaceRegion(
        agendaRegion,
        h(
          "div",
          { class: "state-panel presenter-not-shared", role: "status", "data-testid": "presenter-not-shared" },
          h("p", { class: "eyebrow" }, t("session.presenter")),
          h("p", { class: "state-title", "data-testid": "presenter-not-shared-item" }, blocked.item),
          h("p", { class: "state-hint", "data-testid": "presenter-not-shared-text" }, t("session.notShared")),
          h(
            "button",
            { type: "button", class: "btn btn-secondary", "data-testid": "presenter-follow-leave", "data-focus-key": "presenter-follow-leave", onclick: () => actions.session.setFollow(false) },
            t("reader.followLeave"),
          ),
        ),
      );
      return;
    }
    delete agendaRegion.dataset["shown"];
    if (s.reader !== null) {
      drawn = null;
      setReading(true);
      agendaPane.setAttribute("aria-label", t("reader.label"));
      const reader = { ...s.reader, follow: readerFollow(s, s.reader.documentId) };
      if (readerView === null || readerView.documentId !== s.reader.documentId || !agendaRegion.contains(readerView.root)) {
        readerView = mountReader(reader, locale, t, actions.reader, readerEnv);
        lastDocumentId = s.reader.documentId;
        replaceRegion(agendaRegion, readerView.root);
        readerView.attached();
      } else {
        readerView.update(reader);
      }
      return;
    }
    const wasReading = readerView !== null;
    const inputs = agendaInputs(s);
    if (!wasReading && drawn?.inputs === inputs) return;
    drawn = { state: s, inputs };
    readerView = null;
    setReading(false);
    agendaPane.setAttribute("aria-label", t("agenda.heading"));
    const active = document.activeElement;
    const focusWasHere = active === null || active === document.body || agendaRegion.contains(active);
    renderAgenda(s);
    if (wasReading && focusWasHere && lastDocumentId !== null) {
      agendaRegion.querySelector<HTMLElement>(`[data-focus-key="open-document:${lastDocumentId}"]`)?.focus();
    }
  }

  return {
    update(s) {
      current = s;
      orgName.textContent = s.profile.organisation.name;
      personName.textContent = s.profile.person.name;
      personRole.textContent = t(`role.${s.profile.person.role}`);
      renderSync(s);
      renderNotice(s);
      renderRejected(s);
      renderOpinionAlert(s);
      renderTabs(s);
      renderMeetings(s);
      renderRightPane(s);
      if (s.tab === "opinions") opinions.update(s.opinions, s.profile);

      if (s.tab === "builder" && isSecretary(s)) builder.update({ builder: s.builder, meetings: s.meetings, people: s.people, profile: s.profile });
      // Charts exist only while the dashboard is shown.
      if (s.tab === "statistics" && isSecretary(s)) statistics.update(s.statistics);
      else statistics.hide();
    },
    handleReaderKey(event) {
      readerView?.handleKey(event);
    },
    handleSessionKey(event) {
      session.handleKey(event);
    },
    handleFileDrop(drop) {
      if (current?.tab === "builder" && isSecretary(current)) builder.handleFileDrop(drop);
    },
    destroy() {
      statistics.destroy();
    },
  };
}

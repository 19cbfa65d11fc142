import type { AgendaItemId, AgendaView, Document, PersonId, Presence, SessionControl, SessionView } from "../bindings";
import { h } from "../dom";
import { busyKey, nextItem, OUTCOMES, outcomeKey, presenceText, type ConsoleCommand } from "../session";
import type { MainState } from "./main";
import type { PositionsView } from "./positions";
import type { SessionActions, SessionParts } from "./session";
import type { VotingView } from "./voting";

export interface ConsoleExtras {
  failure: HTMLElement | null;
  positions: PositionsView;
  voting: VotingView;
}

export interface ConsoleView {
  render(view: SessionView, s: MainState, agenda: AgendaView | null, extras: ConsoleExtras): HTMLElement[];
  key(command: ConsoleCommand, view: SessionView): void;
}

/** Which controls of the session as a whole apply in each state. */
const CONTROLS: Readonly<Record<SessionView["status"], SessionControl[]>> = {
  not_started: ["start"],
  running: ["suspend", "end"],
  suspended: ["resume", "end"],
  ended: [],
};

/**
 * The chair's (or the secretariat's) console: the session's controls, the
 * agenda with each item's outcome, the floor with its timer, the presented
 * page, attendance, positions and votes on the current item. Every action is
 * one click; N and Shift+N give the floor to the next speaker and take up the
 * next item.
 */
export function mountConsole(parts: SessionParts, actions: SessionActions): ConsoleView {
  const { t, button } = parts;
  // Fields keep their nodes across redraws, so what is typed survives a sync.
  const note = h("input", { type: "text", class: "input", maxlength: 500, autocomplete: "off", "data-testid": "session-outcome-note", "data-focus-key": "session-outcome-note", placeholder: t("session.outcomeNote"), "aria-label": t("session.outcomeNote") });
  let noteFor: AgendaItemId | null = null;
  const minutes = h("input", { type: "number", class: "input session-minutes", min: 1, max: 60, step: 1, inputmode: "numeric", "data-testid": "session-speaking-time", "data-focus-key": "session-speaking-time", "aria-label": t("session.speakingTime") });
  let minutesShown = "";
  const documentSelect = h("select", { class: "input", "data-testid": "session-present-document", "data-focus-key": "session-present-document", "aria-label": t("session.presentDocument") });
  const reasons = new Map<PersonId, HTMLInputElement>();

  const busy = (s: MainState, key: string) => s.session.busy[key] === true;

  function controls(view: SessionView, s: MainState): HTMLElement {
    const labels: Record<SessionControl, { label: string; title: string }> = {
      start: { label: t("session.start"), title: t("session.startHint") },
      suspend: { label: t("session.suspend"), title: t("session.suspendHint") },
      resume: { label: t("session.resume"), title: t("session.resumeHint") },
      end: { label: t("session.end"), title: t("session.endHint") },
    };
    return h(
      "div",
      { class: "session-controls", role: "group", "aria-label": t("session.console"), "data-testid": "session-controls" },
      CONTROLS[view.status].map((c) =>
        button(`session-${c}`, labels[c].label, () => actions.control(c), { busy: busy(s, busyKey.control), title: labels[c].title, primary: c === "start" || c === "resume" }),
      ),
      button("session-room-display", t("session.roomDisplay"), () => actions.openRoomDisplay(), { busy: busy(s, busyKey.room), title: t("session.roomDisplayHint") }),
      view.status === "running" ? h("p", { class: "vote-hint session-shortcuts", "data-testid": "session-shortcuts" }, t("session.shortcuts")) : null,
    );
  }

  function currentItem(view: SessionView, s: MainState): HTMLElement {
    const item = view.current_item;
    const running = view.status === "running";
    const next = nextItem(view.items);
    if (item && noteFor !== item.id) {
      noteFor = item.id;
      note.value = "";
    }
    return h(
      "div",
      { class: "session-card session-current", "data-testid": "session-current" },
      h("p", { class: "eyebrow" }, t("session.current")),
      h("p", { class: "session-current-title", "data-testid": "session-current-item" }, item ? `${item.position}. ${item.title}` : t("session.noCurrent")),
      item && running
        ? h(
            "div",
            { class: "session-outcomes", role: "group", "aria-label": t("session.outcomeLabel") },
            note,
            h(
              "div",
              { class: "session-row" },
              OUTCOMES.map((o) =>
                button(
                  "session-outcome",
                  t(outcomeKey(o)),
                  () => {
                    const text = note.value.trim();
                    void actions.recordOutcome(item.id, o, text === "" ? null : text).then((done) => {
                      if (done) note.value = "";
                    });
                  },
                  { busy: busy(s, busyKey.outcome(item.id)), focusKey: `session-outcome:${o}`, attrs: { "data-outcome": o } },
                ),
              ),
            ),
          )
        : null,
      running && next
        ? button("session-next-item", t("session.nextItem", { title: next.title }), () => actions.takeUp(next.id), {
            busy: busy(s, busyKey.takeUp(next.id)),
            title: t("session.nextItemHint"),
            attrs: { "data-item-id": next.id },
          })
        : null,
    );
  }

  function floor(view: SessionView, s: MainState): HTMLElement {
    const list = view.speakers;
    const running = view.status === "running" && list !== null;
    const speaking = list?.speaking ?? null;
    const waiting = list?.waiting.length ?? 0;
    const now = parts.speaking(
      view,
      s.session,
      running
        ? h(
            "div",
            { class: "session-row" },
            button("session-floor-next", t("session.floorNext"), () => actions.floorNext(), { busy: busy(s, busyKey.next), disabled: waiting === 0, title: t("session.floorNextHint"), primary: true }),
            speaking ? button("session-floor-end", t("session.floorEnd"), () => actions.floorEnd(), { busy: busy(s, busyKey.end) }) : null,
          )
        : null,
    );
    const give = running ? (request: string) => button("session-floor-give", t("session.give"), () => actions.floorGive(request), { busy: busy(s, busyKey.give(request)), focusKey: `session-floor-give:${request}`, attrs: { "data-request-id": request } }) : null;
    return h(
      "div",
      { class: "session-card", "data-testid": "session-speakers" },
      now,
      parts.waiting(list, s.profile.person.id, give),
      parts.spoken(list),
      running && list ? speakingTime(list.speaking_seconds, s) : null,
    );
  }

  function speakingTime(seconds: number, s: MainState): HTMLElement {
    const shown = String(Math.round(seconds / 60));
    // Follows the item's setting unless the chair is typing a new one.
    if (document.activeElement !== minutes && minutesShown !== shown) minutes.value = shown;
    minutesShown = shown;
    const set = () => {
      const value = Number(minutes.value);
      if (Number.isInteger(value) && value >= 1) actions.setSpeakingTime(value);
      else minutes.setAttribute("aria-invalid", "true");
    };
    minutes.onkeydown = (e) => {
      if (e.key === "Enter") set();
    };
    minutes.oninput = () => minutes.removeAttribute("aria-invalid");
    return h(
      "label",
      { class: "session-row session-speaking-time" },
      h("span", { class: "vote-field-label" }, t("session.speakingTime")),
      minutes,
      button("session-speaking-time-set", t("session.speakingTimeSet"), set, { busy: busy(s, busyKey.time) }),
    );
  }

  function presenter(view: SessionView, s: MainState, agenda: AgendaView | null): HTMLElement | null {
    const item = view.current_item;
    if (view.status !== "running" || item === null) return null;
    const docs = (agenda?.documents ?? []).filter((d) => d.agenda_item_id === item.id);
    // What is shown, when this device may see it (a chair not on a restricted
    // item has nothing of it to steer).
    const p = view.presenter?.shown ?? null;
    const previous = documentSelect.value;
    const options = docs.map((d) => h("option", { value: d.id }, d.title));
    documentSelect.replaceChildren(...options);
    // Keep the chair's choice; otherwise what is shown, otherwise the first.
    const pick = docs.find((d) => d.id === previous) ?? docs.find((d) => d.id === p?.document) ?? docs[0];
    if (pick) documentSelect.value = pick.id;
    const chosen = (): Document | undefined => docs.find((d) => d.id === documentSelect.value);
    const onIt = p !== null && p.document === documentSelect.value;
    const zoom = p?.zoom_percent ?? 100;
    const show = (page: number) => {
      const d = chosen();
      if (d) actions.present(d.id, d.version, page, zoom);
    };
    const sending = busy(s, busyKey.present);
    documentSelect.onchange = () => {
      // Showing another document starts at its first page.
      if (p?.document !== documentSelect.value) show(1);
    };
    return h(
      "div",
      { class: "session-card", "data-testid": "session-present" },
      h("p", { class: "eyebrow" }, t("session.presenter")),
      docs.length === 0
        ? h("p", { class: "vote-hint" }, t("session.noDocuments"))
        : h(
            "div",
            { class: "session-row" },
            documentSelect,
            button("session-present-prev", "‹", () => p && show(p.page - 1), { busy: sending, disabled: !onIt || (p?.page ?? 1) <= 1, title: t("session.presentPrev") }),
            h("span", { class: "session-present-page", "data-testid": "session-present-page", "data-page": onIt ? p.page : "" }, onIt ? t("session.presentPage", { page: p.page }) : t("session.presentNone")),
            button("session-present-next", "›", () => p && show(p.page + 1), { busy: sending, disabled: !onIt, title: t("session.presentNext") }),
            onIt ? null : button("session-present-start", t("session.presentStart"), () => show(1), { busy: sending, primary: true }),
          ),
    );
  }

  function attendance(view: SessionView, s: MainState): HTMLElement {
    const board = view.attendance;
    const record = (person: PersonId, presence: Presence) => actions.recordAttendance(person, presence);
    return h(
      "div",
      { class: "session-card", "data-testid": "session-attendance" },
      h("p", { class: "eyebrow" }, t("session.attendance")),
      h("p", { class: "session-counts", "data-testid": "session-attendance-counts" }, t("session.attendanceCounts", { present: board.present, remote: board.remote, absent: board.absent, substituted: board.substituted, participants: board.participants })),
      h(
        "p",
        { class: board.quorum_met ? "vote-ok" : "vote-error", "data-testid": "session-quorum", "data-met": String(board.quorum_met) },
        t(board.quorum_met ? "session.quorumMet" : "session.quorumMissed", { needed: board.quorum_needed, present: board.present + board.remote }),
      ),
      h(
        "ul",
        { class: "session-attendance-list" },
        board.lines.map((line) => {
          const id = line.person.id;
          let reason = reasons.get(id);
          if (!reason) {
            reason = h("input", { type: "text", class: "input session-reason", maxlength: 200, autocomplete: "off", placeholder: t("session.absentReason"), "aria-label": t("session.absentReason"), "data-testid": "session-attend-reason", "data-focus-key": `session-attend-reason:${id}` });
            reasons.set(id, reason);
          }
          const text = presenceText(line.presence, line.substitute?.name ?? null);
          const sending = busy(s, busyKey.attend(id));
          const small = (status: "present" | "remote" | "absent", presence: () => Presence) =>
            button(`session-attend-${status}`, t(`session.record.${status}`), () => record(id, presence()), { busy: sending, focusKey: `session-attend-${status}:${id}`, attrs: { "data-person-id": id } });
          return h(
            "li",
            { class: "session-attendance-line", "data-testid": "session-attendance-line", "data-person-id": id, "data-status": line.presence.status },
            h("span", { class: "session-attendance-name" }, line.person.name),
            h("span", { class: `session-presence session-presence-${line.presence.status}` }, t(text.key, text.params)),
            view.status === "ended"
              ? null
              : h(
                  "span",
                  { class: "session-row session-attend", role: "group", "aria-label": t("session.recordFor", { name: line.person.name }) },
                  small("present", () => ({ status: "present" })),
                  small("remote", () => ({ status: "remote" })),
                  reason,
                  small("absent", () => ({ status: "absent", reason: reason.value.trim() === "" ? null : reason.value.trim() })),
                  line.designated_substitute
                    ? button(
                        "session-attend-substituted",
                        t("session.record.substituted", { name: line.designated_substitute.name }),
                        () => record(id, { status: "substituted", by: line.designated_substitute?.id ?? null }),
                        { busy: sending, focusKey: `session-attend-substituted:${id}`, attrs: { "data-person-id": id } },
                      )
                    : null,
                ),
          );
        }),
      ),
    );
  }

  return {
    render(view, s, agenda, extras) {
      const item = view.current_item;
      const meeting = agenda?.meeting ?? null;
      const positions = meeting && item ? extras.positions.item(item.id, { meeting, positions: s.positions, profile: s.profile }) : null;
      const votes = meeting && item ? extras.voting.itemVotes(item.id, { meeting, voting: s.voting, profile: s.profile, sync: s.sync }) : null;
      const take = view.status === "running"
        ? (i: { id: AgendaItemId; current: boolean }) =>
            i.current ? null : button("session-take-up", t("session.takeUp"), () => actions.takeUp(i.id), { busy: busy(s, busyKey.takeUp(i.id)), focusKey: `session-take-up:${i.id}`, attrs: { "data-item-id": i.id } })
        : null;
      return [
        controls(view, s),
        extras.failure ?? h("span", { hidden: true }),
        h(
          "div",
          { class: "session-grid" },
          h(
            "div",
            { class: "session-main" },
            currentItem(view, s),
            floor(view, s),
            presenter(view, s, agenda),
            positions ? h("div", { class: "session-card", "data-testid": "session-positions" }, h("p", { class: "eyebrow" }, t("session.positions")), positions) : null,
            votes ? h("div", { class: "session-card", "data-testid": "session-votes" }, h("p", { class: "eyebrow" }, t("session.votes")), votes) : null,
          ),
          h(
            "div",
            { class: "session-side" },
            h("div", { class: "session-card" }, h("p", { class: "eyebrow" }, t("session.agenda")), parts.agenda(view, take)),
            attendance(view, s),
          ),
        ),
      ];
    },
    key(command, view) {
      if (command === "nextSpeaker") {
        const item = view.current_item;
        if (item && (view.speakers?.waiting.length ?? 0) > 0) actions.floorNext();
        return;
      }
      const next = nextItem(view.items);
      if (next) actions.takeUp(next.id);
    },
  };
}

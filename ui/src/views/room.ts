import type { Motion, SessionView } from "../bindings";
import { h, replaceRegion } from "../dom";
import { errorMessage, type Locale, type Translate } from "../i18n";
import { nextSpeakers, speechKindKey, statusKey } from "../session";
import { resultSummary } from "../voting";
import { languageSwitch, spinner } from "./common";
import { mountTimer } from "./timer";

export type RoomState =
  | { kind: "loading" }
  | { kind: "error"; error: unknown }
  /** No meeting to show (none today or later). */
  | { kind: "none" }
  | { kind: "live"; view: SessionView; offsetMs: number; /** The vote that closed last, shown until the next opens or the item changes. */ result: Motion | null };

export interface RoomView {
  update(state: RoomState): void;
}

/**
 * The room display, for the projector: the current item, who speaks and for
 * how long, the next three speakers, an open vote's progress and a closed
 * vote's result. Type is very large (read from the back of the room) and
 * nothing on it can be clicked but the language.
 */
export function mountRoom(root: HTMLElement, locale: Locale, t: Translate, now: () => number, setLocale: (l: Locale) => void): RoomView {
  const timer = mountTimer(t, "room", now);
  const region = h("div", { class: "room-region" });
  const shell = h("main", { class: "room", "data-testid": "room-display", lang: locale }, region, h("div", { class: "room-lang" }, languageSwitch(locale, t, setLocale)));
  root.replaceChildren(shell);
  let drawn = "";

  function vote(state: Extract<RoomState, { kind: "live" }>): HTMLElement | null {
    const open = state.view.open_motions[0];
    if (open) {
      return h(
        "section",
        { class: "room-block room-vote", "data-testid": "room-vote" },
        h("p", { class: "room-label" }, t("room.voteOpen")),
        h("p", { class: "room-vote-question" }, open.question),
        h("p", { class: "room-vote-progress", "data-testid": "room-vote-progress" }, t("room.votesCast", { count: open.votes_cast })),
      );
    }
    const closed = state.result;
    if (!closed?.tally) return null;
    const r = resultSummary(closed, closed.tally, t);
    return h(
      "section",
      { class: `room-block room-vote-result ${r.adopted ? "vote-adopted" : "vote-not-adopted"}`, "data-testid": "room-vote-result", "data-adopted": String(r.adopted) },
      h("p", { class: "room-label" }, t("room.voteResult")),
      h("p", { class: "room-vote-question" }, closed.question),
      h("p", { class: "room-verdict", "data-testid": "room-vote-verdict" }, r.verdict),
      h("ul", { class: "room-counts" }, r.counts.map((c) => h("li", { "data-testid": "room-vote-count", "data-choice": c.choice }, h("span", null, c.label), h("strong", null, String(c.count))))),
    );
  }

  function live(state: Extract<RoomState, { kind: "live" }>): HTMLElement[] {
    const v = state.view;
    const speaker = v.speakers?.speaking ?? null;
    timer.set(speaker, state.offsetMs);
    const next = nextSpeakers(v.speakers, 3);
    return [
      h(
        "header",
        { class: "room-header" },
        h("h1", { class: "room-title", "data-testid": "room-meeting-title" }, v.meeting_title),
        h("span", { class: `room-status room-status-${v.status}`, "data-testid": "room-status", "data-status": v.status }, t(statusKey(v.status))),
      ),
      h(
        "section",
        { class: "room-block room-item" },
        h("p", { class: "room-label" }, t("session.current")),
        h("p", { class: "room-item-title", "data-testid": "room-current-item" }, v.current_item ? `${v.current_item.position}. ${v.current_item.title}` : t("session.noCurrent")),
      ),
      h(
        "div",
        { class: "room-floor" },
        h(
          "section",
          { class: "room-block room-speaking" },
          h("p", { class: "room-label" }, t("session.speaking")),
          speaker
            ? h("p", { class: "room-speaker", "data-testid": "room-speaker", "data-person-id": speaker.person.id }, speaker.person.name)
            : h("p", { class: "room-speaker room-nobody", "data-testid": "room-speaker", "data-person-id": "" }, t("room.nobody")),
          speaker ? h("p", { class: "room-kind", "data-testid": "room-speaker-kind" }, t(speechKindKey(speaker.kind))) : null,
          timer.root,
        ),
        h(
          "div",
          { class: "room-side" },
          h(
            "section",
            { class: "room-block room-next" },
            h("p", { class: "room-label" }, t("room.next")),
            next.length === 0
              ? h("p", { class: "room-none" }, t("session.noneWaiting"))
              : h("ol", { class: "room-next-list", "data-testid": "room-next-speakers" }, next.map((w) => h("li", { "data-testid": "room-next-speaker", "data-person-id": w.person.id }, w.person.name))),
          ),
          vote(state),
        ),
      ),
    ];
  }

  return {
    update(state) {
      // Only what is shown: the timer ticks by itself.
      const key = JSON.stringify(state.kind === "live" ? { ...state, view: { ...state.view, server_now: null, speakers: state.view.speakers && { ...state.view.speakers, speaking: state.view.speakers.speaking?.request ?? null, done: null } } } : state);
      if (key === drawn) {
        if (state.kind === "live") timer.set(state.view.speakers?.speaking ?? null, state.offsetMs);
        return;
      }
      drawn = key;
      shell.dataset["status"] = state.kind === "live" ? state.view.status : state.kind;
      switch (state.kind) {
        case "loading":
          timer.set(null, 0);
          replaceRegion(region, h("div", { class: "room-message", "data-testid": "room-loading" }, spinner(), h("p", null, t("room.loading"))));
          return;
        case "error":
          timer.set(null, 0);
          replaceRegion(region, h("div", { class: "room-message", role: "alert", "data-testid": "room-error" }, h("p", null, errorMessage(state.error, locale))));
          return;
        case "none":
          timer.set(null, 0);
          replaceRegion(region, h("div", { class: "room-message", "data-testid": "room-empty" }, h("p", null, t("room.noSession"))));
          return;
        case "live":
          replaceRegion(region, live(state));
      }
    },
  };
}

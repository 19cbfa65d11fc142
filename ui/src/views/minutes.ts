import type { AgendaItemId, Document, Minutes, MinutesItem, MinutesLanguage, Person } from "../bindings";
import { h } from "../dom";
import { formatMeetingWhen, formatTime } from "../format";
import { errorMessage, LOCALES, type Locale, type Translate } from "../i18n";
import { attendanceText, kindLabel, speakingTotal, speechText, voteText } from "../minutes";
import { personName } from "../people";
import { clockText, outcomeKey } from "../session";
import { spinner, statePanel } from "./common";
import type { Loadable } from "./main";

/** A request under way, done, or why it failed. */
export type Sending = { kind: "sending" } | { kind: "done" } | { kind: "failed"; error: unknown };

export interface MinutesState {
  /** The minutes as they would be signed now; null until first read. */
  preview: Loadable<Minutes> | null;
  /** The secretariat's narrative per item, as last saved. */
  narratives: Readonly<Record<AgendaItemId, Sending>>;
  signing: { kind: "sending" } | { kind: "done"; document: Document } | { kind: "failed"; error: unknown } | null;
}

export const NO_MINUTES: MinutesState = { preview: null, narratives: {}, signing: null };

export interface MinutesActions {
  reloadMinutes(): void;
  editMinutes(itemId: AgendaItemId, text: string): Promise<boolean>;
  signMinutes(language: MinutesLanguage): void;
  openDocument(document: Document): void;
}

export interface MinutesView {
  render(state: MinutesState, me: Pick<Person, "id" | "name">): HTMLElement;
}

/**
 * The secretariat's minutes once the session has ended: a readable preview
 * (facts, attendance, per item its documents, positions, speakers, votes and
 * outcome), a narrative per item, and "sign and publish".
 */
export function mountMinutes(locale: Locale, t: Translate, actions: MinutesActions): MinutesView {
  const reason = (error: unknown) => errorMessage(error, locale);
  // Narratives keep their nodes across redraws: a sync does not lose what is typed.
  const narratives = new Map<AgendaItemId, { box: HTMLTextAreaElement; saved: string }>();
  const language = h(
    "select",
    { class: "input", "data-testid": "minutes-language", "data-focus-key": "minutes-language", "aria-label": t("minutes.language") },
    LOCALES.map((l) => h("option", { value: l }, t(`lang.${l}`))),
  );
  language.value = locale;

  const row = (testid: string, label: string, value: string | null) =>
    value === null ? null : h("div", { class: "agenda-fact", "data-testid": testid }, h("dt", null, label), h("dd", null, value));

  function facts(m: Minutes): HTMLElement {
    return h(
      "dl",
      { class: "agenda-facts minutes-facts", "data-testid": "minutes-facts" },
      row("minutes-when", t("minutes.when"), formatMeetingWhen(m.starts_at, t)),
      row("minutes-kind", t("agenda.kind"), kindLabel(m.kind, t)),
      row("minutes-place", t("agenda.place"), m.place),
      row("minutes-chair", t("minutes.chair"), m.chair),
      row("minutes-opened", t("minutes.opened"), m.session_started_at && formatTime(m.session_started_at, t)),
      row("minutes-closed", t("minutes.closed"), m.session_ended_at && formatTime(m.session_ended_at, t)),
      row("minutes-log", t("minutes.log"), t("minutes.logValue", { count: m.log_length, head: m.log_head.slice(0, 12) })),
      ...(m.room_segments ?? []).map((segment) =>
        row(
          "minutes-room-segment",
          t("minutes.roomSegment"),
          t("minutes.roomSegmentValue", {
            from: formatTime(segment.from, t),
            to: segment.to === null ? t("minutes.roomNotHandedBack") : formatTime(segment.to, t),
            hub: segment.hub,
            events: segment.events,
          }),
        ),
      ),
    );
  }

  function attendance(m: Minutes): HTMLElement {
    return h(
      "section",
      { class: "minutes-section", "data-testid": "minutes-attendance" },
      h("h4", null, t("minutes.attendance")),
      h("p", { "data-testid": "minutes-attendance-count" }, t("minutes.attendanceCount", { present: m.present, participants: m.participants, needed: m.quorum_needed })),
      h("ul", null, m.attendance.map((line) => h("li", { "data-testid": "minutes-attendance-line", "data-person-id": line.person }, attendanceText(line, t)))),
    );
  }

  function narrative(item: MinutesItem, sending: Sending | undefined): HTMLElement {
    let n = narratives.get(item.item);
    if (!n) {
      n = {
        box: h("textarea", { class: "input minutes-narrative", rows: 3, maxlength: 20000, "data-testid": "minutes-narrative", "data-focus-key": `minutes-narrative:${item.item}`, "aria-label": t("minutes.narrative") }),
        saved: "",
      };
      narratives.set(item.item, n);
    }
    const text = item.narrative ?? "";
    // What the server holds fills the box, unless the secretariat is changing it.
    if (n.box.value === n.saved) n.box.value = text;
    n.saved = text;
    const box = n.box;
    const busy = sending?.kind === "sending";
    const status =
      sending?.kind === "done"
        ? h("span", { class: "vote-ok", role: "status", "data-testid": "minutes-narrative-status", "data-state": "done" }, t("minutes.narrativeSaved"))
        : sending?.kind === "failed"
          ? h("span", { class: "vote-error", role: "alert", "data-testid": "minutes-narrative-status", "data-state": "failed" }, t("minutes.narrativeFailed", { reason: reason(sending.error) }))
          : null;
    return h(
      "div",
      { class: "minutes-narrative-field" },
      h("label", { class: "vote-field-label" }, t("minutes.narrative")),
      box,
      h(
        "div",
        { class: "session-row" },
        h(
          "button",
          {
            type: "button",
            class: "btn btn-secondary vote-small-btn",
            "aria-disabled": String(busy),
            "data-testid": "minutes-narrative-save",
            "data-focus-key": `minutes-narrative-save:${item.item}`,
            onclick: () => {
              if (!busy) void actions.editMinutes(item.item, box.value);
            },
          },
          busy ? spinner() : null,
          t("minutes.narrativeSave"),
        ),
        status,
      ),
    );
  }

  function itemSection(item: MinutesItem, state: MinutesState, me: Pick<Person, "id" | "name">): HTMLElement {
    const p = item.positions;
    return h(
      "section",
      { class: "minutes-section minutes-item", "data-testid": "minutes-item", "data-item-id": item.item },
      h("h4", null, t("minutes.item", { position: item.position, title: item.title })),
      item.presenting_ministry ? h("p", { class: "vote-hint" }, t("agenda.presentedBy", { ministry: item.presenting_ministry })) : null,
      item.documents.length === 0
        ? null
        : h("ul", { class: "minutes-documents" }, item.documents.map((d) => h("li", { "data-testid": "minutes-document" }, t("minutes.document", { title: d.title, version: d.version })))),
      p
        ? h(
            "div",
            { "data-testid": "minutes-positions" },
            h("p", null, t("minutes.positions", { noObjection: p.no_objection, speak: p.speak, objections: p.objections.length })),
            p.objections.length === 0 ? null : h("ul", null, p.objections.map(([who, why]) => h("li", null, t("minutes.objection", { name: personName(who, me), reason: why })))),
          )
        : null,
      !item.taken_up
        ? h("p", { class: "vote-hint", "data-testid": "minutes-not-taken-up" }, t("minutes.notTakenUp"))
        : item.speakers.length === 0
          ? h("p", { class: "vote-hint" }, t("minutes.noSpeakers"))
          : h(
              "div",
              null,
              h("p", null, t("minutes.speakers", { count: item.speakers.length, time: clockText(speakingTotal(item)) })),
              h("ol", null, item.speakers.map((s) => h("li", { "data-testid": "minutes-speaker", "data-person-id": s.person }, speechText(s, t)))),
            ),
      item.votes.map((line) => {
        const v = voteText(line, t);
        return h(
          "div",
          { class: "minutes-vote", "data-testid": "minutes-vote", "data-adopted": v.adopted === null ? "" : String(v.adopted) },
          h("p", { class: "vote-title" }, v.question),
          v.verdict ? h("p", { class: "vote-verdict", "data-testid": "minutes-vote-verdict" }, v.verdict) : null,
          v.counts.length === 0 ? null : h("p", { "data-testid": "minutes-vote-counts" }, v.counts.map((c) => `${c.label}: ${c.count}`).join(" · ")),
          h("ul", { class: "vote-details" }, v.details.map((d) => h("li", null, d))),
        );
      }),
      h(
        "p",
        { class: "minutes-outcome", "data-testid": "minutes-outcome", "data-outcome": item.outcome ?? "" },
        item.outcome ? t("minutes.outcome", { outcome: t(outcomeKey(item.outcome)) }) : t("minutes.noOutcome"),
        item.outcome_note ? ` — ${item.outcome_note}` : "",
      ),
      narrative(item, state.narratives[item.item]),
    );
  }

  function signBar(state: MinutesState): HTMLElement {
    const s = state.signing;
    const busy = s?.kind === "sending";
    return h(
      "div",
      { class: "minutes-sign" },
      h("label", { class: "session-row" }, h("span", { class: "vote-field-label" }, t("minutes.language")), language),
      h(
        "button",
        {
          type: "button",
          class: "btn btn-primary",
          title: t("minutes.signHint"),
          "aria-disabled": String(busy),
          "data-testid": "minutes-sign",
          "data-focus-key": "minutes-sign",
          onclick: () => {
            if (!busy) actions.signMinutes(language.value === "en" ? "en" : "vi");
          },
        },
        busy ? spinner() : null,
        t(busy ? "minutes.signing" : "minutes.sign"),
      ),
      s?.kind === "done"
        ? h(
            "p",
            { class: "vote-ok", role: "status", "data-testid": "minutes-signed", "data-document-id": s.document.id },
            t("minutes.signed", { title: s.document.title, version: s.document.version }),
            " ",
            h("button", { type: "button", class: "btn btn-quiet", "data-testid": "minutes-open", "data-focus-key": "minutes-open", onclick: () => actions.openDocument(s.document) }, t("minutes.open")),
          )
        : null,
      s?.kind === "failed" ? h("p", { class: "vote-error", role: "alert", "data-testid": "minutes-sign-error" }, t("minutes.signFailed", { reason: reason(s.error) })) : null,
    );
  }

  return {
    render(state, me) {
      const p = state.preview;
      let body: HTMLElement;
      if (p === null || p.kind === "loading") body = statePanel({ testid: "minutes-loading", title: t("minutes.loading"), loading: true });
      else if (p.kind === "error") {
        body = statePanel({
          testid: "minutes-error",
          tone: "error",
          title: t("minutes.loadFailed"),
          hint: reason(p.error),
          action: { label: t("common.retry"), onClick: actions.reloadMinutes, focusKey: "minutes-retry" },
        });
      } else {
        const m = p.data;
        body = h(
          "article",
          { class: "minutes-preview", "data-testid": "minutes-preview", "data-meeting-id": m.meeting_id },
          h("h4", { class: "minutes-title" }, m.title),
          facts(m),
          attendance(m),
          m.items.map((item) => itemSection(item, state, me)),
          signBar(state),
        );
      }
      return h("section", { class: "session-card minutes", "aria-labelledby": "minutes-heading", "data-testid": "minutes" }, h("h3", { id: "minutes-heading", class: "minutes-heading" }, t("minutes.heading")), body);
    },
  };
}

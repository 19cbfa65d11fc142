import type { AgendaItemId, ItemPositionsView, Meeting, MeetingId, ProfileSummary, Stance } from "../bindings";
import { h } from "../dom";
import { errorMessage, type Locale, type Translate } from "../i18n";
import { personName } from "../people";
import {
  checkPosition,
  itemStanding,
  MAX_REASON_CHARS,
  meetingStarted,
  objectionLines,
  positionMessage,
  quietItemCount,
  STANCE_KINDS,
  stanceKind,
  stanceLabel,
  stanceReason,
  standingStance,
  summaryLine,
  type SentPosition,
  type StanceKind,
} from "../positions";
import { spinner } from "./common";
import type { Loadable } from "./main";

/** The secretariat's "adopt without discussion" under way, how many items it adopted, or why it failed. */
export type Adoption = { kind: "sending" } | { kind: "done"; count: number } | { kind: "failed"; error: unknown };

export interface PositionsState {
  /** The selected meeting's items with their positions; null until first read. */
  list: Loadable<ItemPositionsView[]> | null;
  // The rest lasts the session, across meetings (ids are unique).
  sent: Readonly<Record<AgendaItemId, SentPosition>>;
  adoptions: Readonly<Record<MeetingId, Adoption>>;
}

export const NO_POSITIONS: PositionsState = { list: null, sent: {}, adoptions: {} };

export interface PositionsActions {
  reload(): void;
  /** Resolves to true once the position stands (recorded, or saved here): the form then follows it. */
  setPosition(itemId: AgendaItemId, stance: Stance): Promise<boolean>;
  adopt(meetingId: MeetingId): void;
}

/** What the agenda passes on each render. */
export interface PositionsContext {
  meeting: Meeting;
  positions: PositionsState;
  profile: ProfileSummary;
}

export interface PositionsView {
  /** A failed load and the secretariat's "adopt the quiet items", under the meeting's title; null when there is none. */
  meetingBar(ctx: PositionsContext): HTMLElement | null;
  /** A member's choice on an item, or the secretariat's summary of everyone's; null when there is none. */
  item(itemId: AgendaItemId, ctx: PositionsContext): HTMLElement | null;
}

/** A member's control on one item. Its nodes outlive re-renders, so a half-written reason survives a sync. */
interface Control {
  root: HTMLElement;
  current: HTMLElement;
  buttons: Record<StanceKind, HTMLButtonElement>;
  reasonField: HTMLElement;
  reason: HTMLTextAreaElement;
  message: HTMLElement;
  save: HTMLButtonElement;
  hint: HTMLElement;
  outcome: HTMLElement;
  /** The choice shown: what stands, until the member picks or types something else (`dirty`). */
  chosen: StanceKind | null;
  dirty: boolean;
  /** The standing position last copied into the form. */
  copied: string;
  sent: SentPosition | undefined;
}

const TESTIDS: Readonly<Record<StanceKind, string>> = {
  no_objection: "position-no-objection",
  objection: "position-objection",
  speak: "position-speak",
};

export function mountPositions(
  locale: Locale,
  t: Translate,
  actions: PositionsActions,
  now: () => Date,
  /** Draws the agenda again, for changes that live in this view only (a confirmation). */
  rerender: () => void,
): PositionsView {
  const reason = (error: unknown) => errorMessage(error, locale);
  const controls = new Map<AgendaItemId, Control>();
  let confirmAdopt: MeetingId | null = null;

  function setText(el: HTMLElement, text: string): void {
    // Only on a change: some of these are alerts, read out each time they are set.
    if (el.textContent !== text) el.textContent = text;
    el.hidden = text === "";
  }

  // ── a member ────────────────────────────────────────────────────────────
  function paint(c: Control, standing: Stance | null, started: boolean): void {
    const key = JSON.stringify(standing);
    if (!c.dirty && key !== c.copied) {
      c.chosen = standing === null ? null : stanceKind(standing);
      c.reason.value = stanceReason(standing);
      c.copied = key;
    }
    const sending = c.sent?.delivery.kind === "sending";
    for (const kind of STANCE_KINDS) {
      const b = c.buttons[kind];
      b.setAttribute("aria-pressed", String(kind === c.chosen));
      b.className = `btn vote-small-btn ${kind === c.chosen ? "btn-primary" : "btn-secondary"}`;
      b.disabled = started;
    }
    c.reasonField.hidden = c.chosen !== "objection";
    c.reason.disabled = started;
    c.save.disabled = started;
    c.save.setAttribute("aria-disabled", String(sending));
    c.save.replaceChildren(...(sending ? [spinner()] : []), t(sending ? "positions.saving" : "positions.save"));
    const current = standing === null ? t("positions.none") : t("positions.current", { stance: stanceLabel(stanceKind(standing), t) });
    setText(c.current, current);
    setText(c.hint, t(started ? "positions.started" : "positions.changeHint"));
    c.hint.className = started ? "vote-hint position-started" : "vote-hint";
    const state = c.sent?.delivery.kind;
    c.outcome.dataset["state"] = state ?? "";
    c.outcome.className = `vote-outcome vote-outcome-${state ?? "none"}`;
    c.outcome.setAttribute("role", state === "refused" || state === "failed" ? "alert" : "status");
    setText(c.outcome, c.sent ? positionMessage(c.sent, t, reason) : "");
  }

  async function save(itemId: AgendaItemId, c: Control): Promise<void> {
    if (c.sent?.delivery.kind === "sending") return;
    const check = checkPosition(c.chosen, c.reason.value);
    setText(c.message, check.ok ? "" : t(check.error));
    if (!check.ok) {
      (c.chosen === "objection" ? c.reason : c.buttons.no_objection).focus();
      return;
    }
    if (await actions.setPosition(itemId, check.stance)) {
      c.dirty = false;
      rerender();
    }
  }

  function makeControl(itemId: AgendaItemId): Control {
    const key = (name: string) => `position-${name}:${itemId}`;
    const titleId = `position-title-${itemId}`;
    const reasonId = `position-reason-${itemId}`;
    const choose = (kind: StanceKind) => {
      c.chosen = kind;
      c.dirty = true;
      setText(c.message, "");
      rerender();
      if (kind === "objection") c.reason.focus();
    };
    const button = (kind: StanceKind) =>
      h(
        "button",
        { type: "button", "data-testid": TESTIDS[kind], "data-choice": kind, "data-focus-key": key(kind), onclick: () => choose(kind) },
        stanceLabel(kind, t),
      );
    const buttons: Record<StanceKind, HTMLButtonElement> = { no_objection: button("no_objection"), objection: button("objection"), speak: button("speak") };
    const reasonInput = h("textarea", {
      id: reasonId,
      class: "input position-reason",
      rows: 3,
      maxlength: MAX_REASON_CHARS,
      placeholder: t("positions.reasonPlaceholder"),
      "data-testid": "position-reason",
      "data-focus-key": key("reason"),
      oninput: () => {
        c.dirty = true;
      },
    });
    const reasonField = h("div", { class: "vote-field" }, h("label", { class: "vote-field-label", for: reasonId }, t("positions.reason")), reasonInput);
    const current = h("p", { class: "position-current", "data-testid": "position-current" });
    const message = h("p", { class: "vote-error", role: "alert", "data-testid": "position-error", hidden: true });
    const saveButton = h("button", {
      type: "button",
      class: "btn btn-primary vote-small-btn",
      "data-testid": "position-save",
      "data-focus-key": key("save"),
      onclick: () => void save(itemId, c),
    });
    const hint = h("p");
    const outcome = h("p", { "data-testid": "position-outcome", hidden: true });
    const root = h(
      "section",
      { class: "position", "aria-labelledby": titleId, "data-testid": "position-control", "data-item-id": itemId },
      h("p", { class: "vote-form-title", id: titleId }, t("positions.title")),
      current,
      h("div", { class: "vote-options", role: "group", "aria-labelledby": titleId }, STANCE_KINDS.map((k) => buttons[k])),
      reasonField,
      message,
      saveButton,
      hint,
      outcome,
    );
    const c: Control = {
      root,
      current,
      buttons,
      reasonField,
      reason: reasonInput,
      message,
      save: saveButton,
      hint,
      outcome,
      chosen: null,
      dirty: false,
      copied: "",
      sent: undefined,
    };
    return c;
  }

  function control(view: ItemPositionsView | undefined, itemId: AgendaItemId, ctx: PositionsContext): HTMLElement {
    let c = controls.get(itemId);
    if (!c) {
      c = makeControl(itemId);
      controls.set(itemId, c);
    }
    c.sent = ctx.positions.sent[itemId];
    paint(c, standingStance(view?.mine ?? null, c.sent), meetingStarted(ctx.meeting, now()));
    return c.root;
  }

  // ── the secretariat ─────────────────────────────────────────────────────
  function summary(view: ItemPositionsView, ctx: PositionsContext): HTMLElement {
    const me = ctx.profile.person;
    const objections = objectionLines(view.summary, me);
    const speakers = view.summary.speakers.map((p) => personName(p, me));
    return h(
      "div",
      { class: "positions-summary", "data-testid": "positions-summary", "data-item-id": view.item.id },
      h("p", { class: "positions-counts" }, summaryLine(view.summary, t)),
      objections.length === 0
        ? null
        : h("ul", { class: "positions-objections", "aria-label": t("positions.objections") }, objections.map((line) => h("li", { "data-testid": "positions-objection" }, line))),
      speakers.length === 0 ? null : h("p", { class: "vote-hint", "data-testid": "positions-speakers" }, t("positions.speakers", { names: speakers.join(", ") })),
    );
  }

  function standingBadge(view: ItemPositionsView, secretary: boolean): HTMLElement | null {
    const standing = itemStanding(view);
    // A member sees only their own position, so only the secretariat can tell an item is quiet.
    if (standing === null || (standing === "proposed" && !secretary)) return null;
    return h(
      "span",
      { class: `badge badge-${standing}`, "data-testid": "position-standing", "data-standing": standing },
      t(standing === "adopted" ? "positions.adopted" : "positions.proposed"),
    );
  }

  function askAdopt(meetingId: MeetingId | null, focus: string): void {
    confirmAdopt = meetingId;
    rerender();
    document.querySelector<HTMLElement>(`[data-focus-key="${focus}"]`)?.focus();
  }

  function adoptControl(meeting: Meeting, views: readonly ItemPositionsView[], adoption: Adoption | undefined): HTMLElement {
    const sending = adoption?.kind === "sending";
    const count = quietItemCount(views);
    let result: HTMLElement | null = null;
    if (adoption?.kind === "done") {
      const key = adoption.count === 0 ? "positions.adoptDoneNone" : adoption.count === 1 ? "positions.adoptDoneOne" : "positions.adoptDone";
      result = h("p", { class: "vote-ok", role: "status", "data-testid": "adopt-result", "data-state": "done" }, t(key, { count: adoption.count }));
    } else if (adoption?.kind === "failed") {
      result = h("p", { class: "vote-error", role: "alert", "data-testid": "adopt-result", "data-state": "failed" }, t("positions.adoptFailed", { reason: reason(adoption.error) }));
    }
    if (confirmAdopt === meeting.id && !sending) {
      return h(
        "div",
        { class: "vote-confirm", role: "group", "aria-labelledby": "adopt-question" },
        h("p", { id: "adopt-question" }, t(count === 1 ? "positions.adoptConfirmOne" : "positions.adoptConfirm", { count })),
        h(
          "button",
          {
            type: "button",
            class: "btn btn-primary vote-small-btn",
            "data-testid": "adopt-confirm",
            // The adopt button's key: focus stays there while the items are adopted.
            "data-focus-key": "adopt-quiet-items",
            onclick: () => {
              confirmAdopt = null;
              actions.adopt(meeting.id);
            },
          },
          t("positions.adoptYes"),
        ),
        h(
          "button",
          { type: "button", class: "btn btn-secondary vote-small-btn", "data-testid": "adopt-cancel", "data-focus-key": "adopt-cancel", onclick: () => askAdopt(null, "adopt-quiet-items") },
          t("positions.adoptNo"),
        ),
      );
    }
    const idle = count === 0 && !sending;
    return h(
      "div",
      { class: "vote-close" },
      h(
        "button",
        {
          type: "button",
          class: "btn btn-secondary vote-small-btn",
          "aria-disabled": String(sending || idle),
          "data-testid": "adopt-quiet-items",
          "data-focus-key": "adopt-quiet-items",
          onclick: () => {
            if (!sending && !idle) askAdopt(meeting.id, "adopt-cancel");
          },
        },
        sending ? spinner() : null,
        t(sending ? "positions.adopting" : "positions.adopt"),
      ),
      idle ? h("p", { class: "vote-hint" }, t("positions.adoptNone")) : null,
      result,
    );
  }

  const isSecretary = (ctx: PositionsContext) => ctx.profile.person.role === "secretary";

  return {
    meetingBar(ctx) {
      const list = ctx.positions.list;
      if (list?.kind === "error") {
        return h(
          "div",
          { class: "vote-alert", role: "alert", "data-testid": "positions-error" },
          h("span", null, t("positions.loadFailed", { reason: reason(list.error) })),
          h("button", { type: "button", class: "btn btn-quiet", "data-focus-key": "positions-retry", onclick: actions.reload }, t("common.retry")),
        );
      }
      if (list?.kind !== "ready" || !isSecretary(ctx) || ctx.meeting.status === "cancelled") return null;
      return h("div", { class: "vote-bar" }, adoptControl(ctx.meeting, list.data, ctx.positions.adoptions[ctx.meeting.id]));
    },
    item(itemId, ctx) {
      const list = ctx.positions.list;
      const view = list?.kind === "ready" ? list.data.find((v) => v.item.id === itemId) : undefined;
      const member = ctx.profile.person.role === "member" && ctx.meeting.status !== "cancelled";
      const parts = [
        view ? standingBadge(view, isSecretary(ctx)) : null,
        view && isSecretary(ctx) ? summary(view, ctx) : null,
        member && list?.kind === "ready" ? control(view, itemId, ctx) : null,
      ].filter((p) => p !== null);
      return parts.length === 0 ? null : h("div", { class: "positions" }, parts);
    },
  };
}

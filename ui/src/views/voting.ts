import type {
  AgendaItemId,
  Attendance,
  MajorityBase,
  MajorityRule,
  Meeting,
  MeetingId,
  Motion,
  MotionId,
  OpenMotionRequest,
  ProfileSummary,
  SyncStatus,
  Tally,
  TallyVerification,
} from "../bindings";
import { h } from "../dom";
import { formatTime } from "../format";
import { errorMessage, type Locale, type MessageKey, type Translate } from "../i18n";
import {
  ballotMessage,
  checkMotionDraft,
  DEFAULT_OPTIONS,
  MAX_QUESTION_CHARS,
  motionsOfItem,
  offlineDuringVote,
  optionLabel,
  ownChoice,
  resultSummary,
  standingChoice,
  statusLine,
  verificationSummary,
  type Ballot,
  type MotionField,
} from "../voting";
import { spinner } from "./common";
import type { Loadable } from "./main";

/** A secretariat request under way, or why it failed. */
export type Pending = { kind: "sending" } | { kind: "failed"; error: unknown };

export type CheckIn =
  | { kind: "sending"; remote: boolean }
  | { kind: "done"; attendance: Attendance }
  | { kind: "failed"; remote: boolean; error: unknown };

export interface VotingState {
  /** The selected meeting's motions; null until they are first read. */
  motions: Loadable<Motion[]> | null;
  // The rest lasts the session, across meetings (ids are unique).
  ballots: Readonly<Record<MotionId, Ballot>>;
  verifications: Readonly<Record<MotionId, Loadable<TallyVerification>>>;
  checkIns: Readonly<Record<MeetingId, CheckIn>>;
  opening: Readonly<Record<AgendaItemId, Pending>>;
  closing: Readonly<Record<MotionId, Pending>>;
}

export const NO_VOTING: VotingState = { motions: null, ballots: {}, verifications: {}, checkIns: {}, opening: {}, closing: {} };

export interface VotingActions {
  reloadMotions(): void;
  castVote(motionId: MotionId, choice: string): void;
  verifyTally(motionId: MotionId): void;
  checkIn(remote: boolean): void;
  /** Resolves to true once the vote is open (the form then empties). */
  openMotion(itemId: AgendaItemId, request: OpenMotionRequest): Promise<boolean>;
  closeMotion(motionId: MotionId): void;
}

/** What the agenda passes on each render. */
export interface VotingContext {
  meeting: Meeting;
  voting: VotingState;
  profile: ProfileSummary;
  sync: SyncStatus | null;
}

export interface VotingView {
  /** Check-in, the offline warning and a failed load, under the meeting's title; null when there is none. */
  meetingBar(ctx: VotingContext): HTMLElement | null;
  /** An item's vote cards and, for the secretariat, the form that opens a vote; null when there is none. */
  itemVotes(itemId: AgendaItemId, ctx: VotingContext): HTMLElement | null;
}

const RULES: readonly MajorityRule[] = ["simple", "two_thirds"];
const BASES: readonly MajorityBase[] = ["present", "all_members"];
const RULE_KEYS: Readonly<Record<MajorityRule, MessageKey>> = { simple: "vote.form.rule.simple", two_thirds: "vote.form.rule.two_thirds" };
const BASE_KEYS: Readonly<Record<MajorityBase, MessageKey>> = { present: "vote.form.base.present", all_members: "vote.form.base.all_members" };

/** The form that opens a vote on one item. Its nodes outlive re-renders, so what is typed survives a sync. */
interface OpenForm {
  form: HTMLFormElement;
  fields: Record<MotionField, HTMLInputElement>;
  rule: HTMLSelectElement;
  base: HTMLSelectElement;
  submit: HTMLButtonElement;
  message: HTMLElement;
  invalid: { field: MotionField; error: MessageKey } | null;
  pending: Pending | undefined;
}

const isMember = (ctx: VotingContext) => ctx.profile.person.role === "member";
/** The secretariat and the meeting's chair open and close votes. */
const runsMeeting = (ctx: VotingContext) =>
  ctx.profile.person.role === "secretary" || (ctx.meeting.details?.chair ?? null) === ctx.profile.person.id;

export function mountVoting(
  locale: Locale,
  t: Translate,
  actions: VotingActions,
  now: () => Date,
  /** Draws the agenda again, for changes that live in this view only (a confirmation). */
  rerender: () => void,
): VotingView {
  const reason = (error: unknown) => errorMessage(error, locale);
  const forms = new Map<AgendaItemId, OpenForm>();
  let confirmClose: MotionId | null = null;

  function focusKey(key: string): void {
    document.querySelector<HTMLElement>(`[data-focus-key="${key}"]`)?.focus();
  }

  // ── a member: check-in and ballots ──────────────────────────────────────
  function checkInControl(meetingId: MeetingId, state: CheckIn | undefined): HTMLElement {
    const sending = state?.kind === "sending";
    const remoteNow = state?.kind === "done" ? state.attendance.presence.status === "remote" : null;
    const button = (remote: boolean) =>
      h(
        "button",
        {
          type: "button",
          class: "btn btn-secondary vote-small-btn",
          "aria-pressed": String(remoteNow === remote),
          "aria-disabled": String(sending),
          "data-testid": remote ? "check-in-remote" : "check-in-room",
          "data-focus-key": `check-in:${meetingId}:${remote}`,
          onclick: () => {
            if (!sending) actions.checkIn(remote);
          },
        },
        t(remote ? "checkIn.remote" : "checkIn.room"),
      );
    let status: HTMLElement;
    if (state?.kind === "failed") {
      status = h("p", { class: "vote-error", role: "alert", "data-testid": "check-in-status" }, t("checkIn.failed", { reason: reason(state.error) }));
    } else {
      const text =
        state?.kind === "sending"
          ? t("checkIn.sending")
          : state?.kind === "done"
            ? t(remoteNow ? "checkIn.remoteDone" : "checkIn.present", { time: formatTime(state.attendance.recorded_at, t) })
            : t("checkIn.hint");
      status = h("p", { class: `vote-hint${state?.kind === "done" ? " vote-ok" : ""}`, role: "status", "data-testid": "check-in-status" }, text);
    }
    return h(
      "div",
      { class: "check-in", role: "group", "aria-labelledby": "check-in-label", "data-testid": "check-in" },
      h("span", { id: "check-in-label", class: "check-in-label" }, t("checkIn.label")),
      button(false),
      button(true),
      status,
    );
  }

  function outcome(ballot: Ballot): HTMLElement {
    const bad = ballot.kind === "refused" || ballot.kind === "failed";
    return h(
      "p",
      { class: `vote-outcome vote-outcome-${ballot.kind}`, role: bad ? "alert" : "status", "data-testid": "vote-outcome", "data-state": ballot.kind },
      ballotMessage(ballot, t, reason),
    );
  }

  function ballotControls(m: Motion, ballot: Ballot | undefined): HTMLElement {
    const sending = ballot?.kind === "sending";
    // While a change is on its way, its option shows chosen; otherwise the vote that stands.
    const chosen = sending ? ballot.choice : standingChoice(ballot);
    return h(
      "div",
      { class: "vote-ballot" },
      h(
        "div",
        { class: "vote-options", role: "group", "aria-label": t("vote.options", { question: m.question }) },
        m.options.map((o) =>
          h(
            "button",
            {
              type: "button",
              class: `btn vote-option${o === chosen ? " btn-primary" : " btn-secondary"}`,
              "aria-pressed": String(o === chosen),
              "aria-disabled": String(sending),
              "data-testid": "vote-option",
              "data-choice": o,
              "data-focus-key": `vote-option:${m.id}:${o}`,
              onclick: () => actions.castVote(m.id, o),
            },
            o === chosen ? (sending ? spinner() : h("span", { "aria-hidden": "true" }, "✓")) : null,
            optionLabel(o, t),
          ),
        ),
      ),
      h("p", { class: "vote-hint" }, t("vote.changeHint")),
      ballot ? outcome(ballot) : null,
    );
  }

  // ── results and their verification ──────────────────────────────────────
  function result(m: Motion, tally: Tally, ctx: VotingContext): HTMLElement {
    const r = resultSummary(m, tally, t);
    const mine = ownChoice(tally, ctx.profile.person.id);
    return h(
      "div",
      { class: `vote-result ${r.adopted ? "vote-adopted" : "vote-not-adopted"}`, "data-testid": "motion-result", "data-adopted": String(r.adopted) },
      h("p", { class: "vote-verdict", "data-testid": "motion-verdict" }, r.verdict),
      h(
        "ul",
        { class: "vote-counts", "aria-label": t("vote.result.counts") },
        r.counts.map((c) =>
          h(
            "li",
            { "data-testid": "motion-count", "data-choice": c.choice },
            h("span", { class: "vote-count-label" }, c.label),
            h("span", { class: "vote-count" }, String(c.count)),
          ),
        ),
      ),
      h("ul", { class: "vote-details" }, r.details.map((d) => h("li", null, d))),
      mine === null ? null : h("p", { class: "vote-own", "data-testid": "motion-own-vote" }, t("vote.result.own", { option: optionLabel(mine, t) })),
    );
  }

  function verification(m: Motion, v: Loadable<TallyVerification> | undefined): HTMLElement {
    const loading = v?.kind === "loading";
    let shown: HTMLElement | null = null;
    if (v?.kind === "ready") {
      const s = verificationSummary(v.data, t);
      shown = h(
        "div",
        {
          class: `vote-verification ${s.verified ? "vote-ok" : "vote-error"}`,
          role: s.verified ? "status" : "alert",
          "data-testid": "motion-verification",
          "data-state": s.verified ? "verified" : "problems",
        },
        h("p", { class: "vote-verification-title" }, s.title),
        s.lines.length === 0 ? null : h("ul", null, s.lines.map((line) => h("li", { "data-testid": "motion-verification-line" }, line))),
      );
    } else if (v?.kind === "error") {
      shown = h(
        "p",
        { class: "vote-verification vote-error", role: "alert", "data-testid": "motion-verification", "data-state": "error" },
        t("vote.verify.error", { reason: reason(v.error) }),
      );
    }
    return h(
      "div",
      { class: "vote-verify" },
      h(
        "button",
        {
          type: "button",
          class: "btn btn-secondary vote-small-btn",
          title: t("vote.verifyHint"),
          "aria-disabled": String(loading),
          "data-testid": "motion-verify",
          "data-focus-key": `motion-verify:${m.id}`,
          onclick: () => {
            if (!loading) actions.verifyTally(m.id);
          },
        },
        loading ? spinner() : null,
        t(loading ? "vote.verifying" : "vote.verify"),
      ),
      shown,
    );
  }

  // ── the secretariat: closing and opening votes ──────────────────────────
  function askClose(id: MotionId | null, motion: MotionId): void {
    confirmClose = id;
    rerender();
    // Keyboard users land on the safe answer; after "keep it open", back on the close button.
    focusKey(id === null ? `motion-close:${motion}` : `motion-close-cancel:${motion}`);
  }

  function closeControl(m: Motion, pending: Pending | undefined): HTMLElement {
    const sending = pending?.kind === "sending";
    const failed =
      pending?.kind === "failed"
        ? h("p", { class: "vote-error", role: "alert", "data-testid": "motion-close-error" }, t("vote.closeFailed", { reason: reason(pending.error) }))
        : null;
    if (confirmClose === m.id && !sending) {
      return h(
        "div",
        { class: "vote-confirm", role: "group", "aria-labelledby": `motion-close-q-${m.id}` },
        h("p", { id: `motion-close-q-${m.id}` }, t("vote.closeConfirm")),
        h(
          "button",
          {
            type: "button",
            class: "btn vote-danger-btn vote-small-btn",
            "data-testid": "motion-close-confirm",
            // The close button's key: focus stays there while the vote closes.
            "data-focus-key": `motion-close:${m.id}`,
            onclick: () => {
              confirmClose = null;
              actions.closeMotion(m.id);
            },
          },
          t("vote.closeYes"),
        ),
        h(
          "button",
          {
            type: "button",
            class: "btn btn-secondary vote-small-btn",
            "data-testid": "motion-close-cancel",
            "data-focus-key": `motion-close-cancel:${m.id}`,
            onclick: () => askClose(null, m.id),
          },
          t("vote.closeNo"),
        ),
        failed,
      );
    }
    return h(
      "div",
      { class: "vote-close" },
      h(
        "button",
        {
          type: "button",
          class: "btn btn-secondary vote-small-btn vote-danger",
          "aria-disabled": String(sending),
          "data-testid": "motion-close",
          "data-focus-key": `motion-close:${m.id}`,
          onclick: () => {
            if (!sending) askClose(m.id, m.id);
          },
        },
        sending ? spinner() : null,
        t(sending ? "vote.closing" : "vote.close"),
      ),
      failed,
    );
  }

  function paintForm(f: OpenForm): void {
    const sending = f.pending?.kind === "sending";
    f.submit.setAttribute("aria-disabled", String(sending));
    f.submit.replaceChildren(...(sending ? [spinner()] : []), t(sending ? "vote.form.submitting" : "vote.form.submit"));
    for (const [field, input] of Object.entries(f.fields)) input.setAttribute("aria-invalid", String(f.invalid?.field === field));
    const text = f.invalid
      ? t(f.invalid.error)
      : f.pending?.kind === "failed"
        ? t("vote.form.failed", { reason: reason(f.pending.error) })
        : "";
    // Only on a change: the message is an alert, read out each time it is set.
    if (f.message.textContent !== text) f.message.textContent = text;
    f.message.hidden = text === "";
  }

  async function submitForm(itemId: AgendaItemId, f: OpenForm): Promise<void> {
    if (f.pending?.kind === "sending") return;
    const check = checkMotionDraft(
      {
        question: f.fields.question.value,
        rule: RULES.find((r) => r === f.rule.value) ?? "simple",
        base: BASES.find((b) => b === f.base.value) ?? "present",
        quorum: f.fields.quorum.value,
        closesAt: f.fields.closesAt.value,
      },
      now(),
    );
    f.invalid = check.ok ? null : { field: check.field, error: check.error };
    paintForm(f);
    if (!check.ok) {
      f.fields[check.field].focus();
      return;
    }
    if (await actions.openMotion(itemId, check.request)) {
      // Rule and base stay: a secretariat opening several votes usually keeps them.
      for (const input of Object.values(f.fields)) input.value = "";
    }
  }

  function makeForm(itemId: AgendaItemId): OpenForm {
    const key = (name: string) => `motion-${name}:${itemId}`;
    const input = (name: string, attrs: Record<string, string | number>) =>
      h("input", { class: "input", autocomplete: "off", "data-testid": `motion-${name}`, "data-focus-key": key(name), ...attrs });
    const fields: Record<MotionField, HTMLInputElement> = {
      question: input("question", { type: "text", maxlength: MAX_QUESTION_CHARS, placeholder: t("vote.form.questionPlaceholder") }),
      quorum: input("quorum", { type: "number", min: 1, step: 1, inputmode: "numeric" }),
      closesAt: input("closes-at", { type: "time" }),
    };
    const select = <T extends string>(name: string, values: readonly T[], keys: Readonly<Record<T, MessageKey>>) =>
      h("select", { class: "input", "data-testid": `motion-${name}`, "data-focus-key": key(name) }, values.map((v) => h("option", { value: v }, t(keys[v]))));
    const rule = select("rule", RULES, RULE_KEYS);
    const base = select("base", BASES, BASE_KEYS);
    const field = (label: MessageKey, control: HTMLElement, wide = false) =>
      h("label", { class: `vote-field${wide ? " vote-field-wide" : ""}` }, h("span", { class: "vote-field-label" }, t(label)), control);
    const submit = h("button", { type: "submit", class: "btn btn-primary vote-small-btn", "data-testid": "motion-open-submit", "data-focus-key": key("submit") });
    const message = h("p", { class: "vote-error", role: "alert", "data-testid": "motion-open-error", hidden: true });
    const titleId = `motion-open-title-${itemId}`;
    const form = h(
      "form",
      { class: "vote-form", novalidate: true, "aria-labelledby": titleId, "data-testid": "motion-open-form", "data-item-id": itemId },
      h("p", { class: "vote-form-title", id: titleId }, t("vote.form.title")),
      field("vote.form.question", fields.question, true),
      h(
        "div",
        { class: "vote-form-row" },
        field("vote.form.rule", rule),
        field("vote.form.base", base),
        field("vote.form.quorum", fields.quorum),
        field("vote.form.closesAt", fields.closesAt),
      ),
      h("p", { class: "vote-hint" }, t("vote.form.options", { options: DEFAULT_OPTIONS.map((o) => optionLabel(o, t)).join(" · ") })),
      message,
      submit,
    );
    const f: OpenForm = { form, fields, rule, base, submit, message, invalid: null, pending: undefined };
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      void submitForm(itemId, f);
    });
    return f;
  }

  function openForm(itemId: AgendaItemId, pending: Pending | undefined): HTMLElement {
    let f = forms.get(itemId);
    if (!f) {
      f = makeForm(itemId);
      forms.set(itemId, f);
    }
    f.pending = pending;
    paintForm(f);
    return f.form;
  }

  // ── a motion ────────────────────────────────────────────────────────────
  function card(m: Motion, ctx: VotingContext): HTMLElement {
    const ballot = ctx.voting.ballots[m.id];
    const open = m.status === "open";
    // After the close, only a ballot that did not count (or has not gone yet) still needs saying.
    const lateBallot = !open && ballot !== undefined && ballot.kind !== "counted" && ballot.kind !== "sending";
    return h(
      "section",
      { class: `vote-card vote-${m.status}`, "aria-labelledby": `motion-title-${m.id}`, "data-testid": "motion-card", "data-motion-id": m.id, "data-status": m.status },
      h("p", { class: "vote-title", id: `motion-title-${m.id}`, "data-testid": "motion-title" }, m.question),
      h("p", { class: "vote-status", "data-testid": "motion-status" }, statusLine(m, t)),
      open && isMember(ctx) ? ballotControls(m, ballot) : null,
      !open && m.tally ? result(m, m.tally, ctx) : null,
      lateBallot ? outcome(ballot) : null,
      open ? null : verification(m, ctx.voting.verifications[m.id]),
      open && runsMeeting(ctx) ? closeControl(m, ctx.voting.closing[m.id]) : null,
    );
  }

  return {
    meetingBar(ctx) {
      const { meeting, voting, sync } = ctx;
      const motions = voting.motions?.kind === "ready" ? voting.motions.data : [];
      const parts = [
        voting.motions?.kind === "error"
          ? h(
              "div",
              { class: "vote-alert", role: "alert", "data-testid": "motions-error" },
              h("span", null, t("vote.loadFailed", { reason: reason(voting.motions.error) })),
              h("button", { type: "button", class: "btn btn-quiet", "data-focus-key": "motions-retry", onclick: actions.reloadMotions }, t("common.retry")),
            )
          : null,
        isMember(ctx) && offlineDuringVote(motions, sync)
          ? h("p", { class: "vote-alert", role: "alert", "data-testid": "offline-vote-warning" }, t("vote.offlineWarning"))
          : null,
        isMember(ctx) && meeting.status !== "cancelled" ? checkInControl(meeting.id, voting.checkIns[meeting.id]) : null,
      ].filter((p) => p !== null);
      return parts.length === 0 ? null : h("div", { class: "vote-bar" }, parts);
    },
    itemVotes(itemId, ctx) {
      const motions = ctx.voting.motions?.kind === "ready" ? motionsOfItem(ctx.voting.motions.data, itemId) : [];
      const form = runsMeeting(ctx) && ctx.meeting.status !== "cancelled";
      if (motions.length === 0 && !form) return null;
      return h("div", { class: "votes" }, motions.map((m) => card(m, ctx)), form ? openForm(itemId, ctx.voting.opening[itemId]) : null);
    },
  };
}

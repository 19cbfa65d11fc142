import type { AnnotationId, AnnotationView, DocumentId, OpinionDraft, OpinionRequestId, OpinionRequestView, OpinionStatus, PersonId, ProfileSummary, ReceivedResponse } from "../bindings";
import { h, replaceRegion } from "../dom";
import { formatMeetingWhen } from "../format";
import { errorMessage, type Locale, type Translate } from "../i18n";
import {
  annotationLinkLabel,
  answered,
  answerLabel,
  checkOpinion,
  dashboardRows,
  isOverdue,
  latestResponse,
  MAX_COMMENT_CHARS,
  opinionMessage,
  orderRequests,
  timeLeft,
  usableDraft,
  type SentOpinion,
} from "../opinions";
import { personName } from "../people";
import { spinner, statePanel } from "./common";
import type { Loadable } from "./main";

export interface OpinionsState {
  /** The requests this person answers (or, for the secretariat, all of them); null until first read. */
  requests: Loadable<OpinionRequestView[]> | null;
  /** This session's responses and what became of them, by request. */
  sent: Readonly<Record<OpinionRequestId, SentOpinion>>;
  /** The secretariat's view of who answered what (read from the server). */
  dashboards: Readonly<Record<OpinionRequestId, Loadable<OpinionStatus>>>;
}

export const NO_OPINIONS: OpinionsState = { requests: null, sent: {}, dashboards: {} };

export interface OpinionsActions {
  reload(): void;
  /** Resolves to true once the response stands (recorded, or signed and saved here). */
  answer(requestId: OpinionRequestId, choice: string, comment: string, onBehalfOf: PersonId | null, annotations: AnnotationId[]): Promise<boolean>;
  /** The member's private draft of an answer (synced among their devices); null when none or unreadable. */
  loadDraft(requestId: OpinionRequestId): Promise<OpinionDraft | null>;
  /** Saves the draft; resolves to true once saved. Never sends an answer. */
  saveDraft(requestId: OpinionRequestId, choice: string, comment: string): Promise<boolean>;
  /** The member's own annotations on these documents; null when they could not be read. */
  ownAnnotations(documents: DocumentId[]): Promise<AnnotationView[] | null>;
  reloadDashboard(requestId: OpinionRequestId): void;
}

export interface OpinionsView {
  readonly root: HTMLElement;
  update(state: OpinionsState, profile: ProfileSummary): void;
}

/** The answer form of one request. Its nodes outlive re-renders, so a half-written comment survives a sync. */
interface AnswerForm {
  form: HTMLFormElement;
  choices: HTMLInputElement[];
  respondent: HTMLSelectElement | null;
  comment: HTMLTextAreaElement;
  submit: HTMLButtonElement;
  message: HTMLElement;
  /** "Draft saved on your devices". */
  draftNote: HTMLElement;
  /** Where the member's own annotations are offered as links. */
  links: HTMLElement | null;
  /** Set once the member edits the choice or comment: a draft read late does not overwrite it. */
  touched: boolean;
  /** The pending debounced draft save. */
  draftTimer: ReturnType<typeof setTimeout> | null;
  /** What was last saved as a draft (or read from one), to skip saving it again. */
  savedDraft: string;
  /** The request as last drawn (its responses change with each sync). */
  view: OpinionRequestView;
}

/** How long typing pauses before the draft is saved. */
export const DRAFT_DELAY_MS = 1000;

export function mountOpinions(locale: Locale, t: Translate, actions: OpinionsActions, now: () => Date): OpinionsView {
  const reason = (error: unknown) => errorMessage(error, locale);
  const when = (iso: string) => formatMeetingWhen(iso, t);
  const forms = new Map<string, AnswerForm>();
  const region = h("div", { class: "opinions-region" });
  const root = h(
    "section",
    { class: "pane opinions-pane", "aria-labelledby": "opinions-heading", "data-testid": "opinions-pane" },
    h("div", { class: "opinions" }, h("h2", { id: "opinions-heading", class: "agenda-title" }, t("opinions.heading")), region),
  );
  /** What the list was last drawn from: a sync that changes none of it leaves focus and typing alone. */
  let drawn = "";

  // ── a member's answer ───────────────────────────────────────────────────
  /**
   * Starts the form from the latest response for `respondent`, so an answer is
   * amended rather than retyped; with none yet, what is filled in stays.
   */
  function prefill(f: AnswerForm, respondent: PersonId): void {
    const last = latestResponse(f.view, respondent);
    if (!last) return;
    for (const input of f.choices) input.checked = input.value === last.response.choice;
    f.comment.value = last.response.comment;
  }

  async function submit(f: AnswerForm, me: PersonId): Promise<void> {
    if (f.submit.getAttribute("aria-disabled") === "true") return;
    const choice = f.choices.find((c) => c.checked)?.value ?? null;
    const check = checkOpinion(f.view.request.answers, choice, f.comment.value);
    const text = check.ok ? "" : t(check.error);
    if (f.message.textContent !== text) f.message.textContent = text;
    f.message.hidden = check.ok;
    if (!check.ok) {
      (check.field === "comment" ? f.comment : f.choices[0])?.focus();
      return;
    }
    const respondent = f.respondent?.value ?? me;
    const annotations = f.links ? [...f.links.querySelectorAll<HTMLInputElement>('input[type="checkbox"]:checked')].map((c) => c.value) : [];
    await actions.answer(f.view.request.id, check.choice, check.comment, respondent === me ? null : respondent, annotations);
  }

  // ── the member's draft ──────────────────────────────────────────────────
  const draftOf = (f: AnswerForm) => JSON.stringify([f.choices.find((c) => c.checked)?.value ?? "", f.comment.value]);

  async function saveDraft(f: AnswerForm): Promise<void> {
    if (f.draftTimer !== null) clearTimeout(f.draftTimer);
    f.draftTimer = null;
    const draft = draftOf(f);
    if (draft === f.savedDraft) return;
    f.savedDraft = draft;
    const [choice, comment] = JSON.parse(draft) as [string, string];
    const saved = await actions.saveDraft(f.view.request.id, choice, comment);
    if (!saved && f.savedDraft === draft) f.savedDraft = "";
    if (saved && f.savedDraft === draft) f.draftNote.hidden = false;
  }

  function edited(f: AnswerForm): void {
    f.touched = true;
    f.draftNote.hidden = true;
    if (f.draftTimer !== null) clearTimeout(f.draftTimer);
    f.draftTimer = setTimeout(() => void saveDraft(f), DRAFT_DELAY_MS);
  }

  async function startFromDraft(f: AnswerForm): Promise<void> {
    if (answered(f.view)) return;
    const draft = usableDraft(await actions.loadDraft(f.view.request.id), f.view.request.answers);
    if (draft === null || f.touched) return;
    for (const input of f.choices) input.checked = input.value === draft.choice;
    f.comment.value = draft.comment;
    f.savedDraft = draftOf(f);
    f.draftNote.hidden = false;
  }

  // ── links to the member's own annotations ───────────────────────────────
  async function loadLinks(f: AnswerForm, documents: DocumentId[]): Promise<void> {
    const box = f.links;
    if (!box) return;
    const found = await actions.ownAnnotations(documents);
    const list = box.querySelector(".opinion-annotation-list")!;
    box.dataset["state"] = found === null ? "error" : "ready";
    if (found === null) {
      list.replaceChildren(h("p", { class: "vote-hint", role: "alert" }, t("opinions.annotationsFailed")));
    } else if (found.length === 0) {
      list.replaceChildren(h("p", { class: "vote-hint" }, t("opinions.annotationsNone")));
    } else {
      list.replaceChildren(
        h(
          "ul",
          { class: "opinion-annotations" },
          found.map((a) =>
            h(
              "li",
              null,
              h(
                "label",
                { class: "opinion-annotation-label" },
                h("input", {
                  type: "checkbox",
                  value: a.id,
                  "data-testid": "opinion-annotation",
                  "data-annotation-id": a.id,
                  "data-focus-key": `opinion-annotation-${a.id}:${f.view.request.id}`,
                }),
                " ",
                annotationLinkLabel(a, t),
              ),
            ),
          ),
        ),
      );
    }
  }

  function makeForm(view: OpinionRequestView, profile: ProfileSummary): AnswerForm {
    const id = view.request.id;
    const me = profile.person;
    const key = (name: string) => `opinion-${name}:${id}`;
    const choices = view.request.answers.map((answer) =>
      h("input", { type: "radio", name: `opinion-choice-${id}`, value: answer, "data-testid": "opinion-choice", "data-choice": answer, "data-focus-key": key(`choice-${answer}`) }),
    );
    // Someone answering under a mandate picks whom for; the member themself comes first.
    const others = view.answering_for.filter((p) => p !== me.id);
    const respondent =
      others.length === 0
        ? null
        : h(
            "select",
            { class: "input", "data-testid": "opinion-on-behalf", "data-focus-key": key("on-behalf") },
            view.answering_for.includes(me.id) ? h("option", { value: me.id }, t("opinions.self", { name: me.name })) : null,
            others.map((p) => h("option", { value: p }, t("opinions.onBehalf", { name: personName(p, me) }))),
          );
    const comment = h("textarea", {
      class: "input",
      rows: 3,
      maxlength: MAX_COMMENT_CHARS,
      placeholder: t("opinions.commentPlaceholder"),
      "data-testid": "opinion-comment",
      "data-focus-key": key("comment"),
    });
    const submitButton = h("button", { type: "submit", class: "btn btn-primary vote-small-btn", "data-testid": "opinion-submit", "data-focus-key": key("submit") });
    const message = h("p", { class: "vote-error", role: "alert", "data-testid": "opinion-error", hidden: true });
    const draftNote = h("p", { class: "vote-hint opinion-draft-saved", role: "status", "data-testid": "opinion-draft-saved", hidden: true }, t("opinions.draftSaved"));
    const documents = view.request.documents;
    const links =
      documents.length === 0
        ? null
        : h(
            "div",
            { class: "vote-field opinion-annotation-links", "data-testid": "opinion-annotations", "data-state": "loading" },
            h("span", { class: "vote-field-label" }, t("opinions.annotations")),
            h("div", { class: "opinion-annotation-list" }, h("p", { class: "vote-hint", role: "status" }, spinner(), " ", t("opinions.annotationsLoading"))),
          );
    const legendId = `opinion-choice-label-${id}`;
    const form = h(
      "form",
      { class: "vote-form opinion-form", novalidate: true, "data-testid": "opinion-form" },
      respondent ? h("label", { class: "vote-field" }, h("span", { class: "vote-field-label" }, t("opinions.respondent")), respondent) : null,
      h(
        "div",
        { class: "opinion-choices", role: "radiogroup", "aria-labelledby": legendId },
        h("span", { class: "vote-field-label", id: legendId }, t("opinions.choice")),
        choices.map((input, i) => h("label", { class: "opinion-choice" }, input, answerLabel(view.request.answers[i] ?? "", t))),
      ),
      h("label", { class: "vote-field" }, h("span", { class: "vote-field-label" }, t("opinions.comment")), comment),
      links,
      message,
      submitButton,
      // After the button: showing or hiding it moves nothing the member is about to click.
      draftNote,
    );
    const f: AnswerForm = { form, choices, respondent, comment, submit: submitButton, message, draftNote, links, touched: false, draftTimer: null, savedDraft: "", view };
    prefill(f, respondent?.value ?? me.id);
    comment.addEventListener("input", () => edited(f));
    comment.addEventListener("blur", () => {
      if (f.touched) void saveDraft(f);
    });
    for (const input of choices) input.addEventListener("change", () => edited(f));
    void startFromDraft(f);
    void loadLinks(f, documents);
    respondent?.addEventListener("change", () => prefill(f, respondent.value));
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      void submit(f, me.id);
    });
    return f;
  }

  function answerForm(view: OpinionRequestView, profile: ProfileSummary, sent: SentOpinion | undefined): HTMLElement {
    // A request whose answers or mandates changed gets a new form.
    const formKey = JSON.stringify([view.request.id, view.request.answers, view.answering_for]);
    let f = forms.get(formKey);
    if (!f) {
      f = makeForm(view, profile);
      forms.set(formKey, f);
    }
    f.view = view;
    const sending = sent?.delivery.kind === "sending";
    f.submit.setAttribute("aria-disabled", String(sending));
    f.submit.replaceChildren(...(sending ? [spinner()] : []), t(sending ? "opinions.submitting" : "opinions.submit"));
    return f.form;
  }

  function outcome(sent: SentOpinion): HTMLElement {
    const kind = sent.delivery.kind;
    const bad = kind === "refused" || kind === "failed";
    return h(
      "p",
      { class: `vote-outcome vote-outcome-${kind}`, role: bad ? "alert" : "status", "data-testid": "opinion-outcome", "data-state": kind },
      opinionMessage(sent, t, reason),
    );
  }

  /** One response, for the member's own list and the secretariat's dashboard. */
  function responseLine(r: ReceivedResponse, me: ProfileSummary["person"], testid: string, named: boolean): HTMLElement {
    const { respondent, signer, choice, comment } = r.response;
    const who = named ? `${personName(respondent, me)}: ` : "";
    return h(
      "li",
      { class: `opinion-response${r.late ? " opinion-late" : ""}`, "data-testid": testid, "data-respondent": respondent, "data-late": String(r.late) },
      h("span", { class: "opinion-response-answer" }, who, answerLabel(choice, t)),
      !named && respondent !== me.id ? h("span", { class: "vote-hint" }, ` (${t("opinions.responseFor", { name: personName(respondent, me) })})`) : null,
      // In one's own list, signing for someone else is said by "for …" already.
      signer !== respondent && (named || signer !== me.id) ? h("span", { class: "vote-hint", "data-testid": "opinion-signed-by" }, ` · ${t("opinions.signedBy", { name: personName(signer, me) })}`) : null,
      h("span", { class: "vote-hint" }, ` · ${t("opinions.receivedAt", { when: when(r.received_at) })}`),
      r.late ? h("span", { class: "badge badge-late", "data-testid": "opinion-late" }, t("opinions.late")) : null,
      comment === "" ? null : h("p", { class: "opinion-comment-text" }, comment),
    );
  }

  // ── the secretariat's dashboard ─────────────────────────────────────────
  function dashboard(view: OpinionRequestView, state: Loadable<OpinionStatus> | undefined, me: ProfileSummary["person"]): HTMLElement {
    const id = view.request.id;
    const box = (kind: string, ...children: Array<HTMLElement | null>) =>
      h(
        "section",
        { class: "opinion-dashboard", "data-testid": "opinion-dashboard", "data-state": kind, "aria-labelledby": `opinion-dashboard-${id}` },
        h("p", { class: "vote-form-title", id: `opinion-dashboard-${id}` }, t("opinions.dashboard")),
        ...children,
      );
    if (state === undefined || state.kind === "loading") {
      return box("loading", h("p", { class: "vote-hint", role: "status" }, spinner(), " ", t("opinions.dashboardLoading")));
    }
    if (state.kind === "error") {
      return box(
        "error",
        h(
          "div",
          { class: "vote-alert", role: "alert" },
          h("span", null, t("opinions.dashboardFailed", { reason: reason(state.error) })),
          h("button", { type: "button", class: "btn btn-quiet", "data-focus-key": `opinion-dashboard-retry:${id}`, onclick: () => actions.reloadDashboard(id) }, t("common.retry")),
        ),
      );
    }
    const s = state.data;
    const rows = dashboardRows(s);
    const missing = s.not_answered.map((p) => personName(p, me));
    return box(
      "ready",
      h(
        "p",
        { class: "opinion-progress", "data-testid": "opinion-progress" },
        `${t("opinions.progress", { answered: s.counted.length, total: s.request.recipients.length })} · ${timeLeft(s.request.deadline, now(), t)}`,
      ),
      h(
        "ul",
        { class: "vote-counts" },
        s.per_answer.map(([answer, n]) =>
          h("li", { "data-testid": "opinion-count", "data-answer": answer }, h("span", null, answerLabel(answer, t)), h("span", { class: "vote-count" }, String(n))),
        ),
      ),
      rows.length === 0
        ? h("p", { class: "vote-hint" }, t("opinions.noResponses"))
        : h("ul", { class: "opinion-responses" }, rows.map((r) => responseLine(r, me, "opinion-row", true))),
      h(
        "p",
        { class: missing.length === 0 ? "vote-ok" : "vote-hint", "data-testid": "opinion-not-answered" },
        missing.length === 0 ? t("opinions.allAnswered") : t("opinions.notAnswered", { count: missing.length, names: missing.join(", ") }),
      ),
    );
  }

  // ── a request ───────────────────────────────────────────────────────────
  function card(view: OpinionRequestView, state: OpinionsState, profile: ProfileSummary): HTMLElement {
    const { request } = view;
    const overdue = isOverdue(request, now());
    const answering = view.answering_for.length > 0;
    const sent = state.sent[request.id];
    const done = answered(view);
    const mine = [...view.responses].reverse();
    return h(
      "li",
      { class: `opinion-card${overdue ? " opinion-overdue" : ""}`, "data-testid": "opinion-request", "data-request-id": request.id, "aria-labelledby": `opinion-q-${request.id}` },
      h("p", { class: "vote-title", id: `opinion-q-${request.id}` }, request.question),
      h(
        "p",
        { class: "opinion-meta" },
        h("span", { "data-testid": "opinion-deadline" }, t("opinions.deadline", { when: when(request.deadline) })),
        h("span", { class: `opinion-left${overdue ? " vote-error" : ""}`, "data-testid": "opinion-time-left" }, timeLeft(request.deadline, now(), t)),
        answering
          ? h(
              "span",
              { class: `badge ${done ? "badge-published" : "badge-draft"}`, "data-testid": "opinion-state", "data-state": done ? "answered" : "not_answered" },
              t(done ? "opinions.state.answered" : "opinions.state.not_answered"),
            )
          : null,
        view.reminded > 0
          ? h("span", { class: "badge badge-reminded", "data-testid": "opinion-reminded" }, t(view.reminded === 1 ? "opinions.remindedOne" : "opinions.reminded", { count: view.reminded }))
          : null,
      ),
      answering ? h("p", { class: "vote-hint" }, t(overdue ? "opinions.overdueHint" : "opinions.changeHint")) : null,
      answering ? answerForm(view, profile, sent) : null,
      answering && sent ? outcome(sent) : null,
      mine.length === 0
        ? null
        : h(
            "div",
            { class: "opinion-previous" },
            h("p", { class: "vote-field-label" }, t("opinions.previous")),
            h("ul", { class: "opinion-responses" }, mine.map((r) => responseLine(r, profile.person, "opinion-response", false))),
          ),
      profile.person.role === "secretary" ? dashboard(view, state.dashboards[request.id], profile.person) : null,
    );
  }

  return {
    root,
    update(state, profile) {
      const inputs = JSON.stringify([state, profile.person]);
      if (inputs === drawn) return;
      drawn = inputs;
      const r = state.requests;
      if (r === null || r.kind === "loading") {
        replaceRegion(region, statePanel({ testid: "opinions-loading", title: t("opinions.loading"), loading: true }));
      } else if (r.kind === "error") {
        replaceRegion(
          region,
          statePanel({
            testid: "opinions-error",
            tone: "error",
            title: t("opinions.loadFailed"),
            hint: reason(r.error),
            action: { label: t("common.retry"), onClick: actions.reload, focusKey: "opinions-retry" },
          }),
        );
      } else if (r.data.length === 0) {
        replaceRegion(region, statePanel({ testid: "opinions-empty", title: t("opinions.empty"), hint: t("opinions.emptyHint") }));
      } else {
        replaceRegion(
          region,
          h("ol", { class: "opinion-list", role: "list" }, orderRequests(r.data, now()).map((v) => card(v, state, profile))),
        );
      }
    },
  };
}

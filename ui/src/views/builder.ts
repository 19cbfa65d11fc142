import type {
  AgendaItem,
  AgendaItemId,
  AgendaView,
  CreateMeetingRequest,
  Document,
  DocumentId,
  DocumentReader,
  Handling,
  ImportedPackage,
  ItemDetails,
  Meeting,
  MeetingId,
  MeetingKind,
  PendingKey,
  Person,
  PersonId,
  ProfileSummary,
  SignatureView,
  TokenSignRequest,
  UpdateAgendaItemRequest,
  UpdateMeetingRequest,
} from "../bindings";
import {
  checkAccess,
  checkItemDraft,
  checkPdfPath,
  createMeetingRequest,
  documentHandling,
  EMPTY_ITEM,
  EMPTY_MEETING,
  fileName,
  groupPendingKeys,
  ITEM_STATUSES,
  itemDraftOf,
  MAX_NAME_CHARS,
  MAX_TEXT_CHARS,
  MAX_TITLE_CHARS,
  MEETING_KINDS,
  meetingDraftOf,
  moveTargets,
  optionalTitle,
  revisedHandling,
  signatureVerdict,
  splitDropped,
  statusRequest,
  updateItemRequest,
  updateMeetingRequest,
  type ItemDraft,
  type ItemField,
  type MeetingDraft,
  type MeetingField,
  type RequestCheck,
  type SubstituteRow,
} from "../builder";
import { h, replaceRegion } from "../dom";
import type { FileDrop } from "../filedrop";
import type { Outcome } from "../command";
import { formatMeetingWhen, formatMoment, formatSize } from "../format";
import { errorMessage, type Locale, type MessageKey, type Translate } from "../i18n";
import { orderAgendaItems, orderMeetings } from "../meetings";
import { personName } from "../people";
import { spinner, statePanel } from "./common";
import type { Loadable } from "./main";

/** A secretariat change under way, saved (here only, when `waiting`), or why it failed. */
export type BuilderAction =
  | { kind: "sending" }
  | {
      kind: "done";
      /** Saved on this device; sent at the next sync. */
      waiting: boolean;
      /** For a document: its title and version, to say what was uploaded. */
      title?: string;
      version?: number;
      /** For a meeting: it was just created. */
      created?: boolean;
    }
  | { kind: "failed"; error: unknown };

export interface BuilderState {
  /** The meeting being edited; null while a new one is written. */
  meetingId: MeetingId | null;
  /** That meeting's agenda, as the builder last read it. */
  agenda: Loadable<AgendaView> | null;
  /** Devices waiting for document keys (read from the server while the builder is shown). */
  keys: Loadable<PendingKey[]> | null;
  /** Titles of the documents seen in agendas read this session, for the keys panel. */
  titles: Readonly<Record<DocumentId, string>>;
  /** This session's changes by what they act on (see TARGET). */
  actions: Readonly<Record<string, BuilderAction>>;
}

export const NO_BUILDER: BuilderState = { meetingId: null, agenda: null, keys: null, titles: {}, actions: {} };

/** What each change acts on: one change at a time each, and where its outcome is said. */
export const TARGET = {
  newMeeting: "meeting:new",
  meeting: (id: MeetingId) => `meeting:${id}`,
  status: (id: MeetingId) => `status:${id}`,
  newItem: (meetingId: MeetingId) => `new-item:${meetingId}`,
  item: (id: AgendaItemId) => `item:${id}`,
  move: (id: AgendaItemId) => `move:${id}`,
  access: (id: AgendaItemId) => `access:${id}`,
  attach: (id: AgendaItemId) => `attach:${id}`,
  revise: (id: DocumentId) => `revise:${id}`,
} as const;

export interface BuilderActions {
  /** Edits a meeting, or (null) starts a new one. */
  selectMeeting(id: MeetingId | null): void;
  reloadAgenda(): void;
  reloadKeys(): void;
  /** Each resolves to true once the change stands (recorded, or saved on this device). */
  createMeeting(request: CreateMeetingRequest): Promise<boolean>;
  updateMeeting(meetingId: MeetingId, request: UpdateMeetingRequest): Promise<boolean>;
  addItem(meetingId: MeetingId, title: string, only: PersonId[] | null, details: ItemDetails): Promise<boolean>;
  updateItem(itemId: AgendaItemId, request: UpdateAgendaItemRequest): Promise<boolean>;
  moveItem(itemId: AgendaItemId, position: number): Promise<boolean>;
  setAccess(itemId: AgendaItemId, only: PersonId[] | null): Promise<boolean>;
  addDocument(itemId: AgendaItemId, path: string, title: string | null, handling: Handling): Promise<boolean>;
  reviseDocument(documentId: DocumentId, path: string, title: string | null, handling: Handling | null): Promise<boolean>;
  /** Who has opened a document's latest version (asked of the server). */
  documentReaders(documentId: DocumentId): Promise<Outcome<DocumentReader[]>>;
  /** Signs the latest version on a token (PAdES) and publishes it as the next version. */
  signDocument(documentId: DocumentId, request: TokenSignRequest): Promise<Outcome<Document>>;
  /** The legal signatures already in a document, checked on this device. */
  documentSignatures(documentId: DocumentId): Promise<Outcome<SignatureView[]>>;
  /** Attaches a received exchange package (goi-tin.zip), checked whole first. */
  importExchange(itemId: AgendaItemId, path: string, acceptUntrusted: boolean): Promise<Outcome<ImportedPackage>>;
}

/** What the main screen passes on each render. */
export interface BuilderContext {
  builder: BuilderState;
  meetings: Loadable<Meeting[]>;
  people: readonly Person[];
  profile: ProfileSummary;
}

export interface BuilderView {
  readonly root: HTMLElement;
  update(ctx: BuilderContext): void;
  /** Files dragged over or dropped on the window (PDFs dropped on an item are attached to it). */
  handleFileDrop(drop: FileDrop): void;
}

// ── persistent forms (their nodes outlive re-renders, so typing survives a sync) ──

/** Checkboxes naming people; keeps the choice across a change of the list. */
interface Picker {
  root: HTMLElement;
  list: HTMLElement;
  chosen: Set<PersonId>;
  drawnFor: string;
  /** The checkboxes' test id and focus-key prefix. */
  testid: string;
  focusKey: string;
}

interface MeetingForm {
  key: string;
  form: HTMLFormElement;
  title: HTMLInputElement;
  startsAt: HTMLInputElement;
  kind: HTMLSelectElement;
  place: HTMLInputElement;
  participants: Picker;
  substitutes: { root: HTMLElement; list: HTMLElement; rows: SubstituteRow[]; invalidRow: number | null; drawnFor: string };
  draft: HTMLInputElement | null;
  submit: HTMLButtonElement;
  message: HTMLElement;
  outcome: HTMLElement;
  /** Publish and cancel, for a meeting that exists. */
  statusBar: HTMLElement;
  dirty: boolean;
  copied: string;
}

interface ItemForm {
  form: HTMLFormElement;
  title: HTMLInputElement;
  ministry: HTMLInputElement;
  summary: HTMLTextAreaElement;
  action: HTMLTextAreaElement;
  status: HTMLSelectElement | null;
  submit: HTMLButtonElement;
  message: HTMLElement;
  outcome: HTMLElement;
}

interface AccessForm {
  form: HTMLFormElement;
  all: HTMLInputElement;
  only: HTMLInputElement;
  picker: Picker;
  submit: HTMLButtonElement;
  message: HTMLElement;
  outcome: HTMLElement;
  dirty: boolean;
  copied: string;
}

interface DocForm {
  form: HTMLFormElement;
  path: HTMLInputElement;
  title: HTMLInputElement;
  noPrint: HTMLInputElement;
  noExport: HTMLInputElement;
  submit: HTMLButtonElement;
  message: HTMLElement;
  outcome: HTMLElement;
}

interface ItemCard {
  id: AgendaItemId;
  root: HTMLLIElement;
  head: HTMLElement;
  documents: HTMLElement;
  up: HTMLButtonElement;
  down: HTMLButtonElement;
  moveOutcome: HTMLElement;
  edit: ItemForm;
  editDetails: HTMLDetailsElement;
  editDirty: boolean;
  editCopied: string;
  access: AccessForm;
  attach: DocForm;
  item: AgendaItem;
}

interface NewItemForm extends ItemForm {
  restrict: HTMLInputElement;
  picker: Picker;
}

interface ReviseForm extends DocForm {
  details: HTMLDetailsElement;
  copied: string;
  /** The document's latest version, as last drawn. */
  doc: Document;
}

const KIND_KEYS: Readonly<Record<MeetingKind, MessageKey>> = {
  regular: "meeting.kind.regular",
  thematic: "meeting.kind.thematic",
  extraordinary: "meeting.kind.extraordinary",
};

export function mountBuilder(locale: Locale, t: Translate, actions: BuilderActions, now: () => Date): BuilderView {
  const reason = (error: unknown) => errorMessage(error, locale);
  const meetingForms = new Map<string, MeetingForm>();
  const cards = new Map<AgendaItemId, ItemCard>();
  const newItemForms = new Map<MeetingId, NewItemForm>();
  const reviseForms = new Map<DocumentId, ReviseForm>();
  /** "Ký số" panels, kept across re-renders (what is typed survives a sync), and the token's module last used. */
  const signPanels = new Map<DocumentId, { details: HTMLDetailsElement; doc: Document }>();
  let lastModule = "";
  /** Read-receipt panels: kept across re-renders, so an open one stays open; with what they were last drawn for. */
  const readerPanels = new Map<DocumentId, { details: HTMLDetailsElement; doc: Document; ctx: BuilderContext }>();
  // One chip per document version: its signatures are checked once, as it enters.
  const signatureChips = new Map<string, HTMLElement>();
  let confirmCancel: MeetingId | null = null;
  let last: BuilderContext | null = null;
  let drawn = "";

  const side = h("div", { class: "builder-side-region" });
  const keysRegion = h("div", { class: "builder-keys-region" });
  const dropNotice = h("p", { class: "vote-error", role: "alert", "data-testid": "builder-drop-notice", hidden: true });
  const mainRegion = h("div", { class: "builder-main-region" });
  const root = h(
    "section",
    { class: "pane builder-pane", "aria-labelledby": "builder-heading", "data-testid": "builder-pane" },
    h(
      "div",
      { class: "builder" },
      h("h2", { id: "builder-heading", class: "agenda-title" }, t("builder.heading")),
      h(
        "div",
        { class: "builder-layout" },
        h(
          "nav",
          { class: "builder-side", "aria-label": t("builder.meetings") },
          side,
          h(
            "section",
            { class: "builder-keys", "aria-labelledby": "pending-keys-heading", "data-testid": "pending-keys" },
            h(
              "div",
              { class: "builder-keys-head" },
              h("h3", { id: "pending-keys-heading", class: "vote-form-title" }, t("keys.heading")),
              h(
                "button",
                {
                  type: "button",
                  class: "btn btn-quiet vote-small-btn",
                  "data-testid": "pending-keys-refresh",
                  "data-focus-key": "pending-keys-refresh",
                  onclick: () => actions.reloadKeys(),
                },
                t("keys.refresh"),
              ),
            ),
            h("p", { class: "vote-hint" }, t("keys.hint")),
            keysRegion,
          ),
        ),
        h("div", { class: "builder-main" }, dropNotice, mainRegion),
      ),
    ),
  );

  // ── small helpers ───────────────────────────────────────────────────────
  function setText(el: HTMLElement, text: string): void {
    // Only on a change: some of these are alerts, read out each time they are set.
    if (el.textContent !== text) el.textContent = text;
    el.hidden = text === "";
  }

  function field(label: MessageKey, control: HTMLElement, extra: { wide?: boolean; hint?: MessageKey } = {}): HTMLElement {
    return h(
      "label",
      { class: `vote-field${extra.wide ? " vote-field-wide" : ""}` },
      h("span", { class: "vote-field-label" }, t(label)),
      control,
      extra.hint ? h("span", { class: "vote-hint" }, t(extra.hint)) : null,
    );
  }

  function input(testid: string, key: string, attrs: Record<string, string | number> = {}): HTMLInputElement {
    return h("input", { type: "text", class: "input", autocomplete: "off", "data-testid": testid, "data-focus-key": key, ...attrs });
  }

  function textarea(testid: string, key: string, placeholder?: MessageKey): HTMLTextAreaElement {
    return h("textarea", {
      class: "input builder-textarea",
      rows: 3,
      maxlength: MAX_TEXT_CHARS,
      placeholder: placeholder ? t(placeholder) : null,
      "data-testid": testid,
      "data-focus-key": key,
    });
  }

  function checkbox(testid: string, key: string, label: MessageKey): { box: HTMLInputElement; label: HTMLElement } {
    const box = h("input", { type: "checkbox", "data-testid": testid, "data-focus-key": key });
    return { box, label: h("label", { class: "opinion-choice" }, box, t(label)) };
  }

  function statusSelect(testid: string, key: string): HTMLSelectElement {
    return h(
      "select",
      { class: "input", "data-testid": testid, "data-focus-key": key },
      ITEM_STATUSES.map((s) => h("option", { value: s }, t(`item.status.${s}`))),
    );
  }

  function message(testid: string): HTMLElement {
    return h("p", { class: "vote-error", role: "alert", "data-testid": testid, hidden: true });
  }

  function outcome(testid: string): HTMLElement {
    return h("p", { class: "vote-outcome", "data-testid": testid, hidden: true });
  }

  /**
   * Says what became of a change: saved (or saved here, to be sent), or
   * failed; while it runs, `sending` (none where the form's button says it).
   */
  function paintOutcome(el: HTMLElement, action: BuilderAction | undefined, done: string, sending: string | null = null): void {
    const state = action === undefined ? "" : action.kind === "done" ? (action.waiting ? "waiting" : "saved") : action.kind;
    const text =
      action === undefined
        ? ""
        : action.kind === "sending"
          ? (sending ?? "")
          : action.kind === "failed"
            ? t("builder.failed", { reason: reason(action.error) })
            : action.waiting
              ? t("builder.savedWaiting")
              : done;
    const key = `${state}:${text}`;
    if (el.dataset["key"] === key) return;
    el.dataset["key"] = key;
    el.dataset["state"] = state;
    el.className = `vote-outcome vote-outcome-${{ saved: "counted", waiting: "waiting", sending: "sending", failed: "failed", "": "none" }[state]}`;
    el.setAttribute("role", state === "failed" ? "alert" : "status");
    el.replaceChildren(...(state === "sending" ? [spinner(), " "] : []), text);
    el.hidden = text === "";
  }

  function paintSubmit(button: HTMLButtonElement, action: BuilderAction | undefined, label: string, sending: string = t("builder.saving")): void {
    const busy = action?.kind === "sending";
    button.setAttribute("aria-disabled", String(busy));
    const text = busy ? sending : label;
    if (button.dataset["text"] !== text) {
      button.dataset["text"] = text;
      button.replaceChildren(...(busy ? [spinner()] : []), text);
    }
  }

  const busy = (button: HTMLElement) => button.getAttribute("aria-disabled") === "true";

  const byName = (a: Person, b: Person) => a.name.localeCompare(b.name, "vi") || a.id.localeCompare(b.id);
  const membersOf = (people: readonly Person[]) => people.filter((p) => p.role === "member").sort(byName);
  const everyone = (people: readonly Person[]) => [...people].sort(byName);

  // ── people pickers ──────────────────────────────────────────────────────
  function makePicker(testid: string, key: string, legend: MessageKey, hint: MessageKey | null, onChange: () => void): Picker {
    const list = h("div", { class: "builder-people" });
    const root = h("fieldset", { class: "builder-fieldset" }, h("legend", { class: "vote-field-label" }, t(legend)), hint ? h("p", { class: "vote-hint" }, t(hint)) : null, list);
    const picker: Picker = { root, list, chosen: new Set(), drawnFor: "", testid, focusKey: key };
    list.addEventListener("change", (e) => {
      const box = e.target;
      if (!(box instanceof HTMLInputElement) || box.type !== "checkbox") return;
      if (box.checked) picker.chosen.add(box.value);
      else picker.chosen.delete(box.value);
      onChange();
    });
    return picker;
  }

  function paintPicker(p: Picker, people: readonly Person[]): void {
    const key = JSON.stringify([people.map((x) => [x.id, x.name]), [...p.chosen].sort()]);
    if (p.drawnFor === key) return;
    p.drawnFor = key;
    const { testid, focusKey } = p;
    replaceRegion(
      p.list,
      people.length === 0
        ? h("p", { class: "vote-hint" }, t("builder.people.none"))
        : people.map((person) =>
            h(
              "label",
              { class: "opinion-choice builder-person" },
              h("input", {
                type: "checkbox",
                value: person.id,
                checked: p.chosen.has(person.id),
                "data-testid": testid,
                "data-person-id": person.id,
                "data-focus-key": `${focusKey}:${person.id}`,
              }),
              person.name,
            ),
          ),
    );
  }

  function setChosen(p: Picker, ids: readonly PersonId[]): void {
    p.chosen = new Set(ids);
    p.drawnFor = "";
  }

  // ── the meeting form ────────────────────────────────────────────────────
  function makeMeetingForm(key: string): MeetingForm {
    const isNew = key === "new";
    const k = (name: string) => `builder-meeting-${name}:${key}`;
    const dirty = () => {
      f.dirty = true;
    };
    const title = input("builder-meeting-title", k("title"), { maxlength: MAX_TITLE_CHARS, placeholder: t("builder.meeting.titlePlaceholder") });
    const startsAt = input("builder-meeting-starts-at", k("starts-at"), { type: "datetime-local" });
    const kind = h(
      "select",
      { class: "input", "data-testid": "builder-meeting-kind", "data-focus-key": k("kind") },
      MEETING_KINDS.map((value) => h("option", { value }, t(KIND_KEYS[value]))),
    );
    const place = input("builder-meeting-place", k("place"), { maxlength: MAX_NAME_CHARS, placeholder: t("builder.meeting.placePlaceholder") });
    const participants = makePicker("builder-participant", k("participant"), "builder.meeting.participants", "builder.meeting.participantsHint", dirty);
    const subsList = h("div", { class: "builder-substitutes" });
    const subsRoot = h(
      "fieldset",
      { class: "builder-fieldset", "data-testid": "builder-substitutes" },
      h("legend", { class: "vote-field-label" }, t("builder.meeting.substitutes")),
      h("p", { class: "vote-hint" }, t("builder.meeting.substitutesHint")),
      subsList,
      h(
        "button",
        {
          type: "button",
          class: "btn btn-secondary vote-small-btn",
          "data-testid": "builder-substitute-add",
          "data-focus-key": k("substitute-add"),
          onclick: () => {
            f.substitutes.rows.push({ member: "", substitute: "" });
            f.dirty = true;
            paintSubstitutes(f, last?.people ?? []);
            subsList.querySelector<HTMLElement>(`[data-focus-key="${k(`substitute-member-${f.substitutes.rows.length - 1}`)}"]`)?.focus();
          },
        },
        t("builder.meeting.substituteAdd"),
      ),
    );
    const draftBox = isNew ? checkbox("builder-meeting-draft", k("draft"), "builder.meeting.draft") : null;
    if (draftBox) draftBox.box.checked = EMPTY_MEETING.draft;
    const submit = h("button", { type: "submit", class: "btn btn-primary vote-small-btn", "data-testid": "builder-meeting-submit", "data-focus-key": k("submit") });
    const msg = message("builder-meeting-error");
    const out = outcome("builder-meeting-outcome");
    const statusBar = h("div", { class: "builder-status-bar" });
    const titleId = `builder-meeting-form-title-${key}`;
    const form = h(
      "form",
      { class: "vote-form builder-card", novalidate: true, "aria-labelledby": titleId, "data-testid": "builder-meeting-form", "data-meeting-id": key },
      h("h3", { class: "vote-form-title", id: titleId }, t(isNew ? "builder.newMeetingTitle" : "builder.editMeetingTitle")),
      field("builder.meeting.title", title, { wide: true }),
      h(
        "div",
        { class: "vote-form-row" },
        field("builder.meeting.startsAt", startsAt),
        field("builder.meeting.kind", kind),
        field("builder.meeting.place", place),
      ),
      participants.root,
      subsRoot,
      draftBox?.label ?? null,
      msg,
      h("div", { class: "builder-actions" }, submit),
      out,
      isNew ? null : statusBar,
    );
    const f: MeetingForm = {
      key,
      form,
      title,
      startsAt,
      kind,
      place,
      participants,
      substitutes: { root: subsRoot, list: subsList, rows: [], invalidRow: null, drawnFor: "" },
      draft: draftBox?.box ?? null,
      submit,
      message: msg,
      outcome: out,
      statusBar,
      dirty: false,
      copied: "",
    };
    form.addEventListener("input", dirty);
    form.addEventListener("change", dirty);
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      void submitMeeting(f);
    });
    return f;
  }

  function paintSubstitutes(f: MeetingForm, people: readonly Person[]): void {
    const s = f.substitutes;
    const key = JSON.stringify([people.map((p) => [p.id, p.name, p.role]), s.rows, s.invalidRow]);
    if (s.drawnFor === key) return;
    s.drawnFor = key;
    const k = (name: string) => `builder-meeting-${name}:${f.key}`;
    const members = membersOf(people);
    const all = everyone(people);
    const options = (list: readonly Person[], value: string) => {
      // Someone this device has not heard of stays chosen, named by id.
      const known = value === "" || list.some((p) => p.id === value);
      return [
        h("option", { value: "" }, t("builder.meeting.choose")),
        known ? null : h("option", { value }, personName(value, last?.profile.person ?? { id: "", name: "" })),
        list.map((p) => h("option", { value: p.id }, p.name)),
      ];
    };
    replaceRegion(
      s.list,
      s.rows.map((row, i) => {
        const member = h(
          "select",
          {
            class: "input",
            "aria-label": t("builder.meeting.substituteMember"),
            "aria-invalid": String(s.invalidRow === i),
            "data-testid": "builder-substitute-member",
            "data-focus-key": k(`substitute-member-${i}`),
            onchange: (e: Event) => {
              row.member = (e.target as HTMLSelectElement).value;
            },
          },
          options(members, row.member),
        );
        member.value = row.member;
        const substitute = h(
          "select",
          {
            class: "input",
            "aria-label": t("builder.meeting.substitutePerson"),
            "aria-invalid": String(s.invalidRow === i),
            "data-testid": "builder-substitute-person",
            "data-focus-key": k(`substitute-person-${i}`),
            onchange: (e: Event) => {
              row.substitute = (e.target as HTMLSelectElement).value;
            },
          },
          options(all, row.substitute),
        );
        substitute.value = row.substitute;
        return h(
          "div",
          { class: "builder-substitute-row", "data-testid": "builder-substitute-row" },
          field("builder.meeting.substituteMember", member),
          h("span", { class: "builder-arrow", "aria-hidden": "true" }, "→"),
          field("builder.meeting.substitutePerson", substitute),
          h(
            "button",
            {
              type: "button",
              class: "btn btn-quiet vote-small-btn",
              "data-testid": "builder-substitute-remove",
              "data-focus-key": k(`substitute-remove-${i}`),
              onclick: () => {
                s.rows.splice(i, 1);
                s.invalidRow = null;
                f.dirty = true;
                paintSubstitutes(f, last?.people ?? []);
                f.substitutes.root.querySelector<HTMLElement>('[data-testid="builder-substitute-add"]')?.focus();
              },
            },
            t("builder.meeting.substituteRemove"),
          ),
        );
      }),
    );
  }

  function readMeeting(f: MeetingForm): MeetingDraft {
    const kind = MEETING_KINDS.find((k) => k === f.kind.value) ?? "regular";
    return {
      title: f.title.value,
      startsAt: f.startsAt.value,
      kind,
      place: f.place.value,
      participants: [...f.participants.chosen],
      substitutes: f.substitutes.rows.map((r) => ({ ...r })),
      draft: f.draft?.checked ?? false,
    };
  }

  function fillMeeting(f: MeetingForm, d: MeetingDraft): void {
    f.title.value = d.title;
    f.startsAt.value = d.startsAt;
    f.kind.value = d.kind;
    f.place.value = d.place;
    setChosen(f.participants, d.participants);
    f.substitutes.rows = d.substitutes.map((r) => ({ ...r }));
    f.substitutes.invalidRow = null;
    f.substitutes.drawnFor = "";
    if (f.draft) f.draft.checked = d.draft;
  }

  const MEETING_FIELDS: Readonly<Record<Exclude<MeetingField, "substitutes">, (f: MeetingForm) => HTMLElement>> = {
    title: (f) => f.title,
    startsAt: (f) => f.startsAt,
    place: (f) => f.place,
  };

  /** Shows what is wrong with the form (and goes there); true when there is nothing. */
  function passes<T>(f: MeetingForm, check: RequestCheck<T>): check is { ok: true; request: T } {
    for (const el of [f.title, f.startsAt, f.place]) el.setAttribute("aria-invalid", "false");
    f.substitutes.invalidRow = check.ok ? null : (check.row ?? null);
    setText(f.message, check.ok ? "" : t(check.error));
    paintSubstitutes(f, last?.people ?? []);
    if (check.ok) return true;
    if (check.field === "substitutes") {
      f.substitutes.list.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
    } else {
      const el = MEETING_FIELDS[check.field](f);
      el.setAttribute("aria-invalid", "true");
      el.focus();
    }
    return false;
  }

  async function submitMeeting(f: MeetingForm): Promise<void> {
    if (busy(f.submit)) return;
    const draft = readMeeting(f);
    let saved: boolean;
    if (f.key === "new") {
      const check = createMeetingRequest(draft);
      if (!passes(f, check)) return;
      saved = await actions.createMeeting(check.request);
    } else {
      const check = updateMeetingRequest(draft);
      if (!passes(f, check)) return;
      saved = await actions.updateMeeting(f.key, check.request);
    }
    if (!saved) return;
    f.dirty = false;
    if (f.key === "new") {
      fillMeeting(f, EMPTY_MEETING);
      f.copied = "";
    }
    redraw();
  }

  function paintMeetingForm(f: MeetingForm, meeting: Meeting | null, ctx: BuilderContext): void {
    if (meeting) {
      const current = meetingDraftOf(meeting);
      const key = JSON.stringify(current);
      if (!f.dirty && key !== f.copied) {
        fillMeeting(f, current);
        f.copied = key;
      }
    }
    const members = membersOf(ctx.people);
    paintPicker(f.participants, members);
    paintSubstitutes(f, ctx.people);
    const target = meeting ? TARGET.meeting(meeting.id) : TARGET.newMeeting;
    const action = ctx.builder.actions[target];
    paintSubmit(f.submit, action, t(meeting ? "builder.meeting.save" : "builder.meeting.create"));
    paintOutcome(f.outcome, action, t(action?.kind === "done" && action.created ? "builder.created" : "builder.saved"));
    if (meeting) paintStatusBar(f, meeting, ctx);
  }

  function paintStatusBar(f: MeetingForm, meeting: Meeting, ctx: BuilderContext): void {
    const action = ctx.builder.actions[TARGET.status(meeting.id)];
    const sending = action?.kind === "sending";
    const done = meeting.status === "cancelled" ? t("builder.cancelled") : t("builder.published");
    const result = outcome("builder-status-outcome");
    paintOutcome(result, action, done);
    const publish =
      meeting.status === "draft"
        ? h(
            "div",
            { class: "vote-close" },
            h(
              "button",
              {
                type: "button",
                class: "btn btn-primary vote-small-btn",
                "aria-disabled": String(sending),
                "data-testid": "builder-meeting-publish",
                "data-focus-key": `builder-publish:${meeting.id}`,
                onclick: (e: Event) => {
                  if (!busy(e.currentTarget as HTMLElement)) void actions.updateMeeting(meeting.id, statusRequest("published"));
                },
              },
              sending ? spinner() : null,
              t("builder.meeting.publish"),
            ),
            h("p", { class: "vote-hint" }, t("builder.meeting.publishHint")),
          )
        : null;
    let cancel: HTMLElement | null = null;
    if (meeting.status !== "cancelled") {
      cancel =
        confirmCancel === meeting.id && !sending
          ? h(
              "div",
              { class: "vote-confirm", role: "group", "aria-labelledby": `builder-cancel-q-${meeting.id}` },
              h("p", { id: `builder-cancel-q-${meeting.id}` }, t("builder.meeting.cancelConfirm")),
              h(
                "button",
                {
                  type: "button",
                  class: "btn vote-danger-btn vote-small-btn",
                  "data-testid": "builder-meeting-cancel-confirm",
                  "data-focus-key": `builder-cancel:${meeting.id}`,
                  onclick: () => {
                    confirmCancel = null;
                    void actions.updateMeeting(meeting.id, statusRequest("cancelled"));
                  },
                },
                t("builder.meeting.cancelYes"),
              ),
              h(
                "button",
                {
                  type: "button",
                  class: "btn btn-secondary vote-small-btn",
                  "data-testid": "builder-meeting-cancel-keep",
                  "data-focus-key": `builder-cancel-keep:${meeting.id}`,
                  onclick: () => askCancel(null, `builder-cancel:${meeting.id}`),
                },
                t("builder.meeting.cancelNo"),
              ),
            )
          : h(
              "button",
              {
                type: "button",
                class: "btn btn-secondary vote-small-btn vote-danger",
                "aria-disabled": String(sending),
                "data-testid": "builder-meeting-cancel",
                "data-focus-key": `builder-cancel:${meeting.id}`,
                onclick: (e: Event) => {
                  if (!busy(e.currentTarget as HTMLElement)) askCancel(meeting.id, `builder-cancel-keep:${meeting.id}`);
                },
              },
              t("builder.meeting.cancel"),
            );
    }
    replaceRegion(f.statusBar, publish, cancel, result);
  }

  function askCancel(meetingId: MeetingId | null, focus: string): void {
    confirmCancel = meetingId;
    redraw();
    root.querySelector<HTMLElement>(`[data-focus-key="${focus}"]`)?.focus();
  }

  function meetingForm(meeting: Meeting | null, ctx: BuilderContext): HTMLElement {
    const key = meeting?.id ?? "new";
    let f = meetingForms.get(key);
    if (!f) {
      f = makeMeetingForm(key);
      meetingForms.set(key, f);
    }
    paintMeetingForm(f, meeting, ctx);
    return f.form;
  }

  // ── agenda items ────────────────────────────────────────────────────────
  function makeItemFields(prefix: string, key: string, withStatus: boolean): Omit<ItemForm, "form" | "submit" | "message" | "outcome"> {
    const k = (name: string) => `${prefix}-${name}:${key}`;
    return {
      title: input(`${prefix}-title`, k("title"), { maxlength: MAX_TITLE_CHARS }),
      ministry: input(`${prefix}-ministry`, k("ministry"), { maxlength: MAX_NAME_CHARS, placeholder: t("builder.item.ministryPlaceholder") }),
      summary: textarea(`${prefix}-summary`, k("summary")),
      action: textarea(`${prefix}-action`, k("action"), "builder.item.actionPlaceholder"),
      status: withStatus ? statusSelect(`${prefix}-status`, k("status")) : null,
    };
  }

  function itemFieldsBlock(fields: Omit<ItemForm, "form" | "submit" | "message" | "outcome">, titleLabel: MessageKey): HTMLElement[] {
    return [
      field(titleLabel, fields.title, { wide: true }),
      h("div", { class: "vote-form-row" }, field("builder.item.ministry", fields.ministry), fields.status ? field("builder.item.status", fields.status) : null),
      field("builder.item.summary", fields.summary, { wide: true }),
      field("builder.item.action", fields.action, { wide: true }),
    ];
  }

  function readItem(f: Omit<ItemForm, "form" | "submit" | "message" | "outcome">): ItemDraft {
    return {
      title: f.title.value,
      ministry: f.ministry.value,
      summary: f.summary.value,
      action: f.action.value,
      status: ITEM_STATUSES.find((s) => s === f.status?.value) ?? "scheduled",
    };
  }

  function fillItem(f: Omit<ItemForm, "form" | "submit" | "message" | "outcome">, d: ItemDraft): void {
    f.title.value = d.title;
    f.ministry.value = d.ministry;
    f.summary.value = d.summary;
    f.action.value = d.action;
    if (f.status) f.status.value = d.status;
  }

  function showItemError(f: Omit<ItemForm, "form" | "submit" | "outcome">, fieldName: ItemField | null, error: MessageKey | null): void {
    for (const el of [f.title, f.ministry, f.summary, f.action]) el.setAttribute("aria-invalid", "false");
    setText(f.message, error ? t(error) : "");
    if (fieldName) {
      const el = { title: f.title, ministry: f.ministry, summary: f.summary, action: f.action }[fieldName];
      el.setAttribute("aria-invalid", "true");
      el.focus();
    }
  }

  function makeDocForm(prefix: string, key: string, submitLabel: MessageKey, onSubmit: (f: DocForm) => void): DocForm {
    const k = (name: string) => `${prefix}-${name}:${key}`;
    const path = input(`${prefix}-path`, k("path"), { placeholder: t("builder.doc.pathPlaceholder"), spellcheck: "false" });
    const title = input(`${prefix}-title`, k("title"), { maxlength: MAX_TITLE_CHARS });
    const noPrint = checkbox(`${prefix}-no-print`, k("no-print"), "builder.doc.noPrint");
    const noExport = checkbox(`${prefix}-no-export`, k("no-export"), "builder.doc.noExport");
    const submit = h("button", { type: "submit", class: "btn btn-primary vote-small-btn", "data-testid": `${prefix}-submit`, "data-focus-key": k("submit") });
    submit.textContent = t(submitLabel);
    const form = h(
      "form",
      { class: "builder-doc-form", novalidate: true, "data-testid": `${prefix}-form` },
      field("builder.doc.path", path, { wide: true }),
      field("builder.doc.title", title, { wide: true, hint: "builder.doc.titleHint" }),
      h("div", { class: "builder-checks" }, noPrint.label, noExport.label),
      message(`${prefix}-error`),
      h("div", { class: "builder-actions" }, submit),
      outcome(`${prefix}-outcome`),
    );
    const f: DocForm = {
      form,
      path,
      title,
      noPrint: noPrint.box,
      noExport: noExport.box,
      submit,
      message: form.querySelector<HTMLElement>(`[data-testid="${prefix}-error"]`)!,
      outcome: form.querySelector<HTMLElement>(`[data-testid="${prefix}-outcome"]`)!,
    };
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      if (!busy(submit)) onSubmit(f);
    });
    return f;
  }

  /** Checks a document form; null (with the reason shown and focus on the field) when it is not ready to send. */
  function checkDocForm(f: DocForm): { path: string; title: string | null } | null {
    f.path.setAttribute("aria-invalid", "false");
    f.title.setAttribute("aria-invalid", "false");
    const path = checkPdfPath(f.path.value);
    if (!path.ok) {
      setText(f.message, t(path.error));
      f.path.setAttribute("aria-invalid", "true");
      f.path.focus();
      return null;
    }
    const title = optionalTitle(f.title.value);
    if (!title.ok) {
      setText(f.message, t(title.error));
      f.title.setAttribute("aria-invalid", "true");
      f.title.focus();
      return null;
    }
    setText(f.message, "");
    return { path: path.path, title: title.title };
  }

  const handlingOf = (f: DocForm): Required<Handling> => ({ no_print: f.noPrint.checked, no_export: f.noExport.checked });

  async function attach(card: ItemCard, path: string, title: string | null): Promise<boolean> {
    const ok = await actions.addDocument(card.id, path, title, handlingOf(card.attach));
    if (ok) {
      card.attach.path.value = "";
      card.attach.title.value = "";
    }
    return ok;
  }

  function makeCard(item: AgendaItem): ItemCard {
    const id = item.id;
    const k = (name: string) => `builder-${name}:${id}`;
    const head = h("div", { class: "builder-item-head" });
    const documents = h("div", { class: "builder-item-docs" });
    const moveButton = (dir: "up" | "down") =>
      h("button", {
        type: "button",
        class: "btn btn-tool",
        "data-testid": `builder-move-${dir}`,
        "data-focus-key": k(`move-${dir}`),
        onclick: (e: Event) => {
          if (busy(e.currentTarget as HTMLElement)) return;
          const target = moveTargets(last?.builder.agenda?.kind === "ready" ? last.builder.agenda.data.items : [], id)[dir];
          if (target !== null) void actions.moveItem(id, target);
        },
      });
    const up = moveButton("up");
    up.textContent = "↑";
    const down = moveButton("down");
    down.textContent = "↓";

    // Editing the item.
    const fields = makeItemFields("builder-edit", id, true);
    const editSubmit = h("button", { type: "submit", class: "btn btn-primary vote-small-btn", "data-testid": "builder-item-save", "data-focus-key": k("item-save") });
    const editMessage = message("builder-item-error");
    const editOutcome = outcome("builder-item-outcome");
    const editForm = h("form", { class: "vote-form", novalidate: true }, itemFieldsBlock(fields, "builder.item.title"), editMessage, h("div", { class: "builder-actions" }, editSubmit));
    const editDetails = h(
      "details",
      { class: "builder-details", "data-testid": "builder-item-edit" },
      h("summary", { "data-focus-key": k("edit-summary") }, t("builder.item.edit")),
      editForm,
    );

    // Who may read its documents.
    const accessAll = h("input", { type: "radio", name: `builder-access-${id}`, value: "all", "data-testid": "builder-access-all", "data-focus-key": k("access-all") });
    const accessOnly = h("input", { type: "radio", name: `builder-access-${id}`, value: "only", "data-testid": "builder-access-only", "data-focus-key": k("access-only") });
    const accessPicker = makePicker("builder-access-person", k("access-person"), "builder.access.people", null, () => {
      card.access.dirty = true;
    });
    const accessSubmit = h("button", { type: "submit", class: "btn btn-primary vote-small-btn", "data-testid": "builder-access-save", "data-focus-key": k("access-save") });
    const accessMessage = message("builder-access-error");
    const accessOutcome = outcome("builder-access-outcome");
    const accessForm = h(
      "form",
      { class: "vote-form", novalidate: true },
      h(
        "div",
        { class: "opinion-choices", role: "radiogroup", "aria-label": t("builder.access") },
        h("label", { class: "opinion-choice" }, accessAll, t("builder.access.all")),
        h("label", { class: "opinion-choice" }, accessOnly, t("builder.access.only")),
      ),
      accessPicker.root,
      accessMessage,
      h("div", { class: "builder-actions" }, accessSubmit),
    );
    const accessDetails = h(
      "details",
      { class: "builder-details", "data-testid": "builder-access" },
      h("summary", { "data-focus-key": k("access-summary") }, t("builder.access")),
      accessForm,
    );

    // Attaching a document.
    const attachForm = makeDocForm("builder-doc", id, "builder.doc.submit", (f) => {
      const checked = checkDocForm(f);
      if (checked) void attach(card, checked.path, checked.title);
    });
    // Receiving a package from another ministry's records system (goi-tin.zip).
    const importDetails = makeImportForm(id, k);
    const root = h(
      "li",
      { class: "agenda-item builder-item", "data-testid": "builder-item", "data-item-id": id, "data-drop-item": id },
      h("div", { class: "builder-move", role: "group" }, up, down),
      h(
        "div",
        { class: "agenda-item-body" },
        head,
        outcome("builder-move-outcome"),
        documents,
        editDetails,
        editOutcome,
        accessDetails,
        accessOutcome,
        h(
          "section",
          { class: "builder-attach", "aria-labelledby": `builder-attach-${id}` },
          h("p", { class: "vote-form-title", id: `builder-attach-${id}` }, t("builder.doc.attach")),
          h("p", { class: "vote-hint builder-drop-hint" }, t("builder.doc.dropHint")),
          attachForm.form,
        ),
        importDetails,
        h("p", { class: "builder-drop-here", "aria-hidden": "true" }, t("builder.doc.dropHere")),
      ),
    );
    const card: ItemCard = {
      id,
      root,
      head,
      documents,
      up,
      down,
      moveOutcome: root.querySelector<HTMLElement>('[data-testid="builder-move-outcome"]')!,
      edit: { form: editForm, ...fields, submit: editSubmit, message: editMessage, outcome: editOutcome },
      editDetails,
      editDirty: false,
      editCopied: "",
      access: { form: accessForm, all: accessAll, only: accessOnly, picker: accessPicker, submit: accessSubmit, message: accessMessage, outcome: accessOutcome, dirty: false, copied: "" },
      attach: attachForm,
      item,
    };
    const editDirty = () => {
      card.editDirty = true;
    };
    editForm.addEventListener("input", editDirty);
    editForm.addEventListener("change", editDirty);
    editForm.addEventListener("submit", (e) => {
      e.preventDefault();
      void saveItem(card);
    });
    const accessChanged = () => {
      card.access.dirty = true;
      accessPicker.root.hidden = !accessOnly.checked;
    };
    accessAll.addEventListener("change", accessChanged);
    accessOnly.addEventListener("change", accessChanged);
    accessForm.addEventListener("submit", (e) => {
      e.preventDefault();
      void saveAccess(card);
    });
    return card;
  }

  /**
   * "Nhận gói tin": the package's path, and whether to accept a signer this
   * device's trust anchors do not vouch for. The engine checks the package
   * whole (files, hashes, signatures, signer) before it stores anything; a
   * refusal says why.
   */
  function makeImportForm(id: AgendaItemId, k: (name: string) => string): HTMLElement {
    const path = h("input", { type: "text", class: "input", autocomplete: "off", "data-testid": "builder-import-path", "data-focus-key": k("import-path"), placeholder: t("builder.import.pathPlaceholder"), "aria-label": t("builder.import.path") });
    const untrusted = h("input", { type: "checkbox", "data-testid": "builder-import-untrusted", "data-focus-key": k("import-untrusted") });
    const submit = h("button", { type: "submit", class: "btn btn-primary vote-small-btn", "data-testid": "builder-import-submit", "data-focus-key": k("import-submit") }, t("builder.import.submit"));
    const result = h("p", { class: "builder-outcome", role: "status", "data-testid": "builder-import-outcome" });
    const form = h(
      "form",
      { class: "vote-form", novalidate: true },
      h("label", { class: "field" }, h("span", { class: "field-label" }, t("builder.import.path")), path),
      h("label", { class: "opinion-choice" }, untrusted, t("builder.import.untrusted")),
      h("div", { class: "builder-actions" }, submit),
      result,
    );
    let sending = false;
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      if (sending) return;
      const file = path.value.trim();
      if (!/\.zip$/i.test(file)) {
        setText(result, t("builder.import.zipRequired"));
        path.setAttribute("aria-invalid", "true");
        path.focus();
        return;
      }
      path.setAttribute("aria-invalid", "false");
      sending = true;
      submit.setAttribute("aria-disabled", "true");
      setText(result, t("builder.import.checking"));
      void actions.importExchange(id, file, untrusted.checked).then((r) => {
        sending = false;
        submit.setAttribute("aria-disabled", "false");
        if (r.ok) {
          const { record, annexes } = r.data;
          setText(result, t("builder.import.done", { code: `${record.number}/${record.symbol}`, organisation: record.organisation_name, annexes: annexes.length }));
          path.value = "";
          untrusted.checked = false;
        } else {
          setText(result, errorMessage(r.error, locale));
        }
      });
    });
    return h(
      "details",
      { class: "builder-details", "data-testid": "builder-import" },
      h("summary", { "data-focus-key": k("import-summary") }, t("builder.import.open")),
      form,
    );
  }

  async function saveItem(card: ItemCard): Promise<void> {
    const f = card.edit;
    if (busy(f.submit)) return;
    const check = updateItemRequest(readItem(f));
    showItemError(f, check.ok ? null : check.field, check.ok ? null : check.error);
    if (!check.ok) return;
    if (await actions.updateItem(card.id, check.request)) {
      card.editDirty = false;
      redraw();
    }
  }

  async function saveAccess(card: ItemCard): Promise<void> {
    const f = card.access;
    if (busy(f.submit)) return;
    const check = checkAccess(f.only.checked, [...f.picker.chosen]);
    setText(f.message, check.ok ? "" : t(check.error));
    if (!check.ok) {
      f.picker.list.querySelector<HTMLElement>("input")?.focus();
      return;
    }
    if (await actions.setAccess(card.id, check.only)) {
      f.dirty = false;
      redraw();
    }
  }

  function documentsOf(docs: readonly Document[], ctx: BuilderContext): HTMLElement | null {
    if (docs.length === 0) return null;
    return h(
      "ul",
      { class: "agenda-docs builder-docs", "aria-label": t("agenda.documents") },
      docs.map((d) => {
        const handling = documentHandling(d);
        return h(
          "li",
          { class: "agenda-doc builder-doc", "data-testid": "builder-document", "data-document-id": d.id },
          h(
            "div",
            { class: "builder-doc-line" },
            h("span", { class: "doc-icon", "aria-hidden": "true" }, "PDF"),
            h("span", { class: "doc-title", "data-testid": "builder-document-title" }, d.title),
            h("span", { class: "doc-meta" }, t("agenda.documentMeta", { version: String(d.version), size: formatSize(d.size) })),
            handling.no_print ? h("span", { class: "badge badge-handling", "data-testid": "builder-document-no-print" }, t("handling.noPrint")) : null,
            handling.no_export ? h("span", { class: "badge badge-handling", "data-testid": "builder-document-no-export" }, t("handling.noExport")) : null,
            signatureChip(d),
          ),
          readersPanel(d, ctx),
          signPanel(d),
          reviseForm(d, ctx),
        );
      }),
    );
  }

  /**
   * What the signatures already in the document say, checked on this device
   * when the version first shows here: nothing for an unsigned PDF, and an
   * invalid or untrusted signature said as such.
   */
  function signatureChip(d: Document): HTMLElement {
    const key = `${d.id}:${d.version}`;
    const known = signatureChips.get(key);
    if (known) return known;
    const chip = h("span", { class: "badge badge-signature", "data-testid": "builder-document-signatures", "data-state": "checking", hidden: true });
    signatureChips.set(key, chip);
    void actions.documentSignatures(d.id).then((r) => {
      const verdict = r.ok ? signatureVerdict(r.data) : null;
      chip.dataset["state"] = r.ok ? (verdict?.tone ?? "unsigned") : "failed";
      if (verdict === null) return;
      chip.hidden = false;
      chip.dataset["tone"] = verdict.tone;
      chip.textContent = t(verdict.key);
      chip.title = t("builder.doc.sigSigners", { names: verdict.names });
    });
    return chip;
  }

  /**
   * The secretariat's read receipts: who has opened the latest version (as
   * their devices reported, offline ones later) and which members have not.
   * Asked of the server each time the panel opens.
   */
  function readersPanel(d: Document, ctx: BuilderContext): HTMLElement {
    const known = readerPanels.get(d.id);
    if (known) {
      // The version may have changed since: the next opening asks about the latest.
      known.doc = d;
      known.ctx = ctx;
      return known.details;
    }
    const body = h("div", { class: "builder-readers", "data-testid": "builder-readers" });
    const details = h(
      "details",
      { class: "builder-details", "data-testid": "builder-readers-panel" },
      h("summary", { "data-focus-key": `builder-readers-summary:${d.id}` }, t("builder.doc.readers")),
      body,
    );
    const panel = { details, doc: d, ctx };
    let asked = 0;
    details.addEventListener("toggle", () => {
      if (!details.open) return;
      const seq = ++asked;
      body.replaceChildren(h("p", { role: "status" }, spinner(), t("builder.doc.readersLoading")));
      void actions.documentReaders(panel.doc.id).then((r) => {
        if (seq !== asked) return; // opened again meanwhile: the later answer is drawn
        if (!r.ok) {
          const offline = (r.error as { code?: string } | null)?.code === "server_unreachable";
          body.replaceChildren(h("p", { class: "form-error", role: "alert" }, offline ? t("builder.doc.readersOffline") : errorMessage(r.error, locale)));
          return;
        }
        body.replaceChildren(...readerLines(panel.doc, r.data, panel.ctx));
      });
    });
    readerPanels.set(d.id, panel);
    return details;
  }

  /**
   * "Ký số": sign the latest version with a USB token. The PIN is typed
   * here for this signature only (the engine uses it once and keeps
   * nothing); the module is the token vendor's PKCS#11 library.
   */
  function signPanel(d: Document): HTMLElement {
    const known = signPanels.get(d.id);
    if (known) {
      known.doc = d;
      return known.details;
    }
    const field = (id: string, label: string, attrs: Record<string, string | number | boolean>) => {
      const input = h("input", { id: `${id}-${d.id}`, class: "input", "data-testid": id, ...attrs });
      return [h("div", { class: "field" }, h("label", { for: `${id}-${d.id}`, class: "label" }, label), input), input] as const;
    };
    const [moduleRow, module] = field("builder-sign-module", t("builder.sign.module"), { type: "text", placeholder: t("builder.sign.modulePlaceholder") });
    const [slotRow, slot] = field("builder-sign-slot", t("builder.sign.slot"), { type: "number", min: 0, inputmode: "numeric" });
    const [labelRow, keyLabel] = field("builder-sign-key", t("builder.sign.keyLabel"), { type: "text" });
    const [pinRow, pin] = field("builder-sign-pin", t("builder.sign.pin"), { type: "password", autocomplete: "off" });
    const [reasonRow, reason] = field("builder-sign-reason", t("builder.sign.reason"), { type: "text", value: t("builder.sign.reasonDefault") });
    const [locationRow, location] = field("builder-sign-location", t("builder.sign.location"), { type: "text" });
    const submit = h("button", { type: "submit", class: "btn btn-primary", "data-testid": "builder-sign-submit" }, t("builder.sign.submit"));
    const outcome = h("p", { class: "builder-outcome", role: "status", "data-testid": "builder-sign-outcome" });
    const form = h(
      "form",
      { class: "builder-doc-form", novalidate: true },
      h("p", { class: "hint" }, t("builder.sign.hint")),
      moduleRow,
      slotRow,
      labelRow,
      pinRow,
      reasonRow,
      locationRow,
      submit,
      outcome,
    );
    const details = h(
      "details",
      { class: "builder-details", "data-testid": "builder-sign-panel" },
      h("summary", { "data-focus-key": `builder-sign-summary:${d.id}` }, t("builder.sign.open")),
      form,
    );
    const panel = { details, doc: d };
    details.addEventListener("toggle", () => {
      if (details.open && module.value === "") module.value = lastModule;
    });
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      if (submit.disabled) return;
      const slotText = slot.value.trim();
      if (module.value.trim() === "" || pin.value === "" || (slotText !== "" && !/^[0-9]+$/.test(slotText))) {
        outcome.dataset["state"] = "failed";
        outcome.textContent = t(module.value.trim() === "" ? "builder.sign.moduleRequired" : pin.value === "" ? "builder.sign.pinRequired" : "builder.sign.slotInvalid");
        return;
      }
      lastModule = module.value.trim();
      const request: TokenSignRequest = {
        module: lastModule,
        slot: slotText === "" ? null : Number(slotText),
        key_label: keyLabel.value.trim() === "" ? null : keyLabel.value.trim(),
        pin: pin.value,
        reason: reason.value.trim() === "" ? null : reason.value.trim(),
        location: location.value.trim() === "" ? null : location.value.trim(),
      };
      pin.value = "";
      submit.disabled = true;
      submit.textContent = t("builder.sign.signing");
      outcome.dataset["state"] = "busy";
      outcome.textContent = "";
      void actions.signDocument(panel.doc.id, request).then((r) => {
        submit.disabled = false;
        submit.textContent = t("builder.sign.submit");
        if (r.ok) {
          outcome.dataset["state"] = "done";
          outcome.textContent = t("builder.sign.done", { title: r.data.title, version: r.data.version });
        } else {
          outcome.dataset["state"] = "failed";
          outcome.textContent = errorMessage(r.error, locale);
        }
      });
    });
    signPanels.set(d.id, panel);
    return details;
  }

  function readerLines(d: Document, readers: readonly DocumentReader[], ctx: BuilderContext): HTMLElement[] {
    // One line per person: their first opening on any device.
    const first = new Map<PersonId, DocumentReader>();
    for (const r of readers) {
      const known = first.get(r.person_id);
      if (!known || r.opened_at < known.opened_at) first.set(r.person_id, r);
    }
    const participants = ctx.builder.agenda?.kind === "ready" ? ctx.builder.agenda.data.meeting.details?.participants ?? [] : [];
    const members = ctx.people.filter((p) => p.role === "member" && (participants.length === 0 || participants.includes(p.id)));
    const opened = members.filter((p) => first.has(p.id)).length;
    const missing = members.filter((p) => !first.has(p.id)).map((p) => p.name);
    const lines: HTMLElement[] = [
      h("p", { "data-testid": "builder-readers-count" }, t("builder.doc.readersCount", { n: opened, total: members.length, version: String(d.version) })),
    ];
    if (first.size === 0) lines.push(h("p", { class: "hint" }, t("builder.doc.readersNone")));
    else
      lines.push(
        h(
          "ul",
          { class: "builder-reader-list" },
          [...first.values()]
            .sort((a, b) => a.opened_at.localeCompare(b.opened_at))
            .map((r) => h("li", { "data-testid": "builder-reader" }, t("builder.doc.readerLine", { name: r.person_name, when: formatMoment(r.opened_at, t) }))),
        ),
      );
    if (missing.length > 0) lines.push(h("p", { class: "hint", "data-testid": "builder-not-opened" }, t("builder.doc.notYetOpened", { names: missing.join(", ") })));
    return lines;
  }

  function reviseForm(d: Document, ctx: BuilderContext): HTMLElement {
    let f = reviseForms.get(d.id);
    if (!f) {
      const form = makeDocForm("builder-revise", d.id, "builder.doc.reviseSubmit", (doc) => {
        const checked = checkDocForm(doc);
        const current = reviseForms.get(d.id);
        if (!checked || !current) return;
        // Unchanged marks are not sent: the engine keeps those of the latest version.
        const handling = revisedHandling(documentHandling(current.doc), handlingOf(doc));
        void actions.reviseDocument(d.id, checked.path, checked.title, handling).then((ok) => {
          if (ok) {
            doc.path.value = "";
            doc.title.value = "";
          }
        });
      });
      const details = h(
        "details",
        { class: "builder-details", "data-testid": "builder-revise" },
        h("summary", { "data-focus-key": `builder-revise-summary:${d.id}` }, t("builder.doc.revise")),
        form.form,
      );
      f = { ...form, details, copied: "", doc: d };
      reviseForms.set(d.id, f);
    }
    f.doc = d;
    // The marks shown are those of the latest version, until the secretariat changes them.
    const handling = documentHandling(d);
    const key = JSON.stringify([d.version, handling]);
    if (key !== f.copied) {
      f.noPrint.checked = handling.no_print;
      f.noExport.checked = handling.no_export;
      f.copied = key;
    }
    const action = ctx.builder.actions[TARGET.revise(d.id)];
    paintSubmit(f.submit, action, t("builder.doc.reviseSubmit"), t("builder.doc.uploading"));
    f.form.setAttribute("aria-busy", String(action?.kind === "sending"));
    paintOutcome(f.outcome, action, action?.kind === "done" ? t("builder.doc.revised", { version: action.version ?? d.version, title: action.title ?? d.title }) : "");
    return f.details;
  }

  function paintCard(card: ItemCard, item: AgendaItem, index: number, agenda: AgendaView, ctx: BuilderContext): void {
    card.item = item;
    const status = item.details?.status ?? "scheduled";
    replaceRegion(
      card.head,
      h("span", { class: "agenda-num" }, `${index + 1}.`),
      h("span", { class: "agenda-item-title", "data-testid": "builder-item-title" }, item.title),
      status === "scheduled" ? null : h("span", { class: `badge badge-item-${status}`, "data-testid": "builder-item-status", "data-status": status }, t(`item.status.${status}`)),
      item.restricted ? h("span", { class: "badge badge-restricted", "data-testid": "builder-item-restricted", title: t("agenda.restrictedHint") }, t("agenda.restricted")) : null,
      item.details?.presenting_ministry
        ? h("span", { class: "agenda-item-ministry" }, t("agenda.presentedBy", { ministry: item.details.presenting_ministry }))
        : null,
    );
    // Moving.
    const targets = moveTargets(agenda.items, item.id);
    const moving = ctx.builder.actions[TARGET.move(item.id)];
    for (const [button, target, label] of [
      [card.up, targets.up, "builder.item.moveUp"],
      [card.down, targets.down, "builder.item.moveDown"],
    ] as const) {
      const text = t(label, { title: item.title });
      button.setAttribute("aria-label", text);
      button.title = text;
      button.setAttribute("aria-disabled", String(target === null || moving?.kind === "sending"));
    }
    // The arrows have no words: what is under way is said here.
    paintOutcome(card.moveOutcome, moving, t("builder.item.moved"), t("builder.saving"));
    // Editing.
    const current = itemDraftOf(item);
    const key = JSON.stringify(current);
    if (!card.editDirty && key !== card.editCopied) {
      fillItem(card.edit, current);
      card.editCopied = key;
    }
    const editing = ctx.builder.actions[TARGET.item(item.id)];
    paintSubmit(card.edit.submit, editing, t("builder.item.save"));
    paintOutcome(card.edit.outcome, editing, t("builder.saved"));
    // Access.
    const access = card.access;
    const persons = agenda.access.find((a) => a.agenda_item_id === item.id)?.persons ?? [];
    const accessKey = JSON.stringify([item.restricted ?? false, [...persons].sort()]);
    if (!access.dirty && accessKey !== access.copied) {
      access.all.checked = !item.restricted;
      access.only.checked = item.restricted === true;
      setChosen(access.picker, persons);
      access.copied = accessKey;
    }
    access.picker.root.hidden = !access.only.checked;
    paintPicker(access.picker, membersOf(ctx.people));
    const accessAction = ctx.builder.actions[TARGET.access(item.id)];
    paintSubmit(access.submit, accessAction, t("builder.access.save"));
    paintOutcome(access.outcome, accessAction, t("builder.saved"));
    // Documents.
    replaceRegion(card.documents, documentsOf(agenda.documents.filter((d) => d.agenda_item_id === item.id), ctx));
    const attaching = ctx.builder.actions[TARGET.attach(item.id)];
    paintSubmit(card.attach.submit, attaching, t("builder.doc.submit"), t("builder.doc.uploading"));
    card.attach.form.setAttribute("aria-busy", String(attaching?.kind === "sending"));
    paintOutcome(card.attach.outcome, attaching, attaching?.kind === "done" ? t("builder.doc.attached", { title: attaching.title ?? "" }) : "");
  }

  function newItemForm(meetingId: MeetingId, ctx: BuilderContext): HTMLElement {
    let f = newItemForms.get(meetingId);
    if (!f) {
      const fields = makeItemFields("builder-new-item", meetingId, false);
      const restrict = checkbox("builder-new-item-restrict", `builder-new-item-restrict:${meetingId}`, "builder.item.restrict");
      const picker = makePicker("builder-new-item-person", `builder-new-item-person:${meetingId}`, "builder.access.people", null, () => undefined);
      const submit = h("button", { type: "submit", class: "btn btn-primary vote-small-btn", "data-testid": "builder-new-item-submit", "data-focus-key": `builder-new-item-submit:${meetingId}` });
      const msg = message("builder-new-item-error");
      const out = outcome("builder-new-item-outcome");
      const titleId = `builder-new-item-heading-${meetingId}`;
      const form = h(
        "form",
        { class: "vote-form builder-card", novalidate: true, "aria-labelledby": titleId, "data-testid": "builder-new-item-form" },
        h("h4", { class: "vote-form-title", id: titleId }, t("builder.item.addTitle")),
        itemFieldsBlock(fields, "builder.item.title"),
        restrict.label,
        picker.root,
        msg,
        h("div", { class: "builder-actions" }, submit),
        out,
      );
      const made: NewItemForm = { form, ...fields, submit, message: msg, outcome: out, restrict: restrict.box, picker };
      restrict.box.addEventListener("change", () => {
        picker.root.hidden = !restrict.box.checked;
      });
      picker.root.hidden = true;
      form.addEventListener("submit", (e) => {
        e.preventDefault();
        void addItem(meetingId, made);
      });
      f = made;
      newItemForms.set(meetingId, f);
    }
    paintPicker(f.picker, membersOf(ctx.people));
    const action = ctx.builder.actions[TARGET.newItem(meetingId)];
    paintSubmit(f.submit, action, t("builder.item.add"));
    paintOutcome(f.outcome, action, t("builder.item.added"));
    return f.form;
  }

  async function addItem(meetingId: MeetingId, f: NewItemForm): Promise<void> {
    if (busy(f.submit)) return;
    const check = checkItemDraft(readItem(f));
    showItemError(f, check.ok ? null : check.field, check.ok ? null : check.error);
    if (!check.ok) return;
    const access = checkAccess(f.restrict.checked, [...f.picker.chosen]);
    if (!access.ok) {
      setText(f.message, t(access.error));
      f.picker.list.querySelector<HTMLElement>("input")?.focus();
      return;
    }
    if (await actions.addItem(meetingId, check.title, access.only, check.details)) {
      fillItem(f, EMPTY_ITEM);
      f.restrict.checked = false;
      f.picker.root.hidden = true;
      setChosen(f.picker, []);
      redraw();
      f.title.focus();
    }
  }

  function agendaSection(meeting: Meeting, ctx: BuilderContext): HTMLElement {
    const a = ctx.builder.agenda;
    let body: HTMLElement | HTMLElement[];
    if (a === null || a.kind === "loading") {
      body = statePanel({ testid: "builder-agenda-loading", title: t("agenda.loading"), loading: true });
    } else if (a.kind === "error") {
      body = statePanel({
        testid: "builder-agenda-error",
        tone: "error",
        title: t("agenda.loadFailed"),
        hint: reason(a.error),
        action: { label: t("common.retry"), onClick: actions.reloadAgenda, focusKey: "builder-agenda-retry" },
      });
    } else {
      const items = orderAgendaItems(a.data.items);
      body = [
        items.length === 0
          ? h("p", { class: "vote-hint", "data-testid": "builder-agenda-empty" }, t("builder.agendaEmpty"))
          : h(
              "ol",
              { class: "agenda-list builder-items", role: "list", "data-testid": "builder-items" },
              items.map((item, i) => {
                let card = cards.get(item.id);
                if (!card) {
                  card = makeCard(item);
                  cards.set(item.id, card);
                }
                paintCard(card, item, i, a.data, ctx);
                return card.root;
              }),
            ),
        newItemForm(meeting.id, ctx),
      ];
    }
    return h(
      "section",
      { class: "builder-agenda", "aria-labelledby": "builder-agenda-heading", "data-testid": "builder-agenda" },
      h("h3", { id: "builder-agenda-heading", class: "builder-section-title" }, t("builder.agenda")),
      body,
    );
  }

  // ── devices waiting for keys ────────────────────────────────────────────
  function renderKeys(ctx: BuilderContext): void {
    const keys = ctx.builder.keys;
    if (keys === null || keys.kind === "loading") {
      replaceRegion(keysRegion, h("p", { class: "vote-hint", role: "status", "data-testid": "pending-keys-loading" }, spinner(), " ", t("keys.loading")));
      return;
    }
    if (keys.kind === "error") {
      replaceRegion(
        keysRegion,
        h(
          "div",
          { class: "vote-alert", role: "alert", "data-testid": "pending-keys-error" },
          h("span", null, t("keys.failed", { reason: reason(keys.error) })),
          h("button", { type: "button", class: "btn btn-quiet", "data-focus-key": "pending-keys-retry", onclick: actions.reloadKeys }, t("common.retry")),
        ),
      );
      return;
    }
    const me = ctx.profile.person;
    const groups = groupPendingKeys(keys.data, (p) => personName(p, me), (d) => ctx.builder.titles[d] ?? null);
    replaceRegion(
      keysRegion,
      groups.length === 0
        ? h("p", { class: "vote-ok", "data-testid": "pending-keys-empty" }, t("keys.empty"))
        : h(
            "ul",
            { class: "builder-key-groups" },
            groups.map((g) =>
              h(
                "li",
                { class: "builder-key-group", "data-testid": "pending-key-group", "data-document-id": g.documentId },
                h(
                  "p",
                  { class: "builder-key-title" },
                  h("span", { "data-testid": "pending-key-title" }, g.title ?? g.documentId),
                  " ",
                  h("span", { class: "vote-hint" }, t("keys.versions", { versions: g.versions.join(", ") })),
                ),
                h(
                  "ul",
                  { class: "builder-key-persons" },
                  g.persons.map((p) =>
                    h(
                      "li",
                      { "data-testid": "pending-key-person", "data-person-id": p.personId },
                      p.name,
                      h("span", { class: "vote-hint" }, ` · ${t(p.devices === 1 ? "keys.devicesOne" : "keys.devices", { count: p.devices })}`),
                    ),
                  ),
                ),
              ),
            ),
          ),
    );
  }

  // ── the whole screen ────────────────────────────────────────────────────
  function renderSide(ctx: BuilderContext): void {
    const m = ctx.meetings;
    const selected = ctx.builder.meetingId;
    let list: HTMLElement;
    if (m.kind === "loading") list = statePanel({ testid: "builder-meetings-loading", title: t("meetings.loading"), loading: true });
    else if (m.kind === "error") list = statePanel({ testid: "builder-meetings-error", tone: "error", title: t("meetings.loadFailed"), hint: reason(m.error) });
    else
      list = h(
        "ul",
        { class: "meeting-list", role: "list" },
        orderMeetings(m.data, now()).map((meeting) =>
          h(
            "li",
            null,
            h(
              "button",
              {
                type: "button",
                class: `meeting${meeting.status === "cancelled" ? " meeting-cancelled" : ""}`,
                "aria-current": meeting.id === selected ? "true" : null,
                "data-testid": "builder-meeting",
                "data-meeting-id": meeting.id,
                "data-focus-key": `builder-meeting:${meeting.id}`,
                onclick: () => actions.selectMeeting(meeting.id),
              },
              h("span", { class: "meeting-title" }, meeting.title),
              h(
                "span",
                { class: "meeting-meta" },
                h("span", null, formatMeetingWhen(meeting.starts_at, t)),
                h("span", { class: `badge badge-${meeting.status}`, "data-testid": "builder-meeting-status", "data-status": meeting.status }, t(`meeting.status.${meeting.status}`)),
              ),
            ),
          ),
        ),
      );
    replaceRegion(
      side,
      h("h3", { class: "group-heading" }, t("builder.meetings")),
      h(
        "button",
        {
          type: "button",
          class: "btn btn-secondary btn-block",
          "aria-pressed": String(selected === null),
          "data-testid": "builder-new-meeting",
          "data-focus-key": "builder-new-meeting",
          onclick: () => actions.selectMeeting(null),
        },
        t("builder.newMeeting"),
      ),
      list,
    );
  }

  function draw(ctx: BuilderContext): void {
    renderSide(ctx);
    renderKeys(ctx);
    const id = ctx.builder.meetingId;
    const meeting = id === null || ctx.meetings.kind !== "ready" ? null : (ctx.meetings.data.find((m) => m.id === id) ?? null);
    const agendaMeeting = ctx.builder.agenda?.kind === "ready" && ctx.builder.agenda.data.meeting.id === id ? ctx.builder.agenda.data.meeting : null;
    // A meeting just created is in its agenda before the list is read again.
    const shown = meeting ?? agendaMeeting;
    if (id !== null && shown === null) {
      replaceRegion(mainRegion, statePanel({ testid: "builder-meeting-loading", title: t("agenda.loading"), loading: true }));
      return;
    }
    replaceRegion(mainRegion, meetingForm(shown, ctx), shown ? agendaSection(shown, ctx) : null);
  }

  function redraw(): void {
    if (last) draw(last);
  }

  // ── files dropped on the window ─────────────────────────────────────────
  function itemAt(x: number, y: number): ItemCard | null {
    if (typeof document.elementFromPoint !== "function") return null;
    const el = document.elementFromPoint(x, y);
    const id = el instanceof Element ? el.closest<HTMLElement>("[data-drop-item]")?.dataset["dropItem"] : undefined;
    const card = id === undefined ? undefined : cards.get(id);
    return card && root.contains(card.root) ? card : null;
  }

  function markTarget(card: ItemCard | null): void {
    for (const el of root.querySelectorAll(".builder-drop-target")) el.classList.remove("builder-drop-target");
    card?.root.classList.add("builder-drop-target");
  }

  async function attachDropped(card: ItemCard, paths: readonly string[]): Promise<void> {
    const { pdfs, others } = splitDropped(paths);
    setText(card.attach.message, others.length === 0 ? "" : t("builder.doc.droppedNotPdf", { names: others.map(fileName).join(", ") }));
    for (const path of pdfs) {
      card.attach.path.value = path;
      card.attach.title.value = "";
      if (!(await attach(card, path, null))) return;
    }
  }

  return {
    root,
    update(ctx) {
      last = ctx;
      const inputs = JSON.stringify([ctx.builder, ctx.meetings, ctx.people, ctx.profile.person]);
      if (inputs === drawn) return;
      drawn = inputs;
      draw(ctx);
    },
    handleFileDrop(drop) {
      if (root.hidden || !root.isConnected || last === null) return;
      if (drop.kind === "leave") {
        markTarget(null);
        return;
      }
      const card = itemAt(drop.x, drop.y);
      markTarget(drop.kind === "over" ? card : null);
      if (drop.kind !== "drop") return;
      if (card === null) {
        setText(dropNotice, drop.paths.length === 0 ? "" : t("builder.doc.dropOutside"));
        return;
      }
      setText(dropNotice, "");
      if (busy(card.attach.submit)) return;
      void attachDropped(card, drop.paths);
    },
  };
}

/**
 * The secretariat's meeting builder, without the DOM: form values checked
 * and turned into the engine's requests, dates between a `datetime-local`
 * field and the engine's instants, substitutes, dropped files, document
 * handling marks and the devices waiting for keys. Pure, unit-tested.
 */
import type {
  AgendaItem,
  CreateMeetingRequest,
  Document,
  DocumentId,
  Handling,
  ItemDetails,
  ItemStatus,
  Meeting,
  MeetingKind,
  MeetingStatus,
  PendingKey,
  PersonId,
  SignatureView,
  Substitution,
  UpdateAgendaItemRequest,
  UpdateMeetingRequest,
} from "./bindings";
import { TIME_ZONE, zonedParts } from "./format";
import type { MessageKey } from "./i18n";

export const MEETING_KINDS: readonly MeetingKind[] = ["regular", "thematic", "extraordinary"];
export const ITEM_STATUSES: readonly ItemStatus[] = ["scheduled", "in_discussion", "adopted", "deferred", "withdrawn"];

/** The engine's limits (ecabinet-domain's validate.rs): titles, one-line names, free text. */
export const MAX_TITLE_CHARS = 300;
export const MAX_NAME_CHARS = 120;
export const MAX_TEXT_CHARS = 4_000;

const chars = (text: string) => [...text].length;
// Control characters other than tab and line feed (which free text may hold).
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/u;
// eslint-disable-next-line no-control-regex
const ANY_CONTROL = /[\u0000-\u001f\u007f-\u009f]/u;

// ── dates ─────────────────────────────────────────────────────────────────

const pad2 = (n: number) => String(n).padStart(2, "0");

/**
 * The value of a `datetime-local` field ("YYYY-MM-DDTHH:MM") showing `iso`
 * on Vietnam's clock, as every time in the app is shown; "" if not a date.
 */
export function isoToLocalInput(iso: string, timeZone: string = TIME_ZONE): string {
  const p = zonedParts(iso, timeZone);
  if (!p) return "";
  return `${String(p.year).padStart(4, "0")}-${pad2(p.month)}-${pad2(p.day)}T${pad2(p.hour)}:${pad2(p.minute)}`;
}

/**
 * The instant a `datetime-local` value means on Vietnam's clock (whatever
 * the computer's own zone), as an ISO string; null if it is not a real
 * date and time (e.g. 31 February).
 */
export function localInputToIso(value: string, timeZone: string = TIME_ZONE): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::\d{2}(?:\.\d+)?)?$/.exec(value.trim());
  if (!m) return null;
  const [year, month, day, hour, minute] = m.slice(1).map(Number) as [number, number, number, number, number];
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59) return null;
  const wall = Date.UTC(year, month - 1, day, hour, minute);
  const probe = zonedParts(new Date(wall).toISOString(), timeZone);
  if (!probe) return null;
  // The zone's offset at about that time: its wall clock read as UTC, minus the instant.
  const offset = Date.UTC(probe.year, probe.month - 1, probe.day, probe.hour, probe.minute) - wall;
  const instant = new Date(wall - offset).toISOString();
  // 31 February and the like roll over: refuse what does not read back the same.
  return isoToLocalInput(instant, timeZone) === `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}` ? instant : null;
}

// ── checks shared by the forms ────────────────────────────────────────────

type TextCheck = { ok: true; text: string } | { ok: false; error: "required" | "tooLong" | "control" };

function singleLine(value: string, max: number): TextCheck {
  const text = value.trim();
  if (text === "") return { ok: false, error: "required" };
  if (chars(text) > max) return { ok: false, error: "tooLong" };
  if (ANY_CONTROL.test(text)) return { ok: false, error: "control" };
  return { ok: true, text };
}

/** Free text: blank means absent (null). */
function optionalText(value: string, max: number): { ok: true; text: string | null } | { ok: false; error: "tooLong" | "control" } {
  const text = value.trim();
  if (text === "") return { ok: true, text: null };
  if (chars(text) > max) return { ok: false, error: "tooLong" };
  if (CONTROL.test(text)) return { ok: false, error: "control" };
  return { ok: true, text };
}

/** One line or nothing (place, presenting ministry). */
function optionalLine(value: string, max: number): { ok: true; text: string | null } | { ok: false; error: "tooLong" | "control" } {
  if (value.trim() === "") return { ok: true, text: null };
  const r = singleLine(value, max);
  return r.ok ? r : { ok: false, error: r.error === "required" ? "control" : r.error };
}

// ── substitutes ───────────────────────────────────────────────────────────

/** One row of the substitutes list as chosen ("" when a select is left empty). */
export interface SubstituteRow {
  member: PersonId | "";
  substitute: PersonId | "";
}

export type SubstitutesCheck =
  | { ok: true; substitutes: Substitution[] }
  | { ok: false; row: number; error: MessageKey };

/**
 * The engine's rule, checked before anything is sent: each member has at
 * most one substitute, who is someone else and stands in for no one else.
 * Rows left wholly empty are ignored; a half-filled row is an error.
 */
export function checkSubstitutes(rows: readonly SubstituteRow[]): SubstitutesCheck {
  const substitutes: Substitution[] = [];
  for (const [row, r] of rows.entries()) {
    if (r.member === "" && r.substitute === "") continue;
    if (r.member === "" || r.substitute === "") return { ok: false, row, error: "builder.substitute.incomplete" };
    if (r.member === r.substitute) return { ok: false, row, error: "builder.substitute.self" };
    if (substitutes.some((s) => s.member === r.member)) return { ok: false, row, error: "builder.substitute.twice" };
    if (substitutes.some((s) => s.substitute === r.substitute)) return { ok: false, row, error: "builder.substitute.busy" };
    substitutes.push({ member: r.member, substitute: r.substitute });
  }
  return { ok: true, substitutes };
}

// ── meetings ──────────────────────────────────────────────────────────────

/** The meeting form, as typed. */
export interface MeetingDraft {
  title: string;
  /** The `datetime-local` value, on Vietnam's clock. */
  startsAt: string;
  kind: MeetingKind;
  place: string;
  /** Who is invited; none means every member. */
  participants: PersonId[];
  substitutes: SubstituteRow[];
  /** Create as a draft (secretariat only until published); ignored when editing. */
  draft: boolean;
}

export type MeetingField = "title" | "startsAt" | "place" | "substitutes";

export interface CheckedMeeting {
  title: string;
  starts_at: string;
  details: { kind: MeetingKind; place: string | null; participants: PersonId[]; substitutes: Substitution[] };
}

export type MeetingCheck =
  | { ok: true; meeting: CheckedMeeting }
  | { ok: false; field: MeetingField; error: MessageKey; row?: number };

export function checkMeetingDraft(draft: MeetingDraft): MeetingCheck {
  const title = singleLine(draft.title, MAX_TITLE_CHARS);
  if (!title.ok) {
    const error = { required: "builder.meeting.titleRequired", tooLong: "builder.meeting.titleTooLong", control: "builder.textInvalid" } as const;
    return { ok: false, field: "title", error: error[title.error] };
  }
  if (draft.startsAt.trim() === "") return { ok: false, field: "startsAt", error: "builder.meeting.startRequired" };
  const starts = localInputToIso(draft.startsAt);
  if (starts === null) return { ok: false, field: "startsAt", error: "builder.meeting.startInvalid" };
  const place = optionalLine(draft.place, MAX_NAME_CHARS);
  if (!place.ok) return { ok: false, field: "place", error: place.error === "tooLong" ? "builder.meeting.placeTooLong" : "builder.textInvalid" };
  const subs = checkSubstitutes(draft.substitutes);
  if (!subs.ok) return { ok: false, field: "substitutes", error: subs.error, row: subs.row };
  return {
    ok: true,
    meeting: {
      title: title.text,
      starts_at: starts,
      details: { kind: draft.kind, place: place.text, participants: [...new Set(draft.participants)], substitutes: subs.substitutes },
    },
  };
}

export type RequestCheck<T> = { ok: true; request: T } | Extract<MeetingCheck, { ok: false }>;

export function createMeetingRequest(draft: MeetingDraft): RequestCheck<CreateMeetingRequest> {
  const check = checkMeetingDraft(draft);
  if (!check.ok) return check;
  return { ok: true, request: { ...check.meeting, draft: draft.draft } };
}

/** An edit of the meeting's title, start and details; its status stays as it is. */
export function updateMeetingRequest(draft: MeetingDraft): RequestCheck<UpdateMeetingRequest> {
  const check = checkMeetingDraft(draft);
  if (!check.ok) return check;
  const { title, starts_at, details } = check.meeting;
  return { ok: true, request: { title, starts_at, status: null, details } };
}

/** Publishes a draft or cancels a meeting, changing nothing else. */
export function statusRequest(status: MeetingStatus): UpdateMeetingRequest {
  return { title: null, starts_at: null, status, details: null };
}

/** The form showing a meeting as it stands. */
export function meetingDraftOf(meeting: Meeting): MeetingDraft {
  const d = meeting.details;
  return {
    title: meeting.title,
    startsAt: isoToLocalInput(meeting.starts_at),
    kind: d?.kind ?? "regular",
    place: d?.place ?? "",
    participants: [...(d?.participants ?? [])],
    substitutes: (d?.substitutes ?? []).map((s) => ({ member: s.member, substitute: s.substitute })),
    draft: meeting.status === "draft",
  };
}

export const EMPTY_MEETING: MeetingDraft = {
  title: "",
  startsAt: "",
  kind: "regular",
  place: "",
  participants: [],
  substitutes: [],
  draft: true,
};

// ── agenda items ──────────────────────────────────────────────────────────

/** An agenda item's form, as typed. */
export interface ItemDraft {
  title: string;
  ministry: string;
  summary: string;
  action: string;
  status: ItemStatus;
}

export type ItemField = "title" | "ministry" | "summary" | "action";

export type ItemCheck =
  | { ok: true; title: string; details: ItemDetails }
  | { ok: false; field: ItemField; error: MessageKey };

export function checkItemDraft(draft: ItemDraft): ItemCheck {
  const title = singleLine(draft.title, MAX_TITLE_CHARS);
  if (!title.ok) {
    const error = { required: "builder.item.titleRequired", tooLong: "builder.item.titleTooLong", control: "builder.textInvalid" } as const;
    return { ok: false, field: "title", error: error[title.error] };
  }
  const ministry = optionalLine(draft.ministry, MAX_NAME_CHARS);
  if (!ministry.ok) return { ok: false, field: "ministry", error: ministry.error === "tooLong" ? "builder.item.ministryTooLong" : "builder.textInvalid" };
  const summary = optionalText(draft.summary, MAX_TEXT_CHARS);
  if (!summary.ok) return { ok: false, field: "summary", error: summary.error === "tooLong" ? "builder.item.textTooLong" : "builder.textInvalid" };
  const action = optionalText(draft.action, MAX_TEXT_CHARS);
  if (!action.ok) return { ok: false, field: "action", error: action.error === "tooLong" ? "builder.item.textTooLong" : "builder.textInvalid" };
  return {
    ok: true,
    title: title.text,
    details: { presenting_ministry: ministry.text, summary: summary.text, recommended_action: action.text, status: draft.status },
  };
}

/** An item's new title and details (its status among them). */
export function updateItemRequest(draft: ItemDraft): { ok: true; request: UpdateAgendaItemRequest } | Extract<ItemCheck, { ok: false }> {
  const check = checkItemDraft(draft);
  if (!check.ok) return check;
  return { ok: true, request: { title: check.title, details: check.details } };
}

export function itemDraftOf(item: AgendaItem): ItemDraft {
  const d = item.details;
  return {
    title: item.title,
    ministry: d?.presenting_ministry ?? "",
    summary: d?.summary ?? "",
    action: d?.recommended_action ?? "",
    status: d?.status ?? "scheduled",
  };
}

export const EMPTY_ITEM: ItemDraft = { title: "", ministry: "", summary: "", action: "", status: "scheduled" };

/**
 * Who may read an item's documents: everyone (null) or the persons chosen.
 * Restricting to nobody is refused: that is what a mistake looks like.
 */
export function checkAccess(restricted: boolean, persons: readonly PersonId[]): { ok: true; only: PersonId[] | null } | { ok: false; error: MessageKey } {
  if (!restricted) return { ok: true, only: null };
  const only = [...new Set(persons)];
  return only.length === 0 ? { ok: false, error: "builder.access.required" } : { ok: true, only };
}

/** The positions an item moves to with "up" and "down" (null at either end of the agenda). */
export function moveTargets(items: readonly Pick<AgendaItem, "id" | "position">[], id: string): { up: number | null; down: number | null } {
  const ordered = [...items].sort((a, b) => a.position - b.position);
  const i = ordered.findIndex((x) => x.id === id);
  if (i === -1) return { up: null, down: null };
  return { up: i === 0 ? null : i, down: i === ordered.length - 1 ? null : i + 2 };
}

// ── documents ─────────────────────────────────────────────────────────────

/** The last part of a path, whichever separator the system uses. */
export function fileName(path: string): string {
  const parts = path.trim().split(/[\\/]/u);
  return parts[parts.length - 1] ?? "";
}

export function isPdfPath(path: string): boolean {
  return /\.pdf$/iu.test(path.trim());
}

/** A path typed in the form: present, and a PDF by its name (the engine checks the content). */
export function checkPdfPath(path: string): { ok: true; path: string } | { ok: false; error: MessageKey } {
  const trimmed = path.trim();
  if (trimmed === "") return { ok: false, error: "builder.doc.pathRequired" };
  if (!isPdfPath(trimmed)) return { ok: false, error: "builder.doc.notPdf" };
  return { ok: true, path: trimmed };
}

/** Dropped files: the PDFs to attach, and the others, which are not attached. */
export function splitDropped(paths: readonly string[]): { pdfs: string[]; others: string[] } {
  return { pdfs: paths.filter(isPdfPath), others: paths.filter((p) => !isPdfPath(p)) };
}

/** An optional title: blank lets the engine name the document after its file. */
export function optionalTitle(value: string): { ok: true; title: string | null } | { ok: false; error: MessageKey } {
  const r = optionalLine(value, MAX_TITLE_CHARS);
  if (r.ok) return { ok: true, title: r.text };
  return { ok: false, error: r.error === "tooLong" ? "builder.item.titleTooLong" : "builder.textInvalid" };
}

/** The secretariat's marks on a document version, read from its signed manifest (none if unreadable). */
export function documentHandling(document: Pick<Document, "manifest">): { no_print: boolean; no_export: boolean } {
  try {
    const manifest: unknown = JSON.parse(document.manifest);
    const handling = typeof manifest === "object" && manifest !== null ? (manifest as { handling?: Handling }).handling : undefined;
    return { no_print: handling?.no_print === true, no_export: handling?.no_export === true };
  } catch {
    return { no_print: false, no_export: false };
  }
}

/** The handling to send with a revision: null keeps the marks when they are unchanged. */
export function revisedHandling(current: Required<Handling>, chosen: Required<Handling>): Handling | null {
  return current.no_print === chosen.no_print && current.no_export === chosen.no_export ? null : chosen;
}

// ── devices waiting for keys ──────────────────────────────────────────────

export interface WaitingPerson {
  personId: PersonId;
  name: string;
  devices: number;
}

export interface KeyGroup {
  documentId: DocumentId;
  /** The document's title where known, else null (shown by its id). */
  title: string | null;
  /** The versions waited for, ascending. */
  versions: number[];
  persons: WaitingPerson[];
  /** Keys waited for in all (one per device and version). */
  count: number;
}

/**
 * Pending keys grouped by document: titled documents first (by title), the
 * persons waiting on each by name, with how many of their devices wait.
 */
export function groupPendingKeys(
  keys: readonly PendingKey[],
  name: (person: PersonId) => string,
  title: (document: DocumentId) => string | null,
): KeyGroup[] {
  const byDocument = new Map<DocumentId, PendingKey[]>();
  for (const k of keys) byDocument.set(k.document_id, [...(byDocument.get(k.document_id) ?? []), k]);
  const groups = [...byDocument].map(([documentId, list]): KeyGroup => {
    const devices = new Map<PersonId, Set<string>>();
    for (const k of list) devices.set(k.person_id, (devices.get(k.person_id) ?? new Set()).add(k.device_id));
    return {
      documentId,
      title: title(documentId),
      versions: [...new Set(list.map((k) => k.version))].sort((a, b) => a - b),
      persons: [...devices]
        .map(([personId, set]) => ({ personId, name: name(personId), devices: set.size }))
        .sort((a, b) => a.name.localeCompare(b.name, "vi") || a.personId.localeCompare(b.personId)),
      count: list.length,
    };
  });
  return groups.sort((a, b) => {
    if ((a.title === null) !== (b.title === null)) return a.title === null ? 1 : -1;
    return (a.title ?? a.documentId).localeCompare(b.title ?? b.documentId, "vi") || a.documentId.localeCompare(b.documentId);
  });
}

/** What the signatures already in an attached PDF add up to, for one chip. */
export interface SignatureVerdict {
  tone: "ok" | "warn" | "danger";
  key: MessageKey;
  /** The signers, as their certificates name them. */
  names: string;
}

/**
 * Any signature that does not hold makes the document's verdict "not
 * valid"; all holding but one not trusted, "not trusted"; all holding and
 * none checked against trust anchors, "not checked"; none: no verdict.
 */
export function signatureVerdict(signatures: readonly SignatureView[]): SignatureVerdict | null {
  if (signatures.length === 0) return null;
  const names = signatures.map((s) => s.signer ?? "?").join(", ");
  if (signatures.some((s) => s.integrity !== "valid")) return { tone: "danger", key: "builder.doc.sigInvalid", names };
  if (signatures.some((s) => s.trust === "untrusted" || s.trust === "outside_validity")) {
    return { tone: "danger", key: "builder.doc.sigUntrusted", names };
  }
  if (signatures.some((s) => s.trust === "not_checked")) return { tone: "warn", key: "builder.doc.sigNotChecked", names };
  return { tone: "ok", key: "builder.doc.sigValid", names };
}

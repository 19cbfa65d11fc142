/**
 * Pure helpers of the reader's annotations: the colours the engine accepts,
 * the side panel's grouping, page-fraction geometry for drawing on a page,
 * and the catalogue keys of kinds, sharing and refused changes. No DOM here,
 * so all of it is unit-tested.
 */
import type { AnnotationKind, AnnotationView, PageRect, RejectedChange, ShareScope, Stroke } from "./bindings";
import type { MessageKey, Translate } from "./i18n";

/** The colours the engine accepts (ecabinet-domain's COLOURS); anything else is refused. */
export const COLOURS = ["yellow", "green", "blue", "pink", "orange"] as const;
export type Colour = (typeof COLOURS)[number];
/** The engine's default colour, also used for a colour this version does not know. */
export const DEFAULT_COLOUR: Colour = "yellow";

export function isColour(value: string): value is Colour {
  return (COLOURS as readonly string[]).includes(value);
}

export const SHARE_SCOPES: readonly ShareScope[] = ["private", "secretariat", "participants"];

/** What a press on the page does. Bookmarking is a single click on the toolbar, not a tool. */
export type AnnotationTool = "select" | "highlight" | "note" | "ink";

/** What the reader asks the app to create; the app adds the document and leaves it private. */
export interface AnnotationDraft {
  kind: AnnotationKind;
  page: number;
  rects: PageRect[];
  ink: Stroke[];
  text: string | null;
  colour: Colour;
}

/** What became of the last change to the annotations, for the feedback line. */
export type AnnotationSave =
  | { kind: "saving" }
  | { kind: "saved"; change: "created" | "edited" | "deleted"; waiting: boolean }
  | { kind: "failed"; error: unknown };

// ── grouping ──────────────────────────────────────────────────────────────

export interface PageGroup {
  page: number;
  annotations: AnnotationView[];
}

export interface PanelGroups {
  /** Annotations shown on the current version, by page. */
  pages: PageGroup[];
  /** Made on an earlier version whose text is gone: listed apart, never dropped. */
  unplaced: AnnotationView[];
}

/** How far down its page an annotation sits (bookmarks first), to list a page's annotations in reading order. */
function topOf(a: AnnotationView): number {
  if (a.kind === "bookmark") return -1;
  const ys = [...a.anchor.rects.map((r) => r.y), ...a.ink.flatMap((s) => s.points.map(([, y]) => y))];
  return ys.length === 0 ? 0 : Math.min(...ys);
}

export function groupForPanel(annotations: readonly AnnotationView[]): PanelGroups {
  const byPage = new Map<number, AnnotationView[]>();
  const unplaced: AnnotationView[] = [];
  for (const a of annotations) {
    if (a.placement === "unplaced") {
      unplaced.push(a);
      continue;
    }
    const list = byPage.get(a.page) ?? [];
    list.push(a);
    byPage.set(a.page, list);
  }
  const pages = [...byPage.entries()]
    .sort(([a], [b]) => a - b)
    .map(([page, list]) => ({ page, annotations: list.sort((a, b) => topOf(a) - topOf(b)) }));
  return { pages, unplaced };
}

/** What to draw over `page`: its annotations that have a place on this version. */
export function annotationsOnPage(annotations: readonly AnnotationView[], page: number): AnnotationView[] {
  return annotations.filter((a) => a.placement !== "unplaced" && a.page === page);
}

/** This person's bookmark of `page`, if any (the bookmark button does not make a second one). */
export function myBookmark(annotations: readonly AnnotationView[], page: number): AnnotationView | null {
  return annotationsOnPage(annotations, page).find((a) => a.mine && a.kind === "bookmark") ?? null;
}

// ── geometry (fractions of the page, from its top-left corner) ────────────

export interface Point {
  x: number;
  y: number;
}

export interface Box {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** Four decimals: a tenth of a pixel on a page 1000 px wide, and short to store and send. */
function round(v: number): number {
  return Math.round(v * 10_000) / 10_000;
}

function clamp01(v: number): number {
  return Math.min(1, Math.max(0, v));
}

/**
 * Where a pointer at (clientX, clientY) is on the page image `box` (its
 * bounding rectangle), as fractions within 0…1. Null while the image has no
 * size yet.
 */
export function pointInBox(clientX: number, clientY: number, box: Box): Point | null {
  if (!(box.width > 0 && box.height > 0)) return null;
  return { x: round(clamp01((clientX - box.left) / box.width)), y: round(clamp01((clientY - box.top) / box.height)) };
}

/** The rectangle a drag from `a` to `b` covers, whichever way it went. */
export function rectBetween(a: Point, b: Point): PageRect {
  const x = Math.min(a.x, b.x);
  const y = Math.min(a.y, b.y);
  return { x, y, width: round(Math.max(a.x, b.x) - x), height: round(Math.max(a.y, b.y) - y) };
}

/** Below this (about 4 px on a page at 100 %) a highlight drag is taken for a slip of the hand. */
const MIN_HIGHLIGHT_SIDE = 0.004;

export function isSlip(rect: PageRect): boolean {
  return rect.width < MIN_HIGHLIGHT_SIDE || rect.height < MIN_HIGHLIGHT_SIDE;
}

/** A note pins a small square, centred on the point clicked and kept within the page. */
export const NOTE_SIZE = 0.02;

export function noteRect(p: Point): PageRect {
  const place = (v: number) => round(Math.min(1 - NOTE_SIZE, Math.max(0, v - NOTE_SIZE / 2)));
  return { x: place(p.x), y: place(p.y), width: NOTE_SIZE, height: NOTE_SIZE };
}

export function rectCentre(r: PageRect): Point {
  return { x: round(r.x + r.width / 2), y: round(r.y + r.height / 2) };
}

/** The pen's width, as a fraction of the page width (about 3 px at 100 %). */
export const PEN_WIDTH = 0.003;
/** Points closer than this to the previous one add nothing visible. */
const MIN_INK_STEP = 0.002;
/** The engine's limit on the points of one annotation (ecabinet-domain's MAX_INK_POINTS). */
export const MAX_INK_POINTS = 20_000;

/** Adds `p` to a stroke unless it is too close to the last point or the stroke is full; true if added. */
export function addInkPoint(points: Array<[number, number]>, p: Point): boolean {
  const last = points[points.length - 1];
  if (points.length >= MAX_INK_POINTS) return false;
  if (last && Math.hypot(p.x - last[0], p.y - last[1]) < MIN_INK_STEP) return false;
  points.push([p.x, p.y]);
  return true;
}

/** A stroke's points for an SVG polyline drawn in a 1 × 1 view box. */
export function svgPoints(stroke: Stroke): string {
  return stroke.points.map(([x, y]) => `${x},${y}`).join(" ");
}

/** A fraction as a CSS percentage, for positions that follow the page at any zoom. */
export function percent(fraction: number): string {
  return `${round(fraction * 100)}%`;
}

// ── labels ────────────────────────────────────────────────────────────────

const KIND_KEYS: Readonly<Record<AnnotationKind, MessageKey>> = {
  highlight: "annotations.kind.highlight",
  note: "annotations.kind.note",
  ink: "annotations.kind.ink",
  bookmark: "annotations.kind.bookmark",
};

const SHARE_KEYS: Readonly<Record<ShareScope, MessageKey>> = {
  private: "annotations.share.private",
  secretariat: "annotations.share.secretariat",
  participants: "annotations.share.participants",
};

const COLOUR_KEYS: Readonly<Record<Colour, MessageKey>> = {
  yellow: "annotations.colour.yellow",
  green: "annotations.colour.green",
  blue: "annotations.colour.blue",
  pink: "annotations.colour.pink",
  orange: "annotations.colour.orange",
};

/** The server's reasons for refusing a change, by code (ecabinet-server's op_rules). */
const REJECTED_KEYS: Readonly<Record<string, MessageKey>> = {
  forbidden: "sync.rejected.forbidden",
  not_yours: "sync.rejected.not_yours",
  unknown_document: "sync.rejected.unknown_document",
  unknown_annotation: "sync.rejected.unknown_annotation",
  document_mismatch: "sync.rejected.document_mismatch",
  stale_sequence: "sync.rejected.stale_sequence",
  missing_key: "sync.rejected.missing_key",
  missing_share_key: "sync.rejected.missing_key",
  // Ballots (decide_ballot): also shown on the vote itself.
  motion_closed: "sync.rejected.motion_closed",
  not_present: "sync.rejected.not_present",
  substituted: "sync.rejected.substituted",
  not_a_member: "sync.rejected.not_a_member",
  unknown_motion: "sync.rejected.unknown_motion",
  bad_choice: "sync.rejected.bad_choice",
  bad_time: "sync.rejected.bad_time",
  not_your_ballot: "sync.rejected.not_your_ballot",
  // Positions (decide_position) and written opinions (decide_opinion): also shown on the item or the request.
  meeting_started: "sync.rejected.meeting_started",
  bad_reason: "sync.rejected.bad_reason",
  unknown_request: "sync.rejected.unknown_request",
  not_asked: "sync.rejected.not_asked",
  no_mandate: "sync.rejected.no_mandate",
  comment_too_long: "sync.rejected.comment_too_long",
};

export function kindKey(kind: AnnotationKind): MessageKey {
  return KIND_KEYS[kind];
}

export function shareKey(share: ShareScope): MessageKey {
  return SHARE_KEYS[share];
}

export function colourKey(colour: Colour): MessageKey {
  return COLOUR_KEYS[colour];
}

/** An annotation's colour as the UI draws it: a colour it does not know shows as the default. */
export function colourOf(a: Pick<AnnotationView, "colour">): Colour {
  return isColour(a.colour) ? a.colour : DEFAULT_COLOUR;
}

/** Who wrote an annotation, as the panel says it. */
export function authorLabel(a: Pick<AnnotationView, "mine" | "author_name">, t: Translate): string {
  if (a.mine) return t("annotations.you");
  return a.author_name.trim() === "" ? t("annotations.someone") : a.author_name;
}

/** Why the server refused a change: the catalogue's words for a known code, else the server's own. */
export function rejectedReason(change: Pick<RejectedChange, "code" | "reason">, t: Translate): string {
  const key = Object.prototype.hasOwnProperty.call(REJECTED_KEYS, change.code) ? REJECTED_KEYS[change.code] : undefined;
  if (key) return t(key);
  return change.reason.trim() === "" ? t("sync.rejected.generic") : t("sync.rejected.other", { reason: change.reason });
}

/** The feedback line after a change, or null when there is nothing to say. */
export function saveMessage(save: AnnotationSave | null, t: Translate, reason: (error: unknown) => string): string | null {
  if (save === null) return null;
  switch (save.kind) {
    case "saving":
      return t("annotations.saving");
    case "failed":
      return t("annotations.saveFailed", { reason: reason(save.error) });
    case "saved":
      if (save.change === "deleted") return t(save.waiting ? "annotations.deletedWaiting" : "annotations.deleted");
      return t(save.waiting ? "annotations.savedWaiting" : "annotations.saved");
  }
}

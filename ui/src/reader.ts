/**
 * Pure helpers of the document reader: page URLs, page numbers, zoom, the
 * resolution to ask the engine for, search-snippet highlighting and the
 * keyboard map. No DOM here, so all of it is unit-tested.
 */

/** Resolution of a page at 100 % zoom (a little over CSS's 96 px per inch). */
export const BASE_DPI = 110;
/** What the engine accepts (`?dpi=`; ecabinet-pdf's MIN_DPI and MAX_DPI): anything else is refused. */
export const MIN_DPI = 36;
export const MAX_DPI = 600;
/**
 * Resolution of the thumbnails in the page strip: the lowest the engine
 * renders (24 dpi would be enough for their size, but it is refused).
 */
export const THUMB_DPI = MIN_DPI;
/** Width of an A4 page, for "fit width" (most cabinet papers are A4). */
export const A4_WIDTH_IN = 8.27;
/** Up to this many pages every thumbnail is created (lazy-loaded); above it only those near view. */
export const ALL_THUMBS_MAX = 60;

export const ZOOM_STEPS: readonly number[] = [0.5, 0.67, 0.75, 0.9, 1, 1.1, 1.25, 1.5, 1.75, 2, 2.5, 3];
export const ZOOM_MIN = ZOOM_STEPS[0] ?? 0.5;
export const ZOOM_MAX = ZOOM_STEPS[ZOOM_STEPS.length - 1] ?? 3;

// ── page URLs ─────────────────────────────────────────────────────────────

/**
 * How the webview reaches the `ecabpage` scheme: WebView2 (Windows) only
 * loads custom schemes as `http://<scheme>.localhost/`; WebKit (Linux, macOS)
 * loads `ecabpage://localhost/` itself.
 */
export type PagePlatform = "windows" | "other";

export function detectPagePlatform(userAgent: string): PagePlatform {
  return userAgent.includes("Windows") ? "windows" : "other";
}

function currentPagePlatform(): PagePlatform {
  return detectPagePlatform(typeof navigator === "undefined" ? "" : navigator.userAgent);
}

/** The URL of one rendered (and watermarked) page: `ecabpage://localhost/<doc>/<page>?dpi=<dpi>`. */
export function pageUrl(
  documentId: string,
  page: number,
  dpi: number,
  platform: PagePlatform = currentPagePlatform(),
): string {
  const base = platform === "windows" ? "http://ecabpage.localhost" : "ecabpage://localhost";
  return `${base}/${encodeURIComponent(documentId)}/${Math.trunc(page)}?dpi=${clampDpi(dpi)}`;
}

// ── pages ─────────────────────────────────────────────────────────────────

/** A page number within 1…count (1 for anything that is not a number). */
export function clampPage(page: number, count: number): number {
  const last = Math.max(1, Math.trunc(count));
  if (!Number.isFinite(page)) return 1;
  return Math.min(last, Math.max(1, Math.trunc(page)));
}

export type PageInput =
  | { kind: "ok"; page: number }
  /** A number outside 1…count: brought to the nearest page. */
  | { kind: "clamped"; page: number }
  /** Not a whole number: nothing to go to. */
  | { kind: "invalid" };

/** What the page-number box asks for. Only digits (and surrounding spaces) are a page number. */
export function parsePageInput(text: string, count: number): PageInput {
  const trimmed = text.trim();
  if (!/^\d{1,9}$/.test(trimmed)) return { kind: "invalid" };
  const wanted = Number(trimmed);
  const page = clampPage(wanted, count);
  return page === wanted ? { kind: "ok", page } : { kind: "clamped", page };
}

// ── zoom and resolution ───────────────────────────────────────────────────

export function clampZoom(zoom: number): number {
  if (!Number.isFinite(zoom)) return 1;
  return Math.min(ZOOM_MAX, Math.max(ZOOM_MIN, zoom));
}

const EPSILON = 0.001;

/** The next zoom step above `zoom` (or the largest). */
export function zoomIn(zoom: number): number {
  return ZOOM_STEPS.find((s) => s > zoom + EPSILON) ?? ZOOM_MAX;
}

/** The next zoom step below `zoom` (or the smallest). */
export function zoomOut(zoom: number): number {
  return [...ZOOM_STEPS].reverse().find((s) => s < zoom - EPSILON) ?? ZOOM_MIN;
}

export function zoomPercent(zoom: number): number {
  return Math.round(zoom * 100);
}

export function clampDpi(dpi: number): number {
  if (!Number.isFinite(dpi)) return BASE_DPI;
  return Math.min(MAX_DPI, Math.max(MIN_DPI, Math.round(dpi)));
}

/**
 * The resolution to ask the engine for: 110 dpi × zoom, times the screen's
 * pixel ratio so that pages stay sharp on high-density screens.
 */
export function pageDpi(zoom: number, pixelRatio = 1): number {
  const ratio = Number.isFinite(pixelRatio) && pixelRatio > 0 ? pixelRatio : 1;
  return clampDpi(BASE_DPI * zoom * ratio);
}

/**
 * The zoom at which an A4 page fills `widthPx` CSS pixels: the page is then
 * rendered at `widthPx / 8.27` dpi (before the pixel ratio). Null when there
 * is no width to fit (e.g. not laid out yet).
 */
export function fitWidthZoom(widthPx: number): number | null {
  if (!Number.isFinite(widthPx) || widthPx <= 0) return null;
  const dpi = widthPx / A4_WIDTH_IN;
  return clampZoom(Math.floor((dpi / BASE_DPI) * 100) / 100);
}

/** CSS width of a page image: what `zoom` means, whatever resolution was rendered. */
export function pageCssWidth(naturalWidth: number, dpi: number, zoom: number): number {
  return (naturalWidth * BASE_DPI * zoom) / dpi;
}

// ── thumbnails ────────────────────────────────────────────────────────────

/** Pages whose thumbnails to create around `page` when not all are created. */
export function thumbRange(page: number, count: number, radius = 8): { from: number; to: number } {
  const p = clampPage(page, count);
  return { from: Math.max(1, p - radius), to: Math.min(Math.max(1, count), p + radius) };
}

// ── search ────────────────────────────────────────────────────────────────

export interface SnippetPart {
  text: string;
  match: boolean;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * Splits a search snippet into plain and matching parts, matching the phrase
 * the way the engine does: ignoring case, with any run of white space (PDF
 * line breaks included) standing for one space.
 */
export function highlightSnippet(snippet: string, phrase: string): SnippetPart[] {
  const text = snippet.normalize("NFC");
  const words = phrase.normalize("NFC").trim().split(/\s+/u).filter((w) => w !== "");
  if (words.length === 0 || text === "") return text === "" ? [] : [{ text, match: false }];
  const pattern = new RegExp(words.map(escapeRegExp).join("\\s+"), "giu");
  const parts: SnippetPart[] = [];
  let last = 0;
  for (const m of text.matchAll(pattern)) {
    const start = m.index ?? 0;
    if (start > last) parts.push({ text: text.slice(last, start), match: false });
    parts.push({ text: m[0], match: true });
    last = start + m[0].length;
  }
  if (last < text.length) parts.push({ text: text.slice(last), match: false });
  return parts;
}

// ── keyboard ──────────────────────────────────────────────────────────────

export type ReaderCommand =
  | "next"
  | "prev"
  | "first"
  | "last"
  | "zoomIn"
  | "zoomOut"
  | "find"
  | "clearSearch"
  | "close";

/** Where a key was pressed: the reader's search box, another text field, or anywhere else. */
export type KeyTarget = "search" | "input" | "other";

export interface KeyLike {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
}

/**
 * The reader's keyboard map. Ctrl+F (⌘F) works everywhere; page and zoom keys
 * and Escape only outside text fields, except Escape in the search box, which
 * clears the search.
 */
export function readerKeyCommand(event: KeyLike, target: KeyTarget): ReaderCommand | null {
  const key = event.key;
  if ((event.ctrlKey || event.metaKey) && !event.altKey && key.toLowerCase() === "f") return "find";
  if (event.ctrlKey || event.metaKey || event.altKey) return null;
  if (target === "search") return key === "Escape" ? "clearSearch" : null;
  if (target === "input") return null;
  switch (key) {
    case "ArrowRight":
    case "PageDown":
      return "next";
    case "ArrowLeft":
    case "PageUp":
      return "prev";
    case "Home":
      return "first";
    case "End":
      return "last";
    case "+":
    case "=":
      return "zoomIn";
    case "-":
    case "_":
      return "zoomOut";
    case "Escape":
      return "close";
    default:
      return null;
  }
}

/**
 * Ctrl+P (⌘P on a Mac), with or without Shift: the print shortcut, blocked
 * for a document the secretariat marked "no print", wherever focus is.
 */
export function isPrintKey(event: KeyLike): boolean {
  return (event.ctrlKey || event.metaKey) && !event.altKey && event.key.toLowerCase() === "p";
}

import type { AnnotationSave } from "../annotations";
import type { AnnotationList, DocumentChanges, DocumentView, PageHit, SignatureView } from "../bindings";
import { changeCounts, newPages, pageList } from "../changes";
import { h, replaceRegion } from "../dom";
import { errorMessage, isEngineError, type Locale, type Translate } from "../i18n";
import {
  ALL_THUMBS_MAX,
  highlightSnippet,
  isPrintKey,
  pageCssWidth,
  pageDpi,
  pageUrl,
  readerKeyCommand,
  THUMB_DPI,
  thumbRange,
  zoomPercent,
  ZOOM_MAX,
  ZOOM_MIN,
  type KeyTarget,
  type PagePlatform,
  type ReaderCommand,
} from "../reader";
import { mountAnnotations, type AnnotationActions } from "./annotations";
import { spinner, statePanel } from "./common";
import type { Loadable } from "./main";
import { exchangeDay, mountSignatures, type SignatureActions } from "./signatures";

export interface ReaderState {
  documentId: string;
  /** From the agenda: shown while the document opens. */
  title: string;
  version: number;
  open: Loadable<DocumentView>;
  /** 1-based, always within the document once it is open. */
  page: number;
  /** 1 = 100 % (110 dpi). */
  zoom: number;
  /** Why the last page number typed was not taken as it was. */
  pageHint: { kind: "clamped" | "invalid" } | null;
  /** What is typed in the search box (kept across re-renders, no re-render while typing). */
  searchText: string;
  /** The last search run, if any. */
  search: { phrase: string; result: Loadable<PageHit[]> } | null;
  /** The document's highlights, notes, drawings and bookmarks (loaded once it is open). */
  annotations: Loadable<AnnotationList>;
  /** What became of the last change to them. */
  annotationSave: AnnotationSave | null;
  /** What changed since the previous version, while that panel is open; null when it is closed. */
  changes: Loadable<DocumentChanges> | null;
  /** The document's digital signatures, while that panel is open; null or absent when it is closed. */
  signatures?: Loadable<SignatureView[]> | null;
  /** Presenter follow while a session presents a page; null (or absent) when nothing is presented. */
  follow?: ReaderFollow | null;
}

export interface ReaderFollow {
  /** Whether the reader follows the presenter (on by default). */
  on: boolean;
  /** The presented page. */
  page: number;
  /** Whether the presenter shows this document. */
  here: boolean;
}

/**
 * A laptop screen (1280 or 1366 px wide): the page keeps most of the width,
 * so the meetings list steps aside while reading and only one side panel
 * (search results or notes) shows at a time, the notes starting collapsed.
 */
export const LAPTOP_QUERY = "(max-width: 1400px)";

function onLaptop(): boolean {
  return typeof matchMedia === "function" && matchMedia(LAPTOP_QUERY).matches;
}

export interface ReaderActions extends AnnotationActions, SignatureActions {
  closeReader(): void;
  /** Leaves presenter follow, or comes back to it (and to the presented page). */
  setFollow(on: boolean): void;
  retryOpen(): void;
  goToPage(page: number): void;
  submitPage(text: string): void;
  /** Drops the page-number hint (e.g. when the box loses focus). */
  clearPageHint(): void;
  zoomIn(): void;
  zoomOut(): void;
  /** Fits an A4 page to this many CSS pixels. */
  fitWidth(widthPx: number): void;
  setSearchText(text: string): void;
  search(phrase: string): void;
  clearSearch(): void;
  /** Opens the panel of what changed since the previous version (and reads it). */
  showChanges(): void;
  hideChanges(): void;
}

/** What the reader needs from its surroundings (injected in tests). */
export interface ReaderEnv {
  platform?: PagePlatform;
  /** The screen's device pixel ratio (window.devicePixelRatio). */
  pixelRatio?: () => number;
  /**
   * Given, the page shown carries a ticket in its URL and this is called
   * with it, so the engine drops queued renders of pages the reader left.
   */
  cancelRendersBelow?: (ticket: number) => void;
}

/** Render tickets only grow, across readers: the engine keeps one threshold. */
let lastTicket = 0;

export interface ReaderView {
  readonly documentId: string;
  readonly root: HTMLElement;
  update(state: ReaderState): void;
  /** The app forwards keydown events here while the reader is open. */
  handleKey(event: KeyboardEvent): void;
  /** Call once the reader is in the document: shows the current thumbnail and puts keyboard focus in the reader. */
  attached(): void;
}

/** Asks the page URL again to learn why it failed (`{code, message}`); null if that is not possible. */
async function pageFailure(url: string): Promise<unknown> {
  if (typeof fetch !== "function") return null;
  try {
    const response = await fetch(url);
    if (response.ok) return null;
    const body: unknown = await response.json();
    return isEngineError(body) ? body : null;
  } catch {
    return null;
  }
}

function keyTarget(target: EventTarget | null): KeyTarget {
  if (!(target instanceof HTMLElement)) return "other";
  if (target.dataset["readerSearch"] !== undefined) return "search";
  if (target.isContentEditable || target.matches("input, textarea, select")) return "input";
  return "other";
}

export function mountReader(
  initial: ReaderState,
  locale: Locale,
  t: Translate,
  actions: ReaderActions,
  env: ReaderEnv = {},
): ReaderView {
  const documentId = initial.documentId;
  const pixelRatio = () => env.pixelRatio?.() ?? (typeof window === "undefined" ? 1 : window.devicePixelRatio || 1);
  const url = (page: number, dpi: number) => pageUrl(documentId, page, dpi, env.platform);
  let state = initial;
  const notes = mountAnnotations(initial, locale, t, actions, (open) => {
    // On a laptop the notes take the search results' place.
    if (open && onLaptop() && state.search !== null) collapseResults(true);
  });
  if (onLaptop()) notes.setPanelOpen(false);
  /** The search results panel collapsed (the search itself stays). */
  let resultsCollapsed = false;

  // ── toolbar ─────────────────────────────────────────────────────────────
  const titleEl = h("h2", { id: "reader-title", class: "reader-title", "data-testid": "reader-title" });
  const versionEl = h("span", { class: "reader-version", "data-testid": "reader-version" });
  const button = (testid: string, label: string, text: string, onClick: () => void, extra: string = "") =>
    h(
      "button",
      {
        type: "button",
        class: `btn btn-tool ${extra}`.trim(),
        "data-testid": testid,
        "data-focus-key": testid,
        "aria-label": label,
        title: label,
        onclick: (e: Event) => {
          if ((e.currentTarget as HTMLElement).getAttribute("aria-disabled") === "true") return;
          onClick();
        },
      },
      text,
    );

  const marks = h("span", { class: "reader-marks", "data-testid": "reader-marks" });
  const followStatus = h("span", { class: "reader-follow-status", role: "status", "data-testid": "reader-follow-status" });
  const followButton = h(
    "button",
    {
      type: "button",
      class: "btn btn-tool btn-tool-text reader-follow",
      title: t("reader.followHint"),
      "data-testid": "reader-follow",
      "data-focus-key": "reader-follow",
      onclick: () => actions.setFollow(state.follow?.on !== true),
    },
    t("reader.follow"),
  );
  const followGroup = h("div", { class: "reader-follow-group" }, followButton, followStatus);
  /** Holds the follow controls only while a page is presented (no hidden controls in the toolbar). */
  const followSlot = h("div", { class: "reader-follow-slot" });
  const changesButton = h(
    "button",
    {
      type: "button",
      class: "btn btn-tool btn-tool-text reader-changes-toggle",
      "data-testid": "reader-changes",
      "data-focus-key": "reader-changes",
      "aria-controls": "reader-changes-panel",
      "aria-expanded": "false",
      hidden: true,
      onclick: () => {
        if (state.changes === null) {
          actions.showChanges();
          changesTitle.focus();
        } else {
          actions.hideChanges();
        }
      },
    },
    t("reader.changes"),
  );
  /** Said when printing is refused; it goes again after a while. */
  const printNotice = h("p", { class: "reader-print-notice", role: "alert", "data-testid": "reader-print-blocked", hidden: true });
  let printNoticeTimer: ReturnType<typeof setTimeout> | null = null;

  const back = h(
    "button",
    {
      type: "button",
      class: "btn btn-secondary reader-back",
      "data-testid": "reader-back",
      "data-focus-key": "reader-back",
      onclick: () => actions.closeReader(),
    },
    h("span", { "aria-hidden": "true" }, "←"),
    t("reader.back"),
  );

  const prev = button("reader-prev", t("reader.prev"), "‹", () => actions.goToPage(state.page - 1));
  const next = button("reader-next", t("reader.next"), "›", () => actions.goToPage(state.page + 1));
  const pageInput = h("input", {
    type: "text",
    inputmode: "numeric",
    class: "input reader-page-input",
    autocomplete: "off",
    spellcheck: "false",
    "aria-label": t("reader.pageInput"),
    "aria-describedby": "reader-page-hint",
    "data-testid": "reader-page-input",
    "data-focus-key": "reader-page-input",
    onkeydown: (e: Event) => {
      const ke = e as KeyboardEvent;
      if (ke.key === "Enter" && !ke.isComposing) {
        ke.preventDefault();
        actions.submitPage(pageInput.value);
        // The state is updated by now: show the page gone to (a refused entry stays, with its hint).
        if (state.pageHint?.kind !== "invalid") pageInput.value = String(state.page);
        pageInput.select();
      } else if (ke.key === "Escape") {
        pageInput.value = String(state.page);
        actions.clearPageHint();
      }
    },
    onblur: () => {
      pageInput.value = String(state.page);
    },
  });
  const pageCount = h("span", { class: "reader-page-count", "data-testid": "reader-page-count" });
  const pageHint = h("p", {
    id: "reader-page-hint",
    class: "reader-page-hint",
    role: "status",
    "data-testid": "reader-page-hint",
  });
  const zoomOutBtn = button("reader-zoom-out", t("reader.zoomOut"), "−", () => actions.zoomOut());
  const zoomInBtn = button("reader-zoom-in", t("reader.zoomIn"), "+", () => actions.zoomIn());
  const zoomLevel = h("span", { class: "reader-zoom-level", "data-testid": "reader-zoom-level" });
  const fitWidth = h(
    "button",
    {
      type: "button",
      class: "btn btn-tool btn-tool-text",
      "data-testid": "reader-fit-width",
      "data-focus-key": "reader-fit-width",
      onclick: () => {
        const style = getComputedStyle(canvas);
        const width = canvas.clientWidth - (parseFloat(style.paddingLeft) || 0) - (parseFloat(style.paddingRight) || 0);
        actions.fitWidth(width);
      },
    },
    t("reader.fitWidth"),
  );
  const searchInput = h("input", {
    type: "search",
    class: "input reader-search-input",
    autocomplete: "off",
    placeholder: t("reader.search"),
    "aria-label": t("reader.search"),
    "data-testid": "reader-search-input",
    "data-focus-key": "reader-search-input",
    "data-reader-search": "",
    oninput: () => actions.setSearchText(searchInput.value),
  });
  searchInput.value = initial.searchText;
  const resultsToggle = h(
    "button",
    {
      type: "button",
      class: "btn btn-tool btn-tool-text",
      "data-testid": "reader-results-toggle",
      "data-focus-key": "reader-results-toggle",
      "aria-controls": "reader-results",
      hidden: true,
      onclick: () => collapseResults(!resultsCollapsed),
    },
    t("reader.results"),
  );
  const searchForm = h(
    "form",
    {
      class: "reader-search",
      role: "search",
      "data-testid": "reader-search",
      onsubmit: (e: Event) => {
        e.preventDefault();
        actions.search(searchInput.value);
      },
    },
    searchInput,
    h(
      "button",
      {
        type: "submit",
        class: "btn btn-tool btn-tool-text",
        "data-testid": "reader-search-submit",
        "data-focus-key": "reader-search-submit",
      },
      t("reader.searchSubmit"),
    ),
    resultsToggle,
  );

  const controls = h(
    "div",
    { class: "reader-controls", "data-testid": "reader-controls" },
    h(
      "div",
      { class: "reader-group reader-nav", role: "group", "aria-label": t("reader.navigation") },
      prev,
      h(
        "span",
        { class: "reader-page-field" },
        h("span", { class: "reader-page-label", "aria-hidden": "true" }, t("reader.page")),
        pageInput,
        pageCount,
        pageHint,
      ),
      next,
    ),
    h(
      "div",
      { class: "reader-group reader-zoom", role: "group", "aria-label": t("reader.zoom") },
      zoomOutBtn,
      zoomLevel,
      zoomInBtn,
      fitWidth,
    ),
    searchForm,
    notes.toolbar,
  );

  // ── body ────────────────────────────────────────────────────────────────
  const body = h("div", { class: "reader-body", "data-testid": "reader-body" });
  const thumbs = h("nav", { class: "reader-thumbs", "aria-label": t("reader.pages"), "data-testid": "reader-thumbs" });
  const pageBox = h("div", { class: "reader-page", "data-testid": "reader-page", "aria-live": "polite" });
  const canvas = h(
    "div",
    { class: "reader-canvas", tabindex: "0", "aria-labelledby": "reader-title", "data-testid": "reader-canvas" },
    pageBox,
  );
  const resultsRegion = h("div", { class: "reader-results-region" });
  const results = h(
    "aside",
    { id: "reader-results", class: "reader-results", "aria-label": t("reader.searchResults"), "data-testid": "reader-results" },
    h(
      "div",
      { class: "reader-results-head" },
      h("h3", { class: "reader-results-title" }, t("reader.searchResults")),
      h(
        "button",
        {
          type: "button",
          class: "btn btn-tool",
          "aria-label": t("reader.searchClose"),
          title: t("reader.searchClose"),
          "data-testid": "reader-search-close",
          onclick: () => {
            actions.clearSearch();
            searchInput.focus();
          },
        },
        "×",
      ),
    ),
    resultsRegion,
  );
  const changesTitle = h("h3", { class: "reader-results-title", id: "reader-changes-title", tabindex: "-1" }, t("reader.changesTitle"));
  const changesRegion = h("div", { class: "reader-results-region" });
  const changesPanel = h(
    "aside",
    {
      id: "reader-changes-panel",
      class: "reader-results reader-changes",
      "aria-labelledby": "reader-changes-title",
      "data-testid": "reader-changes-panel",
      hidden: true,
    },
    h(
      "div",
      { class: "reader-results-head" },
      changesTitle,
      h(
        "button",
        {
          type: "button",
          class: "btn btn-tool",
          "aria-label": t("reader.changesClose"),
          title: t("reader.changesClose"),
          "data-testid": "reader-changes-close",
          onclick: () => closeChanges(),
        },
        "×",
      ),
    ),
    changesRegion,
  );
  const signatures = mountSignatures(locale, t, actions);
  const layout = h("div", { class: "reader-layout" }, thumbs, canvas, results, changesPanel, signatures.panel, notes.panel);
  // Pages are confidential: no dragging them out, no "save image" menu.
  layout.addEventListener("contextmenu", (e) => {
    if (e.target instanceof HTMLImageElement) e.preventDefault();
  });

  const root = h(
    "section",
    { class: "reader", "data-testid": "reader", "data-document-id": documentId, "aria-labelledby": "reader-title" },
    h(
      "header",
      { class: "reader-toolbar" },
      h("div", { class: "reader-bar" }, back, h("div", { class: "reader-heading" }, titleEl, versionEl, marks), followSlot, changesButton, signatures.button),
      printNotice,
      controls,
    ),
    body,
    // Printed instead of the document when printing it is not allowed (see style.css, @media print).
    h("p", { class: "reader-print-only", "data-testid": "reader-print-only" }, t("reader.printBlocked")),
  );

  function closeChanges(): void {
    actions.hideChanges();
    changesButton.focus();
  }

  function showPrintNotice(): void {
    printNotice.textContent = t("reader.printBlocked");
    printNotice.hidden = false;
    if (printNoticeTimer !== null) clearTimeout(printNoticeTimer);
    printNoticeTimer = setTimeout(() => {
      printNotice.hidden = true;
      printNoticeTimer = null;
    }, 8000);
  }

  // ── rendering ───────────────────────────────────────────────────────────
  let bodyKind: ReaderState["open"]["kind"] | null = null;
  let thumbsFor = 0; // page count the strip was built for
  let thumbObserver: IntersectionObserver | null = null;
  let shownPage = 0;
  let pageKey = "";
  let retries = 0;
  let renderedSearch: ReaderState["search"] | undefined;
  let renderedPageForResults = 0;
  let focusPending = false;

  function setDisabled(el: HTMLElement, disabled: boolean): void {
    el.setAttribute("aria-disabled", String(disabled));
  }

  function renderBody(s: ReaderState): void {
    if (s.open.kind === bodyKind && s.open.kind !== "ready") return;
    if (s.open.kind === "loading") {
      replaceRegion(
        body,
        statePanel({ testid: "reader-loading", title: t("reader.opening"), hint: t("reader.openingHint"), loading: true }),
      );
    } else if (s.open.kind === "error") {
      const error = s.open.error;
      const offline = isEngineError(error) && error.code === "server_unreachable";
      replaceRegion(
        body,
        statePanel({
          testid: "reader-error",
          tone: "error",
          title: t("reader.openFailed"),
          hint: offline ? `${errorMessage(error, locale)} ${t("reader.notCached")}` : errorMessage(error, locale),
          action: { label: t("reader.back"), onClick: actions.closeReader, focusKey: "reader-error-back", testid: "reader-error-back" },
          secondaryAction: { label: t("common.retry"), onClick: actions.retryOpen, focusKey: "reader-retry", testid: "reader-retry" },
        }),
      );
    } else if (bodyKind !== "ready") {
      const active = document.activeElement;
      replaceRegion(body, layout);
      // The loading panel that may have had focus is gone: continue in the page area.
      if (active === null || active === document.body || !active.isConnected || (focusPending && active === back)) {
        canvas.focus({ preventScroll: true });
      }
      focusPending = false;
    }
    bodyKind = s.open.kind;
  }

  function thumbImage(page: number): HTMLImageElement {
    const img = h("img", {
      class: "reader-thumb-image",
      src: url(page, THUMB_DPI),
      alt: "",
      loading: "lazy",
      decoding: "async",
      draggable: "false",
    });
    img.addEventListener("error", () => img.closest(".reader-thumb")?.classList.add("reader-thumb-failed"));
    return img;
  }

  function fillThumb(button: HTMLElement): void {
    const frame = button.querySelector(".reader-thumb-frame");
    if (!frame || frame.firstChild) return;
    frame.append(thumbImage(Number(button.dataset["page"])));
  }

  function buildThumbs(count: number): void {
    thumbObserver?.disconnect();
    thumbObserver = null;
    const all = count <= ALL_THUMBS_MAX;
    const buttons: HTMLElement[] = [];
    for (let page = 1; page <= count; page++) {
      buttons.push(
        h(
          "button",
          {
            type: "button",
            class: "reader-thumb",
            "data-testid": "reader-thumb",
            "data-page": page,
            "data-focus-key": `thumb:${page}`,
            "aria-label": t("reader.thumb", { page }),
            onclick: () => actions.goToPage(page),
          },
          h("span", { class: "reader-thumb-frame" }, all ? thumbImage(page) : null),
          h("span", { class: "reader-thumb-num", "aria-hidden": "true" }, String(page)),
        ),
      );
    }
    replaceRegion(thumbs, h("ol", { class: "reader-thumb-list", role: "list" }, buttons.map((b) => h("li", null, b))));
    if (!all && typeof IntersectionObserver === "function") {
      // Long documents: a thumbnail is created only when its slot comes near the visible part of the strip.
      thumbObserver = new IntersectionObserver(
        (entries) => {
          for (const entry of entries) {
            if (!entry.isIntersecting) continue;
            fillThumb(entry.target as HTMLElement);
            thumbObserver?.unobserve(entry.target);
          }
        },
        { root: thumbs, rootMargin: "600px 0px" },
      );
      for (const b of buttons) thumbObserver.observe(b);
    }
    thumbsFor = count;
  }

  function renderThumbs(s: ReaderState, count: number): void {
    if (thumbsFor !== count) buildThumbs(count);
    if (count > ALL_THUMBS_MAX && thumbObserver === null) {
      // No IntersectionObserver: the pages around the current one.
      const { from, to } = thumbRange(s.page, count);
      for (let p = from; p <= to; p++) {
        const b = thumbs.querySelector<HTMLElement>(`[data-testid="reader-thumb"][data-page="${p}"]`);
        if (b) fillThumb(b);
      }
    }
    if (shownPage === s.page) return;
    for (const b of thumbs.querySelectorAll<HTMLElement>('[aria-current="page"]')) b.removeAttribute("aria-current");
    const current = thumbs.querySelector<HTMLElement>(`[data-testid="reader-thumb"][data-page="${s.page}"]`);
    if (current) {
      current.setAttribute("aria-current", "page");
      if (typeof current.scrollIntoView === "function") current.scrollIntoView({ block: "nearest" });
    }
  }

  function renderPageImage(s: ReaderState, count: number): void {
    const dpi = pageDpi(s.zoom, pixelRatio());
    const key = `${s.page}@${dpi}@${s.zoom}`;
    if (key === pageKey) return;
    if (s.page !== shownPage) canvas.scrollTop = 0;
    pageKey = key;
    retries = 0;
    loadPage(s.page, count, dpi, s.zoom);
  }

  function loadPage(page: number, count: number, dpi: number, zoom: number): void {
    // Keep the height of what was shown, so the layout does not jump while the next page loads.
    const previous = pageBox.querySelector("img");
    if (previous && previous.offsetHeight > 0) pageBox.style.minHeight = `${previous.offsetHeight}px`;
    let src = url(page, dpi) + (retries > 0 ? `&retry=${retries}` : "");
    if (env.cancelRendersBelow) {
      // The desktop's engine: a page left before its turn is dropped, and
      // the page after this one is rendered ahead (turning to it, or a
      // presenter moving on, then shows it at once).
      const ticket = ++lastTicket;
      src += `&ahead=1&ticket=${ticket}`;
      env.cancelRendersBelow(ticket);
    }
    const img = h("img", {
      class: "reader-page-image",
      "data-testid": "reader-page-image",
      "data-page": page,
      src,
      alt: t("reader.pageAlt", { page, count }),
      decoding: "async",
      draggable: "false",
    });
    // Until the real size is known, assume A4.
    img.style.width = `${Math.round(pageCssWidth(8.27 * dpi, dpi, zoom))}px`;
    img.addEventListener("load", () => {
      if (!img.isConnected) return;
      if (img.naturalWidth > 0) img.style.width = `${Math.round(pageCssWidth(img.naturalWidth, dpi, zoom))}px`;
      pageBox.dataset["state"] = "loaded";
      pageBox.style.minHeight = "";
      notes.pageLoaded();
    });
    img.addEventListener("error", () => {
      if (!img.isConnected) return;
      showPageError(page, count, dpi, zoom, src);
    });
    pageBox.dataset["state"] = "loading";
    pageBox.dataset["page"] = String(page);
    replaceRegion(
      pageBox,
      img,
      notes.layer,
      h(
        "div",
        { class: "reader-page-loading", "data-testid": "reader-page-loading" },
        spinner(),
        h("span", { class: "visually-hidden" }, t("reader.pageLoading", { page })),
      ),
    );
  }

  function showPageError(page: number, count: number, dpi: number, zoom: number, src: string): void {
    pageBox.dataset["state"] = "error";
    pageBox.style.minHeight = "";
    const reason = h("p", { class: "state-hint", "data-testid": "reader-page-error-reason" });
    replaceRegion(
      pageBox,
      h(
        "div",
        { class: "state-panel state-error reader-page-error", role: "alert", "data-testid": "reader-page-error" },
        h("p", { class: "state-title" }, t("reader.pageFailed", { page })),
        reason,
        h(
          "button",
          {
            type: "button",
            class: "btn btn-secondary",
            "data-testid": "reader-page-retry",
            "data-focus-key": "reader-page-retry",
            onclick: () => {
              retries += 1;
              loadPage(page, count, dpi, zoom);
            },
          },
          t("common.retry"),
        ),
      ),
    );
    void pageFailure(src).then((error) => {
      if (reason.isConnected) reason.textContent = error === null ? "" : errorMessage(error, locale);
    });
  }

  /** Collapses or shows the search results; on a laptop, showing them collapses the notes. */
  function collapseResults(collapsed: boolean): void {
    resultsCollapsed = collapsed;
    if (!collapsed && onLaptop()) notes.setPanelOpen(false);
    paintResultsPanel(state);
  }

  function paintResultsPanel(s: ReaderState): void {
    results.hidden = s.search === null || resultsCollapsed;
    resultsToggle.hidden = s.search === null;
    resultsToggle.setAttribute("aria-expanded", String(!results.hidden));
  }

  function renderResults(s: ReaderState): void {
    const search = s.search;
    // A new search shows its results (and, on a laptop, takes the notes' place).
    if (search !== null && search.phrase !== renderedSearch?.phrase && resultsCollapsed) resultsCollapsed = false;
    if (search !== null && search !== renderedSearch && search.phrase !== renderedSearch?.phrase && onLaptop()) notes.setPanelOpen(false);
    paintResultsPanel(s);
    if (search === renderedSearch && renderedPageForResults === s.page) return;
    const sameSearch = search === renderedSearch;
    renderedSearch = search;
    renderedPageForResults = s.page;
    if (sameSearch) {
      for (const b of resultsRegion.querySelectorAll<HTMLElement>('[data-testid="reader-search-result"]')) {
        b.setAttribute("aria-current", String(b.dataset["page"] === String(s.page)));
      }
      return;
    }
    if (search === null) {
      replaceRegion(resultsRegion);
      return;
    }
    const r = search.result;
    if (r.kind === "loading") {
      replaceRegion(resultsRegion, statePanel({ testid: "reader-search-loading", title: t("reader.searching"), loading: true }));
      return;
    }
    if (r.kind === "error") {
      replaceRegion(
        resultsRegion,
        statePanel({
          testid: "reader-search-error",
          tone: "error",
          title: t("reader.searchFailed"),
          hint: errorMessage(r.error, locale),
          action: { label: t("common.retry"), onClick: () => actions.search(search.phrase), focusKey: "reader-search-retry" },
        }),
      );
      return;
    }
    const hits = r.data;
    const count = h(
      "p",
      { class: "reader-search-count", role: "status", "data-testid": "reader-search-count" },
      t(hits.length === 1 ? "reader.searchCountOne" : "reader.searchCount", { count: hits.length }),
    );
    if (hits.length === 0) {
      replaceRegion(
        resultsRegion,
        count,
        h("p", { class: "reader-search-empty", "data-testid": "reader-search-empty" }, t("reader.searchEmpty", { phrase: search.phrase })),
      );
      return;
    }
    replaceRegion(
      resultsRegion,
      count,
      h(
        "ol",
        { class: "reader-hits", role: "list" },
        hits.map((hit, i) =>
          h(
            "li",
            null,
            h(
              "button",
              {
                type: "button",
                class: "reader-hit",
                "data-testid": "reader-search-result",
                "data-page": hit.page,
                "data-focus-key": `hit:${i}`,
                "aria-current": String(hit.page === s.page),
                onclick: () => actions.goToPage(hit.page),
              },
              h("span", { class: "reader-hit-page", "data-testid": "reader-search-result-page" }, t("reader.hitPage", { page: hit.page })),
              h(
                "span",
                { class: "reader-hit-snippet" },
                highlightSnippet(hit.snippet, search.phrase).map((part) => (part.match ? h("mark", null, part.text) : part.text)),
              ),
            ),
          ),
        ),
      ),
    );
  }

  function renderControls(s: ReaderState): void {
    const ready = s.open.kind === "ready";
    controls.hidden = !ready;
    const doc = s.open.kind === "ready" ? s.open.data.document : null;
    titleEl.textContent = doc?.title ?? s.title;
    titleEl.title = titleEl.textContent;
    versionEl.textContent = t("reader.version", { version: doc?.version ?? s.version });
    renderMarks(s);
    renderFollow(s);
    if (s.open.kind !== "ready") return;
    const count = s.open.data.page_count;
    setDisabled(prev, s.page <= 1);
    setDisabled(next, s.page >= count);
    if (document.activeElement !== pageInput || shownPage !== s.page) pageInput.value = String(s.page);
    pageInput.setAttribute("aria-invalid", String(s.pageHint?.kind === "invalid"));
    pageCount.textContent = t("reader.pageCount", { count });
    pageHint.textContent =
      s.pageHint === null
        ? ""
        : s.pageHint.kind === "clamped"
          ? t("reader.pageClamped", { count, page: s.page })
          : t("reader.pageInvalid", { count });
    pageHint.hidden = s.pageHint === null;
    const percent = zoomPercent(s.zoom);
    zoomLevel.textContent = `${percent}%`;
    zoomLevel.title = t("reader.zoomLevel", { percent });
    setDisabled(zoomOutBtn, s.zoom <= ZOOM_MIN + 0.001);
    setDisabled(zoomInBtn, s.zoom >= ZOOM_MAX - 0.001);
    if (document.activeElement !== searchInput && searchInput.value !== s.searchText) searchInput.value = s.searchText;
  }

  /** The presenter follow toggle and where the presenter is. */
  function renderFollow(s: ReaderState): void {
    const f = s.follow ?? null;
    root.dataset["page"] = String(s.page);
    if (f === null) {
      if (followGroup.parentElement === followSlot) followSlot.replaceChildren();
      return;
    }
    if (followGroup.parentElement !== followSlot) followSlot.replaceChildren(followGroup);
    followButton.setAttribute("aria-pressed", String(f.on));
    const text = !f.here ? t("reader.followElsewhere") : t(f.on ? "reader.followOn" : "reader.followOff", { page: f.page });
    if (followStatus.textContent !== text) followStatus.textContent = text;
    followStatus.dataset["page"] = String(f.page);
  }

  /** The secretariat's marks (no print, no export) and the way to what changed since the previous version. */
  function renderMarks(s: ReaderState): void {
    const open = s.open.kind === "ready" ? s.open.data : null;
    // Older engines send no marks: nothing is restricted then.
    const noPrint = open?.handling?.no_print === true;
    const noExport = open?.handling?.no_export === true;
    const exchange = open?.exchange ?? null;
    const key = `${noPrint}:${noExport}:${exchange === null ? "" : JSON.stringify(exchange)}`;
    if (marks.dataset["key"] !== key) {
      marks.dataset["key"] = key;
      replaceRegion(
        marks,
        noPrint ? h("span", { class: "badge badge-handling", "data-testid": "reader-no-print", title: t("reader.noPrintHint") }, t("handling.noPrint")) : null,
        noExport ? h("span", { class: "badge badge-handling", "data-testid": "reader-no-export", title: t("reader.noExportHint") }, t("handling.noExport")) : null,
        exchange === null
          ? null
          : h(
              "span",
              {
                class: "badge badge-exchange",
                "data-testid": "reader-exchange",
                title: t("reader.exchangeHint", {
                  type: exchange.document_type,
                  code: `${exchange.number}/${exchange.symbol}`,
                  organisation: exchange.organisation_name,
                  date: exchangeDay(exchange.issued_on, t),
                }),
              },
              t("reader.exchange", { code: `${exchange.number}/${exchange.symbol}` }),
            ),
      );
    }
    root.dataset["noPrint"] = String(noPrint);
    changesButton.hidden = !open || open.document.version <= 1;
    changesButton.setAttribute("aria-expanded", String(s.changes !== null));
  }

  let renderedChanges: ReaderState["changes"] | undefined;

  function renderChanges(s: ReaderState, count: number): void {
    changesPanel.hidden = s.changes === null;
    if (s.changes === renderedChanges) {
      for (const b of changesRegion.querySelectorAll<HTMLElement>('[data-testid="reader-change-page"]')) {
        b.setAttribute("aria-current", String(b.dataset["page"] === String(s.page)));
      }
      return;
    }
    renderedChanges = s.changes;
    const c = s.changes;
    if (c === null) {
      replaceRegion(changesRegion);
      return;
    }
    if (c.kind === "loading") {
      replaceRegion(changesRegion, statePanel({ testid: "reader-changes-loading", title: t("reader.changesLoading"), loading: true }));
      return;
    }
    if (c.kind === "error") {
      replaceRegion(
        changesRegion,
        statePanel({
          testid: "reader-changes-error",
          tone: "error",
          title: t("reader.changesFailed"),
          hint: errorMessage(c.error, locale),
          action: { label: t("common.retry"), onClick: actions.showChanges, focusKey: "reader-changes-retry" },
        }),
      );
      return;
    }
    const d = c.data;
    const { removed, added } = changeCounts(d);
    const summary = h(
      "div",
      { class: "reader-search-count", role: "status", "data-testid": "reader-changes-summary" },
      h("p", null, t("reader.changesFrom", { from: d.from_version, to: d.to_version, oldCount: d.old_page_count, newCount: d.new_page_count })),
      d.hunks.length === 0
        ? null
        : h("p", null, t(d.hunks.length === 1 ? "reader.changesCountOne" : "reader.changesCount", { count: d.hunks.length, removed, added })),
    );
    if (d.hunks.length === 0) {
      replaceRegion(changesRegion, summary, h("p", { class: "reader-search-empty", "data-testid": "reader-changes-none" }, t("reader.changesNone")));
      return;
    }
    replaceRegion(
      changesRegion,
      summary,
      h(
        "ol",
        { class: "reader-hits reader-change-list", role: "list" },
        d.hunks.map((hunk, i) => {
          const pages = newPages(hunk, count);
          const old = pageList(hunk.old_pages);
          return h(
            "li",
            { class: "reader-change", "data-testid": "reader-change", "aria-labelledby": `reader-change-${i}` },
            h("p", { class: "reader-hit-page", id: `reader-change-${i}` }, t("reader.changeNumber", { number: i + 1 })),
            pages.length === 0
              ? null
              : h(
                  "div",
                  { class: "reader-change-pages" },
                  h("span", { class: "vote-hint" }, t("reader.changeNewPages")),
                  pages.map((page) =>
                    h(
                      "button",
                      {
                        type: "button",
                        class: "btn btn-tool btn-tool-text reader-change-page",
                        "data-testid": "reader-change-page",
                        "data-page": page,
                        "data-focus-key": `change-page:${i}:${page}`,
                        "aria-label": t("reader.changeGoTo", { page }),
                        "aria-current": String(page === s.page),
                        onclick: () => actions.goToPage(page),
                      },
                      String(page),
                    ),
                  ),
                ),
            old === "" ? null : h("p", { class: "vote-hint", "data-testid": "reader-change-old-pages" }, t("reader.changeOldPages", { version: d.from_version, pages: old })),
            hunk.removed.length === 0
              ? null
              : h(
                  "div",
                  { class: "reader-change-lines" },
                  h("span", { class: "visually-hidden" }, t("reader.changeRemoved")),
                  hunk.removed.map((line) => h("del", { class: "change-removed", "data-testid": "reader-change-removed" }, line)),
                ),
            hunk.added.length === 0
              ? null
              : h(
                  "div",
                  { class: "reader-change-lines" },
                  h("span", { class: "visually-hidden" }, t("reader.changeAdded")),
                  hunk.added.map((line) => h("ins", { class: "change-added", "data-testid": "reader-change-added" }, line)),
                ),
          );
        }),
      ),
    );
  }

  function update(s: ReaderState): void {
    state = s;
    renderControls(s);
    renderBody(s);
    if (s.open.kind !== "ready") {
      shownPage = 0;
      pageKey = "";
      return;
    }
    const count = s.open.data.page_count;
    renderThumbs(s, count);
    renderPageImage(s, count);
    renderResults(s);
    renderChanges(s, count);
    signatures.update(s.signatures, s.open.data.exchange ?? null);
    notes.update(s);
    shownPage = s.page;
  }

  function run(command: ReaderCommand, event: KeyboardEvent): void {
    const ready = state.open.kind === "ready";
    const count = state.open.kind === "ready" ? state.open.data.page_count : 1;
    switch (command) {
      case "close":
        actions.closeReader();
        break;
      case "find":
        if (!ready) return;
        searchInput.focus();
        searchInput.select();
        break;
      case "clearSearch":
        searchInput.value = "";
        actions.clearSearch();
        break;
      case "next":
      case "prev":
      case "first":
      case "last":
        if (!ready) return;
        actions.goToPage({ next: state.page + 1, prev: state.page - 1, first: 1, last: count }[command]);
        break;
      case "zoomIn":
        if (!ready) return;
        actions.zoomIn();
        break;
      case "zoomOut":
        if (!ready) return;
        actions.zoomOut();
        break;
    }
    event.preventDefault();
  }

  update(initial);

  return {
    documentId,
    root,
    update,
    handleKey(event) {
      if (event.isComposing) return;
      // Printing a "no print" document is refused wherever focus is (the print stylesheet hides it too).
      if (isPrintKey(event) && root.dataset["noPrint"] === "true") {
        event.preventDefault();
        showPrintNotice();
        return;
      }
      if (event.defaultPrevented) return;
      if (event.key === "Escape" && event.target instanceof Node && changesPanel.contains(event.target)) {
        event.preventDefault();
        closeChanges();
        return;
      }
      if (notes.handleKey(event)) {
        event.preventDefault();
        return;
      }
      const command = readerKeyCommand(event, keyTarget(event.target));
      if (command) run(command, event);
    },
    attached() {
      const current = thumbs.querySelector<HTMLElement>('[aria-current="page"]');
      if (current && typeof current.scrollIntoView === "function") current.scrollIntoView({ block: "center" });
      if (canvas.isConnected) {
        canvas.focus({ preventScroll: true });
      } else {
        // Still opening: wait on the back button, then move to the page.
        back.focus();
        focusPending = true;
      }
    },
  };
}

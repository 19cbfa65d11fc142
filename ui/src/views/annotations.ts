import type { AnnotationEdit, AnnotationId, AnnotationList, AnnotationView, ShareScope } from "../bindings";
import {
  addInkPoint,
  annotationsOnPage,
  authorLabel,
  colourKey,
  colourOf,
  COLOURS,
  DEFAULT_COLOUR,
  groupForPanel,
  isSlip,
  kindKey,
  myBookmark,
  noteRect,
  PEN_WIDTH,
  percent,
  pointInBox,
  rectBetween,
  rectCentre,
  saveMessage,
  SHARE_SCOPES,
  shareKey,
  svgPoints,
  type AnnotationDraft,
  type AnnotationSave,
  type AnnotationTool,
  type Colour,
  type Point,
} from "../annotations";
import { h, replaceRegion } from "../dom";
import { errorMessage, type Locale, type MessageKey, type Translate } from "../i18n";
import { statePanel } from "./common";
import type { Loadable } from "./main";

export interface AnnotationActions {
  goToPage(page: number): void;
  reloadAnnotations(): void;
  /** Resolves to the new annotation, or null when it was not saved (the reason is then in the state). */
  createAnnotation(draft: AnnotationDraft): Promise<AnnotationView | null>;
  /** Resolves to false when the change was not saved. */
  editAnnotation(id: AnnotationId, edit: Partial<AnnotationEdit>): Promise<boolean>;
}

export interface AnnotationsState {
  page: number;
  annotations: Loadable<AnnotationList>;
  annotationSave: AnnotationSave | null;
}

export interface AnnotationsView {
  /** Tools, colours and the feedback line, for the reader's toolbar. */
  readonly toolbar: HTMLElement;
  /** The side panel listing the document's annotations. */
  readonly panel: HTMLElement;
  /** Drawn over the page image: the reader puts it in the page box, which is exactly the image's size. */
  readonly layer: HTMLElement;
  update(state: AnnotationsState): void;
  /** The page image has its final size: redraws what is measured in pixels (pen widths). */
  pageLoaded(): void;
  /** Escape closes the note editor or leaves a drawing tool; true when the key was used. */
  handleKey(event: KeyboardEvent): boolean;
  /** Shows or collapses the side panel (the reader keeps one side panel at a time on a laptop). */
  setPanelOpen(open: boolean): void;
  readonly panelOpen: boolean;
}

const TOOLS: readonly AnnotationTool[] = ["select", "highlight", "note", "ink"];
const TOOL_KEYS: Readonly<Record<AnnotationTool, MessageKey>> = {
  select: "annotations.tool.select",
  highlight: "annotations.tool.highlight",
  note: "annotations.tool.note",
  ink: "annotations.tool.ink",
};
const HINT_KEYS: Readonly<Record<Exclude<AnnotationTool, "select">, MessageKey>> = {
  highlight: "annotations.hint.highlight",
  note: "annotations.hint.note",
  ink: "annotations.hint.ink",
};

const SVG_NS = "http://www.w3.org/2000/svg";

function svg<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | number>,
  ...children: SVGElement[]
): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG_NS, tag);
  for (const [name, value] of Object.entries(attrs)) el.setAttribute(name, String(value));
  el.append(...children);
  return el;
}

/** 24 × 24 outline icons in the text colour: system fonts lack reliable glyphs for these. */
const ICON_PATHS: Readonly<Record<AnnotationTool | "bookmark", string>> = {
  select: "M6 3l12 9-5.5 1 3 6.5-2.5 1-3-6.5L6 18z",
  highlight: "M14.5 4.5l5 5-8.5 8.5H6v-5zM4 21h9",
  note: "M5 4h14v10l-6 6H5zM13 20v-6h6",
  ink: "M3 17c3-7 5-10 7-10 3 0 1 8 4 8 2 0 3-3 7-7",
  bookmark: "M7 3h10v18l-5-4-5 4z",
};

function icon(name: keyof typeof ICON_PATHS): SVGSVGElement {
  return svg(
    "svg",
    {
      class: "annot-icon",
      viewBox: "0 0 24 24",
      fill: "none",
      stroke: "currentColor",
      "stroke-width": 2,
      "stroke-linecap": "round",
      "stroke-linejoin": "round",
      "aria-hidden": "true",
    },
    svg("path", { d: ICON_PATHS[name] }),
  );
}

type Drag =
  | { kind: "highlight"; pointer: number; start: Point; end: Point; el: HTMLElement }
  | { kind: "ink"; pointer: number; points: Array<[number, number]>; el: SVGSVGElement; line: SVGPolylineElement };

/** Synthetic events (tests, assistive tools) have no live pointer to capture; drawing works without it. */
function capturePointer(el: Element, pointerId: number): void {
  try {
    el.setPointerCapture(pointerId);
  } catch {
    // No live pointer: the drag still ends on pointerup over the layer.
  }
}

export function mountAnnotations(
  initial: AnnotationsState,
  locale: Locale,
  t: Translate,
  actions: AnnotationActions,
  /** Told when the person shows or collapses the panel. */
  onPanelToggle: (open: boolean) => void = () => undefined,
): AnnotationsView {
  let state = initial;
  let tool: AnnotationTool = "select";
  let colour: Colour = DEFAULT_COLOUR;
  let panelOpen = true;
  let selectedId: AnnotationId | null = null;
  /** The note being written, and where; kept when the page is turned and back. */
  let noteDraft: { page: number; point: Point; text: string; empty: boolean } | null = null;
  let savingNote = false;
  /** Text being edited in the panel, kept through re-renders (e.g. a background sync). */
  let editDraft: { id: AnnotationId; text: string } | null = null;
  let confirmDelete: AnnotationId | null = null;
  let drag: Drag | null = null;

  const list = (): AnnotationList | null => (state.annotations.kind === "ready" ? state.annotations.data : null);
  const find = (id: AnnotationId | null) => list()?.annotations.find((a) => a.id === id) ?? null;

  // ── toolbar ─────────────────────────────────────────────────────────────
  const toolButtons = TOOLS.map((name) =>
    h(
      "button",
      {
        type: "button",
        class: "btn btn-tool btn-tool-text annot-tool",
        "data-testid": `annotation-tool-${name}`,
        "data-focus-key": `annotation-tool-${name}`,
        "data-tool": name,
        title: name === "select" ? t(TOOL_KEYS[name]) : t(HINT_KEYS[name]),
        onclick: () => setTool(name === tool ? "select" : name),
      },
      icon(name),
      h("span", null, t(TOOL_KEYS[name])),
    ),
  );
  const bookmarkButton = h(
    "button",
    {
      type: "button",
      class: "btn btn-tool btn-tool-text annot-tool",
      "data-testid": "annotation-tool-bookmark",
      "data-focus-key": "annotation-tool-bookmark",
      onclick: () => void bookmarkPage(),
    },
    icon("bookmark"),
    h("span", null, t("annotations.tool.bookmark")),
  );
  const colourButtons = COLOURS.map((c) =>
    h(
      "button",
      {
        type: "button",
        role: "radio",
        class: "annot-swatch-button",
        "data-testid": `annotation-colour-${c}`,
        "data-focus-key": `annotation-colour-${c}`,
        "aria-label": t(colourKey(c)),
        title: t(colourKey(c)),
        onclick: () => {
          colour = c;
          renderToolbar();
        },
      },
      h("span", { class: `annot-swatch annot-colour-${c}` }),
    ),
  );
  const panelToggle = h("button", {
    type: "button",
    class: "btn btn-tool btn-tool-text",
    "data-testid": "annotation-panel-toggle",
    "data-focus-key": "annotation-panel-toggle",
    "aria-controls": "annotation-panel",
    onclick: () => {
      panelOpen = !panelOpen;
      renderToolbar();
      onPanelToggle(panelOpen);
    },
  });
  const hint = h("span", { class: "annot-hint", "data-testid": "annotation-hint" });
  const status = h("span", { class: "annot-status", role: "status", "data-testid": "annotation-status" });
  const toolbar = h(
    "div",
    { class: "reader-group reader-annotate", role: "group", "aria-label": t("annotations.tools") },
    toolButtons,
    bookmarkButton,
    h("span", { class: "annot-colours", role: "radiogroup", "aria-label": t("annotations.colours") }, colourButtons),
    panelToggle,
    h("span", { class: "annot-feedback" }, hint, status),
  );

  function setTool(next: AnnotationTool): void {
    tool = next;
    cancelDrag();
    renderToolbar();
  }

  async function bookmarkPage(): Promise<void> {
    const current = list();
    if (current === null) return;
    const existing = myBookmark(current.annotations, state.page);
    if (existing) {
      select(existing.id);
      return;
    }
    const made = await actions.createAnnotation({ kind: "bookmark", page: state.page, rects: [], ink: [], text: null, colour });
    if (made) select(made.id);
  }

  // ── side panel ──────────────────────────────────────────────────────────
  const panelBody = h("div", { class: "annot-panel-body" });
  const panel = h(
    "aside",
    { id: "annotation-panel", class: "annot-panel", "aria-labelledby": "annotation-panel-title", "data-testid": "annotation-panel" },
    h("h3", { id: "annotation-panel-title", class: "annot-panel-title" }, t("annotations.panel")),
    panelBody,
  );

  /** Selects an annotation: shows it open in the panel and marked on the page. */
  function select(id: AnnotationId | null): void {
    if (id !== selectedId) {
      confirmDelete = null;
      if (editDraft?.id !== id) editDraft = null;
    }
    selectedId = id;
    renderPanel();
    renderLayer();
    if (id === null || !panelOpen) return;
    const shown = [...panel.querySelectorAll<HTMLElement>('[data-testid="annotation-item"]')].find((el) => el.dataset["annotationId"] === id);
    if (shown && typeof shown.scrollIntoView === "function") shown.scrollIntoView({ block: "nearest" });
  }

  function openItem(a: AnnotationView): void {
    select(a.id === selectedId ? null : a.id);
    if (a.placement !== "unplaced") actions.goToPage(a.page);
  }

  function item(a: AnnotationView): HTMLElement {
    const selected = a.id === selectedId;
    const c = colourOf(a);
    const text = a.text.trim();
    const quote = a.anchor.quote.trim();
    const from = { page: a.anchor.page, version: a.anchor.version };
    return h(
      "li",
      {
        class: "annot-item",
        "data-testid": "annotation-item",
        "data-annotation-id": a.id,
        "data-kind": a.kind,
        "data-placement": a.placement,
        "data-mine": String(a.mine),
        "aria-current": selected ? "true" : null,
      },
      h(
        "button",
        {
          type: "button",
          class: "annot-item-open",
          "data-testid": "annotation-item-open",
          "data-focus-key": `annotation:${a.id}`,
          "aria-expanded": String(selected),
          onclick: () => openItem(a),
        },
        h(
          "span",
          { class: "annot-item-head" },
          h("span", { class: `annot-swatch annot-colour-${c}`, title: t(colourKey(c)) }),
          h("span", { class: "visually-hidden" }, t(colourKey(c))),
          icon(a.kind),
          h("span", { class: "annot-kind", "data-testid": "annotation-kind" }, t(kindKey(a.kind))),
          a.waiting_to_send
            ? h(
                "span",
                { class: "annot-waiting", "data-testid": "annotation-waiting", title: t("annotations.waitingHint") },
                t("annotations.waiting"),
              )
            : null,
        ),
        text === "" ? null : h("span", { class: "annot-text", "data-testid": "annotation-text" }, text),
        quote === "" ? null : h("span", { class: "annot-quote", "data-testid": "annotation-quote" }, t("annotations.quote", { quote })),
        h(
          "span",
          { class: "annot-meta" },
          h("span", { "data-testid": "annotation-author" }, authorLabel(a, t)),
          " · ",
          h("span", { "data-testid": "annotation-share" }, t(shareKey(a.share))),
        ),
        a.placement === "moved"
          ? h("span", { class: "annot-placement", "data-testid": "annotation-moved" }, t("annotations.movedFrom", from))
          : null,
        a.placement === "unplaced"
          ? h("span", { class: "annot-placement", "data-testid": "annotation-unplaced-from" }, t("annotations.unplacedFrom", from))
          : null,
      ),
      selected && a.mine ? editor(a) : null,
    );
  }

  /** Changes to one of this person's annotations: its text, colour, who sees it, or its removal. */
  function editor(a: AnnotationView): HTMLElement {
    const input = h("textarea", {
      class: "input annot-textarea",
      rows: 3,
      "data-testid": "annotation-edit-input",
      "data-focus-key": "annotation-edit-input",
      oninput: () => {
        editDraft = { id: a.id, text: input.value };
      },
      onkeydown: (e: Event) => {
        const ke = e as KeyboardEvent;
        if (ke.key === "Enter" && (ke.ctrlKey || ke.metaKey)) void saveText(a);
      },
    });
    input.value = editDraft?.id === a.id ? editDraft.text : a.text;
    const share = h(
      "select",
      {
        class: "input annot-share-select",
        "data-testid": "annotation-share-select",
        "data-focus-key": "annotation-share-select",
        onchange: () => {
          const scope = SHARE_SCOPES.find((s) => s === share.value);
          if (scope && scope !== a.share) void actions.editAnnotation(a.id, { share: scope });
        },
      },
      SHARE_SCOPES.map((s: ShareScope) => h("option", { value: s, selected: s === a.share }, t(shareKey(s)))),
    );
    const current = colourOf(a);
    return h(
      "div",
      { class: "annot-edit", "data-testid": "annotation-editor" },
      h("label", { class: "annot-field" }, h("span", { class: "annot-field-label" }, t("annotations.textLabel")), input),
      h(
        "button",
        {
          type: "button",
          class: "btn btn-secondary annot-small-btn",
          "data-testid": "annotation-edit-save",
          "data-focus-key": "annotation-edit-save",
          onclick: () => void saveText(a),
        },
        t("annotations.editSave"),
      ),
      h(
        "span",
        { class: "annot-colours", role: "radiogroup", "aria-label": t("annotations.colours") },
        COLOURS.map((c) =>
          h(
            "button",
            {
              type: "button",
              role: "radio",
              class: "annot-swatch-button",
              "aria-checked": String(c === current),
              "aria-label": t(colourKey(c)),
              title: t(colourKey(c)),
              "data-testid": `annotation-edit-colour-${c}`,
              "data-focus-key": `annotation-edit-colour-${c}`,
              onclick: () => {
                if (c !== current) void actions.editAnnotation(a.id, { colour: c });
              },
            },
            h("span", { class: `annot-swatch annot-colour-${c}` }),
          ),
        ),
      ),
      h("label", { class: "annot-field" }, h("span", { class: "annot-field-label" }, t("annotations.shareLabel")), share),
      confirmDelete === a.id
        ? h(
            "div",
            { class: "annot-confirm", role: "group", "aria-labelledby": "annotation-delete-question", "data-testid": "annotation-delete-question" },
            h("p", { id: "annotation-delete-question" }, t("annotations.deleteConfirm")),
            h(
              "button",
              {
                type: "button",
                class: "btn annot-danger-btn annot-small-btn",
                "data-testid": "annotation-delete-confirm",
                "data-focus-key": "annotation-delete-confirm",
                onclick: () => void remove(a),
              },
              t("annotations.deleteYes"),
            ),
            h(
              "button",
              {
                type: "button",
                class: "btn btn-secondary annot-small-btn",
                "data-testid": "annotation-delete-cancel",
                "data-focus-key": "annotation-delete-cancel",
                onclick: () => askDelete(null),
              },
              t("annotations.deleteNo"),
            ),
          )
        : h(
            "button",
            {
              type: "button",
              class: "btn btn-quiet annot-delete-btn annot-small-btn",
              "data-testid": "annotation-delete",
              "data-focus-key": "annotation-delete",
              onclick: () => askDelete(a.id),
            },
            t("annotations.delete"),
          ),
    );
  }

  function askDelete(id: AnnotationId | null): void {
    confirmDelete = id;
    renderPanel();
    // Keyboard users land on the safe answer; after "keep it", back on the delete button.
    panel.querySelector<HTMLElement>(`[data-testid="${id === null ? "annotation-delete" : "annotation-delete-cancel"}"]`)?.focus();
  }

  async function saveText(a: AnnotationView): Promise<void> {
    const draft = editDraft;
    if (draft?.id !== a.id || draft.text === a.text) return;
    if ((await actions.editAnnotation(a.id, { text: draft.text })) && editDraft === draft) editDraft = null;
    renderPanel();
  }

  async function remove(a: AnnotationView): Promise<void> {
    if (!(await actions.editAnnotation(a.id, { deleted: true }))) return;
    if (selectedId === a.id) selectedId = null;
    confirmDelete = null;
    renderPanel();
    renderLayer();
  }

  function renderPanel(): void {
    panel.hidden = !panelOpen;
    const a = state.annotations;
    if (a.kind === "loading") {
      replaceRegion(panelBody, statePanel({ testid: "annotation-loading", title: t("annotations.loading"), loading: true }));
      return;
    }
    if (a.kind === "error") {
      replaceRegion(
        panelBody,
        statePanel({
          testid: "annotation-error",
          tone: "error",
          title: t("annotations.loadFailed"),
          hint: errorMessage(a.error, locale),
          action: { label: t("common.retry"), onClick: actions.reloadAnnotations, focusKey: "annotation-retry" },
        }),
      );
      return;
    }
    const { pages, unplaced } = groupForPanel(a.data.annotations);
    const locked =
      a.data.locked > 0
        ? h("p", { class: "annot-locked", "data-testid": "annotation-locked" }, t("annotations.locked", { count: a.data.locked }))
        : null;
    if (pages.length === 0 && unplaced.length === 0) {
      replaceRegion(
        panelBody,
        locked,
        statePanel({ testid: "annotation-empty", title: t("annotations.empty"), hint: t("annotations.emptyHint") }),
      );
      return;
    }
    replaceRegion(
      panelBody,
      locked,
      pages.map((group) =>
        h(
          "section",
          { class: "annot-group", "data-testid": "annotation-page-group", "data-page": group.page },
          h(
            "h4",
            { class: "annot-group-title" },
            h(
              "button",
              {
                type: "button",
                class: "annot-page-link",
                "data-focus-key": `annotation-page:${group.page}`,
                "aria-current": group.page === state.page ? "page" : null,
                onclick: () => actions.goToPage(group.page),
              },
              t("annotations.page", { page: group.page }),
            ),
          ),
          h("ul", { class: "annot-list", role: "list" }, group.annotations.map(item)),
        ),
      ),
      unplaced.length === 0
        ? null
        : h(
            "section",
            { class: "annot-group annot-unplaced", "data-testid": "annotation-unplaced" },
            h("h4", { class: "annot-group-title" }, t("annotations.unplaced")),
            h("p", { class: "annot-unplaced-hint" }, t("annotations.unplacedHint", { version: a.data.version })),
            h("ul", { class: "annot-list", role: "list" }, unplaced.map(item)),
          ),
    );
    // A re-render (e.g. after a sync) must not throw the caret back to the start of the text being edited.
    const active = document.activeElement;
    if (active instanceof HTMLTextAreaElement && panelBody.contains(active)) active.setSelectionRange(active.value.length, active.value.length);
  }

  // ── the layer over the page ─────────────────────────────────────────────
  const layer = h("div", { class: "annot-layer", "data-testid": "annotation-layer", "data-tool": tool });

  const pointAt = (e: MouseEvent): Point | null => pointInBox(e.clientX, e.clientY, layer.getBoundingClientRect());
  const inNoteEditor = (target: EventTarget | null) => target instanceof Node && layer.querySelector(".annot-note-editor")?.contains(target) === true;

  function markLabel(a: AnnotationView): string {
    return t("annotations.markLabel", { kind: t(kindKey(a.kind)), author: authorLabel(a, t), text: a.text.trim() || a.anchor.quote.trim() });
  }

  function mark(a: AnnotationView): Element[] {
    const classes = `annot-mark annot-colour-${colourOf(a)}${a.placement === "moved" ? " annot-moved" : ""}${a.id === selectedId ? " annot-selected" : ""}`;
    const attrs = { "data-testid": "annotation-mark", "data-annotation-id": a.id, "data-kind": a.kind };
    const pick = () => select(a.id);
    switch (a.kind) {
      case "highlight":
        return a.anchor.rects.map((r) => {
          const el = h("div", { ...attrs, class: `${classes} annot-highlight`, title: markLabel(a), onclick: pick });
          Object.assign(el.style, { left: percent(r.x), top: percent(r.y), width: percent(r.width), height: percent(r.height) });
          return el;
        });
      case "note": {
        const r = a.anchor.rects[0];
        const centre = r ? rectCentre(r) : { x: 0, y: 0 };
        const pin = h("button", { ...attrs, type: "button", class: `${classes} annot-pin`, "aria-label": markLabel(a), title: markLabel(a), onclick: pick }, icon("note"));
        Object.assign(pin.style, { left: percent(centre.x), top: percent(centre.y) });
        return [pin];
      }
      case "bookmark":
        return [h("button", { ...attrs, type: "button", class: `${classes} annot-ribbon`, "aria-label": markLabel(a), title: markLabel(a), onclick: pick }, icon("bookmark"))];
      case "ink":
        return [];
    }
  }

  /** Pen strokes keep their width in page terms: the view box is the page, the width is in pixels. */
  function inkLayer(annotations: AnnotationView[]): SVGSVGElement {
    const width = layer.clientWidth;
    const lines = annotations.flatMap((a) =>
      a.ink.map((stroke) => {
        const line = svg("polyline", {
          class: `annot-ink-line annot-colour-${colourOf(a)}${a.id === selectedId ? " annot-selected" : ""}`,
          points: svgPoints(stroke),
          "stroke-width": width > 0 ? Math.max(1, stroke.width * width) : 2,
          "data-testid": "annotation-mark",
          "data-annotation-id": a.id,
          "data-kind": a.kind,
        });
        line.addEventListener("click", () => select(a.id));
        return line;
      }),
    );
    return svg("svg", { class: "annot-ink", viewBox: "0 0 1 1", preserveAspectRatio: "none" }, ...lines);
  }

  function noteEditor(draft: NonNullable<typeof noteDraft>): HTMLElement {
    const input = h("textarea", {
      class: "input annot-textarea",
      rows: 3,
      placeholder: t("annotations.notePlaceholder"),
      "aria-label": t("annotations.noteLabel"),
      "aria-invalid": String(draft.empty),
      "data-testid": "annotation-note-input",
      "data-focus-key": "annotation-note-input",
      oninput: () => {
        draft.text = input.value;
      },
      onkeydown: (e: Event) => {
        const ke = e as KeyboardEvent;
        if (ke.key === "Enter" && (ke.ctrlKey || ke.metaKey)) void saveNote();
      },
    });
    input.value = draft.text;
    const form = h(
      "form",
      {
        class: "annot-note-editor",
        "data-testid": "annotation-note-editor",
        onsubmit: (e: Event) => {
          e.preventDefault();
          void saveNote();
        },
      },
      input,
      draft.empty ? h("p", { class: "annot-note-error", role: "alert" }, t("annotations.noteEmpty")) : null,
      h(
        "span",
        { class: "annot-note-actions" },
        h(
          "button",
          {
            type: "submit",
            class: "btn btn-primary annot-small-btn",
            "aria-disabled": String(savingNote),
            "data-testid": "annotation-note-save",
            "data-focus-key": "annotation-note-save",
          },
          t("annotations.noteSave"),
        ),
        h(
          "button",
          { type: "button", class: "btn btn-secondary annot-small-btn", "data-testid": "annotation-note-cancel", onclick: closeNote },
          t("common.cancel"),
        ),
      ),
    );
    // Open beside the point, on whichever side leaves the editor on the page.
    Object.assign(form.style, { left: percent(draft.point.x), top: percent(draft.point.y) });
    form.classList.toggle("annot-note-left", draft.point.x > 0.6);
    form.classList.toggle("annot-note-up", draft.point.y > 0.75);
    return form;
  }

  function renderLayer(): void {
    layer.dataset["tool"] = tool;
    const current = list();
    const shown = current === null ? [] : annotationsOnPage(current.annotations, state.page);
    replaceRegion(
      layer,
      inkLayer(shown.filter((a) => a.kind === "ink")),
      shown.flatMap(mark),
      drag?.el,
      noteDraft && noteDraft.page === state.page ? noteEditor(noteDraft) : null,
    );
  }

  function openNote(point: Point): void {
    // Moving the editor to another point keeps what was typed.
    noteDraft = { page: state.page, point, text: noteDraft?.text ?? "", empty: false };
    renderLayer();
    layer.querySelector<HTMLElement>('[data-testid="annotation-note-input"]')?.focus({ preventScroll: true });
  }

  function closeNote(): void {
    noteDraft = null;
    renderLayer();
  }

  async function saveNote(): Promise<void> {
    const draft = noteDraft;
    if (draft === null || savingNote) return;
    const text = draft.text.trim();
    if (text === "") {
      draft.empty = true;
      renderLayer();
      layer.querySelector<HTMLElement>('[data-testid="annotation-note-input"]')?.focus();
      return;
    }
    savingNote = true;
    renderLayer();
    const made = await actions.createAnnotation({ kind: "note", page: draft.page, rects: [noteRect(draft.point)], ink: [], text, colour });
    savingNote = false;
    if (made && noteDraft === draft) noteDraft = null;
    if (made) select(made.id);
    else renderLayer();
  }

  async function create(draft: AnnotationDraft): Promise<void> {
    const made = await actions.createAnnotation(draft);
    if (made) select(made.id);
  }

  function cancelDrag(): void {
    drag?.el.remove();
    drag = null;
  }

  layer.addEventListener("click", (event) => {
    if (tool !== "note" || inNoteEditor(event.target)) return;
    const p = pointAt(event);
    if (p) openNote(p);
  });

  layer.addEventListener("pointerdown", (event) => {
    if ((tool !== "highlight" && tool !== "ink") || event.button !== 0 || inNoteEditor(event.target)) return;
    const p = pointAt(event);
    if (p === null) return;
    event.preventDefault();
    capturePointer(layer, event.pointerId);
    const colourClass = `annot-colour-${colour}`;
    if (tool === "highlight") {
      drag = { kind: "highlight", pointer: event.pointerId, start: p, end: p, el: h("div", { class: `annot-draft ${colourClass}` }) };
    } else {
      const line = svg("polyline", { class: `annot-ink-line ${colourClass}`, points: `${p.x},${p.y}`, "stroke-width": Math.max(1, PEN_WIDTH * layer.clientWidth) });
      drag = {
        kind: "ink",
        pointer: event.pointerId,
        points: [[p.x, p.y]],
        line,
        el: svg("svg", { class: "annot-ink annot-draft-ink", viewBox: "0 0 1 1", preserveAspectRatio: "none" }, line),
      };
    }
    layer.append(drag.el);
  });

  layer.addEventListener("pointermove", (event) => {
    if (drag === null || event.pointerId !== drag.pointer) return;
    const p = pointAt(event);
    if (p === null) return;
    if (drag.kind === "highlight") {
      drag.end = p;
      const r = rectBetween(drag.start, p);
      Object.assign(drag.el.style, { left: percent(r.x), top: percent(r.y), width: percent(r.width), height: percent(r.height) });
    } else if (addInkPoint(drag.points, p)) {
      drag.line.setAttribute("points", svgPoints({ points: drag.points, width: PEN_WIDTH }));
    }
  });

  layer.addEventListener("pointerup", (event) => {
    if (drag === null || event.pointerId !== drag.pointer) return;
    const done = drag;
    cancelDrag();
    const base = { page: state.page, text: null, colour };
    if (done.kind === "highlight") {
      const rect = rectBetween(done.start, pointAt(event) ?? done.end);
      if (!isSlip(rect)) void create({ ...base, kind: "highlight", rects: [rect], ink: [] });
    } else if (done.points.length >= 2) {
      void create({ ...base, kind: "ink", rects: [], ink: [{ points: done.points, width: PEN_WIDTH }] });
    }
  });

  layer.addEventListener("pointercancel", cancelDrag);

  // ── rendering ───────────────────────────────────────────────────────────
  function renderToolbar(): void {
    for (const b of toolButtons) b.setAttribute("aria-pressed", String(b.dataset["tool"] === tool));
    for (const [i, b] of colourButtons.entries()) b.setAttribute("aria-checked", String(COLOURS[i] === colour));
    const current = list();
    const bookmark = current === null ? null : myBookmark(current.annotations, state.page);
    bookmarkButton.setAttribute("aria-pressed", String(bookmark !== null));
    bookmarkButton.title = bookmark === null ? t("annotations.tool.bookmark") : t("annotations.bookmarked");
    panelToggle.textContent = t("annotations.panelToggle", { count: current?.annotations.length ?? 0 });
    panelToggle.setAttribute("aria-expanded", String(panelOpen));
    panel.hidden = !panelOpen;
    hint.textContent = tool === "select" ? "" : t(HINT_KEYS[tool]);
    hint.hidden = tool === "select";
    layer.dataset["tool"] = tool;
  }

  function renderStatus(): void {
    const save = state.annotationSave;
    status.textContent = saveMessage(save, t, (error) => errorMessage(error, locale)) ?? "";
    status.dataset["state"] = save?.kind ?? "";
  }

  function renderAll(): void {
    renderToolbar();
    renderPanel();
    renderLayer();
    renderStatus();
  }

  renderAll();

  return {
    toolbar,
    panel,
    layer,
    update(next) {
      const previous = state;
      state = next;
      if (next.annotations !== previous.annotations || next.page !== previous.page) {
        // An annotation deleted here or on another device is no longer selected.
        if (selectedId !== null && find(selectedId) === null && next.annotations.kind === "ready") selectedId = null;
        if (next.page !== previous.page) cancelDrag();
        renderToolbar();
        renderPanel();
        renderLayer();
      }
      if (next.annotationSave !== previous.annotationSave) renderStatus();
    },
    pageLoaded: renderLayer,
    setPanelOpen(open) {
      if (open === panelOpen) return;
      panelOpen = open;
      renderToolbar();
      if (open) renderPanel();
    },
    get panelOpen() {
      return panelOpen;
    },
    handleKey(event) {
      if (event.key !== "Escape" || event.ctrlKey || event.metaKey || event.altKey) return false;
      if (inNoteEditor(event.target)) {
        closeNote();
        return true;
      }
      if (confirmDelete !== null && event.target instanceof Node && panel.contains(event.target)) {
        askDelete(null);
        return true;
      }
      if (tool !== "select" && !(event.target instanceof HTMLElement && event.target.matches("input, textarea, select"))) {
        setTool("select");
        return true;
      }
      return false;
    },
  };
}

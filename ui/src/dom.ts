/** A minimal element builder — enough for this app, no framework. */

export type Child = Node | string | number | null | undefined | false | readonly Child[];
type Handler = (event: Event) => void;
export type Attrs = Record<string, string | number | boolean | null | undefined | Handler>;

function append(parent: Node, child: Child): void {
  if (child === null || child === undefined || child === false) return;
  if (Array.isArray(child)) {
    for (const c of child as readonly Child[]) append(parent, c);
  } else if (child instanceof Node) {
    parent.appendChild(child);
  } else {
    parent.appendChild(document.createTextNode(String(child)));
  }
}

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs | null = null,
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (attrs) {
    for (const [name, value] of Object.entries(attrs)) {
      if (value === null || value === undefined || value === false) continue;
      if (typeof value === "function") {
        listen(el, name.replace(/^on/, "").toLowerCase(), value);
      } else if (value === true) {
        el.setAttribute(name, "");
      } else {
        el.setAttribute(name, String(value));
      }
    }
  }
  for (const c of children) append(el, c);
  return el;
}

/**
 * Each element's handlers, called through one listener per event type, so
 * that `morphRegion` can hand an element kept on screen the handlers of
 * the element drawn to replace it.
 */
const HANDLERS = new WeakMap<Element, Map<string, Handler>>();

function listen(el: Element, type: string, handler: Handler): void {
  let handlers = HANDLERS.get(el);
  if (!handlers) {
    handlers = new Map();
    HANDLERS.set(el, handlers);
  }
  if (!handlers.has(type)) el.addEventListener(type, (event) => HANDLERS.get(el)?.get(type)?.(event));
  handlers.set(type, handler);
}

/** The `data-focus-key` of the focused element if it lies inside `container`. */
export function focusedKey(container: ParentNode): string | null {
  const active = document.activeElement;
  if (!(active instanceof HTMLElement) || !container.contains(active)) return null;
  return active.dataset["focusKey"] ?? null;
}

export function focusByKey(container: ParentNode, key: string | null): void {
  if (key === null) return;
  for (const el of container.querySelectorAll<HTMLElement>("[data-focus-key]")) {
    if (el.dataset["focusKey"] === key) {
      el.focus();
      return;
    }
  }
}

/** Replaces a region's content, keeping keyboard focus on the "same" element. */
export function replaceRegion(container: HTMLElement, ...children: Child[]): void {
  const key = focusedKey(container);
  const fragment = document.createDocumentFragment();
  for (const c of children) append(fragment, c);
  container.replaceChildren(fragment);
  focusByKey(container, key);
}

/** What makes a freshly drawn element "the same" as one on screen. */
function sameElement(shown: Element, drawn: Element): boolean {
  return (
    shown.tagName === drawn.tagName &&
    shown.getAttribute("data-testid") === drawn.getAttribute("data-testid") &&
    shown.getAttribute("data-focus-key") === drawn.getAttribute("data-focus-key") &&
    shown.id === drawn.id
  );
}

/** Makes `shown` look and act like `drawn`, keeping the node itself. */
function patch(shown: Element, drawn: Element): void {
  for (const { name } of [...shown.attributes]) {
    if (!drawn.hasAttribute(name)) shown.removeAttribute(name);
  }
  for (const { name, value } of [...drawn.attributes]) {
    if (shown.getAttribute(name) !== value) shown.setAttribute(name, value);
  }
  const handlers = HANDLERS.get(drawn);
  const kept = HANDLERS.get(shown);
  if (kept) {
    for (const type of [...kept.keys()]) if (!handlers?.has(type)) kept.delete(type);
  }
  if (handlers) for (const [type, handler] of handlers) listen(shown, type, handler);
  morphChildren(shown, [...drawn.childNodes]);
}

/** Whether `drawn` can be shown by updating `shown` in place. */
function matches(shown: Node | null, drawn: Node | null): boolean {
  if (shown === null || drawn === null) return false;
  if (shown instanceof Element && drawn instanceof Element) return sameElement(shown, drawn);
  return shown instanceof Text && drawn instanceof Text;
}

function update(shown: Node, drawn: Node): void {
  if (shown instanceof Element && drawn instanceof Element) patch(shown, drawn);
  else if (shown instanceof Text && drawn instanceof Text && shown.data !== drawn.data) shown.data = drawn.data;
}

function morphChildren(parent: Node, drawn: readonly Node[]): void {
  for (let i = 0; i < drawn.length; i++) {
    const next = drawn[i]!;
    const shown = parent.childNodes[i] ?? null;
    if (shown === next) continue;
    if (next.isConnected) {
      // A node kept across drawings (a field being typed in): moved, never copied.
      parent.insertBefore(next, shown);
    } else if (matches(shown, next)) {
      update(shown!, next);
    } else if (shown === null) {
      parent.appendChild(next);
    } else if (matches(shown, drawn[i + 1] ?? null)) {
      // One node more than before: inserted, the rest kept.
      parent.insertBefore(next, shown);
    } else if (matches(shown.nextSibling, next)) {
      // One node fewer: removed, the rest kept.
      shown.remove();
      update(parent.childNodes[i]!, next);
    } else {
      parent.replaceChild(next, shown);
    }
  }
  while (parent.childNodes.length > drawn.length) parent.lastChild!.remove();
}

/**
 * Like `replaceRegion`, but keeps the elements that are still there (same
 * tag, test id, focus key and id), changing only what differs. A region
 * redrawn often (the chair's console, on every session event) keeps its
 * buttons under the pointer: a redraw between the press and the release
 * of a click no longer loses it.
 */
export function morphRegion(container: HTMLElement, ...children: Child[]): void {
  const key = focusedKey(container);
  const fragment = document.createDocumentFragment();
  for (const c of children) append(fragment, c);
  morphChildren(container, [...fragment.childNodes]);
  if (key !== null && focusedKey(container) !== key) focusByKey(container, key);
}

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
        el.addEventListener(name.replace(/^on/, "").toLowerCase(), value);
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

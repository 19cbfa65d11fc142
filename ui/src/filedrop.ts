/**
 * Files dragged from the system onto the window. Tauri gives their paths
 * (a webview is not shown dropped files' paths otherwise) and where they are
 * in physical pixels; the app wants CSS pixels to find the element under them.
 */
import { getCurrentWebview } from "@tauri-apps/api/webview";

export type FileDrop =
  | { kind: "over"; x: number; y: number }
  | { kind: "drop"; x: number; y: number; paths: string[] }
  | { kind: "leave" };

export interface FileDropSource {
  /** Calls `handler` for each drag over and drop; resolves to a function that stops listening. */
  listen(handler: (drop: FileDrop) => void): Promise<() => void>;
}

/** Tauri's drag-and-drop payload (`DragDropEvent` of @tauri-apps/api/webview). */
export type TauriDragDrop =
  | { type: "enter"; paths: string[]; position: { x: number; y: number } }
  | { type: "over"; position: { x: number; y: number } }
  | { type: "drop"; paths: string[]; position: { x: number; y: number } }
  | { type: "leave" };

/** A Tauri payload in CSS pixels (`ratio`: the screen's device pixel ratio). */
export function toFileDrop(payload: TauriDragDrop, ratio: number): FileDrop {
  const scale = Number.isFinite(ratio) && ratio > 0 ? ratio : 1;
  switch (payload.type) {
    case "leave":
      return { kind: "leave" };
    case "drop":
      return { kind: "drop", paths: [...payload.paths], x: payload.position.x / scale, y: payload.position.y / scale };
    case "enter":
    case "over":
      return { kind: "over", x: payload.position.x / scale, y: payload.position.y / scale };
  }
}

/**
 * The current webview's dropped files, or null outside Tauri (a browser, a
 * test page whose stand-in for Tauri says nothing of a webview).
 */
export function tauriFileDrops(): FileDropSource | null {
  const internals = (globalThis as { __TAURI_INTERNALS__?: { metadata?: { currentWebview?: { label?: unknown } } } }).__TAURI_INTERNALS__;
  if (typeof internals?.metadata?.currentWebview?.label !== "string") return null;
  return {
    async listen(handler) {
      const ratio = () => (typeof window === "undefined" ? 1 : window.devicePixelRatio || 1);
      return getCurrentWebview().onDragDropEvent((event) => handler(toFileDrop(event.payload as TauriDragDrop, ratio())));
    },
  };
}

import { afterEach, describe, expect, it } from "vitest";
import { tauriFileDrops, toFileDrop } from "./filedrop";

describe("files dropped on the window", () => {
  afterEach(() => {
    delete (globalThis as { __TAURI_INTERNALS__?: unknown }).__TAURI_INTERNALS__;
  });

  it("turns Tauri's physical pixels into CSS pixels", () => {
    expect(toFileDrop({ type: "drop", paths: ["/a.pdf"], position: { x: 300, y: 150 } }, 2)).toEqual({ kind: "drop", paths: ["/a.pdf"], x: 150, y: 75 });
    expect(toFileDrop({ type: "over", position: { x: 300, y: 150 } }, 1.5)).toEqual({ kind: "over", x: 200, y: 100 });
    expect(toFileDrop({ type: "enter", paths: ["/a.pdf"], position: { x: 10, y: 20 } }, 1)).toEqual({ kind: "over", x: 10, y: 20 });
    expect(toFileDrop({ type: "leave" }, 1)).toEqual({ kind: "leave" });
    // A ratio that makes no sense counts as 1.
    expect(toFileDrop({ type: "over", position: { x: 10, y: 20 } }, 0)).toEqual({ kind: "over", x: 10, y: 20 });
  });

  it("is absent outside Tauri, or when the page's stand-in has no webview", () => {
    expect(tauriFileDrops()).toBeNull();
    (globalThis as { __TAURI_INTERNALS__?: unknown }).__TAURI_INTERNALS__ = { invoke: () => Promise.resolve(null), metadata: {} };
    expect(tauriFileDrops()).toBeNull();
    (globalThis as { __TAURI_INTERNALS__?: unknown }).__TAURI_INTERNALS__ = { metadata: { currentWebview: { label: "main" } } };
    expect(tauriFileDrops()).not.toBeNull();
  });
});

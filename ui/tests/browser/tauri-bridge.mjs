/**
 * What the Tauri runtime injects into the page (window.__TAURI_INTERNALS__),
 * the way @tauri-apps/api/mocks' mockIPC stands in for it, shared by every
 * browser test. Added as an init script before the test's own mock, which
 * calls `window.__installTauriBridge(invoke)` with its command handler:
 * transformCallback() registers the callbacks events run, and `hold` /
 * `release` let a test keep a command waiting.
 *
 *   await context.addInitScript(tauriBridge);
 *   await context.addInitScript(installTauriMock, FIXTURE);
 */
export function tauriBridge() {
  window.__installTauriBridge = (invoke) => {
    const callbacks = new Map();
    const gates = new Map(); // command -> resolve() of a pending hold
    let nextId = 1;
    window.__TAURI_INTERNALS__ = {
      invoke,
      transformCallback(callback, once = false) {
        const id = nextId++;
        callbacks.set(id, (data) => {
          if (once) callbacks.delete(id);
          return callback?.(data);
        });
        return id;
      },
      unregisterCallback: (id) => callbacks.delete(id),
      runCallback: (id, data) => callbacks.get(id)?.(data),
      callbacks,
      metadata: { currentWindow: { label: "main" }, currentWebview: { windowLabel: "main", label: "main" } },
    };
    window.__TAURI_EVENT_PLUGIN_INTERNALS__ = { unregisterListener: (_event, id) => callbacks.delete(id) };
    return {
      callbacks,
      /** Resolves at once, or when the test releases a held command. */
      wait: (cmd) => (window.__ipcHold?.has(cmd) ? new Promise((resolve) => gates.set(cmd, resolve)) : Promise.resolve()),
      hold: (cmd) => (window.__ipcHold ??= new Set()).add(cmd),
      release(cmd) {
        window.__ipcHold?.delete(cmd);
        gates.get(cmd)?.();
        gates.delete(cmd);
      },
    };
  };
}

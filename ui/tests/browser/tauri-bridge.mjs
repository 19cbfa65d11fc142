/**
 * What the Tauri runtime injects into the page (window.__TAURI_INTERNALS__),
 * the way @tauri-apps/api/mocks' mockIPC stands in for it, shared by every
 * browser test. Added as an init script before the test's own mock, which
 * calls `window.__installTauriBridge(invoke)` with its command handler:
 * transformCallback() registers the callbacks events run, `listen` /
 * `unlisten` / `emit` stand in for the event plugin, and `hold` /
 * `release` let a test keep a command waiting.
 *
 *   await context.addInitScript(tauriBridge);
 *   await context.addInitScript(installTauriMock, FIXTURE);
 */
export function tauriBridge() {
  window.__installTauriBridge = (invoke) => {
    const callbacks = new Map();
    const listeners = new Map(); // event name -> callback ids
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
      /** The event plugin's `listen`: the callback is run by `emit`. */
      listen(args) {
        if (!listeners.has(args.event)) listeners.set(args.event, []);
        listeners.get(args.event).push(args.handler);
        return args.handler;
      },
      unlisten(args) {
        const ids = listeners.get(args.event) ?? [];
        const i = ids.indexOf(args.eventId);
        if (i !== -1) ids.splice(i, 1);
        return null;
      },
      /** How many callbacks listen to `event`. */
      listening: (event) => (listeners.get(event) ?? []).length,
      /** Sends `event` to the page's listeners, as the Rust side emits it. */
      emit(event, payload) {
        for (const id of listeners.get(event) ?? []) callbacks.get(id)?.({ event, id, payload });
      },
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

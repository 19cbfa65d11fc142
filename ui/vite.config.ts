/// <reference types="vitest/config" />
import { defineConfig } from "vite";

// Built assets are loaded by the Tauri webview from ui/dist (tauri.conf.json:
// build.frontendDist = "../ui/dist"), so asset URLs must be relative.
export default defineConfig({
  base: "./",
  clearScreen: false,
  build: {
    outDir: "dist",
    emptyOutDir: true,
    // WebView2 (Windows) is evergreen Chromium; WebKitGTK / WKWebView lag behind.
    target: ["es2021", "chrome105", "safari15"],
    sourcemap: false,
  },
  test: {
    include: ["src/**/*.test.ts"],
    environment: "jsdom",
  },
});

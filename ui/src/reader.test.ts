import { describe, expect, it } from "vitest";
import {
  clampDpi,
  clampPage,
  clampZoom,
  detectPagePlatform,
  fitWidthZoom,
  highlightSnippet,
  pageCssWidth,
  pageDpi,
  pageUrl,
  parsePageInput,
  isPrintKey,
  readerKeyCommand,
  THUMB_DPI,
  thumbRange,
  zoomIn,
  zoomOut,
  zoomPercent,
  ZOOM_STEPS,
  type KeyLike,
} from "./reader";

const DOC = "0193a4f0-0000-7000-8000-0000000000d1";

describe("pageUrl", () => {
  it("uses the custom scheme on Linux and macOS", () => {
    expect(pageUrl(DOC, 3, 110, "other")).toBe(`ecabpage://localhost/${DOC}/3?dpi=110`);
  });

  it("uses http://ecabpage.localhost on Windows (WebView2)", () => {
    expect(pageUrl(DOC, 1, 150, "windows")).toBe(`http://ecabpage.localhost/${DOC}/1?dpi=150`);
  });

  it("asks only for whole resolutions the engine accepts", () => {
    expect(pageUrl(DOC, 2, 99.4, "other")).toBe(`ecabpage://localhost/${DOC}/2?dpi=99`);
    expect(pageUrl(DOC, 2, 10, "other")).toBe(`ecabpage://localhost/${DOC}/2?dpi=36`);
    expect(pageUrl(DOC, 2, 9000, "windows")).toBe(`http://ecabpage.localhost/${DOC}/2?dpi=600`);
  });

  it("detects Windows from the user agent", () => {
    expect(detectPagePlatform("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Edg/120.0")).toBe("windows");
    expect(detectPagePlatform("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/605.1.15")).toBe("other");
    expect(detectPagePlatform("Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) AppleWebKit/605.1.15")).toBe("other");
  });

  it("thumbnails use a resolution the engine renders", () => {
    expect(THUMB_DPI).toBeGreaterThanOrEqual(36);
    expect(pageUrl(DOC, 4, THUMB_DPI, "other")).toBe(`ecabpage://localhost/${DOC}/4?dpi=36`);
  });
});

describe("pages", () => {
  it("clamps page numbers to the document", () => {
    expect(clampPage(0, 12)).toBe(1);
    expect(clampPage(-3, 12)).toBe(1);
    expect(clampPage(5, 12)).toBe(5);
    expect(clampPage(13, 12)).toBe(12);
    expect(clampPage(4.7, 12)).toBe(4);
    expect(clampPage(Number.NaN, 12)).toBe(1);
    expect(clampPage(3, 0)).toBe(1);
  });

  it("reads the page-number box", () => {
    expect(parsePageInput("3", 12)).toEqual({ kind: "ok", page: 3 });
    expect(parsePageInput(" 12 ", 12)).toEqual({ kind: "ok", page: 12 });
    expect(parsePageInput("99", 12)).toEqual({ kind: "clamped", page: 12 });
    expect(parsePageInput("0", 12)).toEqual({ kind: "clamped", page: 1 });
    expect(parsePageInput("", 12)).toEqual({ kind: "invalid" });
    expect(parsePageInput("ba", 12)).toEqual({ kind: "invalid" });
    expect(parsePageInput("2.5", 12)).toEqual({ kind: "invalid" });
    expect(parsePageInput("-1", 12)).toEqual({ kind: "invalid" });
    expect(parsePageInput("1e3", 12)).toEqual({ kind: "invalid" });
  });

  it("picks the thumbnails around the current page", () => {
    expect(thumbRange(1, 200)).toEqual({ from: 1, to: 9 });
    expect(thumbRange(100, 200)).toEqual({ from: 92, to: 108 });
    expect(thumbRange(200, 200)).toEqual({ from: 192, to: 200 });
    expect(thumbRange(2, 3, 8)).toEqual({ from: 1, to: 3 });
  });
});

describe("zoom and resolution", () => {
  it("steps from 50 % to 300 %", () => {
    expect(ZOOM_STEPS[0]).toBe(0.5);
    expect(ZOOM_STEPS[ZOOM_STEPS.length - 1]).toBe(3);
    expect(zoomIn(1)).toBe(1.1);
    expect(zoomOut(1)).toBe(0.9);
    expect(zoomIn(3)).toBe(3);
    expect(zoomOut(0.5)).toBe(0.5);
    // From an in-between zoom (after "fit width"), to the neighbouring steps.
    expect(zoomIn(0.87)).toBe(0.9);
    expect(zoomOut(0.87)).toBe(0.75);
    expect(zoomPercent(0.67)).toBe(67);
  });

  it("clamps zoom", () => {
    expect(clampZoom(0.1)).toBe(0.5);
    expect(clampZoom(7)).toBe(3);
    expect(clampZoom(Number.NaN)).toBe(1);
  });

  it("renders at 110 dpi × zoom × pixel ratio, within 36–600", () => {
    expect(pageDpi(1)).toBe(110);
    expect(pageDpi(1.5)).toBe(165);
    expect(pageDpi(0.5)).toBe(55);
    expect(pageDpi(1, 2)).toBe(220);
    expect(pageDpi(3, 2)).toBe(600);
    expect(pageDpi(1, 0)).toBe(110);
    expect(clampDpi(12)).toBe(36);
  });

  it("fits an A4 page to the width of the page area", () => {
    // 910 px ≈ 8.27 in × 110 dpi: 100 %.
    expect(fitWidthZoom(910)).toBe(1);
    expect(fitWidthZoom(800)).toBe(0.87);
    expect(fitWidthZoom(100)).toBe(0.5);
    expect(fitWidthZoom(10_000)).toBe(3);
    expect(fitWidthZoom(0)).toBeNull();
  });

  it("sizes a page image by its zoom, whatever resolution it was rendered at", () => {
    expect(pageCssWidth(910, 110, 1)).toBe(910);
    expect(pageCssWidth(1820, 220, 1)).toBe(910);
    expect(pageCssWidth(4962, 600, 3)).toBeCloseTo(2729.1);
  });
});

describe("highlightSnippet", () => {
  const marked = (snippet: string, phrase: string) =>
    highlightSnippet(snippet, phrase)
      .map((p) => (p.match ? `[${p.text}]` : p.text))
      .join("");

  it("marks every occurrence, ignoring case", () => {
    expect(marked("dự thảo luật dữ liệu và luật dữ liệu cá nhân", "Luật Dữ liệu")).toBe(
      "dự thảo [luật dữ liệu] và [luật dữ liệu] cá nhân",
    );
    expect(marked("ĐIỀU 3. Đối tượng", "điều 3")).toBe("[ĐIỀU 3]. Đối tượng");
  });

  it("lets any white space stand for a space, as the engine does", () => {
    expect(marked("của luật dữ\nliệu và", "luật  dữ liệu")).toBe("của [luật dữ\nliệu] và");
  });

  it("treats the phrase literally", () => {
    expect(marked("a (b) a.b axb", "a.b")).toBe("a (b) [a.b] axb");
    expect(marked("chi phí (dự kiến)", "(dự")).toBe("chi phí [(dự] kiến)");
  });

  it("matches composed and decomposed Vietnamese alike", () => {
    const decomposed = "luật".normalize("NFD");
    expect(marked(`dự án ${decomposed} mới`, "luật")).toBe("dự án [luật] mới");
  });

  it("leaves the snippet as it is without a phrase or a match", () => {
    expect(highlightSnippet("không có gì", "")).toEqual([{ text: "không có gì", match: false }]);
    expect(highlightSnippet("không có gì", "ngân sách")).toEqual([{ text: "không có gì", match: false }]);
    expect(highlightSnippet("", "x")).toEqual([]);
  });
});

describe("readerKeyCommand", () => {
  const k = (key: string, mods: Partial<KeyLike> = {}): KeyLike => ({
    key,
    ctrlKey: false,
    metaKey: false,
    altKey: false,
    ...mods,
  });

  it("turns pages, zooms and closes outside text fields", () => {
    expect(readerKeyCommand(k("ArrowRight"), "other")).toBe("next");
    expect(readerKeyCommand(k("PageDown"), "other")).toBe("next");
    expect(readerKeyCommand(k("ArrowLeft"), "other")).toBe("prev");
    expect(readerKeyCommand(k("PageUp"), "other")).toBe("prev");
    expect(readerKeyCommand(k("Home"), "other")).toBe("first");
    expect(readerKeyCommand(k("End"), "other")).toBe("last");
    expect(readerKeyCommand(k("+"), "other")).toBe("zoomIn");
    expect(readerKeyCommand(k("="), "other")).toBe("zoomIn");
    expect(readerKeyCommand(k("-"), "other")).toBe("zoomOut");
    expect(readerKeyCommand(k("Escape"), "other")).toBe("close");
    expect(readerKeyCommand(k("a"), "other")).toBeNull();
    expect(readerKeyCommand(k("ArrowDown"), "other")).toBeNull();
  });

  it("leaves typing alone", () => {
    for (const key of ["ArrowRight", "ArrowLeft", "Home", "End", "+", "-", "Escape"]) {
      expect(readerKeyCommand(k(key), "input")).toBeNull();
    }
    expect(readerKeyCommand(k("ArrowRight"), "search")).toBeNull();
    expect(readerKeyCommand(k("Escape"), "search")).toBe("clearSearch");
  });

  it("focuses the search with Ctrl+F or ⌘F from anywhere, and ignores other modified keys", () => {
    expect(readerKeyCommand(k("f", { ctrlKey: true }), "other")).toBe("find");
    expect(readerKeyCommand(k("F", { ctrlKey: true }), "input")).toBe("find");
    expect(readerKeyCommand(k("f", { metaKey: true }), "search")).toBe("find");
    expect(readerKeyCommand(k("f"), "other")).toBeNull();
    expect(readerKeyCommand(k("+", { ctrlKey: true }), "other")).toBeNull();
    expect(readerKeyCommand(k("ArrowRight", { altKey: true }), "other")).toBeNull();
  });
});

describe("isPrintKey", () => {
  const k = (key: string, mods: Partial<{ ctrlKey: boolean; metaKey: boolean; altKey: boolean }> = {}) => ({ key, ctrlKey: false, metaKey: false, altKey: false, ...mods });
  it("is Ctrl+P or ⌘P, with or without Shift", () => {
    expect(isPrintKey(k("p", { ctrlKey: true }))).toBe(true);
    expect(isPrintKey(k("P", { ctrlKey: true }))).toBe(true);
    expect(isPrintKey(k("p", { metaKey: true }))).toBe(true);
    expect(isPrintKey(k("p"))).toBe(false);
    expect(isPrintKey(k("p", { ctrlKey: true, altKey: true }))).toBe(false);
    expect(isPrintKey(k("f", { ctrlKey: true }))).toBe(false);
  });
});

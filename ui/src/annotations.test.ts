import { describe, expect, it } from "vitest";
import {
  addInkPoint,
  annotationsOnPage,
  authorLabel,
  colourKey,
  colourOf,
  COLOURS,
  groupForPanel,
  isColour,
  isSlip,
  kindKey,
  MAX_INK_POINTS,
  myBookmark,
  NOTE_SIZE,
  noteRect,
  percent,
  pointInBox,
  rectBetween,
  rectCentre,
  rejectedReason,
  saveMessage,
  SHARE_SCOPES,
  shareKey,
  svgPoints,
} from "./annotations";
import type { AnnotationView } from "./bindings";
import { translator } from "./i18n";
import { en } from "./messages/en";
import { vi } from "./messages/vi";

const tVi = translator("vi");
const tEn = translator("en");

function a(fields: Partial<AnnotationView> & Pick<AnnotationView, "id" | "kind" | "page">): AnnotationView {
  return {
    document_id: "d1",
    author_id: "p1",
    author_name: "Nguyễn Thị Lan",
    mine: true,
    placement: "original",
    anchor: { version: 2, page: fields.page, rects: [], quote: "", before: "", after: "" },
    colour: "yellow",
    text: "",
    ink: [],
    share: "private",
    waiting_to_send: false,
    updated_at: null,
    ...fields,
  };
}
const rect = (y: number) => ({ x: 0.1, y, width: 0.3, height: 0.02 });
const at = (page: number, y: number) => ({ version: 2, page, rects: [rect(y)], quote: "", before: "", after: "" });

describe("groupForPanel", () => {
  it("groups by page in page order, top of the page first, bookmarks before all", () => {
    const low = a({ id: "low", kind: "highlight", page: 2, anchor: at(2, 0.8) });
    const high = a({ id: "high", kind: "note", page: 2, anchor: at(2, 0.1) });
    const ink = a({ id: "ink", kind: "ink", page: 2, ink: [{ points: [[0.5, 0.5], [0.6, 0.4]], width: 0.003 }] });
    const mark = a({ id: "mark", kind: "bookmark", page: 2 });
    const first = a({ id: "first", kind: "note", page: 1, anchor: at(1, 0.5) });
    const { pages, unplaced } = groupForPanel([low, high, ink, mark, first]);
    expect(pages.map((g) => g.page)).toEqual([1, 2]);
    expect(pages[1]!.annotations.map((x) => x.id)).toEqual(["mark", "high", "ink", "low"]);
    expect(unplaced).toEqual([]);
  });

  it("keeps notes that lost their place apart, whatever their page", () => {
    const lost = a({ id: "lost", kind: "highlight", page: 1, placement: "unplaced" });
    const moved = a({ id: "moved", kind: "highlight", page: 4, placement: "moved" });
    const { pages, unplaced } = groupForPanel([lost, moved]);
    expect(pages).toEqual([{ page: 4, annotations: [moved] }]);
    expect(unplaced).toEqual([lost]);
  });

  it("is empty for no annotations", () => {
    expect(groupForPanel([])).toEqual({ pages: [], unplaced: [] });
  });
});

describe("what shows on a page", () => {
  const here = a({ id: "here", kind: "note", page: 3 });
  const moved = a({ id: "moved", kind: "highlight", page: 3, placement: "moved" });
  const lost = a({ id: "lost", kind: "highlight", page: 3, placement: "unplaced" });
  const elsewhere = a({ id: "elsewhere", kind: "note", page: 4 });

  it("draws the page's placed and moved annotations, never unplaced ones", () => {
    expect(annotationsOnPage([here, moved, lost, elsewhere], 3).map((x) => x.id)).toEqual(["here", "moved"]);
  });

  it("finds this person's own bookmark of a page only", () => {
    const theirs = a({ id: "theirs", kind: "bookmark", page: 3, mine: false });
    const mine = a({ id: "mine", kind: "bookmark", page: 3 });
    expect(myBookmark([here, theirs], 3)).toBeNull();
    expect(myBookmark([here, theirs, mine], 3)?.id).toBe("mine");
    expect(myBookmark([mine], 4)).toBeNull();
  });
});

describe("page geometry", () => {
  const box = { left: 100, top: 50, width: 800, height: 1000 };

  it("turns a pointer position into page fractions", () => {
    expect(pointInBox(500, 550, box)).toEqual({ x: 0.5, y: 0.5 });
    expect(pointInBox(100, 50, box)).toEqual({ x: 0, y: 0 });
    expect(pointInBox(300.3, 133.37, box)).toEqual({ x: 0.2504, y: 0.0834 });
  });

  it("keeps a drag that leaves the page on its edge", () => {
    expect(pointInBox(0, 2000, box)).toEqual({ x: 0, y: 1 });
    expect(pointInBox(1200, -10, box)).toEqual({ x: 1, y: 0 });
  });

  it("has no point while the page has no size", () => {
    expect(pointInBox(10, 10, { left: 0, top: 0, width: 0, height: 0 })).toBeNull();
  });

  it("makes the same rectangle whichever way the drag went", () => {
    const r = { x: 0.1, y: 0.2, width: 0.4, height: 0.05 };
    expect(rectBetween({ x: 0.1, y: 0.2 }, { x: 0.5, y: 0.25 })).toEqual(r);
    expect(rectBetween({ x: 0.5, y: 0.25 }, { x: 0.1, y: 0.2 })).toEqual(r);
    expect(rectBetween({ x: 0.5, y: 0.2 }, { x: 0.1, y: 0.25 })).toEqual(r);
  });

  it("takes a tiny drag for a slip, not a highlight", () => {
    expect(isSlip(rectBetween({ x: 0.3, y: 0.3 }, { x: 0.3, y: 0.3 }))).toBe(true);
    expect(isSlip({ x: 0, y: 0, width: 0.5, height: 0.001 })).toBe(true);
    expect(isSlip({ x: 0, y: 0, width: 0.5, height: 0.02 })).toBe(false);
  });

  it("pins a note with a small square centred on the click, inside the page", () => {
    expect(noteRect({ x: 0.5, y: 0.5 })).toEqual({ x: 0.49, y: 0.49, width: NOTE_SIZE, height: NOTE_SIZE });
    expect(rectCentre(noteRect({ x: 0.5, y: 0.5 }))).toEqual({ x: 0.5, y: 0.5 });
    expect(noteRect({ x: 0, y: 1 })).toEqual({ x: 0, y: 0.98, width: NOTE_SIZE, height: NOTE_SIZE });
  });

  it("adds pen points only when they move, up to the engine's limit", () => {
    const points: Array<[number, number]> = [];
    expect(addInkPoint(points, { x: 0.1, y: 0.1 })).toBe(true);
    expect(addInkPoint(points, { x: 0.1005, y: 0.1 })).toBe(false);
    expect(addInkPoint(points, { x: 0.11, y: 0.1 })).toBe(true);
    expect(points).toEqual([[0.1, 0.1], [0.11, 0.1]]);
    const full = Array.from({ length: MAX_INK_POINTS }, (_, i): [number, number] => [i / MAX_INK_POINTS, 0]);
    expect(addInkPoint(full, { x: 0.5, y: 0.9 })).toBe(false);
  });

  it("writes strokes and positions for the page overlay", () => {
    expect(svgPoints({ points: [[0.1, 0.2], [0.3, 0.4]], width: 0.003 })).toBe("0.1,0.2 0.3,0.4");
    expect(percent(0.1234)).toBe("12.34%");
    expect(percent(1)).toBe("100%");
  });
});

describe("labels", () => {
  it("names every kind, sharing and colour in both languages", () => {
    expect(tVi(kindKey("highlight"))).toBe("Tô sáng");
    expect(tEn(kindKey("ink"))).toBe("Drawing");
    expect(SHARE_SCOPES.map((s) => tVi(shareKey(s)))).toEqual(["Chỉ mình tôi", "Chia sẻ với Văn phòng", "Chia sẻ với người dự họp"]);
    expect(SHARE_SCOPES.map((s) => tEn(shareKey(s)))).toEqual(["Only me", "Shared with the secretariat", "Shared with meeting participants"]);
    expect(COLOURS.map((c) => tVi(colourKey(c)))).toEqual(["Màu vàng", "Màu xanh lá", "Màu xanh dương", "Màu hồng", "Màu cam"]);
  });

  it("draws a colour it does not know in the default colour", () => {
    expect(isColour("pink")).toBe(true);
    expect(isColour("purple")).toBe(false);
    expect(colourOf({ colour: "blue" })).toBe("blue");
    expect(colourOf({ colour: "purple" })).toBe("yellow");
  });

  it("says “you” for this person's own annotations and names the others'", () => {
    expect(authorLabel({ mine: true, author_name: "Nguyễn Thị Lan" }, tVi)).toBe("Bạn");
    expect(authorLabel({ mine: false, author_name: "Trần Văn Nam" }, tEn)).toBe("Trần Văn Nam");
    expect(authorLabel({ mine: false, author_name: " " }, tVi)).toBe("Thành viên khác");
  });

  it("explains a refused change by its code, else with the server's words", () => {
    expect(rejectedReason({ code: "forbidden", reason: "you may not read this document" }, tVi)).toBe(vi["sync.rejected.forbidden"]);
    expect(rejectedReason({ code: "missing_share_key", reason: "x" }, tEn)).toBe(en["sync.rejected.missing_key"]);
    expect(rejectedReason({ code: "quota", reason: "too many notes" }, tEn)).toBe("The server did not accept this change (too many notes).");
    expect(rejectedReason({ code: "", reason: "" }, tVi)).toBe(vi["sync.rejected.generic"]);
    expect(rejectedReason({ code: "toString", reason: "" }, tVi)).toBe(vi["sync.rejected.generic"]);
  });

  it("tells where a change is: saving, saved here waiting to be sent, or not saved and why", () => {
    const why = () => "không kết nối được";
    expect(saveMessage(null, tVi, why)).toBeNull();
    expect(saveMessage({ kind: "saving" }, tVi, why)).toBe("Đang lưu…");
    expect(saveMessage({ kind: "saved", change: "created", waiting: true }, tVi, why)).toBe("Đã lưu trên máy này — sẽ gửi khi có mạng");
    expect(saveMessage({ kind: "saved", change: "edited", waiting: false }, tEn, why)).toBe("Saved");
    expect(saveMessage({ kind: "saved", change: "deleted", waiting: true }, tEn, why)).toBe("Deleted on this device — will be sent when online");
    expect(saveMessage({ kind: "failed", error: {} }, tVi, why)).toBe("Chưa lưu được: không kết nối được");
  });
});

import { describe, expect, it } from "vitest";
import { changeCounts, newPages, pageList, pageRuns } from "./changes";

describe("what changed", () => {
  it("folds pages into runs", () => {
    expect(pageRuns([7, 2, 3, 4, 3])).toEqual([
      [2, 4],
      [7, 7],
    ]);
    expect(pageRuns([])).toEqual([]);
    expect(pageRuns([0, -1, 1.5, 5])).toEqual([[5, 5]]);
  });

  it("lists pages as a person reads them", () => {
    expect(pageList([3])).toBe("3");
    expect(pageList([6, 7])).toBe("6–7");
    expect(pageList([1, 2, 3, 5, 8, 9])).toBe("1–3, 5, 8–9");
    expect(pageList([])).toBe("");
  });

  it("offers the new version's pages that exist, each once", () => {
    expect(newPages({ new_pages: [6, 5, 5, 12] }, 8)).toEqual([5, 6]);
    expect(newPages({ new_pages: [] }, 8)).toEqual([]);
  });

  it("counts the lines removed and added", () => {
    expect(
      changeCounts({
        hunks: [
          { old_pages: [3], new_pages: [3], removed: ["a"], added: ["b", "c"] },
          { old_pages: [], new_pages: [5], removed: [], added: ["d"] },
        ],
      }),
    ).toEqual({ removed: 1, added: 3 });
    expect(changeCounts({ hunks: [] })).toEqual({ removed: 0, added: 0 });
  });
});

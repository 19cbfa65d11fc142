/**
 * What changed between two versions of a document, as the reader lists it:
 * page numbers folded into ranges and the count of changed lines. Pure,
 * unit-tested.
 */
import type { ChangeHunk, DocumentChanges } from "./bindings";

/** Page numbers, sorted and without repeats, folded into runs: [2, 3, 4, 7] → [[2, 4], [7, 7]]. */
export function pageRuns(pages: readonly number[]): Array<[number, number]> {
  const sorted = [...new Set(pages.filter((p) => Number.isInteger(p) && p >= 1))].sort((a, b) => a - b);
  const runs: Array<[number, number]> = [];
  for (const p of sorted) {
    const last = runs[runs.length - 1];
    if (last && p === last[1] + 1) last[1] = p;
    else runs.push([p, p]);
  }
  return runs;
}

/** Pages as a person reads them: "2–4, 7"; "" for none. */
export function pageList(pages: readonly number[]): string {
  return pageRuns(pages)
    .map(([from, to]) => (from === to ? String(from) : `${from}–${to}`))
    .join(", ");
}

/** The pages of the new version a change can be looked at on, sorted, each once. */
export function newPages(hunk: Pick<ChangeHunk, "new_pages">, pageCount: number): number[] {
  return [...new Set(hunk.new_pages)].filter((p) => Number.isInteger(p) && p >= 1 && p <= pageCount).sort((a, b) => a - b);
}

/** How many lines went and came, over all the changes. */
export function changeCounts(changes: Pick<DocumentChanges, "hunks">): { removed: number; added: number } {
  let removed = 0;
  let added = 0;
  for (const h of changes.hunks) {
    removed += h.removed.length;
    added += h.added.length;
  }
  return { removed, added };
}

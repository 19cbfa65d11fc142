// @vitest-environment jsdom
import { describe, expect, it, vi } from "vitest";
import { h, morphRegion, replaceRegion } from "./dom";

function console(label: string, onNext: () => void, extra: boolean) {
  return h(
    "div",
    { class: "card", "data-testid": "current" },
    h("p", { "data-testid": "title" }, label),
    extra ? h("p", { "data-testid": "note" }, "ghi chú") : null,
    h("button", { type: "button", "data-testid": "next", "data-item-id": label, onclick: onNext }, `Tiếp: ${label}`),
  );
}

describe("morphRegion", () => {
  it("keeps the button under the pointer through a redraw, with the new label and handler", () => {
    const region = document.createElement("div");
    document.body.append(region);
    const first = vi.fn();
    const second = vi.fn();
    morphRegion(region, console("Mục 2", first, false));
    const button = region.querySelector<HTMLButtonElement>('[data-testid="next"]')!;
    // A session event arrives between the press and the release: the
    // console is drawn again, with a note inserted above the button.
    morphRegion(region, console("Mục 3", second, true));
    const after = region.querySelector<HTMLButtonElement>('[data-testid="next"]')!;
    expect(after).toBe(button);
    expect(button.isConnected).toBe(true);
    expect(button.textContent).toBe("Tiếp: Mục 3");
    expect(button.dataset["itemId"]).toBe("Mục 3");
    expect(region.querySelector('[data-testid="note"]')?.textContent).toBe("ghi chú");
    button.click();
    expect(first).not.toHaveBeenCalled();
    expect(second).toHaveBeenCalledTimes(1);
    // The note goes again; attributes that went are removed.
    morphRegion(region, h("div", { class: "card", "data-testid": "current" }, h("p", { "data-testid": "title" }, "x")));
    expect(region.querySelector('[data-testid="next"]')).toBeNull();
    expect(region.querySelectorAll("p")).toHaveLength(1);
    expect(region.innerHTML).toBe('<div class="card" data-testid="current"><p data-testid="title">x</p></div>');
  });

  it("moves a field kept across drawings instead of copying it, so what is typed stays", () => {
    const region = document.createElement("div");
    document.body.append(region);
    const field = h("input", { type: "text", "data-testid": "field", "data-focus-key": "field" });
    morphRegion(region, h("div", null, h("span", null, "a"), field));
    field.value = "đang gõ";
    morphRegion(region, h("div", null, h("span", null, "b"), h("em", null, "mới"), field));
    expect(region.querySelector("input")).toBe(field);
    expect(field.value).toBe("đang gõ");
    expect(region.textContent).toBe("bmới");
  });

  it("is what replaceRegion is not: replaceRegion draws new nodes", () => {
    const region = document.createElement("div");
    replaceRegion(region, console("Mục 2", () => {}, false));
    const button = region.querySelector('[data-testid="next"]');
    replaceRegion(region, console("Mục 2", () => {}, false));
    expect(region.querySelector('[data-testid="next"]')).not.toBe(button);
  });
});

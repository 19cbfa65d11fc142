import { describe, expect, it } from "vitest";

import { personName, setPeople } from "./people";

describe("personName", () => {
  const me = { id: "me", name: "Trần Thị Bình" };

  it("names people from the directory, the signed-in person, and falls back to the id", () => {
    setPeople([{ id: "p-1", name: "Lê Văn Cường" }]);
    expect(personName("p-1", me)).toBe("Lê Văn Cường");
    expect(personName("me", me)).toBe("Trần Thị Bình");
    expect(personName("p-unknown", me)).toBe("p-unknown");
  });

  it("forgets people the engine no longer lists", () => {
    setPeople([{ id: "p-1", name: "Lê Văn Cường" }]);
    setPeople([]);
    expect(personName("p-1", me)).toBe("p-1");
  });
});

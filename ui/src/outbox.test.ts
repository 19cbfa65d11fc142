import { describe, expect, it } from "vitest";
import type { SyncStatus } from "./bindings";
import { deliveryFromOutcome, refusalsOf, settleDelivery, settleSent, type Delivery } from "./outbox";

const ONLINE: SyncStatus = { state: "online", last_sync: null, cursor: 1, last_error: null, waiting_to_send: 0, rejected: [] };
const refusal = (op_id: string, kind: string, entity_id: string) => ({ op_id, kind, entity_id, code: "meeting_started", reason: "too late" });

describe("outbox", () => {
  it("turns the engine's answer into a delivery", () => {
    expect(deliveryFromOutcome({ outcome: "counted", seq: 3 }, [])).toEqual({ kind: "counted" });
    expect(deliveryFromOutcome({ outcome: "waiting" }, ["op-1"])).toEqual({ kind: "waiting", known: ["op-1"] });
    expect(deliveryFromOutcome({ outcome: "refused", code: "no_mandate", reason: "r" }, [])).toEqual({ kind: "refused", code: "no_mandate", reason: "r" });
  });

  it("picks the refusals of one kind of change on one entity", () => {
    const sync = { ...ONLINE, rejected: [refusal("a", "position", "i-1"), refusal("b", "opinion", "i-1"), refusal("c", "position", "i-2")] };
    expect(refusalsOf(sync, "position", "i-1").map((r) => r.op_id)).toEqual(["a"]);
    expect(refusalsOf(null, "opinion", "i-1")).toEqual([]);
  });

  it("settles a waiting change: a new refusal refuses it, an empty outbox online records it", () => {
    const waiting: Delivery = { kind: "waiting", known: ["old"] };
    expect(settleDelivery(waiting, "position", "i-1", { ...ONLINE, rejected: [refusal("old", "position", "i-1")] })).toEqual({ kind: "counted" });
    expect(settleDelivery(waiting, "position", "i-1", { ...ONLINE, rejected: [refusal("new", "position", "i-1")] })).toEqual({
      kind: "refused",
      code: "meeting_started",
      reason: "too late",
    });
    expect(settleDelivery(waiting, "position", "i-1", { ...ONLINE, state: "offline" })).toBe(waiting);
    expect(settleDelivery(waiting, "position", "i-1", { ...ONLINE, waiting_to_send: 1 })).toBe(waiting);
    expect(settleDelivery(waiting, "position", "i-1", null)).toBe(waiting);
    const counted: Delivery = { kind: "counted" };
    expect(settleDelivery(counted, "position", "i-1", ONLINE)).toBe(counted);
  });

  it("settles a record, keeping it as it is when nothing changed", () => {
    const sent = { "i-1": { stance: "speak", delivery: { kind: "waiting", known: [] } as Delivery }, "i-2": { stance: "speak", delivery: { kind: "counted" } as Delivery } };
    const offline = { ...ONLINE, state: "offline" as const };
    expect(settleSent(sent, "position", offline)).toBe(sent);
    const settled = settleSent(sent, "position", ONLINE);
    expect(settled).not.toBe(sent);
    expect(settled["i-1"]).toEqual({ stance: "speak", delivery: { kind: "counted" } });
    expect(settled["i-2"]).toBe(sent["i-2"]);
  });
});

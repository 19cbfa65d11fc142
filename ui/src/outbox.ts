/**
 * What became of a position or a written opinion this person sent. The engine
 * answers at once (recorded, saved on this device, refused); one saved offline
 * is settled later by the sync that sends it, from the refusals that sync lists.
 * Pure, unit-tested.
 */
import type { RejectedChange, SyncStatus, VoteOutcome } from "./bindings";

export type Delivery =
  | { kind: "sending" }
  | { kind: "counted" }
  | {
      kind: "waiting";
      /** Refusals of the same kind on the same entity already listed when it was sent: a new one is about this change. */
      known: string[];
    }
  | { kind: "refused"; code: string; reason: string }
  | { kind: "failed"; error: unknown };

/** The op kinds of the engine's change log (`RejectedChange.kind`). */
export type OpKind = "position" | "opinion";

/** The server's refusals of this person's changes of `kind` on `entity`, as the last sync listed them. */
export function refusalsOf(sync: SyncStatus | null, kind: OpKind, entity: string): RejectedChange[] {
  return (sync?.rejected ?? []).filter((r) => r.kind === kind && r.entity_id === entity);
}

export function deliveryFromOutcome(outcome: VoteOutcome, known: string[]): Delivery {
  switch (outcome.outcome) {
    case "counted":
      return { kind: "counted" };
    // Only ballots go to the room's hub; a change it took still waits in the outbox.
    case "waiting":
    case "taken_by_room":
      return { kind: "waiting", known };
    case "refused":
      return { kind: "refused", code: outcome.code, reason: outcome.reason };
  }
}

/**
 * A waiting change as a later sync tells: refused when a new refusal of its
 * kind on its entity arrives; recorded once the server is reached with nothing
 * left to send and no refusal (the server took it).
 */
export function settleDelivery(delivery: Delivery, kind: OpKind, entity: string, sync: SyncStatus | null): Delivery {
  if (delivery.kind !== "waiting" || sync === null) return delivery;
  const refusal = refusalsOf(sync, kind, entity).find((r) => !delivery.known.includes(r.op_id));
  if (refusal) return { kind: "refused", code: refusal.code, reason: refusal.reason };
  if (sync.state === "online" && sync.waiting_to_send === 0) return { kind: "counted" };
  return delivery;
}

/** Every sent change (keyed by its entity) settled against a new sync status; the same record when none changed. */
export function settleSent<T extends { delivery: Delivery }>(
  sent: Readonly<Record<string, T>>,
  kind: OpKind,
  sync: SyncStatus | null,
): Readonly<Record<string, T>> {
  let next: Record<string, T> | null = null;
  for (const [entity, change] of Object.entries(sent)) {
    const delivery = settleDelivery(change.delivery, kind, entity, sync);
    if (delivery !== change.delivery) (next ??= { ...sent })[entity] = { ...change, delivery };
  }
  return next ?? sent;
}

/**
 * Pure helpers of positions before the meeting: a member says "no objection",
 * "objection" (with a reason) or "I wish to speak" on each item until the
 * meeting starts; items with neither an objection nor a speaker are proposed
 * for adoption without discussion. No DOM here, so all of it is unit-tested.
 */
import { rejectedReason } from "./annotations";
import type { ItemPositions, ItemPositionsView, Meeting, Person, Stance } from "./bindings";
import type { MessageKey, Translate } from "./i18n";
import type { Delivery } from "./outbox";
import { personName } from "./people";

export type StanceKind = "no_objection" | "objection" | "speak";
export const STANCE_KINDS: readonly StanceKind[] = ["no_objection", "objection", "speak"];

const STANCE_KEYS: Readonly<Record<StanceKind, MessageKey>> = {
  no_objection: "positions.stance.no_objection",
  objection: "positions.stance.objection",
  speak: "positions.stance.speak",
};

/** The engine's limit on an objection's reason, in characters. */
export const MAX_REASON_CHARS = 2_000;

export function stanceKind(stance: Stance): StanceKind {
  return typeof stance === "string" ? stance : "objection";
}

export function stanceReason(stance: Stance | null): string {
  return stance !== null && typeof stance === "object" ? stance.objection.reason : "";
}

export function stanceLabel(kind: StanceKind, t: Translate): string {
  return t(STANCE_KEYS[kind]);
}

export type PositionCheck = { ok: true; stance: Stance } | { ok: false; error: MessageKey };

/** The stance a member's choice makes, or why it cannot be sent (an objection says why). */
export function checkPosition(kind: StanceKind | null, reason: string): PositionCheck {
  if (kind === null) return { ok: false, error: "positions.chooseFirst" };
  if (kind !== "objection") return { ok: true, stance: kind };
  const text = reason.trim();
  if (text === "") return { ok: false, error: "positions.reasonRequired" };
  if ([...text].length > MAX_REASON_CHARS) return { ok: false, error: "positions.reasonTooLong" };
  return { ok: true, stance: { objection: { reason: text } } };
}

/** Positions close when the meeting starts (the engine refuses later ones): what is left is said in the meeting. */
export function meetingStarted(meeting: Pick<Meeting, "starts_at">, now: Date): boolean {
  const starts = Date.parse(meeting.starts_at);
  return !Number.isNaN(starts) && starts <= now.getTime();
}

/** A position this member sent during this session, and what became of it. */
export interface SentPosition {
  stance: Stance;
  delivery: Delivery;
}

/**
 * The position that stands: one on its way (or saved here) shows at once;
 * otherwise the replica's, which a sync keeps current across devices.
 */
export function standingStance(mine: Stance | null, sent: SentPosition | undefined): Stance | null {
  const kind = sent?.delivery.kind;
  if (sent && (kind === "sending" || kind === "waiting")) return sent.stance;
  return mine ?? (sent && kind === "counted" ? sent.stance : null);
}

/** The feedback under the choices after a change. */
export function positionMessage(sent: SentPosition, t: Translate, reason: (error: unknown) => string): string {
  const stance = stanceLabel(stanceKind(sent.stance), t);
  const d = sent.delivery;
  switch (d.kind) {
    case "sending":
      return t("positions.sending", { stance });
    case "counted":
      return t("positions.counted", { stance });
    case "waiting":
      return t("positions.waiting", { stance });
    case "refused":
      return t("positions.refused", { stance, reason: rejectedReason(d, t) });
    case "failed":
      return t("positions.failed", { stance, reason: reason(d.error) });
  }
}

/** The secretariat's line per item: how many said what. */
export function summaryLine(summary: ItemPositions, t: Translate): string {
  return t("positions.summary", {
    none: summary.no_objection.length,
    objections: summary.objections.length,
    speakers: summary.speakers.length,
    silent: summary.silent.length,
  });
}

/** Each objection with who made it, e.g. "Nguyễn Văn A: Thiếu đánh giá tác động". */
export function objectionLines(summary: ItemPositions, me: Pick<Person, "id" | "name">): string[] {
  return summary.objections.map(([who, reason]) => `${personName(who, me)}: ${reason}`);
}

/** Adopted without discussion, proposed for it (nobody objects or asks to speak), or neither. */
export type ItemStanding = "adopted" | "proposed" | null;

export function itemStanding(view: ItemPositionsView): ItemStanding {
  if (view.decision?.adopted_without_discussion) return "adopted";
  return view.decision === null && view.summary.proposed_without_discussion ? "proposed" : null;
}

/** How many items one "adopt without discussion" would adopt now. */
export function quietItemCount(views: readonly ItemPositionsView[]): number {
  return views.filter((v) => itemStanding(v) === "proposed").length;
}

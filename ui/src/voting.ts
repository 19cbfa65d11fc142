/**
 * Pure helpers of votes in the meeting: how options, statuses, results and
 * verifications read, the check of the secretariat's form to open a vote, and
 * what became of this member's ballot as later syncs tell. No DOM here, so all
 * of it is unit-tested.
 */
import { rejectedReason } from "./annotations";
import type {
  AgendaItemId,
  MajorityBase,
  MajorityRule,
  Motion,
  MotionId,
  OpenMotionRequest,
  PersonId,
  RejectedChange,
  SyncStatus,
  Tally,
  TallyVerification,
  VoteOutcome,
} from "./bindings";
import { formatTime, TIME_ZONE, zonedParts } from "./format";
import type { MessageKey, Translate } from "./i18n";

// ── labels ────────────────────────────────────────────────────────────────

/** The options of a vote opened without any (`options: null`), the first one carrying it. */
export const DEFAULT_OPTIONS = ["yes", "no", "abstain"] as const;

/** The default options read in the person's language; any other is shown as the secretariat wrote it. */
const OPTION_KEYS: Readonly<Record<string, MessageKey>> = {
  yes: "vote.option.yes",
  no: "vote.option.no",
  abstain: "vote.option.abstain",
};

export function optionLabel(option: string, t: Translate): string {
  const key = Object.prototype.hasOwnProperty.call(OPTION_KEYS, option) ? OPTION_KEYS[option] : undefined;
  return key ? t(key) : option;
}

const RULE_KEYS: Readonly<Record<MajorityRule, MessageKey>> = {
  simple: "vote.rule.simple",
  two_thirds: "vote.rule.two_thirds",
};
const BASE_KEYS: Readonly<Record<MajorityBase, MessageKey>> = {
  present: "vote.base.present",
  all_members: "vote.base.all_members",
};

/** e.g. "quá nửa số thành viên có mặt", "two thirds of all members". */
export function ruleText(rule: MajorityRule, base: MajorityBase, t: Translate): string {
  return t("vote.ruleOfBase", { rule: t(RULE_KEYS[rule]), base: t(BASE_KEYS[base]) });
}

/** The line under a question: who has voted so far and until when, or when it closed. */
export function statusLine(motion: Motion, t: Translate): string {
  if (motion.status === "closed") {
    return motion.closed_at ? t("vote.status.closedAt", { time: formatTime(motion.closed_at, t) }) : t("vote.status.closed");
  }
  const open = t(motion.votes_cast === 1 ? "vote.status.openOne" : "vote.status.open", { count: motion.votes_cast });
  return motion.closes_at ? `${open} · ${t("vote.status.closesAt", { time: formatTime(motion.closes_at, t) })}` : open;
}

// ── motions ───────────────────────────────────────────────────────────────

/** An item's motions: open ones first (they ask for action), then the most recent. */
export function motionsOfItem(motions: readonly Motion[], itemId: AgendaItemId): Motion[] {
  const rank = (m: Motion) => (m.status === "open" ? 0 : 1);
  return motions
    .filter((m) => m.agenda_item_id === itemId)
    .sort((a, b) => rank(a) - rank(b) || Date.parse(b.opened_at) - Date.parse(a.opened_at) || 0);
}

/** The list with `motion` in it, in place of an older copy: the secretariat's own change shows before the next sync. */
export function withMotion(motions: readonly Motion[], motion: Motion): Motion[] {
  return motions.some((m) => m.id === motion.id) ? motions.map((m) => (m.id === motion.id ? motion : m)) : [...motions, motion];
}

/** A member offline while a vote is open must know a ballot may arrive too late. */
export function offlineDuringVote(motions: readonly Motion[], sync: SyncStatus | null): boolean {
  return sync?.state === "offline" && motions.some((m) => m.status === "open");
}

// ── results ───────────────────────────────────────────────────────────────

export interface ResultSummary {
  adopted: boolean;
  verdict: string;
  counts: Array<{ choice: string; label: string; count: number }>;
  /** Attendance, the votes the first option needed, and the quorum when one was set. */
  details: string[];
}

export function resultSummary(motion: Motion, tally: Tally, t: Translate): ResultSummary {
  const carrying = optionLabel(motion.options[0] ?? "yes", t);
  const details = [
    t("vote.result.present", { present: tally.present, members: tally.members }),
    t("vote.result.required", { required: tally.required, base: tally.base, option: carrying, rule: ruleText(motion.rule, motion.base, t) }),
  ];
  if (motion.quorum !== null) details.push(t(tally.quorum_met ? "vote.result.quorumMet" : "vote.result.quorumMissed", { quorum: motion.quorum }));
  return {
    adopted: tally.adopted,
    verdict: t(tally.adopted ? "vote.result.adopted" : "vote.result.rejected"),
    counts: tally.counts.map(([choice, count]) => ({ choice, label: optionLabel(choice, t), count })),
    details,
  };
}

/** How this person voted, from the named result of a closed motion. */
export function ownChoice(tally: Tally, person: PersonId): string | null {
  return tally.named.find(([who]) => who === person)?.[1] ?? null;
}

export interface VerificationSummary {
  verified: boolean;
  title: string;
  /** What else holds (the member's own ballot), or every problem found. */
  lines: string[];
}

export function verificationSummary(v: TallyVerification, t: Translate): VerificationSummary {
  if (v.problems.length === 0 && v.matches_published) {
    return {
      verified: true,
      title: t(v.ballots_checked === 1 ? "vote.verify.okOne" : "vote.verify.ok", { count: v.ballots_checked }),
      lines: v.own_ballot_included === true ? [t("vote.verify.ownIncluded")] : [],
    };
  }
  return { verified: false, title: t("vote.verify.failed"), lines: v.problems.length > 0 ? v.problems : [t("vote.verify.mismatch")] };
}

// ── this member's ballot ──────────────────────────────────────────────────

/**
 * This member's latest ballot on a motion during this session: the engine
 * never says how anyone voted while a vote is open, so the UI remembers it.
 */
export type Ballot = {
  choice: string;
  /** The member's earlier vote, which still stands if this one does not count. */
  earlier: string | null;
} & (
  | { kind: "sending" }
  | { kind: "counted" }
  | {
      kind: "waiting";
      /** Refusals of ballots on this motion already listed when it was cast: a new one is about this ballot. */
      known: string[];
    }
  | {
      /** The server is away: the room's hub took it (event `seq` of the session) and signed a receipt. */
      kind: "room";
      seq: number;
      known: string[];
    }
  | { kind: "refused"; code: string; reason: string }
  | { kind: "failed"; error: unknown }
);

/** The vote that stands after `ballot`: its own once counted or on its way, else the earlier one. */
export function standingChoice(ballot: Ballot | undefined): string | null {
  if (!ballot) return null;
  return ballot.kind === "counted" || ballot.kind === "waiting" || ballot.kind === "room" ? ballot.choice : ballot.earlier;
}

/** The server's refusals of this person's ballots on a motion, as the last sync listed them. */
export function ballotRefusals(sync: SyncStatus | null, motion: MotionId): RejectedChange[] {
  return (sync?.rejected ?? []).filter((r) => r.kind === "ballot" && r.entity_id === motion);
}

export function ballotFromOutcome(outcome: VoteOutcome, choice: string, earlier: string | null, known: string[]): Ballot {
  switch (outcome.outcome) {
    case "counted":
      return { kind: "counted", choice, earlier };
    case "waiting":
      return { kind: "waiting", choice, earlier, known };
    case "taken_by_room":
      return { kind: "room", choice, earlier, seq: outcome.seq, known };
    case "refused":
      return { kind: "refused", choice, earlier, code: outcome.code, reason: outcome.reason };
  }
}

/**
 * A waiting ballot (or one the room's hub took) as later syncs tell:
 * refused when a new refusal of a ballot on its motion arrives; counted once
 * the server is reached, nothing waits to be sent and no refusal came (the
 * server took it).
 */
export function settleBallot(ballot: Ballot, motion: MotionId, sync: SyncStatus | null): Ballot {
  if ((ballot.kind !== "waiting" && ballot.kind !== "room") || sync === null) return ballot;
  const refusal = ballotRefusals(sync, motion).find((r) => !ballot.known.includes(r.op_id));
  if (refusal) return { kind: "refused", choice: ballot.choice, earlier: ballot.earlier, code: refusal.code, reason: refusal.reason };
  if (sync.state === "online" && sync.waiting_to_send === 0) return { kind: "counted", choice: ballot.choice, earlier: ballot.earlier };
  return ballot;
}

/** Every ballot settled against a new sync status; the same record when none changed. */
export function settleBallots(
  ballots: Readonly<Record<MotionId, Ballot>>,
  sync: SyncStatus | null,
): Readonly<Record<MotionId, Ballot>> {
  let next: Record<MotionId, Ballot> | null = null;
  for (const [motion, ballot] of Object.entries(ballots)) {
    const settled = settleBallot(ballot, motion, sync);
    if (settled !== ballot) (next ??= { ...ballots })[motion] = settled;
  }
  return next ?? ballots;
}

/** The feedback under the options after a vote. */
export function ballotMessage(ballot: Ballot, t: Translate, reason: (error: unknown) => string): string {
  const option = optionLabel(ballot.choice, t);
  const earlier = ballot.earlier === null ? "" : ` ${t("vote.ballot.earlierStands", { option: optionLabel(ballot.earlier, t) })}`;
  switch (ballot.kind) {
    case "sending":
      return t("vote.ballot.sending", { option });
    case "counted":
      return t("vote.ballot.counted", { option });
    case "waiting":
      return t("vote.ballot.waiting", { option });
    case "room":
      return t("vote.ballot.room", { option });
    case "refused":
      return t("vote.ballot.refused", { option, reason: rejectedReason(ballot, t) }) + earlier;
    case "failed":
      return t("vote.ballot.failed", { option, reason: reason(ballot.error) }) + earlier;
  }
}

// ── the secretariat's form ────────────────────────────────────────────────

export interface MotionDraft {
  question: string;
  rule: MajorityRule;
  base: MajorityBase;
  /** As typed; empty for no quorum. */
  quorum: string;
  /** "hh:mm" today in Vietnam; empty to close by hand. */
  closesAt: string;
}

export type MotionField = "question" | "quorum" | "closesAt";

export type DraftCheck =
  | { ok: true; request: OpenMotionRequest }
  | { ok: false; field: MotionField; error: MessageKey };

/** The engine's limit on a question (it is a title). */
export const MAX_QUESTION_CHARS = 300;

/**
 * Today's `hh:mm` on Vietnam's clock as an instant: a vote opens during its
 * meeting, so a closing time is always for the same day. Null if not a time.
 */
export function closingTime(hhmm: string, now: Date, timeZone: string = TIME_ZONE): Date | null {
  const m = /^(\d{2}):(\d{2})(?::\d{2})?$/.exec(hhmm.trim());
  const p = zonedParts(now.toISOString(), timeZone);
  if (!m || !p) return null;
  const hour = Number(m[1]);
  const minute = Number(m[2]);
  if (hour > 23 || minute > 59) return null;
  // The zone's offset from UTC at this minute: its wall clock read as UTC, minus the instant.
  const offset = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute) - Math.floor(now.getTime() / 60_000) * 60_000;
  return new Date(Date.UTC(p.year, p.month - 1, p.day, hour, minute) - offset);
}

export function checkMotionDraft(draft: MotionDraft, now: Date): DraftCheck {
  const question = draft.question.trim();
  if (question === "") return { ok: false, field: "question", error: "vote.form.questionRequired" };
  let quorum: number | null = null;
  if (draft.quorum.trim() !== "") {
    quorum = /^\d+$/.test(draft.quorum.trim()) ? Number(draft.quorum.trim()) : 0;
    if (quorum < 1) return { ok: false, field: "quorum", error: "vote.form.quorumInvalid" };
  }
  let closes: Date | null = null;
  if (draft.closesAt.trim() !== "") {
    closes = closingTime(draft.closesAt, now);
    if (closes === null) return { ok: false, field: "closesAt", error: "vote.form.closesInvalid" };
    if (closes.getTime() <= now.getTime()) return { ok: false, field: "closesAt", error: "vote.form.closesPast" };
  }
  return {
    ok: true,
    request: { question, options: null, rule: draft.rule, base: draft.base, quorum, closes_at: closes?.toISOString() ?? null },
  };
}

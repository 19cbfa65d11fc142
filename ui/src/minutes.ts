/**
 * Pure helpers of the minutes: how a vote, a speech, an attendance line and
 * the meeting's kind read in the preview the secretariat signs. No DOM here.
 */
import type { AttendanceLine, MinutesItem, SpeechLine, VoteLine } from "./bindings";
import type { MessageKey, Translate } from "./i18n";
import { clockText, presenceText, speechKindKey } from "./session";
import { optionLabel, ruleText } from "./voting";

const KINDS = new Set(["regular", "thematic", "extraordinary"]);

/** The meeting's kind in the reader's language; a kind this UI does not know, as the engine wrote it. */
export function kindLabel(kind: string, t: Translate): string {
  return KINDS.has(kind) ? t(`meeting.kind.${kind}` as MessageKey) : kind;
}

/** "Name — Speech — 03:05". */
export function speechText(line: SpeechLine, t: Translate): string {
  return t("minutes.speech", { name: line.name, kind: t(speechKindKey(line.kind)), time: clockText(line.duration_seconds) });
}

/** "Name: present in the room", "Name: substituted by Other". */
export function attendanceText(line: AttendanceLine, t: Translate): string {
  const p = presenceText(line.presence, line.substitute);
  return t("minutes.attendanceLine", { name: line.name, presence: t(p.key, p.params) });
}

export interface VoteText {
  question: string;
  /** null while the vote has no result (it never closed). */
  verdict: string | null;
  adopted: boolean | null;
  counts: Array<{ choice: string; label: string; count: number }>;
  details: string[];
}

export function voteText(line: VoteLine, t: Translate): VoteText {
  const tally = line.tally;
  if (tally === null) return { question: line.question, verdict: null, adopted: null, counts: [], details: [t("minutes.voteOpen")] };
  const carrying = optionLabel(tally.counts[0]?.[0] ?? "yes", t);
  const details = [t("vote.result.present", { present: tally.present, members: tally.members })];
  if (line.rule && line.base) {
    details.push(t("vote.result.required", { required: tally.required, base: tally.base, option: carrying, rule: ruleText(line.rule, line.base, t) }));
  }
  if (line.quorum !== null) details.push(t(tally.quorum_met ? "vote.result.quorumMet" : "vote.result.quorumMissed", { quorum: line.quorum }));
  return {
    question: line.question,
    verdict: t(tally.adopted ? "vote.result.adopted" : "vote.result.rejected"),
    adopted: tally.adopted,
    counts: tally.counts.map(([choice, count]) => ({ choice, label: optionLabel(choice, t), count })),
    details,
  };
}

/** Seconds all speeches on an item took. */
export function speakingTotal(item: Pick<MinutesItem, "speakers">): number {
  return item.speakers.reduce((sum, s) => sum + s.duration_seconds, 0);
}

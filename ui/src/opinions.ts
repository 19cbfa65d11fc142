/**
 * Pure helpers of written opinions: answers in the person's language, the
 * deadline and time left, who still has to answer, the check of a response
 * before it is signed, and the secretariat's dashboard rows. No DOM here.
 */
import { rejectedReason } from "./annotations";
import type { AnnotationList, AnnotationView, OpinionDraft, OpinionRequest, OpinionRequestView, OpinionStatus, PersonId, ReceivedResponse, SyncStatus } from "./bindings";
import type { MessageKey, Translate } from "./i18n";
import type { Delivery } from "./outbox";

/** The default answers read in the person's language; any other is shown as the secretariat wrote it. */
const ANSWER_KEYS: Readonly<Record<string, MessageKey>> = {
  agree: "opinions.answer.agree",
  disagree: "opinions.answer.disagree",
  agree_with_comments: "opinions.answer.agree_with_comments",
};

export function answerLabel(answer: string, t: Translate): string {
  const key = Object.prototype.hasOwnProperty.call(ANSWER_KEYS, answer) ? ANSWER_KEYS[answer] : undefined;
  return key ? t(key) : answer;
}

/** The engine's limit on a comment, in characters. */
export const MAX_COMMENT_CHARS = 20_000;

export function isOverdue(request: Pick<OpinionRequest, "deadline">, now: Date): boolean {
  const deadline = Date.parse(request.deadline);
  return !Number.isNaN(deadline) && deadline <= now.getTime();
}

/** "Quá hạn" once past; otherwise what is left, in the largest whole unit (rounded down, so never promising too much). */
export function timeLeft(deadline: string, now: Date, t: Translate): string {
  const ms = Date.parse(deadline) - now.getTime();
  if (Number.isNaN(ms)) return deadline;
  if (ms <= 0) return t("opinions.overdue");
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 60) return t("opinions.left.minutes", { count: Math.max(1, minutes) });
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return t("opinions.left.hours", { count: hours });
  const days = Math.floor(hours / 24);
  return t(days === 1 ? "opinions.left.dayOne" : "opinions.left.days", { count: days });
}

/** Open requests first, the nearest deadline first; then past ones, the latest first. */
export function orderRequests(views: readonly OpinionRequestView[], now: Date): OpinionRequestView[] {
  const open = (v: OpinionRequestView) => !isOverdue(v.request, now);
  const deadline = (v: OpinionRequestView) => Date.parse(v.request.deadline) || 0;
  return [...views].sort((a, b) => {
    if (open(a) !== open(b)) return open(a) ? -1 : 1;
    return open(a) ? deadline(a) - deadline(b) : deadline(b) - deadline(a);
  });
}

/** The latest response received for `respondent` (late or not), e.g. to start the form from. */
export function latestResponse(view: OpinionRequestView, respondent: PersonId): ReceivedResponse | null {
  const theirs = view.responses.filter((r) => r.response.respondent === respondent);
  return theirs[theirs.length - 1] ?? null;
}

/** Whether every member this person answers for has a response received in time. */
export function answered(view: OpinionRequestView): boolean {
  return view.answering_for.every((p) => view.responses.some((r) => r.response.respondent === p && !r.late));
}

/** Still open, and someone this person answers for has no response in time yet. */
export function awaitingAnswer(view: OpinionRequestView, now: Date): boolean {
  return view.answering_for.length > 0 && !isOverdue(view.request, now) && !answered(view);
}

/** Offline while a request waits for this person's answer: one sent now may reach the server after the deadline. */
export function offlineWithOpenRequests(views: readonly OpinionRequestView[], sync: SyncStatus | null, now: Date): boolean {
  return sync?.state === "offline" && views.some((v) => awaitingAnswer(v, now));
}

export type OpinionCheck =
  | { ok: true; choice: string; comment: string }
  | { ok: false; field: "choice" | "comment"; error: MessageKey };

/** A response before it is signed: one of the request's answers; "agree, with comments" needs the comments. */
export function checkOpinion(answers: readonly string[], choice: string | null, comment: string): OpinionCheck {
  if (choice === null || !answers.includes(choice)) return { ok: false, field: "choice", error: "opinions.chooseFirst" };
  const text = comment.trim();
  if (choice === "agree_with_comments" && text === "") return { ok: false, field: "comment", error: "opinions.commentRequired" };
  if ([...text].length > MAX_COMMENT_CHARS) return { ok: false, field: "comment", error: "opinions.commentTooLong" };
  return { ok: true, choice, comment: text };
}

/** A response this person sent during this session, and what became of it. */
export interface SentOpinion {
  choice: string;
  respondent: PersonId;
  delivery: Delivery;
}

export function opinionMessage(sent: SentOpinion, t: Translate, reason: (error: unknown) => string): string {
  const answer = answerLabel(sent.choice, t);
  const d = sent.delivery;
  switch (d.kind) {
    case "sending":
      return t("opinions.sending", { answer });
    case "counted":
      return t("opinions.counted", { answer });
    case "waiting":
      return t("opinions.waiting", { answer });
    case "refused":
      return t("opinions.refused", { answer, reason: rejectedReason(d, t) });
    case "failed":
      return t("opinions.failed", { answer, reason: reason(d.error) });
  }
}

/** The responses the secretariat sees: counted ones by answer (in the request's order), then the late ones. */
export function dashboardRows(status: OpinionStatus): ReceivedResponse[] {
  const order = (r: ReceivedResponse) => {
    const i = status.request.answers.indexOf(r.response.choice);
    return i === -1 ? status.request.answers.length : i;
  };
  const byAnswer = (a: ReceivedResponse, b: ReceivedResponse) => order(a) - order(b) || a.seq - b.seq;
  return [...[...status.counted].sort(byAnswer), ...[...status.late].sort((a, b) => a.seq - b.seq)];
}

/**
 * The member's own annotations on a request's documents, to link to an
 * answer: in the request's document order, then by page.
 */
export function ownAnnotations(lists: readonly AnnotationList[]): AnnotationView[] {
  return lists.flatMap((l) => l.annotations.filter((a) => a.mine).sort((a, b) => a.page - b.page));
}

/** "Trang 3: the note" — the note's text, else the passage it marks. */
export function annotationLinkLabel(a: Pick<AnnotationView, "page" | "text" | "anchor">, t: Translate): string {
  const text = a.text.trim() || a.anchor.quote.trim();
  const page = t("opinions.annotationPage", { page: a.page });
  return text === "" ? page : `${page}: ${text.length > 120 ? `${text.slice(0, 119)}…` : text}`;
}

/** A draft worth putting into an untouched form: one of the request's answers, or some comment. */
export function usableDraft(draft: OpinionDraft | null, answers: readonly string[]): { choice: string | null; comment: string } | null {
  if (draft === null) return null;
  const choice = answers.includes(draft.choice) ? draft.choice : null;
  if (choice === null && draft.comment === "") return null;
  return { choice, comment: draft.comment };
}

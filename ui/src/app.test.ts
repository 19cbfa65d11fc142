// @vitest-environment jsdom
import { afterEach, beforeEach, describe, expect, it, vi as vitest } from "vitest";
import { startApp, type Api, type App } from "./app";
import { translator } from "./i18n";
import { mountLock } from "./views/lock";
import type { FileDrop } from "./filedrop";
import type {
  DocumentReader,
  ImportedPackage,
  SignatureView,
  TokenSignRequest,
  LockStatus,
  MeetingFigures,
  Statistics,
  AgendaItem,
  AgendaView,
  AnnotationEdit,
  AnnotationList,
  AnnotationView,
  AppStatus,
  Attendance,
  CreateMeetingRequest,
  Document,
  DocumentChanges,
  DocumentView,
  Handling,
  ItemDetails,
  ItemDecision,
  ItemPositionsView,
  Meeting,
  Motion,
  NewAnnotation,
  OpenMotionRequest,
  OpinionDraft,
  OpinionRequestView,
  OpinionStatus,
  PageHit,
  PendingKey,
  Person,
  PrefetchProgress,
  Stance,
  SyncStatus,
  Tally,
  TallyVerification,
  UiError,
  UpdateAgendaItemRequest,
  UpdateMeetingRequest,
  VoteOutcome,
} from "./bindings";
import { en } from "./messages/en";
import { vi } from "./messages/vi";

/**
 * Chart.js needs a real canvas (jsdom has none): the dashboard's charts are
 * recorded here instead, with what they were given, until destroyed. The
 * browser test (tests/browser/stats.test.mjs) draws the real ones.
 */
const charts = vitest.hoisted(() => ({
  live: [] as { kind: "doughnut" | "bars"; canvas: string; data: unknown }[],
  made: 0,
}));
vitest.mock("./charts", () => {
  const draw = (kind: "doughnut" | "bars") => (canvas: HTMLCanvasElement, data: unknown) => {
    const chart = { kind, canvas: canvas.dataset["testid"] ?? "", data };
    charts.live.push(chart);
    charts.made++;
    return { destroy: () => void charts.live.splice(charts.live.indexOf(chart), 1) };
  };
  return { drawDoughnut: draw("doughnut"), drawMeetingBars: draw("bars"), liveCharts: () => charts.live.length };
});

type R<T> = { status: "ok"; data: T } | { status: "error"; error: UiError };
const ok = <T>(data: T): R<T> => ({ status: "ok", data });
const fail = (code: string, message = `engine says ${code}`): R<never> => ({ status: "error", error: { code, message } });

const SYNCED: SyncStatus = {
  state: "online",
  last_sync: "2026-11-24T07:05:00Z",
  cursor: 12,
  last_error: null,
  waiting_to_send: 0,
  rejected: [],
};
/** No PIN set: the app never locks. */
const NO_LOCK: LockStatus = { pin_set: false, locked: false, idle_minutes: 5, retry_in_seconds: null };
const ENROLLED: AppStatus = {
  lock: NO_LOCK,
  profile: {
    device_id: "dev-1",
    device_name: "Máy tính bảng",
    server_url: "http://127.0.0.1:8443",
    person: { id: "p1", organisation_id: "o1", name: "Nguyễn Thị Lan", role: "member" },
    organisation: { id: "o1", name: "Văn phòng Chính phủ" },
  },
  sync: SYNCED,
};
const MEETINGS: Meeting[] = [
  { id: "m-late", organisation_id: "o1", title: "Phiên họp thường kỳ tháng 12", starts_at: "2026-12-03T01:30:00Z", status: "draft", created_by: "p0" },
  { id: "m-soon", organisation_id: "o1", title: "Phiên họp chuyên đề xây dựng pháp luật", starts_at: "2026-11-26T02:00:00Z", status: "published", created_by: "p0" },
];
const AGENDA: AgendaView = {
  meeting: MEETINGS[1]!,
  items: [
    { id: "a2", meeting_id: "m-soon", position: 2, title: "Dự án Luật Dữ liệu", restricted: true },
    { id: "a1", meeting_id: "m-soon", position: 1, title: "Báo cáo tình hình kinh tế - xã hội", details: { presenting_ministry: "Bộ Tài chính", summary: null, recommended_action: "Cho ý kiến" } },
  ],
  documents: [
    {
      id: "d1", version: 2, agenda_item_id: "a2", meeting_id: "m-soon", title: "Dự thảo Luật Dữ liệu",
      size: 2_621_440, chunk_count: 3, manifest: "{}", manifest_signature: "", uploader_signing_key: "",
      published_at: "2026-11-20T02:00:00Z",
    },
  ],
  access: [],
  revised: ["d1"],
};

/** What an exchange package said of a received document (edXML-like envelope). */
const EXCHANGE_RECORD = {
  organisation_code: "000.00.00.G01",
  organisation_name: "Văn phòng Chính phủ",
  number: "12",
  symbol: "NQ-CP",
  issued_on: "2026-12-07",
  place: "Hà Nội",
  document_type: "Nghị quyết",
  subject: "Về phiên họp Chính phủ thường kỳ tháng 11",
  signer_name: "Nguyễn Văn An",
  signer_position: "Thủ tướng",
  annex: false,
};
const DOC_VIEW: DocumentView = { document: AGENDA.documents[0]!, page_count: 12, handling: {}, exchange: null };
const HITS: PageHit[] = [
  { page: 3, snippet: "điều 3. phạm vi điều chỉnh luật dữ liệu quy định về dữ liệu số" },
  { page: 7, snippet: "theo quy định của luật dữ\nliệu và các luật khác" },
];

/** An annotation as list_annotations returns it; by default the member's own, private, on version 2. */
function annotation(fields: Partial<AnnotationView> & Pick<AnnotationView, "id" | "kind" | "page">): AnnotationView {
  return {
    document_id: "d1",
    author_id: "p1",
    author_name: "Nguyễn Thị Lan",
    mine: true,
    placement: "original",
    anchor: { version: 2, page: fields.page, rects: [], quote: "", before: "", after: "" },
    colour: "yellow",
    text: "",
    ink: [],
    share: "private",
    waiting_to_send: false,
    updated_at: "2026-11-24T07:00:00Z",
    ...fields,
  };
}

const MY_NOTE = annotation({
  id: "n-mine",
  kind: "note",
  page: 3,
  text: "Cần làm rõ phạm vi điều chỉnh",
  anchor: { version: 2, page: 3, rects: [{ x: 0.2, y: 0.3, width: 0.02, height: 0.02 }], quote: "", before: "", after: "" },
});
const THEIR_HIGHLIGHT = annotation({
  id: "h-theirs",
  kind: "highlight",
  page: 1,
  mine: false,
  author_id: "p2",
  author_name: "Trần Văn Nam",
  share: "participants",
  colour: "green",
  placement: "moved",
  anchor: { version: 1, page: 2, rects: [{ x: 0.1, y: 0.2, width: 0.5, height: 0.03 }], quote: "dữ liệu số", before: "", after: "" },
});
const UNPLACED = annotation({
  id: "u-old",
  kind: "highlight",
  page: 5,
  placement: "unplaced",
  text: "Điều này đã bị bỏ?",
  anchor: { version: 1, page: 5, rects: [{ x: 0.1, y: 0.5, width: 0.4, height: 0.03 }], quote: "khoản 4 Điều 12", before: "", after: "" },
});

/** A vote on the draft law (item a2), open until 10:00 in Vietnam. */
const OPEN_MOTION: Motion = {
  id: "mo-1",
  meeting_id: "m-soon",
  agenda_item_id: "a2",
  question: "Thông qua dự án Luật Dữ liệu?",
  options: ["yes", "no", "abstain"],
  rule: "simple",
  base: "present",
  quorum: 5,
  status: "open",
  opened_at: "2026-11-26T02:40:00Z",
  closes_at: "2026-11-26T03:00:00Z",
  closed_at: null,
  votes_cast: 3,
  tally: null,
};
const TALLY: Tally = {
  counts: [["yes", 6], ["no", 1], ["abstain", 1]],
  present: 8,
  members: 9,
  base: 8,
  required: 5,
  quorum_met: true,
  adopted: true,
  named: [["p1", "yes"], ["p2", "no"]],
};
const CLOSED_MOTION: Motion = { ...OPEN_MOTION, status: "closed", closed_at: "2026-11-26T02:58:00Z", votes_cast: 8, tally: TALLY };
const VERIFIED: TallyVerification = {
  motion_id: "mo-1",
  ballots_checked: 8,
  recount: TALLY,
  matches_published: true,
  own_ballot_included: true,
  problems: [],
};
const SECRETARY: AppStatus = {
  ...ENROLLED,
  profile: { ...ENROLLED.profile!, person: { id: "p0", organisation_id: "o1", name: "Lê Văn Thư", role: "secretary" } },
};

/** Each item of m-soon as list_positions returns it to a member: nobody else's positions, nothing decided. */
const QUIET_POSITIONS: ItemPositionsView[] = AGENDA.items.map((item) => ({
  item,
  summary: { no_objection: [], objections: [], speakers: [], silent: ["p1", "p2", "p3"], proposed_without_discussion: true },
  mine: null,
  decision: null,
}));

/** A request for written opinions on the draft law: p1 answers for themself and, under a mandate, for p2. */
const REQUEST: OpinionRequestView = {
  request: {
    id: "r-1",
    agenda_item_id: "a2",
    question: "Cho ý kiến về dự thảo Luật Dữ liệu",
    documents: ["d1"],
    answers: ["agree", "disagree", "agree_with_comments"],
    deadline: "2026-11-25T10:00:00Z",
    recipients: ["p1", "p2", "p3"],
    mandates: [{ member: "p2", substitute: "p1" }],
    reminders: [],
    created_at: "2026-11-20T02:00:00Z",
  },
  answering_for: ["p1", "p2"],
  responses: [],
  reminded: 1,
};

/** One meeting's figures, as the engine's statistics report gives them. */
function figures(fields: Partial<MeetingFigures> & Pick<MeetingFigures, "meeting" | "title" | "starts_at">): MeetingFigures {
  return {
    meetings: 1, held: 1, cancelled: 0, items: 0,
    outcomes: { adopted: 0, deferred: 0, withdrawn: 0, noted: 0, undecided: 0 },
    adopted_without_discussion: 0, opinion_rounds: 0, opinions_requested: 0, opinions_answered: 0, late_answers: 0,
    median_hours_to_answer: null, votes: 0, ballots: 0, voters_entitled: 0, response_rate: null, turnout: null,
    ...fields,
  };
}

/** What the secretariat's replica holds: three meetings this autumn (one cancelled) and one last year. */
const FIGURES: MeetingFigures[] = [
  figures({
    meeting: "m-2025", title: "Phiên họp thường kỳ tháng 12 năm 2025", starts_at: "2025-12-04T01:30:00Z",
    items: 5, outcomes: { adopted: 5, deferred: 0, withdrawn: 0, noted: 0, undecided: 0 }, adopted_without_discussion: 1,
  }),
  figures({
    meeting: "m-oct", title: "Phiên họp thường kỳ tháng 10", starts_at: "2026-10-01T01:30:00Z",
    items: 6, outcomes: { adopted: 4, deferred: 1, withdrawn: 0, noted: 1, undecided: 0 }, adopted_without_discussion: 2,
    opinion_rounds: 1, opinions_requested: 20, opinions_answered: 18, late_answers: 1, median_hours_to_answer: 20.5,
    votes: 2, ballots: 36, voters_entitled: 40,
  }),
  figures({
    meeting: "m-soon", title: "Phiên họp chuyên đề xây dựng pháp luật", starts_at: "2026-11-05T02:00:00Z",
    items: 4, outcomes: { adopted: 2, deferred: 1, withdrawn: 1, noted: 0, undecided: 0 }, adopted_without_discussion: 0,
    opinion_rounds: 2, opinions_requested: 10, opinions_answered: 6, late_answers: 2, median_hours_to_answer: 7.5,
    votes: 1, ballots: 19, voters_entitled: 20,
  }),
  figures({ meeting: "m-off", title: "Phiên họp bất thường", starts_at: "2026-11-20T08:00:00Z", held: 0, cancelled: 1, items: 1, outcomes: { adopted: 0, deferred: 0, withdrawn: 0, noted: 0, undecided: 1 } }),
];

/** The rates the engine puts beside the counts. */
function rated(m: MeetingFigures): MeetingFigures {
  return {
    ...m,
    response_rate: m.opinions_requested > 0 ? m.opinions_answered / m.opinions_requested : null,
    turnout: m.voters_entitled > 0 ? m.ballots / m.voters_entitled : null,
  };
}

/** The engine's report over the meetings that start in [from, to) (its median: of the meetings' medians, near enough for a fake). */
function statisticsOf(all: readonly MeetingFigures[], from: string | null, to: string | null): R<Statistics> {
  if (from !== null && to !== null && Date.parse(from) >= Date.parse(to)) {
    return fail("invalid_argument", `the period is empty: it starts on ${from} and ends on ${to}`);
  }
  const meetings = all.filter((m) => (from === null || Date.parse(m.starts_at!) >= Date.parse(from)) && (to === null || Date.parse(m.starts_at!) < Date.parse(to)));
  const sum = (f: (m: MeetingFigures) => number) => meetings.reduce((n, m) => n + f(m), 0);
  const medians = meetings.flatMap((m) => (m.median_hours_to_answer === null ? [] : [m.median_hours_to_answer])).sort((a, b) => a - b);
  const middle = Math.floor(medians.length / 2);
  const total: MeetingFigures = {
    meeting: null, title: "", starts_at: null, meetings: sum((m) => m.meetings), held: sum((m) => m.held), cancelled: sum((m) => m.cancelled),
    items: sum((m) => m.items),
    outcomes: {
      adopted: sum((m) => m.outcomes.adopted), deferred: sum((m) => m.outcomes.deferred), withdrawn: sum((m) => m.outcomes.withdrawn),
      noted: sum((m) => m.outcomes.noted), undecided: sum((m) => m.outcomes.undecided),
    },
    adopted_without_discussion: sum((m) => m.adopted_without_discussion), opinion_rounds: sum((m) => m.opinion_rounds),
    opinions_requested: sum((m) => m.opinions_requested), opinions_answered: sum((m) => m.opinions_answered), late_answers: sum((m) => m.late_answers),
    median_hours_to_answer: medians.length === 0 ? null : medians.length % 2 === 1 ? medians[middle]! : (medians[middle - 1]! + medians[middle]!) / 2,
    votes: sum((m) => m.votes), ballots: sum((m) => m.ballots), voters_entitled: sum((m) => m.voters_entitled),
    response_rate: null, turnout: null,
  };
  return ok({ from, to, generated_at: "2026-11-24T03:00:00Z", total: rated(total), meetings: meetings.map(rated) });
}

/** A session command of the fake engine: no session has started. */
const noSession = () => vitest.fn(async (..._args: unknown[]): Promise<R<never>> => fail("session_not_started"));

function fakeApi(initial: AppStatus = { profile: null, sync: null, lock: NO_LOCK }) {
  let syncHandler: ((e: { payload: unknown }) => void) | null = null;
  // The engine's local store of annotations: create and edit change what list returns.
  const store = { annotations: [MY_NOTE, THEIR_HIGHLIGHT, UNPLACED], locked: 0, next: 1 };
  let prefetchHandler: ((e: { payload: PrefetchProgress }) => void) | null = null;
  // The engine's replica of motions: the secretariat's open and close change it.
  const votes = { motions: [] as Motion[] };
  // The engine's replica of positions and requests for opinions; the secretariat's dashboards come from the server.
  const stances = { list: QUIET_POSITIONS };
  const opinions = { requests: [] as OpinionRequestView[], status: {} as Record<string, OpinionStatus>, seq: 1, drafts: {} as Record<string, OpinionDraft> };
  // The figures the secretariat's replica gives for the statistics.
  const report = { figures: [...FIGURES] };
  // The secretariat's work, kept like the engine's replica: saved here at once, waiting to be sent while offline.
  const built = {
    meetings: [...MEETINGS] as Meeting[],
    agendas: { "m-soon": { ...AGENDA } } as Record<string, AgendaView>,
    people: [] as Person[],
    keys: [] as PendingKey[],
    changes: null as DocumentChanges | null,
    offline: false,
    next: 1,
  };
  let status: AppStatus = initial;
  // The engine's idle lock: a PIN, and whether the app is locked.
  const pin = { value: initial.lock.pin_set ? "2468" : (null as string | null), locked: initial.lock.locked, idle: initial.lock.idle_minutes };
  const lockNow = (): LockStatus => ({ pin_set: pin.value !== null, locked: pin.locked, idle_minutes: pin.idle, retry_in_seconds: null });
  const guarded =
    <A extends unknown[], T>(f: (...args: A) => Promise<R<T>>) =>
    async (...args: A): Promise<R<T>> =>
      pin.locked ? fail("pin_required") : f(...args);
  const saved = () => {
    if (built.offline && status.sync) status = { ...status, sync: { ...status.sync, waiting_to_send: status.sync.waiting_to_send + 1 } };
  };
  const agendaOf = (id: string): AgendaView => {
    const meeting = built.meetings.find((m) => m.id === id)!;
    return (built.agendas[id] ??= { meeting, items: [], documents: [], access: [], revised: [] });
  };
  const itemOf = (id: string) => Object.values(built.agendas).find((a) => a.items.some((i) => i.id === id))!;
  const api = {
    commands: {
      appStatus: vitest.fn(async (): Promise<R<AppStatus>> => ok({ ...status, lock: lockNow() })),
      enroll: vitest.fn(async (_url: string, code: string, _name: string | null): Promise<R<AppStatus>> =>
        code === "GOOD-CODE" ? ok(ENROLLED) : fail("unknown_code"),
      ),
      syncNow: vitest.fn(async (): Promise<R<SyncStatus>> => ok(SYNCED)),
      listMeetings: vitest.fn(guarded(async (): Promise<R<Meeting[]>> => ok(built.meetings))),
      meetingAgenda: vitest.fn(
        guarded(async (id: string): Promise<R<AgendaView>> => {
          if (id === "m-soon") return ok(built.agendas["m-soon"]!);
          return built.meetings.some((m) => m.id === id && m.id !== "m-late") ? ok(agendaOf(id)) : fail("not_found");
        }),
      ),
      openDocument: vitest.fn(guarded(async (id: string): Promise<R<DocumentView>> => (id === "d1" ? ok(DOC_VIEW) : fail("not_found")))),
      searchDocument: vitest.fn(async (_id: string, phrase: string): Promise<R<PageHit[]>> =>
        ok(phrase === "Luật Dữ liệu" ? HITS : []),
      ),
      listAnnotations: vitest.fn(async (id: string): Promise<R<AnnotationList>> =>
        ok({ document_id: id, version: 2, annotations: [...store.annotations], locked: store.locked }),
      ),
      createAnnotation: vitest.fn(async (a: NewAnnotation): Promise<R<AnnotationView>> => {
        const made = annotation({
          id: `new-${store.next++}`,
          kind: a.kind ?? "note",
          page: a.page,
          anchor: { version: 2, page: a.page, rects: a.rects, quote: a.quote ?? "", before: "", after: "" },
          colour: a.colour ?? "yellow",
          text: a.text ?? "",
          ink: a.ink,
          waiting_to_send: true,
        });
        store.annotations.push(made);
        return ok(made);
      }),
      editAnnotation: vitest.fn(async (id: string, edit: AnnotationEdit): Promise<R<AnnotationView>> => {
        const old = store.annotations.find((a) => a.id === id);
        if (!old) return fail("not_found");
        const changed: AnnotationView = {
          ...old,
          text: edit.text ?? old.text,
          colour: edit.colour ?? old.colour,
          share: edit.share ?? old.share,
          waiting_to_send: true,
        };
        store.annotations = edit.deleted ? store.annotations.filter((a) => a.id !== id) : store.annotations.map((a) => (a.id === id ? changed : a));
        return ok(changed);
      }),
      listMotions: vitest.fn(async (id: string): Promise<R<Motion[]>> => ok(votes.motions.filter((m) => m.meeting_id === id))),
      castVote: vitest.fn(async (_id: string, _choice: string): Promise<R<VoteOutcome>> => ok({ outcome: "counted", seq: 41 })),
      verifyTally: vitest.fn(async (_id: string): Promise<R<TallyVerification>> => ok(VERIFIED)),
      checkIn: vitest.fn(async (meetingId: string, remote: boolean): Promise<R<Attendance>> =>
        ok({ meeting_id: meetingId, person_id: "p1", presence: { status: remote ? "remote" : "present" }, recorded_at: "2026-11-26T02:05:00Z" }),
      ),
      openMotion: vitest.fn(async (itemId: string, request: OpenMotionRequest): Promise<R<Motion>> => {
        const made: Motion = {
          ...OPEN_MOTION,
          id: `mo-new-${votes.motions.length}`,
          agenda_item_id: itemId,
          question: request.question,
          rule: request.rule,
          base: request.base,
          quorum: request.quorum ?? null,
          closes_at: request.closes_at ?? null,
          votes_cast: 0,
        };
        votes.motions.push(made);
        return ok(made);
      }),
      closeMotion: vitest.fn(async (id: string): Promise<R<Motion>> => {
        const closed = { ...votes.motions.find((m) => m.id === id)!, status: "closed" as const, closed_at: "2026-11-24T03:10:00Z", tally: TALLY };
        votes.motions = votes.motions.map((m) => (m.id === id ? closed : m));
        return ok(closed);
      }),
      setPosition: vitest.fn(async (itemId: string, stance: Stance): Promise<R<VoteOutcome>> => {
        stances.list = stances.list.map((v) => (v.item.id === itemId ? { ...v, mine: stance } : v));
        return ok({ outcome: "counted", seq: 50 });
      }),
      listPositions: vitest.fn(async (meetingId: string): Promise<R<ItemPositionsView[]>> => ok(stances.list.filter((v) => v.item.meeting_id === meetingId))),
      adoptWithoutDiscussion: vitest.fn(async (meetingId: string): Promise<R<ItemDecision[]>> => {
        const decided = stances.list
          .filter((v) => v.item.meeting_id === meetingId && v.summary.proposed_without_discussion && v.decision === null)
          .map((v) => ({ agenda_item_id: v.item.id, meeting_id: meetingId, adopted_without_discussion: true, decided_at: "2026-11-24T03:05:00Z", decided_by: "p0" }));
        stances.list = stances.list.map((v) => ({ ...v, decision: decided.find((d) => d.agenda_item_id === v.item.id) ?? v.decision }));
        return ok(decided);
      }),
      listOpinionRequests: vitest.fn(async (): Promise<R<OpinionRequestView[]>> => ok(opinions.requests)),
      listPeople: vitest.fn(async (): Promise<R<Person[]>> => ok(built.people)),
      createMeeting: vitest.fn(async (request: CreateMeetingRequest): Promise<R<Meeting>> => {
        const meeting: Meeting = {
          id: `m-new-${built.next++}`, organisation_id: "o1", title: request.title, starts_at: request.starts_at,
          status: request.draft ? "draft" : "published", created_by: "p0", details: request.details ?? {},
        };
        built.meetings = [...built.meetings, meeting];
        saved();
        return ok(meeting);
      }),
      updateMeeting: vitest.fn(async (id: string, request: UpdateMeetingRequest): Promise<R<Meeting>> => {
        const old = built.meetings.find((m) => m.id === id);
        if (!old) return fail("not_found");
        const meeting: Meeting = {
          ...old,
          title: request.title ?? old.title,
          starts_at: request.starts_at ?? old.starts_at,
          status: request.status ?? old.status,
          details: request.details ?? old.details ?? {},
        };
        built.meetings = built.meetings.map((m) => (m.id === id ? meeting : m));
        if (built.agendas[id]) built.agendas[id] = { ...built.agendas[id]!, meeting };
        saved();
        return ok(meeting);
      }),
      addAgendaItem: vitest.fn(async (meetingId: string, title: string, only: string[] | null, details: ItemDetails): Promise<R<AgendaItem>> => {
        const agenda = agendaOf(meetingId);
        const item: AgendaItem = { id: `i-new-${built.next++}`, meeting_id: meetingId, position: agenda.items.length + 1, title, restricted: only !== null, details };
        built.agendas[meetingId] = {
          ...agenda,
          items: [...agenda.items, item],
          access: only === null ? agenda.access : [...agenda.access, { agenda_item_id: item.id, persons: only }],
        };
        saved();
        return ok(item);
      }),
      updateAgendaItem: vitest.fn(async (id: string, request: UpdateAgendaItemRequest): Promise<R<AgendaItem>> => {
        const agenda = itemOf(id);
        const old = agenda.items.find((i) => i.id === id)!;
        const item: AgendaItem = { ...old, title: request.title ?? old.title, details: request.details ?? old.details! };
        built.agendas[agenda.meeting.id] = { ...agenda, items: agenda.items.map((i) => (i.id === id ? item : i)) };
        saved();
        return ok(item);
      }),
      moveAgendaItem: vitest.fn(async (id: string, position: number): Promise<R<AgendaItem[]>> => {
        const agenda = itemOf(id);
        const ordered = [...agenda.items].sort((a, b) => a.position - b.position);
        const moved = ordered.find((i) => i.id === id)!;
        const rest = ordered.filter((i) => i.id !== id);
        rest.splice(position - 1, 0, moved);
        const items = rest.map((i, n) => ({ ...i, position: n + 1 }));
        built.agendas[agenda.meeting.id] = { ...agenda, items };
        saved();
        return ok(items);
      }),
      setItemAccess: vitest.fn(async (id: string, only: string[] | null): Promise<R<AgendaItem>> => {
        const agenda = itemOf(id);
        const item = { ...agenda.items.find((i) => i.id === id)!, restricted: only !== null };
        built.agendas[agenda.meeting.id] = {
          ...agenda,
          items: agenda.items.map((i) => (i.id === id ? item : i)),
          access: [...agenda.access.filter((a) => a.agenda_item_id !== id), ...(only === null ? [] : [{ agenda_item_id: id, persons: only }])],
        };
        saved();
        return ok(item);
      }),
      addDocument: vitest.fn(async (itemId: string, path: string, title: string | null, handling: Handling): Promise<R<Document>> => {
        if (!path.endsWith(".pdf")) return fail("invalid_argument", `${path} is not a PDF file (it does not start with %PDF-)`);
        const agenda = itemOf(itemId);
        const document: Document = {
          id: `d-new-${built.next++}`, version: 1, agenda_item_id: itemId, meeting_id: agenda.meeting.id,
          title: title ?? path.split("/").pop()!.replace(/\.pdf$/, ""), size: 4096, chunk_count: 1,
          manifest: JSON.stringify({ handling }), manifest_signature: "", uploader_signing_key: "", published_at: "2026-11-24T03:00:00Z",
        };
        built.agendas[agenda.meeting.id] = { ...agenda, documents: [...agenda.documents, document] };
        saved();
        return ok(document);
      }),
      reviseDocument: vitest.fn(async (id: string, _path: string, title: string | null, handling: Handling | null): Promise<R<Document>> => {
        const agenda = Object.values(built.agendas).find((a) => a.documents.some((d) => d.id === id))!;
        const old = agenda.documents.find((d) => d.id === id)!;
        const document: Document = { ...old, version: old.version + 1, title: title ?? old.title, manifest: handling ? JSON.stringify({ handling }) : old.manifest };
        built.agendas[agenda.meeting.id] = { ...agenda, documents: agenda.documents.map((d) => (d.id === id ? document : d)) };
        saved();
        return ok(document);
      }),
      pendingKeys: vitest.fn(async (): Promise<R<PendingKey[]>> => ok(built.keys)),
      documentChanges: vitest.fn(async (_id: string, _from: number | null): Promise<R<DocumentChanges>> =>
        built.changes ? ok(built.changes) : fail("not_found", "no earlier version"),
      ),
      answerOpinion: vitest.fn(async (requestId: string, choice: string, comment: string, onBehalfOf: string | null, annotations: string[]): Promise<R<VoteOutcome>> => {
        const respondent = onBehalfOf ?? "p1";
        const seq = opinions.seq++;
        const received = {
          response: { request_id: requestId, respondent, signer: "p1", device_id: "dev-1", choice, comment, annotations, submitted_at: "2026-11-24T03:00:00Z", nonce: "", signature: "" },
          seq,
          received_at: "2026-11-24T03:00:01Z",
          late: false,
        };
        opinions.requests = opinions.requests.map((v) => (v.request.id === requestId ? { ...v, responses: [...v.responses, received] } : v));
        return ok({ outcome: "counted", seq });
      }),
      saveOpinionDraft: vitest.fn(async (requestId: string, choice: string, comment: string): Promise<R<null>> => {
        opinions.drafts[requestId] = { choice, comment, saved_at: "2026-11-24T03:00:00Z" };
        return ok(null);
      }),
      opinionDraft: vitest.fn(async (requestId: string): Promise<R<OpinionDraft | null>> => ok(opinions.drafts[requestId] ?? null)),
      opinionStatus: vitest.fn(async (id: string): Promise<R<OpinionStatus>> => (opinions.status[id] ? ok(opinions.status[id]) : fail("server_unreachable"))),
      // The meeting in session is tested in the browser (tests/browser/session.test.mjs); here no session has started.
      launchMode: vitest.fn(async () => ({ room_display: false })),
      openRoomDisplay: noSession(),
      joinRoom: noSession(),
      leaveRoom: noSession(),
      roomStatus: vitest.fn(async (_id: string): Promise<R<null>> => ok(null)),
      startVoice: noSession(),
      stopVoice: vitest.fn(async (): Promise<R<null>> => ok(null)),
      voiceStatus: vitest.fn(async (_id: string): Promise<R<null>> => ok(null)),
      setMicrophone: noSession(),
      sessionView: noSession(),
      followSession: vitest.fn(async (_id: string): Promise<R<null>> => ok(null)),
      controlSession: noSession(),
      takeUpItem: noSession(),
      recordOutcome: noSession(),
      requestFloor: noSession(),
      withdrawFloor: noSession(),
      floorNext: noSession(),
      floorGive: noSession(),
      floorEnd: noSession(),
      setSpeakingTime: noSession(),
      presentPage: noSession(),
      recordAttendance: noSession(),
      minutesPreview: noSession(),
      editMinutes: noSession(),
      signMinutes: noSession(),
      signDocument: vitest.fn(async (id: string, request: TokenSignRequest): Promise<R<Document>> =>
        request.pin === "135790"
          ? ok({ ...DOC_VIEW.document, id, title: "bao-cao", version: 3 })
          : fail("signing", "the token refused the PIN (CKR_PIN_INCORRECT)"),
      ),
      statistics: vitest.fn(async (from: string | null, to: string | null): Promise<R<Statistics>> =>
        status.profile?.person.role === "secretary"
          ? statisticsOf(report.figures, from, to)
          : fail("invalid_argument", "only the secretariat produces the statistics report"),
      ),
      documentSignatures: vitest.fn(async (_id: string): Promise<R<SignatureView[]>> =>
        ok([
          {
            signer: "Nguyễn Văn An",
            subject: "CN=Nguyễn Văn An, O=Văn phòng Chính phủ",
            issuer: "CN=Ban Cơ yếu Chính phủ",
            signed_at: "2026-11-24T02:30:00Z",
            integrity: "valid",
            changed_after_signing: false,
            trust: "trusted",
            detail: "CN=Ban Cơ yếu Chính phủ",
          },
          {
            signer: "Trần Văn Nam",
            subject: null,
            issuer: "CN=CA lạ",
            signed_at: null,
            integrity: "modified",
            changed_after_signing: true,
            trust: "not_checked",
            detail: null,
          },
        ]),
      ),
      importExchange: vitest.fn(async (itemId: string, path: string, _acceptUntrusted: boolean): Promise<R<ImportedPackage>> =>
        path.endsWith("hong.zip")
          ? fail("exchange_refused", "the exchange package was refused: \"nghi-quyet.pdf\" does not match its SHA-256 in the envelope (changed on the way?)")
          : ok({
              main: { ...DOC_VIEW.document, id: "d-imported", agenda_item_id: itemId, title: "12/NQ-CP — Về phiên họp thường kỳ" },
              annexes: [{ ...DOC_VIEW.document, id: "d-annex", agenda_item_id: itemId, title: "12/NQ-CP — phu-luc" }],
              record: { ...EXCHANGE_RECORD, subject: "Về phiên họp thường kỳ" },
              signatures: [],
            }),
      ),
      documentReaders: vitest.fn(async (_id: string): Promise<R<DocumentReader[]>> =>
        ok([
          { person_id: "p2", person_name: "Trần Văn Nam", device_id: "dev-2", opened_at: "2026-11-24T02:30:00Z", reported_at: "2026-11-24T02:31:00Z" },
          { person_id: "p2", person_name: "Trần Văn Nam", device_id: "dev-3", opened_at: "2026-11-24T04:00:00Z", reported_at: "2026-11-24T04:00:00Z" },
        ]),
      ),
      lockStatus: vitest.fn(async (): Promise<R<LockStatus>> => ok(lockNow())),
      noteActivity: vitest.fn(async (): Promise<R<LockStatus>> => ok(lockNow())),
      lockNow: vitest.fn(async (): Promise<R<LockStatus>> => {
        if (pin.value !== null) pin.locked = true;
        return ok(lockNow());
      }),
      unlock: vitest.fn(async (given: string): Promise<R<LockStatus>> => {
        if (given !== pin.value) return fail("wrong_pin", "wrong PIN (2 tries before a wait)");
        pin.locked = false;
        return ok(lockNow());
      }),
      setPin: vitest.fn(async (current: string | null, next: string, idle: number): Promise<R<LockStatus>> => {
        if (pin.value !== null && current !== pin.value) return fail("wrong_pin", "wrong PIN (2 tries before a wait)");
        Object.assign(pin, { value: next, idle });
        return ok(lockNow());
      }),
      setIdleMinutes: vitest.fn(async (current: string, idle: number): Promise<R<LockStatus>> => {
        if (current !== pin.value) return fail("wrong_pin");
        pin.idle = idle;
        return ok(lockNow());
      }),
      removePin: vitest.fn(async (current: string): Promise<R<LockStatus>> => {
        if (current !== pin.value) return fail("wrong_pin");
        pin.value = null;
        return ok(lockNow());
      }),
    },
    events: {
      syncStatusChanged: {
        listen: vitest.fn(async (cb: (e: { payload: unknown }) => void) => {
          syncHandler = cb;
          return () => {
            syncHandler = null;
          };
        }),
      },
      prefetchProgressChanged: {
        listen: vitest.fn(async (cb: (e: { payload: PrefetchProgress }) => void) => {
          prefetchHandler = cb;
          return () => {
            prefetchHandler = null;
          };
        }),
      },
    },
    emitSync(payload: unknown) {
      syncHandler?.({ payload });
    },
    emitPrefetch(payload: PrefetchProgress) {
      prefetchHandler?.({ payload });
    },
    store,
    votes,
    stances,
    opinions,
    built,
    report,
    setStatus(next: AppStatus) {
      status = next;
    },
    pin,
  };
  return api satisfies Api;
}

function memoryStorage() {
  const data = new Map<string, string>();
  return { getItem: (k: string) => data.get(k) ?? null, setItem: (k: string, v: string) => void data.set(k, v), data };
}

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.querySelector<T>(`[data-testid="${id}"]`);
const $$ = (id: string) => [...document.querySelectorAll<HTMLElement>(`[data-testid="${id}"]`)];
const text = (id: string) => $(id)?.textContent ?? null;

function type(id: string, value: string) {
  const input = $<HTMLInputElement>(id)!;
  input.value = value;
  input.dispatchEvent(new Event("input", { bubbles: true }));
}

// 2026-11-24 10:00 in Vietnam: both meetings are upcoming.
const NOW = () => new Date("2026-11-24T03:00:00Z");

let root: HTMLElement;
let app: App | null = null;

beforeEach(() => {
  document.body.innerHTML = "";
  root = document.createElement("div");
  document.body.append(root);
});
afterEach(() => app?.destroy());

describe("enrolment", () => {
  it("shows the Vietnamese enrolment form with the default server address", async () => {
    const api = fakeApi();
    app = startApp(root, api, { storage: memoryStorage(), now: NOW });
    await app.ready;
    expect(document.documentElement.lang).toBe("vi");
    expect(root.querySelector("h1")?.textContent).toBe("Đăng ký thiết bị");
    expect($<HTMLInputElement>("enroll-server-url")!.value).toBe("http://127.0.0.1:8443");
    expect($<HTMLInputElement>("enroll-code")!.placeholder).toBe("7QK2-M9XD-4TBN-C8WH");
    expect($("enroll-error")!.hidden).toBe(true);
  });

  it("asks for a code before calling the engine", async () => {
    const api = fakeApi();
    app = startApp(root, api, { storage: memoryStorage(), now: NOW });
    await app.ready;
    $("enroll-submit")!.click();
    expect(api.commands.enroll).not.toHaveBeenCalled();
    expect(text("enroll-error")).toContain(vi["enroll.codeRequired"]);
  });

  it("shows the catalogue message for a wrong code and keeps what was typed", async () => {
    const api = fakeApi();
    app = startApp(root, api, { storage: memoryStorage(), now: NOW });
    await app.ready;
    type("enroll-code", " BAD-CODE ");
    type("enroll-device-name", "Máy của Bộ trưởng");
    $("enroll-submit")!.click();
    expect($("enroll-submit")!.textContent).toBe(vi["enroll.submitting"]);
    await vitest.waitFor(() => expect($("enroll-error")!.hidden).toBe(false));
    expect(text("enroll-error")).toContain(vi["error.unknown_code"]);
    expect(text("enroll-error")).not.toContain("engine says");
    expect(api.commands.enroll).toHaveBeenCalledWith("http://127.0.0.1:8443", "BAD-CODE", "Máy của Bộ trưởng");
    expect($<HTMLInputElement>("enroll-code")!.value).toBe(" BAD-CODE ");
    expect($<HTMLInputElement>("enroll-device-name")!.value).toBe("Máy của Bộ trưởng");
    expect($("enroll-code")!.getAttribute("aria-invalid")).toBe("true");
    expect(document.activeElement).toBe($("enroll-code"));
    expect($("enroll-submit")!.textContent).toBe(vi["enroll.submit"]);
  });

  it("falls back to the engine's message for a code it does not know", async () => {
    const api = fakeApi();
    api.commands.enroll.mockResolvedValueOnce(fail("device_limit", "Device limit reached"));
    app = startApp(root, api, { storage: memoryStorage(), now: NOW });
    await app.ready;
    type("enroll-code", "X");
    $("enroll-submit")!.click();
    await vitest.waitFor(() => expect(text("enroll-error")).toContain("Device limit reached"));
  });

  it("goes to the main screen after a successful enrolment", async () => {
    const api = fakeApi();
    app = startApp(root, api, { storage: memoryStorage(), now: NOW });
    await app.ready;
    type("enroll-code", "GOOD-CODE");
    $("enroll-submit")!.click();
    await vitest.waitFor(() => expect($$("meeting-item")).toHaveLength(2));
    expect(api.commands.enroll).toHaveBeenCalledWith("http://127.0.0.1:8443", "GOOD-CODE", null);
    expect(text("org-name")).toBe("Văn phòng Chính phủ");
  });
});

describe("main screen", () => {
  it("shows identity, sync status and meetings soonest first", async () => {
    const api = fakeApi(ENROLLED);
    app = startApp(root, api, { storage: memoryStorage(), now: NOW });
    await app.ready;
    expect(text("person-name")).toBe("Nguyễn Thị Lan");
    expect(text("person-role")).toBe("Thành viên");
    expect(text("sync-state")).toBe("Trực tuyến");
    expect(text("sync-last")).toBe("Đồng bộ lúc 14:05 24/11/2026");
    expect($$("meeting-item").map((b) => b.dataset["meetingId"])).toEqual(["m-soon", "m-late"]);
    expect($$("meeting-when")[0]!.textContent).toBe("Thứ Năm, 26/11/2026 · 09:00");
    expect($$("meeting-status").map((b) => b.textContent)).toEqual(["Đã công bố", "Bản nháp"]);
    // The nearest upcoming meeting opens by itself.
    await vitest.waitFor(() => expect($$("agenda-item")).toHaveLength(2));
    expect(api.commands.meetingAgenda).toHaveBeenCalledWith("m-soon");
  });

  it("shows an empty state when there are no meetings", async () => {
    const api = fakeApi(ENROLLED);
    api.commands.listMeetings.mockResolvedValue(ok([]));
    app = startApp(root, api, { storage: memoryStorage(), now: NOW });
    await app.ready;
    expect(text("meetings-empty")).toContain("Chưa có cuộc họp nào");
  });

  it("opens the nearest upcoming meeting and lists its agenda in order", async () => {
    const api = fakeApi(ENROLLED);
    app = startApp(root, api, { storage: memoryStorage(), now: NOW });
    await app.ready;
    // No click needed: the nearest upcoming meeting (m-soon) opens by itself.
    await vitest.waitFor(() => expect($$("agenda-item")).toHaveLength(2));
    $$("meeting-item")[0]!.click();
    expect(api.commands.meetingAgenda).toHaveBeenCalledWith("m-soon");
    expect($$("agenda-item-title").map((e) => e.textContent)).toEqual([
      "Báo cáo tình hình kinh tế - xã hội",
      "Dự án Luật Dữ liệu",
    ]);
    expect($$("meeting-item")[0]!.getAttribute("aria-current")).toBe("true");
    // The document sits under its own item (the second), with version and size.
    const items = $$("agenda-item");
    expect(items[0]!.querySelectorAll('[data-testid="agenda-document"]')).toHaveLength(0);
    expect(items[0]!.querySelector('[data-testid="agenda-item-restricted"]')).toBeNull();
    expect(items[0]!.querySelector('[data-testid="agenda-item-ministry"]')?.textContent).toBe("Cơ quan trình: Bộ Tài chính");
    expect(items[0]!.querySelector('[data-testid="agenda-item-action"]')?.textContent).toBe("Đề xuất: Cho ý kiến");
    expect(items[1]!.querySelector('[data-testid="agenda-item-ministry"]')).toBeNull();
    expect(items[1]!.querySelector('[data-testid="agenda-item-restricted"]')?.textContent).toBe("Hạn chế");
    const doc = items[1]!.querySelector('[data-testid="agenda-document"]');
    expect(doc?.textContent).toContain("Dự thảo Luật Dữ liệu");
    expect(doc?.textContent).toContain("bản 2 · 2.5 MB");
    expect(doc?.querySelector('[data-testid="document-revised"]')?.textContent).toBe("Đã sửa đổi");
  });

  it("shows the background download of upcoming packs while it runs", async () => {
    const api = fakeApi(ENROLLED);
    app = startApp(root, api, { storage: memoryStorage(), now: NOW });
    await app.ready;
    expect($("prefetch-progress")).toBeNull();
    const running: PrefetchProgress = {
      documents_done: 1, documents_total: 3, bytes_done: 500_000, bytes_total: 2_000_000,
      current: "Dự thảo Luật Dữ liệu", waiting_for_keys: 0, finished: false,
    };
    api.emitPrefetch(running);
    await vitest.waitFor(() => expect(text("prefetch-progress")).toBe("Đang tải trước tài liệu 1/3 · 0.5/2.0 MB"));
    api.emitPrefetch({ ...running, documents_done: 3, bytes_done: 2_000_000, current: null, finished: true });
    await vitest.waitFor(() => expect($("prefetch-progress")).toBeNull());
  });

  it("moves through the meeting list with the arrow keys", async () => {
    const api = fakeApi(ENROLLED);
    app = startApp(root, api, { storage: memoryStorage(), now: NOW });
    await app.ready;
    const [first, second] = $$("meeting-item");
    first!.focus();
    first!.dispatchEvent(new KeyboardEvent("keydown", { key: "ArrowDown", bubbles: true }));
    expect(document.activeElement).toBe(second);
  });

  it("switches language, remembers it and updates <html lang>", async () => {
    const storage = memoryStorage();
    const api = fakeApi(ENROLLED);
    app = startApp(root, api, { storage, now: NOW });
    await app.ready;
    $("lang-en")!.focus();
    $("lang-en")!.click();
    expect(document.documentElement.lang).toBe("en");
    expect(storage.data.get("ecabinet.locale")).toBe("en");
    expect(text("sync-now")).toBe(en["sync.now"]);
    expect(text("person-role")).toBe("Member");
    expect($("lang-en")!.getAttribute("aria-pressed")).toBe("true");
    expect(document.activeElement).toBe($("lang-en"));

    app.destroy();
    root.innerHTML = "";
    app = startApp(root, fakeApi(ENROLLED), { storage, now: NOW });
    await app.ready;
    expect(app.locale).toBe("en");
    expect(text("sync-now")).toBe("Sync now");
  });

  it("refreshes status and meetings when the engine reports a sync", async () => {
    const api = fakeApi(ENROLLED);
    app = startApp(root, api, { storage: memoryStorage(), now: NOW });
    await app.ready;
    api.commands.appStatus.mockResolvedValue(
      ok({ ...ENROLLED, sync: { ...SYNCED, state: "offline", last_error: { code: "server_unreachable", message: "x" } } }),
    );
    api.commands.listMeetings.mockResolvedValue(ok([MEETINGS[0]!]));
    api.emitSync({ state: "offline" });
    await vitest.waitFor(() => expect($$("meeting-item")).toHaveLength(1));
    expect(text("sync-state")).toBe("Ngoại tuyến");
  });

  it("reports a failed manual sync by its code", async () => {
    const api = fakeApi(ENROLLED);
    api.commands.syncNow.mockResolvedValue(fail("server_unreachable"));
    app = startApp(root, api, { storage: memoryStorage(), now: NOW });
    await app.ready;
    $("sync-now")!.click();
    await vitest.waitFor(() => expect($("notice")).not.toBeNull());
    expect(text("notice")).toContain(vi["error.server_unreachable"]);
  });
});

describe("start-up", () => {
  it("shows a start-up error with a retry when the status cannot be read", async () => {
    const api = fakeApi();
    api.commands.appStatus.mockResolvedValueOnce(fail("corrupt_profile"));
    app = startApp(root, api, { storage: memoryStorage(), now: NOW });
    await app.ready;
    expect(text("boot-error")).toContain(vi["error.corrupt_profile"]);
    root.querySelector<HTMLButtonElement>("[data-testid=boot-error] button")!.click();
    await vitest.waitFor(() => expect($("enroll-screen")).not.toBeNull());
  });

  it("survives running outside Tauri (invoke throws)", async () => {
    const api = fakeApi();
    api.commands.appStatus.mockRejectedValueOnce(new TypeError("window.__TAURI_INTERNALS__ is undefined"));
    api.events.syncStatusChanged.listen.mockRejectedValueOnce(new TypeError("no IPC"));
    app = startApp(root, api, { storage: memoryStorage(), now: NOW });
    await app.ready;
    expect(text("boot-error")).toContain(vi["common.unexpectedError"]);
  });
});

describe("document reader", () => {
  const image = () => $<HTMLImageElement>("reader-page-image");
  const src = () => image()?.getAttribute("src") ?? null;
  const key = (k: string, init: KeyboardEventInit = {}, target: EventTarget = document.body) =>
    target.dispatchEvent(new KeyboardEvent("keydown", { key: k, bubbles: true, cancelable: true, ...init }));
  function enter(id: string, value: string) {
    type(id, value);
    $(id)!.dispatchEvent(new KeyboardEvent("keydown", { key: "Enter", bubbles: true, cancelable: true }));
  }

  async function openReader(api = fakeApi(ENROLLED)) {
    app = startApp(root, api, { storage: memoryStorage(), now: NOW, pagePlatform: "other", pixelRatio: () => 1 });
    await app.ready;
    await vitest.waitFor(() => expect($("open-document")).not.toBeNull());
    $("open-document")!.click();
    return api;
  }

  it("numbers the pages it asks for, so renders of pages left behind are dropped", async () => {
    const cancelRenders = vitest.fn();
    const api = { ...fakeApi(ENROLLED), cancelRenders };
    await openReader(api);
    await vitest.waitFor(() => expect(image()).not.toBeNull());
    const ticketOf = (url: string | null) => Number(new URL(url ?? "").searchParams.get("ticket"));
    const first = ticketOf(src());
    expect(first).toBeGreaterThan(0);
    expect(cancelRenders).toHaveBeenLastCalledWith(first);
    $("reader-next")!.click();
    $("reader-next")!.click();
    const third = ticketOf(src());
    expect(third).toBe(first + 2);
    expect(cancelRenders).toHaveBeenLastCalledWith(third);
    // Thumbnails are never dropped: they carry no ticket.
    expect($$("reader-thumb")[4]!.querySelector("img")!.getAttribute("src")).toBe("ecabpage://localhost/d1/5?dpi=36");
  });

  it("shows each digital signature with its verdict, an invalid one as such, in both languages", async () => {
    const api = await openReader();
    await vitest.waitFor(() => expect(image()).not.toBeNull());
    expect($("reader-signatures-panel")!.hidden).toBe(true);
    $("reader-signatures")!.click();
    await vitest.waitFor(() => expect($$("reader-signature")).toHaveLength(2));
    expect(api.commands.documentSignatures).toHaveBeenCalledWith("d1");
    expect($("reader-signatures-panel")!.hidden).toBe(false);
    expect($("reader-signatures")!.getAttribute("aria-expanded")).toBe("true");
    const [good, bad] = $$("reader-signature");
    expect(good!.textContent).toContain("Chữ ký 1: Nguyễn Văn An");
    expect(good!.textContent).toContain("Ký lúc 09:30 24/11/2026");
    expect(good!.textContent).toContain("Chữ ký hợp lệ");
    expect(good!.textContent).toContain("Chứng thư tin cậy, theo chứng thư gốc CN=Ban Cơ yếu Chính phủ.");
    expect(bad!.dataset["integrity"]).toBe("modified");
    expect(bad!.textContent).toContain("Chữ ký KHÔNG hợp lệ: nội dung đã bị sửa sau khi ký.");
    expect(bad!.textContent).toContain("Tệp có thêm thay đổi sau chữ ký này");
    // An invalid signature's trust is not shown as if it mattered.
    expect(bad!.querySelector('[data-testid="reader-signature-trust"]')).toBeNull();
    $("reader-signatures-close")!.click();
    expect($("reader-signatures-panel")!.hidden).toBe(true);

    // A document with none says so; in English too.
    app!.destroy();
    document.body.innerHTML = "";
    root = document.createElement("div");
    document.body.append(root);
    const storage = memoryStorage();
    storage.setItem("ecabinet.locale", "en");
    const english = fakeApi(ENROLLED);
    english.commands.documentSignatures.mockResolvedValueOnce(ok([]));
    app = startApp(root, english, { storage, now: NOW, pagePlatform: "other", pixelRatio: () => 1 });
    await app.ready;
    await vitest.waitFor(() => expect($("open-document")).not.toBeNull());
    $("open-document")!.click();
    await vitest.waitFor(() => expect(image()).not.toBeNull());
    $("reader-signatures")!.click();
    await vitest.waitFor(() => expect(text("reader-signatures-none")).toBe("This document carries no digital signature."));
  });

  it("shows what a received document's exchange package said: a badge, and the details beside its signatures", async () => {
    const api = fakeApi(ENROLLED);
    api.commands.openDocument.mockResolvedValue(
      ok({
        ...DOC_VIEW,
        exchange: EXCHANGE_RECORD,
      }),
    );
    await openReader(api);
    await vitest.waitFor(() => expect(image()).not.toBeNull());
    expect(text("reader-exchange")).toBe("Văn bản đến số 12/NQ-CP");
    expect($("reader-exchange")!.title).toContain("Nghị quyết số 12/NQ-CP của Văn phòng Chính phủ, ban hành 07/12/2026");
    $("reader-signatures")!.click();
    await vitest.waitFor(() => expect($$("reader-signature")).toHaveLength(2));
    expect(text("reader-exchange-organisation")).toBe("Văn phòng Chính phủ (000.00.00.G01)");
    expect(text("reader-exchange-code")).toBe("12/NQ-CP");
    expect(text("reader-exchange-issued")).toBe("Hà Nội, 07/12/2026");
    expect(text("reader-exchange-signer")).toBe("Thủ tướng: Nguyễn Văn An");
  });

  it("shows no exchange badge for a document the secretariat attached itself", async () => {
    await openReader();
    await vitest.waitFor(() => expect(image()).not.toBeNull());
    expect($("reader-exchange")).toBeNull();
    $("reader-signatures")!.click();
    await vitest.waitFor(() => expect($$("reader-signature")).toHaveLength(2));
    expect($("reader-exchange-details")).toBeNull();
  });

  it("opens a document from the agenda and turns pages", async () => {
    const api = await openReader();
    // Opening takes a moment: a loading state, the meetings list stays.
    expect($("reader-loading")).not.toBeNull();
    expect($("agenda")).toBeNull();
    expect($$("meeting-item")).toHaveLength(2);
    expect(text("reader-title")).toBe("Dự thảo Luật Dữ liệu");
    await vitest.waitFor(() => expect(image()).not.toBeNull());
    expect(api.commands.openDocument).toHaveBeenCalledWith("d1");
    expect(src()).toBe("ecabpage://localhost/d1/1?dpi=110");
    expect(image()!.dataset["page"]).toBe("1");
    expect(text("reader-version")).toBe("bản 2");
    expect(text("reader-page-count")).toBe("/ 12");
    expect($<HTMLInputElement>("reader-page-input")!.value).toBe("1");
    expect($("reader-prev")!.getAttribute("aria-disabled")).toBe("true");
    // Twelve pages: every thumbnail exists, lazy-loaded at the engine's lowest resolution.
    const thumbs = $$("reader-thumb");
    expect(thumbs).toHaveLength(12);
    const thumbImg = thumbs[4]!.querySelector("img")!;
    expect(thumbImg.getAttribute("loading")).toBe("lazy");
    expect(thumbImg.getAttribute("src")).toBe("ecabpage://localhost/d1/5?dpi=36");
    expect(thumbs[0]!.getAttribute("aria-current")).toBe("page");

    $("reader-next")!.click();
    expect(src()).toBe("ecabpage://localhost/d1/2?dpi=110");
    expect($<HTMLInputElement>("reader-page-input")!.value).toBe("2");
    $("reader-prev")!.click();
    expect(src()).toBe("ecabpage://localhost/d1/1?dpi=110");
    $("reader-prev")!.click(); // already on the first page
    expect(src()).toBe("ecabpage://localhost/d1/1?dpi=110");

    enter("reader-page-input", "3");
    expect(src()).toBe("ecabpage://localhost/d1/3?dpi=110");
    expect($("reader-page-hint")!.hidden).toBe(true);
    expect(thumbs[2]!.getAttribute("aria-current")).toBe("page");
    expect(thumbs[0]!.hasAttribute("aria-current")).toBe(false);

    // Out of range: brought to the last page, with a hint.
    enter("reader-page-input", "99");
    expect(src()).toBe("ecabpage://localhost/d1/12?dpi=110");
    expect($<HTMLInputElement>("reader-page-input")!.value).toBe("12");
    expect($("reader-page-hint")!.hidden).toBe(false);
    expect(text("reader-page-hint")).toBe("Tài liệu có 12 trang: đã chuyển tới trang 12.");
    expect($("reader-next")!.getAttribute("aria-disabled")).toBe("true");

    // Not a number: refused, the page stays.
    enter("reader-page-input", "ba");
    expect(src()).toBe("ecabpage://localhost/d1/12?dpi=110");
    expect(text("reader-page-hint")).toBe("Nhập số trang từ 1 đến 12.");
    expect($("reader-page-input")!.getAttribute("aria-invalid")).toBe("true");

    // A thumbnail goes to its page and clears the hint.
    thumbs[5]!.click();
    expect(src()).toBe("ecabpage://localhost/d1/6?dpi=110");
    expect($("reader-page-hint")!.hidden).toBe(true);
  });

  it("zooms in steps and fits the width", async () => {
    await openReader();
    await vitest.waitFor(() => expect(image()).not.toBeNull());
    expect(text("reader-zoom-level")).toBe("100%");
    $("reader-zoom-in")!.click();
    expect(src()).toBe("ecabpage://localhost/d1/1?dpi=121");
    expect(text("reader-zoom-level")).toBe("110%");
    $("reader-zoom-out")!.click();
    $("reader-zoom-out")!.click();
    expect(src()).toBe("ecabpage://localhost/d1/1?dpi=99");
    expect(text("reader-zoom-level")).toBe("90%");
    for (let i = 0; i < 10; i++) $("reader-zoom-out")!.click();
    expect(text("reader-zoom-level")).toBe("50%");
    expect(src()).toBe("ecabpage://localhost/d1/1?dpi=55");
    expect($("reader-zoom-out")!.getAttribute("aria-disabled")).toBe("true");

    // An 800 px wide page area holds an A4 page at 800 / 8.27 ≈ 96 dpi.
    Object.defineProperty($("reader-canvas")!, "clientWidth", { configurable: true, value: 800 });
    $("reader-fit-width")!.click();
    expect(text("reader-zoom-level")).toBe("87%");
    expect(src()).toBe("ecabpage://localhost/d1/1?dpi=96");
  });

  it("asks for sharper pages on high-density screens", async () => {
    app = startApp(root, fakeApi(ENROLLED), { storage: memoryStorage(), now: NOW, pagePlatform: "windows", pixelRatio: () => 2 });
    await app.ready;
    await vitest.waitFor(() => expect($("open-document")).not.toBeNull());
    $("open-document")!.click();
    await vitest.waitFor(() => expect(image()).not.toBeNull());
    expect(src()).toBe("http://ecabpage.localhost/d1/1?dpi=220");
  });

  it("searches the document, lists the hits and jumps to one", async () => {
    const api = await openReader();
    await vitest.waitFor(() => expect(image()).not.toBeNull());
    expect($("reader-results")!.hidden).toBe(true);
    type("reader-search-input", "Luật Dữ liệu");
    $("reader-search-submit")!.click();
    expect(api.commands.searchDocument).toHaveBeenCalledWith("d1", "Luật Dữ liệu");
    await vitest.waitFor(() => expect($$("reader-search-result")).toHaveLength(2));
    expect($("reader-results")!.hidden).toBe(false);
    expect(text("reader-search-count")).toBe("2 kết quả");
    const hits = $$("reader-search-result");
    expect(hits.map((h) => h.querySelector('[data-testid="reader-search-result-page"]')!.textContent)).toEqual(["Trang 3", "Trang 7"]);
    // The phrase is marked, whatever its case and line breaks.
    expect([...hits[0]!.querySelectorAll("mark")].map((m) => m.textContent)).toEqual(["luật dữ liệu"]);
    expect([...hits[1]!.querySelectorAll("mark")].map((m) => m.textContent)).toEqual(["luật dữ\nliệu"]);
    hits[1]!.click();
    expect(src()).toBe("ecabpage://localhost/d1/7?dpi=110");
    expect($<HTMLInputElement>("reader-page-input")!.value).toBe("7");
    expect($$("reader-search-result")[1]!.getAttribute("aria-current")).toBe("true");

    // Nothing found.
    type("reader-search-input", "ngân sách");
    $("reader-search-submit")!.click();
    await vitest.waitFor(() => expect($("reader-search-empty")).not.toBeNull());
    expect(text("reader-search-count")).toBe("0 kết quả");
    expect(text("reader-search-empty")).toBe("Không tìm thấy “ngân sách” trong tài liệu.");
    expect($$("reader-search-result")).toHaveLength(0);

    // Escape in the search box clears it.
    key("Escape", {}, $("reader-search-input")!);
    expect($<HTMLInputElement>("reader-search-input")!.value).toBe("");
    expect($("reader-results")!.hidden).toBe(true);
    expect($("reader")).not.toBeNull();
  });

  it("goes back to the agenda with the document's button focused", async () => {
    await openReader();
    await vitest.waitFor(() => expect(image()).not.toBeNull());
    $("reader-next")!.click();
    $("reader-back")!.click();
    expect($("reader")).toBeNull();
    expect($$("agenda-item")).toHaveLength(2);
    expect(document.activeElement).toBe($("open-document"));
    // Opening again starts on the first page.
    $("open-document")!.click();
    await vitest.waitFor(() => expect(src()).toBe("ecabpage://localhost/d1/1?dpi=110"));
  });

  it("works from the keyboard", async () => {
    await openReader();
    await vitest.waitFor(() => expect(image()).not.toBeNull());
    key("ArrowRight");
    expect(src()).toBe("ecabpage://localhost/d1/2?dpi=110");
    key("PageDown");
    expect(src()).toBe("ecabpage://localhost/d1/3?dpi=110");
    key("ArrowLeft");
    expect(src()).toBe("ecabpage://localhost/d1/2?dpi=110");
    key("End");
    expect(src()).toBe("ecabpage://localhost/d1/12?dpi=110");
    key("PageUp");
    expect(src()).toBe("ecabpage://localhost/d1/11?dpi=110");
    key("Home");
    expect(src()).toBe("ecabpage://localhost/d1/1?dpi=110");
    key("+");
    expect(text("reader-zoom-level")).toBe("110%");
    key("-");
    expect(text("reader-zoom-level")).toBe("100%");
    // Not while typing in a field.
    key("ArrowRight", {}, $("reader-page-input")!);
    key("Escape", {}, $("reader-page-input")!);
    expect(src()).toBe("ecabpage://localhost/d1/1?dpi=110");
    // Ctrl+F goes to the search box; Escape there does not close the reader.
    key("f", { ctrlKey: true });
    expect(document.activeElement).toBe($("reader-search-input"));
    key("Escape", {}, $("reader-search-input")!);
    expect($("reader")).not.toBeNull();
    // Escape elsewhere closes it.
    key("Escape");
    expect($("reader")).toBeNull();
    expect($$("agenda-item")).toHaveLength(2);
    // With the reader closed, the keys do nothing.
    key("ArrowRight");
    expect($("reader")).toBeNull();
  });

  it("shows a page that fails to load with a retry", async () => {
    await openReader();
    await vitest.waitFor(() => expect(image()).not.toBeNull());
    expect($("reader-page")!.dataset["state"]).toBe("loading");
    image()!.dispatchEvent(new Event("error"));
    expect($("reader-page")!.dataset["state"]).toBe("error");
    expect(text("reader-page-error")).toContain("Không hiển thị được trang 1.");
    $("reader-page-retry")!.click();
    expect(src()).toBe("ecabpage://localhost/d1/1?dpi=110&retry=1");
    image()!.dispatchEvent(new Event("load"));
    expect($("reader-page")!.dataset["state"]).toBe("loaded");
  });

  it("creates thumbnails only near the current page of a long document", async () => {
    const api = fakeApi(ENROLLED);
    api.commands.openDocument.mockResolvedValue(ok({ ...DOC_VIEW, page_count: 200 }));
    await openReader(api);
    await vitest.waitFor(() => expect(image()).not.toBeNull());
    const withImage = () => $$("reader-thumb").filter((b) => b.querySelector("img")).map((b) => Number(b.dataset["page"]));
    expect($$("reader-thumb")).toHaveLength(200);
    expect(withImage()).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    enter("reader-page-input", "100");
    expect(withImage()).toContain(108);
    expect(withImage()).not.toContain(120);
  });

  it("explains a missing key in both languages, with a way back", async () => {
    const api = fakeApi(ENROLLED);
    api.commands.openDocument.mockResolvedValue(fail("no_key"));
    await openReader(api);
    await vitest.waitFor(() => expect($("reader-error")).not.toBeNull());
    expect(text("reader-error")).toContain("Không mở được tài liệu");
    expect(text("reader-error")).toContain(vi["error.no_key"]);
    expect(text("reader-error")).not.toContain("engine says");
    expect($("reader-controls")!.hidden).toBe(true);
    $("lang-en")!.click();
    expect(text("reader-error")).toContain(en["error.no_key"]);
    expect(text("reader-back")).toContain("Back to agenda");
    // Retrying asks the engine again.
    api.commands.openDocument.mockResolvedValue(ok(DOC_VIEW));
    $("reader-retry")!.click();
    await vitest.waitFor(() => expect(image()).not.toBeNull());
    expect(api.commands.openDocument).toHaveBeenCalledTimes(2);
    $("reader-back")!.click();
    expect($$("agenda-item")).toHaveLength(2);
  });

  it("adds the offline hint when the document is not stored yet", async () => {
    const api = fakeApi(ENROLLED);
    api.commands.openDocument.mockResolvedValue(fail("server_unreachable"));
    await openReader(api);
    await vitest.waitFor(() => expect($("reader-error")).not.toBeNull());
    expect(text("reader-error")).toContain(vi["reader.notCached"]);
    $("reader-error-back")!.click();
    expect($("reader")).toBeNull();
    expect($$("agenda-item")).toHaveLength(2);
  });

  it("stays on its page through a background sync", async () => {
    const api = await openReader();
    await vitest.waitFor(() => expect(image()).not.toBeNull());
    $("reader-next")!.click();
    const shown = image();
    api.emitSync({ state: "online" });
    await vitest.waitFor(() => expect(api.commands.meetingAgenda).toHaveBeenCalledTimes(2));
    await vitest.waitFor(() => expect(api.commands.listMeetings).toHaveBeenCalledTimes(2));
    expect($("reader")).not.toBeNull();
    expect(image()).toBe(shown); // not even reloaded
    expect(src()).toBe("ecabpage://localhost/d1/2?dpi=110");
  });

  it("closes when another meeting is chosen", async () => {
    await openReader();
    await vitest.waitFor(() => expect(image()).not.toBeNull());
    $$("meeting-item")[1]!.click();
    expect($("reader")).toBeNull();
  });
});

describe("annotations in the reader", () => {
  const image = () => $<HTMLImageElement>("reader-page-image");
  const items = () => $$("annotation-item");
  const itemById = (id: string) => items().find((i) => i.dataset["annotationId"] === id)!;
  const within = (el: Element, id: string) => el.querySelector<HTMLElement>(`[data-testid="${id}"]`);
  const marks = () => $$("annotation-mark").map((m) => m.dataset["annotationId"]);

  async function openReader(api = fakeApi(ENROLLED)) {
    app = startApp(root, api, { storage: memoryStorage(), now: NOW, pagePlatform: "other", pixelRatio: () => 1 });
    await app.ready;
    await vitest.waitFor(() => expect($("open-document")).not.toBeNull());
    $("open-document")!.click();
    await vitest.waitFor(() => expect(items().length).toBeGreaterThan(0));
    // jsdom lays nothing out: give the page an 800 × 1000 px box at (100, 50).
    const layer = $("annotation-layer")!;
    layer.getBoundingClientRect = () => ({ left: 100, top: 50, width: 800, height: 1000, right: 900, bottom: 1050, x: 100, y: 50, toJSON: () => ({}) });
    return api;
  }
  const mouse = (type: string, x: number, y: number) =>
    $("annotation-layer")!.dispatchEvent(new MouseEvent(type, { clientX: x, clientY: y, button: 0, bubbles: true, cancelable: true }));

  it("lists the document's annotations by page, others' with their author, lost ones apart", async () => {
    const api = await openReader();
    expect(api.commands.listAnnotations).toHaveBeenCalledWith("d1");
    expect(items().map((i) => i.dataset["annotationId"])).toEqual(["h-theirs", "n-mine", "u-old"]);
    expect($$("annotation-page-group").map((g) => g.dataset["page"])).toEqual(["1", "3"]);

    const theirs = itemById("h-theirs");
    expect(within(theirs, "annotation-kind")!.textContent).toBe("Tô sáng");
    expect(within(theirs, "annotation-author")!.textContent).toBe("Trần Văn Nam");
    expect(within(theirs, "annotation-share")!.textContent).toBe("Chia sẻ với người dự họp");
    expect(within(theirs, "annotation-quote")!.textContent).toBe("“dữ liệu số”");
    expect(within(theirs, "annotation-moved")!.textContent).toBe("Chuyển từ tr. 2 của bản 1");

    const mine = itemById("n-mine");
    expect(within(mine, "annotation-author")!.textContent).toBe("Bạn");
    expect(within(mine, "annotation-share")!.textContent).toBe("Chỉ mình tôi");
    expect(within(mine, "annotation-text")!.textContent).toBe("Cần làm rõ phạm vi điều chỉnh");
    expect(within(mine, "annotation-waiting")).toBeNull();

    const unplaced = $("annotation-unplaced")!;
    expect(unplaced.textContent).toContain("Ghi chú không đặt được trên bản này");
    expect(within(unplaced, "annotation-unplaced-from")!.textContent).toBe("Trang 5 của bản 1");
    expect(within(unplaced, "annotation-quote")!.textContent).toBe("“khoản 4 Điều 12”");
    expect(text("annotation-panel-toggle")).toBe("Tất cả ghi chú (3)");
  });

  it("draws the current page's annotations over it and jumps to an annotation's page", async () => {
    await openReader();
    // Page 1: the other member's highlight (moved there from an earlier version).
    expect(marks()).toEqual(["h-theirs"]);
    const highlight = $("annotation-mark")!;
    expect([highlight.style.left, highlight.style.top, highlight.style.width]).toEqual(["10%", "20%", "50%"]);
    expect(highlight.classList.contains("annot-moved")).toBe(true);

    within(itemById("n-mine"), "annotation-item-open")!.click();
    expect(image()!.dataset["page"]).toBe("3");
    expect(marks()).toEqual(["n-mine"]);
    const pin = $("annotation-mark")!;
    expect([pin.style.left, pin.style.top]).toEqual(["21%", "31%"]);
    expect(itemById("n-mine").getAttribute("aria-current")).toBe("true");

    // An annotation that lost its place is listed, never drawn, and does not move the reader.
    within(itemById("u-old"), "annotation-item-open")!.click();
    expect(image()!.dataset["page"]).toBe("3");
    $("reader-page-input")!.focus();
    type("reader-page-input", "5");
    $("reader-page-input")!.dispatchEvent(new KeyboardEvent("keydown", { key: "Enter", bubbles: true, cancelable: true }));
    expect(marks()).toEqual([]);
  });

  it("writes a note where the page is clicked, saved on this device until the next sync", async () => {
    const api = await openReader();
    $("annotation-tool-note")!.click();
    expect($("annotation-tool-note")!.getAttribute("aria-pressed")).toBe("true");
    expect(text("annotation-hint")).toBe(vi["annotations.hint.note"]);
    mouse("click", 500, 300);
    const input = $<HTMLTextAreaElement>("annotation-note-input")!;
    expect(document.activeElement).toBe(input);
    // An empty note is not saved.
    $("annotation-note-save")!.click();
    expect(api.commands.createAnnotation).not.toHaveBeenCalled();
    expect($("annotation-note-editor")!.textContent).toContain(vi["annotations.noteEmpty"]);

    type("annotation-note-input", "  Đề nghị bổ sung số liệu năm 2025  ");
    $("annotation-note-save")!.click();
    await vitest.waitFor(() => expect(items()).toHaveLength(4));
    expect(api.commands.createAnnotation).toHaveBeenCalledWith({
      document_id: "d1",
      kind: "note",
      page: 1,
      rects: [{ x: 0.49, y: 0.24, width: 0.02, height: 0.02 }],
      ink: [],
      text: "Đề nghị bổ sung số liệu năm 2025",
      colour: "yellow",
      quote: null,
      share: null,
    });
    expect($("annotation-note-editor")).toBeNull();
    const made = itemById("new-1");
    expect(within(made, "annotation-waiting")!.textContent).toBe("Chờ gửi");
    expect(made.getAttribute("aria-current")).toBe("true");
    expect(text("annotation-status")).toBe("Đã lưu trên máy này — sẽ gửi khi có mạng");
    expect(marks()).toContain("new-1");
    // The header's count of changes waiting to be sent is read again.
    await vitest.waitFor(() => expect(api.commands.appStatus).toHaveBeenCalledTimes(2));
  });

  it("highlights a dragged rectangle and draws with the pen, in the chosen colour", async () => {
    const api = await openReader();
    $("annotation-tool-highlight")!.click();
    $("annotation-colour-blue")!.click();
    expect($("annotation-colour-blue")!.getAttribute("aria-checked")).toBe("true");
    mouse("pointerdown", 180, 250);
    mouse("pointermove", 400, 270);
    mouse("pointerup", 500, 276);
    await vitest.waitFor(() => expect(api.commands.createAnnotation).toHaveBeenCalledTimes(1));
    expect(api.commands.createAnnotation.mock.calls[0]![0]).toMatchObject({
      kind: "highlight",
      page: 1,
      rects: [{ x: 0.1, y: 0.2, width: 0.4, height: 0.026 }],
      colour: "blue",
    });
    // A click with the highlighter is a slip, not a highlight.
    mouse("pointerdown", 300, 300);
    mouse("pointerup", 301, 300);
    expect(api.commands.createAnnotation).toHaveBeenCalledTimes(1);

    $("annotation-tool-ink")!.click();
    mouse("pointerdown", 100, 50);
    mouse("pointermove", 300, 250);
    mouse("pointermove", 500, 250);
    mouse("pointerup", 500, 250);
    await vitest.waitFor(() => expect(api.commands.createAnnotation).toHaveBeenCalledTimes(2));
    const ink = api.commands.createAnnotation.mock.calls[1]![0];
    expect(ink).toMatchObject({ kind: "ink", rects: [], colour: "blue" });
    expect(ink.ink).toEqual([{ points: [[0, 0], [0.25, 0.2], [0.5, 0.2]], width: 0.003 }]);
    // Escape puts the pen down without closing the reader.
    document.body.dispatchEvent(new KeyboardEvent("keydown", { key: "Escape", bubbles: true, cancelable: true }));
    expect($("annotation-tool-select")!.getAttribute("aria-pressed")).toBe("true");
    expect($("reader")).not.toBeNull();
  });

  it("bookmarks the page once", async () => {
    const api = await openReader();
    $("annotation-tool-bookmark")!.click();
    await vitest.waitFor(() => expect($("annotation-tool-bookmark")!.getAttribute("aria-pressed")).toBe("true"));
    expect(api.commands.createAnnotation).toHaveBeenCalledWith(expect.objectContaining({ kind: "bookmark", page: 1, rects: [], text: null }));
    $("annotation-tool-bookmark")!.click();
    expect(api.commands.createAnnotation).toHaveBeenCalledTimes(1);
  });

  it("edits, recolours, shares and deletes the member's own annotation only", async () => {
    const api = await openReader();
    within(itemById("h-theirs"), "annotation-item-open")!.click();
    expect($("annotation-editor")).toBeNull();

    within(itemById("n-mine"), "annotation-item-open")!.click();
    expect($<HTMLTextAreaElement>("annotation-edit-input")!.value).toBe("Cần làm rõ phạm vi điều chỉnh");
    type("annotation-edit-input", "Cần làm rõ phạm vi điều chỉnh đối với dữ liệu cá nhân");
    $("annotation-edit-save")!.click();
    await vitest.waitFor(() => expect(within(itemById("n-mine"), "annotation-text")!.textContent).toBe("Cần làm rõ phạm vi điều chỉnh đối với dữ liệu cá nhân"));
    expect(api.commands.editAnnotation).toHaveBeenLastCalledWith("n-mine", {
      text: "Cần làm rõ phạm vi điều chỉnh đối với dữ liệu cá nhân",
      colour: null,
      ink: null,
      share: null,
      deleted: null,
    });
    expect(within(itemById("n-mine"), "annotation-waiting")).not.toBeNull();

    $("annotation-edit-colour-pink")!.click();
    await vitest.waitFor(() => expect($("annotation-edit-colour-pink")!.getAttribute("aria-checked")).toBe("true"));
    expect(api.commands.editAnnotation).toHaveBeenLastCalledWith("n-mine", expect.objectContaining({ colour: "pink", text: null }));

    const share = $<HTMLSelectElement>("annotation-share-select")!;
    expect([...share.options].map((o) => o.textContent)).toEqual(["Chỉ mình tôi", "Chia sẻ với Văn phòng", "Chia sẻ với người dự họp"]);
    share.value = "secretariat";
    share.dispatchEvent(new Event("change", { bubbles: true }));
    await vitest.waitFor(() => expect(within(itemById("n-mine"), "annotation-share")!.textContent).toBe("Chia sẻ với Văn phòng"));
    expect(api.commands.editAnnotation).toHaveBeenLastCalledWith("n-mine", expect.objectContaining({ share: "secretariat" }));

    // Deleting asks first; "keep it" keeps it.
    $("annotation-delete")!.click();
    expect(text("annotation-delete-question")).toContain(vi["annotations.deleteConfirm"]);
    expect(document.activeElement).toBe($("annotation-delete-cancel"));
    $("annotation-delete-cancel")!.click();
    expect(api.commands.editAnnotation).toHaveBeenCalledTimes(3);
    $("annotation-delete")!.click();
    $("annotation-delete-confirm")!.click();
    await vitest.waitFor(() => expect(items().map((i) => i.dataset["annotationId"])).toEqual(["h-theirs", "u-old"]));
    expect(api.commands.editAnnotation).toHaveBeenLastCalledWith("n-mine", expect.objectContaining({ deleted: true }));
    expect(text("annotation-status")).toBe("Đã xoá trên máy này — sẽ gửi khi có mạng");
  });

  it("keeps the note's text when saving fails, and says why", async () => {
    const api = await openReader();
    api.commands.createAnnotation.mockResolvedValueOnce(fail("invalid_input"));
    $("annotation-tool-note")!.click();
    mouse("click", 200, 200);
    type("annotation-note-input", "Ý kiến của Bộ");
    $("annotation-note-save")!.click();
    await vitest.waitFor(() => expect(text("annotation-status")).toBe(`Chưa lưu được: ${vi["error.invalid_input"]}`));
    expect($<HTMLTextAreaElement>("annotation-note-input")!.value).toBe("Ý kiến của Bộ");
  });

  it("shows annotations from the member's other device after a sync", async () => {
    const api = await openReader();
    api.store.annotations = [...api.store.annotations, annotation({ id: "from-laptop", kind: "bookmark", page: 1 })];
    api.store.locked = 2;
    api.emitSync({ state: "online" });
    await vitest.waitFor(() => expect(items().map((i) => i.dataset["annotationId"])).toContain("from-laptop"));
    expect(text("annotation-locked")).toBe(
      "2 ghi chú chưa mở được trên máy này; chúng sẽ hiện ra khi khoá được gửi tới từ thiết bị khác của bạn.",
    );
    expect(api.commands.listAnnotations).toHaveBeenCalledTimes(2);
  });

  it("shows a failed list with a retry", async () => {
    const api = fakeApi(ENROLLED);
    api.commands.listAnnotations.mockResolvedValueOnce(fail("crypto"));
    app = startApp(root, api, { storage: memoryStorage(), now: NOW, pagePlatform: "other", pixelRatio: () => 1 });
    await app.ready;
    await vitest.waitFor(() => expect($("open-document")).not.toBeNull());
    $("open-document")!.click();
    await vitest.waitFor(() => expect($("annotation-error")).not.toBeNull());
    expect(text("annotation-error")).toContain(vi["error.crypto"]);
    $("annotation-error")!.querySelector("button")!.click();
    await vitest.waitFor(() => expect(items()).toHaveLength(3));
  });
});

describe("changes waiting to be sent and refused changes", () => {
  it("counts the waiting changes and lists the refused ones until acknowledged", async () => {
    const rejected: SyncStatus["rejected"] = [
      { op_id: "op-2", kind: "annotation", entity_id: "a-2", code: "forbidden", reason: "you may not read this document" },
      { op_id: "op-1", kind: "annotation", entity_id: "a-1", code: "quota", reason: "too many notes" },
    ];
    const api = fakeApi({ ...ENROLLED, sync: { ...SYNCED, waiting_to_send: 3, rejected } });
    app = startApp(root, api, { storage: memoryStorage(), now: NOW });
    await app.ready;
    expect(text("sync-waiting")).toBe("3 thay đổi chờ gửi");
    expect($("sync-waiting")!.hidden).toBe(false);
    expect(text("sync-rejected")).toContain("Máy chủ không nhận 2 thay đổi của bạn:");
    expect($$("sync-rejected-item").map((i) => i.textContent)).toEqual([
      vi["sync.rejected.forbidden"],
      "Máy chủ không nhận thay đổi này (too many notes).",
    ]);
    $("sync-rejected-dismiss")!.click();
    expect($("sync-rejected")).toBeNull();
    expect(document.activeElement).toBe($("sync-now"));

    // Sent: the count goes; the same refusals stay acknowledged.
    api.commands.syncNow.mockResolvedValueOnce(ok({ ...SYNCED, rejected }));
    $("sync-now")!.click();
    await vitest.waitFor(() => expect($("sync-waiting")!.hidden).toBe(true));
    expect($("sync-rejected")).toBeNull();
  });
});

describe("votes in the meeting", () => {
  const card = () => $("motion-card")!;
  const within = (el: Element, id: string) => el.querySelector<HTMLElement>(`[data-testid="${id}"]`);
  const option = (choice: string) => $$("vote-option").find((b) => b.dataset["choice"] === choice)!;
  const item = (id: string) => $$("agenda-item").find((i) => i.dataset["itemId"] === id)!;

  async function start(status: AppStatus, motions: Motion[]) {
    const api = fakeApi(status);
    api.votes.motions = motions;
    app = startApp(root, api, { storage: memoryStorage(), now: NOW });
    await app.ready;
    await vitest.waitFor(() => expect($$("agenda-item")).toHaveLength(2));
    return api;
  }

  it("shows an open vote under its item; a member votes, and may change the vote", async () => {
    const api = await start(ENROLLED, [OPEN_MOTION]);
    await vitest.waitFor(() => expect($("motion-card")).not.toBeNull());
    expect(api.commands.listMotions).toHaveBeenCalledWith("m-soon");
    expect(within(item("a2"), "motion-card")).toBe(card());
    expect(within(item("a1"), "motion-card")).toBeNull();
    expect([card().dataset["motionId"], card().dataset["status"]]).toEqual(["mo-1", "open"]);
    expect(text("motion-title")).toBe("Thông qua dự án Luật Dữ liệu?");
    expect(text("motion-status")).toBe("Đang biểu quyết — 3 người đã bỏ phiếu · kết thúc lúc 10:00");
    expect($$("vote-option").map((b) => b.textContent)).toEqual(["Tán thành", "Không tán thành", "Không biểu quyết"]);
    expect(card().textContent).toContain(vi["vote.changeHint"]);
    expect($("vote-outcome")).toBeNull();
    expect($("motion-result")).toBeNull();

    option("yes").focus();
    option("yes").click();
    await vitest.waitFor(() => expect($("vote-outcome")?.dataset["state"]).toBe("counted"));
    expect(api.commands.castVote).toHaveBeenCalledWith("mo-1", "yes");
    expect(text("vote-outcome")).toBe("✓ Đã ghi nhận phiếu “Tán thành” của bạn.");
    expect(option("yes").getAttribute("aria-pressed")).toBe("true");
    // Focus stays on the option through the re-render.
    expect(document.activeElement).toBe(option("yes"));
    // The count of votes cast is read again.
    expect(api.commands.listMotions).toHaveBeenCalledTimes(2);

    // The vote that stands is not sent twice; another choice replaces it.
    option("yes").click();
    expect(api.commands.castVote).toHaveBeenCalledTimes(1);
    option("no").click();
    await vitest.waitFor(() => expect(text("vote-outcome")).toBe("✓ Đã ghi nhận phiếu “Không tán thành” của bạn."));
    expect(api.commands.castVote).toHaveBeenLastCalledWith("mo-1", "no");
    expect(option("no").getAttribute("aria-pressed")).toBe("true");
    expect(option("yes").getAttribute("aria-pressed")).toBe("false");
  });

  it("shows a refused vote with its reason, and the vote that still stands", async () => {
    const api = await start(ENROLLED, [OPEN_MOTION]);
    await vitest.waitFor(() => expect($("motion-card")).not.toBeNull());
    option("abstain").click();
    await vitest.waitFor(() => expect($("vote-outcome")?.dataset["state"]).toBe("counted"));
    api.commands.castVote.mockResolvedValueOnce(
      ok({ outcome: "refused", code: "motion_closed", reason: "the vote closed at 10:00:00 26/11/2026, before this ballot reached the server; it was not counted" }),
    );
    option("yes").click();
    await vitest.waitFor(() => expect($("vote-outcome")?.dataset["state"]).toBe("refused"));
    expect($("vote-outcome")!.getAttribute("role")).toBe("alert");
    expect(text("vote-outcome")).toBe(
      `Phiếu “Tán thành” không được tính: ${vi["sync.rejected.motion_closed"]} Phiếu “Không biểu quyết” bạn bỏ trước đó vẫn giữ nguyên.`,
    );
    expect(option("abstain").getAttribute("aria-pressed")).toBe("true");

    api.commands.castVote.mockResolvedValueOnce(fail("quota", "too many ballots"));
    option("no").click();
    await vitest.waitFor(() => expect($("vote-outcome")?.dataset["state"]).toBe("failed"));
    expect(text("vote-outcome")).toContain("Chưa bỏ được phiếu “Không tán thành”: too many ballots");
  });

  it("warns a member who is offline during a vote; a saved vote is settled by the sync that sends it", async () => {
    const offline: SyncStatus = { ...SYNCED, state: "offline", last_error: { code: "server_unreachable", message: "x" } };
    const api = await start({ ...ENROLLED, sync: offline }, [OPEN_MOTION]);
    await vitest.waitFor(() => expect($("offline-vote-warning")).not.toBeNull());
    expect(text("offline-vote-warning")).toBe(
      "Bạn đang ngoại tuyến — phiếu sẽ được gửi khi có mạng; nếu biểu quyết kết thúc trước đó, phiếu sẽ không được tính.",
    );
    expect($("offline-vote-warning")!.getAttribute("role")).toBe("alert");

    api.commands.castVote.mockResolvedValueOnce(ok({ outcome: "waiting" }));
    api.commands.appStatus.mockResolvedValue(ok({ ...ENROLLED, sync: { ...offline, waiting_to_send: 1 } }));
    option("yes").click();
    await vitest.waitFor(() => expect($("vote-outcome")?.dataset["state"]).toBe("waiting"));
    expect(text("vote-outcome")).toBe("Đã lưu trên máy — sẽ gửi khi có mạng. Phiếu của bạn: “Tán thành”.");
    expect(text("sync-waiting")).toBe("1 thay đổi chờ gửi");

    // The network returns after the vote closed: the server refuses the ballot, and says why.
    const refusal = { op_id: "op-9", kind: "ballot", entity_id: "mo-1", code: "motion_closed", reason: "the vote closed" };
    api.commands.appStatus.mockResolvedValue(ok({ ...ENROLLED, sync: { ...SYNCED, rejected: [refusal] } }));
    api.votes.motions = [{ ...CLOSED_MOTION, tally: { ...TALLY, named: [] } }];
    api.emitSync({ state: "online" });
    await vitest.waitFor(() => expect(card().dataset["status"]).toBe("closed"));
    expect($("offline-vote-warning")).toBeNull();
    expect($("vote-outcome")!.dataset["state"]).toBe("refused");
    expect(text("vote-outcome")).toContain(vi["sync.rejected.motion_closed"]);
    expect($$("sync-rejected-item").map((i) => i.textContent)).toEqual([vi["sync.rejected.motion_closed"]]);
  });

  it("reloads the motions on a sync, then shows the result and verifies it", async () => {
    const api = await start(ENROLLED, [OPEN_MOTION]);
    await vitest.waitFor(() => expect($("motion-card")).not.toBeNull());
    api.votes.motions = [CLOSED_MOTION];
    api.emitSync({ state: "online" });
    await vitest.waitFor(() => expect(card().dataset["status"]).toBe("closed"));
    expect(text("motion-status")).toBe("Đã kết thúc lúc 09:58");
    expect($("vote-option")).toBeNull();
    const result = $("motion-result")!;
    expect(result.dataset["adopted"]).toBe("true");
    expect(text("motion-verdict")).toBe("Thông qua");
    expect($$("motion-count").map((c) => [c.dataset["choice"], c.textContent])).toEqual([
      ["yes", "Tán thành6"],
      ["no", "Không tán thành1"],
      ["abstain", "Không biểu quyết1"],
    ]);
    expect([...result.querySelectorAll(".vote-details li")].map((li) => li.textContent)).toEqual([
      "Có mặt: 8/9 thành viên",
      "Cần 5/8 phiếu “Tán thành” (quá nửa số thành viên có mặt)",
      "Đủ túc số (5 thành viên)",
    ]);
    expect(text("motion-own-vote")).toBe("Phiếu của bạn: “Tán thành”");

    $("motion-verify")!.click();
    await vitest.waitFor(() => expect($("motion-verification")).not.toBeNull());
    expect(api.commands.verifyTally).toHaveBeenCalledWith("mo-1");
    expect($("motion-verification")!.dataset["state"]).toBe("verified");
    expect(text("motion-verification")).toContain("✓ Đã kiểm chứng: đếm lại 8 phiếu có chữ ký hợp lệ");
    expect($$("motion-verification-line").map((l) => l.textContent)).toEqual(["Phiếu của bạn được tính đúng như đã bỏ."]);

    api.commands.verifyTally.mockResolvedValueOnce(
      ok({ ...VERIFIED, matches_published: false, own_ballot_included: false, problems: ["ballot 3 (p2 → \"no\"): the voter's signature does not match; it was altered"] }),
    );
    $("motion-verify")!.click();
    await vitest.waitFor(() => expect($("motion-verification")!.dataset["state"]).toBe("problems"));
    expect($("motion-verification")!.getAttribute("role")).toBe("alert");
    expect(text("motion-verification")).toContain(vi["vote.verify.failed"]);
    expect($$("motion-verification-line").map((l) => l.textContent)).toEqual([
      "ballot 3 (p2 → \"no\"): the voter's signature does not match; it was altered",
    ]);

    api.commands.verifyTally.mockResolvedValueOnce(fail("server_unreachable"));
    $("motion-verify")!.click();
    await vitest.waitFor(() => expect($("motion-verification")!.dataset["state"]).toBe("error"));
    expect(text("motion-verification")).toBe(`Chưa kiểm tra được: ${vi["error.server_unreachable"]}`);
  });

  it("checks the member in, in the room or remotely", async () => {
    const api = await start(ENROLLED, []);
    expect(text("check-in-status")).toBe(vi["checkIn.hint"]);
    $("check-in-room")!.click();
    await vitest.waitFor(() => expect(text("check-in-status")).toBe("✓ Đã điểm danh: có mặt tại phòng họp lúc 09:05"));
    expect(api.commands.checkIn).toHaveBeenCalledWith("m-soon", false);
    expect($("check-in-room")!.getAttribute("aria-pressed")).toBe("true");

    api.commands.checkIn.mockResolvedValueOnce(fail("server_unreachable"));
    $("check-in-remote")!.click();
    await vitest.waitFor(() => expect($("check-in-status")!.getAttribute("role")).toBe("alert"));
    expect(text("check-in-status")).toBe(`Chưa điểm danh được: ${vi["error.server_unreachable"]}`);
    expect(api.commands.checkIn).toHaveBeenLastCalledWith("m-soon", true);
    $("check-in-remote")!.click();
    await vitest.waitFor(() => expect(text("check-in-status")).toBe("✓ Đã điểm danh: tham dự trực tuyến lúc 09:05"));
  });

  it("shows a failed list of votes with a retry", async () => {
    const api = fakeApi(ENROLLED);
    api.commands.listMotions.mockResolvedValueOnce(fail("storage", "local database error"));
    app = startApp(root, api, { storage: memoryStorage(), now: NOW });
    await app.ready;
    await vitest.waitFor(() => expect($("motions-error")).not.toBeNull());
    expect(text("motions-error")).toContain("Không tải được các biểu quyết: local database error");
    api.votes.motions = [OPEN_MOTION];
    $("motions-error")!.querySelector("button")!.click();
    await vitest.waitFor(() => expect($("motion-card")).not.toBeNull());
    expect($("motions-error")).toBeNull();
  });

  it("reads in English", async () => {
    const storage = memoryStorage();
    storage.setItem("ecabinet.locale", "en");
    const api = fakeApi(ENROLLED);
    api.votes.motions = [{ ...OPEN_MOTION, votes_cast: 1 }];
    app = startApp(root, api, { storage, now: NOW });
    await app.ready;
    await vitest.waitFor(() => expect($("motion-card")).not.toBeNull());
    expect(text("motion-status")).toBe("Voting open — 1 member has voted · closes at 10:00");
    expect($$("vote-option").map((b) => b.textContent)).toEqual(["Yes", "No", "Abstain"]);
    expect(text("check-in-room")).toBe("In the meeting room");
  });

  describe("for the secretariat", () => {
    it("opens a vote on an item, checking the form first", async () => {
      const api = await start(SECRETARY, []);
      expect($$("motion-open-form")).toHaveLength(2);
      expect($("check-in")).toBeNull();
      const form = within(item("a1"), "motion-open-form")!;
      const field = <T extends HTMLElement>(id: string) => within(form, id) as T;
      const fill = (id: string, value: string) => {
        const input = field<HTMLInputElement>(id);
        input.value = value;
        input.dispatchEvent(new Event("input", { bubbles: true }));
      };

      field("motion-open-submit").click();
      expect(api.commands.openMotion).not.toHaveBeenCalled();
      expect(within(form, "motion-open-error")!.textContent).toBe(vi["vote.form.questionRequired"]);
      expect(field("motion-question").getAttribute("aria-invalid")).toBe("true");
      expect(document.activeElement).toBe(field("motion-question"));

      fill("motion-question", "  Thông qua Báo cáo tình hình kinh tế - xã hội?  ");
      fill("motion-closes-at", "09:30");
      field("motion-open-submit").click();
      expect(within(form, "motion-open-error")!.textContent).toBe(vi["vote.form.closesPast"]);

      // Typing survives a background sync.
      api.emitSync({ state: "online" });
      await vitest.waitFor(() => expect(api.commands.listMotions).toHaveBeenCalledTimes(2));
      expect(within(item("a1"), "motion-question")).toBe(field("motion-question"));
      expect(field<HTMLInputElement>("motion-question").value).toBe("  Thông qua Báo cáo tình hình kinh tế - xã hội?  ");

      fill("motion-closes-at", "10:30");
      fill("motion-quorum", "6");
      field<HTMLSelectElement>("motion-rule").value = "two_thirds";
      field<HTMLSelectElement>("motion-base").value = "all_members";
      field("motion-open-submit").click();
      await vitest.waitFor(() => expect(within(item("a1"), "motion-card")).not.toBeNull());
      expect(api.commands.openMotion).toHaveBeenCalledWith("a1", {
        question: "Thông qua Báo cáo tình hình kinh tế - xã hội?",
        options: null,
        rule: "two_thirds",
        base: "all_members",
        quorum: 6,
        closes_at: "2026-11-24T03:30:00.000Z",
      });
      expect(field<HTMLInputElement>("motion-question").value).toBe("");
      expect(within(form, "motion-open-error")!.hidden).toBe(true);
      // The secretariat sees the count, not the ballot buttons.
      expect(text("motion-status")).toBe("Đang biểu quyết — 0 người đã bỏ phiếu · kết thúc lúc 10:30");
      expect($("vote-option")).toBeNull();

      api.commands.openMotion.mockResolvedValueOnce(fail("forbidden", "only the secretariat opens votes"));
      fill("motion-question", "Lần hai?");
      field("motion-open-submit").click();
      await vitest.waitFor(() => expect(within(form, "motion-open-error")!.textContent).toBe(`Chưa mở được biểu quyết: ${vi["error.forbidden"]}`));
      expect(field<HTMLInputElement>("motion-question").value).toBe("Lần hai?");
    });

    it("closes a vote after a confirmation", async () => {
      const api = await start(SECRETARY, [OPEN_MOTION]);
      await vitest.waitFor(() => expect($("motion-close")).not.toBeNull());
      $("motion-close")!.click();
      expect(card().textContent).toContain(vi["vote.closeConfirm"]);
      expect(document.activeElement).toBe($("motion-close-cancel"));
      $("motion-close-cancel")!.click();
      expect($("motion-close-confirm")).toBeNull();
      expect(document.activeElement).toBe($("motion-close"));
      expect(api.commands.closeMotion).not.toHaveBeenCalled();

      $("motion-close")!.click();
      $("motion-close-confirm")!.click();
      await vitest.waitFor(() => expect(card().dataset["status"]).toBe("closed"));
      expect(api.commands.closeMotion).toHaveBeenCalledWith("mo-1");
      expect(text("motion-verdict")).toBe("Thông qua");
      expect($("motion-close")).toBeNull();
      expect($("motion-own-vote")).toBeNull();
    });
  });
});

describe("positions before the meeting", () => {
  const control = (itemId: string) => $$("position-control").find((c) => c.dataset["itemId"] === itemId)!;
  const within = (el: Element, id: string) => el.querySelector<HTMLElement>(`[data-testid="${id}"]`)!;

  async function start(status: AppStatus, list: ItemPositionsView[] = QUIET_POSITIONS, now = NOW) {
    const api = fakeApi(status);
    api.stances.list = list;
    app = startApp(root, api, { storage: memoryStorage(), now });
    await app.ready;
    await vitest.waitFor(() => expect($$("agenda-item")).toHaveLength(2));
    return api;
  }

  it("lets a member object with a reason, then change to speaking; the latest stands", async () => {
    const api = await start(ENROLLED);
    await vitest.waitFor(() => expect($$("position-control")).toHaveLength(2));
    expect(api.commands.listPositions).toHaveBeenCalledWith("m-soon");
    const c = control("a2");
    expect(within(c, "position-current").textContent).toBe(vi["positions.none"]);
    expect([...c.querySelectorAll("[data-choice]")].map((b) => b.textContent)).toEqual(["Không phản đối", "Phản đối", "Đăng ký phát biểu"]);
    expect(within(c, "position-reason").closest<HTMLElement>(".vote-field")!.hidden).toBe(true);
    expect($("positions-summary")).toBeNull();

    within(c, "position-objection").click();
    expect(within(control("a2"), "position-objection").getAttribute("aria-pressed")).toBe("true");
    expect(document.activeElement).toBe(within(c, "position-reason"));
    within(c, "position-save").click();
    expect(api.commands.setPosition).not.toHaveBeenCalled();
    expect(within(c, "position-error").textContent).toBe(vi["positions.reasonRequired"]);

    const reason = within(c, "position-reason") as HTMLTextAreaElement;
    reason.value = "  Chưa đánh giá tác động đối với doanh nghiệp nhỏ  ";
    reason.dispatchEvent(new Event("input", { bubbles: true }));
    // A background sync leaves the half-written reason alone.
    api.emitSync({ state: "online" });
    await vitest.waitFor(() => expect(api.commands.listPositions).toHaveBeenCalledTimes(2));
    expect(reason.value).toBe("  Chưa đánh giá tác động đối với doanh nghiệp nhỏ  ");
    expect(within(control("a2"), "position-objection").getAttribute("aria-pressed")).toBe("true");

    within(c, "position-save").click();
    await vitest.waitFor(() => expect(within(c, "position-outcome").dataset["state"]).toBe("counted"));
    expect(api.commands.setPosition).toHaveBeenCalledWith("a2", { objection: { reason: "Chưa đánh giá tác động đối với doanh nghiệp nhỏ" } });
    expect(within(c, "position-outcome").textContent).toBe("✓ Đã ghi nhận ý kiến “Phản đối” của bạn.");
    expect(within(c, "position-current").textContent).toBe("Ý kiến hiện tại của bạn: Phản đối");
    expect(within(c, "position-error").hidden).toBe(true);
    expect(within(control("a1"), "position-outcome").hidden).toBe(true);

    within(c, "position-speak").click();
    within(c, "position-save").click();
    await vitest.waitFor(() => expect(within(c, "position-current").textContent).toBe("Ý kiến hiện tại của bạn: Đăng ký phát biểu"));
    expect(api.commands.setPosition).toHaveBeenLastCalledWith("a2", "speak");
    expect(within(c, "position-reason").closest<HTMLElement>(".vote-field")!.hidden).toBe(true);
  });

  it("says when a position waits to be sent, is refused, or cannot be sent", async () => {
    const api = await start(ENROLLED);
    await vitest.waitFor(() => expect($$("position-control")).toHaveLength(2));
    const c = control("a1");
    api.commands.setPosition.mockResolvedValueOnce(ok({ outcome: "waiting" }));
    api.commands.appStatus.mockResolvedValue(ok({ ...ENROLLED, sync: { ...SYNCED, state: "offline", waiting_to_send: 1 } }));
    within(c, "position-no-objection").click();
    within(c, "position-save").click();
    await vitest.waitFor(() => expect(within(c, "position-outcome").dataset["state"]).toBe("waiting"));
    expect(within(c, "position-outcome").textContent).toBe("Đã lưu trên máy — sẽ gửi khi có mạng. Ý kiến của bạn: “Không phản đối”.");
    expect(within(c, "position-current").textContent).toBe("Ý kiến hiện tại của bạn: Không phản đối");

    // The network returns after the meeting started: the server refuses it, and says why.
    const refusal = { op_id: "op-7", kind: "position", entity_id: "a1", code: "meeting_started", reason: "positions can be changed only until the meeting starts" };
    api.commands.appStatus.mockResolvedValue(ok({ ...ENROLLED, sync: { ...SYNCED, rejected: [refusal] } }));
    api.emitSync({ state: "online" });
    await vitest.waitFor(() => expect(within(c, "position-outcome").dataset["state"]).toBe("refused"));
    expect(within(c, "position-outcome").textContent).toBe(`Ý kiến “Không phản đối” không được ghi nhận: ${vi["sync.rejected.meeting_started"]}`);
    expect(within(c, "position-outcome").getAttribute("role")).toBe("alert");

    api.commands.setPosition.mockResolvedValueOnce(fail("storage", "disk full"));
    within(c, "position-speak").click();
    within(c, "position-save").click();
    await vitest.waitFor(() => expect(within(c, "position-outcome").dataset["state"]).toBe("failed"));
    expect(within(c, "position-outcome").textContent).toBe("Chưa gửi được ý kiến “Đăng ký phát biểu”: disk full");
    // The choice not sent stays chosen, to try again.
    expect(within(c, "position-speak").getAttribute("aria-pressed")).toBe("true");
  });

  it("closes positions once the meeting has started", async () => {
    const started = () => new Date("2026-11-26T03:00:00Z");
    const mine: ItemPositionsView[] = QUIET_POSITIONS.map((v) => (v.item.id === "a2" ? { ...v, mine: { objection: { reason: "Thiếu số liệu" } } } : v));
    await start(ENROLLED, mine, started);
    await vitest.waitFor(() => expect($$("position-control")).toHaveLength(2));
    const c = control("a2");
    expect(within(c, "position-current").textContent).toBe("Ý kiến hiện tại của bạn: Phản đối");
    expect((within(c, "position-reason") as HTMLTextAreaElement).value).toBe("Thiếu số liệu");
    expect(c.textContent).toContain(vi["positions.started"]);
    for (const id of ["position-no-objection", "position-objection", "position-speak", "position-save", "position-reason"]) {
      expect((within(c, id) as HTMLButtonElement).disabled).toBe(true);
    }
  });

  it("reads in English", async () => {
    const storage = memoryStorage();
    storage.setItem("ecabinet.locale", "en");
    app = startApp(root, fakeApi(ENROLLED), { storage, now: NOW });
    await app.ready;
    await vitest.waitFor(() => expect($$("position-control")).toHaveLength(2));
    expect([...control("a1").querySelectorAll("[data-choice]")].map((b) => b.textContent)).toEqual(["No objection", "Objection", "I wish to speak"]);
    expect(within(control("a1"), "position-save").textContent).toBe("Send position");
  });

  describe("for the secretariat", () => {
    const SUMMARISED: ItemPositionsView[] = [
      {
        ...QUIET_POSITIONS[0]!,
        summary: { no_objection: ["p1"], objections: [["p2", "Thiếu đánh giá tác động"]], speakers: ["p3"], silent: ["p4"], proposed_without_discussion: false },
      },
      { ...QUIET_POSITIONS[1]!, summary: { no_objection: ["p1", "p2", "p3"], objections: [], speakers: [], silent: ["p4"], proposed_without_discussion: true } },
    ];
    const summaryOf = (itemId: string) => $$("positions-summary").find((s) => s.dataset["itemId"] === itemId)!;

    it("summarises everyone's positions per item and adopts the quiet ones after a confirmation", async () => {
      const api = await start(SECRETARY, SUMMARISED);
      await vitest.waitFor(() => expect($$("positions-summary")).toHaveLength(2));
      expect($("position-control")).toBeNull();
      expect(summaryOf("a2").querySelector(".positions-counts")!.textContent).toBe(
        "Không phản đối: 1 · Phản đối: 1 · Đăng ký phát biểu: 1 · Chưa cho ý kiến: 1",
      );
      expect([...summaryOf("a2").querySelectorAll('[data-testid="positions-objection"]')].map((l) => l.textContent)).toEqual(["p2: Thiếu đánh giá tác động"]);
      expect(within(summaryOf("a2"), "positions-speakers").textContent).toBe("Đăng ký phát biểu: p3");
      expect($$("position-standing").map((b) => [b.closest<HTMLElement>("[data-item-id]")!.dataset["itemId"], b.textContent])).toEqual([
        ["a1", "Đề xuất thông qua không cần thảo luận"],
      ]);

      $("adopt-quiet-items")!.click();
      expect(document.activeElement).toBe($("adopt-cancel"));
      expect($("agenda")!.textContent).toContain("Thông qua không cần thảo luận 1 mục không có ai phản đối hay đăng ký phát biểu?");
      $("adopt-cancel")!.click();
      expect($("adopt-confirm")).toBeNull();
      expect(document.activeElement).toBe($("adopt-quiet-items"));
      expect(api.commands.adoptWithoutDiscussion).not.toHaveBeenCalled();

      $("adopt-quiet-items")!.click();
      $("adopt-confirm")!.click();
      await vitest.waitFor(() => expect($("adopt-result")?.dataset["state"]).toBe("done"));
      expect(api.commands.adoptWithoutDiscussion).toHaveBeenCalledWith("m-soon");
      expect(text("adopt-result")).toBe("✓ Đã thông qua 1 mục không cần thảo luận.");
      await vitest.waitFor(() => expect($$("position-standing").map((b) => b.dataset["standing"])).toEqual(["adopted"]));
      expect(text("position-standing")).toBe("Đã thông qua không thảo luận");
      // Nothing quiet is left to adopt.
      expect($("adopt-quiet-items")!.getAttribute("aria-disabled")).toBe("true");
    });

    it("shows new positions after a sync, and a failed load with a retry", async () => {
      const api = fakeApi(SECRETARY);
      api.commands.listPositions.mockResolvedValueOnce(fail("storage", "local database error"));
      app = startApp(root, api, { storage: memoryStorage(), now: NOW });
      await app.ready;
      await vitest.waitFor(() => expect($("positions-error")).not.toBeNull());
      expect(text("positions-error")).toContain("Không tải được ý kiến trước phiên họp: local database error");
      $("positions-error")!.querySelector("button")!.click();
      await vitest.waitFor(() => expect($$("positions-summary")).toHaveLength(2));

      api.stances.list = SUMMARISED;
      api.emitSync({ state: "online" });
      await vitest.waitFor(() => expect($$("positions-objection")).toHaveLength(1));
    });
  });
});

describe("written opinions", () => {
  const card = () => $("opinion-request")!;
  const choice = (answer: string) => $$("opinion-choice").find((c) => c.dataset["choice"] === answer) as HTMLInputElement;

  async function start(status: AppStatus, requests: OpinionRequestView[] = [REQUEST], storage = memoryStorage()) {
    const api = fakeApi(status);
    api.opinions.requests = requests;
    app = startApp(root, api, { storage, now: NOW });
    await app.ready;
    return api;
  }

  it("counts the requests awaiting an answer on the tab, and lists them with their deadline", async () => {
    const overdue: OpinionRequestView = {
      ...REQUEST,
      request: { ...REQUEST.request, id: "r-0", question: "Ý kiến về Nghị định cũ", deadline: "2026-11-23T10:00:00Z" },
      reminded: 0,
      responses: [],
    };
    const api = await start(ENROLLED, [overdue, REQUEST]);
    expect(api.commands.listOpinionRequests).toHaveBeenCalledTimes(1);
    expect($("opinions-tab")!.getAttribute("aria-selected")).toBe("false");
    expect($("opinions-tab")!.textContent).toBe("Lấy ý kiến11 yêu cầu đang chờ bạn trả lời");
    expect($("opinions-pane")!.hidden).toBe(true);

    $("opinions-tab")!.click();
    expect($("opinions-tab")!.getAttribute("aria-selected")).toBe("true");
    expect($("opinions-pane")!.hidden).toBe(false);
    expect($("main-screen")!.querySelector<HTMLElement>(".workspace")!.hidden).toBe(true);
    // Open ones first.
    expect($$("opinion-request").map((r) => r.dataset["requestId"])).toEqual(["r-1", "r-0"]);
    expect(card().querySelector(".vote-title")!.textContent).toBe("Cho ý kiến về dự thảo Luật Dữ liệu");
    expect($$("opinion-deadline").map((d) => d.textContent)).toEqual(["Hạn trả lời: Thứ Tư, 25/11/2026 · 17:00", "Hạn trả lời: Thứ Hai, 23/11/2026 · 17:00"]);
    expect($$("opinion-time-left").map((d) => d.textContent)).toEqual(["Còn 1 ngày", "Quá hạn"]);
    expect($$("opinion-state").map((s) => s.dataset["state"])).toEqual(["not_answered", "not_answered"]);
    expect($$("opinion-reminded").map((b) => b.textContent)).toEqual(["Đã nhắc 1 lần"]);
    expect($$("opinion-request")[1]!.textContent).toContain(vi["opinions.overdueHint"]);
    expect($$("opinion-choice").slice(0, 3).map((c) => c.parentElement!.textContent)).toEqual(["Đồng ý", "Không đồng ý", "Đồng ý, có ý kiến khác"]);

    // The arrow keys move between the tabs.
    $("opinions-tab")!.focus();
    $("opinions-tab")!.dispatchEvent(new KeyboardEvent("keydown", { key: "ArrowLeft", bubbles: true }));
    expect($("meetings-tab")!.getAttribute("aria-selected")).toBe("true");
    expect(document.activeElement).toBe($("meetings-tab"));
  });

  it("answers for oneself or, under a mandate, for another member; the previous answers are listed", async () => {
    const api = await start(ENROLLED);
    $("opinions-tab")!.click();
    const select = $<HTMLSelectElement>("opinion-on-behalf")!;
    expect([...select.options].map((o) => [o.value, o.textContent])).toEqual([
      ["p1", "Chính tôi (Nguyễn Thị Lan)"],
      ["p2", "Trả lời thay cho p2"],
    ]);

    $("opinion-submit")!.click();
    expect(text("opinion-error")).toBe(vi["opinions.chooseFirst"]);
    choice("agree_with_comments").click();
    $("opinion-submit")!.click();
    expect(text("opinion-error")).toBe(vi["opinions.commentRequired"]);
    expect(document.activeElement).toBe($("opinion-comment"));
    expect(api.commands.answerOpinion).not.toHaveBeenCalled();

    select.value = "p2";
    select.dispatchEvent(new Event("change"));
    type("opinion-comment", " Đề nghị làm rõ khoản 2 Điều 5 ");
    $("opinion-submit")!.click();
    await vitest.waitFor(() => expect($("opinion-outcome")?.dataset["state"]).toBe("counted"));
    expect(api.commands.answerOpinion).toHaveBeenCalledWith("r-1", "agree_with_comments", "Đề nghị làm rõ khoản 2 Điều 5", "p2", []);
    expect(text("opinion-outcome")).toBe("✓ Đã ghi nhận ý kiến “Đồng ý, có ý kiến khác”.");
    await vitest.waitFor(() => expect($$("opinion-response")).toHaveLength(1));
    expect(text("opinion-response")).toBe("Đồng ý, có ý kiến khác (thay cho p2) · nhận lúc Thứ Ba, 24/11/2026 · 10:00Đề nghị làm rõ khoản 2 Điều 5");
    // p1 has not answered for themself yet.
    expect($("opinion-state")!.dataset["state"]).toBe("not_answered");

    // No answer for p1 yet: what is filled in stays.
    select.value = "p1";
    select.dispatchEvent(new Event("change"));
    expect($<HTMLTextAreaElement>("opinion-comment")!.value).toBe(" Đề nghị làm rõ khoản 2 Điều 5 ");
    choice("agree").click();
    type("opinion-comment", "");
    $("opinion-submit")!.click();
    await vitest.waitFor(() => expect($("opinion-state")!.dataset["state"]).toBe("answered"));
    expect(api.commands.answerOpinion).toHaveBeenLastCalledWith("r-1", "agree", "", null, []);
    expect(text("opinion-state")).toBe("Đã trả lời");
    expect($("opinions-tab")!.textContent).toBe("Lấy ý kiến");
    // Back to p2: the form shows the answer given for them.
    select.value = "p2";
    select.dispatchEvent(new Event("change"));
    expect(choice("agree_with_comments").checked).toBe(true);
    expect($<HTMLTextAreaElement>("opinion-comment")!.value).toBe("Đề nghị làm rõ khoản 2 Điều 5");
  });

  it("starts an unanswered form from the member's draft, saves edits as a draft and links the member's own annotations", async () => {
    vitest.useFakeTimers({ shouldAdvanceTime: true });
    try {
      const api = fakeApi(ENROLLED);
      api.opinions.requests = [{ ...REQUEST, answering_for: ["p1"] }];
      api.opinions.drafts["r-1"] = { choice: "agree_with_comments", comment: "Nháp: sửa Điều 5", saved_at: "2026-11-24T02:00:00Z" };
      app = startApp(root, api, { storage: memoryStorage(), now: NOW });
      await app.ready;
      $("opinions-tab")!.click();
      await vitest.waitFor(() => expect($<HTMLTextAreaElement>("opinion-comment")!.value).toBe("Nháp: sửa Điều 5"));
      expect(choice("agree_with_comments").checked).toBe(true);
      expect($("opinion-draft-saved")!.hidden).toBe(false);
      expect(text("opinion-draft-saved")).toBe(vi["opinions.draftSaved"]);
      expect(api.commands.opinionDraft).toHaveBeenCalledWith("r-1");

      // Only the member's own annotations on the request's documents are offered.
      await vitest.waitFor(() => expect($$("opinion-annotation")).toHaveLength(2));
      expect(api.commands.listAnnotations).toHaveBeenCalledWith("d1");
      expect($$("opinion-annotation").map((c) => c.dataset["annotationId"])).toEqual(["n-mine", "u-old"]);
      expect($$("opinion-annotation").map((c) => c.parentElement!.textContent)).toEqual([" Trang 3: Cần làm rõ phạm vi điều chỉnh", " Trang 5: Điều này đã bị bỏ?"]);

      // Typing saves a draft after a pause, never an answer.
      type("opinion-comment", "Nháp mới");
      expect($("opinion-draft-saved")!.hidden).toBe(true);
      expect(api.commands.saveOpinionDraft).not.toHaveBeenCalled();
      await vitest.advanceTimersByTimeAsync(1100);
      expect(api.commands.saveOpinionDraft).toHaveBeenCalledTimes(1);
      expect(api.commands.saveOpinionDraft).toHaveBeenCalledWith("r-1", "agree_with_comments", "Nháp mới");
      await vitest.waitFor(() => expect($("opinion-draft-saved")!.hidden).toBe(false));
      expect(api.commands.answerOpinion).not.toHaveBeenCalled();
      // Leaving the field saves at once (nothing new here: no second save).
      $("opinion-comment")!.dispatchEvent(new Event("blur"));
      expect(api.commands.saveOpinionDraft).toHaveBeenCalledTimes(1);

      $<HTMLInputElement>("opinion-annotation")!.click();
      $("opinion-submit")!.click();
      await vitest.waitFor(() => expect($("opinion-outcome")?.dataset["state"]).toBe("counted"));
      expect(api.commands.answerOpinion).toHaveBeenCalledWith("r-1", "agree_with_comments", "Nháp mới", null, ["n-mine"]);
    } finally {
      vitest.useRealTimers();
    }
  });

  it("marks a late response as not counted", async () => {
    const late = {
      response: { request_id: "r-1", respondent: "p1", signer: "p1", device_id: "dev-1", choice: "disagree", comment: "", annotations: [], submitted_at: "2026-11-25T10:30:00Z", nonce: "", signature: "" },
      seq: 9,
      received_at: "2026-11-25T10:31:00Z",
      late: true,
    };
    await start(ENROLLED, [{ ...REQUEST, answering_for: ["p1"], responses: [late] }]);
    $("opinions-tab")!.click();
    expect($("opinion-on-behalf")).toBeNull();
    expect($("opinion-response")!.dataset["late"]).toBe("true");
    expect(text("opinion-late")).toBe("Nộp trễ, không được tính");
    expect($("opinion-state")!.dataset["state"]).toBe("not_answered");
    // The form starts from the latest answer.
    expect(choice("disagree").checked).toBe(true);
  });

  it("warns a member who is offline while a request waits for their answer", async () => {
    const offline: SyncStatus = { ...SYNCED, state: "offline", last_error: { code: "server_unreachable", message: "x" } };
    const api = await start({ ...ENROLLED, sync: offline }, [{ ...REQUEST, answering_for: ["p1"] }]);
    expect(text("offline-opinion-warning")).toContain(vi["opinions.offlineWarning"]);
    expect($("offline-opinion-warning")!.getAttribute("role")).toBe("alert");
    $("offline-opinion-warning")!.querySelector("button")!.click();
    expect($("opinions-tab")!.getAttribute("aria-selected")).toBe("true");

    api.commands.answerOpinion.mockResolvedValueOnce(ok({ outcome: "waiting" }));
    choice("agree").click();
    $("opinion-submit")!.click();
    await vitest.waitFor(() => expect($("opinion-outcome")?.dataset["state"]).toBe("waiting"));
    expect(text("opinion-outcome")).toBe("Đã ký và lưu trên máy — sẽ gửi khi có mạng. Ý kiến: “Đồng ý”.");
    // Not received yet: the warning stays until the response reaches the server.
    expect($("offline-opinion-warning")).not.toBeNull();

    api.commands.appStatus.mockResolvedValue(ok({ ...ENROLLED, sync: SYNCED }));
    api.emitSync({ state: "online" });
    await vitest.waitFor(() => expect($("offline-opinion-warning")).toBeNull());
    expect($("opinion-outcome")!.dataset["state"]).toBe("counted");
    expect(api.commands.listOpinionRequests.mock.calls.length).toBeGreaterThanOrEqual(3);
  });

  it("shows the secretariat who answered what, who signed for whom, the late ones and who has not answered", async () => {
    const received = (respondent: string, signer: string, choice: string, comment: string, seq: number, late = false) => ({
      response: { request_id: "r-1", respondent, signer, device_id: "dev-9", choice, comment, annotations: [], submitted_at: "2026-11-24T02:00:00Z", nonce: "", signature: "" },
      seq,
      received_at: "2026-11-24T02:00:00Z",
      late,
    });
    const status: OpinionStatus = {
      request: REQUEST.request,
      counted: [received("p3", "p3", "disagree", "Chưa phù hợp", 3), received("p2", "p5", "agree", "", 2)],
      late: [received("p4", "p4", "agree", "", 4, true)],
      superseded: [],
      not_answered: ["p1"],
      per_answer: [["agree", 1], ["disagree", 1], ["agree_with_comments", 0]],
    };
    const api = fakeApi(SECRETARY);
    api.opinions.requests = [{ ...REQUEST, answering_for: [], reminded: 0 }];
    app = startApp(root, api, { storage: memoryStorage(), now: NOW });
    await app.ready;
    // The dashboard is read from the server, only once it is shown.
    expect(api.commands.opinionStatus).not.toHaveBeenCalled();
    $("opinions-tab")!.click();
    await vitest.waitFor(() => expect($("opinion-dashboard")?.dataset["state"]).toBe("error"));
    expect(text("opinion-dashboard")).toContain(`Không tải được tình hình trả lời: ${vi["error.server_unreachable"]}`);
    expect($("opinion-form")).toBeNull();
    expect($("opinion-state")).toBeNull();

    api.opinions.status["r-1"] = status;
    $("opinion-dashboard")!.querySelector("button")!.click();
    await vitest.waitFor(() => expect($("opinion-dashboard")?.dataset["state"]).toBe("ready"));
    expect(api.commands.opinionStatus).toHaveBeenCalledWith("r-1");
    expect(text("opinion-progress")).toBe("Đã trả lời: 2/3 · Còn 1 ngày");
    expect($$("opinion-count").map((c) => [c.dataset["answer"], c.textContent])).toEqual([
      ["agree", "Đồng ý1"],
      ["disagree", "Không đồng ý1"],
      ["agree_with_comments", "Đồng ý, có ý kiến khác0"],
    ]);
    expect($$("opinion-row").map((r) => [r.dataset["respondent"], r.dataset["late"]])).toEqual([
      ["p2", "false"],
      ["p3", "false"],
      ["p4", "true"],
    ]);
    expect($$("opinion-row")[0]!.querySelector('[data-testid="opinion-signed-by"]')!.textContent).toBe(" · ký thay: p5");
    expect($$("opinion-row")[1]!.textContent).toContain("p3: Không đồng ý");
    expect($$("opinion-row")[1]!.textContent).toContain("Chưa phù hợp");
    expect($$("opinion-row")[2]!.textContent).toContain("Nộp trễ, không được tính");
    expect(text("opinion-not-answered")).toBe("Chưa trả lời (1): p1");

    // A sync reads the dashboard again, quietly.
    api.opinions.status["r-1"] = { ...status, counted: [...status.counted, received("p1", "p1", "agree", "", 5)], not_answered: [] };
    api.emitSync({ state: "online" });
    await vitest.waitFor(() => expect(text("opinion-not-answered")).toBe(vi["opinions.allAnswered"]));
  });

  it("reads in English", async () => {
    const storage = memoryStorage();
    storage.setItem("ecabinet.locale", "en");
    await start(ENROLLED, [REQUEST], storage);
    $("opinions-tab")!.click();
    expect(text("opinion-time-left")).toBe("1 day left");
    expect(text("opinion-reminded")).toBe("Reminded 1 time");
    expect($$("opinion-choice").map((c) => c.parentElement!.textContent)).toEqual(["Agree", "Disagree", "Agree, with comments"]);
    expect([...$<HTMLSelectElement>("opinion-on-behalf")!.options].map((o) => o.textContent)).toEqual(["Myself (Nguyễn Thị Lan)", "On behalf of p2"]);
  });
});

describe("the secretariat's meeting builder", () => {
  const PEOPLE: Person[] = [
    { id: "p0", organisation_id: "o1", name: "Lê Văn Thư", role: "secretary" },
    { id: "p1", organisation_id: "o1", name: "Nguyễn Thị Lan", role: "member" },
    { id: "p2", organisation_id: "o1", name: "Trần Văn Nam", role: "member" },
    { id: "p3", organisation_id: "o1", name: "Đỗ Minh Phó", role: "member" },
  ];
  const within = (el: Element, id: string) => el.querySelector<HTMLElement>(`[data-testid="${id}"]`);
  const box = (id: string, person: string) => document.querySelector<HTMLInputElement>(`[data-testid="${id}"][data-person-id="${person}"]`)!;
  function check(el: HTMLInputElement) {
    el.checked = true;
    el.dispatchEvent(new Event("change", { bubbles: true }));
  }
  function choose(el: HTMLSelectElement, value: string) {
    el.value = value;
    el.dispatchEvent(new Event("change", { bubbles: true }));
  }
  const submit = (id: string) => $(id)!.closest("form")!.dispatchEvent(new Event("submit", { bubbles: true, cancelable: true }));

  async function openBuilder(status: AppStatus = SECRETARY, setup: (api: ReturnType<typeof fakeApi>) => void = () => undefined) {
    const api = fakeApi(status);
    api.built.people = PEOPLE;
    api.built.keys = [
      { document_id: "d1", version: 2, device_id: "dev-a", person_id: "p1", agreement_public_key: "" },
      { document_id: "d1", version: 2, device_id: "dev-b", person_id: "p2", agreement_public_key: "" },
      { document_id: "d1", version: 2, device_id: "dev-c", person_id: "p2", agreement_public_key: "" },
    ];
    setup(api);
    app = startApp(root, api, { storage: memoryStorage(), now: NOW });
    await app.ready;
    await vitest.waitFor(() => expect($$("agenda-item")).toHaveLength(2));
    return api;
  }

  it("is only for the secretariat", async () => {
    const api = await openBuilder(ENROLLED);
    expect($("builder-tab")!.hidden).toBe(true);
    expect($("builder-pane")!.hidden).toBe(true);
    expect(api.commands.pendingKeys).not.toHaveBeenCalled();
  });

  it("lists the devices waiting for keys by document, with names, and reads them again after a sync", async () => {
    const api = await openBuilder();
    expect($("builder-tab")!.hidden).toBe(false);
    expect(text("builder-tab")).toBe(vi["tabs.builder"]);
    // The arrow keys go round the four tabs (the statistics come after the builder).
    $("opinions-tab")!.focus();
    $("opinions-tab")!.dispatchEvent(new KeyboardEvent("keydown", { key: "ArrowRight", bubbles: true, cancelable: true }));
    expect(document.activeElement).toBe($("builder-tab"));
    expect($("builder-tab")!.getAttribute("aria-selected")).toBe("true");
    $("builder-tab")!.dispatchEvent(new KeyboardEvent("keydown", { key: "ArrowRight", bubbles: true, cancelable: true }));
    expect(document.activeElement).toBe($("statistics-tab"));
    $("statistics-tab")!.dispatchEvent(new KeyboardEvent("keydown", { key: "ArrowRight", bubbles: true, cancelable: true }));
    expect(document.activeElement).toBe($("meetings-tab"));
    $("meetings-tab")!.dispatchEvent(new KeyboardEvent("keydown", { key: "ArrowLeft", bubbles: true, cancelable: true }));
    expect(document.activeElement).toBe($("statistics-tab"));
    $("statistics-tab")!.dispatchEvent(new KeyboardEvent("keydown", { key: "ArrowLeft", bubbles: true, cancelable: true }));
    expect(document.activeElement).toBe($("builder-tab"));
    expect($("builder-pane")!.hidden).toBe(false);
    $("builder-tab")!.click();
    expect($("builder-pane")!.hidden).toBe(false);
    expect($("workspace")).toBeNull();
    await vitest.waitFor(() => expect($("pending-key-group")).not.toBeNull());
    // The title comes from the agenda read on this device.
    expect(text("pending-key-title")).toBe("Dự thảo Luật Dữ liệu");
    expect($$("pending-key-person").map((li) => li.textContent)).toEqual(["Nguyễn Thị Lan · 1 thiết bị", "Trần Văn Nam · 2 thiết bị"]);
    // Read each time the builder is shown (twice, going round the tabs).
    expect(api.commands.pendingKeys).toHaveBeenCalledTimes(2);

    api.built.keys = [];
    api.emitSync(SYNCED);
    await vitest.waitFor(() => expect($("pending-keys-empty")).not.toBeNull());
    expect(text("pending-keys-empty")).toBe(vi["keys.empty"]);
    expect(api.commands.pendingKeys).toHaveBeenCalledTimes(3);

    // Offline, the list cannot be read: said, with a retry.
    api.commands.pendingKeys.mockResolvedValueOnce(fail("server_unreachable"));
    $("pending-keys-refresh")!.click();
    await vitest.waitFor(() => expect($("pending-keys-error")).not.toBeNull());
    expect(text("pending-keys-error")).toContain(vi["error.server_unreachable"]);
  });

  it("creates a draft meeting offline: checked first, then saved here until the next sync", async () => {
    const api = await openBuilder();
    api.built.offline = true;
    $("builder-tab")!.click();
    await vitest.waitFor(() => expect($("builder-meeting-form")).not.toBeNull());
    expect($("builder-meeting-form")!.dataset["meetingId"]).toBe("new");
    expect($<HTMLInputElement>("builder-meeting-draft")!.checked).toBe(true);

    submit("builder-meeting-submit");
    expect(text("builder-meeting-error")).toBe(vi["builder.meeting.titleRequired"]);
    expect(document.activeElement).toBe($("builder-meeting-title"));
    type("builder-meeting-title", "Phiên họp thường kỳ tháng 12");
    type("builder-meeting-starts-at", "2026-12-03T08:30");
    choose($<HTMLSelectElement>("builder-meeting-kind")!, "thematic");
    type("builder-meeting-place", "Phòng họp số 1");
    // Members only are offered as participants, by name.
    expect($$("builder-participant").map((b) => b.dataset["personId"])).toEqual(["p3", "p1", "p2"]);
    check(box("builder-participant", "p1"));
    check(box("builder-participant", "p2"));
    $("builder-substitute-add")!.click();
    choose($<HTMLSelectElement>("builder-substitute-member")!, "p2");
    choose($<HTMLSelectElement>("builder-substitute-person")!, "p2");
    submit("builder-meeting-submit");
    expect(text("builder-meeting-error")).toBe(vi["builder.substitute.self"]);
    expect(api.commands.createMeeting).not.toHaveBeenCalled();
    choose($<HTMLSelectElement>("builder-substitute-person")!, "p3");
    submit("builder-meeting-submit");

    await vitest.waitFor(() => expect($("builder-meeting-form")!.dataset["meetingId"]).toBe("m-new-1"));
    expect(api.commands.createMeeting).toHaveBeenCalledWith({
      title: "Phiên họp thường kỳ tháng 12",
      starts_at: "2026-12-03T01:30:00.000Z",
      details: { kind: "thematic", place: "Phòng họp số 1", participants: ["p1", "p2"], substitutes: [{ member: "p2", substitute: "p3" }] },
      draft: true,
    });
    await vitest.waitFor(() => expect(text("builder-meeting-outcome")).toBe(vi["builder.savedWaiting"]));
    expect(text("sync-waiting")).toBe("1 thay đổi chờ gửi");
    const listed = $$("builder-meeting").find((b) => b.dataset["meetingId"] === "m-new-1")!;
    expect(listed.getAttribute("aria-current")).toBe("true");
    expect(within(listed, "builder-meeting-status")!.textContent).toBe(vi["meeting.status.draft"]);
    expect($<HTMLInputElement>("builder-meeting-starts-at")!.value).toBe("2026-12-03T08:30");
    await vitest.waitFor(() => expect($("builder-agenda-empty")).not.toBeNull());

    // Online again, a save is simply saved.
    api.built.offline = false;
    api.setStatus({ ...SECRETARY, sync: SYNCED });
    type("builder-meeting-title", "Phiên họp thường kỳ tháng 12 năm 2026");
    submit("builder-meeting-submit");
    await vitest.waitFor(() => expect($("builder-meeting-outcome")!.dataset["state"]).toBe("saved"));
    expect(text("builder-meeting-outcome")).toBe(vi["builder.saved"]);
    expect(api.commands.updateMeeting).toHaveBeenLastCalledWith("m-new-1", expect.objectContaining({ title: "Phiên họp thường kỳ tháng 12 năm 2026", status: null }));

    // Publishing changes the status only.
    $("builder-meeting-publish")!.click();
    await vitest.waitFor(() => expect($("builder-meeting-publish")).toBeNull());
    expect(api.commands.updateMeeting).toHaveBeenLastCalledWith("m-new-1", { title: null, starts_at: null, status: "published", details: null });
    expect(text("builder-status-outcome")).toBe(vi["builder.published"]);

    // Cancelling asks first; "keep it" changes nothing.
    $("builder-meeting-cancel")!.click();
    expect(document.activeElement).toBe($("builder-meeting-cancel-keep"));
    $("builder-meeting-cancel-keep")!.click();
    expect(api.commands.updateMeeting).toHaveBeenCalledTimes(2);
    expect(document.activeElement).toBe($("builder-meeting-cancel"));
    $("builder-meeting-cancel")!.click();
    $("builder-meeting-cancel-confirm")!.click();
    await vitest.waitFor(() => expect($("builder-meeting-cancel")).toBeNull());
    expect(api.commands.updateMeeting).toHaveBeenLastCalledWith("m-new-1", { title: null, starts_at: null, status: "cancelled", details: null });
    expect(text("builder-status-outcome")).toBe(vi["builder.cancelled"]);
    expect($$("builder-meeting").find((b) => b.dataset["meetingId"] === "m-new-1")!.classList.contains("meeting-cancelled")).toBe(true);
  });

  it("adds, reorders, edits and restricts the items of an existing meeting", async () => {
    const api = await openBuilder();
    $("builder-tab")!.click();
    await vitest.waitFor(() => expect($("builder-meeting")).not.toBeNull());
    $$("builder-meeting").find((b) => b.dataset["meetingId"] === "m-soon")!.click();
    await vitest.waitFor(() => expect($$("builder-item")).toHaveLength(2));
    expect($<HTMLInputElement>("builder-meeting-title")!.value).toBe("Phiên họp chuyên đề xây dựng pháp luật");
    expect($$("builder-item-title").map((e) => e.textContent)).toEqual(["Báo cáo tình hình kinh tế - xã hội", "Dự án Luật Dữ liệu"]);

    type("builder-new-item-title", "Đề án nhân sự");
    type("builder-new-item-ministry", "Bộ Nội vụ");
    check($<HTMLInputElement>("builder-new-item-restrict")!);
    submit("builder-new-item-submit");
    expect(text("builder-new-item-error")).toBe(vi["builder.access.required"]);
    check(box("builder-new-item-person", "p1"));
    submit("builder-new-item-submit");
    await vitest.waitFor(() => expect($$("builder-item")).toHaveLength(3));
    expect(api.commands.addAgendaItem).toHaveBeenCalledWith("m-soon", "Đề án nhân sự", ["p1"], {
      presenting_ministry: "Bộ Nội vụ",
      summary: null,
      recommended_action: null,
      status: "scheduled",
    });
    expect($<HTMLInputElement>("builder-new-item-title")!.value).toBe("");

    // Up to the top; the top item cannot move up.
    const last = () => $$("builder-item")[2]!;
    expect(within($$("builder-item")[0]!, "builder-move-up")!.getAttribute("aria-disabled")).toBe("true");
    expect(within(last(), "builder-move-down")!.getAttribute("aria-disabled")).toBe("true");
    within(last(), "builder-move-up")!.click();
    await vitest.waitFor(() => expect($$("builder-item-title")[1]!.textContent).toBe("Đề án nhân sự"));
    expect(api.commands.moveAgendaItem).toHaveBeenCalledWith("i-new-1", 2);

    // Its status, in the edit form.
    const card = $$("builder-item").find((c) => c.dataset["itemId"] === "a2")!;
    expect(within(card, "builder-edit-title")!.closest("details")!.open).toBe(false);
    choose(within(card, "builder-edit-status") as HTMLSelectElement, "deferred");
    within(card, "builder-item-save")!.click();
    await vitest.waitFor(() => expect(within(card, "builder-item-status")?.textContent).toBe(vi["item.status.deferred"]));
    expect(api.commands.updateAgendaItem).toHaveBeenCalledWith("a2", {
      title: "Dự án Luật Dữ liệu",
      details: { presenting_ministry: null, summary: null, recommended_action: null, status: "deferred" },
    });

    // Access: opened to all.
    const restricted = $$("builder-item").find((c) => c.dataset["itemId"] === "i-new-1")!;
    expect((within(restricted, "builder-access-only") as HTMLInputElement).checked).toBe(true);
    check(within(restricted, "builder-access-all") as HTMLInputElement);
    within(restricted, "builder-access-save")!.click();
    await vitest.waitFor(() => expect(api.commands.setItemAccess).toHaveBeenCalledWith("i-new-1", null));
    await vitest.waitFor(() => expect(within(restricted, "builder-item-restricted")).toBeNull());

    // Members see the item's status on the agenda.
    $("meetings-tab")!.click();
    await vitest.waitFor(() => expect(text("agenda-item-status")).toBe(vi["item.status.deferred"]));
  });

  it("attaches a PDF from its path with progress, says why one failed, and attaches PDFs dropped on an item", async () => {
    let drop: ((d: FileDrop) => void) | null = null;
    const api = await openBuilder(SECRETARY, (a) => {
      (a as Api).fileDrops = {
        listen: async (handler) => {
          drop = handler;
          return () => {
            drop = null;
          };
        },
      };
    });
    $("builder-tab")!.click();
    await vitest.waitFor(() => expect($("builder-meeting")).not.toBeNull());
    $$("builder-meeting").find((b) => b.dataset["meetingId"] === "m-soon")!.click();
    await vitest.waitFor(() => expect($$("builder-item")).toHaveLength(2));
    const card = () => $$("builder-item").find((c) => c.dataset["itemId"] === "a1")!;
    const inCard = (id: string) => within(card(), id)!;
    const typeIn = (id: string, value: string) => {
      const input = inCard(id) as HTMLInputElement;
      input.value = value;
      input.dispatchEvent(new Event("input", { bubbles: true }));
    };

    typeIn("builder-doc-path", "/home/thu/bao-cao.docx");
    inCard("builder-doc-submit").click();
    expect(inCard("builder-doc-error").textContent).toBe(vi["builder.doc.notPdf"]);
    expect(api.commands.addDocument).not.toHaveBeenCalled();

    let release: () => void = () => undefined;
    const held = api.commands.addDocument.getMockImplementation()!;
    api.commands.addDocument.mockImplementationOnce(
      (...args: Parameters<typeof held>) => new Promise((resolve) => (release = () => resolve(held(...args)))),
    );
    typeIn("builder-doc-path", "/home/thu/bao-cao.pdf");
    check(inCard("builder-doc-no-export") as HTMLInputElement);
    inCard("builder-doc-submit").click();
    await vitest.waitFor(() => expect(inCard("builder-doc-submit").getAttribute("aria-disabled")).toBe("true"));
    expect(inCard("builder-doc-submit").textContent).toBe(vi["builder.doc.uploading"]);
    inCard("builder-doc-submit").click();
    expect(api.commands.addDocument).toHaveBeenCalledTimes(1);
    release();
    await vitest.waitFor(() => expect(within(card(), "builder-document")).not.toBeNull());
    expect(api.commands.addDocument).toHaveBeenCalledWith("a1", "/home/thu/bao-cao.pdf", null, { no_print: false, no_export: true });
    expect(inCard("builder-doc-submit").getAttribute("aria-disabled")).toBe("false");
    expect(inCard("builder-document-title").textContent).toBe("bao-cao");
    expect(inCard("builder-document-no-export").textContent).toBe(vi["handling.noExport"]);
    expect(inCard("builder-doc-outcome").textContent).toBe("✓ Đã đính kèm “bao-cao”.");

    // The engine refuses a file that is not really a PDF: its reason is shown.
    api.commands.addDocument.mockResolvedValueOnce(fail("invalid_argument", "/home/thu/gia.pdf is not a PDF file (it does not start with %PDF-)"));
    typeIn("builder-doc-path", "/home/thu/gia.pdf");
    inCard("builder-doc-submit").click();
    await vitest.waitFor(() => expect(inCard("builder-doc-outcome").dataset["state"]).toBe("failed"));
    expect(inCard("builder-doc-outcome").textContent).toBe(
      "Chưa lưu được: Yêu cầu không hợp lệ: /home/thu/gia.pdf is not a PDF file (it does not start with %PDF-)",
    );

    // Dropped on the item (jsdom has no layout: the item is where the files are).
    expect(drop).not.toBeNull();
    const elementFromPoint = document.elementFromPoint;
    document.elementFromPoint = () => within(card(), "builder-item-title");
    try {
      drop!({ kind: "over", x: 10, y: 10 });
      expect(card().classList.contains("builder-drop-target")).toBe(true);
      drop!({ kind: "drop", x: 10, y: 10, paths: ["/home/thu/phu-luc.pdf", "/home/thu/ghi chú.txt"] });
      expect(card().classList.contains("builder-drop-target")).toBe(false);
      await vitest.waitFor(() => expect(api.commands.addDocument).toHaveBeenLastCalledWith("a1", "/home/thu/phu-luc.pdf", null, { no_print: false, no_export: true }));
      expect(inCard("builder-doc-error").textContent).toBe("Không đính kèm ghi chú.txt: chỉ nhận tệp PDF.");
      await vitest.waitFor(() => expect(card().querySelectorAll('[data-testid="builder-document"]')).toHaveLength(2));
      // Nowhere near an item: nothing is attached.
      document.elementFromPoint = () => document.body;
      const calls = api.commands.addDocument.mock.calls.length;
      drop!({ kind: "drop", x: 1, y: 1, paths: ["/home/thu/x.pdf"] });
      expect(text("builder-drop-notice")).toBe(vi["builder.doc.dropOutside"]);
      expect(api.commands.addDocument.mock.calls.length).toBe(calls);
    } finally {
      document.elementFromPoint = elementFromPoint;
    }

    // A new version of a document, keeping its marks.
    const doc = within(card(), "builder-document")!;
    const revisePath = within(doc, "builder-revise-path") as HTMLInputElement;
    revisePath.value = "/home/thu/bao-cao-v2.pdf";
    within(doc, "builder-revise-submit")!.click();
    await vitest.waitFor(() => expect(api.commands.reviseDocument).toHaveBeenCalledWith(expect.stringMatching(/^d-new-/), "/home/thu/bao-cao-v2.pdf", null, null));
    await vitest.waitFor(() => expect(within(card(), "builder-revise-outcome")?.textContent).toBe("✓ Đã tải lên bản 2 của “bao-cao”."));

    // The signatures already in the PDF are checked as it shows here (the fake's: one valid, one changed).
    const revised = () => within(card(), "builder-document")!;
    await vitest.waitFor(() => expect(within(revised(), "builder-document-signatures")?.textContent).toBe("Chữ ký số KHÔNG hợp lệ"));
    expect(within(revised(), "builder-document-signatures")!.dataset["tone"]).toBe("danger");
    expect(api.commands.documentSignatures).toHaveBeenCalledWith(expect.stringMatching(/^d-new-/));

    // Read receipts: who has opened the latest version, once per person (their first device), and who has not.
    const panel = within(revised(), "builder-readers-panel") as HTMLDetailsElement;
    panel.open = true; // the browser (and jsdom) sends "toggle"
    await vitest.waitFor(() => expect(within(revised(), "builder-readers-count")?.textContent).toBe("1/3 thành viên đã mở phiên bản 2"));
    expect([...revised().querySelectorAll('[data-testid="builder-reader"]')].map((e) => e.textContent)).toEqual(["Trần Văn Nam — mở lúc 09:30 24/11/2026"]);
    expect(within(revised(), "builder-not-opened")?.textContent).toBe("Chưa mở: Nguyễn Thị Lan, Đỗ Minh Phó");
    expect(api.commands.documentReaders).toHaveBeenCalledWith(expect.stringMatching(/^d-new-/));
    // Offline, it says where the answer is.
    api.commands.documentReaders.mockResolvedValueOnce(fail("server_unreachable"));
    panel.open = false;
    await new Promise((resolve) => setTimeout(resolve, 0));
    panel.open = true;
    await vitest.waitFor(() => expect(within(revised(), "builder-readers")?.textContent).toBe(vi["builder.doc.readersOffline"]));

    // "Ký số": the token's library and the PIN are asked; a refused PIN is said; the PIN is never kept in the form.
    const sign = within(revised(), "builder-sign-panel") as HTMLDetailsElement;
    sign.open = true;
    within(revised(), "builder-sign-submit")!.click();
    expect(within(revised(), "builder-sign-outcome")?.textContent).toBe(vi["builder.sign.moduleRequired"]);
    const input = (id: string) => within(revised(), id) as HTMLInputElement;
    input("builder-sign-module").value = "/usr/lib/softhsm/libsofthsm2.so";
    input("builder-sign-pin").value = "000000";
    within(revised(), "builder-sign-submit")!.click();
    await vitest.waitFor(() => expect(within(revised(), "builder-sign-outcome")?.dataset["state"]).toBe("failed"));
    expect(within(revised(), "builder-sign-outcome")?.textContent).toContain("the token refused the PIN");
    expect(input("builder-sign-pin").value).toBe("");
    input("builder-sign-pin").value = "135790";
    input("builder-sign-location").value = "Hà Nội";
    within(revised(), "builder-sign-submit")!.click();
    await vitest.waitFor(() => expect(within(revised(), "builder-sign-outcome")?.textContent).toBe("✓ Đã ký số “bao-cao”, phát hành bản 3."));
    expect(api.commands.signDocument).toHaveBeenLastCalledWith(expect.stringMatching(/^d-new-/), {
      module: "/usr/lib/softhsm/libsofthsm2.so",
      slot: null,
      key_label: null,
      pin: "135790",
      reason: "Ban hành",
      location: "Hà Nội",
    });

    // "Nhận gói tin": a path that is not a .zip is refused here; a refused
    // package says why, nothing attached; an accepted one is named.
    const receive = within(card(), "builder-import") as HTMLDetailsElement;
    receive.open = true;
    const packagePath = within(card(), "builder-import-path") as HTMLInputElement;
    packagePath.value = "/home/thu/nghi-quyet.pdf";
    within(card(), "builder-import-submit")!.click();
    expect(within(card(), "builder-import-outcome")?.textContent).toBe(vi["builder.import.zipRequired"]);
    expect(api.commands.importExchange).not.toHaveBeenCalled();
    packagePath.value = "/home/thu/goi-tin-hong.zip";
    within(card(), "builder-import-submit")!.click();
    await vitest.waitFor(() =>
      expect(within(card(), "builder-import-outcome")?.textContent).toBe(
        "Gói tin bị từ chối, không có gì được lưu. Lý do: the exchange package was refused: \"nghi-quyet.pdf\" does not match its SHA-256 in the envelope (changed on the way?)",
      ),
    );
    (within(card(), "builder-import-path") as HTMLInputElement).value = "/home/thu/goi-tin.zip";
    (within(card(), "builder-import-untrusted") as HTMLInputElement).checked = true;
    within(card(), "builder-import-submit")!.click();
    await vitest.waitFor(() =>
      expect(within(card(), "builder-import-outcome")?.textContent).toBe("✓ Đã nhận văn bản số 12/NQ-CP của Văn phòng Chính phủ (1 phụ lục)."),
    );
    expect(api.commands.importExchange).toHaveBeenLastCalledWith("a1", "/home/thu/goi-tin.zip", true);
    expect((within(card(), "builder-import-path") as HTMLInputElement).value).toBe("");
  });
});

describe("the secretariat's statistics", () => {
  async function openStatistics(status: AppStatus = SECRETARY, setup: (api: ReturnType<typeof fakeApi>) => void = () => undefined) {
    const api = fakeApi(status);
    setup(api);
    app = startApp(root, api, { storage: memoryStorage(), now: NOW });
    await app.ready;
    await vitest.waitFor(() => expect($$("agenda-item")).toHaveLength(2));
    return api;
  }
  const card = (key: string) => {
    const el = document.querySelector<HTMLElement>(`[data-testid="stats-card"][data-card="${key}"]`);
    return [el?.querySelector('[data-testid="stats-card-value"]')?.textContent, el?.querySelector('[data-testid="stats-card-detail"]')?.textContent];
  };
  const pressed = () => $$("stats-preset").filter((b) => b.getAttribute("aria-pressed") === "true").map((b) => b.dataset["preset"]);
  const drawn = () => charts.live.map((c) => c.canvas).sort();
  const click = (preset: string) => document.querySelector<HTMLElement>(`[data-testid="stats-preset"][data-preset="${preset}"]`)!.click();

  it("is only for the secretariat", async () => {
    const api = await openStatistics(ENROLLED);
    expect($("statistics-tab")!.hidden).toBe(true);
    expect($("statistics-pane")!.hidden).toBe(true);
    expect(api.commands.statistics).not.toHaveBeenCalled();
  });

  it("opens on this year's figures: cards, outcomes, charts and a line per meeting", async () => {
    const api = await openStatistics();
    expect(text("statistics-tab")).toBe("Thống kê");
    expect(api.commands.statistics).not.toHaveBeenCalled();
    $("statistics-tab")!.click();
    expect($("statistics-pane")!.hidden).toBe(false);
    expect(document.getElementById("workspace")!.hidden).toBe(true);
    await vitest.waitFor(() => expect($("stats-report")).not.toBeNull());
    // 2026 in Vietnam's time: from its first midnight to the one after 31 December (the end is exclusive).
    expect(api.commands.statistics).toHaveBeenCalledWith("2025-12-31T17:00:00Z", "2026-12-31T17:00:00Z");
    expect($<HTMLInputElement>("stats-from")!.value).toBe("01/01/2026");
    expect($<HTMLInputElement>("stats-to")!.value).toBe("31/12/2026");
    expect(pressed()).toEqual(["year"]);
    expect(text("stats-period")).toBe("Từ 01/01/2026 đến 31/12/2026");
    expect(text("stats-generated")).toBe("Số liệu lập lúc 10:00 24/11/2026");

    expect(card("meetings")).toEqual(["3", "Đã họp 2 · Đã huỷ 1"]);
    expect(card("quiet")).toEqual(["2", "33,3% trong 6 mục được thông qua"]);
    expect(card("rounds")).toEqual(["3", "Số đợt đã gửi · 30 lượt hỏi ý kiến thành viên"]);
    expect(card("responseRate")).toEqual(["80%", "24/30 lượt trả lời đúng hạn"]);
    expect(card("late")).toEqual(["3", "Nhận sau thời hạn, không được tính"]);
    expect(card("median")).toEqual(["14 giờ", vi["stats.card.medianDetail"]]);
    expect(card("votes")).toEqual(["3", "Số biểu quyết đã kết thúc · 55 phiếu đã bỏ"]);
    expect(card("turnout")).toEqual(["91,7%", "55 phiếu / 60 lượt có quyền biểu quyết"]);

    const outcomes = $$("stats-outcome").map((li) => [li.dataset["outcome"], li.querySelector('[data-testid="stats-outcome-count"]')!.textContent, li.querySelector('[data-testid="stats-outcome-share"]')!.textContent]);
    expect(outcomes).toEqual([
      ["adopted", "6", "54,5%"],
      ["deferred", "2", "18,2%"],
      ["withdrawn", "1", "9,1%"],
      ["noted", "1", "9,1%"],
      ["undecided", "1", "9,1%"],
    ]);
    expect(text("stats-items-total")).toBe("Tổng số: 11 mục");

    // Three charts, in Vietnamese: per meeting, the items stacked by outcome, then the two rates in percent.
    await vitest.waitFor(() => expect(drawn()).toEqual(["stats-chart-by-meeting", "stats-chart-outcomes", "stats-chart-rates"]));
    expect($$("stats-chart-outcomes").map((c) => c.dataset["drawn"])).toEqual(["true"]);
    expect($("statistics-pane")!.dataset["liveCharts"]).toBe("3");
    const byMeeting = charts.live.find((c) => c.canvas === "stats-chart-by-meeting")!.data as { labels: string[]; titles: string[]; series: { label: string; data: number[] }[] };
    expect(byMeeting.labels).toEqual(["01/10/2026", "05/11/2026", "20/11/2026"]);
    expect(byMeeting.titles[1]).toBe("Phiên họp chuyên đề xây dựng pháp luật");
    expect(byMeeting.series.map((x) => [x.label, x.data])).toEqual([
      ["Thông qua", [4, 2, 0]],
      ["Hoãn", [1, 1, 0]],
      ["Rút", [0, 1, 0]],
      ["Ghi nhận", [1, 0, 0]],
      ["Chưa quyết định", [0, 0, 1]],
    ]);
    const rates = charts.live.find((c) => c.canvas === "stats-chart-rates")!.data as { series: { label: string; data: (number | null)[] }[] };
    expect(rates.series.map((x) => [x.label, x.data])).toEqual([
      ["Tỷ lệ trả lời", [90, 60, null]],
      ["Tỷ lệ tham gia biểu quyết", [90, 95, null]],
    ]);

    // A line per meeting, then the totals; a rate with nothing to divide by shows "–".
    const rows = $$("stats-row");
    expect(rows.map((r) => [r.dataset["meetingId"], r.dataset["state"]])).toEqual([["m-oct", "held"], ["m-soon", "held"], ["m-off", "cancelled"]]);
    const cells = (row: HTMLElement) => Object.fromEntries([...row.querySelectorAll<HTMLElement>("td")].map((td) => [td.dataset["col"], td.textContent]));
    expect(cells(rows[0]!)).toMatchObject({ items: "6", adopted: "4", responseRate: "90%", median: "20,5 giờ", turnout: "90%" });
    expect(cells(rows[2]!)).toMatchObject({ items: "1", undecided: "1", responseRate: "–", median: "–", votes: "0", turnout: "–" });
    expect(rows[2]!.querySelector('[data-testid="stats-row-state"]')!.textContent).toBe("Đã huỷ");
    expect(cells($("stats-total")!)).toMatchObject({ items: "11", adopted: "6", rounds: "3", responseRate: "80%", late: "3", votes: "3", turnout: "91,7%" });
  });

  it("asks for a quick choice or two days (the second one included), and says when no meeting falls in the period", async () => {
    const api = await openStatistics();
    $("statistics-tab")!.click();
    await vitest.waitFor(() => expect($("stats-report")).not.toBeNull());

    click("month");
    await vitest.waitFor(() => expect(card("meetings")).toEqual(["2", "Đã họp 1 · Đã huỷ 1"]));
    expect(api.commands.statistics).toHaveBeenLastCalledWith("2026-10-31T17:00:00Z", "2026-11-30T17:00:00Z");
    expect(pressed()).toEqual(["month"]);
    expect(card("median")[0]).toBe("7,5 giờ");
    click("quarter");
    await vitest.waitFor(() => expect(api.commands.statistics).toHaveBeenLastCalledWith("2026-09-30T17:00:00Z", "2026-12-31T17:00:00Z"));
    click("all");
    await vitest.waitFor(() => expect(card("meetings")[0]).toBe("4"));
    expect(api.commands.statistics).toHaveBeenLastCalledWith(null, null);
    expect($<HTMLInputElement>("stats-from")!.value).toBe("");
    expect(text("stats-period")).toBe("Toàn bộ thời gian");

    // Two days: the meetings of 5 November only (the last day is included).
    type("stats-from", "05/11/2026");
    type("stats-to", "5/11/2026");
    expect(pressed()).toEqual([]);
    $("stats-apply")!.click();
    await vitest.waitFor(() => expect(card("meetings")[0]).toBe("1"));
    expect(api.commands.statistics).toHaveBeenLastCalledWith("2026-11-04T17:00:00Z", "2026-11-05T17:00:00Z");
    expect($$("stats-row").map((r) => r.dataset["meetingId"])).toEqual(["m-soon"]);

    // The end before the start: said under the fields, nothing asked.
    const asked = api.commands.statistics.mock.calls.length;
    type("stats-from", "01/12/2026");
    type("stats-to", "01/11/2026");
    $("stats-apply")!.click();
    expect(text("stats-period-error")).toBe("“Đến ngày” không được trước “Từ ngày”.");
    expect($("stats-to")!.getAttribute("aria-invalid")).toBe("true");
    // A day that does not exist, or month first: said too.
    type("stats-to", "11/31/2026");
    $("stats-apply")!.click();
    expect(text("stats-period-error")).toBe(vi["stats.badDate"]);
    expect(document.activeElement).toBe($("stats-to"));
    expect(api.commands.statistics).toHaveBeenCalledTimes(asked);

    // No meeting in 2020: said instead of empty charts.
    type("stats-from", "01/01/2020");
    expect($("stats-period-error")!.hidden).toBe(true);
    type("stats-to", "31/12/2020");
    $("stats-apply")!.click();
    await vitest.waitFor(() => expect($("stats-empty")).not.toBeNull());
    expect(text("stats-empty")).toContain(vi["stats.empty"]);
    expect(text("stats-empty")).toContain("Từ 01/01/2020 đến 31/12/2020");
    expect($("stats-report")).toBeNull();
    expect(charts.live).toEqual([]);
    expect(document.querySelector("[data-testid='stats-empty'] canvas, [data-testid^='stats-chart']")).toBeNull();
  });

  it("shows a loading state, then the engine's error with a retry", async () => {
    const api = await openStatistics();
    let release: () => void = () => undefined;
    api.commands.statistics.mockImplementationOnce(
      (from, to) => new Promise((resolve) => (release = () => resolve(statisticsOf(FIGURES, from, to)))),
    );
    $("statistics-tab")!.click();
    await vitest.waitFor(() => expect($("stats-loading")).not.toBeNull());
    expect(text("stats-loading")).toBe(vi["stats.loading"]);
    expect($("stats-apply")!.getAttribute("aria-disabled")).toBe("true");
    release();
    await vitest.waitFor(() => expect($("stats-report")).not.toBeNull());
    expect($("stats-apply")!.getAttribute("aria-disabled")).toBe("false");

    api.commands.statistics.mockResolvedValueOnce(fail("invalid_argument", "the period is empty: it starts on 2026-11-30 17:00:00 UTC and ends on 2026-10-31 17:00:00 UTC"));
    click("month");
    await vitest.waitFor(() => expect($("stats-error")).not.toBeNull());
    expect(text("stats-error")).toContain(vi["stats.loadFailed"]);
    expect(text("stats-error")).toContain("Yêu cầu không hợp lệ: the period is empty: it starts on 2026-11-30 17:00:00 UTC");
    expect(charts.live).toEqual([]);
    $("stats-retry")!.click();
    await vitest.waitFor(() => expect($("stats-report")).not.toBeNull());
    expect(card("meetings")[0]).toBe("2");
  });

  it("draws its charts only while shown, again after a sync, and in the new language", async () => {
    const api = await openStatistics();
    $("statistics-tab")!.click();
    await vitest.waitFor(() => expect(charts.live).toHaveLength(3));
    const made = charts.made;

    // Left: the charts go. Back: the figures are read again and drawn again.
    $("meetings-tab")!.click();
    expect(charts.live).toEqual([]);
    $("statistics-tab")!.click();
    await vitest.waitFor(() => expect(charts.live).toHaveLength(3));
    expect(charts.made).toBe(made + 3);
    expect(api.commands.statistics).toHaveBeenCalledTimes(2);

    // A sync that changes nothing redraws nothing; one that brings figures redraws them.
    const shown = $("stats-report");
    api.emitSync(SYNCED);
    await vitest.waitFor(() => expect(api.commands.statistics).toHaveBeenCalledTimes(3));
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect($("stats-report")).toBe(shown);
    expect(charts.made).toBe(made + 3);
    api.report.figures = FIGURES.map((m) => (m.meeting === "m-off" ? { ...m, cancelled: 0, held: 0 } : m));
    api.emitSync(SYNCED);
    await vitest.waitFor(() => expect(card("meetings")).toEqual(["3", "Đã họp 2 · Đã huỷ 0"]));
    await vitest.waitFor(() => expect(charts.live).toHaveLength(3));
    expect(charts.made).toBe(made + 6);

    // In English: a new screen, the old one's charts destroyed.
    $("lang-en")!.click();
    await vitest.waitFor(() => expect(text("statistics-tab")).toBe("Statistics"));
    await vitest.waitFor(() => expect($("stats-report")).not.toBeNull());
    await vitest.waitFor(() => expect(charts.live).toHaveLength(3));
    expect(card("turnout")).toEqual(["91.7%", "Ballots: 55 of 60 entitled to vote"]);
    expect(card("median")[0]).toBe("14 h");
    const byMeeting = charts.live.find((c) => c.canvas === "stats-chart-by-meeting")!.data as { labels: string[]; series: { label: string }[] };
    expect(byMeeting.labels).toEqual(["1 Oct 2026", "5 Nov 2026", "20 Nov 2026"]);
    expect(byMeeting.series.map((x) => x.label)).toEqual(["Adopted", "Deferred", "Withdrawn", "Noted", "Undecided"]);
    expect(text("stats-period")).toBe("From 1 Jan 2026 to 31 Dec 2026");

    app!.destroy();
    app = null;
    expect(charts.live).toEqual([]);
  });
});

describe("what changed, and no printing, in the reader", () => {
  const CHANGES: DocumentChanges = {
    document_id: "d1",
    from_version: 1,
    to_version: 2,
    old_page_count: 11,
    new_page_count: 12,
    hunks: [
      { old_pages: [3], new_pages: [3], removed: ["Điều 3. Phạm vi cũ"], added: ["Điều 3. Phạm vi mới"] },
      { old_pages: [8, 9], new_pages: [9], removed: ["Khoản 4 bị bỏ"], added: [] },
    ],
  };

  async function read(view: Partial<DocumentView> = {}) {
    const api = fakeApi(ENROLLED);
    api.built.changes = CHANGES;
    api.commands.openDocument.mockResolvedValue(ok({ ...DOC_VIEW, ...view }));
    app = startApp(root, api, { storage: memoryStorage(), now: NOW, pagePlatform: "other", pixelRatio: () => 1 });
    await app.ready;
    await vitest.waitFor(() => expect($("open-document")).not.toBeNull());
    $("open-document")!.click();
    await vitest.waitFor(() => expect($("reader-page-image")).not.toBeNull());
    return api;
  }
  const ctrlP = (target: EventTarget = document.body) => {
    const event = new KeyboardEvent("keydown", { key: "p", ctrlKey: true, bubbles: true, cancelable: true });
    target.dispatchEvent(event);
    return event.defaultPrevented;
  };

  it("lists the changes since the previous version; a page number goes there; Escape closes the list", async () => {
    const api = await read();
    expect($("reader-changes")!.hidden).toBe(false);
    $("reader-changes")!.click();
    expect(api.commands.documentChanges).toHaveBeenCalledWith("d1", null);
    expect($("reader-changes-panel")!.hidden).toBe(false);
    expect(document.activeElement?.id).toBe("reader-changes-title");
    await vitest.waitFor(() => expect($$("reader-change")).toHaveLength(2));
    expect($("reader-changes")!.getAttribute("aria-expanded")).toBe("true");
    expect($$("reader-change-removed").map((e) => [e.tagName, e.textContent])).toEqual([
      ["DEL", "Điều 3. Phạm vi cũ"],
      ["DEL", "Khoản 4 bị bỏ"],
    ]);
    expect($$("reader-change-added").map((e) => [e.tagName, e.textContent])).toEqual([["INS", "Điều 3. Phạm vi mới"]]);
    expect($$("reader-change-old-pages").map((e) => e.textContent)).toEqual(["Ở bản 1: trang 3", "Ở bản 1: trang 8–9"]);
    expect(text("reader-changes-summary")).toBe("Từ bản 1 (11 trang) sang bản 2 (12 trang)2 chỗ thay đổi: bỏ 2 dòng, thêm 1 dòng");

    const nine = $$("reader-change-page").find((b) => b.dataset["page"] === "9")!;
    expect(nine.getAttribute("aria-label")).toBe("Đi tới trang 9");
    nine.click();
    expect($("reader-page-image")!.getAttribute("src")).toBe("ecabpage://localhost/d1/9?dpi=110");
    expect(nine.getAttribute("aria-current")).toBe("true");

    nine.focus();
    nine.dispatchEvent(new KeyboardEvent("keydown", { key: "Escape", bubbles: true, cancelable: true }));
    expect($("reader-changes-panel")!.hidden).toBe(true);
    expect($("reader")).not.toBeNull();
    expect(document.activeElement).toBe($("reader-changes"));
  });

  it("says when the text did not change, and when the versions cannot be compared", async () => {
    const api = await read();
    api.built.changes = { ...CHANGES, hunks: [] };
    $("reader-changes")!.click();
    await vitest.waitFor(() => expect($("reader-changes-none")).not.toBeNull());
    expect(text("reader-changes-none")).toBe(vi["reader.changesNone"]);
    $("reader-changes")!.click();
    expect($("reader-changes-panel")!.hidden).toBe(true);
    api.commands.documentChanges.mockResolvedValueOnce(fail("no_key"));
    $("reader-changes")!.click();
    await vitest.waitFor(() => expect($("reader-changes-error")).not.toBeNull());
    expect(text("reader-changes-error")).toContain(vi["error.no_key"]);
  });

  it("offers no comparison for a first version", async () => {
    await read({ document: { ...DOC_VIEW.document, version: 1 } });
    expect($("reader-changes")!.hidden).toBe(true);
  });

  it("blocks printing a no-print document and marks it", async () => {
    await read({ handling: { no_print: true, no_export: true } });
    expect(text("reader-no-print")).toBe(vi["handling.noPrint"]);
    expect(text("reader-no-export")).toBe(vi["handling.noExport"]);
    expect($("reader")!.dataset["noPrint"]).toBe("true");
    expect($("reader-print-blocked")!.hidden).toBe(true);
    expect(ctrlP()).toBe(true);
    expect($("reader-print-blocked")!.hidden).toBe(false);
    expect(text("reader-print-blocked")).toBe(vi["reader.printBlocked"]);
    // In a text field too.
    expect(ctrlP($("reader-search-input")!)).toBe(true);
  });

  it("lets an unmarked document print", async () => {
    await read();
    expect($("reader-no-print")).toBeNull();
    expect($("reader")!.dataset["noPrint"]).toBe("false");
    expect(ctrlP()).toBe(false);
    expect($("reader-print-blocked")!.hidden).toBe(true);
  });
});

describe("the idle lock", () => {
  const LOCKED: AppStatus = { ...ENROLLED, lock: { pin_set: true, locked: true, idle_minutes: 5, retry_in_seconds: null } };

  it("starts locked with a PIN set: nothing is read before the right PIN", async () => {
    const api = fakeApi(LOCKED);
    app = startApp(root, api, { storage: memoryStorage(), now: NOW });
    await app.ready;
    expect($("lock-screen")!.hidden).toBe(false);
    expect(text("lock-screen")).toContain("Ứng dụng đã khoá");
    expect(root.inert).toBe(true);
    expect(root.classList.contains("app-locked")).toBe(true);
    expect(api.commands.listMeetings).not.toHaveBeenCalled();
    expect(document.activeElement).toBe($("lock-pin"));

    type("lock-pin", "12");
    $<HTMLButtonElement>("lock-unlock")!.click();
    await vitest.waitFor(() => expect(text("lock-error")).toBe("Mã PIN gồm 4 đến 12 chữ số."));
    expect(api.commands.unlock).not.toHaveBeenCalled();
    type("lock-pin", "1111");
    $<HTMLButtonElement>("lock-unlock")!.click();
    await vitest.waitFor(() => expect(text("lock-error")).toBe("Sai mã PIN. Còn 2 lần thử trước khi phải chờ."));
    expect($<HTMLInputElement>("lock-pin")!.value).toBe("");

    type("lock-pin", "2468");
    $<HTMLButtonElement>("lock-unlock")!.click();
    await vitest.waitFor(() => expect($$("meeting-item")).toHaveLength(2));
    expect($("lock-screen")!.hidden).toBe(true);
    expect(root.inert).toBe(false);
    expect(root.hasAttribute("aria-hidden")).toBe(false);
    // With a PIN set, the header offers to lock now.
    expect($("lock-now")!.hidden).toBe(false);
  });

  it("covers the window when a command meets the lock, and locks on request", async () => {
    const api = fakeApi({ ...ENROLLED, lock: { pin_set: true, locked: false, idle_minutes: 5, retry_in_seconds: null } });
    app = startApp(root, api, { storage: memoryStorage(), now: NOW });
    await app.ready;
    await vitest.waitFor(() => expect($$("agenda-item")).toHaveLength(2));
    expect($("lock-screen")!.hidden).toBe(true);
    // The engine locked itself (idle): the next command is refused and the lock screen comes up.
    api.pin.locked = true;
    $$("meeting-item")[1]!.click();
    await vitest.waitFor(() => expect($("lock-screen")!.hidden).toBe(false));
    expect(api.commands.lockStatus).toHaveBeenCalled();
    type("lock-pin", "2468");
    $<HTMLButtonElement>("lock-unlock")!.click();
    await vitest.waitFor(() => expect($("lock-screen")!.hidden).toBe(true));
    $<HTMLButtonElement>("lock-now")!.click();
    await vitest.waitFor(() => expect($("lock-screen")!.hidden).toBe(false));
    expect(api.commands.lockNow).toHaveBeenCalled();
  });

  it("sets a PIN from the header, checking its shape and the confirmation", async () => {
    const api = fakeApi(ENROLLED);
    app = startApp(root, api, { storage: memoryStorage(), now: NOW });
    await app.ready;
    expect($("lock-now")!.hidden).toBe(true);
    $<HTMLButtonElement>("pin-settings")!.click();
    expect($("pin-settings-dialog")).not.toBeNull();
    expect($("pin-current")).toBeNull();
    type("pin-new", "12ab");
    type("pin-confirm", "12ab");
    $<HTMLButtonElement>("pin-save")!.click();
    await vitest.waitFor(() => expect(text("pin-message")).toBe("Mã PIN gồm 4 đến 12 chữ số."));
    type("pin-new", "135790");
    type("pin-confirm", "135799");
    $<HTMLButtonElement>("pin-save")!.click();
    await vitest.waitFor(() => expect(text("pin-message")).toBe("Hai lần nhập mã PIN mới không khớp."));
    type("pin-confirm", "135790");
    $<HTMLSelectElement>("pin-idle")!.value = "10";
    $<HTMLButtonElement>("pin-save")!.click();
    await vitest.waitFor(() => expect($("pin-settings-dialog")).toBeNull());
    expect(api.commands.setPin).toHaveBeenCalledWith(null, "135790", 10);
    expect(text("lock-notice")).toBe("Đã lưu. Ứng dụng sẽ tự khoá sau 10 phút không dùng.");
    expect($("lock-now")!.hidden).toBe(false);

    // Removing it needs the current PIN.
    $<HTMLButtonElement>("pin-settings")!.click();
    type("pin-current", "000000");
    $<HTMLButtonElement>("pin-remove")!.click();
    await vitest.waitFor(() => expect(text("pin-message")).toBe("Sai mã PIN."));
    type("pin-current", "135790");
    $<HTMLButtonElement>("pin-remove")!.click();
    await vitest.waitFor(() => expect($("pin-settings-dialog")).toBeNull());
    expect($("lock-now")!.hidden).toBe(true);
  });

  it("shows in English too", async () => {
    const storage = memoryStorage();
    storage.setItem("ecabinet.locale", "en");
    app = startApp(root, fakeApi(LOCKED), { storage, now: NOW });
    await app.ready;
    expect(text("lock-screen")).toContain("The app is locked");
    expect(text("lock-unlock")).toBe("Unlock");
  });
});

describe("the idle lock's timer", () => {
  it("locks after the idle time without activity, and activity moves the deadline", async () => {
    let clock = 0;
    let engineLocked = false;
    const status = (): LockStatus => ({ pin_set: true, locked: engineLocked, idle_minutes: 1, retry_in_seconds: null });
    const api = {
      lockStatus: vitest.fn(async () => ok(status())),
      noteActivity: vitest.fn(async () => ok(status())),
      lockNow: vitest.fn(async () => {
        engineLocked = true;
        return ok(status());
      }),
      unlock: vitest.fn(async () => ok(status())),
      setPin: vitest.fn(async () => ok(status())),
      setIdleMinutes: vitest.fn(async () => ok(status())),
      removePin: vitest.fn(async () => ok(status())),
    };
    vitest.useFakeTimers();
    try {
      const view = mountLock(root, api, "vi", translator("vi"), { now: () => clock, checkEvery: 1000, noteEvery: 10_000 });
      view.update(status());
      clock = 50_000;
      await vitest.advanceTimersByTimeAsync(1000);
      expect(api.lockNow).not.toHaveBeenCalled();
      // Activity at 50 s: the engine hears of it (at most every 10 s), the deadline moves to 110 s.
      document.dispatchEvent(new KeyboardEvent("keydown"));
      document.dispatchEvent(new KeyboardEvent("keydown"));
      expect(api.noteActivity).toHaveBeenCalledTimes(1);
      clock = 100_000;
      await vitest.advanceTimersByTimeAsync(1000);
      expect(api.lockNow).not.toHaveBeenCalled();
      clock = 110_000;
      await vitest.advanceTimersByTimeAsync(1000);
      expect(api.lockNow).toHaveBeenCalledTimes(1);
      expect($("lock-screen")!.hidden).toBe(false);
      // While locked, keys do not count as activity.
      document.dispatchEvent(new KeyboardEvent("keydown"));
      expect(api.noteActivity).toHaveBeenCalledTimes(1);
      view.destroy();
      expect($("lock-screen")).toBeNull();
    } finally {
      vitest.useRealTimers();
    }
  });
});

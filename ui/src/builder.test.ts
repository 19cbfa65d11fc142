import { describe, expect, it } from "vitest";
import type { AgendaItem, Meeting, PendingKey, SignatureView } from "./bindings";
import {
  checkAccess,
  checkItemDraft,
  checkMeetingDraft,
  checkPdfPath,
  checkSubstitutes,
  createMeetingRequest,
  documentHandling,
  EMPTY_ITEM,
  EMPTY_MEETING,
  fileName,
  groupPendingKeys,
  isoToLocalInput,
  itemDraftOf,
  localInputToIso,
  meetingDraftOf,
  moveTargets,
  optionalTitle,
  revisedHandling,
  splitDropped,
  statusRequest,
  updateItemRequest,
  updateMeetingRequest,
  type MeetingDraft,
  signatureVerdict,
} from "./builder";
import { vi } from "./messages/vi";

const DRAFT: MeetingDraft = {
  ...EMPTY_MEETING,
  title: "  Phiên họp Chính phủ thường kỳ tháng 12  ",
  startsAt: "2026-12-03T08:30",
  kind: "regular",
  place: " Phòng họp số 1 ",
  participants: ["p1", "p2", "p1"],
  substitutes: [{ member: "p2", substitute: "p9" }],
};

describe("datetime-local values on Vietnam's clock", () => {
  it("reads a value as Vietnam time, whatever the computer's zone", () => {
    expect(localInputToIso("2026-12-03T08:30")).toBe("2026-12-03T01:30:00.000Z");
    expect(localInputToIso("2027-01-01T00:15")).toBe("2026-12-31T17:15:00.000Z");
    expect(localInputToIso(" 2026-12-03T08:30:00 ")).toBe("2026-12-03T01:30:00.000Z");
  });

  it("refuses what is not a real date and time", () => {
    for (const bad of ["", "03/12/2026 08:30", "2026-02-30T08:00", "2026-13-01T08:00", "2026-12-03T24:00", "2026-12-03"]) {
      expect(localInputToIso(bad), bad).toBeNull();
    }
  });

  it("shows an instant in the field as Vietnam time, and reads back the same", () => {
    expect(isoToLocalInput("2026-12-03T01:30:00Z")).toBe("2026-12-03T08:30");
    expect(isoToLocalInput("2026-12-31T17:15:00Z")).toBe("2027-01-01T00:15");
    expect(isoToLocalInput("not a date")).toBe("");
    expect(localInputToIso(isoToLocalInput("2026-11-26T02:00:00Z"))).toBe("2026-11-26T02:00:00.000Z");
  });
});

describe("substitutes", () => {
  it("a member has one substitute, who is someone else and stands in for no one else", () => {
    expect(checkSubstitutes([{ member: "a", substitute: "b" }, { member: "c", substitute: "d" }])).toEqual({
      ok: true,
      substitutes: [{ member: "a", substitute: "b" }, { member: "c", substitute: "d" }],
    });
    expect(checkSubstitutes([{ member: "a", substitute: "a" }])).toEqual({ ok: false, row: 0, error: "builder.substitute.self" });
    expect(checkSubstitutes([{ member: "a", substitute: "b" }, { member: "a", substitute: "c" }])).toEqual({ ok: false, row: 1, error: "builder.substitute.twice" });
    expect(checkSubstitutes([{ member: "a", substitute: "c" }, { member: "b", substitute: "c" }])).toEqual({ ok: false, row: 1, error: "builder.substitute.busy" });
  });

  it("ignores empty rows and refuses half-filled ones", () => {
    expect(checkSubstitutes([{ member: "", substitute: "" }])).toEqual({ ok: true, substitutes: [] });
    expect(checkSubstitutes([{ member: "", substitute: "" }, { member: "a", substitute: "" }])).toEqual({ ok: false, row: 1, error: "builder.substitute.incomplete" });
    expect(checkSubstitutes([{ member: "", substitute: "b" }])).toEqual({ ok: false, row: 0, error: "builder.substitute.incomplete" });
  });
});

describe("meeting requests", () => {
  it("builds CreateMeetingRequest from the form: trimmed, each participant once, as a draft if asked", () => {
    expect(createMeetingRequest({ ...DRAFT, draft: true })).toEqual({
      ok: true,
      request: {
        title: "Phiên họp Chính phủ thường kỳ tháng 12",
        starts_at: "2026-12-03T01:30:00.000Z",
        details: { kind: "regular", place: "Phòng họp số 1", participants: ["p1", "p2"], substitutes: [{ member: "p2", substitute: "p9" }] },
        draft: true,
      },
    });
    const published = createMeetingRequest({ ...DRAFT, place: "   ", participants: [], substitutes: [], kind: "extraordinary", draft: false });
    expect(published.ok && published.request).toEqual({
      title: "Phiên họp Chính phủ thường kỳ tháng 12",
      starts_at: "2026-12-03T01:30:00.000Z",
      details: { kind: "extraordinary", place: null, participants: [], substitutes: [] },
      draft: false,
    });
  });

  it("says what is missing or wrong, field by field", () => {
    expect(checkMeetingDraft({ ...DRAFT, title: " " })).toEqual({ ok: false, field: "title", error: "builder.meeting.titleRequired" });
    expect(checkMeetingDraft({ ...DRAFT, title: "x".repeat(301) })).toEqual({ ok: false, field: "title", error: "builder.meeting.titleTooLong" });
    // Vietnamese letters count as one character each.
    expect(checkMeetingDraft({ ...DRAFT, title: "ệ".repeat(300) }).ok).toBe(true);
    expect(checkMeetingDraft({ ...DRAFT, title: "Dòng 1\nDòng 2" })).toEqual({ ok: false, field: "title", error: "builder.textInvalid" });
    expect(checkMeetingDraft({ ...DRAFT, startsAt: "" })).toEqual({ ok: false, field: "startsAt", error: "builder.meeting.startRequired" });
    expect(checkMeetingDraft({ ...DRAFT, startsAt: "2026-02-30T08:00" })).toEqual({ ok: false, field: "startsAt", error: "builder.meeting.startInvalid" });
    expect(checkMeetingDraft({ ...DRAFT, place: "x".repeat(121) })).toEqual({ ok: false, field: "place", error: "builder.meeting.placeTooLong" });
    expect(checkMeetingDraft({ ...DRAFT, substitutes: [{ member: "p1", substitute: "p1" }] })).toEqual({
      ok: false,
      field: "substitutes",
      error: "builder.substitute.self",
      row: 0,
    });
    // Every message is in the catalogue.
    for (const key of ["builder.meeting.titleRequired", "builder.meeting.startInvalid", "builder.substitute.self"] as const) expect(vi[key]).toBeTruthy();
  });

  it("builds UpdateMeetingRequest without touching the status; publishing and cancelling change only that", () => {
    expect(updateMeetingRequest(DRAFT)).toEqual({
      ok: true,
      request: {
        title: "Phiên họp Chính phủ thường kỳ tháng 12",
        starts_at: "2026-12-03T01:30:00.000Z",
        status: null,
        details: { kind: "regular", place: "Phòng họp số 1", participants: ["p1", "p2"], substitutes: [{ member: "p2", substitute: "p9" }] },
      },
    });
    expect(statusRequest("published")).toEqual({ title: null, starts_at: null, status: "published", details: null });
    expect(statusRequest("cancelled")).toEqual({ title: null, starts_at: null, status: "cancelled", details: null });
  });

  it("fills the form from a meeting, and from one without details", () => {
    const meeting: Meeting = {
      id: "m", organisation_id: "o", title: "Phiên họp", starts_at: "2026-12-03T01:30:00Z", status: "draft", created_by: "s",
      details: { kind: "thematic", place: "Phòng 2", participants: ["p1"], substitutes: [{ member: "p1", substitute: "p3" }] },
    };
    const draft = meetingDraftOf(meeting);
    expect(draft).toEqual({
      title: "Phiên họp", startsAt: "2026-12-03T08:30", kind: "thematic", place: "Phòng 2",
      participants: ["p1"], substitutes: [{ member: "p1", substitute: "p3" }], draft: true,
    });
    // What the form shows is what is sent again, unchanged.
    expect(updateMeetingRequest(draft)).toMatchObject({ ok: true, request: { starts_at: "2026-12-03T01:30:00.000Z", details: meeting.details } });
    const { details: _none, ...bare } = meeting;
    expect(meetingDraftOf({ ...bare, status: "published" })).toEqual({
      title: "Phiên họp", startsAt: "2026-12-03T08:30", kind: "regular", place: "", participants: [], substitutes: [], draft: false,
    });
  });
});

describe("agenda item requests", () => {
  it("builds the details, blank texts as absent", () => {
    expect(checkItemDraft({ title: " Luật Dữ liệu ", ministry: " Bộ Công an ", summary: "Dòng 1\nDòng 2", action: "  ", status: "scheduled" })).toEqual({
      ok: true,
      title: "Luật Dữ liệu",
      details: { presenting_ministry: "Bộ Công an", summary: "Dòng 1\nDòng 2", recommended_action: null, status: "scheduled" },
    });
  });

  it("builds UpdateAgendaItemRequest with the status", () => {
    expect(updateItemRequest({ ...EMPTY_ITEM, title: "Luật Dữ liệu", status: "deferred" })).toEqual({
      ok: true,
      request: { title: "Luật Dữ liệu", details: { presenting_ministry: null, summary: null, recommended_action: null, status: "deferred" } },
    });
  });

  it("says what is wrong", () => {
    expect(checkItemDraft(EMPTY_ITEM)).toEqual({ ok: false, field: "title", error: "builder.item.titleRequired" });
    expect(checkItemDraft({ ...EMPTY_ITEM, title: "x", ministry: "m".repeat(121) })).toEqual({ ok: false, field: "ministry", error: "builder.item.ministryTooLong" });
    expect(checkItemDraft({ ...EMPTY_ITEM, title: "x", summary: "s".repeat(4_001) })).toEqual({ ok: false, field: "summary", error: "builder.item.textTooLong" });
    expect(checkItemDraft({ ...EMPTY_ITEM, title: "x", action: "a\u0007" })).toEqual({ ok: false, field: "action", error: "builder.textInvalid" });
  });

  it("fills the form from an item", () => {
    const item: AgendaItem = { id: "i", meeting_id: "m", position: 1, title: "Luật", details: { presenting_ministry: "Bộ Tư pháp", summary: null, recommended_action: "Thông qua", status: "adopted" } };
    expect(itemDraftOf(item)).toEqual({ title: "Luật", ministry: "Bộ Tư pháp", summary: "", action: "Thông qua", status: "adopted" });
    expect(itemDraftOf({ id: "i", meeting_id: "m", position: 1, title: "Luật" })).toEqual({ ...EMPTY_ITEM, title: "Luật" });
  });

  it("restricts access to the people chosen, never to nobody", () => {
    expect(checkAccess(false, ["p1"])).toEqual({ ok: true, only: null });
    expect(checkAccess(true, ["p1", "p2", "p1"])).toEqual({ ok: true, only: ["p1", "p2"] });
    expect(checkAccess(true, [])).toEqual({ ok: false, error: "builder.access.required" });
  });

  it("moves an item one place up or down, not past either end", () => {
    const items = [
      { id: "c", position: 3 },
      { id: "a", position: 1 },
      { id: "b", position: 2 },
    ];
    expect(moveTargets(items, "a")).toEqual({ up: null, down: 2 });
    expect(moveTargets(items, "b")).toEqual({ up: 1, down: 3 });
    expect(moveTargets(items, "c")).toEqual({ up: 2, down: null });
    expect(moveTargets(items, "x")).toEqual({ up: null, down: null });
  });
});

describe("documents", () => {
  it("takes PDF paths only, from either kind of system", () => {
    expect(checkPdfPath("  ")).toEqual({ ok: false, error: "builder.doc.pathRequired" });
    expect(checkPdfPath("D:\\Tài liệu\\Báo cáo.docx")).toEqual({ ok: false, error: "builder.doc.notPdf" });
    expect(checkPdfPath(" D:\\Tài liệu\\Dự thảo.PDF ")).toEqual({ ok: true, path: "D:\\Tài liệu\\Dự thảo.PDF" });
    expect(fileName("D:\\Tài liệu\\Dự thảo.pdf")).toBe("Dự thảo.pdf");
    expect(fileName("/home/thu/ghi chú.txt")).toBe("ghi chú.txt");
  });

  it("splits dropped files into PDFs to attach and others", () => {
    expect(splitDropped(["/a/x.pdf", "/a/y.txt", "C:\\b\\z.Pdf", "/a/pdf"])).toEqual({ pdfs: ["/a/x.pdf", "C:\\b\\z.Pdf"], others: ["/a/y.txt", "/a/pdf"] });
  });

  it("takes an optional title", () => {
    expect(optionalTitle("  ")).toEqual({ ok: true, title: null });
    expect(optionalTitle(" Dự thảo ")).toEqual({ ok: true, title: "Dự thảo" });
    expect(optionalTitle("x".repeat(301))).toEqual({ ok: false, error: "builder.item.titleTooLong" });
  });

  it("reads the marks from the signed manifest", () => {
    expect(documentHandling({ manifest: JSON.stringify({ handling: { no_print: true } }) })).toEqual({ no_print: true, no_export: false });
    expect(documentHandling({ manifest: "{}" })).toEqual({ no_print: false, no_export: false });
    expect(documentHandling({ manifest: "not json" })).toEqual({ no_print: false, no_export: false });
  });

  it("sends a revision's marks only when they change", () => {
    const current = { no_print: true, no_export: false };
    expect(revisedHandling(current, { no_print: true, no_export: false })).toBeNull();
    expect(revisedHandling(current, { no_print: false, no_export: false })).toEqual({ no_print: false, no_export: false });
  });
});

describe("devices waiting for keys", () => {
  const key = (document_id: string, version: number, device_id: string, person_id: string): PendingKey => ({ document_id, version, device_id, person_id, agreement_public_key: "" });
  const names: Record<string, string> = { p1: "Trần Văn Nam", p2: "Nguyễn Thị Lan", p3: "Đỗ Minh Phó" };
  const titles: Record<string, string> = { d1: "Dự thảo Luật Dữ liệu", d2: "Báo cáo kinh tế - xã hội" };

  it("groups by document, names the persons and counts their devices", () => {
    const groups = groupPendingKeys(
      [key("d1", 2, "dev-1", "p1"), key("d1", 2, "dev-2", "p1"), key("d1", 1, "dev-1", "p1"), key("d1", 2, "dev-3", "p2"), key("d2", 1, "dev-4", "p3"), key("d9", 1, "dev-5", "p4")],
      (p) => names[p] ?? p,
      (d) => titles[d] ?? null,
    );
    expect(groups).toEqual([
      { documentId: "d2", title: "Báo cáo kinh tế - xã hội", versions: [1], persons: [{ personId: "p3", name: "Đỗ Minh Phó", devices: 1 }], count: 1 },
      {
        documentId: "d1",
        title: "Dự thảo Luật Dữ liệu",
        versions: [1, 2],
        persons: [
          { personId: "p2", name: "Nguyễn Thị Lan", devices: 1 },
          { personId: "p1", name: "Trần Văn Nam", devices: 2 },
        ],
        count: 4,
      },
      // A document whose title is not known here comes last, shown by its id.
      { documentId: "d9", title: null, versions: [1], persons: [{ personId: "p4", name: "p4", devices: 1 }], count: 1 },
    ]);
  });

  it("is empty when nobody waits", () => {
    expect(groupPendingKeys([], (p) => p, () => null)).toEqual([]);
  });
});

describe("the signatures already in an attached PDF", () => {
  const signature = (fields: Partial<SignatureView>): SignatureView => ({
    signer: "Nguyễn Văn An",
    subject: null,
    issuer: null,
    signed_at: null,
    integrity: "valid",
    changed_after_signing: false,
    trust: "trusted",
    detail: null,
    ...fields,
  });

  it("says nothing of an unsigned PDF, and the worst of the signatures otherwise", () => {
    expect(signatureVerdict([])).toBeNull();
    expect(signatureVerdict([signature({})])).toEqual({ tone: "ok", key: "builder.doc.sigValid", names: "Nguyễn Văn An" });
    expect(signatureVerdict([signature({}), signature({ signer: "Trần Thị Bình", trust: "not_checked" })])).toEqual({
      tone: "warn",
      key: "builder.doc.sigNotChecked",
      names: "Nguyễn Văn An, Trần Thị Bình",
    });
    expect(signatureVerdict([signature({ trust: "untrusted" })])?.key).toBe("builder.doc.sigUntrusted");
    expect(signatureVerdict([signature({ trust: "outside_validity" })])?.tone).toBe("danger");
    // A broken signature outweighs everything, a trusted one beside it included.
    expect(signatureVerdict([signature({}), signature({ integrity: "modified", signer: null })])).toEqual({
      tone: "danger",
      key: "builder.doc.sigInvalid",
      names: "Nguyễn Văn An, ?",
    });
    // Signed earlier, then countersigned: still valid.
    expect(signatureVerdict([signature({ changed_after_signing: true }), signature({})])?.key).toBe("builder.doc.sigValid");
  });
});

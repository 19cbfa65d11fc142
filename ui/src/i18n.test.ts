import { describe, expect, it } from "vitest";
import {
  catalogues,
  errorKey,
  errorMessage,
  interpolate,
  loadLocale,
  LOCALE_STORAGE_KEY,
  placeholders,
  saveLocale,
  translator,
} from "./i18n";
import { en } from "./messages/en";
import { vi } from "./messages/vi";

/** Error codes the engine documents as stable (UiError.code). */
const ENGINE_CODES = [
  "not_enrolled",
  "server_unreachable",
  "unknown_code",
  "code_used",
  "code_expired",
  "malformed_code",
  "already_enrolled",
  "corrupt_profile",
  "invalid_input",
  "not_found",
  "no_key",
  "pdf",
  "undisplayable",
  "pin_required",
  "wrong_pin",
  "pin_retry_later",
  "server_identity",
  "crypto",
  "device_revoked",
  "no_export",
  "lease_expired",
  "invalid_argument",
  // The meeting in session.
  "not_chair",
  "not_yours",
  "not_presenter",
  "session_not_started",
  "session_already_started",
  "session_ended",
  "session_suspended",
  "session_not_suspended",
  "unknown_item",
  "not_current_item",
  "already_requested",
  "not_waiting",
  "nobody_speaking",
  "nobody_waiting",
  "no_speaker_to_reply_to",
  "reply_to_self",
  "document_not_on_item",
  "page_out_of_range",
  "item_not_taken_up",
  "motion_already_open",
  "motion_not_open",
  "replayed_event",
  "needs_room",
  // Brakes on guessing enrolment codes and sign-in answers.
  "too_many_attempts",
];

describe("message catalogues", () => {
  const viKeys = Object.keys(vi).sort();
  const enKeys = Object.keys(en).sort();

  it("every Vietnamese key exists in English", () => {
    expect(viKeys.filter((k) => !(k in en))).toEqual([]);
  });

  it("every English key exists in Vietnamese", () => {
    expect(enKeys.filter((k) => !(k in vi))).toEqual([]);
  });

  it("has no empty messages", () => {
    for (const [locale, cat] of Object.entries(catalogues)) {
      const empty = Object.entries(cat).filter(([, v]) => v.trim() === "").map(([k]) => `${locale}:${k}`);
      expect(empty).toEqual([]);
    }
  });

  it("uses the same placeholders in both languages", () => {
    // Date templates may pick among the fields formatDate() supplies.
    const choices: Record<string, string[]> = { "format.date": ["day", "dayNumeric", "month", "monthName", "year"] };
    const problems = viKeys.flatMap((k) => {
      const a = placeholders(vi[k as keyof typeof vi]);
      const b = placeholders(en[k as keyof typeof en]);
      const allowed = choices[k];
      const ok = allowed
        ? [...a, ...b].every((p) => allowed.includes(p))
        : a.join() === b.join();
      return ok ? [] : [`${k}: vi {${a.join()}} en {${b.join()}}`];
    });
    expect(problems).toEqual([]);
  });

  it("has a message for every documented engine error code", () => {
    expect(ENGINE_CODES.filter((c) => errorKey(c) === null)).toEqual([]);
  });

  it("is really Vietnamese (with diacritics) and really English", () => {
    expect(vi["enroll.title"]).toBe("Đăng ký thiết bị");
    expect(vi["enroll.code"]).toBe("Mã đăng ký");
    expect(vi["enroll.serverUrl"]).toBe("Địa chỉ máy chủ");
    expect(vi["sync.state.offline"]).toBe("Ngoại tuyến");
    expect(vi["role.secretary"]).toBe("Thư ký");
    expect(vi["tabs.builder"]).toBe("Soạn cuộc họp");
    expect(en["tabs.builder"]).toBe("Build meetings");
    expect(vi["builder.savedWaiting"]).toBe("Đã lưu trên máy, sẽ gửi khi có mạng");
    expect(vi["builder.doc.uploading"]).toBe("Đang mã hoá và tải lên…");
    expect(vi["reader.changes"]).toBe("Xem thay đổi");
    expect(en["reader.changes"]).toBe("See what changed");
    expect(vi["handling.noPrint"]).toBe("Không được in");
    expect(vi["handling.noExport"]).toBe("Không được xuất");
    expect(en["enroll.title"]).not.toBe(vi["enroll.title"]);
  });
});

describe("interpolate / translator", () => {
  it("fills placeholders and leaves unknown ones", () => {
    expect(interpolate("{a} và {b}", { a: 1 })).toBe("1 và {b}");
  });

  it("translates per locale", () => {
    expect(translator("vi")("sync.now")).toBe("Đồng bộ ngay");
    expect(translator("en")("sync.now")).toBe("Sync now");
  });
});

describe("errorMessage", () => {
  it("uses the catalogue message for a known code, in the chosen language", () => {
    const err = { code: "unknown_code", message: "enrolment code not recognised" };
    expect(errorMessage(err, "vi")).toBe(vi["error.unknown_code"]);
    expect(errorMessage(err, "en")).toBe(en["error.unknown_code"]);
    expect(errorMessage(err, "vi")).not.toBe(err.message);
  });

  it("quotes the engine's own detail where the catalogue asks for it", () => {
    const err = { code: "invalid_argument", message: "/tmp/a.pdf is not a PDF file (it does not start with %PDF-)" };
    expect(errorMessage(err, "vi")).toBe("Yêu cầu không hợp lệ: /tmp/a.pdf is not a PDF file (it does not start with %PDF-)");
    expect(errorMessage(err, "en")).toBe("The request is not valid: /tmp/a.pdf is not a PDF file (it does not start with %PDF-)");
    expect(errorMessage({ code: "lease_expired", message: "run `ecab sync`" }, "vi")).toBe(vi["error.lease_expired"]);
    expect(errorMessage({ code: "no_export", message: "x" }, "en")).toBe(en["error.no_export"]);
  });

  it("falls back to the engine's message for an unknown code", () => {
    const err = { code: "quota_exceeded", message: "device quota exceeded for organisation" };
    expect(errorMessage(err, "vi")).toBe("device quota exceeded for organisation");
    expect(errorMessage(err, "en")).toBe("device quota exceeded for organisation");
  });

  it("uses the generic message when there is nothing better", () => {
    expect(errorMessage({ code: "weird", message: "  " }, "vi")).toBe(vi["common.unexpectedError"]);
    expect(errorMessage(new TypeError("x is undefined"), "en")).toBe(en["common.unexpectedError"]);
    expect(errorMessage(undefined, "vi")).toBe(vi["common.unexpectedError"]);
  });

  it("does not treat inherited properties as catalogue keys", () => {
    expect(errorKey("constructor")).toBeNull();
    expect(errorKey("toString")).toBeNull();
  });
});

describe("locale persistence", () => {
  function memoryStorage(initial: Record<string, string> = {}) {
    const data = new Map(Object.entries(initial));
    return {
      getItem: (k: string) => data.get(k) ?? null,
      setItem: (k: string, v: string) => void data.set(k, v),
      data,
    };
  }

  it("defaults to Vietnamese", () => {
    expect(loadLocale(memoryStorage())).toBe("vi");
    expect(loadLocale(null)).toBe("vi");
    expect(loadLocale(memoryStorage({ [LOCALE_STORAGE_KEY]: "fr" }))).toBe("vi");
  });

  it("remembers the choice", () => {
    const s = memoryStorage();
    saveLocale("en", s);
    expect(s.data.get(LOCALE_STORAGE_KEY)).toBe("en");
    expect(loadLocale(s)).toBe("en");
  });

  it("survives a storage that throws", () => {
    const broken = {
      getItem: () => {
        throw new Error("denied");
      },
      setItem: () => {
        throw new Error("denied");
      },
    };
    expect(loadLocale(broken)).toBe("vi");
    expect(() => saveLocale("en", broken)).not.toThrow();
  });
});

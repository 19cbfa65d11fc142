/**
 * Vietnamese catalogue — the reference catalogue. Its keys define `MessageKey`;
 * every other catalogue is typed `Catalogue`, so a missing or extra key there is
 * a compile error. Placeholders are written `{name}`.
 */
export const vi = {
  "app.name": "eCabinet",
  "app.documentTitle": "eCabinet — Phòng họp Chính phủ không giấy",
  "app.starting": "Đang khởi động…",
  "app.startFailed": "Không thể khởi động ứng dụng",
  "common.retry": "Thử lại",
  "common.close": "Đóng",
  "common.unexpectedError": "Đã xảy ra lỗi không mong muốn. Vui lòng thử lại.",

  "lang.label": "Ngôn ngữ",
  "lang.vi": "Tiếng Việt",
  "lang.en": "English",
  "lang.vi.short": "VI",
  "lang.en.short": "EN",

  "enroll.title": "Đăng ký thiết bị",
  "enroll.intro":
    "Nhập mã đăng ký do bộ phận thư ký cung cấp để kết nối thiết bị này với hệ thống eCabinet.",
  "enroll.serverUrl": "Địa chỉ máy chủ",
  "enroll.serverUrlHint": "Thường đã được điền sẵn. Chỉ thay đổi khi được hướng dẫn.",
  "enroll.code": "Mã đăng ký",
  "enroll.codeHint": "Mã ghi trên phiếu đăng ký, ví dụ 7QK2-M9XD-4TBN-C8WH.",
  "enroll.codePlaceholder": "7QK2-M9XD-4TBN-C8WH",
  "enroll.deviceName": "Tên thiết bị (không bắt buộc)",
  "enroll.deviceNameHint": "Ví dụ: “Máy tính phòng làm việc”.",
  "enroll.submit": "Đăng ký thiết bị",
  "enroll.submitting": "Đang đăng ký…",
  "enroll.failed": "Chưa đăng ký được thiết bị",
  "enroll.serverUrlRequired": "Vui lòng nhập địa chỉ máy chủ.",
  "enroll.codeRequired": "Vui lòng nhập mã đăng ký.",

  "role.secretary": "Thư ký",
  "role.member": "Thành viên",

  "sync.state.online": "Trực tuyến",
  "sync.state.offline": "Ngoại tuyến",
  "sync.state.never_synced": "Chưa đồng bộ",
  "sync.lastSync": "Đồng bộ lúc {time} {date}",
  "sync.neverSynced": "Chưa đồng bộ lần nào",
  "sync.now": "Đồng bộ ngay",
  "sync.running": "Đang đồng bộ…",
  "sync.failed": "Đồng bộ không thành công: {reason}",
  "sync.statusLabel": "Trạng thái đồng bộ",

  "meetings.heading": "Cuộc họp",
  "meetings.upcoming": "Hôm nay và sắp tới",
  "meetings.past": "Đã diễn ra",
  "meetings.loading": "Đang tải danh sách cuộc họp…",
  "meetings.empty": "Chưa có cuộc họp nào",
  "meetings.emptyHint": "Các cuộc họp sẽ hiển thị tại đây sau khi được đồng bộ.",
  "meetings.loadFailed": "Không tải được danh sách cuộc họp.",

  "meeting.status.draft": "Bản nháp",
  "meeting.status.published": "Đã công bố",
  "meeting.status.cancelled": "Đã hủy",

  "agenda.heading": "Chương trình họp",
  "agenda.selectPrompt": "Chọn một cuộc họp để xem chương trình họp.",
  "agenda.loading": "Đang tải chương trình họp…",
  "agenda.empty": "Chương trình họp chưa có nội dung.",
  "agenda.documents": "Tài liệu",
  "agenda.documentMeta": "bản {version} · {size}",
  "agenda.loadFailed": "Không tải được chương trình họp.",

  "format.date": "{day}/{month}/{year}",
  "format.time": "{hour}:{minute}",
  "format.meetingWhen": "{weekday}, {date} · {time}",
  "weekday.0": "Chủ Nhật",
  "weekday.1": "Thứ Hai",
  "weekday.2": "Thứ Ba",
  "weekday.3": "Thứ Tư",
  "weekday.4": "Thứ Năm",
  "weekday.5": "Thứ Sáu",
  "weekday.6": "Thứ Bảy",
  "month.1": "tháng 1",
  "month.2": "tháng 2",
  "month.3": "tháng 3",
  "month.4": "tháng 4",
  "month.5": "tháng 5",
  "month.6": "tháng 6",
  "month.7": "tháng 7",
  "month.8": "tháng 8",
  "month.9": "tháng 9",
  "month.10": "tháng 10",
  "month.11": "tháng 11",
  "month.12": "tháng 12",

  "error.not_enrolled": "Thiết bị này chưa được đăng ký.",
  "error.server_unreachable":
    "Không kết nối được với máy chủ. Vui lòng kiểm tra kết nối mạng và địa chỉ máy chủ.",
  "error.unknown_code": "Mã đăng ký không đúng. Vui lòng kiểm tra lại mã đã được cấp.",
  "error.code_used":
    "Mã đăng ký này đã được sử dụng. Vui lòng liên hệ bộ phận thư ký để được cấp mã mới.",
  "error.code_expired":
    "Mã đăng ký đã hết hạn. Vui lòng liên hệ bộ phận thư ký để được cấp mã mới.",
  "error.malformed_code": "Mã đăng ký không đúng định dạng (ví dụ: 7QK2-M9XD-4TBN-C8WH).",
  "error.already_enrolled": "Thiết bị này đã được đăng ký.",
  "error.corrupt_profile":
    "Dữ liệu đăng ký trên thiết bị bị hỏng. Vui lòng liên hệ bộ phận hỗ trợ kỹ thuật.",
  "error.invalid_input": "Thông tin nhập vào không hợp lệ. Vui lòng kiểm tra lại.",
  "error.not_found": "Không tìm thấy dữ liệu được yêu cầu.",
} as const satisfies Record<string, string>;

export type MessageKey = keyof typeof vi;

/** A complete catalogue: exactly the keys of the Vietnamese one. */
export type Catalogue = { readonly [K in MessageKey]: string };

//! The demo organisation that `serve --demo` creates on first start, so a
//! new installation has something real to show: a secretariat, three
//! members and an upcoming cabinet meeting with its agenda.

use chrono::{Datelike, Duration, TimeZone, Utc, Weekday};
use ecabinet_domain::{Meeting, Organisation, Person, Role};

use crate::services::{Caller, ServiceResult, Services};

pub const ORGANISATION: &str = "Chính phủ (dữ liệu mẫu)";
pub const SECRETARY: &str = "Nguyễn Văn An";
pub const MEMBERS: [&str; 3] = ["Trần Thị Bình", "Lê Văn Cường", "Phạm Thị Dung"];
pub const MEETING_TITLE: &str = "Phiên họp Chính phủ thường kỳ";
pub const AGENDA: [&str; 3] = [
    "Báo cáo tình hình kinh tế - xã hội tháng và nhiệm vụ trọng tâm tháng tới",
    "Dự thảo Nghị định về giao dịch điện tử trong hoạt động của cơ quan nhà nước",
    "Đề án chuyển đổi số quốc gia: kết quả và kế hoạch năm tới",
];

/// Who presents each demo item, and what the secretariat recommends.
const AGENDA_DETAILS: [(&str, &str); 3] = [
    (
        "Bộ Tài chính",
        "Cho ý kiến về báo cáo; thống nhất các nhiệm vụ trọng tâm tháng tới.",
    ),
    (
        "Bộ Khoa học và Công nghệ",
        "Thông qua dự thảo Nghị định, giao Bộ chủ trì tiếp thu ý kiến và hoàn thiện.",
    ),
    (
        "Bộ Khoa học và Công nghệ",
        "Cho ý kiến về kết quả và thông qua kế hoạch năm tới.",
    ),
];

#[derive(Debug)]
pub struct DemoSummary {
    pub organisation: Organisation,
    pub secretary: Person,
    pub members: Vec<Person>,
    pub meeting: Meeting,
}

/// Seeds the demo unless the server already has an organisation; returns what it made.
pub async fn seed(services: &Services) -> ServiceResult<Option<DemoSummary>> {
    if services.store().organisation().await?.is_some() {
        return Ok(None);
    }
    let organisation = services.ensure_organisation(ORGANISATION).await?;
    let secretary = services.create_person(SECRETARY, Role::Secretary).await?;
    let mut members = Vec::new();
    for name in MEMBERS {
        members.push(services.create_person(name, Role::Member).await?);
    }
    let acting = Caller::acting_as(secretary.clone());
    let meeting = services
        .create_meeting(
            &acting,
            ecabinet_domain::MeetingId::new(),
            ecabinet_domain::api::CreateMeetingRequest {
                title: MEETING_TITLE.into(),
                starts_at: next_thursday_morning(),
                details: ecabinet_domain::MeetingDetails {
                    kind: ecabinet_domain::MeetingKind::Regular,
                    place: Some(
                        "Phòng họp số 1, Văn phòng Chính phủ, 1 Hoàng Hoa Thám, Hà Nội".into(),
                    ),
                    participants: Vec::new(),
                    substitutes: Vec::new(),
                    chair: None,
                },
                draft: false,
            },
        )
        .await?;
    for (title, (ministry, action)) in AGENDA.into_iter().zip(AGENDA_DETAILS) {
        let details = ecabinet_domain::ItemDetails {
            presenting_ministry: Some(ministry.to_owned()),
            summary: None,
            recommended_action: Some(action.to_owned()),
            status: ecabinet_domain::ItemStatus::Scheduled,
            presenter: None,
        };
        services
            .add_agenda_item(
                &acting,
                ecabinet_domain::AgendaItemId::new(),
                meeting.id,
                title,
                None,
                &details,
            )
            .await?;
    }
    Ok(Some(DemoSummary {
        organisation,
        secretary,
        members,
        meeting,
    }))
}

/// Cabinet meets on Thursdays; 08:00 in Hà Nội is 01:00 UTC.
fn next_thursday_morning() -> chrono::DateTime<Utc> {
    let today = Utc::now().date_naive();
    let mut day = today + Duration::days(1);
    while day.weekday() != Weekday::Thu {
        day += Duration::days(1);
    }
    let naive = day.and_hms_opt(1, 0, 0).unwrap_or_default();
    Utc.from_utc_datetime(&naive)
}

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
        .create_meeting(&acting, MEETING_TITLE, next_thursday_morning())
        .await?;
    for title in AGENDA {
        services
            .add_agenda_item(&acting, meeting.id, title, None)
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

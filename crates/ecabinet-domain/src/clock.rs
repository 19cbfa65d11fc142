//! The cabinet's clock. Every time a person reads (watermarks, minutes,
//! opinion reports, signing times, report periods, the app itself) is
//! Vietnam's time, UTC+7 all year (no daylight saving), whatever zone the
//! device is set to: a minister abroad and a server kept in UTC show the
//! same hour as the meeting room. Stored and exchanged times stay UTC.

use chrono::{DateTime, FixedOffset, NaiveDate, Offset, Utc};

/// Vietnam's offset from UTC (Asia/Ho_Chi_Minh; the UI's `TIME_ZONE`).
pub const CABINET_UTC_OFFSET_SECONDS: i32 = 7 * 3600;

pub fn cabinet_offset() -> FixedOffset {
    FixedOffset::east_opt(CABINET_UTC_OFFSET_SECONDS).unwrap_or_else(|| Utc.fix())
}

/// `t` on the cabinet's clock.
pub fn cabinet_time(t: DateTime<Utc>) -> DateTime<FixedOffset> {
    t.with_timezone(&cabinet_offset())
}

/// Now, on the cabinet's clock.
pub fn cabinet_now() -> DateTime<FixedOffset> {
    cabinet_time(Utc::now())
}

/// The day it is in Hà Nội.
pub fn cabinet_today() -> NaiveDate {
    cabinet_now().date_naive()
}

/// Midnight at the start of `day` in Hà Nội, as an instant.
pub fn cabinet_midnight(day: NaiveDate) -> DateTime<Utc> {
    let midnight = day.and_hms_opt(0, 0, 0).unwrap_or_default();
    (midnight - chrono::Duration::seconds(i64::from(CABINET_UTC_OFFSET_SECONDS))).and_utc()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn hanoi_is_seven_hours_ahead_all_year() {
        let winter = Utc
            .with_ymd_and_hms(2026, 12, 31, 18, 30, 0)
            .single()
            .expect("a time");
        assert_eq!(
            cabinet_time(winter).format("%H:%M %d/%m/%Y").to_string(),
            "01:30 01/01/2027"
        );
        let summer = Utc
            .with_ymd_and_hms(2026, 7, 1, 0, 0, 0)
            .single()
            .expect("a time");
        assert_eq!(cabinet_time(summer).format("%H:%M").to_string(), "07:00");
        let day = NaiveDate::from_ymd_opt(2026, 12, 1).expect("a day");
        assert_eq!(
            cabinet_midnight(day).to_rfc3339(),
            "2026-11-30T17:00:00+00:00"
        );
    }
}

//! `ecab report stats`: the figures for the national reporting system, as
//! JSON or CSV (the file's extension says which). Dates are days in Hà Nội
//! (the cabinet's clock, as the desktop's dashboard counts them), both ends
//! included.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use clap::Subcommand;
use ecabinet_client::{Client, ClientError};
use ecabinet_domain::clock::cabinet_midnight;
use ecabinet_domain::stats::{statistics_csv, Statistics};

use crate::output::Printer;

#[derive(Subcommand)]
pub enum ReportCommand {
    /// Meetings held, items by outcome, opinion rounds (response rate,
    /// median time to answer, late answers) and votes (turnout).
    Stats {
        /// First day of the period (YYYY-MM-DD); none: from the first meeting.
        #[arg(long)]
        from: Option<NaiveDate>,
        /// Last day of the period, included (YYYY-MM-DD); none: up to now and beyond.
        #[arg(long)]
        to: Option<NaiveDate>,
        /// stats.json or stats.csv
        #[arg(long)]
        out: PathBuf,
    },
}

pub async fn run(profile: &Path, command: ReportCommand, out: &Printer) -> Result<(), ClientError> {
    let ReportCommand::Stats {
        from,
        to,
        out: file,
    } = command;
    let format = Format::of(&file)?;
    let client = Client::open(profile).await?;
    let from = from.map(cabinet_midnight);
    // The last day is included: the period ends at the next midnight.
    let to = match to {
        Some(day) => Some(cabinet_midnight(day.succ_opt().ok_or_else(|| {
            ClientError::InvalidArgument(format!("{day} is the last day there is"))
        })?)),
        None => None,
    };
    let stats = client.statistics(from, to).await?;
    let text = match format {
        Format::Json => serde_json::to_string_pretty(&stats)
            .map_err(|e| ClientError::Protocol(e.to_string()))?,
        Format::Csv => statistics_csv(&stats),
    };
    ecabinet_client::write_output_file(&file, text.as_bytes())?;
    summary(&stats, &file, out);
    Ok(())
}

enum Format {
    Json,
    Csv,
}

impl Format {
    fn of(file: &Path) -> Result<Format, ClientError> {
        match file
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            Some("json") => Ok(Format::Json),
            Some("csv") => Ok(Format::Csv),
            _ => Err(ClientError::InvalidArgument(format!(
                "{}: the report is written as .json or .csv; name the file so",
                file.display()
            ))),
        }
    }
}

fn summary(stats: &Statistics, file: &Path, out: &Printer) {
    let total = &stats.total;
    if out.json_enabled() {
        out.print_json(&serde_json::json!({ "file": file, "statistics": stats }));
        return;
    }
    let percent =
        |v: Option<f64>| v.map_or_else(|| "–".to_owned(), |v| format!("{:.0}%", v * 100.0));
    println!(
        "{} meetings ({} held, {} cancelled); {} items: {} adopted ({} without discussion), {} deferred, {} withdrawn, {} noted, {} undecided",
        total.meetings,
        total.held,
        total.cancelled,
        total.items,
        total.outcomes.adopted,
        total.adopted_without_discussion,
        total.outcomes.deferred,
        total.outcomes.withdrawn,
        total.outcomes.noted,
        total.outcomes.undecided
    );
    println!(
        "{} opinion rounds: {} of {} answered in time ({}), {} late, median {} to answer; {} votes, turnout {}",
        total.opinion_rounds,
        total.opinions_answered,
        total.opinions_requested,
        percent(total.response_rate),
        total.late_answers,
        total
            .median_hours_to_answer
            .map_or_else(|| "–".to_owned(), |h| format!("{h:.1} h")),
        total.votes,
        percent(total.turnout)
    );
    out.note(&format!("wrote {}", file.display()));
}

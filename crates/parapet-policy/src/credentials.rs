//! IAM credential report columns (`credential_report.*` attributes, the
//! "last used" ones under `observed.`), and ages counted from the scan time.

use parapet_core::{parse_rfc3339, Resource, Timestamp};

use crate::rule::Unknown;

const DAY_MS: i64 = 86_400_000;

/// A date column of the credential report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportDate {
    /// `N/A`: never happened (a key never used, a password never set).
    Never,
    At(Timestamp),
    /// `no_information` / `not_supported`: IAM does not know.
    Unavailable,
}

fn cell<'a>(resource: &'a Resource, column: &str) -> Option<&'a str> {
    resource
        .str(&format!("credential_report.{column}"))
        .or_else(|| resource.str(&format!("observed.credential_report.{column}")))
}

/// A true/false column; Unknown when the report was not read.
pub fn report_flag(resource: &Resource, column: &str) -> Result<bool, Unknown> {
    match cell(resource, column) {
        Some(v) => Ok(v.eq_ignore_ascii_case("true")),
        None => Err(Unknown(format!(
            "credential report column `{column}` not recorded"
        ))),
    }
}

pub fn report_date(resource: &Resource, column: &str) -> Result<ReportDate, Unknown> {
    let Some(value) = cell(resource, column) else {
        return Err(Unknown(format!(
            "credential report column `{column}` not recorded"
        )));
    };
    Ok(match value {
        "N/A" | "" => ReportDate::Never,
        "no_information" | "not_supported" => ReportDate::Unavailable,
        text => parse_rfc3339(text).map_or(ReportDate::Unavailable, ReportDate::At),
    })
}

/// Whole days from `then` to `now`.
pub fn days_between(then: Timestamp, now: Timestamp) -> i64 {
    (now.0 - then.0).div_euclid(DAY_MS)
}

/// An RFC 3339 attribute (or map member) as a timestamp.
pub fn timestamp(text: Option<&str>) -> Option<Timestamp> {
    text.and_then(parse_rfc3339)
}

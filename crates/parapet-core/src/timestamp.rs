//! RFC 3339 timestamps, parsed without a date library: CloudTrail writes
//! `2024-07-30T21:53:13Z`, other sources add fractions and offsets.

use std::fmt;

/// Milliseconds since the Unix epoch, UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(pub i64);

/// The calendar fields of a timestamp, in UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CivilTime {
    pub year: i64,
    pub month: u32,
    pub day: u32,
    pub hour: u32,
    pub minute: u32,
    pub second: u32,
}

/// Parses `YYYY-MM-DD`, `YYYY-MM-DDTHH:MM[:SS[.frac]]` with an optional `Z` or
/// `±HH:MM` offset (no offset means UTC). A space may stand for the `T`.
pub fn parse_rfc3339(text: &str) -> Option<Timestamp> {
    let b = text.trim().as_bytes();
    let year = digits(b, 0, 4)?;
    if b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') {
        return None;
    }
    let month = digits(b, 5, 2)?;
    let day = digits(b, 8, 2)?;
    if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month as u32) as i64 {
        return None;
    }
    let mut millis_of_day = 0i64;
    let mut offset_minutes = 0i64;
    if b.len() > 10 {
        if !matches!(b[10], b'T' | b't' | b' ') {
            return None;
        }
        let hour = digits(b, 11, 2)?;
        if b.get(13) != Some(&b':') {
            return None;
        }
        let minute = digits(b, 14, 2)?;
        let mut pos = 16;
        let mut second = 0;
        if b.get(pos) == Some(&b':') {
            second = digits(b, 17, 2)?;
            pos = 19;
        }
        if hour > 23 || minute > 59 || second > 60 {
            return None;
        }
        let mut millis = 0i64;
        if b.get(pos) == Some(&b'.') {
            pos += 1;
            let start = pos;
            while pos < b.len() && b[pos].is_ascii_digit() {
                if pos - start < 3 {
                    millis = millis * 10 + i64::from(b[pos] - b'0');
                }
                pos += 1;
            }
            if pos == start {
                return None;
            }
            for _ in (pos - start)..3 {
                millis *= 10;
            }
        }
        match b.get(pos) {
            None => {}
            Some(b'Z' | b'z') if pos + 1 == b.len() => {}
            Some(sign @ (b'+' | b'-')) => {
                let off_h = digits(b, pos + 1, 2)?;
                let colon = usize::from(b.get(pos + 3) == Some(&b':'));
                let off_m = digits(b, pos + 3 + colon, 2)?;
                if pos + 5 + colon != b.len() || off_h > 23 || off_m > 59 {
                    return None;
                }
                offset_minutes = (off_h * 60 + off_m) * if *sign == b'-' { -1 } else { 1 };
            }
            _ => return None,
        }
        millis_of_day = ((hour * 60 + minute) * 60 + second) * 1000 + millis;
    }
    let days = days_from_civil(year, month as u32, day as u32);
    Some(Timestamp(
        days * 86_400_000 + millis_of_day - offset_minutes * 60_000,
    ))
}

fn digits(b: &[u8], start: usize, len: usize) -> Option<i64> {
    let slice = b.get(start..start + len)?;
    slice.iter().try_fold(0i64, |acc, &c| {
        c.is_ascii_digit().then(|| acc * 10 + i64::from(c - b'0'))
    })
}

fn is_leap(year: i64) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

// Howard Hinnant's days_from_civil / civil_from_days algorithms.
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

impl Timestamp {
    pub fn civil(self) -> CivilTime {
        let days = self.0.div_euclid(86_400_000);
        let secs = self.0.rem_euclid(86_400_000) / 1000;
        let (year, month, day) = civil_from_days(days);
        CivilTime {
            year,
            month,
            day,
            hour: (secs / 3600) as u32,
            minute: (secs / 60 % 60) as u32,
            second: (secs % 60) as u32,
        }
    }

    /// ISO 8601 week number (1..=53).
    pub fn iso_week(self) -> u32 {
        let days = self.0.div_euclid(86_400_000);
        // 1970-01-01 was a Thursday; ISO weekday 1 = Monday.
        let weekday = (days + 3).rem_euclid(7) + 1;
        let thursday = days - weekday + 4;
        let (year, _, _) = civil_from_days(thursday);
        let first_day = days_from_civil(year, 1, 1);
        ((thursday - first_day) / 7 + 1) as u32
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let c = self.civil();
        write!(
            f,
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
            c.year, c.month, c.day, c.hour, c.minute, c.second
        )?;
        match self.0.rem_euclid(1000) {
            0 => f.write_str("Z"),
            ms => write!(f, ".{ms:03}Z"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn parses_cloudtrail_and_offset_forms() {
        let ts = parse_rfc3339("2024-07-30T21:53:13Z").unwrap();
        assert_eq!(ts.0, 1_722_376_393_000);
        assert_eq!(parse_rfc3339("2024-07-30T23:53:13+02:00"), Some(ts));
        assert_eq!(
            parse_rfc3339("2024-07-30T21:53:13.5Z").unwrap().0,
            ts.0 + 500
        );
        assert_eq!(parse_rfc3339("2024-07-30").unwrap().0, 1_722_297_600_000);
        assert_eq!(ts.to_string(), "2024-07-30T21:53:13Z");
    }

    #[test]
    fn rejects_malformed_times() {
        for bad in [
            "",
            "2024-13-01",
            "2024-02-30",
            "2024-07-30T25:00:00Z",
            "2024-07-30T21:53:13Zjunk",
            "yesterday",
        ] {
            assert_eq!(parse_rfc3339(bad), None, "{bad}");
        }
    }

    #[test]
    fn civil_fields_and_iso_weeks() {
        let ts = parse_rfc3339("2021-01-03T04:05:06Z").unwrap();
        let c = ts.civil();
        assert_eq!(
            (c.year, c.month, c.day, c.hour, c.minute, c.second),
            (2021, 1, 3, 4, 5, 6)
        );
        assert_eq!(ts.iso_week(), 53); // 2021-01-03 belongs to week 53 of 2020
        assert_eq!(parse_rfc3339("2024-07-30").unwrap().iso_week(), 31);
    }

    proptest! {
        #[test]
        fn display_then_parse_round_trips(millis in -2_000_000_000_000i64..20_000_000_000_000i64) {
            let ts = Timestamp(millis);
            prop_assert_eq!(parse_rfc3339(&ts.to_string()), Some(ts));
        }

        #[test]
        fn never_panics(text in ".{0,40}") {
            let _ = parse_rfc3339(&text);
        }
    }
}

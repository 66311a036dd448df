//! CVSS base scores from vectors: v3.0/v3.1 and v2 are computed with the
//! formulas of their specifications; v4.0 vectors are kept without a score
//! (its score needs FIRST's macro-vector table).

use parapet_core::{CvssScore, Level};

/// Parses an OSV severity entry (`CVSS_V3` and its vector).
pub fn parse_vector(kind: &str, vector: &str) -> Option<CvssScore> {
    let vector = vector.trim();
    let (version, base_score) = if let Some(rest) = vector.strip_prefix("CVSS:3.1/") {
        ("3.1", v3_base_score(rest))
    } else if let Some(rest) = vector.strip_prefix("CVSS:3.0/") {
        ("3.0", v3_base_score(rest))
    } else if vector.starts_with("CVSS:4.0/") {
        ("4.0", None)
    } else if kind == "CVSS_V2" || vector.starts_with("AV:") {
        (
            "2.0",
            v2_base_score(vector.trim_start_matches("(").trim_end_matches(")")),
        )
    } else {
        return None;
    };
    Some(CvssScore {
        version: version.to_string(),
        vector: vector.to_string(),
        base_score,
    })
}

/// The qualitative rating of a base score (CVSS v3 table; 0 is None, which
/// Parapet calls informational).
pub fn level_of_score(score: f64) -> Level {
    if score >= 9.0 {
        Level::Critical
    } else if score >= 7.0 {
        Level::High
    } else if score >= 4.0 {
        Level::Medium
    } else if score > 0.0 {
        Level::Low
    } else {
        Level::Informational
    }
}

/// A database's severity word (GHSA, Debian urgency, RustSec).
pub fn level_of_word(word: &str) -> Option<Level> {
    Some(match word.trim().to_ascii_lowercase().as_str() {
        "critical" => Level::Critical,
        "high" | "important" => Level::High,
        "moderate" | "medium" => Level::Medium,
        "low" | "unimportant" | "negligible" => Level::Low,
        _ => return None,
    })
}

fn metrics(vector: &str) -> impl Iterator<Item = (&str, &str)> {
    vector.split('/').filter_map(|part| part.split_once(':'))
}

fn v3_base_score(vector: &str) -> Option<f64> {
    let (mut av, mut ac, mut pr, mut ui, mut scope_changed) = (None, None, None, None, None);
    let (mut c, mut i, mut a) = (None, None, None);
    for (key, value) in metrics(vector) {
        match key {
            "AV" => {
                av = Some(match value {
                    "N" => 0.85,
                    "A" => 0.62,
                    "L" => 0.55,
                    "P" => 0.2,
                    _ => return None,
                })
            }
            "AC" => {
                ac = Some(match value {
                    "L" => 0.77,
                    "H" => 0.44,
                    _ => return None,
                })
            }
            "PR" => pr = Some(value.to_string()),
            "UI" => {
                ui = Some(match value {
                    "N" => 0.85,
                    "R" => 0.62,
                    _ => return None,
                })
            }
            "S" => {
                scope_changed = Some(match value {
                    "U" => false,
                    "C" => true,
                    _ => return None,
                })
            }
            "C" => c = Some(cia(value)?),
            "I" => i = Some(cia(value)?),
            "A" => a = Some(cia(value)?),
            _ => {}
        }
    }
    let (av, ac, ui, changed) = (av?, ac?, ui?, scope_changed?);
    let pr = match (pr?.as_str(), changed) {
        ("N", _) => 0.85,
        ("L", false) => 0.62,
        ("L", true) => 0.68,
        ("H", false) => 0.27,
        ("H", true) => 0.5,
        _ => return None,
    };
    let iss = 1.0 - (1.0 - c?) * (1.0 - i?) * (1.0 - a?);
    let impact = if changed {
        7.52 * (iss - 0.029) - 3.25 * (iss - 0.02f64).powi(15)
    } else {
        6.42 * iss
    };
    if impact <= 0.0 {
        return Some(0.0);
    }
    let exploitability = 8.22 * av * ac * pr * ui;
    let score = if changed {
        (1.08 * (impact + exploitability)).min(10.0)
    } else {
        (impact + exploitability).min(10.0)
    };
    Some(round_up(score))
}

fn cia(value: &str) -> Option<f64> {
    match value {
        "H" => Some(0.56),
        "L" => Some(0.22),
        "N" => Some(0.0),
        _ => None,
    }
}

/// CVSS v3.1's Roundup: the smallest number with one decimal at or above
/// the input, computed on integers to avoid floating-point surprises.
fn round_up(value: f64) -> f64 {
    let int = (value * 100_000.0).round() as i64;
    if int % 10_000 == 0 {
        int as f64 / 100_000.0
    } else {
        ((int / 10_000) + 1) as f64 / 10.0
    }
}

fn v2_base_score(vector: &str) -> Option<f64> {
    let (mut av, mut ac, mut au, mut c, mut i, mut a) = (None, None, None, None, None, None);
    for (key, value) in metrics(vector) {
        let impact = || match value {
            "N" => Some(0.0),
            "P" => Some(0.275),
            "C" => Some(0.660),
            _ => None,
        };
        match key {
            "AV" => {
                av = Some(match value {
                    "L" => 0.395,
                    "A" => 0.646,
                    "N" => 1.0,
                    _ => return None,
                })
            }
            "AC" => {
                ac = Some(match value {
                    "H" => 0.35,
                    "M" => 0.61,
                    "L" => 0.71,
                    _ => return None,
                })
            }
            "Au" => {
                au = Some(match value {
                    "M" => 0.45,
                    "S" => 0.56,
                    "N" => 0.704,
                    _ => return None,
                })
            }
            "C" => c = Some(impact()?),
            "I" => i = Some(impact()?),
            "A" => a = Some(impact()?),
            _ => {}
        }
    }
    let impact = 10.41 * (1.0 - (1.0 - c?) * (1.0 - i?) * (1.0 - a?));
    let exploitability = 20.0 * av? * ac? * au?;
    let f = if impact == 0.0 { 0.0 } else { 1.176 };
    let score: f64 = ((0.6 * impact) + (0.4 * exploitability) - 1.5) * f;
    Some((score * 10.0).round() / 10.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn score(vector: &str) -> Option<f64> {
        parse_vector("CVSS_V3", vector).and_then(|s| s.base_score)
    }

    #[test]
    fn v3_scores_match_nvd_published_scores() {
        // Scores as NVD publishes them for these vectors.
        assert_eq!(
            score("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"),
            Some(9.8)
        );
        assert_eq!(
            score("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H"),
            Some(10.0)
        );
        assert_eq!(
            score("CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N"),
            Some(6.1)
        );
        assert_eq!(
            score("CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:N/A:N"),
            Some(5.9)
        );
        assert_eq!(
            score("CVSS:3.0/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H"),
            Some(7.8)
        );
        assert_eq!(
            score("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H"),
            Some(7.5)
        );
        assert_eq!(
            score("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N"),
            Some(0.0)
        );
        assert_eq!(
            score("CVSS:3.1/AV:P/AC:H/PR:H/UI:R/S:U/C:L/I:N/A:N"),
            Some(1.6)
        );
    }

    #[test]
    fn v2_scores_and_other_versions() {
        let v2 = parse_vector("CVSS_V2", "AV:N/AC:L/Au:N/C:P/I:P/A:P").unwrap();
        assert_eq!((v2.version.as_str(), v2.base_score), ("2.0", Some(7.5)));
        let v2 = parse_vector("CVSS_V2", "AV:N/AC:M/Au:N/C:N/I:P/A:N").unwrap();
        assert_eq!(v2.base_score, Some(4.3));
        let v4 = parse_vector(
            "CVSS_V4",
            "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
        )
        .unwrap();
        assert_eq!((v4.version.as_str(), v4.base_score), ("4.0", None));
        assert_eq!(score("CVSS:3.1/AV:X/AC:L"), None);
        assert!(parse_vector("CVSS_V3", "garbage").is_none());
    }

    #[test]
    fn ratings() {
        assert_eq!(level_of_score(9.8), Level::Critical);
        assert_eq!(level_of_score(7.0), Level::High);
        assert_eq!(level_of_score(4.3), Level::Medium);
        assert_eq!(level_of_score(0.1), Level::Low);
        assert_eq!(level_of_word("MODERATE"), Some(Level::Medium));
    }
}

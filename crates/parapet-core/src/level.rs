use std::fmt;
use std::str::FromStr;

/// Sigma's rule levels, ordered from least to most severe.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Default,
    serde::Serialize,
    serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Informational,
    Low,
    #[default]
    Medium,
    High,
    Critical,
}

impl Level {
    pub const ALL: [Level; 5] = [
        Level::Informational,
        Level::Low,
        Level::Medium,
        Level::High,
        Level::Critical,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Level::Informational => "informational",
            Level::Low => "low",
            Level::Medium => "medium",
            Level::High => "high",
            Level::Critical => "critical",
        }
    }

    /// OCSF `severity_id` (1 informational .. 5 critical).
    pub fn ocsf_severity_id(self) -> u8 {
        self as u8 + 1
    }

    /// OCSF `severity` caption.
    pub fn ocsf_severity(self) -> &'static str {
        match self {
            Level::Informational => "Informational",
            Level::Low => "Low",
            Level::Medium => "Medium",
            Level::High => "High",
            Level::Critical => "Critical",
        }
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseLevelError(pub String);

impl fmt::Display for ParseLevelError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unknown level `{}`; expected one of informational, low, medium, high, critical",
            self.0
        )
    }
}

impl std::error::Error for ParseLevelError {}

impl FromStr for Level {
    type Err = ParseLevelError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Level::ALL
            .into_iter()
            .find(|level| level.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| ParseLevelError(s.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_order_by_severity_and_parse_case_insensitively() {
        assert!(Level::Informational < Level::Low && Level::High < Level::Critical);
        assert_eq!("HIGH".parse::<Level>(), Ok(Level::High));
        assert!("severe".parse::<Level>().is_err());
        assert_eq!(Level::Critical.ocsf_severity_id(), 5);
    }
}

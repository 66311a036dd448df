//! OSV advisories: read from the OSV schema (JSON, or the YAML of the PyPA
//! advisory database), kept in a compact form for the database.

use serde::{Deserialize, Deserializer, Serialize};

use crate::error::VulnError;

/// The part of an OSV advisory Parapet keeps.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Advisory {
    pub id: String,
    pub modified: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub withdrawn: Option<String>,
    #[serde(default)]
    pub aliases: Vec<String>,
    #[serde(default)]
    pub summary: String,
    #[serde(default)]
    pub details: String,
    /// CVSS vectors (`type` is `CVSS_V2`, `CVSS_V3`, `CVSS_V4`).
    #[serde(default)]
    pub severity: Vec<SeverityEntry>,
    /// A database's own word for the severity (GHSA `HIGH`, Debian urgency).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub database_severity: Option<String>,
    #[serde(default)]
    pub affected: Vec<Affected>,
    #[serde(default)]
    pub references: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SeverityEntry {
    #[serde(rename = "type")]
    pub kind: String,
    pub score: String,
}

/// One affected package of an advisory.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Affected {
    pub ecosystem: String,
    pub name: String,
    #[serde(default)]
    pub ranges: Vec<Range>,
    /// Versions listed one by one (affected whatever the ranges say).
    #[serde(default)]
    pub versions: Vec<String>,
    #[serde(default)]
    pub severity: Vec<SeverityEntry>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum RangeKind {
    #[serde(rename = "SEMVER")]
    SemVer,
    #[serde(rename = "ECOSYSTEM")]
    Ecosystem,
    /// Commit ranges: need the repository history, so never matched on a
    /// version (OSV exports enumerate the versions they cover).
    #[serde(rename = "GIT")]
    Git,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Range {
    #[serde(rename = "type")]
    pub kind: RangeKind,
    pub events: Vec<RangeEvent>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RangeEvent {
    Introduced(String),
    Fixed(String),
    LastAffected(String),
    Limit(String),
}

impl Advisory {
    /// Reads one OSV advisory; `name` (its file) goes into the error.
    pub fn from_osv(bytes: &[u8], name: &str) -> Result<Advisory, VulnError> {
        let yaml = name.ends_with(".yaml") || name.ends_with(".yml");
        let raw: RawAdvisory = if yaml {
            serde_yaml::from_slice(bytes).map_err(|e| VulnError::advisory(name, e.to_string()))?
        } else {
            crate::json::parse(bytes, name)?
        };
        raw.into_advisory(name)
    }

    /// Every fixed version named for `affected`, in the advisory's order.
    pub fn fixed_versions(affected: &Affected) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for range in &affected.ranges {
            if range.kind == RangeKind::Git {
                continue;
            }
            for event in &range.events {
                if let RangeEvent::Fixed(v) = event {
                    if !out.contains(v) {
                        out.push(v.clone());
                    }
                }
            }
        }
        out
    }
}

#[derive(Deserialize)]
struct RawAdvisory {
    #[serde(default)]
    id: Option<String>,
    #[serde(default, deserialize_with = "text")]
    modified: String,
    #[serde(default, deserialize_with = "opt_text")]
    published: Option<String>,
    #[serde(default, deserialize_with = "opt_text")]
    withdrawn: Option<String>,
    #[serde(default, deserialize_with = "null_default")]
    aliases: Vec<String>,
    #[serde(default, deserialize_with = "null_default")]
    summary: String,
    #[serde(default, deserialize_with = "null_default")]
    details: String,
    #[serde(default, deserialize_with = "null_default")]
    severity: Vec<SeverityEntry>,
    #[serde(default, deserialize_with = "null_default")]
    affected: Vec<RawAffected>,
    #[serde(default, deserialize_with = "null_default")]
    references: Vec<RawReference>,
    #[serde(default, deserialize_with = "null_default")]
    database_specific: DatabaseSpecific,
}

#[derive(Deserialize, Default)]
struct DatabaseSpecific {
    #[serde(default, deserialize_with = "opt_text")]
    severity: Option<String>,
}

#[derive(Deserialize)]
struct RawReference {
    #[serde(default, deserialize_with = "null_default")]
    url: String,
}

#[derive(Deserialize)]
struct RawAffected {
    #[serde(default, deserialize_with = "null_default")]
    package: RawPackage,
    #[serde(default, deserialize_with = "null_default")]
    ranges: Vec<RawRange>,
    #[serde(default, deserialize_with = "null_default")]
    versions: Vec<Scalar>,
    #[serde(default, deserialize_with = "null_default")]
    severity: Vec<SeverityEntry>,
}

#[derive(Deserialize, Default)]
struct RawPackage {
    #[serde(default, deserialize_with = "null_default")]
    ecosystem: String,
    #[serde(default, deserialize_with = "null_default")]
    name: String,
}

#[derive(Deserialize)]
struct RawRange {
    #[serde(rename = "type", default, deserialize_with = "null_default")]
    kind: String,
    #[serde(default, deserialize_with = "null_default")]
    events: Vec<std::collections::BTreeMap<String, Scalar>>,
}

/// A version written as a YAML number (`0`, `1.5`) still names a version.
#[derive(Deserialize)]
#[serde(untagged)]
enum Scalar {
    Text(String),
    Int(i64),
    Float(f64),
}

impl Scalar {
    fn into_text(self) -> String {
        match self {
            Scalar::Text(s) => s,
            Scalar::Int(i) => i.to_string(),
            Scalar::Float(f) => f.to_string(),
        }
    }
}

impl RawAdvisory {
    fn into_advisory(self, name: &str) -> Result<Advisory, VulnError> {
        let id = self
            .id
            .filter(|id| !id.trim().is_empty())
            .ok_or_else(|| VulnError::advisory(name, "field `id` is missing".into()))?;
        let mut affected = Vec::with_capacity(self.affected.len());
        for (index, raw) in self.affected.into_iter().enumerate() {
            if raw.package.name.is_empty() || raw.package.ecosystem.is_empty() {
                // Advisories may cover a git repository only; nothing to match by name.
                continue;
            }
            let mut ranges = Vec::with_capacity(raw.ranges.len());
            for (r, range) in raw.ranges.into_iter().enumerate() {
                let kind = match range.kind.as_str() {
                    "SEMVER" => RangeKind::SemVer,
                    "ECOSYSTEM" => RangeKind::Ecosystem,
                    "GIT" => RangeKind::Git,
                    other => {
                        return Err(VulnError::advisory(
                            name,
                            format!("affected[{index}].ranges[{r}].type: unknown range type `{other}`; expected SEMVER, ECOSYSTEM or GIT"),
                        ))
                    }
                };
                let mut events = Vec::with_capacity(range.events.len());
                for map in range.events {
                    for (key, value) in map {
                        let value = value.into_text();
                        events.push(match key.as_str() {
                            "introduced" => RangeEvent::Introduced(value),
                            "fixed" => RangeEvent::Fixed(value),
                            "last_affected" => RangeEvent::LastAffected(value),
                            "limit" => RangeEvent::Limit(value),
                            other => return Err(VulnError::advisory(
                                name,
                                format!("affected[{index}].ranges[{r}].events: unknown event `{other}`; expected introduced, fixed, last_affected or limit"),
                            )),
                        });
                    }
                }
                ranges.push(Range { kind, events });
            }
            affected.push(Affected {
                ecosystem: raw.package.ecosystem,
                name: raw.package.name,
                ranges,
                versions: raw.versions.into_iter().map(Scalar::into_text).collect(),
                severity: raw.severity,
            });
        }
        Ok(Advisory {
            id,
            modified: self.modified,
            published: self.published,
            withdrawn: self.withdrawn,
            aliases: self.aliases,
            summary: self.summary,
            details: self.details,
            severity: self.severity,
            database_severity: self.database_specific.severity,
            affected,
            references: self
                .references
                .into_iter()
                .map(|r| r.url)
                .filter(|u| !u.is_empty())
                .collect(),
        })
    }
}

fn null_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}

/// Timestamps: YAML may hand them over as its own timestamp scalar; any
/// scalar is kept as text.
fn text<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    Ok(opt_text(deserializer)?.unwrap_or_default())
}

fn opt_text<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<String>, D::Error> {
    Ok(Option::<Scalar>::deserialize(deserializer)?.map(Scalar::into_text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_json_advisory_with_ranges_and_aliases() {
        let json = br#"{"id":"GO-2020-0001","modified":"2021-04-14T20:04:52Z","aliases":["CVE-2020-36567"],
            "summary":"s","affected":[{"package":{"name":"github.com/gin-gonic/gin","ecosystem":"Go"},
            "ranges":[{"type":"SEMVER","events":[{"introduced":"0"},{"fixed":"1.6.0"}]}]}],
            "references":[{"type":"FIX","url":"https://example.com/x"}],"database_specific":{"severity":"HIGH"}}"#;
        let a = Advisory::from_osv(json, "GO-2020-0001.json").unwrap();
        assert_eq!(a.aliases, ["CVE-2020-36567"]);
        assert_eq!(a.database_severity.as_deref(), Some("HIGH"));
        assert_eq!(
            a.affected[0].ranges[0].events[1],
            RangeEvent::Fixed("1.6.0".into())
        );
        assert_eq!(Advisory::fixed_versions(&a.affected[0]), ["1.6.0"]);
        assert_eq!(a.references, ["https://example.com/x"]);
    }

    #[test]
    fn reads_pypa_yaml_with_numeric_versions() {
        let yaml = b"id: PYSEC-1\nmodified: 2023-11-07T20:24:23.946863Z\naffected:\n- package:\n    ecosystem: PyPI\n    name: x\n  ranges:\n  - type: ECOSYSTEM\n    events:\n    - introduced: 0\n    - fixed: 1.5\n  versions:\n  - 1.0\n";
        let a = Advisory::from_osv(yaml, "PYSEC-1.yaml").unwrap();
        assert_eq!(
            a.affected[0].ranges[0].events[0],
            RangeEvent::Introduced("0".into())
        );
        assert_eq!(a.affected[0].versions, ["1"]);
        assert!(a.modified.starts_with("2023-11-07"));
    }

    #[test]
    fn names_the_file_and_field_of_a_bad_advisory() {
        let err = Advisory::from_osv(br#"{"modified":"x"}"#, "a.json").unwrap_err();
        assert!(err.to_string().contains("a.json") && err.to_string().contains("`id`"));
        let bad = br#"{"id":"X","modified":"m","affected":[{"package":{"name":"n","ecosystem":"npm"},"ranges":[{"type":"SEMVER","events":[{"broken":"1"}]}]}]}"#;
        let err = Advisory::from_osv(bad, "b.json").unwrap_err().to_string();
        assert!(
            err.contains("affected[0].ranges[0].events") && err.contains("`broken`"),
            "{err}"
        );
        assert!(Advisory::from_osv(b"{", "c.json").is_err());
    }
}

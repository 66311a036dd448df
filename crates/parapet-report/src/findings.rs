//! Sinks for posture findings: a table, JSON, JSONL, CSV, OCSF Compliance
//! Finding (2003), AWS Security Finding Format and SARIF. Every sink takes
//! the same [`Finding`]s and the rules' metadata.

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::str::FromStr;

use parapet_core::{Finding, PolicyRuleMeta};
use sonic_rs::{json, Value};

use crate::finding_formats::{finding_to_asff, finding_to_ocsf, sarif_log};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FindingFormat {
    Table,
    Json,
    Jsonl,
    Csv,
    Ocsf,
    Asff,
    Sarif,
    Junit,
}

impl FromStr for FindingFormat {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s {
            "table" => FindingFormat::Table,
            "json" => FindingFormat::Json,
            "jsonl" => FindingFormat::Jsonl,
            "csv" => FindingFormat::Csv,
            "ocsf" => FindingFormat::Ocsf,
            "asff" => FindingFormat::Asff,
            "sarif" => FindingFormat::Sarif,
            "junit" => FindingFormat::Junit,
            other => {
                return Err(format!(
                    "unknown format `{other}`; expected one of table, json, jsonl, csv, ocsf, asff, sarif, junit"
                ))
            }
        })
    }
}

/// What every sink knows besides the findings.
pub struct FindingContext<'a> {
    pub rules: &'a BTreeMap<String, PolicyRuleMeta>,
    /// When the scan ran, RFC 3339.
    pub generated_at: &'a str,
}

pub fn finding_to_json(finding: &Finding) -> Value {
    let mut value = sonic_rs::to_value(finding).unwrap_or_default();
    value.insert("severity", json!(finding.severity.as_str()));
    value
}

pub fn write_findings(
    out: &mut dyn Write,
    format: FindingFormat,
    findings: &[Finding],
    context: &FindingContext<'_>,
) -> io::Result<()> {
    match format {
        FindingFormat::Table => write_table(out, findings),
        FindingFormat::Junit => crate::junit::write_junit(out, findings, context),
        FindingFormat::Csv => write_csv(out, findings),
        FindingFormat::Jsonl => {
            for finding in findings {
                writeln!(out, "{}", finding_to_json(finding))?;
            }
            Ok(())
        }
        FindingFormat::Json => {
            let all: Vec<Value> = findings.iter().map(finding_to_json).collect();
            writeln!(
                out,
                "{}",
                sonic_rs::to_string_pretty(&all).unwrap_or_default()
            )
        }
        FindingFormat::Ocsf => {
            let all: Vec<Value> = findings
                .iter()
                .map(|f| finding_to_ocsf(f, context))
                .collect();
            writeln!(
                out,
                "{}",
                sonic_rs::to_string_pretty(&all).unwrap_or_default()
            )
        }
        FindingFormat::Asff => {
            let all: Vec<Value> = findings
                .iter()
                .map(|f| finding_to_asff(f, context))
                .collect();
            let batch = json!({"Findings": all});
            writeln!(
                out,
                "{}",
                sonic_rs::to_string_pretty(&batch).unwrap_or_default()
            )
        }
        FindingFormat::Sarif => {
            let log = sarif_log(findings, context);
            writeln!(
                out,
                "{}",
                sonic_rs::to_string_pretty(&log).unwrap_or_default()
            )
        }
    }
}

fn write_table(out: &mut dyn Write, findings: &[Finding]) -> io::Result<()> {
    let rows: Vec<[String; 6]> = findings
        .iter()
        .map(|f| {
            let status = match &f.muted {
                Some(_) => format!("{} (muted)", f.status),
                None => f.status.to_string(),
            };
            [
                status,
                f.severity.as_str().to_string(),
                f.rule_id.clone(),
                match &f.location {
                    Some(at) => format!("{}:{}", at.path, at.line),
                    None => format!("{}/{}", f.resource.account, f.resource.region),
                },
                f.resource.name.clone(),
                f.evidence.clone(),
            ]
        })
        .collect();
    let headers = [
        "STATUS", "SEVERITY", "RULE", "WHERE", "RESOURCE", "EVIDENCE",
    ];
    let mut widths: Vec<usize> = headers.iter().map(|h| h.len()).collect();
    for row in &rows {
        for (width, cell) in widths.iter_mut().zip(row.iter()).take(5) {
            *width = (*width).max(cell.chars().count().min(48));
        }
    }
    let line = |cells: &[&str]| -> String {
        let mut text = String::new();
        for (n, cell) in cells.iter().enumerate() {
            let cell: String = cell.chars().take(if n < 5 { 48 } else { 160 }).collect();
            if n < 5 {
                text.push_str(&format!("{cell:<width$}  ", width = widths[n]));
            } else {
                text.push_str(&cell);
            }
        }
        text.trim_end().to_string()
    };
    writeln!(out, "{}", line(&headers))?;
    for row in &rows {
        let cells: Vec<&str> = row.iter().map(String::as_str).collect();
        writeln!(out, "{}", line(&cells))?;
    }
    Ok(())
}

/// RFC 4180: quote every field that needs it, double the quotes inside.
fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

fn write_csv(out: &mut dyn Write, findings: &[Finding]) -> io::Result<()> {
    writeln!(
        out,
        "status,severity,rule_id,title,provider,account,region,kind,resource_uid,resource_name,evidence,first_seen,muted"
    )?;
    for f in findings {
        let fields = [
            f.status.as_str().to_string(),
            f.severity.as_str().to_string(),
            f.rule_id.clone(),
            f.title.clone(),
            f.resource.provider.to_string(),
            f.resource.account.clone(),
            f.resource.region.clone(),
            f.resource.kind.clone(),
            f.resource.uid.clone(),
            f.resource.name.clone(),
            f.evidence.clone(),
            f.first_seen.clone().unwrap_or_default(),
            f.muted.clone().unwrap_or_default(),
        ];
        let line: Vec<String> = fields.iter().map(|f| csv_field(f)).collect();
        writeln!(out, "{}", line.join(","))?;
    }
    Ok(())
}

//! Sinks for alerts (table, JSON, JSONL, OCSF Detection Finding 2004) and
//! for posture findings (table, JSON, JSONL, CSV, OCSF Compliance Finding
//! 2003, ASFF, SARIF) and compliance reports (HTML, JSON).

mod compliance_report;
mod finding_formats;
mod findings;
mod flat;
mod junit;
mod ocsf;
mod sbom;
mod table;
mod vulnerabilities;

use std::io::{self, Write};
use std::str::FromStr;

use parapet_core::Alert;

pub use compliance_report::{compliance_html, compliance_json};
pub use finding_formats::{finding_to_asff, finding_to_ocsf, sarif_log};
pub use findings::{finding_to_json, write_findings, FindingContext, FindingFormat};
pub use flat::{alert_to_json, FlatAlert};
pub use ocsf::alert_to_ocsf;
pub use sbom::{cyclonedx_sbom, spdx_sbom};
pub use vulnerabilities::{write_vulnerabilities, VulnContext, VulnFormat};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Table,
    Json,
    Jsonl,
    Ocsf,
}

impl FromStr for Format {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "table" => Ok(Format::Table),
            "json" => Ok(Format::Json),
            "jsonl" => Ok(Format::Jsonl),
            "ocsf" => Ok(Format::Ocsf),
            other => Err(format!(
                "unknown format `{other}`; expected one of table, json, jsonl, ocsf"
            )),
        }
    }
}

/// Writes alerts one at a time as they come, in `format`. JSON arrays are
/// opened on the first alert and closed by [`AlertWriter::finish`]; the table
/// needs every row for its column widths and is written at the end.
pub struct AlertWriter<W: Write> {
    out: W,
    format: Format,
    written: usize,
    table_rows: Vec<Alert>,
}

impl<W: Write> AlertWriter<W> {
    pub fn new(out: W, format: Format) -> Self {
        AlertWriter {
            out,
            format,
            written: 0,
            table_rows: Vec::new(),
        }
    }

    pub fn write(&mut self, alert: &Alert) -> io::Result<()> {
        let mut bytes = match self.format {
            Format::Table => {
                self.table_rows.push(alert.clone());
                return Ok(());
            }
            Format::Jsonl => sonic_rs::to_vec(&alert_to_json(alert)),
            Format::Json => sonic_rs::to_vec_pretty(&alert_to_json(alert)),
            Format::Ocsf => sonic_rs::to_vec_pretty(&alert_to_ocsf(alert)),
        }
        .map_err(io::Error::other)?;
        let separator: &[u8] = match (self.format, self.written) {
            (Format::Jsonl, _) => b"",
            (_, 0) => b"[\n",
            _ => b",\n",
        };
        if self.format == Format::Jsonl {
            bytes.push(b'\n');
        }
        self.out.write_all(separator)?;
        self.out.write_all(&bytes)?;
        self.written += 1;
        Ok(())
    }

    /// Closes what needs closing and flushes; returns the writer.
    pub fn finish(mut self) -> io::Result<W> {
        match self.format {
            Format::Table => table::write_table(&mut self.out, &self.table_rows)?,
            Format::Jsonl => {}
            Format::Json | Format::Ocsf if self.written == 0 => self.out.write_all(b"[]\n")?,
            Format::Json | Format::Ocsf => self.out.write_all(b"\n]\n")?,
        }
        self.out.flush()?;
        Ok(self.out)
    }
}

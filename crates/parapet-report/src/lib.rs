//! Sinks for alerts: a readable table, JSON, JSONL and OCSF Detection
//! Findings (class 2004). Every sink takes the same [`parapet_core::Alert`]s.

mod flat;
mod ocsf;
mod table;

use std::io::{self, Write};
use std::str::FromStr;

use parapet_core::Alert;

pub use flat::{alert_to_json, FlatAlert};
pub use ocsf::alert_to_ocsf;

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

/// Writes `alerts` (already in their final order) in `format`.
pub fn write_alerts(out: &mut dyn Write, format: Format, alerts: &[Alert]) -> io::Result<()> {
    match format {
        Format::Table => table::write_table(out, alerts),
        Format::Jsonl => {
            for alert in alerts {
                let mut line = sonic_rs::to_vec(&alert_to_json(alert)).map_err(io::Error::other)?;
                line.push(b'\n');
                out.write_all(&line)?;
            }
            Ok(())
        }
        Format::Json => write_array(out, &alerts.iter().map(alert_to_json).collect::<Vec<_>>()),
        Format::Ocsf => write_array(out, &alerts.iter().map(alert_to_ocsf).collect::<Vec<_>>()),
    }
}

fn write_array<T: serde::Serialize>(out: &mut dyn Write, items: &[T]) -> io::Result<()> {
    let mut text = sonic_rs::to_vec_pretty(&items).map_err(io::Error::other)?;
    text.push(b'\n');
    out.write_all(&text)
}

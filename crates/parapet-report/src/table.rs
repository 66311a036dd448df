//! A table for people: one row per alert, the widest columns trimmed.

use std::io::{self, Write};

use parapet_core::Alert;

const MAX_CELL: usize = 60;

pub(crate) fn write_table(out: &mut dyn Write, alerts: &[Alert]) -> io::Result<()> {
    if alerts.is_empty() {
        return writeln!(out, "No alerts.");
    }
    let header = [
        "TIME",
        "LEVEL",
        "RULE",
        "TECHNIQUES",
        "EVENT",
        "ACTOR",
        "SOURCE IP",
        "ACCOUNT/REGION",
    ];
    let rows: Vec<Vec<String>> = alerts
        .iter()
        .map(|a| {
            let e = &a.event;
            let or_dash = |v: Option<&str>| v.unwrap_or("-").to_string();
            [
                or_dash(e.time()),
                a.rule.level.to_string(),
                match &a.correlation {
                    Some(c) => {
                        let group: Vec<&str> = c.group.iter().map(|(_, v)| v.as_str()).collect();
                        format!(
                            "{} [{} {} {}]",
                            a.rule.title,
                            c.kind,
                            c.value,
                            group.join(",")
                        )
                    }
                    None => a.rule.title.clone(),
                },
                a.rule.attack.techniques.join(","),
                format!(
                    "{}:{}",
                    e.service()
                        .unwrap_or("-")
                        .trim_end_matches(".amazonaws.com"),
                    or_dash(e.operation())
                ),
                or_dash(e.actor()),
                or_dash(e.source_ip()),
                format!("{}/{}", or_dash(e.account()), or_dash(e.region())),
            ]
        })
        .map(|row| row.to_vec())
        .collect();
    write_grid(out, &header, rows)
}

/// Rows under a header, each column as wide as its widest cell (cells
/// trimmed to 60 characters, control characters blanked).
pub(crate) fn write_grid(
    out: &mut dyn Write,
    header: &[&str],
    rows: Vec<Vec<String>>,
) -> io::Result<()> {
    let rows: Vec<Vec<String>> = rows
        .into_iter()
        .map(|row| row.iter().map(|cell| trim(cell)).collect())
        .collect();
    let mut widths: Vec<usize> = header.iter().map(|h| h.len()).collect();
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |out: &mut dyn Write, cells: &[&str]| -> io::Result<()> {
        let text: Vec<String> = cells
            .iter()
            .zip(&widths)
            .map(|(c, w)| format!("{c:<w$}"))
            .collect();
        writeln!(out, "{}", text.join("  ").trim_end())
    };
    line(out, header)?;
    for row in &rows {
        line(out, &row.iter().map(String::as_str).collect::<Vec<_>>())?;
    }
    Ok(())
}

fn trim(cell: &str) -> String {
    let clean: String = cell
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if clean.chars().count() <= MAX_CELL {
        return clean;
    }
    let mut cut: String = clean.chars().take(MAX_CELL - 1).collect();
    cut.push('…');
    cut
}

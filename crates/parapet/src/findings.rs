//! `parapet findings`, `parapet mute` and `parapet frameworks`: the posture
//! findings kept in the store, their mutes, the bundled frameworks.

use std::io::{self, Write};

use anyhow::{bail, Result};
use parapet_core::{parse_rfc3339, Finding, Timestamp};
use parapet_policy::{builtin_rules, frameworks};
use parapet_report::{write_findings, FindingContext};
use parapet_store::FindingFilter;

use crate::cli_posture::{FindingsArgs, MuteAddArgs, MuteListArgs, MuteRemoveArgs};
use crate::inventory::{now_rfc3339, open_store};
use crate::Outcome;

const MAX_MUTE_DAYS: i64 = 365;
const DAY_MS: i64 = 86_400_000;

pub fn list(args: FindingsArgs) -> Result<Outcome> {
    let state = match args.state.as_str() {
        "all" => None,
        "open" | "resolved" => Some(args.state.clone()),
        other => bail!("--state {other}: expected open, resolved or all"),
    };
    let store = open_store(&args.store)?;
    let filter = FindingFilter {
        state,
        rule_id: args.rule.clone(),
        account: args.account.clone(),
    };
    let now = now();
    let mutes = store.mutes(Some(now))?;
    let findings: Vec<Finding> = store
        .findings(&filter)?
        .into_iter()
        .map(|stored| {
            let mut finding = stored.finding;
            // Mutes are judged now, not as they were at scan time.
            finding.muted = mutes
                .iter()
                .find(|m| m.covers(&finding))
                .map(|m| m.reason.clone());
            if stored.state == "resolved" {
                finding.evidence = format!(
                    "resolved {}: {}",
                    stored.resolved_at.unwrap_or_default(),
                    finding.evidence
                );
            }
            finding
        })
        .filter(|f| f.severity >= args.min_severity)
        .collect();
    let metas = crate::scan::rule_metas(&builtin_rules());
    let generated_at = now_rfc3339();
    let context = FindingContext {
        rules: &metas,
        generated_at: &generated_at,
    };
    write_findings(&mut io::stdout().lock(), args.format, &findings, &context)?;
    Ok(Outcome::Clean)
}

fn now() -> Timestamp {
    parse_rfc3339(&now_rfc3339()).unwrap_or(Timestamp(0))
}

/// `30d`, `12h` from now, or an RFC 3339 date.
fn expiry(text: &str, now: Timestamp) -> Result<Timestamp> {
    let relative = |suffix: char, unit: i64| {
        text.strip_suffix(suffix)
            .and_then(|n| n.parse::<i64>().ok())
            .map(|n| Timestamp(now.0 + n * unit))
    };
    let Some(at) = relative('d', DAY_MS)
        .or_else(|| relative('h', DAY_MS / 24))
        .or_else(|| parse_rfc3339(text))
    else {
        bail!("--expires {text}: expected 30d, 12h or an RFC 3339 date");
    };
    if at.0 - now.0 > MAX_MUTE_DAYS * DAY_MS {
        bail!("--expires {text}: at most {MAX_MUTE_DAYS} days; renew the mute when it expires");
    }
    Ok(at)
}

pub fn mute_add(args: MuteAddArgs) -> Result<Outcome> {
    if args.rule != "*"
        && !builtin_rules()
            .iter()
            .any(|r| r.info().id == args.rule.as_str())
    {
        bail!(
            "no rule `{}`; see `parapet rules list --posture`",
            args.rule
        );
    }
    let now = now();
    let expires = expiry(&args.expires, now)?;
    let store = open_store(&args.store)?;
    let id = store.add_mute(&args.rule, &args.resource, &args.reason, expires, now)?;
    eprintln!(
        "parapet mute: {id}: {} on {} until {}",
        args.rule,
        args.resource,
        parapet_store::stamp(expires)
    );
    Ok(Outcome::Clean)
}

pub fn mute_list(args: MuteListArgs) -> Result<Outcome> {
    let store = open_store(&args.store)?;
    let mutes = store.mutes(if args.all { None } else { Some(now()) })?;
    let mut out = io::stdout().lock();
    writeln!(
        out,
        "{:<5} {:<16} {:<21} {:<48} REASON",
        "ID", "RULE", "EXPIRES", "RESOURCE"
    )?;
    for m in mutes {
        writeln!(
            out,
            "{:<5} {:<16} {:<21} {:<48} {}",
            m.id, m.rule_id, m.expires_at, m.resource, m.reason
        )?;
    }
    Ok(Outcome::Clean)
}

pub fn mute_remove(args: MuteRemoveArgs) -> Result<Outcome> {
    let store = open_store(&args.store)?;
    if !store.remove_mute(args.id)? {
        bail!("no mute {}; see `parapet mute list --all`", args.id);
    }
    Ok(Outcome::Clean)
}

pub fn frameworks_list() -> Result<Outcome> {
    let mut out = io::stdout().lock();
    writeln!(
        out,
        "{:<14} {:>8} {:>10} {:>7}  TITLE",
        "ID", "CONTROLS", "AUTOMATED", "MANUAL"
    )?;
    for f in frameworks() {
        let manual = f.controls.iter().filter(|c| c.is_manual()).count();
        writeln!(
            out,
            "{:<14} {:>8} {:>10} {:>7}  {}",
            f.id,
            f.controls.len(),
            f.controls.len() - manual,
            manual,
            f.title
        )?;
    }
    Ok(Outcome::Clean)
}

//! `parapet inventory`: snapshots, resources, and diffs from the store.

use std::io::{self, Write};
use std::path::PathBuf;

use anyhow::{bail, Context, Result};
use parapet_store::{diff_inventories, Store};

use crate::cli::{InventoryDiffArgs, InventoryListArgs, InventoryShowArgs, StoreArgs};
use crate::Outcome;

pub fn database_path(args: &StoreArgs) -> Result<PathBuf> {
    if let Some(path) = &args.db {
        return Ok(path.clone());
    }
    Ok(parapet_home()?.join("parapet.db"))
}

/// `$PARAPET_HOME`, by default `~/.local/share/parapet`, created if need be.
pub fn parapet_home() -> Result<PathBuf> {
    let home = match std::env::var_os("PARAPET_HOME") {
        Some(home) => PathBuf::from(home),
        None => {
            let user_home = std::env::var_os("HOME").context(
                "neither PARAPET_HOME nor HOME is set; set PARAPET_HOME (or pass --db / --lake)",
            )?;
            PathBuf::from(user_home).join(".local/share/parapet")
        }
    };
    std::fs::create_dir_all(&home).with_context(|| format!("cannot create {}", home.display()))?;
    Ok(home)
}

pub fn now_rfc3339() -> String {
    let millis = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64);
    parapet_core::Timestamp(millis - millis % 1000).to_string()
}

pub fn open_store(args: &StoreArgs) -> Result<Store> {
    Ok(Store::open(&database_path(args)?)?)
}

pub fn snapshots(args: StoreArgs) -> Result<Outcome> {
    let store = open_store(&args)?;
    let mut out = io::stdout().lock();
    writeln!(
        out,
        "{:>4}  {:<20}  {:<8}  {:<14}  {:>9}  {:>9}  {:>4}  SOURCE",
        "ID", "TAKEN", "PROVIDER", "ACCOUNT", "RESOURCES", "API CALLS", "GAPS"
    )?;
    for s in store.snapshots()? {
        let m = &s.meta;
        writeln!(
            out,
            "{:>4}  {:<20}  {:<8}  {:<14}  {:>9}  {:>9}  {:>4}  {}",
            s.id,
            m.taken_at,
            m.provider,
            m.account,
            s.resources,
            m.api_calls,
            m.gaps.len(),
            m.source
        )?;
    }
    Ok(Outcome::Clean)
}

pub fn list(args: InventoryListArgs) -> Result<Outcome> {
    let store = open_store(&args.store)?;
    let id = store.resolve(&args.snapshot)?;
    let mut out = io::stdout().lock();
    for resource in store.resources(id)? {
        if args.kind.as_deref().is_some_and(|k| k != resource.kind) {
            continue;
        }
        writeln!(
            out,
            "{:<28}  {:<14}  {:<40}  {}",
            resource.kind, resource.region, resource.name, resource.uid
        )?;
    }
    Ok(Outcome::Clean)
}

pub fn show(args: InventoryShowArgs) -> Result<Outcome> {
    let store = open_store(&args.store)?;
    let id = store.resolve(&args.snapshot)?;
    let Some(resource) = store.resources(id)?.into_iter().find(|r| r.uid == args.uid) else {
        bail!(
            "no resource `{}` in snapshot {id}; see `parapet inventory list`",
            args.uid
        );
    };
    let mut text = sonic_rs::to_string_pretty(&resource).context("cannot render the resource")?;
    text.push('\n');
    io::stdout().lock().write_all(text.as_bytes())?;
    Ok(Outcome::Clean)
}

pub fn diff(args: InventoryDiffArgs) -> Result<Outcome> {
    let store = open_store(&args.store)?;
    let (before_id, after_id) = (store.resolve(&args.before)?, store.resolve(&args.after)?);
    let (before, after) = (store.resources(before_id)?, store.resources(after_id)?);
    let diff = diff_inventories(&before, &after);
    let mut out = io::stdout().lock();
    match args.format.as_str() {
        "text" => {
            writeln!(
                out,
                "snapshot {before_id} -> {after_id}: {} added, {} removed, {} changed",
                diff.added.len(),
                diff.removed.len(),
                diff.changed.len()
            )?;
            for r in &diff.added {
                writeln!(out, "+ {} {}", r.kind, r.uid)?;
            }
            for r in &diff.removed {
                writeln!(out, "- {} {}", r.kind, r.uid)?;
            }
            for change in &diff.changed {
                writeln!(out, "~ {} {}", change.kind, change.uid)?;
                for c in &change.changes {
                    writeln!(
                        out,
                        "    {}: {} -> {}",
                        c.field,
                        c.before.as_deref().unwrap_or("(absent)"),
                        c.after.as_deref().unwrap_or("(absent)")
                    )?;
                }
            }
        }
        "json" => {
            let value = sonic_rs::json!({
                "before": before_id,
                "after": after_id,
                "added": diff.added.iter().map(|r| r.uid.as_str()).collect::<Vec<_>>(),
                "removed": diff.removed.iter().map(|r| r.uid.as_str()).collect::<Vec<_>>(),
                "changed": diff.changed.iter().map(|c| sonic_rs::json!({
                    "uid": c.uid,
                    "kind": c.kind,
                    "changes": c.changes.iter().map(|a| sonic_rs::json!({"field": a.field, "before": a.before, "after": a.after})).collect::<Vec<_>>(),
                })).collect::<Vec<_>>(),
            });
            writeln!(out, "{}", sonic_rs::to_string_pretty(&value)?)?;
        }
        other => bail!("unknown format `{other}`; expected text or json"),
    }
    Ok(Outcome::Clean)
}

//! `parapet collect aws`: inventory one account into a stored snapshot.

use std::collections::BTreeMap;
use std::io::{IsTerminal, Write};
use std::path::Path;
use std::time::Instant;

use anyhow::{bail, Context, Result};
use parapet_cloud::{
    collect_aws, collect_aws_account, organization_accounts, AwsOptions, Collection, Progress,
};
use parapet_store::SnapshotMeta;

use crate::cli::CollectAwsArgs;
use crate::inventory::open_store;
use crate::Outcome;

pub fn aws(args: CollectAwsArgs) -> Result<Outcome> {
    let (_, failed) = collect_snapshots(args)?;
    Ok(if failed > 0 {
        Outcome::Errors
    } else {
        Outcome::Clean
    })
}

/// Collects as `collect aws` does; returns the stored snapshot ids and how
/// many accounts failed.
pub fn collect_snapshots(args: CollectAwsArgs) -> Result<(Vec<i64>, usize)> {
    let mut ids = Vec::new();
    let accounts = match &args.accounts {
        Some(path) => read_accounts(path)?,
        None => Vec::new(),
    };
    let options = options(&args);
    let runtime = runtime()?;
    let mut store = open_store(&args.store)?;
    let mut accounts = accounts;
    if accounts.is_empty() || args.organization {
        let started = Instant::now();
        let members = match args.organization {
            true => runtime.block_on(organization_accounts(&options))?,
            false => Vec::new(),
        };
        let collection = runtime.block_on(collect_aws(&options))?;
        ids.push(save(&mut store, &collection, started)?);
        accounts = members
            .into_iter()
            .filter(|a| *a != collection.account)
            .collect();
    }
    let mut failed = 0;
    for account in &accounts {
        let started = Instant::now();
        match runtime.block_on(collect_aws_account(&options, account, &args.role_name)) {
            Ok(collection) => ids.push(save(&mut store, &collection, started)?),
            Err(error) => {
                failed += 1;
                eprintln!("parapet collect aws: account {account}: {error}");
            }
        }
    }
    Ok((ids, failed))
}

fn options(args: &CollectAwsArgs) -> AwsOptions {
    AwsOptions {
        regions: args.regions.clone(),
        home_region: args.home_region.clone(),
        endpoint_url: args.endpoint_url.clone(),
        profile: args.profile.clone(),
        concurrency: args.concurrency,
        progress: progress_line(),
        ..AwsOptions::default()
    }
}

fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("cannot start the async runtime")
}

/// Runs only `services` in `regions` of the caller's account (nothing is
/// stored): the re-collection behind `scan cloud --changed-by`.
pub fn collect_partial(
    args: &CollectAwsArgs,
    services: Vec<String>,
    regions: Vec<String>,
) -> Result<Collection> {
    let options = AwsOptions {
        services,
        regions,
        progress: None,
        ..options(args)
    };
    Ok(runtime()?.block_on(collect_aws(&options))?)
}

/// On a terminal, one overwritten stderr line naming what just finished.
fn progress_line() -> Option<Progress> {
    if !std::io::stderr().is_terminal() {
        return None;
    }
    let done = std::sync::atomic::AtomicUsize::new(0);
    Some(std::sync::Arc::new(move |part: &str| {
        let n = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
        eprint!("\r\x1b[2K  collected {part} ({n} parts done)");
        if part == "iam+s3" {
            eprintln!();
        }
    }))
}

/// Account ids from a file: one per line, blank lines and `#` comments skipped.
fn read_accounts(path: &Path) -> Result<Vec<String>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let mut accounts = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let id = line.split('#').next().unwrap_or_default().trim();
        if id.is_empty() {
            continue;
        }
        if id.len() != 12 || !id.bytes().all(|b| b.is_ascii_digit()) {
            bail!(
                "{}:{}: `{id}` is not a 12-digit AWS account id",
                path.display(),
                n + 1
            );
        }
        accounts.push(id.to_string());
    }
    Ok(accounts)
}

fn save(
    store: &mut parapet_store::Store,
    collection: &Collection,
    started: Instant,
) -> Result<i64> {
    let meta = SnapshotMeta {
        taken_at: crate::inventory::now_rfc3339(),
        provider: "aws".into(),
        account: collection.account.clone(),
        source: "collect aws".into(),
        api_calls: collection.api_calls,
        gaps: collection.gaps.clone(),
    };
    let id = store.save_snapshot(&meta, &collection.resources)?;
    let mut by_kind: BTreeMap<&str, usize> = BTreeMap::new();
    for resource in &collection.resources {
        *by_kind.entry(resource.kind.as_str()).or_default() += 1;
    }
    let mut err = std::io::stderr().lock();
    if err.is_terminal() {
        write!(err, "\r\x1b[2K")?; // over the progress line
    }
    writeln!(
        err,
        "parapet collect aws: account {}, {} regions, {} resources, {} API calls, {} coverage gaps, {:.1}s; snapshot {id}",
        collection.account,
        collection.regions.len(),
        collection.resources.len(),
        collection.api_calls,
        collection.gaps.len(),
        started.elapsed().as_secs_f64()
    )?;
    for (kind, count) in by_kind {
        writeln!(err, "  {count:>6}  {kind}")?;
    }
    for gap in &collection.gaps {
        writeln!(
            err,
            "  not covered: {} {} {}: {}",
            gap.service, gap.region, gap.operation, gap.reason
        )?;
    }
    Ok(id)
}

//! `scan cloud --changed-by EVENTS`: from CloudTrail events, the resources
//! that changed; only their collectors run again (in their regions), the
//! fresh resources replace the old ones of the same kinds in the latest
//! snapshot, and findings are reported and recorded for the changed
//! resources (and their accounts' account-wide rules) only.

use std::collections::{BTreeSet, HashSet};
use std::path::PathBuf;

use anyhow::{Context, Result};
use parapet_cloud::{collector_name, Collection, GLOBAL_SERVICES, SERVICE_KINDS};
use parapet_core::Resource;
use parapet_logs::{discover_files, open_path, parse_chunk, TimeRange};
use parapet_policy::{changed_resources, ChangedResource};
use parapet_store::{SnapshotMeta, Store};

use crate::cli_posture::ScanCloudArgs;
use crate::inventory::now_rfc3339;
use crate::scan::ToScan;

/// Every resource the events in `paths` changed, and how many input
/// errors were reported (and skipped) on the way.
pub fn read_changes(paths: &[PathBuf]) -> (Vec<ChangedResource>, usize) {
    let (files, errors) = discover_files(paths);
    let mut failed = errors.len();
    for error in &errors {
        eprintln!("parapet: input error: {error}");
    }
    let mut changes = BTreeSet::new();
    for file in files {
        let reader = match open_path(&file) {
            Ok(reader) => reader,
            Err(e) => {
                eprintln!("parapet: input error: {}: {e}", file.display());
                failed += 1;
                continue;
            }
        };
        for chunk in reader {
            match chunk {
                Ok(chunk) => {
                    let parsed = parse_chunk(chunk, &TimeRange::default());
                    failed += parsed.errors.len();
                    for error in &parsed.errors {
                        eprintln!("parapet: input error: {error}");
                    }
                    for event in &parsed.events {
                        changes.extend(changed_resources(&event.value));
                    }
                }
                Err(error) => {
                    failed += 1;
                    eprintln!("parapet: input error: {error}");
                }
            }
        }
    }
    (changes.into_iter().collect(), failed)
}

fn kinds_of(service: &str) -> &'static [&'static str] {
    SERVICE_KINDS
        .iter()
        .find(|(name, _)| *name == service)
        .map_or(&[], |(_, kinds)| *kinds)
}

/// Replaces, in `base`, the resources the partial collection listed again.
fn merge(
    base: Vec<Resource>,
    fresh: &Collection,
    services: &[String],
    regions: &[String],
) -> Vec<Resource> {
    let replaced = |r: &Resource| {
        r.account == fresh.account
            && services.iter().any(|service| {
                kinds_of(service).contains(&r.kind.as_str())
                    && (GLOBAL_SERVICES.contains(&service.as_str()) || regions.contains(&r.region))
            })
    };
    let mut merged: Vec<Resource> = base.into_iter().filter(|r| !replaced(r)).collect();
    merged.extend(fresh.resources.iter().cloned());
    merged.sort_by(|a, b| a.uid.cmp(&b.uid));
    merged
}

pub fn rescan(args: &ScanCloudArgs, store: &mut Store) -> Result<ToScan> {
    let (changes, input_errors) = read_changes(&args.changed_by);
    for change in &changes {
        eprintln!(
            "parapet scan cloud: {} changed {}",
            change.cause, change.uid
        );
    }
    let spec = args.snapshot.first().map_or("latest", String::as_str);
    let base_id = store.resolve(spec).context(
        "--changed-by needs an earlier snapshot to update: run `parapet collect aws` first",
    )?;
    let base_info = store
        .snapshots()?
        .into_iter()
        .find(|s| s.id == base_id)
        .context("snapshot vanished")?;
    let mut resources = store.resources(base_id)?;
    let mut gaps = base_info.meta.gaps.clone();
    let mut taken_at = base_info.meta.taken_at.clone();
    let mut scope: HashSet<String> = changes.iter().map(|c| c.uid.clone()).collect();
    if !changes.is_empty() {
        let services: Vec<String> = changes
            .iter()
            .map(|c| collector_name(c.service).to_string())
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let mut regions: Vec<String> = changes
            .iter()
            .filter(|c| c.region != "global")
            .map(|c| c.region.clone())
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        if regions.is_empty() {
            regions.push(args.collect_args.home_region.clone());
        }
        let fresh =
            crate::collect::collect_partial(&args.collect_args, services.clone(), regions.clone())?;
        eprintln!(
            "parapet scan cloud: re-collected {} in {}: {} resources, {} API calls",
            services.join(", "),
            regions.join(", "),
            fresh.resources.len(),
            fresh.api_calls
        );
        resources = merge(resources, &fresh, &services, &regions);
        gaps.retain(|g| {
            !(services.contains(&g.service)
                && (regions.contains(&g.region) || g.region == "global"))
        });
        gaps.extend(fresh.gaps.iter().cloned());
        taken_at = now_rfc3339();
        for account in changes.iter().map(|c| &c.account) {
            scope.insert(format!("AWS::::Account:{account}"));
        }
        // The account's Block Public Access settings bear on each of its buckets.
        for change in changes
            .iter()
            .filter(|c| c.kind == "aws.s3.account-settings")
        {
            scope.extend(
                resources
                    .iter()
                    .filter(|r| r.kind == "aws.s3.bucket" && r.account == change.account)
                    .map(|r| r.uid.clone()),
            );
        }
        let meta = SnapshotMeta {
            taken_at: taken_at.clone(),
            provider: "aws".into(),
            account: fresh.account.clone(),
            source: format!("collect aws --changed-by (from snapshot {base_id})"),
            api_calls: fresh.api_calls,
            gaps: gaps.clone(),
        };
        let id = store.save_snapshot(&meta, &resources)?;
        eprintln!("parapet scan cloud: snapshot {id} (snapshot {base_id} updated)");
    } else {
        eprintln!("parapet scan cloud: the events change no resource Parapet checks");
    }
    Ok(ToScan {
        resources,
        gaps,
        taken_at,
        scope: Some(scope),
        input_errors,
    })
}

//! `parapet import`: inventory exports into stored snapshots.

use std::collections::BTreeMap;
use std::io::Read;

use anyhow::{Context, Result};
use flate2::read::MultiGzDecoder;
use parapet_import::{import_aws_config, import_azure_resource_graph, import_gcp_asset_inventory};
use parapet_store::SnapshotMeta;

use crate::cli::ImportArgs;
use crate::inventory::open_store;
use crate::Outcome;

/// Exports larger than this are refused rather than read into memory.
const MAX_EXPORT_BYTES: u64 = 1 << 30;

type Importer = fn(&str, &[u8]) -> Result<parapet_import::Imported, parapet_import::ImportError>;

pub fn aws_config(args: ImportArgs) -> Result<Outcome> {
    import(args, "aws-config", "aws", import_aws_config)
}

pub fn azure_resource_graph(args: ImportArgs) -> Result<Outcome> {
    import(
        args,
        "azure-resource-graph",
        "azure",
        import_azure_resource_graph,
    )
}

pub fn gcp_asset_inventory(args: ImportArgs) -> Result<Outcome> {
    import(
        args,
        "gcp-asset-inventory",
        "gcp",
        import_gcp_asset_inventory,
    )
}

fn import(args: ImportArgs, format: &str, provider: &str, importer: Importer) -> Result<Outcome> {
    let name = args.file.display().to_string();
    let file = std::fs::File::open(&args.file).with_context(|| format!("cannot open {name}"))?;
    let mut raw = Vec::new();
    file.take(MAX_EXPORT_BYTES + 1)
        .read_to_end(&mut raw)
        .with_context(|| format!("cannot read {name}"))?;
    let bytes = if raw.starts_with(&[0x1f, 0x8b]) {
        let mut out = Vec::new();
        MultiGzDecoder::new(raw.as_slice())
            .take(MAX_EXPORT_BYTES + 1)
            .read_to_end(&mut out)
            .with_context(|| format!("{name}: broken gzip"))?;
        out
    } else {
        raw
    };
    anyhow::ensure!(
        bytes.len() as u64 <= MAX_EXPORT_BYTES,
        "{name}: larger than {} MiB",
        MAX_EXPORT_BYTES >> 20
    );
    let imported = importer(&name, &bytes)?;
    let mut accounts: BTreeMap<&str, usize> = BTreeMap::new();
    for resource in &imported.resources {
        *accounts.entry(resource.account.as_str()).or_default() += 1;
    }
    let account = accounts
        .iter()
        .max_by_key(|(_, n)| **n)
        .map(|(a, _)| a.to_string())
        .unwrap_or_default();
    let meta = SnapshotMeta {
        taken_at: crate::inventory::now_rfc3339(),
        provider: provider.into(),
        account,
        source: format!("import {format} {name}"),
        api_calls: 0,
        gaps: Vec::new(),
    };
    let id = open_store(&args.store)?.save_snapshot(&meta, &imported.resources)?;
    for skipped in &imported.skipped {
        eprintln!("parapet: input error: {skipped}");
    }
    eprintln!(
        "parapet import {format}: {} resources, {} items skipped; snapshot {id}",
        imported.resources.len(),
        imported.skipped.len()
    );
    Ok(if imported.skipped.is_empty() {
        Outcome::Clean
    } else {
        Outcome::Errors
    })
}

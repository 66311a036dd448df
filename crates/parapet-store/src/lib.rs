//! Parapet's state in one SQLite file (WAL) under `$PARAPET_HOME`: inventory
//! snapshots, posture findings with their lifecycle and mutes; alerts, cases
//! and the audit trail later.

mod advisories;
mod cases;
mod diff;
mod error;
mod findings;
mod snapshots;

pub use advisories::{AdvisoryDb, AdvisoryRow, EcosystemStatus, UpsertCounts};
pub use cases::{AuditRow, CaseRow, NewAlert, RunRow, TimelineEntry, CASE_STATUSES};
pub use diff::{diff_inventories, AttrChange, InventoryDiff, ResourceChange, OBSERVED_PREFIX};
pub use error::StoreError;
pub use findings::{stamp, FindingFilter, Mute, ScanChanges, ScanScope, StoredFinding};
pub use snapshots::{SnapshotInfo, SnapshotMeta, Store};

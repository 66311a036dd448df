//! Parapet's state in one SQLite file (WAL) under `$PARAPET_HOME`: inventory
//! snapshots now; findings, alerts, cases and the audit trail later.

mod diff;
mod error;
mod snapshots;

pub use diff::{diff_inventories, AttrChange, InventoryDiff, ResourceChange, OBSERVED_PREFIX};
pub use error::StoreError;
pub use snapshots::{SnapshotInfo, SnapshotMeta, Store};

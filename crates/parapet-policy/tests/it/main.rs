//! Tests of the posture rules: every rule's fixture in both directions, the
//! registry's invariants, and the engine over a whole inventory.

mod fixtures;
mod registry;

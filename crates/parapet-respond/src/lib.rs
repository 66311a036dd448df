//! Incident response: alerts grouped into cases, playbooks parsed and
//! validated against the action catalog, then run step by step over an
//! [`Executor`] (the cloud APIs, the lake, webhooks live at the edge),
//! dry-run unless told to execute, with an audit record around every
//! action and what it takes to roll it back.

mod bundled;
mod case;
mod catalog;
mod finding_record;
mod playbook;
mod run;
mod template;

pub use bundled::bundled_playbooks;
pub use case::{alert_facts, assign_case, AlertFacts, OpenCase};
pub use catalog::{action, action_names, ActionKind, ActionSpec, ParamSpec, ACTIONS};
pub use finding_record::{finding_as_alert, FindingRecord};
pub use playbook::{OnError, Playbook, PlaybookError, Step, Trigger};
pub use run::{
    param, run_playbook, ActionResult, AuditRecord, Change, Executor, Journal, Params, Phase,
    Rollback, RunInput, RunReport, RunStatus, StepOutcome, StepStatus,
};
pub use template::{condition, lookup, references, render};

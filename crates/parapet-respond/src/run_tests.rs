use std::collections::BTreeMap;

use super::*;

/// Records what it was asked; each contain action changes one target (two
/// for `aws.ec2.snapshot_volumes`), and fails for a target named `broken`.
#[derive(Default)]
struct Recorder {
    executed: Vec<String>,
    planned: Vec<String>,
}

impl Executor for Recorder {
    fn run(
        &mut self,
        action: &ActionSpec,
        params: &BTreeMap<String, String>,
        execute: bool,
    ) -> Result<ActionResult, String> {
        let target = params.values().next().cloned().unwrap_or_default();
        if target == "broken" {
            return Err("AccessDenied".into());
        }
        let count = if action.name == "aws.ec2.snapshot_volumes" {
            2
        } else {
            1
        };
        let changes = if action.kind == ActionKind::Contain {
            (0..count)
                .map(|i| Change {
                    target: format!("{target}#{i}"),
                    description: action.name.into(),
                })
                .collect()
        } else {
            Vec::new()
        };
        if execute {
            self.executed.push(format!("{}({target})", action.name));
        } else {
            self.planned.push(format!("{}({target})", action.name));
        }
        Ok(ActionResult {
            output: json!({"target": target}),
            changes,
            rollback: None,
        })
    }

    fn rollback(&mut self, _: &Rollback, _: bool) -> Result<Vec<Change>, String> {
        Ok(Vec::new())
    }
}

#[derive(Default)]
struct Audit(Vec<AuditRecord>);

impl Journal for Audit {
    fn audit(&mut self, record: &AuditRecord) -> Result<(), String> {
        self.0.push(record.clone());
        Ok(())
    }
}

fn playbook(steps: &str, cap: usize) -> Playbook {
    Playbook::parse(
        &format!("id: t\nname: t\ntrigger: {{rules: [r]}}\nmax_changes: {cap}\nsteps:\n{steps}"),
        "t.yml",
    )
    .unwrap()
}

fn context() -> Value {
    sonic_rs::from_str(
        r#"{"alert":{"raw":{"userIdentity":{"accessKeyId":"AKIA1","userName":"bob"}}}}"#,
    )
    .unwrap()
}

fn input<'a>(execute: bool, approved: &'a [String], previous: &'a [StepOutcome]) -> RunInput<'a> {
    RunInput {
        run_id: "run-1",
        context: context(),
        execute,
        approved,
        previous,
    }
}

const STEPS: &str = "  - id: key\n    action: aws.iam.deactivate_access_key\n    with: {access_key_id: \"{{ alert.raw.userIdentity.accessKeyId }}\"}\n  - id: deny\n    action: aws.iam.attach_deny_all\n    when: \"{{ steps.key.output.target }} == AKIA1\"\n    with: {user: \"{{ alert.raw.userIdentity.userName }}\"}\n  - id: tell\n    action: notify.webhook\n    with: {url: \"http://x\", text: \"done {{ steps.deny.output.target }}\"}\n";

#[test]
fn a_dry_run_plans_and_changes_nothing() {
    let (mut exec, mut audit) = (Recorder::default(), Audit::default());
    let report = run_playbook(
        &playbook(STEPS, 5),
        input(false, &[], &[]),
        &mut exec,
        &mut audit,
    );
    assert_eq!(report.status, RunStatus::Completed);
    assert!(exec.executed.is_empty(), "{:?}", exec.executed);
    assert_eq!(
        exec.planned,
        [
            "aws.iam.deactivate_access_key(AKIA1)",
            "aws.iam.attach_deny_all(bob)"
        ]
    );
    let statuses: Vec<_> = report.steps.iter().map(|s| s.status.clone()).collect();
    assert_eq!(
        statuses,
        [
            StepStatus::Planned,
            StepStatus::Planned,
            StepStatus::Planned
        ]
    );
    assert_eq!(report.changes, 2);
    assert!(audit.0.iter().all(|r| r.dry_run));
}

#[test]
fn an_executed_run_audits_before_and_after_each_action() {
    let (mut exec, mut audit) = (Recorder::default(), Audit::default());
    let report = run_playbook(
        &playbook(STEPS, 5),
        input(true, &[], &[]),
        &mut exec,
        &mut audit,
    );
    assert_eq!(report.status, RunStatus::Completed);
    assert_eq!(
        exec.executed,
        [
            "aws.iam.deactivate_access_key(AKIA1)",
            "aws.iam.attach_deny_all(bob)",
            "notify.webhook(done bob)"
        ]
    );
    assert_eq!(report.steps[2].params["text"], "done bob");
    let phases: Vec<_> = audit.0.iter().map(|r| (r.step.as_str(), r.phase)).collect();
    assert_eq!(
        phases,
        [
            ("key", Phase::Before),
            ("key", Phase::After),
            ("deny", Phase::Before),
            ("deny", Phase::After),
            ("tell", Phase::Before),
            ("tell", Phase::After)
        ]
    );
}

#[test]
fn the_cap_stops_a_run_before_it_changes_too_much() {
    let steps = "  - id: a\n    action: aws.ec2.quarantine_instance\n    with: {instance_id: i-1}\n  - id: b\n    action: aws.ec2.snapshot_volumes\n    with: {instance_id: i-1}\n";
    let (mut exec, mut audit) = (Recorder::default(), Audit::default());
    let report = run_playbook(
        &playbook(steps, 2),
        input(true, &[], &[]),
        &mut exec,
        &mut audit,
    );
    assert_eq!(report.status, RunStatus::Failed);
    assert_eq!(exec.executed, ["aws.ec2.quarantine_instance(i-1)"]);
    match &report.steps[1].status {
        StepStatus::Failed(m) => assert!(
            m.contains("would change 2 more resources (1 so far)") && m.contains("allows 2"),
            "{m}"
        ),
        other => panic!("{other:?}"),
    }
}

#[test]
fn approval_pauses_and_a_resumed_run_does_not_repeat_done_steps() {
    let steps = "  - id: key\n    action: aws.iam.deactivate_access_key\n    with: {access_key_id: AKIA1}\n  - id: deny\n    action: aws.iam.attach_deny_all\n    approval: true\n    with: {user: bob}\n";
    let pb = playbook(steps, 5);
    let (mut exec, mut audit) = (Recorder::default(), Audit::default());
    let first = run_playbook(&pb, input(true, &[], &[]), &mut exec, &mut audit);
    assert_eq!(first.status, RunStatus::AwaitingApproval);
    assert_eq!(exec.executed, ["aws.iam.deactivate_access_key(AKIA1)"]);
    let approved = vec!["deny".to_string()];
    let second = run_playbook(
        &pb,
        input(true, &approved, &first.steps),
        &mut exec,
        &mut audit,
    );
    assert_eq!(second.status, RunStatus::Completed);
    assert_eq!(
        exec.executed,
        [
            "aws.iam.deactivate_access_key(AKIA1)",
            "aws.iam.attach_deny_all(bob)"
        ]
    );
}

#[test]
fn a_failing_step_stops_unless_it_says_continue_and_unset_references_fail() {
    let steps = "  - id: a\n    action: aws.iam.delete_login_profile\n    on_error: continue\n    with: {user: broken}\n  - id: b\n    action: aws.iam.delete_login_profile\n    with: {user: \"{{ alert.raw.missing }}\"}\n  - id: c\n    action: aws.iam.delete_login_profile\n    with: {user: carol}\n";
    let (mut exec, mut audit) = (Recorder::default(), Audit::default());
    let report = run_playbook(
        &playbook(steps, 5),
        input(true, &[], &[]),
        &mut exec,
        &mut audit,
    );
    assert_eq!(report.status, RunStatus::Failed);
    assert!(matches!(&report.steps[0].status, StepStatus::Failed(m) if m == "AccessDenied"));
    assert!(
        matches!(&report.steps[1].status, StepStatus::Failed(m) if m.contains("alert.raw.missing"))
    );
    assert_eq!(report.steps.len(), 2, "b stops the run");
    assert!(exec.executed.is_empty());
    assert!(audit
        .0
        .iter()
        .any(|r| r.result.as_deref() == Some("failed: AccessDenied")));
}

/// Refuses every record after the first `allow`.
struct Flaky {
    allow: usize,
}

impl Journal for Flaky {
    fn audit(&mut self, _: &AuditRecord) -> Result<(), String> {
        if self.allow == 0 {
            return Err("disk full".into());
        }
        self.allow -= 1;
        Ok(())
    }
}

#[test]
fn no_action_without_its_audit_records() {
    let steps = "  - id: a\n    action: aws.iam.delete_login_profile\n    with: {user: carol}\n  - id: b\n    action: aws.iam.delete_login_profile\n    with: {user: dave}\n";
    let mut exec = Recorder::default();
    let report = run_playbook(
        &playbook(steps, 5),
        input(true, &[], &[]),
        &mut exec,
        &mut Flaky { allow: 0 },
    );
    assert!(
        exec.executed.is_empty(),
        "nothing acts before its record is written"
    );
    assert!(
        matches!(&report.steps[0].status, StepStatus::Failed(m) if m.contains("action not attempted"))
    );

    let mut exec = Recorder::default();
    let report = run_playbook(
        &playbook(steps, 5),
        input(true, &[], &[]),
        &mut exec,
        &mut Flaky { allow: 1 },
    );
    assert_eq!(exec.executed, ["aws.iam.delete_login_profile(carol)"]);
    assert!(
        matches!(&report.steps[0].status, StepStatus::Failed(m) if m.contains("done, but the audit record after it was not written"))
    );
    assert_eq!(report.status, RunStatus::Failed);
    assert_eq!(report.steps.len(), 1, "the run stops");
}

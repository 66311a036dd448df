use super::*;

const GOOD: &str = r#"
id: compromised-access-key
name: Compromised access key
trigger:
  techniques: [T1078.004]
  level: high
max_changes: 3
steps:
  - id: key
    action: aws.iam.deactivate_access_key
    with:
      access_key_id: "{{ alert.raw.userIdentity.accessKeyId }}"
  - id: tell
    action: notify.webhook
    when: "{{ steps.key.status }} == done"
    with:
      url: http://127.0.0.1:9/hook
      text: "key {{ steps.key.output.access_key_id }} deactivated"
"#;

#[test]
fn a_valid_playbook_parses() {
    let p = Playbook::parse(GOOD, "good.yml").unwrap();
    assert_eq!(
        (p.id.as_str(), p.max_changes, p.steps.len()),
        ("compromised-access-key", 3, 2)
    );
    assert_eq!(p.steps[0].on_error, OnError::Stop);
}

#[test]
fn every_problem_is_named_with_file_step_field_and_expectation() {
    let bad = r#"
id: x
name: x
trigger: {}
steps:
  - id: a
    action: aws.ec2.stopp
  - id: b
    action: aws.iam.deactivate_access_key
    with:
      user: "{{ steps.later.output.user }}"
      colour: red
  - id: b
    action: aws.iam.attach_deny_all
    with: {}
  - id: c
    action: notify.webhook
    approval: true
    with: {url: "u", text: "{{ nowhere.x }}"}
"#;
    let errors: Vec<String> = Playbook::parse(bad, "pb.yml")
        .unwrap_err()
        .iter()
        .map(|e| e.to_string())
        .collect();
    let has = |needle: &str| {
        assert!(
            errors.iter().any(|e| e.contains(needle)),
            "no `{needle}` in {errors:#?}"
        )
    };
    has("pb.yml: trigger: names no rule");
    has("pb.yml: steps[0].action: unknown action `aws.ec2.stopp`; expected one of enrich.inventory,");
    has("steps[1].with.access_key_id: missing");
    has("steps[1].with.user: `{{ steps.later.output.user }}` names step `later`, which does not run before this one");
    has("steps[1].with.colour: unknown parameter of `aws.iam.deactivate_access_key`; expected access_key_id, user");
    has("steps[2].id: `b` is used by an earlier step");
    has("steps[2].with: give exactly one of `user` or `role`");
    has("steps[3].approval: `notify.webhook` changes nothing");
    has("steps[3].with.text: `{{ nowhere.x }}`: unknown root `nowhere`");
    assert_eq!(errors.len(), 9, "{errors:#?}");
}

#[test]
fn unknown_keys_and_bad_yaml_are_errors() {
    let typo = GOOD.replace("max_changes", "max_change");
    let errors = Playbook::parse(&typo, "t.yml").unwrap_err();
    assert!(
        errors[0].to_string().contains("unknown field `max_change`"),
        "{}",
        errors[0]
    );
    assert!(errors[0].path.starts_with("line "));
    assert!(Playbook::parse("steps: [", "y.yml").is_err());
}

#[test]
fn literal_values_outside_a_parameter_s_choices_are_named() {
    let bad = r#"
id: x
name: x
trigger: {rules: [r1]}
steps:
  - id: mail
    action: notify.email
    with: {smtp: "mail:587", tls: ssl, username: bot, from: a@x, to: b@x, subject: s, text: t}
  - id: hook
    action: notify.webhook
    with: {url: "https://h/x", format: teams, text: t}
  - id: later
    action: notify.email
    with: {smtp: "mail:587", tls: "{{ run.tls }}", from: a@x, to: b@x, subject: s, text: t}
"#;
    let errors: Vec<String> = Playbook::parse(bad, "pb.yml")
        .unwrap_err()
        .iter()
        .map(|e| e.to_string())
        .collect();
    let has = |needle: &str| {
        assert!(
            errors.iter().any(|e| e.contains(needle)),
            "no `{needle}` in {errors:#?}"
        )
    };
    has("pb.yml: steps[0].with.tls: `ssl`; expected one of auto, starttls, implicit, none");
    has("pb.yml: steps[0].with.password_env: missing");
    has("pb.yml: steps[1].with.format: `teams`; expected one of generic, slack");
    assert_eq!(
        errors.len(),
        3,
        "a templated value is checked when it runs: {errors:#?}"
    );
}

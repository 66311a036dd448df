//! Terraform splits one AWS resource over several blocks (a bucket and its
//! `aws_s3_bucket_versioning`, a group and its `aws_security_group_rule`s).
//! They are folded back into the one Resource a live scan would see, found
//! by reference (`bucket = aws_s3_bucket.logs.id`) or by name.

use std::collections::BTreeMap;

use parapet_core::{AttrOrigin, AttrValue, Resource};

use super::aws::{canned_grants, nacl_entry, primary, sg_rule, tf_block, PUBLIC_ACCESS_FLAGS};
use super::module::TfResource;
use crate::draft::Draft;
use crate::value::Value;
use crate::Declared;

/// Every resource of the tree in the Resource model.
pub(crate) fn to_resources(tfs: &[TfResource]) -> Vec<Declared> {
    let mut drafts: Vec<(Draft, &TfResource)> = Vec::new();
    let mut rest = Vec::new();
    for tf in tfs {
        match primary(tf) {
            Some(draft) => drafts.push((draft, tf)),
            None => rest.push(tf),
        }
    }
    let mut index = Index::default();
    for (n, (draft, tf)) in drafts.iter().enumerate() {
        // An instance by its own address; every instance by the address
        // without key (a reference that names no instance).
        for address in [&tf.address, &tf.base_address] {
            let key = (tf.root.clone(), address.clone());
            let entry = index.by_address.entry(key).or_default();
            if !entry.contains(&n) {
                entry.push(n);
            }
        }
        let key = (
            tf.root.clone(),
            draft.resource.kind.clone(),
            draft.resource.name.clone(),
        );
        index.by_name.entry(key).or_default().push(n);
    }
    let mut orphans = Vec::new();
    for tf in rest {
        let mut resources: Vec<&mut Resource> = Vec::new();
        let (kind, key) = match target(&tf.kind) {
            Some(target) => target,
            None => continue,
        };
        let found = index.find(&tf.root, kind, tf.values.get(key));
        if found.is_empty() {
            if let Some(orphan) = orphan_rule(tf) {
                orphans.push(orphan);
            }
            continue;
        }
        for (n, (draft, _)) in drafts.iter_mut().enumerate() {
            if found.contains(&n) {
                resources.push(&mut draft.resource);
            }
        }
        for resource in resources {
            attach(tf, resource);
        }
    }
    // Buckets named by reference (a trail's bucket, an access-log target):
    // the bucket's name, when it is declared in the same root with one.
    let mut bucket_refs: Vec<(usize, &str, &TfResource, &str, Value)> = Vec::new();
    for (n, (_, tf)) in drafts.iter().enumerate() {
        let inline_logging = tf_block(tf, "logging").and_then(|b| b.get("target_bucket"));
        match (
            tf.kind.as_str(),
            tf.values.get("s3_bucket_name"),
            inline_logging,
        ) {
            ("aws_cloudtrail", Some(value), _) => {
                bucket_refs.push((n, "s3_bucket", tf, "s3_bucket_name", value.clone()))
            }
            ("aws_s3_bucket", _, Some(value)) => {
                bucket_refs.push((n, "logging.target_bucket", tf, "logging", value.clone()))
            }
            _ => {}
        }
    }
    for tf in tfs.iter().filter(|t| t.kind == "aws_s3_bucket_logging") {
        let target = tf
            .values
            .get("target_bucket")
            .cloned()
            .unwrap_or(Value::Null);
        for n in index.find(&tf.root, "aws.s3.bucket", tf.values.get("bucket")) {
            bucket_refs.push((
                n,
                "logging.target_bucket",
                tf,
                "target_bucket",
                target.clone(),
            ));
        }
    }
    let resolved: Vec<(usize, &str, AttrOrigin, Value)> = bucket_refs
        .into_iter()
        .map(|(n, attr, tf, key, value)| {
            let name = match &value {
                Value::Unknown(Some(address)) => index
                    .by_address
                    .get(&(tf.root.clone(), address.clone()))
                    .and_then(|found| found.first())
                    .map(|&b| Value::Str(drafts[b].0.resource.name.clone()))
                    .unwrap_or(value),
                _ => value,
            };
            (n, attr, origin(tf, key), name)
        })
        .collect();
    for (n, attr, origin, name) in resolved {
        set(&mut drafts[n].0.resource, attr, &name, &origin);
    }
    // A policy attached to a user counts as attached for the policy too.
    for tf in tfs
        .iter()
        .filter(|t| t.kind == "aws_iam_user_policy_attachment")
    {
        let found = index.find(&tf.root, "aws.iam.policy", tf.values.get("policy_arn"));
        for n in found {
            let policy = &mut drafts[n].0.resource;
            let count = policy.int("attachment_count").unwrap_or(0);
            policy.set("attachment_count", count + 1, &origin(tf, "policy_arn"));
        }
    }
    drafts
        .into_iter()
        .map(|(draft, tf)| Declared::from_tf(draft.finish(), tf))
        .chain(orphans)
        .collect()
}

/// Primary resources by (root folder, address) and (root folder, kind,
/// name): a link never crosses from one root module to another.
#[derive(Default)]
struct Index {
    by_address: BTreeMap<(String, String), Vec<usize>>,
    by_name: BTreeMap<(String, String, String), Vec<usize>>,
}

impl Index {
    fn find(&self, root: &str, kind: &str, reference: Option<&Value>) -> Vec<usize> {
        let found = match reference {
            Some(Value::Unknown(Some(address))) => {
                self.by_address.get(&(root.to_string(), address.clone()))
            }
            Some(Value::Str(name)) => {
                let by = |name: &str| {
                    self.by_name
                        .get(&(root.to_string(), kind.to_string(), name.to_string()))
                };
                by(name).or_else(|| by(arn_name(name)))
            }
            _ => None,
        };
        found.cloned().unwrap_or_default()
    }
}

/// `arn:aws:sns:...:topic-name` or a queue URL as the name.
fn arn_name(text: &str) -> &str {
    text.rsplit([':', '/']).next().unwrap_or(text)
}

/// The kind an attachment belongs to and the argument naming it.
fn target(tf_kind: &str) -> Option<(&'static str, &'static str)> {
    Some(match tf_kind {
        "aws_s3_bucket_versioning"
        | "aws_s3_bucket_logging"
        | "aws_s3_bucket_server_side_encryption_configuration"
        | "aws_s3_bucket_public_access_block"
        | "aws_s3_bucket_policy"
        | "aws_s3_bucket_acl" => ("aws.s3.bucket", "bucket"),
        "aws_security_group_rule"
        | "aws_vpc_security_group_ingress_rule"
        | "aws_vpc_security_group_egress_rule" => ("aws.ec2.security-group", "security_group_id"),
        "aws_network_acl_rule" => ("aws.ec2.network-acl", "network_acl_id"),
        "aws_flow_log" => ("aws.ec2.vpc", "vpc_id"),
        "aws_lambda_permission" | "aws_lambda_function_url" => {
            ("aws.lambda.function", "function_name")
        }
        "aws_sns_topic_policy" => ("aws.sns.topic", "arn"),
        "aws_sqs_queue_policy" => ("aws.sqs.queue", "queue_url"),
        "aws_secretsmanager_secret_rotation" => ("aws.secretsmanager.secret", "secret_id"),
        "aws_iam_user_policy_attachment" | "aws_iam_user_policy" => ("aws.iam.user", "user"),
        "aws_iam_role_policy_attachment"
        | "aws_iam_group_policy_attachment"
        | "aws_iam_policy_attachment" => ("aws.iam.policy", "policy_arn"),
        _ => return None,
    })
}

fn origin(tf: &TfResource, key: &str) -> AttrOrigin {
    AttrOrigin::File {
        path: tf.path.clone(),
        line: tf.lines.get(key).copied().unwrap_or(tf.line),
        column: 1,
    }
}

fn set(resource: &mut Resource, attr: &str, value: &Value, origin: &AttrOrigin) {
    match value.to_attr() {
        Some(v) => resource.set(attr, v, origin),
        None => resource.unknown(attr, origin),
    }
}

/// Appends to a list attribute; an unknown list stays unknown.
fn push(resource: &mut Resource, attr: &str, item: &Value, origin: &AttrOrigin) {
    let Some(item) = item.to_attr() else {
        resource.unknown(attr, origin);
        return;
    };
    if let Some(AttrValue::List(items)) = resource.value(attr).cloned() {
        let mut items = items;
        items.push(item);
        resource.set(attr, AttrValue::List(items), origin);
    }
}

fn attach(tf: &TfResource, r: &mut Resource) {
    let v = |key: &str| tf.values.get(key).cloned().unwrap_or(Value::Null);
    let at = |key: &str| origin(tf, key);
    match tf.kind.as_str() {
        "aws_s3_bucket_versioning" => {
            let config = tf_block(tf, "versioning_configuration")
                .cloned()
                .unwrap_or(Value::Null);
            let word = |key: &str| match config.get(key) {
                Some(Value::Str(s)) => Value::Bool(s == "Enabled"),
                Some(other) if other.is_unknown() => Value::unknown(),
                _ => Value::Bool(false),
            };
            set(
                r,
                "versioning.enabled",
                &word("status"),
                &at("versioning_configuration"),
            );
            set(
                r,
                "versioning.mfa_delete",
                &word("mfa_delete"),
                &at("versioning_configuration"),
            );
        }
        // The target is resolved to a bucket name after every link is made.
        "aws_s3_bucket_logging" => r.set("logging.enabled", true, &at("target_bucket")),
        "aws_s3_bucket_server_side_encryption_configuration" => {
            let algorithm = tf_block(tf, "rule")
                .and_then(|rule| rule.block("apply_server_side_encryption_by_default"))
                .and_then(|a| a.get("sse_algorithm"))
                .cloned()
                .unwrap_or(Value::str("AES256"));
            set(r, "encryption.algorithm", &algorithm, &at("rule"));
        }
        "aws_s3_bucket_public_access_block" => {
            for flag in PUBLIC_ACCESS_FLAGS {
                let value = match v(flag) {
                    Value::Null => Value::Bool(false),
                    other => other.as_bool().map(Value::Bool).unwrap_or(other),
                };
                set(r, &format!("public_access_block.{flag}"), &value, &at(flag));
            }
        }
        "aws_s3_bucket_policy" | "aws_sns_topic_policy" | "aws_sqs_queue_policy" => {
            let mut draft = Draft::new(
                r.provider,
                &r.kind,
                String::new(),
                String::new(),
                &tf.path,
                tf.line,
                tf.lines.clone(),
            );
            draft.put_policy("policy", "policy", tf.values.get("policy"));
            for (name, attribute) in draft.resource.attributes {
                r.attributes.insert(name, attribute);
            }
            for relation in draft.resource.relations {
                r.relate(&relation.kind, relation.target);
            }
        }
        "aws_s3_bucket_acl" => match v("acl") {
            Value::Str(acl) => r.set("acl.grants", canned_grants(&acl), &at("acl")),
            Value::Null if tf.values.contains_key("access_control_policy") => {
                r.unknown("acl.grants", &at("access_control_policy"))
            }
            Value::Null => {}
            _ => r.unknown("acl.grants", &at("acl")),
        },
        "aws_security_group_rule" => {
            let direction = match v("type").as_str() {
                Some("egress") => "egress",
                _ => "ingress",
            };
            let rule = sg_rule(
                tf.values.get("protocol"),
                tf.values.get("from_port"),
                tf.values.get("to_port"),
                tf.values.get("cidr_blocks"),
                tf.values.get("ipv6_cidr_blocks"),
            );
            push(r, direction, &rule, &at("type"));
        }
        "aws_vpc_security_group_ingress_rule" | "aws_vpc_security_group_egress_rule" => {
            let direction = if tf.kind.ends_with("ingress_rule") {
                "ingress"
            } else {
                "egress"
            };
            let rule = sg_rule(
                tf.values.get("ip_protocol"),
                tf.values.get("from_port"),
                tf.values.get("to_port"),
                tf.values.get("cidr_ipv4"),
                tf.values.get("cidr_ipv6"),
            );
            push(r, direction, &rule, &at("ip_protocol"));
        }
        "aws_network_acl_rule" => {
            let egress = v("egress").as_bool().unwrap_or(false);
            let entry = nacl_entry(
                &Value::Map(tf.values.clone()),
                egress,
                "rule_number",
                "rule_action",
            );
            push(r, "entries", &entry, &at("rule_number"));
        }
        "aws_flow_log" => r.set("flow_logs.enabled", true, &at("vpc_id")),
        "aws_lambda_permission" => {
            push(r, "policy.principals", &v("principal"), &at("principal"));
            add_statement(r, &permission_statement(tf), &at("principal"));
        }
        "aws_lambda_function_url" => set(
            r,
            "url.auth_type",
            &v("authorization_type"),
            &at("authorization_type"),
        ),
        "aws_secretsmanager_secret_rotation" => r.set("rotation_enabled", true, &at("secret_id")),
        "aws_iam_user_policy_attachment" => {
            let policy = match v("policy_arn") {
                Value::Unknown(Some(address)) => Value::Str(address),
                other => other,
            };
            push(r, "attached_policies", &policy, &at("policy_arn"));
        }
        "aws_iam_user_policy" => {
            let name = match v("name") {
                Value::Null => Value::Str(tf.address.clone()),
                other => other,
            };
            push(r, "inline_policies", &name, &at("policy"));
        }
        "aws_iam_role_policy_attachment"
        | "aws_iam_group_policy_attachment"
        | "aws_iam_policy_attachment" => {
            let count = r.int("attachment_count").unwrap_or(0);
            r.set("attachment_count", count + 1, &at("policy_arn"));
        }
        _ => {}
    }
}

/// An `aws_lambda_permission` as the policy statement AWS adds for it.
fn permission_statement(tf: &TfResource) -> Value {
    let v = |key: &str| tf.values.get(key).cloned().unwrap_or(Value::Null);
    let principal = match v("principal") {
        Value::Str(p) if p == "*" => Value::str("*"),
        Value::Str(p) if p.ends_with(".amazonaws.com") => {
            Value::Map(BTreeMap::from([("Service".to_string(), Value::Str(p))]))
        }
        other => Value::Map(BTreeMap::from([("AWS".to_string(), other)])),
    };
    let mut condition = BTreeMap::new();
    if let Some(arn) = tf
        .values
        .get("source_arn")
        .filter(|a| !matches!(a, Value::Null))
    {
        condition.insert(
            "ArnLike".to_string(),
            Value::Map(BTreeMap::from([("AWS:SourceArn".to_string(), arn.clone())])),
        );
    }
    if let Some(account) = tf
        .values
        .get("source_account")
        .filter(|a| !matches!(a, Value::Null))
    {
        condition.insert(
            "StringEquals".to_string(),
            Value::Map(BTreeMap::from([(
                "AWS:SourceAccount".to_string(),
                account.clone(),
            )])),
        );
    }
    let mut statement = BTreeMap::from([
        ("Effect".to_string(), Value::str("Allow")),
        ("Principal".to_string(), principal),
        (
            "Action".to_string(),
            match v("action") {
                Value::Null => Value::str("lambda:InvokeFunction"),
                a => a,
            },
        ),
        ("Resource".to_string(), Value::str("*")),
    ]);
    if !condition.is_empty() {
        statement.insert("Condition".to_string(), Value::Map(condition));
    }
    Value::Map(statement)
}

/// Appends a statement to a resource policy (creating the document).
fn add_statement(r: &mut Resource, statement: &Value, origin: &AttrOrigin) {
    let Some(statement) = statement.to_attr() else {
        r.unknown("policy", origin);
        return;
    };
    let mut statements = match r.value("policy") {
        Some(AttrValue::Map(doc)) => doc
            .get("Statement")
            .and_then(AttrValue::as_list)
            .map(<[AttrValue]>::to_vec)
            .unwrap_or_default(),
        Some(AttrValue::Null) => Vec::new(),
        _ => return,
    };
    statements.push(statement);
    let document = AttrValue::Map(BTreeMap::from([
        ("Version".to_string(), AttrValue::from("2012-10-17")),
        ("Statement".to_string(), AttrValue::List(statements)),
    ]));
    r.set("policy", document, origin);
}

/// A security group or network ACL rule whose group is not in the tree (an
/// id literal, a data source): checked on its own, as a group with just that
/// rule.
fn orphan_rule(tf: &TfResource) -> Option<Declared> {
    let (kind, lists): (&str, &[&str]) = match tf.kind.as_str() {
        "aws_security_group_rule"
        | "aws_vpc_security_group_ingress_rule"
        | "aws_vpc_security_group_egress_rule" => {
            ("aws.ec2.security-group", &["ingress", "egress"])
        }
        "aws_network_acl_rule" => ("aws.ec2.network-acl", &["entries"]),
        _ => return None,
    };
    let mut draft = Draft::new(
        parapet_core::Provider::Aws,
        kind,
        tf.uid(),
        tf.address.clone(),
        &tf.path,
        tf.line,
        tf.lines.clone(),
    );
    for list in lists {
        draft.known(list, "", AttrValue::List(Vec::new()));
    }
    let mut resource = draft.finish();
    resource.account = tf.root.clone();
    attach(tf, &mut resource);
    Some(Declared::from_tf(resource, tf))
}

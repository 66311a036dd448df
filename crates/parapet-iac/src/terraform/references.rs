//! References in expressions: `var.x`, `local.x`, `module.m.out`, a
//! resource's configured attribute (`aws_s3_bucket.b.bucket`, one instance
//! of a counted resource, or all of them), `data` sources. What only apply
//! knows is Unknown naming the resource it belongs to.

use std::collections::BTreeMap;

use hcl_edit::expr::{Expression, TraversalOperator};
use hcl_edit::structure::Block;

use super::eval::{instance_key, is_meta, pairs, Eval, Evaluator, Invalid, MAX_ELEMENTS};
use crate::value::Value;

impl Evaluator<'_, '_> {
    /// `var.x`, `local.x`, `module.m.out`, `aws_s3_bucket.b.bucket` and
    /// `data.t.n.attr` read directly, so a large `var` map is not cloned
    /// for every reference. None when the traversal is not a reference.
    pub(super) fn reference(
        &mut self,
        base: &Expression,
        ops: &[&TraversalOperator],
    ) -> Result<Option<Value>, Invalid> {
        let Expression::Variable(root) = base else {
            return Ok(None);
        };
        let root = root.as_str();
        if self.frames.iter().any(|f| f.contains_key(root)) {
            return Ok(None);
        }
        let first = match ops.first() {
            Some(TraversalOperator::GetAttr(name)) => name.as_str(),
            _ => return Ok(None),
        };
        let value = match root {
            "var" => self.scope.vars.get(first).cloned(),
            // An undeclared local is an error Terraform would refuse.
            "local" => Some(self.scope.locals.get(first).cloned().ok_or(Invalid)?),
            "module" => self.scope.modules.get(first).cloned(),
            "data" => return self.data_reference(ops).map(Some),
            "count" | "each" | "path" | "terraform" | "self" => return Ok(None),
            resource_type => {
                let key = (resource_type.to_string(), first.to_string());
                return match self.scope.resources.get(&key) {
                    Some(block) => self
                        .resource_reference(resource_type, block, &ops[1..])
                        .map(Some),
                    None => Ok(Some(Value::unknown())),
                };
            }
        };
        match value {
            Some(value) => self.traverse(value, &ops[1..]).map(Some),
            // An input nobody declared, a local that failed: Unknown.
            None => Ok(Some(Value::unknown())),
        }
    }

    fn resource_reference(
        &mut self,
        kind: &str,
        block: &Block,
        ops: &[&TraversalOperator],
    ) -> Eval {
        let name = block.labels.get(1).map(|l| l.as_str()).unwrap_or_default();
        let base = format!("{}{kind}.{name}", self.scope.prefix);
        // The instance a reference names (`aws_iam_user.u["bob"]`) and the
        // iteration variables its configuration is evaluated with.
        let (address, frame, ops) = match ops.first() {
            None => return Ok(self.instances(block, &base)),
            Some(TraversalOperator::Index(expr)) => {
                let key = self.eval(expr)?;
                let (address, frame) = self.instance(block, &base, key);
                (address, frame, &ops[1..])
            }
            Some(TraversalOperator::LegacyIndex(i)) => {
                let (address, frame) = self.instance(block, &base, Value::Number(**i as f64));
                (address, frame, &ops[1..])
            }
            Some(TraversalOperator::AttrSplat(_) | TraversalOperator::FullSplat(_)) => {
                return Ok(Value::Unknown(Some(base)))
            }
            Some(TraversalOperator::GetAttr(_)) => (base, BTreeMap::new(), ops),
        };
        let Some(TraversalOperator::GetAttr(attr)) = ops.first() else {
            return Ok(Value::Unknown(Some(address)));
        };
        let mut nested = self.nested();
        nested.frames.push(frame);
        let value = match block.body.get_attribute(attr.as_str()) {
            // Configured values are known; ids, ARNs and computed defaults
            // exist only after apply.
            Some(attribute) if !is_meta(attr.as_str()) => nested.value(&attribute.value),
            _ => return Ok(Value::Unknown(Some(address))),
        };
        match value {
            Value::Unknown(None) => Ok(Value::Unknown(Some(address))),
            value => self.traverse(value, &ops[1..]),
        }
    }

    /// A whole resource (`for_each = aws_s3_bucket.logs`): its instances,
    /// each an object known only after apply but naming its address.
    fn instances(&mut self, block: &Block, base: &str) -> Value {
        let unknown = || Value::Unknown(Some(base.to_string()));
        if let Some(count) = block.body.get_attribute("count") {
            return match self.nested().value(&count.value).as_i64() {
                Some(n) => Value::List(
                    (0..n.clamp(0, MAX_ELEMENTS as i64))
                        .map(|i| {
                            Value::Unknown(Some(format!(
                                "{base}{}",
                                instance_key(&Value::Number(i as f64))
                            )))
                        })
                        .collect(),
                ),
                None => unknown(),
            };
        }
        if let Some(for_each) = block.body.get_attribute("for_each") {
            return match pairs(self.nested().value(&for_each.value)) {
                Ok(items) => Value::Map(
                    items
                        .into_iter()
                        .filter_map(|(key, value)| {
                            let key = if key.as_str().is_some() { key } else { value };
                            let text = key.to_text()?;
                            Some((
                                text,
                                Value::Unknown(Some(format!("{base}{}", instance_key(&key)))),
                            ))
                        })
                        .collect(),
                ),
                Err(_) => unknown(),
            };
        }
        unknown()
    }

    /// The address of one instance and the `count`/`each` it sees.
    fn instance(
        &mut self,
        block: &Block,
        base: &str,
        key: Value,
    ) -> (String, BTreeMap<String, Value>) {
        if key.has_unknown() {
            return (base.to_string(), BTreeMap::new());
        }
        let address = format!("{base}{}", instance_key(&key));
        let mut frame = BTreeMap::new();
        if block.body.get_attribute("count").is_some() {
            frame.insert(
                "count".to_string(),
                Value::Map(BTreeMap::from([("index".to_string(), key)])),
            );
        } else if let Some(for_each) = block.body.get_attribute("for_each") {
            let collection = self.nested().value(&for_each.value);
            let value = pairs(collection)
                .ok()
                .and_then(|items| {
                    items.into_iter().find_map(|(k, v)| {
                        let k = if k.as_str().is_some() { k } else { v.clone() };
                        (k.to_text() == key.to_text()).then_some(v)
                    })
                })
                .unwrap_or(Value::unknown());
            frame.insert(
                "each".to_string(),
                Value::Map(BTreeMap::from([
                    ("key".to_string(), key),
                    ("value".to_string(), value),
                ])),
            );
        }
        (address, frame)
    }

    fn data_reference(&mut self, ops: &[&TraversalOperator]) -> Eval {
        let (Some(TraversalOperator::GetAttr(kind)), Some(TraversalOperator::GetAttr(name))) =
            (ops.first(), ops.get(1))
        else {
            return Ok(Value::unknown());
        };
        let key = (kind.to_string(), name.to_string());
        let Some(block) = self.scope.data.get(&key) else {
            return Ok(Value::unknown());
        };
        let rest = &ops[2..];
        let rest = match rest.first() {
            Some(TraversalOperator::Index(_)) => &rest[1..],
            _ => rest,
        };
        if kind.as_str() == "aws_iam_policy_document" {
            let body = self.nested().body(&block.body).value;
            let document = super::policy_document::build(&body);
            let map = Value::Map(BTreeMap::from([
                ("json".to_string(), document.clone()),
                ("minified_json".to_string(), document),
            ]));
            return self.traverse(map, rest);
        }
        Ok(Value::unknown())
    }
}

//! HCL expressions evaluated the way Terraform plans them, minus what only
//! apply knows: those values are `Unknown`. An expression Terraform itself
//! would reject (a missing key, a bad index) is an `Invalid` error, so `try`
//! and `can` behave as in Terraform; at the attribute level it is Unknown.

use std::collections::BTreeMap;

use hcl_edit::expr::{BinaryOperator, Expression, ObjectKey, TraversalOperator, UnaryOperator};
use hcl_edit::structure::{Block, Body, Structure};
use hcl_edit::Span;

use super::functions::call;
use crate::value::{number_text, Value};

/// Evaluation depth past which a value is Unknown (reference cycles,
/// hostile nesting).
const MAX_DEPTH: u32 = 64;
/// Elements a `for` expression, `range` or `count` may produce.
pub(crate) const MAX_ELEMENTS: usize = 100_000;

/// An expression Terraform would refuse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Invalid;

pub(crate) type Eval = Result<Value, Invalid>;

/// What a module's expressions can name.
#[derive(Default)]
pub(crate) struct Scope<'a> {
    pub vars: BTreeMap<String, Value>,
    pub locals: BTreeMap<String, Value>,
    /// Outputs of each module call, by call name.
    pub modules: BTreeMap<String, Value>,
    /// Resource blocks by (type, name), for references to their attributes.
    pub resources: BTreeMap<(String, String), &'a Block>,
    pub data: BTreeMap<(String, String), &'a Block>,
    pub path_module: String,
    pub path_root: String,
    /// Address prefix of this module instance (`module.net.`).
    pub prefix: String,
    /// The root module folder (relative), for resource identities.
    pub root_module: String,
}

/// An evaluator over one scope, with the iteration variables in force
/// (`count.index`, `each.value`, `for` variables, dynamic iterators).
pub(crate) struct Evaluator<'s, 'a> {
    pub scope: &'s Scope<'a>,
    pub(super) frames: Vec<BTreeMap<String, Value>>,
    depth: u32,
}

impl<'s, 'a> Evaluator<'s, 'a> {
    pub fn new(scope: &'s Scope<'a>) -> Self {
        Evaluator {
            scope,
            frames: Vec::new(),
            depth: 0,
        }
    }

    pub fn with_frame(mut self, frame: BTreeMap<String, Value>) -> Self {
        self.frames.push(frame);
        self
    }

    pub(super) fn nested(&self) -> Evaluator<'s, 'a> {
        Evaluator {
            scope: self.scope,
            frames: Vec::new(),
            depth: self.depth + 1,
        }
    }

    /// The value of an attribute expression: what Terraform would reject
    /// becomes Unknown rather than an error.
    pub fn value(&mut self, expr: &Expression) -> Value {
        self.eval(expr).unwrap_or(Value::Unknown(None))
    }

    pub fn eval(&mut self, expr: &Expression) -> Eval {
        if self.depth > MAX_DEPTH {
            return Ok(Value::unknown());
        }
        self.depth += 1;
        let result = self.eval_inner(expr);
        self.depth -= 1;
        result
    }

    fn eval_inner(&mut self, expr: &Expression) -> Eval {
        Ok(match expr {
            Expression::Null(_) => Value::Null,
            Expression::Bool(b) => Value::Bool(**b),
            Expression::Number(n) => Value::Number(n.as_f64().unwrap_or_default()),
            Expression::String(s) => Value::Str(s.to_string()),
            Expression::Array(items) => Value::List(
                items
                    .iter()
                    .map(|item| self.eval(item))
                    .collect::<Result<_, _>>()?,
            ),
            Expression::Object(object) => {
                let mut map = BTreeMap::new();
                for (key, value) in object.iter() {
                    let key = match key {
                        ObjectKey::Ident(ident) => ident.as_str().to_string(),
                        ObjectKey::Expression(expr) => match self.object_key(expr)? {
                            Some(key) => key,
                            None => return Ok(Value::unknown()),
                        },
                    };
                    map.insert(key, self.eval(value.expr())?);
                }
                Value::Map(map)
            }
            Expression::StringTemplate(template) => self.template(template)?,
            Expression::HeredocTemplate(heredoc) => self.template(&heredoc.template)?,
            Expression::Parenthesis(inner) => self.eval(inner.inner())?,
            Expression::Variable(name) => self.variable(name.as_str())?,
            Expression::Conditional(c) => {
                let cond = self.eval(&c.cond_expr)?;
                match cond.as_bool() {
                    Some(true) => self.eval(&c.true_expr)?,
                    Some(false) => self.eval(&c.false_expr)?,
                    None if cond.is_unknown() => {
                        let yes = self.eval(&c.true_expr)?;
                        let no = self.eval(&c.false_expr)?;
                        if yes == no {
                            yes
                        } else {
                            Value::unknown()
                        }
                    }
                    None => return Err(Invalid),
                }
            }
            Expression::FuncCall(f) => {
                if f.name.is_namespaced() {
                    // Provider-defined functions run in the provider.
                    return Ok(Value::unknown());
                }
                let name = f.name.name.as_str();
                if name == "try" || name == "can" {
                    return self.try_or_can(name, f.args.iter());
                }
                let mut args: Vec<Value> = f
                    .args
                    .iter()
                    .map(|a| self.eval(a))
                    .collect::<Result<_, _>>()?;
                if f.args.expand_final() {
                    match args.pop() {
                        Some(Value::List(rest)) => args.extend(rest),
                        Some(_) => return Ok(Value::unknown()),
                        None => {}
                    }
                }
                call(name, args)?
            }
            Expression::Traversal(t) => {
                let operators: Vec<&TraversalOperator> = t.operators.iter().map(|o| &**o).collect();
                if let Some(value) = self.reference(&t.expr, &operators)? {
                    return Ok(value);
                }
                let base = self.eval(&t.expr)?;
                self.traverse(base, &operators)?
            }
            Expression::UnaryOp(op) => {
                let value = self.eval(&op.expr)?;
                if value.is_unknown() {
                    return Ok(Value::unknown());
                }
                match *op.operator {
                    UnaryOperator::Neg => Value::Number(-value.as_f64().ok_or(Invalid)?),
                    UnaryOperator::Not => Value::Bool(!value.as_bool().ok_or(Invalid)?),
                }
            }
            Expression::BinaryOp(op) => {
                let lhs = self.eval(&op.lhs_expr)?;
                let rhs = self.eval(&op.rhs_expr)?;
                binary(*op.operator, lhs, rhs)?
            }
            Expression::ForExpr(f) => self.for_expr(f)?,
        })
    }

    fn object_key(&mut self, expr: &Expression) -> Result<Option<String>, Invalid> {
        // `{ (var.x) = 1 }` and `{ "a" = 1 }`; a bare name is the name itself.
        if let Expression::Variable(name) = expr {
            return Ok(Some(name.as_str().to_string()));
        }
        Ok(self.eval(expr)?.to_text())
    }

    fn try_or_can<'e>(&mut self, name: &str, args: impl Iterator<Item = &'e Expression>) -> Eval {
        for arg in args {
            match self.eval(arg) {
                Ok(value) if name == "can" => {
                    return Ok(if value.has_unknown() {
                        Value::unknown()
                    } else {
                        Value::Bool(true)
                    })
                }
                Ok(value) => return Ok(value),
                Err(Invalid) if name == "can" => return Ok(Value::Bool(false)),
                Err(Invalid) => continue,
            }
        }
        Err(Invalid)
    }

    fn variable(&self, name: &str) -> Eval {
        for frame in self.frames.iter().rev() {
            if let Some(value) = frame.get(name) {
                return Ok(value.clone());
            }
        }
        Ok(match name {
            "var" => Value::Map(self.scope.vars.clone()),
            "local" => Value::Map(self.scope.locals.clone()),
            "module" => Value::Map(self.scope.modules.clone()),
            "path" => Value::Map(BTreeMap::from([
                ("module".to_string(), Value::str(&self.scope.path_module)),
                ("root".to_string(), Value::str(&self.scope.path_root)),
                ("cwd".to_string(), Value::str(&self.scope.path_root)),
            ])),
            "terraform" => Value::Map(BTreeMap::from([(
                "workspace".to_string(),
                Value::str("default"),
            )])),
            // A resource type alone, `count`/`each` outside their block,
            // `self` outside a provisioner: unknown rather than an error.
            _ => Value::unknown(),
        })
    }

    /// Applies attribute, index and splat operators to a value.
    pub fn traverse(&mut self, mut value: Value, ops: &[&TraversalOperator]) -> Eval {
        for (n, op) in ops.iter().enumerate() {
            if let Value::Unknown(address) = value {
                return Ok(Value::Unknown(address));
            }
            value = match op {
                TraversalOperator::GetAttr(name) => match value {
                    Value::Map(mut map) => map.remove(name.as_str()).ok_or(Invalid)?,
                    _ => return Err(Invalid),
                },
                TraversalOperator::Index(expr) => {
                    let key = self.eval(expr)?;
                    index(value, &key)?
                }
                TraversalOperator::LegacyIndex(i) => index(value, &Value::Number(**i as f64))?,
                TraversalOperator::AttrSplat(_) | TraversalOperator::FullSplat(_) => {
                    let items = match value {
                        Value::List(items) => items,
                        Value::Null => Vec::new(),
                        other => vec![other],
                    };
                    let rest = &ops[n + 1..];
                    let mut out = Vec::with_capacity(items.len());
                    for item in items {
                        out.push(self.traverse(item, rest)?);
                    }
                    return Ok(Value::List(out));
                }
            };
        }
        Ok(value)
    }

    /// A block body as a map: attributes by name, nested blocks as lists of
    /// maps (one per block, `dynamic` blocks expanded), so a single block
    /// and a repeated one read the same way.
    pub fn body(&mut self, body: &Body) -> Evaluated {
        let mut out = Evaluated::default();
        for structure in body.iter() {
            match structure {
                Structure::Attribute(attribute) => {
                    let name = attribute.key.as_str();
                    if is_meta(name) {
                        continue;
                    }
                    let value = self.value(&attribute.value);
                    out.offsets
                        .insert(name.to_string(), span_start(attribute.span()));
                    out.value.insert(name.to_string(), value);
                }
                Structure::Block(block) => self.nested_block(block, &mut out),
            }
        }
        out
    }

    fn nested_block(&mut self, block: &Block, out: &mut Evaluated) {
        let ident = block.ident.as_str();
        if matches!(ident, "lifecycle" | "provisioner" | "connection") {
            return;
        }
        if ident != "dynamic" {
            let value = Value::Map(self.body(&block.body).value);
            out.offsets
                .entry(ident.to_string())
                .or_insert(span_start(block.span()));
            push_block(&mut out.value, ident, value);
            return;
        }
        let Some(label) = block.labels.first().map(|l| l.as_str().to_string()) else {
            return;
        };
        out.offsets
            .entry(label.clone())
            .or_insert(span_start(block.span()));
        let for_each = block
            .body
            .get_attribute("for_each")
            .map(|a| self.value(&a.value))
            .unwrap_or(Value::Null);
        let iterator = block
            .body
            .get_attribute("iterator")
            .and_then(|a| match &a.value {
                Expression::Variable(v) => Some(v.as_str().to_string()),
                _ => None,
            })
            .unwrap_or_else(|| label.clone());
        let content = block.body.blocks().find(|b| b.ident.as_str() == "content");
        let (Some(content), Ok(items)) = (content, pairs(for_each)) else {
            // Unknown collection: how many blocks there are is unknown.
            push_block(&mut out.value, &label, Value::unknown());
            return;
        };
        for (key, value) in items {
            let frame = BTreeMap::from([(
                iterator.clone(),
                Value::Map(BTreeMap::from([
                    ("key".to_string(), key),
                    ("value".to_string(), value),
                ])),
            )]);
            self.frames.push(frame);
            let value = Value::Map(self.body(&content.body).value);
            self.frames.pop();
            push_block(&mut out.value, &label, value);
        }
    }
}

/// An evaluated body with the byte offset where each key was written.
#[derive(Default)]
pub(crate) struct Evaluated {
    pub value: BTreeMap<String, Value>,
    pub offsets: BTreeMap<String, usize>,
}

fn push_block(map: &mut BTreeMap<String, Value>, key: &str, value: Value) {
    match map
        .entry(key.to_string())
        .or_insert(Value::List(Vec::new()))
    {
        Value::List(items) => items.push(value),
        other => *other = Value::List(vec![value]),
    }
}

fn span_start(span: Option<std::ops::Range<usize>>) -> usize {
    span.map(|s| s.start).unwrap_or_default()
}

/// Meta-arguments that configure Terraform, not the resource.
pub(crate) fn is_meta(name: &str) -> bool {
    matches!(
        name,
        "count" | "for_each" | "provider" | "depends_on" | "lifecycle"
    )
}

/// (key, value) pairs of a collection for `for` and `for_each`: list
/// indexes, map keys, set members (keyed by themselves).
pub(crate) fn pairs(collection: Value) -> Result<Vec<(Value, Value)>, Invalid> {
    match collection {
        Value::List(items) => Ok(items
            .into_iter()
            .enumerate()
            .map(|(n, item)| (Value::Number(n as f64), item))
            .collect()),
        Value::Map(map) => Ok(map.into_iter().map(|(k, v)| (Value::Str(k), v)).collect()),
        Value::Null => Ok(Vec::new()),
        _ => Err(Invalid),
    }
}

fn index(value: Value, key: &Value) -> Eval {
    match value {
        Value::List(mut items) => {
            let n = key.as_i64().ok_or(Invalid)?;
            if n < 0 || n as usize >= items.len() {
                return Err(Invalid);
            }
            Ok(items.swap_remove(n as usize))
        }
        Value::Map(mut map) => {
            if key.is_unknown() {
                return Ok(Value::unknown());
            }
            let key = key.to_text().ok_or(Invalid)?;
            map.remove(&key).ok_or(Invalid)
        }
        Value::Unknown(address) => Ok(Value::Unknown(address)),
        _ => Err(Invalid),
    }
}

fn binary(op: BinaryOperator, lhs: Value, rhs: Value) -> Eval {
    use BinaryOperator::*;
    // Short circuits decide even with one side unknown.
    match (op, lhs.as_bool(), rhs.as_bool()) {
        (And, Some(false), _) | (And, _, Some(false)) => return Ok(Value::Bool(false)),
        (Or, Some(true), _) | (Or, _, Some(true)) => return Ok(Value::Bool(true)),
        _ => {}
    }
    if lhs.has_unknown() || rhs.has_unknown() {
        return Ok(Value::unknown());
    }
    let number = |v: &Value| v.as_f64().ok_or(Invalid);
    Ok(match op {
        Eq => Value::Bool(loosely_equal(&lhs, &rhs)),
        NotEq => Value::Bool(!loosely_equal(&lhs, &rhs)),
        And => Value::Bool(lhs.as_bool().ok_or(Invalid)? && rhs.as_bool().ok_or(Invalid)?),
        Or => Value::Bool(lhs.as_bool().ok_or(Invalid)? || rhs.as_bool().ok_or(Invalid)?),
        Less => Value::Bool(number(&lhs)? < number(&rhs)?),
        LessEq => Value::Bool(number(&lhs)? <= number(&rhs)?),
        Greater => Value::Bool(number(&lhs)? > number(&rhs)?),
        GreaterEq => Value::Bool(number(&lhs)? >= number(&rhs)?),
        Plus => Value::Number(number(&lhs)? + number(&rhs)?),
        Minus => Value::Number(number(&lhs)? - number(&rhs)?),
        Mul => Value::Number(number(&lhs)? * number(&rhs)?),
        Div => Value::Number(number(&lhs)? / number(&rhs)?),
        Mod => Value::Number(number(&lhs)? % number(&rhs)?),
    })
}

/// `==` as Terraform compares: numbers by value, `"1" == 1` false.
fn loosely_equal(lhs: &Value, rhs: &Value) -> bool {
    match (lhs, rhs) {
        (Value::Number(a), Value::Number(b)) => a == b,
        _ => lhs == rhs,
    }
}

/// Text of a key as Terraform renders it in an address: `[0]` or `["a"]`.
pub(crate) fn instance_key(key: &Value) -> String {
    match key {
        Value::Number(n) => format!("[{}]", number_text(*n)),
        Value::Str(s) => format!("[{s:?}]"),
        _ => "[?]".to_string(),
    }
}

//! String templates (`%{if}`, `%{for}`, interpolations) and `for`
//! expressions.

use std::collections::BTreeMap;

use hcl_edit::expr::ForExpr;
use hcl_edit::template::{Directive, Element, Template};

use super::eval::{pairs, Eval, Evaluator, Invalid, MAX_ELEMENTS};
use crate::value::{Value, KNOWN_AFTER_APPLY};

impl Evaluator<'_, '_> {
    pub(super) fn template(&mut self, template: &Template) -> Eval {
        let mut out = String::new();
        let mut literal = false;
        let mut unknown = false;
        for element in template.iter() {
            match element {
                Element::Literal(text) => {
                    literal |= !text.trim().is_empty();
                    out.push_str(text);
                }
                Element::Interpolation(i) => match self.eval(&i.expr)? {
                    // `arn:aws:iam::${account}:root` is an account ARN
                    // whatever the account: the known text is kept so a
                    // policy stays judgeable (a lone `${x}` stays unknown).
                    Value::Unknown(_) => {
                        unknown = true;
                        out.push_str(KNOWN_AFTER_APPLY);
                    }
                    value => match value.to_text() {
                        Some(text) => out.push_str(&text),
                        None => return Ok(Value::unknown()),
                    },
                },
                Element::Directive(directive) => match &**directive {
                    Directive::If(d) => {
                        let cond = self.eval(&d.if_expr.cond_expr)?;
                        let branch = match cond.as_bool() {
                            Some(true) => Some(&d.if_expr.template),
                            Some(false) => d.else_expr.as_ref().map(|e| &e.template),
                            None => return Ok(Value::unknown()),
                        };
                        if let Some(branch) = branch {
                            match self.template(branch)? {
                                Value::Str(text) => out.push_str(&text),
                                _ => return Ok(Value::unknown()),
                            }
                        }
                    }
                    Directive::For(d) => {
                        let collection = self.eval(&d.for_expr.collection_expr)?;
                        let key_var = d.for_expr.key_var.as_ref().map(|k| k.as_str().to_string());
                        let value_var = d.for_expr.value_var.as_str().to_string();
                        for (key, item) in pairs(collection)? {
                            let mut frame = BTreeMap::from([(value_var.clone(), item)]);
                            if let Some(k) = &key_var {
                                frame.insert(k.clone(), key);
                            }
                            self.frames.push(frame);
                            let text = self.template(&d.for_expr.template);
                            self.frames.pop();
                            match text? {
                                Value::Str(text) => out.push_str(&text),
                                _ => return Ok(Value::unknown()),
                            }
                        }
                    }
                },
            }
        }
        if unknown && !literal {
            return Ok(Value::unknown());
        }
        Ok(Value::Str(out))
    }

    pub(super) fn for_expr(&mut self, f: &ForExpr) -> Eval {
        let collection = self.eval(&f.intro.collection_expr)?;
        if collection.is_unknown() {
            return Ok(Value::unknown());
        }
        let key_var = f.intro.key_var.as_ref().map(|k| k.as_str().to_string());
        let value_var = f.intro.value_var.as_str().to_string();
        let mut list = Vec::new();
        let mut map: BTreeMap<String, Value> = BTreeMap::new();
        for (key, item) in pairs(collection)? {
            let mut frame = BTreeMap::from([(value_var.clone(), item)]);
            if let Some(k) = &key_var {
                frame.insert(k.clone(), key);
            }
            self.frames.push(frame);
            let produced = self.for_element(f);
            self.frames.pop();
            let Some((key, value)) = produced? else {
                continue;
            };
            match key {
                None => list.push(value),
                Some(None) => return Ok(Value::unknown()),
                Some(Some(key)) if f.grouping => {
                    match map.entry(key).or_insert(Value::List(Vec::new())) {
                        Value::List(group) => group.push(value),
                        _ => return Err(Invalid),
                    }
                }
                Some(Some(key)) => {
                    map.insert(key, value);
                }
            }
            if list.len() + map.len() > MAX_ELEMENTS {
                return Ok(Value::unknown());
            }
        }
        Ok(match f.key_expr {
            Some(_) => Value::Map(map),
            None => Value::List(list),
        })
    }

    /// One element of a `for`: None when its condition is false; the key is
    /// `Some(None)` when unknown.
    #[allow(clippy::type_complexity)]
    fn for_element(
        &mut self,
        f: &ForExpr,
    ) -> Result<Option<(Option<Option<String>>, Value)>, Invalid> {
        if let Some(cond) = &f.cond {
            match self.eval(&cond.expr)?.as_bool() {
                Some(true) => {}
                Some(false) => return Ok(None),
                None => return Ok(Some((None, Value::unknown()))),
            }
        }
        let key = match &f.key_expr {
            Some(expr) => Some(self.eval(expr)?.to_text()),
            None => None,
        };
        Ok(Some((key, self.eval(&f.value_expr)?)))
    }
}

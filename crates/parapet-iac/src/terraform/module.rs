//! Terraform modules: a folder's `.tf` files evaluated together, inputs
//! from the caller (or tfvars for a root module), locals to a fixed point,
//! local child modules instantiated under `module.NAME.`, and each resource
//! expanded by `count` / `for_each` into its instances.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Component, Path, PathBuf};
use std::rc::Rc;

use hcl_edit::expr::Expression;
use hcl_edit::structure::{Block, Body};
use hcl_edit::Span;

use super::eval::{instance_key, pairs, Evaluator, Scope};
use crate::error::IacError;
use crate::lines::LineIndex;
use crate::read::read_text;
use crate::value::Value;

/// Module calls deeper than this are not followed.
const MAX_MODULE_DEPTH: usize = 16;

/// One parsed `.tf` file.
pub(crate) struct TfFile {
    /// Relative to the scanned root, `/`-separated.
    pub path: String,
    pub lines: LineIndex,
    pub body: Body,
}

/// One resource instance as configured.
#[derive(Debug, Clone)]
pub struct TfResource {
    /// `module.net.aws_security_group.web["a"]`.
    pub address: String,
    /// The address without instance keys: what references name.
    pub base_address: String,
    /// `aws_security_group`.
    pub kind: String,
    /// The root module folder this instance belongs to (relative to the
    /// scanned folder, `.` for itself): links never cross it.
    pub root: String,
    pub path: String,
    pub line: u32,
    pub column: u32,
    pub end_line: u32,
    pub values: BTreeMap<String, Value>,
    /// Line of each top-level attribute or block.
    pub lines: BTreeMap<String, u32>,
}

impl TfResource {
    /// Unique in the scan: the declaring file and the address, or the root
    /// folder and the address for a shared module outside that folder (the
    /// same module file instantiated by several roots).
    pub fn uid(&self) -> String {
        let inside = self.root == "." || self.path.starts_with(&format!("{}/", self.root));
        if inside {
            format!("{}#{}", self.path, self.address)
        } else {
            format!("{}#{}", self.root, self.address)
        }
    }
}

/// The tree's Terraform folders. Folders are parsed when evaluated; those
/// other folders call (modules) are kept parsed, root folders are dropped
/// once evaluated, so memory holds the modules and one root at a time.
pub(crate) struct Tree {
    pub root: PathBuf,
    /// `.tf` files per folder.
    pub dirs: BTreeMap<PathBuf, Vec<PathBuf>>,
    called: BTreeSet<PathBuf>,
    cache: RefCell<BTreeMap<PathBuf, Rc<Vec<TfFile>>>>,
    /// Folders whose read and parse errors are already reported.
    reported: RefCell<BTreeSet<PathBuf>>,
    pub errors: RefCell<Vec<IacError>>,
}

#[derive(Default)]
pub(crate) struct Output {
    pub resources: Vec<TfResource>,
    pub notices: Vec<String>,
    /// Folders evaluated at least once.
    pub visited: BTreeSet<PathBuf>,
}

/// Instances one `count` or `for_each` may expand to.
const MAX_INSTANCES: usize = 10_000;

impl Tree {
    pub fn new(root: &Path, files: &[PathBuf]) -> Tree {
        let mut dirs: BTreeMap<PathBuf, Vec<PathBuf>> = BTreeMap::new();
        for file in files {
            let dir = file.parent().map(Path::to_path_buf).unwrap_or_default();
            dirs.entry(dir).or_default().push(file.clone());
        }
        let mut tree = Tree {
            root: root.to_path_buf(),
            dirs,
            called: BTreeSet::new(),
            cache: RefCell::new(BTreeMap::new()),
            reported: RefCell::new(BTreeSet::new()),
            errors: RefCell::new(Vec::new()),
        };
        tree.called = tree.called_modules();
        tree
    }

    /// Folders that some other folder calls as a local module (only files
    /// that mention `module` can).
    fn called_modules(&self) -> BTreeSet<PathBuf> {
        let mut called = BTreeSet::new();
        for (dir, files) in &self.dirs {
            for file in files {
                let Ok(text) = std::fs::read_to_string(file) else {
                    continue;
                };
                if !text.contains("module") {
                    continue;
                }
                let Ok(body) = hcl_edit::parser::parse_body(&text) else {
                    continue;
                };
                for block in body.blocks().filter(|b| b.ident.as_str() == "module") {
                    let child = block_source(block).and_then(|s| self.local_source(dir, &s));
                    // A folder calling itself is still a root.
                    if let Some(child) = child.filter(|c| c != dir) {
                        called.insert(child);
                    }
                }
            }
        }
        called
    }

    pub fn is_called(&self, dir: &Path) -> bool {
        self.called.contains(dir)
    }

    /// The folder's parsed files (errors reported the first time).
    fn folder(&self, dir: &Path) -> Option<Rc<Vec<TfFile>>> {
        if let Some(files) = self.cache.borrow().get(dir) {
            return Some(Rc::clone(files));
        }
        let paths = self.dirs.get(dir)?;
        let report = self.reported.borrow_mut().insert(dir.to_path_buf());
        let mut errors = Vec::new();
        let files: Vec<TfFile> = paths
            .iter()
            .filter_map(|p| parse_file(&self.root, p, &mut errors))
            .collect();
        if report {
            self.errors.borrow_mut().extend(errors);
        }
        let files = Rc::new(files);
        if self.called.contains(dir) {
            self.cache
                .borrow_mut()
                .insert(dir.to_path_buf(), Rc::clone(&files));
        }
        Some(files)
    }

    /// A local module source as a folder of the tree; None for remote
    /// sources and for paths that leave the scanned root.
    fn local_source(&self, dir: &Path, source: &str) -> Option<PathBuf> {
        if !(source.starts_with("./") || source.starts_with("../")) {
            return None;
        }
        let joined = normalize(&dir.join(source));
        joined.starts_with(&self.root).then_some(joined)
    }

    /// Evaluates `dir` as a module instance; returns its outputs.
    pub fn instantiate(
        &self,
        dir: &Path,
        inputs: BTreeMap<String, Value>,
        prefix: &str,
        root_module: &str,
        stack: &mut Vec<PathBuf>,
        out: &mut Output,
    ) -> BTreeMap<String, Value> {
        let Some(files) = self.folder(dir) else {
            return BTreeMap::new();
        };
        let files: &[TfFile] = &files;
        stack.push(dir.to_path_buf());
        out.visited.insert(dir.to_path_buf());
        let mut scope = Scope {
            prefix: prefix.to_string(),
            root_module: root_module.to_string(),
            path_module: relative(&self.root, dir),
            path_root: ".".to_string(),
            ..Scope::default()
        };
        let blocks = || {
            files
                .iter()
                .flat_map(|f| f.body.blocks().map(move |b| (f, b)))
        };
        for (_, block) in blocks() {
            let labels: Vec<&str> = block.labels.iter().map(|l| l.as_str()).collect();
            match (block.ident.as_str(), labels.as_slice()) {
                ("resource", [kind, name]) => {
                    scope
                        .resources
                        .insert((kind.to_string(), name.to_string()), block);
                }
                ("data", [kind, name]) => {
                    scope
                        .data
                        .insert((kind.to_string(), name.to_string()), block);
                }
                _ => {}
            }
        }
        scope.vars = variables(blocks().map(|(_, b)| b), &inputs);
        let locals: Vec<(&str, &Expression)> = blocks()
            .filter(|(_, b)| b.ident.as_str() == "locals")
            .flat_map(|(_, b)| b.body.attributes().map(|a| (a.key.as_str(), &a.value)))
            .collect();
        scope.locals = fixed_point(&scope, &locals);
        for (_, block) in blocks().filter(|(_, b)| b.ident.as_str() == "module") {
            let outputs = self.call(dir, &scope, block, stack, out);
            let name = block.labels.first().map(|l| l.as_str()).unwrap_or_default();
            scope.modules.insert(name.to_string(), Value::Map(outputs));
        }
        scope.locals = fixed_point(&scope, &locals);
        for (file, block) in blocks().filter(|(_, b)| b.ident.as_str() == "resource") {
            expand(&scope, file, block, out);
        }
        let mut outputs = BTreeMap::new();
        for (_, block) in blocks().filter(|(_, b)| b.ident.as_str() == "output") {
            let name = block.labels.first().map(|l| l.as_str()).unwrap_or_default();
            let value = match block.body.get_attribute("value") {
                Some(attribute) => Evaluator::new(&scope).value(&attribute.value),
                None => Value::unknown(),
            };
            outputs.insert(name.to_string(), value);
        }
        stack.pop();
        outputs
    }

    fn call(
        &self,
        dir: &Path,
        scope: &Scope,
        block: &Block,
        stack: &mut Vec<PathBuf>,
        out: &mut Output,
    ) -> BTreeMap<String, Value> {
        let name = block.labels.first().map(|l| l.as_str()).unwrap_or_default();
        let here = format!("{}module.{name}", scope.prefix);
        let Some(source) = block_source(block) else {
            out.notices
                .push(format!("{here}: no literal `source`; not scanned"));
            return BTreeMap::new();
        };
        let Some(child) = self.local_source(dir, &source) else {
            out.notices.push(format!(
                "{here}: module source `{source}` is not a local folder inside the scanned tree; \
                 Parapet never fetches modules, so its resources are not scanned"
            ));
            return BTreeMap::new();
        };
        if stack.contains(&child) || stack.len() >= MAX_MODULE_DEPTH {
            out.notices.push(format!("{here}: module `{source}` calls itself or nests past {MAX_MODULE_DEPTH} levels; not followed"));
            return BTreeMap::new();
        }
        if !self.dirs.contains_key(&child) {
            out.notices
                .push(format!("{here}: module folder `{source}` has no .tf files"));
            return BTreeMap::new();
        }
        let mut evaluator = Evaluator::new(scope);
        let inputs = block
            .body
            .attributes()
            .filter(|a| {
                !matches!(
                    a.key.as_str(),
                    "source" | "version" | "providers" | "count" | "for_each" | "depends_on"
                )
            })
            .map(|a| (a.key.as_str().to_string(), evaluator.value(&a.value)))
            .collect();
        self.instantiate(
            &child,
            inputs,
            &format!("{here}."),
            &scope.root_module,
            stack,
            out,
        )
    }
}

fn block_source(block: &Block) -> Option<String> {
    match &block.body.get_attribute("source")?.value {
        Expression::String(s) => Some(s.to_string()),
        _ => None,
    }
}

/// Input values: the caller's (or tfvars), else the default, else Unknown.
fn variables<'a>(
    blocks: impl Iterator<Item = &'a Block>,
    inputs: &BTreeMap<String, Value>,
) -> BTreeMap<String, Value> {
    let empty = Scope::default();
    let mut vars = BTreeMap::new();
    for block in blocks.filter(|b| b.ident.as_str() == "variable") {
        let Some(name) = block.labels.first().map(|l| l.as_str()) else {
            continue;
        };
        let value = match (inputs.get(name), block.body.get_attribute("default")) {
            (Some(value), _) => value.clone(),
            (None, Some(default)) => Evaluator::new(&empty).value(&default.value),
            (None, None) => Value::unknown(),
        };
        vars.insert(name.to_string(), value);
    }
    vars
}

/// Locals may name each other in any order: evaluate until nothing changes.
fn fixed_point(scope: &Scope, locals: &[(&str, &Expression)]) -> BTreeMap<String, Value> {
    // Declared locals start unknown (not yet computed); a name no `locals`
    // block declares stays an error, as `try` expects.
    let mut current = scope.locals.clone();
    for (name, _) in locals {
        current.entry(name.to_string()).or_insert(Value::unknown());
    }
    for _ in 0..=locals.len().min(64) {
        let probe = Scope {
            locals: current.clone(),
            ..shallow(scope)
        };
        let mut evaluator = Evaluator::new(&probe);
        let next: BTreeMap<String, Value> = locals
            .iter()
            .map(|(name, expr)| (name.to_string(), evaluator.value(expr)))
            .collect();
        if next == current {
            break;
        }
        current = next;
    }
    current
}

fn shallow<'a>(scope: &Scope<'a>) -> Scope<'a> {
    Scope {
        vars: scope.vars.clone(),
        locals: BTreeMap::new(),
        modules: scope.modules.clone(),
        resources: scope.resources.clone(),
        data: scope.data.clone(),
        path_module: scope.path_module.clone(),
        path_root: scope.path_root.clone(),
        prefix: scope.prefix.clone(),
        root_module: scope.root_module.clone(),
    }
}

/// One resource block as its instances.
fn expand(scope: &Scope, file: &TfFile, block: &Block, out: &mut Output) {
    let (Some(kind), Some(name)) = (block.labels.first(), block.labels.get(1)) else {
        return;
    };
    let base_address = format!("{}{}.{}", scope.prefix, kind.as_str(), name.as_str());
    let span = block.span().unwrap_or_default();
    let (line, column) = file.lines.position(span.start);
    let (end_line, _) = file.lines.position(span.end.saturating_sub(1));
    let mut evaluator = Evaluator::new(scope);
    let count = block
        .body
        .get_attribute("count")
        .map(|a| evaluator.value(&a.value));
    let for_each = block
        .body
        .get_attribute("for_each")
        .map(|a| evaluator.value(&a.value));
    let instances: Vec<(String, BTreeMap<String, Value>)> = match (count, for_each) {
        (Some(count), _) => match count.as_i64() {
            Some(n) => (0..clamp(n, &base_address, out))
                .map(|i| {
                    let index = Value::Number(i as f64);
                    let frame = BTreeMap::from([(
                        "count".to_string(),
                        Value::Map(BTreeMap::from([("index".to_string(), index.clone())])),
                    )]);
                    (instance_key(&index), frame)
                })
                .collect(),
            // Unknown count: one instance stands for all of them.
            None => vec![(
                String::new(),
                BTreeMap::from([("count".to_string(), Value::unknown())]),
            )],
        },
        (None, Some(collection)) => match pairs(collection) {
            Ok(mut items) => {
                items.truncate(clamp(items.len() as i64, &base_address, out) as usize);
                items
                    .into_iter()
                    .map(|(key, value)| {
                        // A set iterates by its members: each.key is the member.
                        let key = if key.as_str().is_some() {
                            key
                        } else {
                            value.clone()
                        };
                        let frame = BTreeMap::from([(
                            "each".to_string(),
                            Value::Map(BTreeMap::from([
                                ("key".to_string(), key.clone()),
                                ("value".to_string(), value),
                            ])),
                        )]);
                        (instance_key(&key), frame)
                    })
                    .collect()
            }
            Err(_) => vec![(
                String::new(),
                BTreeMap::from([("each".to_string(), Value::unknown())]),
            )],
        },
        (None, None) => vec![(String::new(), BTreeMap::new())],
    };
    for (key, frame) in instances {
        let evaluated = Evaluator::new(scope).with_frame(frame).body(&block.body);
        let lines = evaluated
            .offsets
            .iter()
            .map(|(k, offset)| (k.clone(), file.lines.position(*offset).0))
            .collect();
        out.resources.push(TfResource {
            address: format!("{base_address}{key}"),
            base_address: base_address.clone(),
            kind: kind.as_str().to_string(),
            root: scope.root_module.clone(),
            path: file.path.clone(),
            line,
            column,
            end_line,
            values: evaluated.value,
            lines,
        });
    }
}

/// At most [`MAX_INSTANCES`] instances; more is noted, not expanded.
fn clamp(count: i64, address: &str, out: &mut Output) -> i64 {
    if count > MAX_INSTANCES as i64 {
        out.notices.push(format!(
            "{address}: count {count} checked as its first {MAX_INSTANCES} instances"
        ));
    }
    count.clamp(0, MAX_INSTANCES as i64)
}

fn parse_file(root: &Path, path: &Path, errors: &mut Vec<IacError>) -> Option<TfFile> {
    let rel = relative(root, path);
    let text = read_text(path, &rel, errors)?;
    match hcl_edit::parser::parse_body(&text) {
        Ok(body) => Some(TfFile {
            path: rel,
            lines: LineIndex::new(&text),
            body,
        }),
        Err(e) => {
            let at = e.location();
            errors.push(IacError::new(
                &rel,
                at.line() as u32,
                at.column() as u32,
                format!("HCL syntax: {}", e.message()),
            ));
            None
        }
    }
}

/// `a/./b/../c` as `a/c`, without touching the file system (so a symlink
/// cannot lead the scan out of the tree).
pub(crate) fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

pub(crate) fn relative(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    let text = rel.to_string_lossy().replace('\\', "/");
    if text.is_empty() {
        ".".to_string()
    } else {
        text
    }
}

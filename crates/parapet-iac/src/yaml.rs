//! YAML documents as trees that remember their line and tag: CloudFormation
//! short forms (`!Ref`, `!Sub`) are tags, and a finding points at a line.
//! Aliases are expanded with a budget, so a "billion laughs" file is refused
//! instead of filling memory.

use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::{Marker, TScalarStyle};

/// Nodes one file may expand to, aliases included.
const MAX_NODES: usize = 2_000_000;
/// Nesting deeper than this is refused (later passes recurse).
const MAX_DEPTH: usize = 200;

#[derive(Debug, Clone, PartialEq)]
pub enum Yaml {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Seq(Vec<Node>),
    Map(Vec<(String, Node)>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub value: Yaml,
    /// 1-based.
    pub line: u32,
    pub column: u32,
    /// A local tag without its `!`: `Ref`, `Sub`, `GetAtt`.
    pub tag: Option<String>,
}

impl Node {
    pub fn get(&self, key: &str) -> Option<&Node> {
        match &self.value {
            Yaml::Map(entries) => entries.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Yaml::Str(s) => Some(s),
            _ => None,
        }
    }

    pub fn entries(&self) -> &[(String, Node)] {
        match &self.value {
            Yaml::Map(entries) => entries,
            _ => &[],
        }
    }

    /// The last line the node's content reaches.
    pub fn last_line(&self) -> u32 {
        match &self.value {
            Yaml::Seq(items) => items.iter().map(Node::last_line).max().unwrap_or(self.line),
            Yaml::Map(entries) => entries
                .iter()
                .map(|(_, v)| v.last_line())
                .max()
                .unwrap_or(self.line),
            _ => self.line,
        }
        .max(self.line)
    }

    pub fn items(&self) -> &[Node] {
        match &self.value {
            Yaml::Seq(items) => items,
            _ => &[],
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlError {
    pub line: u32,
    pub column: u32,
    pub message: String,
}

/// The documents of a file, or None with the error recorded against it.
pub(crate) fn read_documents(
    rel: &str,
    text: &str,
    errors: &mut Vec<crate::IacError>,
) -> Option<Vec<Node>> {
    match parse_documents(text) {
        Ok(documents) => Some(documents),
        Err(e) => {
            errors.push(crate::IacError::new(
                rel,
                e.line,
                e.column,
                format!("YAML: {}", e.message),
            ));
            None
        }
    }
}

/// Every document of a (multi-document) YAML text.
pub fn parse_documents(text: &str) -> Result<Vec<Node>, YamlError> {
    let mut builder = Builder::default();
    let mut parser = Parser::new_from_str(text);
    if let Err(e) = parser.load(&mut builder, true) {
        let mark = e.marker();
        return Err(YamlError {
            line: mark.line() as u32,
            column: mark.col() as u32 + 1,
            message: e.info().to_string(),
        });
    }
    match builder.error {
        Some(error) => Err(error),
        None => Ok(builder.documents),
    }
}

/// A container being filled: its items, and for a map the pending key.
struct Open {
    node: Node,
    anchor: usize,
    /// The pending key and where it was written.
    key: Option<(String, u32, u32)>,
}

#[derive(Default)]
struct Builder {
    documents: Vec<Node>,
    stack: Vec<Open>,
    anchors: Vec<(usize, Node)>,
    nodes: usize,
    error: Option<YamlError>,
}

impl Builder {
    fn fail(&mut self, mark: Marker, message: &str) {
        if self.error.is_none() {
            self.error = Some(YamlError {
                line: mark.line() as u32,
                column: mark.col() as u32 + 1,
                message: message.to_string(),
            });
        }
    }

    fn count(&mut self, node: &Node, mark: Marker) -> bool {
        self.nodes += size(node);
        if self.nodes > MAX_NODES {
            self.fail(mark, "document expands past 2,000,000 nodes (alias bomb?)");
            return false;
        }
        true
    }

    /// Adds a finished node to its parent (or as a document).
    fn attach(&mut self, node: Node, anchor: usize, mark: Marker) {
        if !self.count(&node, mark) {
            return;
        }
        if anchor > 0 {
            self.anchors.push((anchor, node.clone()));
        }
        let Some(parent) = self.stack.last_mut() else {
            self.documents.push(node);
            return;
        };
        match &mut parent.node.value {
            Yaml::Seq(items) => items.push(node),
            Yaml::Map(entries) => match parent.key.take() {
                Some((key, line, column)) => {
                    let mut node = node;
                    // A block value starts below its key; the key's line is
                    // where a reader looks for it.
                    if matches!(node.value, Yaml::Map(_) | Yaml::Seq(_)) {
                        node.line = line;
                        node.column = column;
                    }
                    entries.push((key, node));
                }
                None => parent.key = Some((key_text(&node), node.line, node.column)),
            },
            _ => {}
        }
    }
}

fn size(node: &Node) -> usize {
    match &node.value {
        Yaml::Seq(items) => 1 + items.iter().map(size).sum::<usize>(),
        Yaml::Map(entries) => 1 + entries.iter().map(|(_, v)| size(v)).sum::<usize>(),
        _ => 1,
    }
}

fn key_text(node: &Node) -> String {
    match &node.value {
        Yaml::Str(s) => s.clone(),
        Yaml::Int(n) => n.to_string(),
        Yaml::Float(x) => x.to_string(),
        Yaml::Bool(b) => b.to_string(),
        Yaml::Null => String::new(),
        _ => "<complex key>".to_string(),
    }
}

fn tag_name(tag: Option<yaml_rust2::parser::Tag>) -> Option<String> {
    let tag = tag?;
    // `!Ref` parses as handle `!`, suffix `Ref`; `!!str` as the core schema.
    (tag.handle == "!").then_some(tag.suffix)
}

impl MarkedEventReceiver for Builder {
    fn on_event(&mut self, event: Event, mark: Marker) {
        if self.error.is_some() {
            return;
        }
        let at = |value, tag| Node {
            value,
            line: mark.line() as u32,
            column: mark.col() as u32 + 1,
            tag,
        };
        let sequence = matches!(event, Event::SequenceStart(..));
        match event {
            Event::Scalar(text, style, anchor, tag) => {
                let core = tag.as_ref().is_some_and(|t| t.handle == "!!");
                let plain = style == TScalarStyle::Plain && !core;
                let value = if plain {
                    resolve(text)
                } else {
                    Yaml::Str(text)
                };
                let node = at(value, tag_name(tag));
                self.attach(node, anchor, mark);
            }
            Event::SequenceStart(anchor, tag) | Event::MappingStart(anchor, tag) => {
                if self.stack.len() >= MAX_DEPTH {
                    self.fail(mark, "nesting deeper than 200 levels");
                    return;
                }
                let value = if sequence {
                    Yaml::Seq(Vec::new())
                } else {
                    Yaml::Map(Vec::new())
                };
                self.stack.push(Open {
                    node: at(value, tag_name(tag)),
                    anchor,
                    key: None,
                });
            }
            Event::SequenceEnd | Event::MappingEnd => {
                if let Some(open) = self.stack.pop() {
                    self.attach(open.node, open.anchor, mark);
                }
            }
            Event::Alias(id) => {
                let found = self.anchors.iter().rev().find(|(a, _)| *a == id);
                match found.map(|(_, node)| node.clone()) {
                    Some(node) => self.attach(node, 0, mark),
                    None => self.fail(mark, "alias to an unknown anchor"),
                }
            }
            Event::DocumentStart => self.anchors.clear(),
            Event::StreamStart | Event::StreamEnd | Event::DocumentEnd | Event::Nothing => {}
        }
    }
}

/// YAML 1.2 core schema for plain scalars (plus the 1.1 booleans Kubernetes
/// and CloudFormation still accept).
fn resolve(text: String) -> Yaml {
    match text.as_str() {
        "" | "~" | "null" | "Null" | "NULL" => return Yaml::Null,
        "true" | "True" | "TRUE" => return Yaml::Bool(true),
        "false" | "False" | "FALSE" => return Yaml::Bool(false),
        _ => {}
    }
    let digits = text.strip_prefix(['-', '+']).unwrap_or(&text);
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        if let Ok(n) = text.parse() {
            return Yaml::Int(n);
        }
    }
    if let Some(hex) = text.strip_prefix("0x") {
        if let Ok(n) = i64::from_str_radix(hex, 16) {
            return Yaml::Int(n);
        }
    }
    let numeric = digits
        .bytes()
        .all(|b| b.is_ascii_digit() || b"._eE+-".contains(&b));
    if numeric && digits.bytes().any(|b| b.is_ascii_digit()) {
        if let Ok(x) = text.parse() {
            return Yaml::Float(x);
        }
    }
    Yaml::Str(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_lines_and_scalars() {
        let text = "Resources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketName: !Sub '${AWS::StackName}-logs'\n      Port: 22\n      On: true\n      Q: \"22\"\n";
        let docs = parse_documents(text).unwrap();
        let b = docs[0].get("Resources").unwrap().get("B").unwrap();
        assert_eq!(b.line, 2);
        let props = b.get("Properties").unwrap();
        let name = props.get("BucketName").unwrap();
        assert_eq!(name.tag.as_deref(), Some("Sub"));
        assert_eq!(name.line, 5);
        assert_eq!(props.get("Port").unwrap().value, Yaml::Int(22));
        assert_eq!(props.get("On").unwrap().value, Yaml::Bool(true));
        assert_eq!(props.get("Q").unwrap().value, Yaml::Str("22".into()));
    }

    #[test]
    fn alias_bomb_is_refused() {
        let mut text = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        for n in 0..8 {
            let prev = if n == 0 {
                "a".to_string()
            } else {
                format!("l{}", n - 1)
            };
            text.push_str(&format!(
                "l{n}: &l{n} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"
            ));
        }
        let err = parse_documents(&text).unwrap_err();
        assert!(err.message.contains("alias bomb"), "{err:?}");
    }

    #[test]
    fn broken_yaml_says_where() {
        let err = parse_documents("a: [1, 2\nb: c\n").unwrap_err();
        assert!(err.line >= 1, "{err:?}");
    }
}

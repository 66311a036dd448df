//! The condition grammar: `and`, `or`, `not`, brackets, and `1 of` / `all of` /
//! `N of` over search identifiers, patterns with `*`, or `them`.
//!
//! Precedence, loosest first: or, and, not, `x of`, brackets.

use crate::matcher::{GlobToken, StrMatcher};

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Cond {
    Search(usize),
    Not(Box<Cond>),
    And(Vec<Cond>),
    Or(Vec<Cond>),
    /// At least `n` of the searches hold (`1 of`, `N of`).
    AtLeast(usize, Vec<usize>),
    /// Every search holds (`all of`).
    All(Vec<usize>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    Open,
    Close,
    And,
    Or,
    Not,
    Of,
    All,
    Them,
    Number(usize),
    Name(String),
}

fn tokenize(text: &str) -> Result<Vec<Token>, String> {
    let mut tokens = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some(&(start, c)) = chars.peek() {
        match c {
            c if c.is_whitespace() => {
                chars.next();
            }
            '(' | ')' => {
                tokens.push(if c == '(' { Token::Open } else { Token::Close });
                chars.next();
            }
            '|' => return Err("aggregations after `|` (count, near) are Sigma 1.0 syntax and unsupported; write a correlation rule".into()),
            c if c.is_alphanumeric() || c == '_' || c == '*' || c == '-' || c == '.' => {
                let mut end = start;
                while let Some(&(i, c)) = chars.peek() {
                    if c.is_alphanumeric() || c == '_' || c == '*' || c == '-' || c == '.' {
                        end = i + c.len_utf8();
                        chars.next();
                    } else {
                        break;
                    }
                }
                let word = &text[start..end];
                tokens.push(match word.to_ascii_lowercase().as_str() {
                    "and" => Token::And,
                    "or" => Token::Or,
                    "not" => Token::Not,
                    "of" => Token::Of,
                    "all" => Token::All,
                    "them" => Token::Them,
                    "any" => Token::Number(1),
                    _ => match word.parse::<usize>() {
                        Ok(n) => Token::Number(n),
                        Err(_) => Token::Name(word.to_string()),
                    },
                });
            }
            other => return Err(format!("unexpected character `{other}` at offset {start}")),
        }
    }
    Ok(tokens)
}

struct Parser<'a> {
    tokens: Vec<Token>,
    pos: usize,
    names: &'a [String],
    /// Open brackets and `not`s: bounded so a hostile rule cannot overflow the stack.
    depth: usize,
}

const MAX_NESTING: usize = 64;

/// Parses `text` over the rule's search identifiers (`names`, in the order
/// their indices refer to).
pub(crate) fn parse_condition(text: &str, names: &[String]) -> Result<Cond, String> {
    let tokens = tokenize(text)?;
    if tokens.is_empty() {
        return Err("the condition is empty".into());
    }
    let mut parser = Parser {
        depth: 0,
        tokens,
        pos: 0,
        names,
    };
    let cond = parser.or()?;
    match parser.tokens.get(parser.pos) {
        None => Ok(cond),
        Some(token) => Err(format!(
            "unexpected {} after a complete expression",
            describe(token)
        )),
    }
}

fn describe(token: &Token) -> String {
    match token {
        Token::Open => "`(`".into(),
        Token::Close => "`)`".into(),
        Token::And => "`and`".into(),
        Token::Or => "`or`".into(),
        Token::Not => "`not`".into(),
        Token::Of => "`of`".into(),
        Token::All => "`all`".into(),
        Token::Them => "`them`".into(),
        Token::Number(n) => format!("`{n}`"),
        Token::Name(name) => format!("`{name}`"),
    }
}

impl Parser<'_> {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.pos)
    }

    fn next(&mut self) -> Option<Token> {
        let token = self.tokens.get(self.pos).cloned();
        self.pos += 1;
        token
    }

    fn or(&mut self) -> Result<Cond, String> {
        let mut items = vec![self.and()?];
        while self.peek() == Some(&Token::Or) {
            self.pos += 1;
            items.push(self.and()?);
        }
        Ok(if items.len() == 1 {
            items.remove(0)
        } else {
            Cond::Or(items)
        })
    }

    fn and(&mut self) -> Result<Cond, String> {
        let mut items = vec![self.not()?];
        while self.peek() == Some(&Token::And) {
            self.pos += 1;
            items.push(self.not()?);
        }
        Ok(if items.len() == 1 {
            items.remove(0)
        } else {
            Cond::And(items)
        })
    }

    fn not(&mut self) -> Result<Cond, String> {
        self.depth += 1;
        if self.depth > MAX_NESTING {
            return Err(format!(
                "nested deeper than {MAX_NESTING} brackets or `not`s"
            ));
        }
        let cond = if self.peek() == Some(&Token::Not) {
            self.pos += 1;
            self.not().map(|c| Cond::Not(Box::new(c)))
        } else {
            self.primary()
        };
        self.depth -= 1;
        cond
    }

    fn primary(&mut self) -> Result<Cond, String> {
        match self.next() {
            Some(Token::Open) => {
                let inner = self.or()?;
                match self.next() {
                    Some(Token::Close) => Ok(inner),
                    Some(other) => Err(format!("expected `)`, found {}", describe(&other))),
                    None => Err("missing `)`".into()),
                }
            }
            Some(Token::All) => self.quantified(None),
            Some(Token::Number(n)) => self.quantified(Some(n)),
            Some(Token::Name(name)) => {
                if name.contains('*') {
                    return Err(format!(
                        "pattern `{name}` needs `1 of` or `all of` before it"
                    ));
                }
                self.index_of(&name).map(Cond::Search)
            }
            Some(other) => Err(format!("unexpected {}", describe(&other))),
            None => Err("the condition ends too early".into()),
        }
    }

    fn quantified(&mut self, count: Option<usize>) -> Result<Cond, String> {
        if self.next() != Some(Token::Of) {
            return Err("expected `of` after `all` or a number".into());
        }
        let targets: Vec<usize> = match self.next() {
            Some(Token::Them) => (0..self.names.len())
                .filter(|&i| !self.names[i].starts_with('_'))
                .collect(),
            Some(Token::Name(pattern)) => {
                let found: Vec<usize> = (0..self.names.len())
                    .filter(|&i| wildcard_eq(&pattern, &self.names[i]))
                    .collect();
                if found.is_empty() {
                    return Err(format!("`{pattern}` matches no search identifier"));
                }
                found
            }
            Some(other) => {
                return Err(format!(
                    "expected a search identifier pattern or `them` after `of`, found {}",
                    describe(&other)
                ))
            }
            None => return Err("the condition ends after `of`".into()),
        };
        Ok(match count {
            None => Cond::All(targets),
            Some(0) => return Err("`0 of` is always true; write the condition without it".into()),
            Some(n) => Cond::AtLeast(n, targets),
        })
    }

    fn index_of(&self, name: &str) -> Result<usize, String> {
        self.names.iter().position(|n| n == name).ok_or_else(|| {
            format!(
                "`{name}` is not a search identifier of this rule (known: {})",
                self.names.join(", ")
            )
        })
    }
}

/// `selection_*`-style patterns: `*` is the only wildcard, matching is exact.
fn wildcard_eq(pattern: &str, name: &str) -> bool {
    let mut tokens = Vec::new();
    for (n, part) in pattern.split('*').enumerate() {
        if n > 0 {
            tokens.push(GlobToken::Star);
        }
        tokens.push(GlobToken::Literal(part.to_string()));
    }
    StrMatcher::new(tokens, true).matches(name)
}

impl Cond {
    pub(crate) fn eval(&self, search: &mut dyn FnMut(usize) -> bool) -> bool {
        match self {
            Cond::Search(i) => search(*i),
            Cond::Not(inner) => !inner.eval(search),
            Cond::And(items) => items.iter().all(|c| c.eval(search)),
            Cond::Or(items) => items.iter().any(|c| c.eval(search)),
            Cond::All(targets) => targets.iter().all(|&i| search(i)),
            Cond::AtLeast(n, targets) => {
                let mut hits = 0;
                targets.iter().any(|&i| {
                    hits += usize::from(search(i));
                    hits >= *n
                })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names() -> Vec<String> {
        [
            "selection",
            "selection_status_a",
            "selection_status_b",
            "filter_main_x",
            "_private",
        ]
        .map(String::from)
        .to_vec()
    }

    #[test]
    fn precedence_is_or_and_not() {
        let c = parse_condition(
            "selection or not filter_main_x and selection_status_a",
            &names(),
        )
        .unwrap();
        assert_eq!(
            c,
            Cond::Or(vec![
                Cond::Search(0),
                Cond::And(vec![Cond::Not(Box::new(Cond::Search(3))), Cond::Search(1)])
            ])
        );
    }

    #[test]
    fn quantifiers_expand_patterns_and_them() {
        let c = parse_condition(
            "selection and 1 of selection_status_* and not 1 of filter*",
            &names(),
        )
        .unwrap();
        assert_eq!(
            c,
            Cond::And(vec![
                Cond::Search(0),
                Cond::AtLeast(1, vec![1, 2]),
                Cond::Not(Box::new(Cond::AtLeast(1, vec![3])))
            ])
        );
        assert_eq!(
            parse_condition("all of them", &names()).unwrap(),
            Cond::All(vec![0, 1, 2, 3])
        );
        assert_eq!(
            parse_condition("(2 of selection*)", &names()).unwrap(),
            Cond::AtLeast(2, vec![0, 1, 2])
        );
        let at_least_one = |text: &str| match parse_condition(text, &names()).unwrap() {
            Cond::AtLeast(1, targets) => targets,
            other => panic!("{other:?}"),
        };
        assert_eq!(at_least_one("1 of *_status_*"), [1, 2]);
        assert_eq!(at_least_one("1 of *"), [0, 1, 2, 3, 4]);
    }

    #[test]
    fn errors_name_the_problem() {
        let err = |text: &str| parse_condition(text, &names()).unwrap_err();
        assert!(err("selection and").contains("ends too early"));
        assert!(err("selektion").contains("not a search identifier"));
        assert!(err("1 of nothing*").contains("matches no search identifier"));
        assert!(err("selection | count() > 5").contains("correlation"));
        assert!(err("(selection").contains("missing `)`"));
        assert!(err("selection selection").contains("unexpected"));
        let deep = format!("{}selection{}", "(".repeat(100_000), ")".repeat(100_000));
        assert!(err(&deep).contains("nested deeper"));
        assert!(err(&"not ".repeat(100_000)).contains("nested deeper"));
    }

    #[test]
    fn evaluates_at_least_n() {
        let c = Cond::AtLeast(2, vec![0, 1, 2]);
        assert!(c.eval(&mut |i| i != 1));
        assert!(!c.eval(&mut |i| i == 1));
    }
}

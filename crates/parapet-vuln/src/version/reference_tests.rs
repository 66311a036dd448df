//! Cross-checks against the real implementations installed on the machine
//! (dpkg, node-semver, Python `packaging`, maven-artifact). Each tool runs
//! once per batch. A missing tool fails the test, naming the tool.

use std::cmp::Ordering;
use std::io::Write;
use std::process::{Command, Stdio};

/// Deterministic xorshift64 so failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }

    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    fn num(&mut self) -> String {
        self.pick(&["0", "1", "2", "3", "9", "10", "11", "00", "01", "20240101"])
            .to_string()
    }
}

/// Runs `program args` with `input` on stdin and returns stdout lines.
fn run_tool(program: &str, args: &[&str], input: &str) -> Vec<String> {
    let child = Command::new(program)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn();
    let mut child = match child {
        Ok(c) => c,
        Err(e) => panic!("reference tool `{program}` is not available: {e}"),
    };
    if let Some(mut stdin) = child.stdin.take() {
        stdin.write_all(input.as_bytes()).expect("write stdin");
    }
    let out = child.wait_with_output().expect("wait for tool");
    assert!(
        out.status.success(),
        "reference tool `{program}` failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_string)
        .collect()
}

fn sym(o: Ordering) -> &'static str {
    match o {
        Ordering::Less => "<",
        Ordering::Equal => "=",
        Ordering::Greater => ">",
    }
}

/// Asserts zero disagreements, printing the first ones.
fn report(tool: &str, checked: usize, bad: &[String]) {
    println!("{tool}: {checked} checks, {} disagreements", bad.len());
    for line in bad.iter().take(40) {
        println!("  {line}");
    }
    assert!(
        bad.is_empty(),
        "{} disagreements with {tool} out of {checked}",
        bad.len()
    );
    assert!(checked > 0, "no checks ran against {tool}");
}

fn json_str(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[path = "reference_tests/gen.rs"]
mod gen;

#[test]
fn debian_matches_dpkg() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut pairs: Vec<(String, String)> = Vec::new();
    while pairs.len() < 3000 {
        let (a, b) = (gen::debian(&mut rng), gen::debian(&mut rng));
        if super::debian::is_valid(&a) && super::debian::is_valid(&b) {
            pairs.push((a, b));
        }
    }
    let installed = run_tool("dpkg-query", &["-W", "-f=${Version}\\n"], "");
    let mut installed: Vec<String> = installed.into_iter().filter(|v| !v.is_empty()).collect();
    for i in (1..installed.len()).rev() {
        installed.swap(i, rng.below(i + 1));
    }
    for w in installed.windows(2) {
        pairs.push((w[0].clone(), w[1].clone()));
    }
    let input: String = pairs.iter().map(|(a, b)| format!("{a}\n{b}\n")).collect();
    let script = r#"while IFS= read -r a && IFS= read -r b; do
        if dpkg --compare-versions "$a" lt "$b"; then echo "<";
        elif dpkg --compare-versions "$a" eq "$b"; then echo "=";
        else echo ">"; fi; done"#;
    let out = run_tool(
        "sh",
        &[
            "-c",
            &format!("command -v dpkg >/dev/null || exit 3; {script}"),
        ],
        &input,
    );
    assert_eq!(
        out.len(),
        pairs.len(),
        "dpkg answered {} of {} pairs",
        out.len(),
        pairs.len()
    );
    let bad: Vec<String> = pairs
        .iter()
        .zip(&out)
        .filter(|((a, b), want)| sym(super::debian::compare(a, b)) != want.as_str())
        .map(|((a, b), want)| {
            format!(
                "{a} {want} {b} per dpkg, ours {}",
                sym(super::debian::compare(a, b))
            )
        })
        .collect();
    report("dpkg", pairs.len(), &bad);
}

/// Compares a tool's answer with ours; `Some` describes a disagreement.
type Check = Box<dyn Fn(&str) -> Option<String>>;

const NODE_SCRIPT: &str = r#"
const semver = require('/usr/lib/node_modules/npm/node_modules/semver');
const lines = require('fs').readFileSync(0, 'utf8').split('\n').filter(Boolean);
const out = [];
for (const line of lines) {
  const q = JSON.parse(line);
  if (q.r !== undefined) {
    let r;
    try { r = new semver.Range(q.r); } catch (e) { out.push('E'); continue; }
    out.push(r.test(q.v) ? 'T' : 'F');
  } else {
    const c = semver.compare(q.a, q.b);
    out.push(c < 0 ? '<' : c > 0 ? '>' : '=');
  }
}
console.log(out.join('\n'));
"#;

#[test]
fn npm_ranges_and_semver_match_node_semver() {
    let mut rng = Rng(0x2545_f491_4f6c_dd1d);
    let mut queries = Vec::new();
    let mut expect: Vec<Check> = Vec::new();
    let mut tally = [0usize; 3];
    for _ in 0..6000 {
        let (v, r) = (gen::npm_version(&mut rng), gen::npm_range(&mut rng));
        tally[match super::npm::satisfies(&v, &r) {
            Ok(true) => 0,
            Ok(false) => 1,
            Err(_) => 2,
        }] += 1;
        queries.push(format!("{{\"v\":{},\"r\":{}}}", json_str(&v), json_str(&r)));
        expect.push(Box::new(move |got: &str| {
            let ours = match super::npm::satisfies(&v, &r) {
                Ok(true) => "T",
                Ok(false) => "F",
                Err(_) => "E",
            };
            (ours != got).then(|| format!("satisfies({v:?}, {r:?}): node {got}, ours {ours}"))
        }));
    }
    let mut compares = 0;
    while compares < 3000 {
        let (a, b) = (gen::npm_version(&mut rng), gen::npm_version(&mut rng));
        if !(super::npm::is_valid(&a) && super::npm::is_valid(&b)) {
            continue;
        }
        compares += 1;
        queries.push(format!("{{\"a\":{},\"b\":{}}}", json_str(&a), json_str(&b)));
        expect.push(Box::new(move |got: &str| {
            let ours = [super::npm::compare(&a, &b), super::semver::compare(&a, &b)].map(sym);
            (ours != [got, got])
                .then(|| format!("compare({a:?}, {b:?}): node {got}, npm/semver {ours:?}"))
        }));
    }
    println!(
        "npm ranges: {} match, {} do not, {} invalid",
        tally[0], tally[1], tally[2]
    );
    assert!(
        tally.iter().all(|&n| n > 300),
        "generator too lopsided: {tally:?}"
    );
    let out = run_tool("node", &["-e", NODE_SCRIPT], &(queries.join("\n") + "\n"));
    assert_eq!(
        out.len(),
        queries.len(),
        "node answered {} of {}",
        out.len(),
        queries.len()
    );
    let bad: Vec<String> = expect
        .iter()
        .zip(&out)
        .filter_map(|(f, got)| f(got))
        .collect();
    report("node-semver", queries.len(), &bad);
}

const PY_SCRIPT: &str = r#"
import sys
try:
    from pip._vendor.packaging.version import Version, InvalidVersion
except ImportError:
    from packaging.version import Version, InvalidVersion
def parse(s):
    try:
        return Version(s)
    except InvalidVersion:
        return None
for line in sys.stdin.read().split('\n'):
    if not line:
        continue
    a, b = line.split('\t')
    va, vb = parse(a), parse(b)
    if va is None or vb is None:
        print('E' + ('1' if va else '0') + ('1' if vb else '0'))
    else:
        print('<' if va < vb else '>' if va > vb else '=')
"#;

#[test]
fn pep440_matches_packaging() {
    let mut rng = Rng(0x5851_f42d_4c95_7f2d);
    let pairs: Vec<(String, String)> = (0..5000)
        .map(|_| (gen::pep440(&mut rng), gen::pep440(&mut rng)))
        .collect();
    let input: String = pairs.iter().map(|(a, b)| format!("{a}\t{b}\n")).collect();
    let out = run_tool("python3", &["-c", PY_SCRIPT], &input);
    assert_eq!(
        out.len(),
        pairs.len(),
        "python answered {} of {}",
        out.len(),
        pairs.len()
    );
    let mut valid_pairs = 0;
    let mut bad = Vec::new();
    for ((a, b), got) in pairs.iter().zip(&out) {
        let (va, vb) = (super::pep440::is_valid(a), super::pep440::is_valid(b));
        let ours = if va && vb {
            valid_pairs += 1;
            sym(super::pep440::compare(a, b)).to_string()
        } else {
            format!("E{}{}", u8::from(va), u8::from(vb))
        };
        if &ours != got {
            bad.push(format!("{a:?} vs {b:?}: packaging {got}, ours {ours}"));
        }
    }
    assert!(valid_pairs > 2000, "too few valid pairs: {valid_pairs}");
    report("python packaging", pairs.len(), &bad);
}

const MAVEN_JAR: &str = "/usr/share/maven/lib/maven-artifact-3.x.jar";

/// Runs ComparableVersion's main on `versions`; returns its verdicts on
/// adjacent pairs and the canonical form of each version.
fn maven_run(versions: &[String]) -> (Vec<&'static str>, Vec<Option<String>>) {
    assert!(
        std::path::Path::new(MAVEN_JAR).exists(),
        "reference tool maven-artifact jar missing: {MAVEN_JAR}"
    );
    let mut args = vec![
        "-cp",
        MAVEN_JAR,
        "org.apache.maven.artifact.versioning.ComparableVersion",
    ];
    args.extend(versions.iter().map(String::as_str));
    let (mut ops, mut canon) = (Vec::new(), Vec::new());
    for line in run_tool("java", &args, "") {
        if let Some(rest) = line.strip_prefix("   ") {
            let a = &versions[ops.len()];
            let op = rest.get(a.len() + 1..).unwrap_or("");
            ops.push(if op.starts_with("==") {
                "="
            } else if op.starts_with('<') {
                "<"
            } else {
                ">"
            });
        } else if line.starts_with(|c: char| c.is_ascii_digit()) {
            let v = &versions[canon.len()];
            let tail = line.split_once(". ").map_or("", |(_, t)| t);
            let c = tail
                .strip_prefix(v.as_str())
                .and_then(|t| t.strip_prefix(" -> "));
            canon.push(
                c.and_then(|t| t.split_once("; tokens:"))
                    .map(|(c, _)| c.to_string()),
            );
        }
    }
    assert_eq!(
        ops.len() + 1,
        versions.len(),
        "maven printed {} comparisons",
        ops.len()
    );
    (ops, canon)
}

/// What transitivity implies for a vs b from a R1 c and c R2 b.
fn implied(r1: &str, r2: &str) -> Option<&'static str> {
    match (r1, r2) {
        ("=", "=") => Some("="),
        ("<", "<") | ("<", "=") | ("=", "<") => Some("<"),
        (">", ">") | (">", "=") | ("=", ">") => Some(">"),
        _ => None,
    }
}

/// Looks for a pivot c where maven's own verdicts on (a, c) and (c, b)
/// contradict its verdict on (a, b): proof that no total order can agree
/// with maven on all three pairs.
fn maven_cycles(
    pairs: &[(String, String, &'static str)],
    pivots: &[String],
) -> Vec<Option<String>> {
    pairs
        .iter()
        .map(|(a, b, ab)| {
            let mut seq = vec![a.clone()];
            for (i, c) in pivots.iter().enumerate() {
                seq.push(c.clone());
                seq.push(if i % 2 == 0 { b.clone() } else { a.clone() });
            }
            let (ops, _) = maven_run(&seq);
            pivots.iter().enumerate().find_map(|(i, c)| {
                let (x, y) = (ops[2 * i], ops[2 * i + 1]);
                // Even pivots sit between a and b, odd ones between b and a.
                let (ac, cb) = if i % 2 == 0 { (x, y) } else { (rev(y), rev(x)) };
                implied(ac, cb).filter(|imp| imp != ab).map(|imp| {
                    format!("maven: {a} {ac} {c}, {c} {cb} {b} (so {imp}) yet {a} {ab} {b}")
                })
            })
        })
        .collect()
}

fn rev(op: &str) -> &'static str {
    match op {
        "<" => ">",
        ">" => "<",
        _ => "=",
    }
}

#[test]
fn maven_matches_maven_artifact() {
    let mut rng = Rng(0x1405_7b7e_f767_814f);
    let (mut checked, mut bad, mut disagreements) = (0, Vec::new(), Vec::new());
    let mut pivots: Vec<String> = ["0", "1", "9", "1-1", "1.sp", "1-alpha", "0-0.1"]
        .map(String::from)
        .to_vec();
    for _ in 0..4 {
        let versions: Vec<String> = (0..1000).map(|_| gen::maven(&mut rng)).collect();
        let (ops, canon) = maven_run(&versions);
        for (i, want) in ops.iter().enumerate() {
            let (a, b) = (&versions[i], &versions[i + 1]);
            // Our reading of Maven's rules must match it exactly ...
            let (raw, flagged) = super::maven::tests::raw_compare(a, b);
            if sym(raw) != *want {
                bad.push(format!(
                    "{a} {want} {b} per maven, literal emulation {}",
                    sym(raw)
                ));
            }
            // ... and the total order may only differ where Maven's own
            // verdict contradicts its comparisons against "null".
            if sym(super::maven::compare(a, b)) != *want {
                if flagged {
                    disagreements.push((a.clone(), b.clone(), *want));
                } else {
                    bad.push(format!(
                        "{a} {want} {b} per maven, ours {}",
                        sym(super::maven::compare(a, b))
                    ));
                }
            }
        }
        for (v, want) in versions.iter().zip(&canon) {
            let ours = super::maven::canonical(v);
            if want.as_deref() != Some(ours.as_str()) {
                bad.push(format!("canonical({v}): maven {want:?}, ours {ours}"));
            }
        }
        checked += ops.len() + canon.len();
        pivots.extend(versions.iter().take(40).cloned());
    }
    // Show a concrete maven cycle where one is found among the pivots.
    let proofs = maven_cycles(&disagreements, &pivots);
    for ((a, b, want), proof) in disagreements.iter().zip(proofs) {
        let ours = sym(super::maven::compare(a, b));
        let why = proof.unwrap_or_else(|| "explicit 0 / qualifier-vs-list pairing".to_string());
        println!("  accepted: {a} {want} {b} per maven, ours {ours}: {why}");
    }
    println!(
        "maven-artifact: {} accepted disagreements at non-transitive pairings",
        disagreements.len()
    );
    report("maven-artifact", checked, &bad);
}

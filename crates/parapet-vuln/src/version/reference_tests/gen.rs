//! Version and range generators for the reference checks.

use super::Rng;

pub(super) fn debian(rng: &mut Rng) -> String {
    let mut s = String::new();
    if rng.chance(15) {
        s.push_str(&format!("{}:", rng.pick(&["0", "1", "2", "10"])));
    }
    s.push_str(&rng.num());
    for _ in 0..rng.below(5) {
        let piece = rng.pick(&[".", "~", "+", "", "-"]);
        s.push_str(piece);
        if piece == "-" {
            s.push_str(rng.pick(&["1", "a", "0"]));
            continue;
        }
        let tok = match rng.below(4) {
            0 => rng
                .pick(&["a", "b", "rc", "dfsg", "ubuntu", "deb", "z", "A", "~"])
                .to_string(),
            _ => rng.num(),
        };
        s.push_str(&tok);
    }
    if rng.chance(60) {
        s.push('-');
        s.push_str(&rng.num());
        for _ in 0..rng.below(3) {
            s.push_str(rng.pick(&[".", "~", "+", "", "ubuntu", "deb", "build", "~bpo"]));
            s.push_str(&rng.num());
        }
    }
    s
}

pub(super) fn npm_version(rng: &mut Rng) -> String {
    let n = |rng: &mut Rng| rng.pick(&["0", "1", "2", "3", "10"]).to_string();
    let mut s = format!("{}.{}.{}", n(rng), n(rng), n(rng));
    if rng.chance(30) {
        s.push('-');
        s.push_str(rng.pick(&[
            "0", "1", "alpha", "beta", "alpha.1", "beta.2", "rc.1", "pre", "a-b", "x.y.z",
        ]));
    }
    if rng.chance(5) {
        s.push_str("+build.5");
    }
    if rng.chance(5) {
        s.insert(0, 'v');
    }
    if rng.chance(3) {
        s = rng
            .pick(&[
                "1.2",
                "01.2.3",
                "=1.2.3",
                " 1.2.3 ",
                "1.2.3-01",
                "junk",
                "",
                "9007199254740992.0.0",
            ])
            .to_string();
    }
    s
}

fn npm_partial(rng: &mut Rng) -> String {
    let id = |rng: &mut Rng| {
        rng.pick(&["0", "1", "2", "3", "x", "X", "*", "10"])
            .to_string()
    };
    let mut s = id(rng);
    let parts = rng.below(3);
    for _ in 0..parts {
        s.push('.');
        s.push_str(&id(rng));
    }
    if parts == 2 && rng.chance(25) {
        s.push('-');
        s.push_str(rng.pick(&["0", "alpha", "beta.1", "rc.2", "pre"]));
    }
    if rng.chance(5) {
        s.push_str("+b1");
    }
    if rng.chance(8) {
        s.insert_str(0, rng.pick(&["v", "=", "v=", "= "]));
    }
    s
}

pub(super) fn npm_range(rng: &mut Rng) -> String {
    let mut alts = Vec::new();
    for _ in 0..1 + rng.below(2) {
        let alt = if rng.chance(15) {
            format!("{} - {}", npm_partial(rng), npm_partial(rng))
        } else {
            let mut comps = Vec::new();
            for _ in 0..rng.below(3) + 1 {
                let op = rng.pick(&[
                    "", "", "<", "<=", ">", ">=", "=", "~", "^", "~>", "> ", ">= ", "~ ", "^ ",
                    "~> ",
                ]);
                comps.push(format!("{op}{}", npm_partial(rng)));
            }
            comps.join(rng.pick(&[" ", "  ", " "]))
        };
        alts.push(alt);
    }
    let mut r = alts.join(rng.pick(&[" || ", "||", " ||  "]));
    if rng.chance(3) {
        r = rng
            .pick(&[
                "",
                "*",
                "||",
                "x",
                "blerg",
                ">=",
                "1.2.3 junk",
                "~1.2.3.4",
                "^01.2",
                ">=*",
                "<*",
                " >= 1.2.3 ",
            ])
            .to_string();
    }
    r
}

pub(super) fn pep440(rng: &mut Rng) -> String {
    let mut s = String::new();
    if rng.chance(5) {
        s.push_str(rng.pick(&["v", "V"]));
    }
    if rng.chance(10) {
        s.push_str(&format!("{}!", rng.pick(&["0", "1", "2"])));
    }
    s.push_str(&rng.num());
    for _ in 0..rng.below(4) {
        s.push('.');
        s.push_str(&rng.num());
    }
    let sep = |rng: &mut Rng| rng.pick(&["", "", ".", "-", "_"]).to_string();
    if rng.chance(40) {
        s.push_str(&sep(rng));
        s.push_str(rng.pick(&[
            "a", "b", "rc", "c", "alpha", "beta", "pre", "preview", "RC", "Alpha",
        ]));
        s.push_str(&sep(rng));
        if rng.chance(80) {
            s.push_str(&rng.num());
        }
    }
    if rng.chance(30) {
        if rng.chance(30) {
            s.push_str(&format!("-{}", rng.num()));
        } else {
            s.push_str(&sep(rng));
            s.push_str(rng.pick(&["post", "rev", "r", "POST"]));
            s.push_str(&sep(rng));
            if rng.chance(70) {
                s.push_str(&rng.num());
            }
        }
    }
    if rng.chance(30) {
        s.push_str(&sep(rng));
        s.push_str(rng.pick(&["dev", "DEV"]));
        if rng.chance(70) {
            s.push_str(&rng.num());
        }
    }
    if rng.chance(15) {
        s.push('+');
        s.push_str(rng.pick(&["ubuntu", "1", "abc.5", "local-1_x", "007", "a", "UPPER.2"]));
    }
    if rng.chance(5) {
        s.push_str(rng.pick(&[".", "-", "+", "x", " ", "..1", "foo"]));
    }
    s
}

pub(super) fn maven(rng: &mut Rng) -> String {
    let mut s = rng.num();
    for _ in 0..rng.below(5) {
        s.push_str(rng.pick(&[".", "-", "", ".", "-"]));
        let tok = match rng.below(3) {
            0 => rng
                .pick(&[
                    "alpha",
                    "beta",
                    "milestone",
                    "rc",
                    "cr",
                    "SNAPSHOT",
                    "ga",
                    "final",
                    "Final",
                    "RELEASE",
                    "sp",
                    "a",
                    "b",
                    "m",
                    "foo",
                    "jre",
                    "M",
                    "RC",
                    "x",
                ])
                .to_string(),
            _ => rng.num(),
        };
        s.push_str(&tok);
    }
    s
}

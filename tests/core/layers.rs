//! The layer order of `src/lib.rs`, held by tests: lower layers never name higher ones
//! (photometry knows no plan, lighting knows no check, the core knows no app), and no two
//! modules name each other, directly or round a loop.
//!
//! Both read every path the code names, not only `use` lines: `crate::a::b` and
//! `super::b` (resolved from the file's module, and from inline `mod x { }` blocks) in
//! `use` trees over several lines and inside expressions; comments and string literals
//! are left out.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Every `.rs` file under `dir`, with its text.
fn sources(dir: &Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).expect("read src dir") {
        let p = e.expect("dir entry").path();
        if p.is_dir() {
            out.extend(sources(&p));
        } else if p.extension().is_some_and(|x| x == "rs") {
            let text = std::fs::read_to_string(&p).expect("read source");
            out.push((p.display().to_string(), text));
        }
    }
    out.sort();
    out
}

fn src(rel: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src").join(rel)
}

/// Code lines (not comments) of `text` naming any of `higher`.
fn offending<'a>(text: &'a str, higher: &[&str]) -> Vec<&'a str> {
    text.lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .filter(|l| higher.iter().any(|h| l.contains(h)))
        .collect()
}

/// `text` with comments and the insides of string and char literals blanked out
/// (newlines kept, so positions still count lines).
fn code_only(text: &str) -> String {
    let c: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    let blank = |out: &mut String, ch: char| out.push(if ch == '\n' { '\n' } else { ' ' });
    while i < c.len() {
        let next = c.get(i + 1).copied();
        if c[i] == '/' && next == Some('/') {
            while i < c.len() && c[i] != '\n' {
                i += 1;
            }
        } else if c[i] == '/' && next == Some('*') {
            let mut depth = 0;
            while i < c.len() {
                if c[i] == '/' && c.get(i + 1) == Some(&'*') {
                    depth += 1;
                    i += 2;
                } else if c[i] == '*' && c.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    blank(&mut out, c[i]);
                    i += 1;
                }
            }
        } else if c[i] == 'r'
            && (next == Some('"') || next == Some('#'))
            && (i == 0 || !(c[i - 1].is_alphanumeric() || c[i - 1] == '_'))
        {
            // A raw string: r"..." or r#"..."#.
            let mut j = i + 1;
            let mut hashes = 0;
            while c.get(j) == Some(&'#') {
                hashes += 1;
                j += 1;
            }
            if c.get(j) != Some(&'"') {
                out.push(c[i]);
                i += 1;
                continue;
            }
            j += 1;
            while j < c.len() {
                if c[j] == '"' && (0..hashes).all(|k| c.get(j + 1 + k) == Some(&'#')) {
                    j += 1 + hashes;
                    break;
                }
                blank(&mut out, c[j]);
                j += 1;
            }
            out.push_str("\"\"");
            i = j;
        } else if c[i] == '"' {
            i += 1;
            while i < c.len() && c[i] != '"' {
                if c[i] == '\\' {
                    blank(&mut out, c[i]);
                    i += 1;
                }
                if i < c.len() {
                    blank(&mut out, c[i]);
                    i += 1;
                }
            }
            i += 1;
            out.push_str("\"\"");
        } else if c[i] == '\'' {
            // A char literal ('x', '\n', '\u{..}'), or else a lifetime.
            if next == Some('\\') {
                i += 2;
                while i < c.len() && c[i] != '\'' {
                    i += 1;
                }
                i += 1;
                out.push_str("' '");
            } else if c.get(i + 2) == Some(&'\'') {
                i += 3;
                out.push_str("' '");
            } else {
                out.push(c[i]);
                i += 1;
            }
        } else {
            out.push(c[i]);
            i += 1;
        }
    }
    out
}

/// Identifiers and punctuation of code (`::` as one token).
fn tokens(code: &str) -> Vec<String> {
    let c: Vec<char> = code.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < c.len() {
        if c[i].is_alphanumeric() || c[i] == '_' {
            let start = i;
            while i < c.len() && (c[i].is_alphanumeric() || c[i] == '_') {
                i += 1;
            }
            out.push(c[start..i].iter().collect());
        } else if c[i] == ':' && c.get(i + 1) == Some(&':') {
            out.push("::".to_string());
            i += 2;
        } else {
            if !c[i].is_whitespace() {
                out.push(c[i].to_string());
            }
            i += 1;
        }
    }
    out
}

/// The module of a file under `src/` (`check/rules/mod.rs` is `["check", "rules"]`,
/// `lib.rs` the root); `None` for the binary's files (`main.rs`, `cli/`), which name the
/// library as `lysplan::` and which nothing in it names.
fn module_of(rel: &str) -> Option<Vec<String>> {
    if rel == "main.rs" || rel.starts_with("cli/") {
        return None;
    }
    let rel = rel.strip_suffix(".rs")?;
    let mut parts: Vec<String> = rel.split('/').map(str::to_string).collect();
    if matches!(parts.last().map(String::as_str), Some("mod" | "lib")) {
        parts.pop();
    }
    Some(parts)
}

/// The paths a file names that start at `crate`, `super` or `self`, each as its
/// segments made absolute from the crate root (`use super::{a, b::c}` in `x/y.rs` gives
/// `x::a` and `x::b::c`), with the line it is on.
fn named_paths(module: &[String], text: &str) -> Vec<(Vec<String>, usize)> {
    let code = code_only(text);
    // Line of each token, for reports.
    let mut toks = Vec::new();
    for (n, line) in code.lines().enumerate() {
        toks.extend(tokens(line).into_iter().map(|t| (t, n + 1)));
    }
    let mut out = Vec::new();
    // Inline modules: (name, brace depth inside it).
    let mut inline: Vec<(String, usize)> = Vec::new();
    let mut depth = 0usize;
    let mut i = 0;
    while i < toks.len() {
        let t = toks[i].0.as_str();
        match t {
            "{" => depth += 1,
            "}" => {
                depth = depth.saturating_sub(1);
                while inline.last().is_some_and(|(_, d)| *d > depth) {
                    inline.pop();
                }
            }
            "mod" if toks.get(i + 2).is_some_and(|x| x.0 == "{") => {
                inline.push((toks[i + 1].0.clone(), depth + 1));
            }
            _ => {}
        }
        let starts_path = matches!(t, "crate" | "super" | "self")
            && toks.get(i + 1).is_some_and(|x| x.0 == "::")
            && (i == 0 || !matches!(toks[i - 1].0.as_str(), "::" | "$" | "."));
        if starts_path {
            let mut here: Vec<String> = module.to_vec();
            here.extend(inline.iter().map(|(n, _)| n.clone()));
            let line = toks[i].1;
            let mut leaves = Vec::new();
            i = path_tree(&toks, i, Vec::new(), &mut leaves);
            for segs in leaves {
                if let Some(abs) = absolute(&here, &segs) {
                    out.push((abs, line));
                }
            }
            continue;
        }
        i += 1;
    }
    out
}

/// Reads the path (or `use` tree) starting at token `i` into `leaves`, each with
/// `prefix` before it; returns the index after it.
fn path_tree(
    toks: &[(String, usize)],
    mut i: usize,
    mut prefix: Vec<String>,
    leaves: &mut Vec<Vec<String>>,
) -> usize {
    loop {
        let Some((t, _)) = toks.get(i) else {
            leaves.push(prefix);
            return i;
        };
        if t == "{" {
            i += 1;
            loop {
                match toks.get(i).map(|x| x.0.as_str()) {
                    None => return i,
                    Some("}") => {
                        return i + 1;
                    }
                    Some(",") => i += 1,
                    Some(_) => i = path_tree(toks, i, prefix.clone(), leaves),
                }
            }
        }
        if t == "*" {
            leaves.push(prefix);
            return i + 1;
        }
        if !(t.chars().all(|c| c.is_alphanumeric() || c == '_')) {
            leaves.push(prefix);
            return i;
        }
        // `self` inside a group names the prefix itself.
        if t != "self" || prefix.is_empty() {
            prefix.push(t.clone());
        }
        i += 1;
        if toks.get(i).is_some_and(|x| x.0 == "::") {
            i += 1;
        } else {
            leaves.push(prefix);
            return i;
        }
    }
}

/// `segs` (starting `crate`, `super` or `self`) from module `here`, as a path from the
/// crate root.
fn absolute(here: &[String], segs: &[String]) -> Option<Vec<String>> {
    let mut base: Vec<String>;
    let mut rest = segs;
    match segs.first()?.as_str() {
        "crate" => {
            base = Vec::new();
            rest = &segs[1..];
        }
        "self" => {
            base = here.to_vec();
            rest = &segs[1..];
        }
        "super" => {
            base = here.to_vec();
            while rest.first().is_some_and(|s| s == "super") {
                base.pop()?;
                rest = &rest[1..];
            }
        }
        _ => return None,
    }
    base.extend(rest.iter().cloned());
    Some(base)
}

/// The library's modules (by file) and, per module, the paths it names.
struct Crate {
    /// Module path -> file (relative to `src/`).
    files: BTreeMap<Vec<String>, String>,
    /// Module path -> (absolute path named, line).
    named: BTreeMap<Vec<String>, Vec<(Vec<String>, usize)>>,
}

impl Crate {
    fn read() -> Crate {
        let root = src("");
        let mut files = BTreeMap::new();
        let mut named = BTreeMap::new();
        for (file, text) in sources(&root) {
            let rel = Path::new(&file)
                .strip_prefix(&root)
                .expect("under src")
                .to_string_lossy()
                .replace('\\', "/");
            let Some(module) = module_of(&rel) else {
                continue;
            };
            named.insert(module.clone(), named_paths(&module, &text));
            files.insert(module, rel);
        }
        Crate { files, named }
    }

    /// The module a path names: its longest prefix that is a module of the crate.
    fn target(&self, path: &[String]) -> Vec<String> {
        (0..=path.len())
            .rev()
            .map(|n| path[..n].to_vec())
            .find(|p| self.files.contains_key(p))
            .unwrap_or_default()
    }
}

fn show(m: &[String]) -> String {
    if m.is_empty() {
        "crate".to_string()
    } else {
        m.join("::")
    }
}

#[test]
fn paths_are_read_from_expressions_and_use_trees() {
    let here: Vec<String> = vec!["lighting".into(), "street".into()];
    let text = r#"
        use super::{coverage::{self, X}, grid};
        use crate::{
            check::Finding,
            plan::{Plan, validate::*},
        };
        // crate::review::Nothing in a comment
        fn f() { let s = "crate::diff::x"; let c = '"'; crate::index::valid_xy(p); }
        mod tests { use super::*; use super::super::surface::T; }
        fn g<'a>(x: &'a str) -> self::Local { x.len() + super::NEGLECT }
    "#;
    let got: BTreeSet<String> = named_paths(&here, text)
        .into_iter()
        .map(|(p, _)| p.join("::"))
        .collect();
    let want: BTreeSet<String> = [
        "lighting::coverage",
        "lighting::coverage::X",
        "lighting::grid",
        "check::Finding",
        "plan::Plan",
        "plan::validate",
        "index::valid_xy",
        "lighting::street",
        "lighting::surface::T",
        "lighting::street::Local",
        "lighting::NEGLECT",
    ]
    .into_iter()
    .map(String::from)
    .collect();
    assert_eq!(got, want);
}

#[test]
fn lower_layers_do_not_import_higher_ones() {
    let rules: [(&str, &[&str]); 13] = [
        ("osm", &["lighting", "check", "report", "edit"]),
        (
            "photometry",
            &["plan", "index", "lighting", "check", "edit"],
        ),
        ("frame", &["plan", "index", "lighting", "check", "edit"]),
        ("finding", &["plan", "lighting", "check", "edit"]),
        (
            "lighting",
            &["check", "report", "edit", "design", "measure"],
        ),
        (
            "plan",
            &[
                "index", "locate", "schedule", "energy", "lighting", "check", "report", "edit",
            ],
        ),
        (
            "energy",
            &["lighting", "check", "report", "edit", "design", "measure"],
        ),
        (
            "check",
            &["report", "diff", "review", "edit", "design", "measure"],
        ),
        ("design", &["report", "diff", "review", "edit", "measure"]),
        (
            "measure",
            &["check", "report", "diff", "review", "edit", "design"],
        ),
        ("review", &["edit"]),
        ("diff", &["edit"]),
        ("edit", &["app"]),
    ];
    let krate = Crate::read();
    let mut bad = Vec::new();
    for (low, higher) in rules {
        for (module, named) in &krate.named {
            if module.first().map(String::as_str) != Some(low) {
                continue;
            }
            for (path, line) in named {
                if path.first().is_some_and(|h| higher.contains(&h.as_str())) {
                    bad.push(format!(
                        "src/{}:{line}: names {}",
                        krate.files[module],
                        path.join("::")
                    ));
                }
            }
        }
    }
    assert!(bad.is_empty(), "layer violations:\n{}", bad.join("\n"));
}

/// Import cycles known today and being broken; each entry is a set of sibling modules
/// that name each other. A cycle passes while its modules are all within one entry (so
/// an entry may shrink as the cycle is broken); delete an entry once it is gone. A cycle
/// not covered here fails the test.
const ALLOWED_CYCLES: &[&[&str]] = &[
    // (none: every known cycle is broken; a new one fails the test)
];

/// The sibling graph: an edge `a -> b` between two modules with the same parent when
/// something in `a` (or below it) names something in `b` (or below it). A module naming
/// its own ancestors or descendants is the tree itself, not an edge.
fn sibling_graph(krate: &Crate) -> BTreeMap<String, BTreeMap<String, String>> {
    let mut g: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    for (from, named) in &krate.named {
        for (path, line) in named {
            let to = krate.target(path);
            if to.starts_with(from) || from.starts_with(&to) {
                continue;
            }
            let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
            let (a, b) = (show(&from[..=common]), show(&to[..=common]));
            g.entry(a).or_default().entry(b).or_insert_with(|| {
                format!("src/{}:{line} names {}", krate.files[from], path.join("::"))
            });
        }
    }
    g
}

/// The groups of modules that reach each other (strongly connected, two or more).
fn cycles(g: &BTreeMap<String, BTreeMap<String, String>>) -> Vec<BTreeSet<String>> {
    let reach = |start: &String| {
        let mut seen = BTreeSet::new();
        let mut todo = vec![start.clone()];
        while let Some(n) = todo.pop() {
            for m in g.get(&n).into_iter().flat_map(|e| e.keys()) {
                if seen.insert(m.clone()) {
                    todo.push(m.clone());
                }
            }
        }
        seen
    };
    let reaches: BTreeMap<&String, BTreeSet<String>> = g.keys().map(|n| (n, reach(n))).collect();
    let mut out: Vec<BTreeSet<String>> = Vec::new();
    for (n, r) in &reaches {
        if !r.contains(*n) || out.iter().any(|c| c.contains(*n)) {
            continue;
        }
        let scc: BTreeSet<String> = r
            .iter()
            .filter(|m| reaches.get(m).is_some_and(|rm| rm.contains(*n)))
            .cloned()
            .collect();
        out.push(scc);
    }
    out
}

#[test]
fn no_module_import_cycles_beyond_the_known_ones() {
    let krate = Crate::read();
    let g = sibling_graph(&krate);
    let mut bad = Vec::new();
    for scc in cycles(&g) {
        let allowed = ALLOWED_CYCLES
            .iter()
            .any(|a| scc.iter().all(|m| a.contains(&m.as_str())));
        if allowed {
            continue;
        }
        let mut s = format!(
            "cycle: {}",
            scc.iter().cloned().collect::<Vec<_>>().join(", ")
        );
        for a in &scc {
            for (b, why) in g.get(a).into_iter().flatten() {
                if scc.contains(b) {
                    s.push_str(&format!("\n  {a} -> {b}: {why}"));
                }
            }
        }
        bad.push(s);
    }
    assert!(bad.is_empty(), "import cycles:\n{}", bad.join("\n"));
}

#[test]
fn the_cycle_test_sees_a_cycle() {
    // Two siblings naming each other, one in an expression and one through `super::`.
    let mut krate = Crate {
        files: BTreeMap::new(),
        named: BTreeMap::new(),
    };
    for (m, f) in [("a", "a/mod.rs"), ("a::x", "a/x.rs"), ("a::y", "a/y.rs")] {
        let m: Vec<String> = m.split("::").map(String::from).collect();
        krate.files.insert(m, f.to_string());
    }
    let x = vec!["a".to_string(), "x".to_string()];
    let y = vec!["a".to_string(), "y".to_string()];
    krate
        .named
        .insert(x.clone(), named_paths(&x, "fn f() { super::y::g() }"));
    krate
        .named
        .insert(y.clone(), named_paths(&y, "use crate::a::{x::{self, T}};"));
    let found = cycles(&sibling_graph(&krate));
    let want: BTreeSet<String> = ["a::x", "a::y"].into_iter().map(String::from).collect();
    assert_eq!(found, vec![want]);
}

#[test]
fn only_the_app_names_gui_crates() {
    let gui = ["egui", "eframe", "walkers", "rfd::", "winit", "wgpu"];
    let mut bad = Vec::new();
    for (file, text) in sources(&src("")) {
        if file.contains("/src/app/") {
            continue;
        }
        for line in offending(&text, &gui) {
            if !line.contains("cfg(feature") && !line.contains("lysplan::app") {
                bad.push(format!("{file}: {}", line.trim()));
            }
        }
    }
    assert!(
        bad.is_empty(),
        "GUI crates outside src/app:\n{}",
        bad.join("\n")
    );
}

/// The house rule of docs/architecture.md: no source file over 800 lines, so that each
/// stays readable in one sitting (split by concern when one grows).
#[test]
fn no_source_file_is_over_800_lines() {
    let long: Vec<String> = sources(&src(""))
        .into_iter()
        .map(|(path, text)| (path, text.lines().count()))
        .filter(|(_, n)| *n > 800)
        .map(|(path, n)| format!("{path}: {n} lines"))
        .collect();
    assert!(long.is_empty(), "split these files: {long:#?}");
}

//! The house rules of ARCHITECTURE.md, checked on the source tree: modules use
//! only modules listed above them in `src/lib.rs`, no two files import each
//! other in a circle, heavy dependencies stay at their edges, no mutable global
//! beyond the Ctrl-C registry, one module layout, no oversized file.
//!
//! Files are read whole, less comments and test items (`#[cfg(test)]` and what
//! it applies to); string and character literals are kept out of the search for
//! paths. Imports are read as paths: `use crate::a::{b, c::d}` names
//! `crate::a::b` and `crate::a::c::d`, `super::` and `self::` resolve against the
//! file's module, and paths written inline (`crate::a::f(..)`) count too. The
//! checks run on any tree, and `a_planted_violation_is_seen` plants some.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Every `.rs` file under `dir`.
fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
    out.sort();
    out
}

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// The end (exclusive) of the literal starting at `i` (`"`, `r"`, `r#"`, `b"`,
/// or a character literal `'x'`), or `None` when none starts there (`'a` of a
/// lifetime is not a literal).
fn literal_end(b: &[u8], i: usize) -> Option<usize> {
    let word_before = i > 0 && (b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_');
    match b[i] {
        b'"' => {
            let mut j = i + 1;
            while j < b.len() && b[j] != b'"' {
                j += if b[j] == b'\\' { 2 } else { 1 };
            }
            Some(j + 1)
        }
        b'r' | b'b' if !word_before => {
            let mut j = i + 1;
            if b[i] == b'b' && b.get(j) == Some(&b'r') {
                j += 1;
            }
            let hashes = b[j..].iter().take_while(|&&c| c == b'#').count();
            j += hashes;
            if b.get(j) != Some(&b'"') || (hashes == 0 && b[i] == b'b' && j == i + 1) {
                return (b[i] == b'b' && b.get(i + 1) == Some(&b'"'))
                    .then(|| literal_end(b, i + 1).expect("a string follows"));
            }
            let close: Vec<u8> = std::iter::once(b'"')
                .chain(std::iter::repeat_n(b'#', hashes))
                .collect();
            let at = b[j + 1..]
                .windows(close.len())
                .position(|w| w == close.as_slice())?;
            Some(j + 1 + at + close.len())
        }
        b'\'' => {
            // 'x', '\n', '\u{1F600}', or a lifetime (no closing quote).
            let j = if b.get(i + 1) == Some(&b'\\') {
                // The escaped character comes first: '\'' ends after it.
                i + 3 + b.get(i + 3..)?.iter().position(|&c| c == b'\'')?
            } else {
                let ch = (1..=4)
                    .rev()
                    .find_map(|n| std::str::from_utf8(b.get(i + 1..i + 1 + n)?).ok())?
                    .chars()
                    .next()?;
                i + 1 + ch.len_utf8()
            };
            (b.get(j) == Some(&b'\'')).then_some(j + 1)
        }
        _ => None,
    }
}

/// A file's code: comments and literals blanked (literals become `""`), and the
/// items marked `#[cfg(test)]` removed, attribute included.
fn code_of(text: &str) -> String {
    let b = text.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i..].starts_with(b"//") {
            while i < b.len() && b[i] != b'\n' {
                i += 1;
            }
        } else if b[i..].starts_with(b"/*") {
            let mut depth = 0;
            while i < b.len() {
                if b[i..].starts_with(b"/*") {
                    depth += 1;
                    i += 2;
                } else if b[i..].starts_with(b"*/") {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
        } else if let Some(end) = literal_end(b, i) {
            out.extend_from_slice(b"\"\"");
            i = end.min(b.len());
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    let code = String::from_utf8(out).expect("ASCII edits of UTF-8");
    without_test_items(&code)
}

/// `code` without every item that `#[cfg(test)]` applies to: up to the `;` that
/// ends it, or the `}` that closes its first `{`.
fn without_test_items(code: &str) -> String {
    let mut out = String::new();
    let mut rest = code;
    while let Some(at) = rest.find("#[cfg(test)]") {
        out.push_str(&rest[..at]);
        let item = &rest[at + "#[cfg(test)]".len()..];
        let end = match (item.find(';'), item.find('{')) {
            (Some(semi), Some(brace)) if semi < brace => semi + 1,
            (Some(semi), None) => semi + 1,
            (_, Some(brace)) => {
                let mut depth = 0;
                let mut close = item.len();
                for (k, c) in item[brace..].char_indices() {
                    match c {
                        '{' => depth += 1,
                        '}' => {
                            depth -= 1;
                            if depth == 0 {
                                close = brace + k + 1;
                                break;
                            }
                        }
                        _ => {}
                    }
                }
                close
            }
            (None, None) => item.len(),
        };
        rest = &item[end..];
    }
    out.push_str(rest);
    out
}

/// The module path of a file: `src/results/read.rs` → `["results", "read"]`,
/// `src/lib.rs` → `[]`; `None` for the binary (`main.rs`, `cli.rs`, `cli/`).
fn module_path(root: &Path, path: &Path) -> Option<Vec<String>> {
    let rel = path.strip_prefix(root).unwrap();
    let mut parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    let last = parts.pop().unwrap();
    let stem = last.trim_end_matches(".rs").to_string();
    let top = parts.first().unwrap_or(&stem);
    if top == "cli" || top == "main" {
        return None;
    }
    if !(parts.is_empty() && stem == "lib") && stem != "mod" {
        parts.push(stem);
    }
    Some(parts)
}

/// Expands one `use` tree (`a::{b, c::{d, e}}`) into its paths.
fn expand_tree(tree: &str) -> Vec<String> {
    let tree = tree.trim();
    let Some(open) = tree.find('{') else {
        let path = tree.split(" as ").next().unwrap().trim();
        return vec![path.to_string()];
    };
    let prefix = tree[..open].trim().trim_end_matches("::");
    let inner = &tree[open + 1..tree.rfind('}').unwrap()];
    let mut parts = Vec::new();
    let (mut depth, mut start) = (0, 0);
    for (k, c) in inner.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(&inner[start..k]);
                start = k + 1;
            }
            _ => {}
        }
    }
    parts.push(&inner[start..]);
    parts
        .into_iter()
        .filter(|p| !p.trim().is_empty())
        .flat_map(expand_tree)
        .map(|p| match (prefix.is_empty(), p.as_str()) {
            (true, _) => p,
            (false, "self") => prefix.to_string(),
            (false, _) => format!("{prefix}::{p}"),
        })
        .collect()
}

/// Every path a file's code names, made absolute (`crate::...`): its `use`
/// trees expanded, and `crate::`, `super::` and `self::` paths written inline.
fn named_paths(code: &str, module: &[String]) -> BTreeSet<Vec<String>> {
    let mut raw: Vec<String> = Vec::new();
    let mut rest = code;
    // `use` statements, whole (they may span lines).
    while let Some(at) = rest.find("use ") {
        let before = rest[..at].chars().last();
        let after = &rest[at + 4..];
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            rest = after;
            continue;
        }
        let end = after.find(';').unwrap_or(after.len());
        raw.extend(expand_tree(&after[..end]));
        rest = &after[end..];
    }
    // Inline paths.
    for start in ["crate::", "super::", "self::"] {
        let mut from = 0;
        while let Some(at) = code[from..].find(start) {
            let at = from + at;
            let before = code[..at].chars().last();
            from = at + start.len();
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':') {
                continue;
            }
            let len = code[at..]
                .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
                .unwrap_or(code.len() - at);
            raw.push(code[at..at + len].trim_end_matches(':').to_string());
        }
    }
    raw.into_iter()
        .filter_map(|p| {
            let mut segments = p.split("::").map(str::trim).filter(|s| !s.is_empty());
            let mut abs: Vec<String> = match segments.next()? {
                "crate" => Vec::new(),
                "self" => module.to_vec(),
                "super" => {
                    let mut m = module.to_vec();
                    m.pop()?;
                    while segments.clone().next() == Some("super") {
                        segments.next();
                        m.pop()?;
                    }
                    m
                }
                _ => return None,
            };
            abs.extend(segments.map(str::to_string));
            Some(abs)
        })
        .collect()
}

/// Depth-first search from `f`: every edge back to a file still open closes a
/// circle, pushed as the files from that one to `f`.
fn visit<'a>(
    f: &'a PathBuf,
    edges: &BTreeMap<&'a PathBuf, BTreeSet<&'a PathBuf>>,
    state: &mut BTreeMap<&'a PathBuf, u8>,
    stack: &mut Vec<&'a PathBuf>,
    circles: &mut Vec<Vec<String>>,
) {
    state.insert(f, 1);
    stack.push(f);
    for &g in &edges[f] {
        match state.get(g) {
            Some(1) => {
                let from = stack.iter().position(|x| *x == g).unwrap();
                circles.push(
                    stack[from..]
                        .iter()
                        .map(|p| p.display().to_string())
                        .collect(),
                );
            }
            Some(_) => {}
            None => visit(g, edges, state, stack, circles),
        }
    }
    stack.pop();
    state.insert(f, 2);
}

/// What a source tree says of itself: every library file's module path and the
/// paths its code names.
struct Tree {
    /// The library's top-level modules in the order `lib.rs` declares them.
    order: Vec<String>,
    /// Per library file: (module path, absolute paths named).
    files: BTreeMap<PathBuf, (Vec<String>, BTreeSet<Vec<String>>)>,
}

impl Tree {
    fn read(root: &Path) -> Tree {
        let order = std::fs::read_to_string(root.join("lib.rs"))
            .unwrap()
            .lines()
            .filter_map(|l| l.strip_prefix("pub mod "))
            .map(|l| l.trim_end_matches(';').to_string())
            .collect();
        let mut files = BTreeMap::new();
        for file in rust_files(root) {
            let Some(module) = module_path(root, &file) else {
                continue;
            };
            let code = code_of(&std::fs::read_to_string(&file).unwrap());
            let named = named_paths(&code, &module);
            files.insert(file, (module, named));
        }
        Tree { order, files }
    }

    /// "`file` uses `module`" for each top-level module a file names that
    /// `lib.rs` declares below the file's own.
    fn upward_uses(&self) -> Vec<String> {
        let mut out = Vec::new();
        for (file, (module, named)) in &self.files {
            let Some(own) = module.first() else { continue };
            let rank = self.order.iter().position(|m| m == own).unwrap();
            for path in named {
                let Some(top) = path.first() else { continue };
                if let Some(r) = self.order.iter().position(|m| m == top)
                    && r > rank
                {
                    out.push(format!("{} uses {top}", file.display()));
                }
            }
        }
        out.sort();
        out.dedup();
        out
    }

    /// The import graph between files: an edge from a file to the file of the
    /// longest module prefix of each path it names, leaving out a file's
    /// ancestors and descendants (a module and its submodules share items by
    /// design); returns every circle found, as its files in order.
    fn circles(&self) -> Vec<Vec<String>> {
        let by_module: BTreeMap<&[String], &PathBuf> = self
            .files
            .iter()
            .map(|(f, (m, _))| (m.as_slice(), f))
            .collect();
        let related = |a: &[String], b: &[String]| a.starts_with(b) || b.starts_with(a);
        let mut edges: BTreeMap<&PathBuf, BTreeSet<&PathBuf>> = BTreeMap::new();
        for (file, (module, named)) in &self.files {
            let out = edges.entry(file).or_default();
            for path in named {
                let target = (1..=path.len())
                    .rev()
                    .find_map(|k| by_module.get_key_value(&path[..k]));
                if let Some((m, f)) = target
                    && !related(module, m)
                {
                    out.insert(*f);
                }
            }
        }
        // Depth-first search for back edges; each circle reported once.
        let mut circles = Vec::new();
        let mut state: BTreeMap<&PathBuf, u8> = BTreeMap::new(); // 1 open, 2 done
        for f in self.files.keys() {
            if !state.contains_key(f) {
                visit(f, &edges, &mut state, &mut Vec::new(), &mut circles);
            }
        }
        circles
    }
}

#[test]
fn modules_use_only_modules_declared_above_them() {
    let tree = Tree::read(&src());
    assert!(tree.order.len() > 15, "{:?}", tree.order);
    let violations = tree.upward_uses();
    assert!(violations.is_empty(), "{violations:#?}");
}

#[test]
fn no_two_files_import_each_other_in_a_circle() {
    let circles = Tree::read(&src()).circles();
    assert!(circles.is_empty(), "{circles:#?}");
}

#[test]
fn the_checks_read_whole_files_and_grouped_imports() {
    let tree = Tree::read(&src());
    let file = src().join("reach").join("exact.rs");
    let (module, named) = &tree.files[&file];
    assert_eq!(module, &["reach", "exact"]);
    // `use super::{Degree, ReachCounts}`: both, resolved.
    for name in ["Degree", "ReachCounts"] {
        assert!(
            named.contains(&vec!["reach".to_string(), name.to_string()]),
            "{named:?}"
        );
    }
    // Items after the first `#[cfg(test)]` of a file are read; test items are not.
    let text = std::fs::read_to_string(&file).unwrap();
    let first_test = text.find("#[cfg(test)]").unwrap();
    assert!(first_test < text.find("pub struct Search").unwrap());
    let code = code_of(&text);
    assert!(code.contains("pub struct Search") && code.contains("fn reach_batch"));
    assert!(!code.contains("fn is_clean") && !code.contains("mod tests"));
}

/// A small tree with the violations the checks must see.
#[test]
fn a_planted_violation_is_seen() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let write = |rel: &str, text: &str| {
        let p = root.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    };
    write("lib.rs", "pub mod low;\npub mod high;\n");
    // `low` names `high` in a grouped import, after a test module and a string
    // holding a brace: a check that stopped at `#[cfg(test)]`, read strings as
    // code or missed `use crate::{..}` would not see it.
    write(
        "low.rs",
        "pub mod a;\npub mod b;\n#[cfg(test)]\nmod tests {\n    fn f() { let _ = \"}\"; }\n}\n\
         const OPEN: char = '{';\nuse crate::{low::a::A, high::{H, K}};\npub fn g() -> &'static str { \"crate::high::Z\" }\n",
    );
    // A circle between two files of one folder, by `super::` and a grouped use.
    write("low/a.rs", "use super::b::B;\npub struct A;\n");
    write("low/b.rs", "use super::{a::A, a};\npub struct B;\n");
    write(
        "high.rs",
        "use crate::low::a::A;\npub struct H;\npub struct K;\n",
    );
    let tree = Tree::read(root);
    assert_eq!(
        tree.upward_uses(),
        [format!("{} uses high", root.join("low.rs").display())]
    );
    let circles = tree.circles();
    assert_eq!(circles.len(), 1, "{circles:?}");
    let mut files = circles[0].clone();
    files.sort();
    assert_eq!(
        files,
        [
            root.join("low/a.rs").display().to_string(),
            root.join("low/b.rs").display().to_string()
        ]
    );
    // Fixed: the circle goes, and so does the upward use.
    write("low/b.rs", "pub struct B;\n");
    write("low.rs", "pub mod a;\npub mod b;\nuse crate::low::a::A;\n");
    let tree = Tree::read(root);
    assert!(tree.upward_uses().is_empty() && tree.circles().is_empty());
}

/// The code of every library file, by top-level module (`None` for the binary).
fn codes() -> Vec<(PathBuf, Option<String>, String)> {
    rust_files(&src())
        .into_iter()
        .map(|file| {
            let m = module_path(&src(), &file).map(|m| m.first().cloned().unwrap_or_default());
            let code = code_of(&std::fs::read_to_string(&file).unwrap());
            (file, m, code)
        })
        .collect()
}

#[test]
fn heavy_dependencies_stay_at_their_edges() {
    // (crate, the top-level modules allowed to name it)
    let edges: [(&str, &[&str]); 4] = [
        ("polars", &["ingest", "results", "error"]),
        ("plotters", &["charts"]),
        ("timely", &["cluster"]),
        ("clap", &[]),
    ];
    let mut violations = Vec::new();
    for (file, m, text) in codes() {
        for (name, allowed) in edges {
            let named =
                text.contains(&format!("{name}::")) || text.contains(&format!("use {name}"));
            let ok = match &m {
                Some(m) => allowed.contains(&m.as_str()),
                None => name == "clap", // the binary parses flags
            };
            if named && !ok {
                violations.push(format!("{} names {name}", file.display()));
            }
        }
    }
    assert!(violations.is_empty(), "{violations:#?}");
}

#[test]
fn ingest_never_writes_results_and_roles_never_read_files() {
    let tree = Tree::read(&src());
    for (module, forbidden) in [("ingest", "results"), ("roles", "ingest")] {
        for (file, (m, named)) in &tree.files {
            if m.first().is_some_and(|x| x == module) {
                assert!(
                    !named
                        .iter()
                        .any(|p| p.first().is_some_and(|x| x == forbidden)),
                    "{} uses {forbidden}",
                    file.display()
                );
            }
        }
    }
}

#[test]
fn the_only_mutable_global_is_the_pending_file_registry() {
    let mut found = Vec::new();
    for (file, _, code) in codes() {
        for line in code.lines() {
            let t = line.trim_start();
            let mutable = t.contains("static mut")
                || (t.starts_with("static ") || t.starts_with("pub static "))
                    && (t.contains("Mutex") || t.contains("Atomic") || t.contains("RefCell"));
            if mutable {
                found.push(format!("{}: {t}", file.display()));
            }
        }
    }
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(found[0].contains("output.rs") && found[0].contains("PENDING"));
}

#[test]
fn one_module_layout_and_no_source_file_over_700_lines() {
    for file in rust_files(&src()) {
        assert_ne!(
            file.file_name().unwrap(),
            "mod.rs",
            "{}: a module is `name.rs` beside its folder `name/`",
            file.display()
        );
        let lines = std::fs::read_to_string(&file).unwrap().lines().count();
        assert!(lines <= 700, "{} has {lines} lines", file.display());
    }
}

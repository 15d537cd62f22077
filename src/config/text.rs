//! Text around experiment files: parser messages in the user's words, the line
//! of a key, and the recorded copy's absolute file names.

use std::path::Path;

use super::GraphSource;

/// A parser message in the user's words: Rust's type names become what a value
/// should look like ("expected u32" reads "expected a whole number").
pub(super) fn in_words(message: &str) -> String {
    [
        ("expected u8", "expected a whole number from 0 to 255"),
        ("expected u16", "expected a whole number"),
        ("expected u32", "expected a whole number"),
        ("expected u64", "expected a whole number"),
        ("expected usize", "expected a whole number"),
        ("expected f64", "expected a number"),
        ("expected a string", "expected text in quotes"),
    ]
    .iter()
    .fold(message.to_string(), |m, (rust, words)| {
        m.replace(rust, words)
    })
}

/// `text` with `[graph]`'s `edges`, `roles` and `nodes` (a table) rewritten as absolute paths, so
/// the copy recorded with the results runs from any folder (relative names are
/// relative to the experiment file, which the copy is not beside).
pub(super) fn with_absolute_files(text: &str, graph: &GraphSource) -> String {
    use std::fmt::Write as _;
    let GraphSource::Files {
        edges,
        roles,
        nodes,
    } = graph
    else {
        return text.to_string();
    };
    let quoted = |p: &Path| {
        let p = std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
        // A TOML basic string: backslashes and quotes escaped.
        let s = p
            .display()
            .to_string()
            .replace('\\', "\\\\")
            .replace('"', "\\\"");
        format!("\"{s}\"")
    };
    let mut section = String::new();
    let mut out = String::with_capacity(text.len() + 64);
    for line in text.lines() {
        let t = line.trim();
        if t.starts_with('[') {
            section = t.trim_matches(|c| c == '[' || c == ']').trim().to_string();
        }
        let key = t.split('=').next().unwrap_or("").trim();
        match (section.as_str(), key, t.contains('=')) {
            ("graph", "edges", true) => {
                let _ = writeln!(out, "edges = {}", quoted(edges));
            }
            ("graph", "roles", true) if roles.is_some() => {
                let _ = writeln!(out, "roles = {}", quoted(roles.as_deref().unwrap_or(edges)));
            }
            ("graph", "nodes", true) if nodes.is_some() => {
                let _ = writeln!(out, "nodes = {}", quoted(nodes.as_deref().unwrap_or(edges)));
            }
            _ => {
                out.push_str(line);
                out.push('\n');
            }
        }
    }
    out
}

/// The 1-based line where `key` is set in `text` (1 if not found).
/// The keys of `[graph]`: files, then generator settings ([`GraphSpec`]).
pub(super) const GRAPH_KEYS: &[&str] = &[
    "edges",
    "roles",
    "model",
    "preset",
    "nodes",
    "avg_degree",
    "triad_prob",
    "rewire_prob",
    "communities",
    "mixing",
    "degree_dist",
    "sigma",
    "exponent",
    "cap",
];

/// The key of serde's "unknown field `key`" when it lists no expected keys,
/// which only the flattened `[graph]` table produces.
pub(super) fn unknown_graph_key(message: &str) -> Option<String> {
    let rest = message.strip_prefix("unknown field `")?;
    let (key, tail) = rest.split_once('`')?;
    (!tail.contains("expected")).then(|| key.to_string())
}

/// `a`, `b` and `c`, as serde spells lists of keys.
pub(super) fn quoted_list(keys: &[&str]) -> String {
    let quoted: Vec<String> = keys.iter().map(|k| format!("`{k}`")).collect();
    match quoted.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{}, or {last}", rest.join(", ")),
        None => String::new(),
    }
}

pub(super) fn key_line(text: &str, key: &str) -> u64 {
    let header = format!("[{key}]");
    text.lines()
        .position(|l| {
            let t = l.trim_start();
            t.starts_with(&header)
                || t.strip_prefix(key)
                    .is_some_and(|rest| rest.trim_start().starts_with('='))
        })
        .map_or(1, |i| i as u64 + 1)
}

//! The house rules of ARCHITECTURE.md, checked on the source tree: modules use
//! only modules listed above them in `src/lib.rs`, heavy dependencies stay at
//! their edges, no mutable global beyond the Ctrl-C registry, no oversized file.

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

/// A file's code without comment lines and without its test module.
fn code(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap();
    let text = text.split("#[cfg(test)]").next().unwrap_or_default();
    text.lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The library's top-level module of a file (`src/results/read.rs` → `results`),
/// or `None` for the binary (`main.rs`, `cli/`) and `lib.rs`.
fn module_of(path: &Path) -> Option<String> {
    let rel = path.strip_prefix(src()).unwrap();
    let first = rel.components().next()?.as_os_str().to_string_lossy();
    let name = first.trim_end_matches(".rs").to_string();
    (!["main", "lib", "cli"].contains(&name.as_str())).then_some(name)
}

/// The library's modules in the order `src/lib.rs` declares them.
fn layers() -> Vec<String> {
    std::fs::read_to_string(src().join("lib.rs"))
        .unwrap()
        .lines()
        .filter_map(|l| l.strip_prefix("pub mod "))
        .map(|l| l.trim_end_matches(';').to_string())
        .collect()
}

#[test]
fn modules_use_only_modules_declared_above_them() {
    let order = layers();
    assert!(order.len() > 15, "{order:?}");
    let mut violations = Vec::new();
    for file in rust_files(&src()) {
        let Some(m) = module_of(&file) else { continue };
        let rank = order.iter().position(|x| *x == m).unwrap();
        let text = code(&file);
        for other in order.iter().skip(rank + 1) {
            if text.contains(&format!("crate::{other}::"))
                || text.contains(&format!("crate::{other};"))
                || text.contains(&format!("crate::{other}}}"))
            {
                violations.push(format!("{} uses {other}", file.display()));
            }
        }
    }
    assert!(violations.is_empty(), "{violations:#?}");
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
    for file in rust_files(&src()) {
        let text = code(&file);
        let m = module_of(&file);
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
    for (module, forbidden) in [("ingest", "crate::results"), ("roles", "crate::ingest")] {
        for file in rust_files(&src()) {
            if module_of(&file).as_deref() == Some(module) {
                assert!(
                    !code(&file).contains(forbidden),
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
    for file in rust_files(&src()) {
        for line in code(&file).lines() {
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
fn no_source_file_is_over_900_lines() {
    for file in rust_files(&src()) {
        let lines = std::fs::read_to_string(&file).unwrap().lines().count();
        assert!(lines <= 900, "{} has {lines} lines", file.display());
    }
}

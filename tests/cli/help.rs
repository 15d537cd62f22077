//! Every `--help` example runs as written: each subcommand's examples, in a
//! fresh folder that holds the repository's `data/`, through bash (so `\`
//! continuations and `<(...)` work), with `netreach` on the PATH.

use std::path::Path;
use std::process::Command;

use crate::common::quick_run;

/// The subcommands with examples in their help.
const COMMANDS: [&[&str]; 10] = [
    &["run"],
    &["simulate"],
    &["chart"],
    &["reach"],
    &["generate"],
    &["stats"],
    &["advise"],
    &["import"],
    &["import", "linkedin"],
    &["import", "graph"],
];

/// The example commands of a help text: lines starting with `netreach`, joined
/// with their `\` continuation lines.
fn examples(help: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut open: Option<String> = None;
    for line in help.lines() {
        let t = line.trim();
        if let Some(cmd) = open.as_mut() {
            cmd.push(' ');
            cmd.push_str(t.trim_end_matches('\\').trim());
        } else if t.starts_with("netreach ") || t == "netreach" {
            open = Some(t.trim_end_matches('\\').trim().to_string());
        }
        if !t.ends_with('\\')
            && let Some(cmd) = open.take()
        {
            out.push(cmd);
        }
    }
    out
}

#[test]
fn every_help_example_runs_as_written() {
    let bin = assert_cmd::cargo::cargo_bin("netreach");
    let bin_dir = bin.parent().unwrap();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
    let mut ran = 0;
    for args in COMMANDS {
        let help = Command::new(&bin)
            .args(args)
            .arg("--help")
            .output()
            .unwrap();
        let help = String::from_utf8(help.stdout).unwrap();
        let cmds = examples(&help);
        assert!(
            !cmds.is_empty(),
            "netreach {} --help has no example",
            args.join(" ")
        );
        for line in help
            .lines()
            .filter(|l| l.trim_start().starts_with("netreach"))
        {
            // Short enough never to wrap mid-command in an 80-column terminal.
            assert!(
                line.len() <= 80,
                "netreach {} --help: {line:?}",
                args.join(" ")
            );
        }
        let dir = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink(&data, dir.path().join("data")).unwrap();
        for cmd in cmds {
            if cmd == "netreach run" {
                // The built-in quick experiment: what `quick_run` runs (into its
                // own folder), once for the whole test binary.
                quick_run();
                continue;
            }
            if cmd.contains("--cluster") {
                // Needs its peer processes; tests/cli/cluster.rs runs clusters.
                continue;
            }
            let out = Command::new("bash")
                .args(["-c", &cmd])
                .current_dir(dir.path())
                .env("PATH", &path)
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "netreach {} --help example failed: {cmd}\n{}",
                args.join(" "),
                String::from_utf8_lossy(&out.stderr)
            );
            ran += 1;
        }
    }
    assert!(ran >= 14, "{ran} examples ran");
}

#[test]
fn continuation_lines_join_into_one_command() {
    let help = "Example:\n  netreach reach --graph g \\\n    --sample 2 -o r.csv\n  netreach stats --graph g\n";
    assert_eq!(
        examples(help),
        [
            "netreach reach --graph g --sample 2 -o r.csv",
            "netreach stats --graph g"
        ]
    );
}

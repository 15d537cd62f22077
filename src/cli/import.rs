//! `netreach import linkedin` and `import graph`.

use std::path::PathBuf;
use std::time::Instant;

use anyhow::Result;
use clap::{Args, Subcommand};

use netreach::ingest::binary;
use netreach::ingest::linkedin::TitleRules;
use netreach::jobs::import::{linkedin, linkedin_outputs};
use netreach::output::check_outputs;

use super::{Global, load_graph, load_roles, peak_memory, size};

#[derive(Debug, Subcommand)]
pub(super) enum ImportSource {
    /// LinkedIn's data export ("Get a copy of your data"), folder or ZIP: writes
    /// edges.csv, nodes.csv (roles from position titles), invitations.csv (pending
    /// ones) and import-summary.json. People are pseudonymous unless --keep-names.
    #[command(
        after_help = "Example:\n  netreach import linkedin \\\n    data/linkedin/Complete_LinkedInDataExport_11-24-2026.zip -o me\n  netreach reach --graph me/edges.csv --roles me/nodes.csv \\\n    --sources <(echo owner) -o me/reach.csv"
    )]
    Linkedin(LinkedinArgs),
    /// Converts a graph (edge list, CSV or Parquet) and optionally its roles into
    /// netreach's graph file (.nrg): the CSR as it sits in memory, with a checksum.
    /// It loads many times faster than text wherever a --graph is read, and carries
    /// the roles, so --roles can be left out.
    #[command(
        after_help = "Example:\n  netreach generate --model holme-kim --nodes 100000 --seed 7 -o net\n  netreach import graph net/edges.parquet --nodes net/nodes.parquet \\\n    -o net/graph.nrg\n  netreach reach --graph net/graph.nrg --sample 1000 -o reach.csv"
    )]
    Graph(GraphImportArgs),
}

#[derive(Debug, Args)]
pub(super) struct GraphImportArgs {
    /// The graph: SNAP/KONECT text, .csv or .parquet (.gz/.zst accepted).
    #[arg(value_name = "GRAPH")]
    graph: PathBuf,
    /// Roles table with columns node,role (CSV or Parquet), stored in the file.
    #[arg(long, value_name = "FILE", conflicts_with = "nodes")]
    roles: Option<PathBuf>,
    /// Nodes table with columns node,role,firm,industry (as `netreach generate`
    /// writes it): its roles and firms are stored in the file, so experiments
    /// on the graph file need no nodes table for job leads.
    #[arg(long, value_name = "FILE")]
    nodes: Option<PathBuf>,
    /// Output graph file; its name must end in .nrg.
    #[arg(short, long, value_name = "FILE", value_parser = parse_graph_path)]
    out: PathBuf,
}

fn parse_graph_path(s: &str) -> Result<PathBuf, String> {
    let p = PathBuf::from(s);
    if p.extension().is_some_and(|e| e.eq_ignore_ascii_case("nrg")) {
        Ok(p)
    } else {
        Err(format!("{s}: expected a file name ending in .nrg"))
    }
}

#[derive(Debug, Args)]
pub(super) struct LinkedinArgs {
    /// The export: the folder or the ZIP file as downloaded.
    #[arg(value_name = "EXPORT")]
    export: PathBuf,
    /// Output folder (created if missing).
    #[arg(short, long, value_name = "DIR")]
    out: PathBuf,
    /// Keep names, profile URLs, emails, companies and titles in the outputs
    /// (off by default: people get stable pseudonymous ids).
    #[arg(long)]
    keep_names: bool,
    /// Title rules (TOML with `[recruiter]` and `[hiring_manager]` tables of tokens,
    /// prefixes and phrases) replacing the built-in keyword rules.
    #[arg(long, value_name = "FILE")]
    rules: Option<PathBuf>,
}

pub(super) fn run(source: &ImportSource, g: &Global) -> Result<()> {
    match source {
        ImportSource::Linkedin(a) => run_linkedin(a, g),
        ImportSource::Graph(a) => run_graph(a, g),
    }
}

fn run_graph(a: &GraphImportArgs, g: &Global) -> Result<()> {
    check_outputs([&a.out], g.overwrite())?;
    let (graph, mut stored) = load_graph(&a.graph, g)?;
    if let Some(path) = a.roles.as_deref() {
        stored.roles = Some(load_roles(Some(path), None, &graph, g)?);
    }
    if let Some(path) = a.nodes.as_deref() {
        let (roles, _, firms) = netreach::ingest::load_nodes(&graph, path)?;
        g.say(format!(
            "nodes {}: {}, {}",
            path.display(),
            super::role_counts(&roles),
            super::count(u64::from(firms.firm_count()), "firm", "firms")
        ));
        stored.roles = Some(roles);
        stored.firms = Some(firms);
    }
    let t = Instant::now();
    binary::write(&graph, &stored, &a.out, g.overwrite())?;
    let bytes = std::fs::metadata(&a.out).map_or(0, |m| m.len());
    g.say(format!(
        "wrote {} ({}{}){}",
        a.out.display(),
        size(bytes),
        match (stored.roles.is_some(), stored.firms.is_some()) {
            (true, true) => ", with roles and firms",
            (true, false) => ", with roles",
            (false, true) => ", with firms",
            (false, false) => "",
        },
        if g.verbose {
            format!(
                " in {:.2} s; peak memory {}",
                t.elapsed().as_secs_f64(),
                peak_memory()
            )
        } else {
            String::new()
        }
    ));
    Ok(())
}

fn run_linkedin(a: &LinkedinArgs, g: &Global) -> Result<()> {
    let rules = match &a.rules {
        Some(p) => TitleRules::from_file(p)?,
        None => TitleRules::default(),
    };
    check_outputs(linkedin_outputs(&a.out), g.overwrite())?;
    let (import, files) = linkedin(&a.export, &rules, &a.out, a.keep_names, g.overwrite())?;
    let s = &import.summary;
    if !g.quiet {
        println!("connections            {}", s.connections);
        println!("duplicates merged      {}", s.duplicates_merged);
        println!("hidden-profile rows    {}", s.hidden_rows);
        println!("recruiters             {}", s.recruiters);
        println!("hiring managers        {}", s.hiring_managers);
        println!(
            "invitations received   {} ({} pending)",
            s.invitations_incoming, s.pending_incoming
        );
        println!(
            "invitations sent       {} ({} pending)",
            s.invitations_outgoing, s.pending_outgoing
        );
        println!("ambiguous name matches {}", s.ambiguous_matches);
        if s.unknown_directions + s.unparsed_dates + s.windows_1252_files > 0 {
            println!(
                "warnings               {} rows with an unknown direction, {} unparsed dates, {} files decoded as Windows-1252",
                s.unknown_directions, s.unparsed_dates, s.windows_1252_files
            );
        }
    }
    g.say(format!(
        "wrote {} files to {}{}",
        files.len(),
        a.out.display(),
        if a.keep_names {
            " (names kept)"
        } else {
            " (pseudonymous ids; salt in salt.txt)"
        }
    ));
    Ok(())
}

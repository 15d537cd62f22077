//! Command line: clap structs (their doc comments are the `--help` text) and one
//! module per subcommand that maps flags to [`netreach::jobs`] and library calls
//! and prints what they return. The library never sees clap; nothing here decides
//! anything a library user could not.

mod advise;
mod cluster;
mod generate;
mod import;
mod reach;
mod run;
mod stats;

use std::path::Path;
use std::time::Instant;

use anyhow::{Context, Result};
use clap::{Args, Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};

use netreach::graph::ConnectionGraph;
use netreach::ingest::{self, RolesFrom};
use netreach::invitations::{InvitationReport, PendingInvitations};
use netreach::output::Overwrite;
use netreach::progress::Progress;
use netreach::roles::{Role, RoleMap};

/// netreach: how accepting or refusing connection invitations changes a person's
/// reach to recruiters and hiring managers at the 2nd and 3rd degree.
#[derive(Debug, Parser)]
#[command(name = "netreach", version, about, long_about = None, propagate_version = true)]
pub(crate) struct Cli {
    #[command(subcommand)]
    command: Command,
    #[command(flatten)]
    global: Global,
}

/// Flags every subcommand takes, listed under their own heading after the
/// command's options.
#[derive(Debug, Args)]
#[command(next_help_heading = "Global options")]
struct Global {
    /// Worker threads (0 = one per core).
    #[arg(
        short = 'j',
        long,
        global = true,
        default_value_t = 0,
        value_name = "N"
    )]
    threads: usize,
    /// Print nothing but errors (a result printed on stdout, such as the table of
    /// `stats`, still prints).
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    quiet: bool,
    /// Replace existing outputs (without it, an existing output is an error).
    #[arg(long, global = true)]
    force: bool,
    /// Print timings and peak memory.
    #[arg(short, long, global = true)]
    verbose: bool,
}

impl Global {
    /// The overwrite policy `--force` asks for.
    fn overwrite(&self) -> Overwrite {
        Overwrite::from_force(self.force)
    }

    /// Tells the user something unless `--quiet`.
    fn say(&self, msg: impl AsRef<str>) {
        if !self.quiet {
            eprintln!("{}", msg.as_ref());
        }
    }
}

#[derive(Debug, Subcommand)]
enum Command {
    /// The main job: network → invitations over weeks → strategies → reach tables
    /// and a summary. Without a file, runs the built-in quick experiment
    /// (data/experiments/quick.toml).
    #[command(
        after_help = "Examples:\n  netreach run\n  netreach run data/experiments/first-look.toml -o out/first-look -j 2\n\nOn a cluster: the same command once per line of the hostfile, each with its own\n--process; process 0 writes the folder. Two processes on this machine:\n  printf '127.0.0.1:7100\\n127.0.0.1:7101\\n' > hosts.txt\n  netreach run data/experiments/first-look.toml -o out/first-look-cluster \\\n    --cluster hosts.txt --process 1 -q &\n  netreach run data/experiments/first-look.toml -o out/first-look-cluster \\\n    --cluster hosts.txt --process 0\nAn experiment on a .nrg graph file carrying its roles, without [adoption],\nhas each process read only its part (docs/cluster.md)."
    )]
    Run(run::SimulateArgs),
    /// Redraws the charts and report of a results folder from its saved tables,
    /// without recomputing.
    #[command(
        after_help = "Example:\n  netreach run data/experiments/first-look.toml -o out/first-look\n  netreach chart out/first-look --format svg -o out/first-look/svg"
    )]
    Chart(run::ChartArgs),
    /// Runs an experiment file and writes its tables (reach, people, summary).
    #[command(
        after_help = "Example:\n  netreach simulate data/experiments/first-look.toml -o out/first-look-tables\n\nOn a cluster, as `netreach run --help` shows: --cluster HOSTFILE --process I."
    )]
    Simulate(run::SimulateArgs),
    /// Exact reach by degree and role for chosen people, optionally under strategies
    /// for their pending invitations.
    #[command(
        after_help = "Example:\n  netreach reach --graph data/sample/edges.txt --roles data/sample/roles.csv \\\n    --sample 20 --seed 1 --invitations data/sample/invitations.csv \\\n    --strategy refuse-all,accept-all,min-mutual:2 -o reach.csv\n\nOn a cluster (hosts.txt lists host:port per process; start each process with\nits own --process; from a .nrg file each process reads only its part):\n  netreach import graph data/sample/edges.txt \\\n    --roles data/sample/roles.csv -o g.nrg\n  netreach reach --graph g.nrg --sample 100 -o reach.csv \\\n    --cluster hosts.txt --process 0 --workers 4"
    )]
    Reach(reach::ReachArgs),
    /// Seeded synthetic professional network with roles: writes DIR/edges.<ext> and
    /// DIR/nodes.<ext>, ready for `reach --graph/--roles` and `stats`.
    #[command(
        allow_negative_numbers = true,
        after_help = "Models: ba, holme-kim, watts-strogatz, sbm, chung-lu; or --preset linkedin.\n\nExamples:\n  netreach generate --model holme-kim --nodes 100000 --avg-degree 20 \\\n    --triad-prob 0.5 --seed 7 -o net\n  netreach generate --preset linkedin --nodes 20000 --seed 1 --format csv \\\n    -o linkedin-net\n  netreach reach --graph net/edges.parquet --roles net/nodes.parquet \\\n    --sample 100 -o reach.csv"
    )]
    Generate(generate::GenerateArgs),
    /// What accepting your pending invitations would do to your reach, from an
    /// imported LinkedIn export: model estimates over synthetic populations.
    #[command(
        after_help = "Examples:\n  netreach import linkedin \\\n    data/linkedin/Complete_LinkedInDataExport_11-24-2026.zip -o me\n  netreach advise me --replicates 3\n\nOn a whole graph, ranked by expected job leads:\n  netreach advise --graph data/sample/edges.txt --roles data/sample/roles.csv \\\n    --invitations data/sample/invitations.csv --person 3439 --leads \\\n    -o out/advice-leads"
    )]
    Advise(advise::AdviseArgs),
    /// Imports data from elsewhere into netreach's inputs.
    #[command(
        subcommand,
        after_help = "Example:\n  netreach import linkedin \\\n    data/linkedin/Complete_LinkedInDataExport_11-24-2026.zip -o me"
    )]
    Import(import::ImportSource),
    /// Summary statistics of a graph: nodes, edges, what was merged or dropped,
    /// neighbour counts, components, roles and memory.
    #[command(
        after_help = "Example:\n  netreach stats --graph data/sample/edges.txt --roles data/sample/roles.csv"
    )]
    Stats(stats::StatsArgs),
}

/// Runs the parsed command on a rayon pool of the requested size.
pub(crate) fn run(cli: &Cli) -> Result<()> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(cli.global.threads)
        .build()
        .context("cannot start the worker threads")?;
    let g = &cli.global;
    pool.install(|| match &cli.command {
        Command::Run(a) => run::run_experiment(a, g, false),
        Command::Simulate(a) => run::run_experiment(a, g, true),
        Command::Chart(a) => run::run_chart(a, g),
        Command::Import(source) => import::run(source, g),
        Command::Advise(a) => advise::run(a, g),
        Command::Reach(a) => reach::run(a, g),
        Command::Generate(a) => generate::run(a, g),
        Command::Stats(a) => stats::run(a, g),
    })
}

/// A table path (`-o`) whose extension names a table format (`.csv` or
/// `.parquet`), checked when the flags are parsed.
fn parse_table_path(s: &str) -> Result<std::path::PathBuf, String> {
    let p = std::path::PathBuf::from(s);
    netreach::results::TableFormat::from_path(&p).map_err(|e| e.to_string())?;
    Ok(p)
}

/// Loads a graph, with the roles and firms a graph file carries, and says what
/// it holds.
fn load_graph(path: &Path, g: &Global) -> Result<(ConnectionGraph, ingest::binary::Stored)> {
    let t = Instant::now();
    let bar = Bar::phase(&format!("loading {}", path.display()), g);
    let loaded = ingest::load_graph_stored(path);
    bar.finish();
    let (graph, stored) = loaded?;
    let r = graph.build_report();
    g.say(format!(
        "graph {}: {}, {} ({} dropped, {} merged){}",
        path.display(),
        count(graph.node_count() as u64, "node", "nodes"),
        count(graph.edge_count(), "edge", "edges"),
        count(r.self_loops_dropped, "self-loop", "self-loops"),
        count(r.duplicates_merged, "duplicate edge", "duplicate edges"),
        if g.verbose {
            format!(" in {:.2} s", t.elapsed().as_secs_f64())
        } else {
            String::new()
        }
    ));
    if let Some(firms) = &stored.firms {
        g.say(format!(
            "firms stored in the graph file: {} in {}",
            count(u64::from(firms.firm_count()), "firm", "firms"),
            count(u64::from(firms.industry_count()), "industry", "industries")
        ));
    }
    Ok((graph, stored))
}

/// The roles from `path`, else those `stored` in the graph file, else none.
fn load_roles(
    path: Option<&Path>,
    stored: Option<RoleMap>,
    graph: &ConnectionGraph,
    g: &Global,
) -> Result<RoleMap> {
    let (roles, from) = ingest::choose_roles(graph, path, stored)?;
    match (from, path) {
        (RolesFrom::File(r), Some(path)) => g.say(format!(
            "roles {}: {}, {}, {} other, {} for nodes not in the graph (ignored)",
            path.display(),
            count(r.recruiters, "recruiter", "recruiters"),
            count(r.hiring_managers, "hiring manager", "hiring managers"),
            r.other,
            count(r.unknown_nodes, "row", "rows")
        )),
        (RolesFrom::GraphFile, _) => g.say(format!(
            "roles stored in the graph file: {}",
            role_counts(&roles)
        )),
        _ => {}
    }
    Ok(roles)
}

/// The pending invitations of the table at `path` (none without one).
fn load_invitations(
    path: Option<&Path>,
    graph: &ConnectionGraph,
    g: &Global,
) -> Result<PendingInvitations> {
    let Some(path) = path else {
        return Ok(PendingInvitations::default());
    };
    let (inv, r) = ingest::load_invitations(graph, path)?;
    say_invitations(g, path, &r, "");
    Ok(inv)
}

/// What reading an invitations table kept and dropped; `whose` narrows
/// "pending" (e.g. " to the people studied").
fn say_invitations(g: &Global, path: &Path, r: &InvitationReport, whose: &str) {
    g.say(format!(
        "invitations {}: {} pending{whose}; ignored {} already connected, {} naming unknown nodes, {} to oneself, {} repeated",
        path.display(),
        r.pending,
        r.already_connected,
        r.unknown_nodes,
        r.self_invitations,
        r.duplicates
    ));
}

/// `1 node`, `1,200 nodes`: a count with its noun.
fn count(n: u64, one: &str, many: &str) -> String {
    netreach::words::plural(n, one, many)
}

/// "30,000 recruiters, 70,000 hiring managers": a role map's holders in words.
fn role_counts(roles: &RoleMap) -> String {
    format!(
        "{}, {}",
        count(
            roles.count(Role::Recruiter) as u64,
            "recruiter",
            "recruiters"
        ),
        count(
            roles.count(Role::HiringManager) as u64,
            "hiring manager",
            "hiring managers"
        )
    )
}

/// A progress bar on stderr when it is a terminal and not `--quiet`.
struct Bar(ProgressBar);

impl Bar {
    fn new(len: u64, what: &str, g: &Global) -> Self {
        let pb = if g.quiet {
            ProgressBar::hidden()
        } else {
            ProgressBar::new(len)
        };
        pb.set_style(
            ProgressStyle::with_template(
                "{msg} {bar:40} {pos}/{len} [{elapsed_precise}, {eta} left]",
            )
            .expect("valid template"),
        );
        pb.set_message(what.to_string());
        Bar(pb)
    }

    /// A spinner counting `what` when the total is not known in advance.
    fn spinner(what: &str, g: &Global) -> Self {
        Self::spinning("{spinner} {msg} {pos} [{elapsed_precise}]", what, g)
    }

    /// A spinner with the elapsed time for a phase without countable steps
    /// (generating a network, loading a graph), ticking on its own; drawn only
    /// on a terminal, cleared by [`Bar::finish`].
    fn phase(what: &str, g: &Global) -> Self {
        let bar = Self::spinning("{spinner} {msg} [{elapsed_precise}]", what, g);
        bar.0
            .enable_steady_tick(std::time::Duration::from_millis(200));
        bar
    }

    /// A spinner drawn with `template` (hidden with `--quiet`).
    fn spinning(template: &str, what: &str, g: &Global) -> Self {
        let pb = if g.quiet {
            ProgressBar::hidden()
        } else {
            ProgressBar::new_spinner()
        };
        pb.set_style(ProgressStyle::with_template(template).expect("valid template"));
        pb.set_message(what.to_string());
        Bar(pb)
    }

    /// Removes the bar from the terminal.
    fn finish(&self) {
        self.0.finish_and_clear();
    }
}

impl Progress for Bar {
    fn inc(&self, n: u64) {
        self.0.inc(n);
    }
}

/// Exits with a usage error (code 2) naming a flag that does not fit.
fn usage_error(msg: String) -> ! {
    let mut cmd = <Cli as clap::CommandFactory>::command();
    cmd.error(clap::error::ErrorKind::ArgumentConflict, msg)
        .exit()
}

/// A byte count in KiB below 1 MiB, else in MiB.
fn size(bytes: u64) -> String {
    if bytes < 1 << 20 {
        format!("{:.1} KiB", bytes as f64 / 1024.0)
    } else {
        format!("{:.1} MiB", bytes as f64 / f64::from(1 << 20))
    }
}

/// The process's peak resident memory (Linux `VmHWM`), for reports.
fn peak_memory() -> String {
    netreach::memory::peak_resident().map_or_else(
        || "unknown".into(),
        |b| format!("{:.1} MiB", b as f64 / f64::from(1 << 20)),
    )
}

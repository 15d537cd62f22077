//! Command line: clap structs (their doc comments are the `--help` text) and one
//! `run_*` per subcommand, mapping flags to library calls. The library never sees clap.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use anyhow::{Context, Result, bail};
use clap::{Args, Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};
use rand::SeedableRng;
use rayon::prelude::*;

use netreach::advise::{AdviceModel, EgoFacts, advise, rank_invitations};
use netreach::charts::{
    ChartData, ChartFormat, degree_histogram, draw_advice_chart, draw_all, draw_degree_chart,
};
use netreach::cluster::{self, Cluster, OwnedQuery};
use netreach::config::{GraphSpec, Spelling};
use netreach::generate::linkedin::LinkedInParams;
use netreach::generate::{GraphModel, ModelName};
use netreach::graph::{ConnectionGraph, NodeId, VertexOrder};
use netreach::ingest::linkedin::TitleRules;
use netreach::invitations::PendingInvitations;
use netreach::progress::Progress;
use netreach::reach::Degree;
use netreach::reach::approx::{approx_reach_all, relative_standard_error};
use netreach::reach::exact::{Query, reach_many_counted};
use netreach::report::write_report;
use netreach::results::check_outputs;
use netreach::results::{
    NetworkFacts, NetworkFormat, ReachRow, advice_table, greedy_table, reach_table,
    simulation_tables, terminal_summary, write_linkedin_import, write_network,
    write_network_tables, write_simulation, write_table,
};
use netreach::roles::{Placement, Role, RoleMap, RolePlan, place_roles};
use netreach::simulation::{Setup, simulate};
use netreach::strategy::Strategy;
use netreach::{Error, ingest};

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

/// Flags every subcommand takes.
#[derive(Debug, Args)]
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
    /// Print nothing but errors.
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    quiet: bool,
    /// Replace existing outputs (without it, an existing output is an error).
    #[arg(long, global = true)]
    force: bool,
    /// Print timings and peak memory.
    #[arg(short, long, global = true)]
    verbose: bool,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// The main job: network → invitations over weeks → strategies → reach tables
    /// and a summary. Without a file, runs the built-in quick experiment
    /// (data/experiments/quick.toml).
    #[command(
        after_help = "Examples:\n  netreach run\n  netreach run data/experiments/acceptance-sweep.toml -o out/sweep -j 2"
    )]
    Run(SimulateArgs),
    /// Redraws the charts and report of a results folder from its saved tables,
    /// without recomputing.
    #[command(after_help = "Example:\n  netreach chart out/quick --format svg")]
    Chart(ChartArgs),
    /// Runs an experiment file and writes its tables (reach, people, summary).
    #[command(
        after_help = "Example:\n  netreach simulate data/experiments/accept-vs-refuse.toml -o out/accept-vs-refuse"
    )]
    Simulate(SimulateArgs),
    /// Exact reach by degree and role for chosen people, optionally under strategies
    /// for their pending invitations.
    #[command(
        after_help = "Example:\n  netreach reach --graph data/sample/edges.txt --roles data/sample/roles.csv \\\n    --sample 20 --seed 1 --invitations data/sample/invitations.csv \\\n    --strategy refuse-all,accept-all,min-mutual:2 -o reach.csv\n\nOn a cluster (hosts.txt lists host:port per process; start each with its own --process):\n  netreach reach --graph edges.parquet --sample 1000 -o reach.csv --cluster hosts.txt --process 0 --workers 4"
    )]
    Reach(ReachArgs),
    /// Seeded synthetic professional network with roles: writes DIR/edges.<ext> and
    /// DIR/nodes.<ext>, ready for `reach --graph/--roles` and `stats`.
    #[command(
        after_help = "Models: ba, holme-kim, watts-strogatz, sbm, chung-lu; or --preset linkedin.\n\nExamples:\n  netreach generate --model holme-kim --nodes 100000 --avg-degree 20 --triad-prob 0.5 --seed 7 -o net\n  netreach generate --preset linkedin --nodes 20000 --seed 1 --format csv -o linkedin-net\n  netreach reach --graph net/edges.parquet --roles net/nodes.parquet --sample 100 -o reach.csv"
    )]
    Generate(GenerateArgs),
    /// What accepting your pending invitations would do to your reach, from an
    /// imported LinkedIn export: model estimates over synthetic populations.
    #[command(
        after_help = "Example:\n  netreach import linkedin Basic_LinkedInDataExport_11-18-2026.zip -o me\n  netreach advise me --replicates 20"
    )]
    Advise(AdviseArgs),
    /// Imports data from elsewhere into netreach's inputs.
    #[command(
        subcommand,
        after_help = "Example:\n  netreach import linkedin Complete_LinkedInDataExport_11-18-2026.zip -o me"
    )]
    Import(ImportSource),
    /// Summary statistics of a graph: nodes, edges, what was merged or dropped,
    /// neighbour counts, components, roles and memory.
    #[command(
        after_help = "Example:\n  netreach stats --graph data/sample/edges.txt --roles data/sample/roles.csv"
    )]
    Stats(StatsArgs),
}

#[derive(Debug, Args)]
struct ReachArgs {
    /// Edge list (SNAP/KONECT text, .csv or .parquet; .gz/.zst accepted), or a
    /// graph file (.nrg) from `netreach import graph`.
    #[arg(long, value_name = "FILE")]
    graph: PathBuf,
    /// Roles table with columns node,role (CSV or Parquet); default: the roles a
    /// .nrg graph file carries, else none.
    #[arg(long, value_name = "FILE")]
    roles: Option<PathBuf>,
    /// File of source ids, one per line (first field; `#` comments allowed).
    #[arg(
        long,
        value_name = "FILE",
        conflicts_with_all = ["sample", "all"],
        required_unless_present_any = ["sample", "all"]
    )]
    sources: Option<PathBuf>,
    /// Every node is a source.
    #[arg(long, conflicts_with = "sample")]
    all: bool,
    /// With --all: HyperLogLog estimates (HyperBall) instead of exact counts; see
    /// --precision for the error.
    #[arg(long, requires = "all", conflicts_with = "invitations")]
    approx: bool,
    /// With --approx: 2^B registers per counter; relative standard error about
    /// 1.04/sqrt(2^B) (B = 7: 9.2%, 8: 6.5%, 10: 3.3%); memory 6 × 2^B bytes per node.
    #[arg(long, value_name = "B", default_value_t = 7, requires = "approx", value_parser = clap::value_parser!(u8).range(4..=16))]
    precision: u8,
    /// Study K people drawn uniformly at random with --seed (all nodes if K exceeds them).
    #[arg(long, value_name = "K")]
    sample: Option<usize>,
    /// Seed for --sample and for random:P strategies.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Largest connection degree to count (1 to 16).
    #[arg(long, default_value = "3", value_name = "K")]
    max_degree: Degree,
    /// Invitations table with header to,from (`from` asked to connect with `to`).
    #[arg(long, value_name = "FILE", requires = "strategy")]
    invitations: Option<PathBuf>,
    /// Comma-separated strategies: accept-all, refuse-all, min-mutual:K, mutual:A-B,
    /// roles:R[,R], random:P.
    #[arg(long, value_name = "S[,S...]", requires = "invitations", value_parser = parse_strategies)]
    strategy: Option<Strategies>,
    /// Output table, .csv or .parquet.
    #[arg(short, long, value_name = "FILE", value_parser = parse_table_path)]
    out: PathBuf,
    /// Renumber the nodes before exact reach, for locality: given (load order),
    /// degree (most neighbours first) or bfs (breadth-first from the largest hub).
    /// Results are the same; costs a second copy of the graph while it runs.
    #[arg(long, value_name = "ORDER", default_value = "given", conflicts_with_all = ["approx", "cluster"])]
    order: VertexOrder,
    /// Run as one process of a timely-dataflow cluster: HOSTFILE lists the
    /// host:port of every process, one per line. Start every process with the same
    /// arguments and inputs, each with its own --process; process 0 writes the output.
    #[arg(long, value_name = "HOSTFILE")]
    cluster: Option<PathBuf>,
    /// With --cluster: this process's line in the hostfile, counting from 0.
    #[arg(long, value_name = "I", default_value_t = 0, requires = "cluster")]
    process: usize,
    /// With --cluster: worker threads per process (the same in every process).
    #[arg(long, value_name = "W", default_value_t = 1, requires = "cluster", value_parser = clap::value_parser!(u32).range(1..=256))]
    workers: u32,
    /// With --cluster: seconds to wait for the other processes to connect.
    #[arg(long, value_name = "SECS", default_value_t = 60, requires = "cluster")]
    cluster_timeout: u64,
}

#[derive(Debug, Args)]
#[allow(clippy::struct_excessive_bools)]
struct GenerateArgs {
    /// Model: ba, holme-kim, watts-strogatz, sbm or chung-lu.
    #[arg(
        long,
        value_name = "M",
        required_unless_present = "preset",
        conflicts_with = "preset"
    )]
    model: Option<ModelName>,
    /// A documented realistic setting instead of a model: linkedin (see README).
    #[arg(long, value_name = "NAME", value_parser = ["linkedin"])]
    preset: Option<String>,
    /// Number of people [default: 10000; linkedin: 50000].
    #[arg(long, value_name = "N")]
    nodes: Option<u32>,
    /// Mean number of connections per person [default: 20; linkedin: 200].
    #[arg(long, value_name = "D")]
    avg_degree: Option<f64>,
    /// holme-kim: probability that a link after the first closes a triangle;
    /// linkedin: fraction of links made by triadic closure [default: 0.5].
    #[arg(long, value_name = "P")]
    triad_prob: Option<f64>,
    /// watts-strogatz: probability of rewiring each ring link [default: 0.1].
    #[arg(long, value_name = "P")]
    rewire_prob: Option<f64>,
    /// sbm, linkedin: number of industries [default: 10; linkedin: 20].
    #[arg(long, value_name = "C")]
    communities: Option<u32>,
    /// sbm, linkedin: fraction of links between industries [default: 0.2].
    #[arg(long, value_name = "F")]
    mixing: Option<f64>,
    /// chung-lu, linkedin: expected-degree distribution, lognormal or powerlaw [default: lognormal].
    #[arg(long, value_name = "D", value_parser = ["lognormal", "powerlaw"])]
    degree_dist: Option<String>,
    /// lognormal: σ of the log-degree [default: 1.0].
    #[arg(long, value_name = "S")]
    sigma: Option<f64>,
    /// powerlaw: exponent γ of the density [default: 2.5].
    #[arg(long, value_name = "G")]
    exponent: Option<f64>,
    /// chung-lu, linkedin: largest expected degree [default: 30000, LinkedIn's limit].
    #[arg(long, value_name = "N")]
    cap: Option<u32>,
    /// Fraction of people who are recruiters.
    #[arg(long, value_name = "F", default_value_t = 0.03)]
    recruiters: f64,
    /// Fraction of people who are hiring managers.
    #[arg(long, value_name = "F", default_value_t = 0.07)]
    hiring_managers: f64,
    /// Role placement: uniform, degree-biased or community.
    #[arg(long, value_name = "P", default_value = "degree-biased")]
    placement: Placement,
    /// α of the degree or community bias of recruiter placement.
    #[arg(long, value_name = "A", default_value_t = 1.0)]
    bias_exponent: f64,
    /// Random seed: the same seed gives byte-identical files whatever -j.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Output folder (created if missing).
    #[arg(short, long, value_name = "DIR")]
    out: PathBuf,
    /// File format: parquet, csv or txt (SNAP edge list plus nodes.csv).
    #[arg(long, value_name = "F", default_value = "parquet")]
    format: NetworkFormat,
}

#[derive(Debug, Args)]
struct SimulateArgs {
    /// Experiment file (TOML); `run` without one uses the built-in quick experiment.
    #[arg(value_name = "EXPERIMENT.toml")]
    experiment: Option<PathBuf>,
    /// Output folder [default: out/<experiment name>].
    #[arg(short, long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Chart format for `run`: png or svg.
    #[arg(long, default_value = "png")]
    format: ChartFormat,
}

#[derive(Debug, Args)]
struct StatsArgs {
    /// Edge list (SNAP/KONECT text, .csv or .parquet; .gz/.zst accepted), or a
    /// graph file (.nrg) from `netreach import graph`.
    #[arg(long, value_name = "FILE")]
    graph: PathBuf,
    /// Roles table with columns node,role; default: the roles a .nrg graph file
    /// carries, else none.
    #[arg(long, value_name = "FILE")]
    roles: Option<PathBuf>,
    /// Also draw the degree distribution (log-log) into this .png or .svg file.
    #[arg(long, value_name = "FILE")]
    chart: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
enum ImportSource {
    /// LinkedIn's data export ("Get a copy of your data"), folder or ZIP: writes
    /// edges.csv, nodes.csv (roles from position titles), invitations.csv (pending
    /// ones) and import-summary.json. People are pseudonymous unless --keep-names.
    #[command(
        after_help = "Example:\n  netreach import linkedin ~/Downloads/Basic_LinkedInDataExport_11-18-2026.zip -o me\n  netreach reach --graph me/edges.csv --roles me/nodes.csv --sources <(echo owner) -o me/reach.csv"
    )]
    Linkedin(LinkedinArgs),
    /// Converts a graph (edge list, CSV or Parquet) and optionally its roles into
    /// netreach's graph file (.nrg): the CSR as it sits in memory, with a checksum.
    /// It loads many times faster than text wherever a --graph is read, and carries
    /// the roles, so --roles can be left out.
    #[command(
        after_help = "Example:\n  netreach import graph net/edges.txt --roles net/nodes.csv -o net/graph.nrg\n  netreach reach --graph net/graph.nrg --sample 1000 -o reach.csv"
    )]
    Graph(GraphImportArgs),
}

#[derive(Debug, Args)]
struct GraphImportArgs {
    /// The graph: SNAP/KONECT text, .csv or .parquet (.gz/.zst accepted).
    #[arg(value_name = "GRAPH")]
    graph: PathBuf,
    /// Roles table with columns node,role (CSV or Parquet), stored in the file.
    #[arg(long, value_name = "FILE")]
    roles: Option<PathBuf>,
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
struct LinkedinArgs {
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

#[derive(Debug, Args)]
struct AdviseArgs {
    /// A folder written by `netreach import linkedin` (model estimates).
    #[arg(
        value_name = "IMPORT_DIR",
        required_unless_present = "graph",
        conflicts_with = "graph"
    )]
    import: Option<PathBuf>,
    /// A whole graph instead (exact): edge list, table or .nrg graph file.
    #[arg(long, value_name = "FILE", requires_all = ["invitations", "person"])]
    graph: Option<PathBuf>,
    /// With --graph: roles table (node,role).
    #[arg(long, value_name = "FILE", requires = "graph")]
    roles: Option<PathBuf>,
    /// With --graph: invitations table (to,from).
    #[arg(long, value_name = "FILE", requires = "graph")]
    invitations: Option<PathBuf>,
    /// With --graph: the person whose pending invitations are ranked.
    #[arg(long, value_name = "ID", requires = "graph")]
    person: Option<String>,
    /// With --graph: rank at most this many invitations.
    #[arg(long, value_name = "N", default_value_t = 20)]
    top: usize,
    /// People in each synthetic population.
    #[arg(long, default_value_t = 20_000)]
    population: u32,
    /// Mean connections per person in the population (the preset's 200 makes a
    /// small population fall within 3 degrees of everyone).
    #[arg(long, default_value_t = 50.0)]
    avg_degree: f64,
    /// Populations to average over.
    #[arg(long, default_value_t = 10)]
    replicates: u32,
    /// Seed.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Output folder for advice.csv (and advice.png with --graph) [default:
    /// `IMPORT_DIR`, or `out/advice`].
    #[arg(short, long, value_name = "DIR")]
    out: Option<PathBuf>,
}

#[derive(Debug, Args)]
struct ChartArgs {
    /// A folder written by `netreach run` or `netreach simulate`.
    #[arg(value_name = "RESULTS_DIR")]
    results: PathBuf,
    /// Where to put the charts [default: `RESULTS_DIR/charts`].
    #[arg(short, long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Image format: png or svg.
    #[arg(long, default_value = "png")]
    format: ChartFormat,
}

/// A parsed `--strategy` list.
#[derive(Debug, Clone)]
struct Strategies(Vec<Strategy>);

fn parse_strategies(s: &str) -> Result<Strategies, String> {
    Strategy::parse_list(s)
        .map(Strategies)
        .map_err(|e| e.to_string())
}

fn parse_table_path(s: &str) -> Result<PathBuf, String> {
    let p = PathBuf::from(s);
    netreach::results::TableFormat::from_path(&p).map_err(|e| e.to_string())?;
    Ok(p)
}

/// Runs the parsed command on a rayon pool of the requested size.
pub(crate) fn run(cli: &Cli) -> Result<()> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(cli.global.threads)
        .build()
        .context("cannot start the worker threads")?;
    let g = &cli.global;
    netreach::results::allow_overwrite(g.force);
    pool.install(|| match &cli.command {
        Command::Run(a) => run_experiment(a, g, false),
        Command::Simulate(a) => run_experiment(a, g, true),
        Command::Chart(a) => run_chart(a, g),
        Command::Import(ImportSource::Linkedin(a)) => run_import_linkedin(a, g),
        Command::Import(ImportSource::Graph(a)) => run_import_graph(a, g),
        Command::Advise(a) => run_advise(a, g),
        Command::Reach(a) => run_reach(a, g),
        Command::Generate(a) => run_generate(a, g),
        Command::Stats(a) => run_stats(a, g),
    })
}

/// Tells the user something unless `--quiet`.
fn say(g: &Global, msg: impl AsRef<str>) {
    if !g.quiet {
        eprintln!("{}", msg.as_ref());
    }
}

/// Loads a graph, with the roles a graph file carries.
fn load_graph(path: &Path, g: &Global) -> Result<(ConnectionGraph, Option<RoleMap>)> {
    let t = Instant::now();
    let (graph, roles) = ingest::load_graph_and_roles(path)?;
    let r = graph.build_report();
    say(
        g,
        format!(
            "graph {}: {} nodes, {} edges ({} self-loops dropped, {} duplicate edges merged){}",
            path.display(),
            graph.node_count(),
            graph.edge_count(),
            r.self_loops_dropped,
            r.duplicates_merged,
            if g.verbose {
                format!(" in {:.2} s", t.elapsed().as_secs_f64())
            } else {
                String::new()
            }
        ),
    );
    Ok((graph, roles))
}

/// The roles from `path`, else those `stored` in the graph file, else none.
fn load_roles(
    path: Option<&Path>,
    stored: Option<RoleMap>,
    graph: &ConnectionGraph,
    g: &Global,
) -> Result<RoleMap> {
    let Some(path) = path else {
        let Some(r) = stored else {
            return Ok(RoleMap::none(graph.node_count()));
        };
        say(
            g,
            format!(
                "roles stored in the graph file: {} recruiters, {} hiring managers",
                r.count(Role::Recruiter),
                r.count(Role::HiringManager)
            ),
        );
        return Ok(r);
    };
    let (roles, r) = RoleMap::read(graph, path)?;
    say(
        g,
        format!(
            "roles {}: {} recruiters, {} hiring managers, {} other, {} rows for nodes not in the graph (ignored)",
            path.display(),
            r.recruiters,
            r.hiring_managers,
            r.other,
            r.unknown_nodes
        ),
    );
    Ok(roles)
}

fn load_invitations(
    path: Option<&Path>,
    graph: &ConnectionGraph,
    g: &Global,
) -> Result<PendingInvitations> {
    let Some(path) = path else {
        return Ok(PendingInvitations::default());
    };
    let records = ingest::load_pairs(path, ["to", "from"], false)?;
    let (inv, r) = PendingInvitations::from_records(graph, &records);
    say(
        g,
        format!(
            "invitations {}: {} pending; ignored {} already connected, {} naming unknown nodes, {} to oneself, {} repeated",
            path.display(),
            r.pending,
            r.already_connected,
            r.unknown_nodes,
            r.self_invitations,
            r.duplicates
        ),
    );
    Ok(inv)
}

fn choose_sources(a: &ReachArgs, graph: &ConnectionGraph) -> Result<Vec<NodeId>> {
    if a.all {
        return Ok(graph.nodes().collect());
    }
    if let Some(path) = &a.sources {
        let ids = ingest::load_id_list(path)?;
        let mut out = Vec::with_capacity(ids.len());
        for (id, line) in ids {
            let v = graph.ids().lookup(&id).ok_or_else(|| {
                Error::parse(path, line, "a node id that occurs in the graph", &id)
            })?;
            out.push(v);
        }
        if out.is_empty() {
            bail!(
                "{}: expected at least one source id, found none",
                path.display()
            );
        }
        return Ok(out);
    }
    let k = a.sample.expect("clap requires --sources or --sample");
    let n = graph.node_count();
    let mut rng = rand::rngs::Xoshiro256PlusPlus::seed_from_u64(a.seed);
    let mut picked: Vec<usize> = if k >= n {
        (0..n).collect()
    } else {
        rand::seq::index::sample(&mut rng, n, k).into_vec()
    };
    picked.sort_unstable();
    Ok(picked
        .into_iter()
        .map(|v| NodeId(u32::try_from(v).expect("node ids fit u32")))
        .collect())
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
}

impl Progress for Bar {
    fn inc(&self, n: u64) {
        self.0.inc(n);
    }
}

fn run_reach(a: &ReachArgs, g: &Global) -> Result<()> {
    let cluster = cluster_of(a)?;
    let writes = cluster.as_ref().is_none_or(|c| c.process == 0);
    if writes {
        check_outputs([&a.out])?;
    }
    let start = Instant::now();
    let (graph, stored) = load_graph(&a.graph, g)?;
    let roles = Arc::new(load_roles(a.roles.as_deref(), stored, &graph, g)?);
    let graph = Arc::new(graph);
    let sources = choose_sources(a, &graph)?;
    let strategies = a.strategy.clone().map(|s| s.0).unwrap_or_default();
    let invitations = load_invitations(a.invitations.as_deref(), &graph, g)?;
    let spellings: Vec<String> = strategies.iter().map(ToString::to_string).collect();
    // One query per source (× strategy), with that person's accepted inviters.
    let plan: Vec<(NodeId, Option<usize>)> = if strategies.is_empty() {
        sources.iter().map(|&s| (s, None)).collect()
    } else {
        sources
            .iter()
            .flat_map(|&s| (0..strategies.len()).map(move |i| (s, Some(i))))
            .collect()
    };
    let accepted: Vec<Vec<u32>> = plan
        .par_iter()
        .map(|&(s, strat)| match strat {
            Some(i) => {
                strategies[i].accepted(&graph, &roles, s, invitations.inviters_of(s), a.seed)
            }
            None => Vec::new(),
        })
        .collect();
    let t = Instant::now();
    let counts = match &cluster {
        None => reach_here(a, g, &graph, &roles, &plan, &accepted),
        Some(c) => {
            let Some(counts) = reach_on_cluster(a, c, &graph, &roles, &plan, &accepted)? else {
                say(
                    g,
                    format!(
                        "process {}: done; process 0 writes {}",
                        c.process,
                        a.out.display()
                    ),
                );
                return Ok(());
            };
            counts
        }
    };
    let compute = t.elapsed();
    let rows: Vec<ReachRow> = plan
        .iter()
        .zip(&counts)
        .zip(&accepted)
        .map(|((&(source, strat), counts), acc)| ReachRow {
            source,
            strategy: strat.map(|i| {
                (
                    spellings[i].as_str(),
                    u32::try_from(acc.len()).unwrap_or(u32::MAX),
                )
            }),
            counts,
        })
        .collect();
    let mut df = reach_table(graph.ids(), &rows, a.max_degree)?;
    write_table(&mut df, &a.out)?;
    say(
        g,
        format!(
            "wrote {} ({} rows: {} people × {} × degrees 1..={})",
            a.out.display(),
            df.height(),
            sources.len(),
            if strategies.is_empty() {
                "base graph".to_string()
            } else {
                format!("{} strategies", strategies.len())
            },
            a.max_degree
        ),
    );
    if g.verbose {
        say(
            g,
            format!(
                "reach: {} queries in {:.3} s ({:.0} per second); total {:.3} s; peak memory {}",
                plan.len(),
                compute.as_secs_f64(),
                plan.len() as f64 / compute.as_secs_f64().max(1e-9),
                start.elapsed().as_secs_f64(),
                peak_memory().unwrap_or_else(|| "unknown".into())
            ),
        );
    }
    Ok(())
}

/// The cluster this process belongs to, from --cluster and friends.
fn cluster_of(a: &ReachArgs) -> Result<Option<Cluster>> {
    let Some(hostfile) = &a.cluster else {
        return Ok(None);
    };
    let hosts = Cluster::read_hostfile(hostfile)?;
    if a.process >= hosts.len() {
        usage_error(format!(
            "--process {} is out of range: {} lists {} process(es), numbered from 0",
            a.process,
            hostfile.display(),
            hosts.len()
        ));
    }
    Ok(Some(Cluster {
        hosts,
        process: a.process,
        workers: a.workers as usize,
        timeout: std::time::Duration::from_secs(a.cluster_timeout),
    }))
}

/// Reach on this machine's thread pool.
fn reach_here(
    a: &ReachArgs,
    g: &Global,
    graph: &ConnectionGraph,
    roles: &RoleMap,
    plan: &[(NodeId, Option<usize>)],
    accepted: &[Vec<u32>],
) -> Vec<netreach::ReachCounts> {
    if a.approx {
        let bar = Bar::new(u64::from(a.max_degree.0), "sweeps", g);
        let c = approx_reach_all(graph, roles, a.max_degree, a.precision, &bar);
        bar.0.finish_and_clear();
        say_approx(a, g);
        c
    } else {
        let renumbered =
            (a.order != VertexOrder::Given).then(|| renumber(a, g, graph, roles, accepted));
        let (graph, roles, accepted) = renumbered.as_ref().map_or((graph, roles, accepted), |r| {
            (&r.graph, &r.roles, r.accepted.as_slice())
        });
        let queries: Vec<Query> = plan
            .iter()
            .zip(accepted)
            .map(|(&(source, _), acc)| Query {
                source: renumbered
                    .as_ref()
                    .map_or(source, |r| NodeId(r.new_id[source.index()])),
                accepted: acc,
            })
            .collect();
        let bar = Bar::new(queries.len() as u64, "reach", g);
        let t = Instant::now();
        let (c, arcs) = reach_many_counted(graph, roles, &queries, a.max_degree, &bar);
        let secs = t.elapsed().as_secs_f64().max(1e-9);
        bar.0.finish_and_clear();
        if g.verbose {
            say(
                g,
                format!(
                    "reach: {arcs} arcs scanned in {secs:.3} s: {:.0} million arcs/s, {:.2} GB/s of neighbour ids",
                    arcs as f64 / secs / 1e6,
                    arcs as f64 * 4.0 / secs / 1e9
                ),
            );
        }
        c
    }
}

/// A graph renumbered for locality, with the inputs of its queries.
struct Renumbered {
    graph: ConnectionGraph,
    roles: RoleMap,
    accepted: Vec<Vec<u32>>,
    /// `new_id[old]`.
    new_id: Vec<u32>,
}

fn renumber(
    a: &ReachArgs,
    g: &Global,
    graph: &ConnectionGraph,
    roles: &RoleMap,
    accepted: &[Vec<u32>],
) -> Renumbered {
    let t = Instant::now();
    let (graph, new_id) = graph.renumbered(a.order);
    let roles = roles.renumbered(&new_id);
    let accepted = accepted
        .iter()
        .map(|acc| acc.iter().map(|&v| new_id[v as usize]).collect())
        .collect();
    if g.verbose {
        say(
            g,
            format!(
                "renumbered the nodes in {:?} order in {:.2} s",
                a.order,
                t.elapsed().as_secs_f64()
            ),
        );
    }
    Renumbered {
        graph,
        roles,
        accepted,
        new_id,
    }
}

fn say_approx(a: &ReachArgs, g: &Global) {
    say(
        g,
        format!(
            "approximate counts (HyperLogLog, 2^{} registers): relative standard error about {:.1}% per cumulative count",
            a.precision,
            100.0 * relative_standard_error(a.precision)
        ),
    );
}

/// Reach on a timely cluster; `None` in processes other than 0.
fn reach_on_cluster(
    a: &ReachArgs,
    c: &Cluster,
    graph: &Arc<ConnectionGraph>,
    roles: &Arc<RoleMap>,
    plan: &[(NodeId, Option<usize>)],
    accepted: &[Vec<u32>],
) -> Result<Option<Vec<netreach::ReachCounts>>> {
    let queries: Vec<OwnedQuery> = plan
        .iter()
        .zip(accepted)
        .map(|(&(source, _), acc)| OwnedQuery {
            source,
            accepted: acc.clone(),
        })
        .collect();
    let settings = format!(
        "max {} approx {} precision {} workers {} hosts {:?}",
        a.max_degree, a.approx, a.precision, c.workers, c.hosts
    );
    let digest = cluster::job_digest(graph, roles, &queries, &settings);
    let counts = if a.approx {
        cluster::approx_reach_all(
            c,
            digest,
            Arc::clone(graph),
            Arc::clone(roles),
            a.max_degree,
            a.precision,
        )?
    } else {
        cluster::reach_many(
            c,
            digest,
            Arc::clone(graph),
            Arc::clone(roles),
            Arc::new(queries),
            a.max_degree,
        )?
    };
    Ok(counts)
}

/// Every file `run` or `simulate` may write into `out`.
fn experiment_outputs(out: &Path) -> Vec<PathBuf> {
    let mut outputs: Vec<PathBuf> = ["experiment.toml", "report.md", "charts"]
        .iter()
        .map(|f| out.join(f))
        .collect();
    for table in ["reach", "people", "summary", "network", "degrees"] {
        outputs.extend(["csv", "parquet"].map(|ext| out.join(format!("{table}.{ext}"))));
    }
    outputs
}

fn run_experiment(a: &SimulateArgs, g: &Global, needs_file: bool) -> Result<()> {
    if needs_file && a.experiment.is_none() {
        usage_error(
            "simulate needs an experiment file; `netreach run` runs the built-in one".into(),
        );
    }
    let start = Instant::now();
    let exp = netreach::simulation::load_experiment(a.experiment.as_deref())?;
    let out = a
        .out
        .clone()
        .unwrap_or_else(|| Path::new("out").join(&exp.name));
    check_outputs(experiment_outputs(&out))?;
    say(g, format!("experiment {}: {}", exp.name, exp.description));
    let setup = Setup::new(&exp).with_context(|| format!("setting up experiment {}", exp.name))?;
    let set_up = start.elapsed();
    let r = setup.graph.build_report();
    say(
        g,
        format!(
            "network: {} people + {} fake accounts, {} connections ({} repeated pairs merged); {} recruiters, {} hiring managers; studying {} people",
            setup.first_fake,
            setup.graph.node_count() - setup.first_fake as usize,
            setup.graph.edge_count(),
            r.duplicates_merged,
            setup.roles.count(Role::Recruiter),
            setup.roles.count(Role::HiringManager),
            setup.people.len()
        ),
    );
    let weeks = if exp.weekly {
        exp.arrivals.weeks as usize
    } else {
        1
    };
    let planned = exp.replicates as usize * setup.people.len() * exp.strategies.len() * weeks;
    let bar = Bar::new(planned as u64, "reach", g);
    let t = Instant::now();
    let outcome = simulate(&exp, &setup, &bar);
    bar.0.finish_and_clear();
    let simulated = t.elapsed();
    let mut tables = simulation_tables(&exp, setup.graph.ids(), &outcome)?;
    let mut files = write_simulation(&out, &exp, &mut tables)?;
    let facts = NetworkFacts {
        source: match &exp.graph {
            netreach::config::GraphSource::Generated(model, _) => format!("generated: {model:?}"),
            netreach::config::GraphSource::Files { edges, .. } => {
                format!("file {}", edges.display())
            }
        },
        people: u64::from(setup.first_fake),
        fake_accounts: (setup.graph.node_count() - setup.first_fake as usize) as u64,
        edges: setup.graph.edge_count(),
        recruiters: setup.roles.count(Role::Recruiter) as u64,
        hiring_managers: setup.roles.count(Role::HiringManager) as u64,
        studied: setup.people.len() as u64,
    };
    let real = degree_histogram(
        &setup.graph,
        setup.graph.nodes().take(setup.first_fake as usize),
    );
    files.extend(write_network_tables(&out, &exp, &facts, &real)?);
    // `run` also draws the charts and writes the report; `simulate` writes tables only.
    if !needs_file {
        let data = ChartData::from_dir(&out)?;
        let charts = draw_all(&data, &out.join("charts"), a.format)?;
        files.extend(charts.iter().map(|c| c.path.clone()));
        files.push(write_report(&out, &data, &charts)?);
    }
    if !g.quiet {
        println!("{}", terminal_summary(&exp, &tables.summary_rows));
    }
    say(
        g,
        format!(
            "{} observations ({} distinct reach queries) in {:.1} s; wrote {} files to {}",
            outcome.observations.len(),
            outcome.distinct_queries,
            start.elapsed().as_secs_f64(),
            files.len(),
            out.display()
        ),
    );
    if g.verbose {
        say(
            g,
            format!(
                "set-up {:.2} s, simulation {:.2} s, tables {:.2} s; peak memory {}",
                set_up.as_secs_f64(),
                simulated.as_secs_f64(),
                start
                    .elapsed()
                    .saturating_sub(set_up + simulated)
                    .as_secs_f64(),
                peak_memory().unwrap_or_else(|| "unknown".into())
            ),
        );
    }
    Ok(())
}

/// A byte count in KiB below 1 MiB, else in MiB.
fn size(bytes: u64) -> String {
    if bytes < 1 << 20 {
        format!("{:.1} KiB", bytes as f64 / 1024.0)
    } else {
        format!("{:.1} MiB", bytes as f64 / f64::from(1 << 20))
    }
}

fn run_import_graph(a: &GraphImportArgs, g: &Global) -> Result<()> {
    check_outputs([&a.out])?;
    let (graph, stored) = load_graph(&a.graph, g)?;
    let roles = match a.roles.as_deref() {
        Some(path) => Some(load_roles(Some(path), None, &graph, g)?),
        None => stored,
    };
    let t = Instant::now();
    ingest::binary::write(&graph, roles.as_ref(), &a.out)?;
    let bytes = std::fs::metadata(&a.out).map_or(0, |m| m.len());
    say(
        g,
        format!(
            "wrote {} ({}{}){}",
            a.out.display(),
            size(bytes),
            if roles.is_some() { ", with roles" } else { "" },
            if g.verbose {
                format!(" in {:.2} s", t.elapsed().as_secs_f64())
            } else {
                String::new()
            }
        ),
    );
    Ok(())
}

fn run_import_linkedin(a: &LinkedinArgs, g: &Global) -> Result<()> {
    let rules = match &a.rules {
        Some(p) => TitleRules::from_file(p)?,
        None => TitleRules::default(),
    };
    check_outputs(
        [
            "edges.csv",
            "nodes.csv",
            "invitations.csv",
            "import-summary.json",
        ]
        .map(|f| a.out.join(f)),
    )?;
    let import = netreach::ingest::linkedin::import(&a.export, &rules)?;
    let files = write_linkedin_import(&a.out, &import, a.keep_names)?;
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
    say(
        g,
        format!(
            "wrote {} files to {}{}",
            files.len(),
            a.out.display(),
            if a.keep_names {
                " (names kept)"
            } else {
                " (pseudonymous ids; salt in salt.txt)"
            }
        ),
    );
    Ok(())
}

/// A number from `import-summary.json` (written by us: one `"key": value` per line).
fn summary_value(json: &str, key: &str, path: &Path) -> Result<u32> {
    json.lines()
        .find_map(|l| {
            l.trim()
                .strip_prefix(&format!("\"{key}\":"))
                .map(|v| v.trim().trim_end_matches(',').to_string())
        })
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| {
            anyhow::anyhow!(
                "{}: expected a number for {key} (written by netreach import linkedin)",
                path.display()
            )
        })
}

/// `advise --graph`: exact greedy ranking of one person's pending invitations.
fn run_advise_graph(a: &AdviseArgs, graph_path: &Path, g: &Global) -> Result<()> {
    let (graph, stored) = load_graph(graph_path, g)?;
    let roles = load_roles(a.roles.as_deref(), stored, &graph, g)?;
    let inv_path = a
        .invitations
        .as_deref()
        .expect("clap requires --invitations");
    let pending = load_invitations(Some(inv_path), &graph, g)?;
    let id = a.person.as_deref().expect("clap requires --person");
    let person = graph.ids().lookup(id).ok_or_else(|| {
        anyhow::anyhow!("--person {id:?} is not a node of {}", graph_path.display())
    })?;
    let inviters: Vec<NodeId> = pending.inviters_of(person).collect();
    let out = a
        .out
        .clone()
        .unwrap_or_else(|| Path::new("out").join("advice"));
    check_outputs([out.join("advice.csv"), out.join("advice.png")])?;
    let (base, picks) = rank_invitations(&graph, &roles, person, &inviters, a.top);
    let mut df = greedy_table(graph.ids(), &picks)?;
    let table = out.join("advice.csv");
    write_table(&mut df, &table)?;
    let as_f64 = |c: [u64; 4]| c.map(|x| x as f64);
    let mut points = vec![(0usize, as_f64(base))];
    points.extend(
        picks
            .iter()
            .enumerate()
            .map(|(i, p)| (i + 1, as_f64(p.cumulative))),
    );
    let chart = out.join("advice.png");
    draw_advice_chart(&points, "exact", &chart, ChartFormat::Png)?;
    if !g.quiet {
        println!(
            "{id}: {} pending invitations; now {} recruiters and {} hiring managers within 2 degrees, {} and {} within 3 (exact).",
            inviters.len(),
            base[0],
            base[1],
            base[2],
            base[3]
        );
        println!(
            "{:>4} {:>16} {:>7} {:>15} {:>22} {:>22}",
            "rank", "inviter", "mutual", "role", "adds rec/hm within 2", "adds rec/hm within 3"
        );
        for (i, p) in picks.iter().enumerate() {
            println!(
                "{:>4} {:>16} {:>7} {:>15} {:>22} {:>22}",
                i + 1,
                graph.ids().display(p.inviter).to_string(),
                p.mutual,
                p.role.map_or("-".to_string(), |r| r.to_string()),
                format!("+{} / +{}", p.added[0], p.added[1]),
                format!("+{} / +{}", p.added[2], p.added[3])
            );
        }
    }
    say(
        g,
        format!("wrote {} and {}", table.display(), chart.display()),
    );
    Ok(())
}

/// Each connection's role and company group, from an import's `nodes.csv`.
fn read_ego_connections(path: &Path) -> Result<Vec<(Option<Role>, Option<String>)>> {
    let mut reader =
        csv::Reader::from_path(path).with_context(|| format!("cannot read {}", path.display()))?;
    let header = reader
        .headers()
        .with_context(|| format!("cannot read {}", path.display()))?
        .clone();
    let col = |name: &str| header.iter().position(|h| h == name);
    let (Some(role), Some(kind)) = (col("role"), col("kind")) else {
        bail!(
            "{}: expected the columns role and kind (written by netreach import linkedin)",
            path.display()
        );
    };
    let group = col("company_group");
    let mut out = Vec::new();
    for rec in reader.records() {
        let rec = rec.with_context(|| format!("cannot read {}", path.display()))?;
        if rec.get(kind) == Some("connection") {
            let r = rec.get(role).and_then(|r| r.parse::<Role>().ok());
            let g = group
                .and_then(|i| rec.get(i))
                .filter(|x| !x.is_empty())
                .map(str::to_string);
            out.push((r, g));
        }
    }
    Ok(out)
}

fn run_advise(a: &AdviseArgs, g: &Global) -> Result<()> {
    if let Some(graph) = &a.graph {
        return run_advise_graph(a, graph, g);
    }
    let import = a
        .import
        .as_deref()
        .expect("clap requires IMPORT_DIR or --graph");
    let path = import.join("import-summary.json");
    let json = std::fs::read_to_string(&path).with_context(|| {
        format!(
            "cannot read {}; expected a folder written by netreach import linkedin",
            path.display()
        )
    })?;
    let ego = EgoFacts {
        connections: read_ego_connections(&import.join("nodes.csv"))?,
        pending_incoming: summary_value(&json, "pending_incoming", &path)?,
    };
    let count = |r: Role| ego.connections.iter().filter(|c| c.0 == Some(r)).count();
    let model = AdviceModel {
        population: LinkedInParams {
            nodes: a.population,
            avg_degree: a.avg_degree,
            ..LinkedInParams::default()
        },
        replicates: a.replicates,
        seed: a.seed,
    };
    let out = a
        .out
        .clone()
        .unwrap_or_else(|| import.to_path_buf())
        .join("advice.csv");
    check_outputs([out.clone(), out.with_file_name("advice.png")])?;
    let t = Instant::now();
    let advice = advise(&ego, &model)?;
    let rows = advice.rows;
    let mut df = advice_table(&rows)?;
    write_table(&mut df, &out)?;
    let chart = out.with_file_name("advice.png");
    draw_advice_chart(&advice.curve, "model estimate", &chart, ChartFormat::Png)?;
    if !g.quiet {
        println!(
            "Model estimates: your {} connections ({} recruiters, {} hiring managers) embedded in {} synthetic LinkedIn-like populations of {} people.",
            ego.connections.len(),
            count(Role::Recruiter),
            count(Role::HiringManager),
            a.replicates,
            a.population
        );
        println!(
            "{:<28} {:>26} {:>26}",
            "", "recruiters within 2", "hiring managers within 2"
        );
        let mut scenarios: Vec<&String> = Vec::new();
        for r in &rows {
            if !scenarios.contains(&&r.scenario) {
                scenarios.push(&r.scenario);
            }
        }
        for scenario in scenarios {
            let cell = |m: &str| {
                rows.iter()
                    .find(|r| &r.scenario == scenario && r.measure == m && r.within == 2)
                    .map_or("-".to_string(), |r| {
                        format!("{:+.1} ({:+.1} to {:+.1})", r.mean, r.p10, r.p90)
                    })
            };
            let (rc, hc) = if scenario.starts_with("no change") {
                let v = |m: &str| {
                    rows.iter()
                        .find(|r| &r.scenario == scenario && r.measure == m && r.within == 2)
                        .map_or("-".to_string(), |r| {
                            format!("{:.1} ({:.1} to {:.1})", r.mean, r.p10, r.p90)
                        })
                };
                (v("recruiters"), v("hiring_managers"))
            } else {
                (cell("recruiters"), cell("hiring_managers"))
            };
            println!("{scenario:<28} {rc:>26} {hc:>26}");
        }
        println!(
            "Bands are the 10th to 90th percentile over populations. The export has no title for inviters, so invitations are not ranked one by one: compare each inviter's profile with the rows above."
        );
    }
    say(
        g,
        format!(
            "wrote {} in {:.1} s",
            out.display(),
            t.elapsed().as_secs_f64()
        ),
    );
    Ok(())
}

fn run_chart(a: &ChartArgs, g: &Global) -> Result<()> {
    // Redrawing is this command's job: it replaces the charts and report it draws.
    netreach::results::allow_overwrite(true);
    let data = ChartData::from_dir(&a.results)?;
    let dir = a.out.clone().unwrap_or_else(|| a.results.join("charts"));
    let charts = draw_all(&data, &dir, a.format)?;
    let report = write_report(&a.results, &data, &charts)?;
    for c in &charts {
        say(
            g,
            format!("wrote {} ({} series)", c.path.display(), c.series),
        );
    }
    say(g, format!("wrote {}", report.display()));
    Ok(())
}

/// Exits with a usage error (code 2) naming a flag that does not fit the model.
fn usage_error(msg: String) -> ! {
    let mut cmd = <Cli as clap::CommandFactory>::command();
    cmd.error(clap::error::ErrorKind::ArgumentConflict, msg)
        .exit()
}

/// Maps the generate flags to a model; flags the model does not use are usage
/// errors (exit code 2).
fn model_of(a: &GenerateArgs) -> GraphModel {
    let spec = GraphSpec {
        model: a.model.map(|m| m.to_string()),
        preset: a.preset.clone(),
        nodes: a.nodes,
        avg_degree: a.avg_degree,
        triad_prob: a.triad_prob,
        rewire_prob: a.rewire_prob,
        communities: a.communities,
        mixing: a.mixing,
        degree_dist: a.degree_dist.clone(),
        sigma: a.sigma,
        exponent: a.exponent,
        cap: a.cap,
    };
    spec.to_model(Spelling::Flag)
        .unwrap_or_else(|e| usage_error(e.to_string()))
}

fn run_generate(a: &GenerateArgs, g: &Global) -> Result<()> {
    let model = model_of(a);
    let ext = match a.format {
        NetworkFormat::Parquet => "parquet",
        NetworkFormat::Csv | NetworkFormat::Txt => "csv",
    };
    check_outputs([
        a.out.join(format!("edges.{ext}")),
        a.out.join("edges.txt"),
        a.out.join(format!("nodes.{ext}")),
    ])?;
    let t = Instant::now();
    let net = model.generate(a.seed)?;
    let graph = net.to_graph()?;
    let plan = RolePlan {
        recruiter_rate: a.recruiters,
        hiring_manager_rate: a.hiring_managers,
        placement: a.placement,
        bias_exponent: a.bias_exponent,
    };
    let roles = place_roles(&graph, net.communities.as_deref(), &plan, a.seed)?;
    let made = t.elapsed();
    let header = [
        format!(
            "netreach {} {}",
            env!("CARGO_PKG_VERSION"),
            reproducing_args().join(" ")
        ),
        format!("model {model:?}"),
        format!("seed {}", a.seed),
    ];
    let t = Instant::now();
    let (edges, nodes) = write_network(
        &a.out,
        a.format,
        &graph,
        &roles,
        net.communities.as_deref(),
        &header,
    )?;
    let r = graph.build_report();
    say(
        g,
        format!(
            "generated {}: {} nodes, {} edges ({} repeated pairs merged, {} self-loops dropped), {} recruiters, {} hiring managers",
            a.model
                .map_or_else(|| "--preset linkedin".to_string(), |m| m.to_string()),
            graph.node_count(),
            graph.edge_count(),
            r.duplicates_merged,
            r.self_loops_dropped,
            roles.count(Role::Recruiter),
            roles.count(Role::HiringManager)
        ),
    );
    say(
        g,
        format!("wrote {} and {}", edges.display(), nodes.display()),
    );
    if g.verbose {
        say(
            g,
            format!(
                "generate {:.2} s, write {:.2} s; peak memory {}",
                made.as_secs_f64(),
                t.elapsed().as_secs_f64(),
                peak_memory().unwrap_or_else(|| "unknown".into())
            ),
        );
    }
    Ok(())
}

/// The command line without the flags that cannot change the content (`-j`, `-q`,
/// `-v`, `-o`), so a recorded command is the same whatever the thread count or
/// output folder.
fn reproducing_args() -> Vec<String> {
    let mut out = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "-j" | "--threads" | "-o" | "--out" => {
                args.next();
            }
            "-q" | "--quiet" | "-v" | "--verbose" => {}
            _ if ["--threads=", "--out=", "-j", "-o"]
                .iter()
                .any(|p| a.starts_with(p)) => {}
            _ => out.push(a),
        }
    }
    out
}

fn run_stats(a: &StatsArgs, g: &Global) -> Result<()> {
    let (graph, stored) = load_graph(&a.graph, g)?;
    let roles = load_roles(a.roles.as_deref(), stored, &graph, g)?;
    let s = graph.stats();
    println!("nodes                  {}", s.nodes);
    println!("edges                  {}", s.edges);
    println!("edge records read      {}", s.build.edges_read);
    println!("self-loops dropped     {}", s.build.self_loops_dropped);
    println!("duplicates merged      {}", s.build.duplicates_merged);
    println!(
        "neighbours             min {}, median {}, mean {:.2}, max {}",
        s.min_neighbors, s.median_neighbors, s.mean_neighbors, s.max_neighbors
    );
    println!("components             {}", s.components);
    println!(
        "largest component      {} nodes ({:.1}%)",
        s.largest_component,
        100.0 * s.largest_component as f64 / s.nodes.max(1) as f64
    );
    println!("recruiters             {}", roles.count(Role::Recruiter));
    println!(
        "hiring managers        {}",
        roles.count(Role::HiringManager)
    );
    println!("graph memory           {}", size(s.memory_bytes as u64));
    if g.verbose {
        println!(
            "peak memory            {}",
            peak_memory().unwrap_or_else(|| "unknown".into())
        );
    }
    if let Some(path) = &a.chart {
        let format = match path.extension().and_then(|e| e.to_str()) {
            Some("png") => ChartFormat::Png,
            Some("svg") => ChartFormat::Svg,
            _ => usage_error(format!(
                "--chart {}: expected a file name ending in .png or .svg",
                path.display()
            )),
        };
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("cannot create the folder {}", parent.display()))?;
        }
        check_outputs([path])?;
        draw_degree_chart(&degree_histogram(&graph, graph.nodes()), path, format)?;
        say(g, format!("wrote {}", path.display()));
    }
    Ok(())
}

/// The process's peak resident memory (Linux `VmHWM`), for reports.
fn peak_memory() -> Option<String> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(format!("{:.1} MiB", kib / 1024.0))
}

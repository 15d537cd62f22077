//! `netreach reach`: exact (or approximate) reach for chosen people, here or as
//! one process of a cluster.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::Result;
use clap::Args;

use netreach::cluster::{Cluster, graph_digest, part_of};
use netreach::graph::{NodeIds, VertexOrder, node_weight};
use netreach::ingest::binary::{GraphFile, is_graph_file};
use netreach::invitations::PendingInvitations;
use netreach::jobs::reach::{
    Counting, Neighbourhoods, Plan, Sources, choose_sources, choose_sources_in, count_here,
    count_on_cluster, invitations_in, write,
};
use netreach::output::check_outputs;
use netreach::reach::approx::relative_standard_error;
use netreach::reach::{Degree, ReachCounts};
use netreach::strategy::Strategy;
use netreach::words::plural;
use netreach::words::thousands;

use super::cluster::{ClusterArgs, say_traffic};
use super::{Bar, Global, load_graph, load_invitations, load_roles, peak_memory, say_invitations};

#[derive(Debug, Args)]
#[command(group = clap::ArgGroup::new("who").required(true).args(["sources", "sample", "all"]))]
pub(super) struct ReachArgs {
    /// Edge list (SNAP/KONECT text, .csv or .parquet; .gz/.zst accepted), or a
    /// graph file (.nrg) from `netreach import graph`.
    #[arg(long, value_name = "FILE")]
    graph: PathBuf,
    /// Roles table with columns node,role (CSV or Parquet; a nodes table from
    /// `netreach generate` is one); default: the roles a .nrg graph file
    /// carries, else none.
    #[arg(long, visible_alias = "nodes", value_name = "FILE")]
    roles: Option<PathBuf>,
    /// File of source ids, one per line (first field; `#` comments allowed).
    #[arg(
        long,
        value_name = "FILE",
        conflicts_with_all = ["sample", "all"]
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
    #[arg(short, long, value_name = "FILE", value_parser = super::parse_table_path)]
    out: PathBuf,
    /// Renumber the nodes before exact reach, for locality: given (load order),
    /// degree (most neighbours first) or bfs (breadth-first from the largest hub).
    /// Results are the same; costs a second copy of the graph while it runs.
    #[arg(long, value_name = "ORDER", default_value = "given", conflicts_with_all = ["approx", "cluster"])]
    order: VertexOrder,
    #[command(flatten)]
    cluster: ClusterArgs,
}

/// A parsed `--strategy` list.
#[derive(Debug, Clone)]
struct Strategies(Vec<Strategy>);

fn parse_strategies(s: &str) -> Result<Strategies, String> {
    Strategy::parse_list(s)
        .map(Strategies)
        .map_err(|e| e.to_string())
}

impl ReachArgs {
    /// The sources the flags name.
    fn sources(&self) -> Sources {
        if self.all {
            Sources::All
        } else if let Some(path) = &self.sources {
            Sources::File(path.clone())
        } else {
            Sources::Sample {
                count: self
                    .sample
                    .expect("clap requires --sources, --sample or --all"),
                seed: self.seed,
            }
        }
    }

    /// How reach is counted.
    fn counting(&self) -> Counting {
        Counting {
            max_degree: self.max_degree,
            approx: self.approx.then_some(self.precision),
            order: self.order,
        }
    }
}

pub(super) fn run(a: &ReachArgs, g: &Global) -> Result<()> {
    let cluster = a.cluster.cluster()?;
    let writes = cluster.as_ref().is_none_or(|c| c.process == 0);
    if writes {
        check_outputs([&a.out], g.overwrite())?;
    }
    if let Some(c) = &cluster
        && a.roles.is_none()
        && is_graph_file(&a.graph)
    {
        return run_partitioned(a, g, c);
    }
    let start = Instant::now();
    let (graph, stored) = load_graph(&a.graph, g)?;
    let roles = load_roles(a.roles.as_deref(), stored.roles, &graph, g)?;
    let sources = choose_sources(&graph, &a.sources())?;
    let strategies = a.strategy.clone().map(|s| s.0).unwrap_or_default();
    let invitations = load_invitations(a.invitations.as_deref(), &graph, g)?;
    let plan = Plan::new(&graph, &roles, &sources, &strategies, &invitations, a.seed);
    let how = a.counting();
    let t = Instant::now();
    let counts = match &cluster {
        None => {
            let bar = match how.approx {
                Some(_) => Bar::new(u64::from(a.max_degree.0), "sweeps", g),
                None => Bar::new(plan.queries.len() as u64, "reach", g),
            };
            let counted = count_here(&graph, &roles, &plan, &how, &bar);
            bar.finish();
            say_counting(a, g, &counted);
            counted.counts
        }
        Some(c) => {
            // Every process loaded the whole input; the kernels read only a
            // copy of this process's part (import to a .nrg to divide memory).
            let weight = node_weight(how.approx);
            let part = part_of(&graph, &roles, c.hosts.len(), c.process, weight);
            let input = graph_digest(&graph, &roles);
            drop(roles);
            let (counts, traffic) = count_on_cluster(c, part, input, &plan, &how)?;
            say_traffic(g, c, &traffic);
            let Some(counts) = counts else {
                say_handed_over(a, g, c);
                return Ok(());
            };
            counts
        }
    };
    let compute = t.elapsed();
    finish(
        a,
        g,
        graph.ids(),
        &plan,
        sources.len(),
        &strategies,
        &counts,
        compute,
        start,
    )
}

/// One process of a cluster reading its part of a `.nrg` graph file, and the
/// people the queries name, without loading the whole graph.
#[allow(clippy::cast_precision_loss)] // the arc count, shown to the reader
fn run_partitioned(a: &ReachArgs, g: &Global, c: &Cluster) -> Result<()> {
    let start = Instant::now();
    let file = GraphFile::open(&a.graph)?;
    let bar = Bar::phase(
        &format!("reading part {} of {}", c.process, a.graph.display()),
        g,
    );
    let part = file.read_part(c.hosts.len(), c.process, node_weight(a.counting().approx));
    bar.finish();
    let part = part?;
    g.say(format!(
        "graph {}: part {} of {}: {} of {} ({} of {})",
        a.graph.display(),
        c.process,
        c.hosts.len(),
        plural(part.range().len() as u64, "node", "nodes"),
        thousands(f64::from(file.node_count())),
        plural(part.owned_arcs(), "arc", "arcs"),
        thousands(file.arc_count() as f64)
    ));
    let how = a.counting();
    // HyperBall counts every node without strategies: only process 0, which
    // writes the table, lists them (after counting), so no process holds a
    // query per node while it counts.
    let sources = if how.approx.is_some() {
        Vec::new()
    } else {
        choose_sources_in(&file, &a.sources())?
    };
    let strategies = a.strategy.clone().map(|s| s.0).unwrap_or_default();
    // The neighbourhoods of the people studied and their inviters, read once.
    let mut named = Neighbourhoods::new();
    let invitations = match &a.invitations {
        Some(path) => {
            let (inv, r) = invitations_in(&file, &mut named, path, &sources)?;
            say_invitations(g, path, &r, " to the people studied");
            inv
        }
        None => PendingInvitations::default(),
    };
    let plan = Plan::new_in(
        &file,
        &mut named,
        &sources,
        &strategies,
        &invitations,
        a.seed,
    )?;
    let t = Instant::now();
    let (counts, traffic) = count_on_cluster(c, part, file.fingerprint(), &plan, &how)?;
    say_traffic(g, c, &traffic);
    let Some(counts) = counts else {
        say_handed_over(a, g, c);
        return Ok(());
    };
    let compute = t.elapsed();
    let (sources, plan) = if how.approx.is_some() {
        let all = choose_sources_in(&file, &Sources::All)?;
        let plan = Plan::new_in(&file, &mut named, &all, &[], &invitations, a.seed)?;
        (all, plan)
    } else {
        (sources, plan)
    };
    let (ids, named) = plan.with_ids_from(&file)?;
    finish(
        a,
        g,
        &ids,
        &named,
        sources.len(),
        &strategies,
        &counts,
        compute,
        start,
    )
}

/// What a process other than 0 says when its part is done.
fn say_handed_over(a: &ReachArgs, g: &Global, c: &Cluster) {
    g.say(format!(
        "process {}: done; process 0 writes {}",
        c.process,
        a.out.display()
    ));
}

/// Writes the table (sources named by `ids`; `people` of them) and says what
/// was written.
#[allow(clippy::too_many_arguments)] // what one sentence reports
fn finish(
    a: &ReachArgs,
    g: &Global,
    ids: &NodeIds,
    plan: &Plan,
    people: usize,
    strategies: &[Strategy],
    counts: &[ReachCounts],
    compute: Duration,
    start: Instant,
) -> Result<()> {
    let spellings: Vec<String> = strategies.iter().map(ToString::to_string).collect();
    let rows = write(
        ids,
        plan,
        &spellings,
        counts,
        a.max_degree,
        &a.out,
        g.overwrite(),
    )?;
    g.say(format!(
        "wrote {} ({}: {} × {} × degrees 1 to {})",
        a.out.display(),
        plural(rows as u64, "row", "rows"),
        plural(people as u64, "person", "people"),
        if strategies.is_empty() {
            "base graph".to_string()
        } else {
            plural(strategies.len() as u64, "strategy", "strategies")
        },
        a.max_degree
    ));
    if g.verbose {
        let queries = plan.queries.len();
        g.say(format!(
            "reach: {} queries in {:.3} s ({:.0} per second); total {:.3} s; peak memory {}",
            queries,
            compute.as_secs_f64(),
            queries as f64 / compute.as_secs_f64().max(1e-9),
            start.elapsed().as_secs_f64(),
            peak_memory()
        ));
    }
    Ok(())
}

/// Says how the counting on this machine went.
fn say_counting(a: &ReachArgs, g: &Global, counted: &netreach::jobs::reach::Counted) {
    if a.approx {
        g.say(format!(
            "approximate counts (HyperLogLog, 2^{} registers): relative standard error about {:.1}% per cumulative count",
            a.precision,
            100.0 * relative_standard_error(a.precision)
        ));
        return;
    }
    if !g.verbose {
        return;
    }
    if let Some(t) = counted.renumbered {
        g.say(format!(
            "renumbered the nodes in {:?} order in {:.2} s",
            a.order,
            t.as_secs_f64()
        ));
    }
    let secs = counted.counting.as_secs_f64().max(1e-9);
    g.say(format!(
        "reach: {} arcs scanned in {secs:.3} s: {:.0} million arcs/s, {:.2} GB/s of neighbour ids",
        counted.arcs,
        counted.arcs as f64 / secs / 1e6,
        counted.arcs as f64 * 4.0 / secs / 1e9
    ));
}

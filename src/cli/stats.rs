//! `netreach stats`: summary statistics of a graph and its degree chart; with
//! `--distances` its distance distribution, with `--ego` its friends of friends
//! against degree.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result};
use clap::Args;

use netreach::charts::{ChartFormat, draw_degree_chart, draw_distance_chart, draw_ego_chart};
use netreach::firms::Firms;
use netreach::graph::ConnectionGraph;
use netreach::jobs::reach::{Sources, choose_sources};
use netreach::output::check_outputs;
use netreach::reach::approx::relative_standard_error;
use netreach::reach::distances::{default_precision, distance_distribution};
use netreach::reach::ego::{by_degree, egos};
use netreach::results::structure::{write_distances, write_egos};
use netreach::roles::Role;
use netreach::words::percent;

use super::{Bar, Global, load_graph, load_roles, peak_memory, size, usage_error};

#[derive(Debug, Args)]
pub(super) struct StatsArgs {
    /// Edge list (SNAP/KONECT text, .csv or .parquet; .gz/.zst accepted), or a
    /// graph file (.nrg) from `netreach import graph`.
    #[arg(long, value_name = "FILE", required_unless_present = "ties")]
    graph: Option<PathBuf>,
    /// Roles table with columns node,role; default: the roles a .nrg graph file
    /// carries, else none.
    #[arg(long, value_name = "FILE", conflicts_with = "nodes")]
    roles: Option<PathBuf>,
    /// Nodes table with columns node,role,firm,industry (as `netreach generate`
    /// writes it): roles as --roles, and the firms: their count, sizes and the
    /// share of connections inside one. Default: the firms a .nrg graph file
    /// carries, if any.
    #[arg(long, value_name = "FILE")]
    nodes: Option<PathBuf>,
    /// The distance distribution over all reachable pairs, by HyperBall sweeps
    /// until no counter changes: prints the average distance and the shares within
    /// 2, 3 and 4 hops.
    #[arg(long, conflicts_with = "ego")]
    distances: bool,
    /// Friends of friends against connections, for --sample people: unique people
    /// at 2 degrees and 2-step walks, by bins of connection counts.
    #[arg(long)]
    ego: bool,
    /// Mutual connections of every connection (common neighbours of its two
    /// ends, by per-edge triangle counting): the share of connections in bins
    /// 0, 1, 2, 3-4, 5-7, 8-12, 13-20, 21+, their mean, time and memory.
    #[arg(long, conflicts_with_all = ["distances", "ego"])]
    mutual: bool,
    /// With --mutual: instead of a graph's connections, the invitations
    /// accepted in an experiment (its results folder, with a `ties` table):
    /// per strategy, how many fall in each bin of mutual connections at
    /// acceptance (0, 1-2, 3-5, 6-9, 10-14, 15-24, 25+), fake accounts apart.
    #[arg(long, value_name = "RESULTS_DIR", requires = "mutual", conflicts_with_all = ["graph", "nodes", "roles", "chart"])]
    ties: Option<PathBuf>,
    /// With --ego: people to sample (uniformly, with --seed).
    #[arg(long, value_name = "K", default_value_t = 1000, requires = "ego")]
    sample: usize,
    /// With --ego: seed of the sample.
    #[arg(long, default_value_t = 0, requires = "ego")]
    seed: u64,
    /// With --distances: 2^B registers per counter (4 to 16); more is more exact,
    /// slower and larger (5 bits per register, two arrays). Default: 6 from a
    /// million nodes up, more for smaller graphs (12 below 16,384 nodes).
    #[arg(long, value_name = "B", requires = "distances", value_parser = clap::value_parser!(u8).range(4..=16))]
    precision: Option<u8>,
    /// With --distances or --ego: write the table to FILE (.csv or .parquet).
    #[arg(short, long, value_name = "FILE", value_parser = super::parse_table_path)]
    out: Option<PathBuf>,
    /// Draw a chart into this .png or .svg file: the degree distribution (log-log),
    /// or with --distances the distance distribution, or with --ego friends of
    /// friends against connections.
    #[arg(long, value_name = "FILE", value_parser = parse_chart_path)]
    chart: Option<PathBuf>,
}

fn parse_chart_path(s: &str) -> Result<PathBuf, String> {
    let p = PathBuf::from(s);
    chart_format(&p).map(|_| p)
}

fn chart_format(path: &Path) -> Result<ChartFormat, String> {
    match path.extension().and_then(|e| e.to_str()) {
        Some("png") => Ok(ChartFormat::Png),
        Some("svg") => Ok(ChartFormat::Svg),
        _ => Err(format!(
            "{}: expected a file name ending in .png or .svg",
            path.display()
        )),
    }
}

/// Firms' count and sizes, and the share of connections inside one.
fn print_firms(graph: &ConnectionGraph, firms: &Firms) {
    let mut sizes: Vec<u32> = (0..firms.firm_count()).map(|f| firms.size(f)).collect();
    sizes.sort_unstable();
    let employed: u64 = sizes.iter().map(|&x| u64::from(x)).sum();
    let inside = firms.edges_inside(graph);
    println!(
        "firms                  {} in {} industries; {} people at one ({:.1}%)",
        sizes.len(),
        firms.industry_count(),
        employed,
        100.0 * employed as f64 / graph.node_count().max(1) as f64
    );
    println!(
        "firm sizes             median {}, largest {}",
        sizes.get(sizes.len() / 2).copied().unwrap_or(0),
        sizes.last().copied().unwrap_or(0)
    );
    println!(
        "inside a firm          {:.1}% of edges",
        100.0 * inside as f64 / graph.edge_count().max(1) as f64
    );
}

pub(super) fn run(a: &StatsArgs, g: &Global) -> Result<()> {
    if a.out.is_some() && !(a.distances || a.ego) {
        usage_error("-o/--out writes the table of --distances or --ego; give one of them".into());
    }
    check_outputs(a.out.iter().chain(&a.chart), g.overwrite())?;
    if let Some(dir) = &a.ties {
        return run_tie_mutual(dir);
    }
    let path = a
        .graph
        .as_deref()
        .expect("clap requires --graph without --ties");
    let (graph, stored) = load_graph(path, g)?;
    if a.distances {
        return run_distances(a, g, &graph);
    }
    if a.ego {
        return run_ego(a, g, &graph);
    }
    if a.mutual {
        run_mutual(g, &graph);
        return Ok(());
    }
    let (roles, firms) = match a.nodes.as_deref() {
        Some(path) => {
            let (roles, _, firms) = netreach::ingest::load_nodes(&graph, path)?;
            (roles, Some(firms))
        }
        None => (
            load_roles(a.roles.as_deref(), stored.roles, &graph, g)?,
            stored.firms,
        ),
    };
    let bar = Bar::phase("counting components", g);
    let s = graph.stats();
    bar.finish();
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
    if let Some(firms) = &firms {
        print_firms(&graph, firms);
    }
    println!("graph memory           {}", size(s.memory_bytes as u64));
    if g.verbose {
        println!("peak memory            {}", peak_memory());
    }
    save_chart(a, g, |path, format| {
        draw_degree_chart(
            &graph.degree_histogram(graph.nodes()),
            path,
            format,
            g.overwrite(),
        )
        .map(drop)
    })
}

/// `stats --mutual --ties DIR`: the span of the accepted ties' mutual
/// connections, per strategy, in the tie-value bins.
fn run_tie_mutual(dir: &Path) -> Result<()> {
    use netreach::results::summary::{SavedResults, TIE_BINS};
    let d = SavedResults::from_dir(dir)?;
    if d.ties.is_empty() {
        anyhow::bail!(
            "{}: no accepted ties; expected the results folder of an experiment with [leads] whose strategies accepted invitations",
            dir.display()
        );
    }
    println!("mutual connections at acceptance of the invitations accepted by the last week");
    print!("{:<32}", "strategy");
    for (_, _, label) in TIE_BINS {
        print!(" {label:>7}");
    }
    println!(" {:>7} {:>7}", "fakes", "ties");
    for (s, name) in d.summary.strategies.iter().enumerate() {
        let mine: Vec<_> = d.ties.iter().filter(|t| t.strategy == s).collect();
        if mine.is_empty() {
            continue;
        }
        let real: Vec<u32> = mine.iter().filter(|t| !t.fake).map(|t| t.mutual).collect();
        print!("{name:<32}");
        for (lo, hi, _) in TIE_BINS {
            let n = real.iter().filter(|&&m| (lo..=hi).contains(&m)).count();
            print!(" {n:>7}");
        }
        println!(" {:>7} {:>7}", mine.len() - real.len(), mine.len());
    }
    Ok(())
}

/// `stats --mutual`: the mutual-connection distribution over connections.
fn run_mutual(g: &Global, graph: &ConnectionGraph) {
    let t = Instant::now();
    let bar = Bar::phase("counting mutual connections", g);
    let counts = graph.mutual_counts();
    bar.finish();
    let took = t.elapsed().as_secs_f64();
    // Both arcs of an edge hold the same count: the shares are over edges.
    let total = counts.len().max(1) as f64;
    println!("mutual connections per connection (share of connections)");
    for (lo, hi, label) in netreach::graph::MUTUAL_BINS {
        let n = counts
            .iter()
            .filter(|&&c| (lo..=hi).contains(&u32::from(c)))
            .count();
        println!("  {label:<6} {:>6}", percent(n as f64 / total));
    }
    let mean = counts.iter().map(|&c| f64::from(c)).sum::<f64>() / total;
    println!("mean                   {mean:.2}");
    println!(
        "computed in            {took:.2} s, {} for the counts (2 bytes per arc)",
        size(counts.len() as u64 * 2)
    );
    if g.verbose {
        println!("peak memory            {}", peak_memory());
    }
}

/// Creates the folder a chart goes into.
fn prepare_folder(path: &Path) -> Result<()> {
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("cannot create the folder {}", parent.display()))?;
    }
    Ok(())
}

fn run_distances(a: &StatsArgs, g: &Global, graph: &ConnectionGraph) -> Result<()> {
    let t = Instant::now();
    let precision = a
        .precision
        .unwrap_or_else(|| default_precision(graph.node_count()));
    let bar = Bar::spinner("sweeps", g);
    let d = distance_distribution(graph, precision, &bar);
    bar.finish();
    println!(
        "reachable pairs        {} (ordered, of {} nodes)",
        d.reachable_pairs,
        graph.node_count()
    );
    println!("average distance       {:.2}", d.average_distance());
    for k in [2, 3, 4] {
        println!(
            "within {k} hops          {}",
            percent(d.cumulative_share(k))
        );
    }
    println!("largest distance       {}", d.max_distance());
    println!(
        "estimated with         HyperBall, {} sweeps, 2^{} registers per counter ({:.1}% standard error per counter)",
        d.sweeps,
        precision,
        100.0 * relative_standard_error(precision)
    );
    if g.verbose {
        g.say(format!(
            "distances in {:.2} s; peak memory {}",
            t.elapsed().as_secs_f64(),
            peak_memory()
        ));
    }
    save(
        a,
        g,
        |path| write_distances(&d, path, g.overwrite()),
        |path, format| draw_distance_chart(&d, path, format, g.overwrite()).map(drop),
    )
}

/// Writes the table (`-o`) and draws the chart (`--chart`) a statistic was asked
/// for, saying where each went.
fn save(
    a: &StatsArgs,
    g: &Global,
    table: impl FnOnce(&Path) -> netreach::Result<()>,
    chart: impl FnOnce(&Path, ChartFormat) -> netreach::Result<()>,
) -> Result<()> {
    if let Some(path) = &a.out {
        table(path)?;
        g.say(format!("wrote {}", path.display()));
    }
    save_chart(a, g, chart)
}

/// Draws the chart (`--chart`) a statistic was asked for, in the format its
/// extension names, saying where it went.
fn save_chart(
    a: &StatsArgs,
    g: &Global,
    chart: impl FnOnce(&Path, ChartFormat) -> netreach::Result<()>,
) -> Result<()> {
    if let Some(path) = &a.chart {
        prepare_folder(path)?;
        chart(path, chart_format(path).map_err(anyhow::Error::msg)?)?;
        g.say(format!("wrote {}", path.display()));
    }
    Ok(())
}

fn run_ego(a: &StatsArgs, g: &Global, graph: &ConnectionGraph) -> Result<()> {
    let n = graph.node_count();
    if a.sample == 0 || a.sample > n {
        anyhow::bail!(
            "--sample {}: expected between 1 and {n}, the nodes of {}",
            a.sample,
            a.graph.as_deref().unwrap_or(Path::new("")).display()
        );
    }
    let people = choose_sources(
        graph,
        &Sources::Sample {
            count: a.sample,
            seed: a.seed,
        },
    )?;
    let bar = Bar::new(people.len() as u64, "friends of friends", g);
    let e = egos(graph, &people, &bar);
    bar.finish();
    let bins = by_degree(&e);
    println!(
        "{:>13} {:>7} {:>22} {:>22} {:>13}",
        "connections", "people", "unique 2nd (mean/med)", "with repetition", "unique share"
    );
    for b in &bins {
        println!(
            "{:>13} {:>7} {:>22} {:>22.0} {:>13}",
            if b.neighbors_min == b.neighbors_max {
                b.neighbors_min.to_string()
            } else {
                format!("{}-{}", b.neighbors_min, b.neighbors_max)
            },
            b.people,
            format!("{:.0} / {:.0}", b.unique_mean, b.unique_median),
            b.with_repetition_mean,
            percent(b.unique_share)
        );
    }
    println!(
        "unique 2nd: distinct people at exactly 2 degrees; with repetition: 2-step walks out of the 1st degree ({} people sampled with seed {}).",
        people.len(),
        a.seed
    );
    save(
        a,
        g,
        |path| write_egos(&bins, path, g.overwrite()),
        |path, format| draw_ego_chart(&bins, path, format, g.overwrite()).map(drop),
    )
}

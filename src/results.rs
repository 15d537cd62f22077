//! Results tables: reach rows as tidy polars tables, written as CSV or Parquet
//! (chosen by the output's extension), always atomically: the table goes to a
//! temporary file beside the output, which is renamed over it only when complete,
//! so a failed run never leaves a half-written file.
//!
//! # Columns of `netreach reach`
//! | column | type | meaning |
//! |---|---|---|
//! | `source` | u64 or string | the person, as their external id |
//! | `strategy` | string | the strategy, as spelled on the command line (only with `--strategy`) |
//! | `accepted` | u32 | pending invitations this person accepted under it (only with `--strategy`) |
//! | `degree` | u32 | connection degree k, 1..=max-degree |
//! | `nodes` | u64 | members at exactly degree k |
//! | `recruiters` | u64 | recruiters at exactly degree k |
//! | `hiring_managers` | u64 | hiring managers at exactly degree k |
//!
//! Cumulative reach up to k is the sum of rows 1..=k.

use std::fmt::Write as _;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use polars::prelude::*;

use crate::error::{Error, Result};
use crate::graph::{NodeId, NodeIds};
use crate::reach::{Degree, ReachCounts};

/// An output table format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TableFormat {
    /// Comma-separated values with a header.
    Csv,
    /// Apache Parquet (zstd-compressed).
    Parquet,
}

impl TableFormat {
    /// The format an output path asks for by its extension.
    pub fn from_path(path: &Path) -> Result<Self> {
        match path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            Some("csv") => Ok(TableFormat::Csv),
            Some("parquet" | "pq") => Ok(TableFormat::Parquet),
            _ => Err(Error::Invalid(format!(
                "cannot tell the table format of {}; expected a name ending in .csv or .parquet",
                path.display()
            ))),
        }
    }
}

/// One row group of the reach table: a person, optionally under a strategy.
#[derive(Debug, Clone)]
pub struct ReachRow<'a> {
    /// The person.
    pub source: NodeId,
    /// The strategy's spelling and how many invitations it accepted, if any.
    pub strategy: Option<(&'a str, u32)>,
    /// The person's reach.
    pub counts: &'a ReachCounts,
}

/// Builds the tidy reach table: one row per person (× strategy) × degree.
pub fn reach_table(ids: &NodeIds, rows: &[ReachRow<'_>], max: Degree) -> Result<DataFrame> {
    let per = usize::from(max.0);
    let len = rows.len() * per;
    let mut degree = Vec::with_capacity(len);
    let (mut nodes, mut rec, mut hm) = (
        Vec::with_capacity(len),
        Vec::with_capacity(len),
        Vec::with_capacity(len),
    );
    let mut strategy = Vec::new();
    let mut accepted = Vec::new();
    for r in rows {
        for k in 1..=max.0 {
            let c = r.counts.at_degree(Degree(k));
            degree.push(u32::from(k));
            nodes.push(c.nodes);
            rec.push(c.recruiters);
            hm.push(c.hiring_managers);
            if let Some((s, a)) = r.strategy {
                strategy.push(s);
                accepted.push(a);
            }
        }
    }
    let source: Column = match ids {
        NodeIds::Int(v) => Column::new(
            "source".into(),
            rows.iter()
                .flat_map(|r| std::iter::repeat_n(v[r.source.index()], per))
                .collect::<Vec<u64>>(),
        ),
        NodeIds::Str(v) => Column::new(
            "source".into(),
            rows.iter()
                .flat_map(|r| std::iter::repeat_n(v[r.source.index()].as_str(), per))
                .collect::<Vec<&str>>(),
        ),
    };
    let mut cols = vec![source];
    if rows.iter().any(|r| r.strategy.is_some()) {
        cols.push(Column::new("strategy".into(), strategy));
        cols.push(Column::new("accepted".into(), accepted));
    }
    cols.push(Column::new("degree".into(), degree));
    cols.push(Column::new("nodes".into(), nodes));
    cols.push(Column::new("recruiters".into(), rec));
    cols.push(Column::new("hiring_managers".into(), hm));
    DataFrame::new_infer_height(cols).map_err(|source| Error::Table {
        context: "building the reach table".into(),
        source,
    })
}

/// Writes `df` to `path` in the format its extension names, atomically.
pub fn write_table(df: &mut DataFrame, path: &Path) -> Result<()> {
    let format = TableFormat::from_path(path)?;
    write_atomically(path, |file| match format {
        TableFormat::Csv => CsvWriter::new(file).finish(df),
        TableFormat::Parquet => ParquetWriter::new(file)
            .with_compression(ParquetCompression::Zstd(None))
            .finish(df)
            .map(|_| ()),
    })
}

/// Whether outputs may replace existing files (`--force`); off by default.
static OVERWRITE: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Allows (or forbids) replacing existing outputs for the rest of the process.
pub fn allow_overwrite(yes: bool) {
    OVERWRITE.store(yes, std::sync::atomic::Ordering::Relaxed);
}

/// Fails with [`Error::OutputExists`] for the first of `paths` that exists, unless
/// replacing outputs is allowed. Call it before any work, so a refused run does
/// nothing at all.
pub fn check_outputs<P: AsRef<Path>>(paths: impl IntoIterator<Item = P>) -> Result<()> {
    if OVERWRITE.load(std::sync::atomic::Ordering::Relaxed) {
        return Ok(());
    }
    match paths.into_iter().find(|p| p.as_ref().exists()) {
        Some(p) => Err(Error::OutputExists {
            path: p.as_ref().to_path_buf(),
        }),
        None => Ok(()),
    }
}

/// Runs `write` on a temporary file beside `path`, then renames it to `path`.
/// Creates missing parent folders. On any error the temporary file is removed and
/// `path` is untouched. An existing `path` is an error unless [`allow_overwrite`].
pub fn write_atomically<E>(
    path: &Path,
    write: impl FnOnce(&mut BufWriter<File>) -> Result<(), E>,
) -> Result<()>
where
    E: Into<WriteError>,
{
    check_outputs([path])?;
    let tmp = temp_path(path);
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(|e| Error::io("create the folder", parent, e))?;
    }
    let _pending = PendingFile::new(&tmp);
    let outcome = (|| {
        let file = File::create(&tmp).map_err(|e| Error::io("create", &tmp, e))?;
        let mut w = BufWriter::new(file);
        write(&mut w).map_err(|e| match e.into() {
            WriteError::Io(e) => Error::io("write", path, e),
            WriteError::Table(source) => Error::Table {
                context: format!("cannot write {}", path.display()),
                source,
            },
            WriteError::Netreach(e) => e,
        })?;
        let file = w
            .into_inner()
            .map_err(|e| Error::io("write", path, e.into_error()))?;
        file.sync_all().map_err(|e| Error::io("write", path, e))?;
        std::fs::rename(&tmp, path).map_err(|e| Error::io("write", path, e))
    })();
    if outcome.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    outcome
}

/// The error a writer callback may return.
#[derive(Debug)]
pub enum WriteError {
    /// An I/O error.
    Io(std::io::Error),
    /// A polars error.
    Table(PolarsError),
    /// A netreach error.
    Netreach(Error),
}

impl From<std::io::Error> for WriteError {
    fn from(e: std::io::Error) -> Self {
        WriteError::Io(e)
    }
}
impl From<PolarsError> for WriteError {
    fn from(e: PolarsError) -> Self {
        WriteError::Table(e)
    }
}
impl From<Error> for WriteError {
    fn from(e: Error) -> Self {
        WriteError::Netreach(e)
    }
}

/// Temporary files being written right now, removed by [`remove_pending_files`]
/// when the process is interrupted.
static PENDING: std::sync::Mutex<Vec<PathBuf>> = std::sync::Mutex::new(Vec::new());

/// Registers a temporary file for the time it exists.
pub(crate) struct PendingFile(PathBuf);

impl PendingFile {
    /// Registers `path`; unregistered when dropped.
    pub(crate) fn new(path: &Path) -> Self {
        if let Ok(mut p) = PENDING.lock() {
            p.push(path.to_path_buf());
        }
        PendingFile(path.to_path_buf())
    }
}

impl Drop for PendingFile {
    fn drop(&mut self) {
        if let Ok(mut p) = PENDING.lock() {
            p.retain(|x| x != &self.0);
        }
    }
}

/// Deletes every temporary output file still being written (for a Ctrl-C handler):
/// an interrupted run leaves no partial file. Finished outputs are kept.
pub fn remove_pending_files() {
    if let Ok(p) = PENDING.lock() {
        for path in p.iter() {
            let _ = std::fs::remove_file(path);
        }
    }
}

fn temp_path(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    path.with_file_name(format!(".{name}.tmp-{}", std::process::id()))
}

/// Writes plain text to `path` atomically.
pub fn write_text(path: &Path, text: &str) -> Result<()> {
    write_atomically(path, |w| w.write_all(text.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reach::Counts;

    #[test]
    fn table_has_one_row_per_source_and_degree() {
        let ids = NodeIds::Int(vec![7, 9]);
        let c = ReachCounts::from_vec(vec![
            Counts {
                nodes: 1,
                recruiters: 0,
                hiring_managers: 1,
            },
            Counts::default(),
        ]);
        let rows = [ReachRow {
            source: NodeId(1),
            strategy: Some(("accept-all", 2)),
            counts: &c,
        }];
        let df = reach_table(&ids, &rows, Degree(2)).unwrap();
        assert_eq!(df.height(), 2);
        let names: Vec<&str> = df.get_column_names().iter().map(|s| s.as_str()).collect();
        assert_eq!(
            names,
            [
                "source",
                "strategy",
                "accepted",
                "degree",
                "nodes",
                "recruiters",
                "hiring_managers"
            ]
        );
    }

    #[test]
    fn failed_write_leaves_no_file() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("x.csv");
        let r = write_atomically(&out, |_w| Err(std::io::Error::other("boom")));
        assert!(r.is_err());
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }

    #[test]
    fn pending_files_are_removed_on_interrupt_and_forgotten_when_done() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (dir.path().join(".a.tmp"), dir.path().join(".b.tmp"));
        std::fs::write(&a, "partial").unwrap();
        std::fs::write(&b, "done").unwrap();
        let _writing = PendingFile::new(&a);
        drop(PendingFile::new(&b)); // finished and renamed: no longer pending
        remove_pending_files();
        assert!(!a.exists(), "the file being written is removed");
        assert!(b.exists(), "a finished file is kept");
    }

    #[test]
    fn unknown_extension_is_refused() {
        assert!(TableFormat::from_path(Path::new("a.xlsx")).is_err());
    }
}

/// A table format for generated networks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NetworkFormat {
    /// `edges.parquet` and `nodes.parquet`.
    Parquet,
    /// `edges.csv` and `nodes.csv`.
    Csv,
    /// `edges.txt` (SNAP style, with a `#` header) and `nodes.csv`.
    Txt,
}

impl std::str::FromStr for NetworkFormat {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s.trim() {
            "parquet" => Ok(NetworkFormat::Parquet),
            "csv" => Ok(NetworkFormat::Csv),
            "txt" => Ok(NetworkFormat::Txt),
            other => Err(Error::Invalid(format!(
                "unknown format {other:?}; expected parquet, csv or txt"
            ))),
        }
    }
}

/// Writes a generated network into `dir`: `edges.<ext>` (columns `source,target`,
/// one row per edge with `source < target`, sorted) and `nodes.<ext>` (columns
/// `node,role,community,neighbors`; `community` empty for models without one).
/// `header` lines go atop `edges.txt` as `#` comments. Returns the two paths.
///
/// # Columns of `nodes`
/// | column | type | meaning |
/// |---|---|---|
/// | `node` | u32 | node id, as in the edges table |
/// | `role` | string | `recruiter`, `hiring_manager`, or empty (null) for no role |
/// | `community` | u32 or empty | industry (block) of the node, for models with them |
/// | `neighbors` | u32 | the node's number of connections |
pub fn write_network(
    dir: &Path,
    format: NetworkFormat,
    graph: &crate::graph::ConnectionGraph,
    roles: &crate::roles::RoleMap,
    communities: Option<&[u32]>,
    header: &[String],
) -> Result<(PathBuf, PathBuf)> {
    use rayon::prelude::*;
    std::fs::create_dir_all(dir).map_err(|e| Error::io("create the folder", dir, e))?;
    let (edges_name, nodes_name) = match format {
        NetworkFormat::Parquet => ("edges.parquet", "nodes.parquet"),
        NetworkFormat::Csv => ("edges.csv", "nodes.csv"),
        NetworkFormat::Txt => ("edges.txt", "nodes.csv"),
    };
    let (edges_path, nodes_path) = (dir.join(edges_name), dir.join(nodes_name));
    let ids: Vec<NodeId> = graph.nodes().collect();
    // Edges, in parallel pieces of nodes, kept in node order.
    let pieces: Vec<Vec<(u32, u32)>> = ids
        .par_chunks(1 << 14)
        .map(|chunk| {
            let mut out = Vec::new();
            for &u in chunk {
                out.extend(
                    graph
                        .neighbors(u)
                        .iter()
                        .filter(|&&v| v > u.0)
                        .map(|&v| (u.0, v)),
                );
            }
            out
        })
        .collect();
    if format == NetworkFormat::Txt {
        let texts: Vec<Vec<u8>> = pieces
            .par_iter()
            .map(|piece| {
                let mut buf = Vec::with_capacity(piece.len() * 16);
                let mut num = itoa::Buffer::new();
                for &(u, v) in piece {
                    buf.extend_from_slice(num.format(u).as_bytes());
                    buf.push(b'\t');
                    buf.extend_from_slice(num.format(v).as_bytes());
                    buf.push(b'\n');
                }
                buf
            })
            .collect();
        write_atomically(&edges_path, |w| {
            for line in header {
                writeln!(w, "# {line}")?;
            }
            writeln!(
                w,
                "# Nodes: {} Edges: {}",
                graph.node_count(),
                graph.edge_count()
            )?;
            writeln!(w, "# source\ttarget")?;
            for t in &texts {
                w.write_all(t)?;
            }
            Ok::<(), std::io::Error>(())
        })?;
    } else {
        let (src, dst): (Vec<u32>, Vec<u32>) = pieces.into_iter().flatten().unzip();
        let mut df = DataFrame::new_infer_height(vec![
            Column::new("source".into(), src),
            Column::new("target".into(), dst),
        ])
        .map_err(|source| Error::Table {
            context: "building the edges table".into(),
            source,
        })?;
        write_table(&mut df, &edges_path)?;
    }
    let role_names: Vec<Option<&str>> = ids
        .iter()
        .map(|&v| match roles.role_of(v) {
            Some(crate::roles::Role::Recruiter) => Some("recruiter"),
            Some(crate::roles::Role::HiringManager) => Some("hiring_manager"),
            None => None,
        })
        .collect();
    let community: Vec<Option<u32>> = ids
        .iter()
        .map(|v| communities.map(|c| c[v.index()]))
        .collect();
    let neighbors: Vec<u32> = ids
        .iter()
        .map(|&v| u32::try_from(graph.neighbor_count(v)).expect("neighbour counts fit u32"))
        .collect();
    let mut nodes = DataFrame::new_infer_height(vec![
        Column::new("node".into(), ids.iter().map(|v| v.0).collect::<Vec<u32>>()),
        Column::new("role".into(), role_names),
        Column::new("community".into(), community),
        Column::new("neighbors".into(), neighbors),
    ])
    .map_err(|source| Error::Table {
        context: "building the nodes table".into(),
        source,
    })?;
    write_table(&mut nodes, &nodes_path)?;
    Ok((edges_path, nodes_path))
}

/// The `strategy` column: the spelling of each row's strategy (an index into `spell`).
fn strategy_column(spell: &[String], strategies: impl Iterator<Item = usize>) -> Column {
    Column::new(
        "strategy".into(),
        strategies.map(|s| spell[s].as_str()).collect::<Vec<&str>>(),
    )
}

/// The `sweep_value` column: each row's strategy's sweep value, if any.
fn sweep_column(sweep: &[Option<f64>], strategies: impl Iterator<Item = usize>) -> Column {
    Column::new(
        "sweep_value".into(),
        strategies.map(|s| sweep[s]).collect::<Vec<Option<f64>>>(),
    )
}

/// A column of external ids for `nodes` (integers or strings, as the graph has them).
fn id_column(name: &str, ids: &NodeIds, nodes: impl Iterator<Item = NodeId>) -> Column {
    match ids {
        NodeIds::Int(v) => Column::new(
            name.into(),
            nodes.map(|n| v[n.index()]).collect::<Vec<u64>>(),
        ),
        NodeIds::Str(v) => Column::new(
            name.into(),
            nodes.map(|n| v[n.index()].as_str()).collect::<Vec<&str>>(),
        ),
    }
}

/// One aggregate row of a simulation: a measure under a strategy (and sweep value)
/// at a week.
#[derive(Debug, Clone, PartialEq)]
pub struct SummaryRow {
    /// Index into the experiment's strategies.
    pub strategy: usize,
    /// Week.
    pub week: u32,
    /// `nodes`, `recruiters`, `hiring_managers`, `received`, `accepted`,
    /// `fake_accepted` or `accepted_mutual_mean`.
    pub measure: &'static str,
    /// `at_degree`, `up_to_degree` or `per_person`.
    pub scope: &'static str,
    /// The degree, for reach measures.
    pub degree: Option<u32>,
    /// Mean over people × replicates.
    pub mean: f64,
    /// Standard deviation over people × replicates.
    pub sd: f64,
    /// Median over people × replicates.
    pub median: f64,
    /// 10th percentile.
    pub p10: f64,
    /// 90th percentile.
    pub p90: f64,
    /// Lower end of the 95% confidence interval of the mean.
    pub ci95_low: f64,
    /// Upper end.
    pub ci95_high: f64,
    /// People contributing.
    pub people: usize,
    /// Observations (people × replicates).
    pub observations: usize,
}

/// The tables of a simulation.
#[derive(Debug, Clone)]
pub struct SimulationTables {
    /// One row per replicate × person × strategy × week × degree.
    pub reach: DataFrame,
    /// One row per replicate × person × strategy × week.
    pub people: DataFrame,
    /// One row per strategy × week × measure (× degree).
    pub summary: DataFrame,
    /// The summary as rows, for the terminal and the report.
    pub summary_rows: Vec<SummaryRow>,
}

fn table_err(what: &str) -> impl FnOnce(PolarsError) -> Error + '_ {
    move |source| Error::Table {
        context: format!("building the {what} table"),
        source,
    }
}

/// Builds the reach, people and summary tables of a simulation.
///
/// The 95% confidence interval of a mean is a t-interval over people: each
/// person's replicates are averaged first, so one person's replicates are not
/// counted as independent observations; with one person it is empty (NaN).
#[allow(clippy::too_many_lines)] // one flat column list per table
pub fn simulation_tables(
    exp: &crate::config::Experiment,
    ids: &NodeIds,
    outcome: &crate::simulation::Outcome,
) -> Result<SimulationTables> {
    let obs = &outcome.observations;
    let d = usize::from(exp.max_degree.0);
    let spell: Vec<String> = exp
        .strategies
        .iter()
        .map(|s| s.strategy.to_string())
        .collect();
    let sweep: Vec<Option<f64>> = exp.strategies.iter().map(|s| s.sweep_value).collect();
    let rep = |k: usize| obs.iter().flat_map(move |o| std::iter::repeat_n(o, k));
    // Reach, long.
    let mut reach_cols = vec![
        Column::new(
            "replicate".into(),
            rep(d).map(|o| o.replicate).collect::<Vec<u32>>(),
        ),
        id_column("person", ids, rep(d).map(|o| o.person)),
        strategy_column(&spell, rep(d).map(|o| o.strategy)),
        sweep_column(&sweep, rep(d).map(|o| o.strategy)),
        Column::new("week".into(), rep(d).map(|o| o.week).collect::<Vec<u32>>()),
        Column::new(
            "degree".into(),
            obs.iter()
                .flat_map(|_| 1..=u32::from(exp.max_degree.0))
                .collect::<Vec<u32>>(),
        ),
    ];
    let at = |f: fn(&crate::reach::Counts) -> u64, up: bool| -> Vec<u64> {
        obs.iter()
            .flat_map(|o| {
                (1..=exp.max_degree.0).map(move |k| {
                    let c = if up {
                        o.reach.up_to_degree(Degree(k))
                    } else {
                        o.reach.at_degree(Degree(k))
                    };
                    f(&c)
                })
            })
            .collect()
    };
    // At each degree, then up to it: nodes, recruiters, hiring_managers, nodes_up_to, ...
    for (suffix, up) in [("", false), ("_up_to", true)] {
        for (name, f) in [
            (
                "nodes",
                (|c: &crate::reach::Counts| c.nodes) as fn(&crate::reach::Counts) -> u64,
            ),
            ("recruiters", |c| c.recruiters),
            ("hiring_managers", |c| c.hiring_managers),
        ] {
            reach_cols.push(Column::new(format!("{name}{suffix}").into(), at(f, up)));
        }
    }
    let reach = DataFrame::new_infer_height(reach_cols).map_err(table_err("reach"))?;
    // People.
    let mutual_mean = |o: &crate::simulation::Observation| {
        (!o.accepted_mutuals.is_empty()).then(|| {
            o.accepted_mutuals
                .iter()
                .map(|&m| f64::from(m))
                .sum::<f64>()
                / o.accepted_mutuals.len() as f64
        })
    };
    let mutual_median = |o: &crate::simulation::Observation| {
        let mut v: Vec<f64> = o.accepted_mutuals.iter().map(|&m| f64::from(m)).collect();
        (!v.is_empty()).then(|| quantile(&mut v, 0.5))
    };
    let people = DataFrame::new_infer_height(vec![
        Column::new(
            "replicate".into(),
            obs.iter().map(|o| o.replicate).collect::<Vec<u32>>(),
        ),
        id_column("person", ids, obs.iter().map(|o| o.person)),
        strategy_column(&spell, obs.iter().map(|o| o.strategy)),
        sweep_column(&sweep, obs.iter().map(|o| o.strategy)),
        Column::new(
            "week".into(),
            obs.iter().map(|o| o.week).collect::<Vec<u32>>(),
        ),
        Column::new(
            "received".into(),
            obs.iter().map(|o| o.received).collect::<Vec<u32>>(),
        ),
        Column::new(
            "accepted".into(),
            obs.iter().map(|o| o.accepted).collect::<Vec<u32>>(),
        ),
        Column::new(
            "fake_accepted".into(),
            obs.iter().map(|o| o.fake_accepted).collect::<Vec<u32>>(),
        ),
        Column::new(
            "accepted_mutual_mean".into(),
            obs.iter().map(mutual_mean).collect::<Vec<Option<f64>>>(),
        ),
        Column::new(
            "accepted_mutual_median".into(),
            obs.iter().map(mutual_median).collect::<Vec<Option<f64>>>(),
        ),
    ])
    .map_err(table_err("people"))?;
    // Summary.
    let rows = summarize(exp, obs);
    let summary = DataFrame::new_infer_height(vec![
        strategy_column(&spell, rows.iter().map(|r| r.strategy)),
        sweep_column(&sweep, rows.iter().map(|r| r.strategy)),
        Column::new(
            "week".into(),
            rows.iter().map(|r| r.week).collect::<Vec<u32>>(),
        ),
        Column::new(
            "measure".into(),
            rows.iter().map(|r| r.measure).collect::<Vec<&str>>(),
        ),
        Column::new(
            "scope".into(),
            rows.iter().map(|r| r.scope).collect::<Vec<&str>>(),
        ),
        Column::new(
            "degree".into(),
            rows.iter().map(|r| r.degree).collect::<Vec<Option<u32>>>(),
        ),
        Column::new(
            "mean".into(),
            rows.iter().map(|r| r.mean).collect::<Vec<f64>>(),
        ),
        Column::new("sd".into(), rows.iter().map(|r| r.sd).collect::<Vec<f64>>()),
        Column::new(
            "median".into(),
            rows.iter().map(|r| r.median).collect::<Vec<f64>>(),
        ),
        Column::new(
            "p10".into(),
            rows.iter().map(|r| r.p10).collect::<Vec<f64>>(),
        ),
        Column::new(
            "p90".into(),
            rows.iter().map(|r| r.p90).collect::<Vec<f64>>(),
        ),
        Column::new(
            "ci95_low".into(),
            rows.iter().map(|r| r.ci95_low).collect::<Vec<f64>>(),
        ),
        Column::new(
            "ci95_high".into(),
            rows.iter().map(|r| r.ci95_high).collect::<Vec<f64>>(),
        ),
        Column::new(
            "people".into(),
            rows.iter().map(|r| r.people as u64).collect::<Vec<u64>>(),
        ),
        Column::new(
            "observations".into(),
            rows.iter()
                .map(|r| r.observations as u64)
                .collect::<Vec<u64>>(),
        ),
    ])
    .map_err(table_err("summary"))?;
    Ok(SimulationTables {
        reach,
        people,
        summary,
        summary_rows: rows,
    })
}

/// The measures of one observation, in a fixed order: (measure, scope, degree, value).
fn measures(
    o: &crate::simulation::Observation,
    max: Degree,
) -> Vec<(&'static str, &'static str, Option<u32>, Option<f64>)> {
    let mut out = Vec::new();
    for k in 1..=max.0 {
        for (scope, c) in [
            ("at_degree", o.reach.at_degree(Degree(k))),
            ("up_to_degree", o.reach.up_to_degree(Degree(k))),
        ] {
            for (m, v) in [
                ("nodes", c.nodes),
                ("recruiters", c.recruiters),
                ("hiring_managers", c.hiring_managers),
            ] {
                out.push((m, scope, Some(u32::from(k)), Some(v as f64)));
            }
        }
    }
    out.push(("received", "per_person", None, Some(f64::from(o.received))));
    out.push(("accepted", "per_person", None, Some(f64::from(o.accepted))));
    out.push((
        "fake_accepted",
        "per_person",
        None,
        Some(f64::from(o.fake_accepted)),
    ));
    let mm = (!o.accepted_mutuals.is_empty()).then(|| {
        o.accepted_mutuals
            .iter()
            .map(|&m| f64::from(m))
            .sum::<f64>()
            / o.accepted_mutuals.len() as f64
    });
    out.push(("accepted_mutual_mean", "per_person", None, mm));
    out
}

/// Aggregates observations per (strategy, week, measure).
fn summarize(
    exp: &crate::config::Experiment,
    obs: &[crate::simulation::Observation],
) -> Vec<SummaryRow> {
    use std::collections::BTreeMap;
    // (strategy, week) -> per measure: (person, value) pairs.
    type Values = Vec<(NodeId, f64)>;
    let mut groups: BTreeMap<(usize, u32), Vec<Values>> = BTreeMap::new();
    let mut labels = Vec::new();
    for o in obs {
        let ms = measures(o, exp.max_degree);
        if labels.is_empty() {
            labels = ms.iter().map(|(m, s, d, _)| (*m, *s, *d)).collect();
        }
        let slot = groups
            .entry((o.strategy, o.week))
            .or_insert_with(|| vec![Vec::new(); ms.len()]);
        for (i, (.., v)) in ms.into_iter().enumerate() {
            if let Some(v) = v {
                slot[i].push((o.person, v));
            }
        }
    }
    let mut rows = Vec::new();
    for ((strategy, week), per_measure) in groups {
        for (i, values) in per_measure.into_iter().enumerate() {
            let (measure, scope, degree) = labels[i];
            rows.push(describe(strategy, week, measure, scope, degree, values));
        }
    }
    rows
}

#[allow(clippy::many_single_char_names)] // n, k, m, s, h as in the formulas
fn describe(
    strategy: usize,
    week: u32,
    measure: &'static str,
    scope: &'static str,
    degree: Option<u32>,
    mut values: Vec<(NodeId, f64)>,
) -> SummaryRow {
    let n = values.len();
    let mut xs: Vec<f64> = values.iter().map(|v| v.1).collect();
    let mean = if n == 0 {
        f64::NAN
    } else {
        xs.iter().sum::<f64>() / n as f64
    };
    let sd = if n < 2 {
        f64::NAN
    } else {
        (xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1) as f64).sqrt()
    };
    let (median, p10, p90) = if n == 0 {
        (f64::NAN, f64::NAN, f64::NAN)
    } else {
        (
            quantile(&mut xs, 0.5),
            quantile(&mut xs, 0.1),
            quantile(&mut xs, 0.9),
        )
    };
    // Per-person means, then a t-interval across people.
    values.sort_by_key(|v| v.0);
    let mut person_means = Vec::new();
    let mut i = 0;
    while i < values.len() {
        let j = values[i..]
            .iter()
            .position(|v| v.0 != values[i].0)
            .map_or(values.len(), |p| i + p);
        person_means.push(values[i..j].iter().map(|v| v.1).sum::<f64>() / (j - i) as f64);
        i = j;
    }
    let k = person_means.len();
    let (ci95_low, ci95_high) = if k < 2 {
        (f64::NAN, f64::NAN)
    } else {
        let m = person_means.iter().sum::<f64>() / k as f64;
        let s = (person_means.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (k - 1) as f64).sqrt();
        let half = t975(k - 1) * s / (k as f64).sqrt();
        (m - half, m + half)
    };
    SummaryRow {
        strategy,
        week,
        measure,
        scope,
        degree,
        mean,
        sd,
        median,
        p10,
        p90,
        ci95_low,
        ci95_high,
        people: k,
        observations: n,
    }
}

/// The q-quantile of `xs` by linear interpolation between order statistics
/// (type 7, as R and numpy default). Sorts `xs`.
pub fn quantile(xs: &mut [f64], q: f64) -> f64 {
    xs.sort_by(f64::total_cmp);
    let h = (xs.len() - 1) as f64 * q;
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let lo = h.floor() as usize;
    let hi = (lo + 1).min(xs.len() - 1);
    xs[lo] + (h - lo as f64) * (xs[hi] - xs[lo])
}

/// The 97.5% quantile of Student's t with `df` degrees of freedom (table to 30,
/// then the Cornish–Fisher expansion around the normal 1.959964).
fn t975(df: usize) -> f64 {
    const T: [f64; 30] = [
        12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160,
        2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056,
        2.052, 2.048, 2.045, 2.042,
    ];
    if df == 0 {
        return f64::NAN;
    }
    if df <= 30 {
        return T[df - 1];
    }
    let z: f64 = 1.959_964;
    let v = df as f64;
    z + (z.powi(3) + z) / (4.0 * v)
        + (5.0 * z.powi(5) + 16.0 * z.powi(3) + 3.0 * z) / (96.0 * v * v)
}

/// Writes a simulation's tables into `dir` (`reach`, `people`, `summary`, in the
/// experiment's formats) plus `experiment.toml`, the experiment as run. Returns the
/// files written.
pub fn write_simulation(
    dir: &Path,
    exp: &crate::config::Experiment,
    tables: &mut SimulationTables,
) -> Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir).map_err(|e| Error::io("create the folder", dir, e))?;
    let mut written = Vec::new();
    let mut exts = Vec::new();
    if exp.parquet {
        exts.push("parquet");
    }
    if exp.csv {
        exts.push("csv");
    }
    for (name, df) in [
        ("reach", &mut tables.reach),
        ("people", &mut tables.people),
        ("summary", &mut tables.summary),
    ] {
        for ext in &exts {
            let path = dir.join(format!("{name}.{ext}"));
            write_table(df, &path)?;
            written.push(path);
        }
    }
    let toml = dir.join("experiment.toml");
    write_text(&toml, &exp.source_text)?;
    written.push(toml);
    Ok(written)
}

/// A compact table of the final week for the terminal: per strategy, invitations
/// accepted, fakes accepted, and recruiters and hiring managers within 2 and 3
/// degrees (mean with 95% CI).
pub fn terminal_summary(exp: &crate::config::Experiment, rows: &[SummaryRow]) -> String {
    let last = exp.arrivals.weeks;
    let find = |s: usize, m: &str, scope: &str, d: Option<u32>| {
        rows.iter().find(|r| {
            r.strategy == s && r.week == last && r.measure == m && r.scope == scope && r.degree == d
        })
    };
    let ci = |r: Option<&SummaryRow>| {
        r.map_or("-".to_string(), |r| {
            format!("{:.1} [{:.1}, {:.1}]", r.mean, r.ci95_low, r.ci95_high)
        })
    };
    let top = u32::from(exp.max_degree.0);
    let mut out = format!(
        "{:<32} {:>8} {:>6} {:>22} {:>22} {:>22}\n",
        format!("strategy (week {last})"),
        "accepted",
        "fakes",
        "recruiters <=2",
        format!("recruiters <={top}"),
        format!("hiring managers <={top}")
    );
    for (s, run) in exp.strategies.iter().enumerate() {
        let mean = |m: &str| {
            find(s, m, "per_person", None).map_or("-".into(), |r| format!("{:.1}", r.mean))
        };
        let _ = writeln!(
            out,
            "{:<32} {:>8} {:>6} {:>22} {:>22} {:>22}",
            match run.sweep_value {
                Some(_) => format!("{} (sweep)", run.strategy),
                None => run.strategy.to_string(),
            },
            mean("accepted"),
            mean("fake_accepted"),
            ci(find(s, "recruiters", "up_to_degree", Some(2.min(top)))),
            ci(find(s, "recruiters", "up_to_degree", Some(top))),
            ci(find(s, "hiring_managers", "up_to_degree", Some(top))),
        );
    }
    out
}

/// Facts about the network of an experiment, for the report.
#[derive(Debug, Clone, PartialEq)]
pub struct NetworkFacts {
    /// Where it came from: the model or the edges file.
    pub source: String,
    /// Real people.
    pub people: u64,
    /// Fake accounts added.
    pub fake_accounts: u64,
    /// Connections, fake accounts' included.
    pub edges: u64,
    /// Recruiters.
    pub recruiters: u64,
    /// Hiring managers.
    pub hiring_managers: u64,
    /// People studied.
    pub studied: u64,
}

/// Writes the `network` (one row of [`NetworkFacts`]) and `degrees` (columns
/// `neighbors, people`: how many people have each number of connections) tables
/// into `dir`, in the experiment's formats.
pub fn write_network_tables(
    dir: &Path,
    exp: &crate::config::Experiment,
    facts: &NetworkFacts,
    degrees: &[(u64, u64)],
) -> Result<Vec<PathBuf>> {
    let mut network = DataFrame::new_infer_height(vec![
        Column::new("source".into(), [facts.source.as_str()]),
        Column::new("people".into(), [facts.people]),
        Column::new("fake_accounts".into(), [facts.fake_accounts]),
        Column::new("edges".into(), [facts.edges]),
        Column::new("recruiters".into(), [facts.recruiters]),
        Column::new("hiring_managers".into(), [facts.hiring_managers]),
        Column::new("studied".into(), [facts.studied]),
    ])
    .map_err(table_err("network"))?;
    let mut deg = DataFrame::new_infer_height(vec![
        Column::new(
            "neighbors".into(),
            degrees.iter().map(|d| d.0).collect::<Vec<u64>>(),
        ),
        Column::new(
            "people".into(),
            degrees.iter().map(|d| d.1).collect::<Vec<u64>>(),
        ),
    ])
    .map_err(table_err("degrees"))?;
    let mut written = Vec::new();
    for (name, df) in [("network", &mut network), ("degrees", &mut deg)] {
        for (on, ext) in [(exp.parquet, "parquet"), (exp.csv, "csv")] {
            if on {
                let path = dir.join(format!("{name}.{ext}"));
                write_table(df, &path)?;
                written.push(path);
            }
        }
    }
    Ok(written)
}

/// A stable pseudonymous id for an identity key: `p-` and 12 hex digits of
/// SHA-256(salt, key). Without the salt the id cannot be traced back to a person.
pub fn pseudonym(salt: &str, key: &str) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::new()
        .chain_update(salt.as_bytes())
        .chain_update([0u8])
        .chain_update(key.as_bytes())
        .finalize();
    let mut out = String::from("p-");
    for b in &digest[..6] {
        let _ = write!(out, "{b:02x}");
    }
    out
}

/// The salt for `dir`'s pseudonyms: read from `dir/salt.txt`, or made (random) and
/// written there, so a later import into the same folder gives the same ids.
pub fn import_salt(dir: &Path) -> Result<String> {
    let path = dir.join("salt.txt");
    if let Ok(s) = std::fs::read_to_string(&path) {
        let s = s.trim().to_string();
        if !s.is_empty() {
            return Ok(s);
        }
    }
    let mut rng = rand::rng();
    let salt: String = (0..32)
        .map(|_| {
            char::from_digit(u32::from(rand::RngExt::random_range(&mut rng, 0..16u8)), 16)
                .unwrap_or('0')
        })
        .collect();
    write_text(&path, &format!("{salt}\n"))?;
    Ok(salt)
}

/// Writes an imported export into `dir`: `edges.csv` (owner to each connection),
/// `nodes.csv`, `invitations.csv` (pending ones) and `import-summary.json`.
/// People are pseudonymous (`p-…`, the owner is `owner`) unless `keep_names`, in
/// which case `nodes.csv` also has `name, url, email, company, position`.
/// `company_group` (always) is a salted hash of the normalized company name: equal
/// for colleagues, meaningless without the salt; `netreach advise` uses it.
///
/// # Columns
/// | file | columns |
/// |---|---|
/// | `edges.csv` | `source, target` |
/// | `nodes.csv` | `node, role, kind` (`owner`, `connection`, `pending_inviter`, `pending_invitee`), `connected_on` (ISO date), `company_group` |
/// | `invitations.csv` | `to, from, direction` (`incoming`/`outgoing`), `sent_at` (ISO, no time zone) |
#[allow(clippy::too_many_lines)] // one column list per table
pub fn write_linkedin_import(
    dir: &Path,
    import: &crate::ingest::linkedin::Import,
    keep_names: bool,
) -> Result<Vec<PathBuf>> {
    use crate::ingest::linkedin::{Direction, InvitationStatus};
    std::fs::create_dir_all(dir).map_err(|e| Error::io("create the folder", dir, e))?;
    let salt = import_salt(dir)?;
    let id = |key: &str| -> String {
        if keep_names {
            key.to_string()
        } else {
            pseudonym(&salt, key)
        }
    };
    let people = &import.connections.people;
    let ids: Vec<String> = people.iter().map(|p| id(&p.key)).collect();
    // Nodes: owner, connections, pending counterparts (once each).
    let mut node = vec!["owner".to_string()];
    let mut role: Vec<Option<&str>> = vec![None];
    let mut kind = vec!["owner"];
    let mut connected_on: Vec<Option<String>> = vec![None];
    let mut names: Vec<Option<String>> = vec![import.owner_name.clone()];
    let mut urls: Vec<Option<String>> = vec![import.owner_url.clone()];
    let mut emails: Vec<Option<String>> = vec![None];
    let mut companies: Vec<Option<String>> = vec![None];
    let mut positions: Vec<Option<String>> = vec![None];
    let mut groups: Vec<Option<String>> = vec![None];
    for (i, p) in people.iter().enumerate() {
        node.push(ids[i].clone());
        role.push(match import.roles[i] {
            Some(crate::roles::Role::Recruiter) => Some("recruiter"),
            Some(crate::roles::Role::HiringManager) => Some("hiring_manager"),
            None => None,
        });
        kind.push("connection");
        connected_on.push(p.connected_on.clone());
        names.push(Some(p.name.clone()));
        urls.push(p.url.clone());
        emails.push(p.email.clone());
        companies.push(Some(p.company.clone()));
        let company = crate::ingest::linkedin::name_key(&p.company);
        groups.push(
            (!company.is_empty())
                .then(|| pseudonym(&salt, &format!("company:{company}")).replacen("p-", "c-", 1)),
        );
        positions.push(Some(p.position.clone()));
    }
    let mut seen = std::collections::HashSet::new();
    let (mut to, mut from, mut direction, mut sent_at) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for inv in &import.invitations {
        if inv.status != InvitationStatus::Pending {
            continue;
        }
        let other = id(&inv.key);
        let incoming = inv.record.direction == Direction::Incoming;
        if !seen.insert((incoming, other.clone())) {
            continue;
        }
        node.push(other.clone());
        role.push(None);
        kind.push(if incoming {
            "pending_inviter"
        } else {
            "pending_invitee"
        });
        connected_on.push(None);
        names.push(Some(inv.record.counterpart_name.clone()));
        urls.push(inv.record.counterpart_url.clone());
        emails.push(None);
        companies.push(None);
        positions.push(None);
        groups.push(None);
        let (t, f) = if incoming {
            ("owner".to_string(), other)
        } else {
            (other, "owner".to_string())
        };
        to.push(t);
        from.push(f);
        direction.push(if incoming { "incoming" } else { "outgoing" });
        sent_at.push(inv.record.sent_at.clone());
    }
    let mut cols = vec![
        Column::new("node".into(), node),
        Column::new("role".into(), role),
        Column::new("kind".into(), kind),
        Column::new("connected_on".into(), connected_on),
        Column::new("company_group".into(), groups),
    ];
    if keep_names {
        cols.push(Column::new("name".into(), names));
        cols.push(Column::new("url".into(), urls));
        cols.push(Column::new("email".into(), emails));
        cols.push(Column::new("company".into(), companies));
        cols.push(Column::new("position".into(), positions));
    }
    let mut nodes = DataFrame::new_infer_height(cols).map_err(table_err("nodes"))?;
    let mut edges = DataFrame::new_infer_height(vec![
        Column::new("source".into(), vec!["owner"; ids.len()]),
        Column::new("target".into(), ids),
    ])
    .map_err(table_err("edges"))?;
    let mut invitations = DataFrame::new_infer_height(vec![
        Column::new("to".into(), to),
        Column::new("from".into(), from),
        Column::new("direction".into(), direction),
        Column::new("sent_at".into(), sent_at),
    ])
    .map_err(table_err("invitations"))?;
    let mut written = Vec::new();
    for (name, df) in [
        ("edges.csv", &mut edges),
        ("nodes.csv", &mut nodes),
        ("invitations.csv", &mut invitations),
    ] {
        let path = dir.join(name);
        write_table(df, &path)?;
        written.push(path);
    }
    let s = &import.summary;
    let json = format!(
        "{{\n  \"connections\": {},\n  \"duplicates_merged\": {},\n  \"hidden_rows\": {},\n  \"recruiters\": {},\n  \"hiring_managers\": {},\n  \"invitations_incoming\": {},\n  \"invitations_outgoing\": {},\n  \"pending_incoming\": {},\n  \"pending_outgoing\": {},\n  \"ambiguous_matches\": {},\n  \"unknown_directions\": {},\n  \"unparsed_dates\": {},\n  \"windows_1252_files\": {},\n  \"pseudonymized\": {}\n}}\n",
        s.connections,
        s.duplicates_merged,
        s.hidden_rows,
        s.recruiters,
        s.hiring_managers,
        s.invitations_incoming,
        s.invitations_outgoing,
        s.pending_incoming,
        s.pending_outgoing,
        s.ambiguous_matches,
        s.unknown_directions,
        s.unparsed_dates,
        s.windows_1252_files,
        !keep_names
    );
    let path = dir.join("import-summary.json");
    write_text(&path, &json)?;
    written.push(path);
    Ok(written)
}

/// The advice table: columns `scenario, measure, within, mean, p10, p90,
/// replicates, estimate` (`estimate` is always `model`: these are model estimates).
/// For `no change` the values are reach; for the others, the gain over it.
pub fn advice_table(rows: &[crate::advise::AdviceRow]) -> Result<DataFrame> {
    DataFrame::new_infer_height(vec![
        Column::new(
            "scenario".into(),
            rows.iter()
                .map(|r| r.scenario.as_str())
                .collect::<Vec<&str>>(),
        ),
        Column::new(
            "measure".into(),
            rows.iter().map(|r| r.measure).collect::<Vec<&str>>(),
        ),
        Column::new(
            "within".into(),
            rows.iter()
                .map(|r| u32::from(r.within))
                .collect::<Vec<u32>>(),
        ),
        Column::new(
            "mean".into(),
            rows.iter().map(|r| r.mean).collect::<Vec<f64>>(),
        ),
        Column::new(
            "p10".into(),
            rows.iter().map(|r| r.p10).collect::<Vec<f64>>(),
        ),
        Column::new(
            "p90".into(),
            rows.iter().map(|r| r.p90).collect::<Vec<f64>>(),
        ),
        Column::new(
            "replicates".into(),
            rows.iter()
                .map(|r| r.replicates as u64)
                .collect::<Vec<u64>>(),
        ),
        Column::new("estimate".into(), vec!["model"; rows.len()]),
    ])
    .map_err(table_err("advice"))
}

/// The greedy ranking table of `advise --graph`: `rank, inviter, mutual, role`,
/// what each pick adds (`added_recruiters_2, added_hiring_managers_2,
/// added_recruiters_3, added_hiring_managers_3`), the totals after it
/// (`recruiters_within_2, hiring_managers_within_2, recruiters_within_3,
/// hiring_managers_within_3`) and `estimate` (`exact`).
pub fn greedy_table(ids: &NodeIds, picks: &[crate::advise::Pick]) -> Result<DataFrame> {
    let col = |name: &str, k: usize, added: bool| {
        Column::new(
            name.into(),
            picks
                .iter()
                .map(|p| if added { p.added[k] } else { p.cumulative[k] })
                .collect::<Vec<u64>>(),
        )
    };
    DataFrame::new_infer_height(vec![
        Column::new(
            "rank".into(),
            (1..=picks.len() as u64).collect::<Vec<u64>>(),
        ),
        id_column("inviter", ids, picks.iter().map(|p| p.inviter)),
        Column::new(
            "mutual".into(),
            picks.iter().map(|p| p.mutual as u64).collect::<Vec<u64>>(),
        ),
        Column::new(
            "role".into(),
            picks
                .iter()
                .map(|p| p.role.map(|r| r.to_string()))
                .collect::<Vec<Option<String>>>(),
        ),
        col("added_recruiters_2", 0, true),
        col("added_hiring_managers_2", 1, true),
        col("added_recruiters_3", 2, true),
        col("added_hiring_managers_3", 3, true),
        col("recruiters_within_2", 0, false),
        col("hiring_managers_within_2", 1, false),
        col("recruiters_within_3", 2, false),
        col("hiring_managers_within_3", 3, false),
        Column::new("estimate".into(), vec!["exact"; picks.len()]),
    ])
    .map_err(table_err("advice"))
}

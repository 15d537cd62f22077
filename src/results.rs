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

/// Runs `write` on a temporary file beside `path`, then renames it to `path`.
/// Creates missing parent folders. On any error the temporary file is removed and
/// `path` is untouched.
pub fn write_atomically<E>(
    path: &Path,
    write: impl FnOnce(&mut BufWriter<File>) -> Result<(), E>,
) -> Result<()>
where
    E: Into<WriteError>,
{
    let tmp = temp_path(path);
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(|e| Error::io("create the folder", parent, e))?;
    }
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

//! Network tables: the files `netreach generate` writes (`edges` and `nodes`) and
//! the `network` and `degrees` tables of an experiment's results folder.
//!
//! # Columns
//! | table | column | type | meaning |
//! |---|---|---|---|
//! | `edges` | `source`, `target` | u32 | one row per connection, `source < target`, sorted |
//! | `nodes` | `node` | u32 | node id, as in the edges table |
//! | `nodes` | `role` | string | `recruiter`, `hiring_manager`, or empty (null) for no role |
//! | `nodes` | `firm` | u32 | the firm the node works at ([`crate::firms`]) |
//! | `nodes` | `industry` | u32 | the firm's industry (the model's community; 0 for models without them) |
//! | `nodes` | `neighbors` | u32 | the node's number of connections |
//! | `network` | `source, people, fake_accounts, edges, recruiters, hiring_managers, studied` | | one row: see [`NetworkFacts`] |
//! | `degrees` | `neighbors, people` | u64 | how many people have each number of connections |

use std::io::Write;
use std::path::{Path, PathBuf};

use polars::prelude::*;
use rayon::prelude::*;

use super::schema::{Table, column};
use super::{table_err, u64_column, write_experiment_tables, write_table};
use crate::config::Experiment;
use crate::error::{Error, Result};
use crate::firms::Firms;
use crate::graph::{ConnectionGraph, NodeId};
use crate::output::{Overwrite, write_atomically};
use crate::roles::RoleMap;

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
/// | `firm` | u32 | the firm the node works at |
/// | `industry` | u32 | the firm's industry |
/// | `neighbors` | u32 | the node's number of connections |
pub fn write_network(
    dir: &Path,
    format: NetworkFormat,
    graph: &ConnectionGraph,
    roles: &RoleMap,
    firms: &Firms,
    header: &[String],
    overwrite: Overwrite,
) -> Result<(PathBuf, PathBuf)> {
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
        write_atomically(&edges_path, overwrite, |w| {
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
        write_table(&mut df, &edges_path, overwrite)?;
    }
    let role_names: Vec<Option<&str>> = ids
        .iter()
        .map(|&v| roles.role_of(v).map(crate::roles::Role::as_str))
        .collect();
    let firm: Vec<Option<u32>> = ids.iter().map(|v| firms.firm_of(v.0)).collect();
    let industry: Vec<Option<u32>> = ids.iter().map(|v| firms.industry_of(v.0)).collect();
    let neighbors: Vec<u32> = ids
        .iter()
        .map(|&v| u32::try_from(graph.neighbor_count(v)).expect("neighbour counts fit u32"))
        .collect();
    let mut nodes = DataFrame::new_infer_height(vec![
        Column::new("node".into(), ids.iter().map(|v| v.0).collect::<Vec<u32>>()),
        Column::new("role".into(), role_names),
        Column::new("firm".into(), firm),
        Column::new("industry".into(), industry),
        Column::new("neighbors".into(), neighbors),
    ])
    .map_err(|source| Error::Table {
        context: "building the nodes table".into(),
        source,
    })?;
    write_table(&mut nodes, &nodes_path, overwrite)?;
    Ok((edges_path, nodes_path))
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
    exp: &Experiment,
    facts: &NetworkFacts,
    degrees: &[(u64, u64)],
    overwrite: Overwrite,
) -> Result<Vec<PathBuf>> {
    let mut network = DataFrame::new_infer_height(vec![
        Column::new(column::SOURCE.into(), [facts.source.as_str()]),
        Column::new(column::PEOPLE.into(), [facts.people]),
        Column::new(column::FAKE_ACCOUNTS.into(), [facts.fake_accounts]),
        Column::new(column::EDGES.into(), [facts.edges]),
        Column::new(column::RECRUITERS.into(), [facts.recruiters]),
        Column::new(column::HIRING_MANAGERS.into(), [facts.hiring_managers]),
        Column::new(column::STUDIED.into(), [facts.studied]),
    ])
    .map_err(table_err("network"))?;
    let mut deg = DataFrame::new_infer_height(vec![
        u64_column(column::NEIGHBORS, degrees.iter().map(|d| d.0)),
        u64_column(column::PEOPLE, degrees.iter().map(|d| d.1)),
    ])
    .map_err(table_err("degrees"))?;
    write_experiment_tables(
        dir,
        exp,
        [(Table::Network, &mut network), (Table::Degrees, &mut deg)],
        overwrite,
    )
}

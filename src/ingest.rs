//! Ingest: reads graphs, roles, invitations and source lists from files, the first
//! stage of the pipeline. Picks a reader by the file name and decompresses gzip and
//! zstd by their magic bytes, so `edges.txt.gz` and `edges.csv.zst` just work.
//!
//! | file name | reader |
//! |---|---|
//! | `*.parquet`, `*.pq` | Parquet table ([`table`]) |
//! | `*.csv` (optionally `.gz`/`.zst`) | CSV table with a header ([`table`]) |
//! | `*.nrg`, or any file starting with `NRGRAPH` | netreach graph file ([`binary`]) |
//! | anything else | SNAP/KONECT/plain edge list ([`edge_list`]) |
//!
//! Every bad record is an [`Error`] naming the file and the line.

pub mod binary;
pub mod edge_list;
pub mod linkedin;
pub mod table;

use std::io::{BufRead, Read};
use std::path::Path;

use crate::error::{Error, Result};
use crate::firms::{Firms, NO_FIRM};
use crate::graph::ConnectionGraph;
use crate::invitations::{InvitationReport, PendingInvitations};
use crate::roles::{RoleBuilder, RoleMap, RoleReport};
use table::{PairRecord, TableEdges};

/// The reader a file name selects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputFormat {
    /// Whitespace-separated edge list with `#`/`%` comments.
    EdgeList,
    /// CSV with a header line.
    Csv,
    /// Apache Parquet.
    Parquet,
    /// netreach's own graph file (`.nrg`).
    Graph,
}

impl InputFormat {
    /// Chooses by extension, looking through `.gz` and `.zst`.
    pub fn from_path(path: &Path) -> Self {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().to_ascii_lowercase())
            .unwrap_or_default();
        let inner = Path::new(
            name.strip_suffix(".gz")
                .or_else(|| name.strip_suffix(".zst"))
                .unwrap_or(&name),
        );
        let ext = inner
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or_default();
        if ext == "parquet" || ext == "pq" {
            InputFormat::Parquet
        } else if ext == "nrg" {
            InputFormat::Graph
        } else if ext == "csv" {
            InputFormat::Csv
        } else {
            InputFormat::EdgeList
        }
    }
}

/// Reads a whole file, decompressing gzip or zstd (detected by magic bytes) and
/// dropping a leading UTF-8 byte-order mark.
pub fn read_bytes(path: &Path) -> Result<Vec<u8>> {
    let (mut reader, compressed) = edge_list::open_decoded(path)?;
    let mut bytes = Vec::new();
    reader
        .read_to_end(&mut bytes)
        .map_err(|e| match compressed {
            Some(kind) => Error::format(path, format!("expected a valid {kind} stream ({e})")),
            None => Error::io("read", path, e),
        })?;
    if bytes.starts_with(&[0xEF, 0xBB, 0xBF]) {
        bytes.drain(..3);
    }
    Ok(bytes)
}

/// Loads a graph from an edge list, CSV or Parquet edge table, or a graph file.
///
/// Edge lists and integer CSV tables are streamed in blocks (see
/// [`ConnectionGraph::from_edge_blocks`]). CSV tables with quotes or string ids,
/// and Parquet tables, are read in memory.
pub fn load_graph(path: &Path) -> Result<ConnectionGraph> {
    Ok(load_graph_stored(path)?.0)
}

/// [`load_graph`], with the roles and firms a graph file carries (none for
/// other formats).
pub fn load_graph_stored(path: &Path) -> Result<(ConnectionGraph, binary::Stored)> {
    let format = InputFormat::from_path(path);
    if format == InputFormat::Graph
        || (format == InputFormat::EdgeList && binary::is_graph_file(path))
    {
        return binary::read(path);
    }
    load_edges(path, format).map(|g| (g, binary::Stored::default()))
}

fn load_edges(path: &Path, format: InputFormat) -> Result<ConnectionGraph> {
    let edges = match format {
        InputFormat::EdgeList => {
            return ConnectionGraph::from_edge_blocks(
                &edge_list::EdgeListFile::whitespace(path),
                path,
            );
        }
        InputFormat::Csv => {
            let (mut reader, _) = edge_list::open_decoded(path)?;
            let mut header = Vec::new();
            std::io::BufReader::new(&mut reader)
                .read_until(b'\n', &mut header)
                .map_err(|e| Error::io("read", path, e))?;
            let (a, b) = table::csv_edge_columns(&header, path)?;
            match ConnectionGraph::from_edge_blocks(
                &edge_list::EdgeListFile::comma(path, a, b),
                path,
            ) {
                Err(Error::Parse { .. }) => table::csv_edges(&read_bytes(path)?, path)?,
                other => return other,
            }
        }
        InputFormat::Parquet => return table::parquet_graph(path),
        InputFormat::Graph => unreachable!("graph files are read above"),
    };
    match edges {
        TableEdges::Int(v) if v.is_empty() => Err(Error::EmptyGraph {
            path: path.to_path_buf(),
        }),
        TableEdges::Str(v) if v.is_empty() => Err(Error::EmptyGraph {
            path: path.to_path_buf(),
        }),
        TableEdges::Int(v) => ConnectionGraph::from_u64_edges(&v, path),
        TableEdges::Str(v) => ConnectionGraph::from_string_edges(&v, path),
    }
}

/// Reads the two named columns of a CSV or Parquet table (for roles: `node,role`;
/// for invitations: `to,from`), with the line or row of every record. With
/// `optional_second`, an empty or missing second value reads as `""`.
pub fn load_pairs(
    path: &Path,
    wanted: [&str; 2],
    optional_second: bool,
) -> Result<Vec<PairRecord>> {
    match InputFormat::from_path(path) {
        InputFormat::Parquet => table::parquet_pairs(path, wanted, optional_second),
        _ => table::csv_pairs(&read_bytes(path)?, path, wanted, false, optional_second),
    }
}

/// Calls `f` with the two named columns and the line (or row) of every record of
/// a CSV or Parquet table; CSV records are not collected first.
pub fn for_each_pair(
    path: &Path,
    wanted: [&str; 2],
    optional_second: bool,
    f: &mut dyn FnMut(&str, &str, u64) -> Result<()>,
) -> Result<()> {
    match InputFormat::from_path(path) {
        InputFormat::Parquet => {
            for (x, y, line) in table::parquet_pairs(path, wanted, optional_second)? {
                f(&x, &y, line)?;
            }
            Ok(())
        }
        _ => table::csv_for_each_pair(&read_bytes(path)?, path, wanted, false, optional_second, f),
    }
}

/// Reads a `node,role` table (CSV or Parquet) straight into a map for `graph`,
/// without collecting its records first; see [`RoleMap::from_records`] for the
/// rules.
pub fn load_roles(graph: &ConnectionGraph, path: &Path) -> Result<(RoleMap, RoleReport)> {
    let mut b = RoleBuilder::new(graph, path);
    for_each_pair(path, ["node", "role"], true, &mut |node, role, line| {
        b.add(node, role, line)
    })?;
    Ok(b.finish())
}

/// Reads a `nodes` table (CSV or Parquet, as `netreach generate` writes it:
/// `node, role, firm, industry`; other columns ignored) for `graph`: the roles,
/// by [`load_roles`]'s rules, and who works where. Firm and industry ids are
/// any text; a node without a firm works nowhere. Nodes not in the graph are
/// skipped. Errors name the file and line: a missing column, a firm without an
/// industry, a firm in two industries, a node listed twice.
pub fn load_nodes(graph: &ConnectionGraph, path: &Path) -> Result<(RoleMap, RoleReport, Firms)> {
    let (roles, report) = load_roles(graph, path)?;
    let n = graph.node_count();
    // (line, node) → firm, in file order; then the industries, line by line.
    let mut firm_at: Vec<(u64, Option<u32>, String)> = Vec::new();
    let mut listed = vec![0u64; n];
    for_each_pair(path, ["node", "firm"], true, &mut |node, firm, line| {
        let v = graph.ids().lookup(node).map(|v| v.0);
        if let Some(v) = v {
            let first = &mut listed[v as usize];
            if *first != 0 {
                return Err(Error::parse(
                    path,
                    line,
                    format!(
                        "each node once (node {node} is listed at line {} too)",
                        *first
                    ),
                    node,
                ));
            }
            *first = line.max(1);
        }
        firm_at.push((line, v, firm.trim().to_string()));
        Ok(())
    })?;
    let mut firm_ids: std::collections::HashMap<String, u32> = std::collections::HashMap::new();
    let mut industry_ids: std::collections::HashMap<String, u32> = std::collections::HashMap::new();
    let mut industry_of: Vec<(u32, u64)> = Vec::new(); // per firm: industry, first line
    let mut firm_of = vec![NO_FIRM; n];
    let mut row = 0usize;
    for_each_pair(
        path,
        ["node", "industry"],
        true,
        &mut |_, industry, line| {
            let (at, v, firm) = &firm_at[row];
            row += 1;
            debug_assert_eq!(*at, line, "both passes read the same rows");
            let industry = industry.trim();
            if firm.is_empty() {
                return Ok(());
            }
            if industry.is_empty() {
                return Err(Error::parse(
                    path,
                    line,
                    format!("an industry for firm {firm}"),
                    "an empty industry",
                ));
            }
            let next = u32::try_from(industry_ids.len()).expect("industries fit u32");
            let i = *industry_ids.entry(industry.to_string()).or_insert(next);
            let next = u32::try_from(firm_ids.len()).expect("firms fit u32");
            let f = *firm_ids.entry(firm.clone()).or_insert(next);
            if f as usize == industry_of.len() {
                industry_of.push((i, line));
            } else if industry_of[f as usize].0 != i {
                return Err(Error::parse(
                    path,
                    line,
                    format!(
                        "firm {firm} in one industry (line {} gives another)",
                        industry_of[f as usize].1
                    ),
                    industry,
                ));
            }
            if let Some(v) = v {
                firm_of[*v as usize] = f;
            }
            Ok(())
        },
    )?;
    let firms = Firms::from_parts(firm_of, industry_of.into_iter().map(|x| x.0).collect())
        .expect("firm ids are numbered as read");
    Ok((roles, report, firms))
}

/// Where [`choose_roles`] took the roles from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RolesFrom {
    /// A roles table, with what it held.
    File(RoleReport),
    /// The graph file (a `.nrg` that stores roles).
    GraphFile,
    /// Nowhere: nobody has a role.
    Nowhere,
}

/// The one rule for a graph's roles: from the table at `path` when one is
/// named, else those `stored` in the graph file, else none.
pub fn choose_roles(
    graph: &ConnectionGraph,
    path: Option<&Path>,
    stored: Option<RoleMap>,
) -> Result<(RoleMap, RolesFrom)> {
    match (path, stored) {
        (Some(path), _) => {
            let (roles, report) = load_roles(graph, path)?;
            Ok((roles, RolesFrom::File(report)))
        }
        (None, Some(stored)) => Ok((stored, RolesFrom::GraphFile)),
        (None, None) => Ok((RoleMap::none(graph.node_count()), RolesFrom::Nowhere)),
    }
}

/// Reads a `to,from` invitations table (CSV or Parquet) and keeps the pending
/// invitations between nodes of `graph` (see [`PendingInvitations::from_records`]).
pub fn load_invitations(
    graph: &ConnectionGraph,
    path: &Path,
) -> Result<(PendingInvitations, InvitationReport)> {
    let records = load_pairs(path, ["to", "from"], false)?;
    Ok(PendingInvitations::from_records(graph, &records))
}

/// Reads a list of external node ids, one per line: the first comma- or
/// whitespace-separated field; `#` comments, blank lines and a header line named
/// `source`, `node` or `id` are skipped. Returns each id with its line.
pub fn load_id_list(path: &Path) -> Result<Vec<(String, u64)>> {
    let bytes = read_bytes(path)?;
    let text = std::str::from_utf8(&bytes).map_err(|e| {
        let line = memchr::memchr_iter(b'\n', &bytes[..e.valid_up_to()]).count() as u64 + 1;
        Error::parse(path, line, "UTF-8 text", "invalid bytes")
    })?;
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let t = line.trim();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        let first = t
            .split([',', ' ', '\t'])
            .next()
            .unwrap_or_default()
            .trim_matches('"');
        if i == 0 && ["source", "node", "id"].contains(&first.to_ascii_lowercase().as_str()) {
            continue;
        }
        out.push((first.to_string(), i as u64 + 1));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn format_follows_the_name_through_compression() {
        assert_eq!(
            InputFormat::from_path(Path::new("a.csv.gz")),
            InputFormat::Csv
        );
        assert_eq!(
            InputFormat::from_path(Path::new("a.PARQUET")),
            InputFormat::Parquet
        );
        assert_eq!(
            InputFormat::from_path(Path::new("out.konect")),
            InputFormat::EdgeList
        );
        assert_eq!(
            InputFormat::from_path(Path::new("a.txt.zst")),
            InputFormat::EdgeList
        );
    }

    #[test]
    fn gzip_input_is_read_and_corrupt_gzip_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("e.txt.gz");
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        enc.write_all(b"1 2\n2 3\n").unwrap();
        let gz = enc.finish().unwrap();
        std::fs::write(&path, &gz).unwrap();
        assert_eq!(load_graph(&path).unwrap().edge_count(), 2);
        std::fs::write(&path, &gz[..gz.len() / 2]).unwrap();
        let e = load_graph(&path).unwrap_err().to_string();
        assert!(e.contains("expected a valid gzip stream"), "{e}");
    }

    #[test]
    fn comment_only_file_is_an_empty_graph() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("e.txt");
        std::fs::write(&path, "# nothing\n").unwrap();
        assert!(matches!(load_graph(&path), Err(Error::EmptyGraph { .. })));
    }
}

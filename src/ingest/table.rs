//! Tables with a header: CSV (read with the `csv` crate, so every bad record is
//! named by its exact line, quoted fields included) and Parquet (read with polars).
//! Used for edge tables (`source,target`, else the first two columns), roles
//! (`node,role`) and invitations (`to,from`). Sits between the raw files and
//! [`crate::graph`], [`crate::roles`] and [`crate::invitations`].
//!
//! # Algorithm
//! Integer CSV edge tables take the parallel fast path of [`super::edge_list`];
//! anything else (quotes, string ids) is read record by record. String ids are
//! kept as strings; integer columns become `u64` ids.
//!
//! # Complexity
//! Time and space O(file size).

use std::fs::File;
use std::path::Path;

use polars::prelude::*;
use rayon::prelude::*;

use crate::error::{Error, Result};
use crate::graph::{BlockVisitor, ConnectionGraph, EdgeBlocks};

/// One record of a two-column pick: the two values and the 1-based line (CSV) or
/// row (Parquet) they came from.
pub type PairRecord = (String, String, u64);

/// Edges read from a table: integer ids when every id is an integer, else strings.
#[derive(Debug)]
pub enum TableEdges {
    /// Integer external ids.
    Int(Vec<(u64, u64)>),
    /// String external ids.
    Str(Vec<(String, String)>),
}

/// The 0-based columns of `source` and `target` in a CSV header line, else 0 and 1.
pub(crate) fn csv_edge_columns(header_line: &[u8], path: &Path) -> Result<(usize, usize)> {
    let text = String::from_utf8_lossy(header_line);
    let header: Vec<String> = text
        .trim_start_matches('\u{feff}')
        .trim_end_matches(['\r', '\n'])
        .split(',')
        .map(|s| s.trim().trim_matches('"').to_string())
        .collect();
    pick_columns(&header, ["source", "target"], true).ok_or_else(|| {
        Error::format(
            path,
            "expected a header with at least two columns (source,target)",
        )
    })
}

/// Reads a CSV edge table held in `bytes` (BOM already stripped) record by record:
/// quoted fields, string ids. Integer ids when every id is an integer.
pub fn csv_edges(bytes: &[u8], path: &Path) -> Result<TableEdges> {
    let pairs = csv_pairs(bytes, path, ["source", "target"], true, false)?;
    let ints: Option<Vec<(u64, u64)>> = pairs
        .iter()
        .map(|(a, b, _)| Some((a.trim().parse().ok()?, b.trim().parse().ok()?)))
        .collect();
    Ok(match ints {
        Some(v) => TableEdges::Int(v),
        None => TableEdges::Str(pairs.into_iter().map(|(a, b, _)| (a, b)).collect()),
    })
}

/// Finds the columns named `wanted` (case-insensitive) in `header`; with
/// `first_two`, falls back to columns 0 and 1.
fn pick_columns(header: &[String], wanted: [&str; 2], first_two: bool) -> Option<(usize, usize)> {
    let find = |name: &str| header.iter().position(|h| h.eq_ignore_ascii_case(name));
    match (find(wanted[0]), find(wanted[1])) {
        (Some(a), Some(b)) => Some((a, b)),
        _ if first_two && header.len() >= 2 => Some((0, 1)),
        _ => None,
    }
}

/// Reads the two columns `wanted` of a CSV file held in `bytes`, trimmed, with
/// each record's line. Empty rows are skipped.
pub fn csv_pairs(
    bytes: &[u8],
    path: &Path,
    wanted: [&str; 2],
    first_two: bool,
    optional_second: bool,
) -> Result<Vec<PairRecord>> {
    let mut out = Vec::new();
    csv_for_each_pair(
        bytes,
        path,
        wanted,
        first_two,
        optional_second,
        &mut |x, y, line| {
            out.push((x.to_string(), y.to_string(), line));
            Ok(())
        },
    )?;
    Ok(out)
}

/// Calls `f` with the two columns `wanted` (trimmed) and the line of every
/// non-empty record of a CSV file held in `bytes`, without allocating per record.
pub(crate) fn csv_for_each_pair(
    bytes: &[u8],
    path: &Path,
    wanted: [&str; 2],
    first_two: bool,
    optional_second: bool,
    f: &mut dyn FnMut(&str, &str, u64) -> Result<()>,
) -> Result<()> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_reader(bytes);
    let header: Vec<String> = reader
        .byte_headers()
        .map_err(|e| csv_error(path, &e))?
        .iter()
        .map(|h| String::from_utf8_lossy(h).trim().to_string())
        .collect();
    let (a, b) = pick_columns(&header, wanted, first_two).ok_or_else(|| {
        Error::format(
            path,
            format!(
                "expected a header line with columns {} and {}, found {:?}",
                wanted[0],
                wanted[1],
                header.join(",")
            ),
        )
    })?;
    let mut record = csv::ByteRecord::new();
    loop {
        match reader.read_byte_record(&mut record) {
            Ok(false) => return Ok(()),
            Ok(true) => {}
            Err(e) => return Err(csv_error(path, &e)),
        }
        let line = record.position().map_or(0, csv::Position::line);
        if record.iter().all(|f| f.trim_ascii().is_empty()) {
            continue;
        }
        let field = |i: usize, optional: bool| -> Result<&str> {
            let Some(raw) = record.get(i) else {
                if optional {
                    return Ok("");
                }
                return Err(Error::parse(
                    path,
                    line,
                    format!("at least {} comma-separated fields", a.max(b) + 1),
                    &String::from_utf8_lossy(&join(&record)),
                ));
            };
            let text = std::str::from_utf8(raw)
                .map_err(|_| Error::parse(path, line, "UTF-8 text", &String::from_utf8_lossy(raw)))?
                .trim();
            if text.is_empty() && !optional {
                return Err(Error::parse(
                    path,
                    line,
                    format!(
                        "a value in column {}",
                        header.get(i).map_or("?", String::as_str)
                    ),
                    &String::from_utf8_lossy(&join(&record)),
                ));
            }
            Ok(text)
        };
        f(field(a, false)?, field(b, optional_second)?, line)?;
    }
}

fn join(record: &csv::ByteRecord) -> Vec<u8> {
    record.iter().collect::<Vec<_>>().join(&b","[..])
}

fn csv_error(path: &Path, e: &csv::Error) -> Error {
    let line = e.position().map_or(1, csv::Position::line);
    match e.kind() {
        csv::ErrorKind::Utf8 { .. } => Error::parse(path, line, "UTF-8 text", "invalid bytes"),
        _ => Error::parse(path, line, "a well-formed CSV record", &e.to_string()),
    }
}

/// Reads a whole Parquet file with polars.
fn read_parquet(path: &Path) -> Result<DataFrame> {
    let file = File::open(path).map_err(|e| Error::io("open", path, e))?;
    ParquetReader::new(file)
        .finish()
        .map_err(|source| Error::Table {
            context: format!("{}: expected a readable Parquet file", path.display()),
            source,
        })
}

fn pick_parquet<'a>(
    df: &'a DataFrame,
    path: &Path,
    wanted: [&str; 2],
    first_two: bool,
) -> Result<[&'a Column; 2]> {
    let names: Vec<String> = df
        .get_column_names()
        .iter()
        .map(ToString::to_string)
        .collect();
    let (a, b) = pick_columns(&names, wanted, first_two).ok_or_else(|| {
        Error::format(
            path,
            format!(
                "expected columns {} and {}, found {:?}",
                wanted[0],
                wanted[1],
                names.join(",")
            ),
        )
    })?;
    Ok([&df.columns()[a], &df.columns()[b]])
}

/// Values of a Parquet column as text (integers printed in decimal); nulls are errors.
fn column_strings(col: &Column, path: &Path, optional: bool) -> Result<Vec<String>> {
    let dtype = col.dtype().clone();
    if !(dtype.is_integer() || matches!(dtype, DataType::String)) {
        return Err(Error::format(
            path,
            format!(
                "expected column {} to hold integers or strings, found {dtype}",
                col.name()
            ),
        ));
    }
    let as_str = col.cast(&DataType::String).map_err(|source| Error::Table {
        context: format!("{}: cannot read column {}", path.display(), col.name()),
        source,
    })?;
    let ca = as_str
        .as_materialized_series()
        .str()
        .map_err(|source| Error::Table {
            context: format!("{}: cannot read column {}", path.display(), col.name()),
            source,
        })?;
    ca.iter()
        .enumerate()
        .map(|(row, v)| {
            let v = if optional {
                Some(v.unwrap_or_default())
            } else {
                v
            };
            v.map(|s| s.trim().to_string())
                .filter(|s| optional || !s.is_empty())
                .ok_or_else(|| {
                    Error::parse(
                        path,
                        row as u64 + 1,
                        format!("a value in column {}", col.name()),
                        "null",
                    )
                })
        })
        .collect()
}

/// Rows of a Parquet edge table handed to the graph builder at a time.
const PARQUET_BLOCK: usize = 1 << 20;

/// Loads a Parquet edge table: columns `source,target`, else the first two. Only
/// those two columns are read. Integer columns go to the graph builder in blocks
/// straight from polars' buffers (no table of pairs is built); other columns are
/// read as text ids.
pub(crate) fn parquet_graph(path: &Path) -> Result<ConnectionGraph> {
    let open = || File::open(path).map_err(|e| Error::io("open", path, e));
    let unreadable = |source| Error::Table {
        context: format!("{}: expected a readable Parquet file", path.display()),
        source,
    };
    let names: Vec<String> = ParquetReader::new(open()?)
        .schema()
        .map_err(unreadable)?
        .iter_names()
        .map(ToString::to_string)
        .collect();
    let (a, b) = pick_columns(&names, ["source", "target"], true).ok_or_else(|| {
        Error::format(
            path,
            format!(
                "expected columns source and target, found {:?}",
                names.join(",")
            ),
        )
    })?;
    let df = ParquetReader::new(open()?)
        .with_columns(Some(vec![names[a].clone(), names[b].clone()]))
        .finish()
        .map_err(unreadable)?;
    let (ca, cb) = (&df.columns()[0], &df.columns()[1]);
    if ca.dtype().is_integer() && cb.dtype().is_integer() {
        if df.height() == 0 {
            return Err(Error::EmptyGraph {
                path: path.to_path_buf(),
            });
        }
        let edges = ParquetIds::new(IntColumn::new(ca, path)?, IntColumn::new(cb, path)?, path);
        return ConnectionGraph::from_edge_blocks(&edges, path);
    }
    let (xs, ys) = (
        column_strings(ca, path, false)?,
        column_strings(cb, path, false)?,
    );
    if xs.is_empty() {
        return Err(Error::EmptyGraph {
            path: path.to_path_buf(),
        });
    }
    let edges: Vec<(String, String)> = xs.into_iter().zip(ys).collect();
    ConnectionGraph::from_string_edges(&edges, path)
}

/// An integer id column without nulls, in the chunks polars read it in (one per
/// row group, usually; rechunking would copy the whole column).
struct IntColumn {
    series: Series,
}

/// The values of one chunk of an [`IntColumn`].
#[derive(Clone, Copy)]
enum Ids<'a> {
    U32(&'a [u32]),
    U64(&'a [u64]),
    I32(&'a [i32]),
    I64(&'a [i64]),
}

impl IntColumn {
    /// The column (widened to i64 for small integer types); a null is an error
    /// naming its row.
    fn new(c: &Column, path: &Path) -> Result<Self> {
        let s = c.as_materialized_series();
        let s = match s.dtype() {
            DataType::UInt32 | DataType::UInt64 | DataType::Int32 | DataType::Int64 => s.clone(),
            _ => s.cast(&DataType::Int64).map_err(|source| Error::Table {
                context: format!("{}: cannot read column {}", path.display(), c.name()),
                source,
            })?,
        };
        if s.null_count() > 0 {
            let row = s
                .is_null()
                .iter()
                .position(|x| x == Some(true))
                .unwrap_or(0);
            return Err(Error::parse(
                path,
                row as u64 + 1,
                format!("a non-negative integer node id in column {}", c.name()),
                "null",
            ));
        }
        Ok(Self { series: s })
    }

    /// The column in one chunk (for two columns chunked differently).
    fn rechunked(self) -> Self {
        Self {
            series: self.series.rechunk(),
        }
    }

    /// The values of every chunk, in order.
    fn chunks(&self) -> Vec<Ids<'_>> {
        let s = &self.series;
        let chunks = match s.dtype() {
            DataType::UInt32 => s.u32().map(|c| {
                c.downcast_iter()
                    .map(|a| Ids::U32(a.values().as_slice()))
                    .collect()
            }),
            DataType::UInt64 => s.u64().map(|c| {
                c.downcast_iter()
                    .map(|a| Ids::U64(a.values().as_slice()))
                    .collect()
            }),
            DataType::Int32 => s.i32().map(|c| {
                c.downcast_iter()
                    .map(|a| Ids::I32(a.values().as_slice()))
                    .collect()
            }),
            _ => s.i64().map(|c| {
                c.downcast_iter()
                    .map(|a| Ids::I64(a.values().as_slice()))
                    .collect()
            }),
        };
        chunks.expect("an integer column")
    }
}

impl Ids<'_> {
    fn len(&self) -> usize {
        match self {
            Ids::U32(v) => v.len(),
            Ids::U64(v) => v.len(),
            Ids::I32(v) => v.len(),
            Ids::I64(v) => v.len(),
        }
    }

    /// The id at `row`, or the negative value found there.
    #[inline]
    fn get(&self, row: usize) -> std::result::Result<u64, i64> {
        match self {
            Ids::U32(v) => Ok(u64::from(v[row])),
            Ids::U64(v) => Ok(v[row]),
            Ids::I32(v) => u64::try_from(v[row]).map_err(|_| i64::from(v[row])),
            Ids::I64(v) => u64::try_from(v[row]).map_err(|_| v[row]),
        }
    }
}

/// The two id columns of a Parquet edge table as [`EdgeBlocks`], chunked alike.
struct ParquetIds<'a> {
    a: IntColumn,
    b: IntColumn,
    path: &'a Path,
}

impl<'a> ParquetIds<'a> {
    fn new(a: IntColumn, b: IntColumn, path: &'a Path) -> Self {
        let lengths = |c: &IntColumn| c.chunks().iter().map(Ids::len).collect::<Vec<_>>();
        if lengths(&a) == lengths(&b) {
            Self { a, b, path }
        } else {
            Self {
                a: a.rechunked(),
                b: b.rechunked(),
                path,
            }
        }
    }
}

impl EdgeBlocks for ParquetIds<'_> {
    /// One block per chunk (at most [`PARQUET_BLOCK`] rows), converted in parallel.
    fn for_each_block(&self, visit: &mut BlockVisitor<'_>) -> Result<()> {
        let mut block = Vec::new();
        let mut first = 0usize;
        for (a, b) in self.a.chunks().into_iter().zip(self.b.chunks()) {
            for start in (0..a.len()).step_by(PARQUET_BLOCK) {
                let len = PARQUET_BLOCK.min(a.len() - start);
                block.resize(len, (0u64, 0u64));
                block
                    .par_chunks_mut(1 << 14)
                    .enumerate()
                    .try_for_each(|(c, piece)| {
                        let at = start + c * (1 << 14);
                        for (i, slot) in piece.iter_mut().enumerate() {
                            let bad = |col: &IntColumn, v: i64| {
                                Error::parse(
                                    self.path,
                                    (first + at + i) as u64 + 1,
                                    format!(
                                        "a non-negative integer node id in column {}",
                                        col.series.name()
                                    ),
                                    &v.to_string(),
                                )
                            };
                            *slot = (
                                a.get(at + i).map_err(|v| bad(&self.a, v))?,
                                b.get(at + i).map_err(|v| bad(&self.b, v))?,
                            );
                        }
                        Ok(())
                    })?;
                visit(&block)?;
            }
            first += a.len();
        }
        Ok(())
    }

    fn edges_upper_bound(&self) -> Option<u64> {
        Some(self.a.series.len() as u64)
    }
}

/// Reads two named columns of a Parquet table as text, with 1-based row numbers.
pub(crate) fn parquet_pairs(
    path: &Path,
    wanted: [&str; 2],
    optional_second: bool,
) -> Result<Vec<PairRecord>> {
    let df = read_parquet(path)?;
    let [a, b] = pick_parquet(&df, path, wanted, false)?;
    let (xs, ys) = (
        column_strings(a, path, false)?,
        column_strings(b, path, optional_second)?,
    );
    Ok(xs
        .into_iter()
        .zip(ys)
        .enumerate()
        .map(|(i, (x, y))| (x, y, i as u64 + 1))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integer_csv_takes_named_columns() {
        let t = b"weight,target,source\n1,2,3\n1,4,5\n";
        assert_eq!(
            csv_edge_columns(b"weight,target,source\r\n", Path::new("e.csv")).unwrap(),
            (2, 1)
        );
        match csv_edges(t, Path::new("e.csv")).unwrap() {
            TableEdges::Int(v) => assert_eq!(v, vec![(3, 2), (5, 4)]),
            TableEdges::Str(_) => panic!("expected integer ids"),
        }
    }

    #[test]
    fn string_ids_and_quotes_fall_back_to_the_csv_reader() {
        let t = b"a,b\n\"x, jr\",y\nz,x\n";
        match csv_edges(t, Path::new("e.csv")).unwrap() {
            TableEdges::Str(v) => assert_eq!(v[0], ("x, jr".to_string(), "y".to_string())),
            TableEdges::Int(_) => panic!("expected string ids"),
        }
    }

    #[test]
    fn short_record_names_its_line() {
        let e = csv_edges(b"source,target\n1,2\n3\n", Path::new("e.csv")).unwrap_err();
        assert!(
            e.to_string().starts_with("e.csv:3: expected at least 2"),
            "{e}"
        );
    }

    #[test]
    fn missing_named_columns_are_a_format_error() {
        let e = csv_pairs(
            b"id,kind\n1,recruiter\n",
            Path::new("r.csv"),
            ["node", "role"],
            false,
            true,
        )
        .unwrap_err();
        assert!(
            e.to_string()
                .contains("expected a header line with columns node and role"),
            "{e}"
        );
    }

    /// Writes a Parquet file with the given columns into a temporary folder.
    fn parquet(columns: Vec<Column>) -> (tempfile::TempDir, std::path::PathBuf) {
        parquet_in_groups(columns, None)
    }

    /// [`parquet`] with row groups of `rows` rows (polars reads one chunk per group).
    fn parquet_in_groups(
        columns: Vec<Column>,
        rows: Option<usize>,
    ) -> (tempfile::TempDir, std::path::PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("e.parquet");
        let mut df = DataFrame::new_infer_height(columns).unwrap();
        ParquetWriter::new(File::create(&path).unwrap())
            .with_row_group_size(rows)
            .finish(&mut df)
            .unwrap();
        (dir, path)
    }

    #[test]
    fn parquet_row_groups_are_read_chunk_by_chunk_with_their_rows() {
        let sources: Vec<i64> = (0..1000).collect();
        let targets: Vec<i64> = (0..1000).map(|i| (i * 7 + 1) % 1000).collect();
        let (_dir, path) = parquet_in_groups(
            vec![
                Column::new("source".into(), &sources),
                Column::new("target".into(), &targets),
            ],
            Some(64),
        );
        let df = read_parquet(&path).unwrap();
        assert!(df.columns()[0].as_materialized_series().n_chunks() > 1);
        let g = parquet_graph(&path).unwrap();
        let want = ConnectionGraph::from_edges(
            sources
                .iter()
                .zip(&targets)
                .map(|(&a, &b)| (a.cast_unsigned(), b.cast_unsigned())),
        )
        .unwrap();
        assert_eq!(g.csr(), want.csr());
        assert_eq!(g.ids(), want.ids());
        assert_eq!(g.build_report(), want.build_report());
        // A bad id in a later group is named by its row in the file.
        let mut bad = targets.clone();
        bad[700] = -3;
        let (_dir, path) = parquet_in_groups(
            vec![
                Column::new("source".into(), &sources),
                Column::new("target".into(), &bad),
            ],
            Some(64),
        );
        let e = parquet_graph(&path).unwrap_err().to_string();
        assert!(e.contains("e.parquet:701:") && e.contains("\"-3\""), "{e}");
    }

    #[test]
    fn parquet_integer_columns_build_the_graph_in_blocks() {
        let (_dir, path) = parquet(vec![
            Column::new("weight".into(), [1.0f64, 2.0, 3.0]),
            Column::new("target".into(), [2u32, 3, 2]),
            Column::new("source".into(), [10u32, 2, 3]),
        ]);
        let g = parquet_graph(&path).unwrap();
        let want = ConnectionGraph::from_edges([(10, 2), (2, 3), (3, 2)]).unwrap();
        assert_eq!(g.node_count(), want.node_count());
        assert_eq!(g.edge_count(), want.edge_count());
        assert_eq!(g.build_report(), want.build_report());
        assert_eq!(g.ids(), want.ids());
    }

    #[test]
    fn parquet_u32_columns_in_row_groups_build_the_same_graph_as_pairs() {
        // Row groups of 64 rows, a self-loop, duplicates both ways; then an id
        // too large for the direct table (the builder switches to a hash map).
        for big in [0u32, 1 << 30] {
            let sources: Vec<u32> = (0..1000u32)
                .map(|i| i % 400 + big * u32::from(i == 5))
                .collect();
            let mut targets: Vec<u32> = (0..1000u32).map(|i| (i * 7 + 1) % 400).collect();
            targets[9] = sources[9];
            let (_dir, path) = parquet_in_groups(
                vec![
                    Column::new("source".into(), &sources),
                    Column::new("target".into(), &targets),
                ],
                Some(64),
            );
            let g = parquet_graph(&path).unwrap();
            let want = ConnectionGraph::from_edges(
                sources
                    .iter()
                    .zip(&targets)
                    .map(|(&a, &b)| (u64::from(a), u64::from(b))),
            )
            .unwrap();
            assert_eq!(g.csr(), want.csr());
            assert_eq!(g.ids(), want.ids());
            assert_eq!(g.build_report(), want.build_report());
            assert!(
                g.build_report().self_loops_dropped > 0 && g.build_report().duplicates_merged > 0
            );
        }
    }

    #[test]
    fn parquet_negative_and_null_ids_name_their_row() {
        let (_dir, path) = parquet(vec![
            Column::new("source".into(), [1i64, 2, -7]),
            Column::new("target".into(), [2i64, 3, 4]),
        ]);
        let e = parquet_graph(&path).unwrap_err().to_string();
        assert!(e.contains("e.parquet:3:") && e.contains("\"-7\""), "{e}");
        let (_dir, path) = parquet(vec![
            Column::new("source".into(), [Some(1u32), None]),
            Column::new("target".into(), [Some(2u32), Some(3)]),
        ]);
        let e = parquet_graph(&path).unwrap_err().to_string();
        assert!(e.contains("e.parquet:2:") && e.contains("null"), "{e}");
    }

    #[test]
    fn parquet_string_ids_are_read_as_text() {
        let (_dir, path) = parquet(vec![
            Column::new("source".into(), ["a", "b"]),
            Column::new("target".into(), ["b", "c"]),
        ]);
        let g = parquet_graph(&path).unwrap();
        assert_eq!((g.node_count(), g.edge_count()), (3, 2));
    }
}

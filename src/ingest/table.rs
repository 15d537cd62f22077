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

use crate::error::{Error, Result};

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

/// Reads a Parquet edge table: columns `source,target`, else the first two.
pub(crate) fn parquet_edges(path: &Path) -> Result<TableEdges> {
    let df = read_parquet(path)?;
    let [a, b] = pick_parquet(&df, path, ["source", "target"], true)?;
    if a.dtype().is_integer() && b.dtype().is_integer() {
        let ints = |c: &Column| -> Result<Vec<u64>> {
            let table_err = |source| Error::Table {
                context: format!("{}: cannot read column {}", path.display(), c.name()),
                source,
            };
            let bad = |row: usize, found: String| {
                Error::parse(
                    path,
                    row as u64 + 1,
                    format!("a non-negative integer node id in column {}", c.name()),
                    &found,
                )
            };
            if c.dtype().is_unsigned_integer() {
                let c64 = c.cast(&DataType::UInt64).map_err(table_err)?;
                let ca = c64.as_materialized_series().u64().map_err(table_err)?;
                ca.iter()
                    .enumerate()
                    .map(|(row, v)| v.ok_or_else(|| bad(row, "null".into())))
                    .collect()
            } else {
                let c64 = c.cast(&DataType::Int64).map_err(table_err)?;
                let ca = c64.as_materialized_series().i64().map_err(table_err)?;
                ca.iter()
                    .enumerate()
                    .map(|(row, v)| {
                        v.and_then(|x| u64::try_from(x).ok()).ok_or_else(|| {
                            bad(row, v.map_or("null".to_string(), |x| x.to_string()))
                        })
                    })
                    .collect()
            }
        };
        let (xs, ys) = (ints(a)?, ints(b)?);
        return Ok(TableEdges::Int(xs.into_iter().zip(ys).collect()));
    }
    let (xs, ys) = (
        column_strings(a, path, false)?,
        column_strings(b, path, false)?,
    );
    Ok(TableEdges::Str(xs.into_iter().zip(ys).collect()))
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
}

//! Text edge lists as people download them: SNAP (`#` comments, tab or space),
//! KONECT (`%` comments; weight and time columns ignored) and plain `u v` lines,
//! CRLF or LF; also comma-separated integer tables (the fast path of
//! [`super::table`]). Feeds [`crate::graph::ConnectionGraph::from_edge_blocks`].
//!
//! # Algorithm
//! The whole (decompressed) file is split into about 4 chunks per thread at line
//! ends; chunks are parsed in parallel with rayon and concatenated in file order,
//! so the edge order and any error do not depend on the thread count. The first
//! bad line in file order is reported with its 1-based line number.
//!
//! # Complexity
//! Time O(bytes); space O(bytes + 16 bytes per edge).

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::error::{Error, Result};
use crate::graph::{BlockVisitor, EdgeBlocks};

/// Bytes of text parsed at a time when streaming a file.
const BLOCK: usize = 4 << 20;

/// An edge-list file read in blocks, so it is never held whole in memory.
/// Implements [`EdgeBlocks`]: every pass re-reads (and re-decompresses) the file.
#[derive(Debug, Clone)]
pub struct EdgeListFile {
    path: PathBuf,
    fields: Fields,
    skip_header: bool,
}

impl EdgeListFile {
    /// A whitespace-separated edge list (SNAP, KONECT, plain).
    pub fn whitespace(path: &Path) -> Self {
        Self {
            path: path.to_path_buf(),
            fields: Fields::Whitespace,
            skip_header: false,
        }
    }

    /// A CSV file with a header line whose integer ids sit in columns `a` and `b`.
    pub(crate) fn comma(path: &Path, a: usize, b: usize) -> Self {
        Self {
            path: path.to_path_buf(),
            fields: Fields::Comma(a, b),
            skip_header: true,
        }
    }
}

/// Opens `path` for reading, decompressing gzip or zstd (by magic bytes).
/// Returns the reader and the compression's name, if any.
pub(crate) fn open_decoded(path: &Path) -> Result<(Box<dyn Read + Send>, Option<&'static str>)> {
    let file = std::fs::File::open(path).map_err(|e| Error::io("read", path, e))?;
    let mut r = BufReader::with_capacity(1 << 16, file);
    let head = r.fill_buf().map_err(|e| Error::io("read", path, e))?;
    match compression(head) {
        Some("gzip") => Ok((Box::new(flate2::read::MultiGzDecoder::new(r)), Some("gzip"))),
        Some(_) => {
            let d = zstd::stream::read::Decoder::with_buffer(r)
                .map_err(|e| Error::io("read", path, e))?;
            Ok((Box::new(d), Some("zstd")))
        }
        None => Ok((Box::new(r), None)),
    }
}

/// The compression a file starting with `head` uses, by its magic bytes.
fn compression(head: &[u8]) -> Option<&'static str> {
    if head.starts_with(&[0x1f, 0x8b]) {
        Some("gzip")
    } else if head.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
        Some("zstd")
    } else {
        None
    }
}

/// Reads up to `want` more bytes into `buf`; returns false at end of input.
fn fill(
    r: &mut dyn Read,
    buf: &mut Vec<u8>,
    want: usize,
    path: &Path,
    compressed: Option<&str>,
) -> Result<bool> {
    let start = buf.len();
    buf.resize(start + want, 0);
    let mut got = 0;
    while got < want {
        match r.read(&mut buf[start + got..]) {
            Ok(0) => break,
            Ok(k) => got += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) if compressed.is_some() => {
                let kind = compressed.unwrap_or_default();
                return Err(Error::format(
                    path,
                    format!("expected a valid {kind} stream ({e})"),
                ));
            }
            Err(e) => return Err(Error::io("read", path, e)),
        }
    }
    buf.truncate(start + got);
    Ok(got == want)
}

impl EdgeBlocks for EdgeListFile {
    /// A plain edge line takes at least 4 bytes (`1 2\n`); compressed files are
    /// assumed to shrink at most 4-fold.
    fn edges_upper_bound(&self) -> Option<u64> {
        let size = std::fs::metadata(&self.path).ok()?.len();
        let mut magic = [0u8; 4];
        let read = std::fs::File::open(&self.path)
            .and_then(|mut f| std::io::Read::read(&mut f, &mut magic))
            .ok()?;
        Some(if compression(&magic[..read]).is_some() {
            size
        } else {
            size / 4
        })
    }

    fn for_each_block(&self, f: &mut BlockVisitor<'_>) -> Result<()> {
        let path = self.path.as_path();
        let (mut reader, compressed) = open_decoded(path)?;
        let mut buf: Vec<u8> = Vec::with_capacity(BLOCK + (1 << 16));
        let mut line = 1u64;
        let mut first = true;
        loop {
            let more = fill(&mut *reader, &mut buf, BLOCK, path, compressed)?;
            if first {
                first = false;
                if buf.starts_with(&[0xEF, 0xBB, 0xBF]) {
                    buf.drain(..3);
                }
                if self.skip_header {
                    match memchr::memchr(b'\n', &buf) {
                        Some(p) => {
                            buf.drain(..=p);
                            line += 1;
                        }
                        None if !more => buf.clear(),
                        None => continue,
                    }
                }
            }
            let end = if more {
                match memchr::memrchr(b'\n', &buf) {
                    Some(p) => p + 1,
                    None => continue, // a line longer than a block: read on
                }
            } else {
                buf.len()
            };
            let edges = parse_edges(&buf[..end], path, self.fields, line)?;
            line += count_lines(&buf[..end]);
            f(&edges)?;
            buf.drain(..end);
            if !more {
                return Ok(());
            }
        }
    }
}

/// How the two id fields are found on a line.
#[derive(Debug, Clone, Copy)]
pub enum Fields {
    /// Whitespace separated; the first two fields, the rest ignored.
    Whitespace,
    /// Comma separated; the fields at these 0-based columns.
    Comma(usize, usize),
}

/// A bad line, before the chunk's line offset is known.
struct LineError {
    /// 0-based line within the chunk.
    line_in_chunk: u64,
    text: String,
}

/// Parses an edge list held in `bytes` (comment and blank lines skipped). `first_line`
/// is the 1-based line number of `bytes[0]` in `path`.
pub fn parse_edges(
    bytes: &[u8],
    path: &Path,
    fields: Fields,
    first_line: u64,
) -> Result<Vec<(u64, u64)>> {
    let chunks = split_at_lines(bytes, rayon::current_num_threads() * 4);
    let parsed: Vec<std::result::Result<Vec<(u64, u64)>, LineError>> =
        chunks.par_iter().map(|c| parse_chunk(c, fields)).collect();
    let mut total = 0;
    for (i, p) in parsed.iter().enumerate() {
        match p {
            Ok(v) => total += v.len(),
            Err(e) => {
                let before: u64 = chunks[..i].iter().map(|c| count_lines(c)).sum();
                let expected = match fields {
                    Fields::Whitespace => {
                        "two node ids (non-negative integers) separated by spaces or tabs"
                    }
                    Fields::Comma(..) => {
                        "two node ids (non-negative integers) separated by a comma"
                    }
                };
                return Err(Error::parse(
                    path,
                    first_line + before + e.line_in_chunk,
                    expected,
                    &e.text,
                ));
            }
        }
    }
    let mut edges = Vec::with_capacity(total);
    for p in parsed {
        edges.extend(p.unwrap_or_default());
    }
    Ok(edges)
}

/// Splits `bytes` into about `pieces` slices that each end at a line end.
fn split_at_lines(bytes: &[u8], pieces: usize) -> Vec<&[u8]> {
    let step = (bytes.len() / pieces.max(1)).max(1 << 16);
    let mut out = Vec::new();
    let mut start = 0;
    while start < bytes.len() {
        let mut end = (start + step).min(bytes.len());
        if end < bytes.len() {
            end = match bytes[end..].iter().position(|&b| b == b'\n') {
                Some(p) => end + p + 1,
                None => bytes.len(),
            };
        }
        out.push(&bytes[start..end]);
        start = end;
    }
    out
}

fn count_lines(chunk: &[u8]) -> u64 {
    memchr::memchr_iter(b'\n', chunk).count() as u64
}

fn parse_chunk(chunk: &[u8], fields: Fields) -> std::result::Result<Vec<(u64, u64)>, LineError> {
    if let Fields::Whitespace = fields
        && let Some(edges) = fast_whitespace_chunk(chunk)
    {
        return Ok(edges);
    }
    parse_lines(chunk, fields)
}

/// The common case of a whitespace edge list, in one pass over the bytes: lines of
/// `[ \t]*DIGITS[ \t]+DIGITS` followed by `[ \t]` and anything, or by `\r?\n` or
/// the end; blank and `#`/`%` lines. `None` at anything else (a bad line, other
/// whitespace, an overflow), and [`parse_lines`] takes the chunk over: it accepts
/// everything this does, with the same result, and reports errors.
fn fast_whitespace_chunk(chunk: &[u8]) -> Option<Vec<(u64, u64)>> {
    let is_blank = |c: u8| c == b' ' || c == b'\t';
    let len = chunk.len();
    let skip_blanks = |mut at: usize| {
        while at < len && is_blank(chunk[at]) {
            at += 1;
        }
        at
    };
    // Digits at `at`: the value and the index after them.
    let number = |mut at: usize| -> Option<(u64, usize)> {
        let start = at;
        let mut value: u64 = 0;
        while at < len && chunk[at].is_ascii_digit() {
            value = value
                .checked_mul(10)?
                .checked_add(u64::from(chunk[at] - b'0'))?;
            at += 1;
        }
        (at > start).then_some((value, at))
    };
    let line_end = |at: usize| memchr::memchr(b'\n', &chunk[at..]).map_or(len, |p| at + p + 1);
    // A line end at `at` (`\n`, `\r\n`, a final `\r` or the end): where the next line starts.
    let after_line_end = |at: usize| match chunk.get(at) {
        None => Some(at),
        Some(b'\n') => Some(at + 1),
        Some(b'\r') if chunk.get(at + 1).is_none_or(|&c| c == b'\n') => Some(at + 2),
        Some(_) => None,
    };
    let mut edges = Vec::with_capacity(len / 12);
    let mut pos = 0;
    while pos < len {
        pos = skip_blanks(pos);
        if pos == len {
            break;
        }
        if matches!(chunk[pos], b'#' | b'%') {
            pos = line_end(pos);
            continue;
        }
        if let Some(next) = after_line_end(pos) {
            pos = next;
            continue;
        }
        let (from, after_from) = number(pos)?;
        if !chunk.get(after_from).copied().is_some_and(is_blank) {
            return None;
        }
        let (to, after_to) = number(skip_blanks(after_from))?;
        pos = match chunk.get(after_to) {
            Some(&c) if is_blank(c) => line_end(after_to),
            _ => after_line_end(after_to)?,
        };
        edges.push((from, to));
    }
    Some(edges)
}

/// Line by line, for every field layout; names the first bad line.
fn parse_lines(chunk: &[u8], fields: Fields) -> std::result::Result<Vec<(u64, u64)>, LineError> {
    let mut edges = Vec::with_capacity(chunk.len() / 12);
    for (i, raw) in chunk.split(|&b| b == b'\n').enumerate() {
        let line = raw.strip_suffix(b"\r").unwrap_or(raw);
        let trimmed = line.trim_ascii_start();
        if trimmed.is_empty() || trimmed[0] == b'#' || trimmed[0] == b'%' {
            continue;
        }
        let pair = match fields {
            Fields::Whitespace => whitespace_pair(trimmed),
            Fields::Comma(a, b) => comma_pair(line, a, b),
        };
        match pair {
            Some(p) => edges.push(p),
            None => {
                return Err(LineError {
                    line_in_chunk: i as u64,
                    text: String::from_utf8_lossy(line).into_owned(),
                });
            }
        }
    }
    Ok(edges)
}

fn whitespace_pair(line: &[u8]) -> Option<(u64, u64)> {
    let mut it = line
        .split(|b| *b == b' ' || *b == b'\t')
        .filter(|t| !t.is_empty());
    let a = parse_u64(it.next()?)?;
    let b = parse_u64(it.next()?)?;
    Some((a, b))
}

fn comma_pair(line: &[u8], a: usize, b: usize) -> Option<(u64, u64)> {
    let (mut x, mut y) = (None, None);
    for (i, field) in line.split(|&c| c == b',').enumerate() {
        if i == a {
            x = Some(parse_u64(field.trim_ascii())?);
        }
        if i == b {
            y = Some(parse_u64(field.trim_ascii())?);
        }
    }
    Some((x?, y?))
}

/// Parses a non-empty run of ASCII digits as u64; None on anything else or overflow.
#[inline]
fn parse_u64(t: &[u8]) -> Option<u64> {
    if t.is_empty() || t.len() > 20 {
        return None;
    }
    let mut v: u64 = 0;
    for &c in t {
        let d = c.wrapping_sub(b'0');
        if d > 9 {
            return None;
        }
        v = v.checked_mul(10)?.checked_add(u64::from(d))?;
    }
    Some(v)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fmt::Write as _;

    #[test]
    fn the_fast_path_agrees_with_the_line_parser() {
        // Random files from pieces of good and bad lines (digits, blanks, line
        // ends, comments, junk, overflow): whenever the fast path answers, it
        // answers as the line parser does; on well-formed files it always answers.
        let pieces: [&[u8]; 18] = [
            b"12 34\n",
            b"0\t7\r\n",
            b" 5  6 w x\n",
            b"8 9",
            b"\n",
            b"\r\n",
            b"# c 1\n",
            b"%\n",
            b" ",
            b"\t",
            b"3",
            b"x",
            b"\r",
            b"\x0c",
            b"-1 2\n",
            b"18446744073709551615 1\n",
            b"18446744073709551616 1\n",
            b"4 5\r6\n",
        ];
        let mut state = 7u64;
        let mut answered = 0;
        for case in 0..20_000 {
            let count = (case % 12) + 1;
            let bytes: Vec<u8> = (0..count)
                .flat_map(|_| {
                    state = crate::seed::splitmix(state);
                    pieces[usize::try_from(state % pieces.len() as u64).unwrap()]
                        .iter()
                        .copied()
                })
                .collect();
            let slow = parse_lines(&bytes, Fields::Whitespace).ok();
            if let Some(fast) = fast_whitespace_chunk(&bytes) {
                assert_eq!(Some(fast), slow, "{:?}", String::from_utf8_lossy(&bytes));
                answered += 1;
            }
        }
        assert!(
            answered > 2_000,
            "the fast path answered only {answered} cases"
        );
        let good = b"# c\r\n1 2\n\t3\t4 x y\r\n\n  % c\n18446744073709551615 0\r\n5 6";
        let fast = fast_whitespace_chunk(good).expect("well-formed");
        assert_eq!(fast, vec![(1, 2), (3, 4), (u64::MAX, 0), (5, 6)]);
        assert_eq!(Some(fast), parse_lines(good, Fields::Whitespace).ok());
        assert!(fast_whitespace_chunk(b"18446744073709551616 0\n").is_none());
    }

    #[test]
    fn size_bounds_the_edges_of_plain_and_compressed_files() {
        use std::io::Write as _;
        let dir = tempfile::tempdir().unwrap();
        let plain = dir.path().join("e.txt");
        std::fs::write(&plain, "10 20\n30 40\n").unwrap();
        assert_eq!(
            EdgeListFile::whitespace(&plain).edges_upper_bound(),
            Some(3)
        );
        let gz = dir.path().join("e.txt.gz");
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        enc.write_all(b"10 20\n30 40\n").unwrap();
        let bytes = enc.finish().unwrap();
        std::fs::write(&gz, &bytes).unwrap();
        assert_eq!(
            EdgeListFile::whitespace(&gz).edges_upper_bound(),
            Some(bytes.len() as u64)
        );
    }

    #[test]
    fn streaming_blocks_keep_line_numbers_and_split_lines_correctly() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.txt");
        let mut t = String::from("\u{feff}# header\n");
        // About 2.5 blocks of text.
        let lines = 1_700_000u64;
        for i in 0..lines {
            writeln!(t, "{i}\t{}", i + 1).unwrap();
        }
        std::fs::write(&path, &t).unwrap();
        let mut seen = 0u64;
        let mut blocks = 0;
        EdgeListFile::whitespace(&path)
            .for_each_block(&mut |b| {
                for (k, &(x, y)) in b.iter().enumerate() {
                    assert_eq!((x, y), (seen + k as u64, seen + k as u64 + 1));
                }
                seen += b.len() as u64;
                blocks += 1;
                Ok(())
            })
            .unwrap();
        assert!(blocks >= 2, "{blocks}");
        assert_eq!(seen, lines);
        t.push_str("bad line\n");
        std::fs::write(&path, &t).unwrap();
        let e = EdgeListFile::whitespace(&path)
            .for_each_block(&mut |_| Ok(()))
            .unwrap_err();
        assert!(
            e.to_string().contains(&format!("big.txt:{}:", lines + 2)),
            "{e}"
        );
    }

    fn parse(text: &str) -> Result<Vec<(u64, u64)>> {
        parse_edges(text.as_bytes(), Path::new("e.txt"), Fields::Whitespace, 1)
    }

    #[test]
    fn snap_and_konect_headers_and_extra_columns() {
        let t = "# Directed graph\n# Nodes: 3 Edges: 2\n% sym unweighted\n1\t2\n2 3 1.5 1234567\r\n\n  \n";
        assert_eq!(parse(t).unwrap(), vec![(1, 2), (2, 3)]);
    }

    #[test]
    fn bad_line_is_named_with_its_number() {
        let e = parse("1 2\n# c\n12 abc\n").unwrap_err().to_string();
        assert_eq!(
            e,
            "e.txt:3: expected two node ids (non-negative integers) separated by spaces or tabs, found \"12 abc\""
        );
    }

    #[test]
    fn negative_and_overflowing_ids_are_rejected() {
        assert!(parse("-1 2\n").is_err());
        assert!(parse("18446744073709551616 1\n").is_err());
        assert_eq!(
            parse("18446744073709551615 1").unwrap(),
            vec![(u64::MAX, 1)]
        );
    }

    #[test]
    fn line_numbers_stay_right_across_chunks() {
        let mut t = String::new();
        for i in 0..200_000 {
            writeln!(t, "{i} {}", i + 1).unwrap();
        }
        t.push_str("oops\n");
        let e = parse(&t).unwrap_err().to_string();
        assert!(e.starts_with("e.txt:200001:"), "{e}");
    }

    #[test]
    fn comma_fields_pick_columns() {
        let e = parse_edges(b"7,x,9\n", Path::new("t.csv"), Fields::Comma(0, 2), 2).unwrap();
        assert_eq!(e, vec![(7, 9)]);
        let err = parse_edges(b"7,x\n", Path::new("t.csv"), Fields::Comma(0, 2), 2).unwrap_err();
        assert!(err.to_string().starts_with("t.csv:2:"));
    }
}

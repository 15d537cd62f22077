//! netreach's own graph file (`.nrg`): the CSR exactly as it sits in memory,
//! written once by `netreach import graph` and read back in a fraction of the time
//! text takes, for the repeated runs of an experiment on one network. Optionally
//! carries the roles (one byte per node), so `--roles` can be left out, and the
//! firms (who works where, each firm's industry and labour market), so an
//! experiment's job leads need no nodes table. Read by [`super::load_graph`]
//! whenever a graph path ends in `.nrg`.
//!
//! # Layout
//! Little-endian throughout. A 64-byte header: the magic `NRGRAPH\0`, the format
//! version (u32), flags (u32: bit 0 string ids, bit 1 ids `0..n` not stored, bit 2
//! roles present, bit 3 firms present), then the node count, arc count, edge
//! records read, self-loops dropped and duplicates merged (u64 each) and the firm
//! count F (u64, 0 without firms). Then the sections: offsets (`n + 1` u64),
//! targets (`arcs` u32), external ids (integer: `n` u64; string: `n + 1` u64 byte
//! offsets, then the UTF-8 bytes), roles (`n` bytes), firms (the firm of each
//! node, `n` u32 with `u32::MAX` for none; then each firm's industry and its
//! labour market, `F` u32 each), and a CRC-32 of everything before it. Files
//! without firms are byte for byte what earlier versions wrote.
//!
//! # Algorithm and complexity
//! Reading is one sequential pass: each section goes straight into its final
//! vector (no parsing), the CRC is updated on the way, and the structure is
//! checked in parallel (offsets ascending and ending at the arc count, every
//! neighbour list strictly ascending without self-loops, ids strictly ascending,
//! role codes known, firm numbers below F), so a truncated, corrupted or foreign
//! file is an error, never
//! a panic. That every edge is listed at both ends is not checked (it would cost a
//! search per arc): the checksum vouches for it in files netreach wrote. Time
//! O(file size); memory: the graph itself, nothing more.

use std::io::{BufWriter, Read, Write};
use std::path::Path;

use rayon::prelude::*;

use crate::error::{Error, Result};
use crate::firms::Firms;
use crate::graph::{BuildReport, ConnectionGraph, NodeIds};
use crate::output::{Overwrite, write_atomically};
use crate::roles::RoleMap;

mod part;
pub use part::GraphFile;

/// The first 8 bytes of every netreach graph file.
pub const MAGIC: &[u8; 8] = b"NRGRAPH\0";
pub(super) const VERSION: u32 = 1;
const STRING_IDS: u32 = 1;
const DENSE_IDS: u32 = 2;
const HAS_ROLES: u32 = 4;
const HAS_FIRMS: u32 = 8;
const HEADER: usize = 64;

/// What a graph file holds besides the graph.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Stored {
    /// The roles, if the file carries them.
    pub roles: Option<RoleMap>,
    /// The firms, if the file carries them.
    pub firms: Option<Firms>,
}

/// Writes `graph` (and `stored`'s roles and firms, if given) to `path`
/// atomically.
///
/// # Panics
/// If the firms do not cover exactly the graph's nodes.
pub fn write(
    graph: &ConnectionGraph,
    stored: &Stored,
    path: &Path,
    overwrite: Overwrite,
) -> Result<()> {
    let Stored { roles, firms } = stored;
    if let Some(firms) = firms {
        assert_eq!(
            firms.node_count(),
            graph.node_count(),
            "a firm entry per node"
        );
    }
    let (offsets, targets) = graph.csr();
    let n = graph.node_count();
    let mut flags = 0;
    match graph.ids() {
        NodeIds::Str(_) => flags |= STRING_IDS,
        NodeIds::Int(v) if v.iter().enumerate().all(|(i, &id)| id == i as u64) => {
            flags |= DENSE_IDS;
        }
        NodeIds::Int(_) => {}
    }
    if roles.is_some() {
        flags |= HAS_ROLES;
    }
    if firms.is_some() {
        flags |= HAS_FIRMS;
    }
    let r = graph.build_report();
    write_atomically(path, overwrite, |w: &mut BufWriter<std::fs::File>| {
        let mut out = Crc {
            w,
            crc: crc32fast::Hasher::new(),
        };
        let mut header = Vec::with_capacity(HEADER);
        header.extend_from_slice(MAGIC);
        header.extend_from_slice(&VERSION.to_le_bytes());
        header.extend_from_slice(&flags.to_le_bytes());
        for x in [
            n as u64,
            targets.len() as u64,
            r.edges_read,
            r.self_loops_dropped,
            r.duplicates_merged,
            firms.as_ref().map_or(0, |f| u64::from(f.firm_count())),
        ] {
            header.extend_from_slice(&x.to_le_bytes());
        }
        out.put(&header)?;
        out.put_words(offsets)?;
        out.put_words(targets)?;
        match graph.ids() {
            NodeIds::Int(v) if flags & DENSE_IDS == 0 => out.put_words(v)?,
            NodeIds::Int(_) => {}
            NodeIds::Str(v) => {
                let mut ends = Vec::with_capacity(n + 1);
                let mut at = 0u64;
                ends.push(at);
                for s in v {
                    at += s.len() as u64;
                    ends.push(at);
                }
                out.put_words(&ends)?;
                for s in v {
                    out.put(s.as_bytes())?;
                }
            }
        }
        if let Some(roles) = roles {
            out.put(&roles.codes()[..n])?;
        }
        if let Some(firms) = firms {
            out.put_words(firms.firms_of_nodes())?;
            let (industries, markets): (Vec<u32>, Vec<u32>) = (0..firms.firm_count())
                .map(|f| (firms.industry(f), firms.market(f)))
                .unzip();
            out.put_words(&industries)?;
            out.put_words(&markets)?;
        }
        let crc = out.crc.finalize();
        out.w.write_all(&crc.to_le_bytes())
    })
}

/// A writer that keeps a CRC of what went through it.
struct Crc<'a, W: Write> {
    w: &'a mut W,
    crc: crc32fast::Hasher,
}

impl<W: Write> Crc<'_, W> {
    fn put(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        self.crc.update(bytes);
        self.w.write_all(bytes)
    }

    /// Whole numbers as little-endian bytes, a block at a time.
    fn put_words<T: Word>(&mut self, words: &[T]) -> std::io::Result<()> {
        for chunk in words.chunks(1 << 16) {
            if cfg!(target_endian = "little") {
                self.put(bytemuck::cast_slice(chunk))?;
            } else {
                let le: Vec<T> = chunk.iter().map(|x| x.le()).collect();
                self.put(bytemuck::cast_slice(&le))?;
            }
        }
        Ok(())
    }
}

/// The word types of the sections; `le` converts between native and little-endian
/// order (the same swap both ways; nothing on little-endian machines).
trait Word: bytemuck::Pod {
    fn le(self) -> Self;
}
impl Word for u32 {
    fn le(self) -> Self {
        self.to_le()
    }
}
impl Word for u64 {
    fn le(self) -> Self {
        self.to_le()
    }
}

/// True when `path` starts with the graph file magic.
pub fn is_graph_file(path: &Path) -> bool {
    let mut head = [0u8; 8];
    std::fs::File::open(path)
        .and_then(|mut f| f.read_exact(&mut head))
        .is_ok_and(|()| &head == MAGIC)
}

/// What a graph file's header says, checked against the file's size.
pub(super) struct Header {
    /// Bit 0 string ids, bit 1 ids `0..n` not stored, bit 2 roles present,
    /// bit 3 firms present.
    pub flags: u32,
    pub nodes: u64,
    pub arcs: u64,
    /// Firms stored (0 without).
    pub firms: u64,
    pub report: BuildReport,
    /// Bytes of everything but the string ids' text.
    pub fixed: u64,
}

impl Header {
    pub(super) fn parse(
        header: &[u8; HEADER],
        size: u64,
        bad: &dyn Fn(&str) -> Error,
    ) -> Result<Self> {
        if &header[..8] != MAGIC {
            return Err(bad("it does not start with NRGRAPH"));
        }
        let word32 = |i: usize| u32::from_le_bytes(header[i..i + 4].try_into().expect("4 bytes"));
        let word64 = |i: usize| u64::from_le_bytes(header[i..i + 8].try_into().expect("8 bytes"));
        if word32(8) != VERSION {
            return Err(bad(&format!(
                "format version {} is not {VERSION}",
                word32(8)
            )));
        }
        let flags = word32(12);
        let (n, arcs) = (word64(16), word64(24));
        let report = BuildReport {
            edges_read: word64(32),
            self_loops_dropped: word64(40),
            duplicates_merged: word64(48),
        };
        let firms = word64(56);
        if flags > 15
            || n >= u64::from(u32::MAX)
            || arcs > size / 4
            || firms > size / 8
            || (flags & HAS_FIRMS == 0 && firms != 0)
        {
            return Err(bad("its header is inconsistent"));
        }
        // Both limits above keep these products far from overflowing.
        let fixed = HEADER as u64
            + (n + 1) * 8
            + arcs * 4
            + if flags & STRING_IDS != 0 {
                (n + 1) * 8
            } else if flags & DENSE_IDS == 0 {
                n * 8
            } else {
                0
            }
            + if flags & HAS_ROLES != 0 { n } else { 0 }
            + if flags & HAS_FIRMS != 0 {
                n * 4 + firms * 8
            } else {
                0
            }
            + 4;
        if fixed > size {
            return Err(bad(&format!(
                "it is {size} bytes, too short for {n} nodes and {arcs} arcs"
            )));
        }
        Ok(Header {
            flags,
            nodes: n,
            arcs,
            firms,
            report,
            fixed,
        })
    }
}

/// Reads a graph file: the graph, and the roles and firms it carries.
pub fn read(path: &Path) -> Result<(ConnectionGraph, Stored)> {
    let file = std::fs::File::open(path).map_err(|e| Error::io("read", path, e))?;
    let size = file
        .metadata()
        .map_err(|e| Error::io("read", path, e))?
        .len();
    read_from(std::io::BufReader::with_capacity(1 << 20, file), size, path)
}

/// [`read`] from any reader of `size` bytes; `path` names it in errors.
pub fn read_from(reader: impl Read, size: u64, path: &Path) -> Result<(ConnectionGraph, Stored)> {
    let bad = |what: &str| {
        Error::format(
            path,
            format!("expected a netreach graph file (written by `netreach import graph`); {what}"),
        )
    };
    let mut r = CrcReader {
        r: reader,
        crc: crc32fast::Hasher::new(),
        path,
    };
    let mut header = [0u8; HEADER];
    if size < (HEADER + 4) as u64 {
        return Err(bad("the file is too short for its header"));
    }
    r.take(&mut header)?;
    let Header {
        flags,
        nodes: n,
        arcs,
        firms: firm_count,
        report,
        fixed,
    } = Header::parse(&header, size, &bad)?;
    let n = usize::try_from(n).map_err(|_| bad("too many nodes"))?;
    let arcs = usize::try_from(arcs).map_err(|_| bad("too many arcs"))?;
    // Huge pages: traversals read these arrays at random (crate::memory).
    let mut offsets: Vec<u64> = crate::memory::zeroed_vec(n + 1);
    r.take_words(&mut offsets)?;
    let mut targets: Vec<u32> = crate::memory::zeroed_vec(arcs);
    r.take_words(&mut targets)?;
    let ids = read_ids(&mut r, flags, n, size - fixed, &bad)?;
    let roles = if flags & HAS_ROLES != 0 {
        let mut codes: Vec<u8> = crate::memory::zeroed_vec(n);
        r.take(&mut codes)?;
        Some(RoleMap::from_codes(codes).ok_or_else(|| bad("a role code is unknown"))?)
    } else {
        None
    };
    let firms = if flags & HAS_FIRMS != 0 {
        let f = usize::try_from(firm_count).map_err(|_| bad("too many firms"))?;
        let mut firm_of = vec![0u32; n];
        r.take_words(&mut firm_of)?;
        let mut industry = vec![0u32; f];
        r.take_words(&mut industry)?;
        let mut market = vec![0u32; f];
        r.take_words(&mut market)?;
        Some(
            Firms::from_stored(firm_of, industry, market)
                .map_err(|x| bad(&format!("firm {x} is not among its {f} firms")))?,
        )
    } else {
        None
    };
    let want = r.crc.clone().finalize();
    let mut crc = [0u8; 4];
    r.r.read_exact(&mut crc)
        .map_err(|e| Error::io("read", path, e))?;
    if u32::from_le_bytes(crc) != want {
        return Err(bad("its checksum does not match: the file is damaged"));
    }
    let mut rest = [0u8; 1];
    if r.r
        .read(&mut rest)
        .map_err(|e| Error::io("read", path, e))?
        != 0
    {
        return Err(bad("it has bytes after its checksum"));
    }
    let graph =
        ConnectionGraph::from_csr(offsets, targets, ids, report).map_err(|what| bad(&what))?;
    Ok((graph, Stored { roles, firms }))
}

/// Reads the id section; `extra` is the file's size beyond the fixed-size parts,
/// which string ids must fill exactly.
fn read_ids<R: Read>(
    r: &mut CrcReader<'_, R>,
    flags: u32,
    n: usize,
    extra: u64,
    bad: &dyn Fn(&str) -> Error,
) -> Result<NodeIds> {
    Ok(if flags & STRING_IDS != 0 {
        let mut ends = vec![0u64; n + 1];
        r.take_words(&mut ends)?;
        let total = ends[n];
        if ends[0] != 0 || ends.windows(2).any(|w| w[0] > w[1]) || total != extra {
            return Err(bad("its string ids are inconsistent"));
        }
        let mut bytes = vec![0u8; usize::try_from(total).map_err(|_| bad("ids too long"))?];
        r.take(&mut bytes)?;
        let text = String::from_utf8(bytes).map_err(|_| bad("a string id is not UTF-8"))?;
        #[allow(clippy::cast_possible_truncation)] // within the text's length
        let names: Vec<String> = ends
            .windows(2)
            .map(|w| text.get(w[0] as usize..w[1] as usize).map(str::to_owned))
            .collect::<Option<_>>()
            .ok_or_else(|| bad("a string id is cut inside a character"))?;
        if names.windows(2).any(|w| w[0] >= w[1]) {
            return Err(bad("its ids are not in ascending order"));
        }
        NodeIds::Str(names)
    } else if flags & DENSE_IDS != 0 {
        NodeIds::Int((0..n as u64).collect())
    } else {
        let mut v = vec![0u64; n];
        r.take_words(&mut v)?;
        if v.par_windows(2).any(|w| w[0] >= w[1]) {
            return Err(bad("its ids are not in ascending order"));
        }
        NodeIds::Int(v)
    })
}

/// A reader that keeps a CRC of what went through it.
struct CrcReader<'a, R: Read> {
    r: R,
    crc: crc32fast::Hasher,
    path: &'a Path,
}

impl<R: Read> CrcReader<'_, R> {
    fn take(&mut self, buf: &mut [u8]) -> Result<()> {
        self.r.read_exact(buf).map_err(|e| {
            if e.kind() == std::io::ErrorKind::UnexpectedEof {
                Error::format(self.path, "expected a netreach graph file; it ends early")
            } else {
                Error::io("read", self.path, e)
            }
        })?;
        self.crc.update(buf);
        Ok(())
    }

    /// Reads little-endian words straight into `words`.
    fn take_words<T: Word>(&mut self, words: &mut [T]) -> Result<()> {
        for chunk in words.chunks_mut(1 << 18) {
            self.take(bytemuck::cast_slice_mut(chunk))?;
        }
        if cfg!(target_endian = "big") {
            for w in words.iter_mut() {
                *w = w.le();
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::firms::NO_FIRM;
    use crate::graph::NodeId;
    use crate::roles::Role;

    fn stored(roles: Option<&RoleMap>) -> Stored {
        Stored {
            roles: roles.cloned(),
            firms: None,
        }
    }

    fn round_trip(graph: &ConnectionGraph, stored: &Stored) -> Vec<u8> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("g.nrg");
        write(graph, stored, &path, Overwrite::Refuse).unwrap();
        let (back, back_stored) = read(&path).unwrap();
        assert_eq!(back.csr(), graph.csr());
        assert_eq!(back.ids(), graph.ids());
        assert_eq!(back.build_report(), graph.build_report());
        assert_eq!(&back_stored, stored);
        std::fs::read(&path).unwrap()
    }

    #[test]
    fn graphs_and_roles_come_back_the_same() {
        let dense = ConnectionGraph::from_edges([(0, 1), (1, 2), (2, 0), (2, 3), (3, 3)]).unwrap();
        let roles = RoleMap::from_roles(
            4,
            [
                (NodeId(1), Role::Recruiter),
                (NodeId(3), Role::HiringManager),
            ],
        );
        let bytes = round_trip(&dense, &stored(Some(&roles)));
        assert_eq!(&bytes[..8], MAGIC);
        // Ids 0..n are not stored: header, offsets, targets, roles, checksum.
        assert_eq!(bytes.len(), HEADER + 5 * 8 + 8 * 4 + 4 + 4);
        round_trip(&dense, &stored(None));
        // Firms: a firm per node (one works nowhere), an industry and a market
        // per firm.
        let firms = Firms::from_stored(vec![1, 0, NO_FIRM, 1], vec![0, 2], vec![3, 4]).unwrap();
        let with_firms = Stored {
            roles: Some(roles),
            firms: Some(firms),
        };
        let bytes = round_trip(&dense, &with_firms);
        assert_eq!(
            bytes.len(),
            HEADER + 5 * 8 + 8 * 4 + 4 + 4 * 4 + 2 * 4 * 2 + 4
        );
        let sparse = ConnectionGraph::from_edges([(10, 1 << 40), (7, 10)]).unwrap();
        round_trip(&sparse, &stored(None));
        let named = ConnectionGraph::from_string_edges(
            &[
                ("zoë".into(), "alice".into()),
                ("bob".into(), "alice".into()),
            ],
            Path::new("<t>"),
        )
        .unwrap();
        round_trip(&named, &stored(Some(&RoleMap::none(3))));
    }

    #[test]
    fn every_damaged_or_cut_file_is_an_error_not_a_panic() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("g.nrg");
        let g = ConnectionGraph::from_string_edges(
            &[("a".into(), "b".into()), ("b".into(), "c".into())],
            Path::new("<t>"),
        )
        .unwrap();
        let firms = Firms::from_stored(vec![0, 1, 0], vec![0, 0], vec![0, 0]).unwrap();
        let with_firms = Stored {
            roles: Some(RoleMap::none(3)),
            firms: Some(firms),
        };
        write(&g, &with_firms, &path, Overwrite::Refuse).unwrap();
        let good = std::fs::read(&path).unwrap();
        let bad = dir.path().join("bad.nrg");
        for i in 0..good.len() {
            for flip in [0x01u8, 0x80, 0xff] {
                let mut b = good.clone();
                b[i] ^= flip;
                std::fs::write(&bad, &b).unwrap();
                let e = read(&bad).unwrap_err().to_string();
                assert!(e.starts_with(&bad.display().to_string()), "{e}");
            }
        }
        for len in 0..good.len() {
            std::fs::write(&bad, &good[..len]).unwrap();
            assert!(read(&bad).is_err(), "cut at {len}");
        }
        let mut longer = good.clone();
        longer.push(0);
        std::fs::write(&bad, &longer).unwrap();
        assert!(read(&bad).is_err());
        // Integer ids 0..n: a trailing byte is named as such.
        let small = dir.path().join("small.nrg");
        write(
            &ConnectionGraph::from_edges([(0, 1)]).unwrap(),
            &Stored::default(),
            &small,
            Overwrite::Refuse,
        )
        .unwrap();
        let mut longer = std::fs::read(&small).unwrap();
        longer.push(0);
        std::fs::write(&bad, &longer).unwrap();
        let e = read(&bad).unwrap_err().to_string();
        assert!(e.contains("after its checksum"), "{e}");
        assert!(is_graph_file(&path) && !is_graph_file(&dir.path().join("missing")));
    }
}

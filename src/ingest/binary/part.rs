//! A `.nrg` graph file opened for random access, for a cluster process that must
//! not load the whole graph: its own part ([`GraphFile::read_part`]), the few
//! nodes the queries name (neighbours, role, external id) and id lookups, each
//! read where it sits in the file.
//!
//! # Algorithm and complexity
//! [`GraphFile::read_part`] reads the file once in order to check its CRC (a 1 MiB
//! buffer), the offsets once more to cut the balanced ranges
//! ([`crate::graph::balanced_bounds`]), then its own slice of each section; it
//! checks that slice as [`super::read`] checks a whole file (lists strictly
//! ascending, in range, without self-loops; role codes known). Time O(file size),
//! memory O(own part). A lookup is a binary search over the sorted id section:
//! O(log n) reads of 8 bytes (plus the string for string ids).

use std::fs::File;
use std::io::{BufReader, Read};
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};

use super::{DENSE_IDS, HAS_FIRMS, HAS_ROLES, HEADER, Header, STRING_IDS};
use crate::digest::Fnv;
use crate::error::{Error, Result};
use crate::firms::Firms;
use crate::graph::{GraphPart, NamedNode, NodeId, NodeIds, balanced_bounds};

/// A graph file, open for reading pieces of it.
#[derive(Debug)]
pub struct GraphFile {
    path: PathBuf,
    file: File,
    size: u64,
    flags: u32,
    nodes: u32,
    arcs: u64,
    header: [u8; HEADER],
    crc: u32,
    /// Bytes of the firms section (0 without firms), which follows the roles.
    firm_bytes: u64,
    /// Firms stored.
    firm_count: u64,
}

impl GraphFile {
    /// Opens `path` and checks its header against its size.
    ///
    /// # Errors
    /// If the file cannot be read or is not a netreach graph file.
    pub fn open(path: &Path) -> Result<Self> {
        let file = File::open(path).map_err(|e| Error::io("read", path, e))?;
        let size = file
            .metadata()
            .map_err(|e| Error::io("read", path, e))?
            .len();
        let mut g = GraphFile {
            path: path.to_path_buf(),
            file,
            size,
            flags: 0,
            nodes: 0,
            arcs: 0,
            header: [0; HEADER],
            crc: 0,
            firm_bytes: 0,
            firm_count: 0,
        };
        if size < (HEADER + 4) as u64 {
            return Err(g.bad("the file is too short for its header"));
        }
        let mut header = [0u8; HEADER];
        g.read_at(0, &mut header)?;
        let h = Header::parse(&header, size, &|w| g.bad(w))?;
        if h.flags & STRING_IDS == 0 && h.fixed != size {
            return Err(g.bad(&format!(
                "it is {size} bytes where its header says {}",
                h.fixed
            )));
        }
        let mut crc = [0u8; 4];
        g.read_at(size - 4, &mut crc)?;
        g.flags = h.flags;
        g.nodes = u32::try_from(h.nodes).map_err(|_| g.bad("too many nodes"))?;
        g.arcs = h.arcs;
        g.header = header;
        g.crc = u32::from_le_bytes(crc);
        if h.flags & HAS_FIRMS != 0 {
            g.firm_bytes = h.nodes * 4 + h.firms * 8;
            g.firm_count = h.firms;
        }
        Ok(g)
    }

    fn bad(&self, what: &str) -> Error {
        Error::format(
            &self.path,
            format!("expected a netreach graph file (written by `netreach import graph`); {what}"),
        )
    }

    fn read_at(&self, at: u64, buf: &mut [u8]) -> Result<()> {
        self.file.read_exact_at(buf, at).map_err(|e| {
            if e.kind() == std::io::ErrorKind::UnexpectedEof {
                self.bad("it ends early")
            } else {
                Error::io("read", &self.path, e)
            }
        })
    }

    fn word_at(&self, at: u64) -> Result<u64> {
        let mut b = [0u8; 8];
        self.read_at(at, &mut b)?;
        Ok(u64::from_le_bytes(b))
    }

    /// Nodes in the graph.
    pub fn node_count(&self) -> u32 {
        self.nodes
    }

    /// Arcs in the graph (twice the edges).
    pub fn arc_count(&self) -> u64 {
        self.arcs
    }

    /// True when the file carries roles.
    pub fn has_roles(&self) -> bool {
        self.flags & HAS_ROLES != 0
    }

    /// A digest of the file as written (its header, size and stored checksum), for
    /// processes to check they read the same graph without reading all of it.
    pub fn fingerprint(&self) -> u64 {
        let mut h = Fnv::default();
        h.bytes(&self.header);
        h.word(self.size);
        h.word(u64::from(self.crc));
        h.finish()
    }

    #[allow(clippy::unused_self)] // one accessor per section
    fn offsets_at(&self) -> u64 {
        HEADER as u64
    }

    fn targets_at(&self) -> u64 {
        self.offsets_at() + (u64::from(self.nodes) + 1) * 8
    }

    fn ids_at(&self) -> u64 {
        self.targets_at() + self.arcs * 4
    }

    /// Where the string ids' text starts.
    fn text_at(&self) -> u64 {
        self.ids_at() + (u64::from(self.nodes) + 1) * 8
    }

    /// Where the string ids' text ends.
    fn text_end(&self) -> u64 {
        if self.has_roles() {
            self.roles_at()
        } else {
            self.size - 4 - self.firm_bytes
        }
    }

    fn roles_at(&self) -> u64 {
        self.size - 4 - self.firm_bytes - u64::from(self.nodes)
    }

    fn offset(&self, v: u32) -> Result<u64> {
        let o = self.word_at(self.offsets_at() + u64::from(v) * 8)?;
        if o > self.arcs {
            return Err(self.bad("its offsets are inconsistent"));
        }
        Ok(o)
    }

    /// Reads `count` little-endian u32 from `at`, a block at a time.
    fn u32s_at(&self, at: u64, count: usize) -> Result<Vec<u32>> {
        let mut out = vec![0u32; count];
        for (i, chunk) in out.chunks_mut(1 << 18).enumerate() {
            let pos = at + (i as u64) * (1 << 18) * 4;
            self.read_at(pos, bytemuck::cast_slice_mut(chunk))?;
        }
        if cfg!(target_endian = "big") {
            for x in &mut out {
                *x = u32::from_le(*x);
            }
        }
        Ok(out)
    }

    /// The checked neighbour list of `v`, read from the file.
    fn list(&self, v: u32, lo: u64, hi: u64) -> Result<Vec<u32>> {
        if lo > hi {
            return Err(self.bad("its offsets are not ascending"));
        }
        let list = self.u32s_at(
            self.targets_at() + lo * 4,
            usize::try_from(hi - lo).map_err(|_| self.bad("a list is too long"))?,
        )?;
        self.check_list(v, &list)?;
        Ok(list)
    }

    /// Node `v`'s list as a whole-file read checks it: strictly ascending, in
    /// range, without `v` itself.
    fn check_list(&self, v: u32, list: &[u32]) -> Result<()> {
        if list.windows(2).any(|w| w[0] >= w[1]) || list.iter().any(|&w| w >= self.nodes || w == v)
        {
            return Err(self.bad("a neighbour list is not strictly ascending, names a missing node or the node itself"));
        }
        Ok(())
    }

    /// The role code of `v` (0 when the file carries none).
    fn role_code(&self, v: u32) -> Result<u8> {
        if !self.has_roles() {
            return Ok(0);
        }
        let mut b = [0u8; 1];
        self.read_at(self.roles_at() + u64::from(v), &mut b)?;
        if b[0] > 2 {
            return Err(self.bad("a role code is unknown"));
        }
        Ok(b[0])
    }

    /// `v`'s neighbours and role.
    ///
    /// # Errors
    /// If the file is damaged there.
    pub fn named(&self, v: NodeId) -> Result<NamedNode> {
        let (lo, hi) = (self.offset(v.0)?, self.offset(v.0 + 1)?);
        Ok(NamedNode {
            id: v,
            neighbors: self.list(v.0, lo, hi)?,
            role: self.role_code(v.0)?,
        })
    }

    /// The bytes of string id `v`.
    /// The sorted neighbours of node `v`, read where they sit.
    ///
    /// # Errors
    /// If the file is damaged there.
    pub fn neighbors(&self, v: u32) -> Result<Vec<u32>> {
        let (lo, hi) = (self.offset(v)?, self.offset(v + 1)?);
        self.list(v, lo, hi)
    }

    /// Where node `v`'s list starts among the arcs (`v` = the node count: the
    /// arc count).
    ///
    /// # Errors
    /// If the file is damaged there.
    pub fn list_start(&self, v: u32) -> Result<u64> {
        self.offset(v)
    }

    /// The target of arc `arc` (lists end to end, in node order).
    ///
    /// # Errors
    /// If the file is damaged there, or `arc` is out of range.
    pub fn target(&self, arc: u64) -> Result<u32> {
        if arc >= self.arcs {
            return Err(self.bad("an arc is out of range"));
        }
        let mut b = [0u8; 4];
        self.read_at(self.targets_at() + arc * 4, &mut b)?;
        let t = u32::from_le_bytes(b);
        if t >= self.nodes {
            return Err(self.bad("a neighbour list names a missing node"));
        }
        Ok(t)
    }

    /// The role code of node `v` (0 none, 1 recruiter, 2 hiring manager).
    ///
    /// # Errors
    /// If the file is damaged there.
    pub fn role(&self, v: u32) -> Result<u8> {
        self.role_code(v)
    }

    /// Calls `f(v, connections, role code)` for every node in order, reading
    /// the offsets and roles sections once each, 64 Ki nodes at a time.
    ///
    /// # Errors
    /// If the file cannot be read or its offsets are not ascending.
    pub fn scan(&self, mut f: impl FnMut(u32, u64, u8)) -> Result<()> {
        const CHUNK: u32 = 1 << 16;
        let mut offsets = vec![0u64; CHUNK as usize + 1];
        let mut roles = vec![0u8; CHUNK as usize];
        let mut from = 0u32;
        while from < self.nodes {
            let len = CHUNK.min(self.nodes - from) as usize;
            let words = &mut offsets[..=len];
            self.read_at(
                self.offsets_at() + u64::from(from) * 8,
                bytemuck::cast_slice_mut(words),
            )?;
            let codes = &mut roles[..len];
            if self.has_roles() {
                self.read_at(self.roles_at() + u64::from(from), codes)?;
            }
            for (i, w) in words.windows(2).enumerate() {
                let (lo, hi) = (u64::from_le(w[0]), u64::from_le(w[1]));
                if hi < lo || hi > self.arcs {
                    return Err(self.bad("its offsets are not ascending"));
                }
                if codes[i] > 2 {
                    return Err(self.bad("a role code is unknown"));
                }
                f(
                    from + u32::try_from(i).expect("within a chunk"),
                    hi - lo,
                    codes[i],
                );
            }
            from += u32::try_from(len).expect("within a chunk");
        }
        Ok(())
    }

    /// The firms the file carries (who works where, each firm's industry and
    /// labour market), read whole: 4 bytes per node and 8 per firm.
    ///
    /// # Errors
    /// If the file is damaged there.
    pub fn firms(&self) -> Result<Option<Firms>> {
        if self.firm_bytes == 0 {
            return Ok(None);
        }
        let at = self.size - 4 - self.firm_bytes;
        let n = self.nodes as usize;
        let f = usize::try_from(self.firm_count).map_err(|_| self.bad("too many firms"))?;
        let firm_of = self.u32s_at(at, n)?;
        let industry = self.u32s_at(at + 4 * n as u64, f)?;
        let market = self.u32s_at(at + 4 * (n + f) as u64, f)?;
        Firms::from_stored(firm_of, industry, market)
            .map(Some)
            .map_err(|x| self.bad(&format!("firm {x} is not among its {f} firms")))
    }

    fn string_id(&self, v: u32) -> Result<String> {
        let at = self.ids_at() + u64::from(v) * 8;
        let (lo, hi) = (self.word_at(at)?, self.word_at(at + 8)?);
        if lo > hi || self.text_at() + hi > self.text_end() {
            return Err(self.bad("its string ids are inconsistent"));
        }
        let mut b = vec![0u8; usize::try_from(hi - lo).map_err(|_| self.bad("an id is too long"))?];
        self.read_at(self.text_at() + lo, &mut b)?;
        String::from_utf8(b).map_err(|_| self.bad("a string id is not UTF-8"))
    }

    fn int_id(&self, v: u32) -> Result<u64> {
        if self.flags & DENSE_IDS != 0 {
            Ok(u64::from(v))
        } else {
            self.word_at(self.ids_at() + u64::from(v) * 8)
        }
    }

    /// The external ids of `nodes` (ascending internal ids, so ascending ids), for
    /// output: position `i` of the result is `nodes[i]`.
    ///
    /// # Errors
    /// If the file is damaged there.
    pub fn ids_of(&self, nodes: &[NodeId]) -> Result<NodeIds> {
        Ok(if self.flags & STRING_IDS != 0 {
            NodeIds::Str(
                nodes
                    .iter()
                    .map(|v| self.string_id(v.0))
                    .collect::<Result<_>>()?,
            )
        } else {
            NodeIds::Int(
                nodes
                    .iter()
                    .map(|v| self.int_id(v.0))
                    .collect::<Result<_>>()?,
            )
        })
    }

    /// Every external id, in internal order (what a table of every node needs).
    ///
    /// # Errors
    /// If the file is damaged there.
    pub fn all_ids(&self) -> Result<NodeIds> {
        let n = self.nodes;
        self.ids_of(&(0..n).map(NodeId).collect::<Vec<_>>())
    }

    /// The internal id of an external id written as text (as
    /// [`NodeIds::lookup`]), by binary search in the file.
    ///
    /// # Errors
    /// If the file is damaged there.
    pub fn lookup(&self, external: &str) -> Result<Option<NodeId>> {
        let external = external.trim();
        let (mut lo, mut hi) = (0u32, self.nodes);
        if self.flags & STRING_IDS == 0 {
            let Ok(want) = external.parse::<u64>() else {
                return Ok(None);
            };
            if self.flags & DENSE_IDS != 0 {
                return Ok(u32::try_from(want)
                    .ok()
                    .filter(|&v| v < self.nodes)
                    .map(NodeId));
            }
            while lo < hi {
                let mid = lo + (hi - lo) / 2;
                match self.int_id(mid)?.cmp(&want) {
                    std::cmp::Ordering::Less => lo = mid + 1,
                    std::cmp::Ordering::Greater => hi = mid,
                    std::cmp::Ordering::Equal => return Ok(Some(NodeId(mid))),
                }
            }
            return Ok(None);
        }
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            match self.string_id(mid)?.as_str().cmp(external) {
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
                std::cmp::Ordering::Equal => return Ok(Some(NodeId(mid))),
            }
        }
        Ok(None)
    }

    /// Checks the whole file's CRC, reading it in order with a small buffer.
    fn check_crc(&self) -> Result<()> {
        let mut crc = crc32fast::Hasher::new();
        let (mut at, end) = (0u64, self.size - 4);
        let mut buf = vec![0u8; 1 << 20];
        while at < end {
            let take = usize::try_from((end - at).min(buf.len() as u64)).expect("at most 1 MiB");
            self.read_at(at, &mut buf[..take])?;
            crc.update(&buf[..take]);
            at += take as u64;
        }
        if crc.finalize() != self.crc {
            return Err(self.bad("its checksum does not match: the file is damaged"));
        }
        Ok(())
    }

    /// Process `process`'s part among `processes`, nodes weighing `node_weight`
    /// arcs (the same ranges as [`GraphPart::of`] on the whole graph), after
    /// checking the whole file.
    ///
    /// # Errors
    /// If the file is damaged.
    pub fn read_part(
        &self,
        processes: usize,
        process: usize,
        node_weight: u64,
    ) -> Result<GraphPart> {
        self.check_crc()?;
        let n = self.nodes;
        // The offsets in order, once, to cut the ranges.
        let mut r = BufReader::with_capacity(1 << 20, &self.file);
        std::io::Seek::seek(&mut r, std::io::SeekFrom::Start(self.offsets_at()))
            .map_err(|e| Error::io("read", &self.path, e))?;
        let mut failed = None;
        let bounds = balanced_bounds(n, self.arcs, processes, node_weight, |_| {
            let mut b = [0u8; 8];
            if let Err(e) = r.read_exact(&mut b) {
                failed.get_or_insert(e);
            }
            u64::from_le_bytes(b).min(self.arcs)
        });
        if let Some(e) = failed {
            return Err(Error::io("read", &self.path, e));
        }
        let (start, end) = (bounds[process], bounds[process + 1]);
        let owned = (end - start) as usize;
        let mut offsets = vec![0u64; owned + 1];
        self.read_at(
            self.offsets_at() + u64::from(start) * 8,
            bytemuck::cast_slice_mut(&mut offsets),
        )?;
        if cfg!(target_endian = "big") {
            for x in &mut offsets {
                *x = u64::from_le(*x);
            }
        }
        let base = offsets[0];
        if offsets.windows(2).any(|w| w[0] > w[1]) || offsets[owned] > self.arcs {
            return Err(self.bad("its offsets are not ascending"));
        }
        for o in &mut offsets {
            *o -= base;
        }
        let targets = self.u32s_at(
            self.targets_at() + base * 4,
            usize::try_from(offsets[owned]).map_err(|_| self.bad("too many arcs"))?,
        )?;
        for (i, w) in offsets.windows(2).enumerate() {
            #[allow(clippy::cast_possible_truncation)] // offsets index `targets`
            let list = &targets[w[0] as usize..w[1] as usize];
            self.check_list(start + u32::try_from(i).expect("fits u32"), list)?;
        }
        let mut roles = vec![0u8; owned];
        if self.has_roles() {
            self.read_at(self.roles_at() + u64::from(start), &mut roles)?;
            if roles.iter().any(|&c| c > 2) {
                return Err(self.bad("a role code is unknown"));
            }
        }
        Ok(GraphPart::from_parts(
            n, bounds, process, offsets, targets, roles,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::ConnectionGraph;
    use crate::output::Overwrite;
    use crate::roles::{Role, RoleMap};

    fn written(g: &ConnectionGraph, roles: Option<&RoleMap>) -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("g.nrg");
        let stored = super::super::Stored {
            roles: roles.cloned(),
            firms: None,
        };
        super::super::write(g, &stored, &path, Overwrite::Refuse).unwrap();
        (dir, path)
    }

    #[test]
    fn parts_lookups_and_named_nodes_agree_with_the_whole_graph() {
        let int = ConnectionGraph::from_edges(
            (0..300u64).flat_map(|i| [(i * 3, (i * i) % 900), (i * 3, 5 * i % 97)]),
        )
        .unwrap();
        let strings: Vec<(String, String)> = (0..200)
            .map(|i| (format!("p{i}"), format!("p{}", (i * 7) % 61)))
            .collect();
        let named = ConnectionGraph::from_string_edges(&strings, Path::new("<t>")).unwrap();
        let dense =
            ConnectionGraph::from_edges((0..100u64).map(|i| (i, (i * 13 + 1) % 100))).unwrap();
        for g in [&int, &named, &dense] {
            let n = g.node_count();
            let roles = RoleMap::from_roles(
                n,
                [
                    (NodeId(1), Role::Recruiter),
                    (NodeId(2), Role::HiringManager),
                ],
            );
            for with_roles in [true, false] {
                let (_dir, path) = written(g, with_roles.then_some(&roles));
                let f = GraphFile::open(&path).unwrap();
                let none = RoleMap::none(n);
                let r = if with_roles { &roles } else { &none };
                for p in 1..=4 {
                    for i in 0..p {
                        assert_eq!(
                            f.read_part(p, i, 8).unwrap(),
                            GraphPart::of(g, r.codes(), p, i, 8)
                        );
                    }
                }
                let all: Vec<NodeId> = g.nodes().collect();
                assert_eq!(&f.all_ids().unwrap(), g.ids());
                for &v in &all {
                    let shown = g.ids().display(v).to_string();
                    assert_eq!(f.lookup(&shown).unwrap(), Some(v));
                    let x = f.named(v).unwrap();
                    assert_eq!(x.neighbors, g.neighbors(v));
                    assert_eq!(x.role, r.codes()[v.index()]);
                }
                assert_eq!(f.lookup("no such id").unwrap(), None);
                assert_eq!(f.lookup("123456789").unwrap(), g.ids().lookup("123456789"));
            }
        }
    }

    #[test]
    fn a_damaged_file_is_an_error_when_a_part_is_read() {
        let g = ConnectionGraph::from_edges([(0, 1), (1, 2), (2, 3)]).unwrap();
        let (dir, path) = written(&g, None);
        let good = std::fs::read(&path).unwrap();
        let bad = dir.path().join("bad.nrg");
        for i in 0..good.len() {
            let mut b = good.clone();
            b[i] ^= 0x41;
            std::fs::write(&bad, &b).unwrap();
            let err = GraphFile::open(&bad)
                .and_then(|f| f.read_part(2, 1, 8))
                .unwrap_err();
            assert!(
                err.to_string().starts_with(&bad.display().to_string()),
                "{err}"
            );
        }
    }
}

//! External node ids during a graph build: which ids occur and how many
//! neighbours each has (pass 1), their numbering in ascending order, and the map
//! from external to dense id (pass 2). Ids below 2^27 use a direct table (4
//! bytes per possible id), larger or sparse ones a hash map. Part of
//! [`super::build`]; see its [`ConnectionGraph::from_edge_blocks`](super::ConnectionGraph::from_edge_blocks).

use std::collections::HashMap;
use std::path::Path;
use std::sync::atomic::{AtomicU32, Ordering};

use rayon::prelude::*;

use super::bins::{SortedArcs, bin_arcs, fill_ranges, range_arcs};
use crate::error::{Error, Result};

/// Ids below this use a direct table (4 bytes per possible id); above it, a hash map.
pub(super) const TABLE_LIMIT: u64 = 1 << 27;
/// The table is also abandoned when ids are sparse: more possible ids than
/// `2 × edges + TABLE_SLACK`, where `edges` is the larger of the edges read so far
/// and what the file's size allows ([`EdgeBlocks::edges_upper_bound`]), so it
/// costs at most about 8 bytes per edge the file could hold (and never over 512 MiB).
pub(super) const TABLE_SLACK: u64 = 1 << 20;
/// Marks an id seen only in self-loops as present; the low bits count neighbours
/// (a count above zero marks the id present by itself).
const PRESENT: u32 = 1 << 31;

/// Pass-1 state: which external ids occur and how many neighbours each has.
pub(super) enum IdCounter {
    Table(Vec<AtomicU32>),
    Hash(HashMap<u64, u32>),
}

impl IdCounter {
    /// Counts one block, the file holding at least (or, from its size, at most)
    /// `edges` edges; returns the block's self-loops.
    pub(super) fn count(&mut self, block: &[(u64, u64)], edges: u64) -> u64 {
        let max = block.par_iter().map(|&(a, b)| a.max(b)).max().unwrap_or(0);
        if let IdCounter::Table(t) = self
            && (max >= TABLE_LIMIT || max >= 2 * edges + TABLE_SLACK)
        {
            let map = t
                .iter()
                .enumerate()
                .filter_map(|(id, c)| {
                    let c = c.load(Ordering::Relaxed);
                    (c != 0).then_some((id as u64, c & !PRESENT))
                })
                .collect();
            *self = IdCounter::Hash(map);
        }
        match self {
            IdCounter::Table(t) => {
                let need = usize::try_from(max + 1).expect("below TABLE_LIMIT");
                if t.len() < need {
                    t.resize_with(need, || AtomicU32::new(0));
                }
                let t = &*t;
                block
                    .par_iter()
                    .map(|&(a, b)| {
                        #[allow(clippy::cast_possible_truncation)] // both < TABLE_LIMIT
                        let (a, b) = (a as usize, b as usize);
                        if a == b {
                            t[a].fetch_or(PRESENT, Ordering::Relaxed);
                            1u64
                        } else {
                            // A count above zero marks the id present too.
                            t[a].fetch_add(1, Ordering::Relaxed);
                            t[b].fetch_add(1, Ordering::Relaxed);
                            0
                        }
                    })
                    .sum()
            }
            IdCounter::Hash(h) => {
                let mut loops = 0;
                for &(a, b) in block {
                    if a == b {
                        h.entry(a).or_insert(0);
                        loops += 1;
                    } else {
                        *h.entry(a).or_insert(0) += 1;
                        *h.entry(b).or_insert(0) += 1;
                    }
                }
                loops
            }
        }
    }

    /// Numbers the present ids in ascending order; returns the ids, the map from
    /// external to dense id, and the CSR offsets.
    pub(super) fn number(self, path: &Path) -> Result<(Vec<u64>, IdMap, Vec<u64>)> {
        let too_many = || Error::TooManyNodes {
            path: path.to_path_buf(),
        };
        match self {
            IdCounter::Table(t) => {
                number_table(t.into_iter().map(AtomicU32::into_inner).collect(), path)
            }
            IdCounter::Hash(h) => {
                let mut ids: Vec<u64> = h.keys().copied().collect();
                ids.par_sort_unstable();
                if u32::try_from(ids.len()).is_err() {
                    return Err(too_many());
                }
                let mut offsets = Vec::with_capacity(ids.len() + 1);
                offsets.push(0u64);
                let mut total = 0u64;
                let mut map = HashMap::with_capacity(ids.len());
                for (i, id) in ids.iter().enumerate() {
                    total += u64::from(h[id]);
                    offsets.push(total);
                    map.insert(*id, u32::try_from(i).expect("checked above"));
                }
                Ok((ids, IdMap::Hash(map), offsets))
            }
        }
    }
}

/// Numbers the ids present in `table` (a neighbour count, or [`PRESENT`], per
/// possible id) in ascending order; returns the ids, the table turned into the
/// map from external to dense id (`u32::MAX` where absent), and the CSR offsets.
pub(super) fn number_table(
    mut table: Vec<u32>,
    path: &Path,
) -> Result<(Vec<u64>, IdMap, Vec<u64>)> {
    let mut ids = Vec::new();
    let mut offsets = vec![0u64];
    let mut total = 0u64;
    for (id, slot) in table.iter_mut().enumerate() {
        if *slot != 0 {
            total += u64::from(*slot & !PRESENT);
            offsets.push(total);
            *slot = u32::try_from(ids.len()).map_err(|_| Error::TooManyNodes {
                path: path.to_path_buf(),
            })?;
            ids.push(id as u64);
        } else {
            *slot = u32::MAX;
        }
    }
    Ok((ids, IdMap::Table(table), offsets))
}

/// Ids per range when pass 1 bins arcs by external id: with about 20 arcs per
/// id, a range's counters and targets stay in cache.
const ID_SHIFT: u32 = 14;

/// Pass-1 arcs between external ids below [`TABLE_LIMIT`], binned by the id
/// range of their tail (ranges of `1 << ID_SHIFT` ids), piece by piece of every
/// block; and the ids seen in self-loops.
#[derive(Default)]
pub(super) struct IdBins {
    pieces: Vec<SortedArcs>,
    loops: Vec<u32>,
    /// One more than the largest id seen.
    ids: usize,
}

impl IdBins {
    /// Bins one block whose largest id is `max` (below [`TABLE_LIMIT`]); returns
    /// its self-loops.
    pub(super) fn add(&mut self, block: &[(u64, u64)], max: u64) -> u64 {
        let max = usize::try_from(max).expect("below TABLE_LIMIT");
        self.ids = self.ids.max(max + 1);
        let bins = (max >> ID_SHIFT) + 1;
        let piece = block
            .len()
            .div_ceil(rayon::current_num_threads() * 2)
            .max(1 << 14);
        #[allow(clippy::cast_possible_truncation)] // below TABLE_LIMIT
        let small = |&(a, b): &(u64, u64)| (a as u32, b as u32);
        self.pieces.par_extend(
            block
                .par_chunks(piece)
                .map(|edges| bin_arcs(edges.iter().map(small), bins, ID_SHIFT)),
        );
        let before = self.loops.len();
        self.loops.par_extend(
            block
                .par_iter()
                .map(small)
                .filter(|(a, b)| a == b)
                .map(|(a, _)| a),
        );
        (self.loops.len() - before) as u64
    }

    /// The number of ranges.
    pub(super) fn ranges(&self) -> usize {
        self.ids.div_ceil(1 << ID_SHIFT)
    }

    /// Every id's neighbour count (or [`PRESENT`] for an id seen only in
    /// self-loops), range by range in parallel, each range's counters in cache.
    pub(super) fn table(&self) -> Vec<u32> {
        let mut table = vec![0u32; self.ids];
        table
            .par_chunks_mut(1 << ID_SHIFT)
            .enumerate()
            .for_each(|(r, count)| {
                let lo = r << ID_SHIFT;
                for &(u, _) in range_arcs(&self.pieces, r) {
                    count[u as usize - lo] += 1;
                }
            });
        for &id in &self.loops {
            table[id as usize] |= PRESENT;
        }
        table
    }

    /// Pass 2 without reading the source again: every id range fills its slice
    /// of `targets` (laid out by `offsets`) from its bins. Dense ids keep the
    /// order of external ids, so an id's dense id is the count of present ids
    /// below it: a presence bitmap with a running count per 64 ids (2 bits per
    /// id, in cache where the 4-byte `table` is not) maps the heads; the tails
    /// of a range take `table`'s entries for that range, which stay in cache.
    pub(super) fn fill(self, table: &[u32], offsets: &[u64], targets: &mut [u32]) {
        let mut rank: Vec<(u64, u32)> = table
            .par_chunks(64)
            .map(|c| {
                let bits = c
                    .iter()
                    .enumerate()
                    .fold(0u64, |w, (i, &v)| w | (u64::from(v != u32::MAX) << i));
                (bits, 0)
            })
            .collect();
        let mut before = 0u32;
        for (bits, count) in &mut rank {
            *count = before;
            before += bits.count_ones();
        }
        let dense = |id: u32| {
            let (bits, count) = rank[(id >> 6) as usize];
            count + (bits & ((1u64 << (id & 63)) - 1)).count_ones()
        };
        // Every id range is a range of dense ids, from the dense id of its first.
        let bounds: Vec<usize> = (0..=self.ranges())
            .map(|r| {
                let first = r << ID_SHIFT;
                let pos = rank.get(first >> 6).map_or(before, |&(_, c)| c);
                pos as usize
            })
            .collect();
        fill_ranges(
            &self.pieces,
            &bounds,
            offsets,
            targets,
            |u| table[u as usize],
            dense,
        );
    }
}

/// Pass-2 lookup from external to dense id.
pub(super) enum IdMap {
    Table(Vec<u32>),
    Hash(HashMap<u64, u32>),
}

impl IdMap {
    #[inline]
    pub(super) fn get(&self, id: u64) -> Option<u32> {
        match self {
            IdMap::Table(t) => usize::try_from(id)
                .ok()
                .and_then(|i| t.get(i))
                .copied()
                .filter(|&v| v != u32::MAX),
            IdMap::Hash(h) => h.get(&id).copied(),
        }
    }
}

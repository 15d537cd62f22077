//! Bit-sliced lane counters: 64 counts (one per bit lane of a traversal) kept as
//! the bit planes of their binary numbers, so one word operation adds 1 to every
//! lane a mask names. Used by the exact kernel ([`super::exact`]) and by the
//! cluster's kernel to count members, recruiters and hiring managers per source.
//!
//! # Complexity
//! An add is amortized O(1) word operations (a ripple carry rarely passes the
//! first planes); a merge of two counters, O(33); reading one lane, O(33).

use super::Counts;

/// 64 lane counters stored bit-sliced: `planes[p]` holds bit p of every lane's count.
#[derive(Clone, Copy)]
struct Sliced {
    planes: [u64; 33],
}

impl Sliced {
    const ZERO: Sliced = Sliced { planes: [0; 33] };

    /// Adds 1 to every lane set in `mask` (ripple carry; amortized O(1)). The
    /// first four planes are always updated, without branches: an early exit there
    /// is mispredicted about every other add, and a carry past them is rare
    /// (at most one add in 16 per lane).
    #[inline]
    fn add(&mut self, mask: u64) {
        let (low, high) = self.planes.split_at_mut(4);
        let mut carry = mask;
        for p in low {
            let c = *p & carry;
            *p ^= carry;
            carry = c;
        }
        if carry == 0 {
            return;
        }
        for p in high {
            let c = *p & carry;
            *p ^= carry;
            carry = c;
            if carry == 0 {
                break;
            }
        }
    }

    /// Lane-wise sum of two counters (a bit-sliced full adder).
    fn merge(mut self, other: &Sliced) -> Sliced {
        let mut carry = 0u64;
        for (a, &b) in self.planes.iter_mut().zip(&other.planes) {
            let sum = *a ^ b ^ carry;
            carry = (*a & b) | (carry & (*a ^ b));
            *a = sum;
        }
        self
    }

    fn lane(&self, lane: usize) -> u64 {
        self.planes
            .iter()
            .enumerate()
            .map(|(p, w)| ((w >> lane) & 1) << p)
            .sum()
    }
}

/// Per-lane counts of members, recruiters and hiring managers reached, bit-sliced.
#[derive(Clone, Copy)]
pub(crate) struct LaneTally([Sliced; 3]);

impl LaneTally {
    pub(crate) const ZERO: LaneTally = LaneTally([Sliced::ZERO; 3]);

    /// Counts a node with role `code` for every lane set in `mask`.
    #[inline]
    pub(crate) fn add(&mut self, mask: u64, code: u8) {
        self.0[0].add(mask);
        match code {
            1 => self.0[1].add(mask),
            2 => self.0[2].add(mask),
            _ => {}
        }
    }

    pub(crate) fn merge(self, other: &LaneTally) -> LaneTally {
        LaneTally([
            self.0[0].merge(&other.0[0]),
            self.0[1].merge(&other.0[1]),
            self.0[2].merge(&other.0[2]),
        ])
    }

    /// The counts of one lane.
    pub(crate) fn counts(&self, lane: usize) -> Counts {
        Counts {
            nodes: self.0[0].lane(lane),
            recruiters: self.0[1].lane(lane),
            hiring_managers: self.0[2].lane(lane),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bit_sliced_counters_add_and_merge() {
        let (mut a, mut b) = (Sliced::ZERO, Sliced::ZERO);
        for i in 0..1000u64 {
            a.add(i | 1);
            b.add(!i);
        }
        let m = a.merge(&b);
        for lane in 0..64 {
            let want_a = (0..1000u64).filter(|i| (i | 1) >> lane & 1 == 1).count() as u64;
            let want_b = (0..1000u64).filter(|i| (!i) >> lane & 1 == 1).count() as u64;
            assert_eq!(a.lane(lane), want_a);
            assert_eq!(m.lane(lane), want_a + want_b);
        }
    }
}

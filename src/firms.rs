//! Firms and industries: who works where. Every person (never a fake account)
//! works at one firm; every firm belongs to one industry and one labour market
//! (an industry within a region). Job openings belong to firms
//! ([`crate::reach::leads`]), so reaching two people of one firm reaches its
//! openings once. Built by the generators ([`Firms::assign`]), read from a
//! `nodes` table (`node, role, firm, industry`) or a `.nrg` file, or, for a
//! graph with no firm data, [`Firms::singletons`].
//!
//! # Assignment (`docs/job-leads.md`)
//! 1. Industries are the model's communities (the LinkedIn preset's and the
//!    block model's blocks); a model without communities has one industry.
//! 2. Each industry's people, in the order given (shuffled by the seed for the
//!    LinkedIn preset; breadth-first order for the other models, so colleagues
//!    are people already close in the graph), are cut into labour markets of at
//!    most [`FirmPlan::market_size`] people: the regions of an industry. Real
//!    labour markets are local, and a bounded market keeps what a person can
//!    know of theirs independent of the network's size.
//! 3. Each market is filled with firms whose sizes are drawn from a discrete
//!    Pareto law, P(size ≥ s) = s^−α with α = [`FirmPlan::zipf_exponent`] (US
//!    firm sizes are close to Zipf, α ≈ 1.06: Axtell, Science 2001), truncated to
//!    the people left in the market.
//!
//! # Complexity
//! O(n) time and space.
//!
//! # Example
//! ```
//! use netreach::firms::{FirmPlan, Firms};
//! let people: Vec<u32> = (0..1000).collect();
//! let firms = Firms::assign(1000, &people, None, &FirmPlan::default(), 7);
//! assert!(firms.firm_of(0).is_some());
//! let total: u64 = (0..firms.firm_count()).map(|f| u64::from(firms.size(f))).sum();
//! assert_eq!(total, 1000);
//! ```

use rand::RngExt;
use rayon::prelude::*;

use crate::error::{Error, Result};
use crate::graph::ConnectionGraph;
use crate::seed::task_rng;

/// No firm: a fake account, or a node a `nodes` table leaves out.
pub const NO_FIRM: u32 = u32::MAX;

/// How firms are drawn ([`Firms::assign`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FirmPlan {
    /// Most people in one labour market (an industry within a region).
    pub market_size: u32,
    /// α of the firm-size law P(size ≥ s) = s^−α.
    pub zipf_exponent: f64,
}

impl Default for FirmPlan {
    /// Markets of up to 20,000 people (a few thousand to tens of thousands:
    /// one industry in one metropolitan area); α = 1.06 (Axtell 2001).
    fn default() -> Self {
        Self {
            market_size: 20_000,
            zipf_exponent: 1.06,
        }
    }
}

impl FirmPlan {
    /// Checks the plan's ranges.
    pub fn validate(&self) -> Result<()> {
        if self.market_size == 0 {
            return Err(Error::Invalid(
                "a labour market holds at least one person".into(),
            ));
        }
        if !(self.zipf_exponent.is_finite() && self.zipf_exponent > 0.0) {
            return Err(Error::Invalid(format!(
                "the firm-size exponent must be positive, got {}",
                self.zipf_exponent
            )));
        }
        Ok(())
    }
}

/// Who works where: a firm per node (or [`NO_FIRM`]), an industry and a labour
/// market per firm.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Firms {
    firm_of: Vec<u32>,
    industry: Vec<u32>,
    market: Vec<u32>,
    size: Vec<u32>,
}

impl Firms {
    /// Firms for nodes `0..nodes`, drawn over `order` (the people, in the order
    /// markets are cut from); `industries[v]` is person v's industry (one
    /// industry when `None`). Nodes not in `order` get no firm.
    ///
    /// # Panics
    /// If `order` names a node `nodes` or above.
    pub fn assign(
        nodes: u32,
        order: &[u32],
        industries: Option<&[u32]>,
        plan: &FirmPlan,
        seed: u64,
    ) -> Firms {
        let industry_of = |v: u32| industries.map_or(0, |c| c[v as usize]);
        let count = order.iter().map(|&v| industry_of(v) + 1).max().unwrap_or(0);
        let mut by_industry: Vec<Vec<u32>> = vec![Vec::new(); count as usize];
        for &v in order {
            by_industry[industry_of(v) as usize].push(v);
        }
        let mut f = Firms {
            firm_of: vec![NO_FIRM; nodes as usize],
            ..Firms::default()
        };
        let mut market = 0u32;
        for (industry, people) in by_industry.iter().enumerate() {
            let industry = u32::try_from(industry).expect("industries fit u32");
            // Regions of near-equal size, none above the market size.
            let regions = people
                .len()
                .div_ceil(plan.market_size.max(1) as usize)
                .max(1);
            let mut rng = task_rng(seed, FIRM_STREAM + u64::from(industry));
            let mut start = 0;
            for r in 0..regions {
                let end = people.len() * (r + 1) / regions;
                let mut at = start;
                while at < end {
                    let size = draw_size(&mut rng, plan.zipf_exponent, end - at);
                    let firm = u32::try_from(f.size.len()).expect("firms fit u32");
                    for &v in &people[at..at + size] {
                        f.firm_of[v as usize] = firm;
                    }
                    f.industry.push(industry);
                    f.market.push(market);
                    f.size.push(u32::try_from(size).expect("sizes fit u32"));
                    at += size;
                }
                start = end;
                market += 1;
            }
        }
        f
    }

    /// Every node its own firm, all in one industry: what a graph without firm
    /// data means for job leads (each person's openings are their own).
    pub fn singletons(nodes: u32) -> Firms {
        Firms {
            firm_of: (0..nodes).collect(),
            industry: vec![0; nodes as usize],
            market: vec![0; nodes as usize],
            size: vec![1; nodes as usize],
        }
    }

    /// Firms from a firm per node ([`NO_FIRM`] for none) and an industry per
    /// firm; markets are the industries. `Err` names the first firm id out of
    /// range.
    pub fn from_parts(firm_of: Vec<u32>, industry: Vec<u32>) -> std::result::Result<Firms, u32> {
        let mut size = vec![0u32; industry.len()];
        for &f in &firm_of {
            if f != NO_FIRM {
                *size.get_mut(f as usize).ok_or(f)? += 1;
            }
        }
        Ok(Firms {
            firm_of,
            market: industry.clone(),
            industry,
            size,
        })
    }

    /// Firms as a graph file stores them: a firm per node ([`NO_FIRM`] for
    /// none), an industry and a labour market per firm. `Err` names the first
    /// firm id out of range.
    pub fn from_stored(
        firm_of: Vec<u32>,
        industry: Vec<u32>,
        market: Vec<u32>,
    ) -> std::result::Result<Firms, u32> {
        let mut f = Firms::from_parts(firm_of, industry)?;
        assert_eq!(market.len(), f.industry.len(), "a market per firm");
        f.market = market;
        Ok(f)
    }

    /// These firms for a graph with `extra` more nodes (fake accounts), who
    /// work nowhere.
    #[must_use]
    pub fn with_added_nodes(mut self, extra: u32) -> Firms {
        self.firm_of
            .extend(std::iter::repeat_n(NO_FIRM, extra as usize));
        self
    }

    /// Node `v`'s firm, if it has one.
    pub fn firm_of(&self, v: u32) -> Option<u32> {
        self.firm_of
            .get(v as usize)
            .copied()
            .filter(|&f| f != NO_FIRM)
    }

    /// The firm of every node ([`NO_FIRM`] for none).
    pub fn firms_of_nodes(&self) -> &[u32] {
        &self.firm_of
    }

    /// Firm `f`'s industry.
    pub fn industry(&self, f: u32) -> u32 {
        self.industry[f as usize]
    }

    /// Node `v`'s industry, if it has a firm.
    pub fn industry_of(&self, v: u32) -> Option<u32> {
        self.firm_of(v).map(|f| self.industry(f))
    }

    /// Firm `f`'s labour market.
    pub fn market(&self, f: u32) -> u32 {
        self.market[f as usize]
    }

    /// People working at firm `f`.
    pub fn size(&self, f: u32) -> u32 {
        self.size[f as usize]
    }

    /// Number of firms.
    pub fn firm_count(&self) -> u32 {
        u32::try_from(self.size.len()).expect("firms fit u32")
    }

    /// Number of industries (one more than the largest industry id).
    pub fn industry_count(&self) -> u32 {
        self.industry.iter().max().map_or(0, |&i| i + 1)
    }

    /// Number of nodes covered (people and fake accounts).
    pub fn node_count(&self) -> usize {
        self.firm_of.len()
    }

    /// Whether `a` and `b` work at the same firm.
    pub fn colleagues(&self, a: u32, b: u32) -> bool {
        self.firm_of(a).is_some_and(|f| self.firm_of(b) == Some(f))
    }

    /// Every firm's employees, ascending: firm `f`'s are
    /// `members[starts[f]..starts[f + 1]]`; returns `(starts, members)`.
    /// O(nodes).
    pub fn member_lists(&self) -> (Vec<u32>, Vec<u32>) {
        let count = self.firm_count() as usize;
        let mut starts = vec![0u32; count + 1];
        for &f in self.firms_of_nodes() {
            if f != NO_FIRM {
                starts[f as usize + 1] += 1;
            }
        }
        for i in 0..count {
            starts[i + 1] += starts[i];
        }
        let mut fill = starts.clone();
        let mut members = vec![0u32; starts[count] as usize];
        for (v, &f) in self.firms_of_nodes().iter().enumerate() {
            if f != NO_FIRM {
                members[fill[f as usize] as usize] = u32::try_from(v).expect("node ids fit u32");
                fill[f as usize] += 1;
            }
        }
        (starts, members)
    }

    /// Connections of `graph` whose two ends work at the same firm: one pass
    /// over the arcs, in parallel, O(arcs).
    ///
    /// # Panics
    /// If the firms do not cover the graph's nodes.
    pub fn edges_inside(&self, graph: &ConnectionGraph) -> u64 {
        assert_eq!(
            self.node_count(),
            graph.node_count(),
            "a firm entry per node"
        );
        let (offsets, targets) = graph.csr();
        (0..graph.node_count())
            .into_par_iter()
            .map(|v| {
                #[allow(clippy::cast_possible_truncation)] // node ids and arcs fit
                let (from, to) = (offsets[v] as usize, offsets[v + 1] as usize);
                let f = self.firm_of[v];
                if f == NO_FIRM {
                    return 0;
                }
                targets[from..to]
                    .iter()
                    .filter(|&&u| (v as u64) < u64::from(u) && self.firm_of[u as usize] == f)
                    .count() as u64
            })
            .sum()
    }
}

/// The stream of firm sizes, apart from every other seeded draw.
const FIRM_STREAM: u64 = 0xF1_0000_0000;

/// One firm size from P(size ≥ s) = s^−α, at most `left`.
fn draw_size(rng: &mut impl rand::Rng, alpha: f64, left: usize) -> usize {
    // Inverse transform: s = ⌊u^(−1/α)⌋ for u uniform in (0, 1].
    let u: f64 = 1.0 - rng.random::<f64>();
    let s = u.powf(-1.0 / alpha).floor();
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let s = if s.is_finite() && s < left as f64 {
        s as usize
    } else {
        left
    };
    s.clamp(1, left)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn everyone_in_order_works_somewhere_and_markets_are_bounded() {
        let n = 50_000u32;
        let industries: Vec<u32> = (0..n).map(|v| v % 3).collect();
        let order: Vec<u32> = (0..n).collect();
        let plan = FirmPlan {
            market_size: 5_000,
            zipf_exponent: 1.06,
        };
        let f = Firms::assign(n + 10, &order, Some(&industries), &plan, 1);
        assert!((0..n).all(|v| f.firm_of(v).is_some()));
        assert!((n..n + 10).all(|v| f.firm_of(v).is_none()));
        assert_eq!(f.industry_count(), 3);
        // Firms stay inside their people's industry, and no market is too big.
        for v in 0..n {
            assert_eq!(f.industry_of(v), Some(v % 3));
        }
        let mut per_market = std::collections::HashMap::new();
        for firm in 0..f.firm_count() {
            *per_market.entry(f.market(firm)).or_insert(0u32) += f.size(firm);
        }
        assert!(per_market.values().all(|&m| m <= 5_000), "{per_market:?}");
        // 16,667 people per industry: 4 regions each.
        assert_eq!(per_market.len(), 12);
    }

    #[test]
    fn firm_sizes_are_heavy_tailed() {
        let n = 200_000u32;
        let order: Vec<u32> = (0..n).collect();
        let f = Firms::assign(n, &order, None, &FirmPlan::default(), 3);
        let sizes: Vec<u32> = (0..f.firm_count()).map(|x| f.size(x)).collect();
        let ones = sizes.iter().filter(|&&s| s == 1).count() as f64 / sizes.len() as f64;
        // P(size = 1) = 1 − 2^−1.06 ≈ 0.52, before truncation.
        assert!((0.47..0.57).contains(&ones), "{ones}");
        assert!(sizes.iter().any(|&s| s >= 1000), "no large firm");
        let same = Firms::assign(n, &order, None, &FirmPlan::default(), 3);
        assert_eq!(f, same);
    }

    #[test]
    fn parts_are_checked_and_fakes_work_nowhere() {
        assert_eq!(Firms::from_parts(vec![0, 2], vec![0, 0]), Err(2));
        let f = Firms::from_parts(vec![0, 1, 0, NO_FIRM], vec![4, 5])
            .unwrap()
            .with_added_nodes(2);
        assert_eq!(f.size(0), 2);
        assert_eq!(f.industry_of(1), Some(5));
        assert_eq!(f.firm_of(3), None);
        assert_eq!(f.firm_of(5), None);
        assert!(f.colleagues(0, 2) && !f.colleagues(0, 1) && !f.colleagues(3, 3));
        let s = Firms::singletons(3);
        assert_eq!((s.firm_count(), s.size(2), s.firm_of(2)), (3, 1, Some(2)));
    }
}

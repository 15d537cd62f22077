//! The LinkedIn preset: the most realistic professional network the facts in
//! `docs/sources.md` supports, every number overridable.
//!
//! | parameter | default | basis (`docs/sources.md`) |
//! |---|---|---|
//! | expected degrees | log-normal, σ = 0.9 | §3: right-skewed, heavy tail, no official distribution (shape unconfirmed); σ fitted with the industries to Facebook's friends-of-friends curve (§9, docs/calibration.md) |
//! | mean degree | 200 | §3: city averages 176–319 (2017 press release) |
//! | cap | 30,000 | §2: LinkedIn's 1st-degree limit (official) |
//! | industries | 80 blocks, 20% of links between them | no source for LinkedIn; fitted with σ so that a person with about 100 connections has Facebook's 27,500 unique friends of friends, 68% of those counted with repetition (§9, docs/calibration.md) |
//! | triadic closure | 50% of links close a triangle | §6: about 50% of LinkedIn's new edges close a triangle (Leskovec et al., KDD 2008) |
//! | recruiters | 3%, degree-biased (hubs) | §4: up to 5% (5% includes HR); recruiters average 600–700 connections, 2–3 times the median |
//! | hiring managers | 7%, uniform | §4: no source (unconfirmed) |
//! | firms | Zipf sizes (α = 1.06) inside labour markets of at most 20,000 people (an industry within a region) | §10: US firm sizes are close to Zipf (Axtell 2001); markets bounded so what a person knows of theirs does not depend on the network's size ([`crate::firms`]) |
//! | colleague ties | 20% of the block-model links join two people of one firm | no source gives LinkedIn's share of ties inside a firm; with it the share of openings at firms a person is already connected to is 10–14% at 200 connections, against LinkedIn's 11–16% (docs/job-leads.md) |
//!
//! # Algorithm
//! 1. Expected degrees from [`super::chung_lu::expected_degrees`].
//! 2. Industries: every node joins one of the blocks uniformly at random (its own
//!    random stream), so hubs spread over industries. Firms are drawn inside
//!    each industry's labour markets over a shuffled order ([`crate::firms`]).
//! 3. Half of the links (by default) come from a degree-corrected block model: one
//!    end drawn proportionally to expected degree, the other a colleague (one
//!    of the other members of its firm, uniformly; a small firm takes at most
//!    a quarter of its others, so repeated pairs stay few) for a share
//!    `firm_ties` of them, else
//!    drawn by expected degree inside the same industry with probability
//!    1 − mixing, anywhere otherwise.
//! 4. The other half close triangles on that base graph: a person drawn by expected
//!    degree links to a random neighbour of a random neighbour who is not yet a
//!    neighbour (up to four tries).
//!
//! # Complexity
//! Time O(n + m); space O(n + m).

use rand::RngExt;
use rayon::prelude::*;

use super::chung_lu::{Alias, EDGE_STREAMS, expected_degrees, sample_edges};
use super::{DegreeDistribution, Generated, LINKEDIN_CAP, check_distribution, to_graph};
use crate::error::{Error, Result};
use crate::firms::{FirmPlan, Firms};
use crate::graph::NodeId;
use crate::seed::task_rng;

/// The preset's σ of the log-normal expected degrees.
pub const PRESET_SIGMA: f64 = 0.9;

/// Parameters of the LinkedIn preset; [`Default`] gives the documented values.
#[derive(Debug, Clone, PartialEq)]
pub struct LinkedInParams {
    /// Nodes.
    pub nodes: u32,
    /// Mean expected degree.
    pub avg_degree: f64,
    /// Shape of the expected-degree distribution.
    pub distribution: DegreeDistribution,
    /// Largest expected degree.
    pub cap: u32,
    /// Number of industries.
    pub communities: u32,
    /// Fraction of block-model links that leave the industry.
    pub mixing: f64,
    /// Fraction of all links made by triadic closure.
    pub triad_fraction: f64,
    /// Fraction of block-model links that join two colleagues.
    pub firm_ties: f64,
    /// How firms are drawn.
    pub firms: FirmPlan,
}

impl Default for LinkedInParams {
    fn default() -> Self {
        Self {
            nodes: 50_000,
            avg_degree: 200.0,
            distribution: DegreeDistribution::LogNormal {
                sigma: PRESET_SIGMA,
            },
            cap: LINKEDIN_CAP,
            communities: 80,
            mixing: 0.2,
            triad_fraction: 0.5,
            firm_ties: 0.2,
            firms: FirmPlan::default(),
        }
    }
}

impl LinkedInParams {
    pub(crate) fn validate(&self) -> Result<()> {
        let bad = |m: String| Err(Error::Invalid(m));
        if self.communities == 0 || self.communities > self.nodes / 2 {
            return bad(format!(
                "--communities must be between 1 and nodes / 2, got {}",
                self.communities
            ));
        }
        if !(self.avg_degree >= 1.0 && self.avg_degree < f64::from(self.nodes)) {
            return bad(format!(
                "--avg-degree must be at least 1 and below the node count, got {}",
                self.avg_degree
            ));
        }
        for (name, p) in [
            ("--mixing", self.mixing),
            ("--triad-prob", self.triad_fraction),
            ("--firm-ties", self.firm_ties),
        ] {
            if !(0.0..=1.0).contains(&p) {
                return bad(format!("{name} must be between 0 and 1, got {p}"));
            }
        }
        self.firms.validate()?;
        check_distribution(&self.distribution)
    }
}

/// Generates the preset network.
#[allow(clippy::many_single_char_names)] // n, w, c, p as in the module doc
pub fn generate(p: &LinkedInParams, seed: u64) -> Result<Generated> {
    let n = p.nodes;
    let w = expected_degrees(n, p.avg_degree, p.distribution, p.cap, seed);
    let c = p.communities;
    let community: Vec<u32> = (0..n.div_ceil(4096))
        .into_par_iter()
        .flat_map_iter(|chunk| {
            let mut rng = task_rng(seed, 2 * EDGE_STREAMS + u64::from(chunk));
            (0..4096.min(n - chunk * 4096)).map(move |_| rng.random_range(0..c))
        })
        .collect();
    let firms = {
        let mut order: Vec<u32> = (0..n).collect();
        let mut rng = task_rng(seed, 2 * EDGE_STREAMS + u64::from(n.div_ceil(4096)) + 1);
        for i in (1..order.len()).rev() {
            order.swap(i, rng.random_range(0..=i));
        }
        Firms::assign(n, &order, Some(&community), &p.firms, seed)
    };
    // Every firm's members, contiguous: (start of each firm, members).
    let (firm_start, firm_members) = {
        let mut start = vec![0usize; firms.firm_count() as usize + 1];
        for v in 0..n {
            start[firms.firm_of(v).expect("everyone works") as usize + 1] += 1;
        }
        for f in 0..firms.firm_count() as usize {
            start[f + 1] += start[f];
        }
        let mut at = start.clone();
        let mut members = vec![0u32; n as usize];
        for v in 0..n {
            let f = firms.firm_of(v).expect("everyone works") as usize;
            members[at[f]] = v;
            at[f] += 1;
        }
        (start, members)
    };
    let global = Alias::new((0..n).collect(), &w);
    let mut members: Vec<Vec<u32>> = vec![Vec::new(); c as usize];
    for (v, &k) in community.iter().enumerate() {
        members[k as usize].push(u32::try_from(v).expect("fits u32"));
    }
    let local: Vec<Option<Alias>> = members
        .into_iter()
        .map(|items| {
            let weights: Vec<f64> = items.iter().map(|&v| w[v as usize]).collect();
            (!items.is_empty()).then(|| Alias::new(items, &weights))
        })
        .collect();
    let total = w.iter().sum::<f64>() / 2.0;
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let (m_base, m_tri) = (
        ((1.0 - p.triad_fraction) * total).round() as u64,
        (p.triad_fraction * total).round() as u64,
    );
    let (mixing, firm_ties, triad) = (p.mixing, p.firm_ties, p.triad_fraction);
    let mut edges = sample_edges(m_base, seed, |rng| {
        let u = global.sample(rng);
        let f = firms.firm_of(u).expect("everyone works") as usize;
        let (a, b) = (firm_start[f], firm_start[f + 1]);
        // u makes about firm_ties × (1 − triad share) × w_u colleague links;
        // a small firm takes at most a quarter of its others, so repeated
        // pairs (merged away) stay few; the rest go to the industry.
        let wanted = firm_ties * (1.0 - triad) * w[u as usize];
        let room = ((b - a - 1) as f64 / (4.0 * wanted)).min(1.0);
        if b - a >= 2 && rng.random_bool(firm_ties) && rng.random_bool(room) {
            // A colleague, uniformly among the others: the last member
            // stands in for u's own slot.
            let v = firm_members[rng.random_range(a..b - 1)];
            return (u, if v == u { firm_members[b - 1] } else { v });
        }
        let v = match &local[community[u as usize] as usize] {
            Some(a) if !rng.random_bool(mixing) => a.sample(rng),
            _ => global.sample(rng),
        };
        (u, v)
    });
    let base = to_graph(n, &edges)?;
    let closing = sample_edges(m_tri, seed ^ 0x7A1D_C105, |rng| {
        let u = global.sample(rng);
        let first = base.neighbors(NodeId(u));
        if first.is_empty() {
            return (u, u); // a self-loop: dropped when the graph is built
        }
        // A few tries for a friend of a friend who is not yet a friend.
        let mut y = u;
        for _ in 0..4 {
            let x = first[rng.random_range(0..first.len())];
            let second = base.neighbors(NodeId(x));
            y = second[rng.random_range(0..second.len())];
            if y != u && first.binary_search(&y).is_err() {
                break;
            }
        }
        (u, y)
    });
    drop(base);
    edges.extend(closing);
    Ok(Generated {
        nodes: n,
        edges,
        communities: Some(community),
        firms: Some(firms),
    })
}

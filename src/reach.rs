//! Reach: how many members, recruiters and hiring managers sit at each connection
//! degree from a person. [`exact`] answers it by bounded breadth-first search for
//! chosen sources, optionally with invitations the person accepted.
//! Takes a [`ConnectionGraph`](crate::graph::ConnectionGraph) and a
//! [`RoleMap`](crate::roles::RoleMap); its [`ReachCounts`] feed the results tables.
//! [`approx`] estimates reach for every node at once with HyperBall counters, and
//! [`distances`] the whole graph's distance distribution the same way; [`ego`]
//! counts friends of friends against degree; [`leads`] estimates the job
//! openings that reach a person through ties that pass them on. The bit-sliced
//! per-source counters of the exact kernels live in `tally`.

pub mod approx;
pub mod distances;
pub mod ego;
pub mod exact;
pub mod leads;
pub(crate) mod tally;

use std::fmt;
use std::str::FromStr;

use crate::error::{Error, Result};

/// A connection degree, as in LinkedIn's first, second and third degree: the exact hop distance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Degree(pub u8);

impl Degree {
    /// The most degrees netreach computes.
    pub const MAX: Degree = Degree(16);
}

impl From<u8> for Degree {
    fn from(d: u8) -> Self {
        Degree(d)
    }
}

impl fmt::Display for Degree {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl FromStr for Degree {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s.trim().parse::<u8>() {
            Ok(d) if (1..=Self::MAX.0).contains(&d) => Ok(Degree(d)),
            _ => Err(Error::Invalid(format!(
                "invalid degree {s:?}; expected an integer from 1 to {}",
                Self::MAX.0
            ))),
        }
    }
}

/// Counts at one degree (or up to one).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Members.
    pub nodes: u64,
    /// Recruiters among them.
    pub recruiters: u64,
    /// Hiring managers among them.
    pub hiring_managers: u64,
}

impl std::ops::AddAssign for Counts {
    fn add_assign(&mut self, o: Counts) {
        self.nodes += o.nodes;
        self.recruiters += o.recruiters;
        self.hiring_managers += o.hiring_managers;
    }
}

/// Reach of one person at degrees `1..=max_degree`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReachCounts {
    by_degree: Vec<Counts>,
}

impl ReachCounts {
    /// Zero counts for degrees `1..=max`.
    pub fn zeros(max: Degree) -> Self {
        Self {
            by_degree: vec![Counts::default(); usize::from(max.0)],
        }
    }

    /// From counts listed for degrees 1, 2, ...
    pub fn from_vec(by_degree: Vec<Counts>) -> Self {
        Self { by_degree }
    }

    /// The largest degree counted.
    pub fn max_degree(&self) -> Degree {
        Degree(u8::try_from(self.by_degree.len()).expect("at most Degree::MAX"))
    }

    /// Counts at exactly degree `k` (zero beyond the max degree, and for `k = 0`).
    pub fn at_degree(&self, k: Degree) -> Counts {
        if k.0 == 0 {
            return Counts::default();
        }
        self.by_degree
            .get(usize::from(k.0) - 1)
            .copied()
            .unwrap_or_default()
    }

    /// Counts at degrees `1..=k`.
    pub fn up_to_degree(&self, k: Degree) -> Counts {
        let mut c = Counts::default();
        for x in self.by_degree.iter().take(usize::from(k.0)) {
            c += *x;
        }
        c
    }

    pub(crate) fn at_mut(&mut self, k: usize) -> &mut Counts {
        &mut self.by_degree[k - 1]
    }
}

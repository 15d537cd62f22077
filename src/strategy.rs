//! Strategies: rules deciding which of a person's pending invitations they accept.
//! Spelled the same in flags, experiment files and result tables: parsed with
//! [`FromStr`], printed back with [`Display`](std::fmt::Display).
//!
//! | spelling | accepts an inviter when |
//! |---|---|
//! | `accept-all` | always |
//! | `refuse-all` | never |
//! | `min-mutual:K` | the two share at least K mutual connections |
//! | `mutual:A-B` | the mutual-connection count is between A and B, inclusive (weak ties) |
//! | `roles:R[,R]` | the inviter has one of the roles (`recruiter`, `hiring_manager`) |
//! | `random:P` | a seeded coin with probability P says so |
//!
//! Mutual connections are counted in the base graph, before any of the person's
//! invitations are accepted (docs/commands.md, `--strategy`). `random:P` hashes `(seed, person, inviter)`,
//! so a decision never depends on thread count or evaluation order, and raising P
//! only ever adds acceptances.

use std::fmt;
use std::str::FromStr;

use crate::error::{Error, Result};
use crate::graph::{ConnectionGraph, NodeId};
use crate::roles::{Role, RoleMap};

/// A rule deciding which pending invitations a person accepts.
#[derive(Debug, Clone, PartialEq)]
pub enum Strategy {
    /// Accept every invitation.
    AcceptAll,
    /// Accept none.
    RefuseAll,
    /// Accept when the two share at least this many mutual connections.
    MinMutual(u32),
    /// Accept when the mutual-connection count lies in `lo..=hi`.
    MutualRange(u32, u32),
    /// Accept inviters with one of these roles.
    Roles(Vec<Role>),
    /// Accept each invitation with this probability (seeded).
    Random(f64),
}

impl fmt::Display for Strategy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Strategy::AcceptAll => f.write_str("accept-all"),
            Strategy::RefuseAll => f.write_str("refuse-all"),
            Strategy::MinMutual(k) => write!(f, "min-mutual:{k}"),
            Strategy::MutualRange(a, b) => write!(f, "mutual:{a}-{b}"),
            Strategy::Roles(r) => {
                let names: Vec<String> = r.iter().map(Role::to_string).collect();
                write!(f, "roles:{}", names.join(","))
            }
            Strategy::Random(p) => write!(f, "random:{p}"),
        }
    }
}

const EXPECTED: &str =
    "expected accept-all, refuse-all, min-mutual:K, mutual:A-B, roles:R[,R] or random:P";

impl FromStr for Strategy {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        let s = s.trim();
        let bad = |why: &str| Error::Invalid(format!("invalid strategy {s:?}: {why}"));
        let (name, arg) = match s.split_once(':') {
            Some((n, a)) => (n.trim(), Some(a.trim())),
            None => (s, None),
        };
        match (name, arg) {
            ("accept-all", None) => Ok(Strategy::AcceptAll),
            ("refuse-all", None) => Ok(Strategy::RefuseAll),
            ("min-mutual", Some(k)) => k
                .parse()
                .map(Strategy::MinMutual)
                .map_err(|_| bad("K must be a non-negative integer, as in min-mutual:3")),
            ("mutual", Some(range)) => {
                let (a, b) = range
                    .split_once('-')
                    .ok_or_else(|| bad("expected a range A-B, as in mutual:2-10"))?;
                let a: u32 = a
                    .trim()
                    .parse()
                    .map_err(|_| bad("A must be a non-negative integer"))?;
                let b: u32 = b
                    .trim()
                    .parse()
                    .map_err(|_| bad("B must be a non-negative integer"))?;
                if a > b {
                    return Err(bad("A must not exceed B"));
                }
                Ok(Strategy::MutualRange(a, b))
            }
            ("roles", Some(list)) => {
                let mut roles = Vec::new();
                for r in list.split(',') {
                    let role: Role = r
                        .parse()
                        .map_err(|_| bad("roles are recruiter and hiring_manager"))?;
                    if !roles.contains(&role) {
                        roles.push(role);
                    }
                }
                roles.sort();
                Ok(Strategy::Roles(roles))
            }
            ("random", Some(p)) => match p.parse::<f64>() {
                Ok(p) if (0.0..=1.0).contains(&p) => Ok(Strategy::Random(p)),
                _ => Err(bad(
                    "P must be a probability between 0 and 1, as in random:0.3",
                )),
            },
            _ => Err(bad(EXPECTED)),
        }
    }
}

impl Strategy {
    /// Parses a comma-separated list such as `accept-all,roles:recruiter,hiring_manager,min-mutual:2`;
    /// a bare role name after `roles:` continues that role list.
    pub fn parse_list(s: &str) -> Result<Vec<Strategy>> {
        let mut parts: Vec<String> = Vec::new();
        for token in s.split(',') {
            let t = token.trim();
            let continues_roles =
                t.parse::<Role>().is_ok() && parts.last().is_some_and(|p| p.starts_with("roles:"));
            if continues_roles {
                let last = parts.last_mut().expect("checked above");
                last.push(',');
                last.push_str(t);
            } else if !t.is_empty() {
                parts.push(t.to_string());
            }
        }
        if parts.is_empty() {
            return Err(Error::Invalid(format!("no strategy given; {EXPECTED}")));
        }
        parts.iter().map(|p| p.parse()).collect()
    }

    /// Whether `person` accepts the invitation from `inviter`.
    pub fn accepts(
        &self,
        graph: &ConnectionGraph,
        roles: &RoleMap,
        person: NodeId,
        inviter: NodeId,
        seed: u64,
    ) -> bool {
        self.accepts_by(
            || graph.mutual_count(person, inviter),
            roles.role_of(inviter),
            person,
            inviter,
            seed,
        )
    }

    /// [`Strategy::accepts`] from what it reads: `mutual` counts the two people's
    /// mutual connections (called only by the mutual-count strategies), and
    /// `inviter_role` is the inviter's role. For callers that hold only these
    /// two people's neighbourhoods (a cluster process).
    pub fn accepts_by(
        &self,
        mutual: impl FnOnce() -> usize,
        inviter_role: Option<Role>,
        person: NodeId,
        inviter: NodeId,
        seed: u64,
    ) -> bool {
        match self {
            Strategy::AcceptAll => true,
            Strategy::RefuseAll => false,
            Strategy::MinMutual(k) => mutual() >= *k as usize,
            Strategy::MutualRange(a, b) => {
                let m = mutual();
                m >= *a as usize && m <= *b as usize
            }
            Strategy::Roles(rs) => inviter_role.is_some_and(|r| rs.contains(&r)),
            Strategy::Random(p) => unit_hash(seed, person, inviter) < *p,
        }
    }

    /// The inviters `person` accepts among `inviters`, as internal ids.
    pub fn accepted(
        &self,
        graph: &ConnectionGraph,
        roles: &RoleMap,
        person: NodeId,
        inviters: impl Iterator<Item = NodeId>,
        seed: u64,
    ) -> Vec<u32> {
        inviters
            .filter(|&f| self.accepts(graph, roles, person, f, seed))
            .map(|f| f.0)
            .collect()
    }
}

/// A uniform number in `[0, 1)` from `(seed, a, b)` (the splitmix64 finalizer).
pub(crate) fn unit_hash(seed: u64, a: NodeId, b: NodeId) -> f64 {
    crate::seed::unit_interval(crate::seed::splitmix(
        seed ^ (u64::from(a.0) << 32 | u64::from(b.0)).wrapping_mul(0x9E37_79B9_7F4A_7C15),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings_round_trip() {
        for s in [
            "accept-all",
            "refuse-all",
            "min-mutual:3",
            "mutual:2-10",
            "roles:recruiter,hiring_manager",
            "random:0.25",
        ] {
            assert_eq!(s.parse::<Strategy>().unwrap().to_string(), s);
        }
    }

    #[test]
    fn lists_keep_role_lists_together() {
        let l = Strategy::parse_list("accept-all, roles:recruiter,hiring_manager,min-mutual:0")
            .unwrap();
        assert_eq!(
            l,
            vec![
                Strategy::AcceptAll,
                Strategy::Roles(vec![Role::Recruiter, Role::HiringManager]),
                Strategy::MinMutual(0)
            ]
        );
    }

    #[test]
    fn bad_spellings_say_what_is_expected() {
        for s in [
            "accept",
            "min-mutual:-1",
            "min-mutual",
            "random:1.5",
            "mutual:5-2",
            "roles:ceo",
        ] {
            let e = s.parse::<Strategy>().unwrap_err().to_string();
            assert!(e.starts_with("invalid strategy"), "{s}: {e}");
        }
        assert!(Strategy::parse_list(" , ").is_err());
    }

    #[test]
    fn min_mutual_counts_shared_neighbours_in_the_base_graph() {
        // 1 and 4 share 2 and 3.
        let g = ConnectionGraph::from_edges([(1, 2), (1, 3), (4, 2), (4, 3), (5, 6)]).unwrap();
        let (a, b) = (g.ids().lookup("1").unwrap(), g.ids().lookup("4").unwrap());
        let r = RoleMap::none(g.node_count());
        assert!(Strategy::MinMutual(2).accepts(&g, &r, a, b, 0));
        assert!(!Strategy::MinMutual(3).accepts(&g, &r, a, b, 0));
        assert!(Strategy::MutualRange(1, 2).accepts(&g, &r, a, b, 0));
    }

    #[test]
    fn random_is_monotone_in_p_and_roughly_calibrated() {
        let g = ConnectionGraph::from_edges([(0, 1)]).unwrap();
        let r = RoleMap::none(2);
        let mut hits = 0;
        for i in 0..10_000u32 {
            let (a, b) = (NodeId(i), NodeId(i + 1));
            let low = Strategy::Random(0.3).accepts(&g, &r, a, b, 7);
            let high = Strategy::Random(0.6).accepts(&g, &r, a, b, 7);
            assert!(!low || high);
            hits += u32::from(low);
        }
        // Binomial(10000, 0.3): sd ≈ 46, so ±5 sd is 230.
        assert!((2770..=3230).contains(&hits), "{hits}");
    }
}

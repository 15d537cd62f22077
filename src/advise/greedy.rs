//! Ranking one person's pending invitations on a whole graph by exact reach:
//! greedily, each pick counting only the recruiters and hiring managers within 2
//! and 3 degrees that earlier picks did not already add. Nothing is modelled.
//!
//! # Complexity
//! One reach query per remaining invitation per pick: O(k² × ball) for k
//! invitations, answered in batches by the exact kernel.

use crate::graph::{ConnectionGraph, NodeId};
use crate::progress::NoProgress;
use crate::reach::exact::{Query, Search};
use crate::reach::{Degree, ReachCounts};
use crate::roles::{Role, RoleMap};

/// One pick of the greedy ranking.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pick {
    /// The inviter.
    pub inviter: NodeId,
    /// Mutual connections with the person (before any acceptance).
    pub mutual: usize,
    /// The inviter's role.
    pub role: Option<Role>,
    /// Added by this pick, given the earlier picks: recruiters and hiring managers
    /// within 2, then within 3 degrees.
    pub added: [u64; 4],
    /// After this pick: recruiters and hiring managers within 2, then within 3.
    pub cumulative: [u64; 4],
}

fn within_2_3(c: &ReachCounts) -> [u64; 4] {
    let (two, three) = (c.up_to_degree(Degree(2)), c.up_to_degree(Degree(3)));
    [
        two.recruiters,
        two.hiring_managers,
        three.recruiters,
        three.hiring_managers,
    ]
}

/// Ranks `inviters` of `person` greedily: each round accepts the invitation that
/// adds the most recruiters plus hiring managers within 3 degrees given the
/// invitations already picked (ties: more within 2, then the lower id), so each
/// pick counts only what the earlier ones did not already add. Exact reach on the
/// whole graph; returns the base reach and at most `top` picks.
///
/// # Complexity
/// `top` rounds of one reach query per remaining inviter (64 per traversal).
pub fn rank_invitations(
    graph: &ConnectionGraph,
    roles: &RoleMap,
    person: NodeId,
    inviters: &[NodeId],
    top: usize,
) -> ([u64; 4], Vec<Pick>) {
    let base = within_2_3(
        &Search::new(graph, roles, Degree(3)).run(&[Query::base(person)], &NoProgress)[0],
    );
    let mut accepted: Vec<u32> = Vec::new();
    let mut left: Vec<NodeId> = inviters.to_vec();
    let mut current = base;
    let mut picks = Vec::new();
    while picks.len() < top && !left.is_empty() {
        let sets: Vec<Vec<u32>> = left
            .iter()
            .map(|f| {
                accepted
                    .iter()
                    .copied()
                    .chain(std::iter::once(f.0))
                    .collect()
            })
            .collect();
        let queries: Vec<Query<'_>> = sets
            .iter()
            .map(|s| Query {
                source: person,
                accepted: s,
            })
            .collect();
        let counts = Search::new(graph, roles, Degree(3)).run(&queries, &NoProgress);
        let best = (0..left.len())
            .max_by_key(|&i| {
                let c = within_2_3(&counts[i]);
                (c[2] + c[3], c[0] + c[1], std::cmp::Reverse(left[i]))
            })
            .expect("candidates left");
        let after = within_2_3(&counts[best]);
        let f = left.remove(best);
        picks.push(Pick {
            inviter: f,
            mutual: graph.mutual_count(person, f),
            role: roles.role_of(f),
            added: [0, 1, 2, 3].map(|k| after[k].saturating_sub(current[k])),
            cumulative: after,
        });
        accepted.push(f.0);
        current = after;
    }
    (base, picks)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn greedy_counts_only_what_earlier_picks_did_not_add() {
        // Person 0 - 1. Inviters 10 and 11 both lead to the same two recruiters
        // (20, 21); inviter 12 leads to one other recruiter (22).
        let g = ConnectionGraph::from_edges([
            (0, 1),
            (10, 20),
            (10, 21),
            (11, 20),
            (11, 21),
            (12, 22),
            (30, 31),
        ])
        .unwrap();
        let id = |x: &str| g.ids().lookup(x).unwrap();
        let roles = RoleMap::from_roles(
            g.node_count(),
            ["20", "21", "22"].map(|x| (id(x), Role::Recruiter)),
        );
        let (base, picks) =
            rank_invitations(&g, &roles, id("0"), &[id("12"), id("11"), id("10")], 10);
        assert_eq!(base, [0, 0, 0, 0]);
        let order: Vec<NodeId> = picks.iter().map(|p| p.inviter).collect();
        assert_eq!(order, [id("10"), id("12"), id("11")]);
        assert_eq!(picks[0].added, [2, 0, 2, 0]);
        assert_eq!(picks[1].added, [1, 0, 1, 0]);
        assert_eq!(
            picks[2].added,
            [0, 0, 0, 0],
            "11 adds nothing once 10 is in"
        );
        assert_eq!(picks[2].cumulative, [3, 0, 3, 0]);
    }
}

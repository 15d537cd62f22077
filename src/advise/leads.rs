//! Ranking one person's pending invitations by the expected job leads each
//! adds alone ([`crate::reach::leads`]), in the same Monte Carlo worlds for every
//! invitation. A tie's mutual connections are counted when a search first
//! draws it, so the cost follows the person's neighbourhood.

use crate::firms::Firms;
use crate::graph::{ConnectionGraph, NodeId};
use crate::reach::Degree;
use crate::reach::leads::{LeadModel, LeadWorld, PersonQuestions};
use crate::roles::{Role, RoleMap};

/// One pending invitation ranked by job leads.
#[derive(Debug, Clone, PartialEq)]
pub struct LeadPick {
    /// The inviter.
    pub inviter: NodeId,
    /// Mutual connections with the person.
    pub mutual: usize,
    /// The inviter's role.
    pub role: Option<Role>,
    /// The inviter's connections.
    pub connections: usize,
    /// Expected leads a week within 3 ties that accepting this invitation
    /// alone adds.
    pub marginal_leads: f64,
}

/// Pending invitations ranked by expected job leads.
#[derive(Debug, Clone, PartialEq)]
pub struct LeadAdvice {
    /// Leads now (no invitation accepted).
    pub now: crate::reach::leads::Leads,
    /// Leads with every pending invitation accepted.
    pub all: crate::reach::leads::Leads,
    /// Every invitation, most leads first (ties: more mutual connections, then
    /// the lower id).
    pub picks: Vec<LeadPick>,
}

/// Ranks `inviters` of `person` by the expected job leads a week (within 3
/// ties) each adds when accepted alone, in the same Monte Carlo worlds, under
/// `model` ([`crate::reach::leads`]). Exact graph, modelled leads.
///
/// # Complexity
/// One search per first tie of the person and word of 64 worlds
/// ([`crate::reach::leads::LeadWorld::person`]).
pub fn rank_by_leads(
    graph: &ConnectionGraph,
    roles: &RoleMap,
    firms: &Firms,
    person: NodeId,
    inviters: &[NodeId],
    model: LeadModel,
    seed: u64,
) -> LeadAdvice {
    // Mutual connections are counted for the ties the searches draw, when
    // first drawn: the cost follows the person's neighbourhood.
    let world = LeadWorld::counting_on_demand(graph, roles, firms, u32::MAX, model, seed);
    let counts: Vec<usize> = inviters
        .iter()
        .map(|&f| graph.mutual_count(person, f))
        .collect();
    let ties: Vec<(u32, u32)> = inviters
        .iter()
        .zip(&counts)
        .map(|(f, &m)| (f.0, u32::try_from(m).unwrap_or(u32::MAX)))
        .collect();
    let sets = vec![Vec::new(), (0..ties.len()).collect()];
    let marginals: Vec<(usize, usize)> = (0..ties.len()).map(|t| (0, t)).collect();
    // One person, many worlds: the words run in parallel (identical answers
    // for any thread count).
    let answer = world.person_parallel(
        &PersonQuestions {
            source: person,
            replicate: 0,
            ties: &ties,
            sets: &sets,
            marginals: &marginals,
        },
        Degree(3),
    );
    let mut picks: Vec<LeadPick> = inviters
        .iter()
        .zip(&counts)
        .zip(&answer.marginals)
        .map(|((&f, &m), &v)| LeadPick {
            inviter: f,
            mutual: m,
            role: roles.role_of(f),
            connections: graph.neighbor_count(f),
            marginal_leads: v,
        })
        .collect();
    picks.sort_by(|a, b| {
        b.marginal_leads
            .total_cmp(&a.marginal_leads)
            .then(b.mutual.cmp(&a.mutual))
            .then(a.inviter.cmp(&b.inviter))
    });
    let mut leads = answer.leads.into_iter();
    LeadAdvice {
        now: leads.next().expect("asked"),
        all: leads.next().expect("asked"),
        picks,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[allow(clippy::cast_possible_truncation)] // a small test graph
    fn the_invitation_towards_more_openings_ranks_first() {
        // Person 0 - 1. Inviter 10 knows three recruiters, 11 one, 12 none.
        let g =
            ConnectionGraph::from_edges([(0, 1), (10, 20), (10, 21), (10, 22), (11, 23), (12, 30)])
                .unwrap();
        let id = |x: &str| g.ids().lookup(x).unwrap();
        let roles = RoleMap::from_roles(
            g.node_count(),
            ["20", "21", "22", "23"].map(|x| (id(x), Role::Recruiter)),
        );
        // Everyone their own firm; only the recruiters know of openings.
        let firms = Firms::singletons(g.node_count() as u32);
        let model = LeadModel {
            pass_weak: 0.5,
            pass_strong: 0.5,
            forward_near: 0.5,
            insider_knows: 0.0,
            relevance_same: 1.0,
            openings_per_employee: 0.5,
            worlds: 1024,
            ..LeadModel::default()
        };
        let advice = rank_by_leads(
            &g,
            &roles,
            &firms,
            id("0"),
            &[id("12"), id("11"), id("10")],
            model,
            1,
        );
        let order: Vec<NodeId> = advice.picks.iter().map(|p| p.inviter).collect();
        assert_eq!(order, [id("10"), id("11"), id("12")]);
        // Three recruiters' firms at 2 ties: 0.5 (tie) × 0.5 (forward) × 0.5
        // (tie) × 0.5 openings each, within Monte Carlo error.
        let want = 3.0 * 0.5 * 0.5 * 0.5 * model.openings_per_employee;
        assert!(
            (advice.picks[0].marginal_leads - want).abs() < 0.03,
            "{advice:?}"
        );
        assert!(advice.picks[2].marginal_leads.abs() < 1e-12);
        assert!(
            advice.now.total().abs() < 1e-12,
            "nobody holds openings near 0 now"
        );
        let sum: f64 = advice.picks.iter().map(|p| p.marginal_leads).sum();
        assert!(
            (advice.all.total() - sum).abs() < 1e-9,
            "disjoint inviters add up"
        );
    }

    #[test]
    #[allow(clippy::cast_possible_truncation)] // a small test graph
    fn counting_mutual_connections_near_the_person_changes_nothing() {
        use crate::reach::leads::{LeadQuery, LeadWorld, Scratch};
        // A clustered ring: every node knows the next three.
        let edges: Vec<(u64, u64)> = (0..300u64)
            .flat_map(|i| (1..4).map(move |k| (i, (i + k) % 300)))
            .chain([(0, 150), (10, 200)])
            .collect();
        let g = ConnectionGraph::from_edges(edges).unwrap();
        let roles = RoleMap::from_roles(
            g.node_count(),
            g.nodes()
                .filter(|v| v.0 % 5 == 0)
                .map(|v| (v, Role::Recruiter)),
        );
        let model = LeadModel {
            pass_weak: 0.3,
            pass_strong: 0.9,
            forward_near: 0.6,
            ..LeadModel::default()
        };
        let firms = Firms::singletons(g.node_count() as u32);
        let person = g.ids().lookup("0").unwrap();
        let inviters = [
            g.ids().lookup("100").unwrap(),
            g.ids().lookup("250").unwrap(),
        ];
        let advice = rank_by_leads(&g, &roles, &firms, person, &inviters, model, 4);
        // The same with every tie counted, one search per question.
        let all = g.mutual_counts();
        let world = LeadWorld::new(&g, &all, &roles, &firms, u32::MAX, model, 4);
        let ties: Vec<(u32, u32)> = inviters
            .iter()
            .map(|&f| (f.0, u32::try_from(g.mutual_count(person, f)).unwrap()))
            .collect();
        let mut scratch = world.scratch();
        let ask = |accepted: &[(u32, u32)], scratch: &mut Scratch| {
            let q = LeadQuery {
                source: person,
                accepted,
                replicate: 0,
            };
            world.leads(&q, Degree(3), scratch)
        };
        let now = ask(&[], &mut scratch);
        assert!((advice.now.total() - now.total()).abs() < 1e-9);
        assert!((advice.all.total() - ask(&ties, &mut scratch).total()).abs() < 1e-9);
        for p in &advice.picks {
            let i = inviters.iter().position(|&f| f == p.inviter).unwrap();
            let alone = ask(&ties[i..=i], &mut scratch).total() - now.total();
            assert!((p.marginal_leads - alone).abs() < 1e-9);
        }
        assert!(advice.now.total() > 0.0);
    }
}

use super::*;
use crate::progress::NoProgress;
use crate::reach::Degree;
use crate::reach::exact::Search;
use std::path::Path;

const SMALL: &str = r#"
name = "small"
seed = 5
replicates = 2
strategies = ["refuse-all", "accept-all", "min-mutual:0", "random:1", "random:0", "min-mutual:2"]
[graph]
model = "holme-kim"
nodes = 1500
avg_degree = 8
[people]
sample = 40
[invitations]
weeks = 6
per_week = 2.5
friends_of_friends = 0.4
strangers = 0.3
recruiter_outreach = 0.2
fake_accounts = 0.1
[leads]
worlds = 128
[output]
weekly = true
"#;

fn small() -> (Experiment, Setup) {
    let exp = Experiment::from_toml(SMALL, Path::new("small.toml")).unwrap();
    let setup = Setup::new(&exp).unwrap();
    (exp, setup)
}

fn by_strategy(out: &Outcome, s: usize) -> Vec<&Observation> {
    out.observations
        .iter()
        .filter(|o| o.strategy == s)
        .collect()
}

#[test]
fn strategies_keep_the_invariants() {
    let (exp, setup) = small();
    let out = simulate(&exp, &setup, &NoProgress);
    assert_eq!(out.observations.len(), 2 * 40 * 6 * 6);
    let [refuse, accept, mm0, r1, r0, mm2] = [0, 1, 2, 3, 4, 5].map(|s| by_strategy(&out, s));
    let mut accepted_any = false;
    for i in 0..refuse.len() {
        let (a, r) = (accept[i], refuse[i]);
        assert_eq!(
            (a.person, a.week, a.replicate),
            (r.person, r.week, r.replicate)
        );
        // Refusing everything is the base graph.
        assert_eq!(r.accepted, 0);
        assert_eq!(
            r.reach,
            Search::new(&setup.graph, &setup.roles, exp.max_degree).one(r.person)
        );
        // min-mutual:0 and random:1 accept all; random:0 accepts none.
        assert_eq!(
            (mm0[i].reach.clone(), mm0[i].accepted),
            (a.reach.clone(), a.accepted)
        );
        assert_eq!(
            (r1[i].reach.clone(), r1[i].accepted),
            (a.reach.clone(), a.accepted)
        );
        assert_eq!((r0[i].reach.clone(), r0[i].accepted), (r.reach.clone(), 0));
        assert!(mm2[i].accepted <= a.accepted);
        // Accepting never shrinks cumulative reach.
        for k in 1..=3 {
            let (ca, cr, c2) = (
                a.reach.up_to_degree(Degree(k)),
                r.reach.up_to_degree(Degree(k)),
                mm2[i].reach.up_to_degree(Degree(k)),
            );
            assert!(ca.nodes >= c2.nodes && c2.nodes >= cr.nodes);
            assert!(ca.recruiters >= cr.recruiters && ca.hiring_managers >= cr.hiring_managers);
        }
        assert!(a.received >= a.accepted && a.accepted >= a.fake_accepted);
        accepted_any |= a.accepted > 0;
    }
    assert!(accepted_any);
    // Week by week, accept-all's cumulative reach only grows.
    for w in accept
        .windows(2)
        .filter(|w| w[0].person == w[1].person && w[0].replicate == w[1].replicate)
    {
        assert!(w[1].week == w[0].week + 1);
        assert!(
            w[1].reach.up_to_degree(Degree(3)).nodes >= w[0].reach.up_to_degree(Degree(3)).nodes
        );
    }
    assert!(
        out.distinct_queries < out.observations.len(),
        "repeats are computed once"
    );
    // One tie row per invitation accepted by the last week; values never negative.
    let last: Vec<&Observation> = out.observations.iter().filter(|o| o.week == 6).collect();
    let accepted: u32 = last.iter().map(|o| o.accepted).sum();
    assert_eq!(out.ties.len(), accepted as usize);
    assert!(out.ties.iter().all(|t| t.marginal_leads >= 0.0));
    assert!(out.ties.iter().any(|t| t.marginal_leads > 0.0));
    // A fake tie carries nothing (fake_pass defaults to 0).
    assert!(
        out.ties
            .iter()
            .filter(|t| t.fake)
            .all(|t| t.marginal_leads == 0.0)
    );
    // A sole tie's marginal value is the whole gain over refusing.
    for o in last.iter().filter(|o| o.accepted == 1) {
        let tie = out
            .ties
            .iter()
            .find(|t| (t.replicate, t.person, t.strategy) == (o.replicate, o.person, o.strategy))
            .unwrap();
        let base = last
            .iter()
            .find(|b| (b.replicate, b.person, b.strategy) == (o.replicate, o.person, 0))
            .unwrap();
        let gain = o.leads.as_ref().unwrap().total() - base.leads.as_ref().unwrap().total();
        assert!((tie.marginal_leads - gain).abs() < 1e-9);
    }
}

#[test]
fn results_ignore_the_thread_count() {
    let (exp, setup) = small();
    let run = |t| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(t)
            .build()
            .unwrap()
            .install(|| simulate(&exp, &setup, &NoProgress).observations)
    };
    assert_eq!(run(1), run(2));
    let again = Setup::new(&exp).unwrap();
    assert_eq!(again.people, setup.people);
}

#[test]
fn people_filters_and_explicit_ids() {
    let text = SMALL.replace(
        "sample = 40",
        "sample = 10\nmin_connections = 10\nrole = \"none\"",
    );
    let exp = Experiment::from_toml(&text, Path::new("x.toml")).unwrap();
    let setup = Setup::new(&exp).unwrap();
    assert_eq!(setup.people.len(), 10);
    for &p in &setup.people {
        assert!(setup.graph.neighbor_count(p) >= 10 && setup.roles.role_of(p).is_none());
    }
    let text = SMALL.replace("sample = 40", "ids = [\"3\", \"17\", \"3\"]");
    let setup = Setup::new(&Experiment::from_toml(&text, Path::new("x.toml")).unwrap()).unwrap();
    assert_eq!(setup.people, vec![NodeId(3), NodeId(17)]);
    let text = SMALL.replace("sample = 40", "ids = [\"99999\"]");
    let e = Setup::new(&Experiment::from_toml(&text, Path::new("x.toml")).unwrap()).unwrap_err();
    assert!(e.to_string().contains("99999"), "{e}");
}

/// Counts the units a run reports.
#[derive(Default)]
struct Counted(std::sync::atomic::AtomicU64);

impl crate::progress::Progress for Counted {
    fn inc(&self, n: u64) {
        self.0.fetch_add(n, std::sync::atomic::Ordering::Relaxed);
    }
}

#[test]
fn progress_reaches_the_planned_total_with_leads_market_and_adoption() {
    let text = format!("{SMALL}\n[market]\nseekers = 0.3\n\n[adoption]\nshares = [0.0, 0.5]\n");
    let exp = Experiment::from_toml(&text, Path::new("small.toml")).unwrap();
    let setup = Setup::new(&exp).unwrap();
    let counted = Counted::default();
    let out = simulate(&exp, &setup, &counted);
    assert_eq!(
        counted.0.load(std::sync::atomic::Ordering::Relaxed),
        planned_observations(&exp, &setup)
    );
    // 2 shares × 6 main strategies × 2 replicates × 40 people × (adopter or not).
    assert_eq!(out.adoption.len(), 2 * 6 * 2 * 40 * 2);
}

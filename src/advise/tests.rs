//! Unit tests of the model advice.

use super::*;

#[test]
fn accepting_never_lowers_reach_and_recruiters_add_recruiters() {
    let mut connections = vec![(None, None); 30];
    connections.extend(vec![(Some(Role::Recruiter), Some("c-1".to_string())); 4]);
    connections.extend(vec![
        (Some(Role::HiringManager), Some("c-2".to_string()));
        6
    ]);
    let ego = EgoFacts {
        connections,
        pending_incoming: 5,
    };
    let model = AdviceModel {
        population: LinkedInParams {
            nodes: 3_000,
            avg_degree: 20.0,
            ..LinkedInParams::default()
        },
        replicates: 4,
        seed: 1,
    };
    let advice = advise(&ego, &model).unwrap();
    assert_eq!(advice.curve.len(), 6, "now and after each of 5 pending");
    assert!(
        advice
            .curve
            .windows(2)
            .all(|w| w[1].mean[2] >= w[0].mean[2] - 1e-9
                && w.iter()
                    .all(|p| p.p10[2] <= p.mean[2] && p.mean[2] <= p.p90[2])),
        "best-k reach never drops"
    );
    let rows = advice.rows.clone();
    let four = rows.iter().find(|r| {
        r.scenario.starts_with("no change") && r.measure == "recruiters" && r.within == 2
    });
    assert!(
        four.unwrap().p10 >= 4.0,
        "the four recruiters are 1st degree"
    );
    let get = |s: &str, m: &str, k: u8| {
        rows.iter()
            .find(|r| r.scenario.starts_with(s) && r.measure == m && r.within == k)
            .unwrap()
    };
    assert!(get("no change", "people", 2).mean > 40.0);
    assert!(
        get("no change", "recruiters", 2).p10 >= 4.0,
        "the four recruiters are 1st degree"
    );
    for k in [2, 3] {
        assert!(
            get("accept all", "people", k).p10 >= 0.0,
            "cumulative reach never drops"
        );
    }
    for scenario in ["one friend of a friend", "one stranger", "one recruiter"] {
        assert!(get(scenario, "people", 3).p10 >= 0.0, "{scenario}");
    }
    // Accepting a recruiter brings at least one recruiter closer.
    assert!(get("one recruiter", "recruiters", 2).mean > 0.0);
    assert_eq!(
        advice,
        advise(&ego, &model).unwrap(),
        "one seed, one answer"
    );
}

use super::*;
use crate::config::Experiment;
use crate::generate::GraphModel;
use crate::ingest::binary::{Stored, write};
use crate::output::Overwrite;
use crate::roles::RoleMap;
use crate::simulation::Setup;

/// A Holme–Kim network with roles, written as a graph file, and an experiment
/// on it with fake accounts and every kind of strategy.
fn on_file(extra: &str) -> (tempfile::TempDir, Experiment) {
    let dir = tempfile::tempdir().unwrap();
    let g = GraphModel::HolmeKim {
        nodes: 3000,
        m: 3,
        triad_prob: 0.5,
    }
    .generate(4)
    .unwrap()
    .to_graph()
    .unwrap();
    let roles = RoleMap::from_roles(
        g.node_count(),
        (0..3000u32)
            .filter(|v| v % 11 == 0 || v % 13 == 0)
            .map(|v| {
                (
                    NodeId(v),
                    if v % 11 == 0 {
                        Role::Recruiter
                    } else {
                        Role::HiringManager
                    },
                )
            }),
    );
    let path = dir.path().join("g.nrg");
    let stored = Stored {
        roles: Some(roles),
        firms: None,
    };
    write(&g, &stored, &path, Overwrite::Refuse).unwrap();
    let text = format!(
        "name = \"t\"\ndescription = \"t\"\nseed = 3\nreplicates = 2\nmax_degree = 3\n\
         strategies = [\"refuse-all\", \"accept-all\", \"min-mutual:2\", \"mutual:1-4\", \"roles:recruiter\", \"random:0.5\"]\n\
         [graph]\nedges = {path:?}\n[people]\n{extra}min_connections = 2\nmax_connections = 60\n\
         [invitations]\nweeks = 4\nper_week = 3.0\nfriends_of_friends = 0.4\nstrangers = 0.3\n\
         recruiter_outreach = 0.15\nfake_accounts = 0.15\n[output]\nweekly = true\n"
    );
    let exp = Experiment::from_toml(&text, &dir.path().join("t.toml")).unwrap();
    (dir, exp)
}

#[test]
fn a_file_view_reads_the_lists_and_arcs_of_the_whole_graph_with_its_fake_pool() {
    let (_dir, exp) = on_file("sample = 40\n");
    let whole = Setup::new(&exp).unwrap();
    let crate::config::GraphSource::Files { edges, .. } = &exp.graph else {
        panic!("a file network")
    };
    let part = PartSetup::open(&exp, edges).unwrap();
    let g = &whole.graph;
    assert_eq!(Lists::node_count(&part), Lists::node_count(g));
    assert_eq!(Lists::arc_count(&part), Lists::arc_count(g));
    assert!(part.fakes > 0 && part.first_fake == whole.first_fake);
    for v in g.nodes() {
        assert_eq!(&*part.neighbors_of(v), g.neighbors(v), "node {v:?}");
    }
    for arc in 0..Lists::arc_count(g) {
        assert_eq!(part.arc_target_at(arc), g.arc_target_at(arc), "arc {arc}");
    }
    assert_eq!(part.people, whole.people);
    assert_eq!(part.edges(), g.edge_count());
    assert_eq!(part.fake_accounts() + part.first_fake, Lists::node_count(g));
    assert_eq!(
        part.role_counts(),
        (
            whole.roles.count(Role::Recruiter) as u64,
            whole.roles.count(Role::HiringManager) as u64
        )
    );
    let real = g.degree_histogram(g.nodes().take(whole.first_fake as usize));
    assert_eq!(part.degrees(), real.as_slice());
    // Every process's part, merged, is the whole graph with its fakes.
    for processes in [1, 3] {
        for i in 0..processes {
            let p = part.part(processes, i).unwrap();
            for v in p.range() {
                assert_eq!(p.neighbors(v), g.neighbors(NodeId(v)));
                assert_eq!(p.role_code(v), whole.roles.code_of(v));
            }
        }
    }
}

#[test]
fn the_plan_and_outcome_on_a_file_are_those_of_the_whole_graph() {
    for people in ["sample = 40\n", "ids = [\"5\", \"17\", \"400\", \"17\"]\n"] {
        let (_dir, exp) = on_file(people);
        let whole = Setup::new(&exp).unwrap();
        let crate::config::GraphSource::Files { edges, .. } = &exp.graph else {
            panic!("a file network")
        };
        let part = PartSetup::open(&exp, edges).unwrap();
        let a = whole.plan(&exp);
        let b = part.plan(&exp).unwrap();
        let key = |p: &Planned| -> Vec<(u32, Vec<u32>)> {
            p.queries
                .iter()
                .map(|q| (q.source.0, q.accepted.clone()))
                .collect()
        };
        assert_eq!(key(&a), key(&b));
        assert!(a.queries.iter().any(|q| q.accepted.len() > 2));
        let counts = crate::reach::exact::Search::new(&whole.graph, &whole.roles, exp.max_degree)
            .run(
                &a.queries
                    .iter()
                    .map(|q| crate::reach::exact::Query {
                        source: q.source,
                        accepted: &q.accepted,
                    })
                    .collect::<Vec<_>>(),
                &crate::progress::NoProgress,
            );
        let plain = whole.finish(&exp, &a, &counts, &crate::progress::NoProgress);
        let (outcome, ids) = part.outcome(&b, &counts, None).unwrap();
        assert_eq!(outcome.observations.len(), plain.observations.len());
        for (x, y) in outcome.observations.iter().zip(&plain.observations) {
            let mut x = x.clone();
            x.person = part.people[x.person.index()];
            assert_eq!(&x, y);
        }
        for (i, &v) in part.people.iter().enumerate() {
            assert_eq!(
                ids.display(NodeId(u32::try_from(i).unwrap())),
                whole.graph.ids().display(v)
            );
        }
    }
}

#[test]
fn job_leads_counted_on_a_cluster_of_two_workers_are_those_of_one_process() {
    let (_dir, exp) = on_file("sample = 12\n");
    let exp = Experiment {
        leads: Some(crate::reach::leads::LeadModel::default()),
        ..exp
    };
    let whole = Setup::new(&exp).unwrap();
    let crate::config::GraphSource::Files { edges, .. } = &exp.graph else {
        panic!("a file network")
    };
    let part = std::sync::Arc::new(PartSetup::open(&exp, edges).unwrap());
    let planned = part.plan(&exp).unwrap();
    let questions = part.lead_job(&exp, &planned).unwrap().expect("[leads]");
    let cluster = crate::cluster::Cluster {
        hosts: vec!["127.0.0.1:1".into()],
        process: 0,
        workers: 2,
        timeout: std::time::Duration::from_secs(5),
    };
    let reader = std::sync::Arc::clone(&part);
    let lists: crate::cluster::Lists =
        std::sync::Arc::new(move |u| reader.neighbors_of(NodeId(u)).into_owned());
    let (counted, _) = crate::cluster::experiment_many(
        &cluster,
        0,
        std::sync::Arc::new(part.part(1, 0).unwrap()),
        std::sync::Arc::new(planned.queries.clone()),
        exp.max_degree,
        Some((std::sync::Arc::clone(&questions.job), lists)),
    )
    .unwrap();
    let (counts, answers) = counted.expect("process 0");
    let (outcome, _) = part
        .outcome(
            &planned,
            &counts,
            Some((questions, answers.expect("leads asked"))),
        )
        .unwrap();
    let plain = crate::simulation::simulate(&exp, &whole, &crate::progress::NoProgress);
    assert_eq!(outcome.observations.len(), plain.observations.len());
    assert!(plain.ties.len() > 5, "{} ties", plain.ties.len());
    for (x, y) in outcome.observations.iter().zip(&plain.observations) {
        assert!(x.leads.is_some());
        assert_eq!(x.leads, y.leads);
        assert_eq!(x.hiring_firm_connected, y.hiring_firm_connected);
        assert_eq!(x.reach, y.reach);
    }
    assert_eq!(outcome.ties.len(), plain.ties.len());
    for (x, y) in outcome.ties.iter().zip(&plain.ties) {
        assert_eq!(
            (
                x.marginal_leads,
                x.standalone_leads,
                x.mutual,
                x.fake,
                x.inviter_connections
            ),
            (
                y.marginal_leads,
                y.standalone_leads,
                y.mutual,
                y.fake,
                y.inviter_connections
            )
        );
    }
}

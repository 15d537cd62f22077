//! `netreach stats` on the sample.

use crate::common::netreach;

#[test]
fn stats_report_merges_drops_components_and_roles() {
    let out = netreach()
        .args([
            "stats",
            "--graph",
            "data/sample/edges.txt",
            "--roles",
            "data/sample/roles.csv",
        ])
        .assert()
        .success();
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    for want in [
        "nodes                  400",
        "edges                  1194",
        "self-loops dropped     1",
        "duplicates merged      1",
        "components             1",
        "recruiters             14",
        "hiring managers        49",
    ] {
        assert!(text.contains(want), "missing {want:?} in\n{text}");
    }
}

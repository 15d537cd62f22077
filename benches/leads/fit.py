#!/usr/bin/env python3
"""The field checks of docs/job-leads.md, read from experiment folders written
by `netreach run` (their CSV tables): the split of leads by hops against
Granovetter's counts (Pearson's chi-squared, 2 degrees of freedom), the share of
openings at firms a person is already connected to (LinkedIn's 11-16%), and a
tie's value by its mutual connections with standard errors over people and the
share of its standalone value that is new; with a market, the same in expected
offers, and the offers against the leads.

usage: python3 benches/leads/fit.py OUT_DIR [OUT_DIR ...]
Needs only the standard library.
"""
import csv
import math
import sys
from collections import defaultdict

GRANOVETTER = (25, 29, 10)
BINS = [(0, 0, "0"), (1, 2, "1-2"), (3, 5, "3-5"), (6, 9, "6-9"), (10, 14, "10-14"),
        (15, 24, "15-24"), (25, 10**9, "25+")]


def rows(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def chi2(split):
    n = sum(GRANOVETTER)
    return sum((o - n * p) ** 2 / max(n * p, 1e-300) for o, p in zip(GRANOVETTER, split))


def main(out):
    summary = rows(f"{out}/summary.csv")
    last = max(int(r["week"]) for r in summary)
    get = defaultdict(dict)
    for r in summary:
        if int(r["week"]) != last or r["sweep_value"]:
            continue
        get[r["strategy"]][(r["measure"], r["scope"], r["degree"])] = float(r["mean"])
    print(f"== {out} (week {last})")
    for s, m in get.items():
        up = [m.get(("expected_leads", "up_to_degree", str(k))) for k in (1, 2, 3)]
        line = f"{s:<16}"
        if None not in up and up[2] > 0:
            split = (up[0] / up[2], (up[1] - up[0]) / up[2], (up[2] - up[1]) / up[2])
            c = chi2(split)
            line += (f" leads/week {up[2]:.4f}  split {100*split[0]:.0f}/{100*split[1]:.0f}/"
                     f"{100*split[2]:.0f}  chi2 {c:.2f} (p {math.exp(-c/2):.3f})")
        o = m.get(("expected_offers", "up_to_degree", str(max(k for k in (1, 2, 3) if m.get(("expected_leads", "up_to_degree", str(k))) is not None))))
        if o is not None:
            line += f"  offers/week {o:.5f}"
        h = m.get(("hiring_firm_connected", "at_degree", "1"))
        if h is not None:
            line += f"  hiring_firm_connected {100*h:.1f}%"
        share = m.get(("network_share", "up_to_degree", "3"))
        if share is not None:
            line += f"  share<=3 {100*share:.1f}%"
        print(line)
    try:
        ties = rows(f"{out}/ties.csv")
    except FileNotFoundError:
        return
    by_strategy = defaultdict(int)
    for t in ties:
        by_strategy[t["strategy"]] += 1
    s = max(by_strategy, key=by_strategy.get)
    offers = "marginal_offers" in ties[0] if ties else False
    columns = [("marginal_leads", "standalone_leads", "leads")]
    if offers:
        columns.append(("marginal_offers", "standalone_offers", "offers"))
    for col, alone, unit in columns:
        print(f"tie value in {unit}, {s}'s real ties (mean ± SE over people; share new = marginal / standalone):")
        for lo, hi, label in BINS:
            per = defaultdict(lambda: [0.0, 0, 0.0, 0.0])
            for t in ties:
                if t["strategy"] != s or t["fake"] in ("true", "1") or not lo <= int(t["mutual"]) <= hi:
                    continue
                p = per[t["person"]]
                p[0] += float(t[col])
                p[1] += 1
                p[2] += float(t[col])
                p[3] += float(t.get(alone) or "nan")
            n = sum(p[1] for p in per.values())
            if n == 0:
                continue
            mean = sum(p[0] for p in per.values()) / n
            k = len(per)
            se = (math.sqrt(sum((p[0] - mean * p[1]) ** 2 for p in per.values()) * k / (k - 1)) / n
                  if k > 1 else float("nan"))
            new = sum(p[2] for p in per.values()) / max(sum(p[3] for p in per.values()), 1e-300)
            print(f"  {label:>6}: {mean:.6f} ± {se:.6f}  ties {n:>6}  people {k:>4}  new {100*new:.0f}%")


if __name__ == "__main__":
    for d in sys.argv[1:]:
        main(d)

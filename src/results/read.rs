//! Reads an experiment's results folder back as typed data ([`SavedResults`],
//! defined with the summary in [`super::summary`]):
//! what `netreach chart` and the report need, so they redraw from saved tables
//! without recomputing and without touching polars themselves.
//!
//! Each table is read from `NAME.parquet` if present, else `NAME.csv`. Summary
//! rows whose measure or scope this version does not know are skipped, so a folder
//! written by a newer netreach still draws.

use std::collections::BTreeMap;
use std::path::Path;

use polars::prelude::*;

use super::network::NetworkFacts;
use super::schema::{Measure, Scope, Table, column};
use super::summary::{Estimate, SavedExperiment, SavedResults, SavedTie, SummaryKey};
use crate::error::{Error, Result};

impl SavedResults {
    /// Reads the `summary`, `reach`, `degrees` and `network` tables and
    /// `experiment.toml` of a results folder.
    pub fn from_dir(dir: &Path) -> Result<Self> {
        let mut d = SavedResults {
            experiment: read_experiment(dir),
            ..SavedResults::default()
        };
        let index = d.read_summary(dir)?;
        d.read_reach(dir, &index)?;
        if let Ok(deg) = read_table(dir, Table::Degrees) {
            let dp = dir.join(Table::Degrees.name());
            let (k, n) = (
                floats(&deg, column::NEIGHBORS, &dp)?,
                floats(&deg, column::PEOPLE, &dp)?,
            );
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            {
                d.degrees = k
                    .iter()
                    .zip(&n)
                    .filter_map(|(k, n)| Some((k.map(|x| x as u64)?, n.map(|x| x as u64)?)))
                    .collect();
            }
        }
        d.network = read_network(dir);
        d.read_ties(dir, &index)?;
        d.read_by_connections(dir, &index)?;
        d.read_adoption(dir, &index)?;
        Ok(d)
    }

    /// Reads the `adoption` table, if there is one: its rows within the max
    /// degree, averaged per (strategy, share, adopter).
    fn read_adoption(
        &mut self,
        dir: &Path,
        index: &BTreeMap<(String, Option<u64>), usize>,
    ) -> Result<()> {
        use super::summary::{AdoptionPoint, adoption_estimate};
        // (strategy, share bits, adopter) -> (recruiters, leads, offers)
        type Values = (Vec<f64>, Vec<f64>, Vec<f64>, Vec<f64>);
        let Ok(table) = read_table(dir, Table::Adoption) else {
            return Ok(());
        };
        let tp = dir.join(Table::Adoption.name());
        let strategy = strings(&table, column::STRATEGY, &tp)?;
        let share = floats(&table, column::SHARE, &tp)?;
        let adopter = floats(&table, column::ADOPTER, &tp)?;
        let degree = floats(&table, column::DEGREE, &tp)?;
        let recruiters = floats(
            &table,
            &format!("{}{}", column::RECRUITERS, column::UP_TO_SUFFIX),
            &tp,
        )?;
        let nodes = floats(
            &table,
            &format!("{}{}", column::NODES, column::UP_TO_SUFFIX),
            &tp,
        )?;
        let leads = floats(&table, column::EXPECTED_LEADS_UP_TO, &tp)?;
        let offers = floats(&table, column::EXPECTED_OFFERS_UP_TO, &tp)?;
        let top = f64::from(self.summary.max_degree);
        let mut groups: BTreeMap<(usize, u64, bool), Values> = BTreeMap::new();
        for i in 0..table.height() {
            let (Some(sh), Some(a), Some(k)) = (share[i], adopter[i], degree[i]) else {
                continue;
            };
            let Some(&s) = index.get(&(strategy[i].clone(), None)) else {
                continue;
            };
            if (k - top).abs() > 0.5 {
                continue;
            }
            let g = groups.entry((s, sh.to_bits(), a > 0.5)).or_default();
            g.0.extend(recruiters[i]);
            g.1.extend(leads[i]);
            g.2.extend(offers[i]);
            g.3.extend(nodes[i]);
        }
        for ((s, share, adopter), (r, l, o, n)) in groups {
            self.adoption.points.push(AdoptionPoint {
                strategy: s,
                share: f64::from_bits(share),
                adopter,
                people: r.len(),
                recruiters: adoption_estimate(&r),
                nodes: adoption_estimate(&n),
                leads: (!l.is_empty()).then(|| adoption_estimate(&l)),
                offers: (!o.is_empty()).then(|| adoption_estimate(&o)),
            });
        }
        // Adopters first within a share.
        self.adoption.points.sort_by(|a, b| {
            (a.strategy, a.share, !a.adopter)
                .partial_cmp(&(b.strategy, b.share, !b.adopter))
                .unwrap_or(std::cmp::Ordering::Equal)
        });
        Ok(())
    }

    /// Reads `summary`; returns the strategy index by (spelling, sweep value bits).
    fn read_summary(&mut self, dir: &Path) -> Result<BTreeMap<(String, Option<u64>), usize>> {
        let summary = read_table(dir, Table::Summary)?;
        let sp = dir.join(Table::Summary.name());
        let rows = summary_rows(&summary, &sp, [column::CI95_LOW, column::CI95_HIGH])?;
        // A strategy is its spelling plus its sweep value: `random:0.5` may be both a
        // listed strategy and a sweep point.
        let mut index: BTreeMap<(String, Option<u64>), usize> = BTreeMap::new();
        for row in rows {
            let s = *index.entry(row.strategy_key()).or_insert_with(|| {
                self.summary.strategies.push(row.strategy.clone());
                self.summary.sweep.push(row.sweep);
                self.summary.strategies.len() - 1
            });
            if let Some(key) = row.key(s) {
                self.summary.insert(key, row.value);
            }
        }
        Ok(index)
    }

    /// Reads the `by_connections` table, if there is one.
    fn read_by_connections(
        &mut self,
        dir: &Path,
        index: &BTreeMap<(String, Option<u64>), usize>,
    ) -> Result<()> {
        let Ok(t) = read_table(dir, Table::ByConnections) else {
            return Ok(());
        };
        let tp = dir.join(Table::ByConnections.name());
        let rows = summary_rows(&t, &tp, [column::CI_LOW, column::CI_HIGH])?;
        let bin = strings(&t, column::CONNECTIONS_BIN, &tp)?;
        let people = floats(&t, column::PEOPLE, &tp)?;
        for ((row, bin), people) in rows.into_iter().zip(&bin).zip(people) {
            let Some(key) = index.get(&row.strategy_key()).and_then(|&s| row.key(s)) else {
                continue;
            };
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            self.by_connections
                .insert(bin, key, people.unwrap_or(0.0) as u64, row.value);
        }
        Ok(())
    }

    /// Reads the `ties` table, if there is one.
    fn read_ties(
        &mut self,
        dir: &Path,
        index: &BTreeMap<(String, Option<u64>), usize>,
    ) -> Result<()> {
        let Ok(ties) = read_table(dir, Table::Ties) else {
            return Ok(());
        };
        let tp = dir.join(Table::Ties.name());
        let (strategy, sweep) = (
            strings(&ties, column::STRATEGY, &tp)?,
            floats(&ties, column::SWEEP_VALUE, &tp)?,
        );
        let (mutual, connections, fake, marginal) = (
            floats(&ties, column::MUTUAL, &tp)?,
            floats(&ties, column::INVITER_CONNECTIONS, &tp)?,
            floats(&ties, column::FAKE, &tp)?,
            floats(&ties, column::MARGINAL_LEADS, &tp)?,
        );
        let person = strings(&ties, column::PERSON, &tp)?;
        // Written before the column existed: no standalone values.
        let standalone = floats(&ties, column::STANDALONE_LEADS, &tp)
            .unwrap_or_else(|_| vec![None; ties.height()]);
        // Without a market: no offers.
        let offers = floats(&ties, column::MARGINAL_OFFERS, &tp)
            .unwrap_or_else(|_| vec![None; ties.height()]);
        let mut people: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
        for i in 0..ties.height() {
            let next = people.len();
            let who = *people.entry(person[i].as_str()).or_insert(next);
            let Some(&s) = index.get(&(strategy[i].clone(), sweep[i].map(f64::to_bits))) else {
                continue;
            };
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            if let (Some(m), Some(c), Some(f), Some(v)) =
                (mutual[i], connections[i], fake[i], marginal[i])
            {
                self.ties.push(SavedTie {
                    strategy: s,
                    person: who,
                    mutual: m as u32,
                    inviter_connections: c as u32,
                    fake: f != 0.0,
                    marginal_leads: v,
                    standalone_leads: standalone[i].unwrap_or(f64::NAN),
                    marginal_offers: offers[i],
                });
            }
        }
        Ok(())
    }

    /// Reads each observation's recruiters within the max degree, last week.
    fn read_reach(
        &mut self,
        dir: &Path,
        index: &BTreeMap<(String, Option<u64>), usize>,
    ) -> Result<()> {
        let reach = read_table(dir, Table::Reach)?;
        let rp = dir.join(Table::Reach.name());
        let recruiters_up_to = format!("{}{}", column::RECRUITERS, column::UP_TO_SUFFIX);
        let rsv = floats(&reach, column::SWEEP_VALUE, &rp)?;
        let (rs, rw, rk, rv) = (
            strings(&reach, column::STRATEGY, &rp)?,
            floats(&reach, column::WEEK, &rp)?,
            floats(&reach, column::DEGREE, &rp)?,
            floats(&reach, &recruiters_up_to, &rp)?,
        );
        self.recruiters_within_max = vec![Vec::new(); self.summary.strategies.len()];
        let (last, top) = (
            f64::from(self.summary.last_week()),
            f64::from(self.summary.max_degree),
        );
        for i in 0..reach.height() {
            if rw[i] == Some(last)
                && rk[i] == Some(top)
                && let (Some(&s), Some(v)) =
                    (index.get(&(rs[i].clone(), rsv[i].map(f64::to_bits))), rv[i])
            {
                self.recruiters_within_max[s].push(v);
            }
        }
        Ok(())
    }
}

/// `experiment.toml` of a results folder; defaults where absent or unreadable.
fn read_experiment(dir: &Path) -> SavedExperiment {
    let text =
        std::fs::read_to_string(dir.join(crate::config::EXPERIMENT_FILE)).unwrap_or_default();
    let table: toml::Table = toml::from_str(&text).unwrap_or_default();
    let string = |key: &str| match table.get(key) {
        Some(toml::Value::String(v)) => v.clone(),
        _ => String::new(),
    };
    let integer = |key: &str| table.get(key).and_then(toml::Value::as_integer);
    SavedExperiment {
        name: string("name"),
        description: string("description"),
        seed: integer("seed"),
        replicates: integer("replicates"),
        sweep_parameter: table
            .get("sweep")
            .and_then(|s| s.get("parameter"))
            .and_then(toml::Value::as_str)
            .map(str::to_string),
    }
}

/// The `network` table's one row, if the table is there and complete.
fn read_network(dir: &Path) -> Option<NetworkFacts> {
    let df = read_table(dir, Table::Network).ok()?;
    let path = dir.join(Table::Network.name());
    let text = |c: &str| strings(&df, c, &path).ok()?.into_iter().next();
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let count = |c: &str| Some(floats(&df, c, &path).ok()?.first().copied()?? as u64);
    Some(NetworkFacts {
        source: text("source")?,
        people: count(column::PEOPLE)?,
        fake_accounts: count("fake_accounts")?,
        edges: count("edges")?,
        recruiters: count(column::RECRUITERS)?,
        hiring_managers: count(column::HIRING_MANAGERS)?,
        studied: count("studied")?,
    })
}

fn table_error(path: &Path) -> impl FnOnce(PolarsError) -> Error + '_ {
    move |source| Error::Table {
        context: format!("{}: cannot read the results table", path.display()),
        source,
    }
}

/// Reads `TABLE.parquet` (else `TABLE.csv`) from `dir`.
/// One row of a summary-shaped table (`summary`, `by_connections`), read back.
struct ReadRow {
    strategy: String,
    sweep: Option<f64>,
    week: u32,
    /// `None` when this version does not know the measure or scope.
    measure: Option<(Measure, Scope)>,
    degree: Option<u32>,
    value: Estimate,
}

impl ReadRow {
    /// The strategy's identity: spelling and sweep value bits.
    fn strategy_key(&self) -> (String, Option<u64>) {
        (self.strategy.clone(), self.sweep.map(f64::to_bits))
    }

    /// The summary key with strategy index `s`, if the measure is known.
    fn key(&self, strategy: usize) -> Option<SummaryKey> {
        let (measure, scope) = self.measure?;
        Some(SummaryKey {
            strategy,
            week: self.week,
            measure,
            scope,
            degree: self.degree,
        })
    }
}

/// The rows of a summary-shaped table; `ci` names its interval's two columns.
fn summary_rows(t: &DataFrame, path: &Path, ci: [&str; 2]) -> Result<Vec<ReadRow>> {
    let strategy = strings(t, column::STRATEGY, path)?;
    let sweep = floats(t, column::SWEEP_VALUE, path)?;
    let week = floats(t, column::WEEK, path)?;
    let measure = strings(t, column::MEASURE, path)?;
    let scope = strings(t, column::SCOPE, path)?;
    let degree = floats(t, column::DEGREE, path)?;
    let mean = floats(t, column::MEAN, path)?;
    let median = floats(t, column::MEDIAN, path)?;
    let low = floats(t, ci[0], path)?;
    let high = floats(t, ci[1], path)?;
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    Ok((0..t.height())
        .map(|i| ReadRow {
            strategy: strategy[i].clone(),
            sweep: sweep[i],
            week: week[i].unwrap_or(0.0) as u32,
            measure: measure[i].parse().ok().zip(scope[i].parse().ok()),
            degree: degree[i].map(|x| x as u32),
            value: Estimate {
                mean: mean[i].unwrap_or(f64::NAN),
                median: median[i].unwrap_or(f64::NAN),
                low: low[i].unwrap_or(f64::NAN),
                high: high[i].unwrap_or(f64::NAN),
            },
        })
        .collect())
}

fn read_table(dir: &Path, table: Table) -> Result<DataFrame> {
    let name = table.name();
    let pq = dir.join(format!("{name}.parquet"));
    if pq.exists() {
        let f = std::fs::File::open(&pq).map_err(|e| Error::io("read", &pq, e))?;
        return ParquetReader::new(f).finish().map_err(table_error(&pq));
    }
    let csv = dir.join(format!("{name}.csv"));
    if !csv.exists() {
        return Err(Error::format(
            dir,
            format!(
                "expected a results folder with {name}.parquet or {name}.csv (written by netreach run or simulate)"
            ),
        ));
    }
    CsvReadOptions::default()
        .with_has_header(true)
        .try_into_reader_with_file_path(Some(csv.clone()))
        .and_then(SerReader::finish)
        .map_err(table_error(&csv))
}

fn strings(df: &DataFrame, col: &str, path: &Path) -> Result<Vec<String>> {
    let c = df
        .column(col)
        .map_err(table_error(path))?
        .cast(&DataType::String)
        .map_err(table_error(path))?;
    Ok(c.as_materialized_series()
        .str()
        .map_err(table_error(path))?
        .iter()
        .map(|v| v.unwrap_or_default().to_string())
        .collect())
}

fn floats(df: &DataFrame, col: &str, path: &Path) -> Result<Vec<Option<f64>>> {
    let c = df
        .column(col)
        .map_err(table_error(path))?
        .cast(&DataType::Float64)
        .map_err(table_error(path))?;
    Ok(c.as_materialized_series()
        .f64()
        .map_err(table_error(path))?
        .iter()
        .collect())
}

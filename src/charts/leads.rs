//! The charts of an experiment with `[leads]`: expected job leads by strategy
//! (split by the hops a lead travels, with the chance of at least one), and the
//! value of one accepted tie against its mutual connections. Drawn by
//! [`super::draw_all`] from the `summary` and `ties` tables.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::{DrawResult, PALETTE, PANEL, chart, err, title_style};
use crate::results::summary::{
    BinGain, BinValue, ConnectionBins, Estimate, FEW, SavedResults, TIE_BINS,
};
use crate::results::{Measure, Scope};

/// "1 tie", "3 ties".
fn ties(k: u32) -> String {
    crate::words::plural(u64::from(k), "tie", "ties")
}

/// Left: expected leads a week within the max degree per strategy, each bar
/// split by hops, with the 95% CI of the total. Right: the chance of at least
/// one lead a week, with its CI.
#[allow(clippy::too_many_lines)] // two panels of bars with error bars and labels
pub(super) fn draw_leads<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    d: &SavedResults,
    title: &str,
) -> DrawResult<usize> {
    let root = super::titled(root, title)?;
    let panels = root.split_evenly((1, 2));
    let main = d.summary.main_strategies();
    let n = main.len();
    let top = d.summary.max_degree;
    let names: Vec<String> = main
        .iter()
        .map(|&s| d.summary.strategies[s].clone())
        .collect();
    let up_to = |s: usize, m: Measure, k: u32| d.summary.at_last(s, m, Scope::UpToDegree, Some(k));
    let mut series = 0;
    for (p, panel) in panels.iter().enumerate() {
        let measure = if p == 0 {
            Measure::ExpectedLeads
        } else {
            Measure::PAnyLead
        };
        let rows: Vec<(usize, Estimate)> = main
            .iter()
            .enumerate()
            .filter_map(|(i, &s)| up_to(s, measure, top).map(|e| (i, e)))
            .collect();
        let max = rows.iter().map(|r| r.1.top()).fold(1e-9f64, f64::max);
        let (caption, x_desc) = if p == 0 {
            (
                format!("Expected leads a week within {}", ties(top)),
                "job openings reaching the person a week (mean)".to_string(),
            )
        } else {
            (
                format!("Chance of at least one lead a week within {}", ties(top)),
                "probability (mean over people)".to_string(),
            )
        };
        let mut chart = chart(
            panel,
            PANEL,
            &caption,
            if p == 0 { 300 } else { 20 },
            0.0..max * 1.25,
            // An empty band under the last bar holds the legend.
            -1.4..(n as f64 - 0.5),
        )?;
        let first = p == 0;
        let y_fmt = super::row_labels(names.clone(), first);
        chart
            .configure_mesh()
            .max_light_lines(1)
            .disable_y_mesh()
            .y_labels(n.max(1) * 2 + 3)
            .y_label_formatter(&y_fmt)
            .x_labels(5)
            .x_label_formatter(&|x| {
                if first {
                    format!("{x:.2}")
                } else {
                    format!("{:.0}%", 100.0 * x)
                }
            })
            .x_desc(x_desc)
            .label_style(title_style(18))
            .axis_desc_style(title_style(20))
            .draw()
            .map_err(err)?;
        let y_of = |i: usize| n as f64 - 1.0 - i as f64;
        if first {
            // Segments by hops: direct contact, one intermediary, two, ...
            for k in 1..=top {
                let color = PALETTE[(k as usize - 1) % PALETTE.len()];
                let segs: Vec<(usize, f64, f64)> = main
                    .iter()
                    .enumerate()
                    .filter_map(|(i, &s)| {
                        let hi = up_to(s, measure, k)?.mean;
                        let lo = if k > 1 {
                            up_to(s, measure, k - 1)?.mean
                        } else {
                            0.0
                        };
                        Some((i, lo, hi))
                    })
                    .collect();
                chart
                    .draw_series(segs.iter().map(|&(i, lo, hi)| {
                        let y = y_of(i);
                        Rectangle::new([(lo, y - 0.35), (hi, y + 0.35)], color.filled())
                    }))
                    .map_err(err)?
                    .label(match k {
                        1 => "from a direct connection".to_string(),
                        2 => "through one intermediary".to_string(),
                        k => format!("through {} intermediaries", k - 1),
                    })
                    .legend(move |(x, y)| {
                        Rectangle::new([(x, y - 8), (x + 20, y + 8)], color.filled())
                    });
                series += 1;
            }
            chart
                .configure_series_labels()
                .position(SeriesLabelPosition::LowerRight)
                .label_font(title_style(18))
                .background_style(WHITE.mix(0.9))
                .border_style(BLACK)
                .draw()
                .map_err(err)?;
        } else {
            chart
                .draw_series(rows.iter().map(|&(i, e)| {
                    let y = y_of(i);
                    Rectangle::new([(0.0, y - 0.35), (e.mean, y + 0.35)], PALETTE[3].filled())
                }))
                .map_err(err)?;
            series += 1;
        }
        chart
            .draw_series(rows.iter().filter(|r| r.1.low.is_finite()).map(|&(i, e)| {
                let y = y_of(i);
                PathElement::new(
                    vec![(e.low.max(0.0), y), (e.high, y)],
                    BLACK.stroke_width(3),
                )
            }))
            .map_err(err)?;
        chart
            .draw_series(rows.iter().map(|&(i, e)| {
                Text::new(
                    if first {
                        format!("{:.3}", e.mean)
                    } else {
                        format!("{:.1}%", 100.0 * e.mean)
                    },
                    (e.top() + max * 0.02, y_of(i)),
                    title_style(16).pos(Pos::new(HPos::Left, VPos::Center)),
                )
            }))
            .map_err(err)?;
    }
    Ok(series)
}

/// Left: mean marginal leads per accepted tie by mutual-connection bin, with
/// 95% CIs and the ties per bin. Right: the same divided by the inviter's
/// connections, so hubs do not hide the effect of strength.
#[allow(clippy::too_many_lines)] // two panels of bars, intervals and counts
pub(super) fn draw_tie_value<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    d: &SavedResults,
    title: &str,
) -> DrawResult<usize> {
    let root = super::titled(root, title)?;
    let panels = root.split_evenly((1, 2));
    let Some(strategy) = d.tie_strategy() else {
        return Ok(0);
    };
    let per_tie = d.tie_values(strategy, |t| t.marginal_leads);
    let per_connection = d.tie_values(strategy, |t| {
        t.marginal_leads / f64::from(t.inviter_connections.max(1))
    });
    let mut series = 0;
    for (p, (panel, bins)) in panels.iter().zip([&per_tie, &per_connection]).enumerate() {
        // Bins of fewer than FEW ties are drawn faint and do not set the scale:
        // their intervals are too wide to read.
        let solid = |b: &&BinValue| b.ties >= FEW;
        let scale_from: Vec<&BinValue> = if bins.iter().any(|b| solid(&b)) {
            bins.iter().filter(solid).collect()
        } else {
            bins.iter().collect()
        };
        let max = scale_from
            .iter()
            .map(|b| if b.high.is_finite() { b.high } else { b.mean })
            .fold(1e-12f64, f64::max);
        let ceiling = max * 1.2;
        let nb = TIE_BINS.len();
        // Enough decimals for five ticks over 0..max ("0.004", "0.00015").
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let decimals = (-(ceiling / 5.0).log10().floor()).max(0.0) as usize;
        let (caption, y_desc) = if p == 0 {
            (
                "Leads a week one tie adds",
                "expected leads a week (mean per tie)",
            )
        } else {
            (
                "... per connection of the inviter",
                "leads a week per tie ÷ inviter's connections",
            )
        };
        let mut chart = chart(
            panel,
            PANEL,
            caption,
            130,
            -0.5..(nb as f64 - 0.5),
            0.0..ceiling,
        )?;
        chart
            .configure_mesh()
            .max_light_lines(1)
            .disable_x_mesh()
            .x_labels(nb * 2 + 1)
            .x_label_formatter(&|x| bin_label(*x, TIE_BINS.len(), |i| TIE_BINS[i].2.to_string()))
            .y_label_formatter(&|y| format!("{y:.decimals$}"))
            .x_desc("mutual connections of the tie at acceptance")
            .y_desc(y_desc)
            .label_style(title_style(18))
            .axis_desc_style(title_style(20))
            .draw()
            .map_err(err)?;
        let color = PALETTE[p % PALETTE.len()];
        let clip = |v: f64| v.min(ceiling * 0.93);
        chart
            .draw_series(bins.iter().map(|b| {
                let x = b.bin as f64;
                let fill = if b.ties >= FEW {
                    color.filled()
                } else {
                    color.mix(0.3).filled()
                };
                Rectangle::new([(x - 0.35, 0.0), (x + 0.35, clip(b.mean))], fill)
            }))
            .map_err(err)?;
        chart
            .draw_series(bins.iter().filter(|b| b.low.is_finite()).map(|b| {
                let x = b.bin as f64;
                let ink = if b.ties >= FEW {
                    BLACK.to_rgba()
                } else {
                    BLACK.mix(0.4)
                };
                PathElement::new(
                    vec![(x, clip(b.low.max(0.0))), (x, clip(b.high))],
                    ink.stroke_width(3),
                )
            }))
            .map_err(err)?;
        chart
            .draw_series(bins.iter().map(|b| {
                let top = clip(if b.high.is_finite() { b.high } else { b.mean });
                let few = if b.ties >= FEW { "" } else { ", few" };
                Text::new(
                    format!("n={}{few}", crate::words::thousands(b.ties as f64)),
                    (b.bin as f64, top + max * 0.02),
                    title_style(16).pos(Pos::new(HPos::Center, VPos::Bottom)),
                )
            }))
            .map_err(err)?;
        series += 1;
    }
    Ok(series)
}

/// The `by_connections` chart: each main strategy's headline measure (leads,
/// else recruiters within the max degree) over `refuse-all`'s, per bin of the
/// people's connections before the first week; bins of fewer than
/// [`crate::results::summary::FEW_PEOPLE`] people drawn faint.
#[allow(clippy::too_many_lines)] // one chart: axes, bars, people counts, legend
pub(super) fn draw_by_connections<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    d: &SavedResults,
    title: &str,
) -> DrawResult<usize> {
    root.fill(&WHITE).map_err(err)?;
    let s = &d.summary;
    let base = s.strategy_index("refuse-all");
    let shown: Vec<(usize, Vec<BinGain>)> = s
        .main_strategies()
        .into_iter()
        .filter(|&x| Some(x) != base)
        .map(|x| (x, d.by_connections.gains(s, x)))
        .filter(|(_, g)| !g.is_empty())
        .collect();
    let labels = &d.by_connections.labels;
    let nb = labels.len().max(1);
    let ratios = shown.iter().flat_map(|(_, g)| g.iter().map(BinGain::ratio));
    let max = ratios.filter(|r| r.is_finite()).fold(1.0f64, f64::max);
    let ceiling = max * 1.15;
    let (_, what) = ConnectionBins::measure(s);
    let mut chart = chart(
        root,
        super::WHOLE,
        title,
        110,
        -0.5..(nb as f64 - 0.5),
        0.0..ceiling,
    )?;
    chart
        .configure_mesh()
        .max_light_lines(1)
        .disable_x_mesh()
        .x_labels(nb * 2 + 1)
        .x_label_formatter(&|x| bin_label(*x, labels.len(), |i| labels[i].clone()))
        .y_label_formatter(&|y| format!("×{y:.1}"))
        .x_desc("connections before the first week")
        .y_desc(format!("{what} ÷ refuse-all's"))
        .label_style(title_style(18))
        .axis_desc_style(title_style(20))
        .draw()
        .map_err(err)?;
    // refuse-all's own level.
    chart
        .draw_series(std::iter::once(PathElement::new(
            vec![(-0.5, 1.0), (nb as f64 - 0.5, 1.0)],
            BLACK.mix(0.5).stroke_width(2),
        )))
        .map_err(err)?;
    let width = 0.8 / shown.len().max(1) as f64;
    let mut series = 0;
    for (k, (strategy, gains)) in shown.iter().enumerate() {
        let color = PALETTE[k % PALETTE.len()];
        let x_of = |g: &BinGain| {
            let bin = labels.iter().position(|l| *l == g.label).unwrap_or(0) as f64;
            bin - 0.4 + width * (k as f64 + 0.5)
        };
        chart
            .draw_series(gains.iter().filter(|g| g.ratio().is_finite()).map(|g| {
                let x = x_of(g);
                let fill = if g.few() {
                    color.mix(0.25).filled()
                } else {
                    color.filled()
                };
                Rectangle::new(
                    [(x - width * 0.45, 0.0), (x + width * 0.45, g.ratio())],
                    fill,
                )
            }))
            .map_err(err)?
            .label(s.strategies[*strategy].clone())
            .legend(move |(x, y)| Rectangle::new([(x, y - 8), (x + 20, y + 8)], color.filled()));
        series += 1;
    }
    // People per bin, above the bin's tallest bar (refuse-all's count: the
    // same people).
    if let Some((_, gains)) = shown.first() {
        let tallest = |label: &str| {
            shown
                .iter()
                .flat_map(|(_, g)| g.iter().filter(|x| x.label == label).map(BinGain::ratio))
                .filter(|r| r.is_finite())
                .fold(1.0f64, f64::max)
        };
        chart
            .draw_series(gains.iter().map(|g| {
                let bin = labels.iter().position(|l| *l == g.label).unwrap_or(0) as f64;
                let few = if g.few() { ", too few to read" } else { "" };
                Text::new(
                    format!("{} people{few}", crate::words::thousands(g.people as f64)),
                    (bin, tallest(&g.label) + ceiling * 0.015),
                    title_style(16).pos(Pos::new(HPos::Center, VPos::Bottom)),
                )
            }))
            .map_err(err)?;
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperRight)
        .label_font(title_style(18))
        .background_style(WHITE.mix(0.9))
        .border_style(BLACK)
        .draw()
        .map_err(err)?;
    Ok(series)
}

/// The label of a bar chart's x tick: bin `i`'s name (`name(i)`) at whole
/// positions `0..count`, nothing between them.
fn bin_label(x: f64, count: usize, name: impl Fn(usize) -> String) -> String {
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let i = x.round() as usize;
    if (x - x.round()).abs() < 1e-6 && i < count {
        name(i)
    } else {
        String::new()
    }
}

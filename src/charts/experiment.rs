//! The charts of an experiment's results: strategies compared, the acceptance
//! sweep, the distribution over people, reach week by week, and gains against
//! fake accounts accepted. Drawn by [`super::draw_all`].

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::{
    DrawResult, PALETTE, PANEL, WHOLE, band_line, chart, err, legend, percent_label, thousands,
    title_style,
};
use crate::results::summary::{Estimate, SavedResults};
use crate::results::{Measure, Scope};

pub(super) fn sweep_label(data: &SavedResults) -> String {
    match data.experiment.sweep_parameter.as_deref() {
        Some("random") => "acceptance probability P (random:P)".into(),
        Some("min-mutual") => "minimum mutual connections K (min-mutual:K)".into(),
        Some("mutual-max") => "most mutual connections B (mutual:0-B)".into(),
        Some(other) => other.into(),
        None => "the swept value".into(),
    }
}

/// The four reach measures drawn per strategy: (role measure, degree, label).
fn role_degrees(top: u32) -> Vec<(Measure, u32, String)> {
    let mut v = Vec::new();
    for (m, label) in [
        (Measure::Recruiters, "Recruiters"),
        (Measure::HiringManagers, "Hiring managers"),
    ] {
        for k in [2.min(top), top] {
            v.push((m, k, format!("{label} within {k}")));
        }
    }
    v.dedup_by(|a, b| a.0 == b.0 && a.1 == b.1);
    v
}

/// One panel per role and degree (2, then the largest, one row each), each on
/// its own scale, so the 2nd degree, the one a person can act on, is never a
/// sliver beside the 3rd; every bar names its share of the network's total.
#[allow(clippy::too_many_lines)] // panels of bars with error bars and share labels
pub(super) fn draw_strategies<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    d: &SavedResults,
    title: &str,
) -> DrawResult<usize> {
    let root = super::titled(root, title)?;
    let mut degrees = vec![2.min(d.summary.max_degree), d.summary.max_degree];
    degrees.dedup();
    let panels = root.split_evenly((degrees.len(), 2));
    let main = d.summary.main_strategies();
    let n = main.len();
    let names: Vec<String> = main
        .iter()
        .map(|&s| d.summary.strategies[s].clone())
        .collect();
    let roles = [
        (Measure::Recruiters, "Recruiters", "recruiters"),
        (
            Measure::HiringManagers,
            "Hiring managers",
            "hiring managers",
        ),
    ];
    let mut series = 0;
    for (p, panel) in panels.iter().enumerate() {
        let (k, (measure, label, plural)) = (degrees[p / 2], roles[p % 2]);
        // Position i (0 at the top) for the i-th main strategy.
        let rows: Vec<(usize, Estimate)> = main
            .iter()
            .enumerate()
            .filter_map(|(i, &s)| {
                d.summary
                    .at_last(s, measure, Scope::UpToDegree, Some(k))
                    .map(|v| (i, v))
            })
            .collect();
        let max = rows.iter().map(|r| r.1.top()).fold(1.0f64, f64::max);
        // The whole network's count: the reference every bar is a share of.
        let total = d.network.as_ref().map(|f| match measure {
            Measure::Recruiters => f.recruiters,
            _ => f.hiring_managers,
        });
        let first_column = p % 2 == 0;
        let mut chart = chart(
            panel,
            PANEL,
            &format!(
                "{label} within {k} {}",
                if k == 1 { "degree" } else { "degrees" }
            ),
            if first_column { 300 } else { 20 },
            // Room right of the bars for their share of the network's total.
            0.0..max * if total.is_some() { 1.3 } else { 1.12 },
            -0.5..(n as f64 - 0.5),
        )?;
        let y_fmt = super::row_labels(names.clone(), first_column);
        chart
            .configure_mesh()
            .max_light_lines(1)
            .disable_y_mesh()
            .y_labels(n.max(1) * 2 + 1)
            .y_label_formatter(&y_fmt)
            // Few enough ticks that "10,000"-wide labels never touch in a panel.
            .x_labels(5)
            .x_label_formatter(&|x| thousands(*x))
            .x_desc(match total {
                Some(t) => format!("people ({} {plural} in the network)", thousands(t as f64)),
                None => "people".to_string(),
            })
            .label_style(title_style(18))
            .axis_desc_style(title_style(20))
            .draw()
            .map_err(err)?;
        let color = PALETTE[(p / 2) % PALETTE.len()];
        chart
            .draw_series(rows.iter().map(|&(s, e)| {
                let y = n as f64 - 1.0 - s as f64;
                Rectangle::new([(0.0, y - 0.35), (e.mean, y + 0.35)], color.filled())
            }))
            .map_err(err)?;
        chart
            .draw_series(rows.iter().filter(|r| r.1.low.is_finite()).map(|&(s, e)| {
                let y = n as f64 - 1.0 - s as f64;
                PathElement::new(
                    vec![(e.low.max(0.0), y), (e.high, y)],
                    BLACK.stroke_width(3),
                )
            }))
            .map_err(err)?;
        if let Some(t) = total.filter(|&t| t > 0) {
            // Every bar says what share of the network's total it holds: the
            // reference that tells saturation from a gain.
            chart
                .draw_series(rows.iter().map(|&(s, e)| {
                    let y = n as f64 - 1.0 - s as f64;
                    let share = percent_label(e.mean / t as f64);
                    Text::new(
                        if share.is_empty() {
                            "<0.1% of all".to_string()
                        } else {
                            format!("{share} of all")
                        },
                        (e.top() + max * 0.02, y),
                        title_style(16).pos(Pos::new(HPos::Left, VPos::Center)),
                    )
                }))
                .map_err(err)?;
        }
        series += 1;
    }
    Ok(series)
}

pub(super) fn draw_sweep<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    d: &SavedResults,
    title: &str,
) -> DrawResult<usize> {
    let root = super::titled(root, title)?;
    let panels = root.split_evenly((1, 2));
    let mut points: Vec<(f64, usize)> = d
        .summary
        .sweep
        .iter()
        .enumerate()
        .filter_map(|(s, v)| v.map(|v| (v, s)))
        .collect();
    points.sort_by(|a, b| a.0.total_cmp(&b.0));
    let (x0, x1) = (
        points.first().map_or(0.0, |p| p.0),
        points.last().map_or(1.0, |p| p.0),
    );
    let xr = if x1 > x0 { x0..x1 } else { x0 - 0.5..x0 + 0.5 };
    let mut series = 0;
    let label_all = role_degrees(d.summary.max_degree);
    for (panel, role) in panels
        .iter()
        .zip([Measure::Recruiters, Measure::HiringManagers])
    {
        let lines: Vec<&(Measure, u32, String)> =
            label_all.iter().filter(|x| x.0 == role).collect();
        let max = points
            .iter()
            .flat_map(|&(_, s)| {
                lines
                    .iter()
                    .filter_map(move |l| d.summary.at_last(s, l.0, Scope::UpToDegree, Some(l.1)))
            })
            .map(Estimate::top)
            .fold(1.0f64, f64::max);
        let name = if role == Measure::Recruiters {
            "Recruiters"
        } else {
            "Hiring managers"
        };
        let mut chart = chart(panel, PANEL, name, 100, xr.clone(), 0.0..max * 1.1)?;
        chart
            .configure_mesh()
            .max_light_lines(1)
            .x_desc(sweep_label(d))
            .y_desc(format!("{name} reached (people)"))
            .y_label_formatter(&|y| thousands(*y))
            .label_style(title_style(20))
            .axis_desc_style(title_style(22))
            .draw()
            .map_err(err)?;
        for (j, l) in lines.iter().enumerate() {
            let color =
                PALETTE[(j + if role == Measure::Recruiters { 0 } else { 2 }) % PALETTE.len()];
            let vals: Vec<(f64, Estimate)> = points
                .iter()
                .filter_map(|&(x, s)| {
                    d.summary
                        .at_last(s, l.0, Scope::UpToDegree, Some(l.1))
                        .map(|v| (x, v))
                })
                .collect();
            band_line(&mut chart, &vals, color, 0.2, l.2.clone())?;
            chart
                .draw_series(
                    vals.iter()
                        .map(|(x, v)| Circle::new((*x, v.mean), 6, color.filled())),
                )
                .map_err(err)?;
            series += 1;
        }
        legend(&mut chart, SeriesLabelPosition::UpperLeft, 20)?;
    }
    Ok(series)
}

pub(super) fn draw_distribution<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    d: &SavedResults,
    title: &str,
) -> DrawResult<usize> {
    root.fill(&WHITE).map_err(err)?;
    let values = || d.recruiters_within_max.iter().flatten().copied();
    let max = values().fold(1.0f64, f64::max);
    // The axis starts near the smallest value (rounded down to a tick), not at 0.
    let min = values().fold(max, f64::min);
    let lo = nice_floor(min - 0.05 * (max - min));
    let hi = max + 0.05 * (max - lo);
    let mut chart = chart(root, WHOLE, title, 110, lo..hi, 0.0..1.0)?;
    chart
        .configure_mesh()
        .max_light_lines(1)
        .x_desc(format!(
            "Recruiters within {} degrees (people)",
            d.summary.max_degree
        ))
        .y_desc("Share of people at or below (ECDF)")
        .x_label_formatter(&|x| thousands(*x))
        .y_label_formatter(&|y| format!("{:.0}%", y * 100.0))
        .label_style(title_style(22))
        .axis_desc_style(title_style(24))
        .draw()
        .map_err(err)?;
    let mut series = 0;
    for (j, s) in d.summary.main_strategies().into_iter().enumerate() {
        let values = &d.recruiters_within_max[s];
        if values.is_empty() {
            continue;
        }
        let mut v = values.clone();
        v.sort_by(f64::total_cmp);
        let n = v.len() as f64;
        let mut steps = vec![(lo, 0.0)];
        for (i, x) in v.iter().enumerate() {
            steps.push((*x, i as f64 / n));
            steps.push((*x, (i + 1) as f64 / n));
        }
        steps.push((hi, 1.0));
        let color = PALETTE[s % PALETTE.len()];
        chart
            .draw_series(LineSeries::new(steps, color.stroke_width(3)))
            .map_err(err)?;
        // A marker of its own shape on every decile, so a curve hidden under
        // another still shows.
        let deciles: Vec<(f64, f64)> = (1..10usize)
            .map(|q| {
                let i = (q * v.len()).div_ceil(10).clamp(1, v.len());
                (v[i - 1], q as f64 / 10.0)
            })
            .collect();
        chart
            .draw_series(deciles.into_iter().map(move |p| {
                EmptyElement::at(p) + Polygon::new(marker_shape(j, 14), color.filled())
            }))
            .map_err(err)?
            .label(d.summary.strategies[s].clone())
            .legend(move |(x, y)| {
                EmptyElement::at((x, y))
                    + PathElement::new(vec![(0, 0), (20, 0)], color.stroke_width(3))
                    + Polygon::new(
                        marker_shape(j, 12)
                            .into_iter()
                            .map(|(a, b)| (a + 10, b))
                            .collect::<Vec<_>>(),
                        color.filled(),
                    )
            });
        series += 1;
    }
    legend(&mut chart, SeriesLabelPosition::LowerRight, 22)?;
    Ok(series)
}

/// The largest "round" number (1, 2 or 5 times a power of ten, times a whole
/// number) at or below `x`, and never below 0: where a value axis starts.
fn nice_floor(x: f64) -> f64 {
    if x <= 0.0 {
        return 0.0;
    }
    let step = 10f64.powf(x.log10().floor());
    (x / step).floor() * step
}

/// The outline of marker `j` (circle, triangle, square, diamond, plus, in turn),
/// `size` px across, around (0, 0).
#[allow(clippy::many_single_char_names)] // r, t: the outline's two radii
fn marker_shape(j: usize, size: i32) -> Vec<(i32, i32)> {
    let r = size / 2;
    let t = (size / 6).max(2);
    match j % 5 {
        0 => (0..12)
            .map(|i| {
                let a = f64::from(i) * std::f64::consts::PI / 6.0;
                #[allow(clippy::cast_possible_truncation)]
                let p = (
                    (f64::from(r) * a.cos()).round() as i32,
                    (f64::from(r) * a.sin()).round() as i32,
                );
                p
            })
            .collect(),
        1 => vec![(0, -r - 2), (r + 2, r), (-r - 2, r)],
        2 => vec![(-r, -r), (r, -r), (r, r), (-r, r)],
        3 => vec![(0, -r - 2), (r + 2, 0), (0, r + 2), (-r - 2, 0)],
        _ => vec![
            (-t, -r),
            (t, -r),
            (t, -t),
            (r, -t),
            (r, t),
            (t, t),
            (t, r),
            (-t, r),
            (-t, t),
            (-r, t),
            (-r, -t),
            (-t, -t),
        ],
    }
}

pub(super) fn draw_over_time<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    d: &SavedResults,
    title: &str,
) -> DrawResult<usize> {
    root.fill(&WHITE).map_err(err)?;
    let top = Some(d.summary.max_degree);
    let main = d.summary.main_strategies();
    let max = main
        .iter()
        .copied()
        .flat_map(|s| {
            d.summary.weeks.iter().filter_map(move |&w| {
                d.summary
                    .get(s, w, Measure::Recruiters, Scope::UpToDegree, top)
            })
        })
        .map(Estimate::top)
        .fold(1.0f64, f64::max);
    // From zero, and never above the recruiters the network holds.
    let total = d
        .network
        .as_ref()
        .map(|f| f.recruiters as f64)
        .filter(|&t| t > 0.0);
    let ceiling = total.map_or(max * 1.05, |t| (max * 1.05).min(t));
    let (w0, w1) = (
        f64::from(d.summary.weeks[0]),
        f64::from(d.summary.last_week()),
    );
    let mut chart = chart(root, WHOLE, title, 110, w0..w1, 0.0..ceiling)?;
    chart
        .configure_mesh()
        .max_light_lines(1)
        .x_desc("Week")
        .y_desc(format!(
            "Recruiters within {} degrees (people)",
            d.summary.max_degree
        ))
        .x_labels(d.summary.weeks.len().min(26))
        .x_label_formatter(&|x| format!("{x:.0}"))
        .y_label_formatter(&|y| thousands(*y))
        .label_style(title_style(22))
        .axis_desc_style(title_style(24))
        .draw()
        .map_err(err)?;
    let mut series = 0;
    for &s in &main {
        let vals: Vec<(f64, Estimate)> = d
            .summary
            .weeks
            .iter()
            .filter_map(|&w| {
                d.summary
                    .get(s, w, Measure::Recruiters, Scope::UpToDegree, top)
                    .map(|mut v| {
                        v.high = v.high.min(ceiling);
                        (f64::from(w), v)
                    })
            })
            .collect();
        let color = PALETTE[s % PALETTE.len()];
        band_line(
            &mut chart,
            &vals,
            color,
            0.15,
            d.summary.strategies[s].clone(),
        )?;
        series += 1;
    }
    legend(&mut chart, SeriesLabelPosition::UpperLeft, 22)?;
    Ok(series)
}

/// Gains against fake accounts accepted, one point per strategy, labelled
/// beside it; drawn only when some strategy accepted a fake account.
pub(super) fn draw_cost_benefit<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    d: &SavedResults,
    title: &str,
) -> DrawResult<usize> {
    root.fill(&WHITE).map_err(err)?;
    let pts = d.summary.gains();
    let xmax = pts.iter().map(|p| p.1).fold(0.5f64, f64::max);
    let ymax = pts.iter().map(|p| p.2).fold(1.0f64, f64::max);
    let ymin = pts.iter().map(|p| p.2).fold(0.0f64, f64::min);
    let mut chart = chart(
        root,
        WHOLE,
        title,
        110,
        -xmax * 0.05..xmax * 1.3,
        (ymin - 0.05 * ymax)..ymax * 1.15,
    )?;
    chart
        .configure_mesh()
        .max_light_lines(1)
        .x_desc("Fake accounts accepted per person (mean)")
        .y_desc(format!(
            "Recruiters gained within {} degrees vs refuse-all (people)",
            d.summary.max_degree
        ))
        .x_label_formatter(&|x| format!("{x:.1}"))
        .y_label_formatter(&|y| thousands(*y))
        .label_style(title_style(22))
        .axis_desc_style(title_style(24))
        .draw()
        .map_err(err)?;
    // Labels right of their markers; a label that would touch one placed
    // before it moves down, with a leader line back to its marker.
    let mut placed: Vec<(i32, i32, i32)> = Vec::new(); // (x, y, width) in pixels
    let mut order: Vec<&(usize, f64, f64)> = pts.iter().collect();
    order.sort_by(|a, b| b.2.total_cmp(&a.2).then(a.1.total_cmp(&b.1)));
    for &&(s, x, y) in &order {
        let color = PALETTE[s % PALETTE.len()];
        chart
            .draw_series(std::iter::once(Circle::new((x, y), 12, color.filled())))
            .map_err(err)?;
        let label = d.summary.strategies[s].clone();
        let (px, py) = chart.backend_coord(&(x, y));
        #[allow(clippy::cast_possible_truncation, clippy::cast_possible_wrap)]
        let width = label.chars().count() as i32 * 11;
        let lx = px + 20;
        let mut ly = py;
        while placed
            .iter()
            .any(|&(x0, y0, w0)| (ly - y0).abs() < 26 && lx < x0 + w0 && x0 < lx + width)
        {
            ly += 26;
        }
        placed.push((lx, ly, width));
        if ly != py {
            root.draw(&PathElement::new(
                vec![(px + 12, py), (lx - 4, ly)],
                color.stroke_width(2),
            ))
            .map_err(err)?;
        }
        root.draw(&Text::new(
            label,
            (lx, ly),
            title_style(20).pos(Pos::new(HPos::Left, VPos::Center)),
        ))
        .map_err(err)?;
    }
    Ok(pts.len())
}

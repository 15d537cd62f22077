//! Charts of a graph's structure: its degree distribution on log-log axes (an
//! experiment's `degrees` chart and `netreach stats --chart`), its distance
//! distribution (`stats --distances --chart`) and friends of friends against
//! connections (`stats --ego --chart`).

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::reach::distances::DistanceDistribution;
use crate::reach::ego::EgoBin;

use std::ops::Range;

use plotters::coord::combinators::LogCoord;

use super::{DrawResult, PALETTE, WHOLE, chart, err, legend, thousands, title_style};

/// A chart with both axes on log scales.
type LogLog<'a, DB> = ChartContext<'a, DB, Cartesian2d<LogCoord<f64>, LogCoord<f64>>>;

/// A whole-picture chart with both axes on log scales over `ranges`, its mesh
/// drawn with thousands separators: `(title, pixels for the y labels)` and
/// `(x description, y description)`.
fn log_log<'a, DB: DrawingBackend>(
    root: &'a DrawingArea<DB, Shift>,
    (title, y_label_area): (&str, u32),
    (x, y): (Range<f64>, Range<f64>),
    (x_desc, y_desc): (&str, &str),
) -> DrawResult<LogLog<'a, DB>> {
    let mut c = chart(
        root,
        WHOLE,
        title,
        y_label_area,
        x.log_scale(),
        y.log_scale(),
    )?;
    c.configure_mesh()
        .max_light_lines(1)
        .x_desc(x_desc)
        .y_desc(y_desc)
        .x_label_formatter(&|x| thousands(*x))
        .y_label_formatter(&|y| thousands(*y))
        .label_style(title_style(22))
        .axis_desc_style(title_style(24))
        .draw()
        .map_err(err)?;
    Ok(c)
}

pub(super) fn draw_degrees<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    degrees: &[(u64, u64)],
    title: &str,
) -> DrawResult<usize> {
    root.fill(&WHITE).map_err(err)?;
    let pts: Vec<(f64, f64)> = degrees
        .iter()
        .filter(|p| p.0 > 0 && p.1 > 0)
        .map(|&(k, n)| (k as f64, n as f64))
        .collect();
    let xmax = pts.iter().map(|p| p.0).fold(2.0f64, f64::max);
    let ymax = pts.iter().map(|p| p.1).fold(2.0f64, f64::max);
    let mut chart = log_log(
        root,
        (title, 120),
        (1.0..xmax * 1.5, 0.8..ymax * 1.5),
        (
            "Connections (log scale)",
            "People with that many connections (log scale)",
        ),
    )?;
    let color = PALETTE[3];
    chart
        .draw_series(pts.iter().map(|&p| Circle::new(p, 5, color.filled())))
        .map_err(err)?
        .label("people per connection count")
        .legend(move |(x, y)| Circle::new((x + 10, y), 6, color.filled()));
    legend(&mut chart, SeriesLabelPosition::UpperRight, 22)?;
    Ok(1)
}

/// The distance distribution: the share of reachable pairs at each distance
/// (bars, labelled) and within it (a line).
pub(super) fn draw_distances<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    d: &DistanceDistribution,
    title: &str,
) -> DrawResult<usize> {
    root.fill(&WHITE).map_err(err)?;
    let last = d.max_distance().max(1);
    let mut chart = chart(root, WHOLE, title, 110, 0.5..last as f64 + 0.5, 0.0..1.08)?;
    chart
        .configure_mesh()
        .max_light_lines(1)
        .disable_x_mesh()
        .x_labels(last.min(30))
        .x_label_formatter(&|x| format!("{x:.0}"))
        .y_label_formatter(&|y| format!("{:.0}%", y * 100.0))
        .x_desc("Distance (hops)")
        .y_desc("Share of reachable pairs")
        .label_style(title_style(22))
        .axis_desc_style(title_style(24))
        .draw()
        .map_err(err)?;
    let color = PALETTE[1];
    chart
        .draw_series((1..=last).map(|t| {
            let x = t as f64;
            Rectangle::new([(x - 0.35, 0.0), (x + 0.35, d.share(t))], color.filled())
        }))
        .map_err(err)?
        .label("at exactly this distance")
        .legend(move |(x, y)| Rectangle::new([(x, y - 8), (x + 20, y + 8)], color.filled()));
    chart
        .draw_series((1..=last).map(|t| {
            Text::new(
                super::percent_label(d.share(t)),
                (t as f64, d.share(t) + 0.01),
                title_style(20).pos(Pos::new(HPos::Center, VPos::Bottom)),
            )
        }))
        .map_err(err)?;
    let line = PALETTE[4];
    chart
        .draw_series(LineSeries::new(
            (1..=last).map(|t| (t as f64, d.cumulative_share(t))),
            line.stroke_width(4),
        ))
        .map_err(err)?
        .label("within this distance")
        .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 24, y)], line.stroke_width(4)));
    chart
        .draw_series(
            (1..=last).map(|t| Circle::new((t as f64, d.cumulative_share(t)), 6, line.filled())),
        )
        .map_err(err)?;
    legend(&mut chart, SeriesLabelPosition::MiddleRight, 22)?;
    Ok(2)
}

/// A line of the friends-of-friends chart: label, colour, value of a bin.
type EgoSeries = (&'static str, RGBColor, fn(&EgoBin) -> f64);

/// Friends of friends against connections on log-log axes: unique people at 2
/// degrees and 2-step walks, mean per bin of connection counts.
pub(super) fn draw_egos<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    bins: &[EgoBin],
    title: &str,
) -> DrawResult<usize> {
    root.fill(&WHITE).map_err(err)?;
    let x = |b: &EgoBin| ((b.neighbors_min as f64) * (b.neighbors_max as f64)).sqrt();
    let xmax = bins.iter().map(x).fold(2.0f64, f64::max);
    let ymax = bins
        .iter()
        .map(|b| b.with_repetition_mean.max(b.unique_mean))
        .fold(2.0f64, f64::max);
    let mut chart = log_log(
        root,
        (title, 130),
        (0.8..xmax * 1.5, 0.8..ymax * 2.0),
        (
            "Connections (log scale; bins of doubling width)",
            "Friends of friends (log scale)",
        ),
    )?;
    let series: [EgoSeries; 2] = [
        ("unique people at 2 degrees (mean)", PALETTE[3], |b| {
            b.unique_mean
        }),
        ("with repetition: 2-step walks (mean)", PALETTE[0], |b| {
            b.with_repetition_mean
        }),
    ];
    for (label, color, f) in series {
        let pts: Vec<(f64, f64)> = bins
            .iter()
            .filter(|b| f(b) > 0.0)
            .map(|b| (x(b), f(b)))
            .collect();
        chart
            .draw_series(LineSeries::new(pts.clone(), color.stroke_width(4)))
            .map_err(err)?
            .label(label)
            .legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 24, y)], color.stroke_width(4))
            });
        chart
            .draw_series(pts.iter().map(|&p| Circle::new(p, 7, color.filled())))
            .map_err(err)?;
    }
    legend(&mut chart, SeriesLabelPosition::UpperLeft, 22)?;
    Ok(2)
}

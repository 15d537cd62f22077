//! The network's degree distribution on log-log axes (an experiment's `degrees`
//! chart and `netreach stats --chart`).

use plotters::coord::Shift;
use plotters::prelude::*;

use super::{DrawResult, PALETTE, WHOLE, chart, err, legend, thousands, title_style};

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
    let mut chart = chart(
        root,
        WHOLE,
        title,
        120,
        (1.0..xmax * 1.5).log_scale(),
        (0.8..ymax * 1.5).log_scale(),
    )?;
    chart
        .configure_mesh()
        .x_desc("Connections (log scale)")
        .y_desc("People with that many connections (log scale)")
        .x_label_formatter(&|x| thousands(*x))
        .y_label_formatter(&|y| thousands(*y))
        .label_style(title_style(22))
        .axis_desc_style(title_style(24))
        .draw()
        .map_err(err)?;
    let color = PALETTE[3];
    chart
        .draw_series(pts.iter().map(|&p| Circle::new(p, 5, color.filled())))
        .map_err(err)?
        .label("people per connection count")
        .legend(move |(x, y)| Circle::new((x + 10, y), 6, color.filled()));
    legend(&mut chart, SeriesLabelPosition::UpperRight, 22)?;
    Ok(1)
}

//! `netreach advise`'s chart: reach as the ranked invitations are accepted.

use std::path::Path;

use plotters::coord::Shift;
use plotters::prelude::*;

use super::{
    Chart, ChartFormat, DrawResult, PALETTE, SIZE, WHOLE, chart, err, legend, register_font,
    thousands, title_style,
};
use crate::error::{Error, Result};
use crate::output::Overwrite;

/// Draws `advise`'s chart: recruiters and hiring managers within 2 and 3 degrees as
/// the ranked invitations are accepted one by one (0 = now). `what` ends the title
/// ("exact", "model estimate").
pub fn draw_advice_chart(
    points: &[(usize, [f64; 4])],
    what: &str,
    path: &Path,
    format: ChartFormat,
    overwrite: Overwrite,
) -> Result<Chart> {
    let title = format!("Reach as the ranked invitations are accepted (greedy order, {what})");
    let series = render!(
        path,
        format,
        overwrite,
        |root: &DrawingArea<_, Shift>| -> DrawResult<usize> {
            root.fill(&WHITE).map_err(err)?;
            let xmax = points.last().map_or(1, |p| p.0).max(1) as f64;
            let ymax = points.iter().flat_map(|p| p.1).fold(1.0f64, f64::max);
            let mut chart = chart(root, WHOLE, &title, 110, 0.0..xmax, 0.0..ymax * 1.1)?;
            chart
                .configure_mesh()
                .max_light_lines(1)
                .x_desc("Invitations accepted, in ranked order")
                .y_desc("People reached")
                .x_labels(points.len().clamp(2, 21))
                .x_label_formatter(&|x| {
                    if x.fract().abs() < 1e-9 {
                        format!("{x:.0}")
                    } else {
                        String::new()
                    }
                })
                .y_label_formatter(&|y| thousands(*y))
                .label_style(title_style(22))
                .axis_desc_style(title_style(24))
                .draw()
                .map_err(err)?;
            let labels = [
                "recruiters within 2",
                "hiring managers within 2",
                "recruiters within 3",
                "hiring managers within 3",
            ];
            for (k, label) in labels.iter().enumerate() {
                let color = PALETTE[k % PALETTE.len()];
                chart
                    .draw_series(LineSeries::new(
                        points.iter().map(|p| (p.0 as f64, p.1[k])),
                        color.stroke_width(4),
                    ))
                    .map_err(err)?
                    .label(*label)
                    .legend(move |(x, y)| {
                        PathElement::new(vec![(x, y), (x + 24, y)], color.stroke_width(4))
                    });
                chart
                    .draw_series(
                        points
                            .iter()
                            .map(|p| Circle::new((p.0 as f64, p.1[k]), 5, color.filled())),
                    )
                    .map_err(err)?;
            }
            legend(&mut chart, SeriesLabelPosition::UpperLeft, 22)?;
            Ok(labels.len())
        }
    )?;
    Ok(Chart {
        name: "advice",
        title,
        path: path.to_path_buf(),
        series,
    })
}

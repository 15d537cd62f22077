//! `netreach advise`'s chart: reach as pending invitations are accepted, best
//! first, within 2 degrees and within 3 degrees in panels of their own.

use std::path::Path;

use plotters::coord::Shift;
use plotters::prelude::*;

use super::{
    Chart, ChartFormat, DrawResult, PALETTE, PANEL, SIZE, chart, err, legend, register_font,
    thousands, title_style,
};
use crate::advise::CurvePoint;
use crate::error::{Error, Result};
use crate::output::Overwrite;

/// Draws `advise`'s chart titled `title`: recruiters and hiring managers within
/// 2 degrees (left) and within 3 (right), each panel on its own scale from 0,
/// as invitations are accepted one by one (0 = now), with the 10th to 90th
/// percentile as a band where the points carry a spread.
pub fn draw_advice_chart(
    points: &[CurvePoint],
    title: &str,
    path: &Path,
    format: ChartFormat,
    overwrite: Overwrite,
) -> Result<Chart> {
    let series = render!(
        path,
        format,
        overwrite,
        |root: &DrawingArea<_, Shift>| -> DrawResult<usize> {
            let root = super::titled(root, title)?;
            let xmax = points.last().map_or(1, |p| p.accepted).max(1) as f64;
            let mut series = 0;
            for (panel, (degree, first)) in root.split_evenly((1, 2)).iter().zip([(2, 0), (3, 2)]) {
                let ymax = points
                    .iter()
                    .flat_map(|p| {
                        [
                            p.p90[first],
                            p.p90[first + 1],
                            p.mean[first],
                            p.mean[first + 1],
                        ]
                    })
                    .fold(1.0f64, f64::max);
                let mut chart = chart(
                    panel,
                    PANEL,
                    &format!("Within {degree} degrees"),
                    100,
                    0.0..xmax,
                    0.0..ymax * 1.1,
                )?;
                chart
                    .configure_mesh()
                    .max_light_lines(1)
                    .x_desc("Invitations accepted, best first")
                    .y_desc("People reached")
                    .x_labels(points.len().clamp(2, 11))
                    .x_label_formatter(&|x| {
                        if x.fract().abs() < 1e-9 {
                            format!("{x:.0}")
                        } else {
                            String::new()
                        }
                    })
                    .y_label_formatter(&|y| thousands(*y))
                    .label_style(title_style(18))
                    .axis_desc_style(title_style(20))
                    .draw()
                    .map_err(err)?;
                for (k, label) in [(first, "recruiters"), (first + 1, "hiring managers")] {
                    let color = PALETTE[k % PALETTE.len()];
                    if points.iter().any(|p| p.p90[k] > p.p10[k]) {
                        let band: Vec<(f64, f64)> = points
                            .iter()
                            .map(|p| (p.accepted as f64, p.p10[k]))
                            .chain(points.iter().rev().map(|p| (p.accepted as f64, p.p90[k])))
                            .collect();
                        chart
                            .draw_series(std::iter::once(Polygon::new(
                                band,
                                color.mix(0.2).filled(),
                            )))
                            .map_err(err)?;
                    }
                    chart
                        .draw_series(LineSeries::new(
                            points.iter().map(|p| (p.accepted as f64, p.mean[k])),
                            color.stroke_width(4),
                        ))
                        .map_err(err)?
                        .label(label)
                        .legend(move |(x, y)| {
                            PathElement::new(vec![(x, y), (x + 24, y)], color.stroke_width(4))
                        });
                    chart
                        .draw_series(points.iter().map(|p| {
                            Circle::new((p.accepted as f64, p.mean[k]), 5, color.filled())
                        }))
                        .map_err(err)?;
                    series += 1;
                }
                legend(&mut chart, SeriesLabelPosition::LowerRight, 20)?;
            }
            Ok(series)
        }
    )?;
    Ok(Chart {
        kind: super::ChartKind::Advice,
        title: title.to_string(),
        path: path.to_path_buf(),
        series,
    })
}

//! Charts: PNG (default) or SVG figures drawn with plotters from a results folder's
//! tables, never from the simulation itself, so `netreach chart` redraws without
//! recomputing: they take [`SavedResults`], the typed tables
//! [`crate::results::read`] reads back. The last stage of the pipeline with
//! [`crate::report`].
//!
//! | file | shows | needs |
//! |---|---|---|
//! | `strategies` | recruiters and hiring managers within 2 and within 3 degrees per strategy, 95% CI error bars | `summary` |
//! | `sweep` | reach against the swept parameter, one line per degree and role, 95% CI bands | a `[sweep]` |
//! | `distribution` | ECDF of each person's recruiters within the max degree, per strategy | `reach` |
//! | `over_time` | mean recruiters within the max degree by week, per strategy | `weekly = true` |
//! | `cost_benefit` | recruiters gained against fake accounts accepted, one labelled point per strategy | `summary`, and a strategy that accepted a fake account |
//! | `degrees` | the network's degree distribution on log-log axes | `degrees` |
//!
//! Every chart is 1600×1000 px with a title, axis labels with units, thousands
//! separators and the Okabe–Ito colour-blind-safe palette. Text is drawn with the
//! `DejaVu Sans` font compiled into the binary (plotters' `ab_glyph` backend), so it
//! renders on machines without any system font; in SVGs it is drawn as the same
//! glyphs' outlines (`svg.rs`), so no viewer substitutes a font of its own.

use std::path::{Path, PathBuf};
use std::sync::Once;

use plotters::coord::Shift;
use plotters::coord::ranged1d::AsRangedCoord;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use plotters::style::FontStyle;

use crate::error::{Error, Result};
use crate::output::Overwrite;
use crate::reach::distances::DistanceDistribution;
use crate::reach::ego::EgoBin;
use crate::results::summary::{ConnectionBins, Estimate, SavedResults};
use crate::words::{plural, thousands};

/// Chart size in pixels (report size).
pub const SIZE: (u32, u32) = (1600, 1000);

/// Okabe and Ito's colour-blind-safe palette (black last).
pub const PALETTE: [RGBColor; 8] = [
    RGBColor(0xE6, 0x9F, 0x00),
    RGBColor(0x56, 0xB4, 0xE9),
    RGBColor(0x00, 0x9E, 0x73),
    RGBColor(0x00, 0x72, 0xB2),
    RGBColor(0xD5, 0x5E, 0x00),
    RGBColor(0xCC, 0x79, 0xA7),
    RGBColor(0xF0, 0xE4, 0x42),
    RGBColor(0x00, 0x00, 0x00),
];

const FONT: &str = "sans-serif";
static FONT_BYTES: &[u8] = include_bytes!("../assets/fonts/DejaVuSans.ttf");
static REGISTER: Once = Once::new();

/// Registers the bundled font once; plotters draws no text without it.
fn register_font() {
    REGISTER.call_once(|| {
        let ok = plotters::style::register_font(FONT, FontStyle::Normal, FONT_BYTES).is_ok();
        assert!(ok, "the bundled DejaVu Sans font is a valid TrueType font");
    });
}

/// Output image format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChartFormat {
    /// Portable Network Graphics.
    Png,
    /// Scalable Vector Graphics.
    Svg,
}

impl ChartFormat {
    /// The file extension.
    pub fn extension(self) -> &'static str {
        match self {
            ChartFormat::Png => "png",
            ChartFormat::Svg => "svg",
        }
    }
}

impl std::str::FromStr for ChartFormat {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s.trim() {
            "png" => Ok(ChartFormat::Png),
            "svg" => Ok(ChartFormat::Svg),
            other => Err(Error::Invalid(format!(
                "unknown chart format {other:?}; expected png or svg"
            ))),
        }
    }
}

/// A chart that was drawn.
#[derive(Debug, Clone, PartialEq)]
pub struct Chart {
    /// What it shows.
    pub kind: ChartKind,
    /// Title as drawn.
    pub title: String,
    /// The file.
    pub path: PathBuf,
    /// Number of data series drawn (bars of one colour, a line, a set of points).
    pub series: usize,
}

pub(super) type DrawResult<T> = std::result::Result<T, String>;

pub(super) fn err<E: std::fmt::Display>(e: E) -> String {
    e.to_string()
}

/// Draws `$draw` (a function taking a drawing area) into `$path` in `$format`,
/// atomically through [`crate::output::write_through_path`].
macro_rules! render {
    ($path:expr, $format:expr, $overwrite:expr, $draw:expr) => {{
        register_font();
        let path: &Path = $path;
        crate::output::write_through_path(path, $overwrite, |tmp| {
            let drawn: DrawResult<usize> = match $format {
                ChartFormat::Png => {
                    let root = BitMapBackend::new(tmp, SIZE).into_drawing_area();
                    let r = $draw(&root);
                    r.and_then(|n| root.present().map_err(err).map(|()| n))
                }
                ChartFormat::Svg => {
                    let texts = crate::charts::svg::Texts::default();
                    let mut buf = String::new();
                    let drawn = {
                        let root =
                            crate::charts::svg::OutlinedSvg::new(&mut buf, SIZE, texts.clone())
                                .into_drawing_area();
                        let r = $draw(&root);
                        r.and_then(|n| root.present().map_err(err).map(|()| n))
                    };
                    drawn.and_then(|n| {
                        std::fs::write(tmp, crate::charts::svg::finish(&buf, &texts.borrow()))
                            .map_err(err)
                            .map(|()| n)
                    })
                }
            };
            drawn.map_err(|e| Error::Invalid(format!("cannot draw {}: {e}", path.display())))
        })
    }};
}

mod adoption;
mod advice;
mod experiment;
mod leads;
mod network;
mod svg;

pub use advice::draw_advice_chart;
use experiment::sweep_label;

/// Every chart an experiment folder may have, in report order. Each one's file
/// stem, title, whether the data supports it and how it is drawn are matched
/// exhaustively ([`draw_all`]), and so are its findings in the report: a new chart
/// without findings does not compile.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ExperimentChart {
    /// Recruiters and hiring managers within 2 and the max degree per strategy.
    Strategies,
    /// Reach against the swept parameter.
    Sweep,
    /// ECDF of each person's recruiters within the max degree.
    Distribution,
    /// Mean recruiters within the max degree by week.
    OverTime,
    /// Recruiters gained against fake accounts accepted.
    CostBenefit,
    /// Expected job leads per strategy.
    Leads,
    /// What one accepted tie adds to job leads, by its mutual connections.
    TieValue,
    /// Each strategy's gain by the people's connections before the first week.
    ByConnections,
    /// Leads and offers as more of the population follows the headline strategy.
    Adoption,
    /// The network's degree distribution.
    Degrees,
}

impl ExperimentChart {
    /// Every experiment chart, in report order.
    pub const ALL: [ExperimentChart; 10] = [
        ExperimentChart::Strategies,
        ExperimentChart::Sweep,
        ExperimentChart::Distribution,
        ExperimentChart::OverTime,
        ExperimentChart::CostBenefit,
        ExperimentChart::Leads,
        ExperimentChart::TieValue,
        ExperimentChart::ByConnections,
        ExperimentChart::Adoption,
        ExperimentChart::Degrees,
    ];

    /// The file stem: `strategies`, `over_time`, ...
    pub fn stem(self) -> &'static str {
        match self {
            ExperimentChart::Strategies => "strategies",
            ExperimentChart::Sweep => "sweep",
            ExperimentChart::Distribution => "distribution",
            ExperimentChart::OverTime => "over_time",
            ExperimentChart::CostBenefit => "cost_benefit",
            ExperimentChart::Leads => "leads",
            ExperimentChart::TieValue => "tie_value",
            ExperimentChart::ByConnections => "by_connections",
            ExperimentChart::Adoption => "adoption",
            ExperimentChart::Degrees => "degrees",
        }
    }

    /// The chart's title for `data`, or `None` when the data does not support it
    /// (no sweep, one week, no fake account accepted, no leads, no ties, no
    /// degree table).
    fn title(self, data: &SavedResults) -> Option<String> {
        let s = &data.summary;
        let top_degrees = plural(u64::from(s.max_degree), "degree", "degrees");
        let last = s.last_week();
        match self {
            ExperimentChart::Strategies => Some(format!(
                "Reach within {} by strategy (week {last}, mean with 95% CI)",
                strategies_degrees(s.max_degree),
            )),
            ExperimentChart::Sweep => s.sweep.iter().any(Option::is_some).then(|| {
                format!(
                    "Reach against {} (week {last}, 95% CI bands)",
                    sweep_label(data)
                )
            }),
            ExperimentChart::Distribution => Some(format!(
                "Distribution over people of recruiters within {top_degrees} (week {last})"
            )),
            ExperimentChart::OverTime => (s.weeks.len() > 1).then(|| {
                format!("Recruiters within {top_degrees}, week by week (mean with 95% CI)")
            }),
            ExperimentChart::CostBenefit => s.any_fake_accepted().then(|| {
                format!(
                    "Recruiters gained within {top_degrees} against fake accounts accepted (week {last})"
                )
            }),
            ExperimentChart::Leads => s.has_leads().then(|| {
                format!("Expected job leads by strategy (week {last}, mean with 95% CI)")
            }),
            ExperimentChart::TieValue => data.tie_strategy().map(|t| {
                format!(
                    "What one accepted tie adds to job leads, by its mutual connections ({}'s ties, 95% CI)",
                    s.strategies[t]
                )
            }),
            ExperimentChart::ByConnections => {
                let s = ConnectionBins::headline_strategy(&data.summary)?;
                (data.by_connections.gains(&data.summary, s).len() > 1).then(|| {
                    format!(
                        "Gain over refuse-all by connections before the first week (week {last}, {} {})",
                        ConnectionBins::measure(&data.summary).1,
                        ConnectionBins::within(&data.summary)
                    )
                })
            }
            ExperimentChart::Adoption => data.adoption.headline(s).map(|h| {
                format!(
                    "When others follow {} too: each person's leads and offers (week {last}, mean with 95% CI)",
                    s.strategies[h]
                )
            }),
            ExperimentChart::Degrees => (!data.degrees.is_empty())
                .then(|| "Connections per person (log-log)".to_string()),
        }
    }
}

/// What a drawn chart shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ChartKind {
    /// A chart of an experiment folder.
    Experiment(ExperimentChart),
    /// `netreach stats --distances`: the distance distribution.
    Distances,
    /// `netreach stats --ego`: friends of friends against connections.
    Ego,
    /// `netreach advise`: reach as the ranked invitations are accepted.
    Advice,
}

impl ChartKind {
    /// The file stem netreach gives it.
    pub fn stem(self) -> &'static str {
        match self {
            ChartKind::Experiment(c) => c.stem(),
            ChartKind::Distances => "distances",
            ChartKind::Ego => "ego",
            ChartKind::Advice => "advice",
        }
    }
}

/// Draws every chart the data supports into `dir`; returns them in report order.
pub fn draw_all(
    data: &SavedResults,
    dir: &Path,
    format: ChartFormat,
    overwrite: Overwrite,
) -> Result<Vec<Chart>> {
    std::fs::create_dir_all(dir).map_err(|e| Error::io("create the folder", dir, e))?;
    let mut charts = Vec::new();
    for kind in ExperimentChart::ALL {
        let Some(t) = kind.title(data) else { continue };
        let p = dir.join(format!("{}.{}", kind.stem(), format.extension()));
        let series = match kind {
            ExperimentChart::Strategies => render!(&p, format, overwrite, |r| {
                experiment::draw_strategies(r, data, &t)
            }),
            ExperimentChart::Sweep => {
                render!(&p, format, overwrite, |r| experiment::draw_sweep(
                    r, data, &t
                ))
            }
            ExperimentChart::Distribution => render!(&p, format, overwrite, |r| {
                experiment::draw_distribution(r, data, &t)
            }),
            ExperimentChart::OverTime => render!(&p, format, overwrite, |r| {
                experiment::draw_over_time(r, data, &t)
            }),
            ExperimentChart::CostBenefit => render!(&p, format, overwrite, |r| {
                experiment::draw_cost_benefit(r, data, &t)
            }),
            ExperimentChart::Leads => {
                render!(&p, format, overwrite, |r| leads::draw_leads(r, data, &t))
            }
            ExperimentChart::TieValue => {
                render!(&p, format, overwrite, |r| leads::draw_tie_value(
                    r, data, &t
                ))
            }
            ExperimentChart::ByConnections => render!(&p, format, overwrite, |r| {
                leads::draw_by_connections(r, data, &t)
            }),
            ExperimentChart::Adoption => render!(&p, format, overwrite, |r| {
                adoption::draw_adoption(r, data, &t)
            }),
            ExperimentChart::Degrees => render!(&p, format, overwrite, |r| {
                network::draw_degrees(r, &data.degrees, &t)
            }),
        }?;
        charts.push(Chart {
            kind: ChartKind::Experiment(kind),
            title: t,
            path: p,
            series,
        });
    }
    Ok(charts)
}

/// Removes from `dir` the experiment charts in `format` ([`ExperimentChart`]) that are
/// not among `drawn`: a chart an earlier run drew must not sit beside a report
/// that no longer has it. Only for a folder netreach owns (a results folder's
/// `charts/`), never one a user named.
pub fn remove_stale(dir: &Path, format: ChartFormat, drawn: &[Chart]) -> Result<()> {
    for kind in ExperimentChart::ALL {
        let stale = dir.join(format!("{}.{}", kind.stem(), format.extension()));
        let was_drawn = drawn.iter().any(|c| c.kind == ChartKind::Experiment(kind));
        if !was_drawn && stale.exists() {
            std::fs::remove_file(&stale).map_err(|e| Error::io("remove the earlier", &stale, e))?;
        }
    }
    Ok(())
}

/// Draws only the degree distribution (for `netreach stats --chart`).
pub fn draw_degree_chart(
    degrees: &[(u64, u64)],
    path: &Path,
    format: ChartFormat,
    overwrite: Overwrite,
) -> Result<Chart> {
    let t = "Connections per person (log-log)".to_string();
    let series = render!(path, format, overwrite, |r| network::draw_degrees(
        r, degrees, &t
    ))?;
    Ok(Chart {
        kind: ChartKind::Experiment(ExperimentChart::Degrees),
        title: t,
        path: path.to_path_buf(),
        series,
    })
}

/// Draws a graph's distance distribution (for `netreach stats --distances`).
pub fn draw_distance_chart(
    d: &DistanceDistribution,
    path: &Path,
    format: ChartFormat,
    overwrite: Overwrite,
) -> Result<Chart> {
    let t = format!(
        "Distances between reachable pairs (average {:.2} hops)",
        d.average_distance()
    );
    let series = render!(path, format, overwrite, |r| network::draw_distances(
        r, d, &t
    ))?;
    Ok(Chart {
        kind: ChartKind::Distances,
        title: t,
        path: path.to_path_buf(),
        series,
    })
}

/// Draws friends of friends against connections (for `netreach stats --ego`).
pub fn draw_ego_chart(
    bins: &[EgoBin],
    path: &Path,
    format: ChartFormat,
    overwrite: Overwrite,
) -> Result<Chart> {
    let t = "Friends of friends against connections (log-log)".to_string();
    let series = render!(path, format, overwrite, |r| network::draw_egos(r, bins, &t))?;
    Ok(Chart {
        kind: ChartKind::Ego,
        title: t,
        path: path.to_path_buf(),
        series,
    })
}

/// The degrees the strategies chart compares: 2 and the largest, or the one.
fn strategies_degrees(top: u32) -> String {
    match top {
        0 | 1 => "1 degree".to_string(),
        2 => "2 degrees".to_string(),
        _ => format!("2 and {top} degrees"),
    }
}

/// A share as a bar label: `12%`, `0.4%`, or nothing below 0.05%.
pub(super) fn percent_label(share: f64) -> String {
    if share < 0.0005 {
        String::new()
    } else if share < 0.1 {
        format!("{:.1}%", 100.0 * share)
    } else {
        format!("{:.0}%", 100.0 * share)
    }
}

/// Draws a line of means with a shaded 95% CI band under it and a legend entry;
/// `vals` are `(x, estimate)`.
pub(super) fn band_line<'a, DB>(
    chart: &mut ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>,
    vals: &[(f64, Estimate)],
    color: RGBColor,
    shade: f64,
    label: String,
) -> DrawResult<()>
where
    DB: DrawingBackend + 'a,
{
    let band: Vec<(f64, f64)> = vals
        .iter()
        .map(|(x, v)| (*x, v.low))
        .chain(vals.iter().rev().map(|(x, v)| (*x, v.high)))
        .filter(|p| p.1.is_finite())
        .collect();
    chart
        .draw_series(std::iter::once(Polygon::new(
            band,
            color.mix(shade).filled(),
        )))
        .map_err(err)?;
    chart
        .draw_series(LineSeries::new(
            vals.iter().map(|(x, v)| (*x, v.mean)),
            color.stroke_width(4),
        ))
        .map_err(err)?
        .label(label)
        .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 24, y)], color.stroke_width(4)));
    Ok(())
}

/// Draws the legend of `chart` at `position` with labels of `size` px.
pub(super) fn legend<'a, DB, CT>(
    chart: &mut ChartContext<'a, DB, CT>,
    position: SeriesLabelPosition,
    size: u32,
) -> DrawResult<()>
where
    DB: DrawingBackend + 'a,
    CT: CoordTranslate,
{
    chart
        .configure_series_labels()
        .position(position)
        .label_font(title_style(size))
        .background_style(WHITE.mix(0.9))
        .border_style(BLACK)
        .draw()
        .map_err(err)
}

/// Caption size, margin and x-label area of a chart.
#[derive(Clone, Copy)]
pub(super) struct Frame {
    caption: u32,
    margin: u32,
    x_labels: u32,
}

/// A chart filling the whole figure: the house margins.
pub(super) const WHOLE: Frame = Frame {
    caption: 34,
    margin: 30,
    x_labels: 80,
};

/// A chart in one panel of a figure: smaller caption and margins.
pub(super) const PANEL: Frame = Frame {
    caption: 28,
    margin: 20,
    x_labels: 70,
};

/// The chart [`chart`] builds.
pub(super) type Figure<'a, DB, X, Y> = ChartContext<
    'a,
    DB,
    Cartesian2d<<X as AsRangedCoord>::CoordDescType, <Y as AsRangedCoord>::CoordDescType>,
>;

/// A chart on `area` in `frame`, `title` as its caption and `y_label_area` pixels
/// for the y labels.
pub(super) fn chart<'a, DB: DrawingBackend, X: AsRangedCoord, Y: AsRangedCoord>(
    area: &'a DrawingArea<DB, Shift>,
    frame: Frame,
    title: &str,
    y_label_area: u32,
    x: X,
    y: Y,
) -> DrawResult<Figure<'a, DB, X, Y>> {
    ChartBuilder::on(area)
        .caption(title, title_style(frame.caption))
        .margin(frame.margin)
        .x_label_area_size(frame.x_labels)
        .y_label_area_size(y_label_area)
        .build_cartesian_2d(x, y)
        .map_err(err)
}

/// `root` filled white, and the area below a figure title with a margin above
/// it (the house caption's).
pub(super) fn titled<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    title: &str,
) -> DrawResult<DrawingArea<DB, Shift>> {
    root.fill(&WHITE).map_err(err)?;
    root.margin(WHOLE.margin / 2, 0, 0, 0)
        .titled(title, title_style(WHOLE.caption))
        .map_err(err)
}

/// The y-label formatter of horizontal bars, one row per name with the first
/// at the top (row i drawn at y = n − 1 − i): the name at each row's centre
/// when `show`, nothing elsewhere (or below the rows).
pub(super) fn row_labels(names: Vec<String>, show: bool) -> impl Fn(&f64) -> String {
    move |y: &f64| {
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let i = y.round() as usize;
        if show && *y > -0.5 && (y - y.round()).abs() < 1e-6 && i < names.len() {
            names[names.len() - 1 - i].clone()
        } else {
            String::new()
        }
    }
}

pub(super) fn title_style(size: u32) -> TextStyle<'static> {
    let size = if size >= 34 { 30 } else { size };
    (FONT, size).into_font().into()
}

//! Charts for the PDF summaries, drawn as layout operations (rectangles, lines, text): a
//! stacked bar chart over periods, a line chart of percentages, and labelled horizontal bars.
//! No plotting crate: a few dozen paths are all a one-page summary needs.

use super::layout::{BLACK, CONTENT_W, GREY, Layout, MARGIN, Op, Rgb, text_width};

const AXIS: Rgb = (150, 150, 150);
const GRID: Rgb = (225, 225, 225);
/// Left room for the value axis labels.
const AXIS_W: f32 = 30.0;
const LABEL: f32 = 7.5;

/// One named series of a chart.
pub struct Series<'a> {
    pub name: &'a str,
    pub color: Rgb,
    /// One value per label; `None` is a gap (no data in that period).
    pub values: Vec<Option<f64>>,
}

/// A "nice" axis maximum (1, 2 or 5 × 10ⁿ steps) at or above `max`, and its step.
pub fn nice_axis(max: f64) -> (f64, f64) {
    if !max.is_finite() || max <= 0.0 {
        return (1.0, 0.25);
    }
    let raw = max / 4.0;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * mag)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * mag);
    ((max / step).ceil() * step, step)
}

fn fmt_value(v: f64) -> String {
    if (v - v.round()).abs() < 1e-9 {
        format!("{}", v.round() as i64)
    } else {
        format!("{v:.1}")
    }
}

fn text(l: &mut Layout, x: f32, y: f32, size: f32, color: Rgb, s: String) {
    l.text_at(x, y, size, false, color, s);
}

fn line(l: &mut Layout, x1: f32, y1: f32, x2: f32, y2: f32, color: Rgb) {
    l.push(Op::Line {
        x1,
        y1,
        x2,
        y2,
        color,
    });
}

/// Value axis with grid lines from 0 to `max`; returns the plot's x range.
fn frame(l: &mut Layout, top: f32, h: f32, max: f64, step: f64, unit: &str) -> (f32, f32) {
    let (x0, x1) = (MARGIN + AXIS_W, MARGIN + CONTENT_W);
    let mut v = 0.0;
    while v <= max + 1e-9 {
        let y = top + h - (v / max) as f32 * h;
        line(l, x0, y, x1, y, if v == 0.0 { AXIS } else { GRID });
        let s = format!("{}{unit}", fmt_value(v));
        let w = text_width(&s, LABEL);
        text(l, x0 - 4.0 - w, y + 2.5, LABEL, GREY, s);
        v += step;
    }
    (x0, x1)
}

/// Period labels under the plot, centred in their slots.
fn x_labels(l: &mut Layout, labels: &[String], x0: f32, slot: f32, y: f32) {
    for (i, s) in labels.iter().enumerate() {
        let w = text_width(s, LABEL);
        let cx = x0 + slot * (i as f32 + 0.5);
        text(l, cx - w / 2.0, y, LABEL, GREY, s.clone());
    }
}

/// Height of one row of the legend.
const LEGEND_ROW: f32 = 12.0;

/// Where each legend entry goes (x, row), wrapping before the right margin.
fn legend_places(series: &[Series<'_>]) -> Vec<(f32, usize)> {
    let x0 = MARGIN + AXIS_W;
    let (mut x, mut row) = (x0, 0);
    series
        .iter()
        .map(|s| {
            let w = 18.0 + text_width(s.name, LABEL);
            if x > x0 && x + w - 8.0 > MARGIN + CONTENT_W {
                (x, row) = (x0, row + 1);
            }
            let at = (x, row);
            x += w;
            at
        })
        .collect()
}

/// Room the legend needs below its first row.
fn legend_extra(series: &[Series<'_>]) -> f32 {
    let rows = legend_places(series).last().map_or(0, |p| p.1);
    rows as f32 * LEGEND_ROW
}

/// Colour squares with names, wrapped into as many rows as the width needs.
fn legend(l: &mut Layout, series: &[Series<'_>], y: f32) {
    for (s, (x, row)) in series.iter().zip(legend_places(series)) {
        let y = y + row as f32 * LEGEND_ROW;
        l.push(Op::Rect {
            x,
            y: y - 6.5,
            w: 7.0,
            h: 7.0,
            fill: s.color,
        });
        text(l, x + 10.0, y, LABEL, BLACK, s.name.to_owned());
    }
}

/// Stacked bars, one per label, each series a layer (counts per period and category).
pub fn stacked_bars(l: &mut Layout, labels: &[String], series: &[Series<'_>], h: f32) {
    let totals: Vec<f64> = (0..labels.len())
        .map(|i| {
            series
                .iter()
                .filter_map(|s| s.values.get(i).copied().flatten())
                .sum()
        })
        .collect();
    let (max, step) = nice_axis(totals.iter().copied().fold(0.0, f64::max));
    let top = l.reserve(h + 34.0 + legend_extra(series));
    let (x0, x1) = frame(l, top, h, max, step, "");
    let slot = (x1 - x0) / labels.len().max(1) as f32;
    let bar_w = (slot * 0.55).min(40.0);
    for (i, total) in totals.iter().enumerate() {
        let x = x0 + slot * (i as f32 + 0.5) - bar_w / 2.0;
        let mut base = top + h;
        for s in series {
            let v = s.values.get(i).copied().flatten().unwrap_or(0.0);
            if v <= 0.0 {
                continue;
            }
            let bh = (v / max) as f32 * h;
            base -= bh;
            l.push(Op::Rect {
                x,
                y: base,
                w: bar_w,
                h: bh,
                fill: s.color,
            });
        }
        let label = fmt_value(*total);
        let w = text_width(&label, LABEL);
        text(
            l,
            x + bar_w / 2.0 - w / 2.0,
            base - 3.0,
            LABEL,
            BLACK,
            label,
        );
    }
    x_labels(l, labels, x0, slot, top + h + 11.0);
    legend(l, series, top + h + 26.0);
}

/// Lines of percentages (0–100 %) over the labels; gaps where a value is missing.
pub fn percent_lines(l: &mut Layout, labels: &[String], series: &[Series<'_>], h: f32) {
    let top = l.reserve(h + 34.0 + legend_extra(series));
    let (x0, x1) = frame(l, top, h, 100.0, 25.0, "%");
    let slot = (x1 - x0) / labels.len().max(1) as f32;
    for s in series {
        let mut run: Vec<(f32, f32)> = Vec::new();
        let flush = |l: &mut Layout, run: &mut Vec<(f32, f32)>| {
            if run.len() > 1 {
                l.push(Op::Polyline {
                    points: std::mem::take(run),
                    color: s.color,
                    width: 1.6,
                });
            }
            run.clear();
        };
        for (i, v) in s.values.iter().enumerate() {
            let Some(v) = v else {
                flush(l, &mut run);
                continue;
            };
            let x = x0 + slot * (i as f32 + 0.5);
            let y = top + h - (v.clamp(0.0, 100.0) / 100.0) as f32 * h;
            run.push((x, y));
            l.push(Op::Rect {
                x: x - 2.0,
                y: y - 2.0,
                w: 4.0,
                h: 4.0,
                fill: s.color,
            });
        }
        flush(l, &mut run);
    }
    x_labels(l, labels, x0, slot, top + h + 11.0);
    legend(l, series, top + h + 26.0);
}

/// One horizontal bar: name, value, value label, colour.
pub type Bar = (String, f64, String, Rgb);

/// Horizontal bars: a name, a bar scaled to the largest value, and a value label.
pub fn hbars(l: &mut Layout, rows: &[Bar]) {
    let max = rows
        .iter()
        .map(|r| r.1)
        .fold(0.0, f64::max)
        .max(f64::EPSILON);
    let name_w = 120.0;
    let value_w = 70.0;
    let bar_room = CONTENT_W - name_w - value_w;
    for (name, v, label, color) in rows {
        let top = l.reserve(15.0);
        let short: String = if text_width(name, 8.5) > name_w - 6.0 {
            let mut s: String = name.chars().take(22).collect();
            s.push('…');
            s
        } else {
            name.clone()
        };
        l.text_at(MARGIN, top + 10.0, 8.5, false, BLACK, short);
        let w = ((v / max) as f32 * bar_room).max(if *v > 0.0 { 1.5 } else { 0.0 });
        if w > 0.0 {
            l.push(Op::Rect {
                x: MARGIN + name_w,
                y: top + 2.5,
                w,
                h: 9.0,
                fill: *color,
            });
        }
        text(
            l,
            MARGIN + name_w + w + 4.0,
            top + 10.0,
            8.0,
            GREY,
            label.clone(),
        );
    }
    l.gap(4.0);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn axes_end_on_round_numbers() {
        assert_eq!(nice_axis(7.0), (8.0, 2.0));
        assert_eq!(nice_axis(37.0), (40.0, 10.0));
        assert_eq!(nice_axis(100.0), (100.0, 50.0));
        assert_eq!(nice_axis(0.0), (1.0, 0.25));
        assert_eq!(nice_axis(f64::NAN), (1.0, 0.25));
    }

    #[test]
    fn a_long_legend_wraps_inside_the_page() {
        let series: Vec<Series> = (0..9)
            .map(|_| Series {
                name: "Inspections done on time",
                color: GREY,
                values: vec![],
            })
            .collect();
        let places = legend_places(&series);
        assert_eq!(places[0], (MARGIN + AXIS_W, 0));
        assert!(places.last().unwrap().1 >= 1, "{places:?}");
        for (s, (x, _)) in series.iter().zip(&places) {
            assert!(x + 10.0 + text_width(s.name, LABEL) <= MARGIN + CONTENT_W);
        }
        assert!(legend_extra(&series) >= LEGEND_ROW);
        assert_eq!(legend_extra(&series[..1]), 0.0);
    }
}

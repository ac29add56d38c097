//! Small hand-written SVG charts for the HTML report.
//!
//! Every function returns a complete `<svg>` element as a string. Output is deterministic
//! (same input, same bytes: coordinates are printed with one decimal, no ids from counters
//! or clocks), all text is XML-escaped, and missing values (NaN) are drawn as "n/a" rather
//! than as a zero bar. Fonts are left to the page's CSS so CJK labels fall back properly.

use std::fmt::Write as _;

/// A fixed qualitative palette of twelve: the seven dark Okabe–Ito colours (Okabe & Ito
/// 2008, "Color Universal Design", colour-blind safe) and five of Paul Tol's "muted"
/// scheme (Tol 2021, *Colour schemes*, SRON/EPS/TN/09-002) for plans with more units.
/// Charts colour a unit by its position in the report's unit list ([`palette`]), so a
/// unit keeps its colour in every chart.
pub const PALETTE: [&str; 12] = [
    "#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#000000", "#882255",
    "#44AA99", "#999933", "#AA4499", "#332288",
];

/// The colour of position `k` (cycling after twelve).
pub fn palette(k: usize) -> &'static str {
    PALETTE[k % PALETTE.len()]
}

/// Escapes text for XML/HTML element content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    push_escaped(&mut out, s);
    out
}

/// Appends `s` escaped as [`escape`] does, without an intermediate string.
pub fn push_escaped(out: &mut String, s: &str) {
    // the five characters escaped are ASCII, so byte positions are char boundaries
    let mut start = 0;
    for (k, b) in s.bytes().enumerate() {
        let rep = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        out.push_str(&s[start..k]);
        out.push_str(rep);
        start = k + 1;
    }
    out.push_str(&s[start..]);
}

/// A [`std::fmt::Write`] sink that escapes everything written through it ([`escape`]):
/// `write!(Escaped(&mut page), ...)` gives the same text as escaping the formatted string.
pub struct Escaped<'a>(pub &'a mut String);

impl std::fmt::Write for Escaped<'_> {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        push_escaped(self.0, s);
        Ok(())
    }
}

/// A coordinate with one decimal, `-0.0` printed as `0.0`.
fn f(x: f64) -> String {
    let s = format!("{x:.1}");
    if s == "-0.0" {
        "0.0".into()
    } else {
        s
    }
}

/// A value label: `n/a` for NaN, else one decimal, cut (not rounded) as the report's
/// achievement figures are ([`crate::cells`]): 99.96 prints 99.9, never 100.0.
fn label(v: f64) -> String {
    if v.is_finite() {
        let v = crate::cells::round_to(v, 1, crate::cells::Rounding::Down);
        format!("{v:.1}")
    } else {
        "n/a".into()
    }
}

/// One named series of values (bars of one colour, one polygon, one line).
#[derive(Debug, Clone)]
pub struct Series {
    /// Legend name.
    pub name: String,
    /// Values, one per category / axis / x position; NaN = missing.
    pub values: Vec<f64>,
    /// Fill / stroke colour (`#rrggbb`), the same for the series in every chart.
    pub colour: String,
}

fn open(out: &mut String, w: f64, h: f64, title: &str) {
    let _ = write!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" class="chart" width="{}" height="{}" viewBox="0 0 {} {}" role="img" aria-label="{}">"#,
        f(w),
        f(h),
        f(w),
        f(h),
        escape(title)
    );
    let _ = write!(
        out,
        r#"<text x="{}" y="18" class="ct">{}</text>"#,
        f(4.0),
        escape(title)
    );
}

fn legend(out: &mut String, series: &[Series], x0: f64, y: f64, max_x: f64) {
    let mut x = x0;
    let mut y = y;
    for ser in series {
        let name = ser.name.as_str();
        let w = 22.0 + 7.5 * crate::table::str_width(name) as f64;
        if x + w > max_x && x > x0 {
            x = x0;
            y += 16.0;
        }
        let _ = write!(
            out,
            r#"<rect x="{}" y="{}" width="10" height="10" fill="{}"/><text x="{}" y="{}" class="lg">{}</text>"#,
            f(x),
            f(y - 9.0),
            escape(&ser.colour),
            f(x + 14.0),
            f(y),
            escape(name)
        );
        x += w;
    }
}

/// Horizontal bar chart: one bar per label, scaled to `[0, max]` (values above `max` are
/// drawn to the edge, the label shows the true value). `colours`, when given, sets each
/// bar's fill (e.g. the dashboard colour); otherwise the first palette colour.
pub fn bar_chart_h(
    title: &str,
    labels: &[String],
    values: &[f64],
    max: f64,
    colours: Option<&[String]>,
) -> String {
    let label_w = labels
        .iter()
        .map(|l| crate::table::str_width(l))
        .max()
        .unwrap_or(0) as f64
        * 6.5
        + 10.0;
    let bar_w = 220.0;
    let row_h = 20.0;
    let w = label_w + bar_w + 50.0;
    let h = 30.0 + row_h * labels.len() as f64 + 6.0;
    let max = if max > 0.0 && max.is_finite() {
        max
    } else {
        1.0
    };
    let mut out = String::new();
    open(&mut out, w, h, title);
    for (k, (l, &v)) in labels.iter().zip(values).enumerate() {
        let y = 28.0 + row_h * k as f64;
        let _ = write!(
            out,
            r#"<text x="{}" y="{}" class="al" text-anchor="end">{}</text>"#,
            f(label_w - 6.0),
            f(y + 13.0),
            escape(l)
        );
        let _ = write!(
            out,
            r#"<rect x="{}" y="{}" width="{}" height="{}" class="track"/>"#,
            f(label_w),
            f(y + 3.0),
            f(bar_w),
            f(row_h - 6.0)
        );
        if v.is_finite() {
            let len = (v.max(0.0) / max).min(1.0) * bar_w;
            let fill = colours
                .and_then(|c| c.get(k))
                .map(String::as_str)
                .unwrap_or(PALETTE[0]);
            let _ = write!(
                out,
                r#"<rect x="{}" y="{}" width="{}" height="{}" fill="{}"/>"#,
                f(label_w),
                f(y + 3.0),
                f(len),
                f(row_h - 6.0),
                escape(fill)
            );
        }
        let _ = write!(
            out,
            r#"<text x="{}" y="{}" class="vl">{}</text>"#,
            f(label_w + bar_w + 4.0),
            f(y + 13.0),
            label(v)
        );
    }
    out.push_str("</svg>");
    out
}

/// Vertical grouped bars: for each category, one bar per series, scaled to `[0, max]`,
/// with a legend. Missing values leave a gap marked "n/a".
pub fn grouped_bars(title: &str, categories: &[String], series: &[Series], max: f64) -> String {
    let ns = series.len().max(1) as f64;
    let bar = 12.0;
    // wide enough for the category label (12px font: about 6.2px per display column)
    let widest = categories
        .iter()
        .map(|c| crate::table::str_width(c))
        .max()
        .unwrap_or(0) as f64
        * 6.2;
    let group_w = (bar * ns + 18.0).max(widest + 12.0);
    let left = 40.0;
    let plot_h = 180.0;
    let top = 34.0;
    let w = (left + group_w * categories.len() as f64 + 10.0).max(360.0);
    let h = top + plot_h + 40.0 + 16.0 * (1.0 + (series.len() as f64 / 5.0).floor());
    let max = if max > 0.0 && max.is_finite() {
        max
    } else {
        1.0
    };
    let mut out = String::new();
    open(&mut out, w, h, title);
    for t in 0..=4 {
        let v = max * t as f64 / 4.0;
        let y = top + plot_h - plot_h * t as f64 / 4.0;
        let _ = write!(
            out,
            r#"<line x1="{}" y1="{}" x2="{}" y2="{}" class="grid"/><text x="{}" y="{}" class="ax" text-anchor="end">{}</text>"#,
            f(left),
            f(y),
            f(w - 6.0),
            f(y),
            f(left - 4.0),
            f(y + 4.0),
            label(v)
        );
    }
    for (c, cat) in categories.iter().enumerate() {
        let gx = left + (group_w - bar * ns) / 2.0 + group_w * c as f64;
        for (s, ser) in series.iter().enumerate() {
            let v = ser.values.get(c).copied().unwrap_or(f64::NAN);
            let x = gx + bar * s as f64;
            if v.is_finite() {
                let hgt = (v.max(0.0) / max).min(1.0) * plot_h;
                let _ = write!(
                    out,
                    r#"<rect x="{}" y="{}" width="{}" height="{}" fill="{}"><title>{}: {}</title></rect>"#,
                    f(x),
                    f(top + plot_h - hgt),
                    f(bar - 1.0),
                    f(hgt),
                    escape(&ser.colour),
                    escape(&ser.name),
                    label(v)
                );
            } else {
                let _ = write!(
                    out,
                    r#"<text x="{}" y="{}" class="na">n/a</text>"#,
                    f(x),
                    f(top + plot_h - 2.0)
                );
            }
        }
        let _ = write!(
            out,
            r#"<text x="{}" y="{}" class="al" text-anchor="middle">{}</text>"#,
            f(gx + bar * ns / 2.0),
            f(top + plot_h + 16.0),
            escape(cat)
        );
    }
    legend(&mut out, series, left, top + plot_h + 36.0, w - 6.0);
    out.push_str("</svg>");
    out
}

/// Radar (spider) chart: one axis per label, radius scaled to `[0, max]`, one polygon per
/// series, with a legend. A missing value is drawn at the centre and its axis label gets
/// no special mark; prefer grouped bars when many values are missing. With fewer than
/// three axes a polygon degenerates to a line or a point, so the chart falls back to
/// [`grouped_bars`] (same title, series and colours).
pub fn radar(title: &str, axes: &[String], series: &[Series], max: f64) -> String {
    if axes.len() < 3 {
        return grouped_bars(title, axes, series, max);
    }
    // room for the axis labels left and right of the circle
    let widest = axes
        .iter()
        .map(|a| crate::table::str_width(a))
        .max()
        .unwrap_or(0) as f64
        * 6.5;
    let w = (300.0 + 2.0 * (widest + 24.0)).max(520.0);
    let r = 150.0;
    let (cx, cy) = (w / 2.0, 40.0 + r + 20.0);
    let h = cy + r + 40.0 + 16.0 * (1.0 + (series.len() as f64 / 4.0).floor());
    let max = if max > 0.0 && max.is_finite() {
        max
    } else {
        1.0
    };
    let n = axes.len().max(1);
    let angle =
        |k: usize| -std::f64::consts::FRAC_PI_2 + std::f64::consts::TAU * k as f64 / n as f64;
    let mut out = String::new();
    open(&mut out, w, h, title);
    for ring in 1..=4 {
        let rr = r * ring as f64 / 4.0;
        let pts: Vec<String> = (0..n)
            .map(|k| {
                format!(
                    "{},{}",
                    f(cx + rr * angle(k).cos()),
                    f(cy + rr * angle(k).sin())
                )
            })
            .collect();
        let _ = write!(out, r#"<polygon points="{}" class="ring"/>"#, pts.join(" "));
    }
    for (k, a) in axes.iter().enumerate() {
        let (x, y) = (cx + r * angle(k).cos(), cy + r * angle(k).sin());
        let _ = write!(
            out,
            r#"<line x1="{}" y1="{}" x2="{}" y2="{}" class="grid"/>"#,
            f(cx),
            f(cy),
            f(x),
            f(y)
        );
        let (lx, ly) = (
            cx + (r + 14.0) * angle(k).cos(),
            cy + (r + 14.0) * angle(k).sin(),
        );
        let anchor = if angle(k).cos() > 0.3 {
            "start"
        } else if angle(k).cos() < -0.3 {
            "end"
        } else {
            "middle"
        };
        let _ = write!(
            out,
            r#"<text x="{}" y="{}" class="al" text-anchor="{}">{}</text>"#,
            f(lx),
            f(ly + 4.0),
            anchor,
            escape(a)
        );
    }
    for ser in series {
        let pts: Vec<String> = (0..n)
            .map(|k| {
                let v = ser.values.get(k).copied().unwrap_or(f64::NAN);
                let rr = if v.is_finite() {
                    (v.max(0.0) / max).min(1.0) * r
                } else {
                    0.0
                };
                format!(
                    "{},{}",
                    f(cx + rr * angle(k).cos()),
                    f(cy + rr * angle(k).sin())
                )
            })
            .collect();
        let c = escape(&ser.colour);
        let _ = write!(
            out,
            r#"<polygon points="{}" fill="{}" fill-opacity="0.08" stroke="{}" stroke-width="1.8"><title>{}</title></polygon>"#,
            pts.join(" "),
            c,
            c,
            escape(&ser.name)
        );
    }
    legend(&mut out, series, 20.0, cy + r + 40.0, w - 10.0);
    out.push_str("</svg>");
    out
}

/// Line chart: x positions labelled by `x`, one line per series (gaps at NaN), y axis from
/// the data's range padded to round numbers, with a legend. `reference`, when given, draws
/// a dashed horizontal line (e.g. base = 100).
pub fn line_chart(title: &str, x: &[String], series: &[Series], reference: Option<f64>) -> String {
    let (w, left, top, plot_w, plot_h) = (900.0, 46.0, 34.0, 820.0, 240.0);
    let h = top + plot_h + 40.0 + 16.0 * (1.0 + (series.len() as f64 / 5.0).floor());
    let mut lo = f64::INFINITY;
    let mut hi = f64::NEG_INFINITY;
    for v in series
        .iter()
        .flat_map(|s| s.values.iter())
        .chain(reference.iter())
        .filter(|v| v.is_finite())
    {
        lo = lo.min(*v);
        hi = hi.max(*v);
    }
    if !lo.is_finite() {
        lo = 0.0;
        hi = 1.0;
    }
    if hi - lo < 1e-9 {
        lo -= 1.0;
        hi += 1.0;
    }
    let step = nice_step((hi - lo) / 4.0);
    lo = (lo / step).floor() * step;
    hi = (hi / step).ceil() * step;
    let ypos = |v: f64| top + plot_h - (v - lo) / (hi - lo) * plot_h;
    let nx = x.len().max(1);
    let xpos = |i: usize| {
        if nx == 1 {
            left + plot_w / 2.0
        } else {
            left + plot_w * i as f64 / (nx - 1) as f64
        }
    };
    let mut out = String::new();
    open(&mut out, w, h, title);
    let mut t = lo;
    while t <= hi + step * 1e-6 {
        let _ = write!(
            out,
            r#"<line x1="{}" y1="{}" x2="{}" y2="{}" class="grid"/><text x="{}" y="{}" class="ax" text-anchor="end">{}</text>"#,
            f(left),
            f(ypos(t)),
            f(left + plot_w),
            f(ypos(t)),
            f(left - 4.0),
            f(ypos(t) + 4.0),
            label(t)
        );
        t += step;
    }
    if let Some(r) = reference.filter(|r| r.is_finite()) {
        let _ = write!(
            out,
            r#"<line x1="{}" y1="{}" x2="{}" y2="{}" class="ref"/>"#,
            f(left),
            f(ypos(r)),
            f(left + plot_w),
            f(ypos(r))
        );
    }
    for (i, xl) in x.iter().enumerate() {
        let _ = write!(
            out,
            r#"<text x="{}" y="{}" class="ax" text-anchor="middle">{}</text>"#,
            f(xpos(i)),
            f(top + plot_h + 16.0),
            escape(xl)
        );
    }
    for ser in series {
        let c = escape(&ser.colour);
        let mut d = String::new();
        let mut pen_up = true;
        for (i, &v) in ser.values.iter().enumerate().take(nx) {
            if !v.is_finite() {
                pen_up = true;
                continue;
            }
            let _ = write!(
                d,
                "{}{},{} ",
                if pen_up { "M" } else { "L" },
                f(xpos(i)),
                f(ypos(v))
            );
            pen_up = false;
            let _ = write!(
                out,
                r#"<circle cx="{}" cy="{}" r="2.5" fill="{}"><title>{} {}: {}</title></circle>"#,
                f(xpos(i)),
                f(ypos(v)),
                c,
                escape(&ser.name),
                escape(&x[i]),
                label(v)
            );
        }
        if !d.is_empty() {
            let _ = write!(
                out,
                r#"<path d="{}" fill="none" stroke="{}" stroke-width="2"/>"#,
                d.trim_end(),
                c
            );
        }
    }
    legend(&mut out, series, left, top + plot_h + 36.0, w - 6.0);
    out.push_str("</svg>");
    out
}

/// A "nice" tick step (1, 2 or 5 × 10^k) at least `raw`.
fn nice_step(raw: f64) -> f64 {
    let raw = raw.max(1e-12);
    let p = 10f64.powf(raw.log10().floor());
    let m = raw / p;
    let nice = if m <= 1.0 {
        1.0
    } else if m <= 2.0 {
        2.0
    } else if m <= 5.0 {
        5.0
    } else {
        10.0
    };
    nice * p
}

#[cfg(test)]
mod tests {
    use super::*;

    fn two_series() -> Vec<Series> {
        vec![
            Series {
                name: "衢州市".into(),
                values: vec![100.0, 104.5, f64::NAN, 112.0],
                colour: palette(0).into(),
            },
            Series {
                name: "A&B <x>".into(),
                values: vec![100.0, 101.0, 103.0, 106.0],
                colour: palette(3).into(),
            },
        ]
    }

    #[test]
    fn charts_are_deterministic() {
        let x: Vec<String> = ["2020", "2021", "2022", "2023"].map(String::from).into();
        let a = line_chart("指数", &x, &two_series(), Some(100.0));
        let b = line_chart("指数", &x, &two_series(), Some(100.0));
        assert_eq!(a, b);
        let r1 = radar("r", &x, &two_series(), 120.0);
        assert_eq!(r1, radar("r", &x, &two_series(), 120.0));
        let g1 = grouped_bars("g", &x, &two_series(), 120.0);
        assert_eq!(g1, grouped_bars("g", &x, &two_series(), 120.0));
    }

    #[test]
    fn text_is_escaped_and_missing_is_not_zero() {
        let x: Vec<String> = ["2020", "2021", "2022", "2023"].map(String::from).into();
        let s = line_chart("<t>", &x, &two_series(), None);
        assert!(s.contains("A&amp;B &lt;x&gt;"));
        assert!(s.contains("&lt;t&gt;"));
        assert!(!s.contains("<t>"));
        // the NaN in 2022 splits the first line into two sub-paths (two "M" commands)
        let first_path = s.split("<path d=\"").nth(1).unwrap();
        let d = first_path.split('"').next().unwrap();
        assert_eq!(d.matches('M').count(), 2, "{d}");
        let b = bar_chart_h("b", &["x".into()], &[f64::NAN], 1.0, None);
        assert!(b.contains(">n/a<"));
    }

    #[test]
    fn bars_scale_to_max_and_clip() {
        // bar_w is 220: value 50 of max 100 → 110.0; 150 of 100 → clipped to 220.0
        let b = bar_chart_h("b", &["a".into(), "b".into()], &[50.0, 150.0], 100.0, None);
        assert!(b.contains(r#"width="110.0" height="14.0" fill"#), "{b}");
        assert!(b.contains(r#"width="220.0" height="14.0" fill"#), "{b}");
        assert!(b.contains(">150.0<"));
    }

    /// The radar works from 1 to 12 axes: below three it falls back to grouped bars (no
    /// degenerate polygon); from three, every polygon has one vertex per axis; a series
    /// keeps its given colour.
    #[test]
    fn radar_handles_one_to_twelve_dimensions() {
        for n in [1usize, 2, 3, 12] {
            let axes: Vec<String> = (0..n).map(|k| format!("领域{k}")).collect();
            let series = vec![
                Series {
                    name: "甲".into(),
                    values: (0..n).map(|k| 50.0 + k as f64).collect(),
                    colour: palette(2).into(),
                },
                Series {
                    name: "乙".into(),
                    values: vec![f64::NAN; n],
                    colour: palette(5).into(),
                },
            ];
            let svg = radar("r", &axes, &series, 100.0);
            assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"), "{n}");
            assert!(!svg.contains("NaN"), "{n}");
            // every axis is labelled
            for a in &axes {
                assert!(svg.contains(&format!(">{a}<")), "{n}: {a}");
            }
            let polygons: Vec<&str> = svg
                .split("<polygon points=\"")
                .skip(1)
                .map(|p| p.split('"').next().unwrap())
                .collect();
            if n < 3 {
                assert!(polygons.is_empty(), "{n}: bars expected");
                assert!(svg.contains(&format!("fill=\"{}\"", palette(2))), "{n}");
            } else {
                // four rings and two series, each with n vertices
                assert_eq!(polygons.len(), 6, "{n}");
                for p in polygons {
                    assert_eq!(p.split(' ').count(), n, "{n}: {p}");
                }
                assert!(svg.contains(&format!("stroke=\"{}\"", palette(5))), "{n}");
            }
        }
    }

    #[test]
    fn nice_steps() {
        assert_eq!(nice_step(0.3), 0.5);
        assert_eq!(nice_step(3.0), 5.0);
        assert_eq!(nice_step(12.0), 20.0);
        assert_eq!(nice_step(1.0), 1.0);
    }
}

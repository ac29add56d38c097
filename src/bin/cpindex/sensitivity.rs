//! `cpindex sensitivity` and the report's robustness section: the uncertainty analysis of
//! the index ranks (each unit's nominal and median rank with its 5–95 % interval) and the
//! Sobol indices of each assumption on the mean absolute rank shift, as a text table, CSV,
//! the full JSON result (design, runs and all, for audit) or HTML.

use std::fmt::Write as _;

use cpindex::sensitivity::SensitivityResults;

fn f(v: f64, digits: usize) -> String {
    if v.is_finite() {
        format!("{v:.digits$}")
    } else {
        "—".into()
    }
}

/// The header lines every format shows: what was varied, N, runs, seed.
fn provenance(r: &SensitivityResults) -> String {
    format!(
        "period {}; assumptions: {}; N = {} ({} runs), bootstrap {} draws, seed {}",
        r.period,
        r.assumptions.join(", "),
        r.spec.n,
        r.target.len(),
        r.spec.bootstrap,
        r.spec.seed
    )
}

/// Text tables: units by nominal rank, then the Sobol indices.
pub fn table(r: &SensitivityResults) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "Uncertainty of the index ranks — {}", provenance(r));
    let _ = writeln!(
        s,
        "{:<16} {:>7} {:>7} {:>13} {:>10} {:>9} {:>9}",
        "unit", "nominal", "median", "5–95 %", "mean |Δr|", "score", "5–95 % score"
    );
    let mut order: Vec<usize> = (0..r.uncertainty.len()).collect();
    order.sort_by(|&a, &b| {
        r.uncertainty[a]
            .nominal_rank
            .total_cmp(&r.uncertainty[b].nominal_rank)
    });
    for &u in &order {
        let x = &r.uncertainty[u];
        let _ = writeln!(
            s,
            "{:<16} {:>7} {:>7} {:>13} {:>10} {:>9} {}–{}",
            x.unit,
            f(x.nominal_rank, 0),
            f(x.median_rank, 1),
            format!("{}–{}", f(x.rank_p05, 1), f(x.rank_p95, 1)),
            f(x.mean_abs_rank_shift, 2),
            f(x.nominal_score, 2),
            f(x.score_p05, 2),
            f(x.score_p95, 2)
        );
    }
    let _ = writeln!(
        s,
        "\nSobol indices on the mean absolute rank shift (first order: Saltelli 2010; total: Jansen 1999)"
    );
    let _ = writeln!(
        s,
        "{:<18} {:>8} {:>19} {:>8} {:>19}",
        "assumption", "S", "interval", "S_T", "interval"
    );
    for (i, a) in r.assumptions.iter().enumerate() {
        let (fi, ti) = match &r.sobol.bootstrap {
            Some(b) => (
                format!(
                    "[{}, {}]",
                    f(b.first_interval[i].0, 3),
                    f(b.first_interval[i].1, 3)
                ),
                format!(
                    "[{}, {}]",
                    f(b.total_interval[i].0, 3),
                    f(b.total_interval[i].1, 3)
                ),
            ),
            None => (String::new(), String::new()),
        };
        let _ = writeln!(
            s,
            "{:<18} {:>8} {:>19} {:>8} {:>19}",
            a,
            f(r.sobol.first[i], 3),
            fi,
            f(r.sobol.total[i], 3),
            ti
        );
    }
    for w in &r.warnings {
        let _ = writeln!(s, "warning: {w}");
    }
    s
}

/// One CSV row per unit (the uncertainty analysis).
pub fn csv(r: &SensitivityResults) -> String {
    let mut s = String::from(
        "unit,nominal_rank,median_rank,rank_p05,rank_p95,mean_abs_rank_shift,nominal_score,median_score,score_p05,score_p95,mean_abs_score_shift,missing_runs\n",
    );
    let g = |v: f64| {
        if v.is_finite() {
            format!("{v}")
        } else {
            String::new()
        }
    };
    for x in &r.uncertainty {
        let _ = writeln!(
            s,
            "{},{},{},{},{},{},{},{},{},{},{},{}",
            x.unit,
            g(x.nominal_rank),
            g(x.median_rank),
            g(x.rank_p05),
            g(x.rank_p95),
            g(x.mean_abs_rank_shift),
            g(x.nominal_score),
            g(x.median_score),
            g(x.score_p05),
            g(x.score_p95),
            g(x.mean_abs_score_shift),
            x.missing_runs
        );
    }
    s
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The report section (an HTML fragment): each unit's rank with its 5–95 % interval as a
/// bar on the rank axis, and the Sobol indices as bars with their bootstrap intervals.
pub fn html_section(r: &SensitivityResults) -> String {
    let m = r.uncertainty.len().max(1) as f64;
    let mut s = String::new();
    let _ = writeln!(
        s,
        "<section class=\"sensitivity\">\n<h2>排名稳健性 Robustness of the ranks</h2>\n<p>{}</p>",
        esc(&provenance(r))
    );
    let _ = writeln!(
        s,
        "<table>\n<thead><tr><th>Unit</th><th>Nominal rank</th><th>Median</th><th>5–95 %</th><th>Mean |Δrank|</th><th>Rank interval (1 = best)</th></tr></thead>\n<tbody>"
    );
    let mut order: Vec<usize> = (0..r.uncertainty.len()).collect();
    order.sort_by(|&a, &b| {
        r.uncertainty[a]
            .nominal_rank
            .total_cmp(&r.uncertainty[b].nominal_rank)
    });
    let (w, h) = (240.0, 14.0);
    let x = |rank: f64| 4.0 + (rank - 1.0) / (m - 1.0).max(1.0) * (w - 8.0);
    for &u in &order {
        let e = &r.uncertainty[u];
        let mut svg = format!(
            "<svg width=\"{w}\" height=\"{h}\" role=\"img\" aria-label=\"rank interval\"><line x1=\"4\" x2=\"{}\" y1=\"7\" y2=\"7\" stroke=\"#ddd\"/>",
            w - 4.0
        );
        if e.rank_p05.is_finite() && e.rank_p95.is_finite() {
            let _ = write!(
                svg,
                "<rect x=\"{:.1}\" y=\"3\" width=\"{:.1}\" height=\"8\" fill=\"#9ecae1\"/>",
                x(e.rank_p05),
                (x(e.rank_p95) - x(e.rank_p05)).max(1.5)
            );
        }
        if e.median_rank.is_finite() {
            let _ = write!(
                svg,
                "<line x1=\"{0:.1}\" x2=\"{0:.1}\" y1=\"1\" y2=\"13\" stroke=\"#08519c\" stroke-width=\"2\"/>",
                x(e.median_rank)
            );
        }
        if e.nominal_rank.is_finite() {
            let _ = write!(
                svg,
                "<circle cx=\"{:.1}\" cy=\"7\" r=\"3\" fill=\"#d94801\"/>",
                x(e.nominal_rank)
            );
        }
        svg.push_str("</svg>");
        let _ = writeln!(
            s,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}–{}</td><td>{}</td><td>{svg}</td></tr>",
            esc(&e.unit),
            f(e.nominal_rank, 0),
            f(e.median_rank, 1),
            f(e.rank_p05, 1),
            f(e.rank_p95, 1),
            f(e.mean_abs_rank_shift, 2)
        );
    }
    let _ = writeln!(
        s,
        "</tbody>\n</table>\n<p>Dot: nominal rank; bar: 5th–95th percentile over the runs; line: median.</p>"
    );
    let _ = writeln!(
        s,
        "<h3>Sobol indices on the mean absolute rank shift</h3>\n<table>\n<thead><tr><th>Assumption</th><th>S (first order)</th><th>S<sub>T</sub> (total)</th><th></th></tr></thead>\n<tbody>"
    );
    let bw = 240.0;
    for (i, a) in r.assumptions.iter().enumerate() {
        let bar = |v: f64, iv: Option<(f64, f64)>, colour: &str, y: f64| {
            let c = |t: f64| 4.0 + t.clamp(0.0, 1.0) * (bw - 8.0);
            let mut b = format!(
                "<rect x=\"4\" y=\"{y}\" width=\"{:.1}\" height=\"7\" fill=\"{colour}\"/>",
                c(v) - 4.0
            );
            if let Some((lo, hi)) = iv {
                let _ = write!(
                    b,
                    "<line x1=\"{:.1}\" x2=\"{:.1}\" y1=\"{2}\" y2=\"{2}\" stroke=\"#333\"/>",
                    c(lo),
                    c(hi),
                    y + 3.5
                );
            }
            b
        };
        let boot = r.sobol.bootstrap.as_ref();
        let svg = format!(
            "<svg width=\"{bw}\" height=\"18\" role=\"img\" aria-label=\"Sobol indices\">{}{}</svg>",
            bar(r.sobol.first[i], boot.map(|b| b.first_interval[i]), "#6baed6", 1.0),
            bar(r.sobol.total[i], boot.map(|b| b.total_interval[i]), "#fd8d3c", 10.0)
        );
        let _ = writeln!(
            s,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{svg}</td></tr>",
            esc(a),
            f(r.sobol.first[i], 3),
            f(r.sobol.total[i], 3)
        );
    }
    let _ = writeln!(
        s,
        "</tbody>\n</table>\n<p>Blue: first-order index (Saltelli et al. 2010); orange: total index (Jansen 1999); whiskers: bootstrap percentile interval. Scale 0–1.</p>"
    );
    for w in &r.warnings {
        let _ = writeln!(s, "<p class=\"warning\">{}</p>", esc(w));
    }
    s.push_str("</section>\n");
    s
}

/// A standalone HTML page around [`html_section`].
pub fn html_page(r: &SensitivityResults) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"zh\">\n<head>\n<meta charset=\"utf-8\">\n<title>cpindex sensitivity — {}</title>\n<style>body{{font-family:sans-serif;margin:2em}}table{{border-collapse:collapse}}td,th{{padding:2px 8px;border-bottom:1px solid #eee;text-align:right}}td:first-child,th:first-child{{text-align:left}}.warning{{color:#a50f15}}</style>\n</head>\n<body>\n{}</body>\n</html>\n",
        esc(&r.framework_id),
        html_section(r)
    )
}

/// Puts the section into a rendered report page, before its footer (or at the end of the
/// body): the one hook into the report.
pub fn insert_into_report(page: &str, section: &str) -> String {
    let at = page
        .rfind("<footer>")
        .or_else(|| page.rfind("</body>"))
        .unwrap_or(page.len());
    format!("{}{}{}", &page[..at], section, &page[at..])
}

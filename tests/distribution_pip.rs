//! Weighted Gini and mean log deviation against the World Bank's Poverty and Inequality
//! Platform code: `wbpip::md_compute_gini` (R/md_compute_gini.R, commit 003fba1) and
//! `wbpip::md_compute_mld` (R/md_compute_mld.R, commit 037b930) of
//! PIP-Technical-Team/wbpip, run with R 4.2.2 on 2026-11-28 on the sorted household sample
//! (as `md_compute_dist_stats` sorts before calling them), printed with `sprintf("%.17g")`.
//! wbpip is not on CRAN or in Debian, so the run is not repeated by `cargo test`; its two
//! `collapse` calls were replaced by base R (`flag(x, fill = 0)` → `c(0, x[-n])`,
//! `fsum` → `sum`).
//!
//! PIP's Gini is `1 − 2·AUC` with the Lorenz area summed by trapezoids,
//! `Σ wᵢ (Sᵢ₋₁ + wᵢxᵢ/2) / (W·T)`; expanding `Sᵢ₋₁` shows it equals the mean-difference
//! form cpindex uses. PIP's MLD replaces a zero income by 1 (`log(mean)` for that record),
//! where cpindex refuses values ≤ 0; the stress data below are restricted to positive incomes.

// the expected values are R's `sprintf("%.17g")` output, kept verbatim
#![allow(clippy::excessive_precision)]

mod common;

use common::Microdata;
use cpindex::distribution::Distribution;

fn check(d: &Distribution, what: &str, gini: f64, mld: f64) {
    let g = d.gini().unwrap();
    let m = d.mean_log_deviation().unwrap();
    assert!(
        (g - gini).abs() <= 1e-12 * gini,
        "{what}: PIP Gini {gini}, cpindex {g}"
    );
    assert!(
        (m - mld).abs() <= 1e-12 * mld,
        "{what}: PIP MLD {mld}, cpindex {m}"
    );
}

#[test]
fn household_sample_by_county() {
    let hh = Microdata::read(
        &common::root().join("examples/data/households.csv"),
        "disposable_income_yuan",
        "weight",
        "county",
    );
    let all = [
        ("all", 0.39474716522396081, 0.26719032883249538),
        ("changshan", 0.38436392104668349, 0.25090963080557838),
        ("jiangshan", 0.38672572592380583, 0.25403657563400112),
        ("kaihua", 0.35772683039448772, 0.2158914434181182),
        ("kecheng", 0.38629088608517492, 0.26107870954461138),
        ("longyou", 0.38502742507240995, 0.2503519975490181),
        ("qujiang", 0.39663345508420678, 0.27197962593300845),
    ];
    for (county, gini, mld) in all {
        let (x, w) = hh.subset(county, true);
        let d = Distribution::new(&x, w.as_deref()).unwrap();
        check(&d, county, gini, mld);
    }
}

#[test]
fn stress_positive_incomes() {
    let st = Microdata::read(
        &common::root().join("tests/reference/laeken/stress.csv"),
        "income",
        "weight",
        "region",
    );
    let (x, w): (Vec<f64>, Vec<f64>) =
        st.x.iter()
            .zip(&st.w)
            .filter(|(&x, _)| x > 0.0)
            .map(|(&x, &w)| (x, w))
            .unzip();
    assert_eq!(x.len(), 586);
    let d = Distribution::new(&x, Some(&w)).unwrap();
    check(&d, "stress", 0.42951958479301156, 0.31738556797836276);
}

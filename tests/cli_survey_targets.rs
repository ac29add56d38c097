//! The built-in framework's survey-measured targets (生态环境满意度达到92%,
//! 全面从严治党成效度达到98%以上) get the survey verdict in the default report on the shipped
//! sample: the framework names the standard-error series (`sampling_error_series`), the
//! sample carries it (illustrative), no spec needed. Verdicts worked out by hand below from
//! examples/data/quzhou.csv (2024 rows), z = (estimate − target)/SE against 1.959964 (95%).

use std::process::Command;

fn report_json() -> serde_json::Value {
    report_json_with(&[])
}

fn report_json_with(extra: &[&str]) -> serde_json::Value {
    let o = Command::new(env!("CARGO_BIN_EXE_cpindex"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["report", "examples/data/quzhou.csv", "--format", "json"])
        .args(extra)
        .output()
        .expect("cpindex runs");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    serde_json::from_slice(&o.stdout).expect("JSON report")
}

fn cell<'a>(r: &'a serde_json::Value, unit: &str, ind: &str) -> &'a serde_json::Value {
    r["cells"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["unit"] == unit && c["indicator"] == ind)
        .unwrap_or_else(|| panic!("cell {unit}/{ind}"))
}

#[test]
fn default_report_gives_the_survey_verdict_for_the_plans_survey_targets() {
    let r = report_json();
    assert_eq!(r["year"], 2024);
    // (unit, indicator, verdict), by hand from the CSV's 2024 value and `_se` row:
    // quzhou 生态环境满意度 90.65, SE 0.84: z = (90.65 − 92)/0.84 = −1.35/0.84 = −1.607;
    //   |z| < 1.96 → not distinguishable (CI 90.65 ± 1.646 = 89.00–92.30 holds 92).
    // changshan 生态环境满意度 88.86, SE 1.57: z = −3.14/1.57 = −2.000 < −1.96 → not met
    //   (CI upper 88.86 + 3.077 = 91.94 < 92).
    // kaihua 全面从严治党成效度 95.31, SE 1.06: z = −2.69/1.06 = −2.538 → not met.
    // jiangshan 生态环境满意度 92.32, SE 1.33: z = 0.32/1.33 = 0.241 → the point estimate
    //   meets 92 but the survey cannot tell: not distinguishable.
    // quzhou 全面从严治党成效度 97.22, SE 0.47: z = −0.78/0.47 = −1.660 → not distinguishable.
    let cases = [
        (
            "quzhou",
            "eco_environment_satisfaction",
            "not_distinguishable",
            "z = -1.61",
        ),
        (
            "changshan",
            "eco_environment_satisfaction",
            "not_met",
            "z = -2.00",
        ),
        (
            "kaihua",
            "party_discipline_effectiveness",
            "not_met",
            "z = -2.54",
        ),
        (
            "jiangshan",
            "eco_environment_satisfaction",
            "not_distinguishable",
            "z = 0.24",
        ),
        (
            "quzhou",
            "party_discipline_effectiveness",
            "not_distinguishable",
            "z = -1.66",
        ),
    ];
    for (unit, ind, verdict, z) in cases {
        let c = cell(&r, unit, ind);
        assert_eq!(c["survey_verdict"], verdict, "{unit}/{ind}: {c}");
        let text = c["survey_text"].as_str().unwrap();
        assert!(text.contains(z), "{unit}/{ind}: {text}");
    }
    // the point rule still decides 实现度's met flag: jiangshan's 92.32 ≥ 92 scores 100%
    assert_eq!(
        cell(&r, "jiangshan", "eco_environment_satisfaction")["achievement"],
        100.0
    );
    // indicators that are not survey-measured carry no verdict
    assert!(cell(&r, "quzhou", "gdp").get("survey_verdict").is_none());
}

#[test]
fn html_dashboard_shows_the_verdict_under_the_value_and_no_zero_sample_for_the_city() {
    let o = Command::new(env!("CARGO_BIN_EXE_cpindex"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["report", "examples/data/quzhou.csv", "--format", "html"])
        .output()
        .expect("cpindex runs");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let html = String::from_utf8(o.stdout).unwrap();
    // 生态环境满意度 row: 7 units, the verdicts of the JSON test (2 not met, 5 n.s.)
    let row_start = html.find("<td class=\"ind\">生态环境满意度</td>").unwrap();
    let row = &html[row_start..row_start + html[row_start..].find("</tr>").unwrap()];
    assert_eq!(
        row.matches("<div class=\"sv\">未达标</div>").count(),
        2,
        "{row}"
    );
    assert_eq!(
        row.matches("<div class=\"sv\">无显著差异</div>").count(),
        5,
        "{row}"
    );
    // the city has no survey respondents in the sample: its row shows "–", not 0
    let section = html
        .find("群众获得感幸福感安全感评价</h2>")
        .expect("satisfaction section");
    let city = section
        + html[section..]
            .find("<tr><td>衢州市</td>")
            .expect("satisfaction table row of the city");
    let city_row = &html[city..city + html[city..].find("</tr>").unwrap()];
    assert!(!city_row.contains(">0<"), "{city_row}");
}

#[test]
fn the_specs_sampling_errors_override_the_frameworks_series() {
    // point the city's 生态环境满意度 at another SE series (0.47, the 成效度 SE in 2024):
    // z = (90.65 − 92)/0.47 = −2.872 < −1.96 → not met, where its own SE 0.84 gave
    // "not distinguishable" (z = −1.607)
    let spec = std::env::temp_dir().join(format!("cpindex_survey2_{}.json", std::process::id()));
    std::fs::write(
        &spec,
        r#"{"monitor":{"sampling_errors":{"eco_environment_satisfaction":"party_discipline_effectiveness_se"}}}"#,
    )
    .unwrap();
    let r = report_json_with(&["--spec", spec.to_str().unwrap()]);
    std::fs::remove_file(&spec).ok();
    let c = cell(&r, "quzhou", "eco_environment_satisfaction");
    assert_eq!(c["survey_verdict"], "not_met", "{c}");
    assert!(
        c["survey_text"].as_str().unwrap().contains("z = -2.87"),
        "{c}"
    );
    // the other indicator keeps the framework's series
    let p = cell(&r, "quzhou", "party_discipline_effectiveness");
    assert!(
        p["survey_text"].as_str().unwrap().contains("z = -1.66"),
        "{p}"
    );
}

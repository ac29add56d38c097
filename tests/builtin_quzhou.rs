//! The built-in `quzhou-2021-2025` framework against the plan text it is taken from.
//!
//! The independent source for every check here is the plan itself,
//! `docs/plan/quzhou-common-prosperity-action-plan-2021-2025.txt` (identical to the copy in
//! `/work/shared/plan/`), and the hand counts written in the comments below.
//!
//! * every indicator's phrase occurs verbatim inside the section it cites and contains its
//!   target (and stretch target, margin, target year) as the plan writes it, or — for
//!   targets the plan states in words (全覆盖, 清零, 三分之二 …) — the word that implies it;
//! * exhaustiveness: every Arabic number in the plan is either a value of an indicator whose
//!   phrase contains it, an item heading, or in the commented list of non-target numbers
//!   below; every target keyword in words (全覆盖, 逐年下降, 高于全省 …) is either inside an
//!   indicator's phrase or in the commented list of non-target uses;
//! * structure: validation, unique ids, non-empty dimensions, effective weights summing to
//!   1, counts per dimension.

use std::collections::{BTreeMap, HashSet};

mod common;

use cpindex::model::builtin::{self, QUZHOU_2021_2025, QUZHOU_2021_2025_JSON};
use cpindex::model::{
    Framework, Indicator, Kind, Polarity, Reference, Relation, RelativeBasis, TargetForm,
};

const PLAN: &str = include_str!("../docs/plan/quzhou-common-prosperity-action-plan-2021-2025.txt");

const GOALS: &str = "一、发展目标";

/// Targets the plan states in words, not digits: (indicator id, the word in its phrase,
/// the value that word means in the indicator's unit).
const IMPLIED: &[(&str, &str, f64)] = &[
    // "努力实现市县国有企业上市零的突破": from zero to at least one listed SOE.
    ("soe_listings", "零的突破", 1.0),
    // "确保零就业家庭动态清零": zero households without an employed member.
    ("zero_employment_households", "清零", 0.0),
    // "三分之二以上": two thirds = 66.666…%.
    ("fiscal_increment_livelihood_share", "三分之二", 200.0 / 3.0),
    // "半小时交通圈": half an hour = 0.5 h.
    ("centre_county_travel_time", "半小时", 0.5),
    // "光伏装机容量实现倍增": doubling, 2 × the 2020 capacity.
    ("pv_capacity_multiple", "倍增", 2.0),
    // 全覆盖 / 应保尽保 / 需改尽改 / 所有 / 稳定达到: 100 %.
    ("hospital_mother_baby_room_coverage", "全覆盖", 100.0),
    ("nearby_childcare_coverage", "全覆盖", 100.0),
    ("statutory_social_insurance_coverage", "全覆盖", 100.0),
    ("employee_pension_coverage", "全覆盖", 100.0),
    ("resident_pension_coverage", "应保尽保", 100.0),
    ("low_income_supplementary_medical_coverage", "全覆盖", 100.0),
    ("elderly_home_adaptation_coverage", "全覆盖", 100.0),
    ("old_compound_renovation_completion", "需改尽改", 100.0),
    ("basic_public_service_coverage", "全覆盖", 100.0),
    ("good_rural_roads_coverage", "全覆盖", 100.0),
    ("beautiful_village_compliance", "所有行政村", 100.0),
    ("resident_public_service_coverage", "全覆盖", 100.0),
    ("village_collective_income_20w_coverage", "全覆盖", 100.0),
    ("civilisation_practice_centre_coverage", "全覆盖", 100.0),
    ("surface_water_class_ii_share", "稳定达到Ⅱ类以上", 100.0),
    ("zero_direct_discharge_coverage", "全覆盖", 100.0),
    ("waste_sorting_coverage", "全覆盖", 100.0),
    ("one_thing_reform_coverage", "全覆盖", 100.0),
];

/// Numbers in the plan that are not targets, keyed by a context that contains them; every
/// number inside every occurrence of the context is classified as non-target. Item headings
/// ("15.深入实施…") are recognised separately and checked to run 1, 2, …, 46.
const NON_TARGET_NUMBERS: &[(&str, &str)] = &[
    (
        "2021-2025年",
        "the plan period in titles (also of the province's 26-county plan, item 26)",
    ),
    ("2021年8月22日", "date of issue"),
    ("到2025年、2035年", "the two stages of the goals, preamble"),
    ("到2025年推动", "the plan's end year, goals preamble"),
    (
        "到2025年,六大",
        "the plan's end year, item 2 (the framework's target year)",
    ),
    (
        "到2022年底,力争全面形成",
        "a 2022 milestone with no quantity (item 37, qualitative)",
    ),
    ("PM2.5", "pollutant name"),
    ("10-50万元", "income band bounds defining the indicator"),
    ("20-60万元", "income band bounds defining the indicator"),
    (
        "“15分钟幸福生活圈”",
        "name of a programme, '基本建成' without a quantity",
    ),
    ("拥有3岁以下", "age bound defining the childcare indicator"),
    (
        "8090",
        "name of the 8090 theory-outreach brand (goals, item 27)",
    ),
    (
        "5A级景区",
        "scenic-area grade in names of creation tasks (binary titles, not modelled)",
    ),
    ("“一号工程”2.0", "programme version"),
    ("教育信息化2.0", "programme version"),
    ("G60", "name of the G60 science corridor"),
    ("“1+N”", "name of the talent-policy system"),
    ("“95号联盟大道”", "road name"),
    ("“131”", "name of a service programme"),
    ("5G", "technology name"),
    (
        "等8项基本救助",
        "the eight kinds of basic assistance (definition)",
    ),
    ("“1+8+X”", "name of the assistance system"),
    ("轨道交通1号线", "name of a rail line"),
    (
        "再延长30年",
        "length of land-contract extension (policy term, not a target)",
    ),
    (
        "年经营性收入20万元以上",
        "income threshold defining the 2022 village indicator",
    ),
    (
        "50万元以上的行政村",
        "income threshold defining the 2025 village indicator",
    ),
    ("山区26县", "name of the province's 26 mountain counties"),
    (
        "全市10处省级重要湿地",
        "existing stock of wetlands to protect, not a target level",
    ),
    ("“6+1”", "name of the carbon-peaking sector plans"),
    ("“152”", "name of the digital-reform architecture"),
    ("“365监督在线”", "name of a supervision mechanism"),
];

/// Target words that occur in the plan outside every indicator's phrase, with the reason.
const NON_TARGET_KEYWORDS: &[(&str, &str)] = &[
    (
        "城乡居民收入年均增幅高于全省平均水平",
        "restated per urban and rural residents in the income paragraph: urban_income_growth, rural_income_growth",
    ),
    (
        "县域义务教育校际差异系数持续缩小",
        "encoded as the previous-year relative target of the item-13 coefficients",
    ),
    ("基本形成全覆盖、均等化的全民健身", "describes a system, no measurable coverage"),
    ("加快构建全覆盖的整体政府监督体系", "describes a system, no measurable coverage"),
    ("形成平安建设全覆盖的良好局面", "qualitative"),
    ("科技企业“双倍增”计划", "programme name; no baseline or year in the plan"),
    ("实施中等收入群体规模倍增计划", "title of item 9; its quantified goals are the income-band shares"),
    ("实施居民收入十年倍增计划", "title of item 10; the ten-year horizon runs past 2025"),
];

/// Target words scanned for (the exhaustiveness check for targets stated in words).
const KEYWORDS: &[&str] = &[
    "全覆盖",
    "逐年下降",
    "稳步下降",
    "逐步下降",
    "稳步提高",
    "逐步提高",
    "高于全省",
    "不低于",
    "快于",
    "倍增",
    "清零",
    "零的突破",
    "应保尽保",
    "需改尽改",
    "三分之二",
    "半小时",
    "持续缩小",
];

fn fw() -> &'static Framework {
    builtin::quzhou()
}

/// All byte offsets where `needle` occurs in `hay`.
fn occurrences(hay: &str, needle: &str) -> Vec<usize> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(k) = hay[from..].find(needle) {
        out.push(from + k);
        from += k + needle.len().max(1);
    }
    out
}

/// Byte ranges of the plan's sections: `一、发展目标` and items `N.title`.
fn sections() -> BTreeMap<String, (usize, usize)> {
    let mut heads: Vec<(usize, Option<String>)> = Vec::new();
    let mut off = 0;
    for line in PLAN.split_inclusive('\n') {
        let l = line.trim_end();
        let digits: String = l.chars().take_while(|c| c.is_ascii_digit()).collect();
        if !digits.is_empty() && l[digits.len()..].starts_with('.') {
            let title = l[digits.len() + 1..].trim_start();
            let title = title.split('。').next().unwrap();
            heads.push((off, Some(format!("{digits}.{title}"))));
        } else if l.starts_with(GOALS) {
            heads.push((off, Some(GOALS.to_string())));
        } else if l.starts_with("原标题")
            || l.chars()
                .take_while(|c| "一二三四五六七八九十".contains(*c))
                .count()
                > 0
                && l.chars().nth(
                    l.chars()
                        .take_while(|c| "一二三四五六七八九十".contains(*c))
                        .count(),
                ) == Some('、')
        {
            heads.push((off, None));
        }
        off += line.len();
    }
    let mut map = BTreeMap::new();
    for (k, (start, name)) in heads.iter().enumerate() {
        if let Some(name) = name {
            let end = heads.get(k + 1).map_or(PLAN.len(), |h| h.0);
            map.insert(name.clone(), (*start, end));
        }
    }
    map
}

/// Does `phrase` contain `number` as a whole number (not part of a longer one)?
fn contains_number(phrase: &str, number: &str) -> bool {
    occurrences(phrase, number).into_iter().any(|k| {
        let before = phrase[..k].chars().next_back();
        let after = &phrase[k + number.len()..];
        let mut a = after.chars();
        let next = a.next();
        let next2 = a.next();
        let digit_before = before.is_some_and(|c| c.is_ascii_digit() || c == '.');
        let digit_after = next.is_some_and(|c| c.is_ascii_digit())
            || (next == Some('.') && next2.is_some_and(|c| c.is_ascii_digit()));
        !digit_before && !digit_after
    })
}

/// How the plan writes a value: `2500`, `5.6`, `0.25` (Rust's shortest round-trip form).
fn written(v: f64) -> String {
    format!("{v}")
}

/// The plan text around bytes `start..end`, widened to character boundaries.
fn around(start: usize, end: usize) -> &'static str {
    let mut a = start.saturating_sub(30);
    while !PLAN.is_char_boundary(a) {
        a -= 1;
    }
    let mut b = (end + 12).min(PLAN.len());
    while !PLAN.is_char_boundary(b) {
        b += 1;
    }
    &PLAN[a..b]
}

/// Byte spans of each indicator's phrase inside its own section.
fn phrase_spans(fw: &Framework) -> Vec<(usize, usize, &Indicator)> {
    let secs = sections();
    let mut spans = Vec::new();
    for i in &fw.indicators {
        let (a, b) = secs[&i.provenance.section];
        for k in occurrences(&PLAN[a..b], &i.provenance.phrase) {
            spans.push((a + k, a + k + i.provenance.phrase.len(), i));
        }
    }
    spans
}

#[test]
fn sections_are_found_in_the_plan() {
    let secs = sections();
    // 一、发展目标 plus items 1..=46, counted by hand in the plan.
    assert_eq!(secs.len(), 47, "{:?}", secs.keys().collect::<Vec<_>>());
    assert!(secs.contains_key("15.深入实施健康衢州行动"));
    assert!(secs.contains_key("13.加快推进教育现代化建设"));
}

#[test]
fn every_phrase_is_verbatim_in_its_section_and_holds_the_target() {
    let secs = sections();
    let implied: BTreeMap<&str, (&str, f64)> =
        IMPLIED.iter().map(|&(id, w, v)| (id, (w, v))).collect();
    let fw = fw();
    for i in &fw.indicators {
        let p = &i.provenance;
        let Some(&(a, b)) = secs.get(&p.section) else {
            panic!(
                "{}: section `{}` is not a section of the plan",
                i.id, p.section
            );
        };
        assert!(!p.phrase.is_empty(), "{}: empty phrase", i.id);
        assert!(
            PLAN[a..b].contains(&p.phrase),
            "{}: phrase `{}` is not verbatim in section `{}`",
            i.id,
            p.phrase,
            p.section
        );
        if let Some(t) = i.target {
            let w = written(t);
            match implied.get(i.id.as_str()) {
                Some(&(word, value)) => {
                    assert!(
                        !contains_number(&p.phrase, &w),
                        "{}: target {w} is written in the phrase; drop it from IMPLIED",
                        i.id
                    );
                    assert!(p.phrase.contains(word), "{}: `{word}` not in phrase", i.id);
                    assert!((t - value).abs() < 1e-12, "{}: target {t} ≠ {value}", i.id);
                }
                None => assert!(
                    contains_number(&p.phrase, &w),
                    "{}: target {w} not written in phrase `{}`",
                    i.id,
                    p.phrase
                ),
            }
        } else if let TargetForm::BaselineMultiple { multiple, .. } = i.target_form {
            // 倍增: the multiple is the implied number
            let &(word, value) = implied
                .get(i.id.as_str())
                .unwrap_or_else(|| panic!("{}: multiple not listed in IMPLIED", i.id));
            assert!(p.phrase.contains(word), "{}: `{word}` not in phrase", i.id);
            assert!(
                (multiple - value).abs() < 1e-12,
                "{}: multiple {multiple}",
                i.id
            );
        } else {
            assert!(i.relative_target.is_some(), "{}: no target at all", i.id);
            assert!(!implied.contains_key(i.id.as_str()), "{}", i.id);
        }
        if let Some(s) = i.stretch_target {
            assert!(
                contains_number(&p.phrase, &written(s)),
                "{}: stretch {s}",
                i.id
            );
            assert!(p.phrase.contains("力争"), "{}: stretch without 力争", i.id);
        }
        if let Some(y) = i.target_year {
            assert!(
                contains_number(&p.phrase, &y.to_string()),
                "{}: year {y}",
                i.id
            );
        }
        for m in &i.interim_targets {
            assert!(contains_number(&p.phrase, &m.year.to_string()), "{}", i.id);
        }
        if let Some(r) = &i.relative_target {
            if r.margin != 0.0 {
                assert!(contains_number(&p.phrase, &written(r.margin)), "{}", i.id);
            }
        }
        // 力争 / 努力 / 左右 / 基本全覆盖 / 逐步实现 in the phrase ⇔ aspirational (unless the
        // 力争 only qualifies the stretch target, as for the six chains: 2300, 力争2800).
        let soft = ["力争", "努力", "左右", "基本全覆盖", "逐步实现"]
            .iter()
            .any(|w| p.phrase.contains(w));
        let soft_target = soft && (i.stretch_target.is_none() || p.phrase.starts_with("力争"));
        assert_eq!(i.aspirational, soft_target, "{}: aspirational", i.id);
    }
    // every IMPLIED entry names an indicator
    for (id, _, _) in IMPLIED {
        assert!(fw.indicator(id).is_some(), "IMPLIED names unknown `{id}`");
    }
}

/// Spot checks of single entries against the plan, read by hand.
#[test]
fn hand_checked_entries() {
    let fw = fw();
    let gdp = fw.indicator("gdp").unwrap();
    // 地区生产总值达到2500亿元: 2500 × 1e8 yuan = 2.5e11 yuan.
    assert_eq!(gdp.unit.to_base(gdp.target.unwrap()), 2.5e11);
    let chains = fw.indicator("six_chains_output").unwrap();
    // 达到2300亿元,力争2800亿元
    assert_eq!(
        (chains.target, chains.stretch_target),
        (Some(2300.0), Some(2800.0))
    );
    let fai = fw.indicator("fixed_asset_investment_growth").unwrap();
    // 年均增幅高于全省平均1个百分点: ≥ Zhejiang + 1 pp.
    let rel = fai.relative_target.as_ref().unwrap();
    assert_eq!(rel.relation, Relation::NotBelow);
    assert_eq!(rel.margin, 1.0);
    assert_eq!(
        rel.reference,
        Reference::Series {
            unit: Some("zhejiang".into()),
            indicator: "fixed_asset_investment_growth".into()
        }
    );
    let v = fw
        .indicator("village_collective_income_20w_coverage")
        .unwrap();
    // 到2022年 … 实现全覆盖
    assert_eq!((v.target, v.target_year), (Some(100.0), Some(2022)));
    let crime = fw.indicator("crime_rate_per_10k").unwrap();
    // 万人犯罪率控制在10以下, and 逐年下降 in the goals
    assert_eq!(crime.polarity, Polarity::LowerIsBetter);
    assert_eq!(crime.target, Some(10.0));
    assert_eq!(
        crime.relative_target.as_ref().unwrap().reference,
        Reference::PreviousYear
    );
    // 每年实施不少于50项
    assert_eq!(
        fw.indicator("sci_tech_projects_annual").unwrap().kind,
        Kind::Annual
    );
    // 固定资产投资五年累计
    assert_eq!(
        fw.indicator("fixed_asset_investment_total").unwrap().kind,
        Kind::Cumulative
    );
    // 1.5万套(户) = 15 000 dwellings
    let h = fw.indicator("policy_housing_units").unwrap();
    assert_eq!(h.unit.to_base(h.target.unwrap()), 15_000.0);
}

#[test]
fn every_number_in_the_plan_is_a_target_or_listed_as_not_one() {
    let fw = fw();
    let spans = phrase_spans(fw);
    // contexts of non-target numbers
    let mut non_target: Vec<(usize, usize, &str)> = Vec::new();
    for &(ctx, why) in NON_TARGET_NUMBERS {
        let occ = occurrences(PLAN, ctx);
        assert!(
            !occ.is_empty(),
            "non-target context `{ctx}` ({why}) is not in the plan"
        );
        for k in occ {
            non_target.push((k, k + ctx.len(), ctx));
        }
    }
    let mut used_contexts = HashSet::new();
    let bytes = PLAN.as_bytes();
    let mut k = 0;
    let mut headings = Vec::new();
    let (mut n_target, mut n_other) = (0, 0);
    while k < bytes.len() {
        if !bytes[k].is_ascii_digit() {
            k += 1;
            continue;
        }
        let start = k;
        while k < bytes.len() && bytes[k].is_ascii_digit() {
            k += 1;
        }
        if k + 1 < bytes.len() && bytes[k] == b'.' && bytes[k + 1].is_ascii_digit() {
            k += 1;
            while k < bytes.len() && bytes[k].is_ascii_digit() {
                k += 1;
            }
        }
        let num = &PLAN[start..k];
        let value: f64 = num.parse().unwrap();
        let line_start = start == 0 || bytes[start - 1] == b'\n';
        if line_start && bytes.get(k) == Some(&b'.') {
            headings.push(value as u32);
            continue;
        }
        let in_ctx: Vec<&str> = non_target
            .iter()
            .filter(|(a, b, _)| *a <= start && k <= *b)
            .map(|x| x.2)
            .collect();
        let owners: Vec<&Indicator> = spans
            .iter()
            .filter(|(a, b, _)| *a <= start && k <= *b)
            .map(|x| x.2)
            .collect();
        let is_value = owners.iter().any(|i| {
            let mut vals: Vec<f64> = vec![i.target_year_or(fw.target_year) as f64];
            vals.extend(i.target);
            vals.extend(i.stretch_target);
            vals.extend(i.baseline);
            vals.extend(i.relative_target.as_ref().map(|r| r.margin));
            for m in &i.interim_targets {
                vals.push(m.year as f64);
                vals.push(m.value);
            }
            vals.iter().any(|v| (v - value).abs() < 1e-12)
        });
        let ctx = around(start, k);
        match (is_value, in_ctx.is_empty()) {
            (true, true) => n_target += 1,
            (false, false) => {
                n_other += 1;
                used_contexts.extend(in_ctx);
            }
            (true, false) => panic!("`{num}` near `{ctx}` is both a target value and listed as non-target {in_ctx:?}"),
            (false, true) => panic!(
                "`{num}` near `{ctx}` is neither a value of an indicator quoting it ({:?}) nor a listed non-target number",
                owners.iter().map(|i| &i.id).collect::<Vec<_>>()
            ),
        }
    }
    assert_eq!(headings, (1..=46).collect::<Vec<u32>>(), "item headings");
    for &(ctx, _) in NON_TARGET_NUMBERS {
        assert!(
            used_contexts.contains(ctx),
            "stale non-target context `{ctx}`"
        );
    }
    // 170 Arabic numbers in the plan (counted with a Python regex `\d+(?:\.\d+)?`, Python
    // 3, on the same file): 46 item headings + the rest.
    assert_eq!(headings.len() + n_target + n_other, 170);
    assert!(n_target >= 60, "{n_target} numbers are target values");
}

#[test]
fn every_target_word_is_used_or_listed_as_not_a_target() {
    let spans = phrase_spans(fw());
    let mut listed: Vec<(usize, usize)> = Vec::new();
    for &(ctx, why) in NON_TARGET_KEYWORDS {
        let occ = occurrences(PLAN, ctx);
        assert_eq!(occ.len(), 1, "non-target keyword context `{ctx}` ({why})");
        listed.push((occ[0], occ[0] + ctx.len()));
    }
    let mut used_listed = HashSet::new();
    for kw in KEYWORDS {
        for k in occurrences(PLAN, kw) {
            let end = k + kw.len();
            let in_phrase = spans.iter().any(|(a, b, _)| *a <= k && end <= *b);
            let l = listed.iter().position(|(a, b)| *a <= k && end <= *b);
            if let Some(l) = l {
                used_listed.insert(l);
            }
            assert!(
                in_phrase ^ l.is_some(),
                "`{kw}` near `{}`: in a phrase: {in_phrase}, listed: {}",
                around(k, end),
                l.is_some()
            );
        }
    }
    assert_eq!(
        used_listed.len(),
        NON_TARGET_KEYWORDS.len(),
        "stale keyword entries"
    );
}

#[test]
fn framework_structure_and_counts() {
    let fw = builtin::get(QUZHOU_2021_2025).unwrap();
    fw.validate().unwrap();
    let mut ids = HashSet::new();
    for id in fw
        .dimensions
        .iter()
        .map(|d| &d.id)
        .chain(fw.indicators.iter().map(|i| &i.id))
    {
        assert!(ids.insert(id), "duplicate id {id}");
    }
    // the ten seed ids other modules rely on
    for id in [
        "gdp",
        "gdp_per_capita",
        "fixed_asset_investment_total",
        "urbanisation_rate",
        "per_capita_disposable_income",
        "urban_rural_income_ratio",
        "county_income_max_min_ratio",
        "cultural_facility_coverage",
        "pm25_concentration",
        "party_discipline_effectiveness",
    ] {
        assert!(fw.indicator(id).is_some(), "seed id {id} missing");
    }
    let top: Vec<&str> = fw.child_dimensions(None).map(|d| d.id.as_str()).collect();
    assert_eq!(
        top,
        [
            "economy",
            "central_city",
            "income_distribution",
            "public_services",
            "urban_rural",
            "culture",
            "ecology",
            "governance"
        ]
    );
    // counts by top-level dimension and by public-service sub-dimension, counted by hand
    // from the list of targets drawn up while reading the plan.
    let mut by_top: BTreeMap<&str, usize> = BTreeMap::new();
    for i in &fw.indicators {
        *by_top.entry(fw.top_dimension_of(i).unwrap()).or_default() += 1;
    }
    let expected: BTreeMap<&str, usize> = [
        ("economy", 15),
        ("central_city", 3),
        ("income_distribution", 13),
        ("public_services", 37),
        ("urban_rural", 9),
        ("culture", 3),
        ("ecology", 12),
        ("governance", 10),
    ]
    .into_iter()
    .collect();
    assert_eq!(by_top, expected);
    let subs: Vec<(&str, usize)> = fw
        .child_dimensions(Some("public_services"))
        .map(|d| (d.id.as_str(), fw.indicators_in(&d.id).count()))
        .collect();
    assert_eq!(
        subs,
        [
            ("childcare", 6),
            ("education", 7),
            ("skills", 3),
            ("health", 2),
            ("social_security", 6),
            ("social_assistance", 3),
            ("elderly_care", 5),
            ("housing", 5)
        ]
    );
    assert_eq!(fw.indicators.len(), 102);
    // docs/indicator-model.md, "Auxiliary series": "The Quzhou framework declares six",
    // the four data series and the standard errors of the two survey-measured targets
    let aux: Vec<&str> = fw.auxiliary_series.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(
        aux,
        [
            "per_capita_disposable_income_growth",
            "urban_per_capita_disposable_income",
            "rural_per_capita_disposable_income",
            "resident_population",
            "eco_environment_satisfaction_se",
            "party_discipline_effectiveness_se",
        ]
    );
    assert_eq!(fw.depth(), 2);
    for d in &fw.dimensions {
        let n = fw.child_dimensions(Some(&d.id)).count() + fw.indicators_in(&d.id).count();
        assert!(n > 0, "empty dimension {}", d.id);
    }
    // effective weights: equal weights at every level.
    let w = fw.effective_weights();
    let total: f64 = w.iter().sum();
    assert!((total - 1.0).abs() < 1e-12, "{total}");
    let at = |id: &str| w[fw.indicator_position(id).unwrap()];
    // gdp: 1/8 of the index, 1/15 of economy → 1/120
    assert!((at("gdp") - 1.0 / 120.0).abs() < 1e-15);
    // life expectancy: 1/8 × 1/8 (health among 8 sub-dimensions) × 1/2 → 1/128
    assert!((at("life_expectancy") - 1.0 / 128.0).abs() < 1e-15);
    // urbanisation: 1/8 × 1/3
    assert!((at("urbanisation_rate") - 1.0 / 24.0).abs() < 1e-15);
}

#[test]
fn shipped_json_is_in_canonical_form_and_round_trips() {
    let fw = fw();
    let text = fw.to_json();
    assert_eq!(
        text, QUZHOU_2021_2025_JSON,
        "shipped JSON differs from to_json()"
    );
    let back = Framework::from_json(&text).unwrap();
    assert_eq!(&back, fw);
}

#[test]
fn every_indicator_is_well_formed() {
    let fw = fw();
    for i in &fw.indicators {
        assert!(!i.name_zh.is_empty() && !i.name_en.is_empty(), "{}", i.id);
        assert!(
            !i.unit.label.is_empty() && !i.unit.base.is_empty(),
            "{}",
            i.id
        );
        assert_eq!(i.weight, 1.0, "{}", i.id);
        if i.unit.label == "%" {
            assert_eq!(
                (i.unit.scale, i.unit.base.as_str()),
                (0.01, "ratio"),
                "{}",
                i.id
            );
        }
        if i.kind == Kind::Coverage {
            assert_eq!(i.unit.label, "%", "{}", i.id);
            assert!(i.target.is_some_and(|t| t > 0.0 && t <= 100.0), "{}", i.id);
        }
        if let Some(r) = &i.relative_target {
            if let Reference::Series { unit, indicator } = &r.reference {
                assert!(!indicator.is_empty());
                if let Some(u) = unit {
                    assert_eq!(u, "zhejiang", "{}", i.id);
                }
            }
        }
    }
    // reference series the data must supply although they are not indicators of the
    // framework: only the growth of per-capita disposable income (低保标准增幅不低于人均可支配
    // 收入增幅)
    let auxiliary: Vec<&str> = fw
        .indicators
        .iter()
        .filter_map(|i| match &i.relative_target.as_ref()?.reference {
            Reference::Series { indicator, .. } if fw.indicator(indicator).is_none() => {
                Some(indicator.as_str())
            }
            _ => None,
        })
        .collect();
    assert_eq!(auxiliary, ["per_capita_disposable_income_growth"]);
}

/// The target forms follow the plan's words, both ways: 左右 ↔ `about`, 倍增 ↔
/// `baseline_multiple`, 年均增幅 … 全省平均 ↔ a `period_average` relative target.
#[test]
fn target_forms_follow_the_plan_wording() {
    let fw = fw();
    let mut seen = (0, 0, 0);
    for i in &fw.indicators {
        let ph = &i.provenance.phrase;
        let about = matches!(i.target_form, TargetForm::About { .. });
        assert_eq!(about, ph.contains("左右"), "{}: 左右 vs target_form", i.id);
        let multiple = matches!(i.target_form, TargetForm::BaselineMultiple { .. });
        assert_eq!(
            multiple,
            ph.contains("倍增"),
            "{}: 倍增 vs target_form",
            i.id
        );
        let avg = i
            .relative_target
            .as_ref()
            .is_some_and(|r| r.basis == RelativeBasis::PeriodAverage);
        let avg_words = ph.contains("年均增幅") && ph.contains("全省平均");
        assert_eq!(avg, avg_words, "{}: 年均增幅…全省平均 vs basis", i.id);
        seen.0 += usize::from(about);
        seen.1 += usize::from(multiple);
        seen.2 += usize::from(avg);
    }
    // 市区人口100万人左右; 光伏装机容量实现倍增; GDP and fixed-asset investment 年均增幅
    assert_eq!(seen, (1, 1, 2));
    // the about band: ±5万人 around 100万人
    assert_eq!(
        fw.indicator("urban_district_population")
            .unwrap()
            .target_form,
        TargetForm::About { tolerance: 5.0 }
    );
}

/// Survey-measured targets (issue 17): the plan's 满意度 (satisfaction) and 成效度
/// (effectiveness as rated in the annual public survey) targets are sample estimates, so
/// the framework names the auxiliary series holding their standard error; no other
/// indicator does. Phrases checked verbatim: 生态环境满意度达到92%, 全面从严治党成效度达到98%以上.
#[test]
fn survey_measured_targets_declare_their_sampling_error() {
    let fw = fw();
    let mut declared = Vec::new();
    for i in &fw.indicators {
        let survey_word =
            i.provenance.phrase.contains("满意度") || i.provenance.phrase.contains("成效度");
        match &i.sampling_error_series {
            Some(se) => {
                assert!(survey_word, "{}: SE series without a survey word", i.id);
                let aux = fw.auxiliary(se).expect("declared as an auxiliary series");
                // the SE is in the estimate's own unit (percentage points)
                assert_eq!(aux.unit, i.unit, "{}", i.id);
                declared.push((i.id.as_str(), i.provenance.phrase.as_str(), i.target));
            }
            None => assert!(
                !survey_word,
                "{}: survey-measured without an SE series",
                i.id
            ),
        }
    }
    assert_eq!(
        declared,
        vec![
            (
                "eco_environment_satisfaction",
                "生态环境满意度达到92%",
                Some(92.0)
            ),
            (
                "party_discipline_effectiveness",
                "全面从严治党成效度达到98%以上",
                Some(98.0)
            ),
        ]
    );
}

/// `tools/gen_quzhou.py` (the reviewable table the JSON is written from) must reproduce the
/// shipped file: its output, read and written back in canonical form, is the shipped JSON byte
/// for byte. Needs `python3`; without it the test says SKIPPED, and fails under
/// `CPINDEX_REQUIRE_PYTHON=1` (set by `.ci/run`).
#[test]
fn the_generator_reproduces_the_shipped_framework() {
    let root = env!("CARGO_MANIFEST_DIR");
    let out = match std::process::Command::new("python3")
        .arg(format!("{root}/tools/gen_quzhou.py"))
        .current_dir(root)
        .output()
    {
        Ok(out) => out,
        Err(e) => {
            common::skip(
                &format!(
                    "SKIPPED the_generator_reproduces_the_shipped_framework: python3 not runnable ({e})"
                ),
                Some("CPINDEX_REQUIRE_PYTHON"),
            );
            return;
        }
    };
    assert!(
        out.status.success(),
        "tools/gen_quzhou.py failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let generated = String::from_utf8(out.stdout).expect("generator prints UTF-8");
    let fw = Framework::from_json(&generated).expect("generated framework is valid");
    assert_eq!(
        fw.to_json(),
        QUZHOU_2021_2025_JSON,
        "tools/gen_quzhou.py no longer reproduces src/model/builtin/quzhou-2021-2025.json"
    );
}

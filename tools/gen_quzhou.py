#!/usr/bin/env python3
"""Generates src/model/builtin/quzhou-2021-2025.json from the table below.

The JSON file is the canonical artefact (it is what the crate ships and what the tests
check against the plan text); this script only makes the table easier to write and review.
It prints the JSON in exactly the layout `Framework::to_json` produces, so
`tests/builtin_quzhou.rs` can check that the shipped file is in canonical form.

Run from the repository root:  python3 tools/gen_quzhou.py > src/model/builtin/quzhou-2021-2025.json
"""
import json
import re
import sys

PLAN = "docs/plan/quzhou-common-prosperity-action-plan-2021-2025.txt"
text = open(PLAN, encoding="utf-8").read()

# item titles: "15.深入实施健康衢州行动"
TITLES = {}
for line in text.split("\n"):
    m = re.match(r"^(\d+)\. ?([^。]+)。", line)
    if m:
        TITLES[int(m.group(1))] = f"{m.group(1)}.{m.group(2)}"
GOALS = "一、发展目标"

UNITS = {
    "yi": ("亿元", 1e8, "yuan"),
    "wan_yuan": ("万元", 1e4, "yuan"),
    "pct": ("%", 0.01, "ratio"),
    "wan_ren": ("万人", 1e4, "persons"),
    "wan_renci": ("万人次", 1e4, "person-times"),
    "ren": ("人", 1.0, "persons"),
    "bei": ("倍", 1.0, "ratio"),
    "ug": ("微克/立方米", 1.0, "ug/m3"),
    "jia": ("家", 1.0, "count"),
    "ge": ("个", 1.0, "count"),
    "suo": ("所", 1.0, "count"),
    "xiang": ("项", 1.0, "count"),
    "hu": ("户", 1.0, "households"),
    "jian": ("件", 1.0, "count"),
    "tiao": ("条(个)", 1.0, "count"),
    "wan_tao": ("万套", 1e4, "dwellings"),
    "wan_tao_hu": ("万套(户)", 1e4, "dwellings"),
    "nian": ("年", 1.0, "years"),
    "sui": ("岁", 1.0, "years"),
    "hour": ("小时", 1.0, "hours"),
    "coef": ("系数", 1.0, "coefficient"),
    "per_1000": ("个/千人", 1e-3, "places per person"),
    "per_10k_old": ("人/万老年人口", 1e-4, "care workers per older person"),
    "per_10k": ("每万人", 1e-4, "per person"),
    "lawyer_per_10k": ("人/万人", 1e-4, "lawyers per person"),
    "death_rate": ("人/亿元GDP", 1.0, "deaths per 100 million yuan of GDP"),
    "bei_2020": ("倍(2020年=1)", 1.0, "ratio to 2020"),
    "yuan_month": ("元/月", 1.0, "yuan per month"),
}

DIMENSIONS = [
    # id, parent, name_zh, name_en
    ("economy", None, "经济高质量发展", "High-quality economic development"),
    ("central_city", None, "四省边际中心城市", "Regional central city of the four-province border area"),
    ("income_distribution", None, "收入与分配", "Income and distribution"),
    ("public_services", None, "公共服务优质共享", "Public services"),
    ("childcare", "public_services", "育儿友好", "Childcare and child welfare"),
    ("education", "public_services", "教育", "Education"),
    ("skills", "public_services", "职业技能", "Vocational skills"),
    ("health", "public_services", "健康", "Health"),
    ("social_security", "public_services", "社会保障", "Social insurance"),
    ("social_assistance", "public_services", "社会救助", "Social assistance"),
    ("elderly_care", "public_services", "养老服务", "Elderly care"),
    ("housing", "public_services", "住房", "Housing"),
    ("urban_rural", None, "城乡区域协调", "Urban-rural and regional coordination"),
    ("culture", None, "精神文明", "Culture and civility"),
    ("ecology", None, "生态文明", "Ecological civilisation"),
    ("governance", None, "整体智治", "Governance"),
]


def prev(relation, description):
    return {"relation": relation, "reference": {"type": "previous_year"}, "margin": 0.0,
            "description": description}


def series(relation, indicator, description, unit=None, margin=0.0, basis=None):
    ref = {"type": "series"}
    if unit is not None:
        ref["unit"] = unit
    ref["indicator"] = indicator
    d = {"relation": relation, "reference": ref, "margin": float(margin)}
    # 年均增幅 (average annual growth) compares compound averages over the plan period so far
    if basis is not None:
        d["basis"] = basis
    d["description"] = description
    return d


PROV = "zhejiang"

# id, dimension, name_zh, name_en, unit, polarity (h/l), kind, target, section, phrase, extras
I = []


def ind(id, dim, zh, en, unit, pol, kind, target, section, phrase, **kw):
    I.append((id, dim, zh, en, unit, pol, kind, target, section, phrase, kw))


G = GOALS
# ---------------------------------------------------------------- economy
ind("gdp", "economy", "地区生产总值", "Gross domestic product", "yi", "h", "level", 2500, G,
    "地区生产总值达到2500亿元")
ind("gdp_per_capita", "economy", "人均生产总值", "GDP per capita", "wan_yuan", "h", "level", 10, G,
    "人均生产总值突破10万元")
ind("fixed_asset_investment_total", "economy", "固定资产投资五年累计",
    "Fixed-asset investment, five-year total", "yi", "h", "cumulative", 5000, G,
    "固定资产投资五年累计达到5000亿元")
ind("gdp_growth", "economy", "经济发展主要指标年均增幅(地区生产总值增速)",
    "Average annual growth of the main economic indicators (GDP growth)", "pct", "h",
    "growth_rate", None, G, "力争经济发展主要指标年均增幅高于全省平均水平", aspirational=True,
    relative_target=series("above", "gdp_growth",
                           "average annual growth above the Zhejiang provincial average", PROV,
                           basis="period_average"))
ind("gdp_share_of_province", "economy", "经济总量占全省比重", "Share of Zhejiang's GDP", "pct",
    "h", "share", None, G, "经济总量占全省比重稳步提高",
    relative_target=prev("above", "rises steadily, year on year"))
ind("fixed_asset_investment_growth", "economy", "固定资产投资年均增幅",
    "Average annual growth of fixed-asset investment", "pct", "h", "growth_rate", None, G,
    "固定资产投资五年累计达到5000亿元,年均增幅高于全省平均1个百分点",
    relative_target=series("not_below", "fixed_asset_investment_growth",
                           "average annual growth at least 1 percentage point above the Zhejiang average",
                           PROV, 1.0, basis="period_average"))
ind("manufacturing_investment_growth", "economy", "制造业投资增速",
    "Growth of manufacturing investment", "pct", "h", "growth_rate", None, G,
    "制造业投资增速快于固定资产投资增速",
    relative_target=series("above", "fixed_asset_investment_growth",
                           "faster than the growth of fixed-asset investment"))
ind("rd_expenditure_share", "economy", "R&D经费支出占GDP比重", "R&D expenditure as a share of GDP",
    "pct", "h", "share", 2.8, G, "R&D经费支出占GDP比重达到2.8%")
ind("external_capital_total", "economy", "“十四五”到位市外资金",
    "Capital from outside the city, 2021-2025 total", "yi", "h", "cumulative", 1500, TITLES[2],
    "力争“十四五”到位市外资金1500亿元以上", aspirational=True)
ind("six_chains_output", "economy", "六大标志性产业链规上企业年总产值",
    "Annual output of above-scale enterprises in the six flagship industrial chains", "yi", "h",
    "level", 2300, TITLES[2], "六大标志性产业链规上企业年总产值达到2300亿元,力争2800亿元",
    stretch_target=2800)
ind("six_chains_output_share", "economy", "六大标志性产业链产值占全市规上工业总产值比重",
    "Six flagship chains' share of above-scale industrial output", "pct", "h", "share", 70,
    TITLES[2], "占全市规上工业总产值的70%以上")
ind("sci_tech_projects_annual", "economy", "科技攻关项目", "Key technology R&D projects per year",
    "xiang", "h", "annual", 50, TITLES[3], "每年实施不少于50项的科技攻关项目")
ind("soe_listings", "economy", "市县国有企业上市数", "Listed city and county state-owned enterprises",
    "jia", "h", "count", 1, TITLES[6], "努力实现市县国有企业上市零的突破", aspirational=True)
ind("listed_companies", "economy", "上市企业数", "Listed companies", "jia", "h", "count", 30,
    TITLES[6], "力争到2025年,上市企业数达到30家、产值超百亿企业5家", aspirational=True)
ind("enterprises_output_over_10bn", "economy", "产值超百亿企业",
    "Enterprises with output above 10 billion yuan", "jia", "h", "count", 5, TITLES[6],
    "力争到2025年,上市企业数达到30家、产值超百亿企业5家", aspirational=True)
# ---------------------------------------------------------------- central city
ind("urban_district_population", "central_city", "市区人口规模", "Population of the city districts",
    "wan_ren", "h", "level", 100, G, "市区人口规模达到100万人左右", aspirational=True,
    # 左右: met within ±5万人 (5% of the target; the plan states no band, a convention)
    target_form={"type": "about", "tolerance": 5.0})
ind("urbanisation_rate", "central_city", "市域城镇化率", "Urbanisation rate", "pct", "h", "share",
    66, G, "市域城镇化率达到66%以上")
ind("centre_county_travel_time", "central_city", "中心城区与县城之间通行时间",
    "Travel time between the central city and the county towns", "hour", "l", "level", 0.5,
    TITLES[21], "构建中心城区和县城之间半小时交通圈")
# ---------------------------------------------------------------- income and distribution
ind("per_capita_disposable_income", "income_distribution", "居民人均可支配收入",
    "Per-capita disposable income of residents", "wan_yuan", "h", "level", 5.6, G,
    "居民人均可支配收入达到5.6万元")
ind("urban_income_growth", "income_distribution", "城镇居民人均可支配收入增幅",
    "Growth of urban residents' per-capita disposable income", "pct", "h", "growth_rate", None, G,
    "城乡居民人均可支配收入增幅均高于全省平均水平",
    relative_target=series("above", "urban_income_growth", "above the Zhejiang average", PROV))
ind("rural_income_growth", "income_distribution", "农村居民人均可支配收入增幅",
    "Growth of rural residents' per-capita disposable income", "pct", "h", "growth_rate", None, G,
    "城乡居民人均可支配收入增幅均高于全省平均水平",
    relative_target=series("above", "rural_income_growth", "above the Zhejiang average", PROV))
ind("household_income_10_50_share", "income_distribution", "家庭年可支配收入10-50万元的群体比例",
    "Share of households with annual disposable income of 100,000-500,000 yuan", "pct", "h",
    "share", 60, G, "家庭年可支配收入10-50万元的群体比例达到60%")
ind("household_income_20_60_share", "income_distribution", "家庭年可支配收入20-60万元的群体比例",
    "Share of households with annual disposable income of 200,000-600,000 yuan", "pct", "h",
    "share", 30, G, "20-60万元的群体比例力争达到30%", aspirational=True)
ind("new_urban_jobs_total", "income_distribution", "城镇新增就业", "New urban jobs, 2021-2025 total",
    "wan_ren", "h", "cumulative", 20, TITLES[8], "力争累计实现城镇新增就业20万人以上",
    aspirational=True)
ind("graduate_employment_rate", "income_distribution", "高校毕业生初次就业率",
    "Initial employment rate of college graduates", "pct", "h", "annual", 95, TITLES[8],
    "高校毕业生初次就业率保持在95%以上")
ind("surveyed_unemployment_rate", "income_distribution", "调查失业率", "Surveyed unemployment rate",
    "pct", "l", "level", 5.5, TITLES[8], "调查失业率、登记失业率分别控制在5.5%、3.5%以下")
ind("registered_unemployment_rate", "income_distribution", "登记失业率",
    "Registered unemployment rate", "pct", "l", "level", 3.5, TITLES[8],
    "调查失业率、登记失业率分别控制在5.5%、3.5%以下")
ind("zero_employment_households", "income_distribution", "零就业家庭",
    "Households with no employed member", "hu", "l", "count", 0, TITLES[8], "确保零就业家庭动态清零")
ind("low_income_rural_income_growth", "income_distribution", "低收入农户人均可支配收入年均增长",
    "Average annual growth of low-income rural households' per-capita disposable income", "pct",
    "h", "growth_rate", 10, TITLES[10], "低收入农户人均可支配收入年均增长10%以上")
ind("fiscal_increment_livelihood_share", "income_distribution", "财政支出增量用于民生的比例",
    "Share of the increase in fiscal expenditure spent on people's livelihood", "pct", "h",
    "annual", 200 / 3, TITLES[11], "确保财政支出增量的三分之二以上用于民生")
ind("minimum_living_allowance_growth", "income_distribution", "低保标准增幅",
    "Growth of the minimum living allowance standard", "pct", "h", "growth_rate", None, G,
    "低保标准增幅不低于人均可支配收入增幅",
    relative_target=series("not_below", "per_capita_disposable_income_growth",
                           "not below the growth of per-capita disposable income"))
# ---------------------------------------------------------------- public services: childcare
ind("childcare_places_per_1000", "childcare", "每千人口拥有3岁以下婴幼儿托位数",
    "Childcare places for children under 3 per 1,000 population", "per_1000", "h", "level", 4.5,
    G, "每千人口拥有3岁以下婴幼儿托位数达到4.5个")
ind("inclusive_kindergarten_share", "childcare", "普惠性幼儿园在园幼儿占比",
    "Share of kindergarten children in inclusive kindergartens", "pct", "h", "share", 90, G,
    "普惠性幼儿园在园幼儿占比达到90%以上")
ind("hospital_mother_baby_room_coverage", "childcare", "二级以上医院标准母婴室覆盖率",
    "Hospitals (grade II and above) with a standard mother-and-baby room", "pct", "h", "coverage",
    100, TITLES[12], "实现二级以上医院标准母婴室全覆盖")
ind("nearby_childcare_coverage", "childcare", "城乡就近托育服务覆盖率",
    "Coverage of nearby childcare services, urban and rural", "pct", "h", "coverage", 100,
    TITLES[12], "城乡就近托育服务基本全覆盖", aspirational=True)
ind("regional_child_welfare_facilities", "childcare", "区域性儿童福利设施",
    "Regional child-welfare facilities", "jia", "h", "count", 2, TITLES[12],
    "建成2家区域性儿童福利设施")
ind("minor_protection_centre_operation_rate", "childcare", "未成年人救助保护中心实体化运行率",
    "Minors' protection centres operating as staffed entities", "pct", "h", "coverage", 100,
    TITLES[12], "未成年人救助保护中心实体化运行率达到100%")
# ---------------------------------------------------------------- education
ind("higher_education_enrolment_rate", "education", "高等教育毛入学率",
    "Gross enrolment rate in higher education", "pct", "h", "share", 68, G,
    "高等教育毛入学率达到68%以上")
ind("expected_years_of_schooling", "education", "儿童平均预期受教育年限",
    "Expected years of schooling of children", "nian", "h", "level", 15.5, G,
    "儿童平均预期受教育年限达到15.5年")
ind("national_preschool_counties", "education", "全国学前教育普及普惠县",
    "Counties recognised as national universal and inclusive preschool counties", "ge", "h",
    "count", 5, TITLES[13], "力争创成全国学前教育普及普惠县5个以上", aspirational=True)
ind("national_balanced_compulsory_counties", "education", "全国义务教育优质均衡发展县",
    "Counties recognised for high-quality balanced compulsory education", "ge", "h", "count", 4,
    TITLES[13], "创建全国义务教育优质均衡发展县4个以上")
ind("modern_schools", "education", "各类现代化学校", "Modernised schools of all types", "suo", "h",
    "count", 130, TITLES[13], "各类现代化学校130所以上")
ind("primary_school_variation_coefficient", "education", "小学县域优质均衡校际差异系数",
    "Between-school variation coefficient, primary schools (county level)", "coef", "l", "level",
    0.3, TITLES[13], "小学、初中县域优质均衡校际差异系数分别控制在0.3、0.25以内",
    relative_target=prev("below", "keeps narrowing (一、发展目标: 县域义务教育校际差异系数持续缩小)"))
ind("junior_school_variation_coefficient", "education", "初中县域优质均衡校际差异系数",
    "Between-school variation coefficient, junior secondary schools (county level)", "coef", "l",
    "level", 0.25, TITLES[13], "小学、初中县域优质均衡校际差异系数分别控制在0.3、0.25以内",
    relative_target=prev("below", "keeps narrowing (一、发展目标: 县域义务教育校际差异系数持续缩小)"))
# ---------------------------------------------------------------- skills
ind("skilled_worker_share", "skills", "技能人才占从业人员比例",
    "Skilled workers as a share of the employed", "pct", "h", "share", 35, G,
    "技能人才占从业人员比例提高到35%")
ind("vocational_training_annual", "skills", "职业培训", "Vocational training per year",
    "wan_renci", "h", "annual", 5, TITLES[14], "每年开展职业培训5万人次、新增高技能人才6000人")
ind("new_high_skilled_workers_annual", "skills", "新增高技能人才",
    "New highly skilled workers per year", "ren", "h", "annual", 6000, TITLES[14],
    "每年开展职业培训5万人次、新增高技能人才6000人")
# ---------------------------------------------------------------- health
ind("life_expectancy", "health", "人均预期寿命", "Life expectancy at birth", "sui", "h", "level", 81,
    G, "人均预期寿命达到81岁")
ind("out_of_pocket_health_share", "health", "个人卫生支出占卫生总费用比例",
    "Out-of-pocket spending as a share of total health expenditure", "pct", "l", "share", None, G,
    "个人卫生支出占卫生总费用比例逐步下降",
    relative_target=prev("below", "falls gradually, year on year"))
# ---------------------------------------------------------------- social security
ind("statutory_social_insurance_coverage", "social_security", "法定人员社保覆盖率",
    "Social-insurance coverage of the legally covered population", "pct", "h", "coverage", 100,
    G, "实现法定人员社保全覆盖")
ind("employee_pension_coverage", "social_security", "城镇职工基本养老保险实际人群覆盖率",
    "Actual coverage of the urban employees' basic pension insurance", "pct", "h", "coverage",
    100, TITLES[16], "促进城镇职工基本养老保险由制度全覆盖到实际人群全覆盖")
ind("resident_pension_coverage", "social_security", "城乡居民养老保险适龄参保人员参保率",
    "Enrolment of eligible residents in the urban-rural residents' pension insurance", "pct", "h",
    "coverage", 100, TITLES[16], "实现城乡居民养老保险适龄参保人员应保尽保")
ind("low_income_supplementary_medical_coverage", "social_security",
    "低收入群体医疗补充政策性保险覆盖率",
    "Coverage of low-income groups by supplementary policy medical insurance", "pct", "h",
    "coverage", 100, TITLES[16], "实现低收入群体医疗补充政策性保险全覆盖")
ind("resident_pension_benefit", "social_security", "城乡居民养老保险待遇水平",
    "Benefit level of the urban-rural residents' pension insurance", "yuan_month", "h", "level",
    None, TITLES[16], "推动城乡居民养老保险待遇水平随经济发展逐步提高",
    relative_target=prev("above", "rises gradually with economic development, year on year"))
ind("medical_insurance_benefit", "social_security", "基本医疗保险、大病保险、医疗救助待遇水平",
    "Benefit level of basic medical insurance, critical-illness insurance and medical assistance"
    " (e.g. the policy-scope inpatient reimbursement rate)", "pct", "h", "level", None,
    TITLES[16], "稳步提高基本医疗保险、大病保险、医疗救助待遇",
    relative_target=prev("above", "rises steadily, year on year"))
# ---------------------------------------------------------------- social assistance
ind("assistance_joint_handling_rate", "social_assistance", "救助“一件事”惠民联办率",
    "Social assistance handled jointly as 'one matter'", "pct", "h", "coverage", 100, TITLES[19],
    "实现救助“一件事”惠民联办率100%")
ind("assisted_family_care_rate", "social_assistance", "救助家庭关爱率",
    "Assisted families receiving care visits", "pct", "h", "coverage", 100, TITLES[19],
    "救助家庭关爱率100%")
ind("assistance_wishlist_resolution_rate", "social_assistance", "救助幸福清单问题联办解决率",
    "Problems on the assistance 'happiness list' solved jointly", "pct", "h", "coverage", 100,
    TITLES[19], "救助幸福清单问题联办解决率100%")
# ---------------------------------------------------------------- elderly care
ind("certified_care_workers_per_10k_elderly", "elderly_care", "每万老年人口拥有持证养老护理员数",
    "Certified elderly-care workers per 10,000 older people", "per_10k_old", "h", "level", 25,
    TITLES[17], "每万老年人口拥有持证养老护理员数提高至25人")
ind("nursing_bed_share", "elderly_care", "养老机构护理型床位占比",
    "Nursing-care beds as a share of beds in elderly-care institutions", "pct", "h", "share", 58,
    TITLES[17], "养老机构护理型床位占比达58%以上")
ind("elderly_meal_service_coverage", "elderly_care", "助餐配送餐服务覆盖率",
    "Meal and meal-delivery service coverage of older people who need it", "pct", "h",
    "coverage", 100, TITLES[17], "对有助餐配送餐需求的老年人,实现服务覆盖率100%")
ind("elderly_home_adaptation_coverage", "elderly_care", "存量困难老年人家庭适老化改造覆盖率",
    "Age-friendly home adaptation of existing needy elderly households", "pct", "h", "coverage",
    100, TITLES[17], "实现存量困难老年人家庭适老化改造全覆盖")
ind("health_elderly_care_consortia", "elderly_care", "康养联合体",
    "Health and elderly-care consortia", "jia", "h", "count", 50, TITLES[17], "建成50家康养联合体")
# ---------------------------------------------------------------- housing
ind("housing_security_coverage", "housing", "城镇住房保障受益覆盖率",
    "Coverage of urban housing security", "pct", "h", "coverage", 23, G,
    "城镇住房保障体系更加完善,受益覆盖率达到23%")
ind("policy_housing_units", "housing", "建设(筹集)政策性住房",
    "Policy-based housing built or raised, 2021-2025 total", "wan_tao_hu", "h", "cumulative",
    1.5, TITLES[18], "建设(筹集)各种政策性住房1.5万套(户)")
ind("shanty_town_resettlement_units", "housing", "棚户区安置住房(含货币安置)",
    "Shanty-town resettlement housing (incl. cash resettlement), 2021-2025 total", "wan_tao", "h",
    "cumulative", 1.28, TITLES[18], "力争建设棚户区安置住房(含货币安置)1.28万套", aspirational=True)
ind("old_compound_renovation_total", "housing", "改造城镇老旧小区",
    "Old urban residential compounds renovated, 2021-2025 total", "ge", "h", "cumulative", 200,
    TITLES[23], "累计改造200个以上小区")
ind("old_compound_renovation_completion", "housing", "老旧小区改造完成率",
    "Old residential compounds needing renovation that are renovated", "pct", "h", "coverage",
    100, G, "老旧小区需改尽改")
# ---------------------------------------------------------------- urban-rural
ind("urban_rural_income_ratio", "urban_rural", "城乡居民收入倍差", "Urban-rural income ratio", "bei",
    "l", "level", 1.8, G, "城乡居民收入倍差缩小到1.8以内")
ind("county_income_max_min_ratio", "urban_rural", "各县(市、区)人均可支配收入最高最低倍差",
    "Max/min ratio of county per-capita disposable income", "bei", "l", "level", 1.55, G,
    "各县(市、区)人均可支配收入最高最低倍差缩小到1.55以内")
ind("basic_public_service_coverage", "urban_rural", "教育、医疗、就业创业等基本公共服务覆盖率",
    "Coverage of basic public services (education, health, employment) across the city",
    "pct", "h", "coverage", 100, TITLES[21], "推动教育、医疗、就业创业等基本公共服务全覆盖")
ind("good_rural_roads_coverage", "urban_rural", "“四好农村路”覆盖率",
    "Coverage of 'four-good' rural roads", "pct", "h", "coverage", 100, TITLES[21],
    "加快实现“四好农村路”全覆盖")
ind("urban_rural_bus_integration_rate", "urban_rural", "城乡公交一体化率",
    "Urban-rural public transport integration rate", "pct", "h", "coverage", 100, TITLES[21],
    "城乡公交一体化率达到100%")
ind("beautiful_village_compliance", "urban_rural", "新时代美丽乡村达标创建行政村比例",
    "Administrative villages meeting the new-era beautiful-village standard", "pct", "h",
    "coverage", 100, TITLES[23], "所有行政村实现新时代美丽乡村达标创建")
ind("resident_public_service_coverage", "urban_rural", "基本公共服务常住人口覆盖率",
    "Coverage of the resident (not only registered) population by basic public services", "pct",
    "h", "coverage", 100, TITLES[24], "全面推动基本公共服务由户籍人口向常住人口全覆盖")
ind("village_collective_income_20w_coverage", "urban_rural",
    "村级集体经济年经营性收入20万元以上的行政村比例",
    "Villages whose collective economy earns 200,000 yuan or more a year from operations", "pct",
    "h", "coverage", 100, TITLES[25],
    "到2022年,全市村级集体经济年经营性收入20万元以上的行政村实现全覆盖", target_year=2022)
ind("village_collective_income_50w_share", "urban_rural",
    "村级集体经济年经营性收入50万元以上的行政村占比",
    "Villages whose collective economy earns 500,000 yuan or more a year from operations", "pct",
    "h", "share", 42.5, TITLES[25], "到2025年,50万元以上的行政村占比达到42.5%")
# ---------------------------------------------------------------- culture
ind("cultural_facility_coverage", "culture", "市、县、乡三级文化设施覆盖达标率",
    "Cultural facilities meeting standards at city, county and township level", "pct", "h",
    "coverage", 100, G, "市、县、乡三级文化设施覆盖达标率100%")
ind("civilised_habits_rate", "culture", "文明好习惯养成实现率", "Adoption rate of civilised habits",
    "pct", "h", "share", 90, G, "文明好习惯养成实现率达到90%以上")
ind("civilisation_practice_centre_coverage", "culture", "新时代文明实践中心建设覆盖率",
    "Coverage of new-era civilisation practice centres", "pct", "h", "coverage", 100, TITLES[28],
    "实现新时代文明实践中心建设全覆盖")
# ---------------------------------------------------------------- ecology
ind("pm25_concentration", "ecology", "市区PM2.5平均浓度", "Average PM2.5 concentration, city districts",
    "ug", "l", "level", 26, G, "市区PM2.5平均浓度小于26微克/立方米")
ind("surface_water_class_ii_share", "ecology", "市控以上地表水断面Ⅱ类以上水质比例",
    "City-monitored surface-water sections at class II or better", "pct", "h", "share", 100, G,
    "市控以上地表水断面水质稳定达到Ⅱ类以上")
ind("eco_environment_satisfaction", "ecology", "生态环境满意度",
    "Public satisfaction with the ecological environment", "pct", "h", "share", 92, G,
    "生态环境满意度达到92%",
    # 满意度 is measured by a sample survey: the verdict needs the estimate's standard error
    sampling_error_series="eco_environment_satisfaction_se")
ind("zero_direct_discharge_coverage", "ecology", "“污水零直排区”建设覆盖率",
    "Coverage of 'zero direct sewage discharge' zones (industrial parks, residential areas, towns)",
    "pct", "h", "coverage", 100, TITLES[32],
    "实现工业园区、生活小区和镇(街)“污水零直排区”高质量建设全覆盖")
ind("beautiful_rivers_lakes", "ecology", "省、市级美丽河湖", "Provincial and city-level beautiful rivers and lakes",
    "tiao", "h", "cumulative", 40, TITLES[32], "建成省、市级美丽河湖40条(个)")
ind("rural_sewage_treatment_coverage", "ecology", "农村生活污水行政村治理覆盖率",
    "Administrative villages covered by rural sewage treatment", "pct", "h", "coverage", 95,
    TITLES[32], "行政村治理覆盖率和出水水质达标率均达到95%以上")
ind("rural_sewage_effluent_compliance", "ecology", "农村生活污水出水水质达标率",
    "Rural sewage effluent meeting water-quality standards", "pct", "h", "share", 95, TITLES[32],
    "行政村治理覆盖率和出水水质达标率均达到95%以上")
ind("waste_sorting_coverage", "ecology", "城乡生活垃圾分类覆盖率",
    "Coverage of household waste sorting, urban and rural", "pct", "h", "coverage", 100,
    TITLES[32], "全市城乡生活垃圾分类实现全覆盖")
ind("protected_area_share", "ecology", "自然保护地面积占陆域国土面积比例",
    "Protected areas as a share of land area", "pct", "h", "share", 10, TITLES[33],
    "自然保护地面积占陆域国土面积比例达到10%以上")
ind("key_species_protection_rate", "ecology", "重点生物物种保护率", "Protection rate of key species",
    "pct", "h", "coverage", 100, TITLES[33], "重点生物物种保护率达到100%")
ind("pv_capacity_multiple", "ecology", "光伏装机容量(2020年=1)",
    "Installed photovoltaic capacity relative to 2020", "bei_2020", "h", "level", None, TITLES[34],
    "光伏装机容量实现倍增",
    # 倍增: twice the unit's own 2020 value (the data may hold the capacity or its ratio to 2020)
    target_form={"type": "baseline_multiple", "multiple": 2.0})
ind("non_fossil_energy_share", "ecology", "非化石能源消费比重",
    "Non-fossil energy as a share of energy consumption", "pct", "h", "share", 24, TITLES[34],
    "非化石能源消费比重提高到24%")
# ---------------------------------------------------------------- governance
ind("party_discipline_effectiveness", "governance", "全面从严治党成效度",
    "Effectiveness of strict Party self-governance", "pct", "h", "share", 98, G,
    "全面从严治党成效度达到98%以上",
    # 成效度 is the share of favourable answers in the annual public survey (民意调查)
    sampling_error_series="party_discipline_effectiveness_se")
ind("work_safety_death_rate", "governance", "生产安全事故死亡率",
    "Work-safety accident death rate (conventionally per 100 million yuan of GDP)", "death_rate",
    "l", "level", None, G, "生产安全事故死亡率、万人犯罪率、万人成讼率逐年下降",
    relative_target=prev("below", "falls year on year"))
ind("crime_rate_per_10k", "governance", "万人犯罪率", "Crime rate per 10,000 population", "per_10k",
    "l", "level", 10, TITLES[38], "万人犯罪率控制在10以下",
    relative_target=prev("below", "falls year on year (一、发展目标: 万人犯罪率…逐年下降)"))
ind("litigation_rate_per_10k", "governance", "万人成讼率",
    "Lawsuits filed per 10,000 population", "per_10k", "l", "level", 80, TITLES[38],
    "万人成讼率控制在80以下",
    relative_target=prev("below", "falls year on year (一、发展目标: 万人成讼率逐年下降)"))
ind("admin_dispute_total", "governance", "行政争议总量", "Total administrative disputes", "jian", "l",
    "level", None, TITLES[38], "行政争议总量稳步下降",
    relative_target=prev("below", "falls steadily, year on year"))
ind("admin_litigation_loss_rate", "governance", "行政诉讼一审败诉率",
    "Government loss rate in first-instance administrative litigation", "pct", "l", "annual", 8,
    TITLES[38], "行政诉讼一审败诉率保持在8%以下")
ind("admin_review_loss_rate", "governance", "行政复议后行政机关败诉率",
    "Government loss rate after administrative reconsideration", "pct", "l", "annual", 5,
    TITLES[38], "行政复议后行政机关败诉率保持在5%以下")
ind("legal_case_system_usage_rate", "governance", "政法一体化办案系统应用率",
    "Use of the integrated political-legal case-handling system", "pct", "h", "coverage", 100,
    TITLES[38], "政法一体化办案系统应用率实现100%")
ind("lawyers_per_10k", "governance", "律师万人比", "Lawyers per 10,000 population", "lawyer_per_10k",
    "h", "level", 5, TITLES[38], "律师万人比达到5")
ind("one_thing_reform_coverage", "governance", "基层治理“一件事”改革事项覆盖率",
    "Coverage of high-frequency, high-weight and demanded matters by the 'one matter' reform",
    "pct", "h", "coverage", 100, TITLES[37],
    "逐步实现高频事项、高权重事项、企业群众需求事项全覆盖", aspirational=True)


def section_range(section):
    if section == GOALS:
        a = text.index(GOALS)
        b = text.index("\n二、")
        return a, b
    n = int(section.split(".")[0])
    a = re.search(rf"\n{n}\. ?", text).start()
    m = re.search(rf"\n({n + 1}\. ?|[一二三四五六七八九十]+、|原标题)", text[a + 1:])
    return a, a + 1 + m.start()


ids = set()
out = []
for (id, dim, zh, en, unit, pol, kind, target, section, phrase, kw) in I:
    assert id not in ids, id
    ids.add(id)
    a, b = section_range(section)
    assert phrase in text[a:b], (id, phrase, section)
    lab, sc, base = UNITS[unit]
    d = {"id": id, "dimension": dim, "name_zh": zh, "name_en": en,
         "unit": {"label": lab, "scale": float(sc), "base": base},
         "polarity": {"type": {"h": "higher_is_better", "l": "lower_is_better"}[pol]},
         "kind": kind}
    if target is not None:
        d["target"] = float(target)
    if "target_form" in kw:
        d["target_form"] = kw["target_form"]
    if "target_year" in kw:
        d["target_year"] = kw["target_year"]
    if "stretch_target" in kw:
        d["stretch_target"] = float(kw["stretch_target"])
    if "relative_target" in kw:
        d["relative_target"] = kw["relative_target"]
    d["aspirational"] = bool(kw.get("aspirational", False))
    if "sampling_error_series" in kw:
        d["sampling_error_series"] = kw["sampling_error_series"]
    d["weight"] = 1.0
    d["provenance"] = {"section": section, "phrase": phrase}
    out.append(d)

dims = []
for (id, parent, zh, en) in DIMENSIONS:
    d = {"id": id}
    if parent:
        d["parent"] = parent
    d.update({"name_zh": zh, "name_en": en, "weight": 1.0})
    dims.append(d)

# Units of the plan: the city (the whole), its six county-level parts (衢州市辖
# 2区1市3县) and the province as reference (the plan's 全省平均 comparisons).
UNITS_OF_PLAN = [
    ("quzhou", "whole", "衢州市", "Quzhou"),
    ("kecheng", "part", "柯城区", "Kecheng District"),
    ("qujiang", "part", "衢江区", "Qujiang District"),
    ("longyou", "part", "龙游县", "Longyou County"),
    ("jiangshan", "part", "江山市", "Jiangshan City"),
    ("changshan", "part", "常山县", "Changshan County"),
    ("kaihua", "part", "开化县", "Kaihua County"),
    ("zhejiang", "reference", "浙江省", "Zhejiang Province"),
]

# Totals and counts (亿元, 个, 万人…) set for the city as a whole: a part with no
# target of its own is not scored on them (a county's GDP is not 1/6 of a city target).
SIZE_INDICATORS = [
    "gdp", "fixed_asset_investment_total", "external_capital_total", "six_chains_output",
    "sci_tech_projects_annual", "soe_listings", "listed_companies",
    "enterprises_output_over_10bn", "urban_district_population", "new_urban_jobs_total",
    "regional_child_welfare_facilities", "national_preschool_counties",
    "national_balanced_compulsory_counties", "modern_schools", "vocational_training_annual",
    "new_high_skilled_workers_annual", "health_elderly_care_consortia", "policy_housing_units",
    "shanty_town_resettlement_units", "old_compound_renovation_total", "beautiful_rivers_lakes",
    "admin_dispute_total",
]

# Targets whose achieved value is derived from other series when the data do not
# carry it: 城乡居民收入倍差 = urban / rural income; 县(市、区)收入最高最低倍差 =
# max / min over the parts; household band shares 10–50万元 and 20–60万元 (the
# plan's 中等收入群体 definitions), bounds [lower, upper) in 元 per household.
DERIVED_TARGETS = [
    {"indicator": "urban_rural_income_ratio",
     "measure": {"type": "ratio", "numerator": "urban_per_capita_disposable_income",
                 "denominator": "rural_per_capita_disposable_income"}},
    {"indicator": "county_income_max_min_ratio",
     "measure": {"type": "max_min_ratio", "series": "per_capita_disposable_income"}},
    {"indicator": "household_income_10_50_share",
     "measure": {"type": "band_share", "lower": 100000.0, "upper": 500000.0}},
    {"indicator": "household_income_20_60_share",
     "measure": {"type": "band_share", "lower": 200000.0, "upper": 600000.0}},
]

for _id in SIZE_INDICATORS:
    assert _id in ids, _id
for _d in DERIVED_TARGETS:
    assert _d["indicator"] in ids, _d["indicator"]

fw = {
    "id": "quzhou-2021-2025",
    "title_zh": "衢州高质量发展建设四省边际共同富裕示范区行动计划(2021-2025年)",
    "title_en": "Quzhou action plan for a common-prosperity demonstration zone in the four-province border area, 2021-2025",
    "base_year": 2020,
    "target_year": 2025,
    "source": "中共衢州市委 衢州市人民政府, 2021年8月22日",
    "dimensions": dims,
    "indicators": out,
    # Series the data may carry that are not scored (references and inputs).
    "auxiliary_series": [
        {"id": "per_capita_disposable_income_growth", "name_zh": "居民人均可支配收入增幅",
         "name_en": "Growth of per-capita disposable income of residents",
         "unit": {"label": "%", "scale": 0.01, "base": "ratio"},
         "purpose": "reference of minimum_living_allowance_growth (低保标准增幅不低于收入增幅)"},
        {"id": "urban_per_capita_disposable_income", "name_zh": "城镇居民人均可支配收入",
         "name_en": "Per-capita disposable income of urban residents",
         "unit": {"label": "元", "scale": 1.0, "base": "yuan"},
         "purpose": "numerator of the urban-rural income ratio computed from data"},
        {"id": "rural_per_capita_disposable_income", "name_zh": "农村居民人均可支配收入",
         "name_en": "Per-capita disposable income of rural residents",
         "unit": {"label": "元", "scale": 1.0, "base": "yuan"},
         "purpose": "denominator of the urban-rural income ratio computed from data"},
        {"id": "resident_population", "name_zh": "常住人口",
         "name_en": "Resident population",
         "unit": {"label": "万人", "scale": 1e4, "base": "persons"},
         "purpose": "population weights for regional disparity measures across units"},
        {"id": "eco_environment_satisfaction_se", "name_zh": "生态环境满意度标准误",
         "name_en": "Standard error of the ecological-environment satisfaction estimate",
         "unit": {"label": "%", "scale": 0.01, "base": "ratio"},
         "purpose": "sampling error of eco_environment_satisfaction (survey verdict on 生态环境满意度达到92%)"},
        {"id": "party_discipline_effectiveness_se", "name_zh": "全面从严治党成效度标准误",
         "name_en": "Standard error of the strict Party self-governance effectiveness estimate",
         "unit": {"label": "%", "scale": 0.01, "base": "ratio"},
         "purpose": "sampling error of party_discipline_effectiveness (survey verdict on 全面从严治党成效度达到98%以上)"},
    ],
    "units": [{"id": i, "role": r, "name_zh": zh, "name_en": en}
              for (i, r, zh, en) in UNITS_OF_PLAN],
    "size_indicators": SIZE_INDICATORS,
    "derived_targets": DERIVED_TARGETS,
}
sys.stdout.write(json.dumps(fw, ensure_ascii=False, indent=2))
print(len(out), file=sys.stderr)

// C++17 test of the cpindex C API: RAII ownership with std::unique_ptr deleters, errors
// turned into exceptions, every function group exercised, including error paths.
// Built by tests/c_api.rs with -std=c++17 -Wall -Wextra -Werror -pedantic.
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "cpindex.h"

namespace {

int g_passed = 0;
int g_failed = 0;

void check(bool ok, const char *what, int line) {
    if (ok) {
        ++g_passed;
    } else {
        ++g_failed;
        std::fprintf(stderr, "test_api.cpp:%d: CHECK failed: %s\n", line, what);
    }
}
#define CHECK(cond) check((cond), #cond, __LINE__)

std::string last_error() {
    size_t n = 0;
    if (cpindex_last_error_message(nullptr, 0, &n) != CPINDEX_STATUS_BUFFER_TOO_SMALL) return {};
    std::string s(n + 1, '\0');
    if (cpindex_last_error_message(s.data(), s.size(), &n) != CPINDEX_STATUS_OK) return {};
    s.resize(n);
    return s;
}

struct cpindex_error : std::runtime_error {
    cpindex_status status;
    cpindex_error(cpindex_status st, const std::string &msg) : std::runtime_error(msg), status(st) {}
};

void ok(cpindex_status st) {
    if (st != CPINDEX_STATUS_OK) throw cpindex_error(st, last_error());
}

struct framework_deleter {
    void operator()(const cpindex_framework *f) const { cpindex_framework_free(f); }
};
struct panel_deleter {
    void operator()(cpindex_panel *p) const { cpindex_panel_free(p); }
};
using framework_ptr = std::unique_ptr<const cpindex_framework, framework_deleter>;
using panel_ptr = std::unique_ptr<cpindex_panel, panel_deleter>;
struct distribution_deleter {
    void operator()(const cpindex_distribution *d) const { cpindex_distribution_free(d); }
};
struct index_deleter {
    void operator()(const cpindex_index_result *r) const { cpindex_index_result_free(r); }
};
struct monitor_deleter {
    void operator()(const cpindex_monitor_result *r) const { cpindex_monitor_result_free(r); }
};
using distribution_ptr = std::unique_ptr<const cpindex_distribution, distribution_deleter>;
using index_ptr = std::unique_ptr<const cpindex_index_result, index_deleter>;
using monitor_ptr = std::unique_ptr<const cpindex_monitor_result, monitor_deleter>;

framework_ptr builtin(const std::string &name) {
    const cpindex_framework *f = nullptr;
    ok(cpindex_framework_builtin(name.data(), name.size(), &f));
    return framework_ptr(f);
}

// Any text accessor with the (buf, len, *out_len) convention.
template <typename F>
std::string text(F f) {
    size_t n = 0;
    cpindex_status st = f(nullptr, 0, &n);
    if (st != CPINDEX_STATUS_BUFFER_TOO_SMALL) throw cpindex_error(st, last_error());
    std::string s(n + 1, '\0');
    ok(f(s.data(), s.size(), &n));
    s.resize(n);
    return s;
}

void test_framework() {
    auto fw = builtin("quzhou-2021-2025");
    size_t n = 0;
    ok(cpindex_framework_indicator_count(fw.get(), &n));
    CHECK(n >= 10);
    size_t gdp = 0;
    ok(cpindex_framework_indicator_index(fw.get(), "gdp", 3, &gdp));
    double target = 0;
    ok(cpindex_framework_indicator_number(fw.get(), gdp, CPINDEX_INDICATOR_NUMBER_TARGET, &target));
    CHECK(target == 2500.0);  // 地区生产总值达到2500亿元
    auto phrase = text([&](char *b, size_t l, size_t *o) {
        return cpindex_framework_indicator_text(fw.get(), gdp, CPINDEX_INDICATOR_FIELD_PHRASE, b, l, o);
    });
    CHECK(phrase.find("2500") != std::string::npos);
    auto title = text([&](char *b, size_t l, size_t *o) {
        return cpindex_framework_text(fw.get(), CPINDEX_FRAMEWORK_FIELD_TITLE_EN, b, l, o);
    });
    CHECK(!title.empty());
    double sum = 0;
    for (size_t i = 0; i < n; ++i) {
        double w = 0;
        ok(cpindex_framework_indicator_number(fw.get(), i, CPINDEX_INDICATOR_NUMBER_EFFECTIVE_WEIGHT, &w));
        sum += w;
    }
    CHECK(std::fabs(sum - 1.0) < 1e-12);  // effective weights sum to 1
    auto json = text([&](char *b, size_t l, size_t *o) { return cpindex_framework_to_json(fw.get(), b, l, o); });
    const cpindex_framework *raw = nullptr;
    ok(cpindex_framework_from_json(json.data(), json.size(), &raw));
    framework_ptr again(raw);
    size_t m = 0;
    ok(cpindex_framework_indicator_count(again.get(), &m));
    CHECK(m == n);

    // errors become exceptions with the status and message
    try {
        builtin("hangzhou");
        CHECK(false);
    } catch (const cpindex_error &e) {
        CHECK(e.status == CPINDEX_STATUS_UNKNOWN_ID);
        CHECK(std::string(e.what()).find("hangzhou") != std::string::npos);
    }
    uint32_t code = 0;
    CHECK(cpindex_framework_indicator_kind(fw.get(), n, &code) == CPINDEX_STATUS_INVALID_ARGUMENT);
    CHECK(cpindex_framework_indicator_kind(nullptr, 0, &code) == CPINDEX_STATUS_NULL_ARGUMENT);
    CHECK(cpindex_framework_text(fw.get(), 99, nullptr, 0, &m) == CPINDEX_STATUS_INVALID_ARGUMENT);
}

void test_panel() {
    std::vector<std::string> unit_ids = {"a", "b"};
    std::vector<cpindex_str> units, inds;
    for (auto &u : unit_ids) units.push_back(cpindex_str{u.data(), u.size()});
    std::string gdp = "gdp";
    inds.push_back(cpindex_str{gdp.data(), gdp.size()});
    std::vector<int32_t> periods = {2020, 2021};
    std::vector<double> values = {1, 2, 3, NAN};
    cpindex_panel *raw = nullptr;
    ok(cpindex_panel_new(units.data(), units.size(), periods.data(), periods.size(), inds.data(), inds.size(),
                         values.data(), values.size(), &raw));
    panel_ptr p(raw);
    size_t nu = 0, np = 0, ni = 0;
    ok(cpindex_panel_dims(p.get(), &nu, &np, &ni));
    CHECK(nu == 2 && np == 2 && ni == 1);
    double v = 0;
    ok(cpindex_panel_get_by_id(p.get(), "b", 1, 2021, "gdp", 3, &v));
    CHECK(std::isnan(v));
    ok(cpindex_panel_get(p.get(), 0, 1, 0, &v));
    CHECK(v == 3.0);
    size_t n = 0;
    CHECK(cpindex_panel_values(p.get(), nullptr, 0, &n) == CPINDEX_STATUS_BUFFER_TOO_SMALL);
    std::vector<double> out(n);
    ok(cpindex_panel_values(p.get(), out.data(), out.size(), &n));
    CHECK(out[0] == 1.0 && out[2] == 3.0 && std::isnan(out[3]));
    CHECK(text([&](char *b, size_t l, size_t *o) { return cpindex_panel_unit_id(p.get(), 0, b, l, o); }) == "a");
    cpindex_panel *none = nullptr;
    CHECK(cpindex_panel_new(units.data(), 2, periods.data(), 2, inds.data(), 1, values.data(), 3, &none) ==
          CPINDEX_STATUS_LENGTH_MISMATCH);
    CHECK(none == nullptr);
}


bool near(double a, double b) { return std::fabs(a - b) < 1e-9; }

// x = {1, 2, 3, 4}: Gini 20 / (2 * 16 * 2.5) = 0.25; Atkinson(1) = 1 - 24^(1/4)/2.5 =
// 0.11465446423974279; median (type 2) 2.5; Palma of 1..10 = 10 / (1+2+3+4) = 1.
void test_distribution() {
    std::vector<double> x = {1, 2, 3, 4};
    double v = 0;
    ok(cpindex_gini(x.data(), nullptr, x.size(), &v));
    CHECK(near(v, 0.25));
    ok(cpindex_atkinson(x.data(), nullptr, x.size(), 1.0, &v));
    CHECK(near(v, 0.11465446423974279));
    ok(cpindex_quantile(x.data(), nullptr, x.size(), 0.5, &v));
    CHECK(near(v, 2.5));
    std::vector<double> ten = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
    ok(cpindex_palma_ratio(ten.data(), nullptr, ten.size(), &v));
    CHECK(near(v, 1.0));
    const cpindex_distribution *raw = nullptr;
    ok(cpindex_distribution_new(x.data(), nullptr, x.size(), CPINDEX_MISSING_POLICY_ERROR, &raw));
    distribution_ptr d(raw);
    ok(cpindex_distribution_measure(d.get(), CPINDEX_MEASURE_COEFFICIENT_OF_VARIATION, 0.0, &v));
    CHECK(near(v, std::sqrt(1.25) / 2.5));
    ok(cpindex_distribution_share_in_band(d.get(), 2.0, 4.0, CPINDEX_BAND_RULE_HALF_OPEN, &v));
    CHECK(near(v, 0.5));
    std::vector<uint32_t> groups = {0, 0, 1, 1};
    double t = 0, w = 0, b = 0;
    ok(cpindex_ge_decomposition(x.data(), nullptr, groups.data(), x.size(), 2.0, &t, &w, &b));
    CHECK(near(t, 0.1) && near(w + b, t));  // GE(2) = var / (2 mean^2) = 1.25 / 12.5
    CHECK(cpindex_gini(nullptr, nullptr, 0, &v) == CPINDEX_STATUS_EMPTY_INPUT);
    CHECK(cpindex_distribution_quantile(d.get(), 0.5, 77u, &v) == CPINDEX_STATUS_INVALID_ARGUMENT);
    x[1] = NAN;
    CHECK(cpindex_theil_t(x.data(), nullptr, x.size(), &v) == CPINDEX_STATUS_MISSING_VALUE);
    CHECK(last_error().find("values[1]") != std::string::npos);
}

// The toy framework of tests/ffi_engine.rs: index (0, 54.1667, 87.5) by hand; monitoring
// of X: achievement of a = 20/40 = 0.5, plan achievement (0.5 + 1/3)/4 + 1/2.
const char *TOY = R"({"id":"toy","title_zh":"t","title_en":"t","base_year":2020,"target_year":2025,
 "dimensions":[{"id":"econ","name_zh":"e","name_en":"e","weight":1},
               {"id":"social","name_zh":"s","name_en":"s","weight":1}],
 "indicators":[
  {"id":"a","dimension":"econ","name_zh":"a","name_en":"a","unit":{"label":"x"},
   "polarity":{"type":"higher_is_better"},"kind":"level","target":40,"weight":1},
  {"id":"b","dimension":"econ","name_zh":"b","name_en":"b","unit":{"label":"x"},
   "polarity":{"type":"lower_is_better"},"kind":"level","target":1,"weight":1},
  {"id":"c","dimension":"social","name_zh":"c","name_en":"c","unit":{"label":"x"},
   "polarity":{"type":"higher_is_better"},"kind":"level","target":400,"weight":1}]})";

void test_index_and_monitor() {
    std::string toy = TOY;
    const cpindex_framework *f = nullptr;
    ok(cpindex_framework_from_json(toy.data(), toy.size(), &f));
    framework_ptr fw(f);
    std::string csv = "unit,period,indicator,value\nX,2021,a,10\nY,2021,a,20\nZ,2021,a,30\n"
                      "X,2021,b,5\nY,2021,b,1\nZ,2021,b,3\nX,2021,c,100\nY,2021,c,200\nZ,2021,c,400\n";
    cpindex_panel *p = nullptr;
    ok(cpindex_panel_from_csv(csv.data(), csv.size(), CPINDEX_CSV_LAYOUT_LONG, fw.get(), &p));
    panel_ptr panel(p);
    const cpindex_index_result *r = nullptr;
    ok(cpindex_index_run(fw.get(), panel.get(), nullptr, 0, &r));
    index_ptr res(r);
    std::vector<double> s(3);
    size_t n = 0;
    ok(cpindex_index_result_scores(res.get(), "toy", 3, 2021, s.data(), s.size(), &n));
    CHECK(n == 3 && near(s[0], 0.0) && near(s[1], 54.0 + 1.0 / 6.0) && near(s[2], 87.5));
    CHECK(text([&](char *b, size_t l, size_t *o) {
              return cpindex_index_result_id(res.get(), CPINDEX_INDEX_LIST_UNIT, 2, b, l, o);
          }) == "Z");
    CHECK(cpindex_index_result_ranks(res.get(), "toy", 3, 2020, s.data(), s.size(), &n) == CPINDEX_STATUS_UNKNOWN_ID);
    std::string bad = "unit,period,indicator,value\nX,2021,a,oops\n";
    cpindex_panel *none = nullptr;
    CHECK(cpindex_panel_from_csv(bad.data(), bad.size(), CPINDEX_CSV_LAYOUT_LONG, fw.get(), &none) ==
          CPINDEX_STATUS_PARSE_ERROR);
    CHECK(last_error().find("line 2") != std::string::npos && none == nullptr);

    std::string wide = "unit,period,a,b,c\nX,2020,10,5,100\nX,2021,20,3,400\n";
    ok(cpindex_panel_from_csv(wide.data(), wide.size(), CPINDEX_CSV_LAYOUT_WIDE, fw.get(), &p));
    panel_ptr mpanel(p);
    const cpindex_monitor_result *m = nullptr;
    std::string spec = "{}";
    ok(cpindex_monitor_run(fw.get(), mpanel.get(), spec.data(), spec.size(), &m));
    monitor_ptr mon(m);
    double v = 0;
    ok(cpindex_monitor_result_achievement(mon.get(), "X", 1, "a", 1, 2021, CPINDEX_ACHIEVEMENT_FIELD_CAPPED, &v));
    CHECK(near(v, 0.5));
    ok(cpindex_monitor_result_unit_achievement(mon.get(), "X", 1, nullptr, 0, 2021, &v));
    CHECK(near(v, (0.5 + 1.0 / 3.0) / 4.0 + 0.5));
    uint32_t code = 0;
    ok(cpindex_monitor_result_status(mon.get(), "X", 1, "c", 1, CPINDEX_STATUS_KIND_SCHEDULE, &code));
    CHECK(code == CPINDEX_SCHEDULE_STATUS_ACHIEVED);
    std::vector<int32_t> years(2);
    std::vector<double> idx(2);
    ok(cpindex_monitor_result_dynamic(mon.get(), "X", 1, CPINDEX_DYNAMIC_SERIES_CHAINED, years.data(), idx.data(), 2, &n));
    CHECK(years[1] == 2021 && near(idx[1], 121.25));  // .25*110 + .25*115 + .5*130
    auto json = text([&](char *b, size_t l, size_t *o) { return cpindex_monitor_result_to_json(mon.get(), b, l, o); });
    CHECK(json.find("\"framework\": \"toy\"") != std::string::npos);
}

void test_misc() {
    CHECK(cpindex_abi_version() == CPINDEX_ABI_VERSION);
    CHECK(std::string(cpindex_version_string()) == CPINDEX_VERSION_STRING);
    std::string req = R"({"action":"describe","framework":"quzhou-2021-2025"})";
    auto out = text([&](char *b, size_t l, size_t *o) { return cpindex_run_json(req.data(), req.size(), b, l, o); });
    CHECK(out.find("\"describe\"") != std::string::npos);
    CHECK(cpindex_debug_panic() == CPINDEX_STATUS_PANIC);
    CHECK(last_error().find("deliberate panic") != std::string::npos);
    CHECK(std::string(cpindex_status_str(CPINDEX_STATUS_JSON_ERROR)).find("JSON") != std::string::npos);
}

}  // namespace

int main() {
    try {
        test_framework();
        test_panel();
        test_misc();
        test_distribution();
        test_index_and_monitor();
    } catch (const cpindex_error &e) {
        ++g_failed;
        std::fprintf(stderr, "unexpected error %u: %s\n", static_cast<unsigned>(e.status), e.what());
    }
    std::printf("%d passed, %d failed\n", g_passed, g_failed);
    return g_failed == 0 ? 0 : 1;
}

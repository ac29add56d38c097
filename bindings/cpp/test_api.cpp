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
    } catch (const cpindex_error &e) {
        ++g_failed;
        std::fprintf(stderr, "unexpected error %u: %s\n", static_cast<unsigned>(e.status), e.what());
    }
    std::printf("%d passed, %d failed\n", g_passed, g_failed);
    return g_failed == 0 ? 0 : 1;
}

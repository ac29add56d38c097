// cpindex from C++17: RAII handles, errors as exceptions, a Gini and a composite index.
//
//   c++ -std=c++17 example.cpp $(pkg-config --cflags --libs cpindex) -o example && ./example
#include <cstdio>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "cpindex.h"

namespace cpx {

// Throws the calling thread's last error when a call fails.
void check(cpindex_status st) {
    if (st == CPINDEX_STATUS_OK) return;
    size_t n = 0;
    std::string msg(512, '\0');
    if (cpindex_last_error_message(msg.data(), msg.size(), &n) == CPINDEX_STATUS_OK) msg.resize(n);
    throw std::runtime_error(std::string(cpindex_status_str(st)) + ": " + msg);
}

struct FrameworkFree { void operator()(const cpindex_framework *p) const { cpindex_framework_free(p); } };
struct PanelFree { void operator()(cpindex_panel *p) const { cpindex_panel_free(p); } };
struct ResultFree { void operator()(const cpindex_index_result *p) const { cpindex_index_result_free(p); } };
using Framework = std::unique_ptr<const cpindex_framework, FrameworkFree>;
using Panel = std::unique_ptr<cpindex_panel, PanelFree>;
using Result = std::unique_ptr<const cpindex_index_result, ResultFree>;

Framework builtin(const std::string &name) {
    const cpindex_framework *fw = nullptr;
    check(cpindex_framework_builtin(name.data(), name.size(), &fw));
    return Framework(fw);
}

Panel panel_from_csv(const std::string &csv, const cpindex_framework *fw) {
    cpindex_panel *p = nullptr;
    check(cpindex_panel_from_csv(csv.data(), csv.size(), CPINDEX_CSV_LAYOUT_LONG, fw, &p));
    return Panel(p);
}

Result run_index(const cpindex_framework *fw, const cpindex_panel *panel, const std::string &spec = "{}") {
    const cpindex_index_result *r = nullptr;
    check(cpindex_index_run(fw, panel, spec.data(), spec.size(), &r));
    return Result(r);
}

std::vector<double> scores(const cpindex_index_result *r, const std::string &node, int32_t period) {
    size_t n = 0;
    cpindex_status st = cpindex_index_result_scores(r, node.data(), node.size(), period, nullptr, 0, &n);
    if (st != CPINDEX_STATUS_BUFFER_TOO_SMALL) check(st);
    std::vector<double> v(n);
    check(cpindex_index_result_scores(r, node.data(), node.size(), period, v.data(), v.size(), &n));
    return v;
}

double gini(const std::vector<double> &values) {
    double g = 0.0;
    check(cpindex_gini(values.data(), nullptr, values.size(), &g));
    return g;
}

}  // namespace cpx

int main() {
    try {
        auto fw = cpx::builtin("quzhou-2021-2025");
        std::printf("Gini: %.4f\n", cpx::gini({21000, 35000, 48000, 62000, 150000}));
        auto panel = cpx::panel_from_csv(
            "unit,period,indicator,value\n"
            "kecheng,2021,gdp,700\nqujiang,2021,gdp,500\njiangshan,2021,gdp,330\n",
            fw.get());
        auto result = cpx::run_index(fw.get(), panel.get());
        for (double s : cpx::scores(result.get(), "quzhou-2021-2025", 2021)) std::printf("index %.2f\n", s);
        cpx::gini({});  // throws: CPINDEX_STATUS_EMPTY_INPUT
    } catch (const std::exception &e) {
        std::printf("error: %s\n", e.what());
    }
    return 0;
}

/* Exercises every group of the cpindex C API, including error paths.
 * Built by tests/c_api.rs with -std=c99 -Wall -Wextra -Werror -pedantic, linked
 * dynamically and statically, and run (under valgrind when available).
 * Expected values: the plan text ("地区生产总值达到2500亿元") and hand computation. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "check.h"

/* Compile-time layout checks (C99 has no _Static_assert): the Rust tests check the same
 * sizes with size_of. */
typedef char assert_str_size[(sizeof(cpindex_str) == 2 * sizeof(void *)) ? 1 : -1];
typedef char assert_interval_size[(sizeof(cpindex_interval) == 4 * sizeof(double)) ? 1 : -1];
typedef char assert_status_size[(sizeof(cpindex_status) == 4) ? 1 : -1];
typedef char assert_max_min_size[(sizeof(cpindex_max_min) == 3 * sizeof(double) + 2 * sizeof(size_t)) ? 1 : -1];

static cpindex_str str(const char *s) {
    cpindex_str v;
    v.data = s;
    v.len = strlen(s);
    return v;
}

/* Reads a text with the size-query convention; returns a malloc'd copy or NULL. */
static char *read_indicator_text(const cpindex_framework *fw, size_t i, uint32_t field) {
    size_t n = 0;
    char *buf;
    if (cpindex_framework_indicator_text(fw, i, field, NULL, 0, &n) != CPINDEX_STATUS_BUFFER_TOO_SMALL)
        return NULL;
    buf = (char *)malloc(n + 1);
    if (buf == NULL) return NULL;
    if (cpindex_framework_indicator_text(fw, i, field, buf, n + 1, &n) != CPINDEX_STATUS_OK) {
        free(buf);
        return NULL;
    }
    return buf;
}

static void test_versions(void) {
    CHECK(cpindex_abi_version() == CPINDEX_ABI_VERSION);
    CHECK(strcmp(cpindex_version_string(), CPINDEX_VERSION_STRING) == 0);
    CHECK(CPINDEX_VERSION_MAJOR >= 0 && CPINDEX_VERSION_MINOR >= 0 && CPINDEX_VERSION_PATCH >= 0);
    CHECK(strncmp(cpindex_status_str(CPINDEX_STATUS_OK), "CPINDEX_STATUS_OK", 17) == 0);
    CHECK(strstr(cpindex_status_str(CPINDEX_STATUS_UNKNOWN_ID), "UNKNOWN_ID") != NULL);
    CHECK(strstr(cpindex_status_str(9999u), "UNKNOWN") != NULL);
    CHECK(CPINDEX_STATUS_NULL_ARGUMENT == 1 && CPINDEX_STATUS_PANIC == 5 && CPINDEX_STATUS_IO_ERROR == 109);
}

static void test_framework(void) {
    const char *name = "quzhou-2021-2025";
    const cpindex_framework *fw = NULL;
    const cpindex_framework *copy = NULL;
    const cpindex_framework *clone = NULL;
    size_t ni = 0, nd = 0, gdp = 0, i, n = 0, dim = 0;
    double v = 0.0;
    uint32_t code = 0, flags = 0;
    int32_t base = 0, target = 0;
    cpindex_interval iv;
    char buf[256];
    char *json;

    CHECK_OK(cpindex_framework_builtin(name, strlen(name), &fw));
    CHECK(fw != NULL);
    CHECK_OK(cpindex_framework_years(fw, &base, &target));
    CHECK(base == 2020 && target == 2025);
    CHECK_OK(cpindex_framework_text(fw, CPINDEX_FRAMEWORK_FIELD_ID, buf, sizeof buf, &n));
    CHECK(strcmp(buf, name) == 0 && n == strlen(name));
    CHECK_OK(cpindex_framework_indicator_count(fw, &ni));
    CHECK_OK(cpindex_framework_dimension_count(fw, &nd));
    CHECK(ni >= 10 && nd >= 7);

    /* every indicator: every field readable */
    for (i = 0; i < ni; i++) {
        uint32_t f;
        for (f = CPINDEX_INDICATOR_FIELD_ID; f <= CPINDEX_INDICATOR_FIELD_RELATIVE_TARGET; f++) {
            char *t = read_indicator_text(fw, i, f);
            CHECK(t != NULL);
            free(t);
        }
        for (f = CPINDEX_INDICATOR_NUMBER_TARGET; f <= CPINDEX_INDICATOR_NUMBER_EFFECTIVE_WEIGHT; f++)
            CHECK_OK(cpindex_framework_indicator_number(fw, i, f, &v));
        CHECK_OK(cpindex_framework_indicator_flags(fw, i, &flags));
        CHECK_OK(cpindex_framework_indicator_number(fw, i, CPINDEX_INDICATOR_NUMBER_TARGET, &v));
        CHECK(((flags & CPINDEX_INDICATOR_HAS_TARGET) != 0) == !isnan(v));
        CHECK_OK(cpindex_framework_indicator_polarity(fw, i, &code));
        CHECK(code <= CPINDEX_POLARITY_BINARY);
        CHECK_OK(cpindex_framework_indicator_interval(fw, i, &iv));
        CHECK((code == CPINDEX_POLARITY_INTERVAL) == !isnan(iv.lower));
        CHECK_OK(cpindex_framework_indicator_kind(fw, i, &code));
        CHECK(code <= CPINDEX_KIND_COVERAGE);
        CHECK_OK(cpindex_framework_indicator_dimension(fw, i, &dim));
        CHECK(dim < nd);
        {
            /* size query: OK when there are none, BUFFER_TOO_SMALL with the count otherwise */
            cpindex_status st = cpindex_framework_indicator_interim_targets(fw, i, NULL, NULL, 0, &n);
            CHECK((st == CPINDEX_STATUS_OK && n == 0) || (st == CPINDEX_STATUS_BUFFER_TOO_SMALL && n > 0));
        }
    }
    for (i = 0; i < nd; i++) {
        CHECK_OK(cpindex_framework_dimension_text(fw, i, CPINDEX_DIMENSION_FIELD_NAME_ZH, buf, sizeof buf, &n));
        CHECK(n > 0);
        CHECK_OK(cpindex_framework_dimension_weight(fw, i, &v));
        CHECK(v >= 0.0);
    }

    /* gdp: 地区生产总值达到2500亿元 */
    CHECK_OK(cpindex_framework_indicator_index(fw, "gdp", 3, &gdp));
    CHECK_OK(cpindex_framework_indicator_number(fw, gdp, CPINDEX_INDICATOR_NUMBER_TARGET, &v));
    CHECK(v == 2500.0);
    CHECK_OK(cpindex_framework_indicator_text(fw, gdp, CPINDEX_INDICATOR_FIELD_UNIT_LABEL, buf, sizeof buf, &n));
    CHECK(strcmp(buf, "亿元") == 0);
    CHECK_OK(cpindex_framework_indicator_polarity(fw, gdp, &code));
    CHECK(code == CPINDEX_POLARITY_HIGHER_IS_BETTER);
    CHECK_OK(cpindex_framework_dimension_index(fw, "economy", 7, &dim));

    /* JSON round trip with a size query */
    CHECK_STATUS(cpindex_framework_to_json(fw, NULL, 0, &n), CPINDEX_STATUS_BUFFER_TOO_SMALL);
    json = (char *)malloc(n + 1);
    CHECK(json != NULL);
    if (json != NULL) {
        CHECK_OK(cpindex_framework_to_json(fw, json, n + 1, &n));
        CHECK(json[n] == '\0');
        CHECK_OK(cpindex_framework_from_json(json, n, &copy));
        free(json);
    }
    CHECK_OK(cpindex_framework_indicator_count(copy, &n));
    CHECK(n == ni);
    CHECK_OK(cpindex_framework_clone(copy, &clone));
    cpindex_framework_free(copy);
    CHECK_OK(cpindex_framework_indicator_count(clone, &n));
    CHECK(n == ni);
    cpindex_framework_free(clone);

    /* error paths */
    {
        const cpindex_framework *none = NULL;
        CHECK_STATUS(cpindex_framework_builtin("hangzhou", 8, &none), CPINDEX_STATUS_UNKNOWN_ID);
        CHECK(none == NULL);
        CHECK(strstr(last_error(buf, sizeof buf), "hangzhou") != NULL);
        CHECK_STATUS(cpindex_framework_builtin(NULL, 4, &none), CPINDEX_STATUS_NULL_ARGUMENT);
        CHECK_STATUS(cpindex_framework_builtin(name, strlen(name), NULL), CPINDEX_STATUS_NULL_ARGUMENT);
        CHECK_STATUS(cpindex_framework_builtin("\xff\xfe", 2, &none), CPINDEX_STATUS_INVALID_UTF8);
        CHECK_STATUS(cpindex_framework_from_json("{", 1, &none), CPINDEX_STATUS_JSON_ERROR);
        CHECK_STATUS(cpindex_framework_from_json(NULL, 0, &none), CPINDEX_STATUS_JSON_ERROR);
        CHECK(none == NULL);
        CHECK_STATUS(cpindex_framework_indicator_count(NULL, &n), CPINDEX_STATUS_NULL_ARGUMENT);
        CHECK_STATUS(cpindex_framework_indicator_count(fw, NULL), CPINDEX_STATUS_NULL_ARGUMENT);
        CHECK_STATUS(cpindex_framework_indicator_number(fw, 0, 77u, &v), CPINDEX_STATUS_INVALID_ARGUMENT);
        CHECK_STATUS(cpindex_framework_indicator_text(fw, ni, 0, buf, sizeof buf, &n), CPINDEX_STATUS_INVALID_ARGUMENT);
        CHECK_STATUS(cpindex_framework_indicator_index(fw, "nope", 4, &n), CPINDEX_STATUS_UNKNOWN_ID);
        CHECK_STATUS(cpindex_framework_text(fw, CPINDEX_FRAMEWORK_FIELD_ID, buf, 3, &n), CPINDEX_STATUS_BUFFER_TOO_SMALL);
        CHECK(n == strlen(name));
        CHECK_STATUS(cpindex_framework_text(fw, CPINDEX_FRAMEWORK_FIELD_ID, NULL, 10, &n), CPINDEX_STATUS_NULL_ARGUMENT);
    }
    cpindex_framework_free(fw);
    cpindex_framework_free(NULL);
}

static void test_panel(void) {
    /* 2 units × periods [2021, 2020] × 2 indicators, column-major in the given order;
     * sorted storage is 1..8 (worked out by hand in tests/ffi_panel.rs). */
    cpindex_str units[2];
    cpindex_str inds[2];
    const int32_t periods[2] = {2021, 2020};
    const double values[8] = {3, 4, 1, 2, 7, 8, 5, 6};
    double out[8];
    int32_t ps[2];
    cpindex_panel *p = NULL;
    cpindex_panel *none = NULL;
    size_t nu = 0, np = 0, ni = 0, n = 0, k;
    double v = 0.0;
    char buf[64];
    const cpindex_framework *fw = NULL;

    units[0] = str("a");
    units[1] = str("b");
    inds[0] = str("gdp");
    inds[1] = str("pm25_concentration");
    CHECK_OK(cpindex_panel_new(units, 2, periods, 2, inds, 2, values, 8, &p));
    CHECK_OK(cpindex_panel_dims(p, &nu, &np, &ni));
    CHECK(nu == 2 && np == 2 && ni == 2);
    CHECK_OK(cpindex_panel_get(p, 1, 0, 0, &v));
    CHECK(v == 2.0);
    CHECK_OK(cpindex_panel_get_by_id(p, "a", 1, 2021, "pm25_concentration", 18, &v));
    CHECK(v == 7.0);
    CHECK_OK(cpindex_panel_periods(p, ps, 2, &n));
    CHECK(n == 2 && ps[0] == 2020 && ps[1] == 2021);
    CHECK_STATUS(cpindex_panel_values(p, NULL, 0, &n), CPINDEX_STATUS_BUFFER_TOO_SMALL);
    CHECK(n == 8);
    CHECK_OK(cpindex_panel_values(p, out, 8, &n));
    for (k = 0; k < 8; k++) CHECK(out[k] == (double)(k + 1));
    CHECK_OK(cpindex_panel_unit_id(p, 1, buf, sizeof buf, &n));
    CHECK(strcmp(buf, "b") == 0 && n == 1);
    CHECK_OK(cpindex_panel_indicator_id(p, 0, buf, sizeof buf, &n));
    CHECK(strcmp(buf, "gdp") == 0);
    CHECK_OK(cpindex_panel_set(p, 0, 0, 0, NAN));
    CHECK_OK(cpindex_panel_get(p, 0, 0, 0, &v));
    CHECK(isnan(v));
    CHECK_OK(cpindex_framework_builtin("quzhou-2021-2025", 16, &fw));
    CHECK_OK(cpindex_panel_check_framework(p, fw));
    cpindex_framework_free(fw);

    /* errors */
    CHECK_STATUS(cpindex_panel_new(units, 2, periods, 2, inds, 2, values, 7, &none), CPINDEX_STATUS_LENGTH_MISMATCH);
    CHECK_STATUS(cpindex_panel_new(NULL, 2, periods, 2, inds, 2, values, 8, &none), CPINDEX_STATUS_NULL_ARGUMENT);
    CHECK(none == NULL);
    CHECK_STATUS(cpindex_panel_set(p, 0, 0, 0, INFINITY), CPINDEX_STATUS_INVALID_VALUE);
    CHECK_STATUS(cpindex_panel_get(p, 2, 0, 0, &v), CPINDEX_STATUS_INVALID_ARGUMENT);
    CHECK_STATUS(cpindex_panel_get_by_id(p, "zz", 2, 2020, "gdp", 3, &v), CPINDEX_STATUS_UNKNOWN_ID);
    CHECK_STATUS(cpindex_panel_values(p, out, 3, &n), CPINDEX_STATUS_BUFFER_TOO_SMALL);
    CHECK_STATUS(cpindex_panel_dims(NULL, &nu, &np, &ni), CPINDEX_STATUS_NULL_ARGUMENT);
    /* the empty panel: (NULL, 0) everywhere */
    CHECK_OK(cpindex_panel_new(NULL, 0, NULL, 0, NULL, 0, NULL, 0, &none));
    CHECK_OK(cpindex_panel_values(none, NULL, 0, &n));
    CHECK(n == 0);
    cpindex_panel_free(none);
    cpindex_panel_free(p);
    cpindex_panel_free(NULL);
}

static void test_json_and_errors(void) {
    const char *req = "{\"action\": \"describe\", \"framework\": \"quzhou-2021-2025\"}";
    const char *bad = "{\"action\": \"rank\", \"framework\": \"quzhou-2021-2025\"}";
    size_t n = 0, m = 0;
    char small[8];
    char *out;
    char msg[512];

    CHECK_STATUS(cpindex_run_json(req, strlen(req), NULL, 0, &n), CPINDEX_STATUS_BUFFER_TOO_SMALL);
    out = (char *)malloc(n + 1);
    CHECK(out != NULL);
    if (out != NULL) {
        CHECK_OK(cpindex_run_json(req, strlen(req), out, n + 1, &m));
        CHECK(m == n && out[n] == '\0');
        CHECK(strstr(out, "\"action\": \"describe\"") != NULL);
        CHECK(strstr(out, "\"effective_weights\"") != NULL);
        free(out);
    }
    CHECK_STATUS(cpindex_run_json(bad, strlen(bad), NULL, 0, &n), CPINDEX_STATUS_INVALID_SPEC);
    CHECK(strstr(last_error(msg, sizeof msg), "unknown action `rank`") != NULL);

    /* last error: size query, too small, not consumed, clear */
    CHECK_STATUS(cpindex_last_error_message(NULL, 0, &n), CPINDEX_STATUS_BUFFER_TOO_SMALL);
    CHECK(n > sizeof small);
    CHECK_STATUS(cpindex_last_error_message(small, sizeof small, &m), CPINDEX_STATUS_BUFFER_TOO_SMALL);
    CHECK(m == n);
    CHECK_STATUS(cpindex_last_error_message(NULL, 0, NULL), CPINDEX_STATUS_NULL_ARGUMENT);
    CHECK(strstr(last_error(msg, sizeof msg), "unknown action") != NULL);
    cpindex_last_error_clear();
    CHECK_OK(cpindex_last_error_message(msg, sizeof msg, &n));
    CHECK(n == 0 && msg[0] == '\0');

    /* the panic boundary (the default Rust hook prints the panic to stderr) */
    CHECK_STATUS(cpindex_debug_panic(), CPINDEX_STATUS_PANIC);
    CHECK(strstr(last_error(msg, sizeof msg), "deliberate panic") != NULL);
    CHECK(cpindex_abi_version() == CPINDEX_ABI_VERSION);
}

static int near(double a, double b) { return fabs(a - b) < 1e-12; }

/* Distribution measures. Hand computations for x = {1, 2, 3, 4}, mean 2.5:
 *   Gini = sum_ij |xi - xj| / (2 n^2 mean) = 20 / (2 * 16 * 2.5) = 0.25
 *   Theil T = 1/4 sum (x/mean) ln(x/mean) = 0.10644013528622318
 *   MLD = 1/4 sum ln(mean/x) = 0.12177727428716867
 *   GE(2) = var / (2 mean^2) = 1.25 / 12.5 = 0.1; CV = sqrt(1.25) / 2.5 = 0.4472135954999579
 *   Atkinson(1) = 1 - 24^(1/4) / 2.5 = 0.11465446423974279
 *   median (type 2) = (2 + 3) / 2 = 2.5; share in [2, 4) = 2/4
 *   Theil between groups {1,2 | 3,4} = .5*.6*ln .6 + .5*1.4*ln 1.4 = 0.08228287850505178
 * For 1..10 (total 55): Palma = 10 / (1+2+3+4) = 1; S80/S20 = (9+10) / (1+2) = 19/3.
 * (Python 3.11 math gave the same digits.) */
static void test_distribution(void) {
    const double x[4] = {1, 2, 3, 4};
    const double ten[10] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
    const double w[2] = {1, 3};
    const double xw[2] = {1, 2};
    const double with_nan[5] = {4, NAN, 1, 3, 2};
    const uint32_t groups[4] = {0, 0, 1, 1};
    double v = -1.0, total = 0, within = 0, between = 0, tv = 0;
    double sorted[4];
    const cpindex_distribution *d = NULL;
    const cpindex_distribution *d2 = NULL;
    cpindex_max_min mm;
    size_t n = 0, ni = 0, nm = 0, nz = 0;
    char msg[512];

    CHECK_OK(cpindex_gini(x, NULL, 4, &v));
    CHECK(near(v, 0.25));
    CHECK_OK(cpindex_theil_t(x, NULL, 4, &v));
    CHECK(near(v, 0.10644013528622318));
    CHECK_OK(cpindex_mean_log_deviation(x, NULL, 4, &v));
    CHECK(near(v, 0.12177727428716867));
    CHECK_OK(cpindex_generalized_entropy(x, NULL, 4, 2.0, &v));
    CHECK(near(v, 0.1));
    CHECK_OK(cpindex_atkinson(x, NULL, 4, 1.0, &v));
    CHECK(near(v, 0.11465446423974279));
    CHECK_OK(cpindex_coefficient_of_variation(x, NULL, 4, &v));
    CHECK(near(v, 0.4472135954999579));
    CHECK_OK(cpindex_palma_ratio(ten, NULL, 10, &v));
    CHECK(near(v, 1.0));
    CHECK_OK(cpindex_quintile_share_ratio(ten, NULL, 10, &v));
    CHECK(near(v, 19.0 / 3.0));
    CHECK_OK(cpindex_quantile(x, NULL, 4, 0.5, &v));
    CHECK(near(v, 2.5));
    CHECK_OK(cpindex_share_in_band(x, NULL, 4, 2.0, 4.0, &v));
    CHECK(near(v, 0.5));
    /* weights {1, 3} on {1, 2} = {1, 2, 2, 2}: G = 6 / (2 * 16 * 1.75) = 3/28 */
    CHECK_OK(cpindex_gini(xw, w, 2, &v));
    CHECK(near(v, 3.0 / 28.0));
    CHECK_OK(cpindex_ge_decomposition(x, NULL, groups, 4, 1.0, &total, &within, &between));
    CHECK(near(total, 0.10644013528622318) && near(between, 0.08228287850505178));
    CHECK(near(within + between, total));
    CHECK_OK(cpindex_gini_decomposition(x, NULL, groups, 4, &total, &within, &between, &tv));
    CHECK(near(total, 0.25) && near(within + between + tv, 0.25));

    /* errors: nothing written on failure */
    v = -1.0;
    CHECK_STATUS(cpindex_gini(NULL, NULL, 0, &v), CPINDEX_STATUS_EMPTY_INPUT);
    CHECK_STATUS(cpindex_gini(NULL, NULL, 3, &v), CPINDEX_STATUS_NULL_ARGUMENT);
    CHECK_STATUS(cpindex_gini(x, NULL, 4, NULL), CPINDEX_STATUS_NULL_ARGUMENT);
    CHECK_STATUS(cpindex_theil_t(with_nan, NULL, 5, &v), CPINDEX_STATUS_MISSING_VALUE);
    CHECK(strstr(last_error(msg, sizeof msg), "values[1]") != NULL);
    CHECK_STATUS(cpindex_quantile(x, NULL, 4, 1.5, &v), CPINDEX_STATUS_INVALID_ARGUMENT);
    CHECK_STATUS(cpindex_share_in_band(x, NULL, 4, 3.0, 2.0, &v), CPINDEX_STATUS_INVALID_ARGUMENT);
    CHECK_STATUS(cpindex_atkinson(x, NULL, 4, -1.0, &v), CPINDEX_STATUS_INVALID_ARGUMENT);
    CHECK_STATUS(cpindex_ge_decomposition(x, NULL, NULL, 4, 1.0, &total, &within, &between),
                 CPINDEX_STATUS_NULL_ARGUMENT);
    CHECK(v == -1.0);

    /* the handle: NaN skipped, queried many times */
    CHECK_OK(cpindex_distribution_new(with_nan, NULL, 5, CPINDEX_MISSING_POLICY_SKIP, &d));
    CHECK_OK(cpindex_distribution_counts(d, &n, &ni, &nm, &nz));
    CHECK(n == 4 && ni == 5 && nm == 1 && nz == 0);
    CHECK_OK(cpindex_distribution_measure(d, CPINDEX_MEASURE_GINI, 0.0, &v));
    CHECK(near(v, 0.25));
    CHECK_OK(cpindex_distribution_measure(d, CPINDEX_MEASURE_GINI_CORRECTED, 0.0, &v));
    CHECK(near(v, 1.0 / 3.0)); /* 0.25 * 4/3 */
    CHECK_OK(cpindex_distribution_measure(d, CPINDEX_MEASURE_HOOVER, 0.0, &v));
    CHECK(near(v, 0.2)); /* (1.5 + .5 + .5 + 1.5) / (2 * 10) */
    CHECK_OK(cpindex_distribution_measure(d, CPINDEX_MEASURE_AT_RISK_OF_POVERTY_RATE, 0.0, &v));
    CHECK(near(v, 0.25)); /* threshold 0.6 * 2.5 = 1.5: only {1} below */
    CHECK_OK(cpindex_distribution_measure(d, CPINDEX_MEASURE_S80S20, 0.0, &v));
    CHECK(near(v, 4.0)); /* top 0.8 record of 4 = 3.2 over bottom 0.8 record of 1 = 0.8 */
    CHECK_OK(cpindex_distribution_measure(d, CPINDEX_MEASURE_MAX, 0.0, &v));
    CHECK(v == 4.0);
    CHECK_OK(cpindex_distribution_quantile(d, 0.5, CPINDEX_QUANTILE_METHOD_INVERTED_CDF, &v));
    CHECK(v == 2.0);
    CHECK_OK(cpindex_distribution_quantile(d, 0.5, CPINDEX_QUANTILE_METHOD_LINEAR, &v));
    CHECK(near(v, 2.5));
    CHECK_OK(cpindex_distribution_lorenz(d, 0.5, &v));
    CHECK(near(v, 0.3)); /* (1 + 2) / 10 */
    CHECK_OK(cpindex_distribution_income_share(d, 0.5, 1.0, &v));
    CHECK(near(v, 0.7));
    CHECK_OK(cpindex_distribution_share_in_band(d, 2.0, 4.0, CPINDEX_BAND_RULE_CLOSED, &v));
    CHECK(near(v, 0.75));
    CHECK_OK(cpindex_distribution_quintile_share_ratio(d, CPINDEX_SHARE_RATIO_METHOD_LORENZ, &v));
    CHECK(near(v, 4.0));
    CHECK_OK(cpindex_distribution_max_min(d, &mm));
    CHECK(mm.max == 4.0 && mm.max_position == 0 && mm.min == 1.0 && mm.min_position == 2 && mm.ratio == 4.0);
    CHECK_STATUS(cpindex_distribution_sorted_values(d, NULL, 0, &n), CPINDEX_STATUS_BUFFER_TOO_SMALL);
    CHECK(n == 4);
    CHECK_OK(cpindex_distribution_sorted_values(d, sorted, 4, &n));
    CHECK(sorted[0] == 1.0 && sorted[3] == 4.0);
    CHECK_STATUS(cpindex_distribution_measure(d, 999u, 0.0, &v), CPINDEX_STATUS_INVALID_ARGUMENT);
    CHECK_STATUS(cpindex_distribution_quantile(d, 0.5, 7u, &v), CPINDEX_STATUS_INVALID_ARGUMENT);
    CHECK_STATUS(cpindex_distribution_share_in_band(d, 0, 1, 9u, &v), CPINDEX_STATUS_INVALID_ARGUMENT);
    CHECK_STATUS(cpindex_distribution_measure(NULL, 0, 0.0, &v), CPINDEX_STATUS_NULL_ARGUMENT);
    CHECK_OK(cpindex_distribution_clone(d, &d2));
    cpindex_distribution_free(d);
    CHECK_OK(cpindex_distribution_measure(d2, CPINDEX_MEASURE_MEAN, 0.0, &v));
    CHECK(v == 2.5);
    cpindex_distribution_free(d2);
    cpindex_distribution_free(NULL);
    d = NULL;
    CHECK_STATUS(cpindex_distribution_new(with_nan, NULL, 5, CPINDEX_MISSING_POLICY_ERROR, &d),
                 CPINDEX_STATUS_MISSING_VALUE);
    CHECK_STATUS(cpindex_distribution_new(x, NULL, 4, 5u, &d), CPINDEX_STATUS_INVALID_ARGUMENT);
    CHECK(d == NULL);
}

/* A toy framework (the same as tests/ffi_engine.rs): dimensions econ and social (weight 1);
 * a (econ, higher, target 40), b (econ, lower, target 1), c (social, higher, target 400). */
static const char *TOY =
    "{\"id\":\"toy\",\"title_zh\":\"t\",\"title_en\":\"t\",\"base_year\":2020,\"target_year\":2025,"
    "\"dimensions\":[{\"id\":\"econ\",\"name_zh\":\"e\",\"name_en\":\"e\",\"weight\":1},"
    "{\"id\":\"social\",\"name_zh\":\"s\",\"name_en\":\"s\",\"weight\":1}],"
    "\"indicators\":["
    "{\"id\":\"a\",\"dimension\":\"econ\",\"name_zh\":\"a\",\"name_en\":\"a\",\"unit\":{\"label\":\"x\"},"
    "\"polarity\":{\"type\":\"higher_is_better\"},\"kind\":\"level\",\"target\":40,\"weight\":1},"
    "{\"id\":\"b\",\"dimension\":\"econ\",\"name_zh\":\"b\",\"name_en\":\"b\",\"unit\":{\"label\":\"x\"},"
    "\"polarity\":{\"type\":\"lower_is_better\"},\"kind\":\"level\",\"target\":1,\"weight\":1},"
    "{\"id\":\"c\",\"dimension\":\"social\",\"name_zh\":\"c\",\"name_en\":\"c\",\"unit\":{\"label\":\"x\"},"
    "\"polarity\":{\"type\":\"higher_is_better\"},\"kind\":\"level\",\"target\":400,\"weight\":1}]}";

static const char *INDEX_CSV =
    "unit,period,indicator,value\n"
    "X,2021,a,10\nY,2021,a,20\nZ,2021,a,30\n"
    "X,2021,b,5\nY,2021,b,1\nZ,2021,b,3\n"
    "X,2021,c,100\nY,2021,c,200\nZ,2021,c,400\n";

/* Index by hand (min-max to [0, 100], arithmetic, manual weights):
 *   a (10, 20, 30) -> (0, 50, 100); b (5, 1, 3) lower -> (0, 100, 50); c (100, 200, 400) -> (0, 33.33, 100)
 *   econ = (a + b)/2 = (0, 75, 75); index = (econ + c)/2 = (0, 54.1667, 87.5); ranks (3, 2, 1)
 *   obstacle degrees of X (all normalised 0): effective weights 1/4, 1/4, 1/2. */
static void test_csv_and_index(void) {
    const cpindex_framework *fw = NULL;
    cpindex_panel *p = NULL;
    cpindex_panel *none = NULL;
    const cpindex_index_result *r = NULL;
    const cpindex_index_result *rnone = NULL;
    const char *bad_csv = "unit,period,indicator,value\nX,2021,a,10\nX,2021,b,abc\n";
    const char *spec = "{\"ranks\": {\"ties\": \"min\"}}";
    double scores[3], weights[2];
    int32_t periods[1];
    size_t nu = 0, np = 0, ni = 0, nn = 0, n = 0;
    char buf[128];
    char *json;

    CHECK_OK(cpindex_framework_from_json(TOY, strlen(TOY), &fw));
    CHECK_OK(cpindex_panel_from_csv(INDEX_CSV, strlen(INDEX_CSV), CPINDEX_CSV_LAYOUT_LONG, fw, &p));
    CHECK_OK(cpindex_panel_dims(p, &nu, &np, &ni));
    CHECK(nu == 3 && np == 1 && ni == 3);
    /* malformed CSV: the message gives line and column */
    CHECK_STATUS(cpindex_panel_from_csv(bad_csv, strlen(bad_csv), CPINDEX_CSV_LAYOUT_LONG, fw, &none),
                 CPINDEX_STATUS_PARSE_ERROR);
    last_error(buf, sizeof buf);
    CHECK(strstr(buf, "line 3") != NULL && strstr(buf, "value") != NULL);
    CHECK_STATUS(cpindex_panel_from_csv(INDEX_CSV, strlen(INDEX_CSV), 7u, fw, &none), CPINDEX_STATUS_INVALID_ARGUMENT);
    CHECK_STATUS(cpindex_panel_from_csv("\xff", 1, CPINDEX_CSV_LAYOUT_LONG, NULL, &none), CPINDEX_STATUS_INVALID_UTF8);
    CHECK_STATUS(cpindex_panel_from_csv(NULL, 4, CPINDEX_CSV_LAYOUT_LONG, NULL, &none), CPINDEX_STATUS_NULL_ARGUMENT);
    CHECK(none == NULL);

    CHECK_OK(cpindex_index_run(fw, p, spec, strlen(spec), &r));
    /* the result keeps what it needs */
    cpindex_panel_free(p);
    cpindex_framework_free(fw);
    CHECK_OK(cpindex_index_result_dims(r, &nu, &np, &ni, &nn));
    CHECK(nu == 3 && np == 1 && ni == 3 && nn == 3);
    CHECK_OK(cpindex_index_result_periods(r, periods, 1, &n));
    CHECK(periods[0] == 2021);
    CHECK_OK(cpindex_index_result_id(r, CPINDEX_INDEX_LIST_NODE, 0, buf, sizeof buf, &n));
    CHECK(strcmp(buf, "toy") == 0);
    CHECK_OK(cpindex_index_result_id(r, CPINDEX_INDEX_LIST_UNIT, 1, buf, sizeof buf, &n));
    CHECK(strcmp(buf, "Y") == 0);
    CHECK_STATUS(cpindex_index_result_scores(r, "toy", 3, 2021, NULL, 0, &n), CPINDEX_STATUS_BUFFER_TOO_SMALL);
    CHECK(n == 3);
    CHECK_OK(cpindex_index_result_scores(r, "toy", 3, 2021, scores, 3, &n));
    CHECK(near(scores[0], 0.0) && fabs(scores[1] - (54.0 + 1.0 / 6.0)) < 1e-9 && near(scores[2], 87.5));
    CHECK_OK(cpindex_index_result_scores(r, "econ", 4, 2021, scores, 3, &n));
    CHECK(near(scores[1], 75.0) && near(scores[2], 75.0));
    CHECK_OK(cpindex_index_result_ranks(r, "toy", 3, 2021, scores, 3, &n));
    CHECK(scores[0] == 3.0 && scores[1] == 2.0 && scores[2] == 1.0);
    CHECK_OK(cpindex_index_result_normalised(r, "b", 1, 2021, scores, 3, &n));
    CHECK(near(scores[0], 0.0) && near(scores[1], 100.0) && near(scores[2], 50.0));
    CHECK_OK(cpindex_index_result_obstacles(r, "c", 1, 2021, scores, 3, &n));
    CHECK(near(scores[0], 0.5));
    CHECK_OK(cpindex_index_result_contributions(r, "b", 1, 2021, scores, 3, &n));
    CHECK(fabs(scores[1] - 25.0 / (54.0 + 1.0 / 6.0)) < 1e-9); /* 0.25 * 100 / 54.1667 */
    CHECK_OK(cpindex_index_result_weights(r, "econ", 4, 2021, CPINDEX_WEIGHT_KIND_EFFECTIVE, weights, 2, &n));
    CHECK(n == 2 && near(weights[0], 0.25) && near(weights[1], 0.25));
    CHECK_OK(cpindex_index_result_child_id(r, "toy", 3, 1, buf, sizeof buf, &n));
    CHECK(strcmp(buf, "social") == 0);
    CHECK_STATUS(cpindex_index_result_to_json(r, NULL, 0, &n), CPINDEX_STATUS_BUFFER_TOO_SMALL);
    json = (char *)malloc(n + 1);
    CHECK(json != NULL);
    if (json != NULL) {
        CHECK_OK(cpindex_index_result_to_json(r, json, n + 1, &n));
        CHECK(strstr(json, "\"framework_id\": \"toy\"") != NULL);
        free(json);
    }
    /* errors */
    CHECK_STATUS(cpindex_index_result_scores(r, "toy", 3, 1999, scores, 3, &n), CPINDEX_STATUS_UNKNOWN_ID);
    CHECK_STATUS(cpindex_index_result_scores(r, "nope", 4, 2021, scores, 3, &n), CPINDEX_STATUS_UNKNOWN_ID);
    CHECK_STATUS(cpindex_index_result_scores(r, "toy", 3, 2021, scores, 2, &n), CPINDEX_STATUS_BUFFER_TOO_SMALL);
    CHECK_STATUS(cpindex_index_result_weights(r, "toy", 3, 2021, 9u, weights, 2, &n), CPINDEX_STATUS_INVALID_ARGUMENT);
    CHECK_STATUS(cpindex_index_result_id(r, 9u, 0, buf, sizeof buf, &n), CPINDEX_STATUS_INVALID_ARGUMENT);
    CHECK_STATUS(cpindex_index_result_dims(NULL, &nu, &np, &ni, &nn), CPINDEX_STATUS_NULL_ARGUMENT);
    CHECK_STATUS(cpindex_index_run(NULL, NULL, NULL, 0, &rnone), CPINDEX_STATUS_NULL_ARGUMENT);
    CHECK(rnone == NULL);
    cpindex_index_result_free(r);
    cpindex_index_result_free(NULL);

    /* a parsed spec, reused: min-max to [1, 100] gives a = 1 + 99 * (0, 1/2, 1) */
    {
        const char *spec100 = "{\"normalisation\": {\"default\": {\"method\": \"min_max\", \"low\": 1, \"high\": 100}}}";
        const cpindex_spec *sp = NULL;
        const cpindex_spec *bad = NULL;
        uint32_t kind = 9;
        CHECK_OK(cpindex_framework_from_json(TOY, strlen(TOY), &fw));
        CHECK_OK(cpindex_panel_from_csv(INDEX_CSV, strlen(INDEX_CSV), CPINDEX_CSV_LAYOUT_LONG, fw, &p));
        CHECK_OK(cpindex_spec_new(CPINDEX_SPEC_KIND_INDEX, spec100, strlen(spec100), &sp));
        CHECK_OK(cpindex_spec_get_kind(sp, &kind));
        CHECK(kind == CPINDEX_SPEC_KIND_INDEX);
        CHECK_STATUS(cpindex_spec_to_json(sp, NULL, 0, &n), CPINDEX_STATUS_BUFFER_TOO_SMALL);
        CHECK_OK(cpindex_index_run_spec(fw, p, sp, &r));
        CHECK_OK(cpindex_index_result_normalised(r, "a", 1, 2021, scores, 3, &n));
        CHECK(near(scores[0], 1.0) && near(scores[1], 50.5) && near(scores[2], 100.0));
        cpindex_index_result_free(r);
        CHECK_STATUS(cpindex_spec_new(7u, NULL, 0, &bad), CPINDEX_STATUS_INVALID_ARGUMENT);
        CHECK_STATUS(cpindex_spec_new(CPINDEX_SPEC_KIND_INDEX, "{\"zz\": 1}", 9, &bad), CPINDEX_STATUS_INVALID_SPEC);
        CHECK(bad == NULL);
        cpindex_spec_free(sp);
        cpindex_spec_free(NULL);
        cpindex_panel_free(p);
        cpindex_framework_free(fw);
    }
}

/* Monitoring of X, 2020 -> 2021 (elapsed share 1/5 = 0.2, tolerance 0.05), by hand:
 *   a 10 -> 20, target 40: ratio 0.5, progress 10/30 = 1/3 -> ahead; colour red (0.5 < 0.75)
 *   b 5 -> 3, lower, target 1: ratio 1/3, progress 2/4 = 0.5 -> ahead
 *   c 100 -> 400, target 400: achieved, green
 *   plan achievement = (0.5 + 1/3)/4 + 1/2 = 0.708333
 *   dynamic index: a 100 + 30*10/30 = 110, b 100 + 30*2/4 = 115, c 130
 *   -> 0.25*110 + 0.25*115 + 0.5*130 = 121.25 (2020 = 100) */
static void test_monitor(void) {
    const char *csv = "unit,period,a,b,c\nX,2020,10,5,100\nX,2021,20,3,400\n";
    const cpindex_framework *fw = NULL;
    cpindex_panel *p = NULL;
    const cpindex_monitor_result *r = NULL;
    const cpindex_monitor_result *rnone = NULL;
    int32_t by = 0, ty = 0, year = 0, years[2];
    double v = 0, values[2];
    uint32_t code = 99;
    size_t nu = 0, n = 0;
    char buf[64];

    CHECK_OK(cpindex_framework_from_json(TOY, strlen(TOY), &fw));
    CHECK_OK(cpindex_panel_from_csv(csv, strlen(csv), CPINDEX_CSV_LAYOUT_WIDE, fw, &p));
    CHECK_OK(cpindex_monitor_run(fw, p, NULL, 0, &r));
    CHECK_OK(cpindex_monitor_result_dims(r, &by, &ty, &year, &nu));
    CHECK(by == 2020 && ty == 2025 && year == 2021 && nu == 1);
    CHECK_OK(cpindex_monitor_result_unit_id(r, 0, buf, sizeof buf, &n));
    CHECK(strcmp(buf, "X") == 0);
    CHECK_OK(cpindex_monitor_result_achievement(r, "X", 1, "a", 1, 2021, CPINDEX_ACHIEVEMENT_FIELD_CAPPED, &v));
    CHECK(near(v, 0.5));
    CHECK_OK(cpindex_monitor_result_achievement(r, "X", 1, "a", 1, 2021, CPINDEX_ACHIEVEMENT_FIELD_PROGRESS, &v));
    CHECK(near(v, 1.0 / 3.0));
    CHECK_OK(cpindex_monitor_result_achievement(r, "X", 1, "b", 1, 2021, CPINDEX_ACHIEVEMENT_FIELD_UNCAPPED, &v));
    CHECK(near(v, 1.0 / 3.0));
    CHECK_OK(cpindex_monitor_result_unit_achievement(r, "X", 1, NULL, 0, 2021, &v));
    CHECK(fabs(v - (0.5 + 1.0 / 3.0) / 4.0 - 0.5) < 1e-12);
    CHECK_OK(cpindex_monitor_result_unit_achievement(r, "X", 1, "social", 6, 2021, &v));
    CHECK(near(v, 1.0));
    CHECK_OK(cpindex_monitor_result_status(r, "X", 1, "a", 1, CPINDEX_STATUS_KIND_SCHEDULE, &code));
    CHECK(code == CPINDEX_SCHEDULE_STATUS_AHEAD);
    CHECK_OK(cpindex_monitor_result_status(r, "X", 1, "c", 1, CPINDEX_STATUS_KIND_SCHEDULE, &code));
    CHECK(code == CPINDEX_SCHEDULE_STATUS_ACHIEVED);
    CHECK_OK(cpindex_monitor_result_status(r, "X", 1, "c", 1, CPINDEX_STATUS_KIND_TREND, &code));
    CHECK(code == CPINDEX_TREND_CLASS_TARGET_ACHIEVED);
    CHECK_OK(cpindex_monitor_result_status(r, "X", 1, "a", 1, CPINDEX_STATUS_KIND_COLOUR, &code));
    CHECK(code == CPINDEX_COLOUR_RED);
    CHECK_OK(cpindex_monitor_result_status(r, "X", 1, "c", 1, CPINDEX_STATUS_KIND_COLOUR, &code));
    CHECK(code == CPINDEX_COLOUR_GREEN);
    CHECK_STATUS(cpindex_monitor_result_dynamic(r, "X", 1, CPINDEX_DYNAMIC_SERIES_FIXED_BASE, NULL, NULL, 0, &n),
                 CPINDEX_STATUS_BUFFER_TOO_SMALL);
    CHECK(n == 2);
    CHECK_OK(cpindex_monitor_result_dynamic(r, "X", 1, CPINDEX_DYNAMIC_SERIES_FIXED_BASE, years, values, 2, &n));
    CHECK(years[0] == 2020 && years[1] == 2021 && near(values[0], 100.0) && near(values[1], 121.25));
    CHECK_OK(cpindex_monitor_result_dynamic(r, "X", 1, CPINDEX_DYNAMIC_SERIES_CHAINED, years, values, 2, &n));
    CHECK(near(values[1], 121.25));
    /* arrays over the monitored units (one here) */
    CHECK_OK(cpindex_monitor_result_achievements(r, "b", 1, 2021, CPINDEX_ACHIEVEMENT_FIELD_PROGRESS, values, 2, &n));
    CHECK(n == 1 && near(values[0], 0.5));
    CHECK_OK(cpindex_monitor_result_unit_achievements(r, "econ", 4, 2021, values, 2, &n));
    CHECK(n == 1 && fabs(values[0] - (0.5 + 1.0 / 3.0) / 2.0) < 1e-12);
    CHECK_STATUS(cpindex_monitor_result_unit_achievements(r, NULL, 0, 1990, values, 2, &n), CPINDEX_STATUS_UNKNOWN_ID);
    CHECK_STATUS(cpindex_monitor_result_to_json(r, NULL, 0, &n), CPINDEX_STATUS_BUFFER_TOO_SMALL);
    CHECK(n > 100);
    /* errors */
    CHECK_STATUS(cpindex_monitor_result_achievement(r, "Q", 1, "a", 1, 2021, 0, &v), CPINDEX_STATUS_UNKNOWN_ID);
    CHECK_STATUS(cpindex_monitor_result_achievement(r, "X", 1, "a", 1, 2021, 42u, &v), CPINDEX_STATUS_INVALID_ARGUMENT);
    CHECK_STATUS(cpindex_monitor_result_status(r, "X", 1, "a", 1, 8u, &code), CPINDEX_STATUS_INVALID_ARGUMENT);
    CHECK_STATUS(cpindex_monitor_result_dynamic(r, "X", 1, 5u, years, values, 2, &n), CPINDEX_STATUS_INVALID_ARGUMENT);
    CHECK_STATUS(cpindex_monitor_run(fw, p, "{", 1, &rnone), CPINDEX_STATUS_JSON_ERROR);
    CHECK_STATUS(cpindex_monitor_run(fw, NULL, NULL, 0, &rnone), CPINDEX_STATUS_NULL_ARGUMENT);
    CHECK(rnone == NULL);
    /* the same run on several threads (0 = the machine's): the same numbers */
    for (size_t t = 0; t < 3; t++) {
        const cpindex_monitor_result *rt = NULL;
        double vt = 0.0;
        CHECK_OK(cpindex_monitor_run_threads(fw, p, NULL, 0, t, &rt));
        CHECK_OK(cpindex_monitor_result_achievement(rt, "X", 1, "a", 1, 2021, CPINDEX_ACHIEVEMENT_FIELD_CAPPED, &vt));
        CHECK(near(vt, 0.5));
        cpindex_monitor_result_free(rt);
    }
    CHECK_STATUS(cpindex_monitor_run_threads(fw, p, "{", 1, 2, &rnone), CPINDEX_STATUS_JSON_ERROR);
    CHECK_STATUS(cpindex_monitor_run_threads(NULL, p, NULL, 0, 2, &rnone), CPINDEX_STATUS_NULL_ARGUMENT);
    CHECK_STATUS(cpindex_monitor_run_threads(fw, p, NULL, 0, 2, NULL), CPINDEX_STATUS_NULL_ARGUMENT);
    CHECK(rnone == NULL);
    cpindex_monitor_result_free(r);
    cpindex_monitor_result_free(NULL);
    cpindex_panel_free(p);
    cpindex_framework_free(fw);
}

static void test_json_actions(void) {
    const char *req = "{\"action\": \"inequality\", \"values\": [1, 2, 3, 4], \"groups\": [0, 0, 1, 1]}";
    const char *bad = "{\"action\": \"inequality\", \"values\": [1, 2], \"measures\": [\"nope\"]}";
    size_t n = 0;
    char *out;
    CHECK_STATUS(cpindex_run_json(req, strlen(req), NULL, 0, &n), CPINDEX_STATUS_BUFFER_TOO_SMALL);
    out = (char *)malloc(n + 1);
    CHECK(out != NULL);
    if (out != NULL) {
        CHECK_OK(cpindex_run_json(req, strlen(req), out, n + 1, &n));
        CHECK(strstr(out, "\"gini\": 0.25") != NULL);
        CHECK(strstr(out, "\"decomposition\"") != NULL);
        free(out);
    }
    CHECK_STATUS(cpindex_run_json(bad, strlen(bad), NULL, 0, &n), CPINDEX_STATUS_INVALID_SPEC);
}

int main(void) {
    test_versions();
    test_framework();
    test_panel();
    test_json_and_errors();
    test_distribution();
    test_csv_and_index();
    test_monitor();
    test_json_actions();
    return report();
}

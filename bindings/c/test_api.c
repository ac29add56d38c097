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
    const char *bad = "{\"action\": \"index\", \"framework\": \"quzhou-2021-2025\"}";
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
    CHECK(strstr(last_error(msg, sizeof msg), "unknown action `index`") != NULL);

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

int main(void) {
    test_versions();
    test_framework();
    test_panel();
    test_json_and_errors();
    return report();
}

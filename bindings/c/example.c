/* cpindex from C: a built-in framework, a Gini coefficient and a composite index.
 *
 *   cc -std=c99 example.c $(pkg-config --cflags --libs cpindex) -o example && ./example
 */
#include <stdio.h>
#include <string.h>

#include "cpindex.h"

/* Prints the status and the calling thread's last error; returns 1. */
static int fail(const char *what, cpindex_status st) {
    char msg[512];
    size_t n = 0;
    if (cpindex_last_error_message(msg, sizeof msg, &n) != CPINDEX_STATUS_OK) msg[0] = '\0';
    fprintf(stderr, "%s failed: %s\n  %s\n", what, cpindex_status_str(st), msg);
    return 1;
}

int main(void) {
    const char *name = "quzhou-2021-2025";
    const double incomes[5] = {21000, 35000, 48000, 62000, 150000}; /* yuan per person */
    const char *csv =
        "unit,period,indicator,value\n"
        "kecheng,2021,gdp,700\nqujiang,2021,gdp,500\njiangshan,2021,gdp,330\n"
        "kecheng,2021,per_capita_disposable_income,5.5\n"
        "qujiang,2021,per_capita_disposable_income,4.5\n"
        "jiangshan,2021,per_capita_disposable_income,4.3\n";
    const cpindex_framework *fw = NULL;
    cpindex_panel *panel = NULL;
    const cpindex_index_result *result = NULL;
    double target = 0.0, gini = 0.0, scores[3];
    size_t gdp = 0, n = 0, u;
    cpindex_status st;

    if (cpindex_abi_version() != CPINDEX_ABI_VERSION) {
        fprintf(stderr, "header/library mismatch: rebuild against cpindex %s\n", cpindex_version_string());
        return 1;
    }
    if ((st = cpindex_framework_builtin(name, strlen(name), &fw))) return fail("cpindex_framework_builtin", st);
    if ((st = cpindex_framework_indicator_index(fw, "gdp", 3, &gdp)) ||
        (st = cpindex_framework_indicator_number(fw, gdp, CPINDEX_INDICATOR_NUMBER_TARGET, &target))) {
        cpindex_framework_free(fw);
        return fail("reading the gdp target", st);
    }
    printf("cpindex %s: gdp target %g (100 million yuan)\n", cpindex_version_string(), target);

    if ((st = cpindex_gini(incomes, NULL, 5, &gini))) {
        cpindex_framework_free(fw);
        return fail("cpindex_gini", st);
    }
    printf("Gini of the household incomes: %.4f\n", gini);

    /* A composite index over the indicators present in the panel (default spec). */
    if ((st = cpindex_panel_from_csv(csv, strlen(csv), CPINDEX_CSV_LAYOUT_LONG, fw, &panel)) ||
        (st = cpindex_index_run(fw, panel, NULL, 0, &result)) ||
        (st = cpindex_index_result_scores(result, name, strlen(name), 2021, scores, 3, &n))) {
        cpindex_index_result_free(result);
        cpindex_panel_free(panel);
        cpindex_framework_free(fw);
        return fail("the composite index", st);
    }
    for (u = 0; u < n; u++) {
        char unit[64];
        size_t len = 0;
        if (cpindex_index_result_id(result, CPINDEX_INDEX_LIST_UNIT, u, unit, sizeof unit, &len) == CPINDEX_STATUS_OK)
            printf("  %-10s index %6.2f\n", unit, scores[u]);
    }
    cpindex_index_result_free(result);
    cpindex_panel_free(panel);
    cpindex_framework_free(fw);
    return 0;
}

/* The evaluation from C: the satisfaction index and the distribution targets of one
 * request, printed with 17 significant digits (enough to round-trip every double).
 *
 *   evaluate_sample PANEL.csv SURVEY.json HOUSEHOLDS.txt UNIT...
 *
 * HOUSEHOLDS.txt holds one household per line: income size weight. The framework is the
 * built-in default. tests/evaluate_four_ways.rs compiles and runs this program and
 * compares its output with the Rust core, the JSON entry point and Python.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpindex.h"

static char *slurp(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    char *buf;
    long n;
    if (!f) return NULL;
    if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0) {
        fclose(f);
        return NULL;
    }
    buf = malloc((size_t)n + 1);
    if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    if (buf) {
        buf[n] = '\0';
        *len = (size_t)n;
    }
    return buf;
}

static int fail(const char *what, cpindex_status st) {
    char msg[1024];
    size_t n = 0;
    if (cpindex_last_error_message(msg, sizeof msg, &n) != CPINDEX_STATUS_OK) msg[0] = '\0';
    fprintf(stderr, "%s failed: %s\n  %s\n", what, cpindex_status_str(st), msg);
    return 1;
}

static void print_estimate(const char *unit, const char *domain, const cpindex_estimate *e) {
    printf("sat %s %s %.17g %.17g %.17g %.17g %.17g %.17g %lu %lu\n", unit, domain, e->mean, e->se,
           e->ci_lower, e->ci_upper, e->deff, e->n_effective, (unsigned long)e->n,
           (unsigned long)e->nonresponse);
}

int main(int argc, char **argv) {
    static const char *domains[] = {"gain", "happiness", "security", "identity"};
    const cpindex_framework *fw = NULL;
    cpindex_panel *panel = NULL;
    const cpindex_evaluation *ev = NULL;
    char *csv, *survey, id[128], fp[128];
    size_t csv_len = 0, survey_len = 0, cap = 1024, n = 0, k, len;
    double *inc = malloc(cap * sizeof *inc), *size = malloc(cap * sizeof *size),
           *w = malloc(cap * sizeof *w);
    FILE *hf;
    cpindex_status st;
    int a, rc = 0;

    if (argc < 5 || !inc || !size || !w) {
        fprintf(stderr, "usage: evaluate_sample PANEL.csv SURVEY.json HOUSEHOLDS.txt UNIT...\n");
        return 2;
    }
    csv = slurp(argv[1], &csv_len);
    survey = slurp(argv[2], &survey_len);
    hf = fopen(argv[3], "r");
    if (!csv || !survey || !hf) {
        fprintf(stderr, "cannot read the inputs\n");
        return 2;
    }
    while (fscanf(hf, "%lf %lf %lf", &inc[n], &size[n], &w[n]) == 3) {
        if (++n == cap) {
            cap *= 2;
            inc = realloc(inc, cap * sizeof *inc);
            size = realloc(size, cap * sizeof *size);
            w = realloc(w, cap * sizeof *w);
            if (!inc || !size || !w) return 2;
        }
    }
    fclose(hf);

    if ((st = cpindex_framework_builtin("quzhou-2021-2025", 16, &fw))) return fail("builtin", st);
    if ((st = cpindex_panel_from_csv(csv, csv_len, CPINDEX_CSV_LAYOUT_LONG, fw, &panel))) {
        rc = fail("cpindex_panel_from_csv", st);
        goto done;
    }
    if ((st = cpindex_evaluate(fw, panel, survey, survey_len, inc, size, w, n, NULL, 0, &ev))) {
        rc = fail("cpindex_evaluate", st);
        goto done;
    }
    if ((st = cpindex_evaluation_fingerprint(ev, fp, sizeof fp, &len))) {
        rc = fail("cpindex_evaluation_fingerprint", st);
        goto done;
    }
    printf("fingerprint %s\n", fp);
    for (a = 4; a < argc; a++) {
        cpindex_estimate e;
        if ((st = cpindex_evaluation_satisfaction(ev, argv[a], strlen(argv[a]), NULL, 0, &e))) {
            rc = fail("cpindex_evaluation_satisfaction", st);
            goto done;
        }
        print_estimate(argv[a], "overall", &e);
        for (k = 0; k < 4; k++) {
            if ((st = cpindex_evaluation_satisfaction(ev, argv[a], strlen(argv[a]), domains[k],
                                                      strlen(domains[k]), &e))) {
                rc = fail("cpindex_evaluation_satisfaction (domain)", st);
                goto done;
            }
            print_estimate(argv[a], domains[k], &e);
        }
    }
    if ((st = cpindex_evaluation_distribution_count(ev, &n))) {
        rc = fail("cpindex_evaluation_distribution_count", st);
        goto done;
    }
    for (k = 0; k < n; k++) {
        cpindex_distribution_target t;
        if ((st = cpindex_evaluation_distribution(ev, k, &t)) ||
            (st = cpindex_evaluation_distribution_id(ev, k, id, sizeof id, &len))) {
            rc = fail("cpindex_evaluation_distribution", st);
            goto done;
        }
        printf("dist %s %.17g %.17g %u %u\n", id, t.value, t.target, t.kind, t.colour);
    }
done:
    cpindex_evaluation_free(ev);
    cpindex_panel_free(panel);
    cpindex_framework_free(fw);
    free(csv);
    free(survey);
    free(inc);
    free(size);
    free(w);
    return rc;
}

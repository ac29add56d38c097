/* 8 threads call the library at once on shared read-only handles (a framework, a panel, a
 * distribution, an index result; const functions only): framework accessors, distribution
 * one-shots and handle queries, index runs on the shared framework and panel, reads of the
 * shared result, and each thread checks its own per-thread last error.
 * Built by tests/c_api.rs (-std=c99 -pedantic, -pthread). */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpindex.h"

#define N_THREADS 8
#define ROUNDS 25
#define MAX_IND 512

struct shared {
    const cpindex_framework *fw;
    const cpindex_panel *panel;
    size_t n_indicators;
    double targets[MAX_IND]; /* read once by the main thread */
    size_t json_len;
    const cpindex_distribution *dist;
    const cpindex_framework *toy;
    const cpindex_panel *toy_panel;
    const cpindex_index_result *result;
};

/* The toy framework and panel of test_api.c (index by hand: 0, 54.1667, 87.5). */
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

static const char *TOY_CSV =
    "unit,period,indicator,value\n"
    "X,2021,a,10\nY,2021,a,20\nZ,2021,a,30\n"
    "X,2021,b,5\nY,2021,b,1\nZ,2021,b,3\n"
    "X,2021,c,100\nY,2021,c,200\nZ,2021,c,400\n";

static const double INCOMES[4] = {1, 2, 3, 4};

struct job {
    const struct shared *sh;
    int id;
    int passed;
    int failed;
};

#define T_CHECK(j, cond)                                                               \
    do {                                                                               \
        if (cond) {                                                                    \
            (j)->passed++;                                                             \
        } else {                                                                       \
            (j)->failed++;                                                             \
            fprintf(stderr, "thread %d: %s:%d: CHECK failed: %s\n", (j)->id, __FILE__, \
                    __LINE__, #cond);                                                  \
        }                                                                              \
    } while (0)

static int same(double a, double b) { return (isnan(a) && isnan(b)) || a == b; }

static int near(double a, double b) { return fabs(a - b) < 1e-9; }

static void *work(void *arg) {
    struct job *j = (struct job *)arg;
    const struct shared *sh = j->sh;
    int round;
    for (round = 0; round < ROUNDS; round++) {
        size_t n = 0, i, len = 0;
        double v = 0.0;
        char name[64];
        char msg[256];
        const cpindex_framework *none = NULL;
        const cpindex_framework *mine = NULL;

        T_CHECK(j, cpindex_framework_indicator_count(sh->fw, &n) == CPINDEX_STATUS_OK);
        T_CHECK(j, n == sh->n_indicators);
        for (i = 0; i < n && i < MAX_IND; i++) {
            char id[128];
            T_CHECK(j, cpindex_framework_indicator_number(sh->fw, i, CPINDEX_INDICATOR_NUMBER_TARGET, &v) ==
                           CPINDEX_STATUS_OK);
            T_CHECK(j, same(v, sh->targets[i]));
            T_CHECK(j, cpindex_framework_indicator_text(sh->fw, i, CPINDEX_INDICATOR_FIELD_ID, id, sizeof id,
                                                        &len) == CPINDEX_STATUS_OK);
        }
        T_CHECK(j, cpindex_framework_to_json(sh->fw, NULL, 0, &len) == CPINDEX_STATUS_BUFFER_TOO_SMALL);
        T_CHECK(j, len == sh->json_len);
        /* clones of the shared handle, freed by this thread */
        T_CHECK(j, cpindex_framework_clone(sh->fw, &mine) == CPINDEX_STATUS_OK);
        cpindex_framework_free(mine);
        /* the shared panel */
        T_CHECK(j, cpindex_panel_get(sh->panel, 1, 0, 0, &v) == CPINDEX_STATUS_OK);
        T_CHECK(j, v == 2.0);
        /* a thread-specific failure: this thread's last error names its own id */
        snprintf(name, sizeof name, "missing-%d-%d", j->id, round);
        T_CHECK(j, cpindex_framework_builtin(name, strlen(name), &none) == CPINDEX_STATUS_UNKNOWN_ID);
        T_CHECK(j, cpindex_last_error_message(msg, sizeof msg, &len) == CPINDEX_STATUS_OK);
        T_CHECK(j, strstr(msg, name) != NULL);
        T_CHECK(j, none == NULL);

        /* distribution one-shots (Gini of 1..4 = 0.25, median 2.5) and the shared handle */
        T_CHECK(j, cpindex_gini(INCOMES, NULL, 4, &v) == CPINDEX_STATUS_OK && near(v, 0.25));
        T_CHECK(j, cpindex_quantile(INCOMES, NULL, 4, 0.5, &v) == CPINDEX_STATUS_OK && near(v, 2.5));
        T_CHECK(j, cpindex_theil_t(INCOMES, NULL, 4, &v) == CPINDEX_STATUS_OK && near(v, 0.10644013528622318));
        T_CHECK(j, cpindex_distribution_measure(sh->dist, CPINDEX_MEASURE_GINI, 0.0, &v) == CPINDEX_STATUS_OK &&
                       near(v, 0.25));
        T_CHECK(j, cpindex_distribution_lorenz(sh->dist, 0.5, &v) == CPINDEX_STATUS_OK && near(v, 0.3));
        /* the shared index result */
        {
            double sc[3];
            const cpindex_index_result *own = NULL;
            T_CHECK(j, cpindex_index_result_scores(sh->result, "toy", 3, 2021, sc, 3, &len) == CPINDEX_STATUS_OK);
            T_CHECK(j, len == 3 && near(sc[2], 87.5) && near(sc[1], 54.0 + 1.0 / 6.0));
            /* an index run of this thread's own on the shared framework and panel */
            if (round % 5 == 0) {
                T_CHECK(j, cpindex_index_run(sh->toy, sh->toy_panel, NULL, 0, &own) == CPINDEX_STATUS_OK);
                T_CHECK(j, cpindex_index_result_ranks(own, "toy", 3, 2021, sc, 3, &len) == CPINDEX_STATUS_OK);
                T_CHECK(j, sc[0] == 3.0 && sc[1] == 2.0 && sc[2] == 1.0);
                cpindex_index_result_free(own);
            }
        }
    }
    return NULL;
}

int main(void) {
    struct shared sh;
    struct job jobs[N_THREADS];
    pthread_t threads[N_THREADS];
    cpindex_panel *panel = NULL;
    cpindex_str units[2], inds[2];
    const int32_t periods[2] = {2021, 2020};
    const double values[8] = {3, 4, 1, 2, 7, 8, 5, 6};
    int k, passed = 0, failed = 0;
    size_t i;

    memset(&sh, 0, sizeof sh);
    if (cpindex_framework_builtin("quzhou-2021-2025", 16, &sh.fw) != CPINDEX_STATUS_OK ||
        cpindex_framework_indicator_count(sh.fw, &sh.n_indicators) != CPINDEX_STATUS_OK ||
        sh.n_indicators > MAX_IND ||
        cpindex_framework_to_json(sh.fw, NULL, 0, &sh.json_len) != CPINDEX_STATUS_BUFFER_TOO_SMALL) {
        fprintf(stderr, "setup failed\n");
        return 2;
    }
    for (i = 0; i < sh.n_indicators; i++) {
        if (cpindex_framework_indicator_number(sh.fw, i, CPINDEX_INDICATOR_NUMBER_TARGET, &sh.targets[i]) !=
            CPINDEX_STATUS_OK) {
            fprintf(stderr, "setup failed\n");
            return 2;
        }
    }
    units[0].data = "a"; units[0].len = 1;
    units[1].data = "b"; units[1].len = 1;
    inds[0].data = "gdp"; inds[0].len = 3;
    inds[1].data = "pm"; inds[1].len = 2;
    if (cpindex_panel_new(units, 2, periods, 2, inds, 2, values, 8, &panel) != CPINDEX_STATUS_OK) {
        fprintf(stderr, "panel setup failed\n");
        return 2;
    }
    sh.panel = panel;
    {
        cpindex_panel *tp = NULL;
        if (cpindex_distribution_new(INCOMES, NULL, 4, CPINDEX_MISSING_POLICY_ERROR, &sh.dist) != CPINDEX_STATUS_OK ||
            cpindex_framework_from_json(TOY, strlen(TOY), &sh.toy) != CPINDEX_STATUS_OK ||
            cpindex_panel_from_csv(TOY_CSV, strlen(TOY_CSV), CPINDEX_CSV_LAYOUT_LONG, sh.toy, &tp) != CPINDEX_STATUS_OK ||
            cpindex_index_run(sh.toy, tp, NULL, 0, &sh.result) != CPINDEX_STATUS_OK) {
            fprintf(stderr, "toy setup failed\n");
            return 2;
        }
        sh.toy_panel = tp;
    }

    for (k = 0; k < N_THREADS; k++) {
        jobs[k].sh = &sh;
        jobs[k].id = k;
        jobs[k].passed = 0;
        jobs[k].failed = 0;
        if (pthread_create(&threads[k], NULL, work, &jobs[k]) != 0) {
            fprintf(stderr, "pthread_create failed\n");
            return 2;
        }
    }
    for (k = 0; k < N_THREADS; k++) {
        pthread_join(threads[k], NULL);
        passed += jobs[k].passed;
        failed += jobs[k].failed;
    }
    cpindex_panel_free(panel);
    cpindex_framework_free(sh.fw);
    cpindex_index_result_free(sh.result);
    cpindex_panel_free((cpindex_panel *)sh.toy_panel);
    cpindex_framework_free(sh.toy);
    cpindex_distribution_free(sh.dist);
    printf("%d threads: %d passed, %d failed\n", N_THREADS, passed, failed);
    return failed == 0 ? 0 : 1;
}

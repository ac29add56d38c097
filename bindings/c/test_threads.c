/* 8 threads call the library at once on one shared read-only framework handle and one
 * shared panel (const functions only), and check their own per-thread last error.
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
};

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
    printf("%d threads: %d passed, %d failed\n", N_THREADS, passed, failed);
    return failed == 0 ? 0 : 1;
}

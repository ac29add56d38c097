/* Distributed distribution measures through the C ABI: mergeable summaries (create, merge,
 * serialise, deserialise, finalise) and the two-pass rank measures over range partitions,
 * as an engine's executors and driver would call them. Built and run by tests/c_api.rs
 * (C99, -Werror; dynamic, static, valgrind when available).
 * Expected values by hand (see the comments). */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "check.h"

typedef char assert_query_size[(sizeof(cpindex_rank_query) == 3 * sizeof(double)) ? 1 : -1];

static int close_to(double a, double b) { return fabs(a - b) <= 1e-14 * fabs(b) + 1e-300; }

/* Serialises a summary through the size query; returns a malloc'd buffer. */
static uint8_t *summary_bytes(const cpindex_summary *s, size_t *len) {
    uint8_t *buf;
    if (cpindex_summary_to_bytes(s, NULL, 0, len) != CPINDEX_STATUS_BUFFER_TOO_SMALL) return NULL;
    buf = (uint8_t *)malloc(*len);
    if (buf == NULL) return NULL;
    if (cpindex_summary_to_bytes(s, buf, *len, len) != CPINDEX_STATUS_OK) {
        free(buf);
        return NULL;
    }
    return buf;
}

static void test_moments(void) {
    /* {1, 2 | 3, 4} in two chunks: mu = 2.5, sigma^2 = 1.25, CV^2 = 0.2, GE(2) = 0.1;
     * MLD = ln 2.5 - ln(24)/4. */
    const double a[] = {1.0, 2.0}, b[] = {4.0, 3.0};
    const double alphas[] = {2.0};
    cpindex_summary *sa = NULL, *sb = NULL, *back = NULL;
    double v = 0.0;
    uint64_t n = 0, nm = 0, nz = 0;
    size_t len = 0;
    uint8_t *bytes;
    CHECK_OK(cpindex_summary_new(a, NULL, 2, alphas, 1, CPINDEX_MISSING_POLICY_ERROR, &sa));
    CHECK_OK(cpindex_summary_new(b, NULL, 2, alphas, 1, CPINDEX_MISSING_POLICY_ERROR, &sb));
    /* across the byte format, as executors send summaries to the driver */
    bytes = summary_bytes(sb, &len);
    CHECK(bytes != NULL && len > 20 && memcmp(bytes, "CPXD", 4) == 0);
    if (bytes != NULL) {
        CHECK_OK(cpindex_summary_from_bytes(bytes, len, &back));
        CHECK_OK(cpindex_summary_merge(sa, back));
        /* a flipped byte, a truncation and a foreign buffer are errors, not crashes */
        bytes[len / 2] ^= 0x10;
        {
            cpindex_summary *bad = NULL;
            CHECK_STATUS(cpindex_summary_from_bytes(bytes, len, &bad), CPINDEX_STATUS_INVALID_ARGUMENT);
            CHECK(bad == NULL);
            {
                char msg[512];
                CHECK(strstr(last_error(msg, sizeof msg), "checksum") != NULL);
            }
            CHECK_STATUS(cpindex_summary_from_bytes(bytes, 7, &bad), CPINDEX_STATUS_INVALID_ARGUMENT);
            CHECK_STATUS(cpindex_summary_from_bytes((const uint8_t *)"hello, world: not a summary", 27, &bad),
                         CPINDEX_STATUS_INVALID_ARGUMENT);
            CHECK_STATUS(cpindex_summary_from_bytes(NULL, 5, &bad), CPINDEX_STATUS_NULL_ARGUMENT);
        }
        free(bytes);
    }
    CHECK_OK(cpindex_summary_counts(sa, &n, &nm, &nz));
    CHECK(n == 4 && nm == 0 && nz == 0);
    CHECK_OK(cpindex_summary_measure(sa, CPINDEX_MOMENT_MEASURE_MEAN, 0.0, &v));
    CHECK(v == 2.5);
    CHECK_OK(cpindex_summary_measure(sa, CPINDEX_MOMENT_MEASURE_GENERALIZED_ENTROPY, 2.0, &v));
    CHECK(close_to(v, 0.1));
    CHECK_OK(cpindex_summary_measure(sa, CPINDEX_MOMENT_MEASURE_COEFFICIENT_OF_VARIATION, 0.0, &v));
    CHECK(close_to(v, sqrt(0.2)));
    CHECK_OK(cpindex_summary_measure(sa, CPINDEX_MOMENT_MEASURE_MEAN_LOG_DEVIATION, 0.0, &v));
    CHECK(close_to(v, log(2.5) - log(24.0) / 4.0));
    /* GE(3) was not requested at creation */
    CHECK_STATUS(cpindex_summary_measure(sa, CPINDEX_MOMENT_MEASURE_GENERALIZED_ENTROPY, 3.0, &v),
                 CPINDEX_STATUS_INVALID_ARGUMENT);
    CHECK_STATUS(cpindex_summary_measure(sa, 999, 0.0, &v), CPINDEX_STATUS_INVALID_ARGUMENT);
    CHECK_STATUS(cpindex_summary_merge(sa, sa), CPINDEX_STATUS_INVALID_ARGUMENT);
    CHECK_STATUS(cpindex_summary_merge(NULL, sb), CPINDEX_STATUS_NULL_ARGUMENT);
    {
        /* decomposition: groups {1, 2} and {3, 4}; total GE(2) = 0.1 */
        const cpindex_summary *groups[2];
        const uint32_t labels[] = {7, 3};
        double t = 0, w = 0, bt = 0;
        cpindex_summary *g1 = NULL;
        CHECK_OK(cpindex_summary_new(a, NULL, 2, alphas, 1, CPINDEX_MISSING_POLICY_ERROR, &g1));
        groups[0] = g1;
        groups[1] = sb;
        CHECK_OK(cpindex_summary_ge_decomposition(groups, labels, 2, 2.0, &t, &w, &bt));
        CHECK(close_to(t, 0.1) && close_to(w + bt, t));
        cpindex_summary_free(g1);
    }
    cpindex_summary_free(sa);
    cpindex_summary_free(sb);
    cpindex_summary_free(back);
    cpindex_summary_free(NULL);
}

static void test_rank(void) {
    /* Partitions {2, 1} | {3, 4} (range-ordered, unsorted inside).
     * Gini = sum|xi-xj| / (2 n^2 mu) = 20 / 80 = 0.25; type-2 median = (2 + 3)/2 across the
     * boundary; L(0.5) = 3/10; Palma = (1 - L(0.9))/L(0.4) = 1.6/2.2. */
    const double p0[] = {2.0, 1.0}, p1[] = {3.0, 4.0};
    const double *parts_v[2];
    const size_t parts_n[2] = {2, 2};
    cpindex_rank_partition *rp[2] = {NULL, NULL};
    const cpindex_rank_partition *crp[2];
    cpindex_rank_plan *plan = NULL;
    cpindex_rank_query q[4];
    cpindex_probe *probes = NULL;
    double *answers = NULL;
    double out[4];
    size_t n_probes = 0, i, k;
    parts_v[0] = p0;
    parts_v[1] = p1;
    for (k = 0; k < 2; k++) {
        uint8_t buf[256];
        size_t len = 0;
        cpindex_rank_partition *tmp = NULL;
        CHECK_OK(cpindex_rank_partition_new(parts_v[k], NULL, parts_n[k], CPINDEX_MISSING_POLICY_ERROR, &tmp));
        CHECK_OK(cpindex_rank_partition_to_bytes(tmp, buf, sizeof buf, &len));
        CHECK_OK(cpindex_rank_partition_from_bytes(buf, len, &rp[k]));
        cpindex_rank_partition_free(tmp);
        crp[k] = rp[k];
    }
    CHECK_OK(cpindex_rank_plan_new(crp, 2, &plan));
    q[0].kind = CPINDEX_RANK_QUERY_KIND_GINI;
    q[1].kind = CPINDEX_RANK_QUERY_KIND_QUANTILE_TYPE2;
    q[1].a = 0.5;
    q[2].kind = CPINDEX_RANK_QUERY_KIND_LORENZ;
    q[2].a = 0.5;
    q[3].kind = CPINDEX_RANK_QUERY_KIND_PALMA;
    q[0].a = q[0].b = q[1].b = q[2].b = q[3].a = q[3].b = 0.0;
    CHECK_STATUS(cpindex_rank_plan_probes(plan, q, 4, NULL, 0, &n_probes), CPINDEX_STATUS_BUFFER_TOO_SMALL);
    CHECK(n_probes == 4); /* median, L(0.5), L(0.9), L(0.4) */
    probes = (cpindex_probe *)malloc(n_probes * sizeof *probes);
    answers = (double *)malloc(n_probes * CPINDEX_PROBE_ANSWER_LEN * sizeof *answers);
    if (probes != NULL && answers != NULL) {
        CHECK_OK(cpindex_rank_plan_probes(plan, q, 4, probes, n_probes, &n_probes));
        /* pass 2: each partition answers its own probes */
        for (i = 0; i < n_probes; i++) {
            size_t p = probes[i].partition;
            CHECK(p < 2);
            if (p < 2)
                CHECK_OK(cpindex_rank_answer_probes(parts_v[p], NULL, parts_n[p], CPINDEX_MISSING_POLICY_ERROR,
                                                    &probes[i], 1, &answers[i * CPINDEX_PROBE_ANSWER_LEN]));
        }
        CHECK_OK(cpindex_rank_plan_finish(plan, q, 4, answers, n_probes, out));
        CHECK(out[0] == 0.25);
        CHECK(out[1] == 2.5);
        CHECK(close_to(out[2], 0.3));
        CHECK(close_to(out[3], 1.6 / 2.2));
        CHECK_STATUS(cpindex_rank_plan_finish(plan, q, 4, answers, n_probes - 1, out),
                     CPINDEX_STATUS_LENGTH_MISMATCH);
    }
    free(probes);
    free(answers);
    q[0].kind = 77;
    CHECK_STATUS(cpindex_rank_plan_probes(plan, q, 1, NULL, 0, &n_probes), CPINDEX_STATUS_INVALID_ARGUMENT);
    {
        /* not range-ordered: {3, 4} before {2, 1} */
        const cpindex_rank_partition *swapped[2];
        cpindex_rank_plan *bad = NULL;
        swapped[0] = rp[1];
        swapped[1] = rp[0];
        CHECK_STATUS(cpindex_rank_plan_new(swapped, 2, &bad), CPINDEX_STATUS_INVALID_ARGUMENT);
        CHECK(bad == NULL);
    }
    cpindex_rank_plan_free(plan);
    cpindex_rank_partition_free(rp[0]);
    cpindex_rank_partition_free(rp[1]);
}

/* Two rounds of probes and the Dagum decomposition over partitions {2, 1} | {3, 4}:
 * ARPR: median 2.5 (round 1), then the share below 0.6 x 2.5 = 1.5 (round 2) = 1/4;
 * Hoover: F(2.5-) - L = 2/4 - 3/10 = 0.2 (round 1 asks nothing: {1, 2} lies wholly below).
 * Dagum with groups {1, 2} and {3, 4}: G = 0.25, within = 1/6 * 1/2 * 3/10 + 1/14 * 1/2 *
 * 7/10 = 0.05, net between = p1 p2 |mu1 - mu2| / mu = 0.25 * 2 / 2.5 = 0.2, transvariation 0. */
static void test_rounds(void) {
    const double p0[] = {2.0, 1.0}, p1[] = {3.0, 4.0};
    const double *pv[2];
    cpindex_rank_partition *rp[2] = {NULL, NULL};
    cpindex_rank_plan *plan = NULL, *g0 = NULL, *g1 = NULL;
    cpindex_rank_query q[2];
    cpindex_probe probes[8];
    double answers[8 * CPINDEX_PROBE_ANSWER_LEN], out[2], t, w, nb, tv;
    size_t n_answers = 0, n = 0, i, round;
    pv[0] = p0;
    pv[1] = p1;
    CHECK_OK(cpindex_rank_partition_new(p0, NULL, 2, CPINDEX_MISSING_POLICY_ERROR, &rp[0]));
    CHECK_OK(cpindex_rank_partition_new(p1, NULL, 2, CPINDEX_MISSING_POLICY_ERROR, &rp[1]));
    {
        const cpindex_rank_partition *both[2], *first[1], *second[1];
        both[0] = rp[0];
        both[1] = rp[1];
        first[0] = rp[0];
        second[0] = rp[1];
        CHECK_OK(cpindex_rank_plan_new(both, 2, &plan));
        CHECK_OK(cpindex_rank_plan_new(first, 1, &g0));
        CHECK_OK(cpindex_rank_plan_new(second, 1, &g1));
    }
    q[0].kind = CPINDEX_RANK_QUERY_KIND_AT_RISK_OF_POVERTY_RATE;
    q[1].kind = CPINDEX_RANK_QUERY_KIND_HOOVER;
    q[0].a = q[0].b = q[1].a = q[1].b = 0.0;
    for (round = 0; round < 3; round++) {
        CHECK_OK(cpindex_rank_plan_next_probes(plan, q, 2, answers, n_answers, probes, 8 - n_answers, &n));
        if (n == 0) break;
        for (i = 0; i < n; i++) {
            size_t p = probes[i].partition;
            CHECK(p < 2);
            if (p < 2)
                CHECK_OK(cpindex_rank_answer_probes(pv[p], NULL, 2, CPINDEX_MISSING_POLICY_ERROR, &probes[i], 1,
                                                    &answers[(n_answers + i) * CPINDEX_PROBE_ANSWER_LEN]));
        }
        n_answers += n;
    }
    CHECK(round == 2 && n_answers == 2); /* the median, then the share below 1.5 */
    CHECK_OK(cpindex_rank_plan_finish(plan, q, 2, answers, n_answers, out));
    CHECK(out[0] == 0.25);
    CHECK(close_to(out[1], 0.2));
    /* finishing after the first round only: another round is needed */
    CHECK_STATUS(cpindex_rank_plan_finish(plan, q, 2, answers, 1, out), CPINDEX_STATUS_INVALID_ARGUMENT);
    {
        const cpindex_rank_plan *groups[2];
        const uint32_t labels[2] = {0, 1};
        groups[0] = g0;
        groups[1] = g1;
        CHECK_OK(cpindex_rank_plan_gini_decomposition(plan, groups, labels, 2, &t, &w, &nb, &tv));
        CHECK(t == 0.25);
        CHECK(close_to(w, 0.05));
        CHECK(close_to(nb, 0.2));
        CHECK(fabs(tv) <= 1e-15);
        CHECK_STATUS(cpindex_rank_plan_gini_decomposition(plan, groups, labels, 1, &t, &w, &nb, &tv),
                     CPINDEX_STATUS_INVALID_ARGUMENT); /* one group does not cover the records */
    }
    cpindex_rank_plan_free(plan);
    cpindex_rank_plan_free(g0);
    cpindex_rank_plan_free(g1);
    cpindex_rank_partition_free(rp[0]);
    cpindex_rank_partition_free(rp[1]);
}

int main(void) {
    test_moments();
    test_rank();
    test_rounds();
    return report();
}

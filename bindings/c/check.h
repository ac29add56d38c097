/* Minimal test harness shared by the C test programs (C99). */
#ifndef CPINDEX_TEST_CHECK_H
#define CPINDEX_TEST_CHECK_H

#include <stdio.h>
#include <string.h>

#include "cpindex.h"

static int g_passed = 0;
static int g_failed = 0;

#define CHECK(cond)                                                              \
    do {                                                                         \
        if (cond) {                                                              \
            g_passed++;                                                          \
        } else {                                                                 \
            g_failed++;                                                          \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
        }                                                                        \
    } while (0)

/* Checks that a call returns the expected status; prints the last error otherwise. */
#define CHECK_STATUS(call, expected)                                             \
    do {                                                                         \
        cpindex_status st_ = (call);                                             \
        if (st_ == (expected)) {                                                 \
            g_passed++;                                                          \
        } else {                                                                 \
            char msg_[512];                                                      \
            size_t n_ = 0;                                                       \
            if (cpindex_last_error_message(msg_, sizeof msg_, &n_) != CPINDEX_STATUS_OK) \
                msg_[0] = 0;                                                     \
            g_failed++;                                                          \
            fprintf(stderr, "%s:%d: %s returned %u (%s), expected %u; last error: %s\n", \
                    __FILE__, __LINE__, #call, (unsigned)st_, cpindex_status_str(st_), \
                    (unsigned)(expected), msg_);                                 \
        }                                                                        \
    } while (0)

#define CHECK_OK(call) CHECK_STATUS(call, CPINDEX_STATUS_OK)

/* The calling thread's last error message (truncated to cap - 1 bytes). */
static const char *last_error(char *buf, size_t cap) {
    size_t n = 0;
    if (cpindex_last_error_message(buf, cap, &n) != CPINDEX_STATUS_OK) {
        buf[0] = 0;
    }
    return buf;
}

static int report(void) {
    printf("%d passed, %d failed\n", g_passed, g_failed);
    return g_failed == 0 ? 0 : 1;
}

#endif

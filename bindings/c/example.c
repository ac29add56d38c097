/* Example: list the indicators of the built-in Quzhou framework with their targets.
 *
 *   cc -std=c99 example.c $(pkg-config --cflags --libs cpindex) -o example && ./example
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpindex.h"

/* Prints the calling thread's last error and returns 1. */
static int fail(const char *what, cpindex_status st) {
    char msg[512];
    size_t n = 0;
    if (cpindex_last_error_message(msg, sizeof msg, &n) != CPINDEX_STATUS_OK) msg[0] = '\0';
    fprintf(stderr, "%s failed: %s\n  %s\n", what, cpindex_status_str(st), msg);
    return 1;
}

int main(void) {
    const char *name = "quzhou-2021-2025";
    const cpindex_framework *fw = NULL;
    size_t n = 0, i;
    cpindex_status st;

    if (cpindex_abi_version() != CPINDEX_ABI_VERSION) {
        fprintf(stderr, "header/library mismatch: rebuild against cpindex %s\n", cpindex_version_string());
        return 1;
    }
    if ((st = cpindex_framework_builtin(name, strlen(name), &fw)) != CPINDEX_STATUS_OK)
        return fail("cpindex_framework_builtin", st);
    if ((st = cpindex_framework_indicator_count(fw, &n)) != CPINDEX_STATUS_OK) {
        cpindex_framework_free(fw);
        return fail("cpindex_framework_indicator_count", st);
    }
    printf("cpindex %s: %s has %zu indicators\n", cpindex_version_string(), name, n);
    for (i = 0; i < n; i++) {
        char id[128], label[64];
        size_t len = 0;
        double target = 0.0;
        if ((st = cpindex_framework_indicator_text(fw, i, CPINDEX_INDICATOR_FIELD_ID, id, sizeof id, &len)) ||
            (st = cpindex_framework_indicator_text(fw, i, CPINDEX_INDICATOR_FIELD_UNIT_LABEL, label, sizeof label,
                                                   &len)) ||
            (st = cpindex_framework_indicator_number(fw, i, CPINDEX_INDICATOR_NUMBER_TARGET, &target))) {
            cpindex_framework_free(fw);
            return fail("reading an indicator", st);
        }
        printf("  %-36s target %g %s\n", id, target, label);
    }
    cpindex_framework_free(fw);
    return 0;
}

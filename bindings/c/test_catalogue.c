/* The bad-input catalogue (tests/catalogue, see its README.md) through the C ABI: each
 * case's expected status and the words the last-error message must contain. Built and run
 * by tests/c_api.rs (plain, under valgrind, and with CPINDEX_SANITIZE=address under
 * ASan/UBSan). The catalogue is found through CARGO_MANIFEST_DIR (set by `cargo test`) or
 * the first argument. C99 + POSIX (dirent). */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <stdint.h>
#include <stdlib.h>

#include "check.h"

static char *read_file(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    size_t got;
    while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            char *bigger = realloc(buf, cap * 2);
            if (!bigger) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = bigger;
            cap *= 2;
        }
    }
    fclose(f);
    if (buf) {
        buf[n < cap ? n : cap - 1] = 0;
        *len = n;
    }
    return buf;
}

/* The value of `key: value` in case.txt (copied into out), or 0 when absent. */
static int field(const char *text, const char *key, char *out, size_t cap) {
    size_t klen = strlen(key);
    const char *line = text;
    while (line && *line) {
        if (strncmp(line, key, klen) == 0 && line[klen] == ':') {
            const char *v = line + klen + 1;
            while (*v == ' ') v++;
            size_t n = strcspn(v, "\n");
            if (n >= cap) n = cap - 1;
            memcpy(out, v, n);
            out[n] = 0;
            return 1;
        }
        line = strchr(line, '\n');
        if (line) line++;
    }
    return 0;
}

static char *generate(const char *spec, size_t *len) {
    long rows = 0;
    if (sscanf(spec, "panel_rows %ld", &rows) != 1 || rows <= 0) return NULL;
    size_t cap = 64 + (size_t)rows * 40;
    char *buf = malloc(cap);
    if (!buf) return NULL;
    size_t n = (size_t)snprintf(buf, cap, "unit,period,indicator,value\n");
    for (long k = 0; k < rows; k++) {
        n += (size_t)snprintf(buf + n, cap - n, "unit%ld,%ld,gdp,1\n", k, 10000 + k);
    }
    *len = n;
    return buf;
}

static void run_case(const char *root, const char *name) {
    char path[4096], text_meta[8192], kind[64], status_s[32], words[1024], input[256];
    snprintf(path, sizeof path, "%s/%s/case.txt", root, name);
    size_t mlen = 0;
    char *meta = read_file(path, &mlen);
    if (!meta) return; /* not a case directory */
    snprintf(text_meta, sizeof text_meta, "%s", meta);
    free(meta);
    if (!field(text_meta, "kind", kind, sizeof kind) ||
        !field(text_meta, "status", status_s, sizeof status_s)) {
        fprintf(stderr, "%s: case.txt lacks kind or status\n", name);
        g_failed++;
        return;
    }
    if (strcmp(status_s, "-") == 0) return; /* no C route */
    unsigned expected = (unsigned)strtoul(status_s, NULL, 10);
    if (!field(text_meta, "words", words, sizeof words)) words[0] = 0;

    size_t len = 0;
    char *data = NULL;
    if (field(text_meta, "input", input, sizeof input)) {
        snprintf(path, sizeof path, "%s/%s/%s", root, name, input);
        data = read_file(path, &len);
    } else if (field(text_meta, "generate", input, sizeof input)) {
        data = generate(input, &len);
    }
    if (!data) {
        fprintf(stderr, "%s: cannot read or generate the input\n", name);
        g_failed++;
        return;
    }

    cpindex_status st;
    if (strcmp(kind, "csv_long") == 0) {
        cpindex_panel *p = NULL;
        st = cpindex_panel_from_csv(data, len, CPINDEX_CSV_LAYOUT_LONG, NULL, &p);
        cpindex_panel_free(p);
    } else if (strcmp(kind, "framework") == 0) {
        const cpindex_framework *fw = NULL;
        st = cpindex_framework_from_json(data, len, &fw);
        cpindex_framework_free(fw);
    } else if (strcmp(kind, "spec") == 0 || strcmp(kind, "monitor") == 0) {
        const cpindex_spec *sp = NULL;
        uint32_t k = strcmp(kind, "spec") == 0 ? CPINDEX_SPEC_KIND_INDEX : CPINDEX_SPEC_KIND_MONITOR;
        st = cpindex_spec_new(k, data, len, &sp);
        cpindex_spec_free(sp);
    } else if (strcmp(kind, "request") == 0) {
        size_t cap = 1 << 20, n = 0;
        char *out = malloc(cap);
        st = out ? cpindex_run_json(data, len, out, cap, &n) : CPINDEX_STATUS_INTERNAL;
        free(out);
    } else {
        free(data);
        return; /* CLI-only kinds */
    }
    free(data);

    char msg[8192];
    size_t mn = 0;
    last_error(msg, sizeof msg);
    cpindex_status q = cpindex_last_error_message(NULL, 0, &mn); /* size query */
    (void)q;
    if ((unsigned)st != expected) {
        fprintf(stderr, "%s: status %u (%s), expected %u; last error: %s\n", name, (unsigned)st,
                cpindex_status_str(st), expected, msg);
        g_failed++;
        return;
    }
    g_passed++;
    /* the message is a whole C string: its length is the reported length (no NUL inside) */
    if (st != CPINDEX_STATUS_OK) CHECK(strlen(msg) == mn || mn >= sizeof msg);
    for (char *w = words; st != CPINDEX_STATUS_OK && *w;) {
        char *bar = strchr(w, '|');
        if (bar) *bar = 0;
        if (*w && !strstr(msg, w)) {
            fprintf(stderr, "%s: message lacks `%s`: %s\n", name, w, msg);
            g_failed++;
        } else {
            g_passed++;
        }
        if (!bar) break;
        w = bar + 1;
    }
}

int main(int argc, char **argv) {
    char root[4096];
    const char *manifest = getenv("CARGO_MANIFEST_DIR");
    if (argc > 1) {
        snprintf(root, sizeof root, "%s", argv[1]);
    } else {
        snprintf(root, sizeof root, "%s/tests/catalogue", manifest ? manifest : ".");
    }
    DIR *d = opendir(root);
    if (!d) {
        fprintf(stderr, "cannot open the catalogue %s\n", root);
        return 1;
    }
    /* sorted order is not needed: each case stands alone */
    struct dirent *e;
    int cases = 0;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.') continue;
        run_case(root, e->d_name);
        cases++;
    }
    closedir(d);
    CHECK(cases >= 15);
    return report();
}

/* Test results: printed as they come, summarised at the end ("N passed, N
 * failed" alone on the last line), optionally written as JUnit XML. The
 * report copies every string it is given. */
#ifndef MS_TESTRUN_REPORT_H
#define MS_TESTRUN_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ms__result {
    const char *file, *name;
    bool passed;
    const char *message; /* why it failed, with the transcript */
    double wall_ms;      /* real time the test took */
    uint64_t call_ms;    /* call time it covered (virtual in-process) */
};

struct ms__report {
    struct ms__result *results;
    size_t n, cap;
    int passed, failed;
    bool verbose;
};

void ms__report_init(struct ms__report *r, bool verbose);
void ms__report_add(struct ms__report *r, const struct ms__result *res);
/* Prints the summary, writes junit (if not NULL); returns the exit status. */
int ms__report_finish(struct ms__report *r, const char *junit);
void ms__report_free(struct ms__report *r);

#endif

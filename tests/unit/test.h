/* Minimal unit-test support: one executable per area, one function per case.
 *
 *   static void test_parse_basic(void) { CHECK_EQ_INT(f(1), 2); }
 *   int main(void) { RUN(test_parse_basic); return test_summary(); }
 *
 * A failed CHECK prints file:line and the values, marks the case failed
 * and returns from it. test_summary() prints "N passed, N failed" and
 * returns the exit code.
 */
#ifndef MS_TEST_H
#define MS_TEST_H

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static int test_failed_now_;
static int test_passed_, test_failed_;

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "%s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #cond);               \
            test_failed_now_ = 1;                                                                  \
            return;                                                                                \
        }                                                                                          \
    } while (0)

#define CHECK_EQ_INT(a, b)                                                                         \
    do {                                                                                           \
        long long a_ = (long long)(a), b_ = (long long)(b);                                        \
        if (a_ != b_) {                                                                            \
            fprintf(stderr, "%s:%d: %s == %s failed: %lld != %lld\n", __FILE__, __LINE__, #a, #b,  \
                    a_, b_);                                                                       \
            test_failed_now_ = 1;                                                                  \
            return;                                                                                \
        }                                                                                          \
    } while (0)

#define CHECK_EQ_STR(a, b)                                                                         \
    do {                                                                                           \
        const char *a_ = (a), *b_ = (b);                                                           \
        if (!a_ || !b_ || strcmp(a_, b_) != 0) {                                                   \
            fprintf(stderr, "%s:%d: %s == %s failed: \"%s\" != \"%s\"\n", __FILE__, __LINE__, #a,  \
                    #b, a_ ? a_ : "(null)", b_ ? b_ : "(null)");                                   \
            test_failed_now_ = 1;                                                                  \
            return;                                                                                \
        }                                                                                          \
    } while (0)

#define RUN(fn)                                                                                    \
    do {                                                                                           \
        test_failed_now_ = 0;                                                                      \
        fn();                                                                                      \
        if (test_failed_now_) {                                                                    \
            test_failed_++;                                                                        \
            fprintf(stderr, "FAIL %s\n", #fn);                                                     \
        } else {                                                                                   \
            test_passed_++;                                                                        \
            fprintf(stderr, "ok   %s\n", #fn);                                                     \
        }                                                                                          \
    } while (0)

static inline int test_summary(void)
{
    printf("%d passed, %d failed\n", test_passed_, test_failed_);
    return test_failed_ ? 1 : 0;
}

#endif

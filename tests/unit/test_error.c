#include "moonswitch/error.h"
#include "test.h"

static void test_names_and_messages(void)
{
    CHECK_EQ_STR(ms_err_name(MS_ENOENT), "ENOENT");
    CHECK_EQ_STR(ms_strerror(MS_EBUSY), "resource busy");
    CHECK_EQ_STR(ms_err_name(MS_EHANGUP), "EHANGUP");
    CHECK_EQ_STR(ms_err_name(-9999), "EUNKNOWN");
}

int main(void)
{
    RUN(test_names_and_messages);
    return test_summary();
}

/* Hangup causes: Q.850 names <-> SIP status codes (core/src/cause.c). */
#include "cause.h"
#include "test.h"

static void check_name(const char *name, int sip, int q850, int *ok)
{
    const struct ms__cause *c = ms__cause_find(name);
    *ok = c && strcmp(c->name, name) == 0 && c->sip_status == sip && c->q850 == q850;
    if (!*ok)
        fprintf(stderr, "  cause %s: got %s sip %d q850 %d\n", name, c ? c->name : "(null)",
                c ? c->sip_status : 0, c ? c->q850 : 0);
}

static void test_names_to_sip(void)
{
    int ok;
    check_name("UNALLOCATED_NUMBER", 404, 1, &ok);
    CHECK(ok);
    check_name("USER_BUSY", 486, 17, &ok);
    CHECK(ok);
    check_name("ORIGINATOR_CANCEL", 487, 487, &ok);
    CHECK(ok);
    check_name("INCOMPATIBLE_DESTINATION", 488, 88, &ok);
    CHECK(ok);
    check_name("NORMAL_CLEARING", 480, 16, &ok);
    CHECK(ok);
    check_name("CALL_REJECTED", 603, 21, &ok);
    CHECK(ok);
    check_name("NO_ANSWER", 480, 19, &ok);
    CHECK(ok);
}

static void test_unknown_names(void)
{
    CHECK(ms__cause_find("NO_SUCH_CAUSE") == NULL);
    CHECK(ms__cause_find("") == NULL);
    CHECK(ms__cause_find("normal_clearing") == NULL); /* case-sensitive */
    CHECK(ms__cause_find("NORMAL_CLEARING ") == NULL);
    CHECK(ms__cause_find("NORMAL") == NULL);
}

static const char *from_sip(int status)
{
    const struct ms__cause *c = ms__cause_from_sip(status);
    return c ? c->name : NULL;
}

static void test_sip_to_names(void)
{
    CHECK_EQ_STR(from_sip(486), "USER_BUSY");
    CHECK_EQ_STR(from_sip(600), "USER_BUSY");
    CHECK_EQ_STR(from_sip(404), "UNALLOCATED_NUMBER");
    CHECK_EQ_STR(from_sip(603), "CALL_REJECTED");
    CHECK_EQ_STR(from_sip(487), "ORIGINATOR_CANCEL");
    CHECK_EQ_STR(from_sip(488), "INCOMPATIBLE_DESTINATION");
    CHECK_EQ_STR(from_sip(503), "NORMAL_TEMPORARY_FAILURE");
    CHECK_EQ_STR(from_sip(200), "NORMAL_CLEARING");
    CHECK_EQ_STR(from_sip(299), "NORMAL_CLEARING");
    /* anything unmapped is an interworking failure, never NULL */
    CHECK_EQ_STR(from_sip(999), "INTERWORKING");
    CHECK_EQ_STR(from_sip(500), "INTERWORKING");
    CHECK_EQ_STR(from_sip(0), "INTERWORKING");
    CHECK_EQ_STR(from_sip(-1), "INTERWORKING");
}

/* Every name that maps from a SIP status maps back to a known cause. */
static void test_round_trip_is_total(void)
{
    for (int s = 100; s < 700; s++) {
        const struct ms__cause *c = ms__cause_from_sip(s);
        CHECK(c != NULL);
        CHECK(ms__cause_find(c->name) == c);
        CHECK(c->sip_status >= 400 && c->sip_status < 700);
    }
}

int main(void)
{
    RUN(test_names_to_sip);
    RUN(test_unknown_names);
    RUN(test_sip_to_names);
    RUN(test_round_trip_is_total);
    return test_summary();
}

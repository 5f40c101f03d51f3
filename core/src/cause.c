#include "cause.h"

#include <stddef.h>
#include <string.h>

/* Q.850 codes and the SIP mapping of RFC 3398 section 7.2.4.1, as FreeSWITCH applies it. */
static const struct ms__cause causes[] = {
    {"UNALLOCATED_NUMBER", 1, 404},
    {"NO_ROUTE_TRANSIT_NET", 2, 404},
    {"NO_ROUTE_DESTINATION", 3, 404},
    {"NORMAL_CLEARING", 16, 480},
    {"USER_BUSY", 17, 486},
    {"NO_USER_RESPONSE", 18, 408},
    {"NO_ANSWER", 19, 480},
    {"SUBSCRIBER_ABSENT", 20, 480},
    {"CALL_REJECTED", 21, 603},
    {"NUMBER_CHANGED", 22, 410},
    {"DESTINATION_OUT_OF_ORDER", 27, 502},
    {"INVALID_NUMBER_FORMAT", 28, 484},
    {"FACILITY_REJECTED", 29, 501},
    {"NORMAL_UNSPECIFIED", 31, 480},
    {"NORMAL_CIRCUIT_CONGESTION", 34, 503},
    {"NETWORK_OUT_OF_ORDER", 38, 502},
    {"NORMAL_TEMPORARY_FAILURE", 41, 503},
    {"SWITCH_CONGESTION", 42, 503},
    {"SERVICE_UNAVAILABLE", 63, 503},
    {"BEARERCAPABILITY_NOTIMPL", 65, 488},
    {"INCOMPATIBLE_DESTINATION", 88, 488},
    {"RECOVERY_ON_TIMER_EXPIRE", 102, 504},
    {"INTERWORKING", 127, 500},
    {"ORIGINATOR_CANCEL", 487, 487},
    {"MEDIA_TIMEOUT", 604, 408},
    {"SYSTEM_SHUTDOWN", 503, 503}, /* not Q.850: FreeSWITCH's cause for calls ended by a stop */
};

const struct ms__cause *ms__cause_find(const char *name)
{
    for (size_t i = 0; i < sizeof causes / sizeof causes[0]; i++)
        if (strcmp(causes[i].name, name) == 0)
            return &causes[i];
    return NULL;
}

const struct ms__cause *ms__cause_from_sip(int status)
{
    const char *name;
    switch (status) {
    case 404:
        name = "UNALLOCATED_NUMBER";
        break;
    case 408:
        name = "NO_USER_RESPONSE";
        break;
    case 410:
        name = "NUMBER_CHANGED";
        break;
    case 480:
        name = "NO_ANSWER";
        break;
    case 484:
        name = "INVALID_NUMBER_FORMAT";
        break;
    case 486:
    case 600:
        name = "USER_BUSY";
        break;
    case 487:
        name = "ORIGINATOR_CANCEL";
        break;
    case 488:
    case 606:
        name = "INCOMPATIBLE_DESTINATION";
        break;
    case 502:
        name = "NETWORK_OUT_OF_ORDER";
        break;
    case 503:
        name = "NORMAL_TEMPORARY_FAILURE";
        break;
    case 603:
        name = "CALL_REJECTED";
        break;
    default:
        name = status >= 200 && status < 300 ? "NORMAL_CLEARING" : "INTERWORKING";
        break;
    }
    return ms__cause_find(name);
}

/* Hangup causes: Q.850 names as FreeSWITCH and Asterisk users know them,
 * with the SIP status sent when a call that was not answered is ended with
 * that cause, and the reverse mapping for responses received. */
#ifndef MS_CAUSE_H
#define MS_CAUSE_H

struct ms__cause {
    const char *name;
    int q850;
    int sip_status;
};

/* NULL if unknown. Case-sensitive, e.g. "NORMAL_CLEARING". */
const struct ms__cause *ms__cause_find(const char *name);
/* The cause for a SIP final response (e.g. 486 -> USER_BUSY). */
const struct ms__cause *ms__cause_from_sip(int status);

#endif

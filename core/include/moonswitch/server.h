/* ms_server: a running moonswitch — config, loop, SIP, scripts, CDRs.
 *
 * ms_server_run() serves on the calling thread until SIGINT/SIGTERM (or
 * ms_server_shutdown), then ends every call with BYE, waits for the call
 * scripts to finish, writes the last CDRs and frees everything. */
#ifndef MOONSWITCH_SERVER_H
#define MOONSWITCH_SERVER_H

struct ms_config;

/* Runs a server with cfg (borrowed for the duration). Returns 0 after a clean
 * shutdown, or a negative MS_E* code if it could not start (the reason is
 * logged). */
int ms_server_run(const struct ms_config *cfg);

#endif

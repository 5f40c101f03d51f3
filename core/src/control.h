/* The control socket: a Unix stream socket on which `moonswitch ctl` (or any
 * program) sends one command line and gets one JSON line back
 * (docs/configuration.md#control).
 *
 *   status  -> {"generation":3,"generations":1,"error":null,"calls":2,...}
 *   reload  -> {"ok":true,"generation":4} or {"ok":false,"error":"file:line: ..."}
 *
 * Access is the socket file's: created mode 0600 (the server's user only).
 * A later control issue adds more commands, TCP and an event stream.
 *
 * struct ms__control: owned by the server; used on the loop thread.
 * ms__control_stop() closes the listener and every connection (replies still
 * pending are dropped) and frees everything from the handles' close callbacks,
 * so the loop must run afterwards; it removes the socket file. */
#ifndef MS_CONTROL_H
#define MS_CONTROL_H

struct ms_loop;
struct ms__engine;
struct ms__control;

/* 0; MS_EADDRINUSE if another server answers on path; other errors of bind. */
int ms__control_start(struct ms__control **out, struct ms_loop *loop, const char *path,
                      struct ms__engine *engine);
void ms__control_stop(struct ms__control *c); /* NULL: no-op */

/* `moonswitch ctl` (ctl_cmd.c). */
int ms__ctl_main(int argc, char **argv);

#endif

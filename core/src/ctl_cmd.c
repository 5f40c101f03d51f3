/* `moonswitch ctl [-c FILE] [--socket PATH] COMMAND`: sends one command to a
 * running server's control socket and prints its JSON reply (control.h). The
 * exit status is 0 when the server said ok (for reload: the new generation is
 * active), 1 when it refused, 2 when it could not be reached. */
#include "control.h"
#include "layout.h"
#include "moonswitch/config.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define REPLY_MAX 65536

static void usage(FILE *to)
{
    fprintf(to,
            "usage: moonswitch ctl [options] COMMAND\n"
            "  status   the scripts' generation, the last refused reload (file:line), counters\n"
            "  reload   load scripts/ and prompts/ again; waits for the outcome\n"
            "  -c, --config FILE   whose control socket (default: %s)\n"
            "      --socket PATH   the socket itself\n",
            ms__layout()->config_file);
}

/* The socket path: --socket, else the configuration's `control`. */
static int socket_path(const char *config, const char *given, char *out, size_t cap)
{
    if (given) {
        snprintf(out, cap, "%s", given);
        return 0;
    }
    struct ms_config cfg;
    char err[512] = "";
    int rc = ms_config_load(&cfg, config, err, sizeof err);
    if (rc == 0 && !cfg.control_path) {
        snprintf(err, sizeof err, "the configuration turns the control socket off");
        rc = -1;
    }
    if (rc == 0)
        snprintf(out, cap, "%s", cfg.control_path);
    else
        fprintf(stderr, "moonswitch ctl: %s: %s\n", config, err);
    ms_config_free(&cfg);
    return rc;
}

static int exchange(const char *path, const char *cmd, char *reply, size_t cap)
{
    struct sockaddr_un a = {.sun_family = AF_UNIX};
    if (strlen(path) >= sizeof a.sun_path) {
        fprintf(stderr, "moonswitch ctl: socket path too long: %s\n", path);
        return -1;
    }
    memcpy(a.sun_path, path, strlen(path) + 1);
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof a) < 0) {
        fprintf(stderr, "moonswitch ctl: no server on %s: %m\n", path);
        if (fd >= 0)
            close(fd);
        return -1;
    }
    char line[300];
    int n = snprintf(line, sizeof line, "%s\n", cmd);
    size_t got = 0;
    if (write(fd, line, (size_t)n) != n) {
        close(fd);
        return -1;
    }
    ssize_t r;
    while (got < cap - 1 && (r = read(fd, reply + got, cap - 1 - got)) > 0)
        got += (size_t)r;
    reply[got] = 0;
    close(fd);
    return got ? 0 : -1;
}

int ms__ctl_main(int argc, char **argv)
{
    static const struct option opts[] = {{"config", required_argument, 0, 'c'},
                                         {"socket", required_argument, 0, 's'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    const char *config = ms__layout()->config_file, *given = NULL;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "c:h", opts, NULL)) != -1) {
        if (c == 'c')
            config = optarg;
        else if (c == 's')
            given = optarg;
        else {
            usage(c == 'h' ? stdout : stderr);
            return c == 'h' ? 0 : 2;
        }
    }
    if (optind != argc - 1 || strlen(argv[optind]) > 200) {
        usage(stderr);
        return 2;
    }
    char path[512];
    static char reply[REPLY_MAX];
    if (socket_path(config, given, path, sizeof path) < 0 ||
        exchange(path, argv[optind], reply, sizeof reply) < 0)
        return 2;
    fputs(reply, stdout);
    bool refused = strstr(reply, "\"ok\":false") || strncmp(reply, "{\"error\"", 8) == 0;
    return refused ? 1 : 0;
}

/* moonswitch: the server binary. */
#define MS_LOG_MODULE "main"
#include "moonswitch/config.h"
#include "moonswitch/error.h"
#include "moonswitch/log.h"
#include "moonswitch/server.h"
#include "control.h"
#include "layout.h"
#include "testrun/testrun.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

static void usage(FILE *to)
{
    fprintf(to,
            "usage: moonswitch [options]          serve\n"
            "       moonswitch test [options] FILES|DIRS   run flow tests (moonswitch test -h)\n"
            "       moonswitch call EXT [options]          place one call (moonswitch call -h)\n"
            "       moonswitch ctl status|reload           talk to a running server\n"
            "  -c, --config FILE      configuration (default: %s)\n"
            "      --listen ADDR:PORT SIP address (UDP and TCP), e.g. 127.0.0.1:5060\n"
            "      --rtp-ports LO-HI  RTP port range, e.g. 16384-32767\n"
            "      --db PATH          CDR database (sqlite)\n"
            "      --log-level LEVEL  error, warn, info or debug\n"
            "  -h, --help             this text\n",
            ms__layout()->config_file);
}

struct overrides {
    const char *listen, *rtp_ports, *db, *log_level;
};

static int apply(struct ms_config *cfg, const struct overrides *o, char *err, size_t len)
{
    if (o->listen && ms_config_set_listen(cfg, o->listen, err, len) < 0)
        return MS_EINVAL;
    if (o->rtp_ports && ms_config_set_rtp_ports(cfg, o->rtp_ports, err, len) < 0)
        return MS_EINVAL;
    if (o->db && ms_config_set_string(&cfg->db_path, o->db) < 0)
        return MS_ENOMEM;
    enum ms_log_level lvl;
    const char *level = o->log_level ? o->log_level : cfg->log_level;
    if (ms_log_parse_level(level, &lvl) < 0) {
        snprintf(err, len, "log_level: expected error, warn, info or debug, got '%s'", level);
        return MS_EINVAL;
    }
    ms_log_set_level(lvl);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "test") == 0)
        return ms__test_main(argc - 1, argv + 1);
    if (argc > 1 && strcmp(argv[1], "call") == 0)
        return ms__call_main(argc - 1, argv + 1);
    if (argc > 1 && strcmp(argv[1], "ctl") == 0)
        return ms__ctl_main(argc - 1, argv + 1);
    static const struct option opts[] = {{"config", required_argument, 0, 'c'},
                                         {"listen", required_argument, 0, 'l'},
                                         {"rtp-ports", required_argument, 0, 'r'},
                                         {"db", required_argument, 0, 'd'},
                                         {"log-level", required_argument, 0, 'v'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    const char *config = ms__layout()->config_file;
    struct overrides o = {0};
    int c;
    while ((c = getopt_long(argc, argv, "c:h", opts, NULL)) != -1) {
        switch (c) {
        case 'c':
            config = optarg;
            break;
        case 'l':
            o.listen = optarg;
            break;
        case 'r':
            o.rtp_ports = optarg;
            break;
        case 'd':
            o.db = optarg;
            break;
        case 'v':
            o.log_level = optarg;
            break;
        case 'h':
            usage(stdout);
            return 0;
        default:
            usage(stderr);
            return 2;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "moonswitch: unexpected argument '%s'\n", argv[optind]);
        usage(stderr);
        return 2;
    }
    struct ms_config cfg;
    char err[512] = "";
    int rc = ms_config_load(&cfg, config, err, sizeof err);
    if (rc == 0)
        rc = apply(&cfg, &o, err, sizeof err);
    if (rc < 0) {
        fprintf(stderr, "moonswitch: configuration %s refused: %s\n", config, err);
        ms_config_free(&cfg);
        return 1;
    }
    rc = ms_server_run(&cfg);
    ms_config_free(&cfg);
    return rc < 0 ? 1 : 0;
}

/* ms_config: the server configuration, read from a Lua file that returns a
 * table (conf/moonswitch.lua). Every key is checked: an unknown key or an
 * invalid value is refused with the key and the reason. Defaults are given
 * in docs/configuration.md. The struct owns all its strings; free it with
 * ms_config_free(). */
#ifndef MOONSWITCH_CONFIG_H
#define MOONSWITCH_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#define MS_MAX_SOUND_DIRS 8
#define MS_MAX_CODECS     4
#define MS_MAX_MOH        16
#define MS_MAX_TRUST      6

struct ms_config {
    char *path;   /* the file read, or NULL for built-in defaults */
    char *sip_ip; /* sip.listen */
    int sip_port;
    bool sip_udp, sip_tcp;
    char *user_agent;
    char *rtp_ip; /* rtp.ip: address RTP binds to and announces in SDP */
    int rtp_lo, rtp_hi;
    char *codecs[MS_MAX_CODECS];
    size_t ncodecs;
    int inband_dtmf; /* 0 never, 1 always, 2 auto */
    char *scripts_dir;
    char *entry;
    bool scripts_watch;                /* scripts.watch: reload on changes */
    char *trust[MS_MAX_TRUST];         /* scripts.trust: what the sandbox grants */
    size_t ntrust;
    char *error_prompt, *error_transfer; /* scripts.on_error.prompt / .transfer */
    struct { /* scripts.budget (docs/budgets.md) */
        int instructions, wall_ms, memory_mb, total_mb;
    } budget;
    char *sound_dirs[MS_MAX_SOUND_DIRS];
    size_t nsound_dirs;
    char *db_path;
    char *control_path; /* control: the control socket; NULL: none */
    char *log_level;
    size_t audio_cache_bytes;
    int max_calls;
    struct {
        char *name, *dir;
        bool shuffle;
    } moh[MS_MAX_MOH]; /* music on hold classes */
    size_t nmoh;
    char *recordings_dir; /* recordings: where call:record() may write */
    char *prompts_dir;    /* prompts: the phrase modules, one folder per language */
    char *language;       /* language: the default for call:say and call:phrase */
    char *tts_cache_dir;  /* tts.cache_dir: synthesised speech kept across restarts */
    size_t tts_memory_bytes;
    unsigned tts_threads; /* tts.threads: synthesis threads; 0: one per online CPU, at most 8 */
    struct {                  /* asr: speech recognition for call:gather{speech=} */
        bool enabled;         /* asr.enabled */
        int pool, threads;    /* asr.pool: recognisers at most; asr.threads: decoding threads */
        double min_confidence;
        char *model, *dict;   /* NULL: pocketsphinx-en-us's */
        char *extra_dict;     /* more pronunciations; NULL: none */
        char *mllr;           /* the model's telephone adaptation; NULL: none */
    } asr;
};

/* Fills cfg from file (NULL: defaults only). On error returns MS_EINVAL (or
 * MS_ENOENT) and writes "key: reason" (or "file:line: message") into err. */
int ms_config_load(struct ms_config *cfg, const char *file, char *err, size_t errlen);
void ms_config_free(struct ms_config *cfg);

/* Command-line overrides, each validated like the file's value. */
int ms_config_set_listen(struct ms_config *cfg, const char *addr_port, char *err, size_t errlen);
int ms_config_set_rtp_ports(struct ms_config *cfg, const char *range, char *err, size_t errlen);
int ms_config_set_string(char **field, const char *value);

#endif

/* A simulated caller as the flow-test library sees it, whatever carries the
 * call: in-process (sim_call.c) or a real SIP phone over the wire
 * (wire_call.c). The common part is the transcript of what the caller
 * perceived and did, and the audio it is about to send.
 *
 * struct ms__caller is embedded first in each implementation; the test
 * library holds one reference (released with ops->unref). */
#ifndef MS_SIM_CALLER_H
#define MS_SIM_CALLER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ms_loop;
struct ms__caller;

enum ms__heard_kind {
    MS_HEARD_RINGING,
    MS_HEARD_ANSWERED,
    MS_HEARD_PROMPT,     /* name: a sound started */
    MS_HEARD_PROMPT_END, /* name; complete = played to its end */
    MS_HEARD_ECHO,
    MS_HEARD_ECHO_END,
    MS_HEARD_PRESSED, /* name: the digit, detail: method */
    MS_HEARD_SENT,    /* name: what the caller sent (speech, a file) */
    MS_HEARD_HANGUP,  /* name: cause; detail: "caller" or "server"; status: SIP-like */
};

struct ms__heard {
    uint64_t at_ms; /* on the loop clock */
    enum ms__heard_kind kind;
    char *name; /* malloc'd, never NULL (a TTS prompt's whole text) */
    char detail[32];
    bool complete;
    /* (wire) a known sound heard where speech expected later turned out to be
     * playing: part of it, or the same beginning; expectations skip it */
    bool superseded;
    int status;
};

enum ms__press_method { MS_PRESS_RFC4733, MS_PRESS_INFO, MS_PRESS_INBAND };

struct ms__caller_ops {
    const char *mode; /* "inprocess", "wire" */
    /* How late a prompt may be noticed after it started (recognition from audio). */
    uint64_t grace_ms;
    /* RFC 4733 / INFO / in-band (tones queued with ms__caller_queue_tone). */
    int (*press)(struct ms__caller *c, char digit, enum ms__press_method m, int duration_ms);
    void (*hangup)(struct ms__caller *c);
    const char *(*id)(struct ms__caller *c); /* the server's call id, if known */
    const char *(*sip_call_id)(struct ms__caller *c);
    const char *(*var)(struct ms__caller *c, const char *name); /* NULL: not available */
    void (*unref)(struct ms__caller *c);
    /* Over the wire: make speech of `text` with `voice` (NULL: kal) recognisable.
     * 0 once it is (*alias: the other name it is heard under, if its audio is a
     * known sound's, else NULL); MS_EAGAIN while it is being synthesised (the
     * caller's notify runs when that is done); or a failure (MS_EINVAL: unknown
     * voice, nothing to say; MS_EMSGSIZE). NULL: prompts are known by identity. */
    int (*want_speech)(struct ms__caller *c, const char *text, const char *voice,
                       const char **alias);
};

typedef void (*ms__caller_notify_cb)(void *ud, struct ms__caller *c);

struct ms__caller {
    const struct ms__caller_ops *ops;
    struct ms_loop *loop;
    ms__caller_notify_cb notify;
    void *notify_ud;
    struct ms__heard *heard;
    size_t nheard, capheard;
    /* Where entries were inserted (rather than appended), in order: index each
     * new entry took; the readers of the transcript move their place with it. */
    size_t *moves;
    size_t nmoves, capmoves;
    bool ended, done;
    uint64_t last_sound_ms;
    int16_t *tx; /* what the caller sends next, 8 kHz */
    size_t txlen, txpos, txcap;
};

void ms__caller_init(struct ms__caller *c, const struct ms__caller_ops *ops, struct ms_loop *loop,
                     ms__caller_notify_cb notify, void *ud);
void ms__caller_fini(struct ms__caller *c);
void ms__caller_note(struct ms__caller *c, enum ms__heard_kind kind, const char *name,
                     const char *detail, bool complete, int status);
/* The same, for something that happened earlier than now (recognised late). */
void ms__caller_note_at(struct ms__caller *c, uint64_t at_ms, enum ms__heard_kind kind,
                        const char *name, const char *detail, bool complete, int status);
void ms__caller_set_done(struct ms__caller *c);
/* Inserts a prompt start or end found late (wire: speech recognised in past audio)
 * where it belongs in time: after the entries at or before at_ms (the end of an
 * earlier prompt estimated up to 100 ms late still comes first; an END goes
 * before a prompt that started within 100 ms before it), never after the hangup,
 * at index >= min_index. Logs the move; returns the index or MS_ENOMEM. */
int ms__caller_insert_at(struct ms__caller *c, uint64_t at_ms, enum ms__heard_kind kind,
                         const char *name, const char *detail, bool complete, size_t min_index);
/* Index of the entry of that kind, name and time, or -1. */
long ms__caller_find(const struct ms__caller *c, enum ms__heard_kind kind, const char *name,
                     uint64_t at_ms);

/* Audio the caller sends: queue it, take it frame by frame. */
int ms__caller_queue(struct ms__caller *c, const int16_t *pcm, size_t n);
int ms__caller_queue_tone(struct ms__caller *c, char digit, int ms);
bool ms__caller_take(struct ms__caller *c, int16_t *pcm, size_t n);
uint64_t ms__caller_pending_ms(const struct ms__caller *c);
/* Audio the caller receives: remembers when it last heard something. */
void ms__caller_hear(struct ms__caller *c, const int16_t *pcm, size_t n);
/* Sends audio (queue + transcript line); MS_EHANGUP once the call has ended. */
int ms__caller_send(struct ms__caller *c, const int16_t *pcm, size_t n, const char *label);

/* "rfc4733", "info", "inband". */
const char *ms__press_method_name(enum ms__press_method m);
/* A valid DTMF key ('0'-'9', '*', '#', 'A'-'D')? */
bool ms__caller_valid_digit(char d);

#endif

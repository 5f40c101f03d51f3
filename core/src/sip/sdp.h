/* SDP (RFC 4566) parsing, offer/answer negotiation (RFC 3264) and writing for one audio stream.
 *
 * Pure functions over caller-owned structs: no allocation, no globals, no logging, safe from any
 * thread. The parser never reads past `len` and does not need NUL-terminated input. Nothing here
 * holds references; every struct is a plain value the caller owns and may copy.
 *
 * Only the first m=audio line with a non-zero port and an RTP/AVP or RTP/AVPF profile is used;
 * every m= line of an offer is remembered (up to MS_SDP_MAX_MLINES) so that the answer can
 * mirror them, rejecting the others with port 0 as RFC 3264 section 6 requires.
 */
#ifndef MS_SIP_SDP_H
#define MS_SIP_SDP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MS_SDP_MAX_FMTS   16
#define MS_SDP_MAX_MLINES 16

struct ms__sdp_fmt {
    int pt;        /* 0..127 */
    char name[16]; /* from a=rtpmap, or the static table; "" if unknown */
    int rate;      /* RTP clock rate (8000 for G722, as RFC 3551 says); 0 if unknown */
    int channels;  /* 1 unless a=rtpmap says otherwise */
    char fmtp[64]; /* a=fmtp parameters, truncated; "" if none */
};

enum ms__sdp_dir { MS_SDP_SENDRECV, MS_SDP_SENDONLY, MS_SDP_RECVONLY, MS_SDP_INACTIVE };

struct ms__sdp_media { /* the first usable m=audio line */
    char addr[64];     /* c= at media level, else session level; "0.0.0.0" = hold */
    int port;          /* 1..65535 */
    int nfmts;         /* formats beyond MS_SDP_MAX_FMTS are ignored */
    struct ms__sdp_fmt fmts[MS_SDP_MAX_FMTS];
    enum ms__sdp_dir dir; /* media-level attribute, else session-level, else sendrecv */
    int ptime;            /* 0 if absent */
};

/* One m= line as it must be echoed (rejected) in an answer: "m=<type> 0 <proto> <fmt>". */
struct ms__sdp_mline {
    char type[16];
    char proto[24];
    char fmt[16]; /* the first format of the line */
};

struct ms__sdp {
    uint64_t sess_id, sess_version; /* from o=; 0 if absent */
    struct ms__sdp_media audio;     /* valid only if has_audio */
    bool has_audio;
    int audio_index; /* index of the audio line among mlines, -1 if none */
    int nmlines;     /* m= lines seen, at most MS_SDP_MAX_MLINES */
    struct ms__sdp_mline mlines[MS_SDP_MAX_MLINES];
};

/* Parses an SDP body. Returns 0, or MS_EFORMAT when the text is not SDP (the first line is not
 * v=0, a line is not "<letter>=...", a c= line is malformed, or the audio line has no c=).
 * Lenient on CRLF vs LF, unknown lines and attributes, IPv6 ("IN IP6"), static payload types
 * without a=rtpmap. has_audio is false when no usable m=audio line exists. */
int ms__sdp_parse(const char *text, size_t len, struct ms__sdp *out);

/* What we agreed on for the audio stream, from either side's point of view. */
struct ms__sdp_answer {
    int audio_pt;
    char codec[16];       /* the codec name as spelled in our list, e.g. "PCMU" */
    int clock_rate;       /* RTP clock rate from the SDP (8000 for G722) */
    int dtmf_pt;          /* telephone-event PT at clock_rate, or -1 */
    enum ms__sdp_dir dir; /* OUR direction */
    char remote_addr[64];
    int remote_port;
    int ptime; /* the remote side's a=ptime, 0 if absent (we always send 20 ms) */
    /* the offer's m= lines, for the answer writer to mirror; nmlines 0 = just the audio */
    int audio_index;
    int nmlines;
    struct ms__sdp_mline mlines[MS_SDP_MAX_MLINES];
};

/* Answers an offer. codecs is our preference list of names, optionally with a clock rate
 * ("PCMU", "PCMA", "G722", "L16/16000"); names compare case-insensitively; only mono formats
 * match. Our direction mirrors the offer's (sendonly -> recvonly, recvonly -> sendonly,
 * inactive -> inactive); an offer with c=0.0.0.0 (or "::") is a hold: we never send.
 * Returns 0, MS_EINVAL on bad arguments, MS_EFORMAT if the offer has no audio, MS_ENOCODEC if
 * nothing is in common (answer 488). */
int ms__sdp_negotiate(const struct ms__sdp *offer, const char *const *codecs, int ncodecs,
                      struct ms__sdp_answer *out);

/* Reads the answer to an offer we sent with `codecs`: the chosen codec is the answer's first
 * format that we offered; dtmf_pt the answer's telephone-event at that rate; dir our direction
 * as implied by theirs. Same return codes as ms__sdp_negotiate. */
int ms__sdp_accept_answer(const struct ms__sdp *answer, const char *const *codecs, int ncodecs,
                          struct ms__sdp_answer *out);

/* Writes an answer: the audio line with the chosen codec, telephone-event (a=rtpmap and
 * a=fmtp:PT 0-16) when dtmf_pt >= 0, a=ptime:20 and the direction, other m= lines of the offer
 * rejected with port 0. CRLF line ends, NUL-terminated. Returns the length (without the NUL),
 * MS_EMSGSIZE if cap is too small, MS_EINVAL on bad arguments. local_ip with ':' is IPv6. */
int ms__sdp_write_answer(char *buf, size_t cap, const struct ms__sdp_answer *a,
                         const char *local_ip, int local_port, uint64_t sess_id,
                         uint64_t sess_version);

/* Writes an offer with `codecs` in that order (static PTs for PCMU 0, GSM 3, PCMA 8, G722 9,
 * G729 18; dynamic ones from 96 for others, skipping dtmf_pt) and telephone-event/8000 at
 * dtmf_pt if dtmf_pt is 96..127. Same return codes as ms__sdp_write_answer. */
int ms__sdp_write_offer(char *buf, size_t cap, const char *const *codecs, int ncodecs, int dtmf_pt,
                        const char *local_ip, int local_port, uint64_t sess_id,
                        uint64_t sess_version, enum ms__sdp_dir dir);

/* "sendrecv", "sendonly", "recvonly", "inactive". */
const char *ms__sdp_dir_name(enum ms__sdp_dir dir);

/* Internal to sdp_*.c: the RFC 3551 static audio payload types. ms__sdp_static_fmt fills f for
 * pt (name "" and rate 0 if pt is not static); ms__sdp_static_pt returns the mono static PT for
 * a name (and rate, 0 = any) or -1. */
void ms__sdp_static_fmt(int pt, struct ms__sdp_fmt *f);
int ms__sdp_static_pt(const char *name, int rate);
/* Splits "NAME" or "NAME/RATE" (rate 0 if absent); false if malformed or the name is too long. */
bool ms__sdp_split_codec(const char *spec, char name[16], int *rate);

#endif

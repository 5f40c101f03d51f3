/* The pronunciation dictionary grammars draw their words from: the model's
 * CMU dictionary held in memory (one read at start-up, then lookups by binary
 * search), plus extra pronunciations that take precedence (a user file,
 * ms__asr_add_word).
 *
 * struct ms__asr_dict: embedded in its struct ms__asr, used from the loop
 * thread only; ms__asr_dict_free releases everything. Lines of the file look
 * like "word PH PH ..." or "word(2) PH PH ..." (an alternative).
 */
#ifndef MS_ASR_ASR_DICT_H
#define MS_ASR_ASR_DICT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ms__asr_dict_extra {
    char *word;
    char *phones;
};

struct ms__asr_dict {
    char *buf;     /* the file, each line NUL-terminated */
    uint32_t *idx; /* line offsets sorted by word, then file order */
    size_t n;
    struct ms__asr_dict_extra *extra;
    size_t n_extra, cap_extra;
    uint64_t phones[64]; /* the phone set, packed names */
    int n_phones;
};

/* Blocking file read. 0, MS_ENOENT, MS_EACCES, MS_EFORMAT (no entries or over
 * 4 GB), MS_EIO, MS_ENOMEM. On failure d is left empty (free is still safe). */
int ms__asr_dict_load(struct ms__asr_dict *d, const char *path);
/* Adds every line of another dictionary file as extra entries. Same errors;
 * MS_EFORMAT names the first bad line in `line` (if not NULL). */
int ms__asr_dict_load_extra(struct ms__asr_dict *d, const char *path, int *line);
/* 0, MS_EINVAL (empty or overlong word, no phones, a phone not in the
 * dictionary's set) or MS_ENOMEM. The word is stored lower case. */
int ms__asr_dict_add(struct ms__asr_dict *d, const char *word, const char *phones);
void ms__asr_dict_free(struct ms__asr_dict *d);

/* The pronunciations of `word` (lower case), one per line in a new malloc'd
 * string (caller frees): extra entries if any, else the dictionary's; with
 * tel_variants, also each one without a leading weak fricative. 0, MS_ENOENT
 * (none) or MS_ENOMEM. */
int ms__asr_dict_prons(const struct ms__asr_dict *d, const char *word, bool tel_variants,
                       char **out);

#endif

/* A JSGF syntax check with line numbers, run before sphinxbase's own parser
 * (which reports no usable line numbers and accepts undefined rules). Covers
 * the JSGF 1.0 subset pocketsphinx supports: the "#JSGF" header, "grammar
 * name;", rules "[public] <name> = expansion;" with alternatives, weights
 * "/w/", groups "( )", options "[ ]", "*", "+", tags "{ }", <NULL>, <VOID>,
 * and comments. Imports and quoted tokens are refused.
 *
 * Pure functions on a caller-owned buffer; thread-safe.
 */
#ifndef MS_ASR_ASR_JSGF_H
#define MS_ASR_ASR_JSGF_H

#include <stddef.h>

/* Checks `text` (NUL-terminated, modified in place: words are lower-cased).
 * 0, or MS_EFORMAT with a message in err ("line 3: expected ';'"), or
 * MS_ENOMEM. */
int ms__asr_jsgf_check(char *text, char *err, size_t errlen);

#endif

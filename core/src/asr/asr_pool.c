/* The decoder pool, loop side: which slot a session gets. A slot keeps its
 * decoder between sessions together with the words it knows, so a grammar
 * whose words a decoder already has starts at no cost; otherwise the missing
 * words are added (cheap); only an empty slot costs a decoder creation. */
#include "asr/asr_int.h"
#include "moonswitch/error.h"

#include <stdlib.h>
#include <string.h>

int ms__asr_pool_init(struct ms__asr *a)
{
    a->slots = calloc((size_t)a->cfg.pool_size, sizeof *a->slots);
    if (!a->slots)
        return MS_ENOMEM;
    for (int i = 0; i < a->cfg.pool_size; i++) {
        a->slots[i].index = i;
        ms__u64map_init(&a->slots[i].known);
    }
    return 0;
}

void ms__asr_pool_free(struct ms__asr *a)
{
    for (int i = 0; a->slots && i < a->cfg.pool_size; i++) {
        ms__asr_slot_release_decoder(&a->slots[i]);
        ms__u64map_free(&a->slots[i].known);
    }
    free(a->slots);
    a->slots = NULL;
}

static uint64_t word_key(const char *w)
{
    return ms__asr_hash(w, strlen(w));
}

static size_t missing_words(const struct asr_slot *slot, const struct ms__asr_grammar *g)
{
    size_t missing = 0;
    for (size_t i = 0; i < g->n_words; i++)
        missing += ms__u64map_get(&slot->known, word_key(g->words[i])) == NULL;
    return missing;
}

/* Existing decoders first, those missing the fewest words first. */
static struct asr_slot *choose(struct ms__asr *a, const struct ms__asr_grammar *g, size_t *missing)
{
    struct asr_slot *best = NULL;
    size_t best_missing = SIZE_MAX;
    for (int i = 0; i < a->cfg.pool_size; i++) {
        struct asr_slot *s = &a->slots[i];
        if (s->busy)
            continue;
        size_t m = s->exists ? missing_words(s, g) : SIZE_MAX - 1;
        if (!best || m < best_missing) {
            best = s;
            best_missing = m;
        }
    }
    *missing = best_missing;
    return best;
}

static void forget_words(struct asr_slot *slot)
{
    ms__u64map_free(&slot->known);
    ms__u64map_init(&slot->known);
    slot->n_known = 0;
}

int ms__asr_pool_take(struct ms__asr *a, const struct ms__asr_grammar *g, struct asr_slot **out,
                      bool *recreate)
{
    size_t missing;
    struct asr_slot *slot = choose(a, g, &missing);
    if (!slot)
        return MS_EBUSY;
    *recreate = slot->exists && slot->n_known + missing > ASR_MAX_DICT_WORDS;
    if (*recreate || !slot->exists)
        forget_words(slot);
    for (size_t i = 0; i < g->n_words; i++) {
        uint64_t k = word_key(g->words[i]);
        if (ms__u64map_get(&slot->known, k))
            continue;
        if (ms__u64map_put(&slot->known, k, slot) < 0) {
            forget_words(slot); /* only a hint: the worker checks every word */
            break;
        }
        slot->n_known++;
    }
    slot->exists = true;
    slot->busy = true;
    *out = slot;
    return 0;
}

void ms__asr_pool_give(struct ms__asr *a, struct asr_slot *slot)
{
    (void)a;
    slot->busy = false;
}

#!/usr/bin/env python3
"""Adaptation lists for adapt.sh, from the transcripts of Asterisk's English
prompts (core-sounds-en.txt).

    prep.py MODE TRANSCRIPTS TEST_LIST DICT OUTDIR

MODE "ast": the real recordings; "flite": the same texts spoken by flite's
voices (kal, slt, rms, awb in turn), so no real voice is used at all;
"flite-all": each text by each of the four voices.
TEST_LIST: the prompts asr-eval tests on (asr-eval -L); they are left out, and
so is any prompt that is a single word of the test vocabulary. Prompts whose
words are not all in DICT (after lower-casing, digits to words, punctuation
removed) are left out too. Writes OUTDIR/adapt.list (ID<tab>SOURCE for
asr-eval -A), adapt.fileids, adapt.transcription and adapt.dic.
"""
import os
import re
import sys

DIGITS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine']
VOICES = ['kal', 'slt', 'rms', 'awb']


def load_dict(path):
    prons = {}
    with open(path, encoding='utf-8', errors='replace') as f:
        for line in f:
            parts = line.split()
            if len(parts) < 2:
                continue
            word = re.sub(r'\(\d+\)$', '', parts[0])
            prons.setdefault(word, []).append(' '.join(parts[1:]))
    return prons


def words_of(text):
    text = text.lower().replace('-', ' ').replace('/', ' ')
    out = []
    for tok in text.split():
        tok = tok.strip('.,;:!?"()\u2019')
        if not tok:
            continue
        if tok.isdigit() and len(tok) == 1:
            out.append(DIGITS[int(tok)])
        elif re.fullmatch(r"[a-z][a-z']*", tok):
            out.append(tok.strip("'"))
        else:
            return None  # numbers, symbols: not spelled out reliably
    return out


def main(mode, transcripts, test_list, dict_path, outdir):
    with open(test_list) as f:
        tests = {line.strip() for line in f if line.strip()}
    prons = load_dict(dict_path)
    test_words = set()
    entries = []
    with open(transcripts, encoding='utf-8', errors='replace') as f:
        for line in f:
            if line.startswith(';') or ':' not in line:
                continue
            stem, text = line.split(':', 1)
            stem = stem.strip()
            text = text.strip()
            if not text or '[' in text or stem.startswith('silence/'):
                continue
            entries.append((stem, text))
            if stem in tests:
                test_words.update(words_of(text) or [])
    kept = []
    skipped = {'test': 0, 'test word': 0, 'spelling': 0, 'dictionary': 0, 'no file': 0}
    for stem, text in entries:
        words = words_of(text)
        if stem in tests:
            skipped['test'] += 1
        elif words is None:
            skipped['spelling'] += 1
        elif len(words) == 1 and words[0] in test_words:
            skipped['test word'] += 1
        elif not words or any(w not in prons for w in words):
            skipped['dictionary'] += 1
        elif mode == 'ast' and not os.path.exists(os.path.join(AST_DIR, stem + '.wav')):
            skipped['no file'] += 1
        else:
            kept.append((stem, words, text))
    used = set()
    with open(os.path.join(outdir, 'adapt.list'), 'w') as lst, \
            open(os.path.join(outdir, 'adapt.fileids'), 'w') as ids, \
            open(os.path.join(outdir, 'adapt.transcription'), 'w') as trn:
        for i, (stem, words, text) in enumerate(kept):
            base = stem.replace('/', '_')
            if mode == 'ast':
                sources = [(base, 'ast:' + stem)]
            elif mode == 'flite':
                voice = VOICES[i % len(VOICES)]
                sources = [(base, 'flite:%s:%s' % (voice, ' '.join(words)))]
            else:
                sources = [('%s_%s' % (base, v), 'flite:%s:%s' % (v, ' '.join(words)))
                           for v in VOICES]
            for uid, src in sources:
                lst.write('%s\t%s\n' % (uid, src))
                ids.write(uid + '\n')
                trn.write('<s> %s </s> (%s)\n' % (' '.join(words), uid))
            used.update(words)
    with open(os.path.join(outdir, 'adapt.dic'), 'w') as dic:
        for w in sorted(used):
            for k, p in enumerate(prons[w]):
                dic.write('%s %s\n' % (w if k == 0 else '%s(%d)' % (w, k + 1), p))
    print('prep: %d prompts kept (%d words), left out: %s' %
          (len(kept), sum(len(k[1]) for k in kept),
           ', '.join('%d %s' % (n, why) for why, n in skipped.items())))


AST_DIR = os.environ.get('AST_DIR', '/usr/share/asterisk/sounds/en')

if __name__ == '__main__':
    if len(sys.argv) != 6 or sys.argv[1] not in ('ast', 'flite', 'flite-all'):
        sys.exit('usage: prep.py ast|flite|flite-all TRANSCRIPTS TEST_LIST DICT OUTDIR')
    main(*sys.argv[1:])

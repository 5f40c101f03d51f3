#!/bin/sh
# Makes models/en-us-tel/mllr: an MLLR transform adapting pocketsphinx's wideband
# en-us model to telephone audio (8 kHz, G.711, upsampled to 16 kHz as the
# recogniser does). See docs/asr.md.
#
#   models/en-us-tel/adapt.sh BUILD_DIR WORK_DIR [ast|flite|flite-all]
#
# flite (default; the shipped mllr): the texts of the Asterisk prompts that
# asr-eval does not test on (asr-eval -L lists those it does), spoken by flite's
# voices kal, slt, rms, awb in turn: no real voice at all (355 phrases, 17 min).
# flite-all: each text by each of the four voices. ast: the real recordings of
# those prompts (Allison Smith, 363 prompts, 18 min): speaker adaptation too, so
# asr-eval's real-voice figures are then flattered. One global transform (a
# single regression class): this much speech is too little for more.
# Needs: python3, sphinxbase-utils (sphinx_fe), sphinxtrain (bw, mllr_solve),
# pocketsphinx-en-us, asterisk-core-sounds-en (transcripts) and -en-wav.
# Writes WORK_DIR/mllr; copy it to models/en-us-tel/mllr to ship it.
set -eu
build=${1:?build dir (with asr-eval)}
work=${2:?work dir}
mode=${3:-flite}
here=$(cd "$(dirname "$0")" && pwd)
model=/usr/share/pocketsphinx/model/en-us/en-us
dict=/usr/share/pocketsphinx/model/en-us/cmudict-en-us.dict
prompts=/usr/share/doc/asterisk-core-sounds-en/core-sounds-en.txt.gz
bw=/usr/lib/sphinxtrain/bw
solve=/usr/lib/sphinxtrain/mllr_solve

mkdir -p "$work/raw" "$work/mfc" "$work/acc"
# the model as sphinxtrain reads it: a text mdef, and the mixture weights
# that the package ships only in pocketsphinx's quantised form (sendump)
pocketsphinx_mdef_convert -text "$model/mdef" "$work/mdef.txt" 2>/dev/null
python3 "$here/sendump2mixw.py" "$model/sendump" "$work/mixture_weights"

zcat "$prompts" > "$work/prompts.txt"
"$build/asr-eval" -L > "$work/tests.txt"
python3 "$here/prep.py" "$mode" "$work/prompts.txt" "$work/tests.txt" "$dict" "$work"
"$build/asr-eval" -A "$work"

# features exactly as the decoder computes them (the model's feat.params)
sphinx_fe -argfile "$model/feat.params" -samprate 16000 -raw yes -input_endian little \
    -c "$work/adapt.fileids" -di "$work/raw" -ei raw -do "$work/mfc" -eo mfc \
    > "$work/fe.log" 2>&1

cmninit=$(sed -n 's/^-cmninit //p' "$model/feat.params")
"$bw" -hmmdir "$model" -moddeffn "$work/mdef.txt" -mixwfn "$work/mixture_weights" \
    -ts2cbfn .ptm. -feat 1s_c_d_dd -svspec 0-12/13-25/26-38 -cmn batch -agc none \
    -varnorm no -cmninit "$cmninit" -dictfn "$work/adapt.dic" -fdictfn "$model/noisedict" \
    -ctlfn "$work/adapt.fileids" -lsnfn "$work/adapt.transcription" \
    -cepdir "$work/mfc" -cepext mfc -accumdir "$work/acc" > "$work/bw.log" 2>&1
"$solve" -meanfn "$model/means" -varfn "$model/variances" -outmllrfn "$work/mllr" \
    -accumdir "$work/acc" -mllradd yes -mllrmult yes > "$work/solve.log" 2>&1
echo "adapt.sh: $work/mllr ($(grep -c . "$work/adapt.fileids") utterances, $mode)"

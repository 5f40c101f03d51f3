#!/usr/bin/env python3
"""Rebuilds the mixture_weights file that sphinxtrain's bw needs from the
quantised copy (sendump) that pocketsphinx-en-us ships instead.

    sendump2mixw.py MODEL_DIR/sendump OUT/mixture_weights

sendump: a header of length-prefixed strings ending with a zero length, then
int32 codewords and int32 senones, then for each feature stream and codeword
one byte per senone: the weight as -log base 1.0001, shifted right by 10.
The output is a Sphinx-3 binary float array [senone][stream][codeword], each
senone's weights renormalised to sum to 1 per stream.
"""
import math
import struct
import sys

MIXW_SHIFT = 10


def read_header(f):
    attrs = {}
    while True:
        n = struct.unpack('<I', f.read(4))[0]
        if n == 0:
            return attrs
        words = f.read(n).rstrip(b'\0').decode('ascii', 'replace').split()
        if len(words) == 2 and words[1].isdigit():
            attrs[words[0]] = int(words[1])


def main(src, dst):
    with open(src, 'rb') as f:
        attrs = read_header(f)
        if attrs.get('cluster_count', 0) != 0:
            sys.exit('sendump2mixw: clustered sendump files are not supported')
        n_feat = attrs.get('feature_count', 1)
        n_cw, n_sen = struct.unpack('<ii', f.read(8))
        data = f.read(n_feat * n_cw * n_sen)
    if len(data) != n_feat * n_cw * n_sen:
        sys.exit('sendump2mixw: truncated file')
    table = [math.pow(1.0001, -(b << MIXW_SHIFT)) for b in range(256)]
    out = [0.0] * (n_sen * n_feat * n_cw)
    for feat in range(n_feat):
        for cw in range(n_cw):
            row = data[(feat * n_cw + cw) * n_sen:(feat * n_cw + cw + 1) * n_sen]
            for sen, b in enumerate(row):
                out[(sen * n_feat + feat) * n_cw + cw] = table[b]
    for i in range(0, len(out), n_cw):
        total = sum(out[i:i + n_cw])
        for j in range(i, i + n_cw):
            out[j] /= total
    with open(dst, 'wb') as f:
        head = b's3\nversion 1.0\n'
        pad = (4 - (len(head) + len(b'endhdr\n')) % 4) % 4
        f.write(head + b' ' * pad + b'endhdr\n')
        f.write(struct.pack('=i', 0x11223344))
        f.write(struct.pack('=IIII', n_sen, n_feat, n_cw, len(out)))
        f.write(struct.pack('=%df' % len(out), *out))
    print('%s: %d senones, %d streams, %d codewords' % (dst, n_sen, n_feat, n_cw))


if __name__ == '__main__':
    if len(sys.argv) != 3:
        sys.exit('usage: sendump2mixw.py SENDUMP MIXTURE_WEIGHTS')
    main(sys.argv[1], sys.argv[2])

#!/usr/bin/env python3
"""Times the book's own ch. 8 AttentionSeq2seq (oreilly-japan/deep-learning-from-scratch-2, not a port):
imports ch08/attention_seq2seq.py, common/optimizer.py Adam, common/util.py clip_grads and
common/trainer.py remove_duplicate from a checkout of the book's repository given by --book, and runs the
book Trainer's iteration (forward, backward, remove_duplicate, clip 5.0, Adam 0.001) on the batches that
bench/bench.ts writes to stdin, so both programs train on the same ids.

    python3 bench/book_attention.py --book DIR [--iters 25] [--warmup 2] [--hidden 256] [--wordvec 16] < batches.json

stdin: {"V": vocabulary size, "batches": [{"xs": N×Tq ids (reversed as the book's train.py does), "ts": N×Ta ids}]}
stdout: one JSON line {"secondsPerIteration", "numpy"}. Nothing of the book is copied into this project;
matplotlib, which common/trainer.py imports for plotting only, is stubbed when absent.
"""
import argparse
import json
import os
import sys
import time
import types


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--book', required=True, help='a checkout of oreilly-japan/deep-learning-from-scratch-2')
    p.add_argument('--iters', type=int, default=25)
    p.add_argument('--warmup', type=int, default=2)
    p.add_argument('--hidden', type=int, default=256)
    p.add_argument('--wordvec', type=int, default=16)
    p.add_argument('--seed', type=int, default=0)
    a = p.parse_args()
    book = os.path.abspath(a.book)
    if not os.path.isfile(os.path.join(book, 'ch08', 'attention_seq2seq.py')):
        sys.exit(f'--book {a.book}: expected the book repository (ch08/attention_seq2seq.py not found)')
    if 'matplotlib' not in sys.modules:
        try:
            import matplotlib.pyplot  # noqa: F401
        except ImportError:
            plt = types.ModuleType('matplotlib.pyplot')
            mpl = types.ModuleType('matplotlib')
            mpl.pyplot = plt
            sys.modules['matplotlib'] = mpl
            sys.modules['matplotlib.pyplot'] = plt
    sys.path.insert(0, book)
    sys.path.insert(0, os.path.join(book, 'ch08'))
    import numpy as np
    from ch08.attention_seq2seq import AttentionSeq2seq
    from common.optimizer import Adam
    from common.trainer import remove_duplicate
    from common.util import clip_grads

    data = json.load(sys.stdin)
    batches = [(np.array(b['xs'], dtype=np.int64), np.array(b['ts'], dtype=np.int64)) for b in data['batches']]
    np.random.seed(a.seed)
    model = AttentionSeq2seq(data['V'], a.wordvec, a.hidden)
    optimizer = Adam(0.001)

    def step(k):
        # common/trainer.py Trainer.fit, one iteration
        x, t = batches[k % len(batches)]
        loss = model.forward(x, t)
        model.backward()
        params, grads = remove_duplicate(model.params, model.grads)
        clip_grads(grads, 5.0)
        optimizer.update(params, grads)
        return loss

    for k in range(a.warmup):
        step(k)
    start = time.perf_counter()
    for k in range(a.iters):
        loss = step(a.warmup + k)
    per = (time.perf_counter() - start) / a.iters
    print(json.dumps({'secondsPerIteration': per, 'loss': float(loss), 'numpy': np.__version__}))


if __name__ == '__main__':
    main()

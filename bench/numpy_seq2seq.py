#!/usr/bin/env python3
"""NumPy reference timing for the book's ch. 7 addition task ("Deep Learning from Scratch 2", 7.3-7.4).

A self-contained float32 port of the book's PeekySeq2seq (common/time_layers.py, ch07/peeky_seq2seq.py,
common/optimizer.py, common/util.py), in the book's code style, trained on freshly generated `a+b`
questions (7 chars, reversed as in 7.3.1) with answers of 5 chars (`_` + sum), batch 128, wordvec 16,
hidden 128, Adam lr 0.001, gradient clipping 5.0.

It times N training iterations (forward, backward, clip, Adam) after warm-up and prints one JSON line:
seconds per iteration and extrapolated seconds per epoch of 45,000 questions (351 iterations, like the
book's Trainer with max_iters = data_size // batch_size). bench/bench.ts runs it and compares.

    python3 bench/numpy_seq2seq.py [--iters 20] [--warmup 3] [--seed 1984] [--gemm]

--gemm instead times the model's matrix products (same shapes as bench/bench.ts) and prints GFLOP/s.
"""
import argparse
import json
import sys
import time

import numpy as np


# ---------------------------------------------------------------- layers (common/time_layers.py)

def sigmoid(x):
    return 1 / (1 + np.exp(-x))


class TimeEmbedding:
    def __init__(self, W):
        self.params = [W]
        self.grads = [np.zeros_like(W)]
        self.idx = None

    def forward(self, xs):
        W, = self.params
        self.idx = xs
        return W[xs]  # (N, T) -> (N, T, D)

    def backward(self, dout):
        dW, = self.grads
        dW[...] = 0
        np.add.at(dW, self.idx, dout)
        return None


class LSTM:
    def __init__(self, Wx, Wh, b):
        self.params = [Wx, Wh, b]
        self.grads = [np.zeros_like(Wx), np.zeros_like(Wh), np.zeros_like(b)]
        self.cache = None

    def forward(self, x, h_prev, c_prev):
        Wx, Wh, b = self.params
        N, H = h_prev.shape
        A = np.dot(x, Wx) + np.dot(h_prev, Wh) + b  # (N, 4H), gates f, g, i, o
        f = sigmoid(A[:, :H])
        g = np.tanh(A[:, H:2 * H])
        i = sigmoid(A[:, 2 * H:3 * H])
        o = sigmoid(A[:, 3 * H:])
        c_next = f * c_prev + g * i
        h_next = o * np.tanh(c_next)
        self.cache = (x, h_prev, c_prev, i, f, g, o, c_next)
        return h_next, c_next

    def backward(self, dh_next, dc_next):
        Wx, Wh, b = self.params
        x, h_prev, c_prev, i, f, g, o, c_next = self.cache
        tanh_c_next = np.tanh(c_next)
        ds = dc_next + (dh_next * o) * (1 - tanh_c_next ** 2)
        dc_prev = ds * f
        di = ds * g * i * (1 - i)
        df = ds * c_prev * f * (1 - f)
        do = dh_next * tanh_c_next * o * (1 - o)
        dg = ds * i * (1 - g ** 2)
        dA = np.hstack((df, dg, di, do))
        self.grads[0][...] = np.dot(x.T, dA)
        self.grads[1][...] = np.dot(h_prev.T, dA)
        self.grads[2][...] = dA.sum(axis=0)
        dx = np.dot(dA, Wx.T)
        dh_prev = np.dot(dA, Wh.T)
        return dx, dh_prev, dc_prev


class TimeLSTM:
    def __init__(self, Wx, Wh, b, stateful=False):
        self.params = [Wx, Wh, b]
        self.grads = [np.zeros_like(Wx), np.zeros_like(Wh), np.zeros_like(b)]
        self.layers = None
        self.h, self.c = None, None
        self.dh = None
        self.stateful = stateful

    def forward(self, xs):
        Wx, Wh, b = self.params
        N, T, D = xs.shape
        H = Wh.shape[0]
        self.layers = []
        hs = np.empty((N, T, H), dtype='f')
        if not self.stateful or self.h is None:
            self.h = np.zeros((N, H), dtype='f')
        if not self.stateful or self.c is None:
            self.c = np.zeros((N, H), dtype='f')
        for t in range(T):
            layer = LSTM(*self.params)
            self.h, self.c = layer.forward(xs[:, t, :], self.h, self.c)
            hs[:, t, :] = self.h
            self.layers.append(layer)
        return hs

    def backward(self, dhs):
        Wx, Wh, b = self.params
        N, T, H = dhs.shape
        D = Wx.shape[0]
        dxs = np.empty((N, T, D), dtype='f')
        dh, dc = 0, 0
        grads = [0, 0, 0]
        for t in reversed(range(T)):
            layer = self.layers[t]
            dx, dh, dc = layer.backward(dhs[:, t, :] + dh, dc)
            dxs[:, t, :] = dx
            for i, grad in enumerate(layer.grads):
                grads[i] += grad
        for i, grad in enumerate(grads):
            self.grads[i][...] = grad
        self.dh = dh
        return dxs

    def set_state(self, h, c=None):
        self.h, self.c = h, c

    def reset_state(self):
        self.h, self.c = None, None


class TimeAffine:
    def __init__(self, W, b):
        self.params = [W, b]
        self.grads = [np.zeros_like(W), np.zeros_like(b)]
        self.x = None

    def forward(self, x):
        N, T, D = x.shape
        W, b = self.params
        rx = x.reshape(N * T, -1)  # (N*T, D)
        out = np.dot(rx, W) + b
        self.x = x
        return out.reshape(N, T, -1)

    def backward(self, dout):
        x = self.x
        N, T, D = x.shape
        W, b = self.params
        dout = dout.reshape(N * T, -1)
        rx = x.reshape(N * T, -1)
        self.grads[0][...] = np.dot(rx.T, dout)
        self.grads[1][...] = np.sum(dout, axis=0)
        dx = np.dot(dout, W.T)
        return dx.reshape(*x.shape)


class TimeSoftmaxWithLoss:
    def __init__(self):
        self.cache = None
        self.ignore_label = -1

    def forward(self, xs, ts):
        N, T, V = xs.shape
        mask = (ts != self.ignore_label)
        xs = xs.reshape(N * T, V)
        ts = ts.reshape(N * T)
        mask = mask.reshape(N * T)
        xs = xs - xs.max(axis=1, keepdims=True)
        ys = np.exp(xs)
        ys /= ys.sum(axis=1, keepdims=True)
        ls = np.log(ys[np.arange(N * T), ts] + 1e-7)
        ls *= mask
        loss = -np.sum(ls) / mask.sum()
        self.cache = (ts, ys, mask, (N, T, V))
        return loss

    def backward(self, dout=1):
        ts, ys, mask, (N, T, V) = self.cache
        dx = ys
        dx[np.arange(N * T), ts] -= 1
        dx *= dout
        dx /= mask.sum()
        dx *= mask[:, np.newaxis]
        return dx.reshape((N, T, V))


# ---------------------------------------------------------------- models (ch07/seq2seq.py, peeky_seq2seq.py)

class Encoder:
    def __init__(self, vocab_size, wordvec_size, hidden_size, rn):
        V, D, H = vocab_size, wordvec_size, hidden_size
        embed_W = (rn(V, D) / 100).astype('f')
        lstm_Wx = (rn(D, 4 * H) / np.sqrt(D)).astype('f')
        lstm_Wh = (rn(H, 4 * H) / np.sqrt(H)).astype('f')
        lstm_b = np.zeros(4 * H).astype('f')
        self.embed = TimeEmbedding(embed_W)
        self.lstm = TimeLSTM(lstm_Wx, lstm_Wh, lstm_b, stateful=False)
        self.params = self.embed.params + self.lstm.params
        self.grads = self.embed.grads + self.lstm.grads
        self.hs = None

    def forward(self, xs):
        xs = self.embed.forward(xs)
        hs = self.lstm.forward(xs)
        self.hs = hs
        return hs[:, -1, :]

    def backward(self, dh):
        dhs = np.zeros_like(self.hs)
        dhs[:, -1, :] = dh
        dout = self.lstm.backward(dhs)
        self.embed.backward(dout)
        return dout


class PeekyDecoder:
    def __init__(self, vocab_size, wordvec_size, hidden_size, rn):
        V, D, H = vocab_size, wordvec_size, hidden_size
        embed_W = (rn(V, D) / 100).astype('f')
        lstm_Wx = (rn(H + D, 4 * H) / np.sqrt(H + D)).astype('f')
        lstm_Wh = (rn(H, 4 * H) / np.sqrt(H)).astype('f')
        lstm_b = np.zeros(4 * H).astype('f')
        affine_W = (rn(H + H, V) / np.sqrt(H + H)).astype('f')
        affine_b = np.zeros(V).astype('f')
        self.embed = TimeEmbedding(embed_W)
        self.lstm = TimeLSTM(lstm_Wx, lstm_Wh, lstm_b, stateful=True)
        self.affine = TimeAffine(affine_W, affine_b)
        self.params, self.grads = [], []
        for layer in (self.embed, self.lstm, self.affine):
            self.params += layer.params
            self.grads += layer.grads
        self.cache = None

    def forward(self, xs, h):
        N, T = xs.shape
        N, H = h.shape
        self.lstm.set_state(h)
        out = self.embed.forward(xs)
        hs = np.repeat(h, T, axis=0).reshape(N, T, H)
        out = np.concatenate((hs, out), axis=2)  # (N, T, H + D)
        out = self.lstm.forward(out)
        out = np.concatenate((hs, out), axis=2)  # (N, T, H + H)
        score = self.affine.forward(out)
        self.cache = H
        return score

    def backward(self, dscore):
        H = self.cache
        dout = self.affine.backward(dscore)
        dout, dhs0 = dout[:, :, H:], dout[:, :, :H]
        dout = self.lstm.backward(dout)
        dembed, dhs1 = dout[:, :, H:], dout[:, :, :H]
        self.embed.backward(dembed)
        dhs = dhs0 + dhs1
        dh = self.lstm.dh + np.sum(dhs, axis=1)
        return dh


class PeekySeq2seq:
    def __init__(self, vocab_size, wordvec_size, hidden_size, rn):
        V, D, H = vocab_size, wordvec_size, hidden_size
        self.encoder = Encoder(V, D, H, rn)
        self.decoder = PeekyDecoder(V, D, H, rn)
        self.softmax = TimeSoftmaxWithLoss()
        self.params = self.encoder.params + self.decoder.params
        self.grads = self.encoder.grads + self.decoder.grads

    def forward(self, xs, ts):
        decoder_xs, decoder_ts = ts[:, :-1], ts[:, 1:]
        h = self.encoder.forward(xs)
        score = self.decoder.forward(decoder_xs, h)
        loss = self.softmax.forward(score, decoder_ts)
        return loss

    def backward(self, dout=1):
        dout = self.softmax.backward(dout)
        dh = self.decoder.backward(dout)
        dout = self.encoder.backward(dh)
        return dout


# ---------------------------------------------------------------- optimizer, clipping (common/optimizer.py, util.py)

class Adam:
    def __init__(self, lr=0.001, beta1=0.9, beta2=0.999):
        self.lr, self.beta1, self.beta2 = lr, beta1, beta2
        self.iter = 0
        self.m, self.v = None, None

    def update(self, params, grads):
        if self.m is None:
            self.m = [np.zeros_like(p) for p in params]
            self.v = [np.zeros_like(p) for p in params]
        self.iter += 1
        lr_t = self.lr * np.sqrt(1.0 - self.beta2 ** self.iter) / (1.0 - self.beta1 ** self.iter)
        for i in range(len(params)):
            self.m[i] += (1 - self.beta1) * (grads[i] - self.m[i])
            self.v[i] += (1 - self.beta2) * (grads[i] ** 2 - self.v[i])
            params[i] -= lr_t * self.m[i] / (np.sqrt(self.v[i]) + 1e-7)


def clip_grads(grads, max_norm):
    total_norm = 0
    for grad in grads:
        total_norm += np.sum(grad ** 2)
    total_norm = np.sqrt(total_norm)
    rate = max_norm / (total_norm + 1e-6)
    if rate < 1:
        for grad in grads:
            grad *= rate


# ---------------------------------------------------------------- data (dataset/addition.txt, generated)

def addition_data(count, rng):
    """`16+75  _91  `: questions padded to 7 chars, answers `_` + sum padded to 5 (the book's format)."""
    chars = list('0123456789+ _')
    char_to_id = {c: i for i, c in enumerate(chars)}
    a = rng.integers(0, 1000, size=count)
    b = rng.integers(0, 1000, size=count)
    questions = ['%-7s' % ('%d+%d' % (x, y)) for x, y in zip(a, b)]
    answers = ['_%-4s' % (x + y) for x, y in zip(a, b)]
    x = np.array([[char_to_id[c] for c in q] for q in questions], dtype=np.int32)
    t = np.array([[char_to_id[c] for c in s] for s in answers], dtype=np.int32)
    return x, t, len(chars)


def time_training(args):
    rng = np.random.default_rng(args.seed)
    batch_size, wordvec_size, hidden_size, max_grad = 128, 16, 128, 5.0
    epoch_questions = 45000
    x, t, vocab_size = addition_data(batch_size * (args.iters + args.warmup), rng)
    x = x[:, ::-1]  # reversed input (book 7.3.1)
    model = PeekySeq2seq(vocab_size, wordvec_size, hidden_size, lambda *shape: rng.standard_normal(shape))  # np.random.randn
    optimizer = Adam()

    def step(it):
        batch_x = x[it * batch_size:(it + 1) * batch_size]
        batch_t = t[it * batch_size:(it + 1) * batch_size]
        loss = model.forward(batch_x, batch_t)
        model.backward()
        clip_grads(model.grads, max_grad)
        optimizer.update(model.params, model.grads)
        return loss

    for it in range(args.warmup):
        step(it)
    start = time.perf_counter()
    loss = 0.0
    for it in range(args.warmup, args.warmup + args.iters):
        loss = step(it)
    seconds = time.perf_counter() - start
    per_iter = seconds / args.iters
    iters_per_epoch = epoch_questions // batch_size
    print(json.dumps({
        'framework': 'numpy',
        'numpy': np.__version__,
        'python': sys.version.split()[0],
        'model': 'PeekySeq2seq',
        'reverse': True,
        'batch': batch_size,
        'wordvec': wordvec_size,
        'hidden': hidden_size,
        'iterations': args.iters,
        'secondsPerIteration': per_iter,
        'samplesPerSecond': batch_size / per_iter,
        'iterationsPerEpoch': iters_per_epoch,
        'secondsPerEpoch': per_iter * iters_per_epoch,
        'lastLoss': float(loss),
    }))


# the model's products as [name, m, k, n, form]: form 'nn' a·b, 'tn' aᵀ·b, 'nt' a·bᵀ (bench/shapes.ts has the same
# list; the last, dWh summed over the T = 7 encoder steps as one product, is timed but not in the flop-weighted mix)
GEMM_SHAPES = [
    ['x·Wx (encoder)', 128, 16, 512, 'nn'],
    ['[h;x]·Wx (peeky decoder)', 128, 144, 512, 'nn'],
    ['h·Wh', 128, 128, 512, 'nn'],
    ['[h;h]·W affine (one step)', 128, 256, 13, 'nn'],
    ['[h;h]·W affine (N·T rows)', 640, 256, 13, 'nn'],
    ['dWx = xᵀ·dA', 16, 128, 512, 'tn'],
    ['dWh = hᵀ·dA', 128, 128, 512, 'tn'],
    ['dW affine = xᵀ·dscore', 256, 640, 13, 'tn'],
    ['dx = dA·Wxᵀ', 128, 512, 16, 'nt'],
    ['dh = dA·Whᵀ', 128, 512, 128, 'nt'],
    ['dx affine = dscore·Wᵀ', 640, 13, 256, 'nt'],
    ['dWh deep (T·N = 896)', 128, 896, 512, 'tn'],
]


def time_gemm(args):
    rng = np.random.default_rng(args.seed)
    results = []
    for name, m, k, n, form in GEMM_SHAPES:
        a = rng.standard_normal((k, m) if form == 'tn' else (m, k)).astype('f')
        b = rng.standard_normal((n, k) if form == 'nt' else (k, n)).astype('f')
        op = {'nn': lambda: np.dot(a, b), 'tn': lambda: np.dot(a.T, b), 'nt': lambda: np.dot(a, b.T)}[form]
        op()
        reps, start = 0, time.perf_counter()
        while time.perf_counter() - start < args.seconds:
            op()
            reps += 1
        seconds = time.perf_counter() - start
        results.append({'name': name, 'm': m, 'k': k, 'n': n, 'form': form,
                        'gflops': 2.0 * m * n * k * reps / seconds / 1e9})
    print(json.dumps({'framework': 'numpy', 'numpy': np.__version__, 'gemm': results}))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--iters', type=int, default=20, help='timed iterations (default 20)')
    parser.add_argument('--warmup', type=int, default=3, help='untimed iterations first (default 3)')
    parser.add_argument('--seed', type=int, default=1984)
    parser.add_argument('--gemm', action='store_true', help='time the model\'s matrix products instead')
    parser.add_argument('--seconds', type=float, default=0.2, help='--gemm: seconds per shape (default 0.2)')
    args = parser.parse_args()
    if args.gemm:
        time_gemm(args)
    else:
        time_training(args)


if __name__ == '__main__':
    main()

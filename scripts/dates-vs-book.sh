#!/usr/bin/env bash
# The ch. 8 date task, the book's own code (NumPy) against ours, on the same file, split and hyperparameters
# (issue #11): attention, reversed input, wordvec 16, hidden 256, batch 128, Adam 0.001, clip 5. Prints the
# test exact-match of both after every epoch, then a side-by-side table.
#
#   scripts/dates-vs-book.sh [hard|book] [EPOCHS]     (after npm run build; default: hard 3)
#
# hard: 50,000 lines of src/experiments/hard-dates.ts (seed 2026); book: the book's dataset/date.txt.
# The book's code comes from a git directory of its repository (BOOK_GIT, default the mirror below) and
# runs from a temporary folder; only its plotting import (matplotlib, not installed here) is stubbed.
# Both use the book's split: sequence.load_data's NumPy shuffle with seed 1984, first 45,000 train, last
# 5,000 test (our side reads the file written in that order).
#
# OURS=cli (default): what `seq2seq-chat train` does with the train part as a fixed-width file and the issue's
# flags (--model attention --reverse --epochs N --patience 0 --batch 128 --hidden 256 --wordvec 16 --lr 0.001
# --seed 1 --val 0, two threads): bench/cli-dates.ts --variant file runs the CLI's training path
# (trainChatModel with optionsForFormat, so padded character questions) and prints the test exact-match
# after every epoch (the CLI itself has no test file); the model it saves is then measured by
# `seq2seq-chat eval` on the test part (SEED: its --seed, default 1). OURS=experiment:
# src/experiments/dates.ts --book-order; OURS=none runs the book's code alone. BOOK=0 runs our side alone (the
# book's code is deterministic: load_data seeds NumPy's global generator with 1984, so its initial weights, batch
# order and figures on a data set do not change from run to run). BOOK_SEED=s reseeds that generator with s
# after load_data (same split, other initial weights and batch order): the book's own seed-to-seed spread.
# About an hour on a quiet 2-core machine, one after the other (PARALLEL=1: both at once); run it in the
# background with a log.
set -euo pipefail
cd "$(dirname "$0")/.."
DATA=${1:-hard}
EPOCHS=${2:-3}
OURS=${OURS:-cli}
SEED=${SEED:-1}
BOOK_GIT=${BOOK_GIT:-/work/.mirror/oreilly-japan+deep-learning-from-scratch-2/repo}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
git --git-dir="$BOOK_GIT" archive HEAD common dataset ch07 ch08 | tar -x -C "$TMP"
mkdir -p "$TMP/matplotlib" "$TMP/run"
: > "$TMP/matplotlib/__init__.py"
: > "$TMP/matplotlib/pyplot.py"
case "$DATA" in
  hard) node out/src/experiments/hard-dates.js --out "$TMP/dataset/dates.txt" --seed 2026 ;;
  book) cp "$TMP/dataset/date.txt" "$TMP/dataset/dates.txt" ;;
  *) echo "usage: scripts/dates-vs-book.sh [hard|book] [EPOCHS]" >&2; exit 2 ;;
esac
# The file in load_data's order (the same NumPy shuffle), for our side's --book-order.
PYTHONUTF8=1 python3 - "$TMP/dataset/dates.txt" "$TMP/run/ordered.txt" <<'EOF'
import sys, numpy
lines = [l[:-1] for l in open(sys.argv[1], encoding='utf-8')]
order = numpy.arange(len(lines))
numpy.random.seed(1984)
numpy.random.shuffle(order)
open(sys.argv[2], 'w', encoding='utf-8').write(''.join(lines[i] + '\n' for i in order))
EOF
cat > "$TMP/run/book.py" <<'EOF'
import sys, time
sys.path.append('..')
from dataset import sequence
from common.optimizer import Adam
from common.trainer import Trainer
from common.util import eval_seq2seq
from ch08.attention_seq2seq import AttentionSeq2seq

epochs = int(sys.argv[1])
(x_train, t_train), (x_test, t_test) = sequence.load_data('dates.txt')  # seeds NumPy with 1984
if len(sys.argv) > 2:
    import numpy
    numpy.random.seed(int(sys.argv[2]))  # BOOK_SEED: other initial weights and batch order, same split
    print('book: NumPy reseeded with %s after load_data' % sys.argv[2], flush=True)
char_to_id, id_to_char = sequence.get_vocab()
x_train, x_test = x_train[:, ::-1], x_test[:, ::-1]
print('book: V=%d, train %d, test %d, question width %d' % (len(char_to_id), len(x_train), len(x_test), x_train.shape[1]), flush=True)
model = AttentionSeq2seq(len(char_to_id), 16, 256)
trainer = Trainer(model, Adam())
for epoch in range(epochs):
    t0 = time.time()
    trainer.fit(x_train, t_train, max_epoch=1, batch_size=128, max_grad=5.0, eval_interval=50)
    correct = sum(eval_seq2seq(model, x_test[[i]], t_test[[i]], id_to_char, False, is_reverse=True) for i in range(len(x_test)))
    print('book epoch %d/%d  test acc %.3f %%  %.0f s' % (epoch + 1, epochs, 100.0 * correct / len(x_test), time.time() - t0), flush=True)
EOF
# One BLAS thread: on a loaded machine NumPy's default threads spin and run several times slower.
book() { (cd "$TMP/run" && PYTHONUTF8=1 PYTHONPATH="$TMP" OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 python3 book.py "$EPOCHS" ${BOOK_SEED:+"$BOOK_SEED"}); }
head -n 45000 "$TMP/run/ordered.txt" > "$TMP/run/train.txt"
tail -n +45001 "$TMP/run/ordered.txt" > "$TMP/run/test.txt"
case "$OURS" in
  cli) ours() {
      node out/bench/cli-dates.js "$TMP/run/train.txt" "$TMP/run/test.txt" --variant file --epochs "$EPOCHS" --threads 2 --seed "$SEED" --out "$TMP/run/ours.s2s"
      echo "seq2seq-chat eval on the test part:"
      node bin/seq2seq-chat.js eval "$TMP/run/ours.s2s" "$TMP/run/test.txt" --show 5
    } ;;
  experiment) ours() { node out/src/experiments/dates.js --file "$TMP/run/ordered.txt" --book-order --epochs "$EPOCHS"; } ;;
  none) ours() { echo "(our side not run: OURS=none)"; } ;;
  *) echo "OURS: expected cli, experiment or none, got $OURS" >&2; exit 2 ;;
esac
if [ "${BOOK:-1}" = 0 ]; then
  echo "== ours ($OURS, seed $SEED, $DATA, $EPOCHS epochs), $(date -u +%FT%TZ)"
  : > "$TMP/book.log"
  ours 2>&1 | tee "$TMP/ours.log"
elif [ "${PARALLEL:-0}" = 1 ]; then
  # Both at once, when one after the other takes longer than there is; each line as it comes, marked with its side.
  echo "== the book's code and ours ($OURS) at the same time ($DATA, $EPOCHS epochs), $(date -u +%FT%TZ)"
  book 2>&1 | tee "$TMP/book.log" | sed -u 's/^/[book] /' &
  BOOK_PID=$!
  ours 2>&1 | tee "$TMP/ours.log" | sed -u 's/^/[ours] /' &
  OURS_PID=$!
  wait $BOOK_PID $OURS_PID
else
  echo "== the book's code ($DATA, $EPOCHS epochs), $(date -u +%FT%TZ)"
  book | tee "$TMP/book.log"
  echo "== ours ($OURS, $DATA, $EPOCHS epochs), $(date -u +%FT%TZ)"
  ours 2>&1 | tee "$TMP/ours.log"
fi
echo "== test exact-match % per epoch, $(date -u +%FT%TZ)"
echo "epoch  book  ours"
paste <(grep -o 'book epoch [0-9]*/[0-9]*  test acc [0-9.]*' "$TMP/book.log" | awk '{print $3, $6}') \
      <(grep -o 'test acc [0-9.]*\|on the [0-9]* test pairs [0-9.]*' "$TMP/ours.log" | awk '{print $NF}') | awk -F'\t' '{split($1, b, " "); split(b[1], e, "/"); printf "%5s  %s  %s\n", NR, (b[2] == "" ? "-" : b[2]), $2}'

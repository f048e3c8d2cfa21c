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
# 5,000 test (our side reads the file written in that order, with --book-order). About an hour on a
# quiet 2-core machine, one after the other (PARALLEL=1: both at once); run it in the background with a log.
set -euo pipefail
cd "$(dirname "$0")/.."
DATA=${1:-hard}
EPOCHS=${2:-3}
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
book() { (cd "$TMP/run" && PYTHONUTF8=1 PYTHONPATH="$TMP" OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 python3 book.py "$EPOCHS"); }
ours() { node out/src/experiments/dates.js --file "$TMP/run/ordered.txt" --book-order --epochs "$EPOCHS"; }
if [ "${PARALLEL:-0}" = 1 ]; then
  # Both at once, when one after the other takes longer than there is.
  echo "== the book's code and ours at the same time ($DATA, $EPOCHS epochs), $(date -u +%FT%TZ)"
  book > "$TMP/book.log" 2>&1 &
  BOOK=$!
  ours > "$TMP/ours.log" 2>&1 &
  OURS=$!
  wait $BOOK $OURS
  cat "$TMP/book.log" "$TMP/ours.log"
else
  echo "== the book's code ($DATA, $EPOCHS epochs), $(date -u +%FT%TZ)"
  book | tee "$TMP/book.log"
  echo "== ours ($DATA, $EPOCHS epochs), $(date -u +%FT%TZ)"
  ours | tee "$TMP/ours.log"
fi
echo "== test exact-match % per epoch, $(date -u +%FT%TZ)"
echo "epoch  book  ours"
paste <(grep -o 'book epoch [0-9]*/[0-9]*  test acc [0-9.]*' "$TMP/book.log" | awk '{print $3, $6}') \
      <(grep -o 'test acc [0-9.]*' "$TMP/ours.log" | awk '{print $3}') | awk '{split($1, e, "/"); printf "%5s  %s  %s\n", e[1], $2, $3}'

/**
 * A character diff of an expected answer and a reply, for the evaluation report's misses: the longest
 * common subsequence of their code points (so an emoji or a Japanese character is never split), after
 * trimming the common prefix and suffix. Not in the book.
 */

export interface DiffPart {
  /** 'same': in both; 'del': only in the expected answer; 'ins': only in the reply. */
  readonly op: 'same' | 'del' | 'ins';
  readonly text: string;
}

/** Largest LCS table (cells) computed; past it the middle is shown as one deletion and one insertion. */
export const MAX_DIFF_CELLS = 4_000_000;

function push(parts: DiffPart[], op: DiffPart['op'], text: string): void {
  if (text === '') return;
  const last = parts[parts.length - 1];
  if (last !== undefined && last.op === op) parts[parts.length - 1] = { op, text: last.text + text };
  else parts.push({ op, text });
}

/** Parts whose 'same'+'del' spell `expected` and 'same'+'ins' spell `got`, in order, neighbours merged. */
export function charDiff(expected: string, got: string): DiffPart[] {
  const a = Array.from(expected);
  const b = Array.from(got);
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const parts: DiffPart[] = [];
  push(parts, 'same', a.slice(0, start).join(''));
  const n = endA - start;
  const m = endB - start;
  if (n * m > MAX_DIFF_CELLS) {
    push(parts, 'del', a.slice(start, endA).join(''));
    push(parts, 'ins', b.slice(start, endB).join(''));
  } else {
    // lcs[i][j]: LCS length of a[start+i..endA) and b[start+j..endB), one flat row-major array.
    const w = m + 1;
    const lcs = new Uint32Array((n + 1) * w);
    for (let i = n - 1; i >= 0; i--) {
      for (let j = m - 1; j >= 0; j--) {
        lcs[i * w + j] = a[start + i] === b[start + j] ? lcs[(i + 1) * w + j + 1] + 1 : Math.max(lcs[(i + 1) * w + j], lcs[i * w + j + 1]);
      }
    }
    let i = 0;
    let j = 0;
    while (i < n || j < m) {
      if (i < n && j < m && a[start + i] === b[start + j]) {
        push(parts, 'same', a[start + i]);
        i++;
        j++;
      } else if (i < n && (j === m || lcs[(i + 1) * w + j] >= lcs[i * w + j + 1])) {
        push(parts, 'del', a[start + i]); // deletions before insertions at one place: "expected X, got Y"
        i++;
      } else {
        push(parts, 'ins', b[start + j]);
        j++;
      }
    }
  }
  push(parts, 'same', a.slice(endA).join(''));
  return cleanup(parts);
}

/** 'same' runs this short between two changes are folded into them ("door" → "window" shares d, o by chance). */
const SHORT_SAME = 2;

/** Folds short common runs between changes into the changes, and writes each change as one deletion, then one insertion. */
function cleanup(parts: readonly DiffPart[]): DiffPart[] {
  const out: DiffPart[] = [];
  let del = '';
  let ins = '';
  const flush = (): void => {
    push(out, 'del', del);
    push(out, 'ins', ins);
    del = '';
    ins = '';
  };
  parts.forEach((p, i) => {
    const inChange = del !== '' || ins !== '';
    if (p.op === 'del') del += p.text;
    else if (p.op === 'ins') ins += p.text;
    else if (inChange && i < parts.length - 1 && Array.from(p.text).length <= SHORT_SAME) {
      del += p.text;
      ins += p.text;
    } else {
      flush();
      push(out, 'same', p.text);
    }
  });
  flush();
  return out;
}

/** SGD (book `common/optimizer.py`): W ← W − lr·dW. */
import type { Matrix } from 'ml-matrix';
import { rowsOf } from '../matrix';
import type { Optimizer } from './optimizer';
import { checkPairs } from './adam';

export class SGD implements Optimizer {
  /** @param lr learning rate, default 0.01 (the book's) */
  constructor(public lr = 0.01) {}

  update(params: Matrix[], grads: Matrix[]): void {
    checkPairs('SGD.update', params, grads);
    for (let i = 0; i < params.length; i++) {
      const P = rowsOf(params[i]);
      const G = rowsOf(grads[i]);
      for (let r = 0; r < P.length; r++) {
        const p = P[r];
        const g = G[r];
        for (let j = 0; j < p.length; j++) p[j] -= this.lr * g[j];
      }
    }
  }
}

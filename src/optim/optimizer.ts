/** What the trainer needs from an optimizer (book `common/optimizer.py`: `update(params, grads)`). */
import type { Matrix } from 'ml-matrix';

export interface Optimizer {
  /** Learning rate; the trainer names it when the loss goes non-finite. */
  lr: number;
  /** Updates params in place from grads of the same order and shapes. State is keyed by index. */
  update(params: Matrix[], grads: Matrix[]): void;
}

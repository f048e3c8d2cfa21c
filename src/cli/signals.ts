/**
 * Ctrl+C and SIGTERM during `seq2seq-chat train`: the first one stops training after the current batch (the
 * best model so far is still saved); a second one quits at once. Exit codes 130 and 143.
 */
import { EXIT_INTERRUPTED, EXIT_TERMINATED } from './exit';
import type { ProgressPrinter } from './progress';

/** What stopped the run, once a signal came. */
export interface StoppedBy {
  readonly code: number;
  readonly word: string;
}

/** Runs `work` with the signal handlers installed; `work` gets the abort signal and a way to ask what stopped it. */
export async function withStopSignals<T>(
  io: { readonly stderr: NodeJS.WritableStream },
  printer: ProgressPrinter,
  work: (signal: AbortSignal, stoppedBy: () => StoppedBy | undefined) => Promise<T>,
): Promise<T> {
  const controller = new AbortController();
  let stoppedBy: StoppedBy | undefined;
  const onSignal = (signal: NodeJS.Signals): void => {
    const code = signal === 'SIGTERM' ? EXIT_TERMINATED : EXIT_INTERRUPTED;
    if (stoppedBy !== undefined) process.exit(code);
    stoppedBy = { code, word: signal === 'SIGTERM' ? 'terminated' : 'interrupted' };
    printer.clear();
    io.stderr.write(`${stoppedBy.word}: stopping after this batch and saving the best model so far (${signal === 'SIGTERM' ? 'SIGTERM' : 'Ctrl+C'} again to quit now)\n`);
    controller.abort();
  };
  // Before the first line about training, so that a signal sent on seeing it finds the handler.
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    return await work(controller.signal, () => stoppedBy);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

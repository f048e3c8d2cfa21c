/**
 * What the training worker passes to trainChatModel besides pairs and options (its TrainEnvironment):
 * its own script for data-parallel helper threads, the processors there are (for the default threads), and the
 * embedded default pairs, read here in the worker (never on the extension host's thread) from the package root
 * the host names, or parsed from the bytes it sends (the browser build, where the worker reads no files and
 * node:os is empty: one processor, so one thread).
 */
import * as os from 'node:os';
import { readDefaultPairs, SMALL_TALK_RELATIVE_PATH, type TrainEnvironment } from '../chat';
import type { Pair } from '../chat/types';
import { readPairs } from '../data/read';
import { sha256Hex } from '../io/hash';
import type { TrainRequest } from './messages';

/**
 * The environment for a request. The default pairs are read only when they will be used
 * (`includeDefaultPairs` absent or true, and a root given); a root without a readable pairs file trains
 * the user's pairs alone and says why through `warn`, since that is a packaging fault, not the user's.
 */
export function workerEnvironment(req: Pick<TrainRequest, 'options' | 'workerFile' | 'defaultPairsRoot' | 'defaultPairsBytes'>, warn: (message: string) => void): TrainEnvironment {
  const env: TrainEnvironment = { workerFile: req.workerFile, cores: typeof os.availableParallelism === 'function' ? os.availableParallelism() : 1 };
  const { defaultPairsRoot: root, defaultPairsBytes: bytes } = req;
  if (req.options.includeDefaultPairs === false || (root === undefined && bytes === undefined)) return env;
  try {
    return { ...env, defaultPairs: bytes !== undefined ? readPairs(bytes, SMALL_TALK_RELATIVE_PATH).pairs : readDefaultPairs(root ?? '') };
  } catch (e) {
    warn(`training without the default pairs: could not read them from ${root ?? SMALL_TALK_RELATIVE_PATH}: ${e instanceof Error ? e.message : String(e)}`);
    return env;
  }
}

/** The pairs to train: given, or read here from the file's bytes (with its hash when the host sent none). */
export function requestPairs(req: Pick<TrainRequest, 'pairs' | 'dataHash'>): { pairs: Pair[]; dataHash: string } {
  if (Array.isArray(req.pairs)) return { pairs: (req.pairs as readonly Pair[]).slice(), dataHash: req.dataHash };
  const file = req.pairs as Exclude<TrainRequest['pairs'], readonly Pair[]>;
  return { pairs: readPairs(file.bytes, file.name, file.limits).pairs, dataHash: req.dataHash !== '' ? req.dataHash : sha256Hex(file.bytes) };
}

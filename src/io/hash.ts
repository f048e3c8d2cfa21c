/** SHA-256 of a training file, stored in the model file's report so a model can be traced to its data. */
import { createHash } from 'node:crypto';

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

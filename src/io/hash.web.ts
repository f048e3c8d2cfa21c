/** Browser build of hash.ts (webpack resolves `.web.ts` first): the same digest without node:crypto. */
import { sha256HexPure } from './sha256';

export function sha256Hex(bytes: Uint8Array): string {
  return sha256HexPure(bytes);
}

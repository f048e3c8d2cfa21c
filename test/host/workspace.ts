/** The scratch workspace every host run uses: test/fixtures/workspace plus a generated big pairs file. */
import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './codeServer';

/** A copy of test/fixtures/workspace plus big.tsv (400 pairs), big enough to cancel mid-training. */
export function makeWorkspace(): string {
  const ws = mkdtempSync(join(tmpdir(), 's2s-ws-'));
  cpSync(join(ROOT, 'test/fixtures/workspace'), ws, { recursive: true });
  const lines: string[] = [];
  for (let i = 0; i < 400; i++) lines.push(`question number ${i}\tanswer ${i % 37} and ${i % 11}`);
  writeFileSync(join(ws, 'big.tsv'), lines.join('\n') + '\n');
  return ws;
}

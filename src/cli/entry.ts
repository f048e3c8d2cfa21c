/**
 * dist/cli.js, the CLI bundled by webpack into the .vsix, so that people who install only the extension
 * have `seq2seq-chat` too ("Seq2Seq Chat: Open CLI in Terminal", extension/cliTerminal.ts). It does what
 * bin/seq2seq-chat.js does for the compiled out/ tree.
 */
import { tryEnableRelaxedSimd } from '../matrix/wasmModule';

// Node 20 runs relaxed SIMD only behind a V8 flag: set it before the matrix module picks its kernel, which
// happens when main's imports load, hence the require after it (SEQ2SEQ_KERNEL still forces another).
if (!process.env.SEQ2SEQ_KERNEL) tryEnableRelaxedSimd();
// eslint-disable-next-line @typescript-eslint/no-require-imports
const cli = require('./main') as typeof import('./main');

cli.main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`seq2seq-chat: internal error: ${e instanceof Error && e.stack ? e.stack : String(e)}\n`);
    process.exitCode = 70;
  },
);

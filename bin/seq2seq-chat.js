#!/usr/bin/env node
// Seq2Seq Chat command-line entry: runs the compiled CLI (`npm run build` writes out/).
'use strict';
let cli;
try {
  // Node 20 (V8 11.3) runs WebAssembly relaxed SIMD (fused multiply-add, the fastest kernel: 10–25 % faster
  // training) only behind a V8 flag; Node 22+ need nothing. Set it now, before anything compiles wasm, so that
  // the kernel chosen when the matrix module loads can be the relaxed one. SEQ2SEQ_KERNEL=simd|typescript
  // still forces another.
  if (!process.env.SEQ2SEQ_KERNEL) require('../out/src/matrix/wasmModule.js').tryEnableRelaxedSimd();
  cli = require('../out/src/cli/main.js');
} catch (e) {
  if (e && e.code === 'MODULE_NOT_FOUND' && /out\/src\/(cli\/main|matrix\/wasmModule)\.js/.test(String(e.message))) {
    process.stderr.write('seq2seq-chat: error: the CLI is not built yet; run `npm run build` in the package folder first.\n');
    process.exit(1);
  }
  throw e;
}

cli.main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e) => {
    process.stderr.write(`seq2seq-chat: internal error: ${e && e.stack ? e.stack : String(e)}\n`);
    process.exitCode = 70;
  },
);

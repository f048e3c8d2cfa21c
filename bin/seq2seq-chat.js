#!/usr/bin/env node
// Seq2Seq Chat command-line entry: runs the compiled CLI (`npm run build` writes out/).
'use strict';
let cli;
try {
  cli = require('../out/src/cli/main.js');
} catch (e) {
  if (e && e.code === 'MODULE_NOT_FOUND' && String(e.message).includes('out/src/cli/main.js')) {
    process.stderr.write('seq2seq-chat: the CLI is not built yet; run `npm run build` in the package folder first.\n');
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

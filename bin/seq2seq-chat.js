#!/usr/bin/env node
// Seq2Seq Chat command-line entry: runs the compiled CLI (npm run build writes out/).
'use strict';
const { main } = require('../out/src/cli/main.js');

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e) => {
    process.stderr.write(`seq2seq-chat: internal error: ${e && e.stack ? e.stack : String(e)}\n`);
    process.exitCode = 70;
  },
);

/**
 * `npm run bench:ext`: figures for the extension in a real VS Code (code-server): bundle sizes, .vsix
 * size, activation time, reply latency, and the extension host's event-loop delay p50/p99 idle and
 * while a training runs in the worker (measured inside the host by test/suite/bench.ts).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { checkPrerequisites, makeHostDirs, ROOT, startCodeServer, VSIX } from './codeServer';
import { runInHostSuite } from './inHost';
import { makeWorkspace } from './workspace';

interface LoopStats { p50: number; p99: number; max: number; mean: number; samples: number }
interface BenchReport {
  hostNode: string; activationMs: number; activateCallMs: number; replyMs: number[];
  idle: LoopStats; duringTraining: LoopStats; duringReplyMs: number[];
  training: { status?: string; epochs?: number; seconds?: number; wallMs: number };
}

const kib = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KiB`;
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
  checkPrerequisites(true);
  const ws = makeWorkspace();
  const dirs = makeHostDirs('bench');
  const outFile = join(dirs.base, 'bench.json');
  const server = await startCodeServer(dirs, ws, { smokeTestDriver: true, env: { SEQ2SEQ_BENCH_OUT: outFile } });
  try {
    const r = await runInHostSuite(server, ws, join(dirs.base, 'unused.json'), 300_000, join(ROOT, 'out/test/suite/bench.js'));
    if (r.exitCode !== 0 || !existsSync(outFile)) throw new Error(`bench: expected exit 0 and ${outFile}, got exit ${r.exitCode}`);
  } finally {
    server.stop();
  }
  const b = JSON.parse(readFileSync(outFile, 'utf8')) as BenchReport;
  const rows: [string, string][] = [
    ['dist/extension.js', kib(statSync(join(ROOT, 'dist/extension.js')).size)],
    ['dist/worker.js', kib(statSync(join(ROOT, 'dist/worker.js')).size)],
    ['dist/chat.js (webview)', kib(statSync(join(ROOT, 'dist/chat.js')).size)],
    ['seq2seq-chat.vsix', kib(statSync(VSIX).size)],
    ['extension host Node', b.hostNode],
    ['activate() (inside, incl. default model load)', `${b.activationMs.toFixed(1)} ms`],
    ['reply latency, median of 5 (default model)', `${median(b.replyMs).toFixed(1)} ms`],
    ['event-loop delay idle p50 / p99 / max', `${b.idle.p50} / ${b.idle.p99} / ${b.idle.max} ms`],
    ['event-loop delay while training p50 / p99 / max', `${b.duringTraining.p50} / ${b.duringTraining.p99} / ${b.duringTraining.max} ms`],
    ['reply latency while training, median of 5', `${median(b.duringReplyMs).toFixed(1)} ms`],
    ['training (big.tsv, 400 pairs)', `${b.training.status}, ${b.training.epochs} epochs, ${(b.training.wallMs / 1000).toFixed(1)} s`],
  ];
  const w = Math.max(...rows.map(([k]) => k.length));
  console.log('bench:ext — Seq2Seq Chat in code-server 4.139.1 (VS Code 1.139.1)');
  for (const [k, v] of rows) console.log(`  ${k.padEnd(w)}  ${v}`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.stack ?? err.message : err);
  process.exit(1);
});

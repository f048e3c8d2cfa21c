/**
 * `npm run bench:ext`: figures for the extension in a real VS Code (code-server): bundle sizes, .vsix
 * size, activation time, reply latency, and the extension host's event-loop delay p50/p99 idle, while a
 * training runs in the worker, and while the heavy one-off operations run (a pairs file near the size
 * limit, Evaluate on 20,000 pairs, importing a large model file, a reply at the maximum beam settings;
 * measured inside the host by test/suite/bench.ts on the files `heavyFiles` writes).
 */
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { largeModel, nearLimitPairs } from '../../bench/heavy-files';
import { checkPrerequisites, makeHostDirs, ROOT, startCodeServer, VSIX } from './codeServer';
import { runInHostSuite } from './inHost';
import { makeWorkspace } from './workspace';

interface LoopStats { p50: number; p99: number; max: number; mean: number; samples: number }
interface Replies { compute: number[]; total: number[] }
interface Training { loop: LoopStats; status?: string; epochs?: number; wallMs: number }
interface Pause { at: number; ms: number; kind?: string }
interface Heavy { loop: LoopStats; wallMs: number; result: unknown; blocks: Pause[]; gcs: Pause[]; heapMB: number; marks: Pause[] }
interface BenchReport {
  hostNode: string; activationMs: number; modelLoadMs: number; idleReplies: Replies; idle: LoopStats;
  /** Absent with BENCH_EXT_ONLY=heavy. */
  trainingQuiet?: Training; trainingChatting?: Training & { replies: Replies }; trainingDashboard?: Training & { livePosts: number };
  /** With BENCH_EXT_ONLY=replies, only importModel and the large model's replies. */
  heavy: { nearLimit?: Heavy; evaluate?: Heavy; importModel: Heavy; largeReplies: Heavy; largeRepliesOnHost: Heavy; beamReply?: Heavy };
}

/**
 * The files of the heavy operations, in the workspace: near-limit.tsv (200,001 pairs, just under the
 * 50 MiB limit, refused at its last line by maxPairs), eval.tsv (20,000 pairs cycling the default pairs)
 * and large.s2s (bench/heavy-files.ts: a peeky model with a 30,000-token vocabulary, the default
 * maxVocabulary, and 20,000 trained questions). Returns their sizes in bytes.
 */
function heavyFiles(ws: string): Record<string, number> {
  writeFileSync(join(ws, 'near-limit.tsv'), nearLimitPairs());
  const defaults = readFileSync(join(ROOT, 'data/default/pairs.tsv'), 'utf8').split('\n').filter((l) => l.includes('\t') && !l.startsWith('#'));
  writeFileSync(join(ws, 'eval.tsv'), Array.from({ length: 20_000 }, (_, i) => defaults[i % defaults.length]).join('\n') + '\n');
  writeFileSync(join(ws, 'large.s2s'), largeModel());
  return Object.fromEntries(['near-limit.tsv', 'eval.tsv', 'large.s2s'].map((f) => [f, statSync(join(ws, f)).size]));
}

const kib = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KiB`;
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
  checkPrerequisites(true);
  const loadAtStart = loadavg();
  const ws = makeWorkspace();
  const sizes = heavyFiles(ws);
  const dirs = makeHostDirs('bench');
  const outFile = join(dirs.base, 'bench.json');
  // BENCH_EXT_ONLY=heavy: only the heavy one-off operations (pairs file near the limit, Evaluate, Import, the large
  // model's replies, beam reply), no trainings; BENCH_EXT_ONLY=replies: only Import and the large model's replies
  const onlyWhat = process.env.BENCH_EXT_ONLY;
  const only = onlyWhat === 'heavy' || onlyWhat === 'replies' ? { SEQ2SEQ_BENCH_ONLY: onlyWhat } : {};
  const server = await startCodeServer(dirs, ws, { smokeTestDriver: true, env: { SEQ2SEQ_BENCH_OUT: outFile, ...only } });
  try {
    const r = await runInHostSuite(server, ws, join(dirs.base, 'unused.json'), 300_000, join(ROOT, 'out/test/suite/bench.js'));
    if (r.exitCode !== 0 || !existsSync(outFile)) throw new Error(`bench: expected exit 0 and ${outFile}, got exit ${r.exitCode}`);
  } finally {
    server.stop();
  }
  const b = JSON.parse(readFileSync(outFile, 'utf8')) as BenchReport;
  const loop = (l: LoopStats): string => `${l.p50} / ${l.p99} / ${l.max} ms (${l.samples} samples)`;
  const train = (t: Training): string => `${t.status}, ${t.epochs} epochs in ${(t.wallMs / 1000).toFixed(1)} s`;
  const rows: [string, string][] = [
    ['dist/extension.js', kib(statSync(join(ROOT, 'dist/extension.js')).size)],
    ['dist/worker.js', kib(statSync(join(ROOT, 'dist/worker.js')).size)],
    ['dist/chat.js (webview)', kib(statSync(join(ROOT, 'dist/chat.js')).size)],
    ['dist/insight.js (dashboard, why, report webview; no chart library)', kib(statSync(join(ROOT, 'dist/insight.js')).size)],
    ['seq2seq-chat.vsix (incl. default model)', kib(statSync(VSIX).size)],
    ['extension host Node', b.hostNode],
    ['activate()', `${b.activationMs.toFixed(1)} ms`],
    ['default model load (after activate, off the critical path)', `${b.modelLoadMs.toFixed(1)} ms`],
    ['reply compute, median of 5 (default model)', `${median(b.idleReplies.compute).toFixed(1)} ms`],
    ['reply incl. token streaming, median of 5', `${median(b.idleReplies.total).toFixed(0)} ms`],
    ['event-loop delay idle p50 / p99 / max', loop(b.idle)],
  ];
  const { trainingQuiet, trainingChatting, trainingDashboard } = b;
  if (trainingQuiet && trainingChatting && trainingDashboard) {
    rows.push(
      ['training big.tsv (400 pairs), chat idle', train(trainingQuiet)],
      ['  event-loop delay p50 / p99 / max', loop(trainingQuiet.loop)],
      ['training big.tsv while chatting', train(trainingChatting)],
      ['  event-loop delay p50 / p99 / max', loop(trainingChatting.loop)],
      ['  reply compute while training, median of 5', `${median(trainingChatting.replies.compute).toFixed(1)} ms`],
      ['training big.tsv with the dashboard open', `${train(trainingDashboard)}, ${trainingDashboard.livePosts} live updates posted`],
      ['  event-loop delay p50 / p99 / max', loop(trainingDashboard.loop)],
    );
  }
  const mb = (bytes: number): string => `${(bytes / 1e6).toFixed(1)} MB`;
  const op = (h: Heavy): string => `${(h.wallMs / 1000).toFixed(1)} s; event-loop delay p50 / p99 / max ${loop(h.loop)}`;
  const { nearLimit, evaluate, importModel, largeReplies, largeRepliesOnHost, beamReply } = b.heavy;
  // what the delay is made of: the thread's blocks over 30 ms and the GC pauses over 10 ms, "ms @ ms after the start"
  const pauses = (ps: Pause[]): string => (ps.length === 0 ? 'none' : [...ps].sort((a, b) => b.ms - a.ms).slice(0, 5).map((p) => `${p.kind ? `${p.kind} ` : ''}${p.ms} @ ${p.at}`).join(', '));
  const marks = (h: Heavy): string => (h.marks.length === 0 ? '' : `; marks ${h.marks.map((m) => `${m.kind} @ ${m.at}`).join(', ')}`);
  const parts = (h: Heavy): [string, string] => ['  blocks > 30 ms; GC pauses > 10 ms (ms @ ms)', `${pauses(h.blocks)}; ${pauses(h.gcs)} (heap ${h.heapMB} MB before)${marks(h)}`];
  const computed = (h: Heavy): string => `compute ${(h.result as number[]).map((ms) => ms.toFixed(0)).join(', ')} ms`;
  if (nearLimit && evaluate) {
    rows.push(
      [`pairs file near the limit (${mb(sizes['near-limit.tsv'])}, 200,001 pairs, refused at its last line)`, op(nearLimit)],
      parts(nearLimit),
      [`Evaluate on 20,000 pairs (${JSON.stringify(evaluate.result)})`, op(evaluate)],
      parts(evaluate),
    );
  }
  rows.push(
    [`Import Model, ${mb(sizes['large.s2s'])} (vocabulary 30,000, 20,000 questions)`, op(importModel)],
    parts(importModel),
    ['5 replies of the imported model in the chat (reply worker), with streaming', `${op(largeReplies)}; ${computed(largeReplies)}`],
    parts(largeReplies),
    ['the same 5 replies computed on the host thread (as before the reply worker)', `${op(largeRepliesOnHost)}; ${computed(largeRepliesOnHost)}`],
    parts(largeRepliesOnHost),
  );
  if (beamReply) rows.push(['reply at beamWidth 32, maxReplyLength 1000 (default model)', op(beamReply)], parts(beamReply));
  const w = Math.max(...rows.map(([k]) => k.length));
  const onlyLine = only.SEQ2SEQ_BENCH_ONLY === 'heavy' ? ', heavy operations only (BENCH_EXT_ONLY=heavy)' : only.SEQ2SEQ_BENCH_ONLY === 'replies' ? ', Import and the large model\'s replies only (BENCH_EXT_ONLY=replies)' : '';
  console.log(`bench:ext — Seq2Seq Chat in code-server 4.139.1 (VS Code 1.139.1)${onlyLine}`);
  const load = (l: number[]): string => l.map((x) => x.toFixed(2)).join(' ');
  console.log(`  load average (1, 5, 15 min) at the start ${load(loadAtStart)}, at the end ${load(loadavg())} (${cpus().length} cores)`);
  for (const [k, v] of rows) console.log(`  ${k.padEnd(w)}  ${v}`);
  console.log('  (event-loop delay: perf_hooks.monitorEventLoopDelay at 10 ms resolution inside the extension host; an idle loop reads ~10 ms)');
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.stack ?? err.message : err);
  process.exit(1);
});

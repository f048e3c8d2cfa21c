/**
 * `npm run bench:import`: Import Model's cost to the extension host's thread, replayed in plain Node (issue
 * #10; the real-VS-Code figure is bench:ext's "Import Model" row). The host's steps on the model of bench:ext
 * (bench/heavy-files.ts `largeModel`: vocabulary 30,000, 20,000 questions, 24.5 MB): read the file, decode
 * it in the worker (out/src/worker/trainWorker.js), build the model here with a turn of the event loop
 * between steps, save it atomically; then the pairs file near the limit (bench:ext's row: 45.5 MB, read
 * and checked in the worker, refused at its last line). Printed: the longest blocks of this thread (a 1 ms interval timer's
 * gaps, minus its period; with Node ≥ 23.9 also this thread's CPU time in each, which a loaded machine
 * does not inflate) and the phase each ended in, and the wall time. Run it with the extension host's
 * Node (24) where there is one: `<node24> out/bench/import-replay.js`.
 *
 * `--before DIR`: DIR is a compiled tree (its out/) of an earlier commit, e.g. the one before the packed
 * reply (c07696f): git archive c07696f | tar -x -C /tmp/before && cd /tmp/before && ln -s <repo>/node_modules
 * && npm run build. Its host steps run too, alternating with this tree's in fresh processes (`--rounds`
 * each), so that both see the same machine load.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { largeModel, nearLimitPairs } from './heavy-files';

/** This tree's out/ folder (this file is out/bench/import-replay.js). */
const OUT = join(__dirname, '..');

/** A block: the phase it ended in, its wall time, and this thread's CPU time in it (Node ≥ 23.9). */
interface Gap { readonly at: string; readonly ms: number; readonly cpuMs?: number }

/** This thread's CPU time in ms (process.threadCpuUsage, Node ≥ 23.9: unlike wall time, a loaded machine does not inflate it). */
function threadCpuMs(): number | undefined {
  const usage = (process as { threadCpuUsage?: () => { user: number; system: number } }).threadCpuUsage?.();
  return usage && (usage.user + usage.system) / 1000;
}
/** `idle`: the longest gap in half a second before the import (the machine's own noise). */
interface Replay { readonly gaps: Gap[]; readonly idle: number; readonly wallMs: number; readonly built: string }

/** What a tree's host side offers: this tree's API, or the one before the packed reply. */
interface HostApi {
  /** Starts the worker on the file; resolves with its reply. */
  decode(bytes: Uint8Array, name: string): Promise<unknown>;
  /** Builds the model from the reply, pausing between steps; the file's bytes as the host keeps them. */
  build(reply: unknown, bytes: Uint8Array, name: string, pause: () => Promise<void>): Promise<{ model: ModelLike; bytes: Uint8Array }>;
  save(path: string, bytes: Uint8Array): Promise<void>;
  /** Reads and checks a pairs file in the worker (the near-limit file: refused at its last line). */
  readPairs(bytes: Uint8Array, name: string): Promise<unknown>;
}

interface ModelLike {
  reply(q: string): { text: string };
}

type AsyncFn<A extends unknown[], R> = (...args: A) => Promise<R>;

/** The host's steps of `tree`, loaded from its compiled modules (the steps of loadModelInWorker, phase by phase). */
function hostApi(tree: string): HostApi {
  const load = (path: string): Record<string, unknown> => require(join(tree, path)) as Record<string, unknown>;
  const worker = join(tree, 'src/worker/trainWorker.js');
  const client = load('src/worker/taskClient.js');
  const serialize = load('src/chat/serialize.js');
  const atomic = load('src/io/atomic.js');
  const decode = client.decodeModelInWorker as AsyncFn<[string, Uint8Array, string], unknown>;
  const pairs = client.readPairsInWorker as AsyncFn<[string, { bytes: Uint8Array; name: string; limits: object }], unknown>;
  const readPairs = (bytes: Uint8Array, name: string): Promise<unknown> => pairs(worker, { bytes, name, limits: {} });
  if (typeof serialize.packedModelSteps === 'function') {
    const steps = serialize.packedModelSteps as (packed: unknown, name: string) => unknown;
    const run = serialize.runInSteps as AsyncFn<[unknown, () => Promise<void>], ModelLike>;
    return {
      decode: (bytes, name) => decode(worker, bytes, name),
      build: async (reply, _bytes, name, pause) => {
        const r = reply as { model: unknown; bytes: Uint8Array };
        return { model: await run(steps(r.model, name), pause), bytes: r.bytes };
      },
      save: atomic.writeFileAtomicAsync as AsyncFn<[string, Uint8Array], void>,
      readPairs,
    };
  }
  // before: the worker replied with the header's lists as arrays and float32 weights; one sync save
  const build = serialize.modelFromContentInSlices as AsyncFn<[unknown, string, () => Promise<void>], ModelLike>;
  const write = atomic.writeFileAtomic as (path: string, bytes: Uint8Array) => void;
  return {
    decode: (bytes, name) => decode(worker, bytes, name),
    build: async (reply, bytes, name, pause) => ({ model: await build(reply, name, pause), bytes }),
    save: async (path, bytes) => write(path, bytes),
    readPairs,
  };
}

/** A buffer's bytes as a Uint8Array view (no copy). */
const view = (b: Buffer): Uint8Array => new Uint8Array(b.buffer, b.byteOffset, b.byteLength);

/**
 * One replay in this process: the host's steps of `tree` on the model `file`, then on the pairs file
 * `pairsFile`, with this thread's blocks recorded (their phase says which).
 */
async function replay(tree: string, file: string, pairsFile: string): Promise<Replay> {
  const api = hostApi(tree);
  const { yieldToEventLoop } = require(join(tree, 'src/train/macrotask.js')) as { yieldToEventLoop: () => Promise<void> };
  let phase = 'import: read';
  const gaps: Gap[] = [];
  let last = performance.now();
  let lastCpu = threadCpuMs();
  const timer = setInterval(() => {
    const now = performance.now();
    const cpu = threadCpuMs();
    if (now - last > 6) gaps.push({ at: phase, ms: now - last - 1, ...(cpu !== undefined && lastCpu !== undefined ? { cpuMs: cpu - lastCpu } : {}) });
    last = now;
    lastCpu = cpu;
  }, 1);
  const settle = (): Promise<unknown> => new Promise((r) => setTimeout(r, 300));
  await settle();
  const idle = gaps.splice(0).reduce((m, g) => Math.max(m, g.ms), 0);
  const t0 = performance.now();
  const bytes = view(await readFile(file)); // a buffer of its own, as the extension host's file system gives
  phase = 'import: worker start';
  const pending = api.decode(bytes, 'large.s2s');
  phase = 'import: reply';
  const reply = await pending;
  phase = 'import: build';
  const loaded = await api.build(reply, bytes, 'large.s2s', yieldToEventLoop);
  phase = 'import: save';
  const saved = join(tmpdir(), `import-replay-${process.pid}.s2s`);
  await api.save(saved, loaded.bytes);
  const wallMs = performance.now() - t0;
  phase = 'import: after';
  await settle();
  phase = 'pairs: read';
  const pairs = view(await readFile(pairsFile));
  phase = 'pairs: worker start';
  const checked = api.readPairs(pairs, 'near-limit.tsv').catch((e: unknown) => e);
  phase = 'pairs: reply';
  await checked;
  phase = 'pairs: after';
  await settle();
  clearInterval(timer);
  rmSync(saved, { force: true });
  // not part of Import: the first reply builds the model's caches (the questions' index among them)
  return { gaps: gaps.sort((a, b) => b.ms - a.ms), idle, wallMs, built: loaded.model.reply('question number 7 about things').text };
}

function runChild(tree: string, file: string, pairsFile: string): Replay {
  const r = spawnSync(process.execPath, [__filename, '--child', tree, file, pairsFile], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`replay of ${tree}: exit ${r.status}\n${r.stderr}`);
  return JSON.parse(r.stdout) as Replay;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args[0] === '--child') {
    process.stdout.write(JSON.stringify(await replay(args[1], args[2], args[3])));
    return;
  }
  const at = (flag: string): string | undefined => (args.includes(flag) ? args[args.indexOf(flag) + 1] : undefined);
  const before = at('--before');
  const rounds = Number(at('--rounds') ?? 2);
  const dir = mkdtempSync(join(tmpdir(), 'import-replay-'));
  try {
    const file = join(dir, 'large.s2s');
    writeFileSync(file, largeModel());
    const pairsFile = join(dir, 'near-limit.tsv');
    writeFileSync(pairsFile, nearLimitPairs());
    const trees: [string, string][] = [...(before ? [['before', resolve(before)] as [string, string]] : []), ['after', OUT]];
    const show = (g: Gap): string => `${g.ms.toFixed(0)} ms${g.cpuMs !== undefined ? ` [cpu ${g.cpuMs.toFixed(0)}]` : ''} (${g.at.replace(/^\w+: /, '')})`;
    console.log(`bench:import — Import Model's host steps replayed in Node ${process.version}, ${(readFileSync(file).length / 1e6).toFixed(1)} MB model (vocabulary 30,000, 20,000 questions), then the near-limit pairs file (${(readFileSync(pairsFile).length / 1e6).toFixed(1)} MB)`);
    const replies = new Set<string>();
    for (let round = 1; round <= rounds; round++) {
      for (const [name, tree] of trees) {
        const r = runChild(tree, file, pairsFile);
        replies.add(r.built);
        for (const what of ['import', 'pairs']) {
          const gaps = r.gaps.filter((g) => g.at.startsWith(what));
          const byCpu = [...gaps].sort((a, b) => (b.cpuMs ?? 0) - (a.cpuMs ?? 0));
          console.log(
            `  ${name.padEnd(6)} round ${round} ${what}: longest blocks ${gaps.slice(0, 3).map(show).join(', ') || 'none over 5 ms'}` +
              (byCpu[0]?.cpuMs !== undefined ? `; most CPU ${byCpu.slice(0, 2).map(show).join(', ')}` : '') +
              `; ${gaps.filter((g) => g.ms > 50).length} over 50 ms` +
              (what === 'import' ? `; wall ${(r.wallMs / 1000).toFixed(2)} s; idle before: longest ${r.idle.toFixed(0)} ms` : ''),
          );
        }
      }
    }
    console.log(`  the imported models reply alike: ${replies.size === 1 ? 'yes' : `no (${[...replies].map((t) => JSON.stringify(t)).join(' vs ')})`}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : err);
  process.exit(1);
});

/**
 * Crash safety of saving a model (src/io/atomic.ts `writeFileAtomic` + src/chat/serialize.ts), with real
 * processes: a child saving model generations in a loop (test/reliability/save-loop.ts) is killed with
 * SIGKILL at random moments, over and over; after each kill the file must load and be the last generation
 * the child reported saved, or the one it was writing — never a mix, never unreadable. Then two children
 * save to the same path at once while the parent keeps reading it. Prints the counts.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomic } from '../../../src/io/atomic';
import { Random } from '../../../src/random';
import { GenerationWriter, generationOf } from '../../reliability/model-generations';

const CHILD = join(__dirname, '../../reliability/save-loop.js');
const KILLS = 100;
const LANES = 2;

interface Run {
  /** Whether the child got as far as printing "ready". */
  readonly ready: boolean;
  /** Generations the child reported saved, in order. */
  readonly saved: number[];
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stderr: string;
}

/** Starts a save loop; `onReady` runs once the child has built its model and is about to save. */
function saveLoop(path: string, start: number, step: number, count: number, onReady: (kill: () => void) => void): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD, path, String(start), String(step), String(count)], { stdio: ['ignore', 'pipe', 'pipe'] });
    const saved: number[] = [];
    let ready = false;
    let buffered = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      buffered += chunk;
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        if (line === 'ready') {
          ready = true;
          onReady(() => child.kill('SIGKILL'));
        }
        else if (line.startsWith('saved ')) saved.push(Number(line.slice(6)));
      }
    });
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ ready, saved, code, signal, stderr }));
  });
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('crash safety of model saves', () => {
  test(`a saving process killed with SIGKILL at random moments (${KILLS} times) always leaves the old or the new model`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 's2s-crash-'));
    try {
      const writer = new GenerationWriter();
      const totals = { kills: 0, midSave: 0, newer: 0, startupRetries: 0 };
      const t0 = Date.now();
      // Lanes of kills on separate files run side by side: a child's start-up (Node + engine) dominates.
      const lane = async (laneId: number, kills: number): Promise<void> => {
        const path = join(dir, `lane${laneId}`, 'model.s2s');
        mkdirSync(join(dir, `lane${laneId}`));
        writeFileAtomic(path, writer.bytesOf(0));
        const rng = new Random(2026 + laneId);
        let current = 0;
        for (let k = 0; k < kills; k++) {
          // Most kills land within the first saves (a save takes a few ms); some after a longer run.
          const delay = rng.uniform() < 0.7 ? rng.int(20) : 20 + rng.int(150);
          let run = await saveLoop(path, current + 1, 1, 1_000_000, (kill) => void sleep(delay).then(kill));
          // A child that died before "ready" never saved: a start-up failure (e.g. out/ being rebuilt by a
          // concurrent tsc), not a crash-safety result. Retry it twice; a persistent failure still fails below.
          for (let retry = 0; retry < 2 && !run.ready && run.signal !== 'SIGKILL'; retry++) {
            totals.startupRetries++;
            await sleep(500);
            run = await saveLoop(path, current + 1, 1, 1_000_000, (kill) => void sleep(delay).then(kill));
          }
          const what = `lane ${laneId} kill ${k}`;
          assert.equal(run.signal, 'SIGKILL', `${what}: the child should die by SIGKILL, exited ${run.code}: ${run.stderr.slice(0, 500)}`);
          const last = run.saved.length > 0 ? run.saved[run.saved.length - 1] : current;
          const g = generationOf(new Uint8Array(readFileSync(path)), what);
          assert.ok(g === last || g === last + 1, `${what}: expected generation ${last} (last reported saved) or ${last + 1} (being saved), got ${g}`);
          totals.kills++;
          if (g === last + 1) totals.midSave++;
          if (g > current) totals.newer++;
          current = g;
        }
      };
      await Promise.all(Array.from({ length: LANES }, (_, i) => lane(i, KILLS / LANES)));
      const temps = (): string[] => readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.tmp'));
      const orphans = temps().length;
      // The next successful save sweeps the temp files of writers that are gone.
      for (let i = 0; i < LANES; i++) writeFileAtomic(join(dir, `lane${i}`, 'model.s2s'), writer.bytesOf(1_000_000 + i));
      const leftovers = temps();
      console.log(
        `reliability/crash-safety: ${totals.kills} SIGKILLs (${LANES} lanes) in ${((Date.now() - t0) / 1000).toFixed(1)} s; after every one the model loaded as a single generation ` +
          `(${totals.newer} kills after at least one new save, ${totals.midSave} where the file already held the generation being saved when killed); ` +
          `0 mixed or unreadable; ${orphans} temp files orphaned by the kills, ${leftovers.length} left after the next save` +
          (totals.startupRetries > 0 ? `; ${totals.startupRetries} child start-up failure(s) retried` : ''),
      );
      assert.deepEqual(leftovers, [], 'the next save removes temp files of killed writers');
      assert.equal(totals.kills, KILLS);
      assert.ok(totals.newer >= KILLS / 10, `expected at least ${KILLS / 10} kills after new saves, got ${totals.newer}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('two processes saving to the same path at once never corrupt it, while a third keeps reading it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 's2s-race-'));
    const path = join(dir, 'model.s2s');
    try {
      writeFileAtomic(path, new GenerationWriter().bytesOf(0));
      const count = 60;
      let reads = 0;
      let ready = 0;
      let done = false;
      const seen = new Set<number>();
      const reader = (async () => {
        while (!done) {
          seen.add(generationOf(new Uint8Array(readFileSync(path)), `read ${reads}`));
          reads++;
          await sleep(1);
        }
      })();
      const go = (): void => void ready++;
      const [a, b] = await Promise.all([saveLoop(path, 1, 2, count, go), saveLoop(path, 2, 2, count, go)]);
      done = true;
      await reader;
      assert.equal(ready, 2);
      for (const r of [a, b]) assert.equal(r.code, 0, r.stderr.slice(0, 500));
      assert.equal(a.saved.length + b.saved.length, 2 * count);
      const final = generationOf(new Uint8Array(readFileSync(path)), 'final');
      assert.ok(final === a.saved[count - 1] || final === b.saved[count - 1], `expected the last save of either writer, got ${final}`);
      assert.deepEqual(readdirSync(dir).filter((f) => f.endsWith('.tmp')), [], 'no temp files left by writers that finished');
      console.log(
        `reliability/crash-safety: 2 writers × ${count} saves to one path with ${reads} concurrent reads: every read loaded a single generation ` +
          `(${seen.size} distinct seen), final generation ${final}, 0 corrupt`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/**
 * GFLOP/s of the float32 wasm GEMM (src/matrix/asm/gemm.ts) on this model's shapes, on data already in wasm
 * memory (the path src/layers/wasm-layers.ts takes: no float64 conversion), for both builds; plus the
 * pre-packed and accumulating entry points and the deep Σ_t product of TimeLSTM.backward done as one
 * product or as T products of depth N.
 *
 *   node out/bench/gemm-shapes.js [--seconds S] [--rounds R] [--no-table] [simd|relaxed ...]
 *
 * On Node 20 the relaxed build needs --experimental-wasm-relaxed-simd: the script reruns itself with it.
 * Times are CPU time of this process (process.cpuUsage), not wall time, and rounds alternate between the
 * entry points compared, so that a machine shared with other work affects each alike; the best round is
 * printed, and ratios are medians of back-to-back pairs.
 */
import { spawnSync } from 'node:child_process';
import { isKernelAvailable, WasmCompute } from '../src/matrix/wasmModule';
import { Random } from '../src/random';
import { DEEP_SHAPE, GEMM_SHAPES } from './shapes';

const argv = process.argv.slice(2);
const option = (flag: string, fallback: number): number => {
  const i = argv.indexOf(flag);
  return i < 0 ? fallback : Number(argv[i + 1]);
};
const seconds = option('--seconds', 0.3);
const rounds = option('--rounds', 3);
const table = !argv.includes('--no-table');
const wanted = argv.filter((a) => a === 'simd' || a === 'relaxed') as ('simd' | 'relaxed')[];
const builds: ('simd' | 'relaxed')[] = wanted.length > 0 ? wanted : ['relaxed', 'simd'];

if (builds.includes('relaxed') && !isKernelAvailable('relaxed') && !process.execArgv.includes('--experimental-wasm-relaxed-simd')) {
  const child = spawnSync(process.execPath, ['--experimental-wasm-relaxed-simd', __filename, ...argv], { stdio: 'inherit' });
  process.exit(child.status ?? 1);
}

/**
 * Median over `pairs` alternating timings of (time of `fn` / time of `base`), each timing about `secs`:
 * a ratio taken back to back is steadier than two absolute figures on a machine shared with other work.
 */
function medianRatio(base: () => void, fn: () => void, pairs: number, secs: number): number {
  const ratios: number[] = [];
  for (let i = 0; i < pairs; i++) ratios.push(rate(base, secs) / rate(fn, secs));
  ratios.sort((x, y) => x - y);
  return ratios[Math.floor(pairs / 2)];
}

/** Seconds of CPU time this process has used: unlike wall time, it does not count time other work had the core. */
function cpuSeconds(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
}

/** Calls per CPU second of `fn` over about `secs` of CPU time (one warm-up call first). */
function rate(fn: () => void, secs: number): number {
  fn();
  let calls = 0;
  const start = cpuSeconds();
  let now = start;
  while (now - start < secs || calls === 0) {
    fn();
    calls++;
    now = cpuSeconds();
  }
  return calls / (now - start);
}

const SHAPES = [...GEMM_SHAPES, DEEP_SHAPE];

for (const build of builds) {
  const g = new WasmCompute(build);
  const rng = new Random(1);
  const fill = (at: number, count: number): void => {
    const f = g.arena.f32();
    for (let i = 0; i < count; i++) f[at / 4 + i] = rng.normal();
  };
  console.log(`\n${build}: GFLOP/s (best of ${rounds} rounds of ${seconds}s)`);
  console.log(`${'product'.padEnd(28)} ${'m×k×n'.padEnd(14)} ${'gemm'.padStart(8)} ${'packed'.padStart(8)} ${'accum'.padStart(8)}`);
  let flopAll = 0;
  let timeAll = 0;
  for (const { name, m, k, n, form } of table ? SHAPES : []) {
    const mark = g.arena.mark();
    const a = g.arena.alloc(m * k * 4);
    const b = g.arena.alloc(k * n * 4);
    const c = g.arena.alloc(m * n * 4);
    const work = g.arena.alloc(g.workBytes(n, k));
    const packed = g.arena.alloc(g.packedBytes(n, k));
    fill(a, m * k);
    fill(b, k * n);
    const tA = form === 'tn';
    const tB = form === 'nt';
    g.packWith(tB, n, k, b, packed);
    const flop = 2 * m * n * k;
    const best = [0, 0, 0];
    const fns = [
      () => g.gemmWith(tA, tB, m, n, k, a, b, c, work),
      () => g.gemmPackedWith(tA, m, n, k, a, packed, c, work, false),
      () => g.gemmPackedWith(tA, m, n, k, a, packed, c, work, true),
    ];
    for (let r = 0; r < rounds; r++) {
      fns.forEach((fn, i) => (best[i] = Math.max(best[i], (rate(fn, seconds / 3) * flop) / 1e9)));
    }
    flopAll += flop;
    timeAll += flop / (best[0] * 1e9);
    const cells = best.map((x) => x.toFixed(1).padStart(8)).join(' ');
    console.log(`${name.padEnd(28)} ${`${m}×${k}×${n}`.padEnd(14)} ${cells}`);
    g.arena.release(mark);
  }
  if (table) console.log(`${'11 model shapes + deep, flop-weighted (gemm)'.padEnd(51)} ${(flopAll / timeAll / 1e9).toFixed(1).padStart(8)}`);

  // Σ_t over T = 7 steps of (N×H)ᵀ(N×4H), N = H = 128: T products + addTo, T accumulating products, one deep product
  const T = 7, N = 128, H = 128, H4 = 512;
  const A = g.arena.alloc(T * N * H * 4);
  const B = g.arena.alloc(T * N * H4 * 4);
  const C = g.arena.alloc(H * H4 * 4);
  const tmp = g.arena.alloc(H * H4 * 4);
  const work = g.arena.alloc(Math.max(g.workBytes(H4, T * N), g.workBytes(H, H4)));
  const packed = g.arena.alloc(g.packedBytes(H4, H));
  fill(A, T * N * H);
  fill(B, T * N * H4);
  const byStep = (): void => {
    g.gemmWith(true, false, H, H4, N, A, B, C, work);
    for (let t = 1; t < T; t++) {
      g.gemmWith(true, false, H, H4, N, A + t * N * H * 4, B + t * N * H4 * 4, tmp, work);
      g.addTo(tmp, C, H * H4);
    }
  };
  const byStepAccumulating = (): void => {
    for (let t = 0; t < T; t++) g.gemmWith(true, false, H, H4, N, A + t * N * H * 4, B + t * N * H4 * 4, C, work, t > 0);
  };
  const deep = (): void => g.gemmWith(true, false, H, H4, T * N, A, B, C, work);
  // h·Wh (N×H)(H×4H) and dh = dA·Whᵀ (N×4H)(H×4H)ᵀ, B packed per call or once
  const hWh = (): void => g.gemmWith(false, false, N, H4, H, A, B, C, work);
  const hWhPacked = (): void => g.gemmPackedWith(false, N, H4, H, A, packed, C, work);
  const dAWh = (): void => g.gemmWith(false, true, N, H, H4, B, A, C, work);
  const dAWhPacked = (): void => g.gemmPackedWith(false, N, H, H4, B, packed, C, work);
  const pairs = Math.max(5, rounds * 3);
  const secs = seconds / 10;
  const line = (what: string, base: () => void, fn: () => void, before?: () => void): void => {
    before?.();
    console.log(`  ${what.padEnd(66)} ${medianRatio(base, fn, pairs, secs).toFixed(3)}`);
  };
  console.log(`time ratios, median of ${pairs} back-to-back pairs (< 1: the second is faster)`);
  line('h·Wh: Wh packed once (gemmPacked) / packed per call (gemm)', hWh, hWhPacked, () => g.packWith(false, H4, H, B, packed));
  line('dh = dA·Whᵀ: Whᵀ packed once / packed per call', dAWh, dAWhPacked, () => g.packWith(true, H, H4, A, packed));
  line('Σ_t hᵀ·dA, T = 7: 7 accumulating products / 7 products + addTo', byStep, byStepAccumulating);
  line('Σ_t hᵀ·dA, T = 7: 1 product of k = 896 / 7 products + addTo', byStep, deep);
  line('Σ_t hᵀ·dA, T = 7: 1 product of k = 896 / 7 accumulating products', byStepAccumulating, deep);
}

/**
 * The float32 SIMD approximations of eˣ, σ and tanh that the element-wise kernels (elementwise.ts), the
 * attention softmax and the softmax-with-loss (loss.ts) share: four lanes at a time, inlined where they are
 * used (none is a wasm export: index.ts does not re-export this file).
 *
 * The approximations (float32; measured against float64 Math.exp/Math.tanh over x ∈ [−100, 100] in steps of
 * 1e-4 plus ±10⁻⁴⁵…10², ±0, ±∞, NaN: σ relative error ≤ 2.4e-7 where σ(x) ≥ 1e-30, tanh ≤ 3.3e-7, NaN → NaN):
 *  - eˣ: x = n·ln2 + r with |r| ≤ ln2/2 (Cody–Waite, ln2 split in two so n·ln2_hi is exact), eʳ by a
 *    degree-5 minimax polynomial (error 9e-8), 2ⁿ put straight into the exponent bits. n comes from the
 *    classic shifter: t = x·log2e + (1.5·2²³ + 127) rounds x·log2e to an integer in t's low mantissa bits,
 *    n = t − that constant, and since the shifter's own bits vanish in `t << 23`, 2ⁿ = bits(t) << 23.
 *    That replaces `f32x4.nearest` and `i32x4.trunc_sat_f32x4_s` (the latter is ~6 instructions on x64).
 *  - σ(x) = 1 / (1 + e⁻ˣ), with e⁻ˣ evaluated as above on x directly (the polynomial for e⁻ʳ), so no negation.
 *  - tanh: a rational function, odd degree 13 over even degree 6 in x (Eigen's float coefficients, also in
 *    ONNX Runtime's MLAS), clamped to |x| ≤ 7.9053 where it reaches 1. One division, no exponential, no
 *    cancellation near 0 (tanh(x)/x → α₁/β₀ = 1 − 1.3e-7), 3 instructions fewer than 1 − 2/(e²ˣ + 1)
 *    with an expm1 core, and it needs no second branch for small |x|.
 *
 * Constants come from a static table (`k(i)`: one broadcast load) instead of `f32x4.splat(constant)`,
 * which binaryen turns into `v128.const` and V8 rematerialises inside the loop with 2–4 instructions each.
 */
// @ts-ignore: decorator
@inline
export function madd(a: v128, b: v128, c: v128): v128 {
  // a·b + c; the relaxed build fuses it (one rounding), the plain build rounds twice
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(f32x4.mul(a, b), c);
}

/** 1.5·2²³ + 127: added to x·log2e it rounds to an integer n with bits(t) = bits(1.5·2²³) + n + 127. */
export const SHIFTER: f32 = 12583039.0;

/** The constants, one float32 each, read with a broadcast load by `k(index)`. */
export const K = memory.data<f32>([
  // 0..5: eˣ clamp (2ⁿ stays a normal float), log2e, the shifter, −ln2 as hi + lo (hi has 9 bits: n·hi is exact)
  -87.0, 88.0, 1.44269504088896341, SHIFTER, -0.693359375, 2.12194440e-4,
  // 6..11: 1, then eʳ ≈ 1 + c₁r + … + c₅r⁵ on |r| ≤ ln2/2 (minimax, relative error 9.2e-8)
  1.0, 0.9999997, 0.4999915, 0.16667636, 0.04189793, 0.008290315,
  // 12..16: σ: clamp of x so that e⁻ˣ ∈ [e⁻⁸⁸, e⁸⁷] (σ(−87) = 1.6e-38 is still normal), −log2e, +ln2 as hi + lo
  -87.0, 88.0, -1.44269504088896341, 0.693359375, -2.12194440e-4,
  // 17..21: e⁻ʳ ≈ 1 − c₁r + c₂r² − … (the same polynomial with alternating signs)
  -0.9999997, 0.4999915, -0.16667636, 0.04189793, -0.008290315,
  // 22..23: tanh clamp; 24..30: numerator α₁₃ … α₁ (in x², then times x); 31..34: denominator β₆ … β₀
  -7.90531110763549805, 7.90531110763549805,
  -2.76076847742355e-16, 2.00018790482477e-13, -8.60467152213735e-11, 5.12229709037114e-8,
  1.48572235717979e-5, 6.37261928875436e-4, 4.89352455891786e-3,
  1.19825839466702e-6, 1.18534705686654e-4, 2.26843463243900e-3, 4.89352518554385e-3,
]);

// @ts-ignore: decorator
@inline
export function k(i: i32): v128 {
  return v128.load32_splat(K + (<usize>i << 2));
}

/** eˣ for four lanes (x = n·ln2 + r, eʳ by the polynomial, 2ⁿ into the exponent bits); NaN stays NaN. */
// @ts-ignore: decorator
@inline
export function exp4(x: v128): v128 {
  // pmax/pmin are one instruction each (max/min order NaN and ±0 and cost several) and, with x first,
  // pass NaN through
  x = f32x4.pmin(f32x4.pmax(x, k(0)), k(1));
  const t = madd(x, k(2), k(3));
  const n = f32x4.sub(t, k(3)); // round(x·log2e), exact
  let r = madd(n, k(4), x);
  r = madd(n, k(5), r); // x − n·ln2
  let y = madd(k(11), r, k(10));
  y = madd(y, r, k(9));
  y = madd(y, r, k(8));
  y = madd(y, r, k(7));
  y = madd(y, r, k(6));
  return f32x4.mul(y, i32x4.shl(t, 23));
}

/** σ(x) = 1 / (1 + e⁻ˣ) for four lanes. */
// @ts-ignore: decorator
@inline
export function sigmoid4(x: v128): v128 {
  x = f32x4.pmin(f32x4.pmax(x, k(12)), k(13));
  const t = madd(x, k(14), k(3));
  const n = f32x4.sub(t, k(3)); // round(−x·log2e)
  let r = madd(n, k(15), x);
  r = madd(n, k(16), r); // x + n·ln2, so that e⁻ˣ = 2ⁿ·e⁻ʳ
  let y = madd(k(21), r, k(20));
  y = madd(y, r, k(19));
  y = madd(y, r, k(18));
  y = madd(y, r, k(17));
  y = madd(y, r, k(6));
  return f32x4.div(k(6), madd(y, i32x4.shl(t, 23), k(6)));
}

/** tanh(x) ≈ x·P(x²) / Q(x²) for four lanes, x clamped to ±7.9053. */
// @ts-ignore: decorator
@inline
export function tanh4(x: v128): v128 {
  x = f32x4.pmin(f32x4.pmax(x, k(22)), k(23));
  const z = f32x4.mul(x, x);
  let p = madd(k(24), z, k(25));
  p = madd(p, z, k(26));
  p = madd(p, z, k(27));
  p = madd(p, z, k(28));
  p = madd(p, z, k(29));
  p = madd(p, z, k(30));
  let q = madd(k(31), z, k(32));
  q = madd(q, z, k(33));
  q = madd(q, z, k(34));
  return f32x4.div(f32x4.mul(p, x), q);
}

// @ts-ignore: decorator
@inline
export function lane0(v: v128): f32 {
  return f32x4.extract_lane(v, 0);
}

/** σ or tanh for four lanes; `useTanh` is a constant at every call, so each inlined copy keeps one of them. */
// @ts-ignore: decorator
@inline
export function activate4(v: v128, useTanh: bool): v128 {
  return useTanh ? tanh4(v) : sigmoid4(v);
}

/** Entry of the wasm modules built by scripts/build-wasm.js: the GEMM kernels, the fused element-wise kernels, attention, softmax with loss, row gather/scatter and the optimizer step. */
export * from './gemm';
export * from './elementwise';
export * from './attention';
export * from './optim';
export * from './rows';
export * from './loss';

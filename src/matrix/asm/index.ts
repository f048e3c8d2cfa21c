/** Entry of the wasm modules built by scripts/build-wasm.js: the GEMM kernels, the fused element-wise kernels, row gather/scatter and the optimizer step. */
export * from './gemm';
export * from './elementwise';
export * from './optim';
export * from './rows';

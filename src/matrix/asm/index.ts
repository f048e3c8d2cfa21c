/** Entry of the wasm modules built by scripts/build-wasm.js: the GEMM kernels and the fused element-wise kernels. */
export * from './gemm';
export * from './elementwise';

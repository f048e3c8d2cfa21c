export { matmul, matmulTN, matmulNT, setKernel, currentKernel, withKernel, rowsOf, typescriptKernel, ShapeError } from './ops';
export type { MatmulKernel } from './ops';
export { sameRows } from './kernel';
export { kernelByName, selectFastestKernel } from './wasmKernel';
export {
  availableKernels,
  createWasmCompute,
  isKernelAvailable,
  tryEnableRelaxedSimd,
  KERNEL_NAMES,
  SharedOptim,
  WasmArena,
  WasmCompute,
} from './wasmModule';
export type { KernelName } from './wasmModule';

export { matmul, matmulTN, matmulNT, setKernel, currentKernel, withKernel, rowsOf, typescriptKernel, ShapeError } from './ops';
export type { MatmulKernel } from './ops';
export {
  availableKernels,
  createWasmCompute,
  isKernelAvailable,
  kernelByName,
  selectFastestKernel,
  tryEnableRelaxedSimd,
  KERNEL_NAMES,
  WasmArena,
  WasmCompute,
} from './wasmKernel';
export type { KernelName } from './wasmKernel';

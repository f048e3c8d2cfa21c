export { matmul, matmulTN, matmulNT, setKernel, currentKernel, withKernel, rowsOf, typescriptKernel, ShapeError } from './ops';
export type { MatmulKernel } from './ops';
export {
  availableKernels,
  isKernelAvailable,
  kernelByName,
  selectFastestKernel,
  KERNEL_NAMES,
  WasmArena,
  WasmGemm,
} from './wasmKernel';
export type { KernelName } from './wasmKernel';

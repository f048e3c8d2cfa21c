export { matmul, matmulTN, matmulNT, setKernel, currentKernel, rowsOf, typescriptKernel, ShapeError } from './ops';
export type { MatmulKernel } from './ops';

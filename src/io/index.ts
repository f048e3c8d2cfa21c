export { encodeModelFile, decodeModelFile, checkShapes, headerProblem, ModelFileError, MODEL_FILE_MAGIC, MODEL_FORMAT_VERSION } from './model-file';
export type { ModelFileConfig, ModelFileContent, ModelFileHeader } from './model-file';
export { crc32 } from './crc32';
export { sha256Hex } from './hash';
export { writeFileAtomic } from './atomic';

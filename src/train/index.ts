export { train, isCancelled } from './trainer';
export type { Trainable, Evaluation, TrainTask, TrainerOptions, TrainResult, StopReason } from './trainer';

/** Training went wrong in a way the user can act on (loss became NaN/Infinity, unusable options). */
export class TrainingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TrainingError';
  }
}

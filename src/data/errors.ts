/** The one error a pairs file raises: where (file, 1-based line; 0 when it concerns the whole file) and why. */
export class PairFileError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly reason: string,
  ) {
    super(line > 0 ? `${file}:${line}: ${reason}` : `${file}: ${reason}`);
    this.name = 'PairFileError';
  }
}

/**
 * Child process for the crash-safety tests (test/unit/reliability/crash-safety.test.ts): saves model
 * generations start, start+step, start+2·step … to one path with writeFileAtomic + serializeModel, as the
 * extension's ModelStore does, and prints "saved <g>" after each save returns. The parent kills it with
 * SIGKILL at a random moment and checks the file.
 *
 *   node out/test/reliability/save-loop.js <path> <start> [step] [count]
 */
import { writeFileAtomic } from '../../src/io/atomic';
import { GenerationWriter } from './model-generations';

function main(argv: readonly string[]): void {
  const [path, startText, stepText = '1', countText = '1000000'] = argv;
  const start = Number(startText);
  const step = Number(stepText);
  const count = Number(countText);
  if (!path || !Number.isInteger(start) || !Number.isInteger(step) || !Number.isInteger(count)) {
    throw new Error(`usage: save-loop <path> <start> [step] [count], got ${JSON.stringify(argv)}`);
  }
  const writer = new GenerationWriter();
  process.stdout.write('ready\n');
  for (let k = 0, g = start; k < count; k++, g += step) {
    writeFileAtomic(path, writer.bytesOf(g));
    process.stdout.write(`saved ${g}\n`);
  }
}

main(process.argv.slice(2));

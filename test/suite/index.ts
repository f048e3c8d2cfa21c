/**
 * extensionTestsPath entry: VS Code (code-server with the smoke-test driver, or @vscode/test-electron)
 * calls `run()` inside the extension host; resolving means exit code 0, rejecting exit code 1.
 * Results also go to $SEQ2SEQ_TEST_RESULTS (JSON) when set, so the host runner can count them.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Mocha from 'mocha';

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'tdd', color: false, timeout: 60_000, reporter: 'spec' });
  const only = process.env.SEQ2SEQ_SUITE_FILES;
  const files = only ? only.split(',') : ['extension.test.js', 'model.test.js', 'training.test.js', 'participant.test.js', 'pairs.test.js'];
  for (const f of files) mocha.addFile(join(__dirname, f));
  const passes: string[] = [];
  const failures: { title: string; error: string }[] = [];
  return new Promise((resolve, reject) => {
    const runner = mocha.run((failed) => {
      const line = `[in-host mocha] ${passes.length} passed, ${failed} failed`;
      console.log(line);
      const out = process.env.SEQ2SEQ_TEST_RESULTS;
      if (out) writeFileSync(out, JSON.stringify({ passes, failures }, null, 2));
      if (failed > 0) reject(new Error(`${failed} in-host test(s) failed`));
      else resolve();
    });
    runner.on('pass', (t) => passes.push(t.fullTitle()));
    runner.on('fail', (t, err: unknown) => failures.push({ title: t.fullTitle(), error: String(err) }));
  });
}

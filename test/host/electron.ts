/**
 * `npm run test:electron`: the same in-host mocha suite (out/test/suite/index.js) in desktop VS Code
 * through @vscode/test-electron. It downloads VS Code from update.code.visualstudio.com, so it only
 * works on machines that can reach it (not in this project's sandbox: there use `npm run test:host`).
 */
import { runTests } from '@vscode/test-electron';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeWorkspace } from './workspace';
import { ROOT } from './codeServer';

async function main(): Promise<void> {
  const ws = makeWorkspace();
  await runTests({
    extensionDevelopmentPath: ROOT,
    extensionTestsPath: join(ROOT, 'out/test/suite/index.js'),
    launchArgs: [ws, '--disable-extensions', '--disable-workspace-trust', `--user-data-dir=${mkdtempSync(join(tmpdir(), 's2s-electron-'))}`],
  });
}

main().catch((err: unknown) => {
  console.error('test:electron failed:', err instanceof Error ? err.message : err);
  process.exit(1);
});

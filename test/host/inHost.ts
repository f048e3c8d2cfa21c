/**
 * Runs the mocha suite (out/test/suite/index.js) inside code-server's extension host: the workbench
 * URL's `payload` names extensionDevelopmentPath and extensionTestsPath (honoured only with the
 * server's enable-smoke-test-driver option); the exit code comes back via window.codeAutomationExit.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { format } from 'node:util';
import type { CodeServer } from './codeServer';
import { ROOT } from './codeServer';
import { openBrowser } from './workbench';

export interface InHostResult {
  readonly exitCode: number | 'timeout';
  readonly passes: string[];
  readonly failures: { title: string; error: string }[];
}

export async function runInHostSuite(
  server: CodeServer,
  workspace: string,
  resultsFile: string,
  timeoutMs = 300_000,
  tests = join(ROOT, 'out/test/suite/index.js'),
): Promise<InHostResult> {
  if (!existsSync(tests)) throw new Error(`expected the compiled suite at ${tests} (tsc -p extension), got nothing`);
  const s = await openBrowser();
  try {
    let done: (code: number) => void = () => undefined;
    const exited = new Promise<number>((r) => (done = r));
    await s.page.exposeFunction('codeAutomationLog', (type: string, args: unknown[]) => {
      const text = format(...(args ?? []));
      if (!/additional builtin extensions|AccountPolicyGate|authentication provider/.test(text)) console.log(`  [ext-host ${type}] ${text}`);
    });
    await s.page.exposeFunction('codeAutomationExit', (code: number) => done(code));
    s.page.on('console', (m) => {
      const t = m.text().replace(/%c/g, '');
      if (/\[Extension Host\]/.test(t)) console.log('  ' + t.replace(/color:[^ ]*\s*/g, '').slice(0, 400));
    });
    const authority = new URL(server.url).host;
    const payload = [
      ['extensionDevelopmentPath', `vscode-remote://${authority}${ROOT}`],
      ['extensionTestsPath', `vscode-remote://${authority}${tests}`],
    ];
    await s.page.goto(`${server.url}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`);
    const code = await Promise.race([exited, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), timeoutMs))]);
    let passes: string[] = [];
    let failures: { title: string; error: string }[] = [];
    if (existsSync(resultsFile)) ({ passes, failures } = JSON.parse(readFileSync(resultsFile, 'utf8')) as { passes: string[]; failures: { title: string; error: string }[] });
    return { exitCode: code, passes, failures };
  } finally {
    await s.browser.close();
  }
}

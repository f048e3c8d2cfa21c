/**
 * `npm run test:host`: the end-to-end scenarios (packaged .vsix in code-server, driven by Playwright)
 * and the mocha suite inside the extension host. Prints one line per check and a final
 * "host tests: N passed, N failed"; exits 1 on any failure or missing prerequisite (never skips).
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { checkPrerequisites, installVsix, makeHostDirs, startCodeServer } from './codeServer';
import { runE2E, SHOTS, type ScenarioResult } from './e2e';
import { runL10nE2E, startJapaneseCodeServer } from './e2eL10n';
import { runInHostSuite } from './inHost';
import { makeWorkspace } from './workspace';

const log = (m: string): void => console.log(`[test:host] ${m}`);

async function main(): Promise<number> {
  checkPrerequisites(true);
  const only = process.env.HOST_TESTS ?? 'e2e,l10n,inhost';
  const results: ScenarioResult[] = [];
  const t0 = Date.now();

  if (only.includes('e2e')) {
    rmSync(SHOTS, { recursive: true, force: true });
    const ws = makeWorkspace();
    const dirs = makeHostDirs('e2e');
    installVsix(dirs);
    log(`installed the .vsix into ${dirs.exts}`);
    const server = await startCodeServer(dirs, ws);
    log(`code-server at ${server.url}, workspace ${ws}`);
    try {
      results.push(...(await runE2E(server, ws, log)));
    } finally {
      server.stop();
    }
  }

  if (only.includes('l10n')) {
    // A second server in Japanese (docs/l10n.md): the .vsix and a test language pack, started with --locale ja.
    if (!only.includes('e2e')) rmSync(SHOTS, { recursive: true, force: true });
    const ws = makeWorkspace();
    const dirs = makeHostDirs('l10n');
    installVsix(dirs);
    const server = await startJapaneseCodeServer(dirs, ws);
    log(`code-server in Japanese at ${server.url}, workspace ${ws}`);
    try {
      results.push(...(await runL10nE2E(server, ws, log)));
    } finally {
      server.stop();
    }
  }

  if (only.includes('inhost')) {
    const ws = makeWorkspace();
    const dirs = makeHostDirs('inhost');
    const resultsFile = join(dirs.base, 'mocha-results.json');
    const server = await startCodeServer(dirs, ws, { smokeTestDriver: true, env: { SEQ2SEQ_TEST_RESULTS: resultsFile } });
    log(`in-host mocha: code-server at ${server.url}`);
    const t = Date.now();
    try {
      const r = await runInHostSuite(server, ws, resultsFile);
      for (const p of r.passes) results.push({ name: `in-host: ${p}`, ok: true, seconds: 0 });
      for (const f of r.failures) results.push({ name: `in-host: ${f.title}`, ok: false, seconds: 0, error: f.error });
      if (r.exitCode !== 0 && r.failures.length === 0) {
        results.push({ name: 'in-host mocha run', ok: false, seconds: (Date.now() - t) / 1000, error: `exit ${r.exitCode}` });
      }
      log(`in-host mocha: exit ${r.exitCode}, ${r.passes.length} passed, ${r.failures.length} failed (${((Date.now() - t) / 1000).toFixed(1)} s)`);
      for (const f of r.failures) log(`FAIL in-host: ${f.title}: ${f.error}`);
    } finally {
      server.stop();
    }
  }

  const passed = results.filter((r) => r.ok).length;
  const failed = results.length - passed;
  log(`done in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  console.log(`host tests: ${passed} passed, ${failed} failed`);
  return failed === 0 && results.length > 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.stack ?? err.message : err);
    console.log('host tests: 0 passed, 1 failed');
    process.exit(1);
  },
);

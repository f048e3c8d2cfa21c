/**
 * "Open CLI in Terminal" (issue #12 item 10): the launcher that puts `seq2seq-chat` on a terminal's PATH,
 * written and run for real through /bin/sh with this Node.js and the compiled CLI entry (the same
 * src/cli/entry.ts webpack bundles into dist/cli.js for the .vsix).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliLauncher, pathWithLauncher, shQuote } from '../../../extension/cliShim';
import { ROOT } from '../helpers/manifest';

const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
const ENTRY = join(ROOT, 'out/src/cli/entry.js');

describe('the seq2seq-chat launcher', () => {
  test('a terminal with the launcher folder first on PATH runs `seq2seq-chat --version`, even from a folder named with a space and a quote', () => {
    const base = mkdtempSync(join(tmpdir(), 's2s-cli-'));
    try {
      const folder = join(base, "it's my bin");
      mkdirSync(folder);
      const launcher = cliLauncher('linux', process.execPath, ENTRY);
      writeFileSync(join(folder, launcher.name), launcher.text);
      chmodSync(join(folder, launcher.name), launcher.mode);
      const env = { ...process.env, ...pathWithLauncher('linux', process.env, folder) };
      const r = spawnSync('/bin/sh', ['-c', 'seq2seq-chat --version && seq2seq-chat chat hello --json'], { env, encoding: 'utf8', cwd: base });
      assert.equal(r.status, 0, r.stderr);
      const [version, reply] = r.stdout.trim().split('\n');
      assert.equal(version, `seq2seq-chat ${VERSION}`);
      // the default model answers: the package root (data/default/) was found from the entry's folder
      assert.equal(typeof (JSON.parse(reply) as { reply: unknown }).reply, 'string');
    } finally {
      rmSync(base, { recursive: true, force: true });
    }
  });

  test('shQuote makes one sh word of any text', () => {
    for (const text of ["it's", 'a b', '$HOME', '"x"', '`id`', "''", 'é ü 日本']) {
      const r = spawnSync('/bin/sh', ['-c', `printf %s ${shQuote(text)}`], { encoding: 'utf8' });
      assert.equal(r.stdout, text);
    }
  });

  test('on Windows: a .cmd file that sets ELECTRON_RUN_AS_NODE and passes the arguments; PATH is Path, with ;', () => {
    const l = cliLauncher('win32', 'C:\\Program Files\\Code\\Code.exe', 'C:\\Users\\a\\.vscode\\extensions\\x\\dist\\cli.js');
    assert.equal(l.name, 'seq2seq-chat.cmd');
    assert.equal(l.text, '@echo off\r\nset ELECTRON_RUN_AS_NODE=1\r\n"C:\\Program Files\\Code\\Code.exe" "C:\\Users\\a\\.vscode\\extensions\\x\\dist\\cli.js" %*\r\n');
    assert.deepEqual(pathWithLauncher('win32', { Path: 'C:\\Windows' }, 'D:\\bin'), { Path: 'D:\\bin;C:\\Windows' });
    assert.throws(() => cliLauncher('win32', 'C:\\a"b\\node.exe', 'x.js'), /expected paths without/);
  });

  test('the sh launcher runs the host\'s Node.js as node (ELECTRON_RUN_AS_NODE=1, for desktop VS Code\'s Electron)', () => {
    const l = cliLauncher('darwin', '/Applications/Visual Studio Code.app/Contents/Frameworks/Code Helper (Plugin).app/Contents/MacOS/Code Helper (Plugin)', '/x/dist/cli.js');
    assert.match(l.text, /^#!\/bin\/sh\n/);
    assert.match(l.text, /\nELECTRON_RUN_AS_NODE=1 exec '\/Applications\/Visual Studio Code\.app\/.*Code Helper \(Plugin\)' '\/x\/dist\/cli\.js' "\$@"\n$/);
    assert.equal(l.mode, 0o755);
    assert.deepEqual(pathWithLauncher('linux', {}, '/b'), { PATH: '/b' });
  });
});

/**
 * "Seq2Seq Chat: Open CLI in Terminal": a terminal where `seq2seq-chat` runs the CLI shipped in the .vsix
 * (dist/cli.js), with the launcher of extension/cliShim.ts first on PATH. Same commands, flags and files
 * as `npx seq2seq-chat` from the npm package (README, "Command line").
 */
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { cliLauncher, pathWithLauncher } from './cliShim';
import { registerSafeCommand, type Logger } from './log';

export const OPEN_CLI_COMMAND = 'seq2seqChat.openCli';

export function registerCliCommand(context: vscode.ExtensionContext, log: Logger): void {
  registerSafeCommand(context, log, OPEN_CLI_COMMAND, 'Open CLI in Terminal', async () => {
    // The terminal's shell runs where this extension host runs (a workspace extension), so the launcher is a
    // file on this machine: in the extension's storage, else (storage that is not a local folder) the temp folder.
    const storage = context.globalStorageUri.scheme === 'file' ? context.globalStorageUri.fsPath : path.join(tmpdir(), 'seq2seq-chat');
    const folder = path.join(storage, 'bin');
    const launcher = cliLauncher(process.platform, process.execPath, vscode.Uri.joinPath(context.extensionUri, 'dist', 'cli.js').fsPath);
    const file = path.join(folder, launcher.name);
    // Written on every open: the extension's folder changes with each update.
    await mkdir(folder, { recursive: true });
    await writeFile(file, launcher.text, { mode: launcher.mode });
    await chmod(file, launcher.mode);
    const terminal = vscode.window.createTerminal({
      name: 'seq2seq-chat',
      env: pathWithLauncher(process.platform, process.env, folder),
      cwd: vscode.workspace.workspaceFolders?.[0]?.uri.scheme === 'file' ? vscode.workspace.workspaceFolders[0].uri : undefined,
      message: vscode.l10n.t('`seq2seq-chat` is ready here: try seq2seq-chat --help'),
    });
    terminal.show();
    log.info(`opened a terminal with ${file} on PATH`);
    return file;
  });
}

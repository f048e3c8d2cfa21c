/**
 * The `seq2seq-chat` command for people who install only the extension (issue #12 item 10): a small launcher
 * script, written to the extension's storage, that runs the CLI bundled in the .vsix (dist/cli.js) with the
 * Node.js the extension host runs on. No `vscode` import: the command (extension/cliTerminal.ts) writes these
 * files and opens a terminal with their folder first on PATH.
 *
 * In desktop VS Code `process.execPath` is the Electron binary, which runs as plain Node.js with
 * ELECTRON_RUN_AS_NODE=1 (what VS Code's own `code` CLI does); in code-server and other Node hosts it is node,
 * which ignores that variable.
 */

export interface CliLauncher {
  /** The file name in the launcher folder: `seq2seq-chat` (sh) or `seq2seq-chat.cmd` (Windows). */
  readonly name: string;
  readonly text: string;
  /** File mode: executable for the sh script. */
  readonly mode: number;
}

/** `text` as one sh word: single quotes, with each ' written as '\'' . */
export function shQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** The launcher for this platform: runs `node cliScript args…` with the host's Node.js. */
export function cliLauncher(platform: NodeJS.Platform, nodePath: string, cliScript: string): CliLauncher {
  if (platform === 'win32') {
    // cmd.exe has no escape for " inside a quoted word, and no Windows path contains one.
    if (/["%\r\n]/.test(nodePath + cliScript)) throw new Error(`expected paths without ", % or line breaks, got ${nodePath} and ${cliScript}`);
    return { name: 'seq2seq-chat.cmd', mode: 0o644, text: `@echo off\r\nset ELECTRON_RUN_AS_NODE=1\r\n"${nodePath}" "${cliScript}" %*\r\n` };
  }
  return {
    name: 'seq2seq-chat',
    mode: 0o755,
    text: `#!/bin/sh\n# seq2seq-chat from the Seq2Seq Chat extension (rewritten each time its terminal opens)\nELECTRON_RUN_AS_NODE=1 exec ${shQuote(nodePath)} ${shQuote(cliScript)} "$@"\n`,
  };
}

/** PATH with the launcher's folder first (the key is `Path` on Windows, where names are case-insensitive). */
export function pathWithLauncher(platform: NodeJS.Platform, env: NodeJS.ProcessEnv, folder: string): Record<string, string> {
  const key = platform === 'win32' ? (Object.keys(env).find((k) => k.toUpperCase() === 'PATH') ?? 'Path') : 'PATH';
  const rest = env[key];
  return { [key]: rest ? `${folder}${platform === 'win32' ? ';' : ':'}${rest}` : folder };
}

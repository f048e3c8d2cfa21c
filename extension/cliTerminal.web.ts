/**
 * Browser build of cliTerminal.ts: VS Code for the Web has no Node to run the command line and no local
 * terminal, so the command (contributed, hence registered) says so and where it works instead.
 */
import * as vscode from 'vscode';
import { registerSafeCommand, UserFacingError, type Logger } from './log';

export const OPEN_CLI_COMMAND = 'seq2seqChat.openCli';

export function registerCliCommand(context: vscode.ExtensionContext, log: Logger): void {
  registerSafeCommand(context, log, OPEN_CLI_COMMAND, 'Open CLI in Terminal', () => {
    throw new UserFacingError(vscode.l10n.t('the command line needs Node.js, which VS Code for the Web does not have: use desktop VS Code, a remote window, or `npx seq2seq-chat` in a terminal'));
  });
}

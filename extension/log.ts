/**
 * The extension's output channel ("Seq2Seq Chat") and its one error boundary: every command runs
 * through `handleError`, which shows an actionable message with a button and writes details here.
 */
import * as vscode from 'vscode';

export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string, err?: unknown): void;
  /** Shown only at the Debug log level ("Developer: Set Log Level…"): users' questions and replies go here. */
  debug(message: string): void;
  show(): void;
}

/** A log output channel: levels, timestamps and "Set Log Level…" come from VS Code. */
export function createLogger(context: vscode.ExtensionContext): Logger {
  const channel = vscode.window.createOutputChannel('Seq2Seq Chat', { log: true });
  context.subscriptions.push(channel);
  return {
    info: (m) => channel.info(m),
    warn: (m) => channel.warn(m),
    error: (m, err) => {
      channel.error(m);
      if (err instanceof Error && err.stack) channel.error(err.stack);
      else if (err !== undefined) channel.error(String(err));
    },
    debug: (m) => channel.debug(m),
    show: () => channel.show(true),
  };
}

/** An error whose message is already written for the user, with an optional action button. */
export class UserFacingError extends Error {
  constructor(
    message: string,
    readonly action?: { readonly label: string; readonly run: () => unknown },
  ) {
    super(message);
    this.name = 'UserFacingError';
  }
}

/** Shows `err` to the user with a button (its own action, else "Show Log"), details to the log. */
export function handleError(log: Logger, what: string, err: unknown): void {
  const message = err instanceof Error ? err.message : String(err);
  log.error(`${what}: ${message}`, err);
  const action = err instanceof UserFacingError ? err.action : undefined;
  const showLog = vscode.l10n.t('Show Log');
  const buttons = action ? [action.label, showLog] : [showLog];
  // `what` names the command for the user (translated by the caller); the log line above stays English.
  void vscode.window.showErrorMessage(vscode.l10n.t('Seq2Seq Chat — {0}: {1}', vscode.l10n.t(what), message), ...buttons).then((picked) => {
    if (picked === showLog) log.show();
    else if (action && picked === action.label) void action.run();
  });
}

/** Registers a command whose exceptions end in `handleError` instead of an unhandled rejection. */
export function registerSafeCommand<A extends unknown[], R>(
  context: vscode.ExtensionContext,
  log: Logger,
  id: string,
  what: string,
  run: (...args: A) => R | Promise<R>,
): void {
  context.subscriptions.push(
    vscode.commands.registerCommand(id, async (...args: unknown[]) => {
      try {
        return await run(...(args as A));
      } catch (err) {
        handleError(log, what, err);
        return undefined;
      }
    }),
  );
}

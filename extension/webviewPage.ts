/**
 * The page every webview of the extension loads (the chat, the insight views): no inline script or style,
 * everything from our own roots, the one script only with a fresh nonce (Content-Security-Policy).
 */
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { escapeAttribute } from '../src/chat/l10n';

export interface PageParts {
  /** The bundle under dist/ (chat.js, insight.js). */
  readonly script: string;
  /** The style sheet under media/. */
  readonly style: string;
  readonly title: string;
  /** Attributes of <body>, e.g. data-host="view" (values are our own constants). */
  readonly body: Readonly<Record<string, string>>;
}

export function webviewPage(webview: vscode.Webview, extensionUri: vscode.Uri, parts: PageParts): string {
  const nonce = randomBytes(16).toString('base64');
  const script = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', parts.script));
  const style = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', parts.style));
  const csp = [
    "default-src 'none'",
    `style-src ${webview.cspSource}`,
    `img-src ${webview.cspSource}`,
    `font-src ${webview.cspSource}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
  // The UI's translations travel in the page (media/l10n.ts reads them): VS Code's loaded bundle, {} in English.
  const attributes = { ...parts.body, 'data-l10n': JSON.stringify(vscode.l10n.bundle ?? {}) };
  const body = Object.entries(attributes).map(([k, v]) => ` ${k}="${escapeAttribute(v)}"`).join('');
  return `<!DOCTYPE html>
<html lang="${escapeAttribute(vscode.env.language)}">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${style.toString()}">
<title>${escapeAttribute(parts.title)}</title>
</head>
<body${body}>
<div id="app"></div>
<script nonce="${nonce}" src="${script.toString()}"></script>
</body>
</html>`;
}

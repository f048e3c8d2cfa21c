/**
 * The chat webview in its two places: the side panel (WebviewView "seq2seqChat.chatView" in the
 * activity-bar container) and editor panels (WebviewPanel "seq2seqChat.chatPanel", restored after a
 * reload by a serializer). Both load the same bundled script (dist/chat.js) under a strict CSP with a
 * nonce, only from `localResourceRoots`, and talk the protocol in src/chat/protocol.ts.
 */
import * as vscode from 'vscode';
import { validateWebviewMessage, type WebviewMessage } from '../src/chat/protocol';
import type { ChatSession, ChatSurface } from './chatSession';
import type { Logger } from './log';
import { webviewPage } from './webviewPage';

export const VIEW_ID = 'seq2seqChat.chatView';
export const PANEL_VIEW_TYPE = 'seq2seqChat.chatPanel';

export interface WebviewActions {
  train(): void;
  useDefault(): void;
  showLog(): void;
  newChat(): void;
  newPairsFile(): void;
  /** 👍 on reply `id` (extension/corrections.ts). */
  confirm(id: number): void;
  /** 👎 on reply `id` with the answer it should have given. */
  correct(id: number, answer: string): void;
  /** Explains the bot reply with this entry id (the insight view). */
  why(id: number): void;
  dashboard(): void;
}

function localRoots(extensionUri: vscode.Uri): vscode.Uri[] {
  return [vscode.Uri.joinPath(extensionUri, 'dist'), vscode.Uri.joinPath(extensionUri, 'media')];
}

export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return { enableScripts: true, localResourceRoots: localRoots(extensionUri) };
}

/** The page: no inline script or style, everything from our own roots, scripts only with this nonce. */
export function chatHtml(webview: vscode.Webview, extensionUri: vscode.Uri, host: 'view' | 'panel'): string {
  return webviewPage(webview, extensionUri, { script: 'chat.js', style: 'chat.css', title: 'Seq2Seq Chat', body: { 'data-host': host } });
}

/** Connects one webview to the session: validated messages in, state and tokens out. */
export function connectWebview(
  webview: vscode.Webview,
  session: ChatSession,
  actions: WebviewActions,
  log: Logger,
  where: string,
): vscode.Disposable {
  const surface: ChatSurface = { post: (m) => void webview.postMessage(m) };
  const detach = session.attach(surface);
  const listener = webview.onDidReceiveMessage((raw: unknown) => {
    const checked = validateWebviewMessage(raw);
    if (!checked.ok) {
      log.warn(`dropped invalid message from the ${where} webview: ${checked.reason}`);
      return;
    }
    handle(checked.message);
  });
  function handle(m: WebviewMessage): void {
    switch (m.type) {
      case 'ready':
        surface.post({ type: 'state', state: session.state() });
        return;
      case 'ask':
        session.ask(m.text).catch((err: unknown) => log.error('reply failed', err));
        return;
      case 'stop':
        session.stop();
        return;
      case 'train':
        actions.train();
        return;
      case 'useDefault':
        actions.useDefault();
        return;
      case 'newChat':
        actions.newChat();
        return;
      case 'newPairsFile':
        actions.newPairsFile();
        return;
      case 'copy': {
        const text = session.entryText(m.id);
        if (text !== undefined) void vscode.env.clipboard.writeText(text);
        return;
      }
      case 'showLog':
        actions.showLog();
        return;
      case 'confirm':
        actions.confirm(m.id);
        return;
      case 'correct':
        actions.correct(m.id, m.text);
        return;
      case 'why':
        actions.why(m.id);
        return;
      case 'dashboard':
        actions.dashboard();
        return;
      default: {
        const never: never = m;
        log.warn(`unhandled webview message ${JSON.stringify(never)}`);
      }
    }
  }
  return vscode.Disposable.from(detach, listener);
}

export class ChatViewProvider implements vscode.WebviewViewProvider {
  view: vscode.WebviewView | undefined;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly session: ChatSession,
    private readonly actions: WebviewActions,
    private readonly log: Logger,
  ) {}

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    view.webview.options = webviewOptions(this.extensionUri);
    view.webview.html = chatHtml(view.webview, this.extensionUri, 'view');
    const conn = connectWebview(view.webview, this.session, this.actions, this.log, 'side panel');
    view.onDidDispose(() => {
      conn.dispose();
      this.view = undefined;
    });
  }
}

/** Editor chat panels: opened by a command, restored after reload by the serializer. */
export class ChatPanels implements vscode.WebviewPanelSerializer, vscode.Disposable {
  private readonly panels = new Set<vscode.WebviewPanel>();

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly session: ChatSession,
    private readonly actions: WebviewActions,
    private readonly log: Logger,
  ) {}

  get count(): number {
    return this.panels.size;
  }

  open(): vscode.WebviewPanel {
    const existing = [...this.panels][0];
    if (existing) {
      existing.reveal();
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(PANEL_VIEW_TYPE, 'Seq2Seq Chat', vscode.ViewColumn.Active, {
      ...webviewOptions(this.extensionUri),
    });
    this.adopt(panel);
    return panel;
  }

  deserializeWebviewPanel(panel: vscode.WebviewPanel): Thenable<void> {
    this.adopt(panel);
    return Promise.resolve();
  }

  dispose(): void {
    for (const p of [...this.panels]) p.dispose();
  }

  private adopt(panel: vscode.WebviewPanel): void {
    panel.webview.options = webviewOptions(this.extensionUri);
    // The activity bar draws chat.svg as a mask; an editor tab draws the file itself, so it needs a colour per theme.
    panel.iconPath = { light: vscode.Uri.joinPath(this.extensionUri, 'media', 'chat-light.svg'), dark: vscode.Uri.joinPath(this.extensionUri, 'media', 'chat-dark.svg') };
    panel.webview.html = chatHtml(panel.webview, this.extensionUri, 'panel');
    const conn = connectWebview(panel.webview, this.session, this.actions, this.log, 'editor');
    this.panels.add(panel);
    panel.onDidDispose(() => {
      conn.dispose();
      this.panels.delete(panel);
    });
  }
}

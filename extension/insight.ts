/**
 * The insight views in editor panels: the training dashboard (live curves while a training runs, the
 * model's runs, the model card), "why this answer" (one reply explained) and the evaluation report. One
 * panel per kind, reused; all load dist/insight.js under the same strict nonce CSP as the chat and talk
 * src/insight/protocol.ts. Live updates are throttled to LIVE_UPDATE_MS so that a fast training cannot
 * flood the webview or the extension host.
 */
import * as vscode from 'vscode';
import type { ChatModel } from '../src/chat';
import { cardRows, modelCard } from '../src/insight/card';
import { compareReports, type EvaluationReport } from '../src/insight/evaluation';
import { validateInsightMessage, type DashboardView, type InsightExtensionMessage, type InsightKind, type InsightView, type LiveTraining } from '../src/insight/protocol';
import type { Logger } from './log';
import type { ModelStore } from './modelStore';
import { openAtLine } from './pairsFile';
import { webviewPage } from './webviewPage';

export const INSIGHT_VIEW_TYPE = 'seq2seqChat.insight';
/** Least time between two live dashboard updates. */
export const LIVE_UPDATE_MS = 250;

/** The tabs' titles, in the UI's language. */
function title(kind: InsightKind): string {
  switch (kind) {
    case 'dashboard':
      return vscode.l10n.t('Seq2Seq: Training Dashboard');
    case 'why':
      return vscode.l10n.t('Seq2Seq: Why This Answer');
    case 'report':
      return vscode.l10n.t('Seq2Seq: Evaluation Report');
    default: {
      const never: never = kind;
      return String(never);
    }
  }
}

/** Where the live training comes from (TrainingController): a snapshot on demand, and a change signal. */
export interface LiveSource {
  live(): LiveTraining | null;
  readonly onDidChangeLive: vscode.Event<void>;
}

interface Open {
  readonly panel: vscode.WebviewPanel;
  view: InsightView | null;
  /** Report: the evaluated pairs file, opened at a miss's line. */
  pairsFile?: vscode.Uri;
}

export class InsightPanels implements vscode.Disposable {
  private readonly open = new Map<InsightKind, Open>();
  private readonly subscriptions: vscode.Disposable[] = [];
  private liveTimer: NodeJS.Timeout | undefined;
  /** The last evaluation of each pairs file (by URI), to compare with the next one by another model. */
  private readonly lastReports = new Map<string, { readonly model: ChatModel; readonly report: EvaluationReport }>();
  /** Live posts sent (tests and the bench read it). */
  livePosts = 0;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly models: ModelStore,
    private readonly source: LiveSource,
    private readonly log: Logger,
  ) {
    this.subscriptions.push(
      source.onDidChangeLive(() => this.scheduleLive()),
      models.onDidChange(() => {
        if (this.open.has('dashboard')) void this.showDashboard(false);
      }),
    );
  }

  dispose(): void {
    clearTimeout(this.liveTimer);
    for (const s of this.subscriptions) s.dispose();
    for (const o of [...this.open.values()]) o.panel.dispose();
  }

  isOpen(kind: InsightKind): boolean {
    return this.open.has(kind);
  }

  /** The view a panel shows now (tests read it). */
  viewOf(kind: InsightKind): InsightView | null {
    return this.open.get(kind)?.view ?? null;
  }

  /** Opens (or updates) the dashboard; `reveal` false only refreshes an open one. */
  async showDashboard(reveal = true): Promise<DashboardView> {
    const view = await this.dashboardView();
    if (reveal || this.open.has('dashboard')) this.show(view, undefined, reveal);
    return view;
  }

  showWhy(view: InsightView & { kind: 'why' }): void {
    this.show(view);
  }

  /** Opens the report of `model` on `pairsFile`, compared with the file's previous evaluation by another model. */
  showReport(report: EvaluationReport, model: ChatModel, pairsFile: vscode.Uri): InsightView {
    const key = pairsFile.toString();
    const previous = this.lastReports.get(key);
    this.lastReports.set(key, { model, report });
    const view: InsightView = {
      kind: 'report',
      report,
      ...(previous && previous.model !== model ? { comparison: compareReports(previous.report, report) } : {}),
    };
    this.show(view, pairsFile);
    return view;
  }

  private async dashboardView(): Promise<DashboardView> {
    const current = this.models.model;
    let fileBytes: number | undefined;
    if (current) {
      const uri = current.meta.source === 'default' ? this.models.defaultModelUri() : this.models.storedModelUri();
      try {
        fileBytes = (await vscode.workspace.fs.stat(uri)).size;
      } catch {
        // not saved (yet): the card leaves the size out
      }
    }
    return {
      kind: 'dashboard',
      model: current ? { label: current.meta.label, card: cardRows(modelCard(current.model, fileBytes)) } : null,
      live: this.source.live(),
      runs: current?.model.history ?? [],
    };
  }

  private show(view: InsightView, pairsFile?: vscode.Uri, reveal = true): void {
    let o = this.open.get(view.kind);
    if (!o) {
      const panel = vscode.window.createWebviewPanel(INSIGHT_VIEW_TYPE, title(view.kind), { viewColumn: vscode.ViewColumn.Active, preserveFocus: false }, {
        enableScripts: true,
        localResourceRoots: [vscode.Uri.joinPath(this.extensionUri, 'dist'), vscode.Uri.joinPath(this.extensionUri, 'media')],
      });
      panel.iconPath = vscode.Uri.joinPath(this.extensionUri, 'media', 'chat.svg');
      panel.webview.html = webviewPage(panel.webview, this.extensionUri, { script: 'insight.js', style: 'insight.css', title: title(view.kind), body: { 'data-view': view.kind } });
      const opened: Open = { panel, view };
      o = opened;
      this.open.set(view.kind, opened);
      const listener = panel.webview.onDidReceiveMessage((raw: unknown) => this.receive(view.kind, opened, raw));
      panel.onDidDispose(() => {
        listener.dispose();
        if (this.open.get(view.kind) === opened) this.open.delete(view.kind);
      });
    } else if (reveal) o.panel.reveal(undefined, false);
    o.view = view;
    if (pairsFile) o.pairsFile = pairsFile;
    this.post(o, { type: 'view', view });
  }

  private receive(kind: InsightKind, o: Open, raw: unknown): void {
    const checked = validateInsightMessage(raw);
    if (!checked.ok) {
      this.log.warn(`dropped invalid message from the ${kind} view: ${checked.reason}`);
      return;
    }
    const m = checked.message;
    switch (m.type) {
      case 'ready':
        // A (re)created webview: send what it shows, the live training included.
        if (kind === 'dashboard' && o.view?.kind === 'dashboard') o.view = { ...o.view, live: this.source.live() };
        if (o.view) this.post(o, { type: 'view', view: o.view });
        return;
      case 'openLine': {
        const file = o.pairsFile;
        if (!file) return;
        openAtLine(file, m.line).catch((err: unknown) => this.log.error(`cannot open ${file.toString(true)}`, err));
        return;
      }
      default: {
        const never: never = m;
        this.log.warn(`unhandled insight message ${JSON.stringify(never)}`);
      }
    }
  }

  /** Live updates at most every LIVE_UPDATE_MS, the last state always sent (trailing edge). */
  private scheduleLive(): void {
    if (this.liveTimer !== undefined || !this.open.has('dashboard')) return;
    this.liveTimer = setTimeout(() => {
      this.liveTimer = undefined;
      const o = this.open.get('dashboard');
      if (!o || o.view?.kind !== 'dashboard') return;
      const live = this.source.live();
      o.view = { ...o.view, live };
      this.livePosts++;
      this.post(o, { type: 'live', live });
    }, LIVE_UPDATE_MS);
  }

  private post(o: Open, m: InsightExtensionMessage): void {
    void o.panel.webview.postMessage(m);
  }
}

/**
 * The insight panels' glue (extension/insight.ts) on a fake vscode: the dashboard's live updates are throttled
 * (a burst of progress reports becomes one post with the latest curves), messages from the webview are
 * validated, and the chat session finds the question a "Why?" refers to.
 */
import { EventEmitter, fakeContext, MemoryLog, vscodeStub } from '../reliability/fake-vscode';
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type * as vscode from 'vscode';
import { InsightPanels, LIVE_UPDATE_MS } from '../../../extension/insight';
import { ChatSession } from '../../../extension/chatSession';
import type { ModelStore } from '../../../extension/modelStore';
import type { InsightExtensionMessage, LiveTraining } from '../../../src/insight/protocol';
import { CurveRecorder } from '../../../src/train/curves';
import type { Reply } from '../../../src/chat';

interface FakePanel {
  posted: InsightExtensionMessage[];
  receive(m: unknown): void;
}

function installPanels(): FakePanel[] {
  const panels: FakePanel[] = [];
  (vscodeStub.window as Record<string, unknown>).createWebviewPanel = () => {
    let listener: ((m: unknown) => void) | undefined;
    const p: FakePanel = { posted: [], receive: (m) => listener?.(m) };
    panels.push(p);
    return {
      webview: {
        cspSource: 'vscode-resource:',
        asWebviewUri: (u: unknown) => u,
        html: '',
        postMessage: (m: InsightExtensionMessage) => {
          p.posted.push(m);
          return Promise.resolve(true);
        },
        onDidReceiveMessage: (l: (m: unknown) => void) => {
          listener = l;
          return { dispose: () => (listener = undefined) };
        },
      },
      reveal: () => undefined,
      onDidDispose: () => ({ dispose: () => undefined }),
      dispose: () => undefined,
    };
  };
  return panels;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('insight panels', () => {
  test('a burst of progress reports reaches the dashboard as one post with the latest curves, throttled', async () => {
    const panels = installPanels();
    const changed = new EventEmitter<void>();
    const recorder = new CurveRecorder(10);
    const source = { live: (): LiveTraining => ({ file: 'faq.tsv', running: true, curves: recorder.curves() }), onDidChangeLive: changed.event };
    const models = { model: null, onDidChange: new EventEmitter<unknown>().event } as unknown as ModelStore;
    const log = new MemoryLog();
    const insight = new InsightPanels(vscodeStub.Uri.file('/ext') as unknown as vscode.Uri, models, source as never, log);
    await insight.showDashboard();
    assert.equal(panels.length, 1);
    for (let i = 1; i <= 200; i++) {
      recorder.onProgress({ epoch: 1, epochs: 10, iteration: i, iterations: 200, loss: 3 - i / 100, samplesPerSecond: 1, eta: 1 });
      changed.fire();
    }
    await sleep(LIVE_UPDATE_MS + 100);
    const live = panels[0].posted.filter((m): m is Extract<InsightExtensionMessage, { type: 'live' }> => m.type === 'live');
    assert.equal(live.length, 1, 'one post for the whole burst');
    assert.equal(live[0].live?.curves.iterations.length, 200, 'with the latest state');
    recorder.onEpoch({ epoch: 1, loss: 2, accuracy: 0.5, seconds: 1 });
    changed.fire();
    await sleep(LIVE_UPDATE_MS + 100);
    assert.equal(panels[0].posted.filter((m) => m.type === 'live').length, 2);
    assert.equal(insight.livePosts, 2);

    // the webview's messages are validated: a forged openLine with a path is dropped with a log line
    panels[0].receive({ type: 'openLine', line: 3, file: '/etc/passwd' });
    assert.match(log.lines.join('\n'), /dropped invalid message from the dashboard view: "openLine": unexpected field\(s\) file/);
    // ready: the view is sent again, with the live training
    const before = panels[0].posted.length;
    panels[0].receive({ type: 'ready' });
    const again = panels[0].posted[before];
    assert.equal(again?.type, 'view');
    assert.equal(again?.type === 'view' && again.view.kind === 'dashboard' ? again.view.live?.curves.epochs.length : -1, 1);
    insight.dispose();
  });

  test('"Why?" finds the question a reply answered', async () => {
    const r: Reply = { text: 'hi', tokens: [{ text: 'hi', prob: 0.9 }], finished: true, cut: false, confidence: 0.9, sure: true, suggestions: [] };
    const store = { model: { model: { kind: 'peeky' }, meta: { source: 'trained', label: 'x' } }, reply: () => r, answersOffThread: () => false } as unknown as ModelStore;
    const s = new ChatSession(fakeContext('/nonexistent') as unknown as vscode.ExtensionContext, store, new MemoryLog());
    const first = await s.ask('hello there');
    const second = await s.ask('and again');
    assert.equal(s.questionFor(first.id), 'hello there');
    assert.equal(s.questionFor(second.id), 'and again');
    assert.equal(s.questionFor(first.id - 1), undefined, 'a user entry is not a reply');
    assert.equal(s.questionFor(9999), undefined);
    s.dispose();
  });
});

/**
 * The chat webview's script (bundled by webpack to dist/chat.js, target web). Draws the conversation
 * from the extension's state messages, streams replies token by token, and keeps its own copy of the
 * state (vscode.setState) so a hidden or moved view redraws at once. Model text is only ever set with
 * `textContent`, never parsed as HTML.
 */
import type { ChatEntry, ChatViewState, ExtensionMessage, TrainingStatus, WebviewMessage } from '../src/chat/protocol';
import { formatDuration } from '../src/chat/format';
import { MAX_QUESTION_LENGTH } from '../src/chat/protocol';
import { feedbackElement } from './feedback';

interface VsCodeApi {
  postMessage(message: WebviewMessage): void;
  getState(): unknown;
  setState(state: ChatViewState): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();

function el<K extends keyof HTMLElementTagNameMap>(tag: K, cls?: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

function isState(x: unknown): x is ChatViewState {
  return typeof x === 'object' && x !== null && Array.isArray((x as { entries?: unknown }).entries);
}

let state: ChatViewState = isState(vscode.getState())
  ? (vscode.getState() as ChatViewState)
  : { entries: [], model: null, training: null, streaming: null };
/** Questions asked, oldest first, for ↑/↓ in the input (like a shell's history). */
const history: string[] = [];
/** Where ↑/↓ stand in `history`: history.length means the draft being typed. */
let historyAt = 0;
let draft = '';

// ---- layout ----------------------------------------------------------------------------------
const app = document.getElementById('app') ?? document.body;
const header = el('div', 'header');
const modelLabel = el('span', 'model-label');
const newChat = el('button', 'secondary', 'New chat');
newChat.title = 'Start a new conversation';
header.append(modelLabel, newChat);

const trainingBar = el('div', 'training');
trainingBar.setAttribute('role', 'status');
const trainingText = el('span', 'training-text');
const trainingMeter = el('progress', 'training-meter');
trainingMeter.max = 1;
const dashboardButton = el('button', 'secondary dashboard', 'Dashboard');
dashboardButton.id = 'dashboard';
dashboardButton.title = 'Show the live training curves';
trainingBar.append(trainingText, trainingMeter, dashboardButton);

const empty = el('div', 'empty');
empty.append(
  el('p', undefined, 'No model yet. Train one on your own question/answer pairs, or use the default model.'),
);
const trainButton = el('button', undefined, 'Train…');
trainButton.id = 'train';
const defaultButton = el('button', 'secondary', 'Use default model');
defaultButton.id = 'use-default';
empty.append(trainButton, defaultButton);

// The first screen of an empty conversation: what this is, questions to try, how to use one's own pairs.
const welcome = el('div', 'welcome');
welcome.id = 'welcome';
const welcomeTitle = el('h2', 'welcome-title', 'Chat with a model trained on question/answer pairs');
const welcomeText = el('p', 'welcome-text');
const examples = el('div', 'examples');
examples.setAttribute('role', 'group');
examples.setAttribute('aria-label', 'Example questions');
const welcomeActions = el('div', 'welcome-actions');
const trainMine = el('button', undefined, 'Train on my pairs…');
trainMine.id = 'train-mine';
trainMine.type = 'button';
const samplePairs = el('button', 'secondary', 'Create a sample pairs file');
samplePairs.id = 'sample-pairs';
samplePairs.type = 'button';
welcomeActions.append(trainMine, samplePairs);
const formatHint = el('p', 'format-hint');
formatHint.append('Pairs file: one ', el('code', undefined, 'question⇥answer'), ' per line (a Tab between them; lines starting with # are comments).');
welcome.append(welcomeTitle, welcomeText, examples, welcomeActions, formatHint);

const log = el('div', 'log');
log.id = 'log';
log.setAttribute('role', 'log');
log.setAttribute('aria-label', 'Conversation');

const announce = el('div', 'visually-hidden');
announce.id = 'announce';
announce.setAttribute('aria-live', 'polite');

const form = el('div', 'composer');
const input = el('textarea', 'input');
input.id = 'question';
input.rows = 2;
input.maxLength = MAX_QUESTION_LENGTH;
input.placeholder = 'Ask a question (Enter sends, Shift+Enter new line)';
input.setAttribute('aria-label', 'Question');
const send = el('button', undefined, 'Send');
send.id = 'send';
const stop = el('button', 'secondary', 'Stop');
stop.id = 'stop';
stop.hidden = true;
form.append(input, send, stop);

app.append(header, trainingBar, empty, welcome, log, form, announce);

// ---- rendering -------------------------------------------------------------------------------
const bubbles = new Map<number, HTMLElement>();

/** The closest trained questions of a not-sure reply (strings only, however the entry was stored). */
function suggestionsOf(e: ChatEntry): string[] {
  return Array.isArray(e.suggestions) ? e.suggestions.filter((q): q is string => typeof q === 'string' && q !== '') : [];
}

/** Asks a question as if typed: the `ask` message, remembered for ↑. */
function ask(text: string): void {
  if (history[history.length - 1] !== text) history.push(text);
  historyAt = history.length;
  draft = '';
  vscode.postMessage({ type: 'ask', text });
}

/** "Did you mean …?": one real button per suggestion (keyboard-reachable), each asking its question. */
function suggestionsElement(suggestions: readonly string[]): HTMLElement {
  const box = el('div', 'suggestions');
  box.setAttribute('role', 'group');
  box.setAttribute('aria-label', 'Did you mean');
  box.append(el('span', 'suggestions-label', 'Did you mean:'));
  for (const q of suggestions) {
    const b = el('button', 'secondary suggestion', q);
    b.type = 'button';
    b.title = `Ask "${q}"`;
    b.addEventListener('click', () => ask(q));
    box.append(b);
  }
  return box;
}

function entryElement(e: ChatEntry): HTMLElement {
  const div = el('div', `entry ${e.role}${e.stopped ? ' stopped' : ''}${e.unsure ? ' unsure' : ''}${e.cut ? ' cut' : ''}`);
  div.dataset.id = String(e.id);
  if (typeof e.confidence === 'number') div.dataset.confidence = e.confidence.toFixed(3);
  const text = el('div', 'text', e.text);
  div.append(text);
  if (e.stopped) div.append(el('span', 'badge', 'stopped'));
  if (e.cut) {
    const cut = el('span', 'badge cut-mark', 'cut at the length limit');
    cut.title = 'The reply reached the longest reply length (seq2seqChat.decoding.maxReplyLength) before its end; "…" marks the cut.';
    div.append(cut);
  }
  const suggestions = e.unsure ? suggestionsOf(e) : [];
  if (suggestions.length > 0) div.append(suggestionsElement(suggestions));
  if (e.role === 'bot' && e.text !== '' && !e.unsure) div.append(copyButton(e.id));
  if (e.divider) div.classList.add('divider');
  const feedback = e.id === state.streaming ? null : feedbackElement(e, (m) => vscode.postMessage(m));
  if (feedback) div.append(feedback);
  if (e.role === 'bot' && e.text !== '' && !e.stopped) {
    // "Why?": the reply explained (token probabilities, attention, n-best, closest questions) in its own view.
    const why = el('button', 'secondary why', 'Why?');
    why.type = 'button';
    why.title = 'Why this answer: token probabilities, attention, other candidates, closest trained questions';
    why.setAttribute('aria-label', 'Why this answer?');
    why.addEventListener('click', () => vscode.postMessage({ type: 'why', id: e.id }));
    div.append(why);
  }
  return div;
}

/** Copy on a reply: the extension copies the entry's text (vscode.env.clipboard); the button says so. */
function copyButton(id: number): HTMLButtonElement {
  const b = el('button', 'copy', 'Copy');
  b.type = 'button';
  b.title = 'Copy this reply';
  b.setAttribute('aria-label', 'Copy this reply');
  b.addEventListener('click', () => {
    vscode.postMessage({ type: 'copy', id });
    b.textContent = 'Copied';
    setTimeout(() => (b.textContent = 'Copy'), 1500);
  });
  return b;
}

/** The welcome screen's examples: this model's own trained questions, each a button that asks it. */
function renderWelcome(): void {
  welcome.hidden = state.model === null || state.entries.length > 0;
  if (welcome.hidden || !state.model) return;
  welcomeText.textContent = `Answering: ${state.model.label} (${state.model.kind}). Ask anything it was trained on, or train it on your own pairs.`;
  const questions = Array.isArray(state.model.examples) ? state.model.examples.filter((q): q is string => typeof q === 'string') : [];
  examples.replaceChildren(
    ...questions.map((q) => {
      const b = el('button', 'secondary example', q);
      b.type = 'button';
      b.title = `Ask "${q}"`;
      b.addEventListener('click', () => ask(q));
      return b;
    }),
  );
}

/** What the live region says when a reply ends. */
function announcement(e: ChatEntry): string {
  if (e.stopped) return `Reply stopped: ${e.text}`;
  const suggestions = e.unsure ? suggestionsOf(e) : [];
  if (suggestions.length > 0) return `Reply: ${e.text} Did you mean: ${suggestions.join('; ')}?`;
  return e.cut ? `Reply, cut at the length limit: ${e.text}` : `Reply: ${e.text}`;
}

function textOf(id: number): HTMLElement | undefined {
  return bubbles.get(id)?.querySelector<HTMLElement>('.text') ?? undefined;
}

function renderTraining(t: TrainingStatus | null): void {
  trainingBar.hidden = t === null;
  if (!t) return;
  const parts = [`Training on ${t.file}…`];
  if (t.epoch > 0) parts.push(`epoch ${t.epoch}/${t.epochs}`);
  if (Number.isFinite(t.loss)) parts.push(`loss ${t.loss.toFixed(3)}`);
  if (t.accuracy !== undefined) parts.push(`val acc ${(t.accuracy * 100).toFixed(0)}%`);
  if (Number.isFinite(t.eta) && t.eta > 0) parts.push(`ETA ≤ ${formatDuration(t.eta)}`);
  trainingText.textContent = parts.join(' · ') + ' (you can keep chatting)';
  trainingMeter.value = t.epochs > 0 ? t.epoch / t.epochs : 0;
}

function renderAll(): void {
  modelLabel.textContent = state.model ? `Model: ${state.model.label} (${state.model.kind})` : 'No model';
  // The model card on hover (and to screen readers): where the model comes from, pairs, epochs, accuracy.
  modelLabel.title = state.model ? [`Model: ${state.model.label}`, ...(state.model.card ?? []).slice(1)].join('\n') : 'No model';
  empty.hidden = state.model !== null;
  renderWelcome();
  renderTraining(state.training);
  log.replaceChildren();
  bubbles.clear();
  for (const e of state.entries) {
    const div = entryElement(e);
    if (e.id === state.streaming) div.classList.add('streaming');
    bubbles.set(e.id, div);
    log.append(div);
  }
  stop.hidden = state.streaming === null;
  log.scrollTop = log.scrollHeight;
}

function save(next: ChatViewState): void {
  state = next;
  vscode.setState(state);
}

function onMessage(m: ExtensionMessage): void {
  switch (m.type) {
    case 'state':
      save(m.state);
      renderAll();
      return;
    case 'entry': {
      save({ ...state, entries: [...state.entries, m.entry], streaming: m.entry.role === 'bot' && m.entry.text === '' ? m.entry.id : state.streaming });
      const div = entryElement(m.entry);
      if (state.streaming === m.entry.id) div.classList.add('streaming');
      bubbles.set(m.entry.id, div);
      log.append(div);
      renderWelcome();
      stop.hidden = state.streaming === null;
      log.scrollTop = log.scrollHeight;
      return;
    }
    case 'token': {
      const t = textOf(m.id);
      if (t) t.textContent = (t.textContent ?? '') + m.text;
      bubbles.get(m.id)?.classList.add('streaming');
      log.scrollTop = log.scrollHeight;
      return;
    }
    case 'replyEnd': {
      save({ ...state, entries: state.entries.map((e) => (e.id === m.entry.id ? m.entry : e)), streaming: null });
      const old = bubbles.get(m.entry.id);
      const div = entryElement(m.entry);
      bubbles.set(m.entry.id, div);
      if (old) old.replaceWith(div);
      else log.append(div);
      stop.hidden = true;
      announce.textContent = announcement(m.entry);
      log.scrollTop = log.scrollHeight;
      return;
    }
    case 'update': {
      save({ ...state, entries: state.entries.map((e) => (e.id === m.entry.id ? m.entry : e)) });
      const old = bubbles.get(m.entry.id);
      const div = entryElement(m.entry);
      bubbles.set(m.entry.id, div);
      old?.replaceWith(div);
      announce.textContent = m.entry.feedback === 'corrected' ? 'Correction saved' : 'Reply confirmed';
      return;
    }
    case 'training':
      save({ ...state, training: m.training });
      renderTraining(m.training);
      return;
    default: {
      const never: never = m;
      console.warn('seq2seq-chat webview: unknown message', never);
    }
  }
}

// ---- input -------------------------------------------------------------------------------------
function submit(): void {
  const text = input.value.trim();
  if (text === '') return;
  input.value = '';
  ask(text);
  // Back to the input (after a click on Send too), so Tab and typing go on from there.
  input.focus();
}

/** ↑/↓: walk the questions asked; back past the newest restores what was being typed. */
function walkHistory(step: -1 | 1): boolean {
  const at = historyAt + step;
  if (at < 0 || at > history.length) return false;
  if (historyAt === history.length) draft = input.value;
  historyAt = at;
  input.value = at === history.length ? draft : history[at];
  input.setSelectionRange(input.value.length, input.value.length);
  return true;
}

input.addEventListener('keydown', (ev: KeyboardEvent) => {
  // IME composition: Enter confirms the candidate, it must not send (keyCode 229 on some browsers).
  if (ev.isComposing || ev.keyCode === 229) return;
  if (ev.key === 'Enter' && !ev.shiftKey) {
    ev.preventDefault();
    submit();
  } else if ((ev.key === 'ArrowUp' || ev.key === 'ArrowDown') && !ev.shiftKey && !input.value.includes('\n')) {
    // A one-line input: ↑/↓ walk the history instead of moving the caret.
    if (walkHistory(ev.key === 'ArrowUp' ? -1 : 1)) ev.preventDefault();
  }
});
send.addEventListener('click', submit);
stop.addEventListener('click', () => vscode.postMessage({ type: 'stop' }));
newChat.addEventListener('click', () => vscode.postMessage({ type: 'newChat' }));
trainMine.addEventListener('click', () => vscode.postMessage({ type: 'train' }));
samplePairs.addEventListener('click', () => vscode.postMessage({ type: 'newPairsFile' }));

// Stick to the bottom: a conversation scrolled to its end stays there when the view is resized (a
// narrower side bar wraps the bubbles taller); one scrolled up to read stays where it is.
let atBottom = true;
log.addEventListener('scroll', () => {
  atBottom = log.scrollHeight - log.scrollTop - log.clientHeight < 8;
});
new ResizeObserver(() => {
  if (atBottom) log.scrollTop = log.scrollHeight;
}).observe(log);
trainButton.addEventListener('click', () => vscode.postMessage({ type: 'train' }));
defaultButton.addEventListener('click', () => vscode.postMessage({ type: 'useDefault' }));
dashboardButton.addEventListener('click', () => vscode.postMessage({ type: 'dashboard' }));
window.addEventListener('message', (ev: MessageEvent<ExtensionMessage>) => onMessage(ev.data));

for (const e of state.entries) if (e.role === 'user' && history[history.length - 1] !== e.text) history.push(e.text);
historyAt = history.length;
renderAll();
vscode.postMessage({ type: 'ready' });

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
import { t } from './l10n';

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
const newChat = el('button', 'secondary', t('New chat'));
newChat.title = t('Start a new conversation');
header.append(modelLabel, newChat);

const trainingBar = el('div', 'training');
trainingBar.setAttribute('role', 'status');
const trainingText = el('span', 'training-text');
const trainingMeter = el('progress', 'training-meter');
trainingMeter.max = 1;
const dashboardButton = el('button', 'secondary dashboard', t('Dashboard'));
dashboardButton.id = 'dashboard';
dashboardButton.title = t('Show the live training curves');
trainingBar.append(trainingText, trainingMeter, dashboardButton);

const empty = el('div', 'empty');
empty.append(
  el('p', undefined, t('No model yet. Train one on your own question/answer pairs, or use the default model.')),
);
const trainButton = el('button', undefined, t('Train…'));
trainButton.id = 'train';
const defaultButton = el('button', 'secondary', t('Use default model'));
defaultButton.id = 'use-default';
empty.append(trainButton, defaultButton);

// The first screen of an empty conversation: what this is, questions to try, how to use one's own pairs.
const welcome = el('div', 'welcome');
welcome.id = 'welcome';
const welcomeTitle = el('h2', 'welcome-title', t('Chat with a model trained on question/answer pairs'));
const welcomeText = el('p', 'welcome-text');
const examples = el('div', 'examples');
examples.setAttribute('role', 'group');
examples.setAttribute('aria-label', t('Example questions'));
const welcomeActions = el('div', 'welcome-actions');
const trainMine = el('button', undefined, t('Train on my pairs…'));
trainMine.id = 'train-mine';
trainMine.type = 'button';
const samplePairs = el('button', 'secondary', t('Create a sample pairs file'));
samplePairs.id = 'sample-pairs';
samplePairs.type = 'button';
welcomeActions.append(trainMine, samplePairs);
const formatHint = el('p', 'format-hint');
// The format's example (code) sits inside the sentence, where each language puts it: {0} in the message.
const [hintBefore, hintAfter] = t('Pairs file: one {0} per line (a Tab between them; lines starting with # are comments).').split('{0}');
formatHint.append(hintBefore, el('code', undefined, t('question⇥answer')), hintAfter ?? '');
welcome.append(welcomeTitle, welcomeText, examples, welcomeActions, formatHint);

const log = el('div', 'log');
log.id = 'log';
log.setAttribute('role', 'log');
log.setAttribute('aria-label', t('Conversation'));

const announce = el('div', 'visually-hidden');
announce.id = 'announce';
announce.setAttribute('aria-live', 'polite');

const form = el('div', 'composer');
const input = el('textarea', 'input');
input.id = 'question';
input.rows = 2;
input.maxLength = MAX_QUESTION_LENGTH;
input.placeholder = t('Ask a question (Enter sends, Shift+Enter new line)');
input.setAttribute('aria-label', t('Question'));
const send = el('button', undefined, t('Send'));
send.id = 'send';
const stop = el('button', 'secondary', t('Stop'));
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
  box.setAttribute('aria-label', t('Did you mean'));
  box.append(el('span', 'suggestions-label', t('Did you mean:')));
  for (const q of suggestions) {
    const b = el('button', 'secondary suggestion', q);
    b.type = 'button';
    b.title = t('Ask "{0}"', q);
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
  if (e.stopped) div.append(el('span', 'badge', t('stopped')));
  if (e.cut) {
    const cut = el('span', 'badge cut-mark', t('cut at the length limit'));
    cut.title = t('The reply reached the longest reply length ({0}) before its end; "…" marks the cut.', 'seq2seqChat.decoding.maxReplyLength');
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
    const why = el('button', 'secondary why', t('Why?'));
    why.type = 'button';
    why.title = t('Why this answer: token probabilities, attention, other candidates, closest trained questions');
    why.setAttribute('aria-label', t('Why this answer?'));
    why.addEventListener('click', () => vscode.postMessage({ type: 'why', id: e.id }));
    div.append(why);
  }
  return div;
}

/** Copy on a reply: the extension copies the entry's text (vscode.env.clipboard); the button says so. */
function copyButton(id: number): HTMLButtonElement {
  const b = el('button', 'copy', t('Copy'));
  b.type = 'button';
  b.title = t('Copy this reply');
  b.setAttribute('aria-label', t('Copy this reply'));
  b.addEventListener('click', () => {
    vscode.postMessage({ type: 'copy', id });
    b.textContent = t('Copied');
    setTimeout(() => (b.textContent = t('Copy')), 1500);
  });
  return b;
}

/** The welcome screen's examples: this model's own trained questions, each a button that asks it. */
function renderWelcome(): void {
  welcome.hidden = state.model === null || state.entries.length > 0;
  if (welcome.hidden || !state.model) return;
  welcomeText.textContent = t('Answering: {0} ({1}). Ask anything it was trained on, or train it on your own pairs.', state.model.label, state.model.kind);
  const questions = Array.isArray(state.model.examples) ? state.model.examples.filter((q): q is string => typeof q === 'string') : [];
  examples.replaceChildren(
    ...questions.map((q) => {
      const b = el('button', 'secondary example', q);
      b.type = 'button';
      b.title = t('Ask "{0}"', q);
      b.addEventListener('click', () => ask(q));
      return b;
    }),
  );
}

/** What the live region says when a reply ends. */
function announcement(e: ChatEntry): string {
  if (e.stopped) return t('Reply stopped: {0}', e.text);
  const suggestions = e.unsure ? suggestionsOf(e) : [];
  if (suggestions.length > 0) return t('Reply: {0} Did you mean: {1}?', e.text, suggestions.join('; '));
  return e.cut ? t('Reply, cut at the length limit: {0}', e.text) : t('Reply: {0}', e.text);
}

function textOf(id: number): HTMLElement | undefined {
  return bubbles.get(id)?.querySelector<HTMLElement>('.text') ?? undefined;
}

function renderTraining(s: TrainingStatus | null): void {
  trainingBar.hidden = s === null;
  if (!s) return;
  const parts = [t('Training on {0}…', s.file)];
  if (s.epoch > 0) parts.push(t('epoch {0}/{1}', s.epoch, s.epochs));
  if (Number.isFinite(s.loss)) parts.push(t('loss {0}', s.loss.toFixed(3)));
  if (s.accuracy !== undefined) parts.push(t('val acc {0}%', (s.accuracy * 100).toFixed(0)));
  if (Number.isFinite(s.eta) && s.eta > 0) parts.push(t('ETA ≤ {0}', formatDuration(s.eta)));
  trainingText.textContent = t('{0} (you can keep chatting)', parts.join(' · '));
  trainingMeter.value = s.epochs > 0 ? s.epoch / s.epochs : 0;
}

function renderAll(): void {
  modelLabel.textContent = state.model ? t('Model: {0} ({1})', state.model.label, state.model.kind) : t('No model');
  // The model card on hover (and to screen readers): where the model comes from, pairs, epochs, accuracy.
  modelLabel.title = state.model ? [t('Model: {0}', state.model.label), ...(state.model.card ?? []).slice(1)].join('\n') : t('No model');
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
      const text = textOf(m.id);
      if (text) text.textContent = (text.textContent ?? '') + m.text;
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
      announce.textContent = m.entry.feedback === 'corrected' ? t('Correction saved') : t('Reply confirmed');
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

/**
 * The one message protocol between the chat webview (media/chat.ts, DOM) and the extension
 * (extension/, vscode). Pure types plus a validator, so both sides import the same file and neither
 * imports the other's world.
 *
 * Webview → extension messages cross a trust boundary (a webview is a web page), so the extension
 * validates every one with `validateWebviewMessage` and drops what does not fit, with a log line.
 * Extension → webview messages are produced by our own code and typed at compile time.
 */

/** Longest question the webview may send, in UTF-16 code units. Longer ones are rejected, not cut. */
export const MAX_QUESTION_LENGTH = 2000;

/** One line of the conversation as both sides store it. */
export interface ChatEntry {
  readonly id: number;
  readonly role: 'user' | 'bot' | 'note';
  readonly text: string;
  /** Bot replies: true when the user pressed Stop before the last token. */
  readonly stopped?: boolean;
  /** Bot replies: the model's confidence in [0, 1] (Reply.confidence). */
  readonly confidence?: number;
  /**
   * Bot replies: true when the model was not sure; `text` is then the not-sure message and `suggestions`
   * the closest trained questions, shown as buttons that ask them.
   */
  readonly unsure?: boolean;
  readonly suggestions?: readonly string[];
  /** Bot replies: the reply hit the length limit (its text ends with "…"). */
  readonly cut?: boolean;
  /** Notes: a divider in the conversation where another model started answering. */
  readonly divider?: boolean;
  /** Bot replies: the user confirmed it (👍) or corrected it (👎 and a better answer), recorded in the corrections file. */
  readonly feedback?: 'confirmed' | 'corrected';
}

/** Longest corrected answer the webview may send, in UTF-16 code units (the pairs files' default field limit). */
export const MAX_CORRECTION_LENGTH = 2000;

/** Progress of a running training, as shown in the webview's "training…" bar. */
export interface TrainingStatus {
  readonly file: string;
  readonly epoch: number;
  readonly epochs: number;
  readonly loss: number;
  /** Validation exact-match accuracy of the last finished epoch, 0..1, if any. */
  readonly accuracy?: number;
  /** Seconds left, estimated. */
  readonly eta: number;
}

/** What the webview needs to draw itself from nothing (after a reload, or when it becomes visible). */
export interface ChatViewState {
  readonly entries: readonly ChatEntry[];
  /** null: no model at all (empty state with "Train…" and "Use default model"). */
  readonly model: {
    readonly label: string;
    readonly kind: string;
    /** The model card, one fact a line ("trained on faq.tsv", "24 pairs", "exact-match 100%"…), for a hover. */
    readonly card?: readonly string[];
    /** A few questions this model was trained on, offered as buttons while the conversation is empty. */
    readonly examples?: readonly string[];
  } | null;
  readonly training: TrainingStatus | null;
  /** Id of the bot entry being streamed right now, if any. */
  readonly streaming: number | null;
}

/** Messages the webview sends. */
export type WebviewMessage =
  | { readonly type: 'ready' }
  | { readonly type: 'ask'; readonly text: string }
  | { readonly type: 'stop' }
  | { readonly type: 'train' }
  | { readonly type: 'useDefault' }
  | { readonly type: 'newChat' }
  | { readonly type: 'showLog' }
  | { readonly type: 'newPairsFile' }
  /** Copies the text of the conversation's entry `id` (the extension looks it up: no text crosses). */
  | { readonly type: 'copy'; readonly id: number }
  /** 👍 on bot reply `id`. */
  | { readonly type: 'confirm'; readonly id: number }
  /** 👎 on bot reply `id`, and what it should have said. */
  | { readonly type: 'correct'; readonly id: number; readonly text: string }
  /** "Why?" on a bot reply: explain it (src/insight/explain.ts) in the insight view. */
  | { readonly type: 'why'; readonly id: number }
  /** Open the training dashboard. */
  | { readonly type: 'dashboard' };

/** Messages the extension sends. */
export type ExtensionMessage =
  | { readonly type: 'state'; readonly state: ChatViewState }
  | { readonly type: 'entry'; readonly entry: ChatEntry }
  | { readonly type: 'token'; readonly id: number; readonly text: string }
  | { readonly type: 'replyEnd'; readonly entry: ChatEntry }
  | { readonly type: 'training'; readonly training: TrainingStatus | null }
  /** An entry changed after it ended (feedback recorded): redraw it. */
  | { readonly type: 'update'; readonly entry: ChatEntry };

export type WebviewMessageType = WebviewMessage['type'];

export type ValidationResult =
  | { readonly ok: true; readonly message: WebviewMessage }
  | { readonly ok: false; readonly reason: string };

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** Fields each message type may carry besides `type`; anything else is rejected. */
const FIELDS: { readonly [K in WebviewMessageType]: readonly string[] } = {
  ready: [],
  ask: ['text'],
  stop: [],
  train: [],
  useDefault: [],
  newChat: [],
  showLog: [],
  newPairsFile: [],
  copy: ['id'],
  confirm: ['id'],
  correct: ['id', 'text'],
  why: ['id'],
  dashboard: [],
};

function isMessageType(t: string): t is WebviewMessageType {
  return Object.prototype.hasOwnProperty.call(FIELDS, t);
}

/**
 * Checks a message received from a webview. Rejects non-objects, unknown types, missing or
 * wrong-typed fields, unexpected fields and oversized strings; the reason says expected vs got.
 */
export function validateWebviewMessage(x: unknown): ValidationResult {
  if (!isRecord(x)) return { ok: false, reason: `expected an object, got ${x === null ? 'null' : Array.isArray(x) ? 'an array' : typeof x}` };
  const type = x['type'];
  if (typeof type !== 'string') return { ok: false, reason: `expected a string "type", got ${typeof type}` };
  if (!isMessageType(type)) return { ok: false, reason: `unknown message type "${type.slice(0, 40)}"` };
  const allowed = new Set(['type', ...FIELDS[type]]);
  const extra = Object.keys(x).filter((k) => !allowed.has(k));
  if (extra.length > 0) return { ok: false, reason: `"${type}": unexpected field(s) ${extra.slice(0, 5).join(', ')}` };
  switch (type) {
    case 'ask': {
      const text = x['text'];
      if (typeof text !== 'string') return { ok: false, reason: `"ask": expected a string "text", got ${typeof text}` };
      if (text.length > MAX_QUESTION_LENGTH) {
        return { ok: false, reason: `"ask": expected at most ${MAX_QUESTION_LENGTH} characters, got ${text.length}` };
      }
      return { ok: true, message: { type, text } };
    }
    case 'copy': {
      const id = x['id'];
      if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 0) return { ok: false, reason: `"copy": expected a non-negative integer "id", got ${typeof id === 'number' ? id : typeof id}` };
      return { ok: true, message: { type, id } };
    }
    case 'confirm':
    case 'correct': {
      const id = x['id'];
      if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 0) return { ok: false, reason: `"${type}": expected an entry id (an integer ≥ 0), got ${typeof id === 'number' ? id : typeof id}` };
      if (type === 'confirm') return { ok: true, message: { type, id } };
      const text = x['text'];
      if (typeof text !== 'string') return { ok: false, reason: `"correct": expected a string "text", got ${typeof text}` };
      if (text.trim() === '') return { ok: false, reason: '"correct": expected a non-blank answer, got only white space' };
      if (text.length > MAX_CORRECTION_LENGTH) return { ok: false, reason: `"correct": expected at most ${MAX_CORRECTION_LENGTH} characters, got ${text.length}` };
      return { ok: true, message: { type, id, text } };
    }
    case 'why': {
      const id = x['id'];
      if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 0) return { ok: false, reason: `"why": expected an entry id (an integer ≥ 0), got ${JSON.stringify(id)?.slice(0, 40)}` };
      return { ok: true, message: { type, id } };
    }
    case 'ready':
    case 'dashboard':
    case 'stop':
    case 'train':
    case 'useDefault':
    case 'newChat':
    case 'showLog':
    case 'newPairsFile':
      return { ok: true, message: { type } };
    default: {
      const never: never = type;
      return { ok: false, reason: `unhandled message type ${String(never)}` };
    }
  }
}

/**
 * The reply worker (`workerData.role === 'replies'`): a long-lived worker that holds the answering model
 * when it is too large to answer on the extension host's thread (the policy and the host side are in
 * replyClient.ts). Each model arrives once, as its file's bytes; it is decoded here and warmed up (its
 * answer trie, question index and typo table are built on the first reply: 0.7–1.5 s for a 30,000-token,
 * 20,000-question model), so the user's first question does not wait for them. Questions are answered in
 * the order they come, by the model of the generation they name; "Why?" (a reply explained) too.
 */
import { deserializeModel } from '../chat/serialize';
import type { ChatModel } from '../chat/model';
import { DEFAULT_DECODE_OPTIONS } from '../chat/defaults';
import { explainReply } from '../insight/explain';
import type { ReplyRequest, ReplyWorkerMessage } from './messages';

/** Asked once per model before any user question: a known word and an unknown one, so every lazy table is built. */
const WARM_UP_QUESTION = 'hello zqxjvw';

function errorMessage(e: unknown, generation: number, id?: number): ReplyWorkerMessage {
  const err = e instanceof Error ? e : new Error(String(e));
  return { type: 'error', ...(id !== undefined ? { id } : {}), generation, name: err.name, message: err.message };
}

/** Worker entry for role 'replies': answers `ReplyRequest`s arriving through `onMessage` until terminated. */
export function runReplyWorker(onMessage: (listener: (message: unknown) => void) => void, post: (m: ReplyWorkerMessage) => void): void {
  let held: { readonly generation: number; readonly model: ChatModel } | null = null;
  onMessage((message) => {
    const m = message as ReplyRequest;
    switch (m.type) {
      case 'model':
        held = null; // the previous model is garbage before the next one is built
        try {
          const model = deserializeModel(m.bytes, m.name);
          model.reply(WARM_UP_QUESTION, DEFAULT_DECODE_OPTIONS);
          held = { generation: m.generation, model };
          post({ type: 'loaded', generation: m.generation });
        } catch (e) {
          post(errorMessage(e, m.generation));
        }
        return;
      case 'reply':
      case 'explain': {
        const model = held?.generation === m.generation ? held.model : undefined;
        if (model === undefined) {
          // The host sends a question after the model it names (replyClient.ts), so this is a fault, not a race.
          post({ type: 'error', id: m.id, generation: m.generation, name: 'ReplyWorkerError', message: `reply worker: expected to hold model ${m.generation}, held ${held ? held.generation : 'none'}` });
          return;
        }
        const { id, generation } = m;
        try {
          post(m.type === 'reply' ? { type: 'reply', id, generation, reply: model.reply(m.question, m.decode) } : { type: 'explanation', id, generation, explanation: explainReply(model, m.question, m.decode) });
        } catch (e) {
          post(errorMessage(e, generation, id));
        }
        return;
      }
      default: {
        const never: never = m;
        post({ type: 'error', generation: -1, name: 'ReplyWorkerError', message: `reply worker: unknown message ${JSON.stringify(never)}` });
      }
    }
  });
}

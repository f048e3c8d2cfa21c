/**
 * The part of NLP.js (node-nlp 4.x, github.com/axa-group/nlp.js) that bench/quality.ts uses; the package ships
 * no types. `process` returns more fields (classifications, entities, sentiment); only these are read.
 */
declare module 'node-nlp' {
  export interface NlpManagerSettings {
    readonly languages: string[];
    /** false: no named-entity extraction on every utterance (we have no entities). */
    readonly forceNER?: boolean;
    /** Default true: `train()` writes the model to ./model.nlp. */
    readonly autoSave?: boolean;
    /** `log: false` silences the per-epoch training log. */
    readonly nlu?: { readonly log?: boolean };
  }

  export interface NlpResult {
    readonly locale: string;
    readonly utterance: string;
    /** The best intent, or 'None' when no intent scored above the classifier's threshold. */
    readonly intent: string;
    /** The classifier's score of `intent`, in [0, 1] (1 for 'None' when nothing matched). */
    readonly score: number;
    /** One of the intent's answers for `locale`; undefined when the intent is 'None' or has no answer in that locale. */
    readonly answer?: string;
  }

  /** What NLP.js logs through (console by default); `warn` says when an utterance holds only stop words. */
  export interface NlpLogger {
    debug(...args: unknown[]): void;
    info(...args: unknown[]): void;
    warn(...args: unknown[]): void;
    error(...args: unknown[]): void;
    log(...args: unknown[]): void;
    trace(...args: unknown[]): void;
    fatal(...args: unknown[]): void;
  }

  export class NlpManager {
    constructor(settings: NlpManagerSettings);
    /** The dependency container; `register('logger', …)` replaces the logger every part of the manager uses. */
    readonly container: { register(name: 'logger', instance: NlpLogger, isSingleton?: boolean): void };
    addDocument(locale: string, utterance: string, intent: string): void;
    addAnswer(locale: string, intent: string, answer: string): void;
    train(): Promise<void>;
    process(locale: string, utterance: string): Promise<NlpResult>;
  }
}

/**
 * Child process for test/unit/chat/memory.test.ts: trains one epoch on synthetic pairs of a given shape
 * and prints the estimate (src/chat/memory.ts) next to the measured growth of the peak resident memory.
 * Usage: node memory-probe.js '{"kind":"peeky","vocab":3000,"answer":300,"batch":16,"hidden":64,"wordvec":32}'
 */
import { estimateTrainingMemory, trainChatModel, type ModelKind } from '../../../src/chat';
import { activeWasmBuild } from '../../../src/layers/wasm-layers';

interface ProbeShape { kind: ModelKind; vocab: number; answer: number; batch: number; hidden: number; wordvec: number }

async function main(): Promise<void> {
  const s = JSON.parse(process.argv[2] ?? '{}') as ProbeShape;
  // `batch` answers of `answer` characters that use vocab − 4 distinct CJK characters between them.
  const distinct = s.vocab - 4;
  const pairs = Array.from({ length: s.batch }, (_, i) => {
    const chars = Array.from({ length: s.answer }, (_, j) => String.fromCodePoint(0x4e00 + ((i * s.answer + j) % distinct)));
    return { question: `q${i}`, answer: chars.join(''), line: i + 1 };
  });
  const options = { model: s.kind, hidden: s.hidden, wordvec: s.wordvec, batchSize: s.batch, epochs: 1, validation: 0, patience: 0, maxTrainingMemory: 64 * 1024 ** 3 };
  const estimate = estimateTrainingMemory({
    kind: s.kind, vocabSize: s.vocab, sourceVocabSize: s.batch + 4, wordvec: s.wordvec, hidden: s.hidden, batch: s.batch,
    answerLength: s.answer, questionLength: 1, optimizer: 'adam', threads: 1, float32: activeWasmBuild() !== null,
  });
  const before = process.memoryUsage().rss;
  await trainChatModel(pairs, options);
  const peak = process.resourceUsage().maxRSS * 1024;
  console.log(JSON.stringify({ estimate: estimate.bytes, growth: peak - before }));
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.stack : String(e));
  process.exit(1);
});

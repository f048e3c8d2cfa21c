/** JSON (an array of objects) and JSON Lines (one object per line). */
import { pickFields } from './fields';
import { forEachLine, type PairSink } from './sink';

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : typeof value;
}

function textOf(value: unknown, key: string, line: number, sink: PairSink): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return sink.fail(line, `expected field "${key}" to be a string, got ${describe(value)}`);
}

function addObject(value: unknown, line: number, sink: PairSink): void {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) sink.fail(line, `expected an object, got ${describe(value)}`);
  const record = value as Record<string, unknown>;
  const pick = pickFields(Object.keys(record));
  if (!pick.ok) sink.fail(line, pick.reason);
  sink.add(textOf(record[pick.question], pick.question, line, sink), textOf(record[pick.answer], pick.answer, line, sink), line);
}

/** 1-based line of a UTF-16 offset. */
function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** The line a JSON.parse error points at ("… at position 12 …" or "… (line 3 column 5)"), or 0 if it says none. */
function errorLine(message: string, text: string): number {
  const l = /\(line (\d+) column \d+\)/.exec(message);
  if (l) return Number(l[1]);
  const p = /at position (\d+)/.exec(message);
  if (p) return lineAt(text, Number(p[1]));
  if (/end of (JSON )?input/i.test(message)) return lineAt(text, text.length);
  return 0;
}

function parseOrFail(text: string, line: number, sink: PairSink, offsetLine: number): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    const at = errorLine(message, text);
    sink.fail(at > 0 ? offsetLine + at - 1 : line, `invalid JSON: ${message}`);
  }
}

/**
 * The line each element of the top-level array starts on, by one linear scan that tracks strings and depth
 * (no recursion). It runs before JSON.parse, so that a file of more than maxPairs elements fails at the
 * first one over the limit without building any of them.
 */
function elementLines(text: string, sink: PairSink): number[] {
  const lines: number[] = [];
  if (text.trimStart()[0] !== '[') return lines; // not an array: JSON.parse and the caller say so
  let line = 1;
  let depth = 0;
  let inString = false;
  let expectValue = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\n') line++;
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') continue;
    if (depth === 1 && expectValue && c !== ']') {
      if (lines.length >= sink.limits.maxPairs) sink.failTooMany(line);
      lines.push(line);
      expectValue = false;
    }
    if (c === '"') inString = true;
    else if (c === '[' || c === '{') {
      depth++;
      if (depth === 1) expectValue = true;
    } else if (c === ']' || c === '}') depth--;
    else if (c === ',' && depth === 1) expectValue = true;
  }
  return lines;
}

export function parseJson(text: string, sink: PairSink): void {
  const lines = elementLines(text, sink);
  const value = parseOrFail(text, 1, sink, 1);
  if (!Array.isArray(value)) sink.fail(1, `expected a JSON array of objects, got ${describe(value)}`);
  value.forEach((item: unknown, i: number) => addObject(item, lines[i] ?? 1, sink));
}

export function parseJsonl(text: string, sink: PairSink): void {
  forEachLine(text, (raw, n) => {
    if (raw.trim() === '') return;
    addObject(parseOrFail(raw, n, sink, n), n, sink);
  });
}

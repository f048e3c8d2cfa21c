/**
 * Command-line parsing for `seq2seq-chat`: a small table of flags per command, strict values, and a
 * UsageError (exit code 2) that says which flag expected what and what it got.
 */

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export type FlagType = 'int' | 'number' | 'string' | 'boolean';

export interface FlagSpec {
  readonly type: FlagType;
  /** For int/number: smallest value allowed (inclusive). */
  readonly min?: number;
  /** For int/number: the value must be above this one (a learning rate above 0). */
  readonly minExclusive?: number;
  /** For int/number: largest value allowed (inclusive). */
  readonly max?: number;
  /** For string: the allowed values. */
  readonly choices?: readonly string[];
  /** For boolean: also accept `--no-<name>`. */
  readonly negatable?: boolean;
}

export interface ParsedArgs {
  readonly positionals: string[];
  readonly flags: Map<string, string | number | boolean>;
}

function parseValue(name: string, spec: FlagSpec, raw: string | undefined): string | number {
  if (raw === undefined) throw new UsageError(`--${name} expects a value`);
  if (spec.type === 'string') {
    if (spec.choices && !spec.choices.includes(raw)) throw new UsageError(`--${name}: expected one of ${spec.choices.join(', ')}, got ${JSON.stringify(raw)}`);
    return raw;
  }
  const v = Number(raw);
  const isInt = spec.type === 'int';
  if (raw.trim() === '' || !Number.isFinite(v) || (isInt && !Number.isInteger(v))) {
    throw new UsageError(`--${name}: expected ${isInt ? 'an integer' : 'a number'}, got ${JSON.stringify(raw)}`);
  }
  if (isInt && spec.min !== undefined && spec.max !== undefined && !(v >= spec.min && v <= spec.max)) {
    throw new UsageError(`--${name}: expected an integer from ${spec.min} to ${spec.max}, got ${raw}`);
  }
  if (spec.min !== undefined && v < spec.min) throw new UsageError(`--${name}: expected at least ${spec.min}, got ${raw}`);
  if (spec.minExclusive !== undefined && !(v > spec.minExclusive)) throw new UsageError(`--${name}: expected a number above ${spec.minExclusive}, got ${raw}`);
  if (spec.max !== undefined && v > spec.max) throw new UsageError(`--${name}: expected at most ${spec.max}, got ${raw}`);
  return v;
}

/** Parses `args` (without node and the script) against `specs`; `--name value` and `--name=value` both work. */
export function parseArgs(args: readonly string[], specs: Readonly<Record<string, FlagSpec>>): ParsedArgs {
  const positionals: string[] = [];
  const flags = new Map<string, string | number | boolean>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--') {
      for (let k = i + 1; k < args.length; k++) positionals.push(args[k]);
      break;
    }
    if (!arg.startsWith('--') || arg === '-') {
      if (arg.startsWith('-') && arg.length > 1 && !/^-\d/.test(arg)) throw new UsageError(`unknown option ${arg}`);
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
    const inline = eq < 0 ? undefined : arg.slice(eq + 1);
    const spec = specs[name];
    if (spec === undefined) {
      const positive = name.startsWith('no-') ? specs[name.slice(3)] : undefined;
      if (positive?.type === 'boolean' && positive.negatable && inline === undefined) {
        flags.set(name.slice(3), false);
        continue;
      }
      throw new UsageError(`unknown option --${name}`);
    }
    if (spec.type === 'boolean') {
      if (inline !== undefined) throw new UsageError(`--${name} takes no value, got ${JSON.stringify(inline)}`);
      flags.set(name, true);
      continue;
    }
    const raw = inline ?? args[++i];
    flags.set(name, parseValue(name, spec, raw));
  }
  return { positionals, flags };
}

/** A number flag's value, if given. */
export function num(args: ParsedArgs, name: string): number | undefined {
  const v = args.flags.get(name);
  return typeof v === 'number' ? v : undefined;
}

/** A string flag's value, if given. */
export function str(args: ParsedArgs, name: string): string | undefined {
  const v = args.flags.get(name);
  return typeof v === 'string' ? v : undefined;
}

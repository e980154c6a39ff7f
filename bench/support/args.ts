// Command-line flags of the benchmarks: `--name value` pairs, validated once, with the defaults written beside the
// flag so that `--help` and the README can list them.

export interface FlagSpec {
  /** The default; its type decides how the value is parsed. */
  fallback: number | string | boolean | number[];
  help: string;
}

export type FlagValues<S extends Record<string, FlagSpec>> = {
  [K in keyof S]: S[K]['fallback'] extends number
    ? number
    : S[K]['fallback'] extends boolean
      ? boolean
      : S[K]['fallback'] extends number[]
        ? number[]
        : string;
};

class FlagError extends Error {
  override name = 'FlagError';
}

function parseNumber(flag: string, raw: string): number {
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value) || value < 0)
    throw new FlagError(`--${flag} must be a non-negative number (got "${raw}")`);
  return value;
}

/** Parses argv against the specs; `--help` prints them and exits 0, a bad flag prints one line and exits 2. */
export function parseFlags<S extends Record<string, FlagSpec>>(
  usage: string,
  specs: S,
  argv = process.argv.slice(2),
): FlagValues<S> {
  const values: Record<string, unknown> = Object.fromEntries(Object.entries(specs).map(([k, s]) => [k, s.fallback]));
  try {
    for (let i = 0; i < argv.length; i++) {
      const arg = argv[i] as string;
      if (arg === '--help' || arg === '-h') {
        console.log(
          `${usage}\n\n${Object.entries(specs)
            .map(([k, s]) => `  --${k} (default ${String(s.fallback)}): ${s.help}`)
            .join('\n')}`,
        );
        process.exit(0);
      }
      const name = arg.replace(/^--/, '');
      const spec = arg.startsWith('--') ? specs[name] : undefined;
      if (!spec) throw new FlagError(`unknown flag ${arg} (see --help)`);
      if (typeof spec.fallback === 'boolean') {
        const next = argv[i + 1];
        if (next === 'true' || next === 'false') {
          values[name] = next === 'true';
          i++;
        } else {
          values[name] = true;
        }
        continue;
      }
      const raw = argv[++i];
      if (raw === undefined) throw new FlagError(`--${name} needs a value`);
      if (typeof spec.fallback === 'number') values[name] = parseNumber(name, raw);
      else if (Array.isArray(spec.fallback)) values[name] = raw.split(',').map((part) => parseNumber(name, part));
      else values[name] = raw;
    }
  } catch (error) {
    if (!(error instanceof FlagError)) throw error;
    console.error(`${usage.split('\n')[0]}: ${error.message}`);
    process.exit(2);
  }
  return values as FlagValues<S>;
}

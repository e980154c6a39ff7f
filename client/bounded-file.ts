// Reads a YAML or JSON file the CLI was given (a --spec file or a bulk file) within fixed limits, every one checked
// before a document is built: a regular file under a size limit, UTF-8 text, then one linear pass of the yaml
// package's own lexer and CST parser that stops at the first limit exceeded (tokens, nesting, keys per map, scalar
// length; anchors and aliases refused). Only bounded input reaches the composer, whose duplicate-key check
// (`uniqueKeys`, kept on) is quadratic in a map's keys. Unbounded, yaml 2.9.1 spends ~4 GB of heap on 5 MB of `[`
// and 8 s on 40,000 keys.

import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from 'node:fs';
import { CST, Composer, type Document, LineCounter, Lexer, Parser, YAMLParseError } from 'yaml';
import { bulkLimits } from '../common/bulk.js';
import { CliError, ExitCode } from './exit-codes.js';

const KiB = 1024;
const MiB = 1024 * KiB;

/** Every bound on what the CLI reads. README.md ("Input limits") repeats this table; a unit test holds them equal. */
export const inputLimits = {
  /** A spec holds one provisioning input: its 11 fields at their longest take under 2 KiB. */
  specBytes: 64 * KiB,
  /** A bulk file holds at most 1,000 items (bulkLimits.items): ~120 bytes each typically, ~1.5 KiB at every field's maximum. */
  bulkBytes: 2 * MiB,
  /** Provisioning files nest 3 levels (map → items → item); deep nesting is what exhausts the parser's memory. */
  depth: 16,
  /** YAML tokens (keys, values, indicators, line breaks, comments) of a spec: its 11 fields with comments are ~100. */
  specTokens: 4 * KiB,
  /** Of a bulk file: an item of 11 fields with a comment on every line is ~115; parsing takes ~1 µs a token. */
  bulkTokens: 150 * bulkLimits.items,
  /** Per map: 11 provisioning fields, with room to name unknown ones; the duplicate-key check is quadratic in it. */
  mapKeys: 64,
  /** Per scalar: Graph's longest field is a 256-character displayName (UPN 113); room to report the real length. */
  scalarChars: 4 * KiB,
  /** Per command-line argument or flag value: names are at most 256 characters and paths at most 4,096 bytes. */
  argumentChars: 4 * KiB,
} as const;

export type InputFileKind = 'spec' | 'bulk';

/** Who reads each kind of file (named in every refusal) and the limits that differ between them. */
const fileKinds: Record<InputFileKind, { who: string; bytes: number; tokens: number }> = {
  spec: { who: '--spec', bytes: inputLimits.specBytes, tokens: inputLimits.specTokens },
  bulk: { who: 'bulk', bytes: inputLimits.bulkBytes, tokens: inputLimits.bulkTokens },
};

export interface BoundedYaml {
  /** The file's text: valid UTF-8, within every limit. */
  text: string;
  /** The parsed document; its `errors` are the caller's to report. */
  doc: Document.Parsed;
  lines: LineCounter;
}

/**
 * Options for every conversion of a bounded document to plain values. Anchors and aliases are refused before
 * parsing; `maxAliasCount: 0` makes the yaml package refuse them again should one ever get through.
 */
export const toJsOptions = { maxAliasCount: 0 } as const;

/** A size for messages, rounded up so that a size over a limit never reads as the limit: "64 KiB", "5.1 MiB". */
export function formatBytes(bytes: number): string {
  const [unit, size]: [string, number] = bytes < KiB ? ['bytes', 1] : bytes < MiB ? ['KiB', KiB] : ['MiB', MiB];
  const value = bytes / size;
  return `${Number.isInteger(value) ? value : (Math.ceil(value * 10) / 10).toFixed(1)} ${unit}`;
}

const count = (n: number) => n.toLocaleString('en-US');

function refuse(message: string): CliError {
  return new CliError(message, ExitCode.BadInput);
}

function fileType(stats: Stats): string {
  if (stats.isDirectory()) return 'a directory';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isFIFO()) return 'a named pipe';
  if (stats.isSocket()) return 'a socket';
  return 'not a regular file';
}

/**
 * The file's bytes, at most `limit`. It is opened without blocking (a named pipe with no writer would wait forever)
 * and checked with fstat on the open descriptor, so the file checked is the file read: devices such as /dev/zero,
 * pipes and directories are refused unread, and a file that grows past the limit while read is refused too.
 */
function readBoundedBytes(path: string, who: string, limit: number): Buffer {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOCTTY ?? 0));
  } catch {
    throw refuse(`${who}: cannot read ${path}`);
  }
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile())
      throw refuse(`${who}: ${path} is ${fileType(stats)}; only a regular YAML or JSON file is read`);
    if (stats.size > limit)
      throw refuse(`${who}: ${path} is ${formatBytes(stats.size)}; the limit is ${formatBytes(limit)}`);
    const buffer = Buffer.allocUnsafe(limit + 1);
    let length = 0;
    while (length < buffer.length) {
      const read = readSync(fd, buffer, length, buffer.length - length, null);
      if (read === 0) break;
      length += read;
    }
    if (length > limit)
      throw refuse(`${who}: ${path} grew over ${formatBytes(limit)} while read; the limit is ${formatBytes(limit)}`);
    return buffer.subarray(0, length);
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw refuse(`${who}: cannot read ${path}`);
  } finally {
    closeSync(fd);
  }
}

/**
 * The bytes as text. YAML and JSON are UTF-8 text without control characters other than tab and line breaks:
 * anything else (a NUL byte, invalid UTF-8) is a binary file, refused before the lexer sees it.
 */
function decodeText(bytes: Buffer, path: string, who: string): string {
  for (let i = 0; i < bytes.length; i += 1) {
    const byte = bytes[i]!;
    if ((byte < 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0d) || byte === 0x7f) {
      const code = `U+${byte.toString(16).toUpperCase().padStart(4, '0')}`;
      throw refuse(`${who}: ${path} is binary (control character ${code} at byte ${i}); only UTF-8 text is read`);
    }
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw refuse(`${who}: ${path} is binary (not valid UTF-8); only UTF-8 text is read`);
  }
}

/** The number of keys of a map being parsed, or 0 for a list or a scalar. */
function mapKeys(token: CST.Token): number {
  if (token.type === 'block-map') return token.items.length;
  if (token.type === 'flow-collection' && token.start.source === '{') return token.items.length;
  return 0;
}

function isCollection(token: CST.Token): boolean {
  return token.type === 'block-map' || token.type === 'block-seq' || token.type === 'flow-collection';
}

/**
 * One pass of the yaml package's own lexer and CST parser (so quoting and indentation are read exactly as the
 * composer will read them), refusing at the first limit exceeded. Linear: each token is looked at once, and the
 * parser's stack, at most `depth` collections deep here, once per token. Returns the CST for the composer.
 */
function scanYaml(text: string, path: string, who: string, maxTokens: number, lines: LineCounter): CST.Token[] {
  const at = (offset: number) => `${who}: ${path}:${lines.linePos(offset).line}:`;
  const parser = new Parser(lines.addNewLine);
  lines.addNewLine(0);
  const cst: CST.Token[] = [];
  let tokens = 0;
  let scalarNext = false;
  for (const lexeme of new Lexer().lex(text)) {
    const offset = parser.offset;
    if (++tokens > maxTokens)
      throw refuse(`${at(offset)} more than ${count(maxTokens)} YAML tokens; the limit is ${count(maxTokens)}`);
    // The lexer announces a plain or block scalar with a marker; the scalar's text is the next lexeme.
    const type = scalarNext ? 'scalar' : CST.tokenType(lexeme);
    scalarNext = lexeme === CST.SCALAR;
    const scalar =
      !scalarNext && (type === 'scalar' || type === 'single-quoted-scalar' || type === 'double-quoted-scalar');
    if (scalar && lexeme.length > inputLimits.scalarChars) {
      throw refuse(
        `${at(offset)} a value is ${count(lexeme.length)} characters long; the limit is ${count(inputLimits.scalarChars)} characters`,
      );
    }
    if (type === 'anchor' || type === 'alias') {
      throw refuse(
        `${at(offset)} YAML anchors and aliases (${lexeme.slice(0, 40)}) are not allowed in provisioning files`,
      );
    }
    for (const token of parser.next(lexeme)) cst.push(token);
    let depth = 0;
    for (const token of parser.stack) {
      if (isCollection(token) && ++depth > inputLimits.depth) {
        throw refuse(
          `${at(offset)} nested more than ${inputLimits.depth} levels deep; the limit is ${inputLimits.depth}`,
        );
      }
      if (mapKeys(token) > inputLimits.mapKeys) {
        throw refuse(
          `${at(offset)} a map of more than ${inputLimits.mapKeys} keys; the limit is ${inputLimits.mapKeys}`,
        );
      }
    }
  }
  for (const token of parser.end()) cst.push(token);
  return cst;
}

/**
 * The document, composed as `parseDocument` composes it (with `uniqueKeys`, and more than one document an error),
 * from the CST the scan built. A bounded file can still hold a syntax error per token: each is an Error whose stack
 * trace costs more than parsing the token (75,000 errors: 450 ms with traces, 30 ms without), so traces are off.
 */
function compose(text: string, cst: CST.Token[]): Document.Parsed {
  const stackTraceLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    let doc: Document.Parsed | undefined;
    for (const next of new Composer({ uniqueKeys: true }).compose(cst, true, text.length)) {
      if (doc) {
        doc.errors.push(
          new YAMLParseError(
            [next.range[0], next.range[1]],
            'MULTIPLE_DOCS',
            'the file holds more than one YAML document',
          ),
        );
        break;
      }
      doc = next;
    }
    // compose(…, forceDoc = true) yields a document even for an empty file.
    return doc!;
  } finally {
    Error.stackTraceLimit = stackTraceLimit;
  }
}

/**
 * Reads and parses a spec or bulk file within `inputLimits`, or throws a CliError (exit 2) naming the command, the
 * file and the limit. Syntax errors are left in `doc.errors` (positions in `lines`) for the caller to place.
 */
export function readBoundedYaml(path: string, kind: InputFileKind): BoundedYaml {
  const { who, bytes, tokens } = fileKinds[kind];
  const text = decodeText(readBoundedBytes(path, who, bytes), path, who);
  const lines = new LineCounter();
  const doc = compose(text, scanYaml(text, path, who, tokens, lines));
  return { text, doc, lines };
}

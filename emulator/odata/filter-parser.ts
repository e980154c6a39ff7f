// Parses the subset of OData $filter the saga and its tests use: comparisons (eq ne gt ge lt le) of a property path
// with a literal, startswith/endswith/contains (optionally over tolower(path)), and/or/not and parentheses.
// Errors carry Graph's "Syntax error at position N in '…'" wording.

export type Literal = string | number | boolean | null;
type CompareOp = 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le';
type StringFunction = 'startswith' | 'endswith' | 'contains';

interface PropertyRef {
  path: string;
  lower: boolean;
}

export type FilterNode =
  | { kind: 'and' | 'or'; left: FilterNode; right: FilterNode }
  | { kind: 'not'; operand: FilterNode }
  | { kind: 'compare'; op: CompareOp; property: PropertyRef; value: Literal }
  | { kind: 'function'; name: StringFunction; property: PropertyRef; value: string };

export class FilterSyntaxError extends Error {
  override readonly name = 'FilterSyntaxError';
}

type Token =
  | { type: 'word'; text: string; pos: number }
  | { type: 'string'; text: string; pos: number }
  | { type: 'punct'; text: '(' | ')' | ','; pos: number };

const guidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const compareOps = new Set(['eq', 'ne', 'gt', 'ge', 'lt', 'le']);
const functions = new Set(['startswith', 'endswith', 'contains']);

function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const ch = input[i]!;
    if (/\s/.test(ch)) {
      i++;
    } else if (ch === '(' || ch === ')' || ch === ',') {
      tokens.push({ type: 'punct', text: ch, pos: i });
      i++;
    } else if (ch === "'") {
      const start = i;
      let text = '';
      i++;
      for (;;) {
        if (i >= input.length)
          throw new FilterSyntaxError(`Syntax error: unterminated string literal at position ${start} in '${input}'.`);
        if (input[i] === "'") {
          if (input[i + 1] === "'") {
            text += "'";
            i += 2;
            continue;
          }
          i++;
          break;
        }
        text += input[i];
        i++;
      }
      tokens.push({ type: 'string', text, pos: start });
    } else {
      const match = /^[A-Za-z0-9_./@:+-]+/.exec(input.slice(i));
      if (!match)
        throw new FilterSyntaxError(`Syntax error: character '${ch}' is not valid at position ${i} in '${input}'.`);
      tokens.push({ type: 'word', text: match[0], pos: i });
      i += match[0].length;
    }
  }
  return tokens;
}

export function parseFilter(input: string): FilterNode {
  const tokens = tokenize(input);
  let index = 0;
  const peek = () => tokens[index];
  const error = (token: Token | undefined): FilterSyntaxError =>
    new FilterSyntaxError(`Syntax error at position ${token ? token.pos : input.length} in '${input}'.`);
  const keyword = (text: string): boolean => {
    const token = peek();
    if (token?.type === 'word' && token.text.toLowerCase() === text) {
      index++;
      return true;
    }
    return false;
  };
  const expectPunct = (text: '(' | ')' | ','): void => {
    const token = peek();
    if (token?.type !== 'punct' || token.text !== text) throw error(token);
    index++;
  };

  const parseOr = (): FilterNode => {
    let node = parseAnd();
    while (keyword('or')) node = { kind: 'or', left: node, right: parseAnd() };
    return node;
  };
  const parseAnd = (): FilterNode => {
    let node = parseUnary();
    while (keyword('and')) node = { kind: 'and', left: node, right: parseUnary() };
    return node;
  };
  const parseUnary = (): FilterNode => {
    if (keyword('not')) return { kind: 'not', operand: parseUnary() };
    const token = peek();
    if (token?.type === 'punct' && token.text === '(') {
      index++;
      const inner = parseOr();
      expectPunct(')');
      return inner;
    }
    if (token?.type === 'word' && functions.has(token.text.toLowerCase()) && tokens[index + 1]?.text === '(') {
      index += 2;
      const property = parseProperty();
      expectPunct(',');
      const value = parseLiteral();
      expectPunct(')');
      if (typeof value !== 'string') throw error(tokens[index - 2]);
      return { kind: 'function', name: token.text.toLowerCase() as StringFunction, property, value };
    }
    const property = parseProperty();
    const op = peek();
    if (op?.type !== 'word' || !compareOps.has(op.text.toLowerCase())) throw error(op);
    index++;
    return { kind: 'compare', op: op.text.toLowerCase() as CompareOp, property, value: parseLiteral() };
  };
  const parseProperty = (): PropertyRef => {
    const token = peek();
    if (token?.type === 'word' && token.text.toLowerCase() === 'tolower' && tokens[index + 1]?.text === '(') {
      index += 2;
      const inner = parseProperty();
      expectPunct(')');
      return { path: inner.path, lower: true };
    }
    if (token?.type !== 'word' || !/^[A-Za-z_][A-Za-z0-9_]*(\/[A-Za-z_][A-Za-z0-9_]*)*$/.test(token.text))
      throw error(token);
    index++;
    return { path: token.text, lower: false };
  };
  const parseLiteral = (): Literal => {
    const token = peek();
    if (!token || token.type === 'punct') throw error(token);
    index++;
    if (token.type === 'string') return token.text;
    const text = token.text;
    if (text === 'true' || text === 'false') return text === 'true';
    if (text === 'null') return null;
    if (guidPattern.test(text)) return text;
    if (/^-?\d+(\.\d+)?$/.test(text)) return Number(text);
    throw error(token);
  };

  if (tokens.length === 0) throw new FilterSyntaxError(`Syntax error: the filter expression is empty.`);
  const node = parseOr();
  if (index < tokens.length) throw error(peek());
  return node;
}

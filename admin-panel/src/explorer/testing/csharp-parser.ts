/**
 * A C# parser for tests: tree-sitter's C# grammar (the `.wasm` the `tree-sitter-c-sharp` package
 * ships) through `web-tree-sitter`. There is no .NET on the machines this project is built on,
 * so generated C# is checked by parsing it, not by compiling it.
 */
import { createRequire } from 'node:module';
import { Language, Parser, type Node } from 'web-tree-sitter';

let parser: Promise<Parser> | undefined;

/** The shared parser, loaded once. */
export function cSharpParser(): Promise<Parser> {
  parser ??= (async () => {
    await Parser.init();
    const grammar = createRequire(import.meta.url).resolve('tree-sitter-c-sharp/tree-sitter-c_sharp.wasm');
    const created = new Parser();
    created.setLanguage(await Language.load(grammar));
    return created;
  })();
  return parser;
}

/** A parsed C# text: whether it has an error or missing node, and its nodes. */
export interface ParsedCSharp {
  readonly hasError: boolean;
  /** Each node's type, depth-first, without the insides of string literals (their pieces vary with the text). */
  readonly shape: readonly string[];
  /** The values of the regular and raw string literals, decoded. */
  readonly strings: readonly string[];
  /** The first error or missing node, for a failure message. */
  readonly firstError?: string;
}

const STRING_TYPES = new Set(['string_literal', 'raw_string_literal', 'verbatim_string_literal']);

/** Parses C# source and reads its shape and string values. */
export async function parseCSharp(source: string): Promise<ParsedCSharp> {
  const tree = (await cSharpParser()).parse(source);
  if (!tree) throw new Error('tree-sitter returned no tree');
  const shape: string[] = [];
  const strings: string[] = [];
  let firstError: string | undefined;
  const visit = (node: Node) => {
    shape.push(node.type);
    if ((node.isError || node.isMissing) && firstError === undefined) firstError = `${node.type} at ${node.startPosition.row + 1}:${node.startPosition.column + 1}: ${node.text.slice(0, 60)}`;
    if (STRING_TYPES.has(node.type)) {
      strings.push(decodeStringLiteral(node.type, node.text));
      return;
    }
    for (const child of node.children) if (child) visit(child);
  };
  visit(tree.rootNode);
  const hasError = tree.rootNode.hasError;
  tree.delete();
  return { hasError, shape, strings, ...(firstError === undefined ? {} : { firstError }) };
}

const ESCAPES: Record<string, string> = { '"': '"', "'": "'", '\\': '\\', '0': '\0', a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };

/** A literal's value, as the C# compiler would read it. */
function decodeStringLiteral(type: string, text: string): string {
  if (type === 'raw_string_literal') {
    const quotes = /^"+/.exec(text)![0].length;
    const lines = text.slice(quotes, -quotes).split('\n');
    if (lines.length === 1) return lines[0]!;
    // Multi-line: the first and last lines are the delimiters'; the closing line's whitespace is taken off every line.
    const indent = lines.at(-1)!;
    return lines.slice(1, -1).map((line) => (line.startsWith(indent) ? line.slice(indent.length) : line)).join('\n');
  }
  if (type === 'verbatim_string_literal') return text.slice(2, -1).replace(/""/g, '"');
  return text.slice(1, -1).replace(/\\(u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|x[0-9a-fA-F]{1,4}|.)/g, (_, escape: string) => {
    if (/^[uUx]/.test(escape)) return String.fromCodePoint(parseInt(escape.slice(1), 16));
    const decoded = ESCAPES[escape];
    if (decoded === undefined) throw new Error(`unknown C# escape \\${escape}`);
    return decoded;
  });
}

/**
 * Checks of generated code for tests, none of which runs it: JavaScript parsed by TypeScript's
 * parser, and a curl script run by bash with `curl` replaced by a function that records its
 * arguments (so what the real curl would receive is seen exactly, and nothing is sent).
 */
import { spawnSync } from 'node:child_process';
import ts from 'typescript';

/** A parsed JavaScript module: its syntax errors, its shape and its string values. */
export interface ParsedJavaScript {
  readonly errors: readonly string[];
  /** Each node's kind, depth-first. */
  readonly shape: readonly string[];
  /** The values of its string literals (and templates without substitutions). */
  readonly strings: readonly string[];
}

/** Parses JavaScript as an ES module (top-level await allowed). */
export function parseJavaScript(code: string): ParsedJavaScript {
  const diagnostics =
    ts.transpileModule(code, {
      fileName: 'generated.mjs',
      reportDiagnostics: true,
      compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, allowJs: true },
    }).diagnostics ?? [];
  const source = ts.createSourceFile('generated.mjs', code, ts.ScriptTarget.ES2022, true, ts.ScriptKind.JS);
  const shape: string[] = [];
  const strings: string[] = [];
  const visit = (node: ts.Node) => {
    shape.push(ts.SyntaxKind[node.kind]);
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) strings.push(node.text);
    ts.forEachChild(node, visit);
  };
  visit(source);
  return { errors: diagnostics.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n')), shape, strings };
}

/** What one `curl` invocation of a script received. */
export type CurlCall = readonly string[];

/**
 * Runs a generated curl script with bash, `curl` being a function that records its arguments
 * and answers `tokenAnswer` (what a token endpoint says) on stdout.
 */
export function recordCurlCalls(script: string, tokenAnswer = '{"access_token":"granted-token-1","token_type":"Bearer","expires_in":3600}'): { calls: CurlCall[]; status: number | null; stderr: string } {
  const shim = [
    'set -o pipefail',
    'curl() {',
    '  printf "%s\\0" "$#" "$@" >&3',
    `  printf '%s' ${JSON.stringify(tokenAnswer).replace(/\$/g, '\\$')}`,
    '}',
  ].join('\n');
  // fd 3 → stdout of a subshell: each call as its argument count, then its arguments, all
  // NUL-terminated (the one byte no argument can hold, so any other byte may be in a value).
  const result = spawnSync('bash', ['-c', `exec 3>&1 1>/dev/null\n${shim}\n${script}`], { encoding: 'utf8' });
  const fields = result.stdout.split('\0').slice(0, -1);
  const calls: CurlCall[] = [];
  for (let at = 0; at < fields.length; ) {
    const count = Number(fields[at]);
    calls.push(fields.slice(at + 1, at + 1 + count));
    at += 1 + count;
  }
  return { calls, status: result.status, stderr: result.stderr };
}

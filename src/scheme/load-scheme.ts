/**
 * One call from scheme text (vendor XML or native JSON) to a compiled scheme.
 */
import { WaymarkError } from '../errors/index.js';
import { BUILT_IN_ACTIONS, BUILT_IN_CONDITIONS, BUILT_IN_RULES, compileScheme, type CompileOptions } from './compile.js';
import { parseSchemeJson } from './json-format.js';
import type { CompiledScheme } from './model.js';
import { importVendorXml } from './xml-import.js';

/** Exactly one of `xml` or `json`; `code` overrides the code written in the scheme. */
export interface LoadSchemeInput {
  readonly xml?: string;
  readonly json?: unknown;
  readonly code?: string;
}

/** What the server can run: decides what is refused (file actions without a sandbox, C# code without a callback server) and what becomes an external need. */
export interface LoadSchemeOptions extends Partial<Pick<CompileOptions, 'builtInActions' | 'builtInConditions' | 'builtInRules'>> {
  readonly fileActionsSandbox: boolean;
  readonly callbackServerConfigured: boolean;
}

/**
 * Imports (XML) or reads (JSON) a scheme and compiles it, refusing what this server cannot run
 * whatever the format: file actions without a sandbox folder, and every built-in action
 * parameter no run could accept. Throws `SchemeInvalidError` (`WM_SCHEME_PARSE`,
 * `WM_SCHEME_INVALID`, `WM_SCHEME_UNSUPPORTED`) or `WaymarkError('WM_INPUT_INVALID')` when
 * neither or both inputs are given.
 */
export function loadScheme(input: LoadSchemeInput, options: LoadSchemeOptions): CompiledScheme {
  if ((input.xml === undefined) === (input.json === undefined)) {
    throw new WaymarkError('WM_INPUT_INVALID', 'Give a scheme either as XML or as JSON, not both or neither');
  }
  const codeOption = input.code === undefined ? {} : { code: input.code };
  const definition =
    input.xml !== undefined
      ? importVendorXml(input.xml, { ...codeOption, fileActionsSandbox: options.fileActionsSandbox, callbackServerConfigured: options.callbackServerConfigured })
      : parseSchemeJson(input.json, codeOption);
  return compileScheme(definition, {
    builtInActions: options.builtInActions ?? BUILT_IN_ACTIONS,
    builtInConditions: options.builtInConditions ?? BUILT_IN_CONDITIONS,
    builtInRules: options.builtInRules ?? BUILT_IN_RULES,
    fileActionsAllowed: options.fileActionsSandbox,
    parameterProblems: 'refuse',
  });
}

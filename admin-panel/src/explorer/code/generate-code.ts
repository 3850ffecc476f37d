/**
 * The languages the explorer writes a request in, and the one entry point that writes it.
 */
import type { CodeInput } from './code-input.js';
import { cSharpCode } from './csharp-code.js';
import { curlCode } from './curl-code.js';
import { fetchCode } from './fetch-code.js';
import { jQueryCode } from './jquery-code.js';

/** The tabs of the code panel, in order. */
export const CODE_LANGUAGES = [
  { id: 'fetch', label: 'JavaScript (fetch)' },
  { id: 'jquery', label: 'jQuery ($.ajax)' },
  { id: 'csharp', label: 'C# (HttpClient)' },
  { id: 'curl', label: 'curl' },
] as const;

/** One of {@link CODE_LANGUAGES}' ids. */
export type CodeLanguage = (typeof CODE_LANGUAGES)[number]['id'];

const GENERATORS: Record<CodeLanguage, (input: CodeInput) => string> = {
  fetch: fetchCode,
  jquery: jQueryCode,
  csharp: cSharpCode,
  curl: curlCode,
};

/** The request written in a language, ready to copy and run. */
export function generateCode(language: CodeLanguage, input: CodeInput): string {
  return GENERATORS[language](input);
}

export type { CodeInput } from './code-input.js';

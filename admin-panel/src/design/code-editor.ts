/**
 * The CodeMirror part of {@link CodeBlock}, in its own module so it is loaded only when code is
 * first shown.
 */
import { json } from '@codemirror/lang-json';
import { javascript } from '@codemirror/lang-javascript';
import { defaultHighlightStyle, StreamLanguage, syntaxHighlighting } from '@codemirror/language';
import { csharp } from '@codemirror/legacy-modes/mode/clike';
import { shell } from '@codemirror/legacy-modes/mode/shell';
import { EditorState, type Extension } from '@codemirror/state';
import { EditorView, lineNumbers } from '@codemirror/view';
import type { CodeLanguage } from './code-block';

function languageOf(language: CodeLanguage): Extension[] {
  if (language === 'json') return [json()];
  if (language === 'javascript') return [javascript()];
  if (language === 'csharp') return [StreamLanguage.define(csharp)];
  if (language === 'shell') return [StreamLanguage.define(shell)];
  return [];
}

/** Shows `code` read-only in `parent`; returns the function that removes it. */
export function mountReadOnlyEditor(parent: HTMLElement, code: string, language: CodeLanguage, label: string): () => void {
  const view = new EditorView({
    parent,
    state: EditorState.create({
      doc: code,
      extensions: [
        lineNumbers(),
        syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
        EditorState.readOnly.of(true),
        EditorView.editable.of(false),
        EditorView.contentAttributes.of({ 'aria-label': label }),
        ...languageOf(language),
      ],
    }),
  });
  return () => view.destroy();
}

/**
 * The CodeMirror part of {@link CodeBlock}, in its own module so it is loaded only when code is
 * first shown.
 */
import { json } from '@codemirror/lang-json';
import { javascript } from '@codemirror/lang-javascript';
import { HighlightStyle, StreamLanguage, syntaxHighlighting } from '@codemirror/language';
import { csharp } from '@codemirror/legacy-modes/mode/clike';
import { shell } from '@codemirror/legacy-modes/mode/shell';
import { EditorState, type Extension } from '@codemirror/state';
import { EditorView, lineNumbers } from '@codemirror/view';
import { tags } from '@lezer/highlight';
import type { CodeLanguage } from './code-block';
import './code-highlight.css';

/** Token colours from CSS variables, so code reads in the light and the dark theme alike. */
const highlightStyle = HighlightStyle.define([
  { tag: [tags.keyword, tags.controlKeyword, tags.moduleKeyword, tags.operatorKeyword, tags.definitionKeyword], color: 'var(--wm-code-keyword)' },
  { tag: [tags.bool, tags.null, tags.atom, tags.special(tags.variableName)], color: 'var(--wm-code-atom)' },
  { tag: tags.number, color: 'var(--wm-code-number)' },
  { tag: [tags.string, tags.special(tags.string), tags.regexp], color: 'var(--wm-code-string)' },
  { tag: [tags.comment, tags.lineComment, tags.blockComment], color: 'var(--wm-code-comment)', fontStyle: 'italic' },
  { tag: [tags.typeName, tags.className, tags.namespace], color: 'var(--wm-code-type)' },
  { tag: [tags.propertyName, tags.variableName, tags.definition(tags.variableName)], color: 'var(--wm-code-property)' },
  { tag: tags.invalid, color: 'var(--wm-code-invalid)' },
]);

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
        syntaxHighlighting(highlightStyle),
        EditorState.readOnly.of(true),
        EditorView.editable.of(false),
        // Focusable, so a keyboard can scroll code wider or taller than its box (and reach it at all).
        EditorView.contentAttributes.of({ 'aria-label': label, 'aria-readonly': 'true', tabindex: '0' }),
        ...languageOf(language),
      ],
    }),
  });
  return () => view.destroy();
}

import { useEffect, useRef, useState } from 'react';
import { CopyButton } from './copy-button';

/** Languages a {@link CodeBlock} highlights. */
export type CodeLanguage = 'json' | 'javascript' | 'csharp' | 'shell' | 'text';

/** Props of {@link CodeBlock}. */
export interface CodeBlockProps {
  readonly code: string;
  readonly language?: CodeLanguage;
  /** Names the code for the copy button and screen readers ("response", "JavaScript code"). */
  readonly label: string;
  /** Show a copy button (default true). */
  readonly copyable?: boolean;
  /** Tallest it grows before it scrolls, in pixels. */
  readonly maxHeight?: number;
}

/**
 * Read-only code, highlighted by CodeMirror 6. CodeMirror is loaded on first use (its own
 * chunk), so pages without code do not pay for it; until then the code shows as plain text.
 */
export function CodeBlock({ code, language = 'text', label, copyable = true, maxHeight = 480 }: CodeBlockProps) {
  const host = useRef<HTMLDivElement>(null);
  const [editorReady, setEditorReady] = useState(false);

  useEffect(() => {
    const element = host.current;
    if (element === null) return;
    let destroyed = false;
    let destroy: (() => void) | undefined;
    void import('./code-editor').then(({ mountReadOnlyEditor }) => {
      if (destroyed) return;
      destroy = mountReadOnlyEditor(element, code, language, label);
      setEditorReady(true);
    });
    return () => {
      destroyed = true;
      destroy?.();
    };
  }, [code, language, label]);

  return (
    <div className="wm-code" style={{ maxHeight, overflow: 'auto' }}>
      {copyable ? <CopyButton text={code} what={label} className="wm-code__copy" /> : null}
      <div ref={host} />
      {editorReady ? null : (
        <pre className="wm-code__pre" aria-label={label}>
          <code>{code}</code>
        </pre>
      )}
    </div>
  );
}

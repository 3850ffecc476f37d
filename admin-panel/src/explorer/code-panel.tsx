import { useState } from 'react';
import { Alert, CodeBlock, Tabs, type CodeLanguage as EditorLanguage } from '../design';
import { CODE_LANGUAGES, generateCode, type CodeInput, type CodeLanguage } from './index';

const EDITOR_LANGUAGE: Record<CodeLanguage, EditorLanguage> = { fetch: 'javascript', jquery: 'javascript', csharp: 'csharp', curl: 'shell' };

/** The request as code in each language, in tabs, each with a Copy button; rewritten as the form changes. */
export function CodePanel({ input }: { readonly input: CodeInput }) {
  const [language, setLanguage] = useState<CodeLanguage>('fetch');
  return (
    <section className="wm-explorer__code" aria-label="Code">
      <h3 className="wm-explorer__heading">Code</h3>
      <Tabs
        label="Code language"
        selected={language}
        onSelect={(id) => setLanguage(id as CodeLanguage)}
        tabs={CODE_LANGUAGES.map(({ id, label }) => ({ id, label, content: id === language ? <GeneratedCode language={id} label={label} input={input} /> : null }))}
      />
    </section>
  );
}

function GeneratedCode({ language, label, input }: { readonly language: CodeLanguage; readonly label: string; readonly input: CodeInput }) {
  let code: string;
  try {
    code = generateCode(language, input);
  } catch (error) {
    return <Alert tone="error">{`This request cannot be written as ${label}: ${error instanceof Error ? error.message : String(error)}`}</Alert>;
  }
  return <CodeBlock code={code} language={EDITOR_LANGUAGE[language]} label={`${label} code`} maxHeight={520} />;
}

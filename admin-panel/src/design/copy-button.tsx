import { useState } from 'react';
import { Button } from './button';
import { copyText } from './clipboard';
import { useToast } from './toast';

/** Props of {@link CopyButton}. */
export interface CopyButtonProps {
  /** The text copied. */
  readonly text: string;
  /** What is copied, for the label ("Copy discovery URL") and the toast. */
  readonly what: string;
  readonly size?: 'normal' | 'small';
  readonly className?: string;
}

/** Copies `text`, says so in a toast, and shows "Copied" for a moment. */
export function CopyButton({ text, what, size = 'small', className }: CopyButtonProps) {
  const toast = useToast();
  const [copied, setCopied] = useState(false);
  const onClick = async () => {
    try {
      await copyText(text);
      setCopied(true);
      toast('success', `Copied the ${what}.`);
      setTimeout(() => setCopied(false), 1500);
    } catch (error) {
      toast('error', error instanceof Error ? error.message : 'Copying failed.');
    }
  };
  return (
    <Button size={size} className={className} aria-label={`Copy ${what}`} onClick={() => void onClick()}>
      {copied ? 'Copied' : 'Copy'}
    </Button>
  );
}

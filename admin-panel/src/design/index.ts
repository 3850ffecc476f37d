/**
 * The panel's design system: CSS variables for both themes (tokens.css) and the components every
 * page is built from. Pages use these instead of styling controls of their own.
 */
import './tokens.css';
import './components.css';

export { Button, type ButtonProps } from './button';
export { TextField, type TextFieldProps } from './text-field';
export { Switch, type SwitchProps } from './switch';
export { Card, type CardProps } from './card';
export { Table, type TableColumn, type TableProps } from './table';
export { Tabs, type TabItem, type TabsProps } from './tabs';
export { ToastProvider, useToast, type ShowToast, type ToastKind } from './toast';
export { CopyButton, type CopyButtonProps } from './copy-button';
export { CodeBlock, type CodeBlockProps, type CodeLanguage } from './code-block';
export { Badge, Alert } from './badge';
export { copyText } from './clipboard';
export { applyTheme, effectiveTheme, storedTheme, type ThemeChoice } from './theme';

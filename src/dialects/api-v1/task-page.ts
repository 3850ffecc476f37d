/**
 * The small HTML pages a task link shows a browser: the task with one form per command (the form
 * POSTs back to the same link), and the page after it is done. Every value is escaped; no scripts.
 */
import type { OpenedTask } from '../../services/index.js';

/** Escapes text for HTML content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The prefix of form fields that carry command parameters (`parameter.<name>`). */
export const PARAMETER_FIELD_PREFIX = 'parameter.';

const STYLE = '<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;line-height:1.4}'
  + 'form{border-top:1px solid #ddd;padding:.5rem 0}label{display:block;margin:.3rem 0}</style>';

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>${STYLE}</head><body>${body}</body></html>`;
}

/** The task: its name, instance and model, and one form per command it offers. */
export function taskPage(task: OpenedTask, action: string): string {
  const forms = task.commands
    .map((command) => {
      const inputs = command.parameters
        .map((p) => `<label>${escapeHtml(p.localizedName || p.name)}${p.isRequired ? ' (required)' : ''} `
          + `<input name="${escapeHtml(PARAMETER_FIELD_PREFIX + p.name)}"${p.isRequired ? ' required' : ''}></label>`)
        .join('');
      return `<form method="post" action="${escapeHtml(action)}">${inputs}`
        + `<button type="submit" name="command" value="${escapeHtml(command.name)}">${escapeHtml(command.localizedName || command.name)}</button></form>`;
    })
    .join('');
  return page(task.taskName, `<h1>${escapeHtml(task.taskName)}</h1>`
    + `<p>${escapeHtml(task.wfInstanceName)} · ${escapeHtml(task.wfModelName)} · assigned to ${escapeHtml(task.assignee)}</p>`
    + (forms || '<p>This task offers no command now.</p>'));
}

/** Shown after a command completed the task. */
export function taskDonePage(command: string): string {
  return page('Task completed', `<h1>Task completed</h1><p>${escapeHtml(command)} was executed. This link no longer opens the task.</p>`);
}

/** Shown when a link does not open a task (any more). */
export function taskRefusedPage(message: string): string {
  return page('Task not available', `<h1>Task not available</h1><p>${escapeHtml(message)}</p>`);
}

/**
 * Copies text to the clipboard: the asynchronous Clipboard API where the page may use it (a
 * secure context: https or localhost), else a hidden text area and `execCommand('copy')`, which
 * also works on a plain-http address in a LAN.
 */
export async function copyText(text: string): Promise<void> {
  if (typeof navigator !== 'undefined' && navigator.clipboard !== undefined && window.isSecureContext) {
    try {
      await navigator.clipboard.writeText(text);
      return;
    } catch {
      // Permission refused (or the document lost focus): fall back below.
    }
  }
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.style.position = 'fixed';
  area.style.opacity = '0';
  document.body.append(area);
  area.select();
  const copied = document.execCommand('copy');
  area.remove();
  if (!copied) throw new Error('The browser did not allow copying; select the text and copy it by hand.');
}

/**
 * JavaScript with `fetch`: runs as copied in an ES module (top-level `await`) — Node 18+ or a
 * browser's console or `<script type="module">`.
 */
import { commentText, plainHeaders, type CodeInput } from './code-input.js';
import { javaScriptString, javaScriptValue } from './string-literals.js';

/** The fetch code for a request. */
export function fetchCode({ request, title }: CodeInput): string {
  const lines: string[] = [`// ${commentText(title)}`];
  const headers = plainHeaders(request).map(([name, value]) => `    ${javaScriptString(name)}: ${javaScriptString(value)},`);

  if (request.bearer?.kind === 'granted') {
    const { discoveryUrl, clientId, clientSecret } = request.bearer.grant;
    lines.push(
      '',
      '// OpenID Connect: an access token by the client credentials grant at the discovery document\'s token endpoint.',
      `const discovery = await (await fetch(${javaScriptString(discoveryUrl)})).json();`,
      'const tokenResponse = await fetch(discovery.token_endpoint, {',
      '  method: "POST",',
      '  headers: { "Content-Type": "application/x-www-form-urlencoded" },',
      '  body: new URLSearchParams({',
      '    grant_type: "client_credentials",',
      `    client_id: ${javaScriptString(clientId)},`,
      `    client_secret: ${javaScriptString(clientSecret)},`,
      '  }),',
      '});',
      'if (!tokenResponse.ok) throw new Error(`The token request failed: HTTP ${tokenResponse.status}`);',
      'const { access_token: accessToken } = await tokenResponse.json();',
      '',
    );
    headers.push('    "Authorization": "Bearer " + accessToken,');
  } else if (request.bearer?.kind === 'token') {
    headers.push(`    "Authorization": ${javaScriptString(`Bearer ${request.bearer.token}`)},`);
  }

  lines.push(`const response = await fetch(${javaScriptString(request.url)}, {`, `  method: ${javaScriptString(request.method)},`);
  if (headers.length > 0) lines.push('  headers: {', ...headers, '  },');
  if (request.body !== undefined) lines.push(`  body: JSON.stringify(${javaScriptValue(request.body, '  ', 1)}),`);
  lines.push('});');

  if (request.api === 'workflowapi') {
    lines.push(
      'const result = await response.json();',
      'if (result.success) {',
      '  console.log(result.data);',
      '} else {',
      '  console.error(result.error, result.message);',
      '}',
    );
  } else {
    lines.push(
      'const text = await response.text();',
      'const result = text === "" ? null : JSON.parse(text);',
      'if (response.ok) {',
      '  console.log(result);',
      '} else {',
      '  console.error(response.status, result);',
      '}',
    );
  }
  return `${lines.join('\n')}\n`;
}

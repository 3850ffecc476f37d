/**
 * curl for a POSIX shell (bash, zsh, sh). In OpenID Connect mode it is a short script: the
 * token request first (its `access_token` read with sed, so nothing but curl is needed), then the
 * call with `Authorization: Bearer $ACCESS_TOKEN`.
 */
import { commentText, plainHeaders, type CodeInput } from './code-input.js';
import { shellWord } from './string-literals.js';

/** The curl command (or script) for a request. */
export function curlCode({ request, title }: CodeInput): string {
  const lines: string[] = [`# ${commentText(title)}`];
  const call: string[] = [`curl -sS -X ${request.method} ${shellWord(request.url)}`];
  for (const [name, value] of plainHeaders(request)) call.push(`-H ${shellWord(`${name}: ${value}`)}`);

  if (request.bearer?.kind === 'granted') {
    const { discoveryUrl, tokenEndpoint, clientId, clientSecret } = request.bearer.grant;
    lines.push(
      `# OpenID Connect: an access token by the client credentials grant at the token endpoint of ${commentText(discoveryUrl)}.`,
      `ACCESS_TOKEN=$(curl -sS -X POST ${shellWord(tokenEndpoint)} \\`,
      `  --data-urlencode 'grant_type=client_credentials' \\`,
      `  --data-urlencode ${shellWord(`client_id=${clientId}`)} \\`,
      `  --data-urlencode ${shellWord(`client_secret=${clientSecret}`)} \\`,
      `  | sed -n 's/.*"access_token":"\\([^"]*\\)".*/\\1/p')`,
    );
    call.push(`-H "Authorization: Bearer $ACCESS_TOKEN"`);
  } else if (request.bearer?.kind === 'token') {
    call.push(`-H ${shellWord(`Authorization: Bearer ${request.bearer.token}`)}`);
  }
  if (request.body !== undefined) call.push(`--data-raw ${shellWord(JSON.stringify(request.body))}`);
  lines.push(call.join(' \\\n  '));
  return `${lines.join('\n')}\n`;
}

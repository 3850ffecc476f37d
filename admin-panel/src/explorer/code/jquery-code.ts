/**
 * JavaScript with jQuery's `$.ajax` (jQuery 3: its promises chain with `.then`), for pages that
 * already load jQuery, as the vendor's panel offers.
 */
import { commentText, type CodeInput } from './code-input.js';
import { javaScriptString, javaScriptValue } from './string-literals.js';

/** The jQuery code for a request. */
export function jQueryCode({ request, title }: CodeInput): string {
  const granted = request.bearer?.kind === 'granted';
  const indent = granted ? '    ' : '';
  const headers = request.headers.map(([name, value]) => `${indent}    ${javaScriptString(name)}: ${javaScriptString(value)},`);
  if (granted) headers.push(`${indent}    "Authorization": "Bearer " + token.access_token,`);
  else if (request.bearer?.kind === 'token') headers.push(`${indent}    "Authorization": ${javaScriptString(`Bearer ${request.bearer.token}`)},`);

  const call = [`${indent}$.ajax({`, `${indent}  url: ${javaScriptString(request.url)},`, `${indent}  method: ${javaScriptString(request.method)},`];
  if (headers.length > 0) call.push(`${indent}  headers: {`, ...headers, `${indent}  },`);
  if (request.body !== undefined) {
    call.push(
      `${indent}  contentType: "application/json",`,
      `${indent}  data: JSON.stringify(${javaScriptValue(request.body, '  ', indent === '' ? 1 : 3)}),`,
    );
  }
  call.push(`${indent}  dataType: "json",`, `${indent}})`);

  const lines: string[] = [`// ${commentText(title)}`];
  if (request.bearer?.kind === 'granted') {
    const { discoveryUrl, clientId, clientSecret } = request.bearer.grant;
    lines.push(
      "// OpenID Connect: an access token by the client credentials grant at the discovery document's token endpoint.",
      `$.getJSON(${javaScriptString(discoveryUrl)})`,
      '  .then(function (discovery) {',
      '    return $.ajax({',
      '      url: discovery.token_endpoint,',
      '      method: "POST",',
      '      data: {',
      '        grant_type: "client_credentials",',
      `        client_id: ${javaScriptString(clientId)},`,
      `        client_secret: ${javaScriptString(clientSecret)},`,
      '      },',
      '      dataType: "json",',
      '    });',
      '  })',
      '  .then(function (token) {',
      `    return ${call.join('\n').trimStart()};`,
      '  })',
    );
  } else {
    lines.push(...call);
  }
  const success =
    request.api === 'workflowapi'
      ? ['      if (result.success) {', '        console.log(result.data);', '      } else {', '        console.error(result.error, result.message);', '      }']
      : ['      console.log(result);'];
  lines.push(
    '  .then(',
    '    function (result) {',
    ...success,
    '    },',
    '    function (xhr) {',
    '      console.error(xhr.status, xhr.responseText);',
    '    },',
    '  );',
  );
  return `${lines.join('\n')}\n`;
}

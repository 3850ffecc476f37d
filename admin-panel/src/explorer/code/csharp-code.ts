/**
 * C# with `HttpClient`, async: a class with a `Main` for a console app (C# 11 / .NET 7 or later,
 * for the raw string literal of the JSON body). The JSON body is written as it is sent.
 */
import { commentText, type CodeInput } from './code-input.js';
import { cSharpRawString, cSharpString } from './string-literals.js';

const METHOD_INDENT = '        ';
const BODY_INDENT = '            ';

/** JSON text for a raw string literal: the line breaks C# counts (U+0085, U+2028, U+2029) as JSON escapes. */
function rawJson(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(/[\x85\u2028\u2029]/g, (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

const HTTP_METHODS: Record<string, string> = { GET: 'HttpMethod.Get', POST: 'HttpMethod.Post', PUT: 'HttpMethod.Put', DELETE: 'HttpMethod.Delete', PATCH: 'HttpMethod.Patch' };

/** The C# code for a request. */
export function cSharpCode({ request, title }: CodeInput): string {
  const body: string[] = [];
  const add = (...lines: string[]) => body.push(...lines.map((line) => (line === '' ? '' : `${METHOD_INDENT}${line}`)));
  if (request.bearer?.kind === 'granted') {
    const { discoveryUrl, clientId, clientSecret } = request.bearer.grant;
    add(
      "// OpenID Connect: an access token by the client credentials grant at the discovery document's token endpoint.",
      `using var discovery = JsonDocument.Parse(await Http.GetStringAsync(${cSharpString(discoveryUrl)}));`,
      'var tokenEndpoint = discovery.RootElement.GetProperty("token_endpoint").GetString();',
      'using var tokenResponse = await Http.PostAsync(tokenEndpoint, new FormUrlEncodedContent(new Dictionary<string, string>',
      '{',
      '    ["grant_type"] = "client_credentials",',
      `    ["client_id"] = ${cSharpString(clientId)},`,
      `    ["client_secret"] = ${cSharpString(clientSecret)},`,
      '}));',
      'tokenResponse.EnsureSuccessStatusCode();',
      'using var token = JsonDocument.Parse(await tokenResponse.Content.ReadAsStringAsync());',
      'var accessToken = token.RootElement.GetProperty("access_token").GetString();',
      '',
    );
  }
  add(`using var request = new HttpRequestMessage(${HTTP_METHODS[request.method] ?? `new HttpMethod(${cSharpString(request.method)})`}, ${cSharpString(request.url)});`);
  if (request.bearer?.kind === 'granted') add('request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);');
  if (request.bearer?.kind === 'token') add(`request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ${cSharpString(request.bearer.token)});`);
  for (const [name, value] of request.headers) add(`request.Headers.Add(${cSharpString(name)}, ${cSharpString(value)});`);
  if (request.body !== undefined) {
    // The raw literal's lines carry their own indentation, which C# takes off up to the closing quotes'.
    const [opening = '', ...rest] = cSharpRawString(rawJson(request.body), BODY_INDENT).split('\n');
    add(`var json = ${opening}`);
    body.push(...rest.slice(0, -1), `${rest.at(-1) ?? ''};`);
    add('request.Content = new StringContent(json, Encoding.UTF8, "application/json");');
  }
  add('using var response = await Http.SendAsync(request);', 'var text = await response.Content.ReadAsStringAsync();');
  if (request.api === 'workflowapi') {
    add(
      'using var result = JsonDocument.Parse(text);',
      'if (result.RootElement.GetProperty("success").GetBoolean())',
      '{',
      '    Console.WriteLine(result.RootElement.GetProperty("data"));',
      '}',
      'else',
      '{',
      '    Console.Error.WriteLine(result.RootElement.GetProperty("error").GetString());',
      '}',
    );
  } else {
    add(
      'if (response.IsSuccessStatusCode)',
      '{',
      '    Console.WriteLine(text);',
      '}',
      'else',
      '{',
      '    Console.Error.WriteLine($"HTTP {(int)response.StatusCode}: {text}");',
      '}',
    );
  }
  return [
    'using System;',
    'using System.Collections.Generic;',
    'using System.Net.Http;',
    'using System.Net.Http.Headers;',
    'using System.Text;',
    'using System.Text.Json;',
    'using System.Threading.Tasks;',
    '',
    'public static class WaymarkApiCall',
    '{',
    '    private static readonly HttpClient Http = new HttpClient();',
    '',
    `    // ${commentText(title)}`,
    '    public static async Task Main()',
    '    {',
    ...body,
    '    }',
    '}',
    '',
  ].join('\n');
}

/**
 * Reads a Workflow API multipart body as named values, streaming, within the body limit.
 *
 * @fastify/multipart leaves reading to the handler, so fastify's body limit does not apply to
 * multipart bodies: without a cap of its own, a request could make the server buffer any number of
 * parts of the per-part size. Here the whole body (its raw bytes, as for JSON and form bodies) is
 * held to the limit, counted as it arrives: past it, reading stops and the request is refused.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Multipart, MultipartFile } from '@fastify/multipart';
import { WaymarkError } from '../../errors/index.js';

/** Part counts a Workflow API request never needs more of. */
export const MULTIPART_PART_LIMITS = { fields: 200, files: 20, parts: 220 } as const;

/**
 * A multipart body as named values, as @fastify/multipart's `attachFieldsToBody: 'keyValues'` gives
 * them: a text part's text (parsed, for a part sent as application/json), a file part's bytes, and a
 * list of these for a name sent more than once.
 *
 * @throws WaymarkError WM_BODY_TOO_LARGE when the body is (or says it is) larger than `bodyLimit`
 *   bytes; the reply then closes the connection, so the rest of the upload is never read.
 */
export async function readMultipartBody(request: FastifyRequest, reply: FastifyReply, bodyLimit: number): Promise<Record<string, unknown>> {
  const tooLarge = (): WaymarkError => {
    // The client may still be sending: closing the connection after the answer stops the upload.
    reply.header('connection', 'close');
    return new WaymarkError('WM_BODY_TOO_LARGE', `The multipart body is larger than the limit of ${bodyLimit} bytes`, { limit: bodyLimit });
  };
  const declaredLength = Number(request.headers['content-length']);
  if (declaredLength > bodyLimit) throw tooLarge();

  const parts = request.parts({ limits: { ...MULTIPART_PART_LIMITS, fieldSize: bodyLimit, fileSize: bodyLimit } })[Symbol.asyncIterator]();
  // The first next() starts the reader (busboy piped from the request), so the byte count below
  // sees every chunk the reader does.
  let nextPart = parts.next();
  let received = 0;
  let refuseOverLimit: (error: WaymarkError) => void = () => {};
  const overLimit = new Promise<never>((_resolve, reject) => {
    refuseOverLimit = reject;
  });
  overLimit.catch(() => {});
  const raw = request.raw;
  const count = (chunk: Buffer): void => {
    received += chunk.length;
    if (received <= bodyLimit) return;
    // Stop feeding the parser and stop reading: nothing more of this body is taken in.
    raw.off('data', count);
    raw.unpipe();
    raw.pause();
    refuseOverLimit(tooLarge());
  };
  raw.on('data', count);
  const checkTotal = (): void => {
    if (received > bodyLimit) throw tooLarge();
  };

  const valuesByName = new Map<string, unknown[]>();
  try {
    for (;;) {
      const next = await Promise.race([nextPart, overLimit]);
      checkTotal();
      if (next.done === true) break;
      const part: Multipart = next.value;
      const value = part.type === 'file' ? await Promise.race([fileBytes(part, checkTotal), overLimit]) : fieldValue(part, tooLarge);
      checkTotal();
      const values = valuesByName.get(part.fieldname);
      if (values) values.push(value);
      else valuesByName.set(part.fieldname, [value]);
      nextPart = parts.next();
    }
  } finally {
    raw.off('data', count);
  }
  const body: Record<string, unknown> = {};
  for (const [name, values] of valuesByName) body[name] = values.length === 1 ? values[0] : values;
  return body;
}

async function fileBytes(part: MultipartFile, checkTotal: () => void): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of part.file) {
    checkTotal();
    chunks.push(chunk as Buffer);
  }
  // busboy cuts a file at `fileSize` and flags it: never pass a cut file on as if it were whole.
  if (part.file.truncated) throw new WaymarkError('WM_BODY_TOO_LARGE', 'A multipart file is larger than this server accepts');
  return Buffer.concat(chunks);
}

function fieldValue(part: Multipart & { type: 'field' }, tooLarge: () => WaymarkError): unknown {
  // busboy cuts a text part at `fieldSize` and flags it: never pass a cut value on.
  if (part.valueTruncated) throw tooLarge();
  return part.value;
}

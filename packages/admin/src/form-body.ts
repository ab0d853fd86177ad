/** The largest form the admin page reads: enough for a few thousand user ids pasted at once. */
export const MAX_FORM_BYTES = 1024 * 1024;

/** Why a body could not be read as a form; the page answers with `status`. */
export class FormBodyError extends Error {
  constructor(
    readonly status: 413 | 415 | 400,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Reads an `application/x-www-form-urlencoded` body: the raw request
 * stream, up to `MAX_FORM_BYTES`, or, when a body parser mounted earlier
 * has read it already (Express's `urlencoded()`, koa-bodyparser), the
 * object that parser made.
 *
 * @example
 * const form = await readForm(req.headers['content-type'], req.body, req);
 */
export async function readForm(
  contentType: string | undefined,
  parsed: unknown,
  stream: AsyncIterable<Buffer | string>,
): Promise<URLSearchParams> {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded') {
    throw new FormBodyError(415, 'The admin page takes forms (application/x-www-form-urlencoded) only.');
  }
  // A body parser mounted earlier has read the stream: use what it made. One
  // that did not match the type may still have set req.body to {} without
  // reading anything (body-parser 1.x does), so the stream decides.
  if ((stream as { readableEnded?: boolean }).readableEnded === true) {
    return typeof parsed === 'object' && parsed !== null && !Buffer.isBuffer(parsed)
      ? fromObject(parsed)
      : new URLSearchParams();
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    size += buffer.length;
    if (size > MAX_FORM_BYTES) throw new FormBodyError(413, 'The form is too large.');
    chunks.push(buffer);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

function fromObject(parsed: object): URLSearchParams {
  const form = new URLSearchParams();
  for (const [key, value] of Object.entries(parsed)) {
    for (const item of Array.isArray(value) ? value : [value]) {
      if (typeof item === 'string') form.append(key, item);
    }
  }
  return form;
}

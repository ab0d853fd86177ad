/**
 * How `features()` tells the guards after it the app's not-found answer: it
 * leaves it on the request (or Koa context) under a registry symbol, so a
 * guard from another copy of the adapter (ESM beside CJS) finds it too.
 */
const NOT_FOUND = Symbol.for('hanoi.notFound');

/**
 * Leaves `answer` on `carrier` for the guards that run after it.
 *
 * @example
 * rememberNotFound(req, (req, res) => res.status(404).render('404'));
 */
export function rememberNotFound(carrier: object, answer: unknown): void {
  (carrier as { [NOT_FOUND]?: unknown })[NOT_FOUND] = answer;
}

/**
 * The not-found answer `features()` left on `carrier`, if it was given one.
 *
 * @example
 * const answer = rememberedNotFound<NotFoundHandler>(req) ?? expressDefault;
 */
export function rememberedNotFound<Answer>(carrier: object): Answer | undefined {
  return (carrier as { [NOT_FOUND]?: Answer })[NOT_FOUND];
}

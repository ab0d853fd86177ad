import { Agent, request } from 'node:http';

/** One request of a load run: when it started and ended (Date.now()), and what came back. */
export interface Sample {
  loop: number;
  path: string;
  user: string;
  start: number;
  end: number;
  /** The HTTP status, or 0 when the request failed or ran past the bound. */
  status: number;
  body: string;
  /** Set when no answer came within the bound, or the connection failed. */
  error?: string;
}

/** Options of `runLoad`. */
export interface LoadOptions {
  /** `http://127.0.0.1:<port>` of the app. */
  url: string;
  /** Concurrent loops, each sending one request at a time. */
  loops: number;
  /** How long the run lasts. */
  durationMs: number;
  /** The most requests one loop sends, whatever the time. */
  maxPerLoop: number;
  /** A request with no full answer within this is recorded as an error and aborted. */
  boundMs: number;
  /** What request `n` of loop `loop` asks for. */
  next(loop: number, n: number): { path: string; user: string };
}

/**
 * Sends `loops` concurrent streams of GET requests for `durationMs` (and at
 * most `maxPerLoop` each), every one with a client-side bound, and records
 * each outcome. The user travels in `x-chaos-user`, read by the app's
 * stand-in for an auth layer.
 *
 * @example
 * const samples = await runLoad({ url, loops: 20, durationMs: 6000, maxPerLoop: 4000, boundMs: 2000, next });
 */
export async function runLoad(options: LoadOptions): Promise<Sample[]> {
  const agent = new Agent({ keepAlive: true, maxSockets: options.loops });
  const t0 = Date.now();
  const samples: Sample[] = [];
  const loop = async (id: number): Promise<void> => {
    for (let n = 0; n < options.maxPerLoop && Date.now() - t0 < options.durationMs; n++) {
      const { path, user } = options.next(id, n);
      const start = Date.now();
      const result = await get(agent, `${options.url}${path}`, user, options.boundMs);
      samples.push({ loop: id, path, user, start, end: Date.now(), ...result });
    }
  };
  try {
    await Promise.all(Array.from({ length: options.loops }, (_, i) => loop(i)));
  } finally {
    agent.destroy();
  }
  return samples;
}

function get(
  agent: Agent,
  url: string,
  user: string,
  boundMs: number,
): Promise<{ status: number; body: string; error?: string }> {
  return new Promise((resolve) => {
    let done = false;
    const finish = (value: { status: number; body: string; error?: string }) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      resolve(value);
    };
    const req = request(url, { agent, headers: { 'x-chaos-user': user } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => finish({ status: res.statusCode ?? 0, body }));
      res.on('error', (err) => finish({ status: 0, body, error: String(err) }));
    });
    const timer = setTimeout(() => {
      finish({ status: 0, body: '', error: `no answer within ${boundMs} ms` });
      req.destroy();
    }, boundMs);
    req.on('error', (err) => finish({ status: 0, body: '', error: String(err) }));
    req.end();
  });
}

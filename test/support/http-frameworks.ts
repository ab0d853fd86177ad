/**
 * The framework majors the Express and Koa suites run against, installed side
 * by side under aliases (express4, express5, koa2, koa3), and small helpers
 * the suites share: a server on 127.0.0.1, an unhandled-rejection watch, a
 * logger that records.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { runInThisContext } from 'node:vm';
import { crc32 } from 'node:zlib';

export type ExpressModule = typeof import('express');
export type KoaModule = typeof import('koa');

export const EXPRESS_VERSIONS: [string, ExpressModule][] = [
  ['Express 4', require('express4') as ExpressModule],
  ['Express 5', require('express5') as ExpressModule],
];

export const KOA_VERSIONS: [string, KoaModule][] = [
  ['Koa 2', require('koa2') as KoaModule],
  ['Koa 3', require('koa3') as KoaModule],
];

/** A bucket worked out here, from Node's own zlib CRC-32, not from @hanoi/core. */
export function independentBucket(id: string): number {
  return crc32(Buffer.from(id, 'utf8')) % 100;
}

/** Listens on 127.0.0.1 on a free port; `close()` ends it. */
export async function listen(
  // Express's app or Koa's app.callback(), whose promise settles by itself (Koa handles its errors).
  handler: (req: IncomingMessage, res: ServerResponse) => unknown,
): Promise<{ server: Server; url: string; close: () => Promise<void> }> {
  const server = createServer((req, res) => void handler(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    server,
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}

/** Records every unhandled rejection from `start()` until `stop()`. */
export function watchUnhandled(): { reasons: unknown[]; stop: () => void } {
  const reasons: unknown[] = [];
  const onRejection = (reason: unknown): void => {
    reasons.push(reason);
  };
  // Jest runs a suite in a vm context whose `process` is a copy that Node never
  // emits on; code run in this context's host sees the process Node emits on.
  const host = runInThisContext('process') as NodeJS.Process;
  host.on('unhandledRejection', onRejection);
  return { reasons, stop: () => host.off('unhandledRejection', onRejection) };
}

/** A logger that keeps what it is told. */
export function recordingLogger(): {
  warn: (m: string) => void;
  error: (m: string) => void;
  warnings: string[];
  errors: string[];
} {
  const warnings: string[] = [];
  const errors: string[] = [];
  return { warnings, errors, warn: (m: string) => void warnings.push(m), error: (m: string) => void errors.push(m) };
}

/** Waits `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

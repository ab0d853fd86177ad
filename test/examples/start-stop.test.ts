/**
 * The examples as a newcomer starts them (`npm run example`, `npm run
 * example:koa`): a taken or invalid PORT is a clear error and a non-zero
 * exit, the banner says how to pick a port and how to stop, and Ctrl-C (a
 * SIGINT to the whole process group, as a terminal sends it) ends every
 * process with exit code 0 and no error output from npm.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { cleanEnv } from '../pack/pack-helpers';

const root = join(__dirname, '../..');

interface Started {
  child: ChildProcess;
  output: () => { stdout: string; stderr: string };
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function start(script: string, port: string): Started {
  const child = spawn('npm', ['run', script], {
    cwd: root,
    env: { ...cleanEnv(), PORT: port },
    detached: true, // its own process group, as a terminal's foreground job
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  const timer = setTimeout(() => child.pid && process.kill(-child.pid, 'SIGKILL'), 90_000);
  void exited.then(() => clearTimeout(timer));
  return { child, output: () => ({ stdout, stderr }), exited };
}

async function until(check: () => boolean, ms: number): Promise<void> {
  for (const end = Date.now() + ms; !check();) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A port that was free a moment ago. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe.each([
  ['example', 'Express'],
  ['example:koa', 'Koa'],
])('npm run %s', (script, framework) => {
  it('serves, says how to pick a port and stop, and ends with exit code 0 on Ctrl-C', async () => {
    const port = await freePort();
    const run = start(script, String(port));
    await until(() => run.output().stdout.includes('Ctrl-C') || run.child.exitCode !== null, 60_000);
    const { stdout } = run.output();
    expect(stdout).toContain(`Hanoi ${framework} example on http://127.0.0.1:${port}`);
    expect(stdout).toMatch(/PORT=\d+ npm run example/);
    expect(stdout).toMatch(/Stop: Ctrl-C/);
    expect(stdout).not.toMatch(/tsup|Build success|ESM|CJS/); // runs from source: nothing is built
    const listed = await fetch(`http://127.0.0.1:${port}/dashboard`, { headers: { 'x-user-id': 'alice' } });
    expect(listed.status).toBe(200);
    const other = await fetch(`http://127.0.0.1:${port}/dashboard`, { headers: { 'x-user-id': 'carol' } });
    expect(other.status).toBe(404);

    process.kill(-run.child.pid!, 'SIGINT');
    expect(await run.exited).toEqual({ code: 0, signal: null });
    expect(run.output().stderr).toBe('');
    await expect(fetch(`http://127.0.0.1:${port}/`)).rejects.toThrow();
  }, 90_000);

  describe('with a port that is taken', () => {
    let taken: Server;
    beforeAll(async () => {
      taken = createServer();
      await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    });
    afterAll(async () => {
      await new Promise((resolve) => taken.close(resolve));
    });

    it('says so, names another port, prints no banner and exits 1', async () => {
      const port = (taken.address() as { port: number }).port;
      const run = start(script, String(port));
      expect(await run.exited).toEqual({ code: 1, signal: null });
      const { stdout, stderr } = run.output();
      expect(stderr).toContain(`Port ${port} on 127.0.0.1 is already in use`);
      expect(stderr).toMatch(/Choose another port: PORT=\d+ npm run example/);
      expect(stdout).not.toContain('Try:');
    }, 90_000);
  });

  const badPorts = script === 'example' ? ['abc', '70000', '3000x', '1.5', '0'] : ['abc'];
  it.each(badPorts)(
    'refuses PORT=%s with exit code 2, before starting',
    async (port) => {
      const run = start(script, port);
      expect(await run.exited).toEqual({ code: 2, signal: null });
      const { stdout, stderr } = run.output();
      expect(stderr).toContain(`PORT must be a whole number from 1 to 65535, not ${JSON.stringify(port)}`);
      expect(stdout).not.toContain('Try:');
    },
    90_000,
  );
});

import { MemoryBackend, Rollout } from '@hanoi/core';
import { explanationText, ExitCode, run, type OpenSession } from '@hanoi/cli';
import { capture } from './capture';

// `run` embedded in a process, on an injected in-memory rollout: the same
// commands without Redis, and the wording of every reason `check` gives.

function memorySession(rollout: Rollout): { open: OpenSession; opened: () => number; closed: () => number } {
  let opened = 0;
  let closed = 0;
  return {
    open: async () => {
      opened++;
      return { rollout, close: async () => void closed++ };
    },
    opened: () => opened,
    closed: () => closed,
  };
}

test('commands run on an injected rollout, which is closed after each', async () => {
  const rollout = new Rollout(new MemoryBackend());
  const session = memorySession(rollout);
  const { io, output } = capture();
  const cli = (...args: string[]) =>
    run(['--redis', 'redis://unused.invalid:1', ...args], { io, openSession: session.open });
  expect(await cli('add', 'beta', '--percentage', '10', '--variants', 'control=3,new=1')).toBe(ExitCode.OK);
  expect(await cli('register', 'beta', '447568110000', '443301')).toBe(ExitCode.OK);
  expect(await cli('check', 'beta', '443301')).toBe(ExitCode.OK);
  expect(await cli('check', 'beta', '44488')).toBe(ExitCode.OK);
  expect(await cli('check', 'ghost', '44488')).toBe(ExitCode.UNKNOWN_FEATURE);
  expect(await cli('percentage', 'ghost', '5')).toBe(ExitCode.UNKNOWN_FEATURE);
  expect(await cli('percentage', 'beta', '50.5')).toBe(ExitCode.USAGE);
  expect(await cli('--json', 'list')).toBe(ExitCode.OK);
  expect(output().out.split('\n').slice(0, 5)).toEqual([
    'beta: on, 10%, variants control=3,new=1',
    'beta: registered 2 users',
    'on: listed user',
    'off: bucket 88 is not under 10%',
    'off: no such feature "ghost"',
  ]);
  expect(await rollout.getFunc('beta')).toMatchObject({
    percentage: 10,
    variants: [
      { name: 'control', weight: 3 },
      { name: 'new', weight: 1 },
    ],
  });
  expect(output().err).toContain('Feature "ghost" does not exist');
  expect(output().err).toContain('Invalid percentage: 50.5');
  // The invalid percentage was refused before a session was opened.
  expect(session.opened()).toBe(7);
  expect(session.closed()).toBe(session.opened());
});

test('no command, or an unknown option, is a usage error', async () => {
  const { io } = capture();
  expect(await run([], { io })).toBe(ExitCode.USAGE);
  expect(await run(['list', '--frobnicate'], { io })).toBe(ExitCode.USAGE);
  expect(await run(['--version'], { io })).toBe(ExitCode.OK);
});

test('check puts every reason into words', () => {
  expect(explanationText({ enabled: false, reason: 'unknown' })).toBe('off: no such feature');
  expect(explanationText({ enabled: false, reason: 'unknown' }, 'nope')).toBe('off: no such feature "nope"');
  expect(explanationText({ enabled: false, reason: 'disabled' })).toBe('off: the feature is disabled');
  expect(explanationText({ enabled: true, reason: 'everyone' })).toBe('on: everyone (100%)');
  expect(explanationText({ enabled: true, reason: 'listed' })).toBe('on: listed user');
  expect(explanationText({ enabled: true, reason: 'pattern', pattern: { source: '01$', flags: '' } })).toBe(
    'on: matches pattern /01$/',
  );
  expect(explanationText({ enabled: false, reason: 'bucket', bucket: 88, percentage: 10 })).toBe(
    'off: bucket 88 is not under 10%',
  );
  expect(explanationText({ enabled: true, reason: 'bucket', bucket: 5, percentage: 10 })).toBe(
    'on: bucket 5 is under 10%',
  );
  expect(explanationText({ enabled: false, reason: 'no-user', percentage: 10 })).toBe(
    'off: no user given, and the feature is at 10%, not 100%',
  );
  expect(explanationText({ enabled: true, reason: 'no-user', percentage: 100 })).toBe(
    'on: no user given, and the feature is on for everyone (100%)',
  );
});

/**
 * The history section against a Rollout that keeps history as docs/SPEC.md
 * "History" describes it (`as`, `history`, `revert`), for percentage writes
 * only: a stand-in until the stores keep history themselves, to show the page
 * finds it, writes as the signed-in actor with source 'admin', and reverts.
 */
import { HanoiError, MemoryBackend, Rollout } from '@hanoi/core';
import { ADMIN_FRAMEWORKS, postForm, startAdminApp, tokenFor, type AdminApp } from '../support/admin-apps';

interface Entry {
  id: string;
  at: number;
  feature: string;
  action: string;
  actor: string;
  source: string;
  before: { percentage: number };
  after: { percentage: number };
}

class HistoryRollout extends Rollout {
  log: Entry[] = [];
  scope: { actor: string; source?: string } | undefined;

  as(scope: { actor: string; source?: string }): this {
    const view = Object.create(this) as this;
    view.scope = scope;
    return view;
  }

  override async setPercentage(name: string, percentage: number, action = 'percentage'): Promise<void> {
    const before = this.peek(name)!.percentage;
    await super.setPercentage(name, percentage);
    this.log.push({
      id: String(this.log.length + 1),
      at: Date.UTC(2026, 10, 30, 9, 0, this.log.length),
      feature: name,
      action,
      actor: this.scope?.actor ?? 'system',
      source: this.scope?.source ?? 'api',
      before: { percentage: before },
      after: { percentage },
    });
  }

  async history({ feature, limit = 100, before }: { feature?: string; limit?: number; before?: string }) {
    const newest = [...this.log].reverse().filter((e) => !feature || e.feature === feature);
    const start = before ? newest.findIndex((e) => e.id === before) + 1 : 0;
    return newest.slice(start, start + limit);
  }

  async revert(id: string): Promise<void> {
    const entry = this.log.find((e) => e.id === id);
    if (!entry) throw new HanoiError('HANOI_INVALID_ARGUMENT', `No history entry ${id}.`);
    if (this.peek(entry.feature)!.percentage !== entry.after.percentage) {
      throw new HanoiError('HANOI_CONFLICT', `The feature changed since entry ${id}; revert with force to overwrite.`);
    }
    await this.setPercentage(entry.feature, entry.before.percentage, 'revert');
  }
}

describe.each(ADMIN_FRAMEWORKS.filter(([name]) => name === 'Express 5' || name === 'Koa 3'))(
  'the history section on %s',
  (_name, maker) => {
    let app: AdminApp;
    let rollout: HistoryRollout;
    beforeEach(async () => {
      rollout = new HistoryRollout(new MemoryBackend());
      await rollout.addFunc('beta', { percentage: 25 });
      app = await startAdminApp(maker, {}, rollout);
    });
    afterEach(() => app.close());

    it('records the signed-in actor with source admin, shows the entries and reverts one', async () => {
      const token = await tokenFor(app, 'staff-1');
      await postForm(app, '/flags/features/beta/percentage', { _csrf: token, percentage: '40' });
      expect(rollout.log).toEqual([
        expect.objectContaining({ actor: 'staff-1', source: 'admin', after: { percentage: 40 } }),
      ]);
      const page = (await app.agent.get('/flags/features/beta').set('x-user-id', 'staff-1')).text;
      expect(page).toContain('<h2 id="history-heading">History</h2>');
      expect(page).toContain('2026-11-30 09:00:00 UTC');
      expect(page).toContain('{&quot;percentage&quot;:25}');
      expect(page).toMatch(/staff-1\s*<span class="muted">\(admin\)<\/span>/);

      const reverted = await postForm(app, '/flags/features/beta/revert', { _csrf: token, entry: '1' });
      expect([reverted.status, reverted.headers.location]).toEqual([303, '/flags/features/beta?saved=revert']);
      expect(rollout.peek('beta')!.percentage).toBe(25);
      expect(rollout.log[1]).toMatchObject({ action: 'revert', actor: 'staff-1', source: 'admin' });

      // Entry 1 no longer describes the feature: the rollout refuses, the page says why.
      const conflict = await postForm(app, '/flags/features/beta/revert', { _csrf: token, entry: '1' });
      expect(conflict.status).toBe(400);
      expect(conflict.text).toContain(
        '<p class="error" id="revert-error" role="alert">The feature changed since entry 1',
      );
    });

    it('is absent for a rollout without history, and shows no revert in read-only mode', async () => {
      const plain = await startAdminApp(maker, {}, new Rollout(new MemoryBackend()));
      try {
        await plain.rollout.addFunc('beta');
        const page = (await plain.agent.get('/flags/features/beta').set('x-user-id', 'staff-1')).text;
        expect(page).not.toContain('History');
        const token = await tokenFor(plain, 'staff-1');
        expect((await postForm(plain, '/flags/features/beta/revert', { _csrf: token, entry: '1' })).status).toBe(404);
      } finally {
        await plain.close();
      }
      const readOnly = await startAdminApp(maker, { readOnly: true }, rollout);
      try {
        await rollout.setPercentage('beta', 30);
        const page = (await readOnly.agent.get('/flags/features/beta').set('x-user-id', 'staff-1')).text;
        expect(page).toContain('History');
        expect(page).not.toContain('Revert');
      } finally {
        await readOnly.close();
      }
    });
  },
);

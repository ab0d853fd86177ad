import {
  MemoryStore,
  Rollout,
  StoreBackend,
  type BackendListener,
  type FeatureStore,
  type StoreListener,
} from '@hanoi/core';
import { recordingLogger } from '@hanoi/core/testing';

// rollout.watch as the synchronised cache fires it, on any store: changes it
// applies, the store or its feed failing, and a full snapshot held again.

/** A MemoryStore whose feed the test drives: messages are held back, failures and resyncs sent by hand. */
class DrivenStore extends MemoryStore {
  feed: StoreListener | undefined;
  failSnapshots = false;
  override subscribe(listener: StoreListener): () => void {
    this.feed = listener;
    return () => (this.feed = undefined);
  }
  override async snapshot(): ReturnType<FeatureStore['snapshot']> {
    if (this.failSnapshots) throw new Error('the store is away');
    return super.snapshot();
  }
}

function record(): { events: string[]; listener: Required<BackendListener> } {
  const events: string[] = [];
  return {
    events,
    listener: {
      changed: (names) => void events.push(`changed ${[...names].sort().join(',')}`),
      unavailable: () => void events.push('unavailable'),
      available: () => void events.push('available'),
    },
  };
}

async function eventually(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 300 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  expect(condition()).toBe(true);
}

const open = (store: FeatureStore) => {
  const backend = new StoreBackend(store, { logger: recordingLogger(), resyncIntervalMs: false });
  return { backend, rollout: new Rollout(backend, { logger: recordingLogger() }) };
};

test('a resync tells what it found different, and only that', async () => {
  const store = new DrivenStore();
  const writer = open(store);
  const reader = open(store); // subscribes last: the feed the test drives is the reader's
  await Promise.all([writer.backend.ready(), reader.backend.ready()]);
  await writer.rollout.addFunc('kept', { percentage: 5 });
  await writer.rollout.addFunc('changed', { percentage: 5 });
  await writer.rollout.addFunc('gone', { percentage: 5 });
  store.feed!.resync('test');
  await eventually(() => reader.backend.peek('gone') !== undefined);
  const { events, listener } = record();
  reader.rollout.watch(listener);
  await writer.rollout.setPercentage('changed', 50);
  await writer.rollout.remove('gone');
  await writer.rollout.addFunc('new', {});
  expect(events).toEqual([]); // no message reached the reader
  store.feed!.resync('test');
  await eventually(() => events.length > 0);
  expect(events).toEqual(['changed changed,gone,new']);
  await writer.backend.close();
  await reader.backend.close();
});

test('a failing feed or snapshot is unavailable once; a snapshot held again is available', async () => {
  const store = new DrivenStore();
  const { backend, rollout } = open(store);
  await backend.ready();
  const { events, listener } = record();
  const stop = rollout.watch(listener);
  store.feed!.error(new Error('connection lost'));
  store.failSnapshots = true;
  store.feed!.resync('reconnected, but not yet answering');
  await new Promise((resolve) => setTimeout(resolve, 20));
  expect(events).toEqual(['unavailable']);
  const late = record();
  rollout.watch(late.listener);
  expect(late.events).toEqual(['unavailable']); // told of the outage in progress
  store.failSnapshots = false;
  store.feed!.resync('back');
  await eventually(() => events.includes('available'));
  expect(events).toEqual(['unavailable', 'available']);
  stop();
  store.feed!.error(new Error('again'));
  expect(events).toEqual(['unavailable', 'available']);
  expect(late.events).toEqual(['unavailable', 'available', 'unavailable']);
  await backend.close();
});

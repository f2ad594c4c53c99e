import { describe, expect, it } from 'vitest';
import { coalesced, sequencer } from '../../app/auctions/sequencer.server';

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

describe('the per-auction sequencer', () => {
  it('decides requests of one key in arrival order, batching those that arrive while a batch runs', async () => {
    const batches: string[][] = [];
    let release: () => void = () => {};
    const submit = sequencer<number, number>(async (key, requests) => {
      batches.push(requests.map((r) => `${key}:${r}`));
      if (batches.length === 1)
        await new Promise<void>((resolve) => {
          release = resolve;
        });
      return requests.map((r) => ({ ok: true, value: r * 10 }));
    });
    const first = submit('a', 1);
    await tick();
    const rest = [submit('a', 2), submit('a', 3), submit('a', 4)];
    const other = submit('b', 9);
    await tick();
    release();
    expect(await Promise.all([first, ...rest, other])).toEqual([10, 20, 30, 40, 90]);
    expect(batches).toEqual([['a:1'], ['b:9'], ['a:2', 'a:3', 'a:4']]);
  });

  it('refuses only the caller whose outcome is an error, and every caller when the batch throws', async () => {
    const submit = sequencer<number, number>(async (_key, requests) => {
      if (requests.includes(13)) throw new Error('batch failed');
      return requests.map((r) =>
        r < 0 ? { ok: false, error: new Error(`bad ${r}`) } : { ok: true, value: r },
      );
    });
    const [good, bad] = await Promise.allSettled([submit('a', 1), submit('a', -1)]);
    expect(good).toEqual({ status: 'fulfilled', value: 1 });
    expect(bad.status === 'rejected' && (bad.reason as Error).message).toBe('bad -1');
    const both = await Promise.allSettled([submit('a', 2), submit('a', 13)]);
    expect(both.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    // The lane goes on after a failed batch.
    expect(await submit('a', 3)).toBe(3);
  });

  it('answers a batch only after its `after` step, without holding up the next batch', async () => {
    const events: string[] = [];
    let finishAfter: () => void = () => {};
    const submit = sequencer<number, number>(
      async (_key, requests) => {
        events.push(`decide ${requests.join(',')}`);
        return requests.map((r) => ({ ok: true, value: r }));
      },
      {
        after: async (_key, outcomes) => {
          if (outcomes.length === 1 && outcomes[0].ok && outcomes[0].value === 1)
            await new Promise<void>((resolve) => {
              finishAfter = resolve;
            });
        },
      },
    );
    const first = submit('a', 1).then((v) => events.push(`answered ${v}`));
    await tick();
    const second = submit('a', 2).then((v) => events.push(`answered ${v}`));
    await tick();
    expect(events).toEqual(['decide 1', 'decide 2', 'answered 2']);
    finishAfter();
    await Promise.all([first, second]);
    expect(events).toEqual(['decide 1', 'decide 2', 'answered 2', 'answered 1']);
  });
});

describe('coalesced work per key', () => {
  it('shares one pending run among the calls made while another runs', async () => {
    let runs = 0;
    let finish: () => void = () => {};
    const publish = coalesced(async () => {
      runs++;
      if (runs === 1)
        await new Promise<void>((resolve) => {
          finish = resolve;
        });
    });
    const first = publish('a');
    await tick();
    const second = publish('a');
    const third = publish('a');
    expect(second).toBe(third);
    finish();
    await Promise.all([first, second, third]);
    expect(runs).toBe(2);
  });
});

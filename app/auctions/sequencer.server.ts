// Per-auction sequencing (ADR 0032): the bids of one auction queue in this process and are decided in batches.
//
// A lane per auction: the first request starts a drain, and everything that arrives while a batch is in
// its transaction waits for the next one (group commit, with no timer: an idle lane decides a lone bid at
// once). Each caller gets its own outcome once the batch that decided it has committed. The lane is only
// an optimisation of this process: correctness stays in the database, where every batch takes the
// auction's row lock, so batches from several web processes still serialize there.

export type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

type Job<Req, Res> = { request: Req; resolve: (value: Res) => void; reject: (error: unknown) => void };

/**
 * A sequencer over `decide`, which gets the requests of one key in arrival order (at most `maxBatch`)
 * and returns one outcome per request, in the same order. When `decide` throws, every request of the
 * batch is refused with that error.
 */
export function sequencer<Req, Res>(
  decide: (key: string, requests: Req[]) => Promise<Settled<Res>[]>,
  options: {
    maxBatch?: number;
    /** Runs after a batch committed, before its callers are answered, without holding up the next batch. */
    after?: (key: string, outcomes: Settled<Res>[]) => Promise<void>;
  } = {},
): (key: string, request: Req) => Promise<Res> {
  const { maxBatch = 256, after } = options;
  const lanes = new Map<string, Job<Req, Res>[]>();

  async function drain(key: string): Promise<void> {
    for (;;) {
      const queue = lanes.get(key);
      if (!queue || queue.length === 0) {
        lanes.delete(key);
        return;
      }
      const batch = queue.splice(0, maxBatch);
      try {
        const outcomes = await decide(
          key,
          batch.map((job) => job.request),
        );
        const answer = () => {
          for (const [i, job] of batch.entries()) {
            const outcome = outcomes[i];
            if (!outcome) job.reject(new Error('the sequencer lost an outcome'));
            else if (outcome.ok) job.resolve(outcome.value);
            else job.reject(outcome.error);
          }
        };
        if (after) void after(key, outcomes).then(answer, answer);
        else answer();
      } catch (error) {
        for (const job of batch) job.reject(error);
      }
    }
  }

  return (key, request) =>
    new Promise<Res>((resolve, reject) => {
      const queue = lanes.get(key);
      if (queue) {
        queue.push({ request, resolve, reject });
        return;
      }
      lanes.set(key, [{ request, resolve, reject }]);
      // One turn of the event loop lets requests that arrived together share the first batch.
      setImmediate(() => void drain(key));
    });
}

/**
 * Runs `work(key)` soon, after any run for the key in flight: calls made while a run waits to start share
 * it. The returned promise settles when a run that started after the call has finished.
 */
export function coalesced(work: (key: string) => Promise<void>): (key: string) => Promise<void> {
  const lanes = new Map<string, { waiting: Promise<void> | null; tail: Promise<void> }>();
  return (key) => {
    let lane = lanes.get(key);
    if (!lane) {
      lane = { waiting: null, tail: Promise.resolve() };
      lanes.set(key, lane);
    }
    if (lane.waiting) return lane.waiting;
    const current = lane;
    const run: Promise<void> = current.tail.then(() => {
      current.waiting = null;
      return work(key).catch(() => {});
    });
    current.waiting = run;
    current.tail = run;
    void run.then(() => {
      if (current.tail === run && lanes.get(key) === current) lanes.delete(key);
    });
    return run;
  };
}

// The catalogue of queues and job payloads, shared by the app (through the outbox) and the workers.
import { type JobsOptions, Queue } from 'bullmq';
import { z } from 'zod';
import { env } from '../app/lib/env.server';
import { redisConnection } from '../app/lib/redis.server';
import { remember } from '../app/lib/remember.server';

const id = z.string().min(3).max(64);

/** Every job a queue accepts, by name, with its payload schema. Payloads carry ids only, never personal data. */
export const catalogue = {
  notifications: {
    welcome: z.object({ userId: id }),
    'member-invited': z.object({ invitationId: id }),
    // A notification event (app/notify/notify.server.ts): resolve recipients and preferences, write the deliveries.
    event: z.object({ eventId: id }),
    // One delivery (recipient × channel: inbox, e-mail or webhook), and each retry of it after a failure.
    deliver: z.object({ deliveryId: id }),
    // Gathers the day's low-priority items into digests; scheduled daily by the worker, so it carries nothing.
    digest: z.object({}),
    // Sends one user's daily digest e-mail.
    'send-digest': z.object({ digestId: id }),
  },
  orders: {
    // Cancels the order if it is still unpaid when it runs (delayed to the order's pay-by time).
    'expire-unpaid': z.object({ orderId: id }),
    // Market data (#15): brings the order's trade and its day aggregates in line after it completed or was undone.
    'record-trade': z.object({ orderId: id }),
  },
  settlement: {
    // Releases the escrow when the inspection window has passed with no dispute (delayed to its end).
    'release-escrow': z.object({ orderId: id }),
    // Pays the seller out through the provider (Stripe Transfer; offline payouts are recorded by an operator).
    payout: z.object({ orderId: id }),
    // Refunds the buyer through the provider after a catch-weight difference or a dispute.
    refund: z.object({ orderId: id, ledgerTransactionId: id }),
    // Creates the provider's payment for a new order (Stripe PaymentIntent).
    'create-payment': z.object({ orderId: id }),
    // A verified webhook event stored by id: re-read from the provider and converge.
    'provider-event': z.object({ eventId: id }),
  },
  listings: {
    // Sweeps every lot past its shelf life; scheduled by the worker, so it carries nothing.
    expire: z.object({}),
    // Rebuilds the search vectors of a category's lots after an operator changed its names or keywords.
    'reindex-category': z.object({ categoryId: z.string().min(2).max(64) }),
  },
  // Auctions issue (#5): closing, second chance. Jobs of the auctions area only.
  auctions: {
    // Closes an auction at its end (re-checks it: soft close and clock restarts move it); idempotent.
    close: z.object({ auctionId: id }),
    // The winner did not pay: offer the lot to the runner-up at its own price.
    'second-chance': z.object({ auctionId: id }),
  },
  // Demand and matching issue (#6): recompute matches of a demand or a listing.
  matching: {
    'listing-changed': z.object({ listingId: id }),
    'demand-changed': z.object({ demandId: id }),
  },
  // Cold chain issue (#7): vehicle-cargo matching, excursion checks.
  coldchain: {
    // Finds a vehicle for a booking request (again after a carrier declines); a no-op once it is placed.
    'match-booking': z.object({ bookingId: id }),
    // The scheduled second look at bookings no vehicle fitted, while their pickup window is open (carries nothing).
    'retry-unmatched': z.object({}),
  },
  // Operator console issue (#8): screening, credit recomputation, sanction expiry.
  moderation: {
    'screen-listing': z.object({ listingId: id }),
    // Recomputes one org's credit score and quality class after an order event or a rating.
    'recompute-credit': z.object({ orgId: id, trigger: z.string().min(1).max(64) }),
    // The nightly sweep over every org (a repeatable job, so it carries nothing).
    'recompute-all-credit': z.object({}),
    // Delayed to a suspension's end: resumes the lots it paused and tells the org (no-op if lifted earlier).
    'end-suspension': z.object({ sanctionId: id }),
  },
  // Personal-data rights (#16): data exports, the sweep of expired export files, and the nightly retention run.
  privacy: {
    // Builds one export's zip from the data map, stores it and tells the user.
    'build-export': z.object({ exportId: id }),
    // Deletes the files of exports past their expiry (a repeatable job, so it carries nothing).
    'sweep-exports': z.object({}),
    // Deletes what outlived its retention period (app/privacy/retention.server.ts); repeatable, carries nothing.
    retention: z.object({}),
    // Deletes stored files the retention run's committed deletes left without a row (sent through the outbox).
    'remove-files': z.object({ keys: z.array(z.string().min(1).max(300)).min(1).max(10_000) }),
  },
  // Trade fairs (#19): the reminder before a booked appointment (delayed to an hour before it).
  fairs: {
    'appointment-reminder': z.object({ appointmentId: id }),
  },
  // Order farming (#17): the sweep that flags plans whose harvest is overdue (repeatable, carries nothing).
  farming: {
    'flag-overdue': z.object({}),
  },
  // B2B buying (#18): the sweeps that run standing orders due today and remind/mark orders on credit terms
  // (repeatable, carry nothing).
  b2b: {
    'standing-orders': z.object({}),
    'terms-sweep': z.object({}),
  },
} as const;

export type QueueName = keyof typeof catalogue;
export type JobName<Q extends QueueName> = keyof (typeof catalogue)[Q] & string;
export type Payload<Q extends QueueName, N extends JobName<Q>> = (typeof catalogue)[Q][N] extends z.ZodTypeAny
  ? z.infer<(typeof catalogue)[Q][N]>
  : never;

export const queueNames = Object.keys(catalogue) as QueueName[];

export function isQueueName(name: string): name is QueueName {
  return Object.hasOwn(catalogue, name);
}

export function payloadSchema(queue: QueueName, name: string): z.ZodTypeAny | undefined {
  return (catalogue[queue] as Record<string, z.ZodTypeAny>)[name];
}

/** A hash tag per queue keeps each queue's keys in one Redis Cluster slot. */
export function queuePrefix(queue: QueueName): string {
  return `{${env().QUEUE_PREFIX}.${queue}}`;
}

export const defaultJobOptions: JobsOptions = {
  attempts: 8,
  backoff: { type: 'exponential', delay: 1_000 },
  removeOnComplete: { age: 24 * 3600, count: 10_000 },
  removeOnFail: { age: 14 * 24 * 3600 },
};

export function queue(name: QueueName): Queue {
  return remember(`queue:${env().QUEUE_PREFIX}:${name}`, () => {
    return new Queue(name, {
      connection: redisConnection('producer'),
      prefix: queuePrefix(name),
      defaultJobOptions,
    });
  });
}

// The fairs queue: the reminder an hour before a booked appointment; a no-op once it was cancelled, raised once.
import { type Job, UnrecoverableError } from 'bullmq';
import { db } from '../db/client';
import { remindAppointment } from '../app/fairs/fairs.server';
import { payloadSchema } from './queues';

export async function processFairJob(job: Pick<Job, 'name' | 'data'>): Promise<{ reminded: boolean }> {
  const parsed = payloadSchema('fairs', job.name)?.safeParse(job.data);
  if (!parsed?.success) throw new UnrecoverableError(`bad fairs job ${job.name}`);
  const { appointmentId } = parsed.data as { appointmentId: string };
  return { reminded: await db.transaction((tx) => remindAppointment(tx, appointmentId)) };
}

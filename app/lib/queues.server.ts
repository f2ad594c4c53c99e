// Route modules reach the queue catalogue through this server-only module.
export { queue, queueNames, type QueueName } from '../../workers/queues';

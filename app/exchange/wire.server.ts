// What travels through Redis between submitters (web processes) and an instrument's writer (ADR 0030).
import type { Command, Event } from './types';

/**
 * The instrument's command list: submitters LPUSH, its writer BRPOPs. The hash tag keeps every key of one
 * instrument on one Redis Cluster slot.
 */
export const commandsKey = (instrumentId: string) => `{exchange:${instrumentId}}:commands`;

/** A command on its way to the writer: request id, reply channel, deadline (epoch ms) and the command. */
export type CommandEnvelope = { r: string; ch: string; d: number; c: Command };

/** The writer's answer, published (in an array, one message per channel and batch) after the batch committed. */
export type Reply = { r: string; seq: number; events: Event[] } | { r: string; error: 'bad-command' };

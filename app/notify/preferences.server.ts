// Notification preferences per user × type × channel: the stored choices over the catalogue's defaults.
import { and, eq, inArray } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client';
import { notificationPreferences } from '../../db/schema';
import {
  NOTIFICATION_TYPES,
  type NotificationType,
  USER_CHANNELS,
  type UserChannel,
  defaultChannel,
  isNotificationType,
  isUserChannel,
  offersDigest,
} from './catalogue';

export type ChannelChoice = Record<UserChannel, boolean>;

/** Each user's channels for one type: stored choices, else the defaults of the type's priority. */
export async function channelsFor(
  tx: DbOrTx,
  userIds: string[],
  type: NotificationType,
): Promise<Map<string, ChannelChoice>> {
  const result = new Map<string, ChannelChoice>();
  for (const userId of userIds) {
    result.set(userId, {
      inbox: defaultChannel(type, 'inbox'),
      email: defaultChannel(type, 'email'),
      digest: defaultChannel(type, 'digest'),
    });
  }
  if (userIds.length === 0) return result;
  const rows = await tx
    .select()
    .from(notificationPreferences)
    .where(and(inArray(notificationPreferences.userId, userIds), eq(notificationPreferences.type, type)));
  for (const row of rows) {
    const choice = result.get(row.userId);
    if (choice && isUserChannel(row.channel)) choice[row.channel] = row.enabled;
  }
  // The digest exists for low-priority types only, whatever an old row says.
  if (!offersDigest(type)) for (const choice of result.values()) choice.digest = false;
  return result;
}

/** Account notices go straight to the inbox by jobs of their own (workers/notifications.ts), so no choice applies. */
const ACCOUNT_NOTICES: readonly string[] = ['welcome', 'member-invited'];

/** The whole grid for the settings page: every choosable type with its priority and the user's channels. */
export async function preferenceGrid(tx: DbOrTx, userId: string) {
  const rows = await tx
    .select()
    .from(notificationPreferences)
    .where(eq(notificationPreferences.userId, userId));
  const stored = new Map(rows.map((row) => [`${row.type}:${row.channel}`, row.enabled]));
  const types = (Object.keys(NOTIFICATION_TYPES) as NotificationType[]).filter(
    (type) => !ACCOUNT_NOTICES.includes(type),
  );
  return types.map((type) => ({
    type,
    priority: NOTIFICATION_TYPES[type].priority,
    digestOffered: offersDigest(type),
    channels: Object.fromEntries(
      USER_CHANNELS.map((channel) => [
        channel,
        stored.get(`${type}:${channel}`) ?? defaultChannel(type, channel),
      ]),
    ) as ChannelChoice,
  }));
}

export type PreferenceChange = { type: string; channel: string; enabled: boolean };
export type PreferenceRefusal = { messageKey: string; params: Record<string, string> };

/** Checks changes before any is written: an unknown type or channel, or a digest for a type without one. */
export function checkPreferenceChanges(changes: PreferenceChange[]): PreferenceRefusal | null {
  for (const change of changes) {
    if (!isNotificationType(change.type))
      return { messageKey: 'prefs.errors.unknownType', params: { type: change.type.slice(0, 60) } };
    if (!isUserChannel(change.channel))
      return { messageKey: 'prefs.errors.unknownChannel', params: { channel: change.channel.slice(0, 30) } };
    if (change.channel === 'digest' && change.enabled && !offersDigest(change.type))
      return { messageKey: 'prefs.errors.noDigest', params: { type: change.type } };
  }
  return null;
}

/**
 * Stores checked changes: a choice equal to the default deletes the row, so a later change of a
 * default reaches everyone who never chose otherwise.
 */
export async function savePreferences(
  tx: DbOrTx,
  userId: string,
  changes: PreferenceChange[],
): Promise<void> {
  for (const change of changes) {
    const type = change.type as NotificationType;
    const channel = change.channel as UserChannel;
    const where = and(
      eq(notificationPreferences.userId, userId),
      eq(notificationPreferences.type, type),
      eq(notificationPreferences.channel, channel),
    );
    if (change.enabled === defaultChannel(type, channel)) {
      await tx.delete(notificationPreferences).where(where);
      continue;
    }
    await tx
      .insert(notificationPreferences)
      .values({ userId, type, channel, enabled: change.enabled })
      .onConflictDoUpdate({
        target: [
          notificationPreferences.userId,
          notificationPreferences.type,
          notificationPreferences.channel,
        ],
        set: { enabled: change.enabled, updatedAt: new Date() },
      });
  }
}

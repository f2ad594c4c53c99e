// The catalogue of notification types: the one place a new type is added. Templates live in the i18n
// `notification.<type>.title` / `.body` keys (zh-CN and en); `params` are the placeholders they use.

export type NotificationPriority = 'high' | 'normal' | 'low';

type TypeSpec = {
  /** Placeholders the templates use; notify() refuses a call that leaves one out. */
  params: readonly string[];
  /** high: money and disputes (every channel by default); low: matches and the like (inbox, digestible). */
  priority: NotificationPriority;
};

export const NOTIFICATION_TYPES = {
  welcome: { params: ['org'], priority: 'normal' },
  'member-invited': { params: ['org', 'role'], priority: 'normal' },
  'listing-approved': { params: ['listing'], priority: 'normal' },
  'listing-rejected': { params: ['listing', 'reason'], priority: 'normal' },
  'listing-flagged': { params: ['listing', 'reason'], priority: 'normal' },
  'listing-removed': { params: ['listing', 'reason'], priority: 'normal' },
  'verification-approved': { params: ['org'], priority: 'normal' },
  'verification-rejected': { params: ['org', 'reason'], priority: 'normal' },
  'report-resolved': { params: ['subject', 'outcome'], priority: 'low' },
  'demand-matched': { params: ['demand', 'listing', 'score'], priority: 'low' },
  'quote-received': { params: ['demand', 'seller', 'price'], priority: 'normal' },
  'quote-countered': { params: ['demand', 'price'], priority: 'normal' },
  'quote-accepted': { params: ['demand', 'order'], priority: 'high' },
  'quote-withdrawn': { params: ['demand'], priority: 'normal' },
  'thread-message': { params: ['demand'], priority: 'low' },
  outbid: { params: ['listing', 'price'], priority: 'normal' },
  'auction-won': { params: ['listing', 'price', 'order'], priority: 'high' },
  'auction-lost': { params: ['listing', 'price'], priority: 'low' },
  'auction-second-chance': { params: ['listing', 'price', 'order'], priority: 'high' },
  'deposit-forfeited': { params: ['listing', 'amount'], priority: 'high' },
  'order-placed': { params: ['order', 'listing', 'amount'], priority: 'normal' },
  'order-paid': { params: ['order', 'amount'], priority: 'high' },
  'order-shipped': { params: ['order'], priority: 'normal' },
  'order-delivered': { params: ['order'], priority: 'normal' },
  'order-completed': { params: ['order', 'amount'], priority: 'high' },
  'order-cancelled': { params: ['order', 'reason'], priority: 'high' },
  'catch-weight-adjusted': { params: ['order', 'amount'], priority: 'high' },
  'dispute-opened': { params: ['order'], priority: 'high' },
  'dispute-resolved': { params: ['order', 'outcome'], priority: 'high' },
  'payout-sent': { params: ['order', 'amount'], priority: 'high' },
  'order-approval-requested': { params: ['order', 'amount'], priority: 'high' },
  'order-approved': { params: ['order'], priority: 'normal' },
  'order-rejected': { params: ['order', 'reason'], priority: 'high' },
  'booking-requested': { params: ['order', 'route'], priority: 'normal' },
  'booking-confirmed': { params: ['order', 'vehicle'], priority: 'normal' },
  'booking-declined': { params: ['order'], priority: 'normal' },
  'booking-unmatched': { params: ['order'], priority: 'normal' },
  'booking-cancelled': { params: ['order', 'route'], priority: 'normal' },
  'temperature-excursion': { params: ['order', 'minutes', 'maxC'], priority: 'high' },
  'org-suspended': { params: ['org', 'until', 'reason'], priority: 'high' },
  'org-reinstated': { params: ['org'], priority: 'high' },
  'privacy-export-ready': { params: ['days'], priority: 'normal' },
  'plan-changed': { params: ['plan', 'version'], priority: 'normal' },
  'plan-changed-material': { params: ['plan', 'version'], priority: 'high' },
  'plan-cancelled': { params: ['plan', 'reason', 'amount'], priority: 'high' },
  'plan-overdue': { params: ['plan', 'until'], priority: 'high' },
  'plan-overdue-seller': { params: ['plan', 'until', 'buyers'], priority: 'high' },
  'pre-order-placed': { params: ['plan', 'buyer'], priority: 'normal' },
  'pre-order-decided': { params: ['plan', 'outcome'], priority: 'normal' },
  'pre-order-filled': { params: ['plan', 'balance'], priority: 'high' },
  'pre-order-short': { params: ['plan', 'amount', 'balance'], priority: 'high' },
  'fair-booth-allocated': { params: ['booth'], priority: 'normal' },
  'fair-appointment-booked': { params: ['visitor', 'at'], priority: 'normal' },
  'fair-appointment-cancelled': { params: ['at'], priority: 'normal' },
  'fair-appointment-reminder': { params: ['at'], priority: 'normal' },
  'standing-order-skipped': { params: ['listing', 'week', 'reason'], priority: 'high' },
  'terms-granted': { params: ['days', 'limit'], priority: 'normal' },
  'terms-due-soon': { params: ['order', 'due'], priority: 'high' },
  'terms-overdue': { params: ['order', 'due'], priority: 'high' },
  'terms-overdue-seller': { params: ['order', 'due'], priority: 'high' },
  'terms-payment-recorded': { params: ['order', 'amount', 'owed'], priority: 'normal' },
  'order-approved-on-terms': { params: ['order'], priority: 'normal' },
} as const satisfies Record<string, TypeSpec>;

export type NotificationType = keyof typeof NOTIFICATION_TYPES;

export function isNotificationType(value: unknown): value is NotificationType {
  return typeof value === 'string' && Object.hasOwn(NOTIFICATION_TYPES, value);
}

/** The channels a user chooses per type; 'digest' gathers low-priority types into one daily e-mail. */
export const USER_CHANNELS = ['inbox', 'email', 'digest'] as const;
export type UserChannel = (typeof USER_CHANNELS)[number];

export function isUserChannel(value: unknown): value is UserChannel {
  return typeof value === 'string' && (USER_CHANNELS as readonly string[]).includes(value);
}

/**
 * What a user gets when it has chosen nothing: money and disputes (high) by inbox and e-mail,
 * normal by inbox and e-mail, low (matches and the like) in the inbox only. The org webhook takes
 * high and normal events of the org (app/notify/fanout.server.ts).
 */
export function defaultChannel(type: NotificationType, channel: UserChannel): boolean {
  const { priority } = NOTIFICATION_TYPES[type];
  if (channel === 'inbox') return true;
  if (channel === 'email') return priority !== 'low';
  return false;
}

/** The daily digest is offered for low-priority types only. */
export function offersDigest(type: NotificationType): boolean {
  return NOTIFICATION_TYPES[type].priority === 'low';
}

// The notes the system itself writes as a lot's status reason or history reason, stored as these words and read
// in the reader's language; anything else is a person's own words and is shown as typed.
import type { MessageKey, Translate } from '~/lib/i18n';

const SYSTEM_REASONS: Record<string, MessageKey> = {
  edited: 'sell.reason.edited',
  'stock reserved': 'sell.reason.stockReserved',
  'stock released': 'sell.reason.stockReleased',
  'shelf life ended': 'sell.reason.shelfLifeEnded',
  'org sanctioned': 'sell.reason.orgSanctioned',
  'sanction lifted': 'sell.reason.sanctionLifted',
};

export function reasonText(reason: string, t: Translate): string {
  const key = SYSTEM_REASONS[reason];
  return key ? t(key) : reason;
}

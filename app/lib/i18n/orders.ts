// Strings of orders, payments and the balance pages, in Chinese and English.
export const zhCN = {
  'orders.errors.ownLot': '不能购买自己机构挂牌的货品。',
  'orders.errors.notOnSale': '这个货品现在不在售。',
  'orders.errors.notFixedPrice': '这个货品不是一口价，请询价或参与拍卖。',
  'orders.errors.belowMoq': '数量低于起订量。',
  'orders.errors.wrongParty': '你这一方不能执行这个操作。',
  'orders.errors.wrongState': '订单当前状态不允许这个操作。',
  'orders.errors.windowClosed': '验货期已过，不能再发起争议。',
  'orders.errors.windowOpen': '验货期还没有结束。',
  'orders.errors.reasonRequired': '请写明原因（至少 5 个字）。',
  'orders.errors.refundInvalid': '退款金额必须大于零且不超过订单金额。',
  'orders.errors.nothingToPay': '这笔订单没有应付给卖家的款项。',
} as const;

export const en: Record<keyof typeof zhCN, string> = {
  'orders.errors.ownLot': 'You cannot buy a lot your own organisation listed.',
  'orders.errors.notOnSale': 'This lot is not on sale now.',
  'orders.errors.notFixedPrice': 'This lot is not sold at a fixed price: ask for a quote or bid.',
  'orders.errors.belowMoq': 'Below the minimum order.',
  'orders.errors.wrongParty': 'Your side of the order cannot do that.',
  'orders.errors.wrongState': 'The order’s current state does not allow that.',
  'orders.errors.windowClosed': 'The inspection window has closed; a dispute can no longer be opened.',
  'orders.errors.windowOpen': 'The inspection window has not ended yet.',
  'orders.errors.reasonRequired': 'Give the reason (at least 5 characters).',
  'orders.errors.refundInvalid': 'The refund must be more than zero and no more than the order’s amount.',
  'orders.errors.nothingToPay': 'Nothing is owed to the seller on this order.',
};

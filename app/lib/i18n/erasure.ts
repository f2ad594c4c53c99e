// Strings of erasure: deleting an account, closing an organisation, the page after, and the retention settings.
import type { English } from './types';

export const zhCN = {
  'erasure.settingsLink': '注销账号',
  'erasure.delete.title': '注销账号',
  'erasure.delete.lead': '注销后，你的姓名、邮箱和登录密码会被删除，账号无法恢复，也不能再用这个邮箱登录。',
  'erasure.delete.removedTitle': '会删除的内容',
  'erasure.delete.removed':
    '登录设备、所在机构的成员身份、站内通知、邮件和通知设置。如果你是某个机构的唯一成员，这个机构会一并注销。',
  'erasure.delete.keptTitle': '依法保留的内容',
  'erasure.delete.kept':
    '销货单、账务流水、订单和审计日志须依法保存，会继续保留，但其中的你只以化名（例如“已注销用户 ab12cd”）出现。',
  'erasure.delete.blockersTitle': '以下情况暂时不能注销',
  'erasure.delete.blockerOrders': '你下的订单还没有完成或取消。',
  'erasure.delete.blockerAdmin': '你是某个机构唯一的管理员，而机构还有其他成员：请先把管理员身份交给别人。',
  'erasure.delete.password': '输入登录密码以确认',
  'erasure.delete.passwordHint': '确认是你本人在操作。',
  'erasure.delete.submit': '永久注销账号',
  'erasure.delete.badPassword': '密码不对，请重新输入。',
  'erasure.deleted.title': '账号已注销',
  'erasure.deleted.lead': '你的账号已经注销，姓名、邮箱和登录信息都已删除，所有登录设备也已退出。',
  'erasure.deleted.kept':
    '按照税务和会计法规，销货单、账务流水、订单和审计日志必须保存一定年限，所以仍会保留；其中的你只以化名出现，不再能对应到你本人。',
  'erasure.deleted.home': '返回首页',
  'erasure.refused.openOrders':
    '还有未完成的订单（待付款、待发货、运输中或争议中），等订单完成或取消后再注销。',
  'erasure.refused.escrow': '机构还有托管中的货款，结算完成后才能注销。',
  'erasure.refused.liveLots': '机构还有在售、待审核或暂停中的货品，或正在进行的拍卖，请先下架。',
  'erasure.refused.soleAdmin':
    '你是所在机构唯一的管理员，而机构还有其他成员。请先在成员页把管理员身份交给别人。',
  'erasure.refused.gone': '已经注销过了。',
  'erasure.org.link': '注销机构',
  'erasure.org.title': '注销机构',
  'erasure.org.lead':
    '注销后，所有成员都会移出本机构，待处理的邀请和 Webhook 推送设置一并删除，机构不能再交易。',
  'erasure.org.kept': '销货单和账务流水须依法保存，会继续保留。',
  'erasure.org.blockers': '有未完成的订单、托管中的货款或在售货品时不能注销。',
  'erasure.org.confirm': '输入机构名称以确认',
  'erasure.org.confirmHint': '请输入完整名称：{name}',
  'erasure.org.mismatch': '机构名称不一致。',
  'erasure.org.submit': '注销机构',
  'erasure.org.closed': '机构已注销，所有成员已移出。',
  'console.settings.field.sessionRetentionDays': '已结束的登录会话保留天数',
  'console.settings.field.telemetryRawDays': '冷链原始温度和位置数据保留天数',
  'console.settings.field.emailBodyDays': '邮件正文保留天数',
  'console.settings.range.sessionRetentionDays': '1 到 365 之间的整数',
  'console.settings.range.telemetryRawDays': '7 到 1095 之间的整数',
  'console.settings.range.emailBodyDays': '1 到 365 之间的整数',
} as const;

export const en: English<typeof zhCN> = {
  'erasure.settingsLink': 'Delete account',
  'erasure.delete.title': 'Delete your account',
  'erasure.delete.lead':
    'Your name, e-mail and password are deleted. The account cannot be restored and this e-mail can no longer sign in.',
  'erasure.delete.removedTitle': 'What is deleted',
  'erasure.delete.removed':
    'Signed-in devices, your memberships, inbox notifications, e-mails and notification settings. An organisation you are the only member of is closed with the account.',
  'erasure.delete.keptTitle': 'What the law requires us to keep',
  'erasure.delete.kept':
    'Invoices, ledger entries, orders and the audit log are kept, with you shown only by a pseudonym (such as “已注销用户 ab12cd”).',
  'erasure.delete.blockersTitle': 'You cannot delete the account yet if',
  'erasure.delete.blockerOrders': 'an order you placed is not completed or cancelled.',
  'erasure.delete.blockerAdmin':
    'you are the only admin of an organisation that has other members: hand the admin role to someone first.',
  'erasure.delete.password': 'Your password, to confirm',
  'erasure.delete.passwordHint': 'So we know it is you.',
  'erasure.delete.submit': 'Delete my account for good',
  'erasure.delete.badPassword': 'That password is not right.',
  'erasure.deleted.title': 'Account deleted',
  'erasure.deleted.lead':
    'Your account is deleted: your name, e-mail and sign-in details are gone, and every device is signed out.',
  'erasure.deleted.kept':
    'Tax and accounting law require invoices, ledger entries, orders and the audit log to be kept for some years, so they remain; they show only a pseudonym that no longer leads to you.',
  'erasure.deleted.home': 'Back to the home page',
  'erasure.refused.openOrders':
    'There are open orders (awaiting payment, shipping, in transit or disputed); wait until they are completed or cancelled.',
  'erasure.refused.escrow': 'The organisation still has money in escrow; wait until it is settled.',
  'erasure.refused.liveLots':
    'The organisation still has lots on sale, in review or paused, or a running auction; withdraw them first.',
  'erasure.refused.soleAdmin':
    'You are the only admin of an organisation that has other members. Hand the admin role to someone on the members page first.',
  'erasure.refused.gone': 'This has already been deleted.',
  'erasure.org.link': 'Close organisation',
  'erasure.org.title': 'Close this organisation',
  'erasure.org.lead':
    'Every member is removed, pending invitations and the notification webhook are deleted, and the organisation can no longer trade.',
  'erasure.org.kept': 'Invoices and ledger entries are kept, as the law requires.',
  'erasure.org.blockers': 'It cannot close while it has open orders, money in escrow or lots on sale.',
  'erasure.org.confirm': 'Type the organisation’s name to confirm',
  'erasure.org.confirmHint': 'Its full name: {name}',
  'erasure.org.mismatch': 'The name does not match.',
  'erasure.org.submit': 'Close organisation',
  'erasure.org.closed': 'The organisation is closed and its members removed.',
  'console.settings.field.sessionRetentionDays': 'Days to keep ended sign-in sessions',
  'console.settings.field.telemetryRawDays':
    'Days to keep raw cold-chain readings (temperature and position)',
  'console.settings.field.emailBodyDays': 'Days to keep e-mail bodies',
  'console.settings.range.sessionRetentionDays': 'A whole number from 1 to 365',
  'console.settings.range.telemetryRawDays': 'A whole number from 7 to 1095',
  'console.settings.range.emailBodyDays': 'A whole number from 1 to 365',
};

// The page every request gets while the database is unreachable (503): short, static, in both languages, no
// database or session needed. It stays outside app/lib/i18n on purpose: it must render with nothing loaded.
export const OUTAGE_RETRY_SECONDS = 5;

const TEXT = {
  zh: {
    title: '码头暂时无法访问',
    body: '市场数据库正在恢复，请稍候几秒后刷新页面。您的订单和出价都已安全保存。',
  },
  en: {
    title: 'Wharf is briefly unavailable',
    body: 'The market database is coming back. Please reload the page in a few seconds; your orders and bids are safe.',
  },
} as const;

/** The 503 page, Chinese first unless the browser prefers English (both are always on it). */
export function outagePage(acceptLanguage: string | undefined): string {
  const english = /^\s*en\b/i.test(acceptLanguage ?? '');
  const [first, second] = english ? [TEXT.en, TEXT.zh] : [TEXT.zh, TEXT.en];
  const lang = english ? 'en' : 'zh-CN';
  return `<!doctype html>
<html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta http-equiv="refresh" content="${OUTAGE_RETRY_SECONDS}"><title>${first.title}</title>
<style>body{font-family:system-ui,"PingFang SC","Microsoft YaHei","Noto Sans CJK SC",sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;color:#1f2937}h1{font-size:1.4rem}p{line-height:1.6}</style>
</head><body><h1>${first.title}</h1><p>${first.body}</p><h1 lang="${english ? 'zh-CN' : 'en'}">${second.title}</h1><p>${second.body}</p></body></html>`;
}

// Strings of the market pages, in Chinese and English.
export const zhCN = {} as const;

export const en: Record<keyof typeof zhCN, string> = {};

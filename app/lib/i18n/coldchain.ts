// Strings of the coldchain area, in both languages (same keys in each).
export const zhCN = {} as const;

export const en: Record<keyof typeof zhCN, string> = {};

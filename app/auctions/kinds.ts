// The auction types and list sorts, shared by the pages (client) and their server modules.
export const AUCTION_TYPES = ['english', 'dutch', 'sealed'] as const;
export const SORTS = ['ending', 'newest', 'price'] as const;
export type AuctionSort = (typeof SORTS)[number];

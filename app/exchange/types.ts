/**
 * Exchange (issue #14): the types shared by the in-memory order book (book.ts), the single writer per
 * instrument (durable) and the pages. Prices are integer fen per unit of trade; quantities are integer units
 * of trade. This file is the contract between the three exchange engineers: add, do not change.
 */

export type Side = 'buy' | 'sell';
export type OrderType = 'limit' | 'market';
export type TimeInForce = 'gtc' | 'day' | 'ioc' | 'fok';
export type Phase = 'call' | 'continuous' | 'halted' | 'closed';

/** Prices are integer fen per unit of trade; quantities are integer units of trade. */
export type NewOrder = {
  /** uuid chosen by the submitter (idempotency: a repeated id is rejected 'duplicate') */
  id: string;
  orgId: string;
  userId: string;
  side: Side;
  type: OrderType;
  tif: TimeInForce;
  /** null for market orders; else a positive multiple of the tick */
  price: number | null;
  /** > 0 */
  quantity: number;
  /** on entry: the immediately executable quantity must reach it, else cancelled 'min-qty' */
  minQuantity: number | null;
};

export type Command =
  | { type: 'place'; order: NewOrder }
  | { type: 'cancel'; orderId: string; orgId: string }
  | { type: 'amend'; orderId: string; orgId: string; price: number | null; quantity: number | null }
  /** uncross the call, go continuous */
  | { type: 'open'; referencePrice: number | null }
  /** expire day orders, phase closed (next: 'call' via 'start-call') */
  | { type: 'close' }
  | { type: 'start-call' }
  | { type: 'halt' }
  | { type: 'resume' };

export type RejectReason =
  | 'duplicate'
  | 'bad-price'
  | 'bad-quantity'
  | 'tick'
  | 'phase'
  | 'unknown-order'
  | 'not-owner'
  | 'halted';

export type CancelReason = 'user' | 'ioc' | 'fok' | 'stp' | 'min-qty' | 'expired' | 'market-unfilled';

export type Event =
  | { type: 'accepted'; orderId: string }
  | { type: 'rejected'; orderId: string; reason: RejectReason }
  | {
      type: 'fill';
      tradeId: number;
      buyOrderId: string;
      sellOrderId: string;
      buyOrgId: string;
      sellOrgId: string;
      price: number;
      quantity: number;
      /** null = call auction */
      aggressor: Side | null;
    }
  | { type: 'rested'; orderId: string; side: Side; price: number; remaining: number }
  | { type: 'amended'; orderId: string; price: number; remaining: number; lostPriority: boolean }
  | { type: 'cancelled'; orderId: string; remaining: number; reason: CancelReason }
  | { type: 'opened'; price: number | null; volume: number }
  | { type: 'phase'; phase: Phase };

export type Level = { price: number; quantity: number; orders: number };
export type Depth = { bids: Level[]; asks: Level[] };
export type Indicative = { price: number; volume: number; imbalance: number } | null;

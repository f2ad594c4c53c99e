// Demo instruments for the exchange (called by db/seed.ts): live whiteleg shrimp 40/50 by the case, spot delivery at
// the Xiashan market, and Xuwen pineapple grade 1 by the 500 kg lot, delivered on a named day at the farm warehouse.
import type { DbOrTx } from './client';
import { addDays, marketToday } from '../app/lib/market-time';
import { instruments } from './schema';

export async function seedDemoExchange(tx: DbOrTx): Promise<void> {
  await tx
    .insert(instruments)
    .values([
      {
        id: '0e8f6a52-7d3b-4c61-9a0e-5b1c2d3e4f01',
        code: 'SHRIMP-4050-LIVE',
        nameZh: '白对虾 40/50 头 鲜活',
        nameEn: 'Whiteleg shrimp 40/50, live',
        categoryId: 'whiteleg-shrimp',
        grade: { count: '40/50', state: 'live' },
        unitGrams: 10_000,
        unitNameZh: '箱（10 公斤）',
        unitNameEn: 'case (10 kg)',
        tickFen: 50,
        deliveryPlace: '湛江霞山水产品批发市场 3 号冷库',
        deliveryKind: 'spot',
        callStart: '05:30',
        openTime: '06:00',
        closeTime: '18:00',
        bandBps: 1_000,
        referencePriceFen: 40_000,
      },
      {
        id: '0e8f6a52-7d3b-4c61-9a0e-5b1c2d3e4f02',
        code: 'PINE-XW-1',
        nameZh: '徐闻菠萝 一级',
        nameEn: 'Xuwen pineapple, grade 1',
        categoryId: 'pineapple',
        grade: { grade: 'first' },
        unitGrams: 500_000,
        unitNameZh: '批（500 公斤）',
        unitNameEn: 'lot (500 kg)',
        tickFen: 100,
        deliveryPlace: '徐闻曲界镇菠萝的海产地仓',
        deliveryKind: 'dated',
        deliveryDate: addDays(marketToday(), 7),
        callStart: '07:30',
        openTime: '08:00',
        closeTime: '17:00',
        bandBps: 1_500,
        referencePriceFen: 280_000,
      },
    ])
    .onConflictDoNothing();
}

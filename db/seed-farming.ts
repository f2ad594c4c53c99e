// The demo's order farming (订单农业): the shrimp farm's plan for its pond 3, a growth note, and the restaurant's pre-order.
import type { DbOrTx } from './client';
import { addPlanPost, createPlan, placePreOrder } from '../app/farming/plans.server';
import { addDays, marketToday } from '../app/lib/market-time';

export async function seedDemoFarming(tx: DbOrTx): Promise<void> {
  const today = marketToday();
  const planId = await createPlan(tx, {
    orgId: 'org_haixing',
    userId: 'usr_haixing',
    draft: {
      categoryId: 'whiteleg-shrimp',
      title: '东海岛 3 号塘 南美白对虾 春造',
      grade: '40/50 至 50/60 头',
      spec: { count: '40/50', state: 'live' },
      expectedMin: 3_000_000,
      expectedMax: 4_000_000,
      displayUnit: 'kg',
      harvestFrom: addDays(today, 45),
      harvestTo: addDays(today, 60),
      cutoffDate: addDays(today, 30),
      priceMode: 'reference',
      unitPriceFen: 4_200,
      referenceAdjustBps: -300,
      minPerBuyer: 100_000,
      maxPerBuyer: 1_500_000,
      depositBps: 2_000,
      forfeitBps: 5_000,
      materialDays: 7,
      allocation: 'commitment',
      delivery: ['pickup', 'coldchain'],
      originName: '湛江东海岛 3 号塘',
      originRegion: '湛江',
      notes: '高位池养殖，全程投喂配合饲料，收获前 7 天停药检测。',
    },
  });
  await addPlanPost(tx, {
    planId,
    sellerOrgId: 'org_haixing',
    userId: 'usr_haixing',
    body: '投苗 30 万尾，苗种来自海南，水温 26 °C，溶氧正常，长势良好。',
  });
  await placePreOrder(tx, {
    planId,
    buyerOrgId: 'org_yuewei',
    userId: 'usr_yuewei',
    quantity: '500',
    unit: 'kg',
  });
}

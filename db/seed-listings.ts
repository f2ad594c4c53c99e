// The demo market's lots: live listings of the three seed sellers, entered through the listing form, with drawn photos.
import { and, eq, inArray } from 'drizzle-orm';
import sharp from 'sharp';
import type { DbOrTx } from './client';
import { categories, memberships } from './schema';
import { type Upload, attachFiles } from '../app/listings/files.server';
import { marketToday, parseListingForm } from '../app/listings/form.server';
import { createListing } from '../app/listings/listings.server';

type SellerId = 'org_haixing' | 'org_maowei' | 'org_xuwen';

type Motif =
  | 'shrimp'
  | 'fish'
  | 'fillet'
  | 'crab'
  | 'oyster'
  | 'pineapple'
  | 'banana'
  | 'fruit'
  | 'berry'
  | 'tuber'
  | 'greens';

/** What the photos show: the product's shape and colours, and what it lies in (water, ice, frost, a crate). */
type Picture = {
  motif: Motif;
  /** Background gradient, the product's body colour, and a darker detail colour. */
  colours: { from: string; to: string; body: string; detail: string };
  setting: 'water' | 'ice' | 'frost' | 'crate' | 'field';
  /** Fish: spotted (grouper) or tall-finned (pompano); fruit: elongated; oysters: opened on the half shell. */
  variant?: 'spotted' | 'finned' | 'long' | 'half';
};

type DemoLot = {
  seller: SellerId;
  /** Harvested this many market days before the seeding day, so the lots stay fresh whenever the seed runs. */
  harvestedDaysAgo: number;
  picture: Picture;
  /** Exactly the fields the listing form posts, less the harvest date. */
  form: Record<string, string>;
};

/** Price tiers as the form posts them: the first applies from the MOQ, the others from a quantity in the listing's unit. */
function tiers(first: string, ...more: [min: string, price: string][]): Record<string, string> {
  const fields: Record<string, string> = { 'tiers.0.min': '', 'tiers.0.price': first };
  more.forEach(([min, price], i) => {
    fields[`tiers.${i + 1}.min`] = min;
    fields[`tiers.${i + 1}.price`] = price;
  });
  return fields;
}

function spec(values: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(values).map(([key, value]) => [`spec.${key}`, value]));
}

const HAIXING = { originName: '湛江东海岛', originRegion: '广东', saleMode: 'fixed' };
const MAOWEI = { originName: '钦州茅尾海', originRegion: '广西', saleMode: 'fixed' };
const XUWEN = { originName: '徐闻曲界', originRegion: '广东', saleMode: 'fixed' };

const POND = '湛江东海岛海兴养殖场塘头（东简镇）';
const XIASHAN = '湛江霞山水产品批发市场 3 号冷库';
const XIASHAN_COLD = '湛江霞山冷链物流园 A 区 12 号库';
const LONGMEN = '钦州茅尾海龙门港蚝排码头';
const QINZHOU_COLD = '钦州港冷链物流中心 2 号库';
const QUJIE = '徐闻曲界镇菠萝的海产地仓';
const XIAQIAO = '徐闻下桥镇果蔬预冷库';

const LIVE_SHRIMP = { from: '#e3f1f2', to: '#6fa6b8', body: '#a9bcbc', detail: '#56747a' };
const ICED_SHRIMP = { from: '#f4f8fa', to: '#a9c8d6', body: '#c6d0cb', detail: '#7d948e' };
const FROZEN_SHRIMP = { from: '#f7fbff', to: '#b9d3e8', body: '#d6a99a', detail: '#9c6a5c' };

export const DEMO_LOTS: DemoLot[] = [
  // 海兴: whiteleg shrimp ponds on Donghai Island, with tilapia, pompano, grouper and crab alongside.
  {
    seller: 'org_haixing',
    harvestedDaysAgo: 0,
    picture: { motif: 'shrimp', colours: LIVE_SHRIMP, setting: 'water' },
    form: {
      ...HAIXING,
      categoryId: 'whiteleg-shrimp',
      titleZh: '湛江南美白对虾 40/50 头 塘头鲜活',
      titleEn: 'Zhanjiang whiteleg shrimp 40/50, live from the pond',
      descriptionZh:
        '东海岛自家高位池养殖，当天起捕，规格均匀，活力足，软壳率低于 2%。塘头过秤，充氧泡沫箱打包，湛江市区 4 小时内送到冷库或档口。可开产地检疫证明。',
      descriptionEn:
        'Raised in our own lined ponds on Donghai Island and harvested the same day. Even sizing, lively, under 2% soft shells. Weighed at the pond and packed in oxygenated foam boxes; delivered to any Zhanjiang cold store or stall within 4 hours. Origin quarantine certificate on request.',
      ...spec({ count: '40/50', state: 'live', processing: 'whole' }),
      shelfLifeDays: '3',
      quantity: '3000',
      unit: 'kg',
      moq: '100',
      priceUnit: 'kg',
      ...tiers('42', ['500', '40.50'], ['1500', '39']),
      coldChain: 'live',
      pickupPlace: POND,
    },
  },
  {
    seller: 'org_haixing',
    harvestedDaysAgo: 0,
    picture: { motif: 'shrimp', colours: LIVE_SHRIMP, setting: 'water' },
    form: {
      ...HAIXING,
      categoryId: 'whiteleg-shrimp',
      titleZh: '南美白对虾 30/40 头 大规格 鲜活',
      titleEn: 'Whiteleg shrimp 30/40, large, live',
      descriptionZh:
        '养足 100 天的大规格虾，个头大、虾壳硬，适合酒楼白灼、椒盐。早上 6 点起捕，霞山市场冷库自提，也可安排活虾车配送珠三角。',
      descriptionEn:
        'Large shrimp grown a full 100 days, firm shells, good for poaching and salt-and-pepper dishes in restaurants. Harvested at 6 a.m.; collect at the Xiashan market cold store, or we arrange a live-haul truck to the Pearl River Delta.',
      ...spec({ count: '30/40', state: 'live', processing: 'whole' }),
      shelfLifeDays: '3',
      quantity: '1200',
      unit: 'kg',
      moq: '50',
      priceUnit: 'kg',
      ...tiers('48', ['300', '46.50'], ['800', '45']),
      coldChain: 'live',
      pickupPlace: XIASHAN,
    },
  },
  {
    seller: 'org_haixing',
    harvestedDaysAgo: 0,
    picture: { motif: 'shrimp', colours: ICED_SHRIMP, setting: 'ice' },
    form: {
      ...HAIXING,
      categoryId: 'whiteleg-shrimp',
      titleZh: '白对虾 60/70 头 冰鲜 当天捕捞',
      titleEn: 'Whiteleg shrimp 60/70, fresh on ice, caught today',
      descriptionZh:
        '起捕后立即冰水预冷，一层冰一层虾装箱，到货虾体硬挺、不红头不黑头。适合食堂、商超冰鲜柜和夜市大排档，量大可议。',
      descriptionEn:
        'Chilled in ice water straight after harvest and packed in layers of ice; arrives firm, with no red or black heads. Suits canteens, supermarket ice counters and night-market stalls; larger volumes negotiable.',
      ...spec({ count: '60/70', state: 'fresh', processing: 'whole' }),
      shelfLifeDays: '4',
      quantity: '5000',
      unit: 'kg',
      moq: '200',
      priceUnit: 'kg',
      ...tiers('34', ['1000', '33'], ['3000', '32']),
      coldChain: 'chilled',
      pickupPlace: XIASHAN,
    },
  },
  {
    seller: 'org_haixing',
    harvestedDaysAgo: 6,
    picture: { motif: 'shrimp', colours: FROZEN_SHRIMP, setting: 'frost' },
    form: {
      ...HAIXING,
      categoryId: 'whiteleg-shrimp',
      titleZh: '南美白对虾 50/60 头 单冻 整箱 12 公斤',
      titleEn: 'Whiteleg shrimp 50/60, IQF frozen, 12 kg cartons',
      descriptionZh:
        'IQF 单冻带头虾，包冰 10%，6×2 公斤彩盒一箱，净重 12 公斤。-18℃ 冷库存放，出库单、检测报告齐全，整柜可谈。',
      descriptionEn:
        'IQF head-on shrimp, 10% glaze, six 2 kg retail boxes per carton, 12 kg net. Stored at -18 °C with warehouse receipts and lab reports; full containers negotiable.',
      ...spec({ count: '50/60', state: 'frozen', processing: 'whole', glaze: '10' }),
      shelfLifeDays: '180',
      quantity: '800',
      unit: 'case',
      caseNetKg: '12',
      moq: '20',
      priceUnit: 'kg',
      ...tiers('36', ['100', '35'], ['300', '34']),
      coldChain: 'frozen',
      pickupPlace: XIASHAN_COLD,
    },
  },
  {
    seller: 'org_haixing',
    harvestedDaysAgo: 9,
    picture: { motif: 'shrimp', colours: FROZEN_SHRIMP, setting: 'frost' },
    form: {
      ...HAIXING,
      categoryId: 'whiteleg-shrimp',
      titleZh: '白对虾 80/100 头 板冻 加工原料',
      titleEn: 'Whiteleg shrimp 80/100, block frozen, processing stock',
      descriptionZh:
        '小规格板冻虾，每板 2 公斤，包冰 15%，适合剥虾仁、做虾滑、虾饺馅。按吨走货，5 吨以上另有优惠。',
      descriptionEn:
        'Small shrimp frozen in 2 kg blocks, 15% glaze, for peeling, shrimp paste and dumpling filling. Sold by the tonne; better prices from 5 t.',
      ...spec({ count: '80/100', state: 'frozen', processing: 'whole', glaze: '15' }),
      shelfLifeDays: '180',
      quantity: '20',
      unit: 't',
      moq: '1',
      priceUnit: 'kg',
      ...tiers('32', ['5', '31'], ['10', '30']),
      coldChain: 'frozen',
      pickupPlace: XIASHAN_COLD,
    },
  },
  {
    seller: 'org_haixing',
    harvestedDaysAgo: 0,
    picture: {
      motif: 'shrimp',
      colours: { from: '#e6efe9', to: '#5f8f8a', body: '#4a5656', detail: '#d9c27a' },
      setting: 'water',
    },
    form: {
      ...HAIXING,
      categoryId: 'black-tiger-prawn',
      titleZh: '斑节对虾（草虾）20/30 头 鲜活',
      titleEn: 'Black tiger prawn 20/30, live',
      descriptionZh:
        '土塘混养草虾，虾身花纹清晰，肉质紧实有甜味。每天捕捞量有限，提前一天下单，活虾充氧装箱。',
      descriptionEn:
        'Tiger prawns from our earthen ponds, clear banding, firm sweet meat. Daily catch is limited: order a day ahead. Packed live in oxygenated boxes.',
      ...spec({ count: '20/30', state: 'live', processing: 'whole' }),
      shelfLifeDays: '3',
      quantity: '500',
      unit: 'kg',
      moq: '10',
      priceUnit: 'kg',
      ...tiers('118', ['100', '112'], ['300', '108']),
      coldChain: 'live',
      pickupPlace: POND,
    },
  },
  {
    seller: 'org_haixing',
    harvestedDaysAgo: 8,
    picture: {
      motif: 'shrimp',
      colours: { from: '#f5f9fc', to: '#aac4d8', body: '#5c6460', detail: '#d6bf86' },
      setting: 'frost',
    },
    form: {
      ...HAIXING,
      categoryId: 'black-tiger-prawn',
      titleZh: '斑节对虾 30/40 头 去头冻虾',
      titleEn: 'Black tiger prawn 30/40, headless shell-on, frozen',
      descriptionZh: '去头带壳，单冻，包冰 8%，1 公斤袋装，10 袋一箱。适合西餐、日料及出口加工。',
      descriptionEn:
        'Headless shell-on, individually frozen, 8% glaze, 1 kg bags, 10 bags per carton. For Western and Japanese kitchens and export processors.',
      ...spec({ count: '30/40', state: 'frozen', processing: 'hlso', glaze: '8' }),
      shelfLifeDays: '180',
      quantity: '2000',
      unit: 'kg',
      moq: '100',
      priceUnit: 'kg',
      ...tiers('86', ['500', '83'], ['1000', '80']),
      coldChain: 'frozen',
      pickupPlace: XIASHAN_COLD,
    },
  },
  {
    seller: 'org_haixing',
    harvestedDaysAgo: 0,
    picture: {
      motif: 'fish',
      colours: { from: '#e4eee8', to: '#6f9a8c', body: '#7d8a8c', detail: '#3f4a4c' },
      setting: 'water',
    },
    form: {
      ...HAIXING,
      categoryId: 'tilapia',
      titleZh: '罗非鱼 鲜活 500-800 克/条 塘头直供',
      titleEn: 'Live tilapia, 500–800 g each, straight from the pond',
      descriptionZh:
        '虾鱼混养塘出鱼，无泥腥味，规格整齐。活鱼车塘头装车，5 吨起整车发，适合批发市场和加工厂。',
      descriptionEn:
        'From our mixed shrimp-and-fish ponds, no muddy taste, even sizes. Loaded live onto tank trucks at the pond; full trucks from 5 t for wholesale markets and processors.',
      ...spec({ weightPerFish: '650', state: 'live', cut: 'whole' }),
      shelfLifeDays: '3',
      quantity: '20',
      unit: 't',
      moq: '1',
      priceUnit: 'kg',
      ...tiers('9.60', ['5', '9.20'], ['10', '8.80']),
      coldChain: 'live',
      pickupPlace: POND,
    },
  },
  {
    seller: 'org_haixing',
    harvestedDaysAgo: 7,
    picture: {
      motif: 'fillet',
      colours: { from: '#f7fbff', to: '#bcd2e4', body: '#f1ddd3', detail: '#dcae9c' },
      setting: 'frost',
    },
    form: {
      ...HAIXING,
      categoryId: 'tilapia',
      titleZh: '罗非鱼片 去皮 冷冻 3-5 两/片',
      titleEn: 'Tilapia fillets, skinless, frozen, 150–250 g',
      descriptionZh: '鲜活罗非鱼现宰现剖，去皮去骨，单冻独立包装，10 公斤一箱。适合团餐、酸菜鱼和烤鱼门店。',
      descriptionEn:
        'Filleted from live fish, skinned and boned, individually frozen and wrapped, 10 kg per carton. For catering, pickled-cabbage fish and grilled-fish restaurants.',
      ...spec({ weightPerFish: '800', state: 'frozen', cut: 'fillet' }),
      shelfLifeDays: '180',
      quantity: '8000',
      unit: 'kg',
      moq: '500',
      priceUnit: 'kg',
      ...tiers('26', ['2000', '25'], ['5000', '24']),
      coldChain: 'frozen',
      pickupPlace: XIASHAN_COLD,
    },
  },
  {
    seller: 'org_haixing',
    harvestedDaysAgo: 1,
    picture: {
      motif: 'fish',
      colours: { from: '#f1f6f8', to: '#9ab9c9', body: '#c3c9cf', detail: '#e0bd4f' },
      setting: 'ice',
      variant: 'finned',
    },
    form: {
      ...HAIXING,
      categoryId: 'golden-pompano',
      titleZh: '金鲳鱼 冰鲜 400-500 克/条',
      titleEn: 'Golden pompano, fresh on ice, 400–500 g',
      descriptionZh: '近海网箱养殖，起水后冰浆速冷，鱼鳞完整、眼亮鳃红。泡沫箱加冰，每箱 15 公斤。',
      descriptionEn:
        'From inshore net cages, slurry-iced on landing: scales intact, bright eyes, red gills. Foam boxes with ice, 15 kg per box.',
      ...spec({ weightPerFish: '450', state: 'fresh' }),
      shelfLifeDays: '5',
      quantity: '4000',
      unit: 'kg',
      moq: '100',
      priceUnit: 'kg',
      ...tiers('26', ['1000', '25'], ['2000', '24']),
      coldChain: 'chilled',
      pickupPlace: XIASHAN,
    },
  },
  {
    seller: 'org_haixing',
    harvestedDaysAgo: 0,
    picture: {
      motif: 'fish',
      colours: { from: '#e9efe6', to: '#5d8a7a', body: '#6b5a3e', detail: '#e0cf9a' },
      setting: 'water',
      variant: 'spotted',
    },
    form: {
      ...HAIXING,
      categoryId: 'grouper',
      titleZh: '珍珠龙胆石斑 鲜活 1-1.5 斤/条',
      titleEn: 'Pearl hybrid grouper, live, 500–750 g',
      descriptionZh: '工厂化循环水养殖，停喂吊水两天再出鱼，肉质清爽。活鱼袋充氧发货，酒楼稳定供货可签月单。',
      descriptionEn:
        'Grown in recirculating tanks and purged two days before sale for a clean taste. Shipped live in oxygen bags; monthly supply contracts for restaurants.',
      ...spec({ variety: 'hybrid', weightPerFish: '650', state: 'live' }),
      shelfLifeDays: '3',
      quantity: '800',
      unit: 'kg',
      moq: '30',
      priceUnit: 'kg',
      ...tiers('58', ['200', '56'], ['500', '54']),
      saleMode: 'negotiable',
      coldChain: 'live',
      pickupPlace: POND,
    },
  },
  {
    seller: 'org_haixing',
    harvestedDaysAgo: 0,
    picture: {
      motif: 'crab',
      colours: { from: '#eef1ea', to: '#7c9a86', body: '#3e5446', detail: '#c7673a' },
      setting: 'crate',
    },
    form: {
      ...HAIXING,
      categoryId: 'mud-crab',
      titleZh: '湛江青蟹 肉蟹 6-7 两/只 鲜活',
      titleEn: 'Zhanjiang mud crab, male, 300–350 g, live',
      descriptionZh: '红树林滩涂放养肉蟹，肉足壳硬，草绳捆扎，湿麻袋保活。按只挑拣，死蟹包赔。',
      descriptionEn:
        'Male crabs raised on the mangrove flats: full of meat, hard shells, tied with straw and kept in wet sacks. Hand-graded; dead crabs refunded.',
      ...spec({ sex: 'male', weightPerCrab: '350', state: 'live' }),
      shelfLifeDays: '4',
      quantity: '600',
      unit: 'kg',
      moq: '20',
      priceUnit: 'kg',
      ...tiers('110', ['100', '105'], ['300', '100']),
      coldChain: 'live',
      pickupPlace: XIASHAN,
    },
  },

  // 茅尾海: an oyster cooperative on the rafts of Qinzhou, with crab and cage-farmed pompano.
  {
    seller: 'org_maowei',
    harvestedDaysAgo: 0,
    picture: {
      motif: 'oyster',
      colours: { from: '#eef0ec', to: '#8da3a8', body: '#8f9088', detail: '#d8d6c9' },
      setting: 'crate',
    },
    form: {
      ...MAOWEI,
      categoryId: 'oyster',
      titleZh: '钦州茅尾海生蚝 10-12 厘米 带壳鲜活',
      titleEn: 'Qinzhou Maowei Sea oysters, 10–12 cm, live in shell',
      descriptionZh:
        '咸淡水交汇的茅尾海吊养三年蚝，当天出排，高压冲洗去泥，网袋装，每袋约 100 只。肉肥汁多，适合炭烤、蒜蓉。',
      descriptionEn:
        'Three-year rope-grown oysters from the brackish Maowei Sea, lifted from the rafts today, pressure-washed and bagged about 100 to a net. Plump and juicy, for charcoal grilling and garlic steaming.',
      ...spec({ shellLength: '11', form: 'shell', state: 'live' }),
      shelfLifeDays: '5',
      quantity: '60000',
      unit: 'piece',
      moq: '500',
      priceUnit: 'piece',
      ...tiers('2.20', ['5000', '2'], ['20000', '1.80']),
      coldChain: 'chilled',
      pickupPlace: LONGMEN,
    },
  },
  {
    seller: 'org_maowei',
    harvestedDaysAgo: 1,
    picture: {
      motif: 'oyster',
      colours: { from: '#f1f1ec', to: '#97a9a2', body: '#7f8079', detail: '#e2dfd1' },
      setting: 'ice',
    },
    form: {
      ...MAOWEI,
      categoryId: 'oyster',
      titleZh: '茅尾海特大生蚝 14 厘米以上 酒楼刺身级',
      titleEn: 'Extra-large Maowei oysters, 14 cm and up, restaurant grade',
      descriptionZh: '精选单只 14 厘米以上大蚝，逐只敲检，空壳、死蚝剔除。冰鲜保温箱发货，广州、深圳次日达。',
      descriptionEn:
        'Hand-picked oysters over 14 cm, each one tapped and checked, empties and dead ones removed. Shipped chilled in insulated boxes, next day to Guangzhou and Shenzhen.',
      ...spec({ shellLength: '15', form: 'shell', state: 'live' }),
      shelfLifeDays: '5',
      quantity: '20000',
      unit: 'piece',
      moq: '200',
      priceUnit: 'piece',
      ...tiers('3.80', ['2000', '3.60'], ['10000', '3.40']),
      coldChain: 'chilled',
      pickupPlace: LONGMEN,
    },
  },
  {
    seller: 'org_maowei',
    harvestedDaysAgo: 0,
    picture: {
      motif: 'oyster',
      colours: { from: '#efeee8', to: '#a39f8c', body: '#96958b', detail: '#cfcab8' },
      setting: 'crate',
    },
    form: {
      ...MAOWEI,
      categoryId: 'oyster',
      titleZh: '烧烤生蚝 7-9 厘米 带壳 量大从优',
      titleEn: 'Barbecue oysters, 7–9 cm, in shell, better price by volume',
      descriptionZh: '夜宵烧烤专用规格，个头匀称、壳薄肉满。万只以上每只再减一毛，可代开壳。',
      descriptionEn:
        'The barbecue size for late-night stalls: even, thin-shelled and full. Ten cents off per piece from 10,000; shucking service available.',
      ...spec({ shellLength: '8', form: 'shell', state: 'live' }),
      shelfLifeDays: '5',
      quantity: '80000',
      unit: 'piece',
      moq: '1000',
      priceUnit: 'piece',
      ...tiers('1.50', ['10000', '1.40'], ['50000', '1.30']),
      coldChain: 'chilled',
      pickupPlace: LONGMEN,
    },
  },
  {
    seller: 'org_maowei',
    harvestedDaysAgo: 4,
    picture: {
      motif: 'oyster',
      colours: { from: '#f6fafd', to: '#b3cadb', body: '#a5a69d', detail: '#eadfc4' },
      setting: 'frost',
      variant: 'half',
    },
    form: {
      ...MAOWEI,
      categoryId: 'oyster',
      titleZh: '半壳生蚝 单冻 10-12 厘米',
      titleEn: 'Half-shell oysters, IQF frozen, 10–12 cm',
      descriptionZh:
        '鲜蚝开壳后 2 小时内速冻，保留半壳和原汁，每盒 12 只，40 盒一箱。自助餐、烧烤店解冻即用。',
      descriptionEn:
        'Opened and blast-frozen within 2 hours, on the half shell with their juice; 12 per tray, 40 trays per carton. Thaw and serve for buffets and grills.',
      ...spec({ shellLength: '11', form: 'half', state: 'frozen' }),
      shelfLifeDays: '180',
      quantity: '40000',
      unit: 'piece',
      moq: '1000',
      priceUnit: 'piece',
      ...tiers('2.80', ['5000', '2.60'], ['20000', '2.50']),
      coldChain: 'frozen',
      pickupPlace: QINZHOU_COLD,
    },
  },
  {
    seller: 'org_maowei',
    harvestedDaysAgo: 0,
    picture: {
      motif: 'crab',
      colours: { from: '#f0efe6', to: '#8a9a7c', body: '#405a4a', detail: '#d0703a' },
      setting: 'crate',
    },
    form: {
      ...MAOWEI,
      categoryId: 'mud-crab',
      titleZh: '钦州膏蟹 母蟹 6-8 两/只 满膏',
      titleEn: 'Qinzhou mud crab, female with roe, 300–400 g',
      descriptionZh: '茅尾海红树林野放膏蟹，灯照挑选，膏满至角。每只单独捆绑编号，可附溯源卡。',
      descriptionEn:
        'Roe crabs from the Maowei mangroves, candled so the roe reaches the shell points. Each tied and numbered individually; trace cards available.',
      ...spec({ sex: 'female', weightPerCrab: '350', state: 'live' }),
      shelfLifeDays: '4',
      quantity: '500',
      unit: 'kg',
      moq: '10',
      priceUnit: 'kg',
      ...tiers('160', ['50', '152'], ['200', '145']),
      saleMode: 'negotiable',
      coldChain: 'live',
      pickupPlace: LONGMEN,
    },
  },
  {
    seller: 'org_maowei',
    harvestedDaysAgo: 5,
    picture: {
      motif: 'fish',
      colours: { from: '#f5f9fd', to: '#a7c0d6', body: '#b8bec4', detail: '#d9b44a' },
      setting: 'frost',
      variant: 'finned',
    },
    form: {
      ...MAOWEI,
      categoryId: 'golden-pompano',
      titleZh: '深海网箱金鲳鱼 冷冻 1-1.2 斤/条',
      titleEn: 'Offshore-cage golden pompano, frozen, 500–600 g',
      descriptionZh:
        '钦州湾深水网箱养殖，起捕即冰浆致死、-35℃ 速冻，每条独立包装，10 公斤一箱。出口、商超、团餐均可。',
      descriptionEn:
        'From deep-water cages in Qinzhou Bay, ice-slurry killed at harvest and blast-frozen at -35 °C, individually wrapped, 10 kg per carton. For export, supermarkets and catering.',
      ...spec({ weightPerFish: '550', state: 'frozen' }),
      shelfLifeDays: '180',
      quantity: '10',
      unit: 't',
      moq: '0.5',
      priceUnit: 'kg',
      ...tiers('24', ['3', '23'], ['6', '22']),
      coldChain: 'frozen',
      pickupPlace: QINZHOU_COLD,
    },
  },

  // 菠萝的海: Xuwen's pineapple fields, with the county's other fruit and vegetables.
  {
    seller: 'org_xuwen',
    harvestedDaysAgo: 1,
    picture: {
      motif: 'pineapple',
      colours: { from: '#fbf3d9', to: '#c9b46a', body: '#e0a93a', detail: '#7a5a1e' },
      setting: 'field',
    },
    form: {
      ...XUWEN,
      categoryId: 'pineapple',
      titleZh: '徐闻菠萝 巴厘 特级大果 产地直发',
      titleEn: 'Xuwen pineapple, Bali, premium large, shipped from the farm',
      descriptionZh:
        '菠萝的海核心产区红土地种植，单果 2-3 斤，八成熟采摘，果眼浅、香味足。产地仓分级装筐，整车发全国批发市场。',
      descriptionEn:
        'Grown on the red soil at the heart of the "Pineapple Sea", 1–1.5 kg each, picked 80% ripe: shallow eyes, strong aroma. Graded and crated at our farm warehouse; full trucks to wholesale markets nationwide.',
      ...spec({ variety: 'bali', grade: 'premium', size: 'l', brix: '15', ripeness: 'turning' }),
      shelfLifeDays: '10',
      quantity: '20',
      unit: 't',
      moq: '1',
      priceUnit: 'jin',
      ...tiers('3.20', ['5', '3'], ['10', '2.80']),
      coldChain: 'ambient',
      pickupPlace: QUJIE,
    },
  },
  {
    seller: 'org_xuwen',
    harvestedDaysAgo: 1,
    picture: {
      motif: 'pineapple',
      colours: { from: '#fcf5dc', to: '#b9c27a', body: '#d9b44a', detail: '#6e5420' },
      setting: 'crate',
    },
    form: {
      ...XUWEN,
      categoryId: 'pineapple',
      titleZh: '台农香水菠萝 一级 中大果',
      titleEn: 'Tainong "perfume" pineapple, grade 1, medium to large',
      descriptionZh: '台农 16 号，免削皮可手剥，糖度 17 左右，香气浓。纸箱装每箱 15 斤，适合水果店、商超。',
      descriptionEn:
        'Tainong No. 16, peels by hand without a knife, about 17 °Bx with a rich scent. 7.5 kg cartons for fruit shops and supermarkets.',
      ...spec({ variety: 'tainong', grade: 'first', size: 'm', brix: '17', ripeness: 'turning' }),
      shelfLifeDays: '10',
      quantity: '8',
      unit: 't',
      moq: '0.5',
      priceUnit: 'jin',
      ...tiers('3.80', ['2', '3.60'], ['5', '3.50']),
      coldChain: 'ambient',
      pickupPlace: QUJIE,
    },
  },
  {
    seller: 'org_xuwen',
    harvestedDaysAgo: 0,
    picture: {
      motif: 'pineapple',
      colours: { from: '#fff6d6', to: '#d9a24a', body: '#f0b63a', detail: '#8a5a16' },
      setting: 'field',
    },
    form: {
      ...XUWEN,
      categoryId: 'pineapple',
      titleZh: '金钻凤梨 特级 糖度 18 以上',
      titleEn: 'Golden diamond pineapple, premium, 18 °Bx and up',
      descriptionZh: '金钻凤梨九成熟采摘，果肉金黄无硬心，逐果测糖。礼盒、电商、精品水果店首选，按单配箱。',
      descriptionEn:
        'Golden diamond pineapples picked 90% ripe, golden flesh with no hard core, every fruit sugar-tested. For gift boxes, online shops and premium fruit stores; boxed to order.',
      ...spec({ variety: 'golden', grade: 'premium', size: 'l', brix: '18', ripeness: 'ripe' }),
      shelfLifeDays: '7',
      quantity: '5',
      unit: 't',
      moq: '0.5',
      priceUnit: 'jin',
      ...tiers('4', ['2', '3.80'], ['4', '3.60']),
      coldChain: 'ambient',
      pickupPlace: QUJIE,
    },
  },
  {
    seller: 'org_xuwen',
    harvestedDaysAgo: 2,
    picture: {
      motif: 'pineapple',
      colours: { from: '#f6efd6', to: '#b0a06a', body: '#d29a3a', detail: '#6a4a18' },
      setting: 'crate',
    },
    form: {
      ...XUWEN,
      categoryId: 'pineapple',
      titleZh: '巴厘菠萝 二级 小果 加工榨汁料',
      titleEn: 'Bali pineapple, grade 2, small, for processing and juice',
      descriptionZh:
        '单果 1-1.5 斤，外观有轻微斑点不影响果肉，出汁率高。罐头厂、果汁厂、茶饮店长期供货，散装上车。',
      descriptionEn:
        'Fruit of 0.5–0.75 kg with light skin marks that do not touch the flesh; high juice yield. Standing supply for canneries, juice plants and tea shops, loaded loose.',
      ...spec({ variety: 'bali', grade: 'second', size: 's', brix: '13', ripeness: 'ripe' }),
      shelfLifeDays: '7',
      quantity: '15',
      unit: 't',
      moq: '2',
      priceUnit: 'jin',
      ...tiers('2.50', ['5', '2.40'], ['10', '2.30']),
      coldChain: 'ambient',
      pickupPlace: QUJIE,
    },
  },
  {
    seller: 'org_xuwen',
    harvestedDaysAgo: 1,
    picture: {
      motif: 'banana',
      colours: { from: '#f6f7de', to: '#9db06a', body: '#b9cc4a', detail: '#5b6b22' },
      setting: 'crate',
    },
    form: {
      ...XUWEN,
      categoryId: 'banana',
      titleZh: '徐闻香蕉 一级 七成熟 耐运输',
      titleEn: 'Xuwen bananas, grade 1, 70% green, travel well',
      descriptionZh:
        '七成熟下树，落梳清洗、保鲜处理后纸箱包装，每箱 13 公斤。适合长途发往华东、华北后催熟销售。',
      descriptionEn:
        'Cut 70% green, dehanded, washed and treated, packed 13 kg to a carton. Built for long hauls to East and North China and ripening at destination.',
      ...spec({ grade: 'first', size: 'l', ripeness: 'green' }),
      shelfLifeDays: '14',
      quantity: '12',
      unit: 't',
      moq: '1',
      priceUnit: 'jin',
      ...tiers('2.20', ['3', '2.10'], ['8', '2']),
      coldChain: 'ambient',
      pickupPlace: XIAQIAO,
    },
  },
  {
    seller: 'org_xuwen',
    harvestedDaysAgo: 1,
    picture: {
      motif: 'fruit',
      colours: { from: '#fdf4d8', to: '#d9b25a', body: '#e8b43a', detail: '#d96a3a' },
      setting: 'crate',
    },
    form: {
      ...XUWEN,
      categoryId: 'mango',
      titleZh: '台农芒果 一级 中果 树上自然挂果',
      titleEn: 'Tainong mango, grade 1, medium, ripened on the tree',
      descriptionZh: '单果 3-5 两，果皮光滑少斑，纤维少、甜度高。网套加纸箱，每箱 10 斤。',
      descriptionEn:
        'Fruit of 150–250 g with smooth, clean skin, little fibre and plenty of sugar. Foam-netted in 5 kg cartons.',
      ...spec({ variety: 'tainong', grade: 'first', size: 'm', brix: '16', ripeness: 'turning' }),
      shelfLifeDays: '10',
      quantity: '6',
      unit: 't',
      moq: '0.5',
      priceUnit: 'jin',
      ...tiers('3.60', ['2', '3.40'], ['5', '3.20']),
      coldChain: 'ambient',
      pickupPlace: XIAQIAO,
    },
  },
  {
    seller: 'org_xuwen',
    harvestedDaysAgo: 2,
    picture: {
      motif: 'fruit',
      colours: { from: '#f4f6dc', to: '#a8b86a', body: '#c9c24a', detail: '#e07a3a' },
      setting: 'field',
      variant: 'long',
    },
    form: {
      ...XUWEN,
      categoryId: 'mango',
      titleZh: '金煌芒 特大果 单果 1 斤以上',
      titleEn: 'Jinhuang mango, extra large, over 500 g each',
      descriptionZh: '金煌芒青皮采摘，后熟后皮转金黄，果核薄、出肉率高。适合水果捞、甜品店和切果档。',
      descriptionEn:
        'Jinhuang mangoes picked green; the skin turns gold as they ripen. Thin stones and a high flesh yield, for dessert shops and cut-fruit stalls.',
      ...spec({ variety: 'jinhuang', grade: 'premium', size: 'xl', brix: '15', ripeness: 'green' }),
      shelfLifeDays: '12',
      quantity: '3',
      unit: 't',
      moq: '0.3',
      priceUnit: 'jin',
      ...tiers('4.80', ['1', '4.50'], ['2', '4.20']),
      coldChain: 'ambient',
      pickupPlace: XIAQIAO,
    },
  },
  {
    seller: 'org_xuwen',
    harvestedDaysAgo: 1,
    picture: {
      motif: 'fruit',
      colours: { from: '#f7f4dc', to: '#9fb46a', body: '#e39a3a', detail: '#7fa64a' },
      setting: 'crate',
      variant: 'long',
    },
    form: {
      ...XUWEN,
      categoryId: 'papaya',
      titleZh: '徐闻红肉木瓜 一级 中果',
      titleEn: 'Xuwen red papaya, grade 1, medium',
      descriptionZh: '红肉品种，单果 1.5-2 斤，转色三成采摘，运输途中自然后熟。泡沫网套，每箱 20 斤。',
      descriptionEn:
        'A red-fleshed variety, 0.75–1 kg each, picked at 30% colour so it ripens on the road. Foam-netted, 10 kg per carton.',
      ...spec({ grade: 'first', size: 'm', brix: '12', ripeness: 'turning' }),
      shelfLifeDays: '7',
      quantity: '4',
      unit: 't',
      moq: '0.5',
      priceUnit: 'jin',
      ...tiers('2.80', ['1', '2.60'], ['3', '2.50']),
      coldChain: 'ambient',
      pickupPlace: XIAQIAO,
    },
  },
  {
    seller: 'org_xuwen',
    harvestedDaysAgo: 0,
    picture: {
      motif: 'berry',
      colours: { from: '#fbeee6', to: '#9fae7a', body: '#c8323c', detail: '#7a1a22' },
      setting: 'crate',
    },
    form: {
      ...XUWEN,
      categoryId: 'lychee',
      titleZh: '妃子笑荔枝 一级 当天采摘 预冷保鲜',
      titleEn: 'Feizixiao lychee, grade 1, picked today, pre-cooled',
      descriptionZh:
        '凌晨采摘，2 小时内进预冷库，带枝叶扎把，泡沫箱加冰瓶。果大核小，清甜爽脆，冷链车次日到广深。',
      descriptionEn:
        'Picked before dawn and in the pre-cooler within 2 hours, tied in bunches with leaves, foam boxes with ice packs. Large fruit, small stones, crisp and sweet; reefer trucks reach Guangzhou and Shenzhen next day.',
      ...spec({ variety: 'feizixiao', grade: 'first', size: 'l', brix: '17' }),
      shelfLifeDays: '5',
      quantity: '2000',
      unit: 'kg',
      moq: '100',
      priceUnit: 'jin',
      ...tiers('8', ['500', '7.50'], ['1000', '7']),
      coldChain: 'chilled',
      pickupPlace: XIAQIAO,
    },
  },
  {
    seller: 'org_xuwen',
    harvestedDaysAgo: 1,
    picture: {
      motif: 'berry',
      colours: { from: '#f6f0e2', to: '#a89a72', body: '#b88a50', detail: '#8a6236' },
      setting: 'crate',
    },
    form: {
      ...XUWEN,
      categoryId: 'longan',
      titleZh: '储良龙眼 一级 大果 核小肉厚',
      titleEn: 'Chuliang longan, grade 1, large, small seed, thick flesh',
      descriptionZh: '储良龙眼成串剪下，去叶留短枝，果肉厚、爽脆不流汁。预冷后冷链发货，每箱 10 斤。',
      descriptionEn:
        'Chuliang longan cut in clusters, leaves off and short stems left on: thick, crisp flesh that does not weep. Pre-cooled and shipped cold, 5 kg per box.',
      ...spec({ variety: 'chuliang', grade: 'first', size: 'l', brix: '20' }),
      shelfLifeDays: '10',
      quantity: '3000',
      unit: 'kg',
      moq: '100',
      priceUnit: 'jin',
      ...tiers('7.50', ['1000', '7'], ['2000', '6.50']),
      coldChain: 'chilled',
      pickupPlace: XIAQIAO,
    },
  },
  {
    seller: 'org_xuwen',
    harvestedDaysAgo: 2,
    picture: {
      motif: 'tuber',
      colours: { from: '#f3ebe0', to: '#a07a5a', body: '#9c3f4f', detail: '#5e2430' },
      setting: 'field',
    },
    form: {
      ...XUWEN,
      categoryId: 'sweet-potato',
      titleZh: '徐闻沙地红薯 红心 一级 100-300 克',
      titleEn: 'Xuwen sandy-soil sweet potato, red flesh, grade 1, 100–300 g',
      descriptionZh: '海边沙地种植，皮薄色红，烤出来流糖。机选分级，网袋每袋 20 公斤，耐储运。',
      descriptionEn:
        'Grown in the sandy soil by the coast: thin red skins, and they caramelise when roasted. Machine-graded, 20 kg mesh sacks, store and travel well.',
      ...spec({ variety: 'red', grade: 'first', weightPerTuber: '200' }),
      shelfLifeDays: '60',
      quantity: '20',
      unit: 't',
      moq: '1',
      priceUnit: 'jin',
      ...tiers('1.60', ['5', '1.50'], ['10', '1.40']),
      coldChain: 'ambient',
      pickupPlace: XIAQIAO,
    },
  },
  {
    seller: 'org_xuwen',
    harvestedDaysAgo: 0,
    picture: {
      motif: 'greens',
      colours: { from: '#eef5e4', to: '#7aa46a', body: '#3f8f3f', detail: '#f0d64a' },
      setting: 'crate',
    },
    form: {
      ...XUWEN,
      categoryId: 'leafy-vegetables',
      titleZh: '徐闻菜心 一级 当天采收 加冰装箱',
      titleEn: 'Choy sum, grade 1, cut today, packed with ice',
      descriptionZh: '早上采收，剔除黄叶老梗，扎把后泡沫箱加冰，下午装冷链车，次日凌晨到广州江南市场。',
      descriptionEn:
        'Cut in the morning, yellow leaves and woody stems removed, bunched into foam boxes with ice and on the reefer truck in the afternoon; at Guangzhou Jiangnan market before dawn.',
      ...spec({ variety: 'choy-sum', grade: 'first', bundle: '10 公斤泡沫箱加冰' }),
      shelfLifeDays: '3',
      quantity: '2000',
      unit: 'kg',
      moq: '100',
      priceUnit: 'jin',
      ...tiers('3.50', ['500', '3.30'], ['1000', '3']),
      coldChain: 'chilled',
      pickupPlace: XIAQIAO,
    },
  },
  {
    seller: 'org_xuwen',
    harvestedDaysAgo: 0,
    picture: {
      motif: 'greens',
      colours: { from: '#ecf3e8', to: '#6a946e', body: '#2f6e4f', detail: '#9cc9a0' },
      setting: 'crate',
    },
    form: {
      ...XUWEN,
      categoryId: 'leafy-vegetables',
      titleZh: '芥兰 一级 嫩茎 产地直供',
      titleEn: 'Kai-lan, grade 1, tender stems, direct from the farm',
      descriptionZh: '只取嫩茎嫩叶，茎粗一致，不空心不老。塑料筐装，每筐 15 公斤，适合酒楼、净菜加工。',
      descriptionEn:
        'Tender stems and leaves only, even thickness, never hollow or woody. 15 kg plastic crates for restaurants and fresh-cut processors.',
      ...spec({ variety: 'kailan', grade: 'first', bundle: '15 公斤塑料筐' }),
      shelfLifeDays: '4',
      quantity: '1500',
      unit: 'kg',
      moq: '100',
      priceUnit: 'jin',
      ...tiers('3', ['500', '2.80'], ['1000', '2.60']),
      coldChain: 'chilled',
      pickupPlace: XIAQIAO,
    },
  },
];

// ---------------------------------------------------------------------------------------------
// Photos: drawn as SVG and rasterised by sharp. No text, so they render the same on any machine.

const WIDTH = 800;
const HEIGHT = 600;

type Rng = () => number;

/** A small seeded generator (FNV-1a hash into mulberry32), so a lot's photos are the same on every seed. */
function seededRng(seed: string): Rng {
  let h = 2166136261;
  for (let i = 0; i < seed.length; i++) h = Math.imul(h ^ seed.charCodeAt(i), 16777619);
  let state = h >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const n = (value: number) => value.toFixed(1);
const between = (rng: Rng, min: number, max: number) => min + rng() * (max - min);
const polar = (r: number, degrees: number) => {
  const a = (degrees * Math.PI) / 180;
  return { x: r * Math.cos(a), y: r * Math.sin(a) };
};
const place = (x: number, y: number, rotate: number, body: string) =>
  `<g transform="translate(${n(x)} ${n(y)}) rotate(${n(rotate)})">${body}</g>`;

function shrimp(size: number, c: Picture['colours']): string {
  const from = -40;
  const to = 215;
  const start = polar(size, from);
  const end = polar(size, to);
  const arc = `M ${n(start.x)} ${n(start.y)} A ${n(size)} ${n(size)} 0 1 1 ${n(end.x)} ${n(end.y)}`;
  const segments = Array.from({ length: 6 }, (_, i) => {
    const angle = from + ((i + 1) * (to - from)) / 7;
    const inner = polar(size * 0.78, angle);
    const outer = polar(size * 1.22, angle);
    return `<line x1="${n(inner.x)}" y1="${n(inner.y)}" x2="${n(outer.x)}" y2="${n(outer.y)}" stroke="${c.detail}" stroke-width="${n(size * 0.05)}" stroke-opacity="0.6"/>`;
  }).join('');
  const tail = polar(size, from - 8);
  const tailTip = polar(size * 1.05, from - 38);
  const head = polar(size, to);
  const feeler = (bend: number) =>
    `<path d="M ${n(head.x)} ${n(head.y)} q ${n(-size * 0.6)} ${n(bend * size)} ${n(-size * 1.6)} ${n(bend * size * 0.4)}" fill="none" stroke="${c.detail}" stroke-width="2" stroke-opacity="0.7"/>`;
  return [
    `<path d="${arc}" fill="none" stroke="${c.body}" stroke-width="${n(size * 0.5)}" stroke-linecap="round"/>`,
    `<path d="${arc}" fill="none" stroke="#ffffff" stroke-opacity="0.25" stroke-width="${n(size * 0.14)}" stroke-linecap="round" transform="translate(${n(-size * 0.06)} ${n(-size * 0.06)})"/>`,
    segments,
    `<path d="M ${n(tail.x)} ${n(tail.y)} L ${n(tailTip.x + size * 0.25)} ${n(tailTip.y)} L ${n(tailTip.x - size * 0.2)} ${n(tailTip.y + size * 0.1)} Z" fill="${c.detail}" fill-opacity="0.8"/>`,
    `<circle cx="${n(head.x + size * 0.05)}" cy="${n(head.y - size * 0.12)}" r="${n(size * 0.06)}" fill="#1d2326"/>`,
    feeler(-0.5),
    feeler(0.3),
  ].join('');
}

function fish(size: number, c: Picture['colours'], variant: Picture['variant'], rng: Rng): string {
  const length = size * 2.2;
  const height = variant === 'finned' ? size * 0.95 : size * 0.6;
  const half = length / 2;
  const body = `M ${n(half)} 0 C ${n(half * 0.5)} ${n(-height)} ${n(-half * 0.5)} ${n(-height)} ${n(-half * 0.8)} 0 C ${n(-half * 0.5)} ${n(height)} ${n(half * 0.5)} ${n(height)} ${n(half)} 0 Z`;
  const tail = `M ${n(-half * 0.75)} 0 L ${n(-half * 1.15)} ${n(-height * 0.75)} L ${n(-half * 1.02)} 0 L ${n(-half * 1.15)} ${n(height * 0.75)} Z`;
  const parts = [
    `<path d="${tail}" fill="${variant === 'finned' ? c.detail : c.body}"/>`,
    `<path d="M ${n(-half * 0.1)} ${n(-height * 0.7)} L ${n(-half * 0.45)} ${n(-height * (variant === 'finned' ? 1.25 : 0.95))} L ${n(-half * 0.55)} ${n(-height * 0.55)} Z" fill="${variant === 'finned' ? c.detail : c.body}"/>`,
    `<path d="${body}" fill="${c.body}"/>`,
    `<ellipse cx="${n(half * 0.05)}" cy="${n(height * 0.3)}" rx="${n(half * 0.55)}" ry="${n(height * 0.25)}" fill="#ffffff" fill-opacity="0.22"/>`,
    `<path d="M ${n(half * 0.55)} ${n(-height * 0.45)} q ${n(-half * 0.12)} ${n(height * 0.45)} 0 ${n(height * 0.9)}" fill="none" stroke="${c.detail}" stroke-width="3" stroke-opacity="0.5"/>`,
    `<circle cx="${n(half * 0.72)}" cy="${n(-height * 0.15)}" r="${n(size * 0.09)}" fill="#f4f4f0"/>`,
    `<circle cx="${n(half * 0.73)}" cy="${n(-height * 0.15)}" r="${n(size * 0.05)}" fill="#15191a"/>`,
  ];
  if (variant === 'spotted') {
    for (let i = 0; i < 14; i++) {
      const x = between(rng, -half * 0.6, half * 0.45);
      const y = between(rng, -height * 0.45, height * 0.45);
      parts.push(
        `<circle cx="${n(x)}" cy="${n(y)}" r="${n(size * between(rng, 0.04, 0.08))}" fill="${c.detail}" fill-opacity="0.7"/>`,
      );
    }
  }
  return parts.join('');
}

function fillet(size: number, c: Picture['colours']): string {
  const w = size * 1.3;
  const h = size * 0.55;
  const shape = `M ${n(-w)} ${n(h * 0.2)} C ${n(-w * 0.4)} ${n(-h * 1.3)} ${n(w * 0.7)} ${n(-h * 1.1)} ${n(w)} ${n(-h * 0.1)} C ${n(w * 0.6)} ${n(h * 1.1)} ${n(-w * 0.5)} ${n(h * 1.2)} ${n(-w)} ${n(h * 0.2)} Z`;
  const lines = Array.from({ length: 5 }, (_, i) => {
    const x = -w * 0.6 + i * w * 0.32;
    return `<path d="M ${n(x)} ${n(-h * 0.6)} q ${n(w * 0.12)} ${n(h * 0.6)} 0 ${n(h * 1.2)}" fill="none" stroke="${c.detail}" stroke-width="3" stroke-opacity="0.55"/>`;
  }).join('');
  return `<path d="${shape}" fill="${c.body}"/>${lines}`;
}

function crab(size: number, c: Picture['colours']): string {
  const legs = [-1, 1]
    .flatMap((side) =>
      [0, 1, 2, 3].map((i) => {
        const y = -size * 0.15 + i * size * 0.2;
        const knee = { x: side * size * 1.35, y: y - size * 0.25 };
        const foot = { x: side * size * 1.65, y: y + size * 0.35 };
        return `<path d="M ${n(side * size * 0.7)} ${n(y)} L ${n(knee.x)} ${n(knee.y)} L ${n(foot.x)} ${n(foot.y)}" fill="none" stroke="${c.body}" stroke-width="${n(size * 0.12)}" stroke-linecap="round" stroke-linejoin="round"/>`;
      }),
    )
    .join('');
  const claw = (side: number) =>
    [
      `<path d="M ${n(side * size * 0.55)} ${n(-size * 0.45)} L ${n(side * size * 0.95)} ${n(-size * 0.95)}" stroke="${c.body}" stroke-width="${n(size * 0.2)}" stroke-linecap="round"/>`,
      `<ellipse cx="${n(side * size * 1.05)}" cy="${n(-size * 1.1)}" rx="${n(size * 0.38)}" ry="${n(size * 0.26)}" transform="rotate(${side * -30} ${n(side * size * 1.05)} ${n(-size * 1.1)})" fill="${c.body}"/>`,
      `<ellipse cx="${n(side * size * 1.2)}" cy="${n(-size * 1.28)}" rx="${n(size * 0.16)}" ry="${n(size * 0.09)}" fill="${c.detail}"/>`,
    ].join('');
  return [
    legs,
    claw(-1),
    claw(1),
    `<ellipse cx="0" cy="0" rx="${n(size)}" ry="${n(size * 0.68)}" fill="${c.body}"/>`,
    `<ellipse cx="0" cy="${n(-size * 0.2)}" rx="${n(size * 0.6)}" ry="${n(size * 0.3)}" fill="#ffffff" fill-opacity="0.12"/>`,
    `<circle cx="${n(-size * 0.2)}" cy="${n(-size * 0.62)}" r="${n(size * 0.07)}" fill="#111"/>`,
    `<circle cx="${n(size * 0.2)}" cy="${n(-size * 0.62)}" r="${n(size * 0.07)}" fill="#111"/>`,
  ].join('');
}

function blob(size: number, rng: Rng, stretch: number): string {
  const points = Array.from({ length: 9 }, (_, i) => {
    const p = polar(size * between(rng, 0.8, 1.1), (i * 360) / 9);
    return { x: p.x * stretch, y: p.y };
  });
  const mid = (a: { x: number; y: number }, b: { x: number; y: number }) => ({
    x: (a.x + b.x) / 2,
    y: (a.y + b.y) / 2,
  });
  const first = mid(points[8], points[0]);
  const curves = points
    .map((p, i) => {
      const next = mid(p, points[(i + 1) % points.length]);
      return `Q ${n(p.x)} ${n(p.y)} ${n(next.x)} ${n(next.y)}`;
    })
    .join(' ');
  return `M ${n(first.x)} ${n(first.y)} ${curves} Z`;
}

function oyster(size: number, c: Picture['colours'], variant: Picture['variant'], rng: Rng): string {
  const shell = blob(size, rng, 1.35);
  const ridges = [0.75, 0.5]
    .map(
      (k) =>
        `<path d="${blob(size * k, rng, 1.35)}" fill="none" stroke="${c.detail}" stroke-width="${n(size * 0.06)}" stroke-opacity="0.7"/>`,
    )
    .join('');
  const meat =
    variant === 'half'
      ? `<path d="${blob(size * 0.62, rng, 1.3)}" fill="${c.detail}"/><ellipse cx="${n(-size * 0.15)}" cy="${n(-size * 0.12)}" rx="${n(size * 0.3)}" ry="${n(size * 0.12)}" fill="#ffffff" fill-opacity="0.45"/>`
      : ridges;
  return `<path d="${shell}" fill="${c.body}" stroke="${c.detail}" stroke-width="3"/>${meat}`;
}

function pineapple(size: number, c: Picture['colours']): string {
  const rx = size * 0.62;
  const ry = size;
  const eyes: string[] = [];
  for (let row = -4; row <= 4; row++) {
    for (let col = -3; col <= 3; col++) {
      const x = col * rx * 0.3 + (row % 2 ? rx * 0.15 : 0);
      const y = row * ry * 0.21;
      if ((x / rx) ** 2 + (y / ry) ** 2 > 0.8) continue;
      eyes.push(
        `<path d="M ${n(x - rx * 0.1)} ${n(y - ry * 0.05)} L ${n(x)} ${n(y + ry * 0.05)} L ${n(x + rx * 0.1)} ${n(y - ry * 0.05)}" fill="none" stroke="${c.detail}" stroke-width="3" stroke-opacity="0.7"/>`,
      );
    }
  }
  const leaves = [-50, -30, -12, 0, 12, 30, 50]
    .map((angle, i) => {
      const tip = polar(size * (i === 3 ? 0.95 : 0.75), angle - 90);
      return `<path d="M ${n(-size * 0.1)} ${n(-ry * 0.85)} L ${n(tip.x)} ${n(tip.y - ry * 0.85)} L ${n(size * 0.1)} ${n(-ry * 0.85)} Z" fill="#4f8a3a" stroke="#3a6a2a" stroke-width="2"/>`;
    })
    .join('');
  return `${leaves}<ellipse cx="0" cy="0" rx="${n(rx)}" ry="${n(ry)}" fill="${c.body}"/>${eyes.join('')}<ellipse cx="${n(-rx * 0.35)}" cy="${n(-ry * 0.3)}" rx="${n(rx * 0.18)}" ry="${n(ry * 0.4)}" fill="#ffffff" fill-opacity="0.18"/>`;
}

function banana(size: number, c: Picture['colours']): string {
  const fingers = [-0.3, -0.1, 0.1, 0.3]
    .map((offset) => {
      const y = offset * size;
      return `<path d="M ${n(-size * 1.2)} ${n(y)} Q 0 ${n(y + size * 0.9)} ${n(size * 1.2)} ${n(y - size * 0.1)} Q 0 ${n(y + size * 0.45)} ${n(-size * 1.2)} ${n(y)} Z" fill="${c.body}" stroke="${c.detail}" stroke-width="2"/>`;
    })
    .join('');
  return `<rect x="${n(-size * 1.45)}" y="${n(-size * 0.4)}" width="${n(size * 0.35)}" height="${n(size * 0.7)}" rx="8" fill="${c.detail}"/>${fingers}`;
}

/** Mango and papaya: an ellipse shaded from the body colour to the blush (the `fruit` gradient of the photo). */
function fruit(size: number, variant: Picture['variant']): string {
  const rx = variant === 'long' ? size * 1.2 : size;
  const ry = variant === 'long' ? size * 0.75 : size * 0.85;
  return [
    `<ellipse cx="0" cy="0" rx="${n(rx)}" ry="${n(ry)}" fill="url(#fruit)"/>`,
    `<ellipse cx="${n(-rx * 0.35)}" cy="${n(-ry * 0.4)}" rx="${n(rx * 0.3)}" ry="${n(ry * 0.18)}" fill="#ffffff" fill-opacity="0.35"/>`,
    `<path d="M ${n(rx * 0.85)} ${n(-ry * 0.3)} q ${n(size * 0.25)} ${n(-size * 0.2)} ${n(size * 0.35)} ${n(-size * 0.1)}" stroke="#5a4a2a" stroke-width="5" fill="none"/>`,
  ].join('');
}

function berry(size: number, c: Picture['colours'], rng: Rng): string {
  const bumps = Array.from({ length: 10 }, () => {
    const p = polar(size * between(rng, 0.2, 0.8), between(rng, 0, 360));
    return `<circle cx="${n(p.x)}" cy="${n(p.y)}" r="${n(size * 0.06)}" fill="${c.detail}" fill-opacity="0.5"/>`;
  }).join('');
  return `<circle r="${n(size)}" fill="${c.body}"/>${bumps}<circle cx="${n(-size * 0.35)}" cy="${n(-size * 0.35)}" r="${n(size * 0.22)}" fill="#ffffff" fill-opacity="0.3"/>`;
}

function tuber(size: number, c: Picture['colours']): string {
  const w = size * 1.4;
  const h = size * 0.55;
  return [
    `<path d="M ${n(-w)} 0 C ${n(-w * 0.6)} ${n(-h * 1.4)} ${n(w * 0.6)} ${n(-h * 1.2)} ${n(w)} ${n(h * 0.1)} C ${n(w * 0.5)} ${n(h * 1.3)} ${n(-w * 0.6)} ${n(h * 1.2)} ${n(-w)} 0 Z" fill="${c.body}"/>`,
    `<path d="M ${n(-w * 0.3)} ${n(-h * 0.5)} q ${n(w * 0.1)} ${n(h * 0.4)} 0 ${n(h * 0.8)} M ${n(w * 0.25)} ${n(-h * 0.6)} q ${n(-w * 0.08)} ${n(h * 0.5)} 0 ${n(h * 0.9)}" stroke="${c.detail}" stroke-width="3" fill="none" stroke-opacity="0.6"/>`,
    `<ellipse cx="${n(-w * 0.2)}" cy="${n(-h * 0.45)}" rx="${n(w * 0.35)}" ry="${n(h * 0.18)}" fill="#ffffff" fill-opacity="0.15"/>`,
  ].join('');
}

function greens(size: number, c: Picture['colours']): string {
  const leaves = [-28, -10, 8, 26]
    .map((angle) =>
      place(
        0,
        0,
        angle,
        `<path d="M 0 ${n(size * 1.1)} L 0 ${n(-size * 0.2)}" stroke="#a8d46a" stroke-width="${n(size * 0.1)}"/><path d="M 0 ${n(-size * 0.1)} Q ${n(size * 0.45)} ${n(-size * 0.7)} 0 ${n(-size * 1.3)} Q ${n(-size * 0.45)} ${n(-size * 0.7)} 0 ${n(-size * 0.1)} Z" fill="${c.body}"/><path d="M 0 ${n(-size * 0.15)} L 0 ${n(-size * 1.2)}" stroke="#ffffff" stroke-opacity="0.35" stroke-width="2"/>`,
      ),
    )
    .join('');
  const buds = [-0.25, 0, 0.25]
    .map(
      (dx) =>
        `<circle cx="${n(dx * size)}" cy="${n(-size * 1.3)}" r="${n(size * 0.08)}" fill="${c.detail}" fill-opacity="0.9"/>`,
    )
    .join('');
  return `${leaves}${buds}`;
}

function item(picture: Picture, size: number, rng: Rng): string {
  const c = picture.colours;
  switch (picture.motif) {
    case 'shrimp':
      return shrimp(size, c);
    case 'fish':
      return fish(size, c, picture.variant, rng);
    case 'fillet':
      return fillet(size, c);
    case 'crab':
      return crab(size, c);
    case 'oyster':
      return oyster(size, c, picture.variant, rng);
    case 'pineapple':
      return pineapple(size, c);
    case 'banana':
      return banana(size, c);
    case 'fruit':
      return fruit(size, picture.variant);
    case 'berry':
      return berry(size, c, rng);
    case 'tuber':
      return tuber(size, c);
    case 'greens':
      // A bunch reads small beside round produce of the same size.
      return greens(size * 1.3, c);
  }
}

function setting(picture: Picture, rng: Rng): string {
  switch (picture.setting) {
    case 'water':
      return Array.from({ length: 7 }, (_, i) => {
        const y = 80 + i * 75 + between(rng, -10, 10);
        return `<path d="M 0 ${n(y)} Q 200 ${n(y - 25)} 400 ${n(y)} T 800 ${n(y)}" fill="none" stroke="#ffffff" stroke-opacity="0.25" stroke-width="4"/>`;
      }).join('');
    case 'ice':
    case 'frost':
      return Array.from({ length: 40 }, () => {
        const s = between(rng, 14, 40);
        return `<rect x="${n(between(rng, 0, WIDTH))}" y="${n(between(rng, 0, HEIGHT))}" width="${n(s)}" height="${n(s * 0.8)}" rx="6" transform="rotate(${n(between(rng, 0, 90))})" fill="#ffffff" fill-opacity="${picture.setting === 'ice' ? 0.45 : 0.3}"/>`;
      }).join('');
    case 'crate':
      return Array.from(
        { length: 6 },
        (_, i) =>
          `<rect x="-20" y="${n(30 + i * 95)}" width="840" height="70" rx="10" fill="#8a6a44" fill-opacity="0.25"/>`,
      ).join('');
    case 'field':
      return `<path d="M 0 430 Q 400 380 800 430 L 800 600 L 0 600 Z" fill="#a4472e" fill-opacity="0.35"/><path d="M 0 470 Q 400 430 800 470" stroke="#7a3a22" stroke-opacity="0.3" stroke-width="6" fill="none"/>`;
  }
}

/** One photo of a lot: a close-up of a few (view 0) or a spread of many (view 1). */
export function lotPhotoSvg(picture: Picture, seed: string, view: 0 | 1): string {
  const rng = seededRng(`${seed}:${view}`);
  const c = picture.colours;
  const items: string[] = [];
  if (view === 0) {
    const count = picture.motif === 'pineapple' || picture.motif === 'greens' ? 2 : 3;
    for (let i = 0; i < count; i++) {
      const x = WIDTH * ((i + 1) / (count + 1)) + between(rng, -30, 30);
      const y = HEIGHT * 0.52 + between(rng, -50, 50);
      items.push(place(x, y, between(rng, -25, 25), item(picture, between(rng, 95, 125), rng)));
    }
  } else {
    for (let row = 0; row < 3; row++) {
      for (let col = 0; col < 4; col++) {
        const x = 110 + col * 195 + between(rng, -25, 25);
        const y = 110 + row * 190 + between(rng, -20, 20);
        items.push(place(x, y, between(rng, -60, 60), item(picture, between(rng, 55, 70), rng)));
      }
    }
  }
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}">`,
    `<defs><linearGradient id="bg" x1="0" y1="0" x2="0.4" y2="1"><stop offset="0" stop-color="${c.from}"/><stop offset="1" stop-color="${c.to}"/></linearGradient>`,
    `<radialGradient id="light" cx="0.3" cy="0.2" r="0.7"><stop offset="0" stop-color="#ffffff" stop-opacity="0.45"/><stop offset="1" stop-color="#ffffff" stop-opacity="0"/></radialGradient>`,
    `<radialGradient id="fruit" cx="0.35" cy="0.35" r="0.8"><stop offset="0" stop-color="${c.body}"/><stop offset="1" stop-color="${c.detail}"/></radialGradient></defs>`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="url(#bg)"/>`,
    setting(picture, rng),
    ...items,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="url(#light)"/>`,
    '</svg>',
  ].join('');
}

async function lotPhotos(lot: DemoLot, seed: string): Promise<Upload[]> {
  return Promise.all(
    ([0, 1] as const).map(async (view) => ({
      field: 'photos' as const,
      name: `${lot.form.categoryId}-${view + 1}.jpg`,
      bytes: await sharp(Buffer.from(lotPhotoSvg(lot.picture, seed, view)))
        .jpeg({ quality: 80, mozjpeg: true })
        .toBuffer(),
      type: 'image/jpeg' as const,
    })),
  );
}

function daysBefore(day: string, days: number): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() - days);
  return date.toISOString().slice(0, 10);
}

/**
 * Lists the demo lots for the seed sellers, live (the sellers are verified), each through the
 * listing form's own parser so the seed can never hold what a seller could not enter. Photos are
 * written to storage before the transaction commits: a seed that rolls back leaves only unreferenced
 * files behind, which is harmless in a demo. Returns how many listings it created.
 */
export async function seedDemoListings(tx: DbOrTx, today = marketToday()): Promise<number> {
  const categoriesById = new Map((await tx.select().from(categories)).map((c) => [c.id, c]));
  const sellerIds = [...new Set(DEMO_LOTS.map((lot) => lot.seller))];
  const owners = await tx
    .select({ orgId: memberships.orgId, userId: memberships.userId })
    .from(memberships)
    .where(and(inArray(memberships.orgId, sellerIds), eq(memberships.role, 'owner')));
  const ownerOf = new Map(owners.map((o) => [o.orgId, o.userId]));

  // Rasterising is the slow part and needs nothing from the database, so all photos render at once.
  const photos = await Promise.all(DEMO_LOTS.map((lot, i) => lotPhotos(lot, `${lot.seller}:${i}`)));

  for (const [i, lot] of DEMO_LOTS.entries()) {
    const actorUserId = ownerOf.get(lot.seller);
    if (!actorUserId) throw new Error(`demo seller ${lot.seller} has no owner to list as`);
    const form = { ...lot.form, harvestDate: daysBefore(today, lot.harvestedDaysAgo) };
    const parsed = parseListingForm(form, categoriesById, today);
    if (!parsed.ok)
      throw new Error(`demo lot ${i} (${lot.form.titleZh}) fails the form: ${JSON.stringify(parsed.errors)}`);
    const { id } = await createListing(tx, {
      orgId: lot.seller,
      actorUserId,
      draft: parsed.draft,
      submit: true,
    });
    await attachFiles(tx, id, photos[i]);
  }
  return DEMO_LOTS.length;
}

// The market's product categories and their spec attributes — data, validated here, so operators add categories without code.
import { z } from 'zod';

const label = z.object({ zh: z.string().min(1), en: z.string().min(1) });
const key = z.string().regex(/^[a-z][a-zA-Z0-9]{0,31}$/);

export const attributeDefinition = z.discriminatedUnion('type', [
  z.object({
    key,
    label,
    type: z.literal('enum'),
    options: z.array(z.object({ value: z.string().min(1).max(40), label })).min(1),
    required: z.boolean().default(false),
  }),
  z.object({
    key,
    label,
    type: z.literal('number'),
    min: z.number(),
    max: z.number(),
    step: z.number().positive().default(1),
    unit: z.string().max(8).optional(),
    required: z.boolean().default(false),
  }),
  z.object({
    key,
    label,
    type: z.literal('text'),
    maxLength: z.number().int().min(1).max(200).default(60),
    required: z.boolean().default(false),
  }),
]);
export type AttributeDefinition = z.infer<typeof attributeDefinition>;

export const categoryDefinition = z
  .object({
    id: z.string().regex(/^[a-z][a-z0-9-]{1,40}$/),
    group: z.enum(['seafood', 'farm']),
    nameZh: z.string().min(1),
    nameEn: z.string().min(1),
    keywords: z.array(z.string().min(1)).default([]),
    baseUnit: z.enum(['g', 'piece']),
    defaultColdChain: z.enum(['frozen', 'chilled', 'live', 'ambient']),
    inspectionHours: z.number().int().positive(),
    attributes: z.array(attributeDefinition),
  })
  .superRefine((category, ctx) => {
    const keys = category.attributes.map((a) => a.key);
    if (new Set(keys).size !== keys.length)
      ctx.addIssue({ code: 'custom', message: 'attribute keys must be unique', path: ['attributes'] });
  });
export type CategoryDefinition = z.infer<typeof categoryDefinition>;

/** Parses a category's stored attribute list; a malformed one is a configuration error, not user input. */
export function parseAttributes(stored: unknown): AttributeDefinition[] {
  return z.array(attributeDefinition).parse(stored);
}

/**
 * The zod schema of a spec for one category: every attribute typed and bounded, required ones
 * required, and nothing else accepted (an attribute outside the category's schema is refused).
 * Values arrive as form strings; numbers are coerced.
 */
export function specSchema(attributes: AttributeDefinition[]) {
  const shape: Record<string, z.ZodTypeAny> = {};
  for (const attribute of attributes) {
    let field: z.ZodTypeAny;
    if (attribute.type === 'enum') {
      const values = attribute.options.map((o) => o.value) as [string, ...string[]];
      field = z.enum(values, { errorMap: () => ({ message: 'errors.chooseOne' }) });
    } else if (attribute.type === 'number') {
      field = z.coerce
        .number({ invalid_type_error: 'errors.notANumber' })
        .min(attribute.min, 'errors.outOfRange')
        .max(attribute.max, 'errors.outOfRange');
    } else {
      field = z.string().trim().max(attribute.maxLength, 'errors.tooLong');
    }
    shape[attribute.key] = attribute.required ? field : field.optional();
  }
  return z.object(shape).strict();
}

const opt = (value: string, zh: string, en: string) => ({ value, label: { zh, en } });
const shrimpCounts = ['20/30', '30/40', '40/50', '50/60', '60/70', '70/80', '80/100', '100/120'].map((c) =>
  opt(c, `${c} 头/公斤`, `${c} per kg`),
);
const seafoodState = {
  key: 'state',
  label: { zh: '状态', en: 'State' },
  type: 'enum' as const,
  required: true,
  options: [
    opt('live', '鲜活', 'Live'),
    opt('fresh', '冰鲜', 'Fresh on ice'),
    opt('chilled', '冷藏', 'Chilled'),
    opt('frozen', '冷冻', 'Frozen'),
  ],
};
const shrimpProcessing = {
  key: 'processing',
  label: { zh: '加工方式', en: 'Processing' },
  type: 'enum' as const,
  options: [
    opt('whole', '带头整虾', 'Head-on, shell-on'),
    opt('hlso', '去头带壳', 'Headless, shell-on'),
    opt('pud', '去壳不去肠', 'Peeled, undeveined'),
    opt('pd', '去壳去肠', 'Peeled and deveined'),
    opt('butterfly', '蝴蝶虾', 'Butterfly'),
  ],
};
const glaze = {
  key: 'glaze',
  label: { zh: '包冰率', en: 'Glaze' },
  type: 'number' as const,
  min: 0,
  max: 40,
  step: 1,
  unit: '%',
};
const fishSize = (min: number, max: number) => ({
  key: 'weightPerFish',
  label: { zh: '单条重量', en: 'Weight per fish' },
  type: 'number' as const,
  min,
  max,
  step: 10,
  unit: 'g',
});
const fruitGrade = {
  key: 'grade',
  label: { zh: '等级', en: 'Grade' },
  type: 'enum' as const,
  required: true,
  options: [
    opt('premium', '特级', 'Premium'),
    opt('first', '一级', 'Grade 1'),
    opt('second', '二级', 'Grade 2'),
  ],
};
const fruitSize = {
  key: 'size',
  label: { zh: '规格', en: 'Size' },
  type: 'enum' as const,
  options: [
    opt('s', '小果', 'Small'),
    opt('m', '中果', 'Medium'),
    opt('l', '大果', 'Large'),
    opt('xl', '特大果', 'Extra large'),
  ],
};
const brix = {
  key: 'brix',
  label: { zh: '糖度', en: 'Sugar (Brix)' },
  type: 'number' as const,
  min: 5,
  max: 30,
  step: 0.5,
  unit: '°Bx',
};
const ripeness = {
  key: 'ripeness',
  label: { zh: '成熟度', en: 'Ripeness' },
  type: 'enum' as const,
  options: [
    opt('green', '七成熟', 'Green (70%)'),
    opt('turning', '八成熟', 'Turning (80%)'),
    opt('ripe', '九成熟', 'Ripe (90%)'),
  ],
};
const variety = (options: ReturnType<typeof opt>[]) => ({
  key: 'variety',
  label: { zh: '品种', en: 'Variety' },
  type: 'enum' as const,
  options,
});

/** The market's categories as shipped; the seed upserts them, operators may add more as rows. */
export const CATALOGUE: CategoryDefinition[] = [
  {
    id: 'whiteleg-shrimp',
    group: 'seafood',
    nameZh: '南美白对虾',
    nameEn: 'Whiteleg shrimp',
    keywords: ['白虾', '白对虾', '凡纳滨对虾', '基围虾', '虾', 'shrimp', 'prawn', 'vannamei', 'white shrimp'],
    baseUnit: 'g',
    defaultColdChain: 'live',
    inspectionHours: 6,
    attributes: [
      {
        key: 'count',
        label: { zh: '规格（头/公斤）', en: 'Count per kg' },
        type: 'enum',
        required: true,
        options: shrimpCounts,
      },
      seafoodState,
      shrimpProcessing,
      glaze,
    ],
  },
  {
    id: 'black-tiger-prawn',
    group: 'seafood',
    nameZh: '斑节对虾',
    nameEn: 'Black tiger prawn',
    keywords: ['草虾', '黑虎虾', '虾', 'shrimp', 'prawn', 'tiger prawn'],
    baseUnit: 'g',
    defaultColdChain: 'live',
    inspectionHours: 6,
    attributes: [
      {
        key: 'count',
        label: { zh: '规格（头/公斤）', en: 'Count per kg' },
        type: 'enum',
        required: true,
        options: shrimpCounts,
      },
      seafoodState,
      shrimpProcessing,
      glaze,
    ],
  },
  {
    id: 'mud-crab',
    group: 'seafood',
    nameZh: '青蟹',
    nameEn: 'Mud crab',
    keywords: ['膏蟹', '肉蟹', '蟹', 'crab', 'mud crab'],
    baseUnit: 'g',
    defaultColdChain: 'live',
    inspectionHours: 4,
    attributes: [
      {
        key: 'sex',
        label: { zh: '公母', en: 'Sex' },
        type: 'enum',
        options: [opt('male', '公蟹（肉蟹）', 'Male'), opt('female', '母蟹（膏蟹）', 'Female (roe)')],
      },
      {
        key: 'weightPerCrab',
        label: { zh: '单只重量', en: 'Weight per crab' },
        type: 'number',
        min: 100,
        max: 1500,
        step: 50,
        unit: 'g',
        required: true,
      },
      seafoodState,
    ],
  },
  {
    id: 'oyster',
    group: 'seafood',
    nameZh: '生蚝',
    nameEn: 'Oyster',
    keywords: ['蚝', '牡蛎', '生蚝', 'oyster', 'oysters'],
    baseUnit: 'piece',
    defaultColdChain: 'chilled',
    inspectionHours: 6,
    attributes: [
      {
        key: 'shellLength',
        label: { zh: '壳长', en: 'Shell length' },
        type: 'number',
        min: 5,
        max: 30,
        step: 1,
        unit: 'cm',
        required: true,
      },
      {
        key: 'form',
        label: { zh: '形态', en: 'Form' },
        type: 'enum',
        required: true,
        options: [
          opt('shell', '带壳', 'In shell'),
          opt('half', '半壳', 'Half shell'),
          opt('meat', '蚝肉', 'Shucked meat'),
        ],
      },
      seafoodState,
    ],
  },
  {
    id: 'tilapia',
    group: 'seafood',
    nameZh: '罗非鱼',
    nameEn: 'Tilapia',
    keywords: ['非洲鲫', '福寿鱼', '鱼', 'fish', 'tilapia'],
    baseUnit: 'g',
    defaultColdChain: 'live',
    inspectionHours: 6,
    attributes: [
      fishSize(200, 2000),
      seafoodState,
      {
        key: 'cut',
        label: { zh: '加工', en: 'Cut' },
        type: 'enum',
        options: [
          opt('whole', '整条', 'Whole'),
          opt('gutted', '去脏', 'Gutted'),
          opt('fillet', '鱼片', 'Fillet'),
        ],
      },
    ],
  },
  {
    id: 'golden-pompano',
    group: 'seafood',
    nameZh: '金鲳鱼',
    nameEn: 'Golden pompano',
    keywords: ['卵形鲳鲹', '黄腊鲳', '鲳鱼', '鱼', 'fish', 'pompano'],
    baseUnit: 'g',
    defaultColdChain: 'chilled',
    inspectionHours: 6,
    attributes: [fishSize(200, 1500), seafoodState],
  },
  {
    id: 'grouper',
    group: 'seafood',
    nameZh: '石斑鱼',
    nameEn: 'Grouper',
    keywords: ['龙胆', '青斑', '老虎斑', '鱼', 'fish', 'grouper'],
    baseUnit: 'g',
    defaultColdChain: 'live',
    inspectionHours: 4,
    attributes: [
      variety([
        opt('hybrid', '珍珠龙胆', 'Hybrid (pearl)'),
        opt('orange-spotted', '青斑', 'Orange-spotted'),
        opt('tiger', '老虎斑', 'Tiger'),
        opt('giant', '龙趸', 'Giant'),
      ]),
      fishSize(300, 5000),
      seafoodState,
    ],
  },
  {
    id: 'pineapple',
    group: 'farm',
    nameZh: '菠萝',
    nameEn: 'Pineapple',
    keywords: ['凤梨', '徐闻菠萝', '水果', 'fruit', 'pineapple'],
    baseUnit: 'g',
    defaultColdChain: 'ambient',
    inspectionHours: 24,
    attributes: [
      variety([
        opt('bali', '巴厘', 'Bali'),
        opt('tainong', '台农', 'Tainong'),
        opt('golden', '金钻', 'Golden diamond'),
      ]),
      fruitGrade,
      fruitSize,
      brix,
      ripeness,
    ],
  },
  {
    id: 'banana',
    group: 'farm',
    nameZh: '香蕉',
    nameEn: 'Banana',
    keywords: ['香蕉', '芭蕉', '水果', 'fruit', 'banana'],
    baseUnit: 'g',
    defaultColdChain: 'ambient',
    inspectionHours: 24,
    attributes: [fruitGrade, fruitSize, ripeness],
  },
  {
    id: 'lychee',
    group: 'farm',
    nameZh: '荔枝',
    nameEn: 'Lychee',
    keywords: ['妃子笑', '桂味', '糯米糍', '水果', 'fruit', 'lychee', 'litchi'],
    baseUnit: 'g',
    defaultColdChain: 'chilled',
    inspectionHours: 12,
    attributes: [
      variety([
        opt('feizixiao', '妃子笑', 'Feizixiao'),
        opt('guiwei', '桂味', 'Guiwei'),
        opt('nuomici', '糯米糍', 'Nuomici'),
        opt('heiye', '黑叶', 'Heiye'),
      ]),
      fruitGrade,
      fruitSize,
      brix,
    ],
  },
  {
    id: 'longan',
    group: 'farm',
    nameZh: '龙眼',
    nameEn: 'Longan',
    keywords: ['桂圆', '储良', '水果', 'fruit', 'longan'],
    baseUnit: 'g',
    defaultColdChain: 'chilled',
    inspectionHours: 12,
    attributes: [
      variety([opt('chuliang', '储良', 'Chuliang'), opt('shixia', '石硖', 'Shixia')]),
      fruitGrade,
      fruitSize,
      brix,
    ],
  },
  {
    id: 'mango',
    group: 'farm',
    nameZh: '芒果',
    nameEn: 'Mango',
    keywords: ['台农芒', '贵妃芒', '金煌芒', '水果', 'fruit', 'mango'],
    baseUnit: 'g',
    defaultColdChain: 'ambient',
    inspectionHours: 24,
    attributes: [
      variety([
        opt('tainong', '台农', 'Tainong'),
        opt('guifei', '贵妃', 'Guifei'),
        opt('jinhuang', '金煌', 'Jinhuang'),
      ]),
      fruitGrade,
      fruitSize,
      brix,
      ripeness,
    ],
  },
  {
    id: 'papaya',
    group: 'farm',
    nameZh: '木瓜',
    nameEn: 'Papaya',
    keywords: ['番木瓜', '水果', 'fruit', 'papaya'],
    baseUnit: 'g',
    defaultColdChain: 'ambient',
    inspectionHours: 24,
    attributes: [fruitGrade, fruitSize, brix, ripeness],
  },
  {
    id: 'sweet-potato',
    group: 'farm',
    nameZh: '红薯',
    nameEn: 'Sweet potato',
    keywords: ['番薯', '地瓜', '紫薯', '蔬菜', 'vegetable', 'sweet potato'],
    baseUnit: 'g',
    defaultColdChain: 'ambient',
    inspectionHours: 48,
    attributes: [
      variety([
        opt('red', '红心', 'Red flesh'),
        opt('yellow', '黄心', 'Yellow flesh'),
        opt('purple', '紫心', 'Purple flesh'),
      ]),
      fruitGrade,
      {
        key: 'weightPerTuber',
        label: { zh: '单个重量', en: 'Weight per tuber' },
        type: 'number',
        min: 50,
        max: 1500,
        step: 10,
        unit: 'g',
      },
    ],
  },
  {
    id: 'leafy-vegetables',
    group: 'farm',
    nameZh: '叶菜',
    nameEn: 'Leafy vegetables',
    keywords: ['菜心', '芥兰', '小白菜', '生菜', '青菜', '蔬菜', 'vegetable', 'greens', 'choy sum'],
    baseUnit: 'g',
    defaultColdChain: 'chilled',
    inspectionHours: 12,
    attributes: [
      variety([
        opt('choy-sum', '菜心', 'Choy sum'),
        opt('kailan', '芥兰', 'Kai-lan'),
        opt('bok-choy', '小白菜', 'Bok choy'),
        opt('lettuce', '生菜', 'Lettuce'),
      ]),
      fruitGrade,
      { key: 'bundle', label: { zh: '包装', en: 'Packing' }, type: 'text', maxLength: 40 },
    ],
  },
].map((category) => categoryDefinition.parse(category));

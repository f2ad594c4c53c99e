// The market's places with coordinates (seeded into `cities`), and the distance between two of them.

export type CitySeed = {
  id: string;
  nameZh: string;
  nameEn: string;
  province: string;
  region: string;
  lat: number;
  lng: number;
};

/** Guangdong's 21 prefecture cities, the counties the demo market trades from, and its neighbours' ports. */
export const CITIES: CitySeed[] = [
  {
    id: 'guangzhou',
    nameZh: '广州',
    nameEn: 'Guangzhou',
    province: '广东',
    region: '珠三角',
    lat: 23.129,
    lng: 113.264,
  },
  {
    id: 'shenzhen',
    nameZh: '深圳',
    nameEn: 'Shenzhen',
    province: '广东',
    region: '珠三角',
    lat: 22.543,
    lng: 114.058,
  },
  {
    id: 'zhuhai',
    nameZh: '珠海',
    nameEn: 'Zhuhai',
    province: '广东',
    region: '珠三角',
    lat: 22.271,
    lng: 113.577,
  },
  {
    id: 'foshan',
    nameZh: '佛山',
    nameEn: 'Foshan',
    province: '广东',
    region: '珠三角',
    lat: 23.022,
    lng: 113.122,
  },
  {
    id: 'dongguan',
    nameZh: '东莞',
    nameEn: 'Dongguan',
    province: '广东',
    region: '珠三角',
    lat: 23.021,
    lng: 113.752,
  },
  {
    id: 'zhongshan',
    nameZh: '中山',
    nameEn: 'Zhongshan',
    province: '广东',
    region: '珠三角',
    lat: 22.517,
    lng: 113.393,
  },
  {
    id: 'jiangmen',
    nameZh: '江门',
    nameEn: 'Jiangmen',
    province: '广东',
    region: '珠三角',
    lat: 22.579,
    lng: 113.082,
  },
  {
    id: 'huizhou',
    nameZh: '惠州',
    nameEn: 'Huizhou',
    province: '广东',
    region: '珠三角',
    lat: 23.112,
    lng: 114.416,
  },
  {
    id: 'zhaoqing',
    nameZh: '肇庆',
    nameEn: 'Zhaoqing',
    province: '广东',
    region: '珠三角',
    lat: 23.047,
    lng: 112.465,
  },
  {
    id: 'zhanjiang',
    nameZh: '湛江',
    nameEn: 'Zhanjiang',
    province: '广东',
    region: '粤西',
    lat: 21.271,
    lng: 110.359,
  },
  {
    id: 'maoming',
    nameZh: '茂名',
    nameEn: 'Maoming',
    province: '广东',
    region: '粤西',
    lat: 21.663,
    lng: 110.925,
  },
  {
    id: 'yangjiang',
    nameZh: '阳江',
    nameEn: 'Yangjiang',
    province: '广东',
    region: '粤西',
    lat: 21.858,
    lng: 111.982,
  },
  {
    id: 'xuwen',
    nameZh: '徐闻',
    nameEn: 'Xuwen',
    province: '广东',
    region: '粤西',
    lat: 20.326,
    lng: 110.176,
  },
  {
    id: 'leizhou',
    nameZh: '雷州',
    nameEn: 'Leizhou',
    province: '广东',
    region: '粤西',
    lat: 20.914,
    lng: 110.097,
  },
  {
    id: 'lianjiang',
    nameZh: '廉江',
    nameEn: 'Lianjiang',
    province: '广东',
    region: '粤西',
    lat: 21.611,
    lng: 110.286,
  },
  {
    id: 'wuchuan',
    nameZh: '吴川',
    nameEn: 'Wuchuan',
    province: '广东',
    region: '粤西',
    lat: 21.441,
    lng: 110.778,
  },
  {
    id: 'shantou',
    nameZh: '汕头',
    nameEn: 'Shantou',
    province: '广东',
    region: '粤东',
    lat: 23.354,
    lng: 116.682,
  },
  {
    id: 'chaozhou',
    nameZh: '潮州',
    nameEn: 'Chaozhou',
    province: '广东',
    region: '粤东',
    lat: 23.657,
    lng: 116.623,
  },
  {
    id: 'jieyang',
    nameZh: '揭阳',
    nameEn: 'Jieyang',
    province: '广东',
    region: '粤东',
    lat: 23.55,
    lng: 116.373,
  },
  {
    id: 'shanwei',
    nameZh: '汕尾',
    nameEn: 'Shanwei',
    province: '广东',
    region: '粤东',
    lat: 22.786,
    lng: 115.375,
  },
  {
    id: 'shaoguan',
    nameZh: '韶关',
    nameEn: 'Shaoguan',
    province: '广东',
    region: '粤北',
    lat: 24.811,
    lng: 113.597,
  },
  {
    id: 'heyuan',
    nameZh: '河源',
    nameEn: 'Heyuan',
    province: '广东',
    region: '粤北',
    lat: 23.744,
    lng: 114.7,
  },
  {
    id: 'meizhou',
    nameZh: '梅州',
    nameEn: 'Meizhou',
    province: '广东',
    region: '粤北',
    lat: 24.288,
    lng: 116.122,
  },
  {
    id: 'qingyuan',
    nameZh: '清远',
    nameEn: 'Qingyuan',
    province: '广东',
    region: '粤北',
    lat: 23.682,
    lng: 113.056,
  },
  {
    id: 'yunfu',
    nameZh: '云浮',
    nameEn: 'Yunfu',
    province: '广东',
    region: '粤北',
    lat: 22.915,
    lng: 112.044,
  },
  {
    id: 'qinzhou',
    nameZh: '钦州',
    nameEn: 'Qinzhou',
    province: '广西',
    region: '北部湾',
    lat: 21.981,
    lng: 108.654,
  },
  {
    id: 'beihai',
    nameZh: '北海',
    nameEn: 'Beihai',
    province: '广西',
    region: '北部湾',
    lat: 21.481,
    lng: 109.12,
  },
  {
    id: 'fangchenggang',
    nameZh: '防城港',
    nameEn: 'Fangchenggang',
    province: '广西',
    region: '北部湾',
    lat: 21.686,
    lng: 108.355,
  },
  {
    id: 'nanning',
    nameZh: '南宁',
    nameEn: 'Nanning',
    province: '广西',
    region: '北部湾',
    lat: 22.817,
    lng: 108.366,
  },
  {
    id: 'haikou',
    nameZh: '海口',
    nameEn: 'Haikou',
    province: '海南',
    region: '琼北',
    lat: 20.044,
    lng: 110.199,
  },
];

const EARTH_RADIUS_KM = 6371;

/** Great-circle distance in km. Road distance is longer; callers compare, they do not quote it as a route. */
export function distanceKm(a: { lat: number; lng: number }, b: { lat: number; lng: number }): number {
  const rad = (deg: number) => (deg * Math.PI) / 180;
  const dLat = rad(b.lat - a.lat);
  const dLng = rad(b.lng - a.lng);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a.lat)) * Math.cos(rad(b.lat)) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}

const byName = [...CITIES].sort((a, b) => b.nameZh.length - a.nameZh.length);

/**
 * The city a free-text place names ("湛江霞山水产品批发市场" → 湛江; "Guangzhou Jiangnan market" →
 * 广州), preferring the longest name found; null when none is named.
 */
export function cityOf(place: string | null | undefined): CitySeed | null {
  if (!place) return null;
  const lower = place.toLowerCase();
  return (
    byName.find((city) => place.includes(city.nameZh)) ??
    CITIES.find((city) => lower.includes(city.nameEn.toLowerCase())) ??
    null
  );
}

export function cityById(id: string): CitySeed | null {
  return CITIES.find((city) => city.id === id) ?? null;
}

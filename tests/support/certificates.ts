// The 合格证 issue form as a seller fills it: every promise ticked, one basis (app/routes/sell.$listingId.certificates).
export const ISSUE_FORM = {
  intent: 'issue',
  productName: '南美白对虾',
  quantity: '1000',
  unit: 'kg',
  origin: '广东湛江东海岛',
  productionDate: '2026-01-05',
  promisingParty: '湛江海兴水产养殖场',
  contactPhone: '13800138000',
  'commit.no_banned_substances': 'on',
  'commit.residues_within_limits': 'on',
  'commit.truthful': 'on',
  'basis.self_test': 'on',
} as const;

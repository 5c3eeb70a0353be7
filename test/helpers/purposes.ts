import type { Purpose } from '../../src/rules/register.js';

/**
 * A purpose of the processing register as the API takes it: personalised marketing on consent, collected by
 * form, kept a year, then deleted. Tests override what they are about.
 */
export const purposeBody = <T extends Partial<Purpose>>(overrides: T = {} as T) => ({
  nameZh: '个性化营销',
  nameEn: 'Personalised marketing',
  descriptionZh: '根据购买记录推荐商品',
  descriptionEn: 'Recommend products from purchase history',
  legalBasis: 'consent' as Purpose['legalBasis'],
  necessity: '',
  categories: ['contact', 'basic-personal'],
  methods: ['form'] as Purpose['methods'],
  retentionDays: 365,
  retentionAction: 'delete' as Purpose['retentionAction'],
  recipients: [] as Purpose['recipients'],
  crossBorder: [] as Purpose['crossBorder'],
  publicDisclosure: false,
  minors: false,
  ...overrides,
});

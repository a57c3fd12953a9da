/**
 * The Shariah screen's rules, in one place.
 *
 * Financial ratios follow AAOIFI Shari'ah Standard No. 21 (Financial Papers: Shares and Bonds),
 * which tolerates shares of a company whose primary activity is permissible as long as its
 * interest-bearing debt and its interest-bearing cash and investments each stay under 30% of its
 * market value. The receivables limit (49%) is the one the S&P and Dow Jones Islamic indices apply
 * on the same market-cap basis (a company mostly made of receivables trades like debt).
 * Every limit is strict: a ratio equal to the threshold fails.
 */
export const MAX_DEBT_TO_MARKET_CAP = 0.3;
export const MAX_CASH_TO_MARKET_CAP = 0.3;
export const MAX_RECEIVABLES_TO_MARKET_CAP = 0.49;

/** Without a filing date, a fiscal year's statements are assumed public this many days after it ends. */
export const ASSUMED_FILING_LAG_DAYS = 90;

export type ExcludedActivity =
  | 'conventional finance'
  | 'conventional insurance'
  | 'alcohol'
  | 'tobacco'
  | 'pork'
  | 'gambling'
  | 'adult entertainment'
  | 'weapons and defence';

/** Every GICS sub-industry of the Financials sector (banks, insurers, capital markets, lenders, mortgage REITs). */
export const EXCLUDED_SECTORS: Record<string, ExcludedActivity> = {
  Financials: 'conventional finance',
};

/** GICS sub-industries whose main business is impermissible. */
export const EXCLUDED_SUB_INDUSTRIES: Record<string, ExcludedActivity> = {
  // A managed-care company is a health insurer (premiums, conventional insurance contracts).
  'Managed Health Care': 'conventional insurance',
  'Insurance Brokers': 'conventional insurance',
  'Life & Health Insurance': 'conventional insurance',
  'Multi-line Insurance': 'conventional insurance',
  'Property & Casualty Insurance': 'conventional insurance',
  Reinsurance: 'conventional insurance',
  Brewers: 'alcohol',
  'Distillers & Vintners': 'alcohol',
  Tobacco: 'tobacco',
  'Casinos & Gaming': 'gambling',
  'Aerospace & Defense': 'weapons and defence',
};

/** Companies GICS cannot single out (pork sits in "Packaged Foods & Meats" with permissible firms). */
export const EXCLUDED_COMPANIES: Record<string, ExcludedActivity> = {
  HRL: 'pork',
  TSN: 'pork',
  SFD: 'pork',
  PLBY: 'adult entertainment',
};

/** The impermissible activity of a company, if any (sector first, then sub-industry, then by name). */
export function excludedActivity(company: { symbol: string; sector: string; subIndustry: string }): string | undefined {
  const bySector = own(EXCLUDED_SECTORS, company.sector);
  if (bySector) return `${bySector} (GICS sector ${company.sector})`;
  const bySubIndustry = own(EXCLUDED_SUB_INDUSTRIES, company.subIndustry);
  if (bySubIndustry) return `${bySubIndustry} (GICS sub-industry ${company.subIndustry})`;
  return own(EXCLUDED_COMPANIES, company.symbol);
}

function own(table: Record<string, ExcludedActivity>, key: string): ExcludedActivity | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}

/** The fraud gate's decision logic: rule set, screening, back-testing. Pure functions; no n8n. */
export {
	DEFAULT_RULE_SET,
	DEFAULT_DISPOSABLE_DOMAINS,
	DEFAULT_FORWARDER_KEYWORDS,
	VELOCITY_KEYS,
	canonicalJson,
	defaultRuleSet,
	isIpOrCidr,
	resolveRuleSet,
	ruleSetVersion,
	validateRuleSet,
} from './rule-set';
export type {
	AmountByCurrency,
	BillingShippingMismatchRule,
	ChannelRiskRule,
	DisposableOrMalformedEmailRule,
	ExternalScreenerRule,
	FirstOrderExpeditedRule,
	FreightForwarderOrPoBoxRule,
	OrderTotalAboveRule,
	PartialRuleSet,
	RuleBase,
	RuleSet,
	RuleSettings,
	ShipCountryHighRiskRule,
	ShipCountryNotAllowedRule,
	ShipToNameMismatchRule,
	SkuQuantityAboveRule,
	VelocityRule,
	VelocityRuleKey,
} from './rule-set';
export { emailProblem, ipMatches, isPoBox, isReviewOverdue, nameSimilarity, screenOrder } from './screen';
export type { ScreenOptions, ScreenResult, ScreenStage, VelocityLookup } from './screen';
export { backtest } from './backtest';
export type { BacktestOptions, BacktestReport } from './backtest';
export { memoryVelocity } from './memory';
export type { MemoryVelocity } from './memory';
export { FRAUD_RULES } from './rules';
export type { FraudRuleDefinition, HistoryContext, Hit } from './rule-kit';

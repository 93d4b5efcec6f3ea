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
} from './rules';
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
	ShipCountryHighRiskRule,
	ShipCountryNotAllowedRule,
	ShipToNameMismatchRule,
	SkuQuantityAboveRule,
	VelocityRule,
	VelocityRuleKey,
} from './rules';
export { emailProblem, ipMatches, isPoBox, isReviewOverdue, nameSimilarity, screenOrder } from './screen';
export type { ScreenOptions, ScreenResult, ScreenStage, VelocityLookup } from './screen';
export { backtest } from './backtest';
export type { BacktestOptions, BacktestReport } from './backtest';
export { memoryVelocity } from './memory';
export type { MemoryVelocity } from './memory';

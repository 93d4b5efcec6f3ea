/**
 * The fraud rules, one file each; this list is the registry. Its order is the order rules are checked, shown in the
 * node's Rules collection, validated and give their reasons (rules of the history stage run after every order rule:
 * screen.ts). To add a rule: write lib/fraud/rules/<name>.ts (see rule-kit.ts) and add it here.
 */
import { billingShippingMismatch } from './billingShippingMismatch';
import { channelRisk } from './channelRisk';
import { disposableOrMalformedEmail } from './disposableOrMalformedEmail';
import { externalScreener } from './externalScreener';
import { firstOrderExpedited } from './firstOrderExpedited';
import { freightForwarderOrPoBox } from './freightForwarderOrPoBox';
import { orderTotalAbove } from './orderTotalAbove';
import { shipCountryHighRisk } from './shipCountryHighRisk';
import { shipCountryNotAllowed } from './shipCountryNotAllowed';
import { shipToNameMismatch } from './shipToNameMismatch';
import { skuQuantityAbove } from './skuQuantityAbove';
import { velocity } from './velocity';

export const FRAUD_RULES = [
	orderTotalAbove,
	skuQuantityAbove,
	shipCountryHighRisk,
	shipCountryNotAllowed,
	billingShippingMismatch,
	shipToNameMismatch,
	disposableOrMalformedEmail,
	velocity,
	firstOrderExpedited,
	freightForwarderOrPoBox,
	channelRisk,
	externalScreener,
] as const;

/**
 * A ship-to at a freight forwarder or reshipper (keywords in the name, company or street; known forwarder
 * addresses), or a PO box (weaker: many rural customers have only a box). A strong signal.
 */
import { addressText, containsWords, isPoBox, normalizedList, streetText, wordsInOrder } from '../match';
import { baseProperties, checkBoolean, checkList, checkPoints, defineRule, fired, LIST_HINT, listText, type RuleBase } from '../rule-kit';

export interface FreightForwarderOrPoBoxRule extends RuleBase {
	/** Words that mark a freight forwarder or reshipper in the ship-to name, company or street lines */
	keywords: string[];
	/** Known forwarder addresses: every word of the entry found, in order, in the normalised ship-to address */
	addresses: string[];
	/** Also fire for a PO box (P.O. Box, Post Office Box, POB, Postfach, Apartado ...) */
	poBox: boolean;
	/** Points for a PO box alone (weaker than a forwarder: many rural customers have only a box); default `points` */
	poBoxPoints?: number;
}

/** Names of well-known package forwarders and reshippers, and the words forwarder addresses use. */
export const DEFAULT_FORWARDER_KEYWORDS: readonly string[] = Object.freeze([
	'freight forward',
	'forwarder',
	'forwarding',
	'reship',
	'shipito',
	'myus',
	'stackry',
	'planet express',
	'qwintry',
	'viabox',
	'usgobuy',
	'comgateway',
	'shop and ship',
	'shopandship',
	'borderlinx',
	'bongo',
	'skypostal',
	'ship7',
	'parcel forward',
]);

const DEFAULTS: FreightForwarderOrPoBoxRule = {
	enabled: true,
	points: 50,
	keywords: [...DEFAULT_FORWARDER_KEYWORDS],
	addresses: [],
	poBox: true,
	poBoxPoints: 15,
};

export const freightForwarderOrPoBox = defineRule({
	name: 'freightForwarderOrPoBox',
	label: 'Freight Forwarder or PO Box',
	stage: 'order',
	scored: true,
	defaults: DEFAULTS,
	fields: { keywords: 'list', addresses: 'addressList', poBox: 'raw', poBoxPoints: 'number' },
	properties: [
		...baseProperties(DEFAULTS, 'freight-forwarder or PO-box ship-to'),
		{ displayName: 'Keywords', name: 'keywords', type: 'string', typeOptions: { rows: 2 }, default: listText(DEFAULTS.keywords), description: `Words that mark a forwarder in the ship-to name, company or street. ${LIST_HINT}.` },
		{ displayName: 'Addresses', name: 'addresses', type: 'string', typeOptions: { rows: 2 }, default: '', description: 'Known forwarder addresses, one per line (every word found in order in the ship-to address)' },
		{ displayName: 'PO Boxes Too', name: 'poBox', type: 'boolean', default: DEFAULTS.poBox, description: 'Whether a PO box ship-to fires the rule too' },
		{ displayName: 'PO Box Points', name: 'poBoxPoints', type: 'number', typeOptions: { minValue: 0 }, default: DEFAULTS.poBoxPoints ?? 15, description: 'Points for a PO box alone' },
	],
	validate(rule, path, problems) {
		checkList(problems, `${path}.keywords`, rule.keywords);
		checkList(problems, `${path}.addresses`, rule.addresses);
		checkBoolean(problems, `${path}.poBox`, rule.poBox);
		if (rule.poBoxPoints !== undefined && rule.poBoxPoints !== null) checkPoints(problems, `${path}.poBoxPoints`, rule.poBoxPoints);
	},
	evaluate(order, rule) {
		const ship = order.shipTo ?? null;
		if (!ship) return null;
		const street = streetText(ship);
		let fullText: string | undefined;
		const kwAt = normalizedList(rule.keywords).findIndex((k) => containsWords(street, k));
		const kw = kwAt >= 0 ? rule.keywords[kwAt] : undefined;
		const addrAt = kw ? -1 : normalizedList(rule.addresses).findIndex((a) => wordsInOrder((fullText ??= addressText(ship)), a));
		const addr = addrAt >= 0 ? rule.addresses[addrAt] : undefined;
		if (kw) return fired('freightForwarderOrPoBox', rule, `Ship-to address mentions "${kw}", a freight forwarder or reshipper`);
		if (addr) return fired('freightForwarderOrPoBox', rule, `Ship-to address matches the known forwarder address "${addr}"`);
		if (rule.poBox && [ship.line1, ship.line2, ship.company].some((l) => isPoBox(l)))
			return fired(
				'freightForwarderOrPoBox',
				{ points: typeof rule.poBoxPoints === 'number' ? rule.poBoxPoints : rule.points, block: rule.block },
				`Ship-to address is a PO box (${[ship.line1, ship.line2, ship.company].find((l) => isPoBox(l))})`,
			);
		return null;
	},
});

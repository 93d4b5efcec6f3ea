/**
 * Warehouses (issue 23): each stock location of the store is a warehouse with an address, the fulfilment account
 * that serves it, the channels it may serve, a priority and a stock buffer of its own. The store keeps them
 * (WarehouseStore, migration 12); lib/routing decides from them which warehouse ships an order. Here: the types and
 * the check of a warehouse as entered, below the store so that the store and the routing read the same shape.
 *
 * A store with no warehouse rows behaves as before (one location, or the location with the most stock): a
 * warehouse row only adds what routing needs.
 */
import { normalizeCountry } from '../order/address';
import { unstorableIn } from '../order/storable';

/** Who ships a warehouse's orders: a WMS (provider + the name of the n8n credential of that account) or an EDI partner. */
export type FulfilmentAccount = { kind: 'wms'; provider: string; credential: string } | { kind: 'edi'; partner: string };

export interface Warehouse {
	/** The stock location it is (the `location` of its stock rows); its key */
	location: string;
	/** A name people read (defaults to the location) */
	name: string;
	/** ISO 3166-1 alpha-2 */
	country: string;
	/** As written locally (US: the 5-digit ZIP); null when not known */
	postcode: string | null;
	/** Who ships from it; null: not set yet (routing may still choose it; the push needs it) */
	account: FulfilmentAccount | null;
	/** Channels it may serve (e.g. ['amazon']); empty: every channel */
	channels: string[];
	/** Higher first when the rules rank by priority (0 by default) */
	priority: number;
	/** Units of each SKU held back at this warehouse: routing treats its stock as on hand - reserved - buffer */
	buffer: number;
	/** Off: routing never chooses it (its stock stays counted) */
	active: boolean;
	updatedAt: string;
}

/** A warehouse as entered (an upsert): location and country are required, the rest has defaults. */
export interface WarehouseInput {
	location: string;
	name?: string;
	country: string;
	postcode?: string | null;
	account?: FulfilmentAccount | null;
	channels?: string[];
	priority?: number;
	buffer?: number;
	active?: boolean;
}

/** A warehouse entered wrong: names the warehouse and each field that was wrong. */
export class WarehouseInputError extends Error {
	constructor(
		readonly location: string,
		readonly problems: string[],
	) {
		super(`Warehouse ${location ? `"${location}"` : '(no location)'}: ${problems.join('; ')}`);
		this.name = 'WarehouseInputError';
	}
}

const text = (v: unknown): string => (typeof v === 'string' ? v.trim() : '');

/** The warehouse as stored (without updatedAt), or a WarehouseInputError naming every field that was wrong. */
export function checkWarehouse(input: WarehouseInput): Omit<Warehouse, 'updatedAt'> {
	const problems: string[] = [];
	const location = text(input?.location);
	const storable = (field: string, v: string) => {
		const bad = unstorableIn(v);
		if (bad) problems.push(`${field} ${bad}`);
	};
	if (!location) problems.push('location is required (the stock location this warehouse is)');
	storable('location', location);
	const name = text(input?.name) || location;
	storable('name', name);
	const country = normalizeCountry(input?.country);
	if (!country) problems.push(`country must be an ISO 3166-1 country code or name, got ${JSON.stringify(input?.country ?? null)}`);
	const postcode = text(input?.postcode).toUpperCase() || null;
	if (postcode) storable('postcode', postcode);
	if (postcode && country === 'US' && !/^\d{5}(-\d{4})?$/.test(postcode)) problems.push(`postcode must be a US ZIP code (12345 or 12345-6789), got "${postcode}"`);
	let account: FulfilmentAccount | null = null;
	const a = input?.account;
	if (a) {
		if (a.kind === 'wms') {
			const provider = text(a.provider);
			const credential = text(a.credential);
			if (!provider) problems.push('account.provider is required for a WMS account');
			if (!credential) problems.push('account.credential is required for a WMS account (the name of its n8n credential)');
			storable('account.credential', credential);
			account = { kind: 'wms', provider, credential };
		} else if (a.kind === 'edi') {
			const partner = text(a.partner);
			if (!partner) problems.push('account.partner is required for an EDI account');
			storable('account.partner', partner);
			account = { kind: 'edi', partner };
		} else {
			problems.push(`account.kind must be "wms" or "edi", got ${JSON.stringify((a as { kind?: unknown }).kind ?? null)}`);
		}
	}
	const channels = [...new Set((input?.channels ?? []).map((c) => text(c).toLowerCase()).filter(Boolean))].sort();
	for (const c of channels) storable('channels', c);
	const priority = input?.priority ?? 0;
	if (!Number.isInteger(priority)) problems.push(`priority must be a whole number, got ${JSON.stringify(priority)}`);
	const buffer = input?.buffer ?? 0;
	if (!Number.isInteger(buffer) || buffer < 0) problems.push(`buffer must be a whole number >= 0, got ${JSON.stringify(buffer)}`);
	if (problems.length) throw new WarehouseInputError(location, problems);
	return { location, name, country: country!, postcode, account, channels, priority, buffer, active: input.active ?? true };
}

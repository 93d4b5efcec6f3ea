/**
 * Identity keys of an order for fraud velocity lookups in the store ("how many orders to this address, from this
 * e-mail, phone or IP in the last 24 hours"). Each key is normalised so that trivial variations of the same
 * identity (case, spacing, "Street" vs "St", "+tag" e-mail aliases, phone punctuation) collide on purpose.
 */
import { addressKey, emailKey, normalizePhone } from './address';
import type { CanonicalOrder } from './types';

export interface IdentityKeys {
	/** Mailbox the e-mail delivers to (lower-case, "+tag" dropped, Gmail dots dropped), or null. */
	email: string | null;
	/** addressKey() of the ship-to address, or null when there is none or it has no street line. */
	shipAddress: string | null;
	/** Customer phone, else ship-to phone, as digits with a leading + when international; null when none. */
	phone: string | null;
	/** Client IP as given by the channel (IPv6 lower-case), or null. */
	clientIp: string | null;
}

function normalizeIp(ip: string | null | undefined): string | null {
	if (typeof ip !== 'string') return null;
	const s = ip.trim().toLowerCase();
	return s === '' ? null : s;
}

export function identityKeys(order: CanonicalOrder): IdentityKeys {
	const ship = order.shipTo;
	const hasStreet = !!ship && [ship.line1, ship.line2].some((s) => typeof s === 'string' && s.trim() !== '');
	return {
		email: emailKey(order.customer?.email),
		shipAddress: ship && hasStreet ? addressKey(ship) : null,
		phone: normalizePhone(order.customer?.phone) ?? normalizePhone(ship?.phone),
		clientIp: normalizeIp(order.risk?.clientIp),
	};
}

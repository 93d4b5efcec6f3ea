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
	/**
	 * Customer phone, else ship-to phone: its last 9 digits. That drops country codes and national trunk prefixes
	 * alike, so "541-555-0172" and "+1 541 555 0172", or "020 7946 0958" and "+44 20 7946 0958", key the same; two
	 * different numbers sharing their last 9 digits within a velocity window are rare enough to accept.
	 */
	phone: string | null;
	/** Client IP as given by the channel (IPv6 lower-case), or null. */
	clientIp: string | null;
}

function normalizeIp(ip: string | null | undefined): string | null {
	if (typeof ip !== 'string') return null;
	const s = ip.trim().toLowerCase();
	return s === '' ? null : s;
}

function phoneKey(phone: string | null): string | null {
	if (!phone) return null;
	const digits = phone.replace(/\D+/g, '');
	return digits.length > 9 ? digits.slice(-9) : digits;
}

export function identityKeys(order: CanonicalOrder): IdentityKeys {
	const ship = order.shipTo;
	const hasStreet = !!ship && [ship.line1, ship.line2].some((s) => typeof s === 'string' && s.trim() !== '');
	return {
		email: emailKey(order.customer?.email),
		shipAddress: ship && hasStreet ? addressKey(ship) : null,
		phone: phoneKey(normalizePhone(order.customer?.phone) ?? normalizePhone(ship?.phone)),
		clientIp: normalizeIp(order.risk?.clientIp),
	};
}

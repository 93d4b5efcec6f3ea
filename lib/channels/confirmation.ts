/**
 * Whether a channel already shows a shipment confirmation: after a confirmation whose answer was lost (a timeout or
 * a reset after the request went out) the channel outbox asks before confirming again, so a package is never
 * confirmed twice. Each client reads what its channel shows of an order's shipments and looks for the tracking
 * number there.
 */

/** Whether `raw` (a channel's JSON) holds `text` in any string, as it is or URL-encoded (an id inside a link). */
export function mentions(raw: unknown, text: string): boolean {
	const needle = text.trim();
	if (!needle) return false;
	const encoded = encodeURIComponent(needle);
	const seen = new Set<unknown>();
	const walk = (v: unknown): boolean => {
		if (typeof v === 'string') return v === needle || v.includes(needle) || (encoded !== needle && v.includes(encoded));
		if (typeof v === 'number') return String(v) === needle;
		if (!v || typeof v !== 'object' || seen.has(v)) return false;
		seen.add(v);
		return Array.isArray(v) ? v.some(walk) : Object.values(v as Record<string, unknown>).some(walk);
	};
	return walk(raw);
}

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

/**
 * A channel's answer that refuses a call for good, given in a 2xx body rather than an HTTP status (Shopify's
 * userErrors on a 200) or found before anything was sent (no open line left to confirm): an Error shaped as an HTTP
 * refusal (lib/http/errors.ts apiFailureOf: a status, the channel's own words, retryable false), so the outbox fails
 * the call for a person with those words (the Attention queue) and never sends it again by itself, where a plain Error
 * would count as an unknown outcome and be retried.
 */
export function channelRefusal(message: string, vendorMessage: string | null, status = 422): Error & { status: number; vendorMessage: string | null; code: string; retryable: false } {
	return Object.assign(new Error(message), { status, vendorMessage, code: `HTTP_${status}`, retryable: false as const });
}

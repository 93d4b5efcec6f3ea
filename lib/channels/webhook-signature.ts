/**
 * lib/channels/webhook-signature.ts: timing-safe webhook signature checks for the trigger nodes.
 *
 * API (stable):
 *   verifyShopifyHmac(rawBody: Buffer | string, header: string | undefined, secret: string): boolean
 *     X-Shopify-Hmac-Sha256 = base64(HMAC-SHA256(key = app client secret, raw body bytes)) ✔ (docs/architecture.md#vendor-api-facts, Shopify)
 *   verifyWooSignature(rawBody: Buffer | string, header: string | undefined, secret: string): boolean
 *     X-WC-Webhook-Signature = base64(HMAC-SHA256(key = webhook secret, exact body sent)) ✔ (docs/architecture.md#vendor-api-facts, WooCommerce)
 *   signBase64HmacSha256(rawBody, secret): string     what the sandboxes use to sign
 * Both verify over the raw bytes (never re-serialised JSON) and use crypto.timingSafeEqual; a missing or
 * malformed header, or an empty secret, is `false`.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export function signBase64HmacSha256(rawBody: Buffer | string, secret: string): string {
	return createHmac('sha256', secret).update(typeof rawBody === 'string' ? Buffer.from(rawBody, 'utf8') : rawBody).digest('base64');
}

function verifyBase64(rawBody: Buffer | string, header: string | undefined, secret: string): boolean {
	if (!secret || typeof header !== 'string' || header.length === 0) return false;
	const expected = createHmac('sha256', secret).update(typeof rawBody === 'string' ? Buffer.from(rawBody, 'utf8') : rawBody).digest();
	let given: Buffer;
	try {
		given = Buffer.from(header.trim(), 'base64');
	} catch {
		return false;
	}
	if (given.length !== expected.length) return false;
	return timingSafeEqual(given, expected);
}

export function verifyShopifyHmac(rawBody: Buffer | string, header: string | undefined, secret: string): boolean {
	return verifyBase64(rawBody, header, secret);
}

export function verifyWooSignature(rawBody: Buffer | string, header: string | undefined, secret: string): boolean {
	return verifyBase64(rawBody, header, secret);
}

/**
 * WooCommerce auth ✔ (docs/architecture.md#vendor-api-facts, WooCommerce): consumer key/secret as HTTP Basic over HTTPS, or as
 * ?consumer_key=&consumer_secret= query parameters when the host strips Authorization. Keys do not expire.
 */
import type { WooCommerceCredentials } from '../types';

export function wooBaseUrl(c: WooCommerceCredentials): string {
	return (c.baseUrl || c.storeUrl).replace(/\/+$/, '');
}

export function wooAuth(c: WooCommerceCredentials): { headers: Record<string, string>; qs: Record<string, string> } {
	if (c.queryStringAuth) return { headers: {}, qs: { consumer_key: c.consumerKey, consumer_secret: c.consumerSecret } };
	return { headers: { Authorization: `Basic ${Buffer.from(`${c.consumerKey}:${c.consumerSecret}`).toString('base64')}` }, qs: {} };
}

export function wooSecrets(c: WooCommerceCredentials): string[] {
	return [c.consumerKey, c.consumerSecret, Buffer.from(`${c.consumerKey}:${c.consumerSecret}`).toString('base64')];
}

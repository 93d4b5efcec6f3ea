import { HttpError, httpErrorFrom, redactHeaders, redactText, redactUrl } from '../../../lib/http/errors';
import { TokenCache } from '../../../lib/http/token-cache';
import { verifyShopifyHmac, verifyWooSignature, signBase64HmacSha256 } from '../../../lib/channels/webhook-signature';

describe('redaction', () => {
	it('removes secrets from urls, text and headers', () => {
		expect(redactUrl('https://s.test/wc?consumer_key=ck_abc&consumer_secret=cs_def&page=2')).toBe('https://s.test/wc?consumer_key=***&consumer_secret=***&page=2');
		const t = redactText('{"access_token":"Atza|xyz","x":1} Authorization: Bearer abc.def', ['my-client-secret']);
		expect(t).not.toMatch(/Atza\|xyz|abc\.def/);
		expect(redactText('oops my-client-secret leaked', ['my-client-secret'])).toBe('oops *** leaked');
		expect(redactHeaders({ Authorization: 'Basic x', 'X-Shopify-Access-Token': 'shpat_1', 'WM_SEC.ACCESS_TOKEN': 't', Accept: 'a' })).toEqual({
			Authorization: '***', 'X-Shopify-Access-Token': '***', 'WM_SEC.ACCESS_TOKEN': '***', Accept: 'a',
		});
	});

	it('HttpError carries status, a redacted url and a redacted body snippet', () => {
		const e = httpErrorFrom('POST', 'https://a.test/token?client_secret=s3cr3t-value', { status: 400, headers: {}, body: { error: 'bad', echo: 's3cr3t-value', refresh_token: 'Atzr|r' } }, ['s3cr3t-value']);
		expect(e).toBeInstanceOf(HttpError);
		expect(e.status).toBe(400);
		expect(e.retryable).toBe(false);
		expect(`${e.message} ${e.url} ${e.bodySnippet}`).not.toMatch(/s3cr3t-value|Atzr\|r/);
	});
});

describe('TokenCache', () => {
	it('reuses a token, refreshes before expiry, and shares one fetch between concurrent callers', async () => {
		let now = 0;
		const cache = new TokenCache({ now: () => now });
		let n = 0;
		const fetch = async () => ({ token: `t${++n}`, expiresInSec: 900 });
		const [a, b] = await Promise.all([cache.get('k', fetch), cache.get('k', fetch)]);
		expect([a, b, n]).toEqual(['t1', 't1', 1]);
		now = 800_000; // within 60 s... of 900 s? no: refresh at 900 - 60 = 840 s
		expect(await cache.get('k', fetch)).toBe('t1');
		now = 841_000;
		expect(await cache.get('k', fetch)).toBe('t2');
		cache.invalidate('k');
		expect(await cache.get('k', fetch)).toBe('t3');
	});
});

describe('webhook signatures', () => {
	const body = Buffer.from('{"id":1,"total_price":"10.00"}');
	const secret = 'shpss_test_secret';
	it('accepts the right signature over the raw bytes and refuses forged, unsigned, tampered and malformed ones', () => {
		const sig = signBase64HmacSha256(body, secret);
		expect(verifyShopifyHmac(body, sig, secret)).toBe(true);
		expect(verifyWooSignature(body.toString('utf8'), sig, secret)).toBe(true);
		expect(verifyShopifyHmac(body, signBase64HmacSha256(body, 'other'), secret)).toBe(false);
		expect(verifyShopifyHmac(body, undefined, secret)).toBe(false);
		expect(verifyShopifyHmac(Buffer.from('{"id":1,"total_price":"0.01"}'), sig, secret)).toBe(false);
		expect(verifyWooSignature(body, 'not base64 at all!!', secret)).toBe(false);
		expect(verifyWooSignature(body, sig, '')).toBe(false);
	});

	it('accepts only the canonical encoding of the right MAC (issue 18: junk after the padding, base64url and the like passed)', () => {
		const sig = signBase64HmacSha256(body, secret);
		const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
		// the 43rd character carries 4 bits of the MAC and 2 unused ones: set one of those and it decodes the same
		const last = alphabet.indexOf(sig[42]);
		const padBits = sig.slice(0, 42) + alphabet[last ^ 1] + '=';
		expect(Buffer.from(padBits, 'base64').equals(Buffer.from(sig, 'base64'))).toBe(true);
		for (const variant of [`${sig}junk`, `${sig}=`, sig.slice(0, -1), ` ${sig}`, `${sig}\n`, `${sig.slice(0, 20)} ${sig.slice(20)}`, padBits]) {
			expect([variant, verifyShopifyHmac(body, variant, secret), verifyWooSignature(body, variant, secret)]).toEqual([variant, false, false]);
		}
		// a MAC whose encoding has + or / in it, written as base64url, is refused too
		let n = 1;
		while (!/[+/]/.test(signBase64HmacSha256(Buffer.from(`{"n":${n}}`), secret))) n++;
		const other = Buffer.from(`{"n":${n}}`);
		const std = signBase64HmacSha256(other, secret);
		expect(verifyShopifyHmac(other, std, secret)).toBe(true);
		expect(verifyShopifyHmac(other, std.replace(/\+/g, '-').replace(/\//g, '_'), secret)).toBe(false);
	});
});

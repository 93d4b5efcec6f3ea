/**
 * The one redaction helper (lib/http/errors.ts redactText) every channel client, WMS provider and node uses: what
 * it masks (the forms a server echoes a secret in, pieces of it), that it masks before it cuts, and the proxy that
 * applies it to whatever a client throws.
 */
import { leak, PART } from '../../helpers/secrets';
import { apiFailureOf, httpErrorFrom, HttpError, redactText, SECRET_PART, vendorMessageOf, withRedaction } from '../../../lib/http/errors';

const SECRET = 'sk_live_9fQ2xR7mW4pZ8kL1';
/** true when some piece of `secret` (lib-independent definition: test/helpers/secrets.ts) is in `text` */
const holdsPiece = (text: string, secret: string): boolean => leak(text, [secret]) !== null;

describe('redactText', () => {
	it('masks the secret as sent and as a server echoes it: JSON-escaped, URL/form-encoded, HTML-escaped, base64 (also inside Basic)', () => {
		const s = 'p@ss "wörd" <&> 100%/+=';
		const echoes = [
			s,
			JSON.stringify(s).slice(1, -1),
			JSON.stringify(JSON.stringify(s)).slice(1, -1),
			JSON.stringify(s).slice(1, -1).replace(/ö/g, '\\u00f6'),
			encodeURIComponent(s),
			encodeURIComponent(s).replace(/%20/g, '+'),
			new URLSearchParams({ v: s }).toString().slice(2),
			s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;'),
			Buffer.from(s).toString('base64'),
			Buffer.from(s).toString('base64url'),
		];
		for (const e of echoes) {
			const out = redactText(`the server said: ${e} (end)`, [s]);
			expect(out).toContain('***');
			expect(out).not.toContain(e);
			expect(out).toMatch(/^the server said: .*\(end\)$/);
		}
		// base64(user:secret) at each of the three alignments a secret can have in it
		for (const user of ['u', 'us', 'usr']) {
			const basic = Buffer.from(`${user}:${s}`).toString('base64');
			const out = redactText(`Authorization header was ${basic}`, [s]);
			const middle = Buffer.from(s).toString('base64').slice(4, -4);
			expect(out).not.toContain(basic);
			expect(holdsPiece(out, basic.slice(4))).toBe(false);
			expect(out.includes(middle)).toBe(false);
		}
	});

	it('masks any piece of 8 characters of a secret: a server (or a limit) that cut it leaves nothing usable', () => {
		expect(SECRET_PART).toBe(PART);
		expect(redactText(`invalid key ${SECRET.slice(0, 12)}...`, [SECRET])).toBe('invalid key ***...');
		expect(redactText(`key ends ${SECRET.slice(-9)}`, [SECRET])).toBe('key ends ***');
		// shorter than PART: not a piece worth masking (it would mask ordinary words)
		expect(redactText(`prefix ${SECRET.slice(0, PART - 1)}!`, [SECRET])).toBe(`prefix ${SECRET.slice(0, PART - 1)}!`);
		// a secret shorter than PART is masked whole only; under 4 characters not at all
		expect(redactText('pin 12345 and 1234', ['12345'])).toBe('pin *** and 1234');
		expect(redactText('abc', ['abc'])).toBe('abc');
	});

	it('masks before it cuts: a cut that falls inside a secret leaves none of its first characters', () => {
		const text = `${'x'.repeat(295)}${SECRET} tail`;
		const out = redactText(text, [SECRET], 300);
		expect(out.length).toBeLessThanOrEqual(300);
		expect(out).not.toContain(SECRET.slice(0, 5));
		expect(out).toBe(`${'x'.repeat(295)}*** t`);
	});

	it('never splits a surrogate pair, neither when masking nor when cutting', () => {
		const s = '😀é😀é😀é😀é';
		const out = redactText(`a${s}b 😀`, [s]);
		expect(out).toBe('a***b 😀');
		const cut = redactText('ab😀', [], 3);
		expect(cut).toBe('ab');
	});

	it('masks again when a mask and its neighbours spell a secret holding the mask character', () => {
		// "x" + "x***": the second "x***" is masked, and the first "x" with the mask reads "x***" again
		expect(redactText('xx*** end', ['x***'])).toBe('*** end');
		expect(redactText('a*b*a*b* end', ['a*b*'])).not.toContain('a*b*');
	});

	it('masks token-looking text whatever the secret list says', () => {
		const out = redactText('{"access_token":"abc123def","x":1} Authorization: Bearer eyJhbGciOi.x.y refresh_token=zzz');
		expect(out).not.toMatch(/abc123def|eyJhbGciOi|zzz/);
	});

	it('reads a very long text only so far, and never shows the start of a secret that runs past what it read', () => {
		const text = `${'y'.repeat(64 * 1024 - 10)}${SECRET}`;
		const out = redactText(text, [SECRET]);
		expect(holdsPiece(out, SECRET)).toBe(false);
		expect(out).not.toContain(SECRET.slice(0, 5));
	});
});

describe('HttpError from an answer', () => {
	it('a body cut at the message limit carries no piece of an echoed secret, and the vendor message is its own words', () => {
		const body = { message: `Invalid API key ${SECRET}`, pad: 'x'.repeat(240), echo: SECRET };
		const e = httpErrorFrom('GET', 'https://wms.test/v1/items?api_key=k', { status: 400, headers: {}, body }, [SECRET], 1, 'Test');
		for (const text of [e.message, e.bodySnippet, e.url, e.vendorMessage ?? '']) {
			expect(text).not.toContain(SECRET.slice(0, 5));
			expect(holdsPiece(text, SECRET)).toBe(false);
		}
		expect(e.vendorMessage).toBe('Invalid API key ***');
		expect(apiFailureOf(e)).toEqual({ status: 400, vendorMessage: 'Invalid API key ***', code: null, retryable: false });
		// the same secret placed where the old 300-character cut fell
		const at = { status: 400, headers: {}, body: `${'z'.repeat(292)}${SECRET}` };
		expect(httpErrorFrom('GET', 'https://wms.test/x', at, [SECRET]).message).not.toContain(SECRET.slice(0, 4));
	});

	it('vendorMessageOf reads the usual error shapes', () => {
		expect(vendorMessageOf({ message: 'Bad SKU', errors: [{ message: 'sku: unknown' }] })).toBe('Bad SKU sku: unknown');
		expect(vendorMessageOf({ error: { message: 'nested' } })).toBe('nested');
		expect(vendorMessageOf({ error: 'invalid_client', error_description: 'Client authentication failed' })).toBe('Client authentication failed');
		expect(vendorMessageOf({ errors: { reference_id: ['Duplicate reference ID'] } })).toBe('reference_id: Duplicate reference ID');
		expect(vendorMessageOf('  plain text  ')).toBe('plain text');
		expect(vendorMessageOf(null)).toBeNull();
		expect(apiFailureOf(new Error('not an API error'))).toBeNull();
	});
});

describe('withRedaction', () => {
	class Client {
		token = SECRET;
		async fails(): Promise<never> {
			throw new Error(`GraphQL error: token ${this.token} is not valid for this shop`);
		}
		failsNow(): never {
			throw new HttpError({ message: `echo ${this.token}`, status: 401, method: 'GET', url: 'https://x.test' });
		}
		async testCredentials() {
			return { ok: false, message: `refused ${this.token}` };
		}
		async setAvailableQuantities() {
			return [{ sku: 'A', ok: false, quantity: 1, error: `rejected for key ${this.token}` }, { sku: 'B', ok: true, quantity: 2 }];
		}
		async fine() {
			return { token: this.token };
		}
	}
	const c = withRedaction(new Client(), () => [SECRET]);

	it('removes the secrets from whatever a method throws (message and stack), sync or async', async () => {
		const e = await c.fails().catch((x: unknown) => x as Error);
		expect(e.message).toBe('GraphQL error: token *** is not valid for this shop');
		expect(e.stack).not.toContain(SECRET);
		let thrown: Error | undefined;
		try {
			c.failsNow();
		} catch (x) {
			thrown = x as Error;
		}
		expect(thrown).toBeInstanceOf(HttpError);
		expect(thrown?.message).not.toContain(SECRET);
	});

	it('removes them from the credential test message and per-SKU errors, and leaves other results alone', async () => {
		expect(await c.testCredentials()).toEqual({ ok: false, message: 'refused ***' });
		expect(await c.setAvailableQuantities()).toEqual([
			{ sku: 'A', ok: false, quantity: 1, error: 'rejected for key ***' },
			{ sku: 'B', ok: true, quantity: 2 },
		]);
		expect(await c.fine()).toEqual({ token: SECRET });
		expect(c).toBeInstanceOf(Client);
	});
});

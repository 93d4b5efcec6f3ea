import { assertValidOrder, formatProblems, InvalidOrderError, validateOrder } from '../../../lib/order/validate';
import { validOrder } from './fixtures';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests bend valid orders into every invalid shape
type Mutable = Record<string, any>;
function mutate(fn: (o: Mutable) => void): unknown {
	const o = validOrder() as unknown as Mutable;
	fn(o);
	return o;
}
const paths = (order: unknown) => validateOrder(order).map((p) => p.path);

describe('validateOrder', () => {
	it('gives no problems for a valid order', () => {
		expect(validateOrder(validOrder())).toEqual([]);
	});

	it('accepts optional annotations, shipBy, extra top-level keys and a 3-decimal currency', () => {
		const o = mutate((o) => {
			o.currency = 'KWD';
			o.totals = { subtotal: 1.005, shipping: 2.01, tax: 0.125, discount: 0.1, total: 3.04 };
			o.lines[0].unitPrice = 0.5025;
			o.lines[0].unitPrice = 0.503;
			o.billTo = { ...o.shipTo, country: 'KW' };
			o.shipBy = '2026-05-03T23:59:59Z';
			o.fraud = { decision: 'pass', score: 5, reasons: [{ rule: 'new_customer', points: 5, detail: 'first order' }] };
			o.allocation = { status: 'allocated', lines: [{ sku: 'SKU-1', requested: 2, allocated: 2, backordered: 0 }] };
			o.wms = {
				provider: 'shipbob',
				reference: 'SB-1',
				status: 'shipped',
				shipments: [{ carrier: 'UPS', trackingNumber: '1Z', trackingUrl: null, shippedAt: '2026-05-02T10:00:00Z', lines: [{ sku: 'SKU-1', quantity: 2 }] }],
			};
			o.risk.facts = [{ description: 'IP matches billing', sentiment: 'positive' }];
			o.risk.external = [{ provider: 'signifyd', decision: 'ACCEPT', score: 12 }];
			o.backorder = { policy: 'ship-complete' };
			delete o.raw;
		});
		expect(validateOrder(o)).toEqual([]);
	});

	it('names what is wrong in a buyer\'s cancel request', () => {
		expect(validateOrder(mutate((o) => (o.cancelRequest = { id: '', requestedAt: '2026-05-02', reason: 3 })))).toEqual([
			{ path: '$.cancelRequest.id', message: 'must not be empty' },
			{ path: '$.cancelRequest.requestedAt', message: 'must be an ISO 8601 timestamp in UTC such as "2026-05-01T14:00:00Z" or null, got "2026-05-02"' },
			{ path: '$.cancelRequest.reason', message: 'must be a string or null, got 3' },
		]);
		expect(validateOrder(mutate((o) => (o.cancelRequest = { id: '7' })))).toEqual([
			{ path: '$.cancelRequest.requestedAt', message: 'is required (use null when there is none)' },
			{ path: '$.cancelRequest.reason', message: 'is required (use null when there is none)' },
		]);
		expect(validateOrder(mutate((o) => (o.cancelRequest = true)))).toEqual([
			{ path: '$.cancelRequest', message: 'must be an object with id, requestedAt and reason (or null when there is no request), got true' },
		]);
	});

	it('accepts a zero-decimal currency with whole amounts', () => {
		const o = mutate((o) => {
			o.currency = 'JPY';
			o.totals = { subtotal: 5000, shipping: 500, tax: 500, discount: 0, total: 6000 };
			o.lines[0] = { lineId: '1', sku: 'A', title: null, quantity: 2, unitPrice: 2500, lineTotal: 5000 };
		});
		expect(validateOrder(o)).toEqual([]);
	});

	it('returns every problem with its path and a readable message', () => {
		const o = mutate((o) => {
			o.lines[0].quantity = -2;
			o.lines.push({ lineId: '', sku: 'B', title: 3, quantity: 1.5, unitPrice: 'x', lineTotal: 1 });
			o.readiness = 'done';
			o.placedAt = '2026-05-01 14:00:00';
			o.shipTo.country = 'Canada';
			o.shipping.level = 'fast';
			o.customer.email = 'not an email';
			delete o.risk;
		});
		const problems = validateOrder(o);
		expect(problems).toEqual(
			expect.arrayContaining([
				{ path: '$.lines[0].quantity', message: 'must be a positive integer, got -2' },
				{ path: '$.lines[1].lineId', message: 'must not be empty' },
				{ path: '$.lines[1].title', message: 'must be a string or null, got 3' },
				{ path: '$.lines[1].quantity', message: 'must be a positive integer, got 1.5' },
				{ path: '$.lines[1].unitPrice', message: 'must be an amount (a finite number in major units), got "x"' },
				{ path: '$.readiness', message: 'must be one of ready | pending | cancelled | shipped, got "done"' },
				{
					path: '$.placedAt',
					message: 'must be an ISO 8601 timestamp in UTC such as "2026-05-01T14:00:00Z", got "2026-05-01 14:00:00"',
				},
				{
					path: '$.shipTo.country',
					message: 'must be an ISO 3166-1 alpha-2 country code in upper case such as "US", got "Canada" (did you mean "CA"?)',
				},
				{ path: '$.customer.email', message: 'must be an e-mail address (name@domain) or null, got "not an email"' },
			]),
		);
		expect(paths(o)).toContain('$.shipping.level');
		expect(paths(o)).toContain('$.risk');
		expect(problems).toHaveLength(11);
	});

	it('checks omsId against channel and channelOrderId', () => {
		expect(validateOrder(mutate((o) => (o.omsId = 'shopify:1')))).toEqual([
			{ path: '$.omsId', message: 'must be "shopify:450789469" (channel:channelOrderId), got "shopify:1"' },
		]);
		expect(paths(mutate((o) => (o.channel = 'Shopify')))).toEqual(['$.channel']);
	});

	it('checks that totals add up in minor units', () => {
		expect(validateOrder(mutate((o) => (o.totals.total = 58)))).toEqual([
			{ path: '$.totals.total', message: 'must equal subtotal + shipping + tax - discount = 50.00 + 9.00 + 0.00 - 0.00 = 59.00 USD, got 58.00' },
		]);
		// 0.1 + 0.2 adds up exactly in minor units even though it does not in floating point
		expect(validateOrder(mutate((o) => (o.totals = { subtotal: 0.1, shipping: 0.2, tax: 0, discount: 0, total: 0.3 })))).toEqual([]);
		expect(validateOrder(mutate((o) => (o.totals = { subtotal: 50, shipping: 9, tax: 4.5, discount: 10, total: 53.5 })))).toEqual([]);
	});

	it('checks decimals against the currency', () => {
		expect(validateOrder(mutate((o) => (o.lines[0].unitPrice = 25.001)))).toEqual([
			{ path: '$.lines[0].unitPrice', message: 'must have at most 2 decimals for USD, got 25.001' },
		]);
		const jpy = mutate((o) => {
			o.currency = 'JPY';
			o.totals = { subtotal: 50.5, shipping: 9, tax: 0, discount: 0, total: 59.5 };
		});
		expect(paths(jpy)).toEqual(['$.totals.subtotal', '$.totals.total']);
		expect(validateOrder(jpy)[0].message).toBe('must be a whole amount: JPY has no minor unit, got 50.5');
		expect(validateOrder(mutate((o) => (o.totals.tax = -1)))).toEqual(
			expect.arrayContaining([{ path: '$.totals.tax', message: 'must not be negative, got -1' }]),
		);
		expect(validateOrder(mutate((o) => (o.totals.tax = NaN)))).toEqual([
			{ path: '$.totals.tax', message: 'must be an amount (a finite number in major units), got NaN' },
		]);
	});

	it('reports an invalid currency with a hint', () => {
		expect(validateOrder(mutate((o) => (o.currency = 'usd')))).toEqual([
			{ path: '$.currency', message: 'must be an active ISO 4217 currency code in upper case such as "USD", got "usd" (did you mean "USD"?)' },
		]);
		expect(paths(mutate((o) => (o.currency = 'US$')))).toEqual(['$.currency']);
	});

	it('checks timestamps are real UTC dates', () => {
		expect(paths(mutate((o) => (o.updatedAt = '2026-02-30T10:00:00Z')))).toEqual(['$.updatedAt']);
		expect(paths(mutate((o) => (o.updatedAt = '2026-05-01T14:00:00+02:00')))).toEqual(['$.updatedAt']);
		expect(paths(mutate((o) => (o.updatedAt = 1714572000000)))).toEqual(['$.updatedAt']);
		expect(validateOrder(mutate((o) => (o.updatedAt = '2028-02-29T00:00:00Z')))).toEqual([]);
	});

	it('reports missing and unknown fields', () => {
		const o = mutate((o) => {
			delete o.billTo;
			delete o.lines[0].sku;
			o.lines[0].colour = 'red';
			o.customer.age = 3;
		});
		expect(validateOrder(o)).toEqual(
			expect.arrayContaining([
				{ path: '$.billTo', message: 'is required (use null when there is none)' },
				{ path: '$.lines[0].sku', message: 'is required' },
				{ path: '$.lines[0].colour', message: expect.stringContaining('is not a field of an order line') },
				{ path: '$.customer.age', message: expect.stringContaining('is not a field of customer') },
			]),
		);
		expect(validateOrder(o)).toHaveLength(4);
	});

	it('rejects empty lines and non-objects', () => {
		expect(validateOrder(mutate((o) => (o.lines = [])))).toEqual([{ path: '$.lines', message: 'must have at least one line' }]);
		expect(validateOrder(null)).toEqual([{ path: '$', message: 'must be an object (one canonical order), got null' }]);
		expect(validateOrder([validOrder()])).toEqual([{ path: '$', message: 'must be an object (one canonical order), got an array of 1' }]);
		expect(validateOrder({}).length).toBe(16);
	});

	it('checks annotations when present', () => {
		const o = mutate((o) => {
			o.fraud = { decision: 'maybe', score: 1, reasons: [{ rule: 'x', points: 'a', detail: 'd' }] };
			o.allocation = { status: 'allocated', lines: [{ sku: 'A', requested: 2, allocated: -1, backordered: 0 }] };
			o.wms = { provider: 'x', reference: null, status: 's', shipments: [{ carrier: null, trackingNumber: null, trackingUrl: null, shippedAt: 'yesterday', lines: [] }] };
		});
		expect(paths(o)).toEqual(['$.fraud.decision', '$.fraud.reasons[0].points', '$.allocation.lines[0].allocated', '$.wms.shipments[0].shippedAt']);
	});

	it('reports totals whose sum leaves the exact integer range instead of throwing', () => {
		// each amount alone is exact (8e15 cents), their sum is not: it used to throw "Invalid minor-unit amount"
		const o = mutate((o) => {
			o.totals = { subtotal: 8e13, shipping: 8e13, tax: 0, discount: 0, total: 8e13 };
			o.lines[0] = { ...o.lines[0], quantity: 1, unitPrice: 8e13, lineTotal: 8e13 };
		});
		expect(() => validateOrder(o)).not.toThrow();
		expect(validateOrder(o)).toEqual([
			{ path: '$.totals.total', message: expect.stringMatching(/^cannot be checked: subtotal \+ shipping \+ tax - discount is too large to be handled exactly in USD/) },
		]);
	});

	it('refuses identifiers holding NUL or an unpaired surrogate, and leaves free text to the store to clean', () => {
		const o = mutate((o) => {
			o.channelOrderId = '10\u00001';
			o.omsId = `${o.channel}:10\u00001`;
			o.lines[0].sku = 'SKU\ud800';
			o.lines[0].lineId = 'L\u0000';
			o.customer.channelCustomerId = '\udc00c';
			o.lines[0].title = 'Mug\u0000';
			o.customer.name = 'A\ud800';
			o.raw = { x: '\u0000' };
		});
		expect(validateOrder(o)).toEqual([
			{ path: '$.omsId', message: 'must not contain a NUL character (U+0000): an identifier is kept exactly as given, and the store cannot keep this character' },
			{ path: '$.channelOrderId', message: 'must not contain a NUL character (U+0000): an identifier is kept exactly as given, and the store cannot keep this character' },
			{ path: '$.customer.channelCustomerId', message: 'must not contain an unpaired UTF-16 surrogate (U+DC00): an identifier is kept exactly as given, and the store cannot keep this character' },
			{ path: '$.lines[0].lineId', message: 'must not contain a NUL character (U+0000): an identifier is kept exactly as given, and the store cannot keep this character' },
			{ path: '$.lines[0].sku', message: 'must not contain an unpaired UTF-16 surrogate (U+D800): an identifier is kept exactly as given, and the store cannot keep this character' },
		]);
		// a surrogate pair (an emoji) is a character like any other
		expect(validateOrder(mutate((o) => (o.lines[0].sku = 'MUG-\ud83d\ude00')))).toEqual([]);
	});
});

describe('assertValidOrder', () => {
	it('returns a valid order typed', () => {
		const o = validOrder();
		expect(assertValidOrder(o)).toBe(o);
	});
	it('throws InvalidOrderError listing every problem', () => {
		const bad = mutate((o) => {
			o.lines[0].quantity = 0;
			o.currency = 'XXX';
		});
		let error: unknown;
		try {
			assertValidOrder(bad);
		} catch (e) {
			error = e;
		}
		expect(error).toBeInstanceOf(InvalidOrderError);
		expect(error).toBeInstanceOf(Error);
		const err = error as InvalidOrderError;
		expect(err.problems).toHaveLength(2);
		expect(err.omsId).toBe('shopify:450789469');
		expect(err.message).toBe(`Invalid canonical order shopify:450789469: 2 problems\n${formatProblems(err.problems)}`);
		expect(err.message).toContain('$.lines[0].quantity: must be a positive integer, got 0');
		expect(err.message).toContain('$.currency: must be an active ISO 4217 currency code');
	});
});

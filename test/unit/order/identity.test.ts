import { identityKeys } from '../../../lib/order/identity';
import * as order from '../../../lib/order';
import { validOrder } from './fixtures';

describe('identityKeys', () => {
	it('gives normalised keys for velocity lookups', () => {
		const o = validOrder();
		o.customer.email = ' B+promo@Example.com';
		o.customer.phone = '+1 (613) 555-0100';
		o.risk.clientIp = ' 2001:DB8::1 ';
		o.shipTo!.line1 = '1 Main Street';
		o.shipTo!.line2 = 'Apartment 2';
		expect(identityKeys(o)).toEqual({
			email: 'b@example.com',
			shipAddress: 'ca|k1a0b1|1 main st apt 2',
			phone: '135550100',
			clientIp: '2001:db8::1',
		});
	});
	it('falls back to the ship-to phone and gives nulls when there is nothing', () => {
		const o = validOrder();
		o.customer.email = null;
		o.shipTo!.phone = '613 555 0100';
		expect(identityKeys(o)).toEqual({ email: null, shipAddress: 'ca|k1a0b1|1 main st', phone: '135550100', clientIp: null });
		o.shipTo = null;
		expect(identityKeys(o)).toEqual({ email: null, shipAddress: null, phone: null, clientIp: null });
	});
	it('is exported from lib/order with the rest of the API', () => {
		for (const name of ['identityKeys', 'validateOrder', 'assertValidOrder', 'InvalidOrderError', 'toMinor', 'sumMoney', 'normalizeCountry', 'addressKey', 'canonicalOrderSchema', 'omsIdOf']) {
			expect(typeof (order as Record<string, unknown>)[name]).not.toBe('undefined');
		}
	});

	it('keys a phone the same with or without country code or trunk prefix', () => {
		const a = validOrder();
		const b = validOrder();
		a.customer.phone = '541-555-0172';
		b.customer.phone = '+1 (541) 555 0172';
		expect(identityKeys(a).phone).toBe(identityKeys(b).phone);
		a.customer.phone = '020 7946 0958';
		b.customer.phone = '+44 20 7946 0958';
		expect(identityKeys(a).phone).toBe(identityKeys(b).phone);
		b.customer.phone = '+44 20 7946 0959';
		expect(identityKeys(a).phone).not.toBe(identityKeys(b).phone);
	});
});

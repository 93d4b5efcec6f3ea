import { canAdvance, laterStatus, mapStatusWord, parseReference, referenceFor, statusRank } from '../../../lib/wms/status';
import { SHIPBOB_STATUS } from '../../../lib/wms/shipbob';

describe('WMS status rules', () => {
	it('only moves forward: received/ready -> at_wms -> picked -> packed -> shipped -> delivered', () => {
		expect(canAdvance('ready', 'at_wms')).toBe(true);
		expect(canAdvance('at_wms', 'shipped')).toBe(true);
		expect(canAdvance('received', 'picked')).toBe(true);
		expect(canAdvance('shipped', 'packed')).toBe(false);
		expect(canAdvance('packed', 'packed')).toBe(false);
		expect(canAdvance('delivered', 'shipped')).toBe(false);
		expect(canAdvance('shipped', 'delivered')).toBe(true);
	});
	it('cancelled only before shipping; nothing leaves cancelled, rejected or delivered', () => {
		expect(canAdvance('at_wms', 'cancelled')).toBe(true);
		expect(canAdvance('packed', 'cancelled')).toBe(true);
		expect(canAdvance('shipped', 'cancelled')).toBe(false);
		expect(canAdvance('cancelled', 'shipped')).toBe(false);
		expect(canAdvance('rejected', 'at_wms')).toBe(false);
		expect(laterStatus('picked', 'cancelled')).toBe('cancelled');
		expect(laterStatus('shipped', 'cancelled')).toBe('shipped');
		expect(laterStatus('packed', 'picked')).toBe('packed');
		expect(statusRank('ready')).toBe(0);
	});
	it('references: omsId for the first shipment, omsId#n after; parsed back', () => {
		expect(referenceFor('shopify:1')).toBe('shopify:1');
		expect(referenceFor('shopify:1', 2)).toBe('shopify:1#2');
		expect(parseReference('shopify:1#2')).toEqual({ omsId: 'shopify:1', shipmentNo: 2 });
		expect(parseReference('amazon:111-222')).toEqual({ omsId: 'amazon:111-222', shipmentNo: 1 });
		expect(() => referenceFor('x', 0)).toThrow();
	});
	it('maps status words case- and separator-insensitively, unknown words to at_wms', () => {
		expect(mapStatusWord('partiallyfulfilled', SHIPBOB_STATUS)).toBe('packed');
		expect(mapStatusWord('On Hold', SHIPBOB_STATUS)).toBe('at_wms');
		expect(mapStatusWord('Something New', SHIPBOB_STATUS)).toBe('at_wms');
		expect(mapStatusWord('Cancelled', SHIPBOB_STATUS)).toBe('cancelled');
	});
});

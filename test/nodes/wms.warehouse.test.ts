/** The WMS node sends only its own warehouses' shipments (issue 23): nodes/shared/wms.ts warehouseRefusal. */
import { warehouseRefusal } from '../../nodes/shared/wms';

describe('warehouseRefusal', () => {
	it.each([
		['no warehouse on the item (one warehouse, as before)', { omsId: 'shopify:1' }, 'shipbob', null],
		['a warehouse with no account set', { omsId: 'shopify:1', warehouse: { location: 'west', account: null } }, 'shipbob', null],
		['its own provider', { omsId: 'shopify:1', shipmentNo: 2, warehouse: { location: 'west', account: { kind: 'wms', provider: 'shipbob', credential: 'x' } } }, 'shipbob', null],
		[
			'another provider',
			{ omsId: 'shopify:1', shipmentNo: 2, warehouse: { location: 'east', account: { kind: 'wms', provider: 'shiphero', credential: 'x' } } },
			'shipbob',
			"shopify:1 shipment 2 is for warehouse east, served by shiphero; this WMS node speaks shipbob: send it to that warehouse's WMS node (a Switch on warehouse.location)",
		],
		[
			'an EDI partner',
			{ omsId: 'shopify:1', shipmentNo: 1, warehouse: { location: 'dc', account: { kind: 'edi', partner: 'ACME' } } },
			'shipbob',
			'shopify:1 shipment 1 is for warehouse dc, served by the EDI partner ACME: send it with the EDI node, not a WMS node',
		],
	])('%s', (_name, json, provider, refusal) => {
		expect(warehouseRefusal(json as never, provider)).toBe(refusal);
	});
});

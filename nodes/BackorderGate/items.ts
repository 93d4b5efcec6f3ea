/**
 * The Backorder Gate's items (pure): a routed order (a flow's GateOutcome) as the item it leaves on.
 */
import type { IDataObject } from 'n8n-workflow';
import type { GateOutcome, WarehouseShipment } from '../../lib/flows';
import { withoutRaw } from '../shared/items';

/** An order leaving the gate: the canonical order as stored, its allocation, the route and the OMS state. */
export function gateItem(o: GateOutcome, keepRaw: boolean, extra: IDataObject = {}, shipment?: WarehouseShipment): IDataObject {
	// with several warehouses: one item per warehouse's shipment, its number, lines and warehouse (issue 23)
	const r = shipment ? { ...o.route, shipmentLines: shipment.lines } : o.route;
	const shipmentNo = shipment ? shipment.shipmentNo : o.shipmentNo;
	return {
		...(withoutRaw(o.stored.order, keepRaw) as unknown as IDataObject),
		allocation: o.allocation as unknown as IDataObject,
		backorder: {
			output: r.output,
			policy: r.policy,
			reason: r.reason,
			shipmentNo,
			shipmentLines: r.shipmentLines as unknown as IDataObject[],
			backorderedLines: r.backorderedLines as unknown as IDataObject[],
			cancelLines: r.cancelLines as unknown as IDataObject[],
			heldDays: r.heldDays === null ? null : Math.floor(r.heldDays * 100) / 100,
			...extra,
		},
		shipmentLines: r.shipmentLines as unknown as IDataObject[],
		shipmentNo,
		...(shipment ? { warehouse: { location: shipment.location, account: shipment.account } as unknown as IDataObject } : {}),
		cancelLines: r.cancelLines as unknown as IDataObject[],
		holdOverdue: r.holdOverdue,
		oms: {
			status: o.stored.status,
			hold: o.stored.hold as unknown as IDataObject,
			version: o.stored.version,
			changed: o.changed,
		},
	};
}

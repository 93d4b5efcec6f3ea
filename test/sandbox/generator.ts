/**
 * Seeded order generator for the channel sandboxes: one channel-neutral SeedOrder model, rendered by each
 * sandbox into its API's own JSON. Realistic variety (multi-line, international, expedited, cancelled, pending
 * payment, shipped) and planted fraud patterns, recorded in a ground-truth side table that tests and benchmarks read:
 *   - fraud ring: one shipping address + phone + client IP shared across channels under different emails
 *   - disposable email domains
 *   - high-value expedited first orders (a new customer, total over 1,000, next-day/expedited)
 *   - freight-forwarder (reshipper) addresses
 * Everything is a pure function of the seed.
 */
export type SeedChannel = 'shopify' | 'amazon' | 'ebay' | 'woocommerce' | 'walmart';
export type SeedStatus = 'paid' | 'pending' | 'cancelled' | 'shipped' | 'partially_shipped';
export type ShipLevel = 'standard' | 'expedited' | 'next_day' | 'economy' | 'priority' | 'same_day' | 'freight';
export type FraudPattern = 'fraud_ring' | 'disposable_email' | 'high_value_expedited_first_order' | 'freight_forwarder';

export interface SeedAddress {
	name: string;
	company: string | null;
	line1: string;
	line2: string | null;
	city: string;
	region: string | null;
	postalCode: string;
	country: string;
	phone: string | null;
}

export interface SeedLine {
	lineId: string;
	sku: string;
	title: string;
	quantity: number;
	unitPrice: number;
}

export interface SeedOrder {
	channel: SeedChannel;
	id: string;
	number: string;
	createdAt: string;
	updatedAt: string;
	status: SeedStatus;
	currency: string;
	customer: { id: string; name: string; firstName: string; lastName: string; email: string; phone: string | null; firstOrder: boolean };
	shipTo: SeedAddress;
	billTo: SeedAddress;
	lines: SeedLine[];
	shippingLevel: ShipLevel;
	shippingCost: number;
	tax: number;
	discount: number;
	clientIp: string;
	fraud: FraudPattern[];
}

export interface GroundTruthRow {
	omsId: string;
	channel: SeedChannel;
	channelOrderId: string;
	patterns: FraudPattern[];
}

export function mulberry32(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

export const CATALOG: Array<{ sku: string; title: string; price: number }> = [
	['MUG-CER-11', 'Ceramic Mug 11oz', 12.5], ['MUG-CER-15', 'Ceramic Mug 15oz', 14.0], ['TSHIRT-BLK-M', 'Black T-Shirt M', 19.99],
	['TSHIRT-BLK-L', 'Black T-Shirt L', 19.99], ['TSHIRT-WHT-S', 'White T-Shirt S', 18.5], ['HOODIE-GRY-L', 'Grey Hoodie L', 49.0],
	['CAP-NVY', 'Navy Cap', 22.0], ['BOTTLE-SS-750', 'Steel Bottle 750ml', 29.95], ['BAG-TOTE-NAT', 'Canvas Tote', 15.0],
	['SOCKS-3PK', 'Socks 3-pack', 11.99], ['LAMP-DESK-LED', 'LED Desk Lamp', 64.0], ['KBD-MECH-TKL', 'Mechanical Keyboard TKL', 129.0],
	['MOUSE-WL', 'Wireless Mouse', 34.5], ['HDPH-NC-700', 'Noise Cancelling Headphones', 349.0], ['SPKR-BT-MINI', 'Mini Bluetooth Speaker', 45.0],
	['WATCH-SMART-2', 'Smart Watch Series 2', 899.0], ['CAM-MIRR-24', 'Mirrorless Camera 24MP', 1299.0], ['LENS-50-18', '50mm f/1.8 Lens', 219.0],
	['TAB-10-64', 'Tablet 10in 64GB', 459.0], ['PHONE-CASE-X', 'Phone Case X', 17.0], ['CHRG-65W', '65W USB-C Charger', 39.0],
	['CABLE-C-2M', 'USB-C Cable 2m', 9.99], ['BOOK-COOK-01', 'Weeknight Cookbook', 27.0], ['CANDLE-SOY-L', 'Soy Candle Large', 24.0],
	['PLANT-POT-M', 'Planter Pot M', 19.0], ['YOGA-MAT-6', 'Yoga Mat 6mm', 39.99], ['DUMB-5KG', 'Dumbbell 5kg', 44.0],
	['KNIFE-CHEF-8', 'Chef Knife 8in', 79.0], ['PAN-CI-10', 'Cast Iron Pan 10in', 54.0], ['GIFT-CARD-100', 'Gift Card 100', 100.0],
].map(([sku, title, price]) => ({ sku: sku as string, title: title as string, price: price as number }));

const FIRST = ['Ava', 'Liam', 'Noah', 'Emma', 'Olivia', 'Mateo', 'Sofia', 'Yuki', 'Hiro', 'Chloe', 'Lucas', 'Mia', 'Aarav', 'Zoe', 'Ethan', 'Lea', 'Jonas', 'Amara', 'Omar', 'Ines'];
const LAST = ['Smith', 'Nguyen', 'Garcia', 'Müller', 'Tanaka', 'Brown', 'Dubois', 'Rossi', 'Kowalski', 'Okafor', 'Patel', 'Silva', 'Cohen', 'Jensen', "O'Neil", 'Kim'];
const PLACES: Array<{ city: string; region: string | null; postal: string; country: string; currency: string; street: string }> = [
	{ city: 'Seattle', region: 'WA', postal: '98101', country: 'US', currency: 'USD', street: 'Pine St' },
	{ city: 'Austin', region: 'TX', postal: '78701', country: 'US', currency: 'USD', street: 'Congress Ave' },
	{ city: 'Brooklyn', region: 'NY', postal: '11201', country: 'US', currency: 'USD', street: 'Court St' },
	{ city: 'Denver', region: 'CO', postal: '80202', country: 'US', currency: 'USD', street: 'Larimer St' },
	{ city: 'Chicago', region: 'IL', postal: '60601', country: 'US', currency: 'USD', street: 'Wacker Dr' },
	{ city: 'San Jose', region: 'CA', postal: '95125', country: 'US', currency: 'USD', street: 'Lincoln Ave' },
	{ city: 'Ottawa', region: 'ON', postal: 'K1A 0B1', country: 'CA', currency: 'CAD', street: 'Wellington St' },
	{ city: 'Vancouver', region: 'BC', postal: 'V6B 1A1', country: 'CA', currency: 'CAD', street: 'Granville St' },
	{ city: 'London', region: null, postal: 'SW1A 1AA', country: 'GB', currency: 'GBP', street: 'Whitehall' },
	{ city: 'Berlin', region: 'BE', postal: '10115', country: 'DE', currency: 'EUR', street: 'Invalidenstraße' },
	{ city: 'Sydney', region: 'NSW', postal: '2000', country: 'AU', currency: 'AUD', street: 'George St' },
	{ city: 'Osaka', region: '27', postal: '530-0001', country: 'JP', currency: 'JPY', street: 'Umeda' },
];
/** Fictional reshipper warehouses in the typical forwarder pattern (a suite number identifying the customer). */
export const FREIGHT_FORWARDERS: SeedAddress[] = [
	{ name: '', company: 'ParcelBridge Forwarding', line1: '8801 NW 15th St', line2: 'Suite FWD-48213', city: 'Doral', region: 'FL', postalCode: '33172', country: 'US', phone: '+13055550148' },
	{ name: '', company: 'ShipOverseas LLC', line1: '4500 Airport Way', line2: 'Unit #X77210', city: 'Portland', region: 'OR', postalCode: '97218', country: 'US', phone: '+15035550199' },
	{ name: '', company: 'ReShip Hub', line1: '19 Freight Ln', line2: 'Box RS-90211', city: 'Wilmington', region: 'DE', postalCode: '19801', country: 'US', phone: '+13025550123' },
];
export const DISPOSABLE_DOMAINS = ['mailinator.com', 'guerrillamail.com', 'yopmail.com', '10minutemail.com', 'trashmail.com'];
const FRAUD_RING = {
	address: { line1: '742 Evergreen Terrace', line2: 'Apt 3', city: 'Springfield', region: 'OR', postalCode: '97477', country: 'US' },
	phone: '+15415550172',
	ip: '185.220.101.47',
};

export interface GenerateOptions {
	seed?: number;
	/** Orders per channel */
	perChannel?: number;
	channels?: SeedChannel[];
	/** All orders fall in [from, to] (ISO); default the 7 days up to 3 minutes ago */
	from?: string;
	to?: string;
	/** Share of orders carrying each planted pattern (default 0.02 each) */
	fraudRate?: number;
}

export interface GeneratedSet {
	byChannel: Record<SeedChannel, SeedOrder[]>;
	groundTruth: GroundTruthRow[];
}

const ALL: SeedChannel[] = ['shopify', 'amazon', 'ebay', 'woocommerce', 'walmart'];

function idFor(channel: SeedChannel, n: number, rnd: () => number): string {
	const d = (k: number) => String(Math.floor(rnd() * 10 ** k)).padStart(k, '0');
	switch (channel) {
		case 'shopify':
			return String(5_000_000_000 + n);
		case 'amazon':
			return `${100 + (n % 900)}-${d(7)}-${String(n).padStart(7, '0')}`;
		case 'ebay':
			return `${String(10 + (n % 90))}-${d(5)}-${String(n).padStart(5, '0')}`;
		case 'woocommerce':
			return String(1000 + n);
		case 'walmart':
			return String(1_800_000_000_000 + n);
	}
}

export function generateOrders(opts: GenerateOptions = {}): GeneratedSet {
	const rnd = mulberry32(opts.seed ?? 42);
	const pick = <T>(a: T[]): T => a[Math.floor(rnd() * a.length)];
	const per = opts.perChannel ?? 50;
	const to = opts.to ? Date.parse(opts.to) : Date.now() - 3 * 60_000;
	const from = opts.from ? Date.parse(opts.from) : to - 7 * 86400_000;
	const rate = opts.fraudRate ?? 0.02;
	const channels = opts.channels ?? ALL;
	const byChannel = {} as Record<SeedChannel, SeedOrder[]>;
	const groundTruth: GroundTruthRow[] = [];
	let customerSeq = 0;
	for (const channel of channels) {
		const list: SeedOrder[] = [];
		for (let i = 0; i < per; i++) {
			const place = rnd() < 0.78 || channel === 'walmart' ? PLACES[Math.floor(rnd() * 6)] : pick(PLACES); // Walmart US ships domestically
			const first = pick(FIRST);
			const last = pick(LAST);
			const name = `${first} ${last}`;
			const id = idFor(channel, i + 1, rnd);
			const created = from + Math.floor(((i + rnd()) / per) * (to - from - 60_000));
			const updated = Math.min(to, created + Math.floor(rnd() * 45 * 60_000));
			const nLines = rnd() < 0.7 ? 1 : rnd() < 0.7 ? 2 : 3 + Math.floor(rnd() * 3);
			const lines: SeedLine[] = [];
			const used = new Set<string>();
			for (let l = 0; l < nLines; l++) {
				let p = pick(CATALOG.slice(0, 15).concat(CATALOG.slice(19)));
				while (used.has(p.sku)) p = pick(CATALOG);
				used.add(p.sku);
				lines.push({ lineId: String(l + 1), sku: p.sku, title: p.title, quantity: rnd() < 0.8 ? 1 : 2 + Math.floor(rnd() * 3), unitPrice: p.price });
			}
			const r = rnd();
			const status: SeedStatus = r < 0.72 ? 'paid' : r < 0.82 ? 'pending' : r < 0.9 ? 'cancelled' : r < 0.97 ? 'shipped' : 'partially_shipped';
			const lv = rnd();
			const shippingLevel: ShipLevel = lv < 0.68 ? 'standard' : lv < 0.83 ? 'expedited' : lv < 0.9 ? 'next_day' : lv < 0.96 ? 'economy' : 'priority';
			const phone = rnd() < 0.6 ? `+1${2000000000 + Math.floor(rnd() * 7999999999)}`.slice(0, 12) : null;
			const addr: SeedAddress = {
				name,
				company: rnd() < 0.1 ? `${last} Trading Co` : null,
				line1: `${1 + Math.floor(rnd() * 2400)} ${place.street}`,
				line2: rnd() < 0.25 ? `Apt ${1 + Math.floor(rnd() * 40)}` : null,
				city: place.city,
				region: place.region,
				postalCode: place.postal,
				country: place.country,
				phone,
			};
			const o: SeedOrder = {
				channel,
				id,
				number: channel === 'shopify' ? `#${1000 + i + 1}` : id,
				createdAt: new Date(created).toISOString(),
				updatedAt: new Date(Math.max(created, updated)).toISOString(),
				status,
				currency: channel === 'shopify' || channel === 'woocommerce' ? place.currency : 'USD',
				customer: {
					id: String(900000 + ++customerSeq),
					name,
					firstName: first,
					lastName: last,
					email: `${first}.${last}${Math.floor(rnd() * 100)}@example.com`.toLowerCase().replace(/[^a-z0-9.@]/g, ''),
					phone,
					firstOrder: rnd() < 0.3,
				},
				shipTo: addr,
				billTo: { ...addr },
				lines,
				shippingLevel,
				shippingCost: shippingLevel === 'standard' ? (rnd() < 0.5 ? 0 : 5.99) : shippingLevel === 'economy' ? 0 : shippingLevel === 'expedited' ? 14.99 : 29.99,
				tax: 0,
				// Walmart's order model has no order-level discount field ⚠, so its orders carry none
				discount: rnd() < 0.15 && channel !== 'walmart' ? 5 : 0,
				clientIp: `${24 + Math.floor(rnd() * 170)}.${Math.floor(rnd() * 255)}.${Math.floor(rnd() * 255)}.${1 + Math.floor(rnd() * 250)}`,
				fraud: [],
			};
			o.tax = Math.round(o.lines.reduce((s, l) => s + l.quantity * l.unitPrice, 0) * (place.country === 'US' ? 0.08 : 0.1) * 100) / 100;
			if (o.currency === 'JPY') {
				o.lines.forEach((l) => (l.unitPrice = Math.round(l.unitPrice * 150)));
				o.tax = Math.round(o.tax * 150);
				o.shippingCost = Math.round(o.shippingCost * 150);
				o.discount = Math.round(o.discount * 150);
			}
			// Planted fraud patterns
			// Amazon and Walmart relay buyer emails (anonymised), so a disposable address can only show on the others
			if (rnd() < rate && channel !== 'amazon' && channel !== 'walmart') {
				o.customer.email = `${first}${Math.floor(rnd() * 10000)}@${pick(DISPOSABLE_DOMAINS)}`.toLowerCase();
				o.fraud.push('disposable_email');
			}
			if (rnd() < rate) {
				const f = pick(FREIGHT_FORWARDERS);
				o.shipTo = { ...f, name };
				o.fraud.push('freight_forwarder');
			}
			if (rnd() < rate) {
				const big = CATALOG.find((c) => c.sku === 'CAM-MIRR-24') ?? CATALOG[16];
				o.lines = [{ lineId: '1', sku: big.sku, title: big.title, quantity: 1 + Math.floor(rnd() * 2), unitPrice: big.price }];
				o.shippingLevel = rnd() < 0.5 ? 'next_day' : 'expedited';
				o.shippingCost = 39.99;
				o.customer.firstOrder = true;
				o.status = 'paid';
				o.fraud.push('high_value_expedited_first_order');
			}
			if (rnd() < rate || i === 3) {
				// the ring: same address, phone and IP on every channel; a different email each time
				o.shipTo = { ...o.shipTo, ...FRAUD_RING.address, name, phone: FRAUD_RING.phone, company: null };
				o.billTo = { ...o.shipTo };
				o.customer.phone = FRAUD_RING.phone;
				o.customer.email = `${first}.${last}.${Math.floor(rnd() * 1e6)}@example.net`.toLowerCase().replace(/[^a-z0-9.@]/g, '');
				o.clientIp = FRAUD_RING.ip;
				o.status = 'paid';
				// the ring's own address and e-mail replace a forwarder ship-to or a disposable e-mail planted above: the
				// order no longer carries those patterns, so the ground truth must not claim them
				o.fraud = o.fraud.filter((p) => p !== 'disposable_email' && p !== 'freight_forwarder');
				o.fraud.push('fraud_ring');
			}
			if (o.fraud.length) groundTruth.push({ omsId: `${channel}:${id}`, channel, channelOrderId: id, patterns: [...o.fraud] });
			list.push(o);
		}
		byChannel[channel] = list;
	}
	return { byChannel, groundTruth };
}

export function lineTotal(l: SeedLine): number {
	return Math.round(l.quantity * l.unitPrice * 100) / 100;
}
export function subtotal(o: SeedOrder): number {
	return Math.round(o.lines.reduce((s, l) => s + lineTotal(l), 0) * 100) / 100;
}
export function total(o: SeedOrder): number {
	return Math.round((subtotal(o) + o.shippingCost + o.tax - o.discount) * 100) / 100;
}
export function money(n: number, currency = 'USD'): string {
	return currency === 'JPY' ? String(Math.round(n)) : n.toFixed(2);
}

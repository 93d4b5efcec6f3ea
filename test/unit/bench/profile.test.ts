/**
 * bench:e2e's pack share of n8n's CPU (bench/e2e/profile.ts): samples counted in the window only, idle left out, a
 * sample the pack's when a frame of its code is on the stack (inclusive) or on top (self).
 */
import { packHotspots, packShare, packUrlTest, type CpuProfile } from '../../../bench/e2e/profile';

const isPack = packUrlTest('/repo');
const frame = (functionName: string, url = '') => ({ functionName, url });

// root -> n8n (run) -> pack (execute) -> n8n-workflow (getNodeParameter); root -> idle; root -> n8n other
const profile: CpuProfile = {
	nodes: [
		{ id: 1, callFrame: frame('(root)'), children: [2, 5, 6] },
		{ id: 2, callFrame: frame('run', 'file:///repo/.cache/n8n-2.41.1/node_modules/n8n-core/dist/x.js'), children: [3] },
		{ id: 3, callFrame: frame('execute', 'file:///repo/dist/nodes/OmsOrder/OmsOrder.node.js'), children: [4] },
		{ id: 4, callFrame: frame('getNodeParameter', 'file:///repo/.cache/n8n-2.41.1/node_modules/n8n-workflow/dist/y.js') },
		{ id: 5, callFrame: frame('(idle)') },
		{ id: 6, callFrame: frame('saveExecution', 'file:///repo/.cache/n8n-2.41.1/node_modules/n8n/dist/z.js') },
	],
	startTime: 1000,
	endTime: 2000,
	// at 1010 .. 1080: pack, pack's callee, idle, n8n, n8n, pack, callee, n8n (then one after the window)
	samples: [3, 4, 5, 6, 2, 3, 4, 6, 3],
	timeDeltas: [10, 10, 10, 10, 10, 10, 10, 10, 500],
};

it('counts the pack inclusive of what it calls and on top of the stack, over busy samples in the window', () => {
	const share = packShare([profile], isPack, 1000, 1100);
	expect(share.samples).toBe(7);
	expect(share.inclusive).toBeCloseTo(4 / 7);
	expect(share.self).toBeCloseTo(2 / 7);
});

it('cuts every profile to the window, and adds profiles of several processes', () => {
	expect(packShare([profile], isPack, 1000, 1030).samples).toBe(2);
	const both = packShare([profile, { ...profile, startTime: 1040 }], isPack, 1000, 1100);
	// the second process's samples at 1050 .. 1110: in the window up to 1100 are the first six, one of them idle
	expect(both.samples).toBe(7 + 5);
	expect(packShare([], isPack, 0, 1).inclusive).toBe(0);
});

it('takes the pack from its build and its own dependencies, not from n8n under .cache', () => {
	expect(isPack('file:///repo/dist/lib/store/sqlite.js')).toBe(true);
	expect(isPack('file:///repo/node_modules/pg/lib/client.js')).toBe(true);
	expect(isPack('file:///repo/.cache/n8n-2.41.1/node_modules/pg/lib/client.js')).toBe(false);
	expect(isPack('node:internal/streams/writable')).toBe(false);
});

it('lists the pack functions by their own samples, each with the samples it is on the stack of', () => {
	const top = packHotspots([profile], isPack, 1000, 1100);
	expect(top).toHaveLength(1);
	expect(top[0].fn).toBe('execute dist/nodes/OmsOrder/OmsOrder.node.js:0');
	expect(top[0].self).toBeCloseTo((100 * 2) / 7);
	expect(top[0].total).toBeCloseTo((100 * 4) / 7);
});

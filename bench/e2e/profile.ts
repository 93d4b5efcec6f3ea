/**
 * How much of n8n's CPU during a window was this pack's own code, from V8 CPU profiles (`--cpu-prof`) of the n8n
 * processes. A sample counts for the pack when a frame of the pack's code is on its stack (`inclusive`: the pack's
 * code and what it calls synchronously: the store's SQL, its HTTP clients' request building, n8n helpers it calls) or
 * on top of it (`self`). Work the pack started that finishes in a later tick (a PostgreSQL answer parsed, a socket
 * written) counts for the pack only where its code is on that stack, so `inclusive` slightly undercounts. The
 * denominator is every sample of every profiled process in the window but `(idle)`.
 *
 * Windows are in microseconds of the monotonic clock: V8 stamps samples with it, as `process.hrtime` reads it, so the
 * benchmark marks a window in its own process (monotonicMicros) and the profiles of other processes are cut to it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

interface CallFrame {
	functionName: string;
	url: string;
}
interface ProfileNode {
	id: number;
	callFrame: CallFrame;
	children?: number[];
}
export interface CpuProfile {
	nodes: ProfileNode[];
	startTime: number;
	endTime: number;
	samples: number[];
	timeDeltas: number[];
}

export interface PackShare {
	/** Samples in the window, idle excluded, over every profile */
	samples: number;
	inclusive: number;
	self: number;
	profiles: number;
}

export function monotonicMicros(): number {
	return Number(process.hrtime.bigint() / 1000n);
}

/** A profile's nodes by id and each node's parent */
function indexProfile(p: CpuProfile): { byId: Map<number, ProfileNode>; parent: Map<number, number> } {
	const parent = new Map<number, number>();
	const byId = new Map<number, ProfileNode>();
	for (const n of p.nodes) {
		byId.set(n.id, n);
		for (const c of n.children ?? []) parent.set(c, n.id);
	}
	return { byId, parent };
}

/** The profile's busy samples (not idle) stamped between `from` and `to` */
function* busySamples(p: CpuProfile, byId: Map<number, ProfileNode>, from: number, to: number): Generator<ProfileNode> {
	let t = p.startTime;
	for (let i = 0; i < p.samples.length; i++) {
		t += p.timeDeltas[i] ?? 0;
		if (t < from || t > to) continue;
		const node = byId.get(p.samples[i]);
		if (node && node.callFrame.functionName !== '(idle)') yield node;
	}
}

/** The pack's share of the samples of `profiles` between `from` and `to` (monotonic microseconds). */
export function packShare(profiles: CpuProfile[], isPack: (url: string) => boolean, from: number, to: number): PackShare {
	let samples = 0;
	let inclusive = 0;
	let self = 0;
	for (const p of profiles) {
		const { byId, parent } = indexProfile(p);
		const onStack = new Map<number, boolean>();
		const packOnStack = (id: number): boolean => {
			const known = onStack.get(id);
			if (known !== undefined) return known;
			const path: number[] = [];
			let cur: number | undefined = id;
			let found = false;
			while (cur !== undefined) {
				const k = onStack.get(cur);
				if (k !== undefined) {
					found = k;
					break;
				}
				path.push(cur);
				if (isPack(byId.get(cur)?.callFrame.url ?? '')) {
					found = true;
					break;
				}
				cur = parent.get(cur);
			}
			// every node walked before the answer shares it (a pack frame found above them is on their stacks too)
			for (const n of path) onStack.set(n, found);
			return found;
		};
		for (const node of busySamples(p, byId, from, to)) {
			samples++;
			if (packOnStack(node.id)) inclusive++;
			if (isPack(node.callFrame.url)) self++;
		}
	}
	return { samples, inclusive: samples ? inclusive / samples : 0, self: samples ? self / samples : 0, profiles: profiles.length };
}

/**
 * The pack's functions that cost most in the window: per function (name, file, line) the busy samples it is on top
 * of (self) and on the stack of (total, each sample once), for finding what to make cheaper.
 */
export function packHotspots(profiles: CpuProfile[], isPack: (url: string) => boolean, from: number, to: number, top = 15): Array<{ fn: string; self: number; total: number }> {
	const self = new Map<string, number>();
	const total = new Map<string, number>();
	let samples = 0;
	for (const p of profiles) {
		const { byId, parent } = indexProfile(p);
		const key = (n: ProfileNode) => `${n.callFrame.functionName || '(anonymous)'} ${n.callFrame.url.replace(/^.*\/dist\//, 'dist/').replace(/^.*\/node_modules\//, '')}:${(n as { callFrame: { lineNumber?: number } }).callFrame.lineNumber ?? 0}`;
		for (const node of busySamples(p, byId, from, to)) {
			samples++;
			if (isPack(node.callFrame.url)) self.set(key(node), (self.get(key(node)) ?? 0) + 1);
			const seen = new Set<string>();
			for (let cur: number | undefined = node.id; cur !== undefined; cur = parent.get(cur)) {
				const n = byId.get(cur)!;
				if (!isPack(n.callFrame.url)) continue;
				const k = key(n);
				if (seen.has(k)) continue;
				seen.add(k);
				total.set(k, (total.get(k) ?? 0) + 1);
			}
		}
	}
	const pct = (n: number) => (samples ? (100 * n) / samples : 0);
	return [...total.entries()]
		.sort((a, b) => (self.get(b[0]) ?? 0) - (self.get(a[0]) ?? 0) || b[1] - a[1])
		.slice(0, top)
		.map(([fn, n]) => ({ fn, self: pct(self.get(fn) ?? 0), total: pct(n) }));
}

/** Every `.cpuprofile` in a directory */
export function readProfiles(dir: string): CpuProfile[] {
	let files: string[] = [];
	try {
		files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'));
	} catch {
		return [];
	}
	return files.map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as CpuProfile);
}

/** The pack's code: its built files and its own runtime dependencies, not n8n's (which sits under .cache/ here) */
export function packUrlTest(root: string): (url: string) => boolean {
	const base = `file://${root.replace(/\/$/, '')}/`;
	const prefixes = [`${base}dist/`, `${base}node_modules/`];
	return (url) => prefixes.some((p) => url.startsWith(p));
}

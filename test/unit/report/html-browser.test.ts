/**
 * The HTML report opened in a real headless browser: Debian's chromium driven by playwright-core. The bars and
 * the daily lines are counted from the rendered page, nothing is fetched from anywhere, and a screenshot is
 * saved to artifacts/report/ (git-ignored). Fails, never skips, when /usr/bin/chromium is missing
 * (CI installs it: apt-get install -y chromium).
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type BrowserContext } from 'playwright-core';
import { runReport, toHtml } from '../../../lib/report';
import type { Store } from '../../../lib/store/types';
import { NOW, seedOrders, TestClock } from './seed';
import { closeStores, STORES } from './stores';

const CHROMIUM = process.env.OMS_TEST_CHROMIUM || '/usr/bin/chromium';
const ARTIFACTS = resolve(__dirname, '../../../artifacts/report');

let context: BrowserContext;
let profile = '';
let store: Store;

beforeAll(async () => {
	if (!existsSync(CHROMIUM)) {
		throw new Error(`Chromium is not installed at ${CHROMIUM}: apt-get install -y chromium (the HTML report test needs a real browser)`);
	}
	mkdirSync(ARTIFACTS, { recursive: true });
	profile = mkdtempSync(join(tmpdir(), 'oms-chromium-'));
	context = await chromium.launchPersistentContext(profile, {
		executablePath: CHROMIUM,
		headless: true,
		args: [
			'--headless',
			'--no-sandbox',
			'--disable-gpu',
			'--disable-quic',
			'--no-first-run',
			'--disable-background-networking',
			'--disable-component-update',
			'--disable-sync',
		],
		viewport: { width: 1000, height: 900 },
	});
	// no 30 s deadline of Playwright's own on loading a local file: the test's deadline (jest.config.js) applies
	context.setDefaultTimeout(0);
	const clock = new TestClock();
	store = await STORES[0].open(clock.now);
	await seedOrders(store, clock);
});

afterAll(async () => {
	await context?.close();
	if (profile) rmSync(profile, { recursive: true, force: true });
	await closeStores();
});

async function open(name: string, html: string) {
	const file = join(ARTIFACTS, `${name}.html`);
	writeFileSync(file, html);
	const page = await context.newPage();
	const requests: string[] = [];
	page.on('request', (r) => requests.push(r.url()));
	await page.goto(pathToFileURL(file).href);
	await page.waitForLoadState('load');
	return { page, requests, file };
}

describe('the HTML report in headless Chromium', () => {
	it('day x channel in Los Angeles: one bar per channel and one line per channel with a point per day', async () => {
		const result = await runReport(store, { report: 'byDay', period: { preset: 'lastNDays', days: 7, timeZone: 'America/Los_Angeles' }, compare: true }, () => NOW);
		const { page, requests, file } = await open('by-day-los-angeles', toHtml(result));
		expect(requests).toEqual([pathToFileURL(file).href]);

		const bars = await page.$$eval('svg rect.bar', (els) => els.map((e) => [e.getAttribute('data-channel'), Number(e.getAttribute('data-value'))]));
		// sold orders: C1 (cancelled) and H1 (fraud review) are not drawn
		expect(bars).toEqual([
			['amazon', 2],
			['ebay', 2],
			['shopify', 2],
			['walmart', 1],
		]);
		// every bar is drawn with a width in proportion to its value
		const widths = await page.$$eval('svg rect.bar', (els) => els.map((e) => (e as unknown as { getBBox(): { width: number } }).getBBox().width));
		expect(widths[0]).toBeGreaterThan(0);
		expect(widths[0] / widths[3]).toBeCloseTo(2, 5);

		const lines = await page.$$eval('svg polyline.line', (els) => els.map((e) => e.getAttribute('data-channel')));
		expect(lines).toEqual(['amazon', 'ebay', 'shopify', 'walmart']);
		const perChannel = await page.$$eval('svg circle.point', (els) => {
			const m: Record<string, number[]> = {};
			for (const e of els) (m[e.getAttribute('data-channel')!] ??= []).push(Number(e.getAttribute('data-value')));
			return m;
		});
		// 7 days (Apr 25 - May 1): W1 on Apr 30, the rest on May 1, zeros elsewhere
		expect(perChannel).toEqual({
			amazon: [0, 0, 0, 0, 0, 0, 2],
			ebay: [0, 0, 0, 0, 0, 0, 2],
			shopify: [0, 0, 0, 0, 0, 0, 2],
			walmart: [0, 0, 0, 0, 0, 1, 0],
		});
		expect(await page.$$eval('table tbody tr', (rows) => rows.length)).toBe(result.rows.length);
		expect(await page.title()).toContain('Orders by day and channel');
		await page.screenshot({ path: join(ARTIFACTS, 'by-day-los-angeles.png'), fullPage: true });
		await page.close();
	});

	it('orders by channel with comparison: current and previous bars per channel', async () => {
		const result = await runReport(store, { report: 'byChannel', period: { preset: 'yesterday', timeZone: 'UTC' }, compare: true }, () => NOW);
		const { page } = await open('by-channel-utc', toHtml(result));
		const count = await page.$$eval('svg rect.bar', (els) => {
			const m: Record<string, number> = {};
			for (const e of els) m[e.getAttribute('data-channel')!] = (m[e.getAttribute('data-channel')!] ?? 0) + Number(e.getAttribute('data-value'));
			return m;
		});
		expect(count).toEqual({ amazon: 2, ebay: 1, shopify: 2, walmart: 0 });
		expect(await page.$$eval('svg rect.bar-previous', (els) => els.map((e) => [e.getAttribute('data-channel'), Number(e.getAttribute('data-value'))]))).toEqual([
			['amazon', 0],
			['ebay', 0],
			['shopify', 0],
			['walmart', 1],
		]);
		expect(await page.textContent('.summary')).toContain('Orders yesterday (2026-05-01, UTC): 5');
		// what the figures count, where a reader sees it: under the title and over the table
		expect(await page.textContent('p.counts')).toBe(result.counts);
		expect(await page.textContent('table caption')).toBe(result.counts);
		expect(await page.isVisible('table caption')).toBe(true);
		await page.screenshot({ path: join(ARTIFACTS, 'by-channel-utc.png'), fullPage: true });
		await page.close();
	});

	it('an empty period renders a page that says so', async () => {
		const result = await runReport(store, { report: 'byDay', period: { preset: 'custom', from: '2020-01-01', to: '2020-01-03' } }, () => NOW);
		const { page } = await open('empty', toHtml(result));
		expect(await page.$$eval('svg rect.bar', (els) => els.length)).toBe(0);
		expect(await page.textContent('body')).toContain('No orders in this period');
		await page.close();
	});
});

/**
 * Start the WMS sandbox on its own (demo, manual tries):
 *   bash scripts/with-node24.sh node -r ts-node/register/transpile-only test/sandbox/wms/cli.ts [port] [timeScale]
 * Prints the base URL of each provider and the credentials it accepts; Ctrl-C stops it.
 */
import { startWmsSandbox, SANDBOX_CREDENTIALS } from './index';

async function main(): Promise<void> {
	const port = Number(process.argv[2] ?? 0);
	const timeScale = Number(process.argv[3] ?? 60);
	const sb = await startWmsSandbox({ port, timeScale });
	console.log(JSON.stringify({ baseUrls: sb.baseUrls, timeScale, credentials: SANDBOX_CREDENTIALS }, null, 2));
	const stop = () => void sb.close().then(() => process.exit(0));
	process.on('SIGINT', stop);
	process.on('SIGTERM', stop);
}

void main();

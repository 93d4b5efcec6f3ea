/** Plain HTTP for the sandbox tests: what a client sends and gets, with no client library in between. */
export interface HttpAnswer {
	status: number;
	headers: Headers;
	text: string;
	// eslint-disable-next-line @typescript-eslint/no-explicit-any
	json: any;
}

export async function http(url: string, opts: { method?: string; headers?: Record<string, string>; json?: unknown; body?: string | Buffer; form?: Record<string, string> } = {}): Promise<HttpAnswer> {
	const headers: Record<string, string> = { ...(opts.headers ?? {}) };
	let body: string | Buffer | undefined = opts.body;
	if (opts.json !== undefined) {
		body = JSON.stringify(opts.json);
		headers['content-type'] ??= 'application/json';
	}
	if (opts.form) {
		body = new URLSearchParams(opts.form).toString();
		headers['content-type'] = 'application/x-www-form-urlencoded';
	}
	const r = await fetch(url, { method: opts.method ?? (body === undefined ? 'GET' : 'POST'), headers, body: body as string | Uint8Array | undefined });
	const text = await r.text();
	let json: unknown = undefined;
	try {
		json = text ? JSON.parse(text) : undefined;
	} catch {
		json = undefined;
	}
	return { status: r.status, headers: r.headers, text, json };
}

/** A multipart/form-data body with one file part */
export function multipart(field: string, filename: string, contentType: string, content: string): { body: Buffer; contentType: string } {
	const boundary = `----sandbox${Math.random().toString(16).slice(2)}`;
	const body = Buffer.concat([
		Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="${filename}"\r\nContent-Type: ${contentType}\r\n\r\n`),
		Buffer.from(content),
		Buffer.from(`\r\n--${boundary}--\r\n`),
	]);
	return { body, contentType: `multipart/form-data; boundary=${boundary}` };
}

/** Rows of a tab- or comma-separated file (the comma form with every field quoted) */
export function parseDelimited(text: string, sep: '\t' | ','): string[][] {
	const lines = text.split(/\r?\n/).filter((l) => l.length);
	if (sep === '\t') return lines.map((l) => l.split('\t'));
	return lines.map((l) => [...l.matchAll(/"((?:[^"]|"")*)"/g)].map((m) => m[1].replace(/""/g, '"')));
}

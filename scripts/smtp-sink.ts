/**
 * A local SMTP sink: accepts every mail on loopback and keeps it in memory, so the demo and the e2e tests can show the
 * templates' Send Email nodes (n8n's SMTP credential pointed at it: host 127.0.0.1, its port, SSL/TLS off, STARTTLS
 * off, no user) actually sending. It speaks just enough SMTP for nodemailer (n8n's Send Email): EHLO/HELO, MAIL,
 * RCPT, DATA, RSET, NOOP, QUIT; it never relays anything.
 *
 *   const sink = await startSmtpSink();  // sink.port, sink.mails, sink.close()
 */
import { createServer, type Socket } from 'node:net';

export interface CaughtMail {
	from: string;
	to: string[];
	subject: string;
	/** The plain-text part (or the whole body), decoded */
	text: string;
	/** The HTML part, decoded, when the mail has one */
	html: string | null;
	raw: string;
	at: string;
}

export interface SmtpSink {
	host: string;
	port: number;
	mails: CaughtMail[];
	/** Resolves with the first mail caught that `match` accepts (one caught before counts) */
	waitFor(match: (m: CaughtMail) => boolean, timeoutMs?: number): Promise<CaughtMail>;
	close(): Promise<void>;
}

/** The credential data of n8n's SMTP credential type (`smtp`) that sends to the sink */
export function smtpCredentialData(sink: Pick<SmtpSink, 'host' | 'port'>): Record<string, unknown> {
	return { host: sink.host, port: sink.port, secure: false, disableStartTls: true, user: '', password: '' };
}

function decodeQp(s: string): string {
	const bytes: number[] = [];
	const text = s.replace(/=\r?\n/g, '');
	for (let i = 0; i < text.length; i++) {
		if (text[i] === '=' && /^[0-9A-F]{2}$/i.test(text.slice(i + 1, i + 3))) {
			bytes.push(parseInt(text.slice(i + 1, i + 3), 16));
			i += 2;
		} else bytes.push(...Buffer.from(text[i], 'utf8'));
	}
	return Buffer.from(bytes).toString('utf8');
}

/** =?UTF-8?Q?...?= and =?UTF-8?B?...?= words of a header */
function decodeWords(s: string): string {
	return s.replace(/\s*=\?[^?]+\?([QqBb])\?([^?]*)\?=\s*/g, (_m, enc: string, data: string) =>
		enc.toUpperCase() === 'B' ? Buffer.from(data, 'base64').toString('utf8') : decodeQp(data.replace(/_/g, ' ')),
	);
}

function split(part: string): { headers: Record<string, string>; body: string } {
	const at = part.indexOf('\r\n\r\n');
	const head = at < 0 ? part : part.slice(0, at);
	const body = at < 0 ? '' : part.slice(at + 4);
	const headers: Record<string, string> = {};
	let last = '';
	for (const line of head.split('\r\n')) {
		if (/^\s/.test(line) && last) headers[last] += ' ' + line.trim();
		else {
			const c = line.indexOf(':');
			if (c > 0) headers[(last = line.slice(0, c).toLowerCase())] = line.slice(c + 1).trim();
		}
	}
	return { headers, body };
}

function decodeBody(headers: Record<string, string>, body: string): string {
	const enc = (headers['content-transfer-encoding'] ?? '').toLowerCase();
	if (enc === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
	if (enc === 'quoted-printable') return decodeQp(body);
	return body;
}

/** Subject, text and HTML of a raw message (multipart/alternative or a single part) */
export function parseMail(raw: string): Pick<CaughtMail, 'subject' | 'text' | 'html'> {
	const { headers, body } = split(raw);
	const subject = decodeWords(headers.subject ?? '');
	const boundary = /boundary="?([^";]+)"?/i.exec(headers['content-type'] ?? '')?.[1];
	if (!boundary) {
		const content = decodeBody(headers, body);
		return /text\/html/i.test(headers['content-type'] ?? '') ? { subject, text: content, html: content } : { subject, text: content, html: null };
	}
	let text = '';
	let html: string | null = null;
	for (const chunk of body.split(`--${boundary}`)) {
		const part = split(chunk.replace(/^\r\n/, ''));
		const type = part.headers['content-type'] ?? '';
		if (/text\/plain/i.test(type)) text = decodeBody(part.headers, part.body).trimEnd();
		else if (/text\/html/i.test(type)) html = decodeBody(part.headers, part.body).trimEnd();
	}
	return { subject, text: text || html || '', html };
}

export async function startSmtpSink(opts: { port?: number; onMail?: (m: CaughtMail) => void } = {}): Promise<SmtpSink> {
	const mails: CaughtMail[] = [];
	const waiters: Array<() => void> = [];
	const sockets = new Set<Socket>();
	const server = createServer((socket) => {
		sockets.add(socket);
		socket.on('close', () => sockets.delete(socket));
		socket.on('error', () => undefined);
		let buffer = '';
		let data: string[] | null = null;
		let from = '';
		let to: string[] = [];
		const say = (line: string) => socket.write(`${line}\r\n`);
		say('220 oms-smtp-sink ESMTP');
		socket.on('data', (chunk) => {
			buffer += chunk.toString('utf8');
			for (let nl = buffer.indexOf('\r\n'); nl >= 0; nl = buffer.indexOf('\r\n')) {
				const line = buffer.slice(0, nl);
				buffer = buffer.slice(nl + 2);
				if (data) {
					if (line !== '.') {
						data.push(line.startsWith('..') ? line.slice(1) : line);
						continue;
					}
					const raw = data.join('\r\n');
					data = null;
					const mail: CaughtMail = { from, to, ...parseMail(raw), raw, at: new Date().toISOString() };
					mails.push(mail);
					opts.onMail?.(mail);
					for (const w of waiters.splice(0)) w();
					say('250 2.0.0 caught');
					continue;
				}
				const verb = line.slice(0, 4).toUpperCase();
				if (verb === 'EHLO') {
					say('250-oms-smtp-sink');
					say('250 8BITMIME');
				} else if (verb === 'HELO') say('250 oms-smtp-sink');
				else if (verb === 'MAIL') {
					from = /<([^>]*)>/.exec(line)?.[1] ?? '';
					to = [];
					say('250 2.1.0 OK');
				} else if (verb === 'RCPT') {
					to.push(/<([^>]*)>/.exec(line)?.[1] ?? '');
					say('250 2.1.5 OK');
				} else if (verb === 'DATA') {
					data = [];
					say('354 end with <CRLF>.<CRLF>');
				} else if (verb === 'RSET' || verb === 'NOOP') say('250 OK');
				else if (verb === 'QUIT') {
					say('221 bye');
					socket.end();
				} else say('502 5.5.2 not implemented');
			}
		});
	});
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
	});
	const port = (server.address() as { port: number }).port;
	return {
		host: '127.0.0.1',
		port,
		mails,
		waitFor(match, timeoutMs = 60_000) {
			return new Promise<CaughtMail>((resolve, reject) => {
				const timer = setTimeout(() => reject(new Error(`no mail matched within ${timeoutMs} ms (caught: ${mails.map((m) => m.subject).join(' | ') || 'none'})`)), timeoutMs);
				const check = () => {
					const m = mails.find(match);
					if (m) {
						clearTimeout(timer);
						resolve(m);
					} else waiters.push(check);
				};
				check();
			});
		},
		async close() {
			for (const s of sockets) s.destroy();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
}

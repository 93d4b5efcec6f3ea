/**
 * The documentation link checker behind links.test.ts: every link in README.md and docs/**, every codex
 * documentation link and every credential documentation URL must resolve inside the repository.
 *
 * - A relative link resolves to a file or folder of the repository (never outside it); its `#anchor`, if any, is a
 *   heading of the target Markdown file, by GitHub's slug rules (githubSlug).
 * - A link under the project's GitHub URL (package.json `homepage` without `#readme`) maps to a repository path:
 *   `<repo>` and `<repo>#x` are README.md, `<repo>/blob/<branch>/<path>#x` a file (and heading), `<repo>/tree/<branch>/<path>`
 *   a folder. Other pages of the project (issues, releases) are only checked for form.
 * - Any other http(s) link is not fetched (the tests run without internet): it must be a well-formed URL with a host.
 *
 * The repository is read through a RepoFs, so the checker can be tested on planted files in memory.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, posix } from 'node:path';

export interface RepoFs {
	/** 'file', 'dir' or null for a repository-relative POSIX path ('' is the root) */
	kind(path: string): 'file' | 'dir' | null;
	read(path: string): string;
}

export interface LinkProblem {
	/** the file the link is in (repository-relative), with its line when known */
	where: string;
	link: string;
	problem: string;
}

/** The repository on disk. */
export function diskRepo(root: string): RepoFs {
	return {
		kind(path) {
			const full = join(root, path);
			if (!existsSync(full)) return null;
			return statSync(full).isDirectory() ? 'dir' : 'file';
		},
		read: (path) => readFileSync(join(root, path), 'utf8'),
	};
}

/** A repository held in memory: path -> content (folders are implied by the paths). */
export function memoryRepo(files: Record<string, string>): RepoFs {
	return {
		kind(path) {
			const p = path.replace(/\/+$/, '');
			if (p in files) return 'file';
			if (p === '' || Object.keys(files).some((f) => f.startsWith(`${p}/`))) return 'dir';
			return null;
		},
		read(path) {
			if (!(path in files)) throw new Error(`no file ${path}`);
			return files[path];
		},
	};
}

/** GitHub's heading anchor: lower case; every character but letters, marks, digits, '_', '-' and spaces dropped; spaces to '-'. */
export function githubSlug(headingText: string): string {
	const text = headingText
		.replace(/!\[([^\]]*)\]\([^)]*\)/g, '$1')
		.replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
		.replace(/<[^>]+>/g, '')
		.trim()
		.toLowerCase();
	return text.replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '').replace(/ /g, '-');
}

/** Lines outside fenced code blocks, with their 1-based numbers. */
function proseLines(markdown: string): Array<{ text: string; line: number }> {
	const out: Array<{ text: string; line: number }> = [];
	let fence: string | null = null;
	markdown.split('\n').forEach((text, i) => {
		const m = /^\s{0,3}(`{3,}|~{3,})/.exec(text);
		if (m) {
			if (fence === null) fence = m[1][0];
			else if (m[1][0] === fence) fence = null;
			return;
		}
		if (fence === null) out.push({ text, line: i + 1 });
	});
	return out;
}

/** The anchors of a Markdown file: its ATX headings' slugs (duplicates get -1, -2 ... as on GitHub) and explicit HTML ids. */
export function headingAnchors(markdown: string): Set<string> {
	const occurrences = new Map<string, number>();
	const anchors = new Set<string>();
	for (const { text } of proseLines(markdown)) {
		const h = /^\s{0,3}#{1,6}\s+(.*?)(?:\s+#+)?\s*$/.exec(text);
		if (h) {
			const base = githubSlug(h[1]);
			let slug = base;
			while (occurrences.has(slug)) {
				const n = (occurrences.get(base) ?? 0) + 1;
				occurrences.set(base, n);
				slug = `${base}-${n}`;
			}
			occurrences.set(slug, 0);
			anchors.add(slug);
		}
		for (const m of text.matchAll(/<a\s+(?:name|id)="([^"]+)"/g)) anchors.add(m[1]);
	}
	return anchors;
}

/** Every link of a Markdown file outside code: inline links and images, reference definitions, autolinks and bare URLs. */
export function extractLinks(markdown: string): Array<{ url: string; line: number }> {
	const links: Array<{ url: string; line: number }> = [];
	for (const { text, line } of proseLines(markdown)) {
		let rest = text.replace(/(`+)[\s\S]*?\1/g, ' ');
		const def = /^\s{0,3}\[[^\]]+\]:\s*<?([^\s>]+)>?/.exec(rest);
		if (def) {
			links.push({ url: def[1], line });
			continue;
		}
		rest = rest.replace(/!?\[(?:[^\]\\]|\\.)*\]\(\s*<?([^)\s>]*)>?(?:\s+"[^"]*")?\s*\)/g, (_all, url: string) => {
			links.push({ url, line });
			return ' ';
		});
		rest = rest.replace(/<((?:https?|mailto):[^>\s]+)>/g, (_all, url: string) => {
			links.push({ url, line });
			return ' ';
		});
		for (const m of rest.matchAll(/https?:\/\/[^\s<>()|\]`'"]+/g)) links.push({ url: m[0].replace(/[.,;:!?*]+$/, ''), line });
	}
	return links;
}

/** Whether an external URL is well formed: http(s), a host with a dot (or localhost), no blanks. Nothing is fetched. */
export function wellFormedExternal(url: string): string | null {
	let u: URL;
	try {
		u = new URL(url);
	} catch {
		return 'is not a well-formed URL';
	}
	if (u.protocol === 'mailto:') return u.pathname.includes('@') ? null : 'is not a mail address';
	if (u.protocol !== 'http:' && u.protocol !== 'https:') return `has protocol ${u.protocol} (http or https expected)`;
	if (!(u.hostname === 'localhost' || /^[a-z0-9-]+(\.[a-z0-9-]+)+$/i.test(u.hostname))) return `has no usable host (${u.hostname || 'none'})`;
	if (/[\s{}<>]/.test(url)) return 'contains blanks or placeholders';
	return null;
}

function anchorProblem(fs: RepoFs, file: string, anchor: string): string | null {
	if (!anchor) return null;
	if (!file.endsWith('.md')) return `has an anchor #${anchor}, but ${file} is not a Markdown file`;
	const anchors = headingAnchors(fs.read(file));
	return anchors.has(anchor) ? null : `anchor #${anchor} is not a heading of ${file}`;
}

function targetProblem(fs: RepoFs, path: string, anchor: string, want: 'file' | 'dir' | 'any'): string | null {
	const normal = posix.normalize(path).replace(/\/+$/, '');
	if (normal === '..' || normal.startsWith('../') || posix.isAbsolute(normal)) return `points outside the repository (${path})`;
	const kind = fs.kind(normal === '.' ? '' : normal);
	if (!kind) return `${normal} does not exist`;
	if (want !== 'any' && kind !== want) return `${normal} is a ${kind === 'dir' ? 'folder' : 'file'}, not a ${want === 'dir' ? 'folder' : 'file'}`;
	if (kind === 'dir') return anchor ? `has an anchor #${anchor} on a folder` : null;
	return anchorProblem(fs, normal, anchor);
}

/** A problem with one URL found in `fromFile` (repository-relative), or null when it resolves. */
export function checkUrl(fs: RepoFs, repoUrl: string, fromFile: string, url: string): string | null {
	if (!url) return 'is empty';
	const hash = url.indexOf('#');
	const base = hash === -1 ? url : url.slice(0, hash);
	const anchor = hash === -1 ? '' : decodeURIComponent(url.slice(hash + 1));
	if (/^[a-z][a-z0-9+.-]*:/i.test(url)) {
		const form = wellFormedExternal(url);
		if (form) return form;
		const repo = repoUrl.replace(/\/+$/, '');
		if (base !== repo && base !== `${repo}/` && !base.startsWith(`${repo}/`)) return null;
		const rest = base.slice(repo.length).replace(/^\/+/, '');
		if (rest === '') return targetProblem(fs, 'README.md', anchor, 'file');
		const m = /^(blob|tree)\/([^/]+)\/(.+)$/.exec(rest);
		if (!m) return /^(blob|tree)(\/|$)/.test(rest) ? `is not a ${repo}/blob/<branch>/<path> link` : null;
		return targetProblem(fs, decodeURIComponent(m[3]), anchor, m[1] === 'blob' ? 'file' : 'dir');
	}
	if (base === '') return anchorProblem(fs, fromFile, anchor);
	return targetProblem(fs, posix.join(posix.dirname(fromFile), decodeURIComponent(base)), anchor, 'any');
}

/** Every link problem in the given Markdown files. */
export function checkMarkdownFiles(fs: RepoFs, repoUrl: string, files: string[]): LinkProblem[] {
	const problems: LinkProblem[] = [];
	for (const file of files) {
		for (const { url, line } of extractLinks(fs.read(file))) {
			const problem = checkUrl(fs, repoUrl, file, url);
			if (problem) problems.push({ where: `${file}:${line}`, link: url, problem });
		}
	}
	return problems;
}

/** README.md and every Markdown file under docs/, repository-relative, sorted. */
export function documentationFiles(root: string): string[] {
	const out = ['README.md'];
	const walk = (dir: string) => {
		for (const name of readdirSync(join(root, dir)).sort()) {
			const rel = `${dir}/${name}`;
			if (statSync(join(root, rel)).isDirectory()) walk(rel);
			else if (name.endsWith('.md')) out.push(rel);
		}
	};
	if (existsSync(join(root, 'docs'))) walk('docs');
	return out;
}

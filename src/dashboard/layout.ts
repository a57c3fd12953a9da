/** The shell of every page: head (uPlot and the dashboard's CSS and JS, all served locally), nav, footer. */
import { esc } from './html.ts';
import { href } from './routes.ts';

export interface PageOptions {
  /** Relative prefix back to the root (routes.ts rootFrom). */
  root: string;
  title: string;
  body: string;
  /** Seconds: a running execution's page reloads itself until the run ends. */
  refreshSeconds?: number;
  /** Where the records were read from, and when. */
  footer: string;
  /** Which nav entry is the current section. */
  section?: 'models' | 'runs';
}

export function page(options: PageOptions): string {
  const { root } = options;
  const nav = (name: 'models' | 'runs', label: string, to: string) =>
    `<a href="${esc(root + to)}"${options.section === name ? ' aria-current="page"' : ''}>${label}</a>`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
${options.refreshSeconds ? `<meta http-equiv="refresh" content="${options.refreshSeconds}">` : ''}
<title>${esc(options.title)} · mizan</title>
<link rel="stylesheet" href="${esc(root + href.asset('uPlot.min.css'))}">
<link rel="stylesheet" href="${esc(root + href.asset('dashboard.css'))}">
<script src="${esc(root + href.asset('uPlot.iife.min.js'))}" defer></script>
<script src="${esc(root + href.asset('dashboard.js'))}" defer></script>
</head>
<body>
<header><strong>mizan</strong> <nav>${nav('models', 'Models', href.models())} ${nav('runs', 'Runs', href.runs())}</nav></header>
<main>
<h1>${esc(options.title)}</h1>
${options.body}
</main>
<footer>${options.footer}</footer>
</body>
</html>
`;
}

/** Small HTML helpers: everything that comes from a record goes through `esc` (or `attr`). */

export function esc(value: unknown): string {
  return String(value ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** JSON inside a `<script type="application/json">`: `<` escaped so no text can close the tag. */
export function jsonScript(id: string, value: unknown): string {
  return `<script type="application/json" id="${esc(id)}">${JSON.stringify(value).replace(/</g, '\\u003c')}</script>`;
}

/** A number as stored, shortened for reading only: 6 significant digits, `—` when absent. */
export function num(value: unknown, digits = 6): string {
  if (typeof value !== 'number') return '—';
  if (!Number.isFinite(value)) return String(value);
  return Number(value.toPrecision(digits)).toString();
}

/** A fraction as a percentage with two decimals (0.2212 → 22.12 %). */
export function pct(value: unknown): string {
  return typeof value === 'number' && Number.isFinite(value) ? `${(value * 100).toFixed(2)} %` : '—';
}

export function statusBadge(status: string): string {
  return `<span class="status status-${esc(status.toLowerCase())}">${esc(status)}</span>`;
}

export function table(headers: string[], rows: string[][], className = ''): string {
  const head = headers.map((h) => `<th>${h}</th>`).join('');
  const body = rows.map((cells) => `<tr>${cells.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('\n');
  // Wide tables scroll sideways inside their box rather than widening the page.
  return `<div class="table-wrap"><table class="${esc(className)}"><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table></div>`;
}

/** Seconds between two ISO timestamps, as a person reads a duration. */
export function duration(from: string | undefined, to: string | undefined): string {
  if (!from || !to) return '—';
  const ms = Date.parse(to) - Date.parse(from);
  if (!Number.isFinite(ms)) return '—';
  if (ms < 1000) return `${ms} ms`;
  if (ms < 120_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

/**
 * One signal provider per run: an agent's panel reads its PatchTST forecasts made from the same news
 * and statements as its own signal channels, not from the bundled files.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildRawPanel, PANEL_FEATURES, type PanelInput } from '../../src/models/agents/env/build-panel.ts';
import { isoWeekMonday } from '../../src/features/iso-week.ts';
import { resolveTrainingPlan } from '../../src/pipeline/resolve-plan.ts';
import type { SignalProvider } from '../../src/ports/signals.ts';
import { localDeps, type LocalDeps } from '../../src/runtime/local-deps.ts';
import { forecastReader } from '../../src/snapshots/read-forecasts.ts';
import { trainSnapshot } from '../../src/snapshots/train-snapshot.ts';
import { walkForwardForecasts } from '../../src/snapshots/walk-forward.ts';
import { editedSignalProvider, gloomFrom } from '../support/edited-signals.ts';

let deps: LocalDeps;
let gloom: SignalProvider;
/** Symbols with news in the bundled set through 2020 and 2021 (AAPL's and MSFT's start in 2022). */
const input: PanelInput = { forecaster: 'patchtst', symbols: ['KO', 'PEP'], window: { start: '2021-01-04', end: '2021-06-25' }, lookbackDays: 70, returnDays: 20, volatilityDays: 60 };

beforeAll(async () => {
  deps = await localDeps({ dataDir: join(await mkdtemp(join(tmpdir(), 'mizan-panel-signals-')), 'data') });
  const plan = await resolveTrainingPlan({ kind: 'patchtst', mode: 'full', profile: 'smoke' }, deps);
  const snapshotDeps = { store: deps.store, marketData: deps.marketData, universe: deps.universe, signals: deps.signals, log: () => undefined, backend: 'wasm' };
  await trainSnapshot({ plan, yearEnd: '2020-12-31' }, snapshotDeps);
  gloom = await editedSignalProvider('gloom from 2019', gloomFrom('2019-01-01'));
});

/** The panel's forecast column, by `${symbol}|${monday}`. */
async function panelForecasts(signals: SignalProvider): Promise<Map<string, number>> {
  const panel = await buildRawPanel(input, { marketData: deps.marketData, signals, forecasts: forecastReader(deps) });
  const F = PANEL_FEATURES.length;
  const S = panel.symbols.length;
  return new Map(panel.weeks.flatMap((week, w) => panel.symbols.map((symbol, s) => [`${symbol}|${week}`, panel.raw[(w * S + s) * F]] as const)));
}

describe('an agent panel over PatchTST forecasts', () => {
  it('reads forecasts made from the run’s signal provider', async () => {
    // Act
    const bundled = await panelForecasts(deps.signals);
    const gloomy = await panelForecasts(gloom);
    const rows = await walkForwardForecasts({ kind: 'patchtst', symbols: input.symbols, from: input.window.start, to: input.window.end, allowFinalModel: false }, { ...deps, signals: gloom });
    // Assess: the same weeks, the provider's forecasts, which differ from the bundled files'.
    expect([...gloomy.keys()]).toEqual([...bundled.keys()]);
    expect(gloomy.size).toBeGreaterThan(20);
    const expected = new Map(rows.map((r) => [`${r.symbol}|${isoWeekMonday(r.weekStart)}`, r.forecast]));
    for (const [key, forecast] of gloomy) expect(forecast, key).toBe(expected.get(key));
    expect([...gloomy].filter(([key, forecast]) => forecast !== bundled.get(key)).length).toBeGreaterThan(gloomy.size / 2);
  });
});

/**
 * The three segments every forecaster is judged on, by date across all symbols (Qlib's segments):
 * the distinct target weeks sorted; the first ⌊n·trainFraction⌋ train, then `gapWeeks` purged, the
 * next ⌊n·valFraction⌋ validate (early stopping, best-epoch restore), `gapWeeks` purged, the rest
 * are the test weeks, scored once after training. The target horizon is one week, so a gap ≥ 1
 * keeps every training target out of the validation weeks, and every validation target out of the
 * test weeks.
 */
import type { WeeklySample } from '../../../features/weekly-dataset.ts';

export interface SegmentFractions {
  trainFraction: number;
  valFraction: number;
  gapWeeks: number;
}

export interface DateSplit {
  train: WeeklySample[];
  val: WeeklySample[];
  test: WeeklySample[];
  summary: SplitSummary;
}

/** The weeks of each segment (Mondays), as stored in metadata and used by the fair comparison. */
export interface SplitSummary {
  trainFirstWeek: string;
  trainLastWeek: string;
  valFirstWeek: string;
  valLastWeek: string;
  testFirstWeek: string;
  testLastWeek: string;
  trainWeeks: number;
  valWeeks: number;
  testWeeks: number;
  gapWeeks: number;
  nTrain: number;
  nVal: number;
  nTest: number;
}

export function splitByDate(samples: readonly WeeklySample[], f: SegmentFractions): DateSplit {
  if (!(f.trainFraction > 0 && f.valFraction > 0 && f.trainFraction + f.valFraction < 1)) {
    throw new Error(`trainFraction and valFraction must be > 0 with a sum < 1, got ${f.trainFraction} and ${f.valFraction}`);
  }
  if (!Number.isInteger(f.gapWeeks) || f.gapWeeks < 0) throw new Error(`gapWeeks must be a non-negative integer, got ${f.gapWeeks}`);
  const weeks = [...new Set(samples.map((s) => s.week))].sort();
  const nTrain = Math.floor(weeks.length * f.trainFraction);
  const nVal = Math.floor(weeks.length * f.valFraction);
  const trainWeeks = weeks.slice(0, nTrain);
  const valWeeks = weeks.slice(nTrain + f.gapWeeks, nTrain + f.gapWeeks + nVal);
  const testWeeks = weeks.slice(nTrain + f.gapWeeks + nVal + f.gapWeeks);
  if (trainWeeks.length < 1 || valWeeks.length < 1 || testWeeks.length < 1) {
    throw new Error(
      `too few target weeks (${weeks.length}) for train ${f.trainFraction} / validation ${f.valFraction} / test segments with ${f.gapWeeks}-week gaps`,
    );
  }
  const inWeeks = (set: readonly string[]) => {
    const first = set[0];
    const last = set[set.length - 1];
    return samples.filter((s) => s.week >= first && s.week <= last);
  };
  const train = inWeeks(trainWeeks);
  const val = inWeeks(valWeeks);
  const test = inWeeks(testWeeks);
  return {
    train,
    val,
    test,
    summary: {
      trainFirstWeek: trainWeeks[0],
      trainLastWeek: trainWeeks[trainWeeks.length - 1],
      valFirstWeek: valWeeks[0],
      valLastWeek: valWeeks[valWeeks.length - 1],
      testFirstWeek: testWeeks[0],
      testLastWeek: testWeeks[testWeeks.length - 1],
      trainWeeks: trainWeeks.length,
      valWeeks: valWeeks.length,
      testWeeks: testWeeks.length,
      gapWeeks: f.gapWeeks,
      nTrain: train.length,
      nVal: val.length,
      nTest: test.length,
    },
  };
}

/**
 * One week of portfolio accounting, shared by the training env, the evaluation and the benchmark.
 * Weights are S stocks then cash. At the week's first open the portfolio moves from `drifted`
 * (last week's weights after last week's returns) to `target`, paying costs, then earns the week:
 *
 *   turnover = ½ Σ_{S+1 assets} |target − drifted|           (one-way: the value bought = the value sold)
 *   cost     = costBps/10⁴ · turnover                          (a fraction of the portfolio's value)
 *   gross    = Σ_stocks target·r                               (cash earns 0)
 *   net      = (1 − cost)(1 + gross) − 1                       (costs are paid out of the capital that is then invested)
 *   reward   = log(1 + net)
 *   drifted' = target·(1 + r) / (1 + gross)                    (cash: target_cash / (1 + gross))
 *
 * Costs are taken pro rata from every holding, so they do not change the weights.
 */
export interface WeekOutcome {
  turnover: number;
  cost: number;
  grossReturn: number;
  netReturn: number;
  /** log(1 + netReturn). */
  logReturn: number;
}

/**
 * Applies one week. `returns` holds the S stock returns from `returnsOffset`; `drifted` is
 * overwritten with the weights the portfolio holds at the end of the week.
 */
export function rebalanceWeek(drifted: Float64Array, target: ArrayLike<number>, returns: ArrayLike<number>, returnsOffset: number, costBps: number): WeekOutcome {
  const S = drifted.length - 1;
  let traded = 0;
  for (let i = 0; i <= S; i++) traded += Math.abs(target[i] - drifted[i]);
  const turnover = traded / 2;
  const cost = (costBps / 10_000) * turnover;
  let grossReturn = 0;
  for (let i = 0; i < S; i++) grossReturn += target[i] * returns[returnsOffset + i];
  const growth = 1 + grossReturn;
  if (growth > 0) {
    for (let i = 0; i < S; i++) drifted[i] = (target[i] * (1 + returns[returnsOffset + i])) / growth;
    drifted[S] = target[S] / growth;
  } else {
    drifted.set(allCash(S)); // only with minCash 0 and every holding at −100 %: nothing left to weigh
  }
  const netReturn = (1 - cost) * growth - 1;
  return { turnover, cost, grossReturn, netReturn, logReturn: Math.log1p(netReturn) };
}

/** All cash: the state every episode and every evaluation starts from. */
export function allCash(S: number): Float64Array {
  const w = new Float64Array(S + 1);
  w[S] = 1;
  return w;
}

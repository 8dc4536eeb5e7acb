/** What `--stats` keeps of one pass over a file or input: work done and engine time. */
export interface IPass {
  /** Bytes or records. */
  amount: number;
  ms: number;
}

/** No pass yet: any real pass is faster. */
export const NO_PASS: IPass = { amount: 0, ms: 0 };

/** The faster of two passes, by amount per millisecond (the warm one, when an input is given twice). */
export function faster(best: IPass, pass: IPass): IPass {
  return best.ms === 0 || pass.amount / pass.ms > best.amount / best.ms
    ? pass
    : best;
}

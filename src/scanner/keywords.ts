/**
 * The keyword pre-filter: one Aho-Corasick pass over the text finds where
 * each list's keywords occur (case-insensitively for ASCII letters). Rules
 * then only try to match around those places, so a text costs one pass plus
 * the places that can hold a credential, however many rules there are.
 */
import { charCodeAt } from './char-code';

/** Where the keywords of each list occur in one text. */
export interface IKeywordHits {
  /**
   * Start offsets of the keywords, grouped by list: those of list `k` are
   * `starts[bounds[k]]` to `starts[bounds[k + 1] - 1]`, in increasing order
   * of where the keyword ends.
   */
  readonly starts: Int32Array;
  readonly bounds: Int32Array;
}

/** Characters scanned between two checks of the hit buffer's room. */
const CHUNK = 4096;

/** Scratch entries kept between texts (larger buffers are let go by `trim`). */
const KEPT_SCRATCH = 1 << 16;

export class KeywordIndex {
  /**
   * @param keywordLists - keyword lists (a rule's keywords, say); keywords
   *   hold no upper-case ASCII letters, since the text is folded to lower case
   */
  constructor(keywordLists: readonly (readonly string[])[]) {
    this._listCount = keywordLists.length;
    const children: Map<number, number>[] = [new Map()];
    // Per state: the (list, keyword length) pairs that end there.
    const outputs: Map<number, number>[] = [new Map()];
    keywordLists.forEach((keywords, list) => {
      for (const keyword of keywords) {
        if (keyword.length === 0 || /[A-Z]/.test(keyword)) {
          throw new Error(`keyword "${keyword}" must be non-empty lower case`);
        }
        let state = 0;
        for (let i = 0; i < keyword.length; i++) {
          const c = keyword.charCodeAt(i);
          let next = children[state].get(c);
          if (next === undefined) {
            next = children.length;
            children.push(new Map());
            outputs.push(new Map());
            children[state].set(c, next);
          }
          state = next;
        }
        // The longest keyword of a list ending here gives the earliest start.
        outputs[state].set(
          list,
          Math.max(outputs[state].get(list) ?? 0, keyword.length)
        );
      }
    });

    // Failure links, breadth first; a state also reports its failure state's outputs.
    const states = children.length;
    const fail = new Int32Array(states);
    const order: number[] = [...children[0].values()];
    for (let k = 0; k < order.length; k++) {
      const state = order[k];
      for (const [c, next] of children[state]) {
        let f = fail[state];
        while (f !== 0 && !children[f].has(c)) {
          f = fail[f];
        }
        const target = children[f].get(c);
        fail[next] = target !== undefined && target !== next ? target : 0;
        for (const [list, length] of outputs[fail[next]]) {
          if (!outputs[next].has(list)) {
            outputs[next].set(list, length);
          }
        }
        order.push(next);
      }
    }

    // Characters map to columns (upper-case ASCII folded in; characters that
    // occur in no keyword share column 0), and a dense table gives the next
    // state: one small lookup per character in the scan loop.
    const column = new Uint8Array(65536);
    const letters: number[] = [];
    for (const map of children) {
      for (const c of map.keys()) {
        if (column[c] === 0) {
          letters.push(c);
          column[c] = letters.length;
        }
      }
    }
    if (letters.length > 255) {
      throw new Error('keywords use too many distinct characters');
    }
    for (let c = 65; c <= 90; c++) {
      column[c] = column[c + 32];
    }
    this._column = column;

    // States renumbered so that those with outputs come last: the scan loop
    // then tells them apart with one comparison. Each part stays in breadth
    // first order, so the rows the scan visits most (the root and its
    // children) sit together in memory. Table entries hold the next state's
    // row offset (state times width), saving a multiplication.
    const width = letters.length + 1;
    const breadthFirst = [0, ...order];
    const quiet = breadthFirst.filter(s => outputs[s].size === 0);
    const loud = breadthFirst.filter(s => outputs[s].size > 0);
    const number = new Int32Array(states);
    [...quiet, ...loud].forEach((state, index) => (number[state] = index));
    this._width = width;
    this._firstLoudRow = quiet.length * width;
    // Breadth first, a state goes where its failure state goes (a row
    // already filled), except along its own edges. Rows are copied whole
    // (natively): the constructor runs once, before any of it is compiled.
    const delta = new Int32Array(states * width);
    for (const state of breadthFirst) {
      const row = number[state] * width;
      if (state !== 0) {
        const failRow = number[fail[state]] * width;
        delta.copyWithin(row, failRow, failRow + width);
      }
      for (const [c, next] of children[state]) {
        delta[row + column[c]] = number[next] * width;
      }
    }
    this._delta = delta;
    // Outputs of the loud states, by their new number.
    this._outStart = new Int32Array(loud.length + 1);
    const lists: number[] = [];
    const lengths: number[] = [];
    loud.forEach((state, k) => {
      this._outStart[k] = lists.length;
      for (const [list, length] of [...outputs[state]].sort(
        (a, b) => a[0] - b[0]
      )) {
        lists.push(list);
        lengths.push(length);
      }
    });
    this._outStart[loud.length] = lists.length;
    this._outList = Int32Array.from(lists);
    this._outLength = Int32Array.from(lengths);
    this._bounds = new Int32Array(this._listCount + 1);
    this._next = new Int32Array(this._listCount);
  }

  /**
   * Where each list's keywords occur in the text. The result's arrays are
   * reused by the next call: read them before scanning another text.
   */
  hits(text: string): IKeywordHits {
    const delta = this._delta;
    const column = this._column;
    const firstLoudRow = this._firstLoudRow;
    // First pass: the loud states reached, and where. The text goes in
    // chunks with room for a hit at every character of one, so that the
    // inner loop holds no call.
    let found = this._found;
    let count = 0;
    let row = 0;
    for (let from = 0, n = text.length; from < n; from += CHUNK) {
      const to = Math.min(n, from + CHUNK);
      if (found.length < count + 2 * (to - from)) {
        found = this._grow(found, count + 2 * (to - from));
        this._found = found;
      }
      for (let i = from; i < to; i++) {
        row = delta[row + column[charCodeAt.call(text, i)]];
        if (row >= firstLoudRow) {
          found[count++] = row;
          found[count++] = i;
        }
      }
    }
    // Second pass: a counting sort of the hits by list.
    const outStart = this._outStart;
    const outList = this._outList;
    const outLength = this._outLength;
    const bounds = this._bounds;
    const width = this._width;
    const lists = this._listCount;
    bounds.fill(0);
    for (let k = 0; k < count; k += 2) {
      const state = ((found[k] - firstLoudRow) / width) | 0;
      found[k] = state;
      for (let o = outStart[state]; o < outStart[state + 1]; o++) {
        bounds[outList[o] + 1]++;
      }
    }
    for (let list = 0; list < lists; list++) {
      bounds[list + 1] += bounds[list];
    }
    const total = bounds[lists];
    if (this._starts.length < total) {
      this._starts = new Int32Array(Math.max(total, 2 * this._starts.length));
    }
    const starts = this._starts;
    const next = this._next;
    next.set(bounds.subarray(0, lists));
    for (let k = 0; k < count; k += 2) {
      const end = found[k + 1];
      for (let o = outStart[found[k]]; o < outStart[found[k] + 1]; o++) {
        starts[next[outList[o]]++] = end - outLength[o] + 1;
      }
    }
    return { starts, bounds };
  }

  /**
   * Lets go of scratch space grown for a large text, once its hits have
   * been read: small texts stay allocation-free, large ones do not pin
   * megabytes for the life of the index.
   */
  trim(): void {
    if (this._found.length > KEPT_SCRATCH) {
      this._found = new Int32Array(2 * CHUNK);
    }
    if (this._starts.length > KEPT_SCRATCH) {
      this._starts = new Int32Array(256);
    }
  }

  private _grow(buffer: Int32Array, needed: number): Int32Array<ArrayBuffer> {
    const grown = new Int32Array(Math.max(needed, 2 * buffer.length));
    grown.set(buffer);
    return grown;
  }

  private readonly _listCount: number;
  private readonly _column: Uint8Array;
  private readonly _width: number;
  private readonly _firstLoudRow: number;
  private readonly _delta: Int32Array;
  private readonly _outStart: Int32Array;
  private readonly _outList: Int32Array;
  private readonly _outLength: Int32Array;
  // Scratch space, kept between calls so that small texts allocate nothing.
  private _found = new Int32Array(2 * CHUNK);
  private _starts = new Int32Array(256);
  private readonly _bounds: Int32Array;
  private readonly _next: Int32Array;
}

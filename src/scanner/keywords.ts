/**
 * The keyword pre-filter: one Aho-Corasick pass over the text finds where
 * each rule's keywords occur (ASCII, case-insensitive). Rules then only try
 * to match around those places, so a text costs one pass plus the places
 * that can hold a credential, however many rules there are.
 */

const ALPHABET = 128; // keywords are ASCII; any other character resets the automaton

export class KeywordIndex {
  /**
   * @param keywordsByRule - for each rule (by index), its lowercase ASCII keywords
   */
  constructor(keywordsByRule: readonly (readonly string[])[]) {
    this._ruleCount = keywordsByRule.length;
    const children: Map<number, number>[] = [new Map()];
    // Per state: the (rule, keyword length) pairs that end there.
    const outputs: Map<number, number>[] = [new Map()];
    keywordsByRule.forEach((keywords, rule) => {
      for (const keyword of keywords) {
        let state = 0;
        for (let i = 0; i < keyword.length; i++) {
          const c = keyword.charCodeAt(i);
          if (c >= ALPHABET || (c >= 65 && c <= 90)) {
            throw new Error(`keyword "${keyword}" must be lowercase ASCII`);
          }
          let next = children[state].get(c);
          if (next === undefined) {
            next = children.length;
            children.push(new Map());
            outputs.push(new Map());
            children[state].set(c, next);
          }
          state = next;
        }
        // The longest keyword of a rule ending here gives the earliest start.
        outputs[state].set(
          rule,
          Math.max(outputs[state].get(rule) ?? 0, keyword.length)
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
        for (const [rule, length] of outputs[fail[next]]) {
          if (!outputs[next].has(rule)) {
            outputs[next].set(rule, length);
          }
        }
        order.push(next);
      }
    }

    // Characters map to columns (upper case folded in; characters that occur
    // in no keyword share column 0), and a dense table gives the next state:
    // one small lookup per character in the scan loop.
    const column = new Uint8Array(ALPHABET);
    const letters: number[] = [];
    for (const map of children) {
      for (const c of map.keys()) {
        if (column[c] === 0) {
          letters.push(c);
          column[c] = letters.length;
        }
      }
    }
    for (let c = 65; c <= 90; c++) {
      column[c] = column[c + 32];
    }
    const width = letters.length + 1;
    if (states * width > 0xffffffff || states > 0xffff) {
      throw new Error('too many keywords');
    }
    // Every UTF-16 code unit gets a column, so the scan loop needs no branch.
    this._column = new Uint8Array(65536);
    this._column.set(column);
    this._width = width;
    this._delta = new Uint16Array(states * width);
    for (let state = 0; state < states; state++) {
      for (let k = 0; k < letters.length; k++) {
        const c = letters[k];
        let s = state;
        while (s !== 0 && !children[s].has(c)) {
          s = fail[s];
        }
        this._delta[state * width + k + 1] = children[s].get(c) ?? 0;
      }
    }
    this._outStart = new Int32Array(states + 1);
    const rules: number[] = [];
    const lengths: number[] = [];
    for (let state = 0; state < states; state++) {
      this._outStart[state] = rules.length;
      for (const [rule, length] of [...outputs[state]].sort(
        (a, b) => a[0] - b[0]
      )) {
        rules.push(rule);
        lengths.push(length);
      }
    }
    this._outStart[states] = rules.length;
    this._outRule = Int32Array.from(rules);
    this._outLength = Int32Array.from(lengths);
  }

  /**
   * For every rule, the start offsets of its keywords in the text, in
   * increasing order of where the keyword ends (empty when no keyword occurs).
   */
  hits(text: string): number[][] {
    const delta = this._delta;
    const column = this._column;
    const width = this._width;
    const outStart = this._outStart;
    // First pass: the states with outputs and where they were reached.
    let found = new Int32Array(256);
    let count = 0;
    let state = 0;
    for (let i = 0, n = text.length; i < n; i++) {
      state = delta[state * width + column[text.charCodeAt(i)]];
      if (outStart[state] !== outStart[state + 1]) {
        if (count + 2 > found.length) {
          const grown = new Int32Array(found.length * 2);
          grown.set(found);
          found = grown;
        }
        found[count++] = state;
        found[count++] = i;
      }
    }
    // Second pass: spread them over the rules.
    const starts: number[][] = Array.from(
      { length: this._ruleCount },
      () => []
    );
    for (let k = 0; k < count; k += 2) {
      const s = found[k];
      const end = found[k + 1];
      for (let o = outStart[s]; o < outStart[s + 1]; o++) {
        starts[this._outRule[o]].push(end - this._outLength[o] + 1);
      }
    }
    return starts;
  }

  private readonly _ruleCount: number;
  private readonly _column: Uint8Array;
  private readonly _width: number;
  private readonly _delta: Uint16Array;
  private readonly _outStart: Int32Array;
  private readonly _outRule: Int32Array;
  private readonly _outLength: Int32Array;
}

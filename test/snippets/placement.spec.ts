import { placeSnippet } from '../../src/snippets/placement';

/** Apply a placement and mark the cursor with `|`. */
function place(source: string, snippet: string): string {
  const start = source.indexOf('[');
  const end = source.indexOf(']') - 1;
  const clean = source.replace('[', '').replace(']', '');
  const edit = placeSnippet(clean, start, end, snippet);
  const result = clean.slice(0, edit.start) + edit.text + clean.slice(edit.end);
  return result.slice(0, edit.cursor) + '|' + result.slice(edit.cursor);
}

const SNIPPET = 'from pathlib import Path\nx = Path(p).read_text()';

describe('placeSnippet', () => {
  it('fills an empty cell and leaves the cursor after the snippet', () => {
    expect(place('[]', SNIPPET)).toBe(`${SNIPPET}|`);
  });

  it('starts a new line when code precedes the cursor', () => {
    expect(place('a = 1[]', SNIPPET)).toBe(`a = 1\n${SNIPPET}|`);
  });

  it('moves code after the cursor to its own line', () => {
    expect(place('[]print(x)', SNIPPET)).toBe(`${SNIPPET}|\nprint(x)`);
    expect(place('a = 1[]  b = 2', SNIPPET)).toBe(`a = 1\n${SNIPPET}|\nb = 2`);
  });

  it('keeps the indentation of the line inside a block', () => {
    expect(place('def f():\n    []', SNIPPET)).toBe(
      'def f():\n    from pathlib import Path\n    x = Path(p).read_text()|'
    );
    expect(place('def f():\n  []  return 1', SNIPPET)).toBe(
      'def f():\n    from pathlib import Path\n    x = Path(p).read_text()|\n    return 1'
    );
  });

  it('replaces a selection', () => {
    expect(place("token = ['ghp_pasted']", 'y = 1')).toBe('token = \ny = 1|');
    expect(place('[a = 1\nb = 2]\nc = 3', 'y = 1')).toBe('y = 1|\nc = 3');
  });

  it('does not add blank lines or trailing newlines', () => {
    expect(place('a = 1\n[]\nb = 2', 'y = 1\n')).toBe('a = 1\ny = 1|\nb = 2');
  });
});

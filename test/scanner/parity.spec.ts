/**
 * The server's Python engine finds exactly what this engine finds, on the
 * labelled corpus (when it is beside the checkout) and its variants, every
 * rule example, every text of spec/notebooks/ and the edge texts; and the
 * server writes JSON text as JSON.stringify does. Runs the Python engine of
 * this checkout (.venv, or $PYTHON): it fails, never skips, when it cannot.
 * The Python engine's own tests need no Node (rule examples, spec fixtures).
 */
import { spawnSync } from 'child_process';
import { existsSync, readFileSync } from 'fs';
import { join, resolve } from 'path';
import { notebookTexts, scanText } from '../../src/scanner';
import { readFixture, specFixtures } from '../specfixtures';
import { EDGE_TEXTS } from './edgetexts';
import { RULE_EXAMPLES } from './examples';

const ROOT = resolve(__dirname, '../..');

/** The labelled corpus, beside the checkout (or a worktree of it), or $SECRET_MOUNTS_CORPUS. */
function corpusTexts(): string[] {
  const candidates = [
    process.env.SECRET_MOUNTS_CORPUS,
    join(ROOT, '../shared/corpus/dev.jsonl'),
    join(ROOT, '../../shared/corpus/dev.jsonl')
  ];
  const corpus = candidates.find(path => path && existsSync(path));
  if (!corpus) {
    return [];
  }
  return readFileSync(corpus, 'utf8')
    .split('\n')
    .filter(line => line.trim())
    .map(line => (JSON.parse(line) as { text: string }).text);
}

/** Corpus samples, changed in ways that move offsets, and joined into long texts. */
function withVariants(texts: string[]): string[] {
  const variants = texts.map((text, i) =>
    i % 3 === 0
      ? `# ünïcode 😀 𝄞 before\n${text}  # 🔑`
      : i % 3 === 1
        ? `${text.replace(/\n/g, '\r\n')}\r\n`
        : `${text}  # pragma: allowlist secret`
  );
  const groups = (size: number, join: (group: string[]) => string) =>
    Array.from({ length: Math.ceil(texts.length / size) }, (_, i) =>
      join(texts.slice(i * size, (i + 1) * size))
    );
  return [
    ...texts,
    ...variants,
    // Many samples in one text: anchors, "taken" starts and overlaps interact.
    ...groups(25, group => group.join('\n')),
    // Glued into one line: keywords inside long words, several per line.
    ...groups(10, group => group.map(t => t.replace(/\n/g, ' ')).join(' '))
  ];
}

function python(): string {
  const venv = join(ROOT, '.venv/bin/python');
  return process.env.PYTHON ?? (existsSync(venv) ? venv : 'python3');
}

interface IPythonAnswer {
  findings: [string, number, number][][];
  jsonTexts: string[];
}

function runPython(texts: string[], values: string[]): IPythonAnswer {
  const run = spawnSync(python(), [join(__dirname, 'python_engine.py')], {
    input: JSON.stringify({ texts, values }),
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024
  });
  if (run.status !== 0) {
    throw new Error(
      `The parity check runs the server's Python engine with ${python()}, which failed ` +
        '(run `bash scripts/setup.sh`, or set PYTHON to a Python where ' +
        `\`pip install -e .\` was done): ${run.stderr || run.error}`
    );
  }
  return JSON.parse(run.stdout);
}

/** JSON texts of values the server may receive: numbers in every form, key orders, escapes. */
function jsonValues(): string[] {
  const numbers = [
    '0',
    '-0',
    '-0.0',
    '1.0',
    '1e21',
    '1e+21',
    '1E-7',
    '1e-7',
    '0.000001',
    '1e16',
    '123.456',
    '12345678901234567890',
    '9007199254740993',
    '5e-324',
    '1.7976931348623157e308',
    '1e400',
    '-1.5e-7',
    '100',
    '0.1',
    '2.5e+20'
  ];
  let seed = 7;
  const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
  for (let i = 0; i < 300; i++) {
    const value = (random() - 0.5) * 10 ** Math.floor(random() * 60 - 30);
    numbers.push(String(value), value.toExponential(), value.toFixed(3));
  }
  return [
    ...numbers,
    '{"b": 1, "10": 2, "2": [], "x": {}, "01": 3, "4294967295": 4, "4294967294": 5}',
    '["a\\ud800b", "\\ud83d\\ude00", "\\u2028\\u007f\\u0001\\b\\f\\n\\r\\t\\"\\\\", "é 𝄞"]',
    '[[], {}, [[1, {"a": null, "b": true, "c": false}]], ""]',
    ...specFixtures().flatMap(name => {
      const raw = readFixture(name);
      try {
        JSON.parse(raw);
        return [raw];
      } catch {
        return [];
      }
    })
  ];
}

describe('the Python engine (server) and this one', () => {
  const corpus = corpusTexts();
  const texts = [
    ...EDGE_TEXTS,
    ...Object.values(RULE_EXAMPLES).flatMap(examples => [
      ...examples.positive.map(example => example.text),
      ...examples.negative
    ]),
    ...specFixtures().flatMap(name => {
      try {
        return notebookTexts(readFixture(name)).map(place => place.text);
      } catch {
        return [];
      }
    }),
    ...withVariants(corpus)
  ];
  const values = jsonValues();
  let answer: IPythonAnswer;

  beforeAll(() => {
    answer = runPython(texts, values);
  }, 120000);

  it(`find the same secrets (corpus ${corpus.length ? 'found' : 'not found'}, ${texts.length} texts)`, () => {
    const key = (i: number, [rule, start, end]: [string, number, number]) =>
      `${i} ${rule} ${start}-${end}`;
    const expected = new Set(
      texts.flatMap((text, i) =>
        scanText(text).map(f => key(i, [f.ruleId, f.start, f.end]))
      )
    );
    const found = new Set(
      answer.findings.flatMap((hits, i) => hits.map(hit => key(i, hit)))
    );
    expect(expected.size).toBeGreaterThan(corpus.length ? 1000 : 100);
    const onlyPython = [...found].filter(f => !expected.has(f));
    const onlyHere = [...expected].filter(f => !found.has(f));
    expect({ onlyPython, onlyHere }).toEqual({ onlyPython: [], onlyHere: [] });
  });

  it('write the same JSON text of a value', () => {
    const written = values.map(value =>
      JSON.stringify(JSON.parse(value), null, 1)
    );
    values.forEach((value, i) => {
      expect([value, answer.jsonTexts[i]]).toEqual([value, written[i]]);
    });
  });
});

/**
 * The notebook-text contract (spec/README.md): for every fixture in
 * spec/notebooks/, each extractor (the one of src/scanner, and the CLI's
 * reading of a file's bytes) gives exactly the expected texts, and the
 * scanner exactly the expected findings. The server's Python port reads the
 * same files (jupyterlab_secret_mounts/tests/test_notebook_contract.py).
 */
import { existsSync, readdirSync } from 'fs';
import { join } from 'path';
import { notebookTextsOf } from '../../src/cli/notebook-bytes';
import {
  INotebookText,
  NotebookParseError,
  notebookTexts,
  scanNotebook
} from '../../src/scanner';
import {
  expectedFindings,
  expectedTexts,
  readFixture,
  SPEC_NOTEBOOKS,
  specFixtures,
  specPlace
} from '../specfixtures';

const fixtures = specFixtures();

describe('spec/notebooks', () => {
  it('holds fixtures, each expected file beside its notebook', () => {
    expect(fixtures.length).toBeGreaterThan(10);
    for (const file of readdirSync(SPEC_NOTEBOOKS)) {
      if (file.endsWith('.json')) {
        const name = file.replace(/\.(texts|findings)\.json$/, '');
        expect(fixtures).toContain(name);
      }
    }
  });

  describe.each(fixtures.map(name => [name]))('%s.ipynb', name => {
    const raw = readFixture(name);
    const texts = expectedTexts(name);

    const extractors: [string, () => INotebookText[]][] = [
      ['notebookTexts', () => notebookTexts(raw)],
      ['notebookTextsOf', () => notebookTextsOf(Buffer.from(raw))]
    ];

    if (!Array.isArray(texts)) {
      it.each(extractors)('is refused by %s with a message', (_, extract) => {
        let thrown: unknown;
        try {
          extract();
        } catch (error) {
          thrown = error;
        }
        expect(thrown).toBeInstanceOf(NotebookParseError);
        expect((thrown as Error).message.startsWith(texts.error)).toBe(true);
        const findings = join(SPEC_NOTEBOOKS, `${name}.findings.json`);
        expect(existsSync(findings)).toBe(false);
      });
      return;
    }

    it.each(extractors)('gives the expected texts (%s)', (_, extract) => {
      expect(
        extract().map(({ text, ...place }) => ({
          ...specPlace(place),
          text
        }))
      ).toEqual(texts);
    });

    it('gives the expected findings', () => {
      expect(
        scanNotebook(raw).map(finding => ({
          ...specPlace(finding),
          rule: finding.ruleId,
          start: finding.start,
          end: finding.end
        }))
      ).toEqual(expectedFindings(name));
    });
  });
});

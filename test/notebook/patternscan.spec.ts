import { createPatternScan } from '../../src/notebook/patternscan';

const TOKEN = 'ghp_k7Qz2LmW9xRt4VbN8cYp3JhD6sFg1Ae5Ui0O';
const CODE = `GITHUB_TOKEN = "${TOKEN}"`;

describe('createPatternScan', () => {
  it('runs the scanner with the rules on', () => {
    const findings = createPatternScan({ disabledRules: [], allowlist: [] })(
      CODE
    );
    expect(findings.map(f => f.ruleId)).toEqual(['github-token']);
    expect(findings[0].preview).not.toContain(TOKEN);
  });

  it('honours disabled rules and allowlist patterns', () => {
    const scan = (disabledRules: string[], allowlist: string[] = []) =>
      createPatternScan({ disabledRules, allowlist })(CODE).map(f => f.ruleId);
    // The generic assignment rule still sees it when the GitHub rule is off.
    expect(scan(['github-token'])).toEqual(['generic-credential']);
    expect(scan(['github-token', 'generic-credential'])).toEqual([]);
    expect(scan([], ['^ghp_k7Qz'])).toEqual([]);
  });

  it('leaves out an invalid allowlist pattern, says so, and keeps scanning', () => {
    const invalid: string[] = [];
    const scan = createPatternScan(
      { disabledRules: [], allowlist: ['(unclosed', '^nomatch$'] },
      p => invalid.push(p)
    );
    expect(invalid).toEqual(['(unclosed']);
    expect(scan(CODE).map(f => f.ruleId)).toEqual(['github-token']);
  });

  it('honours the suppression comment the quick fix writes', () => {
    const scan = createPatternScan({ disabledRules: [], allowlist: [] });
    expect(scan(`${CODE}  # secret-mounts:ignore`)).toEqual([]);
  });
});

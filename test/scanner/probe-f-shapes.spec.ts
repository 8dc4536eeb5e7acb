/**
 * Shapes of credentials found missing or wrongly reported by the blind probe
 * blind-nb-F, each tested on text of its own kind (not the probe's): Splunk
 * HEC tokens after their Authorization scheme.
 * (Signed URLs split over adjacent literals are tested in engine.spec.ts.)
 * pragma: allowlist secret
 */
import { scanText } from '../../src/scanner';

/** The rule and text of each finding. */
function found(text: string): [string, string][] {
  return scanText(text).map(f => [f.ruleId, text.slice(f.start, f.end)]);
}

describe('Splunk HEC tokens', () => {
  const token = '9774B967-018D-49AF-B9AE-A21254C48803';

  it('are the credential of an "Authorization: Splunk" header, as of Bearer or GenieKey', () => {
    for (const text of [
      `hdrs = {"Authorization": "Splunk ${token}"}`,
      `!curl -k https://hec.internal:8088/services/collector -H "Authorization: Splunk ${token.toLowerCase()}" -d @e.json`,
      `Authorization: splunk ${token}`
    ]) {
      expect(found(text)).toEqual([
        [
          'authorization-header',
          text.includes(token) ? token : token.toLowerCase()
        ]
      ]);
    }
  });

  it('stay references when the header is built from a variable', () => {
    expect(found('hdrs = {"Authorization": f"Splunk {hec_token}"}')).toEqual(
      []
    );
    expect(found('hdrs = {"Authorization": "Splunk " + HEC_TOKEN}')).toEqual(
      []
    );
  });
});

/**
 * Shapes of credentials found missing or wrongly reported by the blind probe
 * blind-nb-F, each tested on text of its own kind (not the probe's): Splunk
 * HEC tokens after their Authorization scheme, OpenWeather keys (an `appid`
 * that is a key only in requests to OpenWeather), and Firebase web configs
 * (whose `apiKey` is public by design).
 * (Signed URLs split over adjacent literals are tested in engine.spec.ts.)
 * pragma: allowlist secret
 */
import { scanText } from '../../src/scanner';
import { NEARBY_REACH } from '../../src/scanner/nearby';

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

describe('OpenWeather API keys', () => {
  const key = '33f7a836b23dcabfa6151675369b9b23';

  it('are the appid of a request to OpenWeather, in any language', () => {
    for (const text of [
      `w <- httr::GET("https://api.openweathermap.org/data/2.5/weather",\n  query = list(q = "Oslo", appid = "${key}"))`,
      `BASE = "https://api.openweathermap.org/data/3.0/onecall"\nparams = {"lat": 59.9, "lon": 10.7, "appid": "${key}"}\nr = requests.get(BASE, params=params)`,
      `const res = await fetch(owmUrl, { appid: '${key}', units: 'metric' }); // openweathermap`
    ]) {
      expect(found(text)).toEqual([['openweathermap-api-key', key]]);
    }
  });

  it('are not reported elsewhere: an appid is usually a public application id', () => {
    expect(found(`rtc.join({ appId: "${key}", channel: "lab" })`)).toEqual([]);
    expect(found(`cfg = dict(appid="${key}", region="eu")`)).toEqual([]);
  });

  it('stay references when given by name', () => {
    expect(
      found(
        'requests.get("https://api.openweathermap.org/data/2.5/weather", params={"appid": OWM_KEY})'
      )
    ).toEqual([]);
  });
});

describe('Firebase web configs', () => {
  const key = 'AIza80g5bBWCNmeUx1dC00BUnjHEy7zwLXc4jxg';

  it('keep their apiKey quiet: Firebase documents it as a public identifier', () => {
    for (const text of [
      `const firebaseConfig = {\n  apiKey: "${key}",\n  authDomain: "lab-tags.firebaseapp.com",\n  projectId: "lab-tags"\n};`,
      `config = {\n    "authDomain": "lab-tags.firebaseapp.com",\n    "databaseURL": "https://lab-tags.firebaseio.com",\n    "apiKey": "${key}",\n}\nfirebase = pyrebase.initialize_app(config)`,
      `firebase.initializeApp({ apiKey: "${key}", messagingSenderId: "743768446315" })`
    ]) {
      expect(found(text)).toEqual([]);
    }
  });

  it('reach NEARBY_REACH characters each way, no further', () => {
    const config = `authDomain: "lab-tags.firebaseapp.com"`;
    const near = `${config}\n${' '.repeat(NEARBY_REACH - config.length - 12)}key = "${key}"`;
    const far = `${config}\n${' '.repeat(NEARBY_REACH)}key = "${key}"`;
    expect(found(near)).toEqual([]);
    expect(found(far)).toEqual([['gcp-api-key', key]]);
  });

  it('leave a Google API key elsewhere a finding', () => {
    const other = 'AIzaxV-k2wrHJ3Lcs2B9i-GWGXGUvmhsClyDiOy';
    for (const text of [
      `GOOGLE_API_KEY = "${other}"`,
      `gmaps = googlemaps.Client(key="${other}")  # project: lab-tags`
    ]) {
      expect(found(text).map(([, value]) => value)).toEqual([other]);
    }
  });
});

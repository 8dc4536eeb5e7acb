/**
 * Texts at the edges of the engines' contract, scanned by both engines
 * whether or not the corpus is there (moved from test_pattern_parity.py).
 * pragma: allowlist secret
 */
export const EDGE_TEXTS: readonly string[] = [
  // The heuristics look at 128 units: entropy 3.3 there (ten letters), under 3 over 256.
  'api_token = "rtrrtwhftrwfdrkfdtbwprwfwbtdbbhhwbrmrwhthkrbdrkptdkmhtkbdwdpdkpdbbhhbrpppdwhkmdkmbpdfhdbbrrfthrthfppdpphbkwkbhfpwwdbfhrkbwmkpdddZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZ"',
  // Secrets whose pattern is an alternation of differently starting branches.
  'NOTION_TOKEN = "secret_KVIfptYUA51Y6eeyUlACoB253zkEw9EPqoW7OwVo1CU"',
  'curl -H "X-JFrog-Art-Api: cmVmdGtuQOn7G87KEkclBcvrtOHYi8Su1xkkTRrsqbYznBlUGm5jlsJbApyZlNdE"',
  "square = Client(access_token='sq0atp-JZSwtGwF0znu0IlTBBtHKV')",
  // Keyword-first rules after word characters, and base64 with padding at the edge.
  'xAC1f2e3d4c5b6a79808f7e6d5c4b3a2910: 0a1b2c3d4e5f60718293a4b5c6d7e8f9',
  'auth: dXNlcjpwYXNzd29yZA===',
  // Words: a passphrase under a password name is a finding, an identifier elsewhere is not,
  // and random letters that only look Capitalized ("Tsprvu", "Rdyj") are not words.
  'password="MarbleEmber#2546" pwd="Thistle-Marble-Nimbus-86" password="CorrectHorseBattery"',
  'SESSION_TOKEN = "AgencyIdentificationCode2024" SERVICE_TOKEN = "Tsprvu5Ifijo"',
  'cfg = Dict("password" => "Pebble70+Rdyj")',
  // Camel-case identifiers (minified JavaScript), a signed URL's public credential parameter
  // and tokens in the NLP sense are not credentials.
  'c(e,[{key:"componentDidMount",value:function(){}}]);return this._calculateSpringForce',
  'u?X-Goog-Credential=ke-prod-1%40pc-knowledge-prod.iam.gserviceaccount.com%2F20250220%2Fauto%2Fstorage%2Fgoog4_request&X-Goog-Date=20250220T183837Z',
  "{'sequence': 'Le camembert est délicieux :)', 'token_str': 'délicieux'}",
  'neo4j_password = "nZasSfGzac_mgTApAqrZd_Yqty9I4HOXKyj8qeNKdYg"',
  // Short values: the entropy floor is log2(8) - 0.5 = 2.5 at 8 characters, met exactly by
  // the first (3 - 4/8) and missed by the second (3 - 6/8).
  'pwd = "Xq7wKq7p" pwd = "Xq7wXq7p" PGPASSWORD=strongp@ss psql',
  // Calls: a credential built from a literal is a finding, a getter's argument is not.
  'AzureKeyCredential("c2a1f9d3e4b54a6f8e9d0c1b2a3f4e5d")\nvault.getToken("Xk29fLq0ZpWm3Nb7Rt5Yv8Ce")',
  'httr::authenticate(user, "Cobalt75~xDNq")\n*:*:*:ml_pipeline:af3mq2JCoI8REDV=CP',
  'cx_Oracle.connect("etl_svc/Myevy2FZikXyOr@10.42.7.19:1521/ORCLPDB1")\n!mc alias set s3 http://minio:9000 BYKIVP0QD6QYAQORAN8N 4XwhpNnyf69iQ27tOaV0H5G25GNUOtrK\nco = cohere.Client("LuTctxEuoM7w1pJEqMbpv4OAHl7rIGtAsFAjR5G1") remoteRef: {key: ml/warehouse}',
  // Passwords by position (passphrases: true), a value on the next line, documented examples.
  'MongoClient("mongodb://airflow:Juniper4Marble85%21@10.26.171.204:27017/events")\nserver.login("li.iyer@gmail.com", "zzaz iscj vlxi sokj")\nDB = dict(password=\n  "E2JF7cvEGj")\n"https://api.telegram.org/bot126317088:AAFC1v01vpx1kfkMXMe_C21NZ19t9FZS3wx/getMe"\ncreate_engine("postgresql://scott:tiger@localhost/db") "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=="',
  // Allowlist edges: file names (lower- or upper-case extensions), attribute paths, %-templates.
  '{\'password\': \'oEKM.V1b\', \'pw\': \'glacier.Meadow31\', \'key\': \'exports/part-0000.parquet\'}\n{"token": "settings.API_TOKEN", "password": "%(db_password)s", "pwd": "%!qvCFtM*!^O7U"}\n<password>6A6EoJ.hjY*0</password> git+https://ghp_7bQ2mL9xK4vR8tN1cW6yH3jP5sD0fG2aZ9kE@github.com',
  // Pairs over lines, later arguments, new rules, the 2.5 floor of generic names, OMITTED.
  'auth=(\n  "AyOJFJu1s2W5T8PMp8yvi4fMH0yQh2q83tLnm",\n  "EpSCcKij-5m_K7Fbj7uRVDW2nGlY82lu40X")\nClientSecretCredential(tid, "0f8c7a52", "Kx8Q~vN2pL7mR4tW9yB3cF6hJ1kZ5sD0aG8eU2")\nSECRET_KEY = \'django-insecure-(r_86c1jf^e*6j-3*(tb=i62s&aj-r0t(t=sv3$&txs_(tl\'\njwt.sign({ uid: 42 }, \'qdR5^eWnMTfZQt4pTpZLjPvA0ErkG^Cu\') password=\'dividend_69_\'\n!lftp -u feed,Dividend+bullish28 sftp://h ca-data: DATA+OMITTED',
  // Session cookies, Logic Apps SAS, *Auth(user, password), a % password, an anon JWT.
  'kfp.Client(cookies="authservice_session=MTcx783ZlSN4yQXmsq1OmJQGDGu66zc6hPieW5YmZ_Uap")\n"https://prod-1.westeurope.logic.azure.com/workflows/a/invoke?sp=%2Frun&sv=1.0&sig=Kq_7-xZp2Lm9vB4nR8tY1cW6hJ3sD0fG5aE2uI7oP9k" TSC.TableauAuth("svc", "Tundra58&") pwd="%Kq7!x2m%"\nANON = "eyJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJzdXBhYmFzZSIsInJvbGUiOiJhbm9uIn0.Xk29fLq0ZpWm3Nb7Rt5Yv8C"',
  // A header after a literal \r\n (a bytes repr), a positional UserCredential password.
  'send: b\'GET / HTTP/1.1\\r\\nAuthorization: Basic c3ZjX2V0bDpUcjB1dDcyTWFyc2g=\\r\\n\'\nUserCredential("pm@contoso.onmicrosoft.com", "Quartz^1985") dnAuthorization: Basic Xk29fLq0Zp',
  // Setters, JWK private members, short hvs.CAES tokens, /bot tokens, ".." inside a password.
  'cfg.setPassword("Saffron5739?Sqq"); {"kty": "EC", "crv": "P-256", "x": "3F9nEfLInrscGV", "d": "abzJAWwV-RcbkIo5D6zGgGTLOt9kPBZmrYjQ34wNaXM"} !vault login hvs.CAESIUnCgBfNmMe902g2-ZdQXAfncOi_SMkVId5YdiTDxyr5ZSQZRAi1K3\n"POST /bot1991302822:AA0-gNGECR31QiB-qySWHQHK_bip3V1kxG_/sendMessage" smtp://a%40b.io:WaAblFc.tG2~..GQPE@smtp.example.org',
  // A Discord token (a user id in base64 first), a key:value pair without a space.
  'DISCORD_TOKEN = "MzM1NjA2NDQyNTI1ODQxNzIyMQ.Td7Fgu.oV8FWnFbB0JxXujr4qqaaABvvLOzAxzXMcU1vs"\nibm-cloud-apikey:evqq3143mmuo6402bnwy7970CMQO7313 secret:db-password',
  // Wrapped values, #define, XML key/value, framework keys and four more vendor formats.
  'hmac_secret = bytes.fromhex("732d93f31cf63e6ce84bb1b2b82ae4f8899143697f07fc1fedd71fa8")\nvar clientSecret = @"z2nMRocEqVdTy59bElEx";\n#define KUCOIN_API_KEY "8f1a53bb58f52a656d787020"\n<add key="ZendeskApiToken" value="qCngV0L7fFnyxGoDDWcG0Kr3oQAvARxsNsMAu2Ho" />\nSECRET_KEY = \'(FFqUS^AVfR7Bd&Ea_4r&2(r!lpAk3bm=TFDv5kcBVhO9qzA=F\' Authorization: OAuth dnt9dcfh5rrp197feny549l2llmv53\nsqa_c947d285940e0db34ce6006be0a85ba6aa35eb33 aio_AfMA3cJoArtJXS7kRNwGFBiVaa9F e4b706cc-8ab4-4aa5-aac2-b5e7d45ec216:fx',
  // headers["Authorization"], Cloudant(user, key), .pgpass on any port, user == password.
  'headers["Authorization"] = "Basic ZXRsX3N2Yzpmam9yZC0yNTgzKkVUVw=="\nCloudant("acme", "06d6ce6efeae3445be5780488d6b026630cfb865ab51c7a3")\nlocalhost:5432:*:postgres:postgres\nrds.example.net:6432:*:etl_svc:Copper.9859^84aAD',
  // Method names of short words, member expressions, a Firebase download token.
  '{key:"setMinLevelToZero",value:0},{key:"_getNewTargetNode"} key: "getElementByIdx"\nl=this._tileClippingMaskIDs[s.key]=this.nextStencilID++;a.metaKey=!!a.metaKey,h\ngif?alt=media&token=523d73f4-3f6c-499c-b7e8-ef5be0c10c2a&token=623d73f4-3f6c-499c-b7e8-e1',
  // Brackets inside quotes, comparisons, templates and calls spanning a value or not, regexes.
  'DB_PASSWORD = "x7Kp9]Lm{3Qz<8Rt" if (db_pass != "Wq7{Zr]m(5Lp<2Xv") api_key = "A9f{{Kq}}Z"\npassword: "{{vault_db_password}}" api_token = "read_token(vault,scope)" k = "p-<fill-in>"\ni.params.push("access_token="+(n||D.ACCESS_TOKEN||"")) "api_key": "sk-[A-Za-z0-9]{48}"\ncfg.setPassword("Tq8(Lm]z{4"); AzureKeyCredential("Zx9{Kq]m(3Lp<8Rt~Wv2")\nhashed_secret="9a8f"',
  // Signed URLs: expired, valid until 2099, no expiry, a date that does not exist, &amp;.
  '?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAKHG34MX5YP3ZIKFS%2F20240312&X-Amz-Date=20240312T101522Z&X-Amz-Expires=3600&X-Amz-Signature=7615e9b806c40f556617e570e1068a2dee775d78a0390c2196eb3f7561523a35 ?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Date=20990312T101522Z&amp;X-Amz-Expires=3600&amp;X-Amz-Signature=8615e9b806c40f556617e570e1068a2dee775d78a0390c2196eb3f7561523a35\n?x-goog-algorithm=GOOG4-RSA-SHA256&x-goog-signature=9615e9b806c40f556617e570e1068a2dee775d78a0390c2196eb3f7561523a35 ?X-Goog-Algorithm=G&X-Goog-Date=20240230T101522Z&X-Goog-Expires=1&X-Goog-Signature=a615e9b806c40f556617e570e1068a2dee775d78a0390c2196eb3f7561523a35',
  // Hexspeak (parts, separators, leetspeak digits) and hex that only nearly spells.
  "https://cafeb4b3:d3adb33f@h.io https://u:C0FFEE-FACE-B0A7@h.io https://u:cafbdbabe@h.io\nBUNDLE_ENTERPRISE__CONTRIBSYS__COM=f00dface:d56d3bf2 token = 'deadbeef_cafebabe_b01dface'",
  // Documented examples in base64 (alone, URL-safe, unpadded, after a user), JWTs in base64.
  'password: MWYyZDFlMmU2N2Rm Basic ZWxhc3RpYzp1aTJscDJheFRObXN5YWt3OXR2Tm53 Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ Basic QWxhZGRpbjpvcGVuIHNlc2FtZR\ntoken: ZXlKaGJHY2lPaUpTVXpJMU5pSjkuZXlKemRXSWlPaUl4TWpNME5UWTNPRGt3SW4wLmtMbG41OHFxdTFLb1Q1bGgweDhHQm1JWjMz ZXlKaGRYUm9jeUk2ZXlKeVpXZHBjM1J5ZVNJNmUzMTlmUT09\ntok = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.kL-ln58qqu1KoT5lh0x8GBmIZ33X" "eyJhbGciOiJIUzI1NiJ.eyJzdWIiOiIxMjM0NTY3ODkwIn0.kL-ln58qqu1KoT5lh0x8GBmIZ33X"',
  // Expiry: a JWT's exp past (2020) or to come (2100); an Azure SAS whose se, before the
  // matched sv=...sig=, is past (date only) or to come (escaped colons).
  'tok = "eyJhbGciOiAiUlMyNTYiLCAidHlwIjogIkpXVCIsICJraWQiOiAiMDAyZGQxY2VkOWZiZGNkNiJ9.eyJzdWIiOiAiNTlmZjJlNzVhMzQxIiwgImlzcyI6ICJodHRwczovL2xvZ2luLmludGVybmFsLnRlc3QvcmVhbG1zL2xhYiIsICJleHAiOiAxNjAyNzIwMDAwLCAiaWF0IjogMTYwMjcxOTEwMH0.sDl0hqsEyXywX0ILqsHDpBWZxo__LpZorXpjrUADot9wWpDBsPy6exGBMcH2qorSJSHPaWolBciDHsWfhcs9Ug"\ntok = "eyJhbGciOiAiUlMyNTYiLCAidHlwIjogIkpXVCIsICJraWQiOiAiMDAyZGQxY2VkOWZiZGNkNiJ9.eyJzdWIiOiAiM2MyM2MyMjgwOGM2IiwgImlzcyI6ICJodHRwczovL2xvZ2luLmludGVybmFsLnRlc3QvcmVhbG1zL2xhYiIsICJleHAiOiA0MTAyNDQ0ODAwLCAiaWF0IjogNDEwMjQ0MzkwMH0.5Aya-6UZiD-ullNohIGjjnhDxiPjtcAzEhIXcIxxcDa1vgJqGqmNV3OtzUX9ZgQp3Yq0b9AYwD0UFMQdAOdh_g"',
  'https://a.blob.core.windows.net/c/b?se=2021-01-01&sv=2022-11-02&sr=b&sig=rUDDT4uL55o5IJ46uPmZn3EsiKp44NuAdHYaYm73rlM%3D https://a.blob.core.windows.net/c/b?se=2099-01-01T00%3A00%3A00Z&sv=2022-11-02&sr=b&sig=rUDDT4uL55o5IJ46uPmZn3EsiKp44NuAdHYaYm73rlM%3D'
];

import { conventionFor, displayHost, hostName } from '../../src/git/hosts';
import { gitUrlCredentialAt } from '../../src/git/urls';
import { applyEdit } from '../../src/notebook/rewrites';

const TOKEN = 'ghp_Abcdefghijklmnopqrstuvwxyz0123456789';

/** Find TOKEN in `text` and rewrite its URL, as the quick fix does. */
function at(text: string, token = TOKEN) {
  const start = text.indexOf(token);
  return gitUrlCredentialAt(text, start, start + token.length);
}

function rewritten(text: string): string | null {
  const found = at(text);
  return found ? applyEdit(text, found.edit) : null;
}

describe('gitUrlCredentialAt', () => {
  it('finds user:TOKEN@ in git clone, remote and push, in shell, ! lines and %%bash', () => {
    expect(
      at(`!git clone https://alice:${TOKEN}@github.com/org/repo.git`)
    ).toEqual({
      host: 'https://github.com',
      username: 'alice',
      token: TOKEN,
      edit: { from: 19, to: 19 + `alice:${TOKEN}@`.length, insert: '' }
    });
    expect(
      rewritten(
        `%%bash\ncd work\ngit remote add origin https://oauth2:${TOKEN}@gitlab.com/g/p.git\n`
      )
    ).toBe(
      '%%bash\ncd work\ngit remote add origin https://gitlab.com/g/p.git\n'
    );
    expect(
      rewritten(`git remote set-url origin https://x:${TOKEN}@github.com/o/r`)
    ).toBe('git remote set-url origin https://github.com/o/r');
    expect(rewritten(`git push https://x:${TOKEN}@github.com/o/r main`)).toBe(
      'git push https://github.com/o/r main'
    );
    expect(
      rewritten(
        `git -C repo -c http.sslVerify=true push https://u:${TOKEN}@h.example/r`
      )
    ).toBe('git -C repo -c http.sslVerify=true push https://h.example/r');
  });

  it('takes a token written as the user name, and keeps the port and http to loopback', () => {
    const found = at(`!git clone https://${TOKEN}@github.com/org/repo`);
    expect(found?.username).toBeNull();
    expect(found?.host).toBe('https://github.com');
    expect(at(`git clone http://u:${TOKEN}@127.0.0.1:9095/r.git`)?.host).toBe(
      'http://127.0.0.1:9095'
    );
  });

  it('finds it in a Python argument list', () => {
    const text = `subprocess.run(["git", "clone", "https://u:${TOKEN}@github.com/o/r.git"])`;
    expect(rewritten(text)).toBe(
      'subprocess.run(["git", "clone", "https://github.com/o/r.git"])'
    );
  });

  it('decodes a percent-encoded user name and token', () => {
    const found = at(
      `git clone https://me%40corp:${TOKEN}%21@git.corp/r`,
      `${TOKEN}%21`
    );
    expect(found?.username).toBe('me@corp');
    expect(found?.token).toBe(`${TOKEN}!`);
  });

  it('ignores URLs outside git commands and findings outside the user information', () => {
    expect(at(`requests.get("https://u:${TOKEN}@api.example/x")`)).toBeNull();
    expect(at(`curl https://u:${TOKEN}@github.com/o/r`)).toBeNull();
    expect(at(`git clone https://github.com/o/r  # ${TOKEN}`)).toBeNull();
    // The git command on another line does not count.
    expect(at(`git status\ncurl https://u:${TOKEN}@github.com/o/r`)).toBeNull();
    expect(at(`git clone ssh://u:${TOKEN}@github.com/o/r`)).toBeNull();
  });
});

describe('hosts', () => {
  it('suggests the user name each host expects', () => {
    expect(conventionFor('github.com')).toBe('x-access-token');
    expect(conventionFor('https://gitlab.com')).toBe('oauth2');
    expect(conventionFor('gitlab.example.org')).toBe('oauth2');
    expect(conventionFor('git.example.org')).toBe('x-access-token');
  });

  it('names hosts briefly', () => {
    expect(hostName('https://GitHub.com:443/org')).toBe('github.com');
    expect(displayHost('https://github.com')).toBe('github.com');
    expect(displayHost('http://127.0.0.1:9095')).toBe('http://127.0.0.1:9095');
  });
});

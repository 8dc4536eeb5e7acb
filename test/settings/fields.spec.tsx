import { nullTranslator } from '@jupyterlab/translation';
import { fireEvent, render, screen } from '@testing-library/react';
import * as fs from 'fs';
import * as path from 'path';
import React from 'react';

import {
  IFieldProps,
  LinesField,
  parseLines,
  TemplatesField
} from '../../src/settings/fields';

const trans = nullTranslator.load('jupyterlab-secret-mounts');
const snippets = JSON.parse(
  fs.readFileSync(
    path.join(__dirname, '..', '..', 'schema', 'snippets.json'),
    'utf8'
  )
);
const templatesSchema = snippets.properties.templates;

function box(label: string, group: string): HTMLTextAreaElement {
  const fieldset = screen.getByText(group).closest('fieldset') as HTMLElement;
  const textarea = fieldset.querySelector(
    `textarea[data-kind="${label}"]`
  ) as HTMLTextAreaElement;
  expect(textarea).not.toBeNull();
  return textarea;
}

describe('TemplatesField', () => {
  function renderTemplates(formData: unknown, onChange = jest.fn()) {
    const props: IFieldProps = {
      formData,
      schema: templatesSchema,
      idSchema: { $id: 'root_templates' },
      onChange
    };
    render(<TemplatesField {...props} trans={trans} />);
    return onChange;
  }

  it('shows each template on its own lines, under titles, with one description', () => {
    renderTemplates(templatesSchema.default);
    expect(box('json', 'Python').value).toBe(
      [
        'import json',
        'from pathlib import Path',
        "{var} = json.loads(Path({path}).read_text(encoding='utf-8'))"
      ].join('\n')
    );
    expect(box('json', 'Python').rows).toBe(3);
    expect(screen.getAllByText(templatesSchema.description)).toHaveLength(1);
    // The kinds are labelled by their titles, the styles by theirs.
    expect(
      screen.getAllByLabelText('Binary values (bytes)').length
    ).toBeGreaterThanOrEqual(6);
    expect(
      screen.getByText('Bash cell (%%bash) in Python notebooks and consoles')
    ).toBeTruthy();
  });

  it('shows a string-valued template of older settings as its lines', () => {
    renderTemplates({ r: { text: 'library(x)\n{var} <- x::read({path})' } });
    expect(box('text', 'R').value).toBe('library(x)\n{var} <- x::read({path})');
  });

  it('saves an edited template as lines and leaves the others alone', () => {
    const onChange = renderTemplates(templatesSchema.default);
    fireEvent.change(box('text', 'Julia'), {
      target: { value: 'using Secrets\n{var} = Secrets.read({path});' }
    });
    const saved = onChange.mock.calls[0][0];
    expect(saved.julia).toEqual({
      ...templatesSchema.default.julia,
      text: ['using Secrets', '{var} = Secrets.read({path});']
    });
    expect(saved.python).toEqual(templatesSchema.default.python);
  });

  it('says what an empty template means', () => {
    renderTemplates(templatesSchema.default);
    expect(
      box(
        'binary',
        'IPython shell command (!) in Python notebooks and consoles'
      ).placeholder
    ).toBe('No template: binary keys get no snippet');
  });
});

describe('LinesField', () => {
  function renderLines(formData: unknown, onChange = jest.fn()) {
    const props: IFieldProps = {
      formData,
      schema: { title: 'Disabled rules' },
      idSchema: { $id: 'root_disabledRules' },
      onChange
    };
    const result = render(
      <LinesField {...props} placeholder="One rule id per line" />
    );
    return {
      onChange,
      textarea: screen.getByLabelText('Disabled rules') as HTMLTextAreaElement,
      rerender: (data: unknown) =>
        result.rerender(
          <LinesField
            {...props}
            formData={data}
            placeholder="One rule id per line"
          />
        )
    };
  }

  it('edits a list one entry per line, keeping the line being started', () => {
    const { onChange, textarea, rerender } = renderLines(['jwt']);
    expect(textarea.value).toBe('jwt');
    fireEvent.change(textarea, { target: { value: 'jwt\n' } });
    expect(onChange).toHaveBeenLastCalledWith(['jwt']);
    rerender(['jwt']);
    expect(textarea.value).toBe('jwt\n');
    fireEvent.change(textarea, {
      target: { value: 'jwt\ngeneric-credential' }
    });
    expect(onChange).toHaveBeenLastCalledWith(['jwt', 'generic-credential']);
  });

  it('follows a change made elsewhere (JSON editor, restore defaults)', () => {
    const { textarea, rerender } = renderLines(['jwt', 'slack-token']);
    rerender([]);
    expect(textarea.value).toBe('');
  });
});

describe('parseLines', () => {
  it('drops empty lines and repeats, keeps entries exactly', () => {
    expect(parseLines('a\r\n\n b \na\n')).toEqual(['a', ' b ']);
    expect(parseLines('')).toEqual([]);
  });
});

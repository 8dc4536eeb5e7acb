/**
 * Fields of our settings in JupyterLab's Settings Editor, registered with its form renderer
 * registry as core extensions do: snippet templates edited as multi-line text, lists of strings
 * edited one per line. The JSON editor is unaffected.
 */
import { TranslationBundle } from '@jupyterlab/translation';
import React, { useEffect, useState } from 'react';

import {
  templateLines,
  templateText,
  VALUE_KINDS,
  ValueKind
} from '../snippets/templates';

/** What these fields read of a JSON schema. */
export interface ISchemaLike {
  title?: string;
  description?: string;
  properties?: Record<string, boolean | ISchemaLike>;
}

/** What these fields use of the props the form (rjsf) gives a field. */
export interface IFieldProps {
  formData?: unknown;
  schema: ISchemaLike;
  idSchema: { $id: string };
  onChange: (value: unknown) => void;
}

type Entries = Record<string, unknown>;

function isRecord(value: unknown): value is Entries {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A property's schema, if it has one (`true` and `false` are schemas too). */
function propertyOf(schema: ISchemaLike, name: string): ISchemaLike {
  const spec = schema.properties?.[name];
  return typeof spec === 'object' ? spec : {};
}

/** Rows that show every line, and never fewer than `min`. */
function rows(text: string, min: number): number {
  return Math.max(min, text.split('\n').length);
}

/**
 * The `templates` setting: one group per style, a text box per kind of value. The setting's
 * description is shown once, by the heading; what a kind means is in it.
 */
export function TemplatesField(
  props: IFieldProps & { trans: TranslationBundle }
): JSX.Element {
  const { schema, idSchema, trans } = props;
  const value = isRecord(props.formData) ? props.formData : {};
  const empty: Record<ValueKind, string> = {
    text: trans.__('No template: keys of this kind get no snippet'),
    binary: trans.__('No template: binary keys get no snippet'),
    json: trans.__('Empty: the text template is used')
  };

  const change = (style: string, kind: ValueKind, text: string) => {
    const templates = isRecord(value[style]) ? value[style] : {};
    props.onChange({
      ...value,
      [style]: { ...templates, [kind]: templateLines(text) }
    });
  };

  return (
    <div className="jp-SecretMounts-templatesField">
      <h3 className="jp-FormGroup-fieldLabel jp-FormGroup-contentItem">
        {schema.title}
      </h3>
      {schema.description && (
        <div className="jp-FormGroup-description">{schema.description}</div>
      )}
      {Object.keys(schema.properties ?? {}).map(style => {
        const templates = isRecord(value[style]) ? value[style] : {};
        const styleSchema = propertyOf(schema, style);
        return (
          <fieldset
            key={style}
            className="jp-SecretMounts-templateStyle"
            data-style={style}
          >
            <legend>{styleSchema.title ?? style}</legend>
            {VALUE_KINDS.map(kind => {
              const id = `${idSchema.$id}_${style}_${kind}`;
              const text = templateText(templates[kind]) ?? '';
              return (
                <div key={kind} className="jp-SecretMounts-template">
                  <label htmlFor={id}>
                    {propertyOf(styleSchema, kind).title ?? kind}
                  </label>
                  <textarea
                    id={id}
                    className="jp-mod-styled"
                    data-kind={kind}
                    value={text}
                    rows={rows(text, 1)}
                    placeholder={empty[kind]}
                    spellCheck={false}
                    wrap="off"
                    onChange={event => change(style, kind, event.target.value)}
                  />
                </div>
              );
            })}
          </fieldset>
        );
      })}
    </div>
  );
}

/** The entries of a one-per-line text: no empty lines, no repeats. */
export function parseLines(text: string): string[] {
  return [...new Set(text.split(/\r?\n/).filter(line => line !== ''))];
}

/**
 * A list of strings (rule ids, patterns) as a text box, one entry per line. The form shows the
 * setting's description below the field, once.
 */
export function LinesField(
  props: IFieldProps & { placeholder: string }
): JSX.Element {
  const { schema, idSchema } = props;
  const items = Array.isArray(props.formData)
    ? props.formData.filter((item): item is string => typeof item === 'string')
    : [];
  const joined = items.join('\n');
  const [text, setText] = useState(joined);

  // Follow changes made elsewhere (the JSON editor, "Restore to Defaults"), but keep what is
  // being typed: an empty last line is not an entry yet.
  useEffect(() => {
    if (parseLines(text).join('\n') !== joined) {
      setText(joined);
    }
  }, [joined]);

  return (
    <div className="jp-SecretMounts-linesField">
      <h3 className="jp-FormGroup-fieldLabel jp-FormGroup-contentItem">
        <label htmlFor={idSchema.$id}>{schema.title}</label>
      </h3>
      <textarea
        id={idSchema.$id}
        className="jp-mod-styled"
        value={text}
        rows={rows(text, 2) + 1}
        placeholder={props.placeholder}
        spellCheck={false}
        wrap="off"
        onChange={event => {
          setText(event.target.value);
          props.onChange(parseLines(event.target.value));
        }}
      />
    </div>
  );
}

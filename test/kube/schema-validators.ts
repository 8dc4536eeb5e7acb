/**
 * ajv validators built from the schema fixtures in test/kube/schemas/ (see the
 * README there for where each comes from). Kubernetes' own OpenAPI
 * extensions are honoured where they constrain data: `x-kubernetes-list-type:
 * map` (unique list-map keys) and `set` (unique items), as the API server
 * enforces them; CEL rules (`x-kubernetes-validations`) are not evaluated.
 */
import Ajv, {
  type AnySchema,
  type ErrorObject,
  type ValidateFunction
} from 'ajv';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import core from './schemas/k8s-core-v1.json';
import podDefaultCrd from './schemas/poddefault-v1alpha1.json';
import workspaceCrd from './schemas/workspace-v1beta1.json';
import z2jhSchema from './schemas/z2jh-values.schema.json';
import z2jhDefaults from './schemas/z2jh-values.default.json';
import sarifSchema from './schemas/sarif-schema-2.1.0.json';

type Json = Record<string, unknown>;

const ANNOTATIONS = [
  'x-kubernetes-group-version-kind',
  'x-kubernetes-map-type',
  'x-kubernetes-patch-merge-key',
  'x-kubernetes-patch-strategy',
  'x-kubernetes-list-map-keys',
  'x-kubernetes-int-or-string',
  'x-kubernetes-validations',
  'x-kubernetes-preserve-unknown-fields',
  'x-kubernetes-embedded-resource',
  'example'
];

function kubernetesAjv<T extends Ajv>(ajv: T): T {
  addFormats(ajv);
  ajv.addFormat('int32', {
    type: 'number',
    validate: (n: number) =>
      Number.isInteger(n) && n >= -(2 ** 31) && n < 2 ** 31
  });
  ajv.addFormat('int64', {
    type: 'number',
    validate: (n: number) => Number.isInteger(n)
  });
  ajv.addFormat('double', { type: 'number', validate: () => true });
  ajv.addFormat('byte', /^[A-Za-z0-9+/]*={0,2}$/);
  for (const keyword of ANNOTATIONS) {
    ajv.addKeyword({ keyword });
  }
  ajv.addKeyword({
    keyword: 'x-kubernetes-list-type',
    type: 'array',
    schemaType: 'string',
    errors: true,
    validate: function listType(
      kind: string,
      data: unknown[],
      parentSchema?: AnySchema
    ): boolean {
      const keys = (parentSchema as Json | undefined)?.[
        'x-kubernetes-list-map-keys'
      ] as string[] | undefined;
      const identity = (item: unknown) =>
        kind === 'map' && keys
          ? JSON.stringify(keys.map(key => (item as Json)?.[key]))
          : JSON.stringify(item);
      if (kind !== 'map' && kind !== 'set') {
        return true;
      }
      const seen = new Set<string>();
      const duplicate = data.findIndex(item => {
        const id = identity(item);
        return seen.has(id) || !seen.add(id);
      });
      if (duplicate >= 0) {
        // As the API server reports it: the repeated entry's index.
        (listType as { errors?: Partial<ErrorObject>[] }).errors = [
          {
            keyword: 'x-kubernetes-list-type',
            message: `Duplicate value at index ${duplicate}`,
            params: { duplicate }
          }
        ];
        return false;
      }
      return true;
    }
  });
  return ajv;
}

function explain(errors: ErrorObject[] | null | undefined): string[] {
  return (errors ?? []).map(
    error => `${error.instancePath || '/'} ${error.message ?? error.keyword}`
  );
}

export interface ISchemaCheck {
  (value: unknown): string[];
}

function check(validate: ValidateFunction): ISchemaCheck {
  return value => (validate(value) ? [] : explain(validate.errors));
}

const ajv2020 = kubernetesAjv(
  new Ajv2020({
    allErrors: true,
    strict: true,
    strictTypes: false,
    strictRequired: false
  })
);
ajv2020.addSchema(core as AnySchema);
const coreId = (core as Json).$id as string;

/** Kubernetes core v1 Volume (v1.37 OpenAPI). */
export const checkVolume = check(
  ajv2020.compile({ $ref: `${coreId}#/$defs/io.k8s.api.core.v1.Volume` })
);
/** Kubernetes core v1 VolumeMount. */
export const checkVolumeMount = check(
  ajv2020.compile({ $ref: `${coreId}#/$defs/io.k8s.api.core.v1.VolumeMount` })
);
/** Kubernetes core v1 Secret. */
export const checkSecret = check(
  ajv2020.compile({ $ref: `${coreId}#/$defs/io.k8s.api.core.v1.Secret` })
);

/** The PodDefault CRD's openAPIV3Schema. */
export const checkPodDefault = check(
  ajv2020.compile(podDefaultCrd.openAPIV3Schema as AnySchema)
);
/** The Workspace CRD's openAPIV3Schema. */
export const checkWorkspace = check(
  ajv2020.compile(workspaceCrd.openAPIV3Schema as AnySchema)
);

const ajv07 = new Ajv({ allErrors: true, strict: false });
addFormats(ajv07);
const z2jhValidate = ajv07.compile(z2jhSchema as AnySchema);

/** Helm's values merge: maps merge key by key, anything else replaces. */
export function helmMerge(base: unknown, overlay: unknown): unknown {
  if (
    base &&
    overlay &&
    typeof base === 'object' &&
    typeof overlay === 'object' &&
    !Array.isArray(base) &&
    !Array.isArray(overlay)
  ) {
    const result: Json = { ...(base as Json) };
    for (const [key, value] of Object.entries(overlay as Json)) {
      result[key] = helmMerge(result[key], value);
    }
    return result;
  }
  return overlay === undefined ? base : overlay;
}

/** The chart defaults, optionally with user values merged on top (as `helm -f`). */
export function z2jhValues(...overlays: unknown[]): Json {
  return overlays.reduce(
    (values: unknown, overlay) => helmMerge(values, overlay),
    JSON.parse(JSON.stringify(z2jhDefaults.values)) as unknown
  ) as Json;
}

/** The z2jh chart's values schema, on complete (merged) values. */
export const checkZ2jhValues = check(z2jhValidate);

/** Server-side validators for the fake API server (returns causes). */
export function crdValidator(
  checkFn: ISchemaCheck
): (object: Json) => { field: string; message: string; reason?: string }[] {
  return object =>
    checkFn(object).map(text => {
      const [pointer, ...rest] = text.split(' ');
      const message = rest.join(' ');
      // JSON pointer to the API server's field path: /spec/a/0/b -> spec.a[0].b
      let field =
        pointer
          .replace(/^\//, '')
          .replace(/\/(\d+)(?=\/|$)/g, '[$1]')
          .replace(/\//g, '.') || 'object';
      const duplicate = /^Duplicate value at index (\d+)$/.exec(message);
      if (duplicate) {
        field = `${field}[${duplicate[1]}]`;
        return {
          field,
          message: 'Duplicate value',
          reason: 'FieldValueDuplicate'
        };
      }
      return { field, message };
    });
}

/**
 * The SARIF 2.1.0 schema. It is draft-04; it uses no keyword whose meaning
 * changed since except the top-level `id`, which becomes `$id` for ajv.
 */
const { id: sarifId, $schema: _draft04, ...sarifRest } = sarifSchema as Json;
const sarifValidate = ajv07.compile({
  ...sarifRest,
  $id: sarifId
} as AnySchema);
export const checkSarif = check(sarifValidate);

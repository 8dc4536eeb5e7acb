import {
  IRenderMime,
  IRenderMimeRegistry,
  MimeModel
} from '@jupyterlab/rendermime';

import { ILeakChecker } from './checker';
import { MASK, maskText } from './mask';

/** Output MIME types whose rendered text is masked. */
export const MASKED_MIME_TYPES: readonly string[] = [
  'text/plain',
  'application/vnd.jupyter.stdout',
  'application/vnd.jupyter.stderr',
  'text/html'
];

/** What the masking renderers need, read live so settings apply without a reload. */
export interface IMaskingOptions {
  checker: ILeakChecker;
  /** Whether masking is on (the "mask outputs" setting). */
  enabled: () => boolean;
  /** Whether a text is worth a server round trip (e.g. no mounts, or shorter than any indexed value). */
  worthChecking?: (text: string) => boolean;
  /** What a masked value shows (plain text; default `MASK`). */
  mask?: () => string;
}

/**
 * A copy of `model` in which every exact mounted value (or its encoded form)
 * in the `mimeType` text is replaced by the mask. Returns `model` itself when
 * there is nothing to mask.
 */
export async function maskMimeModel(
  model: IRenderMime.IMimeModel,
  mimeType: string,
  options: IMaskingOptions
): Promise<IRenderMime.IMimeModel> {
  const text = model.data[mimeType];
  if (
    typeof text !== 'string' ||
    !options.enabled() ||
    (options.worthChecking && !options.worthChecking(text))
  ) {
    return model;
  }
  const matches = await options.checker.check([{ id: mimeType, text }]);
  if (matches.length === 0) {
    return model;
  }
  const mask = options.mask?.() ?? MASK;
  const shown = mimeType === 'text/html' ? escapeHtml(mask) : mask;
  return new MimeModel({
    data: { ...model.data, [mimeType]: maskText(text, matches, shown) },
    metadata: model.metadata,
    trusted: model.trusted
  });
}

/**
 * Make `renderer` mask before it renders. The output area re-renders a stream
 * output with its whole merged text on every chunk, so a value printed in
 * several chunks is masked once its last chunk arrived.
 *
 * The renderer object itself is kept (its `renderModel` is replaced) rather
 * than wrapped in another widget: the output area keys its reuse logic and
 * CSS on the renderer it created.
 */
export function maskRenderer(
  renderer: IRenderMime.IRenderer,
  mimeType: string,
  options: IMaskingOptions
): IRenderMime.IRenderer {
  const render = renderer.renderModel.bind(renderer);
  let next: IRenderMime.IMimeModel | null = null;
  let busy: Promise<void> | null = null;

  // At most one check in flight per renderer: while a stream grows faster than
  // the server answers, intermediate texts are skipped, and each answer renders
  // the newest text checked so far. Never renders unchecked text.
  const drain = async (): Promise<void> => {
    while (next) {
      const model: IRenderMime.IMimeModel = next;
      next = null;
      const masked = await maskMimeModel(model, mimeType, options);
      if (!renderer.isDisposed) {
        await render(masked);
      }
    }
    busy = null;
  };

  renderer.renderModel = (model: IRenderMime.IMimeModel) => {
    next = model;
    if (!busy) {
      busy = drain();
    }
    return busy;
  };
  return renderer;
}

/** A renderer factory for one MIME type whose renderers mask. */
export function maskingFactory(
  factory: IRenderMime.IRendererFactory,
  mimeType: string,
  options: IMaskingOptions
): IRenderMime.IRendererFactory {
  return {
    safe: factory.safe,
    defaultRank: factory.defaultRank,
    mimeTypes: [mimeType],
    createRenderer: rendererOptions =>
      maskRenderer(factory.createRenderer(rendererOptions), mimeType, options)
  };
}

/**
 * Replace the registry's factories for the masked MIME types by masking ones,
 * at the same rank. Call during activation: each notebook clones the registry
 * when it opens, so later notebooks inherit the masking factories.
 */
export function installOutputMasking(
  registry: IRenderMimeRegistry,
  options: IMaskingOptions
): void {
  for (const mimeType of MASKED_MIME_TYPES) {
    const factory = registry.getFactory(mimeType);
    if (!factory || Private.masking.has(factory)) {
      continue;
    }
    const rank = registry.getRank(mimeType);
    const masking = maskingFactory(factory, mimeType, options);
    Private.masking.add(masking);
    registry.addFactory(masking, rank);
  }
}

namespace Private {
  /** Factories already masking, so installing twice does not wrap twice. */
  export const masking = new WeakSet<IRenderMime.IRendererFactory>();
}

/** A mask is plain text; inside HTML its `<`, `>` and `&` must stay text. */
function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
}

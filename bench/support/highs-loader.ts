/**
 * Typed loader for the `highs` package. Under NodeNext its ESM types are read as CommonJS and
 * the default export is not callable (STYLE.md, stack pitfall 3); this wrapper fixes the type
 * without changing module resolution.
 */
import highsImport, { type Highs, type InitOptions } from 'highs';

export type HighsLoader = (options?: InitOptions) => Promise<Highs>;
const mod = highsImport as unknown as HighsLoader | { default: HighsLoader };
export const loadHighs: HighsLoader = typeof mod === 'function' ? mod : mod.default;

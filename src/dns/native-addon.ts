/**
 * Finds and loads one of the package's native addons (native/<name>.c or .cc, built by
 * `npm run build`, scripts/build-native.mjs): first dist/native/ beside the compiled code
 * (the build copies it there, so a copy of dist/ carries it), then build/ at the package
 * root (tests run from src/). Here because the batched-UDP addon was the first; the anchor
 * loads its own through it too.
 */
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The addon, undefined when it was not built; throws when it is there but does not load. */
export function loadNativeAddon<T>(name: string): T | undefined {
  const paths = [
    fileURLToPath(new URL(`../native/${name}.node`, import.meta.url)),
    fileURLToPath(new URL(`../../build/${name}.node`, import.meta.url)),
  ];
  const file = paths.find((p) => existsSync(p));
  return file === undefined ? undefined : (createRequire(import.meta.url)(file) as T);
}

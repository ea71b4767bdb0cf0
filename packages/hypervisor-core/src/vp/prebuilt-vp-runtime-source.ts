import type { VpRuntimeSource } from './vp-runtime-source.js';

/**
 * A {@link VpRuntimeSource} serving VP runtime text bundled ahead of time (by
 * {@link bundleVpRuntime}, at build time or in a parent process), so no bundler runs here.
 */
export class PrebuiltVpRuntimeSource implements VpRuntimeSource {
  private readonly href: string;

  /** @param source - the VP runtime as one ES module's JavaScript text. */
  constructor(source: string) {
    this.href = `data:text/javascript;base64,${Buffer.from(source).toString('base64')}`;
  }

  script(): Promise<URL> {
    return Promise.resolve(new URL(this.href));
  }
}
